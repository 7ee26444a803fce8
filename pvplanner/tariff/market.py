"""Exports of projects commissioned from 2025-06-01: market prices and the mechanism CfD.

Under 发改价格〔2025〕136号 a new distributed-PV project sells its exported energy at market
prices (a price taker accepts the market-formed price); a province may award it a mechanism
price (机制电价) on a share of its exports, settled as a contract for difference:
``(mechanism price - market reference average) x mechanism volume`` for a fixed number of
years. With the project's own market price equal to the reference average, each exported
kWh then earns

    market price + share x (mechanism price - reference average)

during the mechanism years and the market price after them. Default market prices per
province are in ``data/export_market_prices.csv`` (each with source, date, validity and
status; "unverified" rows say why).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pandas as pd

from pvplanner.tariff.province_names import province_rows
from weather.datafiles import data_path

__all__ = [
    "MARKET_EXPORT_FROM",
    "default_market_price",
    "market_price_table",
    "mechanism_adder_per_kwh",
    "mechanism_year_factors",
]

#: Projects commissioned on or after this date sell exports at market prices (136号 §2.1).
MARKET_EXPORT_FROM = dt.date(2025, 6, 1)


@cache
def market_price_table() -> pd.DataFrame:
    """Default market prices of exports by province (``data/export_market_prices.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns ``province``, ``province_zh``, ``price_per_kwh`` [CNY/kWh], ``basis``,
        ``source``, ``date``, ``valid_from``, ``valid_until``, ``status``, ``reason``; the
        row ``*`` applies to provinces without their own.
    """
    table = pd.read_csv(data_path("export_market_prices.csv"), dtype=str, keep_default_na=False)
    table["price_per_kwh"] = table["price_per_kwh"].astype(float)
    return table


def default_market_price(province: str | None) -> dict[str, object]:
    """The default market price row of a province (the ``*`` row if it has none).

    Examples
    --------
    >>> default_market_price("Shandong")["price_per_kwh"]
    0.225
    >>> default_market_price("西藏")["province"]
    '*'
    """
    return dict(_market_row((province or "").strip()))


@cache
def _market_row(key: str) -> dict[str, object]:
    """The row of :func:`default_market_price` for a stripped province name, looked up once
    per process (the table is read once; callers get a copy)."""
    table = market_price_table()
    match = table[province_rows(table["province"], key)] if key else table.iloc[:0]
    if match.empty:
        match = table[table["province"] == "*"]
    return match.iloc[0].to_dict()


def mechanism_adder_per_kwh(reference_per_kwh: float, mechanism_price_per_kwh: float | None,
                            share: float) -> float:
    """What the mechanism CfD adds to each exported kWh [currency/kWh] while it runs.

    Parameters
    ----------
    reference_per_kwh : float
        The market reference average price [currency/kWh].
    mechanism_price_per_kwh : float or None
        The mechanism price won [currency/kWh]; None: no mechanism.
    share : float
        Share of the exported energy under the mechanism [fraction].

    Examples
    --------
    >>> round(mechanism_adder_per_kwh(0.25, 0.35, 0.8), 4)
    0.08
    """
    if mechanism_price_per_kwh is None or share <= 0:
        return 0.0
    return share * (mechanism_price_per_kwh - reference_per_kwh)


def mechanism_year_factors(market_per_kwh: float, adder_per_kwh: float, mechanism_years: int,
                           years: int) -> np.ndarray:
    """Export price of each year relative to year 1 when the mechanism ends.

    Parameters
    ----------
    market_per_kwh : float
        Mean market price of the exports [currency/kWh].
    adder_per_kwh : float
        :func:`mechanism_adder_per_kwh` in year 1 [currency/kWh].
    mechanism_years : int
        Years the mechanism runs (from year 1).
    years : int
        Analysis period [years].

    Returns
    -------
    numpy.ndarray
        Shape (years,): 1 while the mechanism runs, ``market / (market + adder)`` after it
        (before any escalation, which applies on top).

    Examples
    --------
    >>> mechanism_year_factors(0.25, 0.05, 2, 4).round(4).tolist()
    [1.0, 1.0, 0.8333, 0.8333]
    """
    factors = np.ones(int(years))
    total = market_per_kwh + adder_per_kwh
    if adder_per_kwh != 0 and total > 0:
        factors[int(mechanism_years):] = market_per_kwh / total
    return factors
