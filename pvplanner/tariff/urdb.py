"""Tariffs from the U.S. Utility Rate Database (URDB) format, as used by NREL's REopt.

URDB rates (https://openei.org/services/doc/rest/util_rates/) describe energy and demand
charges as numbered periods, each with cumulative tiers, and 12 x 24 month-by-hour schedules
for weekdays and weekends. This adapter maps them onto :class:`~pvplanner.tariff.model.Tariff`:
energy periods become named time-of-use periods ranked by price, months with identical
schedules become seasons, energy tiers become monthly blocks with a price adder, and demand
periods become monthly demand charges limited to their hours. Structures that do not fit are
refused with a :class:`~pvplanner.errors.TariffError` rather than approximated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pvplanner.errors import TariffError
from pvplanner.messages import Message
from pvplanner.tariff.files import parse_tariff
from pvplanner.tariff.model import Tariff

__all__ = ["tariff_from_urdb"]

#: Period names for n URDB energy periods, dearest first.
_NAMES_BY_COUNT = {
    1: ("flat",),
    2: ("peak", "valley"),
    3: ("peak", "flat", "valley"),
    4: ("sharp", "peak", "flat", "valley"),
    5: ("sharp", "peak", "flat", "valley", "deep_valley"),
}


def _rate(tier: Mapping, where: str) -> float:
    try:
        return float(tier.get("rate", 0.0)) + float(tier.get("adj", 0.0) or 0.0)
    except (TypeError, ValueError):
        raise TariffError(Message.of("errors.tariff.urdb_rate",
                                     "URDB {where}: rate {rate} is not a number", where=where,
                                     rate=repr(tier.get("rate")))) from None


def _tiers(structure: Sequence, key: str, unit: str) -> list[list[tuple[float | None, float]]]:
    """Per period: [(cumulative max or None, rate)]."""
    periods = []
    for p, tiers in enumerate(structure):
        if not tiers:
            raise TariffError(Message.of("errors.tariff.urdb_no_tiers",
                                         "URDB {key}[{p}] has no tiers", key=key, p=p))
        parsed = []
        for t, tier in enumerate(tiers):
            tier_unit = str(tier.get("unit", unit))
            if tier_unit != unit:
                raise TariffError(Message.of(
                    "errors.tariff.urdb_unit",
                    "URDB {key}[{p}][{t}]: unit {unit} is not supported (only {only})", key=key,
                    p=p, t=t, unit=repr(tier_unit), only=repr(unit)))
            bound = tier.get("max")
            parsed.append((None if bound is None else float(bound), _rate(tier, f"{key}[{p}]")))
        periods.append(parsed)
    return periods


def _schedule(data: Mapping, key: str, n_periods: int) -> list[list[int]]:
    rows = data.get(key)
    if rows is None or len(rows) != 12 or any(len(row) != 24 for row in rows):
        raise TariffError(Message.of(
            "errors.tariff.urdb_schedule",
            "URDB {key} must be 12 months x 24 hours of period numbers", key=key))
    for m, row in enumerate(rows):
        for h, value in enumerate(row):
            if not 0 <= int(value) < n_periods:
                raise TariffError(Message.of(
                    "errors.tariff.urdb_period",
                    "URDB {key}[{m}][{h}] = {value} but only {n} periods are defined", key=key,
                    m=m, h=h, value=str(value), n=n_periods))
    return [[int(v) for v in row] for row in rows]


def _energy_part(data: Mapping) -> dict:
    periods = _tiers(data["energyratestructure"], "energyratestructure", "kWh")
    n = len(periods)
    if n not in _NAMES_BY_COUNT:
        raise TariffError(Message.of(
            "errors.tariff.urdb_periods",
            "URDB rate has {n} energy periods; at most 5 time-of-use periods are supported", n=n))
    weekday = _schedule(data, "energyweekdayschedule", n)
    weekend = (
        _schedule(data, "energyweekendschedule", n)
        if data.get("energyweekendschedule") is not None
        else weekday
    )
    order = sorted(range(n), key=lambda p: -periods[p][0][1])
    names = {p: _NAMES_BY_COUNT[n][rank] for rank, p in enumerate(order)}

    seasons: dict[tuple, list[int]] = {}
    for m in range(12):
        seasons.setdefault((tuple(weekday[m]), tuple(weekend[m])), []).append(m + 1)
    season_list = [
        {
            "name": "months_" + "_".join(str(m) for m in months),
            "months": months,
            "workday": [names[p] for p in day],
            "weekend": [names[p] for p in end],
        }
        for (day, end), months in seasons.items()
    ]

    bounds = [b for b, _ in periods[0]]
    adders = [rate - periods[0][0][1] for _, rate in periods[0]]
    for p, tiers in enumerate(periods[1:], start=1):
        if [b for b, _ in tiers] != bounds or any(
            abs((rate - tiers[0][1]) - adder) > 1e-9
            for (_, rate), adder in zip(tiers, adders, strict=True)
        ):
            raise TariffError(Message.of(
                "errors.tariff.urdb_tiers_differ", "URDB energyratestructure[{p}] has tiers that "
                "differ from period 0; only tiers shared by all periods (same bounds, same steps) "
                "are supported", p=p))
    energy_tiers = (
        [{"max_kwh_per_month": b, "adder_per_kwh": a} for b, a in zip(bounds, adders, strict=True)]
        if len(bounds) > 1
        else []
    )
    if energy_tiers:
        energy_tiers[-1]["max_kwh_per_month"] = None
    return {
        "seasons": season_list,
        "prices": {"mode": "explicit", "per_kwh": {names[p]: periods[p][0][1] for p in range(n)}},
        "energy_tiers": energy_tiers,
    }


def _demand_charge(label: str, tiers: list[tuple[float | None, float]], **extra) -> dict:
    charge = {"label": label, **extra}
    if len(tiers) == 1:
        charge["rate_per_kw_month"] = tiers[0][1]
    else:
        charge["tiers"] = [{"max_kw": b, "rate_per_kw_month": r} for b, r in tiers]
        charge["tiers"][-1]["max_kw"] = None
    return charge


def _demand_part(data: Mapping) -> list[dict]:
    charges = []
    if data.get("demandratestructure"):
        periods = _tiers(data["demandratestructure"], "demandratestructure", "kW")
        weekday = _schedule(data, "demandweekdayschedule", len(periods))
        weekend = (
            _schedule(data, "demandweekendschedule", len(periods))
            if data.get("demandweekendschedule") is not None
            else weekday
        )
        for p, tiers in enumerate(periods):
            groups: dict[tuple, list[int]] = {}
            for m in range(12):
                day = tuple(h for h in range(24) if weekday[m][h] == p)
                end = tuple(h for h in range(24) if weekend[m][h] == p)
                if day or end:
                    groups.setdefault((day, end), []).append(m + 1)
            for (day, end), months in groups.items():
                all_hours = len(day) == 24 and len(end) == 24
                charges.append(
                    _demand_charge(
                        f"demand period {p}",
                        tiers,
                        months=months,
                        workday_hours=None if all_hours else list(day),
                        weekend_hours=None if all_hours else list(end),
                    )
                )
    if data.get("flatdemandstructure"):
        periods = _tiers(data["flatdemandstructure"], "flatdemandstructure", "kW")
        months_of = data.get("flatdemandmonths") or [0] * 12
        if len(months_of) != 12:
            raise TariffError(Message.of("errors.tariff.urdb_demand_months",
                                         "URDB flatdemandmonths must have 12 entries"))
        for p, tiers in enumerate(periods):
            months = [m + 1 for m in range(12) if int(months_of[m]) == p]
            if months:
                charges.append(_demand_charge(f"flat demand {p}", tiers, months=months))
    return charges


def tariff_from_urdb(
    urdb: Mapping,
    *,
    tariff_id: str | None = None,
    name: str | None = None,
    currency: str = "USD",
    country: str = "US",
) -> Tariff:
    """Build a tariff from a URDB rate record (e.g. REopt's ``ElectricTariff.urdb_response``).

    Parameters
    ----------
    urdb : mapping
        URDB fields: ``energyratestructure``, ``energyweekdayschedule``,
        ``energyweekendschedule`` and optionally ``demandratestructure`` with its schedules,
        ``flatdemandstructure`` / ``flatdemandmonths``, ``fixedmonthlycharge``, ``name``.
    tariff_id, name : str, optional
        Defaults from the record's ``label`` / ``name``.
    currency : str
        URDB rates are in USD.
    country : str
        Holiday calendar; URDB has no holidays, so holidays follow the weekend schedule.

    Returns
    -------
    Tariff
        Exports earn nothing (URDB sell rates and net metering are not read).

    Raises
    ------
    TariffError
        For missing or unsupported structures (more than 5 energy periods, energy tiers that
        differ between periods, non-monthly tier units, coincident-peak rates).
    """
    if "energyratestructure" not in urdb:
        raise TariffError(Message.of("errors.tariff.urdb_no_energy",
                                     "URDB rate has no energyratestructure"))
    if urdb.get("coincidentratestructure"):
        raise TariffError(Message.of(
            "errors.tariff.urdb_coincident",
            "URDB coincident-peak rates are not supported; add coincident_peaks windows instead"))
    fixed = urdb.get("fixedmonthlycharge")
    if fixed is None and urdb.get("fixedchargeunits", "$/month") == "$/month":
        fixed = urdb.get("fixedchargefirstmeter")
    data = {
        "id": tariff_id or str(urdb.get("label") or "urdb"),
        "name": name or str(urdb.get("name") or "URDB rate"),
        "country": country,
        "currency": currency,
        "customer_class": "other",
        "source": "U.S. Utility Rate Database record"
        + (f" {urdb['label']}" if urdb.get("label") else ""),
        "status": "secondary",
        **_energy_part(urdb),
        "demand_charges": _demand_part(urdb),
        "fixed_monthly_charge": float(fixed or 0.0),
    }
    return parse_tariff(data, origin=Message.of("errors.tariff.origin_urdb", "URDB rate"))
