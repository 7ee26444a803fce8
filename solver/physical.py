"""The behind-the-meter rule: no grid import and export in the same step, solved exactly.

A meter sees the site's *net* flow. In a step the site either imports (load plus battery
charging exceed PV plus battery discharging) or exports the surplus, never both: PV serves
the load first, only the rest is exported, and a battery that discharges or charges does so
behind the same meter. The LP of :mod:`solver.build` has separate import and export flows and
may use both at once. This module adds the rule and solves the resulting MILP exactly (to a
relative tolerance), mostly with one or two LPs.

Where the rule matters
----------------------
**Claim.** In a step whose export price ``b_t`` (as passed, net-metering credit included) is
at most its import price ``a_t``, the LP never gains by importing and exporting at once, and
with ``b_t < a_t`` or the tie-break (:data:`solver.build.TIE_BREAK`) no optimal LP solution
does it. **Proof.** Take a solution with export ``e > 0`` and import
``(load - l - d) + c_g > 0`` at ``t``.

(i) If ``load - l - d > 0``, move ``delta = min(e, load - l - d)`` from ``e`` to ``l``. The PV
    row is unchanged; the objective changes by ``pwf (a_t - b_t) delta dt >= 0`` and the
    tie-break (which costs exports, not ``l``) falls by ``eps delta``; the import falls, so no
    demand peak rises; on-site use, PV energy served, avoided CO2 (exports count at most as
    much as on-site use) and the payback row's savings do not fall, nor does the
    self-consumption floor's ``(1 - r) onsite - r exported`` (it rises by ``delta``); the
    net-metering balance ``sum (e + l + d - c_g)`` is unchanged.
(ii) Else ``c_g > 0``: move ``delta = min(e, c_g)`` from ``e`` and ``c_g`` to ``c_pv``. The
    battery's charge, state of charge and power are unchanged; the objective changes by
    ``pwf (a_t - b_t) delta dt >= 0``, the tie-break falls by ``eps delta`` (``e`` and
    ``c_g`` are charged it, ``c_pv`` once), and the same checks hold.

After (i) and (ii) either ``e = 0`` or the import is 0. Both strictly improve the objective
when ``b_t < a_t`` (``pwf > 0``), and when ``b_t = a_t`` through the tie-break (the LP's only
reason to pick one of several equal dispatches), so no optimal LP solution imports and
exports at once there. So the rule binds only at *conflict steps*, ``b_t > a_t``, where (i)
and (ii) lose ``(b_t - a_t) delta`` and the LP prefers to sell PV and buy the load back
(e.g. a midday valley price below the export price).

The MILP
--------
:func:`solver.build.build_model` gives every conflict step that can export a column ``z_t``
and the rows::

    e_t <= M_e z_t                                z_t = 0: no export
    l_t + d_t >= load_t z_t                       z_t = 1: PV and battery cover the load
    c_g,t <= M_c (1 - z_t)                        ... and nothing charges from the grid
    e_t + (load_t - g_lo) z_t - g_t - d_t <= -g_lo    exports are PV beyond the load plus
    e_t - (g_hi - load_t) z_t - d_t <= 0              discharge (battery only)

``M_e`` is the largest export the step can have (export limit; PV at the largest sizes
beyond the part of the load a battery cannot cover), ``M_c`` the largest charging power,
``[g_lo, g_hi]`` the range of the step's PV output ``g_t`` over the allowed sizes; the last
two rows are the McCormick bounds of ``e_t <= (g_t - load_t) z_t + d_t``. Where the sizes
settle the choice no binary is needed: without a battery a conflict step whose PV can never
reach the load cannot export (its PV is self-consumed), and one whose PV always covers the
load self-consumes it (``z_t = 1``, except under net metering, where curtailing on site can
make room for exports elsewhere); with a battery a step whose PV surplus always exceeds the
largest charging power has ``z_t = 1``.

Without a battery the true value of PV output ``g`` at a conflict step is
``a min(g, load) + b min((g - load)^+, export limit)``: convex where an LP can only model
concave values, so the plain LP overestimates. With ``z_t`` relaxed to [0, 1] the rows give
its concave envelope over ``[g_lo, g_hi]`` (the chord), the tightest an LP can be.

Solution method (:func:`solve_physical`)
----------------------------------------
Every point reported is *physical*: from the sizes of an LP solution, without a battery the
greedy dispatch (:func:`greedy_flows`: self-consume, export up to the limit where paid,
curtail), which is the best physical dispatch of given sizes outside net metering (it
maximises ``l`` and ``l + e`` in every step, so every term and constraint is at its best);
with a battery the shifts (i)-(ii) above plus using curtailed PV (:func:`repair_flows`),
which keep the battery's schedule. A point counts only if it satisfies every row; its
objective bounds the optimum from one side, the LP's from the other.

* **Without a battery** the sizes decide every ``z_t``, so the search branches on sets of
  sizes (:class:`_BoxSearch`). Its root is the relaxation tightened by the limits on the
  total size, which usually proves the optimum at once (at a roof limit, or at a fixed
  total as in :func:`solver.curves.npv_curve`); otherwise a best-bound branch-and-bound
  over the total and the planes' sizes closes the gap in tens of LPs.
* **With a battery** the relaxation's point is improved by re-solving with ``z`` fixed to
  its export pattern (an exact LP for that pattern, at most ``improve_rounds`` times, not
  cut short by the clock), then HiGHS' branch-and-cut solves the MILP from it, to
  ``rel_gap`` or the time limit, where the search is small (:data:`MIP_SMALL_BINARIES`)
  or the caller's limit long (:data:`MIP_LONG_SEARCH_S`) with at least
  :data:`MIP_ROOT_FACTOR` times the relaxation's time left (else the pattern's point is
  the answer, with the relaxation's gap): below that limit the answer does not depend on
  the machine's speed.

The answer carries the remaining gap (:attr:`PhysicalOutcome.gap`, 0 when proven to
``rel_gap``) and every figure of the result is recomputed from the point by
:func:`solver.result.make_result`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.build import output_range
from solver.highs import HighsSession
from solver.linear import LinearModel, SolveOutcome
from solver.problem import SizingProblem

__all__ = [
    "MIP_REL_GAP",
    "MIP_TIME_LIMIT",
    "PhysicalOutcome",
    "conflict_steps",
    "gap_tolerance",
    "greedy_flows",
    "repair_flows",
    "solve_physical",
]

#: Relative optimality tolerance of the MILP (HiGHS' default ``mip_rel_gap``) [-].
MIP_REL_GAP = 1e-4
#: Time limit of the branch-and-cut stage when the caller gives none [s].
MIP_TIME_LIMIT = 10.0
#: Rounds of the fix-the-pattern improvement (step 4).
_IMPROVE_ROUNDS = 4
#: Branch-and-cut (step 5) runs only with at least this many times the relaxation's solve
#: time left: HiGHS solves the MILP's root LP from scratch after its own presolve (no warm
#: start; its "simplex" option is ignored for MIPs). Measured on the demo with a battery and
#: coal-benchmark exports (a year, 40,376 columns, 1,427 binaries): relaxation 1.9 s
#: warm-started, the MILP's root still unsolved after 28 s (57,188 simplex iterations in
#: 18 s), so with the default 4 s limit branch-and-cut ran 2-4 s and found nothing.
MIP_ROOT_FACTOR = 10.0
#: Branch-and-cut runs on a search of at most this many binaries whatever the time limit
#: (the tests' few-day problems: tens; it ends in well under a second), and on a larger one
#: only when the caller's time limit is at least :data:`MIP_LONG_SEARCH_S`. So with a
#: shorter limit, the default's 4 s included, the answer with a battery does not depend on
#: the machine's speed or load: the proposals of one scenario in two languages, planned
#: twice, were two designs (6,092 kWh / 1,439 kW and 6,112 kWh / 1,555 kW, 2026-12-08)
#: because the rounds of step 4 and the root-time test of step 5 read the clock.
MIP_SMALL_BINARIES = 400
#: A time limit asking for a long search [s] (module docstring, step 5).
MIP_LONG_SEARCH_S = 30.0


def conflict_steps(problem: SizingProblem, export_price_per_kwh: np.ndarray | None = None
                   ) -> np.ndarray:
    """Steps where the export price exceeds the import price (bool, shape (T,)).

    Only there can the plain LP import and export at once (module docstring); an export
    limit of 0 leaves none.
    """
    b = problem.export_price_per_kwh if export_price_per_kwh is None else export_price_per_kwh
    out = np.asarray(b) > problem.import_price_per_kwh
    if problem.export_limit_kw <= 0:
        out = np.zeros_like(out)
    return out


def _export_room_kwh(problem: SizingProblem, onsite_kwh: float, exported_kwh: float) -> float:
    """How much more PV may be exported [kWh] under the self-consumption floor
    ``onsite >= r (onsite + exported)`` (:class:`~solver.problem.SizingProblem`
    ``min_self_consumption`` = r): ``(1 - r) / r x onsite - exported``; inf without a floor."""
    r = problem.min_self_consumption
    if r <= 0:
        return math.inf
    return (1.0 - r) / r * onsite_kwh - exported_kwh


def _best_exports(extra_kw: np.ndarray, price: np.ndarray, room_kwh: float,
                  step_hours: float) -> np.ndarray:
    """``extra_kw`` cut to at most ``room_kwh`` in all, the best-paid steps kept first (a
    fractional knapsack: the most export revenue within the room)."""
    extra = np.asarray(extra_kw, dtype=float)
    kwh = extra * step_hours
    if room_kwh >= float(kwh.sum()):
        return extra
    if room_kwh <= 0:
        return np.zeros_like(extra)
    order = np.argsort(-np.asarray(price, dtype=float), kind="stable")
    before = np.cumsum(kwh[order]) - kwh[order]
    out = np.zeros_like(extra)
    out[order] = np.clip(room_kwh - before, 0.0, kwh[order]) / step_hours
    return out


def greedy_flows(problem: SizingProblem, kwp: np.ndarray,
                 export_price_per_kwh: np.ndarray | None = None) -> dict:
    """The physical PV-only dispatch of given sizes, in closed form.

    PV serves the load, the surplus is exported up to the export limit where exports are
    paid (curtailed where they earn nothing, as the LP's tie-break does), the rest is
    curtailed. Under a self-consumption floor (``min_self_consumption`` = r) the year's
    exports are cut to ``(1 - r) / r`` x the PV used on site, the best-paid steps kept
    (the rest is curtailed). Outside net metering this is the best physical dispatch of the
    sizes for the NPV.

    Parameters
    ----------
    problem : SizingProblem
        The problem (its battery is ignored).
    kwp : array, shape (P,)
        PV capacity per plane [kWp].
    export_price_per_kwh : array, shape (T,), optional
        Export price of the regime [currency/kWh]; default the problem's.

    Returns
    -------
    dict
        Flows in the layout of :meth:`solver.linear.LinearModel.flows` [kW], [kWh].
    """
    p = problem
    b = p.export_price_per_kwh if export_price_per_kwh is None else export_price_per_kwh
    x = np.maximum(np.asarray(kwp, dtype=float), 0.0)
    g = p.production_kw_per_kwp @ x * p.costs.production_levelization
    load_served = np.minimum(g, p.load_kw)
    export = np.where(np.asarray(b) > 0, np.minimum(g - load_served, p.export_limit_kw), 0.0)
    export = _best_exports(export, b, _export_room_kwh(
        p, float(load_served.sum() * p.step_hours), 0.0), p.step_hours)
    zero = np.zeros_like(g)
    return {"kwp": x, "pv_available": g, "l": load_served, "e": export, "cp": zero,
            "cg": zero.copy(), "d": zero.copy(), "w": zero.copy(), "soc": zero.copy(),
            "battery_kwh": 0.0, "battery_kw": 0.0}


def repair_flows(problem: SizingProblem, flows: dict,
                 export_price_per_kwh: np.ndarray | None = None, *,
                 net_metering: bool = False) -> dict:
    """Make a dispatch physical without touching sizes or the battery's schedule.

    In every step with both import and export it applies shifts (i) and (ii) of the module
    docstring (export to the load, then export replacing grid charging); then, outside net
    metering, curtailed PV serves any remaining import (load, then grid charging), or is
    exported (up to the limit, where paid) when nothing is imported, and, under a
    self-consumption floor, only as far as the floor allows (best-paid steps first: the
    shifts before raise on-site use and lower exports, so they keep the floor). Battery
    charge, discharge and state of charge are unchanged, so the battery rows still hold.
    """
    p = problem
    b = p.export_price_per_kwh if export_price_per_kwh is None else export_price_per_kwh
    out = dict(flows)
    load = p.load_kw
    g = p.production_kw_per_kwp @ np.maximum(flows["kwp"], 0.0) * p.costs.production_levelization
    on_site = np.minimum(np.maximum(flows["l"], 0.0), load).astype(float)
    e = np.maximum(flows["e"], 0.0).astype(float)
    cp = np.maximum(flows["cp"], 0.0).astype(float)
    cg = np.maximum(flows["cg"], 0.0).astype(float)
    d = np.maximum(flows["d"], 0.0).astype(float)
    # (i) exports to the load
    short = np.maximum(load - on_site - d, 0.0)
    s1 = np.minimum(e, short)
    on_site, e = on_site + s1, e - s1
    # (ii) exports replace grid charging
    s2 = np.minimum(e, cg)
    cp, cg, e = cp + s2, cg - s2, e - s2
    if not net_metering:
        curt = np.maximum(g - on_site - e - cp, 0.0)
        short = np.maximum(load - on_site - d, 0.0)
        s3 = np.minimum(curt, short)
        on_site = on_site + s3
        curt = curt - s3
        s5 = np.minimum(curt, cg)  # curtailed PV replaces grid charging
        cp, cg, curt = cp + s5, cg - s5, curt - s5
        importing = (load - on_site - d > 0) | (cg > 0)
        room = np.maximum(p.export_limit_kw - e, 0.0)
        s4 = np.where(~importing & (np.asarray(b) > 0), np.minimum(curt, room), 0.0)
        dt = p.step_hours
        s4 = _best_exports(s4, b, _export_room_kwh(
            p, float((on_site + cp).sum() * dt), float(e.sum() * dt)), dt)
        e = e + s4
    out.update({"l": on_site, "e": e, "cp": cp, "cg": cg, "d": d})
    return out


@dataclass
class PhysicalOutcome:
    """A solve under the behind-the-meter rule.

    Attributes
    ----------
    outcome : SolveOutcome
        Status, the physical point's columns and objective (minimised), and timing.
    flows : dict or None
        Its flows (:meth:`solver.linear.LinearModel.flows` layout), physical.
    bound : float
        Best bound on the minimised objective (the MILP's optimum is >= it).
    gap : float
        ``objective - bound`` >= 0: by how much the true optimum could beat the point, in
        objective units (currency for NPV) [-].
    method : str
        ``"lp"`` (no binary), ``"relaxation"`` (proven at the relaxation, or the root of
        the search over sizes), ``"boxes"`` (branch-and-bound over sizes), ``"pattern"``
        (an export pattern's LP), ``"milp"`` (HiGHS' branch-and-cut).
    """

    outcome: SolveOutcome
    flows: dict | None
    bound: float
    gap: float
    method: str

    @property
    def proven(self) -> bool:
        """Whether the point is optimal to the tolerance it was solved with."""
        return self.outcome.status == "optimal"


class _Checker:
    """Row/column feasibility and objective of points, on the session's current LP."""

    def __init__(self, sess: HighsSession) -> None:
        lp = sess.h.getLp()
        a = lp.a_matrix_
        n, m = int(lp.num_col_), int(lp.num_row_)
        self.matrix = sp.csc_matrix(
            (np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_)), shape=(m, n))
        self.row_lo = np.asarray(lp.row_lower_, dtype=float)
        self.row_hi = np.asarray(lp.row_upper_, dtype=float)
        # Rows the session has left out (lazy rows) still bind every point.
        off = np.nonzero(sess.inactive)[0]
        self.row_lo[off] = sess.model.row_lower[off]
        self.row_hi[off] = sess.model.row_upper[off]
        self.col_lo = np.asarray(lp.col_lower_, dtype=float)
        self.col_hi = np.asarray(lp.col_upper_, dtype=float)
        self.cost = np.asarray(lp.col_cost_, dtype=float)
        self.offset = float(lp.offset_)

    def objective(self, v: np.ndarray) -> float:
        return float(self.cost @ v + self.offset)

    def feasible(self, v: np.ndarray, rel_tol: float = 1e-6) -> bool:
        act = self.matrix @ v
        tol_r = rel_tol * np.maximum(1.0, np.abs(act))
        tol_c = rel_tol * np.maximum(1.0, np.abs(v))
        return bool(((act >= self.row_lo - tol_r) & (act <= self.row_hi + tol_r)).all()
                    and ((v >= self.col_lo - tol_c) & (v <= self.col_hi + tol_c)).all())


def point_from_flows(model: LinearModel, flows: dict) -> np.ndarray:
    """Column vector of ``model`` for given sizes and flows; ``z_t = 1`` where exporting and
    each demand peak the window's maximum import."""
    v = np.zeros(model.n_cols)
    v[model.x] = flows["kwp"]
    if model.battery_kwh >= 0:
        v[model.battery_kwh] = flows["battery_kwh"]
        v[model.battery_kw] = flows["battery_kw"]
    for name in ("l", "e", "cp", "cg", "d", "w"):
        col = model.fam[name]
        m = col >= 0
        v[col[m]] = np.asarray(flows[name])[m]
    z_col = model.fam.get("z")
    if z_col is not None:
        m = z_col >= 0
        v[z_col[m]] = np.maximum((np.asarray(flows["e"])[m] > 0).astype(float),
                                 model.col_lower[z_col[m]])
    p = model.problem
    imp = p.load_kw - flows["l"] - flows["d"] + flows["cg"]
    for k, dc in enumerate(p.demand_charges):
        peak = float(imp[dc.window].max()) if dc.window.any() else 0.0
        v[model.peak[k]] = max(peak, float(model.col_lower[model.peak[k]]))
    return v


def _candidates(model: LinearModel, colvals: np.ndarray) -> list[dict]:
    """Physical dispatches at the sizes of a column solution (step 2)."""
    p = model.problem
    b = model.regime.export_price_per_kwh
    nem = model.regime.exports_within_imports
    flows = model.flows(colvals)
    out = []
    if model.battery_kwh < 0:
        out.append(greedy_flows(p, np.asarray(flows["kwp"]), b))
    out.append(repair_flows(p, flows, b, net_metering=nem))
    return out


def _best_point(model: LinearModel, check: _Checker, colvals: np.ndarray
                ) -> tuple[np.ndarray, dict, float] | None:
    """The best feasible physical point at the sizes of ``colvals``, or None."""
    best = None
    for fl in _candidates(model, colvals):
        v = point_from_flows(model, fl)
        if not check.feasible(v):
            continue
        obj = check.objective(v)
        if best is None or obj < best[2]:
            best = (v, fl, obj)
    return best


def gap_tolerance(problem: SizingProblem, objective: float,
                  rel_gap: float = MIP_REL_GAP) -> float:
    """Absolute optimality gap accepted: ``rel_gap`` of the objective, and at least 1e-9 of
    the baseline lifecycle bill (so that an NPV near 0 asks no impossible relative gap)."""
    p = problem
    scale = p.costs.pwf_energy * float(p.import_price_per_kwh @ p.load_kw) * p.step_hours
    return max(rel_gap * abs(objective), 1e-9 * scale, 1e-9)


def _tolerance(model: LinearModel, objective: float, rel_gap: float) -> float:
    return gap_tolerance(model.problem, objective, rel_gap)


def _fix_pattern(sess: HighsSession, model: LinearModel, flows: dict | None) -> None:
    """Fix the binaries to the export pattern of ``flows`` (or free them when None)."""
    z = np.asarray(model.integer, dtype=np.int32)
    if flows is None:
        zl, zu = np.zeros(z.shape[0]), np.ones(z.shape[0])
    else:
        steps = np.nonzero(model.fam["z"] >= 0)[0]
        step_of = dict(zip(model.fam["z"][steps].tolist(), steps.tolist(), strict=True))
        on = np.asarray(flows["e"])[[step_of[int(c)] for c in z]] > 0
        zl = zu = on.astype(float)
    sess.h.changeColsBounds(int(z.shape[0]), z, zl, zu)


class _BoxSearch:
    """Spatial branch-and-bound over the PV sizes (PV only; module docstring, step 5).

    Without a battery the sizes ``x`` decide the physical dispatch (``z_t = 1`` iff the PV
    output ``g_t = lambda f_t . x`` reaches the load), so the search branches on sets of
    sizes: a box ``lo <= x <= hi`` cut by bounds on the total ``S_lo <= sum(x) <= S_hi``.
    Over such a set each step's output lies in a range ``[g_lo, g_hi]`` (a fractional
    knapsack, :func:`solver.build.output_range`). A step whose range lies on one side of the
    load has ``z_t`` fixed; one straddling it gets the export bound
    ``M_e = min(limit, g_hi - load)`` and the cut ``(load - g_lo) z - g <= -g_lo``, both
    valid for every physical point of the set, which make its relaxation the concave
    envelope of its true value over ``[g_lo, g_hi]``. The overestimate of a set therefore
    shrinks with the square of its width.

    Roof planes produce in similar hours, so the output of a step depends mostly on the
    total size: branching on the total (at the LP's total) narrows every step's range at
    once; a plane is split instead when pinning the total would leave the ranges wide.
    Sets are explored best bound first; each LP is a warm-started re-solve and its sizes
    give a physical point (a lower bound).
    """

    def __init__(self, sess: HighsSession, check: _Checker) -> None:
        model = sess.model
        self.sess = sess
        self.model = model
        self.check = check
        p = model.problem
        self.t_z = model.row_steps["phys_export"][0]
        self.z_col = model.fam["z"][self.t_z].astype(np.int32)
        self.x_col = np.asarray(model.x, dtype=np.int32)
        self.x_lo0 = model.col_lower[model.x].copy()
        self.x_hi0 = model.col_upper[model.x].copy()
        self.f = model.avail[self.t_z]
        self.load = p.load_kw[self.t_z].astype(float)
        self.e_lim = p.export_limit_kw
        self.nem = model.regime.exports_within_imports
        self.r_exp = model.rows["phys_export"].astype(np.int32)
        self.r_cut = model.rows["phys_cut"].astype(np.int32)
        mat = check.matrix
        self.exp_coef0 = np.asarray(mat[self.r_exp, :][:, self.z_col].diagonal()).ravel()
        self.cut_coef0 = np.asarray(mat[self.r_cut, :][:, self.z_col].diagonal()).ravel()
        self.exp_coef = self.exp_coef0.copy()
        self.cut_coef = self.cut_coef0.copy()
        # Weight of a step in the branching rule: the extra value of an exported over a
        # self-consumed kWh under the current objective (tiny where none).
        cost = check.cost
        l_col = model.fam["l"][self.t_z]
        self.c = np.maximum(cost[l_col] - cost[model.fam["e"][self.t_z]], 1e-12)
        self.s_lo, self.s_hi = self._sum_bounds()
        self.n_row0 = int(sess.h.getNumRow())
        self.total_row = -1
        self.nodes = 0

    def _sum_bounds(self) -> tuple[float, float]:
        """Bounds on the total size from rows on sizes only with equal coefficients (total
        kWp limits, the budget, a swept total)."""
        mat = self.check.matrix.tocsr()
        n_p = self.x_col.shape[0]
        is_x = np.zeros(mat.shape[1], dtype=bool)
        is_x[self.x_col] = True
        per_row = np.diff(mat.indptr)
        x_per_row = np.bincount(np.repeat(np.arange(mat.shape[0]), per_row),
                                weights=is_x[mat.indices], minlength=mat.shape[0])
        s_lo, s_hi = 0.0, math.inf
        for r in np.nonzero((per_row == n_p) & (x_per_row == n_p))[0]:
            vals = mat.data[mat.indptr[r]:mat.indptr[r + 1]]
            if not np.allclose(vals, vals[0]) or vals[0] <= 0:
                continue
            s_lo = max(s_lo, self.check.row_lo[r] / vals[0])
            s_hi = min(s_hi, self.check.row_hi[r] / vals[0])
        return s_lo, s_hi

    def root(self) -> tuple | None:
        """The set of all feasible sizes, or None if a plane is unbounded."""
        assert self.model.x_upper is not None  # set by build_model
        hi = np.minimum(self.x_hi0, self.model.x_upper)
        if not np.isfinite(hi).all():
            return None
        return self.tighten(self.x_lo0.copy(), hi.astype(float), self.s_lo,
                            min(self.s_hi, float(hi.sum())))

    @staticmethod
    def tighten(lo: np.ndarray, hi: np.ndarray, s_lo: float, s_hi: float) -> tuple | None:
        """Bounds implied by each other (box and total), or None if the set is empty."""
        s_lo = max(s_lo, float(lo.sum()))
        s_hi = min(s_hi, float(hi.sum()))
        lo = np.maximum(lo, s_lo - (hi.sum() - hi))
        hi = np.minimum(hi, s_hi - (lo.sum() - lo))
        tol = 1e-9 * max(1.0, float(np.abs(hi).sum()))
        if (lo > hi + tol).any() or s_lo > s_hi + tol:
            return None
        return lo, np.maximum(hi, lo), s_lo, max(s_hi, s_lo)

    def _set_coefs(self, rows: np.ndarray, new: np.ndarray, cur: np.ndarray) -> None:
        h = self.sess.h
        changed = np.nonzero(new != cur)[0]
        for i in changed:
            h.changeCoeff(int(rows[i]), int(self.z_col[i]), float(new[i]))
        cur[changed] = new[changed]

    def set_node(self, lo: np.ndarray, hi: np.ndarray, s_lo: float, s_hi: float) -> None:
        """Restrict the LP to a set of sizes (bounds, per-step fixings and chords)."""
        h = self.sess.h
        inf = self.sess._hs.kHighsInf
        n_p = self.x_col.shape[0]
        h.changeColsBounds(n_p, self.x_col, lo, hi)
        if self.total_row < 0:
            self.total_row = int(h.getNumRow())
            h.addRow(s_lo, s_hi, n_p, self.x_col.copy(), np.ones(n_p))
        else:
            h.changeRowBounds(self.total_row, s_lo, s_hi)
        g_lo, g_hi = output_range(self.f, lo, hi, s_lo, s_hi)
        z_hi = (g_hi > self.load).astype(float)
        # PV surely covering the load makes z = 1 optimal, except under net metering
        # (curtailing on site can make room for exports elsewhere; see solver.build).
        z_lo = np.minimum((g_lo >= self.load).astype(float), z_hi) * (not self.nem)
        k = self.z_col.shape[0]
        h.changeColsBounds(k, self.z_col, z_lo, z_hi)
        m_e = np.maximum(np.minimum(self.e_lim, g_hi - self.load), 0.0)
        self._set_coefs(self.r_exp, -m_e, self.exp_coef)
        self._set_coefs(self.r_cut, self.load - g_lo, self.cut_coef)
        h.changeRowsBounds(k, self.r_cut, np.full(k, -inf), -g_lo)  # type: ignore[attr-defined]

    def restore(self) -> None:
        """Undo every change (the session solves the plain relaxation again)."""
        h = self.sess.h
        inf = self.sess._hs.kHighsInf
        n_row = int(h.getNumRow())
        if n_row > self.n_row0:
            h.deleteRows(n_row - self.n_row0, np.arange(self.n_row0, n_row, dtype=np.int32))
        n_p = self.x_col.shape[0]
        h.changeColsBounds(n_p, self.x_col, self.x_lo0,
                           np.where(np.isinf(self.x_hi0), inf, self.x_hi0))
        k = self.z_col.shape[0]
        h.changeColsBounds(k, self.z_col, np.zeros(k), np.ones(k))
        self._set_coefs(self.r_exp, self.exp_coef0, self.exp_coef)
        self._set_coefs(self.r_cut, self.cut_coef0, self.cut_coef)
        h.changeRowsBounds(k, self.r_cut, np.full(k, -inf), np.zeros(k))  # type: ignore[attr-defined]

    def branch(self, node: tuple, x: np.ndarray) -> list[tuple]:
        """The two halves of a set: split the total, or the plane carrying most weight of
        the steps whose range straddles the load, at the LP's value (or the middle when
        that is near an end)."""
        lo, hi, s_lo, s_hi = node
        g_lo, g_hi = output_range(self.f, lo, hi, s_lo, s_hi)
        strad = (g_lo < self.load) & (g_hi > self.load)
        weight = self.c * strad
        total = float(np.clip(x.sum(), s_lo, s_hi))
        p_lo, p_hi = output_range(self.f, lo, hi, total, total)
        spread_now = weight @ (g_hi - g_lo)
        spread_pinned = weight @ (p_hi - p_lo)
        if s_hi - s_lo > 1e-9 * max(1.0, s_hi) and spread_pinned <= 0.5 * spread_now:
            w = s_hi - s_lo
            v = total if s_lo + 0.1 * w < total < s_hi - 0.1 * w else s_lo + 0.5 * w
            return [(lo, hi, s_lo, v), (lo, hi, v, s_hi)]
        width = hi - lo
        score = weight @ (self.f * width)
        if not (score > 0).any():
            score = width * self.f.sum(axis=0)
        i = int(np.argmax(score))
        w = width[i]
        v = float(np.clip(x[i], lo[i], hi[i]))
        if not (lo[i] + 0.1 * w < v < hi[i] - 0.1 * w):
            v = lo[i] + 0.5 * w
        hi_left = hi.copy()
        hi_left[i] = v
        lo_right = lo.copy()
        lo_right[i] = v
        return [(lo, hi_left, s_lo, s_hi), (lo_right, hi, s_lo, s_hi)]

    def run(self, best: tuple | None, tol: Callable[[float], float], deadline: float, *,
            branch: bool = True, max_nodes: int = 20000
            ) -> tuple[tuple | None, float, bool, SolveOutcome | None]:
        """Best-bound search from the set of all feasible sizes (``root()`` must not be
        None). Returns the best point (columns, flows, objective) or None, the bound, whether
        the search finished (every set pruned or empty), and the root LP's outcome."""
        import heapq

        sess = self.sess
        heap: list = []
        count = 0
        floor = math.inf  # least bound of the sets pruned by bound
        root_out: SolveOutcome | None = None

        def pruned(obj: float) -> bool:
            return best is not None and obj >= best[2] - tol(best[2])

        def evaluate(box: tuple | None) -> None:
            nonlocal best, count, floor, root_out
            node = self.tighten(*box) if box is not None else None
            if node is None:
                return
            self.set_node(*node)
            out = sess.solve()
            count += 1
            if root_out is None:
                root_out = out
            if out.status != "optimal" or out.colvals is None:
                return  # an empty set (the root's status is reported by the caller)
            cand = _best_point(self.model, self.check, out.colvals)
            if cand is not None and (best is None or cand[2] < best[2]):
                best = cand
            if pruned(out.objective):
                floor = min(floor, out.objective)
                return
            heapq.heappush(heap, (out.objective, count, node, out.colvals[self.model.x]))

        try:
            evaluate(self.root())
            while heap:
                node_bound, _, node, x = heap[0]
                if pruned(node_bound):
                    floor = min(floor, node_bound)
                    heap.clear()
                    break
                if not branch or count >= max_nodes or time.perf_counter() > deadline:
                    break
                heapq.heappop(heap)
                for child in self.branch(node, x):
                    evaluate(child)
        finally:
            self.restore()
            self.nodes = count
        if heap:
            return best, min(floor, min(n[0] for n in heap)), False, root_out
        return best, min(floor, best[2] if best is not None else math.inf), True, root_out


def solve_physical(sess: HighsSession, *, rel_gap: float = MIP_REL_GAP,
                   time_limit: float | None = None, branch: bool = True,
                   improve_rounds: int = _IMPROVE_ROUNDS) -> PhysicalOutcome:
    """Solve the session's model under the behind-the-meter rule (module docstring).

    Parameters
    ----------
    sess : HighsSession
        A session on a model built with the rule (``model.integer`` lists the ``z``
        columns), with its current objective and any added rows.
    rel_gap : float
        Relative optimality tolerance [-].
    time_limit : float, optional
        Time limit of the whole search [s]; default :data:`MIP_TIME_LIMIT`.
    branch : bool
        Whether to branch when the relaxation leaves a gap; False returns the best point
        found without branching, with its gap (status ``"time_limit"`` if above
        ``rel_gap``).
    improve_rounds : int
        Most export-pattern re-solves (with a battery).

    Returns
    -------
    PhysicalOutcome
        Status ``"optimal"`` (proven within ``rel_gap``), ``"time_limit"`` with the best
        point found, or the relaxation's failure status (``"infeasible"``, ...).
    """
    model = sess.model
    t0 = time.perf_counter()
    deadline = t0 + (time_limit if time_limit is not None else MIP_TIME_LIMIT)
    best: tuple | None = None
    bound = -math.inf
    method = "relaxation"

    def closed() -> bool:
        return best is not None and best[2] - bound <= _tolerance(model, best[2], rel_gap)

    def done(status: str = "optimal", message: str = "") -> PhysicalOutcome:
        v, fl, obj = best  # type: ignore[misc]
        out = SolveOutcome(status, v, obj, time.perf_counter() - t0, "highs", message,
                           bound=bound)
        return PhysicalOutcome(out, fl, bound, max(obj - bound, 0.0), method)

    def failed(out: SolveOutcome) -> PhysicalOutcome:
        out.seconds = time.perf_counter() - t0
        return PhysicalOutcome(out, None, bound, math.inf, method)

    if model.integer.shape[0] and model.battery_kwh < 0 and "phys_cut" in model.rows:
        # PV only: the search over sizes; its root is the relaxation tightened by the
        # limits on the total size (steps 1-3 and 5).
        check = _Checker(sess)
        search = _BoxSearch(sess, check)
        if search.root() is not None:
            best, bound, finished, root_out = search.run(
                None, lambda o: _tolerance(model, o, rel_gap), deadline, branch=branch)
            method = "relaxation" if search.nodes <= 1 else "boxes"
            if root_out is None or root_out.status == "infeasible":
                return failed(SolveOutcome("infeasible", None, math.nan, 0.0, "highs"))
            if root_out.status != "optimal":
                return failed(root_out)
            if best is not None:
                if finished or closed():
                    return done()
                if not branch:
                    return done("time_limit", "no branching: a gap remains")
                return done("time_limit", "branch-and-bound stopped at the time limit")
            if finished:
                return failed(SolveOutcome("infeasible", None, math.nan, 0.0, "highs"))
            # no physical point found by the search: branch-and-cut below
    relax = sess.solve()
    if relax.status != "optimal" or model.integer.shape[0] == 0:
        flows = None
        if relax.status == "optimal" and relax.colvals is not None:
            flows = model.flows(relax.colvals)
            if model.build_args.get("physical", False):
                # No conflict step: the LP is physical up to solver tolerance; the shifts
                # remove what is left and keep every row feasible (module docstring).
                flows = repair_flows(model.problem, flows, model.regime.export_price_per_kwh,
                                     net_metering=model.regime.exports_within_imports)
        return PhysicalOutcome(relax, flows, relax.objective, 0.0, "lp")
    bound = max(bound, relax.objective)
    check = _Checker(sess)
    assert relax.colvals is not None  # optimal
    cand = _best_point(model, check, relax.colvals)
    if cand is not None and (best is None or cand[2] < best[2]):
        best = cand
    if closed():
        return done()
    if best is not None:
        # Step 4: the exact LP of the current export pattern, while it improves.
        try:
            # Not cut short by the clock (MIP_SMALL_BINARIES): at most improve_rounds LPs.
            for _ in range(improve_rounds):
                _fix_pattern(sess, model, best[1])
                out = sess.solve()
                if out.status != "optimal" or out.colvals is None:
                    break
                cand = _best_point(model, check, out.colvals)
                if cand is None or cand[2] >= best[2]:
                    break
                improved = cand[2] < best[2] - _tolerance(model, best[2], rel_gap)
                best = cand
                method = "pattern"
                if closed() or not improved:
                    break
        finally:
            _fix_pattern(sess, model, None)
        if closed():
            return done()
    if not branch or time.perf_counter() > deadline:
        if best is None:
            return failed(SolveOutcome("time_limit", None, math.nan, 0.0, "highs"))
        return done("time_limit", "no branching: the gap of the relaxation remains")
    # Step 5: branch-and-cut on a small search, or on a large one given a long time limit
    # and time for its root (MIP_SMALL_BINARIES, MIP_ROOT_FACTOR).
    long_search = time_limit is not None and time_limit >= MIP_LONG_SEARCH_S
    if best is not None and model.integer.shape[0] > MIP_SMALL_BINARIES and not (
            long_search and deadline - time.perf_counter() >= MIP_ROOT_FACTOR * relax.seconds):
        return done("time_limit", "branch-and-cut left out: its root LP (solved from scratch) "
                    "would not finish in the time left")
    sess.h.setOptionValue("mip_abs_gap", _tolerance(model, best[2] if best else bound, 0.0))
    remaining = max(deadline - time.perf_counter(), 1.0)
    mip = sess.solve_mip(None if best is None else best[0], rel_gap=rel_gap,
                         time_limit=remaining)
    method = "milp"
    if mip.colvals is not None:
        cand = _best_point(model, check, mip.colvals)
        if cand is None:
            # The shifts moved the point outside a row's tolerance: keep the solver's own
            # point (integral, so physical up to the solver's tolerance).
            cand = (mip.colvals, model.flows(mip.colvals), mip.objective)
        if best is None or cand[2] < best[2]:
            best = cand
    if math.isfinite(mip.bound):
        bound = max(bound, mip.bound)
    if best is None:
        status = "infeasible" if mip.status in ("infeasible", "optimal") else mip.status
        return failed(SolveOutcome(status, None, math.nan, 0.0, "highs", mip.message))
    if closed() or mip.status == "optimal":
        return done()
    return done("time_limit", mip.message)
