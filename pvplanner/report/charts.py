"""The proposal's charts: the shared specs of :mod:`pvplanner.display.charts` with the
proposal's sizes, titles and styling, rendered offline.

vl-convert renders a spec to SVG (inlined in the HTML report) or PNG (placed in the PDF)
with no browser and no network; the proposal font is registered with it first
(:func:`pvplanner.report.fonts.register_chart_font`) so Chinese labels render on a machine
without fonts. Specs carry their data inline.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from pvplanner.display import charts as specs
from pvplanner.display.charts import COLORS, present
from pvplanner.display.numbers import NumberFormat
from pvplanner.report.fonts import FONT_FAMILY, FONT_STACK, register_chart_font
from pvplanner.report.text import Texts

#: Width of a full-width chart [px]; the PDF places it at the text width.
CHART_WIDTH = 620


def _config(chart: alt.TopLevelMixin, font: str, legend_columns: int | None = None
            ) -> dict[str, Any]:
    """The proposal's styling of a chart, as a Vega-Lite dict.

    Legend labels are never cut short (Vega's default ends a label of more than 160 px with
    "…"); ``legend_columns`` stacks the legend's entries in that many columns, for a narrow
    chart with long labels.
    """
    legend: dict[str, Any] = {"columns": legend_columns} if legend_columns else {}
    return (
        chart.configure(font=font, padding=8)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, labelColor="#333",
                        titleColor="#333", gridColor="#E5E8EC", domainColor="#888")
        .configure_legend(orient="top", labelFontSize=11, title=None, symbolSize=120,
                          labelLimit=0, **legend)
        .configure_title(fontSize=13, anchor="start", color="#1A1A1A", fontWeight="normal")
        .to_dict()
    )


def monthly_energy_chart(monthly: pd.DataFrame, texts: Texts, font: str = FONT_STACK
                         ) -> dict[str, Any]:
    """Each month's PV by destination (used on site, exported, curtailed) against the load.

    ``monthly`` is :func:`pvplanner.report.tables.monthly_energy` [kWh].
    """
    names = {"self_consumed_kwh": "energy.self_consumed", "exported_kwh": "energy.exported",
             "curtailed_kwh": "energy.curtailed"}
    shown = present([monthly], names) or ["self_consumed_kwh"]
    chart = specs.monthly_energy(monthly, {c: texts(names[c]) for c in shown},
                                 {"load_kwh": texts("energy.series_load")},
                                 texts.raw("month.short"), texts("energy.energy_mwh"))
    return _config(chart.properties(width=CHART_WIDTH, height=230,
                                    title=texts("energy.monthly_chart")), font)


def typical_day_chart(days: list[tuple[str, pd.DataFrame]], texts: Texts,
                      font: str = FONT_STACK) -> dict[str, Any]:
    """Stacked step areas of a real day's power flows, one panel per representative day.

    ``days`` holds ``(date label, frame from tables.typical_day)``; the supply of the load
    (PV, battery, grid) is stacked from zero, PV charging the battery and PV export on top,
    the load drawn as a line. The panels share one power axis.
    """
    frames = [day for _, day in days]
    flows = {c: texts(f"energy.flow_{c.removesuffix('_kw')}")
             for c in present(frames, specs.DAY_FLOWS)}
    line = {"load_kw": texts("energy.flow_load")}
    top = max([0.0, *(max(float(day[list(flows)].sum(axis=1).max()) if flows else 0.0,
                          float(day["load_kw"].max()) if "load_kw" in day.columns else 0.0)
                      for day in frames if len(day))])
    n = len(days)
    width = (CHART_WIDTH - 40 * (n - 1)) // max(n, 1)
    titles = {"hour": texts("energy.hour"), "power": texts("energy.power_kw")}
    panels = [
        specs.typical_day(day, flows, line, titles, y_max=top * 1.05 or 1.0).properties(
            width=width, height=210, title=texts("energy.day_chart", date=label))
        for label, day in days
    ]
    return _config(alt.hconcat(*panels, spacing=40).resolve_scale(y="shared"), font)


def bills_chart(bills: pd.DataFrame, texts: Texts, fmt: NumberFormat,
                font: str = FONT_STACK, *, width: int = CHART_WIDTH,
                height: int = 220, with_system: str | None = None) -> dict[str, Any]:
    """Grouped bars of each month's bill without and with the system.

    ``with_system`` names the second series as the bills table does (the company's grid
    bill under EMC, a bill without export income where there is none); the default is the
    bill net of export income.
    """
    # Narrow charts label months by number so twelve labels fit.
    months = (texts.raw("month.short") if width >= CHART_WIDTH
              else [str(m) for m in range(1, 13)])
    labels = {"baseline": texts("bills.baseline"),
              "with_system": with_system or texts("bills.with_system")}
    chart = specs.monthly_bills(bills, labels, months, fmt.money_axis(),
                                month_title=None if width >= CHART_WIDTH else texts("bills.month"))
    return _config(chart.properties(width=width, height=height, title=texts("bills.chart")),
                   font, legend_columns=1 if width < CHART_WIDTH else None)


def cash_flow_chart(cash: pd.DataFrame, texts: Texts, fmt: NumberFormat,
                    font: str = FONT_STACK, *, width: int = CHART_WIDTH,
                    height: int = 240) -> dict[str, Any]:
    """Bars of each year's net cash flow and a line of the cumulative cash flow."""
    labels = {"net": texts("finance.series_net"),
              "cumulative": texts("finance.series_cumulative")}
    # Year labels every 5 years on narrow charts.
    ticks = [int(y) for y in cash.index if int(y) % 5 == 0] if width < CHART_WIDTH else None
    chart = specs.cash_flow(cash, "net", "cumulative", labels, fmt.money_axis(),
                            texts("finance.year"), ticks)
    return _config(chart.properties(width=width, height=height,
                                    title=texts("finance.cash_chart")), font)


def tornado_chart(table: pd.DataFrame, labels: dict[str, str], texts: Texts,
                  fmt: NumberFormat, font: str = FONT_STACK) -> dict[str, Any]:
    """Bars of the NPV with each input moved down and up around the reported NPV.

    ``table`` is ``Result.sensitivity``; ``labels`` names each factor with its move.
    """
    sides = {"low": texts("sensitivity.side_low"), "high": texts("sensitivity.side_high")}
    chart = specs.tornado(table, labels, sides, fmt.money_axis(), texts("sensitivity.base"),
                          npv_title=texts("kpi.npv"))
    height = max(120, 34 * len(table))
    return _config(chart.properties(width=CHART_WIDTH - 220, height=height,
                                    title=texts("sensitivity.chart")), font)


def scope2_chart(rows: list[tuple[str, float, float]], texts: Texts,
                 font: str = FONT_STACK) -> dict[str, Any]:
    """Grouped bars of Scope 2 emissions before and after, per method [tCO2/yr]."""
    labels = {"before": texts("carbon.before"), "after": texts("carbon.after")}
    chart = specs.scope2(rows, labels, texts("carbon.unit"))
    return _config(chart.properties(width=CHART_WIDTH - 260, height=120,
                                    title=texts("carbon.chart")), font)


def metered_months(monthly: pd.DataFrame, labels: dict[str, str], axis_title: str,
                   month_title: str | None = None) -> alt.Chart:
    """Grouped bars of each metered month's energy, one bar per column of ``labels`` [MWh].

    The spec the Monitor page and the monthly monitoring report both draw (no size, title or
    styling: the callers add theirs).

    Parameters
    ----------
    monthly : pandas.DataFrame
        Index ``period`` (``YYYY-MM``); the columns named in ``labels`` [kWh].
    labels : dict
        Column -> series label, in the order the bars stand (e.g. the plan's generation, the
        expectation in the metered hours, the metered energy).
    axis_title : str
        Title of the energy axis (its unit is MWh).
    month_title : str, optional
        Title of the month axis.
    """
    palette = [COLORS["baseline"], COLORS["export"], COLORS["accent"], COLORS["self"]]
    frames = [pd.DataFrame({"month": [str(p) for p in monthly.index], "series": label,
                            "mwh": monthly[column].to_numpy(dtype=float) / 1000.0})
              for column, label in labels.items()]
    long = pd.concat(frames, ignore_index=True)
    domain = list(labels.values())
    return alt.Chart(long).mark_bar(cornerRadiusTopLeft=1.5, cornerRadiusTopRight=1.5).encode(
        x=alt.X("month:N", title=month_title, axis=alt.Axis(labelAngle=-45 if len(
            monthly) > 12 else 0)),
        xOffset=alt.XOffset("series:N", sort=domain),
        y=alt.Y("mwh:Q", title=axis_title, axis=alt.Axis(format=",.0f")),
        color=alt.Color("series:N", sort=domain, title=None,
                        scale=alt.Scale(domain=domain, range=palette[:len(domain)])),
        tooltip=[alt.Tooltip("month:N", title=month_title or ""),
                 alt.Tooltip("series:N", title=""),
                 alt.Tooltip("mwh:Q", format=",.1f", title=axis_title)])


def metered_months_chart(monthly: pd.DataFrame, labels: dict[str, str], axis_title: str,
                         title: str, font: str = FONT_STACK) -> dict[str, Any]:
    """:func:`metered_months` with the proposal's size and styling (the monitoring report)."""
    return _config(metered_months(monthly, labels, axis_title).properties(
        width=CHART_WIDTH, height=220, title=title), font)


def to_svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document (text as text, for the HTML report).

    Vega describes every mark, axis and legend to screen readers in English ("X-axis titled
    ..."): those descriptions are dropped, and the chart as a whole is an image labelled with
    its title, in the reader's language like the rest of the page.
    """
    svg = _render("svg", json.dumps(spec, sort_keys=True), 1.0)
    return _labelled(str(svg), _title_text(spec))


#: Vega's accessibility attributes (English descriptions of marks, axes and legends).
_ARIA = re.compile(r'\s(?:aria-[a-z]+|role)="[^"]*"')


def _title_text(spec: dict[str, Any]) -> str:
    """The chart's title (of the whole, or of its first panel), "" when it has none."""
    for part in (spec, *spec.get("hconcat", []), *spec.get("vconcat", [])):
        title = part.get("title") if isinstance(part, dict) else None
        if isinstance(title, dict):
            title = title.get("text")
        if isinstance(title, list):
            title = " ".join(str(line) for line in title)
        if title:
            return str(title)
    return ""


def _labelled(svg: str, title: str) -> str:
    """``svg`` without Vega's aria attributes, its root an image labelled ``title``."""
    bare = _ARIA.sub("", svg)
    label = html.escape(title, quote=True)
    return re.sub(r"<svg\b", f'<svg role="img" aria-label="{label}"', bare, count=1)


def to_png(spec: dict[str, Any], scale: float = 2.5) -> bytes:
    """The chart as PNG bytes, rendered with the proposal font (for the PDF)."""
    return _render("png", json.dumps(spec, sort_keys=True), scale)  # type: ignore[return-value]


def svg_to_png(svg: str, scale: float = 2.5) -> bytes:
    """A hand-drawn SVG (the roof sketch) as PNG bytes with the proposal font."""
    return _render("svg_png", svg, scale)  # type: ignore[return-value]


@lru_cache(maxsize=64)
def _render(kind: str, source: str, scale: float) -> str | bytes:
    """Rendering memoized on the spec: the PDF, the HTML page and the app often draw the same
    charts of the same result (a few MB of images at most)."""
    import vl_convert

    register_chart_font()
    if kind == "svg":
        return vl_convert.vegalite_to_svg(json.loads(source))
    if kind == "png":
        return vl_convert.vegalite_to_png(json.loads(source), scale=scale)
    return vl_convert.svg_to_png(source, scale=scale)


__all__ = [
    "CHART_WIDTH",
    "COLORS",
    "FONT_FAMILY",
    "bills_chart",
    "cash_flow_chart",
    "metered_months",
    "metered_months_chart",
    "monthly_energy_chart",
    "scope2_chart",
    "svg_to_png",
    "to_png",
    "to_svg",
    "tornado_chart",
    "typical_day_chart",
]
