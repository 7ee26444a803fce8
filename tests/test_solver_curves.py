"""NPV-vs-capacity curve and NPV-vs-CO2 frontier."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from solver.api import optimize
from solver.curves import co2_frontier, npv_curve
from solver.errors import SolverInputError
from tests._solver_cases import random_problem


def _scale(p) -> float:
    return p.costs.pwf_energy * float(p.import_price_per_kwh @ p.load_kw)


@pytest.mark.parametrize("battery", [False, True])
def test_npv_curve_peaks_at_the_optimum(battery):
    rng = np.random.default_rng(31)
    p = random_problem(rng, n_steps=72, n_planes=2, battery=battery)
    if battery:  # an LP: charged from the grid too (PV-only charging: its own test)
        p = replace(p, battery=replace(p.battery, grid_charging=True))
    best = optimize(p)
    ub = float(p.plane_max_kwp.sum())
    values = np.r_[np.linspace(0, ub, 13), best.total_kwp, ub * 1.1]
    df = npv_curve(p, values)
    tol = 1e-6 * _scale(p)  # LP tolerance + tie-break terms, relative to the bill value
    assert list(df["total_kwp"]) == pytest.approx(list(values))
    assert df["feasible"].iloc[:-1].all() and not df["feasible"].iloc[-1]  # beyond the roof
    assert np.isnan(df["npv"].iloc[-1])
    assert df["npv"].iloc[:-1].max() <= best.npv + tol
    assert df["npv"].iloc[13] == pytest.approx(best.npv, abs=tol)
    # the optimal value of an LP is concave in a right-hand side: second differences <= 0
    npv = df["npv"].iloc[:13].to_numpy()
    assert (np.diff(npv, 2) <= tol).all()
    # each point equals a separate optimisation at that fixed size
    v = float(values[5])
    fixed = optimize(replace(p, min_total_kwp=v, max_total_kwp=v))
    assert df["npv"].iloc[5] == pytest.approx(fixed.npv, abs=tol)


def test_npv_curve_with_fixed_capex_and_cbc():
    rng = np.random.default_rng(32)
    p = random_problem(rng, n_steps=48, n_planes=1)
    p = replace(p, costs=replace(p.costs, fixed_capex=100.0))
    df = npv_curve(p, [0.0, 10.0, 20.0])
    plain = npv_curve(replace(p, costs=replace(p.costs, fixed_capex=0.0)), [0.0, 10.0, 20.0])
    assert df["npv"].iloc[0] == 0.0
    np.testing.assert_allclose(df["npv"].iloc[1:], plain["npv"].iloc[1:] - 100.0, rtol=1e-9)
    cbc = npv_curve(p, [0.0, 10.0, 20.0], backend="cbc")
    np.testing.assert_allclose(cbc["npv"], df["npv"], atol=1e-6 * _scale(p))
    with pytest.raises(SolverInputError):
        npv_curve(p, [-1.0])


@pytest.mark.parametrize("battery", [False, True])
def test_co2_frontier(battery):
    rng = np.random.default_rng(33)
    p = random_problem(rng, n_steps=72, n_planes=2, battery=battery)
    p = replace(p, costs=replace(p.costs, pv_capex_per_kwp=1.5 * p.costs.pv_capex_per_kwp))
    best = optimize(p)
    df = co2_frontier(p, 6)
    tol = 1e-6 * _scale(p)  # LP tolerance + tie-break terms, relative to the bill value
    assert len(df) == 6 and df["feasible"].all()
    assert df["npv"].iloc[0] == pytest.approx(best.npv, abs=tol)
    assert (np.diff(df["npv"]) <= tol).all()  # more CO2 never comes cheaper
    assert (df["co2_avoided_tco2"] >= df["co2_target_tco2"] * (1 - 1e-6) - 1e-9).all()
    # the last point is the most CO2 the constraints allow
    top = optimize(p, "min_cost_for_co2", co2_target_tco2=df["co2_target_tco2"].iloc[-1]
                   * (1 - 1e-6))
    # the frontier's top point sits at the CO2 maximum, where the NPV is steep in the
    # target: 1e-6 of relative slack on the target moves it by up to ~1e-4 of the bill value
    assert top.npv == pytest.approx(df["npv"].iloc[-1], abs=1e-4 * _scale(p))
    with pytest.raises(SolverInputError):
        co2_frontier(replace(p, grid_tco2_per_kwh=None), 3)
