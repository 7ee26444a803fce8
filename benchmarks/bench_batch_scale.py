"""Benchmark: can ``pvplanner batch`` plan 2,000 sites in under 10 minutes on 2 cores?

Issue 16, item 4. Generates a portfolio of 2,000 factories in Zhejiang, Jiangsu and
Guangdong as :mod:`bench_batch` does (coordinates jittered around the cities; synthetic
weather, offline), takes a sample of about ``--sites`` of them (default 150) made of whole
weather cells, so that weather is shared as in the full portfolio, and plans it twice with
:func:`pvplanner.batch.run_batch` on ``--workers`` worker processes (default 2):

1. **with batteries** on ``--days`` typical days (``pvplanner batch --aggregate N``);
2. **PV-only** (the same sites, no battery allowed).

For each run it prints the wall time, sites per second, the CPU seconds each site took in
its worker (from the site JSONs; CPU time hardly changes when other programs share the
cores, wall time does) and three estimates of the wall time of 2,000 sites:

``linear``
    the sample's wall time times 2,000 / sites (start-up and weather included at the
    sample's rate: an upper estimate, since 2,000 sites share weather cells more);
``steady``
    the time to the first finished group plus the rest at the rate measured after it;
``CPU``
    the CPU per site times 2,000 / workers: the planning alone on idle cores.

Usage::

    python benchmarks/bench_batch_scale.py                 # 150 sites, 48 typical days
    python benchmarks/bench_batch_scale.py --sites 200 --days 24
    python benchmarks/bench_batch_scale.py --sites 2000    # the whole target

Prints the table and exits 0.

Measured 2026-12-06 on the shared 2-core machine (other sessions running): the whole target,
``--sites 2000 --skip-pv-only``: 2,000 sites with batteries (48 typical days) in 322 s wall
(5.4 min, load average 2.0-2.4), 0 failed, 0.26 s CPU a site in the workers. Samples of 169
sites (13 cells), same tree, alternated with the tree without this session's batch changes:
batteries 0.24-0.32 s CPU a site (without: 0.43-0.46 s), PV-only 0.16-0.17 s (0.28-0.33 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: The issue's goal: 2,000 sites with batteries in under 10 minutes on 2 cores.
TARGET_SITES = 2000
TARGET_SECONDS = 600.0


def portfolio_sample(path: Path, count: int, seed: int) -> tuple[int, int, int]:
    """Write a sample of about ``count`` sites of a generated 2,000-site portfolio.

    The sample is whole weather cells of the portfolio, drawn at random until it holds
    ``count`` sites, so its sites share weather as densely as the full portfolio's do (a
    sample of sites drawn one by one would synthesize a weather year for almost every site,
    and overstate the cost per site).

    Returns
    -------
    tuple of int
        Sites in the sample, weather cells in the sample, weather cells of the portfolio.
    """
    from bench_batch import generate_sites

    from pvplanner.batch.run import read_sites

    full = generate_sites(path.with_name("portfolio.csv"), TARGET_SITES, seed)
    lines = full.read_text(encoding="utf-8").splitlines()
    cells: dict[str, list[int]] = {}
    for job in read_sites(full):
        cells.setdefault(job.cell, []).append(job.row)
    order = list(cells)
    np.random.default_rng(seed).shuffle(order)
    rows: list[int] = []
    taken = 0
    for cell in order:
        if len(rows) >= count:
            break
        rows += cells[cell]
        taken += 1
    # spreadsheet rows: the header is row 1, so row r is line r - 1 of the file
    body = [lines[row - 1] for row in sorted(rows)]
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    return len(rows), taken, len(cells)


def with_battery(source: Path, path: Path, battery: bool) -> Path:
    """``source`` with every site's ``battery.allowed`` (the last column) set."""
    lines = source.read_text(encoding="utf-8").splitlines()
    flag = "true" if battery else "false"
    body = [line.rsplit(",", 1)[0] + "," + flag for line in lines[1:]]
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    return path


def _cpu_per_site(out: Path) -> np.ndarray:
    """CPU seconds each site took in its worker (as ``bench_batch`` reads them)."""
    from bench_batch import _cpu_per_site as cpu_per_site

    return cpu_per_site(out)


def run(label: str, sites: Path, out: Path, workers: int, days: int | None) -> dict:
    """One batch run, timed; returns its figures."""
    from pvplanner.batch.run import run_batch

    ticks: list[tuple[float, int]] = []
    start = time.perf_counter()
    own_start = time.process_time()
    children_start = _children_cpu()

    def progress(done: int, total: int, failed: int) -> None:
        ticks.append((time.perf_counter() - start, done))

    summary = run_batch(sites, out, workers=workers, progress=progress,
                        aggregate_days=days)
    wall = time.perf_counter() - start
    command_cpu = time.process_time() - own_start
    workers_cpu = _children_cpu() - children_start
    count = summary["sites"]
    cpu = _cpu_per_site(out)
    linear = wall * TARGET_SITES / count
    steady = linear
    if len(ticks) >= 2 and ticks[-1][0] > ticks[0][0]:
        (t0, d0), (t1, d1) = ticks[0], ticks[-1]
        steady = t0 + (TARGET_SITES - d0) * (t1 - t0) / max(d1 - d0, 1)
    return {
        "label": label, "sites": count, "ok": summary["ok"], "failed": summary["failed"],
        "wall": wall, "rate": count / wall, "cpu_mean": float(cpu.mean()) if cpu.size else 0.0,
        "cpu_p95": float(np.percentile(cpu, 95)) if cpu.size else 0.0,
        "linear": linear, "steady": steady,
        "cpu_based": float(cpu.mean()) * TARGET_SITES / workers if cpu.size else 0.0,
        "command_cpu": command_cpu, "workers_cpu": workers_cpu,
        "batteries": _battery_share(out),
    }


def _children_cpu() -> float:
    """CPU seconds of this process's finished child processes (the Dask workers and their
    nannies, once the cluster has shut down): start-up, planning and idle polling."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _battery_share(out: Path) -> float:
    """Share of the planned sites whose plan builds a battery."""
    built, total = 0, 0
    for path in (out / "sites").glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        total += 1
        built += (document.get("battery") or {}).get("energy_kwh", 0.0) > 0
    return built / total if total else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=150, help="sites of the sample")
    parser.add_argument("--days", type=int, default=48,
                        help="typical days of the battery run (--aggregate)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated sites")
    parser.add_argument("--skip-pv-only", action="store_true", help="only the battery run")
    args = parser.parse_args(argv)
    os.environ.setdefault("PVPLANNER_OFFLINE", "1")

    load_before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_batch_scale_") as scratch:
        root = Path(scratch)
        sample = root / "sample.csv"
        sites, cells, all_cells = portfolio_sample(sample, args.sites, args.seed)
        print(f"sample: {sites} sites in {cells} of the {all_cells} weather cells of a "
              f"generated {TARGET_SITES:,}-site portfolio", file=sys.stderr)
        rows.append(run(f"batteries, --aggregate {args.days}",
                        with_battery(sample, root / "battery.csv", True),
                        root / "battery", args.workers, args.days))
        if not args.skip_pv_only:
            rows.append(run("PV-only", with_battery(sample, root / "pv.csv", False),
                            root / "pv", args.workers, None))
    load_after = os.getloadavg()[0]

    print(f"\npvplanner batch at scale: {sites} sites ({cells} of the {all_cells} weather "
          f"cells of a generated {TARGET_SITES:,}-site portfolio), {args.workers} "
          f"workers, {os.cpu_count()} cores; load average {load_before:.1f} before, "
          f"{load_after:.1f} after (above {os.cpu_count()}: other programs shared the cores)")
    print(f"{'run':<26} {'ok':>5} {'failed':>6} {'wall s':>8} {'sites/s':>8} "
          f"{'CPU/site':>9} {'CPU p95':>8} {'battery':>8} "
          f"{'2,000 sites: linear':>20} {'steady':>8} {'CPU':>8}")
    for r in rows:
        print(f"{r['label']:<26} {r['ok']:>5} {r['failed']:>6} {r['wall']:>8.1f} "
              f"{r['rate']:>8.2f} {r['cpu_mean']:>8.3f}s {r['cpu_p95']:>7.3f}s "
              f"{r['batteries']:>8.0%} {r['linear'] / 60:>16.1f} min "
              f"{r['steady'] / 60:>4.1f} min {r['cpu_based'] / 60:>4.1f} min")
    print("CPU of the whole run: the command (Dask scheduler, writing the outputs) and the "
          "worker processes (start-up, planning, polling):")
    for r in rows:
        planning = r["cpu_mean"] * r["ok"]
        overhead = max(r["workers_cpu"] - planning, 0.0)  # start-up, imports, polling
        total = r["command_cpu"] + r["workers_cpu"]
        scaled = (overhead + (r["command_cpu"] + planning) * TARGET_SITES / r["sites"])
        print(f"  {r['label']:<26} command {r['command_cpu']:>6.1f} s, workers "
              f"{r['workers_cpu']:>6.1f} s (planning {planning:.1f} s, the rest "
              f"{overhead:.1f} s); on {args.workers} idle cores {total / args.workers:.0f} s "
              f"-> {TARGET_SITES:,} sites: {scaled / args.workers / 60:.1f} min (the workers' "
              f"rest counted once), {total / args.workers * TARGET_SITES / r['sites'] / 60:.1f}"
              f" min (all of it per site)")
    first = rows[0]
    verdict = "met" if first["steady"] < TARGET_SECONDS else "NOT met"
    print(f"goal: {TARGET_SITES:,} sites with batteries in < {TARGET_SECONDS / 60:.0f} min on "
          f"{args.workers} workers: {verdict} (steady estimate "
          f"{first['steady'] / 60:.1f} min; linear {first['linear'] / 60:.1f} min)")
    if len(rows) > 1 and rows[1]["cpu_mean"]:
        print(f"battery / PV-only CPU per site: {first['cpu_mean'] / rows[1]['cpu_mean']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
