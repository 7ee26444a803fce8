"""Meter files whose readings change step, 30-minute files, and each month's peak kept.

A factory's meter export (``数据时间,正向有功电量(kWh)``) is built here from one synthetic
year of 15-minute mean power; every expected figure is computed with pandas from the file
as written, never from the reader:

- a meter replaced mid-year gives 30-minute readings for January-June and 15-minute ones
  after (or the reverse): each reading covers its own step, so the load's energy is the
  file's sum and its peak the highest reading over its own step (the reader used the most
  common step for every row: 48 % too much energy, a 60 % too high peak);
- a 30-minute file is planned on quarter hours, each 30-minute mean held over two of them
  (it was averaged to hours: a demand peak 11.6 % low);
- each month of the typical year holds the file's maximum of that calendar month (the
  re-anchoring around the Spring Festival had left February's peak day out);
- the notes say where gaps and duplicates are, and where a leap day went.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pvplanner.display.messages import render
from pvplanner.load.meter import read_meter_file

HEADER_KWH = ("数据时间", "正向有功电量(kWh)")
HEADER_KW = ("数据时间", "有功功率(kW)")


def year_kw(year: int, seed: int = 7) -> pd.Series:
    """A year of 15-minute mean power [kW]: shifts, weekdays, seasons, noise, one spike a
    month (on a day the calendar mapping moves: 21 January, 20 February)."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(f"{year}-01-01", f"{year}-12-31 23:45", freq="15min")
    hour = index.hour + index.minute / 60
    kw = (600 + 300 * ((hour >= 8) & (hour < 20)) + 100 * (index.day_of_week < 5)) * (
        1 + 0.15 * np.cos((index.day_of_year - 200) / 365 * 2 * np.pi))
    kw = np.asarray(kw, dtype=float) + rng.normal(0, 40, len(index))
    for month, day, extra in ((1, 21, 500.0), (2, 20, 700.0), (3, 31, 300.0), (6, 11, 650.0),
                              (9, 15, 600.0), (10, 7, 900.0), (12, 26, 450.0)):
        k = index.get_loc(pd.Timestamp(year, month, day, 11, 30))
        kw[k] += extra
    return pd.Series(kw, index=index)


def write(path, times: pd.DatetimeIndex, values: np.ndarray, header=HEADER_KWH) -> None:
    frame = pd.DataFrame({header[0]: times.strftime("%Y-%m-%d %H:%M"),
                          header[1]: np.round(values, 3)})
    path.write_text(frame.to_csv(index=False), encoding="utf-8")


def half_hours(kw: pd.Series) -> pd.Series:
    """30-minute energy [kWh] of 15-minute mean power, labelled at the half hour's start."""
    return (kw / 4).resample("30min").sum()


def file_kw(path) -> pd.Series:
    """Each reading of a start-labelled kWh file as mean power over its own step [kW]: the
    step to the next reading (the last reading: the step before it)."""
    frame = pd.read_csv(path)
    times = pd.to_datetime(frame.iloc[:, 0])
    step_h = times.diff().shift(-1).dt.total_seconds() / 3600
    step_h.iloc[-1] = step_h.iloc[-2]
    return pd.Series(frame.iloc[:, 1].to_numpy() / step_h.to_numpy(), index=times)


def energy_kwh(load_kw: pd.Series) -> float:
    step_h = (load_kw.index[1] - load_kw.index[0]).total_seconds() / 3600
    return float(load_kw.sum() * step_h)


def notes_of(meter, key: str) -> list:
    return [note for note in meter.quality.notes if getattr(note, "key", "") == key]


@pytest.fixture(scope="module")
def kw2025() -> pd.Series:
    return year_kw(2025)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, kw2025):
    """January-June every 30 minutes, July-December every 15 minutes (kWh)."""
    path = tmp_path_factory.mktemp("steps") / "mixed.csv"
    first = half_hours(kw2025[:"2025-06-30"])
    second = kw2025["2025-07-01":] / 4
    write(path, first.index.append(second.index), np.concatenate([first, second]))
    return path, read_meter_file(path)


def test_step_change_keeps_the_files_energy_and_peak(mixed):
    path, meter = mixed
    truth = pd.read_csv(path)
    per_reading_kw = file_kw(path)
    assert meter.quality.interval_minutes == 15
    # the old reader: 10.6 GWh for a 7.2 GWh file
    assert energy_kwh(meter.source_load_kw) == pytest.approx(truth.iloc[:, 1].sum(), rel=1e-6)
    assert meter.source_load_kw.max() == pytest.approx(per_reading_kw.max(), rel=1e-9)
    assert meter.load_kw.max() == pytest.approx(per_reading_kw.max(), rel=1e-9)
    # January's half hours are held over both quarter hours (kWh x 2, not x 4)
    first = truth.iloc[0, 1] * 2
    assert meter.source_load_kw.iloc[:2].tolist() == pytest.approx([first, first], rel=1e-9)
    assert meter.quality.step_changes == [{"start": "2025-01-01 00:00",
                                           "end": "2025-07-01 00:00", "minutes": 30,
                                           "readings": 181 * 48}]
    assert meter.quality.filled_intervals == 0


def test_step_change_note_in_both_languages(mixed):
    _, meter = mixed
    (note,) = notes_of(meter, "notes.meter.step_change_energy")
    english, chinese = render(note, "en"), render(note, "zh")
    assert "from 2025-01-01 00:00 to 2025-07-01 00:00" in english
    assert "30-minute means" in english and "8,688 readings" in english
    assert "2025-01-01 00:00 至 2025-07-01 00:00 每 30 分钟" in chinese
    assert "30 分钟平均值" in chinese


def test_step_change_the_other_way_round(tmp_path, kw2025):
    path = tmp_path / "reverse.csv"
    first = kw2025[:"2025-06-30"] / 4
    second = half_hours(kw2025["2025-07-01":])
    write(path, first.index.append(second.index), np.concatenate([first, second]))
    meter = read_meter_file(path)
    per_reading_kw = file_kw(path)
    assert energy_kwh(meter.source_load_kw) == pytest.approx(
        pd.read_csv(path).iloc[:, 1].sum(), rel=1e-6)
    assert meter.load_kw.max() == pytest.approx(per_reading_kw.max(), rel=1e-9)
    assert [(c["start"], c["end"]) for c in meter.quality.step_changes] == [
        ("2025-07-01 00:00", "2026-01-01 00:00")]


def test_step_change_of_mean_power_is_held_not_converted(tmp_path, kw2025):
    path = tmp_path / "mixed_kw.csv"
    first = half_hours(kw2025[:"2025-06-30"]) * 2  # 30-minute mean power
    second = kw2025["2025-07-01":]
    write(path, first.index.append(second.index), np.concatenate([first, second]), HEADER_KW)
    meter = read_meter_file(path)
    frame = pd.read_csv(path)
    times = pd.to_datetime(frame.iloc[:, 0])
    hours = times.diff().shift(-1).dt.total_seconds().fillna(900).to_numpy() / 3600
    assert energy_kwh(meter.source_load_kw) == pytest.approx(
        float((frame.iloc[:, 1] * hours).sum()), rel=1e-6)
    assert meter.load_kw.max() == pytest.approx(frame.iloc[:, 1].max(), rel=1e-9)
    assert notes_of(meter, "notes.meter.step_change_power")


def test_a_day_of_missing_readings_is_not_a_change_of_step(tmp_path, kw2025):
    """Every other 15-minute reading of one day missing (and one lone reading elsewhere):
    gaps, interpolated as before, not 30-minute energies."""
    path = tmp_path / "holes.csv"
    kwh = kw2025 / 4
    day = (kwh.index.normalize() == pd.Timestamp("2025-05-20")) & (kwh.index.minute % 30 != 0)
    lone = kwh.index == pd.Timestamp("2025-08-04 10:15")
    kept = kwh[~day & ~lone]
    write(path, kept.index, kept.to_numpy())
    meter = read_meter_file(path)
    assert meter.quality.step_changes == []
    assert meter.quality.interval_minutes == 15
    assert meter.quality.interpolated_intervals == 48 + 1
    on_day = meter.source_load_kw["2025-05-20"]
    read = kept["2025-05-20"]
    assert on_day.loc[read.index.tz_localize(on_day.index.tz)].tolist() == pytest.approx(
        list(np.round(read.to_numpy(), 3) * 4), rel=1e-9)
    assert not notes_of(meter, "notes.meter.step_change_energy")


def test_thirty_minute_file_is_planned_on_quarter_hours(tmp_path, kw2025):
    path = tmp_path / "half.csv"
    half = half_hours(kw2025)
    write(path, half.index, half.to_numpy())
    meter = read_meter_file(path)
    q = meter.quality
    assert (q.interval_minutes, q.output_interval_minutes, len(meter.load_kw)) == (30, 15, 35040)
    thirty_minute_peak = float(np.round(half.to_numpy(), 3).max() * 2)
    # hourly means (the old reading) lowered it
    assert meter.load_kw.max() == pytest.approx(thirty_minute_peak, rel=1e-9)
    values = meter.load_kw.to_numpy()
    assert np.array_equal(values[0::2], values[1::2])  # each half hour over two quarters
    (note,) = notes_of(meter, "notes.meter.held_on_quarter_hours")
    assert "30-minute maximum" in render(note, "en")
    assert "30 分钟最大值" in render(note, "zh")


def test_each_month_keeps_the_files_maximum_demand(tmp_path, kw2025):
    path = tmp_path / "meter15.csv"
    write(path, kw2025.index, (kw2025 / 4).to_numpy())
    meter = read_meter_file(path)
    truth = pd.read_csv(path)
    kw = pd.Series(truth.iloc[:, 1].to_numpy() * 4, index=pd.to_datetime(truth.iloc[:, 0]))
    file_max = kw.groupby(kw.index.month).max()
    typical_max = meter.load_kw.groupby(meter.load_kw.index.month).max()
    # the old mapping: January 1,016 for 1,106 kW, February 1,106 for 1,274 kW
    assert typical_max.to_numpy() == pytest.approx(file_max.to_numpy(), rel=1e-12)
    info = meter.quality.mapping
    assert {k["source_day"] for k in info["month_peaks_kept"]} >= {"2025-02-20"}
    (note,) = notes_of(meter, "notes.meter.month_peaks_kept")
    assert "2025-02-20 →" in render(note, "en") and "2025-02-20 →" in render(note, "zh")


def test_a_higher_day_of_another_month_is_not_billed_in_this_one(tmp_path, kw2025):
    """A January peak higher than February's, on a day the Spring Festival's re-anchoring
    carries into the typical year's February: February must bill February's maximum."""
    kw = kw2025.copy()
    kw[pd.Timestamp("2025-01-13 10:00")] += 3000.0
    path = tmp_path / "january_peak.csv"
    write(path, kw.index, (kw / 4).to_numpy())
    meter = read_meter_file(path)
    truth = pd.read_csv(path)
    file_kw_ = pd.Series(truth.iloc[:, 1].to_numpy() * 4, index=pd.to_datetime(truth.iloc[:, 0]))
    file_max = file_kw_.groupby(file_kw_.index.month).max()
    typical_max = meter.load_kw.groupby(meter.load_kw.index.month).max()
    assert typical_max.to_numpy() == pytest.approx(file_max.to_numpy(), rel=1e-12)
    assert meter.quality.mapping["days_above_month_peak_replaced"] >= 1
    assert notes_of(meter, "notes.meter.month_peaks_capped")


def test_the_years_energy_is_stated_against_the_files(tmp_path, kw2025):
    path = tmp_path / "meter15.csv"
    write(path, kw2025.index, (kw2025 / 4).to_numpy())
    meter = read_meter_file(path)
    file_kwh = float(pd.read_csv(path).iloc[:, 1].sum())
    info = meter.quality.mapping
    assert info["source_kwh"] == pytest.approx(file_kwh, rel=1e-6)
    assert info["typical_year_kwh"] == pytest.approx(meter.annual_kwh, rel=1e-9)
    (note,) = notes_of(meter, "notes.meter.energy_mapped")
    english = render(note, "en")
    assert f"the file {file_kwh:,.0f} kWh" in english
    assert f"the typical year holds {meter.annual_kwh:,.0f} kWh" in english
    assert f"文件为 {file_kwh:,.0f} kWh" in render(note, "zh")


def test_leap_day_says_where_it_went(tmp_path):
    kw = year_kw(2024)
    path = tmp_path / "leap.csv"
    write(path, kw.index, (kw / 4).to_numpy())
    meter = read_meter_file(path)
    (note,) = notes_of(meter, "notes.meter.leap_day_mapped")
    target = note.params["days"]["en"]
    assert "2024-02-29" in render(note, "en") and target in render(note, "zh")
    leap = pd.read_csv(path)
    leap = leap[leap.iloc[:, 0].str.startswith("2024-02-29")].iloc[:, 1].to_numpy() * 4
    assert meter.load_kw[target].to_numpy() == pytest.approx(leap, rel=1e-9)


def test_gaps_and_duplicates_are_located_and_zero_parts_left_out(tmp_path, kw2025):
    kwh = kw2025 / 4
    gap = (kwh.index >= pd.Timestamp("2025-07-15 09:00")) & (
        kwh.index < pd.Timestamp("2025-07-15 13:00"))
    kept = kwh[~gap]
    again = kwh["2025-11-02 01:00":"2025-11-02 01:45"]
    times = kept.index.append(again.index)
    values = np.concatenate([kept.to_numpy(), again.to_numpy() * 1.1])
    order = np.argsort(times, kind="stable")
    path = tmp_path / "gap_dup.csv"
    write(path, times[order], values[order])
    meter = read_meter_file(path)
    (filled,) = notes_of(meter, "notes.meter.filled_profile")
    assert "(2025-07-15 09:00–13:00)" in render(filled, "en")
    assert "16 个时段（2025-07-15 09:00–13:00）" in render(filled, "zh")
    assert not notes_of(meter, "notes.meter.filled_interpolated")  # nothing interpolated
    (dup,) = notes_of(meter, "notes.meter.duplicates_at")
    assert render(dup, "en") == "duplicate timestamps averaged: 4 (2025-11-02 01:00–01:45)"
    assert render(dup, "zh") == "4 个重复时间戳取平均值（2025-11-02 01:00–01:45）"
    assert not any(" 0 " in render(note, "zh") or "：0" in render(note, "zh")
                   for note in meter.quality.notes)
