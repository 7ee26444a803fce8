"""Bad input ends in exit status 2 with the problem named, never 1 "internal error"
(issue 15): deeply nested scenarios, unwritable outputs, a folder for a file, impossible
numbers; and a weather fallback is said out loud."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pvplanner.cli import main
from pvplanner.scenario.model import demo_scenario


@pytest.fixture
def demo_file(tmp_path) -> Path:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_scenario().model_dump(mode="json")), encoding="utf-8")
    return path


def _bad(args: list[str], capsys, *fragments: str) -> str:
    status = main(args)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "internal error" not in err and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    return err


@pytest.mark.parametrize("suffix, text", [
    (".json", '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    (".toml", "name = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    (".json", '{"name": ' + "[" * 200 + "]" * 200 + "}"),  # parses, but far too deep
])
def test_deeply_nested_scenario_exits_2(tmp_path, capsys, suffix, text):
    path = tmp_path / f"deep{suffix}"
    path.write_text(text, encoding="utf-8")
    _bad(["plan", str(path)], capsys, "nests", "32 levels")


@pytest.mark.parametrize("version", ["1", -3, 0, True, 1.0])
def test_schema_version_must_be_a_positive_whole_number(tmp_path, capsys, version):
    data = demo_scenario().model_dump(mode="json")
    data["schema_version"] = version
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    err = _bad(["plan", str(path)], capsys, "schema_version", "whole number")
    assert "newer" not in err


@pytest.mark.parametrize("section, field, value, fragment", [
    ("carbon", "certificate_price_per_mwh", float("inf"), "finite"),
    ("carbon", "credit_price_per_tco2", float("nan"), "finite"),
    ("finance", "discount_rate", float("nan"), "finite"),
    ("finance", "fixed_capex", 1e300, "between 0 and 10,000,000,000"),
    ("finance", "inverter_replacement_cost_per_kwp", 1e9, "between 0 and 100,000"),
    ("finance", "lease_payment_per_year", 1e12, "between 0 and 10,000,000,000"),
    ("carbon", "certificate_price_per_mwh", 1e6, "between 0 and 10,000"),
])
def test_impossible_money_and_prices_name_the_field(tmp_path, capsys, section, field, value,
                                                     fragment):
    data = demo_scenario().model_dump(mode="json")
    data[section][field] = value
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # NaN / Infinity as Python writes
    _bad(["plan", str(path)], capsys, f"{section}.{field}", fragment)


def test_plan_out_to_a_folder_or_under_a_file_exits_2_before_planning(tmp_path, capsys,
                                                                      demo_file):
    _bad(["plan", str(demo_file), "--out", str(tmp_path)], capsys, "is a folder")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    _bad(["plan", str(demo_file), "--out", str(blocker / "r.json")], capsys,
         "not a folder you can write to")


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
def test_plan_out_where_nothing_can_be_written_exits_2(capsys, demo_file):
    _bad(["plan", str(demo_file), "--out", "/proc/x.json"], capsys,
         "cannot write /proc/x.json")


def test_report_into_a_folder_exits_2(tmp_path, capsys, demo_file):
    _bad(["report", str(demo_file), "--pdf", str(tmp_path)], capsys, "--pdf", "is a folder")
    _bad(["report", str(demo_file), "--xlsx", str(tmp_path)], capsys, "--xlsx", "is a folder")


def test_weather_out_into_an_unwritable_place_exits_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    args = ["weather", "--lat", "30.27", "--lon", "120.16", "--source", "synthetic"]
    _bad([*args, "--out", str(blocker / "sub" / "w.csv")], capsys,
         "not a folder you can write to")
    _bad([*args, "--out", str(tmp_path)], capsys, "is a folder")
    if Path("/proc/self").exists():
        _bad([*args, "--out", "/proc/nope/w.csv"], capsys, "cannot write")
    # A missing folder is created.
    assert main([*args, "--out", str(tmp_path / "new" / "w.csv")]) == 0
    assert (tmp_path / "new" / "w.csv").is_file()


def test_batch_on_a_folder_says_it_is_a_folder(tmp_path, capsys):
    err = _bad(["batch", str(tmp_path), "--out", str(tmp_path / "out")], capsys, "is a folder")
    assert "does not exist" not in err


def test_simulate_says_when_synthetic_weather_replaced_the_source(tmp_path, capsys,
                                                                  monkeypatch):
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    monkeypatch.setenv("PVPLANNER_CACHE_DIR", str(tmp_path / "empty-cache"))
    args = ["simulate", "--lat", "30.27", "--lon", "120.16", "--source", "pvgis", "--tilt",
            "20", "--azimuth", "180", "--capacity-kwp", "100"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "warning:" in captured.err and "synthetic" in captured.err
    assert "pvgis was not fetched" in captured.out  # the text output says it too
    assert main([*args, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["weather"]["source"] == "synthetic"  # stdout: JSON only
    assert "warning:" in captured.err
    # Asking for synthetic weather is no fallback: nothing to warn about.
    assert main([*args[:-7], "synthetic", *args[-6:]]) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("locale, expected", [
    ("zh_CN.UTF-8", "pvplanner：错误：bad.csv：开头的非空行（2 行）中没有"),
    ("en_US.UTF-8", "pvplanner: error: bad.csv: no row with a date/time"),
])
def test_a_bad_file_is_refused_in_the_operators_language(tmp_path, monkeypatch, capsys,
                                                          locale, expected):
    """The command line says what is wrong in the language of the operator's locale, as the
    app does in its reader's (the same catalogue), with exit status 2."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", locale)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\nx,y\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["load", "inspect", "bad.csv"]) == 2
    assert capsys.readouterr().err.startswith(expected)


def test_simulate_fallback_said_once_on_a_terminal(tmp_path, capsys, monkeypatch):
    """A user at a terminal reads the weather fallback once (among the results), not also
    on stderr; redirected or as JSON it goes to stderr (above)."""
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    monkeypatch.setenv("PVPLANNER_CACHE_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    args = ["simulate", "--lat", "30.27", "--lon", "120.16", "--source", "pvgis", "--tilt",
            "20", "--azimuth", "180", "--capacity-kwp", "100"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert captured.out.count("pvgis was not fetched") == 1
    assert "pvgis was not fetched" not in captured.err
