"""A plan that builds no PV says why, with the price at which PV would pay.

The demo at CNY 12,000 per kWp planned 0 kWp with an NPV of 0 and not a word. The note's
break-even price is checked against the optimizer itself (2 % below it the plan builds PV,
2 % above it builds none) and its savings against a hand sum over the year.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import pvplanner
from pvplanner.display.messages import render
from pvplanner.finance import degradation_factors, present_worth_factors
from pvplanner.pipeline import prepare
from pvplanner.tariff.export import export_year_factors


@pytest.fixture(scope="module")
def costly():
    demo = pvplanner.demo_scenario()
    return demo.model_copy(update={"finance": demo.finance.model_copy(
        update={"pv_capex_per_kwp": 12000.0})})


def _plan(scenario):
    return pvplanner.plan(scenario, with_npv_curve=False, with_sensitivity=False)


def _at_price(scenario, price):
    return scenario.model_copy(update={"finance": scenario.finance.model_copy(
        update={"pv_capex_per_kwp": price})})


def _amount(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text))


@pytest.fixture(scope="module")
def said(costly):
    result = _plan(costly)
    assert result.pv.capacity_kwp == 0.0
    notes = [n for n in result.warnings if getattr(n, "key", "") == "notes.plan.no_pv"]
    assert len(notes) == 1
    return notes[0]


def test_the_break_even_price_is_where_the_optimizer_starts_building(costly, said):
    break_even = _amount(said.params["break_even"]["en"])
    assert 2000.0 < break_even < 12000.0
    below = _plan(_at_price(costly, 0.98 * break_even))
    above = _plan(_at_price(costly, 1.02 * break_even))
    assert below.pv.capacity_kwp > 0.0 and below.finance.npv > 0.0
    assert above.pv.capacity_kwp == 0.0
    assert not [n for n in below.warnings if "no_pv" in getattr(n, "key", "")]


def test_the_first_kwp_value_is_the_hand_sum_of_its_savings(costly, said):
    """Savings of a 1 kWp array on the best plane, summed by hand: over the year, output x
    the step's energy price (all used on site: the factory's load is far larger), times
    the after-tax present-worth factor and the degradation levelization; plus, for each
    month's demand charge, its rate x how much the month's maximum falls with the output
    taken off the load, times the demand's present-worth factor. The note rounds to whole
    CNY (within 1)."""
    prepared = prepare(costly)
    sizing = prepared.sizing
    degradation = degradation_factors(costly.finance.analysis_years,
                                      costly.pv.degradation_first_year_percent,
                                      costly.pv.degradation_annual_percent)
    factors = present_worth_factors(
        costly.finance, degradation,
        export_year_factors(prepared.export, costly.finance.analysis_years))
    plane = said.params["plane"]["en"] if not isinstance(said.params["plane"], str) \
        else said.params["plane"]
    output = sizing.production_kw_per_kwp[plane].to_numpy()
    assert np.all(output <= sizing.load_kw.to_numpy())  # all used on site
    load = sizing.load_kw.to_numpy()
    energy = float(np.sum(output * sizing.import_price_per_kwh) * sizing.step_hours)
    demand = sum(rate * (load[month].max() - (load - output)[month].max())
                 for month, rate, _ in sizing.demand_windows)
    assert demand > 0  # the demo's peaks fall in sunshine in some months
    by_hand = (factors["pwf_energy"] * factors["production_levelization"] * energy
               + factors["pwf_demand"] * demand)
    value = _amount(said.params["value"]["en"])
    assert value == pytest.approx(by_hand, abs=1.0)
    # The cost is the installed price's after-tax share plus the upkeep.
    cost = _amount(said.params["cost"]["en"])
    assert cost == pytest.approx(factors["lifecycle_cost_per_kwp"], abs=1.0)
    assert render(said, "zh").startswith(
        "方案未安装光伏：按当前输入，光伏不划算。最佳屋面（办公楼（混凝土屋面，朝南成排支架））")


def test_a_plan_that_builds_pv_says_nothing_of_the_kind():
    result = _plan(pvplanner.demo_scenario())
    assert result.pv.capacity_kwp > 0
    assert not [n for n in result.warnings if "no_pv" in getattr(n, "key", "")]


def _with_finance(scenario, **finance):
    return scenario.model_copy(update={"finance": scenario.finance.model_copy(update=finance)})


def test_upkeep_that_outweighs_the_savings_is_said_to_need_no_price():
    """O&M of CNY 2,000 per kWp a year is worth more than the ~5,200 a kWp saves over the
    life, whatever the panels cost: the note says PV would not pay even free."""
    result = _plan(_with_finance(pvplanner.demo_scenario(), pv_om_per_kwp_year=2000.0))
    assert result.pv.capacity_kwp == 0.0
    [note] = [n for n in result.warnings if "no_pv" in getattr(n, "key", "")]
    assert note.key == "notes.plan.no_pv_even_free"
    assert _amount(note.params["upkeep"]["en"]) > _amount(note.params["value"]["en"])


def test_a_fixed_cost_the_best_system_cannot_carry_is_named():
    """At CNY 5,400 per kWp the demo builds 53.5 kWp for an NPV of about CNY 2,400; a fixed
    project cost of CNY 100,000 on top leaves nothing worth building, and the note names
    the fixed cost, not the price per kWp."""
    cheap = _with_finance(pvplanner.demo_scenario(), pv_capex_per_kwp=5400.0)
    assert 0.0 < _plan(cheap).finance.npv < 100_000.0
    result = _plan(_with_finance(cheap, fixed_capex=100_000.0))
    assert result.pv.capacity_kwp == 0.0
    [note] = [n for n in result.warnings if "no_pv" in getattr(n, "key", "")]
    assert note.key == "notes.plan.no_pv_fixed_cost"
    assert note.params["fixed"] == {"en": "CNY 100,000", "zh": "100,000 元"}


def test_the_proposal_of_no_pv_gives_no_yield_or_inverter_ratio_of_its_own(costly):
    """A 0 kWp system has no yield per kWp (it said 0 kWh/kWp beside planes of 955) and no
    inverter to size (it said a DC/AC ratio of 1.20)."""
    from pvplanner.report.content import build_proposal
    from pvplanner.report.text import Texts

    result = _plan(costly)
    t = Texts("zh")
    design = build_proposal(result, "zh").section("design")
    system = next(b for b in design.blocks if getattr(b, "title", "") == t("design.system_table"))
    shown = {row[0]: row[1] for row in system.rows}
    assert shown[t("design.dc_ac_ratio")] == t.na
    assert shown[t("design.specific_yield")] == t.na
