"""One-at-a-time sensitivity (tornado) of any scalar result, usually the NPV, and the
tornado of a sized design's cash-flow NPV (:func:`design_tornado`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.finance.cashflow import Year1Savings, cash_flow_table
from pvplanner.finance.inputs import CapexBreakdown, FinanceInputs, finance_defaults
from pvplanner.finance.metrics import npv
from pvplanner.messages import Message

__all__ = ["DESIGN_FACTORS", "default_tornado_factors", "design_tornado", "tornado"]

#: The inputs :func:`design_tornado` moves, in the order a reader meets them.
DESIGN_FACTORS: tuple[str, ...] = ("capex", "tariff", "export_price", "yield", "discount_rate")


def default_tornado_factors() -> dict[str, dict[str, Any]]:
    """Factor -> ``{"kind": "relative"|"absolute", "low": x, "high": y}`` from the data file."""
    return {k: dict(v) for k, v in finance_defaults()["tornado"].items()}


def tornado(
    base_inputs: Mapping[str, float],
    evaluate: Callable[[dict[str, float]], float],
    factors: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Low/high result per factor, sorted by swing (largest first).

    Parameters
    ----------
    base_inputs : mapping
        Base value of every factor, e.g. ``{"capex": 3100, "tariff": 1.0, "yield": 1.0,
        "discount_rate": 0.06, "export_price": 0.4153}``. Its meaning is up to ``evaluate``.
    evaluate : callable
        ``evaluate(values) -> float`` with a full copy of ``base_inputs`` in which one factor
        is changed. Pure: it must not modify its argument.
    factors : mapping, optional
        Factor -> ``{"kind": "relative"|"absolute", "low": dl, "high": dh}``: relative
        factors become ``base (1 + d)``, absolute ones ``base + d``. Default: capex +/-20 %,
        tariff +/-20 %, yield +/-10 %, discount rate +/-2 pp, export price +/-30 %
        (``data/finance_defaults.toml``).

    Returns
    -------
    pandas.DataFrame
        Columns ``factor``, ``base_value``, ``low_value``, ``high_value``, ``base_result``,
        ``result_low``, ``result_high``, ``swing`` (= |high - low|).
    """
    spec = default_tornado_factors() if factors is None else factors
    base = {k: float(v) for k, v in base_inputs.items()}
    base_result = float(evaluate(dict(base)))
    rows = []
    for name, f in spec.items():
        if name not in base:
            raise PlannerInputError(
                Message.of("errors.finance.tornado_no_base",
                           "tornado factor '{name}' has no base value; base inputs are {inputs}",
                           name=name, inputs=str(sorted(base))),
                field=f"tornado.{name}",
            )
        kind = f.get("kind", "relative")
        if kind not in ("relative", "absolute"):
            raise PlannerInputError(
                Message.of("errors.finance.tornado_kind",
                           "tornado factor '{name}': kind must be 'relative' or 'absolute', got "
                           "{kind}", name=name, kind=repr(kind)),
                field=f"tornado.{name}.kind",
            )
        values = []
        for delta in (float(f["low"]), float(f["high"])):
            values.append(base[name] * (1.0 + delta) if kind == "relative"
                          else base[name] + delta)
        results = [float(evaluate({**base, name: v})) for v in values]
        rows.append({
            "factor": name,
            "base_value": base[name],
            "low_value": values[0],
            "high_value": values[1],
            "base_result": base_result,
            "result_low": results[0],
            "result_high": results[1],
            "swing": abs(results[1] - results[0]),
        })
    columns = ["factor", "base_value", "low_value", "high_value", "base_result",
               "result_low", "result_high", "swing"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def _scaled(values: Sequence[float] | np.ndarray | None, factor: float) -> np.ndarray | None:
    return None if values is None else np.asarray(values, dtype=float) * factor


def design_tornado(
    inputs: FinanceInputs,
    *,
    capex_breakdown: CapexBreakdown,
    year1_savings: Year1Savings,
    degradation_factors: Sequence[float] | np.ndarray,
    certificate_revenue_by_year: Sequence[float] | np.ndarray | None = None,
    credit_revenue_by_year: Sequence[float] | np.ndarray | None = None,
    export_price_factors: Sequence[float] | np.ndarray | None = None,
    factors: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """The cash-flow NPV of one sized design with one input moved at a time.

    The design (PV and battery sizes) and its year-1 dispatch stay as planned: nothing is
    re-sized or re-dispatched, so the table shows how the chosen design's NPV responds, not
    what the best design would be under other prices. The NPV is the one
    :func:`pvplanner.finance.project.project_returns` reports for the scenario's ownership
    (the owner's, the EMC investor's or the lessee's cash flow), so the base case equals
    it.

    Factors (``kind`` and ranges from ``data/finance_defaults.toml`` ``[tornado]`` unless
    ``factors`` is given):

    ``capex``
        Every initial cost (PV, battery, fixed) times ``1 + d`` (a lease payment derived
        from the capex follows).
    ``tariff``
        The grid price level: year-1 energy and demand savings times ``1 + d``.
    ``export_price``
        Export revenue times ``1 + d``.
    ``yield``
        PV output: every kWh and the money earned per kWh (energy savings, export revenue,
        certificates, credits, generation subsidy) times ``1 + d``; demand savings unchanged.
    ``discount_rate``
        The discount rate plus ``d`` (absolute).

    Parameters
    ----------
    inputs : FinanceInputs
        The scenario's finance inputs.
    capex_breakdown, year1_savings, degradation_factors, certificate_revenue_by_year, \
credit_revenue_by_year, export_price_factors
        As passed to :func:`~pvplanner.finance.project.project_returns` for the design.
    factors : mapping, optional
        Factor -> ``{"kind", "low", "high"}`` for some of :data:`DESIGN_FACTORS`.

    Returns
    -------
    pandas.DataFrame
        One row per factor, largest swing first: ``factor``, ``kind`` (``relative`` /
        ``absolute``), ``low_change``, ``high_change`` (the moves: fractions of the planned
        value for relative factors, fractions per year added to the discount rate),
        ``base_value``, ``low_value``, ``high_value`` (multipliers of the planned value,
        1 = as planned; the discount rate itself [fraction/yr]), ``base_result``,
        ``result_low``, ``result_high`` (NPV [currency]) and ``swing`` [currency].

    Examples
    --------
    >>> from pvplanner.finance import capex_breakdown
    >>> owner = FinanceInputs()
    >>> table = design_tornado(owner, capex_breakdown=capex_breakdown(owner, 100.0),
    ...     year1_savings=Year1Savings(40000.0, 5000.0, 0.0, 90000.0, 10000.0, 100000.0),
    ...     degradation_factors=[1.0] * 25)
    >>> sorted(table["factor"]) == sorted(DESIGN_FACTORS)
    True
    >>> bool((table["result_low"] < table["result_high"]).loc[table["factor"] == "tariff"].all())
    True
    """
    spec = default_tornado_factors() if factors is None else {k: dict(v) for k, v in
                                                              factors.items()}
    spec = {name: spec[name] for name in DESIGN_FACTORS if name in spec}
    base = {name: 1.0 for name in DESIGN_FACTORS}
    base["discount_rate"] = float(inputs.discount_rate)

    def evaluate(values: dict[str, float]) -> float:
        capex, tariff, export, output = (values["capex"], values["tariff"],
                                         values["export_price"], values["yield"])
        cb = dataclasses.replace(
            capex_breakdown, pv=capex_breakdown.pv * capex,
            battery_energy=capex_breakdown.battery_energy * capex,
            battery_power=capex_breakdown.battery_power * capex,
            fixed=capex_breakdown.fixed * capex)
        s = year1_savings
        savings = dataclasses.replace(
            s, energy_savings=s.energy_savings * tariff * output,
            demand_savings=s.demand_savings * tariff,
            export_revenue=s.export_revenue * export * output,
            self_consumed_kwh=s.self_consumed_kwh * output,
            exported_kwh=s.exported_kwh * output, generation_kwh=s.generation_kwh * output)
        moved = inputs
        if values["discount_rate"] != base["discount_rate"]:
            moved = inputs.model_copy(update={"discount_rate": values["discount_rate"]})
        # The investing party's table (owner, EMC investor, lessee), as project_returns
        # builds it; only its NPV is needed (no IRR search).
        table = cash_flow_table(
            moved, capex_breakdown=cb, year1_savings=savings,
            degradation_factors=degradation_factors,
            certificate_revenue_by_year=_scaled(certificate_revenue_by_year, output),
            credit_revenue_by_year=_scaled(credit_revenue_by_year, output),
            export_price_factors=export_price_factors)
        return npv(moved.discount_rate, table["net_cash_flow_project"])

    table = tornado(base, evaluate, spec)
    table.insert(1, "kind", [spec[name].get("kind", "relative") for name in table["factor"]])
    table.insert(2, "low_change", [float(spec[name]["low"]) for name in table["factor"]])
    table.insert(3, "high_change", [float(spec[name]["high"]) for name in table["factor"]])
    return table
