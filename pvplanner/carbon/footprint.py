"""Electricity part of a product's carbon footprint: kWh and kgCO2 per unit of product.

A company that reports product footprints divides its electricity, and the emissions that
come with it, by what it made. This module does that month by month for each stage of a plan
(the load as it was, after saving measures, with PV and battery) and keeps two factor
families apart:

* the **product-footprint factor** (``data/carbon/footprint_factors.csv``): a life-cycle
  figure in kgCO2e/kWh, e.g. the 2024 national electricity carbon-footprint factor 0.5777
  published by MEE, NBS and NEA on 2025-10-23, meant for product footprints, not for
  organisational Scope 2;
* the **Scope 2 factors** of the plan (grid average and residual mix, combustion only,
  kgCO2/kWh = tCO2/MWh), as in :attr:`pvplanner.result.CarbonSummary.scope2`.

Both are applied by the same rules, :func:`pvplanner.carbon.accounting.scope2`: purchases
from the grid carry the factor, on-site PV counts zero (location-based); market-based,
retired certificates cover purchases and sold ones leave the self-consumed PV at the
market factor. With no life-cycle residual mix published, the footprint's market-based
figure uses the footprint factor for the purchases not covered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from pvplanner.carbon.accounting import Certificates, scope2
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.result_records import FootprintSummary
from weather.datafiles import data_path

__all__ = [
    "STAGES",
    "FootprintFactor",
    "StageEnergy",
    "footprint_factor",
    "footprint_factors",
    "product_footprint",
]

#: Stages of a plan, in order: the load as it was, after the saving measures, with the system.
STAGES = ("baseline", "measures", "system")

_COLUMNS = ("id", "region", "region_zh", "factor_kgco2e_per_kwh", "basis", "data_year",
            "published", "source", "status", "note")


@dataclass(frozen=True)
class FootprintFactor:
    """One row of ``data/carbon/footprint_factors.csv``.

    Attributes
    ----------
    id, region, region_zh : str
    factor_kgco2e_per_kwh : float
        Life-cycle emissions of a kWh from the grid [kgCO2e/kWh].
    data_year : int or None
        Year the factor describes.
    published : str
        Publication date (``""`` when unknown).
    source, status, note : str
    """

    id: str
    region: str
    region_zh: str
    factor_kgco2e_per_kwh: float
    data_year: int | None
    published: str
    source: str
    status: str
    note: str


@dataclass(frozen=True)
class StageEnergy:
    """A stage's electricity month by month [kWh, 12 values each, January first].

    Attributes
    ----------
    load_kwh : numpy.ndarray
        Consumption.
    grid_kwh : numpy.ndarray
        Bought from the grid (to the load and to a battery).
    self_consumed_kwh, exported_kwh : numpy.ndarray
        PV used on site and PV fed into the grid (zeros without PV).
    """

    load_kwh: np.ndarray
    grid_kwh: np.ndarray
    self_consumed_kwh: np.ndarray
    exported_kwh: np.ndarray

    @classmethod
    def grid_only(cls, load_kwh: Sequence[float] | np.ndarray) -> StageEnergy:
        """A stage without PV: everything bought from the grid."""
        load = np.asarray(load_kwh, dtype=float)
        zero = np.zeros_like(load)
        return cls(load, load.copy(), zero, zero.copy())


@cache
def _table() -> pd.DataFrame:
    path = data_path("carbon", "footprint_factors.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        raise PlannerInputError(Message.of("errors.carbon.table_columns",
                                           "{path} lacks columns {missing}; restore the file",
                                           path=str(path), missing=str(missing)))
    table["factor_kgco2e_per_kwh"] = pd.to_numeric(table["factor_kgco2e_per_kwh"])
    return table


def footprint_factors() -> pd.DataFrame:
    """``data/carbon/footprint_factors.csv`` (a copy; the factor numeric)."""
    return _table().copy()


def footprint_factor(factor_id: str | None = None, *,
                     field: str = "production.footprint_factor_id") -> FootprintFactor:
    """A product-footprint factor by id; by default the one of the latest ``data_year``.

    Raises
    ------
    PlannerInputError
        An unknown id (the message lists the ids).
    """
    table = _table()
    if factor_id is None:
        years = pd.to_numeric(table["data_year"], errors="coerce")
        row = table.loc[years.idxmax()]
    else:
        rows = table[table["id"] == factor_id]
        if rows.empty:
            raise PlannerInputError(Message.of(
                "errors.carbon.unknown_footprint_factor", "unknown product-footprint factor "
                "{factor}; known ids: {ids}",
                factor=repr(factor_id), ids=", ".join(table["id"])), field=field)
        row = rows.iloc[0]
    year = str(row["data_year"]).strip()
    return FootprintFactor(
        id=row["id"], region=row["region"], region_zh=row["region_zh"],
        factor_kgco2e_per_kwh=float(row["factor_kgco2e_per_kwh"]),
        data_year=int(year) if year else None, published=row["published"],
        source=row["source"], status=row["status"], note=row["note"])


def _per_unit(value: float, units: float) -> float | None:
    return value / units if units > 0 else None


def _stage_row(units: float, load: float, grid: float, own: float, exported: float, *,
               footprint: float, location: float, residual: float,
               certificates: Certificates) -> dict[str, float | None]:
    """One stage (a month or the year): kWh and kgCO2 per unit by both factor families."""
    values = dict(load_kwh=max(load, 0.0), grid_import_kwh=max(grid, 0.0),
                  self_consumed_kwh=max(own, 0.0), exported_kwh=max(exported, 0.0))
    life = scope2(values["load_kwh"], values["grid_import_kwh"], values["self_consumed_kwh"],
                  location_factor=footprint, residual_factor=footprint,
                  certificates=certificates, exported_kwh=values["exported_kwh"])
    own_grid = scope2(values["load_kwh"], values["grid_import_kwh"],
                      values["self_consumed_kwh"], location_factor=location,
                      residual_factor=residual, certificates=certificates,
                      exported_kwh=values["exported_kwh"])
    kg = 1000.0  # tCO2 -> kgCO2
    return {
        "units": units, "load_kwh": values["load_kwh"], "grid_kwh": values["grid_import_kwh"],
        "kwh_per_unit": _per_unit(values["load_kwh"], units),
        "grid_kwh_per_unit": _per_unit(values["grid_import_kwh"], units),
        "footprint_location_kgco2e_per_unit": _per_unit(life.location_after_tco2 * kg, units),
        "footprint_market_kgco2e_per_unit": _per_unit(life.market_after_tco2 * kg, units),
        "scope2_location_kgco2_per_unit": _per_unit(own_grid.location_after_tco2 * kg, units),
        "scope2_market_kgco2_per_unit": _per_unit(own_grid.market_after_tco2 * kg, units),
    }


def _check_units(units_per_month: Sequence[float], unit: str) -> np.ndarray:
    units = np.asarray(units_per_month, dtype=float)
    if units.shape != (12,):
        raise PlannerInputError(Message.of(
            "errors.carbon.monthly_units_count",
            "production.monthly_units has {count} values: give 12 (January first)",
            count=int(units.size)), field="production.monthly_units")
    bad = [k for k, v in enumerate(units) if not math.isfinite(v) or v < 0]
    if bad:
        # float(): the value as the user typed it, not numpy's repr "np.float64(...)"
        raise PlannerInputError(Message.of(
            "errors.carbon.monthly_units_value", "production.monthly_units[{k}] = {value!r} "
            "{unit}: each month's production must be a number >= 0", k=bad[0],
            value=float(units[bad[0]]), unit=str(unit)),
            field=f"production.monthly_units[{bad[0]}]")
    if units.sum() <= 0:
        raise PlannerInputError(Message.of(
            "errors.carbon.monthly_units_zero",
            "production.monthly_units add up to 0: enter what the site makes in a year"),
            field="production.monthly_units")
    return units


def product_footprint(units_per_month: Sequence[float], unit: str,
                      stages: Mapping[str, StageEnergy], *, factor: FootprintFactor,
                      location_tco2_per_mwh: float, residual_tco2_per_mwh: float,
                      certificates: Certificates) -> FootprintSummary:
    """kWh and kgCO2 per unit of product, month by month and for the year, per stage.

    Parameters
    ----------
    units_per_month : sequence of float
        Units produced in each month (12 values, January first, >= 0, not all zero).
    unit : str
        Name of the unit (``t``, ``件``...).
    stages : mapping of str to StageEnergy
        Keys from :data:`STAGES` (``baseline``, ``measures``, ``system``), in that order.
    factor : FootprintFactor
        The product-footprint factor [kgCO2e/kWh].
    location_tco2_per_mwh, residual_tco2_per_mwh : float
        The plan's Scope 2 factors [tCO2/MWh = kgCO2/kWh].
    certificates : str
        The scenario's certificate choice (``retain``, ``retain_self_consumed``, ``sell``,
        ``none``).

    Returns
    -------
    FootprintSummary
        Per stage for the year (annual totals divided by annual units) and per month.

    Examples
    --------
    >>> f = footprint_factor("cn-national-2024-footprint")
    >>> s = product_footprint([100.0] * 12, "t", {"baseline": StageEnergy.grid_only(
    ...     [50_000.0] * 12)}, factor=f, location_tco2_per_mwh=0.5, residual_tco2_per_mwh=0.6,
    ...     certificates="none")
    >>> s.stages[0]["kwh_per_unit"], round(s.stages[0]["footprint_location_kgco2e_per_unit"], 2)
    (500.0, 288.85)
    """
    units = _check_units(units_per_month, unit)
    unknown = [name for name in stages if name not in STAGES]
    if unknown:
        raise ValueError(f"unknown footprint stages {unknown}; use {STAGES}")
    annual, monthly = [], []
    for name in [s for s in STAGES if s in stages]:
        e = stages[name]
        parts = (e.load_kwh, e.grid_kwh, e.self_consumed_kwh, e.exported_kwh)
        if any(np.shape(p) != (12,) for p in parts):
            raise ValueError(f"stage {name}: give 12 monthly kWh values per flow")
        totals = [float(np.sum(p)) for p in parts]
        annual.append({"stage": name, **_stage_row(
            float(units.sum()), *totals, footprint=factor.factor_kgco2e_per_kwh,
            location=location_tco2_per_mwh, residual=residual_tco2_per_mwh,
            certificates=certificates)})
        for m in range(12):
            monthly.append({"month": m + 1, "stage": name, **_stage_row(
                float(units[m]), *(float(p[m]) for p in parts),
                footprint=factor.factor_kgco2e_per_kwh, location=location_tco2_per_mwh,
                residual=residual_tco2_per_mwh, certificates=certificates)})
    return FootprintSummary(
        unit=unit, annual_units=float(units.sum()), factor_id=factor.id,
        factor_kgco2e_per_kwh=factor.factor_kgco2e_per_kwh, factor_source=factor.source,
        factor_date=factor.published, factor_status=factor.status,
        scope2_location_kgco2_per_kwh=location_tco2_per_mwh,
        scope2_residual_kgco2_per_kwh=residual_tco2_per_mwh, certificates=certificates,
        stages=annual, monthly=monthly,
        note="grid purchases x factor per unit; on-site PV counts zero; market-based by the "
             "Scope 2 certificate rules (footprint factor for uncovered purchases)",
    )
