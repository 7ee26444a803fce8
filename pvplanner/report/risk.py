"""The proposal's "Sensitivity and risk" section (敏感性分析与风险): the NPV tornado of the
proposed design and its P50/P90 annual generation.

Every figure is the Result's: ``Result.sensitivity`` (the design's cash-flow NPV with one
input moved at a time, not re-sized), ``Result.pv`` (P50, P90 and the variability behind
them) and the assumption ``pv.interannual_variability`` (its source and status).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import pvplanner.report.charts as charts
from pvplanner.display.numbers import NumberFormat
from pvplanner.report.model import Figure, Paragraph, Section, Table
from pvplanner.report.text import Texts
from pvplanner.result import Result

__all__ = ["factor_labels", "factor_move", "sensitivity_section"]


def factor_move(row: pd.Series, t: Texts, f: NumberFormat) -> str:
    """The change applied to a factor (a row of ``Result.sensitivity``): ``±20%`` or
    ``±2 points``."""
    size = max(abs(float(row["low_change"])), abs(float(row["high_change"])))
    if row.get("kind", "relative") == "absolute":
        points = 100 * size
        return t("sensitivity.move_absolute",
                 value=f.number(points, 0 if abs(points - round(points)) < 1e-9 else 1))
    return t("sensitivity.move_relative", value=f.percent(size, 0))


def factor_labels(table: pd.DataFrame, t: Texts, f: NumberFormat) -> dict[str, str]:
    """Each factor of ``Result.sensitivity`` named with its move ("Investment ±20%")."""
    return {str(row["factor"]): t("sensitivity.label",
                                   factor=t.get(f"sensitivity.factor_{row['factor']}",
                                                str(row["factor"])),
                                   move=factor_move(row, t, f))
            for _, row in table.iterrows()}


def _tornado_blocks(result: Result, t: Texts, f: NumberFormat, money_unit: str) -> list[Any]:
    table = result.sensitivity
    if table is None or table.empty:
        return []
    whose = t.get(f"sensitivity.whose_{result.finance.perspective or 'owner'}",
                  t("sensitivity.whose_owner"))
    rows = []
    for _, row in table.iterrows():
        rows.append([t.get(f"sensitivity.factor_{row['factor']}", str(row["factor"])),
                     factor_move(row, t, f), f.number(row["result_low"]),
                     f.number(row["result_high"]), f.number(row["swing"])])
    header = [t("sensitivity.factor"), t("sensitivity.move"),
              f"{t('sensitivity.npv_low')}\n({money_unit})",
              f"{t('sensitivity.npv_high')}\n({money_unit})",
              f"{t('sensitivity.swing')}\n({money_unit})"]
    return [
        Paragraph(t("sensitivity.intro", npv=f.money(result.finance.npv), whose=whose)),
        Figure("tornado", "", spec=charts.tornado_chart(table, factor_labels(table, t, f), t, f)),
        Table(t("sensitivity.table"), header, rows, ["L", "C", "R", "R", "R"],
              [1.6, 0.9, 1.2, 1.2, 1.1]),
        Paragraph(t("sensitivity.note"), "note"),
    ]


def _span_years(span: str) -> int:
    """Years in a ``"2015-2024"`` span (0 when it is not one)."""
    try:
        first, last = (int(part) for part in span.split("-"))
    except ValueError:
        return 0
    return last - first + 1


def _yield_blocks(result: Result, t: Texts, f: NumberFormat) -> list[Any]:
    pv = result.pv
    if pv.p90_annual_generation_kwh is None or pv.interannual_variability is None:
        return []
    p50, p90 = pv.p50_annual_generation_kwh or pv.annual_generation_kwh, \
        pv.p90_annual_generation_kwh
    kwp = pv.capacity_kwp
    sigma = pv.interannual_variability
    rows = [
        [t("sensitivity.p50"), f.kwh(p50)],
        [t("sensitivity.p90"), f.kwh(p90)],
        [t("sensitivity.yield_p50_p90"),
         f"{f.number(p50 / kwp if kwp else None)} / {f.number(p90 / kwp if kwp else None)} "
         "kWh/kWp"],
        [t("sensitivity.sigma"), f.percent(sigma, 1)],
        [t("sensitivity.ratio"), f.percent(p90 / p50 if p50 else None, 1)],
    ]
    row = result.assumption("pv.interannual_variability")
    if pv.variability_basis == "weather_years":
        span = row.date if row is not None else ""
        basis = t("sensitivity.basis_weather_years", sigma=f.percent(sigma, 1),
                  years=_span_years(span), span=span)
    else:
        status = row.status if row is not None else "unverified"
        basis = t("sensitivity.basis_default", sigma=f.percent(sigma, 1),
                  status=t.get(f"status.{status}", status))
    return [
        Table(t("sensitivity.risk_title"), [t("sensitivity.item"), t("sensitivity.value")],
              rows, ["L", "R"], [2.6, 1.4], note=basis),
        Paragraph(t("sensitivity.risk_note"), "note"),
    ]


def sensitivity_section(result: Result, t: Texts, f: NumberFormat, money_unit: str) -> Section:
    """The section: the NPV tornado with its table, then P50/P90 annual generation.

    Parameters
    ----------
    result : Result
        The plan.
    t, f : Texts, NumberFormat
        The proposal's words and number formats.
    money_unit : str
        The unit of money columns (元 or the ISO code).
    """
    return Section("sensitivity", 0, t("sections.sensitivity"),
                   [*_tornado_blocks(result, t, f, money_unit), *_yield_blocks(result, t, f)])
