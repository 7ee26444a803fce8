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
    return toml_detail(caught.value, text)


@pytest.mark.parametrize(("text", "key", "line", "column"), [
    ('[site]\nlatitude = north\n', "value", 2, 12),
    ('[site]\nlatitude 30.2\n', "equals", 2, 10),
    ('[site\nlatitude = 30.2\n', "table_heading", 1, 6),
    ('[[roof_planes]\narea_m2 = 10\n', "array_heading", 1, 14),
    ('latitude = 30.2 longitude = 120\n', "one_per_line", 1, 17),
    ('start = 2026-02-30\n', "date", 1, 9),
    # Impossible dates and times that tomllib reads as a number followed by more text.
    ('[site]\nstart = 1979-13-01\n', "date", 2, 13),
    ('start = 2026-8-1\n', "date", 1, 13),
    ('start = 2026-08-01T25:00:00\n', "date", 1, 19),
    ('start = 2026-08-01 07:30\n', "date", 1, 20),
    ('at = 25:00:00\n', "date", 1, 8),
    # ...but a number followed by another number is not a date.
    ('a = 5 -3\n', "one_per_line", 1, 7),
    ('a = 2026 08\n', "one_per_line", 1, 10),
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
    ("x = 'abc\ny = 'q'\n", "string", 1, 9),
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


@pytest.mark.parametrize("text", ['[site]\nname = """never closed\n', "x = 'abc\n",
                                  "x = '''abc\n"])
def test_a_cut_off_file_is_told_at_its_end(text):
    detail = _detail(text)
    assert detail.key == "errors.toml_words.at_end"
    assert detail.params["problem"].key == "errors.toml_words.string"
    assert render(detail, "zh").startswith("：文件末尾，引号中的文字没有结束")


def test_every_tomllib_message_of_this_python_has_a_phrase():
    """Each message tomllib can raise (read from its source) maps to a phrase of its own,
    never to the catch-all: a new Python that words one differently fails here. A message
    with a placeholder ("Expected {expect!r}") needs a row for a filled-in form of it."""
    try:
        source = inspect.getsource(tomllib._parser)
    except (OSError, TypeError):  # a Python without its library's sources
        pytest.skip("tomllib's source is not installed with this Python")
    raised = [(ast.literal_eval(f'"{text}"'), rest == "{") for text, rest in
              re.findall(r'suffixed_err\(\s*src,\s*\w+,\s*f?"([^"{]*)(.)', source)]
    assert len(raised) >= 20
    starts = [start for start, _, _ in _PROBLEMS]
    unmatched = sorted({text for text, templated in raised
                        if not any(text.startswith(s) or (templated and s.startswith(text))
                                   for s in starts)})
    assert unmatched == []
    # No row is so short that any message would match it.
    assert all(len(start) >= 10 for start in starts), starts


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


@pytest.mark.parametrize(("module", "function", "file"), [
    ("pvplanner.finance.inputs", "finance_defaults", "data/finance_defaults.toml"),
    ("pvplanner.carbon.tables", "carbon_defaults", "data/carbon/defaults.toml"),
    ("pvplanner.pv.models", "pv_defaults", "data/pv_defaults.toml"),
    ("pvplanner.sizing", "battery_defaults", "data/battery_defaults.toml"),
    ("pvplanner.monitor.rules", "monitor_rules", "data/monitor/rules.toml"),
    ("pvplanner.load.meter.common", "meter_rules", "data/load_templates/load_rules.toml"),
    ("pvplanner.pv.variability", "variability_defaults",
     "data/pv_interannual_variability.toml"),
])
def test_an_operators_data_file_is_named_by_its_data_name_not_its_server_path(
        monkeypatch, tmp_path, module, function, file):
    """The operator's own data files broken by an edit, saved in another encoding or
    unreadable: the message names the file as data/... (never the server's path) and what
    is wrong in the reader's words."""
    import importlib

    import pvplanner.guard.toml_words as words

    loader = getattr(importlib.import_module(module), function)
    real = words.data_path
    assert str(real(*file.split("/")[1:])).endswith(file.removeprefix("data"))
    cases = {
        "broken.toml": (b"value = oops\n", "不是有效的 TOML 文件：第 1 行第 9 列，此处应为一个值"),
        "gbk.toml": ('name = "光伏"\n'.encode("gbk"), "不是 UTF-8 编码的文本"),
        "folder": (None, "这是一个文件夹"),
    }
    for name, (content, zh_words) in cases.items():
        target = tmp_path / name
        target.mkdir() if content is None else target.write_bytes(content)
        monkeypatch.setattr(words, "data_path", lambda *parts, target=target: target)
        loader.cache_clear()
        try:
            with pytest.raises(PlannerInputError) as caught:
                loader()
        finally:
            monkeypatch.setattr(words, "data_path", real)
            loader.cache_clear()
        zh, en = render(caught.value.message, "zh"), render(caught.value.message, "en")
        assert zh.startswith((file, "无法读取 " + file)) and zh_words in zh, zh
        assert str(tmp_path) not in zh
        assert en.startswith((file, "cannot read " + file)) and str(tmp_path) not in en, en
        assert not any(word in en for word in _TOMLLIB_WORDS), en


def test_a_users_tariff_or_template_file_saved_in_gbk_is_read_and_garbage_is_told(tmp_path):
    """A tariff or load-template file saved by Chinese Excel/Notepad in GBK is read as the
    meter and sites readers read theirs (it was an internal error, exit 1); bytes that are
    no text in any of those encodings are told with what to do."""
    from pvplanner.load.templates import get_template
    from pvplanner.tariff import load_tariff_preset, tariff_to_toml
    from weather.datafiles import data_path

    tariff = load_tariff_preset("guangdong_2021_general_ci")
    assert tariff.name_zh and not tariff.name_zh.isascii()
    gbk = tmp_path / "tariff.toml"
    gbk.write_bytes(tariff_to_toml(tariff).encode("gbk"))
    assert load_tariff_file(gbk) == tariff
    garbage = tmp_path / "garbage.toml"
    garbage.write_bytes(bytes(range(128, 256)) * 8)
    with pytest.raises(TariffError) as caught:
        load_tariff_file(garbage)
    assert "请另存为 UTF-8 编码的文本文件" in render(caught.value.message, "zh")
    shipped = data_path("load_templates", "two_shift.toml")
    template = tmp_path / "模板.toml"
    template.write_bytes(shipped.read_text(encoding="utf-8").encode("gb18030"))
    assert get_template(str(template)).name == get_template(shipped.stem).name


def test_an_impossible_date_in_a_scenario_is_told_as_a_date():
    """1979-13-01 was told as "more text follows a value" (tomllib reads 1979 as a number);
    the scenario reader passes its text so the reader is told the date is not valid."""
    with pytest.raises(PlannerInputError) as caught:
        scenario_from_text('[site]\nname = "x"\n[finance]\nstart_date = 2026-13-01\n',
                           fmt="toml", origin="plan.toml")
    assert render(caught.value.message, "en").endswith(
        "at line 4, column 18: a date or time is not valid (write 2026-08-01, or "
        "2026-08-01T08:00:00)")
    assert "第 4 行第 18 列" in render(caught.value.message, "zh")
