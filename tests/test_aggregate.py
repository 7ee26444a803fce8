"""Typical days with unequal weights, each a battery cycle of its own, or a typical run of a
Sunday and its Monday in one cycle (pvplanner.aggregate).

The plan-level tests (365 days give the exact plan, the batch option) are in
tests/test_batch_aggregate.py; accuracy and speed on varied sites in
benchmarks/bench_batch_aggregate.py.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pvplanner.aggregate import days_per_month, typical_days
from solver import optimize
from solver.problem import BatteryOptions, Costs, DemandCharge, SizingProblem

MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MONTH_OF_DAY = np.repeat(np.arange(12), MONTH_DAYS)


def _varied_year(seed: int = 5):
    """Hourly load [kW], PV per kWp of one plane [kW/kWp] and prices of a year with
    weekday / weekend loads and cloudy and sunny days."""
    rng = np.random.default_rng(seed)
    hour = np.tile(np.arange(24), 365)
    day = np.repeat(np.arange(365), 24)
    shift = (hour >= 8) & (hour < 20)
    load = (300 + 500 * (shift & (day % 7 < 5))) * rng.normal(1.0, 0.05, hour.size)
    sun = np.clip(np.sin(np.pi * (hour + 0.5 - 6) / 12), 0, None)
    prod = (0.8 * sun * rng.uniform(0.2, 1.0, 365)[day])[:, None]
    price = np.where((hour >= 22) | (hour < 8), 0.3, np.where(shift, 1.0, 0.7))
    return load, prod, price


def _two_kinds_of_day():
    """A year of two kinds of day only (weekday, weekend), the same every week: PV
    always below the load, and the load always above what the battery can discharge, so
    every day's best dispatch is the same whatever came before."""
    hour = np.tile(np.arange(24), 365)
    day = np.repeat(np.arange(365), 24)
    shift = (hour >= 8) & (hour < 20)
    load = 600.0 + 400.0 * (shift & (day % 7 < 5))
    prod = (0.8 * np.clip(np.sin(np.pi * (hour + 0.5 - 6) / 12), 0, None))[:, None]
    price = np.where((hour >= 22) | (hour < 8), 0.3, np.where(shift, 1.0, 0.7))
    problem = SizingProblem(
        production_kw_per_kwp=prod, load_kw=load, import_price_per_kwh=price,
        export_price_per_kwh=0.0, step_hours=1.0,
        costs=Costs(pv_capex_per_kwp=3000.0, pwf_energy=10.0, battery_capex_per_kwh=600.0,
                    battery_capex_per_kw=300.0),
        demand_charges=[DemandCharge(np.repeat(MONTH_OF_DAY, 24) == m, 40.0, f"m{m}")
                        for m in range(12)],
        plane_max_kwp=[300.0], battery=BatteryOptions(allowed=True, max_kwh=1500.0,
                                                      max_kw=250.0),
    )
    return (load, prod, price), problem


@pytest.mark.parametrize("n_days", [24, 48, 96, 200])
def test_each_typical_day_weighs_the_real_days_it_stands_for(n_days):
    days = typical_days(*_varied_year(), n_days)
    assert len(days.days) == n_days
    np.testing.assert_array_equal(days.weights, np.bincount(days.members,
                                                            minlength=n_days))
    assert days.weights.sum() == 365
    # a typical day is one of its own members, of the month it stands for
    np.testing.assert_array_equal(days.members[days.days], np.arange(n_days))
    np.testing.assert_array_equal(MONTH_OF_DAY[days.days][days.members], MONTH_OF_DAY)
    np.testing.assert_array_equal(np.bincount(MONTH_OF_DAY[days.days], minlength=12),
                                  days_per_month(n_days))


def test_the_reduced_problem_cycles_each_typical_day():
    (load, prod, price), problem = _two_kinds_of_day()
    assert typical_days(load, prod, price, 48).reduce(problem).soc_cycle_steps == 24
    assert typical_days(load, prod, price, 365).reduce(problem).soc_cycle_steps is None


def test_typical_days_of_a_year_of_two_kinds_of_day_give_the_exact_optimum():
    """Two kinds of day each month, four typical days a month (its peak and dullest days
    kept, two groups): the groups are exact, so sizes and NPV must equal the year's.
    Weights wrongly applied (e.g. to demand rates, or energy moved between days of
    different weights) would show here."""
    (load, prod, price), problem = _two_kinds_of_day()
    days = typical_days(load, prod, price, 48)
    assert sorted(set(days.weights)) != [days.weights[0]]  # unequal weights
    exact = optimize(problem)
    reduced = optimize(days.reduce(problem))
    assert exact.battery_kwh > 100.0 and exact.total_kwp > 10.0
    assert reduced.npv == pytest.approx(exact.npv, rel=1e-6)
    assert reduced.total_kwp == pytest.approx(exact.total_kwp, rel=1e-6)
    assert reduced.battery_kw == pytest.approx(exact.battery_kw, rel=1e-6)
    # The energy bill of the expanded dispatch is the exact year's.
    grid = days.expand(reduced.dispatch.grid_import)
    assert float(price @ grid) == pytest.approx(float(price @ exact.dispatch.grid_import),
                                                rel=1e-6)


def _weekly_year():
    """A factory year: workdays (Mon-Fri, 1 January a Monday) at full load, weekends at a
    tenth, no demand charge; PV well above the weekend load, so a battery stores
    Sunday's PV for Monday, across the midnight a daily cycle would close."""
    hour = np.tile(np.arange(24), 365)
    day = np.repeat(np.arange(365), 24)
    work = day % 7 < 5
    load = np.where(work, 500.0, 50.0) * (1.0 + 0.3 * ((hour >= 8) & (hour < 20)))
    sun = np.clip(np.sin(np.pi * (hour + 0.5 - 6) / 12), 0, None)
    prod = (0.8 * sun * (0.75 + 0.25 * np.cos(day)))[:, None]
    price = np.where((hour >= 22) | (hour < 8), 0.4, 1.0)
    problem = SizingProblem(
        production_kw_per_kwp=prod, load_kw=load, import_price_per_kwh=price,
        export_price_per_kwh=0.0, step_hours=1.0,
        costs=Costs(pv_capex_per_kwp=2500.0, pwf_energy=12.0, battery_capex_per_kwh=700.0,
                    battery_capex_per_kw=200.0),
        plane_max_kwp=[600.0], battery=BatteryOptions(allowed=True, max_kwh=5000.0,
                                                      max_kw=1000.0, grid_charging=False),
    )
    return (load, prod, price), problem


def test_a_weekly_load_without_demand_charges_keeps_sunday_and_monday_in_one_cycle():
    (load, prod, price), problem = _weekly_year()
    days = typical_days(load, prod, price, 84, peak_days=False)
    assert days.weights.sum() == 365 and days.cycle_days.sum() == len(days.days) == 84
    np.testing.assert_array_equal(days.weights, np.bincount(days.members, minlength=84))
    first = np.cumsum(days.cycle_days) - days.cycle_days
    runs = [days.days[f:f + c] for f, c in zip(first, days.cycle_days, strict=True)]
    two = [r for r in runs if len(r) == 2]
    assert two and all(len(r) <= 2 for r in runs)
    for r in two:  # a real Sunday and the Monday after it, standing for as many of each
        assert r[1] == r[0] + 1 and r[0] % 7 == 6
        assert days.weights[days.members[r[0]]] == days.weights[days.members[r[1]]]
    # each member run of a typical run follows it day by day
    for r in two:
        sundays = np.flatnonzero(days.members == days.members[r[0]])
        np.testing.assert_array_equal(days.members[sundays + 1], days.members[r[1]])
    reduced = days.reduce(problem)
    assert reduced.soc_cycle_steps == tuple((days.cycle_days * 24).tolist())


def test_loads_without_rest_days_or_with_demand_charges_keep_single_days():
    (load, prod, price), _ = _weekly_year()
    flat = np.full_like(load, 400.0)
    assert set(typical_days(flat, prod, price, 84, peak_days=False).cycle_days) == {1}
    assert set(typical_days(load, prod, price, 84, peak_days=True).cycle_days) == {1}
    assert set(typical_days(load, prod, price, 365, peak_days=False).cycle_days) == {1}


def test_sunday_monday_cycles_come_closer_to_the_exact_year_than_daily_cycles():
    """Against the exact year's optimum: typical runs keep the weekend's PV for Monday,
    which typical days cycled one by one lose."""
    (load, prod, price), problem = _weekly_year()
    exact = optimize(problem)
    days = typical_days(load, prod, price, 84, peak_days=False)
    runs = optimize(days.reduce(problem))
    daily = optimize(replace(days.reduce(problem), soc_cycle_steps=24))
    assert exact.battery_kwh > 100.0
    error_runs = abs(runs.npv - exact.npv) / exact.npv
    error_daily = abs(daily.npv - exact.npv) / exact.npv
    assert error_runs < 0.005
    assert error_runs < error_daily / 2
    # the battery sized on Sunday-Monday runs is the year's; daily cycles size it smaller
    assert runs.battery_kwh == pytest.approx(exact.battery_kwh, rel=0.05)
    assert daily.battery_kwh < 0.8 * exact.battery_kwh
