"""A JSON parser's complaint in the reader's words: what is wrong where it stopped.

Python's :mod:`json` says "Expecting ',' delimiter" or "Unterminated string starting at";
scenario files and store imports show a catalogued phrase instead (``errors.store.json_*``),
with the line and column of the place.
"""

from __future__ import annotations

import json

from pvplanner.messages import Message

__all__ = ["json_problem"]


#: What Python's JSON parser says (the start of ``JSONDecodeError.msg``) -> the catalogue key
#: and English of the same problem in the reader's words.
_DECODE_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    ("Expecting ',' delimiter", "json_comma", "a comma (,) is missing between two items"),
    ("Expecting ':' delimiter", "json_colon", "a colon (:) is missing after a name"),
    ("Expecting property name", "json_name",
     "a name in double quotes is expected here (a comma after the last item, or a name "
     "without quotes)"),
    ("Expecting value", "json_value",
     "a value is expected here (a misspelt true, false or null, text without quotes, or a "
     "comma after the last item)"),
    ("Unterminated string", "json_string",
     'a text in quotes is not closed (its closing " is missing)'),
    ("Invalid control character", "json_control",
     "a text in quotes holds a line break or a tab (write it as \\n or \\t)"),
    ("Invalid \\", "json_escape",
     "a backslash (\\) in a text starts no valid escape (write \\\\ for a backslash)"),
    ("Extra data", "json_extra",
     "more text follows the end of the document (a file holds one JSON document)"),
)


def json_problem(text: str, exc: json.JSONDecodeError) -> Message:
    """What is wrong where the JSON parser stopped, in catalogued words (never Python's).

    Parameters
    ----------
    text : str
        The document that was parsed.
    exc : json.JSONDecodeError
        The parser's error.

    Returns
    -------
    Message
        One of the ``errors.store.json_*`` phrases (a cut-off file, a missing comma...), to
        be placed in a message that gives the line and column.

    Examples
    --------
    >>> import json
    >>> try:
    ...     json.loads('{"a": 1')
    ... except json.JSONDecodeError as exc:
    ...     print(json_problem('{"a": 1', exc))
    the file ends before the document is complete (it may have been cut off)
    """
    if exc.pos >= len(text.rstrip()) and not exc.msg.startswith("Extra data"):
        return Message.of("errors.store.json_cut", "the file ends before the document is "
                          "complete (it may have been cut off)")
    for start, key, english in _DECODE_PROBLEMS:
        if exc.msg.startswith(start):
            return Message(f"errors.store.{key}", english)
    return Message.of("errors.store.json_other", "this text cannot be read as JSON")
