"""The sizing LP built as one sparse matrix, block by block.

:func:`build_model` turns a :class:`~solver.problem.SizingProblem` into a
:class:`~solver.linear.LinearModel` (cost vector, one ``scipy.sparse`` CSC matrix, row and
column bounds) without a Python loop over time steps: every block of rows is a set of numpy
index arrays. The same builder makes two layouts of the same optimisation problem:

* the *full* layout (``reduce=False``): every flow variable at every step, as documented in
  :mod:`solver.problem` (only the PV flows of steps in which no plane can produce are left
  out, being zero); used with a battery and as the reference in tests;
* the *reduced* PV-only layout (``reduce=True``, see :mod:`solver.pv_only`), which removes
  variables and rows that provably cannot change the optimum.

The blocks, in the order of the model's columns and rows: the sizes' bounds
(:func:`_size_bounds`), which flows, rows and binaries each step gets (:func:`_classify`),
the columns (:func:`_columns`), PV availability (:func:`_pv_rows`), the battery
(:func:`_battery_rows`), the behind-the-meter rule (:func:`_physical_rows`), demand charges
(:func:`_demand_rows`), the named year sums (:func:`_expressions`), the constraints on them
(:func:`_yearly_rows`) and the objective (:func:`_objective`).

Constraint *groups* (``min_total_kwp``, ``capital_budget``, ``min_self_consumption``, ...)
can be dropped one by one, which :mod:`solver.api` uses to name conflicting constraints.

Under the behind-the-meter rule (``physical``, the default) each step whose export price
exceeds its import price, and that can export at all, gets a column ``z_t`` in [0, 1] and
the rows of :mod:`solver.physical`; the built model is then that MILP's relaxation (the
binaries are listed in ``LinearModel.integer``), which :func:`solver.physical.solve_physical`
solves exactly. :mod:`solver.highs` solves the LPs.

Tie-breaking: a cost of ``TIE_BREAK`` (relative to the largest energy value per kWh) is put
on battery throughput, stored energy and exports. It picks, among equally good dispatches,
the one without pointless cycling or unpaid exports, and speeds up the simplex method on the
degenerate storage LP. It changes the optimum by less than ``TIE_BREAK`` x the year's
throughput value; reported NPVs are recomputed from the dispatch without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import scipy.sparse as sp

from solver.errors import SolverInputError
from solver.linear import LinearModel, LinExpr, Regime
from solver.problem import BatteryOptions, SizingProblem

__all__ = ["BIG_M_FALLBACK", "GROUPS", "TIE_BREAK", "build_model", "output_range"]

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


# -------------------------------------------------------------------------------------------
# What the blocks share: the problem as the builder reads it, the steps, columns and rows
# -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Spec:
    """The problem and the build options, with the arrays every block reads."""

    p: SizingProblem
    reg: Regime
    reduce: bool
    drop: frozenset[str]
    pv_built: bool
    phys: bool  # the behind-the-meter rule applies
    avail: np.ndarray  # (T, P) levelised PV output per kWp [kW/kWp]
    fixed: float  # fixed capex charged against the budget and the payback [currency]

    @property
    def bat(self) -> BatteryOptions:
        return self.p.battery

    @property
    def use_bat(self) -> bool:
        return self.p.battery.active

    @property
    def n_t(self) -> int:
        return self.p.n_steps

    @property
    def steps(self) -> np.ndarray:
        return np.arange(self.p.n_steps)


def _spec(problem: SizingProblem, regime: Regime | None, reduce: bool,
          drop: frozenset[str] | set[str], pv_built: bool, physical: bool | None) -> _Spec:
    p = problem
    reg = regime or Regime("standard", p.export_price_per_kwh)
    if reduce and p.battery.active:
        raise SolverInputError("the reduced PV-only layout cannot model a battery")
    return _Spec(
        p=p, reg=reg, reduce=reduce, drop=frozenset(drop), pv_built=pv_built,
        phys=(not p.allow_simultaneous_import_export) if physical is None else bool(physical),
        avail=p.production_kw_per_kwp * p.costs.production_levelization,
        fixed=p.costs.fixed_capex if pv_built else 0.0,
    )


@dataclass(frozen=True)
class _Steps:
    """Bounds on the sizes and, per step (bool arrays of shape (T,)), which columns exist."""

    x_lo: np.ndarray  # least kWp of each plane
    x_hi: np.ndarray  # greatest kWp of each plane (the column bound)
    x_red: np.ndarray  # x_hi capped by the total and budget limits (for the reductions)
    g_lo: np.ndarray  # least PV output of each step within those bounds [kW]
    g_hi: np.ndarray  # greatest PV output of each step [kW] (may be inf)
    gmax: np.ndarray  # g_hi in the reduced layout, inf in the full one [kW]
    export_cap: np.ndarray  # most a step can export under the rule [kW]
    implicit: np.ndarray  # pv_to_load equals the PV output, no column (reduced layout)
    has_l: np.ndarray  # pv_to_load
    has_e: np.ndarray  # pv_to_grid
    has_cp: np.ndarray  # pv_to_battery
    has_cg: np.ndarray  # grid_to_battery
    has_b: np.ndarray  # battery discharge and state of charge
    has_z: np.ndarray  # import-or-export choice z_t of the behind-the-meter rule
    sure: np.ndarray  # PV surely covers the load: pv_to_load = load, z_t = 1 (no battery)
    sure_z: np.ndarray  # z_t = 1 by its bounds (battery, surplus beyond any charging power)
    c_max: float  # largest charging power of a step [kW]


@dataclass
class _Columns:
    """The column layout: index of each size, peak and per-step flow, and column bounds."""

    x: np.ndarray  # column of each plane's kWp
    be: int  # battery kWh column or -1
    bp: int  # battery kW column or -1
    peak: np.ndarray  # column of each demand-charge window's peak import
    fam: dict[str, np.ndarray]  # per-step column or -1, for l, e, cp, cg, d, w, z
    lo: np.ndarray
    hi: np.ndarray
    implicit: np.ndarray
    avail: np.ndarray

    def fam_expr(self, name: str, coef: np.ndarray | float) -> LinExpr:
        """sum_t coef_t * family_t over present steps (pv_to_load includes implicit steps)."""
        idx = self.fam[name]
        cf = np.broadcast_to(np.asarray(coef, dtype=float), idx.shape)
        m = idx >= 0
        e = LinExpr(idx[m], cf[m].copy())
        if name == "l" and self.implicit.any():
            imp = self.implicit
            e = e + LinExpr(self.x.copy(), (cf[imp, None] * self.avail[imp]).sum(axis=0))
        return e

    def entries(self, name: str, rows: np.ndarray, coef: np.ndarray | float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, value) triplets of a per-step family, skipping absent steps."""
        col = self.fam[name]
        m = col >= 0
        cf = np.broadcast_to(np.asarray(coef, dtype=float), col.shape)
        return rows[m], col[m], cf[m]


@dataclass
class _Rows:
    """Rows appended block by block as sparse triplets, with each group's row indices and,
    for per-step groups, each row's time step and window (``LinearModel.row_steps``)."""

    i: list[np.ndarray] = field(default_factory=list)
    j: list[np.ndarray] = field(default_factory=list)
    v: list[np.ndarray] = field(default_factory=list)
    lower: list[np.ndarray] = field(default_factory=list)
    upper: list[np.ndarray] = field(default_factory=list)
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    steps: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    n: int = 0

    def block(self, name: str, i: np.ndarray, j: np.ndarray, v: np.ndarray,
              blo: np.ndarray, bhi: np.ndarray, step: np.ndarray | None = None,
              key: np.ndarray | None = None) -> None:
        """Append rows; ``step``/``key`` record each row's time step and window."""
        k = blo.shape[0]
        self.i.append(i + self.n)
        self.j.append(j)
        self.v.append(v)
        self.lower.append(blo)
        self.upper.append(bhi)
        self.groups[name] = np.arange(self.n, self.n + k)
        if step is not None:
            self.steps[name] = (step, np.zeros(k, dtype=np.int64) if key is None else key)
        self.n += k

    def row(self, name: str, e: LinExpr, rlo: float, rhi: float) -> None:
        """Append one row ``rlo <= e <= rhi``."""
        self.block(name, np.zeros(e.idx.shape[0], dtype=np.int64), e.idx, e.val,
                   np.array([rlo - e.const]), np.array([rhi - e.const]))

    def matrix(self, n_cols: int) -> sp.csc_matrix:
        mat = sp.csc_matrix(
            (np.concatenate(self.v), (np.concatenate(self.i), np.concatenate(self.j))),
            shape=(self.n, n_cols),
        )
        mat.sum_duplicates()
        return mat


# -------------------------------------------------------------------------------------------
# Columns
# -------------------------------------------------------------------------------------------
def _size_bounds(s: _Spec) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """Per-plane bounds [kWp], the cap on the total and the per-plane bound it implies
    (never tighter than the LP allows)."""
    p, drop = s.p, s.drop
    x_lo = np.zeros(s.p.n_planes) if ("plane_min_kwp" in drop or not s.pv_built) \
        else p.plane_min_kwp.copy()
    x_hi = np.zeros(p.n_planes) if not s.pv_built else p.plane_max_kwp.copy()
    x_lo = np.minimum(x_lo, x_hi)
    total_cap = min(p.max_total_kwp if "max_total_kwp" not in drop else math.inf,
                    p.interconnection_limit_kw if "interconnection_limit_kw" not in drop
                    else math.inf, s.reg.max_total_kwp)
    if ("capital_budget" not in drop and p.costs.pv_capex_per_kwp > 0
            and math.isfinite(p.capital_budget)):
        total_cap = min(total_cap,
                        max(p.capex_budget - s.fixed, 0.0) / p.costs.pv_capex_per_kwp)
    return x_lo, x_hi, total_cap, np.minimum(x_hi, total_cap)


def _classify(s: _Spec) -> _Steps:
    """Which flows and binaries each step needs (see :mod:`solver.pv_only` for the
    reductions and :mod:`solver.physical` for the behind-the-meter rule)."""
    p, bat, use_bat, reg = s.p, s.bat, s.use_bat, s.reg
    a, b, load, e_lim, dt = (p.import_price_per_kwh, reg.export_price_per_kwh, p.load_kw,
                             p.export_limit_kw, p.step_hours)
    n_t = s.n_t
    x_lo, x_hi, total_cap, x_red = _size_bounds(s)
    can_produce = (s.avail[:, x_hi > 0] > 0).any(axis=1)
    # Largest / smallest PV output each step can have within the size bounds [kW].
    s_lo = p.min_total_kwp if ("min_total_kwp" not in s.drop and s.pv_built) else 0.0
    g_lo, g_hi = output_range(s.avail, x_lo, x_red, s_lo, total_cap)
    # Behind-the-meter rule (solver.physical): only steps paying more for exports than for
    # imports can tempt the LP to import and export at once.
    conflict = (np.asarray(b > a) & (e_lim > 0)) if s.phys else np.zeros(n_t, dtype=bool)
    # The most a conflict step can export under the rule [kW]: PV beyond the part of the
    # load that the battery cannot cover (without one, PV beyond the load).
    d_max = 0.0
    if use_bat:
        d_max = min(bat.max_kw, bat.max_c_rate * bat.max_kwh,
                    (1.0 - bat.min_soc_fraction) * bat.max_kwh * bat.discharge_efficiency / dt)
    with np.errstate(invalid="ignore"):
        export_cap = np.minimum(e_lim, np.maximum(g_hi - load + np.minimum(load, d_max), 0.0))
    no_export = conflict & (export_cap <= 0)
    if s.reduce:
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
                    (1.0 - bat.min_soc_fraction) * bat.max_kwh / (bat.charge_efficiency * dt))
    sure_z = has_z & use_bat & (g_lo - load >= c_max) & (not reg.exports_within_imports)
    return _Steps(x_lo=x_lo, x_hi=x_hi, x_red=x_red, g_lo=g_lo, g_hi=g_hi, gmax=gmax,
                  export_cap=export_cap, implicit=implicit, has_l=has_l, has_e=has_e,
                  has_cp=has_b & can_produce, has_cg=has_cg, has_b=has_b, has_z=has_z,
                  sure=sure, sure_z=sure_z, c_max=c_max)


def _columns(s: _Spec, st: _Steps) -> _Columns:
    """Sizes, battery, peaks, then one family of per-step flows after another; bounds."""
    p, bat, load = s.p, s.bat, s.p.load_kw
    n_t, n_p, n_k = s.n_t, p.n_planes, len(p.demand_charges)
    col = 0
    x_idx = np.arange(col, col + n_p)
    col += n_p
    be_idx = bp_idx = -1
    if s.use_bat:
        be_idx, bp_idx = col, col + 1
        col += 2
    d_idx = np.arange(col, col + n_k)
    col += n_k
    fam: dict[str, np.ndarray] = {}
    for name, mask in (("l", st.has_l), ("e", st.has_e), ("cp", st.has_cp),
                       ("cg", st.has_cg), ("d", st.has_b), ("w", st.has_b), ("z", st.has_z)):
        idx = np.full(n_t, -1, dtype=np.int64)
        k = int(mask.sum())
        idx[mask] = np.arange(col, col + k)
        col += k
        fam[name] = idx
    lo = np.zeros(col)
    hi = np.full(col, math.inf)
    lo[x_idx], hi[x_idx] = st.x_lo, st.x_hi
    if s.use_bat:
        drop_bmin = "battery_min" in s.drop
        lo[be_idx] = 0.0 if drop_bmin else bat.min_kwh
        hi[be_idx] = bat.max_kwh
        lo[bp_idx] = 0.0 if drop_bmin else bat.min_kw
        hi[bp_idx] = bat.max_kw
    m_l = fam["l"] >= 0
    hi[fam["l"][m_l]] = load[m_l]
    m_e = fam["e"] >= 0
    hi[fam["e"][m_e]] = p.export_limit_kw
    m_z = fam["z"] >= 0
    hi[fam["z"][m_z]] = 1.0
    lo[fam["z"][st.sure_z]] = 1.0
    m_s = st.sure & (fam["l"] >= 0)
    lo[fam["l"][m_s]] = load[m_s]
    if s.use_bat and not bat.grid_charging:
        # A battery that may not charge from the grid charges only from PV beyond the load
        # (behind the meter, PV serves the load first: PV "to the battery" while the grid
        # serves the load is grid charging on the meter). cp <= (g - load)+ is not convex
        # in the sizes; (g_hi - load)+ relaxes it, exactly so at the largest sizes. A
        # design below them has its dispatch solved on its own output (solver.design).
        m_cp = fam["cp"] >= 0
        surplus = np.maximum(st.g_hi - load, 0.0)
        hi[fam["cp"][m_cp]] = surplus[m_cp]
    return _Columns(x=x_idx, be=be_idx, bp=bp_idx, peak=d_idx, fam=fam, lo=lo, hi=hi,
                    implicit=st.implicit, avail=s.avail)


# -------------------------------------------------------------------------------------------
# Rows per step
# -------------------------------------------------------------------------------------------
def _pv_rows(s: _Spec, c: _Columns, rows: _Rows) -> None:
    """PV availability: l + e + cp - avail_t . x <= 0 in every step with a PV flow."""
    fam, steps = c.fam, s.steps
    pv_row = (fam["l"] >= 0) | (fam["e"] >= 0) | (fam["cp"] >= 0)
    t_pv = steps[pv_row]
    k_pv = t_pv.shape[0]
    r_of_t = np.full(s.n_t, -1, dtype=np.int64)
    r_of_t[t_pv] = np.arange(k_pv)
    ii, jj, vv = [], [], []
    for name in ("l", "e", "cp"):
        m = (fam[name] >= 0) & pv_row
        ii.append(r_of_t[m])
        jj.append(fam[name][m])
        vv.append(np.ones(int(m.sum())))
    sub = s.avail[t_pv]
    nz_t, nz_p = np.nonzero(sub)
    ii.append(nz_t)
    jj.append(c.x[nz_p])
    vv.append(-sub[nz_t, nz_p])
    rows.block("pv", np.concatenate(ii), np.concatenate(jj), np.concatenate(vv),
               np.full(k_pv, -math.inf), np.zeros(k_pv), step=t_pv)


def _battery_rows(s: _Spec, c: _Columns, rows: _Rows) -> None:
    """Load cover, cyclic state of charge, energy capacity, power and C-rate."""
    fam, steps, n_t, bat, load = c.fam, s.steps, s.n_t, s.bat, s.p.load_kw
    dt, eta_c, eta_d = s.p.step_hours, bat.charge_efficiency, bat.discharge_efficiency
    W = fam["w"]

    def block(name: str, parts: list[tuple[str, np.ndarray | float]],
              extra: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
              blo: np.ndarray, bhi: np.ndarray) -> None:
        trip = [c.entries(f, steps, k) for f, k in parts] + extra
        rows.block(name, np.concatenate([t[0] for t in trip]),
                   np.concatenate([t[1] for t in trip]),
                   np.concatenate([t[2] for t in trip]), blo, bhi, step=steps)

    ones = np.ones(n_t)
    # load: l + d <= load; where no PV flows to the load, the bound d <= load on the
    # column instead of a one-entry row (HiGHS solves a warm start, which skips its
    # presolve, several times slower with such rows).
    m_dl = fam["l"] < 0
    c.hi[fam["d"][m_dl]] = np.minimum(c.hi[fam["d"][m_dl]], load[m_dl])
    t_l = steps[~m_dl]
    rows.block("load", np.concatenate([np.arange(t_l.shape[0])] * 2),
               np.concatenate([fam["l"][t_l], fam["d"][t_l]]),
               np.ones(2 * t_l.shape[0]), np.full(t_l.shape[0], -math.inf),
               load[t_l].astype(float), step=t_l)
    # state of charge, cyclic: w_t - w_{t-1} - eta_c dt (cp + cg) + dt/eta_d d = 0, the
    # step before the first of the year (or of each cycle block) being the last one
    before = W[s.p.soc_step_before]
    block("soc", [("w", 1.0), ("cp", -eta_c * dt), ("cg", -eta_c * dt), ("d", dt / eta_d)],
          [(steps, before, -ones)], np.zeros(n_t), np.zeros(n_t))
    # energy capacity: w_t - (1 - m) E <= 0
    block("soc_cap", [("w", 1.0)],
          [(steps, np.full(n_t, c.be), np.full(n_t, -(1.0 - bat.min_soc_fraction)))],
          np.full(n_t, -math.inf), np.zeros(n_t))
    # power: cp + cg + d - B <= 0
    block("power", [("cp", 1.0), ("cg", 1.0), ("d", 1.0)],
          [(steps, np.full(n_t, c.bp), -ones)], np.full(n_t, -math.inf), np.zeros(n_t))
    if math.isfinite(bat.max_c_rate):
        rows.row("c_rate", LinExpr(np.array([c.bp, c.be]), np.array([1.0, -bat.max_c_rate])),
                 -math.inf, 0.0)


def _pv_charging_rows(s: _Spec, st: _Steps, c: _Columns, rows: _Rows) -> None:
    """A battery that may not charge from the grid charges from PV beyond the load:
    ``cp <= (g - load)+`` with ``g`` the step's PV output. The right side is convex in
    ``g``, so the rule is not; its tightest linear relaxation over the step's outputs
    ``g_lo <= g <= g_hi`` is the secant of ``(g - load)+`` (exact at both ends, and for
    every ``g`` where ``g_lo >= load``)::

        cp - k avail_t . x <= s_lo - k g_lo,   k = (s_hi - s_lo) / (g_hi - g_lo)

    with ``s = (g - load)+`` at either end. Steps whose largest output stays within the
    load have ``cp`` bounded to 0 (:func:`_columns`); steps without a finite largest output
    keep that bound only."""
    if not (s.use_bat and not s.bat.grid_charging):
        return
    load, fam = s.p.load_kw, c.fam
    g_lo, g_hi = st.g_lo, st.g_hi
    with np.errstate(invalid="ignore"):
        need = ((fam["cp"] >= 0) & np.isfinite(g_hi) & (g_hi > load) & (g_hi > g_lo)
                & ~c.implicit)
    t = s.steps[need]
    if not t.shape[0]:
        return
    s_lo = np.maximum(g_lo[t] - load[t], 0.0)
    s_hi = g_hi[t] - load[t]
    slope = (s_hi - s_lo) / (g_hi[t] - g_lo[t])
    sub = s.avail[t]
    nz_t, nz_p = np.nonzero(sub)
    k = t.shape[0]
    rows.block("pv_charge", np.concatenate([np.arange(k), nz_t]),
               np.concatenate([fam["cp"][t], c.x[nz_p]]),
               np.concatenate([np.ones(k), -slope[nz_t] * sub[nz_t, nz_p]]),
               np.full(k, -math.inf), s_lo - slope * g_lo[t], step=t)


def _physical_rows(s: _Spec, st: _Steps, c: _Columns, rows: _Rows) -> bool:
    """The behind-the-meter rule at conflict steps (:mod:`solver.physical`); returns
    whether a big-M had no finite bound (``LinearModel.big_m_assumed``).

    ::

        e - M_e z <= 0                        z = 0: no export
        l + d - load z >= 0                   z = 1: PV and battery cover the load ...
        cg + M_c z <= M_c                     ... and nothing charges from the grid
        e + (load - g_lo) z - g - d <= -g_lo  z = 1: exports are PV beyond the load plus
        e - (g_hi - load) z - d <= 0          battery discharge, within [g_lo, g_hi]

    (the last two are the McCormick bounds of e <= (g - load) z + d; implied for z = 0).
    M_e, M_c are the tightest bounds the inputs give.
    """
    fam, load, use_bat, bat = c.fam, s.p.load_kw, s.use_bat, s.bat
    g_lo, g_hi = st.g_lo, st.g_hi
    big_m_assumed = False
    t_z = s.steps[st.has_z]
    if not t_z.shape[0]:
        return big_m_assumed
    fallback = BIG_M_FALLBACK * max(float(load.max(initial=0.0)), 1.0)
    m_e = st.export_cap[t_z]
    if not np.isfinite(m_e).all():
        big_m_assumed = True
        m_e = np.where(np.isfinite(m_e), m_e, fallback)
    k_z = t_z.shape[0]
    r_z = np.arange(k_z)
    z_col = fam["z"][t_z]
    rows.block("phys_export", np.concatenate([r_z, r_z]), np.concatenate([fam["e"][t_z], z_col]),
               np.concatenate([np.ones(k_z), -m_e]),
               np.full(k_z, -math.inf), np.zeros(k_z), step=t_z)
    # e + (load - g_lo) z - g - d <= -g_lo (solver.physical tightens it per set of sizes)
    sub = s.avail[t_z]
    nz_r, nz_p = np.nonzero(sub)
    ii = [r_z, r_z, nz_r]
    jj = [fam["e"][t_z], z_col, c.x[nz_p]]
    vv = [np.ones(k_z), load[t_z] - g_lo[t_z], -sub[nz_r, nz_p]]
    if use_bat:
        ii.append(r_z)
        jj.append(fam["d"][t_z])
        vv.append(-np.ones(k_z))
    rows.block("phys_cut", np.concatenate(ii), np.concatenate(jj), np.concatenate(vv),
               np.full(k_z, -math.inf), -g_lo[t_z], step=t_z)
    fin = np.isfinite(g_hi[t_z])
    if use_bat and fin.any():
        t_s = t_z[fin]
        k_s = t_s.shape[0]
        r = np.arange(k_s)
        rows.block("phys_surplus", np.concatenate([r, r, r]),
                   np.concatenate([fam["e"][t_s], fam["z"][t_s], fam["d"][t_s]]),
                   np.concatenate([np.ones(k_s), load[t_s] - g_hi[t_s], -np.ones(k_s)]),
                   np.full(k_s, -math.inf), np.zeros(k_s), step=t_s)
    t_i = t_z[load[t_z] > 0]
    k_i = t_i.shape[0]
    if k_i:
        r = np.arange(k_i)
        ii = [r, r]
        jj = [fam["l"][t_i], fam["z"][t_i]]
        vv = [np.ones(k_i), -load[t_i].astype(float)]
        if use_bat:
            ii.append(r)
            jj.append(fam["d"][t_i])
            vv.append(np.ones(k_i))
        rows.block("phys_import", np.concatenate(ii), np.concatenate(jj), np.concatenate(vv),
                   np.zeros(k_i), np.full(k_i, math.inf), step=t_i)
    if use_bat and bat.grid_charging:
        m_c = st.c_max
        if not math.isfinite(m_c):
            big_m_assumed = True
            m_c = fallback
        rows.block("phys_grid_charge", np.concatenate([r_z, r_z]),
                   np.concatenate([fam["cg"][t_z], z_col]),
                   np.concatenate([np.ones(k_z), np.full(k_z, m_c)]),
                   np.full(k_z, -math.inf), np.full(k_z, m_c), step=t_z)
    return big_m_assumed


def _demand_rows(s: _Spec, st: _Steps, c: _Columns, rows: _Rows) -> np.ndarray:
    """Demand charges: l + d - cg + D_k >= load_t for t in window k. Returns each window's
    peak load without PV [kW] (the demand savings are measured from it)."""
    p, fam, load, steps, implicit = s.p, c.fam, s.p.load_kw, s.steps, st.implicit
    peak0 = np.zeros(len(p.demand_charges))
    ii, jj, vv, blo, d_steps, d_keys = [], [], [], [], [], []
    r0 = 0
    for k, dc in enumerate(p.demand_charges):
        tw = steps[dc.window]
        if tw.shape[0] == 0:
            c.hi[c.peak[k]] = 0.0
            continue
        peak0[k] = float(load[tw].max())
        var_step = (fam["l"][tw] >= 0) | implicit[tw] | st.has_b[tw]
        # Steps without flow variables fix a lower bound on the peak.
        fixed_steps = tw[~var_step]
        if fixed_steps.shape[0]:
            c.lo[c.peak[k]] = max(c.lo[c.peak[k]], float(load[fixed_steps].max()))
        tv = tw[var_step]
        if s.reduce and tv.shape[0]:
            # A row can bind only if its load exceeds the smallest possible peak.
            g_cap = np.where(implicit[tw], st.gmax[tw], np.minimum(load[tw], st.gmax[tw]))
            lb_k = float(np.max(load[tw] - np.where(var_step, g_cap, 0.0)))
            c.lo[c.peak[k]] = max(c.lo[c.peak[k]], lb_k)
            tv = tv[load[tv] > lb_k]
        kk = tv.shape[0]
        if kk == 0:
            continue
        rr = r0 + np.arange(kk)
        ii.append(rr)
        jj.append(np.full(kk, c.peak[k]))
        vv.append(np.ones(kk))
        m = fam["l"][tv] >= 0
        ii.append(rr[m])
        jj.append(fam["l"][tv][m])
        vv.append(np.ones(int(m.sum())))
        imp = implicit[tv]
        if imp.any():
            sub = s.avail[tv[imp]]
            nz_r, nz_p = np.nonzero(sub)
            ii.append(rr[imp][nz_r])
            jj.append(c.x[nz_p])
            vv.append(sub[nz_r, nz_p])
        if s.use_bat:
            ii.append(rr)
            jj.append(fam["d"][tv])
            vv.append(np.ones(kk))
            if s.bat.grid_charging:
                ii.append(rr)
                jj.append(fam["cg"][tv])
                vv.append(-np.ones(kk))
        blo.append(load[tv].astype(float))
        d_steps.append(tv)
        d_keys.append(np.full(kk, k, dtype=np.int64))
        r0 += kk
    if r0:
        rows.block("demand", np.concatenate(ii), np.concatenate(jj), np.concatenate(vv),
                   np.concatenate(blo), np.full(r0, math.inf), step=np.concatenate(d_steps),
                   key=np.concatenate(d_keys))
    return peak0


# -------------------------------------------------------------------------------------------
# Year sums, the constraints on them, the objective
# -------------------------------------------------------------------------------------------
def _cols(idx: int | np.ndarray | list[int], val: float | np.ndarray | list[float]) -> LinExpr:
    i = np.atleast_1d(np.asarray(idx, dtype=np.int64))
    return LinExpr(i, np.broadcast_to(np.asarray(val, dtype=float), i.shape).copy())


def _expressions(s: _Spec, c: _Columns, peak0: np.ndarray) -> dict[str, LinExpr]:
    """The named year sums (``LinearModel.exprs``): sizes, money [currency], energy [kWh]
    and avoided CO2 [tCO2]."""
    p, cost, dt = s.p, s.p.costs, s.p.step_hours
    a, b, ef = p.import_price_per_kwh, s.reg.export_price_per_kwh, p.grid_tco2_per_kwh
    eta = s.bat.charge_efficiency * s.bat.discharge_efficiency
    capex = _cols(c.x, cost.pv_capex_per_kwp)
    om = _cols(c.x, cost.pv_om_per_kwp_year)
    if s.use_bat:
        capex = capex + _cols([c.be, c.bp], [cost.battery_capex_per_kwh,
                                             cost.battery_capex_per_kw])
        om = om + _cols([c.be, c.bp], [cost.battery_om_per_kwh_year,
                                       cost.battery_om_per_kw_year])
    charges = p.demand_charges
    exprs = {
        "total_kwp": _cols(c.x, 1.0), "capex": capex, "om": om,
        "prod_kwh": _cols(c.x, c.avail.sum(axis=0) * dt),
        "onsite_kwh": c.fam_expr("l", dt) + c.fam_expr("cp", dt),
        # PV generated = used on site + exported (curtailed PV is not generated)
        "generated_kwh": c.fam_expr("l", dt) + c.fam_expr("cp", dt) + c.fam_expr("e", dt),
        "served_kwh": c.fam_expr("l", dt) + c.fam_expr("cp", eta * dt),
        "energy_savings": (c.fam_expr("l", a * dt) + c.fam_expr("d", a * dt)
                           - c.fam_expr("cg", a * dt)),
        "export_revenue": c.fam_expr("e", b * dt),
        "demand_savings": LinExpr(
            c.peak.copy(), -np.array([dc.rate_per_kw for dc in charges]),
            float(sum(dc.rate_per_kw * pk for dc, pk in zip(charges, peak0, strict=True)))),
        "exported_kwh": c.fam_expr("e", dt),
    }
    if ef is not None:
        co2 = c.fam_expr("l", ef * dt) + c.fam_expr("d", ef * dt) - c.fam_expr("cg", ef * dt)
        if p.co2_counts_exports:
            co2 = co2 + c.fam_expr("e", ef * dt)
        exprs["co2_tco2"] = co2
    return exprs


def _self_consumption_row(onsite: LinExpr, exported: LinExpr, share: float) -> LinExpr:
    """Left side of the self-consumption floor ``onsite >= share x (onsite + exported)``,
    i.e. ``(1 - share) onsite - share exported >= 0`` (:class:`~solver.problem.SizingProblem`
    ``min_self_consumption``); the on-site part is left out at ``share = 1`` (no export)."""
    row = exported * -share
    if share < 1.0:
        row = onsite * (1.0 - share) + row
    return row


def _yearly_rows(s: _Spec, c: _Columns, rows: _Rows, exprs: dict[str, LinExpr],
                 max_payback_years: float | None, co2_target: float | None) -> None:
    """The constraint groups over the whole year (:data:`GROUPS`, net metering's)."""
    p, drop, dt, load = s.p, s.drop, s.p.step_hours, s.p.load_kw
    total_kwp, capex = exprs["total_kwp"], exprs["capex"]
    if p.min_total_kwp > 0 and "min_total_kwp" not in drop and s.pv_built:
        rows.row("min_total_kwp", total_kwp, p.min_total_kwp, math.inf)
    if math.isfinite(p.max_total_kwp) and "max_total_kwp" not in drop:
        rows.row("max_total_kwp", total_kwp, -math.inf, p.max_total_kwp)
    if math.isfinite(p.interconnection_limit_kw) and "interconnection_limit_kw" not in drop:
        rows.row("interconnection_limit_kw", total_kwp, -math.inf, p.interconnection_limit_kw)
    if math.isfinite(s.reg.max_total_kwp):
        rows.row("net_metering_limit_kw", total_kwp, -math.inf, s.reg.max_total_kwp)
    if s.reg.exports_within_imports:
        # exports <= imports  <=>  sum (e + l + d - cg) dt <= load energy
        bal = (c.fam_expr("e", dt) + c.fam_expr("l", dt) + c.fam_expr("d", dt)
               - c.fam_expr("cg", dt))
        rows.row("net_metering_balance", bal, -math.inf, float(load.sum() * dt))
    if math.isfinite(p.capital_budget) and "capital_budget" not in drop:
        rows.row("capital_budget", capex, -math.inf, p.capex_budget - s.fixed)
    if p.min_self_consumption > 0 and "min_self_consumption" not in drop:
        rows.row("min_self_consumption", _self_consumption_row(
            exprs["onsite_kwh"], exprs["exported_kwh"], p.min_self_consumption), 0.0, math.inf)
    if p.min_renewable_share > 0 and "min_renewable_share" not in drop:
        rows.row("min_renewable_share", exprs["served_kwh"],
                 p.min_renewable_share * float(load.sum() * dt), math.inf)
    if co2_target and co2_target > 0 and "min_co2_reduction" not in drop:
        if p.grid_tco2_per_kwh is None:
            raise SolverInputError("a CO2 target needs grid_tco2_per_kwh")
        rows.row("min_co2_reduction", exprs["co2_tco2"], co2_target, math.inf)
    if max_payback_years is not None and "max_payback" not in drop:
        n_y = float(max_payback_years)
        savings = exprs["energy_savings"] + exprs["export_revenue"] + exprs["demand_savings"]
        rows.row("max_payback", capex + exprs["om"] * n_y - savings * n_y, -math.inf, -s.fixed)


def _objective(s: _Spec, c: _Columns, exprs: dict[str, LinExpr], objective: str,
               tie_break: bool) -> tuple[np.ndarray, float]:
    """Cost vector and offset of the objective (minimised), tie-breaking costs included."""
    p, costs, dt = s.p, s.p.costs, s.p.step_hours
    if objective == "npv":
        savings = exprs["energy_savings"] + exprs["export_revenue"] + exprs["demand_savings"]
        obj = exprs["capex"] + exprs["om"] * costs.pwf_om - savings * costs.pwf_energy
    elif objective == "self_sufficiency":
        obj = exprs["served_kwh"] * -1.0
    elif objective == "co2":
        if "co2_tco2" not in exprs:
            raise SolverInputError("the CO2 objective needs grid_tco2_per_kwh")
        obj = exprs["co2_tco2"] * -1.0
    elif objective == "zero":
        obj = LinExpr.zero()
    else:
        raise SolverInputError(f"unknown objective {objective!r}")
    cost = obj.dense(c.lo.shape[0])
    if tie_break and objective != "zero":
        # Per kWh, TIE_BREAK times the objective's own value of a kWh.
        if objective == "npv":
            eps = _tie_break(p) * dt
        elif objective == "co2":
            ef = cast("np.ndarray", p.grid_tco2_per_kwh)  # set: checked for this objective
            eps = TIE_BREAK * dt * max(float(ef.max(initial=0.0)), 1e-9)
        else:
            eps = TIE_BREAK * dt
        for name in ("cp", "cg", "d", "e"):
            m = c.fam[name] >= 0
            cost[c.fam[name][m]] += eps
        m = c.fam["w"] >= 0
        cost[c.fam["w"][m]] += eps * 0.1
    return cost, obj.const


# -------------------------------------------------------------------------------------------
# The model
# -------------------------------------------------------------------------------------------
def build_model(
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
    s = _spec(problem, regime, reduce, drop, pv_built, physical)
    st = _classify(s)
    c = _columns(s, st)
    rows = _Rows()
    _pv_rows(s, c, rows)
    if s.use_bat:
        _battery_rows(s, c, rows)
        _pv_charging_rows(s, st, c, rows)
    big_m_assumed = _physical_rows(s, st, c, rows)
    peak0 = _demand_rows(s, st, c, rows)
    exprs = _expressions(s, c, peak0)
    co2_target = problem.min_co2_reduction_tco2 if co2_target_tco2 is None else co2_target_tco2
    _yearly_rows(s, c, rows, exprs, max_payback_years, co2_target)
    cost, offset = _objective(s, c, exprs, objective, tie_break)
    return LinearModel(
        problem=problem, regime=s.reg, cost=cost, offset=offset, matrix=rows.matrix(len(cost)),
        row_lower=np.concatenate(rows.lower) if rows.lower else np.zeros(0),
        row_upper=np.concatenate(rows.upper) if rows.upper else np.zeros(0),
        col_lower=c.lo, col_upper=c.hi, x=c.x, battery_kwh=c.be, battery_kw=c.bp,
        peak=c.peak, fam=c.fam, implicit_l=st.implicit, avail=s.avail, rows=rows.groups,
        exprs=exprs, reduced=reduce, pv_built=pv_built, row_steps=rows.steps,
        integer=c.fam["z"][st.has_z & ~st.sure_z], big_m_assumed=big_m_assumed,
        x_upper=st.x_red,
        build_args={"reduce": reduce, "objective": objective, "drop": frozenset(drop),
                    "pv_built": pv_built, "max_payback_years": max_payback_years,
                    "co2_target_tco2": co2_target_tco2, "tie_break": tie_break,
                    "physical": s.phys},
    )
