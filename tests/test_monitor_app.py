"""The Monitor page under AppTest, in Chinese: upload a generation export, see the plan beside
the metered output with the outage found, the charts, the carbon account; a broken file is
explained under its uploader."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests._monitor_files import csv_bytes, expected_kw, sunniest_days
from tests.test_app_support import assert_clean, goto, metric, number, shown, start_app


@pytest.fixture
def app(tmp_path, monkeypatch):
    return start_app(tmp_path, monkeypatch, lang="zh")


def test_monitor_page_in_chinese_finds_the_outage(app, tmp_path):
    goto(app, "monitor")
    assert_clean(app)
    assert app.title[0].value == "运行监测：实测发电与方案对比"
    index = pd.date_range("2025-06-01", "2025-06-30 23:00", freq="h")
    kw = expected_kw(index) * 0.93
    days = sunniest_days(index, kw, "2025-06", 2)
    kw[index.normalize().isin(days)] = 0.0
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), "发电功率(kW)": kw})
    app.file_uploader(key="monitor_generation").set_value(
        ("逆变器导出.csv", csv_bytes(frame, "gbk"), "text/csv"))
    app.run()
    assert_clean(app)
    assert number(metric(app, "性能指数（不含停机）")) == pytest.approx(0.93, abs=0.01)
    assert metric(app, "停机损失电量").endswith("kWh")
    assert len(app.get("vega_lite_chart")) >= 2
    tables = [t.value for t in app.dataframe]
    events = next(t for t in tables if "类型" in t.columns)
    assert list(events["类型"]) == ["停机"]
    assert events["开始"].iloc[0].startswith(str(days[0].date()))
    assert any("减排量 [t]" in t.columns for t in tables)
    # The period's last day, as the CLI and the workbook say it (not the exclusive end).
    assert any(c.value.startswith("时段：2025-06-01 至 2025-06-30（30 天）") for c in app.caption)
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["下载月度报告（XLSX）", "下载月度报告（PDF）"]
    # the uploaded file is kept inside the user's upload folder
    kept = app.session_state["_monitor_files"]["generation"]["path"]
    assert str(tmp_path / "uploads") in kept


def test_a_broken_generation_file_is_explained_under_its_uploader(app):
    goto(app, "monitor")
    app.file_uploader(key="monitor_generation").set_value(
        ("坏文件.csv", b"time,kw\nyesterday,lots\n", "text/csv"))
    app.run()
    assert not app.exception
    assert len(app.error) >= 1
    assert "坏文件.csv" in shown(app.error[0].value)
    assert not np.any([m.label == "性能指数" for m in app.metric])
