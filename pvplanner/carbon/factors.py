"""Grid emission factors: look-up, the site's default factor, margins and the factor's trend.

Factors are in tCO2/MWh (= kgCO2/kWh), rows of ``data/emission_factors.csv``. The
location-based factor follows the site (:func:`location_factor_for`): company inventories in
China count purchased electricity at the MEE/NBS provincial average of the latest vintage,
so a scenario that names no factor gets its province's latest average.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from pvplanner.carbon.tables import carbon_defaults, emission_factor_table, province_table
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message, bilingual
from pvplanner.tariff.province_names import province_name

__all__ = [
    "EmissionFactor",
    "LocationFactorChoice",
    "combined_margin",
    "emission_factor",
    "factor_decline_rate",
    "factor_id_for_province",
    "grid_factor_decline",
    "grid_factor_path",
    "location_factor_for",
    "province_grid_region",
]


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
    region_zh: str = ""

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
    table = emission_factor_table()
    row = table[table["id"] == factor_id]
    if row.empty:
        stem = str(factor_id).split("-")[:2]
        close = [i for i in table["id"] if all(s in i for s in stem)][:8] or list(table["id"][:8])
        raise PlannerInputError(Message.of(
            "errors.carbon.unknown_factor", "unknown emission factor id {factor}; ids are in "
            "the emission factor table, e.g. {close}", factor=repr(factor_id),
            close=", ".join(close)), field=field)
    r = row.iloc[0]
    year = r["data_year"]
    return EmissionFactor(
        id=r["id"], region=r["region"], region_type=r["region_type"], kind=r["kind"],
        factor_tco2_per_mwh=float(r["factor_tco2_per_mwh"]),
        data_year=None if pd.isna(year) else int(year),
        source=r["source"], status=r["status"], licence=r["licence"],
        region_zh=r["region_zh"])


# --------------------------------------------------------------------------- provinces
def _province_hits(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Rows of the province table named ``name`` exactly (English in any case, or Chinese),
    else those whose English name starts with it (``"Inner Mongolia"``: its two grids)."""
    key = name.strip().lower()
    hit = table[(table["province"].str.lower() == key) | (table["province_zh"] == name.strip())]
    if hit.empty:
        hit = table[table["province"].str.lower().str.startswith(key)]
    return hit


def _match_province(name: str) -> pd.Series:
    table = province_table()
    # As written first (a grid of Inner Mongolia), then as the tariff tables read province
    # names: "浙江省", "Zhejiang Province" and " zhejiang " are Zhejiang.
    hit = _province_hits(table, str(name))
    if len(hit) != 1 and province_name(name):
        hit = _province_hits(table, province_name(name))
    if len(hit) != 1:
        options = ", ".join(table["province"])
        key, what = (("errors.carbon.province_ambiguous", "is ambiguous") if len(hit) > 1
                     else ("errors.carbon.province_unknown", "is not a known province"))
        raise PlannerInputError(Message.of(
            key, "province {province} " + what + "; use one of: {options}",
            province=repr(name), options=bilingual(options, "、".join(table["province_zh"]))),
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
        raise PlannerInputError(Message.of(
            "errors.carbon.no_grid_region", "province {province} has no {series} grid region "
            "in the province table", province=repr(province),
            series=bilingual(series, _SERIES_ZH.get(series))),
            field="site.province")
    return region


#: The two series of regional grids, named for a Chinese reader.
_SERIES_ZH = {"mee": "生态环境部排放因子", "cdm": "减排项目基准线"}


def _averages() -> pd.DataFrame:
    table = emission_factor_table()
    return table[table["kind"] == "location_average"]


def _latest(rows: pd.DataFrame) -> str | None:
    """Id of the row of the latest ``data_year`` (None for no rows)."""
    if rows.empty:
        return None
    return str(rows.sort_values("data_year", kind="stable").iloc[-1]["id"])


def _own_rows(name: str) -> pd.DataFrame:
    """Provincial average rows whose region is ``name`` (English, any case, or Chinese)."""
    avg = _averages()
    avg = avg[avg["region_type"] == "provincial"]
    keys = {str(name).strip().lower(), str(name).strip(), province_name(name).lower()} - {""}
    return avg[avg["region"].str.lower().isin(keys) | avg["region_zh"].isin(keys)]


def factor_id_for_province(province: str, *, prefer: Literal["provincial", "regional"] =
                           "provincial") -> str:
    """Id of the latest location-based average factor for a province.

    ``prefer="provincial"`` returns the province's own latest row when the table has one,
    else the latest row of its MEE regional grid.

    Raises
    ------
    PlannerInputError
        ``province`` is not a province of ``data/province_grid_region.csv`` (nor a region of
        a provincial factor row).
    """
    if prefer == "provincial":
        own = _latest(_own_rows(province))
        if own is None:
            own = _latest(_own_rows(_match_province(province)["province"].split(" (")[0]))
        if own is not None:
            return own
    region = province_grid_region(province, "mee")
    avg = _averages()
    regional = avg[(avg["region_type"] == "regional") & avg["id"].str.startswith(f"cn-{region}-")]
    found = _latest(regional)
    if found is None:
        raise PlannerInputError(Message.of("errors.carbon.no_regional_factor",
                                           "no regional factor for grid region {region}",
                                           region=repr(region)),
                                field="site.province")
    return found


@dataclass(frozen=True)
class LocationFactorChoice:
    """The location-based factor a plan uses, and why.

    Attributes
    ----------
    factor : EmissionFactor
        The factor used.
    basis : {"named", "province", "region", "national"}
        ``named``: the scenario names it; ``province``: the latest average of the site's
        province; ``region``: the province has no factor of its own, so its MEE regional
        grid's latest average; ``national``: no province, or one not in the data.
    reason : str
        The same in words, for the plan's record of its inputs.
    """

    factor: EmissionFactor
    basis: Literal["named", "province", "region", "national"]
    reason: str


def location_factor_for(province: str | None, chosen_id: str | None = None
                        ) -> LocationFactorChoice:
    """The location-based grid factor of a site: the one named, else the province's latest.

    Parameters
    ----------
    province : str or None
        The site's province (English or Chinese name), None when not given.
    chosen_id : str or None
        A factor id named by the scenario (``carbon.location_factor_id``); kept as named.

    Returns
    -------
    LocationFactorChoice

    Raises
    ------
    PlannerInputError
        ``chosen_id`` is not an id of ``data/emission_factors.csv``.

    Examples
    --------
    >>> location_factor_for("Jiangsu").factor.factor_tco2_per_mwh
    0.5827
    >>> location_factor_for(None).basis
    'national'
    """
    if chosen_id is not None:
        return LocationFactorChoice(emission_factor(chosen_id), "named",
                                    "named in the scenario")
    name = (province or "").strip()
    if not name:
        return _national("national default: the site's province is not given")
    try:
        factor = emission_factor(factor_id_for_province(name))
    except PlannerInputError:
        return _national(f"national default: {name!r} is not a province in the factor tables")
    if factor.region_type == "provincial":
        return LocationFactorChoice(
            factor, "province",
            f"province default: latest provincial average of {factor.region} (site province)")
    return LocationFactorChoice(
        factor, "region",
        f"province default: {name} has no provincial factor; latest average of its grid "
        f"region ({factor.region})")


def _national(reason: str) -> LocationFactorChoice:
    avg = _averages()
    found = _latest(avg[avg["region_type"] == "national"])
    if found is None:
        raise PlannerInputError(Message.of(
            "errors.carbon.no_national_factor", "data/emission_factors.csv has no national "
            "location_average row; restore the file"))
    return LocationFactorChoice(emission_factor(found), "national", reason)


# --------------------------------------------------------------------------- margins, trend
def combined_margin(om_tco2_per_mwh: float, bm_tco2_per_mwh: float,
                    w_om: float | None = None) -> float:
    """Combined margin ``w_OM OM + (1 - w_OM) BM`` [tCO2/MWh] (CDM TOOL07).

    ``w_om`` defaults to the wind/solar weight in ``data/carbon/defaults.toml`` (0.75).
    """
    w = carbon_defaults()["tool07_solar_weights"]["w_om"] if w_om is None else w_om
    if not 0.0 <= w <= 1.0:
        raise PlannerInputError(Message.of("errors.carbon.w_om", "w_om must be in [0, 1], got {w}",
                                           w=repr(w)))
    return w * om_tco2_per_mwh + (1.0 - w) * bm_tco2_per_mwh


def grid_factor_path(factor_tco2_per_mwh: float, years: int, decline_rate: float = 0.0
                     ) -> np.ndarray:
    """Grid factor for years 1..n declining geometrically from year 2 [tCO2/MWh]."""
    if not 0.0 <= decline_rate < 1.0:
        raise PlannerInputError(Message.of(
            "errors.carbon.decline_range", "grid factor decline must be a fraction per year "
            "in [0, 1), got {rate}", rate=repr(decline_rate)),
            field="carbon.grid_factor_decline_percent_per_year")
    return factor_tco2_per_mwh * (1.0 - decline_rate) ** np.arange(int(years))


def factor_decline_rate(from_id: str, to_id: str) -> float:
    """Mean annual decline of a factor between two of its vintages [fraction/yr].

    ``1 - (f_to / f_from) ** (1 / (year_to - year_from))``: the constant rate that takes the
    earlier factor to the later one (negative when the factor rose).

    Parameters
    ----------
    from_id, to_id : str
        Ids of two rows of ``data/emission_factors.csv`` of the same region and kind, the
        second of a later data year.

    Examples
    --------
    National average 0.5568 (2021) to 0.5306 (2023): 2.38 %/yr.

    >>> round(factor_decline_rate("cn-national-2021-average", "cn-national-2023-average"), 5)
    0.02381
    """
    field = "data/carbon/defaults.toml [grid_factor_decline]"
    first, last = emission_factor(from_id, field=field), emission_factor(to_id, field=field)
    if (first.region, first.kind) != (last.region, last.kind):
        raise PlannerInputError(Message.of("errors.carbon.decline_pair",
                                           "{first} and {last} are not the same region and kind",
                                           first=repr(from_id), last=repr(to_id)), field=field)
    if first.data_year is None or last.data_year is None or last.data_year <= first.data_year:
        raise PlannerInputError(Message.of("errors.carbon.decline_years",
                                           "{last} must be of a later data year than {first}",
                                           first=repr(from_id), last=repr(to_id)), field=field)
    if first.factor_tco2_per_mwh <= 0:
        raise PlannerInputError(Message.of("errors.carbon.decline_zero",
                                           "{first} must be above 0 tCO2/MWh",
                                           first=repr(from_id)), field=field)
    span = last.data_year - first.data_year
    return 1.0 - (last.factor_tco2_per_mwh / first.factor_tco2_per_mwh) ** (1.0 / span)


def grid_factor_decline() -> dict[str, Any]:
    """The default grid-factor decline, derived from the data, with its provenance.

    Returns
    -------
    dict
        ``value`` [%/yr, rounded to 0.01], ``rate`` [fraction/yr, unrounded], ``source``,
        ``year``, ``status`` (``derived``), ``from_factor_id``, ``to_factor_id`` — from
        ``data/carbon/defaults.toml`` ``[grid_factor_decline]``.
    """
    entry = carbon_defaults()["grid_factor_decline"]
    rate = factor_decline_rate(entry["from_factor_id"], entry["to_factor_id"])
    return {**entry, "value": round(100.0 * max(rate, 0.0), 2), "rate": rate}
