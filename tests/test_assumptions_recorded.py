"""The plan records the rows of measures, footprint and battery limit in Result.assumptions
(wired in the pipeline), in the order a reader checks them, and they survive the JSON."""

from __future__ import annotations

import json

import pvplanner
from pvplanner.assumptions import battery_limit_rows, footprint_rows, measure_rows
from tests.test_assumptions_outcome import _scenario


def test_the_plan_records_measures_footprint_and_battery_limit():
    scenario = _scenario()
    result = pvplanner.plan(scenario, with_npv_curve=False)
    items = [row.item for row in result.assumptions]
    expected = [*measure_rows(scenario, result.measures),
                *footprint_rows(scenario, result.footprint),
                *battery_limit_rows(scenario, result.battery.max_energy_kwh,
                                    result.energy.load_kwh, result.solver.binding_limits)]
    recorded = {row.item: row for row in result.assumptions}
    for row in expected:
        assert recorded[row.item] == row, row.item
    # Measures after the load they change, the footprint after the carbon rows, the battery
    # limit with the optimizer's settings.
    assert items.index("measures.hvac_control") > items.index("load.annual_kwh")
    assert items.index("footprint.factor") > items.index("carbon.location_factor")
    assert items.index("battery.max_energy_kwh") > items.index("battery.allowed")
    again = pvplanner.Result.from_dict(json.loads(json.dumps(result.to_dict(tables=True))))
    assert [r.item for r in again.assumptions] == items


def test_an_elevation_from_the_altitude_grid_says_so():
    """The demo's synthetic weather gives no elevation of its own: the plan records pvlib's
    altitude grid as the source and the proposal calls the figure an estimate, in both
    languages; an entered elevation is the user's, with no such remark."""
    import re

    from pvlib.location import lookup_altitude

    from pvplanner.report import render_html
    from pvplanner.scenario.model import demo_scenario

    def elevation_row(result, lang):
        page = re.sub(r"<[^>]+>", " ", render_html(result, lang))
        label = "海拔" if lang == "zh" else "Elevation"
        return " ".join(page[page.index(label):].split()[:8])

    demo = demo_scenario()
    result = pvplanner.plan(demo, with_npv_curve=False, with_sensitivity=False)
    assert result.weather["elevation_source"] == "altitude_grid"
    row = next(a for a in result.assumptions if a.item == "site.elevation_m")
    assert row.status == "derived" and "altitude grid" in row.source
    # The grid reads -2 m on Xiaoshan's coastal plain (its cell averages in the bay's sea
    # floor); an estimate below the sea is taken as sea level, never shown as "-2 m".
    assert float(lookup_altitude(demo.site.latitude, demo.site.longitude)) < 0
    assert row.value == 0.0 and result.site.elevation_m == 0.0
    assert "-2" not in elevation_row(result, "en") and "-2" not in elevation_row(result, "zh")
    assert "全球海拔网格估值" in elevation_row(result, "zh")
    assert "altitude grid" in elevation_row(result, "en")

    entered = demo.model_copy(update={"site": demo.site.model_copy(update={"elevation_m": 7.0})})
    mine = pvplanner.plan(entered, with_npv_curve=False, with_sensitivity=False)
    assert mine.site.elevation_m == 7.0
    assert next(a for a in mine.assumptions if a.item == "site.elevation_m").status == "user"
    assert "网格" not in elevation_row(mine, "zh")
    assert "grid" not in elevation_row(mine, "en")


def test_the_start_date_is_stated_with_where_it_comes_from():
    """The cash flows' first day (commissioning) is an assumption of its own: the scenario's
    date, or the day the plan is made when it gives none (a proposal dated 2026-12-07 that
    assumed 2026-10-01 never said so)."""
    import datetime as dt

    from pvplanner.scenario.model import demo_scenario

    demo = demo_scenario()
    given = pvplanner.plan(demo, with_npv_curve=False, with_sensitivity=False)
    row = given.assumption("start_date")
    assert row.value == demo.start_date.isoformat() and row.status == "user"
    open_ended = pvplanner.plan(demo.model_copy(update={"start_date": None}),
                                with_npv_curve=False, with_sensitivity=False)
    row = open_ended.assumption("start_date")
    assert row.value == dt.date.today().isoformat() and row.status == "model"
    assert "the day the plan is made" in row.source


def test_a_two_part_tariff_says_which_basic_charge_it_bills():
    """Both basic charges of a two-part tariff are listed with their sources; which one the
    plan bills is a row of its own: maximum demand by default (the user's choice under
    发改办价格〔2016〕1583号), or the scenario's choice."""
    from pvplanner.scenario.model import demo_scenario

    demo = demo_scenario()
    result = pvplanner.plan(demo, with_npv_curve=False, with_sensitivity=False)
    row = result.assumption("tariff.basic_charge_basis")
    assert (row.value, row.status) == ("max_demand", "model") and "1583" in row.source
    document = demo.model_dump(mode="json")
    document["tariff"].update(basic_charge_basis="capacity", transformer_kva=2000.0)
    chosen = pvplanner.plan(document, with_npv_curve=False, with_sensitivity=False)
    row = chosen.assumption("tariff.basic_charge_basis")
    assert (row.value, row.status) == ("capacity", "user")
