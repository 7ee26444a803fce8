"""Benchmark of reading a portfolio's sites file (pvplanner.batch.sites.parse_sites).

Run ``python benchmarks/bench_sites_parse.py [rows]``. Prints the seconds to validate a sites
file of N rows (default 10,000) that name a known city on every row, and to refuse one whose
rows name 500 different unknown cities (each row's message suggests close names), and one
whose every row names a city of its own that is unknown. Printed, not asserted; measured
2026-12-07 on the 2-core machine: 14 s, 2.4 s and 17.6 s for 10,000 rows (24 s, 13.4 s before
the city lookups were built once).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pvplanner.batch.sites import parse_sites
from pvplanner.errors import PlannerInputError


def seconds(rows: list[str]) -> float:
    """Wall time of parse_sites on the file's lines [s] (a refusal counts as done)."""
    start = time.perf_counter()
    try:
        parse_sites("\n".join(rows))
    except PlannerInputError:
        pass
    return time.perf_counter() - start


def main(n: int = 10_000) -> None:
    header = "name,city,roof_area_m2,annual_kwh"
    known = [header] + [f"s{i},Hangzhou,1000,100000" for i in range(n)]
    repeated = [header] + [f"s{i},Nowhereville{i % 500},1000,100000" for i in range(n)]
    distinct = [header] + [f"s{i},Nowhereville{i},1000,100000" for i in range(n)]
    print(f"sites file of {n:,} rows [s]:")
    print(f"  known city on every row               {seconds(known):7.2f}")
    print(f"  500 unknown cities, refused           {seconds(repeated):7.2f}")
    print(f"  an unknown city on every row, refused{seconds(distinct):7.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
