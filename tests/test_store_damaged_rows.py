"""A saved scenario damaged in the database never breaks the others and is never lost.

A row changed by hand (an SQL console, a table editor) or by a disk fault may hold text in a
timestamp, NULL where a value is required (a table rebuilt without its constraints), a
blob or text in a number column (SQLite keeps anything), infinity in a figure. Whatever
column is damaged, the store lists the other scenarios as before, lists the damaged one with
what can be read and names the rest in ``damaged``; it loads, exports, deletes, restores and
purges it, and saving it again repairs it. A damaged saved result is only a detail: the
scenario loads without it and its inputs are never locked away. A scenario whose *inputs*
(its scenario document) are damaged can be restored from the trash (it comes back listed
as damaged). The compare page says all this in the reader's language, without ids or
Python's words.

Store tests run on a SQLite file and on a real PostgreSQL server (``store_url`` in
conftest.py); what only SQLite can hold (a blob, text in a number column) runs on SQLite.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from pvplanner.display.messages import catalogue, render
from pvplanner.store import ScenarioStore, ScenarioSummary, StoreError
from pvplanner.store.records import DAMAGE_PARTS
from tests.test_app_support import assert_clean, goto, shown, start_app
from tests.test_store_messages import PYTHON_WORDS

_CJK = re.compile(r"[\u4e00-\u9fff]")
ROOT = Path(__file__).resolve().parents[1]

_SCENARIO = {"name": "嘉兴纺织", "site": {"latitude": 30.75}}
_RESULT = {"currency": "CNY", "pv": {"capacity_kwp": 812.5}, "finance": {"npv": 1500.25},
           "carbon": {"avoided_tco2_year1": 655.0}}


# --------------------------------------------------------------------------- damaging a row
def _drop_not_null(conn, column: str) -> None:
    """Let ``column`` hold NULL, as a hand-rebuilt table (SQLite) or an ``ALTER TABLE`` by a
    database administrator (PostgreSQL) would."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"ALTER TABLE scenarios ALTER COLUMN {column} DROP NOT NULL"))
        return
    ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'scenarios'")).scalar()
    loose = re.sub(rf"(\b{column} [A-Z]+(?:\(\d+\))?(?: DEFAULT '1')?) NOT NULL", r"\1", ddl)
    assert loose != ddl, ddl
    conn.execute(text("ALTER TABLE scenarios RENAME TO scenarios_old"))
    conn.execute(text(loose))
    conn.execute(text("INSERT INTO scenarios SELECT * FROM scenarios_old"))
    conn.execute(text("DROP TABLE scenarios_old"))


def _damage(url: str, scenario_id: str, column: str, value: Any) -> None:
    """Write ``value`` into ``column`` of one row, past the store (NULL: the column's NOT
    NULL constraint is dropped first)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if value is None:
                _drop_not_null(conn, column)
            done = conn.execute(text(f"UPDATE scenarios SET {column} = :value WHERE id = :id"),
                                {"value": value, "id": scenario_id}).rowcount
            assert done == 1
    finally:
        engine.dispose()


def _raw(url: str, sql: str, **params: Any) -> Any:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def _both(exc: BaseException) -> tuple[str, str]:
    en, zh = render(exc, "en"), render(exc, "zh")
    assert getattr(exc, "key", "").startswith("errors.store."), str(exc)
    assert _CJK.search(zh), zh
    for shown_text in (en, zh):
        assert not PYTHON_WORDS.search(shown_text) and "{" not in shown_text, shown_text
    return en, zh


# --------------------------------------------------------------------------- one column
#: column, value written, the part named damaged, the name then listed, live or in the trash.
_CASES = [
    ("created_at", "garbage", "created", "嘉兴 B", "live"),
    ("created_at", "2026-13-45T99:00:00.000000Z", "created", "嘉兴 B", "live"),
    ("created_at", None, "created", "嘉兴 B", "trash"),
    ("updated_at", "", "updated", "嘉兴 B", "live"),
    ("updated_at", None, "updated", "嘉兴 B", "live"),
    ("updated_at", "garbage", "updated", "嘉兴 B", "trash"),
    ("deleted_at", "garbage", "deleted", "嘉兴 B", "trash"),
    ("deleted_at", "", "deleted", "嘉兴 B", "trash"),
    ("revision", None, "revision", "嘉兴 B", "live"),
    ("revision", -3, "revision", "嘉兴 B", "trash"),
    ("name", "   ", "name", "", "live"),
    ("name", None, "name", "", "trash"),
    ("name", "嘉兴\tB\n", "name", "嘉兴 B", "live"),
    ("npv", float("inf"), "figures", "嘉兴 B", "live"),
    ("currency", "C\x01", "figures", "嘉兴 B", "live"),
]

#: As :data:`_CASES`, for values only SQLite holds (a blob, text in a number column).
_SQLITE_CASES = [
    ("created_at", b"\x00", "created", "嘉兴 B", "live"),
    ("updated_at", 7, "updated", "嘉兴 B", "trash"),
    ("deleted_at", b"\x00", "deleted", "嘉兴 B", "trash"),
    ("revision", "garbage", "revision", "嘉兴 B", "live"),
    ("revision", b"\x00", "revision", "嘉兴 B", "trash"),
    ("revision", 2.5, "revision", "嘉兴 B", "live"),
    ("revision", 1e20, "revision", "嘉兴 B", "live"),
    ("name", b"\xff\x00", "name", "", "live"),
    ("name", 12, "", "12", "live"),  # SQLite stores it as the text '12': sound
    ("capacity_kwp", "garbage", "figures", "嘉兴 B", "live"),
    ("avoided_tco2_year1", b"\x00", "figures", "嘉兴 B", "trash"),
    ("currency", b"\xff", "figures", "嘉兴 B", "live"),
    ("schema_version", b"\x00\xff", "", "嘉兴 B", "live"),  # read from the document
]


@pytest.mark.parametrize(("column", "value", "part", "name", "state"), _CASES)
def test_a_row_damaged_in_one_column_breaks_nothing_and_a_save_repairs_it(
        store_url, tmp_path, column, value, part, name, state):
    _one_damaged_column(store_url, tmp_path, column, value, part, name, state)


@pytest.mark.parametrize(("column", "value", "part", "name", "state"), _SQLITE_CASES)
def test_a_sqlite_row_damaged_in_one_column_breaks_nothing_and_a_save_repairs_it(
        tmp_path, column, value, part, name, state):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    _one_damaged_column(url, tmp_path, column, value, part, name, state)


@pytest.mark.parametrize("column", ["capacity_kwp", "npv", "avoided_tco2_year1"])
def test_a_postgresql_nan_figure_is_named_damaged_not_shown(postgres_url, tmp_path, column):
    # SQLite stores a NaN as NULL (no figure); PostgreSQL keeps it.
    _one_damaged_column(postgres_url, tmp_path, column, float("nan"), "figures", "嘉兴 B",
                        "live")


def _one_damaged_column(store_url: str, tmp_path, column: str, value: Any, part: str,
                        name: str, state: str) -> None:
    """Damage one column of one of two saved scenarios, then use the store every way."""
    with ScenarioStore(store_url) as store:
        good = store.save("Good", {"name": "G"}, {"pv": {"capacity_kwp": 1.0}})
        bad = store.save("嘉兴 B", _SCENARIO, _RESULT)
        if state == "trash":
            store.delete(bad.id)
    _damage(store_url, bad.id, column, value)
    damaged = (part,) if part else ()
    with ScenarioStore(store_url) as store:
        # Listed with what can be read; the other scenario as before.
        listed = {item.id: item for item in (store.trash() if state == "trash"
                                             else store.list())}
        assert listed[bad.id].damaged == damaged and listed[bad.id].name == name
        assert [item.damaged for item in store.list() if item.id == good.id] == [()]
        assert [item.name for item in store.list("goo")] == ["Good"]
        # Loaded (its inputs are intact), with the damaged detail missing.
        loaded = store.load(bad.id, include_deleted=True)
        assert loaded.scenario == _SCENARIO and loaded.result == _RESULT
        assert loaded.damaged == tuple(p for p in damaged if p != "figures")
        assert loaded.schema_version is None and loaded.name == name
        if part in ("created", "updated", "revision"):
            assert getattr(loaded, part) is None
        # Restored from the trash, exported (none of it left out) and imported elsewhere.
        if state == "trash":
            assert not isinstance(store.restore(bad.id), ScenarioSummary)
            assert [item.id for item in store.trash()] == []
        exported = json.loads(store.export_json())
        assert {item["name"] for item in exported["scenarios"]} == {"Good", name or "嘉兴纺织"}
        with ScenarioStore(f"sqlite:///{tmp_path / 'copy.sqlite'}") as other:
            imported = {item.name: item for item in other.import_json(json.dumps(exported))}
        assert imported[name or "嘉兴纺织"].scenario == _SCENARIO
        # Saving it again repairs it; deleting and purging it leave the other as it was.
        saved = store.save("嘉兴 B", loaded.scenario, loaded.result, scenario_id=bad.id,
                           expected_revision=loaded.revision)
        assert saved.damaged == () and saved.created is not None and saved.revision >= 1
        assert [item.damaged for item in store.list()] == [(), ()]
        assert [item.capacity_kwp for item in store.list() if item.id == bad.id] == [812.5]
        store.delete(bad.id)
        store.purge(bad.id)
        assert [(item.name, item.revision) for item in store.list()] == [("Good", 1)]


def test_a_damaged_revision_is_checked_against_nothing_and_starts_again(store_url):
    with ScenarioStore(store_url) as store:
        saved = store.save("Plant", {"v": 1})
    _damage(store_url, saved.id, "revision", None)
    with ScenarioStore(store_url) as store:
        # The caller's revision cannot be compared with an unreadable one: no false conflict.
        again = store.save("Plant", {"v": 2}, scenario_id=saved.id, expected_revision=1)
        assert again.revision == 1 and again.damaged == () and again.scenario == {"v": 2}
        assert store.rename(saved.id, "Plant 2", expected_revision=1).revision == 2


def test_a_copy_of_a_row_with_damaged_figures_is_sound(store_url):
    with ScenarioStore(store_url) as store:
        saved = store.save("Plant", _SCENARIO, _RESULT)
    _damage(store_url, saved.id, "npv", float("inf"))
    _damage(store_url, saved.id, "name", "  ")
    with ScenarioStore(store_url) as store:
        assert store.list()[0].damaged == ("name", "figures") and store.list()[0].npv is None
        copy = store.duplicate(saved.id, copy_word="副本")
        assert copy.name == "嘉兴纺织 (副本)" and copy.damaged == ()  # named by its document
        line = next(item for item in store.list() if item.id == copy.id)
        assert (line.npv, line.capacity_kwp, line.damaged) == (1500.25, 812.5, ())


@pytest.mark.parametrize("value", ["[]", '{"npv": ', '{"npv": NaN}', "null"])
def test_a_damaged_result_locks_away_nothing_of_the_inputs(store_url, value):
    with ScenarioStore(store_url) as store:
        good = store.save("Good", {"name": "G"}, {"pv": {"capacity_kwp": 1.0}})
        bad = store.save("嘉兴 B", _SCENARIO, _RESULT)
    _damage(store_url, bad.id, "result_json", value)  # 'null' is JSON, but not an object
    with ScenarioStore(store_url) as store:
        # Opened without its result; the result is named damaged, the inputs are intact.
        loaded = store.load(bad.id)
        assert (loaded.scenario, loaded.result, loaded.damaged) == (_SCENARIO, None,
                                                                     ("result",))
        assert (loaded.name, loaded.revision) == ("嘉兴 B", 1)
        # Named by the check of the documents (a detail), listed as before.
        assert [(item.id, item.damaged) for item in store.damaged()] == [
            (bad.id, ("result",))]
        assert {item.id for item in store.list()} == {good.id, bad.id}
        # Copied without the damaged result: a sound copy.
        copy = store.duplicate(bad.id, copy_word="副本")
        assert (copy.name, copy.scenario, copy.result, copy.damaged) == (
            "嘉兴 B (副本)", _SCENARIO, None, ())
        # Exported with its inputs (nothing left out, even by default); the result is null.
        for text_ in (store.export_json(), store.export_json(skip_damaged=True)):
            exported = {item["name"]: item for item in json.loads(text_)["scenarios"]}
            assert exported["嘉兴 B"]["scenario"] == _SCENARIO
            assert exported["嘉兴 B"]["result"] is None
        # Restored as it is; saving it with a fresh result repairs it.
        store.delete(bad.id)
        restored = store.restore(bad.id)
        assert not isinstance(restored, ScenarioSummary) and restored.damaged == ("result",)
        saved = store.save("嘉兴 B", loaded.scenario, _RESULT, scenario_id=bad.id,
                           expected_revision=loaded.revision)
        assert (saved.damaged, saved.result, saved.revision) == ((), _RESULT, 2)
        assert store.damaged() == []


@pytest.mark.parametrize("value", ["garbage", "2026-13-45T99:00:00.000000Z",
                                   "9999-12-31T23:59:59.999999", "", None])
def test_rows_without_a_readable_time_are_listed_last(store_url, value):
    with ScenarioStore(store_url) as store:
        first = store.save("First", {"v": 1})
        odd = store.save("Odd", {"v": 2})
        last = store.save("Last", {"v": 3})
    _damage(store_url, odd.id, "updated_at", value)
    with ScenarioStore(store_url) as store:
        assert [item.name for item in store.list()] == ["Last", "First", "Odd"]
        assert [item["name"] for item in json.loads(store.export_json())["scenarios"]] == [
            "Last", "First", "Odd"]
        for item in (first, odd, last):
            store.delete(item.id)
    _damage(store_url, odd.id, "deleted_at", value if value else "garbage")
    with ScenarioStore(store_url) as store:
        assert [item.name for item in store.trash()] == ["Last", "First", "Odd"]


def test_errors_about_a_scenario_without_a_readable_name_quote_no_placeholder(store_url):
    with ScenarioStore(store_url) as store:
        saved = store.save("Doomed", {"v": 1})
        live = store.save("Live", {"v": 2})
    _damage(store_url, saved.id, "scenario_json", "[]")
    _damage(store_url, saved.id, "name", "  ")
    _damage(store_url, live.id, "name", "")
    with ScenarioStore(store_url) as store:
        with pytest.raises(StoreError) as info:
            store.load(saved.id)
        en, zh = _both(info.value)
        assert en.startswith("The scenario (name unreadable) cannot be read: its saved "
                             "inputs are damaged."), en
        assert zh.startswith("方案（名称无法读取）无法读取：其保存的方案内容已损坏。"), zh
        with pytest.raises(StoreError) as info:
            store.purge(live.id)
        en, zh = _both(info.value)
        assert en.startswith("The scenario (name unreadable) is not in the trash"), en
        assert zh.startswith("方案（名称无法读取）不在回收站中"), zh
        store.save("Live", {"v": 3}, scenario_id=live.id)
    _damage(store_url, live.id, "name", "")
    with ScenarioStore(store_url) as store, pytest.raises(StoreError) as info:
        store.save("Live", {"v": 4}, scenario_id=live.id, expected_revision=1)
    en, zh = _both(info.value)
    assert en.startswith("The scenario (name unreadable) was changed by someone else"), en
    assert zh.startswith("方案（名称无法读取）已被他人修改"), zh


@pytest.mark.parametrize(("column", "value"), [
    ("deleted_at", "garbage"),
    ("name", None),
])
def test_errors_about_a_damaged_row_name_it_in_both_languages(store_url, column, value):
    with ScenarioStore(store_url) as store:
        saved = store.save("Doomed", {})
        store.delete(saved.id)
    _damage(store_url, saved.id, column, value)
    with ScenarioStore(store_url) as store, pytest.raises(StoreError) as info:
        store.rename(saved.id, "New")
    en, zh = _both(info.value)
    # A name is quoted; the words saying that it cannot be read are not a name: unquoted.
    name = ("“Doomed”", "“Doomed”") if column != "name" else (
        "(name unreadable)", "（名称无法读取）")
    assert f"The scenario {name[0]} is in the trash" in en and saved.id not in en, en
    assert f"方案{name[1]}在回收站中" in zh and "garbage" not in en + zh, zh
    assert "deleted )" not in en and "删除于 ）" not in zh
    assert "“name unreadable”" not in en and "“名称无法读取”" not in zh


def test_a_row_damaged_in_many_columns_is_listed_with_what_can_be_read(store_url):
    with ScenarioStore(store_url) as store:
        store.save("Good", {})
        bad = store.save("Bad", _SCENARIO, _RESULT)
    for column, value in (("created_at", "x"), ("updated_at", ""), ("revision", None),
                          ("capacity_kwp", float("-inf")), ("name", "")):
        _damage(store_url, bad.id, column, value)
    with ScenarioStore(store_url) as store:
        line = next(item for item in store.list() if item.id == bad.id)
        assert line.damaged == ("name", "created", "updated", "revision", "figures")
        assert (line.name, line.created, line.updated, line.revision, line.capacity_kwp,
                line.npv, line.has_result) == ("", None, None, None, None, 1500.25, True)
        assert store.list()[0].name == "Good"  # a row without a save time is listed last
        exported = json.loads(store.export_json(unnamed="未命名方案"))["scenarios"]
        assert [(item["name"], item["created"], item["revision"]) for item in exported] == [
            ("Good", exported[0]["created"], 1), ("嘉兴纺织", None, None)]


def test_a_nameless_row_is_exported_under_the_word_given(store_url):
    with ScenarioStore(store_url) as store:
        bad = store.save("Bad", {"site": {}})
    _damage(store_url, bad.id, "name", None)
    with ScenarioStore(store_url) as store:
        exported = json.loads(store.export_json(unnamed="未命名方案"))["scenarios"]
        assert [item["name"] for item in exported] == ["未命名方案"]
        with pytest.raises(StoreError):
            store.export_json(unnamed=" ")  # the word must be a name an import accepts


@pytest.mark.parametrize("value", [b"\x00", "", None])
def test_a_row_whose_id_is_damaged_is_listed_but_not_addressed(tmp_path, value):
    # SQLite only: PostgreSQL's primary key refuses all three.
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with ScenarioStore(url) as store:
        good = store.save("Good", {"v": 1})
        bad = store.save("Lost key", {"v": 2})
    _damage(url, bad.id, "id", value)
    with ScenarioStore(url) as store:
        lines = {item.name: item for item in store.list()}
        assert (lines["Lost key"].id, lines["Lost key"].damaged) == ("", ("id",))
        assert lines["Good"].damaged == ()
        exported = json.loads(store.export_json())["scenarios"]
        assert {(item["id"], item["name"]) for item in exported} == {
            (good.id, "Good"), (None, "Lost key")}
        store.delete(good.id)
        assert [item.name for item in store.trash()] == ["Good"]


# --------------------------------------------------------------------------- restoring
@pytest.mark.parametrize("also", [None, ("created_at", "garbage"), ("name", "")])
def test_a_scenario_with_damaged_inputs_can_be_restored_and_stays_listed_as_damaged(
        store_url, also):
    with ScenarioStore(store_url) as store:
        good = store.save("Good", {"v": 1})
        bad = store.save("坏方案", {"v": 2}, {"npv": 2.0})
    _damage(store_url, bad.id, "scenario_json", '{"v": ')
    if also:
        _damage(store_url, bad.id, *also)
    name = "" if also and also[0] == "name" else "坏方案"
    with ScenarioStore(store_url) as store:
        store.delete(bad.id)
        restored = store.restore(bad.id)
        assert isinstance(restored, ScenarioSummary)
        assert (restored.id, restored.name, restored.deleted) == (bad.id, name, None)
        assert "scenario" in restored.damaged and "result" not in restored.damaged
        # Back in the list where it was, nothing in the trash, its text as it was.
        assert store.trash() == [] and {i.id for i in store.list()} == {good.id, bad.id}
        assert [item.id for item in store.damaged()] == [bad.id]
        assert _raw(store_url, "SELECT scenario_json FROM scenarios WHERE id = :id",
                    id=bad.id) == '{"v": '
        with pytest.raises(StoreError) as info:
            store.load(bad.id)
        en, zh = _both(info.value)
        assert "cannot be read: its saved inputs are damaged" in en and bad.id not in en + zh
        assert "保存的方案内容已损坏" in zh, zh
        # It can be deleted again, and restored again.
        store.delete(bad.id)
        assert isinstance(store.restore(bad.id), ScenarioSummary)
        assert {i.id for i in store.list()} == {good.id, bad.id}


def test_restoring_a_live_damaged_scenario_changes_nothing(store_url):
    with ScenarioStore(store_url) as store:
        bad = store.save("Bad", {"v": 2})
    _damage(store_url, bad.id, "result_json", "[]")
    with ScenarioStore(store_url) as store:
        assert store.restore(bad.id).damaged == ("result",)
        assert [item.id for item in store.list()] == [bad.id]


# --------------------------------------------------------------------------- words
def test_every_part_and_every_page_text_is_catalogued_in_both_languages():
    texts = catalogue()
    for part in DAMAGE_PARTS:
        assert set(texts[f"compare.damaged.part.{part}"]) == {"en", "zh"}, part
    page = re.sub(r"\s+", " ", (ROOT / "pvplanner/app/page_compare.py").read_text("utf-8"))
    used = set(re.findall(r'\bt\(\s*"(compare\.[a-z_.]+)"', page))
    assert {"compare.damaged.details", "compare.damaged.restored"} <= used
    missing = sorted(key for key in used if set(texts.get(key, {})) != {"en", "zh"})
    assert not missing, missing
    for key in [k for k in texts if k.startswith("compare.damaged.")]:
        words = re.sub(r"\{[a-z_]+\}|[（）“”]", "", texts[key]["zh"])
        assert not words or _CJK.search(words), key


# --------------------------------------------------------------------------- the page
def _app_store(tmp_path, app) -> ScenarioStore:
    """The app's store as the session ``app`` sees it: its browser's workspace (the token
    in the page's address; a store opened without it sees none of the app's scenarios)."""
    from pvplanner.app.uploads import WORKSPACE_PARAM, workspace_id

    return ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite'}",
                         workspace=workspace_id(app.query_params[WORKSPACE_PARAM]))


def _damage_file(tmp_path, app, name: str, column: str, value: Any) -> str:
    """Damage the saved scenario ``name`` of the app session's store; its id."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with _app_store(tmp_path, app) as store:
        scenario_id = next(item.id for item in store.list() if item.name == name)
    _damage(url, scenario_id, column, value)
    return scenario_id


def _save_as(app, name: str) -> None:
    app.text_input(key="save_name").set_value(name).run()
    app.button(key="save_new").click().run()
    assert_clean(app)


def _warnings(app) -> list[str]:
    return [shown(w.value) for w in app.warning]


def _no_ids_or_python(app, *ids: str) -> None:
    for words in _warnings(app) + [shown(s.value) for s in app.success]:
        assert not PYTHON_WORDS.search(words) and not any(i in words for i in ids), words


def test_the_page_lists_a_scenario_with_damaged_details_and_saving_repairs_it(
        tmp_path, monkeypatch):
    app = start_app(tmp_path, monkeypatch, lang="zh")
    goto(app, "compare")
    _save_as(app, "好方案")
    _save_as(app, "坏方案")
    bad = _damage_file(tmp_path, app, "坏方案", "created_at", "garbage")
    _damage_file(tmp_path, app, "坏方案", "revision", "garbage")
    app.run()
    assert_clean(app)
    table = app.dataframe[0].value
    assert sorted(table["名称"]) == ["坏方案（已损坏）", "好方案"]
    assert list(table.loc[table["名称"] == "坏方案（已损坏）", "版本"]) == ["—"]
    (note,) = [w for w in _warnings(app) if "部分保存信息无法读取" in w]
    assert "“坏方案”（创建时间、版本号）" in note and "重新保存即可修复" in note
    _no_ids_or_python(app, bad)
    # Opened (its inputs are intact), told what was lost, and saved again: repaired.
    app.selectbox(key="pick_saved").set_value(bad).run()
    app.button(key="open_saved").click().run()
    assert_clean(app)
    assert any("已打开“坏方案”。该方案的部分保存信息无法读取（创建时间、版本号）" in w
               for w in _warnings(app))
    app.button(key="save_update").click().run()
    assert_clean(app)
    with _app_store(tmp_path, app) as store:
        assert [(item.name, item.damaged) for item in store.list() if item.id == bad] == [
            ("坏方案", ())]
    assert not [w for w in _warnings(app) if "部分保存信息无法读取" in w]


def test_the_page_restores_a_scenario_with_damaged_inputs_from_the_trash(
        tmp_path, monkeypatch):
    app = start_app(tmp_path, monkeypatch)
    goto(app, "compare")
    _save_as(app, "Good")
    _save_as(app, "Bad")
    bad = _damage_file(tmp_path, app, "Bad", "scenario_json", '{"name": ')
    app.run()
    app.selectbox(key="pick_saved").set_value(bad).run()
    app.button(key="delete_saved").click().run()
    assert_clean(app)
    app.button(key=f"restore:{bad}").click().run()
    assert_clean(app)
    assert any(w.startswith("Restored “Bad”, but its saved inputs are damaged")
               for w in _warnings(app)), _warnings(app)
    assert sorted(app.dataframe[0].value["Name"]) == ["Bad (damaged)", "Good"]
    assert any(w.startswith("The saved inputs of these scenarios are damaged") and
               w.endswith("“Bad”. Restore them from a backup, or delete them.")
               for w in _warnings(app)), _warnings(app)
    _no_ids_or_python(app, bad)
    with _app_store(tmp_path, app) as store:
        assert sorted(item.name for item in store.list()) == ["Bad", "Good"]
        assert store.trash() == []


def test_the_page_lists_rows_without_a_name_or_a_key(tmp_path, monkeypatch):
    app = start_app(tmp_path, monkeypatch)
    goto(app, "compare")
    for name in ("Good", "Nameless", "Keyless"):
        _save_as(app, name)
    nameless = _damage_file(tmp_path, app, "Nameless", "name", "")
    _damage_file(tmp_path, app, "Keyless", "id", b"\x00")
    app.run()
    assert_clean(app)
    names = sorted(app.dataframe[0].value["Name"])
    assert names == ["(name unreadable) (damaged)", "Good", "Keyless (damaged)"]
    assert "" not in app.selectbox(key="pick_saved").options
    assert any("“Keyless”. Ask the person who runs this app" in w for w in _warnings(app))
    # The words for an unreadable name are neither quoted nor repeated as "(name)".
    assert any("a disk failed: (name unreadable). They are listed" in w for w in _warnings(app))
    _no_ids_or_python(app, nameless)
    app.selectbox(key="pick_saved").set_value(nameless).run()
    app.button(key="delete_saved").click().run()
    assert_clean(app)
    assert any(w.startswith("(name unreadable) was moved to the trash")
               for w in _warnings(app)), _warnings(app)


@pytest.mark.parametrize(("lang", "name", "words"), [
    ("en", "Bad", {
        "note": "“Bad” (result)",
        "opened": "Opened “Bad”. Some of its saved details could not be read (result): save "
                  "it to repair them.",
        "inputs": "The saved inputs of these scenarios are damaged",
        "copied": "Saved a copy: “Bad (copy)”.",
        "listed": "Bad (damaged)"}),
    ("zh", "坏方案", {
        "note": "“坏方案”（计算结果）",
        "opened": "已打开“坏方案”。该方案的部分保存信息无法读取（计算结果）：重新保存即可修复。",
        "inputs": "以下方案保存的方案内容已损坏",
        "copied": "已保存副本：“坏方案 (副本)”。",
        "listed": "坏方案（已损坏）"}),
])
def test_the_page_opens_a_scenario_whose_result_is_damaged_and_saving_repairs_it(
        tmp_path, monkeypatch, lang, name, words):
    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "compare")
    _save_as(app, "Good")
    _save_as(app, name)
    bad = _damage_file(tmp_path, app, name, "result_json", "[]")
    app.run()
    assert_clean(app)
    # A damaged detail: listed and marked, not refused as damaged inputs.
    assert any(words["note"] in w for w in _warnings(app)), _warnings(app)
    assert not any(words["inputs"] in w for w in _warnings(app)), _warnings(app)
    # Offered for comparison, and compared (planned again without its result).
    assert words["listed"] in app.multiselect(key="compare_pick").options
    app.multiselect(key="compare_pick").set_value([bad]).run()
    assert_clean(app)
    assert words["listed"] in app.dataframe[-1].value.columns
    _no_ids_or_python(app, bad)
    # It can be copied (without the damaged result) ...
    app.selectbox(key="pick_saved").set_value(bad).run()
    app.button(key="duplicate_saved").click().run()
    assert_clean(app)
    assert any(shown(s.value) == words["copied"] for s in app.success), \
        [shown(s.value) for s in app.success]
    # ... opened, with the damaged part named ...
    app.selectbox(key="pick_saved").set_value(bad).run()
    app.button(key="open_saved").click().run()
    assert_clean(app)
    assert words["opened"] in _warnings(app), _warnings(app)
    # ... and saving it again stores a fresh result: repaired.
    app.button(key="save_update").click().run()
    assert_clean(app)
    with _app_store(tmp_path, app) as store:
        assert store.damaged() == []
        assert store.load(bad).result is not None and store.load(bad).damaged == ()
    assert not any(words["note"] in w for w in _warnings(app))


@pytest.mark.parametrize(("lang", "opened", "deleted"), [
    ("en", "Opened (name unreadable): its saved name could not be read. Save it to repair "
           "it; it is saved under the name in “Save as”.",
     "(name unreadable) was moved to the trash."),
    ("zh", "已打开（名称无法读取）：该方案保存的名称无法读取。重新保存即可修复，保存时使用"
           "“保存名称”中的名称。",
     "（名称无法读取）已移入回收站。"),
])
def test_the_page_names_a_scenario_whose_name_is_unreadable_without_quotes(
        tmp_path, monkeypatch, lang, opened, deleted):
    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "compare")
    _save_as(app, "Good")
    _save_as(app, "Nameless")
    nameless = _damage_file(tmp_path, app, "Nameless", "name", "  ")
    app.run()
    app.selectbox(key="pick_saved").set_value(nameless).run()
    app.button(key="open_saved").click().run()
    assert_clean(app)
    assert opened in _warnings(app), _warnings(app)
    for words in _warnings(app):
        assert "()" not in words and "（）" not in words, words
        assert "“(name unreadable)”" not in words and "“（名称无法读取）”" not in words, words
    app.button(key="delete_saved").click().run()
    assert_clean(app)
    assert deleted in _warnings(app), _warnings(app)
    _no_ids_or_python(app, nameless)
