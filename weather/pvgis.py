"""Typical meteorological year from PVGIS (EU Joint Research Centre), API v5_3.

``GET https://re.jrc.ec.europa.eu/api/v5_3/tmy?lat=..&lon=..&outputformat=json`` answers a
JSON object with

* ``inputs.location``: ``latitude``, ``longitude``, ``elevation`` [m] (and in v5_3
  ``irradiance_time_offset`` [h]);
* ``inputs.meteo_data``: ``radiation_db`` (``PVGIS-SARAH3`` where Meteosat sees, else
  ``PVGIS-ERA5``, which is what China gets), ``meteo_db``, ``year_min``, ``year_max``,
  ``use_horizon``, ``horizon_db``;
* ``outputs.months_selected``: ``[{"month": 1, "year": 2018}, ...]``;
* ``outputs.tmy_hourly``: 8760 records ``{"time(UTC)": "20180101:0000", "T2m", "RH",
  "G(h)", "Gb(n)", "Gd(h)", "IR(h)", "WS10m", "WD10m", "SP"}`` in UTC, each month taken
  from its selected year;
* ``meta``: descriptions and units (degree Celsius, %, W/m2, m/s, Pa).

Errors come back as JSON too, e.g. HTTP 400 ``{"message": "Location over the sea. Please,
select another location", "status": 400}``.

The hourly records are labelled on the hour in UTC; they are read as interval-start labels
and shifted to the site's local standard time with :func:`weather.timeaxis.to_typical_year`
(the last hours of December wrap to the first hours of 1 January for sites east of
Greenwich, as typical-year files are meant to be read). The service's
``irradiance_time_offset`` (the satellite scan time within the hour) is reported in the
notes, not applied. PVGIS's terms: free, no registration, "no restrictions on what the
results can be used for"; cite the source.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import requests

from weather.cache import WeatherCache
from weather.coordinates import grid_elevation_m
from weather.errors import WeatherInputError, WeatherSourceUnavailable, message_part
from weather.http import (
    FALLBACK_HINT,
    check_coordinates,
    error_message,
    http_get,
    json_body,
)
from weather.meta import REQUIRED_COLUMNS, WeatherMeta, WeatherNote, month_years
from weather.timeaxis import fixed_offset_tz, standard_utc_offset_hours, to_typical_year

__all__ = [
    "PVGIS_TMY_URL",
    "PVGIS_VARIABLES",
    "fetch_pvgis_tmy",
    "parse_pvgis_tmy_json",
    "pvgis_attribution",
]

#: The TMY endpoint, pinned to API version 5.3.
PVGIS_TMY_URL = "https://re.jrc.ec.europa.eu/api/v5_3/tmy"

#: PVGIS output names -> pvlib names (units already SI: W/m2, degC, %, m/s, Pa).
PVGIS_VARIABLES = {
    "G(h)": "ghi",
    "Gb(n)": "dni",
    "Gd(h)": "dhi",
    "T2m": "temp_air",
    "WS10m": "wind_speed",
    "RH": "relative_humidity",
    "SP": "pressure",
}

_SOURCE_NAME = "PVGIS"
_TIME = "time(UTC)"
_MAX_FILLED_HOURS = 3  # hours a missing run may span and still be interpolated


def pvgis_attribution(year: int | None = None) -> str:
    """Credit line for PVGIS data: ``PVGIS © European Union, 2001-<year>``."""
    return f"PVGIS © European Union, 2001-{year or date.today().year}"


def parse_pvgis_tmy_json(
    payload: dict[str, Any], utc_offset_hours: float
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Turn a PVGIS v5_3 TMY JSON answer into a typical-year frame.

    Parameters
    ----------
    payload : dict
        The decoded JSON answer (see the module notes for its shape).
    utc_offset_hours : float
        Offset of the site's local standard time [h].

    Returns
    -------
    frame : pandas.DataFrame
        8760 rows on ``typical_year_index(utc_offset_hours)`` with ``ghi, dni, dhi`` [W/m2],
        ``temp_air`` [degC], ``wind_speed`` [m/s] at 10 m and, when PVGIS sends them,
        ``relative_humidity`` [%] and ``pressure`` [Pa].
    info : dict
        ``latitude``, ``longitude``, ``elevation_m``, ``radiation_db``, ``meteo_db``,
        ``year_min``, ``year_max``, ``months_selected`` (dict month -> year),
        ``use_horizon``, ``horizon_db``, ``irradiance_time_offset_h``, ``filled_hours``.

    Raises
    ------
    WeatherSourceUnavailable
        If the answer does not have the documented shape or has too many missing hours.
    """
    try:
        inputs = payload["inputs"]
        location = inputs["location"]
        meteo = inputs.get("meteo_data", {})
        outputs = payload["outputs"]
        records = outputs["tmy_hourly"]
        selected = outputs.get("months_selected", [])
    except (KeyError, TypeError) as exc:
        raise _bad_answer(f"the TMY answer lacks {exc}") from None
    if not isinstance(records, list) or not records:
        raise _bad_answer("the TMY answer has no hourly records")

    table = pd.DataFrame.from_records(records)
    if _TIME not in table.columns:
        raise _bad_answer(f"the hourly records lack {_TIME!r}")
    missing = [name for name in PVGIS_VARIABLES if name not in table.columns]
    required_missing = [n for n in missing if PVGIS_VARIABLES[n] in REQUIRED_COLUMNS]
    if required_missing:
        raise _bad_answer(f"the hourly records lack {required_missing}")
    try:
        stamps = pd.to_datetime(table[_TIME].astype(str), format="%Y%m%d:%H%M", utc=True)
    except (ValueError, TypeError) as exc:
        raise _bad_answer(f"unreadable time stamps ({exc})") from None
    names = {k: v for k, v in PVGIS_VARIABLES.items() if k in table.columns}
    data = table[list(names)].rename(columns=names).apply(pd.to_numeric, errors="coerce")
    data = data.astype("float64")
    data.index = pd.DatetimeIndex(stamps)
    for column in ("ghi", "dni", "dhi"):
        data[column] = data[column].clip(lower=0.0)

    frame = to_typical_year(data, utc_offset_hours)
    frame, filled = _fill_short_gaps(frame)

    info = {
        "latitude": float(location.get("latitude", np.nan)),
        "longitude": float(location.get("longitude", np.nan)),
        "elevation_m": float(location.get("elevation", np.nan)),
        "irradiance_time_offset_h": location.get("irradiance_time_offset"),
        "radiation_db": str(meteo.get("radiation_db", "")),
        "meteo_db": str(meteo.get("meteo_db", "")),
        "year_min": meteo.get("year_min"),
        "year_max": meteo.get("year_max"),
        "use_horizon": meteo.get("use_horizon"),
        "horizon_db": meteo.get("horizon_db"),
        "months_selected": {
            int(item["month"]): int(item["year"])
            for item in selected
            if isinstance(item, dict) and "month" in item and "year" in item
        },
        "filled_hours": filled,
    }
    return frame, info


def _fill_short_gaps(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Interpolate runs of up to ``_MAX_FILLED_HOURS`` missing hours; fail on longer ones."""
    gaps = frame[list(REQUIRED_COLUMNS)].isna().any(axis=1)
    if not gaps.any():
        return frame, 0
    run_id = (gaps != gaps.shift()).cumsum()
    longest = int(gaps.groupby(run_id).sum().max())
    if longest > _MAX_FILLED_HOURS:
        raise _bad_answer(
            f"the TMY has a gap of {longest} hours after the shift to local time "
            f"(first at {frame.index[gaps.to_numpy()][0]})"
        )
    filled = frame.interpolate(method="linear", limit_direction="both")
    return filled, int(gaps.sum())


def _bad_answer(reason: str) -> WeatherSourceUnavailable:
    return WeatherSourceUnavailable(
        f"PVGIS answered {PVGIS_TMY_URL} with data pvplanner cannot use: {reason}; {FALLBACK_HINT}"
    )


def fetch_pvgis_tmy(
    latitude: float,
    longitude: float,
    *,
    utc_offset_hours: float | None = None,
    session: requests.Session | None = None,
    timeout_s: float = 30.0,
    cache: WeatherCache | None = None,
    usehorizon: bool = True,
    startyear: int | None = None,
    endyear: int | None = None,
    sleep: Callable[[float], None] | None = None,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Typical meteorological year of a place from PVGIS 5.3, on the scenario's time axis.

    Parameters
    ----------
    latitude, longitude : float
        Site coordinates [deg], north and east positive.
    utc_offset_hours : float, optional
        Local standard time of the result [h]; by default the place's own standard offset
        (:func:`weather.timeaxis.standard_utc_offset_hours`).
    session : requests.Session, optional
        HTTP session (connection reuse, tests).
    timeout_s : float, default 30
        Read timeout per try [s].
    cache : WeatherCache, optional
        On-disk cache to read first and fill after a download; no caching when omitted.
    usehorizon : bool, default True
        Let PVGIS apply its terrain horizon to the irradiance.
    startyear, endyear : int, optional
        Years PVGIS draws the months from (its default: the whole database period).
    sleep : callable, optional
        Wait function between retries (tests pass a recorder).

    Returns
    -------
    (pandas.DataFrame, WeatherMeta)
        8760 hourly rows (``ghi, dni, dhi, temp_air, wind_speed, relative_humidity,
        pressure``) and metadata with ``source="pvgis"``, ``dataset`` the radiation
        database (e.g. ``PVGIS-ERA5``), ``years`` like ``"2005-2023"`` and the months chosen
        in the notes. ``obtained`` is ``"online"`` or ``"cache"``.

    Raises
    ------
    WeatherInputError
        For impossible coordinates or offsets, and when PVGIS refuses the place (HTTP 400,
        e.g. "Location over the sea"); the message names the coordinates.
    WeatherSourceUnavailable
        When PVGIS cannot be reached, keeps failing, or answers something unusable.
    """
    lat, lon = check_coordinates(latitude, longitude)
    standard = standard_utc_offset_hours(lat, lon)
    offset = standard if utc_offset_hours is None else float(utc_offset_hours)
    try:
        fixed_offset_tz(offset)
    except (ValueError, TypeError) as exc:
        raise WeatherInputError(f"utc_offset_hours: {exc}") from None

    # Only non-default request parameters key the cache, so that a plain
    # cache.get("pvgis", lat, lon) finds what a default fetch stored.
    key = {
        "utc_offset_hours": None if offset == standard else offset,
        "usehorizon": None if usehorizon else False,
        "startyear": startyear,
        "endyear": endyear,
    }
    if cache is not None:
        hit = cache.get("pvgis", lat, lon, **key)
        if hit is not None:
            return hit

    params: dict[str, Any] = {
        "lat": lat,
        "lon": lon,
        "outputformat": "json",
        "usehorizon": 1 if usehorizon else 0,
    }
    if startyear is not None:
        params["startyear"] = int(startyear)
    if endyear is not None:
        params["endyear"] = int(endyear)
    response = http_get(
        PVGIS_TMY_URL,
        source=_SOURCE_NAME,
        params=params,
        session=session,
        timeout_s=timeout_s,
        sleep=sleep if sleep is not None else time.sleep,
    )
    if response.status_code == 400:
        raise WeatherInputError.of(
            "source.pvgis_no_tmy",
            "PVGIS has no typical year for latitude {lat}, longitude {lon}{detail}. Check the "
            "coordinates (decimal degrees, north and east positive; a coastal site may need a "
            "point a little inland), or {hint}", lat=lat, lon=lon,
            detail={"en": f": {error_message(response)}", "zh": ""},
            hint=message_part("source.fallback_hint", FALLBACK_HINT))
    if not response.ok:
        raise WeatherSourceUnavailable(
            f"could not reach PVGIS at {PVGIS_TMY_URL}: HTTP {response.status_code} "
            f"{error_message(response)}; {FALLBACK_HINT}"
        )
    payload = json_body(response, _SOURCE_NAME)
    if not isinstance(payload, dict):
        raise _bad_answer("the answer is not a JSON object")
    frame, info = parse_pvgis_tmy_json(payload, offset)

    years = ""
    if info["year_min"] is not None and info["year_max"] is not None:
        years = f"{int(info['year_min'])}-{int(info['year_max'])}"
    notes = [WeatherNote.of("pvgis.months", "PVGIS 5.3 TMY, months selected by PVGIS: {months}",
                            months=month_years(info["months_selected"]))]
    if info["meteo_db"]:
        notes.append(WeatherNote.of(
            "pvgis.meteo", "temperature, humidity and wind from {dataset}; wind at 10 m",
            dataset=info["meteo_db"]))
    if info["use_horizon"]:
        notes.append(WeatherNote.of(
            "pvgis.horizon", "irradiance includes the terrain horizon ({horizon})",
            horizon=str(info["horizon_db"] or "PVGIS")))
    if info["irradiance_time_offset_h"] is not None:
        notes.append(WeatherNote.of(
            "pvgis.time_offset", "hourly values read as interval-start labels; PVGIS's "
            "irradiance time offset of {hours:.3f} h not applied",
            hours=float(info["irradiance_time_offset_h"])))
    if info["filled_hours"]:
        notes.append(WeatherNote.of("pvgis.filled", "missing hours interpolated linearly: {count}",
                                    count=int(info["filled_hours"])))
    elevation = info["elevation_m"]
    elevation_source = "data"
    if not np.isfinite(elevation):
        elevation = grid_elevation_m(lat, lon)
        elevation_source = "altitude_grid"
        notes.append(WeatherNote.of(
            "pvgis.no_elevation", "PVGIS gave no elevation; {elevation:.0f} m taken from "
            "pvlib's altitude map", elevation=elevation))
    meta = WeatherMeta(
        source="pvgis",
        dataset=info["radiation_db"] or "PVGIS",
        years=years,
        latitude=info["latitude"] if np.isfinite(info["latitude"]) else lat,
        longitude=info["longitude"] if np.isfinite(info["longitude"]) else lon,
        elevation_m=elevation,
        elevation_source=elevation_source,
        utc_offset_hours=offset,
        obtained="online",
        attribution=pvgis_attribution(),
        notes=tuple(notes),
    )
    if cache is not None:
        cache.put("pvgis", lat, lon, frame, meta, **key)
    return frame, meta
