"""solver.split: the year's stretches for a start, and lazy rows under branch-and-cut."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from solver.build import build_model
from solver.highs import HighsSession, stretch_basis
from solver.problem import BatteryOptions, DemandCharge
from solver.split import SPLIT_MAX_DAYS, SPLIT_MIN_DAYS, chunk_bounds, slice_problem
from solver.warm import lazy_rows
from tests._solver_cases import random_problem

MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _year(rng: np.random.Generator, step_hours: float = 1.0, monthly: bool = True):
    n = int(8760 / step_hours)
    p = random_problem(rng, n_steps=n, n_planes=1, battery=True, step_hours=step_hours)
    if not monthly:
        return replace(p, demand_charges=())
    per_day = int(24 / step_hours)
    starts = np.cumsum([0, *MONTH_DAYS]) * per_day
    charges = []
    for m in range(12):
        w = np.zeros(n, bool)
        w[starts[m]:starts[m + 1]] = True
        charges.append(DemandCharge(w, 30.0, f"m{m + 1}"))
    return replace(p, demand_charges=charges)


def test_stretches_start_at_month_starts_under_monthly_charges():
    p = _year(np.random.default_rng(1))
    bounds = chunk_bounds(p)
    assert [a // 24 for a, _ in bounds] == list(np.cumsum([0, *MONTH_DAYS[:-1]]))
    assert bounds[-1][1] == p.n_steps
    assert all(b == a2 for (_, b), (a2, _) in zip(bounds[:-1], bounds[1:], strict=True))


def test_stretches_without_windows_are_whole_days_of_bounded_length():
    p = _year(np.random.default_rng(2), step_hours=0.25, monthly=False)
    bounds = chunk_bounds(p)
    lengths = [(b - a) / 96 for a, b in bounds]
    assert all(float(n).is_integer() for n in lengths)
    assert all(SPLIT_MIN_DAYS <= n <= SPLIT_MAX_DAYS for n in lengths)
    assert sum(lengths) == 365


def test_slice_keeps_only_the_windows_it_touches():
    p = _year(np.random.default_rng(3))
    q, keep = slice_problem(p, 31 * 24, 59 * 24)  # February
    assert keep == [1]
    assert q.n_steps == 28 * 24
    np.testing.assert_array_equal(q.load_kw, p.load_kw[31 * 24:59 * 24])
    assert q.demand_charges[0].window.all()


@pytest.mark.parametrize("seed", [0, 2, 3])  # seeds with conflict steps (binaries)
def test_branch_and_cut_sees_the_lazy_rows(seed):
    """A MILP solve switches every lazy row on first: its answer meets them all."""
    rng = np.random.default_rng(900 + seed)
    p = random_problem(rng, n_steps=96, n_planes=2, export_above_import=True,
                       battery=BatteryOptions(allowed=True, max_kwh=400, max_kw=150,
                                              max_c_rate=0.5))
    m = build_model(p)
    assert m.integer.shape[0] > 0 and lazy_rows(m).shape[0] > 0
    sess = HighsSession(m)
    assert sess.inactive.any()
    out = sess.solve_mip(time_limit=20.0)
    assert out.colvals is not None
    assert not sess.inactive.any()
    act = m.matrix @ out.colvals
    tol = 1e-6 * max(float(p.load_kw.max()), 1.0)
    assert (act <= m.row_upper + tol).all() and (act >= m.row_lower - tol).all()


def test_split_start_keeps_bounds_the_caller_set_on_the_session(monkeypatch):
    """Sizes narrowed on the session before its first solve stay narrowed: the split
    start fixes and then restores the session's bounds, not the model's."""
    import solver.split as split
    import solver.warm as warm_start

    monkeypatch.setattr(warm_start, "COARSEN_MIN_STEPS", 4)
    monkeypatch.setattr(split, "SPLIT_MIN_DAYS", 1)
    p = random_problem(np.random.default_rng(31), n_steps=96, n_planes=2, battery=True)
    m = build_model(p)
    cols = np.array([m.battery_kwh, m.battery_kw], dtype=np.int32)
    results = []
    for warm in (True, False):
        sess = HighsSession(m, warm_start=warm, lazy=warm)
        sess.h.changeColsBounds(2, cols, np.array([5.0, 5.0]), np.array([5.0, 5.0]))
        out = sess.solve()
        assert out.status == "optimal"
        np.testing.assert_allclose(out.colvals[cols], [5.0, 5.0])
        _, _, _, lo, hi, _ = sess.h.getCols(2, cols)
        np.testing.assert_allclose(lo, [5.0, 5.0])
        np.testing.assert_allclose(hi, [5.0, 5.0])
        results.append((sess.start_method, out.objective))
    assert results[0][0] == "split"
    assert results[0][1] == pytest.approx(results[1][1], rel=1e-9)


def test_each_solve_gets_its_whole_time_limit():
    """HiGHS counts an LP's time limit on the instance's clock, which adds up over runs;
    a session's limit is per solve, so a session that has run longer than its limit in
    earlier solves still solves the next one."""
    p = random_problem(np.random.default_rng(5), n_steps=48, n_planes=1, battery=True)
    sess = HighsSession(build_model(p), time_limit=0.2)
    while sess.h.getRunTime() < 0.4:
        sess.h.clearSolver()
        assert sess.solve().status == "optimal"
    sess.h.clearSolver()
    assert sess.solve().status == "optimal"


def test_stretches_give_up_past_the_deadline():
    from solver.split import split_basis

    p = _year(np.random.default_rng(4))
    m = build_model(p)
    sizes = np.concatenate([np.full(m.x.shape[0], 10.0), [100.0, 50.0]])
    assert split_basis(m, sizes, stretch_basis, deadline=0.0) is None
