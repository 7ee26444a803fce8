"""The scenario's tariff choice -> the tariff a plan prices, and the record of where it came
from.

:func:`resolve_tariff` is the one place that turns ``scenario.tariff`` (a preset, a custom
tariff, or prices typed from a bill; the buyer type; the user's transformer size, kind,
price zone and declared critical-peak days) into a :class:`~pvplanner.tariff.model.Tariff`
for the analysis start date. Its :class:`ResolvedTariff` keeps the preset version used, so
the plan's assumptions can state the version, its validity, sources and status, and every
component with its own.

Examples
--------
>>> import datetime as dt
>>> from types import SimpleNamespace
>>> choice = SimpleNamespace(preset="zhejiang_2026_large_industry", custom=None, bill=None)
>>> resolved = resolve_tariff(choice, dt.date(2027, 1, 1))
>>> resolved.version.id, resolved.origin
('zhejiang_2026_large_industry@2026-08-01', 'preset')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pvplanner.errors import TariffError
from pvplanner.messages import Message
from pvplanner.tariff.build import TariffOptions, build_tariff, price_parts
from pvplanner.tariff.entry import MARKET_TOU_END, apply_bill
from pvplanner.tariff.model import Tariff
from pvplanner.tariff.versions import TariffVersion, select_tariff_version

__all__ = ["ResolvedTariff", "options_of", "resolve_tariff"]

_UNITS = {"demand": "{cur}/kW/month", "capacity": "{cur}/kVA/month"}


@dataclass(frozen=True)
class ResolvedTariff:
    """The tariff a plan prices and where it comes from.

    Attributes
    ----------
    tariff : Tariff
        Ready for :func:`~pvplanner.tariff.schedule.price_series` and
        :func:`~pvplanner.tariff.bill.compute_bill` (the preset's export rule; the scenario's
        export override is applied by the pipeline).
    version : TariffVersion or None
        The preset version used (also for bill-typed prices, whose hours and network charges
        come from it); ``None`` for a custom tariff.
    origin : {"preset", "bill", "custom"}
    options : TariffOptions
        The user's facts the tariff was built with.
    notes : tuple of str
        What was assumed, replaced or left out (a successor preset, rules that do not apply
        to this user, charges not on the bill).
    """

    tariff: Tariff
    version: TariffVersion | None
    origin: Literal["preset", "bill", "custom"]
    options: TariffOptions = field(default_factory=TariffOptions)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def assumption_rows(self) -> list[dict[str, Any]]:
        """Rows for ``Result.assumptions`` (category ``tariff``).

        Returns
        -------
        list of dict
            Each with ``category``, ``item``, ``value``, ``unit``, ``source``, ``date``,
            ``status`` and ``value_zh``: the tariff (id, version and validity), each price
            component and basic charge of the version with its own source, validity and
            status (an unverified one says why in ``source``), the floating and flat prices
            derived from them, and, for bill-typed prices, each printed price (status
            ``user``).
        """
        cur = self.tariff.currency
        rows: list[dict[str, Any]] = []

        def add(item, value, unit, source, date, status, value_zh=None):
            rows.append({"category": "tariff", "item": item, "value": value, "unit": unit,
                         "source": source, "date": date, "status": status,
                         "value_zh": value_zh})

        version = self.version
        if self.origin == "custom" or version is None:
            add("tariff.custom", self.tariff.id, "", self.tariff.source or "user input",
                str(self.tariff.effective_date or ""), "user", self.tariff.name_zh or None)
            return rows
        add("tariff.version", version.id, "", " | ".join(version.sources), version.validity,
            version.status, version.name_zh)
        parts = price_parts(version, self.options.zone, self.options.agency_price_multiplier)
        for key, value in parts.components.items():
            row = version.component(key, parts.zone)
            if row is None:  # price_parts took its keys from this version's own rows
                raise TariffError(Message.of(
                    "errors.tariff.no_component_row", "tariff preset {preset}: no {key} "
                    "component row", preset=version.preset_id, key=repr(key)))
            source = row.source + (f" (unverified: {row.unverified_reason})"
                                   if row.status == "unverified" else "")
            add(f"tariff.component.{key}", value, f"{cur}/kWh", source, row.validity,
                row.status)
        add("tariff.floating_per_kwh", parts.floating_per_kwh, f"{cur}/kWh",
            f"sum of {', '.join(version.preset.floating.components)} "
            f"({version.preset.floating.source})", version.validity, "derived")
        add("tariff.flat_per_kwh", parts.flat_per_kwh, f"{cur}/kWh", "sum of the components",
            version.validity, "derived")
        for charge in version.basic_charges:
            add(f"tariff.{charge.kind}_charge", charge.value, _UNITS[charge.kind].format(cur=cur),
                charge.source + (f" (unverified: {charge.unverified_reason})"
                                 if charge.status == "unverified" else ""), charge.validity,
                charge.status)
        if self.origin == "bill":
            for period, price in self.tariff.prices.per_kwh.items():
                add(f"tariff.bill.{period}", price, f"{cur}/kWh", self.tariff.source,
                    self.tariff.version, "user")
        return rows


def options_of(choice: Any) -> TariffOptions:
    """The user's facts of a scenario's tariff choice (missing fields: unknown)."""
    dates = getattr(choice, "critical_peak_dates", None) or ()
    return TariffOptions(
        transformer_kva=getattr(choice, "transformer_kva", None),
        industrial=getattr(choice, "industrial", None),
        zone=getattr(choice, "zone", None),
        critical_peak_dates=tuple(dates),
        basic_charge_basis=getattr(choice, "basic_charge_basis", None),
        agency_price_multiplier=float(getattr(choice, "agency_price_multiplier", 1.0) or 1.0),
    )


def resolve_tariff(choice: Any, on_date: dt.date | None = None) -> ResolvedTariff:
    """The tariff a scenario's tariff choice means on the analysis start date.

    Parameters
    ----------
    choice : pvplanner.scenario.model.TariffChoice
        Or any object with its attributes (``preset``, ``custom``, ``bill``, ``version``,
        ``buyer``, ``agency_price_multiplier``, ``transformer_kva``, ``industrial``,
        ``zone``, ``critical_peak_dates``, ``basic_charge_basis``; missing ones are unknown).
    on_date : datetime.date, optional
        The analysis start date: picks the preset version in force (see
        :func:`~pvplanner.tariff.versions.select_tariff_version`). Default: the preset's
        latest version.

    Returns
    -------
    ResolvedTariff

    Raises
    ------
    TariffError
        A market buyer without the contract's prices, bill prices without hours, a size
        the preset's tariff form does not allow, an unknown preset, version or zone; the
        message names the ``tariff.*`` field.
    """
    options = options_of(choice)
    custom = getattr(choice, "custom", None)
    if custom is not None:
        return ResolvedTariff(custom, None, "custom", options)
    given_buyer = getattr(choice, "buyer", "agency") or "agency"
    if given_buyer not in ("agency", "market"):
        raise TariffError(Message.of("errors.tariff.buyer_choice",
                                     "tariff.buyer = {buyer}: use 'agency' or 'market'",
                                     buyer=repr(given_buyer)), field="tariff.buyer")
    buyer: Literal["agency", "market"] = "market" if given_buyer == "market" else "agency"
    bill = getattr(choice, "bill", None)
    if buyer == "market" and bill is None:
        raise TariffError(
            Message.of("errors.tariff.market_needs_bill",
                       "tariff.buyer is 'market': a user who buys directly in the market pays "
                       "its retail contract's prices; give them in tariff.bill (prices per "
                       "period as printed)"),
            field="tariff.bill",
        )
    preset = getattr(choice, "preset", None)
    version = base = None
    notes: tuple[str, ...] = ()
    if preset:
        version = select_tariff_version(preset, on_date, version=getattr(choice, "version", None))
        build_options = options
        if bill is not None:  # printed prices already hold any multiplier
            build_options = replace(options, agency_price_multiplier=1.0)
        base, notes = build_tariff(version, build_options)
    if bill is None:
        if base is None:
            raise TariffError(Message.of(
                "errors.tariff.no_source",
                "tariff: give a preset id, a custom tariff or prices from a bill"),
                field="tariff.preset")
        return ResolvedTariff(base, version, "preset", options, notes)
    tariff, more = apply_bill(
        bill, buyer, base, version, transformer_kva=options.transformer_kva,
        basic_charge_basis=options.basic_charge_basis, zone=options.zone,
    )
    extra = []
    if options.agency_price_multiplier != 1.0:
        extra.append("tariff.agency_price_multiplier is not applied to prices typed from a "
                     "bill: the printed prices are what the user pays")
    if buyer == "market" and on_date is not None and on_date < MARKET_TOU_END and bill.hours:
        extra.append(f"before {MARKET_TOU_END.isoformat()} direct market users still followed "
                     "the government's time-of-use periods; the contract's hours are used")
    return ResolvedTariff(tariff, version, "bill", options, (*notes, *more, *extra))
