"""Page 2 (load) under AppTest: bills, annual total, meter file upload and its quality report,
analytics and recommendations."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_app_support import (
    assert_clean,
    find_chart,
    goto,
    metric,
    number,
    shown,
    start_app,
)


@pytest.fixture
def app(tmp_path, monkeypatch):
    return start_app(tmp_path, monkeypatch)


def _sidebar_npv(app) -> float:
    return number(metric(app, "Net present value", sidebar=True))


# --------------------------------------------------------------------------- load
def test_annual_load_changes_the_analytics_and_the_plan(app):
    goto(app, "load")
    assert_clean(app)
    # The demo's 12 bills add up to 6,750,000 kWh.
    assert metric(app, "Annual consumption") == "6.75 GWh"
    npv_before = _sidebar_npv(app)
    app.radio(key="in:load.kind").set_value("annual").run()
    app.number_input(key="in:load.annual_kwh").set_value(2_000_000).run()
    assert_clean(app)
    assert metric(app, "Annual consumption") == "2.00 GWh"
    # A smaller load uses less of the PV on site: less value per kWh, lower NPV.
    assert _sidebar_npv(app) < npv_before
    assert app.session_state["doc"]["load"]["kind"] == "annual"


def test_bills_table_edit_updates_the_monthly_chart(app):
    goto(app, "load")
    before = app.session_state["doc"]["load"]["monthly_kwh"][0]
    app.session_state["ed:bills:0"] = {
        "edited_rows": {0: {"kwh": 900000.0}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert_clean(app)
    assert before == 520000
    assert app.session_state["doc"]["load"]["monthly_kwh"][0] == 900000.0
    assert metric(app, "Annual consumption") == "7.13 GWh"  # 6,750,000 + 380,000


def test_load_page_shows_heatmap_period_shares_and_recommendations(app):
    goto(app, "load")
    heatmap = find_chart(app, "monthdate")
    assert heatmap is not None
    shares = find_chart(app, "stack")
    assert shares is not None
    recommendations = [i.value for i in app.info if "per year" in i.value]
    # The demo's three-shift load has 29 % of its energy in sharp/peak hours: the rules
    # table recommends shifting some of it to the valley.
    assert any("sharp/peak" in text for text in recommendations)


def test_meter_file_upload_gives_a_quality_report(app):
    import numpy as np
    import pandas as pd

    goto(app, "load")
    app.radio(key="in:load.kind").set_value("meter_file").run()
    # A year of hourly kW readings, as an energy-management export would give.
    index = pd.date_range("2025-01-01", periods=8760, freq="h")
    kw = 500 + 200 * np.sin(np.arange(8760) / 24 * 2 * np.pi)
    csv = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), "有功功率(kW)": kw})
    app.file_uploader(key="meter_upload").set_value(
        ("meter.csv", csv.to_csv(index=False).encode("utf-8"), "text/csv"))
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.session_state["doc"]["load"]["kind"] == "meter_file"
    assert metric(app, "Interval") == "60 min"
    assert metric(app, "Coverage") == "100.0%"
    # Mean 500 kW over 8,760 h = 4.38 GWh (the sine averages out over whole days).
    assert metric(app, "Annual consumption") == "4.38 GWh"


def test_a_broken_meter_file_is_explained_under_the_uploader(app):
    goto(app, "load")
    app.radio(key="in:load.kind").set_value("meter_file").run()
    app.file_uploader(key="meter_upload").set_value(
        ("meter.csv", b"time,kw\nyesterday,lots\n", "text/csv"))
    app.run()
    assert not app.exception
    assert len(app.error) >= 1
    assert "meter.csv" in shown(app.error[0].value)
    # The scenario still points to no meter file, so the load stays the demo's bills.
    assert app.session_state["doc"]["load"].get("meter_file") in (None, "")


def test_a_meter_path_outside_the_uploads_is_refused_in_the_readers_language(tmp_path,
                                                                             monkeypatch):
    """A scenario naming a server file as its meter file: refused at the meter input, in
    Chinese (the message was the English text of the error, whatever the language)."""
    import re

    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["load"]["kind"] = "meter_file"
    app.session_state["doc"]["load"]["meter_file"] = "/etc/passwd"
    goto(app, "load")
    assert not app.exception
    errors = [e.value for e in app.error]
    assert any("不在您上传的文件中" in text for text in errors), errors
    for text in errors:
        assert not re.search(r"[A-Za-z]{4,}", text.replace("/etc/passwd", "")), text


def test_a_scenario_with_a_blank_month_opens_on_the_load_page(tmp_path, monkeypatch):
    """An opened scenario whose bills miss a month (null) shows the load page with that month
    blank and the check's message, not the page's internal-error box (float(None) broke it)."""
    from tests.test_app_support import goto, start_app

    app = start_app(tmp_path, monkeypatch, lang="zh")
    doc = app.session_state["doc"]
    doc["load"] = {"kind": "bills", "template": "two_shift",
                   "monthly_kwh": [500000.0, None, *[500000.0] * 10]}
    app.run()
    goto(app, "load")
    assert not app.exception, [e.value for e in app.exception]
    shown = " ".join(str(e.value) for e in app.error)
    assert "显示出错" not in shown and "went wrong" not in shown, shown
    frames = [f.value for f in app.dataframe]
    bills = next(f for f in frames if len(f) == 12 and "kwh" in f.columns)
    assert pd.isna(bills["kwh"].iloc[1]) and bills["kwh"].iloc[0] == 500000.0
