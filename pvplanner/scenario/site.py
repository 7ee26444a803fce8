"""Scenario inputs owned by the planner itself: site, weather choice, load source, battery,
grid connection (project), constraints and objective. Technology, tariff, finance and
carbon inputs are defined beside the code that uses them (``pv``, ``tariff``, ``finance``,
``carbon``) and composed in :mod:`pvplanner.scenario.model`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pvplanner.messages import listing
from pvplanner.pv.models import YesNo
from pvplanner.scenario.rules import rule_broken


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Site(_Model):
    """Where the roof is."""

    name: str = Field("Site", max_length=200, description="Site or company name")
    latitude: float = Field(..., ge=-90, le=90, description="Latitude [deg], north positive")
    longitude: float = Field(..., ge=-180, le=180, description="Longitude [deg], east positive")
    elevation_m: float | None = Field(
        None, ge=-500, le=9000, description="Elevation [m]; from the weather data if omitted"
    )
    utc_offset_hours: float | None = Field(
        None, ge=-12, le=14, description="Local standard time offset [h]; from the location"
    )
    country: str = Field("CN", min_length=2, max_length=2, description="ISO 3166 code")
    province: str | None = Field(
        None, description="Province (China), used for the export price and emission factor"
    )
    city: str | None = Field(None, description="City name, for display and climatology")


class WeatherChoice(_Model):
    """Which weather year to use."""

    source: Literal["auto", "pvgis", "nasa-power", "synthetic", "file"] = Field(
        "auto", description="auto: PVGIS (cached or online), else synthetic from climatology"
    )
    file: str | None = Field(None, description="Weather file path when source = file")
    file_name: str | None = Field(
        None, max_length=255,
        description="The name the weather file was uploaded under, shown to readers instead "
        "of its stored name; None when not known (then 'the uploaded weather file')")
    seed: int = Field(0, ge=0, description="Seed of the synthetic weather generator")

    @model_validator(mode="after")
    def _file_given(self) -> WeatherChoice:
        if self.source == "file" and not self.file:
            raise rule_broken(
                "weather_file", "a weather file is needed when the weather comes from a file",
                field="file")
        return self


class LoadInput(_Model):
    """The company's electricity use: 12 monthly bills, an annual total or a meter file."""

    kind: Literal["bills", "annual", "meter_file"] = "bills"
    template: str = Field(
        "three_shift_continuous", description="Industry template that shapes bills into hours"
    )
    monthly_kwh: list[float] | None = Field(
        None, min_length=12, max_length=12, description="Energy of each month's bill [kWh]"
    )
    monthly_period_kwh: dict[str, list[float]] | None = Field(
        None, description="Optional split of each bill by TOU period (sharp/peak/flat/valley)"
    )
    annual_kwh: float | None = Field(None, gt=0, le=1e10, description="Annual energy [kWh]")
    meter_file: str | None = Field(None, description="Meter export (CSV/XLSX) path")
    meter_file_name: str | None = Field(
        None, max_length=255,
        description="The name the meter file was uploaded under, shown to readers instead "
        "of its stored name; None when not known (then 'the uploaded meter file')")
    meter_units: Literal["auto", "kw", "kwh"] = "auto"

    @model_validator(mode="after")
    def _consistent(self) -> LoadInput:
        if self.kind == "bills":
            if self.monthly_kwh is None:
                raise rule_broken(
                    "bills_required",
                    "the 12 monthly bills (kWh) are needed when the load comes from bills",
                    field="monthly_kwh")
            bad = [i + 1 for i, v in enumerate(self.monthly_kwh) if not 0 <= v <= 1e9]
            if bad:
                raise rule_broken(
                    "bills_range", "the consumption must be between 0 and 1,000,000,000 kWh; "
                    "months outside that: {months}", field="monthly_kwh",
                    months=listing(bad)
                )
            if sum(self.monthly_kwh) <= 0:
                raise rule_broken("bills_zero", "the monthly bills add up to zero kWh: enter the "
                                  "site's real consumption", field="monthly_kwh")
        if self.kind == "annual" and self.annual_kwh is None:
            raise rule_broken(
                "annual_required", "the yearly consumption (kWh) is needed when the load comes "
                "from a yearly total", field="annual_kwh")
        if self.kind == "meter_file" and not self.meter_file:
            raise rule_broken(
                "meter_required", "a meter data file is needed when the load comes from meter "
                "data", field="meter_file")
        return self


class BatteryOptions(_Model):
    """Whether and how a battery may be added."""

    allowed: YesNo = False
    min_energy_kwh: float = Field(0.0, ge=0)
    max_energy_kwh: float | None = Field(
        None, ge=0, le=1e7,
        description="Largest energy capacity the optimizer may choose [kWh]; empty: one day "
                    "of the load's mean daily energy (data/battery_defaults.toml)",
    )
    min_power_kw: float = Field(0.0, ge=0)
    max_power_kw: float = Field(2500.0, ge=0, le=1e7)
    charge_efficiency: float = Field(0.95, gt=0.5, le=1.0, description="AC->stored fraction")
    discharge_efficiency: float = Field(0.95, gt=0.5, le=1.0, description="stored->AC fraction")
    min_soc_fraction: float = Field(0.1, ge=0, lt=1)
    max_c_rate: float = Field(0.5, gt=0, le=4, description="max power / energy [1/h]")
    grid_charging: YesNo = Field(
        True, description="Whether the battery may charge from the grid; if not, it charges "
                          "only from PV beyond the load (PV serves the load first)")

    @model_validator(mode="after")
    def _ordered(self) -> BatteryOptions:
        if self.max_energy_kwh is not None and self.min_energy_kwh > self.max_energy_kwh:
            raise rule_broken(
                "battery_energy_order", "the battery's smallest capacity (kWh) exceeds its "
                "largest", field="min_energy_kwh")
        if self.min_power_kw > self.max_power_kw:
            raise rule_broken(
                "battery_power_order", "the battery's smallest power (kW) exceeds its largest",
                field="min_power_kw")
        return self


class ProjectInputs(_Model):
    """How the plant connects to the grid: the facts 国能发新能规〔2025〕7号 sorts it by.

    The connection voltage sets the category (general C&I: 10 kV (20 kV) or below, up to
    6 MW; large C&I: 35 kV up to 20 MW, 66 / 110 kV up to 50 MW; ``data/pv_categories.csv``),
    which caps the capacity the optimizer may choose and the modes the plant may use.
    """

    grid_voltage_kv: float | None = Field(
        None, gt=0, le=1000,
        description="Voltage of the grid connection point [kV] (0.4, 10, 20, 35, 66 or 110); "
                    "empty: 10 kV (20 kV) or below assumed, i.e. general C&I",
    )
    connection_mode: Literal["self_use", "surplus_export", "full_export"] | None = Field(
        None,
        description="self_use: 全部自发自用 (zero export); surplus_export: 自发自用余电上网; "
                    "full_export: 全额上网 (not open to C&I); empty: surplus export where the "
                    "category allows it, else self-use",
    )
    spot_market_continuous: YesNo | None = Field(
        None,
        description="Whether the province's electricity spot market runs continuously "
                    "(large C&I may export only there); empty: data/pv_province_rules.csv, "
                    "unknown counting as no",
    )


class Constraints(_Model):
    """Limits on the design and the objective to optimize."""

    objective: Literal["max_npv", "max_self_sufficiency", "min_cost_for_co2"] = "max_npv"
    export_limit_kw: float | None = Field(
        None, ge=0, description="Max export [kW]; 0 = zero export (防逆流); None = no limit"
    )
    interconnection_limit_kw: float | None = Field(None, gt=0)
    min_total_kwp: float = Field(0.0, ge=0)
    max_total_kwp: float | None = Field(None, gt=0)
    capital_budget: float | None = Field(None, gt=0, description="Max capex [currency]")
    min_self_consumption_ratio: float | None = Field(
        None, ge=0, le=1,
        description="Share of the year's PV output the site must use itself [fraction]; the "
                    "plan enforces the larger of it and the province's minimum (7号)",
    )
    min_renewable_share: float | None = Field(None, ge=0, le=1)
    co2_reduction_target_tco2: float | None = Field(
        None, ge=0, description="Year-1 avoided tCO2 required (min_cost_for_co2)"
    )
    max_payback_years: float | None = Field(
        None, gt=0, le=40, description="Payback bound for max_self_sufficiency"
    )
    solver_time_limit_s: float = Field(
        4.0, ge=1, le=600,
        description=(
            "Time limit [s] of each search for the best design and for the year-1 "
            "dispatch when exports are paid more than some imports (the no-import-and-"
            "export-at-once rule needs branching); the result states the remaining "
            "optimality gap, which a longer limit narrows"
        ),
    )

    @model_validator(mode="after")
    def _ordered(self) -> Constraints:
        if self.max_total_kwp is not None and self.min_total_kwp > self.max_total_kwp:
            raise rule_broken(
                "kwp_order", "the smallest total PV capacity (kWp) exceeds the largest",
                field="min_total_kwp")
        if self.objective == "min_cost_for_co2" and self.co2_reduction_target_tco2 is None:
            raise rule_broken(
                "co2_target_required",
                "a CO2 reduction target (tCO2) is needed for the objective of the lowest cost "
                "that meets it", field="co2_reduction_target_tco2")
        return self
