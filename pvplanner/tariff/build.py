"""A preset version and the user's facts -> the :class:`~pvplanner.tariff.model.Tariff` priced.

The energy price of every period is ``fixed + floating x ratio``: ``floating`` is the sum of
the components the province lets float with time of use (``[floating]`` of the preset),
``fixed`` the sum of the others. So the flat price (ratio 1) is the sum of all components,
as on the bill. Which overrides apply depends on the user: Jiangsu's sharp and deep-valley
periods only for industrial users of 315 kVA and above, Guangdong's hot-day critical peak
only on the dates the user lists. Users who pay 1.5 times the agency purchase price get the
purchase component multiplied.

Examples
--------
>>> from pvplanner.tariff.versions import select_tariff_version
>>> version = select_tariff_version("zhejiang_2026_large_industry")
>>> parts = price_parts(version)
>>> round(parts.flat_per_kwh, 4) == round(sum(parts.components.values()), 4)
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pvplanner.errors import TariffError
from pvplanner.messages import Message, bilingual
from pvplanner.tariff.components import ComponentRow, Provenance, weakest_status
from pvplanner.tariff.files import parse_tariff
from pvplanner.tariff.model import Tariff
from pvplanner.tariff.versions import TariffVersion, component_names, preset_name

__all__ = ["PriceParts", "TariffOptions", "build_tariff", "price_parts"]


@dataclass(frozen=True)
class TariffOptions:
    """What the tariff needs to know about the user (all optional).

    Attributes
    ----------
    transformer_kva : float, optional
        Contracted transformer capacity [kVA]: checks the 100 / 315 kVA eligibility, selects
        size-dependent rules and ratios, and is the capacity a capacity charge is billed on.
        Unknown: a large-industry user is taken as >= 315 kVA, a general C&I user as small.
    industrial : bool, optional
        An industrial (not commercial) user; unknown: true for large industry only.
    zone : str, optional
        Price zone for presets with zone adders (Guangdong); default: the preset's.
    critical_peak_dates : tuple of datetime.date
        Days the grid declared critical peak by weather (Guangdong: forecast maximum >= 35 °C).
    basic_charge_basis : {"max_demand", "capacity"}, optional
        How a two-part user pays the basic charge; default maximum demand.
    agency_price_multiplier : float
        1.5 for agency-purchase users who pay 1.5 times the purchase price (left the market
        without good reason, own coal-fired plants, high energy use); else 1.
    """

    transformer_kva: float | None = None
    industrial: bool | None = None
    zone: str | None = None
    critical_peak_dates: tuple[dt.date, ...] = ()
    basic_charge_basis: str | None = None
    agency_price_multiplier: float = 1.0


@dataclass(frozen=True)
class PriceParts:
    """The per-kWh components of a version and how they split into floating and fixed.

    Attributes
    ----------
    components : dict
        Component key -> value [currency/kWh], zone adder of the chosen zone, purchase price
        times the agency multiplier, line loss as rate x purchase price.
    floating_per_kwh, fixed_per_kwh, flat_per_kwh : float
        Sums of the floating and fixed components, and the flat price (their sum).
    zone : str or None
    """

    components: dict[str, float]
    floating_per_kwh: float
    fixed_per_kwh: float
    zone: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def flat_per_kwh(self) -> float:
        return self.floating_per_kwh + self.fixed_per_kwh


def _zone(version: TariffVersion, zone: str | None) -> tuple[str | None, list[str]]:
    zones = version.preset.zones()
    if not zones:
        notes: list[str] = [Message.of(
            "notes.tariff.zone_ignored",
            "the price zone {zone} is not used: {preset} has no price zones",
            zone=repr(zone), preset=preset_name(version.preset))]
        return None, notes if zone else []
    chosen = zone or version.preset.default_zone
    if chosen not in zones:
        raise TariffError(Message.of(
            "errors.tariff.zone", "tariff.zone = {zone}: {preset} has the price zones {zones}",
            zone=repr(zone), preset=preset_name(version.preset), zones=", ".join(zones)),
            field="tariff.zone")
    return chosen, []


def price_parts(
    version: TariffVersion, zone: str | None = None, agency_price_multiplier: float = 1.0
) -> PriceParts:
    """Component values of a version and their floating / fixed split [currency/kWh].

    Raises
    ------
    TariffError
        Unknown price zone; a component that the source gives only as a sum with parts that
        float differently (the data cannot split it).
    """
    chosen, notes = _zone(version, zone)
    floating_keys = set(version.preset.floating.components)
    values: dict[str, float] = {}
    purchase = version.component("purchase")
    purchase_value = 0.0
    if purchase is not None:
        purchase_value = _value_per_kwh(purchase, version.preset_id) * agency_price_multiplier
        values["purchase"] = purchase_value
        if agency_price_multiplier != 1.0 and purchase.includes:
            notes.append(Message.of(
                "notes.tariff.agency_multiplier", "the agency purchase price times "
                "{multiplier:g} is applied to the purchase price row, which the source gives "
                "together with {parts}", multiplier=float(agency_price_multiplier),
                parts=component_names(purchase.includes)))
    for row in version.components:
        if row.key == "purchase" or (row.key == "zone_adder" and row.zone != chosen):
            continue
        if row.rate_of_purchase is not None:
            values[row.key] = row.rate_of_purchase * purchase_value
        else:
            values[row.key] = _value_per_kwh(row, version.preset_id)
    floating = fixed = 0.0
    for row in version.components:
        if row.key == "zone_adder" and row.zone != chosen:
            continue
        floats = row.key in floating_keys
        if any((part in floating_keys) != floats for part in row.includes):
            raise TariffError(Message.of(
                "errors.tariff.component_floats", "tariff preset {preset}: component {component} "
                "includes {includes}, which float differently; give them as separate rows",
                preset=version.preset_id, component=repr(row.key), includes=str(row.includes)))
    for key, value in values.items():
        if key in floating_keys:
            floating += value
        else:
            fixed += value
    return PriceParts(values, floating, fixed, chosen, tuple(notes))


def _value_per_kwh(row: ComponentRow, preset_id: str) -> float:
    """A component's value [currency/kWh]; its row's check requires one unless it is a rate."""
    if row.value_per_kwh is None:
        raise TariffError(Message.of(
            "errors.tariff.component_no_value", "tariff preset {preset}: component {component} "
            "has no value_per_kwh; give it (only line_loss may instead be a rate_of_purchase)",
            preset=preset_id, component=repr(row.key)))
    return float(row.value_per_kwh)


def _applies(rule, kva: float | None, industrial: bool, dates: tuple) -> Message | None:
    """None if the override applies to this user, else why not."""
    if rule.min_kva is not None and (kva is None or kva < rule.min_kva):
        return Message.of("notes.tariff.override_min_kva",
                          "only for users of {kva:g} kVA and above", kva=float(rule.min_kva))
    if rule.industrial_only and not industrial:
        return Message.of("notes.tariff.override_industrial", "only for industrial users")
    if rule.on_declared_days and not dates:
        return Message.of("notes.tariff.override_no_dates",
                          "no critical-peak days were given")
    return None


def _eligibility(version: TariffVersion, kva: float | None) -> list[str]:
    preset, rules = version.preset, version.preset.eligibility
    if kva is None:
        return []
    if preset.tariff_form == "two_part" and kva < rules.single_part_below_kva:
        raise TariffError(Message.of(
            "errors.tariff.two_part_too_small", "tariff.transformer_kva = {kva:g} kVA: below "
            "{limit:g} kVA only the single-part tariff applies ({source}), but {preset} is "
            "two-part; choose a general C&I (single-part) preset", kva=float(kva),
            limit=float(rules.single_part_below_kva), source=rules.source,
            preset=preset_name(preset)), field="tariff.transformer_kva")
    if preset.tariff_form == "single_part" and kva >= rules.two_part_from_kva:
        return [Message.of(
            "notes.tariff.single_part_kept", "users of {limit:g} kVA and above are billed "
            "two-part ({source}); the single-part preset {preset} is kept because users already "
            "on single-part may stay on it", limit=float(rules.two_part_from_kva),
            source=rules.source, preset=preset_name(preset))]
    return []


def _basic_charges(version: TariffVersion, options: TariffOptions) -> dict:
    demand, capacity = version.basic_charge("demand"), version.basic_charge("capacity")
    if demand is None or capacity is None:
        return {}
    basis = options.basic_charge_basis or "max_demand"
    kva = options.transformer_kva
    if basis == "capacity" and kva is None:
        raise TariffError(Message(
            "errors.tariff.capacity_needs_kva", "tariff.basic_charge_basis is 'capacity' but "
            "tariff.transformer_kva is not given; give the transformer capacity [kVA] or bill "
            "on maximum demand"), field="tariff.transformer_kva")
    return {
        "basic_charge_basis": basis,
        "demand_charges": [{
            "label": demand.label or "maximum demand 最大需量",
            "rate_per_kw_month": demand.value,
            "source": f"{demand.source} (valid {demand.validity})",
            "status": demand.status,
        }],
        "capacity_charge": {
            "rate_per_kva_month": capacity.value,
            "contracted_kva": float(kva or 0.0),
            "source": f"{capacity.source} (valid {capacity.validity})",
            "status": capacity.status,
        },
    }


def build_tariff(
    version: TariffVersion, options: TariffOptions | None = None
) -> tuple[Tariff, tuple[str, ...]]:
    """The tariff of a version for a user, and notes on what was assumed or left out.

    Parameters
    ----------
    version : TariffVersion
    options : TariffOptions, optional
        The user's size, kind, zone, declared critical-peak days, basic-charge basis and
        agency-price multiplier.

    Returns
    -------
    (Tariff, tuple of str)
        ``Tariff.id`` is the preset id and ``Tariff.version`` the version's first day.

    Raises
    ------
    TariffError
        A two-part preset for a user below the single-part threshold, capacity billing
        without a transformer capacity, an unknown price zone.
    """
    options = options or TariffOptions()
    preset = version.preset
    kva = options.transformer_kva
    notes = [*version.notes, *_eligibility(version, kva)]
    large = preset.customer_class == "large_industry"
    assumed_kva = kva if kva is not None else (
        preset.eligibility.two_part_from_kva if large else None
    )
    industrial = options.industrial if options.industrial is not None else large
    dates = tuple(options.critical_peak_dates)
    overrides = []
    used_rows: list = [preset.eligibility, preset.hours, preset.ratios, preset.floating]
    for rule in preset.overrides:
        why_not = _applies(rule, assumed_kva, industrial, dates)
        if why_not is not None:
            notes.append(Message.of("notes.tariff.override_not_applied",
                                    "{label} not applied: {why}",
                                    label=bilingual(rule.label, rule.label_zh), why=why_not))
            continue
        used_rows.append(rule)
        overrides.append({
            "label": rule.label,
            "months": rule.months,
            "day_types": rule.day_types,
            "holidays": rule.holidays,
            "first_days": rule.first_days,
            "dates": list(dates) if rule.on_declared_days else None,
            "blocks": [block.model_dump() for block in rule.blocks],
        })
    ratios = dict(preset.ratios.ratios)
    for variant in preset.ratio_variants:
        if kva is not None and kva < variant.below_kva:
            ratios.update(variant.ratios)
            used_rows.append(variant)
    parts = price_parts(version, options.zone, options.agency_price_multiplier)
    notes.extend(parts.notes)
    listed = " + ".join(f"{key} {value:.5g}" for key, value in parts.components.items())
    price_rows: list[Provenance] = []
    for key in parts.components:
        row = version.component(key, parts.zone)
        if row is None:  # price_parts took its keys from this version's own rows
            raise TariffError(Message.of(
                "errors.tariff.no_component_row", "tariff preset {preset}: no {key} component "
                "row", preset=version.preset_id, key=repr(key)))
        price_rows.append(row)
    price_rows += [preset.ratios, preset.floating]
    used_rows += [*price_rows, *version.basic_charges]
    unverified = "; ".join(dict.fromkeys(
        f"{getattr(row, 'label', '') or getattr(row, 'key', '') or type(row).__name__}: "
        f"{row.unverified_reason}" for row in used_rows if row.status == "unverified"))
    data = {
        "id": preset.id,
        "name": preset.name,
        "name_zh": preset.name_zh,
        "country": preset.country,
        "region": preset.region,
        "customer_class": preset.customer_class,
        "voltage": preset.voltage,
        "currency": preset.currency,
        "source": " | ".join(version.sources),
        "source_url": preset.source_url,
        "effective_date": version.effective_from,
        "effective_until": version.effective_until,
        "version": version.version,
        "status": weakest_status(row.status for row in used_rows),
        "notes": "\n".join(filter(None, [preset.notes.strip(),
                                         f"Unverified: {unverified}" if unverified else ""])),
        "seasons": [season.model_dump() for season in preset.hours.seasons],
        "overrides": overrides,
        "prices": {
            "mode": "ratio",
            "floating_part_per_kwh": parts.floating_per_kwh,
            "fixed_part_per_kwh": parts.fixed_per_kwh,
            "ratios": ratios,
            "source": f"components of {version.id}: {listed} "
                      f"(floating: {', '.join(preset.floating.components)})",
            "status": weakest_status(row.status for row in price_rows),
            "note": f"flat = {parts.flat_per_kwh:.4f} = {listed}",
        },
        "export": preset.export.model_dump(),
        **_basic_charges(version, options),
    }
    return parse_tariff(data, origin=Message.of("errors.tariff.origin_preset",
                                                "tariff preset {preset}",
                                                preset=preset.id)), tuple(notes)
