"""Uploaded files: size limits, the user's workspace and its folder, and a content-addressed
copy the scenario can point to.

There is no login: each browser gets a workspace, a random token (:func:`workspace_token`,
256 bits) kept in the page's address (``?workspace=...``), so that the same link finds the
same saved scenarios and uploads again. Its files live in :func:`upload_dir`, a folder of
the upload root named by a hash of the token (never the token itself); every path the app
reads is confined to that folder. ``PVPLANNER_SHARED_WORKSPACE=1`` gives every session one
shared workspace (the operator's store rows and the upload root itself), for a team that
wants one shared store.

A scenario names its meter and weather files by path, so an upload is kept as
``<upload dir>/<kind>/<sha256 prefix><ext>``: the same content always gets the same path
(a re-upload does not change the scenario) and a saved scenario keeps working. Files are
only ever handed to pvplanner's parsers as bytes; nothing uploaded is executed or unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

import streamlit as st

from pvplanner.errors import PlannerInputError
from pvplanner.guard.files import MAX_FILE_BYTES, TOO_LARGE_ADVICE, check_size
from pvplanner.guard.paths import SCENARIO_FILE_FIELDS, confine_document, is_template_path
from pvplanner.messages import Message, bilingual

#: Largest upload accepted per file [MB]: the limit of every user file
#: (:data:`pvplanner.guard.files.MAX_FILE_BYTES`); ``.streamlit/config.toml`` server.maxUploadSize
#: sets the same limit for the whole server.
MAX_UPLOAD_MB = MAX_FILE_BYTES // 1_000_000

#: Accepted extensions per kind of upload. The uploaders themselves accept any file: a file of
#: another type reaches :func:`check_extension`, which names it in the reader's language
#: (Streamlit's own refusal is in English, and breaks the page when a file gets past it).
EXTENSIONS = {
    "meter": ("csv", "txt", "xlsx"),
    "weather": ("epw", "csv", "json", "tm2", "tmy", "tmy3", "txt"),
    "scenario": ("json", "toml"),
    "store": ("json",),
    "logo": ("png", "jpg", "jpeg"),
    "sites": ("csv", "txt"),
}

#: Environment variable naming the folder of uploaded files.
UPLOAD_DIR_ENV = "PVPLANNER_UPLOAD_DIR"


#: Environment variable that, set to 1, gives every session the same (shared) workspace.
SHARED_WORKSPACE_ENV = "PVPLANNER_SHARED_WORKSPACE"

#: The query parameter of the page's address that holds the workspace token.
WORKSPACE_PARAM = "workspace"

#: Session-state key of the token (the address loses its parameters on a page switch).
_TOKEN_KEY = "_workspace_token"

#: A token the app accepts from an address: what ``secrets.token_urlsafe`` writes, at least
#: 22 characters (128 bits).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,128}")

#: Bytes of randomness of a new token (256 bits).
_TOKEN_BYTES = 32


def upload_root() -> Path:
    """``$PVPLANNER_UPLOAD_DIR``, else ``$XDG_DATA_HOME/pvplanner/uploads``
    (``~/.local/share/pvplanner/uploads``): the folder of every workspace's folder."""
    explicit = os.environ.get(UPLOAD_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "pvplanner" / "uploads"


def shared_workspace() -> bool:
    """Whether the operator gave every session one shared workspace
    (``$PVPLANNER_SHARED_WORKSPACE`` = 1, true, yes or on)."""
    return os.environ.get(SHARED_WORKSPACE_ENV, "").strip().lower() in ("1", "true", "yes",
                                                                         "on")


def _in_a_run() -> bool:
    """Whether a Streamlit script run (a user's session) is under way in this thread."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True) is not None


def workspace_token() -> str | None:
    """The session's workspace token, kept in the page's address; None when shared (or
    outside a session: the operator's own use).

    The token in the address wins (the same link opens the same workspace); else the one
    this session already had (a page switch drops the address's parameters), else a new
    one. It is written back to the address whenever the address lacks it.
    """
    if shared_workspace() or not _in_a_run():
        return None
    asked = st.query_params.get(WORKSPACE_PARAM)
    if isinstance(asked, str) and _TOKEN.fullmatch(asked):
        token = asked
    else:
        kept = st.session_state.get(_TOKEN_KEY)
        token = kept if isinstance(kept, str) and _TOKEN.fullmatch(kept) else \
            secrets.token_urlsafe(_TOKEN_BYTES)
    st.session_state[_TOKEN_KEY] = token
    if asked != token:
        st.query_params[WORKSPACE_PARAM] = token
    return token


def workspace_id(token: str | None = None) -> str | None:
    """The name of a workspace in the store and of its upload folder: a hash of its token
    (the token itself, the key to the workspace, is kept nowhere on the server). Default:
    the session's (:func:`workspace_token`); None when shared or outside a session."""
    token = workspace_token() if token is None else token
    if token is None:
        return None
    return hashlib.sha256(b"pvplanner-workspace\0" + token.encode()).hexdigest()[:32]


def upload_dir() -> Path:
    """The session's upload folder: ``<upload root>/<workspace id>``
    (:func:`upload_root`, :func:`workspace_id`); the upload root itself when the workspace
    is shared, or outside a session (the operator's own use)."""
    name = workspace_id()
    return upload_root() if name is None else upload_root() / name


def check_upload(data: bytes, filename: str, kind: str, *, max_mb: float = MAX_UPLOAD_MB) -> str:
    """Check size and extension of an upload; returns the lower-case extension.

    Raises
    ------
    PlannerInputError
        Too large, empty, or an extension not accepted for ``kind``.
    """
    size = len(data)
    check_size(size, filename, int(max_mb * 1_000_000), advice=TOO_LARGE_ADVICE[kind],
               field=f"upload.{kind}")
    if size == 0:
        raise PlannerInputError(Message.of("errors.upload.empty", "{name} is empty",
                                           name=filename), field=f"upload.{kind}")
    return check_extension(filename, kind)


def check_extension(filename: str, kind: str) -> str:
    """The lower-case extension of ``filename`` when ``kind`` accepts it.

    Parameters
    ----------
    filename : str
        The uploaded file's name.
    kind : str
        A key of :data:`EXTENSIONS`.

    Returns
    -------
    str
        The extension, lower case, without its dot.

    Raises
    ------
    PlannerInputError
        The extension is not one ``kind`` accepts (the message lists those it does).
    """
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS[kind]:
        raise PlannerInputError(Message.of(
            "errors.upload.extension", "{name}: .{extension} files are not accepted here; use "
            "{accepted}", name=filename, extension=extension or "?",
            accepted=bilingual(", ".join("." + e for e in EXTENSIONS[kind]),
                               "、".join(e.upper() for e in EXTENSIONS[kind]))),
            field=f"upload.{kind}")
    return extension


def save_upload(data: bytes, filename: str, kind: str) -> Path:
    """Keep an upload as a content-addressed file and return its path."""
    extension = check_upload(data, filename, kind)
    digest = hashlib.sha256(data).hexdigest()[:20]
    folder = upload_dir() / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.{extension}"
    if not path.is_file() or path.stat().st_size != len(data):
        temporary = path.with_suffix(path.suffix + ".part")
        temporary.write_bytes(data)
        temporary.replace(path)  # atomic: a half-written file is never used
    return path


def save_logo(data: bytes, filename: str) -> Path:
    """Keep the seller's logo: checked with Pillow (PNG or JPEG by content, at most
    :data:`pvplanner.report.logo.MAX_LOGO_BYTES`, no oversized image) and stored re-encoded
    as a small PNG, content-addressed, in the user's upload folder (``logo/``).

    Raises
    ------
    PlannerInputError
        Not a PNG/JPEG image, too large, or another extension (field ``upload.logo``).
    """
    from pvplanner.report.logo import check_logo

    check_extension(filename, "logo")
    try:  # check_logo refuses a file over the logo's size limit first
        png = check_logo(data, filename)
    except PlannerInputError as exc:
        raise PlannerInputError(exc.message, field="upload.logo") from None
    folder = upload_dir() / "logo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(png).hexdigest()[:20]}.png"
    if not path.is_file() or path.stat().st_size != len(png):
        temporary = path.with_suffix(".png.part")
        temporary.write_bytes(png)
        temporary.replace(path)
    return path


def outside_files(document: dict) -> list[str]:
    """Clear the file fields of a scenario document that are not inside :func:`upload_dir`.

    A scenario opened from a file or the store could name any file on the server (and a
    reader's error message could then quote it); the app only reads files inside the user's
    upload folder (:func:`pvplanner.guard.paths.confine_document`). Fields inside are rewritten
    to their resolved path. Returns the dotted names of the fields that were cleared.
    """
    return confine_document(document, upload_dir(), clear=True)


def refused_files(document: dict) -> list[str]:
    """The file fields of a scenario document outside :func:`upload_dir` (not changed;
    fields inside are rewritten to their resolved path)."""
    return confine_document(document, upload_dir())


def uploaded_file(stored: Any, field: str) -> Path | None:
    """The file a scenario's file field names, resolved inside the user's upload folder by
    the app's own rule (:func:`pvplanner.app.uploads.refused_files`), whatever folder that
    is; None when the field names a file outside it (or nothing).

    Parameters
    ----------
    stored : str
        The field's value: the reference :func:`upload_reference` gave (``meter/<hash>.csv``),
        or an older scenario's absolute path.
    field : str
        The dotted field (``"load.meter_file"``, ``"weather.file"``).
    """
    if not isinstance(stored, str) or not stored.strip():
        return None
    section, _, key = field.partition(".")
    probe: dict[str, Any] = {section: {key: stored}}
    if refused_files(probe):
        return None
    return Path(probe[section][key])


def upload_reference(path: Path | str) -> str:
    """What a scenario keeps for an upload: its path relative to the user's upload folder
    (``meter/945aae8234110d25ac5d.csv``), which the app's check (:func:`uploaded_file`) and
    a scenario file saved in that folder (:func:`pvplanner.scenario.load_scenario`) resolve;
    a file elsewhere keeps its name only. Never a server folder."""
    try:
        return Path(path).resolve().relative_to(upload_dir().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return Path(path).name


def shareable_document(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a scenario document to hand to its user: each file field that names a
    file of the user's upload folder by its server path names it relative to that folder
    (``meter/945aae8234110d25ac5d.csv``), which opens again in the app; a path elsewhere
    keeps its file name only. The server's folders never leave it.

    Examples
    --------
    >>> root = upload_dir()
    >>> shareable_document({"load": {"meter_file": str(root / "meter" / "a.csv")},
    ...                     "weather": {"file": "/srv/other/w.epw"}})
    {'load': {'meter_file': 'meter/a.csv'}, 'weather': {'file': 'w.epw'}}
    """
    shared = json.loads(json.dumps(document, default=str))
    for section, field in SCENARIO_FILE_FIELDS:
        table = shared.get(section) if isinstance(shared, dict) else None
        value = table.get(field) if isinstance(table, dict) else None
        if not isinstance(value, str) or not value or not Path(value).is_absolute():
            continue  # nothing, a template's name or a reference already
        if field == "template" and not is_template_path(value):
            continue
        table[field] = upload_reference(value)
    return shared


def shareable_export(text: str) -> str:
    """A store export (:meth:`pvplanner.store.ScenarioStore.export_json`) with every
    scenario and its result's inputs made :func:`shareable_document`."""
    envelope = json.loads(text)
    for item in envelope.get("scenarios", []):
        if isinstance(item.get("scenario"), dict):
            item["scenario"] = shareable_document(item["scenario"])
        result = item.get("result")
        if isinstance(result, dict) and isinstance(result.get("inputs"), dict):
            result["inputs"] = shareable_document(result["inputs"])
    return json.dumps(envelope, ensure_ascii=False, allow_nan=False, indent=1)
