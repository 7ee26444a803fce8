"""The user's scenario in ``st.session_state`` and the results computed from it.

The scenario lives as its JSON document (``Scenario.model_dump(mode="json")``) under
``st.session_state["doc"]``; input widgets edit it in place through dotted paths
(``site.latitude``, ``roof_planes[2].tilt_deg``). :func:`scenario` validates it with
:func:`pvplanner.scenario.model.parse_scenario`, :func:`result` runs :func:`pvplanner.pipeline.plan`;
both remember their last answer, and plan results are shared between sessions
(``st.cache_resource``) because identical scenarios give identical results.

Errors are recorded, never raised: :func:`problems` lists them for the page to show next to
the input named by the error's ``field``. An internal error (a bug, not the user's input) is
logged on the server with its traceback under a short random reference; the user sees a
translated message with that reference only, never a traceback or a server path.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from pvplanner.errors import USER_ERRORS, PlannerInputError
from pvplanner.messages import error_message
from pvplanner.scenario.model import Scenario, demo_scenario, parse_scenario

#: Prefix of the session-state keys of input widgets bound to the scenario document.
INPUT_PREFIX = "in:"

#: Where internal errors are logged (with their traceback and reference).
LOG = logging.getLogger("pvplanner.app")

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


# --------------------------------------------------------------------------- paths
def split_path(path: str) -> list[str | int]:
    """``"roof_planes[2].tilt_deg"`` -> ``["roof_planes", 2, "tilt_deg"]``."""
    return [int(index) if index else name for name, index in _PATH_PART.findall(path)]


def get_path(doc: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted path of a JSON document, or ``default``."""
    node = doc
    for part in split_path(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return default
        if node is None:
            return default
    return node


def set_path(doc: dict, path: str, value: Any) -> None:
    """Set the value at a dotted path, creating tables on the way."""
    parts = split_path(path)
    node: Any = doc
    for part, following in zip(parts[:-1], parts[1:], strict=True):
        if isinstance(part, int):
            node = node[part]
            continue
        if node.get(part) is None:
            node[part] = [] if isinstance(following, int) else {}
        node = node[part]
    node[parts[-1]] = value


# --------------------------------------------------------------------------- the document
def _demo_doc() -> dict:
    return demo_scenario().model_dump(mode="json")


@st.cache_resource(show_spinner=False)
def _demo_doc_cached() -> dict:
    return _demo_doc()


def demo_doc(lang: str) -> dict:
    """A fresh copy of the demo for a reader of ``lang``: its own names (the scenario, the
    plant, the roofs) in that language, so that a Chinese reader's inputs read Chinese; the
    places and ids it is planned on are the demo's."""
    from pvplanner.display.names import name

    document = copy.deepcopy(_demo_doc_cached())
    document["name"] = name(document["name"], lang)
    document["site"]["name"] = name(document["site"]["name"], lang)
    for plane in document["roof_planes"]:
        plane["name"] = name(plane["name"], lang)
    return document


def doc() -> dict:
    """The user's scenario document (created from the embedded demo on first use, in the
    reader's language)."""
    if "doc" not in st.session_state:
        st.session_state["doc"] = demo_doc(st.session_state.get("lang", "en"))
        st.session_state["doc_origin"] = {"kind": "demo"}
    return st.session_state["doc"]


def replace_doc(new_doc: dict, *, origin: dict | None = None) -> None:
    """Replace the whole scenario (demo, a saved scenario, an uploaded file) and let every
    input widget start again from the new values."""
    st.session_state["doc"] = copy.deepcopy(new_doc)
    st.session_state["doc_origin"] = origin or {"kind": "new"}
    reset_inputs()


def reset_inputs(prefix: str = "") -> None:
    """Forget widget values (all, or those under ``prefix``) so they re-read the document."""
    for key in list(st.session_state):
        name = str(key)
        if name.startswith(INPUT_PREFIX + prefix):
            del st.session_state[key]
        elif not prefix and name.startswith("_edver:"):
            # Tables start again from the new document under a new editor key.
            st.session_state[key] = st.session_state[key] + 1


def origin() -> dict:
    """Where the current scenario came from: ``{"kind": "demo"|"store"|"file"|"new", ...}``."""
    doc()
    return st.session_state.get("doc_origin", {"kind": "new"})


def doc_key(document: dict | None = None) -> str:
    """Canonical JSON of the document (cache key)."""
    return json.dumps(doc() if document is None else document, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- problems
@dataclass
class Problem:
    """An error to show: the input it belongs to (dotted field) and what went wrong."""

    message: str
    field: str | None = None
    kind: str = "input"  # input | source | internal
    #: For internal errors: the reference under which the server log holds the traceback.
    reference: str = ""
    placed: bool = False


@dataclass
class _RunState:
    problems: list[Problem] = field(default_factory=list)


def _run() -> _RunState:
    run = st.session_state.get("_run_state")
    if not isinstance(run, _RunState):
        run = _RunState()
        st.session_state["_run_state"] = run
    return run


def begin_run() -> None:
    """Start a script run: forget the problems of the previous run."""
    st.session_state["_run_state"] = _RunState()


def report(problem: Problem) -> None:
    """Record a problem (once per run)."""
    run = _run()
    if not any(p.message == problem.message and p.field == problem.field for p in run.problems):
        run.problems.append(problem)


def problems() -> list[Problem]:
    """Problems recorded in this run."""
    return _run().problems


def problem_from_exception(exc: BaseException) -> Problem:
    """A :class:`Problem` for an exception raised by pvplanner, weather or solver."""
    from pvplanner.errors import SOURCE_ERRORS, LoadFileError, TariffError
    from weather.errors import WeatherInputError

    if isinstance(exc, USER_ERRORS):
        field = getattr(exc, "field", None)
        if field is None:
            # Errors about a file or a tariff name no field: show them at their input.
            for kind, where in ((LoadFileError, "load.meter_file"), (TariffError, "tariff"),
                                (WeatherInputError, "weather.source")):
                if isinstance(exc, kind):
                    field = where
                    break
        return Problem(user_text(_for_the_app(error_message(exc))), field, "input")
    if isinstance(exc, SOURCE_ERRORS):
        return Problem(user_text(error_message(exc)), None, "source")
    return internal_problem(exc)


#: Errors whose text tells the command line's operator what to do where the app's user
#: cannot do it (give a file's path), and the app's own text for them (same values).
_APP_TEXTS = {"errors.load.unknown_template": "load.template_unknown",
              "errors.tariff.unknown_preset": "tariff.tariff.preset_unknown",
              "errors.load.unknown_measure": "load.measure_unknown",
              "errors.carbon.unknown_factor": "carbon.factor_unknown",
              "errors.carbon.unknown_asset": "carbon.asset_unknown",
              "errors.carbon.unknown_footprint_factor": "carbon.footprint_factor_unknown"}


def _for_the_app(message: Any) -> Any:
    """``message`` in the app's words where the command line's would not do (:data:`_APP_TEXTS`)."""
    from pvplanner.messages import Message

    key = _APP_TEXTS.get(getattr(message, "key", ""))
    if key is None:
        return message
    return Message(key, str(message), message.params)


def internal_problem(exc: BaseException) -> Problem:
    """Log an internal error on the server (traceback, reference) and return what the user
    may see: a translated message naming the reference, nothing of the exception."""
    from pvplanner.display.messages import translate

    reference = secrets.token_hex(4)
    LOG.error("internal error, reference %s", reference,
              exc_info=(type(exc), exc, exc.__traceback__))
    try:
        language = st.session_state.get("lang", "en")
    except Exception:  # noqa: BLE001 - outside a Streamlit run
        language = "en"
    return Problem(translate("common.error.internal", language, reference=reference), None,
                   "internal", reference=reference)


def user_text(message: str) -> str:
    """A message with the server paths of uploaded files replaced by the names the user
    gave them (or their bare file names): readers name the file they were handed.

    A :class:`~pvplanner.messages.Message` stays one (its text values cleaned the same way),
    so the page can still show it in the reader's language.
    """
    from pvplanner.app.uploads import upload_dir, upload_root
    from pvplanner.messages import Message

    if isinstance(message, Message):
        return Message(message.key, user_text(str(message)),
                       {k: _user_value(v) for k, v in message.params.items()})

    names: dict[str, str] = {}
    try:
        names = dict(st.session_state.get("_meter_names") or {})
    except Exception:  # noqa: BLE001 - outside a Streamlit run
        names = {}
    # The user's folder and the root of every user's folder: a path under either, or the
    # folder itself (a file field of "." names it), never reaches the reader.
    roots = {str(folder).rstrip("/") for folder in (upload_dir(), upload_dir().resolve(),
                                                     upload_root(), upload_root().resolve())}
    for root in sorted(roots, key=len, reverse=True):
        pattern = re.escape(root) + _UNDER_ROOT

        def _name(match: re.Match[str]) -> str:
            path = match.group(0)
            if path.rstrip("/") in roots:
                return _folder_word()
            return names.get(path) or path.rsplit("/", 1)[-1]

        message = re.sub(pattern, _name, message)
    return message


#: What follows an upload folder in a message where it is a path: nothing more of a name
#: (the folder itself), or a path inside it.
_UNDER_ROOT = r"(?:/[^\s'\",;:()\[\]]*)?(?![^\s'\",;:()\[\]/])"


def _folder_word() -> str:
    """The user's upload folder in the reader's words (never its server path)."""
    from pvplanner.display.messages import translate

    try:
        language = st.session_state.get("lang", "en")
    except Exception:  # noqa: BLE001 - outside a Streamlit run
        language = "en"
    return translate("common.upload.folder", language)


def _user_value(value: Any) -> Any:
    """A message value with server paths cleaned: texts and messages (:func:`user_text`),
    and each language's text of a name given in several (``{"en": ..., "zh": ...}``)."""
    if isinstance(value, str):
        return user_text(value)
    if isinstance(value, dict):
        return {lang: user_text(text) if isinstance(text, str) else text
                for lang, text in value.items()}
    return value


# --------------------------------------------------------------------------- validation
def scenario() -> Scenario | None:
    """The validated scenario, or None (the error is recorded with its field)."""
    key = doc_key()
    memo = st.session_state.get("_scenario_memo")
    if memo and memo[0] == key:
        valid, error = memo[1], memo[2]
    else:
        try:
            valid, error = _confined(parse_scenario(copy.deepcopy(doc()))), None
        except PlannerInputError as exc:
            valid, error = None, Problem(user_text(error_message(exc)), exc.field, "input")
        st.session_state["_scenario_memo"] = (key, valid, error)
    if error is not None:
        report(error)
    return valid


def _confined(valid: Scenario) -> Scenario:
    """The scenario with every file it names resolved inside the user's upload folder
    (:func:`pvplanner.guard.paths.confine_document`); a file outside is an error naming the
    field. The app plans only what passed this check."""
    from pvplanner.app.uploads import refused_files

    document = valid.model_dump(mode="json")
    refused = refused_files(document)
    if refused:
        from pvplanner.guard.paths import OutsideFolderError, field_name
        from pvplanner.messages import Message

        raise OutsideFolderError(Message.of(
            "errors.files.not_uploaded",
            "{field} is not among your uploaded files; upload the file on its page",
            field=field_name(refused[0])), field=refused[0])
    return parse_scenario(document)


#: Plans whose solver sessions are kept for their NPV curve (each holds a year-long LP).
_WARM_CURVES = 2
_warm: list = []
_warm_lock = threading.Lock()


@st.cache_resource(max_entries=24, show_spinner=False)
def _plan_shared(key: str):
    """The plan of a scenario document and its pending NPV curve
    (:func:`pvplanner.pipeline.plan_curve_later`): every page shows the plan's figures as
    soon as the optimum is known; the Results page draws the curve (:func:`npv_curve`).
    The newest :data:`_WARM_CURVES` plans keep their solver sessions for it, older ones
    let them go (their curve is then solved afresh); the newest plan's curve is drawn in
    the background meanwhile (:data:`pvplanner.app.curve_ahead.AHEAD`)."""
    from pvplanner.app.curve_ahead import AHEAD
    from pvplanner.pipeline import plan_curve_later

    number = AHEAD.plan_started()
    _, pending = plan_curve_later(parse_scenario(json.loads(key)))
    with _warm_lock:
        _warm.append(pending)
        while len(_warm) > _WARM_CURVES:
            _warm.pop(0).release()
    AHEAD.submit(pending, number)
    return pending


def _pending():
    """The pending curve of the current scenario's plan (None without a plan)."""
    valid = scenario()
    if valid is None:
        return None
    memo = st.session_state.get("_plan_memo")
    if memo and memo[1] is not None and memo[0] == _plan_key(valid):
        return memo[1]
    return None


def _plan_key(valid: Scenario) -> str:
    document = valid.model_dump(mode="json")
    # The seller's details change the proposal, not the plan: editing them re-plans nothing
    # (the proposal page passes them to the report itself).
    document.pop("proposal", None)
    return doc_key(document)


def result():
    """The Result of the current scenario, or None (the error is recorded). Its NPV curve
    may not be drawn yet (``Result.not_computed``; :func:`npv_curve` draws it)."""
    valid = scenario()
    if valid is None:
        return None
    key = _plan_key(valid)
    memo = st.session_state.get("_plan_memo")
    if memo and memo[0] == key:
        if memo[2] is not None:
            report(memo[2])
        return None if memo[1] is None else memo[1].result
    start = time.perf_counter()
    from pvplanner.display.messages import translate

    try:
        with st.spinner(translate("common.planning", st.session_state.get("lang", "en"))):
            found, error = _plan_shared(key), None
    except (ImportError, AttributeError) as exc:  # plan() not available in this install
        found, error = None, problem_from_exception(exc)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message, never a trace
        found, error = None, problem_from_exception(exc)
    st.session_state["_plan_memo"] = (key, found, error)
    st.session_state["_plan_seconds"] = time.perf_counter() - start
    if error is not None:
        report(error)
    return None if found is None else found.result


def npv_curve():
    """The current plan's Result with its NPV-versus-capacity curve, or None. The curve is
    usually drawn already (in the background, after the plan); if not, it is drawn here
    under a spinner (with a battery each point re-solves the year)."""
    pending = _pending()
    if pending is None:
        return None
    if pending.filled:
        return pending.result
    from pvplanner.app.curve_ahead import AHEAD
    from pvplanner.display.messages import translate

    try:
        with (st.spinner(translate("common.drawing_curve", st.session_state.get("lang", "en"))),
              AHEAD.wanted(pending)):
            return pending.fill()
    except Exception as exc:  # noqa: BLE001 - a failure becomes a message, never a trace
        report(problem_from_exception(exc))
        return None


def last_plan_seconds() -> float | None:
    """Wall time of the last plan() call of this session [s] (0 when it came from cache)."""
    return st.session_state.get("_plan_seconds")


# --------------------------------------------------------------------------- store
@st.cache_resource(show_spinner=False)
def _store_for(url: str | None):
    from pvplanner.store.repository import ScenarioStore

    return ScenarioStore(url)


def store():
    """The scenario store (``$PVPLANNER_STORE_URL`` or the default SQLite file) as the
    session's workspace sees it (:func:`pvplanner.app.uploads.workspace_id`): every
    operation acts on that workspace's scenarios only; with a shared workspace
    (``$PVPLANNER_SHARED_WORKSPACE``), on the operator's rows."""
    from pvplanner.app.uploads import workspace_id

    return _store_for(os.environ.get("PVPLANNER_STORE_URL") or None).in_workspace(
        workspace_id())


def open_workspace() -> None:
    """Give the session its workspace on the script's first line (the token in the page's
    address, created on a first visit and written back after a page switch)."""
    from pvplanner.app.uploads import workspace_token

    workspace_token()
