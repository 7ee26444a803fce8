"""One entry point: a place (and a source choice) -> a typical-year weather frame and metadata."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Literal

import pandas as pd

from weather.cache import WeatherCache
from weather.coordinates import check_coordinates
from weather.errors import WeatherInputError, WeatherSourceUnavailable
from weather.meta import WeatherMeta, WeatherNote
from weather.nasa_power import fetch_nasa_power_typical_year
from weather.pvgis import fetch_pvgis_tmy
from weather.synthetic import synthetic_weather_for_place

Source = Literal["auto", "pvgis", "nasa-power", "synthetic"]
SOURCES: tuple[str, ...] = ("auto", "pvgis", "nasa-power", "synthetic")

#: Set to 1/true to never touch the network (tests, air-gapped sites, the embedded demo).
OFFLINE_ENV = "PVPLANNER_OFFLINE"

_FETCHERS: dict[str, Callable[..., tuple[pd.DataFrame, WeatherMeta]]] = {
    "pvgis": fetch_pvgis_tmy, "nasa-power": fetch_nasa_power_typical_year
}


def offline_mode() -> bool:
    """True when ``$PVPLANNER_OFFLINE`` asks for no network access."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def get_weather(
    latitude: float,
    longitude: float,
    source: Source = "auto",
    *,
    fallback_to_synthetic: bool = True,
    cache: WeatherCache | None = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Hourly typical-year weather for a place.

    Parameters
    ----------
    latitude, longitude : float
        Site coordinates [deg], north and east positive.
    source : {"auto", "pvgis", "nasa-power", "synthetic"}
        ``auto`` takes PVGIS from the cache or online and falls back to synthetic data;
        ``synthetic`` never touches the network.
    fallback_to_synthetic : bool, default True
        When an online source is unreachable (or ``$PVPLANNER_OFFLINE`` is set), synthesize a
        year from the nearest city's climatology instead of failing; the metadata notes say so.
    cache : WeatherCache, optional
        On-disk cache; the default cache directory when omitted.
    seed : int
        Seed of the synthetic generator (deterministic per seed).

    Returns
    -------
    (pandas.DataFrame, WeatherMeta)
        Columns ``ghi, dni, dhi, temp_air, wind_speed`` on the typical-year axis.
    """
    check_coordinates(latitude, longitude)
    if source not in SOURCES:
        raise WeatherInputError(f"unknown weather source {source!r}; choose one of {SOURCES}")
    if source == "synthetic":
        return synthetic_weather_for_place(latitude, longitude, seed=seed)

    online = "pvgis" if source == "auto" else source
    cache = cache if cache is not None else WeatherCache()
    try:
        if offline_mode():
            cached = cache.get(online, latitude, longitude)
            if cached is not None:
                return cached
            raise offline_error(online, latitude, longitude)
        return _FETCHERS[online](latitude, longitude, cache=cache)
    except WeatherSourceUnavailable as problem:
        if not fallback_to_synthetic:
            raise
        frame, meta = synthetic_weather_for_place(latitude, longitude, seed=seed)
        note = WeatherNote.of(
            "source.fallback", "{problem} -> used synthetic weather from monthly climatology "
            "instead", problem={"en": str(problem), "zh": ""}, source=online)
        return frame, _with_note(meta, note)


#: Names of the online sources as their publishers write them (the same in every language).
SOURCE_NAMES: dict[str, str] = {"pvgis": "PVGIS", "nasa-power": "NASA POWER"}


def offline_error(source: str, latitude: float, longitude: float) -> WeatherSourceUnavailable:
    """The error of an online source not fetched because ``$PVPLANNER_OFFLINE`` is on and
    the cache has no year for the place.

    Parameters
    ----------
    source : {"pvgis", "nasa-power"}
        The online source asked for.
    latitude, longitude : float
        The place [deg].

    Returns
    -------
    WeatherSourceUnavailable
        Its English text names the source, the variable and the place; like a
        :class:`~weather.errors.WeatherInputError` it carries ``key`` (``source.offline``)
        and ``params`` (``source``: the source's name, ``variable``, ``lat``, ``lon``), so
        an application can say it in its reader's language.

    Examples
    --------
    >>> problem = offline_error("pvgis", 30.0, 120.0)
    >>> print(problem)
    pvgis was not fetched: offline mode ($PVPLANNER_OFFLINE) is on and the cache has no entry for (30.0, 120.0)
    >>> problem.key, problem.params["source"]
    ('source.offline', 'PVGIS')
    """
    return WeatherSourceUnavailable(
        f"{source} was not fetched: offline mode (${OFFLINE_ENV}) is on and the cache has "
        f"no entry for ({latitude}, {longitude})", key="source.offline",
        params={"source": SOURCE_NAMES.get(source, source), "variable": OFFLINE_ENV,
                "lat": float(latitude), "lon": float(longitude)})


def _with_note(meta: WeatherMeta, note: str) -> WeatherMeta:
    from dataclasses import replace

    return replace(meta, notes=(*meta.notes, note))
