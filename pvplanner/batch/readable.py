"""A batch's results for a reader: the table and the portfolio summary in the reader's
language, units in the headers, values rounded to what they mean.

The results table (:func:`pvplanner.batch.output.results_frame`, ``results.csv``) is the
machine's record: stable English column ids, full precision, one unit per column documented
in ``data/batch/README.md``, so scripts read it the same way in every language. A person
reads this instead (the app's downloads and its on-screen table):

* headers in the reader's language with their units (``净现值（税后）[万元]``,
  ``NPV (after tax) [thousand CNY]``); money in 万元 for a Chinese reader of CNY figures,
  else in thousands of the currency (:meth:`~pvplanner.display.numbers.NumberFormat.money_axis`),
  energy in MWh, ratios in percent;
* values rounded to the precision of their unit (``3,000.0`` MWh, not ``2999.9999999999986``),
  kept as numbers so a spreadsheet sorts and sums them; no ``-0``;
* words instead of codes: the site's status, how it was planned (the exact year, or N typical
  days and so approximate), the limits its design reached (as the Results page names
  them), provinces and cities, where the load came from (a meter file, or bills or an
  annual total shaped by a template), load templates, the tariff preset each site was
  priced on, weather sources and solver statuses by their names; failures in the reader's
  language;
* no ids: no result-file slug, input hash, exception class or currency code column.

Text from the sites file (names, notes, error messages quoting it) is written by the rules of
:mod:`pvplanner.guard.cells`: a string cell in the workbook, an apostrophe in front in the CSV
when it starts like a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.batch.task import LIMITS_COLUMN, limit_keys
from pvplanner.display.limits import limit_name
from pvplanner.display.messages import catalogue, translate
from pvplanner.display.names import name as place_name
from pvplanner.display.names import template_name
from pvplanner.display.numbers import NumberFormat
from pvplanner.guard.cells import csv_safe_frame, sheet_text, write_cell

__all__ = [
    "COLUMNS",
    "Column",
    "column_decimals",
    "column_label",
    "money_unit",
    "readable_csv",
    "readable_summary",
    "readable_table",
    "readable_xlsx",
    "table_currency",
]


@dataclass(frozen=True)
class Column:
    """One column of the readable table.

    Attributes
    ----------
    id : str
        Column of the results table it shows.
    key : str
        Its header, ``portfolio.col.<key>`` in the message catalogue (with its unit).
    kind : str
        How values are shown: a unit and precision of :data:`_DECIMALS` (``kwp``, ``mwh``,
        ``money``...) or a kind of words (``status``, ``place``, ``tariff``...).
    """

    id: str
    key: str
    kind: str


#: Every column a reader gets, in order (the results table's ids, slug, hash, exception class
#: and currency code left out).
COLUMNS: tuple[Column, ...] = (
    Column("row", "row", "int"),
    Column("name", "name", "place"),
    Column("status", "status", "status"),
    Column("typical_days", "method", "method"),
    Column("error_message", "error", "error"),
    Column("city", "city", "place"),
    Column("province", "province", "place"),
    Column("load_source", "load_source", "load_source"),
    Column("template", "template", "template"),
    Column("tariff", "tariff", "tariff"),
    Column("pv.capacity_kwp", "kwp", "kwp"),
    Column("pv.max_capacity_kwp", "max_kwp", "kwp"),
    Column("pv.annual_generation_kwh", "generation", "mwh"),
    Column("pv.specific_yield_kwh_per_kwp", "specific_yield", "yield"),
    Column("battery.energy_kwh", "battery_kwh", "kwh"),
    Column("battery.power_kw", "battery_kw", "kw"),
    Column(LIMITS_COLUMN, "limits", "limits"),
    Column("energy.load_kwh", "load", "mwh"),
    Column("energy.self_consumed_kwh", "self_consumed", "mwh"),
    Column("energy.exported_kwh", "exported", "mwh"),
    Column("energy.imported_kwh", "imported", "mwh"),
    Column("energy.curtailed_kwh", "curtailed", "mwh"),
    Column("energy.self_consumption_ratio", "self_consumption", "ratio"),
    Column("energy.self_sufficiency_ratio", "self_sufficiency", "ratio"),
    Column("bills.baseline_annual", "bill_before", "money"),
    Column("bills.with_system_annual", "bill_after", "money"),
    Column("bills.savings_annual", "savings", "money"),
    Column("finance.capex", "capex", "money"),
    Column("finance.npv", "npv", "money"),
    Column("finance.irr", "irr", "ratio"),
    Column("finance.payback_years", "payback", "years"),
    Column("finance.lcoe_per_kwh", "lcoe", "price"),
    Column("carbon.avoided_tco2_year1", "co2", "tonnes"),
    Column("carbon.avoided_tco2_lifetime", "co2_lifetime", "tonnes"),
    Column("carbon.certificates_year1", "certificates", "whole"),
    Column("solver.status", "solver", "solver"),
    Column("solver.optimality_gap", "gap", "money"),
    Column("latitude", "latitude", "deg"),
    Column("longitude", "longitude", "deg"),
    Column("weather_latitude", "weather_latitude", "deg"),
    Column("weather_longitude", "weather_longitude", "deg"),
    Column("weather.source", "weather", "weather"),
    Column("notes", "notes", "text"),
)

#: Decimals of each numeric kind (money: :func:`column_decimals`, by its unit); the factor
#: from the table's unit to the shown one (kWh -> MWh, ratio -> percent) is in :data:`_FACTORS`.
_DECIMALS = {"int": 0, "deg": 4, "kwp": 1, "kwh": 0, "kw": 0, "yield": 0, "mwh": 1,
             "ratio": 1, "price": 3, "years": 1, "tonnes": 1, "whole": 0}
_FACTORS = {"mwh": 1e-3, "ratio": 100.0}


def table_currency(results: pd.DataFrame) -> str:
    """The currency of the table's money columns: the planned sites' (one scenario's base, so
    one currency), CNY when none was planned."""
    if "bills.currency" not in results or "status" not in results:
        return "CNY"
    ok = results.loc[results["status"] == "ok", "bills.currency"]
    found = sorted({str(c) for c in ok if isinstance(c, str) and c})
    return found[0] if found else "CNY"


def money_unit(lang: str, currency: str) -> tuple[float, str]:
    """Scale and unit of money columns: 万元 for a Chinese reader of CNY, else thousands.

    Returns
    -------
    scale : float
        Divide money by this [currency per shown unit].
    unit : str
        ``万元`` or ``thousand CNY``.
    """
    return NumberFormat(lang, currency).money_axis()


def column_decimals(kind: str, lang: str, currency: str) -> int | None:
    """Decimals a numeric kind is rounded to (``None`` for words): money to 100 of the
    currency (0.01 万元 or 0.1 thousand)."""
    if kind == "money":
        return 2 if money_unit(lang, currency)[0] >= 1e4 else 1
    return _DECIMALS.get(kind)


def column_label(key: str, lang: str, currency: str) -> str:
    """The header ``portfolio.col.<key>`` with its money unit filled in."""
    number = NumberFormat(lang, currency)
    return translate(f"portfolio.col.{key}", lang, money=money_unit(lang, currency)[1],
                     cur=number.currency_unit())


def _round(values: pd.Series, decimals: int) -> pd.Series:
    """Numbers rounded, ``-0`` made ``0``; whole numbers as whole (``1795``, not ``1795.0``)."""
    rounded = pd.to_numeric(values, errors="coerce").astype("float64").round(decimals) + 0.0
    rounded = rounded.where(np.isfinite(rounded))
    return rounded.astype("Int64") if decimals == 0 else rounded


def _words(key: str, value: Any, lang: str) -> str:
    """A code in words (``portfolio.status.ok`` -> 已规划); the code itself where the
    catalogue has no words for it (a value the user typed)."""
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    if not text:
        return ""
    full = f"{key}.{text}"
    return translate(full, lang) if full in catalogue() else text


def _tariff(value: Any, lang: str) -> str:
    """A tariff preset by its name; the province's or a custom tariff in words."""
    from pvplanner.errors import PlannerInputError
    from pvplanner.tariff.versions import preset_file

    text = "" if value is None else str(value)
    if text in ("", "nan"):
        return ""
    if text == "auto":
        return translate("portfolio.tariff_auto", lang)
    if text == "custom":
        return translate("portfolio.tariff_custom", lang)
    try:
        preset = preset_file(text)
    except (PlannerInputError, ValueError, OSError):
        return text  # not a preset of this version: as the sites file gave it
    return preset.name_zh if lang == "zh" and preset.name_zh else preset.name


def _method(results: pd.DataFrame, lang: str) -> pd.Series:
    """How each planned site was planned: the exact year, or N typical days (approximate)."""
    days = pd.to_numeric(results["typical_days"], errors="coerce")
    planned = results["status"] == "ok"
    return pd.Series([
        "" if not ok else translate("portfolio.method.exact", lang) if pd.isna(n)
        else translate("portfolio.method.typical", lang, days=int(n))
        for ok, n in zip(planned, days, strict=True)], index=results.index, dtype=object)


def _limits(results: pd.DataFrame, lang: str) -> pd.Series:
    """The limits each planned site's design reached, in the Results page's words
    (:func:`pvplanner.display.limits.limit_name`: a roof by its plane's name in ``lang``, a
    limit that only curtailed PV said so); "none" where the economics alone set the size."""
    separator = translate("results.limits.sep", lang)

    def words(cell: Any) -> str:
        keys = limit_keys(cell)
        if not keys:
            return translate("portfolio.limits_none", lang)
        return separator.join(limit_name(key, lang, lambda plane: place_name(plane, lang))
                              for key in keys)

    planned = results["status"] == "ok"
    return pd.Series([words(cell) if ok else ""
                      for ok, cell in zip(planned, results[LIMITS_COLUMN], strict=True)],
                     index=results.index, dtype=object)


def _error(results: pd.DataFrame, lang: str) -> pd.Series:
    english = results["error_message"].fillna("").astype(str)
    if lang != "zh" or "error_message_zh" not in results:
        return english
    chinese = results["error_message_zh"].fillna("").astype(str)
    return chinese.where(chinese != "", english)  # older results have none: the English


def readable_table(results: pd.DataFrame, lang: str, *,
                   columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The results table for a reader of ``lang``.

    Parameters
    ----------
    results : pandas.DataFrame
        The results table (:func:`pvplanner.batch.output.results_frame`, or ``results.csv``
        or ``results.parquet`` read back).
    lang : {"en", "zh"}
        The reader's language.
    columns : sequence of str, optional
        Result column ids to show, in :data:`COLUMNS` order (default: all of them); ids the
        table lacks are left out.

    Returns
    -------
    pandas.DataFrame
        Headers in ``lang`` with units; numbers rounded (:func:`column_decimals`) and scaled
        to the header's unit (MWh, percent, 万元 or thousands); text in words.
    """
    currency = table_currency(results)
    scale = money_unit(lang, currency)[0]
    wanted = set(columns) if columns is not None else None
    out = pd.DataFrame(index=results.index)
    for column in COLUMNS:
        # a table of an older version has no typical_days: how it was planned is not known
        if (wanted is not None and column.id not in wanted) or column.id not in results:
            continue
        if column.kind == "method":
            values = _method(results, lang)
        elif column.kind == "error":
            values = _error(results, lang)
        elif column.kind == "limits":
            values = _limits(results, lang)
        elif column.kind == "text":
            values = results[column.id].fillna("").astype(str)
        elif column.kind == "status":
            values = results[column.id].map(lambda v: _words("portfolio.status", v, lang))
        elif column.kind == "place":
            values = results[column.id].map(
                lambda v: place_name(v, lang) if isinstance(v, str) and v else "")
        elif column.kind == "load_source":
            values = results[column.id].map(lambda v: _words("portfolio.load_source", v, lang))
        elif column.kind == "template":
            values = results[column.id].map(
                lambda v: template_name(v, lang) if isinstance(v, str) and v else "")
        elif column.kind == "tariff":
            values = results[column.id].map(lambda v: _tariff(v, lang))
        elif column.kind == "solver":
            values = results[column.id].map(lambda v: _words("results.solver_status", v, lang))
        elif column.kind == "weather":
            values = results[column.id].map(lambda v: _words("site.weather.sources", v, lang))
        else:
            factor = (1.0 / scale if column.kind == "money"
                      else _FACTORS.get(column.kind, 1.0))
            numbers = pd.to_numeric(results[column.id], errors="coerce") * factor
            values = _round(numbers, column_decimals(column.kind, lang, currency) or 0)
        out[column_label(column.key, lang, currency)] = values
    return out.reset_index(drop=True)


#: Rows of the readable portfolio summary: (summary key, label key, kind); ``npv.p50`` is a
#: figure of the ``npv`` distribution.
_SUMMARY: tuple[tuple[str, str, str], ...] = (
    ("sites", "sites", "count"),
    ("ok", "ok", "count"),
    ("failed", "failed", "count"),
    ("typical_days_sites", "typical_days_sites", "count"),
    ("total_kwp", "total_kwp", "kwp"),
    ("total_generation_kwh", "total_generation", "mwh"),
    ("total_load_kwh", "total_load", "mwh"),
    ("renewable_share", "renewable_share", "ratio"),
    ("self_sufficiency", "self_sufficiency", "ratio"),
    ("total_avoided_tco2_year1", "total_co2", "tonnes"),
    ("total_capex", "total_capex", "money"),
    ("total_savings_annual", "total_savings", "money"),
    ("total_npv", "total_npv", "money"),
    ("npv.mean", "npv_mean", "money"),
    ("npv.min", "npv_min", "money"),
    ("npv.p10", "npv_p10", "money"),
    ("npv.p25", "npv_p25", "money"),
    ("npv.p50", "npv_p50", "money"),
    ("npv.p75", "npv_p75", "money"),
    ("npv.p90", "npv_p90", "money"),
    ("npv.max", "npv_max", "money"),
    ("positive_npv_sites", "positive_npv_sites", "count"),
)


def _unit(kind: str, lang: str, currency: str) -> str:
    if kind == "money":
        return money_unit(lang, currency)[1]
    return translate(f"portfolio.unit.{kind}", lang)


def readable_summary(portfolio: dict[str, Any], lang: str) -> pd.DataFrame:
    """The portfolio summary (:func:`pvplanner.batch.output.portfolio_summary`) for a reader:
    one figure a row, ``figure``, ``value`` (rounded, in the row's unit) and ``unit``, with
    the header in ``lang``; the typical-days count only when some site was sized on them."""
    currency = portfolio.get("currency") or "CNY"
    scale = money_unit(lang, currency)[0]
    rows = []
    for dotted, key, kind in _SUMMARY:
        head, _, sub = dotted.partition(".")
        value = portfolio.get(head)
        value = (value or {}).get(sub) if sub else value
        if dotted == "typical_days_sites" and not value:
            continue
        if kind != "count":
            factor = 1.0 / scale if kind == "money" else _FACTORS.get(kind, 1.0)
            decimals = column_decimals(kind, lang, currency) or 0
            value = None if value is None else round(float(value) * factor, decimals) + 0.0
        rows.append((translate(f"portfolio.summary.{key}", lang), value,
                     _unit(kind, lang, currency)))
    headers = [translate(f"portfolio.summary.{part}", lang) for part in ("figure", "value",
                                                                          "unit")]
    return pd.DataFrame(rows, columns=headers).astype({headers[1]: object})


def readable_csv(results: pd.DataFrame, lang: str) -> bytes:
    """:func:`readable_table` as CSV bytes: UTF-8 with a byte-order mark (so Excel opens
    Chinese text as such), formula-like text behind an apostrophe."""
    text = csv_safe_frame(readable_table(results, lang)).to_csv(index=False,
                                                                lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _number_format(decimals: int | None) -> dict[str, Any]:
    if decimals is None:
        return {}
    return {"num_format": "#,##0" + ("." + "0" * decimals if decimals else "")}


def readable_xlsx(results: pd.DataFrame, portfolio: dict[str, Any], lang: str) -> bytes:
    """A workbook for a reader of ``lang``: the portfolio summary, the sites
    (:func:`readable_table`) and the failed sites with their errors, sheets named in
    ``lang``; numbers as numbers with thousands separators, text never a formula."""
    import xlsxwriter

    currency = table_currency(results)
    table = readable_table(results, lang)
    failed_rows = (results["status"] == "failed").to_numpy()
    failed = readable_table(results, lang, columns=("row", "name", "error_message")).loc[
        failed_rows].reset_index(drop=True)
    buffer = io.BytesIO()
    # No conversions of text: user text stays text (not formulas, numbers or links).
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False, "nan_inf_to_errors": False})
    try:
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        formats: dict[int | None, Any] = {}

        def fmt(decimals: int | None) -> Any:
            if decimals not in formats:
                formats[decimals] = book.add_format(_number_format(decimals)) if (
                    decimals is not None) else None
            return formats[decimals]

        summary = book.add_worksheet(sheet_text(translate("portfolio.sheet.summary", lang)))
        frame = readable_summary(portfolio, lang)
        _header(summary, frame.columns, bold)
        kinds = [kind for dotted, _, kind in _SUMMARY
                 if dotted != "typical_days_sites" or portfolio.get("typical_days_sites")]
        for row, (record, kind) in enumerate(zip(frame.itertuples(index=False, name=None),
                                                 kinds, strict=True), start=1):
            decimals = 0 if kind == "count" else column_decimals(kind, lang, currency)
            write_cell(summary, row, 0, record[0])
            write_cell(summary, row, 1, record[1], fmt(decimals))
            write_cell(summary, row, 2, record[2])
        summary.set_column(0, 0, 34)
        summary.set_column(1, 2, 16)

        by_label = {column_label(c.key, lang, currency): c for c in COLUMNS}
        for name, sheet_frame in (("sites", table), ("failed", failed)):
            sheet = book.add_worksheet(sheet_text(translate(f"portfolio.sheet.{name}", lang)))
            _header(sheet, sheet_frame.columns, bold)
            kinds_of = [by_label[label].kind for label in sheet_frame.columns]
            for col, kind in enumerate(kinds_of):
                sheet.set_column(col, col, {"text": 24, "error": 60, "tariff": 40,
                                            "limits": 40, "load_source": 24}.get(kind, 14))
            decimals_of = [column_decimals(kind, lang, currency) for kind in kinds_of]
            for row, record in enumerate(sheet_frame.itertuples(index=False, name=None),
                                         start=1):
                for col, value in enumerate(record):
                    write_cell(sheet, row, col, value, fmt(decimals_of[col]))
            sheet.freeze_panes(1, 2)
    finally:
        book.close()
    return buffer.getvalue()


def _header(sheet: Any, labels: Sequence[str], bold: Any) -> None:
    for col, label in enumerate(labels):
        sheet.write_string(0, col, sheet_text(label), bold)
