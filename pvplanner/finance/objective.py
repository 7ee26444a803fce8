"""Present-worth factors for the optimizer's objective (linear in sizes and year-1 energy).

The optimizer maximises the owner's (or EMC investor's) project NPV written as

    NPV = - effective_fixed_capex
          - lifecycle_cost_per_kwp * kWp - lifecycle_cost_per_kwh * kWh - lifecycle_cost_per_kw * kW
          + pwf_energy * production_levelization * E1
          + pwf_export * export_levelization * X1
          + pwf_demand * D1
          + generation_subsidy_pw_per_kwh * G1

with E1, X1, D1 the year-1 energy savings, export revenue and demand savings [currency] and G1
the year-1 generation [kWh]. Each factor is the after-tax present worth of one currency unit
(or kWh) of year 1, built with exactly the conventions of
:func:`pvplanner.finance.cashflow.cash_flow_table` (escalation from year 2, degradation,
tax by year including holidays, depreciation tax shield, salvage or EMC write-off, replacements
expensed, the export price path of ``export_price_factors``). So with
``tax_losses = "offset"`` this NPV equals ``metrics(cash_flow_table(...)).npv`` (to round-off)
when no certificate or credit revenue is added to the table; with ``"carry_forward"`` it is
the optimistic linear approximation.

Conventions shared with the cash flow (each a choice, made once): energy savings (including a
battery's) and export revenue degrade with the PV output; demand savings escalate with the
tariff but do not degrade; the EMC investor gets ``1 - emc_discount_percent / 100`` of the
energy savings and all exports, the host the demand savings; replacements are expensed in
their year; income tax is paid (or credited) in the year the income arises.

The optimizer dispatches year 1 and applies these factors to the year's savings
(:mod:`pvplanner.sizing`), so its objective is this NPV of the design it returns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pvplanner.errors import PlannerInputError
from pvplanner.finance.cashflow import Year1Savings, _by_year, _export_factors
from pvplanner.finance.inputs import FinanceInputs
from pvplanner.messages import Message

__all__ = ["npv_from_factors", "present_worth_factors"]


def present_worth_factors(
    inputs: FinanceInputs, degradation: Sequence[float] | np.ndarray,
    export_price_factors: Sequence[float] | np.ndarray | None = None,
) -> dict[str, float]:
    """Linear present-worth factors of the project NPV (see the module docstring).

    Parameters
    ----------
    inputs : FinanceInputs
        Finance inputs; ownership ``owner`` or ``emc`` (for EMC the factors are the
        investor's, over ``contract_years``).
    degradation : array-like
        Output factors of years 1..N [-].
    export_price_factors : array-like, optional
        Export price of years 1..N relative to year 1 before escalation (see
        :func:`~pvplanner.finance.cashflow.cash_flow_table`); default all ones.

    Returns
    -------
    dict
        ``horizon_years``, ``discount_rate``; ``pwf_energy``, ``production_levelization``,
        ``pwf_export``, ``export_levelization``, ``pwf_demand``, ``pwf_om``,
        ``pwf_generation`` [-]; ``generation_subsidy_pw_per_kwh`` [currency/kWh];
        ``capex_factor`` (effective share of a unit of capex after subsidy, depreciation tax
        shield and salvage) [-]; ``effective_capex_per_kwp``, ``effective_capex_per_kwh``,
        ``effective_capex_per_kw`` (incl. after-tax replacements), ``effective_fixed_capex``;
        ``om_pw_per_kwp``, ``om_pw_per_kwh``; ``lifecycle_cost_per_kwp``,
        ``lifecycle_cost_per_kwh``, ``lifecycle_cost_per_kw`` [currency per unit].
    """
    if inputs.ownership == "lease":
        raise PlannerInputError(
            Message.of("errors.finance.pwf_lease",
                       "present_worth_factors supports ownership 'owner' or 'emc'; a lease's "
                       "fixed payment is not proportional to the system size: optimise as "
                       "'owner' and evaluate the lease with cash_flow_table"),
            field="finance.ownership",
        )
    emc = inputs.ownership == "emc"
    h = inputs.contract_years if emc else inputs.analysis_years
    y = np.arange(1, h + 1, dtype=float)
    deg = _by_year(degradation, h, "degradation")
    disc = (1.0 + inputs.discount_rate) ** -y
    tau = np.asarray(inputs.tax_rate_by_year(h))
    after_tax = (1.0 - tau) * disc

    def escalated(rate: float) -> np.ndarray:
        return (1.0 + rate) ** (y - 1.0) * after_tax

    energy = escalated(inputs.tariff_escalation_rate)
    export = escalated(inputs.export_escalation_rate) * _export_factors(export_price_factors, h)
    share = 1.0 - inputs.emc_discount_percent / 100.0 if emc else 1.0

    # One unit of capex: subsidy, depreciation tax shield, then salvage (owner) or write-off
    # of the remaining book value at hand-over (EMC).
    dep = np.where(y <= inputs.depreciation_years,
                   (1.0 - inputs.salvage_fraction) / inputs.depreciation_years, 0.0)
    shield = float(np.sum(tau * dep * disc))
    book_end = 1.0 - float(dep.sum())
    end_value = book_end * disc[-1] * (tau[-1] if emc else 1.0)
    capex_factor = (1.0 - inputs.capex_subsidy_fraction) * (1.0 - shield - end_value)

    def replacement_pw(year: int, cost: float) -> float:
        if not 1 <= year <= h:
            return 0.0
        return cost * (1.0 + inputs.inflation_rate) ** (year - 1) * float(after_tax[year - 1])

    pwf_om = float(np.sum(escalated(inputs.om_escalation_rate)))
    out = {
        "horizon_years": float(h),
        "discount_rate": inputs.discount_rate,
        "pwf_energy": share * float(energy.sum()),
        "production_levelization": float(np.sum(energy * deg) / energy.sum()),
        "pwf_export": float(export.sum()),
        "export_levelization": float(np.sum(export * deg) / export.sum()),
        "pwf_demand": 0.0 if emc else float(energy.sum()),
        "pwf_om": pwf_om,
        "pwf_generation": float(np.sum(deg * after_tax)),
        "generation_subsidy_pw_per_kwh": inputs.generation_subsidy_per_kwh * float(
            np.sum(np.where(y <= inputs.generation_subsidy_years, deg * after_tax, 0.0))),
        "capex_factor": capex_factor,
        "effective_capex_per_kwp": inputs.pv_capex_per_kwp * capex_factor + replacement_pw(
            inputs.inverter_replacement_year, inputs.inverter_replacement_cost_per_kwp),
        "effective_capex_per_kwh": inputs.battery_capex_per_kwh * capex_factor + replacement_pw(
            inputs.battery_replacement_year, inputs.battery_replacement_cost_per_kwh),
        "effective_capex_per_kw": inputs.battery_capex_per_kw * capex_factor,
        "effective_fixed_capex": inputs.fixed_capex * capex_factor,
        "om_pw_per_kwp": inputs.pv_om_per_kwp_year * pwf_om,
        "om_pw_per_kwh": inputs.battery_om_per_kwh_year * pwf_om,
    }
    out["lifecycle_cost_per_kwp"] = out["effective_capex_per_kwp"] + out["om_pw_per_kwp"]
    out["lifecycle_cost_per_kwh"] = out["effective_capex_per_kwh"] + out["om_pw_per_kwh"]
    out["lifecycle_cost_per_kw"] = out["effective_capex_per_kw"]
    return out


def npv_from_factors(
    factors: dict[str, float],
    *,
    pv_kwp: float,
    year1_savings: Year1Savings,
    battery_kwh: float = 0.0,
    battery_kw: float = 0.0,
) -> float:
    """The optimizer's linear NPV for given sizes and year-1 results [currency].

    Parameters
    ----------
    factors : dict
        Output of :func:`present_worth_factors`.
    pv_kwp, battery_kwh, battery_kw : float
        Sizes [kWp, kWh, kW]; the fixed capex applies when any is positive.
    year1_savings : Year1Savings
        Year-1 savings and energy.
    """
    s = year1_savings
    has_system = pv_kwp > 0 or battery_kwh > 0
    return (
        -(factors["effective_fixed_capex"] if has_system else 0.0)
        - factors["lifecycle_cost_per_kwp"] * pv_kwp
        - factors["lifecycle_cost_per_kwh"] * battery_kwh
        - factors["lifecycle_cost_per_kw"] * battery_kw
        + factors["pwf_energy"] * factors["production_levelization"] * s.energy_savings
        + factors["pwf_export"] * factors["export_levelization"] * s.export_revenue
        + factors["pwf_demand"] * s.demand_savings
        + factors["generation_subsidy_pw_per_kwh"] * s.generation_kwh
    )
