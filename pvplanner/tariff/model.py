"""The tariff input model: seasons, day types, time-of-use periods, price levels, charges.

A :class:`Tariff` is plain data (pydantic v2, JSON/TOML round-trippable) that a user can edit:
the presets in ``data/tariffs/*.toml`` are instances of it. Construction runs
:func:`~pvplanner.tariff.compile.compile_tariff`, which checks what field constraints cannot
(24 h coverage, overlaps, period names, months, prices) and names the season, day type and
time at fault.

Time-of-use periods are the five used by Chinese provincial tariffs (尖峰 sharp, 高峰 peak,
平段 flat, 低谷 valley, 深谷 deep valley), listed in :data:`PERIODS`. Schedules have a
15-minute resolution (Jiangsu's 19:30-21:30 sharp window needs it).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pvplanner.holidays import DAY_TYPES
from pvplanner.tariff.compile import (
    PERIODS,
    PERIODS_ZH,
    SLOTS_PER_DAY,
    CompiledTariff,
    compile_tariff,
)

__all__ = [
    "DAY_TYPES",
    "PERIODS",
    "PERIODS_ZH",
    "SLOTS_PER_DAY",
    "CapacityCharge",
    "CoincidentPeakWindow",
    "CompiledTariff",
    "DaySchedule",
    "DemandCharge",
    "DemandTier",
    "EnergyTier",
    "ExportPolicy",
    "PeriodBlock",
    "PeriodOverride",
    "PriceLevels",
    "Season",
    "Tariff",
    "compile_tariff",
]

Month = Annotated[int, Field(ge=1, le=12)]
Hour = Annotated[int, Field(ge=0, le=23)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
#: Provenance of a figure: ``user`` marks prices a user typed from a bill or contract.
Status = Literal["official", "secondary", "unverified", "user"]
DayType = Literal["workday", "weekend", "holiday"]

_STRICT = ConfigDict(extra="forbid")


class PeriodBlock(BaseModel):
    """One time-of-use period over a time range of the day.

    ``start`` and ``end`` are ``"HH:MM"`` on quarter hours (``"24:00"`` allowed as an end);
    an ``end`` earlier than ``start`` wraps past midnight (``22:00``-``02:00``). A bare integer
    means a whole hour.
    """

    model_config = _STRICT

    period: str = Field(description="sharp | peak | flat | valley | deep_valley")
    start: str | int
    end: str | int


#: A day's schedule: a list of blocks, or 24 / 48 / 96 period names (hour, half hour, quarter).
DaySchedule = list[PeriodBlock] | list[str]


class Season(BaseModel):
    """Months sharing one daily schedule per day type.

    ``weekend`` defaults to ``workday`` and ``holiday`` to ``weekend``: Chinese C&I
    time-of-use hours apply every day, so the provincial presets only give ``workday``.
    """

    model_config = _STRICT

    name: str = Field(min_length=1)
    months: list[Month] = Field(min_length=1)
    workday: DaySchedule
    weekend: DaySchedule | None = None
    holiday: DaySchedule | None = None

    def schedule(self, day_type: str) -> DaySchedule:
        """The schedule in force on ``day_type`` after the defaults above."""
        if day_type == "holiday" and self.holiday is not None:
            return self.holiday
        if day_type in ("weekend", "holiday") and self.weekend is not None:
            return self.weekend
        return self.workday


class PeriodOverride(BaseModel):
    """Replace the period of some times of day on selected days (applied in list order).

    Used for sharp windows that only exist in some months (Guangdong 11-12 and 15-17 in
    Jul-Sep) and holiday deep valleys (Zhejiang 2026: 09-15 on the first three days of Labour
    Day, National Day and Spring Festival). Times not covered by ``blocks`` keep their period.
    """

    model_config = _STRICT

    label: str = ""
    enabled: bool = True
    months: list[Month] = Field(default_factory=list, description="empty: every month")
    day_types: list[DayType] = Field(default_factory=list, description="empty: every day")
    holidays: list[str] = Field(
        default_factory=list,
        description="only on these public holidays (names as in data/holidays, e.g. 'Labour Day')",
    )
    first_days: int | None = Field(
        None, ge=1, description="only on the first N days of each holiday block"
    )
    dates: list[dt.date] | None = Field(
        None,
        max_length=366,
        description=(
            "only on these days, matched by month and day on the scenario's year (e.g. "
            "Guangdong's critical-peak days declared when the forecast maximum is >= 35 °C); "
            "None: no date filter, an empty list: never"
        ),
    )
    blocks: list[PeriodBlock] = Field(min_length=1)


class PriceLevels(BaseModel):
    """Energy prices per period [currency/kWh].

    ``mode = "explicit"``: ``per_kwh`` gives each period's price. ``mode = "ratio"``: price =
    ``fixed_part_per_kwh + floating_part_per_kwh * ratios[period]``; the fixed part (e.g.
    transmission and government funds in Zhejiang 2026) does not float with time of use.
    """

    model_config = _STRICT

    mode: Literal["explicit", "ratio"]
    per_kwh: dict[str, float] = Field(default_factory=dict)
    floating_part_per_kwh: float | None = None
    fixed_part_per_kwh: float = 0.0
    ratios: dict[str, float] = Field(default_factory=dict)
    source: str = ""
    status: Status = "unverified"
    note: str = ""


class EnergyTier(BaseModel):
    """A block of monthly imported energy with a price adder on top of the period price.

    Tiers are listed in order; ``max_kwh_per_month`` is the cumulative upper bound of the
    block (``None``: unbounded). The adder [currency/kWh] may be negative (declining blocks).
    """

    model_config = _STRICT

    max_kwh_per_month: float | None = Field(None, gt=0)
    adder_per_kwh: float = Field(0.0, allow_inf_nan=False)


class DemandTier(BaseModel):
    """A block of monthly maximum demand: ``rate_per_kw_month`` up to ``max_kw`` (cumulative)."""

    model_config = _STRICT

    max_kw: float | None = Field(None, gt=0)
    rate_per_kw_month: NonNegative


class DemandCharge(BaseModel):
    """A charge per kW of the maximum import demand of each month [currency/kW-month].

    The maximum is taken over the steps that match ``months``, ``periods`` (time-of-use
    periods, empty: all) and the hours of the day (``workday_hours``; holidays and weekends use
    ``weekend_hours``; ``None``: all hours). ``tiers``, if given, replace the flat rate.
    """

    model_config = _STRICT

    label: str = "maximum demand"
    rate_per_kw_month: NonNegative = 0.0
    tiers: list[DemandTier] = Field(default_factory=list)
    months: list[Month] = Field(default_factory=list, description="empty: every month")
    periods: list[str] = Field(default_factory=list)
    workday_hours: list[Hour] | None = None
    weekend_hours: list[Hour] | None = None
    source: str = ""
    status: Status = "unverified"


class CapacityCharge(BaseModel):
    """A charge per kVA of contracted (transformer) capacity [currency/kVA-month]."""

    model_config = _STRICT

    rate_per_kva_month: NonNegative
    contracted_kva: NonNegative = 0.0
    source: str = ""
    status: Status = "unverified"


class CoincidentPeakWindow(BaseModel):
    """A charge per kW of the maximum demand inside a set of hours of the year (REopt style).

    ``hours_of_year`` are 1-based (hour 1 = 1 January 00:00-01:00), as in REopt's
    ``coincident_peak_load_active_time_steps`` at one step per hour.
    """

    model_config = _STRICT

    label: str = "coincident peak"
    hours_of_year: list[Annotated[int, Field(ge=1, le=8784)]] = Field(min_length=1)
    rate_per_kw: NonNegative


class ExportPolicy(BaseModel):
    """What exported energy earns.

    ``coal_benchmark``: the province's coal-fired benchmark price (``data/export_prices.csv``,
    province from ``province`` or the tariff's ``region``), the rule of projects commissioned
    before 2025-06-01; ``market``: projects commissioned from 2025-06-01 sell exports at
    market prices (发改价格〔2025〕136号): ``price_per_kwh`` (a flat average) or
    ``series_per_kwh`` (hourly), the province's default from ``data/export_market_prices.csv``
    where neither is given, plus an optional mechanism contract for difference on
    ``mechanism_share`` of the exports at ``mechanism_price_per_kwh`` for
    ``mechanism_years``; ``constant``: ``price_per_kwh``; ``series``: ``series_per_kwh``
    (8760 hourly values, or one per step of the bill's index); ``zero_export``: export is not
    allowed (防逆流; the optimizer must keep it at zero); ``net_metering``: exports are
    credited at the import price of their step and netted against energy charges per
    ``netting`` period; unused credit at the end of the period is forfeited.
    """

    model_config = _STRICT

    kind: Literal["coal_benchmark", "market", "constant", "series", "zero_export",
                  "net_metering"] = "constant"
    province: str | None = None
    price_per_kwh: float = Field(0.0, ge=0.0, le=10.0, allow_inf_nan=False)
    series_per_kwh: list[float] | None = None
    netting: Literal["monthly", "annual"] = "monthly"
    mechanism_price_per_kwh: float | None = Field(
        None, ge=0.0, le=10.0, allow_inf_nan=False,
        description="136号 mechanism (CfD) price won in the province's auction [currency/kWh]")
    mechanism_share: float = Field(
        0.0, ge=0.0, le=1.0, allow_inf_nan=False,
        description="share of the exported energy under the mechanism [fraction] "
                    "(provinces cap it at 0.8-0.9)")
    mechanism_years: int = Field(0, ge=0, le=30,
                                 description="years the mechanism price applies")
    source: str = ""
    date: str = Field("", description="date or validity of the price's source")
    status: Status = "unverified"

    @property
    def allows_export(self) -> bool:
        """False under ``zero_export`` (防逆流)."""
        return self.kind != "zero_export"

    @property
    def has_mechanism(self) -> bool:
        """True for a market rule with a mechanism contract on some of its exports."""
        return (self.kind == "market" and self.mechanism_price_per_kwh is not None
                and self.mechanism_share > 0 and self.mechanism_years > 0)


class Tariff(BaseModel):
    """An electricity tariff: time-of-use energy prices, demand and fixed charges, export.

    Validation (see :func:`compile_tariff`) runs on construction; use
    :func:`pvplanner.tariff.parse_tariff` to get a :class:`~pvplanner.errors.TariffError`
    instead of pydantic's ``ValidationError``.
    """

    model_config = _STRICT

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    name: str = Field(min_length=1)
    name_zh: str = ""
    country: str = Field("CN", description="holiday calendar (pvplanner.holidays)")
    region: str = Field("", description="province / state, e.g. 'Zhejiang'")
    customer_class: str = Field(
        "general_ci", description="general_ci 一般工商业 | large_industry 大工业 | other"
    )
    voltage: str = ""
    currency: str = "CNY"
    source: str = ""
    source_url: str = ""
    effective_date: dt.date | None = None
    effective_until: dt.date | None = Field(
        None, description="last day this tariff (version) is in force; None: until replaced"
    )
    version: str = Field(
        "", description="version of the preset (its first day, e.g. '2026-08-01'); '' if none"
    )
    status: Status = "unverified"
    notes: str = ""
    seasons: list[Season] = Field(min_length=1)
    overrides: list[PeriodOverride] = Field(default_factory=list)
    prices: PriceLevels
    energy_tiers: list[EnergyTier] = Field(default_factory=list)
    demand_charges: list[DemandCharge] = Field(default_factory=list)
    basic_charge_basis: Literal["max_demand", "capacity"] = Field(
        "max_demand",
        description="two-part tariffs: bill demand_charges (max_demand) or capacity_charge",
    )
    capacity_charge: CapacityCharge | None = None
    coincident_peaks: list[CoincidentPeakWindow] = Field(default_factory=list)
    fixed_monthly_charge: NonNegative = 0.0
    export: ExportPolicy = Field(default_factory=ExportPolicy)

    @model_validator(mode="after")
    def _check(self) -> Tariff:
        compile_tariff(self)
        return self

    @property
    def allows_export(self) -> bool:
        """False when the tariff forbids export (防逆流)."""
        return self.export.allows_export

    @property
    def peak_demand_rate_per_kw_month(self) -> float | None:
        """What a kW off the month's peak demand saves [currency/kW-month]: the first demand
        charge's rate where demand is billed (``basic_charge_basis`` ``max_demand``), None
        where nothing is billed on the peak (no demand charge, or a capacity charge on the
        transformer's kVA instead). Load analytics price peak shaving with it."""
        if self.basic_charge_basis != "max_demand" or not self.demand_charges:
            return None
        return float(self.demand_charges[0].rate_per_kw_month)
