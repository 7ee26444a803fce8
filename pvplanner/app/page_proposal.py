"""Page 7 - proposal: the customer proposal as PDF, HTML or XLSX via :mod:`pvplanner.report`,
with the seller's company, contact, cover note and logo (the scenario's ``proposal``
section), and a prompt while the customer is still the demo's."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

import pvplanner.app.state as state
from pvplanner.app.state import get_path, set_path
from pvplanner.app.widgets import lang, plain, slot, t, text
from pvplanner.display.messages import LANGUAGE_NAMES, LANGUAGES
from pvplanner.display.names import name as reader_name
from pvplanner.display.numbers import invested_payback

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
    scenario = state.scenario()
    try:
        # The seller's details of the scenario shown (the plan itself does not hold them).
        if scenario is not None and "proposal" in inspect.signature(render).parameters:
            options["proposal"] = scenario.proposal
    except (TypeError, ValueError):  # a builtin without a signature: pass the language only
        pass
    try:
        data = _as_bytes(render(result, **options))
    except Exception as exc:  # noqa: BLE001 - shown under the button, never a traceback
        st.session_state[f"_proposal_error:{kind}"] = state.problem_from_exception(exc)
        return
    st.session_state.pop(f"_proposal_error:{kind}", None)
    st.session_state[f"_proposal:{kind}"] = (key, data)


def _customer_prompt() -> None:
    """The customer's name (the site's), with a visible prompt while it is the demo's."""
    from pvplanner.scenario.model import demo_scenario

    prompt = st.empty()  # above the input, filled once the input has its value
    text("site.name", t("proposal.customer.name"), max_chars=200)
    demo_name = demo_scenario().site.name
    typed = (get_path(state.doc(), "site.name") or "").strip()
    if demo_name and typed in (demo_name, reader_name(demo_name, "zh")):  # either language
        prompt.warning(t("proposal.customer.demo", name=plain(reader_name(demo_name, lang()))),
                       icon=":material/badge:")


def _area(path: str, label: str, *, max_chars: int, help: str) -> None:
    """A text area bound to the scenario (empty -> None); shown as typed in the proposal."""
    key = f"{state.INPUT_PREFIX}{path}"
    stored = get_path(state.doc(), path)
    if key not in st.session_state:
        st.session_state[key] = "" if stored is None else str(stored)
    value = st.text_area(label, key=key, max_chars=max_chars, help=help, height=110)
    new = value.strip() or None
    if new != stored:
        set_path(state.doc(), path, new)
    slot(path)


def _seller_inputs() -> None:
    """The seller's company, preparer, contact, cover note and logo (kept with the scenario)."""
    with st.expander(t("proposal.seller.title"), expanded=True):
        left, right = st.columns(2, gap="large")
        text("proposal.seller_company", t("proposal.seller.company"), optional=True,
             max_chars=120, help=t("proposal.seller.company_help"), where=left)
        text("proposal.preparer", t("proposal.preparer"), optional=True, max_chars=120,
             help=t("proposal.preparer_help"), where=right)
        with left:
            _area("proposal.seller_contact", t("proposal.seller.contact"), max_chars=300,
                  help=t("proposal.seller.contact_help"))
        with right:
            _logo()
        _area("proposal.cover_note", t("proposal.seller.note"), max_chars=1500,
              help=t("proposal.seller.note_help"))


def _logo() -> None:
    """Upload, show or remove the logo (checked with Pillow, kept in the upload folder)."""
    from pvplanner.app.uploads import save_logo
    from pvplanner.report.logo import MAX_LOGO_MB

    doc = state.doc()
    current = get_path(doc, "proposal.logo_file")
    uploaded = st.file_uploader(t("proposal.seller.logo"),
                                key="logo_upload", help=t("proposal.seller.logo_help"),
                                max_upload_size=MAX_LOGO_MB)
    slot("upload.logo")
    if uploaded is not None and st.session_state.get("_logo_upload_id") != uploaded.file_id:
        try:
            path = save_logo(uploaded.getvalue(), uploaded.name)
        except Exception as exc:  # noqa: BLE001 - the check's message, under the uploader
            problem = state.problem_from_exception(exc)
            problem.field = "upload.logo"
            state.report(problem)
        else:
            st.session_state["_logo_upload_id"] = uploaded.file_id
            set_path(doc, "proposal.logo_file", str(path))
            current = str(path)
    if current:
        from pathlib import Path

        from pvplanner.app.uploads import refused_files

        # Only a file inside the user's upload folder is ever read.
        probe = {"proposal": {"logo_file": current}}
        if not refused_files(probe) and Path(probe["proposal"]["logo_file"]).is_file():
            st.image(Path(probe["proposal"]["logo_file"]).read_bytes(),
                     caption=t("proposal.seller.logo_current"), width=180)
        st.button(t("proposal.seller.logo_remove"), key="logo_remove",
                  on_click=set_path, args=(doc, "proposal.logo_file", None),
                  icon=":material/delete:")


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
    _customer_prompt()
    _seller_inputs()
    f = fmt()
    party = t(f"proposal.seller.party_{result.finance.perspective or 'owner'}")
    st.markdown(t("proposal.summary", name=plain(reader_name(scenario.name, lang())),
                  kwp=f.kwp(result.pv.capacity_kwp),
                  npv=f.money(result.finance.npv), party=party,
                  payback=f.years(invested_payback(result.finance.payback_years,
                                                                result.finance.capex))))
    key = hashlib.sha256((state.doc_key() + str(report_lang)).encode()).hexdigest()
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
                    file_name=_file_name(reader_name(scenario.name, str(report_lang)), kind), mime=mime, icon=icon,
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
