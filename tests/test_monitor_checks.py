"""Inputs the monitor must not turn into figures: metered power above what the plant can
deliver (a unit error, or a few spikes), measured weather of another period or a column that
is not irradiance; and the workbook states the period, names and times as the CLI does."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError
from pvplanner.monitor import monitor, write_monitor_xlsx
from pvplanner.monitor.capacity import (
    MAX_OUTPUT_KW_PER_KWP,
    MAX_SPIKE_SHARE,
    capacity_check,
    within_capacity,
)
from pvplanner.monitor.expected import typical_positions
from pvplanner.monitor.readings import MeteredSeries, hourly_means
from tests._monitor_files import csv_bytes, demo_plan, expected_kw, sunniest_days

PI = 0.93
#: What a reader must never see: Python reprs and ISO times with T and an offset.
_REPRS = re.compile(r"\b(True|False|nan|None|NaN)\b|\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture(scope="module")
def plan():
    return demo_plan()


def _both(exc: BaseException) -> dict[str, str]:
    """The error as the two readers see it."""
    return {lang: render(exc, lang) for lang in ("en", "zh")}


def _frame(index: pd.DatetimeIndex, values: np.ndarray, header: str) -> bytes:
    return csv_bytes(pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), header: values}))


# --------------------------------------------------------------------------- capacity


def _series(values: list[float]) -> MeteredSeries:
    index = pd.date_range("2026-06-01 10:00", periods=len(values), freq="15min",
                          tz="Etc/GMT-8")
    kw = pd.Series(values, index=index, dtype=float)
    read = pd.Series(True, index=index)
    quality = SimpleNamespace(filename="inverter.csv", value_column="P (kW)")
    return MeteredSeries(hourly_means(kw, read, 0.5), quality, kw, read)  # type: ignore[arg-type]


def test_the_limit_is_the_capacity_times_the_margin():
    limit = 100.0 * MAX_OUTPUT_KW_PER_KWP
    series = _series([limit, limit + 0.1, 50.0, 0.0])
    found = capacity_check(series.readings_kw, series.readings_valid, 100.0)
    assert found.limit_kw == limit
    assert found.above.tolist() == [False, True, False, False]  # at the limit is possible
    assert found.readings == 3  # readings with output
    assert found.largest_kw == limit + 0.1


def test_spikes_up_to_the_share_pass_and_more_is_a_unit_error():
    producing = 1000
    spikes = int(MAX_SPIKE_SHARE * producing)
    values = np.full(producing, 60.0)
    values[np.arange(spikes) * 97 + 5] = 400.0  # single readings here and there
    series, note = within_capacity(_series(values.tolist()), 100.0, 0.5)
    assert note is not None and note.values["n"] == spikes
    # the spikes are gone: every hour back at the level around them
    assert np.allclose(series.kw.to_numpy(), 60.0)
    assert int((~series.readings_valid).sum()) == spikes
    values[-1] = 400.0  # one more is a unit error
    with pytest.raises(PlannerInputError):
        within_capacity(_series(values.tolist()), 100.0, 0.5)


def test_power_read_as_energy_per_interval_is_refused_with_count_and_largest(plan):
    """5-minute kW readings read as kWh per interval: 12 times too large, far below the
    meter reader's 1 GW limit, so only the plant's capacity tells."""
    scenario, result = plan
    index = pd.date_range("2025-06-01", "2025-06-30 23:55", freq="5min")
    kw = np.round(expected_kw(index) * PI, 3)
    with pytest.raises(PlannerInputError) as caught:
        monitor(scenario, generation=_frame(index, kw, "发电功率(kW)"),
                generation_filename="逆变器.csv", generation_units="kwh", result=result)
    read = kw * 12  # what the reader made of them [kW]
    limit = MAX_OUTPUT_KW_PER_KWP * result.pv.capacity_kwp
    count, total = int((read > limit).sum()), int((read > 0).sum())
    assert count > MAX_SPIKE_SHARE * total
    text = _both(caught.value)
    for lang, said in text.items():
        assert "逆变器.csv" in said and "发电功率(kW)" in said, lang
        assert f"{count:,}" in said and f"{total:,}" in said, lang
        assert f"{read.max():,.1f} kW" in said and f"{limit:,.1f} kW" in said, lang
        assert not _REPRS.search(said), said
    assert "kWh under an MWh header" in text["en"] and "W under a kW header" in text["en"]
    assert "以 W 记录却标为 kW" in text["zh"] and "超过电站可能的最大出力" in text["zh"]


@pytest.fixture(scope="module")
def small_plan(plan):
    """The demo site with its PV capped at 400 kWp: in W its output stays below 1 GW."""
    import pvplanner

    scenario, _ = plan
    small = scenario.model_copy(update={"constraints": scenario.constraints.model_copy(
        update={"max_total_kwp": 400.0})})
    return small, pvplanner.plan(small, with_npv_curve=False)


def test_generation_metered_in_watts_gives_no_figures(small_plan):
    scenario, result = small_plan
    index = pd.date_range("2026-01-01", "2026-04-30 23:45", freq="15min")
    kw = result.hourly["pv_available_kw"].to_numpy()[typical_positions(index)] * PI
    watts = np.round(kw * 1000, 1)
    assert watts.max() < 1e6  # the meter reader's own limit does not catch it
    with pytest.raises(PlannerInputError) as caught:
        monitor(scenario, generation=_frame(index, watts, "有功功率(kW)"),
                generation_filename="gen.csv", result=result)
    limit = MAX_OUTPUT_KW_PER_KWP * result.pv.capacity_kwp
    count = int((watts > limit).sum())
    zh = render(caught.value, "zh")
    assert f"有 {count:,} 个超过电站可能的最大出力" in zh
    assert f"最大读数为 {watts.max():,.1f} kW" in zh
    at = index[int(np.argmax(watts))].strftime("%Y-%m-%d %H:%M")
    assert at in zh and not _REPRS.search(zh)


def test_a_few_spikes_are_left_out_and_said(plan):
    scenario, result = plan
    index = pd.date_range("2025-06-01", "2025-06-30 23:45", freq="15min")
    kw = np.round(expected_kw(index) * PI, 3)
    spiked = kw.copy()
    noon = np.flatnonzero(index.hour == 12)[[10, 50, 100]]
    spike = 2.0 * result.pv.capacity_kwp  # above the plant, below 20 x the median reading
    spiked[noon] = spike
    clean = monitor(scenario, generation=_frame(index, kw, "kW"), result=result)
    found = monitor(scenario, generation=_frame(index, spiked, "kW"), result=result)
    assert found.quality["generation"]["outliers"] == 0  # the reader kept them: ours to find
    # each spike takes the mean of its neighbours, a few kWh from the true quarter hour
    assert found.actual_kwh == pytest.approx(clean.actual_kwh, rel=1e-4)
    assert found.performance_index == pytest.approx(clean.performance_index, rel=1e-4)
    note = next(n for n in found.notes if n.id == "spikes_left_out")
    assert note.values["n"] == 3
    for lang in ("en", "zh"):
        text = note.text(lang)
        assert f"{spike:,.1f} kW" in text and "3" in text and not _REPRS.search(text)


# --------------------------------------------------------------------------- weather


def _generation(index: pd.DatetimeIndex) -> bytes:
    return _frame(index, np.round(expected_kw(index) * PI, 3), "发电功率(kW)")


def _typical_ghi(plan, index: pd.DatetimeIndex) -> np.ndarray:
    from pvplanner.pv import load_weather

    scenario, _ = plan
    weather, _ = load_weather(scenario.site.latitude, scenario.site.longitude,
                              source="synthetic", seed=scenario.weather.seed)
    return weather["ghi"].to_numpy()[typical_positions(index)]


def test_weather_of_another_period_is_refused_naming_both_periods(plan):
    scenario, result = plan
    metered = pd.date_range("2026-01-01", "2026-04-30 23:45", freq="15min")
    other = pd.date_range("2024-06-01", "2024-06-30 23:00", freq="h")
    with pytest.raises(PlannerInputError) as caught:
        monitor(scenario, generation=_generation(metered), result=result,
                weather=_frame(other, _typical_ghi(plan, other), "辐照度(W/m2)"),
                weather_filename="辐照.csv")
    for lang, said in _both(caught.value).items():
        for day in ("2024-06-01", "2024-06-30", "2026-01-01", "2026-04-30"):
            assert day in said, (lang, said)
        assert "辐照.csv" in said and not _REPRS.search(said)


def test_a_load_export_given_as_weather_is_refused_naming_its_column(plan):
    scenario, result = plan
    metered = pd.date_range("2026-01-01", "2026-01-31 23:45", freq="15min")
    load = np.where((metered.hour >= 8) & (metered.hour < 20), 900.0, 350.0)
    with pytest.raises(PlannerInputError) as caught:
        monitor(scenario, generation=_generation(metered), result=result,
                weather=_frame(metered, load, "有功功率(kW)"), weather_filename="负荷.csv")
    text = _both(caught.value)
    for lang, said in text.items():
        assert "有功功率(kW)" in said and "W/m2" in said and "UTC+8" in said, lang
        assert not _REPRS.search(said)
    assert "does not hold irradiance" in text["en"] and "不是辐照度" in text["zh"]


def test_irradiance_timed_in_utc_is_refused(plan):
    """Light in the site's night: the clock is not the site's (UTC for UTC+8)."""
    scenario, result = plan
    metered = pd.date_range("2026-06-01", "2026-06-30 23:00", freq="h")
    ghi = _typical_ghi(plan, metered)
    utc = metered - pd.Timedelta(hours=8)  # the same light, stamped 8 hours early
    with pytest.raises(PlannerInputError, match="does not hold irradiance"):
        monitor(scenario, generation=_generation(metered), result=result,
                weather=_frame(utc, ghi, "GHI(W/m2)"), weather_filename="ghi.csv")


def test_weather_covering_part_of_the_period_says_so(plan):
    scenario, result = plan
    metered = pd.date_range("2026-06-01", "2026-06-30 23:00", freq="h")
    half = metered[metered.day <= 15]
    found = monitor(scenario, generation=_generation(metered), result=result,
                    weather=_frame(half, _typical_ghi(plan, half), "辐照度(W/m2)"))
    note = next(n for n in found.notes if n.id == "weather_partial")
    assert note.values == {"covered": len(half), "hours": len(metered)}
    assert found.performance_index == pytest.approx(PI, rel=0.04)
    assert f"{len(half)}" in note.text("zh")


# --------------------------------------------------------------------------- workbook


@pytest.fixture(scope="module")
def outage_month(plan):
    scenario, result = plan
    index = pd.date_range("2026-02-01", "2026-03-31 23:45", freq="15min")
    kw = expected_kw(index) * PI
    days = sunniest_days(index, kw, "2026-02", 2)
    kw[index.normalize().isin(days)] = 0.0
    return monitor(scenario, generation=_frame(index, np.round(kw, 3), "kW"), result=result)


def _cells(book) -> list:
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
            if c.value is not None]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workbook_speaks_as_the_cli_does(outage_month, lang):
    import openpyxl

    from pvplanner.display.terminal import monitor_summary

    found = outage_month
    book = openpyxl.load_workbook(io.BytesIO(write_monitor_xlsx(found, lang=lang)))
    cli_first_line = monitor_summary(found.to_dict(lang), lang).splitlines()[0]
    facts = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows(max_row=6)}
    values = list(facts.values())
    name, period = values[2], values[3]
    # the same localized name and inclusive period with its day count as the CLI
    assert cli_first_line.startswith(name + ("：" if lang == "zh" else ": "))
    assert period in cli_first_line
    assert ("演示" in name) == (lang == "zh")
    events = book.worksheets[2]
    times = [events.cell(row, col).value for row in range(2, 2 + len(found.outages))
             for col in (2, 3)]
    assert times == [pd.Timestamp(t).strftime("%Y-%m-%d %H:%M")
                     for e in found.outages for t in (e.start, e.end)]
    zone = [c.value for c in _cells(book) if "UTC+8" in str(c.value)]
    assert len(zone) == 1  # the time zone, stated once
    days = book.worksheets[3]
    flags = [row[-1] for row in days.iter_rows(min_row=2, values_only=True)]
    yes, no = ("是", "否") if lang == "zh" else ("Yes", "No")
    assert set(flags) == {yes, no}
    assert flags.count(yes) == int(found.daily["outage"].sum()) == 2
    for cell in _cells(book):
        assert cell.data_type != "b", cell.coordinate  # no TRUE/FALSE cell
        assert not _REPRS.search(str(cell.value)), (cell.coordinate, cell.value)
    # Figures shown to their precision, not 150471.2273540127.
    months = book.worksheets[1]
    shown = {months.cell(1, col).value: months.cell(2, col).number_format
             for col in range(2, months.max_column + 1)}
    kwh, index = ("实测电量 [kWh]", "性能指数") if lang == "zh" else (
        next(h for h in shown if "kWh" in h), next(h for h in shown if "ndex" in h))
    assert shown[kwh] == "#,##0" and shown[index] == "0.000"
    assert all(fmt != "General" for fmt in shown.values()), shown


def test_cli_refuses_weather_of_another_period_in_chinese(plan, tmp_path, monkeypatch, capsys):
    import pvplanner
    from pvplanner.cli import main

    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    scenario = tmp_path / "demo.json"
    scenario.write_text(pvplanner.demo_scenario().model_dump_json(), encoding="utf-8")
    metered = pd.date_range("2026-01-01", "2026-01-31 23:45", freq="15min")
    other = pd.date_range("2025-07-01", "2025-07-31 23:00", freq="h")
    (tmp_path / "g.csv").write_bytes(_generation(metered))
    (tmp_path / "w.csv").write_bytes(_frame(other, _typical_ghi(plan, other), "辐照度(W/m2)"))
    code = main(["monitor", str(scenario), "--generation", str(tmp_path / "g.csv"),
                 "--weather", str(tmp_path / "w.csv")])
    out = capsys.readouterr()
    assert code == 2 and out.out == "" and "Traceback" not in out.err
    assert "实测气象的时段为 2025-07-01 至 2025-07-31" in out.err
    assert "发电数据的时段为 2026-01-01 至 2026-01-31" in out.err


def test_a_plan_without_pv_is_named_as_the_reader_knows_it():
    import pvplanner
    from pvplanner.display.messages import render
    from pvplanner.errors import PlannerInputError
    from pvplanner.monitor import monitor

    scenario = pvplanner.demo_scenario()
    scenario = scenario.model_copy(update={"constraints": scenario.constraints.model_copy(
        update={"max_total_kwp": 0.0})})
    with pytest.raises(PlannerInputError) as info:
        monitor(scenario, generation=io.BytesIO(_generation_csv()), generation_filename="g.csv")
    assert render(info.value.message, "zh").startswith("方案“演示：杭州印染厂”没有安装光伏")
    assert render(info.value.message, "en").startswith(
        "the plan of 'Demo: Hangzhou dyeing factory' installs no PV")


def _generation_csv() -> bytes:
    """A month of plausible hourly generation of a small plant [kW]."""
    index = pd.date_range("2026-06-01", periods=24 * 30, freq="h")
    kw = 50.0 * np.clip(np.sin((index.hour - 6) / 12 * np.pi), 0.0, None)
    lines = ["time,kW"] + [f"{t:%Y-%m-%d %H:%M},{v:.1f}" for t, v in zip(index, kw, strict=True)]
    return "\n".join(lines).encode()
