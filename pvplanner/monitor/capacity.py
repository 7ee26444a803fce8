"""Metered PV power against what the plant can physically deliver.

A PV plant's AC output cannot exceed its DC capacity by much, so metered power far above it
is not output but a unit error (watts under a kW header, kWh under an MWh header, power read
as energy per interval) or a glitch. Figures computed from such readings (a performance
index of 865, hundreds of GWh from a 3 MWp roof) would be wrong in every line, so:

* a **unit error** (more than :data:`MAX_SPIKE_SHARE` of the readings with output above the
  limit) is refused with a message naming the file, the column, how many readings and the
  largest one: no figure is given;
* a few **spikes** (at most that share: a communication glitch, a register reset) are left
  out as readings the file did not have, and a note says how many and the largest.

The physical limit, :data:`MAX_OUTPUT_KW_PER_KWP` per kWp, is explained where it is defined.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.monitor.readings import MeteredSeries, hourly_means
from pvplanner.monitor.records import Note
from pvplanner.monitor.rules import monitor_rules
from pvplanner.monitor.times import local_minute

__all__ = [
    "MAX_OUTPUT_KW_PER_KWP",
    "MAX_SPIKE_SHARE",
    "CapacityCheck",
    "capacity_check",
    "within_capacity",
    "without_readings",
]

#: Highest mean AC power a PV plant can deliver over a metering interval (5-60 minutes), per
#: kWp of its DC capacity at STC (1000 W/m2, 25 degC cells) [kW/kWp]
#: (``data/monitor/rules.toml [capacity]``).
#:
#: AC power = DC capacity x (plane-of-array irradiance / 1000 W/m2) x (1 + gamma x (cell
#: temperature - 25 degC)) x (1 - DC losses) x inverter efficiency, capped by the inverter's
#: AC rating. Each factor at its physical extreme: cloud-edge enhancement lifts the
#: irradiance on the modules to 1.3-1.5 kW/m2 for seconds to a minute, but over a 5-minute or
#: longer interval and a roof's area the mean stays below about 1.25 kW/m2 (Yordanov et al.,
#: "Overirradiance (cloud enhancement) events at high latitudes", IEEE J. Photovoltaics 3(1),
#: 2013; Jarvela et al., Solar Energy 199, 2020); cold modules gain at most about 9 % (gamma
#: about -0.35 %/K, cells at 0 degC while in full sun); soiling, wiring and mismatch losses
#: and the inverter's efficiency take at least 3 %. Together 1.25 x 1.09 x 0.97 = 1.32, and
#: inverters sized at DC/AC ratios of 1.0-1.3 (the rule on Chinese C&I roofs) clip the AC
#: output at or below the DC capacity anyway. 1.5 leaves room for a plant built somewhat
#: larger than planned, while every unit error lands far above it: W read as kW and kWh
#: read as MWh are 1000 times too large, kW read as kWh per 15 minutes 4 times.
MAX_OUTPUT_KW_PER_KWP = float(monitor_rules()["capacity"]["max_output_kw_per_kwp"])

#: Largest share of the readings with output that may lie above the limit and still be taken
#: as spikes [-]. A unit error lifts every reading by the same factor, so at least a tenth of
#: the readings with output (the sunny middle of the day for a factor of 4) and nearly all of
#: them for a factor of 1000 cross the limit; spikes are single readings, a few a month
#: (a tenth of a percent of a month's 15-minute readings with output).
MAX_SPIKE_SHARE = float(monitor_rules()["capacity"]["max_spike_share"])


@dataclass(frozen=True)
class CapacityCheck:
    """Readings of a metered PV series above the plant's physical limit.

    Attributes
    ----------
    limit_kw : float
        The limit: capacity x :data:`MAX_OUTPUT_KW_PER_KWP` [kW].
    above : numpy.ndarray of bool
        On the readings: True where a usable reading exceeds the limit.
    readings : int
        Usable readings with output (above 0 kW) [-].
    largest_kw : float
        The largest usable reading [kW] (mean power of its interval).
    largest_at : str
        When it was read (``YYYY-MM-DD HH:MM``, the site's standard time).
    """

    limit_kw: float
    above: np.ndarray
    readings: int
    largest_kw: float
    largest_at: str

    @property
    def count(self) -> int:
        """Readings above the limit [-]."""
        return int(self.above.sum())

    @property
    def unit_error(self) -> bool:
        """More readings above the limit than spikes explain (a unit error)."""
        return self.count > MAX_SPIKE_SHARE * self.readings


def capacity_check(readings_kw: pd.Series, valid: pd.Series, capacity_kwp: float) -> CapacityCheck:
    """Which usable readings exceed what a plant of ``capacity_kwp`` can deliver.

    Parameters
    ----------
    readings_kw : pandas.Series
        Mean power of each interval [kW] on a tz-aware index (the file's step).
    valid : pandas.Series of bool
        True where the reading is the file's own (not filled), on the same index.
    capacity_kwp : float
        The plant's DC capacity [kWp].

    Returns
    -------
    CapacityCheck

    Examples
    --------
    >>> index = pd.date_range("2026-06-01 10:00", periods=4, freq="15min", tz="Etc/GMT-8")
    >>> kw = pd.Series([80.0, 95.0, 2000.0, 0.0], index=index)
    >>> found = capacity_check(kw, pd.Series(True, index=index), 100.0)
    >>> found.limit_kw, found.count, found.readings, found.largest_kw, found.largest_at
    (150.0, 1, 3, 2000.0, '2026-06-01 10:30')
    >>> found.unit_error
    True
    """
    values = readings_kw.to_numpy(dtype=float)
    usable = valid.to_numpy(dtype=bool) & np.isfinite(values)
    limit = float(capacity_kwp) * MAX_OUTPUT_KW_PER_KWP
    shown = np.where(usable, values, -np.inf)
    top = int(np.argmax(shown)) if usable.any() else 0
    return CapacityCheck(
        limit_kw=limit, above=usable & (values > limit),
        readings=int((usable & (values > 0)).sum()),
        largest_kw=float(values[top]) if usable.any() else 0.0,
        largest_at=local_minute(readings_kw.index[top]) if len(values) else "")


def without_readings(series: MeteredSeries, drop: np.ndarray,
                     min_valid_share: float) -> MeteredSeries:
    """The series with some readings left out, as if the file had not had them.

    Each dropped reading takes the value interpolated in time between its neighbours (the
    meter reader fills a short gap the same way) and counts as not read, so an hour that
    loses too many readings becomes a data gap (:func:`~pvplanner.monitor.readings.
    hourly_means`), never a zero.

    Examples
    --------
    >>> index = pd.date_range("2026-06-01 10:00", periods=8, freq="15min", tz="Etc/GMT-8")
    >>> kw = pd.Series([80.0, 90.0, 9e4, 100.0, 100.0, 100.0, 100.0, 100.0], index=index)
    >>> read = pd.Series(True, index=index)
    >>> series = MeteredSeries(hourly_means(kw, read, 0.5), None, kw, read)
    >>> drop = np.array([False, False, True, False, False, False, False, False])
    >>> without_readings(series, drop, 0.5).kw.tolist()  # 9e4 -> 95 between 90 and 100
    [91.25, 100.0]
    """
    values = series.readings_kw.mask(drop).interpolate(method="time", limit_direction="both")
    valid = series.readings_valid & ~pd.Series(drop, index=series.readings_valid.index)
    kw = hourly_means(values, valid, min_valid_share)
    kw.name = series.kw.name
    return replace(series, kw=kw, readings_kw=values, readings_valid=valid)


def within_capacity(series: MeteredSeries, capacity_kwp: float,
                    min_valid_share: float) -> tuple[MeteredSeries, Note | None]:
    """Metered PV power checked against the plant's capacity.

    Parameters
    ----------
    series : MeteredSeries
        The metered generation.
    capacity_kwp : float
        The plan's DC capacity [kWp].
    min_valid_share : float
        Share of an hour's intervals that must have been read [-] (``[hours]`` rules).

    Returns
    -------
    (MeteredSeries, Note or None)
        The series without the spikes, and a note saying how many were left out (None when
        every reading is plausible).

    Raises
    ------
    PlannerInputError
        More than :data:`MAX_SPIKE_SHARE` of the readings with output exceed the limit: a
        unit error. The message names the file, the column, the count and the largest
        reading, and asks for the unit to be checked.
    """
    found = capacity_check(series.readings_kw, series.readings_valid, capacity_kwp)
    if not found.count:
        return series, None
    quality = series.quality
    if found.unit_error:
        raise PlannerInputError(Message.of(
            "monitor.errors.above_capacity",
            "{name}: {count:,} of the {total:,} readings with output in column '{column}' "
            "exceed what the plant can deliver: at most {limit:,.1f} kW ({margin} kW per kWp "
            "of the plan's {kwp:,.1f} kWp, cloud-edge sunshine and cold modules included), "
            "yet the largest reading is {largest:,.1f} kW (at {at}). No figure is given from "
            "them: check the unit of the column (readings in W under a kW header, or in kWh "
            "under an MWh header, are 1,000 times too large; power read as energy per "
            "interval is too large as well) and that the scenario's capacity is the plant's",
            name=quality.filename, count=found.count, total=found.readings,
            column=quality.value_column, limit=found.limit_kw,
            margin=f"{MAX_OUTPUT_KW_PER_KWP:g}", kwp=float(capacity_kwp),
            largest=found.largest_kw, at=found.largest_at), field="generation")
    note = Note("spikes_left_out", {
        "n": found.count, "limit": f"{found.limit_kw:,.1f}",
        "largest": f"{found.largest_kw:,.1f}", "at": found.largest_at})
    return without_readings(series, found.above, min_valid_share), note
