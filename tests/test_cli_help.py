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
