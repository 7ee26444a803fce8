"""Meter files built to stall the server: each is refused in well under 2 s of CPU.

Two findings of the security review (both took minutes before the fix, while holding the
GIL, so every other user of the app waited too):

* patterns with a run of spaces on both sides (``\\s*年\\s*``, the unit suffix, the units
  row) cost the square of a long run of spaces in one cell: 60 kB took 188 s;
* openpyxl parses the whole styles and shared-strings parts before any check: 46 kB with a
  million ``<xf/>`` took 61 s and 760 MB, 332 kB with 8 million ``<si>`` 224 s.

The timing margins are wide (the failures were minutes, the fix takes milliseconds).
Ordinary files still read: a 15-minute year with its times as shared strings, and styles.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile

import pandas as pd
import pytest

from pvplanner.display.messages import catalogue, render
from pvplanner.errors import LoadFileError
from pvplanner.load.meter import read_meter_file
from pvplanner.load.meter.columns import header_unit
from pvplanner.load.meter.table import MAX_CELL_CHARS, UNIT_SUFFIX, _is_unit_cell, norm_text
from pvplanner.load.meter.timestamps import _datetime_strings
from pvplanner.load.meter.xlsx import MAX_XLSX_SHARED_STRINGS, MAX_XLSX_STYLE_ELEMENTS

_RUN = 100_000  # characters of one crafted cell
_FAST_S = 2.0  # CPU seconds a refusal may take (the crafted files took minutes before)


def _cpu(call, *args, **kwargs):
    start = time.process_time()
    out = call(*args, **kwargs)
    return out, time.process_time() - start


def refused_fast(raw: bytes, filename: str) -> LoadFileError:
    """The refusal of ``raw``: quick, keyed, in the catalogue, Chinese in Chinese."""
    start = time.process_time()
    with pytest.raises(LoadFileError) as caught:
        read_meter_file(raw, filename=filename)
    seconds = time.process_time() - start
    assert seconds < _FAST_S, f"{filename} took {seconds:.1f} s to refuse"
    error = caught.value
    assert error.key in catalogue(), error.key
    assert render(error, "en") == str(error)
    chinese = render(error, "zh")
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert len(str(error)) < 2_000  # the cell is named, not quoted whole
    return error


def readings(days: int = 35, header: str = "time,kW") -> list[str]:
    start = dt.datetime(2025, 3, 3)
    out = [header]
    for k in range(days * 96):
        stamp = start + dt.timedelta(minutes=15 * k)
        out.append(f"{stamp:%Y-%m-%d %H:%M},{100 + 40 * (8 <= stamp.hour < 18):.1f}")
    return out


# --- patterns over cell text -------------------------------------------------------------

def test_reviewers_file_is_refused_naming_row_and_column() -> None:
    raw = ("time,kW\n2025-01-01 00:00,1" + " " * 60_000 + "x\n2025-01-01 01:00,2\n").encode()
    error = refused_fast(raw, "redos.csv")
    assert error.key == "errors.meter.limits.cell_too_long"
    assert "row 2" in str(error) and "'kW'" in str(error)
    assert "第 2 行" in render(error, "zh")


_SPACES = " " * _RUN


@pytest.mark.parametrize("shape", [
    "value_spaces", "time_spaces", "time_year_mark", "value_digits", "header_spaces",
    "units_row", "value_unit_word", "late_row", "multiplier", "semicolon_file",
])
def test_long_cells_are_refused_quickly(shape: str) -> None:
    rows = readings()
    if shape == "value_spaces":
        rows[5] = "2025-03-03 01:00,1" + _SPACES + "x"
    elif shape == "time_spaces":
        rows[5] = "2025-03-03" + _SPACES + "01:00x,1"
    elif shape == "time_year_mark":
        rows[5] = "2025" + _SPACES + "1" + _SPACES + "x,1"
    elif shape == "value_digits":
        rows[5] = "2025-03-03 01:00," + "9" * _RUN
    elif shape == "header_spaces":
        rows[0] = "time,kW" + _SPACES + "x"
    elif shape == "units_row":
        rows.insert(1, ",(" + _SPACES + "x)")
    elif shape == "value_unit_word":
        rows[5] = "2025-03-03 01:00,1" + _SPACES + "kWx"
    elif shape == "late_row":  # past the rows that column detection samples
        rows[2000] = rows[2000] + _SPACES + "x"
    elif shape == "multiplier":
        rows = [row + ",80" for row in readings(header="时间,正向有功示数")]
        rows[0] = "时间,正向有功示数,倍率"
        rows[5] = rows[5][:-2] + "80" + _SPACES + "倍x"
    elif shape == "semicolon_file":
        rows = [row.replace(",", ";") for row in rows]
        rows[5] = "2025-03-03 01:00;1" + _SPACES + "x"
    error = refused_fast("\n".join(rows).encode(), f"{shape}.csv")
    assert error.key == "errors.meter.limits.cell_too_long", str(error)


def test_long_cell_in_a_notes_column_is_left_alone() -> None:
    """A long remark in a column that is neither time nor value is no reason to refuse."""
    rows = [row + ",ok" for row in readings(header="time,kW")]
    rows[0] = "time,kW,remark"
    rows[7] = rows[7][:-2] + "a note " * 100
    load, seconds = _cpu(read_meter_file, "\n".join(rows).encode(), filename="notes.csv")
    assert load is not None and seconds < 20


@pytest.mark.parametrize("text", [
    " " * _RUN + "x", "1" + " " * _RUN + "x", "年" + " " * _RUN + "x", "\u3000" * _RUN + "x",
    "2025" + " " * _RUN,
])
def test_patterns_are_linear_in_a_cell(text: str) -> None:
    _, seconds = _cpu(norm_text, text)
    assert seconds < 0.5
    _, seconds = _cpu(UNIT_SUFFIX.sub, "", text)
    assert seconds < 0.5
    _, seconds = _cpu(_is_unit_cell, "(" + text + ")x")
    assert seconds < 0.5
    _, seconds = _cpu(_datetime_strings, pd.Series([text + "年x", "1  " + text], dtype=str))
    assert seconds < 0.5
    for unit in ("兆瓦", "千瓦", "瓦特", "万千瓦"):
        _, seconds = _cpu(header_unit, unit + text + "x")
        assert seconds < 0.5, unit


def test_patterns_keep_their_readings() -> None:
    assert norm_text(" 2025 年 1 月 5 日  00:15 ") == "2025-1-5 00:15"
    assert norm_text("２０２５年１月５日") == "2025-1-5"
    assert UNIT_SUFFIX.sub("", "12.5  kWh") == "12.5"
    assert UNIT_SUFFIX.sub("", "  度") == ""
    assert _is_unit_cell("(kWh)") and _is_unit_cell("  千瓦时 ") and not _is_unit_cell("abc")
    assert not _is_unit_cell("(" + " " * (MAX_CELL_CHARS + 1) + ")")
    assert header_unit("电量(千瓦 · 时)")[:2] == ("kwh", 1.0)
    assert header_unit("电量(兆瓦  时)")[:2] == ("kwh", 1000.0)
    assert header_unit("功率(瓦特·时)")[:2] == ("kwh", 0.001)
    strings, _ = _datetime_strings(pd.Series(["2025 年 1 月 5 日 00:15", "2025-01-05 00:30"]))
    assert list(strings) == ["2025-1-5 00:15", "2025-01-05 00:30"]


# --- XLSX parts parsed whole -------------------------------------------------------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLES = (f'<?xml version="1.0"?><styleSheet {_NS}><fonts count="1"><font/></fonts>'
           '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
           '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
           '<cellXfs count="1">{xfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" '
           'xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def workbook(*, styles: str = "xl/styles.xml", strings: str = "xl/sharedStrings.xml",
             xfs: int = 1, extra_strings: int = 0, names: int = 0, days: int = 35) -> bytes:
    """An XLSX of ``days`` of 15-minute readings whose times are shared strings, with
    ``xfs`` cell formats and ``extra_strings`` unused shared strings."""
    start = dt.datetime(2025, 3, 3)
    times = [f"{start + dt.timedelta(minutes=15 * k):%Y-%m-%d %H:%M}" for k in range(days * 96)]
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>time</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>kW</t></is></c></row>']
    rows += [f'<row r="{k + 2}"><c r="A{k + 2}" t="s"><v>{k}</v></c><c r="B{k + 2}"><v>'
             f'{100 + k % 7}</v></c></row>' for k in range(len(times))]
    sheet = (f'<?xml version="1.0"?><worksheet {_NS}><sheetData>{"".join(rows)}'
             '</sheetData></worksheet>')
    sst = (f'<?xml version="1.0"?><sst {_NS}>' + "".join(f"<si><t>{t}</t></si>" for t in times)
           + "<si><t>a</t></si>" * extra_strings + "</sst>")
    defined = ("<definedNames>" + '<definedName name="n">S!$A$1</definedName>' * names
               + "</definedNames>") if names else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
            'formats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
            'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/' + strings
            + '" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument"'
            ' Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0"?><workbook {_NS} xmlns:r="{_REL}"><sheets><sheet name="S" '
            f'sheetId="1" r:id="rId1"/></sheets>{defined}</workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/'
            f'sharedStrings" Target="/{strings}"/><Relationship Id="rId3" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>'))
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr(strings, sst)
        z.writestr(styles, _STYLES.format(xfs='<xf numFmtId="0"/>' * xfs))
    return buffer.getvalue()


def test_ordinary_workbook_with_shared_strings_and_styles_reads() -> None:
    raw = workbook(xfs=200)
    load, seconds = _cpu(read_meter_file, raw, filename="ordinary.xlsx")
    assert seconds < 30
    assert load is not None


def test_styles_bomb_is_refused_quickly() -> None:
    raw = workbook(xfs=1_000_000, days=1)
    assert len(raw) < 100_000  # a small upload
    error = refused_fast(raw, "styles.xlsx")
    assert error.key == "errors.meter.limits.xlsx_part_elements"
    assert f"{MAX_XLSX_STYLE_ELEMENTS:,}" in str(error)


def test_shared_strings_bomb_is_refused_quickly() -> None:
    error = refused_fast(workbook(extra_strings=2_000_000, days=1), "strings.xlsx")
    assert error.key == "errors.meter.limits.xlsx_shared_strings"
    assert f"{MAX_XLSX_SHARED_STRINGS:,}" in str(error)


def test_shared_strings_under_another_name_are_counted() -> None:
    """openpyxl finds the shared strings by their content type, not their name."""
    raw = workbook(strings="xl/worksheets/data.bin", extra_strings=2_000_000, days=1)
    error = refused_fast(raw, "renamed.xlsx")
    assert error.key == "errors.meter.limits.xlsx_shared_strings"


@pytest.mark.parametrize("also_a_sheet", [False, True])
def test_defined_names_bomb_is_refused_quickly(also_a_sheet: bool) -> None:
    raw = workbook(names=1_000_000, days=1)
    if also_a_sheet:  # the workbook part named as a worksheet too is still parsed whole
        raw = _rewrite(raw, "xl/_rels/workbook.xml.rels", lambda text: text.replace(
            "</Relationships>", f'<Relationship Id="rId9" Type="{_REL}/worksheet" '
            'Target="workbook.xml"/></Relationships>'))
    error = refused_fast(raw, "names.xlsx")
    assert error.key == "errors.meter.limits.xlsx_part_elements"


def _rewrite(raw: bytes, name: str, change, encoding: str = "utf-8") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == name:
                data = change(data.decode()).encode(encoding)
            target.writestr(info.filename, data)
    return buffer.getvalue()


def test_styles_bomb_in_utf16_is_refused_quickly() -> None:
    """The XML parser reads UTF-16 parts: their tags are counted too."""
    def utf16(text: str) -> str:
        return text.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')

    raw = _rewrite(workbook(xfs=1_000_000, days=1), "xl/styles.xml", utf16, encoding="utf-16")
    error = refused_fast(raw, "styles16.xlsx")
    assert error.key == "errors.meter.limits.xlsx_part_elements"
