"""The portfolio page (pvplanner.app.page_portfolio) with Streamlit's AppTest, and its pure
helpers. No site is planned here: the results are a small hand-made table."""

from __future__ import annotations

import pandas as pd
import pytest

from pvplanner.batch.output import portfolio_summary, results_frame, write_tables
from pvplanner.batch.task import TABLE_COLUMNS

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest


def _results(tmp_path) -> dict:
    rows = []
    for row, (name, province, status, kwp, load, npv) in enumerate([
        ("Alpha", "Zhejiang", "ok", 500.0, 2.0e6, 1.2e6),
        ("Beta", "Jiangsu", "ok", 1500.0, 6.0e6, 3.4e6),
        ("Gamma", "Guangdong", "failed", None, None, None),
        ("Delta", "Guangdong", "ok", 800.0, 1.0e6, -2.0e5),
    ], start=2):
        record = dict.fromkeys(TABLE_COLUMNS)
        record.update({
            "row": row, "name": name, "slug": name.lower(), "status": status,
            "province": province, "city": "", "latitude": 30.0 - row, "longitude": 120.0,
            "input_hash": "x" * 64,
            "error_type": "LoadFileError" if status == "failed" else "",
            "error_message": "meter file unreadable" if status == "failed" else "",
            "error_message_zh": "电表文件无法读取" if status == "failed" else "",
        })
        if status == "ok":
            record.update({
                "pv.capacity_kwp": kwp, "pv.annual_generation_kwh": kwp * 1000.0,
                "energy.load_kwh": load, "finance.npv": npv, "finance.capex": kwp * 3000.0,
                "carbon.avoided_tco2_year1": kwp * 0.5, "bills.savings_annual": kwp * 400.0,
                "bills.currency": "CNY", "energy.self_consumption_ratio": 0.9,
            })
        rows.append(record)
    frame = results_frame(rows)
    portfolio = portfolio_summary(frame)
    files = write_tables(frame, portfolio, tmp_path)
    summary = {"planned": 4, "resumed": 0, "seconds": 1.5, "ok": 3, "failed": 1,
               "files": files, "portfolio": portfolio}
    return {"frame": frame, "summary": summary}


def _page():
    from pvplanner.app.page_portfolio import render

    render()


def test_page_starts_empty_and_parses_the_example(monkeypatch, tmp_path):
    monkeypatch.setenv("PVPLANNER_UPLOAD_DIR", str(tmp_path / "uploads"))
    app = AppTest.from_function(_page, default_timeout=30)
    app.run()
    assert not app.exception
    assert any("Upload a sites file and plan it" in c.value for c in app.caption)
    app.button(key="portfolio:use_example").click().run()
    assert not app.exception
    assert [i.value for i in app.info] == ["8 sites in 8 weather cells are ready to plan."]
    assert app.button(key="portfolio:run") is not None


def test_page_shows_results_in_chinese(monkeypatch, tmp_path):
    monkeypatch.setenv("PVPLANNER_UPLOAD_DIR", str(tmp_path / "uploads"))
    app = AppTest.from_function(_page, default_timeout=30)
    app.session_state["lang"] = "zh"
    app.session_state["portfolio:results"] = _results(tmp_path)
    app.run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["光伏总装机"] == "2,800.0 kWp"  # 500 + 1500 + 800, the failed site excluded
    assert metrics["净现值为正的厂址"] == "2 / 3"
    assert metrics["首年减排 CO₂"] == "1,400 tCO₂"
    table = app.dataframe[0].value
    assert list(table["厂址"]) == ["Alpha", "Beta", "Gamma", "Delta"]
    assert table["年用电量 [MWh]"].iloc[1] == pytest.approx(6000.0)
    failed = app.dataframe[1].value
    assert list(failed["失败原因"]) == ["电表文件无法读取"]  # the failure's Chinese text


def test_helpers(tmp_path):
    from pvplanner.app.page_portfolio import (
        capacity_scatter,
        display_table,
        map_frame,
        npv_histogram,
        sites_digest,
    )

    results = _results(tmp_path)["frame"]
    points = map_frame(results)
    assert len(points) == 3 and set(points.columns) == {"lat", "lon", "size"}
    # circle size grows with sqrt(kWp): 1500 kWp -> 100 * 38.73 + 300
    assert points["size"].iloc[1] == pytest.approx(100.0 * 1500 ** 0.5 + 300.0)
    english = display_table(results, "en")
    assert english["PV generation, year 1 [MWh]"].iloc[0] == pytest.approx(500.0)
    hist = npv_histogram(results, "en", "CNY").to_dict()
    assert len(pd.DataFrame(hist["datasets"][next(iter(hist["datasets"]))])) == 3
    scatter = capacity_scatter(results, "zh").to_dict()
    assert scatter["encoding"]["color"]["title"] == "省份"
    a = sites_digest(b"name\nA\n", None, 0.25, {})
    assert a == sites_digest(b"name\nA\n", None, 0.25, {})
    assert a != sites_digest(b"name\nA\n", None, 0.5, {})
    assert a != sites_digest(b"name\nA\n", None, 0.25, {"m.csv": b"1"})


def test_a_single_header_problem_is_said_once(monkeypatch, tmp_path):
    """An unknown column is one problem: it stood twice, as the heading and as its only
    item."""
    monkeypatch.setenv("PVPLANNER_UPLOAD_DIR", str(tmp_path / "uploads"))
    app = AppTest.from_function(_page, default_timeout=30)
    app.run()
    content = b"name,city,roof_area_m2,annual_kwh,foo\nA,Hangzhou,1000,300000,1\n"
    app.file_uploader[0].set_value(("sites.csv", content, "text/csv")).run()
    assert not app.exception
    assert len(app.error) == 1
    text = app.error[0].value
    assert "foo" in text and "\n- " not in text, text
