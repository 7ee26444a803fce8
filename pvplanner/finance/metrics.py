"""Investment metrics from a cash-flow table: NPV, IRR, paybacks, LCOE, LCOS, B/C ratio.

Undefined metrics (no sign change, never paid back, no energy) are ``None``, never NaN, so
the results serialise to valid JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message

__all__ = [
    "FinanceMetrics",
    "discounted_payback",
    "irr",
    "metrics",
    "npv",
    "simple_payback",
]

# IRR search grid: dense around usual returns, sparse up to 10 000 %/yr.
_IRR_GRID = np.unique(np.concatenate([
    np.linspace(-0.99, -0.2, 40),
    np.linspace(-0.2, 1.0, 241),
    np.geomspace(1.0, 100.0, 60),
]))


def _flows(cash_flows: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    arr = np.asarray(cash_flows, dtype=float).ravel()
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise PlannerInputError(Message.of(
            "errors.finance.cash_flows", "cash flows must be a non-empty series of finite numbers"))
    return arr


def npv(rate: float, cash_flows: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Net present value of flows at years 0, 1, 2, ... [currency].

    Parameters
    ----------
    rate : float
        Discount rate [fraction/yr], > -1.
    cash_flows : array-like
        Flow of year 0 (undiscounted) then years 1..n [currency].
    """
    if not rate > -1.0:
        raise PlannerInputError(Message.of("errors.finance.discount_rate",
                                           "discount rate must be > -1, got {rate}",
                                           rate=repr(rate)), field="discount_rate")
    cf = _flows(cash_flows)
    return float(np.sum(cf / (1.0 + rate) ** np.arange(cf.size)))


def irr(cash_flows: Sequence[float] | np.ndarray | pd.Series, *, guess: float = 0.1
        ) -> float | None:
    """Internal rate of return, or ``None`` when undefined.

    NPV(r) is scanned on a grid from -99 % to 10 000 % for sign changes and each bracket is
    refined with Brent's method; with several roots (non-conventional flows) the one closest
    to ``guess`` is returned (numpy-financial's choice).

    Parameters
    ----------
    cash_flows : array-like
        Flows of years 0..n [currency].
    guess : float, optional
        Tie-break for multiple roots [fraction/yr].

    Returns
    -------
    float or None
        IRR [fraction/yr]; None if the flows never change sign or no root is found.
    """
    cf = _flows(cash_flows)
    if not (np.any(cf > 0) and np.any(cf < 0)):
        return None
    t = np.arange(cf.size)

    def f(r: float) -> float:
        return float(np.sum(cf / (1.0 + r) ** t))

    values = np.array([f(r) for r in _IRR_GRID])
    roots = [float(r) for r, v in zip(_IRR_GRID, values, strict=True) if v == 0.0]
    sign_change = np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]
    for i in sign_change:
        roots.append(brentq(f, _IRR_GRID[i], _IRR_GRID[i + 1], xtol=1e-12, rtol=1e-12,
                            maxiter=200))
    if not roots:
        return None
    return min(roots, key=lambda r: abs(r - guess))


def _payback(cumulative: np.ndarray, flows: np.ndarray) -> float | None:
    """Years until the cumulative flow turns non-negative for good (linear within the year);
    None when it never does, or when there are no flows at all (nothing built: nothing to pay
    back, not a payback of 0 years)."""
    if cumulative[-1] < 0 or not np.any(np.abs(flows) > 1e-9):
        return None
    negative = np.nonzero(cumulative < 0)[0]
    if negative.size == 0:
        return 0.0
    k = int(negative[-1])  # last year still under water
    return k + float(-cumulative[k] / flows[k + 1])


def simple_payback(cash_flows: Sequence[float] | np.ndarray | pd.Series) -> float | None:
    """Simple payback period [years], fractional by linear interpolation.

    The period ends when the cumulative undiscounted flow becomes non-negative and stays so
    (a later replacement that pushes it below zero again moves the payback). None if the
    investment is never recovered within the table.
    """
    cf = _flows(cash_flows)
    return _payback(np.cumsum(cf), cf)


def discounted_payback(cash_flows: Sequence[float] | np.ndarray | pd.Series, rate: float
                       ) -> float | None:
    """Discounted payback period [years] (as :func:`simple_payback` on discounted flows)."""
    cf = _flows(cash_flows)
    disc = cf / (1.0 + rate) ** np.arange(cf.size)
    return _payback(np.cumsum(disc), disc)


@dataclass(frozen=True)
class FinanceMetrics:
    """Headline investment metrics of one cash-flow table (None = undefined).

    Attributes
    ----------
    npv : float
        Net present value of the project (unlevered, after tax) flows [currency].
    npv_equity : float
        Net present value of the equity (levered) flows at the same rate [currency].
    irr_project, irr_equity : float or None
        Internal rates of return [fraction/yr].
    payback_years, discounted_payback_years : float or None
        Simple and discounted payback of the project flows AFTER income tax
        (``net_cash_flow_project``) less the salvage: the book value assumed at the end of
        the analysis is not cash the system has earned [years].
    lcoe_per_kwh : float or None
        Discounted PV-related costs (capex net of subsidy, O&M, replacements, lease, minus
        the PV share of the salvage; pre-tax, battery parts excluded) / discounted
        generation [currency/kWh].
    lcos_per_kwh : float or None
        Discounted battery costs (capex, O&M, replacement) / discounted discharge
        [currency/kWh]; None without a battery.
    benefit_cost_ratio : float or None
        Discounted pre-tax benefits (savings, revenues, subsidies per kWh, salvage) /
        discounted pre-tax costs (capex net of subsidy, O&M, replacements, lease) [-].
    capex : float
        Initial investment of this party net of the capex subsidy [currency].
    discount_rate : float
        Rate used [fraction/yr].
    payback_years_pre_tax, discounted_payback_years_pre_tax : float or None
        Simple and discounted payback of the project flows BEFORE income tax
        (``net_cash_flow_project - tax_project``: capex, savings, revenues, subsidies, O&M,
        replacements and lease; not the salvage) [years]; the static payback Chinese
        proposals quote (静态投资回收期（税前）).
    """

    npv: float
    npv_equity: float
    irr_project: float | None
    irr_equity: float | None
    payback_years: float | None
    discounted_payback_years: float | None
    lcoe_per_kwh: float | None
    lcos_per_kwh: float | None
    benefit_cost_ratio: float | None
    capex: float
    discount_rate: float
    payback_years_pre_tax: float | None = None
    discounted_payback_years_pre_tax: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready form (non-finite values become None)."""
        out: dict[str, float | None] = {}
        for key, value in asdict(self).items():
            out[key] = None if value is None or not math.isfinite(value) else float(value)
        return out


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 and math.isfinite(num / den) else None


def metrics(table: pd.DataFrame, discount_rate: float, *, irr_guess: float = 0.1
            ) -> FinanceMetrics:
    """Compute :class:`FinanceMetrics` from a :func:`cash_flow_table` result.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`pvplanner.finance.cashflow.cash_flow_table` (years 0..N).
    discount_rate : float
        Discount rate [fraction/yr].
    irr_guess : float, optional
        Tie-break for non-conventional flows with several IRRs.

    Returns
    -------
    FinanceMetrics
    """
    required = ("net_cash_flow_project", "net_cash_flow_equity", "tax_project", "capex",
                "generation_kwh")
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise PlannerInputError(Message.of(
            "errors.finance.table_columns",
            "cash-flow table lacks columns {missing}; build it with cash_flow_table()",
            missing=str(missing)))
    if not discount_rate > -1.0:
        raise PlannerInputError(Message.of("errors.finance.discount_rate_field",
                                           "discount_rate must be > -1, got {rate}",
                                           rate=repr(discount_rate)),
                                field="finance.discount_rate")
    project = table["net_cash_flow_project"].to_numpy(dtype=float)
    # Before income tax: the project flows with the project's tax taken out again.
    pre_tax = project - table["tax_project"].to_numpy(dtype=float)
    equity = table["net_cash_flow_equity"].to_numpy(dtype=float)
    df = 1.0 / (1.0 + discount_rate) ** np.arange(len(table))

    def pv(column: str) -> float:
        return float(np.sum(table[column].to_numpy(dtype=float) * df))

    costs = -(pv("capex") + pv("capex_subsidy") + pv("om_cost") + pv("replacement_cost")
              + pv("lease_payment"))
    # The battery's parts of the capex, O&M and replacement columns, negative as they are.
    battery_costs = -(pv("battery_capex") + pv("battery_om") + pv("battery_replacement"))
    benefits = (pv("energy_savings") + pv("export_revenue") + pv("demand_savings")
                + pv("generation_subsidy") + pv("certificate_revenue") + pv("credit_revenue")
                + pv("salvage"))
    generation = pv("generation_kwh")
    discharge = pv("battery_discharged_kwh")
    lcos = _ratio(battery_costs, discharge) if battery_costs > 0 else None
    # The salvage (book value) belongs to PV and battery in proportion to their capex.
    capex0 = -float(table["capex"].iloc[0])
    battery_share = -float(table["battery_capex"].iloc[0]) / capex0 if capex0 > 0 else 0.0
    pv_salvage = pv("salvage") * (1.0 - battery_share)
    # Paybacks count the cash the system earns, not the book value it is assumed to be worth
    # at the end of the analysis (a 1-year analysis would otherwise "pay back" in 0.9 years).
    salvage = table["salvage"].to_numpy(dtype=float)
    earned, earned_pre_tax = project - salvage, pre_tax - salvage
    return FinanceMetrics(
        npv=float(np.sum(project * df)),
        npv_equity=float(np.sum(equity * df)),
        irr_project=irr(project, guess=irr_guess),
        irr_equity=irr(equity, guess=irr_guess),
        payback_years=_payback(np.cumsum(earned), earned),
        discounted_payback_years=_payback(np.cumsum(earned * df), earned * df),
        lcoe_per_kwh=_ratio(costs - battery_costs - pv_salvage, generation),
        lcos_per_kwh=lcos,
        benefit_cost_ratio=_ratio(benefits, costs),
        capex=float(-(table["capex"].iloc[0] + table["capex_subsidy"].iloc[0])),
        discount_rate=float(discount_rate),
        payback_years_pre_tax=_payback(np.cumsum(earned_pre_tax), earned_pre_tax),
        discounted_payback_years_pre_tax=_payback(np.cumsum(earned_pre_tax * df),
                                                  earned_pre_tax * df),
    )
