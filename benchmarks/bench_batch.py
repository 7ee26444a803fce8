"""Benchmark of ``pvplanner batch``: generated factories in Zhejiang, Jiangsu and Guangdong.

Generates N sites (default 2,000) around the cities of those provinces in the climatology
table (coordinates jittered by up to +-0.3 deg, so a city spans several weather cells), with
random roof areas, annual loads, load templates and the province's tariff presets; weather
is synthetic (offline) and the systems are PV-only. Then:

1. plans all N sites on a local Dask cluster with ``--workers`` processes (goal: 2,000 sites
   in under 5 minutes on a 2-core machine) and re-runs the batch to time a full resume;
2. plans the first ``--scaling-sites`` sites with 1 worker and with 2 workers, and checks
   that both give identical results tables.

Usage::

    python benchmarks/bench_batch.py                    # the full benchmark
    python benchmarks/bench_batch.py --sites 200 --scaling-sites 60   # a quick run
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PROVINCES = ("Zhejiang", "Jiangsu", "Guangdong")
TEMPLATES = ("three_shift_continuous", "two_shift", "one_day_shift", "cold_storage")


def generate_sites(path: Path, count: int, seed: int = 2026) -> Path:
    """Write a sites CSV of ``count`` generated factories; returns ``path``."""
    from pvplanner.tariff import list_tariff_presets
    from weather.climatology import list_cities

    rng = np.random.default_rng(seed)
    cities = list_cities()
    cities = cities.loc[cities["province"].isin(PROVINCES)].reset_index(drop=True)
    presets = list_tariff_presets()
    tariffs = {
        province: sorted(presets.loc[presets["region"].str.casefold()
                                     == province.casefold(), "id"].astype(str))
        for province in PROVINCES
    }
    if not all(tariffs.values()):
        # region names in the tariff table differ: fall back to id prefixes
        tariffs = {province: sorted(i for i in presets["id"].astype(str)
                                    if i.startswith(province.lower())) for province in PROVINCES}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "lat", "lon", "city", "province", "roof_area_m2", "tilt_deg",
                         "azimuth_deg", "annual_kwh", "template", "tariff", "weather.source",
                         "battery.allowed"])
        for number in range(count):
            city = cities.iloc[int(rng.integers(len(cities)))]
            province = city["province"]
            area = float(np.round(rng.lognormal(np.log(6000), 0.6), -1))
            # a factory uses some 150-600 kWh per m2 of roof a year
            annual = float(np.round(area * rng.uniform(150, 600), -3))
            writer.writerow([
                f"Factory {number + 1:05d}",
                f"{city['lat'] + rng.uniform(-0.3, 0.3):.4f}",
                f"{city['lon'] + rng.uniform(-0.3, 0.3):.4f}",
                city["city"], province, f"{area:.0f}", f"{rng.choice([3, 5, 8, 10])}",
                f"{rng.integers(150, 211)}", f"{annual:.0f}",
                rng.choice(TEMPLATES), rng.choice(tariffs[province]), "synthetic", "false",
            ])
    return path


def _run(sites: Path, out: Path, workers: int) -> dict:
    from pvplanner.batch.run import run_batch

    start = time.perf_counter()
    summary = run_batch(sites, out, workers=workers, progress=True)
    summary["wall_seconds"] = time.perf_counter() - start
    return summary


def _cpu_per_site(out: Path) -> np.ndarray:
    """CPU seconds each site took in its worker (``batch.cpu_seconds`` of the site JSONs).

    Unlike wall time this hardly changes when other programs share the cores.
    """
    import json

    values = []
    for path in (out / "sites").glob("*.json"):
        block = json.loads(path.read_text(encoding="utf-8")).get("batch", {})
        if block.get("cpu_seconds") is not None:
            values.append(block["cpu_seconds"])
    return np.array(values, dtype=float)


def _line(label: str, summary: dict) -> str:
    rate = summary["planned"] / summary["wall_seconds"] if summary["planned"] else 0.0
    return (f"{label:<28} {summary['sites']:>6,} sites  {summary['planned']:>6,} planned  "
            f"{summary['failed']:>4,} failed  {summary['wall_seconds']:>8.1f} s  "
            f"{rate:>7.2f} sites/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=2000, help="sites of the main run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="workers of the main run (default: cores)")
    parser.add_argument("--scaling-sites", type=int, default=300,
                        help="sites of the 1-versus-2-worker runs (0 skips them)")
    parser.add_argument("--out", type=Path, default=None, help="keep the outputs here")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    os.environ.setdefault("PVPLANNER_OFFLINE", "1")

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as scratch:
        root = args.out or Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        sites = generate_sites(root / "sites.csv", args.sites, args.seed)
        from pvplanner.batch.run import read_sites

        jobs = read_sites(sites)
        cells = len({job.cell for job in jobs})
        print(f"{args.sites:,} generated sites in {cells} weather cells of 0.25 deg, "
              f"{os.cpu_count()} cores", file=sys.stderr)

        lines = []
        main_run = _run(sites, root / "main", args.workers)
        lines.append(_line(f"all sites, {args.workers} workers", main_run))
        resumed = _run(sites, root / "main", args.workers)
        lines.append(_line("re-run (resume)", resumed))

        speedup = None
        identical = None
        if args.scaling_sites:
            subset = root / "subset.csv"
            with sites.open(encoding="utf-8") as source:
                head = [next(source) for _ in range(min(args.scaling_sites, args.sites) + 1)]
            subset.write_text("".join(head), encoding="utf-8")
            one = _run(subset, root / "w1", 1)
            two = _run(subset, root / "w2", 2)
            lines.append(_line("subset, 1 worker", one))
            lines.append(_line("subset, 2 workers", two))
            speedup = one["wall_seconds"] / two["wall_seconds"]
            identical = filecmp.cmp(root / "w1" / "results.csv", root / "w2" / "results.csv",
                                    shallow=False)

        cpu = _cpu_per_site(root / "main")
        load_after = os.getloadavg()
        print()
        print("pvplanner batch benchmark")
        print(f"  machine: {os.cpu_count()} cores; load average {load_before[0]:.1f} before, "
              f"{load_after[0]:.1f} after (above {os.cpu_count()} means other programs "
              "competed for the cores)")
        print(f"  weather cells: {cells}; PV-only, synthetic weather")
        for line in lines:
            print("  " + line)
        if speedup is not None:
            print(f"  speed-up 2 workers / 1 worker: {speedup:.2f}x; tables identical: "
                  f"{identical}")
        if cpu.size:
            ideal = cpu.sum() / args.workers
            print(f"  CPU per site in the workers: mean {cpu.mean():.3f} s, median "
                  f"{np.median(cpu):.3f} s, p95 {np.percentile(cpu, 95):.3f} s; on "
                  f"{args.workers} idle cores the planning alone takes "
                  f"{ideal:.0f} s ({cpu.size / ideal:.2f} sites/s)")
        goal = main_run["wall_seconds"] * 2000 / max(args.sites, 1)
        print(f"  {args.sites:,} sites took {main_run['wall_seconds']:.1f} s "
              f"(-> {goal:.0f} s for 2,000 sites; goal < 300 s: "
              f"{'met' if goal < 300 else 'NOT met'})")
        portfolio = main_run["portfolio"]
        print(f"  portfolio: {portfolio['total_kwp']:,.0f} kWp, "
              f"{portfolio['total_generation_kwh'] / 1e6:,.1f} GWh/yr, "
              f"{portfolio['total_avoided_tco2_year1']:,.0f} tCO2 avoided in year 1, "
              f"median NPV {portfolio['npv']['p50']:,.0f} {portfolio['currency']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
