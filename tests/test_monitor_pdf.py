"""The monthly monitoring report as PDF (issue 17, item 2), in Chinese and English: plan and
actual side by side per month, the outage named with its energy lost, the performance index
overall and outside outages, the carbon account as measured, the years and the degradation
trend when more than a year is given. Read back with pypdf as a reader would; the Chinese
report has no Latin word outside the allow-list of tests/test_language.py, neither report
an id, path or hash."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from pvplanner.display.numbers import NumberFormat
from pvplanner.monitor import monitor
from pvplanner.report.monitor_report import (
    build_monitor_report,
    render_monitor_pdf,
    write_monitor_pdf,
    yearly_table,
)
from tests._monitor_files import csv_bytes, demo_plan, expected_kw, sunniest_days
from tests.test_language import latin_words, leaks

PI = 0.93


@pytest.fixture(scope="module")
def year_case():
    """A year of hourly kW readings at 93 % of the plan with 3 sunny June days at zero."""
    scenario, result = demo_plan()
    index = pd.date_range("2025-01-01", "2025-12-31 23:00", freq="h")
    kw = expected_kw(index) * PI
    days = sunniest_days(index, kw, "2025-06", 3)
    kw[index.normalize().isin(days)] = 0.0
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), "有功功率(kW)": kw})
    found = monitor(scenario, generation=csv_bytes(frame, "gbk"),
                    generation_filename="逆变器导出_7f3a9c.csv", result=result)
    return found, days


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def texts(year_case):
    found = year_case[0]
    return {lang: _text(render_monitor_pdf(found, lang)) for lang in ("zh", "en")}


def test_the_chinese_report_reads_chinese_and_neither_leaks(texts):
    assert not latin_words(texts["zh"]), sorted(set(latin_words(texts["zh"])))
    for lang in ("zh", "en"):
        assert not leaks(texts[lang]), leaks(texts[lang])
        assert "逆变器导出" not in texts[lang]  # the stored upload's name stays out
    assert "实测碳账户" in texts["zh"] and "停机" in texts["zh"]
    assert "Carbon account as measured" in texts["en"]
    # English words only (a Chinese document number in a cited source is its real name).
    assert not re.search(r"停机|限发|实测|方案|绿证|月份", texts["en"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_outage_is_named_with_its_energy_lost(year_case, texts, lang):
    found, days = year_case
    f = NumberFormat(lang)
    text = texts[lang]
    (outage,) = found.outages
    kind = {"zh": "停机", "en": "Outage"}[lang]
    # The events table: kind, start (first day of the three), lost energy in kWh.
    assert re.search(rf"{kind}\s+{days[0].date()} \d\d:00", text), text[:2000]
    assert f.number(outage.lost_kwh) in text
    assert f.number(found.performance_index, 3) in text
    assert f.number(found.performance_index_excluding_outages, 3) in text
    assert found.performance_index < found.performance_index_excluding_outages


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_and_actual_stand_side_by_side_for_every_month(year_case, texts, lang):
    found = year_case[0]
    f = NumberFormat(lang)
    text = texts[lang]
    for period, month in found.monthly.iterrows():
        plan, actual = f.number(month["plan_generation_kwh"]), f.number(month["actual_kwh"])
        # One line of the months table: the month, the plan's kWh, the expectation, metered.
        assert re.search(rf"{period} {re.escape(plan)} [\d,]+ {re.escape(actual)} ", text), \
            period
    # The totals row adds the months up (by hand from the monthly table).
    assert f.number(found.monthly["actual_kwh"].sum()) in text
    assert f.number(found.monthly["plan_generation_kwh"].sum()) in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_carbon_account_as_measured_is_reported(year_case, texts, lang):
    found = year_case[0]
    f = NumberFormat(lang)
    text = texts[lang]
    m = found.monthly
    assert f.number(m["avoided_tco2"].sum(), 1) in text
    assert f.number(m["plan_avoided_tco2"].sum(), 1) in text
    tradable = f.number(m["certificates_tradable"].sum())
    non_tradable = f.number(m["certificates_non_tradable"].sum())
    assert re.search(rf"{re.escape(tradable)} {re.escape(non_tradable)} ", text)
    assert f.number(m["scope2_location_after_tco2"].sum(), 1) in text
    assert f.number(m["scope2_market_after_tco2"].sum(), 1) in text
    assert f.number(m["self_consumed_kwh"].sum()) in text
    assert f.number(m["exported_kwh"].sum()) in text


def test_one_year_has_no_trend_section_and_the_cover_says_the_period(year_case):
    found = year_case[0]
    document = build_monitor_report(found, "en")
    keys = [s.key for s in document.sections]
    assert keys == ["summary", "months", "events", "account", "notes"]
    assert [s.number for s in document.sections] == [1, 2, 3, 4, 5]
    assert dict(document.cover_rows)["Period"] == "2025-01-01 to 2025-12-31 (365 days)"


def test_the_report_is_written_to_a_file(year_case, tmp_path):
    target = tmp_path / "月报.pdf"
    assert write_monitor_pdf(year_case[0], target, lang="zh") is None
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(PdfReader(io.BytesIO(data)).pages) >= 4


def test_two_years_report_each_year_and_the_degradation_trend():
    scenario, result = demo_plan()
    index = pd.date_range("2025-01-01", "2026-12-31 23:00", freq="h")
    kw = expected_kw(index) * PI * np.where(index.year == 2026, 0.98, 1.0)
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "kW": kw})
    found = monitor(scenario.model_copy(update={"start_date": None}),
                    generation=csv_bytes(frame), result=result)
    assert found.degradation is not None
    years = yearly_table(found.monthly)
    hourly = found.hourly
    for year in ("2025", "2026"):  # by hand from the hourly table (1 h steps: kW = kWh)
        rows = hourly[(hourly.index.year == int(year)) & hourly["actual_kw"].notna()]
        by_hand = rows["actual_kw"].sum() / rows["expected_kw"].sum()
        assert years.loc[year, "performance_index"] == pytest.approx(by_hand, rel=1e-9)
    # The plant lost 2 % in 2026 against the plan's own degradation of the expectation.
    assert years.loc["2026", "performance_index"] < years.loc["2025", "performance_index"]
    document = build_monitor_report(found, "zh")
    assert [s.key for s in document.sections][-2:] == ["trend", "notes"]
    text = _text(render_monitor_pdf(found, "zh"))
    f = NumberFormat("zh")
    assert f"衰减：{f.number(found.degradation.rate_percent_per_year, 2)} %/年" in text
    assert f.number(years.loc["2026", "performance_index"], 3) in text
    assert not latin_words(text), sorted(set(latin_words(text)))
