"""Bytes -> a table: rows of cells, the header row and the body.

CSV/TXT in any delimiter (``,`` ``;`` tab ``|``) and encoding :func:`pvplanner.guard.files.decode_text`
knows, or an XLSX sheet (:mod:`pvplanner.load.meter.xlsx`, which caps rows, cells and time).
The header is the row above the first row that holds a date/time and a number (merged with
a units row below it); rows keep their 1-based file line or sheet row for messages. Text the
CSV parser cannot split (a line of more than :data:`MAX_COLUMNS` fields, a ragged row, a quote
that never closes) is refused naming the line, in the catalogue's words, not the parser's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import LoadFileError
from pvplanner.guard.files import ENCODING_ADVICE, decode_text
from pvplanner.load.meter.xlsx import read_sheet_rows
from pvplanner.messages import Message, bilingual, quoted_listing


@dataclass
class Table:
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
    notes: list[Message] = field(default_factory=list)  # what reading the table assumed


FULLWIDTH = str.maketrans(
    "０１２３４５６７８９：－／．，　（）",
    "0123456789:-/., ()",
)
_DATE_PART = (
    r"(?:\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}|\d{8})"
)
TIME_PART = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[aApP][mM])?"
RANGE_SEP = r"\s*[-~～至]\s*"
_DATETIME_RE = re.compile(
    rf"^{_DATE_PART}(?:\s+|T){TIME_PART}(?:{RANGE_SEP}{TIME_PART})?(?:Z|[+-]\d{{2}}:?\d{{2}})?$"
    r"|^\d{12}(?:\d{2})?$"
)
_DATE_RE = re.compile(rf"^{_DATE_PART}$")
_TIME_RE = re.compile(rf"^{TIME_PART}(?:{RANGE_SEP}{TIME_PART})?$")
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
#: Unit words a number cell may end with (stripped; the header gives the unit). The
#: look-behind lets a match start only where a run of spaces starts: without it the search
#: tried every space of a long run and cost the square of its length (60 kB of spaces in
#: one cell took minutes).
UNIT_SUFFIX = re.compile(r"(?i)(?<!\s)\s*(?:kwh|kw|mwh|mw|wh|千瓦时|千瓦|度)$")
#: Most characters of a cell read as a header, a date/time, a number or a unit: a time
#: cell with a range and an offset has under 60, a header under 100. Longer cells are
#: refused in the time, value and header rows (naming row and column) and are "text" to
#: column detection, so no pattern ever runs over a cell of megabytes.
MAX_CELL_CHARS = 200
#: A number whose commas group thousands: ``1,234`` or ``1,234,567.5``.
GROUPED_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
MISSING_TOKENS = {
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
SUMMARY_WORDS = (
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


def norm_text(value: str) -> str:
    """A date/time or number text with full-width forms folded, 年/月/日 as ``-``/``-``/space
    and each run of spaces as one (runs are collapsed first, in one pass, so that no pattern
    scans a long run once per space)."""
    text = " ".join(value.translate(FULLWIDTH).split())
    if "年" in text or "月" in text or "日" in text:
        text = _DAY_MARK.sub(" ", _MONTH_MARK.sub("-", _YEAR_MARK.sub("-", text)))
        text = " ".join(text.split())
    return text


_YEAR_MARK = re.compile(r" ?年 ?")
_MONTH_MARK = re.compile(r" ?月 ?")
_DAY_MARK = re.compile(r" ?日 ?")


def cell_kind(value: Any) -> str:
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
    if len(str(value)) > MAX_CELL_CHARS and len(str(value).strip()) > MAX_CELL_CHARS:
        return "text"  # no time, number or unit is this long
    text = norm_text(str(value))
    if text.lower() in MISSING_TOKENS:
        return "empty"
    if _DATETIME_RE.match(text):
        return "datetime"
    if _DATE_RE.match(text):
        return "date"
    if _TIME_RE.match(text):
        return "time"
    number = clean_number_text(text)
    if _NUMBER_RE.match(number) or _DECIMAL_COMMA_RE.fullmatch(number):
        return "number"  # the second form: a decimal comma (European exports)
    return "text"


#: A number written with a decimal comma, with or without points grouping thousands:
#: ``12,5``, ``1.234,5``, ``1.234.567``, ``,5``.
_DECIMAL_COMMA_RE = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d*,\d+)")


def clean_number_text(text: str) -> str:
    text = UNIT_SUFFIX.sub("", text.strip())
    if re.fullmatch(GROUPED_THOUSANDS, text):
        text = text.replace(",", "")
    return text.replace(" ", "")


def _is_data_row(cells: Sequence[Any]) -> bool:
    kinds = [cell_kind(c) for c in cells]
    has_time_info = "datetime" in kinds or ("date" in kinds and "time" in kinds)
    if not has_time_info and "date" in kinds:
        # a date plus hour numbers (date, hour, value) or a date and values (daily data)
        has_time_info = kinds.count("number") >= 1
    return has_time_info and kinds.count("number") >= 1


def _first_data_row(split: list[list[Any]]) -> int | None:
    """The first row of readings: the first row with a date/time and a number, and the rows
    just above it that hold a date and time too (a reading whose value is not a number, e.g.
    ``2025-01-01 00:00,abc``, is a row to report, not the file's header)."""
    first = next((k for k, cells in enumerate(split) if _is_data_row(cells)), None)
    while first is not None and first > 0:
        kinds = [cell_kind(c) for c in split[first - 1]]
        if "datetime" not in kinds and not ("date" in kinds and "time" in kinds):
            break
        first -= 1
    return first


def read_table(raw: bytes, name: str, sheet: str | int | None, rules: dict) -> Table:
    """The file's table, by its content: an XLSX (a zip) or delimited text.

    The name's extension is a hint only: a file named ``.xlsx`` that is not a zip (no
    ``PK\\x03\\x04`` signature) but decodes as text, typically a CSV export renamed, is
    read as text and says so in :attr:`Table.notes`; one that is neither stays refused as
    an unreadable workbook.
    """
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise LoadFileError(Message.of(
            "errors.meter.xls", "{file} is an old binary Excel file (.xls) whose rows cannot be "
            "read: open it in Excel or WPS and save it as .xlsx or CSV", file=name))
    if raw.startswith(_ZIP_SIGNATURE):
        return _read_xlsx(raw, name, sheet, rules)
    if _utf16_without_bom(raw):
        raise LoadFileError(Message.of(
            "errors.meter.utf16_no_bom", "{file} is UTF-16 text without the byte-order mark "
            "that tells such text from binary data: save it as CSV (UTF-8) or XLSX",
            file=name))
    if name.lower().endswith((".xlsx", ".xlsm")):
        decoded = _as_text(raw, name)
        if decoded is None:
            return _read_xlsx(raw, name, sheet, rules)  # refused as no readable workbook
        table = _read_csv(*decoded, name, rules)
        table.notes.append(Message.of(
            "notes.meter.xlsx_is_text", "the file is named .xlsx but is not an Excel workbook: "
            "it holds text, read as a CSV file ({separator}-separated)",
            separator=SEPARATOR_NAMES.get(table.delimiter or ",", bilingual("comma", "逗号"))))
        return table
    return _read_csv(*_decode(raw, name), name, rules)


#: The first bytes of a zip's first member: every XLSX workbook starts with them.
_ZIP_SIGNATURE = b"PK\x03\x04"

#: Control characters that no text export holds (tab, line breaks, form feed and the DOS
#: end-of-file mark SUB are allowed).
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")

#: A delimiter in words, for messages.
SEPARATOR_NAMES = {",": bilingual("comma", "逗号"), ";": bilingual("semicolon", "分号"),
                    "\t": bilingual("tab", "制表符"), "|": bilingual("vertical bar", "竖线")}


def _utf16_without_bom(raw: bytes) -> bool:
    """Whether ``raw`` is UTF-16 text without a byte-order mark: NUL bytes in its start (no
    UTF-8 or GBK text has them) and, read as UTF-16 in either byte order, text without NUL
    or other binary characters, mostly ASCII (the digits, separators and times of readings;
    binary data read so is mostly other characters)."""
    if b"\x00" not in raw[:4096] or len(raw) % 2 or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        ascii_share = sum(char < "\x80" for char in text[:4096]) / max(len(text[:4096]), 1)
        if ascii_share > 0.5 and not _BINARY_CHARS.search(text):
            return True
    return False


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text of ``raw`` and its encoding (:func:`pvplanner.guard.files.decode_text`)."""
    return decode_text(raw, name, advice=ENCODING_ADVICE["meter"], error=LoadFileError)


def _as_text(raw: bytes, name: str) -> tuple[str, str] | None:
    """The text of ``raw`` and its encoding when it is text without binary control
    characters, else None."""
    try:
        text, encoding = _decode(raw, name)
    except LoadFileError:
        return None
    return (text, encoding) if text.strip() and not _BINARY_CHARS.search(text) else None


#: The start of a web page: what a portal's "export to Excel" often saves under an Excel
#: name (an HTML table), and what a browser saves of a page.
_WEB_PAGE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html|<head|<body|<table|<meta)\b", re.I)


def _refuse_web_page(text: str, name: str) -> None:
    """Refuse a web page (HTML), naming the extension it was saved under."""
    if not _WEB_PAGE.match(text.lstrip("\ufeff")[:4096]):
        return
    extension = os.path.splitext(name)[1]
    raise LoadFileError(Message.of(
        "errors.meter.web_page", "{file} is a web page (HTML) saved as {saved}, not a "
        "workbook or a CSV file, so its rows cannot be read: open it in Excel or WPS and save "
        "it as .xlsx or CSV", file=name,
        saved=bilingual(extension, extension) if extension else bilingual(
            "a file without an extension", "无扩展名的文件")))


def _split_lines(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return [line.split(delimiter) for line in lines]


def _read_csv(text: str, encoding: str, name: str, rules: dict) -> Table:
    """The table of a delimited text (decoded by :func:`_decode`)."""
    _refuse_web_page(text, name)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise LoadFileError(Message.of(
            "errors.meter.binary", "{file}: line {line} holds binary data (NUL bytes): this is "
            "not a text CSV; export the meter data as CSV or XLSX", file=name, line=line))
    all_lines = re.split(r"\r\n|\r|\n", text)
    scan = [(i, line) for i, line in enumerate(all_lines[: rules["header_scan_rows"] * 3])]
    scan = [(i, line) for i, line in scan if line.strip()][: rules["header_scan_rows"]]
    if not scan:
        raise LoadFileError(Message.of(
            "errors.meter.empty", "{file} has no non-empty line: export the file again", file=name))

    delimiter = _guess_delimiter([line for _, line in scan])
    split = _split_lines([line for _, line in scan], delimiter)
    _refuse_wide_lines(split, [i for i, _ in scan], name, delimiter)
    first_data = _first_data_row(split)
    if first_data is None:
        _refuse_long_scan_cell(split, [i for i, _ in scan], name)
        sample = scan[0][1][:80]
        raise LoadFileError(Message.of(
            "errors.meter.no_data_row", "{file}: no row with a date/time and a number in the "
            "first non-empty lines ({count}; line {line}: {sample}); the file needs a timestamp "
            "column (e.g. 时间 '2025-01-01 00:15') and a value column (e.g. 有功功率 kW), "
            "separated by '{separator}'", file=name, count=len(scan), line=scan[0][0] + 1,
            sample=quoted_listing([sample]), separator=delimiter))
    header_cells, header_line = _find_header(split, first_data, [i for i, _ in scan])
    _refuse_long_header(header_cells, header_line, name)
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
        raise _unsplit_rows(str(exc), all_lines, data_line, name, delimiter) from None
    except (pd.errors.EmptyDataError, csv.Error, ValueError, OverflowError):
        raise _unsplit_rows("", all_lines, data_line, name, delimiter) from None
    body.columns = range(body.shape[1])
    rows = np.arange(len(body), dtype=np.int64) + data_line + 1
    headers = _column_names(header_cells, body.shape[1])
    return Table(
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


#: The most fields a line of a meter file may have: a "96-point" export has 97 columns, a
#: 5-minute one 289, an export with every register of a meter a few dozen. A line with more
#: is damaged or not meter data, and thousands of columns would take minutes to read.
MAX_COLUMNS = 1_000


def _refuse_wide_lines(split: list[list[str]], lines: list[int], name: str,
                       delimiter: str) -> None:
    """Refuse the first of the scanned lines (``split``, 0-based file ``lines``) with more
    than :data:`MAX_COLUMNS` fields."""
    for cells, line in zip(split, lines, strict=False):
        if len(cells) > MAX_COLUMNS:
            raise LoadFileError(Message.of(
                "errors.meter.too_many_fields", "{file}: line {line} has {fields:,} fields "
                "(separator '{separator}'), more than the {limit:,} columns a meter file can "
                "have: the line is damaged or not meter data; export the time column and the "
                "kW or kWh column again as CSV", file=name, line=line + 1, fields=len(cells),
                separator=delimiter, limit=MAX_COLUMNS))


def _unsplit_rows(problem: str, lines: list[str], data_line: int, name: str,
                  delimiter: str) -> LoadFileError:
    """The error for rows from ``data_line`` (0-based) on that the CSV parser could not
    split (its message ``problem``, read for the line at fault, never shown): a row with
    more fields than the rows above, a quoted cell that never closes, or else the rows as
    a whole."""
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", problem)
    if fields:
        return LoadFileError(Message.of(
            "errors.meter.fields", "{file}: line {line} has {fields} fields where the rows "
            "above have {expected} (separator '{separator}'): remove the extra separators or "
            "quote values that contain them", file=name, line=int(fields.group(2)),
            fields=int(fields.group(3)), expected=int(fields.group(1)), separator=delimiter))
    opened = _unclosed_quote(lines, data_line)
    if opened is not None:
        return LoadFileError(Message.of(
            "errors.meter.unclosed_quote", "{file}: line {line} opens a quoted cell (\") that "
            "is never closed, so every line after it would be read as part of that cell: "
            "close the quote or delete it, then read the file again", file=name, line=opened))
    return LoadFileError(Message.of(
        "errors.meter.rows_unsplit", "{file}: the rows from line {line} on cannot be split "
        "into columns at the {separator}: save the file again as CSV", file=name,
        line=data_line + 1, separator=SEPARATOR_NAMES.get(delimiter, delimiter)))


def _unclosed_quote(lines: list[str], first: int) -> int | None:
    """The file line (1-based) of the quote that opens a cell and is never closed, from
    line ``first`` (0-based) on; None when every quoted cell closes."""
    opened = None
    for number, line in enumerate(lines[first:], start=first + 1):
        if line.count('"') % 2:  # an odd count opens a cell, or closes the open one
            opened = number if opened is None else None
    return opened


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
    r"(?i)^[(\[（【]?\s*(k?w|k?wh|mw|mwh|kvar|kvarh|v|kv|a|%|度|千?瓦|千?瓦时|兆瓦|兆瓦时|单位.*)?\s*"
    r"[)\]）】]?$"
)


def _is_unit_cell(cell: str) -> bool:
    """Whether ``cell`` is a units row's cell (``kW``, ``(kWh)``, ``单位: 度``); spaces are
    collapsed first: the pattern's two space runs around an optional unit cost the square
    of a long run's length."""
    return len(cell) <= MAX_CELL_CHARS and bool(
        _UNIT_ROW.match(" ".join(cell.translate(FULLWIDTH).split())))


def refuse_long_cells(cells: Sequence[Any], rows: Sequence[int] | np.ndarray,
                      column: str | dict[str, str], name: str) -> None:
    """Refuse the first of ``cells`` (a time, value or header column's, on file ``rows``)
    longer than :data:`MAX_CELL_CHARS`: no date, number, unit or header is that long, and
    reading one costs time out of proportion (a 45 MB number cell took 40 s)."""
    for cell, row in zip(cells, rows, strict=False):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise LoadFileError(Message.of(
                "errors.meter.limits.cell_too_long", "{file}: row {row}, column '{column}' "
                "holds {length:,} characters; a date/time, a reading or a column name has at "
                "most {limit:,}: the cell is damaged or not meter data; correct it, or "
                "export the time and kW/kWh columns again", file=name, row=int(row),
                column=column, length=len(cell),
                limit=MAX_CELL_CHARS))


def _refuse_long_scan_cell(split: list[list[Any]], lines: list[int], name: str) -> None:
    """Where no row of the first lines holds a date/time and a number, refuse the first cell
    too long to be one (0-based file ``lines``): that, not a missing column, is the fault."""
    for cells, line in zip(split, lines, strict=False):
        for k, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                refuse_long_cells([cell], [line + 1], bilingual(f"column {k + 1}",
                                                                f"第 {k + 1} 列"), name)


def _refuse_long_header(header: list[str] | None, line: int | None, name: str) -> None:
    """Refuse a header row (0-based file ``line``) with a cell over :data:`MAX_CELL_CHARS`."""
    if header is None or line is None:
        return
    for k, cell in enumerate(header):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            refuse_long_cells([cell], [line + 1], bilingual(f"column {k + 1}", f"第 {k + 1} 列"),
                              name)


def _find_header(
    split: list[list[Any]], first_data: int, line_numbers: list[int]
) -> tuple[list[str] | None, int | None]:
    """The header cells above the first data row (merging a units row below it)."""
    if first_data == 0:
        return None, None
    above = [("" if c is None else str(c)).strip() for c in split[first_data - 1]]
    if not any(above):
        return None, None
    if first_data >= 2 and all(_is_unit_cell(c) for c in above) and any(above):
        names = [("" if c is None else str(c)).strip() for c in split[first_data - 2]]
        merged = [
            (n + (f" ({u})" if u and not u.startswith(("(", "（", "[")) else f" {u}")).strip()
            for n, u in zip(names + [""] * (len(above) - len(names)), above, strict=False)
        ]
        return merged, line_numbers[first_data - 2]
    return above, line_numbers[first_data - 1]


def _column_names(header: list[str] | None, width: int) -> list[str]:
    names: list[str] = []
    taken: set[str] = set()  # the names so far, looked up in constant time
    for k in range(width):
        cell = header[k].strip() if header is not None and k < len(header) else ""
        cell = cell.lstrip("\ufeff").strip().strip('"').strip()
        name = cell or f"column {k + 1}"
        while name in taken:
            name = f"{name} ({k + 1})"
        names.append(name)
        taken.add(name)
    return names


def _read_xlsx(raw: bytes, name: str, sheet: str | int | None, rules: dict) -> Table:
    scan_rows = int(rules["header_scan_rows"])
    found: dict[str, Any] = {}

    def find_header(chosen: str, head: list[tuple[Any, ...]]) -> None:
        # looked at before the rest of the sheet is read: a sheet without data is refused
        scan = [(i, r) for i, r in enumerate(head)]
        scan = [(i, r) for i, r in scan if any(c is not None and str(c).strip() for c in r)]
        scan = scan[:scan_rows]
        split = [list(r) for _, r in scan]
        first_data = _first_data_row(split)
        if first_data is None:
            _refuse_long_scan_cell(split, [i for i, _ in scan], name)
            raise LoadFileError(Message.of(
                "errors.meter.no_data_row_sheet", "{file}, sheet '{sheet}': no row with a "
                "date/time and a number in the first non-empty rows ({count}); the sheet needs a "
                "timestamp column (e.g. 时间) and a value column (e.g. 有功功率 kW), or move the "
                "meter data to the workbook's first sheet (the first sheet with content is read)",
                file=name, sheet=str(chosen), count=len(scan)))
        header, header_line = _find_header(split, first_data, [i for i, _ in scan])
        _refuse_long_header(header, header_line, name)
        found["header"] = (header, header_line)
        found["start"] = scan[first_data][0]

    chosen, rows = read_sheet_rows(
        raw, name, sheet, head_rows=scan_rows * 3, check_head=find_header
    )
    header_cells, header_index = found["header"]
    start = found["start"]
    width = max((len(r) for r in rows[start:]), default=0)
    body_rows = [tuple(r) + (None,) * (width - len(r)) for r in rows[start:]]
    body = pd.DataFrame(body_rows, columns=range(width), dtype=object)
    return Table(
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
