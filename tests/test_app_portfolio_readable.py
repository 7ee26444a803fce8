"""The portfolio page tells a reader what was planned in one voice and offers downloads the
reader can read (pvplanner.app.page_portfolio with Streamlit's AppTest). No site is planned
here: the results are a small hand-made table shaped like the one run_jobs writes."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from pvplanner.batch.output import portfolio_summary, results_frame, write_tables
from pvplanner.batch.task import TABLE_COLUMNS

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest

HASH = "cd" * 32


def _results(tmp_path, *, typical: int | None = None) -> dict:
    """Two planned sites (the second on ``typical`` days when given) and one failed."""
    rows = []
    for row, (name, province, status, days) in enumerate([
        ("杭州印染厂", "Zhejiang", "ok", None),
        ("Dongguan electronics", "Guangdong", "ok", typical),
        ("Broken meter", "Guangdong", "failed", None),
    ], start=2):
        record = dict.fromkeys(TABLE_COLUMNS)
        record.update({
            "row": row, "name": name, "slug": f"site-{row:08x}", "status": status,
            "province": province, "city": "Dongguan" if province == "Guangdong" else "",
            "latitude": 30.0 - row, "longitude": 120.0, "input_hash": HASH,
            "typical_days": days,
            "error_type": "LoadFileError" if status == "failed" else "",
            "error_message": "meter file unreadable" if status == "failed" else "",
            "error_message_zh": "电表文件无法读取" if status == "failed" else "",
        })
        if status == "ok":
            record.update({
                "pv.capacity_kwp": 1000.0, "pv.annual_generation_kwh": 1.0e6,
                "energy.load_kwh": 2999999.9999999986, "finance.npv": 2.0e6,
                "finance.capex": 3.0e6, "carbon.avoided_tco2_year1": 500.0,
                "bills.savings_annual": 4.0e5, "bills.currency": "CNY",
                "energy.self_consumption_ratio": 0.9, "finance.irr": 0.12,
            })
        rows.append(record)
    frame = results_frame(rows)
    portfolio = portfolio_summary(frame)
    files = write_tables(frame, portfolio, tmp_path)
    summary = {"sites": 3, "planned": 3, "resumed": 0, "seconds": 1.5, "ok": 2, "failed": 1,
               "files": files, "portfolio": portfolio}
    return {"frame": frame, "summary": summary}


def _page():
    from pvplanner.app.page_portfolio import render

    render()


@pytest.fixture
def served(monkeypatch):
    """What the page hands the browser to download: (file name, bytes) by file name."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes) and filename:
            files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def _app(monkeypatch, tmp_path, lang: str, **options) -> AppTest:
    monkeypatch.setenv("PVPLANNER_UPLOAD_DIR", str(tmp_path / "uploads"))
    app = AppTest.from_function(_page, default_timeout=30)
    app.session_state["lang"] = lang
    app.session_state["portfolio:results"] = _results(tmp_path, **options)
    app.run()
    assert not app.exception
    return app


def test_planned_means_the_same_in_the_kpi_the_table_and_the_summary_line(monkeypatch,
                                                                          tmp_path):
    app = _app(monkeypatch, tmp_path, "zh")
    metrics = {m.label: m for m in app.metric}
    # two sites have a plan; the failed one is counted among the sites, not the planned
    assert metrics["已规划厂址"].value == "2 / 3"
    assert metrics["已规划厂址"].help == "共 3 个厂址：已规划 2 个，失败 1 个（见“规划失败的厂址”）。"
    table = app.dataframe[0].value
    assert list(table["状态"]).count("已规划") == 2
    [line] = [s.value for s in app.success]
    assert line.startswith("共 3 个厂址：已规划 2 个，失败 1 个")
    assert "已规划 3" not in line
    english = _app(monkeypatch, tmp_path, "en")
    assert {m.label: m.value for m in english.metric}["Sites planned"] == "2 / 3"
    assert english.success[0].value.startswith("2 of 3 sites planned, 1 failed")


def test_a_chinese_reader_downloads_chinese_tables(monkeypatch, tmp_path, served):
    _app(monkeypatch, tmp_path, "zh")
    assert set(served) >= {"组合分析_厂址结果.csv", "组合分析_结果.xlsx"}
    csv = pd.read_csv(io.BytesIO(served["组合分析_厂址结果.csv"]), encoding="utf-8-sig")
    assert list(csv["状态"]) == ["已规划", "已规划", "失败"]
    assert list(csv["省份"]) == ["浙江", "广东", "广东"]
    assert list(csv["城市"].fillna("")) == ["", "东莞", "东莞"]
    assert csv["年用电量 [MWh]"].iloc[0] == 3000.0
    assert csv["净现值（税后）[万元]"].iloc[0] == 200.0
    assert csv["失败原因"].iloc[2] == "电表文件无法读取"
    book = openpyxl.load_workbook(io.BytesIO(served["组合分析_结果.xlsx"]))
    assert book.sheetnames == ["组合汇总", "厂址结果", "规划失败的厂址"]
    shown = [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows()
             for cell in row if cell.value is not None]
    shown += [str(v) for v in csv.columns] + [str(v) for v in csv.to_numpy().ravel()]
    for leaked in (HASH, "site-00000002", "LoadFileError", "pv.capacity_kwp", "figure",
                   "Zhejiang", "Dongguan", "ok", "failed"):
        assert leaked not in shown, leaked
    assert not any("_kwh" in text or "input_hash" in text for text in shown)


def test_an_english_reader_downloads_english_tables(monkeypatch, tmp_path, served):
    _app(monkeypatch, tmp_path, "en")
    csv = pd.read_csv(io.BytesIO(served["portfolio_sites.csv"]), encoding="utf-8-sig")
    assert list(csv["Status"]) == ["planned", "planned", "failed"]
    assert csv["NPV (after tax) [thousand CNY]"].iloc[0] == 2000.0
    book = openpyxl.load_workbook(io.BytesIO(served["portfolio_results.xlsx"]))
    assert book.sheetnames == ["Portfolio", "Sites", "Failed sites"]


def test_sites_sized_on_typical_days_are_marked(monkeypatch, tmp_path, served):
    app = _app(monkeypatch, tmp_path, "zh", typical=96)
    table = app.dataframe[0].value
    assert list(table["计算方式"]) == ["全年逐时", "96 个典型日（近似值）", ""]
    assert [w.value for w in app.warning] == [
        "有 1 个厂址按典型日而非全年逐时规划，其结果为近似值（见“计算方式”列）。"]
    csv = pd.read_csv(io.BytesIO(served["组合分析_厂址结果.csv"]), encoding="utf-8-sig")
    assert list(csv["计算方式"].fillna("")) == ["全年逐时", "96 个典型日（近似值）", ""]
    # all exact: the screen needs no such column (the downloads still say it)
    exact = _app(monkeypatch, tmp_path, "zh")
    assert "计算方式" not in exact.dataframe[0].value.columns
    assert not exact.warning


def test_the_scatter_tooltip_names_its_figures(tmp_path):
    from pvplanner.app.page_portfolio import capacity_scatter

    chart = capacity_scatter(_results(tmp_path)["frame"], "zh").to_dict()
    titles = [tip.get("title") for tip in chart["encoding"]["tooltip"]]
    assert titles == ["厂址", "省份", "年用电量 [MWh]", "光伏容量 [kWp]", "净现值（税后）[万元]"]
