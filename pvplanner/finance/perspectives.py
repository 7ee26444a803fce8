"""Whose money is it: the host's and the investor's view of one design.

Under self-investment (``owner``) the company that hosts the system also invests in it: one
view. Under an energy-performance contract (``emc``, 合同能源管理) and a lease the two parties
see different money:

``emc``
    The investor builds and owns the system and sells the self-consumed energy to the host
    at a discount on the grid price (:func:`pvplanner.finance.emc.emc_cash_flows`). The
    investor's view is its after-tax cash flow (the Result's ``cash_flow``); the host's view
    is its savings: the discount on the PV energy, the demand charges it no longer pays and,
    after the hand-over, every saving less O&M.
``lease``
    The host leases the system and keeps the savings (the Result's ``cash_flow`` is the
    host's, after tax). The investor (lessor) pays the capex net of subsidies and receives
    the lease payments; its figures here are before its income tax (its depreciation and tax
    position are not modelled).

Host savings are before the host's income tax (a saving lowers a deductible expense, so
after tax they are ``1 - tax rate`` times these).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pvplanner.finance.inputs import FinanceInputs
from pvplanner.finance.metrics import irr, npv, simple_payback
from pvplanner.finance.project import ProjectReturns

__all__ = ["Perspectives", "perspectives"]

#: Columns of the lessee's table that add up to its savings before tax (signed).
_LEASE_SAVINGS = ("energy_savings", "demand_savings", "export_revenue", "generation_subsidy",
                  "certificate_revenue", "credit_revenue")
_LEASE_COSTS = ("om_cost", "replacement_cost")


@dataclass(frozen=True)
class Perspectives:
    """The host's and the investor's figures of one design.

    Attributes
    ----------
    perspective : str
        Whose view the scenario's main cash flow and metrics are: ``owner`` (self-investment:
        host and investor are one), ``investor`` (EMC) or ``host`` (lease).
    table : pandas.DataFrame
        Index ``year`` 0..N (empty for ``owner``). ``host_savings`` [currency/yr, before the
        host's income tax] and ``host_cumulative``; its parts (EMC:
        ``host_discount_savings``, ``host_demand_savings``, ``host_post_contract_savings``;
        lease: ``host_bill_savings``, ``host_lease_payment``, ``host_costs``, signed);
        ``investor_net`` [currency/yr: EMC after the investor's income tax, lease before it]
        and ``investor_cumulative``.
    host_savings_year1, host_savings_contract, host_savings_lifetime : float or None
        The host's savings in year 1, over the contract years and over the analysis period
        [currency, before the host's income tax, undiscounted].
    host_npv : float or None
        Present worth of the host's savings at the discount rate [currency].
    investor_npv : float or None
        NPV of the investor's flows [currency].
    investor_irr : float or None
        IRR of the investor's project flows [fraction/yr].
    investor_payback_years : float or None
        Simple payback of the investor's flows [years] (on ``investor_tax_basis``).
    investor_payback_years_pre_tax : float or None
        The same before the investor's income tax [years].
    investor_tax_basis : str or None
        ``after_tax`` (EMC: the investor's cash flow with its income tax) or ``pre_tax``
        (lease: the lessor's flows without tax).
    """

    perspective: str
    table: pd.DataFrame
    host_savings_year1: float | None = None
    host_savings_contract: float | None = None
    host_savings_lifetime: float | None = None
    host_npv: float | None = None
    investor_npv: float | None = None
    investor_irr: float | None = None
    investor_payback_years: float | None = None
    investor_payback_years_pre_tax: float | None = None
    investor_tax_basis: str | None = None


def perspectives(inputs: FinanceInputs, returns: ProjectReturns, capex: float) -> Perspectives:
    """The host's and the investor's figures of a design under the scenario's ownership.

    Parameters
    ----------
    inputs : FinanceInputs
        The scenario's finance inputs (``ownership``, ``contract_years``, rates).
    returns : ProjectReturns
        :func:`pvplanner.finance.project.project_returns` of the design.
    capex : float
        The design's initial cost before subsidies [currency] (the lessor's investment under
        a lease).

    Returns
    -------
    Perspectives

    Examples
    --------
    >>> from pvplanner.finance import FinanceInputs, Year1Savings, capex_breakdown
    >>> from pvplanner.finance.project import project_returns
    >>> emc = FinanceInputs(ownership="emc", contract_years=20)
    >>> cb = capex_breakdown(emc, 100.0)
    >>> savings = Year1Savings(40000.0, 0.0, 2000.0, 100000.0, 0.0, 100000.0)
    >>> both = perspectives(emc, project_returns(emc, capex_breakdown=cb,
    ...     year1_savings=savings, degradation_factors=[1.0] * 25), cb.total)
    >>> both.perspective, both.host_savings_year1 == 0.15 * 40000 + 2000
    ('investor', True)
    """
    own = inputs.ownership
    if own == "emc" and returns.emc is not None:
        return _emc(inputs, returns)
    if own == "lease":
        return _lease(inputs, returns, capex)
    return Perspectives("owner", pd.DataFrame())


def _years(n: int) -> pd.RangeIndex:
    return pd.RangeIndex(0, n + 1, name="year")


def _host_figures(inputs: FinanceInputs, savings: np.ndarray) -> dict[str, float]:
    """Year-1, contract and lifetime sums and the present worth of years 1..N savings."""
    contract = min(inputs.contract_years, len(savings))
    return {
        "host_savings_year1": float(savings[0]) if len(savings) else 0.0,
        "host_savings_contract": float(savings[:contract].sum()),
        "host_savings_lifetime": float(savings.sum()),
        "host_npv": npv(inputs.discount_rate, np.concatenate([[0.0], savings])),
    }


def _emc(inputs: FinanceInputs, returns: ProjectReturns) -> Perspectives:
    emc = returns.emc
    assert emc is not None  # checked by the caller
    host = emc.host_table
    n = len(host)
    table = pd.DataFrame(0.0, index=_years(n), columns=[
        "host_discount_savings", "host_demand_savings", "host_post_contract_savings",
        "host_savings", "investor_net"])
    for name in ("discount_savings", "demand_savings", "post_contract_savings"):
        table.loc[1:, f"host_{name}"] = host[name].to_numpy(dtype=float)
    table.loc[1:, "host_savings"] = host["host_savings"].to_numpy(dtype=float)
    investor = emc.investor_table["net_cash_flow_project"].to_numpy(dtype=float)
    table.loc[: len(investor) - 1, "investor_net"] = investor
    table["host_cumulative"] = table["host_savings"].cumsum()
    table["investor_cumulative"] = table["investor_net"].cumsum()
    m = emc.investor
    return Perspectives(
        "investor", table, **_host_figures(inputs, host["host_savings"].to_numpy(float)),
        investor_npv=m.npv, investor_irr=m.irr_project, investor_payback_years=m.payback_years,
        investor_payback_years_pre_tax=m.payback_years_pre_tax,
        investor_tax_basis="after_tax",
    )


def _lease(inputs: FinanceInputs, returns: ProjectReturns, capex: float) -> Perspectives:
    cash = returns.cash_flow
    n = len(cash) - 1

    def column(names: tuple[str, ...]) -> np.ndarray:
        return sum((cash[c].to_numpy(dtype=float) for c in names if c in cash.columns),
                   np.zeros(n + 1))

    table = pd.DataFrame(index=_years(n))
    table["host_bill_savings"] = column(_LEASE_SAVINGS)
    table["host_lease_payment"] = column(("lease_payment",))
    table["host_costs"] = column(_LEASE_COSTS)
    table["host_savings"] = table[["host_bill_savings", "host_lease_payment",
                                   "host_costs"]].sum(axis=1)
    # The lessor: the capex net of subsidies out in year 0, the lease payments in.
    investor = -table["host_lease_payment"].to_numpy(dtype=float)
    investor[0] = -(1.0 - inputs.capex_subsidy_fraction) * capex
    table["investor_net"] = investor
    table["host_cumulative"] = table["host_savings"].cumsum()
    table["investor_cumulative"] = table["investor_net"].cumsum()
    payback = simple_payback(investor) if capex > 0 else None
    return Perspectives(
        "host", table, **_host_figures(inputs, table["host_savings"].to_numpy(float)[1:]),
        investor_npv=npv(inputs.discount_rate, investor),
        investor_irr=irr(investor) if capex > 0 else None,
        investor_payback_years=payback, investor_payback_years_pre_tax=payback,
        investor_tax_basis="pre_tax",
    )
