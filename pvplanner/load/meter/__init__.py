"""Meter exports (CSV, XLSX) -> a cleaned load on the scenario's typical-year axis."""

from __future__ import annotations

from pvplanner.load.meter.timestamps import (
    LoadQualityReport,
    MeterLoad,
    map_days_to_typical_year,
    meter_rules,
    read_meter_file,
)

__all__ = [
    "LoadQualityReport",
    "map_days_to_typical_year",
    "meter_rules",
    "MeterLoad",
    "read_meter_file",
]
