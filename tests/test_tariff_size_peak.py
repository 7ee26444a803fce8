"""The tariff's size class follows the demand the meter sees: with a 15-minute meter file, the
highest 15-minute mean, not the highest hourly mean (issue 16).

Jiangsu bills two-part (large industry) from 315 kVA. The factory here runs at 200 kW with a
daily 10:00-11:00 hour of quarter hours 400, 250, 250 and 250 kW: an hourly mean of 287.5 kW
(below 315) but a 15-minute peak of 400 kW (above it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pvplanner.pipeline import scenario_tariff_decision
from pvplanner.scenario.model import demo_scenario, parse_scenario

QUARTERS_KW = (400.0, 250.0, 250.0, 250.0)
BASE_KW = 200.0


def _quarter_hours() -> pd.DataFrame:
    index = pd.date_range("2025-01-01", periods=35040, freq="15min")
    load = np.full(len(index), BASE_KW)
    load[index.hour == 10] = np.tile(QUARTERS_KW, 365)
    return pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "load_kw": load})


def _scenario(meter_path) -> object:
    data = demo_scenario().model_dump(mode="json")
    data["site"].update({"province": "Jiangsu", "city": "Suzhou", "latitude": 31.3,
                         "longitude": 120.6})
    data["tariff"]["preset"] = None
    data["tariff"]["transformer_kva"] = None
    data["project"]["grid_voltage_kv"] = None
    data["load"] = {"kind": "meter_file", "meter_file": str(meter_path)}
    return parse_scenario(data)


@pytest.fixture(scope="module")
def meter_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("size_peak")
    frame = _quarter_hours()
    quarter = folder / "quarter.csv"
    quarter.write_text(frame.to_csv(index=False), encoding="utf-8")
    hourly = frame.assign(hour=np.arange(len(frame)) // 4).groupby("hour").agg(
        time=("time", "first"), load_kw=("load_kw", "mean"))
    hour = folder / "hourly.csv"
    hour.write_text(hourly.to_csv(index=False), encoding="utf-8")
    return quarter, hour


def test_a_15_minute_meter_picks_the_class_of_its_15_minute_peak(meter_files):
    quarter, _ = meter_files
    pick = scenario_tariff_decision(_scenario(quarter)).pick
    assert pick is not None and pick.basis == "peak"
    assert pick.basis_value == pytest.approx(max(QUARTERS_KW))
    assert pick.basis_value >= pick.threshold_kva == 315
    assert pick.customer_class == "large_industry"


def test_the_same_load_metered_hourly_stays_general(meter_files):
    _, hourly = meter_files
    pick = scenario_tariff_decision(_scenario(hourly)).pick
    assert pick.basis_value == pytest.approx(np.mean(QUARTERS_KW))  # 287.5 kW
    assert pick.basis_value < pick.threshold_kva
    assert pick.customer_class != "large_industry"
