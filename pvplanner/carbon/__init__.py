"""Carbon: emission factors, avoided emissions, Scope 2, green certificates and carbon credits."""

from __future__ import annotations

from pvplanner.carbon.accounting import (
    CarbonInputs,
    Scope2Result,
    avoided_emissions,
    carbon_ledger,
    certificate_split,
    credit_eligibility,
    double_counting_check,
    scope2,
)
from pvplanner.carbon.factors import (
    EmissionFactor,
    LocationFactorChoice,
    combined_margin,
    emission_factor,
    factor_decline_rate,
    factor_id_for_province,
    grid_factor_decline,
    grid_factor_path,
    location_factor_for,
    province_grid_region,
)
from pvplanner.carbon.implied import (
    closest_factors,
    implied_factor_tco2_per_mwh,
    reference_plant_comparison,
)
from pvplanner.carbon.tables import (
    carbon_asset,
    carbon_defaults,
    load_carbon_assets,
    load_emission_factors,
)

__all__ = [
    "avoided_emissions",
    "carbon_asset",
    "carbon_defaults",
    "carbon_ledger",
    "CarbonInputs",
    "certificate_split",
    "closest_factors",
    "combined_margin",
    "credit_eligibility",
    "double_counting_check",
    "emission_factor",
    "EmissionFactor",
    "factor_decline_rate",
    "factor_id_for_province",
    "grid_factor_decline",
    "grid_factor_path",
    "implied_factor_tco2_per_mwh",
    "load_carbon_assets",
    "load_emission_factors",
    "location_factor_for",
    "LocationFactorChoice",
    "province_grid_region",
    "reference_plant_comparison",
    "scope2",
    "Scope2Result",
]
