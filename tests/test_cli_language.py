"""What the command prints for people is in the operator's language: the plan, a simulated
array, a meter file's inspection, a monitoring report, the files written and the command
line's own errors (pvplanner.display.terminal, data/i18n/cli.toml)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from pvplanner.cli import main
from pvplanner.scenario.model import demo_scenario
from tests._monitor_files import csv_bytes, expected_kw

#: Latin words a Chinese text may hold: units, the command's options and file names.
_LATIN_ALLOWED = {"pvplanner", "kWp", "kWh", "tCO2", "UTC", "min", "csv", "json", "xlsx", "html",
                  "pdf", "FILE"}


def _english_words(text: str, allowed: set[str] = _LATIN_ALLOWED) -> list[str]:
    """Latin words of four letters or more in ``text`` that are not units, options (--x),
    parts of a path or ``allowed``."""
    text = re.sub(r"--[a-z-]+", " ", text)
    text = re.sub(r"\S*/\S*", " ", text)  # paths
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]{3,}", text) if w not in allowed]


def _speak(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if lang == "zh" else "en_US.UTF-8")
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_language")
    scenario = folder / "demo.json"
    scenario.write_text(demo_scenario().model_dump_json(), encoding="utf-8")
    index = pd.date_range("2025-09-01", "2025-09-30 23:45", freq="15min")
    kw = np.round(expected_kw(index) * 0.9, 3)
    kw[500:700] = 0.0  # an outage of two days
    generation = folder / "inverter.csv"
    generation.write_bytes(csv_bytes(pd.DataFrame(
        {"时间": index.strftime("%Y-%m-%d %H:%M"), "发电功率(kW)": kw}), "gbk"))
    year = pd.date_range("2025-01-01", periods=35040, freq="15min")
    meter = folder / "meter.csv"
    pd.DataFrame({"时间": year.strftime("%Y/%m/%d %H:%M"),
                  "有功功率(kW)": np.where((year.hour >= 8) & (year.hour < 20), 700.0, 400.0)}
                 ).to_csv(meter, index=False, encoding="gbk")
    return {"scenario": scenario, "generation": generation, "meter": meter, "folder": folder}


def _commands(files) -> dict[str, list[str]]:
    return {
        "demo": ["demo"],
        "simulate": ["simulate", "--lat", "30.27", "--lon", "120.15", "--tilt", "20",
                     "--azimuth", "180", "--capacity-kwp", "100", "--source", "pvgis"],
        "inspect": ["load", "inspect", str(files["meter"]), "--scenario", str(files["scenario"])],
        "inspect_alone": ["load", "inspect", str(files["meter"])],
        "monitor": ["monitor", str(files["scenario"]), "--generation", str(files["generation"])],
        "weather": ["weather", "--lat", "30.27", "--lon", "120.15", "--source", "synthetic",
                    "--out", str(files["folder"] / "weather.csv")],
        "no_output": ["report", str(files["scenario"])],
        "folder_out": ["plan", str(files["scenario"]), "--out", str(files["folder"])],
        "no_meter": ["load", "inspect", str(files["folder"] / "missing.csv")],
        "lat_only": ["load", "inspect", str(files["meter"]), "--lat", "30"],
        "capacity": ["simulate", "--lat", "30", "--lon", "120", "--tilt", "20", "--azimuth",
                     "180", "--capacity-kwp", "-5", "--source", "synthetic"],
        "losses": ["simulate", "--lat", "30", "--lon", "120", "--tilt", "20", "--azimuth",
                   "180", "--capacity-kwp", "5", "--losses-percent", "120", "--source",
                   "synthetic"],
    }


@pytest.mark.parametrize("command", ["demo", "simulate", "inspect", "inspect_alone", "monitor",
                                     "weather", "no_output", "folder_out", "no_meter",
                                     "lat_only", "capacity", "losses"])
def test_a_chinese_operator_reads_chinese(command, files, monkeypatch, capsys):
    _speak(monkeypatch, "zh")
    code = main(_commands(files)[command])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == (0 if command in ("demo", "simulate", "inspect", "inspect_alone", "monitor",
                                     "weather") else 2), text
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert _english_words(text) == [], text
    assert "Traceback" not in text


def test_the_plan_in_both_languages_has_the_same_figures(monkeypatch, capsys):
    """The two summaries state the same design and money (the figures of the JSON)."""
    import json

    _speak(monkeypatch, "en")
    assert main(["demo", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    said = {}
    for lang in ("en", "zh"):
        _speak(monkeypatch, lang)
        assert main(["demo"]) == 0
        said[lang] = capsys.readouterr().out
    kwp = f"{figures['pv']['capacity_kwp']:,.1f} kWp"
    npv = f"{figures['finance']['npv']:,.0f}"
    for lang, text in said.items():
        assert kwp in text and npv in text, (lang, text)
    assert "NPV CNY " + npv in said["en"] and "净现值 ¥" + npv in said["zh"]
    assert "  note: " in said["en"] and "  注：" in said["zh"]
    assert said["zh"].splitlines()[0] == "演示：杭州印染厂"


def test_monitor_summary_states_the_outage_in_local_minutes(files, monkeypatch, capsys):
    _speak(monkeypatch, "en")
    assert main(_commands(files)["monitor"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"outage 2025-09-0\d \d\d:\d\d to 2025-09-0\d \d\d:\d\d: [\d,]+ kWh lost",
                     text), text
    assert "2025-09-01 to 2025-09-30 (30 days)" in text


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "pvplanner：错误：battery.min_power_kw：方案输入有误：储能最小功率大于最大功率，请调整"),
    ("en", "pvplanner: error: invalid scenario: battery.min_power_kw: the battery's smallest "
           "power (kW) exceeds its largest"),
])
def test_an_invalid_scenario_file_names_the_field_to_edit(tmp_path, monkeypatch, capsys, lang,
                                                           expected):
    """The Chinese of a scenario's error leaves the field out (the app shows it at the
    input): the command line names it, as the operator edits the file by that name."""
    assert _plan_refused(tmp_path, monkeypatch, capsys, lang, "battery",
                         min_power_kw=99999.0) == expected


def _plan_refused(tmp_path, monkeypatch, capsys, lang: str, section: str, **change) -> str:
    """What ``pvplanner plan`` says (exit 2) of the demo with ``section`` changed."""
    document = demo_scenario().model_dump(mode="json")
    document[section].update(change)
    scenario = tmp_path / "bad.json"
    scenario.write_text(json.dumps(document), encoding="utf-8")
    _speak(monkeypatch, lang)
    assert main(["plan", str(scenario)]) == 2
    return capsys.readouterr().err.strip()


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "  注：在求解时间上限内未能证明最优：可能存在净现值高出至多 ¥102,832（0.97%）的方案；"
           "可在方案文件中调大 constraints.solver_time_limit_s（求解时间上限，秒）"),
    ("en", "  note: not proven optimal within the time limit: a design up to CNY 102,832 better "
           "in NPV (0.97%) may exist; raise constraints.solver_time_limit_s in the scenario file"),
])
def test_an_unproven_optimum_names_the_field_that_gives_the_solver_time(lang, expected):
    """The operator of the command edits a scenario file, not the app's settings: the note
    names the field, and the gap its currency."""
    import dataclasses

    from pvplanner.assemble import _solver_note
    from pvplanner.display.terminal import plan_summary
    from pvplanner.pipeline import plan

    result = plan(demo_scenario())
    note = _solver_note("not proven optimal within the time limit: a design up to 102,832 "
                        "better in NPV (0.97%) may exist; raise the time limit")
    unproven = dataclasses.replace(
        result, warnings=[*result.warnings, note],
        solver=dataclasses.replace(result.solver, status="feasible", optimality_gap=102_832.4))
    lines = plan_summary(unproven, lang).splitlines()
    assert lines[-1] == expected
    assert "高级设置" not in lines[-1] and "advanced settings" not in lines[-1]


def test_the_summary_names_a_battery_only_where_the_scenario_allows_one():
    """PV only: no "battery 0 kWh / 0 kW" line; a battery allowed: its sizes, even when zero
    (then the answer is that none pays). The year-1 CO2 is in whole tonnes, as the proposal
    gives it, and the lifetime is 全生命周期 in both."""
    import dataclasses

    from pvplanner.display.numbers import NumberFormat
    from pvplanner.display.terminal import plan_summary
    from pvplanner.pipeline import plan

    result = plan(demo_scenario(), with_npv_curve=False, with_sensitivity=False)
    assert result.battery.max_power_kw is None
    zh = plan_summary(result, "zh")
    assert "储能" not in zh and "battery" not in plan_summary(result, "en")
    year1 = NumberFormat("zh", result.currency).tco2(result.carbon.avoided_tco2_year1, 0)
    assert f"首年减排 {year1}，全生命周期减排" in zh
    allowed = dataclasses.replace(result, battery=dataclasses.replace(
        result.battery, max_power_kw=2500.0))
    assert "  储能 0 kWh / 0 kW" in plan_summary(allowed, "zh").splitlines()



@pytest.mark.parametrize(("lang", "start"), [
    ("en", "pvplanner: error: infeasible: CO2 reduction target 1,000,000 tCO2/yr cannot be met"),
    ("zh", "pvplanner：错误：constraints.co2_reduction_target_tco2：方案的约束条件无法同时满足"),
])
def test_a_plan_that_cannot_meet_its_limits_names_the_key_to_edit(tmp_path, monkeypatch, capsys,
                                                                  lang, start):
    """The message names the input by its name on the pages; the operator gets the key."""
    said = _plan_refused(tmp_path, monkeypatch, capsys, lang, "constraints",
                         co2_reduction_target_tco2=1e6)
    assert said.startswith(start), said
    assert "constraints.co2_reduction_target_tco2" in said


@pytest.mark.parametrize(("lang", "line"), [("en", "payback n/a before tax, n/a after tax"),
                                             ("zh", "静态回收期 税前 —，税后 —")])
def test_a_free_design_has_no_payback_in_the_summary_as_in_the_proposal(
        tmp_path, monkeypatch, capsys, lang, line):
    # The summary said "0.0 years" where the proposal says there is none (nothing invested).
    from pvplanner.display.numbers import NumberFormat
    from pvplanner.pipeline import plan
    from pvplanner.report.content import build_proposal
    from pvplanner.scenario.model import parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["finance"].update(pv_capex_per_kwp=0.0, pv_om_per_kwp_year=0.0)
    path = tmp_path / "free.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _speak(monkeypatch, lang)
    assert main(["plan", str(path)]) == 0
    assert line in capsys.readouterr().out
    proposal = build_proposal(plan(parse_scenario(document), with_npv_curve=False), lang)
    none = NumberFormat(lang, "CNY").years(None)
    paybacks = [kpi.value for kpi in proposal.highlights if "回收" in kpi.label
                or "payback" in kpi.label.lower()]
    assert paybacks and set(paybacks) == {none}, proposal.highlights
