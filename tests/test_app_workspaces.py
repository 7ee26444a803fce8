"""Workspaces: each browser of the app has its own saved scenarios and upload folder.

There is no login: a random token in the page's address (``?workspace=...``) names the
browser's workspace. Another workspace's scenarios cannot be listed, opened, renamed,
deleted, overwritten or exported, and its uploaded files cannot be named; the same token
(the same link) finds them again. The store's rows carry their workspace (schema 3); rows
saved before have none: they stay, the operator's (command line, Python API) and no app
session's. The store tests run on SQLite and on PostgreSQL (``store_url``).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from pvplanner.app.uploads import WORKSPACE_PARAM, upload_root, workspace_id
from pvplanner.scenario.model import MAX_SCENARIO_BYTES, demo_scenario
from pvplanner.store.repository import ScenarioStore, StoreError
from tests.test_app_support import APP, assert_clean, goto, shown, start_app

A_TOKEN = "a" * 43
B_TOKEN = "b" * 43


# --------------------------------------------------------------------------- the store
def test_a_workspace_sees_and_changes_only_its_own_scenarios(store_url):
    with ScenarioStore(store_url, workspace="wa") as a:
        b = a.in_workspace("wb")
        operator = a.in_workspace(None)
        mine = a.save("Plant A", {"x": 1})
        theirs = b.save("Plant B", {"x": 2})
        legacy = operator.save("Operator's", {"x": 3})
        assert [i.name for i in a.list()] == ["Plant A"]
        assert [i.name for i in b.list()] == ["Plant B"]
        assert [i.name for i in operator.list()] == ["Operator's"]
        for other in (theirs.id, legacy.id):  # another workspace's id is not found
            for attempt in (lambda i: a.load(i), lambda i: a.rename(i, "Taken"),
                            lambda i: a.delete(i), lambda i: a.restore(i),
                            lambda i: a.purge(i), lambda i: a.duplicate(i),
                            lambda i: a.save("Overwritten", {"x": 0}, scenario_id=i),
                            lambda i: a.export_json([i])):
                with pytest.raises(StoreError, match="not in the store"):
                    attempt(other)
        assert b.load(theirs.id).name == "Plant B" and b.load(theirs.id).revision == 1
        assert operator.load(legacy.id).scenario == {"x": 3}
        exported = json.loads(a.export_json())
        assert [s["name"] for s in exported["scenarios"]] == ["Plant A"]
        text_a, _ = a.export_checked()
        assert "Plant B" not in text_a and "Operator's" not in text_a
        # A name is free per workspace, and the trash is the workspace's own.
        assert a.duplicate(mine.id).name == "Plant A (copy)"
        b.delete(theirs.id)
        assert a.trash() == [] and [i.name for i in b.trash()] == ["Plant B"]
        (imported,) = b.import_json(a.export_json([mine.id]))
        assert imported.name == "Plant A" and len(a.list()) == 2
        assert [i.name for i in b.list()] == ["Plant A"]


def test_a_workspace_must_be_a_plain_name():
    with pytest.raises(ValueError):
        ScenarioStore("sqlite://", workspace="a b")


_V2_SQL = """
CREATE TABLE meta (key VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE scenarios (
    id VARCHAR(32) NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    scenario_json TEXT NOT NULL,
    result_json TEXT,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    deleted_at VARCHAR(32),
    revision INTEGER DEFAULT 1 NOT NULL,
    schema_version VARCHAR(64),
    capacity_kwp FLOAT,
    npv FLOAT,
    avoided_tco2_year1 FLOAT,
    currency VARCHAR(8)
);
CREATE INDEX ix_scenarios_updated_at ON scenarios (updated_at);
INSERT INTO meta (key, value) VALUES ('schema_version', '2');
INSERT INTO scenarios (id, name, scenario_json, created_at, updated_at, revision, npv)
VALUES ('dddddddddddddddddddddddddddddddd', 'Saved before workspaces', '{"x": 1}',
        '2026-01-01T00:00:00.000000Z', '2026-01-02T00:00:00.000000Z', 4, 12.5);
INSERT INTO scenarios (id, name, scenario_json, created_at, updated_at, deleted_at)
VALUES ('eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', 'Trashed before', '{"x": 2}',
        '2026-01-01T00:00:00.000000Z', '2026-01-02T00:00:00.000000Z',
        '2026-01-03T00:00:00.000000Z');
"""


def test_a_store_of_the_old_schema_keeps_its_rows_for_the_operator_only(store_url):
    engine = create_engine(store_url)
    try:
        with engine.begin() as conn:
            for statement in _V2_SQL.split(";"):
                if statement.strip():
                    conn.execute(text(statement))
    finally:
        engine.dispose()
    with ScenarioStore(store_url) as operator:
        (line,) = operator.list()
        assert (line.name, line.revision, line.npv) == ("Saved before workspaces", 4, 12.5)
        assert [i.name for i in operator.trash()] == ["Trashed before"]
        assert json.loads(operator.export_json())["scenarios"][0]["scenario"] == {"x": 1}
        app_session = operator.in_workspace(workspace_id(A_TOKEN))
        assert app_session.list() == [] and app_session.trash() == []
        with pytest.raises(StoreError, match="not in the store"):
            app_session.load(line.id)
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT value FROM meta")).scalar_one() == "3"
            assert conn.execute(text("SELECT count(*) FROM scenarios")).scalar_one() == 2
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- the app
def _session(tmp_path, monkeypatch, token: str | None = None, lang: str = "en") -> AppTest:
    """A browser session of the app (its own workspace, or the one of ``token``), on the
    store and upload root every session of the server shares."""
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    monkeypatch.setenv("PVPLANNER_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.setenv("PVPLANNER_UPLOAD_DIR", str(tmp_path / "uploads"))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["lang"] = lang
    if token is not None:
        app.query_params[WORKSPACE_PARAM] = token
    app.run()
    goto(app, "compare")
    assert_clean(app)
    return app


def _save_as(app, name: str) -> None:
    app.text_input(key="save_name").set_value(name).run()
    app.button(key="save_new").click().run()
    assert_clean(app)


def _listed(app) -> list[str]:
    return list(app.selectbox(key="pick_saved").options) if any(
        s.key == "pick_saved" for s in app.selectbox) else []


def _page_text(app) -> str:
    return " ".join(shown(str(e.value)) for kind in ("error", "warning", "info", "success",
                                                       "caption", "markdown")
                    for e in app.get(kind))


def test_a_new_browser_gets_a_random_token_that_survives_page_switches(tmp_path,
                                                                        monkeypatch):
    app = _session(tmp_path, monkeypatch)
    token = app.query_params[WORKSPACE_PARAM]
    assert isinstance(token, str) and len(token) >= 43  # 256 bits, token_urlsafe
    other = _session(tmp_path, monkeypatch)
    assert other.query_params[WORKSPACE_PARAM] != token
    for page in ("load", "results", "compare", "site"):
        goto(app, page)
        assert app.query_params[WORKSPACE_PARAM] == token, page
        # the language too, so that a bookmarked page opens in the reader's language
        assert app.query_params["lang"] == app.session_state["lang"], page
    # The upload folder is named by a hash of the token, never the token itself.
    goto(app, "compare")
    _save_as(app, "Kept")
    assert token not in str(list((tmp_path / "uploads").glob("**/*")))
    # The Compare page tells the reader to keep the address, in both languages.
    assert "bookmark the address" in _page_text(app)
    chinese = _session(tmp_path, monkeypatch, token=token, lang="zh")
    assert "请将网址加入书签" in _page_text(chinese)


def test_two_browsers_never_see_each_others_scenarios(tmp_path, monkeypatch):
    a = _session(tmp_path, monkeypatch, A_TOKEN)
    _save_as(a, "Secret plant A")
    store = ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite'}")
    (saved,) = store.in_workspace(workspace_id(A_TOKEN)).list()
    b = _session(tmp_path, monkeypatch, B_TOKEN)
    # Not listed, not offered for comparison, not in B's export (the page's own call).
    assert _listed(b) == [] and "Secret plant A" not in _page_text(b)
    assert "Secret plant A" not in b.multiselect(key="compare_pick").options
    b_store = store.in_workspace(workspace_id(B_TOKEN))
    assert json.loads(b_store.export_checked()[0])["scenarios"] == []
    # B's store cannot open, rename or delete A's scenario by its id.
    for attempt in (b_store.load, b_store.delete, lambda i: b_store.rename(i, "Mine")):
        with pytest.raises(StoreError, match="not in the store"):
            attempt(saved.id)
    # Overwriting through the page: B's session claims A's scenario as its own.
    b.session_state["doc_origin"] = {"kind": "store", "id": saved.id, "revision": 1,
                                     "name": "Secret plant A"}
    b.run()
    b.text_input(key="save_name").set_value("Overwritten").run()
    b.button(key="save_update").click().run()
    assert not b.exception
    assert "not in the store" in _page_text(b)
    after = store.in_workspace(workspace_id(A_TOKEN)).load(saved.id)
    assert (after.name, after.revision) == ("Secret plant A", 1)
    # B's own save lands in B's workspace only.
    _save_as(b, "Plant B")
    assert [i.name for i in store.in_workspace(workspace_id(A_TOKEN)).list()] == \
        ["Secret plant A"]
    assert [i.name for i in b_store.list()] == ["Plant B"]
    # The same link (A's token) in another browser finds A's scenario and opens it.
    again = _session(tmp_path, monkeypatch, A_TOKEN)
    assert _listed(again) == ["Secret plant A"]
    again.selectbox(key="pick_saved").set_value(saved.id).run()
    again.button(key="open_saved").click().run()
    assert_clean(again)
    assert "Opened “Secret plant A”" in _page_text(again)
    # Nothing of either workspace is the operator's (command line) view.
    assert store.list() == []


def test_a_file_of_another_workspace_cannot_be_named(tmp_path, monkeypatch):
    a_folder = upload_root_for(tmp_path) / workspace_id(A_TOKEN) / "meter"
    a_folder.mkdir(parents=True)
    victim = a_folder / "victim.csv"
    victim.write_text("time,kw\nprivate of A,1\n")
    b = _session(tmp_path, monkeypatch, B_TOKEN)
    for name in (str(victim), f"../{workspace_id(A_TOKEN)}/meter/victim.csv",
                 "../../../meter/victim.csv"):
        scenario = demo_scenario().model_dump(mode="json")
        scenario["name"] = "Sneaky"
        scenario["load"].update(kind="meter_file", meter_file=name)
        b.file_uploader(key="scenario_upload").set_value(
            (f"sneaky{len(name)}.json", json.dumps(scenario).encode(), "application/json"))
        b.run()
        assert not b.exception
        assert b.session_state["doc"]["load"]["meter_file"] is None, name
        assert any("outside the app's upload folder" in w.value for w in b.warning), name
    goto(b, "load")
    assert "private of A" not in _page_text(b)
    # The owner's session may use it.
    a = _session(tmp_path, monkeypatch, A_TOKEN)
    scenario = demo_scenario().model_dump(mode="json")
    scenario["load"].update(kind="meter_file", meter_file="meter/victim.csv")
    a.file_uploader(key="scenario_upload").set_value(
        ("own.json", json.dumps(scenario).encode(), "application/json"))
    a.run()
    assert a.session_state["doc"]["load"]["meter_file"] == str(victim.resolve())


def upload_root_for(tmp_path):
    return tmp_path / "uploads"


def _portfolio_page():
    from pvplanner.app.page_portfolio import render

    render()


def test_a_sites_file_cannot_name_another_workspaces_upload(tmp_path, monkeypatch):
    a_meter = upload_root_for(tmp_path) / workspace_id(A_TOKEN) / "meter"
    a_meter.mkdir(parents=True)
    (a_meter / "victim.csv").write_text("time,kw\nprivate of A,1\n")
    monkeypatch.setenv("PVPLANNER_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    app = AppTest.from_function(_portfolio_page, default_timeout=30)
    app.query_params[WORKSPACE_PARAM] = B_TOKEN
    app.run()
    rows = [f"S{i},30.2,120.1,2000,,{name},," for i, name in enumerate((
        "../../../meter/victim.csv", f"../../../{workspace_id(A_TOKEN)}/meter/victim.csv",
        f"../../../../{workspace_id(A_TOKEN)}/meter/victim.csv",
        str(a_meter / "victim.csv")))]
    content = ("name,lat,lon,roof_area_m2,annual_kwh,meter_file,template,weather.file\n"
               + "\n".join(rows) + "\n").encode()
    app.file_uploader(key="portfolio:file").set_value(("sites.csv", content, "text/csv"))
    app.run()
    assert not app.exception
    assert "portfolio:run" not in [b.key for b in app.button]  # no site can be planned
    seen = " ".join(str(getattr(e, "value", "")) for e in app.main)
    assert "private of A" not in seen and str(tmp_path) not in seen


def test_a_scenario_naming_the_upload_folder_itself_does_not_show_its_path(tmp_path,
                                                                            monkeypatch):
    app = _session(tmp_path, monkeypatch)
    scenario = demo_scenario().model_dump(mode="json")
    scenario["load"].update(kind="meter_file", meter_file=".")
    app.file_uploader(key="scenario_upload").set_value(
        ("dot.json", json.dumps(scenario).encode(), "application/json"))
    app.run()
    for page in ("load", "results", "compare"):
        goto(app, page)
        assert not app.exception
        seen = _page_text(app) + " ".join(str(e.value) for e in app.error)
        assert str(tmp_path) not in seen and "uploads" not in seen, page


def test_a_scenario_file_over_the_command_lines_limit_is_refused(tmp_path, monkeypatch):
    app = _session(tmp_path, monkeypatch)
    scenario = demo_scenario().model_dump(mode="json")
    scenario["name"] = "Huge"
    data = json.dumps(scenario).encode() + b" " * 6_000_000
    assert len(data) > MAX_SCENARIO_BYTES
    app.file_uploader(key="scenario_upload").set_value(("huge.json", data, "application/json"))
    app.run()
    assert not app.exception
    errors = [shown(e.value) for e in app.error]
    assert len(errors) == 1 and "huge.json is 6.0 MB, more than the 5.0 MB limit" in errors[0]
    assert app.session_state["doc"]["name"] != "Huge"


def test_a_shared_workspace_is_one_store_for_every_session(tmp_path, monkeypatch):
    monkeypatch.setenv("PVPLANNER_SHARED_WORKSPACE", "1")
    a = _session(tmp_path, monkeypatch)
    assert WORKSPACE_PARAM not in a.query_params
    _save_as(a, "Team plan")
    b = _session(tmp_path, monkeypatch)
    assert _listed(b) == ["Team plan"]
    assert "one shared workspace" in _page_text(b)
    operator = ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert [i.name for i in operator.list()] == ["Team plan"]
    assert upload_root() == tmp_path / "uploads"


def test_start_app_sessions_are_isolated(tmp_path, monkeypatch):
    # The helper every app test uses gives each AppTest its own workspace too.
    first = start_app(tmp_path, monkeypatch)
    second = start_app(tmp_path, monkeypatch)
    assert first.query_params[WORKSPACE_PARAM] != second.query_params[WORKSPACE_PARAM]


@pytest.mark.parametrize("crafted", ["", "short", "../" + "a" * 30, "a" * 200, "a b" * 12,
                                     "%2e%2e%2f" * 4])
def test_a_crafted_workspace_in_the_address_gets_a_fresh_random_one(tmp_path, monkeypatch,
                                                                     crafted):
    """An address whose token is empty, too short or long, or path-like opens a new random
    workspace (never a folder named after the text), whose folder stays in the root."""
    app = _session(tmp_path, monkeypatch, token=crafted)
    token = app.query_params[WORKSPACE_PARAM]
    assert token != crafted and len(token) >= 43
    _save_as(app, "Mine")
    folders = [p for p in (tmp_path / "uploads").iterdir()] if (
        tmp_path / "uploads").exists() else []
    assert all(p.name == workspace_id(token) for p in folders), folders
    assert _listed(app) == ["Mine"]
