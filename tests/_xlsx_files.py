"""Hostile XLSX workbooks written directly as zipped XML (openpyxl would take minutes).

Used by the meter-reader tests and ``benchmarks/bench_load.py``. The sheet XML has no
``<dimension>`` element and no cell references, as a hand-made file may: openpyxl then
parses the whole sheet just to open the workbook, and repeated cells compress a
thousandfold (300,000 rows x 20 cells zip to about 0.5 MB).
"""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def _write_package(archive: zipfile.ZipFile) -> None:
    """Every part of the workbook but the sheet's XML."""
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.writestr("_rels/.rels", _RELS)
    archive.writestr("xl/workbook.xml", _WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)


def _text(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def expanding_xlsx(rows: int, cells_per_row: int, *, extra_row: int | None = None) -> bytes:
    """A workbook of one sheet: a header, then ``rows`` rows of a time text and numbers.

    Parameters
    ----------
    rows : int
        Data rows (every one "2025-01-01 00:15", 1, 1, ...: a valid-looking meter row).
    cells_per_row : int
        Cells in each row (the time and ``cells_per_row - 1`` numbers).
    extra_row : int, optional
        Sheet row number of one more row after the data: the XML skips every row number
        between, which openpyxl's stream fills with empty rows.

    Returns
    -------
    bytes
        The XLSX file.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_package(archive)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_HEAD)
            header = _text("时间") + _text("有功功率(kW)") * (cells_per_row - 1)
            sheet.write(f"<row>{header}</row>".encode())
            row = f"<row>{_text('2025-01-01 00:15')}{'<c><v>1</v></c>' * (cells_per_row - 1)}</row>"
            block = row.encode() * 1000
            for _ in range(rows // 1000):
                sheet.write(block)
            sheet.write(row.encode() * (rows % 1000))
            if extra_row is not None:
                sheet.write(f'<row r="{extra_row}"><c><v>1</v></c></row>'.encode())
            sheet.write(_SHEET_TAIL)
    return buffer.getvalue()


def text_only_xlsx(rows: int) -> bytes:
    """A workbook whose one sheet holds ``rows`` rows of text and no date or number."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_package(archive)
        row = f"<row>{_text('note')}{_text('text')}</row>".encode()
        archive.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + row * rows + _SHEET_TAIL)
    return buffer.getvalue()
