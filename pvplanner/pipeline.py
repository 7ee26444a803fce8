"""``plan(scenario) -> Result``: glue only. Every formula lives in the module it belongs to.

Steps: weather -> PV output per kWp of each roof plane (pv) -> load (load) -> prices and
demand windows (tariff) -> present-worth factors (finance) -> optimal sizes (solver via
sizing) -> year-1 dispatch, bills, cash flow and carbon of the chosen design -> Result.
Weather, PV profiles and loads are memoized per process so the app re-plans in well under a
second after an input changes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pvplanner import carbon, finance
from pvplanner.errors import PlannerInputError
from pvplanner.load import load_from_annual_kwh, load_from_monthly_bills, read_meter_file
from pvplanner.pv.simulation import ac_kw_per_kwp, degradation_factors, plane_max_kwp
from pvplanner.pv.site_weather import load_weather
from pvplanner.result import (
    BatterySummary,
    BillSummary,
    CarbonSummary,
    EnergySummary,
    FinanceSummary,
    PlaneResult,
    PVSummary,
    Result,
    SolverSummary,
)
from pvplanner.scenario.model import Scenario, parse_scenario
from pvplanner.sizing import SizingInputs, build_problem, year1_savings
from pvplanner.tariff import (
    ExportPolicy,
    Tariff,
    compute_bill,
    demand_charge_windows,
    load_tariff_preset,
    price_series,
)
from solver.api import optimize
from solver.curves import npv_curve
from weather.timeaxis import standard_utc_offset_hours, typical_year_index

#: Points of the NPV-versus-capacity curve shown in the app and the proposal (each point is
#: one optimisation; with a battery each is a full LP, so fewer points are computed).
NPV_CURVE_POINTS = 21
NPV_CURVE_POINTS_WITH_BATTERY = 9


@dataclass(frozen=True)
class Prepared:
    """Everything on the time axis that the sizing and the evaluation share."""

    index: pd.DatetimeIndex
    weather_meta: dict
    elevation_m: float
    tariff: Tariff
    prices: pd.DataFrame
    sizing: SizingInputs
    load_notes: tuple[str, ...]
    emission_factor: carbon.EmissionFactor


def _scenario_wording(note: str) -> str:
    """A solver note in the scenario's terms (its time limit is a scenario field)."""
    return note.replace("raise the time limit", "raise constraints.solver_time_limit_s")


def plan(scenario: Scenario | dict, *, with_npv_curve: bool = True) -> Result:
    """Size PV (and a battery) for a scenario and report energy, money and carbon.

    Parameters
    ----------
    scenario : Scenario or dict
        Validated model, or a dict validated here.
    with_npv_curve : bool, default True
        Compute the NPV-versus-capacity curve (one optimisation per point); batch runs that
        only need the optimum switch it off.

    Returns
    -------
    Result

    Raises
    ------
    PlannerInputError, WeatherInputError, SolverInputError, InfeasibleProblemError
        A problem with the user's inputs, with a message naming it.
    """
    scenario = parse_scenario(scenario)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    prepared = prepare(scenario)
    timings["prepare"] = time.perf_counter() - start

    degradation = degradation_factors(
        scenario.finance.analysis_years,
        scenario.pv.degradation_first_year_percent,
        scenario.pv.degradation_annual_percent,
    )
    optimise_finance = _optimisation_finance(scenario)
    factors = finance.present_worth_factors(optimise_finance, degradation)

    tick = time.perf_counter()
    problem = build_problem(scenario, prepared.sizing, factors)
    limit_s = scenario.constraints.solver_time_limit_s
    sized = optimize(problem, objective=scenario.constraints.objective,
                     max_payback_years=scenario.constraints.max_payback_years,
                     search_time_limit_seconds=limit_s)
    timings["optimize"] = time.perf_counter() - tick

    tick = time.perf_counter()
    design = build_problem(
        scenario, prepared.sizing, factors,
        fixed_kwp=sized.kwp_per_plane,
        fixed_battery=(sized.battery_kwh, sized.battery_kw),
        year_one=True,
    )
    points = NPV_CURVE_POINTS_WITH_BATTERY if scenario.battery.allowed else NPV_CURVE_POINTS
    # The curve and the year-1 dispatch are independent solves: on two threads (HiGHS
    # releases the GIL) they take as long as the longer of them.
    with ThreadPoolExecutor(max_workers=1) as pool:
        curve_job = (pool.submit(npv_curve, problem,
                                 _curve_sizes(prepared.sizing.plane_max_kwp.sum(), points))
                     if with_npv_curve else None)
        year1 = (optimize(design, objective="max_npv", search_time_limit_seconds=limit_s)
                 if sized.total_kwp > 0 or sized.battery_kwh > 0 else sized)
        curve = curve_job.result() if curve_job is not None else pd.DataFrame()
    timings["evaluate_dispatch"] = time.perf_counter() - tick

    tick = time.perf_counter()
    result = _assemble(scenario, prepared, sized, year1, degradation, curve)
    result.timings_s.update(timings)
    result.timings_s["report"] = time.perf_counter() - tick
    result.timings_s["total"] = time.perf_counter() - start
    return result


def prepare(scenario: Scenario) -> Prepared:
    """Weather, PV profiles, load, prices and windows for a scenario (memoized parts)."""
    site = scenario.site
    offset = (
        site.utc_offset_hours
        if site.utc_offset_hours is not None
        else standard_utc_offset_hours(site.latitude, site.longitude)
    )
    weather_key = (
        site.latitude, site.longitude,
        scenario.weather.source if scenario.weather.source != "file" else "auto",
        scenario.weather.file if scenario.weather.source == "file" else None,
        scenario.weather.seed,
    )
    _, wx_meta = _weather(weather_key)
    if wx_meta.utc_offset_hours != offset:
        raise PlannerInputError(
            f"the weather data are in UTC{wx_meta.utc_offset_hours:+g} but the site is in "
            f"UTC{offset:+g}; set site.utc_offset_hours to {wx_meta.utc_offset_hours:g} or use "
            "weather for this time zone",
            field="site.utc_offset_hours",
        )
    elevation = site.elevation_m if site.elevation_m is not None else wx_meta.elevation_m
    profiles = _profiles(
        weather_key, float(elevation), _json(scenario.roof_planes), scenario.pv.model_dump_json()
    )
    index = profiles.index
    tariff = _tariff(scenario)
    prices = price_series(tariff, index)
    load_kw, notes = _load(scenario, index, prices["period"], offset)
    windows = demand_charge_windows(tariff, index)
    factor = carbon.emission_factor(scenario.carbon.location_factor_id)
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
        emission_factor=factor,
    )


def _json(models: Sequence) -> str:
    return json.dumps([m.model_dump(mode="json") for m in models], sort_keys=True)


def _weather(key: tuple):
    latitude, longitude, source, file, seed = key
    return load_weather(latitude, longitude, source=source, file=file, seed=seed)


@lru_cache(maxsize=16)
def _profiles(weather_key: tuple, elevation_m: float, planes_json: str, settings_json: str):
    """AC kW per kWp of each plane; memoized on the weather choice, planes and settings."""
    latitude, longitude = weather_key[:2]
    frame, _ = _weather(weather_key)
    return ac_kw_per_kwp(
        frame, latitude=latitude, longitude=longitude, elevation_m=elevation_m,
        planes=json.loads(planes_json), settings=json.loads(settings_json),
    )


def _tariff(scenario: Scenario) -> Tariff:
    choice = scenario.tariff
    tariff = choice.custom if choice.custom is not None else load_tariff_preset(choice.preset)
    if choice.export is not None:
        tariff = tariff.model_copy(update={"export": choice.export})
    elif tariff.export.kind == "coal_benchmark" and tariff.export.province is None:
        province = scenario.site.province or tariff.region
        if province:
            tariff = tariff.model_copy(
                update={"export": tariff.export.model_copy(update={"province": province})}
            )
    if scenario.constraints.export_limit_kw == 0 and tariff.export.kind != "zero_export":
        tariff = tariff.model_copy(
            update={"export": ExportPolicy(kind="zero_export", source="constraints.export_limit_kw = 0")}
        )
    return tariff


def _load(scenario: Scenario, index: pd.DatetimeIndex, periods: pd.Series, offset: float):
    spec = scenario.load
    if spec.kind == "meter_file":
        path = Path(spec.meter_file)
        stamp = path.stat().st_mtime_ns if path.is_file() else 0
        meter = _meter(str(path), stamp, spec.meter_units, offset)
        hourly = meter.to_hourly() if meter.interval_minutes < 60 else meter
        load_kw = hourly.load_kw.reindex(index)
        if load_kw.isna().any():
            raise PlannerInputError(
                f"meter file {path.name} does not cover the scenario's time axis "
                f"({int(load_kw.isna().sum())} hours missing after mapping onto the typical "
                "year); check its time zone or use a full year of readings",
                field="load.meter_file",
            )
        return load_kw, list(meter.quality.notes)
    split = json.dumps(spec.monthly_period_kwh, sort_keys=True) if spec.monthly_period_kwh else ""
    key = (spec.kind, spec.template, offset, tuple(spec.monthly_kwh or ()), spec.annual_kwh, split)
    # The TOU period labels only matter when the bills are split by period.
    labels = tuple(periods.astype(str)) if split else ()
    profile = _bill_profile(key, labels, len(index))
    return profile.load_kw.reindex(index), list(profile.notes)


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


def _optimisation_finance(scenario: Scenario) -> finance.FinanceInputs:
    """Leases are sized as owner-financed systems (a lease payment is not per kWp)."""
    if scenario.finance.ownership == "lease":
        return scenario.finance.model_copy(update={"ownership": "owner"})
    return scenario.finance


def _curve_sizes(max_kwp: float, points: int) -> np.ndarray:
    return np.linspace(0.0, float(max_kwp), points)


def _assemble(scenario, prepared, sized, year1, degradation, curve) -> Result:
    dispatch = year1.dispatch
    sizing = prepared.sizing
    index = prepared.index
    dt = sizing.step_hours
    tariff = prepared.tariff
    load = sizing.load_kw.to_numpy()
    grid_import = dispatch.grid_import
    export = dispatch.pv_to_grid

    baseline = compute_bill(tariff, index, load)
    with_system = compute_bill(tariff, index, grid_import, export)

    kwh = {name: float(np.sum(getattr(dispatch, name)) * dt) for name in (
        "pv_available", "pv_to_load", "pv_to_battery", "pv_to_grid", "curtailed",
        "grid_to_load", "grid_to_battery", "battery_to_load")}
    load_kwh = float(load.sum() * dt)
    generation = kwh["pv_available"] - kwh["curtailed"]
    self_consumed = kwh["pv_to_load"] + kwh["pv_to_battery"]
    savings = year1_savings(
        baseline, with_system, generation_kwh=generation,
        self_consumed_kwh=self_consumed, exported_kwh=kwh["pv_to_grid"],
        battery_discharged_kwh=kwh["battery_to_load"],
    )

    f_in = scenario.finance
    total_kwp = float(np.sum(sized.kwp_per_plane))
    capex = finance.capex_breakdown(f_in, total_kwp, sized.battery_kwh, sized.battery_kw)
    ledger = carbon.carbon_ledger(
        scenario.carbon, generation_kwh=generation, self_consumed_kwh=self_consumed,
        exported_kwh=kwh["pv_to_grid"], years=f_in.analysis_years, capacity_kw=total_kwp,
        degradation_factors=degradation,
    )
    table_kwargs = dict(
        capex_breakdown=capex, year1_savings=savings, degradation_factors=degradation,
        certificate_revenue_by_year=ledger["certificate_revenue"].to_numpy(),
        credit_revenue_by_year=ledger["credit_revenue"].to_numpy(),
    )
    host_savings = investor_irr = None
    if f_in.ownership == "emc":
        emc = finance.emc_cash_flows(f_in, **table_kwargs)
        cash = emc.investor_table
        metrics = emc.investor
        host_savings, investor_irr = emc.host_savings_lifetime, emc.investor_irr_project
    else:
        cash = finance.cash_flow_table(f_in, **table_kwargs)
        metrics = finance.metrics(cash, f_in.discount_rate)

    avoided = carbon.avoided_emissions(
        self_consumed, kwh["pv_to_grid"], prepared.emission_factor.factor_tco2_per_mwh,
        f_in.analysis_years, degradation, scenario.carbon.grid_factor_decline_rate,
    )
    residual = carbon.emission_factor(scenario.carbon.residual_factor_id,
                                      field="carbon.residual_factor_id")
    scope2 = carbon.scope2(
        load_kwh, float(grid_import.sum() * dt), self_consumed,
        location_factor=prepared.emission_factor.factor_tco2_per_mwh,
        residual_factor=residual.factor_tco2_per_mwh,
        certificates=scenario.carbon.certificates, exported_kwh=kwh["pv_to_grid"],
    )

    hourly = _hourly_frame(index, load, dispatch, prepared.prices, sizing)
    plane_results = _plane_results(scenario, sizing, sized)
    capacity = total_kwp
    return Result(
        scenario_name=scenario.name,
        currency=scenario.currency,
        pv=PVSummary(
            capacity_kwp=capacity,
            annual_generation_kwh=generation,
            specific_yield_kwh_per_kwp=generation / capacity if capacity > 0 else 0.0,
            max_capacity_kwp=float(sizing.plane_max_kwp.sum()),
            planes=plane_results,
        ),
        battery=BatterySummary(
            energy_kwh=float(sized.battery_kwh), power_kw=float(sized.battery_kw),
            annual_discharge_kwh=kwh["battery_to_load"],
        ),
        energy=EnergySummary(
            load_kwh=load_kwh,
            self_consumed_kwh=self_consumed,
            exported_kwh=kwh["pv_to_grid"],
            imported_kwh=kwh["grid_to_load"] + kwh["grid_to_battery"],
            curtailed_kwh=kwh["curtailed"],
            self_consumption_ratio=self_consumed / generation if generation > 0 else 0.0,
            self_sufficiency_ratio=(kwh["pv_to_load"] + kwh["battery_to_load"]) / load_kwh
            if load_kwh > 0 else 0.0,
        ),
        bills=BillSummary(
            baseline_annual=baseline.total,
            with_system_annual=with_system.total,
            savings_annual=baseline.total - with_system.total,
            currency=scenario.currency,
            energy_savings_annual=savings.energy_savings,
            demand_savings_annual=savings.demand_savings,
            export_revenue_annual=savings.export_revenue,
        ),
        finance=FinanceSummary(
            ownership=f_in.ownership,
            capex=capex.total,
            npv=metrics.npv,
            irr=metrics.irr_project,
            equity_irr=metrics.irr_equity,
            payback_years=metrics.payback_years,
            discounted_payback_years=metrics.discounted_payback_years,
            lcoe_per_kwh=metrics.lcoe_per_kwh,
            benefit_cost_ratio=metrics.benefit_cost_ratio,
            host_savings_lifetime=host_savings,
            investor_irr=investor_irr,
        ),
        carbon=CarbonSummary(
            emission_factor_tco2_per_mwh=prepared.emission_factor.factor_tco2_per_mwh,
            emission_factor_source=f"{prepared.emission_factor.id}: {prepared.emission_factor.source}",
            avoided_tco2_year1=float(avoided["total_tco2"].iloc[0]) if len(avoided) else 0.0,
            avoided_tco2_lifetime=float(avoided["total_tco2"].sum()),
            certificates_year1=int(ledger["certificates_issued"].iloc[0]) if len(ledger) else 0,
            certificate_revenue_year1=float(ledger["certificate_revenue"].iloc[0]) if len(ledger) else 0.0,
            credits_tco2_year1=float(ledger["credits_tco2"].iloc[0]) if "credits_tco2" in ledger else 0.0,
            credit_revenue_year1=float(ledger["credit_revenue"].iloc[0]) if len(ledger) else 0.0,
            scope2=scope2.to_dict(),
            double_counting_note=scope2.note,
        ),
        solver=SolverSummary(
            status=sized.status, seconds=sized.solve_seconds, backend=sized.backend,
            objective=sized.objective, optimality_gap=float(sized.optimality_gap),
            year1_dispatch_gap=float(year1.optimality_gap) if year1 is not sized else 0.0,
            objective_parts={
                "capex_effective": sized.capex, "om_pw": sized.om_pw,
                "energy_savings_pw": sized.energy_savings_pw,
                "export_revenue_pw": sized.export_revenue_pw,
                "demand_savings_pw": sized.demand_savings_pw, "npv": sized.npv,
            },
        ),
        weather=prepared.weather_meta,
        hourly=hourly,
        monthly=_monthly_frame(hourly, dt),
        cash_flow=cash,
        carbon_ledger=ledger.assign(avoided_tco2=avoided["total_tco2"].to_numpy()),
        npv_curve=curve,
        bill_baseline_monthly=baseline.monthly,
        bill_with_system_monthly=with_system.monthly,
        warnings=[*prepared.load_notes, *prepared.weather_meta.get("notes", []),
                  *map(_scenario_wording, sized.notes),
                  *(f"Year-1 dispatch: {_scenario_wording(note)}" for note in year1.notes
                    if year1 is not sized and note not in sized.notes)],
    )


def _hourly_frame(index, load, dispatch, prices, sizing) -> pd.DataFrame:
    frame = dispatch.to_frame(index)
    frame.insert(0, "load_kw", load)
    frame["grid_import_kw"] = dispatch.grid_import
    frame["period"] = prices["period"].to_numpy()
    frame["import_price_per_kwh"] = sizing.import_price_per_kwh
    frame["export_price_per_kwh"] = sizing.export_price_per_kwh
    return frame


def _monthly_frame(hourly: pd.DataFrame, dt: float) -> pd.DataFrame:
    energy_columns = [c for c in hourly.columns if c.endswith("_kw")]
    monthly = hourly[energy_columns].groupby(hourly.index.month).sum() * dt
    monthly.columns = [c[:-3] + "_kwh" for c in energy_columns]
    monthly.index.name = "month"
    return monthly


def _plane_results(scenario, sizing, sized) -> list[PlaneResult]:
    out = []
    profiles = sizing.production_kw_per_kwp
    dt = sizing.step_hours
    for plane, kwp, limit in zip(scenario.roof_planes, sized.kwp_per_plane,
                                 sizing.plane_max_kwp, strict=True):
        specific = float(profiles[plane.name].sum() * dt)
        out.append(PlaneResult(
            name=plane.name, capacity_kwp=float(kwp), max_kwp=float(limit),
            tilt_deg=plane.module_tilt_deg, azimuth_deg=plane.azimuth_deg,
            mounting=plane.mounting, annual_generation_kwh=specific * float(kwp),
            specific_yield_kwh_per_kwp=specific,
        ))
    return out
