"""Meter files a review found misread or badly explained (each figure below is hand arithmetic).

1. A multiplier column read as 1 where the file marks decimals with a comma ('1.000').
2. 万kW and 万瓦 headers read as kW and W.
3. '1.125' in a ';' or tab file read as 1.125 without a word, where it may be 1125.
4. A multiplier changing at every row blamed on the readings column.
5. A header in W said to give the unit kW.
6. A multiplier of 1e9 accepted, the error then blaming the readings.
7. A web page saved as .xlsx read as a CSV file.
8. Bytes that are no workbook refused in Python's words ("File is not a zip file").
9. "(1 such cells, e.g. rows 102)", "in the first 1 non-empty lines".

The files are 30 days of hourly rows from 2025-03-01 00:00: enough for the reader, small
enough to build here. Their loads are read back from ``source_load_kw`` (the file's own
calendar), where each valid hour holds the kW put in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pvplanner.display.messages import render
from pvplanner.errors import LoadFileError
from pvplanner.load.meter import read_meter_file

#: 720 hourly readings from 2025-03-01 00:00 (file rows 2..721 under a header in row 1).
HOURS = pd.date_range("2025-03-01", periods=720, freq="h")
DAYTIME = (HOURS.hour >= 8) & (HOURS.hour < 18)


def csv_bytes(header: str, cells: list[str], separator: str = ",") -> bytes:
    lines = [header] + [f"{t:%Y-%m-%d %H:%M}{separator}{cell}"
                        for t, cell in zip(HOURS, cells, strict=True)]
    return "\n".join(lines).encode("utf-8")


def by_time_of_day(night: str, day: str) -> list[str]:
    """``day`` from 08:00 to 18:00, ``night`` otherwise."""
    return [day if working else night for working in DAYTIME]


def valid_kw(meter) -> np.ndarray:
    """The kW of the hours the file gave (no filled gap)."""
    return meter.source_load_kw[meter.source_valid].to_numpy()


def keyed(notes: list[str], key: str) -> list[str]:
    return [note for note in notes if getattr(note, "key", "") == key]


def refusal(raw: bytes, filename: str = "meter.csv") -> LoadFileError:
    with pytest.raises(LoadFileError) as info:
        read_meter_file(raw, filename=filename)
    return info.value


def german_register(multiplier: str) -> bytes:
    """A register from 1.000,0 kWh rising 10 kWh an hour ('1.010,0', ...), ';'-separated."""
    readings = [f"{1000 + 10 * k:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
                for k in range(len(HOURS))]
    return csv_bytes("Zeit;Zählerstand kWh;Wandlerfaktor",
                     [f"{r};{multiplier}" for r in readings], separator=";")


# --------------------------------------------------------------------------- 1. multiplier style
@pytest.mark.parametrize(("multiplier", "kw"), [("1.000", 10_000.0), ("1,5", 15.0),
                                                ("2.000", 20_000.0)])
def test_the_multiplier_is_read_in_the_number_format_of_the_readings(multiplier, kw):
    # 10 kWh per hour on the register x 1.000 (a thousand, as in '1.010,0') = 10,000 kW;
    # x 1,5 = 15 kW. Read as 1 (10 kW) and refused before.
    meter = read_meter_file(german_register(multiplier), filename="zaehler.csv")
    assert meter.quality.units == "kwh_cumulative"
    assert np.allclose(valid_kw(meter), kw, rtol=1e-12)
    applied = keyed(meter.quality.warnings, "notes.meter.multiplier_applied")
    assert f"'Wandlerfaktor' ({kw / 10:g})" in applied[0]


def test_a_multiplier_whose_format_nothing_shows_is_refused_naming_its_column():
    # plain readings (1000, 1010 ...) show no decimal mark; '1.000' is 1 or 1,000
    cells = [f"{1000 + 10 * k};1.000" for k in range(len(HOURS))]
    raw = csv_bytes("Zeit;Zählerstand kWh;Wandlerfaktor", cells, separator=";")
    error = refusal(raw)
    assert error.message.key == "errors.meter.point_ambiguous"
    assert "column 'Wandlerfaktor' holds numbers such as '1.000' (row 2)" in str(error)
    assert "(1) or, in a semicolon-separated file" in str(error)
    assert "thousands (1000)" in str(error)
    assert "“Wandlerfaktor”列中的数值（如第 2 行的“1.000”）" in render(error, "zh")


# --------------------------------------------------------------------------- 2. 万 units
@pytest.mark.parametrize(("header", "cell", "kw", "unit"), [
    ("功率(万千瓦)", "0.5", 5_000.0, "10,000 kW (x10000 to kW)"),
    ("功率(万kW)", "0.73", 7_300.0, "10,000 kW (x10000 to kW)"),
    ("功率(万瓦)", "650", 6_500.0, "10,000 W (x10 to kW)"),  # 650 x 10,000 W = 6,500 kW
])
def test_wan_units_in_a_header_multiply_by_ten_thousand(header, cell, kw, unit):
    meter = read_meter_file(csv_bytes(f"时间,{header}", [cell] * len(HOURS)))
    assert meter.quality.units == "kw"
    assert np.allclose(valid_kw(meter), kw, rtol=1e-12)  # 10,000 times less before
    assert meter.quality.units_reason == f"header '{header}' gives the unit {unit}"


def test_wan_kwh_stays_ten_thousand_kwh():
    meter = read_meter_file(csv_bytes("时间,用电量(万kWh)", ["0.25"] * len(HOURS)))
    assert np.allclose(valid_kw(meter), 2_500.0, rtol=1e-12)  # 0.25 x 10,000 kWh per hour
    assert render(meter.quality.units_reason, "zh") == (
        "表头“用电量(万kWh)”注明单位为 万kWh（乘以 10000 换算为 kWh）")


# --------------------------------------------------------------------------- 3. points
@pytest.mark.parametrize(("separator", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_three_decimals_after_a_point_are_refused_where_a_comma_may_mark_decimals(
        separator, name):
    # 1.000, 1.125 ... 1.875: 1-1.875 kW, or 1,000-1,875 kW in a file of decimal commas
    cells = [f"{1 + (k % 8) * 0.125:.3f}" for k in range(len(HOURS))]
    error = refusal(csv_bytes(f"time{separator}power kW", cells, separator))
    assert error.message.key == "errors.meter.point_ambiguous"
    text = str(error)
    assert "column 'power kW' holds numbers such as '1.000' (row 2)" in text
    assert f"mark the decimals (1) or, in a {name}-separated file" in text
    assert "separate thousands (1000)" in text


def test_the_same_points_in_a_comma_file_stay_decimal_points():
    cells = [f"{1 + (k % 8) * 0.125:.3f}" for k in range(len(HOURS))]
    meter = read_meter_file(csv_bytes("time,power kW", cells))
    assert np.allclose(valid_kw(meter), [1 + (k % 8) * 0.125 for k in range(len(HOURS))])


#: How a column settles its points: (separator, night cell, day cell, night kW, day kW, the
#: note's key, what it says). Rows 2 and 10 are the first night and the first day hour.
SETTLED = [
    # 850,5: the comma marks decimals, so the point of 1.125 groups thousands
    (";", "850,5", "1.125", 850.5, 1125.0, "thousands_point_with_comma",
     "the points in column 'power kW' separate thousands: '1.125' (row 10) read as 1125, as "
     "the column marks its decimals with a comma (e.g. '850,5' in row 2)"),
    # 812.5 shows a decimal point
    ("\t", "812.5", "1.125", 812.5, 1.125, "decimal_point_with_point",
     "the points in column 'power kW' are decimal marks: '1.125' (row 10) read as 1.125, as "
     "the column writes other numbers with a decimal point (e.g. '812.5' in row 2)"),
    # 850 below 1,000 without a point: the point appears from 1,000 on
    (";", "850", "1.125", 850.0, 1125.0, "thousands_point",
     "the points in column 'power kW' separate thousands: '1.125' (row 10) read as 1125, as "
     "the column writes its numbers below 1,000 without a point (e.g. 850 in row 2)"),
    # 1250 without a separator: the point of 850.125 marks decimals
    (";", "850.125", "1250", 850.125, 1250.0, "decimal_point_ungrouped",
     "the points in column 'power kW' are decimal marks: '850.125' (row 2) read as 850.125, as "
     "the column writes numbers of 1,000 and more without a thousands separator (e.g. 1250 in "
     "row 10)"),
]


@pytest.mark.parametrize(("separator", "night", "day", "night_kw", "day_kw", "key", "note"),
                         SETTLED, ids=[case[5] for case in SETTLED])
def test_a_column_settles_its_points(separator, night, day, night_kw, day_kw, key, note):
    raw = csv_bytes(f"time{separator}power kW", by_time_of_day(night, day), separator)
    meter = read_meter_file(raw)
    assert np.array_equal(valid_kw(meter), np.where(DAYTIME, day_kw, night_kw))
    said = keyed(meter.quality.warnings, f"notes.meter.{key}")
    assert said == [note]
    assert render(said[0], "zh").startswith("“power kW”列中的点是")


# --------------------------------------------------------------------------- 4. every row
def test_a_multiplier_changing_at_every_row_is_named():
    cells = [f"{1000 + 10 * k:.2f},{80 if k % 2 else 120}" for k in range(len(HOURS))]
    error = refusal(csv_bytes("时间,正向有功示数,倍率", cells))
    assert error.message.key == "errors.meter.multiplier_every_row"
    text = str(error)
    assert ("the multiplier in column '倍率' changes at every row (row 2: 120, row 3: 80, "
            "row 4: 120, row 5: 80)") in text
    assert "'正向有功示数'" in text and "set the unit" not in text
    assert "“倍率”列的倍率每一行都在变化（第 2 行为 120、第 3 行为 80" in render(error, "zh")


# --------------------------------------------------------------------------- 5. watts
def test_a_header_in_watts_gives_the_unit_w():
    meter = read_meter_file(csv_bytes("时间,功率/W", ["650000"] * len(HOURS)))
    assert np.allclose(valid_kw(meter), 650.0, rtol=1e-12)  # 650,000 W
    assert meter.quality.units_reason == "header '功率/W' gives the unit W (x0.001 to kW)"


# --------------------------------------------------------------------------- 6. implausible
def test_a_multiplier_beyond_any_meter_is_refused_naming_it():
    cells = [f"{1000 + 10 * k:.2f},1e9" for k in range(len(HOURS))]
    error = refusal(csv_bytes("时间,正向有功示数,倍率", cells))
    assert error.message.key == "errors.meter.multiplier_too_high"
    text = str(error)
    assert "row 2, column '倍率': the multiplier 1000000000 is beyond any meter's" in text
    assert "below 100,000" in text and "W read as kW" not in text
    assert "(rows like it: 720; row numbers: 2, 3, 4, 5, 6, …)" in text
    assert "第 2 行“倍率”列的倍率 1000000000 超出任何电表的倍率" in render(error, "zh")


def test_a_large_real_multiplier_is_read():
    # 6 kV through PT 6000/100 and CT 500/5: 60 x 100 = 6,000; 0.1 kWh an hour -> 600 kW
    cells = [f"{100 + 0.1 * k:.1f},6000" for k in range(len(HOURS))]
    meter = read_meter_file(csv_bytes("时间,正向有功示数,倍率", cells))
    assert np.allclose(valid_kw(meter), 600.0, rtol=1e-9)


# --------------------------------------------------------------------------- 7, 8. not a workbook
def test_a_web_page_saved_as_xlsx_is_named_so():
    page = ("<html><head><meta charset='utf-8'></head><body><table><tr><td>时间</td><td>kW</td>"
            "</tr><tr><td>2025-03-01 00:00</td><td>5</td></tr></table></body></html>")
    error = refusal(page.encode("utf-8"), filename="负荷.xlsx")
    assert error.message.key == "errors.meter.web_page"
    assert str(error) == ("负荷.xlsx is a web page (HTML) saved as .xlsx, not a workbook or a "
                          "CSV file, so its rows cannot be read: open it in Excel or WPS and "
                          "save it as .xlsx or CSV")
    assert "请用 Excel 或 WPS 打开并另存为 .xlsx 或 CSV" in render(error, "zh")


def test_bytes_that_are_no_workbook_are_refused_in_words():
    junk = np.random.default_rng(5).bytes(5000)
    error = refusal(junk, filename="junk.xlsx")
    assert error.message.key == "errors.meter.xlsx_unreadable"
    text = str(error)
    assert text.startswith("junk.xlsx is not an Excel workbook: it is damaged or a file of "
                           "another format")
    assert "zip" not in text.lower() and "zip" not in render(error, "zh").lower()


# --------------------------------------------------------------------------- 9. counts
def test_counts_read_right_for_one():
    cells = ["100"] * len(HOURS)
    cells[100] = "abc"  # file row 102
    error = refusal(csv_bytes("时间,有功功率", cells))
    assert "(cells like it: 1; row numbers: 102)" in str(error)
    error = refusal("时间,有功功率\n说明,无数据\n".encode())
    assert "in the first non-empty lines (2; line 1:" in str(error)
    assert "开头的非空行（2 行）中没有同时含日期时间和数值的行" in render(error, "zh")
