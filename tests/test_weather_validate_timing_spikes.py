"""Gross timing errors, single spikes and units in a user's weather year.

- Irradiance shifted 2 h or more against the sun (a wrong time zone) is refused with a keyed
  error naming the shift and how to state the time zone in the file; a one-step shift
  (interval labels) stays a warning note (:mod:`weather.timing`).
- A few values above the physical limit become gaps with a note naming them; a share of the
  daytime values above it is a unit error, with a unit suggested only where the user could
  declare one (:func:`weather.validate.clean_weather`).
- Reader errors are keyed messages, not Python exception text (:mod:`weather.readers`).

The years are real arrays: a Haurwitz clear sky over Hangzhou (UTC+8), and the Greensboro
TMY3 year of the bundled fixtures (UTC-5); expected figures are derived by hand below.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from pvplanner.cli import main
from pvplanner.display.messages import render
from pvplanner.messages import weather_message
from weather.errors import WeatherInputError
from weather.readers import read_weather_file
from weather.timeaxis import typical_year_index
from weather.timing import sun_positions
from weather.validate import MAX_SPIKE_HOURS, clean_weather

FILES = Path(__file__).parent / "data" / "weather_files"
LAT, LON, TZ = 30.27, 120.16, 8.0  # Hangzhou
HEAD = "# latitude=30.27, longitude=120.16, dataset=rooftop logger"


@cache
def _clear_sky() -> pd.DataFrame:
    """A year of Haurwitz clear-sky GHI [W/m2] at Hangzhou in local standard time (labels at
    interval start, the sun at mid-interval) and a constant 17 degC."""
    index = typical_year_index(TZ)
    sun = pvlib.solarposition.get_solarposition(index + pd.Timedelta(minutes=30), LAT, LON)
    ghi = pvlib.clearsky.haurwitz(sun["apparent_zenith"])["ghi"].to_numpy()
    return pd.DataFrame({"ghi": ghi, "temp_air": np.full(len(index), 17.0)}, index=index)


def clear_sky() -> pd.DataFrame:
    return _clear_sky().copy()


def clean(frame: pd.DataFrame):
    return clean_weather(frame, label="clear sky", latitude=LAT, longitude=LON)


def zh(error: WeatherInputError) -> str:
    return render(weather_message(error), "zh")


# --------------------------------------------------------------------------- time shifts
def test_the_clear_sky_year_follows_the_sun():
    _, notes = clean(clear_sky())
    assert [note.key for note in notes] == ["checks.erbs", "checks.no_wind"]


def test_irradiance_three_hours_late_is_refused_naming_the_shift():
    frame = clear_sky()
    frame["ghi"] = np.roll(frame["ghi"].to_numpy(), 3)  # each value 3 h after its hour
    with pytest.raises(WeatherInputError) as info:
        clean(frame)
    error = info.value
    assert error.key == "timing.labels_off"
    assert (error.params["hours"], error.params["shift"]) == (3.0, 3.0)
    assert "comes about 3 h after the sun" in str(error)
    assert "the time labels are off by +3 h" in str(error)
    assert "Give the times in local standard time (UTC+8)" in str(error)  # the default fix
    chinese = zh(error)
    assert "约晚 3 h" in chinese and "时间标签偏差 +3 h" in chinese
    assert "当地标准时间（UTC+8）" in chinese


def test_irradiance_eight_hours_early_is_refused():
    frame = clear_sky()
    frame["ghi"] = np.roll(frame["ghi"].to_numpy(), -8)
    with pytest.raises(WeatherInputError) as info:
        clean(frame)
    assert "comes about 8 h before the sun" in str(info.value)
    assert "off by -8 h" in str(info.value)
    assert "约早 8 h" in zh(info.value)


def test_one_hour_stays_a_warning_interval_labels_explain():
    frame = clear_sky()
    frame["ghi"] = np.roll(frame["ghi"].to_numpy(), 1)
    out, notes = clean(frame)
    late = [note for note in notes if note.key == "checks.labels_late"]
    assert len(late) == 1 and "off by +1 h" in late[0]
    np.testing.assert_array_equal(out["ghi"].to_numpy(), frame["ghi"].to_numpy())


def test_a_fifth_of_the_ghi_at_night_is_refused_without_a_shift():
    frame = clear_sky()
    sun = sun_positions(frame.index, LAT, LON, 60)
    night = (sun[["elevation_start", "elevation", "elevation_end"]].max(axis=1) < -1.0)
    # night readings a quarter of the daytime sum: 0.25 / (1 + 0.25) = 20 % of the year's GHI
    day_total = float(frame["ghi"].sum())
    assert float(frame.loc[night, "ghi"].sum()) == 0.0
    frame.loc[night, "ghi"] = 0.25 * day_total / int(night.sum())
    with pytest.raises(WeatherInputError) as info:
        clean(frame)
    assert info.value.key == "timing.night_share"
    assert str(info.value).startswith(
        "clear sky: 20.0 % of the year's GHI falls while the sun is below the horizon")


# --------------------------------------------------------------------------- in a file
def _csv(frame: pd.DataFrame, times: list[str], head: str = HEAD,
         time_header: str = "time") -> bytes:
    rows = [f"{t},{g:.3f},{a:.1f}" for t, g, a in zip(times, frame["ghi"], frame["temp_air"],
                                                       strict=True)]
    return "\n".join([head, f"{time_header},ghi,temp_air", *rows, ""]).encode()


def _utc_times(frame: pd.DataFrame) -> list[str]:
    """The frame's times in UTC, written without an offset (a logger on UTC)."""
    return list(frame.index.tz_convert("UTC").strftime("%Y-%m-%d %H:%M"))


def _read_error(data: bytes) -> WeatherInputError:
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(data, filename="logger.csv")
    return info.value


def test_naive_utc_times_in_hangzhou_are_refused_with_the_header_to_write():
    # read as UTC+8, UTC times come 8 h early: they look like UTC+(8 - 8) = UTC
    error = _read_error(_csv(clear_sky(), _utc_times(clear_sky())))
    assert error.key == "timing.labels_off" and error.params["shift"] == -8.0
    assert error.params["fix"].key == "timing.fix_naive"
    text = str(error)
    assert "weather file 'logger.csv': the irradiance comes about 8 h before the sun" in text
    assert ("were read as local standard time (UTC+8), but they look like UTC: state it in the "
            "time column's header ('time [UTC]') or with a '# utc_offset=0' line") in text
    chinese = zh(error)
    assert "“时间 [UTC]”" in chinese and "“# utc_offset=0”" in chinese


def test_the_advice_reads_the_year():
    frame = clear_sky()
    out, meta = read_weather_file(_csv(frame, _utc_times(frame), time_header="时间 [UTC]"),
                                  filename="logger.csv")
    np.testing.assert_allclose(out["ghi"].to_numpy(), frame["ghi"].round(3).to_numpy())
    assert "checks.labels_early" not in [note.key for note in meta.notes]


def test_a_header_stating_the_wrong_zone_is_named():
    error = _read_error(_csv(clear_sky(), _utc_times(clear_sky()), time_header="time [UTC+8]"))
    assert error.params["fix"].key == "timing.fix_header"
    assert ("The time column's header says UTC+8, but the times look like UTC: correct the "
            "header to 'time [UTC]'") in str(error)


def test_a_utc_offset_line_stating_the_wrong_zone_is_named():
    error = _read_error(_csv(clear_sky(), _utc_times(clear_sky()), head=HEAD + ", utc_offset=8"))
    assert error.params["fix"].key == "timing.fix_comment"
    assert "correct it to '# utc_offset=0'" in str(error)


def test_utc_clock_times_marked_with_chinas_offset_are_refused():
    times = [f"{t}+08:00" for t in _utc_times(clear_sky())]
    error = _read_error(_csv(clear_sky(), times))
    assert error.params["shift"] == -8.0
    assert error.params["fix"].key == "timing.fix_offsets"


def test_an_epw_with_a_wrong_time_zone_field_is_refused_naming_the_format():
    # Greensboro's UTC-5 year labelled UTC+3: read 8 h early; it looks like UTC+(3 - 8)
    text = (FILES / "greensboro_tmy3.epw").read_text()
    text = text.replace(",36.1,-79.95,-5.0,273.0", ",36.1,-79.95,3.0,273.0", 1)
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(text.encode(), filename="site.epw")
    assert info.value.params["shift"] == -8.0
    assert ("EPW files state the time zone of their times (this one UTC+3); the irradiance "
            "follows the sun as if they were in UTC-5") in str(info.value)


# --------------------------------------------------------------------------- spikes
def _plain(change=None, *, units_line: bool = True) -> bytes:
    """The Greensboro plain CSV, with ``change(table)`` applied to its rows."""
    lines = (FILES / "greensboro_plain.csv").read_text().splitlines()
    table = pd.read_csv(FILES / "greensboro_plain.csv", comment="#", dtype={"time": str})
    if change is not None:
        change(table)
    head = lines[:2] if units_line else lines[:1]
    return ("\n".join(head) + "\n" + table.to_csv(index=False, lineterminator="\n")).encode()


@cache
def _greensboro() -> pd.DataFrame:
    return read_weather_file(_plain(), filename="site.csv")[0]


def _noon_spikes(days: int):
    def change(table: pd.DataFrame) -> None:
        noon = table["time"].str.endswith("12:00") & (table["time"] >= "2023-06-01")
        table.loc[noon[noon].index[:days], "ghi"] = 9999.0
    return change


def test_one_spike_becomes_a_gap_named_in_a_note():
    frame, meta = read_weather_file(_plain(_noon_spikes(1)), filename="site.csv")
    # 11:00 916 W/m2 and 13:00 875 W/m2 in the file: the noon gap is their mean
    assert frame.loc["2026-06-01 12:00", "ghi"].item() == pytest.approx((916 + 875) / 2)
    others = frame.index != pd.Timestamp("2026-06-01 12:00", tz=frame.index.tz)
    pd.testing.assert_frame_equal(frame[others], _greensboro()[others])
    spikes = [note for note in meta.notes if note.key == "checks.irradiance_spikes"]
    # the file's own time and line: 151 days and 12 h after its first row on line 4
    assert spikes == [
        "ghi values above 1,500 W/m2, more than the sun delivers, taken as missing and filled "
        "like gaps: 1 (the highest 9,999 W/m2 at 2023-06-01 12:00 on line 3640)"]


def test_a_day_of_spikes_is_filled_and_one_more_is_refused():
    _, meta = read_weather_file(_plain(_noon_spikes(MAX_SPIKE_HOURS)), filename="site.csv")
    note = next(note for note in meta.notes if note.key == "checks.irradiance_spikes")
    assert note.params["count"] == 24
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(_plain(_noon_spikes(MAX_SPIKE_HOURS + 1)), filename="site.csv")
    assert info.value.key == "validate.irradiance_spikes"
    assert ("in 25 values (the first at 2023-06-01 12:00 on line 3640, the highest 9,999 "
            "W/m2)") in str(info.value)
    assert info.value.params["advice"].key == "validate.spikes_check"


def _in_kj(table: pd.DataFrame) -> None:
    # W/m2 over an hour x 3.6 = kJ/m2 per hour
    for column in ("ghi", "dni", "dhi"):
        table[column] = (table[column] * 3.6).round(1)


def test_undeclared_kilojoules_are_a_unit_error_with_the_unit_to_declare():
    ghi = pd.read_csv(FILES / "greensboro_plain.csv", comment="#")["ghi"] * 3.6
    daytime = ghi[ghi > 0].round(1)
    share = 100.0 * (daytime > 1500).sum() / len(daytime)
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(_plain(_in_kj, units_line=False), filename="site.csv")
    text = str(info.value)
    assert info.value.key == "validate.irradiance_unit"
    assert f"{share:.0f} % of its daytime values above 1,500 W/m2" in text
    assert "It looks like kJ/m2 per hour: declare the unit" in text


def test_a_declared_unit_is_not_second_guessed():
    # the fixture's '# units: ghi=W/m2 ...' line, over kJ/m2 values
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(_plain(_in_kj), filename="site.csv")
    assert info.value.key == "validate.declared_unit"
    assert "ghi is declared in W/m2" in str(info.value)
    assert "It looks like" not in str(info.value)


def _epw(column: int, change) -> bytes:
    """The Greensboro EPW with ``change`` applied to field ``column`` of every data row."""
    lines = (FILES / "greensboro_tmy3.epw").read_text().splitlines()
    out = lines[:8]
    for line in lines[8:]:
        fields = line.split(",")
        fields[column] = change(fields, fields[column])
        out.append(",".join(fields))
    return ("\n".join(out) + "\n").encode()


def test_an_epw_unit_is_never_questioned():
    data = _epw(13, lambda fields, value: f"{float(value) * 3.6:.0f}")  # GHI x 3.6
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(data, filename="site.epw")
    text = str(info.value)
    assert info.value.key == "validate.format_unit"
    assert "EPW files give irradiance in W/m2 (Wh/m2 per hour) by definition" in text
    assert "declare" not in text and "units=" not in text


def test_an_epw_in_fahrenheit_is_a_damaged_file_not_a_unit_to_declare():
    data = _epw(6, lambda fields, value: f"{float(value) * 1.8 + 32:.1f}")
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(data, filename="site.epw")
    assert info.value.key == "validate.format_values"
    assert info.value.params["problem"].key == "validate.temp_outside"
    assert "declare" not in str(info.value)


def test_a_spike_in_an_epw_becomes_a_gap():
    # EPW hour 13 of 1 June covers 12:00-13:00: the row labelled 12:00
    def spike(fields, value):
        return "5000" if fields[1:4] == ["6", "1", "13"] else value
    frame, meta = read_weather_file(_epw(13, spike), filename="site.epw")
    reference = read_weather_file(FILES / "greensboro_tmy3.epw")[0]["ghi"]
    noon = pd.Timestamp("2026-06-01 12:00", tz=frame.index.tz)
    hour = pd.Timedelta(hours=1)
    expected = (reference[noon - hour] + reference[noon + hour]) / 2
    assert frame.loc[noon, "ghi"] == pytest.approx(expected)
    # the EPW's own year of June (1989) and the line of its row: 8 header records, then
    # 151 days and 12 h of rows
    assert any(note.key == "checks.irradiance_spikes" and "5,000 W/m2 at 1989-06-01 12:00 on "
               "line 3645" in note for note in meta.notes)


# --------------------------------------------------------------------------- reader errors
def test_an_unreadable_file_says_what_it_holds_not_the_parsers_words():
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(b"LOCATION,nowhere\nnothing else\n", filename="broken.epw")
    assert info.value.key == "file.unreadable"
    assert info.value.params["lines"] == 2
    assert str(info.value).startswith("weather file 'broken.epw' could not be read as an EPW")
    assert "(lines in the file: 2)" in str(info.value)
    assert "Error" not in str(info.value) and "文件共 2 行" in zh(info.value)


def test_a_row_with_more_cells_than_the_header_is_named():
    data = (b"# latitude=30, longitude=120\ntime,ghi,temp_air\n2023-01-01 00:00,0,5\n"
            b"2023-01-01 01:00,0,5,5\n")
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(data, filename="site.csv")
    assert info.value.key == "csv.row_cells"
    assert str(info.value).startswith(
        "weather file 'site.csv', line 4: 4 cells where the header has 3")
    assert "第 4 行有 4 个单元格，而表头只有 3 列" in zh(info.value)


def test_a_file_without_permission_says_so(tmp_path, monkeypatch):
    path = tmp_path / "site.csv"
    path.write_text("time,ghi,temp_air\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(path)
    assert info.value.params["why"].key == "file.no_permission"
    assert str(info.value).endswith("cannot be opened: no permission to read it")
    assert "Errno" not in str(info.value) and zh(info.value).endswith("没有读取该文件的权限")


# --------------------------------------------------------------------------- the command
def test_the_command_refuses_utc_times_and_fills_a_spike(tmp_path, capsys):
    frame = clear_sky()
    shifted = tmp_path / "utc.csv"
    shifted.write_bytes(_csv(frame, _utc_times(frame)))
    args = ["--tilt", "20", "--azimuth", "180", "--capacity-kwp", "100"]
    assert main(["simulate", "--weather", str(shifted), *args]) == 2
    err = capsys.readouterr().err
    assert "off by -8 h" in err and "'time [UTC]'" in err and "Traceback" not in err

    local = list(frame.index.strftime("%Y-%m-%d %H:%M"))
    spiked = frame.copy()
    spiked.loc["2026-06-01 12:00", "ghi"] = 9999.0
    path = tmp_path / "spike.csv"
    path.write_bytes(_csv(spiked, local))
    assert main(["simulate", "--weather", str(path), *args]) == 0
    assert "the highest 9,999 W/m2 at 2026-06-01 12:00" in capsys.readouterr().out
