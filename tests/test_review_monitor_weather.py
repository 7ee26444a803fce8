"""Review of the monitor's and the weather readers' messages: generation under a header that
names UTC, an irradiance export without a unit, a GHI column of zeros, the file's own times
and lines in the weather checks, unit declarations in the file's terms, and a weather file
whose latitude has the wrong sign.

Every expectation is derived by hand in the test (lines counted from the file's header, a
unit's factor, the clear sky of June at 36.1 S), not read back from the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError
from pvplanner.messages import error_message
from pvplanner.monitor import monitor
from pvplanner.monitor.measured import likely_units
from pvplanner.monitor.readings import header_utc_offset
from tests._monitor_files import csv_bytes, demo_plan, expected_kw
from weather import read_weather_file
from weather.errors import WeatherInputError
from weather.origin import source_times
from weather.sky import CLEAR_SKY_FACTOR, CLEAR_SKY_MARGIN_W_M2, months_above_clear_sky
from weather.timing import sun_positions

FILES = Path(__file__).parent / "data" / "weather_files"

PI = 0.90
PI_TOLERANCE = 0.005  # as in test_monitor_timing_units: the plan at PI found again
JUNE = pd.date_range("2025-06-01", "2025-06-30 23:45", freq="15min")  # the site's UTC+8
_REPRS = re.compile(r"\b(True|False|nan|None|NaN)\b|units=\{")


@pytest.fixture(scope="module")
def plan():
    return demo_plan()


def _both(message) -> dict[str, str]:
    return {lang: render(message, lang) for lang in ("en", "zh")}


def _generation(times: list[str] | pd.Index, header: str = "time") -> bytes:
    return csv_bytes(pd.DataFrame({header: list(times),
                                   "PV power (kW)": np.round(expected_kw(JUNE) * PI, 3)}))


# --------------------------------------------------------------- 1. a header that says UTC
@pytest.mark.parametrize("header", ["time (UTC)", "时间(UTC)", "timestamp [UTC]", "UTC time"])
def test_utc_times_under_a_utc_header_are_read_as_utc(plan, header):
    """The June readings stamped 8 h earlier, as UTC writes them: the same instants, so the
    performance index is the plan's PI, and a note says the times were moved by +8 h."""
    scenario, result = plan
    utc = (JUNE - pd.Timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    found = monitor(scenario, generation=_generation(utc, header),
                    generation_filename="inverter.csv", result=result)
    assert found.performance_index == pytest.approx(PI, abs=PI_TOLERANCE)
    assert not found.outages and not found.data_gaps
    assert found.start.startswith("2025-06-01T00:00") and found.end.startswith("2025-07-01")
    note = next(n for n in found.notes if n.id == "times_in_header_zone")
    assert note.text("en") == (
        f"The times in column '{header}' are UTC, as its header says: converted to the "
        "site's standard time (UTC+8, +8 h).")
    assert note.text("zh") == (
        f"“{header}”列的时间按表头所示为 UTC：已换算为厂址标准时间（UTC+8，+8 小时）。")


def test_times_with_z_under_a_utc_header_are_not_moved_twice(plan):
    scenario, result = plan
    utc = (JUNE - pd.Timedelta(hours=8)).strftime("%Y-%m-%dT%H:%MZ")
    found = monitor(scenario, generation=_generation(utc, "time (UTC)"), result=result)
    assert found.performance_index == pytest.approx(PI, abs=PI_TOLERANCE)
    assert not [n for n in found.notes if n.id == "times_in_header_zone"]


def test_without_a_zone_in_the_header_utc_times_are_still_refused(plan):
    scenario, result = plan
    utc = (JUNE - pd.Timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    with pytest.raises(PlannerInputError, match="comes 8 h earlier"):
        monitor(scenario, generation=_generation(utc, "time"), result=result)


def test_the_zone_a_header_names():
    headers = ("time (UTC)", "时间（UTC+8）", "Zeit [GMT-03:30]", "时间(北京时间)", "时间",
               "Outcome", "counts")
    assert [header_utc_offset(h) for h in headers] == [0.0, 8.0, -3.5, 8.0, None, None, None]


# --------------------------------------------------------- 2. irradiance without a unit
def test_hourly_mj_without_a_unit_is_named_by_its_peak(plan):
    """Hourly irradiation peaking at 2.7 MJ/m2: 2.7e6 J / 3,600 s = 750 W/m2, sunlight; as
    kW/m2 or kWh/m2 it would be 2,700 W/m2, as kJ/m2 0.75 W/m2."""
    scenario, result = plan
    hours = pd.date_range("2025-06-01", "2025-06-30 23:00", freq="h")
    mj = np.round(2.7 * np.clip(np.sin((hours.hour.to_numpy() - 6) / 12 * np.pi), 0, None), 4)
    weather = csv_bytes(pd.DataFrame({"时间": hours.strftime("%Y-%m-%d %H:%M"), "GHI": mj}))
    with pytest.raises(PlannerInputError) as caught:
        monitor(scenario, generation=_generation(JUNE.strftime("%Y-%m-%d %H:%M")),
                weather=weather, weather_filename="irr.csv", result=result)
    text = _both(caught.value)
    assert "peaks at 2.7 as an hourly mean" in text["en"]
    assert ("probably MJ/m2 per 60-minute reading (750 W/m2 at the peak): name the unit in "
            "the header, such as 'GHI (MJ/m2)'") in text["en"]
    assert "kW/m2" not in text["en"]
    assert "每 60 分钟读数的 兆焦/平方米（峰值 750 W/m2）" in text["zh"] and "“GHI (MJ/m2)”" in text["zh"]
    for said in text.values():
        assert not _REPRS.search(said), said


def test_the_likely_units_of_a_peak():
    # hourly: 1 kW/m2 = 1 kWh/m2 in an hour = 1,000 W/m2; 3.6 MJ/m2 in an hour = 1,000 W/m2
    assert [(u, round(w)) for u, w in likely_units(0.9, 60)] == [("kw/m2", 900),
                                                                ("kwh/m2", 900)]
    assert [(u, round(w)) for u, w in likely_units(3.6, 60)] == [("mj/m2", 1000)]
    # a quarter hour: 0.25 kWh/m2 in 15 minutes = 1,000 W/m2 (kW/m2 would give 250)
    assert [(u, round(w)) for u, w in likely_units(0.25, 15)] == [("kwh/m2", 1000)]
    assert likely_units(1e-5, 60) == []


# ------------------------------------------------------------------- weather files
def _plain_table() -> tuple[list[str], pd.DataFrame]:
    """The Greensboro plain CSV: its two comment lines and its rows (header on line 3, the
    first row, 2023-01-01 00:00, on line 4)."""
    lines = (FILES / "greensboro_plain.csv").read_text().splitlines()
    table = pd.read_csv(FILES / "greensboro_plain.csv", comment="#", dtype={"time": str})
    return lines[:2], table


def _plain(table: pd.DataFrame, head: list[str], time_header: str = "time") -> bytes:
    body = table.rename(columns={"time": time_header})
    return ("\n".join(head) + "\n" + body.to_csv(index=False, lineterminator="\n")).encode()


def _refusal(data: bytes, name: str = "site.csv") -> WeatherInputError:
    with pytest.raises(WeatherInputError) as caught:
        read_weather_file(data, filename=name)
    return caught.value


# ------------------------------------------------------------------- 3. GHI of zeros
def test_a_ghi_column_of_zeros_holds_no_irradiance():
    head, table = _plain_table()
    table[["ghi", "dni", "dhi"]] = 0.0
    error = _refusal(_plain(table, head))
    assert error.key == "validate.no_irradiance"
    text = _both(error_message(error))
    # 8760 rows from line 4: the last on line 8763
    assert ("ghi is 0 or less in all 8760 values, from 2023-01-01 00:00 on line 4 to "
            "2023-12-31 23:00 on line 8763: the column holds no irradiance at all") in text["en"]
    assert "该列根本没有辐照度" in text["zh"] and "第 8763 行 2023-12-31 23:00" in text["zh"]
    for said in text.values():
        assert "convert the values" not in said and "probably not W/m2" not in said


# ---------------------------------------------------- 4. the file's own times and lines
def _spikes(table: pd.DataFrame, hours: int) -> pd.DataFrame:
    start = int(np.flatnonzero(table["time"].to_numpy() == "2023-06-10 00:00")[0])
    table.loc[start:start + hours - 1, "ghi"] = 5000.0
    return table


# 2023-06-10 00:00 is 160 days after 1 January: row 3,840, on line 4 + 3,840 = 3,844
LINE_OF_10_JUNE = 3844


def test_a_day_of_spikes_is_noted_at_the_files_own_time_and_line():
    head, table = _plain_table()
    _, meta = read_weather_file(_plain(_spikes(table, 24), head), filename="site.csv")
    note = next(n for n in meta.notes if n.key == "checks.irradiance_spikes")
    assert note.endswith(f"(the highest 5,000 W/m2 at 2023-06-10 00:00 on line "
                         f"{LINE_OF_10_JUNE})")
    assert "2026" not in " ".join(meta.notes)


def test_a_day_and_an_hour_of_spikes_is_refused_at_the_files_own_time_and_line():
    head, table = _plain_table()
    error = _refusal(_plain(_spikes(table, 25), head))
    text = _both(error_message(error))
    assert f"the first at 2023-06-10 00:00 on line {LINE_OF_10_JUNE}," in text["en"]
    assert f"第一个在 第 {LINE_OF_10_JUNE} 行 2023-06-10 00:00" in text["zh"]


def test_times_in_utc_are_named_as_the_file_writes_them():
    """The same file with its times written in UTC under 'time [UTC]' (Greensboro is
    UTC-5): local 2023-06-10 00:00 is written 2023-06-10 05:00, on the same line."""
    head, table = _plain_table()
    table = _spikes(table, 25)
    table["time"] = (pd.to_datetime(table["time"]) + pd.Timedelta(hours=5)).dt.strftime(
        "%Y-%m-%d %H:%M")
    error = _refusal(_plain(table, head, "time [UTC]"))
    assert f"the first at 2023-06-10 05:00 on line {LINE_OF_10_JUNE}," in str(error)


def test_a_typical_year_step_maps_back_across_the_year_end():
    """A UTC year read at UTC+8: the typical 1 January 00:00 is the file's last day at
    16:00 UTC, row 8,760 - 8 = 8,752; with rows from line 2, line 8,754."""
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="UTC")
    times = source_times(index, 8.0, 60, lines=np.arange(8760) + 2)
    first = times(pd.Timestamp("2026-01-01 00:00", tz="Etc/GMT-8"))
    assert first == {"en": "2023-12-31 16:00 UTC on line 8754",
                     "zh": "第 8754 行 2023-12-31 16:00 UTC"}
    # a step the file has no row for: the file's calendar, no line
    gap = source_times(index.delete(range(100, 110)), 8.0, 60)
    assert gap(pd.Timestamp("2026-01-05 12:00", tz="Etc/GMT-8")) == {
        "en": "2023-01-05 04:00 UTC", "zh": "2023-01-05 04:00 UTC"}


# ---------------------------------------------------------- 5. units in the file's terms
def test_an_undeclared_unit_is_declared_in_the_files_terms():
    head, table = _plain_table()
    for column in ("ghi", "dni", "dhi"):
        table[column] = table[column] / 1000.0  # kWh/m2 per hour
    error = _refusal(_plain(table, head[:1]))
    text = _both(error_message(error))
    assert ("declare the unit in the file, with a line '# units: ghi=kWh/m2' above the header "
            "or the header 'ghi [kWh/m2]'") in text["en"]
    assert "“# units: ghi=kWh/m2”" in text["zh"] and "“ghi [kWh/m2]”" in text["zh"]
    for said in text.values():
        assert not _REPRS.search(said), said
    # following the advice: both declarations read the file as the W/m2 original
    original, _ = read_weather_file(FILES / "greensboro_plain.csv")
    for data in (_plain(table.rename(columns={c: f"{c} [kWh/m2]" for c in
                                              ("ghi", "dni", "dhi")}), head[:1]),
                 _plain(table, [head[0], "# units: ghi=kWh/m2, dni=kWh/m2, dhi=kWh/m2"])):
        frame, _ = read_weather_file(data, filename="site.csv")
        assert np.allclose(frame["ghi"], original["ghi"], atol=1e-6)


def test_kelvin_is_declared_in_the_files_terms():
    head, table = _plain_table()
    table["temp_air"] = table["temp_air"] + 273.15
    text = _both(error_message(_refusal(_plain(table, head[:1]))))
    assert "'# units: temp_air=K' above the header or the header 'temp_air [K]'" in text["en"]
    for said in text.values():
        assert not _REPRS.search(said), said


# ------------------------------------------------------------ 6. the latitude's sign
def test_an_epw_with_the_latitude_sign_flipped_is_refused_naming_the_months():
    """Greensboro's EPW at 36.1 S. The clear sky of June there, by hand: noon elevation
    90 - 36.1 - 23.4 = 30.5 deg, Haurwitz 1098 sin(30.5) exp(-0.057 / sin(30.5)) = 498 W/m2,
    about 9.8 h of day, so about (2 / pi) x 498 x 9.8 = 3.1 kWh/m2 a day; the file's June
    (6.3 kWh/m2 a day) is twice that."""
    text = (FILES / "greensboro_tmy3.epw").read_bytes()
    flipped = text.replace(b",36.1,-79.95,", b",-36.1,-79.95,", 1)
    assert flipped != text
    error = _refusal(flipped, "site.epw")
    assert error.key == "sky.above_clear_sky"
    said = _both(error_message(error))
    assert re.search(r"in [A-Z][a-z]+(, [A-Z][a-z]+)* the GHI is far above", said["en"])
    assert "June" in said["en"].split(" the GHI")[0]
    assert "latitude -36.10, longitude -79.95" in said["en"]
    june = re.search(r"in June: ([\d.]+) kWh/m2 a day against ([\d.]+) under", said["en"])
    assert june and float(june.group(2)) == pytest.approx(3.1, abs=0.2)
    assert float(june.group(1)) > 2 * float(june.group(2))
    assert "At latitude 36.10, in the other hemisphere, every month fits" in said["en"]
    assert "EPW file's header" in said["en"]
    assert "6月" in said["zh"] and "纬度的正负号很可能有误" in said["zh"]
    assert "check the time labels" not in said["en"]
    read_weather_file(text, filename="site.epw")  # the true latitude is accepted


def test_a_month_above_the_clear_sky_by_the_margin():
    """Lhasa's brightest month is 1.12 times the clear sky: not above; 1.3 times and 20
    W/m2 more is the limit."""
    index = pd.date_range("2026-01-01", periods=8760, freq="h", tz="Etc/GMT-8")
    zenith = sun_positions(index, 29.67, 91.13, 60)["zenith"].to_numpy()
    table = months_above_clear_sky(pd.Series(0.0, index=index), zenith)
    clear = pd.Series(table["clear"].to_numpy()[index.month - 1], index=index)
    assert not months_above_clear_sky(1.12 * clear, zenith)["above"].any()
    limit = CLEAR_SKY_FACTOR * clear + CLEAR_SKY_MARGIN_W_M2
    assert not months_above_clear_sky(limit - 1.0, zenith)["above"].any()
    assert months_above_clear_sky(limit + 1.0, zenith)["above"].all()
