"""What the operator reads, in the locale's language and in the terms they typed: a batch
run's summary (its JSON behind --json), the system's and the weather source's reasons, the
options named in errors, the bounds of --capacity-kwp and of the coordinates, the weather's
notes, a folder given for a file, and the meter inspection's help and headings."""

from __future__ import annotations

import dataclasses
import errno
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pvplanner.cli as cli
from pvplanner.cli import _build_parser, main
from pvplanner.display.messages import render
from pvplanner.display.numbers import NumberFormat
from pvplanner.guard.files import os_reason
from pvplanner.messages import weather_notes
from pvplanner.scenario.model import demo_scenario
from tests.test_cli_language import _english_words as english_words
from tests.test_cli_language import _speak
from weather.datafiles import data_path

#: Latin words a Chinese text may hold: units, names of sources and datasets, the values of
#: options (``--source synthetic``) and the offline variable (PVPLANNER_OFFLINE).
_LATIN_ALLOWED = {"pvplanner", "kWp", "kWh", "tCO2", "UTC", "min", "csv", "json", "xlsx",
                  "html", "pdf", "parquet", "PVGIS", "NASA", "POWER", "synthetic",
                  "PVPLANNER", "OFFLINE", "inf", "nan"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _english_words(text: str) -> list[str]:
    """:func:`tests.test_cli_language._english_words` with this file's allowed words."""
    return english_words(text, _LATIN_ALLOWED)


def _fails(args: list[str], capsys, code: int = 2) -> str:
    status = main(args)
    err = capsys.readouterr().err
    assert status == code, err
    assert "Traceback" not in err and "internal error" not in err and "内部错误" not in err
    return err.strip()


@pytest.fixture
def demo_file(tmp_path) -> Path:
    path = tmp_path / "demo.json"
    path.write_text(demo_scenario().model_dump_json(), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ 1. batch


@pytest.fixture(scope="module")
def sites_file(tmp_path_factory) -> Path:
    """The first two factories of the example sites file (one by coordinates, one by city)."""
    lines = data_path("batch", "example_sites.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("batch") / "good.csv"
    path.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_batch_prints_a_summary_in_the_locale_and_its_json_behind_the_flag(
        sites_file, tmp_path, monkeypatch, capsys, lang):
    _speak(monkeypatch, lang)
    out = tmp_path / "out"
    args = ["batch", str(sites_file), "--out", str(out), "--scheduler", "in-process"]
    assert main(args) == 0
    said = capsys.readouterr().out
    written = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    with pytest.raises(json.JSONDecodeError):
        json.loads(said)
    assert "scheduler" not in said and "in-process" not in said and "total_" not in said
    portfolio = written["portfolio"]
    f = NumberFormat(lang, portfolio["currency"])
    for figure in (f.kwp(portfolio["total_kwp"]), f.kwh(portfolio["total_generation_kwh"]),
                   f.kwh(portfolio["total_load_kwh"]), f.money(portfolio["total_npv"]),
                   f.tco2(portfolio["total_avoided_tco2_year1"], 0),
                   str(out / "results.xlsx"), str(out / "sites")):
        assert figure in said, (figure, said)
    if lang == "zh":
        assert said.splitlines()[0].startswith(f"共 {written['sites']} 个厂址：{written['ok']} 个")
        assert _english_words(said) == [], said
    else:
        assert said.splitlines()[0].startswith(
            f"sites: {written['sites']}; planned: {written['ok']}")
        assert not _CJK.search(said)
    # --json: the summary the run wrote, and nothing else on stdout
    assert main([*args, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert printed["resumed"] == written["sites"]


def test_the_batch_summary_says_where_failures_are_and_sums_no_mixed_money(
        sites_file, tmp_path, capsys):
    from pvplanner.display.terminal import batch_summary

    assert main(["batch", str(sites_file), "--out", str(tmp_path / "o"), "--scheduler",
                 "in-process", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert "失败厂址" not in batch_summary(summary, "zh")
    broken = {**summary, "failed": 1,
              "portfolio": {**summary["portfolio"], "currency": ""}}
    zh, en = batch_summary(broken, "zh"), batch_summary(broken, "en")
    # The reasons in words: the readable workbook's sheet of failed sites in that language.
    readable = summary["files"]["readable_xlsx"]
    assert f"失败厂址及原因见 {readable} 中的“规划失败的厂址”工作表" in zh
    assert f"the failed sites and why: sheet “Failed sites” of {readable}" in en
    assert "币种不同" in zh and "several currencies" in en
    assert "¥" not in zh and "CNY" not in en


def test_batch_help_offers_json():
    page = _build_parser("en")._subparsers._group_actions[0].choices["batch"].format_help()
    assert "--json" in page


# ------------------------------------------------------------------------------ 2. reasons


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
def test_an_unwritable_output_is_explained_in_chinese(demo_file, monkeypatch, capsys):
    _speak(monkeypatch, "zh")
    err = _fails(["plan", str(demo_file), "--out", "/proc/foo/x.json"], capsys)
    assert err.startswith("pvplanner：错误：无法写入 /proc/foo："), err
    assert "No such file" not in err and _english_words(err) == [], err


@pytest.mark.parametrize("number", [errno.ENOENT, errno.EACCES, errno.EPERM, errno.EROFS,
                                    errno.ENOSPC, errno.EDQUOT, errno.EISDIR, errno.ENOTDIR,
                                    errno.ENAMETOOLONG, errno.EIO])
def test_common_system_errors_have_catalogue_texts(number):
    import os

    problem = OSError(number, os.strerror(number), "/data/out/r.json")
    reason = os_reason(problem)
    assert reason.key == f"errors.files.os.{errno.errorcode[number].lower()}"
    zh = render(cli._unwritable(problem).message, "zh")
    assert zh.startswith("无法写入 /data/out/r.json：") and _english_words(zh) == [], zh
    en = render(cli._unwritable(problem).message, "en")
    assert en.startswith("cannot write /data/out/r.json: ") and not _CJK.search(en)


def test_another_system_error_gives_its_number_in_chinese_and_its_words_in_english():
    problem = OSError(errno.ETXTBSY, "Text file busy", "/data/r.json")
    zh = render(cli._unwritable(problem).message, "zh")
    assert f"错误号 {errno.ETXTBSY}" in zh and "busy" not in zh
    assert "Text file busy" in render(cli._unwritable(problem).message, "en")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_offline_source_is_explained_in_the_locale(tmp_path, monkeypatch, capsys, lang):
    _speak(monkeypatch, lang)
    monkeypatch.setenv("PVPLANNER_CACHE_DIR", str(tmp_path / "empty-cache"))
    err = _fails(["weather", "--lat", "30", "--lon", "120", "--source", "pvgis", "--out",
                  str(tmp_path / "w.csv")], capsys, code=1)
    if lang == "zh":
        assert err.startswith("pvplanner：数据源不可用：离线模式（环境变量 PVPLANNER_OFFLINE）"), err
        assert "纬度 30.0、经度 120.0" in err and "PVGIS" in err
        assert _english_words(err) == [], err
    else:
        assert "PVGIS was not fetched: offline mode ($PVPLANNER_OFFLINE) is on" in err, err
        assert "unset PVPLANNER_OFFLINE" in err
    assert not (tmp_path / "w.csv").exists()


def test_a_source_error_without_a_key_is_not_shown_in_english_to_a_chinese_reader():
    from weather.errors import WeatherSourceUnavailable

    problem = WeatherSourceUnavailable("could not reach PVGIS at https://re.jrc.ec.europa.eu: "
                                       "timed out (3 tries); use --source synthetic")
    message = cli._source_message(problem)
    assert render(message, "en") == str(problem)
    zh = render(message, "zh")
    assert _CJK.search(zh) and _english_words(zh) == [], zh


@pytest.mark.parametrize(("args", "option"), [
    (["--lat", "95", "--lon", "120"], "--lat 95 "),
    (["--lat", "30", "--lon", "-200"], "--lon -200 "),
])
@pytest.mark.parametrize("command", ["simulate", "weather"])
def test_coordinates_are_refused_in_chinese_naming_the_option(tmp_path, monkeypatch, capsys,
                                                              args, option, command):
    _speak(monkeypatch, "zh")
    rest = (["--tilt", "20", "--azimuth", "180", "--capacity-kwp", "100"]
            if command == "simulate" else ["--out", str(tmp_path / "w.csv")])
    err = _fails([command, *args, "--source", "synthetic", *rest], capsys)
    assert f"pvplanner：错误：{option}超出" in err, err
    assert _english_words(err) == [], err


def test_the_coordinates_error_of_weather_carries_its_key_and_names():
    from weather.coordinates import check_coordinates
    from weather.errors import WeatherInputError

    with pytest.raises(WeatherInputError) as caught:
        check_coordinates(95.0, 120.0)
    assert caught.value.key == "coordinates.outside"
    assert caught.value.params["name"] == {"en": "latitude", "zh": "纬度"}
    assert caught.value.params["axis"] == "latitude"
    assert str(caught.value).startswith("latitude 95 is outside -90..90 degrees")
    with pytest.raises(WeatherInputError) as caught:
        check_coordinates(30.0, math.inf)
    assert caught.value.key == "coordinates.not_finite"
    assert caught.value.params["axis"] == "longitude"


# ------------------------------------------------------------------ 3. the options typed

_SIMULATE = ["simulate", "--lat", "30", "--lon", "120", "--source", "synthetic"]


@pytest.mark.parametrize(("extra", "option"), [
    (["--tilt", "120", "--azimuth", "180"], "--tilt"),
    (["--tilt", "nan", "--azimuth", "180"], "--tilt"),
    (["--tilt", "70", "--azimuth", "180", "--mounting", "tilted_rows"], "--tilt"),
    (["--tilt", "20", "--azimuth", "400"], "--azimuth"),
    (["--tilt", "20", "--azimuth", "180", "--dc-ac-ratio", "0"], "--dc-ac-ratio"),
])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_impossible_array_names_the_option(monkeypatch, capsys, extra, option, lang):
    _speak(monkeypatch, lang)
    err = _fails([*_SIMULATE, "--capacity-kwp", "100", *extra], capsys)
    assert err.startswith(f"pvplanner{'：错误：' if lang == 'zh' else ': error: '}{option}"), err
    assert "array" not in err and "_deg" not in err and "dc_ac_ratio" not in err


# ------------------------------------------------------------------- 4. --capacity-kwp


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e300", "-5", "0"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_capacity_must_be_finite_positive_and_bounded(monkeypatch, capsys, value, lang):
    _speak(monkeypatch, lang)
    err = _fails([*_SIMULATE, "--tilt", "20", "--azimuth", "180", f"--capacity-kwp={value}"],
                 capsys)
    assert "--capacity-kwp" in err and "pv.capacities_kwp" not in err, err
    assert all(len(run) < 20 for run in re.findall(r"[\d,]+", err)), err  # no 300 digits
    if lang == "zh":
        assert _english_words(err) == [], err


def test_the_capacity_bound_is_the_largest_roof_the_planner_describes(monkeypatch, capsys):
    """No roof plane the model accepts carries more than the bound, the largest one carries
    exactly as much; the bound is accepted and a hair above it refused, naming it."""
    import itertools

    from pydantic import ValidationError

    from pvplanner.pv.models import RoofPlane, plane_max_kwp
    from pvplanner.pv.single_array import largest_array_kwp

    limit = largest_array_kwp()
    carried = []
    for area, density, usable, mounting, gcr in itertools.product(
            (1.0, 1e5, 1e7, 1e8), (100.0, 400.0, 500.0), (0.5, 1.0), ("flush", "tilted_rows",
                                                                       "east_west"),
            (None, 0.5, 0.95, 1.0)):
        try:
            plane = RoofPlane(name="roof", area_m2=area, module_power_density_w_m2=density,
                              usable_fraction=usable, mounting=mounting, gcr=gcr)
        except ValidationError:
            continue
        carried.append(plane_max_kwp(plane))
    assert max(carried) == pytest.approx(limit, rel=1e-12)
    _speak(monkeypatch, "en")
    assert main([*_SIMULATE, "--tilt", "20", "--azimuth", "180", "--capacity-kwp",
                 repr(limit), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["capacity_kwp"] == limit
    err = _fails([*_SIMULATE, "--tilt", "20", "--azimuth", "180", "--capacity-kwp",
                  repr(math.nextafter(limit, math.inf))], capsys)
    assert f"more than the {limit:,.0f} kWp" in err, err


# ------------------------------------------------------------- 5. load inspect --lat/--lon


@pytest.fixture(scope="module")
def meter_file(tmp_path_factory) -> Path:
    """A year of flat hourly readings: nothing to recommend."""
    index = pd.date_range("2025-01-01", periods=8760, freq="h")
    path = tmp_path_factory.mktemp("meter") / "meter.csv"
    pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "kW": 500.0}).to_csv(path,
                                                                                 index=False)
    return path


@pytest.mark.parametrize(("args", "fragment"), [
    (["--lat", "95", "--lon", "120"], "--lat 95 超出 -90..90 度"),
    (["--lat", "30", "--lon", "181"], "--lon 181 超出 -180..180 度"),
    (["--lat", "nan", "--lon", "120"], "--lat 应为有限的度数"),
])
def test_load_inspect_refuses_impossible_coordinates(meter_file, monkeypatch, capsys, args,
                                                     fragment):
    _speak(monkeypatch, "zh")
    err = _fails(["load", "inspect", str(meter_file), *args], capsys)
    assert fragment in err, err


# ---------------------------------------------------------- 6. and 7. load inspect's tariff


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_load_inspect_help_says_what_it_does_without_a_tariff(meter_file, monkeypatch,
                                                              capsys, lang):
    """Without --scenario or --tariff the load is not priced (the tariff follows the
    site's province, which is unknown): the help says so, and the command does so."""
    inspect = (_build_parser(lang)._subparsers._group_actions[0].choices["load"]
               ._subparsers._group_actions[0].choices["inspect"])
    text = next(a.help for a in inspect._actions if "--tariff" in a.option_strings)
    if lang == "en":
        assert "default preset" not in text and "not priced" in text, text
    else:
        assert "默认预设" not in text and "不计算电费" in text, text
    _speak(monkeypatch, "en")
    assert main(["load", "inspect", str(meter_file), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tariff"]["id"] is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_recommendations_heading_over_nothing(meter_file, tmp_path, monkeypatch, capsys,
                                                 lang):
    _speak(monkeypatch, lang)
    heading = "recommendations:" if lang == "en" else "建议："
    assert main(["load", "inspect", str(meter_file)]) == 0
    assert heading not in capsys.readouterr().out
    # a peak-heavy day shift is given advice, under its heading
    index = pd.date_range("2025-01-01", periods=35040, freq="15min")
    peaky = tmp_path / "peaky.csv"
    pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"),
                  "kW": np.where((index.hour >= 8) & (index.hour < 20), 700.0, 400.0)}
                 ).to_csv(peaky, index=False)
    assert main(["load", "inspect", str(peaky)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert heading in lines and lines[lines.index(heading) + 1].startswith("  - ")


# ------------------------------------------------------------------- 8. weather's notes


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_simulate_and_weather_say_the_weathers_notes(tmp_path, monkeypatch, capsys, lang):
    """A site in Perth gets the climatology station of Sydney, 3,287 km away (a station
    much farther, or in another climate band, is refused: tests/test_weather_far_station.py):
    both commands say so, in the reader's language, as the JSON's notes do."""
    _speak(monkeypatch, lang)
    place = ["--lat", "-31.95", "--lon", "115.86", "--source", "synthetic"]
    array = ["--tilt", "10", "--azimuth", "180", "--capacity-kwp", "100"]
    assert main(["simulate", *place, *array, "--json"]) == 0
    notes = weather_notes(json.loads(capsys.readouterr().out)["weather"])
    far = [render(n, lang) for n in notes if n.key == "notes.weather.synthetic.far_station"]
    assert len(far) == 1
    assert main(["simulate", *place, *array]) == 0
    said = capsys.readouterr().out
    assert far[0] in said
    assert all(render(note, lang) in said for note in notes)
    assert main(["weather", *place, "--out", str(tmp_path / "w.csv")]) == 0
    assert far[0] in capsys.readouterr().err
    if lang == "zh":
        assert _english_words(said) == [], said


def test_a_note_only_in_english_is_counted_not_shown_to_a_chinese_reader():
    from pvplanner.display.terminal import weather_note_lines
    from weather.synthetic import synthetic_weather_for_place

    _, meta = synthetic_weather_for_place(30.27, 120.16)
    plain = dataclasses.replace(meta, notes=(*meta.notes, "elevation 12 m looked up"))
    zh = weather_note_lines(plain, "zh")
    assert zh[:-1] == weather_note_lines(meta, "zh")
    assert zh[-1] == "  注：另有 1 条说明只有英文原文，未在此列出"
    assert weather_note_lines(plain, "en")[-1] == "  note: elevation 12 m looked up"


# ------------------------------------------------------------------ 9. a folder for a file


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_folder_given_for_a_file_is_called_a_folder(tmp_path, demo_file, meter_file,
                                                      monkeypatch, capsys, lang):
    _speak(monkeypatch, lang)
    folder = tmp_path / "folder"
    folder.mkdir()
    said = {
        "plan": _fails(["plan", str(folder)], capsys),
        "report": _fails(["report", str(folder), "--pdf", str(tmp_path / "p.pdf")], capsys),
        "monitor": _fails(["monitor", str(folder), "--generation", str(meter_file)], capsys),
        "inspect --scenario": _fails(["load", "inspect", str(meter_file), "--scenario",
                                      str(folder)], capsys),
        "inspect": _fails(["load", "inspect", str(folder)], capsys),
    }
    for command, err in said.items():
        if lang == "zh":
            assert f"{folder} 是文件夹而不是文件" in err and "不存在" not in err, (command, err)
        else:
            assert f"{folder} is a folder, not a file" in err, (command, err)
            assert "does not exist" not in err, (command, err)
    assert ("电表文件" if lang == "zh" else "meter file") in said["inspect"]
    assert ("方案文件" if lang == "zh" else "scenario file") in said["plan"]


def test_a_monitoring_reports_notes_are_shown_in_chinese(tmp_path, demo_file, monkeypatch,
                                                          capsys):
    """The monitoring report's notes come in the reader's language already: every one is
    printed, none counted away as English-only."""
    from pvplanner.monitor import monitor
    from pvplanner.scenario.model import load_scenario
    from tests._monitor_files import csv_bytes, expected_kw

    index = pd.date_range("2025-09-01", "2025-09-30 23:45", freq="15min")
    generation = tmp_path / "inverter.csv"
    generation.write_bytes(csv_bytes(pd.DataFrame(
        {"时间": index.strftime("%Y-%m-%d %H:%M"),
         "发电功率(kW)": np.round(expected_kw(index) * 0.9, 3)}), "gbk"))
    notes = monitor(load_scenario(demo_file), generation=generation).to_dict("zh")["notes"]
    assert notes
    _speak(monkeypatch, "zh")
    assert main(["monitor", str(demo_file), "--generation", str(generation)]) == 0
    said = capsys.readouterr().out
    assert all(f"  注：{note}" in said for note in notes), said
    assert "只有英文原文" not in said
