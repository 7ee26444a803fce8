"""Page 4 - results: KPIs, NPV versus capacity, monthly PV versus load, a typical day's
energy flows, cash flow, battery state of charge and bills."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pvplanner.app import charts, state
from pvplanner.app.widgets import fmt, label_map, lang, next_page, plain, t

_FLOWS = ("pv_to_load", "pv_to_battery", "pv_to_grid", "curtailed", "battery_to_load",
          "grid_to_load", "grid_to_battery", "load", "pv")


def flow_labels() -> dict[str, str]:
    """Translated names of the energy flows."""
    return {flow: t(f"common.flows.{flow}") for flow in _FLOWS}


def _kpis(result) -> None:
    f = fmt()
    pv, energy, bills, money = result.pv, result.energy, result.bills, result.finance
    row = st.columns(4)
    row[0].metric(t("results.kpi.capacity"), f.kwp(pv.capacity_kwp, 0),
                  help=t("results.kpi.capacity_help", max=f.kwp(pv.max_capacity_kwp)),
                  border=True)
    row[1].metric(t("results.kpi.generation"), f.energy(pv.annual_generation_kwh),
                  help=t("results.kpi.yield", value=f.number(pv.specific_yield_kwh_per_kwp)),
                  border=True)
    row[2].metric(t("results.kpi.self_consumption"), f.percent(energy.self_consumption_ratio),
                  help=t("results.kpi.self_consumption_help"), border=True)
    row[3].metric(t("results.kpi.self_sufficiency"), f.percent(energy.self_sufficiency_ratio),
                  help=t("results.kpi.self_sufficiency_help"), border=True)
    row = st.columns(4)
    row[0].metric(t("results.kpi.capex"), f.money_compact(money.capex),
                  help=f.money(money.capex), border=True)
    row[1].metric(t("results.kpi.savings"), f.money_compact(bills.savings_annual),
                  help=t("results.kpi.savings_help", before=f.money(bills.baseline_annual),
                         after=f.money(bills.with_system_annual)), border=True)
    row[2].metric(t("results.kpi.npv"), f.money_compact(money.npv),
                  help=t("results.kpi.npv_help") + " " + f.money(money.npv), border=True)
    row[3].metric(t("results.kpi.irr"), f.percent(money.irr), help=t("results.kpi.irr_help"),
                  border=True)
    # Both paybacks, each labelled: Chinese proposals quote the pre-tax static payback.
    row = st.columns(4)
    row[0].metric(t("results.kpi.payback_pre_tax"), f.years(money.payback_years_pre_tax),
                  help=t("results.kpi.discounted_payback_pre_tax",
                         value=f.years(money.discounted_payback_years_pre_tax)), border=True)
    row[1].metric(t("results.kpi.payback"), f.years(money.payback_years),
                  help=t("results.kpi.discounted_payback",
                         value=f.years(money.discounted_payback_years)), border=True)
    row[2].metric(t("results.kpi.lcoe"), f.number(money.lcoe_per_kwh, 3),
                  help=f.price(money.lcoe_per_kwh), border=True)
    extra = []
    if money.ownership == "emc":
        extra += [(t("results.kpi.host_savings"), f.money_compact(money.host_savings_lifetime)),
                  (t("results.kpi.investor_irr"), f.percent(money.investor_irr))]
    if result.battery.energy_kwh > 0:
        extra += [(t("results.kpi.battery"),
                   f"{f.number(result.battery.energy_kwh)} kWh / "
                   f"{f.number(result.battery.power_kw)} kW")]
    extra.append((t("results.kpi.avoided"), f.tco2(result.carbon.avoided_tco2_year1, 0)))
    slots = list(row[3:]) + list(st.columns(4)) if len(extra) > 1 else list(row[3:])
    for column, (label, value) in zip(slots, extra, strict=False):
        column.metric(label, value, border=True)
    if money.ownership == "emc":
        st.caption(t("results.kpi.emc_note"))


def _npv_chart(result) -> None:
    curve = result.npv_curve
    if curve is None or curve.empty:
        return
    data = curve.loc[curve["feasible"].astype(bool), ["total_kwp", "npv"]].rename(
        columns={"total_kwp": "capacity_kwp"})
    # One NPV: the optimizer values a design exactly as its cash flow does, so the chosen
    # design's point is the reported NPV (pvplanner.sizing).
    optimum_npv = result.finance.npv
    titles = {"capacity": t("results.charts.capacity"),
              "npv": t("results.charts.npv", currency=result.currency),
              "optimum": t("results.charts.optimum")}
    st.altair_chart(charts.npv_curve(data, result.pv.capacity_kwp, optimum_npv, titles),
                    width="stretch")
    st.caption(t("results.charts.npv_note"))


def _typical_day(result) -> None:
    months = charts.month_names(lang())
    key = "results_month"
    if key not in st.session_state:
        st.session_state[key] = 7
    month = st.select_slider(t("results.charts.month"), options=list(range(1, 13)), key=key,
                             format_func=lambda m: months[m - 1])
    hourly = result.hourly
    in_month = hourly.loc[hourly.index.month == month]
    columns = [c for c in in_month.columns if c.endswith("_kw")]
    # A typical day for display: each hour's mean over the month's days.
    day = in_month[columns].groupby(in_month.index.hour).mean()
    day.index.name = "hour"
    titles = {"hour": t("common.hour")}
    st.altair_chart(charts.day_flows(day, flow_labels(), titles), width="stretch")


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
    titles = {"year": t("common.year"), "money": result.currency,
              "annual": t("results.charts.annual"), "cumulative": t("results.charts.cumulative")}
    st.altair_chart(charts.cash_flow(cash, annual, cumulative, titles), width="stretch")
    st.caption(t("results.charts.cash_note"))


def _battery(result) -> None:
    if result.battery.energy_kwh <= 0:
        st.info(t("results.charts.no_battery"))
        return
    week = st.slider(t("results.charts.week"), 1, 52, 28, key="soc_week")
    start = (week - 1) * 7 * 24
    window = result.hourly.iloc[start:start + 7 * 24]
    st.altair_chart(charts.state_of_charge(window, {"soc": t("results.charts.soc")}),
                    width="stretch")


def _bills(result) -> None:
    before = result.bill_baseline_monthly["total"].tolist()
    after = result.bill_with_system_monthly["total"].tolist()
    titles = {"before": t("results.charts.before"), "after": t("results.charts.after"),
              "money": result.currency}
    st.altair_chart(charts.monthly_bills(before, after, lang(), titles), width="stretch")
    f = fmt()
    rows = [
        (t("results.bills.baseline"), f.money(result.bills.baseline_annual)),
        (t("results.bills.with_system"), f.money(result.bills.with_system_annual)),
        (t("results.bills.energy"), f.money(result.bills.energy_savings_annual)),
        (t("results.bills.demand"), f.money(result.bills.demand_savings_annual)),
        (t("results.bills.export"), f.money(result.bills.export_revenue_annual)),
    ]
    st.dataframe(pd.DataFrame(rows, columns=[t("common.item"), t("common.value")]),
                 hide_index=True, width="stretch")


def _planes(result) -> None:
    f = fmt()
    rows = [{
        t("results.planes.name"): p.name,
        t("results.planes.capacity"): f.kwp(p.capacity_kwp),
        t("results.planes.max"): f.kwp(p.max_kwp),
        t("results.planes.orientation"): f"{p.tilt_deg:g}° / {p.azimuth_deg:g}°",
        t("results.planes.mounting"): p.mounting,
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
    st.dataframe(pd.DataFrame(rows, columns=[t("common.item"), t("common.value")]),
                 hide_index=True, width="stretch")


def render() -> None:
    """Draw the page."""
    st.title(t("results.title"))
    result = state.result()
    if result is None:
        st.info(t("results.no_result"))
        return
    st.caption(t("results.intro", name=plain(result.scenario_name),
                 objective=t(f"tariff.goals.objectives.{result.solver.objective}")))
    _kpis(result)

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("results.sections.npv"))
        _npv_chart(result)
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

    st.subheader(t("results.sections.planes"))
    _planes(result)
    with st.expander(t("results.notes", n=len(result.warnings))):
        from pvplanner.display.messages import render as render_message

        for note in result.notes:  # each note in the reader's language (its catalogue key)
            st.markdown(f"- {plain(render_message(note, lang()))}")
        st.caption(t("results.solver", status=result.solver.status,
                     backend=result.solver.backend,
                     seconds=fmt().number(result.timings_s.get("total", 0.0), 2)))
        if result.solver.status != "optimal":
            st.caption(t("results.solver_gap",
                         gap=fmt().money(result.solver.optimality_gap)))
    next_page("carbon")
