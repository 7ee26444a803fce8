"""Tests of weather.climatology: the city table and its look-ups."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weather.climatology import (
    EARTH_RADIUS_KM,
    CityClimate,
    dataset_attribution,
    find_city,
    haversine_km,
    list_cities,
    load_climatology,
    nearest_city,
)
from weather.errors import WeatherInputError

DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

# The project's researched table, copied unchanged (tests/data/reference/README.md).
SOURCE_TABLE = (
    Path(__file__).parent / "data" / "reference" / "climatology" / "city_monthly_climatology.csv"
)

# Annual GHI [kWh/m2] of the researched reference table
# (tests/data/reference/climatology/README.md, "Annual totals"), rounded to 1 kWh/m2 there.
REFERENCE_ANNUAL = {
    "Hangzhou": 1202,
    "Shanghai": 1271,
    "Nanjing": 1208,
    "Guangzhou": 1137,
    "Shenzhen": 1510,
    "Beijing": 1401,
    "Chengdu": 900,
    "Lhasa": 2033,
    "Singapore": 1671,
    "Berlin": 985,
    "London": 1098,
    "New York": 1430,
    "Phoenix": 2094,
    "Sydney": 1652,
}


def _haversine_by_hand(lat1, lon1, lat2, lon2):
    # independent scalar implementation with the math module
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_table_has_twelve_months_per_city_and_provenance():
    table = load_climatology()
    assert table.groupby("city")["month"].apply(list).map(lambda m: m == list(range(1, 13))).all()
    assert table["city"].nunique() == 54
    assert set(table["status"]) <= {"official", "secondary", "unverified"}
    assert (table["source"].str.len() > 20).all()
    assert (table["dataset"] != "").all()
    assert table[["ghi_kwh_m2_day", "temp_air_c", "wind_speed_m_s"]].notna().all().all()
    # Chinese cities carry a Chinese name and a province
    china = table[table["country"] == "China"]
    assert (china["city_zh"] != "").all()
    assert (china["province"] != "").all()


def test_figures_are_the_reference_values():
    hangzhou = find_city("Hangzhou")
    # January row of the reference table (CSWD Hangzhou WMO 584570)
    assert hangzhou.monthly_ghi_kwh_m2_day[0] == pytest.approx(1.925, abs=1e-9)
    assert hangzhou.monthly_temp_air_c[0] == pytest.approx(5.20, abs=1e-9)
    assert hangzhou.monthly_wind_speed_m_s[0] == pytest.approx(1.91, abs=1e-9)
    assert hangzhou.dataset == "CSWD"
    assert hangzhou.year == 2005
    assert "584570" in hangzhou.station


def test_station_rows_are_the_source_table_value_for_value():
    # data/climatology/README.md: the 35 station cities are copied unchanged from the source
    source = pd.read_csv(SOURCE_TABLE)
    table = load_climatology()
    stations = table[table["proxy_for"] == ""]
    assert len(source) == len(stations) == 35 * 12
    merged = stations.merge(source, on=["city", "month"], suffixes=("", "_source"))
    assert len(merged) == len(source)
    for column in ("lat", "lon", "elevation_m", "ghi_kwh_m2_day", "temp_air_c",
                   "wind_speed_m_s", "dataset"):
        assert (merged[column] == merged[f"{column}_source"]).all(), column


@pytest.mark.parametrize("city,annual", sorted(REFERENCE_ANNUAL.items()))
def test_annual_totals_match_reference_table(city, annual):
    cities = list_cities().set_index("city")
    # the reference rounds to whole kWh/m2: allow 0.5 plus float noise
    assert cities.loc[city, "annual_ghi_kwh_m2"] == pytest.approx(annual, abs=0.6)
    assert find_city(city).annual_ghi_kwh_m2 == pytest.approx(annual, abs=0.6)


def test_list_cities_one_row_per_city():
    cities = list_cities()
    assert len(cities) == cities["city"].nunique() == 54
    for name in ("Ningbo", "Shaoxing", "Suzhou", "Wuxi", "Dongguan", "Foshan", "Qingdao"):
        assert name in set(cities["city"])


def test_proxy_rows_copy_the_nearest_station():
    table = load_climatology()
    proxies = table[table["proxy_for"] != ""]
    stations = table[table["proxy_for"] == ""]
    assert proxies["city"].nunique() == 19
    station_firsts = stations[stations["month"] == 1].set_index("city")
    for city, rows in proxies.groupby("city"):
        station = rows["proxy_for"].iloc[0]
        source = stations[stations["city"] == station].sort_values("month")
        rows = rows.sort_values("month")
        for column in ("ghi_kwh_m2_day", "temp_air_c", "wind_speed_m_s"):
            assert rows[column].tolist() == source[column].tolist(), (city, column)
        assert (rows["status"] == "secondary").all()
        assert rows["notes"].str.contains(f"figures are those of the {station} station").all()
        lat, lon = rows["lat"].iloc[0], rows["lon"].iloc[0]
        assert (lat, lon) != (source["lat"].iloc[0], source["lon"].iloc[0])
        distance = _haversine_by_hand(lat, lon, source["lat"].iloc[0], source["lon"].iloc[0])
        assert rows["proxy_distance_km"].iloc[0] == pytest.approx(distance, abs=0.06)
        # build rule: the station used is the nearest station in the table
        all_distances = {
            name: _haversine_by_hand(lat, lon, s["lat"], s["lon"])
            for name, s in station_firsts.iterrows()
        }
        assert min(all_distances, key=all_distances.get) == station, city


def test_specific_proxies():
    assert find_city("Ningbo").proxy_for == "Hangzhou"
    assert find_city("Suzhou").proxy_for == "Shanghai"
    assert find_city("Wuxi").proxy_for == "Shanghai"
    assert find_city("Dongguan").proxy_for == "Guangzhou"
    assert find_city("Foshan").proxy_for == "Guangzhou"
    qingdao = find_city("Qingdao")
    assert qingdao.proxy_for == "Jinan"
    assert qingdao.station_city == "Jinan"
    assert qingdao.monthly_ghi_kwh_m2_day == find_city("Jinan").monthly_ghi_kwh_m2_day
    # proxy rows leave elevation blank; the look-up fills it from pvlib's grid
    assert math.isfinite(qingdao.elevation_m)


@pytest.mark.parametrize(
    "query,expected",
    [
        ("Hangzhou", "Hangzhou"),
        ("hangzhou", "Hangzhou"),
        ("  HANGZHOU ", "Hangzhou"),
        ("杭州", "Hangzhou"),
        ("宁波", "Ningbo"),
        ("Xian", "Xi'an"),
        ("xi'an", "Xi'an"),
        ("new york", "New York"),
        ("NewYork", "New York"),
    ],
)
def test_find_city_names(query, expected):
    city = find_city(query)
    assert isinstance(city, CityClimate)
    assert city.city == expected
    assert city.distance_km is None
    assert len(city.monthly_ghi_kwh_m2_day) == 12
    assert len(city.monthly_temp_air_c) == 12
    assert len(city.monthly_wind_speed_m_s) == 12


def test_find_city_unknown_lists_close_matches():
    with pytest.raises(WeatherInputError, match="Hangzhou"):
        find_city("Hangzou")
    with pytest.raises(WeatherInputError, match="not in the climatology table"):
        find_city("Atlantis")
    with pytest.raises(WeatherInputError, match="empty"):
        find_city("  ")


def test_haversine_against_hand_calculation():
    # one degree along a meridian is R * pi / 180
    assert haversine_km(30.0, 120.0, 31.0, 120.0) == pytest.approx(
        EARTH_RADIUS_KM * math.pi / 180, rel=1e-12
    )
    # a quarter of the equator is R * pi / 2
    assert haversine_km(0.0, 0.0, 0.0, 90.0) == pytest.approx(EARTH_RADIUS_KM * math.pi / 2)
    # antipodes: half the circumference
    assert haversine_km(10.0, 20.0, -10.0, -160.0) == pytest.approx(EARTH_RADIUS_KM * math.pi)
    # vectorised
    d = haversine_km(0.0, 0.0, np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert d == pytest.approx([111.19508, 111.19508], rel=1e-6)


def test_nearest_city_at_station_and_in_proxy_city():
    hangzhou = nearest_city(30.23, 120.17)
    assert hangzhou.city == "Hangzhou"
    assert hangzhou.distance_km == pytest.approx(0.0, abs=1e-9)

    # a factory in Ningbo's Beilun district (29.90 N, 121.84 E)
    ningbo = nearest_city(29.90, 121.84)
    assert ningbo.city == "Ningbo"
    assert ningbo.distance_km == pytest.approx(
        _haversine_by_hand(29.90, 121.84, ningbo.lat, ningbo.lon), rel=1e-9
    )
    assert ningbo.station_city == "Hangzhou"

    # southern and western hemispheres
    assert nearest_city(-33.87, 151.21).city == "Sydney"
    assert nearest_city(33.5, -112.0).city == "Phoenix"


@pytest.mark.parametrize(
    "lat,lon", [(91.0, 0.0), (-91.0, 0.0), (0.0, 181.0), (float("nan"), 0.0), ("x", 0.0)]
)
def test_nearest_city_rejects_bad_coordinates(lat, lon):
    with pytest.raises(WeatherInputError):
        nearest_city(lat, lon)


def test_load_returns_a_copy():
    table = load_climatology()
    table.loc[:, "ghi_kwh_m2_day"] = 0.0
    assert load_climatology()["ghi_kwh_m2_day"].min() > 0.0


def test_attribution():
    assert "Copernicus Climate Change Service" in dataset_attribution("TMYx.2009-2023")
    assert "ASHRAE" in dataset_attribution("IWEC")
    assert "ASHRAE" in dataset_attribution("IWEC2")
    assert "China Meteorological Administration" in find_city("Shanghai").attribution
    assert find_city("London").attribution == dataset_attribution("TMYx.2009-2023")
    assert dataset_attribution("unknown") == ""


@pytest.mark.parametrize("written", ["杭州市", "杭州", "Hangzhou City", " hangzhou "])
def test_a_city_written_as_an_address_writes_it_is_found(written):
    # "杭州市" in a sites file was refused with "did you mean 杭州?"
    assert find_city(written).city == "Hangzhou"
