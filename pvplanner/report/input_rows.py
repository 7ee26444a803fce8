"""The scenario a plan ran on, one row per field, as the workbook's Inputs sheet shows it.

Each field gets a category and a label in the reader's language, and its value in words
(names in the reader's language, choices by what they mean, ids of the data tables by the
name of what they point to); the dotted field path and the value as stored stay beside them
for programs (:class:`InputRow`). Labels come from the texts that already name each field:
the proposal's assumption labels (``finance_fields``, ``pv_fields``, ``assumption_items``),
the app's input labels (:data:`APP_LABELS`, the keys its pages use for the same fields), and
``input_fields`` of ``data/report/<lang>.toml`` for fields neither names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pvplanner.display.messages import catalogue, translate
from pvplanner.display.names import name as reader_name
from pvplanner.display.names import template_name
from pvplanner.report.text import Texts
from pvplanner.result import Result

#: Field (dotted path without list positions) -> the app's label of that input
#: (``data/i18n/*.toml``, the keys the app's pages give the same field).
APP_LABELS: dict[str, str] = {
    "name": "site.scenario_name",
    "site.name": "site.company", "site.latitude": "site.location.latitude",
    "site.longitude": "site.location.longitude", "site.elevation_m": "site.location.elevation",
    "site.utc_offset_hours": "site.location.utc_offset", "site.country": "site.location.country",
    "site.province": "report.assumption_items.site_province", "site.city": "site.location.city",
    "weather.source": "site.weather.source", "weather.seed": "site.weather.seed",
    "roof_planes.name": "site.roof.name", "roof_planes.area_m2": "site.roof.area",
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

#: Top-level part of the scenario -> its category (the proposal's assumption categories
#: where one fits, else ``input_fields.cat_*``).
_CATEGORIES: dict[str, str] = {
    "": "input_fields.cat_scenario", "site": "assumptions.cat_site",
    "weather": "assumptions.cat_weather", "pv": "assumptions.cat_pv",
    "load": "assumptions.cat_load", "tariff": "assumptions.cat_tariff",
    "tariff.export": "assumptions.cat_export", "project": "assumptions.cat_project",
    "battery": "input_fields.cat_battery", "constraints": "assumptions.cat_optimizer",
    "finance": "assumptions.cat_finance", "carbon": "assumptions.cat_assets",
    "proposal": "input_fields.cat_proposal", "measures": "assumptions.cat_measures",
    "production": "assumptions.cat_footprint",
}

#: Fields whose text is a name (user text, places): shown in the reader's language where
#: the names table has it, else as typed.
_NAMES = frozenset({
    "name", "site.name", "site.country", "site.province", "site.city", "roof_planes.name",
    "tariff.export.province", "tariff.zone", "carbon.site_province", "carbon.site_city",
    "proposal.seller_company", "proposal.seller_contact", "proposal.preparer",
    "proposal.cover_note", "production.unit", "tariff.bill.source", "tariff.export.source",
})

#: Fields naming an uploaded file: the stored name is internal, the reader sees that a
#: file was used.
_FILES = frozenset({"weather.file", "load.meter_file", "proposal.logo_file"})

#: Choice fields -> the catalogue tables that name their choices, first match wins.
_CHOICES: dict[str, tuple[str, ...]] = {
    "weather.source": ("site.weather.sources",),
    "roof_planes.mounting": ("site.roof.mountings",),
    "pv.temperature_model": ("report.input_values.temperature_model",),
    "load.kind": ("load.kinds",),
    "load.meter_units": ("report.input_values.meter_units",),
    "tariff.buyer": ("tariff.buyer.kinds",),
    "tariff.basic_charge_basis": ("report.input_values.basic_charge_basis",),
    "tariff.export.kind": ("report.assumption_values",),
    "tariff.export.netting": ("report.input_values.netting",),
    "tariff.export.status": ("report.status",),
    "project.connection_mode": ("report.assumption_values",),
    "constraints.objective": ("report.objective",),
    "finance.tax_losses": ("report.tax_losses",),
    "finance.ownership": ("report.ownership",),
    "carbon.certificates": ("carbon.inputs.certificate_kinds",),
}

#: Number formats by how a field's name ends: shares stored as fractions show as percent,
#: fields already in percent carry the sign.
_FORMATS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("_percent", "_percent_per_c", "_percent_per_year"), '0.0##"%"'),
    (("_rate", "_fraction", "_self_consumption_ratio", "_share", "_efficiency"), "0.0##%"),
)
#: Fields whose name ends as a share does but are not one.
_NOT_SHARES = frozenset({"battery.max_c_rate"})

_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class InputRow:
    """One field of the scenario on the Inputs sheet.

    Attributes
    ----------
    category, label : str
        Where the field belongs and what it is, in the reader's language.
    shown : Any
        The value for the reader: a number (with :attr:`number_format`), or text in the
        reader's language.
    number_format : str
        Excel number format of a number ("" for text).
    path : str
        The field's dotted path (``roof_planes[0].tilt_deg``), for programs.
    stored : Any
        The value as the scenario stores it (a number, a text, JSON of a structure).
    """

    category: str
    label: str
    shown: Any
    number_format: str
    path: str
    stored: Any


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted paths of a JSON-like value: ``roof_planes[0].name`` -> value. Short lists of
    numbers become one text (``"1, 2, 3"``); a custom tariff stays one structure.

    Examples
    --------
    >>> flatten({"a": {"b": [1, 2]}, "c": [{"d": "x"}]})
    [('a.b', '1, 2'), ('c[0].d', 'x')]
    """
    if prefix == "tariff.custom" and value is not None:
        return [(prefix, value)]
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key, item in value.items():
            out += flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return out or [(prefix, "")]
    if isinstance(value, list):
        if value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) \
                and len(value) <= 24:
            return [(prefix, ", ".join(f"{v:g}" for v in value))]
        if all(isinstance(v, str) for v in value):
            return [(prefix, ", ".join(value))]
        out = []
        for i, item in enumerate(value):
            out += flatten(item, f"{prefix}[{i}]")
        return out or [(prefix, "")]
    return [(prefix, value)]


def field_of(path: str) -> str:
    """A path without its list positions: ``roof_planes[2].tilt_deg`` -> ``roof_planes.tilt_deg``."""
    return _INDEX.sub("", path)


def _known(key: str) -> bool:
    return key in catalogue()


def _message(key: str, lang: str, **values: Any) -> str | None:
    """The text of a catalogue key (``report.`` keys included), or None if there is none."""
    return translate(key, lang, **values) if _known(key) else None


def field_label(path: str, lang: str, currency: str = "CNY") -> str | None:
    """The reader's name of a scenario field, or None when no text names it.

    Examples
    --------
    >>> field_label("finance.discount_rate", "zh"), field_label("roof_planes[1].tilt_deg", "en")
    ('折现率', 'Roof tilt')
    """
    field = field_of(path)
    head, _, leaf = field.partition(".")
    cur = translate("report.input_fields.money_unit", lang) if currency == "CNY" else currency
    last = leaf.rpartition(".")[2]
    period_lists = re.fullmatch(r"(load\.monthly_period_kwh|tariff\.bill\.prices_per_kwh)\.(\w+)",
                                field)
    if period_lists:
        period = _message(f"report.tou_period.{period_lists.group(2)}", lang) \
            or period_lists.group(2)
        key = ("report.assumption_items.tariff_bill" if field.startswith("tariff")
               else "report.input_fields.load_monthly_period_kwh")
        return _message(key, lang, period=period)
    candidates = []
    if field in APP_LABELS:
        candidates.append(APP_LABELS[field])
    if head == "finance":
        candidates.append(f"report.finance_fields.{leaf}")
    if head == "pv" or head == "roof_planes":
        candidates.append(f"report.pv_fields.{last}")
    if head == "measures":
        candidates.append(f"report.measure_params.{last}")
    candidates += [f"report.assumption_items.{field.replace('.', '_')}",
                   f"report.input_fields.{field.replace('.', '_')}"]
    for key in candidates:
        text = _message(key, lang, cur=cur)
        if text is not None:
            return text
    return None


def category_label(path: str, lang: str) -> str:
    """The category of a field: its part of the scenario (a roof plane by its number)."""
    plane = re.match(r"roof_planes\[(\d+)\]", path)
    if plane:
        return translate("report.input_fields.cat_roof_plane", lang, n=int(plane.group(1)) + 1)
    measure = re.match(r"measures\[(\d+)\]", path)
    if measure:
        return translate("report.input_fields.cat_measure", lang, n=int(measure.group(1)) + 1)
    field = field_of(path)
    part = field.rpartition(".")[0]
    while part and part not in _CATEGORIES:
        part = part.rpartition(".")[0]
    return translate(f"report.{_CATEGORIES[part]}", lang)


def _number_format(field: str, value: float, texts: Texts) -> str:
    """The Excel number format of a field's value (counts of years carry the word)."""
    if field not in _NOT_SHARES:
        for endings, fmt in _FORMATS:
            if field.endswith(endings):
                return fmt
    if field.endswith("_years") and isinstance(value, int):
        return f'0" {texts("units.years")}"'
    if isinstance(value, int):
        return "0"
    return "#,##0" if abs(value) >= 1000 else "0.0###"


def _choice(field: str, value: str, lang: str) -> str | None:
    for table in _CHOICES.get(field, ()):
        text = _message(f"{table}.{value}", lang)
        if text is not None:
            return text
    return None


class _Lookups:
    """Names of what the ids of a scenario point to (data tables, the plan's own rows)."""

    def __init__(self, result: Result, lang: str) -> None:
        self.result, self.lang = result, lang

    def _named(self, table, row_id: str, name, unknown_key: str) -> str:
        """The name of a data table's row by its id; a missing id is said so, not shown."""
        row = table.loc[table["id"] == row_id]
        if row.empty:
            return translate(unknown_key, self.lang)
        return name(row.iloc[0].to_dict(), self.lang)

    def emission_factor(self, factor_id: str) -> str:
        from pvplanner.carbon.tables import emission_factor_table
        from pvplanner.display.names import emission_factor_name

        return self._named(emission_factor_table(), factor_id, emission_factor_name,
                           "carbon.inputs.unknown_factor")

    def carbon_asset(self, asset_id: str) -> str:
        from pvplanner.carbon.tables import load_carbon_assets
        from pvplanner.display.names import carbon_asset_name

        return self._named(load_carbon_assets(), asset_id, carbon_asset_name,
                           "carbon.inputs.unknown_asset")

    def footprint_factor(self, factor_id: str) -> str:
        from pvplanner.carbon.footprint import footprint_factor
        from pvplanner.errors import PlannerInputError

        try:
            factor = footprint_factor(factor_id)
        except PlannerInputError:  # an id the table no longer has: say so, show no id
            return translate("carbon.inputs.unknown_factor", self.lang)
        region = factor.region_zh if self.lang == "zh" and factor.region_zh else \
            reader_name(factor.region, self.lang)
        return translate("report.input_fields.footprint_factor_name", self.lang,
                         region=region, year=factor.data_year or "")

    def tariff(self, preset: str) -> str:
        row = self.result.assumption("tariff.preset")
        if row is not None and row.value not in (None, ""):
            return row.value_zh if self.lang == "zh" and row.value_zh else str(row.value)
        return translate("report.input_fields.named_tariff", self.lang)

    def measure(self, measure_id: str) -> str:
        for m in self.result.measures or ():
            if m.id == measure_id:
                return m.name_zh if self.lang == "zh" else m.name_en
        return translate("report.input_fields.unknown_measure", self.lang)

    def custom_tariff(self, tariff: Mapping[str, Any]) -> str:
        named = tariff.get("name_zh") if self.lang == "zh" else tariff.get("name")
        return str(named or tariff.get("name") or
                   translate("report.assumptions.tariff_custom", self.lang))


def _shown_text(field: str, value: str, lookups: _Lookups) -> str:
    """A text value in the reader's words."""
    lang = lookups.lang
    if value == "":
        return ""
    if field in _FILES:
        return translate("report.input_fields.uploaded_file", lang)
    if field in _NAMES:
        return reader_name(value, lang)
    if field == "currency" and value == "CNY":
        return translate("report.input_fields.money_unit", lang)
    if field == "load.template":
        return template_name(value, lang)
    if field in ("carbon.location_factor_id", "carbon.residual_factor_id",
                 "carbon.credit_factor_id"):
        return lookups.emission_factor(value)
    if field == "carbon.certificate_price_id":
        return lookups.carbon_asset(value)
    if field == "carbon.credit_scheme_ids":
        return "、".join(lookups.carbon_asset(v.strip()) for v in value.split(",")) \
            if lang == "zh" else "; ".join(lookups.carbon_asset(v.strip())
                                          for v in value.split(","))
    if field == "production.footprint_factor_id":
        return lookups.footprint_factor(value)
    if field == "tariff.preset":
        return lookups.tariff(value)
    if field == "measures.id":
        return lookups.measure(value)
    choice = _choice(field, value, lang)
    return value if choice is None else choice


def _row(path: str, value: Any, lookups: _Lookups, texts: Texts, currency: str) -> InputRow:
    lang, field = lookups.lang, field_of(path)
    label = field_label(path, lang, currency) or path
    category = category_label(path, lang)
    if field == "tariff.custom":
        return InputRow(category, label, lookups.custom_tariff(value), "", path,
                        json.dumps(value, ensure_ascii=False, default=str))
    if isinstance(value, bool):
        words = translate(f"report.assumption_values.{str(value).lower()}", lang)
        return InputRow(category, label, words, "", path, value)
    if isinstance(value, (int, float)):
        return InputRow(category, label, value, _number_format(field, value, texts), path, value)
    text = "" if value is None else str(value)
    # A file's stored value is a path on the server: it stays there, even in hidden cells.
    stored = "" if field in _FILES else text
    return InputRow(category, label, _shown_text(field, text, lookups), "", path, stored)


def input_rows(result: Result, texts: Texts) -> Iterator[InputRow]:
    """The rows of the Inputs sheet: every field of the plan's scenario that has a value."""
    lookups = _Lookups(result, texts.lang)
    for path, value in flatten(result.inputs):
        if value is None:
            continue
        yield _row(path, value, lookups, texts, result.currency)


__all__ = ["APP_LABELS", "InputRow", "category_label", "field_label", "field_of", "flatten",
           "input_rows"]
