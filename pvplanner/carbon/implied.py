"""What a quoted CO2 figure implies: its factor, and the published factor closest to it.

Proposals and brochures quote avoided CO2 without the factor behind it. Dividing the tonnes
by the generation gives the factor the figure implies; comparing it with the factors that
apply to the plant's province shows which one gives it — often a crediting-scheme baseline
(combined margin) rather than the average factor a company inventory uses.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Literal

from pvplanner.carbon.factors import (
    EmissionFactor,
    emission_factor,
    province_grid_region,
)
from pvplanner.carbon.tables import carbon_defaults, emission_factor_table
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.tariff.province_names import same_province

__all__ = ["closest_factors", "implied_factor_tco2_per_mwh", "reference_plant_comparison"]


def implied_factor_tco2_per_mwh(avoided_tco2: float, generation_mwh: float) -> float:
    """The grid factor a quoted avoided-CO2 figure implies [tCO2/MWh].

    Parameters
    ----------
    avoided_tco2 : float
        Quoted avoided emissions [tCO2].
    generation_mwh : float
        The generation they are quoted for [MWh], > 0.

    Examples
    --------
    A plant of 2.21 GWh a year quoted at 1,500 t:

    >>> round(implied_factor_tco2_per_mwh(1500.0, 2210.0), 4)
    0.6787
    """
    if not (math.isfinite(avoided_tco2) and avoided_tco2 >= 0):
        raise PlannerInputError(Message.of(
            "errors.carbon.avoided_invalid", "avoided CO2 must be a finite number >= 0 t, got "
            "{value}", value=repr(avoided_tco2)))
    if not (math.isfinite(generation_mwh) and generation_mwh > 0):
        raise PlannerInputError(Message.of(
            "errors.carbon.generation_invalid", "generation must be a finite number > 0 MWh, "
            "got {value}", value=repr(generation_mwh)))
    return avoided_tco2 / generation_mwh


def _candidate_ids(province: str | None) -> list[str]:
    """Factor rows that apply to a plant in ``province`` (all Chinese rows without one)."""
    table = emission_factor_table()
    china = table["id"].str.startswith("cn-") | (
        (table["region_type"] == "country") & (table["region"] == "China"))
    rows = table[china]
    if province:
        regions = {_grid_region(province, "mee"), _grid_region(province, "cdm")} - {""}
        key = province.strip().lower()
        own = (rows["region_type"] == "provincial") & (
            (rows["region"].str.lower() == key) | (rows["region_zh"] == province.strip()))
        regional = (rows["region_type"] == "regional") & rows["id"].map(
            lambda i: i.split("-")[1] in regions)
        wide = rows["region_type"].isin(["national", "country"])
        rows = rows[own | regional | wide]
    return rows["id"].tolist()


@lru_cache(maxsize=64)
def _candidate_factors(province: str | None) -> tuple[EmissionFactor, ...]:
    """The factors of :func:`_candidate_ids`, looked up once per province and process (the
    factor table is read once per process; :class:`EmissionFactor` is immutable)."""
    return tuple(emission_factor(i) for i in _candidate_ids(province))


def _grid_region(province: str, series: Literal["mee", "cdm"]) -> str:
    """The province's grid region in a series ("" when it has none or is not known)."""
    try:
        return province_grid_region(province, series)
    except PlannerInputError:
        return ""


def closest_factors(value_tco2_per_mwh: float, province: str | None = None, n: int = 3
                    ) -> list[EmissionFactor]:
    """The published factors nearest to a value, nearest first.

    Parameters
    ----------
    value_tco2_per_mwh : float
        The factor to match [tCO2/MWh].
    province : str, optional
        Keep only rows that apply there: its own, its regional grids' (MEE and CDM series),
        national and China-wide rows. Default: every Chinese row.
    n : int
        How many to return.

    Examples
    --------
    >>> closest_factors(0.6787, "Zhejiang", 1)[0].id
    'cn-east-2019-cm-solar'
    """
    factors = list(_candidate_factors(province))
    factors.sort(key=lambda f: (abs(f.factor_tco2_per_mwh - value_tco2_per_mwh),
                                -(f.data_year or 0)))
    return factors[:n]


def reference_plant_comparison(plan_factor_tco2_per_mwh: float | None = None, *,
                               site_province: str | None = None) -> dict[str, Any] | None:
    """The reference plant of ``data/carbon/defaults.toml`` and what its figure implies.

    Parameters
    ----------
    plan_factor_tco2_per_mwh : float, optional
        The factor a plan uses [tCO2/MWh], to state what the same plant avoids at it.
    site_province : str, optional
        The plan's site's province: a plant quoted in another province is nothing to its
        reader (its figures and factors are that province's), so then None. Not given: the
        comparison whatever the site.

    Returns
    -------
    dict or None
        None when the data name no reference plant. Else ``generation_mwh`` [MWh],
        ``avoided_tco2`` [tCO2], ``province``, ``implied_tco2_per_mwh`` [tCO2/MWh],
        ``closest_factor`` (``region``, ``region_zh``, ``kind``, ``data_year``,
        ``factor_tco2_per_mwh``, ``status``, ``source``), ``closest_avoided_tco2`` [tCO2],
        ``plan_factor_tco2_per_mwh`` and ``plan_factor_avoided_tco2`` (None without a plan
        factor), and the entry's ``source``, ``date``, ``status``.
    """
    entry = carbon_defaults().get("reference_plant")
    if not entry:
        return None
    if site_province is not None and not same_province(entry.get("province"), site_province):
        return None
    generation = float(entry["generation_mwh"])
    avoided = float(entry["avoided_tco2"])
    implied = implied_factor_tco2_per_mwh(avoided, generation)
    province = entry.get("province") or None
    closest = _closest_factor(implied, province)
    plan = None if plan_factor_tco2_per_mwh is None else float(plan_factor_tco2_per_mwh)
    return {
        "generation_mwh": generation,
        "avoided_tco2": avoided,
        "province": province or "",
        "implied_tco2_per_mwh": implied,
        "closest_factor": {
            "region": closest.region, "region_zh": closest.region_zh, "kind": closest.kind,
            "data_year": closest.data_year,
            "factor_tco2_per_mwh": closest.factor_tco2_per_mwh,
            "status": closest.status, "source": closest.source,
        },
        "closest_avoided_tco2": generation * closest.factor_tco2_per_mwh,
        "plan_factor_tco2_per_mwh": plan,
        "plan_factor_avoided_tco2": None if plan is None else generation * plan,
        "source": str(entry.get("source", "")),
        "date": str(entry.get("date", "")),
        "status": str(entry.get("status", "")),
    }


@lru_cache(maxsize=8)
def _closest_factor(value_tco2_per_mwh: float, province: str | None) -> EmissionFactor:
    """The nearest published factor to the reference plant's implied one: the same for every
    plan of a process, so looked up once (each plan's comparison needs it)."""
    return closest_factors(value_tco2_per_mwh, province, 1)[0]
