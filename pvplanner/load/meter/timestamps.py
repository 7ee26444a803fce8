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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import LoadFileError
from pvplanner.load.meter.columns import Columns
from pvplanner.load.meter.common import NAT, NS_PER_DAY, row_listing
from pvplanner.load.meter.table import (
    FULLWIDTH,
    GROUPED_THOUSANDS,
    MAX_CELL_CHARS,
    MISSING_TOKENS,
    RANGE_SEP,
    SEPARATOR_NAMES,
    SUMMARY_WORDS,
    TIME_PART,
    UNIT_SUFFIX,
    Table,
    norm_text,
    refuse_long_cells,
)
from pvplanner.messages import Message, bilingual

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
class Multiplier:
    """The meter's multiplier on each row read (the product of the multiplier columns).

    Blank cells take the multiplier of the row above (of the row below at the top); a cell
    that is neither blank nor a positive number (or a ratio such as ``400/5``) is NaN and
    listed in ``bad_rows``. Its numbers are read in the value column's number format (a
    comma or a point as decimal mark), or in its own where that one shows none.
    """

    values: np.ndarray  # one per row of Parsed.values, NaN where a cell is not a multiplier
    header: str  # the column's header, or the headers joined by " × "
    bad_rows: np.ndarray  # file rows of the cells that are not a multiplier
    bad_example: tuple[str, str] | None  # (column, cell) of the first of them
    # how its numbers were read where the column decided it (a note), or why they cannot be
    # (an error, raised only if the multiplier is applied)
    notes: list[Message] = field(default_factory=list)
    refusal: Message | None = None

    def shown(self) -> str:
        """The multiplier as a reader sees it: ``80``, or ``80–120`` when it varies."""
        finite = self.values[np.isfinite(self.values)]
        low, high = plain_number(float(finite.min())), plain_number(float(finite.max()))
        return low if low == high else f"{low}–{high}"


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
    multiplier: Multiplier | None = None  # the meter's multiplier, if the file has one


def _refuse_long_column_cells(table: Table, k: int) -> None:
    """Refuse the first cell of column ``k`` (a time, value or multiplier column) longer
    than a date/time or a reading can be, before any pattern reads the column."""
    lengths = _cell_text(table.body[k]).str.len().to_numpy()
    over = np.flatnonzero(lengths > MAX_CELL_CHARS)
    if over.size:
        j = int(over[0])
        refuse_long_cells([_cell_text(table.body[k].iloc[j:j + 1]).iloc[0]], [table.rows[j]],
                          table.headers[k], table.name)


def parse_rows(table: Table, columns: Columns, rules: dict) -> Parsed:
    body = table.body
    name = table.name
    for k in (*columns.ts, columns.value, *columns.multiplier):
        _refuse_long_column_cells(table, k)
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
    summary_cells: list[tuple[str, str]] = []  # (label, value cell) of summary rows
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
                summary_cells.append((str(ts_text.iloc[k]), str(value_text.iloc[k])))
        bad = unparsed & ~droppable
        if bad.any():
            first = np.flatnonzero(bad)
            k = first[0]
            names = [table.headers[c] for c in columns.ts]
            column = bilingual(" + ".join(f"'{h}'" for h in names),
                               " + ".join(f"“{h}”" for h in names))
            sample = str(ts_text.iloc[k])[:40]
            more = Message.of("errors.meter.such_rows", " (rows like it: {count}; row numbers: "
                              "{rows})", count=len(first), rows=row_listing(table.rows[first]))
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
    values, mark, number_note = _parse_number_column(
        value_cells[keep], table.rows[keep], table, columns, value_empty[keep]
    )
    summaries: list[tuple[str, float]] = []
    for label, cell in summary_cells:
        number = _to_number(cell, mark or "point")
        if number is not None:
            summaries.append((label, number))
    return Parsed(
        ts_wall=ts[keep].astype(np.int64),
        values=values,
        rows=table.rows[keep],
        has_24=bool(np.asarray(end24)[keep].any()),
        tz_aware=tz_aware,
        dropped=dropped,
        summaries=summaries,
        warnings=[number_note] if number_note is not None else [],
        multiplier=_parse_multiplier(table, columns.multiplier, keep, mark),
    )


_RATIO_CELL = r"(\d+(?:\.\d+)?)\s*[/:：]\s*(\d+(?:\.\d+)?)"


def _multiplier_cells(
    column: pd.Series, rows: np.ndarray, table: Table, header: str, mark: str | None
) -> tuple[np.ndarray, np.ndarray, Message | None]:
    """A multiplier column's numbers (NaN where blank or unreadable), the mask of the cells
    that are neither blank nor a positive number or ratio (``80``, ``80倍``, ``400/5``) and
    the note on how its decimal mark was read.

    The numbers are read with ``mark``, the value column's decimal mark, so that ``1.000``
    in a file of ``1.234,5`` readings is a thousand; where the value column shows none
    (None), the multiplier column decides its own (:func:`_decimal_mark`), which may refuse
    it as ambiguous.
    """
    text = _cell_text(column).str.strip()
    missing = text.str.lower().isin(MISSING_TOKENS).to_numpy() | (text == "None").to_numpy()
    if column.dtype == object:
        numbers = np.array([float(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                            else np.nan for v in column.tolist()], dtype=float)
    else:
        numbers = np.full(len(column), np.nan)
    todo = np.isnan(numbers) & ~missing
    note = None
    if todo.any():
        cleaned = text[todo].str.translate(FULLWIDTH).str.replace(
            r"(?<!\s)\s*(?:倍|x|×)$", "", regex=True).str.replace(" ", "", regex=False)
        if mark is None:
            plain = np.array(pd.to_numeric(cleaned, errors="coerce"), dtype=float)
            known = np.isfinite(plain)
            mark, note = _decimal_mark(cleaned[~known], rows[todo][~known], cleaned[known],
                                       plain[known], rows[todo][known], table, header)
        plain = _cells_to_float(cleaned, mark or "point")
        ratio = cleaned.str.extract(rf"^{_RATIO_CELL}$").astype(float).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            numbers[todo] = np.where(np.isnan(plain), ratio[:, 0] / ratio[:, 1], plain)
    numbers[~np.isfinite(numbers) | (numbers <= 0)] = np.nan
    return numbers, np.isnan(numbers) & ~missing, note


def _parse_multiplier(
    table: Table, positions: list[int], keep: np.ndarray, mark: str | None
) -> Multiplier | None:
    """The product of the multiplier columns on the rows kept, their numbers read with the
    value column's decimal ``mark``; None without one (a column without any number does not
    count)."""
    product: np.ndarray | None = None
    headers: list[str] = []
    rows = table.rows[keep]
    bad = np.zeros(len(rows), dtype=bool)
    example: tuple[str, str] | None = None
    notes: list[Message] = []
    refusal: Message | None = None
    for k in positions:
        cells = table.body[k][keep]
        try:
            numbers, unreadable, note = _multiplier_cells(cells, rows, table, table.headers[k],
                                                          mark)
        except LoadFileError as exc:  # refused only where the multiplier is applied
            refusal = refusal or exc.message
            numbers, unreadable, note = _multiplier_cells(cells, rows, table, table.headers[k],
                                                          "point")
        if np.isnan(numbers).all() and not unreadable.any():
            continue  # an empty column says nothing
        notes += [note] if note is not None else []
        filled = pd.Series(numbers).ffill().bfill().to_numpy(dtype=float, copy=True)
        filled[unreadable] = np.nan
        product = filled if product is None else product * filled
        headers.append(table.headers[k])
        if unreadable.any() and example is None:
            example = (table.headers[k], str(_cell_text(cells).iloc[np.argmax(unreadable)])[:40])
        bad |= unreadable
    if product is None:
        return None
    return Multiplier(values=product, header=" × ".join(headers), bad_rows=rows[bad],
                      bad_example=example, notes=notes, refusal=refusal)


def _cell_text(column: pd.Series) -> pd.Series:
    if column.dtype == object:
        return column.map(lambda v: "" if v is None else str(v)).astype(str)
    return column.astype(str)


def _to_number(text: str, mark: str = "point") -> float | None:
    """A summary row's number with its column's decimal mark (None if not a number)."""
    cells = _clean_cells(pd.Series([norm_text(text)], dtype=str))  # "1,234 kWh" reads 1234
    number = float(_cells_to_float(cells, mark)[0])
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
        # (?<!\s): a match starts only where a run of spaces starts, not at each of its
        # spaces (which cost the square of a long run's length)
        sub = sub.str.replace(r"(?<!\s)\s*年\s*", "-", regex=True).str.replace(
            r"(?<!\s)\s*月\s*", "-", regex=True
        )
        sub = sub.str.replace(r"(?<!\s)\s*日\s*", " ", regex=True).str.replace(
            r"\s+", " ", regex=True)
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


# How a comma in a number cell reads (fullmatch on the cell without spaces and unit words):
# only as a decimal mark: 1-2 or 4+ digits after it, a leading 0 or 4+ digits before it, or
# points grouping thousands before it (1.234,5); points grouping thousands twice (1.234.567)
_COMMA_DECIMAL = (r"[+-]?(?:\d*,\d{1,2}|\d*,\d{4,}|\d{4,},\d+|0,\d+"
                  r"|\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:\.\d{3}){2,})")
# only as a thousands separator: groups of three before a decimal point (1,234.5), or more
# than one group (1,234,567)
_COMMA_THOUSANDS = r"[+-]?(?:\d{1,3}(?:,\d{3})+\.\d*|\d{1,3}(?:,\d{3}){2,})"
# either: one comma and three digits after it (625,125 or 1,250)
_COMMA_EITHER = r"[+-]?[1-9]\d{0,2},\d{3}"
# a point that can only be a decimal point: not three digits after it (812.5, 0.1234), or
# three after a leading 0 or after four or more digits (0.125, 1234.567)
_POINT_DECIMAL = r"[+-]?(?:\d*\.(?:\d{1,2}|\d{4,})|0?\.\d{3}|\d{4,}\.\d+)(?:[eE][+-]?\d+)?"
# either, where a file may mark decimals with a comma: one point and three digits after it
# (1.125 or 1.125 thousand)
_POINT_EITHER = r"[+-]?[1-9]\d{0,2}\.\d{3}"
#: Separators of files whose numbers may mark decimals with a comma (European exports). In a
#: comma-separated file a decimal comma must be quoted, so there a point is a decimal point.
_COMMA_DECIMAL_SEPARATORS = (";", "\t", "|")
# points grouping thousands (1.234): how a decimal-comma column writes 1234
_POINT_THOUSANDS = r"[+-]?\d{1,3}(?:\.\d{3})+"


def _clean_cells(texts: pd.Series) -> pd.Series:
    """Number cells without full-width forms, unit words and spaces (thousands grouping and
    decimal marks left as written)."""
    cleaned = texts.str.strip().str.translate(FULLWIDTH)
    return cleaned.str.replace(UNIT_SUFFIX, "", regex=True).str.replace(" ", "", regex=False)


def _cells_to_float(cleaned: pd.Series, mark: str) -> np.ndarray:
    """Cleaned number cells -> floats (NaN where not a number) with ``mark`` (``"point"`` or
    ``"comma"``) as the decimal mark: the other of comma and point groups thousands."""
    if mark == "comma":
        grouped = cleaned.str.contains(",", regex=False) | cleaned.str.fullmatch(_POINT_THOUSANDS)
        swapped = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        grouped = cleaned.str.fullmatch(GROUPED_THOUSANDS)
        swapped = cleaned.str.replace(",", "", regex=False)
    converted = cleaned.where(~grouped.fillna(False).astype(bool), swapped)
    return np.array(pd.to_numeric(converted, errors="coerce"), dtype=float)


def plain_number(value: float) -> str:
    """A number as written, without exponent or trailing zeros: 625125, 625.125."""
    return str(np.format_float_positional(float(value), trim="-"))


def _read_as(text: str, mark: str) -> str:
    """How a number cell reads with ``mark`` as its decimal mark: ``1.125`` -> ``1125``."""
    return plain_number(_cells_to_float(pd.Series([text], dtype=str), mark)[0])


def _decimal_mark(
    cleaned: pd.Series,
    cleaned_rows: np.ndarray,
    plain_text: pd.Series,
    plain_values: np.ndarray,
    plain_rows: np.ndarray,
    table: Table,
    header: str,
) -> tuple[str | None, Message | None]:
    """Whether a column writes decimals with a point or a comma, and the note that says how
    an unclear column was read.

    Decided for the whole column, never cell by cell: a cell ``1,250`` reads 1250 or 1.25
    by what its column does.

    * A comma is a decimal mark when a cell shows it can only be one (1-2 or 4+ digits after
      it, a leading 0 or 4+ digits before it, points grouping thousands before it:
      ``500,12``, ``0,125``, ``1.234,5``), or when every comma is followed by three digits
      in a ``;``-separated file whose cells mostly hold one (the European convention, read
      so since the first version of the reader).
    * It separates thousands when a cell shows that (``1,234.5``, ``1,234,567``) or another
      cell writes decimals with a point (``812.5``).
    * A column that shows both is refused: no one reading fits every row.
    * Otherwise every comma is followed by three digits (``625,125``, ``1,250``): a column
      that writes its numbers below 1,000 without a comma groups thousands; one that writes
      its numbers of 1,000 and more without a comma uses decimal commas. A column that shows
      neither is refused, naming an example and both readings. Refusing is the safer choice
      there: both readings are numbers of the same shape 1,000 times apart, a note is easily
      missed, and a plan on a load 1,000 times too large or too small looks like any other
      plan, while one export without thousands separators settles the question.
    * In a file whose decimal mark may be a comma (separated by ``;``, tab or ``|``), a
      point followed by three digits (``1.125``) may group thousands just as well: it is
      decided the same way, by a decimal comma (thousands) or another decimal point
      (decimals) in the column, else by its plain numbers, else refused.

    Parameters
    ----------
    cleaned, cleaned_rows : pandas.Series, numpy.ndarray
        The cells that are not plain numbers, cleaned (:func:`_clean_cells`), and their
        file rows.
    plain_text, plain_values, plain_rows : pandas.Series, numpy.ndarray, numpy.ndarray
        The plain numbers: the text of each (``""`` for an XLSX number), its value and its
        file row.
    table : Table
        The table read (its delimiter and name).
    header : str
        The column's header, for messages.

    Returns
    -------
    (str or None, Message or None)
        ``"point"`` or ``"comma"`` (None when no cell shows a decimal mark or a thousands
        separator), and a note when the file's separator does not say it.

    Raises
    ------
    LoadFileError
        When the column mixes both formats or gives no sign of which it uses.
    """
    def matches(texts: pd.Series, pattern: str) -> np.ndarray:
        return np.asarray(texts.str.fullmatch(pattern).fillna(False), dtype=bool)

    decimal = matches(cleaned, _COMMA_DECIMAL)
    thousands = matches(cleaned, _COMMA_THOUSANDS)
    either = matches(cleaned, _COMMA_EITHER)
    point = matches(plain_text, _POINT_DECIMAL)
    dotted = (matches(plain_text, _POINT_EITHER) if table.delimiter in _COMMA_DECIMAL_SEPARATORS
              else np.zeros(len(plain_text), dtype=bool))
    if not (decimal.any() or thousands.any() or either.any() or dotted.any()):
        return ("point" if point.any() else None), None

    def example(mask: np.ndarray, texts: pd.Series, rows: np.ndarray) -> tuple[str, int]:
        k = int(np.flatnonzero(mask)[0])
        return str(texts.iloc[k])[:40], int(rows[k])

    where = {"file": table.name, "column": header}
    semicolon = (table.delimiter == ";"
                 and int(decimal.sum() + either.sum()) > int(np.isfinite(plain_values).sum()))
    comma_cells = decimal | (either if semicolon else np.zeros_like(either))
    if comma_cells.any() and (thousands.any() or point.any()):
        comma_text, comma_row = example(comma_cells, cleaned, cleaned_rows)
        point_text, point_row = (example(thousands, cleaned, cleaned_rows) if thousands.any()
                                 else example(point, plain_text, plain_rows))
        raise LoadFileError(Message.of(
            "errors.meter.comma_mixed", "{file}: column '{column}' mixes two number formats: "
            "'{point}' (row {point_row}) is written like 1,234.5 and '{comma}' (row "
            "{comma_row}) like 1.234,5, so a comma cannot be read the same way in every row: "
            "export the column again in one number format", point=point_text,
            point_row=point_row, comma=comma_text, comma_row=comma_row, **where))
    if comma_cells.any():  # decimal commas: a point groups thousands
        mark, (seen, seen_row) = "comma", example(comma_cells, cleaned, cleaned_rows)
    elif thousands.any() or point.any():  # decimal points
        mark, (seen, seen_row) = "point", (example(point, plain_text, plain_rows) if point.any()
                                           else example(thousands, cleaned, cleaned_rows))
    else:
        mark = None
    if mark is not None and dotted.any():  # points read as the cell seen says
        text, row = example(dotted, plain_text, plain_rows)
        shown = {"column": header, "example": text, "row": row, "value": _read_as(text, mark),
                 "seen": seen, "seen_row": seen_row}
        return mark, (Message.of(
            "notes.meter.thousands_point_with_comma", "the points in column '{column}' "
            "separate thousands: '{example}' (row {row}) read as {value}, as the column marks "
            "its decimals with a comma (e.g. '{seen}' in row {seen_row})", **shown)
            if mark == "comma" else Message.of(
            "notes.meter.decimal_point_with_point", "the points in column '{column}' are "
            "decimal marks: '{example}' (row {row}) read as {value}, as the column writes "
            "other numbers with a decimal point (e.g. '{seen}' in row {seen_row})", **shown))
    if mark == "point" or (mark == "comma" and table.delimiter == ";"):
        return mark, None
    if mark == "comma":
        return mark, Message.of(
            "notes.meter.decimal_comma", "the commas in column '{column}' are decimal marks: "
            "'{example}' (row {row}) read as {value}", column=header, example=seen,
            row=seen_row, value=_read_as(seen, "comma"))
    # every mark is followed by three digits: the column's plain numbers decide
    cells = ((cleaned, cleaned_rows, either) if either.any()
             else (plain_text, plain_rows, dotted))
    return _mark_from_plain_numbers(
        cells, "comma" if either.any() else "point", plain_values[~dotted],
        plain_rows[~dotted], table, header, undecided=bool(either.any() and dotted.any()))


def _mark_from_plain_numbers(
    cells: tuple[pd.Series, np.ndarray, np.ndarray],
    separator: str,
    plain_values: np.ndarray,
    plain_rows: np.ndarray,
    table: Table,
    header: str,
    undecided: bool,
) -> tuple[str, Message]:
    """The decimal mark of a column whose every ``separator`` (``"comma"`` or ``"point"``)
    is followed by three digits, from its plain numbers (see :func:`_decimal_mark`).

    ``cells`` are the column's texts, their file rows and the mask of those cells. Plain
    numbers only below 1,000 make the separator group thousands, plain numbers only from
    1,000 on make it a decimal mark; the note names the cell and the plain number that
    settle it. A column that shows neither is refused, and so is one that writes both a
    comma and a point so (``undecided``): one of them groups thousands, and nothing says
    which.
    """
    texts, rows, mask = cells
    k = int(np.flatnonzero(mask)[0])
    text, row = str(texts.iloc[k])[:40], int(rows[k])
    nonzero = np.isfinite(plain_values) & (plain_values != 0)
    small = nonzero & (np.abs(plain_values) < 1000)
    large = nonzero & (np.abs(plain_values) >= 1000)
    grouping = bool(small.any())
    if undecided or small.any() == large.any():
        if separator == "comma":
            raise LoadFileError(Message.of(
                "errors.meter.comma_ambiguous", "{file}: column '{column}' holds numbers such "
                "as '{example}' (row {row}) whose comma may separate thousands ({thousands}) "
                "or mark the decimals ({decimal}), and no number in the column shows which: "
                "the two readings are 1,000 times apart, so the file is not guessed at. Export "
                "the column without thousands separators ({thousands} or {decimal}); a file "
                "with decimal commas may also separate its columns with ';'", file=table.name,
                column=header, example=text, row=row, thousands=_read_as(text, "point"),
                decimal=_read_as(text, "comma")))
        raise LoadFileError(Message.of(
            "errors.meter.point_ambiguous", "{file}: column '{column}' holds numbers such as "
            "'{example}' (row {row}) whose point may mark the decimals ({decimal}) or, in a "
            "{separator}-separated file that may mark its decimals with a comma, separate "
            "thousands ({thousands}), and no number in the column shows which: the two "
            "readings are 1,000 times apart, so the file is not guessed at. Export the column "
            "without thousands separators ({thousands} or {decimal})", file=table.name,
            column=header, example=text, row=row,
            separator=SEPARATOR_NAMES.get(table.delimiter or ";", SEPARATOR_NAMES[";"]),
            decimal=_read_as(text, "point"), thousands=_read_as(text, "comma")))
    mark = {("comma", True): "point", ("comma", False): "comma",
            ("point", True): "comma", ("point", False): "point"}[separator, grouping]
    j = int(np.flatnonzero(small | large)[0])
    shown = {"column": header, "example": text, "row": row, "value": _read_as(text, mark),
             "plain": plain_number(plain_values[j]), "plain_row": int(plain_rows[j])}
    if separator == "comma" and grouping:
        return mark, Message.of(
            "notes.meter.thousands_comma", "the commas in column '{column}' separate "
            "thousands: '{example}' (row {row}) read as {value}, as the column writes its "
            "numbers below 1,000 without a comma (e.g. {plain} in row {plain_row})", **shown)
    if separator == "comma":
        return mark, Message.of(
            "notes.meter.decimal_comma_ungrouped", "the commas in column '{column}' are decimal "
            "marks: '{example}' (row {row}) read as {value}, as the column writes numbers of "
            "1,000 and more without a thousands separator (e.g. {plain} in row {plain_row})",
            **shown)
    if grouping:
        return mark, Message.of(
            "notes.meter.thousands_point", "the points in column '{column}' separate "
            "thousands: '{example}' (row {row}) read as {value}, as the column writes its "
            "numbers below 1,000 without a point (e.g. {plain} in row {plain_row})", **shown)
    return mark, Message.of(
        "notes.meter.decimal_point_ungrouped", "the points in column '{column}' are decimal "
        "marks: '{example}' (row {row}) read as {value}, as the column writes numbers of "
        "1,000 and more without a thousands separator (e.g. {plain} in row {plain_row})",
        **shown)


def _parse_number_column(
    column: pd.Series,
    rows: np.ndarray,
    table: Table,
    columns: Columns,
    empty: np.ndarray,
) -> tuple[np.ndarray, str | None, Message | None]:
    """The value column's numbers (NaN for blank cells), its decimal mark (``"point"`` or
    ``"comma"``, None where no cell shows one; see :func:`_decimal_mark`) and the note that
    says how an unclear column was read; a cell that is not a number stops the read, naming
    its row and column."""
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
        is_num = np.zeros(len(column), dtype=bool)
        out = np.full(len(column), np.nan)
        texts = column.astype(str)
        todo = np.ones(len(column), dtype=bool)
    header = table.headers[columns.value]
    s = texts.str.strip()
    numbers = np.array(pd.to_numeric(s, errors="coerce"), dtype=float)
    retry = np.isnan(numbers) & (s != "").to_numpy(dtype=bool)
    plain = ~retry & np.isfinite(np.where(is_num, out, numbers))
    mark, note = None, None
    if retry.any() or s[plain & ~is_num].str.contains(".", regex=False).any():
        # slow path only for cells that are not plain numbers (units, separators, full
        # width) and for points that may group thousands
        cleaned = _clean_cells(s[retry])
        mark, note = _decimal_mark(
            cleaned, rows[retry], s[plain], np.where(is_num, out, numbers)[plain], rows[plain],
            table, header)
        numbers[retry] = _cells_to_float(cleaned, mark or "point")
        if mark == "comma":  # 1.234 is 1234 where the comma marks the decimals
            grouped = plain & ~is_num & s.str.fullmatch(_POINT_THOUSANDS).to_numpy(dtype=bool)
            numbers[grouped] = _cells_to_float(s[grouped], mark)
    missing = s.str.lower().isin(MISSING_TOKENS).to_numpy() | empty
    out[todo] = numbers[todo]
    bad = todo & np.isnan(out) & ~missing
    bad |= np.isinf(out)
    if bad.any():
        where = np.flatnonzero(bad)
        k = where[0]
        raise LoadFileError(Message.of(
            "errors.meter.not_number", "{file}: row {row}, column '{column}': {sample!r} is not a "
            "number (cells like it: {count}; row numbers: {rows}): correct them, or leave them "
            "empty to have them treated as gaps", file=table.name, row=str(rows[k]),
            column=header, sample=str(texts.iloc[k])[:40], count=len(where),
            rows=row_listing(rows[where])))
    out[np.isinf(out)] = np.nan
    return out, mark, note
