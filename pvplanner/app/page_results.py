"""Page 4 - results: KPIs (each party's under EMC and lease), NPV versus capacity, monthly PV
versus load, a representative day's energy flows, cash flow, battery state of charge, bills,
and the NPV's sensitivity with the P50/P90 generation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import pvplanner.app.charts as charts
import pvplanner.app.state as state
import pvplanner.display.charts as specs
from pvplanner.app.combined_plan import combined_plan_block
from pvplanner.app.widgets import fmt, kpi_row, label_map, lang, next_page, plain, t
from pvplanner.display.limit_lines import held_lines
from pvplanner.display.messages import render as render_message
from pvplanner.display.names import name as reader_name
from pvplanner.display.numbers import invested_payback
from pvplanner.pv.models import module_azimuths_deg
from pvplanner.report.tables import demand_caveat, demand_table
from pvplanner.report.views import contract_years, has_two_views, view_years

_FLOWS = ("pv_to_load", "pv_to_battery", "pv_to_grid", "curtailed", "battery_to_load",
          "grid_to_load", "grid_to_battery", "load", "pv")


#: Notes the results page states at its top (their keys' beginnings).
_HEADLINE_NOTES = ("notes.connection.", "notes.plan.negligible_pv", "notes.plan.no_pv")


def _money_unit(result) -> str:
    """A money axis's unit for the reader: 元 for yuan in Chinese, else the ISO code."""
    from pvplanner.app.fmt import Fmt

    return Fmt(lang(), result.currency).currency_unit()


def flow_labels() -> dict[str, str]:
    """Translated names of the energy flows."""
    return {flow: t(f"common.flows.{flow}") for flow in _FLOWS}


def _kpis(result) -> None:
    """The plan's key figures, three cards a row so that no label or value is cut (the
    widths are checked by :func:`pvplanner.app.widgets.kpi`): the system, the money, the
    paybacks, the energy shares."""
    f = fmt()
    pv, energy, bills, money = result.pv, result.energy, result.bills, result.finance
    two = has_two_views(result)  # EMC, lease: the company's saving and each figure's party
    system = [
        (t("results.kpi.capacity"), f.kwp(pv.capacity_kwp),
         t("results.kpi.capacity_help", max=f.kwp(pv.max_capacity_kwp))),
        (t("results.kpi.generation"), f.energy(pv.annual_generation_kwh),
         t("results.kpi.yield", value=f.number(pv.specific_yield_kwh_per_kwp))),
        (t("results.kpi.avoided"), f.tco2(result.carbon.avoided_tco2_year1, 0), None),
    ]
    if two:
        savings = (t("results.views.host_savings_year1"), f.money_compact(money.host_savings_year1),
                   t("results.views.host_savings_year1_help", bill=f.money(bills.savings_annual)))
    else:
        savings = (t("results.kpi.savings"), f.money_compact(bills.savings_annual),
                   t("results.kpi.savings_help", before=f.money(bills.baseline_annual),
                     after=f.money(bills.with_system_annual)))
    irr_label = {"investor": "results.views.irr_investor",
                 "host": "results.views.irr_lessor"}.get(money.perspective or "",
                                                         "results.kpi.irr")
    cash = [
        (t("results.kpi.capex"), f.money_compact(money.capex), f.money(money.capex)),
        savings,
        (t(f"results.views.npv_{money.perspective}") if two else t("results.kpi.npv"),
         f.money_compact(money.npv), t("results.kpi.npv_help") + " " + f.money(money.npv)),
    ]
    # Both paybacks, each labelled: Chinese proposals quote the pre-tax static payback.
    returns = [
        (t(irr_label), f.percent(money.investor_irr if two else money.irr),
         t("results.views.irr_lessor_help" if money.perspective == "host"
           else "results.kpi.irr_help")),
        (t("results.kpi.payback_pre_tax"), f.years(invested_payback(money.payback_years_pre_tax, money.capex)),
         t("results.kpi.discounted_payback_pre_tax",
           value=f.years(invested_payback(money.discounted_payback_years_pre_tax,
                                                  money.capex)))),
        (t("results.kpi.payback"), f.years(invested_payback(money.payback_years, money.capex)),
         t("results.kpi.discounted_payback",
           value=f.years(invested_payback(money.discounted_payback_years, money.capex)))),
    ]
    if two:  # the company invests nothing: the paybacks are the investor's (or lessor's)
        lessor = money.perspective == "host"
        returns[1:] = [(t("results.views.payback_lessor_pre_tax" if lessor
                          else "results.views.payback_investor_pre_tax"),
                        f.years(invested_payback(money.investor_payback_years_pre_tax,
                                                 money.capex)),
                        None)]
        if not lessor:
            returns.append((t("results.views.payback_investor"),
                            f.years(invested_payback(money.investor_payback_years, money.capex)),
                            None))
    shares = [
        (t("results.kpi.self_consumption"), f.percent(energy.self_consumption_ratio),
         t("results.kpi.self_consumption_help")),
        (t("results.kpi.self_sufficiency"), f.percent(energy.self_sufficiency_ratio),
         t("results.kpi.self_sufficiency_help")),
        (t("results.kpi.lcoe"), f.number(money.lcoe_per_kwh, 3), f.price(money.lcoe_per_kwh)),
    ]
    for cards in (system, cash, returns, shares):
        kpi_row(cards, border=True, per_row=3)
    if result.battery.energy_kwh > 0:
        kpi_row([(t("results.kpi.battery_energy"), f"{f.number(result.battery.energy_kwh)} kWh",
                  None),
                 (t("results.kpi.battery_power"), f"{f.number(result.battery.power_kw)} kW",
                  None)], border=True, per_row=3)
    if two:
        _perspectives(result)


def _perspectives(result) -> None:
    """The company's and the investor's figures side by side, each block labelled."""
    f, money = fmt(), result.finance
    contract, years = contract_years(result), view_years(result)
    lessor = money.perspective == "host"
    host = [
        (t("results.views.host_investment"), t("results.views.none")),
        (t("results.views.host_savings_year1"), f.money_compact(money.host_savings_year1)),
        (t("results.views.host_savings_contract", years=contract),
         f.money_compact(money.host_savings_contract)),
        (t("results.views.host_savings_lifetime", years=years),
         f.money_compact(money.host_savings_lifetime)),
        (t("results.views.host_npv"), f.money_compact(money.host_npv)),
    ]
    capex = money.capex
    investor = [
        (t("results.views.capex_lessor" if lessor else "results.views.capex_investor"),
         f.money_compact(capex)),
        (t("results.views.npv_lessor" if lessor else "results.views.npv_investor"),
         f.money_compact(money.investor_npv)),
        (t("results.views.irr_lessor" if lessor else "results.views.irr_investor"),
         f.percent(money.investor_irr)),
        (t("results.views.payback_lessor_pre_tax" if lessor
           else "results.views.payback_investor_pre_tax"),
         f.years(invested_payback(money.investor_payback_years_pre_tax, capex))),
    ]
    if not lessor:
        investor.append((t("results.views.payback_investor"),
                         f.years(invested_payback(money.investor_payback_years, capex))))
    left, right = st.columns(2, gap="medium")
    for column, title, items in (
            (left, t("results.views.host_title"), host),
            (right, t("results.views.lessor_title" if lessor else "results.views.investor_title"),
             investor)):
        with column.container(border=True):
            st.markdown(f"**{title}**")
            cells = st.columns(3)
            for i, (label, value) in enumerate(items):
                cells[i % 3].metric(label, value)
    basis = t("results.views.basis_pre_tax" if lessor else "results.views.basis_after_tax")
    st.caption(t("results.views.note", basis=basis))


def _npv_chart(result) -> None:
    curve = result.npv_curve
    if curve is None or curve.empty:
        return
    data = curve.loc[curve["feasible"].astype(bool), ["total_kwp", "npv"]].rename(
        columns={"total_kwp": "capacity_kwp"})
    # One NPV: the optimizer values a design exactly as its cash flow does, so the chosen
    # design's point is the reported NPV (pvplanner.sizing).
    optimum_npv = result.finance.npv
    if result.finance.perspective == "host":
        # A lease is sized as if owner-financed: mark the curve's own value at the design.
        optimum_npv = float(np.interp(result.pv.capacity_kwp, data["capacity_kwp"], data["npv"]))
    titles = {"capacity": t("results.charts.capacity"),
              "npv": t("results.charts.npv", currency=fmt().currency_unit()),
              "optimum": t("results.charts.optimum")}
    st.altair_chart(charts.npv_curve(data, result.pv.capacity_kwp, optimum_npv, titles),
                    width="stretch")
    st.caption(t("results.charts.npv_note"))
    if result.finance.perspective == "host":
        st.caption(t("results.views.lease_curve", npv=fmt().money(result.finance.npv)))


def _typical_day(result) -> None:
    from pvplanner.report.tables import typical_day
    from pvplanner.report.text import Texts, date_label

    months = charts.month_names(lang())
    key = "results_month"
    if key not in st.session_state:
        st.session_state[key] = 7
    month = st.select_slider(t("results.charts.month"), options=list(range(1, 13)), key=key,
                             format_func=lambda m: months[m - 1])
    # A real day: the month's day closest to its daily means of PV and load, whose flows
    # balance hour by hour (a mean of many days would show imports beside exports).
    day = typical_day(result, month)
    date = day.attrs.pop("date")
    titles = {"hour": t("common.hour")}
    st.altair_chart(charts.day_flows(day, flow_labels(), titles), width="stretch")
    st.caption(t("results.day.caption", date=date_label(date, Texts(lang()))))


def _cash_flow(result) -> None:
    cash = result.cash_flow
    equity = "net_cash_flow_equity" in cash.columns and bool(
        (cash.get("debt_draw", pd.Series(dtype=float)).abs() > 0).any())
    view = "project"
    if equity:
        views = ("project", "equity")
        view = st.radio(t("results.charts.cash_view"), views, horizontal=True,
                        format_func=label_map(views, lambda v: t(f"results.charts.cash_views.{v}")),
                        key="cash_view")
    annual, cumulative = (("net_cash_flow_equity", "cumulative_equity") if view == "equity"
                          else ("net_cash_flow_project", "cumulative_project"))
    titles = {"year": t("common.year"), "money": _money_unit(result),
              "annual": t("results.charts.annual"), "cumulative": t("results.charts.cumulative")}
    st.altair_chart(charts.cash_flow(cash, annual, cumulative, titles), width="stretch")
    st.caption(t("results.charts.cash_note"))


def _battery(result) -> None:
    if result.battery.energy_kwh <= 0:
        # Allowed (it has limits) but none built: the optimum has none, which is the answer.
        allowed = result.battery.max_power_kw is not None
        st.info(t("results.charts.no_battery_chosen" if allowed else "results.charts.no_battery"))
        return
    limits = getattr(result.solver, "binding_limits", ()) or ()
    if result.battery.energy_limit_binding and not any("max_energy_kwh" in k for k in limits):
        st.warning(t("results.battery_limit.energy",
                     energy=fmt().unit(result.battery.max_energy_kwh, "kWh")))
    week = st.slider(t("results.charts.week"), 1, 52, 28, key="soc_week")
    steps = 7 * 24 * _steps_per_hour(result.hourly.index)
    window = result.hourly.iloc[(week - 1) * steps:week * steps]
    st.altair_chart(charts.state_of_charge(window, {"soc": t("results.charts.soc")}),
                    width="stretch")


def _steps_per_hour(index: pd.Index) -> int:
    """Rows per hour of the Result's time series (1, or 4 for 15-minute steps)."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        return 1
    return max(1, int(round(pd.Timedelta(hours=1) / (index[1] - index[0]))))


def _bills(result) -> None:
    before = result.bill_baseline_monthly["total"].tolist()
    after = result.bill_with_system_monthly["total"].tolist()
    titles = {"before": t("results.charts.before"), "after": t("results.charts.after"),
              "money": _money_unit(result)}
    st.altair_chart(charts.monthly_bills(before, after, lang(), titles), width="stretch")
    f = fmt()
    rows = [
        (t("results.bills.baseline"), f.money(result.bills.baseline_annual)),
        (t("results.bills.with_system"), f.money(result.bills.with_system_annual)),
        (t("results.bills.energy"), f.money(result.bills.energy_savings_annual)),
        # A raised demand charge is said as an increase, not a negative saving.
        (t("results.bills.demand_up" if result.bills.demand_charge_raised
           else "results.bills.demand"), f.money(abs(result.bills.demand_savings_annual))),
        (t("results.bills.export"), f.money(result.bills.export_revenue_annual)),
    ]
    st.dataframe(pd.DataFrame(rows, columns=[t("common.item"), t("common.value")]),
                 hide_index=True, width="stretch")
    # A saving on demand charges by PV alone rests on the weather of the peak hours.
    caveat = demand_caveat(result, lang())
    if caveat:
        st.warning(caveat, icon=":material/cloud:")


def _demand(result) -> None:
    """Each month's maximum demand and its charge without and with the system, as the
    proposal's table gives them, with what the maxima are measured on; nothing where the
    tariff charges neither demand nor capacity."""
    table = demand_table(result, lang())
    if table is None:
        return
    st.subheader(table.title)
    # Tall enough for the twelve months and the year's row without scrolling.
    st.dataframe(pd.DataFrame(table.rows, columns=[h.replace("\n", " ") for h in table.header]),
                 hide_index=True, width="stretch", height=35 * (len(table.rows) + 1) + 3)
    st.caption(table.note)


def _risk(result) -> None:
    """The NPV tornado of the chosen design and its P50/P90 generation."""
    f = fmt()
    table = result.sensitivity
    if table is not None and len(table):
        st.caption(t("results.risk.intro", npv=f.money(result.finance.npv)))
        labels = {}
        for _, row in table.iterrows():
            factor = str(row["factor"])
            size = max(abs(float(row["low_change"])), abs(float(row["high_change"])))
            name = t(f"results.risk.factor_{factor}")
            labels[factor] = (t("results.risk.move_absolute", factor=name,
                                value=f.number(100 * size, 0 if round(100 * size, 6) % 1 == 0
                                               else 1))
                              if row["kind"] == "absolute" else
                              t("results.risk.move_relative", factor=name,
                                value=f.percent(size, 0)))
        sides = {"low": t("results.risk.side_low"), "high": t("results.risk.side_high")}
        chart = specs.tornado(table, labels, sides, (1.0, _money_unit(result)),
                              t("results.risk.base"), npv_title=t("results.kpi.npv"))
        st.altair_chart(chart.properties(height=max(160, 40 * len(table))), width="stretch")
    pv = result.pv
    if pv.p90_annual_generation_kwh is None:
        return
    row = result.assumption("pv.interannual_variability")
    if pv.variability_basis == "weather_years":
        basis = t("results.risk.basis_weather_years", span=row.date if row else "")
    else:
        status = row.status if row is not None else "unverified"
        basis = t("results.risk.basis_default", status=t(f"results.risk.status_{status}")
                  if status in ("unverified", "derived") else status)
    cells = st.columns(3)
    cells[0].metric(t("results.risk.p50"), f.energy(pv.p50_annual_generation_kwh), border=True)
    cells[1].metric(t("results.risk.p90"), f.energy(pv.p90_annual_generation_kwh), border=True,
                    help=basis)
    cells[2].metric(t("results.risk.sigma"), f.percent(pv.interannual_variability, 1),
                    border=True, help=basis)
    st.caption(basis)


def _mounting_name(mounting: str) -> str:
    """A mounting in words (``tilted_rows`` -> 倾角支架（朝南成排）), the proposal's names."""
    from pvplanner.display.messages import has, translate

    key = f"report.mounting.{mounting}"
    return translate(key, lang()) if has(key) else str(mounting).replace("_", " ")


def _solver_line(solver) -> tuple[str, str]:
    """The solver's status and method in words (not their ids)."""
    from pvplanner.display.messages import has

    status, backend = str(solver.status), str(solver.backend)
    status_key, backend_key = f"results.solver_status.{status}", f"results.solver_backend.{backend}"
    return (t(status_key) if has(status_key) else t("results.solver_status.other"),
            t(backend_key) if has(backend_key) else t("results.solver_backend.other"))


def _planes(result) -> None:
    f = fmt()
    rows = [{
        t("results.planes.name"): reader_name(p.name, lang()),
        t("results.planes.capacity"): f.kwp(p.capacity_kwp),
        t("results.planes.max"): f.kwp(p.max_kwp),
        # East-west racks: the modules' two faces, as the proposal gives them.
        t("results.planes.orientation"): f"{p.tilt_deg:g}° / " + "/".join(
            f"{face:g}°" for face in module_azimuths_deg(p.mounting, p.azimuth_deg)),
        t("results.planes.mounting"): _mounting_name(p.mounting),
        t("results.planes.generation"): f.energy(p.annual_generation_kwh),
        t("results.planes.yield"): f.number(p.specific_yield_kwh_per_kwp),
    } for p in result.pv.planes]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _energy_table(result) -> None:
    f = fmt()
    e = result.energy
    rows = [
        (t("results.energy.load"), f.energy(e.load_kwh)),
        (t("results.energy.self_consumed"), f.energy(e.self_consumed_kwh)),
        (t("results.energy.exported"), f.energy(e.exported_kwh)),
        (t("results.energy.imported"), f.energy(e.imported_kwh)),
        (t("results.energy.curtailed"), f.energy(e.curtailed_kwh)),
    ]
    # With a battery, PV used on site plus purchases exceed the use by its losses: a row of
    # their own, so that the table adds up (as the proposal's balance does).
    if e.battery_losses_shown:
        rows.append((t("results.energy.battery_losses"), f.energy(e.battery_losses_kwh)))
    st.dataframe(pd.DataFrame(rows, columns=[t("common.item"), t("common.value")]),
                 hide_index=True, width="stretch")


def render() -> None:
    """Draw the page."""
    st.title(t("results.title"))
    result = state.result()
    if result is None:
        st.info(t("results.no_result"))
        return
    st.caption(t("results.intro", name=plain(reader_name(result.scenario_name, lang())),
                 objective=t(f"tariff.goals.objectives.{result.solver.objective}")))
    _kpis(result)
    # The limits that held a size, then those that only curtailed PV (a line each).
    for line in held_lines(result, lang(), lambda plane: plain(reader_name(plane, lang()))):
        st.info(line)
    # A connection the plan's flows do not fit, or a design too small to build, is no
    # footnote: said at the top.
    for note in result.notes:
        if getattr(note, "key", "").startswith(_HEADLINE_NOTES):
            st.warning(plain(render_message(note, lang())), icon=":material/electrical_services:")
    combined_plan_block(result, lang())  # measures + PV (+ battery), when measures were applied

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("results.sections.npv"))
        # Filled last: with a battery the curve takes as long as the plan (state.npv_curve),
        # so the rest of the page is on screen while it is drawn.
        curve_place = st.container()
    with right:
        st.subheader(t("results.sections.monthly"))
        st.altair_chart(charts.monthly_pv_vs_load(
            result.monthly, lang(), flow_labels(), {"energy": t("results.charts.energy")}),
            width="stretch")
        _energy_table(result)

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("results.sections.day"))
        _typical_day(result)
    with right:
        st.subheader(t("results.sections.cash"))
        _cash_flow(result)

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("results.sections.bills"))
        _bills(result)
    with right:
        st.subheader(t("results.sections.battery"))
        _battery(result)
    _demand(result)

    st.subheader(t("results.risk.title"))
    _risk(result)

    st.subheader(t("results.sections.planes"))
    _planes(result)
    with st.expander(t("results.notes", n=len(result.warnings))):
        from pvplanner.display.solver_notes import READERS, for_reader

        notes = [for_reader(note, result, "app") for note in result.notes]
        for note in notes:  # each note in the reader's language (its catalogue key)
            st.markdown(f"- {plain(render_message(note, lang()))}")
        status, backend = _solver_line(result.solver)
        st.caption(t("results.solver", status=status, backend=backend,
                     seconds=fmt().number(result.timings_s.get("total", 0.0), 2)))
        stated = any(getattr(note, "key", "") == READERS["app"] for note in notes)
        if result.solver.status != "optimal" and not stated:
            st.caption(t("results.solver_gap",
                         gap=fmt().money(result.solver.optimality_gap)))
    next_page("carbon")
    with curve_place:
        _npv_chart(state.npv_curve() or result)
