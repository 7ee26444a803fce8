"""The Result of :func:`pvplanner.pipeline.plan`: scalars for KPIs, tables for charts/reports.

``Result.to_dict()`` is the JSON form the CLI prints (keys in DESIGN.md; more may be added,
none renamed). Tables stay pandas DataFrames for the app, the reports and the store.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd


def _clean(value: Any) -> Any:
    """JSON-safe scalars: numpy -> Python, NaN/inf -> None."""
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class PlaneResult:
    name: str
    capacity_kwp: float
    max_kwp: float
    tilt_deg: float
    azimuth_deg: float
    mounting: str
    annual_generation_kwh: float
    specific_yield_kwh_per_kwp: float


@dataclass(frozen=True)
class PVSummary:
    capacity_kwp: float
    annual_generation_kwh: float
    specific_yield_kwh_per_kwp: float
    max_capacity_kwp: float
    planes: list[PlaneResult]


@dataclass(frozen=True)
class BatterySummary:
    energy_kwh: float
    power_kw: float
    annual_discharge_kwh: float = 0.0


@dataclass(frozen=True)
class EnergySummary:
    load_kwh: float
    self_consumed_kwh: float
    exported_kwh: float
    imported_kwh: float
    curtailed_kwh: float
    self_consumption_ratio: float
    self_sufficiency_ratio: float


@dataclass(frozen=True)
class BillSummary:
    baseline_annual: float
    with_system_annual: float
    savings_annual: float
    currency: str
    energy_savings_annual: float
    demand_savings_annual: float
    export_revenue_annual: float


@dataclass(frozen=True)
class FinanceSummary:
    ownership: str
    capex: float
    npv: float
    irr: float | None
    equity_irr: float | None
    payback_years: float | None
    discounted_payback_years: float | None
    lcoe_per_kwh: float | None
    benefit_cost_ratio: float | None
    host_savings_lifetime: float | None = None
    investor_irr: float | None = None


@dataclass(frozen=True)
class CarbonSummary:
    emission_factor_tco2_per_mwh: float
    emission_factor_source: str
    avoided_tco2_year1: float
    avoided_tco2_lifetime: float
    certificates_year1: int
    certificate_revenue_year1: float
    credits_tco2_year1: float
    credit_revenue_year1: float
    scope2: dict[str, Any]
    double_counting_note: str


@dataclass(frozen=True)
class SolverSummary:
    """How the sizing was solved.

    ``status`` is "optimal" (proven within the solver's tolerance) or "feasible" (the time
    limit stopped the proof); ``optimality_gap`` is then the most a better design could
    add to the NPV [currency], and ``year1_dispatch_gap`` the same bound for the year-1
    dispatch of the chosen design (both 0 when proven).
    """

    status: str
    seconds: float
    backend: str
    objective: str
    objective_parts: dict[str, float]
    optimality_gap: float = 0.0
    year1_dispatch_gap: float = 0.0


@dataclass
class Result:
    """Everything :func:`plan` found; the CLI, app, reports and batch runner read this."""

    scenario_name: str
    currency: str
    pv: PVSummary
    battery: BatterySummary
    energy: EnergySummary
    bills: BillSummary
    finance: FinanceSummary
    carbon: CarbonSummary
    solver: SolverSummary
    weather: dict[str, Any]
    hourly: pd.DataFrame = field(repr=False)
    monthly: pd.DataFrame = field(repr=False)
    cash_flow: pd.DataFrame = field(repr=False)
    carbon_ledger: pd.DataFrame = field(repr=False)
    npv_curve: pd.DataFrame = field(repr=False)
    bill_baseline_monthly: pd.DataFrame = field(repr=False)
    bill_with_system_monthly: pd.DataFrame = field(repr=False)
    warnings: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)

    def to_dict(self, *, tables: bool = False) -> dict[str, Any]:
        """JSON-ready dictionary with the DESIGN.md keys (``tables`` adds monthly/cash flow)."""
        out: dict[str, Any] = {
            "scenario": self.scenario_name,
            "currency": self.currency,
            "pv": asdict(self.pv),
            "battery": asdict(self.battery),
            "energy": asdict(self.energy),
            "bills": asdict(self.bills),
            "finance": asdict(self.finance),
            "carbon": asdict(self.carbon),
            "solver": asdict(self.solver),
            "weather": self.weather,
            "warnings": list(self.warnings),
            "timings_s": self.timings_s,
        }
        if tables:
            out["monthly"] = _records(self.monthly)
            out["cash_flow"] = _records(self.cash_flow)
            out["carbon_ledger"] = _records(self.carbon_ledger)
            out["npv_curve"] = _records(self.npv_curve)
        return _clean(out)

    def summary_text(self) -> str:
        """A few lines for the terminal."""
        f, e, c = self.finance, self.energy, self.carbon
        irr = "n/a" if f.irr is None else f"{f.irr:.1%}"
        payback = "n/a" if f.payback_years is None else f"{f.payback_years:.1f} years"
        lines = [
            f"{self.scenario_name}",
            f"  PV {self.pv.capacity_kwp:,.1f} kWp "
            f"({self.pv.annual_generation_kwh:,.0f} kWh/yr, "
            f"{self.pv.specific_yield_kwh_per_kwp:,.0f} kWh/kWp)",
            f"  battery {self.battery.energy_kwh:,.0f} kWh / {self.battery.power_kw:,.0f} kW",
            f"  self-consumption {e.self_consumption_ratio:.1%}, "
            f"self-sufficiency {e.self_sufficiency_ratio:.1%}",
            f"  bill {self.bills.baseline_annual:,.0f} -> {self.bills.with_system_annual:,.0f} "
            f"{self.currency}/yr (saves {self.bills.savings_annual:,.0f})",
            f"  capex {f.capex:,.0f}, NPV {f.npv:,.0f} {self.currency}, IRR {irr}, "
            f"payback {payback}",
            f"  avoided {c.avoided_tco2_year1:,.1f} tCO2 in year 1, "
            f"{c.avoided_tco2_lifetime:,.0f} t over the life; "
            f"{c.certificates_year1:,d} green certificates in year 1",
            f"  solver {self.solver.status} in {self.solver.seconds:.2f} s",
        ]
        lines += [f"  note: {warning}" for warning in self.warnings]
        return "\n".join(lines)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    flat = frame.reset_index()
    for column in flat.columns:
        if pd.api.types.is_datetime64_any_dtype(flat[column]):
            flat[column] = flat[column].astype(str)
    return flat.to_dict(orient="records")
