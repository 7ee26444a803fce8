"""Benchmark of the offline weather generator: one synthetic year for a new site.

Run ``python benchmarks/bench_weather_synth.py``. Prints the seconds of
:func:`weather.synthetic.synthesize_year` for a site seen for the first time in the process
(its sun geometry computed) and for the same site again (geometry cached), the median of
``--runs`` runs each. Target: one year for a new site under 0.5 s on a 2-core machine (the
app's first page makes one). Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from weather.climatology import find_city
from weather.synthetic import synthesize_year

#: Cities of the climatology table used as "new sites" one after the other.
CITIES = ("Wuhan", "Chengdu", "Harbin", "Guangzhou", "Beijing", "Shanghai", "Xiamen")


def _year(city: str, seed: int) -> float:
    c = find_city(city)
    start = time.perf_counter()
    synthesize_year(c.monthly_ghi_kwh_m2_day, c.monthly_temp_air_c, latitude=c.lat,
                    longitude=c.lon, seed=seed)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each (default 5)")
    runs = min(parser.parse_args().runs, len(CITIES) - 1)
    _year("Hangzhou", 7)  # imports and the generator's own tables
    new = [_year(city, 3) for city in CITIES[:runs]]
    again = [_year(city, 4) for city in CITIES[:runs]]
    print("synthetic weather year (weather.synthetic.synthesize_year), median of "
          f"{runs} sites [s]:")
    print(f"  new site (sun geometry computed)  {statistics.median(new):6.3f}  (target < 0.5)")
    print(f"  same site again (geometry cached) {statistics.median(again):6.3f}")


if __name__ == "__main__":
    main()
