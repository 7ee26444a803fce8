"""First sizes of a long battery LP from sampled days (solver.warm.sample_days).

The year's stretches (solver.split) need sizes to fix; they come from one day in
SAMPLE_EVERY_DAYS, each standing for its block of days and a battery cycle of its own,
plus each demand window's peak-load day. Only the start changes: the answer is the LP's.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import solver.highs as highs
import solver.split as split
import solver.warm as warm_start
from solver.build import build_model
from solver.highs import HighsSession
from solver.problem import DemandCharge
from tests._solver_cases import random_problem


def _weeks(n_days: int = 28, seed: int = 12):
    """A battery problem of ``n_days`` days with a demand charge per week."""
    p = random_problem(np.random.default_rng(seed), n_steps=24 * n_days, n_planes=2,
                       battery=True)
    week = np.arange(p.n_steps) // (24 * 7)
    charges = [DemandCharge(week == k, 30.0, f"w{k}") for k in range(int(week.max()) + 1)]
    return replace(p, demand_charges=charges)


def test_sampled_days_stand_for_every_day_and_keep_each_windows_peak_day():
    p = _weeks()
    steps, weights, per_day = warm_start.sample_days(p, 4)
    assert per_day == 24
    days = steps.reshape(-1, 24)[:, 0] // 24
    np.testing.assert_array_equal(steps.reshape(-1, 24) - days[:, None] * 24,
                                  np.tile(np.arange(24), (days.shape[0], 1)))
    day_weight = weights.reshape(-1, 24)[:, 0]
    assert day_weight.sum() == 28 and (day_weight >= 1).all()
    load_day = p.load_kw.reshape(28, 24).max(axis=1)
    for dc in p.demand_charges:
        in_window = np.flatnonzero(dc.window.reshape(28, 24).any(axis=1))
        peak = in_window[np.argmax(load_day[in_window])]
        assert peak in days
    q = warm_start.sampled_problem(p, 4)
    assert q.soc_cycle_steps == 24 and q.n_steps == steps.shape[0]
    np.testing.assert_allclose(q.import_price_per_kwh, p.import_price_per_kwh[steps] * weights)
    assert [dc.rate_per_kw for dc in q.demand_charges] == [30.0] * 4
    # too short a year, or one already cut into cycles: no sample
    assert warm_start.sample_days(_weeks(7), 4) is None
    assert warm_start.sample_days(replace(p, soc_cycle_steps=24), 4) is None


def test_a_split_start_from_sampled_sizes_finds_the_lp_optimum(monkeypatch):
    monkeypatch.setattr(warm_start, "COARSEN_MIN_STEPS", 4)
    monkeypatch.setattr(split, "SPLIT_MIN_DAYS", 3)
    used = []
    sampled = warm_start.sampled_model

    def counting(model, every):
        used.append(every)
        return sampled(model, every)

    monkeypatch.setattr(highs, "sampled_model", counting)
    monkeypatch.setattr(highs, "coarse_model", lambda *a: pytest.fail("coarse model used"))
    m = build_model(_weeks())
    warm = HighsSession(m)
    a = warm.solve()
    b = HighsSession(m, warm_start=False, lazy=False).solve()
    assert warm.start_method == "split" and used == [warm_start.SAMPLE_EVERY_DAYS]
    assert a.status == b.status == "optimal"
    scale = abs(b.objective) + 1.0
    assert a.objective == pytest.approx(b.objective, abs=1e-9 * scale)
