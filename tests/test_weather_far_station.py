"""Offline synthetic weather refuses a climatology station that cannot stand for the site.

The nearest station of the climatology table may be in the other hemisphere (Cape Town gets
Dubai's), many degrees of latitude away (a polar site gets Berlin's or Harbin's) or across an
ocean; or one of its months may be sunnier than the top of the atmosphere above the site.
Then no year is synthesized: a keyed error names the station and its distance, in English and
Chinese, and points to an online source or a weather file. Sites within the limits
(weather.climatology: MAX_STATION_LATITUDE_DIFFERENCE_DEG, MAX_STATION_KM,
EQUATORIAL_BAND_DEG) still get a year, with the far-station warning where it applies.
"""

from __future__ import annotations

import dataclasses
import json
import re
import warnings

import numpy as np
import pytest

from pvplanner.cli import main
from pvplanner.display.messages import catalogue, render
from pvplanner.messages import error_message
from pvplanner.scenario.model import demo_scenario
from tests.test_cli_language import _english_words, _speak
from weather.climatology import (
    EQUATORIAL_BAND_DEG,
    MAX_STATION_KM,
    MAX_STATION_LATITUDE_DIFFERENCE_DEG,
    check_station,
    find_city,
    haversine_km,
    latitude_words,
    nearest_city,
)
from weather.errors import WeatherInputError
from weather.synthetic import FAR_STATION_KM, synthesize_year, synthetic_weather_for_place

#: Keys of a station refused for the site (errors.weather.<key>).
REFUSALS = ("climatology.station_hemisphere", "climatology.station_latitude",
            "climatology.station_distance", "synthetic.station_sunnier")

#: Latin words a Chinese refusal may hold (proper names of sources and formats, units).
_LATIN_OK = {"PVGIS", "NASA", "POWER", "EPW", "TMY", "CSV", "kWh", "m", "pvplanner"}

_CJK = re.compile(r"[\u4e00-\u9fff]")

CAPE_TOWN = (-33.9, 18.4)


def _latin(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text) if w not in _LATIN_OK]


def _refusal(latitude: float, longitude: float) -> WeatherInputError:
    with pytest.raises(WeatherInputError) as caught:
        synthetic_weather_for_place(latitude, longitude)
    return caught.value


def _both(problem: WeatherInputError) -> dict[str, str]:
    """The error as the app and the command line show it, in each language."""
    return {lang: render(error_message(problem), lang) for lang in ("en", "zh")}


def _dubai_km() -> str:
    dubai = find_city("Dubai")
    return f"{haversine_km(*CAPE_TOWN, dubai.station_lat, dubai.station_lon):,.0f}"


# --------------------------------------------------------------------------- refusals


def test_cape_town_is_refused_dubais_station_named_with_its_distance_in_both_languages():
    problem = _refusal(*CAPE_TOWN)
    assert problem.key == "climatology.station_hemisphere"
    said = _both(problem)
    km = _dubai_km()
    assert km == "7,646"
    assert "Dubai" in said["en"] and f"{km} km away" in said["en"]
    assert "33.9°S" in said["en"] and "25.2°N" in said["en"]
    assert "PVGIS" in said["en"] and "NASA POWER" in said["en"] and "EPW" in said["en"]
    assert "迪拜气象站" in said["zh"] and f"{km} 公里" in said["zh"]
    assert "南纬 33.9°" in said["zh"] and "另一半球" in said["zh"]
    assert _latin(said["zh"]) == [], said["zh"]
    # not the synthesis function's words about values the user never typed
    for text in said.values():
        assert "monthly_ghi" not in text and "check units" not in text and "单位" not in text
    assert str(problem) == said["en"]  # the code's English is the catalogue's


def test_auto_source_offline_falls_back_to_the_same_refusal(tmp_path, monkeypatch):
    from weather.cache import WeatherCache
    from weather.source import get_weather

    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    with pytest.raises(WeatherInputError) as caught:
        get_weather(*CAPE_TOWN, "auto", cache=WeatherCache(tmp_path))
    assert caught.value.key == "climatology.station_hemisphere"


@pytest.mark.parametrize(("latitude", "longitude"), [
    (90.0, 120.0), (90.0, 15.6), (78.2, 15.6), (70.0, 120.0), (-90.0, 0.0), (-90.0, 180.0),
    (-78.2, 15.6),
])
def test_a_polar_site_is_refused_in_both_languages(latitude, longitude):
    problem = _refusal(latitude, longitude)
    assert problem.key in REFUSALS
    said = _both(problem)
    station = nearest_city(latitude, longitude)
    assert station.station_city in said["en"] or station.station.split(" (")[0] in said["en"]
    assert (station.city_zh or "\0") in said["zh"]
    assert latitude_words(latitude)["zh"] in said["zh"]
    assert _latin(said["zh"]) == [], said["zh"]
    assert "PVGIS" in said["zh"] and "EPW" in said["zh"]


def test_a_station_many_degrees_of_latitude_away_is_refused():
    # Tromso (69.65 N) is 1,950 km from Berlin, 17 degrees north of it
    problem = _refusal(69.65, 18.96)
    assert problem.key == "climatology.station_latitude"
    said = _both(problem)
    assert "BERLIN" in said["en"] and "17.2 degrees of latitude" in said["en"]
    assert "more than 10 degrees apart" in said["en"]
    assert "柏林气象站" in said["zh"] and "纬度相差 17.2 度" in said["zh"]


def test_a_farther_station_under_the_sites_sun_stands_in_for_a_refused_nearer_one():
    """Davao (7.07 N, 125.6 E): the nearest city of the table, Shantou (23.4 N, 2,046 km),
    is 16 degrees of latitude away and was refused; Singapore (1.4 N, 2,479 km) is within
    10 degrees and 4,000 km, so offline weather is made from it, with a note saying why
    the nearer city was passed over (and the far-station warning)."""
    from pvplanner.messages import weather_notes

    _, meta = synthetic_weather_for_place(7.07, 125.6)
    assert "SINGAPORE" in meta.station and meta.distance_km == pytest.approx(2479, abs=1)
    notes = {getattr(n, "key", ""): n for n in weather_notes(dataclasses.asdict(meta))}
    said = render(notes["notes.weather.synthetic.nearer_refused"], "zh")
    assert "汕头" in said and "2,046 公里" in said
    assert "notes.weather.synthetic.far_station" in notes


def test_the_limits_of_check_station():
    berlin = find_city("Berlin")
    at = dataclasses.replace  # a station moved to where a limit is tested

    # latitude: just inside and just outside the limit, north and south of the station
    limit = MAX_STATION_LATITUDE_DIFFERENCE_DEG
    for sign in (1, -1):
        assert check_station(berlin, 52.47 + sign * (limit - 0.05), 13.4) < 1200
        with pytest.raises(WeatherInputError) as caught:
            check_station(berlin, 52.47 + sign * (limit + 0.05), 13.4)
        assert caught.value.key == "climatology.station_latitude"
        assert caught.value.params["limit"] == limit

    # distance: on the equator, 1 degree of longitude is 111.2 km
    equator = at(berlin, station_lat=0.0, station_lon=0.0)
    inside, outside = (MAX_STATION_KM - 50) / 111.195, (MAX_STATION_KM + 50) / 111.195
    assert check_station(equator, 0.0, inside) == pytest.approx(MAX_STATION_KM - 50, abs=1)
    with pytest.raises(WeatherInputError) as caught:
        check_station(equator, 0.0, outside)
    assert caught.value.key == "climatology.station_distance"
    assert f"{MAX_STATION_KM:,.0f} km" in render(error_message(caught.value), "en")
    assert f"{MAX_STATION_KM:,.0f} 公里" in render(error_message(caught.value), "zh")

    # hemisphere: across the equator inside the band, a station still serves ...
    band = EQUATORIAL_BAND_DEG
    near_equator = at(berlin, station_lat=band - 0.5, station_lon=100.0)
    assert check_station(near_equator, -(band + 0.4), 100.0) > 0
    # ... outside it on both sides, the seasons are reversed
    north = at(berlin, station_lat=band + 0.5, station_lon=100.0)
    with pytest.raises(WeatherInputError) as caught:
        check_station(north, -(band + 0.5), 100.0)
    assert caught.value.key == "climatology.station_hemisphere"


def test_a_station_sunnier_than_the_sky_above_the_site_is_refused():
    # 62.4 N, 1,100 km north of Berlin (within 10 degrees): Berlin's December (0.41
    # kWh/m2/day) exceeds the extraterrestrial irradiation there (0.36)
    problem = _refusal(62.37, 13.4)
    assert problem.key == "synthetic.station_sunnier"
    said = _both(problem)
    assert "BERLIN" in said["en"] and "December" in said["en"] and "1,101 km away" in said["en"]
    assert "柏林气象站" in said["zh"] and "12月" in said["zh"] and "1,101 公里" in said["zh"]
    assert _latin(said["zh"]) == [], said["zh"]
    for text in said.values():
        assert "check units" not in text and "单位" not in text


def test_every_refusal_is_in_the_catalogue_in_both_languages_with_the_same_advice():
    for key in (*REFUSALS, "synthetic.monthly_ghi"):
        entry = catalogue()[f"errors.weather.{key}"]
        assert set(entry) == {"en", "zh"}
        assert _CJK.search(entry["zh"]) and not _CJK.search(entry["en"])
    for key in REFUSALS:
        entry = catalogue()[f"errors.weather.{key}"]
        assert entry["en"].endswith("Use an online source (PVGIS or NASA POWER) or bring a "
                                    "weather file of the site (EPW, TMY or CSV).")
        assert entry["zh"].endswith("（EPW、TMY 或 CSV）。")


# --------------------------------------------------------------------------- still synthesized


@pytest.mark.parametrize(("latitude", "longitude", "station", "warned"), [
    (-33.87, 151.21, "Sydney", False),   # at the Sydney station
    (30.27, 120.16, "Hangzhou", False),  # at the Hangzhou station
    (-31.95, 115.86, "Sydney", True),    # Perth: 3,290 km from Sydney, 2 degrees of latitude
    (36.0, 95.0, "Lhasa", True),         # Qinghai: 790 km from Lhasa
    (-6.2, 106.8, "Singapore", True),    # Jakarta: across the equator, inside the band
])
def test_sites_within_the_limits_still_get_a_year(latitude, longitude, station, warned):
    data, meta = synthetic_weather_for_place(latitude, longitude)
    assert len(data) == 8760 and not data.isna().any().any()
    assert meta.dataset.endswith(f"({station})")
    keys = [getattr(note, "key", "") for note in meta.notes]
    assert ("synthetic.far_station" in keys) == warned
    assert (meta.distance_km > FAR_STATION_KM) == warned
    assert meta.distance_km < MAX_STATION_KM


# --------------------------------------------------------------------------- the poles, direct


@pytest.mark.parametrize("latitude", [90.0, -90.0])
def test_synthesize_year_at_a_pole_gives_a_valid_year_without_warnings(latitude):
    # half the extraterrestrial irradiation of each month with usable sun, none in the
    # polar night (the months whose extraterrestrial irradiation is below 1 kWh/m2/day)
    h0 = (np.array([0.0, 0.0, 0.47, 5.61, 10.4, 12.45, 11.4, 7.44, 1.74, 0.0, 0.0, 0.0])
          if latitude > 0 else
          np.array([11.98, 7.45, 1.49, 0.0, 0.0, 0.0, 0.0, 0.0, 0.21, 5.0, 10.55, 13.23]))
    ghi = np.where(h0 < 1.0, 0.0, 0.5 * h0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow in the hourly model's exponentials
        data = synthesize_year(ghi, [-25.0] * 12, latitude=latitude, longitude=0.0, seed=0)
    assert len(data) == 8760 and not data.isna().any().any()
    assert (data[["ghi", "dni", "dhi"]] >= 0).all().all()
    days = data["ghi"].groupby(data.index.month).sum() / 1000.0
    per_day = days.to_numpy() / np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    np.testing.assert_allclose(per_day, ghi, rtol=0.01, atol=1e-9)


def test_a_users_monthly_value_above_the_sky_is_keyed_and_names_the_month():
    hangzhou = find_city("Hangzhou")
    ghi = list(hangzhou.monthly_ghi_kwh_m2_day)
    ghi[11] = 11.0  # December: more than reaches the top of the atmosphere at 30 N
    with pytest.raises(WeatherInputError) as caught:
        synthesize_year(ghi, hangzhou.monthly_temp_air_c, latitude=30.2, longitude=120.2)
    problem = caught.value
    assert problem.key == "synthetic.monthly_ghi"
    said = _both(problem)
    assert "December value 11.0" in said["en"] and "check units" in said["en"]
    assert "30.2°N" in said["en"]
    assert "12月" in said["zh"] and "11.0" in said["zh"] and "请检查单位" in said["zh"]
    assert "北纬 30.2°" in said["zh"]
    assert _latin(said["zh"]) == [], said["zh"]

    # a month of polar night given sun
    with pytest.raises(WeatherInputError) as caught:
        synthesize_year([0.5] + [0.0] * 2 + [3.0] * 6 + [0.0] * 3, [-25.0] * 12,
                        latitude=90.0, longitude=0.0)
    assert caught.value.key == "synthetic.monthly_ghi"
    assert "1月" in render(error_message(caught.value), "zh")


# --------------------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def cape_town_scenario(tmp_path_factory):
    document = demo_scenario().model_dump(mode="json")
    document["site"].update(latitude=CAPE_TOWN[0], longitude=CAPE_TOWN[1], country="ZA",
                            province=None, city=None)
    path = tmp_path_factory.mktemp("far_station") / "cape_town.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_refuses_cape_town_in_the_operators_language(cape_town_scenario, monkeypatch,
                                                          capsys, lang):
    _speak(monkeypatch, lang)
    assert main(["plan", str(cape_town_scenario)]) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    km = _dubai_km()
    if lang == "zh":
        assert "迪拜气象站" in out.err and f"{km} 公里" in out.err, out.err
        assert "在线气象数据" in out.err and "气象文件" in out.err
        assert _english_words(text, _LATIN_OK) == [], text
    else:
        assert "Dubai" in out.err and f"{km} km away" in out.err, out.err
        assert "online source (PVGIS or NASA POWER)" in out.err
        assert not _CJK.search(text)
    assert "monthly_ghi" not in text and "extraterrestrial" not in text


@pytest.mark.parametrize("command", ["weather", "simulate"])
def test_other_commands_refuse_a_polar_site_in_chinese(command, tmp_path, monkeypatch, capsys):
    _speak(monkeypatch, "zh")
    args = ["--lat", "90", "--lon", "120", "--source", "synthetic"]
    if command == "weather":
        args += ["--out", str(tmp_path / "w.csv")]
    else:
        args += ["--tilt", "20", "--azimuth", "180", "--capacity-kwp", "100"]
    assert main([command, *args]) == 2
    err = capsys.readouterr().err
    assert "柏林气象站" in err and "北纬 90.0°" in err, err
    assert _english_words(err, _LATIN_OK) == [], err
