"""Page 3 - tariff and costs: tariff preset and its price levels, export rule, currency,
finance inputs and ownership model, battery options, goals and limits."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

import pvplanner.app.charts as charts
import pvplanner.app.site_rules as site_rules
import pvplanner.app.state as state
import pvplanner.app.tariff_inputs as tariff_inputs
from pvplanner.app.state import get_path, set_path
from pvplanner.app.widgets import (
    advanced,
    check,
    choice,
    fmt,
    label_map,
    lang,
    next_page,
    number,
    slot,
    t,
    text,
)
from pvplanner.finance.inputs import MONEY_LIMITS
from pvplanner.pipeline import scenario_export_terms
from pvplanner.tariff.province import AUTO_PRESETS

_EXPORT_KINDS = ("default", "market", "coal_benchmark", "constant", "zero_export")
_OWNERSHIP = ("owner", "emc", "lease")
_OBJECTIVES = ("max_npv", "max_self_sufficiency", "min_cost_for_co2")


@st.cache_data(show_spinner=False)
def _presets() -> pd.DataFrame:
    from pvplanner.tariff import list_tariff_presets

    return list_tariff_presets()


@st.cache_data(show_spinner=False)
def _preset_doc(preset_id: str) -> dict[str, Any]:
    from pvplanner.tariff import load_tariff_preset

    return load_tariff_preset(preset_id).model_dump(mode="json")


def _preset_label(preset_id: str | None) -> str:
    if preset_id in AUTO_PRESETS:  # follow the site's province
        return site_rules.auto_label()
    table = _presets()
    row = table.loc[table["id"] == preset_id]
    if row.empty:
        return str(preset_id)
    row = row.iloc[0]
    return str(row["name_zh"] if lang() == "zh" and row["name_zh"] else row["name"])


def _on_preset_change() -> None:
    """A new preset replaces edited prices (they belonged to the old one)."""
    doc = state.doc()
    chosen = st.session_state.get("in:tariff.preset")
    set_path(doc, "tariff.preset", chosen)
    set_path(doc, "tariff.version", None)  # a pinned version belonged to the old preset
    set_path(doc, "tariff.zone", None)
    if get_path(doc, "tariff.custom") is not None and chosen:
        set_path(doc, "tariff.custom", copy.deepcopy(_preset_doc(chosen)))
    state.reset_inputs("tariff.custom")


def _on_edit_toggle() -> None:
    doc = state.doc()
    if st.session_state.get("edit_prices"):
        preset = site_rules.effective_preset_id()
        if preset:
            # the prices typed here are in the scenario's currency
            set_path(doc, "tariff.custom", {**copy.deepcopy(_preset_doc(preset)),
                                            "currency": get_path(doc, "currency", "CNY")})
            set_path(doc, "tariff.bill", None)
            set_path(doc, "tariff.buyer", "agency")
    else:
        set_path(doc, "tariff.custom", None)
    state.reset_inputs("tariff.custom")


def _effective_tariff():
    """The tariff the plan prices (preset version, custom or bill-typed), or None if invalid."""
    from pvplanner.scenario.model import TariffChoice
    from pvplanner.tariff import resolve_tariff

    doc = state.doc()
    data = dict(get_path(doc, "tariff") or {})
    if data.get("preset") in AUTO_PRESETS and data.get("custom") is None:
        data["preset"] = site_rules.effective_preset_id()
        if data["preset"] is None:  # no preset for the site's province: the plan says so
            return None
    try:
        choice = TariffChoice.model_validate(data)
        return resolve_tariff(choice).tariff
    except Exception as exc:  # noqa: BLE001 - shown next to the tariff inputs
        problem = state.problem_from_exception(exc)
        problem.field = problem.field or "tariff"
        if not problem.field.startswith("tariff"):
            problem.field = "tariff." + problem.field
        state.report(problem)
        return None


def _price_inputs(tariff_doc: dict[str, Any]) -> None:
    from pvplanner.tariff import PERIODS

    prices = tariff_doc.get("prices") or {}
    base = "tariff.custom.prices"
    if prices.get("mode") == "ratio":
        a, b = st.columns(2)
        number(f"{base}.floating_part_per_kwh", t("tariff.prices.floating"), min_value=0,
               max_value=10, step=0.01, format="%.4f", where=a, help=t("tariff.prices.floating_help"))
        number(f"{base}.fixed_part_per_kwh", t("tariff.prices.fixed"), min_value=0,
               max_value=10, step=0.01, format="%.4f", where=b, help=t("tariff.prices.fixed_help"))
        ratios = prices.get("ratios") or {}
        columns = st.columns(len([p for p in PERIODS if p in ratios]) or 1)
        for column, period in zip(columns, [p for p in PERIODS if p in ratios], strict=False):
            number(f"{base}.ratios.{period}", t("tariff.prices.ratio",
                                                period=t(f"common.periods.{period}")),
                   min_value=0, max_value=10, step=0.05, format="%.2f", where=column)
    else:
        per_kwh = prices.get("per_kwh") or {}
        used = [p for p in PERIODS if p in per_kwh]
        columns = st.columns(len(used) or 1)
        for column, period in zip(columns, used, strict=False):
            number(f"{base}.per_kwh.{period}", t("common.periods." + period) + " /kWh",
                   min_value=0, max_value=10, step=0.01, format="%.4f", where=column)
    charges = tariff_doc.get("demand_charges") or []
    if charges or tariff_doc.get("fixed_monthly_charge") is not None:
        columns = st.columns(max(2, len(charges) + 1))
        for i, charge in enumerate(charges):
            number(f"tariff.custom.demand_charges[{i}].rate_per_kw_month",
                   t("tariff.prices.demand", label=charge.get("label", "")), min_value=0,
                   max_value=1000, step=0.5, format="%.2f", where=columns[i])
        number("tariff.custom.fixed_monthly_charge", t("tariff.prices.fixed_monthly"),
               min_value=0, step=100.0, format="%.0f", where=columns[len(charges)])


def _pick_caption() -> None:
    """Which fact picked the province's preset, with the province named for the reader."""
    from pvplanner.display.names import name as reader_name

    found = site_rules.decision()
    if found is None or found.pick is None:
        return
    pick, f = found.pick, fmt()
    values = {"province": reader_name(pick.province, lang()),
              "threshold": f.number(pick.threshold_kva),
              "cls": t(f"tariff.tariff.classes.{pick.customer_class}"),
              "value": f.number(pick.basis_value or 0.0),
              "cmp": t("tariff.tariff.cmp_ge" if pick.customer_class == "large_industry"
                       else "tariff.tariff.cmp_lt")}
    st.caption(t(f"tariff.tariff.basis.{pick.basis}", **values))


def _other_province_warning() -> None:
    """A visible warning when the tariff is another province's than the site's (both named
    for the reader)."""
    from pvplanner.display.names import name as reader_name
    from pvplanner.tariff.province import same_province

    found = site_rules.decision()
    province = get_path(state.doc(), "site.province")
    if found is None or not province:
        return
    region = found.resolved.tariff.region
    if region and not same_province(region, province):
        st.warning(t("tariff.tariff.other_province", region=reader_name(region, lang()),
                     site=reader_name(province, lang())), icon=":material/warning:")


def _tariff_section() -> None:
    st.subheader(t("tariff.tariff.title"))
    doc = state.doc()
    left, right = st.columns([2, 3], gap="large")
    with left:
        choice("tariff.preset", t("tariff.tariff.preset"), [None, *_presets()["id"]],
               labels=_preset_label, on_change=_on_preset_change,
               help=t("tariff.tariff.preset_help"))
        _other_province_warning()
        preset = site_rules.effective_preset_id()
        facts = tariff_inputs.version_panel(preset) if preset else None
        if facts is not None:
            tariff_inputs.user_section(facts)
        if get_path(doc, "tariff.preset") in AUTO_PRESETS:
            if site_rules.effective_preset_id() != preset:
                st.rerun()  # the user's size (just entered) picks another preset: show it
            _pick_caption()
        tariff_inputs.buyer_section()
        if "edit_prices" not in st.session_state:
            st.session_state["edit_prices"] = get_path(doc, "tariff.custom") is not None
        if "bill_prices" not in st.session_state:
            st.session_state["bill_prices"] = get_path(doc, "tariff.bill") is not None
        st.toggle(t("tariff.bill.toggle"), key="bill_prices",
                  on_change=tariff_inputs.on_bill_toggle, help=t("tariff.bill.toggle_help"))
        if get_path(doc, "tariff.bill") is None:
            st.toggle(t("tariff.tariff.edit"), key="edit_prices", on_change=_on_edit_toggle,
                      help=t("tariff.tariff.edit_help"))
        custom = get_path(doc, "tariff.custom")
        if custom is not None:
            _price_inputs(custom)
        slot("tariff.custom")
        slot("tariff")
    with right:
        tariff = _effective_tariff()
        if tariff is not None:
            _tariff_charts(tariff)
    if get_path(doc, "tariff.bill") is not None:
        st.caption(t("tariff.bill.title"))
        used = sorted(_used_periods(tariff)) if tariff is not None else []
        tariff_inputs.bill_inputs(used)


def _used_periods(tariff) -> set[str]:
    from pvplanner.tariff import compile_tariff

    return set(compile_tariff(tariff).used_periods)


def _tariff_charts(tariff) -> None:
    from pvplanner.tariff import PERIODS, compile_tariff

    compiled = compile_tariff(tariff)
    labels = {p: t(f"common.periods.{p}") for p in PERIODS}
    used = {p: labels[p] for p in PERIODS if p in compiled.used_periods}
    prices = {p: float(compiled.prices[i]) for i, p in enumerate(PERIODS)
              if p in compiled.used_periods}
    rows = []
    for month in range(12):
        for hour in range(24):
            rows.append({"month": month + 1, "hour": hour,
                         "period": PERIODS[int(compiled.table[month, 0, hour * 4])]})
    from pvplanner.app.fmt import Fmt

    titles = {"hour": t("common.hour"), "price": t(
        "tariff.prices.axis", currency=Fmt(lang(), tariff.currency).currency_unit())}
    a, b = st.columns([3, 2])
    with a:
        st.caption(t("tariff.tariff.schedule"))
        st.altair_chart(charts.period_schedule(pd.DataFrame(rows), used, lang(), titles),
                        width="stretch")
    with b:
        st.caption(t("tariff.tariff.levels"))
        st.altair_chart(charts.price_levels(prices, used, titles), width="stretch")
    if tariff.status != "official":
        st.warning(t("tariff.tariff.unverified"), icon=":material/fact_check:")


def _start_date() -> None:
    """Commissioning date: picks the tariff version in force and the export rule (136号)."""
    doc = state.doc()
    current = get_path(doc, "start_date")
    lowest, highest = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
    try:
        value: dt.date | None = dt.date.fromisoformat(current) if current else dt.date.today()
    except (TypeError, ValueError):
        value = None
    if value is not None and not lowest <= value <= highest:
        # A date from an opened file out of the range: the field stays empty (its error is
        # shown under it) instead of being moved to the nearest allowed day unasked.
        value = None
    chosen = st.date_input(t("tariff.export.start_date"), value=value,
                           min_value=lowest, max_value=highest,
                           help=t("tariff.export.start_date_help"), key="in:start_date")
    if chosen is not None and chosen.isoformat() != current:
        set_path(doc, "start_date", chosen.isoformat())
    slot("start_date")


def _applied_export_caption() -> None:
    """What the plan will apply, from the same decision the plan makes."""
    scenario = state.scenario()
    if scenario is None:
        return
    try:
        terms = scenario_export_terms(scenario)
    except Exception:  # noqa: BLE001 - the problem is shown where the plan reports it
        return
    rule = t(f"tariff.export.kinds.{terms.kind}")
    if terms.price_per_kwh is not None:
        price = fmt().price(terms.price_per_kwh)
    elif terms.mean_price_per_kwh is not None:
        price = t("tariff.export.mean", price=fmt().price(terms.mean_price_per_kwh))
    else:
        price = t("tariff.export.import_price")
    status = t(f"common.status.{terms.status}") if terms.status else ""
    st.info(t("tariff.export.applied", rule=rule, price=price, status=status),
            icon=":material/info:")


def _export_section() -> None:
    st.subheader(t("tariff.export.title"))
    doc = state.doc()
    current = get_path(doc, "tariff.export")
    kind = "default" if current is None else current.get("kind", "constant")
    if kind not in _EXPORT_KINDS:
        kind = "default"
    key = "in:tariff.export.kind"
    if key not in st.session_state:
        st.session_state[key] = kind
    left, right = st.columns([2, 3], gap="large")
    chosen = left.radio(t("tariff.export.rule"), _EXPORT_KINDS, key=key,
                        format_func=label_map(_EXPORT_KINDS,
                                              lambda k: t(f"tariff.export.kinds.{k}")))
    if chosen != kind:
        if chosen == "default":
            set_path(doc, "tariff.export", None)
        elif chosen == "constant":
            set_path(doc, "tariff.export", {"kind": "constant", "price_per_kwh": 0.3,
                                            "source": "user input (app)"})
        else:
            set_path(doc, "tariff.export", {"kind": chosen, "source": "user input (app)"})
        state.reset_inputs("tariff.export.price")
    slot("tariff.export", left)
    with right:
        _start_date()
        if chosen == "constant":
            number("tariff.export.price_per_kwh", t("tariff.export.price"), min_value=0,
                   max_value=10, step=0.01, format="%.4f")
        if chosen == "market":
            number("tariff.export.price_per_kwh", t("tariff.export.market_price"),
                   optional=True, min_value=0, max_value=10, step=0.01, format="%.4f",
                   help=t("tariff.export.market_price_help"))
            a, b, c = st.columns(3)
            number("tariff.export.mechanism_price_per_kwh", t("tariff.export.mechanism_price"),
                   optional=True, min_value=0, max_value=10, step=0.01, format="%.4f", where=a)
            number("tariff.export.mechanism_share", t("tariff.export.mechanism_share"),
                   scale=100.0, min_value=0, max_value=100, step=5.0, format="%.0f", where=b)
            number("tariff.export.mechanism_years", t("tariff.export.mechanism_years"),
                   integer=True, min_value=0, max_value=30, where=c)
        _applied_export_caption()
        st.caption(t(f"tariff.export.help.{chosen}"))


def _finance_section() -> None:
    st.subheader(t("tariff.finance.title"))
    a, b, c, d = st.columns(4)
    text("currency", t("tariff.finance.currency"), where=a, max_chars=3,
         help=t("tariff.finance.currency_help"), transform=lambda code: code.strip().upper())
    doc = state.doc()
    currency = get_path(doc, "currency")
    custom = get_path(doc, "tariff.custom")
    if currency and isinstance(custom, dict) and custom.get("currency") != currency:
        # Prices typed on this page are in the scenario's currency; a preset's are in its
        # own, and a plan refuses the two apart (pipeline: errors.plan.currency_mismatch).
        set_path(doc, "tariff.custom.currency", currency)
    number("finance.pv_capex_per_kwp", t("tariff.finance.pv_capex"), min_value=0,
           max_value=1e5, step=100.0, format="%.0f", where=b)
    number("finance.pv_om_per_kwp_year", t("tariff.finance.pv_om"), min_value=0,
           max_value=1e4, step=1.0, format="%.1f", where=c)
    number("finance.analysis_years", t("tariff.finance.years"), integer=True, min_value=1,
           max_value=40, where=d)
    number("finance.discount_rate", t("tariff.finance.discount"), scale=100, min_value=0,
           max_value=50, step=0.25, format="%.2f", where=a)
    number("finance.tariff_escalation_rate", t("tariff.finance.tariff_escalation"), scale=100,
           min_value=-20, max_value=50, step=0.25, format="%.2f", where=b)
    number("finance.capex_subsidy_fraction", t("tariff.finance.subsidy"), scale=100,
           min_value=0, max_value=100, step=1.0, format="%.1f", where=c)
    number("finance.income_tax_rate", t("tariff.finance.tax"), scale=100, min_value=0,
           max_value=60, step=1.0, format="%.1f", where=d)
    with st.expander(t("tariff.finance.more")):
        a, b, c, d = st.columns(4)
        number("finance.fixed_capex", t("tariff.finance.fixed_capex"), min_value=0,
               max_value=MONEY_LIMITS["fixed_capex"], step=10000.0, format="%.0f", where=a)
        number("finance.inflation_rate", t("tariff.finance.inflation"), scale=100,
               min_value=-10, max_value=50, step=0.25, format="%.2f", where=b)
        number("finance.export_escalation_rate", t("tariff.finance.export_escalation"),
               scale=100, min_value=-20, max_value=50, step=0.25, format="%.2f", where=c)
        number("finance.om_escalation_rate", t("tariff.finance.om_escalation"), scale=100,
               min_value=-20, max_value=50, step=0.25, format="%.2f", where=d)
        number("finance.generation_subsidy_per_kwh", t("tariff.finance.gen_subsidy"),
               min_value=0, max_value=10, step=0.01, format="%.3f", where=a)
        number("finance.generation_subsidy_years", t("tariff.finance.gen_subsidy_years"),
               integer=True, min_value=0, max_value=40, where=b)
        number("finance.inverter_replacement_year", t("tariff.finance.inverter_year"),
               integer=True, min_value=0, max_value=40, where=c)
        number("finance.inverter_replacement_cost_per_kwp", t("tariff.finance.inverter_cost"),
               min_value=0, max_value=MONEY_LIMITS["inverter_replacement_cost_per_kwp"],
               step=10.0, format="%.0f", where=d)
        number("finance.debt_fraction", t("tariff.finance.debt"), scale=100, min_value=0,
               max_value=100, step=5.0, format="%.0f", where=a)
        number("finance.debt_rate", t("tariff.finance.debt_rate"), scale=100, min_value=0,
               max_value=50, step=0.1, format="%.2f", where=b)
        number("finance.debt_tenor_years", t("tariff.finance.debt_tenor"), integer=True,
               min_value=1, max_value=40, where=c)
        number("finance.depreciation_years", t("tariff.finance.depreciation"), integer=True,
               min_value=1, max_value=50, where=d)
        number("finance.salvage_fraction", t("tariff.finance.salvage"), scale=100,
               min_value=0, max_value=100, step=1.0, format="%.0f", where=a)
        number("finance.tax_exempt_years", t("tariff.finance.tax_exempt"), integer=True,
               min_value=0, max_value=40, where=b)
        number("finance.tax_half_rate_years", t("tariff.finance.tax_half"), integer=True,
               min_value=0, max_value=40, where=c)
        choice("finance.tax_losses", t("tariff.finance.tax_losses"),
               ("offset", "carry_forward"),
               labels=lambda k: t(f"tariff.finance.tax_losses_kinds.{k}"), where=d)


def _ownership_section() -> None:
    st.subheader(t("tariff.ownership.title"))
    left, right = st.columns([2, 3], gap="large")
    owner = choice("finance.ownership", t("tariff.ownership.model"), _OWNERSHIP,
                   labels=lambda k: t(f"tariff.ownership.kinds.{k}"), radio=True, where=left)
    with right:
        st.caption(t(f"tariff.ownership.help.{owner}"))
        a, b = st.columns(2)
        if owner == "emc":
            number("finance.emc_discount_percent", t("tariff.ownership.emc_discount"),
                   min_value=0, max_value=100, step=1.0, format="%.1f", where=a)
            number("finance.contract_years", t("tariff.ownership.contract"), integer=True,
                   min_value=1, max_value=40, where=b)
        elif owner == "lease":
            number("finance.lease_rate", t("tariff.ownership.lease_rate"), scale=100,
                   min_value=0, max_value=50, step=0.25, format="%.2f", where=a)
            number("finance.contract_years", t("tariff.ownership.contract"), integer=True,
                   min_value=1, max_value=40, where=b)
            number("finance.lease_payment_per_year", t("tariff.ownership.lease_payment"),
                   optional=True, min_value=0, max_value=MONEY_LIMITS["lease_payment_per_year"],
                   step=10000.0, format="%.0f", where=a,
                   placeholder=t("tariff.ownership.lease_annuity"))


def _battery_section() -> None:
    st.subheader(t("tariff.battery.title"))
    allowed = check("battery.allowed", t("tariff.battery.allowed"), toggle=True,
                    help=t("tariff.battery.allowed_help"))
    if not allowed:
        return
    a, b, c, d = st.columns(4)
    number("battery.max_energy_kwh", t("tariff.battery.max_energy"), min_value=0,
           max_value=1e7, step=100.0, format="%.0f", where=a, optional=True,
           placeholder=t("tariff.battery.max_energy_auto"))
    number("battery.max_power_kw", t("tariff.battery.max_power"), min_value=0, max_value=1e7,
           step=50.0, format="%.0f", where=b)
    number("finance.battery_capex_per_kwh", t("tariff.battery.capex_kwh"), min_value=0,
           max_value=1e5, step=50.0, format="%.0f", where=c)
    number("finance.battery_capex_per_kw", t("tariff.battery.capex_kw"), min_value=0,
           max_value=1e5, step=50.0, format="%.0f", where=d)
    with st.expander(t("tariff.battery.more")):
        a, b, c, d = st.columns(4)
        number("battery.min_energy_kwh", t("tariff.battery.min_energy"), min_value=0,
               step=100.0, format="%.0f", where=a)
        number("battery.min_power_kw", t("tariff.battery.min_power"), min_value=0,
               step=50.0, format="%.0f", where=b)
        number("battery.charge_efficiency", t("tariff.battery.charge_eff"), scale=100,
               min_value=51, max_value=100, step=0.5, format="%.1f", where=c)
        number("battery.discharge_efficiency", t("tariff.battery.discharge_eff"), scale=100,
               min_value=51, max_value=100, step=0.5, format="%.1f", where=d)
        number("battery.min_soc_fraction", t("tariff.battery.min_soc"), scale=100,
               min_value=0, max_value=99, step=1.0, format="%.0f", where=a)
        number("battery.max_c_rate", t("tariff.battery.c_rate"), min_value=0.05, max_value=4,
               step=0.05, format="%.2f", where=b)
        number("finance.battery_om_per_kwh_year", t("tariff.battery.om"), min_value=0,
               step=1.0, format="%.1f", where=c)
        number("finance.battery_replacement_year", t("tariff.battery.replacement_year"),
               integer=True, min_value=0, max_value=40, where=d)
        number("finance.battery_replacement_cost_per_kwh", t("tariff.battery.replacement_cost"),
               min_value=0, max_value=MONEY_LIMITS["battery_replacement_cost_per_kwh"],
               step=50.0, format="%.0f", where=a)
        check("battery.grid_charging", t("tariff.battery.grid_charging"), where=b)


def _constraints_section() -> None:
    st.subheader(t("tariff.goals.title"))
    left, right = st.columns([2, 3], gap="large")
    objective = choice("constraints.objective", t("tariff.goals.objective"), _OBJECTIVES,
                       labels=lambda k: t(f"tariff.goals.objectives.{k}"), where=left)
    if objective in _OBJECTIVES:  # an unknown one from a file has its error, no help
        left.caption(t(f"tariff.goals.help.{objective}"))
    with right:
        a, b = st.columns(2)
        number("constraints.max_total_kwp", t("tariff.goals.max_kwp"), optional=True,
               min_value=0.1, step=50.0, format="%.0f", where=a,
               placeholder=t("tariff.goals.roof_limit"))
        number("constraints.min_total_kwp", t("tariff.goals.min_kwp"), min_value=0,
               step=50.0, format="%.0f", where=b)
        number("constraints.export_limit_kw", t("tariff.goals.export_limit"), optional=True,
               min_value=0, step=50.0, format="%.0f", where=a,
               help=t("tariff.goals.export_limit_help"), placeholder=t("tariff.goals.no_limit"))
        number("constraints.capital_budget", t("tariff.goals.budget"), optional=True,
               min_value=1, step=100000.0, format="%.0f", where=b,
               placeholder=t("tariff.goals.no_limit"))
        number("constraints.min_self_consumption_ratio", t("tariff.goals.min_self"),
               optional=True, scale=100, min_value=0, max_value=100, step=5.0, format="%.0f",
               where=a, placeholder=t("tariff.goals.no_limit"),
               help=t("tariff.goals.min_self_help"))
        number("constraints.interconnection_limit_kw", t("tariff.goals.interconnection"),
               optional=True, min_value=1, step=50.0, format="%.0f", where=b,
               placeholder=t("tariff.goals.no_limit"))
        if objective == "min_cost_for_co2":
            number("constraints.co2_reduction_target_tco2", t("tariff.goals.co2_target"),
                   optional=True, min_value=0, step=50.0, format="%.0f", where=a)
        if objective == "max_self_sufficiency":
            number("constraints.max_payback_years", t("tariff.goals.max_payback"),
                   optional=True, min_value=0.5, max_value=40, step=0.5, format="%.1f", where=a)
        with advanced():  # a first-time user leaves the solver's limit alone
            number("constraints.solver_time_limit_s", t("tariff.goals.time_limit"),
                   min_value=1, max_value=600, step=1.0, format="%.0f",
                   help=t("tariff.goals.time_limit_help"))
    site_rules.project_section()


def render() -> None:
    """Draw the page."""
    st.title(t("tariff.title"))
    st.caption(t("tariff.intro"))
    _tariff_section()
    st.divider()
    _export_section()
    st.divider()
    _finance_section()
    st.divider()
    _ownership_section()
    st.divider()
    _battery_section()
    st.divider()
    _constraints_section()
    next_page("results")
