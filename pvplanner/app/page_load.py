"""Page 2 - load: 12 bills + an industry template, an annual total, or a meter file; the
meter file's quality report; analytics charts and recommendations."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

import pvplanner.app.charts as charts
import pvplanner.app.state as state
from pvplanner.app.state import get_path, set_path
from pvplanner.app.uploads import (
    MAX_UPLOAD_MB,
    check_upload,
    save_upload,
    upload_reference,
    uploaded_file,
)
from pvplanner.app.widgets import (
    advanced,
    choice,
    fmt,
    kpi_row,
    label_map,
    lang,
    next_page,
    number,
    plain,
    slot,
    t,
    table_editor,
)

_KINDS = ("bills", "annual", "meter_file")
_SPLIT_PERIODS = ("sharp", "peak", "flat", "valley")
_METER_UNITS = ("auto", "kw", "kwh")


@st.cache_data(show_spinner=False)
def _templates() -> list[dict[str, Any]]:
    from pvplanner.load import list_templates

    return list_templates()


def _template_label(name: str) -> str:
    """A template by its name, as the proposal names it."""
    from pvplanner.display.names import template_name

    return template_name(name, lang())


def _template_help(name: str) -> str:
    for item in _templates():
        if item["name"] == name:
            return item["description_zh"] if lang() == "zh" else item["description"]
    return ""


def period_label(period: str) -> str:
    """Translated name of a time-of-use period."""
    return t(f"common.periods.{period}")


# --------------------------------------------------------------------------- bills
def _apply_bills(frame: pd.DataFrame) -> None:
    doc = state.doc()
    values = pd.to_numeric(frame["kwh"], errors="coerce").fillna(0.0).astype(float).tolist()
    set_path(doc, "load.monthly_kwh", values)
    if get_path(doc, "load.monthly_period_kwh") is not None:
        split = {}
        for period in _SPLIT_PERIODS:
            if period in frame.columns:
                split[period] = pd.to_numeric(frame[period], errors="coerce").fillna(
                    0.0).astype(float).tolist()
        set_path(doc, "load.monthly_period_kwh", split)


def _toggle_split() -> None:
    doc = state.doc()
    if st.session_state.get("split_bills"):
        set_path(doc, "load.monthly_period_kwh", {p: [0.0] * 12 for p in _SPLIT_PERIODS})
    else:
        set_path(doc, "load.monthly_period_kwh", None)
    st.session_state["_edver:bills"] = st.session_state.get("_edver:bills", 0) + 1


def _twelve(values: Any) -> list[float]:
    """Twelve monthly figures from a document's list as the editor shows them: a missing,
    empty or non-numeric month is blank (the scenario's check names it at the table)."""
    listed = list(values) if isinstance(values, (list, tuple)) else []
    numbers = pd.to_numeric(pd.Series(listed[:12], dtype=object), errors="coerce")
    return [*(float(v) for v in numbers), *([math.nan] * (12 - len(numbers)))]


def _bills() -> None:
    doc = state.doc()
    monthly = _twelve(get_path(doc, "load.monthly_kwh") or [0.0] * 12)
    split = get_path(doc, "load.monthly_period_kwh")
    frame = pd.DataFrame({"month": charts.month_names(lang()), "kwh": monthly})
    column = st.column_config
    config: dict[str, Any] = {
        "month": column.TextColumn(t("load.bills.month"), disabled=True),
        "kwh": column.NumberColumn(t("load.bills.kwh"), min_value=0, max_value=1e9,
                                   format="localized", required=True),
    }
    if split is not None:
        for period in _SPLIT_PERIODS:
            frame[period] = _twelve(split.get(period) or [0.0] * 12)
            config[period] = column.NumberColumn(period_label(period) + " kWh", min_value=0,
                                                 format="localized")
    if "split_bills" not in st.session_state:
        st.session_state["split_bills"] = split is not None
    st.toggle(t("load.bills.split"), key="split_bills", on_change=_toggle_split,
              help=t("load.bills.split_help"))
    table_editor("bills", frame, _apply_bills, column_config=config, hide_index=True,
                 num_rows="fixed", width="stretch", height=460)
    slot("load.monthly_kwh")
    slot("load.monthly_period_kwh")
    st.caption(t("load.bills.total", total=fmt().energy(math.fsum(
        v for v in monthly if math.isfinite(v)))))


# --------------------------------------------------------------------------- meter file
@st.cache_data(show_spinner=False, max_entries=8)
def _meter_read(data: bytes, filename: str, units: str, offset: float
                ) -> tuple[dict[str, Any], pd.Series, list]:
    """The reader's quality report of a meter file (parsed, never executed), the load on
    the file's own calendar [kW] and the report's fixes and warnings as messages (keyed ones
    are shown in the reader's language)."""
    from pvplanner.load import read_meter_file

    meter = read_meter_file(data, filename=filename, units=units, utc_offset_hours=offset)
    quality = meter.quality
    return quality.to_dict(), meter.source_load_kw, [*quality.dst_fixes, *quality.warnings]


def _meter_quality(data: bytes, filename: str, units: str, offset: float) -> dict[str, Any]:
    """The reader's quality report of a meter file."""
    return _meter_read(data, filename, units, offset)[0]


# --------------------------------------------------------------------------- upload names
def remember_upload_name(path: Path | str, name: str) -> None:
    """Let messages that quote a stored upload (its path or hashed name) name it as the user
    did (:func:`pvplanner.app.state.user_text`, :func:`pvplanner.app.widgets.problem_text`)."""
    names = st.session_state.setdefault("_meter_names", {})
    names[str(path)] = name
    try:
        names[str(Path(path).resolve())] = name
    except (OSError, ValueError, RuntimeError):  # an unresolvable name: the plain one only
        pass


def _meter_name() -> str:
    """The meter file as the user knows it: the name it was uploaded under, else words
    (an older scenario kept no name), never its stored (hashed) name."""
    name = get_path(state.doc(), "load.meter_file_name")
    return str(name) if name else t("site.files.meter_unnamed")


def _meter_file_bytes() -> tuple[bytes, str] | None:
    """The scenario's meter file (inside the user's upload folder) and the name it was
    uploaded under; None when there is none to read."""
    file = uploaded_file(get_path(state.doc(), "load.meter_file"), "load.meter_file")
    if file is None or not file.is_file():
        return None
    return file.read_bytes(), _meter_name()


def _site_offset() -> float:
    from weather.timeaxis import standard_utc_offset_hours

    doc = state.doc()
    offset = get_path(doc, "site.utc_offset_hours")
    if offset is not None:
        return float(offset)
    return float(standard_utc_offset_hours(float(get_path(doc, "site.latitude", 0.0)),
                                           float(get_path(doc, "site.longitude", 0.0))))


def _meter_upload() -> None:
    doc = state.doc()
    uploaded = st.file_uploader(
        t("load.meter.upload", mb=MAX_UPLOAD_MB), key="meter_upload", max_upload_size=MAX_UPLOAD_MB, help=t("load.meter.upload_help"))
    slot("upload.meter")
    if uploaded is None or st.session_state.get("_meter_upload_id") == uploaded.file_id:
        return
    data = uploaded.getvalue()
    try:
        check_upload(data, uploaded.name, "meter")
        units = get_path(doc, "load.meter_units", "auto")
        with st.spinner(t("load.meter.reading")):
            _meter_quality(data, uploaded.name, units, _site_offset())
        path = save_upload(data, uploaded.name, "meter")
    except Exception as exc:  # noqa: BLE001 - the reader's message, under the uploader
        problem = state.problem_from_exception(exc)
        problem.field = "upload.meter"
        state.report(problem)
        return
    st.session_state["_meter_upload_id"] = uploaded.file_id
    remember_upload_name(path, uploaded.name)
    set_path(doc, "load.kind", "meter_file")
    # Relative to the upload folder, with the name the user gave it: the scenario a user
    # downloads or saves names no server folder and no hashed name.
    set_path(doc, "load.meter_file", upload_reference(path))
    set_path(doc, "load.meter_file_name", uploaded.name)
    state.reset_inputs("load.")
    st.rerun()


def _outside(value: str) -> Exception:
    """The error of a meter file field that names a file outside the user's upload folder,
    as :func:`pvplanner.guard.paths.confined_path` words it (quoting the value given)."""
    from pvplanner.guard.paths import OutsideFolderError, field_name
    from pvplanner.messages import Message

    return OutsideFolderError(Message.of(
        "errors.files.outside", "{what} {name!r} is not among your uploaded files; upload the "
        "file and use its name (files are read only from your own upload folder)",
        what=field_name("load.meter_file"), name=value), field="load.meter_file")


def _minute(stamp: object) -> str:
    """An ISO timestamp to the minute: ``2025-01-01 00:00``."""
    return str(stamp).replace("T", " ")[:16]


def _unit_name(units: str) -> str:
    """The unit the reader found, as the units choice names it."""
    # the reader's own finding (a cumulative register) has a name too, but is no choice
    known = (*_METER_UNITS, "kwh_cumulative")
    return t(f"load.meter.unit_names.{units}") if units in known else str(units)


def _dropped_rows(dropped: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows the reader left out, headed and explained in the reader's language."""
    reasons = {code: t(f"load.meter.dropped_reasons.{code}")
               for code in ("summary", "empty_timestamp", "after_data")}
    return pd.DataFrame({
        t("load.meter.dropped_row"): [int(item.get("row") or 0) for item in dropped],
        t("load.meter.dropped_reason"): [reasons.get(str(item.get("reason")),
                                                     str(item.get("reason") or ""))
                                         for item in dropped],
        t("load.meter.dropped_text"): [str(item.get("text") or "") for item in dropped],
    })


def _file_format(quality: dict[str, Any]) -> str:
    """``CSV`` or ``XLSX``, with the text encoding when it is not plain UTF-8."""
    shown = str(quality.get("file_format") or "").upper()
    encoding = str(quality.get("encoding") or "")
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf-8-sig", "ascii"):
        shown = t("load.meter.format_encoding", format=shown, encoding=encoding.upper())
    return shown


def _quality_report() -> None:
    doc = state.doc()
    path = get_path(doc, "load.meter_file")
    if not path:
        if get_path(doc, "load.kind") == "meter_file":  # else the prompt above says it
            st.info(t("load.meter.none"))
        return
    file = uploaded_file(path, "load.meter_file")  # only inside the user's upload folder
    if file is None:  # the refusal in the reader's language at the meter input
        state.report(replace(state.problem_from_exception(_outside(str(path))),
                             field="load.meter_file"))
        return
    shown = _meter_name()
    remember_upload_name(file, shown)
    if not file.is_file():
        state.report(state.Problem(t("load.meter.missing", path=shown), "load.meter_file"))
        return
    try:
        quality, _, said = _meter_read(file.read_bytes(), shown,
                                       get_path(doc, "load.meter_units", "auto"), _site_offset())
    except Exception as exc:  # noqa: BLE001 - shown next to the file
        problem = state.problem_from_exception(exc)
        problem.field = "load.meter_file"
        state.report(problem)
        return
    f = fmt()
    st.markdown(f"**{t('load.meter.report')}** — {plain(shown)}")
    kpi_row([
        (t("load.meter.interval"), t("load.meter.minutes", n=quality["interval_minutes"])),
        (t("load.meter.coverage"), f"{f.number(quality['coverage_percent'], 1)}%"),
        (t("load.meter.filled"), f.number(quality["filled_intervals"])),
        (t("load.meter.outliers"), f.number(quality["outliers"])),
    ], per_row=2, share=0.58)  # in the page's left column (3 of 5 parts)
    rows = [
        (t("load.meter.period"), f"{_minute(quality['first_timestamp'])} → "
         f"{_minute(quality['last_timestamp'])}"),
        (t("load.meter.columns"), ", ".join(quality["timestamp_columns"]) + " | "
         + str(quality["value_column"])),
        # What the reader decided; why is said in the notes under the analysis, in the
        # reader's language.
        (t("load.meter.units"), _unit_name(quality["units"])),
        (t("load.meter.label"), t(f"load.meter.label_names.{quality['interval_label']}")
         if quality["interval_label"] in ("start", "end") else str(quality["interval_label"])),
        (t("load.meter.rows"), f.number(quality["rows_read"])),
        (t("load.meter.duplicates"), f.number(quality["duplicates"])),
        (t("load.meter.year_coverage"), f"{f.number(quality['year_coverage_percent'], 1)}%"),
        (t("load.meter.format"), _file_format(quality)),
    ]
    st.dataframe(pd.DataFrame(rows, columns=[t("common.item"), t("common.value")]),
                 hide_index=True, width="stretch")
    for gap in quality.get("long_gaps") or []:
        hours = float(gap.get("hours") or 0.0)
        st.warning(t("load.meter.gap", start=_minute(gap.get("start")),
                     end=_minute(gap.get("end")),
                     hours=f.number(hours, 0 if hours.is_integer() else 2)))
    from pvplanner.display.messages import render as render_message

    fixes = len(quality.get("dst_fixes") or [])
    for k, note in enumerate(said):  # the clock fixes, then the warnings
        text = plain(render_message(note, lang()))
        if k < fixes:
            st.info(text)
        else:
            st.warning(text)
    if quality.get("dropped_rows"):
        with st.expander(t("load.meter.dropped", n=len(quality["dropped_rows"]))):
            st.dataframe(_dropped_rows(quality["dropped_rows"]), hide_index=True)


def _meter() -> None:
    _meter_upload()
    with advanced():
        choice("load.meter_units", t("load.meter.units_choice"), _METER_UNITS,
               labels=lambda u: t(f"load.meter.unit_names.{u}"), horizontal=True, radio=True,
               help=t("load.meter.units_help"))
    slot("load.meter_file")
    _quality_report()


# --------------------------------------------------------------------------- what the user has
#: Set while "meter file" is chosen and no file is uploaded yet: the scenario keeps its
#: bills (or annual total) until a file arrives, so no page reports a missing file.
_PENDING_METER = "_load_meter_pending"


def _on_kind_change() -> None:
    chosen = st.session_state.get(state.INPUT_PREFIX + "load.kind")
    doc = state.doc()
    if chosen == "meter_file" and not get_path(doc, "load.meter_file"):
        st.session_state[_PENDING_METER] = True
        return
    st.session_state.pop(_PENDING_METER, None)
    if chosen is not None:
        set_path(doc, "load.kind", chosen)


def _kind_choice() -> str:
    """The kind of load data shown (bills, annual total, meter file).

    Choosing a meter file before one is uploaded shows the uploader and a prompt; the
    scenario keeps planning on the load it had until the file is read.
    """
    doc = state.doc()
    stored = get_path(doc, "load.kind", "bills")
    key = state.INPUT_PREFIX + "load.kind"
    if stored == "meter_file" and get_path(doc, "load.meter_file"):
        st.session_state.pop(_PENDING_METER, None)
    shown = "meter_file" if st.session_state.get(_PENDING_METER) else stored
    if key not in st.session_state or st.session_state[key] not in _KINDS:
        st.session_state[key] = shown
    kind = st.radio(t("load.kind"), _KINDS, key=key, horizontal=True,
                    format_func=label_map(_KINDS, lambda k: t(f"load.kinds.{k}")),
                    on_change=_on_kind_change)
    if kind != shown:  # set without the callback (a test, a restored session)
        _on_kind_change()
    slot("load.kind")
    return kind


def _pending_prompt() -> None:
    """Meter file chosen, none uploaded yet: say what to do and what the plan uses meanwhile."""
    doc = state.doc()
    if get_path(doc, "load.kind") == "meter_file":
        return
    using = t(f"load.kinds.{get_path(doc, 'load.kind', 'bills')}")
    st.info(t("load.meter.pending", using=using), icon=":material/upload_file:")


# --------------------------------------------------------------------------- analytics
def _analytics():
    """Load analytics of the scenario's load on its tariff (memoized per scenario)."""
    valid = state.scenario()
    if valid is None:
        return None
    key = state.doc_key(valid.model_dump(mode="json", include={"site", "load", "tariff",
                                                               "weather", "currency"}))
    memo = st.session_state.get("_analytics_memo")
    if memo and memo[0] == key:
        return memo[1]
    from pvplanner.load import analyze_load, recommendations
    from pvplanner.pipeline import prepare

    prepared = prepare(valid)
    rate = prepared.tariff.peak_demand_rate_per_kw_month
    measured = prepared.measures
    analytics = analyze_load(
        prepared.sizing.load_kw if measured is None else measured.baseline_kw, price_per_kwh=prepared.prices["import_price_per_kwh"],
        periods=prepared.prices["period"], demand_charge_per_kw_month=rate,
        currency=valid.currency)
    if valid.load.kind == "meter_file":
        analytics = _on_file_calendar(analytics)
    found = (analytics, recommendations(analytics), list(prepared.load_notes))
    st.session_state["_analytics_memo"] = (key, found)
    return found


def _on_file_calendar(analytics):
    """The analytics with the dates they name (peak, anomalous days) taken from the meter
    file's own days, not the typical year's it was mapped onto."""
    from pvplanner.errors import USER_ERRORS
    from pvplanner.load.analytics import on_meter_calendar

    found = _meter_file_bytes()
    if found is None:
        return analytics
    data, name = found
    units = get_path(state.doc(), "load.meter_units", "auto")
    try:
        _, source_kw, _ = _meter_read(data, name, units, _site_offset())
        return on_meter_calendar(analytics, source_kw)
    except USER_ERRORS:  # the file's errors are shown at the file; dates stay the plan's
        return analytics


def _peak_help(analytics) -> str:
    """When the peak happened: the meter file's own date and time, or the typical year's."""
    when = str(analytics.max_time).replace("T", " ")[:16]
    if analytics.calendar == "meter_file":
        return t("load.analytics.peak_on_file", when=when)
    return t("load.analytics.peak_on_typical", when=when[5:])


def _analytics_section() -> None:
    st.subheader(t("load.analytics.title"))
    try:
        found = _analytics()
    except Exception as exc:  # noqa: BLE001 - shown next to the input at fault
        state.report(state.problem_from_exception(exc))
        return
    if found is None:
        st.info(t("load.analytics.unavailable"))
        return
    analytics, recs, notes = found
    f = fmt()
    kpi_row([
        (t("load.analytics.annual"), f.energy(analytics.annual_kwh)),
        (t("load.analytics.peak"), f.unit(analytics.max_kw, "kW"), _peak_help(analytics)),
        (t("load.analytics.load_factor"), f.percent(analytics.load_factor)),
        (t("load.analytics.daylight"), f.percent(analytics.daylight_share),
         t("load.analytics.daylight_help")),
        (t("load.analytics.avg_price"), f.number(analytics.average_price_per_kwh, 3),
         t("load.analytics.avg_price_help")),
    ], per_row=3)  # three a row: "675.0万 kWh" needs the width (pvplanner.app.card_width)
    from pvplanner.display.messages import render as render_message

    for note in notes:  # the load's notes in the reader's language
        st.caption("ℹ️ " + plain(render_message(note, lang())))

    titles = {"date": t("load.analytics.date"), "hour": t("common.hour"),
              "energy": t("load.analytics.energy"), "cost": t("load.analytics.cost"),
              "share": t("load.analytics.share"), "peak": t("load.analytics.monthly_peak")}
    tab_heat, tab_tou, tab_days, tab_month = st.tabs([
        t("load.analytics.heatmap"), t("load.analytics.tou"), t("load.analytics.typical"),
        t("load.analytics.monthly")])
    with tab_heat:
        st.altair_chart(charts.load_heatmap(analytics.heatmap_kw, lang(), titles),
                        width="stretch")
    with tab_tou:
        if analytics.by_period:
            labels = {p: period_label(p) for p in analytics.by_period}
            st.altair_chart(charts.period_shares(analytics.by_period, labels, titles),
                            width="stretch")
            rows = [{t("load.analytics.period"): labels[p],
                     t("load.analytics.energy"): f.energy(v["kwh"]),
                     t("load.analytics.share"): f.percent(v["share"]),
                     t("load.analytics.cost"): f.money(v["cost"]),
                     t("load.analytics.price"): f.price(v["mean_price_per_kwh"])}
                    for p, v in analytics.by_period.items()]
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    with tab_days:
        day_labels = {d: t(f"common.day_types.{d}") for d in analytics.typical_profiles_kw}
        st.altair_chart(charts.typical_days(analytics.typical_profiles_kw, day_labels, titles),
                        width="stretch")
    with tab_month:
        st.altair_chart(charts.monthly_load(analytics.monthly_kwh, analytics.monthly_max_kw,
                                            lang(), titles), width="stretch")

    st.subheader(t("load.recommendations.title"))
    if not recs:
        st.caption(t("load.recommendations.none"))
    for rec in sorted(recs, key=lambda r: r.priority):
        body = rec.text_zh if lang() == "zh" else rec.text_en
        saving = ""
        if rec.annual_saving:
            saving = "  \n**" + t("load.recommendations.saving",
                                  value=f.money(rec.annual_saving)) + "**"
        icon = ":material/lightbulb:" if rec.priority <= 2 else ":material/info:"
        st.info(body + saving, icon=icon)
        if rec.measure_id:
            chosen = [m.get("id") for m in get_path(state.doc(), "measures", []) or []]
            st.button(t("load.measures.apply_recommendation",
                        name=_measure_name(rec.measure_id)), key=f"rec_measure:{rec.id}",
                      on_click=_add_measure, args=(rec.measure_id, rec.measure_overrides),
                      disabled=rec.measure_id in chosen, icon=":material/add_task:")


# --------------------------------------------------------------------------- saving measures
#: The figures a user may set per effect: (parameter, message key, scale to shown, step).
_MEASURE_INPUTS: dict[str, tuple[tuple[str, str, float, float], ...]] = {
    "share": (("end_use_share", "load.measures.end_use_share", 100.0, 1.0),
              ("saving_fraction", "load.measures.saving_fraction", 100.0, 1.0)),
    "kw_cut": (("cut_kw", "load.measures.cut_kw", 1.0, 10.0),),
    "shift": (("shift_fraction", "load.measures.shift_fraction", 100.0, 1.0),),
}


@st.cache_data(show_spinner=False)
def _measure_catalogue() -> dict[str, dict[str, Any]]:
    from dataclasses import asdict

    from pvplanner.load.measures import measure_catalogue

    return {mid: asdict(m) for mid, m in measure_catalogue().items()}


def _measure_name(measure_id: str) -> str:
    entry = _measure_catalogue().get(measure_id)
    if entry is None:
        return measure_id
    return entry["name_zh"] if lang() == "zh" else entry["name_en"]


def _set_measures(entries: list[dict[str, Any]]) -> None:
    set_path(state.doc(), "measures", entries)
    state.reset_inputs("measures[")


def _pick_measures() -> None:
    """The multiselect changed: keep the figures of measures still chosen, in the new order."""
    picked = st.session_state.get(state.INPUT_PREFIX + "measures") or []
    current = {m.get("id"): m for m in get_path(state.doc(), "measures", []) or []}
    _set_measures([current.get(mid, {"id": mid}) for mid in picked])


def _add_measure(measure_id: str, figures: dict[str, float]) -> None:
    """A recommendation's measure, with the figures of the company's own data."""
    entries = [m for m in get_path(state.doc(), "measures", []) or [] if m.get("id")
               != measure_id]
    _set_measures([*entries, {"id": measure_id, **figures}])
    st.session_state[state.INPUT_PREFIX + "measures"] = [m["id"] for m in
                                                         get_path(state.doc(), "measures")]


def _measure_values():
    """Each chosen measure's savings on the scenario's load and tariff (memoized)."""
    valid = state.scenario()
    if valid is None or not valid.measures:
        return None
    key = state.doc_key(valid.model_dump(mode="json", include={
        "site", "load", "tariff", "weather", "currency", "measures", "carbon"}))
    memo = st.session_state.get("_measures_memo")
    if memo and memo[0] == key:
        return memo[1]
    from pvplanner.load.measures import value_measures
    from pvplanner.pipeline import prepare
    from pvplanner.tariff import compute_bill

    prepared = prepare(valid)
    rows = []
    if prepared.measures is not None:
        rows = value_measures(
            prepared.measures,
            lambda kw: compute_bill(prepared.tariff, prepared.index, kw).total,
            prepared.emission_factor.factor_tco2_per_mwh / 1000.0)
    found = (rows, [n for n in prepared.load_notes if "measures" in getattr(n, "key", "")])
    st.session_state["_measures_memo"] = (key, found)
    return found


def _measure_inputs(k: int, entry: dict[str, Any]) -> None:
    catalogue = _measure_catalogue()[entry["id"]]
    f = fmt()
    inputs = _MEASURE_INPUTS[catalogue["effect"]]
    columns = st.columns(len(inputs) + 1)
    for (name, label, scale, step), column in zip(inputs, columns, strict=False):
        default = catalogue.get(name)
        shown = (t("load.measures.from_data") if default is None else
                 t("load.measures.catalogue_value", value=f.number(default * scale, 1)))
        number(f"measures[{k}].{name}", t(label), scale=scale, optional=True, min_value=0,
               max_value=100 if scale == 100.0 else 1e6, step=step, format="%.1f",
               where=column, placeholder=shown, help=t(label + "_help"))
    number(f"measures[{k}].capex", t("load.measures.capex"), optional=True, min_value=0,
           step=1000.0, format="%.0f", where=columns[-1],
           placeholder=t("load.measures.capex_from_catalogue"), help=t("load.measures.capex_help"))
    status = t(f"common.status.{catalogue['status']}")
    st.caption(t("load.measures.source", source=plain(_measure_source(entry["id"])),
                 status=status))


def _measure_source(measure_id: str) -> str:
    """Where a catalogue measure's figures come from, as the proposal cites it: the
    catalogue's Chinese text for a Chinese reader, else the citation without data paths,
    with the parameters it names by their labels (:func:`measure_source`).

    Parameters
    ----------
    measure_id : str
        An id of the measures catalogue.

    Returns
    -------
    str
        The source in the page's language.
    """
    from pvplanner.load.measures import measure_catalogue
    from pvplanner.report.measures import measure_source

    return measure_source(measure_catalogue()[measure_id], lang())


def _measures_section() -> None:
    st.subheader(t("load.measures.title"))
    st.caption(t("load.measures.intro"))
    catalogue = _measure_catalogue()
    entries = [m for m in get_path(state.doc(), "measures", []) or [] if isinstance(m, dict)]
    key = state.INPUT_PREFIX + "measures"
    if key not in st.session_state:
        st.session_state[key] = [m.get("id") for m in entries if m.get("id") in catalogue]
    st.multiselect(t("load.measures.choose"), list(catalogue), key=key,
                   format_func=_measure_name, on_change=_pick_measures,
                   placeholder=t("common.choose"), help=t("load.measures.choose_help"))
    slot("measures")
    for k, entry in enumerate(entries):
        if entry.get("id") in catalogue:
            with st.expander(_measure_name(entry["id"]), expanded=False):
                _measure_inputs(k, entry)
    if not entries:
        return
    try:
        found = _measure_values()
    except Exception as exc:  # noqa: BLE001 - shown next to the measures
        problem = state.problem_from_exception(exc)
        problem.field = problem.field or "measures"
        state.report(problem)
        return
    if found is None:
        st.info(t("load.measures.unavailable"))
        return
    rows, notes = found
    f = fmt()
    table = [{
        t("load.measures.name"): row.name_zh if lang() == "zh" else row.name_en,
        t("load.measures.kwh_saved"): f.energy(row.kwh_saved_per_year),
        t("load.measures.kwh_shifted"): f.energy(row.kwh_shifted_per_year),
        t("load.measures.bill_savings"): f.money(row.bill_savings_per_year),
        t("load.measures.capex"): f.money(row.capex),
        t("load.measures.payback"): f.years(row.simple_payback_years),
        t("load.measures.tco2"): f.tco2(row.tco2_avoided_per_year),
        t("load.measures.status"): t(f"common.status.{row.status}"),
    } for row in rows]
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    kpi_row([
        (t("load.measures.total_kwh"), f.energy(sum(r.kwh_saved_per_year for r in rows))),
        (t("load.measures.total_savings"), f.money(sum(r.bill_savings_per_year for r in rows))),
        (t("load.measures.total_capex"), f.money(sum(r.capex for r in rows))),
    ])
    st.caption(t("load.measures.before_pv"))
    from pvplanner.display.messages import render as render_message

    for note in notes:
        st.caption("ℹ️ " + plain(render_message(note, lang())))


def render() -> None:
    """Draw the page."""
    st.title(t("load.title"))
    st.caption(t("load.intro"))
    kind = _kind_choice()
    left, right = st.columns([3, 2], gap="large")
    with left:
        if kind == "bills":
            _bills()
        elif kind == "annual":
            number("load.annual_kwh", t("load.annual"), min_value=1, max_value=1e10,
                   step=10000.0, format="%.0f", optional=True)
        else:
            _pending_prompt()
            _meter()
    with right:
        if kind != "meter_file":
            template = choice("load.template", t("load.template"),
                              [item["name"] for item in _templates()], labels=_template_label,
                              help=t("load.template_help"))
            st.caption(_template_help(template))
        st.info(t(f"load.hints.{kind}"), icon=":material/tips_and_updates:")
    st.divider()
    _analytics_section()
    st.divider()
    _measures_section()
    next_page("tariff")
