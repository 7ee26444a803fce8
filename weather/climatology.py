"""Monthly solar climatology of named cities: the offline default for weather synthesis.

The table ``data/climatology/cities.csv`` holds, for every city and month, the mean daily
global horizontal irradiation, the mean air temperature and the mean wind speed of a
typical-year weather file (CSWD, SWERA, TMY3, TMYx, IWEC, IWEC2; see the README beside the
table). Cities without a station of their own carry the figures of a named nearby station
(``proxy_for``) with their own city-centre coordinates.

Pure look-ups: :func:`load_climatology` (the table), :func:`list_cities` (one row per city),
:func:`find_city` (by English or Chinese name) and :func:`nearest_city` (by coordinates), and
:func:`check_station`, which refuses a station whose climate cannot stand for a site's (the
other hemisphere, too many degrees of latitude or kilometres away).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from weather.coordinates import check_coordinates, grid_elevation_m
from weather.datafiles import data_path
from weather.errors import WeatherInputError

#: Location of the table inside the data folder.
CLIMATOLOGY_FILE = ("climatology", "cities.csv")

#: Mean Earth radius [km] (IUGG mean radius R1), used for great-circle distances.
EARTH_RADIUS_KM = 6371.0088

# When a station's monthly climate may stand for a site (see :func:`check_station`). The
# generator keeps the station's monthly irradiation as it is, so the station must see the same
# sun and the same seasons as the site:
#
#: Largest difference of latitude between site and station [deg]. The sun's height and the
#: length of the days set the extraterrestrial irradiation the station's figures were
#: measured under: 10 degrees apart, between 30 and 60 degrees of latitude, the annual
#: extraterrestrial irradiation already differs by 10-17 % and the winter months' by 30-70 %;
#: 15 degrees apart (a Norwegian or Siberian site on Berlin's or Harbin's figures), by 16-25 %
#: a year and up to 95 % in winter, which no first estimate survives.
MAX_STATION_LATITUDE_DIFFERENCE_DEG = 10.0

#: Largest distance from site to station [km]. The table has nine stations outside China, so
#: a plausible site abroad may be a few thousand kilometres from the nearest one; at a similar
#: latitude its climate is still a usable first estimate (a site in Perth gets the Sydney
#: station's, 3,300 km away) and the plan carries the far-station warning of
#: :mod:`weather.synthetic`. Beyond 4,000 km the station lies across an ocean or a continent,
#: in another climate region, whatever its latitude.
MAX_STATION_KM = 4000.0

#: Latitudes within this band of the equator [deg] count as either hemisphere: a station in
#: the other hemisphere is refused only when both it and the site lie outside the band, where
#: its seasons are the site's reversed (its June is the site's December). Inside the band the
#: seasons hardly differ (between 5 degrees S and 5 degrees N each month's extraterrestrial
#: irradiation differs by at most 12 %), so Singapore's station (1.4 N) may serve Jakarta
#: (6.2 S). Opposite sides beyond the band are also more than 10 degrees apart; the rule is
#: checked first to say why in the user's words.
EQUATORIAL_BAND_DEG = 5.0

#: Credit lines requested by the providers of the typical-year datasets, keyed by the
#: dataset name's prefix (before any ``.period`` suffix, e.g. ``TMYx.2009-2023``).
#: Chinese name of each typical-year dataset of the table (the key of
#: :data:`DATASET_ATTRIBUTION`), for notes shown to Chinese readers.
DATASET_NAME_ZH = {
    "CSWD": "中国建筑热环境分析专用气象数据集（中国气象局气象信息中心、清华大学）",
    "SWERA": "联合国环境规划署太阳能和风能资源评估典型年",
    "TMY3": "美国国家可再生能源实验室典型气象年（第3版）",
    "TMYx": "基于美国国家海洋和大气管理局地面观测及欧洲哥白尼再分析资料的典型年（2009-2023）",
    "IWEC": "美国采暖、制冷与空调工程师学会国际气象数据",
    "IWEC2": "美国采暖、制冷与空调工程师学会国际气象数据（第2版）",
}

DATASET_ATTRIBUTION = {
    "CSWD": (
        "China Standard Weather Data (CSWD), China Meteorological Administration Climate "
        "Information Center and Tsinghua University, 2005"
    ),
    "SWERA": (
        "SWERA typical year: UNEP Solar and Wind Energy Resource Assessment, data developed by NREL"
    ),
    "TMY3": "NREL Typical Meteorological Year 3 (TMY3), U.S. Department of Energy / NREL, 2008",
    "TMYx": (
        "TMYx typical year from climate.onebuilding.org, derived from NOAA ISD and Copernicus "
        "ERA5; contains modified Copernicus Climate Change Service information"
    ),
    "IWEC": (
        "IWEC: International Weather for Energy Calculations, (c) ASHRAE; data used with "
        "acknowledgement of ASHRAE"
    ),
    "IWEC2": (
        "IWEC2: International Weather for Energy Calculations 2, (c) ASHRAE; data used with "
        "acknowledgement of ASHRAE"
    ),
}

_REQUIRED_COLUMNS = (
    "city",
    "city_zh",
    "country",
    "province",
    "lat",
    "lon",
    "elevation_m",
    "month",
    "ghi_kwh_m2_day",
    "temp_air_c",
    "wind_speed_m_s",
    "dataset",
    "source",
    "year",
    "status",
    "station",
    "station_lat",
    "station_lon",
    "proxy_for",
    "proxy_distance_km",
    "notes",
)
_TEXT_COLUMNS = (
    "city",
    "city_zh",
    "country",
    "province",
    "dataset",
    "source",
    "status",
    "station",
    "proxy_for",
    "notes",
)
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True)
class CityClimate:
    """The monthly climatology of one city.

    Attributes
    ----------
    city, city_zh : str
        English and Chinese name (``city_zh`` may be ``""``).
    country, province : str
        Country; province or municipality for Chinese cities (else ``""``).
    lat, lon : float
        Coordinates of the row [deg]: the station for cities with their own station, the
        city centre for cities that borrow a nearby station's figures.
    elevation_m : float
        Elevation [m]: the station's, or pvlib's altitude grid at ``lat, lon`` when the table
        leaves it blank (cities that borrow another station's figures).
    monthly_ghi_kwh_m2_day : tuple of 12 float
        Mean daily global horizontal irradiation of each month [kWh/m2/day].
    monthly_temp_air_c : tuple of 12 float
        Mean air temperature of each month [degC].
    monthly_wind_speed_m_s : tuple of 12 float
        Mean wind speed of each month [m/s].
    dataset : str
        Typical-year dataset the figures come from (``CSWD``, ``TMYx.2009-2023``, ...).
    source : str
        Where the figures come from (publisher and file).
    year : int or None
        Vintage of the dataset, if known.
    status : str
        ``official``, ``secondary`` or ``unverified``.
    station : str
        The weather station whose figures these are.
    station_lat, station_lon : float
        The station's coordinates [deg].
    proxy_for : str
        For cities without a station of their own, the city whose station is used; else ``""``.
    proxy_distance_km : float or None
        Distance from this city's centre to that station [km].
    notes : str
        Caveats from the table.
    distance_km : float or None
        Great-circle distance from the queried point to ``lat, lon`` [km]; ``None`` when the
        city was found by name.
    """

    city: str
    city_zh: str
    country: str
    province: str
    lat: float
    lon: float
    elevation_m: float
    monthly_ghi_kwh_m2_day: tuple[float, ...]
    monthly_temp_air_c: tuple[float, ...]
    monthly_wind_speed_m_s: tuple[float, ...]
    dataset: str
    source: str
    year: int | None
    status: str
    station: str
    station_lat: float
    station_lon: float
    proxy_for: str = ""
    proxy_distance_km: float | None = None
    notes: str = ""
    distance_km: float | None = None

    @property
    def station_city(self) -> str:
        """The city whose station supplied the figures (``proxy_for`` or the city itself)."""
        return self.proxy_for or self.city

    @property
    def attribution(self) -> str:
        """Credit line of the dataset (see :data:`DATASET_ATTRIBUTION`)."""
        return dataset_attribution(self.dataset)

    @property
    def annual_ghi_kwh_m2(self) -> float:
        """Annual global horizontal irradiation [kWh/m2] (non-leap year)."""
        return float(np.dot(self.monthly_ghi_kwh_m2_day, _DAYS_IN_MONTH))


def dataset_name_zh(dataset: str) -> str:
    """Chinese name of a dataset such as ``CSWD`` or ``TMYx.2009-2023`` (``""`` if unknown)."""
    return DATASET_NAME_ZH.get(dataset.split(".")[0], "")


def dataset_attribution(dataset: str) -> str:
    """Credit line for a dataset name such as ``CSWD`` or ``TMYx.2009-2023`` (``""`` if unknown)."""
    return DATASET_ATTRIBUTION.get(dataset.split(".")[0], "")


def haversine_km(
    lat1: float | np.ndarray,
    lon1: float | np.ndarray,
    lat2: float | np.ndarray,
    lon2: float | np.ndarray,
) -> float | np.ndarray:
    """Great-circle distance between points on a sphere of radius :data:`EARTH_RADIUS_KM`.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array-like
        Coordinates [deg]; arrays broadcast.

    Returns
    -------
    float or numpy.ndarray
        Distance [km].
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    # clip guards against rounding pushing a just above 1 for antipodal points
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(d) if np.ndim(d) == 0 else d


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    path = data_path(*CLIMATOLOGY_FILE)
    table = pd.read_csv(path, dtype={"year": "Int64"}, keep_default_na=True)
    missing = [c for c in _REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise RuntimeError(f"{path} lacks the columns {missing}; the data folder is damaged")
    for column in _TEXT_COLUMNS:
        table[column] = table[column].fillna("").astype(str)
    counts = table.groupby("city")["month"].apply(lambda m: sorted(m.tolist()))
    bad = [city for city, months in counts.items() if months != list(range(1, 13))]
    if bad:
        raise RuntimeError(f"{path}: cities {bad} do not have exactly the months 1..12")
    return table.sort_values(["city", "month"], kind="stable").reset_index(drop=True)


def load_climatology() -> pd.DataFrame:
    """The whole climatology table, one row per city and month.

    Returns
    -------
    pandas.DataFrame
        The columns of ``data/climatology/cities.csv`` (documented in its README), sorted by
        city and month. A copy: changing it does not change later calls.
    """
    return _table().copy()


def list_cities() -> pd.DataFrame:
    """One row per city with its metadata and annual irradiation.

    Returns
    -------
    pandas.DataFrame
        Columns ``city, city_zh, country, province, lat, lon, elevation_m, dataset, year,
        status, station, proxy_for, proxy_distance_km, annual_ghi_kwh_m2`` (the last one is
        the sum over the months of mean daily irradiation times days, non-leap year).
    """
    table = _table()
    days = table["month"].map(dict(enumerate(_DAYS_IN_MONTH, start=1)))
    annual = (table["ghi_kwh_m2_day"] * days).groupby(table["city"]).sum()
    columns = [
        "city",
        "city_zh",
        "country",
        "province",
        "lat",
        "lon",
        "elevation_m",
        "dataset",
        "year",
        "status",
        "station",
        "proxy_for",
        "proxy_distance_km",
    ]
    cities = table.loc[table["month"] == 1, columns].reset_index(drop=True)
    cities["annual_ghi_kwh_m2"] = cities["city"].map(annual).round(1).to_numpy()
    return cities


def _normalise(name: str) -> str:
    # "Xi'an", "xian" and " XI AN " are one city; so are "杭州市" and "杭州", "Hangzhou
    # City" and "Hangzhou" (a city written as an address writes it)
    text = re.sub(r"[\s'’\-_.]", "", name).casefold()
    return re.sub(r"(?<=.)(市|city)$", "", text)


def _city_climate(rows: pd.DataFrame, distance_km: float | None = None) -> CityClimate:
    first = rows.iloc[0]
    elevation = float(first["elevation_m"])
    if not math.isfinite(elevation):
        elevation = grid_elevation_m(float(first["lat"]), float(first["lon"]))
    proxy_distance = first["proxy_distance_km"]
    year = first["year"]
    return CityClimate(
        city=first["city"],
        city_zh=first["city_zh"],
        country=first["country"],
        province=first["province"],
        lat=float(first["lat"]),
        lon=float(first["lon"]),
        elevation_m=elevation,
        monthly_ghi_kwh_m2_day=tuple(float(v) for v in rows["ghi_kwh_m2_day"]),
        monthly_temp_air_c=tuple(float(v) for v in rows["temp_air_c"]),
        monthly_wind_speed_m_s=tuple(float(v) for v in rows["wind_speed_m_s"]),
        dataset=first["dataset"],
        source=first["source"],
        year=None if pd.isna(year) else int(year),
        status=first["status"],
        station=first["station"],
        station_lat=float(first["station_lat"]),
        station_lon=float(first["station_lon"]),
        proxy_for=first["proxy_for"],
        proxy_distance_km=None if pd.isna(proxy_distance) else float(proxy_distance),
        notes=first["notes"],
        distance_km=distance_km,
    )


def find_city(name: str) -> CityClimate:
    """Look a city up by its English or Chinese name (case- and punctuation-insensitive).

    Parameters
    ----------
    name : str
        E.g. ``"Hangzhou"``, ``"hangzhou"``, ``"杭州"``, ``"Xian"``.

    Returns
    -------
    CityClimate
        With ``distance_km=None``.

    Raises
    ------
    WeatherInputError
        If no city has that name; the message lists close matches.
    """
    if not isinstance(name, str) or not name.strip():
        raise WeatherInputError.of("climatology.empty_city",
                                   "city name is empty; give an English or Chinese city name")
    table = _table()
    key = _normalise(name)
    rows = _city_rows().get(key)
    if rows is not None:
        return _city_climate(table.loc[rows].sort_values("month"))
    close = _close_cities(key)
    if close:
        raise WeatherInputError.of(
            "climatology.unknown_city_close", "city {name} is not in the climatology table; "
            "did you mean {cities}? Or give coordinates and use the nearest station.",
            name=repr(name), cities=_city_names(list(close)))
    raise WeatherInputError.of(
        "climatology.unknown_city", "city {name} is not in the climatology table; known "
        "cities: {cities}. Or give coordinates and use the nearest station.", name=repr(name),
        cities=_city_names(sorted(set(table["city"]))))


@lru_cache(maxsize=1)
def _city_rows() -> dict[str, list[int]]:
    """The table's row labels of each city under its normalised English and Chinese names
    (built once: a sites file of 10,000 rows looks a city up on each)."""
    table = _table()
    rows: dict[str, list[int]] = {}
    for label, en, zh in zip(table.index, table["city"], table["city_zh"], strict=True):
        for spelling in {_normalise(en), _normalise(zh) if zh else ""} - {""}:
            rows.setdefault(spelling, []).append(label)
    return rows


@lru_cache(maxsize=4096)
def _close_cities(key: str) -> tuple[str, ...]:
    """Up to 5 cities whose normalised name is close to ``key`` (a sites file repeats its
    misspellings row after row: each is matched once)."""
    by_key = _spellings()
    return tuple(by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=5,
                                                              cutoff=0.6))


@lru_cache(maxsize=1)
def _spellings() -> dict[str, str]:
    """Every city's English and Chinese name under its normalised spelling (for
    suggestions)."""
    table = _table()
    names = sorted(set(table["city"]) | (set(table["city_zh"]) - {""}))
    return {_normalise(n): n for n in names}


def _city_names(names: list[str]) -> dict[str, str]:
    """Cities as a message value: ``{"en": "A, B", "zh": "甲、乙"}`` (a city suggested under
    both of its names is named once in Chinese)."""
    chinese = _chinese_names()
    return {"en": ", ".join(names),
            "zh": "、".join(dict.fromkeys(chinese.get(n, n) for n in names))}


@lru_cache(maxsize=1)
def _chinese_names() -> dict[str, str]:
    table = _table()
    return {str(en): str(zh) for en, zh in zip(table["city"], table["city_zh"], strict=True)
            if zh}


def nearest_city(latitude: float, longitude: float) -> CityClimate:
    """The city of the table nearest to a point (great-circle distance).

    Every row counts, including cities that borrow a nearby station's figures (their own
    city-centre coordinates are used for the distance), so a site in Ningbo gets "Ningbo
    (figures of the Hangzhou station)". The distance to the station itself is
    ``haversine_km(latitude, longitude, c.station_lat, c.station_lon)``. There is no limit:
    the nearest city may be in another hemisphere; :func:`check_station` tells whether its
    climate can stand for the site's.

    Parameters
    ----------
    latitude, longitude : float
        The site [deg], -90..90 and -180..180.

    Returns
    -------
    CityClimate
        With ``distance_km`` from the site to the city's ``lat, lon`` [km].

    Raises
    ------
    WeatherInputError
        If the coordinates are not valid numbers in range.
    """
    lat, lon = check_coordinates(latitude, longitude)
    return next(_cities_by_distance(lat, lon))


def _cities_by_distance(latitude: float, longitude: float) -> Iterator[CityClimate]:
    """The table's cities nearest first, each with ``distance_km`` from the point."""
    table = _table()
    firsts = table.loc[table["month"] == 1]
    distances = np.asarray(
        haversine_km(latitude, longitude, firsts["lat"].to_numpy(), firsts["lon"].to_numpy())
    )
    for k in np.argsort(distances, kind="stable"):
        rows = table.loc[table["city"] == firsts["city"].iloc[int(k)]].sort_values("month")
        yield _city_climate(rows, distance_km=float(distances[int(k)]))


def nearest_usable_city(latitude: float, longitude: float) -> CityClimate:
    """The nearest city of the table whose station can stand for the site
    (:func:`check_station`): the nearest city itself where it can, else the next nearest
    that can (a site 12 degrees of latitude from the nearest station may have another
    within 10 degrees, farther away but under the sun of the site's latitude).

    Parameters
    ----------
    latitude, longitude : float
        The site [deg].

    Returns
    -------
    CityClimate
        With ``distance_km`` from the site to the city [km].

    Raises
    ------
    WeatherInputError
        :func:`check_station`'s refusal of the nearest city when no city's station can
        stand for the site (the nearest one is the one named).

    Examples
    --------
    >>> nearest_usable_city(30.18, 120.26).city
    'Hangzhou'
    """
    lat, lon = check_coordinates(latitude, longitude)
    refusal: WeatherInputError | None = None
    for candidate in _cities_by_distance(lat, lon):
        try:
            check_station(candidate, lat, lon)
        except WeatherInputError as refused:
            refusal = refusal or refused  # the nearest city's is the one said
            continue
        return candidate
    assert refusal is not None  # the table is not empty
    raise refusal


def station_city_names(climate: CityClimate) -> dict[str, str]:
    """The city whose station supplied a climate's figures, as a message value in English
    and Chinese (a city without a station of its own names the one it borrows from).

    Examples
    --------
    >>> station_city_names(find_city("Ningbo"))
    {'en': 'Hangzhou', 'zh': '杭州'}
    """
    home = find_city(climate.proxy_for) if climate.proxy_for else climate
    return {"en": climate.station_city, "zh": home.city_zh or climate.station_city}


def station_names(climate: CityClimate) -> dict[str, str]:
    """A climate's weather station as a message value: the station's own name in English,
    its city's station in Chinese.

    Examples
    --------
    >>> station_names(find_city("Dubai"))
    {'en': 'Dubai Intl AP (IWEC2, WMO 411940)', 'zh': '迪拜气象站'}
    """
    return {"en": climate.station, "zh": f"{station_city_names(climate)['zh']}气象站"}


def latitude_words(latitude: float) -> dict[str, str]:
    """A latitude as a message value, to one decimal: ``33.9°S`` in English, ``南纬 33.9°``
    in Chinese (``0.0°`` on the equator).

    Examples
    --------
    >>> latitude_words(-33.9)
    {'en': '33.9°S', 'zh': '南纬 33.9°'}
    >>> latitude_words(90)
    {'en': '90.0°N', 'zh': '北纬 90.0°'}
    """
    value = round(float(latitude), 1)
    if value == 0:
        return {"en": "0.0°", "zh": "0.0°"}
    if value > 0:
        return {"en": f"{value:.1f}°N", "zh": f"北纬 {value:.1f}°"}
    return {"en": f"{-value:.1f}°S", "zh": f"南纬 {-value:.1f}°"}


def check_station(climate: CityClimate, latitude: float, longitude: float) -> float:
    """Refuse a station whose monthly climate cannot stand for a site's.

    The offline generator keeps the station's monthly irradiation and temperature as they
    are, so the station must see the site's sun and seasons. It may not be in the other
    hemisphere (both outside :data:`EQUATORIAL_BAND_DEG` of the equator), more than
    :data:`MAX_STATION_LATITUDE_DIFFERENCE_DEG` of latitude away, or farther than
    :data:`MAX_STATION_KM`; a station within these limits may still be far enough for the
    far-station warning of :mod:`weather.synthetic`.

    Parameters
    ----------
    climate : CityClimate
        The climatology found for the site (:func:`nearest_city` or :func:`find_city`);
        its ``station_lat, station_lon`` are compared with the site.
    latitude, longitude : float
        The site [deg].

    Returns
    -------
    float
        The great-circle distance from the site to the station [km].

    Raises
    ------
    WeatherInputError
        With key ``climatology.station_hemisphere``, ``climatology.station_latitude`` or
        ``climatology.station_distance`` (checked in that order) and the values ``station``
        (:func:`station_names`), ``km`` (the distance), ``lat`` and ``station_lat``
        (:func:`latitude_words`), and ``dlat`` and ``limit`` where they apply. The message
        names the station and its distance and tells the user to use an online source or a
        weather file.

    Examples
    --------
    >>> check_station(nearest_city(-33.87, 151.21), -33.87, 151.21) < 20
    True
    >>> try:
    ...     check_station(nearest_city(-33.9, 18.4), -33.9, 18.4)
    ... except WeatherInputError as problem:
    ...     print(problem.key, "|", problem.params["station"]["zh"], round(problem.params["km"]))
    climatology.station_hemisphere | 迪拜气象站 7646
    """
    lat, lon = check_coordinates(latitude, longitude)
    km = float(haversine_km(lat, lon, climate.station_lat, climate.station_lon))
    values = {"station": station_names(climate), "km": km, "lat": latitude_words(lat),
              "station_lat": latitude_words(climate.station_lat)}
    band = EQUATORIAL_BAND_DEG
    if lat * climate.station_lat < 0 and min(abs(lat), abs(climate.station_lat)) > band:
        raise WeatherInputError.of(
            "climatology.station_hemisphere", "Offline weather cannot be made for this site "
            "({lat}): the climatology station {station} is {km:,.0f} km away at "
            "{station_lat}, in the other hemisphere, where the seasons are reversed. Use an "
            "online source (PVGIS or NASA POWER) or bring a weather file of the site (EPW, TMY "
            "or CSV).", **values)
    dlat = abs(lat - climate.station_lat)
    if dlat > MAX_STATION_LATITUDE_DIFFERENCE_DEG:
        raise WeatherInputError.of(
            "climatology.station_latitude", "Offline weather cannot be made for this site "
            "({lat}): the climatology station {station} is {km:,.0f} km away at "
            "{station_lat}, {dlat:.1f} degrees of latitude from the site; more than {limit:g} "
            "degrees apart, the sun's height and the length of the days differ too much for "
            "its climate to stand for the site's. Use an online source (PVGIS or NASA POWER) "
            "or bring a weather file of the site (EPW, TMY or CSV).",
            **values, dlat=dlat, limit=MAX_STATION_LATITUDE_DIFFERENCE_DEG)
    if km > MAX_STATION_KM:
        raise WeatherInputError.of(
            "climatology.station_distance", "Offline weather cannot be made for this site "
            "({lat}): the climatology station {station} is {km:,.0f} km away, more than the "
            "{limit:,.0f} km within which a station's climate is taken to stand for a site's. "
            "Use an online source (PVGIS or NASA POWER) or bring a weather file of the site "
            "(EPW, TMY or CSV).", **values, limit=MAX_STATION_KM)
    return km
