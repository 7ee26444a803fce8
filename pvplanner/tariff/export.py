"""Which export rule and price apply to a plan: decided here, once.

A tariff preset carries a default export rule (the coal benchmark price); a project
commissioned from 2025-06-01 sells its exports at market prices instead
(发改价格〔2025〕136号), at the province's default market price unless the scenario gives
one; a scenario may name another rule (``tariff.export``); the site's province picks the
benchmark or market price when the rule does not name a province; and an export limit of
0 kW means zero export (防逆流) whatever the tariff says. :func:`applied_export_policy` makes that decision and :func:`export_terms`
states its outcome — the price per kWh with its source, date and status — for the
plan's record of assumptions. The price series, the bills, the optimizer, the app and the
proposal all follow the same policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pvplanner.errors import TariffError
from pvplanner.messages import Message
from pvplanner.tariff.coal import coal_benchmark_price, export_price_table
from pvplanner.tariff.market import (
    MARKET_EXPORT_FROM,
    default_market_price,
    mechanism_adder_per_kwh,
    mechanism_year_factors,
)
from pvplanner.tariff.model import ExportPolicy, Tariff
from pvplanner.tariff.province_names import province_rows

__all__ = ["ExportTerms", "applied_export_policy", "apply_export_policy", "export_terms",
           "export_year_factors"]

#: Source text of a zero-export rule forced by the scenario's export limit.
ZERO_EXPORT_SOURCE = "constraints.export_limit_kw = 0"


def applied_export_policy(
    tariff: Tariff,
    override: ExportPolicy | None = None,
    *,
    site_province: str | None = None,
    export_limit_kw: float | None = None,
    commissioning_date: dt.date | None = None,
) -> ExportPolicy:
    """The export rule a plan uses.

    Parameters
    ----------
    tariff : Tariff
        The tariff in use (its ``export`` is the default rule).
    override : ExportPolicy, optional
        The scenario's own rule (``tariff.export``), which replaces the tariff's.
    site_province : str, optional
        The site's province: a coal-benchmark rule without a province is priced at the
        *site's* province (exports are sold where the plant is), else the tariff's region.
    export_limit_kw : float, optional
        The scenario's export limit [kW]; 0 forces zero export (防逆流).
    commissioning_date : datetime.date, optional
        When the system starts operating: from 2025-06-01 (136号) the tariff's default
        coal-benchmark rule becomes a market-price rule. None: before that date's rules
        are not applied (the tariff's own rule stands).

    Returns
    -------
    ExportPolicy
        With ``province`` filled for benchmark and market rules, and the province's default
        market price (with its source and status) where a market rule gives no price.

    Examples
    --------
    >>> from pvplanner.tariff import load_tariff_preset
    >>> zhejiang = load_tariff_preset("zhejiang_2024_large_industry")
    >>> policy = applied_export_policy(zhejiang, site_province="Jiangsu")
    >>> (policy.kind, policy.province)
    ('coal_benchmark', 'Jiangsu')
    >>> applied_export_policy(zhejiang, export_limit_kw=0).kind
    'zero_export'
    >>> new = applied_export_policy(zhejiang, commissioning_date=dt.date(2026, 10, 1))
    >>> (new.kind, new.province, new.status)
    ('market', 'Zhejiang', 'unverified')
    """
    policy = override if override is not None else tariff.export
    if export_limit_kw == 0 and policy.kind != "zero_export":
        return ExportPolicy(kind="zero_export", source=ZERO_EXPORT_SOURCE)
    province = policy.province or site_province or tariff.region or None
    market_era = commissioning_date is not None and commissioning_date >= MARKET_EXPORT_FROM
    if override is None and policy.kind == "coal_benchmark" and market_era:
        policy = ExportPolicy(kind="market", province=province)
    if policy.kind in ("coal_benchmark", "market") and not policy.province and province:
        policy = policy.model_copy(update={"province": province})
    if policy.kind == "market" and _needs_default_price(policy):
        row = default_market_price(policy.province)
        default_price = row["price_per_kwh"]
        if not isinstance(default_price, float):  # the table reads the column as floats
            raise TariffError(
                Message.of("errors.tariff.export_price",
                           "data/export_market_prices.csv: province {province} has price_per_kwh "
                           "{price}; give a number [CNY/kWh]", province=repr(row["province"]),
                           price=repr(default_price)),
                field="tariff.export.price_per_kwh",
            )
        source = f"{row['basis']}: {row['source']}"
        if row["reason"]:
            source = f"{source}. Unverified because {row['reason']}"
        policy = policy.model_copy(update={
            "price_per_kwh": float(default_price), "source": source,
            "status": str(row["status"]), "date": str(row["date"]),
        })
    return policy


def _needs_default_price(policy: ExportPolicy) -> bool:
    """A market rule that names neither a flat price nor an hourly series."""
    return policy.series_per_kwh is None and "price_per_kwh" not in policy.model_fields_set


def apply_export_policy(tariff: Tariff, policy: ExportPolicy) -> Tariff:
    """The tariff with ``policy`` as its export rule (unchanged when it already is)."""
    if tariff.export == policy:
        return tariff
    return tariff.model_copy(update={"export": policy})


@dataclass(frozen=True)
class ExportTerms:
    """What an export rule pays, stated for a reader.

    Attributes
    ----------
    kind : str
        ``coal_benchmark``, ``constant``, ``series``, ``net_metering`` or ``zero_export``.
    price_per_kwh : float or None
        The flat price paid per exported kWh [currency/kWh]; 0 under zero export; None
        where it varies by step (``series``: see ``mean_price_per_kwh``) or equals the
        import price (``net_metering``).
    mean_price_per_kwh : float or None
        Mean of an hourly price series [currency/kWh].
    province : str
        The province whose benchmark price applies ("" otherwise).
    province_zh : str
        Its Chinese name ("" when unknown).
    source, date, status : str
        Where the price comes from, its date or validity, and its status.
    market_price_per_kwh : float or None
        Market rules: the (mean) market price [currency/kWh] before the mechanism top-up.
    mechanism_price_per_kwh : float or None
        Market rules with a mechanism contract: the mechanism price [currency/kWh].
    mechanism_share : float
        Share of exports under the mechanism [fraction] (0 without one).
    mechanism_years : int
        Years the mechanism runs (0 without one).
    """

    kind: str
    price_per_kwh: float | None
    mean_price_per_kwh: float | None
    province: str
    province_zh: str
    source: str
    date: str
    status: str
    market_price_per_kwh: float | None = None
    mechanism_price_per_kwh: float | None = None
    mechanism_share: float = 0.0
    mechanism_years: int = 0


def export_terms(policy: ExportPolicy) -> ExportTerms:
    """The price an export rule pays, with its provenance.

    Parameters
    ----------
    policy : ExportPolicy
        A rule from :func:`applied_export_policy` (coal-benchmark rules with a province).

    Returns
    -------
    ExportTerms

    Raises
    ------
    TariffError
        A coal-benchmark rule whose province has no price in ``data/export_prices.csv``.

    Examples
    --------
    >>> terms = export_terms(ExportPolicy(kind="zero_export"))
    >>> (terms.kind, terms.price_per_kwh)
    ('zero_export', 0.0)
    """
    source, date = policy.source, policy.date
    status: str = policy.status  # a data row's status replaces it below
    price: float | None = None
    mean: float | None = None
    province = province_zh = ""
    if policy.kind == "zero_export":
        # Zero export is the customer's grid-connection choice (or the scenario's limit).
        price, status = 0.0, "user"
    elif policy.kind == "constant":
        price = float(policy.price_per_kwh)
    elif policy.kind == "series":
        values = policy.series_per_kwh or []
        mean = float(sum(values) / len(values)) if values else None
    elif policy.kind == "coal_benchmark":
        price = coal_benchmark_price(policy.province or "")
        row = _benchmark_row(policy.province or "")
        province, province_zh = str(row["province"]), str(row["province_zh"])
        source, date, status = str(row["source"]), str(row["date"]), str(row["status"])
    market = mechanism = None
    share, years = 0.0, 0
    if policy.kind == "market":
        row = default_market_price(policy.province)
        province = policy.province or ""
        province_zh = str(row["province_zh"]) if row["province"] != "*" else ""
        series = policy.series_per_kwh
        market = float(np.mean(series)) if series else float(policy.price_per_kwh)
        adder = 0.0
        if policy.has_mechanism:
            mechanism, share = policy.mechanism_price_per_kwh, policy.mechanism_share
            years = policy.mechanism_years
            adder = mechanism_adder_per_kwh(market, mechanism, share)
        if series:
            mean = market + adder
        else:
            price = market + adder
    return ExportTerms(
        kind=policy.kind, price_per_kwh=price, mean_price_per_kwh=mean, province=province,
        province_zh=province_zh, source=source, date=date, status=status,
        market_price_per_kwh=market, mechanism_price_per_kwh=mechanism,
        mechanism_share=share, mechanism_years=years,
    )


def export_year_factors(terms: ExportTerms, years: int) -> np.ndarray:
    """Export price of each year relative to year 1 (before escalation), shape (years,).

    Ones, except that a mechanism contract's top-up stops after its years.

    Examples
    --------
    >>> terms = export_terms(ExportPolicy(kind="market", price_per_kwh=0.25,
    ...     mechanism_price_per_kwh=0.35, mechanism_share=0.8, mechanism_years=10))
    >>> round(terms.price_per_kwh, 4)
    0.33
    >>> export_year_factors(terms, 12)[[0, 9, 10]].round(4).tolist()
    [1.0, 1.0, 0.7576]
    """
    if terms.market_price_per_kwh is None or terms.mechanism_price_per_kwh is None:
        return np.ones(int(years))
    adder = mechanism_adder_per_kwh(terms.market_price_per_kwh, terms.mechanism_price_per_kwh,
                                    terms.mechanism_share)
    return mechanism_year_factors(terms.market_price_per_kwh, adder, terms.mechanism_years,
                                  years)


def _benchmark_row(province: str) -> dict[str, object]:
    table = export_price_table()
    return table[province_rows(table["province"], province)].iloc[0].to_dict()
