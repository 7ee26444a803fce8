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
          "created": "...", "updated": "...", "revision": 3,   # informative
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
from dataclasses import dataclass
from typing import Any

from pvplanner.guard.nesting import nesting_depth
from pvplanner.messages import Message, bilingual
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


def _first_problem(value: Any, path: str) -> str | None:
    """Where ``value`` stops being plain JSON (NaN, inf, non-text key, foreign type), or None."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{path} is {value!r}"
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return (
                    f"{path} has the key {key!r} of type {type(key).__name__} (keys must be text)"
                )
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
    return f"{path} is a {type(value).__name__} ({value!r:.60})"


def dumps_document(document: Any, what: str) -> str:
    """Strict JSON text of a scenario or result document.

    Raises
    ------
    StoreError
        If ``document`` is not a dict, or holds NaN/inf, non-text keys or values JSON cannot
        hold; the message gives the path (``result.finance.irr is nan``).
    """
    if not isinstance(document, dict):
        raise StoreError(
            f"{what} must be a JSON object (dict), got {type(document).__name__}.", field=what
        )
    problem = _first_problem(document, what)
    if problem:
        raise StoreError(
            f"Cannot store the {what}: {problem}. Only JSON values can be stored "
            "(replace NaN/inf by null, convert numpy and dates to plain numbers and text).",
            field=what,
        )
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_strict(text: str) -> Any:
    """``json.loads`` that refuses NaN/Infinity (Python's json would accept them)."""
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


def build_envelope(saved: list[SavedScenario]) -> str:
    """The export envelope (see the module docstring) as indented JSON text."""
    envelope = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": format_timestamp(utc_now()),
        "scenarios": [
            {
                "id": item.id,
                "name": item.name,
                "created": format_timestamp(item.created),
                "updated": format_timestamp(item.updated),
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
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StoreError(Message.of(
                "errors.store.not_utf8", "The import file is not UTF-8 text{detail}.",
                detail=bilingual(f": {exc}", ""))) from None
    if not isinstance(text, str):
        raise StoreError(f"import_json needs JSON text, got {type(text).__name__}.")
    try:
        envelope = loads_strict(text.lstrip("\ufeff"))
    except RecursionError:  # thousands of nested brackets: the parser ran out of stack
        raise _too_deep() from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise StoreError(Message.of(
                "errors.store.json_at",
                "The import file is not valid JSON at line {line}, column {column}{detail}.",
                line=exc.lineno, column=exc.colno, detail=bilingual(f": {exc}", ""))) from None
        raise StoreError(Message.of("errors.store.json", "The import file is not valid "
                                    "JSON{detail}.", detail=bilingual(f": {exc}", ""))) from None
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
