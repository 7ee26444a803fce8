"""The roof table adds up where an export limit curtails PV.

With exports barred (self-consumption floor 1.0) the demo's planes made 1,991,367 kWh while
the table's total said 1,760,567: the 230,800 kWh curtailed were taken off the total only,
and its yield (838 kWh/kWp) was below every plane's. The total now sums the rows, then the
curtailed energy and the energy used are their own rows.
"""

from __future__ import annotations

import pytest

import pvplanner
from pvplanner.report.content import build_proposal


@pytest.fixture(scope="module")
def zero_export():
    demo = pvplanner.demo_scenario()
    scenario = demo.model_copy(update={"constraints": demo.constraints.model_copy(
        update={"min_self_consumption_ratio": 1.0})})
    return pvplanner.plan(scenario, with_npv_curve=False, with_sensitivity=False)


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_roof_tables_total_is_the_sum_of_its_rows_then_the_curtailment(zero_export, lang):
    result = zero_export
    assert result.energy.curtailed_kwh > 1000.0  # the case: PV curtailed
    table = next(b for b in build_proposal(result, lang).section("design").blocks
                 if getattr(b, "total_rows", 0) == 3)
    planes, (total, curtailed, used) = table.rows[:-3], table.rows[-3:]
    generation = [_number(row[-1]) for row in planes]
    assert _number(total[-1]) == pytest.approx(sum(generation), abs=len(planes))
    assert _number(curtailed[-1]) == pytest.approx(-result.energy.curtailed_kwh, abs=1.0)
    assert _number(used[-1]) == pytest.approx(result.pv.annual_generation_kwh, abs=1.0)
    assert _number(total[-1]) + _number(curtailed[-1]) == pytest.approx(_number(used[-1]),
                                                                        abs=2.0)
    # the total's yield is the planes' (within their range), the used energy's below it
    yields = [_number(row[-2]) for row in planes if _number(row[5]) > 0]
    assert min(yields) <= _number(total[-2]) <= max(yields)
    assert _number(used[-2]) < _number(total[-2])


def test_without_curtailment_the_table_keeps_one_total_row():
    result = pvplanner.plan(pvplanner.demo_scenario(), with_npv_curve=False,
                            with_sensitivity=False)
    assert result.energy.curtailed_kwh < 0.5
    tables = [b for b in build_proposal(result, "zh").section("design").blocks
              if getattr(b, "rows", None) and getattr(b, "total_rows", 0) >= 1]
    assert all(b.total_rows == 1 for b in tables)
