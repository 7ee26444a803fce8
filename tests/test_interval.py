"""A meter file of 15-minute readings is planned on 15 minutes (issue 16, item 1).

The file is built here: a two-level factory load (900 kW on weekday shifts, else 500 kW)
whose 10:00-11:00 hour has the quarter hours 1,033, 982, 957 and 956 kW every day (hourly
mean 982 kW, the highest hour). The
tariff's maximum-demand charge must bill the 15-minute peak, 1,033 kW, not 982.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pvplanner.pipeline import _profiles, plan, scenario_tariff
from pvplanner.pv.subhourly import split_hours
from pvplanner.report import render_xlsx
from pvplanner.report.xlsx import HEADER_ROWS
from pvplanner.scenario.model import demo_scenario, parse_scenario
from weather.readers import read_weather_file

#: The quarter hours of each month's peak hour [kW]: mean 982, maximum 1,033.
PEAK_QUARTERS_KW = (1033.0, 982.0, 957.0, 956.0)


def _meter_frame() -> pd.DataFrame:
    """A 2025 year of 15-minute mean power [kW] (local standard time, interval start)."""
    index = pd.date_range("2025-01-01", periods=35040, freq="15min")
    hour = index.hour
    day_shift = (index.day_of_week < 5) & (hour >= 8) & (hour < 20)
    load = np.where(day_shift, 900.0, 500.0)
    # Every day's 10:00-11:00 (so that every month of the typical year has it, however
    # the reader maps 2025's days onto it).
    load[hour == 10] = np.tile(PEAK_QUARTERS_KW, 365)
    return pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "load_kw": load})


def _scenario(meter_path) -> dict:
    data = demo_scenario().model_dump(mode="json")
    data["load"] = {"kind": "meter_file", "meter_file": str(meter_path)}
    return data


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("interval")
    frame = _meter_frame()
    quarter = folder / "meter_15min.csv"
    quarter.write_text(frame.to_csv(index=False), encoding="utf-8")
    hourly = frame.assign(hour=np.arange(len(frame)) // 4).groupby("hour").agg(
        time=("time", "first"), load_kw=("load_kw", "mean"))
    hour_path = folder / "meter_hourly.csv"
    hour_path.write_text(hourly.to_csv(index=False), encoding="utf-8")
    return quarter, hour_path


@pytest.fixture(scope="module")
def plans(files):
    quarter, hourly = files
    return plan(_scenario(quarter), with_npv_curve=False), plan(_scenario(hourly),
                                                                with_npv_curve=False)


def test_a_15_minute_meter_file_is_planned_on_35040_steps(plans):
    fine, coarse = plans
    assert len(fine.hourly) == 35040
    assert fine.hourly.index[1] - fine.hourly.index[0] == pd.Timedelta(minutes=15)
    assert len(coarse.hourly) == 8760
    interval = {a.item: a.value for a in fine.assumptions}["load.interval_minutes"]
    assert interval == 15
    assert fine.hourly["load_kw"].max() == pytest.approx(max(PEAK_QUARTERS_KW))
    assert coarse.hourly["load_kw"].max() == pytest.approx(np.mean(PEAK_QUARTERS_KW))
    assert any("15 minutes" in str(w) for w in fine.warnings)


def test_demand_charges_bill_the_15_minute_maximum(plans, files):
    fine, coarse = plans
    tariff = scenario_tariff(parse_scenario(_scenario(files[0])))
    (charge,) = tariff.demand_charges  # one maximum-demand charge, every month and hour
    assert tariff.basic_charge_basis == "max_demand"
    assert not charge.months and not charge.periods and not charge.tiers
    rate = charge.rate_per_kw_month
    # By hand: every month's highest quarter hour is 1,033 kW (its highest hour 982 kW).
    assert fine.bill_baseline_monthly["demand"].sum() == pytest.approx(
        12 * rate * max(PEAK_QUARTERS_KW), rel=1e-9)
    assert coarse.bill_baseline_monthly["demand"].sum() == pytest.approx(
        12 * rate * np.mean(PEAK_QUARTERS_KW), rel=1e-9)
    # The energy billed is the same load either way.
    assert fine.energy.load_kwh == pytest.approx(coarse.energy.load_kwh, rel=1e-9)


def test_pv_energy_at_15_minutes_is_the_hourly_energy(plans):
    fine, coarse = plans
    for quarter, hour in zip(fine.pv.planes, coarse.pv.planes, strict=True):
        assert quarter.specific_yield_kwh_per_kwp == pytest.approx(
            hour.specific_yield_kwh_per_kwp, rel=1e-9)
    # ... but not the hourly shape: the quarters move within each hour.
    per_kwp = fine.hourly["pv_available_kw"] / max(fine.pv.capacity_kwp, 1e-9)
    hourly_means = per_kwp.to_numpy().reshape(-1, 4).mean(axis=1)
    spread = per_kwp.to_numpy().reshape(-1, 4).std(axis=1)
    assert spread.max() > 0.01
    assert np.allclose(np.repeat(hourly_means, 4).reshape(-1, 4).mean(axis=1), hourly_means)


def test_the_workbook_has_a_row_per_quarter_hour(plans):
    fine, _ = plans
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(fine, "en", date=dt.date(2026, 3, 15))),
                                  read_only=True)
    rows = list(book["Hourly results"].iter_rows(max_col=2, values_only=True))
    assert len(rows) - HEADER_ROWS == 35040
    assert rows[0][0] == "Time (local standard time, start of each 15-minute step)"
    assert rows[HEADER_ROWS + 1][0] - rows[HEADER_ROWS][0] == pd.Timedelta(minutes=15)
    assert max(row[1] for row in rows[HEADER_ROWS:]) == pytest.approx(max(PEAK_QUARTERS_KW))


def test_split_hours_keeps_each_hour_and_the_limits():
    rng = np.random.default_rng(3)
    hours = rng.uniform(0.0, 0.8, 500)
    hours[::7] = 0.0
    shape = np.abs(rng.normal(0.5, 0.4, 2000))
    shape[4 * 9:4 * 10] = 0.0  # an hour with output but no clear-sky shape: split evenly
    quarters = split_hours(hours, shape, 0.8)
    np.testing.assert_allclose(quarters.reshape(-1, 4).mean(axis=1), hours, rtol=0, atol=1e-12)
    assert quarters.min() >= 0.0
    assert quarters.max() <= 0.8 + 1e-12
    np.testing.assert_allclose(quarters[4 * 9:4 * 10], hours[9])


def test_sub_hourly_weather_is_simulated_at_15_minutes(tmp_path):
    # A plain CSV of 15-minute weather: the hourly demo weather held over each hour, with
    # each hour's last quarter dark.
    scenario = demo_scenario()
    site = scenario.site
    key = (site.latitude, site.longitude, "synthetic", None, 0, 8.0)  # on UTC+8
    from pvplanner.pipeline import _weather

    hourly, _ = _weather(key)
    quarters = hourly.loc[hourly.index.repeat(4)].reset_index(drop=True)
    stamps = pd.date_range("2025-01-01", periods=35040, freq="15min")
    for column in ("ghi", "dni", "dhi"):
        values = quarters[column].to_numpy().reshape(-1, 4).copy()
        values[:, 3] = 0.0
        quarters[column] = values.reshape(-1)
    text = f"# latitude={site.latitude}, longitude={site.longitude}\n"
    text += quarters.assign(time=stamps.strftime("%Y-%m-%d %H:%M"))[
        ["time", "ghi", "dni", "dhi", "temp_air", "wind_speed"]].to_csv(index=False)
    path = tmp_path / "wx15.csv"
    path.write_text(text, encoding="utf-8")

    frame, meta = read_weather_file(path, interval_minutes=15)
    assert len(frame) == 35040
    planes = json.dumps([p.model_dump(mode="json") for p in scenario.roof_planes])
    wx_key = (site.latitude, site.longitude, "auto", str(path), 0, 8.0)
    profiles, note = _profiles(wx_key, 10.0, planes, scenario.pv.model_dump_json(), 15)
    assert len(profiles) == 35040 and note == ""  # simulated, not split
    # Each hour's last quarter is dark in the file, so it is dark in the output.
    last = profiles.to_numpy()[3::4]
    assert last.max() == pytest.approx(0.0, abs=1e-9)
