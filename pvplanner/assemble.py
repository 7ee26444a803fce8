"""The Result of a sized design: year-1 flows, bills, cash flows, carbon, notes, assumptions.

:func:`pvplanner.pipeline.plan` prepares the time series (:class:`Prepared`), sizes the
design and computes its year-1 dispatch, then hands them to :func:`assemble_result`, which
only evaluates: every formula lives in the module it belongs to (flows, tariff, finance,
carbon).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pvplanner import carbon, finance
from pvplanner.assumptions import ResolvedInputs, period_price_ranges, plan_assumptions
from pvplanner.connection import transformer_notes
from pvplanner.display.names import name as shown_name
from pvplanner.finance import Year1Savings
from pvplanner.finance.first_kwp import first_kwp_values
from pvplanner.finance.perspectives import perspectives
from pvplanner.finance.project import project_returns
from pvplanner.finance.sensitivity import design_tornado
from pvplanner.flows import EnergyFlows, energy_flows, specific_yield_kwh_per_kwp
from pvplanner.load.measures import MeasureApplication
from pvplanner.messages import Message, bilingual, chinese_money_unit, weather_notes
from pvplanner.plan_measures import footprint_outcome, measure_outcome
from pvplanner.pv.models import pv_default
from pvplanner.pv.variability import exceedance_kwh, interannual_variability
from pvplanner.result import (
    Assumption,
    BatterySummary,
    BillSummary,
    CarbonSummary,
    EnergySummary,
    FinanceSummary,
    PlaneResult,
    PVSummary,
    Result,
    SiteSummary,
    SolverSummary,
)
from pvplanner.scenario.model import Scenario
from pvplanner.scenario.province import site_province
from pvplanner.sizing import (
    SizingInputs,
    battery_energy_limit_kwh,
    sizing_finance,
    year1_savings,
)
from pvplanner.tariff import Bill, Tariff, compute_bill
from pvplanner.tariff.category import RULE as PROJECT_RULE
from pvplanner.tariff.category import ProjectRules, larger_category, other_text
from pvplanner.tariff.export import ExportTerms
from solver.result import SizingResult

__all__ = ["Prepared", "assemble_result", "carbon_inputs_at_site"]


@dataclass(frozen=True)
class Prepared:
    """Everything on the time axis that the sizing and the evaluation share.

    ``sizing.load_kw`` is the load after the scenario's saving measures; ``measures`` holds
    the load before them and each measure's step (None: none chosen).
    ``emission_factor_basis`` says why ``emission_factor`` is the site's
    (:class:`pvplanner.carbon.LocationFactorChoice` ``basis``).
    """

    index: pd.DatetimeIndex
    weather_meta: dict
    elevation_m: float
    tariff: Tariff
    prices: pd.DataFrame
    sizing: SizingInputs
    load_notes: tuple[str, ...]
    emission_factor: carbon.EmissionFactor
    residual_factor: carbon.EmissionFactor
    export: ExportTerms
    utc_offset_hours: float
    load_interval_minutes: int
    measures: MeasureApplication | None = None
    tariff_rows: tuple[dict, ...] = ()
    tariff_notes: tuple[str, ...] = ()
    project: ProjectRules | None = None
    emission_factor_basis: str = "named"


def _scenario_wording(note: str) -> str:
    """A solver note in the scenario's terms (its time limit is a scenario field)."""
    return note.replace("raise the time limit", "raise constraints.solver_time_limit_s")


def carbon_inputs_at_site(scenario: Scenario) -> carbon.CarbonInputs:
    """The scenario's carbon inputs with the site's province and city where they name none,
    so that a credit scheme limited to an area is checked against where the plant is (a
    Zhejiang plant earns no Wuhan credits)."""
    inputs = scenario.carbon
    return inputs.model_copy(update={
        "site_province": inputs.site_province or scenario.site.province,
        "site_city": inputs.site_city or scenario.site.city})


def assemble_result(scenario: Scenario, prepared: Prepared, sized: SizingResult,
                    year1: SizingResult, degradation: np.ndarray, export_factors: np.ndarray,
                    curve: pd.DataFrame, *, with_sensitivity: bool = True) -> Result:
    """The Result of a sized design: year-1 flows, bills, cash flows, carbon, assumptions.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    prepared : Prepared
        Its time series, tariff, factors and notes (:func:`pvplanner.pipeline.prepare`).
    sized : SizingResult
        The optimal design.
    year1 : SizingResult
        The design's year-1 dispatch (``sized`` itself when the sizing's dispatch is it).
    degradation : numpy.ndarray
        PV output of each analysis year as a fraction of year 1.
    export_factors : numpy.ndarray
        The export price of each analysis year as a fraction of year 1.
    curve : pandas.DataFrame
        The NPV-versus-capacity curve (empty when not computed).
    with_sensitivity : bool, default True
        Compute the design's NPV tornado; when False ``Result.sensitivity`` stays empty and
        ``Result.not_computed`` names it.

    Returns
    -------
    Result
    """
    dispatch = year1.dispatch
    sizing, index, tariff = prepared.sizing, prepared.index, prepared.tariff
    dt = sizing.step_hours
    load = sizing.load_kw.to_numpy()
    flows = energy_flows(dispatch, load, dt)
    baseline = compute_bill(tariff, index, load)
    with_system = compute_bill(tariff, index, dispatch.grid_import, dispatch.pv_to_grid)
    savings = year1_savings(
        baseline, with_system, generation_kwh=flows.generation_kwh,
        self_consumed_kwh=flows.self_consumed_kwh, exported_kwh=flows.exported_kwh,
        battery_discharged_kwh=flows.battery_discharged_kwh,
    )
    f_in = scenario.finance
    total_kwp = float(np.sum(sized.kwp_per_plane))
    capex = finance.capex_breakdown(f_in, total_kwp, sized.battery_kwh, sized.battery_kw)
    ledger = carbon.carbon_ledger(
        carbon_inputs_at_site(scenario), generation_kwh=flows.generation_kwh,
        self_consumed_kwh=flows.self_consumed_kwh, exported_kwh=flows.exported_kwh,
        years=f_in.analysis_years, capacity_kw=total_kwp, degradation_factors=degradation,
        # Exports under a 136号 mechanism contract earn no certificate while it runs.
        mechanism_exported_kwh=flows.exported_kwh * prepared.export.mechanism_share,
        mechanism_years=prepared.export.mechanism_years,
    )
    deal = {"capex_breakdown": capex, "year1_savings": savings,
            "degradation_factors": degradation,
            "certificate_revenue_by_year": ledger["certificate_revenue"].to_numpy(),
            "credit_revenue_by_year": ledger["credit_revenue"].to_numpy(),
            "export_price_factors": export_factors}
    returns = project_returns(f_in, **deal)
    # The host's and the investor's money (EMC, lease).
    views = perspectives(f_in, returns, capex.total)
    variability = interannual_variability(prepared.weather_meta)
    avoided = carbon.avoided_emissions(
        flows.self_consumed_kwh, flows.exported_kwh,
        prepared.emission_factor.factor_tco2_per_mwh, f_in.analysis_years, degradation,
        scenario.carbon.grid_factor_decline_rate,
    )
    hourly = _hourly_frame(index, load, dispatch, prepared.prices, sizing)
    project = _project_outcome(scenario, prepared, total_kwp)
    # The saving measures priced with the same bill and factor, and the product footprint.
    measures, combined = measure_outcome(
        prepared.measures, bill_total=lambda kw: compute_bill(tariff, index, kw).total,
        tco2_per_kwh=prepared.emission_factor.factor_tco2_per_mwh / 1000.0,
        bill_with_system=with_system.total, capex_system=capex.total,
        tco2_system=float(avoided["total_tco2"].iloc[0]) if len(avoided) else 0.0)
    footprint = footprint_outcome(
        scenario, prepared.measures, hourly, dt,
        location_tco2_per_mwh=prepared.emission_factor.factor_tco2_per_mwh,
        residual_tco2_per_mwh=prepared.residual_factor.factor_tco2_per_mwh)
    m = returns.metrics
    binding = _binding_limits(scenario, prepared, sized)
    battery_limit = (battery_energy_limit_kwh(scenario, sizing.load_kw)
                     if scenario.battery.allowed else None)
    return Result(
        scenario_name=scenario.name,
        currency=scenario.currency,
        site=_site_summary(scenario, prepared),
        pv=PVSummary(
            capacity_kwp=total_kwp,
            annual_generation_kwh=flows.generation_kwh,
            specific_yield_kwh_per_kwp=specific_yield_kwh_per_kwp(flows.generation_kwh,
                                                                  total_kwp),
            max_capacity_kwp=float(sizing.plane_max_kwp.sum()),
            planes=_plane_results(scenario, sizing, sized),
            p50_annual_generation_kwh=flows.generation_kwh,
            p90_annual_generation_kwh=exceedance_kwh(flows.generation_kwh, variability.sigma),
            interannual_variability=variability.sigma,
            variability_basis=variability.basis,
        ),
        battery=BatterySummary(
            energy_kwh=float(sized.battery_kwh), power_kw=float(sized.battery_kw),
            annual_discharge_kwh=flows.battery_discharged_kwh,
            max_energy_kwh=battery_limit,
            max_power_kw=scenario.battery.max_power_kw if scenario.battery.allowed else None,
        ),
        energy=_energy_summary(flows),
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
            ownership=f_in.ownership, capex=capex.total, npv=m.npv, irr=m.irr_project,
            equity_irr=m.irr_equity, payback_years=m.payback_years,
            discounted_payback_years=m.discounted_payback_years, lcoe_per_kwh=m.lcoe_per_kwh,
            benefit_cost_ratio=m.benefit_cost_ratio,
            host_savings_lifetime=views.host_savings_lifetime,
            investor_irr=views.investor_irr,
            payback_years_pre_tax=m.payback_years_pre_tax,
            discounted_payback_years_pre_tax=m.discounted_payback_years_pre_tax,
            perspective=views.perspective, host_savings_year1=views.host_savings_year1,
            host_savings_contract=views.host_savings_contract, host_npv=views.host_npv,
            investor_npv=views.investor_npv,
            investor_payback_years=views.investor_payback_years,
            investor_payback_years_pre_tax=views.investor_payback_years_pre_tax,
            investor_tax_basis=views.investor_tax_basis,
        ),
        carbon=_carbon_summary(scenario, prepared, flows, ledger, avoided),
        solver=_solver_summary(sized, year1, binding),
        weather=prepared.weather_meta,
        hourly=hourly,
        monthly=_monthly_frame(hourly, dt),
        cash_flow=returns.cash_flow,
        carbon_ledger=ledger.assign(avoided_tco2=avoided["total_tco2"].to_numpy()),
        npv_curve=curve,
        bill_baseline_monthly=baseline.monthly,
        bill_with_system_monthly=with_system.monthly,
        warnings=[*_load_small_for_roof(prepared, float(flows.load_kwh)),
                  *_negligible(float(sized.total_kwp), float(sized.battery_kwh)),
                  *_no_pv(scenario, prepared, sized, baseline, binding,
                          lambda: finance.present_worth_factors(
                              sizing_finance(scenario), degradation, export_factors)),
                  *_warnings(prepared, sized, year1, project),
                  *transformer_notes(scenario.tariff.transformer_kva, hourly["load_kw"].to_numpy(),
                                     hourly["grid_import_kw"].to_numpy(),
                                     hourly["pv_to_grid_kw"].to_numpy())],
        assumptions=_with_row(
            plan_assumptions(scenario, replace(
                _resolved(prepared, flows.load_kwh, project), measures=tuple(measures),
                footprint=footprint, battery_max_energy_kwh=battery_limit,
                binding_limits=binding)),
            Assumption(**variability.assumption_row())),
        inputs=scenario.model_dump(mode="json"),
        measures=measures, measures_combined=combined, footprint=footprint,
        perspectives=views.table,
        sensitivity=design_tornado(f_in, **deal) if with_sensitivity else pd.DataFrame(),
        not_computed=() if with_sensitivity else ("sensitivity",),
    )


def _with_row(rows: list[Assumption], row: Assumption) -> list[Assumption]:
    """``rows`` with ``row`` after the last row of its category (at the end if none)."""
    last = max((i for i, r in enumerate(rows) if r.category == row.category), default=None)
    at = len(rows) if last is None else last + 1
    return [*rows[:at], row, *rows[at:]]


def _first(frame: pd.DataFrame, column: str) -> float:
    """Year-1 value of a ledger column (0 when the ledger or column is empty)."""
    return float(frame[column].iloc[0]) if column in frame and len(frame) else 0.0


def _energy_summary(flows: EnergyFlows) -> EnergySummary:
    return EnergySummary(
        load_kwh=flows.load_kwh, self_consumed_kwh=flows.self_consumed_kwh,
        exported_kwh=flows.exported_kwh, imported_kwh=flows.imported_kwh,
        curtailed_kwh=flows.curtailed_kwh, self_consumption_ratio=flows.self_consumption_ratio,
        self_sufficiency_ratio=flows.self_sufficiency_ratio,
    )


def _carbon_summary(scenario: Scenario, prepared: Prepared, flows: EnergyFlows,
                    ledger: pd.DataFrame, avoided: pd.DataFrame) -> CarbonSummary:
    location = prepared.emission_factor
    scope2 = carbon.scope2(
        flows.load_kwh, flows.imported_kwh, flows.self_consumed_kwh,
        location_factor=location.factor_tco2_per_mwh,
        residual_factor=prepared.residual_factor.factor_tco2_per_mwh,
        certificates=scenario.carbon.certificates, exported_kwh=flows.exported_kwh,
    )
    return CarbonSummary(
        emission_factor_tco2_per_mwh=location.factor_tco2_per_mwh,
        emission_factor_source=f"{location.region}: {location.source}",
        avoided_tco2_year1=_first(avoided, "total_tco2"),
        avoided_tco2_lifetime=float(avoided["total_tco2"].sum()),
        certificates_year1=int(_first(ledger, "certificates_issued")),
        certificate_revenue_year1=_first(ledger, "certificate_revenue"),
        credits_tco2_year1=_first(ledger, "credits_tco2"),
        credit_revenue_year1=_first(ledger, "credit_revenue"),
        scope2=scope2.to_dict(),
        double_counting_note=scope2.note,
        avoided_tco2_self_consumed_year1=_first(avoided, "self_consumed_tco2"),
        avoided_tco2_exported_year1=_first(avoided, "exported_tco2"),
        certificates_tradable_year1=int(_first(ledger, "certificates_tradable")),
        certificates_non_tradable_year1=int(_first(ledger, "certificates_non_tradable")),
        reference_plant=carbon.reference_plant_comparison(
            location.factor_tco2_per_mwh, site_province=site_province(scenario)[0] or ""),
        emission_factor_basis=prepared.emission_factor_basis,
    )


def _solver_summary(sized: SizingResult, year1: SizingResult,
                    binding: tuple[str, ...] = ()) -> SolverSummary:
    return SolverSummary(
        status=sized.status, seconds=sized.solve_seconds, backend=sized.backend,
        objective=sized.objective, optimality_gap=float(sized.optimality_gap),
        year1_dispatch_gap=float(year1.optimality_gap) if year1 is not sized else 0.0,
        binding_limits=binding,
        objective_parts={
            "capex_effective": sized.capex, "om_pw": sized.om_pw,
            "energy_savings_pw": sized.energy_savings_pw,
            "export_revenue_pw": sized.export_revenue_pw,
            "demand_savings_pw": sized.demand_savings_pw, "npv": sized.npv,
        },
    )


def _binding_limits(scenario: Scenario, prepared: Prepared,
                    sized: SizingResult) -> tuple[str, ...]:
    """The solver's limits named by what sets them in the scenario
    (``SolverSummary.binding_limits``): those that held a size (``SizingResult.binding``),
    then those that only curtailed PV (``SizingResult.curtailing``), as
    ``curtailing.<name>``."""
    c = scenario.constraints
    user_total = c.max_total_kwp if c.max_total_kwp is not None else np.inf
    category = prepared.project.capacity_limit_kwp if prepared.project is not None else np.inf
    # The export limit the user set (0 included: it makes the export rule zero export),
    # else the export rule (the tariff's, or the project's full self-use).
    user_export = c.export_limit_kw is not None and (
        c.export_limit_kw == 0 or prepared.sizing.export_allowed)
    names = {
        "max_total_kwp": ("constraints.max_total_kwp" if user_total <= category
                          else "project.capacity_limit"),
        "interconnection_limit_kw": "constraints.interconnection_limit_kw",
        "net_metering_limit_kw": "tariff.export",
        "capital_budget": "constraints.capital_budget",
        "battery_max_kwh": "battery.max_energy_kwh",
        "battery_max_kw": "battery.max_power_kw",
        "battery_max_c_rate": "battery.max_c_rate",
        "min_total_kwp": "constraints.min_total_kwp",
        "battery_min_kwh": "battery.min_energy_kwh",
        "battery_min_kw": "battery.min_power_kw",
        "export_limit_kw": "constraints.export_limit_kw" if user_export else "tariff.export",
        "min_self_consumption": "constraints.min_self_consumption_ratio",
    }
    held = [f"roof:{name.partition(':')[2]}" if name.startswith("plane_max_kwp:")
            else names.get(name, name) for name in sized.binding]
    curtailing = [f"curtailing.{names.get(name, name)}" for name in sized.curtailing
                  if name not in sized.binding]
    return tuple(dict.fromkeys([*held, *curtailing]))


def _project_outcome(scenario: Scenario, prepared: Prepared,
                     total_kwp: float) -> ProjectRules | None:
    """The project's rules, marked when the category's capacity limit holds the design."""
    project = prepared.project
    if project is None or project.category is None:
        return project
    cap = project.capacity_limit_kwp
    roof = float(prepared.sizing.plane_max_kwp.sum())
    user = scenario.constraints.max_total_kwp or np.inf
    if not (cap < min(roof, user) and total_kwp >= cap * (1 - 1e-6)):
        return project
    row = project.category
    values = {"rule": PROJECT_RULE, "cap": cap, "category": row.category_name,
              "voltage": row.voltage_name, "roof": roof}
    text = ("{rule} Art. 4: the design is held at {cap:,.0f} kWp, the limit of {category} at "
            "{voltage}; the roof would take {roof:,.0f} kWp")
    bigger = larger_category(row)
    note = (Message.of("notes.project.capacity_held", text, **values) if bigger is None else
            Message.of("notes.project.capacity_held_more", text + " (for more, {other}: set "
                       "project.grid_voltage_kv)", other=other_text(bigger), **values))
    return replace(project, capacity_binding=True, notes=(*project.notes, note))


#: The solver's notes (English, from ``solver/``) and their catalogue keys.
_SOLVER_NOTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("notes.solver.not_optimal", re.compile(
        r"not proven optimal within the time limit: a design up to (?P<gap>[\d,.]+) better "
        r"in NPV \((?P<share>[\d.]+%)\) may exist")),
    ("notes.solver.charging_bound", re.compile(
        r"the battery charges only from PV beyond the load, bounded in the sizing by the PV "
        r"of the largest sizes: a design up to (?P<gap>[\d,.]+) better in NPV "
        r"\((?P<share>[\d.]+%)\) may exist")),
    ("notes.solver.fallback", re.compile(r"HiGHS failed \((?P<reason>.*)\); solved with CBC")),
    ("notes.solver.assumed_bound", re.compile(r"an export or charging bound was missing")),
)


def _solver_note(note: str, year1: bool = False) -> Message:
    """A solver note with its catalogue key (the English in the scenario's terms)."""
    text = _scenario_wording(note)
    message = Message("", text)
    for key, pattern in _SOLVER_NOTES:
        found = pattern.search(note)
        if found:
            message = Message(key, text, found.groupdict())
            break
    if year1:
        return Message.of("notes.solver.year1", "Year-1 dispatch: {note}", note=message)
    return message


def _negligible(total_kwp: float, battery_kwh: float) -> list[Message]:
    """A note when the design is too small to be a system (a budget of a few yuan, a load of
    a few kWh): its figures describe almost nothing and must not read as a proposal."""
    minimum = float(pv_default("design", "min_practical_kwp"))
    if not 0.0 < total_kwp < minimum or battery_kwh > 0.0:
        return []
    return [Message.of(
        "notes.plan.negligible_pv", "the plan builds only {kwp:.3g} kWp, less than the "
        "{minimum:g} kWp of the smallest system worth building: the inputs leave almost no "
        "room for PV (check the capital budget, the size limits and the load)",
        kwp=total_kwp, minimum=minimum)]


def _load_small_for_roof(prepared: Prepared, load_kwh: float) -> list[Message]:
    """A note when the year's load is :data:`design.load_unit_check_ratio` times smaller
    than what the roofs could generate: most likely a load in MWh or 万kWh typed as kWh,
    which would otherwise be planned as a tiny site without a word."""
    sizing = prepared.sizing
    top = np.asarray(sizing.plane_max_kwp, dtype=float)
    top = np.where(np.isfinite(top), top, 0.0)
    yearly_kwh_per_kwp = sizing.production_kw_per_kwp.to_numpy().sum(axis=0) * sizing.step_hours
    potential_kwh = float(yearly_kwh_per_kwp @ top)
    ratio = float(pv_default("design", "load_unit_check_ratio"))
    if not (load_kwh > 0 and potential_kwh >= ratio * load_kwh):
        return []
    return [Message.of(
        "notes.plan.load_small_for_roof", "the load, {load:,.0f} kWh a year, is {times:,.0f} "
        "times smaller than the {potential:,.0f} kWh a year the roofs could generate: check "
        "that the load is in kWh (not MWh or 万kWh) and covers the whole site",
        load=load_kwh, times=potential_kwh / load_kwh, potential=potential_kwh)]


def _no_pv(scenario: Scenario, prepared: Prepared, sized: SizingResult, baseline: Bill,
           binding: tuple[str, ...], factors_of: Callable[[], dict[str, float]]
           ) -> list[Message]:
    """Why a plan that maximises NPV builds nothing, where the roof could take PV: the first
    kWp on the best plane costs more than it saves (with the price at which it would pay),
    or it pays but the best system does not carry the fixed project cost
    (:mod:`pvplanner.finance.first_kwp`). Nothing where a limit the design reached says why.
    ``factors_of`` gives the optimizer's present-worth factors, computed only for such a
    plan."""
    sizing = prepared.sizing
    planes = sizing.production_kw_per_kwp.loc[:, np.asarray(sizing.plane_max_kwp) > 0]
    if (sized.total_kwp > 0 or sized.battery_kwh > 0 or binding or planes.shape[1] == 0
            or scenario.constraints.objective != "max_npv"):
        return []
    load, dt = sizing.load_kw.to_numpy(), sizing.step_hours

    def savings_of(output_kw: np.ndarray) -> Year1Savings:
        onsite = np.minimum(output_kw, load)
        exported = output_kw - onsite if sizing.export_allowed else np.zeros_like(load)
        bill = compute_bill(prepared.tariff, prepared.index, load - onsite, exported)
        return year1_savings(baseline, bill, generation_kwh=float(output_kw.sum() * dt),
                             self_consumed_kwh=float(onsite.sum() * dt),
                             exported_kwh=float(exported.sum() * dt))

    best = max(first_kwp_values(planes, savings_of, factors_of(),
                                scenario.finance.pv_capex_per_kwp),
               key=lambda first: first.value_per_kwp)
    money = _money_in(scenario.currency)
    values = {"plane": bilingual(best.plane, shown_name(best.plane, "zh")),
              "years": best.horizon_years,
              "value": money(best.value_per_kwp), "cost": money(best.cost_per_kwp),
              "upkeep": money(best.upkeep_per_kwp), "capex": money(best.capex_per_kwp)}
    if best.npv_per_kwp >= 0.0:
        fixed = scenario.finance.fixed_capex
        if fixed <= 0.0:
            return []
        return [Message.of(
            "notes.plan.no_pv_fixed_cost", "no PV is planned: each kWp pays for itself (the "
            "first, on roof plane {plane}, saves {value} over {years} years against {cost}, "
            "present values after tax), but not by enough to carry the fixed project cost "
            "of {fixed}", fixed=money(fixed), **values)]
    break_even = best.break_even_capex_per_kwp
    if break_even is None:
        return [Message.of(
            "notes.plan.no_pv_even_free", "no PV is planned: it would not pay even if it were "
            "free: the first kWp on the best roof plane ({plane}) saves {value} over {years} "
            "years, less than its upkeep and inverter replacement, {upkeep} (present values "
            "after tax)", **values)]
    return [Message.of(
        "notes.plan.no_pv", "no PV is planned: it does not pay at these inputs. The first kWp "
        "on the best roof plane ({plane}) saves {value} over {years} years and costs {cost} "
        "(present values after tax, with its upkeep); PV pays at an installed price below "
        "about {break_even} per kWp, against {capex} in this plan",
        break_even=money(break_even), **values)]


def _money_in(currency: str):
    """Sums of money as notes write them: ``CNY 1,234`` in English, ``1,234 元`` in Chinese."""
    unit = chinese_money_unit(currency)

    def money(amount: float) -> dict[str, str]:
        return bilingual(f"{currency.upper()} {amount:,.0f}", f"{amount:,.0f} {unit}")
    return money


def _warnings(prepared: Prepared, sized: SizingResult, year1: SizingResult,
              project: ProjectRules | None = None) -> list[str]:
    """The plan's notes, each with its catalogue key where it has one (Result.notes)."""
    binding = [project.notes[-1]] if project is not None and project.capacity_binding else []
    return [*prepared.tariff_notes, *binding, *prepared.load_notes,
            *weather_notes(prepared.weather_meta),
            *(_solver_note(note) for note in sized.notes),
            *(_solver_note(note, year1=True) for note in year1.notes
              if year1 is not sized and note not in sized.notes)]


def _site_summary(scenario: Scenario, prepared: Prepared) -> SiteSummary:
    site = scenario.site
    return SiteSummary(
        name=site.name or "", city=site.city or "", province=site.province or "",
        country=site.country or "", latitude_deg=site.latitude, longitude_deg=site.longitude,
        elevation_m=prepared.elevation_m, utc_offset_hours=prepared.utc_offset_hours,
    )


def _resolved(prepared: Prepared, load_kwh: float,
              project: ProjectRules | None = None) -> ResolvedInputs:
    prices = prepared.prices
    return ResolvedInputs(
        tariff=prepared.tariff, export=prepared.export,
        location_factor=prepared.emission_factor, residual_factor=prepared.residual_factor,
        weather=prepared.weather_meta, utc_offset_hours=prepared.utc_offset_hours,
        elevation_m=prepared.elevation_m, load_kwh=load_kwh,
        load_interval_minutes=prepared.load_interval_minutes,
        period_prices=_period_prices(prices["period"].to_numpy(),
                                     prices["import_price_per_kwh"].to_numpy(dtype=float)),
        tariff_rows=prepared.tariff_rows,
        project=project if project is not None else prepared.project,
    )


def _period_prices(periods: np.ndarray, prices: np.ndarray) -> dict[str, tuple[float, float]]:
    """:func:`pvplanner.assumptions.period_price_ranges` of a year of steps, computed on
    each period's lowest and highest price only (the same answer from 2 values a period
    instead of 8,760 or 35,040 steps)."""
    codes, names = pd.factorize(np.asarray(periods, dtype=object), sort=False)
    low = np.full(len(names), np.inf)
    high = np.full(len(names), -np.inf)
    np.minimum.at(low, codes, prices)
    np.maximum.at(high, codes, prices)
    return period_price_ranges(np.repeat(np.asarray(names, dtype=object), 2),
                               np.column_stack([low, high]).ravel())


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
            specific_yield_kwh_per_kwp=specific, area_m2=float(plane.area_m2),
        ))
    return out
