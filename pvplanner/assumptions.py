"""The record of every input a plan resolved: :attr:`pvplanner.Result.assumptions`.

A proposal is only as good as its worst number, and a customer's accountant must be able to
trace each one. :func:`plan_assumptions` lists what the plan actually used — the tariff
version with its time-of-use hours, ratios and holiday rules, the export rule and the price
it applied, the emission factors, each finance and PV default — with unit, source, date and
status, so the app, the proposal and the CLI state those rows instead of re-deriving them
from the scenario.

A default is reported with its data-table source only while the scenario still holds the
default value; a changed value is the user's (status ``user``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pvplanner.carbon.accounting import (
    EmissionFactor,
    carbon_asset,
    carbon_defaults,
    grid_factor_decline,
    location_factor_for,
)
from pvplanner.errors import PlannerInputError
from pvplanner.finance.inputs import finance_defaults
from pvplanner.pv.models import pv_defaults
from pvplanner.result import Assumption
from pvplanner.result_records import FootprintSummary, MeasureResult
from pvplanner.scenario.model import Scenario
from pvplanner.scenario.province import site_province
from pvplanner.tariff.category import ProjectRules
from pvplanner.tariff.components import weakest_status
from pvplanner.tariff.export import ExportTerms
from pvplanner.tariff.model import Tariff

__all__ = [
    "TOU_ORDER",
    "ResolvedInputs",
    "battery_limit_rows",
    "clock",
    "field_unit",
    "footprint_rows",
    "measure_rows",
    "month_span_text",
    "period_price_ranges",
    "period_runs",
    "plan_assumptions",
    "tou_day_text",
    "tou_rows",
]

USER_INPUT = "user input"
#: Why a two-part tariff's basic charge is billed on maximum demand when not chosen.
BASIS_DEFAULT = ("maximum demand unless capacity is chosen: the user picks one and may change it "
                 "quarterly (发改办价格〔2016〕1583号)")
#: Where a start date the scenario did not give comes from.
PLAN_DAY = "the day the plan is made (the scenario gives no start date)"
#: Where a tariff's first day comes from: the version the row above names and cites.
VERSION_DAY = "first day of the tariff version above"
#: Where a customer class comes from when none of the tariff's sources is its rule.
AS_TARIFF = "as the tariff above"
#: The national rule that decides who is billed single-part (general C&I) or two-part
#: (large industry) by transformer size, as the tariff versions cite it.
CLASS_RULE = "526号"
#: Where an elevation the weather data did not give comes from.
ALTITUDE_GRID = ("pvlib's global altitude grid at the site (pvlib.location.lookup_altitude): "
                 "an estimate, not a survey")

#: Name endings -> unit of a finance or PV field (first match wins; ``{cur}`` = currency).
_UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_per_kwp_year", "{cur}/kWp/year"),
    ("_per_kwh_year", "{cur}/kWh/year"),
    ("_per_kw_year", "{cur}/kW/year"),
    ("_per_kwp", "{cur}/kWp"),
    ("_per_kwh", "{cur}/kWh"),
    ("_per_kw", "{cur}/kW"),
    ("_per_year", "{cur}/year"),
    ("_percent_per_c", "%/°C"),
    ("_percent", "%"),
    ("_rate", "fraction/year"),
    ("_fraction", "fraction"),
    ("_years", "years"),
    ("_year", "year"),
    ("_w_m2", "W/m²"),
    ("_deg", "°"),
    ("_kwh", "kWh"),
    ("_kw", "kW"),
)


def field_unit(name: str, currency: str) -> str:
    """Unit of a field from its name's ending (``discount_rate`` -> ``fraction/year``).

    Examples
    --------
    >>> field_unit("om_cost_per_kwp_year", "CNY")
    'CNY/kWp/year'
    >>> field_unit("dc_ac_ratio", "CNY")
    ''
    """
    if name.endswith("tax_rate"):  # a share of taxable income, not a rate per year
        return "fraction"
    for suffix, unit in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit.format(cur=currency)
    if "capex" in name or name.endswith(("_cost", "_payment")):
        return currency
    return ""


@dataclass(frozen=True)
class ResolvedInputs:
    """What the pipeline resolved from a scenario, as the plan used it.

    Attributes
    ----------
    tariff : Tariff
        The tariff priced, with the applied export rule.
    export : ExportTerms
        What that export rule paid.
    location_factor, residual_factor : EmissionFactor
        Grid factors for location- and market-based accounting.
    weather : Mapping
        The weather dataset's description (``WeatherMeta.to_dict()``).
    utc_offset_hours, elevation_m : float
        The time axis' offset and the elevation the PV model used.
    load_kwh : float
        Annual consumption of the load the plan used [kWh].
    load_interval_minutes : int
        Step of the load as given.
    period_prices : Mapping
        Time-of-use period -> (lowest, highest) import price applied in it over the year
        [currency/kWh] (seasons and holidays may differ).
    tariff_rows : tuple of dict
        The tariff version's own rows (components, charges, each with source, validity and
        status) from :meth:`pvplanner.tariff.ResolvedTariff.assumption_rows`.
    project : ProjectRules, optional
        Category, grid-connection mode, capacity limit and minimum self-consumption share
        (国能发新能规〔2025〕7号).
    measures : tuple of MeasureResult
        The saving measures the plan applied (``Result.measures``).
    footprint : FootprintSummary, optional
        The product footprint (``Result.footprint``).
    battery_max_energy_kwh : float, optional
        The battery energy limit the optimizer was given (``Result.battery.max_energy_kwh``).
    binding_limits : tuple of str
        The limits the design reached (``Result.solver.binding_limits``).
    """

    tariff: Tariff
    export: ExportTerms
    location_factor: EmissionFactor
    residual_factor: EmissionFactor
    weather: Mapping[str, Any]
    utc_offset_hours: float
    elevation_m: float
    load_kwh: float
    load_interval_minutes: int
    period_prices: Mapping[str, tuple[float, float]]
    tariff_rows: tuple[Mapping[str, Any], ...] = ()
    project: ProjectRules | None = None
    measures: tuple[MeasureResult, ...] = ()
    footprint: FootprintSummary | None = None
    battery_max_energy_kwh: float | None = None
    binding_limits: tuple[str, ...] = ()


def plan_assumptions(scenario: Scenario, resolved: ResolvedInputs) -> list[Assumption]:
    """Every resolved input of a plan, in the order a reader checks them.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    resolved : ResolvedInputs
        What the pipeline resolved and used.

    Returns
    -------
    list of Assumption
    """
    rows: list[Assumption] = []
    rows += _site_rows(scenario, resolved)
    rows += _weather_rows(resolved.weather)
    rows += _load_rows(scenario, resolved)
    rows += measure_rows(scenario, resolved.measures)
    rows += _tariff_rows(scenario, resolved.tariff, resolved.period_prices,
                         resolved.tariff_rows)
    rows += _export_rows(scenario, resolved.export)
    rows += _project_rows(scenario, resolved.project)
    rows += _carbon_rows(scenario, resolved)
    rows += footprint_rows(scenario, resolved.footprint)
    rows += _finance_rows(scenario)
    rows += _pv_rows(scenario)
    rows += _optimizer_rows(scenario)
    rows += battery_limit_rows(scenario, resolved.battery_max_energy_kwh, resolved.load_kwh,
                               resolved.binding_limits)
    return rows


# --------------------------------------------------------------------------- helpers
def _user(category: str, item: str, value: Any, unit: str = "") -> Assumption:
    return Assumption(category, item, value, unit, USER_INPUT, "", "user")


def _default_or_user(category: str, item: str, value: Any, unit: str,
                     entry: Any) -> Assumption:
    """A row sourced from a data-table default while ``value`` equals it, else the user's."""
    if isinstance(entry, Mapping) and "value" in entry and _same(entry["value"], value):
        date = entry.get("date") or entry.get("year") or ""
        return Assumption(category, item, value, unit, str(entry.get("source", "")),
                          str(date), str(entry.get("status", "")))
    return _user(category, item, value, unit)


def _same(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return default == value
    if isinstance(default, (int, float)) and isinstance(value, (int, float)):
        return math.isclose(float(default), float(value), rel_tol=1e-9, abs_tol=1e-12)
    return bool(default == value)


# --------------------------------------------------------------------------- groups
def _site_rows(scenario: Scenario, resolved: ResolvedInputs) -> list[Assumption]:
    site = scenario.site
    offset_source = (USER_INPUT, "user") if site.utc_offset_hours is not None else (
        "standard time of the site's time zone (IANA database via timezonefinder)", "derived")
    if site.elevation_m is not None:
        elevation_source = (USER_INPUT, "user")
    elif resolved.weather.get("elevation_source") == "altitude_grid":
        elevation_source = (ALTITUDE_GRID, "derived")
    else:
        elevation_source = (f"weather dataset: {resolved.weather.get('dataset', '')}", "derived")
    rows = [
        _user("site", "site.latitude", site.latitude, "°N"),
        _user("site", "site.longitude", site.longitude, "°E"),
        Assumption("site", "site.utc_offset_hours", resolved.utc_offset_hours, "h",
                   offset_source[0], "", offset_source[1]),
        Assumption("site", "site.elevation_m", resolved.elevation_m, "m",
                   elevation_source[0], "", elevation_source[1]),
    ]
    if site.province:
        rows.append(_user("site", "site.province", site.province))
    return rows


def _weather_rows(weather: Mapping[str, Any]) -> list[Assumption]:
    dataset = str(weather.get("dataset") or weather.get("source") or "")
    source = str(weather.get("attribution") or weather.get("source") or "")
    status = "model" if weather.get("source") == "synthetic" else "secondary"
    rows = [Assumption("weather", "weather.dataset", dataset, "", source,
                       str(weather.get("years") or ""), status)]
    if weather.get("station"):
        rows.append(Assumption("weather", "weather.station", str(weather["station"]), "",
                               source, "", status))
    if weather.get("distance_km") is not None:
        rows.append(Assumption("weather", "weather.distance_km", float(weather["distance_km"]),
                               "km", "great-circle distance from the site", "", "derived"))
    return rows


def _load_rows(scenario: Scenario, resolved: ResolvedInputs) -> list[Assumption]:
    load = scenario.load
    rows = [_user("load", "load.kind", load.kind)]
    if load.kind == "meter_file" and load.meter_file:
        rows.append(_meter_file_row(load.meter_file_name))
    else:
        rows.append(_user("load", "load.template", load.template))
    # The year's energy as the load gives it: typed, or summed from the bills or the meter.
    annual_source, annual_status = {
        "bills": ("sum of the monthly bills entered", "derived"),
        "meter_file": ("sum of the meter file's readings placed on the typical year's days "
                       "(a note of the plan gives the file's own total where it differs)",
                       "derived"),
    }.get(load.kind, (USER_INPUT, "user"))
    rows.append(Assumption("load", "load.annual_kwh", resolved.load_kwh, "kWh",
                           annual_source, "", annual_status))
    rows.append(Assumption("load", "load.interval_minutes", resolved.load_interval_minutes,
                           "min", USER_INPUT, "", "user"))
    return rows


def _meter_file_row(name: str | None) -> Assumption:
    """The meter file as its user named it on upload (``load.meter_file_name``). A scenario
    that kept no such name (saved before it was kept, or written by hand) says "the uploaded
    meter file" in the reader's language: the stored name is a hash, its folder the server's,
    and neither may reach a reader."""
    if name:
        return _user("load", "load.meter_file", _file_name(name))
    from pvplanner.display.messages import translate

    return Assumption("load", "load.meter_file", translate("site.files.meter_unnamed", "en"),
                      "", USER_INPUT, "", "user",
                      value_zh=translate("site.files.meter_unnamed", "zh"))


def _file_name(path: str) -> str:
    """The file's own name, never the folder it sits in on a server."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _tariff_rows(scenario: Scenario, tariff: Tariff,
                 period_prices: Mapping[str, tuple[float, float]],
                 version_rows: tuple[Mapping[str, Any], ...]) -> list[Assumption]:
    """The tariff: its version (or the user's own prices), the components and charges with
    their sources, and the import price applied in each time-of-use period."""
    custom = scenario.tariff.custom is not None
    source = USER_INPUT if custom else tariff.source
    status = "user" if custom or tariff.status == "user" else tariff.status
    date = "" if tariff.effective_date is None else tariff.effective_date.isoformat()
    # The first day and the class each cite what supports them; the tariff row keeps every
    # source of the version.
    class_source = USER_INPUT if custom else _class_rule(tariff.source)
    rows = [
        Assumption("tariff", "tariff.preset", tariff.name, "", source, date, status,
                   value_zh=tariff.name_zh or None),
        Assumption("tariff", "tariff.effective_date", date, "",
                   USER_INPUT if custom else VERSION_DAY, date, status),
        Assumption("tariff", "tariff.customer_class", tariff.customer_class, "", class_source,
                   "" if CLASS_RULE in class_source else date, status),
    ]
    for row in version_rows:
        if row["item"] == "tariff.custom":  # its value is the tariff's id: stated above
            continue
        if row["item"] == "tariff.version":
            # The version's id is internal: its first day and validity say which it is.
            rows[0] = Assumption("tariff", "tariff.preset", tariff.name, "", row["source"],
                                 row["date"], row["status"], value_zh=row.get("value_zh"))
            continue
        rows.append(Assumption(**{**row, "category": "tariff"}))
    if tariff.demand_charges and tariff.capacity_charge is not None:
        # A two-part tariff lists both basic charges: which one the plan bills.
        chosen = scenario.tariff.basic_charge_basis is not None
        rows.append(Assumption("tariff", "tariff.basic_charge_basis", tariff.basic_charge_basis,
                               "", USER_INPUT if chosen else BASIS_DEFAULT, "",
                               "user" if chosen else "model"))
    if any(row["item"] == "tariff.version" for row in version_rows):
        rows += tou_rows(tariff)
    for period, (low, high) in period_prices.items():
        rows.append(Assumption(
            "tariff", f"tariff.price.{period}",
            round(low, 6) if math.isclose(low, high) else f"{low:.4f}-{high:.4f}",
            f"{tariff.currency}/kWh",
            "applied by the plan: the tariff's components and time-of-use ratios",
            date, "derived"))
    if not any(row["item"] == "tariff.version" for row in version_rows):
        # A custom tariff: its charges as typed.
        for i, charge in enumerate(tariff.demand_charges):
            rates = [tier.rate_per_kw_month for tier in charge.tiers] or [
                charge.rate_per_kw_month]
            for rate in rates:
                rows.append(Assumption("tariff", f"tariff.demand_charge.{i}", float(rate),
                                       f"{tariff.currency}/kW/month", source, date, status))
        if tariff.capacity_charge is not None and tariff.basic_charge_basis == "capacity":
            rows.append(Assumption("tariff", "tariff.capacity_charge",
                                   float(tariff.capacity_charge.rate_per_kva_month),
                                   f"{tariff.currency}/kVA/month", source, date, status))
    return rows


# --------------------------------------------------------------------------- time of use
#: Time-of-use periods from the dearest to the cheapest (the order a reader reads them in).
TOU_ORDER: tuple[str, ...] = ("sharp", "peak", "flat", "valley", "deep_valley")
_MINUTES_PER_DAY = 24 * 60
#: Unicode ideographs: the Chinese words some English labels of the data carry beside the
#: English (``holiday deep valley 深谷``), left out of the English text.
_HAN_WORDS = re.compile(r"\s*[\u4e00-\u9fff]+")


def _minutes(value: str | int) -> int:
    """``"07:30"`` -> 450; a bare integer is a whole hour (``7`` -> 420)."""
    if isinstance(value, int):
        return value * 60
    hours, _, minutes = str(value).partition(":")
    return int(hours) * 60 + int(minutes or 0)


def _day_slots(schedule: Sequence[Any]) -> list[str]:
    """The period of each quarter hour of a day (96 names) from a season's schedule: a list
    of blocks (an end before its start wraps past midnight) or 24 / 48 / 96 period names."""
    if schedule and all(isinstance(entry, str) for entry in schedule):
        width = 96 // len(schedule)
        return [str(name) for name in schedule for _ in range(width)]
    slots = [""] * 96
    for block in schedule:
        start, end = _minutes(block.start) // 15, _minutes(block.end) // 15
        for slot in (range(start, end) if end > start else [*range(start, 96), *range(end)]):
            slots[slot] = str(block.period)
    return slots


def period_runs(periods: Sequence[str], step_minutes: int) -> dict[str, list[tuple[int, int]]]:
    """The runs of each time-of-use period over one day.

    Parameters
    ----------
    periods : sequence of str
        Period of every step of the day, from midnight (24 hourly or 96 quarter-hourly...).
    step_minutes : int
        Length of a step [min].

    Returns
    -------
    dict
        Period -> its runs ``(start, end)`` in minutes after midnight, periods from the
        dearest to the cheapest (:data:`TOU_ORDER`, others after them); a run through
        midnight is one run whose end is before its start.

    Examples
    --------
    >>> period_runs(["valley"] * 7 + ["flat"] * 15 + ["valley"] * 2, 60)
    {'flat': [(420, 1320)], 'valley': [(1320, 420)]}
    """
    runs: dict[str, list[tuple[int, int]]] = {}
    start = 0
    for i, period in enumerate(periods):
        if i + 1 == len(periods) or periods[i + 1] != period:
            runs.setdefault(str(period), []).append((start * step_minutes,
                                                     (i + 1) * step_minutes))
            start = i + 1
    for period, spans in runs.items():
        if len(spans) > 1 and spans[0][0] == 0 and spans[-1][1] == _MINUTES_PER_DAY:
            runs[period] = [(spans[-1][0], spans[0][1]), *spans[1:-1]]
    rank = {period: i for i, period in enumerate(TOU_ORDER)}
    return dict(sorted(runs.items(), key=lambda item: rank.get(item[0], len(rank))))


def clock(minutes: int) -> str:
    """Minutes after midnight as ``HH:MM`` (1440 -> ``24:00``).

    Examples
    --------
    >>> clock(450), clock(1440)
    ('07:30', '24:00')
    """
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _period_names(lang: str) -> dict[str, str]:
    from pvplanner.display.messages import translate

    return {period: translate(f"report.tou_period.{period}", lang) for period in TOU_ORDER}


def tou_day_text(runs: Mapping[str, Sequence[tuple[int, int]]], lang: str) -> str:
    """A day's time-of-use hours in words, each period with its hours.

    Examples
    --------
    >>> tou_day_text({"peak": [(960, 1380)], "valley": [(0, 420), (660, 840)]}, "en")
    'peak 16:00-23:00; valley 00:00-07:00, 11:00-14:00'
    >>> tou_day_text({"peak": [(960, 1380)], "valley": [(0, 420), (660, 840)]}, "zh")
    '高峰 16:00-23:00；低谷 00:00-07:00、11:00-14:00'
    """
    names = _period_names(lang)
    comma, semicolon = ("、", "；") if lang == "zh" else (", ", "; ")
    return semicolon.join(
        f"{names.get(period, period)} "
        + comma.join(f"{clock(start)}-{clock(end)}" for start, end in spans)
        for period, spans in runs.items())


def month_span_text(months: Sequence[int], lang: str) -> str:
    """Months as runs (``Feb-Jun, Sep-Nov`` / ``2-6月、9-11月``).

    Examples
    --------
    >>> month_span_text([1, 7, 8, 12], "en"), month_span_text([2, 3, 4, 5, 6, 9], "zh")
    ('Jan, Jul-Aug, Dec', '2-6月、9月')
    """
    from pvplanner.display.messages import catalogue

    names = catalogue()["report.month.short"]["en"]
    spans: list[list[int]] = []
    for month in sorted(set(months)):
        if spans and month == spans[-1][-1] + 1:
            spans[-1].append(month)
        else:
            spans.append([month])
    if lang == "zh":
        return "、".join(f"{s[0]}月" if len(s) == 1 else f"{s[0]}-{s[-1]}月" for s in spans)
    return ", ".join(names[s[0] - 1] if len(s) == 1 else f"{names[s[0] - 1]}-{names[s[-1] - 1]}"
                     for s in spans)


def _cited(rule: Any) -> str:
    """A rule's source, with the reason where it is unverified (as the component rows)."""
    return rule.source + (f" (unverified: {rule.unverified_reason})"
                          if rule.status == "unverified" else "")


def tou_rows(tariff: Tariff) -> list[Assumption]:
    """The time-of-use rules a preset tariff priced with: the hours of each season, the
    price ratios of the periods and each holiday or seasonal rule that applied to the user,
    each with its own source (an unverified one with its reason), validity and status.

    Parameters
    ----------
    tariff : Tariff
        A preset's version as the plan used it (``Tariff.id`` the preset id; its seasons,
        the ratios after any variant for small users, the overrides that apply).

    Returns
    -------
    list of Assumption
        ``tariff.tou_hours``, ``tariff.tou_ratios`` and ``tariff.tou_override.<n>`` for each
        rule that applied (n from 0), values in English with ``value_zh``; none for a tariff
        that is not a preset's.

    Examples
    --------
    >>> from pvplanner.tariff import load_tariff_preset
    >>> rows = tou_rows(load_tariff_preset("zhejiang_2026_large_industry"))
    >>> [row.item for row in rows][:2], rows[1].value
    (['tariff.tou_hours', 'tariff.tou_ratios'], 'critical peak 2.05, peak 1.85, flat 1, valley 0.4, deep valley 0.2')
    >>> rows[0].value_zh.split(" | ")[1].split("：")[0]
    '1月、7-8月、12月'
    """
    from pvplanner.tariff.versions import preset_file

    try:
        preset = preset_file(tariff.id)
    except PlannerInputError:  # a custom tariff: its hours are the user's
        return []
    hours = [(season.months, period_runs(_day_slots(season.workday), 15))
             for season in tariff.seasons]
    values = {lang: " | ".join(f"{month_span_text(months, lang)}{sep}{tou_day_text(runs, lang)}"
                               for months, runs in hours)
              for lang, sep in (("en", ": "), ("zh", "："))}
    rows = [Assumption("tariff", "tariff.tou_hours", values["en"], "", _cited(preset.hours),
                       preset.hours.validity, preset.hours.status, value_zh=values["zh"])]
    ratios = dict(tariff.prices.ratios)
    # The ratios of a variant for small users replace the general ones where they apply.
    used = [preset.ratios, *(variant for variant in preset.ratio_variants
                             if all(math.isclose(ratios.get(k, -1.0), v)
                                    for k, v in variant.ratios.items())
                             and any(not math.isclose(preset.ratios.ratios.get(k, -1.0), v)
                                     for k, v in variant.ratios.items()))]
    rank = {period: i for i, period in enumerate(TOU_ORDER)}
    ordered = sorted(ratios.items(), key=lambda item: rank.get(item[0], len(rank)))
    names = {lang: _period_names(lang) for lang in ("en", "zh")}
    ratio_text = {lang: ("、" if lang == "zh" else ", ").join(
        f"{names[lang].get(period, period)} {value:g}" for period, value in ordered)
        for lang in ("en", "zh")}
    rows.append(Assumption("tariff", "tariff.tou_ratios", ratio_text["en"], "",
                           " | ".join(_cited(rule) for rule in used),
                           used[-1].validity, weakest_status(rule.status for rule in used),
                           value_zh=ratio_text["zh"]))
    applied = {override.label for override in tariff.overrides}
    for rule in (rule for rule in preset.overrides if rule.label in applied):
        covered = period_runs(_day_slots(rule.blocks), 15)
        covered.pop("", None)  # the hours the rule leaves to the season
        runs = {lang: tou_day_text(covered, lang) for lang in ("en", "zh")}
        label_en = _HAN_WORDS.sub("", rule.label).strip()
        rows.append(Assumption("tariff", f"tariff.tou_override.{len(rows) - 2}",
                               f"{label_en}: {runs['en']}", "", _cited(rule), rule.validity,
                               rule.status, value_zh=f"{rule.label_zh or label_en}：{runs['zh']}"))
    return rows


def _class_rule(source: str) -> str:
    """The one of a tariff's `` | ``-joined sources that cites the rule deciding its customer
    class (:data:`CLASS_RULE`), else :data:`AS_TARIFF`.

    Examples
    --------
    >>> _class_rule("发改价格〔2023〕526号: >= 315 kVA two-part | 浙发改价格〔2026〕112号: hours")
    '发改价格〔2023〕526号: >= 315 kVA two-part'
    >>> _class_rule("a utility's rate sheet")
    'as the tariff above'
    """
    return next((part.strip() for part in source.split(" | ") if CLASS_RULE in part),
                AS_TARIFF)


def _export_rows(scenario: Scenario, terms: ExportTerms) -> list[Assumption]:
    currency = scenario.currency
    rows = [Assumption("export", "export.rule", terms.kind, "", terms.source or USER_INPUT,
                       terms.date, terms.status or "user")]
    if terms.price_per_kwh is not None:
        rows.append(Assumption("export", "export.price_per_kwh", terms.price_per_kwh,
                               f"{currency}/kWh", terms.source or USER_INPUT, terms.date,
                               terms.status or "user"))
    elif terms.mean_price_per_kwh is not None:
        rows.append(Assumption("export", "export.mean_price_per_kwh", terms.mean_price_per_kwh,
                               f"{currency}/kWh", terms.source or USER_INPUT, terms.date,
                               terms.status or "user"))
    if terms.province:
        rows.append(Assumption("export", "export.province", terms.province, "", terms.source,
                               terms.date, terms.status, value_zh=terms.province_zh or None))
    limit = scenario.constraints.export_limit_kw
    if limit is not None:
        rows.append(_user("export", "export.limit_kw", float(limit), "kW"))
    return rows


def _project_rows(scenario: Scenario, project: ProjectRules | None) -> list[Assumption]:
    """The project's category, connection voltage and mode, capacity limit, minimum
    self-consumption share and (large C&I) spot-market status, each with its rule."""
    row = project.category if project is not None else None
    if project is None or row is None:
        return []
    voltage = scenario.project.grid_voltage_kv
    how = (f"connected at {voltage:g} kV, the grid connection voltage the scenario gives"
           if voltage is not None
           else "no connection voltage given: 10 kV (20 kV) or below assumed")
    rows = [Assumption("project", "project.category", row.category, "", f"{how}; {row.source}",
                       row.date, row.status if voltage is not None else "unverified",
                       value_zh=row.name_zh)]
    if voltage is not None:
        rows.append(_user("project", "project.grid_voltage_kv", float(voltage), "kV"))
    else:
        rows.append(Assumption(
            "project", "project.grid_voltage_kv", "assumed_low_voltage", "",
            "grid connection voltage not given in the scenario; most rooftop C&I plants "
            "connect at 10 kV or below", "", "unverified"))
    chosen = scenario.project.connection_mode is not None
    rows.append(Assumption("project", "project.connection_mode", project.mode, "",
                           project.mode_reason, row.date, "user" if chosen else "derived"))
    basis = {"dc": "module (DC) kWp", "ac": "inverter (AC) kW"}.get(row.capacity_basis,
                                                                    row.capacity_basis)
    why = (f"; counted as {basis} (unverified: {row.capacity_basis_reason})"
           if row.capacity_basis_status == "unverified" else f"; counted as {basis}")
    rows.append(Assumption("project", "project.capacity_limit_kwp", project.capacity_limit_kwp,
                           "kWp", row.source + why, row.date,
                           weakest_status([row.status, row.capacity_basis_status])))
    if project.capacity_binding:
        rows.append(Assumption("project", "project.capacity_limit_binding", True, "",
                               "the sized design sits on the limit", "", "derived"))
    share, rule = project.min_self_consumption_share, project.province_share
    if share is not None:
        rows.append(Assumption("project", "project.min_self_consumption_share", share,
                               "fraction", project.share_source, project.share_date,
                               project.share_status))
    elif rule is not None:
        rows.append(Assumption("project", "project.min_self_consumption_share", "unknown", "",
                               f"{rule.source} (unverified: {rule.reason})", rule.date,
                               rule.status))
    spot = project.spot_market
    if spot is not None:
        if project.spot_market_source == "user":
            rows.append(_user("project", "project.spot_market_continuous",
                              project.spot_market_continuous))
        else:
            reason = f" (unverified: {spot.reason})" if spot.reason else ""
            rows.append(Assumption("project", "project.spot_market_continuous",
                                   project.spot_market_continuous, "", spot.source + reason,
                                   spot.date, spot.status))
    return rows


def _factor_row(item: str, factor: EmissionFactor) -> Assumption:
    return Assumption("emission", item, factor.factor_tco2_per_mwh, "tCO2/MWh",
                      f"{factor.region}: {factor.source}", str(factor.data_year or ""),
                      factor.status)


def _carbon_rows(scenario: Scenario, resolved: ResolvedInputs) -> list[Assumption]:
    c = scenario.carbon
    defaults = carbon_defaults()
    location = resolved.location_factor
    # Which factor and why: named by the scenario, or the default of the province the plan
    # follows (the nearest city's for a site without one, as in the plan).
    choice = location_factor_for(site_province(scenario)[0], c.location_factor_id)
    why = f"{choice.reason}; " if choice.factor.id == location.id else ""
    rows = [
        Assumption("emission", "carbon.location_factor", location.factor_tco2_per_mwh,
                   "tCO2/MWh", f"{why}{location.region}: {location.source}",
                   str(location.data_year or ""), location.status),
        _factor_row("carbon.residual_factor", resolved.residual_factor),
        _default_or_user("emission", "carbon.grid_factor_decline_percent_per_year",
                         float(c.grid_factor_decline_percent_per_year), "%/year",
                         grid_factor_decline()),
        _default_or_user("assets", "carbon.certificates", c.certificates, "",
                         defaults.get("certificates")),
    ]
    asset = carbon_asset(c.certificate_price_id, field="carbon.certificate_price_id")
    if c.certificate_price_per_mwh is not None:
        rows.append(_user("assets", "carbon.certificate_price", float(c.certificate_price_per_mwh),
                          f"{scenario.currency}/MWh"))
    elif asset.get("price", ""):
        rows.append(Assumption("assets", "carbon.certificate_price", float(asset["price"]),
                               str(asset.get("unit", "")),
                               str(asset.get("source", "")), str(asset.get("price_date", "")),
                               str(asset.get("status", ""))))
    else:  # a certificate without a reference price (I-REC, which left China in 2024)
        rows.append(Assumption("assets", "carbon.certificate_price", "none", "",
                               str(asset.get("source", "")), "", str(asset.get("status", "")),
                               value_zh="无参考价格"))
    for scheme_id in c.credit_scheme_ids:
        scheme = carbon_asset(scheme_id, field="carbon.credit_scheme_ids")
        rows.append(Assumption("assets", "carbon.credit_scheme", str(scheme.get("scheme", "")),
                               "", str(scheme.get("source", "")),
                               str(scheme.get("price_date", "")), str(scheme.get("status", "")),
                               value_zh=scheme.get("name_zh") or None))
    return rows


def _finance_rows(scenario: Scenario) -> list[Assumption]:
    f = scenario.finance
    defaults = finance_defaults()
    # The day the cash flows start from (and the tariff version and export rule in force).
    start = scenario.analysis_start().isoformat()
    rows = [_user("finance", "start_date", start) if scenario.start_date is not None else
            Assumption("finance", "start_date", start, "", PLAN_DAY, "", "model")]
    for name in type(f).model_fields:
        value = getattr(f, name)
        if value is None or _skip_finance(name, f):
            continue
        rows.append(_default_or_user("finance", f"finance.{name}", value,
                                     field_unit(name, scenario.currency), defaults.get(name)))
    return rows


def _skip_finance(name: str, f: Any) -> bool:
    """Fields that play no part under the chosen ownership and options."""
    if name in ("emc_discount_percent",) and f.ownership != "emc":
        return True
    if name in ("lease_rate", "lease_payment_per_year") and f.ownership != "lease":
        return True
    if name == "contract_years" and f.ownership == "owner":
        return True
    if name in ("debt_rate", "debt_tenor_years") and f.debt_fraction == 0:
        return True
    if name == "generation_subsidy_years" and f.generation_subsidy_per_kwh == 0:
        return True
    return name == "tax_loss_carry_forward_years" and f.tax_losses != "carry_forward"


def _pv_rows(scenario: Scenario) -> list[Assumption]:
    defaults = pv_defaults()
    pv = scenario.pv
    rows = []
    for name in type(pv.losses).model_fields:
        value = getattr(pv.losses, name)
        rows.append(_default_or_user("pv", f"pv.losses.{name}", value, "%",
                                     defaults.get("losses", {}).get(name.removesuffix("_percent"))))
    rows.append(Assumption("pv", "pv.losses.total_percent", pv.losses.total_percent, "%",
                           "PVWatts: 100 (1 - Π(1 - loss/100))", "", "derived"))
    for name in ("dc_ac_ratio", "inverter_efficiency_percent",
                 "temperature_coefficient_percent_per_c", "albedo",
                 "degradation_first_year_percent", "degradation_annual_percent"):
        rows.append(_default_or_user("pv", f"pv.{name}", getattr(pv, name),
                                     field_unit(name, scenario.currency),
                                     defaults.get("system", {}).get(name)))
    for name in ("module_power_density_w_m2", "usable_fraction"):
        values = {getattr(plane, name) for plane in scenario.roof_planes}
        if len(values) == 1:
            rows.append(_default_or_user("pv", f"roof.{name}", values.pop(),
                                         field_unit(name, scenario.currency),
                                         defaults.get("roof_plane", {}).get(name)))
    return rows


def _optimizer_rows(scenario: Scenario) -> list[Assumption]:
    c = scenario.constraints
    return [
        _user("optimizer", "constraints.objective", c.objective),
        _user("optimizer", "constraints.solver_time_limit_s", float(c.solver_time_limit_s), "s"),
        _user("optimizer", "battery.allowed", bool(scenario.battery.allowed)),
    ]


# --------------------------------------------------------------------------- outcome inputs
#: A measure's effect parameters: unit of each.
_MEASURE_UNITS = {"end_use_share": "fraction", "saving_fraction": "fraction",
                  "shift_fraction": "fraction", "cut_kw": "kW"}
#: Unit of a catalogue cost by its basis (``{cur}`` = currency).
_COST_UNITS = {"per_annual_kwh": "{cur}/(kWh/year)", "per_kw": "{cur}/kW", "per_site": "{cur}"}
#: What a measure's effect does to the load (the value of its first row), in both languages.
_EFFECTS = {
    "share": ("a share of the load saved in its hours", "在其作用时段按用电比例节省"),
    "kw_cut": ("a fixed power switched off in its hours", "在其作用时段关停固定功率"),
    "shift": ("load moved from peak to valley hours of the same day", "当日高峰负荷转移至低谷"),
}
FROM_LOAD_DATA = ("derived: the company's own load data (load analytics: off-hours baseload "
                  "above the standby a site of its size needs)")


def measure_rows(scenario: Scenario, measures: tuple[MeasureResult, ...] | list[MeasureResult]
                 ) -> list[Assumption]:
    """The inputs of each saving measure the plan applied (category ``measures``).

    Per measure: the measure itself (its effect with its source, date and status), each effect
    parameter (the catalogue's, the scenario's or the company's load data), the catalogue's
    unit cost, the investment and the service life.

    Parameters
    ----------
    scenario : Scenario
        Its ``measures`` choices say which cost and life the user set.
    measures : sequence of MeasureResult
        ``Result.measures``, in the order applied.
    """
    from pvplanner.load.measures import measure_catalogue

    choices = {choice.id: choice for choice in scenario.measures}
    catalogue = measure_catalogue()
    currency = scenario.currency
    rows: list[Assumption] = []
    for m in measures:
        key, choice = f"measures.{m.id}", choices.get(m.id)
        entry = catalogue.get(m.id)
        effect_en, effect_zh = _EFFECTS.get(m.effect, (m.effect, m.effect))
        rows.append(Assumption("measures", key, effect_en, "", m.source, m.date, m.status,
                               value_zh=effect_zh))
        for name, unit in _MEASURE_UNITS.items():
            if m.parameters.get(name) is None:
                continue
            value = float(m.parameters[name])
            if name in m.user_set:
                rows.append(_user("measures", f"{key}.{name}", value, unit))
            elif name in m.from_data:
                rows.append(Assumption("measures", f"{key}.{name}", value, unit,
                                       FROM_LOAD_DATA, "", "derived"))
            else:
                rows.append(Assumption("measures", f"{key}.{name}", value, unit, m.source,
                                       m.date, m.status))
        user_capex = choice is not None and choice.capex is not None
        if entry is not None and not user_capex:
            rows.append(Assumption("measures", f"{key}.unit_cost", float(entry.cost),
                                   _COST_UNITS[entry.cost_basis].format(cur=currency),
                                   m.cost_source, "", m.cost_status))
        rows.append(_user("measures", f"{key}.capex", float(m.capex), currency) if user_capex
                    else Assumption("measures", f"{key}.capex", float(m.capex), currency,
                                    f"derived: unit cost x the measure's effect; {m.cost_source}",
                                    "", m.cost_status))
        user_life = choice is not None and choice.life_years is not None
        rows.append(_user("measures", f"{key}.life_years", float(m.life_years), "years")
                    if user_life else Assumption("measures", f"{key}.life_years",
                                                 float(m.life_years), "years", m.cost_source,
                                                 "", m.cost_status))
    return rows


def footprint_rows(scenario: Scenario, footprint: FootprintSummary | None) -> list[Assumption]:
    """The product footprint's production input and factor (category ``footprint``).

    Parameters
    ----------
    scenario : Scenario
        Its ``production`` (unit and monthly units, typed by the user).
    footprint : FootprintSummary or None
        ``Result.footprint``; None (no production given) gives no rows.
    """
    if footprint is None or scenario.production is None:
        return []
    production = scenario.production
    return [
        _user("footprint", "production.unit", production.unit),
        _user("footprint", "production.annual_units", float(sum(production.monthly_units)),
              production.unit),
        Assumption("footprint", "footprint.factor", footprint.factor_kgco2e_per_kwh,
                   "kgCO2e/kWh", footprint.factor_source, footprint.factor_date,
                   footprint.factor_status),
    ]


def battery_limit_rows(scenario: Scenario, limit_kwh: float | None, load_kwh: float,
                       binding_limits: tuple[str, ...] | list[str]) -> list[Assumption]:
    """The battery's energy limit and whether the design reached it (category ``optimizer``).

    Parameters
    ----------
    scenario : Scenario
        ``battery.max_energy_kwh`` given (the user's) or empty (the default rule of
        ``data/battery_defaults.toml``: ``max_energy_days`` of the load's mean daily energy,
        never below ``battery.min_energy_kwh``).
    limit_kwh : float or None
        The limit the optimizer was given (``Result.battery.max_energy_kwh``); None when the
        scenario allows no battery (no rows).
    load_kwh : float
        The year's load the plan used (after saving measures) [kWh].
    binding_limits : sequence of str
        ``Result.solver.binding_limits``.

    Examples
    --------
    >>> from pvplanner.scenario.model import demo_scenario
    >>> demo = demo_scenario()
    >>> demo = demo.model_copy(update={"battery": demo.battery.model_copy(
    ...     update={"allowed": True})})
    >>> rows = battery_limit_rows(demo, 18_000.0, 6_570_000.0, ())
    >>> rows[0].value, rows[0].status, rows[1].value
    (18000.0, 'unverified', False)
    >>> rows[0].source.split(";")[0]
    'derived: 1 x the mean daily load 18,000 kWh (6,570,000 kWh / 365 days)'
    """
    if limit_kwh is None or not scenario.battery.allowed:
        return []
    item = "battery.max_energy_kwh"
    if scenario.battery.max_energy_kwh is not None:
        row = _user("optimizer", item, float(limit_kwh), "kWh")
    else:
        from pvplanner.sizing import battery_defaults

        rule = battery_defaults()["max_energy_days"]
        days = float(rule["value"])
        daily = load_kwh / 365.0
        floor = "" if math.isclose(limit_kwh, days * daily, rel_tol=1e-6) else (
            f", raised to the battery's minimum energy of "
            f"{float(scenario.battery.min_energy_kwh):,.0f} kWh")
        row = Assumption(
            "optimizer", item, float(limit_kwh), "kWh",
            f"derived: {days:g} x the mean daily load {daily:,.0f} kWh "
            f"({load_kwh:,.0f} kWh / 365 days){floor}; {rule['source']}",
            str(rule.get("year", "")), str(rule.get("status", "")))
    reached = item in tuple(binding_limits)
    return [row, Assumption("optimizer", "battery.max_energy_kwh_binding", reached, "",
                            "the optimizer's result: the limits the design reached",
                            "", "derived")]


def period_price_ranges(periods: Any, import_prices: Any) -> dict[str, tuple[float, float]]:
    """Lowest and highest import price of each time-of-use period over the year.

    Parameters
    ----------
    periods : array-like of str
        Period name of every step.
    import_prices : array-like of float
        Import price of every step [currency/kWh].

    Returns
    -------
    dict
        Period -> (lowest, highest) [currency/kWh], periods in order of first appearance.

    Examples
    --------
    >>> period_price_ranges(["peak", "valley", "peak"], [1.0, 0.3, 1.2])
    {'peak': (1.0, 1.2), 'valley': (0.3, 0.3)}
    """
    out: dict[str, tuple[float, float]] = {}
    for period, price in zip(periods, import_prices, strict=True):
        low, high = out.get(str(period), (float(price), float(price)))
        out[str(period)] = (min(low, float(price)), max(high, float(price)))
    return out
