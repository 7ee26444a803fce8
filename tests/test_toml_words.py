"""A TOML file that does not parse is told in the reader's words, with its line and column,
never in tomllib's English (scenario files, tariff files, load templates)."""

from __future__ import annotations

import ast
import inspect
import re
import tomllib

import pytest

from pvplanner.cli import main
from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError, TariffError
from pvplanner.guard.toml_words import _PROBLEMS, toml_detail
from pvplanner.scenario.model import demo_scenario, scenario_from_text
from pvplanner.tariff.files import load_tariff_file

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: tomllib's own words: none may reach a reader in either language.
_TOMLLIB_WORDS = ("Invalid", "Expected", "Unclosed", "Unterminated", "Cannot", "Duplicate",
                  "Illegal", "Found", "document", "(at ")


def _detail(text: str):
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    return toml_detail(caught.value)


@pytest.mark.parametrize(("text", "key", "line", "column"), [
    ('[site]\nlatitude = north\n', "value", 2, 12),
    ('[site]\nlatitude 30.2\n', "equals", 2, 10),
    ('[site\nlatitude = 30.2\n', "table_heading", 1, 6),
    ('[[roof_planes]\narea_m2 = 10\n', "array_heading", 1, 14),
    ('latitude = 30.2 longitude = 120\n', "one_per_line", 1, 17),
    ('start = 2026-02-30\n', "date", 1, 9),
    ('name = "a\\qb"\n', "escape", 1, 12),
    ('name = "\\uD800"\n', "escape", 1, 15),
    ('= 3\n', "statement", 1, 1),
    ('a = 1\na = 2\n', "twice", 2, 6),
    ('[site]\n[site]\n', "twice", 2, 6),
    ('t = {a = 1, a = 2}\n', "twice", 1, 18),
    ('a = "x\n', "string_character", 1, 7),
    ('a = [1, 2\nb = 3\n', "list", 2, 1),
    ('a = {x = 1\n', "inline_table", 1, 11),
    ('a = 1 # x\x01\n', "character", 1, 10),
])
def test_each_problem_has_its_phrase_line_and_column(text, key, line, column):
    detail = _detail(text)
    assert detail.key == "errors.toml_words.at_line"
    assert detail.params["problem"].key == f"errors.toml_words.{key}"
    assert (detail.params["line"], detail.params["column"]) == (line, column)
    for lang in ("en", "zh"):
        shown = render(detail, lang)
        assert not any(word in shown for word in _TOMLLIB_WORDS), shown
    assert f"line {line}, column {column}" in render(detail, "en")
    assert f"第 {line} 行第 {column} 列" in render(detail, "zh")


def test_a_cut_off_file_is_told_at_its_end():
    detail = _detail('[site]\nname = """never closed\n')
    assert detail.key == "errors.toml_words.at_end"
    assert detail.params["problem"].key == "errors.toml_words.string"
    assert render(detail, "zh").startswith("：文件末尾，引号中的文字没有结束")


def test_every_tomllib_message_of_this_python_has_a_phrase():
    """Each message tomllib can raise (read from its source) maps to a phrase of its own,
    not to the catch-all: a new Python that words one differently fails here."""
    try:
        source = inspect.getsource(tomllib._parser)
    except (OSError, TypeError):  # a Python without its library's sources
        pytest.skip("tomllib's source is not installed with this Python")
    raised = [ast.literal_eval(f'"{text}"') for text in
              re.findall(r'suffixed_err\(\s*src,\s*\w+,\s*f?"([^"{]*)', source)]
    assert len(raised) >= 20
    starts = [start for start, _, _ in _PROBLEMS]
    unmatched = sorted({text for text in raised if not any(text.startswith(s) for s in starts)})
    assert unmatched == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scenario_file_error_in_the_readers_language(lang):
    text = '[site]\nlatitude = 30.2\nlongitude = east\n'
    with pytest.raises(PlannerInputError) as caught:
        scenario_from_text(text, fmt="toml", origin="plan.toml")
    shown = render(caught.value.message, lang)
    expected = {"en": "plan.toml is not valid TOML at line 3, column 13: a value is expected "
                      "here",
                "zh": "plan.toml 不是有效的 TOML 文件：第 3 行第 13 列，此处应为一个值"}[lang]
    assert shown.startswith(expected), shown
    assert not any(word in shown for word in _TOMLLIB_WORDS), shown
    assert bool(_CJK.search(shown)) == (lang == "zh")


def test_tariff_files_toml_and_json(tmp_path):
    broken_toml = tmp_path / "t.toml"
    broken_toml.write_text('name = "x"\nprices = [0.5, 0.6\n', encoding="utf-8")
    with pytest.raises(TariffError) as caught:
        load_tariff_file(broken_toml)
    zh = render(caught.value.message, "zh")
    assert zh.startswith(f"电价文件 {broken_toml} 不是有效的 TOML 文件：文件末尾，"
                         "[列表] 没有闭合"), zh
    broken_json = tmp_path / "t.json"
    broken_json.write_text('{"name": "x" "prices": []}', encoding="utf-8")
    with pytest.raises(TariffError) as caught:
        load_tariff_file(broken_json)
    en = render(caught.value.message, "en")
    assert en == (f"tariff file {broken_json} is not valid JSON at line 1, column 14: a comma "
                  "(,) is missing between two items"), en
    zh = render(caught.value.message, "zh")
    assert "Expecting" not in zh and "两项之间缺少逗号" in zh


def test_unreadable_tariff_file_gives_the_reason_in_chinese(tmp_path):
    folder = tmp_path / "t.toml"
    folder.mkdir()
    with pytest.raises(TariffError) as caught:
        load_tariff_file(folder)
    zh = render(caught.value.message, "zh")
    assert zh.endswith("这是一个文件夹"), zh


def test_cli_plan_of_a_broken_toml_scenario_exits_2_in_chinese(tmp_path, capsys, monkeypatch):
    import tomli_w

    data = demo_scenario().model_dump(mode="json", exclude_none=True)
    text = tomli_w.dumps(data).replace("latitude = ", "latitude = north #", 1)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert main(["plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert "不是有效的 TOML 文件：第" in err and "此处应为一个值" in err, err
    assert "Invalid" not in err


@pytest.mark.parametrize(("module", "function", "file", "zh_start"), [
    ("pvplanner.finance.inputs", "finance_defaults", "data/finance_defaults.toml",
     "财务默认参数文件 data/finance_defaults.toml 不是有效的 TOML 文件：第 1 行第 9 列，"),
    ("pvplanner.carbon.tables", "carbon_defaults", "data/carbon/defaults.toml",
     "碳核算默认参数文件 data/carbon/defaults.toml 不是有效的 TOML 文件：第 1 行第 9 列，"),
])
def test_an_operators_data_file_is_named_by_its_data_name_not_its_server_path(
        monkeypatch, tmp_path, module, function, file, zh_start):
    """The operator's own data files broken by an edit, or unreadable: the message names the
    file as data/... (never the server's path) and what is wrong in the reader's words."""
    import importlib

    mod = importlib.import_module(module)
    broken = tmp_path / "broken.toml"
    broken.write_text("value = oops\n", encoding="utf-8")
    monkeypatch.setattr(mod, "data_path", lambda *parts: broken)
    loader = getattr(mod, function)
    loader.cache_clear()
    try:
        with pytest.raises(PlannerInputError) as caught:
            loader()
        zh = render(caught.value.message, "zh")
        assert zh.startswith(zh_start) and str(tmp_path) not in zh, zh
        en = render(caught.value.message, "en")
        assert file in en and str(tmp_path) not in en and "Invalid" not in en, en
        monkeypatch.setattr(mod, "data_path", lambda *parts: tmp_path)  # a folder
        loader.cache_clear()
        with pytest.raises(PlannerInputError) as caught:
            loader()
        zh = render(caught.value.message, "zh")
        assert "这是一个文件夹" in zh and str(tmp_path) not in zh, zh
    finally:
        loader.cache_clear()
