"""A typical year from NASA POWER hourly data (several real years reduced by ISO 15927-4).

POWER has no typical-year endpoint, so this module downloads hourly point data for several
complete years, one request per year, and reduces them with
:func:`weather.typical_year.build_typical_year`.

Request (``GET https://power.larc.nasa.gov/api/temporal/hourly/point``): ``parameters``
(up to 15 per hourly request), ``community=RE``, ``latitude``, ``longitude``,
``start=YYYYMMDD``, ``end=YYYYMMDD``, ``format=JSON``, ``time-standard=UTC`` (the hourly API
otherwise answers in local *solar* time).

Answer: a GeoJSON ``Feature`` with ``geometry.coordinates = [lon, lat, elevation_m]``,
``properties.parameter = {"T2M": {"2020010100": 1.52, ...}, ...}`` keyed by UTC hour
``YYYYMMDDHH`` (interval start), ``header`` (``fill_value`` -999, ``time_standard``,
``sources``, ``start``, ``end``), ``messages`` and ``parameters`` (units and long names).

Parameters used and units: ``ALLSKY_SFC_SW_DWN`` (GHI), ``ALLSKY_SFC_SW_DNI`` (DNI),
``ALLSKY_SFC_SW_DIFF`` (DHI) as hourly Wh/m2, i.e. mean W/m2 over the hour; ``T2M`` [degC];
``WS10M`` [m/s at 10 m]; ``PS`` [kPa, converted to Pa]; ``RH2M`` [%]. Solar values come from
CERES SYN1deg (FLASHFlux near real time), meteorology from MERRA-2 (GEOS FP-IT near real
time); hourly data start in 2001.

Missing values (the fill value -999) become NaN; runs of up to :data:`MAX_GAP_HOURS` hours
are interpolated linearly, longer holes keep their month-year out of the typical-year
selection. Both are reported in the metadata notes.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import requests

from weather.cache import WeatherCache
from weather.coordinates import grid_elevation_m
from weather.errors import WeatherInputError, WeatherSourceUnavailable
from weather.http import (
    FALLBACK_HINT,
    check_coordinates,
    error_message,
    http_get,
    json_body,
)
from weather.meta import REQUIRED_COLUMNS, WeatherMeta, WeatherNote, month_years
from weather.timeaxis import fixed_offset_tz, standard_utc_offset_hours
from weather.typical_year import build_typical_year, complete_months

__all__ = [
    "DEFAULT_YEARS",
    "FIRST_HOURLY_YEAR",
    "MAX_GAP_HOURS",
    "NASA_POWER_ATTRIBUTION",
    "NASA_POWER_DATASET",
    "NASA_POWER_HOURLY_URL",
    "POWER_VARIABLES",
    "default_year_range",
    "fetch_nasa_power_typical_year",
    "fill_short_gaps",
    "parse_power_hourly_json",
]

NASA_POWER_HOURLY_URL = "https://power.larc.nasa.gov/api/temporal/hourly/point"

#: POWER parameter -> pvlib name.
POWER_VARIABLES = {
    "ALLSKY_SFC_SW_DWN": "ghi",
    "ALLSKY_SFC_SW_DNI": "dni",
    "ALLSKY_SFC_SW_DIFF": "dhi",
    "T2M": "temp_air",
    "WS10M": "wind_speed",
    "PS": "pressure",
    "RH2M": "relative_humidity",
}

NASA_POWER_DATASET = "NASA POWER (CERES SYN1deg / MERRA-2)"

#: Credit line the POWER project asks users to give.
NASA_POWER_ATTRIBUTION = (
    "Data obtained from the NASA Langley Research Center (LaRC) POWER Project funded through "
    "the NASA Earth Science/Applied Science Program."
)

#: First year of POWER's hourly archive.
FIRST_HOURLY_YEAR = 2001

#: Number of recent complete years used by default.
DEFAULT_YEARS = 10

#: Longest run of missing hours that is interpolated [h].
MAX_GAP_HOURS = 3

_SOURCE_NAME = "NASA POWER"
#: Tag of the request recipe (parameters, community, units); part of the cache key only
#: when it differs from this default, so bump it with a note when the recipe changes.
_RECIPE = "hourly-re-v1"


def default_year_range(today: date | None = None, years: int = DEFAULT_YEARS) -> tuple[int, int]:
    """The ``years`` most recent complete calendar years before ``today``.

    Returns
    -------
    (int, int)
        ``(first, last)`` with ``last = today.year - 1``.
    """
    today = today or date.today()
    last = today.year - 1
    return max(FIRST_HOURLY_YEAR, last - years + 1), last


def parse_power_hourly_json(payload: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Turn a POWER hourly point JSON answer into an hourly UTC frame.

    Parameters
    ----------
    payload : dict
        The decoded JSON answer (see the module notes for its shape).

    Returns
    -------
    frame : pandas.DataFrame
        UTC-indexed hourly rows (interval start) with the pvlib names of
        :data:`POWER_VARIABLES` that are present; fill values replaced by NaN, pressure in
        Pa, negative irradiance clipped to 0.
    info : dict
        ``longitude``, ``latitude``, ``elevation_m`` of the grid point, ``fill_value``,
        ``missing`` (number of NaN values in the frame), ``sources`` and ``messages``.

    Raises
    ------
    WeatherSourceUnavailable
        If the answer does not have the documented shape.
    """
    try:
        series = payload["properties"]["parameter"]
        header = payload.get("header", {}) or {}
    except (KeyError, TypeError) as exc:
        raise _bad_answer(f"the answer lacks {exc}") from None
    if not isinstance(series, dict) or not series:
        raise _bad_answer("the answer has no parameter series")
    names = {k: v for k, v in POWER_VARIABLES.items() if k in series}
    lacking = [k for k, v in POWER_VARIABLES.items() if v in REQUIRED_COLUMNS and k not in series]
    if lacking:
        raise _bad_answer(f"the answer lacks {lacking}")
    table = pd.DataFrame({name: pd.Series(series[name], dtype="float64") for name in names})
    try:
        index = pd.to_datetime(table.index.astype(str), format="%Y%m%d%H", utc=True)
    except (ValueError, TypeError) as exc:
        raise _bad_answer(f"unreadable hour keys ({exc})") from None
    table.index = pd.DatetimeIndex(index, name="time")
    table = table.sort_index()

    fill_value = float(header.get("fill_value", -999.0))
    frame = table.rename(columns=names)
    frame = frame.mask(np.isclose(frame.to_numpy(), fill_value))
    units = payload.get("parameters", {}) or {}
    if "pressure" in frame.columns:
        unit = str((units.get("PS") or {}).get("units", "kPa")).strip().lower()
        if unit == "kpa":
            frame["pressure"] = frame["pressure"] * 1000.0
        elif unit == "hpa":
            frame["pressure"] = frame["pressure"] * 100.0
    for column in ("ghi", "dni", "dhi"):
        frame[column] = frame[column].clip(lower=0.0)

    coordinates = (payload.get("geometry") or {}).get("coordinates") or [np.nan] * 3
    coordinates = list(coordinates) + [np.nan] * (3 - len(coordinates))
    info = {
        "longitude": _as_float(coordinates[0]),
        "latitude": _as_float(coordinates[1]),
        "elevation_m": _as_float(coordinates[2]),
        "fill_value": fill_value,
        "missing": int(frame.isna().to_numpy().sum()),
        "sources": list(header.get("sources", []) or []),
        "messages": list(payload.get("messages", []) or []),
    }
    return frame, info


def fill_short_gaps(
    frame: pd.DataFrame, max_hours: int = MAX_GAP_HOURS
) -> tuple[pd.DataFrame, int]:
    """Linearly interpolate runs of at most ``max_hours`` missing hours, column by column.

    Runs at the edges of the record and longer runs stay NaN.

    Parameters
    ----------
    frame : pandas.DataFrame
        Hourly rows on a regular hourly index.
    max_hours : int
        Longest run that is filled [h].

    Returns
    -------
    (pandas.DataFrame, int)
        The filled frame and the number of values filled.
    """
    out = frame.copy()
    filled = 0
    for column in out.columns:
        values = out[column].to_numpy(dtype=float, copy=True)
        missing = np.isnan(values)
        if not missing.any():
            continue
        # Start/end positions of each run of NaN.
        edges = np.diff(np.concatenate([[0], missing.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        known = np.flatnonzero(~missing)
        if known.size < 2:
            continue
        interpolated = np.interp(np.arange(values.size), known, values[known])
        for start, end in zip(starts, ends, strict=True):
            if end - start <= max_hours and start > 0 and end < values.size:
                values[start:end] = interpolated[start:end]
                filled += int(end - start)
        out[column] = values
    return out, filled


def annual_ghi_by_year(local: pd.DataFrame, *, min_share: float = 0.99
                       ) -> tuple[tuple[int, float], ...]:
    """The annual GHI sum of each complete year of hourly data [kWh/m2].

    Parameters
    ----------
    local : pandas.DataFrame
        Hourly rows on local standard time (naive index), column ``ghi`` [W/m2].
    min_share : float
        A year counts when at least this share of its hours have a GHI value.

    Returns
    -------
    tuple of (int, float)
        ``(year, kWh/m2)`` in year order.

    Examples
    --------
    >>> index = pd.date_range("2021-01-01", "2022-12-31 23:00", freq="h")
    >>> frame = pd.DataFrame({"ghi": 150.0}, index=index)
    >>> annual_ghi_by_year(frame)
    ((2021, 1314.0), (2022, 1314.0))
    """
    ghi = pd.to_numeric(local["ghi"], errors="coerce")
    out = []
    for year, values in ghi.groupby(ghi.index.year):
        hours = 8784 if calendar.isleap(int(year)) else 8760
        if values.notna().sum() >= min_share * hours:
            # Missing hours of a nearly complete year count at the year's mean.
            out.append((int(year), float(values.mean() * hours / 1000.0)))
    return tuple(out)


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _bad_answer(reason: str) -> WeatherSourceUnavailable:
    return WeatherSourceUnavailable(
        f"NASA POWER answered {NASA_POWER_HOURLY_URL} with data pvplanner cannot use: "
        f"{reason}; {FALLBACK_HINT}"
    )


def _check_years(start_year: int | None, end_year: int | None) -> tuple[int, int]:
    first, last = default_year_range()
    if start_year is None and end_year is None:
        return first, last
    if end_year is None:
        assert start_year is not None  # both None returned above
        end_year = min(last, int(start_year) + DEFAULT_YEARS - 1)
    if start_year is None:
        start_year = max(FIRST_HOURLY_YEAR, int(end_year) - DEFAULT_YEARS + 1)
    start, end = int(start_year), int(end_year)
    if start < FIRST_HOURLY_YEAR:
        raise WeatherInputError(
            f"start_year {start} is before {FIRST_HOURLY_YEAR}, the first year of NASA POWER's "
            "hourly archive"
        )
    if end > last:
        raise WeatherInputError(f"end_year {end} is not a complete year yet; use {last} or earlier")
    if start > end:
        raise WeatherInputError(f"start_year {start} is after end_year {end}")
    return start, end


def fetch_nasa_power_typical_year(
    latitude: float,
    longitude: float,
    *,
    start_year: int | None = None,
    end_year: int | None = None,
    utc_offset_hours: float | None = None,
    session: requests.Session | None = None,
    timeout_s: float = 60.0,
    cache: WeatherCache | None = None,
    sleep: Callable[[float], None] | None = None,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Typical year of a place from several years of NASA POWER hourly data.

    Parameters
    ----------
    latitude, longitude : float
        Site coordinates [deg], north and east positive.
    start_year, end_year : int, optional
        Years to draw months from; by default the :data:`DEFAULT_YEARS` most recent complete
        years (:func:`default_year_range`). Hourly data start in 2001.
    utc_offset_hours : float, optional
        Local standard time of the result [h]; by default the place's standard offset.
    session : requests.Session, optional
        HTTP session shared by the yearly requests.
    timeout_s : float, default 60
        Read timeout per request [s] (a year of hourly data takes POWER a while).
    cache : WeatherCache, optional
        On-disk cache read first and filled after a download; no caching when omitted.
    sleep : callable, optional
        Wait function between retries (tests pass a recorder).

    Returns
    -------
    (pandas.DataFrame, WeatherMeta)
        8760 hourly rows (``ghi, dni, dhi, temp_air, wind_speed, pressure,
        relative_humidity``) and metadata with ``source="nasa-power"``; the notes list the
        month chosen for each calendar month and any gaps filled.

    Raises
    ------
    WeatherInputError
        For impossible coordinates, offsets or years, and when POWER rejects the request
        (HTTP 400/422).
    WeatherSourceUnavailable
        When POWER cannot be reached, keeps failing, or its data leave a calendar month
        without a complete year.
    """
    lat, lon = check_coordinates(latitude, longitude)
    standard = standard_utc_offset_hours(lat, lon)
    offset = standard if utc_offset_hours is None else float(utc_offset_hours)
    try:
        fixed_offset_tz(offset)
    except (ValueError, TypeError) as exc:
        raise WeatherInputError(f"utc_offset_hours: {exc}") from None
    explicit_years = start_year is not None or end_year is not None
    first, last = _check_years(start_year, end_year)

    # Default requests key the cache by place alone, so that cache.get("nasa-power", lat, lon)
    # finds them; the metadata records which years they came from.
    key = {
        "start_year": first if explicit_years else None,
        "end_year": last if explicit_years else None,
        "utc_offset_hours": None if offset == standard else offset,
    }
    if cache is not None:
        hit = cache.get("nasa-power", lat, lon, **key)
        if hit is not None:
            return hit

    pause = sleep if sleep is not None else time.sleep
    frames, infos = [], []
    own_session = session is None
    http = session if session is not None else requests.Session()
    try:
        for year in range(first, last + 1):
            params = {
                "parameters": ",".join(POWER_VARIABLES),
                "community": "RE",
                "latitude": lat,
                "longitude": lon,
                "start": f"{year}0101",
                "end": f"{year}1231",
                "format": "JSON",
                "time-standard": "UTC",
            }
            response = http_get(
                NASA_POWER_HOURLY_URL,
                source=_SOURCE_NAME,
                params=params,
                session=http,
                timeout_s=timeout_s,
                sleep=pause,
            )
            if response.status_code in (400, 422):
                raise WeatherInputError.of(
                    "source.nasa_refused",
                    "NASA POWER refused hourly data for latitude {lat}, longitude {lon}, year "
                    "{year}{detail}", lat=lat, lon=lon, year=year,
                    detail={"en": f": {error_message(response)}", "zh": ""})
            if not response.ok:
                raise WeatherSourceUnavailable(
                    f"could not reach NASA POWER at {NASA_POWER_HOURLY_URL}: HTTP "
                    f"{response.status_code} {error_message(response)}; {FALLBACK_HINT}"
                )
            payload = json_body(response, _SOURCE_NAME)
            if not isinstance(payload, dict):
                raise _bad_answer("the answer is not a JSON object")
            frame, info = parse_power_hourly_json(payload)
            frames.append(frame)
            infos.append(info)
    finally:
        if own_session:
            http.close()

    hourly = pd.concat(frames).sort_index()
    hourly = hourly[~hourly.index.duplicated(keep="first")]
    full = pd.date_range(hourly.index[0], hourly.index[-1], freq="h", tz="UTC", name="time")
    hourly = hourly.reindex(full)
    missing = int(hourly[list(REQUIRED_COLUMNS)].isna().to_numpy().sum())
    hourly, filled = fill_short_gaps(hourly)

    local = hourly.copy()
    local.index = local.index.tz_convert(fixed_offset_tz(offset)).tz_localize(None)
    candidates = complete_months(local)
    annual = annual_ghi_by_year(local.loc[str(first):str(last)])
    try:
        frame, months = build_typical_year(hourly, offset)
    except WeatherInputError as exc:
        raise WeatherSourceUnavailable(
            f"NASA POWER data for latitude {lat}, longitude {lon} ({first}-{last}) are too "
            f"incomplete for a typical year: {exc}; try other years, or {FALLBACK_HINT}"
        ) from None

    notes = [
        WeatherNote.of(
            "nasa_power.months", "typical year from NASA POWER hourly data {first}-{last}, "
            "months chosen by ISO 15927-4: {months}", first=int(first), last=int(last),
            months=month_years(months)),
        WeatherNote.of(
            "nasa_power.variables", "wind speed at 10 m (WS10M); hourly irradiance: POWER's "
            "Wh/m2 of each hour, i.e. the hour's mean W/m2"),
    ]
    if missing:
        notes.append(WeatherNote.of(
            "nasa_power.missing", "missing hourly values (POWER fill value -999): {missing}; of "
            "them in gaps of up to {limit} h, interpolated linearly: {filled}",
            missing=int(missing), limit=int(MAX_GAP_HOURS), filled=int(filled)))
    total_month_years = (last - first + 1) * 12
    left_out = total_month_years - len([c for c in candidates if first <= c[0] <= last])
    if left_out:
        notes.append(WeatherNote.of(
            "nasa_power.left_out", "month-years incomplete in local time and left out of the "
            "selection: {count} of {total}", count=int(left_out), total=int(total_month_years)))
    for message in infos[0]["messages"] if infos else []:
        # The service's own words, in English only: shown as they are.
        notes.append(WeatherNote.of("nasa_power.message", "POWER: {message}",
                                    message=str(message)))

    elevation = infos[0]["elevation_m"]
    elevation_source = "data"
    if not np.isfinite(elevation):
        elevation = grid_elevation_m(lat, lon)
        elevation_source = "altitude_grid"
        notes.append(WeatherNote.of(
            "nasa_power.no_elevation", "POWER gave no elevation; {elevation:.0f} m taken from "
            "pvlib's altitude map", elevation=elevation))
    grid_lat, grid_lon = infos[0]["latitude"], infos[0]["longitude"]
    meta = WeatherMeta(
        source="nasa-power",
        dataset=NASA_POWER_DATASET,
        years=f"{first}-{last}",
        latitude=grid_lat if np.isfinite(grid_lat) else lat,
        longitude=grid_lon if np.isfinite(grid_lon) else lon,
        elevation_m=elevation,
        elevation_source=elevation_source,
        utc_offset_hours=offset,
        obtained="online",
        attribution=NASA_POWER_ATTRIBUTION,
        notes=tuple(notes),
        annual_ghi_kwh_m2=annual,
    )
    if cache is not None:
        cache.put("nasa-power", lat, lon, frame, meta, **key)
    return frame, meta
