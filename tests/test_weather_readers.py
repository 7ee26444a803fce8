"""Tests of weather.readers: every supported format onto the typical-year axis, bad files.

Independent references: NREL's TMY3/TMY2 examples shipped in pvlib's wheel (raw rows read
with plain pandas here), and solar noon in local standard time from the longitude and the
equation of time (Spencer 1971), which exposes any off-by-one-hour label shift.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weather.errors import WeatherInputError
from weather.meta import REQUIRED_COLUMNS
from weather.readers import DEFAULT_MAX_BYTES, detect_format, read_weather_file
from weather.timeaxis import typical_year_index

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
FIXTURES = Path(__file__).parent / "data" / "weather_files"
TMY3_GREENSBORO = PVLIB_DATA / "723170TYA.CSV"
TMY3_SAND_POINT = PVLIB_DATA / "703165TY.csv"
TMY2_MIAMI = PVLIB_DATA / "12839.tm2"
EPW = FIXTURES / "greensboro_tmy3.epw"
PVGIS_CSV = FIXTURES / "greensboro_pvgis_tmy.csv"
PVGIS_JSON = FIXTURES / "greensboro_pvgis_tmy.json"
PLAIN_CSV = FIXTURES / "greensboro_plain.csv"

ALL_FILES = [
    (TMY3_GREENSBORO, "tmy3"),
    (TMY3_SAND_POINT, "tmy3"),
    (TMY2_MIAMI, "tmy2"),
    (EPW, "epw"),
    (PVGIS_CSV, "pvgis-file"),
    (PVGIS_JSON, "pvgis-file"),
    (PLAIN_CSV, "csv"),
]


@cache
def _read(path: Path):
    return read_weather_file(path)


def _reference():
    """Greensboro TMY3 as read by the reader: the other Greensboro fixtures must equal it."""
    return _read(TMY3_GREENSBORO)[0]


def _solar_noon_hours(longitude: float, utc_offset_hours: float) -> float:
    """Mean solar noon over the year in local standard time [h]."""
    eot_minutes = pvlib.solarposition.equation_of_time_spencer71(np.arange(1, 366)).mean()
    return 12.0 - (longitude - 15.0 * utc_offset_hours) / 15.0 - eot_minutes / 60.0


def _ghi_centroid_hours(ghi: pd.Series) -> float:
    """GHI-weighted mean time of day [h], each hour at its interval midpoint (label + 0.5)."""
    profile = ghi.groupby(ghi.index.hour).mean()
    return float((profile * (profile.index + 0.5)).sum() / profile.sum())


def _plain_lines() -> list[str]:
    return PLAIN_CSV.read_text().splitlines()


def _plain_bytes(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# --- every bundled file -------------------------------------------------------------------


@pytest.mark.parametrize(("path", "source"), ALL_FILES, ids=lambda v: getattr(v, "name", v))
def test_file_reads_to_a_complete_typical_year(path, source):
    frame, meta = _read(path)
    assert list(frame.columns) == list(REQUIRED_COLUMNS)
    assert len(frame) == 8760
    assert not frame.isna().to_numpy().any()
    assert frame.index.equals(typical_year_index(meta.utc_offset_hours))
    assert meta.source == source
    assert meta.obtained == "file"
    assert frame["ghi"].min() >= 0


@pytest.mark.parametrize(("path", "source"), ALL_FILES, ids=lambda v: getattr(v, "name", v))
def test_ghi_follows_solar_noon_of_local_standard_time(path, source):
    frame, meta = _read(path)
    noon = _solar_noon_hours(meta.longitude, meta.utc_offset_hours)
    # The hour with the highest mean GHI contains solar noon: within 1 h of it (brief).
    profile = frame["ghi"].groupby(frame.index.hour).mean()
    assert abs(profile.idxmax() + 0.5 - noon) <= 1.0
    # The GHI-weighted centroid is much sharper: measured 0.007 h (Greensboro), 0.05 h (Sand
    # Point), 0.06 h (Miami) from solar noon; a one-hour label shift moves it by 1 h, so
    # 0.25 h separates right from wrong.
    assert abs(_ghi_centroid_hours(frame["ghi"]) - noon) < 0.25
    shifted = frame["ghi"].shift(1, fill_value=0.0)
    assert abs(_ghi_centroid_hours(shifted) - noon) > 0.75  # the check can fail


def test_tmy3_values_land_on_interval_start_labels():
    # Raw NREL rows: '01/01/1988,13:00' is the hour 12:00-13:00 local standard time.
    raw = pd.read_csv(TMY3_GREENSBORO, skiprows=1)
    frame, _ = _read(TMY3_GREENSBORO)
    for date, clock, start in [
        ("01/01/1988", "13:00", "2026-01-01 12:00"),
        ("07/15/1981", "10:00", "2026-07-15 09:00"),
        ("12/31/1980", "24:00", "2026-12-31 23:00"),
    ]:
        row = raw[(raw["Date (MM/DD/YYYY)"] == date) & (raw["Time (HH:MM)"] == clock)].iloc[0]
        at = pd.Timestamp(start, tz=frame.index.tz)
        assert frame.at[at, "ghi"] == row["GHI (W/m^2)"]
        assert frame.at[at, "temp_air"] == row["Dry-bulb (C)"]
        assert frame.at[at, "wind_speed"] == row["Wspd (m/s)"]


def test_tmy3_leap_year_february_keeps_its_last_hour():
    # February of this file comes from 1996 (a leap year); its '02/28/1996,24:00' row is
    # the hour 23:00-24:00 on 28 February and must not be lost to pvlib's 29 Feb handling.
    raw = pd.read_csv(TMY3_GREENSBORO, skiprows=1)
    row = raw[(raw["Date (MM/DD/YYYY)"] == "02/28/1996") & (raw["Time (HH:MM)"] == "24:00")]
    frame, meta = _read(TMY3_GREENSBORO)
    at = pd.Timestamp("2026-02-28 23:00", tz=frame.index.tz)
    assert frame.at[at, "temp_air"] == row["Dry-bulb (C)"].iloc[0]
    assert not any("gap" in note for note in meta.notes)


def test_tmy2_units_converted_from_tenths():
    # TMY2 stores dry bulb in 0.1 degC and wind in 0.1 m/s (NREL TMY2 manual).
    raw, _ = pvlib.iotools.read_tmy2(TMY2_MIAMI)
    frame, meta = _read(TMY2_MIAMI)
    at = pd.Timestamp("2026-07-01 12:00", tz=frame.index.tz)
    row = raw[(raw["month"] == 7) & (raw["day"] == 1) & (raw["hour"] == 13)].iloc[0]
    assert frame.at[at, "temp_air"] == pytest.approx(row["DryBulb"] / 10.0)
    assert frame.at[at, "wind_speed"] == pytest.approx(row["Wspd"] / 10.0)
    assert frame.at[at, "ghi"] == row["GHI"]
    assert 15 < frame["temp_air"].mean() < 30  # Miami: annual mean about 24 degC
    assert meta.station == "MIAMI"
    assert meta.years == "1961-1988"
    assert meta.utc_offset_hours == -5


@pytest.mark.parametrize("path", [EPW, PVGIS_CSV, PVGIS_JSON, PLAIN_CSV], ids=lambda p: p.name)
def test_other_formats_of_the_same_year_equal_the_tmy3(path):
    # The fixtures carry the Greensboro TMY3 values in each format's own time convention
    # (EPW: hour ending, local; PVGIS: UTC, hour starting; plain CSV: local, hour starting).
    frame, _ = _read(path)
    pd.testing.assert_frame_equal(frame, _reference(), check_exact=False, atol=1e-9)


def test_metadata_from_file_headers():
    _, tmy3 = _read(TMY3_GREENSBORO)
    assert (tmy3.station, tmy3.dataset, tmy3.years) == (
        "GREENSBORO PIEDMONT TRIAD INT",
        "TMY3",
        "1980-2003",
    )
    assert (tmy3.latitude, tmy3.longitude, tmy3.elevation_m) == (36.1, -79.95, 273.0)
    assert tmy3.utc_offset_hours == -5
    _, epw = _read(EPW)
    assert epw.dataset == "TMY3"  # the LOCATION line's data-source field
    assert epw.station == "GREENSBORO PIEDMONT TRIAD INT"
    _, pvgis = _read(PVGIS_JSON)
    assert pvgis.dataset == "PVGIS-TMY3-DERIVED"
    assert pvgis.years == "1980-2003"
    assert "PVGIS" in pvgis.attribution
    assert any("UTC+0" in note for note in pvgis.notes)
    _, plain = _read(PLAIN_CSV)
    assert plain.dataset == "NREL TMY3 723170 (via pvlib)"
    assert plain.years == "2023"
    assert plain.elevation_m == 273.0


# --- inputs other than paths -------------------------------------------------------------


def test_bytes_and_binary_file_inputs():
    content = TMY3_GREENSBORO.read_bytes()
    from_bytes, meta = read_weather_file(content, filename="upload.csv")
    from_buffer, _ = read_weather_file(io.BytesIO(content))
    pd.testing.assert_frame_equal(from_bytes, _reference())
    pd.testing.assert_frame_equal(from_buffer, _reference())
    assert meta.source == "tmy3"


@pytest.mark.parametrize(
    ("path", "wrong_name", "source"),
    [
        (TMY3_GREENSBORO, "greensboro.epw", "tmy3"),
        (EPW, "weather.csv", "epw"),
        (PVGIS_JSON, "pvgis.txt", "pvgis-file"),
        (PLAIN_CSV, "site.tm2", "csv"),
    ],
)
def test_wrong_extension_detected_by_content(path, wrong_name, source):
    frame, meta = read_weather_file(path.read_bytes(), filename=wrong_name)
    assert meta.source == source
    assert len(frame) == 8760


def test_detect_format_by_content_then_extension():
    assert detect_format(TMY2_MIAMI.read_text()[:500], "x.csv") == "tmy2"
    assert detect_format(PVGIS_CSV.read_text()[:500], "x.json") == "pvgis-csv"
    assert detect_format("hello", "x.epw") == "epw"
    assert detect_format("hello", "x.dat") is None


def test_site_offset_and_distance():
    frame, meta = read_weather_file(
        TMY3_GREENSBORO, utc_offset_hours=-6, latitude=35.0, longitude=-80.0
    )
    ref = _reference()
    # the same instant is one hour earlier on a UTC-6 clock
    at6 = pd.Timestamp("2026-06-01 11:00", tz=frame.index.tz)
    at5 = pd.Timestamp("2026-06-01 12:00", tz=ref.index.tz)
    assert frame.at[at6, "ghi"] == ref.at[at5, "ghi"]
    assert meta.utc_offset_hours == -6
    # hand calculation: 1.1 deg of latitude = 122.31 km, 0.05 deg of longitude at 35.5 N =
    # 4.52 km -> 122.40 km (flat-earth approximation, good to 0.1 km at this scale)
    assert meta.distance_km == pytest.approx(122.40, abs=0.3)


# --- plain CSV specifics ------------------------------------------------------------------


def test_plain_csv_with_utc_offsets_end_labels_and_units():
    lines = _plain_lines()
    ref = _reference()
    body = []
    for line in lines[3:]:
        time, rest = line.split(",", 1)
        # UTC with 'Z', labels at interval END, temperatures in Kelvin
        end_utc = pd.Timestamp(time) + pd.Timedelta(hours=5 + 1)
        ghi, dni, dhi, temp, wind = rest.split(",")
        body.append(
            f"{end_utc:%Y-%m-%dT%H:%M}Z,{ghi},{dni},{dhi},{float(temp) + 273.15:.2f},{wind}"
        )
    text = [
        "# latitude=36.1; longitude=-79.95; label=end",
        "# units: temp_air=K",
        "time,ghi,dni,dhi,temp_air [K],wind_speed",
        *body,
    ]
    frame, meta = read_weather_file(_plain_bytes(text), filename="utc.csv")
    pd.testing.assert_frame_equal(frame, ref, check_exact=False, atol=1e-6)
    assert any("interval end" in note for note in meta.notes)
    assert any("temp_air converted from K" in note for note in meta.notes)


@pytest.mark.parametrize(("header", "hours"), [("time [UTC]", 5), ("Time (UTC-5)", 0)])
def test_plain_csv_time_header_states_the_offset(header, hours):
    lines = _plain_lines()
    body = []
    for line in lines[3:]:
        time, rest = line.split(",", 1)
        body.append(f"{pd.Timestamp(time) + pd.Timedelta(hours=hours):%Y-%m-%d %H:%M},{rest}")
    head = [lines[0], header + ",ghi,dni,dhi,temp_air,wind_speed"]
    frame, meta = read_weather_file(_plain_bytes(head + body), filename="stated.csv")
    pd.testing.assert_frame_equal(frame, _reference())
    assert meta.utc_offset_hours == -5


def test_plain_csv_quarter_hours_are_averaged():
    lines = _plain_lines()
    body = []
    for line in lines[3:]:
        time, rest = line.split(",", 1)
        for minute in (0, 15, 30, 45):
            stamp = pd.Timestamp(time) + pd.Timedelta(minutes=minute)
            body.append(f"{stamp:%Y-%m-%d %H:%M},{rest}")
    frame, meta = read_weather_file(_plain_bytes(lines[:3] + body), filename="q.csv")
    pd.testing.assert_frame_equal(frame, _reference(), check_exact=False, atol=1e-9)
    assert any("15-minute" in note for note in meta.notes)


def test_plain_csv_needs_a_location():
    lines = _plain_lines()
    with pytest.raises(WeatherInputError, match="latitude"):
        read_weather_file(_plain_bytes(lines[1:]), filename="nowhere.csv")
    frame, meta = read_weather_file(
        _plain_bytes(lines[1:]), filename="site.csv", latitude=36.1, longitude=-79.95
    )
    assert meta.utc_offset_hours == -5  # America/New_York standard time
    pd.testing.assert_frame_equal(frame, _reference())


def test_plain_csv_duplicate_time_names_the_line():
    lines = _plain_lines()
    lines[100] = lines[99]
    with pytest.raises(WeatherInputError, match=r"line 101\b.*repeats"):
        read_weather_file(_plain_bytes(lines), filename="dup.csv")


def test_plain_csv_bad_time_names_the_line():
    lines = _plain_lines()
    lines[10] = "31/01/2023 07:00" + lines[10][16:]
    with pytest.raises(WeatherInputError, match=r"line 11\b.*ISO 8601"):
        read_weather_file(_plain_bytes(lines), filename="bad_time.csv")


# --- bad inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\r\n  "])
def test_empty_file(content):
    with pytest.raises(WeatherInputError, match="'empty.epw' is empty"):
        read_weather_file(content, filename="empty.epw")


def test_random_bytes():
    junk = np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(WeatherInputError, match="'junk.epw' is a binary file"):
        read_weather_file(junk, filename="junk.epw")


def test_text_that_is_no_weather_format():
    with pytest.raises(WeatherInputError, match="not a recognised weather format"):
        read_weather_file(b"Dear customer,\nplease find attached...\n", filename="letter.txt")


def test_junk_with_a_weather_extension_names_the_expected_format():
    with pytest.raises(WeatherInputError, match=r"'broken.epw' could not be read as an EPW"):
        read_weather_file(b"LOCATION,nowhere\nnothing else\n", filename="broken.epw")
    with pytest.raises(WeatherInputError, match=r"could not be read as a TMY2"):
        read_weather_file(b"hello", filename="x.tm2", fmt="tmy2")


def test_excel_workbook_is_named():
    with pytest.raises(WeatherInputError, match="Excel"):
        read_weather_file(b"PK\x03\x04" + b"\x00" * 100, filename="weather.xlsx")


def test_csv_missing_ghi():
    text = "# latitude=30.27, longitude=120.16\ntime,global_kwh,temp_air\n2023-01-01 00:00,0,5\n"
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(text.encode(), filename="no_ghi.csv")
    message = str(info.value)
    assert "'ghi' is missing" in message
    assert "global_kwh" in message  # the columns found are listed


def test_text_in_a_number_column_names_row_and_column():
    lines = _plain_lines()
    time, ghi, dni, dhi, _temp, wind = lines[9].split(",")
    lines[9] = ",".join([time, ghi, dni, dhi, "12.5C", wind])
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(_plain_bytes(lines), filename="typo.csv")
    message = str(info.value)
    assert "line 10" in message
    assert "column 'temp_air'" in message
    assert "'12.5C'" in message


def test_two_day_gap_is_filled_and_reported():
    lines = _plain_lines()
    ref = _reference()
    kept = [ln for ln in lines if not ln.startswith(("2023-03-10", "2023-03-11"))]
    assert len(lines) - len(kept) == 48
    frame, meta = read_weather_file(_plain_bytes(kept), filename="gap.csv")
    assert not frame.isna().to_numpy().any()
    # the file's calendar (the rows are not in it: no line)
    assert any("gap of 48 h from 2023-03-10 00:00 filled" in note for note in meta.notes)
    tz = ref.index.tz
    # filled with the mean of the same hour on 9 and 12 March
    expected = (
        ref.at[pd.Timestamp("2026-03-09 12:00", tz=tz), "ghi"]
        + ref.at[pd.Timestamp("2026-03-12 12:00", tz=tz), "ghi"]
    ) / 2
    assert frame.at[pd.Timestamp("2026-03-10 12:00", tz=tz), "ghi"] == pytest.approx(expected)
    outside = ~frame.index.normalize().isin(
        [pd.Timestamp("2026-03-10", tz=tz), pd.Timestamp("2026-03-11", tz=tz)]
    )
    pd.testing.assert_frame_equal(frame[outside], ref[outside])


def test_thirty_percent_missing_is_an_error():
    lines = _plain_lines()
    kept = lines[:3] + lines[3:3003] + lines[3003 + 2628 :]
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(_plain_bytes(kept), filename="holes.csv")
    message = str(info.value)
    first = typical_year_index(-5)[3000]
    assert "2628 of 8760" in message
    assert "30.0 %" in message
    assert f"the first at {first:2023-%m-%d %H:%M} (column" in message  # the file's year


def test_kelvin_temperatures_are_an_error_naming_the_unit():
    lines = _plain_lines()
    body = []
    for line in lines[3:]:
        fields = line.split(",")
        fields[4] = f"{float(fields[4]) + 273.15:.2f}"
        body.append(",".join(fields))
    with pytest.raises(WeatherInputError, match=r"Kelvin.*temp_air=K"):
        read_weather_file(_plain_bytes(lines[:3] + body), filename="kelvin.csv")


def test_irradiance_in_kwh_is_an_error():
    lines = _plain_lines()
    body = []
    for line in lines[3:]:
        fields = line.split(",")
        fields[1:4] = [f"{float(v) / 1000:.4f}" for v in fields[1:4]]
        body.append(",".join(fields))
    # without the fixture's '# units: ghi=W/m2' line: a declared unit is not second-guessed
    # (tests/test_weather_validate_timing_spikes.py)
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(_plain_bytes([lines[0], lines[2], *body]), filename="kwh.csv")
    message = str(info.value)
    assert "kWh/m2" in message
    assert "ghi peaks at 1.013" in message  # 1013 W/m2 in the file, read as kWh/m2


def test_declared_kwh_units_are_converted():
    lines = _plain_lines()
    body = []
    for line in lines[3:]:
        fields = line.split(",")
        fields[1:4] = [f"{float(v) / 1000:.4f}" for v in fields[1:4]]
        body.append(",".join(fields))
    header = [lines[0], "# units: ghi=kWh/m2, dni=kWh/m2, dhi=kWh/m2", lines[2]]
    frame, _ = read_weather_file(_plain_bytes(header + body), filename="kwh.csv")
    # 4 decimals of kWh = 0.05 W/m2 rounding at most
    pd.testing.assert_frame_equal(frame, _reference(), check_exact=False, atol=0.051)


def test_upload_over_the_size_limit():
    big = b"0" * (DEFAULT_MAX_BYTES + 1)
    with pytest.raises(WeatherInputError, match=r"'huge.csv' is larger than the 50.0 MB limit"):
        read_weather_file(big, filename="huge.csv")
    with pytest.raises(WeatherInputError, match="limit"):
        read_weather_file(io.BytesIO(b"x" * 2000), filename="s.csv", max_bytes=1000)


def test_file_over_the_size_limit_is_not_read(tmp_path):
    path = tmp_path / "big.epw"
    path.write_bytes(b"LOCATION," + b"9" * 5000)
    with pytest.raises(
        WeatherInputError, match=r"'big.epw' is 5,009 bytes, more than the 1,000 bytes limit"
    ):
        read_weather_file(path, max_bytes=1000)


def test_missing_path():
    with pytest.raises(WeatherInputError, match="not found"):
        read_weather_file("/nonexistent/site.epw")


def test_pvgis_hourly_series_is_not_a_tmy():
    doc = {"inputs": {}, "outputs": {"hourly": []}, "meta": {}}
    with pytest.raises(WeatherInputError, match="not a TMY"):
        read_weather_file(json.dumps(doc).encode(), filename="series.json")


def test_utc_labels_read_as_local_are_refused():
    # the plain CSV's times moved 5 h later, as if UTC were written as local time: a wrong
    # time zone is refused, naming the shift and the header that states the zone
    lines = _plain_lines()
    body = []
    for line in lines[3:]:
        time, rest = line.split(",", 1)
        stamp = pd.Timestamp(time) + pd.Timedelta(hours=5)
        body.append(f"{stamp.replace(year=2023):%Y-%m-%d %H:%M},{rest}")
    with pytest.raises(WeatherInputError) as info:
        read_weather_file(_plain_bytes(lines[:3] + body), filename="utc_as_local.csv")
    assert "off by +5 h" in str(info.value)
    assert "'time [UTC]'" in str(info.value)  # Greensboro's UTC-5 + 5 h


# --- fuzzing: junk in, WeatherInputError out ------------------------------------------------

_HEADS = [
    b"",
    b"LOCATION,",
    EPW.read_bytes()[:600],
    TMY3_GREENSBORO.read_bytes()[:1200],
    TMY2_MIAMI.read_bytes()[:400],
    PVGIS_CSV.read_bytes()[:400],
    b'{"outputs": {"tmy_hourly": [',
    b"# latitude=30, longitude=120\ntime,ghi,temp_air\n",
    b"time;ghi;temp_air\n2023-01-01 00:00;",
]


def _outcome(content: bytes, name: str) -> None:
    try:
        frame, _ = read_weather_file(content, filename=name)
    except WeatherInputError:
        return
    assert len(frame) == 8760 and not frame.isna().to_numpy().any()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=st.sampled_from(_HEADS),
    body=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)),
    name=st.sampled_from(["w.csv", "w.epw", "w.tm2", "w.json", "w", "w.txt"]),
)
def test_random_content_ends_in_frame_or_weather_error(head, body, name):
    _outcome(head + body, name)


_TRUNCATABLE = [EPW.read_bytes(), PLAIN_CSV.read_bytes(), PVGIS_CSV.read_bytes()]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, len(_TRUNCATABLE) - 1),
    cut=st.floats(0.0, 1.0),
    junk=st.binary(max_size=40),
)
def test_damaged_files_end_in_frame_or_weather_error(which, cut, junk):
    content = _TRUNCATABLE[which]
    at = int(cut * len(content))
    _outcome(content[:at] + junk + content[at + len(junk) :], "damaged")


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=300))
def test_random_path_strings_end_in_weather_error(text):
    with pytest.raises(WeatherInputError):
        read_weather_file(text + "/\x01missing")


def test_a_csv_with_chinese_headers_and_full_width_units_reads():
    """A weather-station export headed in Chinese (时间, 总辐照度（W/m²）, 气温（℃）, 风速):
    the same values as the English-headed file."""
    idx = pd.date_range("2025-01-01", periods=8760, freq="h")
    # a 600 W/m2 noon all year: a December at 30 N as bright as a clear sky, not brighter
    ghi = np.clip(600.0 * np.sin((idx.hour.to_numpy() - 6) / 12 * np.pi), 0.0, None)
    temp = 15.0 + 5.0 * np.sin(idx.hour.to_numpy() / 24 * 2 * np.pi)
    rows = [f"{t:%Y-%m-%d %H:%M},{g:.1f},{c:.2f},2.0" for t, g, c in zip(idx, ghi, temp,
                                                                       strict=True)]
    chinese = "\n".join(["时间,总辐照度（W/m²）,气温（℃）,风速（米/秒）", *rows]).encode("utf-8")
    english = "\n".join(["time,ghi,temp_air,wind_speed", *rows]).encode("utf-8")
    place = {"latitude": 30.2, "longitude": 120.2, "utc_offset_hours": 8.0}
    zh, _ = read_weather_file(chinese, filename="站点.csv", **place)
    en, _ = read_weather_file(english, filename="site.csv", **place)
    pd.testing.assert_frame_equal(zh, en)
    assert zh["ghi"].max() == pytest.approx(600.0) and zh["temp_air"].mean() == pytest.approx(15.0)


def test_a_huge_cell_is_quoted_by_its_start_only():
    """A 60,000-character cell was echoed whole into the error (60 kB of message text): the
    message quotes its first 200 characters and an ellipsis; in both languages."""
    from pvplanner.display.messages import render
    from weather.errors import QUOTED_START_CHARS

    lines = _plain_lines()
    time, rest = lines[103].split(",", 1)
    lines[103] = f"{time},{'z' * 60_000},{rest.split(',', 1)[1]}"
    with pytest.raises(WeatherInputError) as caught:
        read_weather_file(io.BytesIO(_plain_bytes(lines)), filename="long.csv")
    text = str(caught.value)
    quoted = "'" + "z" * QUOTED_START_CHARS + "…'"
    assert "line 104, column 'ghi'" in text and quoted in text and len(text) < 600, text
    from pvplanner.messages import error_message  # as the app and the CLI render it

    zh = render(error_message(caught.value), "zh")
    assert "“" + "z" * QUOTED_START_CHARS + "…”" in zh and len(zh) < 600, zh
