"""The Chinese proposal states the same sources as the English one (a factory accountant
compared the demo's two proposals, PDF and workbook, and found the Chinese dropping the
document numbers, dates, derivations and reasons the English gave).

Every assumption row's source cell carries, in Chinese, the dates (2025-12-31, 2025年12月),
document numbers (发改价格〔2025〕136号, 公告2025年第47号) and figures of the English cell —
translated where words, as written where citations or numbers — for the demo and for a
variant with a battery and exports at the coal benchmark; every translation in the catalogue
does the same on its own; the time-of-use hours that drive the saving are in the tariff part
of the proposal with their sources and validity; the Chinese PDF keeps no English words.
"""

from __future__ import annotations

import copy
import io
import re

import pytest

import pvplanner
from pvplanner.display.messages import catalogue
from pvplanner.display.sources import citation
from pvplanner.report.content import build_proposal
from pvplanner.report.input_rows import _chinese, source_text, tou_hours_blocks
from pvplanner.report.model import Paragraph, Table
from pvplanner.report.text import Texts
from pvplanner.scenario.model import demo_scenario, parse_scenario
from tests.test_language import latin_words

# --------------------------------------------------------------------------- facts
#: A Chinese document number: year in 〔〕 and number (〔2019〕1658号, its issuer before it),
#: or an announcement of a year (公告2025年第47号).
_DOCUMENT = re.compile(r"〔\d{4}〕\d+号|公告\d{4}年第\d+号")
#: A document number with its issuer, as an English citation quotes it (发改价格规〔2019〕1658号).
_ISSUED = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")
_ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_EN_MONTH = re.compile(rf"\b({'|'.join(_MONTHS)}|{'|'.join(m[:3] for m in _MONTHS)}) (\d{{4}})\b")
#: A month named without its year (Jan, July): its number, as Chinese writes it (1月, 7月).
_MONTH_WORD = re.compile(rf"\b({'|'.join(_MONTHS)}|{'|'.join(m[:3] for m in _MONTHS)})\b")
#: A figure: digits not part of a word (CO2, TMY3 and 6A20 are names, not figures) ...
_NUMBER = re.compile(r"(?<![A-Za-z\d.])\d+(?:[.,]\d+)*(?![A-Za-z\d])")
#: ... except a version (PVWatts v8 is the 8th version: 第8版) and a year (eGRID2022).
_VERSION = re.compile(r"(?<![A-Za-z])[vV](\d+(?:\.\d+)*)(?![A-Za-z\d])"
                      r"|(?<=[A-Za-z])((?:19|20)\d\d)(?![A-Za-z\d])")


def same_facts(english: str, chinese: str) -> bool:
    """The two texts give the same document numbers, dates and figures, and every document
    the English quotes with its issuer is quoted so in the Chinese."""
    return facts(english) == facts(chinese) and all(
        document in chinese for document in _ISSUED.findall(english))


def _month(word: str) -> int:
    return [m[:3] for m in _MONTHS].index(word[:3]) + 1


def _iso(year: str, month: str, day: str | None) -> str:
    return f"{int(year):04d}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")


def facts(text: str) -> dict[str, set]:
    """The document numbers, dates and figures of a text, in one notation for both
    languages.

    Examples
    --------
    >>> english = facts("MEE/NBS 公告2025年第47号 (2025-12-31): 2023 CO2 factors, December 2025")
    >>> sorted(english["dates"]), english["documents"], english["numbers"]
    (['2025-12', '2025-12-31'], {'公告2025年第47号'}, {2023.0})
    >>> english == facts("生态环境部公告2025年第47号（2025-12-31）：2023年二氧化碳排放因子，2025年12月")
    True
    >>> facts("NDRC 发改价格〔2021〕833号, from 2021-08-01; PVWatts v8, 1,062 kW")["numbers"]
    {8.0, 1062.0}
    >>> facts("sharp 18-20 in Dec-Jan, Oct 2025") == facts("12月至次年1月 18-20 时尖峰，2025年10月")
    True
    """
    documents = set(_DOCUMENT.findall(text))
    rest = _DOCUMENT.sub(" ", text)
    dates = {_iso(*m.groups()) for m in _ISO_DATE.finditer(rest)}
    dates |= {_iso(*m.groups()) for m in _ZH_DATE.finditer(rest)}
    dates |= {_iso(m.group(2), str(_month(m.group(1))), None) for m in _EN_MONTH.finditer(rest)}
    for pattern in (_ISO_DATE, _ZH_DATE, _EN_MONTH):
        rest = pattern.sub(" ", rest)
    numbers = {float(n.replace(",", "")) for n in _NUMBER.findall(rest)}
    numbers |= {float(v or year) for v, year in _VERSION.findall(rest)}
    numbers |= {float(_month(word)) for word in _MONTH_WORD.findall(rest)}
    return {"documents": documents, "dates": dates, "numbers": numbers}


# --------------------------------------------------------------------------- plans
def _variant(battery: bool = False, coal: bool = False,
             site: tuple[str, str, float, float] | None = None) -> pvplanner.Scenario:
    """The demo with a battery, exports paid at the coal benchmark price, or its factory
    moved to another province (province, city, latitude, longitude)."""
    document = copy.deepcopy(demo_scenario().model_dump(mode="json"))
    document["battery"]["allowed"] = battery
    if coal:
        document["tariff"]["export"] = {"kind": "coal_benchmark"}
    if site is not None:
        province, city, latitude, longitude = site
        document["site"].update(province=province, city=city, latitude=latitude,
                                longitude=longitude)
    return parse_scenario(document)


@pytest.fixture(scope="module")
def plans():
    scenarios = {
        "demo": demo_scenario(),
        "battery_coal": _variant(battery=True, coal=True),
        # Other provinces: other tariffs (half-hour sharp peaks, holiday rules), export
        # rules, emission factors and grid-connection rules.
        "jiangsu_coal": _variant(coal=True, site=("Jiangsu", "Suzhou", 31.30, 120.62)),
        "guangdong": _variant(site=("Guangdong", "Dongguan", 23.02, 113.75)),
    }
    return {name: pvplanner.plan(scenario, with_npv_curve=False, with_sensitivity=False)
            for name, scenario in scenarios.items()}


def _rows(result, lang: str) -> list[list[str]]:
    table = next(b for b in build_proposal(result, lang).section("assumptions").blocks
                 if isinstance(b, Table))
    return table.rows


def _row(result, lang: str, item: str) -> list[str]:
    index = [row.item for row in result.assumptions].index(item)
    return _rows(result, lang)[index]


# --------------------------------------------------------------------------- every row
@pytest.mark.parametrize("case", ["demo", "battery_coal", "jiangsu_coal", "guangdong"])
def test_every_chinese_source_carries_the_dates_documents_and_figures_of_the_english(plans,
                                                                                     case):
    result = plans[case]
    english, chinese = _rows(result, "en"), _rows(result, "zh")
    assert len(english) == len(chinese) == len(result.assumptions)
    lost = []
    for row, en, zh in zip(result.assumptions, english, chinese, strict=True):
        if not same_facts(en[3], zh[3]):
            lost.append((row.item, en[3], zh[3], facts(en[3]), facts(zh[3])))
    assert not lost, lost
    # Not a vacuous comparison: the sources are full of dates, documents and figures.
    said = " ".join(zh[3] for zh in chinese)
    assert all(document in said for document in (
        "公告2025年第47号", "公告2024年第12号", "发改价格规〔2019〕1658号", "国能发新能规〔2025〕7号",
        {"jiangsu_coal": "苏发改价格发〔2025〕426号",
         "guangdong": "粤发改价格〔2021〕331号"}.get(case, "浙发改价格〔2026〕112号")))


@pytest.mark.parametrize("case", ["demo", "battery_coal", "jiangsu_coal", "guangdong"])
def test_every_chinese_source_is_a_translation_not_a_list_of_publishers(plans, case):
    """Each part of each source is translated whole: none falls back to naming only the
    kind of source and its publishers (the fallback for citations the catalogue lacks)."""
    result = plans[case]
    for row in result.assumptions:
        if row.status == "user" or row.item.startswith(("measures.", "battery.max_energy")):
            continue  # the user's input, and texts of the proposal's own catalogue
        for part in citation(row.source, "en").split(" | "):
            assert _chinese(part) is not None, (row.item, part)


def test_the_reviewers_rows_read_in_full_in_chinese(plans):
    demo, coal = plans["demo"], plans["battery_coal"]
    factor = _row(demo, "zh", "carbon.location_factor")[3]
    assert "公告2025年第47号（2025-12-31）" in factor and "（2023）" not in factor
    decline = _row(demo, "zh", "carbon.grid_factor_decline_percent_per_year")[3]
    assert "1 - (0.5306/0.5568)^(1/2)" in decline and "0.5568，公告2024年第12号" in decline
    tariff = _row(demo, "zh", "tariff.preset")[3]
    assert "2.05 : 1.85 : 1 : 0.4 : 0.2" in tariff
    assert "两个公开代码库及 2026-06-04 的一则新闻报道" in tariff
    assert "一个公开代码库" in tariff and "前三天 0-9 时为低谷，9-15 时为深谷" in tariff
    holidays = [row for row in demo.assumptions if row.item.startswith("tariff.tou_override")]
    assert [(row.item, row.status) for row in holidays] == [
        ("tariff.tou_override.0", "secondary"), ("tariff.tou_override.1", "unverified")]
    spring = _row(demo, "zh", "tariff.tou_override.1")
    assert spring[2].startswith("节假日深谷（春节假期前三天）：低谷 07:00-09:00")
    assert "一个公开代码库" in spring[3] and "待核实：各版本说法不一" in spring[3]
    escalation = _row(coal, "zh", "finance.export_escalation_rate")[3]
    assert "2025-06-01 起投产的项目按市场价格上网" in escalation
    assert "发改价格〔2025〕136号" in escalation
    carbon = build_proposal(demo, "zh").section("carbon")
    said = " ".join(getattr(block, "text", "") for block in carbon.blocks)
    assert "公告2025年第47号（2025-12-31）" in said


def test_every_translation_in_the_catalogue_keeps_the_facts_and_the_placeholders():
    entries = {key: entry for key, entry in catalogue().items()
               if key.startswith("sources.text.")}
    assert len(entries) > 80
    for key, entry in entries.items():
        assert same_facts(entry["en"], entry["zh"]), (key, facts(entry["en"]),
                                                      facts(entry["zh"]))
        assert not latin_words(re.sub(r"\{\w+\}", " ", entry["zh"])), (key, entry["zh"])
        # The English is the citation as the English proposal shows it, or it never matches.
        assert citation(entry["en"], "en") == " ".join(entry["en"].split()), key


# --------------------------------------------------------------------------- the translator
def test_a_citation_with_a_template_translates_its_parts_and_keeps_its_figures():
    recorded = ("site province Zhejiang: peak load 1,062 kW >= 315: a peak of P kW needs at "
                "least P kVA of transformer, and two-part (large industry) billing starts at "
                "315 kVA (发改价格〔2023〕526号 as reported by 经济日报 2023-05-17); give "
                "tariff.transformer_kva to decide by the transformer")
    chinese = source_text(recorded, "zh", "derived")
    assert chinese.startswith("按厂址所在省份（浙江）选取：最大负荷 1,062 kW")
    assert "发改价格〔2023〕526号（据经济日报 2023-05-17 报道）" in chinese
    assert facts(chinese) == facts(source_text(recorded, "en"))
    # The threshold is one figure said twice: two different figures are not this sentence.
    other = recorded.replace("starts at 315 kVA", "starts at 300 kVA")
    assert not source_text(other, "zh", "derived").startswith("按厂址所在省份（浙江）选取：最大")


def test_an_unknown_citation_is_still_cited_by_its_documents():
    recorded = "a notice nobody translated, 发改价格〔2099〕1号 of 2099-01-01"
    assert source_text(recorded, "zh", "official") == citation(recorded, "zh", "official")
    assert "发改价格〔2099〕1号" in source_text(recorded, "zh", "official")
    assert source_text(recorded, "en") == recorded


def test_a_tariffs_parts_are_translated_one_by_one():
    recorded = ("first day of the tariff version above | a notice nobody translated | "
                "sum of the components")
    assert source_text(recorded, "zh", "secondary").split(" | ") == [
        "上述电价版本的起始执行日期", citation("a notice nobody translated", "zh", "secondary"),
        "各电价分项之和"]


# --------------------------------------------------------------------------- time of use
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_tariff_part_states_the_hours_of_each_period_by_season(plans, lang):
    result = plans["demo"]
    t = Texts(lang)
    bills = build_proposal(result, lang).section("bills").blocks
    at = next(i for i, b in enumerate(bills) if isinstance(b, Table) and b.title == t("tou.table"))
    table, sources = bills[at], bills[at + 1]
    assert isinstance(sources, Paragraph) and sources.style == "note"
    assert table.header[1:] == [t(f"tou_period.{p}") for p in
                                ("sharp", "peak", "flat", "valley", "deep_valley")]
    rows = {row[0]: row[1:] for row in table.rows}
    comma = "、" if lang == "zh" else ", "
    summer = rows["1月、7-8月、12月" if lang == "zh" else "Jan, Jul-Aug, Dec"]
    assert summer[0] == "18:00-22:00" and summer[1] == comma.join(["16:00-18:00",
                                                                    "22:00-23:00"])
    spring = rows["2-6月、9-11月" if lang == "zh" else "Feb-Jun, Sep-Nov"]
    assert spring[0] == "–" and spring[3] == comma.join(["00:00-07:00", "11:00-14:00"])
    holidays = [label for label, cells in rows.items() if cells[4] == "09:00-15:00"]
    assert holidays == ["2月15-17日、5月1-3日、10月1-3日" if lang == "zh"
                        else "15-17 Feb, 1-3 May, 1-3 Oct"]
    # The same hours as the record of the plan's inputs states for each season.
    hours = result.assumption("tariff.tou_hours")
    stated = hours.value_zh if lang == "zh" else hours.value
    for season in stated.split(" | "):
        months, _, text = season.partition("：" if lang == "zh" else ": ")
        periods = dict(re.fullmatch(r"(.+?) (\d.*)", part).groups()
                       for part in text.split("；" if lang == "zh" else "; "))
        cells = dict(zip(table.header[1:], rows[months], strict=True))
        assert {name: cells[name] for name in periods} == periods, months
    # Each rule with its source, validity and status, the reasons of the unverified one.
    note = sources.text
    assert "浙发改价格〔2026〕112号" in note
    assert t("assumptions.date_from", date="2026-07-01") in note
    assert note.count(t("status.unverified")) >= 1
    assert ("各版本说法不一" if lang == "zh" else "copies differ") in note


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hours_shared_by_two_periods_are_said_to_be_priced_at_their_mean(plans, lang):
    """Jiangsu's summer critical peak starts at 19:30; the plan prices whole hours."""
    t = Texts(lang)
    jiangsu, note = tou_hours_blocks(plans["jiangsu_coal"], t)
    assert "19:30-21:30" in note.text
    assert note.text.endswith(t("tou.shared_steps", minutes=60))
    assert t("tou.shared_steps", minutes=60) not in tou_hours_blocks(plans["demo"], t)[1].text
    holidays = [row for row in jiangsu.rows if row[-1] == "10:00-14:00"]
    assert holidays and any(("10月1-7日" if lang == "zh" else "1-7 Oct") in row[0]
                            for row in holidays)


def test_a_plan_without_its_hourly_table_has_no_hours_table(plans):
    result = copy.copy(plans["demo"])
    result.hourly = result.hourly.iloc[0:0]
    assert tou_hours_blocks(result, Texts("zh")) == []


# --------------------------------------------------------------------------- the PDF
@pytest.mark.parametrize("case", ["demo", "battery_coal"])
def test_the_chinese_pdf_has_no_english_words(plans, case):
    from pypdf import PdfReader

    from pvplanner.report import render_pdf

    pages = PdfReader(io.BytesIO(render_pdf(plans[case], "zh"))).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "方案计费所用的分时时段" in text and "公告2025年第47号" in text
    assert latin_words(text) == []
