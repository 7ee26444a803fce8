"""What the plan expects the PV to produce on the metered dates.

Two bases, both the plan's own PV model:

* **typical year**: the plan's hourly ``pv_available_kw`` (its typical-year weather through
  :func:`pvplanner.pv.ac_kw_per_kwp` at the chosen capacity per plane), mapped onto the metered
  dates by month, day and hour (29 February takes 28 February);
* **measured weather**: the same model on measured weather (a weather file through the
  ``weather`` readers, or a pyranometer's irradiance series), with the plan's capacity per
  plane: :func:`expected_from_weather`.

Either can be scaled by the plan's degradation for each operating year
(:func:`planned_degradation`), counted from the scenario's ``start_date``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.pv import ac_kw_per_kwp, degradation_factors

__all__ = [
    "expected_from_weather",
    "map_typical_year",
    "operating_years",
    "planned_degradation",
    "typical_positions",
]

_DAYS_BEFORE_MONTH = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def typical_positions(index: pd.DatetimeIndex) -> np.ndarray:
    """Row of the 8760-hour typical year holding each timestamp's month, day and hour.

    29 February takes 28 February. The index must already be in the site's standard time.

    Examples
    --------
    >>> index = pd.DatetimeIndex(["2024-01-01 00:30", "2024-02-29 13:00", "2024-12-31 23:00"])
    >>> typical_positions(index).tolist()
    [0, 1405, 8759]
    """
    month = index.month.to_numpy()
    day = np.minimum(index.day.to_numpy(), np.where(month == 2, 28, 31))
    return ((_DAYS_BEFORE_MONTH[month - 1] + day - 1) * 24 + index.hour.to_numpy()).astype(int)


def map_typical_year(typical_kw: pd.Series | np.ndarray, index: pd.DatetimeIndex) -> pd.Series:
    """Values of an hourly typical-year series on real timestamps (by month, day and hour).

    Parameters
    ----------
    typical_kw : pandas.Series or numpy.ndarray
        8760 hourly values of the typical year [any unit].
    index : pandas.DatetimeIndex
        Real timestamps in the site's standard time.

    Returns
    -------
    pandas.Series
        On ``index``.
    """
    values = np.asarray(typical_kw, dtype=float)
    if values.shape != (8760,):
        raise PlannerInputError(Message.of(
            "errors.monitor.typical_hours", "a typical year has 8760 hourly values, got "
            "{shape}; plan the scenario with hourly steps", shape=str(values.shape)),
            field="hourly")
    return pd.Series(values[typical_positions(index)], index=index)


def operating_years(index: pd.DatetimeIndex, start: dt.date | None) -> np.ndarray:
    """Operating year (1, 2, ...) of each timestamp counted from ``start``; 1 before it or
    when there is no start date.

    Examples
    --------
    >>> index = pd.DatetimeIndex(["2026-09-30", "2026-10-01", "2027-10-01", "2029-01-01"])
    >>> operating_years(index, dt.date(2026, 10, 1)).tolist()
    [1, 1, 2, 3]
    """
    if start is None:
        return np.ones(len(index), dtype=int)
    # whole anniversaries of the start date passed
    before = (index.month.to_numpy() * 100 + index.day.to_numpy()) < start.month * 100 + start.day
    passed = index.year.to_numpy() - start.year - before.astype(int)
    return np.maximum(1, passed + 1)


def planned_degradation(index: pd.DatetimeIndex, start: dt.date | None,
                        first_year_percent: float, annual_percent: float) -> np.ndarray:
    """The plan's output factor of each timestamp's operating year [-] (1.0 in year 1).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Real timestamps.
    start : datetime.date or None
        Commissioning date (``Scenario.start_date``).
    first_year_percent, annual_percent : float
        The plan's degradation [%] and [%/yr] (:func:`pvplanner.pv.degradation_factors`).
    """
    years = operating_years(index, start)
    factors = degradation_factors(int(years.max()), first_year_percent, annual_percent)
    return factors[years - 1]


def expected_from_weather(
    weather: pd.DataFrame,
    *,
    latitude: float,
    longitude: float,
    elevation_m: float,
    planes: Any,
    settings: Any,
    capacity_kwp: Mapping[str, float],
) -> pd.Series:
    """AC output of the plan's system under the given weather [kW].

    Parameters
    ----------
    weather : pandas.DataFrame
        ``ghi``, ``dni``, ``dhi`` [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s] on a
        regular tz-aware index (typical year or real dates).
    latitude, longitude : float
        Site [deg].
    elevation_m : float
        Site elevation [m].
    planes, settings
        The scenario's roof planes and PV settings (as :func:`pvplanner.pv.ac_kw_per_kwp`).
    capacity_kwp : mapping
        The plan's capacity of each plane by name [kWp].

    Returns
    -------
    pandas.Series
        Mean AC power of each step [kW] on ``weather.index``.
    """
    per_kwp = ac_kw_per_kwp(weather, latitude=latitude, longitude=longitude,
                            elevation_m=elevation_m, planes=planes, settings=settings)
    total = np.zeros(len(per_kwp))
    for name, kwp in capacity_kwp.items():
        total += per_kwp[name].to_numpy(dtype=float) * float(kwp)
    return pd.Series(total, index=per_kwp.index, name="expected_kw")

