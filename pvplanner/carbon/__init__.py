"""Carbon: emission factors, avoided emissions, Scope 2, green certificates and carbon credits."""

from __future__ import annotations

from pvplanner.carbon.accounting import (
    CarbonInputs,
    EmissionFactor,
    Scope2Result,
    avoided_emissions,
    carbon_asset,
    carbon_defaults,
    carbon_ledger,
    combined_margin,
    credit_eligibility,
    double_counting_check,
    emission_factor,
    factor_id_for_province,
    grid_factor_path,
    load_carbon_assets,
    load_emission_factors,
    province_grid_region,
    scope2,
)

__all__ = [
    "avoided_emissions",
    "carbon_asset",
    "carbon_defaults",
    "carbon_ledger",
    "CarbonInputs",
    "combined_margin",
    "credit_eligibility",
    "double_counting_check",
    "emission_factor",
    "EmissionFactor",
    "factor_id_for_province",
    "grid_factor_path",
    "load_carbon_assets",
    "load_emission_factors",
    "province_grid_region",
    "scope2",
    "Scope2Result",
]
