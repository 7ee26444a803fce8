"""Translate a scenario's domain objects into the optimizer's problem, and back.

One production basis for sizing and money: the optimizer (:mod:`solver`) dispatches YEAR 1
(PV output as simulated, ``Costs.production_levelization = 1``) and values its energy
savings, export revenue and demand savings with the after-tax present-worth factors of
:func:`pvplanner.finance.present_worth_factors`, which carry the degradation, escalation,
export price path and tax of every later year exactly as
:func:`pvplanner.finance.cash_flow_table` does. The solver has one factor for the year's bill
(``pwf_energy``); the energy factor times its degradation levelization is that factor, and
the export and demand factors are folded into the export prices and demand rates handed to
the solver. So the solver's NPV of a design is
:func:`pvplanner.finance.npv_from_factors` of its year-1 savings, which equals the
cash-flow NPV (``tax_losses = "offset"``) of the same design and dispatch.

Scaling the PV output by the levelization instead (REopt's convention, used here before)
dispatches a smaller "levelised" array whose self-consumed share is higher than year 1's, so
the two NPVs differed (by 0.9-3.7 % on the demo). Not in the solver's NPV: a per-kWh
generation subsidy and certificate or credit revenue (the carbon ledger counts whole
certificates); when any is non-zero the cash-flow NPV exceeds the solver's by their present
worth. A lease is sized as an owner's system (its payment is not per kWp): the solver's NPV
is then the owner's and the reported NPV the lessee's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.finance import FinanceInputs, Year1Savings
from pvplanner.guard.toml_words import read_data_toml
from pvplanner.scenario.model import Scenario
from pvplanner.tariff import Bill
from solver.problem import BatteryOptions, Costs, DemandCharge, SizingProblem


@dataclass(frozen=True)
class SizingInputs:
    """Arrays on the scenario time axis that every sizing run shares."""

    production_kw_per_kwp: pd.DataFrame
    load_kw: pd.Series
    import_price_per_kwh: np.ndarray
    export_price_per_kwh: np.ndarray
    demand_windows: Sequence[tuple[np.ndarray, float, str]]
    plane_max_kwp: np.ndarray
    grid_tco2_per_kwh: float
    export_allowed: bool

    @property
    def step_hours(self) -> float:
        index = self.load_kw.index
        return (index[1] - index[0]).total_seconds() / 3600.0


@lru_cache(maxsize=1)
def battery_defaults() -> dict[str, dict[str, Any]]:
    """All entries of ``data/battery_defaults.toml`` (value, unit, source, year, status)."""
    return read_data_toml("battery_defaults.toml")


def battery_energy_limit_kwh(scenario: Scenario, load_kw: pd.Series | np.ndarray) -> float:
    """The largest battery energy capacity the optimizer may choose [kWh].

    ``battery.max_energy_kwh`` when the scenario gives one; otherwise
    ``max_energy_days`` (``data/battery_defaults.toml``, 1 day) of the load's mean daily
    energy, and never below ``battery.min_energy_kwh``.

    Parameters
    ----------
    scenario : Scenario
        Its battery options.
    load_kw : array, shape (T,)
        The site's load on the plan's time axis, equal steps [kW].

    Examples
    --------
    A flat 500 kW load uses 12,000 kWh a day:

    >>> from pvplanner.scenario.model import demo_scenario
    >>> battery_energy_limit_kwh(demo_scenario(), np.full(8760, 500.0))
    12000.0
    """
    given = scenario.battery.max_energy_kwh
    if given is not None:
        return float(given)
    load = np.asarray(load_kw, dtype=float)
    days = float(battery_defaults()["max_energy_days"]["value"])
    daily_kwh = float(load.mean()) * 24.0 if load.size else 0.0  # mean kW x 24 h
    return max(days * daily_kwh, float(scenario.battery.min_energy_kwh))


def build_problem(
    scenario: Scenario,
    inputs: SizingInputs,
    factors: dict[str, float],
    *,
    fixed_kwp: Sequence[float] | np.ndarray | None = None,
    fixed_battery: tuple[float, float] | None = None,
    capacity_cap_kwp: float = np.inf,
    min_self_consumption: float | None = None,
) -> SizingProblem:
    """The solver's problem for a scenario.

    Parameters
    ----------
    scenario : Scenario
        Constraints, battery options and the objective's inputs.
    inputs : SizingInputs
        Profiles, prices and windows on the time axis.
    factors : dict
        :func:`pvplanner.finance.present_worth_factors` output.
    fixed_kwp, fixed_battery : optional
        Fix the PV size per plane / the battery (kWh, kW): the solver then only dispatches
        (the year-1 flows and bills of a chosen design, valued with the same factors).
    capacity_cap_kwp : float, optional
        Upper bound on the total PV capacity from the project's category (国能发新能规〔2025〕
        7号) [kWp], on top of ``constraints.max_total_kwp``.
    min_self_consumption : float, optional
        The share of the year's PV output the site must use itself [fraction] (the larger of
        the province's minimum and ``constraints.min_self_consumption_ratio``); default the
        latter. It also binds the dispatch of a fixed design, so the reported year keeps it.
    """
    # The year's energy savings are worth pwf_energy x their degradation levelization; the
    # exports and demand savings have their own factors, folded into their prices so that
    # pwf_energy x (the solver's year-1 value) is their lifecycle value.
    pwf_energy = factors["pwf_energy"] * factors["production_levelization"]
    if pwf_energy <= 0:
        export_scale = demand_scale = 1.0
    else:
        export_scale = factors["pwf_export"] * factors["export_levelization"] / pwf_energy
        demand_scale = factors["pwf_demand"] / pwf_energy
    charges = [
        DemandCharge(window=mask, rate_per_kw=rate * demand_scale, name=str(label))
        for mask, rate, label in inputs.demand_windows
        if rate > 0
    ]
    costs = Costs(
        pv_capex_per_kwp=factors["effective_capex_per_kwp"],
        pwf_energy=pwf_energy,
        pwf_om=1.0,
        pv_om_per_kwp_year=factors["om_pw_per_kwp"],
        battery_capex_per_kwh=factors["effective_capex_per_kwh"],
        battery_capex_per_kw=factors["effective_capex_per_kw"],
        battery_om_per_kwh_year=factors["om_pw_per_kwh"],
        fixed_capex=factors["effective_fixed_capex"],
        production_levelization=1.0,  # year 1: degradation is in the factors above
    )
    c = scenario.constraints
    b = scenario.battery
    plane_max = np.asarray(inputs.plane_max_kwp, dtype=float)
    plane_min = np.zeros_like(plane_max)
    if fixed_kwp is not None:
        plane_min = plane_max = np.asarray(fixed_kwp, dtype=float)
    battery = BatteryOptions(
        allowed=b.allowed,
        min_kwh=b.min_energy_kwh,
        max_kwh=battery_energy_limit_kwh(scenario, inputs.load_kw),
        min_kw=b.min_power_kw,
        max_kw=b.max_power_kw,
        charge_efficiency=b.charge_efficiency,
        discharge_efficiency=b.discharge_efficiency,
        min_soc_fraction=b.min_soc_fraction,
        max_c_rate=b.max_c_rate,
        grid_charging=b.grid_charging,
    )
    if fixed_battery is not None:
        kwh, kw = fixed_battery
        battery = BatteryOptions(
            allowed=kwh > 0,
            min_kwh=kwh, max_kwh=kwh, min_kw=kw, max_kw=kw,
            charge_efficiency=b.charge_efficiency,
            discharge_efficiency=b.discharge_efficiency,
            min_soc_fraction=b.min_soc_fraction,
            max_c_rate=max(b.max_c_rate, kw / kwh if kwh > 0 else 0.0) or np.inf,
            grid_charging=b.grid_charging,
        )
    export_limit = c.export_limit_kw if c.export_limit_kw is not None else np.inf
    if not inputs.export_allowed:
        export_limit = 0.0
    fixed = fixed_kwp is not None
    return SizingProblem(
        production_kw_per_kwp=inputs.production_kw_per_kwp.to_numpy(),
        load_kw=inputs.load_kw.to_numpy(),
        import_price_per_kwh=inputs.import_price_per_kwh,
        export_price_per_kwh=inputs.export_price_per_kwh * export_scale,
        step_hours=inputs.step_hours,
        costs=costs,
        demand_charges=charges,
        plane_names=list(inputs.production_kw_per_kwp.columns),
        plane_min_kwp=plane_min,
        plane_max_kwp=plane_max,
        min_total_kwp=0.0 if fixed else c.min_total_kwp,
        max_total_kwp=np.inf if fixed else min(
            np.inf if c.max_total_kwp is None else c.max_total_kwp, capacity_cap_kwp),
        # The user's budget as given; the solver scales it to its capex units, and quotes
        # the user's figure when the budget conflicts with another constraint.
        capital_budget=np.inf if fixed or c.capital_budget is None else c.capital_budget,
        capital_budget_scale=_budget_scale(scenario, factors),
        export_limit_kw=export_limit,
        interconnection_limit_kw=(
            np.inf if fixed or c.interconnection_limit_kw is None else c.interconnection_limit_kw
        ),
        battery=battery,
        min_self_consumption=(
            min_self_consumption if min_self_consumption is not None
            else 0.0 if fixed else (c.min_self_consumption_ratio or 0.0)) or 0.0,
        min_renewable_share=0.0 if fixed else (c.min_renewable_share or 0.0),
        grid_tco2_per_kwh=inputs.grid_tco2_per_kwh,
        min_co2_reduction_tco2=0.0 if fixed else (c.co2_reduction_target_tco2 or 0.0),
        co2_counts_exports=True,
    )


def sizing_finance(scenario: Scenario) -> FinanceInputs:
    """The finance inputs the optimizer values a design with: the scenario's, a lease sized
    as an owner-financed system (a lease payment is not per kWp)."""
    if scenario.finance.ownership == "lease":
        return scenario.finance.model_copy(update={"ownership": "owner"})
    return scenario.finance


def _budget_scale(scenario: Scenario, factors: dict[str, float]) -> float:
    """Scale from the user's (nominal) capital budget to the solver's effective capex units.

    The solver's capex coefficients are effective costs (after subsidies, the depreciation tax
    shield and replacements); a budget limits the money spent up front. Scaling the budget by
    the smallest effective/nominal ratio of the cost items keeps the nominal spend within the
    budget: exact for PV alone, conservative when a battery is also sized.
    """
    f = scenario.finance
    pairs = [
        (factors["effective_capex_per_kwp"], f.pv_capex_per_kwp),
        (factors["effective_fixed_capex"], f.fixed_capex),
    ]
    if scenario.battery.allowed:
        pairs += [
            (factors["effective_capex_per_kwh"], f.battery_capex_per_kwh),
            (factors["effective_capex_per_kw"], f.battery_capex_per_kw),
        ]
    ratios = [effective / nominal for effective, nominal in pairs if nominal > 0]
    return min(ratios) if ratios else 1.0


def year1_savings(
    baseline: Bill,
    with_system: Bill,
    *,
    generation_kwh: float,
    self_consumed_kwh: float,
    exported_kwh: float,
    battery_discharged_kwh: float = 0.0,
) -> Year1Savings:
    """Year-1 savings by bill component: what the finance model escalates and degrades.

    Energy savings include tier and period effects; demand savings cover maximum-demand and
    coincident-peak charges; export revenue is the export credit (bills store credits as
    negative amounts).
    """

    def part(bill: Bill, name: str) -> float:
        return bill.component(name) if name in bill.monthly.columns else 0.0

    energy_names = ("energy", "energy_tier_adjustment", "net_metering")
    demand_names = ("demand", "coincident_peak", "capacity")
    energy = sum(part(baseline, n) - part(with_system, n) for n in energy_names)
    demand = sum(part(baseline, n) - part(with_system, n) for n in demand_names)
    export = part(baseline, "export_credit") - part(with_system, "export_credit")
    return Year1Savings(
        energy_savings=float(energy),
        export_revenue=float(export),
        demand_savings=float(demand),
        self_consumed_kwh=float(self_consumed_kwh),
        exported_kwh=float(exported_kwh),
        generation_kwh=float(generation_kwh),
        battery_discharged_kwh=float(battery_discharged_kwh),
    )
