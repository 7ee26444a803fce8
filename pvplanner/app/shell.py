"""The app's frame: page setup, language, navigation and the headline figures in the sidebar."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

import pvplanner.app.state as state
from pvplanner.app.uploads import MAX_UPLOAD_MB
from pvplanner.app.widgets import fmt, kpi, lang, plain, run_page, show_problem, t
from pvplanner.display.messages import LANGUAGE_NAMES, LANGUAGES, default_language, translate
from pvplanner.display.numbers import invested_payback

#: Pages in navigation order: (id, module under pvplanner.app, icon, section).
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("site", "page_site", ":material/factory:", "inputs"),
    ("load", "page_load", ":material/electric_meter:", "inputs"),
    ("tariff", "page_tariff", ":material/payments:", "inputs"),
    ("results", "page_results", ":material/insights:", "outputs"),
    ("carbon", "page_carbon", ":material/eco:", "outputs"),
    ("monitor", "page_monitor", ":material/monitoring:", "outputs"),
    ("compare", "page_compare", ":material/compare_arrows:", "scenarios"),
    ("proposal", "page_proposal", ":material/description:", "scenarios"),
    ("portfolio", "page_portfolio", ":material/domain:", "scenarios"),
)


def _init_language() -> None:
    if "lang" in st.session_state and st.session_state["lang"] in LANGUAGES:
        return
    # The selector's state is dropped when a run stops before drawing it (a page switch);
    # the copy below keeps the user's choice.
    if st.session_state.get("_lang") in LANGUAGES:
        st.session_state["lang"] = st.session_state["_lang"]
        return
    asked = st.query_params.get("lang")
    if asked in LANGUAGES:
        st.session_state["lang"] = asked
        return
    try:
        locale = st.context.locale
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        locale = None
    st.session_state["lang"] = default_language(locale)


def _keep_language_in_address() -> None:
    """Write the reader's language into the page's address beside the workspace token (a
    page switch drops the address's parameters), so that a bookmarked page opens in it."""
    chosen = st.session_state.get("lang")
    if chosen in LANGUAGES and st.query_params.get("lang") != chosen:
        st.query_params["lang"] = chosen


def _page_callable(module_name: str) -> Callable[[], None] | None:
    """The page's ``render`` wrapped so that no exception escapes; None if the module is
    absent (an optional page)."""
    full = f"pvplanner.app.{module_name}"
    if importlib.util.find_spec(full) is None:
        return None

    def page() -> None:
        def render() -> None:
            module = importlib.import_module(full)
            module.render()

        run_page(render)

    page.__name__ = module_name
    return page


#: Widgets (besides the scenario inputs) whose option labels are translated.
_TRANSLATED_WIDGETS = ("city_search", "pick_saved", "compare_pick", "results_month",
                       "cash_view")


def _on_language_change() -> None:
    """Widgets show their options by label: let them start again in the new language
    (their values come back from the scenario document)."""
    st.session_state["_lang"] = st.session_state.get("lang")
    state.reset_inputs()
    for key in _TRANSLATED_WIDGETS:
        st.session_state.pop(key, None)


def _language_selector() -> None:
    chosen = st.sidebar.segmented_control(
        "Language / 语言", list(LANGUAGES)[::-1], key="lang", required=True,
        format_func=LANGUAGE_NAMES.get, on_change=_on_language_change,
    )
    st.session_state["_lang"] = chosen


def _sidebar_kpis(box) -> None:
    """Headline figures of the current scenario, on every page."""
    result = state.result()
    with box:
        # The scenario open: after a save-as the stored copy under its new name, not the
        # name the document was opened with.
        origin = state.origin()
        name = (origin.get("name") if origin.get("kind") == "store" and origin.get("name")
                else state.get_path(state.doc(), "name", ""))
        from pvplanner.display.names import name as reader_name  # the demo's in Chinese too

        st.caption(t("common.sidebar.scenario", name=plain(reader_name(name, lang()))))
        if result is None:
            st.warning(t("common.sidebar.fix_inputs"), icon="⚠️")
            return
        f = fmt()
        for label, value in (
                (t("common.kpi.capacity"), f.kwp(result.pv.capacity_kwp)),
                (t("common.kpi.npv"), f.money_compact(result.finance.npv)),
                (t("common.kpi.payback"), f.years(invested_payback(result.finance.payback_years,
                                                                result.finance.capex))),
                (t("common.kpi.avoided_year1"), f.tco2(result.carbon.avoided_tco2_year1, 0))):
            kpi(label, value, per_row=1, sidebar=True)


#: Streamlit's file-uploader parts that it labels in English whatever the page's language.
_UPLOADER_BUTTON = ('[data-testid="stFileUploaderDropzone"] '
                    '[data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p')
_UPLOADER_HINT = '[data-testid="stFileUploaderDropzoneInstructions"] span'


def uploader_style(lang: str) -> str:
    """CSS that writes the file uploader's button and hint in the reader's language
    (``common.upload.*``); empty in English, which Streamlit already writes. The English is
    kept in the page (font size 0) and the reader's words drawn in its place."""
    if lang == "en":
        return ""
    rules = []
    for selector, key in ((_UPLOADER_BUTTON, "common.upload.button"),
                          (_UPLOADER_HINT, "common.upload.hint")):
        words = _css_text(translate(key, lang, mb=MAX_UPLOAD_MB))
        rules.append(f"{selector} {{font-size: 0;}}\n"
                     f'{selector}::after {{content: "{words}"; font-size: 0.875rem;}}')
    for widget_key, limit_mb in _own_upload_limits_mb().items():
        # Streamlit marks a keyed widget's container with the class st-key-<key>.
        words = _css_text(translate("common.upload.hint", lang, mb=limit_mb))
        rules.append(f'.st-key-{widget_key} {_UPLOADER_HINT}::after {{content: "{words}";}}')
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def _css_text(words: str) -> str:
    """Words as a CSS string's content (no quote or backslash of their own)."""
    return words.replace("\\", "").replace('"', "")


def _own_upload_limits_mb() -> dict[str, int]:
    """Uploaders (by widget key) whose size limit is not :data:`MAX_UPLOAD_MB`: their hint
    must say their own (the logo's is 2 MB; the shared hint said 50 MB)."""
    from pvplanner.report.logo import MAX_LOGO_MB

    return {"logo_upload": MAX_LOGO_MB}


def _uploader_words() -> None:
    style = uploader_style(lang())
    if style:
        st.html(style)


def main() -> None:
    """Run one script pass of the app."""
    st.set_page_config(page_title="pvplanner", page_icon=":material/solar_power:",
                       layout="wide", initial_sidebar_state="expanded")
    _init_language()
    _keep_language_in_address()
    # First: every page reads the session's files and scenarios from its workspace, whose
    # token the page's address keeps (written back after a page switch dropped it).
    state.open_workspace()
    state.doc()

    sections: dict[str, list] = {}
    by_id = {}
    for page_id, module_name, icon, section in PAGES:
        page_fn = _page_callable(module_name)
        if page_fn is None:
            continue
        page = st.Page(page_fn, title=t(f"common.pages.{page_id}"), icon=icon,
                       url_path=page_id, default=page_id == "site")
        by_id[page_id] = page
        sections.setdefault(t(f"common.sections.{section}"), []).append(page)
    current = st.navigation(sections)
    _language_selector()
    _uploader_words()

    target = st.session_state.pop("_goto", None)
    if target in by_id:
        st.switch_page(by_id[target])

    kpi_box = st.sidebar.container()
    current.run()
    try:
        _sidebar_kpis(kpi_box)
    except ScriptControlException:
        raise
    except Exception as exc:  # noqa: BLE001 - the sidebar must never show a traceback
        show_problem(state.internal_problem(exc), kpi_box)
