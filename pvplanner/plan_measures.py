"""Saving measures and the product footprint inside a plan: glue only.

:func:`pvplanner.pipeline.prepare` calls :func:`measures_on_load` where the load is prepared,
so the PV is sized to the load after the measures; :func:`pvplanner.pipeline.plan` then
prices the measures with the plan's own bill function and grid factor
(:func:`measure_outcome`) and divides the electricity of each stage by the production
(:func:`footprint_outcome`). The formulas live in :mod:`pvplanner.load.measures` and
:mod:`pvplanner.carbon.footprint`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from pvplanner.carbon.footprint import StageEnergy, footprint_factor, product_footprint
from pvplanner.display.messages import has, translate
from pvplanner.errors import PlannerInputError
from pvplanner.load import analyze_load, recommendations
from pvplanner.load.measures import (
    Measure,
    MeasureApplication,
    apply_measures,
    combined_plan,
    resolve_measure,
    value_measures,
)
from pvplanner.messages import Message, bilingual, join_messages
from pvplanner.result_records import FootprintSummary, MeasureResult, MeasuresCombined
from pvplanner.scenario.model import Scenario

__all__ = ["footprint_outcome", "measure_outcome", "measures_on_load"]


def _chosen(scenario: Scenario) -> list[Measure]:
    seen: set[str] = set()
    out = []
    for k, choice in enumerate(scenario.measures):
        if choice.id in seen:
            raise PlannerInputError(Message.of(
                "errors.plan.measure_twice", "measures[{k}].id: {id} is chosen twice; keep one "
                "entry per measure", k=k, id=repr(choice.id)), field=f"measures[{k}].id")
        seen.add(choice.id)
        out.append(resolve_measure(choice.id, choice.overrides(), field=f"measures[{k}]"))
    return out


def _comma(first: Message, rest: Message) -> Message:
    """Two parts of a list joined by each language's comma (``a, b`` / ``a、b``)."""
    return Message.of("errors.plan.join.comma", "{first}, {rest}", first=first, rest=rest)


def _parameter_names(parameters: tuple[str, ...]) -> Message:
    """A measure's parameters by the names its reader knows (``report.measure_params.*``:
    "power switched off", 关停功率), not their ids, as one message in any language.

    Parameters
    ----------
    parameters : tuple of str
        Parameter ids (``cut_kw``...), at least one.

    Returns
    -------
    Message
        The names joined by the reader's comma.
    """
    names = []
    for parameter in parameters:
        key = f"report.measure_params.{parameter}"
        names.append(Message(key, translate(key, "en")) if has(key)
                     else Message("", parameter.replace("_", " ")))
    return join_messages(names, _comma)


def _with_data(measures: list[Measure], load_kw: pd.Series, periods: pd.Series,
               price_per_kwh: pd.Series | None) -> tuple[list[Measure], list[Message]]:
    """Parameters still unknown taken from what the load analytics recommend for this load;
    a measure no recommendation proposes gets nothing and a note (the measure and its
    parameters named in the reader's words)."""
    if not any(m.missing for m in measures):
        return measures, []
    analytics = analyze_load(load_kw, price_per_kwh=price_per_kwh, periods=periods)
    proposed = {r.measure_id: r.measure_overrides for r in recommendations(analytics)
                if r.measure_id}
    out, notes = [], []
    for measure in measures:
        if measure.missing:
            figures = proposed.get(measure.id, {})
            measure = measure.with_data(figures)
            if measure.missing:
                notes.append(Message.of(
                    "load.measures.notes.no_data_figure",
                    "{name}: the load data do not show what it would save (unknown: "
                    "{params}), so it is left out until the scenario gives the {params}",
                    name=bilingual(measure.name_en, measure.name_zh),
                    params=_parameter_names(measure.missing)))
                continue
        out.append(measure)
    return out, notes


def measures_on_load(scenario: Scenario, load_kw: pd.Series, periods: pd.Series,
                     price_per_kwh: pd.Series | None = None
                     ) -> tuple[MeasureApplication, list[Message]]:
    """The scenario's saving measures applied to its load, in the scenario's order.

    Parameters
    ----------
    scenario : Scenario
    load_kw : pandas.Series
        The load on the plan's time axis [kW].
    periods, price_per_kwh : pandas.Series
        The tariff's period and import price of each step (the shift's hours; the load
        analytics that give an off-hours cut from the data).

    Returns
    -------
    (MeasureApplication, list of Message)
        The load before and after; notes for the plan's warnings.
    """
    chosen, notes = _with_data(_chosen(scenario), load_kw, periods, price_per_kwh)
    application = apply_measures(load_kw, chosen, periods)
    return application, [*notes, *application.notes]


def measure_outcome(application: MeasureApplication | None, *,
                    bill_total: Callable[[np.ndarray], float], tco2_per_kwh: float,
                    bill_with_system: float, capex_system: float, tco2_system: float
                    ) -> tuple[list[MeasureResult], MeasuresCombined | None]:
    """Each measure's energy, bill savings, cost, payback and CO2, and the combined plan.

    ``bill_total`` is the plan's bill of a load array (the tariff's ``compute_bill``);
    ``tco2_per_kwh`` the location-based factor; the rest are the system's year-1 figures.
    """
    if application is None or not application.steps:
        return [], None
    rows = value_measures(application, bill_total, tco2_per_kwh)
    baseline_kwh = float(application.baseline_kw.sum() * application.step_hours)
    combined = combined_plan(
        rows, baseline_load_kwh=baseline_kwh,
        bill_baseline=bill_total(application.baseline_kw.to_numpy(dtype=float)),
        bill_with_system=bill_with_system, capex_system=capex_system, tco2_system=tco2_system)
    return rows, combined


def _monthly_kwh(values: pd.Series | np.ndarray, index: pd.DatetimeIndex,
                 step_hours: float) -> np.ndarray:
    energy = np.asarray(values, dtype=float) * step_hours
    return np.bincount(index.month.to_numpy() - 1, weights=energy, minlength=12)[:12]


def footprint_outcome(scenario: Scenario, application: MeasureApplication | None,
                      hourly: pd.DataFrame, step_hours: float, *, location_tco2_per_mwh: float,
                      residual_tco2_per_mwh: float) -> FootprintSummary | None:
    """Electricity per unit of product before and after the measures and the system.

    ``hourly`` is the plan's year-1 table (:attr:`pvplanner.result.Result.hourly`); None
    when the scenario gives no production.
    """
    production = scenario.production
    if production is None:
        return None
    index = pd.DatetimeIndex(hourly.index)

    def month(column: str) -> np.ndarray:
        return _monthly_kwh(hourly[column], index, step_hours)

    stages = {}
    if application is not None and application.steps:
        stages["baseline"] = StageEnergy.grid_only(
            _monthly_kwh(application.baseline_kw, index, step_hours))
        stages["measures"] = StageEnergy.grid_only(month("load_kw"))
    else:
        stages["baseline"] = StageEnergy.grid_only(month("load_kw"))
    stages["system"] = StageEnergy(
        load_kwh=month("load_kw"), grid_kwh=month("grid_import_kw"),
        self_consumed_kwh=month("pv_to_load_kw") + month("pv_to_battery_kw"),
        exported_kwh=month("pv_to_grid_kw"))
    return product_footprint(
        production.monthly_units, production.unit, stages,
        factor=footprint_factor(production.footprint_factor_id),
        location_tco2_per_mwh=location_tco2_per_mwh,
        residual_tco2_per_mwh=residual_tco2_per_mwh, certificates=scenario.carbon.certificates)
