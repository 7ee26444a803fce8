"""pvlib's bundled weather files on the typical-year axis, read by the project's own reader."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pvlib

from weather.readers import read_weather_file

PVLIB_DATA = Path(pvlib.__file__).parent / "data"


@cache
def pvlib_weather(name: str) -> tuple[pd.DataFrame, dict]:
    """Weather frame and site (latitude, longitude, elevation_m, utc_offset) of a pvlib file."""
    frame, meta = read_weather_file(PVLIB_DATA / name)
    site = dict(
        latitude=meta.latitude,
        longitude=meta.longitude,
        elevation_m=meta.elevation_m,
        utc_offset=meta.utc_offset_hours,
    )
    return frame, site
