"""Performance index (metered / expected energy), by day and month, and the degradation trend.

The performance index is the ratio of metered to expected AC energy over the hours that have
both (IEC 61724-1 calls the weather-corrected form the performance index; with the typical
year's expectation it is an energy ratio against the plan). Hours without readings count in
neither sum. The degradation trend is the year-on-year method of Jordan et al. (2018), the
method of NREL's RdTools, written here (RdTools itself pulls in xgboost, matplotlib, plotly and
h5py at import).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["DegradationTrend", "daily_table", "degradation_trend", "performance_index",
           "period_table"]


def performance_index(actual_kwh: np.ndarray, expected_kwh: np.ndarray,
                      use: np.ndarray | None = None) -> float:
    """Sum of metered over sum of expected energy where both are known [-]; NaN if none.

    Examples
    --------
    >>> performance_index(np.array([9.3, np.nan, 0.0]), np.array([10.0, 10.0, 0.0]))
    0.93
    """
    actual = np.asarray(actual_kwh, dtype=float)
    expected = np.asarray(expected_kwh, dtype=float)
    both = np.isfinite(actual) & np.isfinite(expected)
    if use is not None:
        both &= np.asarray(use, dtype=bool)
    total = expected[both].sum()
    return float(actual[both].sum() / total) if total > 0 else float("nan")


def period_table(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Energy, performance index and losses per day (``"D"``) or month (``"M"``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Hourly rows: ``actual_kw``, ``expected_kw`` [kW mean over the hour] and the bool
        columns ``outage``, ``curtailment`` (hours in such events); ``outage_lost_kwh``,
        ``curtailment_lost_kwh`` [kWh per hour].

    Returns
    -------
    pandas.DataFrame
        Index ``period`` (``YYYY-MM-DD`` or ``YYYY-MM``): ``expected_kwh`` (the whole period),
        ``expected_metered_kwh`` (hours with readings), ``actual_kwh`` [kWh],
        ``performance_index``, ``performance_index_excluding_outages`` [-],
        ``outage_lost_kwh``, ``curtailment_lost_kwh`` [kWh], ``outage_hours`` [h],
        ``coverage_percent`` [% of daylight expectation with readings].
    """
    naive = frame.index.tz_localize(None)
    key = naive.strftime("%Y-%m-%d" if freq == "D" else "%Y-%m")
    metered = frame["actual_kw"].notna()
    parts = pd.DataFrame({
        "expected_kwh": frame["expected_kw"].fillna(0.0).to_numpy(),
        "expected_metered_kwh": frame["expected_kw"].where(metered, 0.0).fillna(0.0).to_numpy(),
        "actual_kwh": frame["actual_kw"].fillna(0.0).to_numpy(),
        "expected_ok_kwh": frame["expected_kw"].where(metered & ~frame["outage"], 0.0)
        .fillna(0.0).to_numpy(),
        "actual_ok_kwh": frame["actual_kw"].where(~frame["outage"], 0.0).fillna(0.0).to_numpy(),
        "outage_lost_kwh": frame["outage_lost_kwh"].to_numpy(),
        "curtailment_lost_kwh": frame["curtailment_lost_kwh"].to_numpy(),
        "outage_hours": (frame["outage"] & (frame["expected_kw"] > 0)).to_numpy(dtype=int),
    }, index=pd.Index(key, name="period"))
    sums = parts.groupby(level=0, sort=True).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        sums["performance_index"] = np.where(
            sums["expected_metered_kwh"] > 0,
            sums["actual_kwh"] / sums["expected_metered_kwh"], np.nan)
        sums["performance_index_excluding_outages"] = np.where(
            sums["expected_ok_kwh"] > 0, sums["actual_ok_kwh"] / sums["expected_ok_kwh"],
            np.nan)
        sums["coverage_percent"] = np.where(
            sums["expected_kwh"] > 0, 100.0 * sums["expected_metered_kwh"] / sums["expected_kwh"],
            np.nan)
    return sums.drop(columns=["expected_ok_kwh", "actual_ok_kwh"])


def daily_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`period_table` by day, with ``outage`` (the day holds outage hours)."""
    daily = period_table(frame, "D")
    daily["outage"] = daily["outage_hours"] > 0
    return daily


@dataclass(frozen=True)
class DegradationTrend:
    """Year-on-year degradation of the performance index.

    Attributes
    ----------
    rate_percent_per_year : float
        Median yearly change of the daily performance index [%/yr] (negative: losing).
    low_percent_per_year, high_percent_per_year : float
        Bootstrap confidence interval of the median [%/yr].
    confidence : float
        Level of the interval [-].
    pairs : int
        Day pairs one year apart that entered [-].
    method : str
        How it was computed.
    """

    rate_percent_per_year: float
    low_percent_per_year: float
    high_percent_per_year: float
    confidence: float
    pairs: int
    method: str = ("year-on-year (Jordan et al. 2018, IEEE J. Photovoltaics 8(2)): median of "
                   "the yearly change of the daily performance index over day pairs 365 days "
                   "apart, bootstrap confidence interval")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def degradation_trend(daily: pd.DataFrame, capacity_kwp: float, rules: dict,
                      seed: int = 0) -> DegradationTrend | None:
    """Year-on-year degradation rate from daily energies; None with too few day pairs.

    Parameters
    ----------
    daily : pandas.DataFrame
        :func:`daily_table` rows, computed against an expectation WITHOUT the plan's
        degradation (so the trend is the plant's own), index ``YYYY-MM-DD``.
    capacity_kwp : float
        The plan's DC capacity [kWp].
    rules : dict
        :func:`pvplanner.monitor.rules.monitor_rules`.
    seed : int
        Seed of the bootstrap (the result is reproducible).

    Returns
    -------
    DegradationTrend or None
    """
    r = rules["degradation"]
    days = pd.DatetimeIndex(pd.to_datetime(daily.index))
    good = ((daily["expected_metered_kwh"] >= float(r["min_expected_kwh_per_kwp"]) * capacity_kwp)
            & (daily["coverage_percent"] >= 99.0) & ~daily["outage"]
            & (daily["curtailment_lost_kwh"] <= 0.0)).to_numpy()
    ratio = pd.Series(np.where(good, daily["performance_index"].to_numpy(dtype=float), np.nan),
                      index=days)
    later = ratio.reindex(days + pd.Timedelta(days=365)).to_numpy()
    now = ratio.to_numpy()
    both = np.isfinite(now) & np.isfinite(later) & (now > 0)
    if both.sum() < int(r["min_pairs"]):
        return None
    rates = 100.0 * (later[both] / now[both] - 1.0)
    rng = np.random.default_rng(seed)
    samples = rng.choice(rates, size=(int(r["bootstrap_samples"]), len(rates)), replace=True)
    medians = np.median(samples, axis=1)
    level = float(r["confidence"])
    low, high = np.quantile(medians, [(1 - level) / 2, (1 + level) / 2])
    return DegradationTrend(
        rate_percent_per_year=float(np.median(rates)), low_percent_per_year=float(low),
        high_percent_per_year=float(high), confidence=level, pairs=int(both.sum()))
