"""One Altair spec per chart that the app and the proposal both draw.

Pure functions: a table of the Result (or a reshaping of one) and the labels, already in the
reader's language, in; an :class:`altair.Chart` (or layer) out. The data keep the Result's
own figures and units (kWh, kW, currency, tCO2); a chart that shows another unit (MWh,
万元) scales in the spec, so a chart's data can be checked against its table. Sizes, titles,
fonts and rendering belong to the callers: :mod:`pvplanner.app.charts` (Streamlit) and
:mod:`pvplanner.report.charts` (SVG/PNG for the proposal).

The charts: monthly PV by destination against the load (:func:`monthly_energy`), a typical
day's power flows (:func:`typical_day`), monthly bills before and after
(:func:`monthly_bills`), the yearly and cumulative cash flow (:func:`cash_flow`), the NPV's
sensitivity to its inputs (:func:`tornado`) and Scope 2 before and after (:func:`scope2`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from pvplanner.display.messages import Texts

#: Colours of the proposal and of the charts both show (brand, flows, before/after, signs).
COLORS: dict[str, str] = {
    "brand": "#0B4F6C",
    "accent": "#F2A900",
    "pv": "#F2A900",
    "self": "#2E9E5B",
    "grid": "#9AA5B1",
    "export": "#3C8DD6",
    "battery": "#8E5BD6",
    "battery_charge": "#C7A8F0",
    "grid_charge": "#C9C2D6",
    "curtailed": "#D9D9D9",
    "load": "#1F3A5F",
    "baseline": "#9AA5B1",
    "with_system": "#0B4F6C",
    "positive": "#2E9E5B",
    "negative": "#C8553D",
}

#: Colour of each energy or power column the charts draw, by the column's name without unit.
FLOW_COLORS: dict[str, str] = {
    "pv_to_load": COLORS["self"],
    "self_consumed": COLORS["self"],
    "battery_to_load": COLORS["battery"],
    "grid_to_load": COLORS["grid"],
    "pv_to_battery": COLORS["battery_charge"],
    "grid_to_battery": COLORS["grid_charge"],
    "pv_to_grid": COLORS["export"],
    "exported": COLORS["export"],
    "curtailed": COLORS["curtailed"],
    "load": COLORS["load"],
    "pv": COLORS["pv"],
    "pv_available": COLORS["pv"],
}

#: Flows of a typical day, bottom to top: what supplies the load, then what charges the
#: battery (PV, grid) and PV's export; stacked they balance hour by hour (supply = load, and
#: the layers above are the rest of PV's output and of the grid's supply).
DAY_FLOWS: tuple[str, ...] = ("pv_to_load_kw", "battery_to_load_kw", "grid_to_load_kw",
                              "pv_to_battery_kw", "grid_to_battery_kw", "pv_to_grid_kw")


def month_names(lang: str) -> list[str]:
    """Short month names in the language (``Jan`` ... / ``1月`` ...)."""
    return list(Texts(lang, "report").raw("month.short"))


def _color(column: str) -> str:
    for suffix in ("_kwh", "_kw"):
        column = column.removesuffix(suffix)
    return FLOW_COLORS.get(column, COLORS["brand"])


def _scale(labels: Sequence[str], colors: Sequence[str]) -> alt.Scale:
    return alt.Scale(domain=list(labels), range=list(colors))


def present(tables: Iterable[pd.DataFrame], columns: Iterable[str],
            tolerance: float = 1e-6) -> list[str]:
    """The columns that carry a value above ``tolerance`` in at least one of the tables (no
    legend entry for an absent battery), in the given order."""
    frames = list(tables)
    return [c for c in columns
            if any(c in f.columns and float(f[c].abs().max()) > tolerance for f in frames)]


# --------------------------------------------------------------------------- energy
def monthly_energy(table: pd.DataFrame, stack: Mapping[str, str], line: Mapping[str, str],
                   months: Sequence[str], y_title: str) -> alt.LayerChart:
    """Where each month's PV went (stacked bars) against the month's load (line) [MWh].

    Parameters
    ----------
    table : pandas.DataFrame
        Index month 1..12; the columns named in ``stack`` and ``line`` [kWh].
    stack : mapping
        Columns stacked bottom to top -> their labels (e.g. ``self_consumed_kwh``,
        ``exported_kwh``, ``curtailed_kwh``).
    line : mapping
        Columns drawn as lines -> labels (``load_kwh``).
    months : sequence of str
        The 12 month names.
    y_title : str
        Title of the energy axis (in MWh).
    """
    frame = table.reset_index()
    month_column = frame.columns[0]
    frame["month_name"] = [months[int(m) - 1] for m in frame[month_column]]
    order = list(stack.values())
    domain = [*order, *line.values()]
    color = alt.Color("series:N", title=None, sort=domain, scale=_scale(
        domain, [_color(c) for c in (*stack, *line)]))
    x = alt.X("month_name:N", sort=list(months), title=None, axis=alt.Axis(labelAngle=0))

    def long(columns: Mapping[str, str]) -> pd.DataFrame:
        out = frame.melt(id_vars="month_name", value_vars=list(columns), var_name="column",
                         value_name="kwh")
        out["series"] = [columns[c] for c in out["column"]]
        out["order"] = [list(columns).index(c) for c in out["column"]]
        return out

    tooltip = [alt.Tooltip("month_name:N", title=""), alt.Tooltip("series:N", title=""),
               alt.Tooltip("kwh:Q", format=",.0f", title="kWh")]
    bars = (alt.Chart(long(stack)).mark_bar()
            .transform_calculate(mwh="datum.kwh / 1000")
            .encode(x=x, y=alt.Y("mwh:Q", title=y_title, stack="zero",
                                 axis=alt.Axis(format=",.0f")), color=color, order=alt.Order("order:Q"),
                    tooltip=tooltip))
    lines = (alt.Chart(long(line)).mark_line(point=True, strokeWidth=2)
             .transform_calculate(mwh="datum.kwh / 1000")
             .encode(x=x, y=alt.Y("mwh:Q"), color=color, tooltip=tooltip))
    return alt.LayerChart(layer=[bars, lines])


def _steps(day: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Long rows of a day's columns, each step closed at the end of its interval (labels
    mark interval starts)."""
    if day.empty:
        return pd.DataFrame(columns=["hour", "kw", "flow", "order"])
    step = float(day.index[1] - day.index[0]) if len(day) > 1 else 1.0
    closing = day.iloc[[-1]].copy()
    closing.index = [float(day.index[-1]) + step]
    frame = pd.concat([day, closing])
    frame.index = frame.index.astype(float)
    frame.index.name = "hour"
    long = frame.reset_index().melt(id_vars="hour", value_vars=list(columns),
                                    var_name="column", value_name="kw")
    long["flow"] = [columns[c] for c in long["column"]]
    long["order"] = [list(columns).index(c) for c in long["column"]]
    return long.drop(columns="column")


def typical_day(day: pd.DataFrame, stack: Mapping[str, str], line: Mapping[str, str],
                titles: Mapping[str, str], y_max: float | None = None) -> alt.LayerChart:
    """A day's power flows as stacked step areas, with lines (the load) on top [kW].

    Parameters
    ----------
    day : pandas.DataFrame
        Index: hour of the interval start (0, 1, ... or 0.25 steps); the columns named in
        ``stack`` and ``line`` [kW]. Columns missing from ``day`` are left out.
    stack : mapping
        Columns stacked from zero, bottom to top -> labels (see :data:`DAY_FLOWS`).
    line : mapping
        Columns drawn as lines -> labels (``load_kw``).
    titles : mapping
        ``hour`` and ``power`` axis titles.
    y_max : float, optional
        Top of the power axis [kW], to share one scale between panels.
    """
    stack = {c: label for c, label in stack.items() if c in day.columns}
    line = {c: label for c, label in line.items() if c in day.columns}
    domain = [*stack.values(), *line.values()]
    color = alt.Color("flow:N", title=None, sort=domain, scale=_scale(
        domain, [_color(c) for c in (*stack, *line)]))
    x = alt.X("hour:Q", title=titles["hour"], scale=alt.Scale(domain=[0, 24]),
              axis=alt.Axis(values=list(range(0, 25, 3)), format="d"))
    scale = alt.Scale(domain=[0, y_max]) if y_max else alt.Scale()
    tooltip = [alt.Tooltip("hour:Q", title=titles["hour"]), alt.Tooltip("flow:N", title=""),
               alt.Tooltip("kw:Q", format=",.0f", title="kW")]
    area = (alt.Chart(_steps(day, stack))
            .mark_area(interpolate="step-after", opacity=0.9)
            .encode(x=x, y=alt.Y("kw:Q", stack="zero", title=titles["power"], scale=scale,
                                 axis=alt.Axis(format=",.0f")),
                    color=color, order=alt.Order("order:Q"), tooltip=tooltip))
    lines = (alt.Chart(_steps(day, line))
             .mark_line(interpolate="step-after", strokeWidth=2)
             .encode(x=x, y=alt.Y("kw:Q"), color=color, tooltip=tooltip))
    return alt.LayerChart(layer=[area, lines])


# --------------------------------------------------------------------------- money
def monthly_bills(table: pd.DataFrame, labels: Mapping[str, str], months: Sequence[str],
                  money_axis: tuple[float, str], month_title: str | None = None) -> alt.Chart:
    """Grouped bars of each month's bill without and with the system [currency].

    Parameters
    ----------
    table : pandas.DataFrame
        Index month 1..12; columns ``baseline`` and ``with_system`` [currency].
    labels : mapping
        ``baseline`` and ``with_system`` -> labels.
    months : sequence of str
        The 12 month labels.
    money_axis : (float, str)
        Scale and unit of the axis (:meth:`pvplanner.display.numbers.NumberFormat.money_axis`).
    month_title : str, optional
        Title of the month axis (none by default: month names speak for themselves).
    """
    series = ["baseline", "with_system"]
    frame = table.reset_index()
    frame["month_name"] = [months[int(m) - 1] for m in frame[frame.columns[0]]]
    long = frame.melt(id_vars="month_name", value_vars=series, var_name="column",
                      value_name="value")
    long["series"] = [labels[c] for c in long["column"]]
    domain = [labels[c] for c in series]
    scale, unit = money_axis
    return (alt.Chart(long).mark_bar(cornerRadiusTopLeft=1.5, cornerRadiusTopRight=1.5)
            .transform_calculate(shown=f"datum.value / {float(scale)!r}")
            .encode(x=alt.X("month_name:N", sort=list(months), title=month_title,
                            axis=alt.Axis(labelAngle=0)),
                    xOffset=alt.XOffset("series:N", sort=domain),
                    y=alt.Y("shown:Q", title=unit, axis=alt.Axis(format=",.0f")),
                    color=alt.Color("series:N", sort=domain, title=None, scale=_scale(
                        domain, [COLORS["baseline"], COLORS["with_system"]])),
                    tooltip=[alt.Tooltip("month_name:N", title=""),
                             alt.Tooltip("series:N", title=""),
                             alt.Tooltip("value:Q", format=",.0f", title="")]))


def cash_flow(table: pd.DataFrame, net: str, cumulative: str, labels: Mapping[str, str],
              money_axis: tuple[float, str], year_title: str,
              year_ticks: Sequence[int] | None = None) -> alt.LayerChart:
    """Bars of each year's net cash flow (green in, red out) and the cumulative line.

    Parameters
    ----------
    table : pandas.DataFrame
        Index year 0..N; the columns ``net`` and ``cumulative`` name [currency].
    net, cumulative : str
        Columns of the yearly net flow and of its running sum.
    labels : mapping
        ``net`` and ``cumulative`` -> legend labels.
    money_axis : (float, str)
        Scale and unit of the money axis.
    year_title : str
        Title of the year axis.
    year_ticks : sequence of int, optional
        The years to label (all by default).
    """
    data = pd.DataFrame({"year": [int(y) for y in table.index],
                         "net": table[net].astype(float).to_numpy(),
                         "cumulative": table[cumulative].astype(float).to_numpy()})
    data["sign"] = ["in" if v >= 0 else "out" for v in data["net"]]
    data["net_label"], data["cumulative_label"] = labels["net"], labels["cumulative"]
    scale, unit = money_axis
    ticks: dict[str, Any] = {"values": [int(y) for y in year_ticks]} if year_ticks else {}
    x = alt.X("year:O", title=year_title, axis=alt.Axis(labelAngle=0, **ticks))
    y = alt.Y("shown:Q", title=unit, axis=alt.Axis(format=",.0f"))
    legend = alt.Color("series:N", title=None, scale=_scale(
        [labels["net"], labels["cumulative"]], [COLORS["positive"], COLORS["brand"]]))
    bars = (alt.Chart(data).mark_bar()
            .transform_calculate(shown=f"datum.net / {float(scale)!r}",
                                 series="datum.net_label")
            .encode(x=x, y=y, color=legend,
                    fill=alt.Fill("sign:N", legend=None, scale=_scale(
                        ["in", "out"], [COLORS["positive"], COLORS["negative"]])),
                    tooltip=[alt.Tooltip("year:O", title=year_title),
                             alt.Tooltip("net:Q", format=",.0f", title=labels["net"])]))
    line = (alt.Chart(data)
            .mark_line(point=alt.OverlayMarkDef(size=28, filled=True), strokeWidth=2.2)
            .transform_calculate(shown=f"datum.cumulative / {float(scale)!r}",
                                 series="datum.cumulative_label")
            .encode(x=x, y=y, color=legend,
                    tooltip=[alt.Tooltip("year:O", title=year_title),
                             alt.Tooltip("cumulative:Q", format=",.0f",
                                         title=labels["cumulative"])]))
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#555").encode(y="zero:Q")
    return alt.LayerChart(layer=[bars, line, zero])


def tornado(table: pd.DataFrame, labels: Mapping[str, str], sides: Mapping[str, str],
            money_axis: tuple[float, str], base_title: str, npv_title: str = "NPV"
            ) -> alt.LayerChart:
    """The NPV of one design with each input moved down and up, largest swing on top.

    Each factor is a row of two bars drawn from the base NPV (a rule) to the NPV with the
    input lowered and raised; the data keep the NPVs in the currency, the axis shows them
    scaled by ``money_axis``.

    Parameters
    ----------
    table : pandas.DataFrame
        ``Result.sensitivity``: ``factor``, ``base_result``, ``result_low``,
        ``result_high`` [currency], largest swing first.
    labels : mapping
        Factor -> its label (with the move, e.g. "Investment +/-20 %").
    sides : mapping
        ``low`` and ``high`` -> legend labels (the input lowered / raised).
    money_axis : (float, str)
        Scale and unit of the NPV axis.
    base_title : str
        Tooltip title of the base NPV.
    npv_title : str
        Tooltip title of an NPV figure, in the reader's language.
    """
    scale, unit = money_axis
    rows = []
    for _, row in table.iterrows():
        for side in ("low", "high"):
            rows.append({"factor": labels.get(str(row["factor"]), str(row["factor"])),
                         "side": sides[side], "base": float(row["base_result"]),
                         "npv": float(row[f"result_{side}"])})
    data = pd.DataFrame(rows, columns=["factor", "side", "base", "npv"])
    order = list(dict.fromkeys(data["factor"]))
    domain = [sides["low"], sides["high"]]
    y = alt.Y("factor:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    bars = (alt.Chart(data).mark_bar(height={"band": 0.7})
            .transform_calculate(start=f"datum.base / {float(scale)!r}",
                                 end=f"datum.npv / {float(scale)!r}")
            .encode(y=y, x=alt.X("start:Q", title=unit, axis=alt.Axis(format=",.0f")),
                    x2="end:Q",
                    color=alt.Color("side:N", sort=domain, title=None, scale=_scale(
                        domain, [COLORS["negative"], COLORS["positive"]])),
                    tooltip=[alt.Tooltip("factor:N", title=""), alt.Tooltip("side:N", title=""),
                             alt.Tooltip("npv:Q", format=",.0f", title=npv_title)]))
    base = float(data["base"].iloc[0]) if len(data) else 0.0
    rule = (alt.Chart(pd.DataFrame({"base": [base], "label": [base_title]}))
            .transform_calculate(shown=f"datum.base / {float(scale)!r}")
            .mark_rule(color=COLORS["brand"], strokeWidth=1.5)
            .encode(x="shown:Q", tooltip=[alt.Tooltip("label:N", title=""),
                                         alt.Tooltip("base:Q", format=",.0f",
                                                     title=npv_title)]))
    return alt.LayerChart(layer=[bars, rule])


# --------------------------------------------------------------------------- carbon
def scope2(rows: Sequence[tuple[str, float, float]], labels: Mapping[str, str],
           x_title: str) -> alt.Chart:
    """Grouped bars of Scope 2 emissions before and after, one group per method [tCO2/yr].

    Parameters
    ----------
    rows : sequence of (method label, before, after)
        Emissions [tCO2/yr].
    labels : mapping
        ``before`` and ``after`` -> labels.
    x_title : str
        Title of the emissions axis.
    """
    before, after = labels["before"], labels["after"]
    data = pd.DataFrame(
        [{"method": method, "when": when, "tco2": float(value)}
         for method, value_before, value_after in rows
         for when, value in ((before, value_before), (after, value_after))],
        columns=["method", "when", "tco2"])
    return (alt.Chart(data).mark_bar(cornerRadiusTopRight=1.5, cornerRadiusBottomRight=1.5)
            .encode(y=alt.Y("method:N", title=None, sort=[r[0] for r in rows],
                            axis=alt.Axis(labelLimit=260)),
                    yOffset=alt.YOffset("when:N", sort=[before, after]),
                    x=alt.X("tco2:Q", title=x_title, axis=alt.Axis(format=",.0f")),
                    color=alt.Color("when:N", sort=[before, after], title=None, scale=_scale(
                        [before, after], [COLORS["baseline"], COLORS["self"]])),
                    tooltip=[alt.Tooltip("method:N", title=""), alt.Tooltip("when:N", title=""),
                             alt.Tooltip("tco2:Q", format=",.1f", title=x_title)]))


__all__ = [
    "COLORS",
    "DAY_FLOWS",
    "FLOW_COLORS",
    "cash_flow",
    "month_names",
    "monthly_bills",
    "monthly_energy",
    "present",
    "scope2",
    "tornado",
    "typical_day",
]
