"""The sizing LP solved by HiGHS (highspy): one session per model, re-solved warm.

HiGHS solves battery models with its dual simplex and devex pricing (measured faster than
its interior-point solvers IPX and HiPO on these year-long storage LPs). Three things cut
its work (:class:`HighsSession`), none of which changes the LP solved, so the answer is
the exact optimum of the whole model either way:

* *lazy rows* (:func:`solver.warm.lazy_rows`): the state-of-charge ceiling and power rows,
  which bind in a few per cent of the steps, start switched off but for every 8th hour and
  are switched on where a solution violates them;
* *a start from the year's stretches* (:mod:`solver.split`): the problem on one day in
  eight (:data:`solver.warm.SAMPLE_EVERY_DAYS`), each standing for its block of days and a
  battery cycle of its own, plus each demand window's peak day
  (:func:`solver.warm.sampled_model`), gives sizes; with them
  fixed, the stretches of the year between month starts are solved apart (two threads,
  :func:`stretch_basis`) and their bases joined into the simplex's starting basis
  (measured on 10 factories of ``benchmarks/bench_batch_aggregate.py``: the sizing LP
  in 11.4 s of CPU against 17.8 s with the sizes of the 4x coarser problem, 2026-12-06);
* otherwise, for steps shorter than an hour, the 4x coarser problem's optimal basis copied
  to every sub-step (:func:`solver.warm.map_basis`).

HiGHS prints a banner on the process's standard output when its first instance is made;
:func:`new_highs` keeps it off (machine-readable output such as ``pvplanner demo --json``).
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import threading
import time
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from solver.linear import LinearModel, LinExpr, SolveOutcome
from solver.split import split_basis, split_eligible
from solver.warm import (
    COARSEN_FACTOR,
    LAZY_MAX_ROUNDS,
    LAZY_TOLERANCE,
    SAMPLE_EVERY_DAYS,
    balance_basis,
    coarse_model,
    lazy_rows,
    map_basis,
    sampled_model,
    warm_eligible,
)

if TYPE_CHECKING:  # pragma: no cover - highspy is imported where a session is made
    import highspy

__all__ = ["HighsSession", "highs_available", "new_highs", "solve_highs", "stretch_basis"]


#: HiGHS' basis statuses are 0..4 (kLower, kBasic, kUpper, kZero, kNonbasic).
_N_BASIS_STATUSES = 5


def _status_values(statuses: list) -> np.ndarray:
    """Integer values of a list of ``HighsBasisStatus`` (``.value`` reads faster than
    ``int()``)."""
    return np.fromiter((v.value for v in statuses), dtype=np.int64, count=len(statuses))


def highs_available() -> bool:
    """True if highspy can be imported."""
    try:
        import highspy  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        return False
    return True


_BANNER_LOCK = threading.Lock()
_banner_done = False


def _flush_c_stdout() -> None:
    """Flush the C library's stdout buffer (HiGHS prints through it)."""
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # pragma: no cover - no C library to flush
        pass


def new_highs() -> highspy.Highs:
    """A ``highspy.Highs()`` instance, without the banner on stdout.

    HiGHS prints "Running HiGHS ... Copyright ..." to the process's standard output when
    the first instance of a process is made, which would corrupt machine-readable output
    (``pvplanner demo --json``). The first construction therefore runs with file
    descriptor 1 pointed at the null device (restored even on error, under a lock; output
    of other threads in that instant is lost). Later instances print nothing.
    """
    global _banner_done
    import highspy

    if _banner_done:
        return highspy.Highs()
    with _BANNER_LOCK:
        if _banner_done:
            return highspy.Highs()
        try:
            sys.stdout.flush()
        except (AttributeError, ValueError):  # pragma: no cover - closed/replaced stdout
            pass
        _flush_c_stdout()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
            _flush_c_stdout()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _banner_done = True
        return h


class HighsSession:
    """A HiGHS instance holding one model, for a solve and warm-started re-solves.

    With ``warm_start`` (default) a large battery model (:func:`solver.warm.warm_eligible`)
    starts well. Where :mod:`solver.split` applies, the year's stretches are solved with
    the sizes fixed to the optimum on sampled days (:func:`solver.warm.sampled_model`)
    and the simplex starts from their joined bases; otherwise the model is first solved on
    steps ``COARSEN_FACTOR`` times longer and starts from that basis copied to every
    sub-step. With ``lazy`` (default) the rows of
    :func:`~solver.warm.lazy_rows` start switched off and are added where a solution
    violates them. Neither changes the LP solved: the result is the exact optimum of the
    whole model.
    """

    def __init__(self, model: LinearModel, *, time_limit: float | None = None,
                 threads: int | None = None, warm_start: bool = True, lazy: bool = True) -> None:
        import highspy

        self.model = model
        self._hs = highspy
        self._warm = warm_start and warm_eligible(model, splittable=split_eligible(model))
        #: Rows of the model currently left out (free in HiGHS), see
        #: :func:`~solver.warm.lazy_rows`; ``lazy_rounds`` counts the re-solves of the last
        #: :meth:`solve` that added some.
        self.inactive = np.zeros(model.n_rows, dtype=bool)
        if lazy:
            self.inactive[lazy_rows(model)] = True
        self.lazy_rounds = 0
        #: How the first solve started: "cold", "coarse" (coarse basis copied) or "split".
        self.start_method = "cold"
        self._lazy_matrix: sp.csr_matrix | None = None
        self._lazy_ids = np.zeros(0, dtype=np.int64)
        self._time_limit = time_limit
        self._deadline: float | None = None  # of the current solve() [perf_counter s]
        self.coarse_seconds = 0.0
        h = new_highs()
        h.setOptionValue("output_flag", False)
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        if threads is not None:
            h.setOptionValue("threads", int(threads))
        battery = model.battery_kwh >= 0
        if battery:
            # Measured on year-long storage LPs: the dual simplex with scaling off or
            # strategy 4 is HiGHS' fastest method here (IPX ~2x, scaling strategy 1 ~10x
            # slower).
            h.setOptionValue("solver", "simplex")
            h.setOptionValue("simplex_scale_strategy", 0)
            h.setOptionValue("simplex_dual_edge_weight_strategy", 1)
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        a = model.matrix
        lp.num_col_ = model.n_cols
        lp.num_row_ = model.n_rows
        lp.col_cost_ = model.cost
        lp.offset_ = model.offset
        lp.col_lower_ = np.where(np.isinf(model.col_lower), -inf, model.col_lower)
        lp.col_upper_ = np.where(np.isinf(model.col_upper), inf, model.col_upper)
        lp.row_lower_ = np.where(np.isinf(model.row_lower) | self.inactive, -inf,
                                 model.row_lower)
        lp.row_upper_ = np.where(np.isinf(model.row_upper) | self.inactive, inf,
                                 model.row_upper)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = model.n_cols
        lp.a_matrix_.num_row_ = model.n_rows
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data
        h.passModel(lp)
        self.h = h

    def _set_coarse_basis(self) -> None:
        """Start from the year's stretches with sizes from sampled days, else solve the
        coarsened model and start from its basis (see class docstring)."""
        hs = self._hs
        t0 = time.perf_counter()
        if split_eligible(self.model):
            sizes = self._sampled_sizes()
            if sizes is not None and self._start_from_split(sizes):
                self.start_method = "split"
                self.coarse_seconds = time.perf_counter() - t0
                return
        coarse = coarse_model(self.model, COARSEN_FACTOR)
        if coarse is None:
            return
        left = self._remaining()
        if left is not None and left <= 0:
            return
        sub = HighsSession(coarse, time_limit=left)
        out = sub.solve()
        if out.status != "optimal" or out.colvals is None:
            return
        cols = np.concatenate([coarse.x, [coarse.battery_kwh, coarse.battery_kw]])
        if split_eligible(self.model) and self._start_from_split(out.colvals[cols]):
            self.start_method = "split"
            self.coarse_seconds = time.perf_counter() - t0
            return
        cs, rs = sub.statuses()
        # Lazy rows whose coarse counterpart binds (nonbasic) are likely to bind here too.
        first = map_basis(self.model, coarse, cs, rs, COARSEN_FACTOR)
        if first is None:
            return
        self.activate(np.nonzero(self.inactive & (first[1] != 1))[0])
        mapped = map_basis(self.model, coarse, cs, rs, COARSEN_FACTOR, self.inactive)
        if mapped is None:
            return
        basis = self._basis(mapped[0], mapped[1])
        if self.h.setBasis(basis) != hs.HighsStatus.kOk:  # pragma: no cover - defensive
            self.h.clearSolver()
        self.start_method = "coarse"
        self.coarse_seconds = time.perf_counter() - t0

    def statuses(self) -> tuple[np.ndarray, np.ndarray]:
        """Column and row statuses of the current basis (``HighsBasisStatus`` values)."""
        b = self.h.getBasis()
        return _status_values(b.col_status), _status_values(b.row_status)

    def _basis(self, col_status: np.ndarray, row_status: np.ndarray) -> highspy.HighsBasis:
        """A ``HighsBasis`` of the model's statuses; rows added to the session since it
        was built (a swept total, a stage's floor) start basic."""
        hs = self._hs
        extra = int(self.h.getNumRow()) - row_status.shape[0]
        if extra > 0:
            row_status = np.concatenate([row_status, np.ones(extra, dtype=np.int64)])
        basis = hs.HighsBasis()
        # One enum object per status value, looked up: constructing 10^5 enums from ints
        # took about 0.1 s of the demo's 1 s sizing (measured 2026-12-07).
        table = [hs.HighsBasisStatus(v) for v in range(_N_BASIS_STATUSES)]
        basis.col_status = [table[v] for v in col_status.tolist()]
        basis.row_status = [table[v] for v in row_status.tolist()]
        basis.valid = True
        return basis

    def _sampled_sizes(self) -> np.ndarray | None:
        """kWp of each plane, battery kWh and kW of the optimum on sampled days
        (:func:`solver.warm.sampled_model`), or None if there is none."""
        sampled = sampled_model(self.model, SAMPLE_EVERY_DAYS)
        left = self._remaining()
        if sampled is None or (left is not None and left <= 0):
            return None
        out = HighsSession(sampled, time_limit=left, warm_start=False).solve()
        if out.status != "optimal" or out.colvals is None:
            return None
        return out.colvals[np.concatenate([sampled.x, [sampled.battery_kwh,
                                                       sampled.battery_kw]])]

    def _start_from_split(self, sizes: np.ndarray) -> bool:
        """Start from the joined bases of the year's stretches (:mod:`solver.split`), the
        sizes (kWp of each plane, battery kWh and kW) fixed to ``sizes`` for a first
        solve; False if that failed."""
        hs = self._hs
        got = split_basis(self.model, sizes, stretch_basis, deadline=self._deadline)
        if got is None:
            return False
        cs, rs, binding = got
        self.activate(np.nonzero(self.inactive & binding)[0])
        rs[self.inactive] = 1
        fine = np.concatenate([self.model.x, [self.model.battery_kwh, self.model.battery_kw]]
                              ).astype(np.int32)
        movable = np.ones(self.model.n_cols, dtype=bool)
        movable[fine] = False
        if balance_basis(cs, rs, movable) is None:
            return False
        basis = self._basis(cs, rs)
        # The session's own bounds on the sizes (a caller may have narrowed the model's).
        _, _, _, lo0, hi0, _ = self.h.getCols(int(fine.shape[0]), fine)
        lo0, hi0 = np.asarray(lo0, dtype=float), np.asarray(hi0, dtype=float)
        fixed = np.clip(sizes, lo0, hi0)
        self.h.changeColsBounds(int(fine.shape[0]), fine, fixed, fixed)
        if self.h.setBasis(basis) != hs.HighsStatus.kOk:  # pragma: no cover - defensive
            self.h.clearSolver()
        try:
            self._run()
        finally:
            self.h.changeColsBounds(int(fine.shape[0]), fine, lo0, hi0)
        return True

    def _remaining(self) -> float | None:
        """Seconds left before the current solve's deadline (None: no limit)."""
        if self._deadline is None:
            return None
        return self._deadline - time.perf_counter()

    def _arm(self) -> None:
        """Point HiGHS' time limit at the deadline. HiGHS measures an LP's limit on the
        instance's clock, which adds up over runs, so the limit is that clock plus the
        time left."""
        left = self._remaining()
        if left is not None:
            self.h.setOptionValue("time_limit", float(self.h.getRunTime()) + max(left, 1e-3))

    def _run(self) -> highspy.HighsModelStatus:
        """One HiGHS run with its retries; returns the model status."""
        hs = self._hs
        self._arm()
        self.h.run()
        if self.h.getModelStatus() not in (hs.HighsModelStatus.kOptimal,
                                           hs.HighsModelStatus.kInfeasible,
                                           hs.HighsModelStatus.kUnbounded,
                                           hs.HighsModelStatus.kTimeLimit):
            # whatever went wrong, try once more from scratch
            self.h.clearSolver()
            self._arm()
            self.h.run()
        status = self.h.getModelStatus()
        if status == hs.HighsModelStatus.kUnboundedOrInfeasible:
            # Presolve cannot tell which; rerun without it to find out.
            self.h.setOptionValue("presolve", "off")
            self._arm()
            self.h.run()
            self.h.setOptionValue("presolve", "choose")
            status = self.h.getModelStatus()
        return status

    def activate(self, rows: np.ndarray) -> None:
        """Switch lazy rows on (give them the model's bounds)."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[self.inactive[rows]]
        if rows.shape[0] == 0:
            return
        inf = self._hs.kHighsInf
        lo, hi = self.model.row_lower[rows], self.model.row_upper[rows]
        change = self.h.changeRowsBounds  # type: ignore[attr-defined]  # not in highspy's stubs
        change(int(rows.shape[0]), rows.astype(np.int32),
               np.where(np.isinf(lo), -inf, lo), np.where(np.isinf(hi), inf, hi))
        self.inactive[rows] = False

    def activate_all(self) -> None:
        """Switch every lazy row on (the session then holds the whole model)."""
        self.activate(np.nonzero(self.inactive)[0])

    def violated(self, colvals: np.ndarray) -> np.ndarray:
        """Inactive rows that ``colvals`` violates (beyond
        :data:`solver.warm.LAZY_TOLERANCE`)."""
        rows = np.nonzero(self.inactive)[0]
        if rows.shape[0] == 0:
            return rows
        if self._lazy_matrix is None:
            self._lazy_ids = rows.copy()
            self._lazy_matrix = self.model.matrix.tocsr()[rows]
        act = self._lazy_matrix @ colvals
        pos = np.searchsorted(self._lazy_ids, rows)
        act = act[pos]
        lo, hi = self.model.row_lower[rows], self.model.row_upper[rows]
        with np.errstate(invalid="ignore"):
            bad = ((act > hi + LAZY_TOLERANCE * np.maximum(1.0, np.abs(hi)))
                   | (act < lo - LAZY_TOLERANCE * np.maximum(1.0, np.abs(lo))))
        return rows[bad]

    def solve(self) -> SolveOutcome:
        """Run HiGHS (warm-started after the first call) and map its status.

        Lazy rows (:func:`~solver.warm.lazy_rows`) are added where the solution violates
        them and the LP re-solved from its basis until none is violated: the answer is then
        optimal for the whole model, which only adds rows that the answer satisfies.
        """
        hs = self._hs
        ms = hs.HighsModelStatus
        t0 = time.perf_counter()
        self._deadline = None if self._time_limit is None else t0 + self._time_limit
        self.lazy_rounds = 0
        if self._warm:
            self._warm = False
            try:
                self._set_coarse_basis()
            except Exception:  # noqa: BLE001 - a failed warm start only costs time
                self.h.clearSolver()
        status = self._run()
        while self.inactive.any():
            if status == ms.kOptimal:
                bad = self.violated(np.array(self.h.getSolution().col_value))
                if bad.shape[0] == 0:
                    break
                self.lazy_rounds += 1
                if self.lazy_rounds >= LAZY_MAX_ROUNDS:
                    self.activate_all()
                else:
                    self.activate(bad)
            elif status in (ms.kUnbounded, ms.kUnboundedOrInfeasible):
                # possibly only for want of the rows left out
                self.activate_all()
            else:
                break
            status = self._run()
        seconds = time.perf_counter() - t0
        if status == ms.kOptimal:
            vals = np.array(self.h.getSolution().col_value)
            obj = float(self.h.getInfo().objective_function_value)
            return SolveOutcome("optimal", vals, obj, seconds, "highs")
        name = {ms.kInfeasible: "infeasible", ms.kUnbounded: "unbounded",
                ms.kTimeLimit: "time_limit"}.get(status, "error")
        return SolveOutcome(name, None, math.nan, seconds, "highs",
                            self.h.modelStatusToString(status))

    def solve_mip(self, start: np.ndarray | None = None, *, rel_gap: float = 1e-4,
                  time_limit: float | None = None) -> SolveOutcome:
        """Solve with the model's ``integer`` columns integral (HiGHS branch-and-cut).

        ``start`` is a feasible column vector to start from. Status ``"optimal"`` means
        proven within ``rel_gap``; ``"time_limit"`` may still carry the best solution found
        (``colvals``) with its ``bound``. Afterwards the columns are continuous again, so
        the session keeps solving the LP relaxation.
        """
        hs = self._hs
        h = self.h
        self.activate_all()  # branch-and-cut needs the whole model
        idx = np.asarray(self.model.integer, dtype=np.int32)
        k = int(idx.shape[0])
        t0 = time.perf_counter()
        # The LP basis before the search, put back after it so that later LP solves (the
        # NPV curve's points) start warm: a MIP run leaves no simplex basis behind.
        lp_basis = h.getBasis() if k else None
        if k:
            h.changeColsIntegrality(k, idx, np.array([hs.HighsVarType.kInteger] * k))
        h.setOptionValue("mip_rel_gap", float(rel_gap))
        limit = time_limit if time_limit is not None else self._time_limit
        h.setOptionValue("time_limit", float(limit) if limit is not None else math.inf)
        try:
            if start is not None and k:
                sol = hs.HighsSolution()
                sol.col_value = np.asarray(start, dtype=float)
                sol.value_valid = True
                h.setSolution(sol)
            h.run()
            status = h.getModelStatus()
            info = h.getInfo()
            has_sol = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
            vals = np.array(h.getSolution().col_value) if has_sol else None
            obj = float(info.objective_function_value) if has_sol else math.nan
            bound = float(info.mip_dual_bound) if k else obj
        finally:
            if k:
                h.changeColsIntegrality(k, idx, np.array([hs.HighsVarType.kContinuous] * k))
                if lp_basis is not None and lp_basis.valid:
                    h.setBasis(lp_basis)
            h.setOptionValue("time_limit",
                             float(self._time_limit) if self._time_limit is not None else math.inf)
        seconds = time.perf_counter() - t0
        ms = hs.HighsModelStatus
        if status == ms.kOptimal and has_sol:
            return SolveOutcome("optimal", vals, obj, seconds, "highs", bound=bound)
        name = {ms.kInfeasible: "infeasible", ms.kUnbounded: "unbounded",
                ms.kUnboundedOrInfeasible: "unbounded", ms.kTimeLimit: "time_limit"
                }.get(status, "error")
        return SolveOutcome(name, vals, obj, seconds, "highs", h.modelStatusToString(status),
                            bound=bound)

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        """Change one row's bounds (for warm-started sweeps)."""
        if row < self.inactive.shape[0]:
            self.inactive[row] = False
        inf = self._hs.kHighsInf
        self.h.changeRowBounds(int(row), -inf if math.isinf(lower) else lower,
                               inf if math.isinf(upper) else upper)

    def set_cost(self, cost: np.ndarray, offset: float = 0.0) -> None:
        """Replace the objective vector."""
        n = cost.shape[0]
        self.h.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(cost, dtype=float))
        self.h.changeObjectiveOffset(float(offset))

    def add_row(self, expr: LinExpr, lower: float, upper: float) -> int:
        """Append a row ``lower <= expr <= upper`` and return its index."""
        inf = self._hs.kHighsInf
        dense = expr.dense(self.model.n_cols)
        nz = np.nonzero(dense)[0]
        self.h.addRow(-inf if math.isinf(lower) else lower - expr.const,
                      inf if math.isinf(upper) else upper - expr.const,
                      int(nz.shape[0]), nz.astype(np.int32), dense[nz])
        return int(self.h.getNumRow()) - 1


def solve_highs(model: LinearModel, *, time_limit: float | None = None) -> SolveOutcome:
    """Solve a built model once with HiGHS."""
    return HighsSession(model, time_limit=time_limit).solve()


def stretch_basis(part: LinearModel, sizes: np.ndarray, time_limit: float | None
                  ) -> tuple[np.ndarray, np.ndarray] | None:
    """Solve one stretch of the year with the sizes fixed and return its basis.

    The stretch solver of :func:`solver.split.split_basis`: a cold session (lazy rows, no
    warm start) of ``part``, its planes, battery kWh and kW fixed to ``sizes`` (clipped to
    the part's bounds).

    Returns
    -------
    (col_status, row_status) or None
        ``HighsBasisStatus`` values, rows left out of the solve basic; None if the stretch
        had no optimum (or ran out of ``time_limit`` [s]).
    """
    sess = HighsSession(part, warm_start=False, time_limit=time_limit)
    cols = np.concatenate([part.x, [part.battery_kwh, part.battery_kw]]).astype(np.int32)
    lo = np.maximum(np.minimum(sizes, part.col_upper[cols]), part.col_lower[cols])
    sess.h.changeColsBounds(int(cols.shape[0]), cols, lo, lo)
    out = sess.solve()
    if out.status != "optimal":
        return None
    cs, rs = sess.statuses()
    rs[sess.inactive] = 1  # HighsBasisStatus.kBasic
    return cs, rs
