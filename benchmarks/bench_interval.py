"""Benchmark: the same site planned on hourly and on 15-minute meter data (issue 16, item 1).

A factory in Hangzhou (the demo's roofs, tariff and finance) with a year of meter readings
generated here: a two-shift weekday load with 15-minute noise. The same readings are
written twice, as 15-minute rows and as their hourly means, and each file is planned by
``pvplanner.plan()`` in a fresh process (so that each peak RSS is its own): wall and CPU
seconds, peak resident memory, the plan's own step timings and the demand peaks the bill
sees. ``--battery`` plans with a battery allowed as well.

Usage::

    python benchmarks/bench_interval.py             # PV only and PV + battery
    python benchmarks/bench_interval.py --pv-only   # PV only (about a minute)

Prints a table and the 15-minute / hourly ratios; exits 0.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def write_meters(folder: Path, seed: int = 16) -> tuple[Path, Path]:
    """A 15-minute and an hourly meter file of the same year; returns their paths."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    index = pd.date_range("2025-01-01", periods=35040, freq="15min")
    hour = index.hour + index.minute / 60.0
    weekday = index.day_of_week < 6
    shift = weekday & (hour >= 8) & (hour < 20)
    load = 420.0 + 560.0 * shift + 150.0 * (weekday & (hour >= 20) & (hour < 23))
    load = load * rng.normal(1.0, 0.04, len(index)) + rng.gamma(1.5, 25.0, len(index)) * shift
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"),
                          "load_kw": np.round(load, 2)})
    quarter = folder / "factory_15min.csv"
    frame.to_csv(quarter, index=False)
    hourly = frame.groupby(np.arange(len(frame)) // 4).agg(time=("time", "first"),
                                                          load_kw=("load_kw", "mean"))
    hour_path = folder / "factory_hourly.csv"
    hourly.to_csv(hour_path, index=False)
    return quarter, hour_path


def run_case(meter: str, battery: bool) -> dict:
    """Plan one scenario in this process and return its figures."""
    import pvplanner

    rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = pvplanner.demo_scenario().model_dump(mode="json")
    data["load"] = {"kind": "meter_file", "meter_file": meter}
    data["battery"]["allowed"] = battery
    wall, cpu = time.perf_counter(), time.process_time()
    result = pvplanner.plan(data)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    hourly = result.hourly
    return {
        "steps": len(hourly),
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "rss_after_imports_mb": rss_before_kb / 1024.0,
        "timings_s": result.timings_s,
        "peak_load_kw": float(hourly["load_kw"].max()),
        "demand_baseline": float(result.bill_baseline_monthly["demand"].sum()),
        "kwp": result.pv.capacity_kwp,
        "battery_kwh": result.battery.energy_kwh,
        "npv": result.finance.npv,
        "pv_kwh_per_kwp": result.pv.specific_yield_kwh_per_kwp,
    }


def _child(meter: Path, battery: bool) -> dict:
    out = subprocess.run([sys.executable, __file__, "--case", str(meter)]
                         + (["--battery"] if battery else []),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pv-only", action="store_true", help="skip the battery plans")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--battery", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.battery)))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        quarter, hourly = write_meters(Path(folder))
        print("bench_interval: the demo factory on hourly vs 15-minute meter data "
              "(plan() with its NPV curve, one fresh process per plan)")
        header = (f"{'case':<22}{'steps':>7}{'wall s':>9}{'CPU s':>8}{'peak RSS MB':>13}"
                  f"{'prepare':>9}{'optimize':>10}{'dispatch':>10}{'report':>8}"
                  f"{'peak kW':>9}{'kWp':>8}{'bat kWh':>9}{'NPV':>13}")
        print(header)
        for battery in (False,) if args.pv_only else (False, True):
            rows = {}
            for label, path in (("hourly", hourly), ("15-minute", quarter)):
                r = _child(path, battery)
                rows[label] = r
                t = r["timings_s"]
                name = f"{label}{' + battery' if battery else ''}"
                print(f"{name:<22}{r['steps']:>7}{r['wall_s']:>9.2f}{r['cpu_s']:>8.2f}"
                      f"{r['peak_rss_mb']:>13.0f}{t.get('prepare', 0):>9.2f}"
                      f"{t.get('optimize', 0):>10.2f}{t.get('evaluate_dispatch', 0):>10.2f}"
                      f"{t.get('report', 0):>8.2f}{r['peak_load_kw']:>9.0f}{r['kwp']:>8.0f}"
                      f"{r['battery_kwh']:>9.0f}{r['npv']:>13,.0f}")
            h, q = rows["hourly"], rows["15-minute"]
            what = "PV + battery" if battery else "PV only"
            print(f"  {what}: 15-minute / hourly = {q['wall_s'] / h['wall_s']:.2f}x wall, "
                  f"{q['cpu_s'] / h['cpu_s']:.2f}x CPU, "
                  f"{q['peak_rss_mb'] / h['peak_rss_mb']:.2f}x peak RSS "
                  f"(+{q['peak_rss_mb'] - h['peak_rss_mb']:.0f} MB); baseline demand charge "
                  f"{q['demand_baseline'] / h['demand_baseline']:.4f}x (15-min peak "
                  f"{q['peak_load_kw']:.0f} vs hourly {h['peak_load_kw']:.0f} kW); PV yield "
                  f"{q['pv_kwh_per_kwp']:.3f} vs {h['pv_kwh_per_kwp']:.3f} kWh/kWp")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
