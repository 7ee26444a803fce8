"""XLSX meter files that expand: refused early, before they cost minutes and hundreds of MB.

Issue 15 item 4: a 0.9 MB sheet of 300,000 rows x 20 cells cost 114 s of CPU and 276 MB
before ``load inspect`` refused it, because every row was read before the first 60 were
looked at. Each test counts how far the reader got (rows pulled from openpyxl's stream, or
whether openpyxl opened the workbook at all), so it fails on a reader that reads it all.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

import pvplanner.load.meter.xlsx as xlsx
from pvplanner.errors import LoadFileError
from pvplanner.load import inspect_meter_file
from pvplanner.load.meter import MAX_XLSX_CELLS, MAX_XLSX_ROWS, read_meter_file
from tests._xlsx_files import expanding_xlsx, text_only_xlsx


@pytest.fixture
def pulled(monkeypatch):
    """Counts the rows openpyxl's read-only stream hands out, and workbooks opened."""
    counts = {"rows": 0, "workbooks": 0}
    iter_rows = ReadOnlyWorksheet.iter_rows
    load_workbook = openpyxl.load_workbook

    def counting_rows(self, *args, **kwargs):
        for row in iter_rows(self, *args, **kwargs):
            counts["rows"] += 1
            yield row

    def counting_load(*args, **kwargs):
        counts["workbooks"] += 1
        return load_workbook(*args, **kwargs)

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting_rows)
    monkeypatch.setattr(openpyxl, "load_workbook", counting_load)
    return counts


def test_caps_leave_room_for_a_year_of_5_minute_readings():
    year_5min = 365 * 24 * 12
    assert year_5min == 105_120
    assert MAX_XLSX_ROWS >= year_5min + 100  # title, header and summary rows
    assert MAX_XLSX_CELLS >= year_5min * 3  # time, kW and one more column


def test_expanding_sheet_refused_before_openpyxl_opens_it(monkeypatch, pulled):
    # the sheet shape (20 cells a row), with the caps lowered so the test is quick
    monkeypatch.setattr(xlsx, "MAX_XLSX_ROWS", 2_000)
    raw = expanding_xlsx(10_000, 20)
    assert len(raw) < 100_000  # 200,000 cells zip to a few tens of kB
    with pytest.raises(LoadFileError) as caught:
        read_meter_file(raw, filename="huge.xlsx")
    message = str(caught.value)
    assert message.startswith("huge.xlsx: reading stopped at row 2,001")
    assert "at most 2,000 rows" in message and "CSV" in message
    assert pulled["workbooks"] == 0  # refused from the zipped XML's row count alone


def test_cell_cap_names_rows_and_cells_reached(monkeypatch, pulled):
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 30_000)
    raw = expanding_xlsx(10_000, 20)
    with pytest.raises(LoadFileError, match=r"stopped at row 1,50\d after 30,0\d\d cells.*"
                       r"at most 30,000 cells"):
        read_meter_file(raw, filename="wide.xlsx")
    assert pulled["workbooks"] == 0


def test_rows_the_xml_skips_are_counted_as_openpyxl_streams_them(pulled):
    # 52 rows of XML, the last numbered 1,000,000: openpyxl yields an empty row for every
    # number between, so the stream itself must stop at the cap
    raw = expanding_xlsx(50, 2, extra_row=1_000_000)
    with pytest.raises(LoadFileError, match=rf"stopped at row {MAX_XLSX_ROWS + 1:,}"):
        read_meter_file(raw, filename="gappy.xlsx")
    assert pulled["workbooks"] == 1
    assert pulled["rows"] <= MAX_XLSX_ROWS + 1 + 200  # the cap, plus the sheet-choice peek


def test_sheet_without_data_refused_from_its_first_rows(pulled):
    raw = text_only_xlsx(5_000)
    with pytest.raises(LoadFileError, match="sheet 'data': no row with a date/time"):
        read_meter_file(raw, filename="notes.xlsx")
    assert pulled["rows"] <= 200 + 180  # the sheet-choice peek and 3 x header_scan_rows


def test_time_budget_stops_the_read(monkeypatch):
    monkeypatch.setattr(xlsx, "XLSX_TIME_BUDGET_S", 0.0)
    with pytest.raises(LoadFileError, match=r"slow.xlsx: reading stopped at row [\d,]+ after 0 s"
                       r".*save the sheet as CSV"):
        read_meter_file(expanding_xlsx(5_000, 4), filename="slow.xlsx")


def test_unzipped_size_is_capped(monkeypatch, pulled):
    monkeypatch.setattr(xlsx, "MAX_XLSX_XML_BYTES", 100_000)
    with pytest.raises(LoadFileError, match=r"big.xlsx is [\d.]+ kB but its sheets unzip to "
                       r"more than 100 kB, the most an XLSX meter file may expand to"):
        read_meter_file(expanding_xlsx(10_000, 4), filename="big.xlsx")
    assert pulled["workbooks"] == 0


def test_cli_inspect_path_uses_the_same_caps(tmp_path, monkeypatch, pulled):
    # `pvplanner load inspect` and the portfolio read paths through the same reader
    monkeypatch.setattr(xlsx, "MAX_XLSX_ROWS", 2_000)
    path = tmp_path / "meter.xlsx"
    path.write_bytes(expanding_xlsx(10_000, 20))
    with pytest.raises(LoadFileError, match="meter.xlsx: reading stopped at row 2,001"):
        inspect_meter_file(path)
    assert pulled["workbooks"] == 0


def test_a_real_workbook_within_the_caps_still_reads(pulled):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["时间", "有功功率(kW)", "电压(V)"])
    for t in pd.date_range("2025-03-01", periods=24 * 40, freq="h"):
        sheet.append([t.to_pydatetime(), 100.0 + t.hour, 400.0])
    buffer = io.BytesIO()
    book.save(buffer)
    meter = read_meter_file(buffer.getvalue(), filename="ok.xlsx")
    assert meter.quality.rows_read == 24 * 40
    assert meter.quality.value_column == "有功功率(kW)"
