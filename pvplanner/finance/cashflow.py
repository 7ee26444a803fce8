"""Year-by-year cash-flow table of a PV (+ battery) system.

Conventions (documented once, used by every finance function):

* Rows are years 0..N; year 0 is the investment, flows of years 1..N occur at year end.
* Cash columns are SIGNED from the point of view of the party the table is for (inflow +,
  outflow -), so a net flow is a plain sum. Informational columns (kWh, depreciation, taxable
  income, balances, battery cost components) are positive quantities and not summed.
* Year-1 figures (savings, O&M) are year-1 amounts; they escalate from year 2:
  ``x_y = x_1 (1 + e)^(y - 1)``. Energy quantities follow ``degradation_factors[y - 1]``
  (:func:`pvplanner.pv.simulation.degradation_factors`).
  Demand-charge savings escalate but do not degrade (they come mostly from the battery).
* Replacements (today's prices, escalated with inflation) are expensed in their year.
* Depreciation: straight line over ``depreciation_years`` down to ``salvage_fraction`` of the
  depreciable basis (capex net of the capex subsidy, which is treated as non-taxable and so
  reduces the basis). At the end of the analysis the remaining book value is recovered as
  ``salvage`` (sold at book value, hence no tax on a gain).
* Tax: ``tax_losses = "offset"`` taxes (or credits) each year's taxable income at once (a
  profitable owner absorbs project losses: linear, matches the optimizer's present-worth
  factors); ``"carry_forward"`` carries losses forward first-in first-out for at most
  ``tax_loss_carry_forward_years`` (a stand-alone project company).
* Project (unlevered) flows use tax computed without interest; equity (levered) flows use tax
  after interest, add the debt draw and subtract interest and principal (annuity repayment).

Ownership models:

``owner`` (自投)
    The site invests and keeps every saving and revenue.
``emc`` (合同能源管理)
    The table is the INVESTOR's: energy is sold to the host at ``emc_discount_percent`` off the
    host's tariff, exports, subsidies, certificates and credits go to the investor; demand
    savings stay with the host. The contract runs ``contract_years``; the system then passes to
    the host free of charge (the remaining book value is written off, no salvage). The host's
    side is :func:`pvplanner.finance.emc.emc_cash_flows`.
``lease``
    The table is the HOST's: no capex; a fixed annual lease over ``contract_years``
    (``lease_payment_per_year`` or the annuity of net capex at ``lease_rate``), deductible as
    an expense; the host keeps all savings and pays O&M and replacements; ownership passes to
    the host at the end of the lease (no depreciation or salvage for the host).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.finance.inputs import CapexBreakdown, FinanceInputs
from pvplanner.messages import Message

__all__ = [
    "CASH_COLUMNS",
    "Year1Savings",
    "annuity_payment",
    "cash_flow_table",
]

#: Signed cash columns that make up the net flows (see module docstring).
CASH_COLUMNS = (
    "capex",
    "capex_subsidy",
    "energy_savings",
    "export_revenue",
    "demand_savings",
    "generation_subsidy",
    "certificate_revenue",
    "credit_revenue",
    "om_cost",
    "replacement_cost",
    "lease_payment",
    "salvage",
)

_REVENUE_COLUMNS = (
    "energy_savings",
    "export_revenue",
    "demand_savings",
    "generation_subsidy",
    "certificate_revenue",
    "credit_revenue",
)


@dataclass(frozen=True)
class Year1Savings:
    """Year-1 energy results of the system (from the dispatch and the tariff).

    Attributes
    ----------
    energy_savings : float
        Value of self-consumed energy at the site's tariff (avoided energy charges) [currency].
    export_revenue : float
        Revenue from exported energy [currency].
    demand_savings : float
        Avoided demand / capacity charges [currency].
    self_consumed_kwh, exported_kwh, generation_kwh : float
        Year-1 energy [kWh].
    battery_discharged_kwh : float, optional
        Year-1 battery discharge [kWh], for the LCOS.
    """

    energy_savings: float
    export_revenue: float
    demand_savings: float
    self_consumed_kwh: float
    exported_kwh: float
    generation_kwh: float
    battery_discharged_kwh: float = 0.0

    def to_dict(self) -> dict[str, float]:
        """JSON-ready form."""
        return asdict(self)


def annuity_payment(principal: float, rate: float, years: int) -> float:
    """Level end-of-year payment that repays ``principal`` in ``years`` at ``rate``.

    ``P r / (1 - (1 + r)^-n)``, or ``P / n`` at a zero rate [currency/yr].
    """
    if years <= 0:
        raise PlannerInputError(Message.of(
            "errors.finance.repayment_years", "repayment period must be >= 1 year, got {years}",
            years=years))
    if rate == 0.0:
        return principal / years
    return principal * rate / (1.0 - (1.0 + rate) ** -years)


def _by_year(values: Sequence[float] | np.ndarray | None, n: int, name: str) -> np.ndarray:
    """Years 1..n of a user series (longer series are cut; shorter ones are an error)."""
    if values is None:
        return np.zeros(n)
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size < n:
        raise PlannerInputError(
            Message.of("errors.finance.too_few_values",
                       "{name} has {count} values but the analysis needs {n} (years 1..{n})",
                       name=name, count=int(arr.size), n=n),
            field=name,
        )
    arr = arr[:n]
    if not np.all(np.isfinite(arr)):
        raise PlannerInputError(Message.of("errors.finance.not_finite",
                                           "{name} contains non-finite values", name=name),
                                field=name)
    return arr


def _tax(taxable: np.ndarray, rates: np.ndarray, inputs: FinanceInputs) -> tuple[np.ndarray,
                                                                                 np.ndarray]:
    """Signed tax flow for years 1..n and the loss balance carried at each year end."""
    if inputs.tax_losses == "offset":
        return -rates * taxable, np.zeros_like(taxable)
    tax = np.zeros_like(taxable)
    balance = np.zeros_like(taxable)
    losses: list[list[float]] = []  # [year incurred, amount left], oldest first
    keep = inputs.tax_loss_carry_forward_years
    for i, income in enumerate(taxable):
        year = i + 1
        losses = [lo for lo in losses if year - lo[0] <= keep]
        if income < 0:
            losses.append([year, -income])
        else:
            remaining = income
            for lo in losses:
                used = min(lo[1], remaining)
                lo[1] -= used
                remaining -= used
            losses = [lo for lo in losses if lo[1] > 0]
            tax[i] = -rates[i] * remaining
        balance[i] = sum(lo[1] for lo in losses)
    return tax, balance


def _export_factors(factors: Sequence[float] | np.ndarray | None, n: int) -> np.ndarray:
    """Export price factors of years 1..n (ones when not given; the last repeats)."""
    if factors is None:
        return np.ones(n)
    return _by_year(factors, n, "export_price_factors")


def cash_flow_table(
    inputs: FinanceInputs,
    *,
    capex_breakdown: CapexBreakdown,
    year1_savings: Year1Savings,
    degradation_factors: Sequence[float] | np.ndarray,
    certificate_revenue_by_year: Sequence[float] | np.ndarray | None = None,
    credit_revenue_by_year: Sequence[float] | np.ndarray | None = None,
    export_price_factors: Sequence[float] | np.ndarray | None = None,
) -> pd.DataFrame:
    """Cash flows of years 0..N for the owner, the EMC investor or the lessee.

    Parameters
    ----------
    inputs : FinanceInputs
        Costs, rates, tax, debt and ownership model.
    capex_breakdown : CapexBreakdown
        Sizes and initial costs (see :func:`pvplanner.finance.inputs.capex_breakdown`).
    year1_savings : Year1Savings
        Year-1 savings, revenues and energy.
    degradation_factors : array-like
        Output factor of years 1..N relative to year 1 [-] (at least N values).
    certificate_revenue_by_year, credit_revenue_by_year : array-like, optional
        Revenues of years 1..N from green certificates and carbon credits [currency], e.g.
        from :func:`pvplanner.carbon.accounting.carbon_ledger` (already degraded; not escalated here).

    Returns
    -------
    pandas.DataFrame
        Index ``year`` 0..H (H = analysis_years, or contract_years for the EMC investor). Signed
        cash columns :data:`CASH_COLUMNS` plus ``tax_project``, ``tax``, ``debt_draw``,
        ``interest``, ``principal``; ``net_cash_flow_project``, ``net_cash_flow_equity`` and
        their ``cumulative_*``; informational ``generation_kwh``, ``self_consumed_kwh``,
        ``exported_kwh``, ``battery_discharged_kwh``, ``degradation_factor``,
        ``depreciation``, ``taxable_income_project``, ``taxable_income``,
        ``tax_loss_balance``, ``debt_balance``, ``battery_capex``, ``battery_om``,
        ``battery_replacement`` (the battery's part of ``capex``, ``om_cost`` and
        ``replacement_cost``, signed as they are: costs negative; for the LCOS).
    """
    own = inputs.ownership
    horizon = inputs.contract_years if own == "emc" else inputs.analysis_years
    n = horizon
    years = np.arange(1, n + 1, dtype=float)
    deg = _by_year(degradation_factors, n, "degradation_factors")
    certs = _by_year(certificate_revenue_by_year, n, "certificate_revenue_by_year")
    credits = _by_year(credit_revenue_by_year, n, "credit_revenue_by_year")
    s = year1_savings
    cb = capex_breakdown
    bad = {k: v for k, v in s.to_dict().items() if not np.isfinite(v)}
    if bad:
        raise PlannerInputError(Message.of("errors.finance.year1_not_finite",
                                           "year-1 results must be finite numbers, got {bad}",
                                           bad=str(bad)),
                                field="year1_savings")

    esc_tariff = (1.0 + inputs.tariff_escalation_rate) ** (years - 1)
    esc_export = (1.0 + inputs.export_escalation_rate) ** (years - 1)
    esc_om = (1.0 + inputs.om_escalation_rate) ** (years - 1)
    esc_infl = (1.0 + inputs.inflation_rate) ** (years - 1)

    energy_share = 1.0 - inputs.emc_discount_percent / 100.0 if own == "emc" else 1.0
    energy = s.energy_savings * energy_share * deg * esc_tariff
    export = s.export_revenue * deg * esc_export * _export_factors(export_price_factors, n)
    demand = (0.0 if own == "emc" else s.demand_savings) * esc_tariff
    gen_sub = np.where(years <= inputs.generation_subsidy_years,
                       inputs.generation_subsidy_per_kwh * s.generation_kwh * deg, 0.0)

    pv_om = inputs.pv_om_per_kwp_year * cb.pv_kwp * esc_om
    batt_om = inputs.battery_om_per_kwh_year * cb.battery_kwh * esc_om
    inv_repl = np.where(years == inputs.inverter_replacement_year,
                        inputs.inverter_replacement_cost_per_kwp * cb.pv_kwp * esc_infl, 0.0)
    batt_repl = np.where(years == inputs.battery_replacement_year,
                         inputs.battery_replacement_cost_per_kwh * cb.battery_kwh * esc_infl, 0.0)

    capex_total = cb.total
    subsidy = inputs.capex_subsidy_fraction * capex_total
    net_capex = capex_total - subsidy

    lease = np.zeros(n)
    if own == "lease":
        payment = (inputs.lease_payment_per_year if inputs.lease_payment_per_year is not None
                   else annuity_payment(net_capex, inputs.lease_rate, inputs.contract_years))
        lease = np.where(years <= inputs.contract_years, payment, 0.0)

    # Depreciation (owner and EMC investor only: the lessee does not own the asset).
    depreciation = np.zeros(n)
    writeoff = np.zeros(n)
    salvage = np.zeros(n)
    if own != "lease":
        basis = net_capex
        per_year = basis * (1.0 - inputs.salvage_fraction) / inputs.depreciation_years
        depreciation = np.where(years <= inputs.depreciation_years, per_year, 0.0)
        book_end = basis - depreciation.sum()
        if own == "owner":
            salvage[-1] = book_end
        else:  # EMC: handed over free at the end of the contract -> book value written off
            writeoff[-1] = book_end

    revenue = energy + export + demand + gen_sub + certs + credits
    opex = pv_om + batt_om + inv_repl + batt_repl + lease
    taxable_project = revenue - opex - depreciation - writeoff

    # Debt: a share of the net capex, repaid as an annuity.
    debt = inputs.debt_fraction * net_capex if own != "lease" else 0.0
    interest = np.zeros(n)
    principal = np.zeros(n)
    balance = np.zeros(n)
    if debt > 0:
        pay = annuity_payment(debt, inputs.debt_rate, inputs.debt_tenor_years)
        left = debt
        for i in range(min(n, inputs.debt_tenor_years)):
            interest[i] = left * inputs.debt_rate
            principal[i] = pay - interest[i]
            left -= principal[i]
            balance[i] = max(left, 0.0)
    taxable = taxable_project - interest

    rates = np.asarray(inputs.tax_rate_by_year(n))
    tax_project, _ = _tax(taxable_project, rates, inputs)
    tax, loss_balance = _tax(taxable, rates, inputs)

    def col(values: np.ndarray, year0: float = 0.0) -> np.ndarray:
        # "+ 0.0" turns the -0.0 of negated zeros into 0.0 (cleaner tables and JSON).
        return np.concatenate([[year0], values]) + 0.0

    own_capex = 0.0 if own == "lease" else capex_total
    own_subsidy = 0.0 if own == "lease" else subsidy
    table = pd.DataFrame(
        {
            "capex": col(np.zeros(n), -own_capex),
            "capex_subsidy": col(np.zeros(n), own_subsidy),
            "energy_savings": col(energy),
            "export_revenue": col(export),
            "demand_savings": col(demand),
            "generation_subsidy": col(gen_sub),
            "certificate_revenue": col(certs),
            "credit_revenue": col(credits),
            "om_cost": col(-(pv_om + batt_om)),
            "replacement_cost": col(-(inv_repl + batt_repl)),
            "lease_payment": col(-lease),
            "salvage": col(salvage),
            "tax_project": col(tax_project),
            "tax": col(tax),
            "debt_draw": col(np.zeros(n), debt),
            "interest": col(-interest),
            "principal": col(-principal),
            "generation_kwh": col(s.generation_kwh * deg),
            "self_consumed_kwh": col(s.self_consumed_kwh * deg),
            "exported_kwh": col(s.exported_kwh * deg),
            "battery_discharged_kwh": col(np.full(n, s.battery_discharged_kwh)),
            "degradation_factor": col(deg),
            "depreciation": col(depreciation + writeoff),
            "taxable_income_project": col(taxable_project),
            "taxable_income": col(taxable),
            "tax_loss_balance": col(loss_balance),
            "debt_balance": col(balance, debt),
            "battery_capex": col(np.zeros(n), -cb.battery if own != "lease" else 0.0),
            "battery_om": col(-batt_om),
            "battery_replacement": col(-batt_repl),
        },
        index=pd.RangeIndex(0, n + 1, name="year"),
    )
    base = table[list(CASH_COLUMNS)].sum(axis=1)
    table["net_cash_flow_project"] = base + table["tax_project"]
    table["net_cash_flow_equity"] = (
        base + table["tax"] + table["debt_draw"] + table["interest"] + table["principal"]
    )
    table["cumulative_project"] = table["net_cash_flow_project"].cumsum()
    table["cumulative_equity"] = table["net_cash_flow_equity"].cumsum()
    table.attrs["ownership"] = own
    return table
