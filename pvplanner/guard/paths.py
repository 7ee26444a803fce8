"""Paths a user supplies, confined to one folder: resolved inside it, or refused.

The app runs on a server for people who are not its operator, so every file name that
reaches it from a user (an upload, a store import, a sites file, a scenario document) may
only name a file inside that user's upload folder. :func:`confined_path` is the one rule:
the name is joined to a base folder when relative, resolved (symlinks followed, ``..``
collapsed) and then must lie inside the root folder. :func:`confine_document` applies it to
the file fields of a scenario document.

The domain readers do not confine: the command line acts for its operator and reads any
path given. Confinement is chosen by the caller (the app's pages, the portfolio page's call
of the batch parser) by passing the root folder.

Messages name the text the user gave, never the server path it resolved to, and never
anything read from a refused file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message

__all__ = [
    "SCENARIO_FILE_FIELDS",
    "OutsideFolderError",
    "confine_document",
    "confined_path",
    "field_name",
    "is_template_path",
]

#: Fields of a scenario document that may name a file: (section, field).
SCENARIO_FILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("weather", "file"),
    ("load", "meter_file"),
    ("load", "template"),
    ("proposal", "logo_file"),
)


class OutsideFolderError(PlannerInputError):
    """A user-supplied path that does not resolve inside the user's folder."""


def field_name(dotted: str) -> Message:
    """A file field of a scenario (``"load.meter_file"``) as a message: what the file is, in
    words, in both languages (``errors.files.field.*``; the app's readers do not know the
    scenario's keys, and the error's ``field`` keeps the key for programs and the command
    line); another field as it is.
    """
    section, _, field = str(dotted).partition(".")
    if (section, field) in SCENARIO_FILE_FIELDS:
        from pvplanner.display.messages import catalogue

        key = f"errors.files.field.{section}_{field}"
        return Message.of(key, str(catalogue()[key]["en"]))
    return Message("", str(dotted))


def confined_path(name: str | os.PathLike[str], root: Path, *, base: Path | None = None,
                  what: str = "file") -> Path:
    """Resolve a user-supplied path inside ``root``, or refuse it.

    Parameters
    ----------
    name : str or path-like
        The path as the user gave it (absolute, or relative to ``base``). ``~`` is not
        expanded: it would name the server's home folder.
    root : Path
        The folder every accepted path must lie in (the user's upload folder).
    base : Path, optional
        Folder a relative ``name`` is taken from (e.g. the folder of an uploaded sites
        file); ``root`` when omitted. A base outside ``root`` accepts nothing.
    what : str
        What the path is, for the message (``"meter_file"``, ``"weather.file"``).

    Returns
    -------
    Path
        The resolved absolute path (symlinks followed), inside ``root``. It need not exist.

    Raises
    ------
    OutsideFolderError
        If the path resolves outside ``root`` (absolute paths elsewhere, ``..``, symlinks
        pointing out), is empty or cannot be a path (a NUL character). The message quotes
        ``name`` only.

    Examples
    --------
    >>> root = Path("/srv/uploads").resolve()
    >>> confined_path("meter/a.csv", root) == root / "meter" / "a.csv"
    True
    >>> confined_path("../../etc/passwd", root, what="load.meter_file")
    Traceback (most recent call last):
    ...
    pvplanner.guard.paths.OutsideFolderError: meter file '../../etc/passwd' is not among ...
    """
    text = os.fspath(name) if not isinstance(name, str) else name
    refused = OutsideFolderError(Message.of(
        "errors.files.outside", "{what} {name!r} is not among your uploaded files; upload the "
        "file and use its name (files are read only from your own upload folder)",
        what=field_name(what), name=str(text)), field=what)
    if not isinstance(text, str) or not text.strip():
        raise refused
    try:
        top = Path(root).resolve()
        candidate = Path(text)
        if not candidate.is_absolute():
            candidate = Path(base if base is not None else top) / candidate
        resolved = candidate.resolve()
    except (OSError, ValueError, RuntimeError):  # NUL byte, symlink loop, bad name
        raise refused from None
    if not resolved.is_relative_to(top):
        raise refused
    return resolved


def is_template_path(value: Any) -> bool:
    """Whether a ``load.template`` value names a file (a ``.toml`` path) rather than a
    template shipped in ``data/load_templates``."""
    return isinstance(value, str) and value.strip().lower().endswith(".toml")


def confine_document(document: dict[str, Any], root: Path, *, clear: bool = False
                     ) -> list[str]:
    """Confine the file fields of a scenario document to ``root``.

    Fields inside ``root`` are rewritten to their resolved absolute path (a relative name
    is taken from ``root``), so what is planned is what was checked. Fields outside are
    reported; with ``clear`` they are also emptied (``None``; a template file falls back to
    the default template), otherwise left as they are for the caller to refuse the document.

    Parameters
    ----------
    document : dict
        A scenario document (JSON form); changed in place.
    root : Path
        The user's upload folder.
    clear : bool
        Empty the refused fields.

    Returns
    -------
    list of str
        Dotted names of the refused fields (``["load.meter_file"]``), in
        :data:`SCENARIO_FILE_FIELDS` order.
    """
    refused: list[str] = []
    for section, field in SCENARIO_FILE_FIELDS:
        table = document.get(section) if isinstance(document, dict) else None
        value = table.get(field) if isinstance(table, dict) else None
        if value is None or value == "" or not isinstance(table, dict):
            continue
        if field == "template" and not is_template_path(value):
            continue  # a template name: looked up among the shipped templates only
        dotted = f"{section}.{field}"
        try:
            table[field] = str(confined_path(str(value), root, what=dotted))
        except OutsideFolderError:
            refused.append(dotted)
            if clear:
                table[field] = _default_template() if field == "template" else None
    return refused


def _default_template() -> str:
    from pvplanner.scenario.site import LoadInput

    return str(LoadInput.model_fields["template"].default)
