"""What :func:`pvplanner.monitor.monitor` returns, and its JSON form (keys in DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pvplanner.display.messages import translate, value_in
from pvplanner.monitor.events import Event
from pvplanner.monitor.performance import DegradationTrend
from pvplanner.monitor.times import last_day, local_day
from pvplanner.result import json_safe

__all__ = ["MONTHLY_COLUMNS", "MonitorResult", "Note"]

#: Columns of :attr:`MonitorResult.monthly` with their units (the JSON ``monthly`` records).
MONTHLY_COLUMNS: dict[str, str] = {
    "expected_kwh": "kWh, the plan's expectation for the whole month (hours with and without "
                    "readings)",
    "expected_metered_kwh": "kWh, the expectation in the hours with readings",
    "actual_kwh": "kWh, metered",
    "performance_index": "-, actual / expected over the hours with readings",
    "performance_index_excluding_outages": "-, the same outside outages",
    "outage_lost_kwh": "kWh", "curtailment_lost_kwh": "kWh", "outage_hours": "h",
    "coverage_percent": "%, share of the expectation in hours with readings",
    "self_consumed_kwh": "kWh", "exported_kwh": "kWh", "load_kwh": "kWh",
    "grid_import_kwh": "kWh", "factor_tco2_per_mwh": "tCO2/MWh",
    "avoided_tco2": "tCO2", "avoided_self_consumed_tco2": "tCO2",
    "avoided_exported_tco2": "tCO2", "certificates": "count",
    "certificates_tradable": "count", "certificates_non_tradable": "count",
    "scope2_location_before_tco2": "tCO2", "scope2_location_after_tco2": "tCO2",
    "scope2_market_before_tco2": "tCO2", "scope2_market_after_tco2": "tCO2",
    "plan_generation_kwh": "kWh, the plan's generation (after its curtailment) in the month",
    "plan_self_consumed_kwh": "kWh", "plan_exported_kwh": "kWh",
    "plan_avoided_tco2": "tCO2", "plan_certificates": "count",
}


@dataclass(frozen=True)
class Note:
    """A statement about the analysis: a catalogue key (``monitor.notes.<id>``) and values."""

    id: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The note in ``lang`` from the message catalogue (a value given in both languages,
        ``{"en": ..., "zh": ...}``, in ``lang``)."""
        values = {name: value_in(value, lang) for name, value in self.values.items()}
        return translate(f"monitor.notes.{self.id}", lang, **values)


@dataclass
class MonitorResult:
    """Metered PV generation against the plan, and the carbon account as measured.

    Energies in kWh, power in kW, emissions in tCO2, certificates as counts (1 MWh each).

    Attributes
    ----------
    scenario_name : str
        The scenario compared with.
    basis : {"typical_year", "measured_weather"}
        What the expectation is: the plan's typical year on the metered dates, or the plan's
        PV model under measured weather.
    capacity_kwp : float
        The plan's DC capacity [kWp].
    start, end : str
        First hour and the hour after the last one of the metered period (ISO, site
        standard time).
    expected_kwh, actual_kwh : float
        Expected and metered energy over the hours with readings [kWh].
    expected_period_kwh : float
        Expected energy over the whole period, hours without readings included [kWh].
    performance_index, performance_index_excluding_outages : float
        ``actual / expected`` over the hours with readings, and outside outages [-].
    outages, curtailment, data_gaps : list of Event
        What was found, with energy lost (none for a data gap).
    degradation : DegradationTrend or None
        The trend when more than a year of data allows one.
    self_consumption_basis : {"load_file", "plan_ratio", "mixed"}
        How generation was split into self-consumed and exported energy.
    hourly : pandas.DataFrame
        Hourly ``actual_kw``, ``expected_kw``, ``expected_typical_kw``, ``outage``,
        ``curtailment``, ``outage_lost_kwh``, ``curtailment_lost_kwh`` and the split columns.
    daily : pandas.DataFrame
        :func:`~pvplanner.monitor.performance.daily_table` rows.
    monthly : pandas.DataFrame
        Index ``period`` (``YYYY-MM``); the columns of :data:`MONTHLY_COLUMNS`.
    notes : list of Note
        What was assumed and found, as catalogue keys.
    quality : dict
        The meter reader's reports: ``generation``, ``load`` (when given).
    emission_factor : dict
        The location-based factor used (id, region, value, source, status).
    weather : dict
        The measured weather used (``kind``, ``description``, ``years``) or empty.
    """

    scenario_name: str
    basis: str
    capacity_kwp: float
    start: str
    end: str
    expected_kwh: float
    actual_kwh: float
    expected_period_kwh: float
    performance_index: float
    performance_index_excluding_outages: float
    outages: list[Event]
    curtailment: list[Event]
    data_gaps: list[Event]
    degradation: DegradationTrend | None
    self_consumption_basis: str
    hourly: pd.DataFrame = field(repr=False)
    daily: pd.DataFrame = field(repr=False)
    monthly: pd.DataFrame = field(repr=False)
    notes: list[Note] = field(default_factory=list)
    quality: dict[str, Any] = field(default_factory=dict, repr=False)
    emission_factor: dict[str, Any] = field(default_factory=dict)
    weather: dict[str, Any] = field(default_factory=dict)

    def total(self, column: str) -> float:
        """Sum of a monthly column over the period."""
        return float(self.monthly[column].sum()) if column in self.monthly else 0.0

    @property
    def first_day(self) -> str:
        """The first metered day (``YYYY-MM-DD``, site standard time)."""
        return local_day(self.start)

    @property
    def last_day(self) -> str:
        """The last metered day (``YYYY-MM-DD``): ``end`` is the hour after the last hour."""
        return last_day(self.end)

    @property
    def days(self) -> int:
        """Metered days, the first and the last included [-]."""
        return int(len(self.daily))

    @property
    def avoided_tco2(self) -> float:
        """CO2 avoided by the metered generation [tCO2]."""
        return self.total("avoided_tco2")

    @property
    def certificates(self) -> int:
        """Green certificates (GEC) earned by the metered generation [count]."""
        return int(round(self.total("certificates")))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready dictionary: the keys of DESIGN.md (``expected_kwh``, ``actual_kwh``,
        ``performance_index``, ``performance_index_excluding_outages``, ``outages[]``,
        ``avoided_tco2``, ``certificates``, ``monthly[]``) and more; notes in ``lang``."""
        monthly = self.monthly.reset_index().to_dict(orient="records")
        daily = self.daily.reset_index().rename(columns={"period": "day"})
        lost = sum(e.lost_kwh for e in self.outages)
        return json_safe({
            "scenario_name": self.scenario_name,
            "basis": self.basis,
            "capacity_kwp": self.capacity_kwp,
            "period": {"start": self.start, "end": self.end,
                       "days": self.days,
                       "hours_with_readings": int(self.hourly["actual_kw"].notna().sum())},
            "expected_kwh": self.expected_kwh,
            "actual_kwh": self.actual_kwh,
            "expected_period_kwh": self.expected_period_kwh,
            "performance_index": self.performance_index,
            "performance_index_excluding_outages": self.performance_index_excluding_outages,
            "outages": [e.to_dict() for e in self.outages],
            "outage_lost_kwh": lost,
            "curtailment": [e.to_dict() for e in self.curtailment],
            "curtailment_lost_kwh": sum(e.lost_kwh for e in self.curtailment),
            "data_gaps": [e.to_dict() for e in self.data_gaps],
            "degradation": self.degradation.to_dict() if self.degradation else None,
            "self_consumption_basis": self.self_consumption_basis,
            "generation_kwh": self.total("actual_kwh"),
            "self_consumed_kwh": self.total("self_consumed_kwh"),
            "exported_kwh": self.total("exported_kwh"),
            "avoided_tco2": self.avoided_tco2,
            "avoided_tco2_plan": self.total("plan_avoided_tco2"),
            "certificates": self.certificates,
            "certificates_tradable": int(round(self.total("certificates_tradable"))),
            "certificates_non_tradable": int(round(self.total("certificates_non_tradable"))),
            "certificates_plan": int(round(self.total("plan_certificates"))),
            "scope2": {key: self.total(key) for key in (
                "scope2_location_before_tco2", "scope2_location_after_tco2",
                "scope2_market_before_tco2", "scope2_market_after_tco2")},
            "emission_factor": self.emission_factor,
            "weather": self.weather,
            "monthly": monthly,
            "monthly_units": MONTHLY_COLUMNS,
            "daily": daily.to_dict(orient="records"),
            "notes": [note.text(lang) for note in self.notes],
            "quality": self.quality,
        })
