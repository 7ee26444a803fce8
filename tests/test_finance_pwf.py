"""Present-worth factors and REopt cost conventions against hand calculations and REopt."""

import math

import pytest

from pvplanner.errors import PlannerInputError
from pvplanner.finance import (
    pwf,
    pwf_escalated,
    reopt_effective_capex_per_kw,
    reopt_levelization_factor,
)

MACRS_5 = [0.2, 0.32, 0.192, 0.1152, 0.1152, 0.0576]


def test_pwf_escalated_matches_reopt_published_value():
    # REopt.jl's tiered_energy_demand check: pwf_e(25, 1.66 %, 6.24 %) = 14.82026 (REopt
    # rounds to 5 decimals, so allow half a unit in the 5th decimal).
    assert pwf_escalated(25, 0.0166, 0.0624) == pytest.approx(14.82026, abs=5e-6)


def test_pwf_escalated_equals_explicit_sum():
    # Independent: the defining sum, term by term (tolerance: float round-off).
    expected = sum((1.03 / 1.08) ** y for y in range(1, 21))
    assert pwf_escalated(20, 0.03, 0.08) == pytest.approx(expected, rel=1e-12)


def test_pwf_is_annuity_factor():
    # Annuity factor (1 - (1+d)^-n) / d: 10 years at 6 % = 7.360087 (textbook tables).
    assert pwf(10, 0.06) == pytest.approx((1 - 1.06**-10) / 0.06, rel=1e-12)
    assert pwf(10, 0.06) == pytest.approx(7.360087, abs=1e-6)


def test_pwf_equal_rates_and_zero_years():
    assert pwf_escalated(25, 0.05, 0.05) == pytest.approx(25.0)
    assert pwf(0, 0.06) == 0.0


def test_lcc_of_bill_identity_reopt_readme():
    # REopt README: LCC of a bill = annual bill x pwf_e x (1 - tax). tiered_energy_demand's
    # year-1 bill by hand: 12 x 100 kW x 10 $/kW demand = 12,000 plus 876,000 kWh x 0.1 $
    # (every month stays under the 74,400 kWh tier) = 87,600 -> 99,600. With REopt's pwf_e
    # rounded to 14.82026: 99,600 x 14.82026 x 0.74 = 1,092,312.44. Our unrounded factor
    # (14.8202551) gives 1,092,312.08, hence the 0.5 tolerance.
    lcc = 99_600.0 * pwf_escalated(25, 0.0166, 0.0624) * (1 - 0.26)
    assert lcc == pytest.approx(1_092_312.44, abs=0.5)


def test_levelization_factor_by_hand():
    # 2 years, e = 0, d = 0, g = 10 %: (1 + 0.9) / 2 = 0.95.
    assert reopt_levelization_factor(2, 0.0, 0.0, 0.10) == pytest.approx(0.95, rel=1e-12)
    # 3 years, e = 2 %, d = 6 %, g = 0.5 %: explicit ratio.
    x = 1.02 / 1.06
    num = x + x**2 * 0.995 + x**3 * 0.995**2
    den = x + x**2 + x**3
    assert reopt_levelization_factor(3, 0.02, 0.06, 0.005) == pytest.approx(num / den, rel=1e-12)
    assert reopt_levelization_factor(25, 0.02, 0.0624, 0.0) == pytest.approx(1.0)


def test_effective_capex_reopt_net_metering_hand_calculation():
    # net_metering.json: 2,685 $/kW, ITC 30 %, MACRS 5-yr, 40 % bonus, ITC basis reduction 0.5,
    # tax 26 %, discount 6.24 %. Hand calculation:
    # basis = 2685 x (1 - 0.5 x 0.3) = 2282.25; bonus = 0.4 x 2282.25 = 912.9;
    # remaining basis 1369.35. Year 1 tax saving = 0.26 x (0.2 x 1369.35 + 912.9) + ITC 805.5
    #   = 308.56020 + 805.5 = 1114.06020
    # years 2..6: 0.26 x 1369.35 x (0.32, 0.192, 0.1152, 0.1152, 0.0576)
    #   = 113.929920, 68.357952, 41.014771, 41.014771, 20.507386
    savings = [1114.06020, 113.929920, 68.357952, 41.0147712, 41.0147712, 20.5073856]
    pv = sum(s / 1.0624**k for k, s in enumerate(savings, start=1))
    expected = 2685.0 - pv
    got = reopt_effective_capex_per_kw(
        2685.0,
        itc_fraction=0.3,
        macrs_schedule=MACRS_5,
        macrs_bonus_fraction=0.4,
        macrs_itc_reduction=0.5,
        tax_rate=0.26,
        discount_rate=0.0624,
    )
    # Tolerance 1e-4 $/kW: REopt itself rounds to 4 decimals.
    assert got == pytest.approx(expected, abs=1e-4)
    assert got == pytest.approx(1401.6669, abs=1e-3)


def test_effective_capex_no_incentives_is_capex():
    got = reopt_effective_capex_per_kw(
        1000.0, itc_fraction=0.0, macrs_schedule=[], macrs_bonus_fraction=0.0,
        macrs_itc_reduction=0.0, tax_rate=0.25, discount_rate=0.06,
    )
    assert got == pytest.approx(1000.0)


def test_effective_capex_replacement_and_floor():
    # Replacement of 200/kW in year 10 after tax 25 % at 6 %: 150 / 1.06^10 = 83.7592.
    got = reopt_effective_capex_per_kw(
        1000.0, itc_fraction=0.0, macrs_schedule=[], macrs_bonus_fraction=0.0,
        macrs_itc_reduction=0.0, tax_rate=0.25, discount_rate=0.06,
        replacement_cost_per_kw=200.0, replacement_year=10,
    )
    assert got == pytest.approx(1000.0 + 150.0 / 1.06**10, rel=1e-12)
    assert math.isclose(150.0 / 1.06**10, 83.7592, abs_tol=1e-4)
    floored = reopt_effective_capex_per_kw(
        100.0, itc_fraction=0.0, macrs_schedule=[], macrs_bonus_fraction=0.0,
        macrs_itc_reduction=0.0, tax_rate=0.25, discount_rate=0.06, rebate_per_kw=500.0,
    )
    assert floored == 0.0


def test_bad_rates_raise_planner_input_error():
    with pytest.raises(PlannerInputError, match="discount_rate"):
        pwf_escalated(25, 0.02, -1.5)
    with pytest.raises(PlannerInputError, match="years"):
        pwf(-3, 0.06)
    with pytest.raises(PlannerInputError, match="tax_rate"):
        reopt_effective_capex_per_kw(
            1.0, itc_fraction=0, macrs_schedule=[], macrs_bonus_fraction=0,
            macrs_itc_reduction=0, tax_rate=26, discount_rate=0.06,
        )
