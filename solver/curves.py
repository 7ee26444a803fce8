"""Trade-off curves: optimal NPV against PV size, and the NPV-CO2 frontier.

Both sweep one constraint over a range of values. With HiGHS the LP of each case (export
regime x PV built) is built once and only the swept row's bounds change between points, so
each point is a warm-started re-solve. Without highspy each point is a full
:func:`solver.api.optimize` call with CBC.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from solver.api import (
    _check_args,
    _method,
    _optimize,
    _unbounded_error,
    optimize,
    own_pv_design,
)
from solver.build import build_model
from solver.errors import CurveStopped, InfeasibleProblemError, SolverInputError
from solver.highs import HighsSession
from solver.linear import LinearModel, Regime, regimes
from solver.physical import solve_physical
from solver.problem import SizingProblem
from solver.result import SizingResult, charges_from_grid_unallowed, make_result

__all__ = ["LaterCurve", "co2_frontier", "npv_curve", "optimize_curve_later", "optimize_with_curve"]


def _row(res: SizingResult | None, **extra: float) -> dict:
    """One DataFrame row from a result (NaN figures when infeasible)."""
    if res is None:
        out = {"feasible": False, "npv": math.nan, "capex": math.nan, "total_kwp": math.nan,
               "battery_kwh": math.nan, "battery_kw": math.nan,
               "self_sufficiency_ratio": math.nan, "self_consumption_ratio": math.nan,
               "co2_avoided_tco2": math.nan, "regime": "", "optimality_gap": math.nan}
    else:
        out = {"feasible": True, "npv": res.npv, "capex": res.capex, "total_kwp": res.total_kwp,
               "battery_kwh": res.battery_kwh, "battery_kw": res.battery_kw,
               "self_sufficiency_ratio": res.totals["self_sufficiency_ratio"],
               "self_consumption_ratio": res.totals["self_consumption_ratio"],
               "co2_avoided_tco2": res.totals.get("co2_avoided_tco2", math.nan),
               "regime": res.regime, "optimality_gap": res.optimality_gap}
        for name, kwp in zip(res.plane_names, res.kwp_per_plane, strict=True):
            out[f"kwp_{name}"] = float(kwp)
    out.update(extra)
    return out


class _Sweep:
    """Warm-started sweeps of one row over the cases (regime x PV built) of a problem."""

    def __init__(self, problem: SizingProblem, method: str, *, co2_target: float | None,
                 max_payback_years: float | None, pv_cases: list[bool],
                 sessions: list[tuple[Regime, bool, LinearModel, HighsSession]] | None = None
                 ) -> None:
        self.problem = problem
        self.method = method
        self.cases: list[tuple[Regime, bool, LinearModel, HighsSession]] = []
        if sessions is not None:
            # The sizing's own sessions, each at its optimal basis.
            self.cases = list(sessions)
            return
        for regime in regimes(problem):
            for pv_built in pv_cases:
                model = build_model(problem, regime, reduce=method == "pv_only",
                                    objective="npv", pv_built=pv_built,
                                    max_payback_years=max_payback_years,
                                    co2_target_tco2=co2_target)
                self.cases.append((regime, pv_built, model, HighsSession(model)))

    def add_rows(self, expr_name: str) -> list[int]:
        """Append an unbounded row on a named expression to every case; returns indices."""
        return [sess.add_row(model.exprs[expr_name], -math.inf, math.inf)
                for _, _, model, sess in self.cases]

    def solve_best(self, rows: list[int], lower: float, upper: float,
                   usable: list[bool] | None = None) -> SizingResult | None:
        """Set the swept row's bounds in every case, solve, return the best result."""
        best: SizingResult | None = None
        for i, (regime, pv_built, model, sess) in enumerate(self.cases):
            if usable is not None and not usable[i]:
                continue
            sess.set_row_bounds(rows[i], lower, upper)
            # A curve is for charts: with a battery (whose branch-and-cut is slow) each
            # point is the physical point of its relaxation, with its gap.
            battery = model.battery_kwh >= 0
            found = solve_physical(sess, branch=not battery, improve_rounds=0)
            out = found.outcome
            if out.status == "unbounded":
                raise _unbounded_error()
            if found.flows is None or out.status not in ("optimal", "time_limit"):
                continue
            res = make_result(self.problem, found.flows, regime_name=regime.name,
                              export_price_per_kwh=regime.export_price_per_kwh,
                              objective="max_npv", backend=self.method, seconds=out.seconds,
                              optimality_gap=found.gap)
            if charges_from_grid_unallowed(self.problem, res):
                res = own_pv_design(self.problem, res)
            if pv_built and self.problem.costs.fixed_capex > 0 and res.total_kwp <= 0:
                continue
            if best is None or res.npv > best.npv:
                best = res
        return best


def _check_stop(stop: Callable[[], bool] | None) -> None:
    """Raise :class:`~solver.errors.CurveStopped` when ``stop`` asks for it."""
    if stop is not None and stop():
        raise CurveStopped("the curve was asked to stop")


def _values(total_kwp_values: Iterable[float]) -> list[float]:
    values = [float(v) for v in total_kwp_values]
    if any(not math.isfinite(v) or v < 0 for v in values):
        raise SolverInputError("total_kwp_values must be finite and >= 0")
    return values


def optimize_with_curve(problem: SizingProblem, total_kwp_values: Iterable[float],
                        objective: str = "max_npv", **options: Any
                        ) -> tuple[SizingResult, pd.DataFrame]:
    """:func:`~solver.api.optimize` and :func:`npv_curve` of the same problem, the curve
    re-solved from the sizing's optimal basis (:func:`optimize_curve_later`, then
    :meth:`LaterCurve.compute` at once).

    Parameters
    ----------
    problem, objective
        As for :func:`solver.api.optimize`.
    total_kwp_values : iterable of float
        As for :func:`npv_curve` [kWp].
    **options
        The keyword arguments of :func:`solver.api.optimize` (``max_payback_years``,
        ``co2_target_tco2``, ``backend``, ``time_limit_seconds``,
        ``search_time_limit_seconds``).

    Returns
    -------
    (SizingResult, pandas.DataFrame)
        The optimum and the curve (columns of :func:`npv_curve`; ``attrs["seconds"]``
        holds the curve's wall time [s]).
    """
    values = _values(total_kwp_values)
    sized, later = optimize_curve_later(problem, objective, **options)
    return sized, later.compute(values)


def optimize_curve_later(problem: SizingProblem, objective: str = "max_npv", **options: Any
                         ) -> tuple[SizingResult, LaterCurve]:
    """:func:`~solver.api.optimize`, and the means to draw its NPV curve afterwards.

    The optimum comes first (an app shows its figures at once); the returned
    :class:`LaterCurve` computes the NPV-versus-capacity curve when asked, from the
    sizing's own HiGHS sessions where they were kept (with a battery, the NPV objective
    and no payback bound or CO2 target of its own), else by :func:`npv_curve`.

    Parameters
    ----------
    problem, objective
        As for :func:`solver.api.optimize`.
    **options
        The keyword arguments of :func:`solver.api.optimize`.

    Returns
    -------
    (SizingResult, LaterCurve)
    """
    reuse = (objective == "max_npv" and options.get("max_payback_years") is None
             and options.get("co2_target_tco2") in (None, problem.min_co2_reduction_tco2)
             and problem.battery.active)
    sized, cases = _optimize(problem, objective, keep_sessions=reuse, **options)
    built = [c for c in cases if c.pv_built]
    kept = (reuse and bool(built)
            and all(c.method == "highs" and c.session is not None for c in built))
    sessions = ([(c.regime, True, c.session.model, c.session) for c in built
                 if c.session is not None] if kept else None)
    # With a fixed capex the sizing solved "no PV" as a case of its own: the curve's 0 kWp.
    no_pv = [c.result for c in cases if not c.pv_built and c.result is not None]
    return sized, LaterCurve(problem, sized, sessions, options.get("backend", "auto"),
                             no_pv=max(no_pv, key=lambda r: r.npv) if no_pv else None)


class LaterCurve:
    """The NPV-versus-capacity curve of a sized problem, computed on request.

    With the sizing's HiGHS sessions (each at its optimal basis) every point is the sizing
    LP with one more row (the total kWp), re-solved by the dual simplex from that basis,
    nearest sizes first and with every lazy row switched on, instead of a second LP built
    and solved from scratch; a point at the optimum's total size is the optimum itself.
    The sessions are let go after the first :meth:`compute` (or by :meth:`release`, to
    free their memory): later calls use :func:`npv_curve`. Safe to call from several
    threads (one computes, the others wait for its answer); a computation may be asked to
    stop between points (``stop``), as a background one is when a newer plan needs the
    machine.

    Parameters
    ----------
    problem : SizingProblem
        The sized problem.
    sized : SizingResult
        Its optimum.
    sessions : list of (Regime, bool, LinearModel, HighsSession), optional
        The sizing's sessions (PV built) at their optimal bases; None: :func:`npv_curve`.
    backend : str
        As for :func:`solver.api.optimize` (for :func:`npv_curve`).
    no_pv : SizingResult, optional
        The sizing's own best design without PV, where it solved that case (a fixed capex):
        the curve's point at 0 kWp, solved no more.
    """

    def __init__(self, problem: SizingProblem, sized: SizingResult,
                 sessions: list[tuple[Regime, bool, LinearModel, HighsSession]] | None,
                 backend: str = "auto", *, no_pv: SizingResult | None = None) -> None:
        self.problem = problem
        self.sized = sized
        self._sessions = sessions
        self._backend = backend
        self._no_pv = no_pv
        self._lock = threading.Lock()
        self._done: dict[tuple[float, ...], pd.DataFrame] = {}

    @property
    def warm(self) -> bool:
        """Whether the sizing's sessions are still held (the next curve re-solves them)."""
        return self._sessions is not None

    def release(self) -> None:
        """Let the sizing's sessions go (a later curve is computed from scratch). Does not
        wait for a computation under way: that one lets them go when it ends."""
        if self._lock.acquire(blocking=False):
            try:
                self._sessions = None
            finally:
                self._lock.release()

    def compute(self, total_kwp_values: Iterable[float], *,
                stop: Callable[[], bool] | None = None) -> pd.DataFrame:
        """The curve at ``total_kwp_values`` [kWp] (columns of :func:`npv_curve`;
        ``attrs["seconds"]``: its wall time [s]).

        Parameters
        ----------
        total_kwp_values : iterable of float
            As for :func:`npv_curve` [kWp].
        stop : callable, optional
            Asked before each point; when it answers True the computation ends with
            :class:`~solver.errors.CurveStopped` and keeps nothing (the sizing's sessions
            are let go: a later call solves from scratch).

        Raises
        ------
        solver.errors.CurveStopped
            ``stop`` answered True.
        """
        values = _values(total_kwp_values)
        key = tuple(values)
        with self._lock:
            if key not in self._done:
                t0 = time.perf_counter()
                if self._sessions is None:
                    curve = npv_curve(self.problem, values, backend=self._backend, stop=stop)
                else:
                    sessions, self._sessions = self._sessions, None
                    # Let go of the sessions whatever happens: a walk that did not finish
                    # leaves its swept row in their LPs, and a second walk would add another.
                    curve = self._from_basis(values, sessions, stop)
                curve.attrs["seconds"] = time.perf_counter() - t0
                self._done[key] = curve
            return self._done[key].copy()

    def _from_basis(self, values: list[float],
                    sessions: list[tuple[Regime, bool, LinearModel, HighsSession]],
                    stop: Callable[[], bool] | None) -> pd.DataFrame:
        problem, sized = self.problem, self.sized
        sweep = _Sweep(problem, "highs", co2_target=None, max_payback_years=None,
                       pv_cases=[True], sessions=sessions)
        rows_idx = sweep.add_rows("total_kwp")
        for _, _, _, sess in sweep.cases:
            # Every lazy row on: re-solves from an optimal basis are about 30 % faster
            # with the whole model than with rounds of rows switched on (measured on the
            # demo).
            sess.activate_all()
        start = [sess.h.getBasis() for _, _, _, sess in sweep.cases]
        sw_none = None
        at_optimum = sized.total_kwp
        tol = 1e-9 * max(1.0, at_optimum)
        rows: dict[int, dict] = {}
        # Nearest sizes first, upwards from the optimum, then downwards from it again.
        order = sorted(range(len(values)), key=lambda i: values[i])
        above = [i for i in order if values[i] >= at_optimum]
        below = [i for i in reversed(order) if values[i] < at_optimum]
        for part in (above, below):
            for (_, _, _, sess), basis in zip(sweep.cases, start, strict=True):
                sess.h.setBasis(basis)
            for i in part:
                _check_stop(stop)
                v = values[i]
                if abs(v - at_optimum) <= tol and (v > 0 or problem.costs.fixed_capex == 0):
                    rows[i] = _row(sized, total_kwp=v)
                    continue
                if v == 0 and problem.costs.fixed_capex > 0:
                    if self._no_pv is not None:
                        rows[i] = _row(self._no_pv, total_kwp=v)
                        continue
                    if sw_none is None:
                        sw_none = _Sweep(problem, "highs", co2_target=None,
                                         max_payback_years=None, pv_cases=[False])
                        idx_none = sw_none.add_rows("total_kwp")
                    res = sw_none.solve_best(idx_none, 0.0, 0.0)
                else:
                    res = sweep.solve_best(rows_idx, v, v)
                rows[i] = _row(res, total_kwp=v)
        return pd.DataFrame([rows[i] for i in range(len(values))])


def npv_curve(problem: SizingProblem, total_kwp_values: Iterable[float], *,
              backend: str = "auto", stop: Callable[[], bool] | None = None) -> pd.DataFrame:
    """Optimal NPV at each fixed total PV size (for the NPV-vs-capacity chart).

    At each ``total_kwp`` the split over planes, the battery and the dispatch are optimised
    (max NPV) under all other constraints of ``problem``.

    Parameters
    ----------
    problem : SizingProblem
        The problem; its own total-size bounds still apply (points outside are infeasible).
    total_kwp_values : iterable of float
        Total PV capacities to evaluate [kWp], >= 0.
    backend : {"auto", "pv_only", "highs", "cbc"}
        As for :func:`solver.api.optimize`.
    stop : callable, optional
        Asked before each point; True ends the computation with
        :class:`~solver.errors.CurveStopped`.

    Returns
    -------
    pandas.DataFrame
        One row per value: ``total_kwp``, ``npv``, ``capex``, ``battery_kwh``,
        ``battery_kw``, ``self_sufficiency_ratio``, ``self_consumption_ratio``,
        ``co2_avoided_tco2``, ``regime``, ``feasible``, ``optimality_gap`` (how much
        better the point could be under the behind-the-meter rule; with a battery each
        point is the best physical design of its relaxation, not branched on) and
        ``kwp_<plane>`` columns.
    """
    values = _values(total_kwp_values)
    _check_args(problem, "max_npv", backend, None, None)
    method = _method(problem, backend)
    rows = []
    if method == "cbc":
        for v in values:
            _check_stop(stop)
            q = replace(problem, min_total_kwp=v, max_total_kwp=v)
            try:
                rows.append(_row(optimize(q, backend="cbc"), total_kwp=v))
            except (InfeasibleProblemError, SolverInputError):
                rows.append(_row(None, total_kwp=v))
        return pd.DataFrame(rows)
    sw_pv = _Sweep(problem, method, co2_target=None, max_payback_years=None, pv_cases=[True])
    idx_pv = sw_pv.add_rows("total_kwp")
    sw_none = None
    for v in values:
        _check_stop(stop)
        if v == 0 and problem.costs.fixed_capex > 0:
            if sw_none is None:
                sw_none = _Sweep(problem, method, co2_target=None, max_payback_years=None,
                                 pv_cases=[False])
                idx_none = sw_none.add_rows("total_kwp")
            res = sw_none.solve_best(idx_none, 0.0, 0.0)
        else:
            res = sw_pv.solve_best(idx_pv, v, v)
        rows.append(_row(res, total_kwp=v))
    return pd.DataFrame(rows)


def co2_frontier(problem: SizingProblem, n_points: int = 11, *,
                 backend: str = "auto") -> pd.DataFrame:
    """The cheapest way to reach each level of avoided CO2 (NPV-vs-CO2 frontier).

    Runs from the avoided CO2 of the max-NPV solution to the most CO2 that can be avoided
    under the problem's constraints, in ``n_points`` equal steps; each point is the max-NPV
    solution avoiding at least that much.

    Parameters
    ----------
    problem : SizingProblem
        Must have ``grid_tco2_per_kwh``.
    n_points : int
        Number of points (>= 2).
    backend : {"auto", "pv_only", "highs", "cbc"}
        As for :func:`solver.api.optimize`.

    Returns
    -------
    pandas.DataFrame
        ``co2_target_tco2`` plus the columns of :func:`npv_curve`.
    """
    if problem.grid_tco2_per_kwh is None:
        raise SolverInputError("co2_frontier needs grid_tco2_per_kwh")
    n_points = int(n_points)
    if n_points < 2:
        raise SolverInputError("n_points must be at least 2")
    _check_args(problem, "max_npv", backend, None, None)
    method = _method(problem, backend)
    base = optimize(replace(problem, min_co2_reduction_tco2=0.0), backend=backend)
    co2_lo = base.totals["co2_avoided_tco2"]
    pv_cases = [True, False] if problem.costs.fixed_capex > 0 else [True]
    if method == "cbc":
        co2_hi = _max_co2_cbc(problem)
        rows = []
        for target in np.linspace(co2_lo, co2_hi, n_points):
            try:
                res = optimize(problem, "min_cost_for_co2", co2_target_tco2=max(target, 1e-12),
                               backend="cbc")
            except InfeasibleProblemError:
                res = None
            rows.append(_row(res, co2_target_tco2=float(target)))
        return pd.DataFrame(rows)
    sw = _Sweep(replace(problem, min_co2_reduction_tco2=0.0), method, co2_target=None,
                max_payback_years=None, pv_cases=pv_cases)
    rows_idx = sw.add_rows("co2_tco2")
    # Largest achievable CO2 over the cases, then back to the NPV objective.
    co2_hi = -math.inf
    for _, _, model, sess in sw.cases:
        sess.set_cost(-model.exprs["co2_tco2"].dense(model.n_cols), 0.0)
        out = solve_physical(sess).outcome
        if out.status in ("optimal", "time_limit") and out.colvals is not None:
            co2_hi = max(co2_hi, model.exprs["co2_tco2"].value(out.colvals))
        sess.set_cost(model.cost, model.offset)
    if not math.isfinite(co2_hi):
        raise InfeasibleProblemError("no feasible system exists for this problem", ())
    co2_hi = max(co2_hi, co2_lo)
    # The top point is the maximum itself; leave a hair of slack for solver tolerance.
    targets = np.linspace(co2_lo, co2_hi, n_points)
    rows = []
    for k, target in enumerate(targets):
        lo = target - (1e-7 * max(abs(co2_hi), 1e-9) if k == n_points - 1 else 0.0)
        res = sw.solve_best(rows_idx, lo, math.inf)
        rows.append(_row(res, co2_target_tco2=float(target)))
    return pd.DataFrame(rows)


def _max_co2_cbc(problem: SizingProblem) -> float:
    """Largest avoided CO2 with PuLP + CBC (fallback path)."""
    from solver.pulp_model import solve_pulp

    best = -math.inf
    for regime in regimes(problem):
        out, flows = solve_pulp(replace(problem, min_co2_reduction_tco2=0.0), regime,
                                objective="co2")
        if flows is not None:
            res = make_result(problem, flows, regime_name=regime.name,
                              export_price_per_kwh=regime.export_price_per_kwh,
                              objective="co2", backend="cbc", seconds=out.seconds)
            best = max(best, res.totals["co2_avoided_tco2"])
    return best
