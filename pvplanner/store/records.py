"""Records and errors of the scenario store (:mod:`pvplanner.store.repository`), and its naming rules.

Kept apart from the database code so the app and the CLI can import the record types and the
errors without SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message, bilingual

#: Longest scenario name [characters], after stripping surrounding white space.
MAX_NAME_CHARS = 200

#: Text form of every timestamp in the database: UTC, fixed width, so that sorting the text
#: sorts the times on every database (SQLite has no timestamp type).
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")

#: What of a stored scenario may be found damaged (``damaged`` of the records), in the
#: order a reader is told: its key in the database, its name, its times, its revision
#: number, the key figures copied from its result, and its two documents.
DAMAGE_PARTS = ("id", "name", "created", "updated", "deleted", "revision", "figures",
                "scenario", "result")


class StoreError(PlannerInputError):
    """A scenario-store request that cannot be served: unknown id, bad name, bad import file,
    a database that is newer than this pvplanner or unreachable. The message says which and
    how to fix it."""


class StoreSetupError(StoreError):
    """The store itself cannot be used: its URL, its database driver, its folder, or a
    database that is not a pvplanner store, is newer than this pvplanner or cannot be
    reached when it is opened.

    The operator's to fix (the store's URL is their setting), so the message names the
    store's URL (password masked) and keeps the technical detail; an app shows its users
    ``errors.store.unavailable`` instead and logs this message.
    """


class StoreConflictError(StoreError):
    """An update based on an old revision: someone saved the scenario in the meantime.

    Attributes
    ----------
    scenario_id : str
    name : str
        The scenario's name in the store (``""`` when it cannot be read).
    expected_revision : int
        The revision the caller edited.
    actual_revision : int
        The revision in the store now.
    """

    def __init__(
        self, scenario_id: str, name: str, expected_revision: int, actual_revision: int
    ) -> None:
        super().__init__(Message.of(
            "errors.store.conflict",
            "The scenario {name} was changed by someone else: you edited revision "
            "{expected} but the store now holds revision {actual}. Load the scenario again, "
            "re-apply your changes and save.",
            name=name_label(name), expected=expected_revision, actual=actual_revision))
        self.scenario_id = scenario_id
        self.name = name
        self.expected_revision = expected_revision
        self.actual_revision = actual_revision


@dataclass(frozen=True)
class SavedScenario:
    """One stored scenario with its result.

    Attributes
    ----------
    id : str
        Store identifier (32 hex digits), stable across renames.
    name : str
    scenario : dict
        The scenario document as saved (a fresh copy: changing it changes nothing stored).
    result : dict or None
        The result document saved with this revision, if any; None too when the stored
        result cannot be read (``"result" in damaged``): the scenario is then used as one
        without a result, and saving it with a fresh result repairs it.
    created, updated : datetime or None
        UTC, timezone-aware; None when the stored time cannot be read (see ``damaged``).
    revision : int or None
        1 on creation, +1 on every save or rename; pass it back as ``expected_revision``.
        None when the stored number cannot be read: the next save then checks no revision.
    schema_version : str or None
        The scenario document's own ``schema_version`` field, if it has one.
    deleted : datetime or None
        When the scenario was moved to the trash (None when it is live, or when the time
        it was deleted cannot be read: ``"deleted" in damaged``).
    damaged : tuple of str
        The parts of the stored row that cannot be read (:data:`DAMAGE_PARTS`), changed in
        the database by hand or by a disk fault; empty for a sound row. The record holds
        what can be read: an unreadable name is ``""``, an unreadable time, revision or
        result None. Saving the scenario again repairs them.
    """

    id: str
    name: str
    scenario: dict[str, Any]
    result: dict[str, Any] | None
    created: datetime | None
    updated: datetime | None
    revision: int | None
    schema_version: str | None
    deleted: datetime | None = None
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScenarioSummary:
    """One line of :meth:`pvplanner.store.repository.ScenarioStore.list`: no documents, only the
    indexed figures taken from the result (None when there is no result or no such figure).

    Attributes
    ----------
    capacity_kwp : float or None
        ``result["pv"]["capacity_kwp"]`` [kWp].
    npv : float or None
        ``result["finance"]["npv"]`` [currency].
    avoided_tco2_year1 : float or None
        ``result["carbon"]["avoided_tco2_year1"]`` [tCO2].
    currency : str or None
        ``result["currency"]``.
    damaged : tuple of str
        The parts of the stored row that cannot be read (:data:`DAMAGE_PARTS`); the other
        attributes hold what can be read, as in :class:`SavedScenario`. A list line reads
        no documents, so ``"scenario"`` and ``"result"`` appear only where the documents
        were read (:meth:`~pvplanner.store.repository.ScenarioStore.damaged`, a restore).
        A line whose ``"id"`` is damaged has the id ``""``: the store cannot address it.
    """

    id: str
    name: str
    created: datetime | None
    updated: datetime | None
    revision: int | None
    capacity_kwp: float | None
    npv: float | None
    avoided_tco2_year1: float | None
    currency: str | None
    has_result: bool
    deleted: datetime | None = None
    damaged: tuple[str, ...] = ()


def format_timestamp(moment: datetime) -> str:
    """Fixed-width UTC text of a timezone-aware time (see ``_TIMESTAMP_FORMAT``)."""
    return moment.astimezone(UTC).strftime(_TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime:
    """Inverse of :func:`format_timestamp`: a timezone-aware UTC datetime."""
    return datetime.strptime(text, _TIMESTAMP_FORMAT).replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


_ITEM = re.compile(r"^scenarios\[(\d+)\]")


def item_name(field: str) -> dict[str, str]:
    """Where a problem is, as a message value: the scenario's place in the import file
    (``scenario 4 of the import file``, ``导入文件中的第 4 个方案：`` for ``scenarios[3]``),
    never the file's keys; for a name typed in the app the field in English, nothing in
    Chinese."""
    item = _ITEM.match(field)
    if item is None:
        return bilingual(field, "")
    number = int(item.group(1)) + 1
    return bilingual(f"scenario {number} of the import file", f"导入文件中的第 {number} 个方案：")


def validate_name(name: Any, *, field: str = "name") -> str:
    """The stripped name, or :class:`StoreError` saying what is wrong with it.

    Parameters
    ----------
    name : str
        1 to ``MAX_NAME_CHARS`` characters after stripping, no control characters.
    field : str
        Dotted name reported with the error (``scenarios[3].name`` for imports).
    """
    where = item_name(field)
    if not isinstance(name, str):
        raise StoreError(Message.of(
            "errors.store.name_type", "{where}: a scenario name must be text, got {kind} "
            "{value}.", where=where, kind=type(name).__name__, value=repr(name)[:80]),
            field=field)
    stripped = name.strip()
    if not stripped:
        raise StoreError(Message.of("errors.store.name_empty",
                                    "{where}: the scenario name is empty; give it a name.",
                                    where=where), field=field)
    if len(stripped) > MAX_NAME_CHARS:
        raise StoreError(Message.of(
            "errors.store.name_long",
            "{where}: the scenario name has {count} characters; shorten it to at most {limit} "
            "({start}...).", where=where, count=len(stripped), limit=MAX_NAME_CHARS,
            start=repr(stripped[:40])), field=field)
    bad = _CONTROL_CHARS.search(stripped)
    if bad:
        raise StoreError(Message.of(
            "errors.store.name_control",
            "{where}: the scenario name {name} contains the control character {char} at "
            "position {position}; remove it.", where=where, name=repr(stripped),
            char=repr(bad.group()), position=bad.start()), field=field)
    return stripped


def readable_name(value: Any) -> str:
    """A stored name as a reader may be shown it: a name :func:`validate_name` accepts, or
    ``""`` when nothing of it can be shown.

    A name written by this store comes back as it is. One changed in the database by hand
    has its control characters replaced by spaces, its surrounding white space stripped
    and is cut to ``MAX_NAME_CHARS``; a value that is not text (NULL, a number, a blob)
    gives ``""``.

    Examples
    --------
    >>> readable_name("Plant A"), readable_name(" Plant\\tB "), readable_name(None)
    ('Plant A', 'Plant B', '')
    """
    if not isinstance(value, str):
        return ""
    return _CONTROL_CHARS.sub(" ", value).strip()[:MAX_NAME_CHARS].rstrip()


def name_label(name: str) -> Message:
    """A scenario as a message names it: its name in quotes (“Plant A”), or, for a name
    that cannot be read (``""``, see :func:`readable_name`), words saying so, unquoted, as
    the app lists it: they are not a name.

    Messages write ``The scenario {name} …`` with this as ``name``, never ``“{name}”``.
    """
    if name:
        return Message.of("errors.store.named", "“{name}”", name=name)
    return Message.of("errors.store.unnamed", "(name unreadable)")


def free_name(name: str, taken: Iterable[str], word: str, *, always: bool) -> str:
    """A name not in ``taken``: ``"<base> (<word>)"``, then ``"<base> (<word> 2)"``...

    ``base`` is ``name`` without an earlier ``" (<word>)"`` / ``" (<word> N)"`` suffix, so the
    copy of ``"A (copy)"`` is ``"A (copy 2)"``, not ``"A (copy) (copy)"``. With
    ``always=False`` a free ``name`` is kept as it is. The base is shortened when needed so
    the result stays within ``MAX_NAME_CHARS``.
    """
    taken = set(taken)
    if not always and name not in taken:
        return name
    base = re.sub(rf" \({re.escape(word)}(?: \d+)?\)$", "", name) or name
    number = 1
    while True:
        suffix = f" ({word})" if number == 1 else f" ({word} {number})"
        candidate = base[: MAX_NAME_CHARS - len(suffix)].rstrip() + suffix
        if candidate not in taken:
            return candidate
        number += 1
