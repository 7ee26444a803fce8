"""Times of a plain CSV weather file: ISO 8601, naive or each with its UTC offset.

Part of the plain CSV reader of :mod:`weather.readers`: which cells carry an offset
(``Z``, ``+08:00``), and the cells parsed into the file's time zone, with the file's line
named when a cell is not a time or the file mixes the two styles.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from weather.errors import WeatherInputError

__all__ = ["csv_times", "has_offsets", "offset_marks"]

_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)


def offset_marks(times: pd.Series) -> pd.Series:
    """Which times carry a UTC offset (``Z``, ``+08:00``)."""
    # a trailing "-01" of a bare date is not an offset: require a time part as well
    return times.str.contains(_TZ_SUFFIX) & times.str.contains(r"\d[T ]\d", regex=True)


def has_offsets(times: pd.Series) -> bool:
    """Whether the times carry UTC offsets (all of them: :func:`csv_times` refuses a mix)."""
    return bool(len(times)) and bool(offset_marks(times).all())


def csv_times(times: pd.Series, line_no: pd.Series, tz, label: str) -> pd.DatetimeIndex:
    """Parse ISO 8601 times: with offsets converted to ``tz``, naive ones taken as ``tz``."""
    has_offset = offset_marks(times)
    if has_offset.any() and not has_offset.all():
        odd = ~has_offset if has_offset.iloc[0] else has_offset
        where = int(np.flatnonzero(odd.to_numpy())[0])
        raise WeatherInputError.of(
            "csv.mixed_times",
            "{label}, line {line}: time {time!r} mixes naive times and times with a UTC "
            "offset; use one style for the whole file", label=label,
            line=int(line_no.iloc[where]), time=str(times.iloc[where]))
    if has_offset.all():
        parsed = pd.to_datetime(times, format="ISO8601", utc=True, errors="coerce")
        index = pd.DatetimeIndex(parsed)
        bad = index.isna()
        index = index.tz_convert(tz) if not bad.all() else index
    else:
        parsed = pd.to_datetime(times, format="ISO8601", errors="coerce")
        index = pd.DatetimeIndex(parsed)
        bad = index.isna()
        if not bad.any():
            index = index.tz_localize(tz)
    if bad.any():
        where = int(np.flatnonzero(bad)[0])
        raise WeatherInputError.of(
            "csv.bad_time",
            "{label}, line {line}: time {time!r} is not an ISO 8601 time such as "
            "2023-01-01 13:00 or 2023-01-01T13:00+08:00", label=label,
            line=int(line_no.iloc[where]), time=str(times.iloc[where]))
    return index.rename("time")
