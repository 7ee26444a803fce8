"""Electricity bills: a tariff applied to grid import and export power series.

:func:`compute_bill` prices every step with :func:`~pvplanner.tariff.schedule.step_prices`
and sums by month with ``numpy.bincount``; the only Python loops run over months and charges,
never over steps, so a year of 15-minute data is billed in a few milliseconds.

Sign convention: charges are positive, credits (export, net metering) negative, and
``total`` is their sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pvplanner.errors import TariffError
from pvplanner.messages import Message
from pvplanner.tariff.model import PERIODS, Tariff
from pvplanner.tariff.schedule import coincident_peak_masks, demand_step_masks, step_prices

__all__ = ["COMPONENTS", "Bill", "compute_bill"]

#: Bill components [currency]; their sum is the bill.
COMPONENTS: tuple[str, ...] = (
    "energy",
    "demand",
    "capacity",
    "coincident_peak",
    "fixed",
    "export_credit",
    "net_metering",
)
_KWH_COLUMNS = tuple(f"kwh_{p}" for p in PERIODS)
_COST_COLUMNS = tuple(f"cost_{p}" for p in PERIODS)


@dataclass(frozen=True)
class Bill:
    """A year's (or part-year's) bill, month by month.

    Attributes
    ----------
    monthly : pandas.DataFrame
        Twelve rows (index ``month`` 1..12; months outside the index are zero) with
        ``import_kwh``, ``export_kwh``, ``max_demand_kw``, ``kwh_<period>`` and
        ``cost_<period>`` for each time-of-use period (first-tier prices),
        ``energy_tier_adjustment``, the :data:`COMPONENTS` and ``total`` [currency].
    currency : str
    tariff_id : str
    """

    monthly: pd.DataFrame
    currency: str = "CNY"
    tariff_id: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def annual(self) -> pd.Series:
        """Column sums over the months (``max_demand_kw``: the year's maximum)."""
        totals = self.monthly.sum(axis=0)
        totals["max_demand_kw"] = float(self.monthly["max_demand_kw"].max())
        return totals

    @property
    def total(self) -> float:
        """The bill [currency]."""
        return float(self.monthly["total"].sum())

    def component(self, name: str) -> float:
        """Annual total of one component or column [currency or kWh] (``max_demand_kw``: the
        year's maximum), as in :attr:`annual` but summing only that column."""
        column = self.monthly[name]
        return float(column.max() if name == "max_demand_kw" else column.sum())

    def to_frame(self) -> pd.DataFrame:
        """Monthly rows plus a final ``"year"`` row of annual totals."""
        frame = self.monthly.copy()
        frame.index = frame.index.astype(object)
        frame.loc["year"] = self.annual
        return frame

    def to_dict(self) -> dict:
        """JSON-ready form: currency, total, annual totals and the monthly rows."""
        monthly = [
            {"month": int(month), **{k: float(v) for k, v in row.items()}}
            for month, row in self.monthly.iterrows()
        ]
        return {
            "tariff_id": self.tariff_id,
            "currency": self.currency,
            "total": self.total,
            "annual": {k: float(v) for k, v in self.annual.items()},
            "monthly": monthly,
            "notes": list(self.notes),
        }


def _as_power(values, n: int, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).reshape(-1)
    if array.shape != (n,):
        raise TariffError(
            Message.of("errors.tariff.bill_length",
                       "{name} has {count} values but the time index has {n} steps", name=name,
                       count=int(array.size), n=n), field=name
        )
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        # float(): the value itself, not numpy's repr "np.float64(...)"
        raise TariffError(
            Message.of("errors.tariff.grid_power",
                       "{name}[{first}] = {value!r}: grid power must be finite and >= 0 [kW]",
                       name=name, first=first, value=float(array[first])),
            field=name,
        )
    return array


def _tiered(amount: np.ndarray, bounds: list[float | None], rates: list[float]) -> np.ndarray:
    """Cost of ``amount`` split into cumulative blocks; the last block is unbounded."""
    cost = np.zeros_like(amount, dtype=float)
    lower = 0.0
    for i, rate in enumerate(rates):
        last = i == len(rates) - 1
        bound = bounds[i]
        upper = np.inf if last or bound is None else float(bound)
        cost += np.clip(amount - lower, 0.0, upper - lower) * rate
        lower = upper
    return cost


def _month_sum(month0: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return np.bincount(month0, weights=weights, minlength=12)[:12]


def compute_bill(
    tariff: Tariff,
    index: pd.DatetimeIndex,
    grid_import_kw,
    grid_export_kw=None,
    *,
    step_hours: float | None = None,
) -> Bill:
    """Bill of a grid import (and export) series under a tariff.

    Parameters
    ----------
    tariff : Tariff
    index : pandas.DatetimeIndex
        Interval-start labels in local standard time (hourly or 15-min typical year).
    grid_import_kw : array-like
        Mean import power of each step [kW], >= 0.
    grid_export_kw : array-like, optional
        Mean export power of each step [kW], >= 0; none if omitted.
    step_hours : float, optional
        Step length [h]; inferred from ``index`` if omitted.

    Returns
    -------
    Bill
        Monthly energy by period, components and totals. Demand charges use the maximum
        mean import power of a step in each window; coincident-peak charges are booked in
        the month their window starts; under ``zero_export`` exports earn nothing; under
        net metering the export credit (valued at the import price) offsets energy charges
        of the netting period and any remainder is forfeited.
    """
    steps = step_prices(tariff, index, step_hours)
    ctx = steps.context
    n = len(index)
    imp = _as_power(grid_import_kw, n, "grid_import_kw")
    exp = np.zeros(n) if grid_export_kw is None else _as_power(grid_export_kw, n, "grid_export_kw")
    hours = ctx.step_hours
    month0 = ctx.month - 1
    present = np.bincount(month0, minlength=12)[:12] > 0
    kwh = imp * hours
    prices = np.nan_to_num(steps.compiled.prices, nan=0.0)

    out: dict[str, np.ndarray] = {
        "import_kwh": _month_sum(month0, kwh),
        "export_kwh": _month_sum(month0, exp * hours),
    }
    max_demand = np.zeros(12)
    np.maximum.at(max_demand, month0, imp)
    out["max_demand_kw"] = max_demand
    period_kwh = np.stack(
        [_month_sum(month0, kwh * steps.fractions[:, p]) for p in range(len(PERIODS))], axis=1
    )
    for p, name in enumerate(PERIODS):
        out[f"kwh_{name}"] = period_kwh[:, p]
    for p, name in enumerate(PERIODS):
        out[f"cost_{name}"] = period_kwh[:, p] * prices[p]
    tiers = tariff.energy_tiers
    adjustment = (
        _tiered(
            out["import_kwh"],
            [t.max_kwh_per_month for t in tiers],
            [t.adder_per_kwh for t in tiers],
        )
        if tiers
        else np.zeros(12)
    )
    out["energy_tier_adjustment"] = adjustment
    out["energy"] = (period_kwh * prices).sum(axis=1) + adjustment

    demand = np.zeros(12)
    for mask, c, month in demand_step_masks(tariff, steps):
        charge = tariff.demand_charges[c]
        peak = np.array([imp[mask].max() if mask.any() else 0.0])
        if charge.tiers:
            bounds = [t.max_kw for t in charge.tiers]
            rates = [t.rate_per_kw_month for t in charge.tiers]
            demand[month - 1] += _tiered(peak, bounds, rates)[0]
        else:
            demand[month - 1] += peak[0] * charge.rate_per_kw_month
    out["demand"] = demand

    capacity = np.zeros(12)
    if tariff.basic_charge_basis == "capacity" and tariff.capacity_charge is not None:
        capacity_charge = tariff.capacity_charge
        capacity[present] = capacity_charge.rate_per_kva_month * capacity_charge.contracted_kva
    out["capacity"] = capacity

    coincident = np.zeros(12)
    for mask, window in zip(
        coincident_peak_masks(tariff, steps), tariff.coincident_peaks, strict=True
    ):
        if mask.any():
            first_month = int(ctx.month[np.flatnonzero(mask)[0]])
            coincident[first_month - 1] += imp[mask].max() * window.rate_per_kw
    out["coincident_peak"] = coincident
    out["fixed"] = np.where(present, tariff.fixed_monthly_charge, 0.0)

    export_value = _month_sum(month0, exp * hours * steps.export_price)
    out["export_credit"] = np.zeros(12)
    out["net_metering"] = np.zeros(12)
    if tariff.export.kind == "net_metering":
        out["net_metering"] = -_net_metering(export_value, out["energy"], tariff.export.netting)
    elif tariff.export.kind != "zero_export":
        out["export_credit"] = -export_value
    out["total"] = sum((out[c] for c in COMPONENTS), np.zeros(12))

    monthly = pd.DataFrame(out, index=pd.RangeIndex(1, 13, name="month"))
    notes = []
    if tariff.export.kind == "zero_export" and exp.sum() > 0:
        notes.append("the tariff forbids export (zero_export): exported energy earned nothing")
    return Bill(monthly=monthly, currency=tariff.currency, tariff_id=tariff.id, notes=tuple(notes))


def _net_metering(credit: np.ndarray, energy: np.ndarray, netting: str) -> np.ndarray:
    """Credit applied per month: capped by that month's energy charges (monthly netting) or
    carried forward within the year (annual netting); the rest is forfeited."""
    if netting == "monthly":
        return np.minimum(credit, np.maximum(energy, 0.0))
    applied = np.zeros(12)
    bank = 0.0
    for m in range(12):  # 12 iterations: the carried-forward balance is sequential
        available = bank + credit[m]
        applied[m] = min(available, max(energy[m], 0.0))
        bank = available - applied[m]
    return applied
