"""A typical year from several years of hourly weather, by ISO 15927-4 month selection.

ISO 15927-4 ("Hygrothermal performance of buildings - Calculation and presentation of
climatic data - Part 4: Hourly data for assessing the annual energy use for heating and
cooling") builds a reference year from whole calendar months of real years. As implemented
here, from the standard's description:

1. For each parameter p (global horizontal irradiance ``ghi``, air temperature ``temp_air``
   and, when present, relative humidity ``relative_humidity``) take the daily means of every
   day.
2. For each calendar month m, pool the daily means of that month over all years and form the
   all-years cumulative distribution ``Phi(p, m, x) = K / (N + 1)``, K being the number of
   pooled days with a value <= x and N the number of pooled days.
3. For each year y form the distribution of that month alone, ``F(p, y, m, x) = k / (n + 1)``
   over its n days, and the Finkelstein-Schafer statistic
   ``FS(p, y, m) = sum over the month's days i of |F(p, y, m, x_i) - Phi(p, m, x_i)|``.
4. Rank the years of each calendar month by FS, separately for each parameter (rank 1 =
   smallest FS), and add the ranks of the parameters.
5. Of the three years with the lowest rank sum, choose the one whose monthly mean wind speed
   deviates least from the all-years mean wind speed of that calendar month (without wind
   data: the lowest rank sum).
6. Join the chosen months into one year and smooth the joints over 8 hours on each side.

Choices the standard leaves open, made here:

* Only complete month-years (every hour present for the parameters above and the wind
  speed) are candidates; months with holes are left out rather than patched.
* Ties in the FS ranking get the average rank. Ties in the rank sum go to the smaller sum of
  FS values, then to the earlier year; ties in wind deviation to the better rank sum.
* FS is the plain sum over days, as in the standard, so a 29-day February weighs 1/28 more
  than a 28-day one. 29 February is dropped when the year is assembled (the typical year is
  not a leap year).
* Smoothing (step 6): over the 16 hours around each joint (8 before, 8 after; also the
  December-to-January joint, which makes the year cyclic) the hourly value is a linear
  cross-fade ``(1 - w) a + w b`` between the *real continuations* of the two years: ``a``
  is the earlier month's year running on into the next month, ``b`` the later month's year
  leading into it, ``w`` rising from 1/32 to 31/32. Both are real weather, so the diurnal
  cycle is kept and the jump is spread over 16 hours instead of being flattened by a
  curve fit. Applied to ``temp_air``, ``relative_humidity`` and ``pressure`` (slow state
  variables); irradiance and wind are left as measured, because their hour-to-hour changes
  are dominated by sun and cloud, not by the joint. A joint whose continuation data are
  missing (e.g. the last December of the record) is left unsmoothed. At the
  February/March joint a leap year's February side is read on 28 February.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from weather.errors import WeatherInputError
from weather.timeaxis import fixed_offset_tz, to_typical_year

__all__ = [
    "CANDIDATES_FOR_WIND",
    "FS_PARAMETERS",
    "SMOOTHED_COLUMNS",
    "SMOOTHING_HOURS",
    "build_typical_year",
    "complete_months",
    "finkelstein_schafer",
    "select_typical_months",
    "typical_month_statistics",
]

#: Parameters whose daily-mean distributions decide the month choice (when present).
FS_PARAMETERS: tuple[str, ...] = ("ghi", "temp_air", "relative_humidity")

#: Number of best-ranked years among which the wind speed decides.
CANDIDATES_FOR_WIND = 3

#: Columns cross-faded at month joints, and the hours smoothed on each side of a joint.
SMOOTHED_COLUMNS: tuple[str, ...] = ("temp_air", "relative_humidity", "pressure")
SMOOTHING_HOURS = 8

_WIND = "wind_speed"


def finkelstein_schafer(sample: Iterable[float], reference: Iterable[float]) -> float:
    """Finkelstein-Schafer statistic of one month-year against the all-years distribution.

    Parameters
    ----------
    sample : array-like
        Daily means of one parameter in one month of one year (n values).
    reference : array-like
        Daily means of the same parameter and calendar month over all years (N values,
        normally including ``sample``).

    Returns
    -------
    float
        ``sum_i |F(x_i) - Phi(x_i)|`` over the sample's days, with the empirical
        distributions ``F(x) = #(sample <= x) / (n + 1)`` and
        ``Phi(x) = #(reference <= x) / (N + 1)`` [-].
    """
    x = np.sort(np.asarray(list(sample), dtype=float))
    ref = np.sort(np.asarray(list(reference), dtype=float))
    if x.size == 0 or ref.size == 0:
        raise ValueError("both the sample and the reference need at least one value")
    if np.isnan(x).any() or np.isnan(ref).any():
        raise ValueError("daily means must not be NaN")
    own = np.searchsorted(x, x, side="right") / (x.size + 1)
    pooled = np.searchsorted(ref, x, side="right") / (ref.size + 1)
    return float(np.abs(own - pooled).sum())


def _wall_clock(hourly: pd.DataFrame) -> pd.DataFrame:
    """``hourly`` with a sorted, duplicate-free, naive (wall-clock) DatetimeIndex."""
    if not isinstance(hourly.index, pd.DatetimeIndex):
        raise WeatherInputError("hourly weather needs a DatetimeIndex")
    frame = hourly.copy()
    index = pd.DatetimeIndex(hourly.index)
    frame.index = index.tz_localize(None) if index.tz is not None else index
    frame = frame[~frame.index.duplicated(keep="first")].sort_index()
    return frame


def _present(frame: pd.DataFrame, names: Sequence[str]) -> list[str]:
    return [name for name in names if name in frame.columns]


def complete_months(
    hourly: pd.DataFrame, columns: Sequence[str] | None = None
) -> list[tuple[int, int]]:
    """Month-years in which every hour has a value in each of ``columns``.

    Parameters
    ----------
    hourly : pandas.DataFrame
        Hourly rows with a DatetimeIndex (its wall clock defines the calendar).
    columns : sequence of str, optional
        Columns that must be complete; by default the FS parameters and the wind speed that
        are present.

    Returns
    -------
    list of (year, month)
        Sorted.
    """
    frame = _wall_clock(hourly)
    if columns is None:
        columns = _present(frame, (*FS_PARAMETERS, _WIND))
    frame = frame[~frame.index.duplicated()]
    on_the_hour = (frame.index.minute == 0) & (frame.index.second == 0)
    valid = frame.loc[on_the_hour, list(columns)].notna().all(axis=1)
    counts = valid.groupby([valid.index.year, valid.index.month]).sum()
    out = []
    for (year, month), count in counts.items():
        if int(count) == calendar.monthrange(int(year), int(month))[1] * 24:
            out.append((int(year), int(month)))
    return sorted(out)


def typical_month_statistics(hourly: pd.DataFrame) -> pd.DataFrame:
    """Finkelstein-Schafer statistics, ranks and the ISO 15927-4 choice for every month-year.

    Parameters
    ----------
    hourly : pandas.DataFrame
        Several years of hourly weather with a DatetimeIndex (wall clock = calendar) and at
        least one of ``ghi``, ``temp_air``; ``relative_humidity`` and ``wind_speed`` are used
        when present.

    Returns
    -------
    pandas.DataFrame
        One row per complete month-year, indexed by ``(month, year)``, with columns
        ``fs_<parameter>`` and ``rank_<parameter>`` for each parameter used, ``rank_sum``,
        ``order`` (1 = best rank sum), ``wind_mean`` and ``wind_deviation`` [m/s] (NaN without
        wind data), ``candidate`` (among the best :data:`CANDIDATES_FOR_WIND`) and ``chosen``.

    Raises
    ------
    WeatherInputError
        If neither ``ghi`` nor ``temp_air`` is present, or a calendar month has no complete
        year.
    """
    frame = _wall_clock(hourly)
    params = _present(frame, FS_PARAMETERS)
    if not ({"ghi", "temp_air"} & set(params)):
        raise WeatherInputError(
            "a typical year needs hourly 'ghi' or 'temp_air'; the data have "
            f"{list(map(str, frame.columns))}"
        )
    has_wind = _WIND in frame.columns
    needed = params + ([_WIND] if has_wind else [])
    complete = complete_months(frame, needed)
    # Complete month-years only: their days all have 24 values.
    daily = frame[params].groupby(frame.index.normalize()).mean()
    day_key = list(zip(daily.index.year, daily.index.month, strict=True))
    complete_set = set(complete)
    daily = daily[[key in complete_set for key in day_key]]

    rows = []
    for month in range(1, 13):
        years = [year for year, m in complete if m == month]
        if not years:
            raise WeatherInputError(
                f"no complete {calendar.month_name[month]} in the hourly data "
                f"({frame.index.min()} to {frame.index.max()}); a typical year needs every "
                "calendar month complete in at least one year"
            )
        in_month = daily[daily.index.month == month]
        table = pd.DataFrame(index=pd.Index(years, name="year"))
        for param in params:
            reference = in_month[param].to_numpy()
            table[f"fs_{param}"] = [
                finkelstein_schafer(in_month.loc[in_month.index.year == y, param], reference)
                for y in years
            ]
            table[f"rank_{param}"] = table[f"fs_{param}"].rank(method="average")
        table["rank_sum"] = table[[f"rank_{p}" for p in params]].sum(axis=1)
        fs_total = table[[f"fs_{p}" for p in params]].sum(axis=1)
        ordered = sorted(years, key=lambda y: (table.at[y, "rank_sum"], fs_total[y], y))
        table["order"] = [ordered.index(y) + 1 for y in years]
        best = ordered[:CANDIDATES_FOR_WIND]
        if has_wind:
            selection = frame.index.month == month
            wind = frame.loc[selection, _WIND]
            wind = wind[np.isin(wind.index.year, years)]
            monthly = wind.groupby(wind.index.year).mean()
            table["wind_mean"] = monthly.reindex(years).to_numpy()
            table["wind_deviation"] = (table["wind_mean"] - float(wind.mean())).abs()
            chosen = min(best, key=lambda y: (table.at[y, "wind_deviation"], ordered.index(y)))
        else:
            table["wind_mean"] = np.nan
            table["wind_deviation"] = np.nan
            chosen = ordered[0]
        table["candidate"] = [y in best for y in years]
        table["chosen"] = [y == chosen for y in years]
        table.insert(0, "month", month)
        rows.append(table.reset_index())
    out = pd.concat(rows, ignore_index=True).set_index(["month", "year"])
    return out


def select_typical_months(hourly: pd.DataFrame) -> dict[int, int]:
    """The year chosen for each calendar month by ISO 15927-4 (see the module notes).

    Parameters
    ----------
    hourly : pandas.DataFrame
        Several years of hourly weather; the index's wall clock defines the calendar (convert
        to local standard time first to select local months). Columns as in
        :func:`typical_month_statistics`.

    Returns
    -------
    dict of int to int
        Calendar month (1-12) -> chosen year.
    """
    table = typical_month_statistics(hourly)
    chosen = table.index[table["chosen"].to_numpy()]
    return {int(month): int(year) for month, year in chosen}


def build_typical_year(
    hourly: pd.DataFrame, utc_offset_hours: float
) -> tuple[pd.DataFrame, dict[int, int]]:
    """Assemble a typical year on the scenario's time axis from several years of hourly data.

    Parameters
    ----------
    hourly : pandas.DataFrame
        Several years of hourly weather (pvlib column names). A tz-aware index is converted to
        local standard time; a naive one is taken as local standard time already. Months are
        chosen in local time.
    utc_offset_hours : float
        Offset of the site's local standard time [h].

    Returns
    -------
    frame : pandas.DataFrame
        8760 rows on ``typical_year_index(utc_offset_hours)``, the numeric columns of
        ``hourly``, months joined and smoothed as described in the module notes.
    months_selected : dict of int to int
        Calendar month -> source year.
    """
    try:
        tz = fixed_offset_tz(utc_offset_hours)
    except ValueError as exc:
        raise WeatherInputError(str(exc)) from None
    if not isinstance(hourly.index, pd.DatetimeIndex):
        raise WeatherInputError("hourly weather needs a DatetimeIndex")
    index = pd.DatetimeIndex(hourly.index)
    local = index.tz_convert(tz) if index.tz is not None else index.tz_localize(tz)
    frame = hourly.select_dtypes(include="number").copy()
    frame.index = local.tz_localize(None)
    frame = _wall_clock(frame)
    months = select_typical_months(frame)

    pieces = [
        frame[(frame.index.year == year) & (frame.index.month == month)]
        for month, year in sorted(months.items())
    ]
    assembled = pd.concat(pieces)
    assembled.index = pd.DatetimeIndex(assembled.index).tz_localize(tz)
    typical = to_typical_year(assembled, utc_offset_hours)
    typical = _smooth_joints(typical, frame, months)
    return typical, months


def _smooth_joints(
    typical: pd.DataFrame, source: pd.DataFrame, months: dict[int, int]
) -> pd.DataFrame:
    """Cross-fade :data:`SMOOTHED_COLUMNS` over the hours around each month joint."""
    columns = _present(typical, SMOOTHED_COLUMNS)
    if not columns:
        return typical
    out = typical.copy()
    wall = pd.DatetimeIndex(typical.index).tz_localize(None)
    hours = SMOOTHING_HOURS
    weights = (np.arange(2 * hours) + 0.5) / (2 * hours)  # weight of the later month's year
    for month in range(1, 13):
        following = month % 12 + 1
        year_a, year_b = months[month], months[following]
        wraps = month == 12
        if year_b == year_a + (1 if wraps else 0):
            continue  # the real record runs on: nothing to smooth
        start = int(np.flatnonzero(wall.month == following)[0]) if not wraps else 0
        before = np.arange(start - hours, start) % len(wall)  # -1 -> last hour (December)
        after = np.arange(start, start + hours)
        # Year a running on into the next month; year b leading into it.
        a_year_after = year_a + 1 if wraps else year_a
        b_year_before = year_b - 1 if wraps else year_b
        a_after = _lookup(source, wall[after], a_year_after, columns)
        b_before = _lookup(source, wall[before], b_year_before, columns)
        if a_after is None or b_before is None:
            continue
        a_values = np.vstack([out.iloc[before][columns].to_numpy(), a_after])
        b_values = np.vstack([b_before, out.iloc[after][columns].to_numpy()])
        blended = (1.0 - weights[:, None]) * a_values + weights[:, None] * b_values
        positions = np.concatenate([before, after])
        for j, column in enumerate(columns):
            col = out.columns.get_loc(column)
            values = out.iloc[:, col].to_numpy(copy=True)
            values[positions] = blended[:, j]
            out.iloc[:, col] = values
    return out


def _lookup(
    source: pd.DataFrame, stamps: pd.DatetimeIndex, year: int, columns: list[str]
) -> np.ndarray | None:
    """Values of ``columns`` at the month/day/hour of ``stamps`` in ``year``, or None if any
    is missing."""
    try:
        wanted = pd.DatetimeIndex(
            [pd.Timestamp(year=year, month=t.month, day=t.day, hour=t.hour) for t in stamps]
        )
    except ValueError:
        return None
    values = source.reindex(wanted)[columns].to_numpy(dtype=float)
    if np.isnan(values).any():
        return None
    return values
