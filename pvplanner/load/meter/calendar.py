"""The real calendar -> the typical year: whole-week shifts, holidays re-anchored.

:func:`map_days_to_typical_year` chooses, for each day of the typical year, the real day
whose load it takes; :func:`map_to_typical_year` applies it to the cleaned grid, making each
month hold the file's maximum demand of that month, and says what the mapping did to the
year's energy and to a leap day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.holidays import day_types, holiday_dates
from pvplanner.load.meter.clean import Filled, Grid
from pvplanner.load.meter.common import NS_PER_DAY, day_str
from pvplanner.messages import Message, bilingual, listing
from weather.timeaxis import TYPICAL_YEAR


def map_to_typical_year(
    filled: Filled, grid: Grid, interval: int, rules: dict
) -> tuple[np.ndarray, dict[str, Any]]:
    """The cleaned load on the typical year's days, each month keeping the file's maximum.

    Days are chosen by :func:`map_days_to_typical_year`, then each month of the typical year
    is made to hold the file's maximum demand of that calendar month, no more and no less
    (:func:`_keep_month_peaks`): the demand charge bills each month's maximum, and the
    whole-week shift and the Spring Festival's re-anchoring move days across month ends.
    Target days without a source day take the same month's average profile of their day
    type.

    Parameters
    ----------
    filled : Filled
        The gap-filled load on the file's grid.
    grid : Grid
        The file's grid (which values were read).
    interval : int
        The grid's step [min].
    rules : dict
        The ``[meter]`` thresholds.

    Returns
    -------
    (numpy.ndarray, dict)
        The load of each target day and slot [kW], shape (days, slots per day), and the
        JSON-ready summary of the mapping, with ``warning`` (months without data) and
        ``notes`` (peak days kept, the year's energy, the leap day) as messages to pop.
    """
    days = grid.day_index()
    slots = grid.slots_per_day
    source = filled.values.reshape(grid.days, slots)
    valid_share = grid.valid.reshape(grid.days, slots).mean(axis=1)
    mapping, info = map_days_to_typical_year(
        days, window_days=int(rules["spring_festival_window_days"])
    )
    target_days = pd.date_range(f"{TYPICAL_YEAR}-01-01", f"{TYPICAL_YEAR}-12-31", freq="D")
    target_types = day_types(target_days)["day_type"].to_numpy(dtype=object)
    day_max_kw = source.max(axis=1)
    kept, replaced = _keep_month_peaks(
        mapping, _Days.of(days, day_types(days)["day_type"]),
        _Days.of(target_days, target_types), day_max_kw, int(info["shift_days"]))
    out = np.empty((len(target_days), slots))
    from_profile = 0
    months_missing = set()
    for i, day in enumerate(target_days):
        j = mapping[i]
        if j >= 0:
            out[i] = source[j]
        else:
            out[i] = filled.profiles.day(int(day.month), str(target_types[i]))
            from_profile += 1
            if day.month not in filled.profiles.months:
                months_missing.add(int(day.month))
    real = np.where(mapping >= 0, valid_share[np.maximum(mapping, 0)], 0.0)
    info["days_filled_from_profile"] = int(from_profile)
    info["year_coverage_percent"] = float(100.0 * real.sum() / len(target_days))
    info["month_peaks_kept"] = kept
    info["days_above_month_peak_replaced"] = int(replaced)
    notes = _peak_notes(kept, replaced)
    if not from_profile and grid.days <= 366:  # a year of the file: the same energy?
        notes += _energy_note(mapping, grid.days, out.sum(), source.sum(), interval, info)
    notes += _leap_day_note(days, mapping, target_days)
    info["notes"] = notes
    if months_missing:
        months = [str(month) for month in sorted(months_missing)]
        info["warning"] = Message.of(
            "notes.meter.months_missing", "months without any data: {months}; those days use "
            "the nearest months' profiles of the same day type; a full year of data is better",
            months=listing(months))
    return out, info


class _Days:
    """Days (a real year's or the typical year's) with what mapping compares: day number
    since 1970-01-01, calendar month, weekday and day type."""

    def __init__(self, number: np.ndarray, month: np.ndarray, weekday: np.ndarray,
                 kind: np.ndarray, label: list[str]) -> None:
        self.number, self.month, self.weekday, self.kind = number, month, weekday, kind
        self.label = label

    @classmethod
    def of(cls, days: pd.DatetimeIndex, kinds: Any) -> _Days:
        """The days of ``days`` (midnights) with their day types ``kinds``."""
        return cls((days.as_unit("ns").asi8 // NS_PER_DAY).astype(np.int64),
                   days.month.to_numpy(), days.day_of_week.to_numpy(),
                   np.asarray(kinds, dtype=object), [str(d.date()) for d in days])

    def nearest_alike(self, among: np.ndarray, day: int, kind: str, weekday: int) -> int:
        """The day of ``among`` (positions) most like one of type ``kind`` on ``weekday``
        near day number ``day``: same day type first, then same weekday, then nearest (the
        earlier of two)."""
        scores = [(self.kind[k] != kind, self.weekday[k] != weekday,
                   abs(int(self.number[k]) - day), int(self.number[k])) for k in among]
        return int(among[min(range(len(among)), key=scores.__getitem__)])


def _keep_month_peaks(
    mapping: np.ndarray, src: _Days, tgt: _Days, day_max_kw: np.ndarray, shift_days: int
) -> tuple[list[dict[str, Any]], int]:
    """Make each month of the typical year hold the file's maximum of that calendar month.

    A month's demand charge bills its maximum, so the baseline must show the meter's: the
    whole-week shift moves a day or two across each month's end, and the Spring Festival's
    re-anchoring (:func:`map_days_to_typical_year`) moves weeks, which can carry a month's
    peak day out of its month and another month's higher day into it. For each calendar
    month of the file (all its days in that month, whatever the year):

    1. a target day of the month whose source day's maximum exceeds the month's maximum
       takes instead the month's source day most like it (same day type, same weekday,
       nearest to its source day);
    2. if the month then lacks the peak, the source day holding it replaces the target day
       of the month most like it (same day type and weekday as the peak day, nearest to
       where the whole-week shift would put it).

    Parameters
    ----------
    mapping : numpy.ndarray
        Source day position of each target day (-1: none); changed in place.
    src, tgt : _Days
        The file's days and the typical year's.
    day_max_kw : numpy.ndarray
        Each source day's maximum [kW].
    shift_days : int
        The whole-week shift from the file's days to the typical year's [days].

    Returns
    -------
    (list of dict, int)
        The peak days placed (``month``, ``source_day``, ``target_day``, ``peak_kw``) and
        the number of days replaced for exceeding their month's maximum.
    """
    kept: list[dict[str, Any]] = []
    replaced = 0
    for month in np.unique(src.month):
        members = np.flatnonzero(src.month == month)
        peak = int(members[np.argmax(day_max_kw[members])])
        peak_kw = float(day_max_kw[peak])
        in_month = np.flatnonzero(tgt.month == month)
        for i in in_month:
            j = int(mapping[i])
            if j >= 0 and day_max_kw[j] > peak_kw:
                mapping[i] = src.nearest_alike(members, int(src.number[j]), tgt.kind[i],
                                               int(tgt.weekday[i]))
                replaced += 1
        held = mapping[in_month]
        if np.any(held == peak) or (np.any(held >= 0)
                                    and day_max_kw[held[held >= 0]].max() >= peak_kw):
            continue
        day = tgt.nearest_alike(in_month, int(src.number[peak]) + shift_days, src.kind[peak],
                                int(src.weekday[peak]))
        mapping[day] = peak
        kept.append({"month": int(month), "source_day": src.label[peak],
                     "target_day": tgt.label[day], "peak_kw": round(peak_kw, 3)})
    return kept, replaced


def _peak_notes(kept: list[dict[str, Any]], replaced: int) -> list[Message]:
    """What :func:`_keep_month_peaks` did, in words."""
    notes = []
    if kept:
        moves = [(f"{k['source_day']} → {k['target_day']}", f"{k['peak_kw']:,.1f} kW")
                 for k in kept]
        days = bilingual(", ".join(f"{move} ({kw})" for move, kw in moves),
                         "、".join(f"{move}（{kw}）" for move, kw in moves))
        notes.append(Message.of(
            "notes.meter.month_peaks_kept", "each month of the typical year keeps the file's "
            "maximum demand of that month. Days holding a month's peak that the calendar "
            "mapping had moved out of their month were put back on a day of the same type in "
            "it: {days}", days=days))
    if replaced:
        notes.append(Message.of(
            "notes.meter.month_peaks_capped", "days of the file moved into another month whose "
            "load exceeded that month's maximum were replaced by days of that month of the same "
            "type, so that no month bills more demand than the file shows: {count}",
            count=int(replaced)))
    return notes


def _energy_note(mapping: np.ndarray, source_days: int, typical_kw: float, file_kw: float,
                 interval: int, info: dict[str, Any]) -> list[Message]:
    """The typical year's energy against a year-long file's, when they differ [kWh].

    Mapping by weekday and holiday uses some days of the file twice and others not at all;
    the readings are not scaled, since scaling would change each month's maximum demand.
    ``typical_kw`` and ``file_kw`` are sums of kW over the steps; ``info`` gains both
    energies."""
    typical_kwh = float(typical_kw) * interval / 60.0
    file_kwh = float(file_kw) * interval / 60.0
    info["typical_year_kwh"], info["source_kwh"] = round(typical_kwh, 3), round(file_kwh, 3)
    if round(typical_kwh) == round(file_kwh) or file_kwh <= 0:
        return []
    uses = np.bincount(mapping[mapping >= 0], minlength=source_days)
    return [Message.of(
        "notes.meter.energy_mapped", "the typical year holds {typical:,.0f} kWh, the file "
        "{file:,.0f} kWh ({percent:+.2f}%): to keep weekdays, public holidays and the Spring "
        "Festival on the typical year's dates, {twice} days of the file are used twice and "
        "{unused} not at all. The readings are not scaled to the file's energy: that would "
        "change each month's maximum demand", typical=typical_kwh, file=file_kwh,
        percent=100.0 * (typical_kwh / file_kwh - 1.0), twice=int(np.sum(uses[uses > 1] - 1)),
        unused=int(np.sum(uses == 0)))]


def _leap_day_note(days: pd.DatetimeIndex, mapping: np.ndarray,
                   target_days: pd.DatetimeIndex) -> list[Message]:
    """Where the file's 29 February went: the typical year has none, so the day's load is
    billed in the month of the day it became (or is not used)."""
    notes = []
    for k in np.flatnonzero((days.month == 2) & (days.day == 29)):
        placed = [str(target_days[i].date()) for i in np.flatnonzero(mapping == k)]
        day = str(days[k].date())
        if placed:
            notes.append(Message.of(
                "notes.meter.leap_day_mapped", "the file's leap day, {day}, is {days} in the "
                "typical year, which has no 29 February: its load is billed in that month",
                day=day, days=listing(placed)))
        else:
            notes.append(Message.of(
                "notes.meter.leap_day_unused", "the file's leap day, {day}, is not used: the "
                "typical year has no 29 February", day=day))
    return notes


def map_days_to_typical_year(
    source_days: pd.DatetimeIndex,
    *,
    target_year: int = TYPICAL_YEAR,
    window_days: int = 14,
    country: str = "CN",
) -> tuple[np.ndarray, dict[str, Any]]:
    """Choose, for each day of the typical year, the real day whose load it takes.

    Method (each step reported in the returned info):

    1. **Weekday alignment.** The reference year is the calendar year holding most source
       days. All days move by the whole number of weeks nearest to the distance between that
       year's 1 January and the target's (2025 -> 2026: 364 days, so Monday 2025-01-06 lands
       on Monday 2026-01-05). A target day without a source day takes the one 52 weeks
       earlier or later, if present (13-month files fill the year's ends that way).
    2. **Spring Festival.** Where the holiday table covers the source year and the target
       year, the target's Spring Festival holiday and ``window_days`` either side take the
       source's festival and its surroundings, shifted by the whole number of weeks nearest to
       the distance between the two festivals (closures and ramps move with the festival);
       other target days that would have taken a day from the source's festival window take
       the nearest same-weekday day outside it.
    3. **Day types.** Each target public-holiday day takes the source day at the same
       position (capped at the source block's length) in the source holiday block of the same
       name nearest in time; any other target day whose source day has another day type
       (make-up workdays, source holidays on ordinary target days) takes the nearest source
       day with the same weekday (within 4 weeks), else the nearest day (within 3 days), of
       the target's day type.
    4. Target days still without a source day are filled by the caller from the same
       month's average profile of the same day type.

    Parameters
    ----------
    source_days : pandas.DatetimeIndex
        Consecutive local calendar days (midnight) of the source data.
    target_year : int
        The typical year.
    window_days : int
        Days either side of the Spring Festival holiday that move with it.
    country : str
        Holiday calendar.

    Returns
    -------
    (numpy.ndarray, dict)
        For each target day, the position of its source day in ``source_days`` (-1: none),
        and a JSON-ready summary of what was done.
    """
    src = pd.DatetimeIndex(source_days).normalize()
    src_int = (src.as_unit("ns").asi8 // NS_PER_DAY).astype(np.int64)
    pos = {int(d): k for k, d in enumerate(src_int)}
    target = pd.date_range(f"{target_year}-01-01", f"{target_year}-12-31", freq="D")
    tgt_int = (target.as_unit("ns").asi8 // NS_PER_DAY).astype(np.int64)
    years, counts = np.unique(src.year, return_counts=True)
    ref_year = int(years[np.flatnonzero(counts == counts.max())[-1]])
    delta = (pd.Timestamp(f"{target_year}-01-01") - pd.Timestamp(f"{ref_year}-01-01")).days
    shift = 7 * int(round(delta / 7))
    mapping = np.full(len(target), -1, dtype=np.int64)
    reasons = np.full(len(target), "", dtype=object)
    for i, t in enumerate(tgt_int):
        for candidate, why in (
            (t - shift, "weekday"),
            (t - shift - 364, "weekday, 52 weeks"),
            (t - shift + 364, "weekday, 52 weeks"),
        ):
            k = pos.get(int(candidate))
            if k is not None:
                mapping[i], reasons[i] = k, why
                break
    info: dict[str, Any] = {
        "source_first_day": str(src[0].date()),
        "source_last_day": str(src[-1].date()),
        "source_years": [int(y) for y in years],
        "reference_year": ref_year,
        "target_year": int(target_year),
        "shift_days": int(shift),
        "method": (
            "whole-week shift (weekdays kept), Spring Festival re-anchored, public holidays "
            "and make-up workdays matched by day type; remaining days from the same month's "
            "average profile of the same day type"
        ),
    }
    src_types = day_types(src, country)
    tgt_types = day_types(target, country)
    covered = bool(src_types["covered"].all()) and bool(tgt_types["covered"].all())
    info["holidays_matched"] = covered
    if not covered:
        uncovered = sorted(set(src.year[~src_types["covered"].to_numpy(dtype=bool)]))
        info["holiday_note"] = (
            f"the holiday table does not cover {', '.join(map(str, uncovered)) or target_year}: "
            "days mapped by weekday only, public holidays not re-anchored"
        )
    else:
        _match_spring_festival(
            src, src_int, pos, tgt_int, target_year, window_days, mapping, reasons, info, country
        )
        _match_day_types(src, src_int, pos, src_types, tgt_int, tgt_types, mapping, reasons, info)
    values, tallies = np.unique(reasons[mapping >= 0].astype(str), return_counts=True)
    info["days_by_rule"] = {str(v): int(c) for v, c in zip(values, tallies, strict=True)}
    info["days_from_source"] = int((mapping >= 0).sum())
    return mapping, info


def _match_spring_festival(
    src: pd.DatetimeIndex,
    src_int: np.ndarray,
    pos: dict[int, int],
    tgt_int: np.ndarray,
    target_year: int,
    window: int,
    mapping: np.ndarray,
    reasons: np.ndarray,
    info: dict[str, Any],
    country: str,
) -> None:
    name = "Spring Festival"
    tgt_block = holiday_dates(target_year, name, country)
    if not len(tgt_block):
        return
    best = None
    for year in sorted(set(src.year)):
        block = holiday_dates(int(year), name, country)
        if not len(block):
            continue
        block_int = (block.as_unit("ns").asi8 // NS_PER_DAY).astype(np.int64)
        if not all(int(d) in pos for d in block_int):
            continue
        available = sum(
            int(d) in pos
            for d in range(int(block_int[0]) - window, int(block_int[-1]) + window + 1)
        )
        if best is None or available >= best[0]:
            best = (available, block_int)
    if best is None:
        info["spring_festival"] = "the source data do not contain a whole Spring Festival holiday"
        return
    s_block = best[1]
    t_block = (tgt_block.as_unit("ns").asi8 // NS_PER_DAY).astype(np.int64)
    anchor = 7 * int(round((int(t_block[0]) - int(s_block[0])) / 7))
    t_lo, t_hi = int(t_block[0]) - window, int(t_block[-1]) + window
    s_lo, s_hi = int(s_block[0]) - window, int(s_block[-1]) + window
    moved = 0
    for i, t in enumerate(tgt_int):
        if t_lo <= t <= t_hi:
            k = pos.get(int(t) - anchor)
            if k is not None:
                mapping[i], reasons[i] = k, "spring festival window"
            continue
        if mapping[i] < 0:
            continue
        c = int(src_int[mapping[i]])
        if s_lo <= c <= s_hi:
            replacement = -1
            for step in range(1, 12):
                for sign in (-1, 1) if c - s_lo < s_hi - c else (1, -1):
                    candidate = c + sign * 7 * step
                    if not s_lo <= candidate <= s_hi and candidate in pos:
                        replacement = pos[candidate]
                        break
                if replacement >= 0:
                    break
            mapping[i] = replacement
            reasons[i] = "moved out of the source's spring festival window"
            moved += 1
    info["spring_festival"] = {
        "source": [day_str(s_block[0]), day_str(s_block[-1])],
        "target": [day_str(t_block[0]), day_str(t_block[-1])],
        "window_days": int(window),
        "anchor_shift_days": int(anchor),
        "days_moved_out_of_source_window": int(moved),
    }


def _holiday_runs(types: pd.DataFrame, day_int: np.ndarray) -> list[tuple[str, list[int]]]:
    """Consecutive holiday days as (main name, [day ints])."""
    runs: list[tuple[str, list[int]]] = []
    is_holiday = (types["day_type"] == "holiday").to_numpy()
    names = types["holiday_name"].to_numpy(dtype=object)
    current: list[int] = []
    current_names: list[str] = []
    for k in range(len(day_int) + 1):
        if (
            k < len(day_int)
            and is_holiday[k]
            and (not current or int(day_int[k]) == current[-1] + 1)
        ):
            current.append(int(day_int[k]))
            current_names.append(str(names[k]))
            continue
        if current:
            main = max(set(current_names), key=current_names.count)
            runs.append((main, current))
        current, current_names = [], []
        if k < len(day_int) and is_holiday[k]:
            current, current_names = [int(day_int[k])], [str(names[k])]
    return runs


def _match_day_types(
    src: pd.DatetimeIndex,
    src_int: np.ndarray,
    pos: dict[int, int],
    src_types: pd.DataFrame,
    tgt_int: np.ndarray,
    tgt_types: pd.DataFrame,
    mapping: np.ndarray,
    reasons: np.ndarray,
    info: dict[str, Any],
) -> None:
    s_type = src_types["day_type"].to_numpy(dtype=object)
    t_type = tgt_types["day_type"].to_numpy(dtype=object)
    s_runs = _holiday_runs(src_types, src_int)
    t_runs = _holiday_runs(tgt_types, tgt_int)
    s_run_of: dict[int, tuple[str, int]] = {}
    for r, (main, run_days) in enumerate(s_runs):
        for j, d in enumerate(run_days):
            s_run_of[d] = (main, r * 1000 + j)
    found = info.get("spring_festival")
    sf: dict[str, Any] = found if isinstance(found, dict) else {}
    s_window = (pd.Timestamp(sf["source"][0]), pd.Timestamp(sf["source"][1])) if sf else None
    if s_window is not None:
        w = int(sf["window_days"])
        lo = int(pd.Timestamp(s_window[0]).as_unit("ns").value // NS_PER_DAY) - w
        hi = int(pd.Timestamp(s_window[1]).as_unit("ns").value // NS_PER_DAY) + w
        t_lo = int(pd.Timestamp(sf["target"][0]).as_unit("ns").value // NS_PER_DAY) - w
        t_hi = int(pd.Timestamp(sf["target"][1]).as_unit("ns").value // NS_PER_DAY) + w
    fixed = unresolved = 0
    t_index = {int(d): i for i, d in enumerate(tgt_int)}
    for main, run_days in t_runs:
        candidates = [(m, days) for m, days in s_runs if m == main]
        for j, d in enumerate(run_days):
            i = t_index[d]
            anchor = int(src_int[mapping[i]]) if mapping[i] >= 0 else d - 364
            if candidates:
                _, days = min(candidates, key=lambda run: abs(run[1][0] - anchor))
                k = pos[days[min(j, len(days) - 1)]]
                if mapping[i] != k:
                    mapping[i], reasons[i] = k, "public holiday matched by name"
                    fixed += 1
                continue
            if mapping[i] >= 0 and s_type[mapping[i]] == "holiday":
                continue
            k = _nearest_of_type(anchor, ("holiday", "weekend"), pos, s_type, None, 10)
            if k >= 0:
                mapping[i], reasons[i] = k, "public holiday (substitute)"
                fixed += 1
            else:
                unresolved += 1
    for i, t in enumerate(tgt_int):
        if mapping[i] < 0 or t_type[i] == "holiday" or s_type[mapping[i]] == t_type[i]:
            continue
        c = int(src_int[mapping[i]])
        exclude = None
        if s_window is not None and not t_lo <= t <= t_hi:
            exclude = (lo, hi)
        k = _nearest_of_type(c, (t_type[i],), pos, s_type, exclude, 3, same_weekday_weeks=4)
        if k >= 0:
            mapping[i], reasons[i] = k, "day type matched"
            fixed += 1
        else:
            unresolved += 1
    info["days_rematched_by_day_type"] = int(fixed)
    info["days_with_other_day_type"] = int(unresolved)


def _nearest_of_type(
    day: int,
    kinds: Sequence[str],
    pos: dict[int, int],
    s_type: np.ndarray,
    exclude: tuple[int, int] | None,
    max_days: int,
    same_weekday_weeks: int = 0,
) -> int:
    def ok(candidate: int) -> int:
        k = pos.get(candidate)
        if k is None or s_type[k] not in kinds:
            return -1
        if exclude is not None and exclude[0] <= candidate <= exclude[1]:
            return -1
        return k

    for weeks in range(1, same_weekday_weeks + 1):
        for sign in (-1, 1):
            k = ok(day + sign * 7 * weeks)
            if k >= 0:
                return k
    for distance in range(1, max_days + 1):
        for sign in (-1, 1):
            k = ok(day + sign * distance)
            if k >= 0:
                return k
    return -1


def resample(values: np.ndarray, interval: int, output: int) -> np.ndarray:
    if interval == output:
        return values
    g = math.gcd(interval, output)
    fine = np.repeat(values, interval // g)
    return fine.reshape(-1, output // g).mean(axis=1)
