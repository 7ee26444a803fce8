"""Exact and fast PV-only sizing: the sizing LP with its structure exploited.

Without a battery the steps interact only through the sizes ``x``, the demand-charge peaks
and a few year-sum constraints. In each step the value of PV output ``g = lambda f_t . x``
is concave piecewise linear in ``g``: self-consumed at the import price up to the load,
exported at the export price up to the export limit, curtailed beyond. The reduced LP
(:func:`solver.build.build_model` with ``reduce=True``) keeps that model but removes what
cannot change its optimum:

1. **Dark steps** (no plane produces): pv_to_load and pv_to_grid are 0, so they have no
   variables and no rows; their load only gives each demand peak a lower bound.
2. **Always self-consumed steps**: if ``import_price >= export_price`` and even the largest
   feasible array (per-plane bounds capped by the total-size and budget limits) produces no
   more than the load (``f_t . x_max <= load_t``), then ``pv_to_load = g_t`` in some optimal
   solution. Proof: take any feasible solution and move its curtailed and exported energy of
   that step to pv_to_load (possible since ``g_t <= load_t``). The objective does not
   decrease (a kWh on site earns ``import_price >= export_price >= 0``, lowers the import and
   so the peaks), and no constraint gets violated: renewable share, CO2 (emission factors
   >= 0) and the payback bound all count on-site use at least as much as export or
   curtailment, and the self-consumption floor ``(1 - r) onsite - r exported >= 0`` only
   rises when exported or curtailed PV is used on site. (Net metering's "exports <=
   imports" is the exception - curtailing can make room to export elsewhere - so under net
   metering no step is substituted.) Such a
   step therefore needs no variable: its value ``import_price * lambda f_t . x`` is linear in
   ``x`` and is added to the coefficients of ``x``.
3. **Slack demand rows**: with ``l_s <= min(load_s, g_s)`` every window's peak is at least
   ``LB = max_s (load_s - min(load_s, f_s . x_max))``; rows of steps with ``load_t <= LB``
   are implied by that bound and dropped.
4. Per-step limits (``pv_to_load <= load``, ``pv_to_grid <= export limit``) are variable
   bounds, not rows.

Under the behind-the-meter rule (the default, :mod:`solver.physical`) item 2 also covers
conflict steps (export price above import price) whose PV can never reach the load: they
cannot export at all, so their PV is self-consumed. Conflict steps whose PV always covers
the load self-consume the load and export only the surplus. The remaining conflict steps get
an import-or-export binary, and :func:`solver.physical.solve_physical` searches over the
sizes (usually proving the optimum with one LP).

What is left is an LP with variables only where PV can exceed the load, solved by HiGHS
in milliseconds to tens of milliseconds for a year. Being the same optimisation problem, its
optimum equals the full LP's (:mod:`solver.build`, ``reduce=False``) and the PuLP/CBC model's;
``tests/test_solver_pv_only.py`` checks that on random instances.
"""

from __future__ import annotations

from solver.build import build_model
from solver.errors import SolverInputError
from solver.highs import HighsSession
from solver.linear import LinearModel, Regime, SolveOutcome
from solver.physical import solve_physical
from solver.problem import SizingProblem

__all__ = ["build_pv_only_model", "solve_pv_only"]


def build_pv_only_model(problem: SizingProblem, regime: Regime | None = None,
                        **kwargs: object) -> LinearModel:
    """Build the reduced PV-only LP (see module docstring); ``kwargs`` as for
    :func:`solver.build.build_model`."""
    if problem.battery.active:
        raise SolverInputError(
            "the PV-only method cannot size a battery; set battery.allowed=False or use the "
            "'highs' backend"
        )
    return build_model(problem, regime, reduce=True, **kwargs)  # type: ignore[arg-type]


def solve_pv_only(problem: SizingProblem, regime: Regime | None = None, *,
                  time_limit: float | None = None,
                  **kwargs: object) -> tuple[LinearModel, SolveOutcome]:
    """Build and solve the reduced PV-only model (under the behind-the-meter rule unless
    the problem allows simultaneous import and export); returns the model and the outcome,
    whose ``colvals`` are a physical point of the model."""
    model = build_pv_only_model(problem, regime, **kwargs)
    out = solve_physical(HighsSession(model, time_limit=time_limit),
                         time_limit=time_limit).outcome
    out.backend = "pv_only"
    return model, out
