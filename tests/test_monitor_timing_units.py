"""Generation on another clock is refused before it becomes figures; irradiance exports in
the unit their header names give the same weather-corrected figures as W/m2.

The files are made from the plan's own expectation (tests/_monitor_files.py), so a file on
the site's clock has a known performance index, and the same readings stamped in UTC or at
their interval end differ from it only in their clock.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError
from pvplanner.monitor import monitor
from pvplanner.monitor.expected import typical_positions
from pvplanner.monitor.measured import header_unit
from pvplanner.monitor.rules import monitor_rules
from pvplanner.monitor.timing import timing_shift
from tests._monitor_files import csv_bytes, demo_plan, expected_kw

PI = 0.90
#: The performance index of a file made at PI from the plan, found again to within this.
PI_TOLERANCE = 0.005
#: Weather-corrected figures from a converted unit against W/m2 input [relative]: the
#: conversions are exact in decimal but not in binary floating point.
UNIT_TOLERANCE = 1e-6
#: What a reader must never see: Python reprs and ISO times with T and an offset.
_REPRS = re.compile(r"\b(True|False|nan|None|NaN)\b")

JUNE = pd.date_range("2025-06-01", "2025-06-30 23:45", freq="15min")


@pytest.fixture(scope="module")
def plan():
    return demo_plan()


def _both(exc: BaseException) -> dict[str, str]:
    return {lang: render(exc, lang) for lang in ("en", "zh")}


def _csv(stamps: list[str] | pd.Index, values: np.ndarray, header: str) -> bytes:
    return csv_bytes(pd.DataFrame({"time": list(stamps), header: values}))


def _june_kw() -> np.ndarray:
    """June at PI of the plan, 15-minute kW readings (local standard time)."""
    return np.round(expected_kw(JUNE) * PI, 3)


# --------------------------------------------------------------------------- timing


def test_generation_in_naive_utc_is_refused_naming_the_8_hour_shift(plan):
    scenario, result = plan
    utc = (JUNE - pd.Timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")  # the same instants
    with pytest.raises(PlannerInputError) as caught:
        monitor(scenario, generation=_csv(utc, _june_kw(), "power (kW)"),
                generation_filename="inverter_utc.csv", result=result)
    text = _both(caught.value)
    for lang, said in text.items():
        assert "inverter_utc.csv" in said and "power (kW)" in said, lang
        assert "UTC+8" in said and "+08:00" in said, lang
        assert not _REPRS.search(said), said
    assert "comes 8 h earlier than the plan expects" in text["en"]
    assert "probably UTC" in text["en"] and "no figure is given" in text["en"]
    assert "比方案预期早 8 小时" in text["zh"]
    assert "UTC 时间" in text["zh"] and "不据此给出任何结果" in text["zh"]


@pytest.mark.parametrize("stamps", ["local", "offset"])
def test_the_same_readings_on_the_sites_clock_are_accepted(plan, stamps):
    scenario, result = plan
    times = (JUNE.strftime("%Y-%m-%d %H:%M") if stamps == "local" else
             (JUNE - pd.Timedelta(hours=8)).strftime("%Y-%m-%dT%H:%MZ"))
    found = monitor(scenario, generation=_csv(times, _june_kw(), "power (kW)"),
                    result=result)
    assert found.performance_index == pytest.approx(PI, abs=PI_TOLERANCE)
    assert found.performance_index_excluding_outages == pytest.approx(PI, abs=PI_TOLERANCE)
    assert not found.outages and not found.curtailment
    assert not [n for n in found.notes if n.id.startswith("timing")]


#: A day moved by q quarters of an hour, read as hourly means, has each hour's mean
#: (1 - q/4) x its own and q/4 x the previous hour's: its centre moves by
#: arg((1 - q/4) + q/4 x e^(i pi/12)) x 12/pi h, which is 0.2489 h for 15 minutes, 0.5 h
#: exactly for 30 and 0.7511 h for 45 (the circular mean of the hour bins).
QUARTER_SHIFT_HOURS = {0: 0.0, 15: 0.2489245, 30: 0.5, 45: 0.7510755}


def _moved(typical_kw: np.ndarray, hours: pd.DatetimeIndex, minutes: int) -> np.ndarray:
    """The plan's hours on ``hours`` moved ``minutes`` later, as hourly means."""
    quarter = np.repeat(typical_kw[typical_positions(hours)], 4)
    return np.roll(quarter, minutes // 15).reshape(-1, 4).mean(axis=1)


def _expected_shift(minutes: int) -> float:
    whole, part = divmod(minutes, 60)
    return whole + QUARTER_SHIFT_HOURS[part]


def test_a_cloudless_day_moved_is_found_moved_by_as_much(plan):
    """Every day of the year the plan's 15 June: the shift is the rotation, to 1e-9 h."""
    _, result = plan
    hours = pd.date_range("2025-06-01", "2025-06-30 23:00", freq="h", tz="Etc/GMT-8")
    june_15 = result.hourly["pv_available_kw"].to_numpy()[165 * 24:166 * 24]
    typical = np.tile(june_15, 365)
    rules = monitor_rules()["timing"]
    for minutes in (-480, -60, 0, 15, 30, 45, 60, 120):
        found = timing_shift(pd.Series(_moved(typical, hours, minutes), index=hours),
                             typical, rules)
        assert found.days == 30
        assert found.shift_hours == pytest.approx(_expected_shift(minutes), abs=1e-6), minutes
    # the standard error of the median of 30 days at the rules' spread of one day
    assert found.standard_error_hours == pytest.approx(
        np.sqrt(np.pi / 2) * rules["day_spread_hours"] / np.sqrt(30), rel=1e-12)


def test_the_plans_own_days_moved_are_found_moved_by_as_much(plan):
    """The plan's typical June, clouds and all. Moved within each day (no output crosses
    midnight), every day's centre moves by the same amount, and so does the median: the
    shift is the unmoved file's plus the rotation. Moved 8 hours earlier (naive UTC), each
    calendar day holds one day's afternoon and the next day's morning, so the days' spread
    changes: the shift is found within the standard error the check states."""
    _, result = plan
    typical = result.hourly["pv_available_kw"].to_numpy()
    hours = pd.date_range("2025-06-01", "2025-06-30 23:00", freq="h", tz="Etc/GMT-8")
    rules = monitor_rules()["timing"]
    unmoved = timing_shift(pd.Series(_moved(typical, hours, 0), index=hours), typical, rules)
    assert abs(unmoved.shift_hours) < unmoved.standard_error_hours
    for minutes in (-60, 15, 30, 45, 60, 120):
        found = timing_shift(pd.Series(_moved(typical, hours, minutes), index=hours),
                             typical, rules)
        assert found.days == unmoved.days >= 28
        assert found.shift_hours - unmoved.shift_hours == pytest.approx(
            _expected_shift(minutes), abs=1e-6), minutes
    utc = timing_shift(pd.Series(_moved(typical, hours, -480), index=hours), typical, rules)
    assert abs(utc.shift_hours + 8.0) < utc.standard_error_hours


def _hourly_end_labelled(start: str) -> bytes:
    """Hourly kWh of June at PI, each stamped at the END of its hour, from ``start``."""
    hours = pd.date_range("2025-06-01", "2025-06-30 23:00", freq="h")
    kwh = np.round(expected_kw(hours) * PI, 3)
    ends = hours + pd.Timedelta(hours=1)
    keep = ends >= pd.Timestamp(start)
    return _csv(ends[keep].strftime("%Y-%m-%d %H:%M"), kwh[keep], "发电量(kWh)")


def test_hourly_readings_labelled_at_their_end_are_refused_as_one_hour_late(plan):
    """The file holds a row at midnight, so the reader takes its labels as starts: every
    hour is an hour late. Decision: refused (a shift of a whole hour), naming interval-end
    labels as the likely cause and how to label the file."""
    scenario, result = plan
    # the 00:00 row of 1 June: the energy of 31 May 23:00-24:00 (none at night)
    data = b"time,\xe5\x8f\x91\xe7\x94\xb5\xe9\x87\x8f(kWh)\n2025-06-01 00:00,0.0\n" + \
        _hourly_end_labelled("2025-06-01 01:00").split(b"\n", 1)[1]
    with pytest.raises(PlannerInputError) as caught:
        monitor(scenario, generation=data, generation_filename="meter.csv", result=result)
    text = _both(caught.value)
    assert "comes 1 h later than the plan expects" in text["en"]
    assert "one reading interval (60 min) late" in text["en"] and "end time" in text["en"]
    assert "比方案预期晚 1 小时" in text["zh"] and "晚一个读数间隔（60 分钟）" in text["zh"]
    assert "结束时间" in text["zh"]
    for lang, said in text.items():
        assert "meter.csv" in said and "发电量(kWh)" in said and not _REPRS.search(said), lang


def test_hourly_readings_labelled_at_their_end_from_1_am_are_read_as_ends(plan):
    """The fix the refusal gives: the file starts one interval after midnight."""
    scenario, result = plan
    found = monitor(scenario, generation=_hourly_end_labelled("2025-06-01 01:00"),
                    result=result)
    assert found.quality["generation"]["interval_label"] == "end"
    assert found.performance_index == pytest.approx(PI, abs=PI_TOLERANCE)
    assert not [n for n in found.notes if n.id.startswith("timing")]


def test_half_hour_readings_labelled_at_their_end_give_figures_and_a_note(plan):
    scenario, result = plan
    halves = pd.date_range("2025-06-01", "2025-06-30 23:30", freq="30min")
    kw = np.round(expected_kw(halves) * PI, 3)
    ends = (halves + pd.Timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M").tolist()
    data = _csv(["2025-06-01 00:00", *ends[:-1]], np.concatenate([[0.0], kw[:-1]]), "kW")
    found = monitor(scenario, generation=data, result=result)
    note = next(n for n in found.notes if n.id == "timing_late")
    assert note.values["minutes"] == 30
    assert "30 minutes later" in note.text("en") and "晚约 30 分钟" in note.text("zh")
    # daily energy is whole: the index over the month stays
    assert found.performance_index == pytest.approx(PI, abs=PI_TOLERANCE)


def test_a_two_day_file_on_the_sites_clock_passes(plan):
    scenario, result = plan
    days = pd.date_range("2025-06-10", "2025-06-11 23:45", freq="15min")
    found = monitor(scenario, generation=_csv(days.strftime("%Y-%m-%d %H:%M"),
                                              np.round(expected_kw(days) * PI, 3), "kW"),
                    result=result)
    assert found.performance_index == pytest.approx(PI, abs=PI_TOLERANCE)
    assert not [n for n in found.notes if n.id.startswith("timing")]


# --------------------------------------------------------------------------- irradiance


def _ghi(index: pd.DatetimeIndex) -> np.ndarray:
    from pvplanner.pv import load_weather

    scenario, _ = demo_plan()
    weather, _ = load_weather(scenario.site.latitude, scenario.site.longitude,
                              source="synthetic", seed=scenario.weather.seed)
    return weather["ghi"].to_numpy()[typical_positions(index)]


#: Header, and the reading of 1 W/m2 held for one interval of ``minutes`` in that unit.
UNITS = {
    "辐照量(kWh/m2)": lambda minutes: minutes / 60 / 1000,
    "辐照量(Wh/m2)": lambda minutes: minutes / 60,
    "总辐射(MJ/m2)": lambda minutes: minutes * 60 / 1e6,
    "GHI [kJ/m^2]": lambda minutes: minutes * 60 / 1e3,
    "irradiation (kWh/m2)": lambda minutes: minutes / 60 / 1000,
    "辐照度(kW/m2)": lambda minutes: 1 / 1000,
}


@pytest.fixture(scope="module")
def weather_month():
    """June's generation and its irradiance every 15 minutes and every hour, in W/m2."""
    quarters = JUNE
    hours = pd.date_range("2025-06-01", "2025-06-30 23:00", freq="h")
    return {15: (quarters, _ghi(quarters)), 60: (hours, _ghi(hours))}


@pytest.fixture(scope="module")
def in_w_m2(plan, weather_month):
    scenario, result = plan
    out = {}
    for minutes, (index, ghi) in weather_month.items():
        out[minutes] = monitor(
            scenario, generation=_csv(JUNE.strftime("%Y-%m-%d %H:%M"), _june_kw(), "kW"),
            weather=csv_bytes(pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"),
                                            "辐照度(W/m2)": ghi}), "gbk"),
            weather_filename="辐照.csv", result=result)
    return out


@pytest.mark.parametrize("minutes", [15, 60])
@pytest.mark.parametrize("header", list(UNITS))
def test_each_irradiance_unit_gives_the_figures_of_w_m2(plan, weather_month, in_w_m2,
                                                        header, minutes):
    scenario, result = plan
    index, ghi = weather_month[minutes]
    values = ghi * UNITS[header](minutes)
    found = monitor(
        scenario, generation=_csv(JUNE.strftime("%Y-%m-%d %H:%M"), _june_kw(), "kW"),
        weather=csv_bytes(pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"),
                                        header: values}), "gbk"),
        weather_filename="辐照.csv", result=result)
    reference = in_w_m2[minutes]
    assert found.weather["kind"] == "irradiance"
    assert found.expected_kwh == pytest.approx(reference.expected_kwh, rel=UNIT_TOLERANCE)
    assert found.performance_index == pytest.approx(reference.performance_index,
                                                    rel=UNIT_TOLERANCE)
    assert np.allclose(found.hourly["expected_kw"], reference.hourly["expected_kw"],
                       rtol=UNIT_TOLERANCE, atol=1e-6)
    note = next(n for n in found.notes if n.id.startswith("irradiance_"))
    for lang in ("en", "zh"):
        text = note.text(lang)
        assert header in text and "W/m2" in text and not _REPRS.search(text), text
        if note.id == "irradiance_energy_converted":
            assert f"{minutes}" in text


def test_the_weather_corrected_index_is_found_again(in_w_m2):
    """The generation is the plan at PI under its own typical weather; the same GHI,
    split again into direct and diffuse by Erbs, gives it back within a few percent."""
    for found in in_w_m2.values():
        assert found.performance_index == pytest.approx(PI, rel=0.04)
        assert not [n for n in found.notes if n.id.startswith("irradiance_")]


def test_a_header_whose_unit_does_not_fit_the_values_is_refused(plan, weather_month):
    """W/m2 values under a kWh/m2 header: 4,000 times too much once converted."""
    scenario, result = plan
    index, ghi = weather_month[15]
    with pytest.raises(PlannerInputError) as caught:
        monitor(scenario, result=result,
                generation=_csv(JUNE.strftime("%Y-%m-%d %H:%M"), _june_kw(), "kW"),
                weather=csv_bytes(pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"),
                                                "辐照量(kWh/m2)": ghi})),
                weather_filename="辐照.csv")
    text = _both(caught.value)
    assert "kWh/m2 per 15-minute reading" in text["en"]
    assert "每 15 分钟读数的 kWh/m2" in text["zh"]
    for lang, said in text.items():
        assert "辐照.csv" in said and "辐照量(kWh/m2)" in said and not _REPRS.search(said), lang


def test_a_header_without_a_known_unit_keeps_the_w_m2_check(plan, weather_month):
    scenario, result = plan
    index, ghi = weather_month[15]
    with pytest.raises(PlannerInputError, match="not a global horizontal irradiance in W/m2"):
        monitor(scenario, result=result,
                generation=_csv(JUNE.strftime("%Y-%m-%d %H:%M"), _june_kw(), "kW"),
                weather=csv_bytes(pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"),
                                                "辐照量(MWh/m2)": ghi / 4e6})),
                weather_filename="辐照.csv")


@pytest.mark.parametrize("header, unit", [
    ("辐照量(kWh/m2)", "kwh/m2"), ("辐照度（W/m²）", "w/m2"), ("辐射量(MJ/m2)", "mj/m2"),
    ("总辐射 kJ/m2", "kj/m2"), ("GHI [Wh m-2]", "wh/m2"), ("Irradiance (W·m-2)", "w/m2"),
    ("辐照量(千瓦时/平方米)", "kwh/m2"), ("辐照量(兆焦/平方米)", "mj/m2"),
    ("辐照度", None), ("发电功率(kW)", None), ("radiation (MWh/m2)", None),
])
def test_header_units(header, unit):
    assert header_unit(header) == unit
