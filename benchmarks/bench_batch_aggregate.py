"""Benchmark: portfolios with batteries on typical days vs the exact year (issue 16, item 4).

1. **Accuracy and speed per site.** A benchmark set of varied factories (default 24): load
   template (three shifts, two shifts, day shift, cold storage, offices), province and
   tariff (Zhejiang, Jiangsu, Guangdong; general C&I and large industry), roof size (small
   to large against the load) and battery allowed or not. Each site is planned by
   ``plan(with_npv_curve=False, with_sensitivity=False)`` and its JSON document, as a
   batch plans a site, on the exact year and on ``N`` typical days
   (``aggregate_days=N``, :mod:`pvplanner.aggregate`), in this process; the table gives
   NPV, PV kWp, battery kWh and kW of both, their differences and the CPU seconds of each
   plan (CPU time hardly changes when other programs share the cores; wall time does).
   With ``--regret`` each battery site is planned once more on the exact year with the
   sizes of the typical-day plan fixed: the *regret* is how much NPV those sizes lose
   against the exact optimum on the real year (battery optima are flat, so sizes can
   differ by several per cent for a small regret).
   With ``--conditioning`` each battery site is planned again on the exact year with the
   battery's price per kWh 1 % higher and 1 % lower: how far the *exact* sizes move for an
   input change well inside the uncertainty of any price quote, the yardstick for the
   typical-day sizes' differences (an exact optimum that moves by more than 1 % when a
   price moves by 1 % cannot pin its sizes to 1 %).
2. **A batch run.** ``pvplanner batch --aggregate N`` (:func:`pvplanner.batch.run_batch`)
   on ``--batch-sites`` generated sites with batteries (default 200) on ``--workers``
   processes, extrapolated to 2,000 sites; ``--batch-sites 2000`` runs the whole target.

Weather is synthetic (offline). Usage::

    python benchmarks/bench_batch_aggregate.py                    # 24 sites, N = 48 ... 96
    python benchmarks/bench_batch_aggregate.py --sites 20 --days 48 --batch-sites 0
    python benchmarks/bench_batch_aggregate.py --batch-sites 2000   # the full target
    python benchmarks/bench_batch_aggregate.py --days --conditioning --batch-sites 0

Prints the tables and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: (city, province, tariff preset) of the benchmark set.
PLACES = (
    ("Hangzhou", "Zhejiang", "zhejiang_2026_large_industry"),
    ("Ningbo", "Zhejiang", "zhejiang_2026_general_ci"),
    ("Suzhou", "Jiangsu", "jiangsu_2025_large_industry"),
    ("Nanjing", "Jiangsu", "jiangsu_2025_general_ci"),
    ("Guangzhou", "Guangdong", "guangdong_2021_large_industry"),
    ("Shenzhen", "Guangdong", "guangdong_2021_general_ci"),
)
TEMPLATES = ("three_shift_continuous", "two_shift", "one_day_shift", "cold_storage",
             "office_commercial")
#: Roof area per annual MWh of load [m2/MWh]: small, medium and large roofs.
ROOF_M2_PER_MWH = (0.6, 1.5, 4.0)


def benchmark_sites(path: Path, count: int, seed: int = 16) -> Path:
    """Write a sites CSV of ``count`` varied factories (every fifth without a battery)."""
    rng = np.random.default_rng(seed)
    combos = list(itertools.product(PLACES, TEMPLATES, ROOF_M2_PER_MWH))
    rng.shuffle(combos)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "city", "province", "roof_area_m2", "tilt_deg", "azimuth_deg",
                         "annual_kwh", "template", "tariff", "weather.source",
                         "battery.allowed"])
        for number in range(count):
            (city, province, tariff), template, roof = combos[number % len(combos)]
            annual = float(np.round(rng.lognormal(np.log(3.0e6), 0.7), -3))
            writer.writerow([
                f"Site {number + 1:03d} {city} {template}", city, province,
                f"{max(300.0, roof * annual / 1000.0):.0f}", rng.choice([3, 5, 10, 20]),
                int(rng.integers(150, 211)), f"{annual:.0f}", template, tariff, "synthetic",
                "false" if number % 5 == 4 else "true",
            ])
    return path


def _plan_figures(scenario: dict, days: int | None) -> dict:
    from pvplanner.pipeline import plan

    wall, cpu = time.perf_counter(), time.process_time()
    # As a batch plans a site (pvplanner.batch.task): neither the NPV curve nor the
    # tornado, which its table does not show, and the site's JSON document.
    result = plan(scenario, with_npv_curve=False, with_sensitivity=False, aggregate_days=days)
    result.to_dict()
    return {
        "npv": result.finance.npv, "kwp": result.pv.capacity_kwp,
        "kwh": result.battery.energy_kwh, "kw": result.battery.power_kw,
        "cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
        "demand_savings": result.bills.demand_savings_annual,
        "status": result.solver.status,
    }


def _fixed_sizes(scenario: dict, figures: dict) -> dict:
    """``scenario`` with its PV and battery fixed to a plan's sizes (the exact year then
    only dispatches them)."""
    fixed = json.loads(json.dumps(scenario))
    constraints = fixed.setdefault("constraints", {})
    constraints["min_total_kwp"] = constraints["max_total_kwp"] = figures["kwp"]
    battery = fixed.setdefault("battery", {})
    if figures["kwh"] > 0:
        battery.update(min_energy_kwh=figures["kwh"], max_energy_kwh=figures["kwh"],
                       min_power_kw=figures["kw"], max_power_kw=figures["kw"])
    else:
        battery["allowed"] = False
    return fixed


def _rel(a: float, b: float, floor: float) -> float:
    """(a - b) / max(|b|, floor)."""
    return (a - b) / max(abs(b), floor)


def accuracy(sites_csv: Path, day_counts: list[int], verbose: bool, regret: bool = False
             ) -> dict[int, dict]:
    """Plan every site exactly and on each count of typical days (and, with ``regret``, the
    exact year with the typical-day sizes fixed); print and return stats."""
    from pvplanner.batch.run import read_sites

    jobs = read_sites(sites_csv)
    exact: list[dict] = []
    aggregated: dict[int, list[dict]] = {n: [] for n in day_counts}
    for job in jobs:
        exact.append(_plan_figures(job.scenario, None))
        for n in day_counts:
            aggregated[n].append(_plan_figures(job.scenario, n))
            with_battery = str(job.scenario["battery"]["allowed"]).lower() in ("true", "1")
            aggregated[n][-1]["regret"] = (
                _rel(exact[-1]["npv"], _plan_figures(
                    _fixed_sizes(job.scenario, aggregated[n][-1]), None)["npv"], 1.0)
                if regret and with_battery else float("nan"))
        if verbose:
            e = exact[-1]
            print(f"  {job.name:<44} exact NPV {e['npv']:>13,.0f} kWp {e['kwp']:>7.0f} "
                  f"kWh {e['kwh']:>6.0f} kW {e['kw']:>6.0f} CPU {e['cpu_s']:>5.2f} s", flush=True)
            for n in day_counts:
                a = aggregated[n][-1]
                print(f"  {'':<38}{n:>3} days NPV {a['npv']:>13,.0f} "
                      f"({_rel(a['npv'], e['npv'], 1.0):+.2%}) kWp {a['kwp']:>7.0f} "
                      f"kWh {a['kwh']:>6.0f} kW {a['kw']:>6.0f} CPU {a['cpu_s']:>5.2f} s"
                      + (f" regret {a['regret']:.3%}" if regret and a["regret"] == a["regret"]
                         else ""), flush=True)
    battery = np.array([str(job.scenario["battery"]["allowed"]).lower() in ("true", "1")
                        for job in jobs])
    stats = {}
    print(f"\naccuracy and speed on {len(jobs)} sites ({int(battery.sum())} with a battery "
          "allowed; the others are planned exactly either way):")
    print(f"{'typical days':>12} {'max |dNPV|':>11} {'mean |dNPV|':>12} {'max |dkWp|':>11} "
          f"{'max |dkWh|':>11} {'max |dkW|':>10} {'CPU exact':>10} {'CPU typ.':>9} "
          f"{'speed-up':>9} {'sites > 1 %':>11} {'max regret':>11} {'mean regret':>12}")
    cpu_exact = np.array([e["cpu_s"] for e in exact])
    for n in day_counts:
        rows = aggregated[n]
        both = list(zip(rows, exact, strict=True))
        d_npv = np.array([_rel(a["npv"], e["npv"], 1.0) for a, e in both])
        d_kwp = np.array([_rel(a["kwp"], e["kwp"], 1.0) for a, e in both])
        # Battery sizes: relative to the exact size, or to 10 kWh / 10 kW when the exact
        # plan builds none (then any aggregated battery shows).
        d_kwh = np.array([_rel(a["kwh"], e["kwh"], 10.0) for a, e in both])
        d_kw = np.array([_rel(a["kw"], e["kw"], 10.0) for a, e in both])
        cpu = np.array([a["cpu_s"] for a in rows])
        b = battery
        speed = cpu_exact[b].sum() / cpu[b].sum() if b.any() else float("nan")
        over = int((np.abs(d_npv) > 0.01).sum())
        regrets = np.array([a["regret"] for a in rows])[b]
        regrets = regrets[np.isfinite(regrets)]
        stats[n] = {"max_npv": float(np.abs(d_npv).max()), "speed_up": float(speed),
                    "cpu_per_site": float(cpu[b].mean()) if b.any() else 0.0}
        print(f"{n:>12} {np.abs(d_npv).max():>11.2%} {np.abs(d_npv[b]).mean():>12.2%} "
              f"{np.abs(d_kwp).max():>11.2%} {np.abs(d_kwh).max():>11.2%} "
              f"{np.abs(d_kw).max():>10.2%} {cpu_exact[b].mean():>9.2f}s {cpu[b].mean():>8.2f}s "
              f"{speed:>8.1f}x {over:>11} "
              + (f"{regrets.max():>11.3%} {regrets.mean():>12.3%}" if regrets.size
                 else f"{'-':>11} {'-':>12}"))
    print("(dNPV, dkWp, dkWh, dkW: typical days minus exact over exact; mean |dNPV| and CPU: "
          "mean over the sites with a battery; speed-up: their CPU totals; regret: exact NPV "
          "minus the exact-year NPV of the typical-day sizes, over the exact NPV)")
    return stats


def _battery_price_scaled(scenario: dict, factor: float) -> dict:
    """``scenario`` with its battery's price per kWh multiplied by ``factor``."""
    from pvplanner.scenario.model import Scenario

    changed = json.loads(json.dumps(scenario))
    price = Scenario.model_validate(scenario).finance.battery_capex_per_kwh
    changed.setdefault("finance", {})["battery_capex_per_kwh"] = price * factor
    return changed


def conditioning(sites_csv: Path, change: float, verbose: bool) -> dict[str, float]:
    """Plan every battery site exactly with its battery's price per kWh moved by
    +-``change`` (a fraction); print and return the largest moves of the exact optimum's
    battery sizes and NPV, relative to the optimum at the price as given."""
    from pvplanner.batch.run import read_sites

    moves: dict[str, list[float]] = {"kwh": [], "kw": [], "npv": []}
    print(f"\nconditioning of the exact optimum: the battery's price per kWh "
          f"{-change:+.0%} and {change:+.0%}, exact year:")
    for job in read_sites(sites_csv):
        if str(job.scenario["battery"]["allowed"]).lower() not in ("true", "1"):
            continue
        base = _plan_figures(job.scenario, None)
        if base["kwh"] <= 0:
            continue
        line = []
        for factor in (1.0 - change, 1.0 + change):
            moved = _plan_figures(_battery_price_scaled(job.scenario, factor), None)
            d_kwh = _rel(moved["kwh"], base["kwh"], 10.0)
            d_kw = _rel(moved["kw"], base["kw"], 10.0)
            d_npv = _rel(moved["npv"], base["npv"], 1.0)
            moves["kwh"].append(abs(d_kwh))
            moves["kw"].append(abs(d_kw))
            moves["npv"].append(abs(d_npv))
            line.append(f"{factor - 1.0:+.0%}: kWh {d_kwh:+.1%} kW {d_kw:+.1%} "
                        f"NPV {d_npv:+.3%}")
        if verbose:
            print(f"  {job.name:<44} kWh {base['kwh']:>6.0f} kW {base['kw']:>6.0f} | "
                  + " | ".join(line), flush=True)
    out = {f"max_{k}": float(np.max(v)) if v else float("nan") for k, v in moves.items()}
    out.update({f"median_{k}": float(np.median(v)) if v else float("nan")
                for k, v in moves.items()})
    print(f"  {len(moves['kwh']) // 2} sites with a battery built: exact battery kWh moves "
          f"by up to {out['max_kwh']:.1%} (median {out['median_kwh']:.1%}), kW by up to "
          f"{out['max_kw']:.1%} (median {out['median_kw']:.1%}); NPV by up to "
          f"{out['max_npv']:.3%} (median {out['median_npv']:.3%})")
    return out


def batch_run(count: int, days: int, workers: int, seed: int) -> None:
    """``run_batch(aggregate_days=days)`` on ``count`` generated sites with batteries."""
    from pvplanner.batch.run import run_batch

    with tempfile.TemporaryDirectory(prefix="bench_batch_aggregate_") as scratch:
        root = Path(scratch)
        sites = root / "sites.csv"
        benchmark_sites(sites, count, seed)
        text = sites.read_text(encoding="utf-8").replace(",false\n", ",true\n")
        sites.write_text(text, encoding="utf-8")  # every site with a battery
        wall = time.perf_counter()
        summary = run_batch(sites, root / "out", workers=workers, progress=False,
                            aggregate_days=days)
        wall = time.perf_counter() - wall
        cpu = []
        for path in (root / "out" / "sites").glob("*.json"):
            block = json.loads(path.read_text(encoding="utf-8")).get("batch", {})
            if block.get("cpu_seconds") is not None:
                cpu.append(block["cpu_seconds"])
        cpu_a = np.array(cpu)
    per_site = wall / max(count, 1)
    print(f"\nbatch --aggregate {days}: {count} sites with batteries, {workers} workers: "
          f"{wall:.1f} s wall ({summary['ok']} ok, {summary['failed']} failed), "
          f"{per_site:.3f} s/site; CPU per site in the workers: mean {cpu_a.mean():.2f} s, "
          f"95th percentile {np.percentile(cpu_a, 95):.2f} s")
    print(f"  2,000 sites: {2000 * per_site / 60:.1f} min at this wall rate; "
          f"{2000 * cpu_a.mean() / workers / 60:.1f} min from the CPU per site on {workers} "
          f"workers (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=24, help="sites of the accuracy set")
    parser.add_argument("--days", type=int, nargs="*", default=[48, 72, 84, 96],
                        help="typical-day counts to compare (none: no accuracy table)")
    parser.add_argument("--batch-sites", type=int, default=200,
                        help="sites of the batch run (0 skips it)")
    parser.add_argument("--batch-days", type=int, default=84)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--quiet", action="store_true", help="no per-site lines")
    parser.add_argument("--regret", action="store_true",
                        help="also plan the exact year with the typical-day sizes fixed")
    parser.add_argument("--conditioning", type=float, nargs="?", const=0.01, default=None,
                        metavar="CHANGE",
                        help="also plan each battery site exactly with its battery price "
                             "per kWh moved by +-CHANGE (default 0.01)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PVPLANNER_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="bench_aggregate_") as scratch:
        sites = benchmark_sites(Path(scratch) / "sites.csv", args.sites, args.seed)
        if args.sites and args.days:
            accuracy(sites, args.days, verbose=not args.quiet, regret=args.regret)
        if args.sites and args.conditioning is not None:
            conditioning(sites, args.conditioning, verbose=not args.quiet)
    if args.batch_sites:
        batch_run(args.batch_sites, args.batch_days, args.workers, args.seed + 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
