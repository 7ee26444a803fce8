"""Hostile meter files: each is read, or refused with a catalogued message naming the problem.

Binary junk, a ragged row, a quote that never closes, a word in the kWh column, a 0-byte file,
UTF-16 with and without its byte-order mark, GBK text with Chinese headers and one huge line
go through :func:`pvplanner.load.meter.read_meter_file` (what ``load inspect`` calls). A
refusal must be a keyed :class:`~pvplanner.errors.LoadFileError` whose English is the
catalogue's (``data/i18n/errors.toml``) and whose Chinese is Chinese with the same line or row:
never the words of pandas' parser or of Python ("Error tokenizing data. C error", "could not
convert string to float").
"""

from __future__ import annotations

import datetime as dt
import random
import re

import numpy as np
import pandas as pd
import pytest

import pvplanner.load.meter.reader as reader
import pvplanner.load.meter.table as table
from pvplanner.display.messages import catalogue, render
from pvplanner.errors import LoadFileError
from pvplanner.load.meter import read_meter_file
from pvplanner.load.meter.clean import merge_duplicates

#: What a parser or Python says, which no user should read.
_FOREIGN = re.compile(r"[Tt]okeniz|C error|EOF inside|could not convert|Traceback|"
                      r"\w+Error\b|Exception|string to float")

_DAYS = 35  # more than the 28 days a load needs


def lines(header: str = "time,kW", days: int = _DAYS) -> list[str]:
    """A header and ``days`` of 15-minute readings: line k + 1 of the file is ``lines()[k]``."""
    start = dt.datetime(2025, 3, 3)
    out = [header]
    for k in range(days * 96):
        stamp = start + dt.timedelta(minutes=15 * k)
        out.append(f"{stamp:%Y-%m-%d %H:%M},{100 + 40 * (8 <= stamp.hour < 18):.1f}")
    return out


def text(rows: list[str]) -> bytes:
    return "\n".join(rows).encode("utf-8")


def refused(raw: bytes, filename: str) -> LoadFileError:
    """The refusal of ``raw``, checked: keyed, its English the catalogue's, its Chinese
    Chinese, and neither of them a parser's or Python's words."""
    with pytest.raises(LoadFileError) as caught:
        read_meter_file(raw, filename=filename)
    error = caught.value
    assert error.key in catalogue(), error.key
    english, chinese = render(error, "en"), render(error, "zh")
    assert english == str(error)  # the code's English is the catalogue's
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    for shown in (english, chinese):
        assert not _FOREIGN.search(shown), shown
        assert filename in shown
    return error


def with_line(rows: list[str], line: int, replacement: str) -> list[str]:
    """``rows`` with file line ``line`` (1-based) replaced."""
    changed = list(rows)
    changed[line - 1] = replacement
    return changed


STAMP_501 = lines()[500].split(",")[0]


# --------------------------------------------------------------------------- refused
def test_binary_junk_is_refused_as_no_text():
    # an image's signature, then every byte value (0xff is neither UTF-8 nor GBK/GB18030)
    junk = b"\x89PNG\r\n\x1a\n" + bytes(random.Random(7).randrange(256) for _ in range(5000))
    error = refused(junk + bytes(range(256)), "junk.csv")
    assert error.key == "errors.files.encoding"
    assert error.params["line"] == 1


def test_text_with_nul_bytes_is_refused_naming_the_line():
    rows = with_line(lines(), 3, "2025-03-03 00:15,\x00\x00\x00")
    error = refused(text(rows), "nul.csv")
    assert error.key == "errors.meter.binary" and error.params["line"] == 3


def test_a_ragged_row_is_named_with_its_fields():
    rows = with_line(lines(), 501, f"{STAMP_501},140.0,7,8")
    error = refused(text(rows), "ragged.csv")
    assert error.key == "errors.meter.fields"
    assert (error.params["line"], error.params["fields"], error.params["expected"]) == (501, 4, 2)
    assert "第 501 行" in render(error, "zh")


@pytest.mark.parametrize(("line", "cell"), [(501, '"140.0'), (501, '"abc'), (3361, '"12')])
def test_a_quote_that_never_closes_is_named_by_its_line(line, cell):
    rows = lines()
    stamp = rows[line - 1].split(",")[0]
    error = refused(text(with_line(rows, line, f"{stamp},{cell}")), "quote.csv")
    assert error.key == "errors.meter.unclosed_quote"
    assert error.params["line"] == line
    assert f"line {line} opens a quoted cell" in str(error)
    assert f"第 {line} 行" in render(error, "zh")


def test_a_closed_quote_with_the_separator_in_it_is_read():
    rows = with_line(lines(), 501, f'{STAMP_501},"140.0"')
    meter = read_meter_file(text(rows), filename="quoted.csv")
    assert meter.quality.units == "kw"


@pytest.mark.parametrize("header", ["time,kWh", "time,kW"])
def test_a_word_in_the_value_column_is_named_by_row_and_column(header):
    rows = with_line(lines(header), 501, f"{STAMP_501},abc")
    error = refused(text(rows), "abc.csv")
    assert error.key == "errors.meter.not_number"
    assert (int(error.params["row"]), error.params["column"], error.params["sample"]) == (
        501, header.split(",")[1], "abc")


def test_a_zero_byte_file_is_refused_as_empty():
    error = refused(b"", "empty.csv")
    assert error.key == "errors.files.empty"


def test_utf16_without_its_byte_order_mark_is_named():
    raw = "\n".join(lines("时间,有功功率(kW)")).encode("utf-16-le")
    error = refused(raw, "utf16.csv")
    assert error.key == "errors.meter.utf16_no_bom"
    assert "UTF-16" in str(error) and "binary data (NUL bytes)" not in str(error)


def test_one_huge_line_is_refused_at_once_by_its_fields():
    # a line of 20,000 fields took the reader quadratic time in naming its columns, and
    # pandas minutes for 2 million: refused before either
    raw = ("time,kW\n" + ",".join(["2025-03-03 00:00"] + ["1"] * 20_000)).encode()
    error = refused(raw, "huge.csv")
    assert error.key == "errors.meter.too_many_fields"
    assert (error.params["line"], error.params["fields"]) == (2, 20_001)
    assert error.params["limit"] == table.MAX_COLUMNS


def test_a_wide_5_minute_export_is_read_under_the_column_limit():
    # one row a day: the date and 288 columns of 5-minute readings (00:05 ... 24:00)
    ends = [dt.datetime(2025, 1, 1) + dt.timedelta(minutes=5 * k) for k in range(1, 289)]
    times = [f"{end:%H:%M}" if end.day == 1 else "24:00" for end in ends]
    rows = ["日期," + ",".join(times)]
    for day in pd.date_range("2025-03-03", periods=_DAYS, freq="D"):
        rows.append(f"{day:%Y-%m-%d}," + ",".join(["120.0"] * len(times)))
    assert len(rows[1].split(",")) < table.MAX_COLUMNS
    meter = read_meter_file(text(rows), filename="wide.csv")
    assert meter.quality.interval_minutes == 5
    assert float(meter.load_kw.mean()) == pytest.approx(120.0)


def test_rows_pandas_cannot_split_are_refused_without_its_words(monkeypatch):
    def broken(*args, **kwargs):
        raise pd.errors.ParserError("Error tokenizing data. C error: Buffer overflow caught - "
                                    "possible malformed input file.")

    monkeypatch.setattr(table.pd, "read_csv", broken)
    error = refused(text(lines()), "odd.csv")
    assert error.key == "errors.meter.rows_unsplit"
    assert error.params["line"] == 2  # the first row of readings
    assert "at the comma" in str(error) and "逗号" in render(error, "zh")


def test_an_unforeseen_failure_keeps_pythons_words_out_of_the_message(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ValueError("could not convert string to float: 'abc'")

    monkeypatch.setattr(reader, "parse_rows", broken)
    error = refused(text(lines()), "odd.csv")
    assert error.key == "errors.meter.unforeseen"
    assert "internal error" in str(error)  # what tells it from a diagnosed problem
    assert "could not convert" in caplog.text  # kept for a bug report, in the log
    assert isinstance(error.__cause__, ValueError)


# --------------------------------------------------------------------------- read
def test_utf16_with_its_byte_order_mark_is_read():
    rows = lines("时间,有功功率(kW)")
    meter = read_meter_file("\n".join(rows).encode("utf-16"), filename="utf16.csv")
    assert meter.quality.value_column == "有功功率(kW)"
    assert float(meter.load_kw.max()) == pytest.approx(140.0)


def test_gbk_text_with_chinese_headers_is_read():
    rows = lines("时间,有功功率(kW)")
    meter = read_meter_file("\n".join(rows).encode("gbk"), filename="gbk.csv")
    assert meter.quality.value_column == "有功功率(kW)"
    assert meter.quality.units == "kw"
    assert float(meter.load_kw.min()) == pytest.approx(100.0)


def test_a_text_file_named_xlsx_is_decoded_once(monkeypatch):
    calls = []

    def counting(raw, *args, **kwargs):
        calls.append(len(raw))
        return decode(raw, *args, **kwargs)

    decode = table.decode_text
    monkeypatch.setattr(table, "decode_text", counting)
    meter = read_meter_file(text(lines()), filename="export.xlsx")
    assert meter.quality.units == "kw"
    assert len(calls) == 1, calls


# --------------------------------------------------------------------------- duplicates
def test_merge_duplicates_averages_the_multiplier_in_the_same_sort():
    ts = np.array([30, 10, 20, 10, 30], dtype=np.int64)
    values = np.array([5.0, 1.0, 2.0, 3.0, np.nan])
    rows = np.array([2, 3, 4, 5, 6])
    multipliers = np.array([80.0, 40.0, 40.0, 60.0, 100.0])
    uniq, means, first_rows, merged, examples, carried = merge_duplicates(
        ts, values, rows, multipliers)
    assert uniq.tolist() == [10, 20, 30]
    assert means.tolist() == [2.0, 2.0, 5.0]  # NaN left out of the mean
    assert first_rows.tolist() == [3, 4, 2]
    assert merged == 2 and [e["rows"] for e in examples] == [[3, 5], [2, 6]]
    assert carried is not None and carried.tolist() == [50.0, 40.0, 90.0]
    assert merge_duplicates(ts, values, rows)[5] is None


def test_one_reading_is_refused_naming_its_column_and_row_in_each_language():
    # One data row: the column is quoted the reader's way (no Python quotes inside Chinese
    # ones) and one row reads "row 2", not "rows 2-2".
    error = refused(text(["时间,功率(kW)", "2026-01-01 00:00,5"]), "one.csv")
    assert error.key == "errors.meter.one_timestamp"
    assert "(column '时间', row 2)" in render(error, "en")
    assert "（“时间”列，第 2 行）" in render(error, "zh")


def test_a_file_without_data_rows_quotes_its_first_line_the_readers_way():
    error = refused(text(["时间,功率(kW)", "abc,def", "xyz,uvw"]), "words.csv")
    assert error.key == "errors.meter.no_data_row"
    assert "line 1: '时间,功率(kW)'" in render(error, "en")
    assert "第 1 行：“时间,功率(kW)”" in render(error, "zh")


def test_a_generation_file_of_zeros_is_read_with_a_warning_a_load_file_refused():
    # A plant that produced nothing all along is what monitoring reports, so its file is
    # read; but the reader says the column is probably not the generation one.
    zeros = [line.rsplit(",", 1)[0] + ",0" for line in lines()[1:]]
    meter = read_meter_file(text(["time,kW", *zeros]), filename="gen.csv", series="generation")
    notes = [n for n in meter.quality.warnings
             if getattr(n, "key", "") == "notes.meter.generation_all_zero"]
    assert len(notes) == 1
    assert "“kW”列的读数全部为 0" in render(notes[0], "zh")
    assert "every reading in column 'kW' is 0" in render(notes[0], "en")
    assert refused(text(["time,kW", *zeros]), "load.csv").key == "errors.meter.all_zero"
    ordinary = read_meter_file(text(lines()), filename="gen.csv", series="generation")
    assert not [n for n in ordinary.quality.warnings
                if getattr(n, "key", "") == "notes.meter.generation_all_zero"]
