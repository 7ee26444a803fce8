"""The scenario time axis: a typical year in local standard time.

Every series in a scenario (weather, PV output, load, prices) lives on one axis: the calendar
year :data:`TYPICAL_YEAR` in the site's local *standard* time (a fixed UTC offset, no DST),
tz-aware, with labels at the start of each interval: 8760 hourly rows or 35040 quarter-hours.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

#: The calendar year that typical-year data are mapped onto. Non-leap; its weekdays and
#: public holidays are what bill-based load templates and time-of-use day types use.
TYPICAL_YEAR = 2026

HOURS_PER_YEAR = 8760

_LEGAL_ZONE = {"Asia/Urumqi": "Asia/Shanghai"}


def fixed_offset_tz(utc_offset_hours: float) -> dt.timezone:
    """A fixed-offset tzinfo for ``utc_offset_hours`` (e.g. 8 for China Standard Time)."""
    if not -12 <= utc_offset_hours <= 14:
        raise ValueError(f"UTC offset {utc_offset_hours} h is outside -12..14 h")
    return dt.timezone(dt.timedelta(hours=float(utc_offset_hours)))


@lru_cache(maxsize=64)
def typical_year_index(
    utc_offset_hours: float, interval_minutes: int = 60, year: int = TYPICAL_YEAR
) -> pd.DatetimeIndex:
    """Interval-start labels of one non-leap year in local standard time.

    Parameters
    ----------
    utc_offset_hours : float
        Local standard time offset from UTC [h].
    interval_minutes : int, default 60
        Step length [min]; 60 gives 8760 rows, 15 gives 35040.
    year : int
        Calendar year; must not be a leap year.

    Returns
    -------
    pandas.DatetimeIndex
        tz-aware (fixed offset), ``year`` from Jan 1 00:00 to Dec 31 at the last interval.
    """
    if pd.Timestamp(year=year, month=1, day=1).is_leap_year:
        raise ValueError(f"the typical year must not be a leap year, got {year}")
    if 60 % interval_minutes and interval_minutes % 60:
        raise ValueError(f"interval of {interval_minutes} min does not divide an hour")
    periods = HOURS_PER_YEAR * 60 // interval_minutes
    return pd.date_range(
        start=pd.Timestamp(year=year, month=1, day=1),
        periods=periods,
        freq=pd.Timedelta(minutes=interval_minutes),
        tz=fixed_offset_tz(utc_offset_hours),
        name="time",
    )


def on_utc_offset(frame: pd.DataFrame, utc_offset_hours: float) -> pd.DataFrame | None:
    """A typical year re-labelled in another standard time: the same instants, read on the
    clock of ``utc_offset_hours``.

    The typical year is a cycle, so the hours moved past its end come back at its start
    (an hour of 31 December becomes the first of 1 January). Only whole steps can move: a
    shift that is not a multiple of the frame's step (half an hour on hourly data) gives
    None.

    Parameters
    ----------
    frame : pandas.DataFrame
        On :func:`typical_year_index` of its own offset (hourly or quarter-hourly).
    utc_offset_hours : float
        The offset to read it in [h].

    Returns
    -------
    pandas.DataFrame or None
        On ``typical_year_index(utc_offset_hours, step)``; None when the shift is no whole
        number of steps.

    Examples
    --------
    >>> index = typical_year_index(8.0)
    >>> frame = pd.DataFrame({"ghi": np.arange(len(index), dtype=float)}, index=index)
    >>> moved = on_utc_offset(frame, 9.0)
    >>> moved.index[0].isoformat(), float(moved["ghi"].iloc[9])  # 09:00 UTC+9 = 08:00 UTC+8
    ('2026-01-01T00:00:00+09:00', 8.0)
    >>> on_utc_offset(frame, 8.5) is None
    True
    """
    index = pd.DatetimeIndex(frame.index)
    step_minutes = int(round(HOURS_PER_YEAR * 60 / len(index)))
    offset_from = index[0].utcoffset().total_seconds() / 60.0
    shift = float(utc_offset_hours) * 60.0 - offset_from
    if abs(shift / step_minutes - round(shift / step_minutes)) > 1e-9:
        return None
    steps = int(round(shift / step_minutes))
    moved = frame.iloc[np.roll(np.arange(len(index)), steps)].copy()
    moved.index = typical_year_index(float(utc_offset_hours), step_minutes)
    return moved


def standard_utc_offset_hours(latitude: float, longitude: float) -> float:
    """Local standard-time offset of a place [h], without daylight saving.

    Uses the IANA zone of the place (``timezonefinder``, offline) and takes the smaller of the
    January and July offsets, which removes DST in either hemisphere. Over open sea, or if the
    zone is unknown, falls back to the nautical offset ``round(longitude / 15)``.
    """
    try:
        name = _tz_finder().timezone_at(lat=latitude, lng=longitude)
        if name:
            # China keeps one legal time (UTC+8, on which tariffs are defined); IANA's
            # Asia/Urumqi is the informal Xinjiang time.
            zone = ZoneInfo(_LEGAL_ZONE.get(name, name))
            offsets = [
                dt.datetime(TYPICAL_YEAR, month, 1, 12, tzinfo=zone).utcoffset()
                for month in (1, 7)
            ]
            return min(o.total_seconds() for o in offsets if o is not None) / 3600.0
    except (ImportError, ZoneInfoNotFoundError, ValueError, OSError):
        pass
    return float(np.round(longitude / 15.0))


@lru_cache(maxsize=1)
def _tz_finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder(in_memory=True)


def to_typical_year(
    data: pd.DataFrame, utc_offset_hours: float, year: int = TYPICAL_YEAR,
    interval_minutes: int = 60,
) -> pd.DataFrame:
    """Map hourly (or ``interval_minutes``) data of any single year (any tz, possibly leap)
    onto the typical-year axis.

    The data are converted to local standard time, their year replaced by ``year`` (months
    and days kept; 29 February dropped) and reindexed onto :func:`typical_year_index`. Rows
    that wrap across the year boundary after the tz shift (e.g. a UTC year shown in UTC+8)
    move to the other end of the same year, which is how typical-year files are meant to be
    read.

    Parameters
    ----------
    data : pandas.DataFrame
        Hourly rows with a DatetimeIndex; naive indexes are taken as already local standard.
    utc_offset_hours : float
        Offset of the site's local standard time [h].
    year : int
        Target typical year.
    interval_minutes : int, default 60
        Step of the data and of the axis [min]: 60 (8760 rows) or 15 (35040 rows).

    Returns
    -------
    pandas.DataFrame
        Exactly 8760 (35040) rows on the typical-year index; steps missing in ``data`` are NaN.
    """
    tz = fixed_offset_tz(utc_offset_hours)
    index = pd.DatetimeIndex(data.index)
    index = index.tz_localize(tz) if index.tz is None else index.tz_convert(tz)
    local = index.tz_localize(None)
    keep = ~((local.month == 2) & (local.day == 29))
    local = local[keep]
    frame = data.loc[keep].copy()
    month_day_hour = pd.to_datetime(
        {
            "year": np.full(len(local), year),
            "month": local.month,
            "day": local.day,
            "hour": local.hour,
            "minute": local.minute,
        }
    )
    frame.index = pd.DatetimeIndex(month_day_hour).tz_localize(tz)
    frame = frame[~frame.index.duplicated(keep="first")].sort_index()
    target = typical_year_index(utc_offset_hours, interval_minutes, year)
    return frame.reindex(target)
