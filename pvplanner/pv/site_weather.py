"""Weather for a scenario: a place and a source choice, or a file the user brings.

A thin memoizing layer over :mod:`weather` so the app and batch runs fetch, read or synthesize
a place's weather once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import cast

import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from weather.meta import WeatherMeta
from weather.readers import read_weather_file
from weather.source import Source, get_weather


def load_weather(
    latitude: float | None,
    longitude: float | None,
    *,
    source: str = "auto",
    file: str | Path | None = None,
    seed: int = 0,
    interval_minutes: int = 60,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Typical-year weather for a place, or read from ``file`` when given.

    ``interval_minutes=15`` keeps a file's 15-minute (or finer) rows as quarter hours (for a
    15-minute plan); places and hourly files give hourly weather whatever is asked.
    Results are memoized per (place, source, file, seed, interval) within the process; treat
    the returned frame as read-only.
    """
    if file is not None:
        path = Path(file)
        stamp = path.stat().st_mtime_ns if path.is_file() else 0
        return _read_file(str(path), stamp, latitude, longitude, int(interval_minutes))
    if latitude is None or longitude is None:
        raise PlannerInputError(Message.of(
            "errors.pv.no_coordinates", "site.latitude and site.longitude are needed to find "
            "weather for a place; give them, or a weather file"), field="site.latitude")
    return _place(float(latitude), float(longitude), source, seed)


@lru_cache(maxsize=32)
def _place(latitude: float, longitude: float, source: str, seed: int):
    return get_weather(latitude, longitude, cast("Source", source), seed=seed)  # checked there


@lru_cache(maxsize=8)
def _read_file(path: str, stamp: int, latitude: float | None, longitude: float | None,
               interval_minutes: int = 60):
    del stamp  # part of the cache key only: a changed file is read again
    return read_weather_file(path, latitude=latitude, longitude=longitude,
                             interval_minutes=interval_minutes)
