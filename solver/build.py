"""The sizing LP built as one sparse matrix and solved by HiGHS (highspy).

:func:`build_model` turns a :class:`~solver.problem.SizingProblem` into a
:class:`LinearModel` (cost vector, one ``scipy.sparse`` CSC matrix, row and column bounds)
without a Python loop over time steps: every block of rows is a set of numpy index arrays.
The same builder makes two layouts of the same optimisation problem:

* the *full* layout (``reduce=False``): every flow variable at every step, as documented in
  :mod:`solver.problem` (only the PV flows of steps in which no plane can produce are left
  out, being zero); used with a battery and as the reference in tests;
* the *reduced* PV-only layout (``reduce=True``, see :mod:`solver.pv_only`), which removes
  variables and rows that provably cannot change the optimum.

Constraint *groups* (``min_total_kwp``, ``capital_budget``, ``min_self_consumption``, ...)
can be dropped one by one, which :mod:`solver.api` uses to name conflicting constraints.

Under the behind-the-meter rule (``physical``, the default) each step whose export price
exceeds its import price, and that can export at all, gets a column ``z_t`` in [0, 1] and
the rows of :mod:`solver.physical`; the built model is then that MILP's relaxation (the
binaries are listed in ``LinearModel.integer``), which :func:`solver.physical.solve_physical`
solves exactly.

HiGHS solves battery models with its dual simplex and devex pricing (measured faster than
its interior-point solvers IPX and HiPO on these year-long storage LPs). Three things cut
its work (:class:`HighsSession`), none of which changes the LP solved, so the answer is
the exact optimum of the whole model either way:

* *lazy rows* (:func:`lazy_rows`): the state-of-charge ceiling and power rows, which bind in
  a few per cent of the steps, start switched off but for every 8th hour and are switched on
  where a solution violates them;
* *a start from the year's stretches* (:mod:`solver.split`): the problem on 4x longer steps
  gives sizes; with them fixed, the stretches of the year between month starts are solved
  apart (two threads) and their bases joined into the simplex's starting basis;
* otherwise, for steps shorter than an hour, the 4x coarser problem's optimal basis copied
  to every sub-step.

Tie-breaking: a cost of ``TIE_BREAK`` (relative to the largest energy value per kWh) is put
on battery throughput, stored energy and exports. It picks, among equally good dispatches,
the one without pointless cycling or unpaid exports, and speeds up the simplex method on the
degenerate storage LP. It changes the optimum by less than ``TIE_BREAK`` x the year's
throughput value; reported NPVs are recomputed from the dispatch without it.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from solver.errors import SolverInputError
from solver.problem import SizingProblem
from solver.split import split_basis, split_eligible

__all__ = [
    "GROUPS",
    "TIE_BREAK",
    "LinExpr",
    "LinearModel",
    "Regime",
    "SolveOutcome",
    "build_model",
    "new_highs",
    "output_range",
    "regimes",
    "solve_highs",
]

#: Relative size of the tie-breaking cost (see module docstring).
TIE_BREAK = 1e-6

#: Big-M of the behind-the-meter rule when the inputs bound neither PV export nor battery
#: charging power, as a multiple of the peak load [-] (flagged in ``big_m_assumed``).
BIG_M_FALLBACK = 100.0

#: Names of the constraint groups that :func:`build_model` can drop, with their labels.
GROUPS: dict[str, str] = {
    "plane_min_kwp": "minimum capacity per roof plane",
    "min_total_kwp": "minimum total PV capacity",
    "max_total_kwp": "maximum total PV capacity",
    "interconnection_limit_kw": "interconnection limit",
    "capital_budget": "capital budget",
    "battery_min": "minimum battery size",
    "min_self_consumption": "minimum self-consumption",
    "min_renewable_share": "minimum renewable share",
    "min_co2_reduction": "CO2 reduction target",
    "max_payback": "maximum simple payback",
}


@dataclass(frozen=True)
class Regime:
    """How exports are paid: the tariff's export price, or net metering (REopt's NEM).

    Attributes
    ----------
    name : str
        ``"standard"`` or ``"net_metering"``.
    export_price_per_kwh : ndarray
        Price earned by exports in this regime [currency/kWh].
    max_total_kwp : float
        Extra upper bound on total PV [kWp] (the net-metering size limit), inf if none.
    exports_within_imports : bool
        Whether the year's exports may not exceed the year's imports (net metering).
    """

    name: str
    export_price_per_kwh: np.ndarray
    max_total_kwp: float = math.inf
    exports_within_imports: bool = False


def regimes(problem: SizingProblem) -> list[Regime]:
    """Export regimes to compare: the standard one, plus net metering when it is offered."""
    out = [Regime("standard", problem.export_price_per_kwh)]
    if problem.net_metering_limit_kw is not None:
        out.append(Regime("net_metering", problem.net_metering_credit_per_kwh,
                          problem.net_metering_limit_kw, True))
    return out


@dataclass
class LinExpr:
    """Sparse linear expression ``sum(val * var[idx]) + const`` over model columns."""

    idx: np.ndarray
    val: np.ndarray
    const: float = 0.0

    @staticmethod
    def zero() -> LinExpr:
        return LinExpr(np.zeros(0, dtype=np.int64), np.zeros(0))

    def __add__(self, other: LinExpr) -> LinExpr:
        return LinExpr(np.concatenate([self.idx, other.idx]),
                       np.concatenate([self.val, other.val]), self.const + other.const)

    def __sub__(self, other: LinExpr) -> LinExpr:
        return self + other * -1.0

    def __mul__(self, k: float) -> LinExpr:
        return LinExpr(self.idx, self.val * k, self.const * k)

    __rmul__ = __mul__

    def dense(self, n: int) -> np.ndarray:
        """Coefficient vector of length ``n`` (duplicates summed)."""
        out = np.zeros(n)
        np.add.at(out, self.idx, self.val)
        return out

    def value(self, colvals: np.ndarray) -> float:
        """Value of the expression at a column solution."""
        return float(np.dot(self.val, colvals[self.idx]) + self.const)


@dataclass
class LinearModel:
    """A built LP: ``min cost @ v + offset`` s.t. ``row_lower <= A v <= row_upper``,
    ``col_lower <= v <= col_upper``, plus the maps back to the problem's quantities."""

    problem: SizingProblem
    regime: Regime
    cost: np.ndarray
    offset: float
    matrix: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    x: np.ndarray  # column of each plane's kWp
    battery_kwh: int  # column or -1
    battery_kw: int  # column or -1
    peak: np.ndarray  # column of each demand-charge window's peak import
    fam: dict[str, np.ndarray]  # per-step column index or -1, for l, e, cp, cg, d, w
    implicit_l: np.ndarray  # bool (T,): pv_to_load equals the PV output (reduced layout)
    avail: np.ndarray  # (T, P) available PV output per kWp (levelised) [kW/kWp]
    rows: dict[str, np.ndarray] = field(default_factory=dict)
    exprs: dict[str, LinExpr] = field(default_factory=dict)
    reduced: bool = False
    pv_built: bool = True
    build_args: dict = field(default_factory=dict)
    row_steps: dict = field(default_factory=dict)  # group -> (step of each row, window key)
    integer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    x_upper: np.ndarray | None = None  # upper bound on each plane implied by all limits [kWp]
    big_m_assumed: bool = False  # a big-M of the behind-the-meter rule had no finite bound

    @property
    def n_cols(self) -> int:
        return int(self.cost.shape[0])

    @property
    def n_rows(self) -> int:
        return int(self.row_lower.shape[0])

    def flows(self, colvals: np.ndarray) -> dict[str, np.ndarray | float]:
        """Turn a column solution into sizes and full-length flow arrays [kW], SOC [kWh]."""
        v = np.asarray(colvals, dtype=float)
        x = np.maximum(v[self.x], 0.0)
        g = self.avail @ x
        out: dict[str, np.ndarray | float] = {"kwp": x, "pv_available": g}
        for name in ("l", "e", "cp", "cg", "d", "w"):
            col = self.fam[name]
            arr = np.zeros(col.shape[0])
            has = col >= 0
            arr[has] = np.maximum(v[col[has]], 0.0)
            out[name] = arr
        out["l"][self.implicit_l] = g[self.implicit_l]
        be = max(float(v[self.battery_kwh]), 0.0) if self.battery_kwh >= 0 else 0.0
        bp = max(float(v[self.battery_kw]), 0.0) if self.battery_kw >= 0 else 0.0
        out["battery_kwh"] = be
        out["battery_kw"] = bp
        m = self.problem.battery.min_soc_fraction if be > 0 else 0.0
        out["soc"] = m * be + out["w"]
        return out


@dataclass
class SolveOutcome:
    """What a backend returns: status, column values, objective and timing."""

    status: str  # "optimal", "infeasible", "unbounded", "time_limit", "error"
    colvals: np.ndarray | None
    objective: float
    seconds: float
    backend: str
    message: str = ""
    bound: float = math.nan  # MILP: best bound on the (minimised) objective


def _tie_break(problem: SizingProblem) -> float:
    """Tie-breaking cost per kWh in objective units (see module docstring)."""
    scale = problem.costs.pwf_energy * max(
        float(problem.import_price_per_kwh.max(initial=0.0)),
        float(problem.export_price_per_kwh.max(initial=0.0)),
        1e-3,
    )
    return TIE_BREAK * scale


def output_range(avail: np.ndarray, lo: np.ndarray, hi: np.ndarray, total_lo: float = 0.0,
                 total_hi: float = math.inf) -> tuple[np.ndarray, np.ndarray]:
    """Least and greatest PV output of each step over sizes ``lo <= x <= hi`` with
    ``total_lo <= sum(x) <= total_hi`` [kW].

    Per step a fractional knapsack: from the lower (upper) bounds, the planes producing
    least that step are raised (lowered) first until the total is met. ``hi`` may be inf
    (then so may the greatest output).
    """
    n_t = avail.shape[0]
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    order = np.argsort(avail, axis=1)
    fs = np.take_along_axis(avail, order, axis=1)
    w = (hi - lo)[order]
    with np.errstate(invalid="ignore"):
        before = np.nan_to_num(np.cumsum(w, axis=1) - w, nan=math.inf)
    add = max(total_lo - float(lo.sum()), 0.0)
    g_lo = avail @ lo + (fs * np.clip(add - before, 0.0, w)).sum(axis=1)
    if not np.isfinite(hi).all():
        # Unbounded planes: the greatest output is inf where one of them produces.
        with np.errstate(invalid="ignore"):
            g_hi = np.where(avail > 0, avail * hi, 0.0).sum(axis=1)
        if math.isfinite(total_hi):
            g_hi = np.minimum(g_hi, avail.max(axis=1, initial=0.0) * total_hi)
        return g_lo, np.maximum(g_hi, g_lo) if n_t else g_hi
    cut = max(float(hi.sum()) - total_hi, 0.0)
    g_hi = avail @ hi - (fs * np.clip(cut - before, 0.0, w)).sum(axis=1)
    return g_lo, np.maximum(g_hi, g_lo)


def build_model(  # noqa: C901, PLR0912, PLR0915 - one linear walk through the formulation
    problem: SizingProblem,
    regime: Regime | None = None,
    *,
    reduce: bool = False,
    objective: str = "npv",
    drop: frozenset[str] | set[str] = frozenset(),
    pv_built: bool = True,
    max_payback_years: float | None = None,
    co2_target_tco2: float | None = None,
    tie_break: bool = True,
    physical: bool | None = None,
) -> LinearModel:
    """Build the sizing LP of ``problem`` as one sparse matrix.

    Parameters
    ----------
    problem : SizingProblem
        The validated problem.
    regime : Regime, optional
        Export regime; default the standard one.
    reduce : bool
        Use the reduced PV-only layout (:mod:`solver.pv_only`); requires no battery.
    objective : {"npv", "self_sufficiency", "co2", "zero"}
        Maximise NPV, PV energy served to the load, avoided CO2, or nothing (feasibility).
    drop : set of str
        Constraint groups (keys of :data:`GROUPS`) to leave out.
    pv_built : bool
        If False, PV capacity is fixed at 0 (the no-PV case of a fixed capex comparison).
        If True, ``Costs.fixed_capex`` is charged against the budget and the payback.
    max_payback_years : float, optional
        Simple payback bound: capex <= N x (year-1 savings - year-1 O&M).
    co2_target_tco2 : float, optional
        Overrides ``problem.min_co2_reduction_tco2``.
    tie_break : bool
        Add the tie-breaking costs.
    physical : bool, optional
        Add the behind-the-meter rule (no import and export in the same step) with one
        column ``z_t`` in [0, 1] per conflict step, listed in ``LinearModel.integer``: the
        model is then the LP relaxation of the MILP that :mod:`solver.physical` solves.
        Default ``not problem.allow_simultaneous_import_export``.

    Returns
    -------
    LinearModel
    """
    p = problem
    reg = regime or Regime("standard", p.export_price_per_kwh)
    bat = p.battery
    use_bat = bat.active
    if reduce and use_bat:
        raise SolverInputError("the reduced PV-only layout cannot model a battery")
    n_t, n_p = p.n_steps, p.n_planes
    dt = p.step_hours
    lam = p.costs.production_levelization
    avail = p.production_kw_per_kwp * lam
    a = p.import_price_per_kwh
    b = reg.export_price_per_kwh
    load = p.load_kw
    e_lim = p.export_limit_kw
    eta_c, eta_d = bat.charge_efficiency, bat.discharge_efficiency
    ef = p.grid_tco2_per_kwh
    co2_target = p.min_co2_reduction_tco2 if co2_target_tco2 is None else co2_target_tco2
    fixed = p.costs.fixed_capex if pv_built else 0.0
    phys = (not p.allow_simultaneous_import_export) if physical is None else bool(physical)

    # ---- column bounds of the sizes -----------------------------------------------------
    x_lo = np.zeros(n_p) if ("plane_min_kwp" in drop or not pv_built) else p.plane_min_kwp.copy()
    x_hi = np.zeros(n_p) if not pv_built else p.plane_max_kwp.copy()
    x_lo = np.minimum(x_lo, x_hi)
    # Upper bound on each plane used by the reductions (never tighter than the LP allows).
    total_cap = min(p.max_total_kwp if "max_total_kwp" not in drop else math.inf,
                    p.interconnection_limit_kw if "interconnection_limit_kw" not in drop
                    else math.inf, reg.max_total_kwp)
    if ("capital_budget" not in drop and p.costs.pv_capex_per_kwp > 0
            and math.isfinite(p.capital_budget)):
        total_cap = min(total_cap, max(p.capital_budget - fixed, 0.0) / p.costs.pv_capex_per_kwp)
    x_red = np.minimum(x_hi, total_cap)

    # ---- step classification ------------------------------------------------------------
    can_produce = (avail[:, x_hi > 0] > 0).any(axis=1)
    # Largest / smallest PV output each step can have within the size bounds [kW].
    s_lo = p.min_total_kwp if ("min_total_kwp" not in drop and pv_built) else 0.0
    g_lo, g_hi = output_range(avail, x_lo, x_red, s_lo, total_cap)
    # Behind-the-meter rule (solver.physical): only steps paying more for exports than for
    # imports can tempt the LP to import and export at once.
    conflict = (np.asarray(b > a) & (e_lim > 0)) if phys else np.zeros(n_t, dtype=bool)
    # The most a conflict step can export under the rule [kW]: PV beyond the part of the
    # load that the battery cannot cover (without one, PV beyond the load).
    d_max = 0.0
    if use_bat:
        d_max = min(bat.max_kw, bat.max_c_rate * bat.max_kwh,
                    (1.0 - bat.min_soc_fraction) * bat.max_kwh * eta_d / dt)
    with np.errstate(invalid="ignore"):
        export_cap = np.minimum(e_lim, np.maximum(g_hi - load + np.minimum(load, d_max), 0.0))
    no_export = conflict & (export_cap <= 0)
    if reduce:
        gmax = g_hi
        day = gmax > 0
        # Self-consuming first is optimal where a kWh used on site is worth at least as much
        # as an exported one and never counts less in any constraint (see pv_only docs), or
        # where the behind-the-meter rule forbids exports. Net metering's "exports <=
        # imports" can make curtailing a kWh worth it (to export one elsewhere), so there no
        # step is substituted.
        dominant = ((a >= b) | no_export) & (not reg.exports_within_imports)
        implicit = day & dominant & (gmax <= load)
        has_l = day & ~implicit & (load > 0)
        has_e = day & ~implicit & (e_lim > 0) & ~no_export
    else:
        # Full layout: only steps in which no plane can produce lose their PV flows.
        gmax = np.full(n_t, math.inf)
        implicit = np.zeros(n_t, dtype=bool)
        has_l = can_produce.copy()
        has_e = can_produce & (e_lim > 0) & ~no_export
    has_b = np.full(n_t, use_bat)
    has_cg = np.full(n_t, use_bat and bat.grid_charging)
    has_cp = has_b & can_produce
    # Conflict steps that need the import-or-export binary z_t. Without a battery, a step
    # with no load never imports, and one whose PV surely covers the load (g_lo >= load)
    # exports only its surplus with z_t = 1 (then pv_to_load = load is optimal: it is the
    # most a step can self-consume); except under net metering (see above).
    has_z = conflict & has_e & ((load > 0) | (use_bat and bat.grid_charging))
    sure = has_z & (not use_bat) & (g_lo >= load) & (not reg.exports_within_imports)
    has_z &= ~sure
    # With a battery, a step whose PV surplus surely exceeds the largest charging power
    # gains nothing by importing (any charge fits in the surplus, the rest is worth more
    # exported), so z_t = 1 there (fixed by its bounds, not a binary).
    c_max = 0.0
    if use_bat:
        c_max = min(bat.max_kw, bat.max_c_rate * bat.max_kwh,
                    (1.0 - bat.min_soc_fraction) * bat.max_kwh / (eta_c * dt))
    sure_z = has_z & use_bat & (g_lo - load >= c_max) & (not reg.exports_within_imports)

    # ---- column layout ------------------------------------------------------------------
    n_k = len(p.demand_charges)
    col = 0
    x_idx = np.arange(col, col + n_p)
    col += n_p
    be_idx = bp_idx = -1
    if use_bat:
        be_idx, bp_idx = col, col + 1
        col += 2
    d_idx = np.arange(col, col + n_k)
    col += n_k
    fam: dict[str, np.ndarray] = {}
    for name, mask in (("l", has_l), ("e", has_e), ("cp", has_cp), ("cg", has_cg),
                       ("d", has_b), ("w", has_b), ("z", has_z)):
        idx = np.full(n_t, -1, dtype=np.int64)
        k = int(mask.sum())
        idx[mask] = np.arange(col, col + k)
        col += k
        fam[name] = idx
    n = col
    lo = np.zeros(n)
    hi = np.full(n, math.inf)
    lo[x_idx], hi[x_idx] = x_lo, x_hi
    if use_bat:
        drop_bmin = "battery_min" in drop
        lo[be_idx] = 0.0 if drop_bmin else bat.min_kwh
        hi[be_idx] = bat.max_kwh
        lo[bp_idx] = 0.0 if drop_bmin else bat.min_kw
        hi[bp_idx] = bat.max_kw
    m_l = fam["l"] >= 0
    hi[fam["l"][m_l]] = load[m_l]
    m_e = fam["e"] >= 0
    hi[fam["e"][m_e]] = e_lim
    m_z = fam["z"] >= 0
    hi[fam["z"][m_z]] = 1.0
    lo[fam["z"][sure_z]] = 1.0
    m_s = sure & (fam["l"] >= 0)
    lo[fam["l"][m_s]] = load[m_s]

    # ---- helpers ------------------------------------------------------------------------
    steps = np.arange(n_t)

    def fam_expr(name: str, coef: np.ndarray | float) -> LinExpr:
        """sum_t coef_t * family_t over present steps (pv_to_load includes implicit steps)."""
        cf = np.broadcast_to(np.asarray(coef, dtype=float), (n_t,))
        idx = fam[name]
        m = idx >= 0
        e = LinExpr(idx[m], cf[m].copy())
        if name == "l" and implicit.any():
            e = e + LinExpr(x_idx.copy(), (cf[implicit, None] * avail[implicit]).sum(axis=0))
        return e

    rows_i: list[np.ndarray] = []
    rows_j: list[np.ndarray] = []
    rows_v: list[np.ndarray] = []
    r_lo: list[np.ndarray] = []
    r_hi: list[np.ndarray] = []
    groups: dict[str, np.ndarray] = {}
    row_steps: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    n_rows = 0

    def add_block(name: str, i: np.ndarray, j: np.ndarray, v: np.ndarray,
                  blo: np.ndarray, bhi: np.ndarray, step: np.ndarray | None = None,
                  key: np.ndarray | None = None) -> None:
        """Append rows; ``step``/``key`` record each row's time step and window."""
        nonlocal n_rows
        k = blo.shape[0]
        rows_i.append(i + n_rows)
        rows_j.append(j)
        rows_v.append(v)
        r_lo.append(blo)
        r_hi.append(bhi)
        groups[name] = np.arange(n_rows, n_rows + k)
        if step is not None:
            row_steps[name] = (step, np.zeros(k, dtype=np.int64) if key is None else key)
        n_rows += k

    def entries(name: str, rows: np.ndarray, coef: np.ndarray | float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, value) triplets of a per-step family, skipping absent steps."""
        col = fam[name]
        m = col >= 0
        cf = np.broadcast_to(np.asarray(coef, dtype=float), (n_t,))
        return rows[m], col[m], cf[m]

    def add_row(name: str, e: LinExpr, rlo: float, rhi: float) -> None:
        add_block(name, np.zeros(e.idx.shape[0], dtype=np.int64), e.idx, e.val,
                  np.array([rlo - e.const]), np.array([rhi - e.const]))

    # ---- PV availability: l + e + cp - avail_t . x <= 0 --------------------------------
    pv_row = (fam["l"] >= 0) | (fam["e"] >= 0) | (fam["cp"] >= 0)
    t_pv = steps[pv_row]
    k_pv = t_pv.shape[0]
    r_of_t = np.full(n_t, -1, dtype=np.int64)
    r_of_t[t_pv] = np.arange(k_pv)
    ii, jj, vv = [], [], []
    for name in ("l", "e", "cp"):
        m = (fam[name] >= 0) & pv_row
        ii.append(r_of_t[m])
        jj.append(fam[name][m])
        vv.append(np.ones(int(m.sum())))
    sub = avail[t_pv]
    nz_t, nz_p = np.nonzero(sub)
    ii.append(nz_t)
    jj.append(x_idx[nz_p])
    vv.append(-sub[nz_t, nz_p])
    add_block("pv", np.concatenate(ii), np.concatenate(jj), np.concatenate(vv),
              np.full(k_pv, -math.inf), np.zeros(k_pv), step=t_pv)

    if use_bat:
        W = fam["w"]

        def block(name: str, parts: list[tuple[str, np.ndarray | float]],
                  extra: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                  blo: np.ndarray, bhi: np.ndarray) -> None:
            trip = [entries(f, steps, c) for f, c in parts] + extra
            add_block(name, np.concatenate([t[0] for t in trip]),
                      np.concatenate([t[1] for t in trip]),
                      np.concatenate([t[2] for t in trip]), blo, bhi, step=steps)

        ones = np.ones(n_t)
        # load: l + d <= load; where no PV flows to the load, the bound d <= load on the
        # column instead of a one-entry row (HiGHS solves a warm start, which skips its
        # presolve, several times slower with such rows).
        m_dl = fam["l"] < 0
        hi[fam["d"][m_dl]] = np.minimum(hi[fam["d"][m_dl]], load[m_dl])
        t_l = steps[~m_dl]
        add_block("load", np.concatenate([np.arange(t_l.shape[0])] * 2),
                  np.concatenate([fam["l"][t_l], fam["d"][t_l]]),
                  np.ones(2 * t_l.shape[0]), np.full(t_l.shape[0], -math.inf),
                  load[t_l].astype(float), step=t_l)
        # state of charge, cyclic: w_t - w_{t-1} - eta_c dt (cp + cg) + dt/eta_d d = 0
        block("soc", [("w", 1.0), ("cp", -eta_c * dt), ("cg", -eta_c * dt), ("d", dt / eta_d)],
              [(steps, np.roll(W, 1), -ones)], np.zeros(n_t), np.zeros(n_t))
        # energy capacity: w_t - (1 - m) E <= 0
        block("soc_cap", [("w", 1.0)],
              [(steps, np.full(n_t, be_idx), np.full(n_t, -(1.0 - bat.min_soc_fraction)))],
              np.full(n_t, -math.inf), np.zeros(n_t))
        # power: cp + cg + d - B <= 0
        block("power", [("cp", 1.0), ("cg", 1.0), ("d", 1.0)],
              [(steps, np.full(n_t, bp_idx), -ones)], np.full(n_t, -math.inf), np.zeros(n_t))
        if math.isfinite(bat.max_c_rate):
            add_row("c_rate", LinExpr(np.array([bp_idx, be_idx]), np.array([1.0, -bat.max_c_rate])),
                    -math.inf, 0.0)

    # ---- behind-the-meter rule at conflict steps (solver.physical) ----------------------
    #   e - M_e z <= 0                        z = 0: no export
    #   l + d - load z >= 0                   z = 1: PV and battery cover the load ...
    #   cg + M_c z <= M_c                     ... and nothing charges from the grid
    #   e + (load - g_lo) z - g - d <= -g_lo  z = 1: exports are PV beyond the load plus
    #   e - (g_hi - load) z - d <= 0          battery discharge, within [g_lo, g_hi]
    # (the last two are the McCormick bounds of e <= (g - load) z + d; implied for z = 0).
    # M_e, M_c are the tightest bounds the inputs give.
    big_m_assumed = False
    t_z = steps[has_z]
    if t_z.shape[0]:
        fallback = BIG_M_FALLBACK * max(float(load.max(initial=0.0)), 1.0)
        m_e = export_cap[t_z]
        if not np.isfinite(m_e).all():
            big_m_assumed = True
            m_e = np.where(np.isfinite(m_e), m_e, fallback)
        k_z = t_z.shape[0]
        z_col = fam["z"][t_z]
        add_block("phys_export", np.concatenate([np.arange(k_z), np.arange(k_z)]),
                  np.concatenate([fam["e"][t_z], z_col]),
                  np.concatenate([np.ones(k_z), -m_e]),
                  np.full(k_z, -math.inf), np.zeros(k_z), step=t_z)
        # e + (load - g_lo) z - g - d <= -g_lo (solver.physical tightens it per set of
        # sizes)
        sub = avail[t_z]
        nz_r, nz_p = np.nonzero(sub)
        ii = [np.arange(k_z), np.arange(k_z), nz_r]
        jj = [fam["e"][t_z], z_col, x_idx[nz_p]]
        vv = [np.ones(k_z), load[t_z] - g_lo[t_z], -sub[nz_r, nz_p]]
        if use_bat:
            ii.append(np.arange(k_z))
            jj.append(fam["d"][t_z])
            vv.append(-np.ones(k_z))
        add_block("phys_cut", np.concatenate(ii), np.concatenate(jj), np.concatenate(vv),
                  np.full(k_z, -math.inf), -g_lo[t_z], step=t_z)
        fin = np.isfinite(g_hi[t_z])
        if use_bat and fin.any():
            t_s = t_z[fin]
            k_s = t_s.shape[0]
            r = np.arange(k_s)
            add_block("phys_surplus", np.concatenate([r, r, r]),
                      np.concatenate([fam["e"][t_s], fam["z"][t_s], fam["d"][t_s]]),
                      np.concatenate([np.ones(k_s), load[t_s] - g_hi[t_s], -np.ones(k_s)]),
                      np.full(k_s, -math.inf), np.zeros(k_s), step=t_s)
        t_i = t_z[load[t_z] > 0]
        k_i = t_i.shape[0]
        if k_i:
            ii = [np.arange(k_i), np.arange(k_i)]
            jj = [fam["l"][t_i], fam["z"][t_i]]
            vv = [np.ones(k_i), -load[t_i].astype(float)]
            if use_bat:
                ii.append(np.arange(k_i))
                jj.append(fam["d"][t_i])
                vv.append(np.ones(k_i))
            add_block("phys_import", np.concatenate(ii), np.concatenate(jj), np.concatenate(vv),
                      np.zeros(k_i), np.full(k_i, math.inf), step=t_i)
        if use_bat and bat.grid_charging:
            m_c = c_max
            if not math.isfinite(m_c):
                big_m_assumed = True
                m_c = fallback
            add_block("phys_grid_charge", np.concatenate([np.arange(k_z), np.arange(k_z)]),
                      np.concatenate([fam["cg"][t_z], z_col]),
                      np.concatenate([np.ones(k_z), np.full(k_z, m_c)]),
                      np.full(k_z, -math.inf), np.full(k_z, m_c), step=t_z)

    # ---- demand charges: l + d - cg + D_k >= load_t for t in window k ------------------
    peak0 = np.zeros(n_k)
    ii, jj, vv, blo, d_steps, d_keys = [], [], [], [], [], []
    r0 = 0
    for k, dc in enumerate(p.demand_charges):
        tw = steps[dc.window]
        if tw.shape[0] == 0:
            hi[d_idx[k]] = 0.0
            continue
        peak0[k] = float(load[tw].max())
        var_step = (fam["l"][tw] >= 0) | implicit[tw] | has_b[tw]
        # Steps without flow variables fix a lower bound on the peak.
        fixed_steps = tw[~var_step]
        if fixed_steps.shape[0]:
            lo[d_idx[k]] = max(lo[d_idx[k]], float(load[fixed_steps].max()))
        tv = tw[var_step]
        if reduce and tv.shape[0]:
            # A row can bind only if its load exceeds the smallest possible peak.
            g_cap = np.where(implicit[tw], gmax[tw], np.minimum(load[tw], gmax[tw]))
            lb_k = float(np.max(load[tw] - np.where(var_step, g_cap, 0.0)))
            lo[d_idx[k]] = max(lo[d_idx[k]], lb_k)
            tv = tv[load[tv] > lb_k]
        kk = tv.shape[0]
        if kk == 0:
            continue
        rr = r0 + np.arange(kk)
        ii.append(rr)
        jj.append(np.full(kk, d_idx[k]))
        vv.append(np.ones(kk))
        m = fam["l"][tv] >= 0
        ii.append(rr[m])
        jj.append(fam["l"][tv][m])
        vv.append(np.ones(int(m.sum())))
        imp = implicit[tv]
        if imp.any():
            sub = avail[tv[imp]]
            nz_r, nz_p = np.nonzero(sub)
            ii.append(rr[imp][nz_r])
            jj.append(x_idx[nz_p])
            vv.append(sub[nz_r, nz_p])
        if use_bat:
            ii.append(rr)
            jj.append(fam["d"][tv])
            vv.append(np.ones(kk))
            if bat.grid_charging:
                ii.append(rr)
                jj.append(fam["cg"][tv])
                vv.append(-np.ones(kk))
        blo.append(load[tv].astype(float))
        d_steps.append(tv)
        d_keys.append(np.full(kk, k, dtype=np.int64))
        r0 += kk
    if r0:
        add_block("demand", np.concatenate(ii), np.concatenate(jj), np.concatenate(vv),
                  np.concatenate(blo), np.full(r0, math.inf), step=np.concatenate(d_steps),
                  key=np.concatenate(d_keys))

    # ---- named expressions ----------------------------------------------------------------
    def cols(idx: int | np.ndarray, val: float | np.ndarray) -> LinExpr:
        i = np.atleast_1d(np.asarray(idx, dtype=np.int64))
        return LinExpr(i, np.broadcast_to(np.asarray(val, dtype=float), i.shape).copy())

    c = p.costs
    total_kwp = cols(x_idx, 1.0)
    capex = cols(x_idx, c.pv_capex_per_kwp)
    om = cols(x_idx, c.pv_om_per_kwp_year)
    if use_bat:
        capex = capex + cols([be_idx, bp_idx], [c.battery_capex_per_kwh, c.battery_capex_per_kw])
        om = om + cols([be_idx, bp_idx], [c.battery_om_per_kwh_year, c.battery_om_per_kw_year])
    prod_kwh = cols(x_idx, avail.sum(axis=0) * dt)
    onsite = fam_expr("l", dt) + fam_expr("cp", dt)
    served = fam_expr("l", dt) + fam_expr("cp", eta_c * eta_d * dt)
    energy_sav = fam_expr("l", a * dt) + fam_expr("d", a * dt) - fam_expr("cg", a * dt)
    export_rev = fam_expr("e", b * dt)
    demand_sav = LinExpr(d_idx.copy(), -np.array([dc.rate_per_kw for dc in p.demand_charges]),
                         float(sum(dc.rate_per_kw * pk for dc, pk in zip(p.demand_charges, peak0, strict=True))))
    exprs = {
        "total_kwp": total_kwp, "capex": capex, "om": om, "prod_kwh": prod_kwh,
        "onsite_kwh": onsite, "served_kwh": served, "energy_savings": energy_sav,
        "export_revenue": export_rev, "demand_savings": demand_sav,
        "exported_kwh": fam_expr("e", dt),
    }
    if ef is not None:
        co2 = fam_expr("l", ef * dt) + fam_expr("d", ef * dt) - fam_expr("cg", ef * dt)
        if p.co2_counts_exports:
            co2 = co2 + fam_expr("e", ef * dt)
        exprs["co2_tco2"] = co2

    # ---- global constraint groups -------------------------------------------------------
    if p.min_total_kwp > 0 and "min_total_kwp" not in drop and pv_built:
        add_row("min_total_kwp", total_kwp, p.min_total_kwp, math.inf)
    if math.isfinite(p.max_total_kwp) and "max_total_kwp" not in drop:
        add_row("max_total_kwp", total_kwp, -math.inf, p.max_total_kwp)
    if math.isfinite(p.interconnection_limit_kw) and "interconnection_limit_kw" not in drop:
        add_row("interconnection_limit_kw", total_kwp, -math.inf, p.interconnection_limit_kw)
    if math.isfinite(reg.max_total_kwp):
        add_row("net_metering_limit_kw", total_kwp, -math.inf, reg.max_total_kwp)
    if reg.exports_within_imports:
        # exports <= imports  <=>  sum (e + l + d - cg) dt <= load energy
        bal = fam_expr("e", dt) + fam_expr("l", dt) + fam_expr("d", dt) - fam_expr("cg", dt)
        add_row("net_metering_balance", bal, -math.inf, float(load.sum() * dt))
    if math.isfinite(p.capital_budget) and "capital_budget" not in drop:
        add_row("capital_budget", capex, -math.inf, p.capital_budget - fixed)
    if p.min_self_consumption > 0 and "min_self_consumption" not in drop:
        add_row("min_self_consumption", onsite - prod_kwh * p.min_self_consumption, 0.0, math.inf)
    if p.min_renewable_share > 0 and "min_renewable_share" not in drop:
        add_row("min_renewable_share", served, p.min_renewable_share * float(load.sum() * dt),
                math.inf)
    if co2_target and co2_target > 0 and "min_co2_reduction" not in drop:
        if ef is None:
            raise SolverInputError("a CO2 target needs grid_tco2_per_kwh")
        add_row("min_co2_reduction", exprs["co2_tco2"], co2_target, math.inf)
    if max_payback_years is not None and "max_payback" not in drop:
        n_y = float(max_payback_years)
        savings = energy_sav + export_rev + demand_sav
        add_row("max_payback", capex + om * n_y - savings * n_y, -math.inf, -fixed)

    # ---- objective ----------------------------------------------------------------------
    if objective == "npv":
        obj = capex + om * c.pwf_om - (energy_sav + export_rev + demand_sav) * c.pwf_energy
    elif objective == "self_sufficiency":
        obj = served * -1.0
    elif objective == "co2":
        if "co2_tco2" not in exprs:
            raise SolverInputError("the CO2 objective needs grid_tco2_per_kwh")
        obj = exprs["co2_tco2"] * -1.0
    elif objective == "zero":
        obj = LinExpr.zero()
    else:
        raise SolverInputError(f"unknown objective {objective!r}")
    cost = obj.dense(n)
    if tie_break and objective != "zero":
        # Per kWh, TIE_BREAK times the objective's own value of a kWh.
        if objective == "npv":
            eps = _tie_break(p) * dt
        elif objective == "co2":
            eps = TIE_BREAK * dt * max(float(ef.max(initial=0.0)), 1e-9)
        else:
            eps = TIE_BREAK * dt
        for name in ("cp", "cg", "d", "e"):
            m = fam[name] >= 0
            cost[fam[name][m]] += eps
        m = fam["w"] >= 0
        cost[fam["w"][m]] += eps * 0.1

    mat = sp.csc_matrix(
        (np.concatenate(rows_v), (np.concatenate(rows_i), np.concatenate(rows_j))),
        shape=(n_rows, n),
    )
    mat.sum_duplicates()
    return LinearModel(
        problem=p, regime=reg, cost=cost, offset=obj.const, matrix=mat,
        row_lower=np.concatenate(r_lo) if r_lo else np.zeros(0),
        row_upper=np.concatenate(r_hi) if r_hi else np.zeros(0),
        col_lower=lo, col_upper=hi, x=x_idx, battery_kwh=be_idx, battery_kw=bp_idx,
        peak=d_idx, fam=fam, implicit_l=implicit, avail=avail, rows=groups, exprs=exprs,
        reduced=reduce, pv_built=pv_built, row_steps=row_steps,
        integer=fam["z"][has_z & ~sure_z], big_m_assumed=big_m_assumed, x_upper=x_red,
        build_args={"reduce": reduce, "objective": objective, "drop": frozenset(drop),
                    "pv_built": pv_built, "max_payback_years": max_payback_years,
                    "co2_target_tco2": co2_target_tco2, "tie_break": tie_break,
                    "physical": phys},
    )


# -------------------------------------------------------------------------------------------
# HiGHS
# -------------------------------------------------------------------------------------------
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


def new_highs() -> object:
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


# Multilevel warm start --------------------------------------------------------------------
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


def coarsen_problem(problem: SizingProblem, factor: int) -> SizingProblem | None:
    """The same problem on steps ``factor`` times longer (means over each block), or None
    when the steps do not divide evenly."""
    from dataclasses import replace

    from solver.problem import DemandCharge

    p = problem
    n = p.n_steps
    if factor < 2 or n % factor:
        return None
    m = n // factor

    def agg(a: np.ndarray) -> np.ndarray:
        return a.reshape(m, factor, *a.shape[1:]).mean(axis=1)

    return replace(
        p,
        production_kw_per_kwp=agg(p.production_kw_per_kwp), load_kw=agg(p.load_kw),
        import_price_per_kwh=agg(p.import_price_per_kwh),
        export_price_per_kwh=agg(p.export_price_per_kwh), step_hours=p.step_hours * factor,
        demand_charges=[DemandCharge(dc.window.reshape(m, factor).any(axis=1), dc.rate_per_kw,
                                     dc.name) for dc in p.demand_charges],
        grid_tco2_per_kwh=None if p.grid_tco2_per_kwh is None else agg(p.grid_tco2_per_kwh),
        net_metering_credit_per_kwh=(None if p.net_metering_limit_kw is None
                                     else agg(p.net_metering_credit_per_kwh)),
    )


def _coarse_model(model: LinearModel, factor: int) -> LinearModel | None:
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
    basic, lower = 1, 0  # HighsBasisStatus.kBasic, kLower
    n_fine_t = fine.problem.n_steps
    n_coarse_t = coarse.problem.n_steps
    if n_coarse_t * factor != n_fine_t or set(fine.rows) != set(coarse.rows):
        return None
    cs = np.full(fine.n_cols, lower, dtype=np.int64)
    rs = np.full(fine.n_rows, basic, dtype=np.int64)
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
        rs[basic_rows] = basic
    return balance_basis(cs, rs, ~scalar)


def balance_basis(col_status: np.ndarray, row_status: np.ndarray, movable: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray] | None:
    """Make as many variables basic as there are rows (in place; returns the arrays).

    Missing basics become row slacks, surplus ones among the ``movable`` columns turn
    nonbasic at their lower bound. Returns None if that cannot balance the count.
    """
    basic, lower = 1, 0  # HighsBasisStatus.kBasic, kLower
    cs, rs = col_status, row_status
    n_rows = rs.shape[0]
    need = n_rows - int((cs == basic).sum() + (rs == basic).sum())
    if need > 0:
        cand = np.nonzero(rs != basic)[0][:need]
        rs[cand] = basic
    elif need < 0:
        cand = np.nonzero((cs == basic) & movable)[0][:-need]
        cs[cand] = lower
    if int((cs == basic).sum() + (rs == basic).sum()) != n_rows:
        return None
    return cs, rs


def _warm_eligible(model: LinearModel) -> bool:
    p = model.problem
    return (model.battery_kwh >= 0
            and (p.step_hours < WARM_MAX_STEP_HOURS or split_eligible(model))
            and p.n_steps % COARSEN_FACTOR == 0
            and p.n_steps // COARSEN_FACTOR >= COARSEN_MIN_STEPS
            and p.step_hours * COARSEN_FACTOR <= COARSEN_MAX_STEP_HOURS + 1e-9)


# Lazy rows --------------------------------------------------------------------------------
#: Row groups of a battery model that start inactive (free) but for every
#: ``LAZY_STRIDE_HOURS``-th hour, and are switched on where a solution violates them.
LAZY_GROUPS = ("soc_cap", "power")
LAZY_STRIDE_HOURS = 8.0
#: Rounds of adding violated rows before all are switched on at once.
LAZY_MAX_ROUNDS = 12
#: A lazy row counts as violated beyond this, relative to max(1, |bound|).
LAZY_TOLERANCE = 1e-7


def lazy_rows(model: LinearModel) -> np.ndarray:
    """Rows of ``model`` that a :class:`HighsSession` may leave out at first (int array).

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


class HighsSession:
    """A HiGHS instance holding one model, for a solve and warm-started re-solves.

    With ``warm_start`` (default) a large battery model (see :data:`WARM_MAX_STEP_HOURS`)
    is first solved on steps ``COARSEN_FACTOR`` times longer. Where :mod:`solver.split`
    applies, the year's stretches are then solved with the sizes fixed to that coarse
    optimum and the simplex starts from their joined bases; otherwise from the coarse
    basis copied to every sub-step. With ``lazy`` (default) the rows of
    :func:`lazy_rows` start switched off and are added where a solution violates them.
    Neither changes the LP solved: the result is the exact optimum of the whole model.
    """

    def __init__(self, model: LinearModel, *, time_limit: float | None = None,
                 threads: int | None = None, warm_start: bool = True, lazy: bool = True) -> None:
        import highspy

        self.model = model
        self._hs = highspy
        self._warm = warm_start and _warm_eligible(model)
        #: Rows of the model currently left out (free in HiGHS), see :func:`lazy_rows`;
        #: ``lazy_rounds`` counts the re-solves of the last :meth:`solve` that added some.
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
        """Solve the coarsened model and start from its basis (see class docstring)."""
        hs = self._hs
        t0 = time.perf_counter()
        coarse = _coarse_model(self.model, COARSEN_FACTOR)
        if coarse is None:
            return
        left = self._remaining()
        if left is not None and left <= 0:
            return
        sub = HighsSession(coarse, time_limit=left)
        out = sub.solve()
        if out.status != "optimal":
            return
        if split_eligible(self.model) and self._start_from_split(coarse, out.colvals):
            self.start_method = "split"
            self.coarse_seconds = time.perf_counter() - t0
            return
        b = sub.h.getBasis()
        cs = np.array([int(v) for v in b.col_status], dtype=np.int64)
        rs = np.array([int(v) for v in b.row_status], dtype=np.int64)
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

    def _basis(self, col_status: np.ndarray, row_status: np.ndarray) -> object:
        """A ``HighsBasis`` of the model's statuses; rows added to the session since it
        was built (a swept total, a stage's floor) start basic."""
        hs = self._hs
        extra = int(self.h.getNumRow()) - row_status.shape[0]
        if extra > 0:
            row_status = np.concatenate([row_status, np.ones(extra, dtype=np.int64)])
        basis = hs.HighsBasis()
        basis.col_status = [hs.HighsBasisStatus(int(v)) for v in col_status]
        basis.row_status = [hs.HighsBasisStatus(int(v)) for v in row_status]
        basis.valid = True
        return basis

    def _start_from_split(self, coarse: LinearModel, coarse_colvals: np.ndarray) -> bool:
        """Start from the joined bases of the year's stretches (:mod:`solver.split`), the
        sizes fixed to the coarse optimum for a first solve; False if that failed."""
        hs = self._hs
        cols = np.concatenate([coarse.x, [coarse.battery_kwh, coarse.battery_kw]])
        got = split_basis(self.model, coarse_colvals[cols], deadline=self._deadline)
        if got is None:
            return False
        cs, rs, binding = got
        self.activate(np.nonzero(self.inactive & binding)[0])
        rs[self.inactive] = 1
        movable = np.ones(self.model.n_cols, dtype=bool)
        movable[cols] = False
        if balance_basis(cs, rs, movable) is None:
            return False
        basis = self._basis(cs, rs)
        fine = np.concatenate([self.model.x, [self.model.battery_kwh, self.model.battery_kw]]
                              ).astype(np.int32)
        # The session's own bounds on the sizes (a caller may have narrowed the model's).
        _, _, _, lo0, hi0, _ = self.h.getCols(int(fine.shape[0]), fine)
        lo0, hi0 = np.asarray(lo0, dtype=float), np.asarray(hi0, dtype=float)
        fixed = np.clip(coarse_colvals[cols], lo0, hi0)
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

    def _run(self) -> object:
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
        self.h.changeRowsBounds(int(rows.shape[0]), rows.astype(np.int32),
                                np.where(np.isinf(lo), -inf, lo), np.where(np.isinf(hi), inf, hi))
        self.inactive[rows] = False

    def activate_all(self) -> None:
        """Switch every lazy row on (the session then holds the whole model)."""
        self.activate(np.nonzero(self.inactive)[0])

    def violated(self, colvals: np.ndarray) -> np.ndarray:
        """Inactive rows that ``colvals`` violates (beyond :data:`LAZY_TOLERANCE`)."""
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

        Lazy rows (:func:`lazy_rows`) are added where the solution violates them and the LP
        re-solved from its basis until none is violated: the answer is then optimal for the
        whole model, which only adds rows that the answer satisfies.
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
