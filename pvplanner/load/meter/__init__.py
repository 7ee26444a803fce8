"""Meter exports (CSV, XLSX) -> a cleaned load on the scenario's typical-year axis.

The face of the meter reader: :func:`read_meter_file` (``reader``) and what it returns
(``records``), the calendar mapping it uses (``calendar``), its thresholds (``common``) and
the XLSX caps (``xlsx``). The parts, in the order a file goes through them: ``table`` and
``xlsx`` (bytes -> cells), ``columns``, ``timestamps``, ``detect``, ``steps`` (a change of
step: the interval each reading covers), ``clean``, ``calendar``.
"""

from __future__ import annotations

from pvplanner.load.meter.calendar import map_days_to_typical_year
from pvplanner.load.meter.common import meter_rules
from pvplanner.load.meter.reader import read_meter_file
from pvplanner.load.meter.records import LoadQualityReport, MeterLoad
from pvplanner.load.meter.xlsx import (
    MAX_XLSX_CELLS,
    MAX_XLSX_ROWS,
    MAX_XLSX_XML_BYTES,
    XLSX_TIME_BUDGET_S,
)

__all__ = [
    "MAX_XLSX_CELLS",
    "MAX_XLSX_ROWS",
    "MAX_XLSX_XML_BYTES",
    "XLSX_TIME_BUDGET_S",
    "LoadQualityReport",
    "MeterLoad",
    "map_days_to_typical_year",
    "meter_rules",
    "read_meter_file",
]
