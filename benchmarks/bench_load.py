"""Benchmark: one year of 15-minute meter data (35,040 rows) read from CSV bytes and analysed;
an XLSX that expands (300,000 rows x 20 cells in about 0.5 MB) refused.

Run ``python benchmarks/bench_load.py``; the goals are under 1 s in total for the year, and
under 2 s and 50 MB for the refusal.

The expanding sheet, before the caps (issue 15 item 4): 114 s of CPU and 276 MB before
``load inspect`` refused it. Measured again on the old reader
(``git show e64294c:pvplanner/load/meter/reader.py``, the reader before the split) on the
shared 2-core machine, under tracemalloc: 289 s of CPU (1,383 s wall), 189 MB traced peak,
451 MB maximum resident size, ending in "only one distinct timestamp" after every row was
read. After: refused from the zipped XML's tag count at the cell cap, before openpyxl opens
the workbook (about 1 s, a few MB; see the printed figures).
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pvplanner.errors import LoadFileError
from pvplanner.load import analyze_load, inspect_meter_file, read_meter_file
from tests._xlsx_files import expanding_xlsx
from weather.timeaxis import typical_year_index

#: The issue's figures for the expanding sheet before the caps: CPU [s] and memory [MB].
BEFORE_CPU_S, BEFORE_MB = 114.0, 276.0


def meter_csv_bytes(rows: int = 35_040) -> bytes:
    """A Chinese-style GBK export: end-of-interval labels, 时间/有功功率 headers."""
    ends = pd.date_range("2025-01-01 00:15", periods=rows, freq="15min")
    hour = ends.hour.to_numpy()
    rng = np.random.default_rng(0)
    kw = 150 + 250 * ((hour >= 8) & (hour < 18)) + rng.normal(0, 10, rows)
    text = pd.DataFrame({"时间": ends.strftime("%Y/%m/%d %H:%M"), "有功功率(kW)": kw.round(2)})
    return text.to_csv(index=False).encode("gbk")


def tariff_series() -> tuple[pd.Series, pd.Series]:
    index = typical_year_index(8, 15)
    hour = index.hour.to_numpy()
    periods = np.where(
        (hour >= 16) & (hour < 23),
        "peak",
        np.where((hour < 7) | ((hour >= 11) & (hour < 14)), "valley", "flat"),
    )
    prices = pd.Series(periods).map({"peak": 1.2, "flat": 0.65, "valley": 0.26}).to_numpy()
    return pd.Series(prices, index=index), pd.Series(periods, index=index)


def expanding_sheet(rows: int = 300_000, cells_per_row: int = 20) -> None:
    """Refuse the issue's expanding XLSX the way ``pvplanner load inspect FILE`` reads it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "expanding.xlsx"
        path.write_bytes(expanding_xlsx(rows, cells_per_row))
        size_mb = path.stat().st_size / 1e6

        def refuse() -> str:
            try:
                inspect_meter_file(path)
            except LoadFileError as exc:
                return str(exc)
            raise AssertionError("the expanding sheet was read")

        cpu0, wall0 = time.process_time(), time.perf_counter()
        message = refuse()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        tracemalloc.start()  # a second run, traced (tracing slows it down)
        refuse()
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    print(f"expanding XLSX: {rows:,} rows x {cells_per_row} cells in {size_mb:.2f} MB")
    print(f"  refused: {message[:110]}...")
    print(f"  after:   {cpu:.2f} s CPU, {wall:.2f} s wall, {peak_mb:.1f} MB peak (tracemalloc)")
    print(f"  before:  {BEFORE_CPU_S:.0f} s CPU, {BEFORE_MB:.0f} MB (issue 15)  (goal < 2 s, < 50 MB)")


def main() -> None:
    expanding_sheet()
    raw = meter_csv_bytes()
    prices, periods = tariff_series()
    read_meter_file(raw, filename="warm-up.csv")  # imports and caches outside the timing
    t0 = time.perf_counter()
    meter = read_meter_file(raw, filename="meter.csv")
    t1 = time.perf_counter()
    analytics = analyze_load(meter.load_kw, price_per_kwh=prices, periods=periods)
    t2 = time.perf_counter()
    print(f"rows: {meter.quality.rows_read}, annual kWh: {analytics.annual_kwh:,.0f}")
    print(f"read:    {t1 - t0:.3f} s")
    print(f"analyse: {t2 - t1:.3f} s")
    print(f"total:   {t2 - t0:.3f} s  (goal < 1 s)")


if __name__ == "__main__":
    main()
