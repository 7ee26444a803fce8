"""Cash-flow table, metrics, EMC, lease, objective factors and tornado, checked by hand and
against numpy-financial (test-only dependency)."""

import json
import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pvplanner.errors import PlannerInputError
from pvplanner.finance import (
    FinanceInputs,
    Year1Savings,
    annuity_payment,
    capex_breakdown,
    cash_flow_table,
    degradation_factors,
    discounted_payback,
    emc_cash_flows,
    finance_defaults,
    irr,
    metrics,
    npv,
    npv_from_factors,
    present_worth_factors,
    pwf,
    simple_payback,
    tornado,
)
from pvplanner.finance.cashflow import _tax

# A 3-year system small enough to check every line by hand.
SMALL = dict(
    analysis_years=3, discount_rate=0.08, inflation_rate=0.02, tariff_escalation_rate=0.03,
    export_escalation_rate=0.0, om_escalation_rate=0.05, pv_capex_per_kwp=1000.0,
    fixed_capex=0.0, pv_om_per_kwp_year=20.0, capex_subsidy_fraction=0.0,
    generation_subsidy_per_kwh=0.0, generation_subsidy_years=0, inverter_replacement_year=2,
    inverter_replacement_cost_per_kwp=100.0, battery_replacement_year=0, income_tax_rate=0.25,
    tax_losses="offset", tax_exempt_years=0, tax_half_rate_years=0, depreciation_years=2,
    salvage_fraction=0.1, debt_fraction=0.0,
)
SMALL_Y1 = Year1Savings(energy_savings=2000.0, export_revenue=100.0, demand_savings=50.0,
                        self_consumed_kwh=10_000.0, exported_kwh=2_000.0,
                        generation_kwh=12_000.0)
SMALL_DEG = [1.0, 0.99, 0.986]


def small_table(**changes):
    inputs = FinanceInputs(**{**SMALL, **changes})
    return inputs, cash_flow_table(inputs, capex_breakdown=capex_breakdown(inputs, 10.0),
                                   year1_savings=SMALL_Y1, degradation_factors=SMALL_DEG)


def test_cash_flow_table_by_hand():
    _, t = small_table()
    # Hand calculation (see module header): escalation from year 2, degradation factors.
    assert t["energy_savings"].tolist() == pytest.approx([0, 2000, 2039.4, 2092.0948])
    assert t["export_revenue"].tolist() == pytest.approx([0, 100, 99, 98.6])
    assert t["demand_savings"].tolist() == pytest.approx([0, 50, 51.5, 53.045])
    assert t["om_cost"].tolist() == pytest.approx([0, -200, -210, -220.5])
    # Inverter replacement 100/kWp x 10 kWp in year 2 at 2 % inflation: 1020.
    assert t["replacement_cost"].tolist() == pytest.approx([0, 0, -1020, 0])
    # Straight line: 10,000 x (1 - 0.1) / 2 = 4,500 in years 1-2; book value 1,000 recovered.
    assert t["depreciation"].tolist() == pytest.approx([0, 4500, 4500, 0])
    assert t["salvage"].tolist() == pytest.approx([0, 0, 0, 1000])
    # Taxable: -2550, -3540.1, 2023.2398; tax 25 % with immediate offset.
    assert t["taxable_income"].tolist() == pytest.approx([0, -2550, -3540.1, 2023.2398])
    assert t["tax"].tolist() == pytest.approx([0, 637.5, 885.025, -505.80995])
    assert t["net_cash_flow_project"].tolist() == pytest.approx(
        [-10000, 2587.5, 1844.925, 2517.42985], abs=1e-9)
    assert t["cumulative_project"].iloc[-1] == pytest.approx(-3050.14515, abs=1e-9)
    assert t["generation_kwh"].tolist() == pytest.approx([0, 12000, 11880, 11832])
    assert not (np.signbit(t["replacement_cost"]) & (t["replacement_cost"] == 0)).any()


def test_tax_loss_carry_forward_by_hand():
    _, t = small_table(tax_losses="carry_forward")
    # Losses 2550 and 3540.1 absorb all of year 3's 2023.2398: no tax at all.
    assert t["tax"].tolist() == pytest.approx([0, 0, 0, 0])
    assert t["tax_loss_balance"].tolist() == pytest.approx([0, 2550, 6090.1, 4066.8602])
    # FIFO and expiry: a year-1 loss is gone after 5 years (EIT Law Art. 18).
    inputs = FinanceInputs(tax_losses="carry_forward", tax_loss_carry_forward_years=5)
    rates = np.full(7, 0.25)
    tax, balance = _tax(np.array([-100.0, 0, 0, 0, 0, 40, 50]), rates, inputs)
    # Year 6 uses 40 of the loss (60 left); in year 7 the year-1 loss has expired -> 12.5 tax.
    assert tax.tolist() == pytest.approx([0, 0, 0, 0, 0, 0, -12.5])
    assert balance.tolist() == pytest.approx([100, 100, 100, 100, 100, 60, 0])


def test_debt_annuity_and_equity_flows_by_hand():
    # Textbook annuity: 1,000,000 at 5 % over 10 years -> 129,504.57 per year.
    assert annuity_payment(1_000_000, 0.05, 10) == pytest.approx(129_504.57, abs=0.01)
    assert annuity_payment(1200, 0.0, 12) == pytest.approx(100.0)
    _, t = small_table(debt_fraction=0.5, debt_rate=0.05, debt_tenor_years=2)
    # 5,000 over 2 years at 5 %: payment 2,689.0244; interest 250 then 128.04878.
    assert t["debt_draw"].iloc[0] == pytest.approx(5000)
    assert t["interest"].tolist() == pytest.approx([0, -250, -128.04878, 0], abs=1e-5)
    assert (t["interest"] + t["principal"]).iloc[1:3].tolist() == pytest.approx(
        [-2689.0244] * 2, abs=1e-4)
    assert -t["principal"].sum() == pytest.approx(5000)
    # Interest is deductible in the levered tax only: year 1 = 0.25 x (2550 + 250) = 700.
    assert t["tax"].iloc[1] == pytest.approx(700.0)
    assert t["tax_project"].iloc[1] == pytest.approx(637.5)
    assert t["net_cash_flow_equity"].iloc[0] == pytest.approx(-5000)
    eq = t["net_cash_flow_equity"].to_numpy()
    assert irr(eq) == pytest.approx(npf.irr(eq), abs=1e-9)


def test_npv_irr_match_numpy_financial_on_table_flows():
    inputs = FinanceInputs(tariff_escalation_rate=0.01, debt_fraction=0.6)
    y1 = Year1Savings(energy_savings=600_000, export_revenue=40_000, demand_savings=10_000,
                      self_consumed_kwh=850_000, exported_kwh=100_000, generation_kwh=950_000)
    t = cash_flow_table(inputs, capex_breakdown=capex_breakdown(inputs, 1000.0),
                        year1_savings=y1,
                        degradation_factors=degradation_factors(25, 1.0, 0.4))
    m = metrics(t, inputs.discount_rate)
    proj = t["net_cash_flow_project"].to_numpy()
    eq = t["net_cash_flow_equity"].to_numpy()
    # numpy-financial's npv discounts the first value by (1+r)^0 as we do; irr to 1e-9.
    assert m.npv == pytest.approx(npf.npv(inputs.discount_rate, proj), rel=1e-12)
    assert m.npv_equity == pytest.approx(npf.npv(inputs.discount_rate, eq), rel=1e-12)
    assert m.irr_project == pytest.approx(npf.irr(proj), abs=1e-9)
    assert m.irr_equity == pytest.approx(npf.irr(eq), abs=1e-9)
    assert m.irr_equity > m.irr_project  # leverage at 3.5 % below a ~15 % project return
    assert npv(m.irr_project, proj) == pytest.approx(0.0, abs=1e-4)


def test_irr_known_values_and_undefined():
    assert irr([-100, 110]) == pytest.approx(0.10, abs=1e-12)
    assert irr([-1000, 0, 0, 1331]) == pytest.approx(0.10, abs=1e-12)
    assert irr([-1000, 100, 100]) == pytest.approx(npf.irr([-1000, 100, 100]), abs=1e-9)
    assert irr([100, 200, 300]) is None
    assert irr([-100, -5]) is None
    # Non-conventional flows with roots 10 % and 20 % (hand: (x-1.1)(x-1.2)): closest to 0.1.
    assert irr([-1, 2.3, -1.32]) == pytest.approx(0.10, abs=1e-9)


def test_paybacks_by_hand():
    flows = [-1000, 300, 300, 300, 300]
    # Cumulative -700, -400, -100, +200: 3 + 100/300 years.
    assert simple_payback(flows) == pytest.approx(3 + 1 / 3)
    # Discounted at 10 %: 272.727, 247.934, 225.394, 204.904 -> cum -727.27, -479.34,
    # -253.94, -49.04 ... never recovered within 4 years.
    assert discounted_payback(flows, 0.10) is None
    flows6 = [-1000, 300, 300, 300, 300, 300]
    # Year 5 discounted flow 186.276: 4 + 49.0404 / 186.276 = 4.26327.
    assert discounted_payback(flows6, 0.10) == pytest.approx(4.26327, abs=1e-5)
    # A later replacement that dips below zero again moves the payback to the last crossing.
    assert simple_payback([-100, 60, 60, -50, 60]) == pytest.approx(3 + 30 / 60)
    assert simple_payback([-100, 50]) is None
    assert simple_payback([0, 10]) == 0.0
    # Nothing built, nothing earned: no payback to state (it read "0.0 years").
    assert simple_payback([0.0, 0.0, 0.0]) is None
    assert discounted_payback([0.0, 0.0, 0.0], 0.10) is None


def test_lcoe_and_lcos_by_hand():
    base = dict(analysis_years=10, discount_rate=0.05, pv_om_per_kwp_year=0.0,
                battery_om_per_kwh_year=0.0, inverter_replacement_year=0,
                battery_replacement_year=0, salvage_fraction=0.0, depreciation_years=10,
                pv_capex_per_kwp=1000.0, battery_capex_per_kwh=500.0,
                battery_capex_per_kw=0.0, fixed_capex=0.0, capex_subsidy_fraction=0.0)
    inputs = FinanceInputs(**base)
    y1 = Year1Savings(energy_savings=30, export_revenue=0, demand_savings=0,
                      self_consumed_kwh=100, exported_kwh=0, generation_kwh=100,
                      battery_discharged_kwh=3000)
    t = cash_flow_table(inputs, capex_breakdown=capex_breakdown(inputs, 1.0, 10.0, 5.0),
                        year1_savings=y1, degradation_factors=np.ones(10))
    m = metrics(t, 0.05)
    # LCOE = 1000 / (100 x annuity factor 7.721735) = capital recovery factor x 10 = 1.295046.
    assert m.lcoe_per_kwh == pytest.approx(1.295046, abs=1e-6)
    # LCOS = 5000 / (3000 x 7.721735) = 5000 / 23165.2 = 0.215841.
    assert m.lcos_per_kwh == pytest.approx(0.215841, abs=1e-6)
    assert pwf(10, 0.05) == pytest.approx(7.721735, abs=1e-6)
    # The battery's columns are its part of the investment, signed as the investment is.
    assert t.loc[0, "battery_capex"] == pytest.approx(-5000.0)
    assert t.loc[0, "capex"] == pytest.approx(-6000.0)
    pv_only = cash_flow_table(inputs, capex_breakdown=capex_breakdown(inputs, 1.0),
                              year1_savings=y1, degradation_factors=np.ones(10))
    assert metrics(pv_only, 0.05).lcos_per_kwh is None


def test_benefit_cost_ratio_by_hand():
    _, t = small_table()
    d = [1.08 ** -k for k in range(4)]
    benefits = (2150 * d[1] + (2039.4 + 99 + 51.5) * d[2]
                + (2092.0948 + 98.6 + 53.045 + 1000) * d[3])
    costs = 10000 + 200 * d[1] + (210 + 1020) * d[2] + 220.5 * d[3]
    assert metrics(t, 0.08).benefit_cost_ratio == pytest.approx(benefits / costs, rel=1e-12)


def test_metrics_json_has_no_nan():
    _, t = small_table()
    m = metrics(t, 0.08)
    assert m.payback_years is None  # cumulative ends at -3,050
    assert m.discounted_payback_years is None
    text = json.dumps(m.to_dict(), allow_nan=False)
    assert '"payback_years": null' in text
    assert m.irr_project == pytest.approx(npf.irr(t["net_cash_flow_project"]), abs=1e-9)


def test_emc_investor_and_host_by_hand():
    inputs = FinanceInputs(**{**SMALL, "ownership": "emc", "contract_years": 2,
                              "emc_discount_percent": 15.0})
    res = emc_cash_flows(inputs, capex_breakdown=capex_breakdown(inputs, 10.0),
                         year1_savings=SMALL_Y1, degradation_factors=SMALL_DEG)
    t = res.investor_table
    assert list(t.index) == [0, 1, 2]
    # Investor sells at 85 % of the tariff value; no demand savings; book value 1,000
    # written off at hand-over (deducted, no salvage).
    assert t["energy_savings"].tolist() == pytest.approx([0, 1700, 1733.49])
    assert t["demand_savings"].tolist() == pytest.approx([0, 0, 0])
    assert t["salvage"].sum() == 0
    assert t["tax"].tolist() == pytest.approx([0, 725, 1224.3775])
    flows = [-10000, 2325, 1826.8675]
    assert t["net_cash_flow_project"].tolist() == pytest.approx(flows)
    assert res.investor_irr_project == pytest.approx(npf.irr(flows), abs=1e-9)
    assert res.investor_npv == pytest.approx(npf.npv(0.08, flows), rel=1e-12)
    # Host: 15 % of the energy value + demand savings, then everything after year 2.
    assert res.host_table["host_savings"].tolist() == pytest.approx(
        [0.15 * 2000 + 50, 0.15 * 2039.4 + 51.5, 2023.2398])
    assert res.host_savings_year1 == pytest.approx(350.0)
    assert res.host_savings_lifetime == pytest.approx(350 + 357.41 + 2023.2398)
    assert res.host_npv == pytest.approx(
        350 / 1.08 + 357.41 / 1.08**2 + 2023.2398 / 1.08**3, rel=1e-12)
    json.dumps(res.to_dict(), allow_nan=False)


def test_lease_host_table():
    inputs = FinanceInputs(**{**SMALL, "ownership": "lease", "contract_years": 2,
                              "lease_rate": 0.05})
    t = cash_flow_table(inputs, capex_breakdown=capex_breakdown(inputs, 10.0),
                        year1_savings=SMALL_Y1, degradation_factors=SMALL_DEG)
    # Annuity of 10,000 at 5 % over 2 years: 5,378.0488 in years 1-2, none in year 3.
    assert t["lease_payment"].tolist() == pytest.approx([0, -5378.0488, -5378.0488, 0],
                                                        abs=1e-4)
    assert t["capex"].iloc[0] == 0 and t["depreciation"].sum() == 0
    # Year 1 host tax: 0.25 x (2150 - 200 - 5378.0488) = -857.0122 -> +857.0122 credit.
    assert t["tax"].iloc[1] == pytest.approx(857.0122, abs=1e-4)
    fixed = FinanceInputs(**{**SMALL, "ownership": "lease", "contract_years": 2,
                             "lease_payment_per_year": 3000.0})
    t2 = cash_flow_table(fixed, capex_breakdown=capex_breakdown(fixed, 10.0),
                         year1_savings=SMALL_Y1, degradation_factors=SMALL_DEG)
    assert t2["lease_payment"].iloc[1] == -3000.0


@pytest.mark.parametrize("ownership", ["owner", "emc"])
def test_objective_npv_equals_cash_flow_npv(ownership):
    # The identity the optimizer relies on: linear NPV from present-worth factors equals the
    # cash-flow table's NPV (required within 0.5 %; exact to round-off by construction).
    inputs = FinanceInputs(ownership=ownership, tariff_escalation_rate=0.02,
                           export_escalation_rate=-0.01, om_escalation_rate=0.03,
                           capex_subsidy_fraction=0.1, generation_subsidy_per_kwh=0.05,
                           generation_subsidy_years=5, tax_exempt_years=3,
                           tax_half_rate_years=3, fixed_capex=50_000, debt_fraction=0.5)
    y1 = Year1Savings(energy_savings=580_000, export_revenue=45_000, demand_savings=20_000,
                      self_consumed_kwh=820_000, exported_kwh=110_000, generation_kwh=930_000)
    deg = degradation_factors(inputs.analysis_years, 1.0, 0.4)
    table = cash_flow_table(inputs, capex_breakdown=capex_breakdown(inputs, 1000.0),
                            year1_savings=y1, degradation_factors=deg)
    expected = metrics(table, inputs.discount_rate).npv
    f = present_worth_factors(inputs, deg)
    got = npv_from_factors(f, pv_kwp=1000.0, year1_savings=y1)
    assert got == pytest.approx(expected, rel=0.005)
    assert got == pytest.approx(expected, rel=1e-9)


def test_objective_factors_reduce_to_reopt_forms():
    # Without tax, degradation or escalation, pwf_energy is the annuity factor and the
    # effective capex is capex less the discounted salvage.
    inputs = FinanceInputs(income_tax_rate=0.0, tariff_escalation_rate=0.0,
                           salvage_fraction=0.05, depreciation_years=20, analysis_years=25,
                           inverter_replacement_year=0, capex_subsidy_fraction=0.0)
    f = present_worth_factors(inputs, np.ones(25))
    assert f["pwf_energy"] == pytest.approx(pwf(25, 0.06), rel=1e-12)
    assert f["production_levelization"] == pytest.approx(1.0)
    assert f["effective_capex_per_kwp"] == pytest.approx(
        inputs.pv_capex_per_kwp * (1 - 0.05 / 1.06**25))
    with pytest.raises(PlannerInputError, match="lease"):
        present_worth_factors(FinanceInputs(ownership="lease"), np.ones(25))


def test_tornado_sorted_by_swing():
    base = {"capex": 3100.0, "tariff": 1.0, "yield": 1.0, "discount_rate": 0.06,
            "export_price": 0.4}

    def evaluate(v):  # a linear stand-in for the NPV
        return 1e6 * v["tariff"] * v["yield"] - 300 * v["capex"] - 1e6 * v["discount_rate"] \
            + 1e5 * v["export_price"]

    t = tornado(base, evaluate)
    # Swings by hand: tariff 1e6 x 0.4 = 400,000; capex 300 x 1,240 = 372,000; yield 200,000;
    # discount rate 1e6 x 0.04 = 40,000; export price 1e5 x 0.24 = 24,000.
    assert list(t["factor"]) == ["tariff", "capex", "yield", "discount_rate", "export_price"]
    row = t.set_index("factor").loc["capex"]
    assert row["low_value"] == pytest.approx(2480.0) and row["high_value"] == pytest.approx(3720.)
    assert row["swing"] == pytest.approx(300 * 1240)  # 372,000
    dr = t.set_index("factor").loc["discount_rate"]
    assert (dr["low_value"], dr["high_value"]) == pytest.approx((0.04, 0.08))
    assert dr["swing"] == pytest.approx(40_000)
    assert t["swing"].tolist() == sorted(t["swing"], reverse=True)
    with pytest.raises(PlannerInputError, match="no base value"):
        tornado({"capex": 1.0}, lambda v: 0.0,
                {"tariff": {"kind": "relative", "low": -1, "high": 1}})


def test_degradation_factors_are_the_pv_ones():
    # One formula for energy and money: finance re-exports the PV package's factors (rates in
    # percent), so the cash flow degrades exactly as the lifetime generation does.
    import pvplanner.pv.simulation as pv_simulation

    assert degradation_factors is pv_simulation.degradation_factors
    f = degradation_factors(30, 1.0, 0.4)
    # Warranty: 99 % at the start of year 2; year 30 starts at 1 - 0.01 - 0.004 x 28 = 87.8 %.
    assert f[0] == 1.0 and f[1] == pytest.approx(0.99)
    assert f[29] == pytest.approx(0.878)


def test_defaults_come_from_data_with_sources():
    data = finance_defaults()
    fields = FinanceInputs.model_fields
    checked = 0
    for key, entry in data.items():
        if not isinstance(entry, dict) or "value" not in entry:
            continue
        assert entry["status"] in {"official", "secondary", "unverified", "model"}, key
        assert entry["source"].strip(), key
        assert "year" in entry or "date" in entry, key
        if key in fields:
            assert fields[key].default == entry["value"], key
            checked += 1
    assert checked >= 30
    assert FinanceInputs().income_tax_rate == 0.25


def test_bad_inputs_are_user_errors():
    with pytest.raises(PlannerInputError, match="degradation_factors"):
        inputs = FinanceInputs()
        cash_flow_table(inputs, capex_breakdown=capex_breakdown(inputs, 1.0),
                        year1_savings=SMALL_Y1, degradation_factors=[1.0] * 10)
    with pytest.raises(ValueError, match="contract_years"):
        FinanceInputs(ownership="emc", contract_years=30, analysis_years=25)
    with pytest.raises(PlannerInputError, match="pv_kwp"):
        capex_breakdown(FinanceInputs(), -5)
    with pytest.raises(PlannerInputError):
        npv(0.05, [1.0, math.nan])


@settings(max_examples=60, deadline=None)
@given(
    capex=st.floats(100.0, 1e7),
    ratio=st.floats(0.03, 0.8),
    years=st.integers(2, 40),
)
def test_irr_matches_numpy_financial_on_conventional_flows(capex, ratio, years):
    # Conventional flows (one sign change): our bracketing solver and numpy-financial agree.
    flows = [-capex] + [capex * ratio] * years
    expected = npf.irr(flows)
    got = irr(flows)
    if np.isnan(expected):
        assert got is None or npv(got, flows) == pytest.approx(0.0, abs=1e-6 * capex)
    else:
        assert got == pytest.approx(expected, abs=1e-7)
        assert npv(got, flows) == pytest.approx(0.0, abs=1e-6 * capex)
