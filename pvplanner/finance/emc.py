"""Energy-performance contracting (EMC, 合同能源管理): investor and host side by side.

The investor owns the PV, sells the self-consumed energy to the host at
``emc_discount_percent`` off the host's tariff, keeps export revenue, subsidies, certificates
and credits; the host pays nothing upfront and keeps demand-charge savings. After
``contract_years`` the system passes to the host, who then keeps every saving and pays O&M and
replacements. Host figures are before the host's income tax (its savings lower a deductible
expense, so after-tax savings are ``(1 - tax)`` times these).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.finance.cashflow import Year1Savings, _by_year, cash_flow_table
from pvplanner.finance.inputs import CapexBreakdown, FinanceInputs
from pvplanner.finance.metrics import FinanceMetrics, metrics, npv
from pvplanner.messages import Message

__all__ = ["EMCResult", "emc_cash_flows"]


@dataclass(frozen=True)
class EMCResult:
    """Both sides of an EMC deal.

    Attributes
    ----------
    investor_table : pandas.DataFrame
        Investor cash flows, years 0..contract_years (see ``cash_flow_table``).
    investor : FinanceMetrics
        Investor metrics (``npv``, ``irr_project``, ``irr_equity`` ...).
    host_table : pandas.DataFrame
        Host savings by year 1..analysis_years: ``discount_savings`` (tariff discount on PV
        energy), ``demand_savings``, ``post_contract_savings`` (all savings and revenues less
        O&M and replacements after the hand-over), ``host_savings`` (their sum).
    host_savings_year1 : float
        Host saving in year 1 [currency].
    host_savings_lifetime : float
        Undiscounted sum over the analysis period [currency].
    host_npv : float
        Present worth of the host savings at the discount rate [currency].
    """

    investor_table: pd.DataFrame
    investor: FinanceMetrics
    host_table: pd.DataFrame
    host_savings_year1: float
    host_savings_lifetime: float
    host_npv: float

    @property
    def investor_npv(self) -> float:
        """Investor NPV [currency]."""
        return self.investor.npv

    @property
    def investor_irr_project(self) -> float | None:
        """Investor project IRR [fraction/yr]."""
        return self.investor.irr_project

    @property
    def investor_irr_equity(self) -> float | None:
        """Investor equity IRR [fraction/yr]."""
        return self.investor.irr_equity

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (no tables)."""
        return {
            "investor": self.investor.to_dict(),
            "host_savings_year1": self.host_savings_year1,
            "host_savings_lifetime": self.host_savings_lifetime,
            "host_npv": self.host_npv,
        }


def emc_cash_flows(
    inputs: FinanceInputs,
    *,
    capex_breakdown: CapexBreakdown,
    year1_savings: Year1Savings,
    degradation_factors: Sequence[float] | np.ndarray,
    certificate_revenue_by_year: Sequence[float] | np.ndarray | None = None,
    credit_revenue_by_year: Sequence[float] | np.ndarray | None = None,
    export_price_factors: Sequence[float] | np.ndarray | None = None,
) -> EMCResult:
    """Investor and host cash flows of an EMC deal.

    Parameters are those of :func:`pvplanner.finance.cashflow.cash_flow_table`;
    ``inputs.ownership`` is treated as ``"emc"`` whatever its value. Certificate and credit
    revenue of years 1..contract_years go to the investor, later years to the host.

    Returns
    -------
    EMCResult
    """
    if inputs.contract_years > inputs.analysis_years:
        raise PlannerInputError(
            Message.of("errors.finance.contract_too_long",
                       "contract_years ({contract}) exceeds analysis_years ({analysis}); "
                       "lengthen the analysis or shorten the contract",
                       contract=inputs.contract_years, analysis=inputs.analysis_years),
            field="finance.contract_years",
        )
    emc = inputs if inputs.ownership == "emc" else inputs.model_copy(update={"ownership": "emc"})
    investor_table = cash_flow_table(
        emc,
        capex_breakdown=capex_breakdown,
        year1_savings=year1_savings,
        degradation_factors=degradation_factors,
        certificate_revenue_by_year=certificate_revenue_by_year,
        credit_revenue_by_year=credit_revenue_by_year,
        export_price_factors=export_price_factors,
    )
    investor = metrics(investor_table, emc.discount_rate)

    # Host side: the same system seen as an owner, kept only after the hand-over.
    n = emc.analysis_years
    c = emc.contract_years
    years = np.arange(1, n + 1)
    owner = emc.model_copy(update={"ownership": "owner", "debt_fraction": 0.0})
    owner_table = cash_flow_table(
        owner,
        capex_breakdown=capex_breakdown,
        year1_savings=year1_savings,
        degradation_factors=degradation_factors,
        certificate_revenue_by_year=_by_year(certificate_revenue_by_year, n,
                                             "certificate_revenue_by_year"),
        credit_revenue_by_year=_by_year(credit_revenue_by_year, n, "credit_revenue_by_year"),
        export_price_factors=export_price_factors,
    ).loc[1:]
    share = emc.emc_discount_percent / 100.0
    during = years <= c
    discount_savings = np.where(during, share * owner_table["energy_savings"].to_numpy(), 0.0)
    demand = np.where(during, owner_table["demand_savings"].to_numpy(), 0.0)
    after_cols = ["energy_savings", "export_revenue", "demand_savings", "generation_subsidy",
                  "certificate_revenue", "credit_revenue", "om_cost", "replacement_cost"]
    post = np.where(~during, owner_table[after_cols].sum(axis=1).to_numpy(), 0.0)
    host = pd.DataFrame(
        {
            "discount_savings": discount_savings,
            "demand_savings": demand,
            "post_contract_savings": post,
        },
        index=pd.RangeIndex(1, n + 1, name="year"),
    )
    host["host_savings"] = host.sum(axis=1)
    flows = np.concatenate([[0.0], host["host_savings"].to_numpy()])
    return EMCResult(
        investor_table=investor_table,
        investor=investor,
        host_table=host,
        host_savings_year1=float(host["host_savings"].iloc[0]),
        host_savings_lifetime=float(host["host_savings"].sum()),
        host_npv=npv(emc.discount_rate, flows),
    )
