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
