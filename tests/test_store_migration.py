"""Store schema versions: a hand-made version-1 database is migrated in place on open."""

from __future__ import annotations

import json
import sqlite3

import pytest

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


def _make_v1(path) -> None:
    db = sqlite3.connect(path)
    db.executescript(_V1_SQL)
    for row_id, name, scenario, result, created, updated, deleted in _ROWS:
        db.execute(
            "INSERT INTO scenarios VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                row_id,
                name,
                json.dumps(scenario, ensure_ascii=False),
                None if result is None else json.dumps(result),
                created,
                updated,
                deleted,
            ),
        )
    db.commit()
    db.close()


def _columns(path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [row[1] for row in db.execute("PRAGMA table_info(scenarios)")]
    finally:
        db.close()


def _version(path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    finally:
        db.close()


def test_v1_store_is_migrated_in_place_and_keeps_every_scenario(tmp_path):
    path = tmp_path / "v1.sqlite"
    _make_v1(path)
    assert "revision" not in _columns(path)
    with ScenarioStore(str(path)) as store:
        assert _version(path) == str(STORE_SCHEMA_VERSION) == "2"
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
    index_names = [row[1] for row in sqlite3.connect(path).execute("PRAGMA index_list(scenarios)")]
    assert "ix_scenarios_updated_at" in index_names


def test_reopening_a_current_store_changes_nothing(tmp_path):
    path = tmp_path / "v2.sqlite"
    with ScenarioStore(str(path)) as store:
        saved = store.save("A", {"x": 1})
    with ScenarioStore(str(path)) as store:
        assert store.load(saved.id) == saved
    assert _version(path) == "2"


def test_failed_migration_leaves_the_v1_store_untouched(tmp_path, monkeypatch):
    path = tmp_path / "v1.sqlite"
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


def test_newer_store_is_refused_with_upgrade_advice(tmp_path):
    path = tmp_path / "v9.sqlite"
    _make_v1(path)
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="version 9.*upgrade pvplanner"):
        ScenarioStore(str(path))
    assert _version(path) == "9" and "revision" not in _columns(path)


def test_foreign_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE scenarios (x INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a pvplanner"):
        ScenarioStore(str(path))


def test_unreadable_version_is_refused(tmp_path):
    path = tmp_path / "bad.sqlite"
    _make_v1(path)
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = 'two' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="'two'"):
        ScenarioStore(str(path))
