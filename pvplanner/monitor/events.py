"""Outages, curtailment and data gaps in metered PV output, hour by hour.

The expectation (typical year or measured weather through the plan's PV model) says when the
sun is up and how much the plant should have made; the thresholds are per kWp of the plan's
DC capacity (``data/monitor/rules.toml``, explained in ``data/monitor/README.md``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Event",
    "daylight_mask",
    "find_curtailment",
    "find_data_gaps",
    "find_outages",
    "with_losses",
]


@dataclass(frozen=True)
class Event:
    """A stretch of time the plant lost output (or data) in.

    Attributes
    ----------
    kind : {"outage", "curtailment", "data_gap"}
        Zero output while the sun was up; a flat top below the expectation; no readings.
    start, end : str
        ISO timestamps in the site's standard time; ``end`` is exclusive (the hour after
        the last hour of the event).
    hours : int
        Hours with an expected output in the event [h].
    expected_kwh : float
        What the plan expected in those hours [kWh].
    actual_kwh : float
        What the meter recorded in them [kWh] (0 for a data gap: nothing recorded).
    lost_kwh : float
        Energy lost [kWh]: the expectation at the plant's performance index outside outages
        minus the metered output; 0 for a data gap (unknown, not lost).
    """

    kind: str
    start: str
    end: str
    hours: int
    expected_kwh: float
    actual_kwh: float
    lost_kwh: float

    @property
    def days(self) -> list[str]:
        """Calendar days (``YYYY-MM-DD``) the event touches."""
        first = pd.Timestamp(self.start).normalize()
        last = (pd.Timestamp(self.end) - pd.Timedelta(seconds=1)).normalize()
        return [str(day.date()) for day in pd.date_range(first, last, freq="D")]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the days touched."""
        return {**asdict(self), "days": self.days}


def daylight_mask(expected_kw: np.ndarray, capacity_kwp: float, rules: dict) -> np.ndarray:
    """Hours the sun is up by the expectation: expected >= the daylight share of kWp [bool]."""
    limit = float(rules["daylight"]["min_expected_kw_per_kwp"]) * capacity_kwp
    return np.nan_to_num(expected_kw, nan=0.0) >= limit


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True (stop exclusive)."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def _event(kind: str, index: pd.DatetimeIndex, first: int, last: int, expected: np.ndarray,
           actual: np.ndarray, lost: float) -> Event:
    """The event over hours ``first..last`` (inclusive)."""
    span = slice(first, last + 1)
    due = np.nan_to_num(expected[span])
    return Event(
        kind=kind,
        start=index[first].isoformat(),
        end=(index[last] + pd.Timedelta(hours=1)).isoformat(),
        hours=int((due > 0).sum()),
        expected_kwh=float(due.sum()),
        actual_kwh=float(np.nan_to_num(actual[span]).sum()),
        lost_kwh=float(lost),
    )


def _widen(first: int, last: int, flags: np.ndarray, expected: np.ndarray) -> tuple[int, int]:
    """Extend a run over the flagged dawn and dusk hours next to it (expected > 0 but below
    the daylight threshold), so its energy is whole."""
    due = np.nan_to_num(expected)
    while first > 0 and flags[first - 1] and due[first - 1] > 0:
        first -= 1
    while last + 1 < len(flags) and flags[last + 1] and due[last + 1] > 0:
        last += 1
    return first, last


def _linked_runs(flags: np.ndarray, daylight: np.ndarray) -> list[np.ndarray]:
    """Daylight hours of runs of ``flags`` that only night hours separate (nights link)."""
    runs: list[np.ndarray] = []
    current: list[int] = []
    for k in np.flatnonzero(daylight):
        if flags[k]:
            current.append(int(k))
        elif current:
            runs.append(np.array(current))
            current = []
    if current:
        runs.append(np.array(current))
    return runs


def find_outages(actual_kw: pd.Series, expected_kw: pd.Series, capacity_kwp: float,
                 rules: dict) -> tuple[list[Event], np.ndarray]:
    """Runs of daylight hours with (near) zero output.

    Parameters
    ----------
    actual_kw, expected_kw : pandas.Series
        Hourly mean power on the same hourly index [kW]; ``actual_kw`` NaN = no data.
    capacity_kwp : float
        The plan's DC capacity [kWp].
    rules : dict
        :func:`pvplanner.monitor.rules.monitor_rules`.

    Returns
    -------
    (list of Event, numpy.ndarray)
        The outages (``lost_kwh`` still 0: it needs the performance index outside them, see
        :func:`with_losses`) and a mask of their hours.
    """
    actual = actual_kw.to_numpy(dtype=float)
    expected = expected_kw.to_numpy(dtype=float)
    daylight = daylight_mask(expected, capacity_kwp, rules)
    dead_limit = float(rules["outage"]["max_output_kw_per_kwp"]) * capacity_kwp
    dead = np.isfinite(actual) & (actual <= dead_limit)
    min_kwh = float(rules["outage"]["min_expected_kwh_per_kwp"]) * capacity_kwp
    # an hour without data ends a run as a producing hour does: unknown is not zero
    events, mask = [], np.zeros(len(actual), dtype=bool)
    for hours in _linked_runs(dead, daylight):
        first, last = _widen(int(hours[0]), int(hours[-1]), dead, expected)
        if np.nan_to_num(expected[first:last + 1]).sum() >= min_kwh:
            events.append(_event("outage", actual_kw.index, first, last, expected, actual, 0.0))
            mask[first:last + 1] = True
    return events, mask


def with_losses(events: list[Event], performance_index: float) -> list[Event]:
    """Outages with their lost energy: expected energy x the performance index the plant
    reaches when it runs (outside outages and curtailment)."""
    pi = performance_index if np.isfinite(performance_index) else 1.0
    return [Event(**{**asdict(e), "lost_kwh": max(0.0, e.expected_kwh * pi - e.actual_kwh)})
            for e in events]


def find_curtailment(actual_kw: pd.Series, expected_kw: pd.Series, capacity_kwp: float,
                     performance_index: float, excluded: np.ndarray,
                     rules: dict) -> tuple[list[Event], np.ndarray]:
    """Runs of daylight hours with a flat output clearly below the expectation.

    Parameters
    ----------
    actual_kw, expected_kw : pandas.Series
        Hourly mean power [kW].
    capacity_kwp : float
        The plan's DC capacity [kWp].
    performance_index : float
        The plant's performance index outside outages [-]: the expectation is scaled by it,
        so a plant that runs 7 % low is not curtailed everywhere.
    excluded : numpy.ndarray of bool
        Hours already explained (outages).
    rules : dict
        :func:`pvplanner.monitor.rules.monitor_rules`.

    Returns
    -------
    (list of Event, numpy.ndarray)
        The curtailment runs with ``lost_kwh`` and a mask of their hours.
    """
    r = rules["curtailment"]
    actual = actual_kw.to_numpy(dtype=float)
    pi = performance_index if np.isfinite(performance_index) and performance_index > 0 else 1.0
    due = np.nan_to_num(expected_kw.to_numpy(dtype=float)) * pi
    daylight = daylight_mask(expected_kw.to_numpy(dtype=float), capacity_kwp, rules)
    low = (np.isfinite(actual) & daylight & ~excluded
           & (actual >= float(r["min_output_kw_per_kwp"]) * capacity_kwp)
           & (actual <= (1.0 - float(r["min_shortfall"])) * due))
    events, mask = [], np.zeros(len(actual), dtype=bool)
    tolerance, min_hours = float(r["flat_tolerance"]), int(r["min_hours"])
    for start, stop in _runs(low):
        k = start
        while k < stop:  # split a low run into flat stretches
            end = k + 1
            while end < stop:
                level = np.median(actual[k:end + 1])
                if np.all(np.abs(actual[k:end + 1] - level) <= tolerance * level):
                    end += 1
                else:
                    break
            if end - k >= min_hours:
                # the same flat level on either side, capped by less than the threshold
                level = float(np.median(actual[k:end]))
                near = (np.isfinite(actual) & daylight & ~excluded
                        & (np.abs(np.nan_to_num(actual) - level) <= tolerance * level)
                        & (np.nan_to_num(actual) < due))
                first, last = k, end - 1
                while first > 0 and near[first - 1] and not mask[first - 1]:
                    first -= 1
                while last + 1 < len(actual) and near[last + 1]:
                    last += 1
                k, end = first, last + 1
                lost = float((due[k:end] - actual[k:end]).sum())
                events.append(_event("curtailment", actual_kw.index, k, end - 1,
                                     expected_kw.to_numpy(dtype=float), actual, lost))
                mask[k:end] = True
            k = end
    return events, mask


def find_data_gaps(actual_kw: pd.Series, expected_kw: pd.Series, capacity_kwp: float,
                   rules: dict) -> list[Event]:
    """Runs of daylight hours without readings (nights between them link them)."""
    expected = expected_kw.to_numpy(dtype=float)
    missing = ~np.isfinite(actual_kw.to_numpy(dtype=float))
    daylight = daylight_mask(expected, capacity_kwp, rules)
    events = []
    for hours in _linked_runs(missing, daylight):
        first, last = _widen(int(hours[0]), int(hours[-1]), missing, expected)
        events.append(_event("data_gap", actual_kw.index, first, last, expected,
                             np.zeros(len(expected)), 0.0))
    return events
