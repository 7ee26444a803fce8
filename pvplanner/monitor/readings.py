"""Metered series (PV generation, site load, irradiance) as hourly means on the real calendar.

Every file goes through the one meter reader, :func:`pvplanner.load.meter.read_meter_file`
(Chinese headers, GBK, kW or kWh per interval, 5-60 minute steps, gaps, cumulative registers,
size caps); this module only turns its cleaned series into hourly means and marks the hours
without enough readings, so that a gap is never taken for zero output.

The meter reader takes naive times as the site's standard time. A monitoring export often
writes UTC instead and says so in the time column's header (``time (UTC)``, ``时间(UTC)``,
``UTC time``), as weather files do (``time [UTC]``): such times are read in the zone the
header names (:func:`header_utc_offset`) and moved onto the site's standard time, in a note.
Times that carry their own offset (``Z``, ``+08:00``) are already converted by the reader.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import BinaryIO

import numpy as np
import pandas as pd

from pvplanner.load.meter import LoadQualityReport, read_meter_file
from pvplanner.monitor.records import Note
from pvplanner.monitor.rules import monitor_rules
from pvplanner.monitor.times import utc_label

__all__ = ["MeteredSeries", "header_utc_offset", "hourly_means", "read_metered"]

#: A time zone a header names: UTC or GMT with an optional offset (``UTC+8``, ``GMT+08:00``),
#: not inside a longer word.
_ZONE_PATTERN = re.compile(
    r"(?<![a-z])(?:utc|gmt)(?:\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?)?(?![a-z0-9])")

#: Chinese names of a zone a header may give instead: Beijing time is UTC+8.
_ZONE_WORDS = {"北京时间": 8.0}

#: Full-width signs of Chinese headers as the ASCII the pattern reads.
_FULL_WIDTH = str.maketrans("（）［］＋－：", "()[]+-:")

Source = str | os.PathLike[str] | bytes | BinaryIO


@dataclass(frozen=True)
class MeteredSeries:
    """One metered quantity as hourly means.

    Attributes
    ----------
    kw : pandas.Series
        Mean power of each hour [kW] (irradiance: [W/m2]) on an hourly, tz-aware index in the
        site's standard time, labels at hour start; NaN where the hour had too few readings.
    quality : LoadQualityReport
        What the meter reader found, assumed, fixed and filled.
    readings_kw : pandas.Series
        The file's readings as mean power of each of its intervals [kW] (irradiance: [W/m2])
        on the file's own step, gaps filled by the reader.
    readings_valid : pandas.Series of bool
        On the index of ``readings_kw``: True where the file had a usable reading, False
        where the value was filled (a gap, an outlier).
    notes : tuple of Note
        What the monitor did to the file's times (read in the zone the header names).
    """

    kw: pd.Series
    quality: LoadQualityReport
    readings_kw: pd.Series = field(repr=False)
    readings_valid: pd.Series = field(repr=False)
    notes: tuple[Note, ...] = ()

    @property
    def interval_minutes(self) -> int:
        """Step of the file [min]."""
        return int(self.quality.interval_minutes)

    @property
    def valid_hours(self) -> int:
        """Hours with a value [h]."""
        return int(self.kw.notna().sum())


def hourly_means(values_kw: pd.Series, valid: pd.Series | None,
                 min_valid_share: float) -> pd.Series:
    """Hourly means of a regular series; NaN where less than ``min_valid_share`` was read.

    Parameters
    ----------
    values_kw : pandas.Series
        Gap-filled values on a regular tz-aware index of 1-60 minute steps that divide an
        hour, starting at a whole hour [kW].
    valid : pandas.Series of bool or None
        True where the value was read (not filled), on the same index; None: all read.
    min_valid_share : float
        Share of an hour's intervals that must have been read [-].

    Returns
    -------
    pandas.Series
        One value per hour [kW].

    Examples
    --------
    >>> index = pd.date_range("2025-06-01", periods=8, freq="15min", tz="UTC")
    >>> kw = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.0], index=index)
    >>> read = pd.Series([True, True, True, False, False, False, True, False], index=index)
    >>> hourly_means(kw, read, 0.5).tolist()
    [2.5, nan]
    """
    step = pd.Timedelta(values_kw.index[1] - values_kw.index[0]) if len(values_kw) > 1 \
        else pd.Timedelta(hours=1)
    per_hour = max(1, int(round(pd.Timedelta(hours=1) / step)))
    usable = len(values_kw) - len(values_kw) % per_hour
    values = values_kw.to_numpy(dtype=float)[:usable].reshape(-1, per_hour)
    read = (np.ones_like(values, dtype=bool) if valid is None
            else valid.to_numpy(dtype=bool)[:usable].reshape(-1, per_hour))
    means = values.mean(axis=1)
    means[read.mean(axis=1) < min_valid_share] = np.nan
    index = values_kw.index[:usable:per_hour]
    return pd.Series(means, index=pd.DatetimeIndex(index), name=values_kw.name)


def read_metered(
    source: Source,
    *,
    filename: str | None = None,
    series: str = "generation",
    utc_offset_hours: float = 8.0,
    units: str = "auto",
    value_column: str | int | None = None,
) -> MeteredSeries:
    """Read a meter or inverter export into hourly means on its own calendar.

    Parameters
    ----------
    source : path, bytes or binary file object
        The CSV/TXT or XLSX export.
    filename : str, optional
        Name for messages (and to recognise ``.xlsx`` bytes).
    series : {"generation", "load"}
        What the file measures (see :func:`~pvplanner.load.meter.read_meter_file`).
    utc_offset_hours : float
        The site's standard time [h].
    units : {"auto", "kw", "kwh", "kwh_cumulative"}
        What the values are; detected by default.
    value_column : str or int, optional
        The column to read (e.g. an irradiance column of an inverter export).

    Returns
    -------
    MeteredSeries

    Raises
    ------
    LoadFileError
        A file the reader cannot use, naming the row, column or value at fault.
    """
    meter = read_meter_file(source, filename=filename, units=units,
                            utc_offset_hours=utc_offset_hours, value_column=value_column,
                            series=series)
    readings = meter.source_load_kw
    valid = (meter.source_valid if meter.source_valid is not None
             else pd.Series(True, index=readings.index, name="valid"))
    shift, notes = _header_zone_shift(meter.quality, float(utc_offset_hours))
    if shift:  # the reader took the header's zone for the site's: the same instants, moved
        readings, valid = _moved(readings, valid, shift)
    share = float(monitor_rules()["hours"]["min_valid_share"])
    kw = hourly_means(readings, valid, share)
    kw.name = "generation_kw" if series == "generation" else "load_kw"
    # The monitor reads the file on its own dates: what the reader says of filling a
    # typical year from it (months without data) does not apply.
    quality = replace(meter.quality, warnings=[
        note for note in meter.quality.warnings
        if getattr(note, "key", "") not in _TYPICAL_YEAR_NOTES])
    return MeteredSeries(kw=kw, quality=quality, readings_kw=readings, readings_valid=valid,
                         notes=notes)


def header_utc_offset(header: str) -> float | None:
    """The UTC offset [h] a time column's header names, or None when it names none.

    Examples
    --------
    >>> [header_utc_offset(h) for h in ("time (UTC)", "时间(UTC)", "timestamp [UTC]",
    ...                                 "UTC time", "时间（UTC+8）", "Time GMT-03:30")]
    [0.0, 0.0, 0.0, 0.0, 8.0, -3.5]
    >>> header_utc_offset("时间(北京时间)"), header_utc_offset("时间"), header_utc_offset("Outcome")
    (8.0, None, None)
    """
    text = str(header).translate(_FULL_WIDTH).lower()
    for word, hours in _ZONE_WORDS.items():
        if word in text:
            return hours
    match = _ZONE_PATTERN.search(text)
    if match is None:
        return None
    sign = -1.0 if match.group(1) == "-" else 1.0
    return sign * (int(match.group(2) or 0) + int(match.group(3) or 0) / 60.0)


def _moved(readings: pd.Series, valid: pd.Series,
           hours: float) -> tuple[pd.Series, pd.Series]:
    """Readings (and their validity) moved by ``hours`` onto the whole site days that hold
    a reading, as the reader lays out a file read in the site's time: its grid of whole
    days in the header's zone would leave parts of days without readings at both ends.
    Steps the move adds are not read (valid False), their values interpolated in time.

    Examples
    --------
    >>> index = pd.date_range("2027-06-09", periods=48, freq="h", tz="Etc/GMT-8")
    >>> read = pd.Series(index.hour >= 16, index=index) & (index.day == 9)
    >>> kw, ok = _moved(pd.Series(1.0, index=index), read, 8.0)
    >>> str(kw.index[0]), str(kw.index[-1]), int(ok.sum()), len(ok)
    ('2027-06-10 00:00:00+08:00', '2027-06-10 23:00:00+08:00', 8, 24)
    """
    shift = pd.Timedelta(hours=hours)
    index = pd.DatetimeIndex(readings.index) + shift
    read = index[valid.to_numpy(dtype=bool)]
    if len(index) < 2 or not len(read):
        return readings.set_axis(index), valid.set_axis(index)
    grid = pd.date_range(read[0].floor("D"), read[-1].floor("D") + pd.Timedelta(days=1),
                         freq=index[1] - index[0], inclusive="left", name=index.name)
    moved = readings.set_axis(index).reindex(grid).interpolate(
        method="time", limit_direction="both")
    return moved, valid.set_axis(index).reindex(grid, fill_value=False).astype(bool)


def _header_zone_shift(quality: LoadQualityReport,
                       utc_offset_hours: float) -> tuple[float, tuple[Note, ...]]:
    """How far [h] to move naive times the header puts in another zone than the site's,
    and the note saying so (0 and none when the times carried their own offsets, the
    header names no zone or the site's)."""
    if any(getattr(note, "key", "") == _OFFSET_NOTE for note in quality.warnings):
        return 0.0, ()  # the reader converted times with offsets ('Z', '+08:00') itself
    for column in quality.timestamp_columns:
        stated = header_utc_offset(column)
        if stated is None:
            continue
        shift = utc_offset_hours - stated
        if abs(shift) < 1e-9:
            return 0.0, ()
        return shift, (Note("times_in_header_zone", {
            "column": column, "zone": utc_label(stated) if stated else "UTC",
            "site": utc_label(utc_offset_hours),
            "shift": f"{shift:+g}"}),)
    return 0.0, ()


#: The meter reader's notes about the typical year it builds, which a monitor does not use.
_TYPICAL_YEAR_NOTES = ("notes.meter.months_missing", "notes.meter.month_peaks_kept",
                       "notes.meter.month_peaks_capped", "notes.meter.energy_mapped",
                       "notes.meter.leap_day_mapped", "notes.meter.leap_day_unused")

#: The meter reader's note that the timestamps carried UTC offsets, converted by the reader.
_OFFSET_NOTE = "notes.meter.utc_offsets"

