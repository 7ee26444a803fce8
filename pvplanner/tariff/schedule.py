"""Tariff schedules on a time axis: the period, import and export price of every step.

Everything here is vectorised over the steps of a :class:`pandas.DatetimeIndex` (the scenario
axis of :func:`weather.timeaxis.typical_year_index`, labels at interval start, local standard
time). A step longer than the schedule's 15-minute resolution (an hourly step over Jiangsu's
19:30 boundary) is split into its quarter hours: the step's price is their mean, which is exact
for a load that is constant within the step, and its energy is shared between their periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from pvplanner.errors import TariffError
from pvplanner.holidays import DAY_TYPES, day_types
from pvplanner.messages import Message
from pvplanner.tariff.coal import coal_benchmark_price
from pvplanner.tariff.compile import (
    PERIODS,
    SLOT_MINUTES,
    SLOTS_PER_DAY,
    CompiledTariff,
    compile_tariff,
)
from pvplanner.tariff.kept import Kept
from pvplanner.tariff.market import mechanism_adder_per_kwh
from pvplanner.tariff.model import ExportPolicy, Tariff

__all__ = [
    "StepContext",
    "StepPrices",
    "demand_charge_windows",
    "price_series",
    "step_context",
    "step_prices",
    "tariff_periods",
]


@dataclass(frozen=True)
class StepContext:
    """Calendar facts of every step that the tariff rules look at."""

    month: np.ndarray  # (n,) 1..12
    month_day: np.ndarray  # (n,) month * 100 + day of month (e.g. 715 for 15 July)
    day_type: np.ndarray  # (n,) index into DAY_TYPES
    holiday_name: np.ndarray  # (n,) object, "" if none
    holiday_day: np.ndarray  # (n,) 1-based day in the holiday block, 0 otherwise
    hour: np.ndarray  # (n,) hour of day 0..23 at the step start
    hour_of_year: np.ndarray  # (n,) 0-based hour of the year at the step start
    slots: np.ndarray  # (n, k) quarter-hour slots 0..95 covered by each step
    step_hours: float


def _step_hours(index: pd.DatetimeIndex, step_hours: float | None) -> float:
    if step_hours is not None:
        if not step_hours > 0:
            raise TariffError(Message.of("errors.tariff.step_hours",
                                         "step_hours must be > 0, got {value}",
                                         value=repr(step_hours)))
        return float(step_hours)
    if index.freq is not None:
        try:
            return pd.Timedelta(index.freq).total_seconds() / 3600.0
        except (TypeError, ValueError):
            pass
    if len(index) < 2:
        raise TariffError(Message.of(
            "errors.tariff.one_step_index",
            "cannot infer the step length of a one-step index; pass step_hours"))
    diffs = np.diff(index.as_unit("ns").asi8)
    if (diffs <= 0).any():
        raise TariffError(Message.of(
            "errors.tariff.index_order",
            "the time index must be strictly increasing (sort it, drop duplicates)"))
    return float(np.median(diffs)) / 3.6e12


def step_context(
    index: pd.DatetimeIndex, country: str = "CN", step_hours: float | None = None
) -> StepContext:
    """Month, day type, holiday, hour and quarter-hour slots of every step of ``index``.

    The last few axes' contexts are kept (a plan prices, bills and windows the same axis
    several times, and a batch plans many sites on the same year); their arrays are
    read-only.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval-start labels in local (standard) time, tz-aware or naive.
    country : str
        Holiday calendar for :func:`pvplanner.holidays.day_types`.
    step_hours : float, optional
        Step length [h]; inferred from the index frequency (or median spacing) if omitted.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise TariffError(Message.of(
            "errors.tariff.index_type", "the time index must be a pandas.DatetimeIndex, got {kind}",
            kind=type(index).__name__))
    if len(index) == 0:
        raise TariffError(Message.of("errors.tariff.index_empty", "the time index is empty"))
    key = (len(index), str(index.tz), country, step_hours,
           hash(index.as_unit("ns").asi8.tobytes()))
    kept = _CONTEXTS.get(key, lambda pair: pair[0].equals(index))
    if kept is not None:
        return kept[1]
    context = _step_context(index, country, step_hours)
    _CONTEXTS.put(key, (index, context), (
        getattr(context, name) for name in ("month", "month_day", "day_type", "holiday_name",
                                            "holiday_day", "hour", "hour_of_year", "slots")))
    return context


#: Step contexts kept: (length, zone, country, step, hash of the labels) -> (index, context).
_CONTEXTS: Kept[tuple[pd.DatetimeIndex, StepContext]] = Kept(8)


def _step_context(index: pd.DatetimeIndex, country: str, step_hours: float | None
                  ) -> StepContext:
    """:func:`step_context` computed (``index`` checked by the caller)."""
    hours = _step_hours(index, step_hours)
    local = index.tz_localize(None) if index.tz is not None else index
    # Classify the ~365 distinct days once, then broadcast: far cheaper than per step.
    dates, inverse = np.unique(local.normalize().to_numpy(), return_inverse=True)
    inverse = inverse.reshape(-1)
    day_code, names, numbers = _classify_days(dates.astype("datetime64[D]").tobytes(), country)
    day_type, holiday_name, holiday_day = day_code[inverse], names[inverse], numbers[inverse]
    hour = local.hour.to_numpy()
    minute_of_day = hour * 60 + local.minute.to_numpy()
    k = max(1, int(round(hours * 60)) // SLOT_MINUTES)
    first = minute_of_day // SLOT_MINUTES
    slots = (first[:, None] + np.arange(k)[None, :]) % SLOTS_PER_DAY
    hour_of_year = (local.day_of_year.to_numpy() - 1) * 24 + hour
    return StepContext(
        month=local.month.to_numpy(),
        month_day=local.month.to_numpy() * 100 + local.day.to_numpy(),
        day_type=day_type,
        holiday_name=holiday_name,
        holiday_day=holiday_day,
        hour=hour,
        hour_of_year=hour_of_year,
        slots=slots,
        step_hours=hours,
    )


@lru_cache(maxsize=32)
def _classify_days(dates_key: bytes, country: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day type code, holiday name and holiday day number of each date (cached per calendar:
    an optimizer or a batch prices the same year many times)."""
    dates = pd.DatetimeIndex(np.frombuffer(dates_key, dtype="datetime64[D]"))
    per_day = day_types(dates, country)
    type_code = {name: code for code, name in enumerate(DAY_TYPES)}
    codes = np.array([type_code[v] for v in per_day["day_type"]], dtype=np.int8)
    names = per_day["holiday_name"].to_numpy(dtype=object)
    numbers = per_day["holiday_day"].to_numpy(dtype=int)
    for array in (codes, names, numbers):
        array.flags.writeable = False  # shared through the cache
    return codes, names, numbers


def _slot_codes(compiled: CompiledTariff, ctx: StepContext) -> np.ndarray:
    """Period code of every quarter hour of every step, shape (n, k)."""
    month0 = ctx.month - 1
    codes = compiled.table[month0[:, None], ctx.day_type[:, None], ctx.slots]
    for rule in compiled.overrides:
        hit = rule.months[month0] & rule.day_types[ctx.day_type]
        if rule.holidays is not None:
            hit &= np.isin(ctx.holiday_name, list(rule.holidays))
        if rule.first_days is not None:
            hit &= (ctx.holiday_day >= 1) & (ctx.holiday_day <= rule.first_days)
        if rule.month_days is not None:
            hit &= np.isin(ctx.month_day, rule.month_days)
        if not hit.any():
            continue
        new = rule.slots[ctx.slots[hit]]
        codes[hit] = np.where(new >= 0, new, codes[hit])
    return codes


@dataclass(frozen=True)
class StepPrices:
    """Per-step results of a tariff on an axis (arrays aligned with the index)."""

    context: StepContext
    fractions: np.ndarray  # (n, 5) share of each step in each period (rows sum to 1)
    label: np.ndarray  # (n,) code of the period covering most of the step
    import_price: np.ndarray  # (n,) [currency/kWh]
    export_price: np.ndarray  # (n,) [currency/kWh]
    compiled: CompiledTariff


def step_prices(
    tariff: Tariff, index: pd.DatetimeIndex, step_hours: float | None = None
) -> StepPrices:
    """Periods and prices of every step (the arrays behind :func:`price_series`).

    The last few (tariff, axis) pairs' results are kept (a plan prices, windows and bills
    the same tariff on the same axis several times); their arrays are read-only.
    """
    compiled = compile_tariff(tariff)
    ctx = step_context(index, tariff.country, step_hours)
    # Both come from caches that map one tariff (its JSON) and one axis to one object, and
    # each kept entry holds them, so their identities name the pair.
    key = (id(compiled), id(ctx))
    kept = _STEPS.get(key, lambda steps: steps.compiled is compiled and steps.context is ctx)
    if kept is not None:
        return kept
    steps = _priced_steps(tariff, compiled, ctx, len(index))
    return _STEPS.put(key, steps, (steps.fractions, steps.label, steps.import_price,
                                   steps.export_price))


#: Step prices kept: (id of the compiled tariff, id of the step context) -> StepPrices.
_STEPS: Kept[StepPrices] = Kept(8)


def _priced_steps(tariff: Tariff, compiled: CompiledTariff, ctx: StepContext, n: int
                  ) -> StepPrices:
    """:func:`step_prices` computed."""
    codes = _slot_codes(compiled, ctx)
    k = codes.shape[1]
    counts = np.stack([(codes == c).sum(axis=1) for c in range(len(PERIODS))], axis=1)
    fractions = counts / k
    # argmax takes the first maximum: ties go to the dearer period (PERIODS is ordered).
    label = counts.argmax(axis=1)
    import_price = fractions @ np.nan_to_num(compiled.prices, nan=0.0)
    export_price = _export_prices(tariff, ctx, import_price, n)
    return StepPrices(ctx, fractions, label, import_price, export_price, compiled)


def _export_prices(
    tariff: Tariff, ctx: StepContext, import_price: np.ndarray, n: int
) -> np.ndarray:
    export = tariff.export
    if export.kind == "coal_benchmark":
        return np.full(n, coal_benchmark_price(export.province or tariff.region))
    if export.kind == "constant" or (export.kind == "market" and export.series_per_kwh is None):
        base = np.full(n, float(export.price_per_kwh))
        return base + _mechanism_adder(export, base)
    if export.kind == "zero_export":
        return np.zeros(n)
    if export.kind == "net_metering":
        # Credited at the import price of the step (netting limits apply in the bill).
        return import_price.copy()
    values = np.asarray(export.series_per_kwh, dtype=float)
    if len(values) == n:
        return values + _mechanism_adder(export, values)
    if len(values) in (8760, 8784) and ctx.hour_of_year.max() < len(values):
        stepped = values[ctx.hour_of_year]
        return stepped + _mechanism_adder(export, stepped)
    raise TariffError(
        Message.of("errors.tariff.export_series_length",
                   "export.series_per_kwh has {count} values; give 8760 hourly prices or one "
                   "per step ({n})", count=len(values), n=n),
        field="tariff.export.series_per_kwh",
    )


def _mechanism_adder(export: ExportPolicy, market: np.ndarray) -> float:
    """Year-1 CfD top-up of a market rule [currency/kWh] (the reference: the mean price)."""
    if not export.has_mechanism:
        return 0.0
    return mechanism_adder_per_kwh(float(np.mean(market)), export.mechanism_price_per_kwh,
                                   export.mechanism_share)


def tariff_periods(tariff: Tariff, index: pd.DatetimeIndex) -> pd.Series:
    """Time-of-use period of every step.

    Parameters
    ----------
    tariff : Tariff
    index : pandas.DatetimeIndex
        Interval-start labels in local standard time.

    Returns
    -------
    pandas.Series
        Period names (:data:`~pvplanner.tariff.model.PERIODS`) indexed like ``index``. A step
        that spans several periods gets the one covering most of it (ties: the dearer).
    """
    steps = step_prices(tariff, index)
    names = np.asarray(PERIODS, dtype=object)[steps.label]
    return pd.Series(names, index=index, name="period")


def price_series(tariff: Tariff, index: pd.DatetimeIndex) -> pd.DataFrame:
    """Period, import and export price of every step.

    Parameters
    ----------
    tariff : Tariff
    index : pandas.DatetimeIndex
        Interval-start labels in local standard time (hourly or 15-min scenario axis).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``index`` with columns ``period``, ``import_price_per_kwh`` and
        ``export_price_per_kwh`` [currency/kWh]. Import prices are first-tier prices (energy
        tiers apply to monthly totals in :func:`~pvplanner.tariff.bill.compute_bill`); under
        net metering the export price is the import price.
    """
    steps = step_prices(tariff, index)
    return pd.DataFrame(
        {
            "period": np.asarray(PERIODS, dtype=object)[steps.label],
            "import_price_per_kwh": steps.import_price,
            "export_price_per_kwh": steps.export_price,
        },
        index=index,
    )


def demand_step_masks(tariff: Tariff, steps: StepPrices) -> list[tuple[np.ndarray, int, int]]:
    """(mask, demand charge number, month) for every month of every demand charge.

    Empty when the two-part basic charge is billed on capacity (it does not depend on demand).
    """
    if tariff.basic_charge_basis == "capacity":
        return []
    ctx = steps.context
    out = []
    weekday = ctx.day_type == DAY_TYPES.index("workday")
    for c, charge in enumerate(tariff.demand_charges):
        base = np.ones(len(ctx.month), dtype=bool)
        if charge.periods:
            codes = [PERIODS.index(p) for p in charge.periods]
            base &= steps.fractions[:, codes].sum(axis=1) > 0
        if charge.workday_hours is not None or charge.weekend_hours is not None:
            work = np.isin(ctx.hour, charge.workday_hours or []) | (charge.workday_hours is None)
            rest = np.isin(ctx.hour, charge.weekend_hours or []) | (charge.weekend_hours is None)
            base &= np.where(weekday, work, rest)
        for month in charge.months or range(1, 13):
            mask = base & (ctx.month == month)
            if (ctx.month == month).any():
                out.append((mask, c, month))
    return out


def coincident_peak_masks(tariff: Tariff, steps: StepPrices) -> list[np.ndarray]:
    """Step mask of every coincident-peak window (hours of year are 1-based)."""
    hour1 = steps.context.hour_of_year + 1
    return [np.isin(hour1, window.hours_of_year) for window in tariff.coincident_peaks]


def demand_charge_windows(
    tariff: Tariff, index: pd.DatetimeIndex
) -> list[tuple[np.ndarray, float, str]]:
    """Demand windows for the optimizer: each is charged ``rate`` x the max import in it.

    Parameters
    ----------
    tariff : Tariff
    index : pandas.DatetimeIndex
        The optimization's time axis.

    Returns
    -------
    list of (mask, rate_per_kw, label)
        ``mask`` is a boolean array over the steps of ``index``; ``rate_per_kw`` [currency/kW]
        is charged once on the maximum import power inside the window. One window per month
        for each monthly demand charge (tiered demand charges use their first-tier rate,
        which is exact up to the first tier bound; bills use all tiers), plus one per
        coincident-peak window. A capacity-based basic charge does not depend on dispatch
        and gives no window.
    """
    steps = step_prices(tariff, index)
    windows: list[tuple[np.ndarray, float, str]] = []
    for mask, c, month in demand_step_masks(tariff, steps):
        charge = tariff.demand_charges[c]
        rate = charge.tiers[0].rate_per_kw_month if charge.tiers else charge.rate_per_kw_month
        if rate > 0 and mask.any():
            windows.append((mask, float(rate), f"{charge.label} month {month:02d}"))
    for mask, window in zip(
        coincident_peak_masks(tariff, steps), tariff.coincident_peaks, strict=True
    ):
        if window.rate_per_kw > 0 and mask.any():
            windows.append((mask, float(window.rate_per_kw), window.label))
    return windows
