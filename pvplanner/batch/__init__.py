"""Many sites at once on Dask: sites file in, per-site results and a portfolio summary out."""

from __future__ import annotations

from pvplanner.batch.run import (
    DEFAULT_CELL_DEG,
    IN_PROCESS,
    SiteJob,
    parse_sites,
    portfolio_summary,
    read_sites,
    run_batch,
    run_jobs,
    slugify,
    weather_cell,
)

__all__ = [
    "DEFAULT_CELL_DEG",
    "IN_PROCESS",
    "parse_sites",
    "portfolio_summary",
    "read_sites",
    "run_batch",
    "run_jobs",
    "SiteJob",
    "slugify",
    "weather_cell",
]
