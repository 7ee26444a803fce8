"""Page 7 - proposal: the customer proposal as PDF, HTML or XLSX via :mod:`pvplanner.report`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

import pvplanner.app.state as state
from pvplanner.app.widgets import lang, plain, t
from pvplanner.display.messages import LANGUAGE_NAMES, LANGUAGES

#: (format, renderer name in pvplanner.report, MIME type, icon)
FORMATS: tuple[tuple[str, str, str, str], ...] = (
    ("pdf", "render_pdf", "application/pdf", ":material/picture_as_pdf:"),
    ("html", "render_html", "text/html", ":material/html:"),
    ("xlsx", "render_xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     ":material/table_view:"),
)


def renderers() -> dict[str, Callable[..., Any] | None]:
    """The report functions this installation has (None where missing)."""
    try:
        import pvplanner.report as report
    except Exception:  # noqa: BLE001 - the report package is optional for the app
        return {fmt_: None for fmt_, *_ in FORMATS}
    return {fmt_: getattr(report, name, None) for fmt_, name, *_ in FORMATS}


def _file_name(name: str, extension: str) -> str:
    stem = re.sub(r"[^\w\-]+", "_", name, flags=re.UNICODE).strip("_") or "proposal"
    return f"{stem[:60]}.{extension}"


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"the report returned {type(value).__name__}, expected bytes or str")


def _prepare(kind: str, key: str, report_lang: str) -> None:
    """Render one format into the session (a button callback)."""
    import inspect

    render = renderers()[kind]
    result = state.result()
    if render is None or result is None:
        return
    options: dict[str, Any] = {"lang": report_lang}
    preparer = (st.session_state.get("proposal_preparer") or "").strip()
    try:
        if preparer and "preparer" in inspect.signature(render).parameters:
            options["preparer"] = preparer
    except (TypeError, ValueError):  # a builtin without a signature: pass the language only
        pass
    try:
        data = _as_bytes(render(result, **options))
    except Exception as exc:  # noqa: BLE001 - shown under the button, never a traceback
        st.session_state[f"_proposal_error:{kind}"] = state.problem_from_exception(exc)
        return
    st.session_state.pop(f"_proposal_error:{kind}", None)
    st.session_state[f"_proposal:{kind}"] = (key, data)


def render() -> None:
    """Draw the page."""
    from pvplanner.app.widgets import fmt, show_problem

    st.title(t("proposal.title"))
    st.caption(t("proposal.intro"))
    scenario, result = state.scenario(), state.result()
    if scenario is None or result is None:
        st.info(t("results.no_result"))
        return
    available = renderers()
    if not any(available.values()):
        st.warning(t("proposal.not_available"), icon=":material/construction:")
        return
    if "proposal_lang" not in st.session_state:
        st.session_state["proposal_lang"] = lang()
    report_lang = st.segmented_control(
        t("proposal.language"), list(LANGUAGES)[::-1], key="proposal_lang", required=True,
        format_func=LANGUAGE_NAMES.get)
    st.text_input(t("proposal.preparer"), key="proposal_preparer", max_chars=120,
                  help=t("proposal.preparer_help"))
    f = fmt()
    st.markdown(t("proposal.summary", name=plain(scenario.name), kwp=f.kwp(result.pv.capacity_kwp),
                  npv=f.money(result.finance.npv), payback=f.years(result.finance.payback_years)))
    key = hashlib.sha256((state.doc_key() + str(report_lang) + str(
        st.session_state.get("proposal_preparer") or "")).encode()).hexdigest()
    columns = st.columns(len(FORMATS))
    for column, (kind, _, mime, icon) in zip(columns, FORMATS, strict=True):
        with column:
            st.markdown(f"**{t(f'proposal.formats.{kind}')}**")
            st.caption(t(f"proposal.describe.{kind}"))
            if available[kind] is None:
                st.caption(t("proposal.format_missing"))
                continue
            ready = st.session_state.get(f"_proposal:{kind}")
            if ready and ready[0] == key:
                st.download_button(
                    t("proposal.download", fmt=kind.upper()), ready[1],
                    file_name=_file_name(scenario.name, kind), mime=mime, icon=icon,
                    key=f"download_{kind}", type="primary")
            else:
                st.button(t("proposal.prepare", fmt=kind.upper()), key=f"prepare_{kind}",
                          on_click=_prepare, args=(kind, key, report_lang), icon=icon)
            problem = st.session_state.get(f"_proposal_error:{kind}")
            if problem is not None:
                show_problem(problem)
    html = st.session_state.get("_proposal:html")
    if html and html[0] == key:
        with st.expander(t("proposal.preview"), expanded=False):
            st.components.v1.html(html[1].decode("utf-8"), height=900, scrolling=True)
    if result.warnings:
        st.caption(t("proposal.check"))
