"""Speed of pvplanner.pv.simulation.ac_kw_per_kwp against NREL PVWatts v8 (PySAM) on the same year.

One roof plane, one hourly typical year (pvlib's Greensboro TMY3): best of N runs of ours
(validation included) and of PySAM's ``execute`` (weather already assigned: the C++
simulation alone). Then ten planes of mixed orientation and mounting (goal: < 0.5 s).

    python benchmarks/bench_pv.py [repeats]
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pandas as pd
import pvlib

from pvplanner.pv.simulation import PVModelSettings, ac_kw_per_kwp
from weather.readers import read_weather_file


def greensboro() -> tuple[pd.DataFrame, dict]:
    path = os.path.join(os.path.dirname(pvlib.__file__), "data", "723170TYA.CSV")
    weather, meta = read_weather_file(path)
    site = dict(latitude=meta.latitude, longitude=meta.longitude, elevation_m=meta.elevation_m)
    return weather, site | {"utc_offset": meta.utc_offset_hours}


def best_of(repeats: int, setup, run) -> float:
    """Shortest wall time of ``run(setup())`` over ``repeats`` tries [s]."""
    times = []
    for _ in range(repeats):
        prepared = setup()
        start = time.perf_counter()
        run(prepared)
        times.append(time.perf_counter() - start)
    return min(times)


def pysam_model(weather: pd.DataFrame, site: dict, settings: PVModelSettings):
    import PySAM.Pvwattsv8 as pvwattsv8

    model = pvwattsv8.new()
    index = weather.index
    n = len(index)

    def column(values) -> list[float]:
        return [float(v) for v in np.asarray(values, dtype=float)]

    model.SolarResource.solar_resource_data = {
        "lat": site["latitude"],
        "lon": site["longitude"],
        "tz": site["utc_offset"],
        "elev": site["elevation_m"],
        "year": column(index.year),
        "month": column(index.month),
        "day": column(index.day),
        "hour": column(index.hour),
        "minute": [30.0] * n,  # sun at the interval midpoint, as in pvplanner
        "dn": column(weather["dni"]),
        "df": column(weather["dhi"]),
        "gh": column(weather["ghi"]),
        "tdry": column(weather["temp_air"]),
        "wspd": column(weather["wind_speed"]),
        "albedo": [settings.albedo] * n,
    }
    design = model.SystemDesign
    design.system_capacity = 1.0
    design.dc_ac_ratio = settings.dc_ac_ratio
    design.inv_eff = settings.inverter_efficiency_percent
    design.losses = settings.losses.total_percent
    design.tilt = 20.0
    design.azimuth = 180.0
    design.array_type = 1
    design.module_type = 0
    return model


def main(repeats: int = 7) -> int:
    weather, site = greensboro()
    location = {k: site[k] for k in ("latitude", "longitude", "elevation_m")}
    settings = PVModelSettings()
    one = [dict(name="roof", area_m2=1000.0, tilt_deg=20.0, azimuth_deg=180.0)]
    ac_kw_per_kwp(weather, planes=one, settings=settings, **location)  # warm imports

    ours = best_of(
        repeats,
        lambda: None,
        lambda _: ac_kw_per_kwp(weather, planes=one, settings=settings, **location),
    )
    print(f"one plane, 8760 h, best of {repeats}")
    print(f"  pvplanner ac_kw_per_kwp   {1000 * ours:8.1f} ms")
    try:
        pysam = best_of(
            repeats, lambda: pysam_model(weather, site, settings), lambda m: m.execute(0)
        )
    except ImportError:
        print("  PySAM not installed: no comparison")
    else:
        print(f"  PySAM Pvwattsv8 execute   {1000 * pysam:8.1f} ms")
        print(f"  ratio ours / PySAM        {ours / pysam:8.2f}   (goal: <= 1)")

    mountings = ["flush", "tilted_rows", "east_west"]
    ten = [
        dict(
            name=f"plane{i}",
            area_m2=500.0 + 50 * i,
            mounting=mountings[i % 3],
            tilt_deg=4.0 * i if i % 3 == 0 else 2.0,
            azimuth_deg=100.0 + 15 * i,
        )
        for i in range(10)
    ]
    many = best_of(
        repeats,
        lambda: None,
        lambda _: ac_kw_per_kwp(weather, planes=ten, settings=settings, **location),
    )
    print(f"ten planes (13 orientations), 8760 h, best of {repeats}")
    print(f"  pvplanner ac_kw_per_kwp   {1000 * many:8.1f} ms   (goal: < 500 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
