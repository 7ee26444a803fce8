"""The app as a Chinese salesperson shows it to a factory owner (review of 2026-12-07): every
page in Chinese reads Chinese (no internal ids, Python values or English plurals), a file of
the wrong type is refused in Chinese at its uploader (Streamlit's own refusal is English and
broke the page), and the sidebar names the payback as the Results page does."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from tests.test_app_support import assert_clean, goto, metric, start_app

#: Pages of the navigation (pvplanner.app.shell.PAGES).
PAGES = ("site", "load", "tariff", "results", "carbon", "monitor", "compare", "proposal",
         "portfolio")
#: Element fields a reader sees (labels, help texts, bodies, options, placeholders).
_SHOWN_FIELDS = {"label", "help", "body", "value", "delta", "options", "placeholder"}
#: What a Chinese reader must never see: a snake_case id, a Python value, an English plural.
_INTERNAL = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b(?:None|nan|NaN|True|False|inf)\b|\(s\)"
                       r"|Traceback")


def _proto_texts(proto) -> list[str]:
    """The strings of an element's fields a reader sees."""
    out: list[str] = []
    for descriptor, value in proto.ListFields():
        if descriptor.name not in _SHOWN_FIELDS:
            continue
        values = value if descriptor.name == "options" else [value]
        # A <style> block is read by the browser, not by the reader (its selectors name
        # widgets by key: .st-key-logo_upload).
        out.extend(v for v in values if isinstance(v, str) and not v.startswith("<style>"))
    return out


def _table_texts(node) -> list[str]:
    """A table's column names (their label where the page gives one) and its text cells
    (a choice column shows its options' labels, a missing number an empty cell)."""
    config = json.loads(node.proto.columns or "{}")
    out = []
    for column in node.value.columns:
        spec = config.get(str(column), {})
        if spec.get("hidden"):
            continue
        out.append(spec.get("label", str(column)))
        kind = spec.get("type_config", {}).get("type")
        if kind == "selectbox":
            out.extend(option["label"] for option in spec["type_config"]["options"])
            continue
        out.extend(str(cell) for cell in node.value[column] if not pd.isna(cell))
    return out


def _texts(node) -> list[str]:
    """Every text of the page under ``node`` a reader sees."""
    children = getattr(node, "children", None)
    if children is not None:
        return [text for key in sorted(children) for text in _texts(children[key])]
    if getattr(node, "type", "") in ("arrow_data_frame", "dataframe", "table"):
        return _table_texts(node)
    proto = getattr(node, "proto", None)
    return [] if proto is None else _proto_texts(proto)


def _internal_words(app) -> list[str]:
    """The texts of the page that show an internal id (read without markdown escapes:
    ``roof\\_planes`` reads ``roof_planes``)."""
    return [text for text in _texts(app._tree) if _INTERNAL.search(text.replace("\\", ""))]


@pytest.mark.parametrize("battery", [False, True], ids=["demo", "battery"])
def test_every_page_reads_chinese_without_internal_ids(tmp_path, monkeypatch, battery):
    app = start_app(tmp_path, monkeypatch, lang="zh")
    if battery:
        goto(app, "tariff")
        app.toggle(key="in:battery.allowed").set_value(True).run()
        assert_clean(app)
    seen: dict[str, list[str]] = {}
    for page in PAGES:
        goto(app, page)
        assert not app.exception, [e.value for e in app.exception]
        found = _internal_words(app)
        if found:
            seen[page] = found
    assert not seen, seen


def test_the_review_finds_an_internal_id_when_one_is_shown():
    # The check itself: an id, a Python value and a plural are caught, Chinese and units pass.
    for shown in ("roof_planes", "None", "nan kWh", "1 site(s)"):
        assert _INTERNAL.search(shown), shown
    for clean in ("光伏装机 3,041.8 kWp", "净现值 ¥453.0万", "1,415 tCO₂", "EPW、CSV"):
        assert not _INTERNAL.search(clean), clean


# --------------------------------------------------------------------------- wrong file types
@pytest.mark.parametrize(("page", "key", "name", "accepted"), [
    ("load", "meter_upload", "报价单.pdf", "XLSX"),
    ("site", "weather_upload", "照片.jpg", "EPW"),
    ("compare", "scenario_upload", "厂址.csv", "TOML"),
    ("portfolio", "portfolio:file", "厂址.xlsx", "CSV"),
    ("monitor", "monitor_generation", "发电.pdf", "XLSX"),
    ("proposal", "logo_upload", "标志.gif", "PNG"),
])
def test_a_file_of_the_wrong_type_is_refused_in_chinese_at_its_uploader(
        tmp_path, monkeypatch, page, key, name, accepted):
    app = start_app(tmp_path, monkeypatch, lang="zh")
    goto(app, page)
    if page == "load":
        app.radio(key="in:load.kind").set_value("meter_file").run()
    app.file_uploader(key=key).set_value((name, b"%PDF-1.4 not the file", "application/pdf"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    errors = [e.value.replace("\\", "") for e in app.error]
    extension = name.rsplit(".", 1)[1]
    assert any(f"此处不接受 .{extension} 文件" in e and accepted in e and name in e
               for e in errors), errors
    # The plan the user had is still shown.
    assert metric(app, "光伏装机", sidebar=True) == "3,041.8 kWp"


def test_several_meter_files_with_one_of_the_wrong_type_are_refused_in_chinese(
        tmp_path, monkeypatch):
    app = start_app(tmp_path, monkeypatch, lang="zh")
    goto(app, "portfolio")
    app.file_uploader(key="portfolio:meters").set_value(
        [("电表.csv", b"t,kw\n", "text/csv"), ("合同.docx", b"PK\x03\x04", "application/zip")])
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    errors = " ".join(e.value.replace("\\", "") for e in app.error)
    assert "合同.docx：此处不接受 .docx 文件" in errors, errors


# --------------------------------------------------------------------------- sidebar = results
@pytest.mark.parametrize(("lang", "label"), [("zh", "静态回收期（税后）"),
                                             ("en", "Payback (after tax)")])
def test_the_sidebar_names_the_payback_as_the_results_page_does(
        tmp_path, monkeypatch, lang, label):
    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "results")
    assert metric(app, label, sidebar=True) == metric(app, label)
    goto(app, "compare")
    table = next(df.value for df in app.dataframe if label in set(df.value.iloc[:, 0]))
    assert table.iloc[:, 0].tolist().count(label) == 1


def test_an_emptied_roof_table_is_named_in_chinese_on_the_other_pages(tmp_path, monkeypatch):
    app = start_app(tmp_path, monkeypatch, lang="zh")
    goto(app, "site")
    app.session_state["ed:roof_planes:0"] = {"deleted_rows": [0, 1, 2, 3]}
    app.run()
    goto(app, "results")
    errors = [e.value.replace("\\", "") for e in app.error]
    assert errors and "至少需要 1 项" in errors[0], errors  # the problem is told...
    assert not _internal_words(app), _internal_words(app)  # ...by the table's name
