"""The Result's tables reshaped for the proposal: monthly energy, a typical day, bills,
cash flow and carbon ledger summaries.

Pure functions of a :class:`~pvplanner.result.Result`. They read the columns that exist and
treat a missing flow (no battery, no curtailment) as zero, so a proposal can be written for
any result the pipeline produces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pvplanner.result import Result

#: Power flows of the hourly table drawn in the typical-day chart, bottom to top: the
#: sources that supply the load, then what PV sends elsewhere.
DAY_SUPPLY_FLOWS: tuple[str, ...] = ("pv_to_load_kw", "battery_to_load_kw", "grid_to_load_kw")
DAY_EXTRA_FLOWS: tuple[str, ...] = ("pv_to_battery_kw", "pv_to_grid_kw")


def step_hours(frame: pd.DataFrame) -> float:
    """Length of one step of a time-indexed table [h] (1 for hourly, 0.25 for 15 minutes)."""
    index = frame.index
    if isinstance(index, pd.DatetimeIndex) and len(index) > 1:
        return float((index[1] - index[0]) / pd.Timedelta(hours=1))
    return 8760.0 / len(index) if len(index) else 1.0


def _column(frame: pd.DataFrame, names: Iterable[str]) -> pd.Series | None:
    for name in names:
        if name in frame.columns:
            return pd.to_numeric(frame[name], errors="coerce").fillna(0.0)
    return None


def _months(frame: pd.DataFrame) -> np.ndarray:
    if isinstance(frame.index, pd.DatetimeIndex):
        return np.asarray(frame.index.month)
    if "month" in frame.columns:
        return frame["month"].to_numpy()
    raise ValueError("the table has neither a datetime index nor a month column")


def _by_month(values: pd.Series | np.ndarray, months: np.ndarray) -> np.ndarray:
    return np.bincount(months - 1, weights=np.asarray(values, dtype=float), minlength=12)[:12]


def monthly_energy(result: Result) -> pd.DataFrame:
    """Energy of each month [kWh]: ``load``, ``pv``, ``self_consumed``, ``exported``,
    ``imported``, ``curtailed`` (index ``month`` 1..12), summed from the hourly table.

    ``self_consumed`` is PV used on site directly or through the battery (PV to load plus PV
    to battery); ``imported`` is everything bought from the grid.
    """
    hourly = result.hourly
    hours = step_hours(hourly)
    months = _months(hourly)
    zero = pd.Series(0.0, index=hourly.index)

    def energy(*names: str) -> np.ndarray:
        series = _column(hourly, names)
        return _by_month((zero if series is None else series) * hours, months)

    pv_to_load = energy("pv_to_load_kw")
    pv_to_battery = energy("pv_to_battery_kw")
    curtailed = energy("curtailed_kw", "pv_curtailed_kw")
    table = pd.DataFrame(
        {
            "load_kwh": energy("load_kw"),
            "pv_kwh": _by_month(pv_generation_kw(hourly) * hours, months),
            "self_consumed_kwh": pv_to_load + pv_to_battery,
            "exported_kwh": energy("pv_to_grid_kw", "export_kw", "grid_export_kw")
            + energy("battery_to_grid_kw"),
            "imported_kwh": _imports(hourly, months, hours),
            "curtailed_kwh": curtailed,
        },
        index=pd.RangeIndex(1, 13, name="month"),
    )
    return table


def pv_generation_kw(hourly: pd.DataFrame) -> pd.Series:
    """PV output delivered [kW]: ``pv_kw`` if present, else available minus curtailed."""
    direct = _column(hourly, ("pv_kw", "pv_ac_kw", "generation_kw"))
    if direct is not None:
        return direct
    available = _column(hourly, ("pv_available_kw",))
    if available is None:
        parts = [_column(hourly, (name,)) for name in
                 ("pv_to_load_kw", "pv_to_battery_kw", "pv_to_grid_kw")]
        return sum((p for p in parts if p is not None), pd.Series(0.0, index=hourly.index))
    curtailed = _column(hourly, ("curtailed_kw", "pv_curtailed_kw"))
    return available - (0.0 if curtailed is None else curtailed)


def _imports(hourly: pd.DataFrame, months: np.ndarray, hours: float) -> np.ndarray:
    total = _column(hourly, ("grid_import_kw", "import_kw"))
    if total is None:
        parts = [_column(hourly, (name,)) for name in ("grid_to_load_kw", "grid_to_battery_kw")]
        total = sum((p for p in parts if p is not None), pd.Series(0.0, index=hourly.index))
    return _by_month(total * hours, months)


def peak_months(result: Result) -> tuple[int, int]:
    """The months (1..12) with the most and the least PV generation."""
    pv = monthly_energy(result)["pv_kwh"]
    return int(pv.idxmax()), int(pv.idxmin())


def typical_day(result: Result, month: int, flows: Sequence[str] | None = None) -> pd.DataFrame:
    """Average power of each step of the day in one month [kW].

    Returns
    -------
    pandas.DataFrame
        Index ``hour`` (0, 1, ... 23, or quarter hours as 0.25 steps); one column per flow
        that exists in the hourly table (``pv_to_load_kw``, ``battery_to_load_kw``,
        ``grid_to_load_kw``, ``pv_to_battery_kw``, ``pv_to_grid_kw``) plus ``load_kw`` and
        ``pv_kw``.
    """
    hourly = result.hourly
    if not isinstance(hourly.index, pd.DatetimeIndex):
        raise ValueError("the hourly table needs a datetime index")
    wanted = [*list(flows or (*DAY_SUPPLY_FLOWS, *DAY_EXTRA_FLOWS)), "load_kw"]
    present = [name for name in dict.fromkeys(wanted) if name in hourly.columns]
    in_month = hourly.index.month == month
    chosen = hourly.loc[in_month, present].apply(pd.to_numeric)
    chosen["pv_kw"] = pv_generation_kw(hourly).loc[in_month]
    hour = chosen.index.hour + chosen.index.minute / 60.0
    day = chosen.groupby(np.asarray(hour)).mean()
    day.index.name = "hour"
    return day


def _bill_total(frame: pd.DataFrame | None) -> np.ndarray:
    if frame is None or len(frame) == 0:
        return np.zeros(12)
    column = _column(frame, ("total", "bill", "total_cost"))
    if column is None:
        return np.zeros(12)
    values = column.to_numpy(dtype=float)
    if len(values) > 12:  # a trailing annual row
        values = values[:12]
    return np.pad(values, (0, 12 - len(values)))


def monthly_bills(result: Result) -> pd.DataFrame:
    """``baseline``, ``with_system`` and ``savings`` of each month [currency]."""
    baseline = _bill_total(result.bill_baseline_monthly)
    with_system = _bill_total(result.bill_with_system_monthly)
    return pd.DataFrame(
        {"baseline": baseline, "with_system": with_system, "savings": baseline - with_system},
        index=pd.RangeIndex(1, 13, name="month"),
    )


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
    if "net_cash_flow_project" in cash.columns:
        table["net"] = pd.to_numeric(cash["net_cash_flow_project"]).fillna(0.0)
    else:
        table["net"] = table.sum(axis=1)
    if "cumulative_project" in cash.columns:
        table["cumulative"] = pd.to_numeric(cash["cumulative_project"]).fillna(0.0)
    else:
        table["cumulative"] = table["net"].cumsum()
    return table


def ledger_summary(result: Result) -> pd.DataFrame:
    """The carbon ledger with avoided emissions by year, plus a ``total`` row.

    Returns
    -------
    pandas.DataFrame
        Index: years 1..N then ``"total"``; columns ``generation_mwh``, ``avoided_tco2`` (from
        the ledger if present, else generation x the year-1 factor), ``certificates_issued``,
        ``certificates_sold``, ``certificates_retained``, ``credits_tco2``, ``revenue``
        (certificates plus credits).
    """
    ledger = result.carbon_ledger
    if ledger is None or len(ledger) == 0:
        return pd.DataFrame()
    table = pd.DataFrame(index=ledger.index.copy())
    table["generation_mwh"] = _sum(ledger, ("generation_mwh",))
    avoided = _column(ledger, ("avoided_tco2", "total_tco2"))
    if avoided is None:
        avoided = table["generation_mwh"] * result.carbon.emission_factor_tco2_per_mwh
    table["avoided_tco2"] = avoided
    for name in ("certificates_issued", "certificates_sold", "certificates_retained",
                 "credits_tco2"):
        table[name] = _sum(ledger, (name,))
    table["revenue"] = _sum(ledger, ("certificate_revenue", "credit_revenue"))
    total = table.sum(axis=0)
    out = table.copy()
    out.index = out.index.astype(object)
    out.loc["total"] = total
    return out
