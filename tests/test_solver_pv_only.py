"""The fast PV-only method: exact against the full LP, a hand calculation and a grid search."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.api import optimize
from solver.build import build_model
from solver.highs import solve_highs
from solver.linear import regimes
from solver.problem import Costs, DemandCharge, SizingProblem
from solver.pulp_model import solve_pulp
from tests._solver_cases import evaluate, random_problem


# --------------------------------------------------------------------------------------------
# Hand calculation
# --------------------------------------------------------------------------------------------
def _hand_problem(capex: float, export_limit: float = np.inf, plane_max: float = np.inf,
                  rate: float = 0.0) -> SizingProblem:
    """4 steps, 10 kW load, one plane with f = 0, 0.5, 1, 0.5; import 1.0, export 0.2."""
    return SizingProblem(
        production_kw_per_kwp=[0.0, 0.5, 1.0, 0.5], load_kw=np.full(4, 10.0),
        import_price_per_kwh=np.ones(4), export_price_per_kwh=0.2, step_hours=1.0,
        costs=Costs(pv_capex_per_kwp=capex, pwf_energy=10.0),
        demand_charges=[DemandCharge(np.array([False, True, True, True]), rate, "day")],
        plane_max_kwp=[plane_max], export_limit_kw=export_limit,
    )


# By hand: the marginal value of a kWp (x pwf 10) is 10*(0.5+1+0.5)*1 = 20 below 10 kWp
# (all self-consumed), 10*(0.5*1 + 1*0.2 + 0.5*1) = 12 between 10 and 20 kWp (the middle
# step exports at 0.2), 10*(2*0.5*0.2) = 4 above. Zero export: 10 between 10 and 20 kWp.
# A demand charge of 3/kW on steps 1-3 adds 3*0.5*10 = 15 per kWp below 20 kWp (the peak
# import is 10 - 0.5x there).
@pytest.mark.parametrize(
    ("capex", "kw", "x_opt", "npv"),
    [
        (15.0, {}, 10.0, 200.0 - 150.0),
        (10.0, {}, 20.0, 320.0 - 200.0),
        (9.0, {"export_limit": 0.0}, 20.0, 300.0 - 180.0),
        (25.0, {"rate": 3.0}, 20.0, 320.0 + 300.0 - 500.0),
        # plane limited to 15 kWp: energy 7.5 + 10 + 5*0.2 + 7.5 = 26, peak 2.5 kW
        (25.0, {"rate": 3.0, "plane_max": 15.0}, 15.0, 260.0 + 3 * 7.5 * 10 - 375.0),
    ],
)
@pytest.mark.parametrize("backend", ["pv_only", "highs", "cbc"])
def test_hand_calculated_optimum(capex, kw, x_opt, npv, backend):
    res = optimize(_hand_problem(capex, **kw), backend=backend)
    assert res.total_kwp == pytest.approx(x_opt, abs=1e-6)
    assert res.npv == pytest.approx(npv, abs=1e-6)  # exact arithmetic above


# --------------------------------------------------------------------------------------------
# Exactness: reduced LP == full LP == PuLP/CBC on random instances
# --------------------------------------------------------------------------------------------
def _constrained(rng: np.random.Generator, k: int) -> SizingProblem:
    # The plain LP (simultaneous import and export allowed), which these tests compare
    # across formulations; tests/test_solver_physical.py covers the behind-the-meter rule.
    over: dict = {"allow_simultaneous_import_export": True}
    if k % 3 == 1:
        over["min_self_consumption"] = float(rng.uniform(0.3, 0.95))
    if k % 4 == 2:
        over["min_renewable_share"] = float(rng.uniform(0.05, 0.4))
    if k % 5 == 3:
        over["min_co2_reduction_tco2"] = float(rng.uniform(0.0, 0.3))
    if k % 6 == 4:
        over["capital_budget"] = float(rng.uniform(1e3, 1e5))
    if k % 7 == 5:
        over["min_total_kwp"] = float(rng.uniform(0, 80))
    if k % 4 == 0:
        over["net_metering_limit_kw"] = float(rng.uniform(10, 100))
    return random_problem(rng, n_steps=int(rng.choice([48, 96])),
                          n_planes=int(rng.integers(1, 4)),
                          export_above_import=bool(k % 2), **over)


@pytest.mark.parametrize("seed", range(24))
def test_reduced_lp_equals_full_lp(seed):
    rng = np.random.default_rng(1000 + seed)
    p = _constrained(rng, seed)
    payback = float(rng.uniform(3, 12)) if seed % 5 == 0 else None
    for regime in regimes(p):
        red = solve_highs(build_model(p, regime, reduce=True, tie_break=False,
                                      max_payback_years=payback))
        full = solve_highs(build_model(p, regime, reduce=False, tie_break=False,
                                       max_payback_years=payback))
        assert red.status == full.status
        if full.status == "optimal":
            scale = p.costs.pwf_energy * float(p.import_price_per_kwh @ p.load_kw)
            # same LP optimum up to solver tolerance (1e-9 of the bill's lifecycle value)
            assert red.objective == pytest.approx(full.objective, abs=1e-9 * scale + 1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_reduced_lp_equals_pulp_cbc(seed):
    rng = np.random.default_rng(2000 + seed)
    p = _constrained(rng, seed)
    for regime in regimes(p):
        red = solve_highs(build_model(p, regime, reduce=True, tie_break=False))
        out, _ = solve_pulp(p, regime, tie_break=False)
        assert red.status == out.status
        if out.status == "optimal":
            scale = p.costs.pwf_energy * float(p.import_price_per_kwh @ p.load_kw)
            # CBC writes the LP with ~12 significant digits: 1e-7 of the bill value
            assert red.objective == pytest.approx(out.objective, abs=1e-7 * scale)


def test_reduction_shrinks_a_factory_year():
    from benchmarks.bench_solver import factory_instance

    p = factory_instance(1.0, battery=False)
    red = build_model(p, reduce=True)
    full = build_model(p, reduce=False)
    assert red.n_rows < 0.1 * full.n_rows  # dark and always-self-consumed steps vanish
    a = solve_highs(red)
    b = solve_highs(full)
    assert a.objective == pytest.approx(b.objective, rel=1e-9)
    # its speed: benchmarks/bench_solver.py


# --------------------------------------------------------------------------------------------
# Property: the optimum beats every point of a fine grid search (independent evaluator)
# --------------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_steps=st.sampled_from([48, 96, 168]),
       n_planes=st.integers(1, 2))
def test_optimum_beats_grid_search(seed, n_steps, n_planes):
    rng = np.random.default_rng(seed)
    p = random_problem(rng, n_steps=n_steps, n_planes=n_planes)
    res = optimize(p)
    ub = np.minimum(p.plane_max_kwp, 5 * p.load_kw.max())
    if n_planes == 1:
        grid = [np.array([v]) for v in np.linspace(0, ub[0], 301)]
    else:
        g0, g1 = np.meshgrid(np.linspace(0, ub[0], 41), np.linspace(0, ub[1], 41))
        grid = [np.array([a, b]) for a, b in zip(g0.ravel(), g1.ravel(), strict=True)]
    best = max(evaluate(p, x)[0] for x in grid)
    tol = 1e-7 * p.costs.pwf_energy * float(p.import_price_per_kwh @ p.load_kw) + 1e-6
    assert res.npv >= best - tol
    # With import >= export prices the greedy dispatch is optimal for given sizes, so the
    # evaluator must reproduce the optimiser's own NPV at its sizes.
    assert evaluate(p, res.kwp_per_plane)[0] == pytest.approx(res.npv, abs=tol)
