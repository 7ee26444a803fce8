"""Cleaning on the regular grid: snap, de-duplicate, difference registers, flag, fill gaps.

Duplicates are averaged; negative and absurd values become gaps; gaps up to
``short_gap_max_hours`` are interpolated, longer ones filled from the same month's average
profile of the same day type (:class:`_ProfileTable`). A file whose values cannot be a load
(all zero, all negative, absurd magnitudes) is refused with what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import LoadFileError
from pvplanner.holidays import day_types
from pvplanner.load.meter.common import MAX_EXAMPLES, NS_PER_DAY, NS_PER_MIN, finite_or_none, iso
from pvplanner.messages import Message, bilingual


def snap_to_grid(
    ts: np.ndarray, rows: np.ndarray, interval: int
) -> tuple[np.ndarray, tuple[int, list[dict[str, Any]]]]:
    step = interval * NS_PER_MIN
    snapped = ((ts + step // 2) // step) * step  # nearest grid point (UTC-aligned grid)
    # the grid must align with local midnight; fixed offsets are whole minutes so this holds
    off = snapped != ts
    examples = [
        {"row": int(rows[k]), "timestamp": iso(int(ts[k])), "moved_to": iso(int(snapped[k]))}
        for k in np.flatnonzero(off)[:MAX_EXAMPLES]
    ]
    return snapped, (int(off.sum()), examples)


def limit_span(
    ts: np.ndarray, values: np.ndarray, rows: np.ndarray, rules: dict, name: str, column: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    notes: list[str] = []
    low, high = np.percentile(ts, [1, 99]).astype(np.int64)
    margin = int(rules["stray_timestamp_days"]) * NS_PER_DAY
    stray = (ts < low - margin) | (ts > high + margin)
    if stray.any():
        k = np.flatnonzero(stray)
        raise LoadFileError(Message.of(
            "errors.meter.stray_timestamp",
            "{file}: row {row}, column '{column}': timestamp {stamp} lies far outside the rest "
            "of the file ({first} to {last}); rows like it: {count}; correct the year or delete them",
            file=name, row=int(rows[k[0]]), column=column, stamp=iso(int(ts[k[0]])),
            first=iso(int(low))[:10], last=iso(int(high))[:10], count=len(k)))
    span_days = (ts.max() - ts.min()) / NS_PER_DAY
    if span_days > rules["max_span_days"]:
        last_day = int(ts.max()) - int(ts.max()) % NS_PER_DAY
        start = last_day - (int(rules["keep_days"]) - 1) * NS_PER_DAY
        keep = ts >= start
        notes.append(Message.of(
            "notes.meter.span_trimmed", "the file spans {days:,.0f} days: only the most recent "
            "{kept} days (from {start}) were used", days=float(span_days),
            kept=int(rules["keep_days"]), start=iso(start)[:10]))
        ts, values, rows = ts[keep], values[keep], rows[keep]
    return ts, values, rows, notes


def merge_duplicates(
    ts: np.ndarray, values: np.ndarray, rows: np.ndarray, carried: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, list[dict[str, Any]], np.ndarray | None]:
    """One reading per timestamp: the readings of a repeated timestamp averaged.

    Parameters
    ----------
    ts : numpy.ndarray
        Timestamps [int64 ns], in any order.
    values : numpy.ndarray
        The reading of each timestamp (NaN: none; left out of a mean).
    rows : numpy.ndarray
        The file row of each reading.
    carried : numpy.ndarray, optional
        A second value of each reading (the meter's multiplier, 倍率), averaged over the
        same timestamps (one sort for both).

    Returns
    -------
    tuple
        The distinct timestamps in time order, their mean readings, the file row of each
        one's first reading, the number of readings merged away, up to
        :data:`~pvplanner.load.meter.common.MAX_EXAMPLES` examples, and the mean of
        ``carried`` per timestamp (None without).
    """
    order = np.argsort(ts, kind="stable")
    ts, values, rows = ts[order], values[order], rows[order]
    uniq, first, inverse, counts = np.unique(
        ts, return_index=True, return_inverse=True, return_counts=True
    )
    means = _group_means(values, inverse, len(uniq))
    dup = np.flatnonzero(counts > 1)
    examples = []
    for j in dup[:MAX_EXAMPLES]:
        members = np.flatnonzero(inverse == j)
        examples.append(
            {
                "timestamp": iso(int(uniq[j])),
                "rows": [int(rows[m]) for m in members[:5]],
                "values": [finite_or_none(values[m]) for m in members[:5]],
                "kept_mean": finite_or_none(means[j]),
            }
        )
    carried_means = None if carried is None else _group_means(carried[order], inverse, len(uniq))
    return uniq, means, rows[first], int((counts - 1).sum()), examples, carried_means


def _group_means(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """The mean of the finite ``values`` of each of ``count`` groups (NaN where none is)."""
    finite = np.isfinite(values)
    sums = np.bincount(groups, weights=np.where(finite, values, 0.0), minlength=count)
    n = np.bincount(groups, weights=finite.astype(float), minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, sums / np.maximum(n, 1), np.nan)


def register_to_kw(
    ts: np.ndarray,
    readings: np.ndarray,
    rows: np.ndarray,
    interval: int,
    rules: dict,
    multipliers: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict[str, Any]], int, int]:
    """Differences of a cumulative register -> kW of the interval starting at each reading.

    Returns timestamps, kW, rows (readings a few intervals apart have their energy spread
    evenly over the missing intervals, which adds timestamps), negative-step examples and
    count, and the number of intervals spread.

    With ``multipliers`` (the meter's multiplier at each reading, 倍率), each step's
    difference is multiplied by the multiplier of its two readings: differenced first, then
    multiplied, so a change of multiplier makes no jump. A step whose two readings have
    different multipliers (or none) is left out, a gap: the register counted under both and
    the file does not say when the change happened.
    """
    step = interval * NS_PER_MIN
    ok = np.isfinite(readings)
    ts_ok, r_ok, rows_ok = ts[ok], readings[ok], rows[ok]
    examples: list[dict[str, Any]] = []
    if len(ts_ok) < 2:
        return ts, np.full(len(ts), np.nan), rows, examples, 0, 0
    gaps = (np.diff(ts_ok) // step).astype(np.int64)
    diffs = np.diff(r_ok)
    known = np.ones(len(diffs), dtype=bool)
    if multipliers is not None:
        m_ok = multipliers[ok]
        known = np.isfinite(m_ok[1:]) & (m_ok[1:] == m_ok[:-1])
        diffs = np.where(known, diffs * np.where(known, m_ok[1:], 1.0), np.nan)
    negative = diffs < 0
    for k in np.flatnonzero(negative)[:MAX_EXAMPLES]:
        examples.append(
            {
                "row": int(rows_ok[k + 1]),
                "timestamp": iso(int(ts_ok[k + 1])),
                "value": float(r_ok[k + 1]),
                "reason": "register decreased (meter reset or replacement): treated as a gap",
            }
        )
    short_steps = int(rules["short_gap_max_hours"] * 60 // interval) + 1
    use = known & ~negative & (gaps >= 1) & (gaps <= short_steps)
    counts = np.where(use, gaps, 0)
    starts = (
        np.repeat(ts_ok[:-1], counts)
        + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) * step
    )
    energy = np.repeat(np.where(use, diffs / np.maximum(gaps, 1), np.nan), counts)
    out_rows = np.repeat(rows_ok[1:], counts)
    spread = int(counts.sum() - use.sum())
    return starts, energy * 60.0 / interval, out_rows, examples, int(negative.sum()), spread


def flag_outliers(
    kw: np.ndarray, ts: np.ndarray, rows: np.ndarray, rules: dict
) -> tuple[np.ndarray, list[dict[str, Any]], int, dict[str, int]]:
    """Negative, implausibly high and physically absurd values -> NaN (gaps).

    Returns the cleaned kW, examples, the number flagged and a tally by reason
    (``negative``, ``high``: above ``outlier_median_multiple`` x the median, ``absurd``:
    above ``max_physical_kw`` or infinite after unit conversion).
    """
    kw = kw.copy()
    finite = np.isfinite(kw)
    positive = kw[finite & (kw > 0)]
    median = float(np.median(positive)) if len(positive) else 0.0
    limit = rules["outlier_median_multiple"] * median if median > 0 else np.inf
    physical = float(rules["max_physical_kw"])
    reasons = np.full(len(kw), "", dtype=object)
    negative = np.nan_to_num(kw, nan=0.0) < 0
    reasons[negative] = "negative (export or wrong sign): treated as a gap"
    high = finite & (kw > limit)
    reasons[high] = (
        f"above {rules['outlier_median_multiple']:g}x the median load ({median:.3g} kW): "
        "treated as a gap"
    )
    absurd = (finite & (kw > physical)) | np.isposinf(kw)
    reasons[absurd] = f"above the physical limit of {physical:g} kW: treated as a gap"
    flagged = negative | high | absurd
    examples = [
        {
            "row": int(rows[k]),
            "timestamp": iso(int(ts[k])),
            "value_kw": float(kw[k]),
            "reason": str(reasons[k]),
        }
        for k in np.flatnonzero(flagged)[:MAX_EXAMPLES]
    ]
    kw[flagged] = np.nan
    tally = {
        "negative": int(negative.sum()),
        "high": int((high & ~absurd).sum()),
        "absurd": int(absurd.sum()),
    }
    return kw, examples, int(flagged.sum()), tally


def absurd_unit(name: str, header: str, kw: np.ndarray, rows: np.ndarray,
                 tally: dict[str, int], rules: dict) -> Message | None:
    """The column's unit is wrong when more than ``max_absurd_share`` of its readings lie
    beyond any site's load (``max_physical_kw``), else None.

    A few such cells are spikes (:func:`flag_outliers` drops them). Many are a unit error,
    most often a column in W labelled or read as kW; the readings below the limit are then
    wrong by the same factor, so no plan may be made of them (a factory of 932 kW read from
    W would plan on 932,191 "kW").

    Parameters
    ----------
    name, header : str
        The file and its value column, for the message.
    kw : numpy.ndarray
        The values converted to kW before :func:`flag_outliers` [kW].
    rows : numpy.ndarray
        File row of each value.
    tally : dict
        Counts by reason from :func:`flag_outliers`.
    rules : dict
        The ``[meter]`` thresholds.

    Returns
    -------
    Message or None
    """
    readings = int(np.isfinite(kw).sum())
    if readings == 0 or tally.get("absurd", 0) <= rules["max_absurd_share"] * readings:
        return None
    k = int(np.nanargmax(np.where(np.isfinite(kw), kw, -np.inf)))
    return Message.of(
        "errors.meter.absurd_unit", "{file}: {count:,} of the {readings:,} readings in column "
        "'{column}' ({percent:.0f}%) exceed {physical:,.0f} kW, more than any site draws or "
        "makes; the "
        "largest is {largest:,.0f} kW (row {row}): the column is most likely in W, not kW (or "
        "Wh, not kWh). Export it in kW or kWh, or divide the values by 1,000",
        file=name, count=int(tally["absurd"]), readings=readings,
        percent=100.0 * tally["absurd"] / readings, column=header,
        physical=float(rules["max_physical_kw"]), largest=float(kw[k]), row=int(rows[k]))


def why_too_little(
    name: str,
    header: str,
    unit_kind: str,
    kw: np.ndarray,
    rows: np.ndarray,
    tally: dict[str, int],
    examples: list[dict[str, Any]],
    valid_days: float,
    rules: dict,
) -> Message | None:
    """What is wrong with the values when most of them had to be dropped; None if not that.

    Parameters
    ----------
    name, header : str
        The file and its value column, for the message.
    unit_kind : {"kw", "kwh", "kwh_cumulative"}
        What the values were read as.
    kw : numpy.ndarray
        The values converted to kW before :func:`flag_outliers` [kW] (NaN for blanks and,
        for a register, for the steps where it fell).
    rows : numpy.ndarray
        File row of each value.
    tally : dict
        Counts by reason from :func:`flag_outliers`; for a register, ``negative`` includes
        the steps where it fell.
    examples : list of dict
        Flagged rows (``row``, ``reason``), negative ones first.
    valid_days : float
        Days of data left [days].
    rules : dict
        The ``[meter]`` thresholds.

    Returns
    -------
    Message or None
        A message naming the column, the problem, an example row and what to do, when
        the values (not the file's length) are why too little data is left.
    """
    present = ~np.isnan(kw)
    readings = int(present.sum()) + (tally["negative"] if unit_kind == "kwh_cumulative" else 0)
    if readings == 0:
        return Message.of(
            "errors.meter.no_numbers", "{file}: column '{column}' holds no numbers (rows "
            "{first}-{last} are empty there): export the data again with the kW or kWh "
            "readings, keeping only the time column and the column of readings", file=name,
            column=header, first=int(rows.min()), last=int(rows.max()))
    kind = max(("negative", "absurd"), key=lambda k: tally.get(k, 0))
    if tally.get(kind, 0) < 0.5 * readings:
        return None  # the file is short, not wrong
    common = {"file": name, "column": header, "readings": readings, "days": float(valid_days)}
    if kind == "negative":
        first = next(
            (x for x in examples if "negative" in x["reason"] or "decreased" in x["reason"]),
            None,
        )
        if unit_kind == "kwh_cumulative":
            at = (bilingual(f" (e.g. at row {first['row']})", f"（如第 {first['row']} 行）")
                  if first else bilingual("", ""))
            return Message.of(
                "errors.meter.register_falls", "{file}: the register in column '{column}' falls "
                "in {count:,} of its {readings:,} steps{at}, which leaves only {days:.1f} days "
                "of usable data: a register that counts down is an export (feed-in) register or "
                "one read in reverse; export the import (consumption) register instead, keeping "
                "only the time column and that one, or set the values' unit to kW or kWh if "
                "they are not cumulative",
                count=tally["negative"], at=at, **common)
        at = (bilingual(f" (e.g. row {first['row']}: {first['value_kw']:.4g} kW)",
                        f"（如第 {first['row']} 行：{first['value_kw']:.4g} kW）")
              if first else bilingual("", ""))
        return Message.of(
            "errors.meter.negative_values", "{file}: {count:,} of the {readings:,} values in "
            "column '{column}' are negative{at}, which leaves only {days:.1f} days of usable "
            "data: the column looks like an export (feed-in) register or uses the opposite "
            "sign convention; export the import (consumption) column instead, keeping only the "
            "time column and that one, or export the load with consumption as positive values",
            count=tally["negative"], at=at, **common)
    k = int(np.argmax(np.where(present, np.abs(kw), -np.inf)))
    return Message.of(
        "errors.meter.absurd_values", "{file}: {count:,} of the {readings:,} values in column "
        "'{column}' are beyond any site's load; the largest is {largest:.4g} kW (row {row}), "
        "while a plausible load lies between 0 and {physical:,.0f} kW (a factory draws tens "
        "to tens of thousands of kW), which leaves only {days:.1f} days of usable data: check "
        "the column and its unit (W or Wh read as kW or kWh? export in kW or kWh, or name the "
        "unit in the column's header) and that the cells hold readings, not meter or account "
        "numbers",
        count=tally["absurd"], largest=float(kw[k]), row=int(rows[k]),
        physical=float(rules["max_physical_kw"]), **common)


def all_zero(values_kw: np.ndarray) -> bool:
    """Whether there are valid (finite) readings and every one of them is 0.

    >>> all_zero(np.array([0.0, np.nan, 0.0])), all_zero(np.array([0.0, 1.0]))
    (True, False)
    >>> all_zero(np.array([np.nan]))
    False
    """
    valid = np.isfinite(values_kw)
    return bool(valid.any()) and not bool(np.any(values_kw[valid] != 0))

def refuse_all_zero(
    name: str, header: str, unit_kind: str, values_kw: np.ndarray, rows: np.ndarray
) -> None:
    """Refuse a file whose every reading is 0: a plan on it would show no bill to save on.

    Parameters
    ----------
    name, header : str
        The file and its value column, for the message.
    unit_kind : {"kw", "kwh", "kwh_cumulative"}
        What the values were read as.
    values_kw : numpy.ndarray
        The valid values [kW] (NaN for gaps).
    rows : numpy.ndarray
        File row of each value.

    Raises
    ------
    LoadFileError
        When there are valid values and all of them are 0.
    """
    if not all_zero(values_kw):
        return
    values = {"file": name, "column": header, "first": int(rows.min()), "last": int(rows.max()),
              "count": int(np.isfinite(values_kw).sum())}
    if unit_kind == "kwh_cumulative":
        raise LoadFileError(Message.of(
            "errors.meter.register_still",
            "{file}: the register in column '{column}' never advances (rows {first}-{last}, "
            "{count:,} readings): the file's values are all zero, so it holds no consumption and "
            "a plan on it would find no bill to save on; check that this is the consumption "
            "(import) column; if the consumption is in another column, export only the time "
            "column and that one, or export the data again",
            **values))
    raise LoadFileError(Message.of(
        "errors.meter.all_zero",
        "{file}: every value in column '{column}' is 0 (rows {first}-{last}, {count:,} "
        "readings): the file's values are all zero, so it holds no consumption and a plan on it "
        "would find no bill to save on; check that this is the consumption (import) column; if "
        "the consumption is in another column, export only the time column and that one, or "
        "export the data again", **values))


@dataclass
class Grid:
    start_ns: int  # local midnight of the first day
    values: np.ndarray  # kW on the grid, NaN where missing
    valid: np.ndarray
    slots_per_day: int

    @property
    def days(self) -> int:
        return len(self.values) // self.slots_per_day

    def day_index(self) -> pd.DatetimeIndex:
        starts = self.start_ns + np.arange(self.days, dtype=np.int64) * NS_PER_DAY
        return pd.DatetimeIndex(starts.astype("datetime64[ns]"))


def build_grid(ts: np.ndarray, kw: np.ndarray, interval: int) -> Grid:
    step = interval * NS_PER_MIN
    first, last = int(ts.min()), int(ts.max())
    start = first - first % NS_PER_DAY
    end = last - last % NS_PER_DAY + NS_PER_DAY
    n = (end - start) // step
    values = np.full(n, np.nan)
    values[(ts - start) // step] = kw
    return Grid(
        start_ns=start, values=values, valid=np.isfinite(values), slots_per_day=1440 // interval
    )


#: How many gaps of each kind a quality report lists (with where they are).
MAX_GAPS_LISTED = 50


@dataclass
class Filled:
    """The load with its gaps filled, and what was filled where.

    ``long_gaps`` and ``short_gaps`` list up to :data:`MAX_GAPS_LISTED` gaps each, in time
    order: ``start``, ``end`` (exclusive, the site's standard time), ``hours``,
    ``intervals`` and ``method``.
    """

    values: np.ndarray
    interpolated: int
    profile_filled: int
    long_gaps: list[dict[str, Any]]
    profiles: _ProfileTable
    short_gaps: list[dict[str, Any]] = field(default_factory=list)


def _gap(grid: Grid, first: int, end: int, interval: int, method: str) -> dict[str, Any]:
    """A gap of ``grid`` from position ``first`` to ``end`` (exclusive) as a report lists it."""
    start_ns = grid.start_ns + first * interval * NS_PER_MIN
    return {"start": iso(start_ns), "end": iso(start_ns + (end - first) * interval * NS_PER_MIN),
            "hours": round((end - first) * interval / 60.0, 3), "intervals": int(end - first),
            "method": method}


def fill_gaps(grid: Grid, interval: int, rules: dict) -> Filled:
    values = grid.values.copy()
    missing = ~grid.valid
    days = grid.day_index()
    info = day_types(days)
    profiles = _ProfileTable(
        values.reshape(grid.days, grid.slots_per_day),
        grid.valid.reshape(grid.days, grid.slots_per_day),
        days.month.to_numpy(),
        info["day_type"].to_numpy(dtype=object),
    )
    long_gaps: list[dict[str, Any]] = []
    short_gaps: list[dict[str, Any]] = []
    interpolated = profile_filled = 0
    if missing.any():
        edges = np.diff(np.concatenate([[0], missing.astype(np.int8), [0]]))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)  # exclusive
        short_max = int(round(rules["short_gap_max_hours"] * 60 / interval))
        lengths = ends - starts
        interior = (starts > 0) & (ends < len(values))
        short = interior & (lengths <= short_max)
        positions = np.arange(len(values))
        if short.any():
            idx = np.concatenate(
                [positions[s:e] for s, e in zip(starts[short], ends[short], strict=True)]
            )
            values[idx] = np.interp(idx, positions[grid.valid], grid.values[grid.valid])
            interpolated = len(idx)
            short_gaps = [_gap(grid, int(a), int(b), interval, "linear interpolation")
                          for a, b in zip(starts[short][:MAX_GAPS_LISTED],
                                          ends[short][:MAX_GAPS_LISTED], strict=True)]
        day_of = positions // grid.slots_per_day
        slot_of = positions % grid.slots_per_day
        months = days.month.to_numpy()
        types = info["day_type"].to_numpy(dtype=object)
        for s, e in zip(starts[~short], ends[~short], strict=True):
            idx = positions[s:e]
            for d in np.unique(day_of[idx]):
                in_day = idx[day_of[idx] == d]
                values[in_day] = profiles.day(int(months[d]), str(types[d]))[slot_of[in_day]]
            profile_filled += e - s
            if len(long_gaps) < MAX_GAPS_LISTED:
                long_gaps.append(_gap(grid, int(s), int(e), interval,
                                      "same month, same day type average profile"))
    return Filled(values, interpolated, profile_filled, long_gaps, profiles, short_gaps)


class _ProfileTable:
    """Average daily profiles by (month, day type) with a documented fallback chain."""

    def __init__(
        self, values: np.ndarray, valid: np.ndarray, months: np.ndarray, types: np.ndarray
    ) -> None:
        clean = np.where(valid, values, 0.0)
        self._slots = values.shape[1]
        self._sum: dict[tuple[int, str], np.ndarray] = {}
        self._count: dict[tuple[int, str], np.ndarray] = {}
        for month in np.unique(months):
            for kind in np.unique(types):
                rows = (months == month) & (types == kind)
                if rows.any():
                    key = (int(month), str(kind))
                    self._sum[key] = clean[rows].sum(axis=0)
                    self._count[key] = valid[rows].sum(axis=0).astype(float)
        total = valid.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self._overall = np.where(total > 0, clean.sum(axis=0) / np.maximum(total, 1), np.nan)
        finite = values[valid]
        self._scalar = float(finite.mean()) if finite.size else 0.0
        self.months = sorted({m for m, _ in self._sum})
        self._cache: dict[tuple[int, str], np.ndarray] = {}

    def _mean(self, months: Sequence[int], kinds: Sequence[str] | None) -> np.ndarray:
        total = np.zeros(self._slots)
        count = np.zeros(self._slots)
        for (m, k), s in self._sum.items():
            if m in months and (kinds is None or k in kinds):
                total += s
                count += self._count[(m, k)]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    def day(self, month: int, kind: str) -> np.ndarray:
        """Profile for a day of ``kind`` in ``month``; NaN-free.

        Order: same month and day type; (holidays: same month's weekends); nearest months
        (circular) with the day type (holidays: then weekends); same month any day type; the
        whole file's mean profile; the file's mean load.
        """
        key = (month, kind)
        if key in self._cache:
            return self._cache[key]
        kinds = [kind] + (["weekend"] if kind == "holiday" else [])
        near = sorted(range(1, 13), key=lambda m: (min(abs(m - month), 12 - abs(m - month)), m))
        chain: list[tuple[list[int], list[str] | None]] = []
        for k in kinds:
            chain.append(([month], [k]))
        for m in near[1:]:
            for k in kinds:
                chain.append(([m], [k]))
        chain.append(([month], None))
        out = np.full(self._slots, np.nan)
        for months, ks in chain:
            if not np.isnan(out).any():
                break
            level = self._mean(months, ks)
            out = np.where(np.isnan(out), level, out)
        out = np.where(np.isnan(out), self._overall, out)
        out = np.where(np.isnan(out), self._scalar, out)
        self._cache[key] = out
        return out
