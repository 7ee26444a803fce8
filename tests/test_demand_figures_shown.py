"""The monthly maximum demand and its charge are stated wherever the monthly bills are (the
proposal's HTML and PDF, the app's Results page, the workbook's Monthly sheet), with the step
the maxima are measured on; a PV-only demand-charge saving carries its caveat; and the
workbook's Summary names the limits that held the design.

A reviewer found that the demand charge, a third of a two-part factory's bill, was stated
nowhere but as one "需量/容量电费节省" figure. Every figure below is the Result's own
(``Result.bill_baseline_monthly`` / ``bill_with_system_monthly``), formatted as the reader
reads it.
"""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pvplanner.display.limit_lines import held_lines
from pvplanner.display.names import name as reader_name
from pvplanner.display.numbers import NumberFormat
from pvplanner.pipeline import plan
from pvplanner.report import build_proposal, render_html, render_pdf, render_xlsx
from pvplanner.report.model import Paragraph, Table
from pvplanner.report.tables import demand_table
from pvplanner.report.text import Texts
from pvplanner.report.xlsx import sheet_names
from pvplanner.scenario.model import demo_scenario

LANGS = ("zh", "en")


def _with_tariff(**changes):
    scenario = demo_scenario()
    return scenario.model_copy(update={"tariff": scenario.tariff.model_copy(update=changes)})


@pytest.fixture(scope="module")
def demo():
    """The demo: Zhejiang's two-part large-industry tariff billed on maximum demand, PV
    without a battery (its roofs full)."""
    return plan(demo_scenario(), with_npv_curve=False, with_sensitivity=False)


@pytest.fixture(scope="module")
def single_part():
    """The demo on Zhejiang's general C&I tariff: no demand or capacity charge."""
    return plan(_with_tariff(preset="zhejiang_2026_general_ci"), with_npv_curve=False,
                with_sensitivity=False)


@pytest.fixture(scope="module")
def capacity():
    """The demo's two-part tariff billed on a 1,250 kVA transformer's capacity."""
    return plan(_with_tariff(basic_charge_basis="capacity", transformer_kva=1250.0),
                with_npv_curve=False, with_sensitivity=False)


def _demand_table(result, lang) -> Table | None:
    titles = {Texts(lang)(f"demand.title_{basis}") for basis in ("demand", "capacity")}
    blocks = build_proposal(result, lang).section("bills").blocks
    found = [b for b in blocks if isinstance(b, Table) and b.title in titles]
    assert len(found) <= 1
    return found[0] if found else None


def _expected_rows(result, lang, basis):
    """The table's rows built here from the bills: months, then the year (the highest
    maximum, the charges summed)."""
    f, t = NumberFormat(lang, result.currency), Texts(lang)
    before, after = result.bill_baseline_monthly, result.bill_with_system_monthly
    rows = []
    for month in range(1, 13):
        rows.append([t.raw("month.short")[month - 1],
                     f.number(before.loc[month, "max_demand_kw"], 1),
                     f.number(after.loc[month, "max_demand_kw"], 1),
                     f.number(before.loc[month, basis]), f.number(after.loc[month, basis]),
                     f.number(before.loc[month, basis] - after.loc[month, basis])])
    rows.append([t("year_total"), f.number(before["max_demand_kw"].max(), 1),
                 f.number(after["max_demand_kw"].max(), 1), f.number(before[basis].sum()),
                 f.number(after[basis].sum()),
                 f.number(before[basis].sum() - after[basis].sum())])
    return rows


def _hours_needing_pv(result) -> tuple[int, int]:
    """The hours in which the load exceeds its month's maximum demand with the system, in
    the months whose demand charge falls (counted here from the hourly table)."""
    hourly, before, after = (result.hourly, result.bill_baseline_monthly,
                             result.bill_with_system_monthly)
    months = hourly.index.month
    saved = (before["demand"] - after["demand"]).reindex(months).to_numpy() >= 0.5
    ceiling = after["max_demand_kw"].reindex(months).to_numpy()
    needs = saved & (hourly["load_kw"].to_numpy() > ceiling + 1e-6)
    return int(needs.sum()), len(set(hourly.index[needs].date))


# --------------------------------------------------------------------------- the proposal
@pytest.mark.parametrize("lang", LANGS)
def test_the_proposal_states_each_months_maximum_demand_and_charge(demo, lang):
    t, f = Texts(lang), NumberFormat(lang, demo.currency)
    assert demo.bill_baseline_monthly["demand"].sum() > 100_000  # billed on demand
    table = _demand_table(demo, lang)
    assert table is not None and table.title == t("demand.title_demand")
    assert table.rows == _expected_rows(demo, lang, "demand")
    february = table.rows[1]
    assert february[1] == f.number(demo.bill_baseline_monthly.loc[2, "max_demand_kw"], 1)
    assert february[1] == ("1,061.8")  # the year's highest month, before the system
    assert table.total_rows == 1
    # Units in the headings: kW for the maxima, the currency for the charges.
    unit = f.currency_unit()
    assert [h.rsplit("(", 1)[1] for h in table.header[1:]] == [
        "kW)", "kW)", f"{unit})", f"{unit})", f"{unit})"]
    assert t("demand.demand_baseline") in table.header[3]
    # An hourly plan's maxima are hourly means: said, with the meter's 15 minutes.
    assert t("demand.note_demand_hourly") in table.note and "15" in table.note
    assert t("demand.year_row") in table.note


@pytest.mark.parametrize("lang", LANGS)
def test_a_pv_only_demand_saving_carries_its_caveat_next_to_the_figure(demo, lang):
    t, f = Texts(lang), NumberFormat(lang, demo.currency)
    assert demo.battery.energy_kwh == 0 and demo.bills.demand_savings_annual > 1000
    blocks = build_proposal(demo, lang).section("bills").blocks
    texts = [b.text if isinstance(b, Paragraph) else None for b in blocks]
    saving = f.money(demo.bills.demand_savings_annual)
    breakdown = next(i for i, text in enumerate(texts) if text and saving in text
                     and t("demand.caveat_counted").split("{")[0] not in text)
    caveat = texts[breakdown + 1]
    hours, days = _hours_needing_pv(demo)
    assert 500 < hours < 8760 and 0 < days <= 365
    assert caveat == t("demand.caveat_counted", saving=saving, count=f.number(hours),
                       days=f.number(days), step=t("demand.step_hour"),
                       steps=t("demand.steps_hour"))
    assert blocks[breakdown + 1].style == "box"


@pytest.mark.parametrize("lang", LANGS)
def test_the_html_and_pdf_print_the_demand_table(demo, lang):
    from pypdf import PdfReader

    t, f = Texts(lang), NumberFormat(lang, demo.currency)
    february = f.number(demo.bill_with_system_monthly.loc[2, "max_demand_kw"], 1)
    charge = f.number(demo.bill_baseline_monthly.loc[2, "demand"])
    html = render_html(demo, lang)
    assert t("demand.title_demand") in html and february in html and charge in html
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(
        render_pdf(demo, lang))).pages)
    flat = "".join(pdf.split())
    assert "".join(t("demand.title_demand").split()) in flat
    assert february in flat and charge in flat


@pytest.mark.parametrize("lang", LANGS)
def test_a_single_part_tariff_shows_no_demand_table(single_part, lang, no_hourly_sheet):
    assert single_part.bill_baseline_monthly[["demand", "capacity"]].abs().sum().sum() == 0
    assert _demand_table(single_part, lang) is None
    words = "\n".join(getattr(b, "text", "") for b in
                      build_proposal(single_part, lang).section("bills").blocks)
    assert Texts(lang)("demand.caveat_counted").split("{")[0] not in words
    frame = _monthly_sheet(single_part, lang)[0]
    assert not any("demand" in str(c) or "capacity" in str(c) for c in frame.columns)


@pytest.mark.parametrize("lang", LANGS)
def test_a_charge_on_capacity_is_said_to_be_on_capacity(capacity, lang):
    """On a transformer's kVA the maximum demand does not drive the charge: the table says
    so, shows the capacity charge (unchanged by the system) and no caveat is given."""
    t = Texts(lang)
    assert capacity.bill_baseline_monthly["demand"].sum() == 0
    table = _demand_table(capacity, lang)
    assert table is not None and table.title == t("demand.title_capacity")
    assert table.rows == _expected_rows(capacity, lang, "capacity")
    assert t("demand.capacity_baseline") in table.header[3]
    assert table.note.startswith(t("demand.note_capacity", step=t("demand.step_hour")))
    assert table.rows[-1][5] == "0"
    words = "\n".join(getattr(b, "text", "") for b in
                      build_proposal(capacity, lang).section("bills").blocks)
    assert t("demand.caveat_counted").split("{")[0] not in words


@pytest.fixture(scope="module")
def battery_from_pv():
    """The demo with a battery charged from PV only: it lowers every month's maximum
    demand, which only a dispatch that foresees the peaks achieves."""
    data = demo_scenario().model_dump(mode="json")
    data["battery"].update(allowed=True, grid_charging=False)
    return plan(data, with_npv_curve=False, with_sensitivity=False)


def _hours_needing_battery(result) -> tuple[int, int]:
    """The hours in which the load less the PV serving it exceeds its month's maximum
    demand with the system, in the months whose demand charge falls."""
    hourly, before, after = (result.hourly, result.bill_baseline_monthly,
                             result.bill_with_system_monthly)
    months = hourly.index.month
    saved = (before["demand"] - after["demand"]).reindex(months).to_numpy() >= 0.5
    ceiling = after["max_demand_kw"].reindex(months).to_numpy()
    residual = (hourly["load_kw"] - hourly["pv_to_load_kw"]).to_numpy()
    needs = saved & (residual > ceiling + 1e-6)
    # Each of those hours is served by the battery in the plan's own dispatch.
    assert (hourly["battery_to_load_kw"].to_numpy()[needs] > 0).all()
    return int(needs.sum()), len(set(hourly.index[needs].date))


@pytest.mark.parametrize("lang", LANGS)
def test_a_battery_demand_saving_says_it_rests_on_a_foreseen_dispatch(battery_from_pv, lang,
                                                                      no_hourly_sheet):
    result = battery_from_pv
    t, f = Texts(lang), NumberFormat(lang, result.currency)
    assert result.battery.energy_kwh > 1000 and result.bills.demand_savings_annual > 10_000
    hours, days = _hours_needing_battery(result)
    assert 100 < hours < 8760 and 0 < days <= 365
    expected = t("demand.caveat_battery_counted",
                 saving=f.money(result.bills.demand_savings_annual), count=f.number(hours),
                 days=f.number(days), step=t("demand.step_hour"),
                 steps=t("demand.steps_hour"))
    blocks = build_proposal(result, lang).section("bills").blocks
    boxes = [b.text for b in blocks if isinstance(b, Paragraph) and b.style == "box"]
    assert expected in boxes
    assert t("demand.caveat_counted").rsplit("}", 1)[1] not in "\n".join(boxes)  # not PV's
    assert expected in _monthly_sheet(result, lang)[1]["A1"].comment.text


@pytest.mark.parametrize("lang", LANGS)
def test_a_battery_that_raises_demand_charges_gets_no_saving_caveat(lang, no_hourly_sheet):
    """The demo's battery charging from the grid in the valleys raises some months' maxima:
    there is no saving to caveat (the breakdown says the charges rise)."""
    data = demo_scenario().model_dump(mode="json")
    data["battery"]["allowed"] = True
    result = plan(data, with_npv_curve=False, with_sensitivity=False)
    assert result.battery.energy_kwh > 1000 and result.bills.demand_savings_annual < 0
    words = "\n".join(getattr(b, "text", "") for b in
                      build_proposal(result, lang).section("bills").blocks)
    for key in ("demand.caveat_battery_counted", "demand.caveat_counted"):
        assert Texts(lang)(key).rsplit("}", 1)[1] not in words  # each caveat's last words


# --------------------------------------------------------------------------- the workbook
#: Workbooks written, by (id of the Result, language), each with its Result (kept alive, so
#: that no other object takes its id).
_BOOKS: dict[tuple[int, str], tuple[object, bytes]] = {}


def _workbook(result, lang) -> bytes:
    """The workbook of ``result`` in ``lang``, written once per module."""
    key = (id(result), lang)
    if key not in _BOOKS:
        _BOOKS[key] = (result, render_xlsx(result, lang))
    return _BOOKS[key][1]


@pytest.fixture
def no_hourly_sheet(monkeypatch):
    """Workbooks without their 8,760 (or 35,040) hourly rows: the sheets tested here are
    written as ever, in a fraction of the time."""
    import pvplanner.report.xlsx as xlsx

    monkeypatch.setattr(xlsx, "_hourly_sheet", lambda book, result, texts: book.sheet(
        "Hourly results"))


def _monthly_sheet(result, lang):
    data = _workbook(result, lang)
    name = sheet_names(lang)["Monthly"]
    frame = pd.read_excel(io.BytesIO(data), sheet_name=name, header=1, index_col=0)
    sheet = openpyxl.load_workbook(io.BytesIO(data))[name]
    return frame, sheet, data


@pytest.mark.parametrize("lang", LANGS)
def test_the_monthly_sheet_has_the_demand_columns(demo, lang):
    t = Texts(lang)
    frame, sheet, _ = _monthly_sheet(demo, lang)
    before, after = demo.bill_baseline_monthly, demo.bill_with_system_monthly
    assert len(frame) == 12  # programs read twelve months, no total row
    np.testing.assert_allclose(frame["max_demand_baseline_kw"], before["max_demand_kw"])
    np.testing.assert_allclose(frame["max_demand_with_system_kw"], after["max_demand_kw"])
    np.testing.assert_allclose(frame["demand_charge_baseline"], before["demand"])
    np.testing.assert_allclose(frame["demand_charge_with_system"], after["demand"])
    assert frame["demand_charge_savings"].sum() == pytest.approx(
        demo.bills.demand_savings_annual)
    assert frame["max_demand_baseline_kw"].iloc[1] == pytest.approx(
        before.loc[2, "max_demand_kw"])
    labels = dict(zip([c.value for c in sheet[2]], [c.value for c in sheet[1]], strict=True))
    unit = NumberFormat(lang, demo.currency).currency_unit()
    assert labels["max_demand_baseline_kw"] == f"{t('demand.max_baseline')} (kW)"
    assert labels["demand_charge_baseline"] == f"{t('demand.demand_baseline')} ({unit})"
    assert t("demand.note_demand_hourly") in sheet["A1"].comment.text
    # The caveat on the PV-only saving is in the sheet's note too, with its hours.
    hours, days = _hours_needing_pv(demo)
    assert t("demand.caveat_counted", saving=NumberFormat(lang, demo.currency).money(
        demo.bills.demand_savings_annual), count=f"{hours:,}", days=f"{days:,}",
        step=t("demand.step_hour"), steps=t("demand.steps_hour")) in sheet["A1"].comment.text


def _summary_rows(data, lang):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [row for row in book[sheet_names(lang)["Summary"]].iter_rows(values_only=True)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_sheet_names_the_limits_that_held_the_design(demo, lang):
    t = Texts(lang)
    rows = _summary_rows(_workbook(demo, lang), lang)
    firsts = [row[0] for row in rows]
    heading = firsts.index(t("xlsx.limits"))
    lines = held_lines(demo, lang, lambda p: reader_name(p, lang), leave_out=("battery.",),
                       for_customer=True)
    assert len(lines) == 1 and firsts[heading + 1:heading + 2] == lines
    roofs = [key for key in demo.solver.binding_limits if key.startswith("roof:")]
    assert len(roofs) == len(demo.pv.planes) == 4  # the demo fills its roofs
    for plane in demo.pv.planes:
        assert reader_name(plane.name, lang) in lines[0]
    assert heading > firsts.index(t("sensitivity.p90"))  # after the risk rows


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_sheet_adds_the_batterys_limits_and_says_nothing_without_limits(
        demo, lang, no_hourly_sheet):
    from pvplanner.report.limits import battery_limit_notes

    t = Texts(lang)
    held = dataclasses.replace(demo, solver=dataclasses.replace(
        demo.solver, binding_limits=(*demo.solver.binding_limits, "battery.max_power_kw")),
        battery=dataclasses.replace(demo.battery, max_power_kw=500.0))
    firsts = [row[0] for row in _summary_rows(render_xlsx(held, lang), lang)]
    heading = firsts.index(t("xlsx.limits"))
    box = [note.text for note in battery_limit_notes(held, lang)]
    assert len(box) == 1 and "500 kW" in box[0]
    assert firsts[heading + 2] == box[0]
    free = dataclasses.replace(demo, solver=dataclasses.replace(demo.solver,
                                                                binding_limits=()))
    assert t("xlsx.limits") not in [row[0] for row in
                                    _summary_rows(render_xlsx(free, lang), lang)]


# --------------------------------------------------------------------------- the app
@pytest.mark.parametrize("lang", LANGS)
def test_the_results_page_shows_the_demand_table_and_the_caveat(tmp_path, monkeypatch, demo,
                                                                lang):
    from tests.test_app_support import assert_clean, goto, start_app

    t, f = Texts(lang), NumberFormat(lang, demo.currency)
    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "results")
    assert_clean(app)
    assert t("demand.title_demand") in [s.value for s in app.subheader]
    table = next(d.value for d in app.dataframe if len(d.value.columns) == 6
                 and t("demand.max_baseline") in " ".join(d.value.columns))
    assert table.iloc[1, 1] == f.number(demo.bill_baseline_monthly.loc[2, "max_demand_kw"], 1)
    assert table.iloc[1, 3] == f.number(demo.bill_baseline_monthly.loc[2, "demand"])
    assert table.iloc[12, 5] == f.number(demo.bills.demand_savings_annual)
    captions = " ".join(c.value for c in app.caption)
    assert t("demand.note_demand_hourly") in captions
    hours, days = _hours_needing_pv(demo)
    assert f.number(hours) in " ".join(w.value for w in app.warning)
    # A single-part tariff: no table, no caveat.
    app.session_state["doc"]["tariff"]["preset"] = "zhejiang_2026_general_ci"
    app.run()
    assert_clean(app)
    assert t("demand.title_demand") not in [s.value for s in app.subheader]
    assert f.number(hours) not in " ".join(w.value for w in app.warning)


# --------------------------------------------------------------------------- 15 minutes
def _quarter_hour_meter(folder):
    """A 2025 year of 15-minute readings: 900 kW on weekday shifts, 500 kW otherwise, and
    each day's 10:00 quarter hour at 1,100 kW."""
    index = pd.date_range("2025-01-01", periods=35040, freq="15min")
    shift = (index.day_of_week < 5) & (index.hour >= 8) & (index.hour < 20)
    load = np.where(shift, 900.0, 500.0)
    load[(index.hour == 10) & (index.minute == 0)] = 1100.0
    path = folder / "meter.csv"
    pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "load_kw": load}).to_csv(
        path, index=False)
    return path


def test_a_15_minute_plan_says_its_maxima_are_15_minute_means(tmp_path, no_hourly_sheet):
    data = demo_scenario().model_dump(mode="json")
    data["load"] = {"kind": "meter_file", "meter_file": str(_quarter_hour_meter(tmp_path))}
    result = plan(data, with_npv_curve=False, with_sensitivity=False)
    assert len(result.hourly) == 35040
    for lang in LANGS:
        t = Texts(lang)
        table = demand_table(result, lang)
        step = t("demand.step_minutes", minutes=15)
        assert table.note.startswith(t("demand.note_demand", step=step))
        assert table.rows[1][1] == NumberFormat(lang).number(
            result.bill_baseline_monthly.loc[2, "max_demand_kw"], 1)
        assert result.bill_baseline_monthly.loc[2, "max_demand_kw"] == pytest.approx(1100.0)
        comment = _monthly_sheet(result, lang)[1]["A1"].comment.text  # no hourly rows
        assert t("demand.note_demand", step=step) in comment


@pytest.mark.parametrize("lang", LANGS)
def test_a_demand_charge_on_some_periods_only_says_its_maxima_are_not_the_months(lang):
    """A custom tariff billing demand in the peak and sharp periods only: February's charge
    (48,959) is not the month's maximum (1,061.8 kW) times the rate (50,115); the note says
    each charge follows its window's maximum instead of "billed on the maxima shown"."""
    from pvplanner.pipeline import scenario_tariff

    scenario = demo_scenario()
    tariff = scenario_tariff(scenario).model_dump(mode="json")
    rate = tariff["demand_charges"][0]["rate_per_kw_month"]
    tariff["demand_charges"][0]["periods"] = ["peak", "sharp"]
    data = scenario.model_dump(mode="json")
    data["tariff"] = {"custom": tariff}
    result = plan(data, with_npv_curve=False, with_sensitivity=False)
    before = result.bill_baseline_monthly
    assert before.loc[2, "demand"] < before.loc[2, "max_demand_kw"] * rate - 500
    t = Texts(lang)
    note = demand_table(result, lang).note
    assert note.startswith(t("demand.note_demand_hourly_windows"))
    assert t("demand.note_demand_hourly") not in note
    # A preset's one charge over every step is billed on the maxima shown.
    assert demand_table(plan(demo_scenario(), with_npv_curve=False, with_sensitivity=False),
                        lang).note.startswith(t("demand.note_demand_hourly"))
