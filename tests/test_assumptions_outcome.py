"""The inputs of what the plan added to the roof (issue 17, item 3) as assumption rows: each
applied saving measure's effect, cost, life, source, date and status; the product
footprint's production and factor (0.5777 kgCO2e/kWh with its source); the battery's energy
limit (the user's, or one day of the load's mean energy by the rule of
data/battery_defaults.toml, its derivation stated) and whether the design reached it. The
proposal names them in the reader's language."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader

import pvplanner
from pvplanner.assumptions import battery_limit_rows, footprint_rows, measure_rows
from pvplanner.load.measures import measure_catalogue
from pvplanner.scenario.model import demo_scenario, parse_scenario
from tests.test_language import latin_words, leaks


def _scenario(**battery):
    document = demo_scenario().model_dump(mode="json")
    document["measures"] = [{"id": "hvac_control", "end_use_share": 0.2},
                            {"id": "valley_shift"},
                            {"id": "led_lighting", "capex": 50_000.0, "life_years": 8},
                            {"id": "offhours_baseload", "cut_kw": 30.0}]
    document["production"] = {"unit": "t", "monthly_units": [500.0] * 12}
    document["battery"] = {**document["battery"], "allowed": True, **battery}
    return parse_scenario(document)


@pytest.fixture(scope="module")
def planned():
    scenario = _scenario()
    return scenario, pvplanner.plan(scenario, with_npv_curve=False)


def _rows(rows):
    return {row.item: row for row in rows}


def test_each_measure_states_its_effect_cost_life_and_source(planned):
    scenario, result = planned
    rows = _rows(measure_rows(scenario, result.measures))
    catalogue = measure_catalogue()
    hvac = catalogue["hvac_control"]
    head = rows["measures.hvac_control"]
    assert (head.value, head.source, head.date, head.status) == (
        "a share of the load saved in its hours", hvac.source, "2017-06-23", "unverified")
    assert rows["measures.valley_shift"].value_zh == "当日高峰负荷转移至低谷"
    assert rows["measures.hvac_control.end_use_share"].value == pytest.approx(0.2)
    assert rows["measures.hvac_control.end_use_share"].status == "user"
    share = rows["measures.hvac_control.saving_fraction"]
    assert (share.value, share.unit, share.status) == (0.10, "fraction", "unverified")
    unit_cost = rows["measures.hvac_control.unit_cost"]
    assert (unit_cost.value, unit_cost.unit) == (1.0, "CNY/(kWh/year)")
    # The investment by hand: 1 CNY per kWh a year saved.
    saved = next(m.kwh_saved_per_year for m in result.measures if m.id == "hvac_control")
    assert rows["measures.hvac_control.capex"].value == pytest.approx(1.0 * saved, rel=1e-9)
    assert rows["measures.hvac_control.capex"].status == "unverified"
    assert rows["measures.hvac_control.life_years"].value == 10.0
    # The shift: its share from the catalogue, its cost per kWh moved.
    assert rows["measures.valley_shift.shift_fraction"].value == pytest.approx(0.10)
    # The user's own cost and life replace the catalogue's (no unit cost row then).
    assert rows["measures.led_lighting.capex"].status == "user"
    assert rows["measures.led_lighting.capex"].value == 50_000.0
    assert rows["measures.led_lighting.life_years"].value == 8.0
    assert "measures.led_lighting.unit_cost" not in rows
    assert rows["measures.offhours_baseload.cut_kw"].status == "user"
    assert [r.category for r in rows.values()] == ["measures"] * len(rows)


def test_the_footprint_states_its_production_and_its_factor(planned):
    scenario, result = planned
    rows = _rows(footprint_rows(scenario, result.footprint))
    assert rows["production.annual_units"].value == 6000.0
    assert rows["production.annual_units"].unit == "t"
    factor = rows["footprint.factor"]
    assert (factor.value, factor.unit, factor.date, factor.status) == (
        0.5777, "kgCO2e/kWh", "2025-10-23", "secondary")
    assert "MEE" in factor.source and "carbon-footprint factor" in factor.source
    assert footprint_rows(scenario, None) == []


def test_the_default_battery_limit_is_a_day_of_the_load_and_says_so(planned):
    scenario, result = planned
    limit = result.battery.max_energy_kwh
    # One day of the load the battery serves (after the measures), by hand.
    assert limit == pytest.approx(result.energy.load_kwh / 365.0, rel=1e-6)
    rows = battery_limit_rows(scenario, limit, result.energy.load_kwh,
                              result.solver.binding_limits)
    assert [r.item for r in rows] == ["battery.max_energy_kwh", "battery.max_energy_kwh_binding"]
    assert rows[0].value == limit and rows[0].status == "unverified"
    assert f"mean daily load {result.energy.load_kwh / 365:,.0f} kWh" in rows[0].source
    assert rows[1].value == ("battery.max_energy_kwh" in result.solver.binding_limits)
    held = battery_limit_rows(scenario, limit, result.energy.load_kwh,
                              ("battery.max_energy_kwh",))
    assert held[1].value is True


def test_a_battery_limit_the_user_gave_is_theirs():
    scenario = _scenario(max_energy_kwh=2000.0)
    rows = battery_limit_rows(scenario, 2000.0, 6.0e6, ())
    assert (rows[0].value, rows[0].status, rows[0].source) == (2000.0, "user", "user input")
    no_battery = scenario.model_copy(update={"battery": scenario.battery.model_copy(
        update={"allowed": False})})
    assert battery_limit_rows(no_battery, None, 6.0e6, ()) == []


def test_the_proposal_names_the_rows_in_the_readers_language(planned):
    from pvplanner.report import render_pdf

    scenario, result = planned
    extra = [*measure_rows(scenario, result.measures), *footprint_rows(scenario, result.footprint),
             *battery_limit_rows(scenario, result.battery.max_energy_kwh,
                                 result.energy.load_kwh, result.solver.binding_limits)]
    recorded = {row.item for row in result.assumptions}
    shown = dataclasses.replace(result, assumptions=[
        *result.assumptions, *(row for row in extra if row.item not in recorded)])
    lines = {lang: "\n".join(page.extract_text() for page in PdfReader(
        io.BytesIO(render_pdf(shown, lang))).pages) for lang in ("zh", "en")}
    assert not latin_words(lines["zh"]), sorted(set(latin_words(lines["zh"])))
    assert not leaks(lines["zh"]) and not leaks(lines["en"])
    text = {"zh": lines["zh"].replace("\n", ""),  # cells wrap
            "en": " ".join(lines["en"].split())}
    assert "用电占比" in text["zh"] and "储能容量上限" in text["zh"]
    assert "按默认规则推算：1 天的日均用电量" in text["zh"]
    assert "电力碳足迹因子" in text["zh"] and "0.5777 千克二氧化碳当量/kWh" in text["zh"]
    assert "re-tuning: share of the load" in text["en"]
    assert "a share of the load saved in its hours" in text["en"]
    assert "Battery energy limit" in text["en"] and "0.5777 kgCO2e/kWh" in text["en"]
