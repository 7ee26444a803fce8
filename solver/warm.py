"""Where the simplex starts: coarsened problems, bases mapped and balanced, lazy rows.

:class:`solver.highs.HighsSession` solves a large battery model faster by starting well;
this module holds the pieces it starts from, none of which changes the LP solved:

* *sizes to start from*: the same problem on one day in :data:`SAMPLE_EVERY_DAYS`
  (:func:`sample_days`, :func:`sampled_model`), whose sizes :mod:`solver.split` fixes to
  solve the year's stretches apart;
* *a coarse start*: the same problem on steps ``COARSEN_FACTOR`` times longer
  (:func:`coarsen_problem`, :func:`coarse_model`), whose optimal basis :func:`map_basis`
  copies to every sub-step of the fine model (where the year cannot be split);
* a basis with as many basic variables as rows (:func:`balance_basis`), which HiGHS needs
  to accept it;
* which models are worth it (:func:`warm_eligible`);
* *lazy rows* (:func:`lazy_rows`): the state-of-charge ceiling and power rows, which bind
  in a few per cent of the steps, start switched off but for every 8th hour and are
  switched on where a solution violates them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import numpy as np

from solver.build import build_model
from solver.linear import LinearModel, Regime
from solver.problem import DemandCharge, SizingProblem

__all__ = [
    "COARSEN_FACTOR",
    "LAZY_GROUPS",
    "SAMPLE_EVERY_DAYS",
    "balance_basis",
    "coarse_model",
    "coarsen_problem",
    "lazy_rows",
    "map_basis",
    "sample_days",
    "sampled_model",
    "sampled_problem",
    "warm_eligible",
]

#: Steps merged per level, the longest merged step [h] and the fewest coarse steps worth it.
COARSEN_FACTOR = 4
COARSEN_MAX_STEP_HOURS = 4.0
COARSEN_MIN_STEPS = 1000
#: Models on shorter steps [h] always start from a coarse solution; longer ones only when
#: :mod:`solver.split` applies. Measured on the benchmark's factory: an hourly year solves
#: in 1.3-1.8 s from scratch (presolved, lazy rows), 1.3-1.4 s from split stretches and
#: 3 s from its 4-hour basis copied to every hour; a quarter-hourly year needs a start
#: (70 s from scratch, 11-12 s from the hourly basis, 4.5-6 s from split stretches).
WARM_MAX_STEP_HOURS = 1.0

#: A battery model that :mod:`solver.split` can cut into stretches takes its first sizes
#: from one day in this many (:func:`sampled_model`) instead of the coarse model. Measured
#: 2026-12-06 (the answer is the same whatever the start): sizing wall time summed over the
#: 20 battery sites of ``benchmarks/bench_batch_aggregate.py`` (best of 2) 25.4 s with one
#: day in 4, 23.4 s in 6, 22.4 s in 8; the demo 1.37 / 1.05 / 1.14 s; the benchmark's
#: factory 1.25-1.34 s in 4 against 1.05-1.14 s in 8 hourly, 6.3-6.6 s against 5.7-6.0 s on
#: quarter hours.
SAMPLE_EVERY_DAYS = 8

#: Row groups of a battery model that start inactive (free) but for every
#: ``LAZY_STRIDE_HOURS``-th hour, and are switched on where a solution violates them.
LAZY_GROUPS = ("soc_cap", "power")
LAZY_STRIDE_HOURS = 8.0
#: Rounds of adding violated rows before all are switched on at once.
LAZY_MAX_ROUNDS = 12
#: A lazy row counts as violated beyond this, relative to max(1, |bound|).
LAZY_TOLERANCE = 1e-7

_BASIC, _LOWER = 1, 0  # HighsBasisStatus.kBasic, kLower


def coarsen_problem(problem: SizingProblem, factor: int) -> SizingProblem | None:
    """The same problem on steps ``factor`` times longer (means over each block), or None
    when the steps (or the state of charge's cycles) do not divide evenly."""
    p = problem
    n = p.n_steps
    if factor < 2 or n % factor:
        return None
    m = n // factor
    cycles = p.soc_cycle_lengths
    if (cycles % factor).any():
        return None

    def agg(a: np.ndarray) -> np.ndarray:
        return a.reshape(m, factor, *a.shape[1:]).mean(axis=1)

    def agg_set(a: np.ndarray | float | None) -> np.ndarray | None:
        """An optional per-step array (held as an array once validated), aggregated."""
        return None if a is None else agg(cast("np.ndarray", a))

    return replace(
        p,
        production_kw_per_kwp=agg(p.production_kw_per_kwp), load_kw=agg(p.load_kw),
        import_price_per_kwh=agg(p.import_price_per_kwh),
        export_price_per_kwh=agg(p.export_price_per_kwh), step_hours=p.step_hours * factor,
        demand_charges=[DemandCharge(np.asarray(dc.window.reshape(m, factor).any(axis=1)),
                                     dc.rate_per_kw, dc.name) for dc in p.demand_charges],
        grid_tco2_per_kwh=agg_set(p.grid_tco2_per_kwh),
        net_metering_credit_per_kwh=(None if p.net_metering_limit_kw is None
                                     else agg_set(p.net_metering_credit_per_kwh)),
        soc_cycle_steps=(None if p.soc_cycle_steps is None
                         else tuple((cycles // factor).tolist())),
    )


def sample_days(problem: SizingProblem, every_days: int
                ) -> tuple[np.ndarray, np.ndarray, int] | None:
    """One day of every ``every_days`` (the middle one) standing for its block of days:
    ``(steps, weights, steps per day)``, the steps of the sampled days in order and the
    days each stands for (per step); None when the steps do not make whole days, the year
    is too short or it already has cycles of its own.

    The day of each demand window's highest load is added as a day of its own (its
    block's day then stands for one day less), so that a battery's peak shaving is sized
    on it.
    """
    p = problem
    per_day = 24.0 / p.step_hours
    k = int(round(per_day))
    if abs(per_day - k) > 1e-9 or p.n_steps % k or every_days < 2:
        return None
    n_days = p.n_steps // k
    if n_days < 2 * every_days or p.soc_cycle_steps is not None:
        return None
    starts = np.arange(0, n_days, every_days)
    weight = np.zeros(n_days)
    middle = np.minimum(starts + every_days // 2, n_days - 1)
    weight[middle] = np.minimum(starts + every_days, n_days) - starts
    load_day = p.load_kw.reshape(n_days, k).max(axis=1)
    for dc in p.demand_charges:
        days = np.flatnonzero(dc.window.reshape(n_days, k).any(axis=1))
        if days.shape[0] == 0:
            continue
        peak = int(days[np.argmax(load_day[days])])
        if weight[peak] > 0:
            continue
        weight[middle[np.searchsorted(starts, peak, side="right") - 1]] -= 1
        weight[peak] = 1
    keep = np.flatnonzero(weight > 0)
    steps = (keep[:, None] * k + np.arange(k)[None, :]).reshape(-1)
    return steps, np.repeat(weight[keep], k), k


def on_weighted_days(problem: SizingProblem, steps: np.ndarray, step_weights: np.ndarray,
                     cycle_steps: int | tuple[int, ...] | None, **replacements
                     ) -> SizingProblem:
    """``problem`` on some of its steps, each standing for ``step_weights`` steps of the year.

    Prices and emission factors are multiplied by the weights (demand rates not: a window's
    charge is on one maximum); demand windows keep the chosen steps (windows that keep none
    are dropped); the battery's state of charge is cyclic over each ``cycle_steps`` steps,
    or over blocks of the lengths it lists (None: over the whole horizon;
    ``SizingProblem.soc_cycle_steps``). Load and PV are the chosen steps' unless
    ``replacements`` give them (any other field of the problem may be replaced too).
    """
    p, w = problem, step_weights

    def weighted(a: np.ndarray | float | None) -> np.ndarray | float | None:
        return a[steps] * w if isinstance(a, np.ndarray) else a

    fields = {
        "production_kw_per_kwp": p.production_kw_per_kwp[steps], "load_kw": p.load_kw[steps],
        "import_price_per_kwh": p.import_price_per_kwh[steps] * w,
        "export_price_per_kwh": p.export_price_per_kwh[steps] * w,
        "demand_charges": [DemandCharge(dc.window[steps], dc.rate_per_kw, dc.name)
                           for dc in p.demand_charges if dc.window[steps].any()],
        "grid_tco2_per_kwh": weighted(p.grid_tco2_per_kwh),
        "net_metering_credit_per_kwh": weighted(p.net_metering_credit_per_kwh),
        "soc_cycle_steps": cycle_steps,
    }
    return replace(p, **{**fields, **replacements})


def sampled_problem(problem: SizingProblem, every_days: int) -> SizingProblem | None:
    """The problem on the days of :func:`sample_days`, each a battery cycle of its own
    (``SizingProblem.soc_cycle_steps``), or None where they do not apply. Prices and
    emission factors are multiplied by the days a sampled day stands for (demand rates
    not: a window's charge is on one maximum)."""
    got = sample_days(problem, every_days)
    return None if got is None else on_weighted_days(problem, *got)


def sampled_model(model: LinearModel, every_days: int) -> LinearModel | None:
    """``model`` rebuilt on :func:`sampled_problem` (same build options, the regime's
    export prices sampled and weighted likewise), or None where it does not apply."""
    got = sample_days(model.problem, every_days)
    if got is None:
        return None
    steps, w, _ = got
    q = on_weighted_days(model.problem, *got)
    reg = model.regime
    sreg = Regime(reg.name, reg.export_price_per_kwh[steps] * w, reg.max_total_kwp,
                  reg.exports_within_imports)
    return build_model(q, sreg, **model.build_args)


def coarse_model(model: LinearModel, factor: int) -> LinearModel | None:
    """``model`` rebuilt on the coarsened problem (same regime and build options), or None
    when the steps do not divide evenly."""
    cp = coarsen_problem(model.problem, factor)
    if cp is None:
        return None
    reg = model.regime
    m = cp.n_steps
    creg = Regime(reg.name, reg.export_price_per_kwh.reshape(m, factor).mean(axis=1),
                  reg.max_total_kwp, reg.exports_within_imports)
    return build_model(cp, creg, **model.build_args)


def map_basis(fine: LinearModel, coarse: LinearModel, col_status: np.ndarray,
              row_status: np.ndarray, factor: int, basic_rows: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray] | None:
    """Statuses for the fine model: each step copies the status of its coarse block.

    Columns and rows with no counterpart are nonbasic (columns, at their lower bound) or
    basic (row slacks), as are the rows in the mask ``basic_rows`` (rows left out of the
    fine session). The number of basic variables is then adjusted to the number of rows;
    HiGHS repairs any singularity. Returns None if the layouts do not correspond.
    """
    n_fine_t = fine.problem.n_steps
    n_coarse_t = coarse.problem.n_steps
    if n_coarse_t * factor != n_fine_t or set(fine.rows) != set(coarse.rows):
        return None
    cs = np.full(fine.n_cols, _LOWER, dtype=np.int64)
    rs = np.full(fine.n_rows, _BASIC, dtype=np.int64)
    block = np.arange(n_fine_t) // factor
    scalar = np.ones(fine.n_cols, dtype=bool)
    for name, col in fine.fam.items():
        ccol = coarse.fam[name][block]
        m = (col >= 0) & (ccol >= 0)
        cs[col[m]] = col_status[ccol[m]]
        scalar[col[col >= 0]] = False
    n_scalar = int(scalar.sum())
    cscalar = np.ones(coarse.n_cols, dtype=bool)
    for col in coarse.fam.values():
        cscalar[col[col >= 0]] = False
    if n_scalar != int(cscalar.sum()):
        return None
    cs[scalar] = col_status[cscalar]
    for name, rows in fine.rows.items():
        crow = coarse.rows[name]
        if name in fine.row_steps:
            step, key = fine.row_steps[name]
            cstep, ckey = coarse.row_steps[name]
            lookup = np.full((int(max(key.max(initial=0), ckey.max(initial=0))) + 1, n_coarse_t),
                             -1, dtype=np.int64)
            lookup[ckey, cstep] = crow
            mapped = lookup[key, step // factor]
            m = mapped >= 0
            rs[rows[m]] = row_status[mapped[m]]
        elif crow.shape[0] == rows.shape[0]:
            rs[rows] = row_status[crow]
        else:
            return None
    if basic_rows is not None:
        rs[basic_rows] = _BASIC
    return balance_basis(cs, rs, ~scalar)


def balance_basis(col_status: np.ndarray, row_status: np.ndarray, movable: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray] | None:
    """Make as many variables basic as there are rows (in place; returns the arrays).

    Missing basics become row slacks, surplus ones among the ``movable`` columns turn
    nonbasic at their lower bound. Returns None if that cannot balance the count.
    """
    cs, rs = col_status, row_status
    n_rows = rs.shape[0]
    need = n_rows - int((cs == _BASIC).sum() + (rs == _BASIC).sum())
    if need > 0:
        cand = np.nonzero(rs != _BASIC)[0][:need]
        rs[cand] = _BASIC
    elif need < 0:
        cand = np.nonzero((cs == _BASIC) & movable)[0][:-need]
        cs[cand] = _LOWER
    if int((cs == _BASIC).sum() + (rs == _BASIC).sum()) != n_rows:
        return None
    return cs, rs


def warm_eligible(model: LinearModel, *, splittable: bool) -> bool:
    """Whether a session should start ``model`` from a coarse solve: a battery model on
    steps shorter than :data:`WARM_MAX_STEP_HOURS`, or one that :mod:`solver.split` can
    cut into stretches (``splittable``, :func:`solver.split.split_eligible`), whose
    coarsened year still has :data:`COARSEN_MIN_STEPS` steps of at most
    :data:`COARSEN_MAX_STEP_HOURS`."""
    p = model.problem
    return (model.battery_kwh >= 0
            and (p.step_hours < WARM_MAX_STEP_HOURS or splittable)
            and p.n_steps % COARSEN_FACTOR == 0
            and p.n_steps // COARSEN_FACTOR >= COARSEN_MIN_STEPS
            and p.step_hours * COARSEN_FACTOR <= COARSEN_MAX_STEP_HOURS + 1e-9)


def lazy_rows(model: LinearModel) -> np.ndarray:
    """Rows of ``model`` that a :class:`~solver.highs.HighsSession` may leave out at first
    (int array).

    The state-of-charge ceiling ``w_t <= (1 - m) E`` and the power rating
    ``c_pv + c_g + d <= B`` bind in a few per cent of the steps of a year (measured on the
    benchmark's factory: 294 and 274 of 8,760), yet make a third of the rows. Every
    ``LAZY_STRIDE_HOURS``-th hour keeps them from the start, so the sizes ``E`` and ``B``
    stay tied to the dispatch.
    """
    if model.battery_kwh < 0:
        return np.zeros(0, dtype=np.int64)
    stride = max(1, int(round(LAZY_STRIDE_HOURS / model.problem.step_hours)))
    if stride < 2:
        return np.zeros(0, dtype=np.int64)
    out = []
    for name in LAZY_GROUPS:
        if name in model.rows and name in model.row_steps:
            step = model.row_steps[name][0]
            out.append(model.rows[name][step % stride != stride - 1])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
