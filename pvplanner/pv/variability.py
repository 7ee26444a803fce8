"""P50 and P90 annual PV yield from the year-to-year variability of the solar resource.

The planned generation (a typical weather year) is the P50: exceeded in half of the years.
Taking the annual yield as normally distributed around it with the relative standard
deviation ``sigma`` of annual global horizontal irradiation (GHI),

    P90 = P50 (1 - z sigma),   z = 1.2816 (the one-sided 90 % standard normal quantile).

``sigma`` comes from the weather source's own years when it carries them (the weather
record's ``annual_ghi_kwh_m2``: NASA POWER's hourly years), else from the stated default in
``data/pv_interannual_variability.toml``. The yield is assumed to vary as GHI does (the
plane-of-array irradiation of tilted modules varies about as much); losses, degradation and
model uncertainty are not part of this spread.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist
from typing import Any

import numpy as np

from pvplanner.guard.toml_words import read_data_toml

__all__ = ["YieldVariability", "exceedance_kwh", "interannual_variability",
           "variability_defaults"]

#: The one-sided 90 % quantile of the standard normal distribution (1.2816).
Z_P90 = NormalDist().inv_cdf(0.90)


@cache
def variability_defaults() -> dict[str, dict[str, Any]]:
    """``data/pv_interannual_variability.toml`` (``default_sigma``, ``min_years``)."""
    return read_data_toml("pv_interannual_variability.toml")


@dataclass(frozen=True)
class YieldVariability:
    """The year-to-year spread of annual yield used for P90.

    Attributes
    ----------
    sigma : float
        Standard deviation of annual GHI over its mean [fraction].
    basis : str
        ``weather_years`` (measured from the weather source's years) or ``default``.
    years : int
        Number of complete years behind ``sigma`` (0 for the default).
    source, date, status : str
        Where the figure comes from, its year(s) and its status (``derived`` when measured).
    """

    sigma: float
    basis: str
    years: int
    source: str
    date: str
    status: str

    def assumption_row(self) -> dict[str, Any]:
        """The assumption record of ``sigma`` (category ``pv``, item
        ``pv.interannual_variability``)."""
        return {"category": "pv", "item": "pv.interannual_variability", "value": self.sigma,
                "unit": "fraction", "source": self.source, "date": self.date,
                "status": self.status}


def _annual_values(weather: Mapping[str, Any]) -> dict[str, float]:
    raw = weather.get("annual_ghi_kwh_m2") or {}
    if not isinstance(raw, Mapping):
        return {}
    out = {}
    for year, value in raw.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number) and number > 0:
            out[str(year)] = number
    return out


def interannual_variability(weather: Mapping[str, Any]) -> YieldVariability:
    """The variability of annual GHI for a plan's weather record.

    Parameters
    ----------
    weather : mapping
        The weather record of a plan (``Result.weather``); its ``annual_ghi_kwh_m2`` maps
        years to annual GHI [kWh/m2] when the source had several years.

    Returns
    -------
    YieldVariability
        Measured from at least ``min_years`` complete years, else the data file's default.

    Examples
    --------
    >>> years = {str(y): v for y, v in zip(range(2015, 2025),
    ...          [1200, 1260, 1180, 1240, 1220, 1300, 1210, 1250, 1190, 1230])}
    >>> v = interannual_variability({"source": "nasa-power", "annual_ghi_kwh_m2": years})
    >>> v.basis, v.years, round(v.sigma, 4)
    ('weather_years', 10, 0.0294)
    >>> interannual_variability({"source": "synthetic"}).basis
    'default'
    """
    data = variability_defaults()
    values = _annual_values(weather)
    if len(values) >= int(data["min_years"]["value"]):
        series = np.array(list(values.values()), dtype=float)
        sigma = float(np.std(series, ddof=1) / np.mean(series))
        years = sorted(values)
        dataset = str(weather.get("dataset") or weather.get("source") or "")
        return YieldVariability(
            sigma=sigma, basis="weather_years", years=len(series),
            source=f"{dataset}: standard deviation of {len(series)} annual GHI sums over "
                   "their mean", date=f"{years[0]}-{years[-1]}", status="derived")
    entry = data["default_sigma"]
    return YieldVariability(
        sigma=float(entry["value"]), basis="default", years=0, source=str(entry["source"]),
        date=str(entry.get("year", "")), status=str(entry["status"]))


def exceedance_kwh(p50_kwh: float, sigma: float, probability: float = 0.90) -> float:
    """The annual yield exceeded with ``probability`` [kWh] (normal spread around P50).

    Parameters
    ----------
    p50_kwh : float
        The typical-year (median) annual yield [kWh].
    sigma : float
        Relative standard deviation of the annual yield [fraction].
    probability : float
        Probability of exceedance (0.90 for P90).

    Examples
    --------
    >>> round(exceedance_kwh(1000.0, 0.045))
    942
    """
    z = Z_P90 if probability == 0.90 else NormalDist().inv_cdf(probability)
    return float(p50_kwh * max(0.0, 1.0 - z * sigma))
