"""The battery's state of charge cyclic per block of steps (SizingProblem.soc_cycle_steps).

Typical days (pvplanner.aggregate) stand for different numbers of real days, so each must
be a cycle of its own: no energy may move from one block to another.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from solver import optimize
from solver.errors import SolverInputError
from solver.problem import BatteryOptions, Costs, SizingProblem
from solver.warm import coarsen_problem
from tests._solver_cases import random_problem


def _two_days() -> SizingProblem:
    """A cheap day then an expensive one, no PV worth building: a battery earns only by
    buying on day 1 and selling on day 2."""
    hours = 48
    price = np.where(np.arange(hours) < 24, 0.2, 1.0)
    return SizingProblem(
        production_kw_per_kwp=np.zeros(hours), load_kw=np.full(hours, 100.0),
        import_price_per_kwh=price, export_price_per_kwh=0.0, step_hours=1.0,
        costs=Costs(pv_capex_per_kwp=5000.0, pwf_energy=10.0, battery_capex_per_kwh=2.0),
        plane_max_kwp=[100.0],
        battery=BatteryOptions(allowed=True, max_kwh=500.0, max_kw=100.0,
                               charge_efficiency=0.95, discharge_efficiency=0.95,
                               min_soc_fraction=0.0),
    )


def _net_charge_per_block_kwh(problem: SizingProblem, res, steps: int) -> np.ndarray:
    """Energy put into the battery minus energy taken out, block by block [kWh]."""
    bat, d = problem.battery, res.dispatch
    stored = (bat.charge_efficiency * (d.pv_to_battery + d.grid_to_battery)
              - d.battery_to_load / bat.discharge_efficiency) * problem.step_hours
    return stored.reshape(-1, steps).sum(axis=1)


def test_a_year_cycle_carries_energy_between_days_and_daily_cycles_do_not():
    problem = _two_days()
    year = optimize(problem)
    daily = optimize(replace(problem, soc_cycle_steps=24))
    # Over the two days the battery carries day 1's cheap energy into day 2 ...
    assert year.battery_kwh > 100.0
    assert _net_charge_per_block_kwh(problem, year, 24)[0] > 100.0
    # ... which daily cycles forbid: each day's own prices are flat, so no battery pays.
    np.testing.assert_allclose(_net_charge_per_block_kwh(problem, daily, 24), 0.0,
                               atol=1e-6)
    assert daily.battery_kwh == pytest.approx(0.0, abs=1e-6)
    assert daily.npv < year.npv - 1000.0


@pytest.mark.parametrize("seed", [3, 8])
def test_daily_cycles_hold_with_pv_and_agree_with_cbc(seed):
    rng = np.random.default_rng(seed)
    problem = replace(random_problem(rng, n_steps=72, battery=True), soc_cycle_steps=24)
    highs = optimize(problem, backend="highs")
    cbc = optimize(problem, backend="cbc")
    np.testing.assert_allclose(_net_charge_per_block_kwh(problem, highs, 24), 0.0,
                               atol=1e-5 * max(1.0, highs.battery_kwh))
    assert highs.npv == pytest.approx(cbc.npv, rel=1e-5, abs=1.0)
    # Blocks of the whole horizon are the one cycle of the default.
    whole = optimize(replace(problem, soc_cycle_steps=72))
    default = optimize(replace(problem, soc_cycle_steps=None))
    assert whole.npv == pytest.approx(default.npv, rel=1e-9, abs=1e-6)
    # Cutting the horizon into cycles can only take options away.
    assert highs.npv <= default.npv + 1e-6 * abs(default.npv)


@pytest.mark.parametrize("bad", [5, 0, -24, True, 24.0])
def test_cycles_must_divide_the_steps(bad):
    with pytest.raises(SolverInputError, match="soc_cycle_steps"):
        replace(_two_days(), soc_cycle_steps=bad)


def test_coarsening_keeps_whole_cycles():
    problem = replace(_two_days(), soc_cycle_steps=24)
    assert coarsen_problem(problem, 4).soc_cycle_steps == 6
    assert coarsen_problem(replace(problem, soc_cycle_steps=16), 3) is None
