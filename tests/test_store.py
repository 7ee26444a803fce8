"""Saved scenarios: round trips, revisions, names, trash, export/import, errors, atomicity.

Tests taking the ``store`` fixture run twice: on a SQLite file and on a fresh database of a real
PostgreSQL server (``store_url`` in conftest.py; skipped locally without
``$PVPLANNER_TEST_POSTGRES_URL``, required under ``CI=true``).
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import UTC

import numpy as np
import pytest
from sqlalchemy import create_engine, text

import pvplanner.store.repository as store_module
from pvplanner.errors import PlannerInputError
from pvplanner.store.repository import (
    EXPORT_FORMAT,
    MAX_NAME_CHARS,
    ScenarioStore,
    StoreConflictError,
    StoreError,
)


def _scenario(tag: str = "A") -> dict:
    return {
        "schema_version": "1",
        "name": f"杭州印染厂 {tag}",
        "site": {"latitude": 30.27, "longitude": 120.16, "province": "浙江"},
        "roof": {"planes": [{"name": "南屋面", "tilt": 5.0, "azimuth": 180.0, "area_m2": 4200}]},
        "finance": {"discount_rate": 0.06, "flags": [True, False, None]},
    }


def _result(kwp: float = 512.4, npv: float = 1234567.8, tco2: float = 401.2) -> dict:
    return {
        "scenario": "杭州印染厂 A",
        "currency": "CNY",
        "pv": {"capacity_kwp": kwp, "annual_generation_kwh": 560000.0, "planes": []},
        "finance": {"npv": npv, "irr": 0.123, "payback_years": 5.4},
        "carbon": {"avoided_tco2_year1": tco2, "avoided_tco2_lifetime": 9000.0},
        "monthly": [{"month": m, "generation_kwh": 40000.0 + m} for m in range(1, 13)],
        "warnings": ["示例警告"],
    }


@pytest.fixture
def store(store_url):
    with ScenarioStore(store_url) as opened:
        yield opened


def _raw_row(url: str, sql: str, **params) -> tuple:
    """One row read past the store, straight from the database at ``url``."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text(sql), params).one())
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- round trips
def test_save_then_load_returns_identical_documents_and_summary(store):
    scenario, result = _scenario(), _result()
    saved = store.save("  杭州印染厂 A  ", scenario, result)
    loaded = store.load(saved.id)
    assert loaded == saved
    assert loaded.name == "杭州印染厂 A"  # stripped
    assert loaded.scenario == scenario and loaded.result == result
    assert loaded.revision == 1 and loaded.schema_version == "1" and loaded.deleted is None
    assert loaded.created == loaded.updated and loaded.created.tzinfo == UTC
    (line,) = store.list()
    assert (line.id, line.name, line.currency, line.has_result) == (
        saved.id,
        "杭州印染厂 A",
        "CNY",
        True,
    )
    # Exact: floats pass through JSON text and a REAL column unchanged.
    assert (line.capacity_kwp, line.npv, line.avoided_tco2_year1) == (512.4, 1234567.8, 401.2)


def test_returned_documents_are_copies(store):
    scenario = _scenario()
    saved = store.save("A", scenario)
    scenario["site"]["latitude"] = -1.0
    saved.scenario["site"]["latitude"] = -2.0
    assert store.load(saved.id).scenario["site"]["latitude"] == 30.27


def test_chinese_text_is_stored_readable_not_escaped(store, store_url):
    saved = store.save("浙江 · 绍兴柯桥", _scenario())
    raw = _raw_row(
        store_url, "SELECT name, scenario_json FROM scenarios WHERE id = :id", id=saved.id
    )
    assert raw[0] == "浙江 · 绍兴柯桥"
    assert "南屋面" in raw[1] and "\\u" not in raw[1]
    assert store.load(saved.id).name == "浙江 · 绍兴柯桥"


def test_sqlite_file_is_in_wal_mode(tmp_path):
    with ScenarioStore(str(tmp_path / "scenarios.sqlite")) as store:
        store.save("A", {})
    mode = sqlite3.connect(tmp_path / "scenarios.sqlite").execute("PRAGMA journal_mode")
    assert mode.fetchone()[0] == "wal"


def test_in_memory_store_keeps_data_between_calls():
    with ScenarioStore("sqlite://") as memory:
        saved = memory.save("A", {"x": 1})
        assert memory.load(saved.id).scenario == {"x": 1}
        assert [line.name for line in memory.list()] == ["A"]


def test_default_url_is_a_file_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("PVPLANNER_STORE_URL", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with ScenarioStore() as default:
        default.save("A", {})
    assert (tmp_path / ".local" / "share" / "pvplanner" / "scenarios.sqlite").is_file()


def test_environment_variable_chooses_the_store(tmp_path, monkeypatch):
    target = tmp_path / "team" / "shared.sqlite"
    monkeypatch.setenv("PVPLANNER_STORE_URL", f"sqlite:///{target}")
    with ScenarioStore() as chosen:
        chosen.save("A", {})
    with ScenarioStore(f"sqlite:///{target}") as again:
        assert [line.name for line in again.list()] == ["A"]


# --------------------------------------------------------------------------- revisions
def test_update_increments_revision_and_replaces_documents(store):
    first = store.save("A", _scenario(), _result())
    second = store.save(
        "A v2", {"x": 2}, _result(kwp=600.0), scenario_id=first.id, expected_revision=1
    )
    assert (second.id, second.revision, second.name) == (first.id, 2, "A v2")
    assert second.created == first.created and second.updated > first.updated
    assert second.schema_version is None  # the new document has none
    assert store.list()[0].capacity_kwp == 600.0
    third = store.save("A v2", {"x": 3}, scenario_id=first.id)  # no result: result dropped
    assert third.revision == 3 and third.result is None
    line = store.list()[0]
    assert (line.capacity_kwp, line.npv, line.currency, line.has_result) == (
        None,
        None,
        None,
        False,
    )


def test_stale_revision_raises_conflict_naming_both_revisions(store):
    first = store.save("Plant 7", {"v": 1})
    store.save("Plant 7", {"v": 2}, scenario_id=first.id, expected_revision=1)
    with pytest.raises(StoreConflictError) as info:
        store.save("Plant 7", {"v": 3}, scenario_id=first.id, expected_revision=1)
    error = info.value
    assert (error.expected_revision, error.actual_revision, error.scenario_id) == (1, 2, first.id)
    assert "Plant 7" in str(error) and "revision 1" in str(error) and "revision 2" in str(error)
    assert isinstance(error, StoreError) and isinstance(error, PlannerInputError)
    assert store.load(first.id).scenario == {"v": 2}  # nothing written


def test_rename_is_a_revision_and_checks_expected_revision(store):
    saved = store.save("Old", {"x": 1})
    renamed = store.rename(saved.id, "  New  ")
    assert (renamed.name, renamed.revision, renamed.scenario) == ("New", 2, {"x": 1})
    with pytest.raises(StoreConflictError):
        store.rename(saved.id, "Newer", expected_revision=1)


@pytest.mark.parametrize("bad", ["1", 1.0, True])
def test_expected_revision_must_be_an_integer(store, bad):
    saved = store.save("A", {})
    with pytest.raises(StoreError, match="expected_revision"):
        store.save("A", {}, scenario_id=saved.id, expected_revision=bad)


def test_expected_revision_without_id_is_refused(store):
    with pytest.raises(StoreError, match="scenario_id"):
        store.save("A", {}, expected_revision=1)
    assert store.list() == []


# --------------------------------------------------------------------------- listing
def test_list_is_sorted_by_update_time_and_searchable(store):
    a = store.save("Plant Alpha", {})
    store.save("plant beta 100%", {})
    store.save("绍兴 工厂", {})
    store.save("Plant Alpha", {"touched": True}, scenario_id=a.id)
    assert [line.name for line in store.list()] == ["Plant Alpha", "绍兴 工厂", "plant beta 100%"]
    assert [line.name for line in store.list("PLANT")] == ["Plant Alpha", "plant beta 100%"]
    assert [line.name for line in store.list("工厂")] == ["绍兴 工厂"]
    assert [line.name for line in store.list("0%")] == ["plant beta 100%"]  # no LIKE wildcards
    assert [line.name for line in store.list("_")] == []
    assert len(store.list("  ")) == 3


# --------------------------------------------------------------------------- names and ids
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * (MAX_NAME_CHARS + 1), "201 characters"),
        (12, "must be text"),
        (None, "must be text"),
        ("a\nb", "control character"),
    ],
)
def test_invalid_names_are_refused(store, bad, message):
    with pytest.raises(StoreError, match=message) as info:
        store.save(bad, {})
    assert info.value.field == "name"
    assert store.list() == []


def test_longest_name_is_accepted(store):
    name = "长" * MAX_NAME_CHARS
    assert store.load(store.save(name, {}).id).name == name


@pytest.mark.parametrize(
    "call",
    [
        lambda s, i: s.load(i),
        lambda s, i: s.rename(i, "x"),
        lambda s, i: s.duplicate(i),
        lambda s, i: s.delete(i),
        lambda s, i: s.restore(i),
        lambda s, i: s.purge(i),
        lambda s, i: s.save("x", {}, scenario_id=i),
        lambda s, i: s.export_json([i]),
    ],
)
def test_unknown_id_is_a_store_error_at_the_id_field(store, call):
    from pvplanner.display.messages import render

    store.save("A", {})
    with pytest.raises(StoreError, match="not in the store") as info:
        call(store, "no-such-id")
    assert info.value.field == "id"
    # The id is the caller's key, never shown to a reader (the field says where it went wrong).
    assert "no-such-id" not in render(info.value, "en")
    assert "存储库中没有这个方案" in render(info.value, "zh")


# --------------------------------------------------------------------------- duplicate
def test_duplicate_names_copies_and_copies_documents(store):
    original = store.save("Plant", _scenario(), _result())
    copy1 = store.duplicate(original.id)
    copy2 = store.duplicate(original.id)
    copy3 = store.duplicate(copy1.id)  # "Plant (copy)" -> "Plant (copy 3)", not "(copy) (copy)"
    named = store.duplicate(original.id, " Variant B ")
    assert [copy1.name, copy2.name, copy3.name, named.name] == [
        "Plant (copy)",
        "Plant (copy 2)",
        "Plant (copy 3)",
        "Variant B",
    ]
    assert len({original.id, copy1.id, copy2.id, copy3.id, named.id}) == 5
    assert copy1.scenario == original.scenario and copy1.result == original.result
    assert copy1.revision == 1 and copy1.schema_version == "1"
    assert {line.capacity_kwp for line in store.list()} == {512.4}


def test_duplicate_of_a_longest_name_stays_within_the_limit(store):
    saved = store.save("n" * MAX_NAME_CHARS, {})
    copy = store.duplicate(saved.id)
    assert len(copy.name) == MAX_NAME_CHARS and copy.name.endswith("n (copy)")


# --------------------------------------------------------------------------- trash
def test_delete_moves_to_trash_and_restore_brings_everything_back(store):
    saved = store.save("Keep me", _scenario(), _result())
    other = store.save("Other", {})
    store.delete(saved.id)
    store.delete(saved.id)  # twice: no-op
    assert [line.name for line in store.list()] == ["Other"]
    assert [line.name for line in store.trash()] == ["Keep me"]
    with pytest.raises(StoreError, match="trash"):
        store.load(saved.id)
    with pytest.raises(StoreError, match="trash"):
        store.save("Keep me", {}, scenario_id=saved.id)
    peek = store.load(saved.id, include_deleted=True)
    assert peek.deleted is not None and peek.result == saved.result
    restored = store.restore(saved.id)
    assert restored == saved  # same documents, revision and timestamps; deleted cleared
    assert store.trash() == [] and len(store.list()) == 2
    assert store.load(other.id).name == "Other"


def test_purge_needs_the_trash_first_then_deletes_for_good(store):
    saved = store.save("Doomed", {})
    with pytest.raises(StoreError, match="not in the trash"):
        store.purge(saved.id)
    store.delete(saved.id)
    store.purge(saved.id)
    assert store.trash() == [] and store.list() == []
    with pytest.raises(StoreError, match="not in the store"):
        store.load(saved.id, include_deleted=True)


# --------------------------------------------------------------------------- export/import
def test_export_then_import_into_another_store_round_trips(store, tmp_path):
    a = store.save("工厂 A", _scenario("A"), _result())
    b = store.save("工厂 B", _scenario("B"))
    deleted = store.save("Gone", {})
    store.delete(deleted.id)
    text = store.export_json()
    envelope = json.loads(text)
    assert (envelope["format"], envelope["version"]) == (EXPORT_FORMAT, 1)
    assert [item["name"] for item in envelope["scenarios"]] == ["工厂 B", "工厂 A"]
    assert "工厂" in text  # readable, not \\u-escaped
    with ScenarioStore(str(tmp_path / "other.sqlite")) as other:
        imported = other.import_json(text)
        assert [item.name for item in imported] == ["工厂 B", "工厂 A"]
        assert imported[1].scenario == a.scenario and imported[1].result == a.result
        assert imported[0].scenario == b.scenario and imported[0].result is None
        assert {item.id for item in imported}.isdisjoint({a.id, b.id})  # new ids
        assert {line.name: line.capacity_kwp for line in other.list()} == {
            "工厂 A": 512.4,
            "工厂 B": None,
        }


def test_import_deduplicates_names_against_store_and_file(store):
    a = store.save("Plant", {"v": 1})
    text = store.export_json([a.id, a.id])
    imported = store.import_json(text)
    assert [item.name for item in imported] == ["Plant (imported)", "Plant (imported 2)"]
    assert {line.name for line in store.list()} == {
        "Plant",
        "Plant (imported)",
        "Plant (imported 2)",
    }


def test_import_accepts_bytes_with_bom_and_missing_result(store):
    text = json.dumps(
        {
            "format": EXPORT_FORMAT,
            "version": 1,
            "scenarios": [{"name": "Hand-written", "scenario": {"k": "值"}}],
        },
        ensure_ascii=False,
    )
    (item,) = store.import_json(("\ufeff" + text).encode("utf-8"))
    assert (item.name, item.scenario, item.result, item.revision) == (
        "Hand-written",
        {"k": "值"},
        None,
        1,
    )


def _envelope(*items) -> str:
    return json.dumps({"format": EXPORT_FORMAT, "version": 1, "scenarios": list(items)})


_GOOD = {"name": "ok", "scenario": {}}


@pytest.mark.parametrize(
    ("text", "message", "field"),
    [
        ("{not json", "not valid JSON at line 1, column 2", None),
        ("[1, 2]", "not a pvplanner scenario export", "format"),
        ('{"format": "something-else", "version": 1}', "something-else", "format"),
        (json.dumps({"format": EXPORT_FORMAT, "version": 99}), "upgrade pvplanner", "version"),
        (json.dumps({"format": EXPORT_FORMAT, "version": "1"}), "invalid", "version"),
        (json.dumps({"format": EXPORT_FORMAT, "version": 1}), "scenarios", "scenarios"),
        (_envelope(_GOOD, 5), "scenario 2 of the import file must be a JSON object",
         "scenarios[1]"),
        (_envelope(_GOOD, _GOOD, {"scenario": {}}), "scenario 3 of the import file: a scenario name",
         "scenarios[2].name"),
        (_envelope({"name": " ", "scenario": {}}), "scenario 1 of the import file: .*empty", None),
        (
            _envelope(_GOOD, {"name": "x", "scenario": []}),
            "scenario 2 of the import file",
            "scenarios[1].scenario",
        ),
        (_envelope({"name": "x", "scenario": {}, "result": 3}), "result", "scenarios[0].result"),
        (
            _envelope(_GOOD, {"name": "nan", "scenario": {}}).replace("{}}]", '{"v": NaN}}]'),
            "NaN is not valid JSON",
            None,
        ),
    ],
)
def test_malformed_import_names_the_problem_and_imports_nothing(store, text, message, field):
    store.save("existing", {})
    with pytest.raises(StoreError, match=message) as info:
        store.import_json(text)
    if field is not None:
        assert info.value.field == field
    assert [line.name for line in store.list()] == ["existing"]


def test_import_of_wrong_type_is_a_store_error(store):
    with pytest.raises(StoreError, match="JSON text"):
        store.import_json({"format": EXPORT_FORMAT})


# --------------------------------------------------------------------------- bad documents
@pytest.mark.parametrize(
    ("scenario", "result", "where"),
    [
        ({"a": float("nan")}, None, "scenario.a is nan"),
        ({"a": [1.0, math.inf]}, None, r"scenario.a\[1\] is inf"),
        ({}, {"finance": {"irr": float("nan")}}, "result.finance.irr is nan"),
        ({"when": np.float32(1.5)}, None, "scenario.when is a float32"),
        ({"s": {1, 2}}, None, "scenario.s is a set"),
        ({"by_month": {1: 2.0}}, None, "key 1 of type int"),
        ([1, 2], None, "scenario must be a JSON object"),
        ({}, [1], "result must be a JSON object"),
    ],
)
def test_non_json_documents_are_refused_with_their_path(store, scenario, result, where):
    with pytest.raises(StoreError, match=where):
        store.save("A", scenario, result)
    assert store.list() == []


def test_summary_ignores_missing_or_odd_figures(store):
    store.save(
        "A", {}, {"pv": {"capacity_kwp": True}, "finance": "n/a", "bills": {"currency": "EUR"}}
    )
    line = store.list()[0]
    assert (line.capacity_kwp, line.npv, line.avoided_tco2_year1, line.currency) == (
        None,
        None,
        None,
        "EUR",
    )


# --------------------------------------------------------------------------- failures
def test_bad_url_and_foreign_file_are_store_errors(tmp_path):
    with pytest.raises(StoreError, match="not a database URL"):
        ScenarioStore("postgresql://user@host:port/db")
    with pytest.raises(StoreError, match="nosuchdriver"):
        ScenarioStore("nosuchdriver://host/db")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not an sqlite database" * 100)
    with pytest.raises(StoreError, match="junk.sqlite"):
        ScenarioStore(str(junk))


def test_plain_postgresql_url_uses_psycopg_and_hides_the_password(postgres_url):
    from sqlalchemy.engine import make_url

    password = make_url(postgres_url).password
    plain = make_url(postgres_url).set(drivername="postgresql")  # no "+psycopg"
    with ScenarioStore(plain.render_as_string(hide_password=False)) as store:
        assert store.save("A", {"x": 1}).revision == 1
        assert store.url.startswith("postgresql+psycopg://") and "***" in store.url
        assert not password or password not in store.url + repr(store)


def test_error_inside_a_transaction_leaves_the_previous_state(store, monkeypatch):
    keep = store.save("Plant", {"v": 1})
    text = _envelope(_GOOD, {"name": "second", "scenario": {}}, {"name": "third", "scenario": {}})
    real_free_name = store_module.free_name
    calls = []

    def failing_free_name(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:  # after the first row was inserted in this transaction
            raise RuntimeError("simulated crash")
        return real_free_name(*args, **kwargs)

    monkeypatch.setattr(store_module, "free_name", failing_free_name)
    with pytest.raises(RuntimeError):
        store.import_json(text)
    monkeypatch.setattr(store_module, "free_name", real_free_name)
    assert calls == ["ok", "second"]
    assert [line.name for line in store.list()] == ["Plant"]
    assert store.load(keep.id).revision == 1
