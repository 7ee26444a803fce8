"""Store schema versions: a hand-made version-1 database is migrated in place on open.

Every test runs on a SQLite file and on a fresh database of a real PostgreSQL server
(``store_url`` in conftest.py).
"""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import create_engine, inspect, text

import pvplanner.store.database as schema
from pvplanner.store.repository import STORE_SCHEMA_VERSION, ScenarioStore, StoreError

# The version-1 layout, written out independently of pvplanner.store.database.
_V1_SQL = """
CREATE TABLE meta (key VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE scenarios (
    id VARCHAR(32) NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    scenario_json TEXT NOT NULL,
    result_json TEXT,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    deleted_at VARCHAR(32)
);
INSERT INTO meta (key, value) VALUES ('schema_version', '1');
"""

_RESULT = {
    "currency": "CNY",
    "pv": {"capacity_kwp": 812.5},
    "finance": {"npv": -1500.25},
    "carbon": {"avoided_tco2_year1": 655.0},
}
_ROWS = [
    # id, name, scenario, result, created, updated, deleted
    (
        "a" * 32,
        "嘉兴纺织 旧方案",
        {"schema_version": 1, "site": {"latitude": 30.75}},
        _RESULT,
        "2025-01-02T03:04:05.000006Z",
        "2025-02-01T00:00:00.000000Z",
        None,
    ),
    (
        "b" * 32,
        "No result yet",
        {"site": {"latitude": 22.5}},
        None,
        "2025-01-01T00:00:00.000000Z",
        "2025-03-01T00:00:00.000000Z",
        None,
    ),
    (
        "c" * 32,
        "Deleted in v1",
        {"schema_version": "0.9"},
        {"pv": {"capacity_kwp": 10}},
        "2024-12-01T00:00:00.000000Z",
        "2024-12-02T00:00:00.000000Z",
        "2024-12-03T00:00:00.000000Z",
    ),
]


def _execute(url: str, *statements: str) -> None:
    """Run SQL statements in one transaction, straight on the database at ``url``."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _make_v1(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in _V1_SQL.split(";"):
                if statement.strip():
                    conn.execute(text(statement))
            for row_id, name, scenario, result, created, updated, deleted in _ROWS:
                conn.execute(
                    text("INSERT INTO scenarios VALUES (:id, :name, :s, :r, :c, :u, :d)"),
                    {
                        "id": row_id,
                        "name": name,
                        "s": json.dumps(scenario, ensure_ascii=False),
                        "r": None if result is None else json.dumps(result),
                        "c": created,
                        "u": updated,
                        "d": deleted,
                    },
                )
    finally:
        engine.dispose()


def _columns(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return [column["name"] for column in inspect(engine).get_columns("scenarios")]
    finally:
        engine.dispose()


def _index_names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return [index["name"] for index in inspect(engine).get_indexes("scenarios")]
    finally:
        engine.dispose()


def _version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar_one()
    finally:
        engine.dispose()


def test_v1_store_is_migrated_in_place_and_keeps_every_scenario(store_url):
    path = store_url
    _make_v1(path)
    assert "revision" not in _columns(path)
    with ScenarioStore(str(path)) as store:
        # Version 3 (workspaces) since the app gave each browser its own scenarios.
        assert _version(path) == str(STORE_SCHEMA_VERSION) == "3"
        assert {"revision", "schema_version", "capacity_kwp", "npv", "currency"} <= set(
            _columns(path)
        )
        lines = store.list()
        assert [line.name for line in lines] == ["No result yet", "嘉兴纺织 旧方案"]
        migrated = lines[1]
        # Summary columns filled from the v1 JSON (exact values from _RESULT).
        assert (migrated.capacity_kwp, migrated.npv, migrated.avoided_tco2_year1) == (
            812.5,
            -1500.25,
            655.0,
        )
        assert migrated.currency == "CNY" and migrated.revision == 1
        assert lines[0].capacity_kwp is None and not lines[0].has_result
        loaded = store.load("a" * 32)
        assert loaded.scenario == _ROWS[0][2] and loaded.result == _RESULT
        assert loaded.schema_version == "1"
        assert loaded.created.isoformat() == "2025-01-02T03:04:05.000006+00:00"
        # The v1 trash is still the trash, with the scenario's version filled in too.
        (trashed,) = store.trash()
        assert (trashed.id, trashed.capacity_kwp) == ("c" * 32, 10.0)
        assert store.load("c" * 32, include_deleted=True).schema_version == "0.9"
        # Revisions work on migrated rows.
        updated = store.save("嘉兴纺织 新方案", {"v": 2}, scenario_id="a" * 32, expected_revision=1)
        assert updated.revision == 2
    assert "ix_scenarios_updated_at" in _index_names(path)


def test_reopening_a_current_store_changes_nothing(store_url):
    path = store_url
    with ScenarioStore(str(path)) as store:
        saved = store.save("A", {"x": 1})
    with ScenarioStore(str(path)) as store:
        assert store.load(saved.id) == saved
    assert _version(path) == "3"  # schema 3: workspaces


def test_failed_migration_leaves_the_v1_store_untouched(store_url, monkeypatch):
    path = store_url
    _make_v1(path)
    before = _columns(path)
    real = schema.MIGRATIONS[1]

    def half_then_crash(conn):
        real(conn)  # all the ALTER TABLEs and UPDATEs ran...
        raise RuntimeError("power cut")  # ...but the transaction never commits

    monkeypatch.setitem(schema.MIGRATIONS, 1, half_then_crash)
    with pytest.raises(RuntimeError, match="power cut"):
        ScenarioStore(str(path))
    assert _columns(path) == before and _version(path) == "1"
    monkeypatch.setitem(schema.MIGRATIONS, 1, real)
    with ScenarioStore(str(path)) as store:  # a later open succeeds
        assert len(store.list()) == 2


def test_newer_store_is_refused_with_upgrade_advice(store_url):
    path = store_url
    _make_v1(path)
    _execute(path, "UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="version 9.*upgrade pvplanner"):
        ScenarioStore(str(path))
    assert _version(path) == "9" and "revision" not in _columns(path)


def test_foreign_database_is_refused(store_url):
    path = store_url
    _execute(path, "CREATE TABLE scenarios (x INTEGER)")
    with pytest.raises(StoreError, match="not a pvplanner"):
        ScenarioStore(str(path))


def test_unreadable_version_is_refused(store_url):
    path = store_url
    _make_v1(path)
    _execute(path, "UPDATE meta SET value = 'two' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="'two'"):
        ScenarioStore(str(path))


def _open_at_once(url: str, count: int) -> list[str]:
    """Open the store at ``url`` from ``count`` threads released together (each with its
    own engine and connections); returns the errors."""
    start = threading.Barrier(count)
    errors: list[str] = []

    def open_store() -> None:
        start.wait()
        try:
            ScenarioStore(url).close()
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=open_store) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


def test_openers_migrating_a_v1_store_at_once_all_succeed(store_url):
    # On PostgreSQL, without a lock, the second ALTER TABLE failed with "column already exists".
    _make_v1(store_url)
    assert _open_at_once(store_url, 4) == []
    assert _version(store_url) == "3"  # schema 3: workspaces
    assert _columns(store_url).count("revision") == 1
    with ScenarioStore(store_url) as store:
        assert len(store.list()) == 2 and store.load("a" * 32).revision == 1


def test_openers_creating_a_new_store_at_once_all_succeed(store_url):
    # On PostgreSQL, without a lock, all but one failed in CREATE TABLE (duplicate pg_type).
    assert _open_at_once(store_url, 4) == []
    assert _version(store_url) == "3"  # schema 3: workspaces
    with ScenarioStore(store_url) as store:
        assert store.save("A", {}).revision == 1 and len(store.list()) == 1
