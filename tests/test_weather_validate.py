"""Tests of weather.validate.clean_weather: columns, units, gaps and time-label checks.

The reference year is NREL's TMY3 for Sand Point AK (pvlib's bundled ``703165TY.csv``, UTC-9),
read here with pvlib and shifted from hour-ending to hour-starting labels by hand, so these
tests do not depend on weather.readers.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from weather.errors import WeatherInputError
from weather.meta import REQUIRED_COLUMNS
from weather.timeaxis import to_typical_year, typical_year_index
from weather.timing import irradiance_time_shift
from weather.validate import (
    DEFAULT_WIND_SPEED,
    MAX_MISSING_PERCENT,
    clean_weather,
    convert_units,
    irradiance_factor,
    normalise_unit,
)

LAT, LON, TZ = 55.317, -160.517, -9.0
LABEL = "test weather"


@cache
def _year() -> pd.DataFrame:
    path = Path(pvlib.__file__).parent / "data" / "703165TY.csv"
    data, _ = pvlib.iotools.read_tmy3(path, map_variables=True)
    data.index = data.index - pd.Timedelta(hours=1)  # TMY3 labels the END of the hour
    frame = to_typical_year(data[list(REQUIRED_COLUMNS)].astype("float64"), TZ)
    assert not frame.isna().to_numpy().any()
    return frame


def year() -> pd.DataFrame:
    return _year().copy()


def clean(frame, **kwargs):
    kwargs.setdefault("latitude", LAT)
    kwargs.setdefault("longitude", LON)
    return clean_weather(frame, label=LABEL, **kwargs)


def at(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=_year().index.tz)


# --- a clean year -------------------------------------------------------------------------


def test_clean_year_passes_unchanged_without_notes():
    out, notes = clean(year())
    pd.testing.assert_frame_equal(out, _year(), check_freq=False)
    assert notes == []
    assert out.index.equals(typical_year_index(TZ))


def test_time_shift_of_a_correct_year_is_zero():
    shift, night = irradiance_time_shift(_year()["ghi"], LAT, LON)
    assert shift == 0
    assert night == pytest.approx(0.0, abs=0.01)


@pytest.mark.parametrize("hours", [1, -1, 5, -8])
def test_shifted_irradiance_is_reported_with_the_shift(hours):
    frame = year()
    frame["ghi"] = np.roll(frame["ghi"].to_numpy(), hours)  # data appear `hours` late
    shift, night = irradiance_time_shift(frame["ghi"], LAT, LON)
    assert shift == hours
    # measured: 0.15 % (1 h late), 0.20 % (1 h early), 22 % (5 h late), 55 % (8 h early)
    # of the GHI falls at night
    assert night > 0.1
    if abs(hours) == 1:  # interval labels explain one step: a warning
        _, notes = clean(frame)
        assert any(f"off by {hours:+d} h" in note for note in notes)
        return
    with pytest.raises(WeatherInputError) as info:  # a wrong time zone: refused
        clean(frame)
    assert info.value.key == "timing.labels_off"
    assert f"off by {hours:+d} h" in str(info.value)


# --- columns ------------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["ghi", "temp_air"])
def test_missing_required_column_names_it_and_the_columns_found(column):
    frame = year().drop(columns=column).rename(columns={"wind_speed": "Wind"})
    with pytest.raises(WeatherInputError) as info:
        clean(frame)
    assert f"required column {column!r} is missing" in str(info.value)
    assert "Wind" in str(info.value)


def test_dni_dhi_derived_with_erbs():
    ref = year()
    out, notes = clean(ref[["ghi", "temp_air", "wind_speed"]])
    assert any("Erbs" in note for note in notes)
    zenith = pvlib.solarposition.get_solarposition(ref.index + pd.Timedelta(minutes=30), LAT, LON)[
        "zenith"
    ].to_numpy()
    day = zenith < 80
    closure = out["dni"] * np.cos(np.radians(zenith)) + out["dhi"]
    # Erbs splits GHI exactly: closure holds to rounding (1e-6 W/m2)
    np.testing.assert_allclose(closure[day], out["ghi"][day], atol=1e-6)
    # against the file's own components: the annual DHI of an empirical split is typically
    # within 25 % (measured here: DHI x1.11, DNI x0.79)
    assert out["dhi"].sum() / ref["dhi"].sum() == pytest.approx(1.0, abs=0.25)
    assert out["dni"].sum() / ref["dni"].sum() == pytest.approx(1.0, abs=0.25)


def test_dni_from_closure_when_only_dhi_is_given():
    ref = year()
    out, notes = clean(ref.drop(columns="dni"))
    assert any("dni derived from ghi and dhi" in note for note in notes)
    # TMY3 components obey the closure only approximately; annual DNI within 10 %
    # (measured x0.975)
    assert out["dni"].sum() / ref["dni"].sum() == pytest.approx(1.0, abs=0.10)
    pd.testing.assert_series_equal(out["dhi"], ref["dhi"], check_freq=False)


def test_deriving_components_needs_the_location():
    with pytest.raises(WeatherInputError, match="latitude and longitude"):
        clean_weather(year().drop(columns=["dni", "dhi"]), label=LABEL)


def test_missing_wind_gets_the_default():
    out, notes = clean(year().drop(columns="wind_speed"))
    assert (out["wind_speed"] == DEFAULT_WIND_SPEED).all()
    assert any("wind_speed" in note for note in notes)


def test_column_names_are_case_insensitive():
    out, _ = clean(year().rename(columns=str.upper))
    pd.testing.assert_frame_equal(out, _year(), check_freq=False)


# --- numbers and units --------------------------------------------------------------------


def test_text_in_a_number_names_timestamp_column_and_value():
    frame = year().astype({"temp_air": object})
    frame.loc[at("2026-03-02 05:00"), "temp_air"] = "5,3"
    with pytest.raises(WeatherInputError) as info:
        clean(frame)
    message = str(info.value)
    assert "column 'temp_air'" in message
    assert "2026-03-02 05:00" in message
    assert "'5,3'" in message


def test_negative_irradiance_clipped_and_noted():
    frame = year()
    frame.loc[frame.index[:10], "ghi"] = -3.0
    out, notes = clean(frame)
    assert (out["ghi"] >= 0).all()
    assert out["ghi"].iloc[:10].eq(0).all()
    assert any("negative ghi values set to 0" in note and note.endswith(": 10") for note in notes)


def test_missing_value_codes_become_gaps():
    frame = year()
    frame.loc[at("2026-05-01 03:00"), "dni"] = -9999
    out, notes = clean(frame)
    assert any("missing-value codes" in note for note in notes)
    assert out.at[at("2026-05-01 03:00"), "dni"] >= 0


def test_kelvin_is_reported():
    frame = year()
    frame["temp_air"] += 273.15
    with pytest.raises(WeatherInputError, match="look like Kelvin"):
        clean(frame)
    out, notes = clean(frame, units={"temp_air": "K"})
    np.testing.assert_allclose(out["temp_air"], _year()["temp_air"], atol=1e-9)
    assert any("temp_air converted from K" in note for note in notes)


def test_fahrenheit_is_reported():
    frame = year()
    frame["temp_air"] = frame["temp_air"] * 1.8 + 32  # Sand Point: max 19.4 C = 66.9 F
    with pytest.raises(WeatherInputError, match="Fahrenheit"):
        clean(frame)
    out, _ = clean(frame, units={"temp_air": "°F"})
    np.testing.assert_allclose(out["temp_air"], _year()["temp_air"], atol=1e-9)


@pytest.mark.parametrize(
    ("factor", "unit"),
    [
        (1 / 1000, "kWh/m2"),  # Wh -> kWh per hour
        (3.6 / 1000, "MJ/m2"),  # 1 W/m2 for an hour = 3.6 kJ/m2 = 0.0036 MJ/m2
        (0.36, "J/cm2"),  # 3600 J/m2 = 0.36 J/cm2
        (3.6, "kJ/m2"),
    ],
)
def test_irradiance_units_recognised_and_converted(factor, unit):
    frame = year()
    frame[["ghi", "dni", "dhi"]] *= factor
    with pytest.raises(WeatherInputError) as info:
        clean(frame)
    assert f"It looks like {unit}" in str(info.value)
    out, _ = clean(frame, units={"irradiance": unit})
    np.testing.assert_allclose(
        out[["ghi", "dni", "dhi"]], _year()[["ghi", "dni", "dhi"]], atol=1e-9
    )


def test_quarter_hour_energy_units():
    # 15-minute rows in Wh/m2 per step: a steady 800 W/m2 is 200 Wh/m2 per quarter hour
    frame = pd.DataFrame({"ghi": [200.0]}, index=[0])
    out, notes = convert_units(frame, {"ghi": "Wh/m2"}, interval_minutes=15)
    assert out["ghi"].iloc[0] == pytest.approx(800.0)
    assert notes


def test_wind_units():
    frame = pd.DataFrame({"wind_speed": [36.0, 10.0]})
    out, _ = convert_units(frame, {"wind_speed": "km/h"})
    assert out["wind_speed"].tolist() == pytest.approx([10.0, 2.7778], abs=1e-4)


def test_unknown_unit_is_an_error():
    with pytest.raises(WeatherInputError, match="unknown irradiance unit 'lux'"):
        clean(year(), units={"ghi": "lux"})


@pytest.mark.parametrize(
    ("raw", "norm"),
    [("W/m²", "w/m2"), ("kWh/m^2 per hour", "kwh/m2"), ("km/h", "km/h"), ("°C", "degc")],
)
def test_normalise_unit(raw, norm):
    assert normalise_unit(raw) == norm


@pytest.mark.parametrize(("unit", "minutes", "factor"), [
    ("W/m2", 60, 1.0), ("kW/m²", 15, 1000.0), ("Wh/m2", 60, 1.0), ("Wh/m2", 15, 4.0),
    ("kWh/m2", 60, 1000.0), ("kWh/m2 per hour", 60, 1000.0), ("MJ/m2", 60, 1e6 / 3600),
    ("kJ/m2", 30, 1000 / 1800), ("J/cm2", 60, 1e4 / 3600), ("cal/cm2", 60, 4.1868e4 / 3600),
])
def test_irradiance_factor_is_the_unit_and_the_step(unit, minutes, factor):
    assert irradiance_factor(unit, minutes) == pytest.approx(factor, rel=1e-12)
    # the factor convert_units multiplies by, and the one the monitor's notes show
    frame = pd.DataFrame({"ghi": [2.5]})
    converted = convert_units(frame, {"ghi": unit}, interval_minutes=minutes)[0]["ghi"].iloc[0]
    assert converted == pytest.approx(2.5 * factor, rel=1e-12)


def test_irradiance_factor_refuses_a_unit_of_no_irradiance():
    with pytest.raises(KeyError):
        irradiance_factor("lux")


def _kelvin(frame: pd.DataFrame) -> None:
    frame["temp_air"] += 273.15


def _fahrenheit(frame: pd.DataFrame) -> None:
    frame["temp_air"] = frame["temp_air"] * 1.8 + 32


def _code_for_cold(frame: pd.DataFrame) -> None:
    frame.loc[at("2026-01-10 05:00"), "temp_air"] = -120.0


def _wind_ten_times(frame: pd.DataFrame) -> None:
    frame["wind_speed"] *= 10.0


def _ghi_of_one_month(frame: pd.DataFrame) -> None:
    frame.loc[frame.index.month != 6, ["ghi", "dni", "dhi"]] = 0.0


@pytest.mark.parametrize(("change", "key", "part"), [
    (_kelvin, "validate.kelvin", "validate.temp_outside"),
    (_fahrenheit, "validate.fahrenheit", "validate.temp_outside"),
    (_code_for_cold, "validate.too_cold", "validate.temp_outside"),
    (_wind_ten_times, "validate.wind_unit", "validate.wind_outside"),
    (_ghi_of_one_month, "validate.ghi_annual", "validate.ghi_outside"),
])
def test_an_impossible_year_names_its_unit_or_a_damaged_format(change, key, part):
    """One check of the annual GHI, the temperatures and the wind: a file that may declare
    its units hears which unit the values look like; a format with fixed units (EPW) is
    damaged, with the same finding as the problem."""
    frame = year()
    change(frame)
    with pytest.raises(WeatherInputError) as free:
        clean(frame)
    assert free.value.key == key
    with pytest.raises(WeatherInputError) as fixed:
        clean(frame, fixed_format="EPW")
    assert fixed.value.key == "validate.format_values"
    assert fixed.value.params["problem"].key == part
    assert "EPW files give ghi in W/m2" in str(fixed.value)


# --- gaps ---------------------------------------------------------------------------------


def test_short_gap_interpolated_linearly():
    frame = year()
    t0, t4 = at("2026-04-10 10:00"), at("2026-04-10 14:00")
    frame.loc[at("2026-04-10 11:00") : at("2026-04-10 13:00"), "temp_air"] = np.nan
    out, notes = clean(frame)
    left, right = _year().at[t0, "temp_air"], _year().at[t4, "temp_air"]
    # hand calculation: straight line from 10:00 to 14:00
    expected = [left + (right - left) * k / 4 for k in (1, 2, 3)]
    got = out.loc[at("2026-04-10 11:00") : at("2026-04-10 13:00"), "temp_air"].tolist()
    assert got == pytest.approx(expected)
    assert any("interpolated in time: 1 (3 h in all" in note and "columns: temp_air" in note
               for note in notes)


def test_gap_across_the_year_end_wraps():
    frame = year()
    frame.iloc[-1, frame.columns.get_loc("temp_air")] = np.nan  # Dec 31 23:00
    frame.iloc[0, frame.columns.get_loc("temp_air")] = np.nan  # Jan 1 00:00
    out, _ = clean(frame)
    before, after = _year()["temp_air"].iloc[-2], _year()["temp_air"].iloc[1]
    assert out["temp_air"].iloc[-1] == pytest.approx(before + (after - before) / 3)
    assert out["temp_air"].iloc[0] == pytest.approx(before + 2 * (after - before) / 3)


def test_two_day_gap_filled_from_neighbouring_days():
    frame = year()
    gap = (frame.index >= at("2026-06-10 00:00")) & (frame.index < at("2026-06-12 00:00"))
    frame.loc[gap, :] = np.nan
    out, notes = clean(frame)
    ref = _year()
    for hour in ("06:00", "13:00"):
        expected = (
            ref.at[at(f"2026-06-09 {hour}"), "ghi"] + ref.at[at(f"2026-06-12 {hour}"), "ghi"]
        ) / 2
        assert out.at[at(f"2026-06-10 {hour}"), "ghi"] == pytest.approx(expected)
        assert out.at[at(f"2026-06-11 {hour}"), "ghi"] == pytest.approx(expected)
    assert any("gap of 48 h from 2026-06-10 00:00" in note and "temp_air" in note for note in notes)
    pd.testing.assert_frame_equal(out[~gap], ref[~gap], check_freq=False)


def test_gap_longer_than_a_week_is_an_error():
    frame = year()
    frame.loc[at("2026-08-01 00:00") : at("2026-08-08 23:00"), "ghi"] = np.nan
    with pytest.raises(WeatherInputError, match=r"'ghi' has a gap of 8.0 days from 2026-08-01"):
        clean(frame)


def test_missing_share_limit():
    # every 10th hour missing: 876 of 8760 = 10.0 %, the most that is still filled
    frame = year()
    frame.iloc[::10, frame.columns.get_loc("ghi")] = np.nan
    assert frame["ghi"].isna().sum() == 876
    out, _ = clean(frame)
    assert not out.isna().to_numpy().any()
    frame.iloc[5, frame.columns.get_loc("temp_air")] = np.nan  # one more: 877
    with pytest.raises(WeatherInputError) as info:
        clean(frame)
    message = str(info.value)
    assert "877 of 8760 timestamps (10.0 %)" in message
    assert "first at 2026-01-01 00:00 (column 'ghi')" in message
    assert f"{MAX_MISSING_PERCENT:g} %" in message


def test_thirty_percent_missing():
    frame = year()
    frame.iloc[4000 : 4000 + 2628] = np.nan
    with pytest.raises(WeatherInputError) as info:
        clean(frame)
    assert "2628 of 8760" in str(info.value)
    assert f"first at {frame.index[4000]:%Y-%m-%d %H:%M}" in str(info.value)


# --- axis ---------------------------------------------------------------------------------


def test_frame_off_the_typical_year_axis_is_refused():
    frame = year()
    frame.index = frame.index + pd.DateOffset(years=-1)
    with pytest.raises(WeatherInputError, match="to_typical_year"):
        clean(frame)


def test_partial_frame_is_reindexed_and_filled():
    frame = year().drop(index=[at("2026-02-02 02:00")])
    out, notes = clean(frame)
    assert len(out) == 8760
    assert any("interpolated" in note for note in notes)


def test_quarter_hour_axis():
    ref = _year()
    index = typical_year_index(TZ, 15)
    frame = ref.reindex(index, method="ffill")
    frame.iloc[100:104, frame.columns.get_loc("temp_air")] = np.nan  # one hour of gap
    out, notes = clean(frame, interval_minutes=15)
    assert len(out) == 35040
    assert not out.isna().to_numpy().any()
    assert irradiance_time_shift(out["ghi"], LAT, LON, 15)[0] == 0
    assert any("interpolated" in note for note in notes)


def test_a_missing_required_column_is_named_in_the_readers_words(tmp_path):
    # A Chinese reader reads 水平面总辐照度 (with the name ghi to write), not the bare id.
    from pvplanner.display.messages import render
    from pvplanner.messages import weather_message
    from weather.readers import read_weather_file

    path = tmp_path / "w.csv"
    path.write_text("time,temp_air\n2025-01-01 00:00,5\n", encoding="utf-8")
    with pytest.raises(WeatherInputError) as caught:
        read_weather_file(path)
    message = weather_message(caught.value)
    assert "缺少必需的列“水平面总辐照度（ghi）”" in render(message, "zh")
    assert "required column 'ghi' is missing" in render(message, "en")
