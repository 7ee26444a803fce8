"""A TOML parser's complaint in the reader's words: what is wrong, and where.

Python's :mod:`tomllib` says "Invalid value (at line 3, column 7)" or "Cannot declare
('site', 'latitude') twice (at line 9, column 1)", in English only and with Python's
reprs. Scenario, tariff and load-template files read from users show a catalogued phrase
instead (``errors.toml_words.*``, ``data/i18n/errors.toml``) with the line and column of
the place, as :mod:`pvplanner.guard.json_words` does for JSON.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pvplanner.errors import PlannerInputError
from pvplanner.guard.files import os_reason
from pvplanner.messages import Message
from weather.datafiles import data_path

__all__ = ["read_data_toml", "read_toml_file", "toml_detail"]

#: Where tomllib places the error at the end of its text.
_AT_LINE = re.compile(r"^(?P<what>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$",
                      re.DOTALL)
_AT_END = " (at end of document)"

#: What tomllib says (the start of its text) -> the catalogue key and English of the same
#: problem in the reader's words. The first match counts.
_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    ("Invalid value", "value",
     "a value is expected here: a text in quotes, a number, true or false, a date, a "
     "[list] or an inline {{table}} (words without quotes are no value)"),
    ("Invalid statement", "statement",
     "this line is neither “name = value”, a [table] heading nor a comment (# ...)"),
    ("Expected '=' after a key", "equals", "an equals sign (=) is missing after the name"),
    ("Expected ']' at the end of a table", "table_heading",
     "a [table] heading is not closed by ]"),
    ("Expected ']]' at the end of an array", "array_heading",
     "an [[array of tables]] heading is not closed by ]]"),
    ("Expected newline or end of document", "one_per_line",
     "more text follows a value on the same line (one “name = value” a line; a comment "
     "starts with #)"),
    ("Invalid date or datetime", "date",
     "a date or time is not valid (write 2026-08-01, or 2026-08-01T08:00:00)"),
    ("Invalid hex value", "escape", "a backslash (\\) in a text in double quotes starts "
     "no valid escape (write \\\\ for a backslash, or use single quotes)"),
    ("Escaped character is not", "escape", ""),
    ("Unescaped '\\'", "escape", ""),
    ("Invalid initial character for a key", "name",
     "a name is expected here (letters, digits, - and _, or a name in quotes)"),
    ("Unclosed array", "list", "a [list] is not closed (a ] or a comma is missing)"),
    ("Unclosed inline table", "inline_table",
     "an inline {{table}} is not closed (a }} or a comma is missing; it must stay on one line)"),
    ("Unterminated string", "string", "a text in quotes is not closed (its closing quote "
     "is missing, or a line break comes first)"),
    ("Cannot overwrite a value", "twice",
     "a name is given a value twice (each name once in its table, each [table] once)"),
    ("Cannot declare", "twice", ""),
    ("Cannot mutate immutable namespace", "twice", ""),
    ("Cannot redefine namespace", "twice", ""),
    ("Duplicate inline table key", "twice", ""),
    # tomllib's words for a 'literal string' never closed: at the end of the file, or at
    # the end of its line.
    ("Expected \"'", "string", ""),
    ("Found invalid character '\\n'", "string", ""),
    ("Found invalid character", "character",
     "a control character TOML does not allow here (in a comment or a text)"),
    ("Illegal character", "string_character",
     "a text in quotes holds a line break or a control character (close the quotes on the "
     "same line, or use triple quotes for several lines)"),
)

#: The English of each key (the row that gives it; the others leave it empty).
_ENGLISH: dict[str, str] = {key: english for _, key, english in _PROBLEMS if english}

#: Characters of a date or time value, and how one starts: tomllib takes an impossible date
#: or time (month 13, 1979-5-27, hour 25, a date and a time without seconds) for a number
#: and says "Expected newline..." at the first character it did not take.
_DATE_CHARACTERS = frozenset("0123456789-:.+TtZz")
_DATE_START = re.compile(r"\d{4}-\d|\d{1,2}:\d")


def _looks_like_a_date(source: str, line: int, column: int) -> bool:
    """True when the value around ``line``/``column`` (1-based) of ``source`` is written
    like a date or time (``1979-13-01``, ``07:32``), so tomllib's "more text follows" means
    a date it could not read."""
    lines = source.split("\n")
    if not 1 <= line <= len(lines):
        return False
    text, end = lines[line - 1], column - 1
    if not 0 <= end < len(text):
        return False
    start = end
    while start > 0 and text[start - 1] in _DATE_CHARACTERS:
        start -= 1
    while end < len(text) and text[end] in _DATE_CHARACTERS:
        end += 1
    return _DATE_START.match(text[start:end]) is not None


def toml_detail(exc: tomllib.TOMLDecodeError, source: str | None = None) -> Message:
    """Where the TOML parser stopped and what is wrong there, in catalogued words (never
    tomllib's English), to follow "... is not valid TOML": " at line 2, column 12: a value is
    expected here...", " at the end of the file: a [list] is not closed...", or ": ..."
    where the parser does not say where.

    Parameters
    ----------
    exc : tomllib.TOMLDecodeError
        The parser's error.
    source : str, optional
        The text that was parsed: where given, an impossible date or time (``1979-13-01``,
        which tomllib reads as a number followed by more text) is told as a date.

    Returns
    -------
    Message
        ``errors.toml_words.at_line``, ``at_end`` or ``nowhere`` holding one of the
        ``errors.toml_words.*`` phrases as ``problem``.

    Examples
    --------
    >>> import tomllib
    >>> try:
    ...     tomllib.loads("[site]\\nlatitude = north")
    ... except tomllib.TOMLDecodeError as exc:
    ...     detail = toml_detail(exc)
    >>> detail.key, detail.params["line"], detail.params["column"], detail.params["problem"].key
    ('errors.toml_words.at_line', 2, 12, 'errors.toml_words.value')
    """
    text = str(exc)
    at_end = text.endswith(_AT_END)
    found = None if at_end else _AT_LINE.match(text)
    what = text.removesuffix(_AT_END) if at_end else found["what"] if found else text
    key = next((key for start, key, _ in _PROBLEMS if what.startswith(start)), "other")
    if (key == "one_per_line" and found is not None and source is not None
            and _looks_like_a_date(source, int(found["line"]), int(found["column"]))):
        key = "date"
    problem = Message.of(f"errors.toml_words.{key}",
                         _ENGLISH.get(key, "this text does not follow TOML's rules"))
    if at_end:
        return Message.of("errors.toml_words.at_end", " at the end of the file: {problem}",
                          problem=problem)
    if found is None:
        return Message.of("errors.toml_words.nowhere", ": {problem}", problem=problem)
    return Message.of("errors.toml_words.at_line", " at line {line}, column {column}: {problem}",
                      line=int(found["line"]), column=int(found["column"]), problem=problem)


def read_data_toml(*parts: str, error: type[PlannerInputError] = PlannerInputError
                   ) -> dict[str, Any]:
    """A TOML file of pvplanner's ``data/`` folder (the operator's: defaults, rules,
    catalogues), its problems told in the reader's words (:func:`read_toml_file`).

    Parameters
    ----------
    *parts : str
        The file's path inside ``data/``, e.g. ``("carbon", "defaults.toml")``.
    error : PlannerInputError subclass
        The exception raised.

    Returns
    -------
    dict
    """
    return read_toml_file(data_path(*parts), "/".join(("data", *parts)), error=error)


def read_toml_file(path: Path, shown: str, *,
                   error: type[PlannerInputError] = PlannerInputError) -> dict[str, Any]:
    """A TOML file of the operator's, named ``shown`` in messages (never by the server's
    path).

    Parameters
    ----------
    path : pathlib.Path
        The file.
    shown : str
        Its name for readers, e.g. ``data/tariffs/zhejiang_2026.toml``.
    error : PlannerInputError subclass
        The exception raised (a tariff preset's: :class:`~pvplanner.errors.TariffError`).

    Returns
    -------
    dict

    Raises
    ------
    PlannerInputError
        The file cannot be read, is not UTF-8 or not TOML (an edit that went wrong, a
        broken installation).
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(Message.of(
            "errors.data_file.unreadable", "cannot read {file}: {detail}; restore the file "
            "or reinstall pvplanner", file=shown, detail=os_reason(exc))) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(Message.of(
            "errors.data_file.not_utf8", "{file} is not UTF-8 text; restore the file, or "
            "save it as UTF-8", file=shown)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(Message.of(
            "errors.data_file.toml", "{file} is not valid TOML{detail}; restore or correct "
            "the file", file=shown, detail=toml_detail(exc, text))) from None
