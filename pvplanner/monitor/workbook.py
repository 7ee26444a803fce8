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
from pvplanner.guard.cells import write_cell, write_frame
from pvplanner.monitor.records import MonitorResult

__all__ = ["MONTH_SHEET_COLUMNS", "summary_rows", "write_monitor_xlsx"]

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
        (_t("xlsx.scenario", lang), result.scenario_name),
        (_t("xlsx.period", lang), f"{result.start[:10]} - {result.end[:10]}"),
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
    write_frame(months, table, header_format=head, widths=[10] + [14] * len(MONTH_SHEET_COLUMNS))

    events = book.add_worksheet(_t("xlsx.sheet_events", lang))
    rows = [{
        _t("columns.kind", lang): _t(f"kinds.{e.kind}", lang),
        _t("columns.start", lang): e.start, _t("columns.end", lang): e.end,
        _t("columns.hours", lang): e.hours,
        _t("columns.expected_kwh", lang): e.expected_kwh,
        _t("columns.actual_kwh", lang): e.actual_kwh,
        _t("columns.lost_kwh", lang): e.lost_kwh,
    } for e in [*result.outages, *result.curtailment, *result.data_gaps]]
    frame = pd.DataFrame(rows, columns=[_t(f"columns.{c}", lang) for c in (
        "kind", "start", "end", "hours", "expected_kwh", "actual_kwh", "lost_kwh")])
    write_frame(events, frame, header_format=head, widths=[14, 26, 26, 8, 14, 14, 14])

    days = book.add_worksheet(_t("xlsx.sheet_days", lang))
    daily = result.daily.reindex(columns=list(_DAY_COLUMNS)).reset_index()
    daily.columns = [_t("columns.day", lang), *_headers(_DAY_COLUMNS, lang)]
    write_frame(days, daily, header_format=head, widths=[12] + [14] * len(_DAY_COLUMNS))
    book.close()
    return buffer.getvalue() if buffer is not None else None
