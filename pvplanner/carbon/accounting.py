"""Avoided emissions, Scope 2 views, green certificates and carbon credits.

Data live in ``data/emission_factors.csv``, ``data/province_grid_region.csv``,
``data/carbon_assets.csv`` and ``data/carbon/defaults.toml`` (see ``data/carbon/README.md``),
read by :mod:`pvplanner.carbon.tables`; factors are looked up in
:mod:`pvplanner.carbon.factors` (names re-exported here for existing importers).
Factors are in tCO2/MWh (= kgCO2/kWh); energy inputs in kWh.

The attribute rule (double counting): the environmental attribute of one MWh is used at most
once: sold as a green certificate (GEC), OR retired by the site for its market-based Scope 2
claim, OR credited under one carbon-credit scheme. :func:`carbon_ledger` allocates the MWh and
:func:`double_counting_check` rejects any allocation that uses one MWh twice.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from pvplanner.carbon.factors import (
    EmissionFactor,
    LocationFactorChoice,
    combined_margin,
    emission_factor,
    factor_id_for_province,
    grid_factor_decline,
    grid_factor_path,
    location_factor_for,
    province_grid_region,
)
from pvplanner.carbon.tables import (
    carbon_asset,
    carbon_defaults,
    load_carbon_assets,
    load_emission_factors,
    province_table,
)
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message, bilingual

__all__ = [
    "CarbonInputs",
    "EmissionFactor",
    "LocationFactorChoice",
    "Scope2Result",
    "avoided_emissions",
    "carbon_asset",
    "carbon_defaults",
    "carbon_ledger",
    "certificate_split",
    "combined_margin",
    "credit_eligibility",
    "double_counting_check",
    "emission_factor",
    "factor_id_for_province",
    "grid_factor_decline",
    "grid_factor_path",
    "load_carbon_assets",
    "load_emission_factors",
    "location_factor_for",
    "province_grid_region",
    "scope2",
    "scope2_note",
]

Certificates = Literal["sell", "retain", "retain_self_consumed", "none"]


def _default(key: str) -> Any:
    return carbon_defaults()[key]["value"]


def _years(values: Sequence[float] | np.ndarray | None, n: int, name: str) -> np.ndarray:
    if values is None:
        return np.ones(n)
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size < n or not np.all(np.isfinite(arr[:n])):
        raise PlannerInputError(Message.of(
            "errors.carbon.too_few_values", "{name} needs {n} finite values (years 1..{n}), got "
            "{count}", name=name, n=n, count=int(arr.size)), field=name)
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
        raise PlannerInputError(Message.of(
            "errors.carbon.avoided_negative", "avoided_emissions needs non-negative energy and "
            "factor, got {self_consumed}, {exported}, {factor}",
            self_consumed=repr(self_consumed_kwh), exported=repr(exported_kwh),
            factor=repr(factor)))
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
    "sell": "The tradable certificates (exported MWh) are sold: the buyer owns their "
            "attribute. Those of self-consumed MWh are not tradable and are not retired under "
            "this choice, so the site cannot claim its self-consumed PV as renewable; "
            "market-based Scope 2 counts it at the residual mix like grid purchases "
            "(location-based still shows the physical reduction).",
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
    :data:`_SCOPE2_NOTES` for each certificate choice, also returned as ``note``, a
    :class:`~pvplanner.messages.Message` of key ``notes.carbon.scope2.<certificates>``).

    Parameters
    ----------
    load_kwh, grid_import_kwh, self_consumed_kwh, exported_kwh : float
        Annual energy [kWh].
    location_factor, residual_factor : float
        Grid average and residual-mix factors [tCO2/MWh].
    certificates : {"sell", "retain", "retain_self_consumed", "none"}
        What happens to the PV's certificates.
    """
    scope2_note(certificates)  # refuses an unknown choice
    values = (load_kwh, grid_import_kwh, self_consumed_kwh, exported_kwh, location_factor,
              residual_factor)
    if not all(v >= 0 and math.isfinite(v) for v in values):
        raise PlannerInputError(Message.of("errors.carbon.scope2_inputs",
                                           "scope2 inputs must be finite and >= 0, got {values}",
                                           values=str(values)))
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
        note=scope2_note(certificates),
    )


def scope2_note(certificates: str) -> Message:
    """How a certificate choice counts in the market-based Scope 2, as a note in every
    reader's language (key ``notes.carbon.scope2.<certificates>``).

    Examples
    --------
    >>> scope2_note("none").key
    'notes.carbon.scope2.none'
    """
    if certificates not in _SCOPE2_NOTES:
        raise PlannerInputError(Message.of(
            "errors.carbon.certificate_choice", "certificates must be one of {choices}, got "
            "{chosen}", choices=bilingual(", ".join(sorted(_SCOPE2_NOTES)),
                                          "全部持有、自用部分持有、出售可交易绿证、不申领绿证"),
            chosen=repr(certificates)),
            field="carbon.certificates")
    return Message(f"notes.carbon.scope2.{certificates}", _SCOPE2_NOTES[certificates])


# --------------------------------------------------------------------------- assets
#: Largest plausible carbon prices [scenario currency per MWh or per tCO2]: green certificates
#: trade at 1-50 CNY/MWh and carbon credits at 50-700 CNY/t (EU allowances about 80 EUR/t); a
#: price above this is a typing or unit mistake.
CARBON_PRICE_LIMITS: dict[str, float] = {
    "certificate_price_per_mwh": 1e4,
    "credit_price_per_tco2": 1e4,
}


class CarbonInputs(BaseModel):
    """Carbon accounting choices of a scenario (defaults from ``data/carbon/defaults.toml``).

    Every number must be finite; the price overrides are bounded by
    :data:`CARBON_PRICE_LIMITS`.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    location_factor_id: str | None = Field(
        None, description="Grid average factor (location-based); empty = the site province's "
        "latest average (data/carbon/defaults.toml [location_factor])")
    residual_factor_id: str = Field(_default("residual_factor_id"),
                                    description="Residual-mix factor (market-based)")
    grid_factor_decline_percent_per_year: float = Field(
        default_factory=lambda: grid_factor_decline()["value"], ge=0.0, le=20.0,
        description="Annual decline of the grid factor [%/yr]; default derived from the "
        "national averages (data/carbon/defaults.toml [grid_factor_decline]); 0 = constant")
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

    @field_validator(*CARBON_PRICE_LIMITS)
    @classmethod
    def _plausible_price(cls, value: float | None, info: ValidationInfo) -> float | None:
        from pvplanner.finance.inputs import plausible_amount

        return plausible_amount(value, CARBON_PRICE_LIMITS[str(info.field_name)])

    @property
    def grid_factor_decline_rate(self) -> float:
        """Annual grid-factor decline as a fraction (for :func:`avoided_emissions`)."""
        return self.grid_factor_decline_percent_per_year / 100.0


def credit_eligibility(scheme: Mapping[str, str], capacity_kw: float, *,
                       site_province: str | None = None, site_city: str | None = None
                       ) -> tuple[bool, Message]:
    """Whether a PV system may earn credits under a scheme, and why.

    A province or city matches in English or Chinese (``Guangdong`` / ``广东``).

    Returns
    -------
    (bool, Message)
        Eligibility and a reason (English ``"eligible"`` or ``"ineligible: ..."``), a note of
        key ``notes.carbon.credit.*`` in every reader's language.
    """
    sid, asset = scheme["id"], _asset_name(scheme)
    if scheme.get("asset_type") != "credit":
        return False, Message.of("notes.carbon.credit.not_credit", "ineligible: {asset} is a "
                                 "{kind}, not a credit scheme", id=sid, asset=asset,
                                 kind=str(scheme.get("asset_type")))
    if scheme.get("available_for_distributed_pv") == "no":
        why = bilingual(scheme.get("note") or "not open to distributed PV",
                        scheme.get("note_zh") or "不接受分布式光伏项目")
        return False, Message.of("notes.carbon.credit.closed", "ineligible: {asset}: {why}",
                                 id=sid, asset=asset, why=why)
    limit = scheme.get("max_capacity_kw", "")
    if limit:
        lim = float(limit)
        inclusive = scheme.get("capacity_limit_inclusive", "true").lower() != "false"
        too_big = capacity_kw > lim if inclusive else capacity_kw >= lim
        if too_big:
            op = bilingual("<=", "不超过") if inclusive else bilingual("<", "小于")
            return False, Message.of(
                "notes.carbon.credit.too_large", "ineligible: capacity {capacity:g} kW exceeds "
                "the {asset} limit ({op} {limit:g} kW)", capacity=float(capacity_kw), id=sid,
                asset=asset, op=op, limit=lim)
    unchecked = []
    for key, site in (("province", site_province), ("city", site_city)):
        wanted = scheme.get(key, "")
        if not wanted:
            continue
        if site is None or not str(site).strip():
            unchecked.append(key)
        elif _place(key, site)["en"].lower() != _place(key, wanted)["en"].lower():
            return False, Message.of(
                "notes.carbon.credit.elsewhere", "ineligible: {asset} is for {key} {wanted}, site "
                "is in {site}", id=sid, asset=asset, key=bilingual(key, _PLACE_ZH[key]),
                wanted=_place(key, wanted), site=_place(key, site))
    if unchecked:
        what = bilingual(" and ".join(unchecked), "和".join(_PLACE_ZH[k] for k in unchecked))
        return True, Message.of("notes.carbon.credit.unchecked", "eligible (site {what} not "
                                "given, not checked)", asset=asset, what=what)
    return True, Message.of("notes.carbon.credit.eligible", "eligible", asset=asset)


#: The kinds of place a credit scheme is limited to, in Chinese.
_PLACE_ZH = {"province": "省份", "city": "城市"}


def _place(kind: str, name: str) -> dict[str, str]:
    """A province or city as a name in both languages (English or Chinese given; as given
    when the tables do not know it)."""
    key = str(name).strip()
    found = _place_names(kind).get(key.lower()) or _place_names(kind).get(key)
    if found is None:
        return bilingual(key)
    return bilingual(found[0], found[1] or None)


@functools.lru_cache(maxsize=2)
def _place_names(kind: str) -> dict[str, tuple[str, str]]:
    """Every province (``kind="province"``) or city of the tables by its lower-case
    English name and by its Chinese name -> (English, Chinese); the first row of a name
    wins."""
    if kind == "province":
        table = province_table()
        english = table["province"].str.split(" (", regex=False).str[0]
        chinese = table["province_zh"]
    else:
        from weather.climatology import list_cities

        table = list_cities()
        english, chinese = table["city"], table["city_zh"]
    names: dict[str, tuple[str, str]] = {}
    for en, zh in zip(english.astype(str), chinese.fillna("").astype(str), strict=True):
        names.setdefault(en.lower(), (en, zh))
        if zh:
            names.setdefault(zh, (en, zh))
    return names


def double_counting_check(generation_mwh: Sequence[float] | np.ndarray,
                          claims: Mapping[str, Sequence[float] | np.ndarray],
                          *, tolerance_mwh: float = 1e-6,
                          names_zh: Mapping[str, str] | None = None) -> None:
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
    names_zh : mapping, optional
        Claim name -> its Chinese name, for the error in Chinese (default: as named).

    Raises
    ------
    PlannerInputError
        Naming the first year and the claims that use the same MWh twice.
    """
    gen = np.cumsum(np.asarray(generation_mwh, dtype=float))
    active = {k: np.cumsum(np.asarray(v, dtype=float)) for k, v in claims.items()}
    if not active:
        return
    total = np.sum(np.vstack(list(active.values())), axis=0)
    over = np.nonzero(total > gen + tolerance_mwh)[0]
    if over.size == 0:
        return
    i = int(over[0])
    used = [(k, v[i]) for k, v in active.items() if v[i] > 0]
    zh = names_zh or {}
    parts = bilingual("; ".join(f"{k} {mwh:,.1f} MWh" for k, mwh in used),
                      "；".join(f"{zh.get(k, k)} {mwh:,.1f} MWh" for k, mwh in used))
    raise PlannerInputError(Message.of(
        "errors.carbon.double_counting", "double counting in year {year}: {generation} MWh "
        "of PV output to date but {claimed} MWh of claims ({parts}). One MWh's attribute can "
        "be sold as a certificate, OR retired for the site's market-based Scope 2, OR "
        "credited under one scheme. To earn carbon credits, set “{certificates}” to "
        "“{none}”; keep at most one credit scheme.", year=i + 1, generation=f"{gen[i]:,.1f}",
        claimed=f"{total[i]:,.1f}", parts=parts,
        certificates=_page_words("carbon.inputs.certificates"),
        none=_page_words("carbon.inputs.certificate_kinds.none")), field="carbon.certificates")


def _page_words(key: str) -> Message:
    """An input or option of the Carbon page by its label (catalogue ``key``), as a message
    value: an error names what the reader sees there, in the reader's language."""
    from pvplanner.display.messages import translate

    return Message(key, translate(key, "en"))


def _ledger_note(scheme: Mapping[str, str], status: Message) -> Message:
    """One scheme's note of one year of the ledger: its name and what it earned or why not."""
    return Message.of("notes.carbon.credit.ledger_item", "{asset}: {status}",
                      asset=_asset_name(scheme), status=status)


def _in_chinese(notes: list[list[Message]]) -> list[str]:
    """Each year's credit notes in Chinese (the ledger's ``credit_status_zh``)."""
    from pvplanner.display.messages import render

    return ["；".join(render(note, "zh") for note in year) for year in notes]


def _asset_price(row: Mapping[str, str], override: float | None, field: str) -> float:
    if override is not None:
        return float(override)
    if row.get("price", ""):
        return float(row["price"])
    raise PlannerInputError(Message.of(
        "errors.carbon.no_price", "{asset} has no reference price in the carbon asset table; "
        "set {field}", asset=_asset_name(row), field=bilingual(*_PRICE_FIELDS[field])),
        field=field)


#: The price inputs a carbon asset without a reference price needs, as the app names them
#: (the command line names the field before the message).
_PRICE_FIELDS = {"carbon.credit_price_per_tco2": ("the credit price override", "自定义减排量价格"),
                 "carbon.certificate_price_per_mwh": ("the certificate price override",
                                                      "自定义绿证价格")}


def _asset_name(row: Mapping[str, str]) -> dict[str, str]:
    """A carbon asset's name in both languages (a message value)."""
    return bilingual(row.get("scheme") or row["id"], row.get("name_zh") or None)


def _scheme_factor(scheme: Mapping[str, str], inputs: CarbonInputs) -> EmissionFactor:
    fid = inputs.credit_factor_id or scheme.get("factor_id") or location_factor_for(
        inputs.site_province, inputs.location_factor_id).factor.id
    ef = emission_factor(fid, field="carbon.credit_factor_id")
    need = scheme.get("factor_kind_required", "")
    if need and ef.kind != need:
        # The factor and the input by the names the Carbon page shows (the command line
        # names the field's key itself).
        raise PlannerInputError(Message.of(
            "errors.carbon.scheme_factor_kind", "{asset} needs a {need} emission factor, but "
            "the factor used is {factor}: set “{field}” to a {need} factor",
            asset=_asset_name(scheme), need=_kind_name(need), factor=_factor_name(ef),
            field=_page_words("carbon.inputs.credit_factor")),
            field="carbon.credit_factor_id")
    return ef


def _factor_name(factor: EmissionFactor) -> dict[str, str]:
    """An emission factor by its region, year and kind in both languages (a message value),
    never by its id."""
    from pvplanner.display.names import emission_factor_name

    row = factor.to_dict()
    return bilingual(emission_factor_name(row, "en"), emission_factor_name(row, "zh"))


def _kind_name(kind: str) -> Message:
    """A kind of emission factor as a message value: its name (``names.factor_kind.*``) in
    the reader's language, the English name as its text (``combined margin``, not the
    table's ``combined_margin``)."""
    from pvplanner.display.messages import translate

    key = f"names.factor_kind.{kind}"
    english = translate(key, "en")
    return Message(key, kind if english == key else english)


def _issued(cumulative_mwh: np.ndarray, per_certificate: float) -> np.ndarray:
    """Whole certificates per year; the fraction below one certificate carries over."""
    whole = np.floor(cumulative_mwh / per_certificate + 1e-9)
    return np.diff(np.concatenate([[0.0], whole]))


_CERTIFICATE_KINDS = ("tradable", "non_tradable", "none")


def certificate_split(
    self_consumed_mwh: Sequence[float] | np.ndarray,
    exported_mwh: Sequence[float] | np.ndarray,
    mechanism_mwh: Sequence[float] | np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Tradable and non-tradable green certificates (GEC) of the PV output, year by year.

    Which part of the output earns which certificate is data
    (``data/carbon/defaults.toml`` ``[certificate_kinds]``, after 国能发新能规〔2024〕67号
    and 发改价格〔2025〕136号): self-consumed MWh earn non-tradable certificates, exported MWh
    outside the 136号 mechanism tradable ones, exported mechanism volume none (its
    certificates go to the provincial account). Each kind is issued in whole certificates of
    ``mwh_per_certificate`` (1 MWh); the fraction below one certificate carries over to the
    next year.

    Parameters
    ----------
    self_consumed_mwh, exported_mwh : array-like
        PV energy used on site and exported, by year [MWh].
    mechanism_mwh : array-like, optional
        The part of ``exported_mwh`` settled under the 136号 mechanism CfD [MWh]; default 0.

    Returns
    -------
    dict
        ``tradable`` and ``non_tradable``: certificates by year [count].

    Examples
    --------
    >>> split = certificate_split([1800.7, 1800.7], [409.7, 409.7])
    >>> split["non_tradable"].tolist(), split["tradable"].tolist()
    ([1800.0, 1801.0], [409.0, 410.0])
    """
    sc = np.asarray(self_consumed_mwh, dtype=float)
    ex = np.asarray(exported_mwh, dtype=float)
    mech = np.zeros_like(ex) if mechanism_mwh is None else np.asarray(mechanism_mwh, float)
    if np.any(mech < -1e-9) or np.any(mech > ex + 1e-9):
        raise PlannerInputError(Message.of(
            "errors.carbon.mechanism_export", "the exported energy under the mechanism price of "
            "NDRC Document No. 136 (2025) must lie between 0 and the exported energy, got {mechanism} MWh of {exported} MWh",
            mechanism=str(mech.tolist()), exported=str(ex.tolist())))
    entry = carbon_defaults()["certificate_kinds"]
    per_cert = float(_default("mwh_per_certificate"))
    mwh = {"tradable": np.zeros_like(sc), "non_tradable": np.zeros_like(sc)}
    for part, energy in (("self_consumed", sc), ("exported", ex - mech), ("mechanism", mech)):
        kind = entry.get(part, "")
        if kind not in _CERTIFICATE_KINDS:
            raise PlannerInputError(Message.of(
                "errors.carbon.certificate_kind", "data/carbon/defaults.toml [certificate_kinds] "
                "{part} = {kind}; use one of {kinds}", part=part, kind=repr(kind),
                kinds=", ".join(_CERTIFICATE_KINDS)))
        if kind != "none":
            mwh[kind] = mwh[kind] + energy
    return {kind: _issued(np.cumsum(values), per_cert) for kind, values in mwh.items()}


def carbon_ledger(
    inputs: CarbonInputs,
    *,
    generation_kwh: float,
    self_consumed_kwh: float,
    exported_kwh: float,
    years: int,
    capacity_kw: float,
    degradation_factors: Sequence[float] | np.ndarray | None = None,
    mechanism_exported_kwh: float = 0.0,
    mechanism_years: int | None = None,
) -> pd.DataFrame:
    """Certificates and credits of the PV output, year by year.

    Certificates (:func:`certificate_split`): self-consumed MWh earn non-tradable ones,
    exported MWh outside the 136号 mechanism tradable ones, mechanism volume none; whole
    certificates only (the remainder carries to the next year). ``certificates`` decides
    their use: ``sell`` the tradable ones (the non-tradable ones cannot be sold and stay
    unclaimed), ``retain`` all (retired for the site's Scope 2), ``retain_self_consumed``
    (retire the non-tradable ones, sell the tradable ones) or ``none`` (neither; needed to
    earn credits on the same MWh). Revenue comes from sold (tradable) certificates only.
    Credits: for each scheme in ``credit_scheme_ids`` that the
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
    mechanism_exported_kwh : float, optional
        Year-1 exported energy settled under the 136号 mechanism CfD [kWh] (at most
        ``exported_kwh``); it earns no certificate. Default 0.
    mechanism_years : int, optional
        Years the mechanism contract runs (years 1..m); None: the whole period.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` 1..n: ``generation_mwh``, ``self_consumed_mwh``, ``exported_mwh``,
        ``mechanism_mwh``, ``certificates_tradable``, ``certificates_non_tradable``,
        ``certificates_issued`` (their sum), ``certificates_sold``, ``certificates_retained``,
        ``certificate_price``, ``certificate_revenue``, ``scope2_claimed_mwh``,
        ``credited_mwh``, ``credits_tco2``, ``credit_price``, ``credit_revenue``,
        ``credit_scheme`` and ``credit_status`` (reason per year and scheme).
    """
    n = int(years)
    deg = _years(degradation_factors, n, "degradation_factors")
    gen = generation_kwh / 1000.0 * deg
    sc = self_consumed_kwh / 1000.0 * deg
    ex = exported_kwh / 1000.0 * deg
    mech = mechanism_exported_kwh / 1000.0 * deg
    if mechanism_years is not None:
        mech = np.where(np.arange(1, n + 1) <= int(mechanism_years), mech, 0.0)
    per_cert = float(_default("mwh_per_certificate"))
    esc = (1.0 + inputs.asset_price_escalation_rate) ** np.arange(n)

    split = certificate_split(sc, ex, mech)
    tradable, non_tradable = split["tradable"], split["non_tradable"]
    mode = inputs.certificates
    sold = tradable if mode in ("sell", "retain_self_consumed") else np.zeros(n)
    retained = {"retain": tradable + non_tradable,
                "retain_self_consumed": non_tradable}.get(mode, np.zeros(n))
    price_row = carbon_asset(inputs.certificate_price_id, field="carbon.certificate_price_id")
    cert_price = (_asset_price(price_row, inputs.certificate_price_per_mwh,
                               "carbon.certificate_price_per_mwh") if sold.any() else 0.0)

    claims: dict[str, np.ndarray] = {"certificates sold": sold * per_cert,
                                     "certificates retired for Scope 2": retained * per_cert}
    claim_names_zh = {"certificates sold": "出售的绿证",
                      "certificates retired for Scope 2": "企业注销用于范围二声明的绿证"}
    credited_total = np.zeros(n)
    credits = np.zeros(n)
    revenue = np.zeros(n)
    credit_prices = np.zeros(n)
    notes: list[list[Message]] = [[] for _ in range(n)]
    schemes = []
    yr = np.arange(1, n + 1)
    for sid in inputs.credit_scheme_ids:
        scheme = carbon_asset(sid)
        ok, reason = credit_eligibility(scheme, capacity_kw, site_province=inputs.site_province,
                                        site_city=inputs.site_city)
        if not ok:
            for year_notes in notes:
                year_notes.append(_ledger_note(scheme, reason))
            continue
        period = inputs.crediting_period_years or (
            int(float(scheme["crediting_period_years"])) if scheme["crediting_period_years"]
            else n)
        window = (yr >= inputs.credit_start_year) & (yr < inputs.credit_start_year + period)
        factor = _scheme_factor(scheme, inputs)
        price = _asset_price(scheme, inputs.credit_price_per_tco2, "carbon.credit_price_per_tco2")
        mwh = np.where(window, gen, 0.0)
        claim = f"credits under {_asset_name(scheme)['en']}"  # the scheme's name, not its id
        claims[claim] = mwh
        claim_names_zh[claim] = f"{_asset_name(scheme)['zh']}的碳减排量"
        tco2 = mwh * factor.factor_tco2_per_mwh
        credited_total += mwh
        credits += tco2
        revenue += tco2 * price * esc
        credit_prices = np.where(window, price * esc, credit_prices)
        schemes.append(sid)
        where = (bilingual(f"{factor.region}, {factor.data_year}",
                           f"{factor.region_zh or factor.region}，{factor.data_year}年")
                 if factor.data_year else bilingual(factor.region, factor.region_zh or None))
        used = Message.of("notes.carbon.credit.ledger_used",
                          "{reason}, factor {factor:g} tCO2/MWh ({where})", reason=reason,
                          factor=factor.factor_tco2_per_mwh, where=where)
        outside = Message.of("notes.carbon.credit.ledger_outside", "outside crediting period")
        for year_notes, inside in zip(notes, window, strict=True):
            year_notes.append(_ledger_note(scheme, used if inside else outside))
    double_counting_check(gen, claims, names_zh=claim_names_zh)

    return pd.DataFrame(
        {
            "generation_mwh": gen,
            "self_consumed_mwh": sc,
            "exported_mwh": ex,
            "mechanism_mwh": mech,
            "certificates_tradable": tradable,
            "certificates_non_tradable": non_tradable,
            "certificates_issued": tradable + non_tradable,
            "certificates_sold": sold,
            "certificates_retained": retained,
            # The price certificates were sold at; none where none were sold (a 0 beside the
            # assumptions' reference price read as a contradiction).
            "certificate_price": np.where(sold > 0, cert_price * esc, np.nan),
            "certificate_revenue": sold * cert_price * esc,
            "scope2_claimed_mwh": retained * per_cert,
            "credited_mwh": credited_total,
            "credits_tco2": credits,
            "credit_price": credit_prices,
            "credit_revenue": revenue,
            "credit_scheme": [", ".join(schemes)] * n,
            "credit_status": ["; ".join(x) for x in notes],
            "credit_status_zh": _in_chinese(notes),
        },
        index=pd.RangeIndex(1, n + 1, name="year"),
    )
