"""Page 6 (compare scenarios) under AppTest: save, open, rename, duplicate, delete with undo,
the trash, files, and the side-by-side comparison; saved scenarios are never lost."""

from __future__ import annotations

import json

import pytest

from pvplanner.store.repository import ScenarioStore
from tests.test_app_support import assert_clean, goto, metric, number, shown, start_app


@pytest.fixture
def app(tmp_path, monkeypatch):
    app = start_app(tmp_path, monkeypatch)
    goto(app, "compare")
    assert_clean(app)
    return app


def _store(tmp_path, app) -> ScenarioStore:
    # The store as the app session's workspace sees it: each browser has its own scenarios
    # (the token in the page's address), so a store opened without it sees none of them.
    from pvplanner.app.uploads import WORKSPACE_PARAM, workspace_id

    return ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite'}",
                         workspace=workspace_id(app.query_params[WORKSPACE_PARAM]))


def _save_as(app, name: str) -> None:
    app.text_input(key="save_name").set_value(name).run()
    app.button(key="save_new").click().run()
    assert_clean(app)


def test_save_change_and_compare_two_scenarios(app, tmp_path):
    _save_as(app, "Whole roof")
    assert any("Saved “Whole roof”" in s.value for s in app.success)
    goto(app, "tariff")
    app.number_input(key="in:constraints.max_total_kwp").set_value(1000).run()
    goto(app, "compare")
    _save_as(app, "1 MW only")
    saved = {item.name: item for item in _store(tmp_path, app).list()}
    assert set(saved) == {"Whole roof", "1 MW only"}
    # The store keeps the plan's figures with the scenario.
    assert saved["1 MW only"].capacity_kwp == pytest.approx(1000.0)
    assert saved["Whole roof"].npv > saved["1 MW only"].npv
    app.multiselect(key="compare_pick").set_value([s.id for s in saved.values()]).run()
    assert_clean(app)
    table = app.dataframe[-1].value
    assert list(table.columns[1:]) == ["1 MW only", "Whole roof"] or \
        set(table.columns[1:]) == {"1 MW only", "Whole roof"}
    row = table.loc[table.iloc[:, 0] == "PV capacity"].iloc[0]
    assert row["1 MW only"] == "1,000.0 kWp" and row["Whole roof"] == "3,041.8 kWp"
    assert len(app.get("vega_lite_chart")) >= 5  # 3 bars + cumulative cash + monthly PV


def test_open_a_saved_scenario_replaces_the_inputs(app, tmp_path):
    goto(app, "tariff")
    app.number_input(key="in:constraints.max_total_kwp").set_value(1500).run()
    goto(app, "compare")
    _save_as(app, "Capped")
    app.button(key="new_demo").click().run()
    assert app.session_state["doc"]["constraints"]["max_total_kwp"] is None
    assert metric(app, "PV capacity", sidebar=True) == "3,041.8 kWp"
    app.button(key="open_saved").click().run()
    assert_clean(app)
    assert app.session_state["doc"]["constraints"]["max_total_kwp"] == 1500
    assert metric(app, "PV capacity", sidebar=True) == "1,500.0 kWp"
    goto(app, "tariff")
    assert app.number_input(key="in:constraints.max_total_kwp").value == 1500
    # Saving again updates the opened scenario (a new revision), not a copy.
    goto(app, "compare")
    app.button(key="save_update").click().run()
    items = _store(tmp_path, app).list()
    assert len(items) == 1 and items[0].revision == 2


def test_rename_duplicate_delete_undo_and_restore(app, tmp_path):
    _save_as(app, "Plant A")
    store = _store(tmp_path, app)
    (original,) = store.list()
    # A blank new name is told, and the scenario keeps its name.
    app.text_input(key="rename_to").set_value("   ").run()
    app.button(key="rename_saved").click().run()
    assert store.load(original.id).name == "Plant A"
    assert any("type the new name first" in w.value for w in app.warning)
    with_rename = app.text_input(key="rename_to")
    with_rename.set_value("Plant A – 2026").run()
    app.button(key="rename_saved").click().run()
    assert store.load(original.id).name == "Plant A – 2026"
    app.button(key="duplicate_saved").click().run()
    names = sorted(item.name for item in store.list())
    assert names == ["Plant A – 2026", "Plant A – 2026 (copy)"]
    # Delete the copy, then undo.
    copy_id = next(i.id for i in store.list() if i.name.endswith("(copy)"))
    app.selectbox(key="pick_saved").set_value(copy_id).run()
    app.button(key="delete_saved").click().run()
    assert [i.name for i in store.list()] == ["Plant A – 2026"]
    assert [i.name for i in store.trash()] == ["Plant A – 2026 (copy)"]
    assert any("moved to the trash" in w.value for w in app.warning)
    app.button(key="undo_delete").click().run()
    assert len(store.list()) == 2 and not store.trash()
    # Delete again and restore from the trash list.
    app.selectbox(key="pick_saved").set_value(copy_id).run()
    app.button(key="delete_saved").click().run()
    app.button(key=f"restore:{copy_id}").click().run()
    assert_clean(app)
    assert len(store.list()) == 2


def test_open_a_scenario_file_and_refuse_a_broken_one(app):
    from pvplanner.scenario.model import demo_scenario

    scenario = demo_scenario().model_dump(mode="json")
    scenario["name"] = "From a file"
    scenario["finance"]["pv_capex_per_kwp"] = 2800.0
    app.file_uploader(key="scenario_upload").set_value(
        ("plant.json", json.dumps(scenario).encode(), "application/json"))
    app.run()
    assert_clean(app)
    assert app.session_state["doc"]["name"] == "From a file"
    assert app.session_state["doc"]["finance"]["pv_capex_per_kwp"] == 2800.0
    broken = dict(scenario, roof_planes=[])
    app.file_uploader(key="scenario_upload").set_value(
        ("broken.json", json.dumps(broken).encode(), "application/json"))
    app.run()
    assert not app.exception
    # The field in the reader's words (屋顶分区 / Roof planes), never its key.
    error = shown(app.error[0].value)
    assert len(app.error) == 1 and "Roof planes" in error and "roof_planes" not in error
    assert app.session_state["doc"]["name"] == "From a file"  # the work is kept


def test_export_envelope_can_be_imported(app, tmp_path):
    _save_as(app, "Exported")
    envelope = _store(tmp_path, app).export_json()
    app.file_uploader(key="scenario_upload").set_value(
        ("pvplanner-scenarios.json", envelope.encode(), "application/json"))
    app.run()
    assert_clean(app)
    names = sorted(item.name for item in _store(tmp_path, app).list())
    assert names == ["Exported", "Exported (imported)"]


def test_the_current_scenario_is_compared_without_saving(app):
    assert app.multiselect(key="compare_pick").value == ["__current__"]
    table = app.dataframe[-1].value
    npv = table.loc[table.iloc[:, 0] == "Net present value (after tax)"].iloc[0, 1]
    assert npv.endswith("(company)")  # whose NPV it is
    assert number(npv) == pytest.approx(number(metric(app, "Net present value",
                                                      sidebar=True)), rel=0.01)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "the scenario's load template “bogus_factory” is not one of the app's industry "
           "templates: choose one on the page “Load”"),
    ("zh", "方案中的负荷模板“bogus_factory”不是本应用提供的行业模板：请在“用电负荷”页面选择"),
])
def test_an_unknown_template_is_chosen_on_the_page_not_given_as_a_path(tmp_path, monkeypatch,
                                                                        lang, expected):
    """The command line's text offers a template file's path, which a web user cannot give;
    the app's names neither the templates' ids nor a path."""
    from pvplanner.scenario.model import demo_scenario

    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "compare")
    scenario = demo_scenario().model_dump(mode="json")
    scenario["load"].update(template="bogus_factory")
    app.file_uploader(key="scenario_upload").set_value(
        ("plant.json", json.dumps(scenario).encode(), "application/json"))
    app.run()
    goto(app, "load")
    assert not app.exception
    errors = [shown(e.value) for e in app.error]
    assert len(errors) == 1 and errors[0].endswith(expected), errors
    assert ".toml" not in errors[0] and "three_shift_continuous" not in errors[0]


def test_a_scenario_naming_a_server_file_does_not_read_it(app, tmp_path):
    from pvplanner.scenario.model import demo_scenario

    secret = tmp_path / "secret.csv"
    secret.write_text("time,kw\nthis is private,1\n")
    scenario = demo_scenario().model_dump(mode="json")
    scenario["load"].update(kind="meter_file", meter_file=str(secret))
    app.file_uploader(key="scenario_upload").set_value(
        ("plant.json", json.dumps(scenario).encode(), "application/json"))
    app.run()
    assert not app.exception
    assert app.session_state["doc"]["load"]["meter_file"] is None
    # The field is named as the load page names it, not by its key.
    assert any("outside the app's upload folder (Meter data file)" in w.value
               for w in app.warning)
    goto(app, "load")
    assert not app.exception
    assert "this is private" not in " ".join(e.value for e in app.error)
    # The scenario asks for the file again instead (error under the meter input).
    assert any(shown(e.value).endswith(
        "invalid scenario: a meter data file is needed when the load comes from meter data")
        for e in app.error)


def test_a_chinese_readers_copy_and_import_are_named_in_chinese(tmp_path, monkeypatch):
    """The word after a copy's (and a renamed import's) name is the reader's: 副本, 导入."""
    app = start_app(tmp_path, monkeypatch, lang="zh")
    goto(app, "compare")
    _save_as(app, "厂区A")
    app.button(key="duplicate_saved").click().run()
    assert_clean(app)
    store = _store(tmp_path, app)
    assert sorted(item.name for item in store.list()) == ["厂区A", "厂区A (副本)"]
    export = store.export_json([i.id for i in store.list() if i.name == "厂区A"])
    (renamed,) = store.import_json(export, imported_word="导入")
    assert renamed.name == "厂区A (导入)"


def test_a_damaged_saved_scenario_is_named_left_out_of_the_export_and_deletable(
        tmp_path, monkeypatch):
    # A row changed in the database by hand: the page, in Chinese, names it (no id, no
    # Python words), still exports the others and lets the user delete it.
    import sqlite3

    app = start_app(tmp_path, monkeypatch, lang="zh")
    goto(app, "compare")
    _save_as(app, "好方案")
    _save_as(app, "坏方案")
    store = _store(tmp_path, app)
    bad = next(i.id for i in store.list() if i.name == "坏方案")
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        conn.execute("UPDATE scenarios SET scenario_json = ? WHERE id = ?", ('{"name": ', bad))
    app.run()
    assert not app.exception
    warnings = [w.value.replace("\\", "") for w in app.warning]
    left_out = [w for w in warnings if "导出时不包含" in w]
    assert len(left_out) == 1 and "“坏方案”" in left_out[0] and bad not in left_out[0]
    exported = json.loads(store.export_json(skip_damaged=True))
    assert [item["name"] for item in exported["scenarios"]] == ["好方案"]
    app.selectbox(key="pick_saved").set_value(bad).run()
    app.button(key="delete_saved").click().run()
    assert not app.exception
    assert [i.name for i in store.list()] == ["好方案"]
    assert [i.name for i in store.trash()] == ["坏方案"]
