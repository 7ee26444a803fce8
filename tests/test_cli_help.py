"""``pvplanner --help``: every command and option has help text, in English and Chinese from
the catalogue (``data/i18n/cli.toml``); ``plan --json`` computes only what it prints."""

from __future__ import annotations

import argparse
import json
import re

import pytest

from pvplanner.cli import _build_parser, main
from pvplanner.display.messages import catalogue
from pvplanner.pipeline import plan
from pvplanner.scenario.model import demo_scenario, save_scenario

CJK = re.compile(r"[\u4e00-\u9fff]")


def _parsers(parser: argparse.ArgumentParser, path: str = "pvplanner"):
    """Every parser of the command line with its command path, depth first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


def _helps(parser: argparse.ArgumentParser):
    """(what, help text) of every option, argument and subcommand of one parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield f"command {choice.dest}", choice.help
        else:
            yield "/".join(action.option_strings) or action.dest, action.help


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_option_of_every_command_has_help(lang):
    missing = []
    count = 0
    for path, parser in _parsers(_build_parser(lang)):
        for what, text in _helps(parser):
            count += 1
            if not text or text == argparse.SUPPRESS or text.startswith("cli.help."):
                missing.append(f"{path} {what}: {text!r}")
    assert count > 60  # the walk really reached every subcommand's options
    assert not missing, missing


def test_the_walk_finds_an_option_without_help():
    """The check above fails for a parser with an option that has none."""
    parser = _build_parser("en")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub.choices["plan"].add_argument("--undocumented")
    gaps = [what for _, p in _parsers(parser) for what, text in _helps(p) if not text]
    assert gaps == ["--undocumented"]


def test_every_help_text_is_in_both_languages():
    keys = [key for key in catalogue() if key.startswith("cli.help.")]
    assert len(keys) > 50
    for key in keys:
        entry = catalogue()[key]
        assert entry.get("en") and entry.get("zh"), key
        assert CJK.search(entry["zh"]) or key.endswith(".usage"), key
        assert not CJK.search(entry["en"]), key


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_pages_render_in_the_language(lang):
    for path, parser in _parsers(_build_parser(lang)):
        page = parser.format_help()  # a stray % in a text would raise here
        assert "cli.help." not in page, path
        assert page.count("usage: " if lang == "en" else "用法：") == 1, (path, page[:80])
        assert bool(CJK.search(page)) == (lang == "zh"), path


def test_help_follows_the_locale(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    with pytest.raises(SystemExit) as done:
        main(["batch", "--help"])
    assert done.value.code == 0
    page = capsys.readouterr().out
    assert "典型日" in page and "用法：pvplanner batch" in page


def test_plan_json_has_the_plans_figures_without_the_curve_and_tornado(tmp_path, capsys):
    path = save_scenario(demo_scenario(), tmp_path / "s.toml")
    assert main(["plan", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert sorted(printed["not_computed"]) == ["npv_curve", "sensitivity"]
    full = plan(demo_scenario())  # curve and tornado computed
    assert full.not_computed == () and len(full.sensitivity) and len(full.npv_curve)
    assert printed["finance"]["npv"] == full.finance.npv
    assert printed["pv"]["capacity_kwp"] == full.pv.capacity_kwp
    assert printed["bills"]["savings_annual"] == full.bills.savings_annual


#: Command lines argparse itself refuses, one per kind of its sentences.
BAD_LINES = (
    [],                                                       # the following ... required
    ["plan"],                                                 # required positional
    ["plna"],                                                 # invalid choice
    ["demo", "--bogus"],                                      # unrecognized arguments
    ["plan", "s.toml", "--out"],                              # expected one argument
    ["simulate", "--lat", "north", "--tilt", "1", "--azimuth", "2", "--capacity-kwp", "3"],
    ["simulate", "--tilt", "1", "--azimuth", "2", "--capacity-kwp", "3"],  # one of ... required
    ["simulate", "--weather", "w.csv", "--lat", "1", "--tilt", "1", "--azimuth", "2",
     "--capacity-kwp", "3"],                                  # not allowed with
    ["simulate", "--lat", "1", "--tilt", "1", "--azimuth", "2", "--capacity-kwp", "3",
     "--source", "bogus"],                                   # invalid choice of an option
)


def _error_line(monkeypatch, capsys, lang: str, argv: list[str]) -> str:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if lang == "zh" else "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("argv", BAD_LINES, ids=lambda argv: " ".join(argv) or "nothing")
def test_argparse_refusals_speak_the_locale(monkeypatch, capsys, argv):
    """argparse's own sentences come from the catalogue in a Chinese locale: what is left of
    Latin script is the command, options, choices and the values typed."""
    zh = _error_line(monkeypatch, capsys, "zh", argv)
    assert "：错误：" in zh, zh
    names = re.sub(r"'[^']*'|--?[\w-]+|\b(pvplanner|COMMAND|scenario|plan|demo|simulate)\b", "",
                   zh.split("：错误：", 1)[1])
    assert not re.search(r"[A-Za-z]{2,}", names), zh
    assert CJK.search(names), zh
    en = _error_line(monkeypatch, capsys, "en", argv)
    assert ": error: " in en and not CJK.search(en), en


def test_a_sentence_the_catalogue_does_not_know_stays_as_argparse_wrote_it():
    from pvplanner.cli import argparse_sentence

    assert argparse_sentence("a sentence of a newer Python", "zh") == (
        "a sentence of a newer Python")
    assert argparse_sentence("expected 2 arguments", "zh") == "需要 2 个值"
    assert argparse_sentence("argument --x: expected 3 arguments", "zh") == "参数 --x：需要 3 个值"
