"""Where a meter file's readings change step, and the interval each reading covers.

A meter replaced mid-year, or a portal whose resolution was changed, gives a file whose
readings come every 30 minutes for months and every 15 minutes after (or the reverse). The
grid is then the finest step of the file (:attr:`Steps.interval`) and every reading covers
its own interval: an energy reading [kWh] of a 30-minute stretch is the energy of 30
minutes, so its mean power is kWh x 60 / 30, held over the two quarter hours it covers; a
power reading [kW] is a mean power already and is only held. The year's energy is then the
file's, and the stretch's demand peaks are 30-minute means (a note says so).

A stretch counts only when it lasts :func:`min_stretch_hours`: a single wider step, or a
few, is a reading missing from a finer series and stays a gap (filled as gaps are). Energy
readings must also look like energy over the wider step (:func:`confirmed`): a day of
15-minute energies from which every other reading is missing has the level of the
15-minute readings, not twice it, and stays a series of gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pvplanner.load.meter.common import (
    MAX_EXAMPLES,
    NAT,
    NS_PER_DAY,
    NS_PER_MIN,
    meter_rules,
    minute_str,
)
from pvplanner.messages import Message


def min_stretch_hours() -> float:
    """Shortest run of readings at one wider step that is a change of step [h]
    (``step_change_min_hours`` of ``data/load_templates/load_rules.toml``, with its
    reasons); shorter runs are readings missing from the finer series."""
    return float(meter_rules()["meter"]["step_change_min_hours"])


def level_window_days() -> float:
    """Days either side of a stretch's ends whose readings are compared with its own to tell
    energy over a wider step from readings missing (``step_change_level_window_days`` of
    ``data/load_templates/load_rules.toml``)."""
    return float(meter_rules()["meter"]["step_change_level_window_days"])


@dataclass(frozen=True)
class Stretch:
    """A run of readings at one step wider than the grid's.

    Attributes
    ----------
    start_ns, end_ns : int
        Wall-clock timestamps of the reading that opens its first step and of the one that
        closes its last step [int64 ns]: the time its steps span.
    minutes : int
        Its step [min], a multiple of the grid's.
    steps : int
        Number of steps in it (a reading each, with start or end labels alike).
    """

    start_ns: int
    end_ns: int
    minutes: int
    steps: int


@dataclass(frozen=True)
class Steps:
    """The grid's step and the stretches read at a wider one.

    Attributes
    ----------
    interval : int
        The grid's step [min]: the finest step that lasts :func:`min_stretch_hours`, else
        the file's most common step.
    first_ns, last_ns : int
        Wall-clock timestamps of the file's first and last reading [int64 ns].
    wider : tuple of Stretch
        Stretches whose readings each cover their own, wider step (time order).
    """

    interval: int
    first_ns: int
    last_ns: int
    wider: tuple[Stretch, ...] = ()

    def first_minutes(self) -> int:
        """Step of the file's first reading [min] (the interval that tells end labels)."""
        if self.wider and self.wider[0].start_ns == self.first_ns:
            return self.wider[0].minutes
        return self.interval

    def own_minutes(self, ts: np.ndarray, label: str) -> np.ndarray:
        """The interval each reading covers [min], a multiple of :attr:`interval`.

        Parameters
        ----------
        ts : numpy.ndarray
            Wall-clock timestamps of the readings, any order, NaT allowed [int64 ns].
        label : {"start", "end"}
            Whether a timestamp opens or closes its interval.

        Returns
        -------
        numpy.ndarray
            :attr:`interval` outside the wider stretches; inside one, its step, or less
            where the neighbouring reading (the next one for start labels, the previous one
            for end labels) comes sooner.
        """
        own = np.full(len(ts), self.interval, dtype=np.int64)
        if not self.wider:
            return own
        uniq = np.unique(ts[ts != NAT])
        gaps = np.diff(uniq) // NS_PER_MIN
        never = np.iinfo(np.int64).max  # no neighbour: the file's first or last reading
        starts = label != "end"
        # the time to the neighbour that closes (start labels) or opens (end) each reading
        reach = np.append(gaps, never) if starts else np.insert(gaps, 0, never)
        for stretch in self.wider:
            # a start-labelled reading covers the step after it, an end-labelled one the step
            # before it: the stretch's reading on the side of the other step belongs to that
            # one, unless the file ends (or begins) there
            first, last = stretch.start_ns, stretch.end_ns
            if starts:
                inside = (ts >= first) & ((ts < last) | ((ts == last) & (last == uniq[-1])))
            else:
                inside = (ts <= last) & ((ts > first) | ((ts == first) & (first == uniq[0])))
            minutes = np.minimum(stretch.minutes, reach[np.searchsorted(uniq, ts[inside])])
            own[inside] = np.maximum(minutes // self.interval, 1) * self.interval
        return own

    def to_list(self, label: str) -> list[dict[str, object]]:
        """The stretches read at a wider step, JSON-ready: ``start`` and ``end`` of the time
        they cover (the file's clock, ISO minutes), ``minutes`` and ``readings``."""
        return [{"start": minute_str(start), "end": minute_str(end),
                 "minutes": stretch.minutes, "readings": readings}
                for stretch, (start, end, readings) in zip(self.wider, self.spans(label),
                                                           strict=True)]

    def spans(self, label: str) -> list[tuple[int, int, int]]:
        """Start and end of the time each stretch's readings cover [int64 ns, the file's
        clock] and their number: its steps, and one more step where the file ends (start
        labels) or begins (end labels) with it."""
        spans = []
        for stretch in self.wider:
            start, end, count = stretch.start_ns, stretch.end_ns, stretch.steps
            if label != "end" and end == self.last_ns:
                end, count = end + stretch.minutes * NS_PER_MIN, count + 1
            if label == "end" and start == self.first_ns:
                start, count = start - stretch.minutes * NS_PER_MIN, count + 1
            spans.append((start, end, count))
        return spans


def find_steps(ts: np.ndarray, mode: int, supported: list[int]) -> Steps:
    """The grid's step and the runs of readings at a wider step.

    Parameters
    ----------
    ts : numpy.ndarray
        Wall-clock timestamps as read [int64 ns], any order, NaT allowed.
    mode : int
        The most common step [min] (:func:`~pvplanner.load.meter.detect.detect_interval`).
    supported : list of int
        Steps the reader accepts [min].

    Returns
    -------
    Steps
        Without a run of :func:`min_stretch_hours` at two different steps, the most common
        step and no stretch (today's reading: wider steps are gaps).

    Examples
    --------
    >>> day = 1440 * NS_PER_MIN
    >>> half = np.arange(0, 2 * day, 30 * NS_PER_MIN)
    >>> quarter = np.arange(2 * day, 4 * day, 15 * NS_PER_MIN)
    >>> steps = find_steps(np.concatenate([half, quarter]), 15, [15, 30])
    >>> steps.interval, [(s.minutes, s.steps) for s in steps.wider]
    (15, [(30, 96)])
    """
    uniq = np.unique(ts[ts != NAT])
    minutes = np.diff(uniq) // NS_PER_MIN
    runs = _long_runs(minutes, supported)
    finest = min((step for step, _, _ in runs), default=mode)
    if not runs or all(step == finest for step, _, _ in runs):
        return Steps(interval=mode, first_ns=int(uniq[0]), last_ns=int(uniq[-1]))
    wider = [
        Stretch(start_ns=int(uniq[first]), end_ns=int(uniq[last + 1]), minutes=int(step),
                steps=int(last + 1 - first))
        for step, first, last in _merged(runs)
        if step > finest and step % finest == 0
    ]
    return Steps(interval=int(finest), first_ns=int(uniq[0]), last_ns=int(uniq[-1]),
                 wider=tuple(wider))


def _long_runs(minutes: np.ndarray, supported: list[int]) -> list[tuple[int, int, int]]:
    """Runs of one supported step lasting :func:`min_stretch_hours`: (step [min], first
    step's index, last step's index), in time order."""
    if not len(minutes):
        return []
    starts = np.flatnonzero(np.diff(minutes, prepend=minutes[0] - 1) != 0)
    ends = np.append(starts[1:], len(minutes)) - 1
    return [(int(minutes[a]), int(a), int(b)) for a, b in zip(starts, ends, strict=True)
            if int(minutes[a]) in supported
            and (b - a + 1) * minutes[a] >= min_stretch_hours() * 60]


def _merged(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Consecutive long runs of the same step joined across what lies between them (a
    missing reading, a few odd steps)."""
    out = [runs[0]]
    for step, first, last in runs[1:]:
        if step == out[-1][0]:
            out[-1] = (step, out[-1][1], last)
        else:
            out.append((step, first, last))
    return out


def confirmed(steps: Steps, ts: np.ndarray, values: np.ndarray, unit_kind: str) -> Steps:
    """The stretches that are a change of step for values of ``unit_kind``.

    Energy per interval [kWh]: a stretch at ``k`` times the grid's step is one when its
    readings are at least ``sqrt(k)`` times the finer readings beside it (energy of ``k``
    steps reads about ``k`` times as much; readings missing from a finer series read the
    same). Compared are the medians of the positive readings within
    :func:`level_window_days` either side of each of its ends, so that neither the season
    nor a plant's night (PV output) decides. Mean power [kW] cannot tell the two apart and
    needs no conversion: every stretch is kept, its means held. A cumulative register is
    differenced over whatever time lies between readings: no stretch.

    Parameters
    ----------
    steps : Steps
        From :func:`find_steps`.
    ts, values : numpy.ndarray
        Wall-clock timestamps [int64 ns] and readings, as read.
    unit_kind : {"kw", "kwh", "kwh_cumulative"}

    Returns
    -------
    Steps
    """
    if unit_kind == "kw" or not steps.wider:
        return steps
    if unit_kind != "kwh":
        return replace(steps, wider=())
    usable = np.isfinite(values) & (values > 0)
    inside = [(ts >= s.start_ns) & (ts <= s.end_ns) for s in steps.wider]
    finer = usable & ~np.logical_or.reduce(inside)
    near = int(level_window_days() * NS_PER_DAY)
    kept = []
    for stretch, mask in zip(steps.wider, inside, strict=True):
        by_ends = (np.abs(ts - stretch.start_ns) <= near) | (np.abs(ts - stretch.end_ns) <= near)
        mine, beside = values[mask & usable & by_ends], values[finer & by_ends]
        if not len(mine) or not len(beside):  # nothing to compare with: a change of step
            kept.append(stretch)
            continue
        ratio = stretch.minutes / steps.interval
        if float(np.median(mine)) >= np.sqrt(ratio) * float(np.median(beside)):
            kept.append(stretch)
    return replace(steps, wider=tuple(kept))


def held(
    ts: np.ndarray, kw: np.ndarray, own: np.ndarray, interval: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each reading's mean power held over the grid steps of its own interval.

    Parameters
    ----------
    ts : numpy.ndarray
        Interval starts on the grid [int64 ns].
    kw : numpy.ndarray
        Mean power of each reading over its own interval [kW].
    own : numpy.ndarray
        Interval each reading covers [min], a multiple of ``interval``.
    interval : int
        The grid's step [min].

    Returns
    -------
    tuple of numpy.ndarray
        Grid timestamps and kW, a reading of ``k`` steps repeated over ``k`` of them.

    Examples
    --------
    >>> step = 15 * NS_PER_MIN
    >>> t, kw = held(np.array([0, 2 * step]), np.array([8.0, 5.0]), np.array([30, 15]), 15)
    >>> (t // step).tolist(), kw.tolist()
    ([0, 1, 2], [8.0, 8.0, 5.0])
    """
    parts = np.maximum(own // interval, 1).astype(np.int64)
    if np.all(parts == 1):
        return ts, kw
    offsets = np.arange(parts.sum()) - np.repeat(np.cumsum(parts) - parts, parts)
    return np.repeat(ts, parts) + offsets * interval * NS_PER_MIN, np.repeat(kw, parts)


def step_notes(steps: Steps, unit_kind: str, label: str) -> list[Message]:
    """One note per stretch read at its own step: when, how it was read, what its demand
    peaks are. At most :data:`~pvplanner.load.meter.common.MAX_EXAMPLES` notes."""
    notes = []
    spans = steps.spans(label)
    for stretch, (start, end, count) in list(zip(steps.wider, spans,
                                                 strict=True))[:MAX_EXAMPLES]:
        values = {"minutes": stretch.minutes, "start": minute_str(start),
                  "end": minute_str(end), "count": count,
                  "interval": steps.interval}
        if unit_kind == "kwh":
            notes.append(Message.of(
                "notes.meter.step_change_energy", "the readings change step: every "
                "{minutes} minutes from {start} to {end} ({count:,} readings), every "
                "{interval} minutes elsewhere. Each of those readings is the energy of its "
                "{minutes} minutes: its mean power is the energy over {minutes} minutes, not "
                "{interval}, held over each {interval}-minute step it spans, so the energy is "
                "the file's; the demand peaks of that stretch are {minutes}-minute means (a "
                "{interval}-minute peak may be higher)", **values))
        else:
            notes.append(Message.of(
                "notes.meter.step_change_power", "the readings change step: every {minutes} "
                "minutes from {start} to {end} ({count:,} readings), every {interval} minutes "
                "elsewhere. Each of those readings is a mean power over its {minutes} "
                "minutes, held over each {interval}-minute step it spans; the demand peaks of "
                "that stretch are {minutes}-minute means (a {interval}-minute peak may be "
                "higher)", **values))
    return notes


#: The plan's finest step [min]: maximum demand is billed on 15-minute means.
QUARTER_HOUR = 15


def output_step(interval: int) -> tuple[int, list[Message]]:
    """The step of the typical year for a grid of ``interval`` minutes, and a note.

    Readings of 15 minutes or finer give 15-minute means (the demand a meter bills). A
    30-minute reading is the closest the file comes to them: each is held over its two
    quarter hours, which keeps the energy and the 30-minute maxima (hourly means would lower
    the demand billed; the note says so). Hourly readings stay hourly.

    Parameters
    ----------
    interval : int
        The grid's step [min].

    Returns
    -------
    (int, list of Message)
        The step [min] and, for readings held over quarter hours, the note that says so.

    Examples
    --------
    >>> [output_step(m)[0] for m in (5, 15, 30, 60)]
    [15, 15, 15, 60]
    """
    if interval >= 60:
        return 60, []
    if interval <= QUARTER_HOUR:
        return QUARTER_HOUR, []
    return QUARTER_HOUR, [Message.of(
        "notes.meter.held_on_quarter_hours", "the file's readings are {interval}-minute means: "
        "the plan runs on 15-minute steps, each {interval}-minute mean held over its {parts} "
        "quarter hours, so the energy and the {interval}-minute maxima are the file's. Maximum "
        "demand is billed on 15-minute means, which the file does not give: the demand billed "
        "is the {interval}-minute maximum, the closest the file comes (a 15-minute peak may be "
        "higher)", interval=int(interval), parts=int(interval) // QUARTER_HOUR)]
