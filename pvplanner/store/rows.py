"""Rows of the ``scenarios`` table as records, read so that a damaged row breaks nothing.

A row may be changed in the database by hand (an SQL console, a table editor) or by a disk
fault: text where a time or a number belongs, NULL where a value is required (a table
rebuilt without its constraints), a blob anywhere (SQLite keeps whatever is written,
whatever the column's type), ``NaN`` in a PostgreSQL float. Reading such a row never raises
anything but a :class:`~pvplanner.store.records.StoreError` about its documents: each
column is read on its own, what can be read is kept and the parts that cannot are named
in the record's ``damaged`` (:data:`~pvplanner.store.records.DAMAGE_PARTS`):

=========== ========================== ============================================
part        column(s)                  readable as
=========== ========================== ============================================
id          ``id``                     non-empty text
name        ``name``                   a name :func:`~.records.validate_name` accepts
created     ``created_at``             the store's timestamp text (required)
updated     ``updated_at``             the store's timestamp text (required)
deleted     ``deleted_at``             NULL (live) or the store's timestamp text
revision    ``revision``               a whole number from 1 to 2**62
figures     ``capacity_kwp``, ``npv``, NULL or a finite number; ``currency``: NULL
            ``avoided_tco2_year1``,    or 1-8 characters of text
            ``currency``
scenario    ``scenario_json``          a JSON object (required)
result      ``result_json``            NULL or a JSON object
=========== ========================== ============================================

``schema_version`` is a copy of the scenario document's own field: when it cannot be read
it is taken from the document again, so it is never reported damaged.

A list line reads no documents. A :class:`~pvplanner.store.records.SavedScenario` needs
the scenario document (the scenario's inputs), so :func:`row_to_saved` refuses a row whose
scenario document cannot be read, with a message naming the scenario by its name (never
its id); a result that cannot be read is only a damaged detail: the record has no result
(None) and names ``"result"`` in its ``damaged``, so the intact inputs can still be opened,
copied, exported and saved again with a fresh result.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy.engine import Row

from pvplanner.messages import Message
from pvplanner.store.codec import (
    dumps_document,
    loads_strict,
    scenario_schema_version,
    summary_fields,
)
from pvplanner.store.database import scenarios_table
from pvplanner.store.records import (
    DAMAGE_PARTS,
    SavedScenario,
    ScenarioSummary,
    StoreError,
    name_label,
    parse_timestamp,
    readable_name,
)

_T = scenarios_table

#: Columns of a list line (no documents: listing thousands of scenarios stays cheap).
SUMMARY_COLUMNS = (
    _T.c.id,
    _T.c.name,
    _T.c.created_at,
    _T.c.updated_at,
    _T.c.deleted_at,
    _T.c.revision,
    _T.c.capacity_kwp,
    _T.c.npv,
    _T.c.avoided_tco2_year1,
    _T.c.currency,
    (_T.c.result_json.is_not(None)).label("has_result"),
)

#: Columns of a whole record: a list line and the documents.
FULL_COLUMNS = (*SUMMARY_COLUMNS, _T.c.scenario_json, _T.c.result_json, _T.c.schema_version)

#: Longest currency code kept in the summary (the column's width).
_CURRENCY_CHARS = 8

#: Highest revision read as one: the next one must still fit a 64-bit integer column.
_MAX_REVISION = 2**62


# --------------------------------------------------------------------------- one column
def read_id(value: Any) -> tuple[str, bool]:
    """The stored id and whether it can address the row (``""`` when it cannot)."""
    if isinstance(value, str) and value:
        return value, True
    return "", False


def read_name(value: Any) -> tuple[str, bool]:
    """The name to show (:func:`~.records.readable_name`) and whether it is as stored."""
    name = readable_name(value)
    return name, bool(name) and name == value


def read_time(value: Any, *, required: bool) -> tuple[Any, bool]:
    """A stored timestamp as a UTC datetime (None if NULL or unreadable) and whether it
    is sound: NULL is sound unless ``required``."""
    if value is None:
        return None, not required
    if isinstance(value, str):
        try:
            return parse_timestamp(value), True
        except ValueError:
            pass
    return None, False


def read_revision(value: Any) -> tuple[int | None, bool]:
    """The stored revision (None if it cannot be read) and whether it can."""
    if isinstance(value, bool):
        return None, False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 1 <= value <= _MAX_REVISION:
        return value, True
    return None, False


def read_figure(value: Any) -> tuple[float | None, bool]:
    """A stored summary figure (None if NULL or unreadable) and whether it is sound."""
    if value is None:
        return None, True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, False
    number = float(value)
    return (number, True) if math.isfinite(number) else (None, False)


def read_currency(value: Any) -> tuple[str | None, bool]:
    """The stored currency code (None if NULL or unreadable) and whether it is sound."""
    if value is None:
        return None, True
    if isinstance(value, str) and 0 < len(value) <= _CURRENCY_CHARS and value.isprintable():
        return value, True
    return None, False


def read_document(value: Any, *, required: bool) -> tuple[dict[str, Any] | None, bool]:
    """A stored JSON document (None if NULL or unreadable) and whether it is sound: a
    JSON object, or NULL where it is not ``required``."""
    if value is None:
        return None, not required
    try:
        document = loads_strict(value)
    except (ValueError, TypeError, RecursionError):
        return None, False
    return (document, True) if isinstance(document, dict) else (None, False)


# --------------------------------------------------------------------------- one row
def _ordered(parts: list[str]) -> tuple[str, ...]:
    return tuple(part for part in DAMAGE_PARTS if part in parts)


def _metadata(row: Row) -> tuple[dict[str, Any], list[str]]:
    """What a list line and a record share, as far as it can be read, and the parts that
    cannot be read."""
    readings: dict[str, tuple[Any, bool]] = {
        "id": read_id(row.id),
        "name": read_name(row.name),
        "created": read_time(row.created_at, required=True),
        "updated": read_time(row.updated_at, required=True),
        "deleted": read_time(row.deleted_at, required=False),
        "revision": read_revision(row.revision),
    }
    values = {part: value for part, (value, _) in readings.items()}
    return values, [part for part, (_, sound) in readings.items() if not sound]


def _figures(row: Row) -> tuple[dict[str, Any], bool]:
    """The summary figures as far as they can be read, and whether all of them can."""
    readings = {
        "capacity_kwp": read_figure(row.capacity_kwp),
        "npv": read_figure(row.npv),
        "avoided_tco2_year1": read_figure(row.avoided_tco2_year1),
        "currency": read_currency(row.currency),
    }
    values = {key: value for key, (value, _) in readings.items()}
    return values, all(sound for _, sound in readings.values())


def document_damage(row: Row) -> tuple[str, ...]:
    """``"scenario"`` and/or ``"result"``: the documents of a row of :data:`FULL_COLUMNS`
    that cannot be read (empty when both can)."""
    return tuple(what for what, sound in (
        ("scenario", read_document(row.scenario_json, required=True)[1]),
        ("result", read_document(row.result_json, required=False)[1]),
    ) if not sound)


def row_label(row: Row) -> Message:
    """The scenario of ``row`` as a message names it (:func:`~.records.name_label`): its
    name in quotes, or unquoted words saying that its name cannot be read."""
    name, _ = read_name(row.name)
    return name_label(name)


def damaged_error(row: Row) -> StoreError:
    """The scenario document of ``row`` (the scenario's inputs) cannot be read."""
    return StoreError(Message.of(
        "errors.store.damaged",
        "The scenario {name} cannot be read: its saved inputs are damaged. It stays in the "
        "store and the other scenarios are not affected. Restore it from a backup, or "
        "delete it.", name=row_label(row)), field="id")


def row_to_summary(row: Row, *, documents: bool = False) -> ScenarioSummary:
    """The list line of a row of :data:`SUMMARY_COLUMNS` (never raises).

    Parameters
    ----------
    row : Row
        Selected with :data:`SUMMARY_COLUMNS`, or :data:`FULL_COLUMNS` with ``documents``.
    documents : bool
        Also read the documents and name those that cannot be read in ``damaged``.
    """
    values, damaged = _metadata(row)
    figures, sound = _figures(row)
    if not sound:
        damaged.append("figures")
    if documents:
        damaged.extend(document_damage(row))
    return ScenarioSummary(**values, **figures, has_result=bool(row.has_result),
                           damaged=_ordered(damaged))


def row_to_saved(row: Row) -> SavedScenario:
    """The record of a row of :data:`FULL_COLUMNS`.

    A result that cannot be read is left out (``result`` None) and named ``"result"`` in
    the record's ``damaged``, as any other damaged detail.

    Raises
    ------
    StoreError
        Its scenario document (its inputs) cannot be read: the message names the scenario
        by its name, and Python's parser is not quoted.
    """
    scenario, sound = read_document(row.scenario_json, required=True)
    if not sound or scenario is None:
        raise damaged_error(row)
    result, sound = read_document(row.result_json, required=False)
    values, damaged = _metadata(row)
    if not sound:
        damaged.append("result")
    version = row.schema_version
    if not isinstance(version, str):
        version = scenario_schema_version(scenario)
    return SavedScenario(**values, scenario=scenario, result=result, schema_version=version,
                         damaged=_ordered(damaged))


def document_columns(scenario: Any, result: Any) -> dict[str, Any]:
    """Checked JSON text and summary columns of a scenario and its (optional) result."""
    scenario_json = dumps_document(scenario, "scenario")
    result_json = None if result is None else dumps_document(result, "result")
    return {
        "scenario_json": scenario_json,
        "result_json": result_json,
        "schema_version": scenario_schema_version(scenario),
        **summary_fields(result),
    }
