"""The behind-the-meter rule: no step imports and exports at once (solver.physical).

References: a hand calculation, the independent greedy evaluator of tests/_solver_cases.py
(physical by construction: PV serves the load first, only the surplus is exported) over a
grid of sizes, and CBC solving the plain big-M MILP of solver/pulp_model.py.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

import solver.physical as physical
from solver import BatteryOptions, Costs, SizingProblem, npv_curve, optimize
from solver.build import build_model
from solver.highs import HighsSession, solve_highs
from solver.physical import gap_tolerance
from tests._solver_cases import evaluate, random_problem
from tests.test_solver_lp import check_balances

EPS_KW = 1e-6  # a flow above this counts as present [kW]


def _simultaneous(res) -> int:
    d = res.dispatch
    return int(((d.pv_to_grid > EPS_KW) & (d.grid_import > EPS_KW)).sum())


def _scale(p: SizingProblem) -> float:
    return p.costs.pwf_energy * float(p.import_price_per_kwh @ p.load_kw) * p.step_hours


# --------------------------------------------------------------------------------------------
# Hand calculation: a midday valley price below the export price
# --------------------------------------------------------------------------------------------
def _valley(**over) -> SizingProblem:
    """Two steps, 10 kW load, one plane f = 0.5 then 1.0; import 1.0 then 0.3 (valley),
    export 0.4 in both; pwf 10; capex 8.2 per kWp; at most 30 kWp."""
    kw = dict(production_kw_per_kwp=[0.5, 1.0], load_kw=[10.0, 10.0],
              import_price_per_kwh=[1.0, 0.3], export_price_per_kwh=0.4, step_hours=1.0,
              costs=Costs(pv_capex_per_kwp=8.2, pwf_energy=10.0), plane_max_kwp=[30.0])
    kw.update(over)
    return SizingProblem(**kw)


# By hand (x kWp; yearly value V, NPV = 10 V - 8.2 x). Step 0 (import 1.0 > export 0.4):
# min(0.5x, 10) + 0.4 (0.5x - 10)^+. Step 1 (valley 0.3 < export 0.4), physically:
# 0.3 min(x, 10) + 0.4 (x - 10)^+. NPV = -0.2x for x <= 10 (0 at x = 0), 0.8x - 10 for
# 10 <= x <= 20 and 50 - 2.2x above: two local optima, the global one x = 20, NPV 6.
# The plain LP sells all of step 1's PV at 0.4 and buys the load back at 0.3:
# V = 0.5x + 0.4x up to x = 20, NPV 0.8x, so x = 20 with NPV 16 (10 more than physics allows).
@pytest.mark.parametrize("backend", ["pv_only", "highs", "cbc"])
def test_hand_calculated_valley(backend):
    res = optimize(_valley(), backend=backend)
    assert res.total_kwp == pytest.approx(20.0, abs=1e-6)
    assert res.npv == pytest.approx(6.0, abs=1e-6)  # exact arithmetic above
    assert res.status == "optimal"
    assert _simultaneous(res) == 0
    # step 1: 10 kW to the load, 10 kW exported, nothing imported
    assert res.dispatch.pv_to_load[1] == pytest.approx(10.0, abs=1e-9)
    assert res.dispatch.pv_to_grid[1] == pytest.approx(10.0, abs=1e-9)
    old = optimize(_valley(allow_simultaneous_import_export=True), backend=backend)
    assert old.total_kwp == pytest.approx(20.0, abs=1e-6)
    assert old.npv == pytest.approx(16.0, abs=1e-6)
    assert _simultaneous(old) == 1


def test_fixed_size_dispatch_is_closed_form():
    p = _valley(plane_min_kwp=[20.0], plane_max_kwp=[20.0])
    res = optimize(p)
    assert res.backend == "closed_form"
    assert res.npv == pytest.approx(6.0, abs=1e-9)
    np.testing.assert_allclose(res.dispatch.pv_to_load, [10.0, 10.0])
    np.testing.assert_allclose(res.dispatch.pv_to_grid, [0.0, 10.0])
    # the general path (forced by a payback bound that does not bind) agrees
    gen = optimize(p, max_payback_years=1e6)
    assert gen.backend != "closed_form"
    assert gen.npv == pytest.approx(res.npv, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_fixed_size_closed_form_equals_lp_path(seed):
    rng = np.random.default_rng(600 + seed)
    p = random_problem(rng, n_steps=96, n_planes=2, export_above_import=True)
    kwp = rng.uniform(0.2, 1.0, 2) * p.plane_max_kwp
    q = replace(p, plane_min_kwp=kwp, plane_max_kwp=kwp)
    fast = optimize(q)
    slow = optimize(q, max_payback_years=1e9)
    assert fast.backend == "closed_form"
    # both exact (fixed sizes settle every import-or-export choice): 1e-9 of the bill value
    assert fast.npv == pytest.approx(slow.npv, abs=1e-9 * _scale(p))
    assert fast.npv == pytest.approx(evaluate(q, kwp)[0], abs=1e-9 * _scale(p))
    assert _simultaneous(fast) == 0 and _simultaneous(slow) == 0


# --------------------------------------------------------------------------------------------
# No step imports and exports at once (random instances with export > import prices)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(10))
def test_pv_only_never_imports_while_exporting(seed):
    rng = np.random.default_rng(100 + seed)
    p = random_problem(rng, n_steps=int(rng.choice([48, 96, 168])),
                       n_planes=int(rng.integers(1, 4)), export_above_import=True,
                       export_limit_kw=float(rng.choice([np.inf, 40.0])))
    assert physical.conflict_steps(p).any()
    res = optimize(p)
    assert _simultaneous(res) == 0
    # the independent greedy evaluator reproduces the NPV of the returned sizes
    assert res.npv == pytest.approx(evaluate(p, res.kwp_per_plane)[0],
                                    abs=1e-7 * _scale(p))
    old = optimize(replace(p, allow_simultaneous_import_export=True))
    assert res.npv <= old.npv + 1e-7 * _scale(p)  # physics only takes options away


@pytest.mark.parametrize("seed", range(6))
def test_battery_never_imports_while_exporting(seed):
    rng = np.random.default_rng(200 + seed)
    p = random_problem(rng, n_steps=72, n_planes=2, battery=True, export_above_import=True)
    res = optimize(p)
    assert _simultaneous(res) == 0
    check_balances(p, res)
    old = optimize(replace(p, allow_simultaneous_import_export=True))
    assert res.npv <= old.npv + 1e-7 * _scale(p)
    # a fixed-size dispatch of the design obeys the rule too
    fixed = replace(p, plane_min_kwp=res.kwp_per_plane, plane_max_kwp=res.kwp_per_plane,
                    battery=replace(p.battery, min_kwh=res.battery_kwh,
                                    max_kwh=res.battery_kwh, min_kw=res.battery_kw,
                                    max_kw=res.battery_kw))
    again = optimize(fixed)
    assert _simultaneous(again) == 0
    assert again.npv >= res.npv - gap_tolerance(p, res.npv) - res.optimality_gap


# --------------------------------------------------------------------------------------------
# Optimality: grid search with the physical evaluator, and CBC's MILP
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(12))
def test_pv_only_optimum_beats_physical_grid_search(seed):
    rng = np.random.default_rng(300 + seed)
    n_planes = 1 + seed % 2
    p = random_problem(rng, n_steps=int(rng.choice([48, 96])), n_planes=n_planes,
                       export_above_import=True)
    res = optimize(p)
    assert res.status == "optimal"
    ub = np.minimum(p.plane_max_kwp, 5 * p.load_kw.max())
    if n_planes == 1:
        grid = [np.array([v]) for v in np.linspace(0, ub[0], 401)]
    else:
        g0, g1 = np.meshgrid(np.linspace(0, ub[0], 51), np.linspace(0, ub[1], 51))
        grid = [np.array([a, b]) for a, b in zip(g0.ravel(), g1.ravel(), strict=True)]
    best = max(evaluate(p, x)[0] for x in grid)
    # proven within the solver's relative gap (1e-4 of the NPV) plus LP tolerance
    tol = gap_tolerance(p, best) + 1e-7 * _scale(p)
    assert res.npv >= best - tol
    assert res.npv == pytest.approx(evaluate(p, res.kwp_per_plane)[0], abs=1e-7 * _scale(p))


def test_branch_and_bound_over_sizes_is_exact(monkeypatch):
    nodes = []
    original = physical._BoxSearch.run

    def spy(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        nodes.append(self.nodes)
        return out

    monkeypatch.setattr(physical._BoxSearch, "run", spy)
    branched = 0
    for seed in range(60):
        p = random_problem(np.random.default_rng(900 + seed), n_steps=96, n_planes=2,
                           export_above_import=True, export_limit_kw=np.inf)
        res = optimize(p)
        if nodes[-1] <= 1:
            continue  # the tightened relaxation was exact: no branching to check
        branched += 1
        ref = optimize(p, backend="cbc")
        # both proven to 1e-4 of the NPV
        assert res.status == "optimal"
        assert res.npv == pytest.approx(ref.npv, abs=2 * gap_tolerance(p, ref.npv))
        if branched == 3:
            break
    assert branched >= 1


@pytest.mark.parametrize("seed", range(4))
def test_battery_milp_agrees_with_cbc(seed):
    rng = np.random.default_rng(400 + seed)
    p = random_problem(rng, n_steps=48, n_planes=1, battery=True, export_above_import=True)
    res = optimize(p, time_limit_seconds=60)
    ref = optimize(p, backend="cbc")
    assert _simultaneous(ref) == 0
    # both MILPs are solved to a relative gap of 1e-4
    tol = 2 * gap_tolerance(p, ref.npv) + 1e-7 * _scale(p)
    assert res.npv == pytest.approx(ref.npv, abs=tol + res.optimality_gap)


# --------------------------------------------------------------------------------------------
# Gap reporting, curves, flag
# --------------------------------------------------------------------------------------------
def test_time_limit_reports_a_gap(monkeypatch):
    # The hand problem's relaxation is not exact at its solution: with no time to search,
    # the best physical point found so far is returned with its gap.
    monkeypatch.setattr(physical, "MIP_TIME_LIMIT", 0.0)
    res = optimize(_valley())
    assert res.status == "feasible"
    assert res.optimality_gap > 0
    assert any("not proven optimal" in n for n in res.notes)
    assert res.npv <= 6.0 + 1e-9
    assert res.npv + res.optimality_gap >= 6.0 - 1e-9  # the optimum is within the gap


@pytest.mark.parametrize("seed", [2, 3])  # cases whose relaxation leaves a gap
def test_branch_and_cut_only_with_time_for_its_root(monkeypatch, seed):
    """Branch-and-cut on a large search (more binaries than MIP_SMALL_BINARIES, here made
    so) runs only given a long time limit (MIP_LONG_SEARCH_S) and MIP_ROOT_FACTOR times
    the relaxation's solve time left; without it the answer is the export pattern's point,
    physical, with a gap that still bounds the optimum (CBC's). A small search runs it
    whatever the clock says, so that the answer does not depend on the machine's speed."""
    rng = np.random.default_rng(400 + seed)
    p = random_problem(rng, n_steps=48, n_planes=1, battery=True, export_above_import=True)
    calls: list[float] = []
    real = HighsSession.solve_mip

    def spy(self, start=None, **kwargs):
        calls.append(kwargs.get("time_limit") or 0.0)
        return real(self, start, **kwargs)

    monkeypatch.setattr(HighsSession, "solve_mip", spy)
    ref = optimize(p, backend="cbc")
    monkeypatch.setattr(physical, "MIP_ROOT_FACTOR", 1e12)  # never time enough
    small = optimize(p, time_limit_seconds=4)  # a small search branches anyway
    assert len(calls) == 1 and small.npv == pytest.approx(
        ref.npv, abs=2 * gap_tolerance(p, ref.npv) + 1e-7 * _scale(p) + small.optimality_gap)
    calls.clear()
    monkeypatch.setattr(physical, "MIP_SMALL_BINARIES", 0)  # every search is large
    short = optimize(p, time_limit_seconds=60)
    assert _simultaneous(short) == 0
    tol = 2 * gap_tolerance(p, ref.npv) + 1e-7 * _scale(p)
    assert short.npv <= ref.npv + tol
    assert short.npv + short.optimality_gap >= ref.npv - tol
    assert short.status == "feasible" and short.optimality_gap > 0  # the search left out
    assert calls == []
    monkeypatch.setattr(physical, "MIP_ROOT_FACTOR", 0.0)  # always time enough
    default = optimize(p, time_limit_seconds=4)  # but a short limit: no search
    assert calls == [] and default.npv == pytest.approx(short.npv, abs=1e-9 * _scale(p))
    full = optimize(p, time_limit_seconds=60)
    assert calls and full.npv == pytest.approx(ref.npv, abs=tol + full.optimality_gap)


def test_npv_curve_points_are_physical():
    rng = np.random.default_rng(77)
    p = random_problem(rng, n_steps=96, n_planes=2, export_above_import=True)
    res = optimize(p)
    sizes = np.linspace(0, float(p.plane_max_kwp.sum()) * 0.8, 7)
    curve = npv_curve(p, sizes)
    assert curve["feasible"].all()
    for _, row in curve.iterrows():
        kwp = np.array([row["kwp_plane_1"], row["kwp_plane_2"]])
        # each point's NPV is that of a physical design (the greedy evaluator's)
        assert row["npv"] == pytest.approx(evaluate(p, kwp)[0], abs=1e-7 * _scale(p))
        assert row["npv"] <= res.npv + gap_tolerance(p, res.npv)
    assert "optimality_gap" in curve.columns


def test_npv_curve_with_a_battery_runs_and_reports_gaps():
    rng = np.random.default_rng(78)
    p = random_problem(rng, n_steps=48, n_planes=1, battery=True, export_above_import=True)
    curve = npv_curve(p, [0.0, float(p.plane_max_kwp[0]) * 0.5])
    assert curve["feasible"].all()
    assert (curve["optimality_gap"] >= 0).all()


def test_flag_true_is_the_plain_lp():
    rng = np.random.default_rng(5)
    p = random_problem(rng, n_steps=96, n_planes=2, export_above_import=True,
                       export_limit_kw=np.inf, allow_simultaneous_import_export=True)
    res = optimize(p)
    assert _simultaneous(res) > 0  # the plain LP does sell PV and buy the load back
    plain = solve_highs(build_model(p, reduce=True, physical=False, tie_break=False))
    assert res.npv == pytest.approx(-plain.objective, abs=1e-6 * _scale(p))
    assert build_model(p, reduce=True).integer.shape[0] == 0
    assert build_model(replace(p, allow_simultaneous_import_export=False),
                       reduce=True).integer.shape[0] > 0


def test_no_conflict_no_binary():
    # export price below the import price everywhere: the rule changes nothing
    p = random_problem(np.random.default_rng(8), n_steps=96, n_planes=2, battery=True)
    assert not physical.conflict_steps(p).any()
    m = build_model(p)
    assert m.integer.shape[0] == 0
    a = optimize(p)
    b = optimize(replace(p, allow_simultaneous_import_export=True))
    assert a.npv == pytest.approx(b.npv, abs=1e-9 * _scale(p))


def test_battery_options_with_no_charging_bound_use_the_flagged_big_m():
    p = random_problem(np.random.default_rng(9), n_steps=48, n_planes=1,
                       export_above_import=True, plane_max_kwp=[np.inf],
                       export_limit_kw=np.inf, max_total_kwp=400.0,
                       battery=BatteryOptions(allowed=True))
    m = build_model(p)
    assert m.big_m_assumed  # unbounded battery power: the assumed bound is flagged
    res = optimize(p)
    assert _simultaneous(res) == 0
    assert any("assumed bound" in n for n in res.notes)


# --------------------------------------------------------------------------------------------
# HiGHS prints its banner on stdout at the first instance of a process
# --------------------------------------------------------------------------------------------
def test_highs_banner_does_not_reach_stdout():
    code = (
        "from solver import Costs, SizingProblem, optimize\n"
        "p = SizingProblem(production_kw_per_kwp=[0.0, 0.5, 1.0], load_kw=[5.0] * 3,\n"
        "                  import_price_per_kwh=[1.0] * 3, export_price_per_kwh=0.2,\n"
        "                  step_hours=1.0, plane_max_kwp=[50.0],\n"
        "                  costs=Costs(pv_capex_per_kwp=5.0, pwf_energy=10.0))\n"
        "optimize(p, backend='highs')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout == ""
