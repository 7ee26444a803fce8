"""``pvplanner batch`` as a reviewer using the command met it:

* Ctrl-C (SIGINT to the whole process group, as a terminal sends it) during a run on a
  local cluster printed the Dask workers' tracebacks before "interrupted";
* the output files were ``0600`` whatever the umask (``tempfile.mkstemp`` + rename);
* the tariff column said ``auto`` (the readable workbook "The site province's") for sites
  priced on the preset their province gave them;
* a site whose load is a meter file showed the base scenario's load template, which shaped
  none of it, and nothing said its load came from a meter file;
* with failed sites, the summary sent a Chinese reader to the machine's ``results.xlsx``
  for the reasons, which the readable workbook has in Chinese.

Three sites (a bill-less annual total, a meter file, a meter file that cannot be read),
none naming a tariff, are planned in this process once; the Ctrl-C test runs the command
in a process group of its own on a two-worker local cluster.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pvplanner.batch.output import atomic_write, results_frame, write_tables
from pvplanner.batch.task import table_row
from pvplanner.cli import main
from pvplanner.display.messages import translate
from pvplanner.tariff import list_tariff_presets
from pvplanner.tariff.versions import preset_file

_HEADER = ["name", "lat", "lon", "province", "roof_area_m2", "annual_kwh", "meter_file",
           "battery.allowed", "weather.source"]
_SITES = [
    ["Annual works", "30.18", "120.26", "Zhejiang", "8000", "2400000", "", "false",
     "synthetic"],
    ["Metered works", "30.75", "120.75", "Zhejiang", "6000", "", "meter.csv", "false",
     "synthetic"],
    ["Broken meter", "31.30", "120.60", "Jiangsu", "6000", "", "broken.csv", "false",
     "synthetic"],
]

#: The readable workbook by language: file, sheet of the sites, sheet of the failed sites.
_BOOKS = {"zh": ("组合分析_结果.xlsx", "厂址结果", "规划失败的厂址"),
          "en": ("portfolio_results.xlsx", "Sites", "Failed sites")}

#: The umask the fixture's run is made under, and the mode it gives a new file.
_UMASK, _MODE = 0o027, 0o640


def _write_sites(folder: Path, rows: list[list[str]], header: list[str] = _HEADER) -> Path:
    path = folder / "sites.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _write_meters(folder: Path) -> None:
    hours = pd.date_range("2025-01-01", periods=8760, freq="h")
    load_kw = 300.0 + 100.0 * np.sin(np.arange(8760) * 2.0 * np.pi / 24.0)
    pd.DataFrame({"timestamp": hours.strftime("%Y-%m-%d %H:%M"),
                  "kw": load_kw.round(1)}).to_csv(folder / "meter.csv", index=False)
    (folder / "broken.csv").write_text("hello\nworld\n", encoding="utf-8")


def _speaking(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if lang == "zh" else "en_US.UTF-8")
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")


def _command(args: list[str]) -> tuple[int, str]:
    """Run the command in this process: its exit status and what it printed on stdout."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        status = main(args)
    return status, printed.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, int, str]]:
    """By language: the output folder, the exit status and what the command printed. The
    Chinese run plans under umask 027; the English one resumes a copy of its folder."""
    folder = tmp_path_factory.mktemp("batch_review")
    _write_meters(folder)
    sites = _write_sites(folder, _SITES)
    out: dict[str, tuple[Path, int, str]] = {}
    before = os.umask(_UMASK)
    try:
        for lang in ("zh", "en"):
            target = folder / f"out_{lang}"
            if lang == "en":
                shutil.copytree(folder / "out_zh", target)
                (target / _BOOKS["zh"][0]).unlink()
            with pytest.MonkeyPatch.context() as monkeypatch:
                _speaking(monkeypatch, lang)
                status, said = _command(["batch", str(sites), "--out", str(target),
                                         "--scheduler", "in-process"])
            out[lang] = (target, status, said)
    finally:
        os.umask(before)
    return out


def _machine(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "results.csv", keep_default_na=False).set_index("name")


def _site_json(out: Path, name: str) -> dict:
    slug = _machine(out).loc[name, "slug"]
    return json.loads((out / "sites" / f"{slug}.json").read_text(encoding="utf-8"))


def _sheet(out: Path, lang: str, which: int) -> dict[str, dict[str, object]]:
    """A sheet of the readable workbook: each row by its site name, cells by header."""
    file, *sheets = _BOOKS[lang]
    rows = list(openpyxl.load_workbook(out / file)[sheets[which]].iter_rows(values_only=True))
    header = rows[0]
    site = translate("portfolio.col.name", lang)
    return {row[header.index(site)]: dict(zip(header, row, strict=True)) for row in rows[1:]}


# --------------------------------------------------------------------------- failed sites


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_run_with_a_failed_site_exits_0_and_points_to_the_readable_failed_sheet(runs, lang):
    out, status, said = runs[lang]
    assert status == 0  # a completed run; the summary and summary.json count the failure
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["ok"], summary["failed"]) == (2, 1)
    file, _, failed_sheet = _BOOKS[lang]
    line = next(text for text in said.splitlines() if failed_sheet in text)
    assert str(out / file) in line
    assert str(out / "results.xlsx") not in line and str(out / "results.csv") not in line
    # ... where the reason is, in the reader's language
    failed = _sheet(out, lang, 1)
    assert list(failed) == ["Broken meter"]
    why = failed["Broken meter"][translate("portfolio.col.error", lang)]
    machine = _machine(out).loc["Broken meter"]
    assert why == machine["error_message_zh" if lang == "zh" else "error_message"]
    assert "broken.csv" in why and machine["error_message_zh"] != machine["error_message"]


# --------------------------------------------------------------------------- file modes


def test_every_output_file_has_the_mode_the_umask_gives(runs):
    out = runs["zh"][0]
    files = [path for path in out.rglob("*") if path.is_file()]
    assert {path.name for path in files} >= {
        "results.csv", "results.parquet", "results.xlsx", "summary.json", _BOOKS["zh"][0]}
    assert len(list((out / "sites").glob("*.json"))) == 2
    assert {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in files} == {
        path.name: oct(_MODE) for path in files}


def test_tables_and_files_follow_another_umask(tmp_path):
    frame = results_frame([table_row({**_task(name), "scenario": {}}, None)
                           for name in ("a", "b")])
    before = os.umask(0o022)
    try:
        write_tables(frame, {"sites": 2}, tmp_path)
        atomic_write(tmp_path / "sites" / "a.json", "{}")
    finally:
        os.umask(before)
    modes = {path.name: stat.S_IMODE(path.stat().st_mode)
             for path in tmp_path.rglob("*") if path.is_file()}
    assert modes == dict.fromkeys(("results.csv", "results.parquet", "results.xlsx",
                                   "a.json"), 0o644)


def _task(name: str) -> dict:
    return {"row": 2, "name": name, "slug": name, "latitude": 30.0, "longitude": 120.0,
            "input_hash": "0" * 64}


# --------------------------------------------------------------------------- the tariff


def test_the_tariff_column_holds_the_preset_each_site_was_priced_on(runs):
    out = runs["zh"][0]
    table = _machine(out)
    presets = set(list_tariff_presets()["id"])
    for name in ("Annual works", "Metered works"):
        document = _site_json(out, name)
        preset = table.loc[name, "tariff"]
        assert preset in presets and preset == document["batch"]["tariff_preset"]
        assert document["batch"]["tariff"] == "auto"  # the row named none
        # the preset the plan itself recorded it priced on
        used = next(row for row in document["assumptions"] if row["item"] == "tariff.preset")
        assert preset_file(preset).name == used["value"]
    assert table.loc["Broken meter", "tariff"] == "auto"  # failed before it was priced


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_readable_workbook_names_the_preset_priced_on(runs, lang):
    out = runs[lang][0]
    table = _machine(out)
    sites = _sheet(out, lang, 0)
    column = translate("portfolio.col.tariff", lang)
    for name in ("Annual works", "Metered works"):
        preset = preset_file(table.loc[name, "tariff"])
        assert sites[name][column] == (preset.name_zh if lang == "zh" else preset.name)
    assert sites["Broken meter"][column] == translate("portfolio.tariff_auto", lang)


# --------------------------------------------------------------------------- the load source


def test_a_meter_site_has_no_template_and_its_load_source_says_meter_file(runs):
    table = _machine(runs["zh"][0])
    assert table.loc["Metered works", "template"] == ""
    assert table.loc["Metered works", "load_source"] == "meter_file"
    assert table.loc["Annual works", "template"] == "three_shift_continuous"  # the base's
    assert table.loc["Annual works", "load_source"] == "annual"


@pytest.mark.parametrize(("lang", "meter", "annual", "template"), [
    ("zh", "电表数据文件", "年用电量（按负荷模板分配）", "三班连续生产"),
    ("en", "meter file", "annual total, shaped by the template", "Three shifts, continuous"),
])
def test_the_readable_workbook_says_where_the_load_came_from(runs, lang, meter, annual,
                                                             template):
    sites = _sheet(runs[lang][0], lang, 0)
    source = translate("portfolio.col.load_source", lang)
    shape = translate("portfolio.col.template", lang)
    assert sites["Metered works"][source] == meter
    assert not sites["Metered works"][shape]  # an empty cell
    assert (sites["Annual works"][source], sites["Annual works"][shape]) == (annual, template)
    assert not sites["Broken meter"][shape]


# --------------------------------------------------------------------------- Ctrl-C


def test_local_cluster_workers_ignore_sigint():
    from pvplanner.batch.local import local_client

    ours = signal.getsignal(signal.SIGINT)
    with local_client(1) as client:
        handlers = client.run(signal.getsignal, signal.SIGINT)
        assert signal.getsignal(signal.SIGINT) is ours  # ignored only while spawning
    assert list(handlers.values()) == [signal.SIG_IGN]


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups (POSIX)")
def test_ctrl_c_on_a_local_cluster_says_only_interrupted_and_the_run_resumes(
        tmp_path, monkeypatch):
    rows = [[f"Works {n}", f"{29.0 + n}", f"{119.0 + n}", "Zhejiang", "6000", "2000000", "",
             "false", "synthetic"] for n in range(4)]
    sites = _write_sites(tmp_path, rows)
    out = tmp_path / "out"
    env = {key: value for key, value in os.environ.items()
           if key not in ("LC_ALL", "LC_MESSAGES")}
    env.update(LANG="zh_CN.UTF-8", PVPLANNER_OFFLINE="1")
    command = [sys.executable, "-c", "import sys; from pvplanner.cli import main; "
               "sys.exit(main())", "batch", str(sites), "--out", str(out), "--workers", "2"]
    # A process group of its own, as a terminal's foreground job: the signal reaches the
    # command and its worker processes, and nothing else.
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                           start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not list(out.glob("sites/*.json")):
            assert run.poll() is None and time.monotonic() < deadline, run.stderr.read()
            time.sleep(0.05)
        os.killpg(run.pid, signal.SIGINT)
        interrupted = time.monotonic()
        _, stderr = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    words = stderr.decode("utf-8")
    assert run.returncode == 1, words
    assert time.monotonic() - interrupted < 30
    assert "Traceback" not in words and "distributed" not in words, words
    progress = translate("cli.batch.title", "zh")
    said = [line for line in words.replace("\r", "\n").splitlines()
            if line.strip() and not line.startswith(progress)]
    assert said == [translate("cli.notices.interrupted", "zh")], words

    # Nothing lost: the sites planned before the interrupt are taken, the others planned.
    kept = len(list(out.glob("sites/*.json")))
    _speaking(monkeypatch, "zh")
    status, printed = _command(["batch", str(sites), "--out", str(out), "--scheduler",
                                "in-process", "--json"])
    summary = json.loads(printed)
    assert status == 0
    assert (summary["ok"], summary["failed"]) == (4, 0)
    assert summary["resumed"] == kept >= 1
    assert summary["planned"] == 4 - kept
