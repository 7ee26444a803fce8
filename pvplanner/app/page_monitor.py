"""Page "Monitor": metered PV generation (and load, measured weather) against the plan, the
outages and curtailment found, and the carbon account as measured, month by month.

Uploads go through :mod:`pvplanner.app.uploads` as on the load page: each file is checked,
kept in the user's upload folder, and only paths inside that folder are read. The analysis
is :func:`pvplanner.monitor.monitor` on the current scenario and its plan.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

import pvplanner.app.charts as charts
import pvplanner.app.state as state
from pvplanner.app.uploads import MAX_UPLOAD_MB, check_upload, save_upload
from pvplanner.app.widgets import fmt, lang, plain, slot, t

#: Uploads of this page: role -> (uploader key, upload kind: its accepted extensions are
#: :data:`pvplanner.app.uploads.EXTENSIONS` of that kind).
_UPLOADS = {
    "generation": ("monitor_generation", "meter"),
    "load": ("monitor_load", "meter"),
    "weather": ("monitor_weather", "weather"),
}
_FILES = "_monitor_files"


def _labels() -> dict[str, tuple[str, str]]:
    return {
        "generation": (t("monitor.upload.generation", mb=MAX_UPLOAD_MB),
                       t("monitor.upload.generation_help")),
        "load": (t("monitor.upload.load"), t("monitor.upload.load_help")),
        "weather": (t("monitor.upload.weather"), t("monitor.upload.weather_help")),
    }


def _uploader(role: str, where: Any) -> None:
    """One file uploader; a new file is checked and kept in the user's upload folder."""
    key, kind = _UPLOADS[role]
    label, help_text = _labels()[role]
    with where:
        uploaded = st.file_uploader(label, key=key, help=help_text,
                                    max_upload_size=MAX_UPLOAD_MB)
        slot(f"monitor.{role}")
    files = st.session_state.setdefault(_FILES, {})
    if uploaded is None or files.get(role, {}).get("id") == uploaded.file_id:
        return
    data = uploaded.getvalue()
    try:
        check_upload(data, uploaded.name, kind)
        path = save_upload(data, uploaded.name, kind)
    except Exception as exc:  # noqa: BLE001 - the reason, under the uploader
        problem = state.problem_from_exception(exc)
        problem.field = f"monitor.{role}"
        state.report(problem)
        return
    files[role] = {"id": uploaded.file_id, "path": str(path), "name": uploaded.name}


def _confined(role: str) -> Path | None:
    """The kept file of a role, only if it lies inside the user's upload folder."""
    from pvplanner.app.uploads import upload_dir
    from pvplanner.guard.paths import OutsideFolderError, confined_path

    entry = st.session_state.get(_FILES, {}).get(role)
    if not entry:
        return None
    try:
        path = confined_path(entry["path"], upload_dir(), what=f"monitor.{role}")
    except OutsideFolderError as exc:  # shown in the reader's language at its input
        state.report(replace(state.problem_from_exception(exc), field=f"monitor.{role}"))
        return None
    if not path.is_file():
        state.report(state.Problem(t("monitor.file_missing", name=entry["name"]),
                                   f"monitor.{role}"))
        return None
    return path


def _analysis(scenario, result, paths: dict[str, Path | None]):
    """The monitor's result for this scenario and these files (memoized per session)."""
    from pvplanner.monitor import monitor

    names = {role: st.session_state[_FILES][role]["name"] for role in paths if paths[role]}
    key = (state.doc_key(), tuple(sorted((r, str(p)) for r, p in paths.items() if p)))
    memo = st.session_state.get("_monitor_memo")
    if memo and memo[0] == key:
        return memo[1]
    generation = paths["generation"]
    assert generation is not None, "render() asks for the generation file first"
    found = monitor(scenario, generation=generation, load=paths.get("load"),
                    weather=paths.get("weather"), result=result,
                    generation_filename=names.get("generation"),
                    load_filename=names.get("load"), weather_filename=names.get("weather"))
    st.session_state["_monitor_memo"] = (key, found)
    return found


# --------------------------------------------------------------------------- figures
def _kpis(found) -> None:
    f = fmt()
    basis = {"typical_year": t("monitor.basis.typical_year"),
             "measured_weather": t("monitor.basis.measured_weather")}[found.basis]
    # The last metered day, not the exclusive end (the hour after the last hour).
    st.caption(t("monitor.kpi.period", start=found.first_day, end=found.last_day,
                 days=found.days, basis=basis))
    row = st.columns(4)
    row[0].metric(t("monitor.kpi.expected"), f.energy(found.expected_kwh), border=True)
    row[1].metric(t("monitor.kpi.actual"), f.energy(found.actual_kwh), border=True)
    row[2].metric(t("monitor.kpi.pi"), f.number(found.performance_index, 3), border=True,
                  help=t("monitor.kpi.pi_help"))
    row[3].metric(t("monitor.kpi.pi_excluding"),
                  f.number(found.performance_index_excluding_outages, 3), border=True)
    row = st.columns(4)
    row[0].metric(t("monitor.kpi.outage_lost"),
                  f.energy(sum(e.lost_kwh for e in found.outages)), border=True)
    row[1].metric(t("monitor.kpi.curtailment_lost"),
                  f.energy(sum(e.lost_kwh for e in found.curtailment)), border=True)
    row[2].metric(t("monitor.kpi.avoided"), f.tco2(found.avoided_tco2), border=True,
                  help=t("monitor.kpi.avoided_plan",
                         value=f.tco2(found.total("plan_avoided_tco2"))))
    row[3].metric(t("monitor.kpi.certificates"), f.count(found.certificates), border=True,
                  help=t("monitor.kpi.certificates_split",
                         tradable=f.number(found.total("certificates_tradable")),
                         non_tradable=f.number(found.total("certificates_non_tradable"))))
    trend = found.degradation
    if trend is not None:
        st.metric(t("monitor.kpi.degradation"), t(
            "monitor.kpi.degradation_value", rate=f.number(trend.rate_percent_per_year, 2),
            low=f.number(trend.low_percent_per_year, 2),
            high=f.number(trend.high_percent_per_year, 2)))


def _monthly_chart(found) -> alt.Chart:
    from pvplanner.report.charts import metered_months

    series = {"expected_kwh": t("monitor.charts.expected"),
              "actual_kwh": t("monitor.charts.actual")}
    return metered_months(found.monthly, series, t("monitor.charts.energy_mwh"),
                          t("monitor.charts.month")).properties(
        title=t("monitor.charts.monthly_title"))


def _daily_chart(found) -> alt.Chart:
    daily = found.daily
    running, down = t("monitor.charts.normal_day"), t("monitor.charts.outage_day")
    frame = pd.DataFrame({
        "day": pd.to_datetime(daily.index),
        "pi": daily["performance_index"].to_numpy(dtype=float),
        "kind": [down if flag else running for flag in daily["outage"]],
    }).dropna(subset=["pi"])
    return alt.Chart(frame, title=t("monitor.charts.daily_title")).mark_circle(size=28).encode(
        x=alt.X("day:T", title=t("monitor.charts.day"),
                axis=alt.Axis(format=charts.day_format(lang()))),
        y=alt.Y("pi:Q", title=t("monitor.charts.pi")),
        color=alt.Color("kind:N", title=t("monitor.charts.day_kind"),
                        scale=alt.Scale(domain=[running, down], range=["#4e79a7", "#e15759"])),
        tooltip=[alt.Tooltip("day:T", title=t("monitor.charts.day"),
                             format=charts.day_format(lang())),
                 alt.Tooltip("pi:Q", title=t("monitor.charts.pi"), format=".3f"),
                 alt.Tooltip("kind:N", title=t("monitor.charts.day_kind"))],
    )


def _events(found) -> None:
    st.subheader(t("monitor.sections.events"))
    events = [*found.outages, *found.curtailment, *found.data_gaps]
    if not events:
        st.info(t("monitor.sections.no_events"))
        return
    kinds = {"outage": t("monitor.kinds.outage"), "curtailment": t("monitor.kinds.curtailment"),
             "data_gap": t("monitor.kinds.data_gap")}
    frame = pd.DataFrame({
        t("monitor.columns.kind"): [kinds[e.kind] for e in events],
        t("monitor.columns.start"): [e.start[:16].replace("T", " ") for e in events],
        t("monitor.columns.end"): [e.end[:16].replace("T", " ") for e in events],
        t("monitor.columns.hours"): [e.hours for e in events],
        t("monitor.columns.expected_kwh"): [e.expected_kwh for e in events],
        t("monitor.columns.lost_kwh"): [e.lost_kwh for e in events],
    })
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        t("monitor.columns.expected_kwh"): st.column_config.NumberColumn(format="localized"),
        t("monitor.columns.lost_kwh"): st.column_config.NumberColumn(format="localized")})


def _account(found) -> None:
    st.subheader(t("monitor.sections.account"))
    shown = {
        "actual_kwh": t("monitor.columns.actual_kwh"),
        "plan_generation_kwh": t("monitor.columns.plan_generation_kwh"),
        "performance_index": t("monitor.columns.performance_index"),
        "self_consumed_kwh": t("monitor.columns.self_consumed_kwh"),
        "exported_kwh": t("monitor.columns.exported_kwh"),
        "avoided_tco2": t("monitor.columns.avoided_tco2"),
        "plan_avoided_tco2": t("monitor.columns.plan_avoided_tco2"),
        "certificates_tradable": t("monitor.columns.certificates_tradable"),
        "certificates_non_tradable": t("monitor.columns.certificates_non_tradable"),
        "plan_certificates": t("monitor.columns.plan_certificates"),
        "scope2_location_after_tco2": t("monitor.columns.scope2_location_after_tco2"),
        "scope2_market_after_tco2": t("monitor.columns.scope2_market_after_tco2"),
    }
    table = found.monthly[list(shown)].rename(columns=shown)
    table.index.name = t("monitor.columns.period")
    st.dataframe(table, width="stretch", column_config={
        name: st.column_config.NumberColumn(format="localized") for name in shown.values()})


def _download(found) -> None:
    """The monthly report as XLSX and as PDF, in the session's language."""
    from pvplanner.monitor import write_monitor_xlsx
    from pvplanner.report.monitor_report import write_monitor_pdf

    language = lang()  # read now: the files are made on a click, off the script's thread
    name = f"pv_monitor_{found.start[:7]}_{language}"
    left, right = st.columns(2)
    left.download_button(t("monitor.sections.download"),
                         lambda: write_monitor_xlsx(found, lang=language) or b"",
                         file_name=f"{name}.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         key="monitor_xlsx", icon=":material/download:")
    right.download_button(t("monitor.sections.download_pdf"),
                          lambda: write_monitor_pdf(found, lang=language) or b"",
                          file_name=f"{name}.pdf", mime="application/pdf", key="monitor_pdf",
                          icon=":material/picture_as_pdf:")


def _notes(found) -> None:
    with st.expander(t("monitor.sections.notes")):
        for note in found.notes:
            st.caption(plain(note.text(lang())))
    with st.expander(t("monitor.sections.quality")):
        for line in _quality_lines(found.quality["generation"]):
            st.caption(plain(line))


#: Units the meter reader decides on, each named by ``load.meter.unit_names``.
_READ_UNITS = ("kw", "kwh", "kwh_cumulative")


def _quality_lines(report: dict[str, Any]) -> list[str]:
    """The meter reader's report of the generation file in the reader's language.

    Parameters
    ----------
    report : dict
        :meth:`~pvplanner.load.meter.records.LoadQualityReport.to_dict` of the file: its
        warnings and ``units_reason`` are keyed messages (``notes.meter.*``).

    Returns
    -------
    list of str
        The warnings, then the file's interval and unit with why the reader chose it.
    """
    from pvplanner.display.messages import render

    language = lang()
    lines = [render(note, language) for note in report.get("warnings") or []]
    units = str(report.get("units") or "")
    unit = t(f"load.meter.unit_names.{units}") if units in _READ_UNITS else units
    lines.append(t("monitor.quality.file", name=report.get("filename") or "",
                   minutes=fmt().number(report.get("interval_minutes")), unit=unit,
                   reason=render(report.get("units_reason") or "", language)))
    return lines


def render() -> None:
    """Draw the page."""
    st.title(t("monitor.title"))
    st.caption(t("monitor.intro"))
    result = state.result()
    scenario = state.scenario()
    if result is None or scenario is None:
        st.info(t("monitor.no_plan"))
        return
    columns = st.columns(3)
    for role, where in zip(_UPLOADS, columns, strict=True):
        _uploader(role, where)
    paths = {role: _confined(role) for role in _UPLOADS}
    if paths["generation"] is None:
        st.info(t("monitor.no_generation"))
        return
    try:
        with st.spinner(t("monitor.running")):
            found = _analysis(scenario, result, paths)
    except Exception as exc:  # noqa: BLE001 - shown under the uploader of the file at fault
        problem = state.problem_from_exception(exc)
        message = problem.message
        field = next((f"monitor.{role}" for role in ("load", "weather")
                      if paths.get(role) and st.session_state[_FILES][role]["name"] in message),
                     "monitor.generation")
        problem.field = field
        state.report(problem)
        return
    _kpis(found)
    left, right = st.columns(2, gap="large")
    left.altair_chart(_monthly_chart(found), width="stretch")
    right.altair_chart(_daily_chart(found), width="stretch")
    _events(found)
    _account(found)
    _download(found)
    _notes(found)
