"""The carbon account as measured: energy split, avoided CO2, certificates and Scope 2 by month.

Every rule is the carbon module's (:mod:`pvplanner.carbon`): the site's emission factor and
its decline per operating year (:func:`~pvplanner.carbon.grid_factor_path`), avoided
emissions of self-consumed and exported energy (:func:`~pvplanner.carbon.avoided_emissions`),
certificates by kind with the fraction carried from month to month
(:func:`~pvplanner.carbon.certificate_split`: non-tradable for self-consumed MWh, tradable for
exported MWh outside a 136号 mechanism contract) and Scope 2 before and after PV
(:func:`~pvplanner.carbon.scope2`). This module only applies them to metered months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import pvplanner.carbon as carbon

__all__ = ["CarbonRules", "carbon_account", "energy_split"]


@dataclass(frozen=True)
class CarbonRules:
    """The scenario's carbon choices as the account applies them.

    Attributes
    ----------
    factor : carbon.EmissionFactor
        Location-based grid factor of the site (year 1 of operation).
    residual : carbon.EmissionFactor
        Residual-mix factor (market-based Scope 2).
    decline_rate : float
        Yearly decline of the grid factor [fraction/yr].
    certificates : str
        What happens to the certificates (``sell``, ``retain``...).
    mechanism_share : float
        Share of exports settled under a 136号 mechanism contract [-] (they earn none).
    mechanism_years : int
        Operating years the mechanism contract runs [years].
    """

    factor: carbon.EmissionFactor
    residual: carbon.EmissionFactor
    decline_rate: float
    certificates: str
    mechanism_share: float
    mechanism_years: int


def energy_split(generation_kw: pd.Series, load_kw: pd.Series | None,
                 plan_load_kw: pd.Series, self_consumption_ratio: float) -> pd.DataFrame:
    """Self-consumed, exported and imported energy of each hour.

    Where the hour's load was metered: self-consumed = min(generation, load), exported =
    generation - self-consumed, imported = load - self-consumed. Elsewhere the plan's
    self-consumption ratio splits the generation and the plan's load for that hour stands in
    for the load (``split_from_load`` is False there).

    Parameters
    ----------
    generation_kw : pandas.Series
        Metered PV output, hourly mean [kW]; NaN = not metered (counted as 0: nothing is
        credited without a reading).
    load_kw : pandas.Series or None
        Metered site consumption on the same index [kW]; NaN where missing.
    plan_load_kw : pandas.Series
        The plan's load on the same index [kW].
    self_consumption_ratio : float
        The plan's self-consumed share of generation [-].

    Returns
    -------
    pandas.DataFrame
        Hourly ``generation_kwh``, ``self_consumed_kwh``, ``exported_kwh``, ``load_kwh``,
        ``grid_import_kwh`` [kWh] and ``split_from_load`` (bool).

    Examples
    --------
    >>> index = pd.date_range("2025-06-01 10:00", periods=3, freq="h", tz="UTC")
    >>> gen = pd.Series([100.0, 100.0, np.nan], index=index)
    >>> load = pd.Series([60.0, np.nan, 50.0], index=index)
    >>> split = energy_split(gen, load, pd.Series(80.0, index=index), 0.75)
    >>> split[["self_consumed_kwh", "exported_kwh", "grid_import_kwh"]].to_numpy().tolist()
    [[60.0, 40.0, 0.0], [75.0, 25.0, 5.0], [0.0, 0.0, 50.0]]
    """
    gen = np.nan_to_num(generation_kw.to_numpy(dtype=float), nan=0.0)
    measured = (np.full(len(gen), np.nan) if load_kw is None
                else load_kw.reindex(generation_kw.index).to_numpy(dtype=float))
    from_load = np.isfinite(measured)
    load = np.where(from_load, measured, plan_load_kw.to_numpy(dtype=float))
    self_kwh = np.where(from_load, np.minimum(gen, load), gen * float(self_consumption_ratio))
    return pd.DataFrame({
        "generation_kwh": gen,
        "self_consumed_kwh": self_kwh,
        "exported_kwh": gen - self_kwh,
        "load_kwh": load,
        "grid_import_kwh": np.maximum(load - self_kwh, 0.0),
        "split_from_load": from_load,
    }, index=generation_kw.index)


def carbon_account(split: pd.DataFrame, operating_year: np.ndarray,
                   rules: CarbonRules) -> pd.DataFrame:
    """Avoided CO2, certificates and Scope 2 of each month of hourly energy.

    Parameters
    ----------
    split : pandas.DataFrame
        :func:`energy_split` rows (hourly, tz-aware index) [kWh].
    operating_year : numpy.ndarray
        Operating year (1, 2, ...) of each row: picks the grid factor of that year.
    rules : CarbonRules
        The scenario's carbon choices.

    Returns
    -------
    pandas.DataFrame
        Index ``period`` (``YYYY-MM``): ``generation_kwh``, ``self_consumed_kwh``,
        ``exported_kwh``, ``mechanism_kwh``, ``load_kwh``, ``grid_import_kwh`` [kWh];
        ``factor_tco2_per_mwh``; ``avoided_self_consumed_tco2``, ``avoided_exported_tco2``,
        ``avoided_tco2`` [tCO2]; ``certificates_tradable``, ``certificates_non_tradable``,
        ``certificates`` [count, whole certificates, fractions carried to the next month];
        ``scope2_location_before_tco2``, ``scope2_location_after_tco2``,
        ``scope2_market_before_tco2``, ``scope2_market_after_tco2`` [tCO2].
    """
    key = split.index.tz_localize(None).strftime("%Y-%m")
    years = np.asarray(operating_year, dtype=int)
    mechanism = np.where(years <= int(rules.mechanism_years),
                         split["exported_kwh"].to_numpy() * float(rules.mechanism_share), 0.0)
    energy = split[["generation_kwh", "self_consumed_kwh", "exported_kwh", "load_kwh",
                    "grid_import_kwh"]].assign(mechanism_kwh=mechanism, year=years)
    grouped = energy.groupby(pd.Index(key, name="period"), sort=True)
    monthly = grouped.sum().drop(columns="year")
    first_year = grouped["year"].min().to_numpy()
    path = carbon.grid_factor_path(rules.factor.factor_tco2_per_mwh, int(years.max()),
                                   rules.decline_rate)
    monthly["factor_tco2_per_mwh"] = path[first_year - 1]
    avoided = [carbon.avoided_emissions(max(sc, 0.0), max(ex, 0.0), f, 1).iloc[0]
               for sc, ex, f in zip(monthly["self_consumed_kwh"], monthly["exported_kwh"],
                                    monthly["factor_tco2_per_mwh"], strict=True)]
    monthly["avoided_self_consumed_tco2"] = [a["self_consumed_tco2"] for a in avoided]
    monthly["avoided_exported_tco2"] = [a["exported_tco2"] for a in avoided]
    monthly["avoided_tco2"] = [a["total_tco2"] for a in avoided]
    certificates = carbon.certificate_split(monthly["self_consumed_kwh"].to_numpy() / 1000.0,
                                            monthly["exported_kwh"].to_numpy() / 1000.0,
                                            monthly["mechanism_kwh"].to_numpy() / 1000.0)
    monthly["certificates_tradable"] = certificates["tradable"]
    monthly["certificates_non_tradable"] = certificates["non_tradable"]
    monthly["certificates"] = certificates["tradable"] + certificates["non_tradable"]
    scope = [carbon.scope2(max(load, 0.0), max(imp, 0.0), max(sc, 0.0),
                           location_factor=f, residual_factor=rules.residual.factor_tco2_per_mwh,
                           certificates=rules.certificates,  # type: ignore[arg-type]
                           exported_kwh=max(ex, 0.0))
             for load, imp, sc, ex, f in zip(monthly["load_kwh"], monthly["grid_import_kwh"],
                                             monthly["self_consumed_kwh"],
                                             monthly["exported_kwh"],
                                             monthly["factor_tco2_per_mwh"], strict=True)]
    monthly["scope2_location_before_tco2"] = [s.location_before_tco2 for s in scope]
    monthly["scope2_location_after_tco2"] = [s.location_after_tco2 for s in scope]
    monthly["scope2_market_before_tco2"] = [s.market_before_tco2 for s in scope]
    monthly["scope2_market_after_tco2"] = [s.market_after_tco2 for s in scope]
    return monthly
