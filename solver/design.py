"""The dispatch of a chosen design: the sizing's own when it is provably optimal.

A planner sizes a system (:func:`solver.api.optimize` on a problem ``P``) and then wants
the best dispatch of the chosen sizes (the same problem ``Q`` with every size fixed), to
report its year. Solving ``Q`` again costs a whole year-long LP (or, under the
behind-the-meter rule, a search) with a battery. :func:`design_dispatch` skips it when the
sizing's dispatch is already that answer.

Why it is exact
---------------
Let ``x*`` be the sizes the sizing chose, ``v*`` the NPV of its dispatch and ``U`` the
bound it proved (``U - v* = optimality_gap``, 0 for an LP). Suppose ``Q`` differs from
``P`` only in rows on the sizes (fixed sizes, no budget or total-size limit) and has the
same rows on the flows (the same arrays, battery physics, export limit and regime, the
same yearly constraints on energy). Then at ``x*`` both have the same feasible dispatches,
so the best NPV of ``Q`` is ``F(x*) <= max_x F(x) <= U``, while the sizing's dispatch is
feasible for ``Q`` with NPV ``v*``: it is optimal for ``Q`` to within the sizing's own
gap. Every figure is recomputed on ``Q`` by :func:`solver.result.make_result`.

Where ``Q`` drops or changes a yearly constraint on the flows (a renewable share, a CO2
target, a payback bound), or the sizing optimised another objective, ``Q`` is solved. So
it is for a battery that may not charge from the grid whose sizing dispatch charges from PV
the load needed (:func:`solver.result.charges_from_grid_unallowed`): the sizing bounded PV
charging by the largest PV output of each step, ``Q`` bounds it by the design's own. A
sizing dispatch within the design's bound is feasible for ``Q``, and ``Q``'s feasible set
at ``x*`` lies within ``P``'s, so the argument above holds for it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from solver.api import optimize
from solver.problem import SizingProblem
from solver.result import SizingResult, charges_from_grid_unallowed, make_result

__all__ = ["design_dispatch", "same_dispatch_rows"]


def _equal(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is b
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


def same_dispatch_rows(sized_problem: SizingProblem, design: SizingProblem,
                       sized: SizingResult, *, max_payback_years: float | None = None,
                       co2_target_tco2: float | None = None) -> bool:
    """Whether ``design`` is ``sized_problem`` with the sizes of ``sized`` fixed and the
    same rows on the flows (module docstring).

    Parameters
    ----------
    sized_problem : SizingProblem
        The problem the sizing solved.
    design : SizingProblem
        The problem of the chosen design (sizes fixed).
    sized : SizingResult
        The sizing's answer.
    max_payback_years, co2_target_tco2 : float, optional
        What the sizing was given beyond ``sized_problem`` (as for
        :func:`solver.api.optimize`).
    """
    p, q = sized_problem, design
    if sized.objective != "max_npv" or sized.regime != "standard":
        return False
    if max_payback_years is not None:
        return False
    p_co2 = p.min_co2_reduction_tco2 if co2_target_tco2 is None else co2_target_tco2
    if (p_co2 != q.min_co2_reduction_tco2
            or p.min_self_consumption != q.min_self_consumption
            or p.min_renewable_share != q.min_renewable_share
            or p.net_metering_limit_kw is not None or q.net_metering_limit_kw is not None):
        return False
    if p_co2 > 0 and not (_equal(p.grid_tco2_per_kwh, q.grid_tco2_per_kwh)
                          and p.co2_counts_exports == q.co2_counts_exports):
        return False
    arrays = ("production_kw_per_kwp", "load_kw", "import_price_per_kwh",
              "export_price_per_kwh")
    if not all(_equal(getattr(p, k), getattr(q, k)) for k in arrays):
        return False
    if (p.step_hours != q.step_hours or p.export_limit_kw != q.export_limit_kw
            or p.soc_cycle_steps != q.soc_cycle_steps
            or p.allow_simultaneous_import_export != q.allow_simultaneous_import_export
            or p.costs.pwf_energy != q.costs.pwf_energy
            or p.costs.production_levelization != q.costs.production_levelization):
        return False
    if len(p.demand_charges) != len(q.demand_charges) or not all(
            a.rate_per_kw == b.rate_per_kw and _equal(a.window, b.window)
            for a, b in zip(p.demand_charges, q.demand_charges, strict=True)):
        return False
    kwp = np.asarray(sized.kwp_per_plane, dtype=float)
    if not (_equal(q.plane_min_kwp, kwp) and _equal(q.plane_max_kwp, kwp)):
        return False
    pb, qb = p.battery, q.battery
    if sized.battery_kwh > 0 and sized.battery_kw > 0:
        if not (qb.active and qb.min_kwh == qb.max_kwh == sized.battery_kwh
                and qb.min_kw == qb.max_kw == sized.battery_kw):
            return False
        same = ("charge_efficiency", "discharge_efficiency", "min_soc_fraction",
                "grid_charging")
        if not all(getattr(pb, k) == getattr(qb, k) for k in same):
            return False
        # Without grid charging the sizing bounds PV charging by the largest PV output
        # (solver.build), the design by its own: the sizing's dispatch must keep to that.
        if charges_from_grid_unallowed(q, sized):
            return False
    elif qb.active:
        return False
    return True


def design_dispatch(sized_problem: SizingProblem, sized: SizingResult, design: SizingProblem,
                    *, max_payback_years: float | None = None,
                    co2_target_tco2: float | None = None,
                    search_time_limit_seconds: float | None = None) -> SizingResult:
    """The max-NPV dispatch of a chosen design.

    The sizing's own dispatch, re-described on ``design``, when
    :func:`same_dispatch_rows` holds and the design has a battery (module docstring: it is
    then optimal to within the sizing's gap, which the answer carries); otherwise
    :func:`solver.api.optimize` of ``design``.

    Parameters
    ----------
    sized_problem : SizingProblem
        The problem the sizing solved.
    sized : SizingResult
        Its answer.
    design : SizingProblem
        ``sized_problem`` with the sizes of ``sized`` fixed (rows on the sizes alone may
        differ).
    max_payback_years, co2_target_tco2 : float, optional
        What the sizing was given beyond ``sized_problem``.
    search_time_limit_seconds : float, optional
        For the solve of ``design`` when one is needed.

    Returns
    -------
    SizingResult
        Backend ``"sizing"`` when the sizing's dispatch was taken.
    """
    if design.battery.active and same_dispatch_rows(
            sized_problem, design, sized, max_payback_years=max_payback_years,
            co2_target_tco2=co2_target_tco2):
        d = sized.dispatch
        flows = {"kwp": np.asarray(sized.kwp_per_plane, dtype=float),
                 "battery_kwh": sized.battery_kwh, "battery_kw": sized.battery_kw,
                 "l": d.pv_to_load, "e": d.pv_to_grid, "cp": d.pv_to_battery,
                 "cg": d.grid_to_battery, "d": d.battery_to_load, "soc": d.soc_kwh}
        res = make_result(design, flows, regime_name=sized.regime,
                          export_price_per_kwh=design.export_price_per_kwh,
                          objective="max_npv", backend="sizing", seconds=0.0,
                          optimality_gap=sized.optimality_gap)
        return replace(res, status=sized.status, notes=sized.notes)
    return optimize(design, objective="max_npv",
                    search_time_limit_seconds=search_time_limit_seconds)
