"""Benchmark of the bill engine: a 15-minute year of a two-part time-of-use tariff.

Run ``python benchmarks/bench_bill.py [repeats]``. Prints the best of N runs of
:func:`pvplanner.tariff.compute_bill` on 35,040 quarter hours of a random load with exports
under Jiangsu's large-industry preset (demand charges, critical peak, holidays), and on
8,760 hours for comparison. Target: under 0.1 s for the quarter-hour year. Printed, not
asserted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pvplanner.tariff import compute_bill, load_tariff_preset
from weather.timeaxis import typical_year_index


def best_seconds(repeats: int, minutes: int) -> float:
    """Shortest wall time of one year's bill on ``minutes`` steps [s]."""
    index = typical_year_index(8, minutes)
    tariff = load_tariff_preset("jiangsu_2025_large_industry")
    load = np.random.default_rng(0).uniform(0, 500, len(index))
    compute_bill(tariff, index, load, load * 0.1)  # warm the caches (holidays, tables)
    times = []
    for run in range(repeats):
        varied = load * (1.0 + 1e-6 * (run + 1))  # new arrays: no cached answer
        start = time.perf_counter()
        compute_bill(tariff, index, varied, varied * 0.1)
        times.append(time.perf_counter() - start)
    return min(times)


def main(repeats: int = 5) -> None:
    quarter, hourly = best_seconds(repeats, 15), best_seconds(repeats, 60)
    print(f"bill of one year, Jiangsu large industry, best of {repeats} [s]:")
    print(f"  35,040 quarter hours  {quarter:7.3f}  (target < 0.1)")
    print(f"  8,760 hours           {hourly:7.3f}  (ratio quarter/hourly {quarter / hourly:.2f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
