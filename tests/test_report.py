"""Proposal texts, number formats, line breaking, the HTML page, the workbook and the
public API / CLI of pvplanner.report (the PDF is tested in test_report_pdf.py)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import html
import io
import re
import tomllib
from string import Formatter

import openpyxl
import pytest

from pvplanner.cli import main
from pvplanner.display.numbers import NumberFormat
from pvplanner.errors import PlannerInputError
from pvplanner.pipeline import plan
from pvplanner.report import render_html, render_xlsx, write_reports
from pvplanner.report.content import SECTION_KEYS, build_proposal, compass_name
from pvplanner.report.model import Table
from pvplanner.report.tables import monthly_energy, typical_day
from pvplanner.report.text import LANGUAGES, Texts
from pvplanner.report.wrap import NO_LINE_START, wrap
from pvplanner.report.xlsx import HEADER_ROWS, INPUT_COLUMNS, SHEETS, safe_text, sheet_names
from pvplanner.scenario.model import demo_scenario
from weather.datafiles import data_path

DATE = dt.date(2026, 3, 15)
EVIL_NAME = '=HYPERLINK("http://evil.example/x","click me")'


@pytest.fixture(scope="module")
def demo():
    scenario = demo_scenario()
    return scenario, plan(scenario)


@pytest.fixture(scope="module")
def evil(demo):
    """The demo's result with hostile user text: a formula as site name, markup and formulas
    in plane names, in the KPIs and in the scenario document it records."""
    scenario, result = demo
    names = ["+SUM(A1:A9) <script>alert(1)</script>", "@cmd|' /C calc'!A0"]
    planes = list(result.pv.planes)
    inputs = copy.deepcopy(result.inputs)
    inputs["site"]["name"] = EVIL_NAME
    for i, name in enumerate(names):
        planes[i] = dataclasses.replace(planes[i], name=name)
        inputs["roof_planes"][i]["name"] = name
    hostile = dataclasses.replace(
        result, site=dataclasses.replace(result.site, name=EVIL_NAME),
        pv=dataclasses.replace(result.pv, planes=planes), inputs=inputs)
    return scenario, hostile


@pytest.fixture(scope="module")
def htmls(demo):
    scenario, result = demo
    return {lang: render_html(result, lang, preparer="Li Lei", date=DATE)
            for lang in LANGUAGES}


@pytest.fixture(scope="module")
def books(demo):
    scenario, result = demo
    # Read-only mode streams the 8760-row sheet instead of building it in memory.
    return {lang: openpyxl.load_workbook(io.BytesIO(render_xlsx(result, lang,
                                                                date=DATE)), read_only=True)
            for lang in LANGUAGES}


# --------------------------------------------------------------------------- texts
def _flat(table, prefix=""):
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def test_languages_have_the_same_keys_and_placeholders():
    tables = {}
    for lang in LANGUAGES:
        with data_path("report", f"{lang}.toml").open("rb") as handle:
            tables[lang] = _flat(tomllib.load(handle))
    zh, en = tables["zh"], tables["en"]
    assert set(zh) == set(en)
    for key, value in zh.items():
        if isinstance(value, str):
            fields = {name for _, name, _, _ in Formatter().parse(value) if name}
            other = {name for _, name, _, _ in Formatter().parse(en[key]) if name}
            if key == "units.axis_wan":  # "万元": the Chinese unit already names the currency
                other.discard("currency")
            assert fields == other, key
        else:
            assert len(value) == len(en[key]), key
    assert len(zh["month.short"]) == 12 and len(zh["compass.names"]) == 8


def test_unknown_language_is_a_user_error(demo):
    scenario, result = demo
    with pytest.raises(PlannerInputError, match="unknown report language 'fr'"):
        render_html(result, "fr")


@pytest.mark.parametrize(("azimuth", "zh", "en"), [(0, "北", "N"), (170, "南", "S"),
                                                   (90, "东", "E"), (225, "西南", "SW"),
                                                   (350, "北", "N"), (337.4, "西北", "NW")])
def test_compass_names(azimuth, zh, en):
    assert compass_name(azimuth, Texts("zh")) == zh
    assert compass_name(azimuth, Texts("en")) == en


# --------------------------------------------------------------------------- numbers
def test_number_formats():
    zh, en = NumberFormat("zh", "CNY"), NumberFormat("en", "CNY")
    assert zh.money(1234567.4) == "¥1,234,567"
    assert en.money(1234567.4) == "CNY 1,234,567"
    assert zh.money(-9876.5) == "-¥9,876"  # round half to even: 9876.5 -> 9876
    assert en.money(-0.3) == "CNY 0"  # no "-0"
    assert NumberFormat("zh", "USD").money(1500) == "USD 1,500"
    assert en.number(1234.5, 1) == "1,234.5"
    assert zh.percent(0.4567) == "45.7%"
    assert zh.years(8.26) == "8.3 年" and en.years(8.26) == "8.3 years"
    assert zh.money_wan(15_242_930) == "约 1,524.3 万元"
    assert en.money_wan(15_242_930) == "" and zh.money_wan(9_999) == ""
    assert zh.count(2845.2) == "2,845 张" and en.count(2845.2) == "2,845"
    assert en.price(0.62) == "CNY 0.620/kWh" and zh.price(0.0525) == "¥0.0525/kWh"
    for bad in (None, float("nan"), float("inf")):
        assert zh.money(bad) == "—" and en.percent(bad) == "n/a"


# --------------------------------------------------------------------------- wrapping
def test_wrap_breaks_chinese_anywhere_latin_at_spaces_and_keeps_punctuation():
    def measure(text: str) -> float:  # CJK 2 units, Latin 1
        return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)

    text = ("首年可节省电费 ¥1,524,293（由 ¥4,605,206 降至 ¥3,080,913）。项目总投资 ¥9,429,502，"
            "25 年净现值 ¥4,420,862，内部收益率 10.7%。")
    lines = wrap(text, 30, measure)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert measure(line) <= 30
        assert line[:1] not in NO_LINE_START
    for number in ("¥1,524,293", "¥4,605,206", "¥3,080,913", "¥9,429,502", "¥4,420,862"):
        assert any(number in line for line in lines), number  # never split
    english = wrap("Hangzhou Xiaoshan dyeing and finishing plant", 20, measure)
    assert english == ["Hangzhou Xiaoshan", "dyeing and finishing", "plant"]
    assert wrap("a\nb", 10, measure) == ["a", "b"]


# --------------------------------------------------------------------------- content
def test_tables_add_up_to_the_results_totals(demo):
    _, result = demo
    monthly = monthly_energy(result)
    # Hourly flows summed by month reproduce the annual KPIs (to float rounding).
    assert monthly["pv_kwh"].sum() == pytest.approx(result.pv.annual_generation_kwh, rel=1e-9)
    assert monthly["load_kwh"].sum() == pytest.approx(result.energy.load_kwh, rel=1e-9)
    assert monthly["self_consumed_kwh"].sum() == pytest.approx(result.energy.self_consumed_kwh,
                                                                rel=1e-9)
    assert monthly["exported_kwh"].sum() == pytest.approx(result.energy.exported_kwh, rel=1e-9)
    day = typical_day(result, 7)
    assert list(day.index) == list(range(24))
    # The supply of July's representative day equals its load, hour by hour (energy balance).
    supply = day[[c for c in ("pv_to_load_kw", "battery_to_load_kw", "grid_to_load_kw")
                  if c in day]].sum(axis=1)
    assert (supply - day["load_kw"]).abs().max() < 1e-6


def test_proposal_structure(demo):
    scenario, result = demo
    proposal = build_proposal(result, "en", preparer="  Li Lei  ", date=DATE)
    assert [s.key for s in proposal.sections] == list(SECTION_KEYS)
    assert [s.number for s in proposal.sections] == list(range(1, len(SECTION_KEYS) + 1))
    assert proposal.customer == scenario.site.name
    assert ("Prepared by", "Li Lei") in proposal.cover_rows
    assert ("Date", "15 March 2026") in proposal.cover_rows
    planes = next(b for b in proposal.section("design").blocks
                  if getattr(b, "title", "") == "Roof planes and capacity")
    assert len(planes.rows) == len(result.pv.planes) + 1  # plus the total row
    assert planes.rows[-1][5] == f"{result.pv.capacity_kwp:,.1f}"
    assumptions = next(b for b in proposal.section("assumptions").blocks
                       if getattr(b, "rows", None))
    text = " ".join(" ".join(row) for row in assumptions.rows)
    # Every kind of assumption is listed with its source.
    for needle in ("CSWD", "Zhejiang large industry time-of-use", "0.4974 tCO2/MWh",
                   "0.6096 tCO2/MWh", "Certificate price", "Discount rate",
                   "NREL/TP-6A20-62641", "14.08%", "0.2500 CNY/kWh",
                   "market price under NDRC Document No. 136 (2025)"):
        assert needle in text, needle
    # Internal ids never reach the reader.
    for internal in ("zhejiang_2026_large_industry", "cn-zhejiang-2023-average",
                     "gec-2025-12-vintage-2025", "data/"):
        assert internal not in text, internal


def test_a_design_without_pv_still_makes_a_proposal(demo):
    """Costs so high that the optimizer installs nothing: the proposal says so."""
    scenario, _ = demo
    costly = scenario.model_copy(update={"finance": scenario.finance.model_copy(
        update={"pv_capex_per_kwp": 60_000.0})})
    result = plan(costly)
    assert result.pv.capacity_kwp == 0
    proposal = build_proposal(result, "zh", date=DATE)
    summary = proposal.section("summary").blocks
    assert any(getattr(b, "text", "").startswith("在当前电价") for b in summary)
    kpis = {k.label: k.value for b in summary if hasattr(b, "items") for k in b.items}
    assert kpis["静态投资回收期（税后）"] == "—" and kpis["光伏装机容量"] == "0.0 kWp"
    assert kpis["静态投资回收期（税前）"] == "—"
    html = render_html(result, "zh", date=DATE)  # every chart renders empty data
    assert "在当前电价" in html


# --------------------------------------------------------------------------- HTML
_EXTERNAL = re.compile(r"""(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?//""",
                       re.IGNORECASE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_is_self_contained(htmls, lang):
    html = htmls[lang]
    assert not _EXTERNAL.search(html)
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "@import" not in html
    # Every url(...) is an inline data URI (the embedded font) or a reference inside the page.
    urls = re.findall(r"url\(\s*['\"]?([^)'\"]+)", html)
    assert all(u.startswith(("data:", "#")) for u in urls)
    # Ids are unique although every chart numbers its clip paths from 1.
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert all(u[1:] in ids for u in urls if u.startswith("#"))
    assert "data:font/woff;base64," in html
    assert html.count("<svg") >= 6  # charts and the roof sketch inline


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_shows_titles_and_figures(demo, htmls, lang):
    _, result = demo
    html = htmls[lang]
    texts, f = Texts(lang), NumberFormat(lang, result.currency)
    for key in SECTION_KEYS:
        assert texts(f"sections.{key}") in html
    for shown in (f.kwp(result.pv.capacity_kwp), f.money(result.finance.npv),
                  f.percent(result.finance.irr), f.years(result.finance.payback_years),
                  f.years(result.finance.payback_years_pre_tax),
                  f.tco2(result.carbon.avoided_tco2_year1)):
        assert shown in html, shown
    # Both paybacks, each with its tax basis; IRR labelled after tax.
    for key in ("kpi.payback", "kpi.payback_pre_tax", "kpi.irr"):
        assert texts(key) in html, key
    assert ("税前" in texts("kpi.payback_pre_tax")) == (lang == "zh")
    assert ('lang="zh-CN"' in html) == (lang == "zh")


def test_html_escapes_user_text(evil):
    scenario, result = evil
    name = "<script>alert(1)</script> & Co " + EVIL_NAME
    renamed = dataclasses.replace(result, site=dataclasses.replace(result.site, name=name))
    html = render_html(renamed, "en", date=DATE)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert not _EXTERNAL.search(html)  # the formula's URL stays text, not a link


# --------------------------------------------------------------------------- XLSX
@pytest.mark.parametrize("lang", LANGUAGES)
def test_workbook_sheets_and_hourly_rows(demo, books, lang):
    _, result = demo
    book = books[lang]
    names = sheet_names(lang)
    # Sheets in the workbook's language (Chinese names in a Chinese workbook), in SHEETS order.
    assert book.sheetnames == [names[name] for name in SHEETS]
    assert (lang == "zh") == all(re.search(r"[\u4e00-\u9fff]", name) for name in book.sheetnames)
    hourly = book[names["Hourly results"]]
    rows = list(hourly.iter_rows(max_col=2, values_only=True))
    assert len(rows) - HEADER_ROWS == 8760
    assert rows[1] == ("time", "load_kw")
    assert rows[0][0] == {"en": "Time (local standard time, start of each hour)",
                          "zh": "时间（当地标准时，每小时时段的起点）"}[lang]
    assert rows[HEADER_ROWS][0] == dt.datetime(2026, 1, 1, 0, 0)
    assert rows[-1][0] == dt.datetime(2026, 12, 31, 23, 0)
    load = sum(row[1] for row in rows[HEADER_ROWS:])
    assert load == pytest.approx(result.energy.load_kwh, rel=1e-9)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_workbook_figures_match_the_result(demo, books, lang):
    _, result = demo
    book = books[lang]
    texts = Texts(lang)
    book = {name: book[shown] for name, shown in sheet_names(lang).items()}
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary[texts("kpi.npv")] == pytest.approx(result.finance.npv)
    assert summary[texts("kpi.irr")] == pytest.approx(result.finance.irr)
    assert summary[texts("kpi.capacity")] == pytest.approx(result.pv.capacity_kwp)
    monthly = list(book["Monthly"].iter_rows(values_only=True))
    keys = list(monthly[1])
    assert len(monthly) - HEADER_ROWS == 12
    pv, savings = keys.index("pv_kwh"), keys.index("bill_savings")
    pv_total = sum(row[pv] for row in monthly[HEADER_ROWS:])
    assert pv_total == pytest.approx(result.pv.annual_generation_kwh, rel=1e-9)
    savings_total = sum(row[savings] for row in monthly[HEADER_ROWS:])
    assert savings_total == pytest.approx(result.bills.savings_annual, rel=1e-9)
    cash = list(book["Cash flow"].iter_rows(values_only=True))
    assert len(cash) - HEADER_ROWS == len(result.cash_flow)
    # Money columns say their unit, as the figures' other labels do.
    money = {"en": "(CNY)", "zh": "(元)"}[texts.lang]
    labels = dict(zip(cash[1], cash[0], strict=True))
    assert labels["capex"].endswith(money) and labels["energy_savings"].endswith(money), labels
    assert not labels["net_cash_flow_project"].endswith(money + money)
    assert dict(zip(monthly[1], monthly[0], strict=True))["bill_savings"].endswith(money)
    carbon = list(book["Carbon"].iter_rows(values_only=True))
    assert len(carbon) - HEADER_ROWS == len(result.carbon_ledger)
    # Inputs: the field's path and stored value in the (hidden) columns after the visible ones.
    inputs = {row[INPUT_COLUMNS]: row[INPUT_COLUMNS + 1]
              for row in book["Inputs"].iter_rows(min_row=2, values_only=True)}
    # The demo names no tariff preset: its tariff follows site.province.
    assert "tariff.preset" not in inputs and inputs["site.province"] == "Zhejiang"
    assert inputs["roof_planes[2].mounting"] == "east_west"
    shown = {row[INPUT_COLUMNS]: row[2]
             for row in book["Inputs"].iter_rows(min_row=2, values_only=True)}
    assert shown["site.province"] == ("浙江" if lang == "zh" else "Zhejiang")
    assert shown["roof_planes[2].mounting"] == ("东西向支架" if lang == "zh" else "East-west racks")


def test_formula_injection_is_neutralised(evil):
    scenario, result = evil
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "zh", date=DATE)),
                                  read_only=True)
    seen = []
    for sheet in book.worksheets:
        # The hourly sheet holds only the Result's numbers and TOU period names.
        hourly = sheet.title == sheet_names("zh")["Hourly results"]
        for row in sheet.iter_rows(max_row=5 if hourly else None):
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and ("HYPERLINK" in cell.value
                                                    or "SUM(A1" in cell.value
                                                    or "cmd|" in cell.value):
                    seen.append((sheet.title, cell.value))
    names = sheet_names("zh")
    summary_values = [v for s, v in seen if s == names["Summary"]]
    assert EVIL_NAME in summary_values  # the customer on the summary sheet, as typed
    inputs = {v for s, v in seen if s == names["Inputs"]}
    assert {EVIL_NAME, "+SUM(A1:A9) <script>alert(1)</script>",
            "@cmd|' /C calc'!A0"} <= inputs
    # A string cell is never a formula, so no text carries a visible apostrophe: neither
    # user text nor system text such as a temperature coefficient (-0.37%/°C).
    texts = [cell.value for sheet in book.worksheets if sheet.title != names["Hourly results"]
             for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not [text for text in texts if text.startswith("'")]
    assert any(text.startswith("-0.") for text in texts)  # e.g. the temperature coefficient


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "-0.37%/°C"])
def test_safe_text_keeps_text_as_typed(text):
    assert safe_text(text) == text  # written as a string cell: never run as a formula
    assert safe_text("a\x00b\x1fc") == "abc"  # XML-illegal control characters dropped


# --------------------------------------------------------------------------- API and CLI
def test_write_reports_writes_the_files(demo, tmp_path):
    scenario, result = demo
    written = write_reports(result, html=tmp_path / "p.html",
                            xlsx=tmp_path / "p.xlsx", lang="en", preparer="x", date=DATE)
    assert written == [tmp_path / "p.html", tmp_path / "p.xlsx"]
    assert (tmp_path / "p.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "p.xlsx").read_bytes()[:2] == b"PK"
    with pytest.raises(PlannerInputError, match="name at least one output"):
        write_reports(result)
    with pytest.raises(PlannerInputError, match="does not exist"):
        write_reports(result, pdf=tmp_path / "missing" / "p.pdf")


def test_cli_report_writes_html(tmp_path, capsys, monkeypatch):
    """The proposal shows no NPV-versus-capacity curve: the command does not draw one (with
    a battery it costs as much as the sizing), and shows the tornado it does use."""
    import solver.curves

    def no_curve(*args, **kwargs):
        raise AssertionError("the report drew an NPV curve it does not show")

    monkeypatch.setattr(solver.curves.LaterCurve, "compute", no_curve)
    monkeypatch.setattr(solver.curves, "npv_curve", no_curve)
    scenario_file = data_path("demo", "hangzhou_dyeing.toml")
    out = tmp_path / "proposal.html"
    assert main(["report", str(scenario_file), "--html", str(out), "--lang", "en"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Executive summary" in page
    assert "Sensitivity" in page
    assert "wrote" in capsys.readouterr().err


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "首年节省 ¥2,737,766：电量电费节省 ¥2,677,175，余电上网收入 ¥184,138，"
           "扣除需量/容量电费增加的 ¥123,547（储能从电网充电抬高了全年 5 个月的最大需量）。"),
    ("en", "Year-1 savings of CNY 2,737,766: CNY 2,677,175 on energy charges and CNY 184,138 "
           "export revenue, less CNY 123,547 of higher demand/capacity charges (the battery "
           "charging from the grid raises the maximum demand in 5 of 12 months)."),
])
def test_a_demand_charge_raised_by_the_battery_is_said_so(demo, lang, expected):
    """A battery charging from the grid can raise a month's maximum demand (the coal-benchmark
    demo's does, by 123,547 a year): the proposal says the charge went up, not that it
    saved a negative amount."""
    _, result = demo
    bills = dataclasses.replace(
        result.bills, energy_savings_annual=2_677_175.0, demand_savings_annual=-123_547.0,
        export_revenue_annual=184_138.0, savings_annual=2_737_766.0)
    # Five months' maxima raised by the battery (January to May), counted in the sentence.
    after = result.bill_with_system_monthly.copy()
    raised = after.index <= 5
    after.loc[raised, "max_demand_kw"] = (
        result.bill_baseline_monthly.loc[raised, "max_demand_kw"] + 100.0)
    page = html.unescape(render_html(dataclasses.replace(
        result, bills=bills, bill_with_system_monthly=after), lang, date=DATE))
    assert expected in page
    assert "-¥123,547" not in page and "-CNY 123,547" not in page


def test_a_demand_charge_saving_is_listed_with_the_others(htmls, demo):
    _, result = demo
    assert result.bills.demand_savings_annual >= 0
    assert "需量/容量电费节省" in htmls["zh"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "优化计算在求解时间上限内未能证明本方案最优：其他方案的净现值最多可能高出 ¥102,832（0.97%）"),
    ("en", "the optimisation did not prove this design the best within its time limit: another "
           "design's NPV could be up to CNY 102,832 (0.97%) higher"),
])
def test_an_unproven_optimum_is_stated_for_the_reader(demo, lang, expected):
    """A proposal states the gap left unproven with its currency, without the app's advice
    to raise the solver's time limit (its reader has no such setting)."""
    from pvplanner.assemble import _solver_note

    _, result = demo
    note = _solver_note("not proven optimal within the time limit: a design up to 102,832 "
                        "better in NPV (0.97%) may exist; raise the time limit")
    assert note.key == "notes.solver.not_optimal"
    unproven = dataclasses.replace(
        result, warnings=[*result.warnings, note],
        solver=dataclasses.replace(result.solver, status="feasible", optimality_gap=102_832.4))
    page = html.unescape(render_html(unproven, lang, date=DATE))
    assert expected in page
    assert "advanced settings" not in page and "高级设置" not in page


@pytest.fixture(scope="module")
def with_battery():
    document = demo_scenario().model_dump(mode="json")
    document["battery"]["allowed"] = True
    from pvplanner.scenario.model import parse_scenario

    return plan(parse_scenario(document))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_energy_balance_adds_up_with_a_battery(with_battery, lang):
    """PV used on site plus grid purchases exceed the use by the battery's losses: the
    proposal's balance names them, and they are the hourly charge less the discharge."""
    result = with_battery
    hourly = result.hourly
    charged = float((hourly["pv_to_battery_kw"] + hourly["grid_to_battery_kw"]).sum())
    discharged = float(hourly["battery_to_load_kw"].sum())  # hourly steps: kW = kWh
    assert result.battery.energy_kwh > 0 and charged - discharged > 1000.0
    stated = (result.energy.self_consumed_kwh + result.energy.imported_kwh
              - result.energy.load_kwh)
    assert stated == pytest.approx(charged - discharged, rel=1e-6)
    f = NumberFormat(lang, result.currency)
    page = html.unescape(render_html(result, lang, date=DATE))
    words = {"zh": "储能充放电损耗 {}（光伏自用加电网购电减全年用电）",
             "en": "battery charging and discharging losses {} (PV used on site plus grid "
                   "purchases less electricity use)"}[lang]
    assert words.format(f.kwh(charged - discharged)) in page


def test_pv_share_of_the_load_counts_no_grid_charged_battery_energy(with_battery):
    """The share of the load met by PV counts what the battery delivers only in PV's share
    of what charged it, so it can never exceed PV generation over the load (it did: 57.9 %
    against 42.2 % for the demo whose battery charges from the grid at night)."""
    result = with_battery
    hourly = result.hourly
    pv_charged = float(hourly["pv_to_battery_kw"].sum())
    grid_charged = float(hourly["grid_to_battery_kw"].sum())
    assert grid_charged > 0.1 * (pv_charged + grid_charged)
    via_battery = float(hourly["battery_to_load_kw"].sum()) * pv_charged / (
        pv_charged + grid_charged)
    expected = (float(hourly["pv_to_load_kw"].sum()) + via_battery) / result.energy.load_kwh
    share = result.energy.self_sufficiency_ratio
    assert share == pytest.approx(expected, rel=1e-9)
    generation = result.energy.self_consumed_kwh + result.energy.exported_kwh
    assert share <= generation / result.energy.load_kwh


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scope2_sentence_with_a_battery_agrees_with_the_scope2_table(with_battery, lang):
    """With a battery, the sentence on which avoided CO2 lowers Scope 2 gives the Scope 2
    table's fall and the battery's losses between it and the PV used on site."""
    result = with_battery
    carbon = result.carbon
    scope2 = carbon.scope2
    cut = scope2["location_before_tco2"] - scope2["location_after_tco2"]
    factor = carbon.emission_factor_tco2_per_mwh
    losses_kwh = result.energy.self_consumed_kwh + result.energy.imported_kwh \
        - result.energy.load_kwh
    assert carbon.avoided_tco2_self_consumed_year1 - cut == pytest.approx(
        losses_kwh / 1000.0 * factor, rel=1e-6)
    f = NumberFormat(lang, result.currency)
    page = html.unescape(render_html(result, lang, date=DATE))
    expected = {"zh": "相当于 {}，因此企业自身基于位置的范围二排放减少 {}",
                "en": "worth {}, so the company's own location-based Scope 2 falls by {}"}[lang]
    assert expected.format(f.tco2(losses_kwh / 1000.0 * factor), f.tco2(cut)) in page


def test_chinese_workbook_summary_units_are_the_readers(with_battery):
    """The Chinese Summary sheet gives money in 元 (it said CNY), certificates in 张 (it said
    MWh), and the battery's power beside its energy."""
    result = with_battery
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "zh", date=DATE)),
                                  read_only=True)
    sheet = book[sheet_names("zh")["Summary"]]
    rows = {row[0]: row[1:3] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["首年电费节省（含上网收入）"][1] == "元"
    assert rows["光伏度电成本（LCOE）"][1] == "元/kWh"
    assert rows["首年绿证（GEC）"] == (result.carbon.certificates_year1, "张")
    assert rows["储能功率"] == (pytest.approx(result.battery.power_kw), "kW")
    assert rows["储能配置"] == (pytest.approx(result.battery.energy_kwh), "kWh")
    units = [value[1] for value in rows.values()]
    assert "CNY" not in units and not any("CNY" in str(u) for u in units)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_battery_investment_and_replacement_are_stated(with_battery, lang):
    """The finance section names the battery's part of the investment (energy x price per
    kWh + power x price per kW) and its replacement, which the total and the costs column
    hid."""
    result = with_battery
    kwh, kw = result.battery.energy_kwh, result.battery.power_kw
    per_kwh = result.assumption("finance.battery_capex_per_kwh").value
    per_kw = result.assumption("finance.battery_capex_per_kw").value
    battery = kwh * per_kwh + kw * per_kw
    f = NumberFormat(lang, result.currency)
    page = html.unescape(render_html(result, lang, date=DATE))
    said = {"zh": "项目总投资中，储能 {}（", "en": "Of the investment, {} is the battery's ("}[lang]
    assert said.format(f.money(battery)) in page
    assert f.money(result.finance.capex - battery) in page
    replacement = -float(result.cash_flow["battery_replacement"].sum())
    assert replacement > 0
    assert f.money(replacement) in page
    # the two sentences apart in English ("the rest.The battery" ran them together)
    joined = {"zh": "。储能在第 ", "en": " the rest. The battery is replaced"}[lang]
    assert joined in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_assumptions_give_the_site_as_the_site_table_does(demo, lang):
    """Coordinates to four decimals and the time zone as UTC+8 in both tables (the
    assumptions said 30 ° and 8 h where the site table said 30.1800° and UTC+8)."""
    _, result = demo
    proposal = build_proposal(result, lang)
    table = next(b for b in proposal.section("assumptions").blocks if isinstance(b, Table))
    rows = {row[1]: row[2] for row in table.rows}
    latitude = {"zh": "纬度", "en": "Latitude"}[lang]
    zone = {"zh": "时区（标准时）", "en": "Time zone (standard time)"}[lang]
    assert rows[latitude].startswith(f"{result.site.latitude_deg:.4f}"), rows[latitude]
    assert rows[zone] == "UTC+8"


def test_the_ledger_says_why_certificates_differ_from_the_mwh(demo):
    """A year's certificates differ from its MWh by the fractions carried over; the ledger
    says so, and the figures bear it out (each kind within one certificate of its MWh)."""
    _, result = demo
    ledger = result.carbon_ledger
    issued = ledger["certificates_issued"].to_numpy(dtype=float)
    mwh = ledger["generation_mwh"].to_numpy(dtype=float)
    assert (abs(issued - mwh) < 2.0).all() and (issued != mwh.round()).any()
    section = build_proposal(result, "zh").section("carbon")
    notes = [b.note for b in section.blocks if isinstance(b, Table) and b.note]
    assert any("不足 1 MWh 的电量结转至下一年" in note for note in notes)


def test_charts_describe_themselves_in_the_readers_language(demo):
    """The HTML's charts carry no English descriptions of their marks ("X-axis titled ...",
    "series: ...; month_name: 1"): each is an image labelled with its own title."""
    _, result = demo
    page = render_html(result, "zh", date=DATE)
    for english in ("X-axis", "Y-axis", "Symbol legend", "mark container", "month_name"):
        assert english not in page, english
    labels = re.findall(r'<svg role="img" aria-label="([^"]*)"', page)
    assert labels and all(labels), labels
    assert "逐月电费：安装前后对比" in labels


def test_minutes_read_in_chinese(demo):
    """The load's data interval reads 60 分钟 in a Chinese proposal (it read 60 min)."""
    _, result = demo
    table = next(b for b in build_proposal(result, "zh").section("assumptions").blocks
                 if isinstance(b, Table))
    values = [row[2] for row in table.rows]
    assert "60 分钟" in values and not any(str(v).endswith(" min") for v in values)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tariff_charges_keep_their_decimals_in_the_assumptions(demo, lang):
    """Zhejiang's 1-10 kV capacity charge is 29.5 per kVA and month: it read "30" (and the
    demand charge 47.2 read "47"), rounded like figures of ten and more."""
    from pvplanner.report.content import _assumption_value, _Ctx

    result = demo[1]
    c = _Ctx(result, lang)
    items = {row.item for row in result.assumptions}
    for item, number in (("tariff.capacity_charge", "29.5"), ("tariff.demand_charge", "47.2")):
        assert item in items, sorted(i for i in items if i.startswith("tariff"))
        row = result.assumption(item)
        assert row is not None and f"{row.value:g}" == number
        assert _assumption_value(c, row).startswith(number + " "), _assumption_value(c, row)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "(the battery charging from the grid raises the maximum demand of every month)"),
    ("zh", "（储能从电网充电抬高了全年每个月的最大需量）"),
])
def test_the_coal_cases_battery_raises_every_months_demand_and_says_so(lang, words):
    """With exports at the coal benchmark the battery charges from the grid in every month's
    valleys and raises all twelve maxima (January 747.3 -> 1,165.9 kW): the sentence said
    "some months"."""
    from pvplanner.pipeline import plan as plan_scenario
    from pvplanner.report.content import build_proposal
    from pvplanner.scenario.model import demo_scenario

    data = demo_scenario().model_dump(mode="json")
    data["battery"]["allowed"] = True
    data["tariff"]["export"] = {"kind": "coal_benchmark"}
    result = plan_scenario(data, with_npv_curve=False, with_sensitivity=False)
    before = result.bill_baseline_monthly["max_demand_kw"]
    assert (result.bill_with_system_monthly["max_demand_kw"] > before + 0.05).all()
    texts = [getattr(b, "text", "") for b in build_proposal(result, lang).section("bills").blocks]
    assert any(words in text for text in texts)
