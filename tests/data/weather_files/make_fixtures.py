"""Rebuild the weather-file test fixtures from pvlib's bundled TMY3 file (run by hand).

pvlib's wheel ships ``723170TYA.CSV`` (NREL TMY3, Greensboro NC, UTC-5) but no EPW or PVGIS
example, so the same hourly values are written here in those formats:

- ``greensboro_tmy3.epw``      EPW (hour h = the hour ending at h, local standard time)
- ``greensboro_pvgis_tmy.csv`` PVGIS TMY CSV (UTC, hour labels at interval start)
- ``greensboro_pvgis_tmy.json`` PVGIS TMY JSON (same, only the variables pvplanner reads)
- ``greensboro_plain.csv``     pvplanner's plain CSV (naive local standard time, start labels)

Only the formats' conventions are used (EPW and TMY3 both label the hour by its END); the
readers' own conversion is checked independently in the tests against solar noon.

Usage: ``python tests/data/weather_files/make_fixtures.py``
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pvlib

HERE = Path(__file__).resolve().parent
SOURCE = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
LAT, LON, TZ, ELEV = 36.1, -79.95, -5, 273.0


def load_tmy3() -> pd.DataFrame:
    raw = pd.read_csv(SOURCE, skiprows=1)
    date = pd.to_datetime(raw["Date (MM/DD/YYYY)"], format="%m/%d/%Y")
    hour = raw["Time (HH:MM)"].str.slice(0, 2).astype(int)  # 1..24, END of the hour
    return pd.DataFrame(
        {
            "year": date.dt.year,
            "month": date.dt.month,
            "day": date.dt.day,
            "hour_end": hour,
            "ghi": raw["GHI (W/m^2)"],
            "dni": raw["DNI (W/m^2)"],
            "dhi": raw["DHI (W/m^2)"],
            "etr": raw["ETR (W/m^2)"],
            "etrn": raw["ETRN (W/m^2)"],
            "temp_air": raw["Dry-bulb (C)"],
            "temp_dew": raw["Dew-point (C)"],
            "rh": raw["RHum (%)"],
            "pressure_pa": raw["Pressure (mbar)"] * 100,
            "wind_dir": raw["Wdir (degrees)"],
            "wind_speed": raw["Wspd (m/s)"],
        }
    )


def write_epw(tmy: pd.DataFrame) -> None:
    header = [
        f"LOCATION,GREENSBORO PIEDMONT TRIAD INT,NC,USA,TMY3,723170,{LAT},{LON},{TZ:.1f},{ELEV}",
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,pvplanner test fixture derived from pvlib 723170TYA.CSV (NREL TMY3)",
        "COMMENTS 2,short fields where pvplanner does not read them",
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    rows = [
        f"{r.year},{r.month},{r.day},{r.hour_end},60,?,{r.temp_air:g},{r.temp_dew:g},{r.rh:g},"
        f"{r.pressure_pa:g},{r.etr:g},{r.etrn:g},9999,{r.ghi:g},{r.dni:g},{r.dhi:g},0,0,0,0,"
        f"{r.wind_dir:g},{r.wind_speed:g},5,5,9,0,9,0,0,0,0,88,0.2,0,0"
        for r in tmy.itertuples()
    ]
    (HERE / "greensboro_tmy3.epw").write_text("\n".join(header + rows) + "\n")


def local_start(tmy: pd.DataFrame) -> pd.DatetimeIndex:
    """Interval-start times in local standard time, on the 2026 calendar."""
    end = pd.to_datetime(
        {"year": 2026, "month": tmy["month"], "day": tmy["day"], "hour": 0}
    ) + pd.to_timedelta(tmy["hour_end"], unit="h")
    return pd.DatetimeIndex(end - pd.Timedelta(hours=1))


def utc_rows(tmy: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Rows in UTC order as PVGIS writes them, each month stamped with its source year."""
    start = local_start(tmy) - pd.Timedelta(hours=TZ)  # local -> UTC
    start = start.map(lambda t: t.replace(year=2026) if t.year == 2027 else t)
    frame = tmy.assign(utc=start).sort_values("utc").reset_index(drop=True)
    years = tmy.groupby("month")["year"].first()
    stamps = [f"{years[t.month]}{t:%m%d:%H%M}" for t in frame["utc"]]
    months = [{"month": int(m), "year": int(y)} for m, y in years.items()]
    return frame.assign(stamp=stamps), months


def write_pvgis_csv(tmy: pd.DataFrame) -> None:
    frame, months = utc_rows(tmy)
    lines = [
        f"Latitude (decimal degrees): {LAT:.3f}",
        f"Longitude (decimal degrees): {LON:.3f}",
        f"Elevation (m): {ELEV:.0f}",
        "month,year",
        *[f"{m['month']},{m['year']}" for m in months],
        "time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP",
        *[
            f"{r.stamp},{r.temp_air:g},{r.rh:g},{r.ghi:g},{r.dni:g},{r.dhi:g},300,"
            f"{r.wind_speed:g},{r.wind_dir:g},{r.pressure_pa:g}"
            for r in frame.itertuples()
        ],
        "T2m: 2-m air temperature (degree Celsius)",
        "G(h): Global irradiance on the horizontal plane (W/m2)",
        "Gb(n): Beam/direct irradiance on a plane always normal to sun rays (W/m2)",
        "Gd(h): Diffuse irradiance on the horizontal plane (W/m2)",
        "WS10m: 10-m total wind speed (m/s)",
        "pvplanner test fixture derived from pvlib 723170TYA.CSV (NREL TMY3)",
    ]
    (HERE / "greensboro_pvgis_tmy.csv").write_text("\r\n".join(lines) + "\r\n")


def write_pvgis_json(tmy: pd.DataFrame) -> None:
    frame, months = utc_rows(tmy)
    doc = {
        "inputs": {
            "location": {"latitude": LAT, "longitude": LON, "elevation": ELEV},
            "meteo_data": {
                "radiation_db": "TMY3-DERIVED",
                "meteo_db": "TMY3-DERIVED",
                "year_min": 1980,
                "year_max": 2003,
                "use_horizon": False,
                "horizon_db": None,
            },
        },
        "outputs": {
            "months_selected": months,
            "tmy_hourly": [
                {
                    "time(UTC)": r.stamp,
                    "T2m": r.temp_air,
                    "G(h)": r.ghi,
                    "Gb(n)": r.dni,
                    "Gd(h)": r.dhi,
                    "WS10m": r.wind_speed,
                }
                for r in frame.itertuples()
            ],
        },
        "meta": {"inputs": {}, "outputs": {}},
    }
    (HERE / "greensboro_pvgis_tmy.json").write_text(json.dumps(doc, separators=(",", ":")))


def write_plain_csv(tmy: pd.DataFrame) -> None:
    start = local_start(tmy).map(lambda t: t.replace(year=2023))
    lines = [
        f"# latitude={LAT}, longitude={LON}, elevation={ELEV:g}, "
        "dataset=NREL TMY3 723170 (via pvlib)",
        "# units: ghi=W/m2, dni=W/m2, dhi=W/m2, temp_air=degC, wind_speed=m/s",
        "time,ghi,dni,dhi,temp_air,wind_speed",
        *[
            f"{t:%Y-%m-%d %H:%M},{r.ghi:g},{r.dni:g},{r.dhi:g},{r.temp_air:g},{r.wind_speed:g}"
            for t, r in zip(start, tmy.itertuples(), strict=True)
        ],
    ]
    (HERE / "greensboro_plain.csv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    data = load_tmy3()
    write_epw(data)
    write_pvgis_csv(data)
    write_pvgis_json(data)
    write_plain_csv(data)
