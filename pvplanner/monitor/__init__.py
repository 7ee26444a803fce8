"""Metered PV generation and load against the plan; the carbon account as measured.

The face of the monitor: :func:`monitor` (``analysis``) reads an inverter or meter export of
PV generation (and optionally the site load and measured weather) with the project's one meter
reader, compares it hour by hour with the plan's expectation (its typical year on the metered
dates, or its PV model under measured weather), finds outages, curtailment and data gaps and
the energy lost to each, gives the performance index overall, outside outages, by day and by
month, a degradation trend when more than a year is given, and the carbon account as measured
(self-consumed and exported energy, avoided CO2, green certificates, Scope 2) month by month
beside the plan's. :func:`write_monitor_xlsx` writes the monthly report in Chinese or English.

The parts, in the order the analysis uses them: ``readings`` (files -> hourly means),
``capacity`` (metered power the plant cannot deliver: a unit error or spikes), ``expected``
and ``measured`` (the plan's expectation; measured weather must be irradiance of the metered
period), ``events`` (outages, curtailment, gaps), ``performance`` (indices, tables,
degradation), ``account`` (carbon), ``records`` (the result and its JSON), ``workbook``
(XLSX), ``times`` (times as a reader sees them). Thresholds: ``data/monitor/rules.toml``.
"""

from __future__ import annotations

from pvplanner.monitor.analysis import monitor
from pvplanner.monitor.events import Event
from pvplanner.monitor.performance import DegradationTrend
from pvplanner.monitor.records import MONTHLY_COLUMNS, MonitorResult, Note
from pvplanner.monitor.workbook import write_monitor_xlsx

__all__ = [
    "MONTHLY_COLUMNS",
    "DegradationTrend",
    "Event",
    "MonitorResult",
    "Note",
    "monitor",
    "write_monitor_xlsx",
]
