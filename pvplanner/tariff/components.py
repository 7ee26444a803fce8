"""The versioned preset file: a tariff's price components and rules, each with provenance.

A preset in ``data/tariffs/*.toml`` is not a finished price list but the table a Chinese
agency-purchase bill (代理购电工商业用户电价表) is built from:

* ``[[components]]`` - the per-kWh parts of the price: the purchase price (上网电价 /
  代理购电价格), the on-grid line loss (上网环节线损, a rate of the purchase price), the
  system operation charge (系统运行费), transmission and distribution (输配电价, for the
  preset's voltage level and single- or two-part form), government funds (政府性基金及附加)
  and price-zone adders (Guangdong's 价区 cross-subsidies);
* ``[[basic_charges]]`` - two-part demand (需量, CNY/kW-month) and capacity (容量,
  CNY/kVA-month) charges;
* ``[floating]`` - which components the time-of-use ratios multiply (the rest is fixed);
* ``[ratios]``, ``[hours]``, ``[[overrides]]``, ``[[ratio_variants]]`` - the time-of-use
  rules: ratios, seasons and hours, holiday deep valleys, critical peaks (with the user's
  size and kind and, for weather-triggered days, a list of dates the user gives);
* ``[eligibility]`` - the 100 / 315 kVA thresholds of single- and two-part tariffs.

Every row carries :class:`Provenance`: its source, the date of the figure, its period of
validity and its status (``official`` / ``secondary`` / ``unverified``; an unverified row
says why). The rows' validity periods cut the preset's lifetime into *versions*
(:mod:`pvplanner.tariff.versions`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pvplanner.tariff.model import DayType, ExportPolicy, Month, PeriodBlock, Season

__all__ = [
    "COMPONENT_KEYS",
    "STATUS_ORDER",
    "BasicChargeRow",
    "ComponentKey",
    "ComponentRow",
    "Eligibility",
    "FloatingRule",
    "HoursRule",
    "OverrideRule",
    "PresetFile",
    "Provenance",
    "RatioRule",
    "RatioVariant",
    "weakest_status",
]

#: Components of a Chinese C&I energy price, in the order a bill lists them.
COMPONENT_KEYS: tuple[str, ...] = (
    "purchase",
    "line_loss",
    "system_operation",
    "transmission",
    "funds",
    "zone_adder",
)
ComponentKey = Literal[
    "purchase", "line_loss", "system_operation", "transmission", "funds", "zone_adder"
]
DataStatus = Literal["official", "secondary", "unverified"]
#: Statuses from strongest to weakest; a version is as strong as its weakest row.
STATUS_ORDER: tuple[str, ...] = ("official", "user", "secondary", "unverified")
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]

_STRICT = ConfigDict(extra="forbid")


def weakest_status(statuses) -> str:
    """The weakest of some statuses (``unverified`` < ``secondary`` < ``user`` < ``official``)."""
    ranks = [STATUS_ORDER.index(s) for s in statuses]
    return STATUS_ORDER[max(ranks)] if ranks else "unverified"


class Provenance(BaseModel):
    """Where a figure or rule comes from and when it holds.

    ``date`` is the date of the figure (the notice, the monthly table); ``valid_from`` /
    ``valid_until`` the days it applies (``valid_until`` omitted: until replaced). An
    ``unverified`` row must say why in ``unverified_reason``.
    """

    model_config = _STRICT

    source: str = Field(min_length=1)
    date: dt.date
    valid_from: dt.date
    valid_until: dt.date | None = None
    status: DataStatus
    unverified_reason: str = ""

    @model_validator(mode="after")
    def _check_provenance(self) -> Provenance:
        if self.status == "unverified" and not self.unverified_reason.strip():
            raise ValueError("status is 'unverified' but unverified_reason does not say why")
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError(
                f"valid_until {self.valid_until} is before valid_from {self.valid_from}"
            )
        return self

    def holds_on(self, day: dt.date) -> bool:
        """True if the row is valid on ``day``."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def validity(self) -> str:
        """``"2026-08-01/"`` (open) or ``"2024-03-01/2026-06-30"``."""
        until = self.valid_until.isoformat() if self.valid_until else ""
        return f"{self.valid_from.isoformat()}/{until}"


class ComponentRow(Provenance):
    """One per-kWh component of the energy price [currency/kWh].

    ``value_per_kwh`` gives the component; the line loss may instead be given as
    ``rate_of_purchase`` (the approved on-grid line-loss rate times the purchase price).
    ``includes`` names parts the source gives only as a sum with this one (e.g. a purchase
    price that includes the system operation charge). Zone adders name their ``zone``.
    """

    key: ComponentKey
    label: str = ""
    value_per_kwh: float | None = Field(None, allow_inf_nan=False)
    rate_of_purchase: float | None = Field(None, ge=0, le=0.5)
    zone: str | None = None
    includes: list[ComponentKey] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_value(self) -> ComponentRow:
        if (self.value_per_kwh is None) == (self.rate_of_purchase is None):
            raise ValueError(f"component {self.key!r}: give value_per_kwh or rate_of_purchase")
        if self.rate_of_purchase is not None and self.key != "line_loss":
            raise ValueError(f"component {self.key!r}: only line_loss may be a rate_of_purchase")
        if (self.key == "zone_adder") != (self.zone is not None):
            raise ValueError(f"component {self.key!r}: a zone is given for zone_adder rows only")
        if self.key != "zone_adder" and self.value_per_kwh is not None and self.value_per_kwh < 0:
            raise ValueError(f"component {self.key!r}: value_per_kwh must be >= 0")
        return self


class BasicChargeRow(Provenance):
    """A two-part basic charge: ``demand`` [currency/kW-month] or ``capacity`` [/kVA-month]."""

    kind: Literal["demand", "capacity"]
    label: str = ""
    value: NonNegative


class HoursRule(Provenance):
    """Seasons and the daily time-of-use hours (weekends and holidays follow workdays unless a
    season gives its own)."""

    seasons: list[Season] = Field(min_length=1)


class RatioRule(Provenance):
    """Time-of-use ratios of each period to the flat price (applied to the floating part)."""

    ratios: dict[str, NonNegative] = Field(min_length=1)


class FloatingRule(Provenance):
    """Which components the time-of-use ratios multiply; all others are a fixed adder."""

    components: list[ComponentKey] = Field(min_length=1)


class RatioVariant(Provenance):
    """Ratios that replace some of ``[ratios]`` for users below ``below_kva`` (e.g. Jiangsu's
    peak +60 % instead of +70 % for single-part users under 100 kVA)."""

    below_kva: float = Field(gt=0)
    ratios: dict[str, NonNegative] = Field(min_length=1)


class OverrideRule(Provenance):
    """A change of period on some days and hours, with who it applies to.

    The day filters are those of :class:`~pvplanner.tariff.model.PeriodOverride`. ``min_kva``
    and ``industrial_only`` limit the rule to users of that size and kind (Jiangsu: industrial
    users of 315 kVA and above); ``on_declared_days`` applies it only on dates the user lists
    (Guangdong: days with a forecast maximum of 35 °C or more). ``label_zh`` is the
    label in Chinese, for a Chinese reader's notes.
    """

    label: str = Field(min_length=1)
    label_zh: str | None = Field(None, min_length=1)
    months: list[Month] = Field(default_factory=list)
    day_types: list[DayType] = Field(default_factory=list)
    holidays: list[str] = Field(default_factory=list)
    first_days: int | None = Field(None, ge=1)
    blocks: list[PeriodBlock] = Field(min_length=1)
    min_kva: float | None = Field(None, gt=0)
    industrial_only: bool = False
    on_declared_days: bool = False


class Eligibility(Provenance):
    """Who may use which tariff form: below ``single_part_below_kva`` only single-part; from
    ``two_part_from_kva`` two-part (users already on single-part may keep it)."""

    single_part_below_kva: float = Field(gt=0)
    two_part_from_kva: float = Field(gt=0)


class PresetFile(BaseModel):
    """A tariff preset as stored in ``data/tariffs/<id>.toml`` (see its README)."""

    model_config = _STRICT

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    family: str = Field(
        min_length=1, description="presets of one tariff over time share a family"
    )
    name: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    country: str = "CN"
    region: str = Field(min_length=1)
    customer_class: str = Field(min_length=1)
    voltage: str = Field(min_length=1)
    tariff_form: Literal["single_part", "two_part"]
    currency: str = "CNY"
    effective_from: dt.date
    effective_until: dt.date | None = None
    default_zone: str | None = None
    source_url: str = ""
    notes: str = ""
    eligibility: Eligibility
    hours: HoursRule
    ratios: RatioRule
    floating: FloatingRule
    ratio_variants: list[RatioVariant] = Field(default_factory=list)
    overrides: list[OverrideRule] = Field(default_factory=list)
    components: list[ComponentRow] = Field(min_length=1)
    basic_charges: list[BasicChargeRow] = Field(default_factory=list)
    export: ExportPolicy = Field(default_factory=ExportPolicy)

    @model_validator(mode="after")
    def _check_file(self) -> PresetFile:
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise ValueError("effective_until is before effective_from")
        zones = {row.zone for row in self.components if row.zone is not None}
        if zones and self.default_zone not in zones:
            raise ValueError(
                f"default_zone {self.default_zone!r} is not one of the zone adders "
                f"{sorted(zones)}"
            )
        if not zones and self.default_zone is not None:
            raise ValueError("default_zone is set but no zone_adder rows are given")
        return self

    def rule_rows(self) -> list[Provenance]:
        """Every rule row (hours, ratios, floating, eligibility, variants, overrides)."""
        return [
            self.eligibility, self.hours, self.ratios, self.floating,
            *self.ratio_variants, *self.overrides,
        ]

    def zones(self) -> list[str]:
        """The price zones of the zone adders (empty if none)."""
        return sorted({row.zone for row in self.components if row.zone is not None})
