"""The public load API: re-exports and inspect_meter_file (what `pvplanner load inspect` shows)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import pvplanner.load as load
from pvplanner.errors import LoadFileError
from weather.timeaxis import typical_year_index


def meter_csv() -> bytes:
    starts = pd.date_range("2025-01-01", periods=96 * 365, freq="15min")
    hour = starts.hour.to_numpy()
    working = (starts.day_of_week.to_numpy() < 5) & (hour >= 8) & (hour < 18)
    kw = np.where(working, 300.0, 80.0)
    kw[5000:5008] = np.nan  # a 2-hour gap: interpolated
    lines = ["时间,有功功率(kW)"] + [
        f"{t:%Y-%m-%d %H:%M}," + ("" if np.isnan(v) else f"{v}")
        for t, v in zip(starts, kw, strict=True)
    ]
    return "\n".join(lines).encode("utf-8")


def test_public_names():
    for name in load.__all__:
        assert hasattr(load, name), name


def test_inspect_meter_file_with_tariff_series():
    index = typical_year_index(8, 60)
    hour = index.hour.to_numpy()
    periods = pd.Series(
        np.where(hour < 8, "valley", np.where(hour < 16, "peak", "flat")), index=index
    )
    prices = pd.Series(np.where(hour < 8, 0.3, np.where(hour < 16, 1.1, 0.7)), index=index)
    report = load.inspect_meter_file(
        meter_csv(), price_per_kwh=prices, periods=periods, demand_charge_per_kw_month=30.0
    )
    text = json.dumps(report, allow_nan=False, ensure_ascii=False)
    assert set(report) == {"load", "quality", "notes", "analytics", "recommendations"}
    assert report["load"]["interval_minutes"] == 15 and report["load"]["steps"] == 35040
    assert report["quality"]["interpolated_intervals"] == 8
    assert report["analytics"]["by_period"]["peak"]["mean_price_per_kwh"] == pytest.approx(1.1)
    ids = [r["id"] for r in report["recommendations"]]
    assert "shift_peak_to_valley" in ids and "offhours_baseload" in ids
    assert "有功功率" in text


def test_inspect_without_tariff_and_bad_file():
    report = load.inspect_meter_file(meter_csv(), include_heatmap=False)
    assert report["analytics"]["by_period"] is None and "heatmap_kw" not in report["analytics"]
    with pytest.raises(LoadFileError):
        load.inspect_meter_file(b"not,a\nmeter,file\n")


def test_inspect_names_the_files_own_dates():
    """`load inspect` cites the day the file's peak happened (2025-06-18), not the day of the
    typical year the file was mapped onto."""
    starts = pd.date_range("2025-01-01", periods=96 * 365, freq="15min")
    kw = np.full(len(starts), 100.0)
    kw[starts.get_loc(pd.Timestamp("2025-06-18 14:15"))] = 900.0
    lines = ["时间,有功功率(kW)"] + [f"{t:%Y-%m-%d %H:%M},{v}" for t, v in zip(starts, kw, strict=True)]
    report = load.inspect_meter_file("\n".join(lines).encode("utf-8"), include_heatmap=False)
    assert str(report["analytics"]["max_time"]).startswith("2025-06-18T14:15")
    assert report["analytics"]["calendar"] == "meter_file"
