"""A scenario field by the name its reader knows: the label of the app's input or of the
proposal's row for it, in the reader's language.

The app, the proposal (its assumptions and its workbook's Inputs sheet) and the citations of
the sources (:mod:`pvplanner.display.sources`) name a field the same way. A label comes from
the texts that already name each field: the app's input labels (:data:`APP_LABELS`, the keys
its pages use for the field), the proposal's assumption labels (``finance_fields``,
``pv_fields``, ``measure_params``, ``assumption_items``) and ``input_fields`` of
``data/report/<lang>.toml`` for fields neither names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pvplanner.display.messages import catalogue, translate

#: Field (dotted path without list positions) -> the app's label of that input
#: (``data/i18n/*.toml``, the keys the app's pages give the same field).
APP_LABELS: dict[str, str] = {
    "name": "site.scenario_name",
    "site.name": "site.company", "site.latitude": "site.location.latitude",
    "site.longitude": "site.location.longitude", "site.elevation_m": "site.location.elevation",
    "site.utc_offset_hours": "site.location.utc_offset", "site.country": "site.location.country",
    "site.province": "report.assumption_items.site_province", "site.city": "site.location.city",
    "weather.source": "site.weather.source", "weather.seed": "site.weather.seed",
    "roof_planes": "site.roof.title", "roof_planes.name": "site.roof.name", "roof_planes.area_m2": "site.roof.area",
    "roof_planes.mounting": "site.roof.mounting", "roof_planes.tilt_deg": "site.roof.tilt",
    "roof_planes.azimuth_deg": "site.roof.azimuth",
    "roof_planes.rack_tilt_deg": "site.roof.rack_tilt", "roof_planes.gcr": "site.roof.gcr",
    "roof_planes.module_power_density_w_m2": "site.roof.density",
    "roof_planes.usable_fraction": "site.roof.usable", "roof_planes.max_kwp": "site.roof.override",
    "pv.dc_ac_ratio": "site.pv.dc_ac", "pv.inverter_efficiency_percent": "site.pv.inverter",
    "pv.temperature_coefficient_percent_per_c": "site.pv.temp_coeff",
    "pv.spectral_correction": "site.pv.spectral", "pv.albedo": "site.pv.albedo",
    "pv.degradation_first_year_percent": "site.pv.degradation_first",
    "pv.degradation_annual_percent": "site.pv.degradation_annual",
    "load.template": "load.template", "load.annual_kwh": "load.annual",
    "load.meter_units": "load.meter.units_choice",
    "tariff.preset": "tariff.tariff.preset", "tariff.buyer": "tariff.buyer.label",
    "tariff.transformer_kva": "tariff.user.kva", "tariff.industrial": "tariff.user.kind",
    "tariff.zone": "tariff.user.zone",
    "tariff.bill.demand_per_kw_month": "tariff.bill.demand",
    "tariff.bill.capacity_per_kva_month": "tariff.bill.capacity",
    "tariff.bill.includes_network_charges": "tariff.bill.network",
    "tariff.export.price_per_kwh": "tariff.export.price",
    "tariff.export.mechanism_price_per_kwh": "tariff.export.mechanism_price",
    "tariff.export.mechanism_share": "tariff.export.mechanism_share",
    "tariff.export.mechanism_years": "tariff.export.mechanism_years",
    "project.connection_mode": "tariff.project.mode",
    "project.grid_voltage_kv": "tariff.project.voltage",
    "project.spot_market_continuous": "tariff.project.spot",
    "battery.allowed": "tariff.battery.allowed",
    "battery.charge_efficiency": "tariff.battery.charge_eff",
    "battery.discharge_efficiency": "tariff.battery.discharge_eff",
    "battery.grid_charging": "tariff.battery.grid_charging",
    "battery.max_c_rate": "tariff.battery.c_rate",
    "battery.max_energy_kwh": "tariff.battery.max_energy",
    "battery.max_power_kw": "tariff.battery.max_power",
    "battery.min_energy_kwh": "tariff.battery.min_energy",
    "battery.min_power_kw": "tariff.battery.min_power",
    "battery.min_soc_fraction": "tariff.battery.min_soc",
    "constraints.objective": "report.assumption_items.constraints_objective",
    "constraints.capital_budget": "tariff.goals.budget",
    "constraints.export_limit_kw": "tariff.goals.export_limit",
    "constraints.interconnection_limit_kw": "tariff.goals.interconnection",
    "constraints.max_payback_years": "tariff.goals.max_payback",
    "constraints.max_total_kwp": "tariff.goals.max_kwp",
    "constraints.min_self_consumption_ratio": "tariff.goals.min_self",
    "constraints.min_total_kwp": "tariff.goals.min_kwp",
    "constraints.solver_time_limit_s": "tariff.goals.time_limit",
    "finance.lease_payment_per_year": "tariff.ownership.lease_payment",
    "carbon.location_factor_id": "carbon.inputs.location_factor",
    "carbon.residual_factor_id": "carbon.inputs.residual_factor",
    "carbon.grid_factor_decline_percent_per_year": "carbon.inputs.decline",
    "carbon.certificates": "carbon.inputs.certificates",
    "carbon.certificate_price_id": "carbon.inputs.certificate_price",
    "carbon.certificate_price_per_mwh": "carbon.inputs.certificate_override",
    "carbon.credit_scheme_ids": "carbon.inputs.credit_schemes",
    "carbon.credit_price_per_tco2": "carbon.inputs.credit_price",
    "carbon.crediting_period_years": "carbon.inputs.crediting_period",
    "carbon.asset_price_escalation_rate": "carbon.inputs.escalation",
    "proposal.seller_company": "proposal.seller.company",
    "proposal.seller_contact": "proposal.seller.contact",
    "proposal.preparer": "proposal.preparer", "proposal.cover_note": "proposal.seller.note",
    "production.unit": "carbon.footprint.unit",
    "production.footprint_factor_id": "carbon.footprint.factor",
}


_INDEX = re.compile(r"\[(\d+)\]")
#: A field whose texts are keyed by time-of-use period: (path, the key of its label).
_PERIOD_LISTS = re.compile(r"(load\.monthly_period_kwh|tariff\.bill\.prices_per_kwh)\.(\w+)")


def field_of(path: str) -> str:
    """A path without its list positions: ``roof_planes[2].tilt_deg`` -> ``roof_planes.tilt_deg``.

    Examples
    --------
    >>> field_of("roof_planes[2].tilt_deg")
    'roof_planes.tilt_deg'
    """
    return _INDEX.sub("", path)


def catalogue_text(key: str, lang: str, **values: Any) -> str | None:
    """The text of a catalogue key (``report.`` keys included), or None if there is none.

    Examples
    --------
    >>> catalogue_text("report.finance_fields.discount_rate", "en")
    'Discount rate'
    >>> catalogue_text("report.no_such_key", "en") is None
    True
    """
    return translate(key, lang, **values) if key in catalogue() else None


def _candidates(field: str) -> list[str]:
    """Catalogue keys that may name a field, the app's label first."""
    head, _, leaf = field.partition(".")
    last = leaf.rpartition(".")[2]
    keys = [APP_LABELS[field]] if field in APP_LABELS else []
    if head == "finance":
        keys.append(f"report.finance_fields.{leaf}")
    if head in ("pv", "roof_planes"):
        keys.append(f"report.pv_fields.{last}")
    if head == "measures":
        keys.append(f"report.measure_params.{last}")
    flat = field.replace(".", "_")
    return [*keys, f"report.assumption_items.{flat}", f"report.input_fields.{flat}"]


def field_label(path: str, lang: str, currency: str = "CNY") -> str | None:
    """The reader's name of a scenario field, or None when no text names it.

    Parameters
    ----------
    path : str
        The field's dotted path, list positions allowed (``roof_planes[1].tilt_deg``).
    lang : {"en", "zh"}
        Reader's language.
    currency : str
        The scenario's currency, for labels that name it (元 for CNY in Chinese).

    Returns
    -------
    str or None

    Examples
    --------
    >>> field_label("finance.discount_rate", "zh"), field_label("roof_planes[1].tilt_deg", "en")
    ('折现率', 'Roof tilt')
    >>> field_label("project.grid_voltage_kv", "en")
    'Grid connection voltage'
    >>> field_label("pvlib.location.lookup_altitude", "en") is None
    True
    """
    field = field_of(path)
    cur = translate("report.input_fields.money_unit", lang) if currency == "CNY" else currency
    periods = _PERIOD_LISTS.fullmatch(field)
    if periods:
        period = catalogue_text(f"report.tou_period.{periods.group(2)}", lang) \
            or periods.group(2)
        key = ("report.assumption_items.tariff_bill" if field.startswith("tariff")
               else "report.input_fields.load_monthly_period_kwh")
        return catalogue_text(key, lang, period=period)
    for key in _candidates(field):
        text = catalogue_text(key, lang, cur=cur)
        if text is not None:
            return text
    return None


#: The pages' names of a choice's options (catalogue prefix), by the field's last key.
OPTION_NAMES: dict[str, str] = {
    "mounting": "site.roof.mountings", "objective": "tariff.goals.objectives",
    "ownership": "tariff.ownership.kinds", "certificates": "carbon.inputs.certificate_kinds",
    "tax_losses": "tariff.finance.tax_losses_kinds", "kind": "load.kinds",
    "source": "site.weather.sources",
}

#: The validation errors of a choice (their ``limit`` lists the options as ``'id'``).
_CHOICE_ERRORS = ("errors.scenario.literal_error", "errors.scenario.enum")


def choice_options(field: str, detail: Any) -> list[tuple[str, dict[str, str] | None]] | None:
    """The options a choice's validation error lists, each with the pages' names of it in
    both languages (None for an option the pages do not name); None when ``detail`` is not
    such an error or the field has no named options (:data:`OPTION_NAMES`).

    Examples
    --------
    >>> from pvplanner.messages import Message
    >>> error = Message("errors.scenario.literal_error", "x", {"limit": "'flush' or 'nope'"})
    >>> [(i, n and n["en"]) for i, n in choice_options("roof_planes.mounting", error)]
    [('flush', 'Flush'), ('nope', None)]
    """
    prefix = OPTION_NAMES.get(str(field).rsplit(".", 1)[-1])
    if prefix is None or getattr(detail, "key", "") not in _CHOICE_ERRORS:
        return None
    limit = detail.params.get("limit")
    english = limit.get("en", "") if isinstance(limit, Mapping) else str(limit or "")
    ids = re.findall(r"'([^']*)'", english)
    if not ids:
        return None
    known = catalogue()
    return [(option, ({lang: str(text) for lang, text in known[f"{prefix}.{option}"].items()}
                      if f"{prefix}.{option}" in known else None)) for option in ids]


__all__ = ["APP_LABELS", "OPTION_NAMES", "catalogue_text", "choice_options", "field_label",
           "field_of"]
