"""Database side of the scenario store: URL, engine, tables, schema version and migrations.

Schema history (the number lives in ``meta.schema_version``):

1. First prototype: ``scenarios(id, name, scenario_json, result_json, created_at,
   updated_at, deleted_at)``. No revisions, no summary columns.
2. Adds ``revision`` (optimistic concurrency), ``schema_version`` (the scenario document's
   own version) and the summary columns ``capacity_kwp``, ``npv``, ``avoided_tco2_year1``,
   ``currency`` (filled from the stored JSON), plus an index on ``updated_at``.
3. Adds ``workspace`` (the app's per-browser workspace a row belongs to, a hash of its
   token; indexed). Rows saved before have none (NULL): they are the operator's rows, which
   the command line and the Python API without a workspace see, and no app session does.

Table rows become the records of :mod:`pvplanner.store.records` in
:mod:`pvplanner.store.rows`.

Opening an older store migrates it in place inside one write transaction: a failure leaves
it at its old version. A store newer than :data:`STORE_SCHEMA_VERSION` is refused.

SQLite is opened in WAL mode (readers never block the writer), with ``synchronous=FULL``
(a committed save survives a power cut) and a busy timeout so that concurrent writers wait
for each other instead of failing. Write transactions start with ``BEGIN IMMEDIATE`` so that
a writer takes the write lock before it reads: a read-then-write transaction can then never
fail half-way because another process wrote in between.

A SQLite store whose file or folder this process may not write (a shared read-only copy, a
folder mounted read-only) is opened read-only (:func:`read_only_sqlite`): its scenarios can
be listed, loaded and exported; writing raises a :class:`StoreError` that says so.

On PostgreSQL, creating or migrating the tables happens under a transaction-scoped advisory
lock (:data:`SCHEMA_LOCK_KEY`): without it, processes opening a new store at the same moment
collide in ``CREATE TABLE`` (duplicate ``pg_type`` entry) and concurrent migrations in
``ALTER TABLE ... ADD COLUMN`` (column already exists).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateColumn

from pvplanner.messages import Message
from pvplanner.store.codec import loads_strict, scenario_schema_version, summary_fields
from pvplanner.store.records import StoreSetupError

#: Layout version this pvplanner writes (see the module docstring).
STORE_SCHEMA_VERSION = 3

#: How long a writer waits for another writer's lock before giving up [s].
BUSY_TIMEOUT_S = 30.0

#: PostgreSQL advisory lock key held while the store's tables are created or migrated (an
#: arbitrary 64-bit constant; advisory locks are scoped to one database).
SCHEMA_LOCK_KEY = 0x7076_706C_616E_0001

#: Execution option marking the engine whose transactions start with BEGIN IMMEDIATE.
WRITE_OPTION = "pvplanner_write"

metadata = MetaData()

meta_table = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

scenarios_table = Table(
    "scenarios",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("scenario_json", Text, nullable=False),
    Column("result_json", Text, nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("deleted_at", String(32), nullable=True),
    # --- added in schema version 2 ---
    Column("revision", Integer, nullable=False, server_default="1"),
    Column("schema_version", String(64), nullable=True),
    Column("capacity_kwp", Float, nullable=True),
    Column("npv", Float, nullable=True),
    Column("avoided_tco2_year1", Float, nullable=True),
    Column("currency", String(8), nullable=True),
    Index("ix_scenarios_updated_at", "updated_at"),
    # --- added in schema version 3 ---
    Column("workspace", String(64), nullable=True),
    Index("ix_scenarios_workspace", "workspace"),
)

_V2_COLUMNS = (
    "revision",
    "schema_version",
    "capacity_kwp",
    "npv",
    "avoided_tco2_year1",
    "currency",
)


def default_url() -> str:
    """``$PVPLANNER_STORE_URL``, else a SQLite file in the user's data folder
    (``$XDG_DATA_HOME`` or ``~/.local/share``, then ``pvplanner/scenarios.sqlite``)."""
    env = os.environ.get("PVPLANNER_STORE_URL", "").strip()
    if env:
        return env
    data_home = os.environ.get("XDG_DATA_HOME", "").strip()
    folder = Path(data_home) if data_home else Path.home() / ".local" / "share"
    return f"sqlite:///{folder / 'pvplanner' / 'scenarios.sqlite'}"


def is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and (
        url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
    )


def resolve_url(url: str | None) -> URL:
    """The SQLAlchemy URL of the store; a plain file path means a SQLite file.

    ``~`` in a SQLite path is expanded and the file's folder is created. A ``postgresql://``
    URL without a driver uses psycopg (version 3, the driver the tests use) when psycopg2,
    SQLAlchemy's default, is not installed.
    """
    text = (default_url() if url is None else str(url)).strip()
    if not text:
        raise StoreSetupError(Message.of(
            "errors.store.url_empty",
            "The store URL is empty; give a SQLAlchemy URL or a file path."))
    if "://" not in text:
        text = f"sqlite:///{Path(text).expanduser().absolute()}"
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise StoreSetupError(Message.of(
            "errors.store.url_invalid",
            "{url} is not a database URL ({detail}); use e.g. sqlite:///path/scenarios.sqlite "
            "or postgresql://user@host/db.", url=repr(_masked(text)), detail=_detail(exc))
        ) from None
    if parsed.drivername == "postgresql" and _installed("psycopg") and not _installed("psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and not is_memory_sqlite(parsed):
        if parsed.query.get("uri") or str(parsed.database).startswith("file:"):
            return parsed  # an SQLite URI: the caller manages the path
        path = Path(str(parsed.database)).expanduser()  # not None: not in memory
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreSetupError(Message.of(
                "errors.store.folder", "Cannot create the store folder {folder}: {detail}.",
                folder=str(path.parent), detail=_detail(exc))) from None
        parsed = parsed.set(database=str(path))
    return parsed


def read_only_sqlite(url: URL) -> URL | None:
    """The read-only URL of a SQLite file this process may not write, else ``None``.

    A store is read-only when its file exists and the file or its folder is not writable
    for this process. In WAL mode SQLite keeps a shared-memory file beside the database and
    cannot create one in such a folder, so a file without the writer's companions
    (``-wal``, ``-shm``: no process has it open for writing) is opened ``immutable``;
    with them it is opened ``mode=ro`` beside the writer.
    """
    if url.get_backend_name() != "sqlite" or is_memory_sqlite(url):
        return None
    if url.query.get("uri") or str(url.database).startswith("file:"):
        return None  # an SQLite URI: the caller chose its mode
    path = Path(str(url.database))
    if not path.is_file() or (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return None
    companions = any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    query = {"mode": "ro", "uri": "true", **({} if companions else {"immutable": "1"})}
    return url.set(database="file:" + quote(str(path), safe="/"), query=query)


def is_read_only(url: URL) -> bool:
    """Whether ``url`` opens a SQLite database read-only (see :func:`read_only_sqlite`)."""
    return url.get_backend_name() == "sqlite" and url.query.get("mode") == "ro"


def _detail(exc: BaseException) -> str:
    """The technical detail of an error for the store's operator (never its user): the
    operating system's words for an OSError, else the exception's text, one line."""
    text = getattr(exc, "strerror", None) if isinstance(exc, OSError) else None
    return " ".join(str(text or exc or type(exc).__name__).split())[:300]


def _masked(text: str) -> str:
    """A URL as text with its password masked, also in a URL SQLAlchemy cannot read
    (``postgresql://user:secret@host:port/db`` -> ``postgresql://user:***@host:port/db``)."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _pragma_waiting(cursor, sql: str):
    """Run a PRAGMA, retrying while the file is locked.

    Switching a new file to WAL needs an exclusive lock and SQLite reports "database is
    locked" at once instead of calling the busy handler, so two processes creating the
    same store at the same moment would otherwise fail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.002
    while True:
        try:
            return cursor.execute(sql).fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(2 * delay, 0.05)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # SQLAlchemy emits BEGIN itself (see _sqlite_on_begin); the driver must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        mode = _pragma_waiting(cursor, "PRAGMA journal_mode")[0]
        if mode not in ("wal", "memory"):
            _pragma_waiting(cursor, "PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _sqlite_on_connect_read_only(dbapi_connection, _record) -> None:
    # Read-only: no journal-mode switch (a write); the busy timeout waits for a writer.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


def _sqlite_on_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: URL) -> Engine:
    """An engine for ``url``; SQLite gets WAL, busy timeout and explicit BEGIN handling."""
    shown = url.render_as_string(hide_password=True)
    try:
        return _make_engine(url)
    except ArgumentError as exc:  # includes an unknown dialect name
        raise StoreSetupError(Message.of(
            "errors.store.url_unusable",
            "Cannot use the store URL {url}: {detail}. Use e.g. sqlite:///path/scenarios.sqlite "
            "or postgresql://user@host/db.", url=shown, detail=_detail(exc))) from None
    except ImportError as exc:
        raise StoreSetupError(Message.of(
            "errors.store.driver",
            "The database driver for {url} is not installed ({detail}); install it "
            "(e.g. pip install 'psycopg[binary]' for PostgreSQL).", url=shown,
            detail=_detail(exc))) from None


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    connect_args: dict = {"timeout": BUSY_TIMEOUT_S}
    kwargs: dict = {}
    if is_memory_sqlite(url):
        # One shared connection: otherwise each pooled connection is its own empty database.
        connect_args["check_same_thread"] = False
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    event.listen(engine, "connect",
                 _sqlite_on_connect_read_only if is_read_only(url) else _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def read_schema_version(conn: Connection, where: str) -> int | None:
    """The store's schema version, None for an empty database.

    Parameters
    ----------
    conn : Connection
        An open connection to the store's database.
    where : str
        The store's URL as the operator may see it (password masked), named in errors.

    Raises
    ------
    StoreSetupError
        A database that is not a pvplanner store, or whose version cannot be read.
    """
    inspector = inspect(conn)
    # 'scenarios' is looked up before 'meta': outside a lock another process may commit a new
    # store between the two lookups, and seeing its 'scenarios' without its 'meta' would look
    # like a foreign database (both appear in one commit, so this order cannot see that).
    has_scenarios = inspector.has_table("scenarios")
    if not inspector.has_table("meta"):
        if has_scenarios:
            raise StoreSetupError(Message.of(
                "errors.store.foreign",
                "The store {store} has a 'scenarios' table but no 'meta' table: it is not a "
                "pvplanner scenario store. Use another database URL.", store=where))
        return None
    value = conn.execute(
        select(meta_table.c.value).where(meta_table.c.key == "schema_version")
    ).scalar()
    try:
        return int(str(value))
    except ValueError:
        raise StoreSetupError(Message.of(
            "errors.store.schema_unreadable",
            "The store {store} has an unreadable schema version {value} in its 'meta' table.",
            store=where, value=repr(value)[:80])) from None


def _check_not_newer(version: int | None, where: str) -> None:
    if version is not None and version > STORE_SCHEMA_VERSION:
        raise StoreSetupError(Message.of(
            "errors.store.schema_newer",
            "The store {store} uses store schema version {version}, newer than version "
            "{current} that this pvplanner understands; upgrade pvplanner to open it.",
            store=where, version=version, current=STORE_SCHEMA_VERSION))


def ensure_schema(engine: Engine, write_engine: Engine, where: str, *,
                  read_only: bool = False) -> None:
    """Create an empty store, or migrate an older one, or check a current one (a read-only
    store can only be checked)."""
    with engine.connect() as conn:
        version = read_schema_version(conn, where)
    _check_not_newer(version, where)
    if version == STORE_SCHEMA_VERSION:
        return
    if read_only and version is None:
        raise StoreSetupError(Message.of(
            "errors.store.read_only_empty",
            "The store {store} is empty and is read-only (its file or folder cannot be "
            "written), so it cannot be set up; make it writable once, or use another store.",
            store=where))
    if read_only:
        raise StoreSetupError(Message.of(
            "errors.store.read_only_old",
            "The store {store} uses the older layout {version} and is read-only (its file or "
            "folder cannot be written), so it cannot be set up; make it writable once, or use "
            "another store.", store=where, version=version))
    with write_engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # SQLite's BEGIN IMMEDIATE already serializes writers; PostgreSQL needs a lock.
            conn.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        # Re-read under the write lock: another process may have done the work meanwhile.
        version = read_schema_version(conn, where)
        _check_not_newer(version, where)
        if version is None:
            metadata.create_all(conn)
            conn.execute(
                meta_table.insert().values(key="schema_version", value=str(STORE_SCHEMA_VERSION))
            )
            return
        while version < STORE_SCHEMA_VERSION:
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(
                update(meta_table)
                .where(meta_table.c.key == "schema_version")
                .values(value=str(version))
            )


def _migrate_1_to_2(conn: Connection) -> None:
    """Add the revision, scenario-version and summary columns; fill them from the JSON."""
    for name in _V2_COLUMNS:
        ddl = CreateColumn(scenarios_table.c[name]).compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE scenarios ADD COLUMN {ddl}")
    table = scenarios_table
    rows = conn.execute(select(table.c.id, table.c.scenario_json, table.c.result_json)).all()
    for row in rows:
        try:
            scenario = loads_strict(row.scenario_json)
            result = None if row.result_json is None else loads_strict(row.result_json)
        except (ValueError, TypeError):
            # Keep the row untouched (summary left empty) rather than fail the whole upgrade.
            continue
        conn.execute(
            update(table)
            .where(table.c.id == row.id)
            .values(
                schema_version=scenario_schema_version(scenario),
                **summary_fields(result if isinstance(result, dict) else None),
            )
        )
    for index in table.indexes:
        if index.name == "ix_scenarios_updated_at":  # later versions' indexes come later
            index.create(conn, checkfirst=True)


def _migrate_2_to_3(conn: Connection) -> None:
    """Add the ``workspace`` column and its index; rows saved before keep NULL (the
    operator's rows: never deleted, shown to no app session)."""
    ddl = CreateColumn(scenarios_table.c.workspace).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE scenarios ADD COLUMN {ddl}")
    for index in scenarios_table.indexes:
        if index.name == "ix_scenarios_workspace":
            index.create(conn, checkfirst=True)


#: ``MIGRATIONS[v]`` upgrades a version-``v`` store to ``v + 1`` on an open transaction.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _migrate_1_to_2, 2: _migrate_2_to_3}
