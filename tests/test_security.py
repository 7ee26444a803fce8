"""The app as a shared server (issue 15): no user-supplied path reads outside the user's
upload folder, no user text becomes a formula in a workbook or CSV file.

A "server file" here is a file in the test's folder but outside the upload folder, holding a
line like the first line of /etc/passwd: it must never be read, named or quoted.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pvplanner.batch.sites import parse_sites
from pvplanner.errors import PlannerInputError
from pvplanner.guard.paths import OutsideFolderError, confine_document, confined_path
from pvplanner.store.records import StoreError
from pvplanner.store.repository import ScenarioStore

SECRET_LINE = "root:x:0:0:root:/root:/bin/bash"


@pytest.fixture
def server(tmp_path) -> dict[str, Path]:
    """An upload folder, and server files outside it (a secret, a template, a symlink in)."""
    uploads = tmp_path / "uploads"
    (uploads / "meter").mkdir(parents=True)
    secret = tmp_path / "etc" / "passwd"
    secret.parent.mkdir()
    secret.write_text(SECRET_LINE + "\n")
    template = tmp_path / "etc" / "server.toml"
    template.write_text("not = [ a template\n")
    link = uploads / "meter" / "link.csv"
    link.symlink_to(secret)
    inside = uploads / "meter" / "mine.csv"
    inside.write_text("time,kw\n")
    return {"uploads": uploads, "secret": secret, "template": template, "link": link,
            "inside": inside}


def _no_leak(text: str, server: dict[str, Path]) -> None:
    assert SECRET_LINE not in text and "root:x" not in text, text
    assert str(server["uploads"]) not in text, text  # no server path of the upload folder


# --------------------------------------------------------------------------- the one rule
def test_confined_path_accepts_only_files_inside_the_folder(server):
    uploads = server["uploads"]
    assert confined_path("meter/mine.csv", uploads) == server["inside"].resolve()
    assert confined_path(str(server["inside"]), uploads) == server["inside"].resolve()
    # "~" is not the server's home folder, just a name inside the folder.
    assert confined_path("~/x.csv", uploads) == uploads.resolve() / "~" / "x.csv"
    refused = [
        str(server["secret"]),                      # absolute, elsewhere
        "../etc/passwd",                            # climbing out
        "meter/../../etc/passwd",
        "meter/link.csv",                           # a symlink pointing out
        "",
        "a\x00b",
    ]
    for name in refused:
        with pytest.raises(OutsideFolderError) as caught:
            confined_path(name, uploads, what="load.meter_file")
        assert str(server["uploads"]) not in str(caught.value)
        assert caught.value.field == "load.meter_file"
    # A base folder outside the root accepts nothing relative to it.
    with pytest.raises(OutsideFolderError):
        confined_path("passwd", uploads, base=server["secret"].parent)


def test_confine_document_rewrites_inside_and_reports_outside(server):
    document = {"load": {"meter_file": "meter/mine.csv", "template": str(server["template"])},
                "weather": {"file": str(server["secret"])}}
    refused = confine_document(document, server["uploads"])
    assert refused == ["weather.file", "load.template"]
    assert document["load"]["meter_file"] == str(server["inside"].resolve())
    assert document["weather"]["file"] == str(server["secret"])  # left for the caller
    confine_document(document, server["uploads"], clear=True)
    assert document["weather"]["file"] is None
    assert document["load"]["template"] == "three_shift_continuous"  # the default


# --------------------------------------------------------------------------- 1: store import
def _envelope(scenario: dict) -> str:
    return json.dumps({"format": "pvplanner-scenarios", "version": 1,
                       "scenarios": [{"name": "Hostile", "scenario": scenario}]})


def _scenario_with_meter(path: str) -> dict:
    from pvplanner.scenario.model import demo_scenario

    scenario = demo_scenario().model_dump(mode="json")
    scenario["load"].update(kind="meter_file", meter_file=path)
    return scenario


def test_store_import_refuses_a_server_file_when_confined(server):
    store = ScenarioStore("sqlite://")
    for path in (str(server["secret"]), "../etc/passwd", "meter/link.csv"):
        with pytest.raises(StoreError) as caught:
            store.import_json(_envelope(_scenario_with_meter(path)),
                              files_root=server["uploads"])
        assert "(meter file)" in str(caught.value)
        _no_leak(str(caught.value), server)
    assert store.list() == []  # nothing imported
    weather = _scenario_with_meter("meter/mine.csv")
    weather["weather"] = {"source": "file", "file": str(server["secret"])}
    with pytest.raises(StoreError, match="weather.file"):
        store.import_json(_envelope(weather), files_root=server["uploads"])
    # Inside the folder: imported, with the resolved path.
    saved = store.import_json(_envelope(_scenario_with_meter("meter/mine.csv")),
                              files_root=server["uploads"])
    assert saved[0].scenario["load"]["meter_file"] == str(server["inside"].resolve())
    # The operator's own import (no folder given) keeps any path.
    operator = store.import_json(_envelope(_scenario_with_meter(str(server["secret"]))))
    assert operator[0].scenario["load"]["meter_file"] == str(server["secret"])


def _texts(app) -> str:
    from tests.test_app_support import flat

    parts = []
    for element in flat(app.main):
        value = getattr(element, "value", None)
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_string())
        elif value is not None:
            parts.append(str(value))
    return "\n".join(parts)


@pytest.fixture
def compare_app(tmp_path, monkeypatch, server):
    from tests.test_app_support import goto, start_app

    app = start_app(tmp_path, monkeypatch)
    goto(app, "compare")
    return app


def _session_store(tmp_path, app) -> ScenarioStore:
    """The app's store as the session ``app`` sees it: each browser has its own workspace
    (the token in the page's address), so rows saved without it are not the session's."""
    from pvplanner.app.uploads import WORKSPACE_PARAM, workspace_id

    return ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite'}",
                         workspace=workspace_id(app.query_params[WORKSPACE_PARAM]))


def test_compare_page_does_not_plan_a_stored_scenario_naming_a_server_file(
        compare_app, tmp_path, server):
    store = _session_store(tmp_path, compare_app)
    # Saved by another program (or an older pvplanner) into the session's workspace, no
    # result.
    saved = store.save("Hostile", _scenario_with_meter(str(server["secret"])))
    app = compare_app
    app.run()
    app.multiselect(key="compare_pick").set_value(["__current__", saved.id]).run()
    assert not app.exception
    text = _texts(app)
    app.run()  # messages kept for the next run are shown too
    text += _texts(app)
    _no_leak(text, server)
    assert any("not among your uploaded files" in w.value and "(Meter data file)" in w.value
               for w in app.warning), text


def test_compare_page_import_refuses_a_server_file(compare_app, tmp_path, server):
    app = compare_app
    envelope = _envelope(_scenario_with_meter(str(server["secret"])))
    app.file_uploader(key="scenario_upload").set_value(
        ("pvplanner-scenarios.json", envelope.encode(), "application/json"))
    app.run()
    assert not app.exception
    assert _session_store(tmp_path, app).list() == []
    assert any("not among your uploaded files" in e.value for e in app.error)
    _no_leak(_texts(app), server)


# --------------------------------------------------------------------------- 2: sites files
def _sites(*rows: str) -> bytes:
    return ("name,lat,lon,roof_area_m2,annual_kwh,meter_file,template,weather.file\n"
            + "\n".join(rows) + "\n").encode()


def _inputs(server) -> Path:
    folder = server["uploads"] / "batch" / "abc" / "inputs"
    folder.mkdir(parents=True)
    return folder


def test_sites_file_from_the_app_names_only_uploaded_files(server):
    folder = _inputs(server)
    (folder / "m1.csv").write_text("time,kw\n")
    secret, template = server["secret"], server["template"]
    content = _sites(
        f"Abs,30.2,120.1,2000,,{secret},,",
        "Up,30.2,120.1,2000,,../../../../etc/passwd,,",
        "Link,30.2,120.1,2000,,../../../meter/link.csv,,",
        "Missing,30.2,120.1,2000,,nothere.csv,,",
        f"Tmpl,30.2,120.1,2000,1e6,,{template},",
        f"Wx,30.2,120.1,2000,1e6,,,{secret}",
    )
    with pytest.raises(PlannerInputError) as caught:
        parse_sites(content, origin="sites.csv", folder=folder, files_root=server["uploads"])
    message = str(caught.value)
    _no_leak(message, server)
    assert "6 bad rows" in message
    for column in ("meter_file", "template", "weather.file"):
        assert f"{column} " in message
    assert "'nothere.csv' was not uploaded" in message
    # An uploaded file is accepted.
    jobs = parse_sites(_sites("Ok,30.2,120.1,2000,,m1.csv,,"), origin="sites.csv",
                       folder=folder, files_root=server["uploads"])
    assert jobs[0].scenario["load"]["meter_file"] == str((folder / "m1.csv").resolve())


def test_sites_file_from_the_app_refuses_a_base_scenario_naming_a_server_file(server):
    from pvplanner.scenario.model import parse_scenario

    base = parse_scenario(_scenario_with_meter("meter/mine.csv") | {
        "weather": {"source": "file", "file": str(server["secret"])}})
    with pytest.raises(PlannerInputError) as caught:
        parse_sites(_sites("A,30.2,120.1,2000,1e6,,,"), origin="sites.csv",
                    folder=_inputs(server), base=base, files_root=server["uploads"])
    # the file named by its input's name on the pages (the app's reader), not its field key
    assert "(Weather file)" in str(caught.value) and "weather.file" not in str(caught.value)
    from pvplanner.display.messages import render as in_language

    assert "（气象数据文件）" in in_language(caught.value, "zh")
    _no_leak(str(caught.value), server)


def test_sites_file_of_the_command_line_reads_operator_paths(server, tmp_path):
    """The CLI acts for its operator: absolute paths and ../ relative to the sites file."""
    folder = tmp_path / "operator"
    folder.mkdir()
    meter = tmp_path / "etc" / "meter.csv"
    meter.write_text("time,kw\n")
    jobs = parse_sites(_sites("A,30.2,120.1,2000,,../etc/meter.csv,,",
                              f"B,30.2,120.1,2000,,{meter},,"), origin="sites.csv",
                       folder=folder)
    assert {job.scenario["load"]["meter_file"] for job in jobs} == {str(meter.resolve())}


def _portfolio_page():
    from pvplanner.app.page_portfolio import render

    render()


def test_portfolio_page_refuses_server_files_and_hides_the_upload_path(monkeypatch, server):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PVPLANNER_UPLOAD_DIR", str(server["uploads"]))
    app = AppTest.from_function(_portfolio_page, default_timeout=30)
    app.run()
    content = _sites(f"Abs,30.2,120.1,2000,,{server['secret']},,",
                     "Missing,30.2,120.1,2000,,nothere.csv,,")
    app.file_uploader(key="portfolio:file").set_value(("sites.csv", content, "text/csv"))
    app.run()
    assert not app.exception
    assert "portfolio:run" not in [b.key for b in app.button]  # nothing to plan
    text = _texts(app)
    _no_leak(text, server)
    assert "not among the uploaded files" in text and "was not uploaded" in text


# --------------------------------------------------------------------------- 3: formulas
EVIL = ['=HYPERLINK("http://evil.example/x","click")', "=cmd|' /C calc'!A0", "+1+1",
        "-2+3", "@SUM(A1:A2)", "\tx"]


def _batch_tables(tmp_path) -> dict[str, str]:
    from pvplanner.batch.output import portfolio_summary, results_frame, write_tables
    from pvplanner.batch.task import TABLE_COLUMNS

    rows = []
    for row, name in enumerate(EVIL, start=2):
        record = dict.fromkeys(TABLE_COLUMNS)
        record.update({"row": row, "name": name, "slug": f"s{row}", "status": "ok",
                       "notes": name, "city": "", "province": "", "latitude": 30.0,
                       "longitude": 120.0, "input_hash": "x", "error_type": "",
                       "error_message": "", "finance.npv": -2.5e5, "pv.capacity_kwp": 100.0})
        rows.append(record)
    rows[-1].update(status="failed", error_type="LoadFileError", error_message="=1+2 bad")
    frame = results_frame(rows)
    return write_tables(frame, portfolio_summary(frame), tmp_path)


def test_batch_workbook_holds_user_text_as_text(tmp_path):
    files = _batch_tables(tmp_path)
    book = openpyxl.load_workbook(files["xlsx"])
    names = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    sites = book["sites"]
    header = [c.value for c in sites[1]]
    for row in sites.iter_rows(min_row=2, values_only=True):
        record = dict(zip(header, row, strict=True))
        names.append(record["name"])
        assert record["notes"] == record["name"]
        assert record["finance.npv"] == -2.5e5  # numbers stay numbers
    assert names == EVIL  # exactly as typed, no apostrophe
    failed = list(book["failed"].iter_rows(min_row=2, values_only=True))
    assert failed[0][3] == "=1+2 bad"


def test_batch_csv_neutralises_text_only(tmp_path):
    files = _batch_tables(tmp_path)
    with open(files["csv"], newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    assert [r["name"] for r in records] == ["'" + name for name in EVIL]
    assert [r["notes"] for r in records] == ["'" + name for name in EVIL]
    assert records[-1]["error_message"] == "'=1+2 bad"
    assert {r["finance.npv"] for r in records} == {"-250000.0"}  # a number, not text
    assert all(not r["slug"].startswith("'") for r in records)


def test_csv_safe_frame_and_sheet_text():
    from pvplanner.guard.cells import csv_safe_frame, csv_text, sheet_text

    frame = pd.DataFrame({"a": ["=1", "ok", None], "b": [-1.0, 2.0, 3.0]},
                         index=pd.Index(["-x", "y", "z"]))
    safe = csv_safe_frame(frame)
    assert list(safe["a"])[:2] == ["'=1", "ok"] and pd.isna(safe["a"].iloc[2])
    assert list(safe["b"]) == [-1.0, 2.0, 3.0]
    assert list(safe.index) == ["'-x", "y", "z"]
    assert csv_text("Hangzhou =1") == "Hangzhou =1"
    assert sheet_text("-0.37%/°C") == "-0.37%/°C"  # no visible apostrophe in a workbook
    assert sheet_text("a\x00b\x1fc") == "abc"


def test_no_writer_bypasses_the_rule():
    """Every to_csv / Excel writer in pvplanner goes through pvplanner.guard.cells."""
    root = Path(__file__).resolve().parents[1] / "pvplanner"
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                continue
            if ".to_excel(" in stripped or "ExcelWriter(" in stripped:
                offenders.append(f"{path.name}: {stripped}")
            if ".to_csv(" in stripped and "csv_safe_frame(" not in stripped \
                    and path.name not in ("cli.py",):  # cli: the weather CSV is all numbers
                offenders.append(f"{path.name}: {stripped}")
    assert not offenders, offenders


# --------------------------------------------------------------------------- 5: Markdown
EVIL_MD = "![t](http://evil.example/t.png) **loud** [link](http://evil.example/x)"

_MARKDOWN_KINDS = ("markdown", "caption", "info", "success", "warning", "error", "title",
                   "subheader")


def _markdown_sources(app) -> list[str]:
    from tests.test_app_support import flat

    out = []
    for element in flat(app.main) + flat(app.sidebar):
        if getattr(element, "type", None) in _MARKDOWN_KINDS:
            out.append(str(element.value))
    return out


def _assert_plain(app) -> None:
    sources = _markdown_sources(app)
    assert sources
    for source in sources:
        assert "](http://evil.example" not in source, source  # no live image or link
        assert "**loud**" not in source, source


def test_names_are_shown_as_text_not_markdown(tmp_path, monkeypatch):
    import numpy as np

    from tests.test_app_support import goto, shown, start_app

    app = start_app(tmp_path, monkeypatch)
    app.text_input(key="in:name").set_value(EVIL_MD).run()
    assert not app.exception
    _assert_plain(app)  # the sidebar names the scenario
    assert any(EVIL_MD in shown(source) for source in _markdown_sources(app))
    goto(app, "results")
    _assert_plain(app)
    goto(app, "compare")
    app.text_input(key="save_name").set_value(EVIL_MD).run()
    app.button(key="save_new").click().run()
    assert not app.exception
    _assert_plain(app)  # "Saved ...", "Opened from the store: ..."
    # An uploaded file's name (the meter report's title).
    goto(app, "load")
    app.radio(key="in:load.kind").set_value("meter_file").run()
    index = pd.date_range("2025-01-01", periods=8760, freq="h")
    kw = 500 + 200 * np.sin(np.arange(8760) / 24 * 2 * np.pi)
    meter = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "kW": kw})
    app.file_uploader(key="meter_upload").set_value(
        (f"{EVIL_MD}.csv", meter.to_csv(index=False).encode(), "text/csv"))
    app.run()
    assert not app.exception
    assert any(f"{EVIL_MD}.csv" in shown(source) for source in _markdown_sources(app))
    _assert_plain(app)


# --------------------------------------------------------------------------- 6: tracebacks
def test_a_deeply_nested_import_gives_a_message_not_a_traceback(compare_app, tmp_path):
    app = compare_app
    deep = ('{"format": "pvplanner-scenarios", "version": 1, "scenarios": '
            + "[" * 100_000 + "]" * 100_000 + "}")
    app.file_uploader(key="scenario_upload").set_value(
        ("pvplanner-scenarios.json", deep.encode(), "application/json"))
    app.run()
    assert not app.exception
    text = _texts(app)
    assert "Traceback" not in text and "RecursionError" not in text
    assert not app.expander or all("developers" not in e.label for e in app.expander)
    assert any("levels deep" in e.value for e in app.error), text


def test_internal_errors_are_logged_with_a_reference(caplog):
    from pvplanner.app.state import problem_from_exception

    try:
        raise RuntimeError("secret detail /srv/app/x.py")
    except RuntimeError as exc:
        with caplog.at_level("ERROR", logger="pvplanner.app"):
            problem = problem_from_exception(exc)
    assert problem.kind == "internal" and len(problem.reference) == 8
    assert problem.reference in problem.message
    assert "secret" not in problem.message and "RuntimeError" not in problem.message
    record = next(r for r in caplog.records if problem.reference in r.getMessage())
    assert record.exc_info and "secret detail" in str(record.exc_info[1])
