import pandas as pd

from pvplanner.holidays import day_types, holiday_dates
from weather.timeaxis import typical_year_index


def test_2026_spring_festival_and_makeup_days():
    # 2026 notice: Spring Festival 15-23 Feb (9 days); Sat 14 Feb and Sat 28 Feb are workdays.
    index = typical_year_index(8)
    types = day_types(index)
    daily = types.groupby(index.normalize().tz_localize(None)).first()
    assert daily.loc["2026-02-15", "day_type"] == "holiday"
    assert daily.loc["2026-02-23", "day_type"] == "holiday"
    assert daily.loc["2026-02-23", "holiday_day"] == 9
    assert daily.loc["2026-02-14", "day_type"] == "workday"  # Saturday made a workday
    assert daily.loc["2026-02-28", "day_type"] == "workday"
    assert daily.loc["2026-03-01", "day_type"] == "weekend"  # an ordinary Sunday
    assert (daily["day_type"] == "holiday").sum() == 33
    assert len(holiday_dates(2026, "Spring Festival")) == 9


def test_uncovered_year_and_other_country_fall_back_to_weekends():
    index = pd.date_range("2031-10-01", periods=48, freq="h")
    types = day_types(index)
    assert not types["covered"].any()
    assert set(types["day_type"]) <= {"workday", "weekend"}
    us = day_types(pd.date_range("2026-01-01", periods=24, freq="h"), country="US")
    assert (us["day_type"] == "workday").all()  # 2026-01-01 is a Thursday
