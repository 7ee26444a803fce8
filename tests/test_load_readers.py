"""Meter-file reader: formats, encodings, units, labels, DST, cleaning and the calendar map.

Fixtures are generated here (tmp_path / bytes). Expected numbers are computed independently in
the tests from the generated data (hand arithmetic on the same arrays), not by the reader.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pvplanner.errors import LoadFileError
from pvplanner.holidays import day_types
from pvplanner.load.meter import map_days_to_typical_year, read_meter_file


def synthetic_kw(index: pd.DatetimeIndex, seed: int = 0) -> np.ndarray:
    """A plausible one-shift factory: 60 kW base, +120 kW 08-18 h on weekdays, noise."""
    rng = np.random.default_rng(seed)
    local = pd.DatetimeIndex(index)
    working = (local.day_of_week < 5) & (local.hour >= 8) & (local.hour < 18)
    seasonal = 10 * np.sin(2 * np.pi * local.day_of_year / 365.0)
    return np.round(np.asarray(60 + 120 * working + seasonal) + rng.normal(0, 2, len(local)), 3)


def csv_bytes(lines: list[str], encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    return newline.join(lines).encode(encoding)


def test_gbk_csv_chinese_headers_15min_end_labels():
    # 2025 at 15 min, labels at interval END (first row 00:15, last row 2026-01-01 00:00),
    # Chinese slash dates without zero padding, GBK encoded, like a State Grid export.
    ends = pd.date_range("2025-01-01 00:15", periods=35040, freq="15min")
    kw = synthetic_kw(ends - pd.Timedelta(minutes=15))
    lines = ["用户：某某纺织有限公司  电表：3300123", "时间,有功功率"] + [
        f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d},{v}"
        for t, v in zip(ends, kw, strict=True)
    ]
    meter = read_meter_file(csv_bytes(lines, "gbk"), filename="负荷.csv")
    q = meter.quality
    assert q.encoding == "gbk"
    assert q.header_row == 2
    assert q.timestamp_columns == ["时间"] and q.value_column == "有功功率"
    assert q.interval_minutes == 15 and q.output_interval_minutes == 15
    assert q.interval_label == "end"
    assert q.units == "kw" and "功率" in q.units_reason
    assert q.coverage_percent == 100.0 and q.filled_intervals == 0
    assert len(meter.load_kw) == 35040
    # the value labelled 00:15 is the interval starting at 00:00 (exact copy)
    assert meter.source_load_kw.iloc[0] == kw[0]
    assert meter.source_load_kw.index[0] == pd.Timestamp("2025-01-01 00:00", tz="UTC+08:00")
    assert meter.source_load_kw.sum() == pytest.approx(kw.sum(), rel=1e-12)
    assert meter.load_kw.index.equals(
        pd.date_range("2026-01-01", periods=35040, freq="15min", tz="UTC+08:00", name="time")
    )


def test_xlsx_kwh_per_interval_30min(tmp_path):
    starts = pd.date_range("2025-01-01", periods=17520, freq="30min")
    kw = synthetic_kw(starts, seed=1)
    kwh = np.round(kw * 0.5, 4)  # energy of each half hour
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(["2025年负荷数据"])  # a title row above the header
    sheet.append(["数据时间", "正向有功电量(kWh)", "无功电量(kvarh)"])
    for t, e in zip(starts, kwh, strict=True):
        sheet.append([t.to_pydatetime(), float(e), 1.0])
    path = tmp_path / "meter.xlsx"
    book.save(path)
    meter = read_meter_file(path)
    q = meter.quality
    assert (q.file_format, q.sheet, q.header_row) == ("xlsx", "数据", 2)
    assert q.value_column == "正向有功电量(kWh)"
    assert q.units == "kwh" and q.interval_minutes == 30
    # Planned on quarter hours (demand is billed on 15-minute means; a half hour's mean is
    # the closest the file gives), each half hour's mean held over its two quarters: it was
    # averaged to hours, which billed demand 11.6 % low on a reviewer's factory file.
    assert q.output_interval_minutes == 15 and len(meter.load_kw) == 35040
    # kWh per half hour x 2 = kW
    assert meter.source_load_kw.iloc[:2].tolist() == pytest.approx(list(kwh[:2] * 2), rel=1e-12)
    # 2025-01-06 (Mon) 10:00-10:30 lands on 2026-01-05 (Mon) 10:00 (364-day shift)
    k = starts.get_loc(pd.Timestamp("2025-01-06 10:00"))
    for quarter in ("10:00", "10:15"):
        shown = meter.load_kw.loc[f"2026-01-05 {quarter}"].item()
        assert shown == pytest.approx(kwh[k] * 2, rel=1e-12)
    assert meter.load_kw.loc["2026-01-05 10:30"].item() == pytest.approx(kwh[k + 1] * 2,
                                                                         rel=1e-12)


def test_separate_date_and_time_columns_with_24_00_and_bom():
    # hourly energy with the hour-ending convention 01:00 ... 24:00 and a UTF-8 BOM
    starts = pd.date_range("2025-01-01", periods=8760, freq="h")
    kw = synthetic_kw(starts, seed=2)
    lines = ["日期,时刻,用电量(kWh)"]
    for t, v in zip(starts, kw, strict=True):
        end = t + pd.Timedelta(hours=1)
        label = "24:00" if end.hour == 0 else f"{end.hour:02d}:00"
        lines.append(f"{t:%Y-%m-%d},{label},{v}")
    meter = read_meter_file(b"\xef\xbb\xbf" + csv_bytes(lines))
    q = meter.quality
    assert q.encoding == "utf-8-sig"
    assert q.timestamp_columns == ["日期", "时刻"]
    assert q.interval_label == "end" and "24:00" in q.interval_label_reason
    assert q.units == "kwh" and q.filled_intervals == 0 and q.duplicates == 0
    np.testing.assert_allclose(meter.source_load_kw.to_numpy(), kw, rtol=0, atol=0)


def test_single_column_24_00_labels_and_dashes():
    starts = pd.date_range("2025-03-01", periods=24 * 40, freq="h")
    kw = synthetic_kw(starts, seed=3)
    lines = ["时间,负荷(kW)"]
    for t, v in zip(starts, kw, strict=True):
        end = t + pd.Timedelta(hours=1)
        text = f"{t:%Y-%m-%d} 24:00" if end.hour == 0 else f"{end:%Y-%m-%d %H:%M}"
        lines.append(f"{text},{v}")
    meter = read_meter_file(csv_bytes(lines))
    assert meter.quality.interval_label == "end"
    np.testing.assert_array_equal(meter.source_load_kw.to_numpy(), kw)


def test_dst_new_york_spring_forward_and_fall_back():
    # A meter in New York logs hourly wall-clock time: 02:00 is missing on 2025-03-09 and
    # 01:00 appears twice on 2025-11-02. Values are tagged with the true UTC hour.
    utc = pd.date_range("2025-01-01 05:00", "2026-01-01 04:00", freq="h", tz="UTC")
    wall = utc.tz_convert("America/New_York").tz_localize(None)
    kw = 100 + (np.arange(len(utc)) % 97)  # distinct, so misplaced hours would show
    lines = ["Timestamp,Demand (kW)"] + [
        f"{t:%m/%d/%Y %H:%M},{v}" for t, v in zip(wall, kw, strict=True)
    ]
    meter = read_meter_file(csv_bytes(lines), utc_offset_hours=-5, timezone="America/New_York")
    q = meter.quality
    assert q.duplicates == 0 and q.filled_intervals == 0 and q.coverage_percent == 100.0
    text = " ".join(q.dst_fixes)
    assert "2025-11-02" in text and "fall-back" in text
    assert "2025-03-09" in text and "spring-forward" in text
    # in standard time (UTC-5) every hour is present and holds its own value
    est = utc.tz_convert("UTC").tz_localize(None) - pd.Timedelta(hours=5)
    np.testing.assert_array_equal(
        meter.source_load_kw.loc[pd.Timestamp(est[0], tz="UTC-05:00") :].iloc[: len(kw)].to_numpy(),
        kw,
    )


def test_duplicates_kept_as_mean_and_reported():
    starts = pd.date_range("2025-01-01", periods=24 * 60, freq="h")
    kw = synthetic_kw(starts, seed=4)
    lines = ["time,power_kw"] + [
        f"{t:%Y-%m-%d %H:%M:%S},{v}" for t, v in zip(starts, kw, strict=True)
    ]
    lines.insert(11, f"{starts[9]:%Y-%m-%d %H:%M:%S},{kw[9] + 10}")  # same timestamp, +10 kW
    lines.insert(31, f"{starts[28]:%Y-%m-%d %H:%M:%S},{kw[28] - 4}")
    meter = read_meter_file(csv_bytes(lines))
    q = meter.quality
    assert q.duplicates == 2
    assert meter.source_load_kw.iloc[9] == pytest.approx(kw[9] + 5)  # mean of v and v + 10
    assert meter.source_load_kw.iloc[28] == pytest.approx(kw[28] - 2)
    assert q.duplicate_examples[0]["rows"] == [11, 12]


def test_short_gap_interpolated_long_gap_filled_from_profile():
    starts = pd.date_range("2025-01-01", periods=96 * 90, freq="15min")
    kw = synthetic_kw(starts, seed=5)
    keep = np.ones(len(starts), dtype=bool)
    short = slice(starts.get_loc(pd.Timestamp("2025-02-10 10:00")), None)
    s0 = short.start
    keep[s0 : s0 + 6] = False  # 1.5 h: interpolated
    l0 = starts.get_loc(pd.Timestamp("2025-03-10 00:00"))
    keep[l0 : l0 + 96 * 3] = False  # 3 whole days (Mon-Wed): profile
    lines = ["时间,有功功率(kW)"] + [
        f"{t:%Y-%m-%d %H:%M},{v}" for t, v, k in zip(starts, kw, keep, strict=True) if k
    ]
    meter = read_meter_file(csv_bytes(lines))
    q = meter.quality
    assert q.interpolated_intervals == 6
    assert q.profile_filled_intervals == 288
    assert q.filled_intervals == 294
    assert len(q.long_gaps) == 1 and q.long_gaps[0]["hours"] == 72.0
    assert q.long_gaps[0]["start"] == "2025-03-10T00:00:00"
    src = meter.source_load_kw.to_numpy()
    # linear interpolation between the neighbours (hand calculation)
    left, right = kw[s0 - 1], kw[s0 + 6]
    np.testing.assert_allclose(src[s0 : s0 + 6], left + (right - left) * np.arange(1, 7) / 7)
    # the long gap takes the mean of the other March workdays at the same quarter hour
    frame = pd.DataFrame({"kw": kw, "keep": keep}, index=starts)
    types = day_types(starts)["day_type"].to_numpy()
    march_workdays = frame[(starts.month == 3) & (types == "workday") & keep]
    slot_mean = march_workdays.groupby(march_workdays.index.time)["kw"].mean()
    np.testing.assert_allclose(src[l0 : l0 + 96], slot_mean.to_numpy(), rtol=1e-12)


def test_outliers_flagged_and_treated_as_gaps():
    starts = pd.date_range("2025-01-01", periods=24 * 60, freq="h")
    kw = synthetic_kw(starts, seed=6)
    kw[100] = -50.0
    kw[200] = 99999.0  # > 20 x median
    lines = ["time,load kW"] + [f"{t:%Y-%m-%d %H:%M},{v}" for t, v in zip(starts, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    q = meter.quality
    assert q.outliers == 2
    assert {e["row"] for e in q.outlier_examples} == {102, 202}
    assert q.interpolated_intervals == 2
    src = meter.source_load_kw.to_numpy()
    assert src[100] == pytest.approx((kw[99] + kw[101]) / 2)
    assert src.max() < 1000


def test_cumulative_register_is_differenced():
    starts = pd.date_range("2025-01-01", periods=96 * 40 + 1, freq="15min")
    kw = synthetic_kw(starts, seed=7)
    register = 123456.0 + np.concatenate([[0.0], np.cumsum(kw[:-1] * 0.25)])
    lines = ["抄表时间,正向有功总示数"] + [
        f"{t:%Y-%m-%d %H:%M},{r:.4f}" for t, r in zip(starts, register, strict=True)
    ]
    meter = read_meter_file(csv_bytes(lines))
    q = meter.quality
    assert q.units == "kwh_cumulative"
    # interval starting at reading i has energy r[i+1] - r[i]: kW = 4 x that
    np.testing.assert_allclose(meter.source_load_kw.to_numpy()[:100], kw[:100], atol=2e-3)


def test_monday_lands_on_monday_and_spring_festival_moves():
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    starts = pd.date_range("2025-01-01", periods=365 * 24, freq="h")
    # each day's load encodes its day of year; Spring Festival 2025 (28 Jan - 4 Feb) is low
    doy = starts.day_of_year.to_numpy().astype(float)
    sf = (starts >= "2025-01-28") & (starts < "2025-02-05")
    kw = np.where(sf, 5.0 + doy / 1000, 100.0 + doy)
    lines = ["time,kW"] + [f"{t:%Y-%m-%d %H:%M},{v}" for t, v in zip(starts, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    load = meter.load_kw
    assert meter.quality.mapping["shift_days"] == 364
    monday = load.loc["2026-01-05 10:00"].item()
    assert monday == 100.0 + pd.Timestamp("2025-01-06").day_of_year
    assert pd.Timestamp("2026-01-05").day_of_week == pd.Timestamp("2025-01-06").day_of_week == 0
    # the 2026 festival (15-23 Feb) takes the 2025 festival's low load
    assert (load.loc["2026-02-15":"2026-02-23"] < 10).all()
    # where the 2025 festival would land by weekday shift alone (27 Jan 2026) it is normal
    assert (load.loc["2026-01-27":"2026-02-02"] > 100).all()
    assert meter.quality.mapping["spring_festival"]["source"] == ["2025-01-28", "2025-02-04"]
    assert len(days) == 365


def test_map_days_weekday_alignment_unit():
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    mapping, info = map_days_to_typical_year(days)
    target = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    assert info["days_from_source"] == 365
    same_weekday = days[mapping].day_of_week == target.day_of_week
    # only holidays and make-up workdays may break weekday alignment
    types = day_types(target)["day_type"].to_numpy()
    src_types = day_types(days[mapping])["day_type"].to_numpy()
    assert (types == src_types).mean() > 0.99
    assert same_weekday[(types == "workday") & (target.day_of_week < 5)].mean() > 0.95


def test_uncovered_year_maps_by_weekday_only():
    starts = pd.date_range("2031-01-01", periods=24 * 365, freq="h")
    lines = ["time,kW"] + [f"{t:%Y-%m-%d %H:%M},{100 + t.day_of_year}" for t in starts]
    meter = read_meter_file(csv_bytes(lines))
    m = meter.quality.mapping
    assert m["holidays_matched"] is False and "2031" in m["holiday_note"]
    # 2031-01-02 (Thu) lands on 2026-01-01 (Thu): 261 weeks = 1827 days back
    assert m["shift_days"] == -1827


def test_thirteen_months_fill_the_year_from_data():
    starts = pd.date_range("2024-12-01", "2025-12-31 23:00", freq="h")
    lines = ["time,kW"] + [f"{t:%Y-%m-%d %H:%M},{50 + t.month}" for t in starts]
    meter = read_meter_file(csv_bytes(lines))
    m = meter.quality.mapping
    assert m["days_from_source"] == 365 and m["days_filled_from_profile"] == 0
    assert meter.quality.year_coverage_percent == 100.0


def test_partial_year_is_filled_and_reported():
    starts = pd.date_range("2025-06-01", periods=24 * 61, freq="h")
    kw = synthetic_kw(starts, seed=8)
    lines = ["time,kW"] + [f"{t:%Y-%m-%d %H:%M},{v}" for t, v in zip(starts, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    q = meter.quality
    assert q.mapping["days_filled_from_profile"] == 365 - 61
    assert q.year_coverage_percent == pytest.approx(100 * 61 / 365, abs=0.01)
    assert any("months without any data" in w for w in q.warnings)
    from pvplanner.display.messages import render

    missing = [w for w in q.warnings if getattr(w, "key", "") == "notes.meter.months_missing"]
    assert missing and render(missing[0], "zh").startswith("第 ")
    assert "no data" not in render(missing[0], "zh")
    assert np.isfinite(meter.load_kw).all() and len(meter.load_kw) == 8760


def test_too_short_file_names_coverage():
    starts = pd.date_range("2025-01-01", periods=24 * 20, freq="h")
    lines = ["time,kW"] + [f"{t:%Y-%m-%d %H:%M},100" for t in starts]
    with pytest.raises(LoadFileError, match=r"only 20\.0 days.*rows 2-481.*5\.5% of a year"):
        read_meter_file(csv_bytes(lines))


def test_units_without_header_unit_default_kw_and_override():
    starts = pd.date_range("2025-01-01", periods=96 * 40, freq="15min")
    kw = synthetic_kw(starts, seed=9)
    lines = ["time,value"] + [f"{t:%Y-%m-%d %H:%M},{v}" for t, v in zip(starts, kw, strict=True)]
    auto = read_meter_file(csv_bytes(lines))
    assert auto.quality.units == "kw" and "“Values in the file are”" in auto.quality.units_reason
    assert "units=" not in auto.quality.units_reason
    as_kwh = read_meter_file(csv_bytes(lines), units="kwh")
    assert as_kwh.quality.units == "kwh"
    np.testing.assert_allclose(as_kwh.source_load_kw.to_numpy(), auto.source_load_kw.to_numpy() * 4)


def test_summary_row_decides_kwh():
    starts = pd.date_range("2025-01-01", periods=96 * 30, freq="15min")
    values = np.round(synthetic_kw(starts, seed=10) / 4, 3)
    lines = ["时间,数值"] + [f"{t:%Y-%m-%d %H:%M},{v}" for t, v in zip(starts, values, strict=True)]
    lines.append(f"合计,{values.sum():.3f}")
    meter = read_meter_file(csv_bytes(lines))
    assert meter.quality.units == "kwh" and "合计" in meter.quality.units_reason
    assert meter.quality.dropped_rows[0]["reason"] == "summary"


def test_mw_header_scaled_to_kw():
    starts = pd.date_range("2025-01-01", periods=24 * 30, freq="h")
    lines = ["time,Load (MW)"] + [f"{t:%Y-%m-%d %H:%M},1.5" for t in starts]
    meter = read_meter_file(csv_bytes(lines))
    assert meter.quality.unit_scale == 1000.0
    assert meter.source_load_kw.iloc[0] == 1500.0


def test_text_in_number_column_names_row_and_column():
    starts = pd.date_range("2025-01-01", periods=24 * 30, freq="h")
    lines = ["时间,有功功率"] + [f"{t:%Y-%m-%d %H:%M},100" for t in starts]
    lines[9] = lines[9].replace(",100", ",abc")  # file line 10
    with pytest.raises(LoadFileError, match=r"row 10, column '有功功率': 'abc' is not a number"):
        read_meter_file(csv_bytes(lines))


def test_bad_timestamp_in_the_middle_names_row():
    starts = pd.date_range("2025-01-01", periods=24 * 30, freq="h")
    lines = ["时间,有功功率"] + [f"{t:%Y-%m-%d %H:%M},100" for t in starts]
    lines[50] = "2025-13-45 99:00,100"
    with pytest.raises(LoadFileError, match=r"row 51, column '时间'"):
        read_meter_file(csv_bytes(lines))


def test_meter_errors_list_rows_and_columns_in_the_readers_language():
    """Chinese lists take the enumeration comma and Chinese quotes, never a Python repr."""
    from pvplanner.display.messages import render

    starts = pd.date_range("2025-01-01", periods=24 * 30, freq="h")
    lines = ["时间,有功功率"] + [f"{t:%Y-%m-%d %H:%M},100" for t in starts]
    for k in (9, 12):
        lines[k] = lines[k].replace(",100", ",abc")
    with pytest.raises(LoadFileError) as info:
        read_meter_file(csv_bytes(lines))
    zh = render(info.value.message, "zh")
    assert "“有功功率”列的“abc”不是数字" in zh
    assert "例如第 10、13 行" in zh
    assert "(cells like it: 2; row numbers: 10, 13)" in render(info.value.message, "en")

    lines = ["时间,有功功率"] + [f"{t:%Y-%m-%d %H:%M},100" for t in starts]
    lines[50] = "2025-13-45 99:00,100"
    lines[52] = "bogus,100"
    with pytest.raises(LoadFileError) as info:
        read_meter_file(csv_bytes(lines))
    zh = render(info.value.message, "zh")
    assert "第 51 行“时间”列的“2025-13-45 99:00”不是" in zh
    assert "第 51、53 行" in zh and "'" not in zh

    lines = ["时间,有功功率"] + [f"{t:%Y-%m-%d %H:%M},100" for t in starts]
    with pytest.raises(LoadFileError) as info:
        read_meter_file(csv_bytes(lines), value_column="电量")
    zh = render(info.value.message, "zh")
    assert zh.endswith("没有名为“电量”的列（数值列）；现有列为：“时间”、“有功功率”"), zh
    assert "no column named '电量' for the readings; the columns are: '时间', '有功功率'" in \
        render(info.value.message, "en")


def test_a_first_reading_with_text_is_a_row_to_correct_not_the_header():
    starts = pd.date_range("2025-01-01", periods=24 * 30, freq="h")
    lines = ["时间,有功功率"] + [f"{t:%Y-%m-%d %H:%M},100" for t in starts]
    lines[1] = lines[1].replace(",100", ",abc")  # the first reading, file line 2
    with pytest.raises(LoadFileError,
                       match=r"row 2, column '有功功率': 'abc' is not a number"):
        read_meter_file(csv_bytes(lines))


def test_a_column_in_watts_read_as_kw_is_refused_not_planned_on_the_rest():
    """A 1,100 kW factory exported in W: every reading above 1 GW was dropped as a spike and
    the plan made on the rest, themselves 1,000 times too large."""
    from pvplanner.display.messages import render

    starts = pd.date_range("2025-01-01", periods=24 * 60, freq="h")
    kw = 700.0 + 400.0 * np.sin(np.arange(len(starts)) / 24 * 2 * np.pi)
    lines = ["时间,有功功率(kW)"] + [f"{t:%Y-%m-%d %H:%M},{1000 * v:.0f}"
                                   for t, v in zip(starts, kw, strict=True)]
    with pytest.raises(LoadFileError) as info:
        read_meter_file(csv_bytes(lines))
    text = render(info.value.message, "en")
    assert "exceed 1,000,000 kW" in text and "most likely in W, not kW" in text
    above = int((1000 * kw > 1e6).sum())
    assert f"{above:,} of the {len(kw):,} readings" in text
    assert "很可能以瓦（W）而非千瓦（kW）计" in render(info.value.message, "zh")
    # A few corrupt cells stay spikes, dropped as gaps.
    lines = ["时间,有功功率(kW)"] + [f"{t:%Y-%m-%d %H:%M},{v:.1f}"
                                   for t, v in zip(starts, kw, strict=True)]
    for k in (5, 50, 500):
        lines[k] = lines[k].rsplit(",", 1)[0] + ",50000000"
    meter = read_meter_file(csv_bytes(lines))
    assert meter.load_kw.max() < 1200


def test_blank_cells_are_gaps_and_blank_lines_kept_in_row_numbers():
    starts = pd.date_range("2025-01-01", periods=24 * 30, freq="h")
    lines = ["time,kW"] + [f"{t:%Y-%m-%d %H:%M},100" for t in starts]
    lines[5] = lines[5].split(",")[0] + ","  # blank value
    lines.insert(8, "")  # a blank line
    lines[20] = lines[20].replace(",100", ",abc")
    with pytest.raises(LoadFileError, match=r"row 21,"):
        read_meter_file(csv_bytes(lines))
    lines[20] = lines[20].replace(",abc", ",100")
    meter = read_meter_file(csv_bytes(lines))
    assert meter.quality.interpolated_intervals == 1


def test_xlsx_sheet_choice_and_errors(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为电表导出数据"])
    data = book.create_sheet("负荷")
    data.append(["日期", "时间", "功率", None])
    data.append([None, None, "kW", None])  # a units row under the header
    for t in pd.date_range("2025-05-01", periods=24 * 30, freq="h"):
        data.append([t.date(), dt.time(t.hour, 0), 80.0 + t.hour, None])
    buffer = io.BytesIO()
    book.save(buffer)
    raw = buffer.getvalue()
    meter = read_meter_file(raw, sheet="负荷")
    assert meter.quality.sheet == "负荷" and meter.quality.value_column == "功率 (kW)"
    assert meter.source_load_kw.iloc[13] == 93.0
    with pytest.raises(LoadFileError, match="no row with a date/time and a number"):
        read_meter_file(raw, sheet=0)
    with pytest.raises(LoadFileError, match="no sheet named 'x'; the sheets are: 说明, 负荷"):
        read_meter_file(raw, sheet="x")
    # default: the first sheet with data is '说明', which has none
    with pytest.raises(LoadFileError, match="sheet '说明'"):
        read_meter_file(raw)


def test_old_xls_and_empty_and_binary_files():
    with pytest.raises(LoadFileError, match=r"\.xls"):
        read_meter_file(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(LoadFileError, match="empty"):
        read_meter_file(b"   \n\n")
    with pytest.raises(LoadFileError, match="NUL"):
        read_meter_file(b"time,kW\n2025-01-01 00:00,1\x00\n")


def test_european_semicolon_decimal_comma():
    starts = pd.date_range("2025-01-01", periods=24 * 30, freq="h")
    lines = ["Datum Zeit;Leistung [kW]"] + [f"{t:%d.%m.%Y %H:%M};{100 + t.day},5" for t in starts]
    meter = read_meter_file(csv_bytes(lines))
    assert meter.source_load_kw.iloc[0] == 101.5
    assert meter.quality.last_timestamp == "2025-01-30T23:00:00"


def test_explicit_columns_and_file_object(tmp_path):
    starts = pd.date_range("2025-01-01", periods=24 * 30, freq="h")
    lines = ["a,b,c"] + [f"{t:%Y-%m-%d %H:%M},{t.hour},{200 + t.hour}" for t in starts]
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes(lines))
    with open(path, "rb") as handle:
        meter = read_meter_file(handle, timestamp_column="a", value_column=2)
    assert meter.quality.value_column == "c" and meter.source_load_kw.iloc[5] == 205.0
    with pytest.raises(LoadFileError, match="no column named 'zz'"):
        read_meter_file(path, value_column="zz")


def test_to_hourly_means():
    starts = pd.date_range("2025-01-01", periods=96 * 365, freq="15min")
    kw = synthetic_kw(starts, seed=11)
    lines = ["time,kW"] + [f"{t:%Y-%m-%d %H:%M},{v}" for t, v in zip(starts, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    hourly = meter.to_hourly()
    assert len(hourly.load_kw) == 8760
    assert hourly.load_kw.iloc[0] == pytest.approx(meter.load_kw.iloc[:4].mean())
    assert hourly.annual_kwh == pytest.approx(meter.annual_kwh, rel=1e-12)


def test_wide_96_point_layout():
    # State Grid style: one row per day, columns 00:15 ... 24:00 (interval ends)
    days = pd.date_range("2025-01-01", periods=60, freq="D")
    slots = [f"{(q * 15) // 60:02d}:{(q * 15) % 60:02d}" for q in range(1, 97)]
    lines = ["户号: 3300123", ",".join(["日期", *slots])]
    lines += [",".join([f"{d:%Y-%m-%d}"] + [str(100 + d.day + q) for q in range(96)]) for d in days]
    meter = read_meter_file(csv_bytes(lines))
    q = meter.quality
    assert q.interval_minutes == 15 and q.interval_label == "end" and q.filled_intervals == 0
    assert "wide layout" in q.warnings[0]
    src = meter.source_load_kw
    # the 00:15 column of 2 Jan is the interval 00:00-00:15 of 2 Jan
    assert src.loc["2025-01-02 00:00"].item() == 100 + 2 + 0
    assert src.loc["2025-01-02 23:45"].item() == 100 + 2 + 95


def test_a_short_file_says_its_period_in_minutes_and_a_broken_workbook_no_class_name(tmp_path):
    from pvplanner.display.messages import render

    starts = pd.date_range("2025-01-01", periods=24 * 14, freq="h")
    lines = ["time,kW"] + [f"{t:%Y-%m-%d %H:%M},100" for t in starts]
    with pytest.raises(LoadFileError) as info:
        read_meter_file(csv_bytes(lines))
    text = render(info.value.message, "en")
    assert "2025-01-01 00:00 to 2025-01-15 00:00" in text and "T00:00" not in text, text
    broken = tmp_path / "meter.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(LoadFileError) as info:
        read_meter_file(broken)
    assert "BadZipFile" not in render(info.value.message, "en")


def test_a_load_beyond_every_factory_asks_for_its_unit():
    """A 500 kW factory exported in W stays under the 1 GW refusal: its 500,000 "kW" are
    noted and the unit questioned (it planned 4,380 GWh a year without a word)."""
    from pvplanner.display.messages import render

    starts = pd.date_range("2025-01-01", periods=24 * 60, freq="h")
    kw = 500.0 + 200.0 * np.sin(np.arange(len(starts)) / 24 * 2 * np.pi)
    lines = ["time,Power"] + [f"{t:%Y-%m-%d %H:%M},{1000 * v:.0f}"
                              for t, v in zip(starts, kw, strict=True)]
    meter = read_meter_file(csv_bytes(lines))
    said = [n for n in meter.quality.notes if getattr(n, "key", "") == "notes.meter.unusual_peak"]
    assert len(said) == 1
    assert "check that the column is in kW, not W" in render(said[0], "en")
    assert "请检查该列单位是否为千瓦（kW）而非瓦（W）" in render(said[0], "zh")
    lines = ["time,Power"] + [f"{t:%Y-%m-%d %H:%M},{v:.0f}" for t, v in zip(starts, kw,
                                                                           strict=True)]
    assert not [n for n in read_meter_file(csv_bytes(lines)).quality.notes
                if getattr(n, "key", "") == "notes.meter.unusual_peak"]


def _rendered(notes: list[str], lang: str) -> list[str]:
    from pvplanner.display.messages import render

    return [render(note, lang) for note in notes]


def test_what_the_reader_fixed_and_assumed_reads_in_chinese_too():
    """Every note of the reader is a catalogue message: clock changes, a long file cut to
    its latest year, UTC offsets and a wide layout read in Chinese without English words,
    and with their counts and dates."""
    import re

    utc = pd.date_range("2024-01-01 05:00", "2026-01-01 04:00", freq="h", tz="UTC")
    wall = utc.tz_convert("America/New_York").tz_localize(None)
    lines = ["Timestamp,Demand (kW)"] + [f"{t:%m/%d/%Y %H:%M},{100 + i % 7}"
                                         for i, t in enumerate(wall)]
    long_dst = read_meter_file(csv_bytes(lines), utc_offset_hours=-5,
                               timezone="America/New_York")
    aware = read_meter_file(csv_bytes(["time,kW"] + [
        f"{t.isoformat()},{500 + t.hour}" for t in
        pd.date_range("2025-01-01", "2025-12-31 23:00", freq="h", tz="Asia/Shanghai")]))
    days = pd.date_range("2025-01-01", periods=60, freq="D")
    slots = [f"{(q * 15) // 60:02d}:{(q * 15) % 60:02d}" for q in range(1, 97)]
    wide = read_meter_file(csv_bytes([",".join(["日期", *slots])] + [
        ",".join([f"{d:%Y-%m-%d}"] + ["100"] * 96) for d in days]))
    notes = [*long_dst.quality.dst_fixes, *long_dst.quality.notes, *aware.quality.notes,
             *wide.quality.notes]
    assert all(getattr(note, "key", "").startswith("notes.meter.") for note in notes), [
        note for note in notes if not getattr(note, "key", "")]
    chinese = _rendered(notes, "zh")
    english = _rendered(notes, "en")
    assert "文件跨越 731 天：只采用最近的 365 天（自 2025-01-01 起）" in chinese
    assert ("the file spans 731 days: only the most recent 365 days (from 2025-01-01) were "
            "used") in english
    # the coverage line states the year kept, not the file's first day
    assert any(line.startswith("2025-01-01 00:00 至 2025-12-31 23:00 期间") for line in chinese)
    assert "2025-11-02：秋季时钟回拨，01:00 起的钟点出现两次；第一次按夏令时读取，第二次按标准时间读取" \
        in chinese
    assert "2025-03-09：春季时钟调快，钟点跳过一小时；按标准时间读取后该处并无缺测" in chinese
    assert "时间戳带有 UTC 时差：已换算为场地的标准时间（UTC+8）" in chinese
    assert "宽表格式：每天一行（“日期”），96 个时刻列（00:15 … 24:00），已按一个时间序列读取" in chinese
    for line in chinese:
        # units, clock zone names and UTC are the only Latin letters left
        rest = re.sub(r"America/New_York|UTC|kWh?|\(kW\)|'Demand \(kW\)'|“Demand \(kW\)”", "",
                      line)
        assert not re.search(r"[A-Za-z]{3,}", rest), line


def test_the_rows_left_out_say_why_in_a_code_the_app_names():
    lines = ["时间,有功功率(kW)"] + [f"2025-01-{d:02d} {h:02d}:00,{100 + h}"
                                    for d in range(1, 32) for h in range(24)]
    meter = read_meter_file(csv_bytes([*lines, "合计,99999", "导出人: 张三,"]))
    assert [row["reason"] for row in meter.quality.dropped_rows] == ["summary", "after_data"]
