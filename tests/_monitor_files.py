"""Synthetic metered files for the monitor tests, made from the plan's own expectation.

No tests here: the plan of the demo scenario (offline, synthetic weather, no NPV curve) and
files built from its hourly expectation with known underperformance, outages, curtailment
and gaps, so every figure the monitor finds has a known true value.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from pvplanner.monitor.expected import typical_positions


@cache
def demo_plan():
    """The demo scenario and its plan (computed once per test process)."""
    import pvplanner

    scenario = pvplanner.demo_scenario()
    return scenario, pvplanner.plan(scenario, with_npv_curve=False)


def expected_kw(index: pd.DatetimeIndex) -> np.ndarray:
    """The plan's typical-year expectation on real timestamps (hour of each stamp) [kW]."""
    _, result = demo_plan()
    return result.hourly["pv_available_kw"].to_numpy()[typical_positions(index)]


def sunniest_days(index: pd.DatetimeIndex, values: np.ndarray, month: str,
                  n: int) -> pd.DatetimeIndex:
    """The ``n`` consecutive days of ``month`` (``YYYY-MM``) with the most expected energy."""
    daily = pd.Series(values, index=index).resample("D").sum()[month]
    end = daily.rolling(n).sum().idxmax()
    return pd.date_range(end - pd.Timedelta(days=n - 1), end, freq="D")


def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    """A frame as CSV bytes in an encoding (GBK for Chinese exports)."""
    return frame.to_csv(index=False).encode(encoding)
