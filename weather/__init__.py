"""Hourly typical-year weather for any place.

Online sources (PVGIS TMY, NASA POWER), files users bring (EPW, TMY3, TMY2, PVGIS, plain CSV)
and an offline generator from monthly climatology, all returning ``(DataFrame, WeatherMeta)``
on the scenario's typical-year axis (see :mod:`weather.timeaxis`).

The heavy entry points (``get_weather``, ``read_weather_file``: pvlib, requests) are imported
on first use, so ``import weather.errors`` stays cheap for the CLI and worker processes.
"""

from importlib import import_module

from weather.errors import WeatherError, WeatherInputError, WeatherSourceUnavailable
from weather.meta import REQUIRED_COLUMNS, WeatherMeta

_LAZY = {
    "get_weather": "weather.source",
    "SOURCES": "weather.source",
    "read_weather_file": "weather.readers",
    "TYPICAL_YEAR": "weather.timeaxis",
    "standard_utc_offset_hours": "weather.timeaxis",
    "typical_year_index": "weather.timeaxis",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'weather' has no attribute {name!r}")


__all__ = [
    "REQUIRED_COLUMNS",
    "SOURCES",
    "TYPICAL_YEAR",
    "WeatherError",
    "WeatherInputError",
    "WeatherMeta",
    "WeatherSourceUnavailable",
    "get_weather",
    "read_weather_file",
    "standard_utc_offset_hours",
    "typical_year_index",
]
