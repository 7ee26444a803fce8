"""Tariff model, presets, schedules and prices (pvplanner.tariff).

Expected numbers are hand counts from the policy hours in
tests/data/reference/china_tariffs_tou.md (the project's notes, section 3), not from the code.
"""

from __future__ import annotations

import copy
import json
import tomllib

import numpy as np
import pandas as pd
import pytest

from pvplanner.errors import TariffError
from pvplanner.tariff import (
    PERIODS,
    Tariff,
    TariffOptions,
    coal_benchmark_price,
    compute_bill,
    demand_charge_windows,
    export_price_table,
    list_tariff_presets,
    load_tariff_file,
    load_tariff_preset,
    parse_tariff,
    price_series,
    save_tariff_file,
    tariff_periods,
    tariff_to_toml,
)
from weather.timeaxis import typical_year_index

PRESET_IDS = {
    "zhejiang_2026_general_ci",
    "zhejiang_2026_large_industry",
    "zhejiang_2024_general_ci",
    "zhejiang_2024_large_industry",
    "jiangsu_2025_general_ci",
    "jiangsu_2025_large_industry",
    "guangdong_2021_general_ci",
    "guangdong_2021_large_industry",
}


@pytest.fixture(scope="module")
def hourly():
    return typical_year_index(8, 60)


@pytest.fixture(scope="module")
def quarter():
    return typical_year_index(8, 15)


def _counts(periods: pd.Series, day: str) -> dict[str, int]:
    return periods.loc[day].value_counts().to_dict()


# --------------------------------------------------------------------------- presets


def test_presets_listed_with_provenance():
    table = list_tariff_presets()
    assert set(table["id"]) == PRESET_IDS
    assert {"id", "name", "name_zh", "region", "customer_class", "effective_date", "status"} <= set(
        table.columns
    )
    assert set(table["status"]) <= {"official", "secondary", "unverified"}
    assert (table["effective_date"].str.match(r"\d{4}-\d{2}-\d{2}")).all()
    assert (table["source"].str.len() > 0).all()


@pytest.mark.parametrize("preset_id", sorted(PRESET_IDS))
def test_preset_round_trips_toml_and_json(preset_id, tmp_path):
    tariff = load_tariff_preset(preset_id)
    assert tariff.id == preset_id
    assert parse_tariff(tomllib.loads(tariff_to_toml(tariff))) == tariff
    assert parse_tariff(json.loads(tariff.model_dump_json())) == tariff
    for suffix in (".toml", ".json"):
        path = save_tariff_file(tariff, tmp_path / f"t{suffix}")
        assert load_tariff_file(path) == tariff


def test_unknown_preset_lists_valid_ids():
    with pytest.raises(TariffError) as info:
        load_tariff_preset("zhejiang_2099")
    assert "zhejiang_2026_general_ci" in str(info.value)
    assert "guangdong_2021_general_ci" in str(info.value)


def test_load_tariff_file_errors(tmp_path):
    with pytest.raises(TariffError, match="cannot read"):
        load_tariff_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("id = [", encoding="utf-8")
    with pytest.raises(TariffError, match="not valid TOML"):
        load_tariff_file(bad)
    other = tmp_path / "tariff.yaml"
    other.write_text("id: x", encoding="utf-8")
    with pytest.raises(TariffError, match=r"\.toml or \.json"):
        load_tariff_file(other)


# --------------------------------------------------------------------------- schedules


def test_zhejiang_2026_hours_per_period(hourly):
    periods = tariff_periods(load_tariff_preset("zhejiang_2026_general_ci"), hourly)
    # Summer workday (Wed 1 July): sharp 18-22, peak 16-18 + 22-23, flat 7-11 + 14-16 + 23-24,
    # valley 0-7 + 11-14.
    assert _counts(periods, "2026-07-01") == {"sharp": 4, "peak": 3, "flat": 7, "valley": 10}
    # Spring workday (Wed 4 March): peak 16-23, flat 7, valley 10.
    assert _counts(periods, "2026-03-04") == {"peak": 7, "flat": 7, "valley": 10}
    # Weekends follow the same hours (Sat 4 July).
    assert _counts(periods, "2026-07-04") == {"sharp": 4, "peak": 3, "flat": 7, "valley": 10}
    assert periods.loc["2026-07-01 18:00"] == "sharp"
    assert periods.loc["2026-07-01 17:00"] == "peak"


def test_zhejiang_2026_holiday_deep_valley_first_three_days_only(hourly):
    periods = tariff_periods(load_tariff_preset("zhejiang_2026_general_ci"), hourly)
    deep = periods[periods == "deep_valley"]
    days = sorted(set(deep.index.strftime("%m-%d")))
    # 2026 holiday blocks: Spring Festival 15-23 Feb, Labour Day 1-5 May, National Day 1-7 Oct.
    assert days == ["02-15", "02-16", "02-17", "05-01", "05-02", "05-03", "10-01", "10-02", "10-03"]
    assert len(deep) == 9 * 6  # 09:00-15:00 on each of the nine days
    assert set(deep.index.hour) == set(range(9, 15))
    # Day 4 of Labour Day, New Year's Day and Tomb-sweeping Day keep the normal hours.
    for day in ("2026-05-04", "2026-01-01", "2026-04-05"):
        assert "deep_valley" not in set(periods.loc[day])


def test_jiangsu_sharp_1930_2130_at_15_minutes(quarter):
    tariff = load_tariff_preset("jiangsu_2025_large_industry")
    periods = tariff_periods(tariff, quarter)
    day = periods.loc["2026-07-15"]  # a Wednesday in July
    sharp = day[day == "sharp"].index.strftime("%H:%M").tolist()
    expected = [f"14:{m:02d}" for m in (0, 15, 30, 45)] + [
        f"{h}:{m:02d}"
        for h in (19, 20, 21)
        for m in (0, 15, 30, 45)
        if (19, 30) <= (h, m) < (21, 30)
    ]
    assert sharp == expected  # 4 + 8 quarter hours
    assert day.loc["2026-07-15 19:15"] == "peak"
    assert day.loc["2026-07-15 21:30"] == "peak"
    # Peak 14-22 is 32 quarter hours, 12 of them sharp.
    assert day.value_counts()["peak"] == 20
    # Winter sharp 18-20 in January; none in June (summer season without sharp).
    assert periods.loc["2026-01-14"].value_counts()["sharp"] == 8
    assert "sharp" not in set(periods.loc["2026-06-17"])
    # General C&I preset: sharp disabled.
    general = tariff_periods(load_tariff_preset("jiangsu_2025_general_ci"), quarter)
    assert general.loc["2026-07-15"].value_counts()["peak"] == 32
    assert "sharp" not in set(general)


def test_jiangsu_hourly_step_straddling_1930_averages_prices(hourly):
    tariff = load_tariff_preset("jiangsu_2025_large_industry")
    prices = price_series(tariff, hourly)
    peak = prices.loc["2026-07-15 17:00", "import_price_per_kwh"]
    sharp = prices.loc["2026-07-15 20:00", "import_price_per_kwh"]
    # 19:00-20:00 is half peak, half sharp; 21:00-22:00 half sharp, half peak.
    for hour in ("19:00", "21:00"):
        value = prices.loc[f"2026-07-15 {hour}", "import_price_per_kwh"]
        assert value == pytest.approx((peak + sharp) / 2, rel=1e-12)
    # Hand check of the ratio mode: sharp = peak x 1.2 on the floating part only (Jiangsu
    # floats the purchase price; line loss, system operation, T&D and funds are fixed).
    fixed = tariff.prices.fixed_part_per_kwh
    assert fixed > 0.2
    assert (sharp - fixed) / (peak - fixed) == pytest.approx(1.2, rel=1e-9)


def test_jiangsu_wrapping_flat_and_holiday_deep_valley(quarter):
    periods = tariff_periods(load_tariff_preset("jiangsu_2025_general_ci"), quarter)
    # Spring/autumn flat 22:00-02:00 wraps midnight.
    assert periods.loc["2026-03-04 01:45"] == "flat"
    assert periods.loc["2026-03-04 02:00"] == "valley"
    # A general C&I user (size unknown) has no deep valley: it is for industrial users of
    # 315 kVA and above only (Jiangsu DRC notice of 2025-04-30).
    assert "deep_valley" not in set(periods)
    industrial = TariffOptions(transformer_kva=400, industrial=True)
    big = tariff_periods(load_tariff_preset("jiangsu_2025_general_ci", options=industrial),
                         quarter)
    # National Day: deep valley 10:00-14:00 = 16 quarter hours; the workday after: none.
    assert big.loc["2026-10-01"].value_counts()["deep_valley"] == 16
    assert "deep_valley" not in set(big.loc["2026-10-08"])


def test_guangdong_ratios_and_summer_sharp(hourly):
    tariff = load_tariff_preset("guangdong_2021_general_ci")
    prices = price_series(tariff, hourly)
    day = prices.loc["2026-03-04"]
    flat = day.loc[day["period"] == "flat", "import_price_per_kwh"].iloc[0]
    peak = day.loc[day["period"] == "peak", "import_price_per_kwh"].iloc[0]
    valley = day.loc[day["period"] == "valley", "import_price_per_kwh"].iloc[0]
    # 粤发改价格〔2021〕331号: peak : flat : valley = 1.7 : 1 : 0.38 on the price without the
    # government funds, which do not float.
    funds = tariff.prices.fixed_part_per_kwh
    assert funds == pytest.approx(0.0277)
    assert (peak - funds) / (flat - funds) == pytest.approx(1.7, rel=1e-12)
    assert (valley - funds) / (flat - funds) == pytest.approx(0.38, rel=1e-12)
    assert day["period"].value_counts().to_dict() == {"flat": 9, "valley": 8, "peak": 7}
    august = prices.loc["2026-08-05"]
    assert august.loc[august["period"] == "sharp"].index.hour.tolist() == [11, 15, 16]
    sharp = august.loc[august["period"] == "sharp", "import_price_per_kwh"].iloc[0]
    assert sharp - funds == pytest.approx((peak - funds) * 1.25, rel=1e-12)  # peak + 25 %
    assert "sharp" not in set(prices.loc["2026-06-17", "period"])


def test_zhejiang_2026_ratios_float_only_part(hourly):
    tariff = load_tariff_preset("zhejiang_2026_general_ci")
    prices = price_series(tariff, hourly).groupby("period")["import_price_per_kwh"].first()
    fixed, floating = tariff.prices.fixed_part_per_kwh, tariff.prices.floating_part_per_kwh
    for period, ratio in {
        "sharp": 2.05,
        "peak": 1.85,
        "flat": 1.0,
        "valley": 0.4,
        "deep_valley": 0.2,
    }.items():
        assert prices[period] == pytest.approx(fixed + floating * ratio, rel=1e-12)


def test_price_series_columns_and_export(hourly):
    tariff = load_tariff_preset("zhejiang_2026_large_industry")
    prices = price_series(tariff, hourly)
    assert list(prices.columns) == ["period", "import_price_per_kwh", "export_price_per_kwh"]
    assert prices.index.equals(hourly)
    assert set(prices["period"]) == set(PERIODS)
    # Coal benchmark of Zhejiang (发改价格规〔2019〕1658号 via the reference notes).
    assert np.allclose(prices["export_price_per_kwh"], 0.4153)


def test_slot_list_schedule_equals_blocks(hourly):
    tariff = load_tariff_preset("zhejiang_2026_general_ci")
    data = tariff.model_dump()
    hours = tariff_periods(tariff, hourly).loc["2026-07-01"].tolist()
    data["seasons"][1]["workday"] = hours  # 24 hourly names for summer/winter
    half_hours = [
        name for name in tariff_periods(tariff, hourly).loc["2026-03-04"] for _ in range(2)
    ]
    data["seasons"][0]["workday"] = half_hours  # 48 half-hour names
    same = parse_tariff(data)
    assert price_series(same, hourly).equals(price_series(tariff, hourly))


def test_export_price_table():
    table = export_price_table()
    assert len(table) == 29
    assert {"province", "province_zh", "price_per_kwh", "source", "date", "status"} <= set(
        table.columns
    )
    assert set(table["status"]) == {"unverified"}  # VERIFY note in the reference
    assert coal_benchmark_price("浙江") == coal_benchmark_price("zhejiang") == 0.4153
    assert coal_benchmark_price("Guangdong") == 0.4530
    with pytest.raises(TariffError, match="Jiangsu"):
        coal_benchmark_price("Atlantis")


def test_demand_charge_windows(hourly):
    large = load_tariff_preset("zhejiang_2026_large_industry")
    windows = demand_charge_windows(large, hourly)
    assert len(windows) == 12
    for month, (mask, rate, label) in enumerate(windows, start=1):
        assert rate == 47.2  # Zhejiang 1-10 kV from 2026-08-01 (发改价格〔2026〕1077号)
        assert mask.dtype == bool and mask.sum() == 24 * pd.Period(f"2026-{month}").days_in_month
        assert (hourly[mask].month == month).all()
        assert f"{month:02d}" in label
    assert demand_charge_windows(load_tariff_preset("zhejiang_2026_general_ci"), hourly) == []
    capacity = large.model_copy(update={"basic_charge_basis": "capacity"}, deep=True)
    capacity.capacity_charge.contracted_kva = 500
    assert demand_charge_windows(parse_tariff(capacity), hourly) == []


# --------------------------------------------------------------------------- validation


def _base() -> dict:
    return copy.deepcopy(load_tariff_preset("zhejiang_2026_general_ci").model_dump())


def _error(data: dict) -> str:
    with pytest.raises(TariffError) as info:
        parse_tariff(data)
    return str(info.value)


def test_schedule_gap_names_season_day_type_and_hour():
    data = _base()
    data["seasons"][1]["workday"].pop()  # drop flat 23:00-24:00
    message = _error(data)
    assert "summer_winter" in message and "workday" in message and "23:00-24:00" in message


def test_overlap_names_both_blocks_and_time():
    data = _base()
    data["seasons"][0]["workday"][4]["end"] = "23:30"  # peak 16:00-23:30 overlaps flat 23-24
    message = _error(data)
    assert "spring_autumn" in message and "overlaps" in message and "23:00" in message


def test_unknown_period_name():
    data = _base()
    data["seasons"][0]["workday"][0]["period"] = "shoulder"
    message = _error(data)
    assert "shoulder" in message and "spring_autumn" in message and "deep_valley" in message


def test_negative_price():
    data = _base()
    data["prices"]["ratios"]["valley"] = -0.4
    assert "valley" in _error(data)
    gd = load_tariff_preset("guangdong_2021_general_ci").model_dump()
    gd["prices"] = {"mode": "explicit", "per_kwh": {"peak": -1.0, "flat": 0.6, "valley": 0.3}}
    assert "per_kwh['peak']" in _error(gd)


def test_months_missing_or_duplicated():
    data = _base()
    data["seasons"][1]["months"] = [1, 7, 8]
    assert "[12]" in _error(data)
    data = _base()
    data["seasons"][1]["months"] = [1, 7, 8, 12, 6]
    message = _error(data)
    assert "month 6" in message and "spring_autumn" in message
    data = _base()
    data["seasons"][1]["months"] = [1, 7, 8, 13]
    assert "seasons.1.months" in _error(data)


def test_time_format_and_resolution():
    data = _base()
    data["seasons"][0]["workday"][0]["end"] = "07:10"
    assert "quarter hour" in _error(data)
    data = _base()
    data["seasons"][0]["workday"][0]["end"] = "seven"
    assert "HH:MM" in _error(data)
    data = _base()
    data["seasons"][0]["workday"] = ["flat"] * 23
    assert "23" in _error(data)


def test_unknown_holiday_and_missing_price_and_typos():
    data = _base()
    data["overrides"][0]["holidays"] = ["May Day"]
    message = _error(data)
    assert "May Day" in message and "Labour Day" in message
    data = _base()
    del data["prices"]["ratios"]["sharp"]
    assert "'sharp'" in _error(data)
    data = _base()
    data["seasons"][0]["wokday"] = data["seasons"][0].pop("workday")
    assert "wokday" in _error(data)


def test_capacity_basis_needs_kva_and_export_province():
    data = load_tariff_preset("zhejiang_2026_large_industry").model_dump()
    data["basic_charge_basis"] = "capacity"
    assert "contracted_kva" in _error(data)
    data = _base()
    data["region"] = "Atlantis"
    assert "Atlantis" in _error(data)


def test_direct_construction_still_validates():
    data = _base()
    data["seasons"][0]["months"] = [2]
    with pytest.raises(ValueError, match="in no season"):
        Tariff(**data)


def test_index_must_be_datetimeindex():
    tariff = load_tariff_preset("zhejiang_2026_general_ci")
    with pytest.raises(TariffError, match="DatetimeIndex"):
        price_series(tariff, pd.RangeIndex(24))


def test_export_series_hourly_values_on_quarter_hours(quarter):
    data = _base()
    data["export"] = {"kind": "series", "series_per_kwh": (np.arange(8760) * 1e-4).tolist()}
    prices = price_series(parse_tariff(data), quarter)
    # The four quarter hours of hour-of-year h all get the hourly value h x 1e-4.
    assert prices.loc["2026-01-02 05:45", "export_price_per_kwh"] == pytest.approx(29 * 1e-4)
    assert prices["export_price_per_kwh"].iloc[-1] == pytest.approx(8759 * 1e-4)
    data["export"]["series_per_kwh"] = [0.1] * 100
    with pytest.raises(TariffError, match="100 values"):
        price_series(parse_tariff(data), quarter)


def test_naive_index_and_explicit_step_hours():
    tariff = load_tariff_preset("zhejiang_2026_general_ci")
    naive = pd.DatetimeIndex(["2026-07-01 17:00", "2026-07-01 18:00"])  # no freq: 1 h inferred
    prices = price_series(tariff, naive)
    assert prices["period"].tolist() == ["peak", "sharp"]
    with pytest.raises(TariffError, match="step_hours"):
        price_series(tariff, naive[:1])
    with pytest.raises(TariffError, match="increasing"):
        price_series(tariff, naive[::-1])
    # One 15-min step given explicitly: 19:30 in Jiangsu's July is sharp.
    jiangsu = load_tariff_preset("jiangsu_2025_large_industry")
    bill = compute_bill(jiangsu, pd.DatetimeIndex(["2026-07-15 19:30"]), [40.0], step_hours=0.25)
    assert bill.annual["kwh_sharp"] == pytest.approx(10.0)


def test_schema_is_json_serialisable():
    schema = Tariff.model_json_schema()
    assert "seasons" in schema["properties"]
    json.dumps(schema)
