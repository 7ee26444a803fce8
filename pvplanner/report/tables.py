"""The Result's tables reshaped for the proposal: monthly energy, a representative day,
bills, cash flow and carbon ledger summaries.

Pure functions of a :class:`~pvplanner.result.Result`, reading the columns documented on
:class:`~pvplanner.result.Result` (and nothing else): the monthly sums come from
``Result.monthly``, never re-summed from the hourly table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pvplanner.result import Result

#: Power flows of the hourly table drawn in the typical-day chart, bottom to top: the
#: sources that supply the load, then what charges the battery and what PV exports.
DAY_SUPPLY_FLOWS: tuple[str, ...] = ("pv_to_load_kw", "battery_to_load_kw", "grid_to_load_kw")
DAY_EXTRA_FLOWS: tuple[str, ...] = ("pv_to_battery_kw", "grid_to_battery_kw", "pv_to_grid_kw")

_MONTHS = pd.RangeIndex(1, 13, name="month")


def monthly_energy(result: Result) -> pd.DataFrame:
    """Energy of each month [kWh] from ``Result.monthly``.

    Returns
    -------
    pandas.DataFrame
        Index ``month`` 1..12; ``load_kwh``, ``pv_kwh`` (available minus curtailed),
        ``self_consumed_kwh`` (PV to load plus PV to battery), ``exported_kwh``,
        ``imported_kwh`` (everything bought from the grid), ``curtailed_kwh``.
    """
    m = result.monthly.reindex(_MONTHS, fill_value=0.0)
    return pd.DataFrame({
        "load_kwh": m["load_kwh"],
        "pv_kwh": m["pv_available_kwh"] - m["curtailed_kwh"],
        "self_consumed_kwh": m["pv_to_load_kwh"] + m["pv_to_battery_kwh"],
        "exported_kwh": m["pv_to_grid_kwh"],
        "imported_kwh": m["grid_import_kwh"],
        "curtailed_kwh": m["curtailed_kwh"],
    }, index=_MONTHS)


def pv_generation_kw(hourly: pd.DataFrame) -> pd.Series:
    """PV output delivered [kW]: available minus curtailed."""
    return hourly["pv_available_kw"] - hourly["curtailed_kw"]


def peak_months(result: Result) -> tuple[int, int]:
    """The months (1..12) with the most and the least PV generation."""
    pv = monthly_energy(result)["pv_kwh"]
    return int(pv.idxmax()), int(pv.idxmin())


def representative_day(result: Result, month: int) -> pd.Timestamp:
    """The day of ``month`` whose PV generation and load are closest to the month's means.

    A real day of the typical year (its flows balance hour by hour, and a factory does not
    buy from the grid while it exports), chosen by the smallest sum of squared relative
    deviations of the day's PV energy and load energy from the month's daily means; a
    month without PV is judged by its load alone.

    Returns
    -------
    pandas.Timestamp
        Midnight at the start of the chosen day (the hourly table's time zone).
    """
    hourly = result.hourly
    if not isinstance(hourly.index, pd.DatetimeIndex):
        raise ValueError("the hourly table needs a datetime index")
    in_month = hourly.loc[hourly.index.month == month]
    if in_month.empty:
        raise ValueError(f"the hourly table has no day in month {month}")
    days = in_month.index.normalize()
    daily = pd.DataFrame({
        "pv": pv_generation_kw(in_month).groupby(days).sum(),
        "load": pd.to_numeric(in_month["load_kw"]).groupby(days).sum(),
    })
    score = pd.Series(0.0, index=daily.index)
    for column in ("pv", "load"):
        mean = float(daily[column].mean())
        if mean > 0:
            score += ((daily[column] - mean) / mean) ** 2
    return pd.Timestamp(score.idxmin())


def typical_day(result: Result, month: int, flows: Sequence[str] | None = None) -> pd.DataFrame:
    """The power flows of the representative day of one month [kW]
    (:func:`representative_day`).

    Returns
    -------
    pandas.DataFrame
        Index ``hour`` (0, 1, ... 23, or quarter hours as 0.25 steps); one column per flow
        that exists in the hourly table (``pv_to_load_kw``, ``battery_to_load_kw``,
        ``grid_to_load_kw``, ``pv_to_battery_kw``, ``pv_to_grid_kw``) plus ``load_kw`` and
        ``pv_kw``. ``attrs["date"]`` is the day (a :class:`datetime.date`).
    """
    hourly = result.hourly
    day_start = representative_day(result, month)
    wanted = [*list(flows or (*DAY_SUPPLY_FLOWS, *DAY_EXTRA_FLOWS)), "load_kw"]
    present = [name for name in dict.fromkeys(wanted) if name in hourly.columns]
    in_day = hourly.index.normalize() == day_start
    chosen = hourly.loc[in_day, present].apply(pd.to_numeric)
    chosen["pv_kw"] = pv_generation_kw(hourly).loc[in_day]
    chosen.index = pd.Index(np.asarray(chosen.index.hour + chosen.index.minute / 60.0),
                            name="hour")
    chosen.attrs["date"] = day_start.date()
    return chosen


def exports_paid_to_investor(result: Result) -> bool:
    """Under an energy performance contract (EMC) the export income is the investor's (it
    owns the plant): the company's bill does not deduct it."""
    return result.finance.perspective == "investor"


def earns_exports(result: Result) -> bool:
    """Whether the company's bill with the system has export income in it: year 1's export
    income is at least half a currency unit and the company's. Without it (zero export, an
    export price of 0, or EMC, where the income is the investor's) the proposal's labels say
    "bill savings", not "savings including export income"."""
    return (not exports_paid_to_investor(result)
            and abs(float(result.bills.export_revenue_annual)) >= 0.5)


def bill_label_keys(result: Result) -> tuple[str, str]:
    """Keys of the labels of the bill with the system and of the year's saving.

    Parameters
    ----------
    result : Result
        The plan.

    Returns
    -------
    tuple of str
        ``(with_system, savings)``: the company's grid bill under EMC, the bill net of
        export income when there is some, else the plain bill and saving.
    """
    if exports_paid_to_investor(result):
        return "bills.with_system_emc", "bills.savings_emc"
    if earns_exports(result):
        return "bills.with_system", "kpi.savings"
    return "bills.with_system_no_export", "kpi.savings_no_export"


def self_consumption_shown(result: Result) -> float | None:
    """The share of the PV generation used on site, or None without generation (a share of
    nothing is not 0 %)."""
    if result.pv.annual_generation_kwh < 0.5:
        return None
    return result.energy.self_consumption_ratio


def specific_yield_shown(result: Result) -> float | None:
    """The system's year-1 yield per kWp [kWh/kWp], or None for a system of 0 kWp."""
    return result.pv.specific_yield_kwh_per_kwp if result.pv.capacity_kwp > 0 else None


def monthly_bills(result: Result) -> pd.DataFrame:
    """``baseline``, ``with_system`` and ``savings`` of each month [currency]: the bill
    with the system deducts the export income, except under EMC, where that income is the
    investor's (:func:`exports_paid_to_investor`) and the company's own bill is shown."""
    baseline = result.bill_baseline_monthly["total"].reindex(_MONTHS, fill_value=0.0).to_numpy()
    monthly = result.bill_with_system_monthly
    with_system = monthly["total"].reindex(_MONTHS, fill_value=0.0).to_numpy()
    if exports_paid_to_investor(result) and "export_credit" in monthly.columns:
        # credits are negative amounts of the bill: taking them out raises it
        with_system = with_system - monthly["export_credit"].reindex(
            _MONTHS, fill_value=0.0).to_numpy()
    return pd.DataFrame(
        {"baseline": baseline, "with_system": with_system, "savings": baseline - with_system},
        index=pd.RangeIndex(1, 13, name="month"),
    )


def annual_bills(result: Result) -> tuple[float, float, float]:
    """Year-1 ``(baseline, with_system, savings)`` as :func:`monthly_bills` gives them
    [currency]."""
    bills = result.bills
    with_system = bills.with_system_annual + (
        bills.export_revenue_annual if exports_paid_to_investor(result) else 0.0)
    return bills.baseline_annual, with_system, bills.baseline_annual - with_system


def _sum(frame: pd.DataFrame, names: Iterable[str]) -> pd.Series:
    total = pd.Series(0.0, index=frame.index)
    for name in names:
        if name in frame.columns:
            total = total + pd.to_numeric(frame[name], errors="coerce").fillna(0.0)
    return total


def cash_flow_summary(result: Result) -> pd.DataFrame:
    """The cash-flow table grouped into the proposal's columns [currency, signed].

    Returns
    -------
    pandas.DataFrame
        Index ``year`` 0..N: ``capex`` (net of capital subsidies), ``savings`` (energy and
        demand), ``export``, ``assets`` (certificates and credits), ``subsidy`` (generation
        subsidy), ``costs`` (O&M, replacements, salvage as a positive), ``lease``, ``tax``,
        ``net`` and ``cumulative`` (project flows, the basis of the NPV, IRR and payback).
    """
    cash = result.cash_flow
    table = pd.DataFrame(index=cash.index.copy())
    table.index.name = "year"
    table["capex"] = _sum(cash, ("capex", "capex_subsidy"))
    table["savings"] = _sum(cash, ("energy_savings", "demand_savings"))
    table["export"] = _sum(cash, ("export_revenue",))
    table["assets"] = _sum(cash, ("certificate_revenue", "credit_revenue"))
    table["subsidy"] = _sum(cash, ("generation_subsidy",))
    table["costs"] = _sum(cash, ("om_cost", "replacement_cost", "salvage"))
    table["lease"] = _sum(cash, ("lease_payment",))
    table["tax"] = _sum(cash, ("tax_project",))
    table["net"] = cash["net_cash_flow_project"].astype(float)
    table["cumulative"] = cash["cumulative_project"].astype(float)
    return table


def ledger_summary(result: Result) -> pd.DataFrame:
    """The carbon ledger with avoided emissions by year, plus a ``total`` row.

    Returns
    -------
    pandas.DataFrame
        Index: years 1..N then ``"total"``; columns ``generation_mwh``, ``avoided_tco2``,
        ``certificates_issued``,
        ``certificates_sold``, ``certificates_retained``, ``credits_tco2``, ``revenue``
        (certificates plus credits).
    """
    ledger = result.carbon_ledger
    if ledger is None or len(ledger) == 0:
        return pd.DataFrame()
    table = pd.DataFrame(index=ledger.index.copy())
    table["generation_mwh"] = _sum(ledger, ("generation_mwh",))
    table["avoided_tco2"] = ledger["avoided_tco2"].astype(float)
    for name in ("certificates_issued", "certificates_sold", "certificates_retained",
                 "credits_tco2"):
        table[name] = _sum(ledger, (name,))
    table["revenue"] = _sum(ledger, ("certificate_revenue", "credit_revenue"))
    total = table.sum(axis=0)
    out = table.copy()
    out.index = out.index.astype(object)
    out.loc["total"] = total
    return out


def ledger_for_reader(ledger: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The carbon ledger for a reader of ``lang``: the per-year credit notes in that language
    (``credit_status_zh`` in Chinese, then dropped) and the credit schemes by name, not id.

    Parameters
    ----------
    ledger : pandas.DataFrame
        :attr:`pvplanner.Result.carbon_ledger`.
    lang : {"en", "zh"}
        The reader's language.

    Returns
    -------
    pandas.DataFrame
        A copy; the same columns but ``credit_status_zh``.
    """
    from pvplanner.carbon.tables import carbon_asset
    from pvplanner.display.messages import translate
    from pvplanner.display.names import carbon_asset_name

    out = ledger.copy()
    if lang == "zh" and "credit_status_zh" in out.columns:
        out["credit_status"] = out["credit_status_zh"]
    out = out.drop(columns=["credit_status_zh"], errors="ignore")
    if "credit_scheme" in out.columns:
        joiner = translate("carbon.ledger.scheme_sep", lang)
        out["credit_scheme"] = [
            joiner.join(carbon_asset_name(carbon_asset(i.strip()), lang)
                        for i in str(ids or "").split(",") if i.strip())
            for ids in out["credit_scheme"]]
    return out
