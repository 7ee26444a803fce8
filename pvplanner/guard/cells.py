"""Cells that no spreadsheet runs as a formula: the one rule for every workbook and CSV file
pvplanner writes (batch results, the proposal workbook, the app's downloads).

Text a user typed (site and scenario names, notes, file names) and messages that quote it
can start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, the characters that
make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP "CSV injection":
``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``).

* In a workbook, text is written as a string cell (XlsxWriter's ``write_string``), which a
  spreadsheet never evaluates, so it is kept exactly as typed; only the control characters
  XML forbids are dropped (:func:`sheet_text`).
* A CSV file has no cell types, so a text cell that starts with a trigger gets an
  apostrophe in front (:func:`csv_text`), as a spreadsheet shows text typed with a leading
  apostrophe. Numbers are never touched: ``-0.37`` stays a number.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "FORMULA_TRIGGERS",
    "MAX_CELL_CHARS",
    "csv_safe_frame",
    "csv_text",
    "sheet_text",
    "write_cell",
    "write_frame",
]

#: First characters that make a spreadsheet read a text cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: Most characters an Excel cell holds.
MAX_CELL_CHARS = 32_767

# XML 1.0 forbids these control characters in a worksheet.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sheet_text(value: Any) -> str:
    """Text for a workbook string cell: XML-legal, at most :data:`MAX_CELL_CHARS` long.

    Write it with ``write_string`` (never ``write``): a string cell is not a formula, so
    the text needs no prefix and reads exactly as typed.
    """
    return _ILLEGAL.sub("", str(value))[:MAX_CELL_CHARS]


def csv_text(value: Any) -> str:
    """Text for a CSV cell: an apostrophe in front when it starts like a formula.

    Examples
    --------
    >>> csv_text("=1+1"), csv_text("Hangzhou"), csv_text("-0.37%/°C")
    ("'=1+1", 'Hangzhou', "'-0.37%/°C")
    """
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and text index labels) are :func:`csv_text`.

    Only cells holding ``str`` change; numbers, booleans, dates and missing values keep
    their type, so the CSV still has numbers where the frame has numbers.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(
                values):
            continue
        out[column] = values.map(lambda v: csv_text(v) if _is_text(v) else v).astype(object)
    if not (pd.api.types.is_numeric_dtype(out.index)
            or pd.api.types.is_datetime64_any_dtype(out.index)):
        out.index = out.index.map(lambda v: csv_text(v) if _is_text(v) else v)
    return out


def write_cell(worksheet: Any, row: int, col: int, value: Any, cell_format: Any = None) -> None:
    """Write one value into an XlsxWriter worksheet as a literal, never a formula.

    Numbers (finite) as numbers, booleans as booleans, dates as dates, everything else as
    :func:`sheet_text` with ``write_string``; ``None``, NaN and infinities leave the cell
    empty.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, (bool, np.bool_)):
        worksheet.write_boolean(row, col, bool(value), cell_format)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if math.isfinite(number):
            worksheet.write_number(row, col, number, cell_format)
    elif isinstance(value, (pd.Timestamp, dt.datetime)):
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_localize(None) if stamp.tzinfo else stamp
        worksheet.write_datetime(row, col, stamp.to_pydatetime(), cell_format)
    else:
        worksheet.write_string(row, col, sheet_text(value), cell_format)


def write_frame(worksheet: Any, frame: pd.DataFrame, *, header_format: Any = None,
                widths: Iterable[float] | None = None,
                formats: Sequence[Any] | None = None) -> None:
    """A DataFrame as a table (header row, then one row per record) without its index.

    Every cell goes through :func:`write_cell`, with its column's cell format from
    ``formats`` (None: none); the header names through ``write_string``.
    """
    for col, name in enumerate(frame.columns):
        worksheet.write_string(0, col, sheet_text(name), header_format)
    for col, width in enumerate(widths or ()):
        worksheet.set_column(col, col, width)
    shapes = list(formats or ())
    shapes += [None] * (frame.shape[1] - len(shapes))
    for row, record in enumerate(frame.itertuples(index=False, name=None), start=1):
        for col, value in enumerate(record):
            write_cell(worksheet, row, col, value, shapes[col])
