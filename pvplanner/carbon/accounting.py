"""Emission factors, avoided emissions, Scope 2 views, green certificates and carbon credits.

Data live in ``data/emission_factors.csv``, ``data/province_grid_region.csv``,
``data/carbon_assets.csv`` and ``data/carbon/defaults.toml`` (see ``data/carbon/README.md``).
Factors are in tCO2/MWh (= kgCO2/kWh); energy inputs in kWh.

The attribute rule (double counting): the environmental attribute of one MWh is used at most
once: sold as a green certificate (GEC), OR retired by the site for its market-based Scope 2
claim, OR credited under one carbon-credit scheme. :func:`carbon_ledger` allocates the MWh and
:func:`double_counting_check` rejects any allocation that uses one MWh twice.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from pvplanner.errors import PlannerInputError
from weather.datafiles import data_path

__all__ = [
    "CarbonInputs",
    "EmissionFactor",
    "Scope2Result",
    "avoided_emissions",
    "carbon_asset",
    "carbon_defaults",
    "carbon_ledger",
    "combined_margin",
    "credit_eligibility",
    "double_counting_check",
    "emission_factor",
    "factor_id_for_province",
    "grid_factor_path",
    "load_carbon_assets",
    "load_emission_factors",
    "province_grid_region",
    "scope2",
]

Certificates = Literal["sell", "retain", "retain_self_consumed", "none"]

_FACTOR_COLUMNS = ("id", "region_type", "region", "region_zh", "factor_tco2_per_mwh", "kind",
                   "data_year", "source", "licence", "status")
_ASSET_COLUMNS = ("id", "asset_type", "scheme", "province", "city", "unit", "price",
                  "price_date", "available_for_distributed_pv", "max_capacity_kw",
                  "capacity_limit_inclusive", "crediting_period_years", "factor_id",
                  "factor_kind_required", "source", "status", "note")


# --------------------------------------------------------------------------- data tables
def _read_csv(name: str, required: Sequence[str]) -> pd.DataFrame:
    path = data_path(name)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, pd.errors.ParserError) as exc:
        raise PlannerInputError(f"cannot read {path}: {exc}") from exc
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise PlannerInputError(f"{path} lacks columns {missing}; restore the file")
    return table


def load_emission_factors() -> pd.DataFrame:
    """``data/emission_factors.csv`` with numeric ``factor_tco2_per_mwh`` and ``data_year``."""
    return _emission_factors().copy()


def load_carbon_assets() -> pd.DataFrame:
    """``data/carbon_assets.csv`` (all columns as strings; empty = not known)."""
    return _carbon_assets().copy()


@cache
def _emission_factors() -> pd.DataFrame:
    table = _read_csv("emission_factors.csv", _FACTOR_COLUMNS)
    table["factor_tco2_per_mwh"] = pd.to_numeric(table["factor_tco2_per_mwh"], errors="coerce")
    table["data_year"] = pd.to_numeric(table["data_year"], errors="coerce").astype("Int64")
    bad = table[~(table["factor_tco2_per_mwh"] >= 0)]
    if not bad.empty:
        raise PlannerInputError(
            f"data/emission_factors.csv row id={bad['id'].iloc[0]!r}: factor_tco2_per_mwh must "
            "be a number >= 0")
    if table["id"].duplicated().any():
        dup = table.loc[table["id"].duplicated(), "id"].iloc[0]
        raise PlannerInputError(f"data/emission_factors.csv: id {dup!r} appears twice")
    return table


@cache
def _carbon_assets() -> pd.DataFrame:
    return _read_csv("carbon_assets.csv", _ASSET_COLUMNS)


@cache
def _province_table() -> pd.DataFrame:
    return _read_csv("province_grid_region.csv",
                     ("province", "province_zh", "grid_region_mee", "grid_region_cdm"))


@cache
def carbon_defaults() -> dict[str, Any]:
    """``data/carbon/defaults.toml``: default factor ids, certificate choice, TOOL07 weights."""
    path = data_path("carbon", "defaults.toml")
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PlannerInputError(f"cannot read carbon defaults {path}: {exc}") from exc


def _default(key: str) -> Any:
    return carbon_defaults()[key]["value"]


@dataclass(frozen=True)
class EmissionFactor:
    """One row of ``data/emission_factors.csv``."""

    id: str
    region: str
    region_type: str
    kind: str
    factor_tco2_per_mwh: float
    data_year: int | None
    source: str
    status: str
    licence: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def emission_factor(factor_id: str, *, field: str = "carbon.location_factor_id"
                    ) -> EmissionFactor:
    """Look up an emission factor by id.

    Raises
    ------
    PlannerInputError
        Unknown id; the message lists similar ids.
    """
    table = _emission_factors()
    row = table[table["id"] == factor_id]
    if row.empty:
        stem = str(factor_id).split("-")[:2]
        close = [i for i in table["id"] if all(s in i for s in stem)][:8] or list(table["id"][:8])
        raise PlannerInputError(
            f"unknown emission factor id {factor_id!r}; ids are in data/emission_factors.csv, "
            f"e.g. {', '.join(close)}", field=field)
    r = row.iloc[0]
    year = r["data_year"]
    return EmissionFactor(
        id=r["id"], region=r["region"], region_type=r["region_type"], kind=r["kind"],
        factor_tco2_per_mwh=float(r["factor_tco2_per_mwh"]),
        data_year=None if pd.isna(year) else int(year),
        source=r["source"], status=r["status"], licence=r["licence"])


def _match_province(name: str) -> pd.Series:
    table = _province_table()
    key = str(name).strip().lower()
    hit = table[(table["province"].str.lower() == key) | (table["province_zh"] == name.strip())]
    if hit.empty:
        hit = table[table["province"].str.lower().str.startswith(key)]
    if len(hit) != 1:
        options = ", ".join(table["province"])
        what = "is ambiguous" if len(hit) > 1 else "is not a known province"
        raise PlannerInputError(f"province {name!r} {what}; use one of: {options}",
                                field="site.province")
    return hit.iloc[0]


def province_grid_region(province: str, series: Literal["mee", "cdm"] = "mee") -> str:
    """Regional grid of a province (``north``, ``east`` ...).

    Parameters
    ----------
    province : str
        English or Chinese name (``"Zhejiang"`` or ``"浙江"``).
    series : {"mee", "cdm"}
        ``mee``: regions of the MEE 2021+ average factors (7, incl. Southwest); ``cdm``: the
        6 regions of the OM/BM baseline factors.
    """
    region = _match_province(province)[f"grid_region_{series}"]
    if not region:
        raise PlannerInputError(f"province {province!r} has no {series} grid region in "
                                "data/province_grid_region.csv", field="site.province")
    return region


def factor_id_for_province(province: str, *, prefer: Literal["provincial", "regional"] =
                           "provincial") -> str:
    """Id of the latest location-based average factor for a province.

    ``prefer="provincial"`` returns the province's own latest row when the table has one,
    else the latest row of its MEE regional grid.
    """
    table = _emission_factors()
    avg = table[table["kind"] == "location_average"]
    row = _match_province(province)
    if prefer == "provincial":
        name = row["province"].split(" (")[0]
        own = avg[(avg["region_type"] == "provincial") & (avg["region"] == name)]
        if not own.empty:
            return str(own.sort_values("data_year").iloc[-1]["id"])
    region = province_grid_region(province, "mee")
    regional = avg[(avg["region_type"] == "regional") & avg["id"].str.startswith(f"cn-{region}-")]
    if regional.empty:
        raise PlannerInputError(f"no regional factor for grid region {region!r}",
                                field="site.province")
    return str(regional.sort_values("data_year").iloc[-1]["id"])


def combined_margin(om_tco2_per_mwh: float, bm_tco2_per_mwh: float,
                    w_om: float | None = None) -> float:
    """Combined margin ``w_OM OM + (1 - w_OM) BM`` [tCO2/MWh] (CDM TOOL07).

    ``w_om`` defaults to the wind/solar weight in ``data/carbon/defaults.toml`` (0.75).
    """
    w = carbon_defaults()["tool07_solar_weights"]["w_om"] if w_om is None else w_om
    if not 0.0 <= w <= 1.0:
        raise PlannerInputError(f"w_om must be in [0, 1], got {w!r}")
    return w * om_tco2_per_mwh + (1.0 - w) * bm_tco2_per_mwh


def grid_factor_path(factor_tco2_per_mwh: float, years: int, decline_rate: float = 0.0
                     ) -> np.ndarray:
    """Grid factor for years 1..n declining geometrically from year 2 [tCO2/MWh]."""
    if not 0.0 <= decline_rate < 1.0:
        raise PlannerInputError(
            f"grid factor decline must be a fraction per year in [0, 1), got {decline_rate!r}",
            field="carbon.grid_factor_decline_percent_per_year")
    return factor_tco2_per_mwh * (1.0 - decline_rate) ** np.arange(int(years))


def _years(values: Sequence[float] | np.ndarray | None, n: int, name: str) -> np.ndarray:
    if values is None:
        return np.ones(n)
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size < n or not np.all(np.isfinite(arr[:n])):
        raise PlannerInputError(f"{name} needs {n} finite values (years 1..{n}), got "
                                f"{arr.size}", field=name)
    return arr[:n]


# --------------------------------------------------------------------------- emissions
def avoided_emissions(
    self_consumed_kwh: float,
    exported_kwh: float,
    factor: float,
    years: int,
    degradation_factors: Sequence[float] | np.ndarray | None = None,
    decline_rate: float = 0.0,
) -> pd.DataFrame:
    """Grid emissions displaced by the PV output, year by year.

    Both self-consumed and exported PV energy displace grid generation at the grid factor.

    Parameters
    ----------
    self_consumed_kwh, exported_kwh : float
        Year-1 energy [kWh].
    factor : float
        Grid emission factor of year 1 [tCO2/MWh].
    years : int
        Number of years [years].
    degradation_factors : array-like, optional
        PV output of years 1..n relative to year 1 [-]; default none.
    decline_rate : float, optional
        Annual decline of the grid factor [fraction/yr].

    Returns
    -------
    pandas.DataFrame
        Index ``year`` 1..n; ``factor_tco2_per_mwh``, ``self_consumed_kwh``,
        ``exported_kwh``, ``self_consumed_tco2``, ``exported_tco2``, ``total_tco2``.
    """
    if not (factor >= 0 and self_consumed_kwh >= 0 and exported_kwh >= 0):
        raise PlannerInputError("avoided_emissions needs non-negative energy and factor, got "
                                f"{self_consumed_kwh!r}, {exported_kwh!r}, {factor!r}")
    n = int(years)
    deg = _years(degradation_factors, n, "degradation_factors")
    f = grid_factor_path(factor, n, decline_rate)
    sc = self_consumed_kwh * deg
    ex = exported_kwh * deg
    out = pd.DataFrame(
        {"factor_tco2_per_mwh": f, "self_consumed_kwh": sc, "exported_kwh": ex,
         "self_consumed_tco2": sc / 1000.0 * f, "exported_tco2": ex / 1000.0 * f},
        index=pd.RangeIndex(1, n + 1, name="year"))
    out["total_tco2"] = out["self_consumed_tco2"] + out["exported_tco2"]
    return out


@dataclass(frozen=True)
class Scope2Result:
    """Site Scope 2 emissions before and after PV, both GHG Protocol methods [tCO2/yr]."""

    location_before_tco2: float
    location_after_tco2: float
    market_before_tco2: float
    market_after_tco2: float
    certificates: str
    note: str

    @property
    def location_reduction_tco2(self) -> float:
        """Location-based reduction [tCO2/yr]."""
        return self.location_before_tco2 - self.location_after_tco2

    @property
    def market_reduction_tco2(self) -> float:
        """Market-based reduction [tCO2/yr]."""
        return self.market_before_tco2 - self.market_after_tco2

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form incl. the reductions."""
        return {**asdict(self), "location_reduction_tco2": self.location_reduction_tco2,
                "market_reduction_tco2": self.market_reduction_tco2}


_SCOPE2_NOTES = {
    "retain": "Certificates of all PV output are retired for the site: self-consumed PV counts "
              "zero and certificates of exported MWh cover grid purchases up to their amount; "
              "remaining purchases at the residual mix. None of these MWh may be sold or "
              "credited elsewhere.",
    "retain_self_consumed": "Certificates of self-consumed PV are retired for the site (zero "
                            "emissions); those of exported MWh are sold, so grid purchases "
                            "count at the residual mix.",
    "sell": "All certificates are sold: the buyer owns the attribute, so the site cannot claim "
            "its self-consumed PV as renewable; market-based Scope 2 counts it at the residual "
            "mix like grid purchases (location-based still shows the physical reduction).",
    "none": "No certificate is retired for the site: without a retired certificate the "
            "self-consumed PV cannot be claimed in the market-based method and counts at the "
            "residual mix.",
}


def scope2(
    load_kwh: float,
    grid_import_kwh: float,
    self_consumed_kwh: float,
    *,
    location_factor: float,
    residual_factor: float,
    certificates: Certificates,
    exported_kwh: float = 0.0,
) -> Scope2Result:
    """Scope 2 (purchased electricity) emissions per the GHG Protocol Scope 2 Guidance.

    Location-based: grid average factor on grid purchases (before: the whole load; after:
    the imports; on-site PV counts zero). Market-based: contractual instruments first, the
    residual mix for the rest (before: the whole load at the residual mix; after: see
    :data:`_SCOPE2_NOTES` for each certificate choice, also returned as ``note``).

    Parameters
    ----------
    load_kwh, grid_import_kwh, self_consumed_kwh, exported_kwh : float
        Annual energy [kWh].
    location_factor, residual_factor : float
        Grid average and residual-mix factors [tCO2/MWh].
    certificates : {"sell", "retain", "retain_self_consumed", "none"}
        What happens to the PV's certificates.
    """
    if certificates not in _SCOPE2_NOTES:
        raise PlannerInputError(f"certificates must be one of {sorted(_SCOPE2_NOTES)}, got "
                                f"{certificates!r}", field="carbon.certificates")
    values = (load_kwh, grid_import_kwh, self_consumed_kwh, exported_kwh, location_factor,
              residual_factor)
    if not all(v >= 0 and math.isfinite(v) for v in values):
        raise PlannerInputError(f"scope2 inputs must be finite and >= 0, got {values}")
    mwh = 1e-3
    if certificates == "retain":
        covered = min(grid_import_kwh, exported_kwh)
        market_after = (grid_import_kwh - covered) * mwh * residual_factor
    elif certificates == "retain_self_consumed":
        market_after = grid_import_kwh * mwh * residual_factor
    else:
        market_after = (grid_import_kwh + self_consumed_kwh) * mwh * residual_factor
    return Scope2Result(
        location_before_tco2=load_kwh * mwh * location_factor,
        location_after_tco2=grid_import_kwh * mwh * location_factor,
        market_before_tco2=load_kwh * mwh * residual_factor,
        market_after_tco2=market_after,
        certificates=certificates,
        note=_SCOPE2_NOTES[certificates],
    )


# --------------------------------------------------------------------------- assets
class CarbonInputs(BaseModel):
    """Carbon accounting choices of a scenario (defaults from ``data/carbon/defaults.toml``)."""

    model_config = ConfigDict(extra="forbid")

    location_factor_id: str = Field(_default("location_factor_id"),
                                    description="Grid average factor (location-based)")
    residual_factor_id: str = Field(_default("residual_factor_id"),
                                    description="Residual-mix factor (market-based)")
    grid_factor_decline_percent_per_year: float = Field(0.0, ge=0.0, le=20.0)
    certificates: Certificates = Field(
        _default("certificates"),
        description="sell | retain | retain_self_consumed (sell the exported share) | none")
    certificate_price_id: str = Field(_default("certificate_price_id"))
    certificate_price_per_mwh: float | None = Field(None, ge=0.0,
                                                    description="Overrides the price id")
    credit_scheme_ids: list[str] = Field(default_factory=list,
                                         description="Carbon-credit schemes (carbon_assets.csv)")
    credit_factor_id: str | None = Field(None, description="Overrides the scheme's factor")
    credit_price_per_tco2: float | None = Field(None, ge=0.0)
    crediting_period_years: int | None = Field(None, ge=1, le=40)
    credit_start_year: int = Field(1, ge=1, le=40)
    asset_price_escalation_rate: float = Field(0.0, ge=-0.5, le=0.5)
    site_province: str | None = None
    site_city: str | None = None

    @property
    def grid_factor_decline_rate(self) -> float:
        """Annual grid-factor decline as a fraction (for :func:`avoided_emissions`)."""
        return self.grid_factor_decline_percent_per_year / 100.0


def carbon_asset(asset_id: str, *, field: str = "carbon.credit_scheme_ids") -> dict[str, str]:
    """One row of ``data/carbon_assets.csv`` as a dict of strings."""
    table = _carbon_assets()
    row = table[table["id"] == asset_id]
    if row.empty:
        raise PlannerInputError(f"unknown carbon asset {asset_id!r}; ids in "
                                f"data/carbon_assets.csv: {', '.join(table['id'])}", field=field)
    return {k: str(v) for k, v in row.iloc[0].to_dict().items()}


def credit_eligibility(scheme: Mapping[str, str], capacity_kw: float, *,
                       site_province: str | None = None, site_city: str | None = None
                       ) -> tuple[bool, str]:
    """Whether a PV system may earn credits under a scheme, and why.

    Returns
    -------
    (bool, str)
        Eligibility and a reason (``"eligible"`` or ``"ineligible: ..."``).
    """
    sid = scheme["id"]
    if scheme.get("asset_type") != "credit":
        return False, f"ineligible: {sid} is a {scheme.get('asset_type')}, not a credit scheme"
    if scheme.get("available_for_distributed_pv") == "no":
        return False, f"ineligible: {sid}: {scheme.get('note') or 'not open to distributed PV'}"
    limit = scheme.get("max_capacity_kw", "")
    if limit:
        lim = float(limit)
        inclusive = scheme.get("capacity_limit_inclusive", "true").lower() != "false"
        too_big = capacity_kw > lim if inclusive else capacity_kw >= lim
        if too_big:
            op = "<=" if inclusive else "<"
            return False, (f"ineligible: capacity {capacity_kw:g} kW exceeds the {sid} limit "
                           f"({op} {lim:g} kW)")
    checked = []
    for key, site in (("province", site_province), ("city", site_city)):
        wanted = scheme.get(key, "")
        if not wanted:
            continue
        if site is None:
            checked.append(key)
        elif site.strip().lower() != wanted.lower():
            return False, f"ineligible: {sid} is for {key} {wanted}, site is in {site}"
    if checked:
        return True, f"eligible (site {' and '.join(checked)} not given, not checked)"
    return True, "eligible"


def double_counting_check(generation_mwh: Sequence[float] | np.ndarray,
                          claims: Mapping[str, Sequence[float] | np.ndarray],
                          *, tolerance_mwh: float = 1e-6) -> None:
    """Raise if attribute claims on the PV output exceed the output.

    Compared cumulatively year by year (whole certificates carry fractions of a MWh from one
    year to the next, so a single year may hold one certificate more than its output).

    Parameters
    ----------
    generation_mwh : array-like
        PV generation by year [MWh].
    claims : mapping
        Claim name -> MWh by year claimed that way (certificates sold, certificates retired
        for Scope 2, each credit scheme's credited MWh).

    Raises
    ------
    PlannerInputError
        Naming the first year and the claims that use the same MWh twice.
    """
    gen = np.cumsum(np.asarray(generation_mwh, dtype=float))
    active = {k: np.cumsum(np.asarray(v, dtype=float)) for k, v in claims.items()}
    if not active:
        return
    total = sum(active.values())
    over = np.nonzero(total > gen + tolerance_mwh)[0]
    if over.size == 0:
        return
    i = int(over[0])
    parts = "; ".join(f"{k} {v[i]:,.1f} MWh" for k, v in active.items() if v[i] > 0)
    raise PlannerInputError(
        f"double counting in year {i + 1}: {gen[i]:,.1f} MWh of PV output to date but "
        f"{total[i]:,.1f} MWh of claims ({parts}). One MWh's attribute can be sold as a "
        "certificate, OR retired for the site's market-based Scope 2, OR credited under one "
        "scheme. To earn carbon credits set carbon.certificates = 'none'; keep at most one "
        "credit scheme.",
        field="carbon.certificates")


def _asset_price(row: Mapping[str, str], override: float | None, field: str) -> float:
    if override is not None:
        return float(override)
    if row.get("price", ""):
        return float(row["price"])
    raise PlannerInputError(
        f"{row['id']} has no reference price in data/carbon_assets.csv; set {field}",
        field=field)


def _scheme_factor(scheme: Mapping[str, str], inputs: CarbonInputs) -> EmissionFactor:
    fid = inputs.credit_factor_id or scheme.get("factor_id") or inputs.location_factor_id
    ef = emission_factor(fid, field="carbon.credit_factor_id")
    need = scheme.get("factor_kind_required", "")
    if need and ef.kind != need:
        raise PlannerInputError(
            f"{scheme['id']} needs a {need} emission factor; {fid!r} is {ef.kind}. Set "
            f"carbon.credit_factor_id to a {need} row of data/emission_factors.csv",
            field="carbon.credit_factor_id")
    return ef


def _issued(cumulative_mwh: np.ndarray, per_certificate: float) -> np.ndarray:
    """Whole certificates per year; the fraction below one certificate carries over."""
    whole = np.floor(cumulative_mwh / per_certificate + 1e-9)
    return np.diff(np.concatenate([[0.0], whole]))


def carbon_ledger(
    inputs: CarbonInputs,
    *,
    generation_kwh: float,
    self_consumed_kwh: float,
    exported_kwh: float,
    years: int,
    capacity_kw: float,
    degradation_factors: Sequence[float] | np.ndarray | None = None,
) -> pd.DataFrame:
    """Certificates and credits of the PV output, year by year.

    Certificates: one per ``mwh_per_certificate`` (1 MWh) of generation, whole certificates
    only (the remainder carries to the next year). ``certificates`` decides their use:
    ``sell`` all, ``retain`` all (retired for the site's Scope 2), ``retain_self_consumed``
    (retire the self-consumed share, sell the rest) or ``none`` (neither; needed to earn
    credits on the same MWh). Credits: for each scheme in ``credit_scheme_ids`` that the
    system is eligible for (capacity limit, location, availability), generation MWh x the
    scheme's factor within the crediting period. The allocation is checked with
    :func:`double_counting_check`.

    Parameters
    ----------
    inputs : CarbonInputs
        Choices, prices and schemes.
    generation_kwh, self_consumed_kwh, exported_kwh : float
        Year-1 energy [kWh].
    years : int
        Number of years [years].
    capacity_kw : float
        Installed PV capacity used for scheme limits [kW].
    degradation_factors : array-like, optional
        Output of years 1..n relative to year 1 [-].

    Returns
    -------
    pandas.DataFrame
        Index ``year`` 1..n: ``generation_mwh``, ``self_consumed_mwh``, ``exported_mwh``,
        ``certificates_issued``, ``certificates_sold``, ``certificates_retained``,
        ``certificate_price``, ``certificate_revenue``, ``scope2_claimed_mwh``,
        ``credited_mwh``, ``credits_tco2``, ``credit_price``, ``credit_revenue``,
        ``credit_scheme`` and ``credit_status`` (reason per year and scheme).
    """
    n = int(years)
    deg = _years(degradation_factors, n, "degradation_factors")
    gen = generation_kwh / 1000.0 * deg
    sc = self_consumed_kwh / 1000.0 * deg
    ex = exported_kwh / 1000.0 * deg
    per_cert = float(_default("mwh_per_certificate"))
    esc = (1.0 + inputs.asset_price_escalation_rate) ** np.arange(n)

    issued = _issued(np.cumsum(gen), per_cert)
    mode = inputs.certificates
    if mode == "sell":
        retained = np.zeros(n)
    elif mode == "retain":
        retained = issued.copy()
    elif mode == "retain_self_consumed":
        retained = np.minimum(issued, _issued(np.cumsum(sc), per_cert))
    else:
        retained = np.zeros(n)
    sold = np.zeros(n) if mode == "none" else issued - retained
    price_row = carbon_asset(inputs.certificate_price_id, field="carbon.certificate_price_id")
    cert_price = (_asset_price(price_row, inputs.certificate_price_per_mwh,
                               "carbon.certificate_price_per_mwh") if sold.any() else 0.0)

    claims: dict[str, np.ndarray] = {"certificates sold": sold * per_cert,
                                     "certificates retired for Scope 2": retained * per_cert}
    credited_total = np.zeros(n)
    credits = np.zeros(n)
    revenue = np.zeros(n)
    credit_prices = np.zeros(n)
    notes: list[list[str]] = [[] for _ in range(n)]
    schemes = []
    yr = np.arange(1, n + 1)
    for sid in inputs.credit_scheme_ids:
        scheme = carbon_asset(sid)
        ok, reason = credit_eligibility(scheme, capacity_kw, site_province=inputs.site_province,
                                        site_city=inputs.site_city)
        if not ok:
            for year_notes in notes:
                year_notes.append(f"{sid}: {reason}")
            continue
        period = inputs.crediting_period_years or (
            int(float(scheme["crediting_period_years"])) if scheme["crediting_period_years"]
            else n)
        window = (yr >= inputs.credit_start_year) & (yr < inputs.credit_start_year + period)
        factor = _scheme_factor(scheme, inputs)
        price = _asset_price(scheme, inputs.credit_price_per_tco2, "carbon.credit_price_per_tco2")
        mwh = np.where(window, gen, 0.0)
        claims[f"credits under {sid}"] = mwh
        tco2 = mwh * factor.factor_tco2_per_mwh
        credited_total += mwh
        credits += tco2
        revenue += tco2 * price * esc
        credit_prices = np.where(window, price * esc, credit_prices)
        schemes.append(sid)
        used = f"{reason}, factor {factor.id} {factor.factor_tco2_per_mwh:g} tCO2/MWh"
        for year_notes, inside in zip(notes, window, strict=True):
            year_notes.append(f"{sid}: {used if inside else 'outside crediting period'}")
    double_counting_check(gen, claims)

    return pd.DataFrame(
        {
            "generation_mwh": gen,
            "self_consumed_mwh": sc,
            "exported_mwh": ex,
            "certificates_issued": issued,
            "certificates_sold": sold,
            "certificates_retained": retained,
            "certificate_price": cert_price * esc,
            "certificate_revenue": sold * cert_price * esc,
            "scope2_claimed_mwh": retained * per_cert,
            "credited_mwh": credited_total,
            "credits_tco2": credits,
            "credit_price": credit_prices,
            "credit_revenue": revenue,
            "credit_scheme": [", ".join(schemes)] * n,
            "credit_status": ["; ".join(x) for x in notes],
        },
        index=pd.RangeIndex(1, n + 1, name="year"),
    )
