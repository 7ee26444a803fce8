"""``monitor(scenario, generation=...) -> MonitorResult``: glue only, every formula lives in the
module it belongs to (readings, expected, measured, events, performance, account)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.display.names import name as reader_name
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message, bilingual
from pvplanner.monitor.account import CarbonRules, carbon_account, energy_split
from pvplanner.monitor.capacity import within_capacity
from pvplanner.monitor.events import (
    Event,
    find_curtailment,
    find_data_gaps,
    find_outages,
    with_losses,
)
from pvplanner.monitor.expected import map_typical_year, operating_years, planned_degradation
from pvplanner.monitor.measured import SiteModel, expected_under_measured_weather
from pvplanner.monitor.performance import (
    daily_table,
    degradation_trend,
    performance_index,
    period_table,
)
from pvplanner.monitor.readings import MeteredSeries, read_metered
from pvplanner.monitor.records import MonitorResult, Note
from pvplanner.monitor.rules import monitor_rules
from pvplanner.monitor.timing import check_timing

__all__ = ["monitor"]

FileInput = str | os.PathLike[str] | bytes


def monitor(
    scenario: Any,
    *,
    generation: FileInput,
    load: FileInput | None = None,
    weather: FileInput | None = None,
    result: Any = None,
    generation_filename: str | None = None,
    load_filename: str | None = None,
    weather_filename: str | None = None,
    generation_units: str = "auto",
    load_units: str = "auto",
    irradiance_column: str | int | None = None,
) -> MonitorResult:
    """Compare metered PV generation (and load) with the plan; the carbon account as measured.

    Parameters
    ----------
    scenario : Scenario or dict
        The scenario the plant was planned with (its capacity per plane, site, carbon
        choices and ``start_date`` for the operating years).
    generation : path or bytes
        Inverter or generation-meter export (CSV/TXT/XLSX; read by the meter reader).
    load : path or bytes, optional
        Site consumption meter export over the same period: splits generation into
        self-consumed and exported energy hour by hour. Without it the plan's
        self-consumption ratio splits it (said in the notes).
    weather : path or bytes, optional
        Measured weather of the same period (a weather file, or an irradiance export in
        W/m2 or in the unit its header names, such as kWh/m2 or MJ/m2 per reading): the
        expectation becomes the plan's PV model under that weather.
    result : Result, optional
        The plan of ``scenario`` if already computed (else planned here, without the NPV
        curve).
    generation_filename, load_filename, weather_filename : str, optional
        Names for messages when the inputs are bytes.
    generation_units, load_units : str
        ``auto``, ``kw``, ``kwh`` or ``kwh_cumulative`` (see the meter reader).
    irradiance_column : str or int, optional
        The irradiance column when ``weather`` is an export with several columns.

    Returns
    -------
    MonitorResult

    Raises
    ------
    PlannerInputError, LoadFileError, WeatherInputError
        A file or input the analysis cannot use, named in the message; generation on
        another clock than the site's standard time (UTC, interval-end labels) by an hour or
        more (:func:`~pvplanner.monitor.timing.check_timing`).
    """
    from pvplanner.pipeline import plan, scenario_export_terms, site_utc_offset_hours
    from pvplanner.scenario.model import parse_scenario

    scenario = parse_scenario(scenario)
    offset = (float(result.site.utc_offset_hours) if result is not None and result.site
              else site_utc_offset_hours(scenario))
    # the files first: a file that cannot be read is said before minutes of planning
    gen = read_metered(generation, filename=generation_filename, series="generation",
                       utc_offset_hours=offset, units=generation_units)
    load_series = None
    if load is not None:
        load_series = read_metered(load, filename=load_filename, series="load",
                                   utc_offset_hours=offset, units=load_units)
    if result is None:
        result = plan(scenario, with_npv_curve=False)
    rules = monitor_rules()
    capacity = float(result.pv.capacity_kwp)
    if capacity <= 0:
        raise PlannerInputError(Message.of(
            "errors.monitor.no_pv", "the plan of {name!r} installs no PV (0 kWp), so there "
            "is nothing to compare the metered generation with; plan a system first",
            name=bilingual(reader_name(scenario.name, "en"), reader_name(scenario.name, "zh"))),
            field="roof_planes")
    notes: list[Note] = [*gen.notes, *(load_series.notes if load_series else ())]
    # metered power above what the plant can deliver is a unit error (refused) or spikes
    gen, spikes = within_capacity(gen, capacity, float(rules["hours"]["min_valid_share"]))
    if spikes is not None:
        notes.append(spikes)
    index = pd.DatetimeIndex(gen.kw.index)
    hourly_plan = _hourly_plan(result.hourly)
    # a file on another clock (UTC, interval-end labels) is refused before any comparison
    timing = check_timing(gen, hourly_plan["pv_available_kw"].to_numpy(), offset,
                          rules["timing"])
    if timing is not None:
        notes.append(timing)
    typical = map_typical_year(hourly_plan["pv_available_kw"], index)
    pv = scenario.pv
    factor = planned_degradation(index, scenario.start_date, pv.degradation_first_year_percent,
                                 pv.degradation_annual_percent)
    expected_raw, weather_info = typical, {}
    if weather is not None:
        measured = expected_under_measured_weather(
            weather, index, _site_model(scenario, result, offset), filename=weather_filename,
            irradiance_column=irradiance_column)
        expected_raw = measured.expected_kw
        weather_info = {"kind": measured.kind, "description": measured.description,
                        "years": measured.years}
        notes.append(Note(f"weather_{measured.kind}", {"what": measured.description}))
        notes.extend(measured.notes)
        _check_weather_years(measured.years, index, notes)
        _check_weather_coverage(gen.kw, expected_raw, notes)
    else:
        notes.append(Note("typical_year"))
    expected = expected_raw * factor
    if factor.min() < 1.0:
        notes.append(Note("degradation_applied", {
            "low": f"{100 * factor.min():.1f}", "high": f"{100 * factor.max():.1f}"}))
    actual = gen.kw.where(expected.notna())  # no expectation (weather gap): not judged

    outages, outage_mask = find_outages(actual, expected, capacity, rules)
    known = actual.notna().to_numpy() & expected.notna().to_numpy()
    pi = performance_index(actual.to_numpy(), expected.to_numpy())
    pi_ok = performance_index(actual.to_numpy(), expected.to_numpy(), ~outage_mask)
    # what the plant delivers when it runs unhindered: outside outages and curtailment (one
    # refinement: curtailed hours first lower the index they are judged against)
    pi_ref = pi_ok
    curtailment, curtail_mask = find_curtailment(actual, expected, capacity, pi_ref,
                                                 outage_mask, rules)
    if curtailment:
        pi_ref = performance_index(actual.to_numpy(), expected.to_numpy(),
                                   ~outage_mask & ~curtail_mask)
        curtailment, curtail_mask = find_curtailment(actual, expected, capacity, pi_ref,
                                                     outage_mask, rules)
    outages = with_losses(outages, pi_ref)
    gaps = find_data_gaps(actual, expected, capacity, rules)
    frame = pd.DataFrame({
        "actual_kw": actual, "expected_kw": expected, "expected_typical_kw": typical * factor,
        "outage": outage_mask, "curtailment": curtail_mask,
        "outage_lost_kwh": _spread(outages, expected, index, pi_ref),
        "curtailment_lost_kwh": np.where(curtail_mask, np.maximum(
            expected.to_numpy() * (pi_ref if np.isfinite(pi_ref) else 1.0) - actual.to_numpy(),
            0.0), 0.0),
    }, index=index)
    monthly = period_table(frame, "M")
    daily = daily_table(frame)
    trend = None
    if (index[-1] - index[0]).days > 365:
        raw_frame = frame.assign(expected_kw=expected_raw)
        trend = degradation_trend(daily_table(raw_frame), capacity, rules)
        notes.append(Note("trend_found" if trend else "trend_too_few_pairs"))

    split = energy_split(actual.where(known), load_series.kw if load_series else None,
                         map_typical_year(hourly_plan["load_kw"], index),
                         float(result.energy.self_consumption_ratio))
    basis = _split_basis(split, gen, load_series, result, notes)
    years = operating_years(index, scenario.start_date)
    carbon_rules = _carbon_rules(scenario, result, scenario_export_terms(scenario))
    account = carbon_account(split, years, carbon_rules)
    plan_account = carbon_account(_plan_split(hourly_plan, index, factor), years, carbon_rules)
    monthly = monthly.join(account.drop(columns=["generation_kwh"]))
    monthly["plan_generation_kwh"] = plan_account["generation_kwh"]
    monthly["plan_self_consumed_kwh"] = plan_account["self_consumed_kwh"]
    monthly["plan_exported_kwh"] = plan_account["exported_kwh"]
    monthly["plan_avoided_tco2"] = plan_account["avoided_tco2"]
    monthly["plan_certificates"] = plan_account["certificates"]
    frame = frame.join(split)
    _event_notes(outages, curtailment, gaps, notes)

    quality = {"generation": gen.quality.to_dict()}
    if load_series is not None:
        quality["load"] = load_series.quality.to_dict()
    ef = carbon_rules.factor
    return MonitorResult(
        scenario_name=scenario.name, basis="measured_weather" if weather is not None
        else "typical_year", capacity_kwp=capacity, start=index[0].isoformat(),
        end=(index[-1] + pd.Timedelta(hours=1)).isoformat(),
        expected_kwh=float(expected.to_numpy()[known].sum()),
        actual_kwh=float(actual.to_numpy()[known].sum()),
        expected_period_kwh=float(np.nansum(expected.to_numpy())),
        performance_index=pi, performance_index_excluding_outages=pi_ok,
        outages=outages, curtailment=curtailment, data_gaps=gaps, degradation=trend,
        self_consumption_basis=basis, hourly=frame, daily=daily, monthly=monthly,
        notes=notes, quality=quality,
        emission_factor={"id": ef.id, "region": ef.region, "region_zh": ef.region_zh,
                         "factor_tco2_per_mwh": ef.factor_tco2_per_mwh,
                         "data_year": ef.data_year, "source": ef.source, "status": ef.status,
                         "decline_percent_per_year": 100 * carbon_rules.decline_rate},
        weather=weather_info,
    )


def _hourly_plan(hourly: pd.DataFrame) -> pd.DataFrame:
    """The plan's power columns as 8760 hourly means (a 15-minute plan has 35040 rows)."""
    columns = ["pv_available_kw", "curtailed_kw", "load_kw", "pv_to_load_kw",
               "pv_to_battery_kw", "pv_to_grid_kw", "grid_import_kw"]
    if len(hourly) % 8760:
        raise PlannerInputError(Message.of(
            "errors.monitor.steps", "the plan has {count} time steps, not a multiple of 8760 "
            "hours; plan the scenario again", count=len(hourly)), field="hourly")
    per_hour = len(hourly) // 8760
    return pd.DataFrame({c: hourly[c].to_numpy(dtype=float).reshape(-1, per_hour).mean(axis=1)
                         for c in columns})


def _plan_split(hourly_plan: pd.DataFrame, index: pd.DatetimeIndex,
                factor: np.ndarray) -> pd.DataFrame:
    """The plan's year-1 flows on the metered dates, its PV flows scaled by degradation."""
    def mapped(column: str) -> np.ndarray:
        return map_typical_year(hourly_plan[column], index).to_numpy()

    self_kwh = (mapped("pv_to_load_kw") + mapped("pv_to_battery_kw")) * factor
    export = mapped("pv_to_grid_kw") * factor
    load = mapped("load_kw")
    return pd.DataFrame({
        "generation_kwh": (mapped("pv_available_kw") - mapped("curtailed_kw")) * factor,
        "self_consumed_kwh": self_kwh, "exported_kwh": export, "load_kwh": load,
        "grid_import_kwh": np.maximum(load - self_kwh, 0.0),
    }, index=index)


def _spread(outages: list[Event], expected: pd.Series, index: pd.DatetimeIndex,
            pi: float) -> np.ndarray:
    """Lost energy of each outage hour [kWh]: its expectation x the performance index."""
    lost = np.zeros(len(index))
    scale = pi if np.isfinite(pi) else 1.0
    values = np.nan_to_num(expected.to_numpy())
    for event in outages:
        inside = (index >= pd.Timestamp(event.start)) & (index < pd.Timestamp(event.end))
        lost[inside] = values[inside] * scale
    return lost


def _site_model(scenario: Any, result: Any, offset: float) -> SiteModel:
    from pvplanner.pv import load_weather

    wx = scenario.weather
    typical, _ = load_weather(
        scenario.site.latitude, scenario.site.longitude,
        source=wx.source if wx.source != "file" else "auto",
        file=wx.file if wx.source == "file" else None, seed=wx.seed)
    return SiteModel(
        latitude=float(scenario.site.latitude), longitude=float(scenario.site.longitude),
        elevation_m=float(result.site.elevation_m), utc_offset_hours=offset,
        planes=scenario.roof_planes, settings=scenario.pv,
        capacity_kwp={p.name: p.capacity_kwp for p in result.pv.planes},
        typical_weather=typical)


def _carbon_rules(scenario: Any, result: Any, export: Any) -> CarbonRules:
    from pvplanner.carbon import emission_factor, location_factor_for

    choice = scenario.carbon
    return CarbonRules(
        factor=location_factor_for(scenario.site.province, choice.location_factor_id).factor,
        residual=emission_factor(choice.residual_factor_id, field="carbon.residual_factor_id"),
        decline_rate=float(choice.grid_factor_decline_rate),
        certificates=str(choice.certificates),
        mechanism_share=float(export.mechanism_share),
        mechanism_years=int(export.mechanism_years))


def _split_basis(split: pd.DataFrame, gen: MeteredSeries, load: MeteredSeries | None,
                 result: Any, notes: list[Note]) -> str:
    ratio = f"{100 * float(result.energy.self_consumption_ratio):.1f}"
    producing = split["generation_kwh"].to_numpy() > 0
    from_load = split["split_from_load"].to_numpy()
    if load is None:
        notes.append(Note("split_plan_ratio", {"ratio": ratio}))
        return "plan_ratio"
    missing = int((producing & ~from_load).sum())
    if missing:
        notes.append(Note("split_mixed", {"hours": missing, "ratio": ratio}))
        return "mixed"
    notes.append(Note("split_load_file"))
    return "load_file"


def _check_weather_years(years: str, index: pd.DatetimeIndex, notes: list[Note]) -> None:
    metered = sorted({str(y) for y in index.year})
    if years and not any(y in years for y in metered):
        notes.append(Note("weather_other_years", {"weather": years,
                                                  "metered": ", ".join(metered)}))


def _check_weather_coverage(metered_kw: pd.Series, expected_kw: pd.Series,
                            notes: list[Note]) -> None:
    """Say how many hours with readings the measured weather leaves without an expectation:
    they are compared with nothing, and their generation is in no figure."""
    read = metered_kw.notna().to_numpy()
    covered = int((read & expected_kw.notna().to_numpy()).sum())
    if covered < int(read.sum()):
        notes.append(Note("weather_partial", {"covered": covered, "hours": int(read.sum())}))


def _event_notes(outages: list[Event], curtailment: list[Event], gaps: list[Event],
                 notes: list[Note]) -> None:
    if outages:
        notes.append(Note("outages", {"n": len(outages),
                                      "kwh": f"{sum(e.lost_kwh for e in outages):,.0f}"}))
    if curtailment:
        lost = sum(e.lost_kwh for e in curtailment)
        notes.append(Note("curtailment", {"n": len(curtailment), "kwh": f"{lost:,.0f}"}))
    if gaps:
        notes.append(Note("data_gaps", {"n": len(gaps), "hours": sum(e.hours for e in gaps)}))
