"""Random small sizing problems and an independent evaluator, for the solver tests.

The evaluator does not use solver/ code beyond reading the problem's arrays: it dispatches
PV greedily (load first, then export up to the limit, then curtail), optionally through a
simple battery rule, and prices the result with the NPV formula written out here. Its
dispatch is physical (a behind-the-meter site never imports and exports in the same step):
it exports only PV beyond the load and the battery's charge, and the battery charges only
from that surplus. Without a battery it is the best physical dispatch of given sizes.
"""

from __future__ import annotations

import numpy as np

from solver.problem import BatteryOptions, Costs, DemandCharge, SizingProblem


def random_problem(
    rng: np.random.Generator,
    n_steps: int = 72,
    n_planes: int = 2,
    *,
    battery: bool | BatteryOptions = False,
    step_hours: float = 1.0,
    export_limit_kw: float | None = None,
    export_above_import: bool = False,
    **overrides: object,
) -> SizingProblem:
    """A random few-day problem whose optimum is usually interior (not at a bound)."""
    hour = (np.arange(n_steps) * step_hours) % 24
    day = (np.arange(n_steps) * step_hours // 24).astype(int)
    cloud = rng.uniform(0.3, 1.0, day.max() + 1)[day]
    cols = []
    for _ in range(n_planes):
        shift = rng.uniform(-2.0, 2.0)
        width = rng.uniform(5.0, 7.0)
        x = (hour + step_hours / 2 - 12.0 - shift) / width
        cols.append(rng.uniform(0.6, 0.9) * np.clip(np.cos(np.pi / 2 * np.clip(x, -1, 1)), 0, None)
                    * cloud)
    prod = np.column_stack(cols)
    load = rng.uniform(40, 80) + rng.uniform(20, 120) * ((hour >= 8) & (hour < 18)) \
        + rng.normal(0, 8, n_steps)
    load = np.clip(load, 0.0, None)
    levels = np.sort(rng.uniform(0.2, 1.2, 3))
    price = np.where((hour >= 9) & (hour < 12) | (hour >= 14) & (hour < 18), levels[2],
                     np.where((hour < 7) | (hour >= 22), levels[0], levels[1]))
    if export_above_import:
        exp_price = price * rng.uniform(0.3, 1.4, n_steps)
    else:
        exp_price = price * rng.uniform(0.0, 0.9)
    half = np.arange(n_steps) < n_steps // 2
    charges = [DemandCharge(half, rng.uniform(0, 30), "a"), DemandCharge(~half, rng.uniform(0, 30), "b")]
    pwf = rng.uniform(8, 14)
    value_per_kwp = pwf * float(price.mean()) * float(prod.mean(axis=1).sum()) * step_hours
    costs = Costs(
        pv_capex_per_kwp=rng.uniform(0.3, 1.1) * value_per_kwp,
        pv_om_per_kwp_year=rng.uniform(0.0, 0.02) * value_per_kwp,
        pwf_energy=pwf, pwf_om=pwf * 0.9,
        battery_capex_per_kwh=rng.uniform(0.02, 0.2) * pwf * float(price.mean()) * n_steps / 24,
        battery_capex_per_kw=rng.uniform(0.0, 0.05) * pwf * float(price.mean()) * n_steps / 24,
        production_levelization=rng.uniform(0.9, 1.0),
    )
    peak = float(load.max())
    kw = {
        "production_kw_per_kwp": prod, "load_kw": load, "import_price_per_kwh": price,
        "export_price_per_kwh": exp_price, "step_hours": step_hours, "costs": costs,
        "demand_charges": charges,
        "plane_max_kwp": rng.uniform(0.5, 2.0, n_planes) * peak,
        "export_limit_kw": rng.choice([0.0, 0.3 * peak, np.inf]) if export_limit_kw is None
        else export_limit_kw,
        "battery": battery if isinstance(battery, BatteryOptions) else BatteryOptions(
                                  allowed=battery, max_kwh=3 * peak, max_kw=peak,
                                  charge_efficiency=rng.uniform(0.9, 0.98),
                                  discharge_efficiency=rng.uniform(0.9, 0.98),
                                  min_soc_fraction=rng.uniform(0.0, 0.2),
                                  grid_charging=bool(rng.integers(0, 2))),
        "grid_tco2_per_kwh": rng.uniform(0.0004, 0.0009, n_steps),
    }
    kw.update(overrides)
    return SizingProblem(**kw)  # type: ignore[arg-type]


def evaluate(problem: SizingProblem, kwp: np.ndarray, battery_kwh: float = 0.0,
             battery_kw: float = 0.0) -> tuple[float, dict] | None:
    """NPV of given sizes under a simple rule-based dispatch (a feasible dispatch).

    PV serves the load first, then charges the battery, then is exported up to the limit,
    then curtailed. The battery discharges to the load whenever PV falls short and never
    charges from the grid. The state of charge starts where the previous pass ended
    (iterated to a cyclic schedule); returns None if it does not become cyclic.
    """
    p = problem
    c = p.costs
    dt = p.step_hours
    g = p.production_kw_per_kwp @ np.asarray(kwp, float) * c.production_levelization
    load = p.load_kw
    n = load.shape[0]
    eta_c, eta_d = p.battery.charge_efficiency, p.battery.discharge_efficiency
    smin = p.battery.min_soc_fraction * battery_kwh
    soc0 = smin
    to_load = np.minimum(load, g)
    charge = np.zeros(n)
    dis = np.zeros(n)
    for _ in range(50 if battery_kwh > 0 else 0):
        soc = soc0
        to_load = np.minimum(load, g)
        charge = np.zeros(n)
        dis = np.zeros(n)
        for t in range(n):
            surplus = g[t] - to_load[t]
            deficit = load[t] - to_load[t]
            if battery_kwh > 0 and surplus > 0:
                charge[t] = min(surplus, battery_kw, (battery_kwh - soc) / (eta_c * dt))
                soc += charge[t] * eta_c * dt
            elif battery_kwh > 0 and deficit > 0:
                dis[t] = min(deficit, battery_kw, (soc - smin) * eta_d / dt)
                soc -= dis[t] / eta_d * dt
        if abs(soc - soc0) <= 1e-9 * max(battery_kwh, 1.0):
            break
        soc0 = soc
    else:
        if battery_kwh > 0:
            return None
    export = np.minimum(g - to_load - charge, p.export_limit_kw)
    grid = load - to_load - dis
    energy_sav = float(p.import_price_per_kwh @ (to_load + dis) * dt)
    export_rev = float(p.export_price_per_kwh @ export * dt)
    demand_sav = sum(dc.rate_per_kw * (load[dc.window].max() - grid[dc.window].max())
                     for dc in p.demand_charges if dc.window.any())
    total = float(np.sum(kwp))
    capex = (c.pv_capex_per_kwp * total + c.battery_capex_per_kwh * battery_kwh
             + c.battery_capex_per_kw * battery_kw + (c.fixed_capex if total > 0 else 0.0))
    om = (c.pv_om_per_kwp_year * total + c.battery_om_per_kwh_year * battery_kwh
          + c.battery_om_per_kw_year * battery_kw)
    npv = c.pwf_energy * (energy_sav + export_rev + demand_sav) - capex - c.pwf_om * om
    return npv, {"to_load": to_load, "export": export, "grid": grid, "charge": charge,
                 "discharge": dis}
