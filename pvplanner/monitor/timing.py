"""Whether metered generation is on the site's clock: its daily pattern against the plan's.

A PV plant produces around solar noon, and the plan's expectation (its PV model on the
typical year, in the site's standard time) says when. Generation metered on another clock
comes hours early or late: naive UTC times of a plant at UTC+8 put noon's output at 04:00,
hourly readings labelled at their interval end and read as starts put it an hour late.
Compared hour by hour with the plan, such a file turns the plan's daylight into outages that
did not happen and gives a performance index of 2.9 outside them; so the monitor measures
the shift first (:func:`timing_shift`) and refuses a file shifted by an hour or more
(:func:`check_timing`).

The measure: the middle of each metered day's output is the circular mean of its hours
weighted by energy (the hours as angles on a 24-hour circle, so that output spread over
midnight, as UTC times of an Asian plant give, has a middle too). The plan's middle for the
same date comes from its typical year averaged over ``reference_days`` around the date, so a
typical day's clouds do not move it. The shift is the median over the days judged of the
difference (positive: the metered output comes later than the plan expects). A rotation of
the day moves the circular mean by exactly its angle, so a shift of the clock is measured in
full, to a fraction of an hour, whatever the plant's orientation; weather moves one day's
middle by a few tenths of an hour either way, a partial outage by more, and the median over
days sets both aside. The thresholds, and why, are in ``data/monitor/rules.toml [timing]``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message, bilingual
from pvplanner.monitor.expected import typical_positions
from pvplanner.monitor.readings import MeteredSeries
from pvplanner.monitor.records import Note
from pvplanner.monitor.times import utc_label

__all__ = ["TimingCheck", "check_timing", "timing_shift"]

#: Standard error of the median of n values of spread sigma is sqrt(pi / 2) x sigma /
#: sqrt(n) (normal values; the median is 1.25 times as uncertain as the mean).
_MEDIAN_ERROR = math.sqrt(math.pi / 2.0)

#: Share of the day's largest expected hour from which an hour counts as producing, to tell
#: whether the first or last day of a file covers the plan's production hours [-].
_PRODUCING_SHARE = 0.02

#: The hours of a day as angles: the middle of each hour on a 24-hour circle [rad].
_ANGLES = 2.0 * np.pi * (np.arange(24) + 0.5) / 24.0


@dataclass(frozen=True)
class TimingCheck:
    """How far the metered generation is shifted from the plan's daily pattern.

    Attributes
    ----------
    shift_hours : float
        Median over the days judged of the shift [h], in (-12, 12]: positive when the
        metered output comes later than the plan expects it; NaN when no day was judged.
    days : int
        Days judged [-].
    standard_error_hours : float
        Standard error of the median [h] at the rules' spread of one day (infinite without
        a day).
    """

    shift_hours: float
    days: int
    standard_error_hours: float

    def counts(self, min_standard_errors: float) -> bool:
        """Whether the shift is at least ``min_standard_errors`` standard errors from 0."""
        return bool(self.days and abs(self.shift_hours)
                    >= min_standard_errors * self.standard_error_hours)


def _wrap(hours: np.ndarray | float) -> np.ndarray:
    """Hours onto (-12, 12]."""
    return 12.0 - np.mod(12.0 - np.asarray(hours, dtype=float), 24.0)


def _reference(typical_kw: np.ndarray, window_days: int) -> np.ndarray:
    """The plan's mean day around each day of the typical year: (365, 24) [kW]."""
    days = np.clip(np.asarray(typical_kw, dtype=float), 0.0, None).reshape(365, 24)
    half = max(0, int(window_days) // 2)
    total = np.zeros_like(days)
    for step in range(-half, half + 1):
        total += np.roll(days, step, axis=0)  # the year wraps: 31 Dec is beside 1 Jan
    return total / (2 * half + 1)


def timing_shift(actual_kw: pd.Series, typical_kw: np.ndarray,
                 rules: Mapping[str, Any]) -> TimingCheck:
    """The shift of the metered daily pattern from the plan's.

    Parameters
    ----------
    actual_kw : pandas.Series
        Hourly mean generation [kW] on an hourly tz-aware index in the site's standard time
        (labels at hour start), NaN where an hour has no reading.
    typical_kw : numpy.ndarray
        The plan's 8760 hourly typical-year generation [kW].
    rules : mapping
        The ``[timing]`` rules (``min_day_share``, ``reference_days``, ``day_spread_hours``).

    Returns
    -------
    TimingCheck

    Examples
    --------
    >>> typical = np.tile(np.clip(np.sin((np.arange(24) - 6) / 12 * np.pi), 0, None), 365)
    >>> index = pd.date_range("2026-06-01", periods=24 * 10, freq="h", tz="Etc/GMT-8")
    >>> kw = pd.Series(typical[:240], index=index)
    >>> rules = {"min_day_share": 0.2, "reference_days": 31, "day_spread_hours": 0.4}
    >>> round(timing_shift(kw, typical, rules).shift_hours, 3)
    0.0
    >>> round(timing_shift(kw.shift(-8, fill_value=0.0), typical, rules).shift_hours, 3)
    -8.0
    """
    reference = _reference(typical_kw, int(rules["reference_days"]))
    index = pd.DatetimeIndex(actual_kw.index)
    values = actual_kw.to_numpy(dtype=float)
    read = np.isfinite(values)
    energy = np.where(read, np.clip(values, 0.0, None), 0.0)
    angles = _ANGLES[index.hour.to_numpy()]
    frame = pd.DataFrame({
        "day": index.normalize(), "energy": energy, "cos": energy * np.cos(angles),
        "sin": energy * np.sin(angles), "doy": typical_positions(index) // 24,
    })
    days = frame.groupby("day", sort=True).agg(
        energy=("energy", "sum"), cos=("cos", "sum"), sin=("sin", "sum"), doy=("doy", "first"))
    doy = days["doy"].to_numpy(dtype=int)
    expected_energy = reference[doy].sum(axis=1)
    judged = (expected_energy > 0) & (
        days["energy"].to_numpy() >= float(rules["min_day_share"]) * expected_energy)
    if read.any():
        judged &= _covers_ends(days.index, index[read], reference[doy])
    if not judged.any():
        return TimingCheck(float("nan"), 0, float("inf"))
    expected_angle = np.arctan2(reference @ np.sin(_ANGLES), reference @ np.cos(_ANGLES))
    metered_angle = np.arctan2(days["sin"].to_numpy(), days["cos"].to_numpy())
    per_day = _wrap((metered_angle - expected_angle[doy])[judged] * 24.0 / (2.0 * np.pi))
    # The median about the days' circular mean: shifts of about 12 h either way are one
    # shift, not a spread from -12 to 12 around 0.
    centre = float(np.angle(np.exp(2j * np.pi * per_day / 24.0).mean()) * 24.0 / (2 * np.pi))
    shift = float(_wrap(centre + float(np.median(_wrap(per_day - centre)))))
    count = int(judged.sum())
    error = _MEDIAN_ERROR * float(rules["day_spread_hours"]) / math.sqrt(count)
    return TimingCheck(shift, count, error)


def _covers_ends(days: pd.DatetimeIndex, read: pd.DatetimeIndex,
                 expected: np.ndarray) -> np.ndarray:
    """False for a first (last) day the file starts after (ends before) the plan's first
    (last) producing hour of: the middle of part of a day is not the middle of the day."""
    covers = np.ones(len(days), dtype=bool)
    producing = expected >= _PRODUCING_SHARE * expected.max(axis=1, keepdims=True)
    first_day, last_day = 0, len(days) - 1
    starts = np.flatnonzero(producing[first_day])
    if len(starts) and days[first_day] == read[0].normalize() and read[0].hour > starts[0]:
        covers[first_day] = False
    ends = np.flatnonzero(producing[last_day])
    if len(ends) and days[last_day] == read[-1].normalize() and read[-1].hour < ends[-1]:
        covers[last_day] = False
    return covers


def check_timing(series: MeteredSeries, typical_kw: np.ndarray, utc_offset_hours: float,
                 rules: Mapping[str, Any]) -> Note | None:
    """Refuse generation on another clock; say a smaller shift.

    Parameters
    ----------
    series : MeteredSeries
        The metered generation.
    typical_kw : numpy.ndarray
        The plan's 8760 hourly typical-year generation [kW].
    utc_offset_hours : float
        The site's standard time [h].
    rules : mapping
        The monitor's ``[timing]`` rules.

    Returns
    -------
    Note or None
        ``timing_late``/``timing_early`` for a shift under ``refuse_hours`` (from
        ``note_hours``), ``timing_unsure_late``/``timing_unsure_early`` for a larger one
        that too few days leave unproven (from ``unsure_standard_errors``); None when the file
        is on the site's clock or no day could be judged.

    Raises
    ------
    PlannerInputError
        A proven shift of ``refuse_hours`` or more: the message says the shift in whole
        hours, the likely cause and how to export the file.
    """
    found = timing_shift(series.kw, typical_kw, rules)
    if not found.days:
        return None
    size = abs(found.shift_hours)
    later = found.shift_hours > 0
    proven = found.counts(float(rules["min_standard_errors"]))
    if size >= float(rules["refuse_hours"]):
        if proven:
            raise _refusal(series, found, float(utc_offset_hours))
        if not found.counts(float(rules["unsure_standard_errors"])):
            return None
        return Note("timing_unsure_late" if later else "timing_unsure_early",
                    {"hours": f"{size:.1f}", "days": found.days})
    if size >= float(rules["note_hours"]) and proven:
        return Note("timing_late" if later else "timing_early",
                    {"minutes": int(5 * round(size * 12)), "days": found.days})
    return None


def _refusal(series: MeteredSeries, found: TimingCheck, offset: float) -> PlannerInputError:
    """The error for generation shifted by ``found``: the shift, its likely cause, the fix."""
    quality = series.quality
    zone = utc_label(offset)
    example = f"2025-06-01T12:00{_iso_offset(offset)}"
    minutes = int(series.interval_minutes)
    shift = found.shift_hours
    if abs(offset) >= 1.0 and abs(shift + offset) < 0.5:
        hours = f"{abs(offset):g}"
        cause = Message.of(
            "monitor.errors.timing_utc", "The shift is the site's offset from UTC ({zone}): "
            "the timestamps are probably UTC written without 'Z' or '+00:00'. Export the "
            "readings in the site's standard time, or with the UTC offset on every timestamp "
            "(such as {example}).", zone=zone, example=example)
    elif abs(shift - minutes / 60.0) < 0.5:
        hours = f"{round(abs(shift))}"
        cause = Message.of(
            "monitor.errors.timing_interval_end", "The shift is one reading interval "
            "({minutes} min) late: each timestamp probably marks the end of its interval and "
            "was read as its start (the file has a row at midnight). Label each reading with "
            "the start of its interval, name the time column as the interval end (a header "
            "with 'end', such as 'end time'), or start the file one interval after midnight.",
            minutes=minutes)
    else:
        hours = f"{round(abs(shift))}"
        cause = Message.of(
            "monitor.errors.timing_other_clock", "The timestamps are probably on another "
            "clock (another time zone, a server's clock, daylight-saving time) or mark the end "
            "of their intervals. Export the readings in the site's standard time ({zone}), or "
            "with the UTC offset on every timestamp (such as {example}).",
            zone=zone, example=example)
    direction = bilingual("later", "晚") if shift > 0 else bilingual("earlier", "早")
    return PlannerInputError(Message.of(
        "monitor.errors.timing_shift", "{name}: the metered generation in column '{column}' "
        "comes {hours} h {direction} than the plan expects it: over the {days} days judged, "
        "the middle of each day's output lies that far from where the plan's PV model puts it "
        "in the site's standard time ({zone}). {cause} Compared hour by hour, the plan's "
        "daylight would meet other hours of the file and give outages and losses that did not "
        "happen, so no figure is given from it", name=quality.filename,
        column=quality.value_column, hours=hours, direction=direction, days=found.days,
        zone=zone, cause=cause), field="generation")


def _iso_offset(hours: float) -> str:
    """A UTC offset as ISO 8601 writes it after a time.

    Examples
    --------
    >>> _iso_offset(8.0), _iso_offset(5.5), _iso_offset(-3.0), _iso_offset(0.0)
    ('+08:00', '+05:30', '-03:00', 'Z')
    """
    if hours == 0:
        return "Z"
    minutes = int(round(abs(hours) * 60))
    return f"{'+' if hours > 0 else '-'}{minutes // 60:02d}:{minutes % 60:02d}"
