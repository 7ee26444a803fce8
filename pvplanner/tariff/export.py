"""Which export rule and price apply to a plan: decided here, once.

A tariff preset carries a default export rule; a scenario may name another one
(``tariff.export``), the site's province picks the coal benchmark price when the rule does
not name a province, and an export limit of 0 kW means zero export (防逆流) whatever the
tariff says. :func:`applied_export_policy` makes that decision and :func:`export_terms`
states its outcome — the price per kWh with its source, date and status — for the
plan's record of assumptions. The price series, the bills, the optimizer, the app and the
proposal all follow the same policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from pvplanner.tariff.files import coal_benchmark_price, export_price_table
from pvplanner.tariff.model import ExportPolicy, Tariff

__all__ = ["ExportTerms", "applied_export_policy", "apply_export_policy", "export_terms"]

#: Source text of a zero-export rule forced by the scenario's export limit.
ZERO_EXPORT_SOURCE = "constraints.export_limit_kw = 0"


def applied_export_policy(
    tariff: Tariff,
    override: ExportPolicy | None = None,
    *,
    site_province: str | None = None,
    export_limit_kw: float | None = None,
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

    Returns
    -------
    ExportPolicy
        With ``province`` filled for coal-benchmark rules.

    Examples
    --------
    >>> from pvplanner.tariff import load_tariff_preset
    >>> zhejiang = load_tariff_preset("zhejiang_2024_large_industry")
    >>> policy = applied_export_policy(zhejiang, site_province="Jiangsu")
    >>> (policy.kind, policy.province)
    ('coal_benchmark', 'Jiangsu')
    >>> applied_export_policy(zhejiang, export_limit_kw=0).kind
    'zero_export'
    """
    policy = override if override is not None else tariff.export
    if export_limit_kw == 0 and policy.kind != "zero_export":
        return ExportPolicy(kind="zero_export", source=ZERO_EXPORT_SOURCE)
    if policy.kind == "coal_benchmark" and not policy.province:
        province = site_province or tariff.region
        if province:
            policy = policy.model_copy(update={"province": province})
    return policy


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
    """

    kind: str
    price_per_kwh: float | None
    mean_price_per_kwh: float | None
    province: str
    province_zh: str
    source: str
    date: str
    status: str


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
    source, status = policy.source, policy.status
    price: float | None = None
    mean: float | None = None
    province = province_zh = date = ""
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
    return ExportTerms(
        kind=policy.kind, price_per_kwh=price, mean_price_per_kwh=mean, province=province,
        province_zh=province_zh, source=source, date=date, status=status,
    )


def _benchmark_row(province: str) -> dict[str, object]:
    table = export_price_table()
    key = province.strip()
    match = table[(table["province"].str.lower() == key.lower()) | (table["province_zh"] == key)]
    return match.iloc[0].to_dict()
