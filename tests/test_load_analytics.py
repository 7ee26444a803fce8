"""Load analytics and the recommendation rules, against hand calculations."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pvplanner.errors import PlannerInputError
from pvplanner.holidays import day_types
from pvplanner.load.analytics import analyze_load, recommendation_rules, recommendations
from weather.timeaxis import typical_year_index

INDEX = typical_year_index(8, 60)
HOUR = INDEX.hour.to_numpy()
KIND = day_types(INDEX)["day_type"].to_numpy()


def thirds():
    """Peak 08-16, flat 16-24, valley 00-08 every day; prices 1.0, 0.5, 0.25."""
    labels = np.where(HOUR < 8, "valley", np.where(HOUR < 16, "peak", "flat"))
    prices = np.where(HOUR < 8, 0.25, np.where(HOUR < 16, 1.0, 0.5))
    return pd.Series(labels, index=INDEX), pd.Series(prices, index=INDEX)


def factory():
    """200 kW on workdays 08-18 h, 50 kW at all other times."""
    working = (KIND == "workday") & (HOUR >= 8) & (HOUR < 18)
    return pd.Series(np.where(working, 200.0, 50.0), index=INDEX), working


def test_constant_load_by_period_hand_calculation():
    labels, prices = thirds()
    a = analyze_load(pd.Series(100.0, index=INDEX), price_per_kwh=prices, periods=labels)
    # 100 kW x 8 h x 365 d = 292,000 kWh in each period
    for period in ("peak", "flat", "valley"):
        assert a.by_period[period]["kwh"] == pytest.approx(292_000)
        assert a.by_period[period]["hours"] == pytest.approx(2920)
    assert a.by_period["peak"]["cost"] == pytest.approx(292_000.0)
    assert a.total_cost == pytest.approx(292_000 * (1 + 0.5 + 0.25))
    assert a.average_price_per_kwh == pytest.approx(1.75 / 3)
    assert a.peak_share == pytest.approx(1 / 3)
    assert a.price_spread_per_kwh == pytest.approx(0.75)
    assert a.load_factor == pytest.approx(1.0)
    assert a.annual_kwh == pytest.approx(876_000)
    assert a.monthly_kwh[1] == pytest.approx(100 * 24 * 28)


def test_baseload_and_its_cost():
    labels, prices = thirds()
    load, working = factory()
    a = analyze_load(load, price_per_kwh=prices, periods=labels)
    off = (KIND != "workday") | (HOUR >= 22) | (HOUR < 6)
    base = a.baseload
    assert base["baseload_kw"] == pytest.approx(50.0)  # P10 of off-hours = 50
    assert base["min_expected_kw"] == pytest.approx(0.05 * 200)
    assert base["excess_kw"] == pytest.approx(40.0)
    assert base["offhours_hours"] == pytest.approx(off.sum())
    assert base["excess_kwh"] == pytest.approx(40.0 * off.sum())
    assert base["cost"] == pytest.approx(40.0 * prices.to_numpy()[off].sum())
    assert a.offhours_to_working_ratio == pytest.approx(50.0 / 200.0)
    assert a.typical_profiles_kw["workday"][10] == 200.0
    assert a.typical_profiles_kw["weekend"][10] == 50.0
    recs = {r.id: r for r in recommendations(a)}
    rec = recs["offhours_baseload"]
    assert rec.annual_saving == pytest.approx(base["cost"])
    assert f"{base['cost']:,.0f} CNY per year" in rec.text_en
    assert "40 kW" in rec.text_en and "40 kW" in rec.text_zh


def test_shift_recommendation_uses_the_actual_spread():
    labels, prices = thirds()
    load, _ = factory()
    a = analyze_load(load, price_per_kwh=prices, periods=labels)
    energy = load.to_numpy()
    peak_kwh = energy[labels.to_numpy() == "peak"].sum()
    valley = labels.to_numpy() == "valley"
    peak = labels.to_numpy() == "peak"
    spread = 1.0 - 0.25  # constant prices within each period
    assert a.price_spread_per_kwh == pytest.approx(spread)
    assert a.peak_share == pytest.approx(peak_kwh / energy.sum())
    rec = {r.id: r for r in recommendations(a)}["shift_peak_to_valley"]
    assert rec.annual_kwh == pytest.approx(0.10 * peak_kwh)
    assert rec.annual_saving == pytest.approx(0.10 * peak_kwh * spread)
    assert "0.750 CNY/kWh" in rec.text_en and "0.750 元/kWh" in rec.text_zh  # 元 in Chinese
    assert "CNY" not in rec.text_zh
    assert valley.sum() == peak.sum()


def test_no_price_no_money():
    labels, _ = thirds()
    load, _ = factory()
    a = analyze_load(load, periods=labels)
    ids = {r.id for r in recommendations(a)}
    assert "shift_peak_no_price" in ids and "shift_peak_to_valley" not in ids
    assert "offhours_baseload_no_price" in ids
    assert a.total_cost is None and a.baseload["cost"] is None


def test_demand_exposure_and_peak_shaving():
    load, _ = factory()
    values = load.to_numpy().copy()
    values[(HOUR == 9) & np.isin(INDEX.day, [2, 12, 22])] += 300.0  # 3 start-up spikes/month
    spiky = pd.Series(values, index=INDEX)
    a = analyze_load(spiky, demand_charge_per_kw_month=30.0)
    month = INDEX.month.to_numpy()
    maxima = [values[month == m].max() for m in range(1, 13)]
    recs = {r.id: r for r in recommendations(a)}
    assert a.load_factor < 0.45
    assert "demand_exposure" in recs
    assert recs["demand_exposure"].values["demand_cost"] == pytest.approx(sum(maxima) * 30.0)
    # capping the top 1 % of hours per month: hand computation for January
    jan = values[month == 1]
    cap = np.percentile(jan, 99.0)
    assert a.peak_shaving["monthly_kw"][0] == pytest.approx(jan.max() - cap)
    assert a.peak_shaving["monthly_kwh"][0] == pytest.approx(np.clip(jan - cap, 0, None).sum())
    assert "peak_shaving" in recs
    assert recs["peak_shaving"].annual_saving == pytest.approx(
        sum(a.peak_shaving["monthly_kw"]) * 30.0
    )


def test_anomalous_day_found():
    load, _ = factory()
    values = load.to_numpy().copy()
    day = (INDEX.month == 5) & (INDEX.day == 20)  # a Wednesday
    values[day] *= 2.5
    a = analyze_load(pd.Series(values, index=INDEX))
    assert [d["date"] for d in a.anomalous_days] == ["2026-05-20"]
    found = a.anomalous_days[0]
    normal = load.to_numpy()[day].sum()
    assert found["kwh"] == pytest.approx(2.5 * normal)
    assert found["expected_kwh"] == pytest.approx(normal)
    assert found["deviation_percent"] == pytest.approx(150.0)
    rec = {r.id: r for r in recommendations(a)}["anomalous_days"]
    assert "2026-05-20" in rec.text_en and "+150%" in rec.text_en


def test_fifteen_minute_load_hourly_price_and_heatmap():
    index = typical_year_index(8, 15)
    hour = index.hour.to_numpy()
    load = pd.Series(np.where((hour >= 9) & (hour < 15), 80.0, 20.0), index=index)
    labels, prices = thirds()
    a = analyze_load(load, price_per_kwh=prices, periods=labels)
    assert a.interval_minutes == 15
    # 09-15 h at 80 kW, else 20 kW: daylight 08-17 share by hand
    day_kwh = 6 * 80 + 18 * 20
    assert a.daylight_share == pytest.approx((6 * 80 + 3 * 20) / day_kwh)
    assert a.heatmap_kw.shape == (365, 24)
    assert a.heatmap_kw.iloc[0, 10] == 80.0
    text = json.dumps(a.to_dict(), allow_nan=False)
    assert '"heatmap_kw"' in text


def test_bad_inputs():
    with pytest.raises(PlannerInputError, match="finite"):
        analyze_load(pd.Series(np.nan, index=INDEX))
    with pytest.raises(PlannerInputError, match="negative"):
        analyze_load(pd.Series(-1.0, index=INDEX))
    with pytest.raises(PlannerInputError, match="periods has 100 steps"):
        analyze_load(pd.Series(1.0, index=INDEX), periods=pd.Series(["peak"] * 100))
    with pytest.raises(PlannerInputError, match="DatetimeIndex"):
        analyze_load([1, 2, 3])


def test_every_rule_formats():
    # a load that exercises every quantifier; each rule's texts must format
    labels, prices = thirds()
    load, _ = factory()
    a = analyze_load(load, price_per_kwh=prices, periods=labels, demand_charge_per_kw_month=30)
    from pvplanner.load.analytics import _QUANTIFIERS

    for rule in recommendation_rules():
        values = _QUANTIFIERS[rule["quantifier"]](a, rule["parameter"])
        if values is None:  # anomalies: none in this load
            continue
        values["currency"] = "CNY"
        assert rule["text_en"].format(**values)
        assert rule["text_zh"].format(**values)
    assert len(recommendation_rules()) >= 8
