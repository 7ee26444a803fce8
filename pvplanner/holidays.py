"""Day types of a calendar: workday, weekend or public holiday, with China's make-up workdays.

Time-of-use tariffs (holiday deep-valley prices) and load templates (Spring Festival
shutdown, weekend patterns) both classify days here. The dates are data
(``data/holidays/cn_public_holidays.csv``); years the table does not cover fall back to plain
weekends, and :func:`day_types` says so in its ``covered`` column.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
import pandas as pd

from weather.datafiles import data_path

DAY_TYPES = ("workday", "weekend", "holiday")


@cache
def holiday_table(country: str = "CN") -> pd.DataFrame:
    """Public holidays and make-up workdays of ``country`` from ``data/holidays``.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime64), ``kind`` (``holiday`` or ``makeup_workday``), ``name``,
        ``name_zh``, ``source``, ``status``. Empty for countries without a table.
    """
    if country.upper() != "CN":
        return pd.DataFrame(columns=["date", "kind", "name", "name_zh", "source", "status"])
    table = pd.read_csv(data_path("holidays", "cn_public_holidays.csv"), dtype=str)
    table["date"] = pd.to_datetime(table["date"])
    return table


def day_types(index: pd.DatetimeIndex, country: str = "CN") -> pd.DataFrame:
    """Classify the calendar day of every timestamp.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Timestamps in local time (tz-aware or naive); the local calendar date is used.
    country : str, default "CN"
        Holiday calendar; other countries get weekends only.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``index`` with columns ``day_type`` (``workday`` / ``weekend`` /
        ``holiday``), ``holiday_name`` (English, "" if none), ``holiday_day`` (1-based day
        number within a consecutive holiday block, 0 otherwise) and ``covered`` (whether the
        holiday table covers that year).
    """
    local = pd.DatetimeIndex(index)
    if local.tz is not None:
        local = local.tz_localize(None)
    dates = local.normalize()
    unique_dates = pd.DatetimeIndex(dates.unique())
    n_days = len(unique_dates)
    if n_days and (unique_dates[-1] - unique_dates[0]).days == n_days - 1:
        # Consecutive days (a plan's year): classified once per process (reindex copies).
        per_day = _classify_days(unique_dates[0], n_days, country)
    else:
        per_day = _classify_dates(unique_dates, country)
    out = per_day.reindex(dates)
    out.index = index
    return out


@lru_cache(maxsize=8)
def _classify_days(first: pd.Timestamp, n_days: int, country: str) -> pd.DataFrame:
    """:func:`_classify_dates` of ``n_days`` consecutive days from ``first`` (kept: a plan
    classifies the same year several times, a batch many sites on the same year)."""
    return _classify_dates(pd.date_range(first, periods=n_days, freq="D"), country)


def _classify_dates(dates: pd.DatetimeIndex, country: str) -> pd.DataFrame:
    table = holiday_table(country)
    weekend = dates.day_of_week >= 5
    day_type = np.where(weekend, "weekend", "workday").astype(object)
    name = np.full(len(dates), "", dtype=object)
    covered_years = set(table["date"].dt.year) if len(table) else set()
    covered = np.isin(dates.year, list(covered_years))
    if len(table):
        holidays = table[table["kind"] == "holiday"].set_index("date")["name"]
        makeup = set(table.loc[table["kind"] == "makeup_workday", "date"])
        is_holiday = dates.isin(holidays.index)
        day_type[is_holiday] = "holiday"
        name[is_holiday] = holidays.reindex(dates[is_holiday]).to_numpy()
        day_type[dates.isin(list(makeup))] = "workday"
    frame = pd.DataFrame(
        {"day_type": day_type, "holiday_name": name, "covered": covered}, index=dates
    )
    frame["holiday_day"] = _day_number_in_block(frame["holiday_name"])
    return frame


def _day_number_in_block(names: pd.Series) -> np.ndarray:
    """1, 2, 3... along each run of consecutive days with the same holiday name."""
    values = names.to_numpy()
    numbers = np.zeros(len(values), dtype=int)
    dates = names.index
    for i, value in enumerate(values):
        if not value:
            continue
        previous_same = (
            i > 0 and values[i - 1] == value and (dates[i] - dates[i - 1]).days == 1
        )
        numbers[i] = numbers[i - 1] + 1 if previous_same else 1
    return numbers


def holiday_dates(year: int, name: str, country: str = "CN") -> pd.DatetimeIndex:
    """Dates of the named holiday (e.g. ``"Spring Festival"``) in ``year``; empty if unknown."""
    table = holiday_table(country)
    rows = table[
        (table["kind"] == "holiday") & (table["name"] == name) & (table["date"].dt.year == year)
    ]
    return pd.DatetimeIndex(rows["date"].sort_values())
