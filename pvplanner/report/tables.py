"""The Result's tables reshaped for the proposal: monthly energy, a representative day,
bills, maximum demand and its charge, cash flow and carbon ledger summaries.

Pure functions of a :class:`~pvplanner.result.Result`, reading the columns documented on
:class:`~pvplanner.result.Result` (and nothing else): the monthly sums come from
``Result.monthly``, never re-summed from the hourly table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pvplanner.display.numbers import NumberFormat
from pvplanner.report.model import Table
from pvplanner.report.text import Texts
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


# --------------------------------------------------------------------------- demand
#: The bill columns of a two-part tariff's basic charge (``Result.bill_*_monthly``): on the
#: month's maximum demand (需量) or on the contracted transformer capacity (容量).
DEMAND_BASES: tuple[str, ...] = ("demand", "capacity")


def step_minutes(result: Result) -> int | None:
    """The plan's step [minutes] (``index[1] - index[0]`` of ``Result.hourly``).

    Returns
    -------
    int or None
        60 for an hourly plan, 15 for a plan on a meter file's quarter hours; None without
        a time series (a Result read back from the store keeps none).
    """
    index = result.hourly.index
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        return None
    return int(round((index[1] - index[0]).total_seconds() / 60.0))


def demand_basis(result: Result) -> str | None:
    """What the bills' basic charge is on, as billed.

    A two-part tariff bills either the month's maximum demand or the contracted transformer
    capacity (:attr:`pvplanner.tariff.Tariff.basic_charge_basis`); the bills' own columns
    ``demand`` and ``capacity`` say which one the plan billed.

    Returns
    -------
    str or None
        ``"demand"`` (需量: the charge follows the month's maximum demand), ``"capacity"``
        (容量: kVA of the transformer, the same with the system), or None where neither
        is charged (a single-part tariff).
    """
    for basis in DEMAND_BASES:
        billed = sum(float(frame[basis].abs().sum()) for frame in
                     (result.bill_baseline_monthly, result.bill_with_system_monthly)
                     if basis in frame.columns)
        if billed >= 0.5:
            return basis
    return None


def monthly_demand(result: Result) -> pd.DataFrame | None:
    """Each month's maximum demand and basic charge, without and with the system, from
    ``Result.bill_baseline_monthly`` and ``Result.bill_with_system_monthly``.

    Returns
    -------
    pandas.DataFrame or None
        Index ``month`` 1..12: ``max_demand_baseline_kw``, ``max_demand_with_system_kw``
        (the highest mean grid import over one step of the month [kW]), then
        ``<basis>_charge_baseline``, ``<basis>_charge_with_system`` and
        ``<basis>_charge_savings`` [currency], ``<basis>`` being :func:`demand_basis`;
        None where the tariff charges neither demand nor capacity.
    """
    basis = demand_basis(result)
    if basis is None:
        return None
    before, after = (frame.reindex(_MONTHS, fill_value=0.0).astype(float) for frame in
                     (result.bill_baseline_monthly[["max_demand_kw", basis]],
                      result.bill_with_system_monthly[["max_demand_kw", basis]]))
    return pd.DataFrame({
        "max_demand_baseline_kw": before["max_demand_kw"],
        "max_demand_with_system_kw": after["max_demand_kw"],
        f"{basis}_charge_baseline": before[basis],
        f"{basis}_charge_with_system": after[basis],
        f"{basis}_charge_savings": before[basis] - after[basis],
    }, index=_MONTHS)


def pv_demand_saving(result: Result) -> bool:
    """Whether the design saves demand charges with PV alone: a demand-charged tariff, no
    battery, and a year-1 demand-charge saving of at least half a currency unit."""
    return (demand_basis(result) == "demand" and result.battery.energy_kwh <= 0
            and result.bills.demand_savings_annual >= 0.5)


def battery_demand_saving(result: Result) -> bool:
    """Whether the design saves demand charges with a battery's help: a demand-charged
    tariff, a battery, and a year-1 demand-charge saving of at least half a currency unit.
    The plan's dispatch knows the year's load and PV output in advance; a controller must
    foresee each month's peak to keep the saving."""
    return (demand_basis(result) == "demand" and result.battery.energy_kwh > 0
            and result.bills.demand_savings_annual >= 0.5)


def demand_saving_steps(result: Result) -> tuple[int, int] | None:
    """The steps a demand-charge saving needs the system in.

    A month's maximum demand with the system stays below the load's own maximum only where
    the system covers the difference in every step whose load exceeds it. Without a battery
    that is the PV in every step whose load exceeds the month's new maximum: one of them
    without PV output (a cloud) raises the month's maximum towards the load's. With a
    battery it is the battery in every step whose load less the PV serving it exceeds the
    new maximum: one of them with the battery empty raises it too.

    Returns
    -------
    tuple of int or None
        ``(steps, days)``: the steps of the year (hours, or quarter hours) that need the PV
        (no battery) or the battery, in the months that save demand charges, and the days
        they fall on; None without such a saving (:func:`pv_demand_saving`,
        :func:`battery_demand_saving`) or without a time series.
    """
    demand = monthly_demand(result)
    hourly = result.hourly
    with_battery = battery_demand_saving(result)
    if (demand is None or not (pv_demand_saving(result) or with_battery)
            or step_minutes(result) is None):
        return None
    saved = demand["demand_charge_savings"] >= 0.5
    ceiling = demand["max_demand_with_system_kw"].where(saved, np.inf)
    months = np.asarray(hourly.index.month)
    served_kw = hourly["load_kw"].to_numpy(dtype=float)
    if with_battery:
        served_kw = served_kw - hourly["pv_to_load_kw"].to_numpy(dtype=float)
    needs = served_kw > ceiling.reindex(months).to_numpy() + 1e-6
    return int(needs.sum()), int(hourly.index[needs].normalize().nunique())


def _step_words(minutes: int | None, t: Texts) -> tuple[str, str]:
    """One step and several in words: an hour, a 15-minute interval, or the plan's interval
    where the step is not known."""
    if minutes is None:
        return t("demand.step_unknown"), t("demand.steps_unknown")
    if minutes == 60:
        return t("demand.step_hour"), t("demand.steps_hour")
    return t("demand.step_minutes", minutes=minutes), t("demand.steps_minutes", minutes=minutes)


def _sentences(lang: str, *texts: str) -> str:
    """Sentences run together as the language writes them (a space between English ones)."""
    return ("" if lang == "zh" else " ").join(texts)


def demand_note(result: Result, lang: str) -> str:
    """How the monthly maxima are measured and what the basic charge is on, so that an
    accountant can trace the table: the plan's step (an hourly plan's maxima are hourly
    means, below the 15-minute means a meter bills), for a charge on capacity, that the
    maximum demand does not drive it, and for a custom tariff billing demand within windows
    (:func:`_demand_windows`), that each charge follows its window's maximum."""
    t = Texts(lang)
    minutes = step_minutes(result)
    if demand_basis(result) == "capacity":
        return t("demand.note_capacity", step=_step_words(minutes, t)[0])
    windows = "_windows" if _demand_windows(result) else ""
    if minutes == 60:
        return t(f"demand.note_demand_hourly{windows}")
    return t(f"demand.note_demand{windows}", step=_step_words(minutes, t)[0])


def _demand_windows(result: Result) -> bool:
    """Whether the plan's custom tariff bills demand on part of the steps (some time-of-use
    periods or hours of the day) or in several charges: the charge then follows each
    window's highest import, which the month's maximum need not be. Every preset bills one
    charge on the month's maximum over all steps."""
    custom = ((result.inputs or {}).get("tariff") or {}).get("custom") or {}
    charges = custom.get("demand_charges") or []
    return len(charges) > 1 or any(
        charge.get("periods") or charge.get("workday_hours") is not None
        or charge.get("weekend_hours") is not None for charge in charges)


def demand_sheet_note(result: Result, lang: str) -> str:
    """The workbook's note on its demand columns: what the maxima are measured on
    (:func:`demand_note`), then the caveat on a saving that rests on foreseen output
    (:func:`demand_caveat`), as the proposal states them beside its table."""
    return _sentences(lang, demand_note(result, lang),
                      *[text for text in (demand_caveat(result, lang),) if text])


def demand_labels(result: Result, lang: str) -> dict[str, tuple[str, str]]:
    """Each column of :func:`monthly_demand` as ``(label, unit)`` in ``lang`` (units: kW
    and the currency as the reader writes it, 元 in Chinese)."""
    t, unit = Texts(lang), NumberFormat(lang, result.currency).currency_unit()
    basis = demand_basis(result) or "demand"
    return {
        "max_demand_baseline_kw": (t("demand.max_baseline"), "kW"),
        "max_demand_with_system_kw": (t("demand.max_with_system"), "kW"),
        f"{basis}_charge_baseline": (t(f"demand.{basis}_baseline"), unit),
        f"{basis}_charge_with_system": (t(f"demand.{basis}_with_system"), unit),
        f"{basis}_charge_savings": (t(f"demand.{basis}_savings"), unit),
    }


def demand_table(result: Result, lang: str) -> Table | None:
    """The monthly demand table of the proposal and the Results page: per month the maximum
    demand [kW] and the basic charge [currency] without and with the system and the saving,
    then the year's row (the highest month's demand, the charges summed); None where the
    tariff charges neither demand nor capacity.

    Parameters
    ----------
    result : Result
        The plan.
    lang : {"en", "zh"}
        The reader's language.

    Returns
    -------
    Table or None
        Headings ``label\\n(unit)``; the note says what the maxima are measured on
        (:func:`demand_note`) and how the year's row is made.
    """
    demand = monthly_demand(result)
    if demand is None:
        return None
    t, f = Texts(lang), NumberFormat(lang, result.currency)
    kw = [name for name in demand.columns if name.endswith("_kw")]
    months = t.raw("month.short")
    rows = [[months[m - 1]] + [f.number(value, 1 if name in kw else 0)
                                for name, value in row.items()]
            for m, row in demand.iterrows()]
    year = demand[kw].max().tolist() + demand.drop(columns=kw).sum().tolist()
    rows.append([t("year_total")] + [f.number(value, 1 if i < len(kw) else 0)
                                     for i, value in enumerate(year)])
    header = [t("bills.month")] + [f"{label}\n({unit})" for label, unit in
                                   demand_labels(result, lang).values()]
    basis = demand_basis(result)
    return Table(t(f"demand.title_{basis}"), header, rows, ["L"] + ["R"] * 5,
                 [0.8] + [1.0] * 5, total_rows=1,
                 note=_sentences(lang, demand_note(result, lang), t("demand.year_row")))


def demand_caveat(result: Result, lang: str) -> str | None:
    """The warning that a demand-charge saving rests on foreseen output: without a battery
    on the typical weather year's PV in each month's highest-load steps, with a battery on
    a dispatch that knows the year's load and PV in advance; with the number of those steps
    where the plan has its time series. None where there is no such saving
    (:func:`pv_demand_saving`, :func:`battery_demand_saving`)."""
    kind = ("caveat" if pv_demand_saving(result) else
            "caveat_battery" if battery_demand_saving(result) else None)
    if kind is None:
        return None
    t, f = Texts(lang), NumberFormat(lang, result.currency)
    saving = f.money(result.bills.demand_savings_annual)
    counted = demand_saving_steps(result)
    if counted is None:
        return t(f"demand.{kind}", saving=saving)
    step, steps = _step_words(step_minutes(result), t)
    return t(f"demand.{kind}_counted", saving=saving, count=f.number(counted[0]),
             days=f.number(counted[1]), step=step, steps=steps)
