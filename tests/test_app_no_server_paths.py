"""No server path and no stored (hashed) file name reaches the app's users: the scenario
they download or save names its uploads relative to their upload folder, with the names
they gave the files, and every page and the proposal name the files by those names."""

from __future__ import annotations

import copy
import json
import re

import numpy as np
import pandas as pd
import pytest

from tests.test_app_support import goto, shown, start_app

#: A stored upload's name: 20 hex digits of its content's hash.
HASHED = re.compile(r"[0-9a-f]{20}")
METER_NAME = "电表数据2025.csv"
WEATHER_NAME = "杭州气象2025.csv"


def _meter_csv() -> bytes:
    index = pd.date_range("2025-01-01", periods=8760, freq="h")
    kw = 500 + 200 * np.sin(np.arange(8760) / 24 * 2 * np.pi)
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), "有功功率(kW)": kw})
    return frame.to_csv(index=False).encode("utf-8")


def _weather_csv() -> bytes:
    from weather.synthetic import synthetic_weather_for_place

    frame, _ = synthetic_weather_for_place(30.18, 120.26, seed=3)
    return ("# latitude=30.18 longitude=120.26 utc_offset=8\n"
            + frame.to_csv(index_label="time")).encode()


@pytest.fixture
def uploaded(tmp_path, monkeypatch):
    """The app after a meter file and a weather file were uploaded on their pages."""
    app = start_app(tmp_path, monkeypatch)
    app.file_uploader(key="weather_upload").set_value((WEATHER_NAME, _weather_csv(), "text/csv"))
    app.run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    goto(app, "load")
    app.radio(key="in:load.kind").set_value("meter_file").run()
    app.file_uploader(key="meter_upload").set_value((METER_NAME, _meter_csv(), "text/csv"))
    app.run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    return app, tmp_path / "uploads"


def _folder(root, stored: str):
    """The session's own upload folder (its workspace's, under the upload root): the one
    holding the stored upload."""
    found = [folder for folder in (root, *root.iterdir()) if (folder / stored).is_file()]
    assert len(found) == 1, (stored, found)
    return found[0]


def _confined(root, document: dict):
    """The scenario as the app plans it: its files resolved inside the session's folder."""
    from pvplanner.guard.paths import confine_document
    from pvplanner.scenario.model import parse_scenario

    document = copy.deepcopy(document)
    assert not confine_document(document, _folder(root, document["load"]["meter_file"]))
    return parse_scenario(document)


def _scenario_json(app) -> str:
    """The scenario as the user keeps it (what is saved to the store, and downloaded)."""
    from pvplanner.scenario.model import parse_scenario, scenario_to_json

    return scenario_to_json(parse_scenario(copy.deepcopy(app.session_state["doc"])))


def _assert_no_server_path(text: str, root) -> None:
    for folder in {str(root), str(root.resolve())}:
        assert folder not in text
    data = json.loads(text)
    for value in (data["load"]["meter_file"], data["weather"]["file"]):
        assert not value.startswith("/") and ".." not in value, value


def test_the_scenario_names_its_uploads_inside_the_upload_folder_by_their_names(uploaded):
    from pathlib import Path

    app, root = uploaded
    text = _scenario_json(app)
    _assert_no_server_path(text, root)
    data = json.loads(text)
    assert data["load"]["meter_file_name"] == METER_NAME
    assert data["weather"]["file_name"] == WEATHER_NAME
    # The app's own check resolves the stored form to the uploaded files.
    confined = _confined(root, data)
    assert Path(confined.load.meter_file).read_bytes() == _meter_csv()
    assert Path(confined.weather.file).read_bytes() == _weather_csv()


def test_a_plan_runs_from_the_stored_scenario(uploaded):
    """The scenario file, kept in the upload folder, loads and plans (relative names are
    taken from the scenario file's folder)."""
    from pvplanner import load_scenario, plan

    app, root = uploaded
    stored = app.session_state["doc"]["load"]["meter_file"]
    scenario_file = _folder(root, stored) / "scenario.json"
    scenario_file.write_text(_scenario_json(app), encoding="utf-8")
    result = plan(load_scenario(scenario_file), with_npv_curve=False, with_sensitivity=False)
    assert result.energy.load_kwh == pytest.approx(4_380_000, rel=0.01)
    rows = {row.item: row for row in result.assumptions}
    assert rows["load.meter_file"].value == METER_NAME


def test_the_quality_report_names_the_file_as_uploaded(uploaded):
    app, _ = uploaded
    texts = [shown(m.value) for m in app.markdown]
    assert any("Data quality report" in text and text.endswith(f"— {METER_NAME}")
               for text in texts), texts
    for text in texts:
        assert not HASHED.search(text), text
    goto(app, "site")
    captions = " ".join(shown(c.value) for c in app.caption)
    assert WEATHER_NAME in captions
    assert not HASHED.search(captions)


@pytest.mark.parametrize("lang, words", [("en", "the uploaded meter file"),
                                         ("zh", "上传的电表数据文件")])
def test_an_older_scenario_names_no_hashed_file(tmp_path, monkeypatch, lang, words):
    """A scenario saved before names were kept (absolute stored path, no name): words in
    the reader's language, never the stored name."""
    app = start_app(tmp_path, monkeypatch, lang=lang)
    # The session's folder: where its upload would go.
    goto(app, "load")
    app.radio(key="in:load.kind").set_value("meter_file").run()
    app.file_uploader(key="meter_upload").set_value(("meter.csv", _meter_csv(), "text/csv"))
    app.run()
    path = _folder(tmp_path / "uploads", app.session_state["doc"]["load"]["meter_file"]) \
        / app.session_state["doc"]["load"]["meter_file"]
    app.session_state["doc"]["load"].update(meter_file_name=None)
    app.session_state["doc"]["load"].update(kind="meter_file", meter_file=str(path))
    goto(app, "load")
    assert not app.exception and not app.error, [e.value for e in app.error]
    texts = [shown(m.value) for m in app.markdown]
    assert any(text.endswith(f"— {words}") for text in texts), texts
    for text in texts:
        assert not HASHED.search(text), text


def test_the_proposal_names_the_meter_file_as_uploaded(uploaded):
    """The proposal's assumptions (HTML and workbook) name the uploaded file by its name;
    without a name, by words in the reader's language; never by the stored name."""
    import io

    from openpyxl import load_workbook

    from pvplanner import plan
    from pvplanner.report import render_html, render_xlsx

    app, root = uploaded
    scenario = _confined(root, json.loads(_scenario_json(app)))
    result = plan(scenario, with_npv_curve=False, with_sensitivity=False)
    html = render_html(result, "zh")
    assert METER_NAME in html
    assert not HASHED.search(html)
    book = load_workbook(io.BytesIO(render_xlsx(result, "en")), read_only=True)
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True)
             for c in row if c is not None]
    assert METER_NAME in cells
    assert not any(HASHED.search(c) for c in cells)
    # An older scenario: no name kept.
    old = scenario.model_copy(update={"load": scenario.load.model_copy(
        update={"meter_file_name": None})})
    rows = {row.item: row for row in plan(old, with_npv_curve=False,
                                          with_sensitivity=False).assumptions}
    assert rows["load.meter_file"].value == "the uploaded meter file"
    assert rows["load.meter_file"].value_zh == "上传的电表数据文件"


def test_the_downloaded_scenario_names_no_server_folder(uploaded, monkeypatch):
    """The "Download the current scenario (JSON)" button's file, and the export of every
    saved scenario (their scenarios and their results' inputs) after a save."""
    import streamlit as st

    app, root = uploaded
    given: dict[str, bytes] = {}
    original = st.download_button

    def recording(label, data, *args, **kwargs):
        given[kwargs.get("key") or label] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    goto(app, "compare")
    assert "dl_scenario" in given, list(given)
    downloaded = given["dl_scenario"].decode("utf-8")
    _assert_no_server_path(downloaded, root)
    assert json.loads(downloaded)["load"]["meter_file"].startswith("meter/")
    app.text_input(key="save_name").set_value("带电表的方案").run()
    app.button(key="save_new").click().run()
    assert not app.exception
    exported = given["dl_store"].decode("utf-8")
    assert "带电表的方案" in exported
    saved = json.loads(exported)["scenarios"][0]
    _assert_no_server_path(json.dumps(saved["scenario"], ensure_ascii=False), root)
    assert saved["scenario"]["load"]["meter_file"].startswith("meter/")
    if saved["result"] is not None:
        _assert_no_server_path(json.dumps(saved["result"]["inputs"], ensure_ascii=False),
                               root)
    for folder in {str(root), str(root.resolve())}:
        assert folder not in exported
