"""Saving measures (issue 17): each effect against hand sums, the catalogue's provenance, the
recommendation that proposes a measure from the company's own data, and the plan that sizes
PV to the load after the measures (``plan --json`` ``measures[]``)."""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pandas as pd
import pytest

from pvplanner.cli import main
from pvplanner.errors import PlannerInputError
from pvplanner.holidays import day_types
from pvplanner.load import analyze_load, recommendations
from pvplanner.load.measures import (
    apply_measure,
    apply_measures,
    measure_catalogue,
    resolve_measure,
    value_measures,
)
from pvplanner.scenario.model import demo_scenario, parse_scenario, save_scenario
from weather.datafiles import data_path
from weather.timeaxis import typical_year_index

INDEX = typical_year_index(8.0)  # hourly typical year, UTC+8


def _workdays() -> int:
    kinds = day_types(INDEX)["day_type"]
    return int(kinds[kinds == "workday"].index.normalize().nunique())


def _shift_plant() -> tuple[pd.Series, pd.Series]:
    """A two-level load with peak hours 08-11 and 18-21 and valley hours 23-07."""
    hour = INDEX.hour
    load = pd.Series(np.where((hour >= 8) & (hour < 20), 1000.0, 400.0), index=INDEX)
    periods = np.full(len(INDEX), "flat", dtype=object)
    periods[((hour >= 8) & (hour < 11)) | ((hour >= 18) & (hour < 21))] = "peak"
    periods[(hour >= 23) | (hour < 7)] = "valley"
    return load, pd.Series(periods, index=INDEX)


# --------------------------------------------------------------------------- effects
def test_a_10_percent_hvac_cut_on_a_share_lowers_the_year_by_the_hand_figure():
    load = pd.Series(1000.0, index=INDEX)
    hvac = resolve_measure("hvac_control", {"end_use_share": 0.3, "saving_fraction": 0.10})
    step = apply_measure(load, hvac)
    # 8760 h x 1000 kW x 30 % HVAC x 10 % saved = 262,800 kWh
    assert step.kwh_saved == pytest.approx(262_800.0, rel=1e-12)
    assert load.sum() - step.after_kw.sum() == pytest.approx(262_800.0, rel=1e-12)
    assert step.after_kw.min() == pytest.approx(970.0)


def test_the_catalogue_hvac_figures_are_the_ones_applied():
    load = pd.Series(500.0, index=INDEX)
    step = apply_measure(load, resolve_measure("hvac_control"))
    entry = next(e for e in tomllib.loads(data_path("measures", "catalogue.toml").read_text(
        encoding="utf-8"))["measure"] if e["id"] == "hvac_control")
    assert step.kwh_saved == pytest.approx(
        500.0 * 8760 * entry["end_use_share"] * entry["saving_fraction"])


def test_an_offhours_cut_acts_on_nights_weekends_and_holidays_only():
    load = pd.Series(1000.0, index=INDEX)
    cut = resolve_measure("offhours_baseload", {"cut_kw": 200.0})
    step = apply_measure(load, cut)
    workdays = _workdays()
    offhours_hours = 24 * (365 - workdays) + 8 * workdays  # nights are 22:00-06:00
    assert step.kwh_saved == pytest.approx(200.0 * offhours_hours)
    noon = INDEX[(INDEX.hour == 12)]
    kinds = day_types(noon)["day_type"].to_numpy()
    after = pd.Series(step.after_kw, index=INDEX)
    assert (after[noon[kinds == "workday"]] == 1000.0).all()
    assert (after[noon[kinds != "workday"]] == 800.0).all()


def test_a_cut_never_takes_the_load_below_zero():
    load = pd.Series(np.where(INDEX.hour < 12, 50.0, 500.0), index=INDEX)
    step = apply_measure(load, resolve_measure("offhours_baseload", {"cut_kw": 120.0}))
    assert step.after_kw.min() == 0.0
    removed = load.to_numpy() - step.after_kw
    assert removed.max() == pytest.approx(120.0) and (removed >= 0).all()
    assert step.kwh_saved == pytest.approx(removed.sum())


def test_a_shift_keeps_every_days_energy_and_moves_the_hand_figure():
    load, periods = _shift_plant()
    shift = resolve_measure("valley_shift", {"shift_fraction": 0.25})
    step = apply_measure(load, shift, periods)
    after = pd.Series(step.after_kw, index=INDEX)
    day = INDEX.tz_localize(None).normalize()
    np.testing.assert_allclose(after.groupby(day).sum(), load.groupby(day).sum(), rtol=1e-12)
    assert step.kwh_saved == 0.0
    # Peak hours: 08-11 at 1000 kW (3 h), 18-20 at 1000 kW (2 h), 20-21 at 400 kW (1 h).
    peak_kwh_per_day = 3 * 1000.0 + 2 * 1000.0 + 1 * 400.0
    assert step.kwh_shifted == pytest.approx(0.25 * peak_kwh_per_day * 365)
    # Spread evenly over the day's 8 valley hours.
    valley = periods.to_numpy() == "valley"
    assert np.allclose(after[valley] - load[valley], 0.25 * peak_kwh_per_day / 8)
    assert np.allclose(after[periods.to_numpy() == "peak"],
                       0.75 * load[periods.to_numpy() == "peak"])


def test_a_shift_without_valley_hours_changes_nothing_and_says_so():
    load = pd.Series(700.0, index=INDEX)
    flat = pd.Series("flat", index=INDEX)
    step = apply_measure(load, resolve_measure("valley_shift"), flat)
    assert np.array_equal(step.after_kw, load.to_numpy())
    assert step.notes and step.notes[0].key == "load.measures.notes.nothing_shifted"
    with pytest.raises(PlannerInputError, match="time-of-use"):
        apply_measure(load, resolve_measure("valley_shift"))


def test_measures_apply_in_order_and_their_savings_add_up():
    load, periods = _shift_plant()
    chosen = [resolve_measure("led_lighting", {"end_use_share": 0.1, "saving_fraction": 0.5}),
              resolve_measure("valley_shift")]
    application = apply_measures(load, chosen, periods)
    assert np.array_equal(application.steps[1].before_kw, application.steps[0].after_kw)
    total = sum(step.kwh_saved for step in application.steps)
    assert load.sum() - application.load_kw.sum() == pytest.approx(total)
    assert total == pytest.approx(load.sum() * 0.05)

    # A flat 0.5/kWh bill: each measure saves 0.5 x its kWh; the shift saves nothing.
    rows = value_measures(application, lambda kw: 0.5 * float(np.sum(kw)), 0.0005)
    assert rows[0].bill_savings_per_year == pytest.approx(0.5 * total)
    assert rows[0].tco2_avoided_per_year == pytest.approx(total * 0.0005)
    assert rows[0].capex == pytest.approx(total * measure_catalogue()["led_lighting"].cost)
    assert rows[0].simple_payback_years == pytest.approx(rows[0].capex / (0.5 * total))
    assert rows[1].bill_savings_per_year == pytest.approx(0.0, abs=1e-6)
    assert rows[1].simple_payback_years is None


def test_a_shift_saves_the_price_spread_on_a_time_of_use_bill():
    load, periods = _shift_plant()
    price = np.where(periods == "peak", 1.2, np.where(periods == "valley", 0.3, 0.7))
    application = apply_measures(load, [resolve_measure("valley_shift")], periods)
    rows = value_measures(application, lambda kw: float(np.sum(kw * price)), 0.5e-3)
    assert rows[0].bill_savings_per_year == pytest.approx(
        application.steps[0].kwh_shifted * (1.2 - 0.3))
    assert rows[0].tco2_avoided_per_year == 0.0


def test_user_overrides_are_checked_and_named():
    with pytest.raises(PlannerInputError, match="unknown saving measure") as bad:
        resolve_measure("solar_windows", field="measures[2]")
    assert bad.value.field == "measures[2].id"
    with pytest.raises(PlannerInputError, match="cut_kw") as wrong:
        resolve_measure("led_lighting", {"cut_kw": 10.0}, field="measures[0]")
    assert wrong.value.field == "measures[0].cut_kw"
    with pytest.raises(PlannerInputError, match="0..1"):
        resolve_measure("motor_vfd", {"saving_fraction": 1.5})
    capex = resolve_measure("motor_vfd", {"capex": 80_000.0, "saving_fraction": 0.3})
    assert capex.capex == 80_000.0 and capex.user_parameters == ("saving_fraction",)


def test_a_measure_without_a_value_the_load_cannot_give_names_it_in_words():
    from pvplanner.display.messages import render

    load, _ = _shift_plant()
    measure = resolve_measure("offhours_baseload")  # cut_kw comes from the load's data
    with pytest.raises(PlannerInputError) as missing:
        apply_measure(load, measure)
    english, chinese = render(missing.value, "en"), render(missing.value, "zh")
    assert english == (f"the measure “{measure.name_en}” needs “Power switched off [kW]”: the "
                       "load data do not give it; enter it with the measure")
    assert chinese == (f"节能措施“{measure.name_zh}”需要填写“关停功率 [kW]”：负荷数据无法给出"
                       "该值，请在该措施中填写")
    assert "offhours_baseload" not in english + chinese and "cut_kw" not in english + chinese


# --------------------------------------------------------------------------- catalogue
def test_every_measure_carries_its_effect_cost_life_and_source():
    catalogue = measure_catalogue()
    assert {"hvac_control", "compressed_air_leaks", "compressed_air_pressure",
            "led_lighting", "motor_vfd", "offhours_baseload", "valley_shift"} <= set(catalogue)
    for measure in catalogue.values():
        assert measure.source and measure.cost_source, measure.id
        assert measure.status in ("official", "secondary", "unverified", "derived")
        assert measure.cost_status in ("official", "secondary", "unverified")
        if "unverified" in (measure.status, measure.cost_status):
            assert measure.note or "judgement" in measure.cost_source, measure.id
        assert measure.life_years > 0 and measure.cost >= 0


# --------------------------------------------------------------------------- recommendations
def test_a_recommendation_proposes_a_measure_with_the_companys_own_figures():
    # Working hours 06-22 on workdays at 1000 kW; nights, weekends and holidays at 400 kW.
    kinds = day_types(INDEX)["day_type"].to_numpy()
    night = (INDEX.hour >= 22) | (INDEX.hour < 6)
    offhours = (kinds != "workday") | night
    load = pd.Series(np.where(offhours, 400.0, 1000.0), index=INDEX)
    analytics = analyze_load(load)
    found = [r for r in recommendations(analytics) if r.measure_id == "offhours_baseload"]
    assert len(found) == 1
    rec = found[0]
    # Standby a site needs: 5 % of the 1000 kW peak; the rest of the 400 kW is avoidable.
    assert rec.measure_overrides == {"cut_kw": pytest.approx(400.0 - 0.05 * 1000.0)}
    hours = 24 * (365 - _workdays()) + 8 * _workdays()
    assert rec.annual_kwh == pytest.approx(350.0 * hours)
    assert f"{350.0 * hours:,.0f}" in rec.text_en
    # Applying exactly what it quantifies removes exactly that energy.
    measure = resolve_measure("offhours_baseload").with_data(rec.measure_overrides)
    assert measure.data_parameters == ("cut_kw",)
    assert apply_measure(load, measure).kwh_saved == pytest.approx(rec.annual_kwh)
    assert rec.to_dict()["measure_id"] == "offhours_baseload"


# --------------------------------------------------------------------------- the plan
def test_plan_json_has_measures_and_sizes_pv_to_the_reduced_load(tmp_path, capsys):
    document = demo_scenario().model_dump(mode="json")
    document["measures"] = [{"id": "hvac_control", "end_use_share": 0.2},
                            {"id": "valley_shift"}, {"id": "offhours_baseload", "cut_kw": 30.0}]
    scenario = parse_scenario(document)
    path = save_scenario(scenario, tmp_path / "measures.toml")
    assert main(["plan", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    measures = data["measures"]
    assert [m["id"] for m in measures] == ["hvac_control", "valley_shift", "offhours_baseload"]
    for m in measures:
        for key in ("name_zh", "name_en", "kwh_saved_per_year", "bill_savings_per_year",
                    "capex", "simple_payback_years", "tco2_avoided_per_year", "source",
                    "status"):
            assert key in m, key
    combined = data["measures_combined"]
    hvac = measures[0]["kwh_saved_per_year"]
    baseline = combined["load_baseline_kwh"]
    saved = sum(m["kwh_saved_per_year"] for m in measures)
    assert hvac == pytest.approx(baseline * 0.2 * 0.10, rel=1e-9)
    # The PV was sized to the load after the measures; the bills beside it say so.
    assert data["energy"]["load_kwh"] == pytest.approx(baseline - saved, rel=1e-9)
    assert data["bills"]["baseline_annual"] == pytest.approx(
        combined["bill_after_measures_annual"], rel=1e-9)
    assert combined["bill_baseline_annual"] - combined["bill_after_measures_annual"] == \
        pytest.approx(sum(m["bill_savings_per_year"] for m in measures), rel=1e-9)
    assert combined["bill_savings_total_annual"] == pytest.approx(
        combined["bill_savings_measures_annual"] + data["bills"]["savings_annual"], rel=1e-9)
    factor = data["carbon"]["emission_factor_tco2_per_mwh"] / 1000.0
    assert measures[0]["tco2_avoided_per_year"] == pytest.approx(hvac * factor, rel=1e-9)
    assert combined["capex_total"] == pytest.approx(
        data["finance"]["capex"] + sum(m["capex"] for m in measures), rel=1e-9)


def test_an_unknown_measure_in_a_scenario_exits_2_naming_it(tmp_path, capsys):
    data = demo_scenario().model_dump(mode="json")
    data["measures"] = [{"id": "led_lighting"}, {"id": "perpetual_motion"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["plan", str(path)]) == 2
    assert "measures[1].id" in capsys.readouterr().err
