"""The real calendar -> the typical year: whole-week shifts, holidays re-anchored.

:func:`map_days_to_typical_year` chooses, for each day of the typical year, the real day
whose load it takes; :func:`map_to_typical_year` applies it to the cleaned grid.
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
from pvplanner.messages import Message, listing
from weather.timeaxis import TYPICAL_YEAR


def map_to_typical_year(
    filled: Filled, grid: Grid, interval: int, rules: dict
) -> tuple[np.ndarray, dict[str, Any]]:
    days = grid.day_index()
    slots = grid.slots_per_day
    source = filled.values.reshape(grid.days, slots)
    valid_share = grid.valid.reshape(grid.days, slots).mean(axis=1)
    mapping, info = map_days_to_typical_year(
        days, window_days=int(rules["spring_festival_window_days"])
    )
    target_days = pd.date_range(f"{TYPICAL_YEAR}-01-01", f"{TYPICAL_YEAR}-12-31", freq="D")
    target_types = day_types(target_days)["day_type"].to_numpy(dtype=object)
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
    if months_missing:
        months = [str(month) for month in sorted(months_missing)]
        info["warning"] = Message.of(
            "notes.meter.months_missing", "months without any data: {months}; those days use "
            "the nearest months' profiles of the same day type; a full year of data is better",
            months=listing(months))
    return out, info


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
