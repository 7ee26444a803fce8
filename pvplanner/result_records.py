"""Records of a :class:`~pvplanner.result.Result` for what comes before and beside the PV:
the saving measures applied to the load (``Result.measures``, ``Result.measures_combined``)
and the electricity part of the product carbon footprint (``Result.footprint``).

Plain frozen dataclasses with units in their field names; :mod:`pvplanner.result` holds them
and turns them into JSON and back. This module imports nothing from :mod:`pvplanner`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["FootprintSummary", "MeasureResult", "MeasuresCombined"]


@dataclass(frozen=True)
class MeasureResult:
    """One saving measure applied to the load before the PV was sized (``measures[]``).

    Attributes
    ----------
    id, name_en, name_zh : str
        Catalogue id (``data/measures/catalogue.toml``) and names.
    effect : str
        ``share`` (a share of the load in some hours), ``kw_cut`` (kW removed in some
        hours) or ``shift`` (energy moved from peak to valley hours of the same day).
    parameters : dict
        The effect's parameters as used (``end_use_share``, ``saving_fraction`` [fraction],
        ``cut_kw`` [kW], ``shift_fraction`` [fraction], ``window``, periods).
    kwh_saved_per_year : float
        Energy the measure removes from the year's load [kWh/yr] (0 for a shift).
    kwh_shifted_per_year : float
        Energy moved to other hours [kWh/yr] (shifts only).
    bill_savings_per_year : float
        The bill of the load before the measure minus the bill after it, with the plan's
        tariff (energy, demand and capacity charges) [currency/yr]; measures are applied in
        the scenario's order, each to the load the previous left, so the savings add up.
    capex : float
        Its cost [currency] (catalogue cost x its basis, or the scenario's capex).
    simple_payback_years : float or None
        ``capex / bill_savings_per_year`` [years]; None when it saves nothing.
    life_years : float
        Service life [years].
    tco2_avoided_per_year : float
        ``kwh_saved_per_year`` x the location-based grid factor [tCO2/yr].
    source, date, status : str
        Where the effect's figures come from (``official``, ``secondary``, ``unverified``,
        ``derived`` = from the company's own data).
    cost_source, cost_status : str
        Where the cost comes from.
    from_data : list of str
        Parameters taken from the company's load data (e.g. ``cut_kw``).
    user_set : list of str
        Parameters the scenario set.
    notes : list of str
        What the reader should know (e.g. no valley hours to shift into).
    """

    id: str
    name_en: str
    name_zh: str
    effect: str
    parameters: dict[str, Any]
    kwh_saved_per_year: float
    kwh_shifted_per_year: float
    bill_savings_per_year: float
    capex: float
    simple_payback_years: float | None
    life_years: float
    tco2_avoided_per_year: float
    source: str
    date: str
    status: str
    cost_source: str = ""
    cost_status: str = ""
    from_data: list[str] = field(default_factory=list)
    user_set: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MeasuresCombined:
    """The combined plan: saving measures, then PV and battery sized to the reduced load.

    With measures chosen, :attr:`Result.bills` and :attr:`Result.energy` describe the load
    after the measures; this record compares everything with the load as it was.

    Attributes
    ----------
    load_baseline_kwh, load_after_measures_kwh, kwh_saved_per_year : float
        The year's load without and with the measures, and their difference [kWh].
    bill_baseline_annual : float
        Bill of the load without measures and without the system [currency/yr].
    bill_after_measures_annual : float
        Bill after the measures, without the system [currency/yr].
    bill_with_measures_and_system_annual : float
        Bill with measures, PV and battery (= ``bills.with_system_annual``) [currency/yr].
    bill_savings_measures_annual, bill_savings_system_annual, bill_savings_total_annual : float
        What the measures save, what the system saves on top of them
        (= ``bills.savings_annual``) and both together [currency/yr].
    capex_measures, capex_system, capex_total : float
        Investment in the measures, in PV and battery (= ``finance.capex``), and both
        [currency].
    simple_payback_measures_years, simple_payback_total_years : float or None
        Capex over year-1 bill savings, of the measures and of the combined plan [years];
        None when nothing is saved (the system's own paybacks are in ``finance``).
    tco2_avoided_measures_per_year, tco2_avoided_system_per_year,
    tco2_avoided_total_per_year : float
        CO2 avoided by the energy the measures save, by the PV in year 1
        (= ``carbon.avoided_tco2_year1``) and both [tCO2/yr].
    """

    load_baseline_kwh: float
    load_after_measures_kwh: float
    kwh_saved_per_year: float
    bill_baseline_annual: float
    bill_after_measures_annual: float
    bill_with_measures_and_system_annual: float
    bill_savings_measures_annual: float
    bill_savings_system_annual: float
    bill_savings_total_annual: float
    capex_measures: float
    capex_system: float
    capex_total: float
    simple_payback_measures_years: float | None
    simple_payback_total_years: float | None
    tco2_avoided_measures_per_year: float
    tco2_avoided_system_per_year: float
    tco2_avoided_total_per_year: float


@dataclass(frozen=True)
class FootprintSummary:
    """Electricity part of the product carbon footprint, per unit of product.

    Two factor families are kept apart: the product-footprint factor (a life-cycle figure,
    kgCO2e/kWh, e.g. MEE/NBS/NEA's 2024 national electricity carbon-footprint factor) and the
    Scope 2 factors of :attr:`CarbonSummary` (grid average and residual mix, combustion
    only, kgCO2/kWh = tCO2/MWh). Grid purchases carry the factor; on-site PV counts zero
    (its own life-cycle emissions are outside this electricity part).

    Attributes
    ----------
    unit : str
        The unit of product as entered (``t``, ``件``, ``m2``...).
    annual_units : float
        Units produced in the year.
    factor_id : str
        Row of ``data/carbon/footprint_factors.csv``.
    factor_kgco2e_per_kwh : float
        The product-footprint factor [kgCO2e/kWh].
    factor_source, factor_date, factor_status : str
        Its source, publication date and status.
    scope2_location_kgco2_per_kwh, scope2_residual_kgco2_per_kwh : float
        The plan's Scope 2 factors [kgCO2/kWh].
    certificates : str
        The scenario's certificate choice (market-based figures follow it).
    stages : list of dict
        One per stage: ``stage`` (``baseline`` = the load as it was; ``measures`` = after
        the saving measures, when any; ``system`` = with measures, PV and battery),
        ``units``, ``load_kwh``, ``grid_kwh`` [kWh/yr], ``kwh_per_unit``,
        ``grid_kwh_per_unit`` [kWh/unit], ``footprint_location_kgco2e_per_unit``,
        ``footprint_market_kgco2e_per_unit`` [kgCO2e/unit, footprint factor],
        ``scope2_location_kgco2_per_unit``, ``scope2_market_kgco2_per_unit``
        [kgCO2/unit, Scope 2 factors]. Market-based: certificates retired by the company
        cover purchases, sold ones leave the self-consumed PV at the market factor
        (:func:`pvplanner.carbon.scope2`'s rules).
    monthly : list of dict
        The same per month and stage (``month`` 1-12 first); per-unit values None in a
        month without production.
    note : str
        How the figures are computed.
    """

    unit: str
    annual_units: float
    factor_id: str
    factor_kgco2e_per_kwh: float
    factor_source: str
    factor_date: str
    factor_status: str
    scope2_location_kgco2_per_kwh: float
    scope2_residual_kgco2_per_kwh: float
    certificates: str
    stages: list[dict[str, Any]]
    monthly: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
