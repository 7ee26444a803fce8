"""Altair charts of the app. Inputs are tables of pvplanner's API; labels come translated.

The charts the proposal draws too (monthly energy, typical day, bills, cash flow, Scope 2) are
the shared specs of :mod:`pvplanner.display.charts`, called here with the app's sizes; the
others are the app's own. Only reshaping for display happens here: every quantity is the API's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from pvplanner.display import charts as specs
from pvplanner.display.charts import month_names

#: Colours of the time-of-use periods (sharp -> deep valley: hot to cold).
PERIOD_COLORS = {
    "sharp": "#b2182b", "peak": "#ef8a62", "flat": "#f2d479", "valley": "#67a9cf",
    "deep_valley": "#2166ac",
}


def day_format(lang: str) -> str:
    """A day as a chart's axis or tooltip writes it in the reader's language (Vega's own
    default is English: "Thu 09", "Jul 12")."""
    return "%-m月%-d日" if lang == "zh" else "%b %-d"


def _scale(labels: Mapping[str, str], colors: Mapping[str, str]) -> alt.Scale:
    keys = [k for k in labels if k in colors]
    return alt.Scale(domain=[labels[k] for k in keys], range=[colors[k] for k in keys])


# --------------------------------------------------------------------------- load
def load_heatmap(heatmap_kw: pd.DataFrame, lang: str, titles: Mapping[str, str]) -> alt.Chart:
    """Mean kW by day of year (x) and hour of day (y)."""
    frame = heatmap_kw.copy()
    frame.index = pd.to_datetime([str(i) for i in frame.index])
    long = frame.reset_index(names="date").melt(id_vars="date", var_name="hour", value_name="kw")
    long["hour"] = long["hour"].astype(int)
    # The year's own dates: Vega's "monthdate" unit puts every day on a leap year, which
    # left an empty column at 29 February in the other years.
    return alt.Chart(long).mark_rect().encode(
        x=alt.X("yearmonthdate(date):T", title=titles["date"],
                axis=alt.Axis(format="%-m月" if lang == "zh" else "%b", tickCount=12)),
        y=alt.Y("hour:O", title=titles["hour"], sort="descending"),
        color=alt.Color("kw:Q", title="kW", scale=alt.Scale(scheme="viridis")),
        tooltip=[alt.Tooltip("date:T", title=titles["date"], format=day_format(lang)),
                 alt.Tooltip("hour:O", title=titles["hour"]),
                 alt.Tooltip("kw:Q", title="kW", format=",.0f")],
    ).properties(height=300)


def period_shares(by_period: Mapping[str, Mapping[str, float | None]],
                  labels: Mapping[str, str], titles: Mapping[str, str]) -> alt.Chart:
    """Share of energy (and cost when known) per time-of-use period."""
    rows = []
    for period, entry in by_period.items():
        name = labels.get(period, period)
        if entry.get("share") is not None:
            rows.append({"what": titles["energy"], "period": name, "value": entry["share"]})
        if entry.get("cost") is not None:
            rows.append({"what": titles["cost"], "period": name, "value": entry["cost"]})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_bar()
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("what:N", title=None),
        x=alt.X("value:Q", stack="normalize", title=titles["share"],
                axis=alt.Axis(format="%")),
        color=alt.Color("period:N", scale=_scale(labels, PERIOD_COLORS), title=None),
        order=alt.Order("period_order:Q"),
        tooltip=[alt.Tooltip("period:N", title=""),
                 alt.Tooltip("value:Q", format=",.3~f", title=titles["share"])],
    ).transform_calculate(
        period_order=f"indexof({list(labels.values())!r}, datum.period)"
    ).properties(height=130)


def typical_days(profiles: Mapping[str, Sequence[float]], labels: Mapping[str, str],
                 titles: Mapping[str, str]) -> alt.Chart:
    """Mean kW by hour for each day type."""
    rows = [{"day": labels.get(day, day), "hour": hour, "kw": value}
            for day, values in profiles.items() for hour, value in enumerate(values)]
    return alt.Chart(pd.DataFrame(rows)).mark_line(point=True).encode(
        x=alt.X("hour:Q", title=titles["hour"], scale=alt.Scale(domain=[0, 23])),
        y=alt.Y("kw:Q", title="kW"),
        color=alt.Color("day:N", title=None),
        tooltip=[alt.Tooltip("day:N", title=""), alt.Tooltip("hour:Q", title=titles["hour"]),
                 alt.Tooltip("kw:Q", format=",.0f", title="kW")],
    ).properties(height=280)


def monthly_load(monthly_kwh: Sequence[float | None], monthly_max_kw: Sequence[float | None],
                 lang: str, titles: Mapping[str, str]) -> alt.LayerChart:
    """Energy per month (bars) and monthly peak (line, right axis)."""
    months = month_names(lang)
    frame = pd.DataFrame({"month": months, "kwh": list(monthly_kwh),
                          "kw": list(monthly_max_kw)})
    base = alt.Chart(frame).encode(x=alt.X("month:N", sort=months, title=None,
                                          axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(color="#4c78a8").encode(
        y=alt.Y("kwh:Q", title=titles["energy"]),
        tooltip=[alt.Tooltip("month:N", title=""), alt.Tooltip("kwh:Q", format=",.0f",
                                                               title=titles["energy"])])
    line = base.mark_line(color="#d62728", point=True).encode(
        y=alt.Y("kw:Q", title=titles["peak"]),
        tooltip=[alt.Tooltip("kw:Q", format=",.0f", title=titles["peak"])])
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=280)


# --------------------------------------------------------------------------- tariff
def period_schedule(codes: pd.DataFrame, labels: Mapping[str, str], lang: str,
                    titles: Mapping[str, str]) -> alt.Chart:
    """Time-of-use period of each hour of a workday, month by month."""
    months = month_names(lang)
    frame = codes.copy()
    frame["month_name"] = [months[m - 1] for m in frame["month"]]
    frame["period_name"] = [labels.get(p, p) for p in frame["period"]]
    return alt.Chart(frame).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("hour:O", title=titles["hour"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y("month_name:N", sort=months, title=None),
        color=alt.Color("period_name:N", scale=_scale(labels, PERIOD_COLORS), title=None),
        tooltip=[alt.Tooltip("month_name:N", title=""), alt.Tooltip("hour:O", title=titles["hour"]),
                 alt.Tooltip("period_name:N", title="")],
    ).properties(height=300)


def price_levels(prices: Mapping[str, float], labels: Mapping[str, str],
                 titles: Mapping[str, str]) -> alt.Chart:
    """Energy price of each period."""
    frame = pd.DataFrame([{"period": labels.get(k, k), "price": v} for k, v in prices.items()])
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("period:N", sort=list(labels.values()), title=None,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("price:Q", title=titles["price"]),
        color=alt.Color("period:N", scale=_scale(labels, PERIOD_COLORS), legend=None),
        tooltip=[alt.Tooltip("period:N", title=""),
                 alt.Tooltip("price:Q", format=".4f", title=titles["price"])],
    ).properties(height=220)


# --------------------------------------------------------------------------- results
def npv_curve(curve: pd.DataFrame, optimum_kwp: float, optimum_npv: float,
              titles: Mapping[str, str]) -> alt.LayerChart:
    """NPV versus PV capacity with the chosen design marked."""
    line = alt.Chart(curve).mark_line(point=True, color="#4c78a8").encode(
        x=alt.X("capacity_kwp:Q", title=titles["capacity"]),
        y=alt.Y("npv:Q", title=titles["npv"]),
        tooltip=[alt.Tooltip("capacity_kwp:Q", format=",.0f", title=titles["capacity"]),
                 alt.Tooltip("npv:Q", format=",.0f", title=titles["npv"])],
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#999",
                                                          strokeDash=[4, 4]).encode(y="y:Q")
    best = pd.DataFrame({"capacity_kwp": [optimum_kwp], "npv": [optimum_npv],
                         "label": [titles["optimum"]]})
    point = alt.Chart(best).mark_point(shape="diamond", size=300, filled=True,
                                       color="#d62728").encode(
        x="capacity_kwp:Q", y="npv:Q",
        tooltip=[alt.Tooltip("label:N", title=""),
                 alt.Tooltip("capacity_kwp:Q", format=",.0f", title=titles["capacity"]),
                 alt.Tooltip("npv:Q", format=",.0f", title=titles["npv"])])
    rule = alt.Chart(best).mark_rule(color="#d62728", strokeDash=[2, 2]).encode(
        x="capacity_kwp:Q")
    text = alt.Chart(best).mark_text(dy=-16, color="#d62728", fontWeight="bold").encode(
        x="capacity_kwp:Q", y="npv:Q", text="label:N")
    return alt.layer(zero, line, rule, point, text).properties(height=320)


def monthly_pv_vs_load(monthly: pd.DataFrame, lang: str, labels: Mapping[str, str],
                       titles: Mapping[str, str]) -> alt.LayerChart:
    """Where each month's PV went (stacked bars) against the month's load (line) [MWh]."""
    flows = ("pv_to_load", "pv_to_battery", "pv_to_grid", "curtailed")
    shown = specs.present([monthly], [f"{c}_kwh" for c in flows]) or ["pv_to_load_kwh"]
    stack = {c: labels[c.removesuffix("_kwh")] for c in shown}
    return specs.monthly_energy(monthly, stack, {"load_kwh": labels["load"]},
                                month_names(lang), titles["energy"]).properties(height=320)


def day_flows(day: pd.DataFrame, labels: Mapping[str, str],
              titles: Mapping[str, str]) -> alt.LayerChart:
    """A typical day: what supplies the load, then where surplus PV goes (stacked areas that
    balance hour by hour), and the load (line)."""
    shown = specs.present([day], specs.DAY_FLOWS) or ["pv_to_load_kw"]
    stack = {c: labels[c.removesuffix("_kw")] for c in shown}
    return specs.typical_day(day, stack, {"load_kw": labels["load"]},
                             {"hour": titles["hour"], "power": "kW"}).properties(height=320)


def cash_flow(frame: pd.DataFrame, annual: str, cumulative: str,
              titles: Mapping[str, str]) -> alt.LayerChart:
    """Net cash flow per year (bars) and cumulative (line) [currency]."""
    labels = {"net": titles["annual"], "cumulative": titles["cumulative"]}
    return specs.cash_flow(frame, annual, cumulative, labels, (1.0, titles["money"]),
                           titles["year"]).properties(height=320)


def state_of_charge(window: pd.DataFrame, titles: Mapping[str, str]) -> alt.Chart:
    """Battery energy over a few days."""
    data = window.reset_index(names="time")[["time", "soc_kwh"]]
    data["time"] = data["time"].dt.tz_localize(None)
    return alt.Chart(data).mark_area(line=True, opacity=0.4, color="#7b3294").encode(
        # Numbers only (Vega's default labels are English day and month names).
        x=alt.X("time:T", title=None, axis=alt.Axis(format="%m-%d %H:%M", labelAngle=0)),
        y=alt.Y("soc_kwh:Q", title=titles["soc"]),
        tooltip=[alt.Tooltip("time:T", format="%m-%d %H:%M", title=""),
                 alt.Tooltip("soc_kwh:Q", format=",.0f", title="kWh")],
    ).properties(height=260)


def monthly_bills(before: Sequence[float], after: Sequence[float], lang: str,
                  titles: Mapping[str, str]) -> alt.Chart:
    """Electricity bill per month before and with the system [currency]."""
    table = pd.DataFrame({"baseline": list(before), "with_system": list(after)},
                         index=pd.RangeIndex(1, len(before) + 1, name="month"))
    labels = {"baseline": titles["before"], "with_system": titles["after"]}
    return specs.monthly_bills(table, labels, month_names(lang),
                               (1.0, titles["money"])).properties(height=300)


# --------------------------------------------------------------------------- carbon
def scope2(rows: Sequence[tuple[str, float, float]], titles: Mapping[str, str]) -> alt.Chart:
    """Scope 2 emissions before and after, per accounting method [tCO2/yr]; ``titles`` has
    ``before``, ``after`` and ``unit`` (the axis's, in the reader's language)."""
    return specs.scope2(rows, titles, titles["unit"]).properties(height=200)


def by_year(frame: pd.DataFrame, columns: Mapping[str, str], titles: Mapping[str, str],
            colors: Sequence[str] = ("#1a9850", "#4c78a8", "#f4a300")) -> alt.Chart:
    """Stacked bars of some columns of a by-year table (certificate and credit revenue...)."""
    data = frame.reset_index()
    long = data.melt(id_vars="year", value_vars=list(columns), var_name="what",
                     value_name="value")
    long["what"] = [columns[w] for w in long["what"]]
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("year:O", title=titles["year"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=titles["value"]),
        color=alt.Color("what:N", scale=alt.Scale(domain=list(columns.values()),
                                                  range=list(colors)[:len(columns)]),
                        title=None),
        tooltip=[alt.Tooltip("year:O", title=titles["year"]), alt.Tooltip("what:N", title=""),
                 alt.Tooltip("value:Q", format=",.1f", title=titles["value"])],
    ).properties(height=280)


# --------------------------------------------------------------------------- compare
def compare_bars(frame: pd.DataFrame, value: str, title: str, fmt: str = ",.0f") -> alt.Chart:
    """One KPI across saved scenarios."""
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("scenario:N", title=None, sort=None, axis=alt.Axis(labelLimit=110)),
        x=alt.X(f"{value}:Q", title=title),
        color=alt.Color("scenario:N", legend=None),
        tooltip=[alt.Tooltip("scenario:N", title=""), alt.Tooltip(f"{value}:Q", format=fmt,
                                                                  title=title)],
    ).properties(height=max(90, 34 * len(frame)))


def compare_lines(frame: pd.DataFrame, x: str, y: str, titles: Mapping[str, str],
                  sort: Sequence[str] | None = None) -> alt.Chart:
    """One table column across saved scenarios (monthly PV, cumulative cash...)."""
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X(f"{x}:{'N' if sort else 'Q'}", sort=list(sort) if sort else "ascending",
                title=titles.get("x")),
        y=alt.Y(f"{y}:Q", title=titles.get("y")),
        color=alt.Color("scenario:N", title=None),
        tooltip=[alt.Tooltip("scenario:N", title=""), alt.Tooltip(f"{x}", title=titles.get("x", "")),
                 alt.Tooltip(f"{y}:Q", format=",.0f", title=titles.get("y", ""))],
    ).properties(height=300)
