"""The investment view of a design: the owner's cash flows, or the EMC investor's and host's.

One entry point, :func:`project_returns`, so the pipeline does not choose between the
ownership models itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pvplanner.finance.cashflow import cash_flow_table
from pvplanner.finance.emc import EMCResult, emc_cash_flows
from pvplanner.finance.inputs import FinanceInputs
from pvplanner.finance.metrics import FinanceMetrics, metrics

__all__ = ["ProjectReturns", "project_returns"]


@dataclass(frozen=True)
class ProjectReturns:
    """Cash flows and metrics of the party that invests.

    Attributes
    ----------
    cash_flow : pandas.DataFrame
        The investing party's cash-flow table (owner's, or the EMC investor's).
    metrics : FinanceMetrics
        Its metrics.
    emc : EMCResult or None
        EMC only: both sides of the deal (the host's savings table among them), for
        :func:`pvplanner.finance.perspectives.perspectives`.
    """

    cash_flow: pd.DataFrame
    metrics: FinanceMetrics
    emc: EMCResult | None = None


def project_returns(inputs: FinanceInputs, **table_kwargs: Any) -> ProjectReturns:
    """Cash flows and metrics under the scenario's ownership model.

    Parameters
    ----------
    inputs : FinanceInputs
        Finance inputs (``ownership`` chooses owner/lease tables or the EMC split).
    **table_kwargs
        ``capex_breakdown``, ``year1_savings``, ``degradation_factors``,
        ``certificate_revenue_by_year``, ``credit_revenue_by_year`` as taken by
        :func:`~pvplanner.finance.cashflow.cash_flow_table`.

    Returns
    -------
    ProjectReturns
    """
    if inputs.ownership == "emc":
        emc = emc_cash_flows(inputs, **table_kwargs)
        return ProjectReturns(emc.investor_table, emc.investor, emc=emc)
    cash = cash_flow_table(inputs, **table_kwargs)
    return ProjectReturns(cash, metrics(cash, inputs.discount_rate))
