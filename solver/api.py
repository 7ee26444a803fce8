"""Entry point: :func:`optimize` a :class:`~solver.problem.SizingProblem`.

Objectives
----------
``"max_npv"`` (default)
    Maximise the lifecycle NPV (= minimise lifecycle cost) subject to all constraints.
``"max_self_sufficiency"``
    Maximise the share of the load served by PV (directly or via the battery), subject to
    all constraints and, if ``max_payback_years`` is given, to a simple payback of at most
    that many years, linearised as ``capex <= N x (year-1 bill savings - year-1 O&M)``.
    Among the solutions with the highest share (to 1e-7 relative) the one with the best NPV
    is returned (a second, warm-started solve).
``"min_cost_for_co2"``
    Least lifecycle cost (maximum NPV) subject to avoiding at least ``co2_target_tco2``
    [tCO2/yr] (default ``problem.min_co2_reduction_tco2``).

Cases solved and compared
-------------------------
* export regimes: the tariff's export price, and, when ``net_metering_limit_kw`` is set,
  net metering (system <= limit, exports credited at the net-metering rate, exports <=
  imports over the year) - REopt's binary NEM choice made by enumeration;
* when ``Costs.fixed_capex > 0`` and the constraints allow no PV at all: "PV built" (LP NPV
  minus the fixed cost, budget reduced by it) and "no PV" (PV fixed at 0). The better is
  exact, because given that PV is built the fixed cost is a constant.

Each case is an LP unless the behind-the-meter rule (no import and export in the same
step, the default) meets steps whose export price exceeds the import price; then it is the
MILP of :mod:`solver.physical`, solved to a relative gap of 1e-4 within a time limit
(``search_time_limit_seconds``, else ``time_limit_seconds``, default 10 s per case).
Without a battery that search over sizes is fast and usually proves the optimum at its
root; with one, HiGHS' branch-and-cut may stop at the limit: the result then has status
``"feasible"``, its ``optimality_gap`` and a note.
With every plane's size fixed and no battery the physical dispatch is closed-form (no
solver call).

If no case is feasible, :class:`~solver.errors.InfeasibleProblemError` names the
conflicting constraints, found by relaxing constraint groups: a group infeasible on its own,
else the pairs of groups infeasible together; each named with the best value the other
constraint allows (e.g. the largest renewable share achievable within the budget).
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from solver.build import GROUPS, build_model
from solver.errors import InfeasibleProblemError, SolverInputError
from solver.highs import HighsSession, highs_available
from solver.linear import LinearModel, Regime, SolveOutcome, regimes
from solver.physical import gap_tolerance, greedy_flows, solve_physical
from solver.problem import SizingProblem
from solver.result import (
    SizingResult,
    binding_limits,
    charges_from_grid_unallowed,
    curtailing_limits,
    make_result,
)

__all__ = ["BACKENDS", "FACT_TEXTS", "OBJECTIVES", "Conflict", "Fact", "diagnose", "diagnose_conflicts",
           "optimize"]

OBJECTIVES = ("max_npv", "max_self_sufficiency", "min_cost_for_co2")
BACKENDS = ("auto", "pv_only", "highs", "cbc")

#: Relative tolerance of the first stage of lexicographic objectives.
_STAGE_TOL = 1e-7
#: Time limit of each feasibility probe of the diagnosis under the behind-the-meter rule [s].
_PROBE_LIMIT = 5.0


def _check_args(problem: SizingProblem, objective: str, backend: str,
                max_payback_years: float | None, co2_target_tco2: float | None) -> float | None:
    if not isinstance(problem, SizingProblem):
        raise SolverInputError("problem must be a solver.SizingProblem")
    if objective not in OBJECTIVES:
        raise SolverInputError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    if backend not in BACKENDS:
        raise SolverInputError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if max_payback_years is not None and not (max_payback_years > 0 and math.isfinite(max_payback_years)):
        raise SolverInputError(f"max_payback_years must be a positive number, got {max_payback_years!r}")
    target = co2_target_tco2
    if objective == "min_cost_for_co2":
        target = problem.min_co2_reduction_tco2 if target is None else target
        if not target or target <= 0:
            raise SolverInputError(
                "objective 'min_cost_for_co2' needs a CO2 target: pass co2_target_tco2 or set "
                "problem.min_co2_reduction_tco2 (tCO2/yr)"
            )
        if problem.grid_tco2_per_kwh is None:
            raise SolverInputError("objective 'min_cost_for_co2' needs grid_tco2_per_kwh")
    if target is not None and (target < 0 or not math.isfinite(target)):
        raise SolverInputError(f"co2_target_tco2 must be >= 0, got {target!r}")
    if target is not None and target > 0 and problem.grid_tco2_per_kwh is None:
        raise SolverInputError("a CO2 target needs grid_tco2_per_kwh")
    return target


def _method(problem: SizingProblem, backend: str) -> str:
    if backend == "pv_only":
        if problem.battery.active:
            raise SolverInputError("backend 'pv_only' cannot size a battery")
        return "pv_only"
    if backend == "cbc":
        return "cbc"
    if not highs_available():
        return "cbc"
    if backend == "highs":
        return "highs"
    return "highs" if problem.battery.active else "pv_only"


def _unbounded_error() -> SolverInputError:
    return SolverInputError(
        "the problem is unbounded: a kWp or kWh earns more than it costs and nothing limits "
        "the size; set plane_max_kwp / max_total_kwp, export_limit_kw or battery.max_kwh"
    )


class _Case:
    """One LP case (regime x PV built) solved by one method, with warm-started stages."""

    def __init__(self, problem: SizingProblem, regime: Regime, pv_built: bool, method: str,
                 objective: str, max_payback_years: float | None, co2_target: float | None,
                 time_limit: float | None, search_limit: float | None = None) -> None:
        self.problem = problem
        self.regime = regime
        self.pv_built = pv_built
        self.method = method
        self.objective = objective
        self.payback = max_payback_years
        self.co2 = co2_target
        self.time_limit = time_limit
        self.search_limit = search_limit
        self.gap = 0.0  # objective - best bound of the last solve [currency]
        self.model_big_m = False  # the rule's big-M had no finite bound
        self.search = "lp"  # how the behind-the-meter rule was solved (solver.physical)
        #: The HiGHS session of the last solve, kept when ``keep_session`` (a sweep of
        #: :mod:`solver.curves` re-solves it from its optimal basis).
        self.keep_session = False
        self.session: HighsSession | None = None
        #: The case's own best design (None until solved, or when it has none).
        self.result: SizingResult | None = None

    def solve(self) -> tuple[SolveOutcome, dict | None]:
        if self.method == "cbc":
            return self._solve_cbc()
        return self._solve_highs()

    def _build(self, objective: str) -> LinearModel:
        return build_model(
            self.problem, self.regime, reduce=self.method == "pv_only", objective=objective,
            pv_built=self.pv_built, max_payback_years=self.payback, co2_target_tco2=self.co2,
        )

    def _solve_highs(self) -> tuple[SolveOutcome, dict | None]:
        model = self._build("npv")
        if model.big_m_assumed:
            # Unbounded sizes and exports: the rule's assumed bound would hide that the
            # plain LP, and so the physical problem, is unbounded (both grow by the export
            # price per extra kWh).
            plain = HighsSession(build_model(
                self.problem, self.regime, reduce=self.method == "pv_only", objective="npv",
                pv_built=self.pv_built, max_payback_years=self.payback,
                co2_target_tco2=self.co2, physical=False), time_limit=self.time_limit)
            out = plain.solve()
            if out.status == "unbounded":
                return out, None
        sess = HighsSession(model, time_limit=self.time_limit)
        if self.keep_session:
            self.session = sess
        seconds = 0.0
        if self.objective == "max_self_sufficiency":
            served = model.exprs["served_kwh"]
            npv_cost = model.cost.copy()
            stage1 = build_model(
                self.problem, self.regime, reduce=self.method == "pv_only",
                objective="self_sufficiency", pv_built=self.pv_built,
                max_payback_years=self.payback, co2_target_tco2=self.co2,
            )
            sess.set_cost(stage1.cost, stage1.offset)
            first = solve_physical(sess, time_limit=self._search_limit())
            out = first.outcome
            seconds += out.seconds
            if first.flows is None or out.colvals is None:
                out.backend = self.method
                return out, None
            best = served.value(out.colvals)
            sess.add_row(served, best - _STAGE_TOL * max(abs(best), 1.0), math.inf)
            sess.set_cost(npv_cost, model.offset)
        res = solve_physical(sess, time_limit=self._search_limit())
        out = res.outcome
        out.seconds += seconds
        out.backend = self.method
        if res.flows is None:
            return out, None
        self.gap = res.gap
        self.search = res.method
        self.model_big_m = model.big_m_assumed
        return out, res.flows

    def _search_limit(self) -> float | None:
        """Time limit of the behind-the-meter search: the caller's, else the default."""
        return self.search_limit if self.search_limit is not None else self.time_limit

    def _solve_cbc(self) -> tuple[SolveOutcome, dict | None]:
        from solver.pulp_model import solve_pulp

        return solve_pulp(
            self.problem, self.regime, objective=self.objective, pv_built=self.pv_built,
            max_payback_years=self.payback, co2_target_tco2=self.co2,
            time_limit=self.time_limit,
        )


def _served(res: SizingResult) -> float:
    return res.totals["self_sufficiency_ratio"]


def optimize(
    problem: SizingProblem,
    objective: str = "max_npv",
    *,
    max_payback_years: float | None = None,
    co2_target_tco2: float | None = None,
    backend: str = "auto",
    time_limit_seconds: float | None = None,
    search_time_limit_seconds: float | None = None,
) -> SizingResult:
    """Size PV per roof plane (and a battery) optimally and return sizes and dispatch.

    Parameters
    ----------
    problem : SizingProblem
        Arrays, costs and constraints (see :mod:`solver.problem` for the model).
    objective : {"max_npv", "max_self_sufficiency", "min_cost_for_co2"}
        What to optimise (module docstring).
    max_payback_years : float, optional
        Upper bound on the simple payback [years] (any objective).
    co2_target_tco2 : float, optional
        Avoided-emissions target [tCO2/yr]; overrides ``problem.min_co2_reduction_tco2``.
    backend : {"auto", "pv_only", "highs", "cbc"}
        ``auto``: the exact reduced LP without a battery, the full LP with HiGHS with one,
        PuLP + CBC if highspy is missing or fails.
    time_limit_seconds : float, optional
        Time limit of each LP and of each case's search under the behind-the-meter rule
        [s]; default none for LPs and :data:`solver.physical.MIP_TIME_LIMIT` for searches.
    search_time_limit_seconds : float, optional
        Time limit of each case's search under the behind-the-meter rule only [s]
        (overrides ``time_limit_seconds`` there): the LPs run to their end, and a search
        out of time returns its best physical point with its gap.

    Returns
    -------
    SizingResult

    Raises
    ------
    SolverInputError
        Bad arguments, or an unbounded problem.
    InfeasibleProblemError
        The constraints cannot all hold; ``.conflicting`` names the groups.
    """
    return _optimize(problem, objective, max_payback_years=max_payback_years,
                     co2_target_tco2=co2_target_tco2, backend=backend,
                     time_limit_seconds=time_limit_seconds,
                     search_time_limit_seconds=search_time_limit_seconds)[0]


def _optimize(
    problem: SizingProblem,
    objective: str = "max_npv",
    *,
    max_payback_years: float | None = None,
    co2_target_tco2: float | None = None,
    backend: str = "auto",
    time_limit_seconds: float | None = None,
    search_time_limit_seconds: float | None = None,
    keep_sessions: bool = False,
) -> tuple[SizingResult, list[_Case]]:
    """:func:`optimize`, also returning the cases it solved (with their HiGHS sessions
    when ``keep_sessions``; none when the closed form answered)."""
    target = _check_args(problem, objective, backend, max_payback_years, co2_target_tco2)
    for name, limit in (("time_limit_seconds", time_limit_seconds),
                        ("search_time_limit_seconds", search_time_limit_seconds)):
        if limit is not None and not (limit > 0 and math.isfinite(limit)):
            raise SolverInputError(f"{name} must be a positive number of seconds, got {limit!r}")
    fixed = _fixed_pv_only(problem, objective, max_payback_years, target)
    if fixed is not None:
        return fixed, []
    method = _method(problem, backend)
    lp_objective = "max_self_sufficiency" if objective == "max_self_sufficiency" else "max_npv"
    # "No PV" competes with "PV built" only when the constraints allow no PV at all.
    no_pv_allowed = not (problem.plane_min_kwp > 0).any() and problem.min_total_kwp <= 0
    pv_cases = [True, False] if problem.costs.fixed_capex > 0 and no_pv_allowed else [True]
    results: list[SizingResult] = []
    notes: list[str] = []
    charging_bound = False  # a design's PV charging was bounded by its own PV
    seconds = 0.0
    upper = -math.inf  # best NPV any case could still reach (its bound)
    cases: list[_Case] = []
    for regime in regimes(problem):
        for pv_built in pv_cases:
            case = _Case(problem, regime, pv_built, method, lp_objective, max_payback_years,
                         target, time_limit_seconds, search_time_limit_seconds)
            case.keep_session = keep_sessions
            cases.append(case)
            out, flows = case.solve()
            if out.status == "error" and method != "cbc" and backend == "auto":
                # HiGHS failed on this case: fall back to CBC.
                notes.append(f"HiGHS failed ({out.message}); solved with CBC")
                case.method = "cbc"
                out, flows = case.solve()
            seconds += out.seconds
            if out.status == "unbounded":
                raise _unbounded_error()
            if out.status == "time_limit" and flows is None:
                raise SolverInputError(
                    f"the solver hit the time limit of {time_limit_seconds} s; raise it or "
                    "use hourly data"
                )
            if out.status not in ("optimal", "time_limit") or flows is None:
                if out.status not in ("infeasible",):
                    raise SolverInputError(f"the solver failed: {out.status} {out.message}")
                continue
            res = make_result(
                problem, flows, regime_name=regime.name,
                export_price_per_kwh=regime.export_price_per_kwh, objective=objective,
                backend=out.backend, seconds=out.seconds, optimality_gap=case.gap,
            )
            case.result = res
            if charges_from_grid_unallowed(problem, res):
                # The relaxation charged from PV the load needed (its PV is below the
                # largest): the design is its PV sizes with the battery and dispatch solved
                # on that PV's own output; the relaxation stays the case's bound.
                charging_bound = True
                own = own_pv_design(problem, res, objective=objective,
                                    max_payback_years=max_payback_years,
                                    co2_target_tco2=co2_target_tco2, backend=backend,
                                    time_limit_seconds=time_limit_seconds,
                                    search_time_limit_seconds=search_time_limit_seconds)
                seconds += own.solve_seconds
                upper = max(upper, res.npv + case.gap)
                results.append(own)
                continue
            if case.model_big_m:
                notes.append("an export or charging bound was missing: the behind-the-meter "
                             "rule used an assumed bound of 100 x the peak load per step")
            # The case's best NPV is at most this one plus its gap (a "PV built" solution
            # with no PV has not paid the fixed cost that any PV would).
            reach = res.npv + case.gap
            if pv_built and res.total_kwp <= 0:
                reach -= problem.costs.fixed_capex
            upper = max(upper, reach)
            if not pv_built or res.total_kwp > 0 or problem.costs.fixed_capex == 0:
                results.append(res)
    if not results:
        message, conflicting, conflicts = diagnose_conflicts(
            problem, max_payback_years=max_payback_years, co2_target_tco2=target)
        raise InfeasibleProblemError(message, conflicting, conflicts)
    if objective == "max_self_sufficiency":
        top = max(_served(r) for r in results)
        pool = [r for r in results if _served(r) >= top - 1e-6]
    else:
        pool = results
    best = max(pool, key=lambda r: r.npv)
    gap = max(upper - best.npv, 0.0) if objective != "max_self_sufficiency" else best.optimality_gap
    status = "optimal"
    if gap > gap_tolerance(problem, best.npv):
        status = "feasible"
        share = f"{gap / max(abs(best.npv), 1e-9):.2%}"
        notes.append(
            f"the battery charges only from PV beyond the load, bounded in the sizing by the "
            f"PV of the largest sizes: a design up to {gap:,.0f} better in NPV ({share}) may "
            "exist" if charging_bound else
            f"{_NOT_PROVEN}: a design up to {gap:,.0f} better in NPV ({share}) may exist; "
            "raise the time limit"
        )
    return replace(best, status=status, solve_seconds=seconds, optimality_gap=gap,
                   notes=tuple(dict.fromkeys(tuple(notes) + best.notes)),
                   binding=binding_limits(problem, best),
                   curtailing=curtailing_limits(problem, best)), cases


def own_pv_design(problem: SizingProblem, relaxed: SizingResult, **options: Any
                  ) -> SizingResult:
    """The design of a battery that may not charge from the grid at the PV sizes of
    ``relaxed``: its battery and dispatch solved on that PV's own output (exact at fixed
    PV sizes, :mod:`solver.build`), where ``relaxed`` charged from PV the load needed.

    Parameters
    ----------
    problem : SizingProblem
        The problem ``relaxed`` answered.
    relaxed : SizingResult
        Its relaxation's answer (:func:`solver.result.charges_from_grid_unallowed`).
    **options
        As for :func:`optimize` (``objective`` included).

    Returns
    -------
    SizingResult
        With ``optimality_gap``: how much more ``relaxed`` (and its own gap) could reach;
        notes of an unproven search of the fixed problem left out (the gap says it).
    """
    kwp = np.asarray(relaxed.kwp_per_plane, dtype=float)
    objective = options.pop("objective", "max_npv")
    own = _optimize(replace(problem, plane_min_kwp=kwp, plane_max_kwp=kwp), objective,
                    **options)[0]
    gap = max(relaxed.npv + relaxed.optimality_gap - own.npv, own.optimality_gap, 0.0)
    return replace(own, optimality_gap=gap,
                   notes=tuple(n for n in own.notes if not n.startswith(_NOT_PROVEN)))


#: How a note on a design not proven optimal within the time limit begins.
_NOT_PROVEN = "not proven optimal within the time limit"


def _fixed_pv_only(problem: SizingProblem, objective: str, max_payback_years: float | None,
                   co2_target: float | None) -> SizingResult | None:
    """Closed-form answer for fixed PV sizes without a battery, or None if not applicable.

    With every plane's size fixed, no battery and no net metering, the physical dispatch
    (self-consume, export up to the limit where paid, curtail) is optimal for every
    objective (:func:`solver.physical.greedy_flows`). Used when no constraint beyond the
    size bounds needs checking; otherwise the general path (an LP here: fixed sizes settle
    every import-or-export choice) decides feasibility and names conflicts.
    """
    p = problem
    if (p.allow_simultaneous_import_export or p.battery.active
            or p.net_metering_limit_kw is not None
            or not np.array_equal(p.plane_min_kwp, p.plane_max_kwp)
            or p.min_self_consumption > 0 or p.min_renewable_share > 0
            or (co2_target or 0.0) > 0 or max_payback_years is not None):
        return None
    kwp = np.asarray(p.plane_min_kwp, dtype=float)
    total = float(kwp.sum())
    capex = p.costs.pv_capex_per_kwp * total + (p.costs.fixed_capex if total > 0 else 0.0)
    if not (p.min_total_kwp <= total <= min(p.max_total_kwp, p.interconnection_limit_kw)
            and capex <= p.capex_budget):
        return None
    t0 = time.perf_counter()
    flows = greedy_flows(p, kwp)
    res = make_result(p, flows, regime_name="standard",
                      export_price_per_kwh=p.export_price_per_kwh, objective=objective,
                      backend="closed_form", seconds=0.0)
    return replace(res, solve_seconds=time.perf_counter() - t0,
                   binding=binding_limits(p, res), curtailing=curtailing_limits(p, res))


# ------------------------------------------------------------------------------------------
# Infeasibility diagnosis
# ------------------------------------------------------------------------------------------
def _active_groups(problem: SizingProblem, max_payback_years: float | None,
                   co2_target: float | None) -> list[str]:
    p = problem
    act = []
    if (p.plane_min_kwp > 0).any():
        act.append("plane_min_kwp")
    if p.min_total_kwp > 0:
        act.append("min_total_kwp")
    if math.isfinite(p.max_total_kwp):
        act.append("max_total_kwp")
    if math.isfinite(p.interconnection_limit_kw):
        act.append("interconnection_limit_kw")
    if math.isfinite(p.capital_budget):
        act.append("capital_budget")
    if p.battery.active and (p.battery.min_kwh > 0 or p.battery.min_kw > 0):
        act.append("battery_min")
    if p.min_self_consumption > 0:
        act.append("min_self_consumption")
    if p.min_renewable_share > 0:
        act.append("min_renewable_share")
    if co2_target and co2_target > 0:
        act.append("min_co2_reduction")
    if max_payback_years is not None:
        act.append("max_payback")
    return act


class _Prober:
    """Feasibility and best-value LPs on relaxed copies of the problem (HiGHS or CBC)."""

    def __init__(self, problem: SizingProblem, max_payback_years: float | None,
                 co2_target: float | None) -> None:
        self.p = problem
        self.payback = max_payback_years
        self.co2 = co2_target
        self.reduce = not problem.battery.active
        self.highs = highs_available()
        self.active = _active_groups(problem, max_payback_years, co2_target)

    def _model(self, keep: set[str]) -> LinearModel:
        drop = frozenset(g for g in GROUPS if g not in keep)
        return build_model(self.p, None, reduce=self.reduce, objective="zero", drop=drop,
                           max_payback_years=self.payback, co2_target_tco2=self.co2)

    def feasible(self, keep: set[str]) -> bool:
        if self.highs:
            # Under the behind-the-meter rule a feasible relaxation need not be physically
            # feasible (e.g. a payback bound counting on simultaneous trade): search.
            found = solve_physical(HighsSession(self._model(keep)), time_limit=_PROBE_LIMIT)
            return found.outcome.status != "infeasible"
        from solver.pulp_model import solve_pulp

        drop = frozenset(g for g in GROUPS if g not in keep)
        out, _ = solve_pulp(self.p, None, objective="zero", drop=drop,
                            max_payback_years=self.payback, co2_target_tco2=self.co2)
        return out.status != "infeasible"

    def best(self, keep: set[str], num: str, den: str | None = None,
             sense: str = "max") -> tuple[float, float, float] | None:
        """Best value of expr ``num`` (or of ratio num/den, by Dinkelbach's method) subject
        to the groups in ``keep``; returns (value, num value, den value) or None."""
        if not self.highs:
            return None
        model = self._model(keep)
        sess = HighsSession(model)
        e_num = model.exprs[num]
        sign = -1.0 if sense == "max" else 1.0
        if den is None:
            sess.set_cost(e_num.dense(model.n_cols) * sign, 0.0)
            out = sess.solve()
            if out.status != "optimal" or out.colvals is None:
                return None
            v = e_num.value(out.colvals)
            return v, v, 1.0
        e_den = model.exprs[den]
        lam = 0.0
        last = None
        for _ in range(30):
            c = (e_num.dense(model.n_cols) - lam * e_den.dense(model.n_cols)) * sign
            sess.set_cost(c, 0.0)
            out = sess.solve()
            if out.status != "optimal" or out.colvals is None:
                return last
            nv, dv = e_num.value(out.colvals), e_den.value(out.colvals)
            if dv <= 1e-9:
                return last
            new = nv / dv
            last = (new, nv, dv)
            if abs(new - lam) <= 1e-9 * max(1.0, abs(new)):
                break
            lam = new
        return last


def _fmt(v: float, unit: str = "") -> str:
    if abs(v) >= 1000 or float(v).is_integer():
        s = f"{v:,.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.3g}"
    return f"{s} {unit}".strip()


#: The English of each :class:`Fact` kind; ``{values}`` are the fact's figures, formatted.
FACT_TEXTS: dict[str, str] = {
    "plane_min_kwp": "the per-plane minimums ({kwp} kWp in all)",
    "min_total_kwp": "minimum total {kwp} kWp",
    "max_total_kwp": "maximum total {kwp} kWp",
    "interconnection_limit_kw": "interconnection limit {kw} kW",
    "capital_budget": "capital budget {money}",
    "battery_min": "minimum battery {kwh} kWh / {kw} kW",
    "min_self_consumption": "minimum self-consumption {percent} %",
    "min_renewable_share": "minimum renewable share {percent} %",
    "min_co2_reduction": "CO2 reduction target {tco2} tCO2/yr",
    "max_payback": "maximum simple payback {years} years",
    "group": "{name}",
    # what the other constraints allow (a conflict's hint)
    "most_self_consumption": "the site can absorb at most {percent} % of the PV output "
                             "({onsite} MWh of {produced} MWh)",
    "most_renewable_share": "PV can serve at most {percent} % of the load ({served} MWh of "
                            "{load} MWh)",
    "most_co2": "at most {tco2} tCO2/yr can be avoided",
    "most_kwp": "at most {kwp} kWp can be built",
    "least_kwp": "at least {kwp} kWp must be built",
    "least_cost": "the cheapest allowed system costs {money}",
}


@dataclass(frozen=True)
class Fact:
    """One statement of a diagnosis: its ``kind`` (a key of :data:`FACT_TEXTS`) and its
    figures, formatted as numbers (the same in any language; the units are in the text)."""

    kind: str
    values: dict[str, str]

    def __str__(self) -> str:
        return FACT_TEXTS[self.kind].format(**self.values)


@dataclass(frozen=True)
class Conflict:
    """Constraint groups that cannot hold: one on its own (``"alone"``), two together
    (``"pair"``), or several only together (``"together"``); ``hint`` says what the others
    allow of the first (None when it could not be found)."""

    relation: str
    facts: tuple[Fact, ...]
    hint: Fact | None = None

    def __str__(self) -> str:
        if self.relation == "alone":
            return f"{self.facts[0]} cannot be met" + (f": {self.hint}" if self.hint else "")
        if self.relation == "pair":
            return (f"{self.facts[0]} conflicts with {self.facts[1]}"
                    + (f": then {self.hint}" if self.hint else ""))
        return "these constraints cannot all hold together: " + "; ".join(map(str, self.facts))


def _describe(problem: SizingProblem, g: str, payback: float | None,
              co2: float | None) -> Fact:
    p = problem
    if g == "plane_min_kwp":
        return Fact(g, {"kwp": _fmt(float(p.plane_min_kwp.sum()))})
    if g in ("min_total_kwp", "max_total_kwp"):
        return Fact(g, {"kwp": _fmt(p.min_total_kwp if g == "min_total_kwp"
                                    else p.max_total_kwp)})
    if g == "interconnection_limit_kw":
        return Fact(g, {"kw": _fmt(p.interconnection_limit_kw)})
    if g == "capital_budget":
        return Fact(g, {"money": _fmt(p.capital_budget)})
    if g == "battery_min":
        return Fact(g, {"kwh": _fmt(p.battery.min_kwh), "kw": _fmt(p.battery.min_kw)})
    if g in ("min_self_consumption", "min_renewable_share"):
        share = p.min_self_consumption if g == "min_self_consumption" else p.min_renewable_share
        return Fact(g, {"percent": f"{share * 100:.3g}"})
    if g == "min_co2_reduction":
        return Fact(g, {"tco2": _fmt(co2 or 0.0)})
    if g == "max_payback":
        return Fact(g, {"years": _fmt(payback or 0.0)})
    return Fact("group", {"name": GROUPS.get(g, g)})


# Which member of a conflicting pair gets the quantitative explanation (first in the list).
_EXPLAIN_ORDER = ["min_self_consumption", "min_renewable_share", "min_co2_reduction",
                  "max_payback", "capital_budget", "min_total_kwp", "plane_min_kwp",
                  "battery_min", "max_total_kwp", "interconnection_limit_kw"]


def _hint(pr: _Prober, g: str, keep: set[str]) -> Fact | None:
    """What the best achievable value of group ``g`` is under the groups in ``keep``."""
    p = pr.p
    try:
        if g == "min_self_consumption":
            r = pr.best(keep, "onsite_kwh", "generated_kwh", "max")
            if r:
                return Fact("most_self_consumption", {
                    "percent": f"{r[0] * 100:.1f}", "onsite": _fmt(r[1] / 1000),
                    "produced": _fmt(r[2] / 1000)})
        elif g == "min_renewable_share":
            r = pr.best(keep, "served_kwh", None, "max")
            if r:
                return Fact("most_renewable_share", {
                    "percent": f"{r[0] / p.load_kwh * 100:.1f}",
                    "served": _fmt(r[0] / 1000), "load": _fmt(p.load_kwh / 1000)})
        elif g == "min_co2_reduction":
            r = pr.best(keep, "co2_tco2", None, "max")
            if r:
                return Fact("most_co2", {"tco2": _fmt(r[0])})
        elif g in ("min_total_kwp", "plane_min_kwp"):
            r = pr.best(keep, "total_kwp", None, "max")
            if r:
                return Fact("most_kwp", {"kwp": _fmt(r[0])})
        elif g in ("max_total_kwp", "interconnection_limit_kw"):
            r = pr.best(keep, "total_kwp", None, "min")
            if r:
                return Fact("least_kwp", {"kwp": _fmt(r[0])})
        elif g == "capital_budget":
            r = pr.best(keep, "capex", None, "min")
            if r:
                # in the budget's own terms, as the budget is quoted (SizingProblem docs)
                cost = (r[0] + p.costs.fixed_capex) / p.capital_budget_scale
                return Fact("least_cost", {"money": _fmt(cost)})
    except Exception:  # noqa: BLE001 - a hint is optional; the conflict is reported anyway
        return None
    return None


def diagnose(problem: SizingProblem, *, max_payback_years: float | None = None,
             co2_target_tco2: float | None = None) -> tuple[str, tuple[str, ...]]:
    """Name the constraint groups that make ``problem`` infeasible.

    Relaxes groups one at a time: a group infeasible on its own (with only the physics), or
    else every pair of groups infeasible together, is reported with the best value the
    other member allows. Returns the message and the conflicting group names
    (:func:`diagnose_conflicts` gives the same as data).

    ``co2_target_tco2`` defaults to ``problem.min_co2_reduction_tco2``, the target the
    models are built with (:func:`solver.build.build_model`) whatever the objective.
    """
    message, conflicting, _ = diagnose_conflicts(
        problem, max_payback_years=max_payback_years, co2_target_tco2=co2_target_tco2)
    return message, conflicting


def diagnose_conflicts(problem: SizingProblem, *, max_payback_years: float | None = None,
                       co2_target_tco2: float | None = None
                       ) -> tuple[str, tuple[str, ...], tuple[Conflict, ...]]:
    """:func:`diagnose`, with the conflicts as data (:class:`Conflict`, each with its
    :class:`Fact` figures) for an application to word in its reader's language; no conflict
    where the problem is infeasible for another reason (the message says which)."""
    co2 = problem.min_co2_reduction_tco2 if co2_target_tco2 is None else co2_target_tco2
    pr = _Prober(problem, max_payback_years, co2)
    act = pr.active
    describe = {g: _describe(problem, g, max_payback_years, co2) for g in act}
    if not act:
        return ("the problem is infeasible although it has no optional constraint; check the "
                "export regime and the arrays"), (), ()
    if pr.feasible(set(act)):  # pragma: no cover - optimize() found no feasible case
        return ("infeasible, although the constraints pass a feasibility check on their own; "
                "the LP is numerically difficult - loosen a constraint slightly"), tuple(act), ()
    singles = [g for g in act if not pr.feasible({g})]
    conflicts: list[Conflict] = []
    conflicting: list[str] = []
    if singles:
        for g in singles:
            conflicts.append(Conflict("alone", (describe[g],), _hint(pr, g, set())))
            conflicting.append(g)
    else:
        pairs = [(g, h) for g, h in itertools.combinations(act, 2) if not pr.feasible({g, h})]
        for g, h in pairs:
            first, other = sorted((g, h), key=lambda k: _EXPLAIN_ORDER.index(k))
            conflicts.append(Conflict("pair", (describe[first], describe[other]),
                                      _hint(pr, first, {other})))
            conflicting.extend(k for k in (first, other) if k not in conflicting)
        if not pairs:
            needed = [g for g in act if pr.feasible(set(act) - {g})]
            names = needed or act
            conflicts.append(Conflict("together", tuple(describe[g] for g in names)))
            conflicting = list(names)
    msg = "infeasible: " + ". ".join(map(str, conflicts)) + "."
    return msg, tuple(conflicting), tuple(conflicts)

