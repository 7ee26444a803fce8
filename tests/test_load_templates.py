"""Bill-based templates: exact scaling to bills and to time-of-use splits, day-type patterns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pvplanner.errors import PlannerInputError
from pvplanner.load.templates import (
    daily_activity,
    get_template,
    list_templates,
    load_from_annual_kwh,
    load_from_monthly_bills,
    template_monthly_shares,
)
from weather.timeaxis import typical_year_index

# A dyeing mill's 2025 bills [kWh] (invented but shaped like one: low February)
BILLS = [
    410_000,
    250_000,
    405_000,
    420_000,
    430_000,
    425_000,
    455_000,
    460_000,
    440_000,
    435_000,
    420_000,
    415_000,
]
TEMPLATES = [
    "three_shift_continuous",
    "two_shift",
    "one_day_shift",
    "office_commercial",
    "cold_storage",
]


def zhejiang_periods(interval_minutes: int = 60) -> pd.Series:
    """Zhejiang 2026 TOU hours (reference section 3): sharp only in Jan, Jul, Aug, Dec."""
    index = typical_year_index(8, interval_minutes)
    hour = index.hour.to_numpy()
    month = index.month.to_numpy()
    labels = np.full(len(index), "flat", dtype=object)
    labels[(hour < 7) | ((hour >= 11) & (hour < 14))] = "valley"
    labels[(hour >= 16) & (hour < 23)] = "peak"
    summer_winter = np.isin(month, [1, 7, 8, 12])
    labels[summer_winter & (hour >= 18) & (hour < 22)] = "sharp"
    return pd.Series(labels, index=index)


def monthly_sums(load: pd.Series) -> np.ndarray:
    hours = (load.index[1] - load.index[0]).total_seconds() / 3600
    return load.groupby(load.index.month).sum().to_numpy() * hours


def test_list_templates_has_the_five_with_chinese_names():
    names = {t["name"]: t for t in list_templates()}
    assert set(TEMPLATES) <= set(names)
    for t in names.values():
        assert t["name_zh"] and t["description"] and t["status"] == "unverified"


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("interval", [60, 15])
def test_monthly_kwh_exact(template, interval):
    profile = load_from_monthly_bills(BILLS, template, interval_minutes=interval)
    assert len(profile.load_kw) == 8760 * 60 // interval
    # exact to floating point: 1e-9 relative (the brief asks 1e-6)
    np.testing.assert_allclose(monthly_sums(profile.load_kw), BILLS, rtol=1e-9)
    np.testing.assert_allclose(profile.monthly_kwh, BILLS, rtol=1e-9)
    assert (profile.load_kw > 0).all()


def test_period_split_exact_per_month_and_period():
    labels = zhejiang_periods()
    split = {
        "sharp": [40_000, 0, 0, 0, 0, 0, 45_000, 46_000, 0, 0, 0, 41_000],
        "peak": [
            90_000,
            55_000,
            120_000,
            125_000,
            128_000,
            127_000,
            95_000,
            96_000,
            130_000,
            129_000,
            125_000,
            88_000,
        ],
        "valley": [
            120_000,
            80_000,
            125_000,
            128_000,
            130_000,
            128_000,
            135_000,
            137_000,
            132_000,
            130_000,
            126_000,
            124_000,
        ],
    }
    flat = [b - sum(split[k][m] for k in split) for m, b in enumerate(BILLS)]
    split["flat"] = flat
    profile = load_from_monthly_bills(
        BILLS, "three_shift_continuous", monthly_period_kwh=split, period_labels=labels
    )
    load = profile.load_kw
    month = load.index.month.to_numpy()
    for period, values in split.items():
        for m in range(12):
            got = load[(month == m + 1) & (labels.to_numpy() == period)].sum()
            assert got == pytest.approx(values[m], rel=1e-9, abs=1e-6), (period, m)
    np.testing.assert_allclose(monthly_sums(load), BILLS, rtol=1e-9)


def test_partial_period_split_shares_the_rest():
    labels = zhejiang_periods(15)
    valley = [b * 0.3 for b in BILLS]
    profile = load_from_monthly_bills(
        BILLS,
        "two_shift",
        monthly_period_kwh={"valley": valley},
        period_labels=labels,
        interval_minutes=15,
    )
    load = profile.load_kw
    month = load.index.month.to_numpy()
    is_valley = labels.to_numpy() == "valley"
    for m in range(12):
        assert load[(month == m + 1) & is_valley].sum() / 4 == pytest.approx(valley[m], rel=1e-9)
    np.testing.assert_allclose(monthly_sums(load), BILLS, rtol=1e-9)
    # hourly labels are repeated onto a 15-minute profile
    hourly_labels = zhejiang_periods(60)
    again = load_from_monthly_bills(
        BILLS,
        "two_shift",
        monthly_period_kwh={"valley": valley},
        period_labels=hourly_labels,
        interval_minutes=15,
    )
    np.testing.assert_allclose(again.load_kw.to_numpy(), load.to_numpy(), rtol=1e-12)


def test_period_without_hours_in_month_is_an_error():
    labels = zhejiang_periods()
    sharp = [0.0] * 12
    sharp[2] = 1000.0  # March has no sharp hours in Zhejiang
    with pytest.raises(PlannerInputError, match=r"month 3.*'sharp'") as info:
        load_from_monthly_bills(
            BILLS, "one_day_shift", monthly_period_kwh={"sharp": sharp}, period_labels=labels
        )
    assert info.value.field == "monthly_period_kwh.sharp[2]"


def test_period_totals_that_disagree_with_the_bill():
    labels = zhejiang_periods()
    full = {
        "peak": [b * 0.3 for b in BILLS],
        "flat": [b * 0.4 for b in BILLS],
        "valley": [b * 0.3 for b in BILLS],
        "sharp": [0.0] * 12,
    }
    for m in (0, 6, 7, 11):
        full["sharp"][m] = BILLS[m] * 0.05
        full["peak"][m] = BILLS[m] * 0.25
    off = {k: list(v) for k, v in full.items()}
    off["flat"][4] += BILLS[4] * 0.01  # 1 % rounding difference: period values win
    profile = load_from_monthly_bills(
        BILLS, "one_day_shift", monthly_period_kwh=off, period_labels=labels
    )
    assert profile.monthly_kwh[4] == pytest.approx(BILLS[4] * 1.01, rel=1e-9)
    assert any(note.startswith("month 5:") for note in profile.notes)
    off["flat"][4] += BILLS[4] * 0.05  # 6 % apart: rejected
    with pytest.raises(PlannerInputError, match="month 5: the period kWh add up to"):
        load_from_monthly_bills(
            BILLS, "one_day_shift", monthly_period_kwh=off, period_labels=labels
        )
    with pytest.raises(PlannerInputError, match="needs period_labels"):
        load_from_monthly_bills(BILLS, "one_day_shift", monthly_period_kwh=full)
    with pytest.raises(PlannerInputError, match="unknown period 'shoulder'"):
        load_from_monthly_bills(
            BILLS, "one_day_shift", monthly_period_kwh={"shoulder": BILLS}, period_labels=labels
        )


def test_spring_festival_week_lower_than_a_normal_week_one_day_shift():
    profile = load_from_monthly_bills(BILLS, "one_day_shift")
    load = profile.load_kw
    festival = load["2026-02-16":"2026-02-22"].sum()  # Mon-Sun inside the 15-23 Feb holiday
    normal = load["2026-03-16":"2026-03-22"].sum()
    assert festival < 0.5 * normal
    # and the closure ramps: the Monday before the holiday is below a normal Monday
    assert load["2026-02-09"].sum() < load["2026-03-16"].sum()


def test_three_shift_load_factor_above_075():
    profile = load_from_annual_kwh(5_000_000, "three_shift_continuous")
    load_factor = profile.load_kw.mean() / profile.load_kw.max()
    assert load_factor > 0.75
    assert profile.annual_kwh == pytest.approx(5_000_000, rel=1e-9)


def test_day_types_weekend_and_holiday_lower_for_one_day_shift():
    load = load_from_monthly_bills(BILLS, "one_day_shift").load_kw
    daily = load.groupby(load.index.date).sum()
    assert daily[pd.Timestamp("2026-03-15").date()] < 0.3 * daily[pd.Timestamp("2026-03-16").date()]
    # National Day (1-7 Oct) against the workdays of 12-16 Oct
    holiday = daily[pd.Timestamp("2026-10-05").date()]
    workday = daily[pd.Timestamp("2026-10-14").date()]
    assert holiday < 0.3 * workday
    # a make-up Saturday (2026-02-28 is a workday) is not a weekend
    _, activity, _ = daily_activity("office_commercial")
    assert activity[pd.Timestamp("2026-02-28").day_of_year - 1] == 1.0


def test_annual_shares_and_seasonality():
    shares = template_monthly_shares("one_day_shift")
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.argmin(shares) == 1  # February: the Spring Festival closure
    office = template_monthly_shares("office_commercial")
    assert office[6] > office[3]  # July cooling above April
    cold = template_monthly_shares("cold_storage")
    assert cold[7] > 1.3 * cold[0]


def test_bad_inputs_name_the_field():
    with pytest.raises(PlannerInputError, match="12 values") as info:
        load_from_monthly_bills(BILLS[:11], "two_shift")
    assert info.value.field == "monthly_kwh"
    bad = list(BILLS)
    bad[3] = -5
    with pytest.raises(PlannerInputError, match=r"monthly_kwh\[3\] \(month 4\)") as info:
        load_from_monthly_bills(bad, "two_shift")
    assert info.value.field == "monthly_kwh[3]"
    with pytest.raises(PlannerInputError, match="unknown load template 'bakery'.*cold_storage"):
        load_from_monthly_bills(BILLS, "bakery")
    with pytest.raises(PlannerInputError, match="all zero"):
        load_from_monthly_bills([0] * 12, "two_shift")
    with pytest.raises(PlannerInputError, match="positive"):
        load_from_annual_kwh(float("nan"), "two_shift")


def test_custom_template_file(tmp_path):
    text = tmp_path / "x.toml"
    source = get_template("two_shift")
    lines = [
        'name = "my_plant"',
        'source = "test"',
        'status = "unverified"',
        f"operating = {source.operating.tolist()}",
        f"idle = {source.idle.tolist()}",
        "[day_activity]",
        "workday = 1.0",
        "saturday = 1.0",
        "sunday = 0.0",
        "holiday = 0.0",
        "[seasonal]",
        f"production = {[1.0] * 12}",
        f"climate = {[0.0] * 12}",
        f"climate_shape = {[1.0] * 24}",
        "[spring_festival]",
        "close_days_before = 0",
        "reopen_days_after = 0",
        "ramp_down_days = 0",
        "ramp_up_days = 0",
        "activity = 0.0",
    ]
    text.write_text("\n".join(lines))
    profile = load_from_monthly_bills(BILLS, str(text))
    assert profile.template == "my_plant"
    np.testing.assert_allclose(profile.monthly_kwh, BILLS, rtol=1e-9)
    # Sundays are idle: their load follows the idle shape exactly (scaled)
    load = profile.load_kw
    sunday = load["2026-03-15"].to_numpy()
    np.testing.assert_allclose(sunday / sunday.sum(), source.idle / source.idle.sum(), rtol=1e-9)
    lines[3] = "operating = [1, 2]"
    text.write_text("\n".join(lines))
    with pytest.raises(PlannerInputError, match="'operating' must be 24"):
        load_from_monthly_bills(BILLS, str(text))
    text.write_text('name = "broken"\n')
    with pytest.raises(PlannerInputError, match="'day_activity' is missing"):
        load_from_monthly_bills(BILLS, str(text))


def test_to_hourly_preserves_energy():
    profile = load_from_monthly_bills(BILLS, "office_commercial", interval_minutes=15)
    hourly = profile.to_hourly()
    assert hourly.interval_minutes == 60
    assert hourly.annual_kwh == pytest.approx(sum(BILLS), rel=1e-9)


def test_every_template_has_an_english_name_used_by_the_app_and_the_proposal():
    """The load page listed "three shift continuous" (the id with spaces) where the proposal
    said "Three shift continuous"; both now give the template's own English name."""
    from pvplanner.display.names import template_name
    from pvplanner.load import list_templates

    for item in list_templates():
        assert item["name_en"] and "_" not in item["name_en"], item["name"]
        assert template_name(item["name"], "en") == item["name_en"]
        assert template_name(item["name"], "zh") == item["name_zh"]
    assert template_name("three_shift_continuous", "en") == "Three shifts, continuous"
