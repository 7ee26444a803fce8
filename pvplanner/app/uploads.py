"""Uploaded files: size limits, and a content-addressed copy the scenario can point to.

A scenario names its meter and weather files by path, so an upload is kept as
``<upload dir>/<kind>/<sha256 prefix><ext>``: the same content always gets the same path
(a re-upload does not change the scenario) and a saved scenario keeps working. Files are
only ever handed to pvplanner's parsers as bytes; nothing uploaded is executed or unpickled.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pvplanner.errors import PlannerInputError
from pvplanner.guard.files import MAX_FILE_BYTES, TOO_LARGE_ADVICE, check_size
from pvplanner.guard.paths import confine_document
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


def upload_dir() -> Path:
    """``$PVPLANNER_UPLOAD_DIR``, else ``$XDG_DATA_HOME/pvplanner/uploads``
    (``~/.local/share/pvplanner/uploads``)."""
    explicit = os.environ.get(UPLOAD_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "pvplanner" / "uploads"


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
