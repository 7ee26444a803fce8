"""``plan(scenario) -> Result``: glue only. Every formula lives in the module it belongs to.

Steps: weather -> PV output per kWp of each roof plane (pv) -> load (load) -> prices and
demand windows (tariff) -> present-worth factors (finance) -> optimal sizes (solver via
sizing) -> year-1 dispatch of the chosen design -> its bills, cash flow and carbon in a
Result (:mod:`pvplanner.assemble`). Weather, PV profiles and loads are memoized per process so the app re-plans in well under a
second after an input changes.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pvplanner import carbon, finance
from pvplanner.aggregate import typical_days_of
from pvplanner.assemble import Prepared, assemble_result
from pvplanner.display.messages import render
from pvplanner.errors import InfeasibleScenarioError, PlannerInputError
from pvplanner.load import load_from_annual_kwh, load_from_monthly_bills, read_meter_file
from pvplanner.messages import Message, bilingual, chinese_money_unit, join_messages
from pvplanner.plan_measures import measures_on_load
from pvplanner.pv.simulation import ac_kw_per_kwp, degradation_factors, plane_max_kwp
from pvplanner.pv.site_weather import load_weather
from pvplanner.pv.subhourly import quarter_hour_profiles
from pvplanner.result import Result
from pvplanner.scenario.model import Scenario, parse_scenario
from pvplanner.scenario.province import site_province
from pvplanner.sizing import SizingInputs, build_problem, sizing_finance
from pvplanner.tariff import (
    ExportPolicy,
    ResolvedTariff,
    Tariff,
    demand_charge_windows,
    price_series,
    resolve_tariff,
)
from pvplanner.tariff.category import RULE as PROJECT_RULE
from pvplanner.tariff.category import ProjectRules, project_rules
from pvplanner.tariff.export import (
    ExportTerms,
    applied_export_policy,
    apply_export_policy,
    export_terms,
    export_year_factors,
)
from pvplanner.tariff.province import (
    AUTO_PRESETS,
    PresetPick,
    default_preset,
    other_province_note,
)
from solver.curves import LaterCurve, optimize_curve_later
from solver.design import design_dispatch
from solver.errors import CurveStopped as CurveStopped  # for the app, which imports no solver
from solver.errors import InfeasibleProblemError
from weather.meta import WeatherNote
from weather.timeaxis import on_utc_offset, standard_utc_offset_hours, typical_year_index

#: Points of the NPV-versus-capacity curve shown in the app and the proposal (each point is
#: one optimisation; with a battery each is a full LP, so fewer points are computed).
NPV_CURVE_POINTS = 21
NPV_CURVE_POINTS_WITH_BATTERY = 9


@dataclass(frozen=True)
class TariffDecision:
    """The tariff a plan of a scenario prices and why: decided once, in
    :func:`scenario_tariff_decision`.

    Attributes
    ----------
    tariff : Tariff
        With the export rule applied (zero export when the plant may not export).
    resolved : ResolvedTariff
        The preset version (or bill / custom tariff) and its record.
    project : ProjectRules
        Category, grid-connection mode, capacity limit and minimum self-consumption share
        (国能发新能规〔2025〕7号).
    pick : PresetPick or None
        The site province's preset and the rule that picked it, when the scenario names
        none.
    notes : tuple of str
        For ``Result.warnings``: the tariff's notes, a tariff of another province than the
        site's, what the project's rules changed.
    """

    tariff: Tariff
    resolved: ResolvedTariff
    project: ProjectRules
    pick: PresetPick | None = None
    notes: tuple[str, ...] = ()

    def pick_row(self) -> dict:
        """The assumption row of how the tariff preset was chosen (category ``tariff``)."""
        if self.pick is not None:
            return {"category": "tariff", "item": "tariff.preset_choice",
                    "value": "province_default", "unit": "", "source": self.pick.rule,
                    "date": "", "status": "derived", "value_zh": None}
        return {"category": "tariff", "item": "tariff.preset_choice", "value": "named",
                "unit": "", "source": "user input", "date": "", "status": "user",
                "value_zh": None}


#: The optimizer's constraint groups -> the scenario fields that set them.
SOLVER_GROUP_FIELDS: dict[str, str] = {
    "min_total_kwp": "constraints.min_total_kwp",
    "max_total_kwp": "constraints.max_total_kwp",
    "interconnection_limit_kw": "constraints.interconnection_limit_kw",
    "capital_budget": "constraints.capital_budget",
    "battery_min": "battery.min_energy_kwh",
    "min_self_consumption": "constraints.min_self_consumption_ratio",
    "min_renewable_share": "constraints.min_renewable_share",
    "min_co2_reduction": "constraints.co2_reduction_target_tco2",
    "max_payback": "constraints.max_payback_years",
}


def _infeasible_in_scenario_terms(exc: InfeasibleProblemError,
                                  currency: str) -> InfeasibleScenarioError:
    """The optimizer's conflict, naming the scenario fields to change. The English is the
    optimizer's; its diagnosis as data (:class:`solver.api.Conflict`) and the fields, as
    nested messages, read in any language (a Chinese reader gets the inputs by their names
    on the pages)."""
    groups = [g for g in exc.conflicting if g in SOLVER_GROUP_FIELDS]
    # The inputs by their names on the pages (the error's field, for the command line, is
    # the first one's key).
    fields = [Message(f"errors.plan.constraint.{g}", render(Message(
        f"errors.plan.constraint.{g}", g), "en")) for g in groups]
    named = (Message.of("errors.plan.infeasible_fields",
                        " (the input{plural} to loosen: {fields})",
                        plural=bilingual("s" if len(fields) > 1 else "", ""),
                        fields=join_messages(fields, _comma))
             if fields else Message.of("errors.plan.infeasible_unnamed", "; loosen a goal or "
                                       "limit (capacity, budget, self-consumption or CO2 "
                                       "target)"))
    detail = (Message("errors.plan.diagnosis", str(exc), {"conflicts": join_messages(
        [_conflict_message(c, currency) for c in exc.conflicts], _full_stop)})
        if exc.conflicts else bilingual(str(exc), ""))
    message = Message.of("errors.plan.infeasible", "{detail}{named}", detail=detail,
                         named=named)
    return InfeasibleScenarioError(message, conflicting=exc.conflicting,
                                   field=SOLVER_GROUP_FIELDS[groups[0]] if groups else None)


def _conflict_message(conflict: Any, currency: str) -> Message:
    """One of the optimizer's conflicts (:class:`solver.api.Conflict`) as a message of the
    catalogue (``errors.plan.conflict.*``, its facts ``errors.plan.fact.*``); sums of money
    in ``currency`` in Chinese (元 for CNY; the optimizer's English has none)."""
    unit = chinese_money_unit(currency)

    def fact(item: Any) -> Message:
        values: dict[str, Any] = dict(item.values)
        if "money" in values:
            values["money"] = bilingual(values["money"], f"{values['money']} {unit}")
        return Message(f"errors.plan.fact.{item.kind}", str(item), values)

    key = f"errors.plan.conflict.{conflict.relation}"
    if conflict.relation == "together":
        return Message(key, str(conflict),
                       {"facts": join_messages([fact(f) for f in conflict.facts], _semicolon)})
    facts = [fact(f) for f in conflict.facts]
    values = {"first": facts[0], "other": facts[-1]}
    if conflict.hint is not None:
        key, values["hint"] = key + "_hint", fact(conflict.hint)
    return Message(key, str(conflict), values)


def _comma(first: Message, rest: Message) -> Message:
    return Message.of("errors.plan.join.comma", "{first}, {rest}", first=first, rest=rest)


def _semicolon(first: Message, rest: Message) -> Message:
    return Message.of("errors.plan.join.semicolon", "{first}; {rest}", first=first, rest=rest)


def _full_stop(first: Message, rest: Message) -> Message:
    return Message.of("errors.plan.join.full_stop", "{first}. {rest}", first=first, rest=rest)


def plan(scenario: Scenario | dict, *, with_npv_curve: bool = True,
         aggregate_days: int | None = None, with_sensitivity: bool = True) -> Result:
    """Size PV (and a battery) for a scenario and report energy, money and carbon.

    Parameters
    ----------
    scenario : Scenario or dict
        Validated model, or a dict validated here.
    with_npv_curve : bool, default True
        Compute the NPV-versus-capacity curve (one optimisation per point); batch runs and
        the CLI's ``plan``, which only need the optimum, switch it off (``Result.npv_curve``
        stays empty and ``Result.not_computed`` names it).
    aggregate_days : int, optional
        Size and dispatch a scenario that allows a battery on this many typical days
        (24..365; :mod:`pvplanner.aggregate`) instead of the exact year: portfolios
        (``pvplanner batch --aggregate N``). Default: the exact year.
    with_sensitivity : bool, default True
        Compute the design's NPV tornado (``Result.sensitivity``); batch runs, whose table
        does not show it, switch it off. What is switched off is named in
        ``Result.not_computed`` (its table stays empty, never zeros).

    Returns
    -------
    Result

    Raises
    ------
    PlannerInputError, WeatherInputError, SolverInputError, InfeasibleProblemError
        A problem with the user's inputs, with a message naming it.
    """
    result, curve = plan_curve_later(scenario, aggregate_days=aggregate_days,
                                     with_sensitivity=with_sensitivity)
    if with_npv_curve:
        curve.fill()
    else:
        curve.release()
    return result


class PendingCurve:
    """The NPV-versus-capacity curve of a plan, added to its Result when asked
    (:func:`plan_curve_later`).

    :meth:`fill` computes the curve (with a battery, from the sizing's optimal basis,
    :class:`solver.curves.LaterCurve`), sets ``Result.npv_curve``, takes ``"npv_curve"``
    out of ``Result.not_computed`` and adds its time to ``Result.timings_s``; later calls
    and other threads get the same Result at once.
    """

    def __init__(self, result: Result, later: LaterCurve, total_kwp_values: np.ndarray) -> None:
        self.result = result
        self._later = later
        self._values = total_kwp_values
        self._lock = threading.Lock()

    @property
    def filled(self) -> bool:
        """Whether the Result holds its curve."""
        return "npv_curve" not in self.result.not_computed

    def fill(self, *, stop: Callable[[], bool] | None = None) -> Result:
        """The Result with its NPV curve (computed on the first call).

        Parameters
        ----------
        stop : callable, optional
            Asked before each point of the curve; when it answers True the computation
            ends with :class:`solver.errors.CurveStopped`, the Result stays without its
            curve and a later call computes it afresh (as an app's background drawing does
            when a newer plan needs the machine).
        """
        with self._lock:
            if not self.filled:
                curve = self._later.compute(self._values, stop=stop)
                seconds = float(curve.attrs.get("seconds", 0.0))
                self.result.npv_curve = curve
                self.result.not_computed = tuple(
                    name for name in self.result.not_computed if name != "npv_curve")
                self.result.timings_s["npv_curve"] = seconds
                self.result.timings_s["total"] = (
                    self.result.timings_s.get("total", 0.0) + seconds)
        return self.result

    def release(self) -> None:
        """Free the sizing's solver sessions (a later :meth:`fill` solves afresh)."""
        self._later.release()


def plan_curve_later(scenario: Scenario | dict, *, aggregate_days: int | None = None,
                     with_sensitivity: bool = True) -> tuple[Result, PendingCurve]:
    """:func:`plan` without the NPV curve, and the means to add it afterwards.

    With a battery the curve costs as much as the sizing itself (a re-solve of the
    year-long LP per point), so an app shows the plan's figures as soon as the optimum is
    known and draws the curve only where a page shows it (:meth:`PendingCurve.fill`,
    from the sizing's optimal basis as :func:`plan` does). Until then
    ``Result.npv_curve`` is empty and ``Result.not_computed`` names it.

    Parameters
    ----------
    scenario, aggregate_days, with_sensitivity
        As for :func:`plan`.

    Returns
    -------
    (Result, PendingCurve)
    """
    scenario = parse_scenario(scenario)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    prepared = prepare(scenario)
    # Typical days only where the battery makes the exact year slow (pvplanner.aggregate).
    days = (typical_days_of(prepared.sizing, aggregate_days)
            if aggregate_days is not None and scenario.battery.allowed else None)
    timings["prepare"] = time.perf_counter() - start

    degradation = degradation_factors(
        scenario.finance.analysis_years,
        scenario.pv.degradation_first_year_percent,
        scenario.pv.degradation_annual_percent,
    )
    optimise_finance = sizing_finance(scenario)
    export_factors = export_year_factors(prepared.export, scenario.finance.analysis_years)
    factors = finance.present_worth_factors(optimise_finance, degradation, export_factors)

    tick = time.perf_counter()
    limits = _project_limits(prepared.project)
    problem = build_problem(scenario, prepared.sizing, factors, **limits)
    problem = days.reduce(problem) if days is not None else problem
    limit_s = scenario.constraints.solver_time_limit_s
    options: dict[str, Any] = {"objective": scenario.constraints.objective,
                               "max_payback_years": scenario.constraints.max_payback_years,
                               "search_time_limit_seconds": limit_s}
    points = NPV_CURVE_POINTS_WITH_BATTERY if scenario.battery.allowed else NPV_CURVE_POINTS
    try:
        # The sizing's sessions are kept for the curve (solver.curves.LaterCurve).
        sized, later = optimize_curve_later(problem, **options)
    except InfeasibleProblemError as exc:
        raise _infeasible_in_scenario_terms(exc, scenario.currency) from exc
    timings["optimize"] = time.perf_counter() - tick

    tick = time.perf_counter()
    design = build_problem(
        scenario, prepared.sizing, factors,
        fixed_kwp=sized.kwp_per_plane,
        fixed_battery=(sized.battery_kwh, sized.battery_kw),
        **limits,
    )
    design = days.reduce(design) if days is not None else design
    # The sizing's own dispatch where it is provably the design's best (solver.design).
    year1 = (design_dispatch(problem, sized, design,
                             max_payback_years=options["max_payback_years"],
                             search_time_limit_seconds=limit_s)
             if sized.total_kwp > 0 or sized.battery_kwh > 0 else sized)
    if days is not None:  # the Result describes the typical days copied onto the year
        prepared = replace(prepared, sizing=days.expand_inputs(prepared.sizing),
                           load_notes=(*prepared.load_notes, days.note()))
        year1 = replace(year1, dispatch=days.expand_dispatch(year1.dispatch))
    timings["evaluate_dispatch"] = time.perf_counter() - tick

    tick = time.perf_counter()
    result = assemble_result(scenario, prepared, sized, year1, degradation, export_factors,
                             pd.DataFrame(), with_sensitivity=with_sensitivity)
    result.not_computed = (*result.not_computed, "npv_curve")
    result.timings_s.update(timings)
    result.timings_s["report"] = time.perf_counter() - tick
    result.timings_s["total"] = time.perf_counter() - start
    return result, PendingCurve(
        result, later, _curve_sizes(prepared.sizing.plane_max_kwp.sum(), points))


def site_utc_offset_hours(scenario: Scenario) -> float:
    """The standard-time offset of the scenario's time axis [h]: entered, or the site's zone."""
    site = scenario.site
    if site.utc_offset_hours is not None:
        return float(site.utc_offset_hours)
    return standard_utc_offset_hours(site.latitude, site.longitude)


def prepare(scenario: Scenario) -> Prepared:
    """Weather, PV profiles, load, prices and windows for a scenario (memoized parts).

    The time axis is the load's: 35,040 quarter hours for a meter file of 15-minute
    readings (PV from the weather's quarter hours, or each simulated hour split into four
    along the clear-sky shape, its energy kept: :mod:`pvplanner.pv.subhourly`), else 8,760
    hours.
    """
    site = scenario.site
    offset = site_utc_offset_hours(scenario)
    interval = _load_interval(scenario, offset)
    weather_key = (
        site.latitude, site.longitude,
        scenario.weather.source if scenario.weather.source != "file" else "auto",
        scenario.weather.file if scenario.weather.source == "file" else None,
        scenario.weather.seed, offset,
    )
    _, wx_meta = _weather(weather_key, interval)
    if wx_meta.utc_offset_hours != offset:  # not a whole number of the weather's steps
        raise PlannerInputError(
            Message.of("errors.plan.utc_mismatch",
                       "the weather data are in UTC{weather:+g} and cannot be moved to the "
                       "site's time zone, UTC{site:+g}, at their one-hour steps: give the "
                       "site's time zone in whole hours from the weather's, or weather at "
                       "15-minute steps", weather=float(wx_meta.utc_offset_hours),
                       site=float(offset)),
            field="site.utc_offset_hours",
        )
    elevation = site.elevation_m if site.elevation_m is not None else wx_meta.elevation_m
    profiles, split_note = _profiles(
        weather_key, float(elevation), _json(scenario.roof_planes), scenario.pv.model_dump_json(),
        interval,
    )
    index = profiles.index
    decision = _tariff_and_version(scenario)
    if decision.tariff.currency != scenario.currency:
        # Prices in one currency, costs and every figure labelled in another: no plan.
        raise PlannerInputError(Message.of(
            "errors.plan.currency_mismatch", "the tariff “{tariff}” is priced in "
            "{tariff_currency} but the scenario's amounts are in {currency}: plan in "
            "{tariff_currency}, or enter the tariff's prices in {currency}", tariff=bilingual(
                decision.tariff.name, decision.tariff.name_zh or decision.tariff.name),
            tariff_currency=decision.tariff.currency, currency=scenario.currency),
            field="currency")
    tariff = decision.tariff
    prices = price_series(tariff, index)
    load_kw, notes, interval = _load(scenario, index, prices["period"], offset)
    notes += [split_note] if split_note else []
    # -- Saving measures (issue 17): applied to the load before the PV is sized. --
    measured, measure_notes = measures_on_load(scenario, load_kw, prices["period"],
                                               prices["import_price_per_kwh"])
    load_kw, notes = measured.load_kw, [*notes, *measure_notes]
    # --
    windows = demand_charge_windows(tariff, index)
    # The factor named by the scenario, else the latest average of the province the tariff
    # follows (pvplanner.scenario.province: the nearest city's for a site without one).
    follows = _tariff_follows_province(scenario)
    province, placed = site_province(scenario, tariff_follows=follows)
    location = _location_factor(province, scenario.carbon.location_factor_id)
    if placed is not None and not follows and scenario.carbon.location_factor_id is None:
        notes.append(placed)  # with a province preset, the tariff's note says it
    factor = location.factor
    residual = _residual_factor(scenario.carbon.residual_factor_id)
    sizing = SizingInputs(
        production_kw_per_kwp=profiles,
        load_kw=load_kw,
        import_price_per_kwh=prices["import_price_per_kwh"].to_numpy(dtype=float),
        export_price_per_kwh=prices["export_price_per_kwh"].to_numpy(dtype=float),
        demand_windows=windows,
        plane_max_kwp=np.array([plane_max_kwp(p) for p in scenario.roof_planes]),
        grid_tco2_per_kwh=factor.factor_tco2_per_mwh / 1000.0,
        export_allowed=tariff.allows_export,
    )
    return Prepared(
        index=index, weather_meta=wx_meta.to_dict(), elevation_m=float(elevation),
        tariff=tariff, prices=prices, sizing=sizing, load_notes=tuple(notes),
        emission_factor=factor, residual_factor=residual, export=export_terms(tariff.export),
        utc_offset_hours=float(offset), load_interval_minutes=interval,
        measures=measured if measured.steps else None,
        tariff_rows=(decision.pick_row(), *decision.resolved.assumption_rows()),
        tariff_notes=decision.notes, project=decision.project,
        emission_factor_basis=location.basis,
    )


def _tariff_follows_province(scenario: Scenario) -> bool:
    """Whether the tariff is the site province's preset (no preset or custom tariff named)."""
    return scenario.tariff.custom is None and scenario.tariff.preset in AUTO_PRESETS


@lru_cache(maxsize=64)
def _location_factor(province: str | None, chosen_id: str | None) -> carbon.LocationFactorChoice:
    """:func:`pvplanner.carbon.location_factor_for`, looked up once per (province, id) and
    process: the factor table is read once per process and the choice is immutable."""
    return carbon.location_factor_for(province, chosen_id)


@lru_cache(maxsize=16)
def _residual_factor(factor_id: str) -> carbon.EmissionFactor:
    """The residual-mix factor named by the scenario, looked up once per id and process."""
    return carbon.emission_factor(factor_id, field="carbon.residual_factor_id")


def _json(models: Sequence) -> str:
    return json.dumps([m.model_dump(mode="json") for m in models], sort_keys=True)


def _weather(key: tuple, interval_minutes: int = 60):
    """The weather of a plan on the site's clock: a year in another standard time (a site
    whose time zone is set apart from its place's) is re-labelled in whole steps and says
    so; one that cannot be (half an hour on hourly data) keeps its own offset, which the
    caller refuses."""
    latitude, longitude, source, file, seed, offset = key
    frame, meta = load_weather(latitude, longitude, source=source, file=file, seed=seed,
                               interval_minutes=interval_minutes)
    if meta.utc_offset_hours == offset:
        return frame, meta
    moved = on_utc_offset(frame, offset)
    if moved is None:
        return frame, meta
    note = WeatherNote.of(
        "site_clock", "the weather year, in UTC{weather:+g}, read on the site's clock "
        "(UTC{site:+g}): every value moved by {hours:+g} h", weather=float(meta.utc_offset_hours),
        site=float(offset), hours=float(offset) - float(meta.utc_offset_hours))
    return moved, replace(meta, utc_offset_hours=float(offset), notes=(*meta.notes, note))


@lru_cache(maxsize=16)
def _profiles(weather_key: tuple, elevation_m: float, planes_json: str, settings_json: str,
              interval_minutes: int = 60) -> tuple[pd.DataFrame, str]:
    """AC kW per kWp of each plane on the plan's step, and a note when hourly output was
    split into quarter hours; memoized on the weather choice, planes, settings and step."""
    latitude, longitude = weather_key[:2]
    frame, _ = _weather(weather_key, interval_minutes)
    planes, settings = json.loads(planes_json), json.loads(settings_json)
    profiles = ac_kw_per_kwp(frame, latitude=latitude, longitude=longitude,
                             elevation_m=elevation_m, planes=planes, settings=settings)
    if len(profiles) * interval_minutes >= 8760 * 60:
        return profiles, ""
    quarters = quarter_hour_profiles(profiles, frame, latitude=latitude, longitude=longitude,
                                     elevation_m=elevation_m, planes=planes, settings=settings)
    return quarters, Message.of(
        "notes.plan.quarter_hours", "PV output at 15 minutes: each simulated hour split into "
        "four quarter hours along the clear-sky shape of its plane, the hour's energy kept")


def _load_interval(scenario: Scenario, offset: float) -> int:
    """The plan's step [min]: 15 for a meter file of readings every 30 minutes or finer
    (a 30-minute reading held over its two quarter hours), else 60."""
    spec = scenario.load
    if spec.kind != "meter_file" or not spec.meter_file:
        return 60
    meter = _scenario_meter(scenario, offset)
    return 60 if meter is None else int(meter.interval_minutes)  # _load names a missing file


def scenario_tariff(scenario: Scenario) -> Tariff:
    """The tariff a plan of this scenario prices, with the export rule it applies.

    Decided here once for the plan, the CLI's ``load inspect`` and the app.
    """
    return _tariff_and_version(scenario).tariff


def scenario_tariff_decision(scenario: Scenario) -> TariffDecision:
    """The tariff a plan of this scenario prices, the preset the site's province picked
    (when the scenario names none), the project's rules and the notes (the app's view)."""
    return _tariff_and_version(scenario)


def scenario_export_terms(scenario: Scenario) -> ExportTerms:
    """The export rule and price a plan of this scenario applies, with its provenance."""
    return export_terms(scenario_tariff(scenario).export)


def _tariff_and_version(scenario: Scenario) -> TariffDecision:
    choice = scenario.tariff
    site, start = scenario.site, scenario.analysis_start()
    pick, located = None, None
    if _tariff_follows_province(scenario):
        # No preset named: the site province's preset for the user's size.
        province, located = site_province(scenario)
        voltage = scenario.project.grid_voltage_kv
        needs_peak = choice.transformer_kva is None and not (voltage and voltage >= 35)
        pick = default_preset(province, start, transformer_kva=choice.transformer_kva,
                              voltage_kv=voltage,
                              peak_load_kw=_size_peak_kw(scenario) if needs_peak else None)
        if located is not None and located.key == "notes.tariff.province_from_city":
            pick = replace(pick, rule=f"{located}; {pick.rule}")
        choice = choice.model_copy(update={"preset": pick.preset_id})
    # The preset version in force on the start date, bill-typed prices or a custom tariff.
    resolved = resolve_tariff(choice, on_date=start)
    project = _project(scenario, resolved.tariff, start)
    override = choice.export
    if (not project.export_allowed and scenario.constraints.export_limit_kw != 0
            and (override is None or override.allows_export)):
        override = ExportPolicy(kind="zero_export",
                                source=f"{PROJECT_RULE}: full self-use ({project.mode_reason})")
    policy = applied_export_policy(
        resolved.tariff, override, site_province=site.province,
        export_limit_kw=scenario.constraints.export_limit_kw, commissioning_date=start,
    )
    name = bilingual(resolved.tariff.name, resolved.tariff.name_zh or resolved.tariff.name)
    elsewhere = other_province_note(name, resolved.tariff.region, site.province)
    notes = (*([located] if located else []), *resolved.notes,
             *([elsewhere] if elsewhere else []), *project.notes)
    return TariffDecision(apply_export_policy(resolved.tariff, policy), resolved, project,
                          pick, tuple(notes))


def _project(scenario: Scenario, tariff: Tariff, start) -> ProjectRules:
    """The 7号 category, mode, capacity limit and minimum self-consumption share."""
    c, export = scenario.constraints, scenario.tariff.export
    return project_rules(
        province=scenario.site.province, country=scenario.site.country,
        voltage_kv=scenario.project.grid_voltage_kv, mode=scenario.project.connection_mode,
        spot_market_continuous=scenario.project.spot_market_continuous,
        user_min_share=c.min_self_consumption_ratio,
        export_requested=export is not None and export.allows_export,
        export_forced_off=c.export_limit_kw == 0 or not (export or tariff.export).allows_export,
        min_total_kwp=c.min_total_kwp, dc_ac_ratio=scenario.pv.dc_ac_ratio, on_date=start,
    )


def _project_limits(project: ProjectRules | None) -> dict:
    """The project's capacity cap and self-consumption floor for :func:`build_problem`."""
    if project is None:
        return {}
    return {"capacity_cap_kwp": project.capacity_limit_kwp,
            "min_self_consumption": project.min_self_consumption_share}


def _size_peak_kw(scenario: Scenario) -> float | None:
    """The load's peak [kW] for the tariff's size class: the highest mean over the meter's
    own interval (15 minutes for a meter file of 15-minute or finer readings: the demand
    the meter sees and bills), else the highest hourly mean (a TOU split of the bills only
    reshapes hours within a month and is left out)."""
    offset = site_utc_offset_hours(scenario)
    spec = scenario.load
    if spec.kind == "meter_file":
        meter = _scenario_meter(scenario, offset)
        return None if meter is None else float(np.nanmax(meter.load_kw.to_numpy(dtype=float)))
    key = (spec.kind, spec.template, offset, tuple(spec.monthly_kwh or ()), spec.annual_kwh, "")
    return float(_bill_profile(key, (), 8760).load_kw.max())


def _load(scenario: Scenario, index: pd.DatetimeIndex, periods: pd.Series, offset: float):
    spec = scenario.load
    if spec.kind == "meter_file":
        path = Path(str(spec.meter_file))
        # A missing file is read all the same: the reader's error names it.
        meter = (_scenario_meter(scenario, offset)
                 or _meter(str(path), 0, spec.meter_units, offset))
        step_minutes = int(round((index[1] - index[0]).total_seconds() / 60.0))
        # On its own step (15-minute readings plan on 15 minutes, see prepare()).
        on_axis = meter.to_hourly() if meter.interval_minutes < step_minutes else meter
        load_kw = on_axis.load_kw.reindex(index)
        if load_kw.isna().any():
            raise PlannerInputError(
                Message.of("errors.plan.meter_coverage",
                           "meter file {file} does not cover the scenario's time axis ({count} "
                           "steps missing after mapping onto the typical year); check its time "
                           "zone or use a full year of readings", file=path.name,
                           count=int(load_kw.isna().sum())),
                field="load.meter_file",
            )
        return load_kw, list(meter.quality.notes), int(meter.interval_minutes)
    split = json.dumps(spec.monthly_period_kwh, sort_keys=True) if spec.monthly_period_kwh else ""
    key = (spec.kind, spec.template, offset, tuple(spec.monthly_kwh or ()), spec.annual_kwh, split)
    # The TOU period labels only matter when the bills are split by period.
    labels = tuple(periods.astype(str)) if split else ()
    profile = _bill_profile(key, labels, len(index))
    return profile.load_kw.reindex(index), list(profile.notes), 60 * 8760 // len(index)


def _scenario_meter(scenario: Scenario, offset: float):
    """The scenario's meter file as read (:func:`_meter`), None where no such file exists."""
    spec = scenario.load
    if not spec.meter_file:  # the scenario's check requires it for this kind
        raise PlannerInputError(Message.of(
            "errors.plan.meter_required", "a meter data file is needed when the load comes from "
            "meter data"), field="load.meter_file")
    path = Path(spec.meter_file)
    if not path.is_file():
        return None
    return _meter(str(path), path.stat().st_mtime_ns, spec.meter_units, offset)


@lru_cache(maxsize=8)
def _meter(path: str, stamp: int, units: str, offset: float):
    """A meter file read once per (path, modification time, units, offset)."""
    del stamp  # part of the cache key only: a changed file is read again
    return read_meter_file(path, units=units, utc_offset_hours=offset)


@lru_cache(maxsize=32)
def _bill_profile(key: tuple, period_labels: tuple, n_steps: int):
    kind, template, offset, monthly, annual, split = key
    interval = 60 * 8760 // n_steps
    if kind == "annual":
        return load_from_annual_kwh(
            annual, template, utc_offset_hours=offset, interval_minutes=interval
        )
    labels = None
    if split:
        labels = pd.Series(period_labels, index=typical_year_index(offset, interval))
    return load_from_monthly_bills(
        list(monthly), template, utc_offset_hours=offset,
        monthly_period_kwh=json.loads(split) if split else None,
        period_labels=labels, interval_minutes=interval,
    )


def _curve_sizes(max_kwp: float, points: int) -> np.ndarray:
    return np.linspace(0.0, float(max_kwp), points)


