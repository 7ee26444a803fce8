"""The answer of the optimiser: sizes, dispatch, year totals and the NPV's parts.

Every figure is recomputed here from the sizes and the dispatch (not read off the LP's
objective), so a result from HiGHS, from the reduced PV-only LP or from CBC is described by
the same formulas; tests check that the two agree.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from solver.problem import SizingProblem

#: A design is at a limit when within this fraction of it [-] (LP solutions sit on their
#: bounds to about 1e-9; a design stopped 0.1 % short of a limit is not held by it).
BINDING_TOLERANCE = 1e-6

__all__ = ["BINDING_TOLERANCE", "Dispatch", "SizingResult", "binding_limits", "curtailing_limits",
           "make_result"]


@dataclass(frozen=True)
class Dispatch:
    """Power flows of the representative year, each an array of T values [kW], SOC [kWh].

    Balances that hold at every step (to solver tolerance)::

        pv_to_load + pv_to_battery + pv_to_grid + curtailed = pv_available
        pv_to_load + battery_to_load + grid_to_load         = load
    """

    pv_available: np.ndarray
    pv_to_load: np.ndarray
    pv_to_battery: np.ndarray
    pv_to_grid: np.ndarray
    curtailed: np.ndarray
    grid_to_load: np.ndarray
    grid_to_battery: np.ndarray
    battery_to_load: np.ndarray
    soc_kwh: np.ndarray

    @property
    def grid_import(self) -> np.ndarray:
        """Grid import [kW] = grid_to_load + grid_to_battery."""
        return self.grid_to_load + self.grid_to_battery

    def to_frame(self, index: pd.Index | None = None) -> pd.DataFrame:
        """The flows as a DataFrame with ``_kw`` columns (``soc_kwh`` in kWh)."""
        data = {f"{k}_kw" if k != "soc_kwh" else k: v for k, v in asdict(self).items()}
        return pd.DataFrame(data, index=index)


@dataclass(frozen=True)
class SizingResult:
    """Optimal sizes and what they do.

    Money is in the caller's currency; ``*_pw`` values are lifecycle present worths
    (year-1 value x the caller's pwf); other money values are year-1 (representative year).

    Attributes
    ----------
    status : str
        ``"optimal"`` (proven, to a relative tolerance of 1e-4 where the behind-the-meter
        rule needs a search), or ``"feasible"``: the best design found before a time
        limit, at most ``optimality_gap`` worse than the optimum (see ``notes``).
    objective : str
        The objective that was optimised.
    backend : str
        ``"pv_only"`` (exact reduced LP, HiGHS), ``"highs"``, ``"cbc"`` or
        ``"closed_form"`` (fixed PV sizes without a battery: the physical dispatch).
    regime : str
        ``"standard"`` or ``"net_metering"`` (export regime of the chosen solution).
    solve_seconds : float
        Wall time of the solver calls (model building excluded) [s].
    plane_names : tuple of str
        Labels of the roof planes.
    kwp_per_plane : ndarray
        PV capacity per plane [kWp].
    battery_kwh, battery_kw : float
        Battery energy [kWh] and power [kW] ratings.
    dispatch : Dispatch
        The flows of the representative year.
    totals : dict
        Totals of the representative year: ``load_kwh``, ``pv_available_kwh`` (output
        before curtailment), ``pv_generated_kwh`` (after curtailment: self-consumed plus
        exported), ``pv_to_load_kwh``, ``pv_to_battery_kwh``, ``exported_kwh``,
        ``curtailed_kwh``, ``imported_kwh``, ``grid_to_battery_kwh``,
        ``battery_to_load_kwh``, ``self_consumed_kwh`` (PV to load plus PV to battery)
        [kWh]; ``self_consumption_ratio`` (self-consumed / generated, the quantity
        ``SizingProblem.min_self_consumption`` bounds) and ``self_sufficiency_ratio`` (PV
        energy reaching the load, battery losses deducted, / load) [-];
        ``energy_cost_baseline``, ``energy_cost_with_system``, ``export_revenue``,
        ``demand_cost_baseline``, ``demand_cost_with_system``, ``bill_savings``,
        ``om_year`` [currency/yr];
        ``peak_kw_<window>`` [kW] per demand-charge window; ``co2_avoided_tco2``
        [tCO2/yr] when emission factors are given.
    capex, om_pw, energy_savings_pw, export_revenue_pw, demand_savings_pw, npv : float
        Parts of the lifecycle NPV: ``npv = energy_savings_pw + export_revenue_pw +
        demand_savings_pw - capex - om_pw`` [currency].
    simple_payback_years : float
        capex / (year-1 bill savings - year-1 O&M), inf if that is not positive [years].
    notes : tuple of str
        Remarks: fallbacks used, an optimality gap left by a time limit.
    optimality_gap : float
        Upper bound on how much higher the optimal NPV (or, for ``max_self_sufficiency``,
        the second-stage objective) can be than this design's [currency]: 0 when the
        problem is an LP, else what the behind-the-meter search left (``solver.physical``).
    binding : tuple of str
        The limits of the problem that held a size (:func:`binding_limits`): a larger
        design was not allowed there, so the limit, not the economics, set that part of
        the size.
    curtailing : tuple of str
        The limits that curtailed PV (:func:`curtailing_limits`): they cost energy, and
        hold the PV size only where they are in ``binding`` too.
    """

    status: str
    objective: str
    backend: str
    regime: str
    solve_seconds: float
    plane_names: tuple[str, ...]
    kwp_per_plane: np.ndarray
    battery_kwh: float
    battery_kw: float
    dispatch: Dispatch
    totals: dict[str, float]
    capex: float
    om_pw: float
    energy_savings_pw: float
    export_revenue_pw: float
    demand_savings_pw: float
    npv: float
    simple_payback_years: float
    notes: tuple[str, ...] = field(default=())
    optimality_gap: float = 0.0
    binding: tuple[str, ...] = field(default=())
    curtailing: tuple[str, ...] = field(default=())

    @property
    def total_kwp(self) -> float:
        """Total PV capacity [kWp]."""
        return float(self.kwp_per_plane.sum())

    def summary(self) -> dict[str, float | str]:
        """Flat dict of the headline figures (JSON-friendly)."""
        out: dict[str, float | str] = {
            "status": self.status, "objective": self.objective, "backend": self.backend,
            "regime": self.regime, "solve_seconds": self.solve_seconds,
            "total_kwp": self.total_kwp, "battery_kwh": self.battery_kwh,
            "battery_kw": self.battery_kw, "capex": self.capex, "om_pw": self.om_pw,
            "energy_savings_pw": self.energy_savings_pw,
            "export_revenue_pw": self.export_revenue_pw,
            "demand_savings_pw": self.demand_savings_pw, "npv": self.npv,
            "simple_payback_years": self.simple_payback_years,
            "optimality_gap": self.optimality_gap,
        }
        for name, kwp in zip(self.plane_names, self.kwp_per_plane, strict=True):
            out[f"kwp_{name}"] = float(kwp)
        out.update(self.totals)
        return out


def _clean(a: np.ndarray, scale: float) -> np.ndarray:
    """Zero out solver noise (|v| below 1e-9 of the problem's power scale)."""
    a = np.asarray(a, dtype=float).copy()
    a[np.abs(a) < 1e-9 * max(scale, 1.0)] = 0.0
    return a


def make_result(
    problem: SizingProblem,
    flows: dict,
    *,
    regime_name: str,
    export_price_per_kwh: np.ndarray,
    objective: str,
    backend: str,
    seconds: float,
    notes: tuple[str, ...] = (),
    optimality_gap: float = 0.0,
) -> SizingResult:
    """Describe a solution (sizes + flows from a backend) with totals and NPV parts.

    Parameters
    ----------
    problem : SizingProblem
        The problem that was solved.
    flows : dict
        ``kwp`` (P,), ``battery_kwh``, ``battery_kw`` and per-step arrays ``l`` (pv_to_load),
        ``e`` (pv_to_grid), ``cp`` (pv_to_battery), ``cg`` (grid_to_battery), ``d``
        (battery_to_load), ``soc`` [kW], [kWh].
    regime_name : str
        Export regime of the solution.
    export_price_per_kwh : ndarray
        Export price in that regime [currency/kWh].
    objective, backend : str
        Labels.
    seconds : float
        Solver wall time [s].
    notes : tuple of str
        Remarks to pass on.
    optimality_gap : float
        Gap left by the search [currency].
    """
    p = problem
    c = p.costs
    dt = p.step_hours
    scale = float(max(p.load_kw.max(initial=0.0), 1.0))
    kwp = _clean(np.maximum(flows["kwp"], 0.0), scale)
    be = float(flows["battery_kwh"]) if flows["battery_kwh"] > 1e-9 * scale else 0.0
    bp = float(flows["battery_kw"]) if flows["battery_kw"] > 1e-9 * scale else 0.0
    avail = p.production_kw_per_kwp @ kwp * c.production_levelization
    to_load = _clean(np.minimum(flows["l"], p.load_kw), scale)
    e = _clean(flows["e"], scale)
    cp = _clean(flows["cp"], scale)
    cg = _clean(flows["cg"], scale)
    d = _clean(flows["d"], scale)
    soc = _clean(flows["soc"], scale)
    curtailed = _clean(np.maximum(avail - to_load - e - cp, 0.0), scale)
    grid_to_load = _clean(np.maximum(p.load_kw - to_load - d, 0.0), scale)
    disp = Dispatch(avail, to_load, cp, e, curtailed, grid_to_load, cg, d, soc)

    a = p.import_price_per_kwh
    b = export_price_per_kwh
    load_kwh = float(p.load_kw.sum() * dt)
    imp = grid_to_load + cg
    energy_base = float(a @ p.load_kw * dt)
    energy_with = float(a @ imp * dt)
    export_rev = float(b @ e * dt)
    demand_base = demand_with = 0.0
    totals: dict[str, float] = {}
    for k, dc in enumerate(p.demand_charges):
        w = dc.window
        if not w.any():
            continue
        pk0 = float(p.load_kw[w].max())
        pk1 = float(imp[w].max())
        demand_base += dc.rate_per_kw * pk0
        demand_with += dc.rate_per_kw * pk1
        totals[f"peak_kw_{dc.name or k}"] = pk1
    pv_avail_kwh = float(avail.sum() * dt)
    onsite_kwh = float((to_load + cp).sum() * dt)
    exported_kwh = float(e.sum() * dt)
    generated_kwh = onsite_kwh + exported_kwh
    served_kwh = float((to_load.sum() + cp.sum() * p.battery.charge_efficiency
                        * p.battery.discharge_efficiency) * dt)
    totals.update({
        "load_kwh": load_kwh,
        "pv_available_kwh": pv_avail_kwh,
        "pv_generated_kwh": generated_kwh,
        "pv_to_load_kwh": float(to_load.sum() * dt),
        "pv_to_battery_kwh": float(cp.sum() * dt),
        "exported_kwh": exported_kwh,
        "curtailed_kwh": float(curtailed.sum() * dt),
        "imported_kwh": float(imp.sum() * dt),
        "grid_to_battery_kwh": float(cg.sum() * dt),
        "battery_to_load_kwh": float(d.sum() * dt),
        "self_consumed_kwh": onsite_kwh,
        "self_consumption_ratio": onsite_kwh / generated_kwh if generated_kwh > 0 else 0.0,
        "self_sufficiency_ratio": served_kwh / load_kwh if load_kwh > 0 else 0.0,
        "energy_cost_baseline": energy_base,
        "energy_cost_with_system": energy_with,
        "export_revenue": export_rev,
        "demand_cost_baseline": demand_base,
        "demand_cost_with_system": demand_with,
    })
    energy_sav = energy_base - energy_with
    demand_sav = demand_base - demand_with
    bill_sav = energy_sav + export_rev + demand_sav
    totals["bill_savings"] = bill_sav
    if p.grid_tco2_per_kwh is not None:
        ef = p.grid_tco2_per_kwh
        co2 = float(ef @ (p.load_kw - imp) * dt)
        if p.co2_counts_exports:
            co2 += float(ef @ e * dt)
        totals["co2_avoided_tco2"] = co2

    total_kwp = float(kwp.sum())
    capex = (c.pv_capex_per_kwp * total_kwp + c.battery_capex_per_kwh * be
             + c.battery_capex_per_kw * bp + (c.fixed_capex if total_kwp > 0 else 0.0))
    om_year = (c.pv_om_per_kwp_year * total_kwp + c.battery_om_per_kwh_year * be
               + c.battery_om_per_kw_year * bp)
    totals["om_year"] = om_year
    net = bill_sav - om_year
    payback = capex / net if net > 0 else (0.0 if capex == 0 else math.inf)
    npv = c.pwf_energy * bill_sav - capex - c.pwf_om * om_year
    return SizingResult(
        status="optimal", objective=objective, backend=backend, regime=regime_name,
        solve_seconds=float(seconds), plane_names=tuple(p.plane_names), kwp_per_plane=kwp,
        battery_kwh=be, battery_kw=bp, dispatch=disp, totals=totals, capex=capex,
        om_pw=c.pwf_om * om_year, energy_savings_pw=c.pwf_energy * energy_sav,
        export_revenue_pw=c.pwf_energy * export_rev,
        demand_savings_pw=c.pwf_energy * demand_sav, npv=npv,
        simple_payback_years=payback, notes=notes, optimality_gap=float(optimality_gap),
    )


def charges_from_grid_unallowed(problem: SizingProblem, result: SizingResult,
                                tolerance: float = BINDING_TOLERANCE) -> bool:
    """Whether the dispatch of ``result`` charges its battery from PV that the load needed,
    where ``problem`` allows no grid charging.

    Behind the meter PV serves the load first: PV "to the battery" in a step whose load the
    grid serves is grid charging on the meter. The sizing bounds PV charging by the PV
    beyond the load at the largest sizes (:mod:`solver.build`), exact where every plane is
    full; a design with less PV may charge more than its own PV beyond the load.

    Parameters
    ----------
    problem : SizingProblem
    result : SizingResult
    tolerance : float
        Relative to the peak load [-].

    Returns
    -------
    bool
        False where grid charging is allowed or no battery is built.
    """
    if problem.battery.grid_charging or result.battery_kwh <= 0:
        return False
    d = result.dispatch
    scale = max(float(np.max(problem.load_kw, initial=0.0)), 1.0)
    surplus = np.maximum(d.pv_available - problem.load_kw, 0.0)
    return bool((d.pv_to_battery > surplus + tolerance * scale).any())


#: Limits on the whole PV system (its kWp, its connection, its capex with the battery's):
#: where one is reached, no plane can grow; at the floor on its kWp, the floor set the size.
_WHOLE_PV_LIMITS = ("max_total_kwp", "interconnection_limit_kw", "net_metering_limit_kw",
                    "capital_budget", "min_total_kwp")


def _reached(value: float, limit: float, tolerance: float) -> bool:
    """True when ``value`` is within ``tolerance`` (relative) of a finite upper ``limit``."""
    return math.isfinite(limit) and value >= limit - tolerance * max(abs(limit), 1.0)


def _at_floor(value: float, floor: float, tolerance: float) -> bool:
    """True when ``value`` is within ``tolerance`` (relative) of a positive lower ``floor``."""
    return floor > 0 and value <= floor + tolerance * max(abs(floor), 1.0)


def _size_limits(problem: SizingProblem, result: SizingResult,
                 tolerance: float) -> list[str]:
    """The size limits the design reached: full planes, the whole PV's, the battery's."""
    p = problem
    out = [f"plane_max_kwp:{name}"
           for name, kwp, top in zip(p.plane_names, result.kwp_per_plane, p.plane_max_kwp,
                                     strict=True)
           if top > 0 and _reached(float(kwp), float(top), tolerance)]
    total = result.total_kwp
    totals = {"max_total_kwp": p.max_total_kwp,
              "interconnection_limit_kw": p.interconnection_limit_kw,
              "net_metering_limit_kw": (p.net_metering_limit_kw if result.regime == "net_metering"
                                        and p.net_metering_limit_kw is not None else math.inf)}
    out += [name for name, limit in totals.items() if total > 0
            and _reached(total, limit, tolerance)]
    if result.capex > 0 and _reached(result.capex, p.capex_budget, tolerance):
        out.append("capital_budget")
    if _at_floor(total, p.min_total_kwp, tolerance):
        out.append("min_total_kwp")
    b = p.battery
    if b.active:
        battery = {"battery_max_kwh": (result.battery_kwh, b.max_kwh),
                   "battery_max_kw": (result.battery_kw, b.max_kw),
                   "battery_max_c_rate": (result.battery_kw, b.max_c_rate * result.battery_kwh)}
        out += [name for name, (value, limit) in battery.items()
                if value > 0 and _reached(value, limit, tolerance)]
        floors = {"battery_min_kwh": (result.battery_kwh, b.min_kwh),
                  "battery_min_kw": (result.battery_kw, b.min_kw)}
        out += [name for name, (value, floor) in floors.items()
                if _at_floor(value, floor, tolerance)]
    return out


def _pv_held(problem: SizingProblem, sizes: list[str]) -> bool:
    """True when size limits stop every plane: a limit on the whole PV is reached, or every
    plane that may carry PV is full."""
    if any(name in _WHOLE_PV_LIMITS for name in sizes):
        return True
    planes = {f"plane_max_kwp:{name}"
              for name, top in zip(problem.plane_names, problem.plane_max_kwp, strict=True)
              if top > 0}
    return planes <= set(sizes)


def _floor_reached(problem: SizingProblem, result: SizingResult, tolerance: float) -> bool:
    """True when PV is built and the year's self-consumption stands at its floor."""
    floor = problem.min_self_consumption
    ratio = result.totals.get("self_consumption_ratio", math.nan)
    return (floor > 0 and result.total_kwp > 0 and math.isfinite(ratio)
            and ratio <= floor + tolerance)


def curtailing_limits(problem: SizingProblem, result: SizingResult,
                      tolerance: float = BINDING_TOLERANCE) -> tuple[str, ...]:
    """The limits of ``problem`` that curtailed PV in the design of ``result``.

    Such a limit costs energy; it holds no size by itself (:func:`binding_limits` says
    where it holds the PV's). Names, in this order:

    ``export_limit_kw``
        PV was curtailed in a step whose export was at the export limit (0 for zero
        export).
    ``min_self_consumption``
        PV was curtailed while the year's self-consumption stood at its floor: the floor
        held the exports back.

    Parameters
    ----------
    problem : SizingProblem
        The problem that was solved.
    result : SizingResult
        Its answer.
    tolerance : float
        Relative closeness to a limit that counts as reaching it [-].

    Returns
    -------
    tuple of str
    """
    p, d = problem, result.dispatch
    scale = max(float(p.load_kw.max(initial=0.0)), 1.0)
    curtailed = d.curtailed > tolerance * scale
    out = []
    if math.isfinite(p.export_limit_kw):
        at_limit = d.pv_to_grid >= p.export_limit_kw - tolerance * max(p.export_limit_kw, scale)
        if (at_limit & curtailed).any():
            out.append("export_limit_kw")
    if curtailed.any() and _floor_reached(p, result, tolerance):
        out.append("min_self_consumption")
    return tuple(out)


def binding_limits(problem: SizingProblem, result: SizingResult,
                   tolerance: float = BINDING_TOLERANCE) -> tuple[str, ...]:
    """The limits of ``problem`` that held a size of the design of ``result``.

    A size limit holds a size when the design is within ``tolerance`` (relative) of it.
    The export limit and the self-consumption floor hold the PV's size only where no size
    limit stops the PV (a plane that may carry more is not full, and no limit on the whole
    PV is reached): the PV then stops where its next kWp would be curtailed or would push
    the self-consumption below the floor. Where the PV is at its size limits they hold no
    size, even when they curtail PV (:func:`curtailing_limits`). Names, in this order:

    ``plane_max_kwp:<plane name>``
        A plane at its largest size (the roof is full).
    ``max_total_kwp``, ``interconnection_limit_kw``, ``net_metering_limit_kw``
        The total PV capacity at that limit (the last only in the net-metering regime).
    ``capital_budget``
        The capex (fixed capex included) at the budget.
    ``min_total_kwp``
        The total PV capacity at its floor (the economics alone would build less).
    ``battery_max_kwh``, ``battery_max_kw``, ``battery_max_c_rate``
        The battery's energy or power at its largest, or its power at ``max_c_rate`` x
        its energy.
    ``battery_min_kwh``, ``battery_min_kw``
        The battery's energy or power at the smallest allowed (a floor above zero).
    ``export_limit_kw``
        PV curtailed at the export limit (0 for zero export) while below its size limits.
    ``min_self_consumption``
        The year's self-consumption at its floor while PV is below its size limits.

    Parameters
    ----------
    problem : SizingProblem
        The problem that was solved.
    result : SizingResult
        Its answer.
    tolerance : float
        Relative closeness to a limit that counts as reaching it [-].

    Returns
    -------
    tuple of str
    """
    sizes = _size_limits(problem, result, tolerance)
    if _pv_held(problem, sizes):
        return tuple(sizes)
    pv = list(curtailing_limits(problem, result, tolerance))
    if "min_self_consumption" not in pv and _floor_reached(problem, result, tolerance):
        pv.append("min_self_consumption")
    return (*sizes, *pv)
