"""Rows of the table -> timestamps (int64 ns, wall clock as written) and numbers.

Dates and times come in many shapes: ``2025-01-01 00:15``, ``2025/1/1 0:15``,
``2025年1月1日 00:15``, ``01.01.2025 00:15``, ranges ``00:00-00:15`` (the start is kept),
``24:00`` (midnight of the next day), Excel day serials, Unix seconds, separate date and
time (or hour) columns, ISO strings with UTC offsets. Summary rows (合计/total) and text
after the last data row are dropped and reported; any other unreadable cell stops the read
with its row and column named. Numbers may carry units, thousands separators, decimal
commas or full-width digits; blank cells are gaps.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import LoadFileError
from pvplanner.load.meter.columns import Columns
from pvplanner.load.meter.common import NAT, NS_PER_DAY
from pvplanner.load.meter.table import (
    FULLWIDTH,
    MISSING_TOKENS,
    RANGE_SEP,
    SUMMARY_WORDS,
    TIME_PART,
    Table,
    clean_number_text,
    norm_text,
)
from pvplanner.messages import Message, bilingual, listing

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y%m%d %H:%M:%S",
    "%Y%m%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y%m%d%H%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "ISO8601",
)
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    *_DATETIME_FORMATS,
)


@dataclass
class Parsed:
    ts_wall: np.ndarray  # int64 ns, naive wall clock as written (after 24:00 handling)
    values: np.ndarray  # float, NaN for blank cells
    rows: np.ndarray  # file rows
    has_24: bool
    tz_aware: bool  # timestamps carried their own UTC offset (already converted to UTC)
    dropped: list[dict[str, Any]]
    summaries: list[tuple[str, float]]
    warnings: list[str]


def parse_rows(table: Table, columns: Columns, rules: dict) -> Parsed:
    body = table.body
    name = table.name
    tz_aware = False
    if columns.ts_kinds[0] == "datetime":
        ts, end24, _, tz_aware = _parse_datetime_column(body[columns.ts[0]])
    elif columns.ts_kinds[0] == "serial":
        ts, end24, _ = _parse_serial_column(body[columns.ts[0]])
    else:
        dates, _, _, _ = _parse_datetime_column(body[columns.ts[0]], date_only=True)
        seconds, _ = _parse_time_of_day(body[columns.ts[1]], columns.ts_kinds[1])
        ts = np.where(
            (dates == NAT) | np.isnan(seconds),
            NAT,
            dates + np.nan_to_num(seconds).astype(np.int64) * 10**9,
        )
        end24 = seconds == 86400.0
    ts_text = _cell_text(body[columns.ts[0]])
    value_cells = body[columns.value]
    value_text = _cell_text(value_cells)
    ts_empty = np.array(ts_text.str.strip().str.lower().isin(MISSING_TOKENS), dtype=bool)
    if len(columns.ts) == 2:
        ts_empty &= np.array(_cell_text(body[columns.ts[1]]).str.strip().isin(["", "None"]))
    value_empty = value_text.str.strip().str.lower().isin(MISSING_TOKENS).to_numpy()

    parsed_ok = ts != NAT
    dropped: list[dict[str, Any]] = []
    summaries: list[tuple[str, float]] = []
    blank = ts_empty & value_empty
    unparsed = ~parsed_ok & ~blank
    if unparsed.any():
        last_ok = np.flatnonzero(parsed_ok).max() if parsed_ok.any() else -1
        lowered = ts_text.str.lower()
        is_summary = lowered.str.contains("|".join(SUMMARY_WORDS), regex=True).to_numpy()
        trailing = np.arange(len(ts)) > last_ok
        droppable = unparsed & (is_summary | trailing | ts_empty)
        for k in np.flatnonzero(droppable)[:50]:
            reason = (  # a code: :data:`DROPPED_REASONS`
                "summary" if is_summary[k] else "empty_timestamp" if ts_empty[k]
                else "after_data"
            )
            dropped.append(
                {"row": int(table.rows[k]), "reason": reason, "text": str(ts_text.iloc[k])[:60]}
            )
            if is_summary[k]:
                number = _to_number(value_text.iloc[k])
                if number is not None:
                    summaries.append((str(ts_text.iloc[k]), number))
        bad = unparsed & ~droppable
        if bad.any():
            first = np.flatnonzero(bad)
            k = first[0]
            names = [table.headers[c] for c in columns.ts]
            column = bilingual(" + ".join(f"'{h}'" for h in names),
                               " + ".join(f"“{h}”" for h in names))
            sample = str(ts_text.iloc[k])[:40]
            more = Message.of("errors.meter.such_rows", " ({count} such rows, e.g. rows {rows})",
                              count=len(first),
                              rows=listing(table.rows[j] for j in first[:5]))
            raise LoadFileError(Message.of(
                "errors.meter.bad_timestamp", "{file}: row {row}, column {column}: {sample!r} is "
                "not a date and time like the rows around it{more}: correct or delete these rows",
                file=name, row=int(table.rows[k]), column=column, sample=sample, more=more))
    keep = parsed_ok
    if not keep.any():
        raise LoadFileError(Message.of(
            "errors.meter.no_readable_timestamp", "{file}: no row has a readable timestamp in "
            "column '{column}': check that its cells are dates and times such as "
            "'2025-01-01 00:15'", file=name,
            column=table.headers[columns.ts[0]]))
    values = _parse_number_column(
        value_cells[keep], table.rows[keep], table, columns, value_empty[keep]
    )
    return Parsed(
        ts_wall=ts[keep].astype(np.int64),
        values=values,
        rows=table.rows[keep],
        has_24=bool(np.asarray(end24)[keep].any()),
        tz_aware=tz_aware,
        dropped=dropped,
        summaries=summaries,
        warnings=[],
    )


def _cell_text(column: pd.Series) -> pd.Series:
    if column.dtype == object:
        return column.map(lambda v: "" if v is None else str(v)).astype(str)
    return column.astype(str)


def _to_number(text: str) -> float | None:
    cleaned = clean_number_text(norm_text(text))
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


_NEEDS_NORMALISING = (
    r"[年月日\uff08\uff09\uff0c\uff0d-\uff1a\u3000]|\s\s"
    r"|:\d{2}(?::\d{2})?\s*[-~～至]\s*\d{1,2}:\d{2}"
)


def _datetime_strings(texts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Normalise date-time strings; returns (strings, mask of 24:00 labels).

    Chinese dates (2025年1月1日), full-width digits and interval ranges ("00:00-00:15": the
    start is kept) are rewritten; only the cells that need it go through the slow path.
    """
    s = texts.astype(str).str.strip()
    needs = s.str.contains(_NEEDS_NORMALISING, regex=True).to_numpy(dtype=bool)
    if needs.any():
        sub = s[needs].str.translate(FULLWIDTH)
        sub = sub.str.replace(r"\s*年\s*", "-", regex=True).str.replace(
            r"\s*月\s*", "-", regex=True
        )
        sub = sub.str.replace(r"\s*日\s*", " ", regex=True).str.replace(r"\s+", " ", regex=True)
        sub = sub.str.strip()
        ranged = sub.str.replace(rf"({TIME_PART}){RANGE_SEP}{TIME_PART}$", r"\1", regex=True)
        # an ISO "T...-05:00" ends in a UTC offset, not a range
        sub = sub.where(sub.str.contains("T", regex=False), ranged)
        s = s.astype(object)
        s[needs] = sub.astype(object).to_numpy()
        s = s.astype(str)
    end24 = s.str.contains(r"(?:^|[\sT])24:00(?::00)?$", regex=True).to_numpy(dtype=bool)
    if end24.any():
        s = s.where(~end24, s.str.replace(r"24:00(?::00)?$", "00:00", regex=True))
    return s, end24


_MIN_US = int(pd.Timestamp("1900-01-01").value // 1000)
_MAX_US = int(pd.Timestamp("2200-01-01").value // 1000)


def _index_ns(values: Any) -> np.ndarray:
    """Parsed datetimes -> int64 ns (UTC if tz-aware); NAT outside 1900..2199 or missing."""
    index = pd.DatetimeIndex(values)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    micro = index.to_numpy(dtype="datetime64[us]").astype(np.int64)
    ok = ~np.isnat(index.to_numpy(dtype="datetime64[us]")) & (micro >= _MIN_US) & (micro < _MAX_US)
    out = np.full(len(index), NAT, dtype=np.int64)
    out[ok] = micro[ok] * 1000
    return out


def _pick_format(sample: pd.Series, formats: Sequence[str]) -> str | None:
    best: list[tuple[int, float, int, str]] = []
    for order, fmt in enumerate(formats):
        parsed = _index_ns(pd.to_datetime(sample, format=fmt, errors="coerce"))
        values = parsed[parsed != NAT]
        count = len(values)
        if count == 0:
            continue
        steps = np.diff(values)
        regular = 0.0
        if len(steps):
            uniq, counts = np.unique(steps, return_counts=True)
            regular = counts.max() / len(steps)
        best.append((count, regular, -order, fmt))
    if not best:
        return None
    best.sort(reverse=True)
    return best[0][3]


def _parse_strings(s: pd.Series, formats: Sequence[str]) -> tuple[np.ndarray, bool]:
    """Parse normalised strings with the best format (then others for leftovers)."""
    out = np.full(len(s), NAT, dtype=np.int64)
    nonempty = ~s.str.lower().isin(MISSING_TOKENS).to_numpy()
    if not nonempty.any():
        return out, False
    offsets = s[nonempty].head(200).str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
    if offsets.mean() > 0.5:
        parsed = pd.to_datetime(
            s.where(nonempty, None), format="ISO8601", errors="coerce", utc=True
        )
        return _index_ns(parsed), True
    fmt = _pick_format(s[nonempty].head(500), formats)
    if fmt is None:
        return out, False
    remaining = nonempty.copy()
    for candidate in [fmt] + [f for f in formats if f != fmt]:
        subset = s[remaining]
        try:
            parsed = _index_ns(pd.to_datetime(subset, format=candidate, errors="coerce"))
        except (ValueError, TypeError):  # e.g. mixed UTC offsets under ISO8601
            continue
        ok = parsed != NAT
        positions = np.flatnonzero(remaining)
        out[positions[ok]] = parsed[ok]
        remaining[positions[ok]] = False
        if not remaining.any() or remaining.sum() > 0.5 * len(s):
            break
    return out, False


def _parse_datetime_column(
    column: pd.Series, date_only: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Timestamps of a column (int64 ns, NAT if missing), 24:00 mask, bad mask, tz flag."""
    n = len(column)
    out = np.full(n, NAT, dtype=np.int64)
    end24 = np.zeros(n, dtype=bool)
    formats = _DATE_FORMATS if date_only else _DATETIME_FORMATS
    tz_aware = False
    if column.dtype == object:
        values = column.tolist()
        is_dt = np.array([isinstance(v, (dt.datetime, dt.date)) for v in values], dtype=bool)
        is_num = np.array(
            [isinstance(v, (int, float)) and not isinstance(v, bool) for v in values], dtype=bool
        )
        is_str = np.array([isinstance(v, str) for v in values], dtype=bool)
        if is_dt.any():
            stamps = pd.to_datetime(
                [values[k] for k in np.flatnonzero(is_dt)], errors="coerce", utc=True
            )
            out[is_dt] = _index_ns(stamps)
        if is_num.any():
            serial = _excel_serial(np.array([values[k] for k in np.flatnonzero(is_num)], float))
            out[is_num] = serial
        if is_str.any():
            strings = pd.Series([values[k] for k in np.flatnonzero(is_str)], dtype=str)
            s, e24 = _datetime_strings(strings)
            parsed, tz_aware = _parse_strings(s, formats)
            out[is_str] = parsed
            end24[is_str] = e24
        nonempty = is_dt | is_num | (is_str & ~column.map(_is_missing).to_numpy(dtype=bool))
    else:
        s, end24 = _datetime_strings(column)
        out, tz_aware = _parse_strings(s, formats)
        nonempty = ~s.str.lower().isin(MISSING_TOKENS).to_numpy()
    if date_only:
        valid = out != NAT
        out[valid] = out[valid] - out[valid] % NS_PER_DAY
    out = np.where(end24 & (out != NAT), out + NS_PER_DAY, out)
    bad = nonempty & (out == NAT)
    return out, end24, bad, tz_aware


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING_TOKENS


def _excel_serial(numbers: np.ndarray) -> np.ndarray:
    """Excel day serials (1900 system) or Unix seconds/milliseconds -> int64 ns."""
    out = np.full(len(numbers), NAT, dtype=np.int64)
    epoch_excel = pd.Timestamp("1899-12-30").as_unit("ns").value
    excel = (numbers > 20000) & (numbers < 80000)
    out[excel] = epoch_excel + np.round(numbers[excel] * 86400.0).astype(np.int64) * 10**9
    unix_s = (numbers > 5e8) & (numbers < 5e9)
    out[unix_s] = np.round(numbers[unix_s]).astype(np.int64) * 10**9
    unix_ms = (numbers > 5e11) & (numbers < 5e12)
    out[unix_ms] = np.round(numbers[unix_ms]).astype(np.int64) * 10**6
    return out


def _parse_serial_column(column: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    numbers = np.array(pd.to_numeric(column, errors="coerce"), dtype=float)
    out = _excel_serial(np.nan_to_num(numbers, nan=-1.0))
    nonempty = ~column.map(_is_missing).to_numpy(dtype=bool)
    return out, np.zeros(len(out), dtype=bool), nonempty & (out == NAT)


def _parse_time_of_day(column: pd.Series, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Seconds after midnight (NaN if missing; 86400 for 24:00) and a bad-cell mask."""
    n = len(column)
    seconds = np.full(n, np.nan)
    values = column.tolist() if column.dtype == object else None
    if values is not None:
        for k, v in enumerate(values):
            if isinstance(v, dt.datetime):
                seconds[k] = v.hour * 3600 + v.minute * 60 + v.second
            elif isinstance(v, dt.time):
                seconds[k] = v.hour * 3600 + v.minute * 60 + v.second
            elif isinstance(v, dt.timedelta):
                seconds[k] = v.total_seconds()
            elif isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                # an Excel time is a fraction of a day; an hour column holds 0..24
                seconds[k] = v * 3600.0 if kind == "hour" or v > 1 else round(v * 86400.0)
        texts = pd.Series([v if isinstance(v, str) else "" for v in values], dtype=str)
    else:
        texts = column.astype(str)
    s = texts.str.strip().str.translate(FULLWIDTH)
    extracted = s.str.extract(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?")
    has = extracted[0].notna().to_numpy()
    if has.any():
        h = pd.to_numeric(extracted[0], errors="coerce").to_numpy(dtype=float)
        m = pd.to_numeric(extracted[1], errors="coerce").to_numpy(dtype=float)
        sec = pd.to_numeric(extracted[2], errors="coerce").fillna(0).to_numpy(dtype=float)
        ok = has & (h <= 24) & (m < 60) & ((h < 24) | ((m == 0) & (sec == 0)))
        seconds[ok] = (h * 3600 + m * 60 + sec)[ok]
    if kind == "hour":
        numbers = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
        ok = np.isnan(seconds) & (numbers >= 0) & (numbers <= 24) & (numbers % 1 == 0)
        seconds[ok] = numbers[ok] * 3600.0
    missing = column.map(_is_missing).to_numpy(dtype=bool)
    bad = ~missing & np.isnan(seconds)
    seconds[(seconds < 0) | (seconds > 86400)] = np.nan
    return seconds, bad


def _parse_number_column(
    column: pd.Series,
    rows: np.ndarray,
    table: Table,
    columns: Columns,
    empty: np.ndarray,
) -> np.ndarray:
    if column.dtype == object:
        values = column.tolist()
        out = np.full(len(values), np.nan)
        is_num = np.array(
            [isinstance(v, (int, float)) and not isinstance(v, bool) for v in values], dtype=bool
        )
        out[is_num] = [float(values[k]) for k in np.flatnonzero(is_num)]
        texts = pd.Series(
            ["" if is_num[k] or values[k] is None else str(values[k]) for k in range(len(values))],
            dtype=str,
        )
        todo = ~is_num
    else:
        out = np.full(len(column), np.nan)
        texts = column.astype(str)
        todo = np.ones(len(column), dtype=bool)
    s = texts.str.strip()
    numbers = np.array(pd.to_numeric(s, errors="coerce"), dtype=float)
    retry = np.isnan(numbers) & (s != "").to_numpy(dtype=bool)
    decimal_comma = table.delimiter == ";" and s.head(200).str.fullmatch(r"-?\d+,\d+").mean() > 0.5
    if retry.any() or decimal_comma:
        # slow path only for cells that are not plain numbers: units, separators, full width
        todo_text = s if decimal_comma else s[retry]
        cleaned = todo_text.str.translate(FULLWIDTH).str.replace(
            r"(?i)\s*(?:kwh|kw|mwh|mw|wh|千瓦时|千瓦|度)$", "", regex=True
        )
        if decimal_comma:
            cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            thousands = cleaned.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
            cleaned = cleaned.where(~thousands, cleaned.str.replace(",", "", regex=False))
        cleaned = cleaned.str.replace(" ", "", regex=False)
        again = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
        if decimal_comma:
            numbers = again
        else:
            numbers[retry] = again
    missing = s.str.lower().isin(MISSING_TOKENS).to_numpy() | empty
    out[todo] = numbers[todo]
    bad = todo & np.isnan(out) & ~missing
    bad |= np.isinf(out)
    if bad.any():
        where = np.flatnonzero(bad)
        k = where[0]
        header = table.headers[columns.value]
        raise LoadFileError(Message.of(
            "errors.meter.not_number", "{file}: row {row}, column '{column}': {sample!r} is not a "
            "number ({count} such cells, e.g. rows {rows}): correct them, or leave them empty to "
            "have them treated as gaps", file=table.name, row=str(rows[k]), column=header,
            sample=str(texts.iloc[k])[:40], count=len(where),
            rows=listing(rows[j] for j in where[:5])))
    out[np.isinf(out)] = np.nan
    return out
