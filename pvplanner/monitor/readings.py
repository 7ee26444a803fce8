"""Metered series (PV generation, site load, irradiance) as hourly means on the real calendar.

Every file goes through the one meter reader, :func:`pvplanner.load.meter.read_meter_file`
(Chinese headers, GBK, kW or kWh per interval, 5-60 minute steps, gaps, cumulative registers,
size caps); this module only turns its cleaned series into hourly means and marks the hours
without enough readings, so that a gap is never taken for zero output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import BinaryIO

import numpy as np
import pandas as pd

from pvplanner.load.meter import LoadQualityReport, read_meter_file
from pvplanner.monitor.rules import monitor_rules

__all__ = ["MeteredSeries", "hourly_means", "read_metered"]

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
    """

    kw: pd.Series
    quality: LoadQualityReport
    readings_kw: pd.Series = field(repr=False)
    readings_valid: pd.Series = field(repr=False)

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
    share = float(monitor_rules()["hours"]["min_valid_share"])
    kw = hourly_means(meter.source_load_kw, meter.source_valid, share)
    kw.name = "generation_kw" if series == "generation" else "load_kw"
    valid = (meter.source_valid if meter.source_valid is not None
             else pd.Series(True, index=meter.source_load_kw.index, name="valid"))
    # The monitor reads the file on its own dates: what the reader says of filling a
    # typical year from it (months without data) does not apply.
    quality = replace(meter.quality, warnings=[
        note for note in meter.quality.warnings
        if getattr(note, "key", "") not in _TYPICAL_YEAR_NOTES])
    return MeteredSeries(kw=kw, quality=quality, readings_kw=meter.source_load_kw,
                         readings_valid=valid)


#: The meter reader's notes about the typical year it builds, which a monitor does not use.
_TYPICAL_YEAR_NOTES = ("notes.meter.months_missing",)

