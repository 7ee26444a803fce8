"""The battery's state of charge cyclic per block of steps (SizingProblem.soc_cycle_steps).

Typical days (pvplanner.aggregate) stand for different numbers of real days, so each must
be a cycle of its own: no energy may move from one block to another. Blocks may have
different lengths (a typical weekend run with its Monday is one cycle, other days their
own).
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


def _net_charge_per_block_kwh(problem: SizingProblem, res, steps: int | list[int]
                              ) -> np.ndarray:
    """Energy put into the battery minus energy taken out, block by block [kWh]; blocks of
    ``steps`` steps, or of the listed lengths."""
    bat, d = problem.battery, res.dispatch
    stored = (bat.charge_efficiency * (d.pv_to_battery + d.grid_to_battery)
              - d.battery_to_load / bat.discharge_efficiency) * problem.step_hours
    lengths = [steps] * (problem.n_steps // steps) if isinstance(steps, int) else steps
    return np.add.reduceat(stored, np.cumsum([0, *lengths[:-1]]))


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


def _three_days() -> SizingProblem:
    """:func:`_two_days` with a third cheap day in front."""
    p = _two_days()
    return replace(p, production_kw_per_kwp=np.zeros(72), load_kw=np.full(72, 100.0),
                   export_price_per_kwh=np.zeros(72), import_price_per_kwh=np.concatenate([np.full(24, 0.2),
                                                        p.import_price_per_kwh]))


def test_a_two_day_cycle_carries_energy_and_a_one_day_cycle_beside_it_does_not():
    problem = _three_days()
    mixed = optimize(replace(problem, soc_cycle_steps=[24, 48]))
    daily = optimize(replace(problem, soc_cycle_steps=24))
    # The cheap day 2 and the expensive day 3 share a cycle: the battery moves energy ...
    net = _net_charge_per_block_kwh(problem, mixed, [24, 24, 24])
    assert mixed.battery_kwh > 100.0 and net[1] > 100.0
    # ... which comes back out within that cycle; the first day is a cycle of its own.
    np.testing.assert_allclose(_net_charge_per_block_kwh(problem, mixed, [24, 48]), 0.0,
                               atol=1e-6)
    assert net[0] == pytest.approx(0.0, abs=1e-6)
    assert mixed.npv > daily.npv + 1000.0


@pytest.mark.parametrize("seed", [3, 8, 11])
def test_mixed_cycle_lengths_agree_with_cbc_and_equal_lengths_with_one_length(seed):
    rng = np.random.default_rng(seed)
    problem = random_problem(rng, n_steps=120, battery=True)
    lengths = [24, 72, 24]
    mixed = replace(problem, soc_cycle_steps=lengths)
    assert mixed.soc_cycle_steps == (24, 72, 24)
    highs = optimize(mixed, backend="highs")
    cbc = optimize(mixed, backend="cbc")
    assert highs.npv == pytest.approx(cbc.npv, rel=1e-5, abs=1.0)
    np.testing.assert_allclose(_net_charge_per_block_kwh(problem, highs, lengths), 0.0,
                               atol=1e-5 * max(1.0, highs.battery_kwh))
    np.testing.assert_allclose(_net_charge_per_block_kwh(problem, cbc, lengths), 0.0,
                               atol=1e-5 * max(1.0, cbc.battery_kwh))
    # (No order with the daily or the whole-horizon cycle holds in general: each cycle
    # starts from a level of its own.) Lengths that are all equal are the single length,
    # held and solved alike.
    daily = optimize(replace(problem, soc_cycle_steps=24), backend="highs")
    equal = replace(problem, soc_cycle_steps=[24] * 5)
    assert equal.soc_cycle_steps == 24
    assert optimize(equal, backend="cbc").npv == pytest.approx(daily.npv, rel=1e-5, abs=1.0)


def test_the_step_before_each_step_wraps_within_its_cycle():
    problem = replace(_three_days(), soc_cycle_steps=(24, 48))
    before = problem.soc_step_before
    assert before[0] == 23 and before[24] == 71 and before[25] == 24 and before[71] == 70
    np.testing.assert_array_equal(problem.soc_cycle_lengths, [24, 48])
    assert replace(problem, soc_cycle_steps=None).soc_step_before[0] == 71


@pytest.mark.parametrize("bad", [5, 0, -24, True, 24.0, [24, 20], [24, 0, 24], [], "24"])
def test_cycles_must_divide_the_steps(bad):
    with pytest.raises(SolverInputError, match="soc_cycle_steps"):
        replace(_two_days(), soc_cycle_steps=bad)


def test_coarsening_keeps_whole_cycles():
    problem = replace(_two_days(), soc_cycle_steps=24)
    assert coarsen_problem(problem, 4).soc_cycle_steps == 6
    assert coarsen_problem(replace(problem, soc_cycle_steps=16), 3) is None
    mixed = replace(_three_days(), soc_cycle_steps=(24, 48))
    assert coarsen_problem(mixed, 4).soc_cycle_steps == (6, 12)
    assert coarsen_problem(replace(mixed, soc_cycle_steps=(36, 36)), 8) is None
    assert coarsen_problem(replace(mixed, soc_cycle_steps=(12, 60)), 8) is None
