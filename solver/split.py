"""A starting basis for a long battery LP from independent chunks of the year.

With the system sizes fixed, the dispatch of a year falls apart into stretches of days
that share nothing but the state of charge at their joints, and a demand-charge window
(a month) is shared only by the days inside it. :func:`split_basis` cuts the year at the
days where the set of demand windows changes (month starts, for monthly charges), fixes the
sizes to a guess (from :class:`solver.highs.HighsSession`: the optimum on one day in
four, :func:`solver.warm.sampled_model`), solves each stretch as its own cyclic LP
with the stretch solver it is given (:func:`solver.highs.stretch_basis`), on two threads
(HiGHS releases the GIL), and joins their bases into one basis of the whole LP.

That basis is only a starting point: the joints (each stretch was cyclic on its own) and
the guessed sizes are wrong in it, and the session's simplex repairs both. The answer is
the exact optimum of the whole model whatever the start. Measured on the benchmark's
factory (``benchmarks/bench_solver.py``): a quarter-hourly year (35,040 steps) in
about 5 s this way against 11-12 s from the hourly basis copied to every quarter-hour.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from solver.build import build_model
from solver.linear import LinearModel, Regime
from solver.problem import DemandCharge, SizingProblem
from solver.warm import balance_basis

__all__ = ["StretchSolver", "chunk_bounds", "slice_problem", "split_basis", "split_eligible"]

#: Solves one stretch's LP with the sizes fixed: ``(part, sizes, time_limit)`` ->
#: ``(col_status, row_status)`` of its optimal basis (rows left out of the solve basic),
#: or None if it found no optimum. ``sizes`` are kWp of each plane, then battery kWh and
#: kW; ``time_limit`` [s] or None. :func:`solver.highs.stretch_basis` is the one in use.
StretchSolver = Callable[[LinearModel, np.ndarray, float | None],
                         tuple[np.ndarray, np.ndarray] | None]

#: Stretches shorter than this many days join their neighbour.
SPLIT_MIN_DAYS = 7
#: Stretches longer than this many days are cut into equal parts.
SPLIT_MAX_DAYS = 35
#: Threads solving the stretches (the CI machine has two cores).
SPLIT_THREADS = 2

_BASIC, _LOWER = 1, 0  # HighsBasisStatus.kBasic, kLower


def _steps_per_day(problem: SizingProblem) -> int | None:
    per_day = 24.0 / problem.step_hours
    k = int(round(per_day))
    if abs(per_day - k) > 1e-9 or k < 1 or problem.n_steps % k:
        return None
    return k


def split_eligible(model: LinearModel) -> bool:
    """Whether :func:`split_basis` applies: a battery, the NPV objective, whole days, one
    state-of-charge cycle over the year, and no constraint over the whole year besides
    those on the sizes (which are fixed)."""
    p = model.problem
    args = model.build_args
    return bool(
        model.battery_kwh >= 0
        and args.get("objective") == "npv"
        and args.get("max_payback_years") is None
        and not args.get("co2_target_tco2")
        and p.min_co2_reduction_tco2 <= 0
        and p.min_self_consumption <= 0
        and p.min_renewable_share <= 0
        and not model.regime.exports_within_imports
        and p.soc_cycle_steps is None
        and (steps_per_day := _steps_per_day(p)) is not None
        and p.n_steps // steps_per_day >= 2 * SPLIT_MIN_DAYS
    )


def chunk_bounds(problem: SizingProblem) -> list[tuple[int, int]]:
    """Step ranges ``[start, stop)`` of the stretches: whole days, cut where the set of
    demand windows touched by a day changes, each between ``SPLIT_MIN_DAYS`` and
    ``SPLIT_MAX_DAYS`` days long where the year allows."""
    per_day = _steps_per_day(problem)
    if per_day is None:
        raise ValueError("the steps do not make whole days")
    n_days = problem.n_steps // per_day
    if problem.demand_charges:
        sig = np.stack([dc.window.reshape(n_days, per_day).any(axis=1)
                        for dc in problem.demand_charges], axis=1)
        change = np.nonzero((sig[1:] != sig[:-1]).any(axis=1))[0] + 1
    else:
        change = np.zeros(0, dtype=np.int64)
    cuts = [0]
    for d in change.tolist():
        if d - cuts[-1] >= SPLIT_MIN_DAYS:
            cuts.append(d)
    if n_days - cuts[-1] < SPLIT_MIN_DAYS and len(cuts) > 1:
        cuts.pop()
    cuts.append(n_days)
    days: list[int] = [0]
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        parts = max(1, math.ceil((b - a) / SPLIT_MAX_DAYS))
        days.extend(np.linspace(a, b, parts + 1).round().astype(int)[1:].tolist())
    return [(a * per_day, b * per_day) for a, b in zip(days[:-1], days[1:], strict=True)]


def slice_problem(problem: SizingProblem, start: int, stop: int
                  ) -> tuple[SizingProblem, list[int]]:
    """The problem on steps ``[start, stop)`` and the indices of the demand windows kept
    (those touching the range)."""
    p = problem
    sl = slice(start, stop)
    keep = [k for k, dc in enumerate(p.demand_charges) if dc.window[sl].any()]

    def cut(a: np.ndarray | float | None) -> np.ndarray | float | None:
        return a[sl] if isinstance(a, np.ndarray) and a.ndim >= 1 else a

    q = replace(
        p, production_kw_per_kwp=p.production_kw_per_kwp[sl], load_kw=p.load_kw[sl],
        import_price_per_kwh=p.import_price_per_kwh[sl],
        export_price_per_kwh=p.export_price_per_kwh[sl],
        demand_charges=[DemandCharge(p.demand_charges[k].window[sl],
                                     p.demand_charges[k].rate_per_kw,
                                     p.demand_charges[k].name) for k in keep],
        grid_tco2_per_kwh=cut(p.grid_tco2_per_kwh),
        net_metering_credit_per_kwh=cut(p.net_metering_credit_per_kwh),
    )
    return q, keep


def _solve_chunk(model: LinearModel, start: int, stop: int, sizes: np.ndarray,
                 deadline: float | None, solve_stretch: StretchSolver) -> tuple | None:
    time_limit = None if deadline is None else deadline - time.perf_counter()
    if time_limit is not None and time_limit <= 0:
        return None
    q, keep = slice_problem(model.problem, start, stop)
    reg = model.regime
    creg: Regime = Regime(reg.name, reg.export_price_per_kwh[start:stop], reg.max_total_kwp,
                          reg.exports_within_imports)
    part = build_model(q, creg, **model.build_args)
    got = solve_stretch(part, sizes, time_limit)
    if got is None:
        return None
    cs, rs = got
    return part, cs, rs, keep, start


def _row_lookup(model: LinearModel, name: str) -> np.ndarray:
    step, key = model.row_steps[name]
    table = np.full((int(key.max(initial=0)) + 1, model.problem.n_steps), -1, dtype=np.int64)
    table[key, step] = model.rows[name]
    return table


def assemble_basis(model: LinearModel, parts: Sequence[tuple]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One basis of ``model`` from the stretches' bases: column and row statuses and the
    mask of rows that are nonbasic (binding) in their stretch. Size columns are nonbasic;
    a window's peak is basic if it is in any stretch."""
    cs = np.full(model.n_cols, _LOWER, dtype=np.int64)
    rs = np.full(model.n_rows, _BASIC, dtype=np.int64)
    movable = np.zeros(model.n_cols, dtype=bool)
    for col in model.fam.values():
        movable[col[col >= 0]] = True
    lookups = {name: _row_lookup(model, name) for name in model.row_steps}
    for part, pcs, prs, keep, start in parts:
        n = part.problem.n_steps
        for name, col in part.fam.items():
            fcol = model.fam[name][start:start + n]
            ok = (col >= 0) & (fcol >= 0)
            cs[fcol[ok]] = pcs[col[ok]]
        for j, k in enumerate(keep):
            if pcs[part.peak[j]] == _BASIC:
                cs[model.peak[k]] = _BASIC
        for name, rows in part.rows.items():
            if name not in part.row_steps or name not in lookups:
                continue
            step, key = part.row_steps[name]
            fkey = np.asarray(keep, dtype=np.int64)[key] if name == "demand" else key
            table = lookups[name]
            ok = fkey < table.shape[0]
            frow = np.full(rows.shape[0], -1, dtype=np.int64)
            frow[ok] = table[fkey[ok], step[ok] + start]
            ok &= frow >= 0
            rs[frow[ok]] = prs[rows[ok]]
    binding = rs != _BASIC
    out = balance_basis(cs, rs, movable)
    if out is None:
        return None
    return out[0], out[1], binding


def split_basis(model: LinearModel, sizes: np.ndarray, solve_stretch: StretchSolver, *,
                deadline: float | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Solve the stretches of ``model`` with the sizes fixed and join their bases.

    Parameters
    ----------
    model : LinearModel
        A battery model for which :func:`split_eligible` holds.
    sizes : ndarray
        kWp of each plane, then battery kWh and kW, to fix in every stretch.
    solve_stretch : StretchSolver
        Solves one stretch with the sizes fixed (:func:`solver.highs.stretch_basis`).
    deadline : float, optional
        ``time.perf_counter()`` value by which every stretch must be solved; a stretch
        that would start or run past it gives up (and the function returns None).

    Returns
    -------
    (col_status, row_status, binding) or None
        Statuses for :meth:`highspy.Highs.setBasis` and the rows binding in their
        stretch; None if a stretch had no optimum or the bases cannot be joined.
    """
    bounds = chunk_bounds(model.problem)
    with ThreadPoolExecutor(max_workers=min(SPLIT_THREADS, len(bounds))) as pool:
        parts = list(pool.map(
            lambda ab: _solve_chunk(model, ab[0], ab[1], sizes, deadline, solve_stretch),
            bounds))
    done = [part for part in parts if part is not None]
    if len(done) < len(parts):
        return None
    return assemble_basis(model, done)
