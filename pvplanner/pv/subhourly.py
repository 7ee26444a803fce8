"""PV output at 15 minutes from hourly output, each hour's energy kept exactly.

A 15-minute plan (a meter file of 15-minute readings) needs PV at 15 minutes. When the
weather is hourly (PVGIS, NASA POWER, synthetic, TMY files), :func:`quarter_hour_profiles`
splits each hour's mean AC power into four quarter-hour means whose mean is the hour's:

1. the *shape* inside the hour is that of a clear sky on the same plane: the plane's AC
   output per kWp under Haurwitz clear-sky irradiance (Erbs split into beam and diffuse),
   run through the same model chain at 15 minutes (:func:`~pvplanner.pv.simulation.
   ac_kw_per_kwp`), so the quarters before sunrise stay dark and an east plane's morning
   rises before a west plane's;
2. the hour's *clear-sky index* (hourly output / hourly clear-sky output) is interpolated
   linearly between hour midpoints, so a cloudy hour followed by a sunny one ramps up
   instead of stepping;
3. the four quarters of each hour are scaled to the hour's mean (the hour's energy is the
   hourly model's, to rounding), an hour with output but no clear-sky shape (diffuse light
   measured while the sun is below the horizon at every quarter's midpoint) is split evenly,
   and any quarter above the inverter's AC limit (``1 / dc_ac_ratio`` kW per kWp) is cut
   to it, the excess going to the hour's other quarters in proportion to their room.

The year's energy of every plane therefore equals the hourly profile's (relative error
~1e-15), and no quarter is negative or above the inverter limit. Sub-hourly *weather*, when
a file has it, is simulated directly instead (:mod:`pvplanner.pipeline`).

Reference for step 1: B. Haurwitz, "Insolation in relation to cloud type", J. Meteorology 3
(1946) 123-124 (pvlib.clearsky.haurwitz); D. G. Erbs et al., Solar Energy 28 (1982) 293-302.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pvlib

import pvplanner.pv.physics as pv_physics
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.pv.models import PVModelSettings, validate_settings
from pvplanner.pv.simulation import ac_kw_per_kwp

__all__ = ["QUARTERS_PER_HOUR", "clear_sky_weather", "quarter_hour_profiles", "split_hours"]

#: Quarter hours in an hour.
QUARTERS_PER_HOUR = 4


def clear_sky_weather(hourly_weather: pd.DataFrame, latitude: float,
                      longitude: float) -> pd.DataFrame:
    """A clear sky at 15 minutes over the hourly weather's year [W/m2, degC, m/s].

    Parameters
    ----------
    hourly_weather : pandas.DataFrame
        Hourly weather (tz-aware index at interval start) with ``temp_air`` and
        ``wind_speed``; both are held over the hour's quarters.
    latitude, longitude : float
        Site [deg].

    Returns
    -------
    pandas.DataFrame
        Four rows per hour: ``ghi`` (Haurwitz), ``dni`` and ``dhi`` (Erbs), ``temp_air``,
        ``wind_speed``.
    """
    index = _quarter_index(pd.DatetimeIndex(hourly_weather.index))
    step = pd.Timedelta(minutes=60 // QUARTERS_PER_HOUR)
    temp = np.repeat(hourly_weather["temp_air"].to_numpy(dtype=float), QUARTERS_PER_HOUR)
    wind = np.repeat(hourly_weather["wind_speed"].to_numpy(dtype=float), QUARTERS_PER_HOUR)
    sun = pv_physics.solar_position(index + step / 2, latitude, longitude, temperature_c=temp)
    zenith = np.asarray(sun.apparent_zenith, dtype=float)
    ghi = np.asarray(pvlib.clearsky.haurwitz(pd.Series(zenith))["ghi"], dtype=float)
    ghi = np.where(zenith < 90.0, np.nan_to_num(ghi), 0.0)
    split = pvlib.irradiance.erbs(ghi, zenith, index.day_of_year.to_numpy())
    dni = np.nan_to_num(np.asarray(split["dni"], dtype=float))
    dhi = np.nan_to_num(np.asarray(split["dhi"], dtype=float))
    return pd.DataFrame({"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": temp,
                         "wind_speed": wind}, index=index)


def split_hours(hourly_kw: np.ndarray, shape_kw: np.ndarray, limit_kw: float) -> np.ndarray:
    """Split hourly means into quarter-hour means along a shape, each hour's mean kept.

    Parameters
    ----------
    hourly_kw : numpy.ndarray, shape (H,)
        Mean power of each hour [kW (per kWp)], >= 0.
    shape_kw : numpy.ndarray, shape (4 H,)
        A reference of the same quantity at quarter hours (clear-sky output) [kW], >= 0.
    limit_kw : float
        Largest value a quarter may take (the inverter's AC limit) [kW]; every hour's mean
        must be within it.

    Returns
    -------
    numpy.ndarray, shape (4 H,)
        Quarter-hour means, >= 0 and <= ``limit_kw``; the mean of each hour's four is that
        hour's value.

    Examples
    --------
    A sunrise hour at 0.4 kW followed by a brighter one at 0.9 kW:

    >>> split_hours(np.array([0.4, 0.9]), np.array([0, 1, 2, 3, 3, 3, 3, 3.0]), 1.0).round(3)
    array([0.   , 0.259, 0.527, 0.814, 0.875, 0.9  , 0.913, 0.913])
    """
    m = np.asarray(hourly_kw, dtype=float)
    cs = np.asarray(shape_kw, dtype=float).reshape(-1, QUARTERS_PER_HOUR)
    if cs.shape[0] != m.shape[0]:
        raise ValueError(f"{m.shape[0]} hours but {cs.shape[0]} hours of shape")
    cs_hour = cs.mean(axis=1)
    lit = cs_hour > 1e-9 * max(float(cs_hour.max(initial=0.0)), 1e-12)
    # The clear-sky index of each lit hour, interpolated between hour midpoints.
    q = np.zeros_like(cs)
    if lit.any():
        hours = np.flatnonzero(lit) + 0.5
        index = m[lit] / cs_hour[lit]
        quarter_mid = (np.arange(cs.size) + 0.5) / QUARTERS_PER_HOUR
        q = (np.interp(quarter_mid, hours, index) * cs.reshape(-1)).reshape(cs.shape)
    total = q.mean(axis=1)
    scale = np.divide(m, total, out=np.zeros_like(m), where=total > 0)
    q *= scale[:, None]
    flat = (total <= 0) & (m > 0)  # output without a clear-sky shape: an even split
    q[flat] = m[flat, None]
    return _cap(q, limit_kw).reshape(-1)


def _cap(q: np.ndarray, limit: float) -> np.ndarray:
    """Quarters above ``limit`` cut to it; the excess goes to the hour's other quarters in
    proportion to their room (one pass suffices: the room is at least the excess)."""
    over = q > limit
    if not over.any():
        return q
    rows = over.any(axis=1)
    part = q[rows]
    excess = np.maximum(part - limit, 0.0).sum(axis=1)
    part = np.minimum(part, limit)
    room = limit - part
    share = np.divide(room, room.sum(axis=1, keepdims=True), out=np.zeros_like(room),
                      where=room.sum(axis=1, keepdims=True) > 0)
    q[rows] = part + share * excess[:, None]
    return q


def quarter_hour_profiles(
    hourly_kw_per_kwp: pd.DataFrame,
    hourly_weather: pd.DataFrame,
    *,
    latitude: float,
    longitude: float,
    elevation_m: float,
    planes: Any,
    settings: PVModelSettings | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """AC kW per kWp of each plane at 15 minutes, from the hourly profiles.

    Parameters
    ----------
    hourly_kw_per_kwp : pandas.DataFrame
        :func:`~pvplanner.pv.simulation.ac_kw_per_kwp` of the hourly weather (one column per
        plane) [kW/kWp].
    hourly_weather : pandas.DataFrame
        The hourly weather it came from (its temperature and wind shape the clear sky).
    latitude, longitude : float
        Site [deg].
    elevation_m : float
        Site elevation [m].
    planes : sequence of RoofPlane or mappings
        The planes of the columns, in order.
    settings : PVModelSettings, mapping or None
        The model settings the hourly profiles used.

    Returns
    -------
    pandas.DataFrame
        Four rows per hour on the 15-minute typical-year axis, the same columns; each
        hour's four quarters average to the hourly value, so the year's energy is the same.

    Raises
    ------
    PlannerInputError
        When the profiles are not hourly.
    """
    index = pd.DatetimeIndex(hourly_kw_per_kwp.index)
    if len(index) < 2 or index[1] - index[0] != pd.Timedelta(hours=1):
        raise PlannerInputError(Message.of(
            "errors.pv.not_hourly", "PV profiles to split into quarter hours must be hourly"),
            field="weather")
    checked = validate_settings(settings)
    clear = clear_sky_weather(hourly_weather, latitude, longitude)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # pvlib's inverter efficiency curve overflows on dawn's tiny DC powers (output 0)
        shape = ac_kw_per_kwp(clear, latitude=latitude, longitude=longitude,
                              elevation_m=elevation_m, planes=planes, settings=checked)
    limit = 1.0 / checked.dc_ac_ratio
    data = {
        name: split_hours(hourly_kw_per_kwp[name].to_numpy(dtype=float),
                          shape[name].to_numpy(dtype=float), limit)
        for name in hourly_kw_per_kwp.columns
    }
    return pd.DataFrame(data, index=clear.index)


def _quarter_index(hourly: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The 15-minute labels of an hourly index (four per hour, same zone)."""
    minutes = 60 // QUARTERS_PER_HOUR
    offsets = pd.to_timedelta(np.tile(np.arange(QUARTERS_PER_HOUR) * minutes,
                                      len(hourly)), unit="min")
    stamps = hourly.repeat(QUARTERS_PER_HOUR) + offsets
    return pd.DatetimeIndex(stamps, name=hourly.name, freq=pd.Timedelta(minutes=minutes))
