"""Times as a reader sees them: local minutes, days and the site's time zone.

The monitor keeps its timestamps as ISO strings in the site's standard time
(``2026-02-10T08:00:00+08:00``) for JSON; a reader (workbook, messages) sees
``2026-02-10 08:00`` and the zone stated once (``UTC+08:00``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

__all__ = ["last_day", "local_day", "local_minute", "utc_label"]


def local_minute(stamp: str | pd.Timestamp) -> str:
    """A timestamp as ``YYYY-MM-DD HH:MM`` in its own (the site's) time, offset dropped.

    Examples
    --------
    >>> local_minute("2026-02-10T08:00:00+08:00")
    '2026-02-10 08:00'
    >>> local_minute(pd.Timestamp("2026-02-10 23:45", tz="UTC"))
    '2026-02-10 23:45'
    """
    return pd.Timestamp(stamp).strftime("%Y-%m-%d %H:%M")


def local_day(stamp: str | pd.Timestamp) -> str:
    """The calendar day (``YYYY-MM-DD``) of a timestamp in its own time.

    Examples
    --------
    >>> local_day("2026-01-01T00:00:00+08:00")
    '2026-01-01'
    """
    return pd.Timestamp(stamp).strftime("%Y-%m-%d")


def last_day(end: str | pd.Timestamp) -> str:
    """The last day of a period whose ``end`` is exclusive (the hour after its last hour).

    Examples
    --------
    >>> last_day("2026-05-01T00:00:00+08:00")
    '2026-04-30'
    >>> last_day("2026-04-30T18:00:00+08:00")
    '2026-04-30'
    """
    return local_day(pd.Timestamp(end) - pd.Timedelta(seconds=1))


def utc_label(offset: float | dt.timedelta | None) -> str:
    """A fixed offset from UTC as the proposal writes it (``UTC+8``; hours or a timedelta;
    None: ``UTC``): :func:`pvplanner.display.numbers.utc_offset_label`.

    Examples
    --------
    >>> utc_label(8.0), utc_label(5.5), utc_label(-3.0), utc_label(None)
    ('UTC+8', 'UTC+5:30', 'UTC-3', 'UTC')
    >>> utc_label(pd.Timestamp("2026-02-10T08:00:00+08:00").utcoffset())
    'UTC+8'
    """
    from pvplanner.display.numbers import utc_offset_label

    return utc_offset_label(offset) or "UTC"
