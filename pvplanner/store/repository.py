"""Saved scenarios and their results: a SQLite file by default, any SQLAlchemy database for a team.

The store never loses a user's saved scenario:

* every operation is one transaction (a crash or an error mid-way leaves the previous state);
* SQLite runs in WAL mode with ``synchronous=FULL`` and a 30 s busy timeout, so concurrent
  writers (several app sessions, a batch run) wait for each other instead of failing;
* updates are optimistic: pass the ``revision`` you loaded as ``expected_revision`` and a save
  based on an old revision raises :class:`StoreConflictError` instead of overwriting someone
  else's work (the caller reloads, re-applies and saves again);
* :meth:`ScenarioStore.delete` moves a scenario to the trash (a ``deleted_at`` mark);
  :meth:`ScenarioStore.restore` brings it back; only :meth:`ScenarioStore.purge` of a
  scenario already in the trash deletes it for good;
* a row damaged in the database (changed by hand, a disk fault) never stops the others from
  being listed, loaded or exported: it is listed with what can be read and names the rest
  in its ``damaged`` (:mod:`pvplanner.store.rows`); it can be deleted, restored (even when
  its inputs cannot be read) and purged, and saving it again repairs it; a result that
  cannot be read never locks away the inputs saved with it (they load without it);
* older store layouts are migrated in place on open (:mod:`pvplanner.store.database`).

Every row belongs to one workspace (:meth:`ScenarioStore.in_workspace`): the app gives each
browser its own, so that its users never see, open, change or export each other's
scenarios; a store opened without a workspace (the command line, the Python API) acts on
the operator's rows, those saved without one (all rows saved before workspaces existed).
An id of another workspace is not found, whatever the operation.

Documents are opaque JSON objects: the scenario (``Scenario.model_dump(mode="json")``) and
the result (``Result.to_dict(tables=True)``), both produced by the caller. A few figures of
the result are copied into indexed columns for :meth:`ScenarioStore.list`.

Names are not unique keys (the id is): :meth:`~ScenarioStore.duplicate` and
:meth:`~ScenarioStore.import_json` pick names that are free among live scenarios.

Examples
--------
>>> store = ScenarioStore("sqlite://")          # in memory; default: the user's SQLite file
>>> saved = store.save("Plant A", {"site": {"latitude": 30.2}})
>>> saved = store.save("Plant A", {"site": {"latitude": 30.3}}, scenario_id=saved.id,
...                    expected_revision=saved.revision)
>>> saved.revision
2
"""

from __future__ import annotations

import builtins
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import SQLAlchemyError

from pvplanner.guard.paths import field_name
from pvplanner.messages import Message, comma_list
from pvplanner.store.codec import EXPORT_FORMAT, EXPORT_VERSION, build_envelope, parse_envelope
from pvplanner.store.database import (
    STORE_SCHEMA_VERSION,
    WRITE_OPTION,
    ensure_schema,
    make_engine,
    read_only_sqlite,
    resolve_url,
    scenarios_table,
)
from pvplanner.store.records import (
    MAX_NAME_CHARS,
    SavedScenario,
    ScenarioSummary,
    StoreConflictError,
    StoreError,
    StoreSetupError,
    format_timestamp,
    free_name,
    item_name,
    readable_name,
    utc_now,
    validate_name,
)
from pvplanner.store.rows import (
    FULL_COLUMNS,
    SUMMARY_COLUMNS,
    document_columns,
    document_damage,
    read_id,
    read_name,
    read_revision,
    read_time,
    row_label,
    row_to_saved,
    row_to_summary,
)

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MAX_NAME_CHARS",
    "STORE_SCHEMA_VERSION",
    "SavedScenario",
    "ScenarioStore",
    "ScenarioSummary",
    "StoreConflictError",
    "StoreError",
    "StoreSetupError",
]

_T = scenarios_table

_Item = TypeVar("_Item")

#: Stands for a time that cannot be read while sorting (such items go last anyway).
_NEVER = datetime.min.replace(tzinfo=UTC)

#: Catalogue key (``errors.store.action_<name>``) and English of what a store operation
#: does, as a failure names it ("A database error stopped saving “Plant A”").
_ACTIONS: dict[str, str] = {
    "save": "saving “{name}”",
    "load": "opening the scenario",
    "list": "listing the scenarios",
    "trash": "listing the trash",
    "rename": "renaming the scenario",
    "duplicate": "duplicating the scenario",
    "delete": "deleting the scenario",
    "restore": "restoring the scenario",
    "purge": "deleting the scenario for good",
    "export": "exporting the scenarios",
    "import": "importing the scenarios",
}


def _action(operation: str, /, **values: Any) -> Message:
    """What an operation does, as a message (``errors.store.action_<name>``)."""
    return Message(f"errors.store.action_{operation}", _ACTIONS[operation].format(**values),
                   values)


def _in_trash(row: Row) -> StoreError:
    """The scenario of ``row`` is in the trash: restore it first (when it was deleted is
    told if that can be read)."""
    deleted, _ = read_time(row.deleted_at, required=False)
    if deleted is None:
        return StoreError(Message.of(
            "errors.store.in_trash_undated",
            "The scenario {name} is in the trash; restore it first.", name=row_label(row)),
            field="id")
    return StoreError(Message.of(
        "errors.store.in_trash",
        "The scenario {name} is in the trash (deleted {deleted}); restore it first.",
        name=row_label(row), deleted=deleted.strftime("%Y-%m-%d %H:%M UTC")), field="id")


def _named(saved: SavedScenario, unnamed: str) -> SavedScenario:
    """``saved`` under a name an import accepts: its own, else the one in its scenario
    document, else ``unnamed`` (its stored name cannot be read)."""
    if saved.name:
        return saved
    name = readable_name(saved.scenario.get("name")) or unnamed
    return replace(saved, name=name)


def _created_repair(row: Row, now: str) -> dict[str, str]:
    """``created_at`` for an update of ``row`` whose creation time cannot be read: its
    last save time if that can be read, else ``now``; nothing for a sound row."""
    if read_time(row.created_at, required=True)[1]:
        return {}
    updated_sound = read_time(row.updated_at, required=True)[1]
    return {"created_at": row.updated_at if updated_sound else now}


def _newest_first(items: list[_Item], when: Callable[[_Item], datetime | None],
                  key: Callable[[_Item], str]) -> list[_Item]:
    """``items`` most recent first by ``when``, those whose time cannot be read (None)
    last, then by ``key`` (the id).

    Sorted here rather than by the database: a time damaged in the database may be any
    text (SQLite keeps any value in any column), and text such as ``garbage`` or
    ``2026-13-45…`` sorts before every real time in a descending SQL order, on SQLite and
    on PostgreSQL alike; only reading each time tells a real one.
    """
    ordered = sorted(items, key=key)
    ordered.sort(key=lambda item: when(item) or _NEVER, reverse=True)  # stable
    ordered.sort(key=lambda item: when(item) is None)
    return ordered


def _rows_newest_first(rows: Sequence[Row]) -> list[Row]:
    """Rows of :data:`FULL_COLUMNS` most recently saved first (see :func:`_newest_first`)."""
    return _newest_first(list(rows), lambda row: read_time(row.updated_at, required=True)[0],
                         lambda row: read_id(row.id)[0])


#: What a workspace may be: the app passes a hash of the browser's token (hex), never the
#: token itself.
_WORKSPACE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _checked_workspace(workspace: str | None) -> str | None:
    if workspace is None:
        return None
    if not isinstance(workspace, str) or not _WORKSPACE.fullmatch(workspace):
        raise ValueError("a workspace is 1-64 letters, digits or _.:- (or None)")
    return workspace


def _confine_items(items: list, root: Path) -> None:
    """Refuse imported scenarios that name a file outside ``root`` (see import_json)."""
    from pvplanner.guard.paths import confine_document

    for index, item in enumerate(items):
        refused = confine_document(item.scenario, root)
        if refused:
            where = f"scenarios[{index}]"
            raise StoreError(Message.of(
                "errors.store.outside_files",
                "{where} ({name}) names a file that is not among your uploaded files "
                "({fields}); nothing was imported. Remove the file from the scenario, or "
                "upload the file and choose it on its page.", where=item_name(where),
                name=repr(item.name), fields=comma_list([field_name(f) for f in refused])),
                field=f"{where}.scenario.{refused[0]}")


class ScenarioStore:
    """Saved scenarios in one database.

    Parameters
    ----------
    url : str, optional
        A SQLAlchemy URL (``sqlite:///path.sqlite``, ``sqlite://`` in memory,
        ``postgresql://user@host/db``...) or a plain file path (a SQLite file). Default:
        ``$PVPLANNER_STORE_URL``, else ``~/.local/share/pvplanner/scenarios.sqlite`` (its
        folder is created). An in-memory store lives as long as this object and must be used
        from one thread at a time.
    workspace : str, optional
        Act only on the rows of this workspace (1-64 letters, digits or ``_.:-``): every
        operation lists, loads, changes, exports and imports that workspace's scenarios,
        and an id of another workspace is not found. ``None`` (default): the operator's
        rows, saved without a workspace. :meth:`in_workspace` gives another workspace's
        view of an open store.

    Raises
    ------
    StoreError
        Bad URL, unreachable database, a database that is not a pvplanner store or whose
        layout is newer than this pvplanner.

    Notes
    -----
    A SQLite file whose file or folder this process may not write is opened read-only
    (:attr:`read_only`): listing, loading and exporting work, every change raises
    :class:`StoreError`.
    """

    def __init__(self, url: str | None = None, *, workspace: str | None = None) -> None:
        #: The workspace whose rows this store acts on (None: the operator's rows).
        self.workspace = _checked_workspace(workspace)
        self._url = resolve_url(url)
        #: The store's URL with any password masked (for messages and logs).
        self.url = self._url.render_as_string(hide_password=True)
        read_only = read_only_sqlite(self._url)
        #: True for a SQLite store this process may read but not write.
        self.read_only = read_only is not None
        self._engine = make_engine(read_only or self._url)
        self._write_engine = self._engine.execution_options(**{WRITE_OPTION: True})
        try:
            try:
                ensure_schema(self._engine, self._write_engine, self.url,
                              read_only=self.read_only)
            except SQLAlchemyError as exc:
                detail = getattr(exc, "orig", None) or exc
                raise StoreSetupError(Message.of(
                    "errors.store.open_failed",
                    "Cannot open the store {store}: {detail}. Check that the store URL points "
                    "to a reachable pvplanner store and that the disk is not full.",
                    store=self.url, detail=" ".join(str(detail).split())[:300])) from exc
        except BaseException:
            self._engine.dispose()
            raise

    # ----------------------------------------------------------------- plumbing
    def __repr__(self) -> str:
        return f"ScenarioStore({self.url!r})"

    def in_workspace(self, workspace: str | None) -> ScenarioStore:
        """This store's database seen from another workspace (``None``: the operator's
        rows): a new object sharing this one's connections (closing either closes both)."""
        view = object.__new__(ScenarioStore)
        view.__dict__.update(self.__dict__)
        view.workspace = _checked_workspace(workspace)
        return view

    def _mine(self):
        """The SQL condition of this store's rows (its workspace's, or the operator's)."""
        if self.workspace is None:
            return _T.c.workspace.is_(None)
        return _T.c.workspace == self.workspace

    def __enter__(self) -> ScenarioStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections (an in-memory store is gone afterwards)."""
        self._engine.dispose()

    @contextmanager
    def _errors(self, action: Message) -> Iterator[None]:
        """A database failure during ``action`` as a :class:`StoreError` a user may read:
        what could not be done, in their language; the database's own words (and the
        store's URL) stay in the chained exception, for the log."""
        try:
            yield
        except SQLAlchemyError as exc:
            raise StoreError(Message.of(
                "errors.store.database",
                "A database error stopped {action}; nothing was changed. Check that the store "
                "is reachable and the disk is not full, then try again.", action=action)
            ) from exc

    @contextmanager
    def _read(self, action: Message) -> Iterator[Connection]:
        with self._errors(action), self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self, action: Message) -> Iterator[Connection]:
        """One write transaction: committed at the end, rolled back on any exception."""
        if self.read_only:
            raise StoreError(Message.of(
                "errors.store.read_only",
                "The store is read-only (this program may not write its file or folder), so "
                "{action} is not possible. Its scenarios can be listed, opened and exported; "
                "to save, make the file and its folder writable or use another store.",
                action=action))
        with self._errors(action), self._write_engine.begin() as conn:
            yield conn

    def _row(self, conn: Connection, scenario_id: Any, *, include_deleted: bool) -> Row:
        """The row of a scenario, or :class:`StoreError` (named by its name, never by its
        id: the id is the caller's, the reader knows the name)."""
        if not isinstance(scenario_id, str) or not scenario_id:
            raise StoreError(Message.of("errors.store.id_invalid",
                                        "A scenario id must be non-empty text."), field="id")
        row = conn.execute(
            select(*FULL_COLUMNS).where(_T.c.id == scenario_id, self._mine())).first()
        if row is None:
            raise StoreError(Message.of(
                "errors.store.not_found",
                "This scenario is not in the store (it may have been deleted for good "
                "elsewhere); choose one from the list of saved scenarios."), field="id")
        if row.deleted_at is not None and not include_deleted:
            raise _in_trash(row)
        return row

    def _live_names(self, conn: Connection) -> set[str]:
        return set(conn.execute(select(_T.c.name).where(
            _T.c.deleted_at.is_(None), self._mine())).scalars())

    def _insert(self, conn: Connection, name: str, columns: dict[str, Any]) -> str:
        scenario_id = uuid.uuid4().hex
        now = format_timestamp(utc_now())
        conn.execute(
            insert(_T).values(
                id=scenario_id, name=name, created_at=now, updated_at=now, revision=1,
                workspace=self.workspace, **columns
            )
        )
        return scenario_id

    def _get(self, conn: Connection, scenario_id: str) -> SavedScenario:
        return row_to_saved(self._row(conn, scenario_id, include_deleted=True))

    # ----------------------------------------------------------------- operations
    def save(
        self,
        name: str,
        scenario: dict[str, Any],
        result: dict[str, Any] | None = None,
        *,
        scenario_id: str | None = None,
        expected_revision: int | None = None,
    ) -> SavedScenario:
        """Save a new scenario, or a new revision of a saved one.

        Parameters
        ----------
        name : str
            1-200 characters (stripped).
        scenario : dict
            The scenario document (JSON values only: NaN/inf are refused).
        result : dict, optional
            The result of this scenario. An update replaces the stored result, so saving a
            changed scenario without a result drops the result of the old one.
        scenario_id : str, optional
            None: insert a new scenario. Otherwise update this (live) scenario.
        expected_revision : int, optional
            With ``scenario_id``: the revision the caller loaded. If the store holds another
            revision, nothing is written and :class:`StoreConflictError` is raised. Without
            it the update overwrites whatever is stored (last writer wins).

        Returns
        -------
        SavedScenario
            As stored (revision 1 for a new scenario, previous revision + 1 for an update).
        """
        name = validate_name(name)
        columns = document_columns(scenario, result)
        if scenario_id is None:
            if expected_revision is not None:
                raise StoreError(Message.of(
                    "errors.store.revision_without_id",
                    "expected_revision was given without scenario_id: a new scenario has no "
                    "revision yet; pass scenario_id to update a saved scenario."),
                    field="expected_revision")
            with self._write(_action("save", name=name)) as conn:
                return self._get(conn, self._insert(conn, name, columns))
        if expected_revision is not None and (
            isinstance(expected_revision, bool) or not isinstance(expected_revision, int)
        ):
            raise StoreError(Message.of(
                "errors.store.revision_type", "expected_revision must be an integer, got "
                "{value}.", value=repr(expected_revision)[:80]), field="expected_revision")
        with self._write(_action("save", name=name)) as conn:
            return self._bump_revision(
                conn, scenario_id, expected_revision, name=name, **columns
            )

    def load(self, scenario_id: str, *, include_deleted: bool = False) -> SavedScenario:
        """The saved scenario with this id (a scenario in the trash only with
        ``include_deleted=True``); unknown id -> :class:`StoreError`."""
        with self._read(_action("load")) as conn:
            return row_to_saved(self._row(conn, scenario_id, include_deleted=include_deleted))

    def list(self, search: str | None = None) -> list[ScenarioSummary]:
        """Live scenarios, most recently updated first.

        A row damaged in the database (an unreadable time, revision, name or figure) is
        listed with what can be read and names the rest in its ``damaged``; it never
        stops the others from being listed.

        Parameters
        ----------
        search : str, optional
            Keep names containing this text (case-insensitive, any language).
        """
        with self._read(_action("list")) as conn:
            rows = conn.execute(
                select(*SUMMARY_COLUMNS).where(_T.c.deleted_at.is_(None), self._mine())).all()
        summaries = _newest_first([row_to_summary(row) for row in rows],
                                  lambda item: item.updated, lambda item: item.id)
        needle = (search or "").strip().casefold()
        # Filtered here rather than with SQL LIKE: SQLite's lower() only folds ASCII.
        return [item for item in summaries if needle in item.name.casefold()]

    def trash(self) -> builtins.list[ScenarioSummary]:
        """Scenarios in the trash, most recently deleted first (damaged rows as in
        :meth:`list`)."""
        with self._read(_action("trash")) as conn:
            rows = conn.execute(
                select(*SUMMARY_COLUMNS).where(_T.c.deleted_at.is_not(None),
                                               self._mine())).all()
        return _newest_first([row_to_summary(row) for row in rows],
                             lambda item: item.deleted, lambda item: item.id)

    def rename(
        self, scenario_id: str, new_name: str, *, expected_revision: int | None = None
    ) -> SavedScenario:
        """Rename a live scenario (a new revision, so concurrent editors notice)."""
        new_name = validate_name(new_name)
        with self._write(_action("rename")) as conn:
            return self._bump_revision(conn, scenario_id, expected_revision, name=new_name)

    def _bump_revision(
        self, conn, scenario_id: str, expected_revision: int | None, **values
    ) -> SavedScenario:
        """Update a live scenario to a new revision; a stale revision is a conflict.

        The revision condition in the UPDATE makes it safe on databases where the read does
        not lock the row (PostgreSQL under READ COMMITTED). A row damaged in the database
        is repaired as far as the update can: a revision that cannot be read is checked
        against nothing and starts again at 1, and a creation time that cannot be read
        becomes the earliest time the store knows the scenario existed (its last readable
        save, else now).
        """
        row = self._row(conn, scenario_id, include_deleted=False)
        stored, readable = read_revision(row.revision)
        if expected_revision is not None and readable and stored != expected_revision:
            raise StoreConflictError(scenario_id, read_name(row.name)[0], expected_revision,
                                     stored or 0)
        now = format_timestamp(utc_now())
        done = conn.execute(
            update(_T)
            .where(_T.c.id == scenario_id, _T.c.revision == row.revision, self._mine())
            .values(updated_at=now, revision=(stored or 0) + 1, **_created_repair(row, now),
                    **values)
        ).rowcount
        if done != 1:
            again = self._row(conn, scenario_id, include_deleted=True)
            raise StoreConflictError(scenario_id, read_name(again.name)[0], stored or 0,
                                     read_revision(again.revision)[0] or 0)
        return self._get(conn, scenario_id)

    def duplicate(self, scenario_id: str, new_name: str | None = None, *,
                  copy_word: str = "copy") -> SavedScenario:
        """A new scenario with the same documents (revision 1).

        Without ``new_name`` the copy is named ``"<name> (copy)"``, ``"<name> (copy 2)"``...,
        the first one free among live scenarios; ``copy_word`` is that word in the reader's
        language (the app passes 副本 to a Chinese reader). A scenario whose name cannot be
        read is copied under the name in its scenario document (else ``copy_word``).

        The copy's summary figures are taken from the documents again, so a copy of a row
        damaged in the database is sound: a result that cannot be read is not copied (the
        copy has none); a scenario whose inputs cannot be read is not copied
        (:class:`StoreError` naming it).
        """
        if new_name is not None:
            new_name = validate_name(new_name, field="new_name")
        with self._write(_action("duplicate")) as conn:
            saved = row_to_saved(self._row(conn, scenario_id, include_deleted=False))
            if new_name is None:
                base = _named(saved, copy_word).name
                new_name = free_name(base, self._live_names(conn), copy_word, always=True)
            columns = document_columns(saved.scenario, saved.result)
            return self._get(conn, self._insert(conn, new_name, columns))

    def delete(self, scenario_id: str) -> None:
        """Move a scenario to the trash (recoverable with :meth:`restore`); no-op if it is
        already there."""
        with self._write(_action("delete")) as conn:
            row = self._row(conn, scenario_id, include_deleted=True)
            if row.deleted_at is None:
                conn.execute(
                    update(_T)
                    .where(_T.c.id == scenario_id, self._mine())
                    .values(deleted_at=format_timestamp(utc_now()))
                )

    def restore(self, scenario_id: str) -> SavedScenario | ScenarioSummary:
        """Bring a scenario back from the trash (no-op for a live one).

        Returns
        -------
        SavedScenario or ScenarioSummary
            The scenario as stored. A scenario whose inputs cannot be read (damaged in
            the database) is restored all the same, as it was before it was deleted, and
            comes back as its list line, which names the damage in ``damaged``: it is
            listed again, :meth:`load` refuses it with a message naming it, and it can be
            deleted again.
        """
        with self._write(_action("restore")) as conn:
            self._row(conn, scenario_id, include_deleted=True)
            conn.execute(update(_T).where(_T.c.id == scenario_id, self._mine())
                         .values(deleted_at=None))
            row = self._row(conn, scenario_id, include_deleted=True)
        try:
            return row_to_saved(row)
        except StoreError:
            return row_to_summary(row, documents=True)

    def purge(self, scenario_id: str) -> None:
        """Delete a scenario for good. Only scenarios already in the trash can be purged."""
        with self._write(_action("purge")) as conn:
            row = self._row(conn, scenario_id, include_deleted=True)
            if row.deleted_at is None:
                raise StoreError(Message.of(
                    "errors.store.not_in_trash",
                    "The scenario {name} is not in the trash; delete it first, then delete "
                    "it for good.", name=row_label(row)), field="id")
            conn.execute(delete(_T).where(_T.c.id == scenario_id, self._mine()))

    def export_json(self, ids: builtins.list[str] | None = None, *,
                    skip_damaged: bool = False, unnamed: str = "Unnamed scenario") -> str:
        """The export envelope (format ``pvplanner-scenarios``, version 1; see
        :mod:`pvplanner.store.codec`) of the given live scenarios, or of all of them
        (most recently updated first).

        Parameters
        ----------
        ids : list of str, optional
            The scenarios to export; None: every live scenario.
        skip_damaged : bool
            Leave out the scenarios whose stored inputs (scenario document) cannot be read
            (they stay in the store as they are) instead of refusing the whole export;
            :meth:`damaged` names them. Default: such a scenario raises
            :class:`StoreError`.
        unnamed : str
            The name given in the export to a scenario whose stored name cannot be read
            and whose scenario document names none, in the reader's language (an import
            needs a name). Other damage (a time, a revision, the result) does not stop a
            scenario from being exported: what cannot be read is exported as null.

        Returns
        -------
        str
            The envelope as indented JSON text.
        """
        unnamed = validate_name(unnamed, field="unnamed")
        with self._read(_action("export")) as conn:
            if ids is None:
                rows = self._live_rows(conn)
            else:
                if isinstance(ids, str):
                    ids = [ids]
                rows = [self._row(conn, item, include_deleted=False) for item in ids]
        return self._envelope(rows, unnamed, skip_damaged=skip_damaged)

    def export_checked(self, *, unnamed: str = "Unnamed scenario"
                       ) -> tuple[str, builtins.list[ScenarioSummary]]:
        """Every live scenario exported, and the damage its documents were found with, in
        one reading of the store (the app shows both on every run).

        Parameters
        ----------
        unnamed : str
            As in :meth:`export_json`.

        Returns
        -------
        text : str
            ``export_json(skip_damaged=True, unnamed=unnamed)``.
        damaged : list of ScenarioSummary
            :meth:`damaged`: the scenarios whose inputs cannot be read (left out of the
            export: ``"scenario"`` in their ``damaged``) or whose result cannot be read
            (exported without it: ``"result"``).
        """
        unnamed = validate_name(unnamed, field="unnamed")
        with self._read(_action("export")) as conn:
            rows = self._live_rows(conn)
        damaged = [row_to_summary(row, documents=True) for row in rows
                   if document_damage(row)]
        return self._envelope(rows, unnamed, skip_damaged=True), damaged

    def damaged(self) -> builtins.list[ScenarioSummary]:
        """Live scenarios whose stored documents cannot be read back (changed in the
        database by hand, a disk fault), most recently updated first; they stay in the
        store. Their ``damaged`` names every part that cannot be read, documents included:

        * ``"scenario"`` (their inputs): :meth:`load` and :meth:`export_json` refuse them
          with a message naming them, and ``export_json(skip_damaged=True)`` leaves out
          exactly these;
        * ``"result"`` only: a damaged detail; they load, copy and export without their
          result, and saving them with a fresh result repairs them.
        """
        with self._read(_action("list")) as conn:
            rows = self._live_rows(conn)
        return [row_to_summary(row, documents=True) for row in rows if document_damage(row)]

    def _live_rows(self, conn: Connection) -> builtins.list[Row]:
        """Every live row of this store's workspace (:data:`FULL_COLUMNS`), most recently
        updated first."""
        return _rows_newest_first(conn.execute(
            select(*FULL_COLUMNS).where(_T.c.deleted_at.is_(None), self._mine())).all())

    @staticmethod
    def _envelope(rows: Sequence[Row], unnamed: str, *, skip_damaged: bool) -> str:
        """The export envelope of ``rows`` (see :meth:`export_json`)."""
        saved = []
        for row in rows:
            try:
                saved.append(_named(row_to_saved(row), unnamed))
            except StoreError:
                if not skip_damaged:
                    raise
        return build_envelope(saved)

    def import_json(self, text: str | bytes, *, files_root: Path | None = None,
                    imported_word: str = "imported") -> builtins.list[SavedScenario]:
        """Add the scenarios of an export envelope as new scenarios (new ids, revision 1).

        A name already used by a live scenario (or earlier in the same file) becomes
        ``"<name> (imported)"``, ``"<name> (imported 2)"``... Either every scenario of the
        file is imported or none is.

        Parameters
        ----------
        text : str or bytes
            The export envelope (:mod:`pvplanner.store.codec`).
        files_root : Path, optional
            Confine the file fields of the scenarios (weather file, meter file, template
            file) to this folder (:func:`pvplanner.guard.paths.confine_document`): the app passes
            the user's upload folder. A scenario naming a file outside it is refused.
            ``None`` (the operator's own use) accepts any path.
        imported_word : str
            The word marking a renamed import, in the reader's language.

        Raises
        ------
        StoreError
            Not JSON, not a pvplanner export, a newer export version, a bad item, or with
            ``files_root`` a file outside it (the message and ``field`` name it:
            ``scenarios[3].name``, ``scenarios[0].scenario.load.meter_file``).
        """
        items = parse_envelope(text)
        if files_root is not None:
            _confine_items(items, files_root)
        prepared = []
        for index, item in enumerate(items):
            try:
                prepared.append((item.name, document_columns(item.scenario, item.result)))
            except StoreError as exc:
                where = f"scenarios[{index}]"
                raise StoreError(Message.of(
                    "errors.store.item_problem", "{where} ({name}): {problem}",
                    where=item_name(where), name=repr(item.name),
                    problem=exc.message), field=where) from None
        with self._write(_action("import")) as conn:
            taken = self._live_names(conn)
            new_ids = []
            for name, columns in prepared:
                name = free_name(name, taken, imported_word, always=False)
                taken.add(name)
                new_ids.append(self._insert(conn, name, columns))
            return [self._get(conn, scenario_id) for scenario_id in new_ids]
