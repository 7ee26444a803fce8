"""Typical days for portfolios with batteries (pvplanner.aggregate; issue 16, item 4).

Unit tests on a synthetic year (weekday / weekend load, cloudy and sunny days, a
time-of-use price, a monthly demand charge), then plan() and the batch runner. Accuracy and
speed against the exact year are measured by benchmarks/bench_batch_aggregate.py.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pvplanner.aggregate import MIN_DAYS, typical_days
from pvplanner.batch.run import IN_PROCESS, read_sites, run_batch
from pvplanner.cli import main
from pvplanner.errors import PlannerInputError
from pvplanner.pipeline import plan
from pvplanner.scenario.model import demo_scenario
from solver.problem import BatteryOptions, Costs, DemandCharge, SizingProblem

MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MONTH_OF_DAY = np.repeat(np.arange(12), MONTH_DAYS)


def _year(seed: int = 4):
    """A year of hourly load [kW], PV per kWp of two planes [kW/kWp] and prices."""
    rng = np.random.default_rng(seed)
    hour = np.tile(np.arange(24), 365)
    day = np.repeat(np.arange(365), 24)
    weekday = (day % 7) < 5
    shift = (hour >= 8) & (hour < 20)
    load = 300 + 500 * (shift & weekday) + 120 * (shift & ~weekday)
    load = load * rng.normal(1.0, 0.05, load.size)
    sun = np.clip(np.sin(np.pi * (hour + 0.5 - 6) / 12), 0, None)
    cloud = rng.uniform(0.2, 1.0, 365)[day]
    prod = np.column_stack([0.8 * sun * cloud, 0.7 * np.roll(sun, 1) * cloud])
    price = np.where((hour >= 22) | (hour < 8), 0.3, np.where(shift, 1.0, 0.7))
    return load, prod, price


def _problem(load, prod, price) -> SizingProblem:
    hours_month = np.repeat(MONTH_OF_DAY, 24)
    return SizingProblem(
        production_kw_per_kwp=prod, load_kw=load, import_price_per_kwh=price,
        export_price_per_kwh=0.0, step_hours=1.0,
        costs=Costs(pv_capex_per_kwp=3000.0, pwf_energy=10.0),
        demand_charges=[DemandCharge(hours_month == m, 40.0, f"m{m}") for m in range(12)],
        plane_max_kwp=[400.0, 300.0], battery=BatteryOptions(allowed=True, max_kwh=2000),
    )


@pytest.fixture(scope="module")
def year():
    return _year()


@pytest.mark.parametrize("n_days", [MIN_DAYS, 48, 96])
def test_every_typical_day_weighs_the_days_of_its_own_month_it_stands_for(year, n_days):
    days = typical_days(*year, n_days)
    assert len(days.days) == n_days
    assert days.weights.sum() == pytest.approx(365.0)
    # Each typical day weighs as many real days as it stands for (each is its own battery
    # cycle, so unequal weights carry no kWh from a light day into a heavy one).
    np.testing.assert_allclose(days.weights, np.bincount(days.members, minlength=n_days))
    # Every real day is represented by a typical day of its own month, and every one is used.
    assert (MONTH_OF_DAY[days.days][days.members] == MONTH_OF_DAY).all()
    assert set(days.members) == set(range(n_days))


def test_the_expanded_year_keeps_each_months_energy_and_peak(year):
    load, prod, price = year
    days = typical_days(load, prod, price, 48)
    expanded = days.expand(days.load_kw)
    monthly = np.bincount(np.repeat(MONTH_OF_DAY, 24), weights=load)
    np.testing.assert_allclose(np.bincount(np.repeat(MONTH_OF_DAY, 24), weights=expanded),
                               monthly, rtol=1e-9)
    np.testing.assert_allclose(days.expand(days.production_kw_per_kwp).sum(axis=0),
                               prod.sum(axis=0), rtol=1e-9)
    # Each month's peak-load day is kept as it is: the baseline's maximum demand is exact.
    for month in range(12):
        in_month = np.repeat(MONTH_OF_DAY, 24) == month
        assert expanded[in_month].max() == pytest.approx(load[in_month].max(), rel=1e-12)
        chain = np.repeat(MONTH_OF_DAY[days.days], 24) == month
        assert days.load_kw[chain].max() == pytest.approx(load[in_month].max(), rel=1e-12)


def test_reduce_prices_the_weights_and_keeps_the_windows(year):
    problem = _problem(*year)
    days = typical_days(*year, 96)
    reduced = days.reduce(problem)
    assert reduced.n_steps == 96 * 24
    np.testing.assert_allclose(reduced.import_price_per_kwh,
                               year[2][days.steps] * days.step_weights)
    assert len(reduced.demand_charges) == 12
    for charge in reduced.demand_charges:  # a month's window holds that month's chain days
        month = int(charge.name[1:])
        np.testing.assert_array_equal(
            charge.window, np.repeat(MONTH_OF_DAY[days.days], 24) == month)
        assert charge.rate_per_kw == 40.0  # a month's charge is on one maximum
    np.testing.assert_allclose(reduced.plane_max_kwp, problem.plane_max_kwp)


def test_all_365_days_give_the_exact_year_back(year):
    problem = _problem(*year)
    days = typical_days(*year, 365)
    reduced = days.reduce(problem)
    np.testing.assert_array_equal(days.days, np.arange(365))
    np.testing.assert_allclose(reduced.load_kw, problem.load_kw)
    np.testing.assert_allclose(reduced.production_kw_per_kwp, problem.production_kw_per_kwp)
    np.testing.assert_allclose(reduced.import_price_per_kwh, problem.import_price_per_kwh)
    np.testing.assert_allclose(days.expand(reduced.load_kw), problem.load_kw)


@pytest.mark.parametrize("bad", [23, 366, 48.0, True])
def test_a_bad_number_of_days_is_named(year, bad):
    with pytest.raises(PlannerInputError, match="aggregate_days"):
        typical_days(*year, bad)


@pytest.fixture(scope="module")
def demo_battery():
    data = demo_scenario().model_dump(mode="json")
    data["battery"]["allowed"] = True
    data["battery"]["max_energy_kwh"] = 3000.0
    return data


def test_365_typical_days_plan_the_exact_year(demo_battery):
    exact = plan(demo_battery, with_npv_curve=False)
    same = plan(demo_battery, with_npv_curve=False, aggregate_days=365)
    assert same.finance.npv == pytest.approx(exact.finance.npv, rel=1e-6)
    assert same.battery.energy_kwh == pytest.approx(exact.battery.energy_kwh, rel=1e-6)


def test_an_aggregated_plan_describes_a_full_year(demo_battery):
    result = plan(demo_battery, with_npv_curve=False, aggregate_days=96)
    exact_load = plan(demo_scenario(), with_npv_curve=False).energy.load_kwh
    h = result.hourly
    assert len(h) == 8760
    served = h["pv_to_load_kw"] + h["battery_to_load_kw"] + h["grid_to_load_kw"]
    np.testing.assert_allclose(served, h["load_kw"], atol=1e-6)
    assert result.energy.load_kwh == pytest.approx(exact_load, rel=1e-9)
    assert any("96 typical days" in str(w) for w in result.warnings)
    assert result.battery.energy_kwh > 0


def test_without_a_battery_the_plan_stays_exact():
    exact = plan(demo_scenario(), with_npv_curve=False)
    same = plan(demo_scenario(), with_npv_curve=False, aggregate_days=48)
    assert same.finance.npv == exact.finance.npv
    assert not any("typical days" in str(w) for w in same.warnings)


SITES = """name,city,roof_area_m2,annual_kwh,template,tariff,weather.source,battery.allowed
North,Hangzhou,3000,1500000,two_shift,zhejiang_2026_large_industry,synthetic,true
South,Guangzhou,2000,900000,one_day_shift,guangdong_2021_general_ci,synthetic,false
"""


def test_batch_aggregate_option(tmp_path, monkeypatch):
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    sites = tmp_path / "sites.csv"
    sites.write_text(SITES, encoding="utf-8")
    summary = run_batch(sites, tmp_path / "out", scheduler=IN_PROCESS, progress=False,
                        aggregate_days=48)
    assert summary["ok"] == 2 and summary["aggregate_days"] == 48
    documents = {p.stem: json.loads(p.read_text(encoding="utf-8"))
                 for p in (tmp_path / "out" / "sites").glob("*.json")}
    assert {d["batch"]["aggregate_days"] for d in documents.values()} == {48}
    noted = {d["batch"]["name"]: any("typical days" in w for w in d["warnings"])
             for d in documents.values()}
    assert noted == {"North": True, "South": False}  # no battery: planned exactly
    # each row of the results table says so, not only summary.json
    table = pd.read_csv(tmp_path / "out" / "results.csv").set_index("name")
    assert table.loc["North", "typical_days"] == 48
    assert pd.isna(table.loc["South", "typical_days"])
    assert summary["portfolio"]["typical_days_sites"] == 1
    # An aggregated result is not taken for an exact one when the batch is run again.
    exact_hashes = {job.input_hash for job in read_sites(sites)}
    assert not exact_hashes & {d["batch"]["input_hash"] for d in documents.values()}


def test_cli_refuses_a_bad_aggregate(tmp_path, capsys):
    sites = tmp_path / "sites.csv"
    sites.write_text(SITES, encoding="utf-8")
    code = main(["batch", str(sites), "--out", str(tmp_path / "out"), "--aggregate", "5"])
    assert code == 2
    assert "--aggregate" in capsys.readouterr().err
