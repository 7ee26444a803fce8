"""The host's and the investor's money under EMC and lease, the design's NPV tornado and the
P50/P90 annual yield, as the plan reports them (checked against its own cash-flow tables and
figures computed here independently)."""

from __future__ import annotations

import numpy as np
import pytest

from pvplanner.finance import irr, npv
from pvplanner.pipeline import plan
from pvplanner.pv.variability import interannual_variability, variability_defaults
from pvplanner.result import Result
from pvplanner.scenario.model import demo_scenario


def _with(ownership: str, **finance):
    scenario = demo_scenario()
    return scenario.model_copy(update={"finance": scenario.finance.model_copy(
        update={"ownership": ownership, **finance})})


@pytest.fixture(scope="module")
def owner():
    return plan(demo_scenario(), with_npv_curve=False)


@pytest.fixture(scope="module")
def emc():
    scenario = _with("emc", emc_discount_percent=12.0, contract_years=15)
    return scenario, plan(scenario, with_npv_curve=False)


@pytest.fixture(scope="module")
def lease():
    scenario = _with("lease", contract_years=12, lease_rate=0.07)
    return scenario, plan(scenario, with_npv_curve=False)


# --------------------------------------------------------------------------- perspectives
def test_emc_host_savings_are_the_discount_and_the_demand_charges(emc):
    scenario, result = emc
    f, views = result.finance, result.perspectives
    assert f.perspective == "investor"
    # The host's year 1, from the bill figures: 12 % of the PV energy's value, plus the
    # demand charges it no longer pays (the investor sells it the energy at 88 %).
    expected = 0.12 * result.bills.energy_savings_annual + result.bills.demand_savings_annual
    assert f.host_savings_year1 == pytest.approx(expected, rel=1e-9)
    assert f.host_savings_year1 < result.bills.savings_annual  # not the self-investor's
    # The lifetime and contract figures are the sums of the host table.
    assert f.host_savings_lifetime == pytest.approx(views["host_savings"].sum(), rel=1e-12)
    assert f.host_savings_contract == pytest.approx(
        views.loc[1:15, "host_savings"].sum(), rel=1e-12)
    parts = views[["host_discount_savings", "host_demand_savings",
                   "host_post_contract_savings"]].sum(axis=1)
    assert views["host_savings"].to_numpy() == pytest.approx(parts.to_numpy())
    assert (views.loc[16:, "host_discount_savings"] == 0).all()
    assert (views.loc[16:, "host_post_contract_savings"] > 0).all()  # after the hand-over
    rate = scenario.finance.discount_rate
    assert f.host_npv == pytest.approx(npv(rate, views["host_savings"]), rel=1e-12)


def test_emc_investor_figures_are_the_investor_cash_flow(emc):
    scenario, result = emc
    f, cash = result.finance, result.cash_flow
    rate = scenario.finance.discount_rate
    investor = cash["net_cash_flow_project"].to_numpy()
    assert len(cash) == 16  # years 0..15: the contract
    assert f.npv == pytest.approx(npv(rate, investor), rel=1e-9)
    assert f.investor_npv == f.npv
    assert f.investor_irr == pytest.approx(irr(investor), abs=1e-9)
    assert f.irr == f.investor_irr
    assert f.investor_tax_basis == "after_tax"
    net = result.perspectives["investor_net"].to_numpy()
    assert net[:16] == pytest.approx(investor) and not net[16:].any()


def test_lease_lessor_earns_the_lease_rate_and_the_host_keeps_the_rest(lease):
    scenario, result = lease
    f, cash, views = result.finance, result.cash_flow, result.perspectives
    assert f.perspective == "host"
    # The lease payment is the annuity of the net capex at the lease rate: the lessor's
    # IRR before tax is that rate, and its NPV at the lease rate is zero.
    assert f.investor_irr == pytest.approx(0.07, abs=1e-7)
    assert f.investor_tax_basis == "pre_tax"
    lessor = views["investor_net"].to_numpy()
    assert lessor[0] == pytest.approx(-f.capex)  # no capex subsidy in the demo
    assert npv(0.07, lessor) == pytest.approx(0.0, abs=1e-3 * f.capex)
    assert f.investor_npv == pytest.approx(npv(scenario.finance.discount_rate, lessor))
    # The host: the lessee's cash flow before its income tax.
    pre_tax = (cash["net_cash_flow_project"] - cash["tax_project"]).to_numpy()
    assert views["host_savings"].to_numpy() == pytest.approx(pre_tax)
    assert f.host_savings_year1 == pytest.approx(pre_tax[1])
    assert f.host_savings_lifetime == pytest.approx(pre_tax.sum())
    assert f.host_savings_year1 < result.bills.savings_annual  # the lease is paid from it


def test_self_investment_has_one_view(owner):
    assert owner.finance.perspective == "owner"
    assert owner.perspectives.empty
    assert owner.finance.host_savings_year1 is None and owner.finance.investor_irr is None


# --------------------------------------------------------------------------- sensitivity
@pytest.mark.parametrize("which", ["owner", "emc", "lease"])
def test_tornado_base_is_the_reported_npv(which, owner, emc, lease):
    result = {"owner": owner, "emc": emc[1], "lease": lease[1]}[which]
    table = result.sensitivity.set_index("factor")
    assert set(table.index) == {"capex", "tariff", "export_price", "yield", "discount_rate"}
    assert table["base_result"].to_numpy() == pytest.approx(result.finance.npv, rel=1e-9)
    assert table.loc["capex", "result_high"] < result.finance.npv < table.loc[
        "capex", "result_low"]
    assert table.loc["tariff", "result_low"] < result.finance.npv < table.loc[
        "tariff", "result_high"]
    assert table.loc["discount_rate", "result_high"] < table.loc["discount_rate", "result_low"]
    swings = table["swing"].to_numpy()
    assert (np.diff(swings) <= 0).all()  # largest first
    # The moves are the data file's: capex +/-20 %, the discount rate +/-2 points.
    assert (table.loc["capex", "low_change"], table.loc["capex", "high_change"]) == (-0.2, 0.2)
    assert table.loc["discount_rate", "high_value"] == pytest.approx(0.06 + 0.02)


def test_tornado_capex_moves_the_owners_npv_by_the_capex_less_its_tax_shield(owner):
    """Without re-sizing, 20 % more capex costs the owner 20 % of the capex at year 0, less
    the present worth of the extra depreciation's tax saving and salvage: between 0 and
    the full 20 %."""
    row = owner.sensitivity.set_index("factor").loc["capex"]
    loss = owner.finance.npv - row["result_high"]
    assert 0.1 * owner.finance.capex < loss < 0.2 * owner.finance.capex


# --------------------------------------------------------------------------- P50 / P90
def test_p90_from_the_stated_default_for_synthetic_weather(owner):
    pv = owner.pv
    sigma = variability_defaults()["default_sigma"]["value"]
    assert owner.weather["source"] == "synthetic"
    assert pv.variability_basis == "default" and pv.interannual_variability == sigma
    assert pv.p50_annual_generation_kwh == pv.annual_generation_kwh
    assert pv.p90_annual_generation_kwh == pytest.approx(
        pv.p50_annual_generation_kwh * (1 - 1.2816 * sigma), rel=1e-4)
    assert pv.p90_annual_generation_kwh < pv.p50_annual_generation_kwh
    row = owner.assumption("pv.interannual_variability")
    assert row is not None and row.value == sigma and row.status == "unverified"
    assert "Zhejiang" in row.source  # the reason it is unverified


def test_variability_from_the_weather_sources_years():
    years = {"2015": 1180.0, "2016": 1240.0, "2017": 1215.0, "2018": 1160.0,
             "2019": 1270.0, "2020": 1205.0}
    found = interannual_variability({"dataset": "NASA POWER", "annual_ghi_kwh_m2": years})
    values = np.array(list(years.values()))
    assert found.basis == "weather_years" and found.years == 6
    assert found.sigma == pytest.approx(values.std(ddof=1) / values.mean())
    assert found.assumption_row()["date"] == "2015-2020"
    too_few = interannual_variability({"annual_ghi_kwh_m2": dict(list(years.items())[:3])})
    assert too_few.basis == "default"


def test_new_figures_survive_the_json_round_trip(emc):
    _, result = emc
    again = Result.from_dict(result.to_dict(tables=True))
    assert again.finance.host_savings_year1 == result.finance.host_savings_year1
    assert again.pv.p90_annual_generation_kwh == result.pv.p90_annual_generation_kwh
    assert again.sensitivity["result_high"].tolist() == pytest.approx(
        result.sensitivity["result_high"].tolist())
    assert again.perspectives["host_savings"].sum() == pytest.approx(
        result.perspectives["host_savings"].sum())


def test_nasa_power_years_give_the_variability():
    """NASA POWER's hourly years carry their annual GHI sums through the weather record
    (and its JSON) to the P90's variability."""
    import json

    import pandas as pd

    from weather.meta import WeatherMeta
    from weather.nasa_power import annual_ghi_by_year

    index = pd.date_range("2015-01-01", "2020-12-31 23:00", freq="h")
    level = pd.Series(index.year.map({2015: 130.0, 2016: 140.0, 2017: 135.0, 2018: 128.0,
                                      2019: 145.0, 2020: 137.0}), index=index)
    frame = pd.DataFrame({"ghi": level.to_numpy()}, index=index)
    frame.loc["2017-03-01":"2017-03-02", "ghi"] = float("nan")  # 48 h missing: still counted
    frame.loc["2020-06", "ghi"] = float("nan")  # a month missing: 2020 left out
    years = annual_ghi_by_year(frame)
    assert [year for year, _ in years] == [2015, 2016, 2017, 2018, 2019]
    assert dict(years)[2016] == pytest.approx(140.0 * 8784 / 1000)
    meta = WeatherMeta("nasa-power", "NASA POWER", "2015-2020", 30.0, 120.0, 5.0, 8.0,
                       "online", annual_ghi_kwh_m2=years)
    record = json.loads(json.dumps(meta.to_dict()))
    found = interannual_variability(record)
    sums = np.array([ghi for _, ghi in years])
    assert found.basis == "weather_years" and found.years == 5
    assert found.sigma == pytest.approx(sums.std(ddof=1) / sums.mean())
