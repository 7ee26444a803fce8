"""REopt.jl's net-metering test case reproduced with solver/ and REopt's finance conventions.

Reference: NREL REopt.jl v0.56.4 test suite, ``test/scenarios/net_metering.json`` (Apache-2.0,
copied to tests/data/reopt with the figures REopt asserts, see its README):

* PV = 30.0 kW: net metering at the retail rate is available up to 30 kW and is chosen;
* with ``wholesale_rate`` = 5.0 and ``can_wholesale``: PV = 7,440 kW, the upper bound REopt
  puts on a system that does not net meter: the largest monthly load energy read as kW
  (31 d x 24 h x 10 kW; REopt.jl ``add_export_constraints``, PR #383 "max monthly
  fully-electrified load in kWh" big-M);
* with wholesale 0, ``min_kw`` 50 and a renewable fraction >= 0.35: no PV energy exported.

How REopt's model maps onto solver/ (REopt.jl ``reopt_inputs.jl``,
``electric_utility_constraints.jl``):

* lifecycle bill = year-1 bill x pwf_e x (1 - tax), pwf_e = pwf_escalated(25, 2 %, 6.24 %);
  O&M likewise with the O&M escalation: these after-tax factors are ``Costs.pwf_energy`` and
  ``Costs.pwf_om``;
* PV output is scaled by REopt's levelization factor inside the energy balance:
  ``Costs.production_levelization``;
* the effective capex after ITC and MACRS is ``Costs.pv_capex_per_kwp``;
* REopt's binary NEM choice (size <= net_metering_limit_kw, exports credited at the retail
  rate, annual exports <= annual imports; otherwise wholesale exports, or none when
  ``can_wholesale`` is false) is made by solving both regimes and keeping the better.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pvplanner import finance
from solver.api import optimize
from solver.problem import Costs, SizingProblem

CASE = Path(__file__).parent / "data" / "reopt" / "net_metering.json"


# REopt defaults not in the JSON, as stated in the reference README (REopt.jl Financial and
# PV defaults): 25 years, discount 6.24 %, tax 26 %, O&M escalation 2.5 %/yr, degradation
# 0.5 %/yr, ITC basis reduction 0.5.
YEARS = 25
DISCOUNT = 0.0624
TAX = 0.26
OM_ESCALATION = 0.025
DEGRADATION = 0.005
MACRS_ITC_REDUCTION = 0.5
# 5-year MACRS, half-year convention (IRS Publication 946, table A-1; REopt's
# Financial.macrs_five_year).
MACRS_5 = [0.2, 0.32, 0.192, 0.1152, 0.1152, 0.0576]


def _problem(d: dict, *, wholesale: float = 0.0) -> SizingProblem:
    pv = d["PV"]
    tariff = d["ElectricTariff"]
    esc = d["Financial"]["elec_cost_escalation_rate_fraction"]
    pf = np.asarray(pv["production_factor_series"], dtype=float)
    n = pf.shape[0]
    load = np.full(n, d["ElectricLoad"]["annual_kwh"] / 8760.0)  # REopt's FlatLoad
    capex = finance.reopt_effective_capex_per_kw(
        pv["installed_cost_per_kw"], itc_fraction=pv["federal_itc_fraction"],
        macrs_schedule=MACRS_5, macrs_bonus_fraction=pv["macrs_bonus_fraction"],
        macrs_itc_reduction=MACRS_ITC_REDUCTION, tax_rate=TAX, discount_rate=DISCOUNT,
    )
    costs = Costs(
        pv_capex_per_kwp=capex,
        pv_om_per_kwp_year=pv["om_cost_per_kw"],
        pwf_energy=finance.pwf_escalated(YEARS, esc, DISCOUNT) * (1 - TAX),
        pwf_om=finance.pwf_escalated(YEARS, OM_ESCALATION, DISCOUNT) * (1 - TAX),
        production_levelization=finance.reopt_levelization_factor(YEARS, esc, DISCOUNT,
                                                                  DEGRADATION),
    )
    # REopt's bound on a system that does not net meter: the largest monthly load energy.
    month_ends = np.cumsum([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) * 24
    monthly_kwh = np.add.reduceat(load, np.r_[0, month_ends[:-1]])
    return SizingProblem(
        production_kw_per_kwp=pf, load_kw=load,
        import_price_per_kwh=np.full(n, tariff["blended_annual_energy_rate"]),
        export_price_per_kwh=wholesale, step_hours=1.0, costs=costs,
        plane_names=("pv",), plane_max_kwp=[pv["max_kw"]],
        max_total_kwp=float(monthly_kwh.max()),
        net_metering_limit_kw=d["ElectricUtility"]["net_metering_limit_kw"],
    )


@pytest.fixture(scope="module")
def case() -> dict:
    return json.loads(CASE.read_text())


def test_inputs_match_the_readme(case):
    p = _problem(case)
    assert p.load_kwh == pytest.approx(87_600.0)
    # 1,086.6 kWh per kW-yr in Anchorage (README)
    assert p.production_kw_per_kwp.sum() == pytest.approx(1086.6, abs=0.1)
    assert p.max_total_kwp == pytest.approx(7440.0)  # 31 d x 24 h x 10 kW
    # REopt's documented identity: pwf_e(25, 1.66 %, 6.24 %) = 14.82026
    assert finance.pwf_escalated(25, 0.0166, 0.0624) == pytest.approx(14.82026, abs=1e-5)


def test_net_metering_sizes_pv_at_the_30_kw_limit(case):
    p = _problem(case)  # can_wholesale false: exports outside net metering earn nothing
    res = optimize(p)
    assert res.regime == "net_metering"
    assert res.total_kwp == pytest.approx(30.0, abs=0.01)  # REopt asserts 30.0 (atol 0.01)
    # With the README's 0.01 $/kWh for exports outside net metering the choice is the same.
    res2 = optimize(replace(p, export_price_per_kwh=np.full(p.n_steps, 0.01)))
    assert res2.regime == "net_metering"
    assert res2.total_kwp == pytest.approx(30.0, abs=0.01)


def test_wholesale_rate_5_sizes_pv_at_the_monthly_load_bound(case):
    p = _problem(case, wholesale=5.0)
    res = optimize(p)
    assert res.regime == "standard"
    assert res.total_kwp == pytest.approx(7440.0, abs=0.01)  # REopt asserts 7440 kW


def test_min_size_and_renewable_share_export_nothing(case):
    p = replace(_problem(case), min_total_kwp=50.0, min_renewable_share=0.35)
    res = optimize(p)
    assert res.regime == "standard"  # 50 kWp is above the 30 kW net-metering limit
    assert res.total_kwp >= 50.0 - 1e-6
    assert res.totals["self_sufficiency_ratio"] >= 0.35 - 1e-9
    assert res.totals["exported_kwh"] == 0.0  # REopt: no PV energy exported
