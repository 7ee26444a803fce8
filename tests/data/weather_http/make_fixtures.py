"""Regenerate the hand-built HTTP response fixtures in this folder.

The fixtures mimic, field for field, what the real services answer (PVGIS API v5_3 ``tmy``
with ``outputformat=json``; NASA POWER ``temporal/hourly/point`` with ``format=JSON`` and
``time-standard=UTC``), but the numbers come from a formula so that the files are small and
free of third-party data: pvlib's Ineichen clear sky at the hour's midpoint times a daily
cloud factor, a sinusoidal temperature day around monthly means of Hangzhou, and smooth
humidity, wind and pressure. Run ``python tests/data/weather_http/make_fixtures.py``.

Deliberate features the tests rely on:

* ``pvgis_tmy_hangzhou.json.gz``: 8760 UTC records, each month from the year listed in
  ``months_selected`` (February from a non-leap year, as PVGIS does).
* ``nasa_power_hourly_<year>.json.gz`` for 2022-2024 (2024 is a leap year): POWER fill value
  -999 in a 2-hour run of T2M on 2022-03-15 (interpolated by the reader) and in a whole day
  of ALLSKY_SFC_SW_DWN on 2023-07-10 (July 2023 becomes ineligible).
* ``pvgis_error_sea.json``: the 400 answer PVGIS gives for a point over the sea.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

HERE = Path(__file__).resolve().parent
LATITUDE, LONGITUDE, ELEVATION = 30.27, 120.15, 12.0
# Monthly mean air temperature of Hangzhou [degC] (rounded climatology, for shape only).
MONTHLY_TEMP = [4.5, 6.5, 11.0, 17.0, 22.0, 25.5, 29.0, 28.5, 24.5, 19.0, 13.0, 7.0]
PVGIS_MONTHS = {
    1: 2018,
    2: 2013,
    3: 2009,
    4: 2013,
    5: 2008,
    6: 2006,
    7: 2011,
    8: 2010,
    9: 2020,
    10: 2006,
    11: 2007,
    12: 2016,
}


def _weather(times_utc: pd.DatetimeIndex, seed: int) -> pd.DataFrame:
    """Clear-sky-like hourly weather at the fixture site, labels = interval start (UTC)."""
    site = pvlib.location.Location(LATITUDE, LONGITUDE, altitude=ELEVATION)
    mid = times_utc + pd.Timedelta(minutes=30)
    clear = site.get_clearsky(mid, model="ineichen", linke_turbidity=3.5)
    zenith = site.get_solarposition(mid)["apparent_zenith"].to_numpy()
    rng = np.random.default_rng(seed)
    days = times_utc.floor("D")
    unique_days = days.unique()
    cloud = pd.Series(rng.uniform(0.25, 1.0, len(unique_days)), index=unique_days)
    k = cloud.reindex(days).to_numpy()
    ghi = clear["ghi"].to_numpy() * k
    dni = clear["dni"].to_numpy() * k**2
    dhi = np.maximum(ghi - dni * np.cos(np.radians(zenith)).clip(min=0), 0.0)
    local_hour = (times_utc.hour + 8) % 24
    month = times_utc.month.to_numpy()
    base = (
        np.array(MONTHLY_TEMP)[month - 1]
        + rng.normal(0, 1.5, len(unique_days))[pd.Index(unique_days).get_indexer(days)]
    )
    temp = base + 4.0 * np.sin(2 * np.pi * (local_hour - 8) / 24)
    rh = np.clip(78 - 12 * np.sin(2 * np.pi * (local_hour - 8) / 24) - 10 * (k - 0.6), 20, 100)
    wind = 2.2 + 0.8 * np.sin(2 * np.pi * local_hour / 24) + rng.gamma(2.0, 0.3, len(times_utc))
    pressure = 101300 - 12 * ELEVATION - 800 * np.sin(2 * np.pi * (month - 1) / 12)
    return pd.DataFrame(
        {
            "ghi": ghi,
            "dni": dni,
            "dhi": dhi,
            "temp_air": temp,
            "relative_humidity": rh,
            "wind_speed": wind,
            "pressure": pressure,
            "zenith": zenith,
        },
        index=times_utc,
    )


def _write_gz(name: str, payload: dict) -> None:
    raw = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(HERE / name, "wb", mtime=0) as handle:
        handle.write(raw)
    print(name, len(raw), "bytes raw,", (HERE / name).stat().st_size, "gzipped")


def make_pvgis() -> None:
    pieces = []
    for month, year in PVGIS_MONTHS.items():
        start = pd.Timestamp(year=year, month=month, day=1, tz="UTC")
        hours = pd.date_range(start, start + pd.offsets.MonthBegin(1), freq="h", inclusive="left")
        pieces.append(_weather(hours, seed=year * 100 + month))
    frame = pd.concat(pieces)
    records = [
        {
            "time(UTC)": t.strftime("%Y%m%d:%H%M"),
            "T2m": round(r.temp_air, 2),
            "RH": round(r.relative_humidity, 2),
            "G(h)": round(r.ghi, 2),
            "Gb(n)": round(r.dni, 2),
            "Gd(h)": round(r.dhi, 2),
            "IR(h)": round(300 + 3 * r.temp_air, 2),
            "WS10m": round(r.wind_speed, 2),
            "WD10m": float(int(t.day_of_year * 37 % 360)),
            "SP": round(r.pressure, 0),
        }
        for t, r in frame.iterrows()
    ]
    assert len(records) == 8760
    variables = {
        "T2m": ("2-m air temperature", "degree Celsius"),
        "RH": ("relative humidity", "%"),
        "G(h)": ("Global irradiance on the horizontal plane", "W/m2"),
        "Gb(n)": ("Beam/direct irradiance on a plane always normal to sun rays", "W/m2"),
        "Gd(h)": ("Diffuse irradiance on the horizontal plane", "W/m2"),
        "IR(h)": ("Surface infrared (thermal) irradiance on a horizontal plane", "W/m2"),
        "WS10m": ("10-m total wind speed", "m/s"),
        "WD10m": ("10-m wind direction (0 = N, 90 = E)", "degree"),
        "SP": ("Surface (air) pressure", "Pa"),
    }
    payload = {
        "inputs": {
            "location": {
                "latitude": LATITUDE,
                "longitude": LONGITUDE,
                "elevation": ELEVATION,
                "irradiance_time_offset": 0.0,
            },
            "meteo_data": {
                "radiation_db": "PVGIS-ERA5",
                "meteo_db": "ERA5",
                "year_min": 2005,
                "year_max": 2023,
                "use_horizon": True,
                "horizon_db": "DEM-calculated",
            },
        },
        "outputs": {
            "months_selected": [{"month": m, "year": y} for m, y in PVGIS_MONTHS.items()],
            "tmy_hourly": records,
        },
        "meta": {
            "inputs": {
                "location": {
                    "description": "Selected location",
                    "variables": {
                        "latitude": {"description": "Latitude", "units": "decimal degree"},
                        "longitude": {"description": "Longitude", "units": "decimal degree"},
                        "elevation": {"description": "Elevation", "units": "m"},
                    },
                },
                "meteo_data": {
                    "description": "Sources of meteorological data",
                    "variables": {
                        "radiation_db": {"description": "Solar radiation database"},
                        "meteo_db": {
                            "description": "Database used for meteorological variables "
                            "other than solar radiation"
                        },
                        "year_min": {"description": "First year of the calculations"},
                        "year_max": {"description": "Last year of the calculations"},
                        "use_horizon": {"description": "Include horizon shadows"},
                        "horizon_db": {"description": "Source of horizon data"},
                    },
                },
            },
            "outputs": {
                "months_selected": {
                    "type": "time series",
                    "timestamp": "monthly",
                    "description": "months selected for the TMY",
                },
                "tmy_hourly": {
                    "type": "time series",
                    "timestamp": "hourly",
                    "variables": {
                        k: {"description": d, "units": u} for k, (d, u) in variables.items()
                    },
                },
            },
        },
    }
    _write_gz("pvgis_tmy_hangzhou.json.gz", payload)
    error = {"message": "Location over the sea. Please, select another location", "status": 400}
    (HERE / "pvgis_error_sea.json").write_text(json.dumps(error), encoding="utf-8")


def make_power(year: int) -> None:
    start = pd.Timestamp(year=year, month=1, day=1, tz="UTC")
    hours = pd.date_range(start, start + pd.offsets.YearBegin(1), freq="h", inclusive="left")
    frame = _weather(hours, seed=year)
    keys = hours.strftime("%Y%m%d%H")
    columns = {
        "ALLSKY_SFC_SW_DWN": frame["ghi"],
        "ALLSKY_SFC_SW_DNI": frame["dni"],
        "ALLSKY_SFC_SW_DIFF": frame["dhi"],
        "T2M": frame["temp_air"],
        "WS10M": frame["wind_speed"],
        "PS": frame["pressure"] / 1000.0,
        "RH2M": frame["relative_humidity"],
    }
    parameter = {}
    for name, series in columns.items():
        values = np.round(series.to_numpy(), 2 if name != "PS" else 3)
        parameter[name] = dict(zip(keys, values.tolist(), strict=True))
    if year == 2022:
        for key in ("2022031506", "2022031507"):
            parameter["T2M"][key] = -999.0
    if year == 2023:
        for hour in range(24):
            parameter["ALLSKY_SFC_SW_DWN"][f"20230710{hour:02d}"] = -999.0
    payload = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [LONGITUDE, LATITUDE, ELEVATION]},
        "properties": {"parameter": parameter},
        "header": {
            "title": "NASA/POWER Source Native Resolution Hourly Data",
            "api": {"version": "v2.5.22", "name": "POWER Hourly API"},
            "sources": ["SYN1DEG", "MERRA2"],
            "fill_value": -999.0,
            "time_standard": "UTC",
            "start": f"{year}0101",
            "end": f"{year}1231",
        },
        "messages": [],
        "parameters": {
            "ALLSKY_SFC_SW_DWN": {
                "units": "Wh/m^2",
                "longname": "All Sky Surface Shortwave Downward Irradiance",
            },
            "ALLSKY_SFC_SW_DNI": {
                "units": "Wh/m^2",
                "longname": "All Sky Surface Shortwave Downward Direct Normal Irradiance",
            },
            "ALLSKY_SFC_SW_DIFF": {
                "units": "Wh/m^2",
                "longname": "All Sky Surface Shortwave Diffuse Irradiance",
            },
            "T2M": {"units": "C", "longname": "Temperature at 2 Meters"},
            "WS10M": {"units": "m/s", "longname": "Wind Speed at 10 Meters"},
            "PS": {"units": "kPa", "longname": "Surface Pressure"},
            "RH2M": {"units": "%", "longname": "Relative Humidity at 2 Meters"},
        },
        "times": {"data": 1.234, "process": 0.056},
    }
    _write_gz(f"nasa_power_hourly_{year}.json.gz", payload)


if __name__ == "__main__":
    make_pvgis()
    for y in (2022, 2023, 2024):
        make_power(y)
