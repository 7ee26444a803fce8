"""Tariff inputs of page 3: the preset version in force, the user's connection, the buyer
type and prices typed from a bill or a retail contract.

UI only: what the inputs mean is decided by :func:`pvplanner.tariff.resolve_tariff`, which
the plan calls too.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
import streamlit as st

import pvplanner.app.state as state
from pvplanner.app.site_rules import effective_preset_id
from pvplanner.app.state import get_path, set_path
from pvplanner.app.widgets import check, choice, fmt, lang, number, slot, t, text

_KINDS = (None, True, False)  # unknown / industrial / commercial
_HOURS_HELP_EXAMPLE = "valley*8, flat*9, peak*5, flat*2"


@st.cache_data(show_spinner=False)
def _version_rows(preset_id: str, version: str | None) -> dict[str, Any]:
    """The version in force (latest, or pinned) with its rows, as plain data."""
    from pvplanner.tariff import price_parts, select_tariff_version

    chosen = select_tariff_version(preset_id, version=version)
    parts = price_parts(chosen)
    rows = []
    for key, value in parts.components.items():
        row = chosen.component(key, parts.zone)
        rows.append({"key": key, "value": value, "unit": "kWh", "validity": row.validity,
                     "status": row.status, "source": row.source,
                     "reason": row.unverified_reason})
    for row in chosen.basic_charges:
        rows.append({"key": row.kind, "value": row.value,
                     "unit": "kW" if row.kind == "demand" else "kVA", "validity": row.validity,
                     "status": row.status, "source": row.source,
                     "reason": row.unverified_reason})
    declared = any(rule.on_declared_days for rule in chosen.preset.overrides)
    return {"version": chosen.version, "until": chosen.effective_until,
            "status": chosen.status, "rows": rows, "zones": chosen.preset.zones(),
            "declared_days": declared, "flat": parts.flat_per_kwh}


def _component_names() -> dict[str, str]:
    return {
        "purchase": t("tariff.components.purchase"),
        "line_loss": t("tariff.components.line_loss"),
        "system_operation": t("tariff.components.system_operation"),
        "transmission": t("tariff.components.transmission"),
        "funds": t("tariff.components.funds"),
        "zone_adder": t("tariff.components.zone_adder"),
        "demand": t("tariff.components.demand"),
        "capacity": t("tariff.components.capacity"),
    }


def _zone_names() -> dict[str | None, str]:
    return {
        None: t("tariff.user.zone_default"),
        "pearl_river_delta": t("tariff.zones.pearl_river_delta"),
        "huizhou": t("tariff.zones.huizhou"),
        "east_west_wings": t("tariff.zones.east_west_wings"),
        "northern_mountains": t("tariff.zones.northern_mountains"),
    }


def version_panel(preset_id: str) -> dict[str, Any]:
    """Caption of the preset version used and its component table; returns its facts."""
    facts = _version_rows(preset_id, get_path(state.doc(), "tariff.version"))
    period = (t("tariff.version.period_closed", start=facts["version"],
                until=facts["until"].isoformat()) if facts["until"]
              else t("tariff.version.period_open", start=facts["version"]))
    st.caption(t("tariff.version.caption", period=period,
                 status=t(f"common.status.{facts['status']}"),
                 flat=fmt().price(facts["flat"])))
    with st.expander(t("tariff.version.components")):
        money = fmt().currency_unit()
        names = _component_names()
        frame = pd.DataFrame([{
            t("tariff.version.item"): names.get(row["key"], row["key"]),
            t("tariff.version.value"): f"{row['value']:.4f} {money}/{row['unit']}"
            + (t("tariff.version.per_month") if row["unit"] != "kWh" else ""),
            t("tariff.version.validity"): _validity_text(row["validity"]),
            t("tariff.version.status"): t(f"common.status.{row['status']}"),
            t("tariff.version.source"): _source_text(row),
        } for row in facts["rows"]])
        st.dataframe(frame, hide_index=True, width="stretch")
    return facts


def _validity_text(validity: str) -> str:
    """``2026-07-01/`` -> "from 2026-07-01" / "2026-07-01 起" (an ISO interval in words)."""
    start, _, until = str(validity or "").partition("/")
    if not start:
        return str(validity or "")
    if not until:
        return t("tariff.version.valid_from", start=start)
    return t("tariff.version.valid_between", start=start, until=until)


def _source_text(row: dict[str, Any]) -> str:
    """A component's source for the reader: the citation without the project's bookkeeping
    (and, in English, why it is unverified; in Chinese the status column says so)."""
    from pvplanner.display.sources import citation

    cited = citation(row["source"], lang(), row["status"])
    if lang() != "zh" and row["reason"]:
        return f"{cited} — {citation(row['reason'], lang())}"
    return cited


def _kind_label(value: Any) -> str:
    return {None: t("tariff.user.kinds.unknown"), True: t("tariff.user.kinds.industrial"),
            False: t("tariff.user.kinds.commercial")}[value]


def _parse_dates(raw: str) -> list[str]:
    days = []
    for item in filter(None, (part.strip() for part in re.split(r"[,;\s]+", raw))):
        days.append(dt.date.fromisoformat(item).isoformat())
    return days


def _hot_days() -> None:
    key = "in:tariff.critical_peak_dates"
    stored = get_path(state.doc(), "tariff.critical_peak_dates") or []
    if key not in st.session_state:
        st.session_state[key] = ", ".join(str(day) for day in stored)
    raw = st.text_input(t("tariff.user.hot_days"), key=key, help=t("tariff.user.hot_days_help"))
    try:
        days = _parse_dates(raw)
    except ValueError:
        st.error(t("tariff.user.bad_dates"))
        return
    if days != [str(day) for day in stored]:
        set_path(state.doc(), "tariff.critical_peak_dates", days)


def user_section(facts: dict[str, Any]) -> None:
    """Transformer size, kind of user, price zone, declared critical-peak days."""
    a, b, c = st.columns(3)
    number("tariff.transformer_kva", t("tariff.user.kva"), optional=True, min_value=1,
           max_value=1e6, step=50.0, format="%.0f", where=a, help=t("tariff.user.kva_help"))
    choice("tariff.industrial", t("tariff.user.kind"), _KINDS, labels=_kind_label, where=b)
    if facts["zones"]:
        names = _zone_names()
        choice("tariff.zone", t("tariff.user.zone"), [None, *facts["zones"]],
               labels=lambda z: names.get(z, str(z)), where=c)
    if facts["declared_days"]:
        _hot_days()
    slot("tariff.transformer_kva")


# --------------------------------------------------------------------------- buyer and bill


def _preset_prices(preset_id: str) -> dict[str, Any]:
    """A bill entry pre-filled with the preset version's prices (the user overwrites them)."""
    from pvplanner.tariff import PERIODS, compile_tariff, load_tariff_preset

    tariff = load_tariff_preset(preset_id, version=get_path(state.doc(), "tariff.version"))
    compiled = compile_tariff(tariff)
    prices = {p: round(float(compiled.prices[i]), 4) for i, p in enumerate(PERIODS)
              if p in compiled.used_periods}
    entry: dict[str, Any] = {"month": dt.date.today().strftime("%Y-%m"),
                             "prices_per_kwh": prices, "source": "user input (app)"}
    if tariff.demand_charges:
        entry["demand_per_kw_month"] = tariff.demand_charges[0].rate_per_kw_month
    return entry


def _start_bill() -> None:
    doc = state.doc()
    preset = effective_preset_id()  # named, or the site province's
    if get_path(doc, "tariff.bill") is None and preset:
        set_path(doc, "tariff.bill", _preset_prices(preset))
        set_path(doc, "tariff.custom", None)
        st.session_state["edit_prices"] = False
    state.reset_inputs("tariff.bill")


def on_bill_toggle() -> None:
    if st.session_state.get("bill_prices"):
        _start_bill()
    else:
        set_path(state.doc(), "tariff.bill", None)
        set_path(state.doc(), "tariff.buyer", "agency")
        state.reset_inputs("tariff.buyer")


def _on_buyer_change() -> None:
    buyer = st.session_state.get("in:tariff.buyer")
    set_path(state.doc(), "tariff.buyer", buyer)
    if buyer == "market":
        _start_bill()
        st.session_state["bill_prices"] = True


def buyer_section() -> None:
    """Agency purchase (with the 1.5x price) or a market contract."""
    a, b = st.columns([2, 3])
    kinds = {"agency": t("tariff.buyer.kinds.agency"), "market": t("tariff.buyer.kinds.market")}
    helps = {"agency": t("tariff.buyer.help.agency"), "market": t("tariff.buyer.help.market")}
    buyer = choice("tariff.buyer", t("tariff.buyer.label"), tuple(kinds),
                   labels=lambda k: kinds.get(k, str(k)), radio=True, where=a,
                   on_change=_on_buyer_change)
    with b:
        st.caption(helps.get(buyer, ""))
        if buyer == "agency":
            key = "in:tariff.agency_1_5x"
            stored = float(get_path(state.doc(), "tariff.agency_price_multiplier", 1.0) or 1.0)
            if key not in st.session_state:
                st.session_state[key] = stored > 1.0
            high = st.checkbox(t("tariff.buyer.x15"), key=key, help=t("tariff.buyer.x15_help"))
            if (1.5 if high else 1.0) != stored:
                set_path(state.doc(), "tariff.agency_price_multiplier", 1.5 if high else 1.0)
    slot("tariff.buyer")


def _expand_hours(raw: str) -> list[str]:
    """``"valley*8, flat*16"`` -> 24 period names (``name*n`` repeats a name)."""
    from pvplanner.tariff import PERIODS

    names: list[str] = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, _, count = item.partition("*")
        name = name.strip()
        if name not in PERIODS:
            raise ValueError(name)
        names += [name] * (int(count) if count.strip() else 1)
    if len(names) not in (24, 48, 96):
        raise ValueError(str(len(names)))
    return names


def _compact_hours(names: list[str]) -> str:
    runs: list[list] = []
    for name in names:
        if runs and runs[-1][0] == name:
            runs[-1][1] += 1
        else:
            runs.append([name, 1])
    return ", ".join(f"{name}*{count}" for name, count in runs)


def _contract_hours() -> None:
    key = "in:tariff.bill.hours"
    stored = get_path(state.doc(), "tariff.bill.hours")
    if key not in st.session_state:
        st.session_state[key] = _compact_hours(stored) if stored else ""
    raw = st.text_input(t("tariff.bill.hours"), key=key,
                        help=t("tariff.bill.hours_help", example=_HOURS_HELP_EXAMPLE))
    if not raw.strip():
        if stored is not None:
            set_path(state.doc(), "tariff.bill.hours", None)
        return
    try:
        hours = _expand_hours(raw)
    except ValueError:
        st.error(t("tariff.bill.bad_hours", example=_HOURS_HELP_EXAMPLE))
        return
    if hours != stored:
        set_path(state.doc(), "tariff.bill.hours", hours)


def bill_inputs(used_periods: list[str]) -> None:
    """Prices exactly as printed on the bill (or the contract)."""
    from pvplanner.tariff import PERIODS

    doc = state.doc()
    bill = get_path(doc, "tariff.bill") or {}
    market = get_path(doc, "tariff.buyer") == "market"
    text("tariff.bill.month", t("tariff.bill.month"), max_chars=7,
         help=t("tariff.bill.month_help"))
    if market:
        _contract_hours()
    hours = bill.get("hours")
    periods = [p for p in PERIODS if p in (set(hours) if market and hours else used_periods)
               or p in (bill.get("prices_per_kwh") or {})]
    columns = st.columns(len(periods) or 1)
    for column, period in zip(columns, periods, strict=False):
        number(f"tariff.bill.prices_per_kwh.{period}",
               t("tariff.bill.price", period=t(f"common.periods.{period}")), min_value=0,
               max_value=10, step=0.01, format="%.4f", where=column)
    a, b = st.columns(2)
    number("tariff.bill.demand_per_kw_month", t("tariff.bill.demand"), optional=True,
           min_value=0, max_value=100, step=0.5, format="%.2f", where=a)
    number("tariff.bill.capacity_per_kva_month", t("tariff.bill.capacity"), optional=True,
           min_value=0, max_value=100, step=0.5, format="%.2f", where=b)
    if market:
        check("tariff.bill.includes_network_charges", t("tariff.bill.network"), default=True,
              help=t("tariff.bill.network_help"))
    slot("tariff.bill")

