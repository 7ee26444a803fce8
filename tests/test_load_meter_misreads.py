"""Factory meter exports the reader used to misread without a word (found by fuzzing).

1. A register read with its multiplier column (倍率) left out: the energy 80 times too low.
2. A header in watts read as kW unless the W stood in brackets (功率/W, 功率 W, 功率(瓦)).
3. Decimal commas outside ';'-separated files: refused (tab) or read 1,000 times too large
   (a quoted "625,125" in a comma file).
4. A CSV renamed .xlsx: refused as a broken workbook.

Each file is built here. Every day of the year has the same profile, so whatever days the
calendar map moves, the typical year's energy is 365 times the day's and its peak the
profile's: the expected numbers are hand arithmetic on the generated arrays, not the reader's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pvplanner.display.messages import render
from pvplanner.errors import LoadFileError
from pvplanner.load.meter import read_meter_file
from pvplanner.load.meter.columns import header_unit

#: Quarter hours of 2025 and the reading that closes the last one (a register's last row).
STARTS = pd.date_range("2025-01-01", periods=35040, freq="15min")
READINGS_AT = pd.date_range("2025-01-01", periods=35041, freq="15min")


def day_profile(night: float, day: float) -> np.ndarray:
    """kW of each quarter hour of 2025: ``night``, and ``day`` from 08:00 to 18:00."""
    working = (STARTS.hour >= 8) & (STARTS.hour < 18)
    return np.where(working, day, night).astype(float)


def expected(kw: np.ndarray) -> tuple[float, float]:
    """(annual kWh, peak kW) of the typical year: 365 identical days of 96 quarter hours."""
    return 365 * float(kw[:96].sum()) * 0.25, float(kw.max())


def csv_bytes(lines: list[str], newline: str = "\r\n") -> bytes:
    return newline.join(lines).encode("utf-8")


def keyed(notes: list[str], key: str) -> list[str]:
    return [note for note in notes if getattr(note, "key", "") == key]


def assert_year(meter, kw: np.ndarray) -> None:
    """The typical year holds the energy and the peak put in (float sums: rel 1e-9)."""
    annual, peak = expected(kw)
    assert meter.annual_kwh == pytest.approx(annual, rel=1e-9)
    assert float(meter.load_kw.max()) == pytest.approx(peak, rel=1e-9)


# --------------------------------------------------------------------------- 1. multiplier
def register_with_multiplier_80() -> tuple[np.ndarray, list[str]]:
    """kW of 2025 (480 at night, 960 by day) and the CSV lines of a register from 1000 read
    with 倍率 80: it advances kW / 4 / 80 per quarter hour, 1.5 and 3.0, exact in binary
    and in 4 decimals."""
    kw = day_profile(480.0, 960.0)
    register = 1000.0 + np.concatenate([[0.0], np.cumsum(kw * 0.25 / 80.0)])
    lines = ["时间,正向有功示数,倍率"] + [
        f"{t:%Y-%m-%d %H:%M},{r:.4f},80" for t, r in zip(READINGS_AT, register, strict=True)]
    return kw, lines


def test_register_readings_are_multiplied_by_the_multiplier_column():
    kw, lines = register_with_multiplier_80()
    meter = read_meter_file(csv_bytes(lines))
    q = meter.quality
    assert q.units == "kwh_cumulative" and q.value_column == "正向有功示数"
    assert_year(meter, kw)  # 5,956,800 kWh, 960 kW; left out, 74,460 kWh and 12 kW
    applied = keyed(q.warnings, "notes.meter.multiplier_applied")
    assert len(applied) == 1 and "'倍率' (80)" in applied[0]
    assert render(applied[0], "zh") == (
        "“正向有功示数”列的电表示数已乘以倍率列“倍率”（80）：电量 = 相邻两次示数之差 × 倍率")


def test_a_change_of_multiplier_makes_no_jump():
    # The CT is changed on 2025-07-01 at 02:00 (night, 480 kW): 倍率 80 before, 120 after,
    # and the register runs on. Multiplying every reading by its own 倍率 would put a jump
    # of reading x 40 (some 100 MWh) into that quarter hour.
    kw = day_profile(480.0, 960.0)
    change = int(np.flatnonzero(STARTS == pd.Timestamp("2025-07-01 02:00"))[0])
    per_interval = np.where(np.arange(len(kw)) < change, 80.0, 120.0)
    register = 1000.0 + np.concatenate([[0.0], np.cumsum(kw * 0.25 / per_interval)])
    at_reading = np.where(np.arange(len(register)) <= change, 80, 120)
    lines = ["抄表时间,正向有功总示数,综合倍率"] + [
        f"{t:%Y-%m-%d %H:%M},{r:.4f},{m}"
        for t, r, m in zip(READINGS_AT, register, at_reading, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    q = meter.quality
    # the one step across the change is a gap, interpolated between 480 and 480 kW
    assert q.interpolated_intervals == 1
    assert_year(meter, kw)
    assert float(meter.source_load_kw.max()) == 960.0
    # the first reading at 120 is reading change + 1, on file line change + 3 (header line 1)
    row = change + 3
    changes = keyed(q.warnings, "notes.meter.multiplier_changes")
    assert len(changes) == 1 and f"first at row {row} (80 to 120)" in changes[0]
    assert render(changes[0], "zh").startswith(f"倍率变化 1 次，首次在第 {row} 行（由 80 变为 120）")
    applied = keyed(q.warnings, "notes.meter.multiplier_applied")
    assert "(80–120)" in applied[0]


def test_ct_and_pt_ratio_columns_multiply():
    # CT 200/5 (40) x PT 10 = 400: the register advances kW / 1600 per quarter hour
    kw = day_profile(480.0, 960.0)
    register = 50.0 + np.concatenate([[0.0], np.cumsum(kw * 0.25 / 400.0)])
    lines = ["time,reading (kWh),CT ratio,PT ratio"] + [
        f"{t:%Y-%m-%d %H:%M},{r:.6f},200/5,10" for t, r in zip(READINGS_AT, register, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    assert meter.quality.units == "kwh_cumulative"
    annual, peak = expected(kw)
    # 6 decimals of a reading x 400: each quarter hour's kW within 4 x 400 x 1e-6
    assert meter.annual_kwh == pytest.approx(annual, rel=1e-6)
    assert float(meter.load_kw.max()) == pytest.approx(peak, abs=2e-3)
    applied = keyed(meter.quality.warnings, "notes.meter.multiplier_applied")
    assert "'CT ratio × PT ratio' (400)" in applied[0]


def test_a_multiplier_next_to_kw_is_not_applied_but_named():
    kw = day_profile(312.5, 850.0)
    lines = ["时间,有功功率(kW),倍率"] + [
        f"{t:%Y-%m-%d %H:%M},{v},80" for t, v in zip(STARTS, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    assert meter.quality.value_column == "有功功率(kW)" and meter.quality.units == "kw"
    assert_year(meter, kw)
    said = keyed(meter.quality.warnings, "notes.meter.multiplier_not_applied")
    assert len(said) == 1
    assert "'倍率' (80) was not applied" in said[0] and "assumption" in said[0]
    assert render(said[0], "zh").startswith(
        "未使用倍率列“倍率”（80）：“有功功率(kW)”列的数值为平均功率（kW），按原值读取")


def test_a_multiplier_cell_that_is_not_a_number_names_its_row():
    _, lines = register_with_multiplier_80()
    lines[10] = lines[10].rsplit(",", 1)[0] + ",八十"  # file line 11
    with pytest.raises(LoadFileError) as info:
        read_meter_file(csv_bytes(lines))
    assert info.value.message.key == "errors.meter.multiplier_not_number"
    assert "row 11, column '倍率': '八十' is not a multiplier" in str(info.value)
    assert "第 11 行“倍率”列的“八十”不是倍率" in render(info.value.message, "zh")


# --------------------------------------------------------------------------- 2. watts
@pytest.mark.parametrize("header", ["功率/W", "功率 W", "功率(瓦)", "有功功率（瓦）", "P [W]",
                                    "功率W", "Power W"])
def test_a_header_in_watts_is_read_as_watts(header):
    kw = day_profile(312.5, 850.25)
    lines = [f"时间,{header}"] + [
        f"{t:%Y-%m-%d %H:%M},{1000 * v:.0f}" for t, v in zip(STARTS, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    q = meter.quality
    assert (q.units, q.unit_scale) == ("kw", 0.001)
    assert_year(meter, kw)  # 1,000 times this unread
    assert q.units_reason.key == "notes.meter.units.header_unit_scaled"
    # the header's own unit, W, converted to kW (it once said "gives the unit kW")
    assert q.units_reason == f"header '{header}' gives the unit W (x0.001 to kW)"
    assert render(q.units_reason, "zh") == f"表头“{header}”注明单位为 W（乘以 0.001 换算为 kW）"


@pytest.mark.parametrize(("header", "unit"), [
    ("kW", ("kw", 1.0)), ("kWh", ("kwh", 1.0)), ("Power (kW)", ("kw", 1.0)),
    ("Power", None), ("Wirkleistung", None), ("W相电压", None), ("千瓦", ("kw", 1.0)),
    ("兆瓦", ("kw", 1000.0)), ("瓦", ("kw", 0.001)), ("千瓦时", ("kwh", 1.0)),
    ("兆瓦时", ("kwh", 1000.0)), ("瓦时", ("kwh", 0.001)), ("电量(度)", ("kwh", 1.0)),
    ("电量/Wh", ("kwh", 0.001)), ("功率/kW", ("kw", 1.0)), ("功率(W/m²)", None),
    ("有功功率（瓦）", ("kw", 0.001)), ("电量(千瓦时)", ("kwh", 1.0)), ("Load MW", ("kw", 1000.0)),
    ("功率(万kW)", ("kw", 10000.0)),
])
def test_unit_words_without_false_positives(header, unit):
    found = header_unit(header)
    assert (None if found is None else found[:2]) == unit


def test_kw_and_power_headers_stay_kw():
    kw = day_profile(312.5, 850.25)
    for header in ("kW", "Power"):
        lines = [f"time,{header}"] + [
            f"{t:%Y-%m-%d %H:%M},{v}" for t, v in zip(STARTS, kw, strict=True)]
        meter = read_meter_file(csv_bytes(lines))
        assert (meter.quality.units, meter.quality.unit_scale) == ("kw", 1.0)
        assert_year(meter, kw)


# --------------------------------------------------------------------------- 3. commas
def test_tab_file_with_decimal_commas():
    kw = day_profile(500.12, 812.75)
    lines = ["Zeit\tLeistung kW"] + [
        f"{t:%Y-%m-%d %H:%M}\t{v:.2f}".replace(".", ",") for t, v in zip(STARTS, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines), filename="leistung.txt")
    assert_year(meter, kw)  # refused before: '500,12' is not a number
    said = keyed(meter.quality.warnings, "notes.meter.decimal_comma")
    assert said == ["the commas in column 'Leistung kW' are decimal marks: '500,12' (row 2) "
                    "read as 500.12"]
    assert render(said[0], "zh") == "“Leistung kW”列中的逗号是小数点：第 2 行的“500,12”按 500.12 读取"


def test_quoted_three_decimal_commas_in_a_comma_file_are_refused_not_read_1000_times_too_large():
    # every cell "625,125": 625125 or 625.125 kW, and no cell tells which
    kw = day_profile(625.125, 812.5)
    lines = ["Zeit,Leistung kW"] + [
        f'{t:%Y-%m-%d %H:%M},"{v:.3f}"'.replace(".", ",") for t, v in zip(STARTS, kw, strict=True)]
    with pytest.raises(LoadFileError) as info:
        read_meter_file(csv_bytes(lines), filename="leistung.csv")
    assert info.value.message.key == "errors.meter.comma_ambiguous"
    text = str(info.value)
    assert "column 'Leistung kW' holds numbers such as '625,125' (row 2)" in text
    assert "thousands (625125) or mark the decimals (625.125)" in text
    zh = render(info.value.message, "zh")
    assert "第 2 行的“625,125”" in zh and "千位分隔符（625125）" in zh and "小数点（625.125）" in zh
    # the same in a ';' file reads decimal commas, as it always did
    semicolon = [line.replace(',"', ";").replace('"', "") for line in lines]
    semicolon[0] = "Zeit;Leistung kW"
    assert_year(read_meter_file(csv_bytes(semicolon)), kw)


def test_thousands_commas_read_where_the_small_numbers_have_none():
    # 850 kW at night, "1,250" by day: the comma appears exactly from 1,000 on
    kw = day_profile(850.0, 1250.0)
    lines = ["时间,有功功率(kW)"] + [
        f'{t:%Y-%m-%d %H:%M},"{v:,.0f}"' for t, v in zip(STARTS, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    assert_year(meter, kw)
    said = keyed(meter.quality.warnings, "notes.meter.thousands_comma")
    assert len(said) == 1 and "'1,250' (row 34) read as 1250" in said[0]
    assert render(said[0], "zh") == (
        "“有功功率(kW)”列中的逗号是千位分隔符：第 34 行的“1,250”按 1250 读取，"
        "因为该列小于 1,000 的数值都不带逗号（如第 2 行的 850）")


def test_decimal_commas_read_where_the_large_numbers_have_no_separator():
    # "850,125" at night, 1250 by day without a separator: the comma is a decimal mark
    kw = day_profile(850.125, 1250.0)
    lines = ["时间\t有功功率(kW)"] + [
        f"{t:%Y-%m-%d %H:%M}\t{v:g}".replace(".", ",") for t, v in zip(STARTS, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    assert_year(meter, kw)
    said = keyed(meter.quality.warnings, "notes.meter.decimal_comma_ungrouped")
    assert len(said) == 1 and "'850,125' (row 2) read as 850.125" in said[0]
    assert "如第 34 行的 1250" in render(said[0], "zh")


def test_dot_thousands_with_a_decimal_comma_in_a_semicolon_file():
    kw = day_profile(500.125, 800.125)  # exported in W as 500.125,0
    lines = ["Zeit;Leistung (W)"] + [
        f"{t:%Y-%m-%d %H:%M};" + f"{1000 * v:,.1f}".replace(",", "X").replace(".", ",")
        .replace("X", ".") for t, v in zip(STARTS, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    assert meter.quality.unit_scale == 0.001
    assert_year(meter, kw)  # refused before: no row with a date and a number


def test_a_column_mixing_both_formats_is_refused():
    kw = day_profile(500.5, 812.25)
    lines = ["time,kW"] + [
        f'{t:%Y-%m-%d %H:%M},"{v:.2f}"'.replace(".", ",") for t, v in zip(STARTS, kw, strict=True)]
    lines[5] = lines[5].split(",")[0] + ',"1,234.5"'
    with pytest.raises(LoadFileError) as info:
        read_meter_file(csv_bytes(lines))
    assert info.value.message.key == "errors.meter.comma_mixed"
    assert "'1,234.5' (row 6) is written like 1,234.5 and '500,50' (row 2)" in str(info.value)
    assert "第 6 行的“1,234.5”属于 1,234.5 的写法" in render(info.value.message, "zh")


# --------------------------------------------------------------------------- 4. renamed CSV
@pytest.mark.parametrize(("separator", "en", "zh"), [(",", "comma", "逗号"),
                                                     ("\t", "tab", "制表符")])
def test_a_csv_renamed_xlsx_is_read_as_text(tmp_path, separator, en, zh):
    kw = day_profile(312.5, 850.0)
    lines = [f"时间{separator}有功功率(kW)"] + [
        f"{t:%Y-%m-%d %H:%M}{separator}{v}" for t, v in zip(STARTS, kw, strict=True)]
    path = tmp_path / "负荷导出.xlsx"
    path.write_bytes(csv_bytes(lines))
    meter = read_meter_file(path)
    assert meter.quality.file_format == "csv" and meter.quality.encoding == "utf-8"
    assert_year(meter, kw)
    said = keyed(meter.quality.warnings, "notes.meter.xlsx_is_text")
    assert said == [f"the file is named .xlsx but is not an Excel workbook: it holds text, "
                    f"read as a CSV file ({en}-separated)"]
    assert render(said[0], "zh") == (
        f"文件扩展名为 XLSX，但内容不是 Excel 工作簿而是文本：已按 CSV 文件读取（以{zh}分隔）")


@pytest.mark.parametrize("raw", [b"PK\x03\x04 not really a workbook",
                                 b"\x00\x01\x02binary\x00" * 20])
def test_a_broken_or_binary_xlsx_stays_refused(raw):
    with pytest.raises(LoadFileError) as info:
        read_meter_file(raw, filename="meter.xlsx")
    assert info.value.message.key == "errors.meter.xlsx_unreadable"
