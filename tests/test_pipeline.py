"""plan() end to end on the embedded demo and variations of it."""

import re

import numpy as np
import pytest

from pvplanner.errors import InfeasibleProblemError, PlannerInputError
from pvplanner.pipeline import plan, plan_curve_later, scenario_tariff
from pvplanner.scenario.model import demo_scenario, parse_scenario


@pytest.fixture(scope="module")
def demo_result():
    return plan(demo_scenario())


def _variant(**changes):
    data = demo_scenario().model_dump(mode="json")
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        target = data
        for key in path:
            target = target[key]
        target[last] = value
    return parse_scenario(data)


def test_energy_balances_close_every_hour(demo_result):
    h = demo_result.hourly
    supply = h["pv_to_load_kw"] + h["pv_to_battery_kw"] + h["pv_to_grid_kw"] + h["curtailed_kw"]
    np.testing.assert_allclose(supply, h["pv_available_kw"], atol=1e-6)
    served = h["pv_to_load_kw"] + h["battery_to_load_kw"] + h["grid_to_load_kw"]
    np.testing.assert_allclose(served, h["load_kw"], atol=1e-6)
    assert len(h) == 8760


def test_kpis_are_consistent(demo_result):
    r = demo_result
    e = r.energy
    # The demo's bills add up to 6.75 GWh; the load must match them exactly.
    assert e.load_kwh == pytest.approx(6_750_000, rel=1e-9)
    assert e.self_consumed_kwh + e.exported_kwh == pytest.approx(r.pv.annual_generation_kwh)
    assert r.bills.savings_annual == pytest.approx(
        r.bills.baseline_annual - r.bills.with_system_annual
    )
    # Year-1 savings by component add up to the bill difference (hand identity).
    parts = r.bills.energy_savings_annual + r.bills.demand_savings_annual
    parts += r.bills.export_revenue_annual
    assert parts == pytest.approx(r.bills.savings_annual, rel=1e-9)
    assert r.pv.capacity_kwp <= r.pv.max_capacity_kwp + 1e-6
    assert sum(p.capacity_kwp for p in r.pv.planes) == pytest.approx(r.pv.capacity_kwp)
    # Hangzhou CSWD climate, low-tilt roofs: 850-1000 kWh/kWp (reference: 950-990 at 5-30 deg)
    assert 850 < r.pv.specific_yield_kwh_per_kwp < 1000
    # Year-1 avoided CO2 = (self-consumed + exported) MWh x Zhejiang's 2023 factor 0.4974
    # (the site's province; MEE/NBS 公告2025年第47号).
    assert r.carbon.avoided_tco2_year1 == pytest.approx(
        r.pv.annual_generation_kwh / 1000 * 0.4974, rel=1e-9
    )
    # Certificates: non-tradable for self-consumed MWh plus tradable for exported MWh.
    assert r.carbon.certificates_year1 == int(e.self_consumed_kwh // 1000) + int(
        e.exported_kwh // 1000)


def test_cash_flow_npv_agrees_with_the_optimizer(demo_result):
    # One production basis: the optimizer dispatches year 1 and values it with the cash
    # flow's own present-worth factors, so its objective IS the cash-flow NPV of the design
    # (they differed by 0.9-3.7 % when sizing used a levelised lifetime-average year).
    solver_npv = demo_result.solver.objective_parts["npv"]
    assert demo_result.finance.npv == pytest.approx(solver_npv, rel=1e-6)


@pytest.mark.parametrize("changes", [
    # A battery with exports allowed (energy, power, replacement and O&M in both NPVs).
    {"battery__allowed": True, "battery__max_energy_kwh": 1000.0},
    # EMC: the investor's share of the energy, all exports, no demand savings, write-off.
    {"finance__ownership": "emc"},
], ids=["battery", "emc"])
def test_cash_flow_npv_agrees_with_the_optimizer_for_battery_and_emc(changes):
    # A generous time limit so that the search proves its optimum (a design left with a gap
    # may be re-dispatched better for the year-1 flows; the result reports that gap).
    result = plan(_variant(constraints__solver_time_limit_s=120.0, **changes),
                  with_npv_curve=False)
    assert result.solver.status == "optimal"
    assert result.pv.capacity_kwp > 0
    if "battery__allowed" in changes:
        assert result.battery.energy_kwh > 0
    else:
        assert result.finance.ownership == "emc"
    solver_npv = result.solver.objective_parts["npv"]
    assert result.finance.npv == pytest.approx(solver_npv, rel=1e-6)


def test_sold_certificates_are_the_only_gap_between_the_two_npvs():
    # Certificate revenue (whole certificates from the carbon ledger) is added by the cash
    # flow, not optimised: the NPVs then differ by exactly its after-tax present worth.
    result = plan(_variant(carbon__certificates="sell"), with_npv_curve=False)
    cash, f = result.cash_flow, result.inputs["finance"]
    years = np.arange(len(cash))
    tax = np.r_[0.0, np.full(len(cash) - 1, f["income_tax_rate"])]
    worth = float(np.sum(cash["certificate_revenue"] * (1 - tax)
                         / (1 + f["discount_rate"]) ** years))
    assert worth > 0
    gap = result.finance.npv - result.solver.objective_parts["npv"]
    assert gap == pytest.approx(worth, rel=1e-6)


def test_lease_is_sized_as_an_owners_system():
    # By design: a lease payment is not per kWp, so the optimizer sizes (and values) an
    # owner-financed system; the reported NPV is the lessee's, from the lease cash flow.
    lease = plan(_variant(finance__ownership="lease"), with_npv_curve=False)
    owner = plan(_variant(finance__ownership="owner"), with_npv_curve=False)
    assert lease.pv.capacity_kwp == pytest.approx(owner.pv.capacity_kwp, rel=1e-9)
    assert lease.solver.objective_parts["npv"] == pytest.approx(owner.finance.npv, rel=1e-6)
    assert lease.finance.ownership == "lease" and lease.finance.capex == owner.finance.capex


def test_demo_paybacks_before_and_after_tax(demo_result):
    # Chinese proposals quote the static payback before income tax; both are reported and
    # the pre-tax one is the shorter (tax only takes money out in a profitable year).
    fin = demo_result.finance
    assert fin.payback_years_pre_tax is not None and fin.payback_years is not None
    assert fin.payback_years_pre_tax < fin.payback_years
    assert fin.discounted_payback_years_pre_tax < fin.discounted_payback_years
    # By hand from the cash flow: the pre-tax flows are the after-tax ones without the tax.
    cash = demo_result.cash_flow
    pre_tax = (cash["net_cash_flow_project"] - cash["tax_project"]).cumsum()
    k = int(np.nonzero(pre_tax.to_numpy() < 0)[0][-1])
    step = pre_tax.iloc[k + 1] - pre_tax.iloc[k]
    assert fin.payback_years_pre_tax == pytest.approx(k - pre_tax.iloc[k] / step, rel=1e-12)
    # The demo (2.7 CNY/W, Zhejiang 2026 large industry, market-era exports): about 6.4
    # years before tax against 7.8 after; loose bounds, the figures are the plan's own.
    assert 5.0 < fin.payback_years_pre_tax < 8.0
    assert fin.payback_years - fin.payback_years_pre_tax > 0.5
    data = demo_result.to_dict()["finance"]
    assert {"payback_years", "payback_years_pre_tax", "discounted_payback_years_pre_tax"} \
        <= set(data)


def test_npv_curve_peaks_at_the_optimum(demo_result):
    curve = demo_result.npv_curve
    assert len(curve) >= 10
    best_on_curve = curve["npv"].max()
    assert demo_result.solver.objective_parts["npv"] >= best_on_curve - 1e-6 * abs(best_on_curve)


def test_zero_export_exports_nothing_and_builds_less(demo_result):
    result = plan(_variant(constraints__export_limit_kw=0.0))
    assert result.energy.exported_kwh == pytest.approx(0.0, abs=1e-6)
    assert result.pv.capacity_kwp < demo_result.pv.capacity_kwp
    assert result.bills.export_revenue_annual == pytest.approx(0.0, abs=1e-6)


def test_budget_limits_the_capex():
    result = plan(_variant(constraints__capital_budget=2_000_000.0))
    assert result.finance.capex <= 2_000_000.0 * (1 + 1e-6)
    assert result.pv.capacity_kwp > 0


def test_impossible_co2_target_is_named_under_max_npv():
    """constraints.co2_reduction_target_tco2 out of reach under max_npv: the message names
    the CO2 target (it used to say "check the export regime")."""
    scenario = _variant(constraints__co2_reduction_target_tco2=1_000_000.0)
    assert scenario.constraints.objective == "max_npv"
    with pytest.raises(InfeasibleProblemError) as err:
        plan(scenario, with_npv_curve=False)
    msg = str(err.value)
    assert err.value.conflicting == ("min_co2_reduction",)
    assert "CO2 reduction target 1,000,000 tCO2/yr cannot be met" in msg
    assert "export regime" not in msg
    # The scenario's own field, for the app to show the message next to it.
    assert err.value.field == "constraints.co2_reduction_target_tco2"
    # the input by its name on the pages (the command line adds the key, from the field)
    assert "(the input to loosen: year-1 CO2 reduction target)" in msg


def test_budget_conflict_quotes_the_users_figures():
    """A budget that cannot buy the minimum size is quoted as the user gave it, and the
    cheapest system at the user's own price per kWp (it used to say 867,094)."""
    scenario = _variant(constraints__capital_budget=1_000_000.0,
                        constraints__min_total_kwp=1000.0)
    with pytest.raises(InfeasibleProblemError) as err:
        plan(scenario, with_npv_curve=False)
    msg = str(err.value)
    assert set(err.value.conflicting) == {"capital_budget", "min_total_kwp"}
    assert err.value.field in ("constraints.capital_budget", "constraints.min_total_kwp")
    assert "capital budget 1,000,000 conflicts with minimum total 1,000 kWp" in msg
    # PV only and no fixed cost: the budget's own terms are the nominal price per kWp.
    assert scenario.finance.fixed_capex == 0 and not scenario.battery.allowed
    cheapest = 1000.0 * scenario.finance.pv_capex_per_kwp
    assert f"the cheapest allowed system costs {cheapest:,.0f}" in msg
    # A Chinese reader is told which inputs to loosen by their names on the pages, without
    # the optimizer's English or the scenario's field names.
    from pvplanner.display.messages import render

    chinese = render(err.value, "zh")
    assert chinese.startswith("方案的约束条件无法同时满足：“投资预算 1,000,000 元”与“光伏容量下限 "
                              "1,000 kWp”相互冲突")
    assert f"此时满足条件的最低投资为 {cheapest:,.0f} 元" in chinese
    assert chinese.endswith("请放宽以下输入之一：投资预算、光伏容量下限")
    assert not re.search(r"[A-Za-z]", chinese.replace("kWp", "")), chinese


def _battery_margin_per_kwh(scenario, hourly, demand_charge_per_kw_month: float) -> float:
    """Lower bound on the NPV gain [CNY] of one more kWh of battery, by hand.

    One extra kWh of capacity (power 0.5 kW with it, the C-rate limit) swings its usable
    (1 - min SOC) once a day: charged from the grid over the day's 10 valley hours, discharged
    in place of grid imports in the 7 peak/sharp hours. Charging spread over those 10 hours
    raises the month's maximum import by at most 1/10 of the charged kWh per kW of demand.
    Costs are over-counted (no depreciation shield, salvage or tax relief on O&M and
    replacement), savings under-counted (no flat-hour or PV-surplus cycle).
    """
    b, f = scenario.battery, scenario.finance
    usable_kwh = 1.0 - b.min_soc_fraction
    stored_in_kwh = usable_kwh / b.charge_efficiency  # AC drawn from the grid
    delivered_kwh = usable_kwh * b.discharge_efficiency  # AC replacing imports
    peak_price = hourly.loc[hourly["period"].isin(["peak", "sharp"]), "import_price_per_kwh"]
    valley_price = hourly.loc[hourly["period"].isin(["valley", "deep_valley"]),
                              "import_price_per_kwh"]
    yearly = 365 * (delivered_kwh * peak_price.min() - stored_in_kwh * valley_price.max())
    yearly -= stored_in_kwh / 10 * demand_charge_per_kw_month * 12
    years = np.arange(1, f.analysis_years + 1)
    discount = (1 + f.discount_rate) ** -years
    value = yearly * (1 - f.income_tax_rate) * discount.sum()
    cost = f.battery_capex_per_kwh + b.max_c_rate * f.battery_capex_per_kw
    cost += f.battery_om_per_kwh_year * np.sum((1 + f.om_escalation_rate) ** (years - 1) * discount)
    replaced = f.battery_replacement_year
    cost += (f.battery_replacement_cost_per_kwh * (1 + f.inflation_rate) ** (replaced - 1)
             * discount[replaced - 1])
    return float(value - cost)


def test_battery_option_runs_and_balances():
    # Zhejiang 2026 TOU (peak 1.028, sharp 1.124, valley 0.332 CNY/kWh; 36.1 CNY/kW-month
    # maximum demand), zero export so the dispatch is a pure LP solved to optimality (no
    # behind-the-meter branching, no gap). A battery below its 1,000 kWh cap is then never
    # optimal: one more kWh gains > 0 (the bound below, ~+400 CNY), so the plan must reach the
    # cap. Tolerance 1e-3 kWh: the LP optimum sits on the bound up to HiGHS' feasibility
    # tolerance (1e-7 relative).
    max_energy_kwh = 1000.0
    scenario = _variant(battery__allowed=True, battery__max_energy_kwh=max_energy_kwh,
                        constraints__export_limit_kw=0.0)
    tariff = scenario_tariff(scenario)  # the site province's preset (the demo names none)
    (demand,) = tariff.demand_charges
    result = plan(scenario)
    h = result.hourly
    assert result.solver.status == "optimal"
    # The bound's premises, read from the plan: each day has 10 valley and 7 peak/sharp hours,
    # and the load left after all the PV in the peak/sharp hours exceeds a full swing.
    days = h.index.normalize()
    valley = h["period"].isin(["valley", "deep_valley"])
    peak = h["period"].isin(["peak", "sharp"])
    assert (peak.groupby(days).sum() == 7).all()
    assert (valley.groupby(days).sum() >= 10).all()
    residual_kwh = (h["load_kw"] - h["pv_available_kw"]).clip(lower=0)[peak].groupby(days[peak])
    swing_kwh = max_energy_kwh * (1 - scenario.battery.min_soc_fraction)
    assert residual_kwh.sum().min() >= swing_kwh
    assert _battery_margin_per_kwh(scenario, h, demand.rate_per_kw_month) > 100.0

    assert result.battery.energy_kwh == pytest.approx(max_energy_kwh, abs=1e-3)
    assert 0 < result.battery.power_kw <= max_energy_kwh * scenario.battery.max_c_rate + 1e-6
    assert h["soc_kwh"].max() <= result.battery.energy_kwh + 1e-6
    served = h["pv_to_load_kw"] + h["battery_to_load_kw"] + h["grid_to_load_kw"]
    np.testing.assert_allclose(served, h["load_kw"], atol=1e-5)


def test_emc_reports_host_savings():
    result = plan(_variant(finance__ownership="emc"))
    assert result.finance.ownership == "emc"
    assert result.finance.host_savings_lifetime is not None
    assert result.finance.host_savings_lifetime > 0


def test_result_json_has_the_design_keys(demo_result):
    data = demo_result.to_dict()
    required = {
        "pv": ["capacity_kwp", "annual_generation_kwh", "specific_yield_kwh_per_kwp", "planes"],
        "battery": ["energy_kwh", "power_kw"],
        "energy": ["load_kwh", "self_consumed_kwh", "exported_kwh", "imported_kwh",
                   "curtailed_kwh", "self_consumption_ratio", "self_sufficiency_ratio"],
        "bills": ["baseline_annual", "with_system_annual", "savings_annual", "currency"],
        "finance": ["capex", "npv", "irr", "payback_years", "lcoe_per_kwh"],
        "carbon": ["avoided_tco2_year1", "avoided_tco2_lifetime", "certificates_year1"],
        "solver": ["status", "seconds"],
    }
    for section, keys in required.items():
        for key in keys:
            assert key in data[section], f"{section}.{key}"


def test_conflicting_constraints_are_a_user_error():
    from pvplanner.errors import USER_ERRORS

    scenario = _variant(constraints__min_total_kwp=10_000.0)  # the roofs carry ~3 MWp
    with pytest.raises(USER_ERRORS) as caught:
        plan(scenario)
    assert "kWp" in str(caught.value)


def test_weather_time_zone_mismatch_is_reported():
    # whole hours are read on the site's clock (tests/test_plan_site_clock.py); half an hour
    # on hourly weather cannot be
    with pytest.raises(PlannerInputError) as refused:
        plan(_variant(site__utc_offset_hours=8.5))
    assert refused.value.field == "site.utc_offset_hours"


def test_solver_time_limit_reaches_every_search_and_the_gap_is_reported(monkeypatch):
    """The scenario's time limit goes to the sizing and the year-1 dispatch; a design not
    proven optimal carries its gap in the result and a note in the warnings."""
    import pvplanner.pipeline as pipeline
    from solver.curves import optimize_curve_later as real_optimize
    from solver.design import design_dispatch as real_design_dispatch

    seen: list[float | None] = []

    def spy(problem, **kwargs):
        assert kwargs.get("time_limit_seconds") is None  # LPs always run to their end
        seen.append(kwargs.get("search_time_limit_seconds"))
        return real_optimize(problem, **kwargs)

    def spy_design(*args, **kwargs):
        seen.append(kwargs.get("search_time_limit_seconds"))  # if the design is solved
        return real_design_dispatch(*args, **kwargs)

    monkeypatch.setattr(pipeline, "optimize_curve_later", spy)
    monkeypatch.setattr(pipeline, "design_dispatch", spy_design)
    result = plan(_variant(battery__allowed=True, battery__max_energy_kwh=800.0,
                           constraints__solver_time_limit_s=2.0), with_npv_curve=False)
    assert seen == [2.0, 2.0]
    summary = result.to_dict()["solver"]
    assert summary["optimality_gap"] >= 0 and summary["year1_dispatch_gap"] >= 0
    if result.solver.status != "optimal":
        assert result.solver.optimality_gap > 0
        assert any("not proven optimal" in w and "constraints.solver_time_limit_s" in w
                   for w in result.warnings)
    else:
        assert result.solver.optimality_gap == 0


@pytest.mark.parametrize("limit", [0.0, 0.5, 601.0, -3.0])
def test_absurd_solver_time_limits_are_refused_by_name(limit):
    with pytest.raises(PlannerInputError) as info:
        _variant(constraints__solver_time_limit_s=limit)
    assert "solver_time_limit_s" in str(info.value)


def test_battery_limit_defaults_to_a_day_of_the_load():
    """With battery.max_energy_kwh empty the optimizer may choose up to one day of the
    load's mean energy (data/battery_defaults.toml); a given value is used as it is."""
    from pvplanner.pipeline import prepare
    from pvplanner.sizing import battery_energy_limit_kwh, build_problem
    from solver.problem import SizingProblem

    scenario = _variant(battery__allowed=True)
    assert scenario.battery.max_energy_kwh is None
    prepared = prepare(scenario)
    day_kwh = float(prepared.sizing.load_kw.sum()) * prepared.sizing.step_hours / 365
    assert battery_energy_limit_kwh(scenario, prepared.sizing.load_kw) == pytest.approx(day_kwh)
    factors = {k: 1.0 for k in ("pwf_energy", "production_levelization", "pwf_export",
                                "export_levelization", "pwf_demand", "effective_capex_per_kwp",
                                "om_pw_per_kwp", "effective_capex_per_kwh",
                                "effective_capex_per_kw", "om_pw_per_kwh",
                                "effective_fixed_capex")}
    problem = build_problem(scenario, prepared.sizing, factors)
    assert isinstance(problem, SizingProblem)
    assert problem.battery.max_kwh == pytest.approx(day_kwh)  # 6.75 GWh / 365
    given = _variant(battery__allowed=True, battery__max_energy_kwh=700.0)
    assert build_problem(given, prepared.sizing, factors).battery.max_kwh == 700.0
    # A minimum above the derived limit is kept (the limit never makes it infeasible).
    big = _variant(battery__allowed=True, battery__min_energy_kwh=2 * day_kwh)
    assert battery_energy_limit_kwh(big, prepared.sizing.load_kw) == pytest.approx(2 * day_kwh)


def test_a_battery_plan_says_which_limits_held_it_and_reuses_the_sizing():
    """A battery capped small is reported at its limit (in the solver summary, the JSON
    and the battery summary), the roofs too; the year-1 dispatch is the sizing's own
    (no second solve) and the NPV curve, re-solved from the sizing's basis, peaks at the
    reported NPV."""
    result = plan(_variant(battery__allowed=True, battery__max_energy_kwh=400.0))
    # The demo exports at the market price (2026 start), below every import price: the
    # behind-the-meter rule cannot bind (solver.physical), the sizing is one exact LP.
    hourly = result.hourly
    assert (hourly["export_price_per_kwh"] < hourly["import_price_per_kwh"]).all()
    assert result.solver.status == "optimal" and result.solver.optimality_gap == 0
    limits = result.solver.binding_limits
    assert "battery.max_energy_kwh" in limits
    roofs = [f"roof:{plane.name}" for plane in result.pv.planes
             if plane.capacity_kwp >= plane.max_kwp * (1 - 1e-6)]
    assert roofs and set(roofs) <= set(limits)
    assert result.battery.energy_kwh == pytest.approx(400.0, rel=1e-6)
    assert result.battery.max_energy_kwh == 400.0 and result.battery.energy_limit_binding
    assert result.to_dict()["solver"]["binding_limits"] == list(limits)
    assert result.solver.year1_dispatch_gap == result.solver.optimality_gap
    curve = result.npv_curve
    assert curve["npv"].max() == pytest.approx(result.solver.objective_parts["npv"], rel=1e-9)
    assert "npv_curve" in result.timings_s
    # A design held by a total cap names it, and only the roofs that are full.
    capped = plan(_variant(constraints__max_total_kwp=500.0), with_npv_curve=False)
    assert capped.pv.capacity_kwp == pytest.approx(500.0, rel=1e-6)
    full = {f"roof:{plane.name}" for plane in capped.pv.planes
            if plane.capacity_kwp >= plane.max_kwp * (1 - 1e-6)}
    assert set(capped.solver.binding_limits) == {"constraints.max_total_kwp", *full}
    assert len(full) < len(capped.pv.planes)


def test_curve_drawn_later_is_the_plans_curve():
    """plan_curve_later: the same plan without its curve (named in not_computed), then
    fill() adds plan()'s curve to that Result, once."""
    scenario = _variant(battery__allowed=True, battery__max_energy_kwh=800.0)
    whole = plan(scenario)
    result, pending = plan_curve_later(scenario)
    assert result.npv_curve.empty and "npv_curve" in result.not_computed
    assert not pending.filled
    assert result.finance.npv == pytest.approx(whole.finance.npv, rel=1e-9)
    assert result.battery.energy_kwh == pytest.approx(whole.battery.energy_kwh, rel=1e-6)
    total = result.timings_s["total"]
    filled = pending.fill()
    assert filled is result and pending.filled
    assert "npv_curve" not in result.not_computed
    assert result.timings_s["total"] == pytest.approx(total + result.timings_s["npv_curve"])
    np.testing.assert_allclose(result.npv_curve["total_kwp"], whole.npv_curve["total_kwp"])
    np.testing.assert_allclose(result.npv_curve["npv"], whole.npv_curve["npv"],
                               rtol=1e-9, atol=1e-6 * abs(whole.finance.npv))
    curve = result.npv_curve
    assert pending.fill().npv_curve is curve  # not drawn again
    assert "npv_curve" not in result.to_dict()["not_computed"]


def test_a_transformer_too_small_for_the_plans_flows_is_said():
    """A 250 kVA transformer under the demo's 1,000 kW load and 3 MW roof: the plan says the
    load's peak and the exports exceed it (a proposal showed 589 kW of load and 729 kW of
    exports through 250 kVA without a word); a large enough one draws no note."""
    from pvplanner.display.messages import render

    document = demo_scenario().model_dump(mode="json")
    document["tariff"]["transformer_kva"] = 250.0
    small = plan(document, with_npv_curve=False, with_sensitivity=False)
    keys = [getattr(note, "key", "") for note in small.warnings]
    assert "notes.connection.load_above_transformer" in keys
    assert "notes.connection.export_above_transformer" in keys
    load_note = small.warnings[keys.index("notes.connection.load_above_transformer")]
    peak = float(small.hourly["load_kw"].max())
    assert f"{peak:,.0f} kW" in str(load_note)
    assert render(load_note, "zh") == (f"负荷峰值 {peak:,.0f} kW 超过变压器容量 250 kVA（变压器最多"
                                       "输送约 250 kW）：请核对所填变压器容量")
    document["tariff"]["transformer_kva"] = 20000.0
    large = plan(document, with_npv_curve=False, with_sensitivity=False)
    assert not [note for note in large.warnings
                if getattr(note, "key", "").startswith("notes.connection.")]


def test_a_design_too_small_to_build_is_said_so():
    """A capital budget of one yuan buys 0.4 W of PV: the plan says it is too small to be a
    system (the app showed 0 kWp with an IRR of 14.5 % and a 5.3-year payback), in the
    proposal's summary instead of the usual figures; an ordinary plan has no such note."""
    from pvplanner.display.messages import render
    from pvplanner.report.content import build_proposal

    document = demo_scenario().model_dump(mode="json")
    document["constraints"]["capital_budget"] = 1.0
    tiny = plan(document, with_npv_curve=False, with_sensitivity=False)
    assert 0 < tiny.pv.capacity_kwp < 0.001
    keys = [getattr(note, "key", "") for note in tiny.notes]
    assert "notes.plan.negligible_pv" in keys
    note = tiny.notes[keys.index("notes.plan.negligible_pv")]
    assert render(note, "zh").startswith("方案仅能建设 0.00037 kWp")
    summary = build_proposal(tiny, "zh").section("summary")
    lead = [b.text for b in summary.blocks if getattr(b, "style", "") == "lead"]
    assert lead == [render(note, "zh")]
    normal = plan(demo_scenario(), with_npv_curve=False, with_sensitivity=False)
    assert "notes.plan.negligible_pv" not in [getattr(n, "key", "") for n in normal.notes]
