"""What a company's load says: consumption and cost by time-of-use period, baseload,
load factor, anomalous days, typical days — and the recommendations that follow.

:func:`analyze_load` takes a load (kW on any regular, tz-aware local-time axis; normally the
typical year) and optionally the price of each step and its time-of-use period label (from the
tariff: ``sharp``/``peak``/``flat``/``valley``/``deep_valley``). :func:`recommendations` runs a
small rules engine over the result: the rules, their thresholds and their English and Chinese
texts are a table, ``data/load_templates/recommendation_rules.csv``; the thresholds of the
metrics are in ``data/load_templates/load_rules.toml`` (``[analytics]``). Both are explained
in ``data/load_templates/README.md``.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.holidays import day_types, holiday_dates
from pvplanner.load.measures import measure_catalogue, window_masks
from pvplanner.load.meter.common import meter_rules
from pvplanner.messages import Message
from pvplanner.result import json_safe as _jsonable
from weather.datafiles import data_path

__all__ = [
    "LoadAnalytics",
    "Recommendation",
    "analyze_load",
    "measure_figures",
    "on_meter_calendar",
    "recommendation_rules",
    "recommendations",
]

PEAK_PERIODS = ("sharp", "peak")
VALLEY_PERIODS = ("valley", "deep_valley")
_PERIOD_ORDER = ("sharp", "peak", "flat", "valley", "deep_valley")
# Iglewicz and Hoaglin (1993): z = 0.6745 (x - median) / MAD; with MAD = 0 the mean absolute
# deviation scaled by 1.2533 (= sqrt(pi/2)) stands in for the standard deviation.
_MAD_TO_Z = 0.6745
_MEANAD_TO_SIGMA = 1.2533


@dataclass
class LoadAnalytics:
    """Analytics of one load series; energy and money per year (scaled by 365 / days).

    Attributes are plain numbers, lists and dicts except :attr:`heatmap_kw` (a DataFrame:
    one row per day, columns hours 0..23, mean kW). Money is in :attr:`currency`.
    """

    interval_minutes: int
    days: float
    annual_kwh: float
    mean_kw: float
    max_kw: float
    min_kw: float
    max_time: str
    load_factor: float
    monthly_kwh: list[float | None]
    monthly_max_kw: list[float | None]
    by_period: dict[str, dict[str, float | None]] | None
    total_cost: float | None
    average_price_per_kwh: float | None
    peak_share: float | None
    price_spread_per_kwh: float | None
    baseload: dict[str, float | None]
    offhours_to_working_ratio: float | None
    daylight_share: float
    anomalous_days: list[dict[str, Any]]
    typical_profiles_kw: dict[str, list[float | None]]  # None: no sample at that hour
    peak_shaving: dict[str, Any]
    heatmap_kw: pd.DataFrame
    currency: str = "CNY"
    demand_charge_per_kw_month: float | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    #: Whose calendar the dates named (``max_time``, ``anomalous_days``) are on:
    #: ``"typical_year"`` (the scenario's axis) or ``"meter_file"`` (the file's own days,
    #: :func:`on_meter_calendar`).
    calendar: str = "typical_year"

    def metrics(self) -> dict[str, float | None]:
        """Flat numbers the recommendation rules test (None: not available)."""
        return {
            "has_price": 1.0 if self.total_cost is not None else 0.0,
            "has_periods": 1.0 if self.by_period is not None else 0.0,
            "has_demand_rate": 1.0 if self.demand_charge_per_kw_month is not None else 0.0,
            "annual_kwh": self.annual_kwh,
            "mean_kw": self.mean_kw,
            "max_kw": self.max_kw,
            "load_factor": self.load_factor,
            "peak_share": self.peak_share,
            "price_spread_per_kwh": self.price_spread_per_kwh,
            "baseload_kw": self.baseload.get("baseload_kw"),
            "baseload_excess_kw": self.baseload.get("excess_kw"),
            "baseload_excess_share_of_mean": (
                excess_kw / self.mean_kw
                if (excess_kw := self.baseload.get("excess_kw")) is not None and self.mean_kw > 0
                else None
            ),
            "offhours_to_working_ratio": self.offhours_to_working_ratio,
            "anomalous_day_count": float(len(self.anomalous_days)),
            "daylight_share": self.daylight_share,
            "peak_shave_share": (
                self.peak_shaving["mean_kw"] / self.max_kw if self.max_kw > 0 else None
            ),
        }

    def to_dict(self, *, include_heatmap: bool = True) -> dict[str, Any]:
        """JSON-ready dictionary (no NaN); the heatmap as dates, hours and a kW matrix."""
        out = {
            key: getattr(self, key)
            for key in (
                "interval_minutes",
                "days",
                "annual_kwh",
                "mean_kw",
                "max_kw",
                "min_kw",
                "max_time",
                "load_factor",
                "monthly_kwh",
                "monthly_max_kw",
                "by_period",
                "total_cost",
                "average_price_per_kwh",
                "peak_share",
                "price_spread_per_kwh",
                "baseload",
                "offhours_to_working_ratio",
                "daylight_share",
                "anomalous_days",
                "typical_profiles_kw",
                "peak_shaving",
                "currency",
                "demand_charge_per_kw_month",
                "settings",
                "calendar",
            )
        }
        out["metrics"] = self.metrics()
        if include_heatmap:
            out["heatmap_kw"] = {
                "dates": [str(d) for d in self.heatmap_kw.index],
                "hours": [int(h) for h in self.heatmap_kw.columns],
                "kw": self.heatmap_kw.to_numpy(dtype=float).round(3).tolist(),
            }
        return _jsonable(out)


@dataclass
class Recommendation:
    """One quantified recommendation (texts in English and Chinese).

    ``measure_id`` names the saving measure of ``data/measures/catalogue.toml`` that acts on
    it (None: none does) and ``measure_overrides`` the measure's parameters taken from this
    load's own data (e.g. ``cut_kw`` = the off-hours baseload above the standby needed), so
    the plan can apply exactly what the recommendation quantifies.
    """

    id: str
    priority: int
    text_en: str
    text_zh: str
    annual_kwh: float | None
    annual_saving: float | None
    currency: str
    values: dict[str, Any]
    measure_id: str | None = None
    measure_overrides: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (no NaN)."""
        return _jsonable(self.__dict__.copy())


# --------------------------------------------------------------------------------------
# Analytics
# --------------------------------------------------------------------------------------


def analyze_load(
    load_kw: pd.Series,
    *,
    price_per_kwh: pd.Series | None = None,
    periods: pd.Series | None = None,
    demand_charge_per_kw_month: float | None = None,
    currency: str = "CNY",
) -> LoadAnalytics:
    """Analyse a load series.

    Parameters
    ----------
    load_kw : pandas.Series
        Average power per step [kW] on a regular DatetimeIndex in local time (normally the
        scenario's typical year, hourly or 15-minute).
    price_per_kwh : pandas.Series, optional
        Energy price of each step [currency/kWh], same axis (an hourly series is repeated
        onto a 15-minute load, a 15-minute one averaged onto an hourly load).
    periods : pandas.Series, optional
        Time-of-use period label of each step (``sharp``, ``peak``, ``flat``, ``valley``,
        ``deep_valley``), same axis rules.
    demand_charge_per_kw_month : float, optional
        Demand (capacity) charge [currency/kW-month] to value peak shaving.
    currency : str, default "CNY"
        Currency label of the prices.

    Returns
    -------
    LoadAnalytics
    """
    settings = meter_rules()["analytics"]
    load = _check_load(load_kw)
    index = pd.DatetimeIndex(load.index)
    step_h = _step_minutes(index) / 60.0
    values = load.to_numpy(dtype=float)
    price = (
        None
        if price_per_kwh is None
        else _align(price_per_kwh, index, "price_per_kwh", numeric=True)
    )
    labels = None if periods is None else _align(periods, index, "periods", numeric=False)
    if demand_charge_per_kw_month is not None:
        rate = float(demand_charge_per_kw_month)
        if not math.isfinite(rate) or rate < 0:
            raise PlannerInputError(
                Message.of("errors.load.demand_charge",
                           "demand_charge_per_kw_month={value} must be >= 0",
                           value=repr(demand_charge_per_kw_month)),
                field="demand_charge_per_kw_month",
            )
        demand_charge_per_kw_month = rate

    days = len(values) * step_h / 24.0
    scale = 365.0 / days  # per-year figures from any length
    energy = values * step_h
    total_kwh = float(energy.sum())
    mean_kw = float(values.mean())
    max_kw = float(values.max())
    hour = index.hour.to_numpy()
    month = index.month.to_numpy()
    kinds = day_types(index)["day_type"].to_numpy(dtype=object)

    monthly_kwh: list[float | None] = []
    monthly_max: list[float | None] = []
    for m in range(1, 13):
        in_m = month == m
        monthly_kwh.append(float(energy[in_m].sum()) if in_m.any() else None)
        monthly_max.append(float(values[in_m].max()) if in_m.any() else None)

    by_period, peak_share, spread = None, None, None
    total_cost = avg_price = None
    if price is not None:
        total_cost = float((energy * price).sum() * scale)
        avg_price = float(total_cost / (total_kwh * scale)) if total_kwh > 0 else None
    if labels is not None:
        by_period = {}
        for name in [p for p in _PERIOD_ORDER if (labels == p).any()] + sorted(
            set(labels) - set(_PERIOD_ORDER)
        ):
            mask = labels == name
            kwh = float(energy[mask].sum())
            entry: dict[str, float | None] = {
                "kwh": kwh * scale,
                "share": kwh / total_kwh if total_kwh > 0 else None,
                "hours": float(mask.sum() * step_h * scale),
                "cost": None,
                "mean_price_per_kwh": None,
            }
            if price is not None:
                cost = float((energy[mask] * price[mask]).sum())
                entry["cost"] = cost * scale
                entry["mean_price_per_kwh"] = cost / kwh if kwh > 0 else float(price[mask].mean())
            by_period[name] = entry
        if total_kwh > 0:
            peak_share = float(energy[np.isin(labels, PEAK_PERIODS)].sum() / total_kwh)
        if price is not None:
            spread = _spread(energy, price, labels)

    masks = window_masks(index, settings, kinds)
    offhours, working = masks["offhours"], masks["working"]
    baseload = _baseload(values, price, offhours, step_h, scale, max_kw, settings)
    ratio = None
    if offhours.any() and working.any() and values[working].mean() > 0:
        ratio = float(values[offhours].mean() / values[working].mean())
    daylight = masks["daylight"]
    daylight_share = float(energy[daylight].sum() / total_kwh) if total_kwh > 0 else 0.0

    daily = _daily_frame(index, energy, kinds)
    anomalies = _anomalous_days(daily, index, settings)
    profiles = _typical_profiles(values, hour, kinds)
    shaving = _peak_shaving(values, month, step_h, scale, demand_charge_per_kw_month, settings)
    heatmap = _heatmap(index, values)
    return LoadAnalytics(
        interval_minutes=int(round(step_h * 60)),
        days=float(days),
        annual_kwh=total_kwh * scale,
        mean_kw=mean_kw,
        max_kw=max_kw,
        min_kw=float(values.min()),
        max_time=str(index[int(np.argmax(values))].isoformat()),
        load_factor=mean_kw / max_kw if max_kw > 0 else 0.0,
        monthly_kwh=monthly_kwh,
        monthly_max_kw=monthly_max,
        by_period=by_period,
        total_cost=total_cost,
        average_price_per_kwh=avg_price,
        peak_share=peak_share,
        price_spread_per_kwh=spread,
        baseload=baseload,
        offhours_to_working_ratio=ratio,
        daylight_share=daylight_share,
        anomalous_days=anomalies,
        typical_profiles_kw=profiles,
        peak_shaving=shaving,
        heatmap_kw=heatmap,
        currency=str(currency),
        demand_charge_per_kw_month=demand_charge_per_kw_month,
        settings=dict(settings),
    )


def on_meter_calendar(analytics: LoadAnalytics, source_load_kw: pd.Series) -> LoadAnalytics:
    """The analytics with the dates they name on the meter file's own calendar.

    The scenario's load is the file mapped onto the typical year (whole weeks moved, the
    Spring Festival re-anchored: :mod:`pvplanner.load.meter.calendar`), so a date on that
    axis (the peak's, an anomalous day's) is not a day the company can look up. This takes
    them from the file's own days instead: the time of the file's highest reading, and the
    anomalous days found among the file's complete days with their real day types (the same
    rule as :func:`analyze_load`). Every other figure is unchanged.

    Parameters
    ----------
    analytics : LoadAnalytics
        Of the scenario's load (:func:`analyze_load`).
    source_load_kw : pandas.Series
        The cleaned load on the file's own calendar [kW]
        (:attr:`pvplanner.load.meter.MeterLoad.source_load_kw`).

    Returns
    -------
    LoadAnalytics
        A copy with ``max_time``, ``anomalous_days`` and ``calendar="meter_file"``.
    """
    load = _check_load(source_load_kw)
    index = pd.DatetimeIndex(load.index)
    values = load.to_numpy(dtype=float)
    energy = values * _step_minutes(index) / 60.0
    kinds = day_types(index)["day_type"].to_numpy(dtype=object)
    daily = _daily_frame(index, energy, kinds)
    return replace(
        analytics,
        max_time=str(index[int(np.argmax(values))].isoformat()),
        anomalous_days=_anomalous_days(daily, index, analytics.settings or
                                       meter_rules()["analytics"]),
        calendar="meter_file",
    )


def _check_load(load_kw: pd.Series) -> pd.Series:
    if not isinstance(load_kw, pd.Series) or not isinstance(load_kw.index, pd.DatetimeIndex):
        raise PlannerInputError(
            Message.of("errors.load.not_series",
                       "load_kw must be a pandas Series with a DatetimeIndex (kW per step)"),
            field="load_kw"
        )
    if len(load_kw) < 24:
        raise PlannerInputError(
            Message.of("errors.load.too_short", "load_kw has {count} steps: at least one day is "
                       "needed", count=len(load_kw)), field="load_kw"
        )
    values = pd.to_numeric(load_kw, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise PlannerInputError(
            Message.of("errors.load.not_finite",
                       "load_kw[{at}] is {value}: the load must be finite numbers (fill gaps "
                       "first, e.g. with read_meter_file)", at=str(load_kw.index[k]),
                       value=_shown(load_kw.iloc[k])),
            field="load_kw",
        )
    if (values < 0).any():
        k = int(np.flatnonzero(values < 0)[0])
        raise PlannerInputError(
            Message.of("errors.load.negative", "load_kw[{at}] = {value} kW is negative",
                       at=str(load_kw.index[k]), value=float(values[k])), field="load_kw"
        )
    steps = np.diff(load_kw.index.as_unit("ns").asi8)
    if (steps != steps[0]).any() or steps[0] <= 0:
        raise PlannerInputError(
            Message.of("errors.load.irregular", "load_kw must be on a regular, increasing time "
                       "axis"), field="load_kw"
        )
    return pd.Series(values, index=load_kw.index)


def _shown(value: Any) -> str:
    """A value as the user gave it (``nan``, ``'abc'``), not numpy's ``np.float64(nan)``."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _step_minutes(index: pd.DatetimeIndex) -> float:
    return float((index[1] - index[0]).total_seconds() / 60.0)


def _align(series: pd.Series, index: pd.DatetimeIndex, name: str, numeric: bool) -> np.ndarray:
    """Values of ``series`` on ``index``: same length, or hourly <-> 15-minute."""
    data = pd.Series(series)
    n, m = len(index), len(data)
    if numeric:
        values = pd.to_numeric(data, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise PlannerInputError(
                Message.of("errors.load.series_not_finite",
                           "{name}[{k}] = {value} is not a finite number", name=name, k=k,
                           value=_shown(data.iloc[k])), field=name
            )
    else:
        values = data.astype(str).str.strip().str.lower().to_numpy(dtype=object)
    if m == n:
        return values
    if m * 4 == n:  # hourly series onto a 15-minute load
        return np.repeat(values, 4)
    if n * 4 == m:  # 15-minute series onto an hourly load
        if numeric:
            return values.reshape(-1, 4).mean(axis=1)
        return values.reshape(-1, 4)[:, 0]
    raise PlannerInputError(
        Message.of("errors.load.series_length",
                   "{name} has {m} steps but the load has {n}: build both on the same time axis",
                   name=name, m=m, n=n),
        field=name,
    )


def _spread(energy: np.ndarray, price: np.ndarray, labels: np.ndarray) -> float | None:
    """kWh-weighted mean price of sharp+peak minus that of valley+deep valley steps."""

    def weighted(mask: np.ndarray) -> float | None:
        if not mask.any():
            return None
        weights = energy[mask]
        if weights.sum() > 0:
            return float((weights * price[mask]).sum() / weights.sum())
        return float(price[mask].mean())

    high = weighted(np.isin(labels, PEAK_PERIODS))
    low = weighted(np.isin(labels, VALLEY_PERIODS))
    if high is None or low is None:
        return None
    return high - low


def _baseload(
    values: np.ndarray,
    price: np.ndarray | None,
    offhours: np.ndarray,
    step_h: float,
    scale: float,
    max_kw: float,
    settings: dict,
) -> dict[str, float | None]:
    if not offhours.any():
        return {
            "baseload_kw": None,
            "min_expected_kw": None,
            "excess_kw": None,
            "offhours_hours": 0.0,
            "excess_kwh": None,
            "cost": None,
        }
    base = float(np.percentile(values[offhours], settings["baseload_percentile"]))
    floor = float(settings["min_expected_baseload_fraction_of_peak"] * max_kw)
    excess = max(0.0, base - floor)
    hours = float(offhours.sum() * step_h * scale)
    cost = None
    if price is not None:
        cost = float(excess * price[offhours].sum() * step_h * scale)
    return {
        "baseload_kw": base,
        "min_expected_kw": floor,
        "excess_kw": excess,
        "offhours_hours": hours,
        "excess_kwh": excess * hours,
        "cost": cost,
        "offhours_mean_kw": float(values[offhours].mean()),
    }


def _daily_frame(index: pd.DatetimeIndex, energy: np.ndarray, kinds: np.ndarray) -> pd.DataFrame:
    local = index.tz_localize(None) if index.tz is not None else index
    dates = local.normalize()
    frame = pd.DataFrame({"date": dates, "kwh": energy, "kind": kinds})
    daily = frame.groupby("date").agg(kwh=("kwh", "sum"), kind=("kind", "first"), n=("kwh", "size"))
    complete = daily["n"] == daily["n"].max()
    return daily[complete]


def _anomalous_days(
    daily: pd.DataFrame, index: pd.DatetimeIndex, settings: dict
) -> list[dict[str, Any]]:
    if len(daily) < settings["anomaly_min_group_days"]:
        return []
    dates = pd.DatetimeIndex(daily.index)
    skip = np.zeros(len(dates), dtype=bool)
    window = pd.Timedelta(days=int(settings["anomaly_skip_spring_festival_days"]))
    for year in sorted(set(dates.year)):
        block = holiday_dates(int(year), "Spring Festival")
        if len(block):
            skip |= (dates >= block[0] - window) & (dates <= block[-1] + window)
    kwh = daily["kwh"].to_numpy(dtype=float)
    kinds = daily["kind"].to_numpy(dtype=object)
    months = dates.month.to_numpy()
    threshold = float(settings["anomaly_robust_z"])
    min_deviation = float(settings["anomaly_min_deviation_percent"]) / 100.0
    minimum = int(settings["anomaly_min_group_days"])
    out: list[dict[str, Any]] = []
    for k in range(len(daily)):
        if skip[k]:
            continue
        group = (kinds == kinds[k]) & (months == months[k]) & ~skip
        if group.sum() < minimum:
            group = (kinds == kinds[k]) & ~skip
        if group.sum() < minimum:
            continue
        sample = kwh[group]
        median = float(np.median(sample))
        mad = float(np.median(np.abs(sample - median)))
        if mad > 0:
            z = _MAD_TO_Z * (kwh[k] - median) / mad
        else:
            mean_ad = float(np.mean(np.abs(sample - median)))
            if mean_ad <= 0:
                continue
            z = (kwh[k] - median) / (_MEANAD_TO_SIGMA * mean_ad)
        if abs(z) > threshold and abs(kwh[k] - median) >= min_deviation * abs(median):
            out.append(
                {
                    "date": str(dates[k].date()),
                    "day_type": str(kinds[k]),
                    "kwh": float(kwh[k]),
                    "expected_kwh": median,
                    "robust_z": float(z),
                    "deviation_percent": float(100 * (kwh[k] - median) / median)
                    if median > 0
                    else None,
                }
            )
    out.sort(key=lambda d: -abs(d["robust_z"]))
    return out


def _typical_profiles(
    values: np.ndarray, hour: np.ndarray, kinds: np.ndarray
) -> dict[str, list[float | None]]:
    out: dict[str, list[float | None]] = {}
    for kind in ("workday", "weekend", "holiday"):
        mask = kinds == kind
        if not mask.any():
            continue
        sums = np.bincount(hour[mask], weights=values[mask], minlength=24)
        counts = np.bincount(hour[mask], minlength=24)
        out[kind] = [float(s / c) if c else None for s, c in zip(sums, counts, strict=True)]
    return out


def _peak_shaving(
    values: np.ndarray,
    month: np.ndarray,
    step_h: float,
    scale: float,
    rate: float | None,
    settings: dict,
) -> dict[str, Any]:
    """Monthly maximum reduction if the top ``peak_shave_top_percent`` of steps were capped."""
    top = float(settings["peak_shave_top_percent"])
    kw: list[float | None] = []
    kwh: list[float | None] = []
    for m in range(1, 13):
        in_m = month == m
        if not in_m.any():
            kw.append(None)
            kwh.append(None)
            continue
        load = values[in_m]
        cap = float(np.percentile(load, 100.0 - top))
        kw.append(float(load.max() - cap))
        kwh.append(float(np.clip(load - cap, 0, None).sum() * step_h))
    present = [v for v in kw if v is not None]
    months_present = len(present)
    per_year = 12.0 / months_present if months_present else 0.0
    saving = demand_cost = None
    if rate is not None:
        saving = float(sum(present) * rate * per_year)
        maxima = [float(values[month == m].max()) for m in range(1, 13) if (month == m).any()]
        demand_cost = float(sum(maxima) * rate * per_year)
    return {
        "annual_demand_cost": demand_cost,
        "top_percent": top,
        "monthly_kw": kw,
        "monthly_kwh": kwh,
        "mean_kw": float(np.mean(present)) if present else 0.0,
        "annual_kwh": float(sum(v for v in kwh if v is not None) * scale),
        "annual_saving": saving,
    }


def _heatmap(index: pd.DatetimeIndex, values: np.ndarray) -> pd.DataFrame:
    local = index.tz_localize(None) if index.tz is not None else index
    frame = pd.DataFrame({"date": local.date, "hour": local.hour, "kw": values})
    table = frame.pivot_table(index="date", columns="hour", values="kw", aggfunc="mean")
    return table.reindex(columns=range(24))


# --------------------------------------------------------------------------------------
# Recommendations: a rules table evaluated against the metrics
# --------------------------------------------------------------------------------------

_CLAUSE = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


@cache
def recommendation_rules() -> tuple[dict[str, Any], ...]:
    """The rules table ``data/load_templates/recommendation_rules.csv``, parsed and checked.

    Each rule has ``id``, ``priority`` (1 first), ``condition`` (clauses ``metric op number``
    joined by ``and``), ``quantifier`` (how the numbers in the text are computed),
    ``parameter``, ``text_en``, ``text_zh`` and ``source``/``year``/``status``.
    """
    path = data_path("load_templates", "recommendation_rules.csv")
    rules = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            clauses = []
            for text in row["condition"].split(" and "):
                match = _CLAUSE.match(text)
                if not match:
                    raise ValueError(f"{path.name}: rule {row['id']}: bad clause {text!r}")
                clauses.append((match.group(1), match.group(2), float(match.group(3))))
            if row["quantifier"] not in _QUANTIFIERS:
                raise ValueError(f"{path.name}: rule {row['id']}: unknown quantifier")
            parameter = float(row["parameter"]) if row["parameter"].strip() else None
            rules.append(
                {
                    "id": row["id"],
                    "priority": int(row["priority"]),
                    "clauses": tuple(clauses),
                    "quantifier": row["quantifier"],
                    "parameter": parameter,
                    "text_en": row["text_en"],
                    "text_zh": row["text_zh"],
                }
            )
    return tuple(rules)


def measure_figures(analytics: LoadAnalytics) -> dict[str, dict[str, float]]:
    """Parameters of catalogue measures given by this load's own data.

    A measure's ``from_data`` (``data/measures/catalogue.toml``) names the metric of
    :meth:`LoadAnalytics.metrics` behind each parameter, e.g. ``cut_kw`` of
    ``offhours_baseload`` = ``baseload_excess_kw``.

    Returns
    -------
    dict
        Measure id -> {parameter: value} for the measures whose metrics are available.
    """
    metrics = analytics.metrics()
    out: dict[str, dict[str, float]] = {}
    for measure in measure_catalogue().values():
        values = {name: metrics.get(metric) for name, metric in measure.from_data.items()}
        known = {name: float(v) for name, v in values.items()
                 if v is not None and math.isfinite(v)}
        if values and len(known) == len(values):
            out[measure.id] = known
    return out


def recommendations(analytics: LoadAnalytics) -> list[Recommendation]:
    """Quantified recommendations for a load, most important first.

    A rule fires when all its clauses hold on :meth:`LoadAnalytics.metrics` (a clause on a
    metric that is not available does not hold); its quantifier computes the numbers of the
    text (kWh per year, money per year). A rule that a catalogue measure lists in its
    ``recommended_by`` proposes that measure with the figures of this load
    (:func:`measure_figures`).
    """
    metrics = analytics.metrics()
    figures = measure_figures(analytics)
    proposals = {rule: m.id for m in measure_catalogue().values() for rule in m.recommended_by}
    from pvplanner.display.numbers import NumberFormat

    unit_zh = NumberFormat("zh", analytics.currency).currency_unit()  # 元 for CNY
    out = []
    for rule in recommendation_rules():
        if not all(_holds(metrics.get(name), op, value) for name, op, value in rule["clauses"]):
            continue
        values = _QUANTIFIERS[rule["quantifier"]](analytics, rule["parameter"])
        if values is None:
            continue
        values = {**values, "currency": analytics.currency}
        out.append(
            Recommendation(
                id=rule["id"],
                priority=rule["priority"],
                text_en=rule["text_en"].format(**values),
                text_zh=rule["text_zh"].format(**{**values, "currency": unit_zh}),
                annual_kwh=values.get("annual_kwh"),
                annual_saving=values.get("annual_saving"),
                currency=analytics.currency,
                values=values,
                measure_id=proposals.get(rule["id"]),
                measure_overrides=dict(figures.get(proposals.get(rule["id"], ""), {})),
            )
        )
    out.sort(key=lambda r: (r.priority, -(r.annual_saving or 0.0)))
    return out


def _holds(metric: float | None, op: str, value: float) -> bool:
    if metric is None or not math.isfinite(metric):
        return False
    return _OPERATORS[op](float(metric), value)


def _q_shift(a: LoadAnalytics, parameter: float | None) -> dict[str, Any] | None:
    if a.by_period is None or a.peak_share is None:
        return None
    fraction = parameter if parameter is not None else 0.1
    peak_kwh = sum(a.by_period[p]["kwh"] or 0.0 for p in PEAK_PERIODS if p in a.by_period)
    shift = fraction * peak_kwh
    saving = shift * a.price_spread_per_kwh if a.price_spread_per_kwh is not None else None
    return {
        "peak_share_pct": 100 * a.peak_share,
        "parameter_pct": 100 * fraction,
        "shift_kwh": shift,
        "spread_per_kwh": a.price_spread_per_kwh if a.price_spread_per_kwh is not None else 0.0,
        "saving": saving or 0.0,
        "annual_kwh": shift,
        "annual_saving": saving,
    }


def _q_baseload(a: LoadAnalytics, parameter: float | None) -> dict[str, Any] | None:
    b = a.baseload
    if b.get("excess_kw") is None:
        return None
    return {
        "baseload_kw": b["baseload_kw"],
        "excess_kw": b["excess_kw"],
        "min_expected_kw": b["min_expected_kw"],
        "excess_kwh": b["excess_kwh"],
        "cost": b["cost"] or 0.0,
        "annual_kwh": b["excess_kwh"],
        "annual_saving": b["cost"],
    }


def _q_shave(a: LoadAnalytics, parameter: float | None) -> dict[str, Any] | None:
    s = a.peak_shaving
    return {
        "load_factor": a.load_factor,
        "mean_kw": a.mean_kw,
        "max_kw": a.max_kw,
        "top_percent": s["top_percent"],
        "shave_kw": s["mean_kw"],
        "shave_kwh": s["annual_kwh"],
        "demand_rate": a.demand_charge_per_kw_month or 0.0,
        "saving": s["annual_saving"] or 0.0,
        "annual_kwh": s["annual_kwh"],
        "annual_saving": s["annual_saving"],
    }


def _q_demand(a: LoadAnalytics, parameter: float | None) -> dict[str, Any] | None:
    cost = a.peak_shaving.get("annual_demand_cost")
    return {
        "load_factor": a.load_factor,
        "mean_kw": a.mean_kw,
        "max_kw": a.max_kw,
        "demand_rate": a.demand_charge_per_kw_month or 0.0,
        "demand_cost": cost or 0.0,
        "demand_cost_per_kwh": (cost or 0.0) / a.annual_kwh if a.annual_kwh > 0 else 0.0,
        "annual_kwh": None,
        "annual_saving": None,
    }


def _q_anomalies(a: LoadAnalytics, parameter: float | None) -> dict[str, Any] | None:
    if not a.anomalous_days:
        return None
    worst = a.anomalous_days[0]
    deviation = worst["deviation_percent"]
    return {
        "count": len(a.anomalous_days),
        "date": worst["date"],
        "kwh": worst["kwh"],
        "expected_kwh": worst["expected_kwh"],
        "deviation_pct": deviation if deviation is not None else 0.0,
        "annual_kwh": None,
        "annual_saving": None,
    }


def _q_daylight(a: LoadAnalytics, parameter: float | None) -> dict[str, Any] | None:
    return {
        "daylight_share_pct": 100 * a.daylight_share,
        "start_hour": int(a.settings["daylight_start_hour"]),
        "end_hour": int(a.settings["daylight_end_hour"]),
        "annual_kwh": a.daylight_share * a.annual_kwh,
        "annual_saving": None,
    }


_QUANTIFIERS: dict[str, Callable[[LoadAnalytics, float | None], dict[str, Any] | None]] = {
    "shift_peak_to_valley": _q_shift,
    "offhours_baseload": _q_baseload,
    "peak_shave": _q_shave,
    "demand_exposure": _q_demand,
    "anomalous_days": _q_anomalies,
    "daylight_share": _q_daylight,
}
