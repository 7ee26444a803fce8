"""The self-consumption floor bounds the share of the PV *generated* used on site.

``SizingProblem.min_self_consumption`` = r is ``onsite >= r (onsite + exported)``, onsite =
PV to load + PV to battery: curtailed PV is not generated, as China's rule for surplus
export (国能发新能规〔2025〕7号: 年自发自用电量占发电量的比例) and the reports
(``pvplanner.flows``) count it. Found by fuzzing: the floor once divided by the PV
*available* (before curtailment), so the demo asked for 100 % self-consumption built 406 kWp
where zero export, reported at 100 %, builds 2,101 kWp.

References: a hand-sized problem whose optimum is at a breakpoint of a piecewise-linear NPV,
the report's own ratio (``pvplanner.flows.energy_flows``), both model builders
(``solver.build`` for HiGHS, ``solver.pulp_model`` for CBC) and the demo scenario.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from pvplanner.flows import energy_flows
from solver import Costs, SizingProblem, optimize
from solver.build import build_model
from solver.highs import solve_highs
from solver.linear import regimes
from solver.physical import gap_tolerance, greedy_flows, repair_flows
from solver.pulp_model import build_pulp, solve_pulp
from tests._solver_cases import random_problem
from tests.test_solver_lp import check_balances

LOAD_KW = 50.0
IMPORT, EXPORT, PWF, CAPEX = 1.0, 0.6, 10.0, 30.0


def _scale(p: SizingProblem) -> float:
    return p.costs.pwf_energy * float(p.import_price_per_kwh @ p.load_kw) * p.step_hours


def _ratio(res) -> float:
    t = res.totals
    return t["self_consumed_kwh"] / (t["self_consumed_kwh"] + t["exported_kwh"])


# --------------------------------------------------------------------------------------------
# By hand: three days, a flat 50 kW load, one plane, exports paid 0.6 of the import price
# --------------------------------------------------------------------------------------------
def _hand(**over) -> SizingProblem:
    n = 72
    hour = np.arange(n) % 24
    f = np.clip(np.cos(np.pi * (hour + 0.5 - 12) / 12), 0, None) * 0.8
    kw: dict = dict(production_kw_per_kwp=f, load_kw=np.full(n, LOAD_KW),
                    import_price_per_kwh=np.full(n, IMPORT), export_price_per_kwh=EXPORT,
                    step_hours=1.0, costs=Costs(pv_capex_per_kwp=CAPEX, pwf_energy=PWF),
                    plane_max_kwp=[400.0])
    kw.update(over)
    return SizingProblem(**kw)


def _hand_optimum(p: SizingProblem, r: float) -> tuple[float, float]:
    """Best (kWp, NPV) of :func:`_hand` under the floor r, by hand.

    At x kWp the site uses S(x) = sum min(load, x f_t) and has sum (x f_t - load)^+ to
    spare, of which the floor lets it export E(x) = min(spare, (1 - r) / r S(x)) (a flat
    export price: any of it); NPV(x) = pwf (a S + b E) - capex x. S, the spare PV and so
    NPV are piecewise linear in x, so the maximum is at a breakpoint: 0, the roof, a size
    x = load / f_t at which a step's output reaches the load, or the size at which the
    spare PV equals what the floor lets export (found by bisection).
    """
    f = p.production_kw_per_kwp[:, 0]
    top = float(p.plane_max_kwp[0])

    def parts(x: float) -> tuple[float, float]:
        onsite = float(np.minimum(LOAD_KW, x * f).sum())
        spare = float(np.maximum(x * f - LOAD_KW, 0.0).sum())
        return onsite, spare

    def npv(x: float) -> float:
        onsite, spare = parts(x)
        return PWF * (IMPORT * onsite + EXPORT * min(spare, (1 - r) / r * onsite)) - CAPEX * x

    points = {0.0, top} | {LOAD_KW / v for v in f if v > 0 and LOAD_KW / v < top}
    lo, hi = LOAD_KW / f.max(), top  # spare - allowed export: < 0 at lo, rises with x
    if parts(hi)[1] > (1 - r) / r * parts(hi)[0]:
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            onsite, spare = parts(mid)
            lo, hi = (mid, hi) if spare < (1 - r) / r * onsite else (lo, mid)
        points.add(0.5 * (lo + hi))
    best = max(points, key=npv)
    return best, npv(best)


@pytest.mark.parametrize("backend", ["pv_only", "highs", "cbc"])
def test_a_binding_floor_is_met_exactly_and_reported_as_such(backend):
    """At r = 0.8 the optimum exports exactly a quarter of what the site uses and curtails
    the rest of its surplus; the solver's ratio and the report's are 0.8 within 1e-6."""
    r = 0.8
    p = _hand(min_self_consumption=r)
    free = optimize(_hand(), backend=backend)
    assert _ratio(free) < 0.3  # without the floor: the roof is filled and most exported
    res = optimize(p, backend=backend)
    x_opt, npv_opt = _hand_optimum(p, r)
    # CBC writes the LP with ~12 significant digits; HiGHS is exact to its 1e-7 tolerance
    assert res.total_kwp == pytest.approx(x_opt, rel=1e-6)
    assert res.npv == pytest.approx(npv_opt, rel=1e-6)
    t = res.totals
    assert t["self_consumption_ratio"] == pytest.approx(r, abs=1e-6)
    assert t["pv_generated_kwh"] == pytest.approx(t["self_consumed_kwh"] + t["exported_kwh"])
    # the optimum curtails: the old denominator (PV available) would have refused it
    assert t["curtailed_kwh"] > 10.0
    assert t["self_consumed_kwh"] / t["pv_available_kwh"] < r - 0.01
    # the report's own definition (pvplanner.flows) gives the same ratio
    flows = energy_flows(res.dispatch, p.load_kw, p.step_hours)
    assert flows.self_consumption_ratio == pytest.approx(r, abs=1e-6)
    assert flows.self_consumption_ratio == pytest.approx(t["self_consumption_ratio"], abs=1e-9)
    check_balances(p, res)


def test_a_floor_of_one_is_zero_export():
    """r = 1 allows no export at all: the optimum of an export limit of 0."""
    full = optimize(_hand(min_self_consumption=1.0))
    zero = optimize(_hand(export_limit_kw=0.0))
    assert full.total_kwp == pytest.approx(zero.total_kwp, rel=1e-9)
    assert full.npv == pytest.approx(zero.npv, rel=1e-9)
    assert full.totals["exported_kwh"] == 0.0
    assert full.totals["self_consumption_ratio"] == 1.0
    assert full.totals["curtailed_kwh"] > 0


# --------------------------------------------------------------------------------------------
# Both builders build the same floor
# --------------------------------------------------------------------------------------------
def test_both_builders_write_the_same_row():
    """The floor's row is (1 - r) (l + cp) dt - r e dt >= 0 in solver.build and
    solver.pulp_model alike (no size column: curtailed PV does not count)."""
    r = 0.7
    p = random_problem(np.random.default_rng(11), n_steps=24, n_planes=2, battery=True,
                       export_limit_kw=np.inf, min_self_consumption=r)
    m = build_model(p, physical=False)
    (row,) = m.rows["min_self_consumption"]
    coef = m.matrix.tocsr()[row].toarray().ravel()
    dt = p.step_hours
    want = np.zeros(m.n_cols)
    for name, k in (("l", 1 - r), ("cp", 1 - r), ("e", -r)):
        cols = m.fam[name][m.fam[name] >= 0]
        want[cols] = k * dt
    np.testing.assert_allclose(coef, want, atol=1e-12)
    assert m.row_lower[row] == 0.0 and m.row_upper[row] == math.inf

    lp, _ = build_pulp(p, physical=False)
    con = lp.get_constraint_by_name("self_consumption")
    assert con is not None
    got = {v.name: c for v, c in con.items()}
    assert got == pytest.approx(
        {f"{name}_{t}": k * dt for name, k in (("l", 1 - r), ("cp", 1 - r), ("e", -r))
         for t in range(p.n_steps)})
    assert con.constant == 0 and con.sense == 1  # >= 0


def _floored(seed: int, **over) -> tuple[SizingProblem, bool]:
    """A random problem with cheap PV and well-paid exports (0.8 of the import price, or
    above it in some steps with ``export_above_import``), and a floor halfway from its
    unconstrained optimum's ratio to 1; whether that floor binds (the unconstrained ratio
    is below 0.99)."""
    rng = np.random.default_rng(5100 + seed)
    p = random_problem(rng, n_steps=72, n_planes=2, export_limit_kw=np.inf, **over)
    if not over.get("export_above_import"):
        p = replace(p, export_price_per_kwh=0.8 * p.import_price_per_kwh)
    p = replace(p, costs=replace(p.costs, pv_capex_per_kwp=0.6 * p.costs.pv_capex_per_kwp))
    free = optimize(p).totals["self_consumption_ratio"]
    return replace(p, min_self_consumption=round(free + 0.5 * (1 - free), 3)), free < 0.99


SEEDS = (0, 1, 2, 5)  # seed 4 uses all its PV on site unconstrained (seed 3 nearly)


@pytest.mark.parametrize("battery", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_highs_and_cbc_agree_under_a_floor(seed, battery):
    """The matrix builder (HiGHS) and PuLP (CBC) reach the same optimum under a floor, as
    plain LPs and through optimize (behind-the-meter rule, no step exporting above the
    import price: the LP and its repaired dispatch), which meets the floor exactly where it
    binds."""
    p, binds = _floored(seed, battery=battery)
    scale = _scale(p)
    plain = replace(p, allow_simultaneous_import_export=True)
    for regime in regimes(plain):
        hi = solve_highs(build_model(plain, regime, tie_break=False))
        cb, _ = solve_pulp(plain, regime, tie_break=False)
        assert hi.status == cb.status == "optimal"
        # CBC's LP file keeps ~12 digits: agree to 1e-7 of the bill's lifecycle value
        assert hi.objective == pytest.approx(cb.objective, abs=1e-7 * scale)
    ref = optimize(p, backend="cbc")
    for backend in ("highs", "cbc") if battery else ("pv_only", "highs", "cbc"):
        res = optimize(p, backend=backend)
        assert res.npv == pytest.approx(ref.npv, abs=1e-7 * scale)
        ratio = res.totals["self_consumption_ratio"]
        assert ratio >= p.min_self_consumption - 1e-6
        if binds:
            assert ratio == pytest.approx(p.min_self_consumption, abs=1e-6)
        check_balances(p, res)


@pytest.mark.parametrize("seed", range(6))
def test_the_behind_the_meter_search_keeps_the_floor(seed):
    """Exports above the import price in some steps (the behind-the-meter search over sizes
    and its physical points, solver.physical): PV-only, HiGHS and CBC agree to the search's
    tolerance, and the reported dispatch meets the floor and never imports while
    exporting."""
    p, binds = _floored(seed, export_above_import=True)
    ref = optimize(p, backend="cbc")
    for backend in ("pv_only", "highs"):
        res = optimize(p, backend=backend)
        assert res.status == "optimal"
        assert res.npv == pytest.approx(ref.npv, abs=2 * gap_tolerance(p, ref.npv)
                                        + 1e-7 * _scale(p))
        assert res.totals["self_consumption_ratio"] >= p.min_self_consumption - 1e-6
        if binds:
            assert res.totals["self_consumption_ratio"] == pytest.approx(
                p.min_self_consumption, abs=1e-6)
        d = res.dispatch
        assert not ((d.pv_to_grid > 1e-6) & (d.grid_import > 1e-6)).any()
    assert ref.totals["self_consumption_ratio"] >= p.min_self_consumption - 1e-6


def test_physical_dispatches_export_only_what_the_floor_allows():
    """greedy_flows and repair_flows (solver.physical) cut exports to (1 - r) / r of the PV
    used on site, keeping the best-paid steps."""
    r = 0.8
    p = _hand(min_self_consumption=r,
              export_price_per_kwh=np.linspace(0.1, 0.9, 72))
    x = np.array([300.0])
    g = greedy_flows(p, x)
    onsite = float(g["l"].sum())
    assert float(g["e"].sum()) == pytest.approx((1 - r) / r * onsite, rel=1e-12)
    unpaid = greedy_flows(replace(p, min_self_consumption=0.0), x)["e"]
    kept = g["e"] > 0
    # every step kept pays at least as well as any step cut
    cut = unpaid - g["e"] > 1e-9
    assert p.export_price_per_kwh[kept].min() >= p.export_price_per_kwh[cut].max()
    # repair: a dispatch curtailing all its surplus gets back only what the floor allows
    curtailed = dict(g, e=np.zeros_like(g["e"]))
    fixed = repair_flows(p, curtailed)
    assert float(fixed["e"].sum()) == pytest.approx((1 - r) / r * onsite, rel=1e-12)
    free = repair_flows(replace(p, min_self_consumption=0.0), curtailed)
    np.testing.assert_allclose(free["e"], unpaid)


# --------------------------------------------------------------------------------------------
# The demo: zero export and a floor of 100 % are the same plan
# --------------------------------------------------------------------------------------------
def _demo_plan(**constraints):
    import pvplanner
    from pvplanner.scenario.model import demo_scenario

    s = demo_scenario()
    for name, value in constraints.items():
        setattr(s.constraints, name, value)
    return pvplanner.plan(s, with_npv_curve=False)


def test_the_demo_at_zero_export_equals_the_demo_at_full_self_consumption():
    """Zero export (reported at 100 % self-consumption) is what a floor of 100 % asks for:
    the same sizes and NPV (within 1e-6 relative; both are the same LP, PV only, proven
    optimal), where the old denominator built 406 kWp (NPV CNY 0.81 M) against 2,101 kWp
    (3.44 M)."""
    zero = _demo_plan(export_limit_kw=0.0)
    full = _demo_plan(min_self_consumption_ratio=1.0)
    assert zero.solver.status == full.solver.status == "optimal"
    assert full.pv.capacity_kwp == pytest.approx(zero.pv.capacity_kwp, rel=1e-6)
    for a, b in zip(full.pv.planes, zero.pv.planes, strict=True):
        assert a.capacity_kwp == pytest.approx(b.capacity_kwp, rel=1e-6, abs=1e-6)
    assert full.finance.npv == pytest.approx(zero.finance.npv, rel=1e-6)
    for r in (zero, full):
        assert r.energy.self_consumption_ratio == 1.0
        assert r.energy.exported_kwh == 0.0
        assert r.energy.curtailed_kwh > 0.05 * r.pv.annual_generation_kwh
    assert full.pv.capacity_kwp > 1500.0  # not the 406 kWp of the old denominator


def test_the_demo_reports_the_floor_it_was_held_to():
    held = _demo_plan(min_self_consumption_ratio=0.8)
    free = _demo_plan()
    assert free.energy.self_consumption_ratio < 0.78
    assert held.energy.self_consumption_ratio == pytest.approx(0.8, abs=1e-6)


def test_a_floor_that_curtails_pv_is_named_as_the_limit_that_held_the_design():
    # Curtailment under the floor had no limit named (the export limit row is not at 0).
    full = _demo_plan(min_self_consumption_ratio=1.0)
    assert "constraints.min_self_consumption_ratio" in full.solver.binding_limits
    free = _demo_plan()
    assert "constraints.min_self_consumption_ratio" not in free.solver.binding_limits
    held = _demo_plan(min_self_consumption_ratio=0.8)  # met by building less: no curtailment
    assert held.energy.curtailed_kwh == 0.0
    # Building less is the floor holding the PV's size (2,638 kWp; 3,042 kWp, the full
    # roofs, without it): it is named, as every limit that holds a size is (it was not,
    # when only a floor that curtailed PV was).
    assert held.pv.capacity_kwp < free.pv.capacity_kwp - 300.0
    assert "constraints.min_self_consumption_ratio" in held.solver.binding_limits
