"""Finance input model and capital-cost breakdown.

Defaults come from ``data/finance_defaults.toml`` (each with its source and status); this
module only validates and composes them. Rates and fractions are decimal fractions
(0.06 = 6 %); names ending in ``_percent`` are percentages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pvplanner.errors import PlannerInputError
from pvplanner.guard.toml_words import read_data_toml
from pvplanner.messages import Message

__all__ = [
    "MONEY_LIMITS",
    "CapexBreakdown",
    "FinanceInputs",
    "capex_breakdown",
    "finance_defaults",
    "plausible_amount",
]

DEFAULTS_FILE = ("finance_defaults.toml",)


@cache
def finance_defaults() -> dict[str, Any]:
    """Read ``data/finance_defaults.toml``.

    Returns
    -------
    dict
        Key -> table with ``value``, ``unit``, ``source``, ``status`` (and ``year``/``date``,
        optional ``note``/``url``), plus ``currency`` and the ``tornado`` factor table.
    """
    return read_data_toml(*DEFAULTS_FILE)


def _d(key: str) -> Any:
    """Default value of one finance input (from the data file)."""
    try:
        return finance_defaults()[key]["value"]
    except KeyError as exc:
        raise PlannerInputError(Message.of(
            "errors.finance.defaults_no_key",
            "data/finance_defaults.toml has no [{key}] table with a 'value'; restore the file",
            key=key)) from exc


#: Largest plausible amounts of the money inputs without an upper bound of their own [scenario
#: currency]: far above any rooftop project (a 100 MWp plant costs about 3e8 CNY; a
#: replacement per kWp or kWh costs less than the system), far below the amounts that turn
#: the cash flows into noise (a fixed cost of 1e300 gave "payback 0.0 years"). A larger value
#: is a typing or unit mistake.
MONEY_LIMITS: dict[str, float] = {
    "fixed_capex": 1e10,
    "inverter_replacement_cost_per_kwp": 1e5,
    "battery_replacement_cost_per_kwh": 1e5,
    "lease_payment_per_year": 1e10,
}


def plausible_amount(value: float | None, limit: float) -> float | None:
    """``value`` when it is at most ``limit``; else a :class:`PlannerInputError` (a
    ValueError) that states the plausible range (the scenario's message adds the field's name
    and the value given).

    Examples
    --------
    >>> plausible_amount(2.5e5, 1e10)
    250000.0
    """
    if value is not None and value > limit:
        raise PlannerInputError(Message.of(
            "errors.finance.implausible_amount", "beyond any plausible amount: give a value "
            "between 0 and {limit:,.0f} in the scenario's currency", limit=float(limit)))
    return value


Ownership = Literal["owner", "emc", "lease"]
TaxLosses = Literal["offset", "carry_forward"]


class FinanceInputs(BaseModel):
    """Everything the cash-flow model needs besides the energy results.

    Money is in the scenario currency (CNY by default). Costs given "per year" are year-1
    amounts that escalate from year 2 on; replacement costs are in today's prices and escalate
    with ``inflation_rate``. Every number must be finite; amounts without a bound of their
    own are bounded by :data:`MONEY_LIMITS`.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    analysis_years: int = Field(_d("analysis_years"), ge=1, le=40,
                                description="Analysis period [years]")
    discount_rate: float = Field(_d("discount_rate"), ge=0.0, le=0.5,
                                 description="Nominal discount rate [fraction/yr]")
    inflation_rate: float = Field(_d("inflation_rate"), ge=-0.1, le=0.5,
                                  description="General inflation, escalates replacement costs")
    tariff_escalation_rate: float = Field(_d("tariff_escalation_rate"), ge=-0.2, le=0.5,
                                          description="Escalation of the site's tariff")
    export_escalation_rate: float = Field(_d("export_escalation_rate"), ge=-0.2, le=0.5,
                                          description="Escalation of the export price")
    om_escalation_rate: float = Field(_d("om_escalation_rate"), ge=-0.2, le=0.5)
    pv_capex_per_kwp: float = Field(_d("pv_capex_per_kwp"), ge=0.0, le=1e5)
    battery_capex_per_kwh: float = Field(_d("battery_capex_per_kwh"), ge=0.0, le=1e5)
    battery_capex_per_kw: float = Field(_d("battery_capex_per_kw"), ge=0.0, le=1e5)
    fixed_capex: float = Field(_d("fixed_capex"), ge=0.0)
    pv_om_per_kwp_year: float = Field(_d("pv_om_per_kwp_year"), ge=0.0, le=1e4)
    battery_om_per_kwh_year: float = Field(_d("battery_om_per_kwh_year"), ge=0.0, le=1e4)
    capex_subsidy_fraction: float = Field(_d("capex_subsidy_fraction"), ge=0.0, le=1.0)
    generation_subsidy_per_kwh: float = Field(_d("generation_subsidy_per_kwh"), ge=0.0, le=10.0)
    generation_subsidy_years: int = Field(_d("generation_subsidy_years"), ge=0, le=40)
    inverter_replacement_year: int = Field(_d("inverter_replacement_year"), ge=0, le=40,
                                           description="0 = no replacement")
    inverter_replacement_cost_per_kwp: float = Field(_d("inverter_replacement_cost_per_kwp"),
                                                     ge=0.0)
    battery_replacement_year: int = Field(_d("battery_replacement_year"), ge=0, le=40,
                                          description="0 = no replacement")
    battery_replacement_cost_per_kwh: float = Field(_d("battery_replacement_cost_per_kwh"),
                                                    ge=0.0)
    income_tax_rate: float = Field(_d("income_tax_rate"), ge=0.0, le=0.6)
    tax_losses: TaxLosses = Field(_d("tax_losses"))
    tax_loss_carry_forward_years: int = Field(_d("tax_loss_carry_forward_years"), ge=0, le=40)
    tax_exempt_years: int = Field(_d("tax_exempt_years"), ge=0, le=40)
    tax_half_rate_years: int = Field(_d("tax_half_rate_years"), ge=0, le=40)
    depreciation_years: int = Field(_d("depreciation_years"), ge=1, le=50)
    salvage_fraction: float = Field(_d("salvage_fraction"), ge=0.0, le=1.0)
    debt_fraction: float = Field(_d("debt_fraction"), ge=0.0, le=1.0)
    debt_rate: float = Field(_d("debt_rate"), ge=0.0, le=0.5)
    debt_tenor_years: int = Field(_d("debt_tenor_years"), ge=1, le=40)
    ownership: Ownership = Field(_d("ownership"))
    emc_discount_percent: float = Field(_d("emc_discount_percent"), ge=0.0, le=100.0)
    contract_years: int = Field(_d("contract_years"), ge=1, le=40)
    lease_payment_per_year: float | None = Field(
        None, ge=0.0, description="Fixed annual lease; None = annuity of net capex at lease_rate")
    lease_rate: float = Field(_d("lease_rate"), ge=0.0, le=0.5)

    @field_validator(*MONEY_LIMITS)
    @classmethod
    def _plausible_money(cls, value: float | None, info: ValidationInfo) -> float | None:
        return plausible_amount(value, MONEY_LIMITS[str(info.field_name)])

    @model_validator(mode="after")
    def _check_consistency(self) -> FinanceInputs:
        if self.ownership in ("emc", "lease") and self.contract_years > self.analysis_years:
            raise PlannerInputError(
                Message.of("errors.finance.contract_too_long",
                           "contract_years ({contract}) exceeds analysis_years ({analysis}); "
                           "lengthen the analysis or shorten the contract",
                           contract=self.contract_years, analysis=self.analysis_years),
                field="finance.contract_years",
            )
        if self.debt_tenor_years > self.analysis_years and self.debt_fraction > 0:
            raise PlannerInputError(
                Message.of("errors.finance.debt_tenor_too_long",
                           "debt_tenor_years ({tenor}) exceeds analysis_years ({analysis})",
                           tenor=self.debt_tenor_years, analysis=self.analysis_years),
                field="finance.debt_tenor_years",
            )
        return self

    def tax_rate_by_year(self, years: int | None = None) -> list[float]:
        """Income-tax rate for years 1..n with the exemption / half-rate holiday applied."""
        n = self.analysis_years if years is None else years
        rates = []
        for y in range(1, n + 1):
            if y <= self.tax_exempt_years:
                rates.append(0.0)
            elif y <= self.tax_exempt_years + self.tax_half_rate_years:
                rates.append(0.5 * self.income_tax_rate)
            else:
                rates.append(self.income_tax_rate)
        return rates


@dataclass(frozen=True)
class CapexBreakdown:
    """Installed system and its initial cost by component.

    Attributes
    ----------
    pv_kwp, battery_kwh, battery_kw : float
        Sizes [kWp, kWh, kW].
    pv, battery_energy, battery_power, fixed : float
        Initial costs [currency].
    """

    pv_kwp: float
    battery_kwh: float
    battery_kw: float
    pv: float
    battery_energy: float
    battery_power: float
    fixed: float

    @property
    def battery(self) -> float:
        """Initial battery cost [currency]."""
        return self.battery_energy + self.battery_power

    @property
    def total(self) -> float:
        """Total initial cost before subsidies [currency]."""
        return self.pv + self.battery + self.fixed

    def to_dict(self) -> dict[str, float]:
        """JSON-ready form, with ``total``."""
        return {**asdict(self), "total": self.total}


def capex_breakdown(
    inputs: FinanceInputs, pv_kwp: float, battery_kwh: float = 0.0, battery_kw: float = 0.0
) -> CapexBreakdown:
    """Initial cost of a system from unit costs.

    Parameters
    ----------
    inputs : FinanceInputs
        Unit costs.
    pv_kwp : float
        PV size [kWp].
    battery_kwh, battery_kw : float, optional
        Battery energy [kWh] and power [kW].

    Returns
    -------
    CapexBreakdown
    """
    for name, value in (("pv_kwp", pv_kwp), ("battery_kwh", battery_kwh),
                        ("battery_kw", battery_kw)):
        if not value >= 0.0:
            raise PlannerInputError(Message.of("errors.finance.negative_size",
                                               "{name} must be >= 0, got {value}", name=name,
                                               value=repr(value)), field=name)
    has_system = pv_kwp > 0 or battery_kwh > 0
    return CapexBreakdown(
        pv_kwp=float(pv_kwp),
        battery_kwh=float(battery_kwh),
        battery_kw=float(battery_kw),
        pv=pv_kwp * inputs.pv_capex_per_kwp,
        battery_energy=battery_kwh * inputs.battery_capex_per_kwh,
        battery_power=battery_kw * inputs.battery_capex_per_kw,
        fixed=inputs.fixed_capex if has_system else 0.0,
    )
