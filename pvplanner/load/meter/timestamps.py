"""Meter exports (CSV, XLSX) -> a cleaned load on the scenario's typical-year axis.

:func:`read_meter_file` is the entry point. It reads interval data exported from a utility
portal, a smart meter or an energy-management system — Chinese or not — and returns a
:class:`MeterLoad`: the load in kW on :func:`weather.timeaxis.typical_year_index` plus a
:class:`LoadQualityReport` that says what was found, assumed, fixed and filled.

The steps, each reported:

1. bytes -> table: XLSX (openpyxl) or delimited text in UTF-8 (with or without BOM), GBK,
   GB18030 or UTF-16; the header row is found by the first row that holds a date and a number.
2. columns: a timestamp column (or a date and a time column) and a value column, by header
   words (时间/日期/时刻, 有功功率/电量/用电量/正向有功, time/kW/kWh...) and by content.
3. timestamps: many formats, ``24:00``, ``00:00-00:15`` ranges; interval detected from the
   steps; end-of-interval labels detected and shifted to interval start; a DST zone's
   wall clock resolved to the site's standard time.
4. values: kW (average demand), kWh per interval or a cumulative kWh register (differenced),
   detected from header words, summary rows and monotonicity, or set with ``units``.
5. cleaning: duplicates averaged, negative and absurd values treated as gaps, gaps up to
   ``short_gap_max_hours`` interpolated, longer ones filled from the same month's average
   profile of the same day type.
6. calendar: the real year is mapped onto the typical year with whole-week shifts (Mondays
   land on Mondays) and Chinese public holidays re-anchored (see :func:`map_days_to_typical_year`).

Thresholds live in ``data/load_templates/load_rules.toml``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from pvplanner.errors import LoadFileError, PlannerInputError
from pvplanner.holidays import day_types, holiday_dates
from weather.datafiles import data_path
from weather.timeaxis import TYPICAL_YEAR, fixed_offset_tz, typical_year_index

__all__ = [
    "LoadQualityReport",
    "MeterLoad",
    "map_days_to_typical_year",
    "meter_rules",
    "read_meter_file",
]

_NS_PER_MIN = 60 * 10**9
_NS_PER_DAY = 1440 * _NS_PER_MIN
_MAX_EXAMPLES = 10
_UNITS = {
    "auto": "auto",
    "kw": "kw",
    "kwh": "kwh",
    "kwh_cumulative": "kwh_cumulative",
    "cumulative": "kwh_cumulative",
    "register": "kwh_cumulative",
    "kwh_register": "kwh_cumulative",
}


@cache
def meter_rules() -> dict[str, Any]:
    """Thresholds of the reader and of the analytics (``data/load_templates/load_rules.toml``)."""
    with open(data_path("load_templates", "load_rules.toml"), "rb") as handle:
        return tomllib.load(handle)


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass
class LoadQualityReport:
    """What :func:`read_meter_file` found in a meter file and what it did about it.

    Row numbers are 1-based file lines (CSV) or sheet rows (XLSX). Timestamps are ISO strings
    in the site's local standard time unless the field says otherwise.
    """

    filename: str
    file_format: str
    encoding: str | None
    sheet: str | None
    header_row: int | None
    timestamp_columns: list[str]
    value_column: str
    rows_read: int
    first_timestamp: str
    last_timestamp: str
    interval_minutes: int
    output_interval_minutes: int
    interval_label: str
    interval_label_reason: str
    irregular_timestamps: int
    irregular_examples: list[dict[str, Any]]
    units: str
    units_reason: str
    unit_scale: float
    coverage_percent: float
    year_coverage_percent: float
    valid_intervals: int
    expected_intervals: int
    filled_intervals: int
    interpolated_intervals: int
    profile_filled_intervals: int
    long_gaps: list[dict[str, Any]]
    outliers: int
    outlier_examples: list[dict[str, Any]]
    duplicates: int
    duplicate_examples: list[dict[str, Any]]
    dst_fixes: list[str]
    dropped_rows: list[dict[str, Any]]
    mapping: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (no NaN, only built-in types)."""
        return _jsonable(asdict(self))

    @property
    def notes(self) -> list[str]:
        """One-line summaries of what was assumed, fixed and filled, then the warnings."""
        lines = [
            f"{self.filename}: {self.rows_read} rows, {self.interval_minutes}-minute "
            f"{self.units} values ({self.units_reason})",
            f"timestamps mark interval {self.interval_label}s ({self.interval_label_reason})",
            f"coverage {self.coverage_percent:.1f}% of {self.first_timestamp} to "
            f"{self.last_timestamp}; {self.year_coverage_percent:.1f}% of the typical year "
            "from real days",
        ]
        if self.filled_intervals:
            lines.append(
                f"{self.interpolated_intervals} interval(s) interpolated, "
                f"{self.profile_filled_intervals} filled from the same month's day-type profile "
                f"({len(self.long_gaps)} long gap(s))"
            )
        if self.outliers:
            lines.append(f"{self.outliers} outlier(s) treated as gaps")
        if self.duplicates:
            lines.append(f"{self.duplicates} duplicate timestamp(s) averaged")
        lines += self.dst_fixes
        if self.mapping:
            lines.append(
                f"mapped {self.mapping.get('reference_year')} onto {self.mapping.get('target_year')} "
                f"by {self.mapping.get('shift_days')} days (weekdays kept)"
            )
        return lines + list(self.warnings)


@dataclass
class MeterLoad:
    """A meter file's load on the scenario's typical-year axis.

    Attributes
    ----------
    load_kw : pandas.Series
        Average power of each interval [kW] on
        ``typical_year_index(utc_offset_hours, interval)``: 15-minute steps if the file had
        15-minute or finer data, hourly otherwise.
    quality : LoadQualityReport
        What was found, assumed, fixed and filled.
    source_load_kw : pandas.Series
        The cleaned, gap-filled load on the file's own calendar (local standard time, the
        file's own interval) before it was mapped onto the typical year [kW].
    """

    load_kw: pd.Series
    quality: LoadQualityReport
    source_load_kw: pd.Series

    @property
    def interval_minutes(self) -> int:
        """Step of :attr:`load_kw` [min]."""
        return int(self.quality.output_interval_minutes)

    @property
    def annual_kwh(self) -> float:
        """Energy of the typical year [kWh]."""
        return float(self.load_kw.sum() * self.interval_minutes / 60.0)

    def to_hourly(self) -> MeterLoad:
        """The same load as hourly means (8760 rows); ``self`` if it already is hourly."""
        if self.interval_minutes == 60:
            return self
        per_hour = 60 // self.interval_minutes
        values = self.load_kw.to_numpy(dtype=float).reshape(-1, per_hour).mean(axis=1)
        index = typical_year_index(_offset_hours(self.load_kw.index), 60)
        hourly = pd.Series(values, index=index, name="load_kw")
        return MeterLoad(
            load_kw=hourly,
            quality=replace(self.quality, output_interval_minutes=60),
            source_load_kw=self.source_load_kw,
        )


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def read_meter_file(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    filename: str | None = None,
    units: str = "auto",
    utc_offset_hours: float = 8.0,
    sheet: str | int | None = None,
    timestamp_column: str | int | Sequence[str | int] | None = None,
    value_column: str | int | None = None,
    max_bytes: int = 50_000_000,
    timezone: str | None = None,
    interval_label: str = "auto",
) -> MeterLoad:
    """Read a meter export and map it onto the scenario's typical year.

    Parameters
    ----------
    source : path, bytes or binary file object
        The CSV/TXT or XLSX file.
    filename : str, optional
        Name used in messages and to recognise ``.xlsx`` when ``source`` is bytes.
    units : {"auto", "kw", "kwh", "kwh_cumulative"}
        What the values are: average power [kW], energy per interval [kWh] or a cumulative
        energy register [kWh]. ``"auto"`` decides from header words, summary rows and
        monotonicity and says why in the report.
    utc_offset_hours : float, default 8.0
        The site's local standard time [h] (the scenario axis). Timestamps in the file are
        read as this fixed offset unless ``timezone`` is given.
    sheet : str or int, optional
        XLSX sheet name or 0-based position; default the first sheet with data.
    timestamp_column : str, int or pair, optional
        Header name or 0-based position of the timestamp column, or a pair
        ``(date_column, time_column)``; default detected.
    value_column : str or int, optional
        Header name or 0-based position of the value column; default detected.
    max_bytes : int, default 50_000_000
        Larger inputs are refused [bytes].
    timezone : str, optional
        IANA zone of the meter's wall clock (e.g. ``"America/New_York"``) when it follows
        daylight saving time; DST gaps and repeated hours are resolved and reported.
    interval_label : {"auto", "start", "end"}
        Whether timestamps mark the start or the end of each interval; detected by default.

    Returns
    -------
    MeterLoad

    Raises
    ------
    LoadFileError
        For anything in the file that cannot be read; the message names the row and column
        and says how to fix it.
    """
    try:
        return _read_meter_file(
            source,
            filename,
            units,
            utc_offset_hours,
            sheet,
            timestamp_column,
            value_column,
            max_bytes,
            timezone,
            interval_label,
        )
    except PlannerInputError:
        raise
    except (
        ValueError,
        TypeError,
        IndexError,
        KeyError,
        OverflowError,
        ArithmeticError,
        csv.Error,
        UnicodeError,
        MemoryError,
    ) as exc:
        # A file shape the reader does not foresee must still end as a user-facing error;
        # "internal error" lets tests (and bug reports) tell it from a diagnosed problem.
        name = filename or getattr(source, "name", None) or "the meter file"
        raise LoadFileError(
            f"{name} could not be read (internal error {type(exc).__name__}: {exc}); the row "
            "or column at fault is unknown: check that the file has one timestamp column and "
            "one kW or kWh column, export it again as CSV, and please report this file"
        ) from exc


def _read_meter_file(
    source: Any,
    filename: str | None,
    units: str,
    utc_offset_hours: float,
    sheet: str | int | None,
    timestamp_column: Any,
    value_column: str | int | None,
    max_bytes: int,
    timezone: str | None,
    interval_label: str,
) -> MeterLoad:
    rules = meter_rules()["meter"]
    unit_mode = _UNITS.get(str(units).strip().lower())
    if unit_mode is None:
        raise LoadFileError(
            f"units={units!r} is not one of 'auto', 'kw', 'kwh', 'kwh_cumulative'",
            field="units",
        )
    label_mode = str(interval_label).strip().lower()
    if label_mode not in ("auto", "start", "end"):
        raise LoadFileError(
            f"interval_label={interval_label!r} is not one of 'auto', 'start', 'end'",
            field="interval_label",
        )
    try:
        tz_std = fixed_offset_tz(float(utc_offset_hours))
    except (TypeError, ValueError):
        raise LoadFileError(
            f"utc_offset_hours={utc_offset_hours!r} is not an offset between -12 and 14 h",
            field="utc_offset_hours",
        ) from None
    zone = _zone(timezone)

    raw, name = _read_bytes(source, filename, max_bytes)
    table = _read_table(raw, name, sheet, rules)
    wide_note = None
    if timestamp_column is None and value_column is None:
        wide = _unpivot_wide(table)
        if wide is not None:
            table, wide_note = wide
    columns = _choose_columns(table, timestamp_column, value_column)
    parsed = _parse_rows(table, columns, rules)
    warnings: list[str] = list(parsed.warnings)
    if wide_note:
        warnings.append(wide_note)
    if parsed.tz_aware:  # ISO strings with their own offset, parsed as UTC
        parsed.ts_wall = parsed.ts_wall + int(round(float(utc_offset_hours) * 3600)) * 10**9
        warnings.append(
            "timestamps carry UTC offsets: converted to the site's standard time "
            f"(UTC{float(utc_offset_hours):+g})"
        )

    interval = _detect_interval(
        parsed.ts_wall, parsed.rows, rules, " + ".join(repr(h) for h in columns.ts_headers)
    )
    label, label_reason = _detect_label(
        parsed.ts_wall, interval, parsed.has_24, columns.label_hint, label_mode
    )
    unit_kind, scale, units_reason = _detect_units(
        columns.value_header,
        parsed.values,
        parsed.ts_wall,
        interval,
        unit_mode,
        parsed.summaries,
        rules,
    )

    ts_std, dst_fixes, tz_notes = _to_standard_time(
        parsed.ts_wall, parsed.rows, zone, float(utc_offset_hours), parsed.tz_aware
    )
    warnings += tz_notes
    keep = ts_std != _NAT
    ts_std, values, rows = ts_std[keep], parsed.values[keep], parsed.rows[keep]
    if unit_kind != "kwh_cumulative" and label == "end":
        ts_std = ts_std - interval * _NS_PER_MIN

    ts_std, irregular = _snap_to_grid(ts_std, rows, interval)
    ts_std, values, rows, span_notes = _limit_span(
        ts_std, values, rows, rules, name, " + ".join(columns.ts_headers)
    )
    warnings += span_notes

    uniq_ts, uniq_vals, first_rows, dup_count, dup_examples = _merge_duplicates(
        ts_std, values, rows
    )
    if unit_kind == "kwh_cumulative":
        uniq_ts, kw, first_rows, neg_examples, neg_count, spread = _register_to_kw(
            uniq_ts, uniq_vals * scale, first_rows, interval, rules
        )
        if spread:
            warnings.append(
                f"{spread} interval(s) between register readings more than one interval "
                "apart received an even share of the energy between the readings"
            )
        if not len(uniq_ts):
            raise LoadFileError(
                f"{name}: column '{columns.value_header}' has no two consecutive register "
                "readings: check the column or pass units='kw' or 'kwh'"
            )
    else:
        factor = scale * (60.0 / interval if unit_kind == "kwh" else 1.0)
        kw, neg_examples, neg_count = uniq_vals * factor, [], 0
    kw, outlier_examples, outlier_count = _flag_outliers(kw, uniq_ts, first_rows, rules)
    outlier_examples = (neg_examples + outlier_examples)[:_MAX_EXAMPLES]
    outlier_count += neg_count

    grid = _build_grid(uniq_ts, kw, interval)
    valid_days = grid.valid.sum() * interval / 1440.0
    if valid_days < rules["min_days"]:
        raise LoadFileError(
            f"{name}: only {valid_days:.1f} days of valid data in column "
            f"'{columns.value_header}' (rows {int(rows.min())}-{int(rows.max())}, "
            f"{_iso(grid.start_ns)} to {_iso(grid.start_ns + len(grid.values) * interval * _NS_PER_MIN)}, "
            f"{100 * valid_days / 365:.1f}% of a year); at least {rules['min_days']} days "
            "are needed: export a longer period, or enter 12 monthly bills instead"
        )
    filled = _fill_gaps(grid, interval, rules)

    target, mapping_info = _map_to_typical_year(filled, grid, interval, rules)
    output_interval = 15 if interval <= 15 else 60
    load_values = _resample(target.reshape(-1), interval, output_interval)
    axis = typical_year_index(float(utc_offset_hours), output_interval)
    load_kw = pd.Series(load_values, index=axis, name="load_kw")
    if mapping_info.get("warning"):
        warnings.append(mapping_info.pop("warning"))

    source_index = pd.DatetimeIndex(
        grid.start_ns + np.arange(len(grid.values), dtype=np.int64) * interval * _NS_PER_MIN
    ).tz_localize(tz_std)
    source_load_kw = pd.Series(filled.values, index=source_index, name="load_kw")

    expected = len(grid.values)
    report = LoadQualityReport(
        filename=name,
        file_format=table.file_format,
        encoding=table.encoding,
        sheet=table.sheet,
        header_row=table.header_row,
        timestamp_columns=columns.ts_headers,
        value_column=columns.value_header,
        rows_read=int(len(parsed.rows)),
        first_timestamp=_iso(int(parsed.ts_wall.min())),
        last_timestamp=_iso(int(parsed.ts_wall.max())),
        interval_minutes=int(interval),
        output_interval_minutes=int(output_interval),
        interval_label=label,
        interval_label_reason=label_reason,
        irregular_timestamps=irregular[0],
        irregular_examples=irregular[1],
        units=unit_kind,
        units_reason=units_reason,
        unit_scale=float(scale),
        coverage_percent=round(100.0 * grid.valid.sum() / expected, 3),
        year_coverage_percent=round(mapping_info.pop("year_coverage_percent"), 3),
        valid_intervals=int(grid.valid.sum()),
        expected_intervals=int(expected),
        filled_intervals=int(filled.interpolated + filled.profile_filled),
        interpolated_intervals=int(filled.interpolated),
        profile_filled_intervals=int(filled.profile_filled),
        long_gaps=filled.long_gaps,
        outliers=int(outlier_count),
        outlier_examples=outlier_examples,
        duplicates=int(dup_count),
        duplicate_examples=dup_examples,
        dst_fixes=dst_fixes,
        dropped_rows=parsed.dropped,
        mapping=mapping_info,
        warnings=warnings,
    )
    return MeterLoad(load_kw=load_kw, quality=report, source_load_kw=source_load_kw)


# --------------------------------------------------------------------------------------
# Bytes and text
# --------------------------------------------------------------------------------------


def _read_bytes(source: Any, filename: str | None, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw, name = bytes(source), filename or "<bytes>"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = filename or path.name
        if not path.is_file():
            raise LoadFileError(f"meter file {path} does not exist or is not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadFileError(
                f"{name} is {size:,} bytes, above the limit of {max_bytes:,} bytes: export "
                "one year at most, or raise max_bytes"
            )
        raw = path.read_bytes()
    elif hasattr(source, "read"):
        raw = source.read(max_bytes + 1)
        if isinstance(raw, str):  # a text stream: re-encode so one decoder path serves all
            raw = raw.encode("utf-8")
        name = filename or str(getattr(source, "name", "<stream>"))
    else:
        raise LoadFileError(
            f"cannot read a meter file from a {type(source).__name__}: pass a path, bytes "
            "or a binary file object"
        )
    if len(raw) > max_bytes:
        raise LoadFileError(
            f"{name} is larger than the limit of {max_bytes:,} bytes: export one year at "
            "most, or raise max_bytes"
        )
    if not raw.strip():
        raise LoadFileError(f"{name} is empty (no rows, no columns): export the file again")
    return raw, name


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise LoadFileError(
                f"{name}: byte {exc.start} is not valid UTF-16: save the file as UTF-8 CSV"
            ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig", "gb18030")
    else:
        candidates = ("utf-8", "gbk", "gb18030")
    failure = None
    for encoding in candidates:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            failure = failure or exc
    line = raw[: failure.start].count(b"\n") + 1 if failure else 1
    raise LoadFileError(
        f"{name}: line {line} (byte {failure.start if failure else 0}) is neither UTF-8 nor "
        "GBK/GB18030 text: save the file as CSV (UTF-8) or XLSX"
    )


# --------------------------------------------------------------------------------------
# Table: rows of cells, the header row and the body
# --------------------------------------------------------------------------------------


@dataclass
class _Table:
    body: pd.DataFrame  # cells as str (CSV) or Python objects (XLSX), columns 0..n-1
    rows: np.ndarray  # 1-based file line / sheet row of each body row
    headers: list[str]  # one name per column ("column 3" when the file has none)
    has_header: bool
    header_row: int | None
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    name: str


_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９：－／．，　（）",
    "0123456789:-/., ()",
)
_DATE_PART = (
    r"(?:\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}|\d{8})"
)
_TIME_PART = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[aApP][mM])?"
_RANGE_SEP = r"\s*[-~～至]\s*"
_DATETIME_RE = re.compile(
    rf"^{_DATE_PART}(?:\s+|T){_TIME_PART}(?:{_RANGE_SEP}{_TIME_PART})?(?:Z|[+-]\d{{2}}:?\d{{2}})?$"
    r"|^\d{12}(?:\d{2})?$"
)
_DATE_RE = re.compile(rf"^{_DATE_PART}$")
_TIME_RE = re.compile(rf"^{_TIME_PART}(?:{_RANGE_SEP}{_TIME_PART})?$")
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_UNIT_SUFFIX = re.compile(r"(?i)\s*(?:kwh|kw|mwh|mw|wh|千瓦时|千瓦|度)$")
_MISSING_TOKENS = {
    "",
    "-",
    "--",
    "---",
    "—",
    "/",
    "n/a",
    "na",
    "nan",
    "null",
    "none",
    "无",
    "空",
    "#n/a",
    "#value!",
    "#div/0!",
    "缺失",
    "缺测",
}
_SUMMARY_WORDS = (
    "合计",
    "总计",
    "小计",
    "汇总",
    "平均",
    "最大",
    "最小",
    "total",
    "sum",
    "average",
    "mean",
    "max",
    "min",
    "avg",
)


def _norm_text(value: str) -> str:
    text = value.strip().translate(_FULLWIDTH)
    text = re.sub(r"\s*年\s*", "-", text)
    text = re.sub(r"\s*月\s*", "-", text)
    text = re.sub(r"\s*日\s*", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _cell_kind(value: Any) -> str:
    """empty / datetime / date / time / number / text, for header and column detection."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "text"
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        if pd.isna(value):
            return "empty"
        return "date" if (value.hour, value.minute, value.second) == (0, 0, 0) else "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, (dt.time, dt.timedelta)):
        return "time"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number" if math.isfinite(float(value)) else "empty"
    text = _norm_text(str(value))
    if text.lower() in _MISSING_TOKENS:
        return "empty"
    if _DATETIME_RE.match(text):
        return "datetime"
    if _DATE_RE.match(text):
        return "date"
    if _TIME_RE.match(text):
        return "time"
    if _NUMBER_RE.match(_clean_number_text(text)) or re.fullmatch(r"[+-]?\d+,\d+", text):
        return "number"  # the second form: a decimal comma (European exports)
    return "text"


def _clean_number_text(text: str) -> str:
    text = _UNIT_SUFFIX.sub("", text.strip())
    if re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", text):
        text = text.replace(",", "")
    return text.replace(" ", "")


def _is_data_row(cells: Sequence[Any]) -> bool:
    kinds = [_cell_kind(c) for c in cells]
    has_time_info = "datetime" in kinds or ("date" in kinds and "time" in kinds)
    if not has_time_info and "date" in kinds:
        # a date plus hour numbers (date, hour, value) or a date and values (daily data)
        has_time_info = kinds.count("number") >= 1
    return has_time_info and kinds.count("number") >= 1


def _read_table(raw: bytes, name: str, sheet: str | int | None, rules: dict) -> _Table:
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise LoadFileError(
            f"{name} is an old binary Excel file (.xls) whose rows cannot be read: open it in "
            "Excel or WPS and save it as .xlsx or CSV"
        )
    if raw.startswith(b"PK\x03\x04") or name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(raw, name, sheet, rules)
    return _read_csv(raw, name, rules)


def _split_lines(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return [line.split(delimiter) for line in lines]


def _read_csv(raw: bytes, name: str, rules: dict) -> _Table:
    text, encoding = _decode(raw, name)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise LoadFileError(
            f"{name}: line {line} holds binary data (NUL bytes): this is not a text CSV; "
            "export the meter data as CSV or XLSX"
        )
    all_lines = re.split(r"\r\n|\r|\n", text)
    scan = [(i, line) for i, line in enumerate(all_lines[: rules["header_scan_rows"] * 3])]
    scan = [(i, line) for i, line in scan if line.strip()][: rules["header_scan_rows"]]
    if not scan:
        raise LoadFileError(f"{name} has no non-empty line: export the file again")

    delimiter = _guess_delimiter([line for _, line in scan])
    split = _split_lines([line for _, line in scan], delimiter)
    first_data = next((k for k, cells in enumerate(split) if _is_data_row(cells)), None)
    if first_data is None:
        sample = scan[0][1][:80]
        raise LoadFileError(
            f"{name}: no row with a date/time and a number in the first {len(scan)} non-empty "
            f"lines (line {scan[0][0] + 1}: {sample!r}); the file needs a timestamp column "
            "(e.g. 时间 '2025-01-01 00:15') and a value column (e.g. 有功功率 kW), "
            f"separated by '{delimiter}'"
        )
    header_cells, header_line = _find_header(split, first_data, [i for i, _ in scan])
    data_line = scan[first_data][0]  # 0-based physical line
    try:
        body = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            skiprows=data_line,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            index_col=False,
            engine="c",
            quotechar='"',
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            raise LoadFileError(
                f"{name}: line {match.group(2)} has {match.group(3)} fields where the rows "
                f"above have {match.group(1)} (separator '{delimiter}'): remove the extra "
                "separators or quote values that contain them"
            ) from None
        raise LoadFileError(
            f"{name}: cannot split the rows from line {data_line + 1} on into columns "
            f"({exc}): save the file again as CSV"
        ) from None
    except (pd.errors.EmptyDataError, csv.Error, ValueError, OverflowError) as exc:
        raise LoadFileError(
            f"{name}: cannot read the rows from line {data_line + 1} on ({exc}): save the "
            "file again as CSV"
        ) from None
    body.columns = range(body.shape[1])
    rows = np.arange(len(body), dtype=np.int64) + data_line + 1
    headers = _column_names(header_cells, body.shape[1])
    return _Table(
        body=body,
        rows=rows,
        headers=headers,
        has_header=header_cells is not None,
        header_row=None if header_line is None else header_line + 1,
        file_format="csv",
        encoding=encoding,
        delimiter=delimiter,
        sheet=None,
        name=name,
    )


def _guess_delimiter(lines: list[str]) -> str:
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t", "|"):
        counts = [len(cells) for cells in _split_lines(lines, delimiter)]
        multi = [c for c in counts if c >= 2]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        score = multi.count(mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


_UNIT_ROW = re.compile(
    r"(?i)^[(\[（【]?\s*(k?w|kwh|mw|mwh|kvar|kvarh|v|kv|a|%|度|千瓦|千瓦时|单位.*)?\s*[)\]）】]?$"
)


def _find_header(
    split: list[list[Any]], first_data: int, line_numbers: list[int]
) -> tuple[list[str] | None, int | None]:
    """The header cells above the first data row (merging a units row below it)."""
    if first_data == 0:
        return None, None
    above = [("" if c is None else str(c)).strip() for c in split[first_data - 1]]
    if not any(above):
        return None, None
    if (
        first_data >= 2
        and all(_UNIT_ROW.match(c.translate(_FULLWIDTH)) for c in above)
        and any(above)
    ):
        names = [("" if c is None else str(c)).strip() for c in split[first_data - 2]]
        merged = [
            (n + (f" ({u})" if u and not u.startswith(("(", "（", "[")) else f" {u}")).strip()
            for n, u in zip(names + [""] * (len(above) - len(names)), above, strict=False)
        ]
        return merged, line_numbers[first_data - 2]
    return above, line_numbers[first_data - 1]


def _column_names(header: list[str] | None, width: int) -> list[str]:
    names: list[str] = []
    for k in range(width):
        cell = header[k].strip() if header is not None and k < len(header) else ""
        cell = cell.lstrip("\ufeff").strip().strip('"').strip()
        name = cell or f"column {k + 1}"
        while name in names:
            name = f"{name} ({k + 1})"
        names.append(name)
    return names


def _read_xlsx(raw: bytes, name: str, sheet: str | int | None, rules: dict) -> _Table:
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken zip/XML
        raise LoadFileError(
            f"{name} is not a readable XLSX workbook ({type(exc).__name__}: {exc}), so no sheet "
            "or row could be read: open it in Excel or WPS and save it again as .xlsx, or "
            "export CSV"
        ) from None
    try:
        names = list(book.sheetnames)
        if sheet is None:
            chosen = None
            for candidate in names:
                rows = _sheet_rows(book[candidate])
                if any(any(c is not None and str(c).strip() for c in r) for r in rows[:200]):
                    chosen = candidate
                    break
            if chosen is None:
                raise LoadFileError(f"{name}: every sheet is empty ({', '.join(names)})")
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise LoadFileError(
                    f"{name}: sheet {sheet} does not exist; the workbook has {len(names)} "
                    f"sheet(s): {', '.join(names)} (positions start at 0)",
                    field="sheet",
                )
            chosen = names[sheet]
            rows = _sheet_rows(book[chosen])
        else:
            if str(sheet) not in names:
                raise LoadFileError(
                    f"{name}: no sheet named {sheet!r}; the sheets are: {', '.join(names)}",
                    field="sheet",
                )
            chosen = str(sheet)
            rows = _sheet_rows(book[chosen])
    except LoadFileError:
        raise
    except Exception as exc:  # malformed worksheet XML
        raise LoadFileError(
            f"{name}: a worksheet's rows cannot be read ({type(exc).__name__}: {exc}): save "
            "the workbook again as .xlsx, or export CSV"
        ) from None
    finally:
        book.close()

    scan = [(i, r) for i, r in enumerate(rows[: rules["header_scan_rows"] * 3])]
    scan = [(i, r) for i, r in scan if any(c is not None and str(c).strip() for c in r)]
    scan = scan[: rules["header_scan_rows"]]
    split = [list(r) for _, r in scan]
    first_data = next((k for k, cells in enumerate(split) if _is_data_row(cells)), None)
    if first_data is None:
        raise LoadFileError(
            f"{name}, sheet '{chosen}': no row with a date/time and a number in the first "
            f"{len(scan)} non-empty rows; the sheet needs a timestamp column (e.g. 时间) and "
            "a value column (e.g. 有功功率 kW), or pass sheet= to pick another sheet"
        )
    header_cells, header_index = _find_header(split, first_data, [i for i, _ in scan])
    start = scan[first_data][0]
    width = max((len(r) for r in rows[start:]), default=0)
    body_rows = [tuple(r) + (None,) * (width - len(r)) for r in rows[start:]]
    body = pd.DataFrame(body_rows, columns=range(width), dtype=object)
    return _Table(
        body=body,
        rows=np.arange(len(body), dtype=np.int64) + start + 1,
        headers=_column_names(header_cells, width),
        has_header=header_cells is not None,
        header_row=None if header_index is None else header_index + 1,
        file_format="xlsx",
        encoding=None,
        delimiter=None,
        sheet=chosen,
        name=name,
    )


def _sheet_rows(worksheet: Any) -> list[tuple]:
    return [tuple(r) for r in worksheet.iter_rows(min_row=1, values_only=True)]


_HEADER_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")


def _unpivot_wide(table: _Table) -> tuple[_Table, str] | None:
    """A "96-point" export (one row per day, one column per time of day) -> long rows.

    Recognised when at least 12 headers are times of day (``00:15`` ... ``24:00``) and a
    column holds dates; returns None otherwise.
    """
    times = []
    for k, header in enumerate(table.headers):
        match = _HEADER_TIME.match(header.strip().translate(_FULLWIDTH))
        if match and int(match.group(1)) <= 24 and int(match.group(2)) < 60:
            times.append((k, f"{int(match.group(1)):02d}:{match.group(2)}"))
    if len(times) < 12:
        return None
    kinds = _classify_columns(table)
    time_positions = {k for k, _ in times}
    dates = [
        k
        for k, kind in enumerate(kinds)
        if kind in ("date", "datetime") and k not in time_positions
    ]
    if not dates:
        return None
    n = len(table.body)
    date_cells = np.repeat(table.body[dates[0]].to_numpy(dtype=object), len(times))
    time_cells = np.tile(np.array([t for _, t in times], dtype=object), n)
    value_cells = table.body[[k for k, _ in times]].to_numpy(dtype=object).reshape(-1)
    body = pd.DataFrame({0: date_cells, 1: time_cells, 2: value_cells}, dtype=object)
    if table.file_format == "csv":
        body = body.astype(str)
    long = replace(
        table,
        body=body,
        rows=np.repeat(table.rows, len(times)),
        headers=[table.headers[dates[0]], "time of day", "value"],
    )
    note = (
        f"wide layout: one row per day ('{table.headers[dates[0]]}') and {len(times)} "
        f"time-of-day columns ({times[0][1]} ... {times[-1][1]}) read as one series"
    )
    return long, note


# --------------------------------------------------------------------------------------
# Column choice
# --------------------------------------------------------------------------------------

_TS_WORDS = (
    "时间",
    "日期",
    "时刻",
    "时段",
    "采集",
    "抄表",
    "time",
    "date",
    "timestamp",
    "datetime",
    "zeit",
    "datum",
    "period",
    "interval",
)
_TIME_WORDS = ("时刻", "时间", "时段", "time", "hour", "小时", "zeit", "uhrzeit")
_HOUR_WORDS = ("小时", "hour", "时")
_START_WORDS = ("开始", "起始", "start", "begin", "from")
_END_WORDS = ("结束", "截止", "end", "ending")
_POWER_WORDS = ("有功功率", "功率", "负荷", "需量", "power", "demand", "load")
_ENERGY_WORDS = (
    "电量",
    "用电量",
    "电能",
    "能耗",
    "用电",
    "正向有功",
    "energy",
    "consumption",
    "usage",
    "千瓦时",
)
_REGISTER_WORDS = (
    "示数",
    "读数",
    "表码",
    "止码",
    "表底",
    "累计",
    "register",
    "reading",
    "cumulative",
    "meter index",
)
_EXCLUDE_WORDS = (
    "无功",
    "反向",
    "功率因数",
    "电压",
    "电流",
    "温度",
    "频率",
    "序号",
    "编号",
    "户号",
    "倍率",
    "kvar",
    "kvarh",
    "voltage",
    "current",
    "power factor",
    "pf",
    "cos",
    "id",
    "no",
    "index",
    "temperature",
    "frequency",
    "row",
    "reactive",
    "export",
)


def _has_word(header: str, words: Sequence[str]) -> bool:
    text = header.lower()
    for word in words:
        if word.isascii():
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text):
                return True
        elif word in text:
            return True
    return False


@dataclass
class _Columns:
    ts: list[int]  # one column (combined) or two (date, time)
    ts_kinds: list[str]  # "datetime" / "date" / "time" / "hour" / "serial"
    value: int
    ts_headers: list[str]
    value_header: str
    label_hint: str | None  # "start" / "end" from the timestamp header


def _column_position(table: _Table, spec: str | int, what: str) -> int:
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        if 0 <= int(spec) < len(table.headers):
            return int(spec)
        raise LoadFileError(
            f"{table.name}: {what}={spec} is outside the {len(table.headers)} columns "
            f"({', '.join(table.headers)}); positions start at 0",
            field=what,
        )
    wanted = str(spec).strip().lower()
    for k, header in enumerate(table.headers):
        if header.strip().lower() == wanted:
            return k
    raise LoadFileError(
        f"{table.name}: no column named {spec!r} for {what}; the columns are: "
        f"{', '.join(repr(h) for h in table.headers)}",
        field=what,
    )


def _classify_columns(table: _Table) -> list[str]:
    """Kind of each column from its first 400 cells: datetime/date/time/number/text/empty."""
    kinds = []
    sample = table.body.head(400)
    for k in range(table.body.shape[1]):
        cells = [_cell_kind(v) for v in sample[k].tolist()]
        cells = [c for c in cells if c != "empty"]
        if not cells:
            kinds.append("empty")
            continue
        share = {kind: cells.count(kind) / len(cells) for kind in set(cells)}
        dated = share.get("datetime", 0.0) + share.get("date", 0.0)
        if dated >= 0.6:
            # midnight cells of a datetime column look like dates
            kinds.append("datetime" if share.get("datetime", 0.0) > 0 else "date")
        elif share.get("number", 0.0) >= 0.6:
            kinds.append("number")
        elif share.get("time", 0.0) >= 0.6:
            kinds.append("time")
        else:
            kinds.append("text")
    return kinds


def _choose_columns(
    table: _Table,
    timestamp_column: str | int | Sequence[str | int] | None,
    value_column: str | int | None,
) -> _Columns:
    kinds = _classify_columns(table)
    headers = table.headers

    def hour_like(k: int) -> bool:
        if kinds[k] != "number" or not _has_word(headers[k], _HOUR_WORDS):
            return False
        values = pd.to_numeric(table.body[k].head(400), errors="coerce").dropna()
        return bool(len(values)) and values.between(0, 24).all() and (values % 1 == 0).all()

    ts_cols: list[int]
    ts_kinds: list[str]
    if timestamp_column is not None:
        if isinstance(timestamp_column, (list, tuple)):
            if len(timestamp_column) != 2:
                raise LoadFileError(
                    "timestamp_column must be one column or a pair (date column, time column)",
                    field="timestamp_column",
                )
            ts_cols = [_column_position(table, c, "timestamp_column") for c in timestamp_column]
            ts_kinds = ["date", "hour" if hour_like(ts_cols[1]) else "time"]
        else:
            k = _column_position(table, timestamp_column, "timestamp_column")
            if kinds[k] == "date":
                partner = _find_time_column(kinds, headers, exclude={k}, hour_like=hour_like)
                if partner is None:
                    raise LoadFileError(
                        f"{table.name}: column '{headers[k]}' holds dates without times of day "
                        "and no time column was found: pass timestamp_column=(date, time)",
                        field="timestamp_column",
                    )
                ts_cols, ts_kinds = [k, partner], ["date", _partner_kind(kinds, partner)]
            else:
                ts_cols, ts_kinds = [k], ["serial" if kinds[k] == "number" else "datetime"]
    else:
        candidates = [k for k, kind in enumerate(kinds) if kind == "datetime"]
        if candidates:
            candidates.sort(key=lambda k: _ts_score(headers[k]), reverse=True)
            ts_cols, ts_kinds = [candidates[0]], ["datetime"]
        else:
            dates = [k for k, kind in enumerate(kinds) if kind == "date"]
            partner = None
            if dates:
                partner = _find_time_column(kinds, headers, exclude={dates[0]}, hour_like=hour_like)
            if dates and partner is not None:
                ts_cols, ts_kinds = [dates[0], partner], ["date", _partner_kind(kinds, partner)]
            else:
                if dates:
                    raise LoadFileError(
                        f"{table.name}: column '{headers[dates[0]]}' holds dates without a time "
                        "of day and no time column was found: this looks like daily data; "
                        "meter files need 5-60 minute intervals (use monthly bills otherwise)"
                    )
                raise LoadFileError(
                    f"{table.name}: no timestamp column found among the columns "
                    f"{', '.join(repr(h) for h in headers)} (header row "
                    f"{table.header_row or 'none'}); expected values such as "
                    "'2025-01-01 00:15' or separate date and time columns: pass "
                    "timestamp_column= to name it"
                )

    if value_column is not None:
        value = _column_position(table, value_column, "value_column")
        if value in ts_cols:
            raise LoadFileError(
                f"{table.name}: value_column '{headers[value]}' is also the timestamp column",
                field="value_column",
            )
    else:
        numeric = [k for k, kind in enumerate(kinds) if kind == "number" and k not in ts_cols]
        if not numeric:
            raise LoadFileError(
                f"{table.name}: no numeric value column next to the timestamp column "
                f"'{headers[ts_cols[0]]}' (columns: {', '.join(repr(h) for h in headers)}); "
                "add the kW or kWh column or pass value_column="
            )
        value = max(numeric, key=lambda k: (_value_score(headers[k]), -k))
    hint = None
    ts_header = " ".join(headers[k] for k in ts_cols)
    if _has_word(ts_header, _END_WORDS):
        hint = "end"
    elif _has_word(ts_header, _START_WORDS):
        hint = "start"
    return _Columns(
        ts=ts_cols,
        ts_kinds=ts_kinds,
        value=value,
        ts_headers=[headers[k] for k in ts_cols],
        value_header=headers[value],
        label_hint=hint,
    )


def _partner_kind(kinds: list[str], k: int) -> str:
    return "time" if kinds[k] == "time" else "hour"


def _find_time_column(
    kinds: list[str], headers: list[str], exclude: set[int], hour_like: Any
) -> int | None:
    for k, kind in enumerate(kinds):
        if k not in exclude and kind == "time":
            return k
    for k in range(len(kinds)):
        if k not in exclude and hour_like(k):
            return k
    return None


def _ts_score(header: str) -> float:
    score = 2.0 if _has_word(header, _TS_WORDS) else 0.0
    if _has_word(header, _START_WORDS):
        score += 1.0
    return score


def _value_score(header: str) -> float:
    score = 0.0
    if _has_word(header, _EXCLUDE_WORDS):
        score -= 10.0
    if _has_word(header, _POWER_WORDS + _ENERGY_WORDS + _REGISTER_WORDS):
        score += 4.0
    if _unit_token(header) is not None:
        score += 2.0
    if "总" in header:
        score += 0.5
    return score


# --------------------------------------------------------------------------------------
# Rows: timestamps and numbers
# --------------------------------------------------------------------------------------

_NAT = np.iinfo(np.int64).min

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
class _Parsed:
    ts_wall: np.ndarray  # int64 ns, naive wall clock as written (after 24:00 handling)
    values: np.ndarray  # float, NaN for blank cells
    rows: np.ndarray  # file rows
    has_24: bool
    tz_aware: bool  # timestamps carried their own UTC offset (already converted to UTC)
    dropped: list[dict[str, Any]]
    summaries: list[tuple[str, float]]
    warnings: list[str]


def _parse_rows(table: _Table, columns: _Columns, rules: dict) -> _Parsed:
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
            (dates == _NAT) | np.isnan(seconds),
            _NAT,
            dates + np.nan_to_num(seconds).astype(np.int64) * 10**9,
        )
        end24 = seconds == 86400.0
    ts_text = _cell_text(body[columns.ts[0]])
    value_cells = body[columns.value]
    value_text = _cell_text(value_cells)
    ts_empty = np.array(ts_text.str.strip().str.lower().isin(_MISSING_TOKENS), dtype=bool)
    if len(columns.ts) == 2:
        ts_empty &= np.array(_cell_text(body[columns.ts[1]]).str.strip().isin(["", "None"]))
    value_empty = value_text.str.strip().str.lower().isin(_MISSING_TOKENS).to_numpy()

    parsed_ok = ts != _NAT
    dropped: list[dict[str, Any]] = []
    summaries: list[tuple[str, float]] = []
    blank = ts_empty & value_empty
    unparsed = ~parsed_ok & ~blank
    if unparsed.any():
        last_ok = np.flatnonzero(parsed_ok).max() if parsed_ok.any() else -1
        lowered = ts_text.str.lower()
        is_summary = lowered.str.contains("|".join(_SUMMARY_WORDS), regex=True).to_numpy()
        trailing = np.arange(len(ts)) > last_ok
        droppable = unparsed & (is_summary | trailing | ts_empty)
        for k in np.flatnonzero(droppable)[:50]:
            reason = (
                "summary row"
                if is_summary[k]
                else "empty timestamp"
                if ts_empty[k]
                else "text after the last data row"
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
            column = " + ".join(f"'{table.headers[c]}'" for c in columns.ts)
            sample = str(ts_text.iloc[k])[:40]
            more = f" ({len(first)} such rows, e.g. rows {', '.join(str(table.rows[j]) for j in first[:5])})"
            raise LoadFileError(
                f"{name}: row {table.rows[k]}, column {column}: {sample!r} is not a date and "
                f"time like the rows around it{more}: correct or delete these rows"
            )
    keep = parsed_ok
    if not keep.any():
        raise LoadFileError(
            f"{name}: no row has a readable timestamp in column "
            f"'{table.headers[columns.ts[0]]}': check the column or pass timestamp_column="
        )
    values = _parse_number_column(
        value_cells[keep], table.rows[keep], table, columns, value_empty[keep]
    )
    return _Parsed(
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
    cleaned = _clean_number_text(_norm_text(text))
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
        sub = s[needs].str.translate(_FULLWIDTH)
        sub = sub.str.replace(r"\s*年\s*", "-", regex=True).str.replace(
            r"\s*月\s*", "-", regex=True
        )
        sub = sub.str.replace(r"\s*日\s*", " ", regex=True).str.replace(r"\s+", " ", regex=True)
        sub = sub.str.strip()
        ranged = sub.str.replace(rf"({_TIME_PART}){_RANGE_SEP}{_TIME_PART}$", r"\1", regex=True)
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
    """Parsed datetimes -> int64 ns (UTC if tz-aware); _NAT outside 1900..2199 or missing."""
    index = pd.DatetimeIndex(values)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    micro = index.to_numpy(dtype="datetime64[us]").astype(np.int64)
    ok = ~np.isnat(index.to_numpy(dtype="datetime64[us]")) & (micro >= _MIN_US) & (micro < _MAX_US)
    out = np.full(len(index), _NAT, dtype=np.int64)
    out[ok] = micro[ok] * 1000
    return out


def _pick_format(sample: pd.Series, formats: Sequence[str]) -> str | None:
    best: list[tuple[int, float, int, str]] = []
    for order, fmt in enumerate(formats):
        parsed = _index_ns(pd.to_datetime(sample, format=fmt, errors="coerce"))
        values = parsed[parsed != _NAT]
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
    out = np.full(len(s), _NAT, dtype=np.int64)
    nonempty = ~s.str.lower().isin(_MISSING_TOKENS).to_numpy()
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
        ok = parsed != _NAT
        positions = np.flatnonzero(remaining)
        out[positions[ok]] = parsed[ok]
        remaining[positions[ok]] = False
        if not remaining.any() or remaining.sum() > 0.5 * len(s):
            break
    return out, False


def _parse_datetime_column(
    column: pd.Series, date_only: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Timestamps of a column (int64 ns, _NAT if missing), 24:00 mask, bad mask, tz flag."""
    n = len(column)
    out = np.full(n, _NAT, dtype=np.int64)
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
        nonempty = ~s.str.lower().isin(_MISSING_TOKENS).to_numpy()
    if date_only:
        valid = out != _NAT
        out[valid] = out[valid] - out[valid] % _NS_PER_DAY
    out = np.where(end24 & (out != _NAT), out + _NS_PER_DAY, out)
    bad = nonempty & (out == _NAT)
    return out, end24, bad, tz_aware


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in _MISSING_TOKENS


def _excel_serial(numbers: np.ndarray) -> np.ndarray:
    """Excel day serials (1900 system) or Unix seconds/milliseconds -> int64 ns."""
    out = np.full(len(numbers), _NAT, dtype=np.int64)
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
    return out, np.zeros(len(out), dtype=bool), nonempty & (out == _NAT)


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
    s = texts.str.strip().str.translate(_FULLWIDTH)
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
    table: _Table,
    columns: _Columns,
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
        cleaned = todo_text.str.translate(_FULLWIDTH).str.replace(
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
    missing = s.str.lower().isin(_MISSING_TOKENS).to_numpy() | empty
    out[todo] = numbers[todo]
    bad = todo & np.isnan(out) & ~missing
    bad |= np.isinf(out)
    if bad.any():
        where = np.flatnonzero(bad)
        k = where[0]
        header = table.headers[columns.value]
        raise LoadFileError(
            f"{table.name}: row {rows[k]}, column '{header}': {str(texts.iloc[k])[:40]!r} is "
            f"not a number ({len(where)} such cells, e.g. rows "
            f"{', '.join(str(rows[j]) for j in where[:5])}): correct them, or leave them "
            "empty to have them treated as gaps"
        )
    out[np.isinf(out)] = np.nan
    return out


# --------------------------------------------------------------------------------------
# Interval, labels, units, time zone
# --------------------------------------------------------------------------------------


def _detect_interval(ts: np.ndarray, rows: np.ndarray, rules: dict, column: str) -> int:
    """The most common step between distinct timestamps [min], if supported."""
    where = f"column {column}, rows {int(rows.min())}-{int(rows.max())}"
    uniq = np.unique(ts)
    if len(uniq) < 2:
        raise LoadFileError(
            f"only one distinct timestamp ({where}): a meter file needs a series of 5-60 "
            "minute readings"
        )
    minutes = np.round(np.diff(uniq) / _NS_PER_MIN).astype(np.int64)
    minutes = minutes[minutes > 0]
    if not len(minutes):
        raise LoadFileError(
            f"the timestamps are less than a minute apart ({where}): check the time column"
        )
    values, counts = np.unique(minutes, return_counts=True)
    mode = int(values[np.argmax(counts)])
    supported = [int(v) for v in rules["supported_intervals_minutes"]]
    if mode in supported:
        return mode
    if mode >= 1440:
        raise LoadFileError(
            f"the timestamps are {mode / 1440:g} day(s) apart ({where}): this is daily or "
            "monthly data, not interval data; enter 12 monthly bills instead "
            "(load_from_monthly_bills)"
        )
    raise LoadFileError(
        f"the most common step between timestamps is {mode} min ({where}); supported "
        f"intervals are {', '.join(map(str, supported))} min: resample the export"
    )


def _detect_label(
    ts: np.ndarray, interval: int, has_24: bool, hint: str | None, mode: str
) -> tuple[str, str]:
    if mode in ("start", "end"):
        return mode, f"set by interval_label='{mode}'"
    if has_24:
        return "end", "timestamps use 24:00, which only labels the end of an interval"
    if hint == "end":
        return "end", "the timestamp column's header says the interval end (结束/end)"
    if hint == "start":
        return "start", "the timestamp column's header says the interval start (开始/start)"
    first = int(ts.min())
    first_tod = (first % _NS_PER_DAY) // _NS_PER_MIN
    if first_tod == interval:
        day_start = first - first % _NS_PER_DAY
        if not np.any(ts == day_start):
            return (
                "end",
                f"the first row is at {first_tod // 60:02d}:{first_tod % 60:02d}, one interval "
                "after midnight: timestamps mark interval ends",
            )
    return (
        "start",
        f"the first row is at {first_tod // 60:02d}:{first_tod % 60:02d}: timestamps taken as "
        "interval starts",
    )


_UNIT_TOKENS = (
    (r"万\s*(?:kwh|千瓦时|度)", "kwh", 1e4),
    (r"(?<![a-z])mwh(?![a-z])", "kwh", 1000.0),
    (r"(?<![a-z])kwh(?![a-z])|千瓦时|千瓦·时|度", "kwh", 1.0),
    (r"(?<![a-z])wh(?![a-z])", "kwh", 0.001),
    (r"(?<![a-z])mw(?![a-z])|兆瓦", "kw", 1000.0),
    (r"(?<![a-z])kw(?![a-z])|千瓦", "kw", 1.0),
    (r"[(\[（【]\s*w\s*[)\]）】]", "kw", 0.001),
)


def _unit_token(header: str) -> tuple[str, float] | None:
    text = header.lower()
    for pattern, kind, scale in _UNIT_TOKENS:
        if re.search(pattern, text):
            return kind, scale
    return None


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


def _detect_units(
    header: str,
    values: np.ndarray,
    ts: np.ndarray,
    interval: int,
    mode: str,
    summaries: list[tuple[str, float]],
    rules: dict,
) -> tuple[str, float, str]:
    token = _unit_token(header)
    scale = token[1] if token else 1.0
    if mode != "auto":
        if token and token[0] != ("kw" if mode == "kw" else "kwh"):
            scale = 1.0
        return mode, scale, f"set by units='{mode}'"
    nonneg, increasing = _monotone_share(values, ts)
    monotone = nonneg >= rules["register_monotone_share"] and increasing >= 0.5
    if _has_word(header, _REGISTER_WORDS) and nonneg >= 0.9 and increasing > 0:
        return (
            "kwh_cumulative",
            scale,
            (
                f"header '{header}' names a cumulative register (示数/读数/reading) and the values "
                "rise over time: differenced into kWh per interval"
            ),
        )
    if monotone:
        return (
            "kwh_cumulative",
            scale,
            (
                f"the values in '{header}' never fall ({100 * nonneg:.1f}% of steps non-negative): "
                "a cumulative kWh register, differenced into kWh per interval"
            ),
        )
    if token:
        unit = "kWh" if token[0] == "kwh" else "kW"
        return (
            token[0],
            scale,
            f"header '{header}' gives the unit {unit}"
            + (f" (x{scale:g} to k{unit[1:]})" if scale != 1.0 else ""),
        )
    if _has_word(header, _POWER_WORDS):
        return "kw", 1.0, f"header '{header}' names power/demand (功率/负荷/power): kW"
    if _has_word(header, _ENERGY_WORDS):
        return (
            "kwh",
            1.0,
            f"header '{header}' names energy (电量/正向有功/energy): kWh per interval",
        )
    total = float(np.nansum(values))
    tolerance = rules["summary_row_tolerance"]
    for label, number in summaries:
        if label and _has_word(label, ("合计", "总计", "汇总", "total", "sum")) and total > 0:
            if abs(number - total) <= tolerance * total:
                return (
                    "kwh",
                    1.0,
                    (
                        f"the summary row '{label}' ({number:g}) equals the sum of the column: "
                        "energy adds up, so the values are kWh per interval"
                    ),
                )
            energy_if_kw = total * interval / 60.0
            if abs(number - energy_if_kw) <= tolerance * energy_if_kw:
                return (
                    "kw",
                    1.0,
                    (
                        f"the summary row '{label}' ({number:g}) equals the column's energy if the "
                        "values are kW: average power"
                    ),
                )
    if interval == 60:
        return (
            "kw",
            1.0,
            ("hourly data: average kW and kWh per hour are the same number, no unit needed"),
        )
    per_year = total * interval / 60.0
    return (
        "kw",
        1.0,
        (
            f"no unit in header '{header}'; assumed average power in kW (the usual content of "
            f"load-curve exports, 负荷曲线). If the values are kWh per {interval}-minute interval, "
            f"pass units='kwh': the file's energy would be {total:,.0f} kWh instead of "
            f"{per_year:,.0f} kWh"
        ),
    )


def _zone(timezone: str | None) -> ZoneInfo | None:
    if timezone is None or str(timezone).strip() == "":
        return None
    try:
        return ZoneInfo(str(timezone).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise LoadFileError(
            f"timezone={timezone!r} is not an IANA time zone name (e.g. 'Asia/Shanghai', "
            "'America/New_York')",
            field="timezone",
        ) from None


def _to_standard_time(
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
            dt.datetime(TYPICAL_YEAR, m, 1, 12, tzinfo=zone).utcoffset() for m in (1, 7)
        ).total_seconds()
        / 3600.0
    )
    if abs(zone_std - offset_hours) > 1e-9:
        notes.append(
            f"the meter's zone {zone.key} has standard offset {zone_std:+g} h but the site "
            f"axis uses {offset_hours:+g} h: the load is shifted by {offset_hours - zone_std:+g} h"
        )
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
        fixes.append(
            f"{int(nonexistent.sum())} row(s) fall in the hour that {zone.key} skips at the "
            "spring-forward change and no hour repeats in autumn: the meter keeps standard "
            f"time (UTC{zone_std:+g}) all year, read that way"
        )
        return fixed, fixes, notes
    is_dst = np.zeros(len(ts), dtype=bool)
    if ambiguous.any():
        amb_index = np.flatnonzero(ambiguous)
        occurrence = pd.Series(ts[amb_index]).groupby(ts[amb_index]).cumcount().to_numpy()
        is_dst[amb_index] = occurrence == 0
        days = sorted({_iso(int(t))[:10] for t in ts[amb_index]})
        for day in days:
            in_day = [k for k in amb_index if _iso(int(ts[k]))[:10] == day]
            twice = sum(1 for k in in_day if not is_dst[k])
            fixes.append(
                f"{day}: fall-back change, the wall-clock hour from "
                f"{_iso(int(ts[in_day[0]]))[11:16]} appears {'twice' if twice else 'once'}; "
                "first occurrence read as daylight time, second as standard time"
            )
    localized = wall.tz_localize(zone, ambiguous=is_dst, nonexistent="NaT")
    if nonexistent.any():
        bad_rows = rows[nonexistent]
        fixes.append(
            f"{int(nonexistent.sum())} row(s) at wall-clock times that do not exist in "
            f"{zone.key} (spring-forward hour, e.g. row {int(bad_rows[0])}) were dropped"
        )
    # report spring-forward days the file spans (no data is missing there, only the clock jumps)
    for year in sorted(set(wall.year)):
        jumps = _spring_forward_day(zone, int(year))
        if jumps and wall.min() <= jumps <= wall.max():
            fixes.append(
                f"{jumps.date()}: spring-forward change, the wall clock skips an hour; no data "
                "is missing there once read in standard time"
            )
    utc = localized.tz_convert("UTC").tz_localize(None).as_unit("ns")
    out = utc.asi8.copy() + offset_ns
    out[pd.isna(localized)] = _NAT
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


# --------------------------------------------------------------------------------------
# Cleaning on the regular grid
# --------------------------------------------------------------------------------------


def _snap_to_grid(
    ts: np.ndarray, rows: np.ndarray, interval: int
) -> tuple[np.ndarray, tuple[int, list[dict[str, Any]]]]:
    step = interval * _NS_PER_MIN
    snapped = ((ts + step // 2) // step) * step  # nearest grid point (UTC-aligned grid)
    # the grid must align with local midnight; fixed offsets are whole minutes so this holds
    off = snapped != ts
    examples = [
        {"row": int(rows[k]), "timestamp": _iso(int(ts[k])), "moved_to": _iso(int(snapped[k]))}
        for k in np.flatnonzero(off)[:_MAX_EXAMPLES]
    ]
    return snapped, (int(off.sum()), examples)


def _limit_span(
    ts: np.ndarray, values: np.ndarray, rows: np.ndarray, rules: dict, name: str, column: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    notes: list[str] = []
    low, high = np.percentile(ts, [1, 99]).astype(np.int64)
    margin = int(rules["stray_timestamp_days"]) * _NS_PER_DAY
    stray = (ts < low - margin) | (ts > high + margin)
    if stray.any():
        k = np.flatnonzero(stray)
        raise LoadFileError(
            f"{name}: row {int(rows[k[0]])}, column '{column}': timestamp "
            f"{_iso(int(ts[k[0]]))} lies far outside the rest of the file ({_iso(int(low))[:10]} "
            f"to {_iso(int(high))[:10]}); {len(k)} such row(s): correct the year or delete them"
        )
    span_days = (ts.max() - ts.min()) / _NS_PER_DAY
    if span_days > rules["max_span_days"]:
        last_day = int(ts.max()) - int(ts.max()) % _NS_PER_DAY
        start = last_day - (int(rules["keep_days"]) - 1) * _NS_PER_DAY
        keep = ts >= start
        notes.append(
            f"the file spans {span_days:.0f} days: only the most recent {rules['keep_days']} "
            f"days (from {_iso(start)[:10]}) were used"
        )
        ts, values, rows = ts[keep], values[keep], rows[keep]
    return ts, values, rows, notes


def _merge_duplicates(
    ts: np.ndarray, values: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, list[dict[str, Any]]]:
    order = np.argsort(ts, kind="stable")
    ts, values, rows = ts[order], values[order], rows[order]
    uniq, first, inverse, counts = np.unique(
        ts, return_index=True, return_inverse=True, return_counts=True
    )
    finite = np.isfinite(values)
    sums = np.bincount(inverse, weights=np.where(finite, values, 0.0), minlength=len(uniq))
    n = np.bincount(inverse, weights=finite.astype(float), minlength=len(uniq))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n > 0, sums / np.maximum(n, 1), np.nan)
    dup = np.flatnonzero(counts > 1)
    examples = []
    for j in dup[:_MAX_EXAMPLES]:
        members = np.flatnonzero(inverse == j)
        examples.append(
            {
                "timestamp": _iso(int(uniq[j])),
                "rows": [int(rows[m]) for m in members[:5]],
                "values": [_finite_or_none(values[m]) for m in members[:5]],
                "kept_mean": _finite_or_none(means[j]),
            }
        )
    return uniq, means, rows[first], int((counts - 1).sum()), examples


def _register_to_kw(
    ts: np.ndarray, readings: np.ndarray, rows: np.ndarray, interval: int, rules: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict[str, Any]], int, int]:
    """Differences of a cumulative register -> kW of the interval starting at each reading.

    Returns timestamps, kW, rows (readings a few intervals apart have their energy spread
    evenly over the missing intervals, which adds timestamps), negative-step examples and
    count, and the number of intervals spread.
    """
    step = interval * _NS_PER_MIN
    ok = np.isfinite(readings)
    ts_ok, r_ok, rows_ok = ts[ok], readings[ok], rows[ok]
    examples: list[dict[str, Any]] = []
    if len(ts_ok) < 2:
        return ts, np.full(len(ts), np.nan), rows, examples, 0, 0
    gaps = (np.diff(ts_ok) // step).astype(np.int64)
    diffs = np.diff(r_ok)
    negative = diffs < 0
    for k in np.flatnonzero(negative)[:_MAX_EXAMPLES]:
        examples.append(
            {
                "row": int(rows_ok[k + 1]),
                "timestamp": _iso(int(ts_ok[k + 1])),
                "value": float(r_ok[k + 1]),
                "reason": "register decreased (meter reset or replacement): treated as a gap",
            }
        )
    short_steps = int(rules["short_gap_max_hours"] * 60 // interval) + 1
    use = ~negative & (gaps >= 1) & (gaps <= short_steps)
    counts = np.where(use, gaps, 0)
    starts = (
        np.repeat(ts_ok[:-1], counts)
        + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) * step
    )
    energy = np.repeat(np.where(use, diffs / np.maximum(gaps, 1), np.nan), counts)
    out_rows = np.repeat(rows_ok[1:], counts)
    spread = int(counts.sum() - use.sum())
    return starts, energy * 60.0 / interval, out_rows, examples, int(negative.sum()), spread


def _flag_outliers(
    kw: np.ndarray, ts: np.ndarray, rows: np.ndarray, rules: dict
) -> tuple[np.ndarray, list[dict[str, Any]], int]:
    kw = kw.copy()
    finite = np.isfinite(kw)
    positive = kw[finite & (kw > 0)]
    median = float(np.median(positive)) if len(positive) else 0.0
    limit = rules["outlier_median_multiple"] * median if median > 0 else np.inf
    physical = float(rules["max_physical_kw"])
    reasons = np.full(len(kw), "", dtype=object)
    negative = finite & (kw < 0)
    reasons[negative] = "negative (export or wrong sign): treated as a gap"
    high = finite & (kw > limit)
    reasons[high] = (
        f"above {rules['outlier_median_multiple']:g}x the median load ({median:.3g} kW): "
        "treated as a gap"
    )
    absurd = finite & (kw > physical)
    reasons[absurd] = f"above the physical limit of {physical:g} kW: treated as a gap"
    flagged = negative | high | absurd
    examples = [
        {
            "row": int(rows[k]),
            "timestamp": _iso(int(ts[k])),
            "value_kw": float(kw[k]),
            "reason": str(reasons[k]),
        }
        for k in np.flatnonzero(flagged)[:_MAX_EXAMPLES]
    ]
    kw[flagged] = np.nan
    return kw, examples, int(flagged.sum())


@dataclass
class _Grid:
    start_ns: int  # local midnight of the first day
    values: np.ndarray  # kW on the grid, NaN where missing
    valid: np.ndarray
    slots_per_day: int

    @property
    def days(self) -> int:
        return len(self.values) // self.slots_per_day

    def day_index(self) -> pd.DatetimeIndex:
        starts = self.start_ns + np.arange(self.days, dtype=np.int64) * _NS_PER_DAY
        return pd.DatetimeIndex(starts.astype("datetime64[ns]"))


def _build_grid(ts: np.ndarray, kw: np.ndarray, interval: int) -> _Grid:
    step = interval * _NS_PER_MIN
    first, last = int(ts.min()), int(ts.max())
    start = first - first % _NS_PER_DAY
    end = last - last % _NS_PER_DAY + _NS_PER_DAY
    n = (end - start) // step
    values = np.full(n, np.nan)
    values[(ts - start) // step] = kw
    return _Grid(
        start_ns=start, values=values, valid=np.isfinite(values), slots_per_day=1440 // interval
    )


@dataclass
class _Filled:
    values: np.ndarray
    interpolated: int
    profile_filled: int
    long_gaps: list[dict[str, Any]]
    profiles: _ProfileTable


def _fill_gaps(grid: _Grid, interval: int, rules: dict) -> _Filled:
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
            if len(long_gaps) < 50:
                start_ns = grid.start_ns + s * interval * _NS_PER_MIN
                long_gaps.append(
                    {
                        "start": _iso(start_ns),
                        "end": _iso(start_ns + (e - s) * interval * _NS_PER_MIN),
                        "hours": round((e - s) * interval / 60.0, 3),
                        "intervals": int(e - s),
                        "method": "same month, same day type average profile",
                    }
                )
    return _Filled(values, interpolated, profile_filled, long_gaps, profiles)


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


# --------------------------------------------------------------------------------------
# Real calendar -> typical year
# --------------------------------------------------------------------------------------


def _map_to_typical_year(
    filled: _Filled, grid: _Grid, interval: int, rules: dict
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
        info["warning"] = (
            "no data at all for month(s) "
            f"{', '.join(str(m) for m in sorted(months_missing))}: those days use the nearest "
            "months' profiles of the same day type; a full year of data is better"
        )
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
    src_int = (src.as_unit("ns").asi8 // _NS_PER_DAY).astype(np.int64)
    pos = {int(d): k for k, d in enumerate(src_int)}
    target = pd.date_range(f"{target_year}-01-01", f"{target_year}-12-31", freq="D")
    tgt_int = (target.as_unit("ns").asi8 // _NS_PER_DAY).astype(np.int64)
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
        block_int = (block.as_unit("ns").asi8 // _NS_PER_DAY).astype(np.int64)
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
    t_block = (tgt_block.as_unit("ns").asi8 // _NS_PER_DAY).astype(np.int64)
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
        "source": [_day_str(s_block[0]), _day_str(s_block[-1])],
        "target": [_day_str(t_block[0]), _day_str(t_block[-1])],
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
    sf = info.get("spring_festival")
    s_window = (
        (pd.Timestamp(sf["source"][0]), pd.Timestamp(sf["source"][1]))
        if isinstance(sf, dict)
        else None
    )
    if s_window is not None:
        w = int(sf["window_days"])
        lo = int(pd.Timestamp(s_window[0]).as_unit("ns").value // _NS_PER_DAY) - w
        hi = int(pd.Timestamp(s_window[1]).as_unit("ns").value // _NS_PER_DAY) + w
        t_lo = int(pd.Timestamp(sf["target"][0]).as_unit("ns").value // _NS_PER_DAY) - w
        t_hi = int(pd.Timestamp(sf["target"][1]).as_unit("ns").value // _NS_PER_DAY) + w
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


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _resample(values: np.ndarray, interval: int, output: int) -> np.ndarray:
    if interval == output:
        return values
    g = math.gcd(interval, output)
    fine = np.repeat(values, interval // g)
    return fine.reshape(-1, output // g).mean(axis=1)


def _iso(ns: int) -> str:
    return str(pd.Timestamp(int(ns)).isoformat())


def _day_str(day_int: int) -> str:
    return str(np.datetime64(int(day_int), "D"))


def _offset_hours(index: pd.DatetimeIndex) -> float:
    offset = index[0].utcoffset()
    return offset.total_seconds() / 3600.0 if offset is not None else 0.0


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _jsonable(value: Any) -> Any:
    """Recursively turn numpy/pandas scalars into built-ins and NaN/inf into None."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    return value
