"""The design's dispatch taken from the sizing, the NPV curve re-solved from the sizing's
basis, and the limits a design reached: the same answers as separate solves."""

from dataclasses import replace

import numpy as np
import pytest

from solver.api import optimize
from solver.curves import npv_curve, optimize_curve_later, optimize_with_curve
from solver.design import design_dispatch, same_dispatch_rows
from solver.physical import conflict_steps
from solver.problem import BatteryOptions
from solver.result import binding_limits
from tests._solver_cases import random_problem


def _fixed(problem, sized):
    """The problem of the chosen design, as pvplanner.sizing builds it: every size fixed,
    no limit on the sizes alone."""
    b = problem.battery
    kwh, kw = sized.battery_kwh, sized.battery_kw
    battery = BatteryOptions(
        allowed=kwh > 0, min_kwh=kwh, max_kwh=kwh, min_kw=kw, max_kw=kw,
        charge_efficiency=b.charge_efficiency, discharge_efficiency=b.discharge_efficiency,
        min_soc_fraction=b.min_soc_fraction,
        max_c_rate=max(b.max_c_rate, kw / kwh if kwh > 0 else 0.0) or np.inf,
        grid_charging=b.grid_charging)
    return replace(problem, plane_min_kwp=sized.kwp_per_plane,
                   plane_max_kwp=sized.kwp_per_plane, min_total_kwp=0.0,
                   max_total_kwp=np.inf, capital_budget=np.inf, battery=battery)


def _scale(problem) -> float:
    """The year's bill over the life [currency]: the scale of NPV tolerances."""
    return problem.costs.pwf_energy * float(problem.import_price_per_kwh @ problem.load_kw) \
        * problem.step_hours


def _case(seed: int):
    """Random battery problems: plain LPs (exports below imports), the behind-the-meter
    MILP (exports above imports in some steps), a fixed cost (a no-PV case), net metering
    (two regimes), a self-consumption floor and a budget."""
    rng = np.random.default_rng(9100 + seed)
    over: dict = {}
    kind = seed % 6
    if kind == 1:
        over["export_above_import"] = True
        over["export_limit_kw"] = np.inf
    elif kind == 2:
        over["net_metering_limit_kw"] = 40.0
    elif kind == 3:
        over["min_self_consumption"] = 0.4
    p = random_problem(rng, n_steps=96, n_planes=2, battery=True, **over)
    if kind == 4:
        p = replace(p, costs=replace(p.costs, fixed_capex=0.05 * _scale(p)))
    if kind == 5:
        p = replace(p, capital_budget=0.5 * p.costs.pv_capex_per_kwp * float(p.plane_max_kwp.sum()))
    return p


@pytest.mark.parametrize("seed", range(12))
def test_curve_from_the_sizing_basis_equals_separate_solves(seed):
    """optimize_with_curve gives optimize()'s design and npv_curve()'s points (the LP
    points to 1e-9 of the year's bill; under the behind-the-meter rule, where each point
    is the physical point of its relaxation, within the points' gaps)."""
    p = _case(seed)
    values = np.linspace(0.0, float(p.plane_max_kwp.sum()), 5)
    sized, curve = optimize_with_curve(p, values)
    alone = optimize(p)
    fresh = npv_curve(p, values)
    tol = 1e-9 * _scale(p)
    assert sized.npv == pytest.approx(alone.npv, abs=tol + sized.optimality_gap
                                      + alone.optimality_gap)
    assert curve["feasible"].tolist() == fresh["feasible"].tolist()
    ok = curve["feasible"].to_numpy(bool)
    slack = tol + curve["optimality_gap"].fillna(0.0) + fresh["optimality_gap"].fillna(0.0)
    np.testing.assert_array_less(np.abs(curve["npv"] - fresh["npv"])[ok], slack[ok] + 1e-12)
    if not conflict_steps(p).any():
        np.testing.assert_allclose(curve["npv"][ok], fresh["npv"][ok], rtol=0, atol=tol)
    # No point of the curve beats the optimum by more than the gaps.
    assert curve["npv"][ok].max() <= sized.npv + sized.optimality_gap + tol
    assert curve.attrs["seconds"] >= 0


def test_curve_point_at_the_optimum_is_the_optimum():
    p = _case(0)
    sized = optimize(p)
    values = [0.0, sized.total_kwp, float(p.plane_max_kwp.sum())]
    again, curve = optimize_with_curve(p, values)
    assert curve["npv"][1] == pytest.approx(again.npv, abs=1e-12)
    assert curve["battery_kwh"][1] == pytest.approx(again.battery_kwh, abs=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_later_curve_is_the_curve_whenever_it_is_asked_for(seed):
    """The curve drawn after the optimum (from the kept sessions, then from scratch once
    they are let go, or after release()) has npv_curve()'s points; the sessions go after
    the first curve; a repeated request is answered without solving again."""
    p = _case(seed)
    values = np.linspace(0.0, float(p.plane_max_kwp.sum()), 4)
    fresh = npv_curve(p, values)
    ok = fresh["feasible"].to_numpy(bool)
    tol = 1e-9 * _scale(p)

    def close(curve):
        n = len(curve)
        ref, good = fresh.iloc[:n], ok[:n]
        slack = tol + curve["optimality_gap"].fillna(0.0) + ref["optimality_gap"].fillna(0.0)
        assert curve["feasible"].tolist() == ref["feasible"].tolist()
        np.testing.assert_array_less(np.abs(curve["npv"] - ref["npv"])[good],
                                     slack[good] + 1e-12)

    sized, later = optimize_curve_later(p)
    assert sized.npv == pytest.approx(optimize(p).npv, abs=tol + 2 * sized.optimality_gap)
    assert later.warm == p.battery.active  # a battery's sessions are kept for the curve
    first = later.compute(values)
    close(first)
    assert not later.warm
    again = later.compute(values)
    assert again.attrs["seconds"] == first.attrs["seconds"]  # the same answer, not re-solved
    close(later.compute(values[:3]))  # other sizes: from scratch
    _, released = optimize_curve_later(p)
    released.release()
    assert not released.warm
    close(released.compute(values))


def test_later_curve_takes_the_no_pv_point_from_the_sizing(monkeypatch):
    """Under a fixed capex the sizing solved "no PV" as a case of its own: the curve's 0 kWp
    point is that design (no model built, no session started for it) and equals a fresh
    npv_curve's point within the gaps."""
    import solver.curves as curves

    p = _case(4)
    assert p.costs.fixed_capex > 0 and p.battery.active
    values = [0.0, float(p.plane_max_kwp.sum())]
    fresh = npv_curve(p, values)
    _, later = optimize_curve_later(p)
    started: list[object] = []
    real = curves.HighsSession.__init__

    def spy(self, *args, **kwargs):
        started.append(args[0])
        real(self, *args, **kwargs)

    monkeypatch.setattr(curves.HighsSession, "__init__", spy)
    curve = later.compute(values)
    assert started == []
    slack = 1e-9 * _scale(p) + curve["optimality_gap"][0] + fresh["optimality_gap"][0]
    assert abs(curve["npv"][0] - fresh["npv"][0]) <= slack
    assert curve["total_kwp"][0] == 0.0 and curve["capex"][0] == pytest.approx(
        p.costs.battery_capex_per_kwh * curve["battery_kwh"][0]
        + p.costs.battery_capex_per_kw * curve["battery_kw"][0], rel=1e-9, abs=1e-6)


def test_later_curve_from_two_threads_is_computed_once():
    p = _case(0)
    values = np.linspace(0.0, float(p.plane_max_kwp.sum()), 4)
    _, later = optimize_curve_later(p)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        a, b = pool.map(lambda _: later.compute(values), range(2))
    assert a.attrs["seconds"] == b.attrs["seconds"]
    np.testing.assert_array_equal(a["npv"].to_numpy(), b["npv"].to_numpy())


def test_a_later_curve_asked_to_stop_keeps_nothing_and_is_right_afterwards():
    """stop() is asked before each point: once it says so the computation ends with
    CurveStopped after as many points as it allowed, the sessions are let go and nothing is
    kept; the next compute (from scratch) has npv_curve()'s points."""
    from solver.errors import CurveStopped

    p = _case(0)
    values = np.linspace(0.0, float(p.plane_max_kwp.sum()), 4)
    _, later = optimize_curve_later(p)
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2  # two points, then stop

    with pytest.raises(CurveStopped):
        later.compute(values, stop=stop)
    assert len(asked) == 3 and not later.warm
    curve = later.compute(values)
    fresh = npv_curve(p, values)
    np.testing.assert_allclose(curve["npv"], fresh["npv"], rtol=0, atol=1e-9 * _scale(p))
    with pytest.raises(CurveStopped):  # from scratch too
        npv_curve(p, values, stop=lambda: True)


def test_a_walk_that_failed_midway_is_not_walked_again_from_its_sessions(monkeypatch):
    """A failure during the walk from the sizing's basis leaves the swept row in its LPs:
    the sessions are let go and the next curve, from scratch, is npv_curve()'s."""
    import solver.curves as curves

    p = _case(0)
    values = np.linspace(0.0, float(p.plane_max_kwp.sum()), 4)
    _, later = optimize_curve_later(p)
    real = curves._Sweep.solve_best
    calls: list[int] = []

    def fails_second(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("solver stopped")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(curves._Sweep, "solve_best", fails_second)
    with pytest.raises(RuntimeError):
        later.compute(values)
    assert not later.warm
    monkeypatch.setattr(curves._Sweep, "solve_best", real)
    curve = later.compute(values)
    fresh = npv_curve(p, values)
    np.testing.assert_allclose(curve["npv"], fresh["npv"], rtol=0, atol=1e-9 * _scale(p))


def test_release_does_not_wait_for_a_curve_under_way():
    """release() from another thread while a curve is computed returns at once (an app
    lets old plans go while a background curve runs); the curve is still right."""
    import threading

    p = _case(0)
    values = np.linspace(0.0, float(p.plane_max_kwp.sum()), 4)
    _, later = optimize_curve_later(p)
    inside, go_on = threading.Event(), threading.Event()

    def stop() -> bool:
        inside.set()
        assert go_on.wait(30)
        return False

    out: list = []
    worker = threading.Thread(target=lambda: out.append(later.compute(values, stop=stop)))
    worker.start()
    assert inside.wait(30)
    released = threading.Thread(target=later.release)
    released.start()
    released.join(5)
    assert not released.is_alive()  # did not wait for the computation's lock
    go_on.set()
    worker.join(60)
    fresh = npv_curve(p, values)
    np.testing.assert_allclose(out[0]["npv"], fresh["npv"], rtol=0, atol=1e-9 * _scale(p))
    assert not later.warm


@pytest.mark.parametrize("seed", range(12))
def test_design_dispatch_equals_a_solve_of_the_fixed_design(seed):
    """The sizing's dispatch re-described on the fixed design is as good as solving the
    fixed design (within the sizing's gap, 0 for an LP) and meets its rows."""
    p = _case(seed)
    sized = optimize(p, search_time_limit_seconds=20.0)
    q = _fixed(p, sized)
    got = design_dispatch(p, sized, q)
    solved = optimize(q, search_time_limit_seconds=20.0)
    tol = 1e-7 * _scale(p)
    if sized.battery_kwh > 0 and sized.battery_kw > 0 and p.net_metering_limit_kw is None:
        assert got.backend == "sizing"
        assert got.optimality_gap == sized.optimality_gap
    assert got.npv == pytest.approx(solved.npv, abs=tol + sized.optimality_gap
                                    + solved.optimality_gap)
    assert got.npv >= solved.npv - sized.optimality_gap - tol
    # The dispatch is physical and within the design's ratings.
    d = got.dispatch
    imp, exp = d.grid_import, d.pv_to_grid
    assert not ((imp > 1e-6) & (exp > 1e-6)).any()
    assert (d.pv_to_battery + d.grid_to_battery + d.battery_to_load
            <= got.battery_kw * (1 + 1e-9) + 1e-6).all()
    assert (d.soc_kwh <= got.battery_kwh * (1 + 1e-9) + 1e-6).all()
    if q.min_self_consumption > 0:
        assert got.totals["self_consumption_ratio"] >= q.min_self_consumption - 1e-6


def test_design_is_solved_again_where_its_rows_differ():
    p = _case(0)
    sized = optimize(p)
    q = _fixed(p, sized)
    assert same_dispatch_rows(p, q, sized)
    # The sizing had a yearly target on the flows that the design drops, or a payback
    # bound, or another objective, or other prices: the design is solved.
    share = replace(p, min_renewable_share=0.05)
    assert not same_dispatch_rows(share, q, optimize(share))
    assert not same_dispatch_rows(p, q, sized, max_payback_years=30.0)
    assert not same_dispatch_rows(p, q, replace(sized, objective="max_self_sufficiency"))
    cheaper = replace(q, import_price_per_kwh=q.import_price_per_kwh * 0.9)
    assert not same_dispatch_rows(p, cheaper, sized)
    other = replace(q, plane_min_kwp=q.plane_min_kwp * 0.5, plane_max_kwp=q.plane_max_kwp * 0.5)
    assert not same_dispatch_rows(p, other, sized)
    assert design_dispatch(p, sized, cheaper).backend != "sizing"


def test_binding_limits_name_what_held_the_design():
    rng = np.random.default_rng(5)
    p = random_problem(rng, n_steps=96, n_planes=2, battery=True, export_limit_kw=np.inf)
    cheap = replace(p.costs, pv_capex_per_kwp=0.05 * p.costs.pv_capex_per_kwp,
                    battery_capex_per_kwh=0.01 * p.costs.battery_capex_per_kwh,
                    battery_capex_per_kw=0.0)
    # Cheap PV and battery: the roofs fill up and the battery reaches its limits.
    small = replace(p, costs=cheap, plane_max_kwp=np.array([5.0, 8.0]),
                    export_price_per_kwh=0.5 * p.import_price_per_kwh,
                    battery=replace(p.battery, max_kwh=20.0, max_kw=5.0, max_c_rate=np.inf))
    res = optimize(small)
    names = set(res.binding)
    assert {"plane_max_kwp:plane_1", "plane_max_kwp:plane_2", "battery_max_kwh",
            "battery_max_kw"} <= names
    assert res.binding == binding_limits(small, res)
    # Loose limits: nothing reached.
    loose = replace(p, plane_max_kwp=p.plane_max_kwp * 50, battery=replace(
        p.battery, max_kwh=1e6, max_kw=1e6, max_c_rate=np.inf))
    assert optimize(loose).binding == ()
    # A budget that holds the design; a total-size cap; zero export with PV curtailed.
    budget = replace(small, plane_max_kwp=np.array([500.0, 500.0]), capital_budget=2000.0)
    assert "capital_budget" in optimize(budget).binding
    total = replace(small, plane_max_kwp=np.array([500.0, 500.0]), max_total_kwp=9.0)
    assert "max_total_kwp" in optimize(total).binding
    zero = replace(small, plane_max_kwp=np.array([500.0, 500.0]), export_limit_kw=0.0,
                   costs=replace(cheap, pv_capex_per_kwp=1e-6))
    res = optimize(zero)
    assert res.dispatch.curtailed.sum() > 0 and "export_limit_kw" in res.binding
    # Without a battery too (the closed form for fixed sizes).
    fixed = replace(p, battery=BatteryOptions(), plane_min_kwp=np.array([3.0, 4.0]),
                    plane_max_kwp=np.array([3.0, 4.0]))
    res = optimize(fixed)
    assert res.backend == "closed_form"
    assert {"plane_max_kwp:plane_1", "plane_max_kwp:plane_2"} <= set(res.binding)
