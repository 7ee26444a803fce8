"""The plan's inputs as a reader sees them: the scenario one row per field (the workbook's
Inputs sheet), the sources of the assumption rows in the reader's language, and the
time-of-use hours the plan priced.

Inputs sheet: each field gets a category and a label in the reader's language, and its value
in words (names in the reader's language, choices by what they mean, ids of the data tables
by the name of what they point to); the dotted field path and the value as stored stay
beside them for programs (:class:`InputRow`). Labels come from the texts that already name
each field: :func:`pvplanner.display.field_labels.field_label` (the app's input labels, the
proposal's assumption labels and ``input_fields`` of ``data/report/<lang>.toml``), which this
module re-exports with :data:`APP_LABELS` and :func:`field_of` for its callers.

Sources: :func:`source_text` gives a Chinese reader the whole citation an English reader
gets — document numbers, dates, figures, derivations, and why a figure is unverified —
translated by ``sources.text`` of ``data/i18n/sources.toml``; :func:`tou_hours_blocks` states
which hours of each season (and of the days with their own hours) are critical peak, peak,
flat, valley and deep valley, with the rules' sources and validity.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from pvplanner.assumptions import clock, month_span_text, period_runs
from pvplanner.display.field_labels import APP_LABELS, catalogue_text, field_label, field_of
from pvplanner.display.messages import catalogue, translate
from pvplanner.display.names import name as reader_name
from pvplanner.display.names import template_name
from pvplanner.display.sources import citation
from pvplanner.report.model import Paragraph, Table
from pvplanner.report.text import Texts, period_text
from pvplanner.result import Result

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
        text = catalogue_text(f"{table}.{value}", lang)
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


#: Fields whose app label is an instruction to the person filling the form ("ISO code,
#: e.g. CN"; "the file's values are"): the workbook names them as a reader would
#: (``input_fields.sheet_*`` of the proposal's texts).
_SHEET_LABELS: dict[str, str] = {
    "site.country": "input_fields.sheet_site_country",
    "load.meter_units": "input_fields.sheet_load_meter_units",
}


def _label(path: str, field: str, texts: Texts, currency: str) -> str:
    """The Inputs sheet's name of a field: its own sheet label, else the app's or the
    proposal's (:func:`field_label`), else its path."""
    if field in _SHEET_LABELS:
        return texts(_SHEET_LABELS[field])
    return field_label(path, texts.lang, currency) or path


def _row(path: str, value: Any, lookups: _Lookups, texts: Texts, currency: str) -> InputRow:
    lang, field = lookups.lang, field_of(path)
    label = _label(path, field, texts, currency)
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


#: Load fields a load source does not read (a meter file's plan uses no industry template
#: and no bills): the sheet says so instead of showing them as if they shaped the plan.
_UNUSED_BY_LOAD_KIND: dict[str, tuple[str, ...]] = {
    "meter_file": ("load.template", "load.monthly_kwh", "load.monthly_period_kwh",
                   "load.annual_kwh"),
    "bills": ("load.meter_file", "load.meter_file_name", "load.meter_units",
              "load.annual_kwh"),
    "annual": ("load.meter_file", "load.meter_file_name", "load.meter_units",
               "load.monthly_kwh", "load.monthly_period_kwh"),
}


def _unused(path: str, load_kind: Any) -> bool:
    """True when ``path`` is a load field the scenario's load source does not read."""
    field = field_of(path)
    return any(field == unused or field.startswith(unused + ".")
               for unused in _UNUSED_BY_LOAD_KIND.get(str(load_kind), ()))


def input_rows(result: Result, texts: Texts) -> Iterator[InputRow]:
    """The rows of the Inputs sheet: every field of the plan's scenario that has a value;
    a load field its load source does not read is shown as not used (its stored value kept
    beside it for programs)."""
    lookups = _Lookups(result, texts.lang)
    load_kind = (result.inputs.get("load") or {}).get("kind") if isinstance(
        result.inputs, dict) else None
    for path, value in flatten(result.inputs):
        if value is None:
            continue
        row = _row(path, value, lookups, texts, result.currency)
        if _unused(path, load_kind):
            row = InputRow(row.category, row.label,
                           texts("input_fields.unused_for_load_source"), "", row.path,
                           row.stored)
        yield row


# --------------------------------------------------------------------------- sources
#: Placeholders of a translated citation that hold a citation of their own (translated in
#: turn), a place (named in the reader's language) or, any other name, a figure, a date
#: or a document number kept as written.
_NESTED = frozenset({"source", "reason", "basis", "rule", "rest"})
_PLACES = frozenset({"province", "region"})
_KEPT = {"date": r"\d{4}-\d{2}(?:-\d{2})?", "doc": r"\S+?"}
_FIGURE = r"[-+]?\d[\d,.]*"
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _group(name: str) -> str:
    if name in _NESTED:
        return ".+?"
    if name in _PLACES:
        return r"[^;:()]+?"
    return _KEPT.get(name.rstrip("0123456789"), _FIGURE)


def _pattern(english: str) -> re.Pattern[str]:
    """The regular expression of a translated citation's English text: its placeholders as
    groups, a placeholder named twice the same text both times."""
    out: list[str] = []
    named: set[str] = set()
    for literal, name, _, _ in string.Formatter().parse(english):
        out.append(re.escape(literal))
        if name:
            out.append(f"(?P={name})" if name in named else f"(?P<{name}>{_group(name)})")
            named.add(name)
    return re.compile("".join(out))


def _plain(text: str) -> str:
    return " ".join(str(text).split())


@cache
def _translations() -> tuple[dict[str, str], tuple[tuple[re.Pattern[str], str], ...]]:
    """``sources.text.*``: whole citations (English as the English proposal shows it ->
    Chinese) and citations with placeholders, in file order."""
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for key, entry in catalogue().items():
        if key.startswith("sources.text."):
            english, chinese = _plain(str(entry["en"])), str(entry["zh"])
            if "{" in english:
                patterns.append((_pattern(english), chinese))
            else:
                exact[english] = chinese
    return exact, tuple(patterns)


def _place(value: str) -> str | None:
    """A place in Chinese (the names table, else a translated citation's), None if neither
    has it."""
    named = reader_name(value.strip(), "zh")
    if _HAN.search(named):
        return named
    return _translations()[0].get(_plain(value))


@lru_cache(maxsize=4096)
def _chinese(text: str) -> str | None:
    """The whole of an English citation in Chinese, None where the catalogue cannot say
    every part of it."""
    text = _plain(text)
    exact, patterns = _translations()
    if text in exact:
        return exact[text]
    for pattern, chinese in patterns:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values: dict[str, str] = {}
        for name, value in match.groupdict().items():
            filled = (_chinese(value) if name in _NESTED else
                      _place(value) if name in _PLACES else value)
            if filled is None:
                break
            values[name] = filled
        else:
            return chinese.format(**values)
    return None


def source_text(source: str, lang: str, status: str = "") -> str:
    """Where an assumption comes from, in the reader's language, with the same facts in
    both languages.

    Parameters
    ----------
    source : str
        The citation as recorded (``Assumption.source``); the parts of a tariff's citation
        are joined by `` | ``.
    lang : {"en", "zh"}
        Reader's language.
    status : str
        The figure's status: names the kind of source where a part has no translation.

    Returns
    -------
    str
        English: the citation without the project's bookkeeping
        (:func:`pvplanner.display.sources.citation`). Chinese: each part translated whole
        by ``sources.text`` of ``data/i18n/sources.toml`` — document numbers, dates and
        figures as written — and a part the catalogue does not know cited by its publishers
        and document numbers (:func:`~pvplanner.display.sources.citation`).

    Examples
    --------
    >>> source_text("Assumption: self-funded", "zh")
    '工程假设：自有资金投资'
    >>> source_text("MEE/NBS 公告2025年第47号 (2025-12-31): 2023 electricity CO2 emission "
    ...             "factors (provincial table)", "zh")
    '生态环境部、国家统计局公告2025年第47号（2025-12-31）：2023年电力二氧化碳排放因子（省级表）'
    """
    english = citation(source, "en")
    if lang != "zh":
        return english
    parts = english.split(" | ")
    return " | ".join(_chinese(part) or citation(part, "zh", status) for part in parts
                      if part.strip())


# --------------------------------------------------------------------------- time of use
def _day_patterns(result: Result) -> tuple[dict[dt.date, tuple[str, ...]], int]:
    """The time-of-use period of every step of each whole day of the plan's year, and the
    step [min]."""
    hourly = result.hourly
    if hourly is None or len(hourly) < 2 or "period" not in hourly.columns:
        return {}, 60
    step = max(1, int((hourly.index[1] - hourly.index[0]).total_seconds() // 60))
    days = {}
    for day, periods in hourly["period"].astype(str).groupby(hourly.index.date):
        if len(periods) * step == 24 * 60:
            days[day] = tuple(periods)
    return days, step


def _date_spans(days: list[dt.date], lang: str) -> str:
    """Dates as runs of days: ``1-3 May, 1-3 Oct`` / ``5月1-3日、10月1-3日``."""
    spans: list[list[dt.date]] = []
    for day in sorted(days):
        if spans and (day - spans[-1][-1]).days == 1:
            spans[-1].append(day)
        else:
            spans.append([day])
    months = catalogue()["report.month.short"]["en"]

    def one(day: dt.date, with_month: bool = True) -> str:
        if lang == "zh":
            return f"{day.month}月{day.day}日" if with_month else f"{day.day}日"
        return f"{day.day} {months[day.month - 1]}" if with_month else str(day.day)

    out = []
    for span in spans:
        first, last = span[0], span[-1]
        if first == last:
            out.append(one(first))
        elif first.month == last.month:
            out.append(f"{first.month}月{first.day}-{last.day}日" if lang == "zh"
                       else f"{first.day}-{one(last)}")
        else:
            out.append(f"{one(first)}-{one(last)}")
    return ("、" if lang == "zh" else ", ").join(out)


#: The minutes of a time of day (``19:30`` -> ``30``).
_CLOCK = re.compile(r"\b\d\d:(\d\d)\b")

#: At most this many runs of dates are listed in a row of days with their own hours; more
#: are counted.
_MAX_DATE_SPANS = 6


def _tou_source_note(result: Result, texts: Texts) -> str:
    """Each rule of the hours with its source, validity and status (a day's rule named by
    its label); the user's hours when the tariff is the scenario's own."""
    lines = []
    rows = [row for row in result.assumptions if row.item.startswith(
        ("tariff.tou_hours", "tariff.tou_ratios", "tariff.tou_override."))]
    for row in rows:
        if row.item.startswith("tariff.tou_override."):  # "label: hours" -> the label
            value = row.value_zh if texts.lang == "zh" and row.value_zh else str(row.value)
            what = value.partition("：" if texts.lang == "zh" else ": ")[0]
        else:
            what = texts(f"assumption_items.{row.item.replace('.', '_')}")
        lines.append("• " + texts("tou.source_line" if row.date else "tou.source_line_undated",
                                  item=what,
                                  source=source_text(row.source, texts.lang, row.status),
                                  date=period_text(row.date, texts),
                                  status=texts.get(f"status.{row.status}", row.status)))
    # Rules that change period inside a step (19:30 on an hourly axis) are priced at the
    # mean of the two periods' prices; the table lists such a step under one of them.
    step = _day_patterns(result)[1]
    inside = {int(minute) for row in rows for minute in _CLOCK.findall(str(row.value))}
    if any(minute % step for minute in inside):
        lines.append("• " + texts("tou.shared_steps", minutes=step))
    return "\n".join(lines) or texts("tou.user_hours")


def tou_hours_blocks(result: Result, texts: Texts) -> list[Table | Paragraph]:
    """The hours of each time-of-use period as the plan priced them, and where they come
    from.

    A table with one row per season (the months sharing a day's hours) and one per group
    of days with hours of their own (holidays, declared days), read from the period of
    every step of the plan's year (``Result.hourly``); a note after it cites each rule's
    source, validity and status (the ``tariff.tou_*`` assumption rows).

    Parameters
    ----------
    result : Result
        The plan; a Result without its hourly table (read back from a store) gives none.
    texts : Texts
        The proposal's words in the reader's language.

    Returns
    -------
    list
        ``[Table, Paragraph]``; empty without hourly periods or with a single period all
        year.
    """
    days, step = _day_patterns(result)
    by_month: dict[int, Counter[tuple[str, ...]]] = {}
    for day, pattern in days.items():
        by_month.setdefault(day.month, Counter())[pattern] += 1
    usual = {month: counts.most_common(1)[0][0] for month, counts in by_month.items()}
    periods = list(period_runs([p for pattern in usual.values() for p in pattern], step))
    if len(periods) < 2:
        return []
    seasons: dict[tuple[str, ...], list[int]] = {}
    for month in sorted(usual):
        seasons.setdefault(usual[month], []).append(month)
    special: dict[tuple[str, ...], list[dt.date]] = {}
    for day, pattern in sorted(days.items()):
        if pattern != usual[day.month]:
            special.setdefault(pattern, []).append(day)
    lang = texts.lang
    rows_in = [(month_span_text(months, lang), pattern) for pattern, months in seasons.items()]
    for pattern, dates in special.items():
        label = _date_spans(dates, lang)
        if label.count("、" if lang == "zh" else ", ") >= _MAX_DATE_SPANS:
            label = texts("tou.other_days", n=len(dates))
        rows_in.append((label, pattern))
    columns = list(dict.fromkeys([*periods, *(p for _, pattern in rows_in
                                             for p in period_runs(pattern, step))]))
    comma = "、" if lang == "zh" else ", "
    rows = []
    for label, pattern in rows_in:
        runs = period_runs(pattern, step)
        rows.append([label, *(comma.join(f"{clock(a)}-{clock(b)}" for a, b in runs.get(p, []))
                              or "–" for p in columns)])
    header = [texts("tou.days"), *(texts.get(f"tou_period.{p}", p) for p in columns)]
    return [Table(texts("tou.table"), header, rows, ["L"] * len(header),
                  [2.1] + [1.3] * len(columns), font_size=7.5),
            Paragraph(_tou_source_note(result, texts), "note", title=texts("tou.sources"))]


__all__ = ["APP_LABELS", "InputRow", "category_label", "field_label", "field_of", "flatten",
           "input_rows", "source_text", "tou_hours_blocks"]
