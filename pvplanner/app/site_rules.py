"""What the site's province and grid connection decide, in the app: the tariff preset that
follows the province (moving the site switches it and says so), the warning for a tariff of
another province than the site's, and the grid-connection inputs of 国能发新能规〔2025〕7号 with
what they imply (category, capacity limit, mode, minimum self-consumption share).

Every decision is the plan's own (:func:`pvplanner.pipeline.scenario_tariff_decision`); this
module only shows it and keeps the scenario document in step when the site moves.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

import pvplanner.app.state as state
from pvplanner.app.state import INPUT_PREFIX, get_path, set_path
from pvplanner.app.widgets import choice, fmt, lang, t
from pvplanner.errors import USER_ERRORS
from pvplanner.tariff.province import AUTO_PRESETS, province_name, same_province

#: The province the tariff last followed (an input key: forgotten when a scenario is opened).
_SEEN = INPUT_PREFIX + "_tariff_province"
_NOTE = "_tariff_province_note"
_LAST_PICK = INPUT_PREFIX + "_tariff_last_pick"
#: Grid connection voltages offered [kV] (None: not known).
_VOLTAGES = (None, 0.4, 10.0, 20.0, 35.0, 66.0, 110.0)
_MODES = (None, "self_use", "surplus_export")
_SPOT = (None, True, False)


# --------------------------------------------------------------------------- decision
def decision():
    """The plan's tariff decision for the current scenario, or None (invalid scenario, or a
    problem the plan reports next to its input)."""
    from pvplanner.pipeline import scenario_tariff_decision

    valid = state.scenario()
    if valid is None:
        return None
    key = state.doc_key()
    memo = st.session_state.get("_tariff_decision_memo")
    if memo and memo[0] == key:
        return memo[1]
    try:
        found = scenario_tariff_decision(valid)
    except USER_ERRORS:
        found = None
    st.session_state["_tariff_decision_memo"] = (key, found)
    if found is not None and found.pick is not None:
        st.session_state[_LAST_PICK] = found.pick.preset_id
    return found


def effective_preset_id() -> str | None:
    """The preset the plan uses: the scenario's, or the one the site's province picked
    (while an edit leaves the scenario briefly invalid, the last one it picked)."""
    preset = get_path(state.doc(), "tariff.preset")
    if preset not in AUTO_PRESETS:
        return preset
    found = decision()
    if found is not None and found.pick is not None:
        return found.pick.preset_id
    return st.session_state.get(_LAST_PICK) if state.scenario() is None else None


@st.cache_data(show_spinner=False)
def _presets() -> pd.DataFrame:
    from pvplanner.tariff import list_tariff_presets

    return list_tariff_presets()


def preset_label(preset_id: str | None) -> str:
    """A preset's name in the reader's language."""
    table = _presets()
    row = table.loc[table["id"] == preset_id]
    if row.empty:
        return str(preset_id or "")
    row = row.iloc[0]
    return str(row["name_zh"] if lang() == "zh" and row["name_zh"] else row["name"])


def _has_presets(province: str | None) -> bool:
    english = province_name(province)
    return bool(english) and bool((_presets()["region"] == english).any())


# --------------------------------------------------------------------------- site page
def _pick_for(province: str | None) -> str | None:
    """The preset the current scenario would get in ``province`` (None if none)."""
    from pvplanner.pipeline import scenario_tariff_decision

    valid = state.scenario()
    if valid is None:
        return None
    moved = valid.model_copy(update={"site": valid.site.model_copy(
        update={"province": province})})
    try:
        found = scenario_tariff_decision(moved)
    except USER_ERRORS:
        return None
    return found.pick.preset_id if found.pick is not None else None


def _switch(old: str | None, new: str | None) -> tuple[str, dict[str, Any]] | None:
    """Keep the tariff in step with a moved site; the message to show (key, values)."""
    doc = state.doc()
    if get_path(doc, "tariff.custom") is not None or get_path(doc, "tariff.bill") is not None:
        return "site.location.tariff_kept", {"province": new or ""}
    preset = get_path(doc, "tariff.preset")
    if preset in AUTO_PRESETS:
        if _has_presets(new):
            return "site.location.tariff_follows", {"province": new or ""}
        kept = _pick_for(old)
        if kept:  # the plan keeps running on the old province's preset, named
            set_path(doc, "tariff.preset", kept)
            state.reset_inputs("tariff.preset")
        return "site.location.tariff_no_preset", {"province": new or "", "preset": kept}
    region = _presets().loc[_presets()["id"] == preset, "region"]
    if not region.empty and same_province(region.iloc[0], new):
        return None
    if _has_presets(new):
        for path in ("tariff.preset", "tariff.version", "tariff.zone"):
            set_path(doc, path, None)
        state.reset_inputs("tariff.")
        return "site.location.tariff_follows", {"province": new or ""}
    return "site.location.tariff_no_preset", {"province": new or "", "preset": preset}


def follow_province() -> None:
    """After the site moved to another province (city search, map, province field or the
    nearest-city button), switch the tariff to that province's and say so."""
    province = get_path(state.doc(), "site.province")
    if _SEEN not in st.session_state:
        st.session_state[_SEEN] = province  # a scenario was just opened: nothing moved
    elif not same_province(st.session_state[_SEEN], province):
        old = st.session_state[_SEEN]
        st.session_state[_SEEN] = province
        st.session_state[_NOTE] = _switch(old, province)
    note = st.session_state.get(_NOTE)
    if not note:
        return
    key, values = note
    values = dict(values)
    if key == "site.location.tariff_follows":
        values["tariff"] = preset_label(effective_preset_id()) or t("common.none")
    if key == "site.location.tariff_no_preset":
        values["tariff"] = preset_label(values.pop("preset", None)) or t("common.none")
    st.info(t(key, **values), icon=":material/swap_horiz:")


# --------------------------------------------------------------------------- tariff page
def auto_label() -> str:
    """The label of "follow the site's province" with the preset it picks now."""
    preset = None
    found = decision()
    if found is not None and found.pick is not None:
        preset = found.pick.preset_id
    elif get_path(state.doc(), "tariff.preset") not in AUTO_PRESETS:
        preset = _pick_for(get_path(state.doc(), "site.province"))
    if preset:
        return t("tariff.tariff.auto", tariff=preset_label(preset))
    return t("tariff.tariff.auto_none")


def _voltage_label(value: float | None) -> str:
    return t("tariff.project.voltage_unknown") if value is None else f"{value:g} kV"


def project_section() -> None:
    """Grid connection voltage, mode and spot market (7号), and what they imply."""
    st.markdown("**" + t("tariff.project.title") + "**")
    a, b, c = st.columns(3)
    voltage = choice("project.grid_voltage_kv", t("tariff.project.voltage"), _VOLTAGES,
                     labels=_voltage_label, help=t("tariff.project.voltage_help"), where=a)
    choice("project.connection_mode", t("tariff.project.mode"), _MODES,
           labels=lambda m: t(f"tariff.project.modes.{m or 'auto'}"), where=b,
           help=t("tariff.project.mode_help"))
    if voltage is not None and voltage >= 35:
        choice("project.spot_market_continuous", t("tariff.project.spot"), _SPOT,
               labels=lambda v: t(f"tariff.project.spot_options.{_spot_key(v)}"), where=c,
               help=t("tariff.project.spot_help"))
    _project_summary()


def _spot_key(value: bool | None) -> str:
    return {None: "auto", True: "yes", False: "no"}[value]


def _project_summary() -> None:
    found = decision()
    if found is None or found.project.category is None:
        return
    rules, f = found.project, fmt()
    row = rules.category
    cap = (f.kwp(rules.capacity_limit_kwp, 0) if math.isfinite(rules.capacity_limit_kwp)
           else t("tariff.goals.no_limit"))
    if rules.min_self_consumption_share is not None:
        share = f.percent(rules.min_self_consumption_share, 0)
    elif rules.province_share is not None:
        share = t("tariff.project.share_unknown")
    else:
        share = t("tariff.project.share_none")
    st.caption(t("tariff.project.summary", category=t(f"tariff.project.categories.{row.category}"),
                 cap=cap, mode=t(f"tariff.project.modes.{rules.mode}"), share=share))
    forced = (row.surplus_export == "spot_market_only" and rules.mode == "self_use"
              and not rules.spot_market_continuous
              and get_path(state.doc(), "project.connection_mode") is None)
    if forced:
        st.info(t("tariff.project.self_use_forced"), icon=":material/info:")
