"""What the timestamps and values are: interval, start/end labels, units, time zone.

Each decision comes with the reason the quality report states.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from pvplanner.errors import LoadFileError
from pvplanner.load.meter.columns import (
    ENERGY_WORDS,
    POWER_WORDS,
    REGISTER_WORDS,
    has_word,
    header_unit,
)
from pvplanner.load.meter.common import NAT, NS_PER_DAY, NS_PER_MIN, iso
from pvplanner.messages import Message, bilingual, listing
from weather.timeaxis import TYPICAL_YEAR


def _row_span(first: int, last: int) -> dict[str, str]:
    """Rows ``first`` to ``last`` as a message value (``row 2`` when they are one)."""
    if first == last:
        return bilingual(f"row {first}", f"第 {first} 行")
    return bilingual(f"rows {first}-{last}", f"第 {first}-{last} 行")


def detect_interval(ts: np.ndarray, rows: np.ndarray, rules: dict,
                    column: str | dict[str, str], file: str) -> int:
    """The most common step between distinct timestamps [min], if supported.

    ``column`` names the timestamp column(s) as a message value (quoted:
    :func:`pvplanner.messages.quoted_listing`), ``file`` the meter file.
    """
    where = {"file": file, "column": column,
             "rows": _row_span(int(rows.min()), int(rows.max()))}
    uniq = np.unique(ts)
    if len(uniq) < 2:
        raise LoadFileError(Message.of(
            "errors.meter.one_timestamp", "{file}: only one distinct timestamp (column {column}, "
            "{rows}): a meter file needs a series of 5-60 minute readings", **where))
    minutes = np.round(np.diff(uniq) / NS_PER_MIN).astype(np.int64)
    minutes = minutes[minutes > 0]
    if not len(minutes):
        raise LoadFileError(Message.of(
            "errors.meter.sub_minute", "{file}: the timestamps are less than a minute apart (column "
            "{column}, {rows}): check the time column", **where))
    values, counts = np.unique(minutes, return_counts=True)
    mode = int(values[np.argmax(counts)])
    supported = [int(v) for v in rules["supported_intervals_minutes"]]
    if mode in supported:
        return mode
    if mode >= 1440:
        raise LoadFileError(Message.of(
            "errors.meter.daily", "{file}: the timestamps are a day or more apart ({days:g} d; column {column}, "
            "{rows}): this is daily or monthly data, not interval data; enter 12 "
            "monthly bills instead", days=mode / 1440, **where))
    raise LoadFileError(Message.of(
        "errors.meter.interval", "{file}: the most common step between timestamps is {minutes} min "
        "(column {column}, {rows}); supported intervals are {supported} min: "
        "resample the export", minutes=mode, supported=listing(supported), **where))


def detect_label(
    ts: np.ndarray, interval: int, has_24: bool, hint: str | None, mode: str
) -> tuple[str, str]:
    if mode in ("start", "end"):
        return mode, Message.of("notes.meter.label.set", "chosen for the meter file: {mode}",
                                mode=_label_name(mode))
    if has_24:
        return "end", Message("notes.meter.label.hour_24",
                              "timestamps use 24:00, which only labels the end of an interval")
    if hint == "end":
        return "end", Message("notes.meter.label.header_end", "the timestamp column's header "
                              "says the interval end (结束/end)")
    if hint == "start":
        return "start", Message("notes.meter.label.header_start", "the timestamp column's "
                                "header says the interval start (开始/start)")
    first = int(ts.min())
    first_tod = (first % NS_PER_DAY) // NS_PER_MIN
    if first_tod == interval:
        day_start = first - first % NS_PER_DAY
        if not np.any(ts == day_start):
            return "end", Message.of(
                "notes.meter.label.first_end", "the first row is at {time}, one interval after "
                "midnight: timestamps mark interval ends",
                time=f"{first_tod // 60:02d}:{first_tod % 60:02d}")
    return "start", Message.of(
        "notes.meter.label.first_start", "the first row is at {time}: timestamps taken as "
        "interval starts", time=f"{first_tod // 60:02d}:{first_tod % 60:02d}")


def _label_name(label: str) -> dict[str, str]:
    """An interval label (``start``/``end``) as a message value in both languages."""
    return bilingual(label, {"start": "起点", "end": "终点"}.get(label, label))


#: Reader's names of the unit settings (``kw``, ``kwh``, ``kwh_cumulative``): (en, zh).
_UNIT_NAMES = {"kw": ("kW", "平均功率（kW）"), "kwh": ("kWh", "时段电量（kWh）"),
               "kwh_cumulative": ("cumulative kWh", "累计电量示数（kWh）")}


def unit_name(units: str) -> dict[str, str]:
    """A unit setting (``kw``, ``kwh``, ``kwh_cumulative``) as a message value."""
    en, zh = _UNIT_NAMES.get(units, (units, units))
    return bilingual(en, zh)


def _monotone_share(values: np.ndarray, ts: np.ndarray) -> tuple[float, float]:
    order = np.argsort(ts, kind="stable")
    finite = values[order]
    finite = finite[np.isfinite(finite)]
    if len(finite) < 8:
        return 0.0, 0.0
    steps = np.diff(finite)
    if not len(steps):
        return 0.0, 0.0
    positive = steps[steps > 0]
    share = float((steps >= 0).mean())
    if not len(positive) or np.median(np.abs(finite)) < 10 * np.median(positive):
        return share, 0.0
    return share, float((steps > 0).mean())


def detect_units(
    header: str,
    values: np.ndarray,
    ts: np.ndarray,
    interval: int,
    mode: str,
    summaries: list[tuple[str, float]],
    rules: dict,
) -> tuple[str, float, str]:
    token = header_unit(header)
    scale = token[1] if token else 1.0
    if mode != "auto":
        if token and token[0] != ("kw" if mode == "kw" else "kwh"):
            scale = 1.0
        return mode, scale, Message.of("notes.meter.units.set", "chosen for the meter file: "
                                                                "{mode}",
                                       mode=bilingual(mode, unit_name(mode)["zh"]))
    nonneg, increasing = _monotone_share(values, ts)
    # A load's register rises in most steps; PV output's only in daylight (series setting).
    monotone = nonneg >= rules["register_monotone_share"] and increasing >= rules.get(
        "register_min_rising_share", 0.5
    )
    if has_word(header, REGISTER_WORDS) and nonneg >= 0.9 and increasing > 0:
        return "kwh_cumulative", scale, Message.of(
            "notes.meter.units.register_header", "header '{header}' names a cumulative register "
            "(示数/读数/reading) and the values rise over time: differenced into kWh per interval",
            header=header)
    if monotone:
        return "kwh_cumulative", scale, Message.of(
            "notes.meter.units.register_values", "the values in '{header}' never fall "
            "({share:.1f}% of steps non-negative): a cumulative kWh register, differenced into "
            "kWh per interval", header=header, share=100 * nonneg)
    if token:
        unit = "kWh" if token[0] == "kwh" else "kW"
        if scale != 1.0:  # the header's own unit (W, MWh, 万kW), converted to kW or kWh
            return token[0], scale, Message.of(
                "notes.meter.units.header_unit_scaled",
                "header '{header}' gives the unit {unit} (x{scale:g} to {target})",
                header=header, unit=token[2], scale=float(scale), target=unit)
        return token[0], scale, Message.of(
            "notes.meter.units.header_unit", "header '{header}' gives the unit {unit}",
            header=header, unit=unit)
    if has_word(header, POWER_WORDS):
        return "kw", 1.0, Message.of(
            "notes.meter.units.power_header",
            "header '{header}' names power/demand (功率/负荷/power): kW", header=header)
    if has_word(header, ENERGY_WORDS):
        return "kwh", 1.0, Message.of(
            "notes.meter.units.energy_header",
            "header '{header}' names energy (电量/正向有功/energy): kWh per interval",
            header=header)
    total = float(np.nansum(values))
    tolerance = rules["summary_row_tolerance"]
    for label, number in summaries:
        if label and has_word(label, ("合计", "总计", "汇总", "total", "sum")) and total > 0:
            if abs(number - total) <= tolerance * total:
                return "kwh", 1.0, Message.of(
                    "notes.meter.units.summary_energy", "the summary row '{label}' ({number:g}) "
                    "equals the sum of the column: energy adds up, so the values are kWh per "
                    "interval", label=label, number=float(number))
            energy_if_kw = total * interval / 60.0
            if abs(number - energy_if_kw) <= tolerance * energy_if_kw:
                return "kw", 1.0, Message.of(
                    "notes.meter.units.summary_power", "the summary row '{label}' ({number:g}) "
                    "equals the column's energy if the values are kW: average power",
                    label=label, number=float(number))
    if interval == 60:
        return "kw", 1.0, Message(
            "notes.meter.units.hourly",
            "hourly data: average kW and kWh per hour are the same number, no unit needed")
    per_year = total * interval / 60.0
    return "kw", 1.0, Message.of(
        "notes.meter.units.assumed_kw",
        "no unit in header '{header}'; assumed average power in kW (the usual content of "
        "load-curve exports, 负荷曲线). If the values are kWh per {interval}-minute interval, "
        "set “Values in the file are” to energy per interval [kWh]: the file's energy would "
        "be {total:,.0f} kWh instead of {per_year:,.0f} kWh",
        header=header, interval=int(interval), total=float(total), per_year=float(per_year))


def parse_zone(timezone: str | None) -> ZoneInfo | None:
    if timezone is None or str(timezone).strip() == "":
        return None
    try:
        return ZoneInfo(str(timezone).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise LoadFileError(
            Message.of("errors.meter.timezone", "timezone={timezone} is not an IANA time zone "
                       "name (e.g. 'Asia/Shanghai', 'America/New_York')",
                       timezone=repr(timezone)),
            field="timezone",
        ) from None


def to_standard_time(
    ts: np.ndarray, rows: np.ndarray, zone: ZoneInfo | None, offset_hours: float, tz_aware: bool
) -> tuple[np.ndarray, list[str], list[str]]:
    """Wall-clock timestamps -> the site's fixed standard offset (naive, int64 ns)."""
    offset_ns = int(round(offset_hours * 3600)) * 10**9
    if tz_aware or zone is None:  # already in the site's standard time
        return ts, [], []
    notes: list[str] = []
    fixes: list[str] = []
    wall = pd.DatetimeIndex(ts.astype("datetime64[ns]"))
    zone_std = (
        min(
            dt.datetime(TYPICAL_YEAR, m, 1, 12, tzinfo=zone).utcoffset() or dt.timedelta(0)
            for m in (1, 7)
        ).total_seconds()
        / 3600.0
    )
    if abs(zone_std - offset_hours) > 1e-9:
        notes.append(Message.of(
            "notes.meter.zone_offset", "the meter's time zone {zone} keeps UTC{zone_offset} in "
            "standard time but the site UTC{site_offset}: the load is shifted by {shift} h",
            zone=zone.key, zone_offset=f"{zone_std:+g}", site_offset=f"{offset_hours:+g}",
            shift=f"{offset_hours - zone_std:+g}"))
    nonexistent = pd.isna(wall.tz_localize(zone, ambiguous=True, nonexistent="NaT"))
    ambiguous = pd.isna(wall.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward"))
    ambiguous &= ~nonexistent
    repeated = False
    if ambiguous.any():
        amb_ts = pd.Series(ts[ambiguous])
        repeated = bool((amb_ts.groupby(amb_ts).transform("size") >= 2).any())
    if nonexistent.any() and not repeated:
        # the skipped spring-forward hour is in the file and the fall-back hour is not
        # repeated: the meter logs standard time all year
        fixed = ts - int(round(zone_std * 3600)) * 10**9 + offset_ns
        fixes.append(Message.of(
            "notes.meter.clock.standard_all_year", "readings in the hour that {zone} skips at "
            "the spring-forward change, and no hour repeated in autumn: the meter keeps "
            "standard time (UTC{offset}) all year and is read that way (readings in that "
            "hour: {count})", zone=zone.key, offset=f"{zone_std:+g}",
            count=int(nonexistent.sum())))
        return fixed, fixes, notes
    is_dst = np.zeros(len(ts), dtype=bool)
    if ambiguous.any():
        amb_index = np.flatnonzero(ambiguous)
        occurrence = pd.Series(ts[amb_index]).groupby(ts[amb_index]).cumcount().to_numpy()
        is_dst[amb_index] = occurrence == 0
        days = sorted({iso(int(t))[:10] for t in ts[amb_index]})
        for day in days:
            in_day = [k for k in amb_index if iso(int(ts[k]))[:10] == day]
            twice = sum(1 for k in in_day if not is_dst[k])
            fixes.append(Message.of(
                "notes.meter.clock.fall_back_twice" if twice else
                "notes.meter.clock.fall_back_once",
                "{day}: fall-back change, the wall-clock hour from {time} appears "
                + ("twice; the first read as daylight time, the second as standard time"
                   if twice else "once; read as daylight time"),
                day=day, time=iso(int(ts[in_day[0]]))[11:16]))
    localized = wall.tz_localize(zone, ambiguous=is_dst, nonexistent="NaT")
    if nonexistent.any():
        bad_rows = rows[nonexistent]
        fixes.append(Message.of(
            "notes.meter.clock.dropped", "readings at wall-clock times that do not exist in "
            "{zone} (the spring-forward hour, e.g. row {row}) were dropped: {count}",
            zone=zone.key, row=int(bad_rows[0]), count=int(nonexistent.sum())))
    # report spring-forward days the file spans (no data is missing there, only the clock jumps)
    for year in sorted(set(wall.year)):
        jumps = _spring_forward_day(zone, int(year))
        if jumps and wall.min() <= jumps <= wall.max():
            fixes.append(Message.of(
                "notes.meter.clock.spring_forward", "{day}: spring-forward change, the wall "
                "clock skips an hour; no data is missing there once read in standard time",
                day=str(jumps.date())))
    utc = localized.tz_convert("UTC").tz_localize(None).as_unit("ns")
    out = utc.asi8.copy() + offset_ns
    out[pd.isna(localized)] = NAT
    return out, fixes, notes


def _spring_forward_day(zone: ZoneInfo, year: int) -> pd.Timestamp | None:
    """Local date on which ``zone`` moves its clocks forward in ``year`` (None if never)."""
    hours = pd.date_range(f"{year}-01-01", periods=8784, freq="h", tz="UTC")
    local = hours.tz_convert(zone).tz_localize(None)
    offsets = (local - hours.tz_localize(None)).total_seconds().to_numpy()
    jumps = np.flatnonzero(np.diff(offsets) > 0)
    if not len(jumps):
        return None
    return pd.Timestamp(local[jumps[0] + 1].date())
