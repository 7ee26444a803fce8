"""ISO 15927-4 month selection on hand-built series whose right answer is known by design."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weather.errors import WeatherInputError
from weather.timeaxis import typical_year_index
from weather.typical_year import (
    SMOOTHING_HOURS,
    build_typical_year,
    complete_months,
    finkelstein_schafer,
    select_typical_months,
    typical_month_statistics,
)

YEARS = (2001, 2002, 2003, 2004, 2005)  # 2004 is a leap year
# Each month, the five years are shifted by these offsets (rotated from month to month).
# Every year has the same spread of daily values, so the year shifted least from the
# pooled centre (mean offset +0.24) has the smallest FS statistic: offset 0.0 ranks first,
# -0.97 and +1.58 (distances 1.21, 1.34) second and third, -3.03 and +3.62 (3.27, 3.38)
# last. The offsets are not multiples of the daily-value step 10/n (n = 28..31), so no two
# years share a daily value and no ranking hinges on ties.
OFFSETS = (-3.03, -0.97, 0.0, 1.58, 3.62)
# Monthly mean wind per offset: all-years mean 3.84 m/s. Among the three best years the
# +1.58 year deviates least (0.36 vs 0.84 and 1.16), although +3.62 (0.16) is closer still:
# it must not win because it is not among the three best.
WIND = {-3.03: 3.0, -0.97: 3.0, 0.0: 5.0, 1.58: 4.2, 3.62: 4.0}


def offset_of(year: int, month: int) -> float:
    return OFFSETS[(YEARS.index(year) + month) % len(OFFSETS)]


def year_with(offset: float, month: int) -> int:
    return next(y for y in YEARS if offset_of(y, month) == offset)


def make_hourly(with_wind: bool = True, tz: str | None = None) -> pd.DataFrame:
    """Five years of hourly weather; daily means = spread + offset(year, month)."""
    index = pd.date_range(f"{YEARS[0]}-01-01", f"{YEARS[-1]}-12-31 23:00", freq="h")
    hour = index.hour.to_numpy()
    ndays = index.days_in_month.to_numpy()
    # (day - 1) * 11 mod n is a permutation of 0..n-1 (11 is coprime with 28..31), so every
    # month-year has the same evenly spaced daily values in a different order.
    position = ((index.day.to_numpy() - 1) * 11) % ndays
    spread = 10.0 * (position + 0.5) / ndays - 5.0
    offset = np.array([offset_of(y, m) for y, m in zip(index.year, index.month, strict=True)])
    level = spread + offset
    shape = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)
    shape_mean = np.clip(np.sin(np.pi * (np.arange(24) - 6) / 12), 0, None).mean()
    cycle = np.sin(2 * np.pi * (hour - 9) / 24)  # zero mean over a day
    data = {
        "ghi": (200.0 + 20.0 * level) * shape / shape_mean,
        "temp_air": 15.0 + level + 3.0 * cycle,
        "relative_humidity": 70.0 - 2.0 * level - 5.0 * cycle,
    }
    if with_wind:
        data["wind_speed"] = np.array([WIND[o] for o in offset]) + 0.5 * np.sin(
            2 * np.pi * hour / 24
        )
    frame = pd.DataFrame(data, index=index)
    if tz is not None:
        frame.index = frame.index.tz_localize(tz)
    return frame


@pytest.fixture(scope="module")
def hourly() -> pd.DataFrame:
    return make_hourly()


def test_finkelstein_schafer_hand_calculation():
    # Reference 1..5 (N = 5): Phi(x) = x / 6. Sample [1, 2] (n = 2): F = 1/3, 2/3.
    # FS = |1/3 - 1/6| + |2/3 - 2/6| = 1/6 + 1/3 = 0.5 (exact).
    assert finkelstein_schafer([2, 1], [1, 2, 3, 4, 5]) == pytest.approx(0.5, abs=1e-12)
    # Sample [2, 4]: F = 1/3, 2/3; Phi = 2/6, 4/6 -> FS = 0.
    assert finkelstein_schafer([2, 4], [5, 4, 3, 2, 1]) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError):
        finkelstein_schafer([], [1.0])


def test_month_choice_known_by_construction(hourly):
    chosen = select_typical_months(hourly)
    expected = {month: year_with(1.58, month) for month in range(1, 13)}
    assert chosen == expected


def test_fs_ranking_and_wind_step(hourly):
    table = typical_month_statistics(hourly)
    for month in range(1, 13):
        rows = table.loc[month]
        best = rows.index[rows["order"] == 1][0]
        assert offset_of(best, month) == 0.0
        candidates = {offset_of(y, month) for y in rows.index[rows["candidate"]]}
        assert candidates == {0.0, -0.97, 1.58}
        # All-years mean wind 3.84 m/s (Feb: leap 2004 weighs 29/28, within 0.01 m/s).
        deviation = rows.loc[year_with(1.58, month), "wind_deviation"]
        assert deviation == pytest.approx(0.36, abs=0.01)
        # Same shift in every parameter: identical ranks, rank sum = 3 x rank.
        assert (rows["rank_sum"] == 3 * rows["rank_ghi"]).all()


def test_without_wind_the_best_rank_sum_wins():
    chosen = select_typical_months(make_hourly(with_wind=False))
    assert chosen == {month: year_with(0.0, month) for month in range(1, 13)}


def test_incomplete_month_years_are_not_candidates(hourly):
    # Knock 5 hours out of the would-be choice for May: the next candidate by wind wins.
    may_choice = year_with(1.58, 5)
    holes = hourly.index[(hourly.index.year == may_choice) & (hourly.index.month == 5)][100:105]
    gappy = hourly.drop(index=holes)
    assert (may_choice, 5) not in complete_months(gappy)
    assert len(complete_months(gappy)) == 59
    chosen = select_typical_months(gappy)
    # Left: offsets -3.03, -0.97, 0.0, +3.62 (pooled centre -0.095); best three 0.0, -0.97,
    # -3.03. All-years wind now 3.75 m/s: deviations 1.25, 0.75, 0.75; the tie between
    # -0.97 and -3.03 goes to the better rank sum, -0.97.
    assert chosen[5] == year_with(-0.97, 5)
    assert chosen[6] == year_with(1.58, 6)


def test_a_month_missing_in_every_year_is_reported(hourly):
    no_march = hourly[hourly.index.month != 3]
    with pytest.raises(WeatherInputError, match="March"):
        select_typical_months(no_march)


def test_needs_irradiance_or_temperature(hourly):
    with pytest.raises(WeatherInputError, match="ghi"):
        select_typical_months(hourly[["relative_humidity", "wind_speed"]])


def test_build_joins_months_and_keeps_values_away_from_joints(hourly):
    frame, months = build_typical_year(hourly, 8.0)
    assert frame.index.equals(typical_year_index(8.0))
    assert not frame.isna().any().any()
    assert months == select_typical_months(hourly)
    for month, year in months.items():
        # Irradiance is never smoothed: every hour of the month is the chosen year's.
        local = frame[frame.index.month == month]
        source = hourly[(hourly.index.year == year) & (hourly.index.month == month)]
        source = source[~((source.index.month == 2) & (source.index.day == 29))]
        np.testing.assert_array_equal(local["ghi"].to_numpy(), source["ghi"].to_numpy())
        # Temperature is the chosen year's except within 8 h of a joint.
        inner = slice(SMOOTHING_HOURS, -SMOOTHING_HOURS)
        np.testing.assert_array_equal(
            local["temp_air"].to_numpy()[inner], source["temp_air"].to_numpy()[inner]
        )
    # 29 February of a chosen leap year is dropped: 8760 rows, none on Feb 29.
    assert not ((frame.index.month == 2) & (frame.index.day == 29)).any()


def test_joint_is_a_cross_fade_of_both_years(hourly):
    frame, months = build_typical_year(hourly, 8.0)
    year_a, year_b = months[4], months[5]
    assert year_a != year_b
    # 30 April 23:00 is the last hour before the joint: weight of year b = (7 + 0.5)/16.
    weight = (SMOOTHING_HOURS - 1 + 0.5) / (2 * SMOOTHING_HOURS)
    a = hourly.loc[f"{year_a}-04-30 23:00", "temp_air"]
    b = hourly.loc[f"{year_b}-04-30 23:00", "temp_air"]
    got = frame.loc["2026-04-30 23:00+08:00", "temp_air"]
    assert got == pytest.approx((1 - weight) * a + weight * b, abs=1e-12)
    # 1 May 07:00, the last smoothed hour: weight (15 + 0.5)/16.
    weight = (2 * SMOOTHING_HOURS - 1 + 0.5) / (2 * SMOOTHING_HOURS)
    a = hourly.loc[f"{year_a}-05-01 07:00", "temp_air"]
    b = hourly.loc[f"{year_b}-05-01 07:00", "temp_air"]
    got = frame.loc["2026-05-01 07:00+08:00", "temp_air"]
    assert got == pytest.approx((1 - weight) * a + weight * b, abs=1e-12)
    # The unsmoothed jump at the joint is the gap between the years' levels; smoothing cuts
    # the largest hour-to-hour change there below the unsmoothed one.
    window = frame.loc["2026-04-30 14:00+08:00":"2026-05-01 09:00+08:00", "temp_air"]
    raw_jump = abs(
        hourly.loc[f"{year_b}-05-01 00:00", "temp_air"]
        - hourly.loc[f"{year_a}-04-30 23:00", "temp_air"]
    )
    assert window.diff().abs().max() < max(raw_jump, 1.0)


def test_tz_aware_input_is_selected_in_local_time():
    utc = make_hourly(tz="UTC")
    frame, months = build_typical_year(utc, 8.0)
    # Local 10 March 12:00 (UTC+8) is 04:00 UTC of the chosen March.
    year = months[3]
    assert (
        frame.loc["2026-03-10 12:00+08:00", "ghi"]
        == utc.loc[pd.Timestamp(f"{year}-03-10 04:00", tz="UTC"), "ghi"]
    )
    # The first 8 local hours of January 2001 are missing in UTC data: January 2001 is
    # no candidate, December 2005 (ends 16:00 UTC on the 31st) is.
    local = utc.tz_convert("Etc/GMT-8")
    assert (2001, 1) not in complete_months(local)
    assert (2005, 12) in complete_months(local)


def test_bad_offset_is_a_user_error(hourly):
    with pytest.raises(WeatherInputError, match="offset"):
        build_typical_year(hourly, 20.0)
