"""Paybacks before and after income tax, by hand; the optimizer's NPV identity with a battery,
an export price that changes by year (a 136号 mechanism contract ending) and EMC."""

import numpy as np
import pytest

from pvplanner.finance import (
    FinanceInputs,
    Year1Savings,
    capex_breakdown,
    cash_flow_table,
    emc_cash_flows,
    metrics,
    npv_from_factors,
    present_worth_factors,
)

# 1 kWp at 1,000, 400 a year of energy savings, nothing else: flows small enough to follow.
PLAIN = dict(
    analysis_years=4, discount_rate=0.10, inflation_rate=0.0, tariff_escalation_rate=0.0,
    export_escalation_rate=0.0, om_escalation_rate=0.0, pv_capex_per_kwp=1000.0,
    battery_capex_per_kwh=0.0, battery_capex_per_kw=0.0, fixed_capex=0.0,
    pv_om_per_kwp_year=0.0, battery_om_per_kwh_year=0.0, capex_subsidy_fraction=0.0,
    generation_subsidy_per_kwh=0.0, generation_subsidy_years=0, inverter_replacement_year=0,
    battery_replacement_year=0, income_tax_rate=0.25, tax_losses="offset",
    tax_exempt_years=0, tax_half_rate_years=0, depreciation_years=4, salvage_fraction=0.0,
    debt_fraction=0.0, ownership="owner",
)
PLAIN_Y1 = Year1Savings(energy_savings=400.0, export_revenue=0.0, demand_savings=0.0,
                        self_consumed_kwh=1000.0, exported_kwh=0.0, generation_kwh=1000.0)


def plain_metrics(**changes):
    inputs = FinanceInputs(**{**PLAIN, **changes})
    table = cash_flow_table(inputs, capex_breakdown=capex_breakdown(inputs, 1.0),
                            year1_savings=PLAIN_Y1, degradation_factors=np.ones(4))
    return table, metrics(table, inputs.discount_rate)


def test_pre_tax_payback_by_hand():
    table, m = plain_metrics()
    # Before tax: -1000, then 400 a year -> cumulative -600, -200, +200: 2 + 200/400 = 2.5.
    assert m.payback_years_pre_tax == pytest.approx(2.5, rel=1e-12)
    # After tax: depreciation 250 a year, taxable 150, tax 37.5 -> 362.5 a year;
    # cumulative -637.5, -275, +87.5: 2 + 275 / 362.5 = 2.758621.
    assert table["tax_project"].iloc[1:].tolist() == pytest.approx([-37.5] * 4)
    assert m.payback_years == pytest.approx(2 + 275 / 362.5, rel=1e-12)
    assert m.payback_years_pre_tax < m.payback_years
    # Discounted at 10 % before tax: 363.636, 330.579, 300.526, 273.205 ->
    # cumulative -636.364, -305.785, -5.259, +267.946: 3 + 5.259 / 273.205 = 3.019250.
    pv = [400 / 1.1**y for y in (1, 2, 3, 4)]
    left = 1000 - sum(pv[:3])
    assert m.discounted_payback_years_pre_tax == pytest.approx(3 + left / pv[3], rel=1e-12)
    assert m.discounted_payback_years_pre_tax == pytest.approx(3.019250, abs=1e-6)
    assert m.to_dict()["payback_years_pre_tax"] == pytest.approx(2.5)


def test_pre_tax_payback_counts_replacements_and_om_but_no_tax():
    # O&M 40 a year and an inverter replacement of 300 in year 2: pre-tax flows
    # -1000, 360, 60, 360, 360 -> cumulative -640, -580, -220, +140: 3 + 220/360.
    _, m = plain_metrics(pv_om_per_kwp_year=40.0, inverter_replacement_year=2,
                         inverter_replacement_cost_per_kwp=300.0)
    assert m.payback_years_pre_tax == pytest.approx(3 + 220 / 360, rel=1e-12)
    # A tax holiday over the whole period: before and after tax are the same flows.
    _, free = plain_metrics(tax_exempt_years=4)
    assert free.payback_years == pytest.approx(free.payback_years_pre_tax, rel=1e-12)
    assert free.payback_years == pytest.approx(2.5, rel=1e-12)


def test_pre_tax_payback_is_none_when_never_recovered():
    # 100 a year never repays 1,000 in 4 years, before or after tax.
    inputs = FinanceInputs(**PLAIN)
    low = Year1Savings(energy_savings=100.0, export_revenue=0.0, demand_savings=0.0,
                       self_consumed_kwh=1.0, exported_kwh=0.0, generation_kwh=1.0)
    table = cash_flow_table(inputs, capex_breakdown=capex_breakdown(inputs, 1.0),
                            year1_savings=low, degradation_factors=np.ones(4))
    m = metrics(table, inputs.discount_rate)
    assert m.payback_years_pre_tax is None and m.payback_years is None


def test_emc_investor_has_both_paybacks():
    inputs = FinanceInputs(**{**PLAIN, "ownership": "emc", "contract_years": 4,
                              "emc_discount_percent": 0.0})
    emc = emc_cash_flows(inputs, capex_breakdown=capex_breakdown(inputs, 1.0),
                         year1_savings=PLAIN_Y1, degradation_factors=np.ones(4))
    # Same flows as the owner's with no discount and nothing left at hand-over.
    assert emc.investor.payback_years_pre_tax == pytest.approx(2.5, rel=1e-12)
    assert emc.investor.payback_years == pytest.approx(2 + 275 / 362.5, rel=1e-12)


@pytest.mark.parametrize("ownership", ["owner", "emc"])
def test_objective_npv_with_battery_and_a_mechanism_contract_that_ends(ownership):
    # The optimizer's linear NPV (present-worth factors) against the cash-flow table's, with
    # a battery (energy, power, replacement, O&M) and an export price whose mechanism top-up
    # ends after year 6 (export price factors 1.0 then 0.8). Exact to round-off.
    inputs = FinanceInputs(ownership=ownership, tariff_escalation_rate=0.01,
                           export_escalation_rate=0.005, battery_replacement_year=12,
                           contract_years=20, tax_exempt_years=2, tax_half_rate_years=3)
    y1 = Year1Savings(energy_savings=900_000, export_revenue=60_000, demand_savings=35_000,
                      self_consumed_kwh=1_300_000, exported_kwh=180_000,
                      generation_kwh=1_480_000, battery_discharged_kwh=200_000)
    deg = np.linspace(1.0, 0.88, inputs.analysis_years)
    factors_by_year = np.where(np.arange(1, inputs.analysis_years + 1) <= 6, 1.0, 0.8)
    cb = capex_breakdown(inputs, 1500.0, battery_kwh=800.0, battery_kw=400.0)
    table = cash_flow_table(inputs, capex_breakdown=cb, year1_savings=y1,
                            degradation_factors=deg, export_price_factors=factors_by_year)
    expected = metrics(table, inputs.discount_rate).npv
    f = present_worth_factors(inputs, deg, factors_by_year)
    got = npv_from_factors(f, pv_kwp=1500.0, battery_kwh=800.0, battery_kw=400.0,
                           year1_savings=y1)
    assert got == pytest.approx(expected, rel=1e-9)
    # The ending contract matters: with the top-up kept for all years the NPV is higher.
    kept = npv_from_factors(present_worth_factors(inputs, deg), pv_kwp=1500.0,
                            battery_kwh=800.0, battery_kw=400.0, year1_savings=y1)
    assert kept > got


def test_the_salvage_does_not_pay_the_investment_back():
    """A 1-year analysis ends with most of the capex as book value: the NPV counts it, the
    paybacks do not (the app showed 0.9 years for a plan that pays back in about 7)."""
    from pvplanner.pipeline import plan
    from pvplanner.scenario.model import demo_scenario

    long = plan(demo_scenario(), with_npv_curve=False, with_sensitivity=False)
    document = demo_scenario().model_dump(mode="json")
    document["finance"]["analysis_years"] = 1
    short = plan(document, with_npv_curve=False, with_sensitivity=False)
    assert short.cash_flow["salvage"].iloc[-1] > 0.5 * short.finance.capex
    assert short.finance.payback_years is None and short.finance.payback_years_pre_tax is None
    assert long.finance.payback_years_pre_tax > 5.0


def test_subsidy_paying_everything_shows_no_payback():
    """A capital subsidy that pays the whole investment leaves nothing to pay back: the
    metric is 0 years (the cumulative flow is never below zero), and every output shows
    it as missing ("—"), as for a design that costs nothing, never "0.0 years"."""
    from pvplanner.app.fmt import Fmt
    from pvplanner.display.numbers import invested_payback

    gross_capex = 1000.0  # Result.finance.capex: before subsidies
    table, m = plain_metrics(capex_subsidy_fraction=1.0)
    assert table["net_cash_flow_project"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert m.payback_years == 0.0
    for lang in ("en", "zh"):
        shown = Fmt(lang).years(invested_payback(m.payback_years, gross_capex))
        assert shown == Fmt(lang).years(None) == {"en": "n/a", "zh": "—"}[lang]
    # A half subsidy still has an outlay to pay back: -500, then 400 a year less tax.
    _, half = plain_metrics(capex_subsidy_fraction=0.5)
    assert half.payback_years > 1.0
    assert Fmt("zh").years(invested_payback(half.payback_years, gross_capex)) == (
        f"{half.payback_years:.1f} 年")


def test_a_payback_of_weeks_is_not_shown_as_nothing():
    """A 99.99 % subsidy leaves an outlay of 0.10 (of 1,000) recovered within days: the
    payback is positive but rounds to "0.0", which reads as no payback at all; it is shown
    as under 0.1 years, and the workbook keeps its digits."""
    from pvplanner.app.fmt import Fmt
    from pvplanner.display.numbers import invested_payback

    table, m = plain_metrics(capex_subsidy_fraction=0.9999)
    outlay = -table["net_cash_flow_project"].iloc[0]
    assert outlay == pytest.approx(0.1, rel=1e-6)
    # By hand: year 1 earns 400 less tax; the outlay is recovered a fraction of it in.
    assert 0 < m.payback_years < 0.01
    shown = {lang: Fmt(lang).years(invested_payback(m.payback_years, 1000.0))
             for lang in ("en", "zh")}
    assert shown == {"en": "under 0.1 years", "zh": "不足 0.1 年"}
    assert Fmt("en").years(0.05) == "0.1 years" and Fmt("en").years(0.049) == (
        "under 0.1 years")


def test_a_payback_of_weeks_reads_so_in_the_proposal_and_its_workbook():
    """The demo at a 99.99 % capital subsidy: the proposal's paybacks read "不足 0.1 年" /
    "under 0.1 years" and the workbook's Summary keeps three decimals (not "0.0")."""
    import io

    import openpyxl

    from pvplanner.pipeline import plan
    from pvplanner.report import render_xlsx
    from pvplanner.report.content import build_proposal
    from pvplanner.report.text import Texts
    from pvplanner.report.xlsx import sheet_names
    from pvplanner.scenario.model import demo_scenario

    document = demo_scenario().model_dump(mode="json")
    document["finance"]["capex_subsidy_fraction"] = 0.9999
    result = plan(document, with_npv_curve=False, with_sensitivity=False)
    assert 0 < result.finance.payback_years < 0.05
    for lang, shown in (("en", "under 0.1 years"), ("zh", "不足 0.1 年")):
        proposal = build_proposal(result, lang)
        paybacks = [kpi.value for kpi in proposal.highlights
                    if "回收" in kpi.label or "payback" in kpi.label.lower()]
        assert paybacks and set(paybacks) == {shown}, proposal.highlights
        book = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, lang)))
        sheet = book[sheet_names(lang)["Summary"]]
        label = Texts(lang)("kpi.payback")
        cells = [row[1] for row in sheet.iter_rows() if row[0].value == label]
        assert len(cells) == 1
        assert cells[0].value == pytest.approx(result.finance.payback_years)
        assert cells[0].number_format == "0.000"
