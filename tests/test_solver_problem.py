"""Validation of solver inputs: every bad input raises SolverInputError naming the field."""

from __future__ import annotations

import math

import numpy as np
import pytest

from solver.errors import SolverInputError
from solver.problem import BatteryOptions, Costs, DemandCharge, SizingProblem

T = 24


def _kw(**over):
    kw = dict(
        production_kw_per_kwp=np.tile([0.0] * 6 + [0.5] * 12 + [0.0] * 6, 1)[:T],
        load_kw=np.full(T, 10.0), import_price_per_kwh=np.full(T, 0.8),
        export_price_per_kwh=0.3, step_hours=1.0,
        costs=Costs(pv_capex_per_kwp=3000.0, pwf_energy=12.0),
    )
    kw.update(over)
    return kw


def test_valid_problem_views():
    p = SizingProblem(**_kw())
    assert p.n_steps == T and p.n_planes == 1
    assert p.plane_names == ("plane_1",)
    assert p.load_kwh == pytest.approx(240.0)  # 10 kW x 24 h
    assert p.export_price_per_kwh.shape == (T,)
    assert math.isinf(p.max_total_pv_kwp())
    q = SizingProblem(**_kw(capital_budget=300_000.0))
    assert q.max_total_pv_kwp() == pytest.approx(100.0)  # 300,000 / 3,000 per kWp


@pytest.mark.parametrize(
    ("over", "needle"),
    [
        ({"load_kw": np.full(T - 1, 10.0)}, "load_kw has 23 values"),
        ({"load_kw": np.r_[np.full(T - 1, 10.0), np.nan]}, "load_kw[23]"),
        ({"import_price_per_kwh": np.r_[-0.1, np.full(T - 1, 0.8)]}, "import_price_per_kwh[0]"),
        ({"production_kw_per_kwp": -np.ones(T)}, "negative"),
        ({"step_hours": 0.0}, "step_hours"),
        ({"min_total_kwp": 50.0, "max_total_kwp": 10.0}, "min_total_kwp"),
        ({"plane_min_kwp": [5.0], "plane_max_kwp": [1.0]}, "plane_min_kwp 5"),
        ({"plane_max_kwp": [1.0, 2.0]}, "one value per plane"),
        ({"min_self_consumption": 1.5}, "min_self_consumption"),
        ({"min_co2_reduction_tco2": 5.0}, "grid_tco2_per_kwh is missing"),
        ({"net_metering_credit_per_kwh": 0.5}, "net_metering_limit_kw is not"),
        ({"demand_charges": [DemandCharge(np.ones(T + 1, bool), 10.0)]}, "window has 25 steps"),
        ({"plane_names": ("a", "b")}, "plane_names has 2 names"),
    ],
)
def test_bad_inputs_name_the_field(over, needle):
    with pytest.raises(SolverInputError, match=None) as err:
        SizingProblem(**_kw(**over))
    assert needle in str(err.value)


def test_costs_and_battery_validation():
    with pytest.raises(SolverInputError, match="costs.pwf_energy"):
        Costs(pv_capex_per_kwp=1.0, pwf_energy=0.0)
    with pytest.raises(SolverInputError, match="costs.pv_capex_per_kwp"):
        Costs(pv_capex_per_kwp=-1.0, pwf_energy=1.0)
    with pytest.raises(SolverInputError, match="battery.min_kwh"):
        BatteryOptions(allowed=True, min_kwh=10.0, max_kwh=5.0)
    with pytest.raises(SolverInputError, match="battery.charge_efficiency"):
        BatteryOptions(allowed=True, charge_efficiency=1.2)
    with pytest.raises(SolverInputError, match="rate_per_kw"):
        DemandCharge(np.ones(T, bool), -1.0, "x")
    assert not BatteryOptions(allowed=True, max_kwh=0.0).active
    assert BatteryOptions(allowed=True).active


def test_net_metering_credit_defaults_to_import_price():
    p = SizingProblem(**_kw(net_metering_limit_kw=30.0))
    np.testing.assert_array_equal(p.net_metering_credit_per_kwh, p.import_price_per_kwh)
