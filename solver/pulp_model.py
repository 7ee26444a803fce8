"""The same sizing LP written plainly in PuLP and solved by CBC.

Used as the fallback when highspy is missing or fails, and as the benchmark baseline: it
is the "textbook" formulation (one PuLP constraint per step and meaning, built in Python
loops), written independently of the sparse builder in :mod:`solver.build`, so the tests
that compare the two also check each formulation against the other. Same variables, constraints,
objective and tie-breaking as :func:`solver.build.build_model` with ``reduce=False``.

The behind-the-meter rule (:mod:`solver.physical`) is the plain big-M disjunction: at each
step whose export price exceeds its import price a binary ``z_t`` with ``e <= M_e z``,
``l + d >= load z`` and ``c_g <= M_c (1 - z)``, solved by CBC's branch-and-cut.
"""

from __future__ import annotations

import math
import time
from typing import Any, cast

import numpy as np
import pulp

from solver.build import TIE_BREAK as _TB
from solver.build import _tie_break
from solver.linear import Regime, SolveOutcome
from solver.physical import repair_flows
from solver.problem import SizingProblem

__all__ = ["build_pulp", "cbc_command", "solve_pulp"]


def _var(lp: pulp.LpProblem, name: str, low: float | None = None,
         up: float | None = None) -> pulp.LpVariable:
    """A continuous variable attached to ``lp`` (PuLP >= 3.3 API, older PuLP fallback)."""
    if hasattr(lp, "add_variable"):
        return lp.add_variable(name, low, up)
    return pulp.LpVariable(name, low, up)  # pragma: no cover - PuLP < 3.3


def cbc_command(time_limit: float | None = None, gap_rel: float = 1e-4) -> pulp.LpSolver:
    """CBC through PuLP: a ``cbc`` on the PATH, else the binary bundled with PuLP."""
    cmd = pulp.COIN_CMD(msg=False, timeLimit=time_limit, gapRel=gap_rel)
    if cmd.available():
        return cmd
    try:
        from pulp.apis.coin_api import pulp_cbc_path
    except ImportError:  # pragma: no cover - PuLP without a bundled CBC
        pulp_cbc_path = None
    if pulp_cbc_path:
        cmd = pulp.COIN_CMD(msg=False, timeLimit=time_limit, gapRel=gap_rel,
                            path=pulp_cbc_path)
        if cmd.available():
            return cmd
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit,  # pragma: no cover
                             gapRel=gap_rel)


def build_pulp(
    problem: SizingProblem,
    regime: Regime | None = None,
    *,
    objective: str = "max_npv",
    drop: frozenset[str] | set[str] = frozenset(),
    pv_built: bool = True,
    max_payback_years: float | None = None,
    co2_target_tco2: float | None = None,
    tie_break: bool = True,
    physical: bool | None = None,
) -> tuple[pulp.LpProblem, dict]:
    """Build the model in PuLP. ``objective``: "max_npv", "self_sufficiency", "co2" or
    "zero"; ``physical``: the behind-the-meter rule (default unless the problem allows
    simultaneous import and export).

    Returns the problem and a dict of its variables and expressions.
    """
    p = problem
    reg = regime or Regime("standard", p.export_price_per_kwh)
    bat = p.battery
    use_bat = bat.active
    n_t, n_p = p.n_steps, p.n_planes
    dt = p.step_hours
    c = p.costs
    f = p.production_kw_per_kwp * c.production_levelization
    load = p.load_kw
    a = p.import_price_per_kwh
    b = reg.export_price_per_kwh
    ef = cast("np.ndarray | None", p.grid_tco2_per_kwh)  # an array once validated
    fixed = c.fixed_capex if pv_built else 0.0
    co2_target = p.min_co2_reduction_tco2 if co2_target_tco2 is None else co2_target_tco2
    T = range(n_t)

    lp = pulp.LpProblem("pv_battery_sizing", pulp.LpMinimize)
    x = []
    for i in range(n_p):
        lo = 0.0 if ("plane_min_kwp" in drop or not pv_built) else float(p.plane_min_kwp[i])
        hi = 0.0 if not pv_built else float(p.plane_max_kwp[i])
        x.append(_var(lp, f"x_{i}", min(lo, hi), None if math.isinf(hi) else hi))
    pl = [_var(lp, f"l_{t}", 0, float(load[t])) for t in T]
    export = p.export_limit_kw > 0
    e = [_var(lp, f"e_{t}", 0, None if math.isinf(p.export_limit_kw) else p.export_limit_kw)
         for t in T] if export else [0.0] * n_t
    if use_bat:
        bmin = "battery_min" in drop
        be = _var(lp, "batt_kwh", 0.0 if bmin else bat.min_kwh,
                             None if math.isinf(bat.max_kwh) else bat.max_kwh)
        bp = _var(lp, "batt_kw", 0.0 if bmin else bat.min_kw,
                             None if math.isinf(bat.max_kw) else bat.max_kw)
        cp = [_var(lp, f"cp_{t}", 0) for t in T]
        cg = [_var(lp, f"cg_{t}", 0) for t in T] if bat.grid_charging else [0.0] * n_t
        d = [_var(lp, f"d_{t}", 0) for t in T]
        w = [_var(lp, f"w_{t}", 0) for t in T]
    else:
        be = bp = 0.0
        cp = cg = d = w = [0.0] * n_t
    peaks = [_var(lp, f"peak_{k}", 0) for k in range(len(p.demand_charges))]

    gen = [pulp.lpSum(float(f[t, i]) * x[i] for i in range(n_p) if f[t, i] != 0) for t in T]
    for t in T:
        lp += pl[t] + e[t] + cp[t] <= gen[t], f"pv_{t}"
    if use_bat:
        # the state of charge is cyclic over each block (SizingProblem.soc_cycle_steps)
        prev = p.soc_step_before.tolist()
        for t in T:
            lp += pl[t] + d[t] <= float(load[t]), f"load_{t}"
            before = prev[t]
            lp += (w[t] == w[before] + bat.charge_efficiency * dt * (cp[t] + cg[t])
                   - dt / bat.discharge_efficiency * d[t]), f"soc_{t}"
            lp += w[t] <= (1.0 - bat.min_soc_fraction) * be, f"soc_cap_{t}"
            lp += cp[t] + cg[t] + d[t] <= bp, f"power_{t}"
        if math.isfinite(bat.max_c_rate):
            lp += bp <= bat.max_c_rate * be, "c_rate"
    if use_bat and not bat.grid_charging and pv_built:
        _pv_charging_only(lp, p, reg, f, pl, cp)
    phys = (not p.allow_simultaneous_import_export) if physical is None else bool(physical)
    if phys and export:
        _behind_the_meter(lp, p, reg, f, x, pl, e, cp, cg, d, pv_built=pv_built)
    peak0 = []
    for k, dc in enumerate(p.demand_charges):
        idx = np.nonzero(dc.window)[0]
        peak0.append(float(load[idx].max()) if idx.size else 0.0)
        for t in idx.tolist():
            lp += peaks[k] >= float(load[t]) - pl[t] - d[t] + cg[t], f"demand_{k}_{t}"

    total = pulp.lpSum(x)
    capex = c.pv_capex_per_kwp * total + c.battery_capex_per_kwh * be + c.battery_capex_per_kw * bp
    om = c.pv_om_per_kwp_year * total + c.battery_om_per_kwh_year * be + c.battery_om_per_kw_year * bp
    energy_sav = pulp.lpSum(float(a[t] * dt) * (pl[t] + d[t] - cg[t]) for t in T)
    export_rev = pulp.lpSum(float(b[t] * dt) * e[t] for t in T) if export else 0.0
    demand_sav = pulp.lpSum(dc.rate_per_kw * (pk0 - peaks[k])
                            for k, (dc, pk0) in enumerate(zip(p.demand_charges, peak0, strict=True)))
    onsite = pulp.lpSum((pl[t] + cp[t]) * dt for t in T)
    served = pulp.lpSum((pl[t] + bat.charge_efficiency * bat.discharge_efficiency * cp[t]) * dt
                        for t in T)
    exported = pulp.lpSum(e[t] * dt for t in T) if export else 0.0
    co2: Any = None  # a PuLP expression when emission factors are given
    if ef is not None:
        co2 = pulp.lpSum(float(ef[t] * dt) * (pl[t] + d[t] - cg[t]) for t in T)
        if p.co2_counts_exports and export:
            co2 += pulp.lpSum(float(ef[t] * dt) * e[t] for t in T)

    if p.min_total_kwp > 0 and "min_total_kwp" not in drop and pv_built:
        lp += total >= p.min_total_kwp, "min_total_kwp"
    if math.isfinite(p.max_total_kwp) and "max_total_kwp" not in drop:
        lp += total <= p.max_total_kwp, "max_total_kwp"
    if math.isfinite(p.interconnection_limit_kw) and "interconnection_limit_kw" not in drop:
        lp += total <= p.interconnection_limit_kw, "interconnection"
    if math.isfinite(reg.max_total_kwp):
        lp += total <= reg.max_total_kwp, "nem_limit"
    if reg.exports_within_imports:
        imports = pulp.lpSum((float(load[t]) - pl[t] - d[t] + cg[t]) * dt for t in T)
        lp += pulp.lpSum(e[t] * dt for t in T) <= imports, "nem_balance"
    if math.isfinite(p.capital_budget) and "capital_budget" not in drop:
        lp += capex <= p.capex_budget - fixed, "budget"
    if p.min_self_consumption > 0 and "min_self_consumption" not in drop:
        # onsite >= r (onsite + exported): the share of the PV *generated* (curtailed PV is
        # not generated) used on site, as solver.build (and solver.problem) words it
        # (with no export and r = 1 the row has no variable and holds: left out)
        r = p.min_self_consumption
        if export or r < 1.0:
            lp += (1.0 - r) * onsite - r * exported >= 0, "self_consumption"
    if p.min_renewable_share > 0 and "min_renewable_share" not in drop:
        lp += served >= p.min_renewable_share * float(load.sum() * dt), "renewable_share"
    if co2_target and co2_target > 0 and "min_co2_reduction" not in drop:
        lp += co2 >= co2_target, "co2"
    if max_payback_years is not None and "max_payback" not in drop:
        lp += (capex + fixed <= max_payback_years * (energy_sav + export_rev + demand_sav - om),
               "payback")

    npv_cost = capex + c.pwf_om * om - c.pwf_energy * (energy_sav + export_rev + demand_sav)
    if objective in ("max_npv", "npv"):
        obj = npv_cost
        eps = _tie_break(p) * dt
    elif objective in ("self_sufficiency", "max_self_sufficiency"):
        obj = -served
        eps = _TB * dt
    elif objective == "co2":
        assert ef is not None  # checked by optimize: the co2 objective needs the factors
        obj = -co2
        eps = _TB * dt * max(float(ef.max(initial=0.0)), 1e-9)
    else:
        obj = pulp.lpSum([])
        eps = 0.0
    if tie_break and eps > 0:
        obj = obj + eps * pulp.lpSum(cp[t] + cg[t] + d[t] + e[t] + 0.1 * w[t] for t in T)
    lp += obj
    handles = {
        "x": x, "l": pl, "e": e, "cp": cp, "cg": cg, "d": d, "w": w, "be": be, "bp": bp,
        "peaks": peaks, "served": served, "npv_cost": npv_cost, "use_bat": use_bat,
    }
    return lp, handles


def _largest_output(p: SizingProblem, reg: Regime, f: np.ndarray) -> np.ndarray:
    """The largest PV output of each step [kW]: every plane at its largest size, none above
    the limits on the total."""
    cap = np.minimum(np.asarray(p.plane_max_kwp, dtype=float),
                     min(p.max_total_kwp, p.interconnection_limit_kw, reg.max_total_kwp))
    with np.errstate(invalid="ignore"):
        return np.where(f > 0, f * cap, 0.0).sum(axis=1)


def _pv_charging_only(lp: pulp.LpProblem, p: SizingProblem, reg: Regime, f: np.ndarray,
                      pl: list, cp: list) -> None:
    """A battery that may not charge from the grid charges only from PV beyond the load,
    exactly: a binary ``y_t`` per step whose PV can exceed the load, ``cp <= M y`` and
    ``l >= load y`` (charging only while PV serves the whole load). :mod:`solver.build`
    relaxes the same rule without binaries (a secant) and repairs the design after; this
    MILP is its independent reference."""
    load, bat = p.load_kw, p.battery
    g_max = _largest_output(p, reg, f)
    room = (1.0 - bat.min_soc_fraction) * bat.max_kwh / p.step_hours / bat.charge_efficiency
    m_c = min(bat.max_kw, bat.max_c_rate * bat.max_kwh, room)
    for t in range(len(load)):
        if not g_max[t] > load[t]:
            lp += cp[t] == 0, f"pv_charge_none_{t}"
            continue
        bound = min(m_c, g_max[t] - load[t])
        if not math.isfinite(bound):
            bound = 100.0 * max(float(load.max(initial=0.0)), 1.0)
        y = lp.add_variable(f"y_{t}", 0, 1, cat="Binary") if hasattr(lp, "add_variable") \
            else pulp.LpVariable(f"y_{t}", cat="Binary")  # pragma: no cover - PuLP < 3.3
        lp += cp[t] <= bound * y, f"pv_charge_{t}"
        lp += pl[t] >= float(load[t]) * y, f"pv_charge_load_{t}"


def _behind_the_meter(lp: pulp.LpProblem, p: SizingProblem, reg: Regime, f: np.ndarray,
                      x: list, pl: list, e: list, cp: list, cg: list, d: list, *,
                      pv_built: bool) -> None:
    """Add the import-or-export binaries of the conflict steps (module docstring)."""
    bat = p.battery
    use_bat = bat.active
    load = p.load_kw
    g_max = _largest_output(p, reg, f) if pv_built else np.zeros(len(load))
    peak = max(float(load.max(initial=0.0)), 1.0)
    charge_max = discharge_max = 0.0
    if use_bat:
        room = (1.0 - bat.min_soc_fraction) * bat.max_kwh / p.step_hours
        power = min(bat.max_kw, bat.max_c_rate * bat.max_kwh)
        charge_max = min(power, room / bat.charge_efficiency)
        discharge_max = min(power, room * bat.discharge_efficiency)
    for t in np.nonzero(reg.export_price_per_kwh > p.import_price_per_kwh)[0].tolist():
        if g_max[t] <= 0:
            continue
        m_e = min(p.export_limit_kw, g_max[t] - load[t] + min(load[t], discharge_max))
        if m_e <= 0:
            lp += e[t] == 0, f"no_export_{t}"
            continue
        if load[t] <= 0 and not (use_bat and bat.grid_charging):
            continue
        z = lp.add_variable(f"z_{t}", 0, 1, cat="Binary") if hasattr(lp, "add_variable") \
            else pulp.LpVariable(f"z_{t}", cat="Binary")  # pragma: no cover - PuLP < 3.3
        lp += e[t] <= (m_e if math.isfinite(m_e) else 100.0 * peak) * z, f"phys_export_{t}"
        lp += pl[t] + d[t] >= float(load[t]) * z, f"phys_import_{t}"
        if use_bat and bat.grid_charging:
            m_c = charge_max if math.isfinite(charge_max) else 100.0 * peak
            lp += cg[t] <= m_c * (1 - z), f"phys_grid_charge_{t}"


def _val(v: Any) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    out = v.value()
    return 0.0 if out is None else float(out)


def _status(lp: pulp.LpProblem, code: int) -> str:
    s = pulp.LpStatus.get(code, "Undefined")
    if s == "Optimal":
        return "optimal"
    if s == "Infeasible":
        return "infeasible"
    if s == "Unbounded":
        return "unbounded"
    # CBC reports some infeasible LPs as "Undefined"
    return "infeasible" if s == "Undefined" else "error"


def solve_pulp(
    problem: SizingProblem,
    regime: Regime | None = None,
    *,
    objective: str = "max_npv",
    drop: frozenset[str] | set[str] = frozenset(),
    pv_built: bool = True,
    max_payback_years: float | None = None,
    co2_target_tco2: float | None = None,
    time_limit: float | None = None,
    tie_break: bool = True,
    physical: bool | None = None,
) -> tuple[SolveOutcome, dict | None]:
    """Build with PuLP and solve with CBC; returns the outcome and the flows dict
    (same keys as :meth:`solver.linear.LinearModel.flows`; physical under the rule)."""
    stage_obj = "self_sufficiency" if objective == "max_self_sufficiency" else objective
    lp, hd = build_pulp(problem, regime, objective=stage_obj, drop=drop, pv_built=pv_built,
                        max_payback_years=max_payback_years, co2_target_tco2=co2_target_tco2,
                        tie_break=tie_break, physical=physical)
    cmd = cbc_command(time_limit)
    t0 = time.perf_counter()
    code = lp.solve(cmd)
    status = _status(lp, code)
    if status == "optimal" and objective == "max_self_sufficiency":
        best = float(pulp.value(hd["served"]))
        lp += hd["served"] >= best - 1e-7 * max(abs(best), 1.0), "stage1"
        eps = _tie_break(problem) * problem.step_hours if tie_break else 0.0
        n_t = problem.n_steps
        reg_terms = pulp.lpSum(hd["cp"][t] + hd["cg"][t] + hd["d"][t] + hd["e"][t]
                               + 0.1 * hd["w"][t] for t in range(n_t))
        lp.setObjective(hd["npv_cost"] + eps * reg_terms)
        code = lp.solve(cmd)
        status = _status(lp, code)
    seconds = time.perf_counter() - t0
    if status != "optimal":
        return SolveOutcome(status, None, math.nan, seconds, "cbc", pulp.LpStatus.get(code, "")), None
    n_t = problem.n_steps
    flows: dict = {"kwp": np.array([_val(v) for v in hd["x"]])}
    for name in ("l", "e", "cp", "cg", "d", "w"):
        flows[name] = np.maximum(np.array([_val(hd[name][t]) for t in range(n_t)]), 0.0)
    flows["battery_kwh"] = max(_val(hd["be"]), 0.0)
    flows["battery_kw"] = max(_val(hd["bp"]), 0.0)
    m = problem.battery.min_soc_fraction if flows["battery_kwh"] > 0 else 0.0
    flows["soc"] = m * flows["battery_kwh"] + flows["w"]
    phys = (not problem.allow_simultaneous_import_export) if physical is None else physical
    if phys:
        reg = regime or Regime("standard", problem.export_price_per_kwh)
        flows = repair_flows(problem, flows, reg.export_price_per_kwh,
                             net_metering=reg.exports_within_imports)
    obj = float(pulp.value(lp.objective) or 0.0)
    return SolveOutcome("optimal", None, obj, seconds, "cbc"), flows
