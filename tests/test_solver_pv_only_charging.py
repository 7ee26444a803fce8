"""A battery that may not charge from the grid charges only from PV beyond the load.

Behind the meter PV serves the load first; PV "to the battery" in a step whose load the grid
serves is grid charging on the meter. A reviewer found the demo's battery "charged from PV
only" doing exactly that in 2,226 hours (963,485 kWh a year): PV was booked into the battery
at midday while the grid served the load at the valley price, and the battery's saving was
about twice what PV-only charging earns. The rule ``cp <= (g - load)+`` is not convex in
the PV sizes: HiGHS sizes on its secant relaxation (exact where every plane is full) and
re-solves a design whose PV is below its largest on that PV's own output, stating the gap;
CBC solves the exact MILP (a binary per step, ``solver.pulp_model``), the reference here.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from solver.api import optimize
from solver.curves import npv_curve
from solver.problem import BatteryOptions, Costs, DemandCharge, SizingProblem
from solver.result import charges_from_grid_unallowed
from tests._solver_cases import random_problem
from tests.test_solver_lp import check_balances


def _scale(p: SizingProblem) -> float:
    return p.costs.pwf_energy * float(p.import_price_per_kwh @ p.load_kw)


def _noon_and_evening(plane_max_kwp: float) -> SizingProblem:
    """Two steps: noon (PV 1 kW/kWp, load 80 kW at 0.1/kWh), evening (no PV, load 80 kW at
    1.0/kWh); a lossless battery at 0.01 per kWh, PV at 0.001 per kWp; pwf 10."""
    return SizingProblem(
        production_kw_per_kwp=np.array([1.0, 0.0]), load_kw=[80.0, 80.0],
        import_price_per_kwh=[0.1, 1.0], export_price_per_kwh=0.0, step_hours=1.0,
        costs=Costs(pv_capex_per_kwp=0.001, pwf_energy=10.0, battery_capex_per_kwh=0.01),
        demand_charges=[DemandCharge(np.ones(2, bool), 0.0, "all")],
        plane_max_kwp=[plane_max_kwp], export_limit_kw=0.0,
        battery=BatteryOptions(allowed=True, max_kwh=1000, max_kw=1000, min_soc_fraction=0.0,
                               charge_efficiency=1.0, discharge_efficiency=1.0,
                               grid_charging=False),
    )


@pytest.mark.parametrize("backend", ["highs", "cbc"])
def test_by_hand_only_the_surplus_charges(backend):
    """100 kWp at noon: 80 kW serve the load, the 20 kW beyond it charge the battery, which
    serves 20 of the evening's 80 kW. Savings 80 x 0.1 + 20 x 1.0 = 28 a year; NPV
    = 10 x 28 - 0.1 - 0.2 = 279.7. Booking all 100 kW into the battery while the grid served
    the noon load (the old model) gave 10 x 80 x 1.0 - 0.1 - 0.8 = 799.1."""
    p = _noon_and_evening(100.0)
    res = optimize(p, backend=backend)
    assert res.kwp_per_plane[0] == pytest.approx(100.0)
    assert res.battery_kwh == pytest.approx(20.0, abs=1e-6)
    assert res.dispatch.pv_to_battery[0] == pytest.approx(20.0, abs=1e-6)
    assert res.dispatch.pv_to_load[0] == pytest.approx(80.0, abs=1e-6)
    assert res.npv == pytest.approx(10 * 28 - 0.1 - 0.2, abs=1e-6)
    assert res.optimality_gap == pytest.approx(0.0, abs=1e-9)
    check_balances(p, res)


@pytest.mark.parametrize("seed", range(8))
def test_pv_only_charging_is_bounded_by_the_exact_milp(seed):
    """HiGHS' design is physical and within its stated gap of CBC's exact optimum: never
    better than it, and NPV + gap never below it; where the gap is zero they agree."""
    rng = np.random.default_rng(8100 + seed)
    p = random_problem(rng, n_steps=48, n_planes=1 + seed % 2,
                       battery=BatteryOptions(allowed=True, max_kwh=600.0, max_kw=300.0,
                                              grid_charging=False),
                       export_limit_kw=0.0 if seed % 3 == 0 else None)
    if seed % 4 == 1:  # roofs far larger than the load: the design's PV below its largest
        p = replace(p, plane_max_kwp=np.asarray(p.plane_max_kwp) * 6.0)
    res = optimize(p)
    exact = optimize(p, backend="cbc")
    tol = 1e-4 * _scale(p) + 1e-6
    check_balances(p, res)
    check_balances(p, exact)
    assert not charges_from_grid_unallowed(p, res)
    assert res.npv <= exact.npv + tol
    assert res.npv + res.optimality_gap >= exact.npv - tol
    if res.optimality_gap <= 1e-9:
        assert res.npv == pytest.approx(exact.npv, abs=tol)


def test_a_design_below_its_largest_pv_is_resolved_on_its_own_output_and_says_its_gap():
    """On roofs six times the load's, the relaxation bounds PV charging by the full roofs'
    output and charges from PV the load needs: the design is re-solved on its own PV (no
    such charging left), the relaxation is its bound, and the note says so."""
    rng = np.random.default_rng(8101)
    p = random_problem(rng, n_steps=48, n_planes=2,
                       battery=BatteryOptions(allowed=True, max_kwh=600.0, max_kw=300.0,
                                              grid_charging=False))
    p = replace(p, plane_max_kwp=np.asarray(p.plane_max_kwp) * 6.0)
    res = optimize(p)
    assert (res.kwp_per_plane < p.plane_max_kwp - 1e-6).any()
    check_balances(p, res)
    if res.optimality_gap > 1e-6 * _scale(p):
        assert any(n.startswith("the battery charges only from PV beyond the load")
                   for n in res.notes)
        assert not any("within the time limit" in n for n in res.notes)


def test_the_curves_points_are_physical_designs():
    """Each point of the NPV curve of a battery charged only from PV is a physical design
    (re-solved on its own PV where its relaxation charged from PV the load needed), with
    its gap, never above the exact optimum at its size."""
    rng = np.random.default_rng(8105)
    p = random_problem(rng, n_steps=48, n_planes=1,
                       battery=BatteryOptions(allowed=True, max_kwh=600.0, max_kw=300.0,
                                              grid_charging=False))
    p = replace(p, plane_max_kwp=np.asarray(p.plane_max_kwp) * 4.0)
    sizes = np.linspace(0.0, float(p.plane_max_kwp.sum()), 5)[1:]
    curve = npv_curve(p, sizes)
    tol = 1e-4 * _scale(p) + 1e-6
    for row in curve.itertuples():
        exact = optimize(replace(p, min_total_kwp=row.total_kwp, max_total_kwp=row.total_kwp),
                         backend="cbc")
        assert row.npv <= exact.npv + tol
        assert row.npv + row.optimality_gap >= exact.npv - tol


def test_the_demos_battery_charged_from_pv_charges_only_the_surplus():
    """The reviewer's case: the demo (full roofs) with a battery that may not charge from the
    grid. No hour charges from PV while the grid serves the load (2,226 hours did), and the
    design is exact (its planes are full), so no gap is stated."""
    from pvplanner.pipeline import plan
    from pvplanner.scenario.model import demo_scenario

    data = demo_scenario().model_dump(mode="json")
    data["battery"].update(allowed=True, grid_charging=False)
    result = plan(data, with_npv_curve=False, with_sensitivity=False)
    hourly = result.hourly
    assert result.battery.energy_kwh > 500 and result.solver.optimality_gap == 0.0
    surplus = (hourly["pv_available_kw"] - hourly["load_kw"]).clip(lower=0.0)
    assert (hourly["pv_to_battery_kw"] <= surplus + 1e-6).all()
    both = (hourly["pv_to_battery_kw"] > 1e-6) & (hourly["grid_to_load_kw"] > 1e-6)
    assert not both.any()
    assert hourly["grid_to_battery_kw"].abs().max() == 0.0
    # The battery stores no more than PV beyond the load over the year.
    assert hourly["pv_to_battery_kw"].sum() <= surplus.sum() + 1e-6
