"""Every note of the weather data reads in the reader's language.

Each note :mod:`weather` makes (PVGIS and NASA POWER online, every file format, the checks
that repair a year) is a :class:`weather.meta.WeatherNote` with a key of the notes catalogue
(``notes.weather.<group>.<name>``). Here every kind of weather a user can get is made,
from the recorded PVGIS and NASA POWER answers, the bundled weather files and files crafted to
trigger the repairs, and each note is rendered in Chinese (no English words left but names,
units and formats Chinese engineers use as they are) and in English (the catalogue's English
is the text the code made).
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pvlib
import pytest
import requests_mock as rm

from pvplanner.display.messages import catalogue, render
from pvplanner.messages import Message, weather_notes
from weather.meta import WeatherMeta, month_years
from weather.nasa_power import NASA_POWER_HOURLY_URL, fetch_nasa_power_typical_year
from weather.pvgis import PVGIS_TMY_URL, fetch_pvgis_tmy
from weather.readers import read_weather_file

HTTP = Path(__file__).parent / "data" / "weather_http"
FILES = Path(__file__).parent / "data" / "weather_files"
PVLIB_DATA = Path(pvlib.__file__).parent / "data"
LAT, LON = 30.27, 120.15  # Hangzhou, the recorded answers' place

#: Latin words (three letters or more) a Chinese reader may see in a weather note: data
#: products and their publishers, formats, standards, code names kept as proper names.
ALLOWED = frozenset({
    "PVGIS", "ERA", "SARAH", "NASA", "POWER", "DEM", "EPW", "TMY", "CSV", "JSON", "UTC",
    "ISO", "pvlib", "Erbs", "GHI", "DNI", "DHI", "cos",
})

#: Names written as their publishers write them (a dataset name stays as it is).
PROPER_NAMES = ("DEM-calculated",)

#: The weather note groups this file covers: every key of theirs must be met below.
GROUPS = ("pvgis", "nasa_power", "file", "checks")

#: Keys whose values are a third party's own English words, shown as they are.
VERBATIM = {"notes.weather.nasa_power.message"}


def latin_words(text: str, own_words: tuple[str, ...] = ()) -> list[str]:
    """Latin words of three letters or more in ``text`` outside :data:`ALLOWED`, after
    taking out proper names and the user's own words."""
    for name in (*PROPER_NAMES, *own_words):
        text = text.replace(name, " ")
    return [word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in ALLOWED]


# --------------------------------------------------------------------------- the weather
def _pvgis_payload() -> dict:
    with gzip.open(HTTP / "pvgis_tmy_hangzhou.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _power_answers() -> dict[int, dict]:
    out = {}
    for year in (2022, 2023, 2024):
        with gzip.open(HTTP / f"nasa_power_hourly_{year}.json.gz", "rt",
                       encoding="utf-8") as handle:
            out[year] = json.load(handle)
    return out


def _pvgis(payload: dict) -> WeatherMeta:
    with rm.Mocker() as mock:
        mock.get(PVGIS_TMY_URL, json=payload)
        return fetch_pvgis_tmy(LAT, LON)[1]


def _power(answers: dict[int, dict]) -> WeatherMeta:
    with rm.Mocker() as mock:
        for year, answer in answers.items():
            mock.get(f"{NASA_POWER_HOURLY_URL}?start={year}0101", json=answer)
        return fetch_nasa_power_typical_year(LAT, LON, start_year=2022, end_year=2024)[1]


def _year_table() -> pd.DataFrame:
    """The Greensboro year of the plain CSV fixture (a clean, complete hourly year)."""
    return pd.read_csv(FILES / "greensboro_plain.csv", comment="#", parse_dates=["time"])


def _csv(table: pd.DataFrame, *head: str, time_header: str = "time") -> bytes:
    """A plain CSV: the comment lines ``head``, then ``table`` (times as ISO text)."""
    body = table.copy()
    body["time"] = body["time"].dt.strftime("%Y-%m-%d %H:%M")
    body = body.rename(columns={"time": time_header})
    text = body.to_csv(index=False, lineterminator="\n", float_format="%.6g", na_rep="")
    return ("\n".join(head) + "\n" + text).encode()


HEAD = "# latitude=36.1, longitude=-79.95, elevation=273, dataset=NREL TMY3 723170 (via pvlib)"


def _faulty() -> bytes:
    """Negative irradiance and wind, a missing-value code, short and long gaps (six long
    ones: five listed, the rest counted), and a header key the reader does not know."""
    table = _year_table()
    table.loc[0:9, "ghi"] = -3.0  # night hours of 1 January
    table.loc[20:22, "wind_speed"] = -1.0
    table.loc[100, "dni"] = -9999
    table.loc[200:201, "temp_air"] = None  # 2 h: interpolated
    for day in range(6):  # 6 h each: filled from the neighbouring days
        start = 24 * (30 + 10 * day)
        table.loc[start:start + 5, "temp_air"] = None
    table.loc[24 * 200:24 * 202 - 1, ["ghi", "dni", "dhi", "temp_air", "wind_speed"]] = None
    return _csv(table, HEAD + ", qc_flag=2")


def _utc_end_kelvin() -> bytes:
    """Times in UTC labelling the interval end, temperatures in Kelvin, no elevation."""
    table = _year_table()
    table["time"] = table["time"] + pd.Timedelta(hours=5 + 1)
    table["temp_air"] = table["temp_air"] + 273.15
    return _csv(table, "# latitude=36.1, longitude=-79.95, label=end", "# units: temp_air=K",
                time_header="time [UTC]")


def _finer(minutes: int) -> bytes:
    """The year repeated every ``minutes`` within each hour."""
    table = _year_table()
    parts = []
    for offset in range(0, 60, minutes):
        part = table.copy()
        part["time"] = part["time"] + pd.Timedelta(minutes=offset)
        parts.append(part)
    return _csv(pd.concat(parts).sort_values("time"), HEAD)


def _without(*columns: str) -> bytes:
    return _csv(_year_table().drop(columns=list(columns)), HEAD)


def _shifted(hours: int) -> bytes:
    """Every label moved by ``hours``: the irradiance no longer follows the sun."""
    table = _year_table()
    table["time"] = table["time"] + pd.Timedelta(hours=hours)
    return _csv(table, HEAD)


def _night_sun() -> bytes:
    """Irradiance just after midnight every day: a share of the year's GHI at night."""
    table = _year_table()
    night = table["time"].dt.hour.isin([0, 1])
    table.loc[night, "ghi"] = 150.0
    return _csv(table, HEAD)


def _spike() -> bytes:
    """One logger glitch: 9,999 W/m2 at noon on 1 June."""
    table = _year_table()
    table.loc[table["time"] == pd.Timestamp("2023-06-01 12:00"), "ghi"] = 9999.0
    return _csv(table, HEAD)


def _pvgis_csv_with_offset() -> bytes:
    """The PVGIS CSV fixture as PVGIS 5.3 writes it: with the irradiance time offset line."""
    lines = (FILES / "greensboro_pvgis_tmy.csv").read_text().splitlines()
    return "\n".join([*lines[:3], "Irradiance Time Offset (h): 0.1761", *lines[3:]]).encode()


def _read(data: bytes, **options) -> WeatherMeta:
    return read_weather_file(data, filename="site-weather.csv", **options)[1]


@cache
def case(name: str) -> WeatherMeta:
    """The weather metadata of one way of getting weather."""
    if name == "pvgis":
        return _pvgis(_pvgis_payload())
    if name == "pvgis_gaps_no_elevation":
        payload = _pvgis_payload()
        payload["inputs"]["location"].pop("elevation")
        for row in payload["outputs"]["tmy_hourly"][1000:1002]:
            row["G(h)"] = None
        return _pvgis(payload)
    if name == "nasa_power":
        return _power(_power_answers())
    if name == "nasa_power_message_no_elevation":
        answers = _power_answers()
        for answer in answers.values():
            answer["geometry"]["coordinates"] = answer["geometry"]["coordinates"][:2]
            answer["messages"] = ["Hourly data are provisional for the latest month."]
        return _power(answers)
    files = {"epw": FILES / "greensboro_tmy3.epw", "tmy3": PVLIB_DATA / "723170TYA.CSV",
             "tmy2": PVLIB_DATA / "12839.tm2", "pvgis_csv": FILES / "greensboro_pvgis_tmy.csv",
             "pvgis_json": FILES / "greensboro_pvgis_tmy.json",
             "plain_csv": FILES / "greensboro_plain.csv"}
    if name in files:
        return read_weather_file(files[name])[1]
    crafted = {
        "pvgis_csv_time_offset": lambda: _read(_pvgis_csv_with_offset()),
        "faulty": lambda: _read(_faulty(), latitude=37.0, longitude=-79.95),
        "utc_end_kelvin": lambda: _read(_utc_end_kelvin()),
        "quarter_hours": lambda: _read(_finer(15)),
        "five_minutes_to_quarter_hours": lambda: _read(_finer(5), interval_minutes=15),
        "ghi_only": lambda: _read(_without("dni", "dhi", "wind_speed")),
        "no_dni": lambda: _read(_without("dni")),
        "no_dhi": lambda: _read(_without("dhi")),
        # one step: what interval labels explain (2 h and more are refused)
        "labels_late": lambda: _read(_shifted(1)),
        "labels_early": lambda: _read(_shifted(-1)),
        "spike": lambda: _read(_spike()),
        "night_sun": lambda: _read(_night_sun()),
    }
    return crafted[name]()


CASES = ("pvgis", "pvgis_gaps_no_elevation", "nasa_power", "nasa_power_message_no_elevation",
         "epw", "tmy3", "tmy2", "pvgis_csv", "pvgis_json", "plain_csv", "pvgis_csv_time_offset",
         "faulty",
         "utc_end_kelvin", "quarter_hours", "five_minutes_to_quarter_hours", "ghi_only",
         "no_dni", "no_dhi", "labels_late", "labels_early", "night_sun", "spike")

#: What the user wrote that a note repeats as it is (the header key of the faulty file).
OWN_WORDS = {"faulty": ("qc_flag",)}


def messages(name: str) -> list[Message]:
    """The notes of a case as the planner shows them, after a JSON round trip (the cache and
    the saved results keep them as JSON)."""
    return weather_notes(json.loads(json.dumps(case(name).to_dict())))


# --------------------------------------------------------------------------- every note
@pytest.mark.parametrize("name", CASES)
def test_every_note_is_keyed_and_reads_chinese(name):
    meta = case(name)
    assert meta.notes
    for note, message in zip(meta.notes, messages(name), strict=True):
        assert getattr(note, "key", ""), f"{name}: note without key: {note}"
        assert message.key in catalogue(), message.key
        assert render(message, "en") == str(note)  # the catalogue's English is the code's
        chinese = render(message, "zh")
        assert chinese != str(note) and re.search(r"[\u4e00-\u9fff]", chinese), chinese
        if message.key not in VERBATIM:
            assert not latin_words(chinese, OWN_WORDS.get(name, ())), chinese


@pytest.mark.parametrize("name", [n for n in CASES if n not in ("pvgis", "nasa_power")
                                  and not n.startswith(("pvgis_gaps", "nasa_power_"))])
def test_a_file_note_never_names_the_file(name):
    given = ("site-weather", "greensboro", "723170TYA", "12839")
    for message in messages(name):
        for lang in ("en", "zh"):
            shown = render(message, lang)
            assert not any(word in shown for word in given), shown


def test_every_weather_note_key_is_met():
    met = {message.key for name in CASES for message in messages(name)}
    known = {key for key in catalogue()
             if key.startswith(tuple(f"notes.weather.{group}." for group in GROUPS))}
    assert known - met == set()
    assert {key for key in met if not key.startswith("notes.weather.synthetic.")} <= known


# --------------------------------------------------------------------------- as written
def _said(name: str, key: str, lang: str) -> str:
    found = [m for m in messages(name) if m.key == f"notes.weather.{key}"]
    assert len(found) == 1, (name, key, [m.key for m in messages(name)])
    return render(found[0], lang)


def test_pvgis_months_and_horizon_in_both_languages():
    assert _said("pvgis", "pvgis.months", "en") == (
        "PVGIS 5.3 TMY, months selected by PVGIS: Jan 2018, Feb 2013, Mar 2009, Apr 2013, "
        "May 2008, Jun 2006, Jul 2011, Aug 2010, Sep 2020, Oct 2006, Nov 2007, Dec 2016")
    assert _said("pvgis", "pvgis.months", "zh") == (
        "PVGIS 5.3 典型气象年，PVGIS 为各月选取的年份：2018年1月、2013年2月、2009年3月、"
        "2013年4月、2008年5月、2006年6月、2011年7月、2010年8月、2020年9月、2006年10月、"
        "2007年11月、2016年12月")
    assert _said("pvgis", "pvgis.horizon", "zh") == "辐照度已计入地形遮挡（地平线数据：DEM-calculated）"
    assert _said("pvgis", "pvgis.meteo", "zh") == "气温、湿度和风速取自 ERA5；风速为 10 m 高度处的值"
    assert _said("pvgis", "pvgis.time_offset", "en") == (
        "hourly values read as interval-start labels; PVGIS's irradiance time offset of "
        "0.000 h not applied")
    assert _said("pvgis_gaps_no_elevation", "pvgis.filled", "zh") == "缺测小时已线性插补：2 个"


def test_nasa_power_counts_in_both_languages():
    assert _said("nasa_power", "nasa_power.missing", "zh") == (
        "缺测逐时数值（POWER 填充值 -999）：26 个；其中位于不超过 3 h 的短时缺口内、已线性插补的：2 个")
    assert _said("nasa_power", "nasa_power.left_out", "en") == (
        "month-years incomplete in local time and left out of the selection: 2 of 36")
    assert _said("nasa_power", "nasa_power.left_out", "zh") == (
        "按当地时间数据不完整、未参与典型月选取的月份：36 个中的 2 个")
    # The service's own words are kept as they are, in a Chinese sentence.
    assert _said("nasa_power_message_no_elevation", "nasa_power.message", "zh") == (
        "NASA POWER 服务提示（原文）：Hourly data are provisional for the latest month.")


def test_repairs_of_a_faulty_file_in_both_languages():
    assert _said("faulty", "checks.negative_irradiance", "en") == (
        "negative ghi values set to 0 (the lowest -3.0 W/m2): 10")
    assert _said("faulty", "checks.negative_irradiance", "zh") == (
        "水平面总辐照度的负值已置为 0（最低 -3.0 W/m2）：10 个")
    assert _said("faulty", "checks.more_gaps", "zh") == "另有缺测按同样方法补齐：2 处"
    distance = _said("faulty", "file.station_distance", "zh")
    assert distance == "气象文件的站点距项目地 100 公里"
    assert _said("faulty", "file.ignored_keys", "en") == "header keys ignored: qc_flag"
    assert _said("pvgis_csv_time_offset", "file.pvgis_time_offset", "zh") == (
        "文件中的 PVGIS 辐照度时间偏移：0.18 h（未应用）")


def test_time_labels_and_units_in_both_languages():
    assert _said("utc_end_kelvin", "file.time_zone", "zh") == (
        "时间标签已由文件的 UTC+0 换算为当地标准时间 UTC-5")
    assert _said("utc_end_kelvin", "checks.converted", "zh") == "气温的单位已由 K 换算为国际单位制"
    assert _said("labels_late", "checks.labels_late", "en").startswith(
        "WARNING: the irradiance comes about 1 h after the sun would put it (")
    late = _said("labels_late", "checks.labels_late", "zh")
    assert late.startswith("注意：辐照度比按太阳位置应出现的时间约晚 1 h（")
    assert "时间标签很可能偏差 +1 h" in late and late.endswith("请将时间标签提前 1 h。")
    assert _said("labels_early", "checks.labels_early", "zh").endswith("请将时间标签推后 1 h。")
    assert _said("spike", "checks.irradiance_spikes", "zh") == (
        "水平面总辐照度超过 1,500 W/m2（高于太阳所能提供的辐照度）的数值已按缺测处理并补齐："
        "1 个（最大为 第 3639 行 2023-06-01 12:00 的 9,999 W/m2）")  # the file's line and year


def test_month_years_is_a_name_in_both_languages():
    assert month_years({12: 2016, 1: 2018}) == {"en": "Jan 2018, Dec 2016",
                                               "zh": "2018年1月、2016年12月"}
