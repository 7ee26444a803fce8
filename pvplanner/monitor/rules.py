"""The thresholds of the monitor, read once from ``data/monitor/rules.toml``."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from weather.datafiles import data_path

__all__ = ["monitor_rules"]


@cache
def monitor_rules() -> dict[str, Any]:
    """Thresholds of :mod:`pvplanner.monitor` (``data/monitor/rules.toml``; units per kWp)."""
    with open(data_path("monitor", "rules.toml"), "rb") as handle:
        return tomllib.load(handle)
