"""The proposal's charts as Vega-Lite specifications (built with Altair), rendered offline.

vl-convert renders a spec to SVG (inlined in the HTML report) or PNG (placed in the PDF)
with no browser and no network; the proposal font is registered with it first
(:func:`pvplanner.report.fonts.register_chart_font`) so Chinese labels render on a machine
without fonts. Specs carry their data inline.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from pvplanner.display.numbers import NumberFormat
from pvplanner.report.fonts import FONT_FAMILY, FONT_STACK, register_chart_font
from pvplanner.report.text import Texts

#: Colours of the proposal (also used by the PDF and HTML renderers).
COLORS: dict[str, str] = {
    "brand": "#0B4F6C",
    "accent": "#F2A900",
    "pv": "#F2A900",
    "self": "#2E9E5B",
    "grid": "#9AA5B1",
    "export": "#3C8DD6",
    "battery": "#8E5BD6",
    "battery_charge": "#C7A8F0",
    "load": "#1F3A5F",
    "baseline": "#9AA5B1",
    "with_system": "#0B4F6C",
    "positive": "#2E9E5B",
    "negative": "#C8553D",
}

#: Width of a full-width chart [px]; the PDF places it at the text width.
CHART_WIDTH = 620


def money_axis(fmt: NumberFormat) -> tuple[float, str]:
    """Scale and unit for money axes: 万元 in Chinese CNY documents, else thousands."""
    if fmt.lang == "zh" and fmt.currency in ("CNY", "RMB"):
        return 1e4, fmt.texts("units.axis_wan", currency=fmt.currency)
    return 1e3, fmt.texts("units.axis_thousand", currency=fmt.currency)


def _config(chart: alt.TopLevelMixin, font: str) -> alt.TopLevelMixin:
    return (
        chart.configure(font=font, padding=8)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, labelColor="#333",
                        titleColor="#333", gridColor="#E5E8EC", domainColor="#888")
        .configure_legend(orient="top", labelFontSize=11, title=None, symbolSize=120)
        .configure_title(fontSize=13, anchor="start", color="#1A1A1A", fontWeight="normal")
    )


def _legend_scale(labels: list[str], colors: list[str]) -> alt.Scale:
    return alt.Scale(domain=labels, range=colors)


def monthly_energy_chart(monthly: pd.DataFrame, texts: Texts, font: str = FONT_STACK
                         ) -> dict[str, Any]:
    """Grouped bars of the monthly load, PV generation and PV used on site [MWh]."""
    months = texts.raw("month.short")
    series = [
        ("load_kwh", texts("energy.series_load"), COLORS["load"]),
        ("pv_kwh", texts("energy.series_pv"), COLORS["pv"]),
        ("self_consumed_kwh", texts("energy.series_self"), COLORS["self"]),
    ]
    rows = [
        {"month": months[m - 1], "order": m, "series": label, "mwh": float(monthly.loc[m, col])
         / 1000.0}
        for m in monthly.index
        for col, label, _ in series
    ]
    labels = [label for _, label, _ in series]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(cornerRadiusTopLeft=1.5, cornerRadiusTopRight=1.5)
        .encode(
            x=alt.X("month:N", sort=months, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("series:N", sort=labels),
            y=alt.Y("mwh:Q", title=texts("energy.energy_mwh"),
                    axis=alt.Axis(format=",.0f")),
            color=alt.Color("series:N", sort=labels,
                            scale=_legend_scale(labels, [c for _, _, c in series])),
        )
        .properties(width=CHART_WIDTH, height=230, title=texts("energy.monthly_chart"))
    )
    return _config(chart, font).to_dict()


def typical_day_chart(days: list[tuple[str, pd.DataFrame]], texts: Texts,
                      font: str = FONT_STACK) -> dict[str, Any]:
    """Stacked step areas of the average day's power flows, one panel per month.

    ``days`` holds ``(month name, frame from tables.typical_day)``; the supply of the load
    (PV, battery, grid) is stacked from zero, PV charging the battery and PV export on top,
    the load drawn as a line.
    """
    flows = [
        ("pv_to_load_kw", texts("energy.flow_pv_to_load"), COLORS["self"]),
        ("battery_to_load_kw", texts("energy.flow_battery_to_load"), COLORS["battery"]),
        ("grid_to_load_kw", texts("energy.flow_grid_to_load"), COLORS["grid"]),
        ("pv_to_battery_kw", texts("energy.flow_pv_to_battery"), COLORS["battery_charge"]),
        ("pv_to_grid_kw", texts("energy.flow_pv_to_grid"), COLORS["export"]),
    ]
    # Flows that carry power in at least one panel (no legend entry for an absent battery).
    present = [f for f in flows
               if any(f[0] in day.columns and float(day[f[0]].abs().max()) > 1e-6
                      for _, day in days)]
    labels = [label for _, label, _ in present] + [texts("energy.flow_load")]
    colors = [color for _, _, color in present] + [COLORS["load"]]
    panels = []
    n = len(days)
    width = (CHART_WIDTH - 40 * (n - 1)) // max(n, 1)
    top = 0.0
    for _, day in days:
        stack = sum((day[c] for c, _, _ in present if c in day.columns), 0.0)
        top = max(top, float(stack.max()) if len(day) else 0.0,
                  float(day["load_kw"].max()) if "load_kw" in day.columns else 0.0)
    for month_name, day in days:
        step = float(day.index[1] - day.index[0]) if len(day) > 1 else 1.0
        rows = []
        for order, (column, label, _) in enumerate(present):
            if column not in day.columns:
                continue
            for hour, value in day[column].items():
                rows.append({"hour": float(hour), "kw": float(value), "flow": label,
                             "order": order})
                # Close each step at the end of its interval (labels mark interval starts).
                if hour == day.index[-1]:
                    rows.append({"hour": float(hour) + step, "kw": float(value), "flow": label,
                                 "order": order})
        load_rows = []
        if "load_kw" in day.columns:
            for hour, value in day["load_kw"].items():
                load_rows.append({"hour": float(hour), "kw": float(value),
                                  "flow": labels[-1]})
            load_rows.append({"hour": float(day.index[-1]) + step,
                              "kw": float(day["load_kw"].iloc[-1]), "flow": labels[-1]})
        x = alt.X("hour:Q", title=texts("energy.hour"), scale=alt.Scale(domain=[0, 24]),
                  axis=alt.Axis(values=list(range(0, 25, 3)), format="d"))
        color = alt.Color("flow:N", sort=labels, scale=_legend_scale(labels, colors))
        area = (
            alt.Chart(alt.Data(values=rows))
            .mark_area(interpolate="step-after", opacity=0.9)
            .encode(x=x, y=alt.Y("kw:Q", stack="zero", title=texts("energy.power_kw"),
                                 scale=alt.Scale(domain=[0, top * 1.05 or 1]),
                                 axis=alt.Axis(format=",.0f")),
                    color=color, order=alt.Order("order:Q"))
        )
        layers = [area]
        if load_rows:
            layers.append(
                alt.Chart(alt.Data(values=load_rows))
                .mark_line(interpolate="step-after", strokeWidth=2)
                .encode(x=x, y=alt.Y("kw:Q"), color=color)
            )
        panels.append(
            alt.layer(*layers).properties(
                width=width, height=210, title=texts("energy.day_chart", month=month_name)
            )
        )
    chart = alt.hconcat(*panels, spacing=40).resolve_scale(y="shared")
    return _config(chart, font).to_dict()


def bills_chart(bills: pd.DataFrame, texts: Texts, fmt: NumberFormat,
                font: str = FONT_STACK, *, width: int = CHART_WIDTH,
                height: int = 220) -> dict[str, Any]:
    """Grouped bars of each month's bill without and with the system."""
    scale, unit = money_axis(fmt)
    # Narrow charts label months by number so twelve labels fit.
    months = (texts.raw("month.short") if width >= CHART_WIDTH
              else [str(m) for m in range(1, 13)])
    series = [
        ("baseline", texts("bills.baseline"), COLORS["baseline"]),
        ("with_system", texts("bills.with_system"), COLORS["with_system"]),
    ]
    rows = [
        {"month": months[m - 1], "series": label, "value": float(bills.loc[m, col]) / scale}
        for m in bills.index
        for col, label, _ in series
    ]
    labels = [label for _, label, _ in series]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(cornerRadiusTopLeft=1.5, cornerRadiusTopRight=1.5)
        .encode(
            x=alt.X("month:N", sort=months, axis=alt.Axis(labelAngle=0),
                    title=None if width >= CHART_WIDTH else texts("bills.month")),
            xOffset=alt.XOffset("series:N", sort=labels),
            y=alt.Y("value:Q", title=unit, axis=alt.Axis(format=",.0f")),
            color=alt.Color("series:N", sort=labels,
                            scale=_legend_scale(labels, [c for _, _, c in series])),
        )
        .properties(width=width, height=height, title=texts("bills.chart"))
    )
    return _config(chart, font).to_dict()


def cash_flow_chart(cash: pd.DataFrame, texts: Texts, fmt: NumberFormat,
                    font: str = FONT_STACK, *, width: int = CHART_WIDTH,
                    height: int = 240) -> dict[str, Any]:
    """Bars of each year's net cash flow and a line of the cumulative cash flow."""
    scale, unit = money_axis(fmt)
    net_label = texts("finance.series_net")
    cum_label = texts("finance.series_cumulative")
    bars = [
        {"year": int(year), "value": float(row["net"]) / scale,
         "sign": "pos" if row["net"] >= 0 else "neg", "series": net_label}
        for year, row in cash.iterrows()
    ]
    line = [
        {"year": int(year), "value": float(row["cumulative"]) / scale, "series": cum_label}
        for year, row in cash.iterrows()
    ]
    x = alt.X("year:O", title=texts("finance.year"), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=unit, axis=alt.Axis(format=",.0f"))
    legend = alt.Color(
        "series:N",
        scale=_legend_scale([net_label, cum_label], [COLORS["positive"], COLORS["brand"]]),
    )
    bar_layer = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar()
        .encode(
            x=x, y=y,
            color=legend,
            fill=alt.Fill("sign:N", scale=alt.Scale(domain=["pos", "neg"], range=[
                COLORS["positive"], COLORS["negative"]]), legend=None),
        )
    )
    line_layer = (
        alt.Chart(alt.Data(values=line))
        .mark_line(point=alt.OverlayMarkDef(size=28, filled=True), strokeWidth=2.2)
        .encode(x=x, y=y, color=legend)
    )
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color="#555").encode(
        y="zero:Q")
    # Year labels every 5 years on narrow charts.
    if width < CHART_WIDTH:
        x.axis = alt.Axis(labelAngle=0, values=[int(y) for y in cash.index if int(y) % 5 == 0])
    chart = alt.layer(bar_layer, line_layer, zero).properties(
        width=width, height=height, title=texts("finance.cash_chart"))
    return _config(chart, font).to_dict()


def scope2_chart(rows: list[tuple[str, float, float]], texts: Texts,
                 font: str = FONT_STACK) -> dict[str, Any]:
    """Grouped bars of Scope 2 emissions before and after, per method [tCO2/yr]."""
    before, after = texts("carbon.before"), texts("carbon.after")
    values = []
    for method, value_before, value_after in rows:
        values.append({"method": method, "when": before, "t": float(value_before)})
        values.append({"method": method, "when": after, "t": float(value_after)})
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(cornerRadiusTopLeft=1.5, cornerRadiusTopRight=1.5)
        .encode(
            y=alt.Y("method:N", title=None, sort=[r[0] for r in rows],
                    axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("when:N", sort=[before, after]),
            x=alt.X("t:Q", title=texts("carbon.unit"), axis=alt.Axis(format=",.0f")),
            color=alt.Color("when:N", sort=[before, after],
                            scale=_legend_scale([before, after],
                                                [COLORS["baseline"], COLORS["self"]])),
        )
        .properties(width=CHART_WIDTH - 260, height=120, title=texts("carbon.chart"))
    )
    return _config(chart, font).to_dict()


def to_svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document (text as text, for the HTML report)."""
    return _render("svg", json.dumps(spec, sort_keys=True), 1.0)  # type: ignore[return-value]


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
    "money_axis",
    "monthly_energy_chart",
    "scope2_chart",
    "svg_to_png",
    "to_png",
    "to_svg",
    "typical_day_chart",
]
