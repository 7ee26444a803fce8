"""The command line as an engineer meets it, reviewed in English and Chinese: conflicting
outputs (two options naming one file, an output that is an input), a folder or a device
where a file is read, a file where the batch's folder goes, an option that needs another,
and the words of the help and the summaries. Every refusal is exit status 2 with the
problem named in the operator's language, before any work is done."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from pvplanner.cli import main
from pvplanner.display.terminal import weather_obtained
from pvplanner.scenario.model import demo_scenario

LOCALES = {"en": "en_US.UTF-8", "zh": "zh_CN.UTF-8"}


@pytest.fixture(params=sorted(LOCALES))
def lang(request, monkeypatch) -> str:
    """Each test in both languages (the locale chooses; no network)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", LOCALES[request.param])
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    return request.param


@pytest.fixture
def demo_file(tmp_path) -> Path:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_scenario().model_dump(mode="json")), encoding="utf-8")
    return path


def _refused(args: list[str], capsys, expected: dict[str, str], lang: str) -> str:
    """Run ``args``; assert exit 2, nothing on stdout, and the message in ``lang``
    (``expected[lang]`` in it, no Python exception text)."""
    status = main(args)
    out, err = capsys.readouterr()
    assert status == 2, err
    assert out == ""
    assert "Traceback" not in err and "Errno" not in err and "internal error" not in err
    assert err.startswith("pvplanner: error:" if lang == "en" else "pvplanner：错误："), err
    assert expected[lang] in err, err
    return err


def test_plan_refuses_to_write_over_its_scenario(demo_file, capsys, lang):
    before = demo_file.read_bytes()
    spelled = demo_file.parent / "." / demo_file.name  # another spelling of the same file
    _refused(["plan", str(demo_file), "--out", str(spelled)], capsys,
             {"en": "is also the input", "zh": "同时也是输入文件"}, lang)
    assert demo_file.read_bytes() == before  # the scenario is untouched


@pytest.mark.parametrize("first, second", [("--html", "--xlsx"), ("--pdf", "--html")])
def test_report_refuses_two_outputs_in_one_file(demo_file, tmp_path, capsys, lang,
                                                first, second):
    target = tmp_path / "proposal.out"
    err = _refused(["report", str(demo_file), first, str(target), second, str(target)],
                   capsys, {"en": "name the same file", "zh": "指定了同一个文件"}, lang)
    assert first in err and second in err
    assert not target.exists()  # refused before the plan was made


def test_monitor_refuses_an_output_over_its_meter_file(demo_file, tmp_path, capsys, lang):
    meter = tmp_path / "generation.csv"
    meter.write_text("time,kW\n2025-03-01 00:00,0\n", encoding="utf-8")
    _refused(["monitor", str(demo_file), "--generation", str(meter), "--xlsx", str(meter)],
             capsys, {"en": "--xlsx", "zh": "同时也是输入文件"}, lang)
    assert meter.read_text(encoding="utf-8").startswith("time,kW")


def test_monitor_refuses_one_file_for_xlsx_and_pdf(demo_file, tmp_path, capsys, lang):
    meter = tmp_path / "generation.csv"
    meter.write_text("time,kW\n2025-03-01 00:00,0\n", encoding="utf-8")
    target = tmp_path / "report.out"
    _refused(["monitor", str(demo_file), "--generation", str(meter), "--xlsx", str(target),
              "--pdf", str(target)], capsys,
             {"en": "--xlsx and --pdf name the same file", "zh": "--xlsx 与 --pdf 指定了同一个文件"},
             lang)


def test_monitor_irradiance_column_needs_a_weather_file(demo_file, tmp_path, capsys, lang):
    meter = tmp_path / "generation.csv"
    meter.write_text("time,kW\n2025-03-01 00:00,0\n", encoding="utf-8")
    _refused(["monitor", str(demo_file), "--generation", str(meter),
              "--irradiance-column", "GHI"], capsys,
             {"en": "give --weather FILE too", "zh": "请同时给出 --weather 文件"}, lang)


def test_batch_out_that_is_a_file_is_refused_in_words(tmp_path, capsys, lang):
    sites = Path(__file__).parents[1] / "data" / "batch" / "example_sites.csv"
    taken = tmp_path / "results.csv"
    taken.write_text("x\n", encoding="utf-8")
    _refused(["batch", str(sites), "--out", str(taken), "--workers", "1"], capsys,
             {"en": "is a file; give the name of a folder", "zh": "是文件；请给出存放"}, lang)
    _refused(["batch", str(sites), "--out", str(taken / "inside"), "--workers", "1"], capsys,
             {"en": "is not a folder you can write to", "zh": "无法写入文件夹"}, lang)
    assert taken.read_text(encoding="utf-8") == "x\n"


def test_batch_workers_with_a_scheduler_is_refused_before_any_work(tmp_path, capsys, lang):
    """--workers sizes a local cluster: with --scheduler it would be ignored silently."""
    sites = Path(__file__).parents[1] / "data" / "batch" / "example_sites.csv"
    out = tmp_path / "portfolio"
    _refused(["batch", str(sites), "--out", str(out), "--workers", "2", "--scheduler",
              "tcp://127.0.0.1:9"], capsys,
             {"en": "leave --workers out", "zh": "请去掉 --workers"}, lang)
    assert not out.exists()


@pytest.mark.parametrize("abbreviated", [["--work", "1"], ["--agg", "48"]])
def test_options_are_not_abbreviated(tmp_path, capsys, lang, abbreviated):
    """An option is spelt in full: "--work 1" is not taken for "--workers 1" (a later option
    starting the same way would change what an old command means)."""
    sites = Path(__file__).parents[1] / "data" / "batch" / "example_sites.csv"
    out = tmp_path / "portfolio"
    with pytest.raises(SystemExit) as stopped:  # argparse's own refusal
        main(["batch", str(sites), "--out", str(out), *abbreviated])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    expected = {"en": "unrecognized arguments: ", "zh": "无法识别的参数："}[lang]
    assert f"{expected}{' '.join(abbreviated)}" in err, err
    assert not out.exists()


def test_simulate_weather_folder_is_named_a_folder(tmp_path, capsys, lang):
    err = _refused(["simulate", "--weather", str(tmp_path), "--tilt", "20", "--azimuth",
                    "180", "--capacity-kwp", "10"], capsys,
                   {"en": "is a folder, not a file", "zh": "是文件夹而不是文件"}, lang)
    assert "does not exist" not in err and "不存在" not in err


def test_load_inspect_device_is_not_called_missing(capsys, lang):
    device = Path("/dev/null")
    if not device.exists():  # pragma: no cover - a system without /dev/null
        pytest.skip("no /dev/null here")
    err = _refused(["load", "inspect", str(device)], capsys,
                   {"en": "is not a regular file", "zh": "不是普通文件"}, lang)
    assert "does not exist" not in err and "不存在" not in err


def test_top_level_help_tells_language_offline_and_exit_status(capsys, lang):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    for needed in ("LANG", "PVPLANNER_OFFLINE=1", "2"):
        assert needed in out
    assert ("Exit status: 0 success, 2 bad input" in out if lang == "en"
            else "退出状态：0 成功，2 输入有误" in out)


def test_a_read_weather_file_is_not_called_uploaded(lang):
    said = weather_obtained(SimpleNamespace(obtained="file"), lang)
    assert said == {"en": "read from the file", "zh": "读取自所给文件"}[lang]
    assert "upload" not in said and "上传" not in said
    # the app's words stay where they fit the command line
    assert weather_obtained(SimpleNamespace(obtained="cache"), lang) == {
        "en": "from the cache", "zh": "来自缓存"}[lang]


def test_load_inspect_interval_in_words_of_the_language(tmp_path, capsys, lang):
    # 35 days of 15-minute readings (a meter file needs 28 days at least)
    rows = "\n".join(f"2025-01-{day:02d} {hour:02d}:{minute:02d},{100 + minute}"
                     for day in range(1, 31) for hour in range(24) for minute in (0, 15, 30, 45))
    rows += "\n" + "\n".join(f"2025-02-{day:02d} {hour:02d}:{minute:02d},{100 + minute}"
                              for day in range(1, 6) for hour in range(24)
                              for minute in (0, 15, 30, 45))
    meter = tmp_path / "meter.csv"
    meter.write_text("time,kW\n" + rows + "\n", encoding="utf-8")
    assert main(["load", "inspect", str(meter)]) == 0
    out = capsys.readouterr().out
    expected = {"en": "Interval: 15 min", "zh": "数据间隔：15 分钟"}[lang]
    assert expected in out, out
