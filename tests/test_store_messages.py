"""The scenario store speaks the reader's language and never quotes Python or an id.

Every error of :mod:`pvplanner.store` is a keyed message of ``data/i18n/errors.toml`` (both
languages); an import file that is not JSON is described in catalogued words at its line
and column (a file that is not UTF-8 at its byte); a scenario whose stored JSON was damaged
in the database is named by its name, and the others can still be listed and exported.
"""

from __future__ import annotations

import json
import re
import sqlite3
import string
from pathlib import Path

import pytest

import tests.test_user_errors_have_keys as scan
from pvplanner.display.messages import catalogue, render
from pvplanner.store import StoreConflictError, StoreError, StoreSetupError
from pvplanner.store.codec import EXPORT_FORMAT
from pvplanner.store.repository import ScenarioStore

STORE_FILES = sorted((scan.PACKAGE / "store").glob("*.py"))

#: What Python's json, codecs and sqlite3 say; none of it may reach a reader.
PYTHON_WORDS = re.compile(
    r"Expecting|delimiter|\(char \d+\)|line \d+ column \d+|Unterminated|Extra data|"
    r"codec|invalid (start|continuation) byte|OperationalError|sqlite3|no such table")

_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def store(tmp_path: Path) -> ScenarioStore:
    with ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite'}") as opened:
        yield opened


def _both(exc: BaseException) -> tuple[str, str]:
    return render(exc, "en"), render(exc, "zh")


def _readable(exc: BaseException, *, forbidden: tuple[str, ...] = ()) -> tuple[str, str]:
    """Both renderings of ``exc``, checked: keyed, Chinese in Chinese, no Python words and
    none of ``forbidden`` (ids, paths) in either."""
    assert getattr(exc, "key", "").startswith("errors.store."), (exc.key, str(exc))
    en, zh = _both(exc)
    assert _CJK.search(zh), zh
    for text in (en, zh):
        assert not PYTHON_WORDS.search(text), text
        assert "{" not in text, text  # every placeholder filled
        for word in forbidden:
            assert word not in text, (word, text)
    return en, zh


# --------------------------------------------------------------------------- the source
def test_every_store_error_is_raised_with_a_keyed_message(monkeypatch):
    monkeypatch.setattr(scan, "USER_ERROR_CLASSES", scan.USER_ERROR_CLASSES | {
        "StoreError", "StoreSetupError", "StoreConflictError"})
    total, found = 0, []
    for path in STORE_FILES:
        calls, plain = scan._plain_text_errors(path.read_text(encoding="utf-8"))
        total += calls
        found += [f"{path.name}:{line}: {text}" for line, text in plain]
    assert total >= 30, f"the scan saw only {total} store errors: is it broken?"
    assert not found, "\n".join(found)


def test_no_store_message_quotes_an_exception():
    """``{exc}`` or ``str(exc)`` in a store message would put Python's words in it."""
    found = []
    for path in STORE_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\{exc[!}:]|(?<!not in )str\(exc\)|f\": \{", line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_store_keys_exist_in_both_languages_with_the_same_placeholders():
    keys = {key: entry for key, entry in catalogue().items() if key.startswith("errors.store.")}
    assert len(keys) >= 60
    formatter = string.Formatter()
    for key, entry in keys.items():
        assert set(entry) == {"en", "zh"}, key
        words = re.sub(r"\{[a-z_]+\}|[（）：()“”]", "", entry["zh"])
        assert not words or _CJK.search(words), key
        names = [{field for _, field, _, _ in formatter.parse(entry[lang]) if field}
                 for lang in ("en", "zh")]
        assert names[0] == names[1], key
    used = set()
    for path in STORE_FILES:
        used |= set(re.findall(r'"(errors\.store\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    used |= {f"errors.store.action_{name}" for name in ("save", "load", "list", "trash",
                                                         "rename", "duplicate", "delete",
                                                         "restore", "purge", "export",
                                                         "import")}
    assert not used - set(keys), sorted(used - set(keys))


# --------------------------------------------------------------------------- import files
@pytest.mark.parametrize(("text", "line", "column", "en_words", "zh_words"), [
    ('{"format" "pvplanner-scenarios"}', 1, 11, "a colon (:) is missing", "缺少冒号"),
    ('{"format": "pvplanner-scenarios"\n "version": 1}', 2, 2, "a comma (,) is missing",
     "缺少逗号"),
    ('{"format": "pvplanner-scenarios", "version": 1, "scenarios": [{"name": "A}]}', 1, 72,
     "not closed", "没有结束"),
    ('{"format": "pvplanner-scenarios", "version": 1, "scenarios": []} trailing', 1, 66,
     "more text follows", "多余的内容"),
    ('{"format": "pvplanner-scenarios", "version": tru}', 1, 46, "a value is expected",
     "应为一个值"),
    ('{"format": "pvplanner-scenarios", "version": 1, "scenarios": [1, 2,]}', 1, 68,
     "a value is expected", "应为一个值"),
    ('{"format": "pvplanner-scenarios", "version": 1,}', 1, 48, "a name in double quotes",
     "带双引号的名称"),
    ('{"format": "pvplanner-scenarios", "version": 1, "scenarios": [', 1, 63,
     "the file ends before", "文件在文档完整之前就结束了"),
    ('{"format": "pvplanner\\q"}', 1, 22, "starts no valid escape", "不是有效的转义"),
    ('{"format": "pvplanner\tscenarios"}', 1, 22, "line break or a tab", "换行符或制表符"),
    ('{"format": "pvplanner-scenarios", "version": 1,\n "scenarios": [{"v": NaN}]}', 2, 22,
     "NaN is not valid JSON", "NaN 不是有效的 JSON 值"),
])
def test_an_import_file_that_is_not_json_says_what_and_where_in_both_languages(
        store, text, line, column, en_words, zh_words):
    store.save("kept", {"v": 1})
    with pytest.raises(StoreError) as info:
        store.import_json(text.encode())
    en, zh = _readable(info.value)
    assert f"at line {line}, column {column}: " in en and en_words in en, en
    assert f"第 {line} 行第 {column} 列有误" in zh and zh_words in zh, zh
    assert [item.name for item in store.list()] == ["kept"]  # nothing imported, nothing lost


def test_an_empty_import_file_says_so(store):
    for text in (b"", b"\xef\xbb\xbf  \n"):
        with pytest.raises(StoreError) as info:
            store.import_json(text)
        assert _readable(info.value) == ("The import file is empty.", "导入文件是空的。")


@pytest.mark.parametrize(("data", "position", "byte"), [
    (b'{"format": "pvplanner-scenarios", "name": "\xff"}', 44, "0xFF"),
    (b'\xef\xbb\xbf{"name": "\xe4\xb8"}', 14, "0xE4"),  # the BOM's 3 bytes are counted
    ('{"name": "嘉兴"}'.encode("gb18030"), 11, "0xBC"),
])
def test_an_import_file_that_is_not_utf8_names_the_byte_in_both_languages(
        store, data, position, byte):
    assert data[position - 1] == int(byte, 16)  # the byte named is the one that is wrong
    with pytest.raises(StoreError) as info:
        store.import_json(data)
    en, zh = _readable(info.value)
    assert f"byte {position} ({byte}) cannot be read as UTF-8" in en, en
    assert f"第 {position} 个字节（{byte}）" in zh, zh


def test_an_import_that_is_not_text_is_keyed(store):
    with pytest.raises(StoreError) as info:
        store.import_json({"format": EXPORT_FORMAT})  # type: ignore[arg-type]
    _readable(info.value)


def test_a_document_json_cannot_hold_is_refused_in_both_languages(store):
    with pytest.raises(StoreError) as info:
        store.save("A", {}, {"finance": {"irr": float("nan")}})
    en, zh = _readable(info.value)
    assert "Cannot store the result: result.finance.irr is nan." in en
    assert zh.startswith("无法保存计算结果：result.finance.irr 为 nan。")


# --------------------------------------------------------------------------- a damaged row
def _damage(store_path: Path, scenario_id: str, column: str, text: str) -> None:
    with sqlite3.connect(store_path) as conn:
        conn.execute(f"UPDATE scenarios SET {column} = ? WHERE id = ?", (text, scenario_id))


@pytest.mark.parametrize(("column", "text"), [
    ("scenario_json", '{"name": "B", '),
    ("scenario_json", "[1, 2]"),
])
def test_a_damaged_row_is_named_by_its_name_and_loses_nothing_else(tmp_path, column, text):
    path = tmp_path / "store.sqlite"
    with ScenarioStore(f"sqlite:///{path}") as store:
        good = store.save("Good A", {"name": "A"}, {"npv": 1.0})
        bad = store.save("嘉兴 <b>", {"name": "B"}, {"npv": 2.0})
    _damage(path, bad.id, column, text)
    with ScenarioStore(f"sqlite:///{path}") as store:
        with pytest.raises(StoreError) as info:
            store.load(bad.id)
        en, zh = _readable(info.value, forbidden=(bad.id, str(path)))
        assert "The scenario “嘉兴 <b>” cannot be read: its saved inputs are damaged." in en, en
        assert "方案“嘉兴 <b>”无法读取：其保存的方案内容已损坏。" in zh, zh
        # The others are listed, loaded and exported; the damaged one stays where it is.
        assert {item.name for item in store.list()} == {"Good A", "嘉兴 <b>"}
        assert store.load(good.id).scenario == {"name": "A"}
        assert [item.name for item in store.damaged()] == ["嘉兴 <b>"]
        with pytest.raises(StoreError, match="damaged"):
            store.export_json()
        exported = json.loads(store.export_json(skip_damaged=True))
        assert [item["name"] for item in exported["scenarios"]] == ["Good A"]
        # It can still be moved to the trash, and the store still saves.
        store.delete(bad.id)
        assert [item.name for item in store.trash()] == ["嘉兴 <b>"]
        assert store.save("Good C", {}).revision == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute(f"SELECT {column} FROM scenarios WHERE id = ?",
                            (bad.id,)).fetchone() == (text,)


def test_a_damaged_result_is_no_error_the_scenario_opens_without_it(tmp_path):
    path = tmp_path / "store.sqlite"
    with ScenarioStore(f"sqlite:///{path}") as store:
        bad = store.save("嘉兴 <b>", {"name": "B"}, {"npv": 2.0})
    _damage(path, bad.id, "result_json", '{"npv": NaN}')
    with ScenarioStore(f"sqlite:///{path}") as store:
        loaded = store.load(bad.id)
        assert (loaded.scenario, loaded.result, loaded.damaged) == ({"name": "B"}, None,
                                                                     ("result",))
        assert [item["result"] for item in json.loads(store.export_json())["scenarios"]] == [
            None]


def test_the_damaged_inputs_are_called_the_same_in_every_message():
    """One word for a scenario's inputs (its scenario document) in each language, in the
    store's errors and on the compare page: "inputs", 方案内容 (never "contents")."""
    texts = catalogue()
    assert texts["compare.damaged.part.scenario"] == {"en": "inputs", "zh": "方案内容"}
    keys = ["errors.store.damaged", "compare.damaged.inputs", "compare.damaged.restored",
            "compare.files.damaged_left_out"]
    for key in keys:
        assert re.search(r"saved inputs (of these scenarios )?are damaged", texts[key]["en"]), key
        assert "保存的方案内容已损坏" in texts[key]["zh"], key
    for key, text in texts.items():
        if key.startswith(("errors.store.", "compare.")):
            assert "contents" not in text["en"] and "保存的内容" not in text["zh"], key


# --------------------------------------------------------------------------- other errors
def test_a_conflict_names_the_scenario_not_its_id(store):
    saved = store.save("Plant 7", {"v": 1})
    store.save("Plant 7", {"v": 2}, scenario_id=saved.id, expected_revision=1)
    with pytest.raises(StoreConflictError) as info:
        store.save("Plant 7", {"v": 3}, scenario_id=saved.id, expected_revision=1)
    en, zh = _readable(info.value, forbidden=(saved.id,))
    assert "“Plant 7” was changed by someone else: you edited revision 1" in en
    assert "方案“Plant 7”已被他人修改：您编辑的是第 1 版，存储库中现为第 2 版" in zh


def test_trash_errors_name_the_scenario_not_its_id(store):
    saved = store.save("Doomed", {})
    with pytest.raises(StoreError) as info:
        store.purge(saved.id)
    en, zh = _readable(info.value, forbidden=(saved.id,))
    assert "“Doomed” is not in the trash" in en and "方案“Doomed”不在回收站中" in zh
    store.delete(saved.id)
    with pytest.raises(StoreError) as info:
        store.rename(saved.id, "New")
    en, zh = _readable(info.value, forbidden=(saved.id,))
    assert re.search(r"“Doomed” is in the trash \(deleted \d{4}-\d\d-\d\d \d\d:\d\d UTC\)", en)
    assert "方案“Doomed”在回收站中" in zh


def test_a_database_failure_says_what_stopped_without_the_url_or_python(tmp_path):
    path = tmp_path / "store.sqlite"
    with ScenarioStore(f"sqlite:///{path}") as store:
        store.save("A", {})
        with sqlite3.connect(path) as conn:
            conn.execute("DROP TABLE scenarios")
        with pytest.raises(StoreError) as info:
            store.save("Plant “B”", {})
    en, zh = _readable(info.value, forbidden=(str(path), "sqlite:"))
    assert en.startswith("A database error stopped saving “Plant “B””; nothing was changed.")
    assert zh.startswith("数据库出错，未能保存“Plant “B””，没有任何更改。")
    assert info.value.__cause__ is not None  # the database's words stay in the log's chain


@pytest.mark.parametrize(("url", "words"), [
    ("postgresql://user:secret@host:port/db", "is not a database URL"),
    ("nosuchdriver://host/db", "Cannot use the store URL nosuchdriver://host/db"),
    ("   ", "The store URL is empty"),
])
def test_operator_errors_are_keyed_and_bilingual_and_hide_the_password(url, words):
    with pytest.raises(StoreSetupError) as info:
        ScenarioStore(url)
    en, zh = _both(info.value)
    assert info.value.key.startswith("errors.store.") and _CJK.search(zh)
    assert words in en and "secret" not in en + zh + str(info.value)


def test_a_foreign_database_is_an_operator_error_in_both_languages(tmp_path):
    path = tmp_path / "junk.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE scenarios (x INTEGER)")
    with pytest.raises(StoreSetupError) as info:
        ScenarioStore(str(path))
    en, zh = _both(info.value)
    assert "it is not a pvplanner scenario store" in en and "不是 pvplanner 方案存储库" in zh
