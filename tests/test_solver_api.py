"""optimize(): objectives, backends, fixed capex, net metering, errors and diagnosis."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from solver.api import optimize
from solver.curves import co2_frontier
from solver.errors import InfeasibleProblemError, SolverInputError
from solver.problem import BatteryOptions, Costs, SizingProblem
from tests._solver_cases import random_problem
from tests.test_solver_lp import check_balances


def _scale(p: SizingProblem) -> float:
    return p.costs.pwf_energy * float(p.import_price_per_kwh @ p.load_kw)


@pytest.mark.parametrize("seed", range(5))
def test_backends_agree(seed):
    rng = np.random.default_rng(6000 + seed)
    p = random_problem(rng, n_steps=96, n_planes=3, min_self_consumption=0.6,
                       capital_budget=5e4)
    npvs = {b: optimize(p, backend=b).npv for b in ("pv_only", "highs", "cbc")}
    # one LP, three formulations/solvers: equal to 1e-6 of the bill value (tie-breaks)
    assert npvs["pv_only"] == pytest.approx(npvs["highs"], abs=1e-6 * _scale(p))
    assert npvs["pv_only"] == pytest.approx(npvs["cbc"], abs=1e-6 * _scale(p))


def test_result_contents():
    p = random_problem(np.random.default_rng(1), n_steps=48, n_planes=2, battery=True)
    res = optimize(p)
    s = res.summary()
    assert s["total_kwp"] == pytest.approx(res.kwp_per_plane.sum())
    assert {"kwp_plane_1", "kwp_plane_2", "npv", "self_sufficiency_ratio"} <= set(s)
    df = res.dispatch.to_frame()
    assert list(df.columns)[:2] == ["pv_available_kw", "pv_to_load_kw"]
    assert "soc_kwh" in df.columns and len(df) == 48
    # the NPV identity of SizingResult
    assert res.npv == pytest.approx(res.energy_savings_pw + res.export_revenue_pw
                                    + res.demand_savings_pw - res.capex - res.om_pw)
    # bill figures: savings = baseline - with system (+ export revenue)
    t = res.totals
    assert t["bill_savings"] == pytest.approx(
        t["energy_cost_baseline"] - t["energy_cost_with_system"] + t["export_revenue"]
        + t["demand_cost_baseline"] - t["demand_cost_with_system"])
    assert res.solve_seconds >= 0 and res.backend == "highs"


# --------------------------------------------------------------------------------------------
# Objectives
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("battery", [False, True])
def test_max_self_sufficiency_with_payback(battery):
    rng = np.random.default_rng(21)
    p = random_problem(rng, n_steps=96, n_planes=2, battery=battery)
    base = optimize(p)
    for years in (base.simple_payback_years * 1.5 if base.total_kwp > 0 else 8.0, 1e6):
        res = optimize(p, "max_self_sufficiency", max_payback_years=years)
        assert res.simple_payback_years <= years * (1 + 1e-6)
        assert res.totals["self_sufficiency_ratio"] >= base.totals["self_sufficiency_ratio"] - 1e-9
        check_balances(p, res)
        # second stage: no other solution with this share and payback has a higher NPV
        q = replace(p, min_renewable_share=res.totals["self_sufficiency_ratio"] * (1 - 1e-6))
        alt = optimize(q, max_payback_years=years)
        assert res.npv >= alt.npv - 1e-5 * _scale(p)


def test_min_cost_for_co2_is_monotone():
    rng = np.random.default_rng(22)
    p = random_problem(rng, n_steps=96, n_planes=2)
    # dear PV, so that the max-NPV size is below the largest one
    p = replace(p, costs=replace(p.costs, pv_capex_per_kwp=1.5 * p.costs.pv_capex_per_kwp))
    base = optimize(p)
    co2_0 = base.totals["co2_avoided_tco2"]
    co2_max = co2_frontier(p, 2)["co2_avoided_tco2"].iloc[-1]
    assert co2_max > co2_0
    last = base.npv
    for k in (0.25, 0.5, 0.999):
        target = co2_0 + k * (co2_max - co2_0)
        res = optimize(p, "min_cost_for_co2", co2_target_tco2=target)
        assert res.totals["co2_avoided_tco2"] >= target * (1 - 1e-7)
        assert res.npv <= last + 1e-6 * _scale(p)
        last = res.npv
    with pytest.raises(SolverInputError, match="needs a CO2 target"):
        optimize(p, "min_cost_for_co2")


def test_fixed_capex_is_exact():
    rng = np.random.default_rng(23)
    p = random_problem(rng, n_steps=96, n_planes=2)
    base = optimize(p)
    assert base.total_kwp > 0
    small = optimize(replace(p, costs=replace(p.costs, fixed_capex=0.01 * base.npv)))
    np.testing.assert_allclose(small.kwp_per_plane, base.kwp_per_plane, atol=1e-6)
    assert small.npv == pytest.approx(base.npv - 0.01 * base.npv, rel=1e-9)
    big = optimize(replace(p, costs=replace(p.costs, fixed_capex=2 * base.npv)))
    assert big.total_kwp == 0.0 and big.npv == 0.0
    # fixed capex counts against the budget: budget below it leaves no PV
    tight = optimize(replace(p, capital_budget=0.5 * base.npv,
                             costs=replace(p.costs, fixed_capex=0.6 * base.npv)))
    assert tight.total_kwp == 0.0


def test_net_metering_regime_choice():
    rng = np.random.default_rng(24)
    p = random_problem(rng, n_steps=96, n_planes=1, export_limit_kw=np.inf)
    p = replace(p, export_price_per_kwh=np.zeros(96), plane_max_kwp=[1e4])
    # generous net metering: exports credited at the import price, limit far above optimum
    res = optimize(replace(p, net_metering_limit_kw=1e4))
    plain = optimize(p)
    assert res.regime == "net_metering" and res.npv >= plain.npv
    assert res.totals["exported_kwh"] <= res.totals["imported_kwh"] + 1e-6
    # a net-metering limit of 1 kWp is worth less than building freely without it
    tiny = optimize(replace(p, net_metering_limit_kw=1.0))
    assert tiny.regime == "standard"
    assert tiny.npv == pytest.approx(plain.npv)


# --------------------------------------------------------------------------------------------
# Errors and the infeasibility diagnosis
# --------------------------------------------------------------------------------------------
def _factory(**over) -> SizingProblem:
    """One summer week, 100 kW day / 30 kW night load, south plane, zero export."""
    n = 168
    hour = np.arange(n) % 24
    f = np.clip(np.cos(np.pi * (hour + 0.5 - 12) / 12), 0, None) * 0.8
    load = np.where((hour >= 8) & (hour < 18), 100.0, 30.0)
    kw = dict(production_kw_per_kwp=f, load_kw=load, import_price_per_kwh=np.full(n, 0.8),
              export_price_per_kwh=0.0, step_hours=1.0, export_limit_kw=0.0,
              costs=Costs(pv_capex_per_kwp=60.0, pwf_energy=10.0),
              grid_tco2_per_kwh=0.0006, plane_max_kwp=[2000.0])
    kw.update(over)
    return SizingProblem(**kw)


def _exports_needed(**over) -> SizingProblem:
    """_factory with paid exports and a CO2 target of 30 tCO2 that counts them: 50 MWh of
    PV must be generated, far more than the site can use (a 95 % self-consumption floor
    then conflicts with the target)."""
    kw: dict = dict(export_limit_kw=math.inf, export_price_per_kwh=0.3,
                    co2_counts_exports=True, min_co2_reduction_tco2=30.0,
                    min_self_consumption=0.95)
    kw.update(over)
    return _factory(**kw)


def test_infeasible_pair_is_named_with_numbers():
    p = _exports_needed()
    with pytest.raises(InfeasibleProblemError) as err:
        optimize(p)
    msg = str(err.value)
    assert err.value.conflicting == ("min_self_consumption", "min_co2_reduction")
    assert "minimum self-consumption 95 % conflicts with CO2 reduction target 30 tCO2/yr" in msg
    # By hand: the target needs 30 / 0.0006 = 50 MWh generated (used on site or exported);
    # the site uses at most min(load, output) each hour, most at the largest array (2000
    # kWp), the rest is exported. The message quotes that share of the 50 MWh, < 95 %.
    f = p.production_kw_per_kwp[:, 0]
    onsite = np.minimum(p.load_kw, 2000 * f).sum()
    assert f"at most {onsite / 50_000 * 100:.1f} % of the PV output" in msg
    assert f"({onsite / 1000:.3g} MWh of 50" in msg


def test_a_self_consumption_floor_is_met_by_curtailing():
    """The floor bounds self-consumed / generated PV, and curtailed PV is not generated:
    at zero export every floor holds, whatever the size (with the old denominator, PV
    available, a 95 % floor and 500 kWp conflicted: tests/test_solver_self_consumption.py)."""
    p = _factory(min_self_consumption=0.95, min_total_kwp=500.0)
    res = optimize(p)
    free = optimize(_factory(min_total_kwp=500.0))
    assert res.total_kwp == pytest.approx(500.0)
    assert res.npv == pytest.approx(free.npv, rel=1e-9)
    assert res.totals["curtailed_kwh"] > 0.25 * res.totals["pv_available_kwh"]
    assert res.totals["self_consumption_ratio"] == 1.0


def test_infeasible_single_constraint():
    p = _factory(min_renewable_share=0.9)
    with pytest.raises(InfeasibleProblemError) as err:
        optimize(p)
    assert err.value.conflicting == ("min_renewable_share",)
    # PV can serve at most the daytime load (no battery): 10 h x 100 kW of 10*100 + 14*30
    best = (p.load_kw * (p.production_kw_per_kwp[:, 0] > 0)).sum() / p.load_kw.sum()
    assert f"at most {best * 100:.1f} % of the load" in str(err.value)


def test_infeasible_budget_and_battery_minimum():
    p = _factory(battery=BatteryOptions(allowed=True, min_kwh=200.0), capital_budget=1000.0,
                 costs=Costs(pv_capex_per_kwp=60.0, pwf_energy=10.0, battery_capex_per_kwh=100.0))
    with pytest.raises(InfeasibleProblemError) as err:
        optimize(p)
    assert set(err.value.conflicting) == {"capital_budget", "battery_min"}
    assert "the cheapest allowed system costs 20,000" in str(err.value)  # 200 kWh x 100


def test_co2_target_of_the_problem_is_named_under_max_npv():
    """A CO2 floor set on the problem (not passed as co2_target_tco2) binds under every
    objective; when it cannot be met the diagnosis names it with what can be avoided, not
    "check the export regime"."""
    p = _factory(min_co2_reduction_tco2=1000.0)
    with pytest.raises(InfeasibleProblemError) as err:
        optimize(p, "max_npv")
    msg = str(err.value)
    assert err.value.conflicting == ("min_co2_reduction",)
    assert "export regime" not in msg
    # By hand: zero export, so at most the load met by 2,000 kWp is avoided; the week's
    # PV hours 6-17 meet 30 kW at 6 and 7, 100 kW from 8 to 17 (1,060 kWh a day).
    f = p.production_kw_per_kwp[:, 0]
    best_tco2 = float(np.minimum(p.load_kw, 2000.0 * f).sum()) * 0.0006
    assert best_tco2 == pytest.approx(7 * 1060 * 0.0006)
    assert ("CO2 reduction target 1,000 tCO2/yr cannot be met: "
            f"at most {best_tco2:.3g} tCO2/yr can be avoided") in msg


def test_budget_is_applied_scaled_and_quoted_as_given():
    """capital_budget is the caller's figure; capital_budget_scale converts it to capex
    units. The constraint is the scaled one, the message quotes the caller's figures."""
    costs = Costs(pv_capex_per_kwp=60.0, pwf_energy=10.0, battery_capex_per_kwh=100.0)
    p = _factory(battery=BatteryOptions(allowed=True, min_kwh=200.0), capital_budget=1000.0,
                 capital_budget_scale=0.8, costs=costs)
    assert p.capex_budget == pytest.approx(800.0)
    with pytest.raises(InfeasibleProblemError) as err:
        optimize(p)
    msg = str(err.value)
    assert "capital budget 1,000 conflicts" in msg and "800" not in msg
    # 200 kWh x 100 in capex units = 25,000 in the budget's units (20,000 / 0.8)
    assert "the cheapest allowed system costs 25,000" in msg
    # A binding budget: scaled by 0.5 it allows what half the budget allows unscaled.
    q = _factory(capital_budget=6000.0)
    half = optimize(replace(q, capital_budget=3000.0))
    scaled = optimize(replace(q, capital_budget_scale=0.5))
    assert half.total_kwp == pytest.approx(3000.0 / 60.0)
    assert scaled.total_kwp == pytest.approx(half.total_kwp)
    assert scaled.npv == pytest.approx(half.npv)
    with pytest.raises(SolverInputError, match="capital_budget_scale"):
        replace(q, capital_budget_scale=0.0)


def test_unbounded_and_bad_arguments():
    p = _factory(export_limit_kw=np.inf, export_price_per_kwh=5.0, plane_max_kwp=[np.inf])
    with pytest.raises(SolverInputError, match="unbounded"):
        optimize(p)
    q = _factory()
    with pytest.raises(SolverInputError, match="objective must be one of"):
        optimize(q, "max_irr")
    with pytest.raises(SolverInputError, match="max_payback_years"):
        optimize(q, max_payback_years=-1)
    with pytest.raises(SolverInputError, match="backend"):
        optimize(q, backend="gurobi")
    with pytest.raises(SolverInputError, match="cannot size a battery"):
        optimize(_factory(battery=BatteryOptions(allowed=True)), backend="pv_only")


def test_falls_back_to_cbc_without_highspy(monkeypatch):
    import solver.api as api

    p = random_problem(np.random.default_rng(41), n_steps=48, n_planes=2, battery=True)
    ref = optimize(p)
    monkeypatch.setattr(api, "highs_available", lambda: False)
    res = optimize(p)
    assert res.backend == "cbc"
    assert res.npv == pytest.approx(ref.npv, abs=1e-6 * _scale(p))
    # the diagnosis still names the conflict (without numbers, which need HiGHS)
    with pytest.raises(InfeasibleProblemError) as err:
        optimize(_exports_needed())
    assert err.value.conflicting == ("min_self_consumption", "min_co2_reduction")


def test_falls_back_to_cbc_when_highs_fails(monkeypatch):
    import solver.api as api
    from solver.linear import SolveOutcome

    class Broken(api.HighsSession):
        def solve(self):
            return SolveOutcome("error", None, float("nan"), 0.0, "highs", "simulated")

    p = random_problem(np.random.default_rng(42), n_steps=48, n_planes=1)
    ref = optimize(p)
    monkeypatch.setattr(api, "HighsSession", Broken)
    res = optimize(p)
    assert res.backend == "cbc" and "HiGHS failed" in res.notes[0]
    assert res.npv == pytest.approx(ref.npv, abs=1e-6 * _scale(p))


def test_a_diagnosis_is_data_an_application_can_word_in_its_language():
    """The conflicts behind the message (solver.api.Conflict / Fact): the message is made of
    them, and their figures are numbers without units (the texts hold the units), so an
    application can word them in its reader's language."""
    from solver.api import diagnose_conflicts

    p = _exports_needed()
    message, conflicting, conflicts = diagnose_conflicts(p)
    assert conflicting == ("min_self_consumption", "min_co2_reduction")
    assert message == "infeasible: " + ". ".join(map(str, conflicts)) + "."
    (conflict,) = conflicts
    assert conflict.relation == "pair"
    assert [f.kind for f in conflict.facts] == ["min_self_consumption", "min_co2_reduction"]
    assert conflict.facts[1].values == {"tco2": "30"}
    assert conflict.hint is not None and conflict.hint.kind == "most_self_consumption"
    for fact in (*conflict.facts, conflict.hint):
        for value in fact.values.values():
            assert not any(c.isalpha() for c in value), fact
    with pytest.raises(InfeasibleProblemError) as err:
        optimize(p)
    assert str(err.value) == message and err.value.conflicts == conflicts
