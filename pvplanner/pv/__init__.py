"""Roof planes and PV yield with pvlib: roof planes -> capacity limits, weather -> AC kW per kWp."""

from __future__ import annotations

from pvplanner.pv.models import (
    WEATHER_COLUMNS,
    Mounting,
    PVLosses,
    PVModelSettings,
    RoofPlane,
    RowSpacing,
    plane_max_kwp,
    pv_defaults,
    row_spacing,
    validate_planes,
    validate_settings,
    validate_site,
    validate_weather,
)
from pvplanner.pv.simulation import (
    PVSimulation,
    ac_kw_per_kwp,
    degradation_factors,
    lifetime_generation_kwh,
    simulate_pv,
)
from pvplanner.pv.single_array import (
    SingleArrayResult,
    losses_with_total,
    simulate_single_array,
)
from pvplanner.pv.site_weather import (
    load_weather,
)

__all__ = [
    "ac_kw_per_kwp",
    "degradation_factors",
    "lifetime_generation_kwh",
    "load_weather",
    "losses_with_total",
    "Mounting",
    "plane_max_kwp",
    "pv_defaults",
    "PVLosses",
    "PVModelSettings",
    "PVSimulation",
    "RoofPlane",
    "row_spacing",
    "RowSpacing",
    "simulate_pv",
    "simulate_single_array",
    "SingleArrayResult",
    "validate_planes",
    "validate_settings",
    "validate_site",
    "validate_weather",
    "WEATHER_COLUMNS",
]
