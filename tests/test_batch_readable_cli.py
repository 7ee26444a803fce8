"""``pvplanner batch`` for its readers: next to the machine tables (``results.csv``,
``results.xlsx``: ids, the same in every language) it writes a workbook in the operator's
language, with units, words instead of codes and text that is never a formula, and its
summary names it; both say which limits held each site's design; the site JSON records the
scenario's validated values, not the sites file's text.

Three small PV-only sites, planned in this process, once with a Chinese locale and once
with an English one; the workbooks are read back with openpyxl."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pvplanner.batch.task import TABLE_COLUMNS, limit_keys
from pvplanner.cli import main

EVIL = '=HYPERLINK("http://evil.example/x","click")'

#: The sites file: a roof plane named with a ";", a name and notes that look like formulas,
#: a site held by its budget; every dotted column written as text.
_HEADER = ["name", "lat", "lon", "city", "province", "roof_area_m2", "planes", "annual_kwh",
           "template", "tariff", "constraints.export_limit_kw", "constraints.capital_budget",
           "battery.allowed", "weather.source", "notes"]
_SITES = [
    ["Two halls", "30.18", "120.26", "", "Zhejiang", "",
     '[{"name": "East; West", "area_m2": 6000, "tilt_deg": 5}]', "6000000",
     "three_shift_continuous", "zhejiang_2026_large_industry", "5000", "", "false",
     "synthetic", "roof-limited"],
    [EVIL, "31.30", "120.60", "苏州", "Jiangsu", "6000", "", "1800000", "one_day_shift",
     "jiangsu_2025_general_ci", "", "", "false", "synthetic", "=1+1"],
    ["Budget works", "30.0", "120.5", "", "Zhejiang", "9000", "", "3000000", "two_shift",
     "zhejiang_2026_general_ci", "", "1000000", "no", "synthetic", ""],
]

#: The readable workbook's file and sheet names, by language.
_FILES = {"zh": "组合分析_结果.xlsx", "en": "portfolio_results.xlsx"}
_SHEETS = {"zh": ["组合汇总", "厂址结果", "规划失败的厂址"],
           "en": ["Portfolio", "Sites", "Failed sites"]}

#: Codes of the machine tables that a reader must never see as a cell.
_CODES = {"ok", "failed", "synthetic", "optimal", "one_day_shift", "two_shift",
          "three_shift_continuous", "zhejiang_2026_large_industry", "jiangsu_2025_general_ci",
          "zhejiang_2026_general_ci", "CNY", "nan", "None"}


def _speaking(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if lang == "zh" else "en_US.UTF-8")
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")


def _batch(args: list[str]) -> str:
    """Run the command; what it printed on stdout (its progress on stderr is dropped)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        assert main(args) == 0
    return printed.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Each language's output folder and what the command printed."""
    folder = tmp_path_factory.mktemp("batch_readable")
    sites = folder / "sites.csv"
    with open(sites, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_HEADER)
        writer.writerows(_SITES)
    out: dict[str, tuple[Path, str]] = {}
    for lang in ("zh", "en"):
        with pytest.MonkeyPatch.context() as monkeypatch:
            _speaking(monkeypatch, lang)
            target = folder / f"out_{lang}"
            said = _batch(["batch", str(sites), "--out", str(target), "--scheduler",
                           "in-process"])
        out[lang] = (target, said)
    return out


def _sheet(path: Path, index: int) -> list[tuple]:
    book = openpyxl.load_workbook(path)
    return list(book.worksheets[index].iter_rows(values_only=True))


def _columns(rows: list[tuple]) -> dict[str, list]:
    """A sheet's columns by header."""
    return {header: list(values) for header, *values in zip(*rows, strict=True)}


def _machine(runs, lang: str = "en") -> pd.DataFrame:
    """The machine's results table by site name (the Parquet copy: the CSV file guards a
    formula-like name with an apostrophe)."""
    return pd.read_parquet(runs[lang][0] / "results.parquet").set_index("name")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workbook_for_a_reader_is_written_in_the_operators_language_and_named(
        runs, lang):
    out, said = runs[lang]
    path = out / _FILES[lang]
    assert path.is_file()
    assert openpyxl.load_workbook(path).sheetnames == _SHEETS[lang]
    # the summary names it, on its last line, in the operator's language
    last = said.strip().splitlines()[-1]
    assert str(path) in last
    assert ("供阅读的工作簿" in last) == (lang == "zh")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["files"]["readable_xlsx"] == str(path)
    assert not (out / _FILES["en" if lang == "zh" else "zh"]).exists()


def test_json_names_the_workbook_and_a_resumed_run_writes_it_again(runs, monkeypatch):
    out, _ = runs["zh"]
    path = out / _FILES["zh"]
    path.unlink()
    _speaking(monkeypatch, "zh")
    sites = out.parent / "sites.csv"
    printed = json.loads(_batch(["batch", str(sites), "--out", str(out), "--scheduler",
                                 "in-process", "--json"]))
    assert printed["resumed"] == len(_SITES)
    assert printed["files"]["readable_xlsx"] == str(path) and path.is_file()
    assert printed == json.loads((out / "summary.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("lang", "npv", "scale", "load", "bill"), [
    ("zh", "净现值（税后）[万元]", 1e4, "年用电量 [MWh]", "安装前年电费 [万元]"),
    ("en", "NPV (after tax) [thousand CNY]", 1e3, "Annual load [MWh]",
     "Annual bill without PV [thousand CNY]"),
])
def test_every_figure_of_the_workbook_has_its_unit(runs, lang, npv, scale, load, bill):
    out, _ = runs[lang]
    sites = _columns(_sheet(out / _FILES[lang], 1))
    row_header = "行号" if lang == "zh" else "Row"
    for header, values in sites.items():
        numbers = [v for v in values if isinstance(v, (int, float))]
        if numbers and header != row_header:  # kWp, MWh, kW, 万元, %, years...: all of them
            assert re.search(r"\[[^\]]+\]$", header), header
    machine = _machine(runs)
    names = sites["厂址" if lang == "zh" else "Site"]
    for name, value in zip(names, sites[npv], strict=True):
        assert value == pytest.approx(machine.loc[name, "finance.npv"] / scale, abs=0.051)
    assert sites[load] == [6000, 1800, 3000]
    assert all(value > 0 for value in sites[bill])
    # the portfolio sheet: every figure with its unit, money in the reader's unit
    unit = "万元" if lang == "zh" else "thousand CNY"
    summary = _sheet(out / _FILES[lang], 0)[1:]
    assert all(isinstance(figure, str) and unit_of for figure, _, unit_of in summary)
    assert sum(1 for *_, unit_of in summary if unit_of == unit) >= 10


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", {"状态": ["已规划"] * 3, "省份": ["浙江", "江苏", "浙江"],
            "负荷模板": ["三班连续生产", "单班白班生产", "两班生产"],
            "气象数据": ["由气候数据合成（离线）"] * 3, "优化求解": ["最优"] * 3}),
    ("en", {"Status": ["planned"] * 3, "Province": ["Zhejiang", "Jiangsu", "Zhejiang"],
            "Load template": ["Three shifts, continuous", "One day shift", "Two shifts"],
            "Weather data": ["Synthetic from climatology (offline)"] * 3,
            "Optimization": ["optimal"] * 3}),
])
def test_codes_are_words_and_no_id_reaches_the_reader(runs, lang, words):
    out, _ = runs[lang]
    path = out / _FILES[lang]
    sites = _columns(_sheet(path, 1))
    for header, expected in words.items():
        assert sites[header] == expected, header
    machine = _machine(runs)
    hashes = set(machine["input_hash"]) | set(machine["slug"])
    codes = _CODES - ({"optimal"} if lang == "en" else set())  # the English word is the code's
    for index in range(3):
        for row in _sheet(path, index):
            texts = {str(cell) for cell in row if cell is not None}
            assert texts.isdisjoint(codes | hashes | set(TABLE_COLUMNS)), texts
            assert not any("results.limits" in text or "portfolio." in text for text in texts)
            if lang == "zh":
                assert texts.isdisjoint({"Zhejiang", "Jiangsu", "planned"}), texts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_from_the_sites_file_is_never_a_formula(runs, lang):
    out, _ = runs[lang]
    book = openpyxl.load_workbook(out / _FILES[lang])
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    evil = [cell for cell in cells if cell.value == EVIL]
    notes = [cell for cell in cells if cell.value == "=1+1"]
    assert len(evil) == 1 and len(notes) == 1
    assert evil[0].data_type == "s" and notes[0].data_type == "s"


def test_the_machine_tables_name_the_limits_that_held_each_design(runs):
    machine = _machine(runs)
    cells = machine["solver.binding_limits"]
    # a roof by its plane's name, its ";" escaped so the cell splits back into ids
    assert cells["Two halls"] == "roof:East%3B West"
    assert limit_keys(cells["Two halls"]) == ["roof:East; West"]
    assert limit_keys(cells[EVIL]) == ["roof:Roof"]
    assert limit_keys(cells["Budget works"]) == ["constraints.capital_budget"]
    workbook = pd.read_excel(runs["en"][0] / "results.xlsx", sheet_name="sites")
    assert list(workbook["solver.binding_limits"]) == list(cells)


@pytest.mark.parametrize(("lang", "header", "expected"), [
    ("zh", "触及的限制", ["屋顶“East; West”已铺满", "屋顶“屋面”已铺满", "投资预算"]),
    ("en", "Limits reached", ["roof “East; West” full", "roof “Roof” full",
                               "capital budget"]),
])
def test_the_workbook_says_the_limits_in_the_results_pages_words(runs, lang, header,
                                                                 expected):
    sites = _columns(_sheet(runs[lang][0] / _FILES[lang], 1))
    assert sites[header] == expected


def test_the_machine_tables_do_not_depend_on_the_language(runs):
    (zh, _), (en, _) = runs["zh"], runs["en"]
    assert (zh / "results.csv").read_bytes() == (en / "results.csv").read_bytes()
    assert list(pd.read_csv(zh / "results.csv").columns) == list(TABLE_COLUMNS)
    for out in (zh, en):
        book = openpyxl.load_workbook(out / "results.xlsx")
        assert book.sheetnames == ["portfolio", "sites", "failed"]
        assert next(book["sites"].iter_rows(values_only=True)) == TABLE_COLUMNS
        assert next(book["portfolio"].iter_rows(values_only=True)) == ("figure", "value")


def test_the_site_json_records_the_validated_scenario_not_the_cells_text(runs):
    out, _ = runs["en"]
    machine = _machine(runs)
    scenarios = {name: json.loads((out / "sites" / f"{slug}.json").read_text("utf-8"))
                 ["batch"]["scenario"] for name, slug in machine["slug"].items()}
    for scenario in scenarios.values():
        assert scenario["battery"]["allowed"] is False  # "false" and "no" in the file
        assert scenario["weather"]["source"] == "synthetic"
    export = scenarios["Two halls"]["constraints"]["export_limit_kw"]
    budget = scenarios["Budget works"]["constraints"]["capital_budget"]
    assert export == 5000 and isinstance(export, float)
    assert budget == 1_000_000 and isinstance(budget, float)
    plane = scenarios["Two halls"]["roof_planes"][0]
    assert plane["name"] == "East; West" and plane["area_m2"] == 6000.0
