"""Hourly typical-year weather for any place.

Online sources (PVGIS TMY, NASA POWER), files users bring (EPW, TMY3, TMY2, PVGIS, plain CSV)
and an offline generator from monthly climatology, all returning ``(DataFrame, WeatherMeta)``
on the scenario's typical-year axis (see :mod:`weather.timeaxis`).
"""

from weather.errors import WeatherError, WeatherInputError, WeatherSourceUnavailable
from weather.meta import REQUIRED_COLUMNS, WeatherMeta
from weather.readers import read_weather_file
from weather.source import SOURCES, get_weather
from weather.timeaxis import TYPICAL_YEAR, standard_utc_offset_hours, typical_year_index

__all__ = [
    "REQUIRED_COLUMNS",
    "TYPICAL_YEAR",
    "WeatherError",
    "WeatherInputError",
    "WeatherMeta",
    "SOURCES",
    "WeatherSourceUnavailable",
    "get_weather",
    "read_weather_file",
    "standard_utc_offset_hours",
    "typical_year_index",
]
