"""The carbon data tables: emission factors, provinces, carbon assets and defaults.

Reads ``data/emission_factors.csv``, ``data/province_grid_region.csv``,
``data/carbon_assets.csv`` and ``data/carbon/defaults.toml`` once per process (see
``data/carbon/README.md`` for their columns). Every row carries its source, date or year
and status; a missing file or column is a :class:`~pvplanner.errors.PlannerInputError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.guard.files import os_reason
from pvplanner.guard.toml_words import read_data_toml
from pvplanner.messages import Message
from weather.datafiles import data_path

__all__ = [
    "carbon_asset",
    "carbon_defaults",
    "load_carbon_assets",
    "load_emission_factors",
    "province_table",
]

_FACTOR_COLUMNS = ("id", "region_type", "region", "region_zh", "factor_tco2_per_mwh", "kind",
                   "data_year", "source", "licence", "status")
_ASSET_COLUMNS = ("id", "asset_type", "scheme", "province", "city", "unit", "price",
                  "price_date", "available_for_distributed_pv", "max_capacity_kw",
                  "capacity_limit_inclusive", "crediting_period_years", "factor_id",
                  "factor_kind_required", "source", "source_date", "status", "note")
_PROVINCE_COLUMNS = ("province", "province_zh", "grid_region_mee", "grid_region_cdm")


def _read_csv(name: str, required: Sequence[str]) -> pd.DataFrame:
    path = data_path(name)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except OSError as exc:  # a broken installation: the file named as data/..., not its path
        raise PlannerInputError(Message.of("errors.carbon.table_unreadable",
                                           "cannot read {path}: {detail}", path=f"data/{name}",
                                           detail=os_reason(exc))) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        raise PlannerInputError(Message.of("errors.carbon.table_not_csv",
                                           "{path} is not a valid CSV table",
                                           path=f"data/{name}")) from None
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise PlannerInputError(Message.of("errors.carbon.table_columns",
                                           "{path} lacks columns {missing}; restore the file",
                                           path=str(path), missing=str(missing)))
    return table


def load_emission_factors() -> pd.DataFrame:
    """``data/emission_factors.csv`` with numeric ``factor_tco2_per_mwh`` and ``data_year``."""
    return emission_factor_table().copy()


def load_carbon_assets() -> pd.DataFrame:
    """``data/carbon_assets.csv`` (all columns as strings; empty = not known)."""
    return _carbon_assets().copy()


@cache
def emission_factor_table() -> pd.DataFrame:
    """The shared (read-only) emission-factor table; :func:`load_emission_factors` copies it."""
    table = _read_csv("emission_factors.csv", _FACTOR_COLUMNS)
    table["factor_tco2_per_mwh"] = pd.to_numeric(table["factor_tco2_per_mwh"], errors="coerce")
    table["data_year"] = pd.to_numeric(table["data_year"], errors="coerce").astype("Int64")
    bad = table[~(table["factor_tco2_per_mwh"] >= 0)]
    if not bad.empty:
        raise PlannerInputError(Message.of(
            "errors.carbon.factor_negative", "data/emission_factors.csv row id={id}: "
            "factor_tco2_per_mwh must be a number >= 0", id=repr(bad["id"].iloc[0])))
    if table["id"].duplicated().any():
        dup = table.loc[table["id"].duplicated(), "id"].iloc[0]
        raise PlannerInputError(Message.of("errors.carbon.factor_twice",
                                           "data/emission_factors.csv: id {id} appears twice",
                                           id=repr(dup)))
    return table


@cache
def _carbon_assets() -> pd.DataFrame:
    return _read_csv("carbon_assets.csv", _ASSET_COLUMNS)


@cache
def province_table() -> pd.DataFrame:
    """``data/province_grid_region.csv``: province -> MEE and CDM regional grids."""
    return _read_csv("province_grid_region.csv", _PROVINCE_COLUMNS)


@cache
def carbon_defaults() -> dict[str, Any]:
    """``data/carbon/defaults.toml``: factor rules, certificate choice and kinds, weights."""
    return read_data_toml("carbon", "defaults.toml")


def carbon_asset(asset_id: str, *, field: str = "carbon.credit_scheme_ids") -> dict[str, str]:
    """One row of ``data/carbon_assets.csv`` as a dict of strings."""
    table = _carbon_assets()
    row = table[table["id"] == asset_id]
    if row.empty:
        raise PlannerInputError(Message.of(
            "errors.carbon.unknown_asset", "unknown carbon asset {asset}; known "
            "ids: {ids}", asset=repr(asset_id), ids=", ".join(table["id"])),
            field=field)
    return {k: str(v) for k, v in row.iloc[0].to_dict().items()}
