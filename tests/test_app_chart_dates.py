"""The app's time axes read in the reader's language and cover the year's own days.

Vega writes a time axis with English day and month names unless told a format ("Thu 09",
"Jul 12" on the Chinese Results page), and its "monthdate" unit places every day on a leap
year, which left an empty column at 29 February in the load heat map of other years.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pvplanner.app import charts


def _spec(chart) -> dict:
    with alt.data_transformers.disable_max_rows():  # as the app does: a year of hours
        return chart.to_dict()


def _x(chart) -> dict:
    return _spec(chart)["encoding"]["x"]


def test_the_heat_map_has_a_column_for_each_day_of_its_own_year():
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    heatmap = pd.DataFrame({str(h): range(len(days)) for h in range(24)},
                           index=[d.strftime("%Y-%m-%d") for d in days])
    chart = charts.load_heatmap(heatmap, "zh", {"date": "日期", "hour": "小时"})
    x = _x(chart)
    assert x["timeUnit"] == "yearmonthdate"  # not "monthdate" (a leap year's 366 columns)
    assert x["axis"]["format"] == "%-m月"
    date_tip = next(tip for tip in _spec(chart)["encoding"]["tooltip"]
                    if tip["field"] == "date")
    assert date_tip["format"] == "%-m月%-d日"
    assert charts.day_format("en") == "%b %-d"


def test_the_state_of_charge_axis_is_written_in_numbers():
    times = pd.date_range("2026-07-09", periods=96, freq="h", tz="Asia/Shanghai")
    window = pd.DataFrame({"soc_kwh": range(96)}, index=times)
    x = _x(charts.state_of_charge(window, {"soc": "储能电量 [kWh]"}))
    assert x["axis"]["format"] == "%m-%d %H:%M"
