"""Bill-style tariff entry: prices exactly as printed on a bill or a retail contract.

An agency-purchase user (代理购电) reads this month's table off the bill: one price per
time-of-use period [CNY/kWh] and, on two-part tariffs, the demand or capacity charge; the
hours are the province's (the preset's). A user who buys directly in the market follows
its retail contract instead: since 2026-03-01 the government no longer sets time-of-use
periods for such users (发改能源规〔2025〕1656号), so the contract's own periods can be given
(``hours``), and prices that exclude the network charges get those of the preset's
component table added (transmission, funds, zone adder, line loss and system operation
where the table has them separately).

Examples
--------
>>> from pvplanner.tariff.presets import load_tariff_preset
>>> base = load_tariff_preset("jiangsu_2025_large_industry")
>>> bill = BillTariff(month="2026-10", prices_per_kwh={
...     "sharp": 1.0991, "peak": 0.9566, "flat": 0.64, "valley": 0.3828, "deep_valley": 0.355},
...     demand_per_kw_month=51.2)
>>> tariff, notes = apply_bill(bill, "agency", base)
>>> tariff.prices.per_kwh["flat"], tariff.status
(0.64, 'user')
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pvplanner.errors import TariffError
from pvplanner.messages import Message, bilingual
from pvplanner.tariff.compile import PERIODS, PERIODS_ZH, compile_tariff
from pvplanner.tariff.files import parse_tariff
from pvplanner.tariff.model import Tariff
from pvplanner.tariff.versions import TariffVersion, component_names, preset_name

__all__ = ["MARKET_TOU_END", "BillTariff", "apply_bill"]

#: From this day users who trade directly no longer follow the government's time-of-use
#: periods (发改能源规〔2025〕1656号, in force 2026-03-01; secondary, reference §3).
MARKET_TOU_END = dt.date(2026, 3, 1)

NonNegative = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class BillTariff(BaseModel):
    """Prices as printed on a bill: this month's agency-purchase table or a market contract.

    Which of the two is set by ``tariff.buyer`` of the scenario (``agency`` / ``market``).
    """

    model_config = ConfigDict(extra="forbid")

    month: str = Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="month the table or contract applies to, 'YYYY-MM'",
    )
    prices_per_kwh: dict[str, NonNegative] = Field(
        min_length=1,
        max_length=5,
        description="price of each period as printed [currency/kWh]: sharp 尖峰, peak 高峰, "
        "flat 平段, valley 低谷, deep_valley 深谷",
    )
    demand_per_kw_month: NonNegative | None = Field(
        None, description="maximum-demand charge as printed [currency/kW-month]"
    )
    capacity_per_kva_month: NonNegative | None = Field(
        None, description="capacity charge as printed [currency/kVA-month]"
    )
    hours: list[str] | None = Field(
        None,
        description="market contracts: the contract's period of each hour (24 names), half "
        "hour (48) or quarter hour (96), every day of the year; omitted: the preset's hours",
    )
    includes_network_charges: bool = Field(
        True,
        description="market contracts: the prices include transmission, line loss, system "
        "operation and government funds; false adds them from the preset's components",
    )
    source: str = Field("customer's electricity bill", min_length=1, max_length=300)

    @field_validator("prices_per_kwh")
    @classmethod
    def _known_periods(cls, prices: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(prices) - set(PERIODS))
        if unknown:
            raise _unknown_periods(unknown)
        return prices

    @field_validator("hours")
    @classmethod
    def _hours(cls, hours: list[str] | None) -> list[str] | None:
        if hours is None:
            return None
        if len(hours) not in (24, 48, 96):
            raise TariffError(Message.of(
                "errors.tariff.hours_count", "give 24, 48 or 96 period names, got {count}",
                count=len(hours)))
        unknown = sorted(set(hours) - set(PERIODS))
        if unknown:
            raise _unknown_periods(unknown)
        return hours


def _unknown_periods(unknown: list[str]) -> TariffError:
    """Period names that are not the tariff's (a TariffError is a ValueError: pydantic keeps
    its key for the reader's language)."""
    return TariffError(Message.of(
        "errors.tariff.unknown_periods", "unknown periods {names}; use {periods}",
        names=", ".join(unknown),
        periods=bilingual(", ".join(PERIODS), "、".join(PERIODS_ZH[p] for p in PERIODS))))


def _network_adders(version: TariffVersion, zone: str | None
                    ) -> tuple[float, float, list[Message]]:
    """(adder [currency/kWh], line-loss rate, notes) of the network parts of a version."""
    zone = zone or version.preset.default_zone
    adder, rate, notes = 0.0, 0.0, []
    for row in version.components:
        if row.key == "purchase":
            if row.includes:
                notes.append(Message.of(
                    "notes.tariff.included_parts", "{parts} of {preset} are given only together "
                    "with the purchase price; they are not added to the contract's prices",
                    parts=component_names(row.includes), preset=preset_name(version.preset)))
            continue
        if row.key == "zone_adder" and row.zone != zone:
            continue
        if row.rate_of_purchase is not None:
            rate = row.rate_of_purchase
        elif row.value_per_kwh is not None:
            adder += float(row.value_per_kwh)
        else:  # a row's check requires one of the two
            raise TariffError(Message.of(
                "errors.tariff.component_no_value_or_rate", "tariff preset {preset}: component "
                "{component} has neither value_per_kwh nor rate_of_purchase; give one",
                preset=version.preset_id, component=repr(row.key)))
    return adder, rate, notes


def _check_prices(data: dict, given: set[str]) -> None:
    """Every period the schedule uses needs a printed price (error names the period)."""
    probe = dict(data, prices={"mode": "explicit", "per_kwh": dict.fromkeys(PERIODS, 0.0)})
    used = compile_tariff(parse_tariff(probe)).used_periods
    missing = [p for p in PERIODS if p in used and p not in given]
    if missing:
        names = ", ".join(f"{p} ({PERIODS_ZH[p]})" for p in missing)
        raise TariffError(Message.of(
            "errors.tariff.bill_missing_periods", "the schedule has {periods} hours but "
            "tariff.bill.prices_per_kwh gives no price for them; add {missing} from the bill",
            periods=bilingual(names, "、".join(PERIODS_ZH[p] for p in missing)),
            missing=bilingual(", ".join(missing), "、".join(PERIODS_ZH[p] for p in missing))),
            field="tariff.bill.prices_per_kwh")


def _basic(bill: BillTariff, base: Tariff | None, kva: float | None, basis: str | None,
           notes: list[str]) -> dict:
    out: dict = {}
    if bill.demand_per_kw_month is not None:
        out["demand_charges"] = [{
            "label": "maximum demand 最大需量", "rate_per_kw_month": bill.demand_per_kw_month,
            "source": f"{bill.source}, {bill.month}", "status": "user",
        }]
    elif base is not None and base.demand_charges:
        out["demand_charges"] = [c.model_dump() for c in base.demand_charges]
        notes.append(Message.of(
            "notes.tariff.demand_from_preset", "demand charge not on the bill entry: {tariff}'s "
            "is used", tariff=bilingual(base.name, base.name_zh or base.name)))
    if bill.capacity_per_kva_month is not None:
        out["capacity_charge"] = {
            "rate_per_kva_month": bill.capacity_per_kva_month, "contracted_kva": kva or 0.0,
            "source": f"{bill.source}, {bill.month}", "status": "user",
        }
    elif base is not None and base.capacity_charge is not None:
        out["capacity_charge"] = base.capacity_charge.model_dump()
    out["basic_charge_basis"] = basis or (base.basic_charge_basis if base else "max_demand")
    return out


def apply_bill(
    bill: BillTariff,
    buyer: Literal["agency", "market"],
    base: Tariff | None,
    version: TariffVersion | None = None,
    *,
    transformer_kva: float | None = None,
    basic_charge_basis: str | None = None,
    zone: str | None = None,
) -> tuple[Tariff, tuple[str, ...]]:
    """The tariff of prices typed from a bill or contract.

    Parameters
    ----------
    bill : BillTariff
    buyer : {"agency", "market"}
        ``agency``: the printed prices on the preset's hours (holiday deep valleys and
        critical peaks included). ``market``: the contract's hours when given, else the
        preset's; network charges added from ``version`` when the prices exclude them.
    base : Tariff, optional
        The preset's tariff for the plan's date (hours, calendars, basic charges, export).
    version : TariffVersion, optional
        Its component table (for market prices without network charges).
    transformer_kva, basic_charge_basis, zone
        As in :class:`~pvplanner.tariff.build.TariffOptions`.

    Returns
    -------
    (Tariff, tuple of str)
        Explicit per-period prices with status ``user``, and notes.

    Raises
    ------
    TariffError
        No hours to put the prices on, a period of the schedule without a printed price,
        capacity billing without a transformer capacity.
    """
    notes: list[str] = []
    if buyer == "market" and bill.hours is not None:
        seasons = [{"name": "contract", "months": list(range(1, 13)), "workday": bill.hours}]
        overrides: list = []
    elif base is not None:
        seasons = [s.model_dump() for s in base.seasons]
        overrides = [o.model_dump() for o in base.overrides]
        if buyer == "market":
            notes.append(Message.of(
                "notes.tariff.contract_hours_missing", "the contract's hours were not given: "
                "the government hours of {tariff} are used; direct market users follow their "
                "contract's periods from {day}",
                tariff=bilingual(base.name, base.name_zh or base.name),
                day=MARKET_TOU_END.isoformat()))
    else:
        raise TariffError(
            Message.of("errors.tariff.bill_needs_hours",
                       "prices typed from a bill need hours: name the province's tariff.preset "
                       "(agency purchase) or give the contract's hours in tariff.bill.hours "
                       "(market buyer)"),
            field="tariff.preset",
        )
    prices = dict(bill.prices_per_kwh)
    if buyer == "market" and not bill.includes_network_charges:
        if version is None:
            raise TariffError(
                Message.of("errors.tariff.bill_network_needs_preset",
                           "tariff.bill.includes_network_charges is false but no tariff.preset "
                           "is given to take the network charges from; name the province's "
                           "preset"),
                field="tariff.preset",
            )
        adder, rate, more = _network_adders(version, zone)
        notes.extend(more)
        prices = {p: v * (1.0 + rate) + adder for p, v in prices.items()}
        notes.append(Message.of(
            "notes.tariff.network_added", "network charges added to the contract's prices: "
            "{adder:.4f} per kWh plus line loss at {rate:.2%} of the energy price ({tariff}, "
            "version of {version})", adder=float(adder), rate=float(rate),
            tariff=preset_name(version.preset), version=str(version.effective_from)))
    basis = basic_charge_basis
    if basis == "capacity" and not transformer_kva:
        raise TariffError(
            Message.of("errors.tariff.capacity_needs_kva",
                       "tariff.basic_charge_basis is 'capacity' but tariff.transformer_kva is "
                       "not given; give the transformer capacity [kVA] or bill on maximum "
                       "demand"),
            field="tariff.transformer_kva",
        )
    first = dt.date(int(bill.month[:4]), int(bill.month[5:]), 1)
    kind_en = "agency purchase" if buyer == "agency" else "market contract"
    kind_zh = "代理购电" if buyer == "agency" else "市场化合同"
    base_name = f", hours of {base.name}" if base is not None and seasons == [
        s.model_dump() for s in base.seasons] else ", contract hours"
    data = {
        "id": f"{base.id}.bill-{bill.month}" if base is not None else f"bill-{bill.month}",
        "name": f"Prices as printed, {bill.month} ({kind_en}){base_name}",
        "name_zh": f"{bill.month}电费单电价（{kind_zh}）",
        "country": base.country if base is not None else "CN",
        "region": base.region if base is not None else "",
        "customer_class": base.customer_class if base is not None else "general_ci",
        "voltage": base.voltage if base is not None else "",
        "currency": base.currency if base is not None else "CNY",
        "source": f"{bill.source}, {bill.month}",
        "effective_date": first,
        "version": bill.month,
        "status": "user",
        "seasons": seasons,
        "overrides": overrides,
        "prices": {"mode": "explicit", "per_kwh": prices, "source": bill.source,
                   "status": "user"},
        "export": base.export.model_dump() if base is not None else {"kind": "constant"},
        **_basic(bill, base, transformer_kva, basis, notes),
    }
    if not all(math.isfinite(v) for v in prices.values()):
        raise TariffError(Message.of("errors.tariff.bill_prices_finite",
                                     "tariff.bill.prices_per_kwh must be finite numbers"),
                          field="tariff.bill.prices_per_kwh")
    _check_prices(data, set(prices))
    return parse_tariff(data, origin="tariff.bill"), tuple(notes)
