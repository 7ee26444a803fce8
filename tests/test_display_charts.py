"""One chart spec per chart for app and proposal (pvplanner.display.charts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pvplanner.app import charts as app_charts
from pvplanner.display import charts as specs
from pvplanner.display.numbers import NumberFormat
from pvplanner.report import charts as report_charts
from pvplanner.report.text import Texts as ReportTexts


def _day() -> pd.DataFrame:
    hours = pd.Index(np.arange(24, dtype=float), name="hour")
    sun = np.clip(np.sin((hours - 6) / 12 * np.pi), 0, None) * 900
    load = np.full(24, 600.0)
    to_load = np.minimum(sun, load)
    return pd.DataFrame({"pv_to_load_kw": to_load, "grid_to_load_kw": load - to_load,
                         "pv_to_grid_kw": sun - to_load, "battery_to_load_kw": 0.0,
                         "load_kw": load}, index=hours)


def _data(chart) -> list[pd.DataFrame]:
    spec = chart.to_dict() if hasattr(chart, "to_dict") else chart
    return [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values()]


def _marks(spec: dict) -> list[str]:
    found = []
    for layer in spec.get("layer", []):
        mark = layer.get("mark")
        found.append(mark if isinstance(mark, str) else mark.get("type"))
    return found


def test_typical_day_stack_balances_hour_by_hour():
    day = _day()
    chart = specs.typical_day(day, {c: c for c in specs.present([day], specs.DAY_FLOWS)},
                              {"load_kw": "load"}, {"hour": "h", "power": "kW"})
    frames = _data(chart)
    area = next(f for f in frames if set(f["flow"]) >= {"pv_to_load_kw"})
    assert "battery_to_load_kw" not in set(area["flow"])  # no legend entry for no battery
    supply = area.loc[area["flow"].isin(["pv_to_load_kw", "grid_to_load_kw"])]
    by_hour = supply.groupby("hour")["kw"].sum()
    assert by_hour.to_numpy() == pytest.approx(np.append(day["load_kw"], 600.0))
    assert area["hour"].max() == 24.0  # the last step is closed at the end of its hour


def test_app_and_report_draw_the_same_cash_flow_spec():
    cash = pd.DataFrame({"net": [-1000.0, 300.0, 400.0, 500.0]},
                        index=pd.RangeIndex(0, 4, name="year"))
    cash["cumulative"] = cash["net"].cumsum()
    report = report_charts.cash_flow_chart(cash, ReportTexts("en"), NumberFormat("en"))
    app = app_charts.cash_flow(cash, "net", "cumulative", {
        "year": "Year", "money": "CNY", "annual": "Net", "cumulative": "Cumulative"}).to_dict()
    assert _marks(report) == _marks(app) == ["bar", "line", "rule"]
    for spec in (report, app):
        data = next(f for f in _data(spec) if "net" in f.columns)
        assert data["net"].tolist() == cash["net"].tolist()  # the table's own figures
        assert data["cumulative"].tolist() == cash["cumulative"].tolist()
    # the report shows thousands of CNY on its axis; the data stay in CNY
    assert "datum.net / 1000.0" in str(report)


def test_app_and_report_draw_the_same_monthly_charts():
    months = pd.RangeIndex(1, 13, name="month")
    monthly = pd.DataFrame({"load_kwh": 500e3, "self_consumed_kwh": 200e3, "exported_kwh": 50e3,
                            "curtailed_kwh": 0.0, "pv_to_load_kwh": 200e3,
                            "pv_to_grid_kwh": 50e3}, index=months)
    report = report_charts.monthly_energy_chart(monthly, ReportTexts("zh"))
    app = app_charts.monthly_pv_vs_load(monthly, "zh", {
        "pv_to_load": "自用", "pv_to_grid": "上网", "load": "负荷"}, {"energy": "MWh"}).to_dict()
    assert _marks(report) == _marks(app) == ["bar", "line"]
    report_bars = next(f for f in _data(report) if "series" in f.columns and len(f) == 24)
    assert set(report_bars["series"]) == {"光伏自用电量", "余电上网"}  # no empty curtailment
    assert report_bars["month_name"].iloc[0] == "1月"
    bills = pd.DataFrame({"baseline": 400e3, "with_system": 300e3}, index=months)
    report = report_charts.bills_chart(bills, ReportTexts("zh"), NumberFormat("zh"))
    app = app_charts.monthly_bills([400e3] * 12, [300e3] * 12, "zh", {
        "before": "前", "after": "后", "money": "CNY"}).to_dict()
    assert report["mark"]["type"] == app["mark"]["type"] == "bar"
    assert report["encoding"]["y"]["title"] == "万元"


def test_a_battery_charged_from_the_grid_shows_in_the_typical_day():
    """A night of grid charging is a layer of its own above the load, in the proposal's
    chart with its label (the grid's supply to the battery was left out of the stack)."""
    day = _day()
    day["battery_to_load_kw"] = 0.0
    day["pv_to_battery_kw"] = 0.0
    day["grid_to_battery_kw"] = np.where(day.index < 6, 400.0, 0.0)
    frames = _data(report_charts.typical_day_chart([("1月24日", day)], ReportTexts("zh")))
    area = next(f for f in frames if "flow" in f.columns)
    night = area.loc[(area["flow"] == "电网充电") & (area["hour"] < 6), "kw"]
    assert night.tolist() == [400.0] * 6
