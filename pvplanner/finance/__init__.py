"""Investment returns over the system life: present-worth factors, cash flows, metrics.

The public finance API. The implementation is split over sibling modules with one job each
and re-exported here:

* :mod:`pvplanner.finance.pwf` - present-worth factors and REopt's cost conventions;
* :mod:`pvplanner.finance.inputs` - :class:`FinanceInputs` (defaults from
  ``data/finance_defaults.toml``) and the capex breakdown;
* :mod:`pvplanner.finance.cashflow` - the year-by-year cash-flow table (conventions there);
* :mod:`pvplanner.finance.metrics` - NPV, IRR, paybacks, LCOE, LCOS, benefit-cost ratio;
* :mod:`pvplanner.finance.emc` - EMC (合同能源管理) investor and host;
* :mod:`pvplanner.finance.objective` - linear present-worth factors for the optimizer;
* :mod:`pvplanner.finance.sensitivity` - tornado sensitivity.
"""

from __future__ import annotations

from pvplanner.finance.cashflow import (
    CASH_COLUMNS,
    Year1Savings,
    annuity_payment,
    cash_flow_table,
)
from pvplanner.finance.emc import EMCResult, emc_cash_flows
from pvplanner.finance.inputs import (
    CapexBreakdown,
    FinanceInputs,
    capex_breakdown,
    finance_defaults,
)
from pvplanner.finance.metrics import (
    FinanceMetrics,
    discounted_payback,
    irr,
    metrics,
    npv,
    simple_payback,
)
from pvplanner.finance.objective import npv_from_factors, present_worth_factors
from pvplanner.finance.pwf import (
    pwf,
    pwf_escalated,
    reopt_effective_capex_per_kw,
    reopt_levelization_factor,
)
from pvplanner.finance.sensitivity import default_tornado_factors, tornado

# One degradation formula for energy and money: the PV package owns it (percent rates).
from pvplanner.pv.simulation import degradation_factors

__all__ = [
    "CASH_COLUMNS",
    "CapexBreakdown",
    "EMCResult",
    "FinanceInputs",
    "FinanceMetrics",
    "Year1Savings",
    "annuity_payment",
    "capex_breakdown",
    "cash_flow_table",
    "default_tornado_factors",
    "degradation_factors",
    "discounted_payback",
    "emc_cash_flows",
    "finance_defaults",
    "irr",
    "metrics",
    "npv",
    "npv_from_factors",
    "present_worth_factors",
    "pwf",
    "pwf_escalated",
    "reopt_effective_capex_per_kw",
    "reopt_levelization_factor",
    "simple_payback",
    "tornado",
]
