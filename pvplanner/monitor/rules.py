"""The thresholds of the monitor, read once from ``data/monitor/rules.toml``."""

from __future__ import annotations

from functools import cache
from typing import Any

from pvplanner.guard.toml_words import read_data_toml

__all__ = ["monitor_rules"]


@cache
def monitor_rules() -> dict[str, Any]:
    """Thresholds of :mod:`pvplanner.monitor` (``data/monitor/rules.toml``; units per kWp)."""
    return read_data_toml("monitor", "rules.toml")
