"""Which columns hold the timestamps and the values: by header words and by content.

Also recognises the "96-point" wide layout (one row per day, one column per time of day) and
the unit a header names (kW, kWh, MWh, 万kWh...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

import numpy as np
import pandas as pd

from pvplanner.errors import LoadFileError
from pvplanner.load.meter.table import (
    FULLWIDTH,
    MAX_CELL_CHARS,
    Table,
    cell_kind,
    refuse_long_cells,
)
from pvplanner.messages import Message, bilingual, listing, quoted_listing

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
POWER_WORDS = ("有功功率", "功率", "负荷", "需量", "power", "demand", "load")
ENERGY_WORDS = (
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
REGISTER_WORDS = (
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


#: Headers of a meter's total multiplier (倍率 = CT ratio x PT ratio): energy = difference
#: of the register's readings x multiplier. 倍率 covers 综合倍率, 电表倍率, 计量倍率.
MULTIPLIER_WORDS = ("倍率", "乘率", "multiplier", "ct*pt", "ct×pt", "ct x pt", "ct·pt", "ctpt",
                    "pt*ct", "wandlerfaktor")
#: A current or a voltage transformer's ratio: headers naming one of these and a ratio word.
_CT_WORDS = ("ct", "电流互感器")
_PT_WORDS = ("pt", "vt", "电压互感器")
_RATIO_WORDS = ("变比", "倍率", "ratio")


def _multiplier_kind(header: str) -> str | None:
    """``"total"`` (倍率, CT*PT), ``"ct"`` or ``"pt"`` (a transformer's ratio) or None."""
    ct, pt = has_word(header, _CT_WORDS), has_word(header, _PT_WORDS)
    if ct and pt:
        return "total"
    if (ct or pt) and has_word(header, _RATIO_WORDS):
        return "ct" if ct else "pt"
    return "total" if has_word(header, MULTIPLIER_WORDS) else None


def multiplier_columns(headers: Sequence[str], exclude: set[int]) -> list[int]:
    """The columns whose product is the meter's multiplier: one total multiplier column
    (the first; one naming 综合/total first), else a CT ratio and a PT ratio column (either
    alone: a low-voltage meter has no PT). Empty when the file has none.

    Parameters
    ----------
    headers : sequence of str
        The table's column headers.
    exclude : set of int
        Columns already chosen (timestamps, values).

    Returns
    -------
    list of int
        Column positions; their cells are checked when the rows are read.

    Examples
    --------
    >>> multiplier_columns(["时间", "正向有功示数", "倍率"], {0, 1})
    [2]
    >>> multiplier_columns(["time", "reading", "CT ratio", "PT ratio"], {0, 1})
    [2, 3]
    """
    kinds = {k: _multiplier_kind(h) for k, h in enumerate(headers) if k not in exclude}
    totals = [k for k, kind in kinds.items() if kind == "total"]
    if totals:
        totals.sort(key=lambda k: not has_word(headers[k], ("综合", "total")))
        return totals[:1]
    return [next(k for k, kind in kinds.items() if kind == part)
            for part in ("ct", "pt") if part in kinds.values()]


def has_word(header: str, words: Sequence[str]) -> bool:
    text = header.lower()
    for word in words:
        if word.isascii():
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text):
                return True
        elif word in text:
            return True
    return False


@dataclass
class Columns:
    ts: list[int]  # one column (combined) or two (date, time)
    ts_kinds: list[str]  # "datetime" / "date" / "time" / "hour" / "serial"
    value: int
    ts_headers: list[str]
    value_header: str
    label_hint: str | None  # "start" / "end" from the timestamp header
    multiplier: list[int] = field(default_factory=list)  # columns of the meter's multiplier


#: The column options by what they choose, in words: a column is named by the Python
#: caller or by the command line's own option (``--irradiance-column``), never by the app,
#: so the message says what the column was named for, not the argument that named it.
_OPTION_NAMES = {"timestamp_column": bilingual("the timestamps", "时间列"),
                 "value_column": bilingual("the readings", "数值列")}


def _column_position(table: Table, spec: str | int, what: str) -> int:
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        if 0 <= int(spec) < len(table.headers):
            return int(spec)
        raise LoadFileError(
            Message.of("errors.meter.column_position",
                       "{file}: column position {spec} for {what} is outside the {count} "
                       "columns ({columns}); positions start at 0", file=table.name,
                       what=_OPTION_NAMES[what],
                       spec=str(spec), count=len(table.headers),
                       columns=listing(table.headers)),
            field=what,
        )
    wanted = str(spec).strip().lower()
    for k, header in enumerate(table.headers):
        if header.strip().lower() == wanted:
            return k
    raise LoadFileError(Message.of(
        "errors.meter.no_such_column", "{file}: no column named {name!r} for {what}; the columns "
        "are: {columns}", file=table.name, name=str(spec), what=_OPTION_NAMES[what],
        columns=quoted_listing(table.headers)), field=what)


def classify_columns(table: Table) -> list[str]:
    """Kind of each column from its first 400 cells: datetime/date/time/number/text/empty."""
    kinds = []
    sample = table.body.head(400)
    for k in range(table.body.shape[1]):
        values = sample[k].tolist()
        # a cell too long for a time or a number is left out of the vote; in a column
        # that is one by the other cells, it is refused below, naming its row
        long = [j for j, v in enumerate(values) if isinstance(v, str) and len(v) > MAX_CELL_CHARS]
        skip = set(long)
        cells = [cell_kind(v) for j, v in enumerate(values) if j not in skip]
        cells = [c for c in cells if c != "empty"]
        if not cells:
            kinds.append("empty" if not long else "text")
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
        if long and kinds[-1] != "text":
            refuse_long_cells([values[long[0]]], [table.rows[long[0]]], table.headers[k],
                              table.name)
    return kinds


def choose_columns(
    table: Table,
    timestamp_column: str | int | Sequence[str | int] | None,
    value_column: str | int | None,
) -> Columns:
    kinds = classify_columns(table)
    headers = table.headers

    def hour_like(k: int) -> bool:
        if kinds[k] != "number" or not has_word(headers[k], _HOUR_WORDS):
            return False
        values = pd.to_numeric(table.body[k].head(400), errors="coerce").dropna()
        return bool(len(values)) and values.between(0, 24).all() and (values % 1 == 0).all()

    ts_cols: list[int]
    ts_kinds: list[str]
    if timestamp_column is not None:
        if isinstance(timestamp_column, (list, tuple)):
            if len(timestamp_column) != 2:
                raise LoadFileError(
                    Message.of("errors.meter.timestamp_pair", "timestamp_column must be one "
                               "column or a pair (date column, time column)"),
                    field="timestamp_column",
                )
            ts_cols = [_column_position(table, c, "timestamp_column") for c in timestamp_column]
            ts_kinds = ["date", "hour" if hour_like(ts_cols[1]) else "time"]
        else:
            k = _column_position(table, cast("str | int", timestamp_column), "timestamp_column")
            if kinds[k] == "date":
                partner = _find_time_column(kinds, headers, exclude={k}, hour_like=hour_like)
                if partner is None:
                    raise LoadFileError(
                        Message.of("errors.meter.dates_no_time",
                                   "{file}: column '{column}' holds dates without times of day "
                                   "and no time column was found: pass "
                                   "timestamp_column=(date, time)", file=table.name,
                                   column=headers[k]),
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
                    raise LoadFileError(Message.of(
                        "errors.meter.dates_only", "{file}: column '{column}' holds dates "
                        "without a time of day and no time column was found: this looks like "
                        "daily data; meter files need 5-60 minute intervals (use monthly bills "
                        "otherwise)", file=table.name, column=headers[dates[0]]))
                raise LoadFileError(Message.of(
                    "errors.meter.no_timestamp_column", "{file}: no timestamp column found "
                    "among the columns {columns} (header row {header_row}); expected values such "
                    "as '2025-01-01 00:15' or separate date and time columns: export the file "
                    "with such a time column", file=table.name,
                    columns=quoted_listing(headers),
                    header_row=str(table.header_row or "none")))

    if value_column is not None:
        value = _column_position(table, value_column, "value_column")
        if value in ts_cols:
            raise LoadFileError(
                Message.of("errors.meter.value_is_timestamp",
                           "{file}: the column named for the readings, '{column}', is also "
                           "the timestamp column: name the column that holds the readings",
                           file=table.name, column=headers[value]),
                field="value_column",
            )
    else:
        numeric = [k for k, kind in enumerate(kinds) if kind == "number" and k not in ts_cols]
        if not numeric:
            raise LoadFileError(Message.of(
                "errors.meter.no_value_column", "{file}: no numeric value column next to the "
                "timestamp column '{column}' (columns: {columns}); export the file with a column "
                "of the kW or kWh readings", file=table.name, column=headers[ts_cols[0]],
                columns=quoted_listing(headers)))
        value = max(numeric, key=lambda k: (_value_score(headers[k]), -k))
    hint = None
    ts_header = " ".join(headers[k] for k in ts_cols)
    if has_word(ts_header, _END_WORDS):
        hint = "end"
    elif has_word(ts_header, _START_WORDS):
        hint = "start"
    return Columns(
        ts=ts_cols,
        ts_kinds=ts_kinds,
        value=value,
        ts_headers=[headers[k] for k in ts_cols],
        value_header=headers[value],
        label_hint=hint,
        multiplier=multiplier_columns(headers, {*ts_cols, value}),
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
    score = 2.0 if has_word(header, _TS_WORDS) else 0.0
    if has_word(header, _START_WORDS):
        score += 1.0
    return score


def _value_score(header: str) -> float:
    score = 0.0
    if has_word(header, _EXCLUDE_WORDS) or _multiplier_kind(header) is not None:
        score -= 10.0
    if has_word(header, POWER_WORDS + ENERGY_WORDS + REGISTER_WORDS):
        score += 4.0
    if header_unit(header) is not None:
        score += 2.0
    if "总" in header:
        score += 0.5
    return score


#: A bare "W" (watt) is a unit only where a header puts a unit: in brackets ``(W)``
#: ``[W]`` ``（W）``, after a slash ``功率/W``, or as the header's last word after a space,
#: an underscore, a colon or a Chinese character (``功率 W``, ``P_W``, ``功率W``), or as the
#: whole header. Inside a word ("Power", "Wirkleistung", "W相") it is a letter.
_BARE_W = r"[(\[（【]\s*w\s*[)\]）】]|/\s*w\s*$|(?:^|[\s_:：\u3400-\u9fff])w\s*$"

#: Units a header may name, as (pattern on the lower-cased header, kind, factor to kW or
#: kWh, the unit's name in English and Chinese), tried in order: the longer units first, so
#: that 千瓦时 is kWh before 千瓦 is kW, 千瓦 is kW before 瓦 is W, and 万 (ten thousand)
#: before the unit it multiplies (万kW is 10,000 kW, 万瓦 10,000 W = 10 kW).
_UNIT_TOKENS = (
    (r"万\s*(?:kwh|千瓦\s*(?:·\s*)?时|度)", "kwh", 1e4, "10,000 kWh", "万kWh"),
    (r"万\s*(?:kw|千瓦)", "kw", 1e4, "10,000 kW", "万kW"),
    (r"万\s*(?:wh|瓦(?:特)?\s*(?:·\s*)?时)", "kwh", 10.0, "10,000 Wh", "万Wh"),
    (r"万\s*(?:w(?![a-z])|瓦)", "kw", 10.0, "10,000 W", "万W"),
    (r"(?<![a-z])mwh(?![a-z])|兆瓦\s*(?:·\s*)?时", "kwh", 1000.0, "MWh", "MWh"),
    (r"(?<![a-z])kwh(?![a-z])|千瓦\s*(?:·\s*)?时|度", "kwh", 1.0, "kWh", "kWh"),
    (r"(?<![a-z])wh(?![a-z])|瓦(?:特)?\s*(?:·\s*)?时", "kwh", 0.001, "Wh", "Wh"),
    (r"(?<![a-z])mw(?![a-z])|兆瓦", "kw", 1000.0, "MW", "MW"),
    (r"(?<![a-z])kw(?![a-z])|千瓦", "kw", 1.0, "kW", "kW"),
    (rf"{_BARE_W}|(?<![千兆])瓦", "kw", 0.001, "W", "W"),
)


def header_unit(header: str) -> tuple[str, float, dict[str, str]] | None:
    """The unit a column header names: its kind (``"kw"`` or ``"kwh"``), its factor to kW or
    kWh and its name as a message value (``W``, ``MWh``, ``10,000 kW``/``万kW``).

    Examples
    --------
    >>> header_unit("功率(万千瓦)")[:2], header_unit("功率(万瓦)")[:2]
    (('kw', 10000.0), ('kw', 10.0))
    >>> header_unit("功率/W")[2]["en"], header_unit("Power") is None
    ('W', True)
    """
    text = header.lower().strip()
    for pattern, kind, scale, en, zh in _UNIT_TOKENS:
        if re.search(pattern, text):
            return kind, scale, bilingual(en, zh)
    return None


_HEADER_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")


def unpivot_wide(table: Table) -> tuple[Table, str] | None:
    """A "96-point" export (one row per day, one column per time of day) -> long rows.

    Recognised when at least 12 headers are times of day (``00:15`` ... ``24:00``) and a
    column holds dates; returns None otherwise.
    """
    times = []
    for k, header in enumerate(table.headers):
        match = _HEADER_TIME.match(header.strip().translate(FULLWIDTH))
        if match and int(match.group(1)) <= 24 and int(match.group(2)) < 60:
            times.append((k, f"{int(match.group(1)):02d}:{match.group(2)}"))
    if len(times) < 12:
        return None
    kinds = classify_columns(table)
    time_positions = {k for k, _ in times}
    dates = [
        k
        for k, kind in enumerate(kinds)
        if kind in ("date", "datetime") and k not in time_positions
    ]
    if not dates:
        return None
    n = len(table.body)
    span = f"{times[0][1]} … {times[-1][1]}"
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
        # the read columns are named by the file's own headers, in no one language:
        # the dates' column and the range of the time-of-day columns
        headers=[table.headers[dates[0]], span, span],
    )
    header = str(table.headers[dates[0]])
    note = Message.of(
        "notes.meter.wide", "wide layout: one row per day ({column}) and {count} time-of-day "
        "columns ({first} … {last}) read as one series",
        column=bilingual(f"'{header}'", f"“{header}”"), count=len(times), first=times[0][1],
        last=times[-1][1])
    return long, note
