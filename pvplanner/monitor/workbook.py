"""The monthly monitoring report as an XLSX workbook, in Chinese or English.

Sheets: summary (plan beside actual), months, events (outages, curtailment, data gaps) and
days. Every label comes from the message catalogue (``data/i18n/monitor.toml``); every cell
is written by :func:`pvplanner.guard.cells.write_cell` (text as string cells, never a
formula), so a scenario or file name cannot become a formula.
"""

from __future__ import annotations

import io
import os
from typing import Any

import pandas as pd

from pvplanner.display.messages import translate
from pvplanner.display.names import name as reader_name
from pvplanner.guard.cells import write_cell, write_frame
from pvplanner.monitor.events import Event
from pvplanner.monitor.records import MonitorResult
from pvplanner.monitor.times import local_minute, utc_label

__all__ = ["MONTH_SHEET_COLUMNS", "day_rows", "event_rows", "summary_rows", "write_monitor_xlsx"]

#: Monthly columns in the workbook, in order.
MONTH_SHEET_COLUMNS = (
    "expected_kwh", "actual_kwh", "performance_index", "performance_index_excluding_outages",
    "outage_lost_kwh", "curtailment_lost_kwh", "coverage_percent", "self_consumed_kwh",
    "exported_kwh", "load_kwh", "grid_import_kwh", "factor_tco2_per_mwh", "avoided_tco2",
    "plan_avoided_tco2", "certificates_tradable", "certificates_non_tradable",
    "plan_certificates", "scope2_location_after_tco2", "scope2_market_after_tco2",
    "plan_generation_kwh",
)
_DAY_COLUMNS = ("expected_kwh", "actual_kwh", "performance_index", "outage_lost_kwh",
                "curtailment_lost_kwh", "coverage_percent", "outage")


def _shape(column: str) -> str:
    """How a column's figures are shown (its cell format's name): kWh whole, indices to three
    decimals, per cent to one, tonnes to one, factors to four, certificates whole."""
    if column.endswith("_kwh"):
        return "kwh"
    if column.startswith("performance_index"):
        return "index"
    if column.endswith("_percent"):
        return "percent"
    if column.endswith("_tco2"):
        return "tco2"
    if column.startswith("factor_"):
        return "factor"
    return "count" if "certificates" in column else "text"


def _t(key: str, lang: str, **values: Any) -> str:
    return translate(f"monitor.{key}", lang, **values)


def summary_rows(result: MonitorResult, lang: str) -> list[tuple[str, Any, Any, str]]:
    """(label, actual, plan, unit) rows of the period: the workbook's summary sheet and the
    PDF report's summary table (plan None where the plan has no figure of its own)."""
    m = result.monthly
    plan_gen = result.total("plan_generation_kwh")
    lost = sum(e.lost_kwh for e in result.outages)
    curtailed = sum(e.lost_kwh for e in result.curtailment)
    return [
        (_t("kpi.expected", lang), result.expected_kwh, plan_gen, "kWh"),
        (_t("kpi.actual", lang), result.actual_kwh, None, "kWh"),
        (_t("kpi.pi", lang), result.performance_index, None, "-"),
        (_t("kpi.pi_excluding", lang), result.performance_index_excluding_outages, None, "-"),
        (_t("kpi.outage_lost", lang), lost, None, "kWh"),
        (_t("kpi.curtailment_lost", lang), curtailed, None, "kWh"),
        (_t("columns.self_consumed_kwh", lang), result.total("self_consumed_kwh"),
         result.total("plan_self_consumed_kwh"), "kWh"),
        (_t("columns.exported_kwh", lang), result.total("exported_kwh"),
         result.total("plan_exported_kwh"), "kWh"),
        (_t("kpi.avoided", lang), result.avoided_tco2, result.total("plan_avoided_tco2"),
         "tCO2"),
        (_t("kpi.certificates", lang), result.certificates,
         result.total("plan_certificates"), "GEC"),
        (_t("columns.certificates_tradable", lang), result.total("certificates_tradable"),
         None, "GEC"),
        (_t("columns.certificates_non_tradable", lang),
         result.total("certificates_non_tradable"), None, "GEC"),
        (_t("columns.scope2_location_before_tco2", lang),
         result.total("scope2_location_before_tco2"), None, "tCO2"),
        (_t("columns.scope2_location_after_tco2", lang),
         result.total("scope2_location_after_tco2"), None, "tCO2"),
        (_t("columns.scope2_market_after_tco2", lang),
         result.total("scope2_market_after_tco2"), None, "tCO2"),
        (_t("columns.factor_tco2_per_mwh", lang),
         float(m["factor_tco2_per_mwh"].iloc[0]) if len(m) else None, None, "tCO2/MWh"),
    ]


def _headers(columns: tuple[str, ...], lang: str) -> list[str]:
    return [_t(f"columns.{c}", lang) for c in columns]


def event_rows(events: list[Event], lang: str) -> pd.DataFrame:
    """The events sheet: kind, start and end in the site's local minutes (``2026-02-10
    08:00``; the sheet states the zone once), hours and energies [kWh]."""
    columns = ("kind", "start", "end", "hours", "expected_kwh", "actual_kwh", "lost_kwh")
    rows = [(_t(f"kinds.{e.kind}", lang), local_minute(e.start), local_minute(e.end), e.hours,
             e.expected_kwh, e.actual_kwh, e.lost_kwh) for e in events]
    return pd.DataFrame(rows, columns=_headers(columns, lang))


def day_rows(daily: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The days sheet: each day's energies and indices, its outage flag as a word (是/否,
    Yes/No)."""
    table = daily.reindex(columns=list(_DAY_COLUMNS)).reset_index()
    table["outage"] = [_t("xlsx.yes" if flag else "xlsx.no", lang)
                       for flag in table["outage"].fillna(False).astype(bool)]
    table.columns = [_t("columns.day", lang), *_headers(_DAY_COLUMNS, lang)]
    return table


def write_monitor_xlsx(result: MonitorResult, target: str | os.PathLike[str] | None = None,
                       *, lang: str = "zh") -> bytes | None:
    """Write the monitoring report.

    Parameters
    ----------
    result : MonitorResult
        What :func:`pvplanner.monitor.monitor` found.
    target : path, optional
        File to write; None returns the workbook's bytes (for a download).
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    bytes or None
        The workbook when ``target`` is None.
    """
    import xlsxwriter

    buffer = io.BytesIO() if target is None else None
    book = xlsxwriter.Workbook(os.fspath(target) if target is not None else buffer,
                               {"in_memory": True})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    number = book.add_format({"num_format": "#,##0.0"})
    ratio = book.add_format({"num_format": "0.000"})

    summary = book.add_worksheet(_t("xlsx.sheet_summary", lang))
    summary.set_column(0, 0, 44)
    summary.set_column(1, 3, 18)
    write_cell(summary, 0, 0, _t("xlsx.title", lang), bold)
    facts = [
        (_t("xlsx.scenario", lang), reader_name(result.scenario_name, lang)),
        (_t("xlsx.period", lang), _t("xlsx.period_value", lang, start=result.first_day,
                                     end=result.last_day, days=result.days)),
        (_t("xlsx.basis", lang), _t(f"basis.{result.basis}", lang)),
        (_t("xlsx.capacity", lang), result.capacity_kwp),
    ]
    row = 2
    for label, value in facts:
        write_cell(summary, row, 0, label, bold)
        write_cell(summary, row, 1, value)
        row += 1
    row += 1
    for col, label in enumerate((_t("xlsx.item", lang), _t("xlsx.actual", lang),
                                 _t("xlsx.plan", lang), _t("xlsx.unit", lang))):
        write_cell(summary, row, col, label, head)
    for label, actual, planned, unit in summary_rows(result, lang):
        row += 1
        cell = ratio if unit in ("-", "tCO2/MWh") else number
        write_cell(summary, row, 0, label)
        write_cell(summary, row, 1, actual, cell)
        write_cell(summary, row, 2, planned, cell)
        write_cell(summary, row, 3, unit)
    row += 2
    write_cell(summary, row, 0, _t("xlsx.notes", lang), bold)
    for note in result.notes:
        row += 1
        write_cell(summary, row, 0, note.text(lang))

    months = book.add_worksheet(_t("xlsx.sheet_months", lang))
    table = result.monthly.reindex(columns=list(MONTH_SHEET_COLUMNS)).reset_index()
    table.columns = [_t("columns.period", lang), *_headers(MONTH_SHEET_COLUMNS, lang)]
    shapes = {"kwh": book.add_format({"num_format": "#,##0"}), "index": ratio,
              "percent": book.add_format({"num_format": "0.0"}), "tco2": number,
              "factor": book.add_format({"num_format": "0.0000"}),
              "count": book.add_format({"num_format": "#,##0"})}
    write_frame(months, table, header_format=head, widths=[10] + [14] * len(MONTH_SHEET_COLUMNS),
                formats=[None, *(shapes[_shape(c)] for c in MONTH_SHEET_COLUMNS)])

    events = book.add_worksheet(_t("xlsx.sheet_events", lang))
    found = [*result.outages, *result.curtailment, *result.data_gaps]
    write_frame(events, event_rows(found, lang), header_format=head,
                widths=[14, 18, 18, 8, 14, 14, 14])
    write_cell(events, len(found) + 2, 0,
               _t("xlsx.times_note", lang, zone=utc_label(pd.Timestamp(result.start).utcoffset())))

    days = book.add_worksheet(_t("xlsx.sheet_days", lang))
    write_frame(days, day_rows(result.daily, lang), header_format=head,
                widths=[12] + [14] * len(_DAY_COLUMNS),
                formats=[None, *(shapes.get(_shape(c)) for c in _DAY_COLUMNS)])
    book.close()
    return buffer.getvalue() if buffer is not None else None
