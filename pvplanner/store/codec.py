"""JSON documents of the scenario store: strict encoding, summary figures, export envelope.

Documents are stored as TEXT (``json.dumps(ensure_ascii=False, allow_nan=False)``) rather than a
database JSON type, so that every SQLAlchemy database holds them the same way and Chinese
text stays readable in the file.

Export envelope (``export_json`` / ``import_json``), format version 1::

    {
      "format": "pvplanner-scenarios",
      "version": 1,
      "exported_at": "2026-03-01T08:00:00.000000Z",
      "scenarios": [
        {
          "id": "9f1c...",                 # informative: imports get a new id
          "name": "Plant A",               # required, 1-200 characters
          "created": "...", "updated": "...", "revision": 3,   # informative (null
                                           # where a row damaged in the database lost them)
          "schema_version": "1",           # informative (taken from the scenario)
          "scenario": {...},               # required, a JSON object
          "result": {...} or null          # optional
        }
      ]
    }
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pvplanner.guard.json_words import json_problem
from pvplanner.guard.nesting import nesting_depth
from pvplanner.messages import Message
from pvplanner.store.records import (
    SavedScenario,
    StoreError,
    format_timestamp,
    item_name,
    utc_now,
    validate_name,
)

#: Name and version of the export envelope. Readers accept versions up to ``EXPORT_VERSION``.
EXPORT_FORMAT = "pvplanner-scenarios"
EXPORT_VERSION = 1

#: Deepest nesting accepted in an import file: a scenario's or a result's own levels
#: (at most :data:`pvplanner.scenario.model.MAX_NESTING_LEVELS` = 32) plus the envelope.
MAX_IMPORT_NESTING = 36


def document_word(what: str) -> Message:
    """``"scenario"`` or ``"result"`` as a word of the reader's language."""
    if what == "result":
        return Message.of("errors.store.what_result", "result")
    return Message.of("errors.store.what_scenario", "scenario")


def _first_problem(value: Any, path: str) -> Message | None:
    """Where ``value`` stops being plain JSON (NaN, inf, non-text key, foreign type), or None.

    The place is the document path (``result.finance.irr``): what a program wrote, which
    the message names so that its author can find it.
    """
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        return Message.of("errors.store.value_not_finite", "{path} is {value}", path=path,
                          value=repr(value))
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return Message.of(
                    "errors.store.key_not_text",
                    "{path} has the key {key} of type {kind} (keys must be text)",
                    path=path, key=repr(key)[:60], kind=type(key).__name__)
            problem = _first_problem(item, f"{path}.{key}")
            if problem:
                return problem
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            problem = _first_problem(item, f"{path}[{index}]")
            if problem:
                return problem
        return None
    return Message.of("errors.store.value_foreign", "{path} is a {kind} ({value})", path=path,
                      kind=type(value).__name__, value=f"{value!r:.60}")


def dumps_document(document: Any, what: str) -> str:
    """Strict JSON text of a scenario or result document.

    Parameters
    ----------
    document : dict
        The document to store.
    what : {"scenario", "result"}
        Which document it is (named in the message and as the error's ``field``).

    Returns
    -------
    str
        Compact JSON text, Chinese kept readable.

    Raises
    ------
    StoreError
        If ``document`` is not a dict, or holds NaN/inf, non-text keys or values JSON cannot
        hold; the message gives the path (``result.finance.irr is nan``).
    """
    if not isinstance(document, dict):
        raise StoreError(Message.of(
            "errors.store.document_type", "The {what} must be a JSON object, got {kind}.",
            what=document_word(what), kind=type(document).__name__), field=what)
    problem = _first_problem(document, what)
    if problem:
        raise StoreError(Message.of(
            "errors.store.document_value",
            "Cannot store the {what}: {problem}. Only JSON values can be stored (replace "
            "NaN/inf by null, convert numpy and dates to plain numbers and text).",
            what=document_word(what), problem=problem), field=what)
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class ConstantError(ValueError):
    """A ``NaN``, ``Infinity`` or ``-Infinity`` in JSON text (:func:`loads_strict`).

    Attributes
    ----------
    constant : str
        The word as written.
    """

    def __init__(self, constant: str) -> None:
        super().__init__(f"{constant} is not valid JSON")
        self.constant = constant


def _reject_constant(name: str) -> Any:
    raise ConstantError(name)


def loads_strict(text: str) -> Any:
    """``json.loads`` that refuses NaN/Infinity (Python's json would accept them).

    Raises
    ------
    json.JSONDecodeError
        Not JSON.
    ConstantError
        JSON but for a ``NaN``, ``Infinity`` or ``-Infinity``.
    """
    return json.loads(text, parse_constant=_reject_constant)


def _number(document: dict | None, *keys: str) -> float | None:
    value: Any = document
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def summary_fields(result: dict | None) -> dict[str, Any]:
    """The indexed columns taken from a result document (None where it lacks them)."""
    currency = result.get("currency") if isinstance(result, dict) else None
    if not isinstance(currency, str) and isinstance(result, dict):
        bills = result.get("bills")
        currency = bills.get("currency") if isinstance(bills, dict) else None
    return {
        "capacity_kwp": _number(result, "pv", "capacity_kwp"),
        "npv": _number(result, "finance", "npv"),
        "avoided_tco2_year1": _number(result, "carbon", "avoided_tco2_year1"),
        "currency": currency[:8] if isinstance(currency, str) else None,
    }


def scenario_schema_version(scenario: dict | None) -> str | None:
    """The scenario document's own ``schema_version`` as text, if it has one."""
    value = scenario.get("schema_version") if isinstance(scenario, dict) else None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value)[:64]


@dataclass(frozen=True)
class ImportItem:
    """One scenario read from an export envelope, checked and ready to insert."""

    name: str
    scenario: dict[str, Any]
    result: dict[str, Any] | None


def _timestamp_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else format_timestamp(moment)


def build_envelope(saved: list[SavedScenario]) -> str:
    """The export envelope (see the module docstring) as indented JSON text.

    The informative fields a damaged row cannot give (``id``, ``created``, ``updated``,
    ``revision``: see :class:`SavedScenario`'s ``damaged``) are null.
    """
    envelope = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": format_timestamp(utc_now()),
        "scenarios": [
            {
                "id": item.id or None,
                "name": item.name,
                "created": _timestamp_or_none(item.created),
                "updated": _timestamp_or_none(item.updated),
                "revision": item.revision,
                "schema_version": item.schema_version,
                "scenario": item.scenario,
                "result": item.result,
            }
            for item in saved
        ],
    }
    return json.dumps(envelope, ensure_ascii=False, allow_nan=False, indent=1)


def parse_envelope(text: Any) -> list[ImportItem]:
    """Check an export envelope and return its scenarios, or raise :class:`StoreError`
    naming the problem (and ``scenarios[i]`` for a bad item)."""
    if isinstance(text, bytes):
        text = _decoded(text)
    if not isinstance(text, str):
        raise StoreError(Message.of(
            "errors.store.import_type", "The import needs the file's JSON text, got {kind}.",
            kind=type(text).__name__))
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise StoreError(Message.of("errors.store.empty", "The import file is empty."))
    try:
        envelope = loads_strict(text)
    except RecursionError:  # thousands of nested brackets: the parser ran out of stack
        raise _too_deep() from None
    except json.JSONDecodeError as exc:
        raise _not_json(text, exc.pos, json_problem(text, exc)) from None
    except ConstantError as exc:
        problem = Message.of("errors.store.json_constant",
                             "{constant} is not valid JSON (write null for a missing number)",
                             constant=exc.constant)
        position = _constant_position(text, exc.constant)
        raise _not_json(text, position, problem) from None
    if nesting_depth(envelope, MAX_IMPORT_NESTING) > MAX_IMPORT_NESTING:
        raise _too_deep()
    if not isinstance(envelope, dict) or envelope.get("format") != EXPORT_FORMAT:
        found = envelope.get("format") if isinstance(envelope, dict) else type(envelope).__name__
        raise StoreError(Message.of(
            "errors.store.not_export",
            'The import file is not a pvplanner scenario export: expected a JSON object with '
            '"format": "{expected}", found {found}.', expected=EXPORT_FORMAT,
            found=repr(found)[:80]), field="format")
    version = envelope.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise StoreError(Message.of(
            "errors.store.version_invalid",
            'The import file has an invalid "version" {version}; expected an integer >= 1.',
            version=repr(version)[:80]), field="version")
    if version > EXPORT_VERSION:
        raise StoreError(Message.of(
            "errors.store.version_newer",
            "The import file uses export format version {version}, newer than the version "
            "{current} this pvplanner reads; upgrade pvplanner to import it.", version=version,
            current=EXPORT_VERSION), field="version")
    items = envelope.get("scenarios")
    if not isinstance(items, list):
        raise StoreError(Message.of("errors.store.no_scenarios",
                                    'The import file has no "scenarios" list.'),
                         field="scenarios")
    return [_parse_item(item, index) for index, item in enumerate(items)]


def _too_deep() -> StoreError:
    return StoreError(Message.of(
        "errors.store.too_deep",
        "The import file nests objects or lists more than {levels} levels deep; a pvplanner "
        "export needs far fewer. It is not an export of this program.",
        levels=MAX_IMPORT_NESTING))


def _decoded(data: bytes) -> str:
    """UTF-8 text of an import file (a byte-order mark dropped), or :class:`StoreError`
    naming the first byte that is not UTF-8, counted from 1 in the file as it is."""
    bom = b"\xef\xbb\xbf"
    body = data[len(bom):] if data.startswith(bom) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        position = len(data) - len(body) + exc.start + 1
        raise StoreError(Message.of(
            "errors.store.not_utf8",
            "The import file is not UTF-8 text: byte {position} ({byte}) cannot be read as "
            "UTF-8. Save the file as UTF-8 and import it again.",
            position=position, byte=f"0x{body[exc.start]:02X}")) from None


_STRING_OR_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _constant_position(text: str, constant: str) -> int | None:
    """Index of the first ``constant`` outside a quoted text of ``text``, or None."""
    for found in _STRING_OR_CONSTANT.finditer(text):
        if found.group(1) == constant:
            return found.start(1)
    return None


def _not_json(text: str, position: int | None, problem: Message) -> StoreError:
    """The import file is not JSON: ``problem`` at ``position`` (an index of ``text``; the
    message gives its line and column, both counted from 1), or without a place."""
    if position is None:
        return StoreError(Message.of("errors.store.json",
                                     "The import file is not valid JSON: {problem}.",
                                     problem=problem))
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    return StoreError(Message.of(
        "errors.store.json_at",
        "The import file is not valid JSON at line {line}, column {column}: {problem}.",
        line=line, column=column, problem=problem))


def _parse_item(item: Any, index: int) -> ImportItem:
    where = f"scenarios[{index}]"
    if not isinstance(item, dict):
        raise StoreError(Message.of(
            "errors.store.item_not_object", "{where} must be a JSON object, got {kind}.",
            where=item_name(where), kind=type(item).__name__), field=where)
    name = validate_name(item.get("name"), field=f"{where}.name")
    scenario = item.get("scenario")
    if not isinstance(scenario, dict):
        raise StoreError(Message.of(
            "errors.store.item_no_scenario",
            '{where} ({name}) has no "scenario" object (found {kind}).',
            where=item_name(where), name=repr(name), kind=type(scenario).__name__),
            field=f"{where}.scenario")
    result = item.get("result")
    if result is not None and not isinstance(result, dict):
        raise StoreError(Message.of(
            "errors.store.item_result",
            '{where} ({name}): "result" must be an object or null, got {kind}.',
            where=item_name(where), name=repr(name), kind=type(result).__name__),
            field=f"{where}.result")
    return ImportItem(name=name, scenario=scenario, result=result)
