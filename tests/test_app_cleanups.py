"""The app clean-ups of issue 14, item 6, under AppTest: KPI cards that fit, the roof table by
name, the site map, the meter-file prompt, recommendations on the meter file's own dates, the
"advanced settings" expanders, a readable portfolio, and Chinese site/load/portfolio pages."""

from __future__ import annotations

import collections
import json
import logging
import re

import numpy as np
import pandas as pd
import pytest

from tests.test_app_support import (
    assert_clean,
    chart_frames,
    charts,
    find_chart,
    goto,
    metric,
    shown,
    start_app,
)


@pytest.fixture
def app(tmp_path, monkeypatch):
    return start_app(tmp_path, monkeypatch)


def _meter_csv(*, low_day: str | None = None, peak_at: str | None = None,
               gap: tuple[str, str] | None = None) -> bytes:
    """A year (2025) of hourly kW readings: a daily sine, optionally one day at 40 %, one
    reading at 1,500 kW and rows missing from ``gap[0]`` to before ``gap[1]``."""
    index = pd.date_range("2025-01-01", periods=8760, freq="h")
    kw = 500 + 200 * np.sin(np.arange(8760) / 24 * 2 * np.pi)
    if low_day:
        kw[index.normalize() == pd.Timestamp(low_day)] *= 0.4
    if peak_at:
        kw[index == pd.Timestamp(peak_at)] = 1500.0
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), "有功功率(kW)": kw})
    if gap:
        frame = frame.loc[(index < pd.Timestamp(gap[0])) | (index >= pd.Timestamp(gap[1]))]
    return frame.to_csv(index=False).encode("utf-8")


def _upload_meter(app, content: bytes) -> None:
    app.file_uploader(key="meter_upload").set_value(("meter.csv", content, "text/csv"))
    app.run()


# --------------------------------------------------------------------------- 1. KPI cards
def test_a_card_that_would_be_cut_is_told_apart_from_one_that_fits():
    from pvplanner.app.card_width import overflow

    # The trial's cut cards: a price with its currency and unit in the value, a long label.
    assert overflow("Average price", "CNY 0.680/kWh", 5) == ["value"]
    assert "label" in overflow("Scope 2 after PV (location-based)", "1,234 tCO₂", 4,
                               border=True)
    assert overflow("Avg. price [CNY/kWh]", "0.680", 3) == []
    assert overflow("Net present value", "CNY 4.53M", 1, sidebar=True) == []
    # Seen in Chromium on a 1,280 px window, four bordered cards a row (results, carbon):
    # these were cut...
    assert overflow("首年发电量", "284.5万 kWh", 4, border=True) == ["value"]
    assert overflow("CO₂ avoided, lifetime", "25,592 tCO₂", 4, border=True) == ["value"]
    # ...and these were not.
    for label, value in (("PV capacity", "3,042 kWp"), ("Investment", "CNY 8.21M"),
                         ("净现值", "¥453.0万"), ("CO₂ avoided, year 1", "1,415 tCO₂")):
        assert overflow(label, value, 4, border=True) == [], (label, value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_kpi_card_on_the_pages_or_the_sidebar_is_cut(tmp_path, monkeypatch, caplog, lang):
    with caplog.at_level(logging.WARNING, logger="pvplanner.app"):
        app = start_app(tmp_path, monkeypatch, lang=lang)
        for page in ("load", "results", "carbon"):
            goto(app, page)
            assert_clean(app)
    cut = [r.getMessage() for r in caplog.records if "does not fit" in r.getMessage()]
    assert not cut, cut
    # The price card names its unit in the label; its value is the bare number.
    goto(app, "load")
    label = "Avg. price [CNY/kWh]" if lang == "en" else "平均电价 [元/kWh]"
    price = metric(app, label)
    assert re.fullmatch(r"\d\.\d{3}", price) and 0.3 < float(price) < 1.5  # a bare number
    assert len(app.sidebar.metric) == 4


# --------------------------------------------------------------------------- 2. roof table
def test_the_roof_table_shows_key_columns_and_mountings_by_name(app):
    editor = app.data_editor[0]
    order = list(editor.proto.column_order)
    assert order == ["name", "computed_kwp", "area_m2", "mounting", "tilt_deg", "azimuth_deg"]
    config = json.loads(editor.proto.columns)
    options = config["mounting"]["type_config"]["options"]
    assert {o["value"]: o["label"] for o in options} == {
        "flush": "Flush", "tilted_rows": "South racks", "east_west": "East-west racks"}
    # The cells hold ids; a change made by name comes back as the id.
    assert editor.value["mounting"].tolist() == ["flush", "flush", "east_west", "tilted_rows"]
    app.session_state["ed:roof_planes:0"] = {
        "edited_rows": {0: {"mounting": "tilted_rows"}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert_clean(app)
    assert app.session_state["doc"]["roof_planes"][0]["mounting"] == "tilted_rows"
    # The other columns appear on demand, with every tooltip free of module paths.
    app.toggle(key="roof_all_columns").set_value(True).run()
    editor = app.data_editor[0]
    assert len(editor.proto.column_order) == 11
    helps = [c.get("help") or "" for c in json.loads(editor.proto.columns).values()]
    assert helps and not any("pvplanner." in h or "_kwp" in h for h in helps), helps


def test_the_chinese_roof_table_names_mountings_in_chinese(tmp_path, monkeypatch):
    app = start_app(tmp_path, monkeypatch, lang="zh")
    options = json.loads(app.data_editor[0].proto.columns)["mounting"]["type_config"]["options"]
    assert [o["label"] for o in options] == ["平铺", "朝南支架", "东西向支架"]
    assert not any("flush" in c.value or "east_west" in c.value for c in app.caption)


# --------------------------------------------------------------------------- 3. the map
def test_no_city_name_touches_the_site_and_the_site_is_the_maps_centre(app):
    from pvplanner.app.site_map import site_boxes, text_box, view_cities
    from weather.climatology import list_cities

    spec = next(s for s in charts(app) if "projection" in s)
    assert spec["projection"]["center"] == [120.26, 30.18]  # the demo's site
    assert spec["projection"]["type"] == "mercator"
    cities = view_cities(list_cities(), 30.18, 120.26, "en", "Site")
    printed = cities.loc[cities["shown"] != ""]
    # The region is in view and named: Shanghai, Ningbo, Suzhou are a few hundred km away.
    assert {"Shanghai", "Ningbo", "Suzhou"} <= set(printed["city"])
    assert "Hangzhou" not in set(printed["city"])  # its name would sit on the site's
    boxes = [text_box(x, y, label, 11.0, -10.0) for x, y, label in
             zip(printed["x_px"], printed["y_px"], printed["shown"], strict=True)]
    for k, box in enumerate(boxes):
        assert not any(box.overlaps(site) for site in site_boxes("Site"))
        assert not any(box.overlaps(other) for other in boxes[k + 1:])
    # The map follows the site: moved to Beijing, Beijing is the centre.
    app.selectbox(key="city_search").set_value("Beijing").run()
    assert_clean(app)
    spec = next(s for s in charts(app) if "projection" in s)
    assert spec["projection"]["center"] == [116.47, 39.8]


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [])


def test_the_map_is_a_dot_map_offline_and_on_osm_tiles_online(app, monkeypatch):
    import pvplanner.app.online as online

    offline = next(s for s in charts(app) if "projection" in s)
    marks = [layer["mark"]["type"] for layer in _layers(offline)]
    assert "image" not in marks and "geoshape" in marks  # the 1 degree grid
    assert any("cannot be reached" in c.value for c in app.caption)
    monkeypatch.setattr(online, "tiles_online", lambda **_: True)
    app.run()
    spec = next(s for s in charts(app) if "projection" in s)
    images = [layer for layer in _layers(spec) if layer["mark"]["type"] == "image"]
    assert images
    frames = chart_frames(find_chart(app, "projection")).values()
    urls = [u for frame in frames if "url" in frame for u in frame["url"]]
    assert urls and all(u.startswith("https://tile.openstreetmap.org/7/") for u in urls)
    assert any("OpenStreetMap" in c.value for c in app.caption)  # the tiles' credit


def test_the_online_check_waits_for_nobody_and_never_runs_offline(monkeypatch):
    import pvplanner.app.online as online

    calls = []
    monkeypatch.setattr(online, "probe", lambda: calls.append(1) or True)
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    online.set_answer(None)
    assert online.tiles_online(wait_s=1.0) is False and not calls
    monkeypatch.delenv("PVPLANNER_OFFLINE")
    online.set_answer(None)
    assert online.tiles_online(wait_s=2.0) is True and calls == [1]
    assert online.tiles_online() is True and calls == [1]  # remembered, not asked again
    monkeypatch.setattr(online, "probe", lambda: (_ for _ in ()).throw(OSError("down")))
    online.set_answer(None)
    assert online.tiles_online(wait_s=2.0) is False
    online.set_answer(None)


# --------------------------------------------------------------------------- 4. meter prompt
def test_choosing_a_meter_file_before_uploading_prompts_on_the_load_page_only(app):
    goto(app, "load")
    npv = metric(app, "Net present value", sidebar=True)
    app.radio(key="in:load.kind").set_value("meter_file").run()
    assert_clean(app)
    assert any("Upload the meter export below" in i.value and "12 monthly bills" in i.value
               for i in app.info)
    assert app.session_state["doc"]["load"]["kind"] == "bills"  # the plan keeps the bills
    assert metric(app, "Net present value", sidebar=True) == npv
    for page in ("results", "tariff", "site", "load"):
        goto(app, page)
        assert_clean(app)
    assert app.radio(key="in:load.kind").value == "meter_file"  # the choice is remembered
    _upload_meter(app, _meter_csv())
    assert_clean(app)
    assert app.session_state["doc"]["load"]["kind"] == "meter_file"
    assert not any("Upload the meter export below" in i.value for i in app.info)
    app.radio(key="in:load.kind").set_value("annual").run()
    assert app.session_state["doc"]["load"]["kind"] == "annual"


# --------------------------------------------------------------------------- 5. real dates
def test_recommendations_and_the_peak_cite_the_meter_files_own_dates(app):
    goto(app, "load")
    app.radio(key="in:load.kind").set_value("meter_file").run()
    # Wednesday 18 June 2025 at 40 %; the typical year 2026 takes it on Wednesday 17 June.
    _upload_meter(app, _meter_csv(low_day="2025-06-18", peak_at="2025-07-23 14:00"))
    assert_clean(app)
    texts = [i.value for i in app.info]
    anomaly = [text for text in texts if "deviate strongly" in text]
    assert anomaly and "2025-06-18" in anomaly[0] and "2026-" not in anomaly[0], texts
    peak = next(m for m in app.main.metric if m.label == "Peak demand")
    assert "2025-07-23 14:00" in peak.help


def test_on_meter_calendar_moves_only_the_dates():
    from pvplanner.load import analyze_load, read_meter_file, recommendations
    from pvplanner.load.analytics import on_meter_calendar

    meter = read_meter_file(_meter_csv(low_day="2025-06-18", peak_at="2025-07-23 14:00"),
                            filename="meter.csv")
    typical = analyze_load(meter.load_kw)
    assert typical.calendar == "typical_year"
    assert typical.anomalous_days[0]["date"] == "2026-06-17"  # mapped by 364 days
    real = on_meter_calendar(typical, meter.source_load_kw)
    assert real.calendar == "meter_file"
    assert real.anomalous_days[0]["date"] == "2025-06-18"
    assert real.max_time.startswith("2025-07-23T14:00")
    assert real.annual_kwh == typical.annual_kwh and real.max_kw == typical.max_kw
    said = [r.text_en for r in recommendations(real) if r.id == "anomalous_days"]
    assert said and "2025-06-18" in said[0]


def test_the_chinese_quality_report_of_a_meter_file_reads_chinese(tmp_path, monkeypatch):
    from tests.test_language import latin_words

    app = start_app(tmp_path, monkeypatch, lang="zh")
    goto(app, "load")
    app.radio(key="in:load.kind").set_value("meter_file").run()
    _upload_meter(app, _meter_csv(gap=("2025-03-10", "2025-03-13")))
    assert_clean(app)
    gaps = [w.value for w in app.warning if "较长缺失" in w.value]
    assert gaps and "2025-03-10 00:00 → 2025-03-13 00:00" in gaps[0] and "72 小时" in gaps[0]
    table = app.dataframe[0].value
    assert "时段起点" in set(table["数值"]) and "功率 [kW]" in set(table["数值"])
    words = [w for text in [*gaps, *table["数值"].astype(str)] for w in latin_words(text)]
    assert not words, words


# --------------------------------------------------------------------------- 6. advanced
def _expander(app, label: str):
    found = [e for e in app.main.expander if e.label == label]
    assert found, [e.label for e in app.main.expander]
    return found


def test_jargon_sits_under_advanced_settings(app):
    # Site: the synthetic weather year's seed.
    holders = _expander(app, "Advanced settings")
    assert any(e.get_by_key("in:weather.seed") is not None for e in _keys(holders))
    assert not any(n.key == "in:weather.seed" for n in _outside(app, "Advanced settings"))
    # Load: how the meter file is read.
    goto(app, "load")
    app.radio(key="in:load.kind").set_value("meter_file").run()
    holders = _expander(app, "Advanced settings")
    assert any(e.get_by_key("in:load.meter_units") is not None for e in _keys(holders))
    # Tariff: the solver's time limit.
    goto(app, "tariff")
    holders = _expander(app, "Advanced settings")
    assert any(e.get_by_key("in:constraints.solver_time_limit_s") is not None
               for e in _keys(holders))
    assert not any(n.key == "in:constraints.solver_time_limit_s"
                   for n in _outside(app, "Advanced settings"))
    # Portfolio: the weather grid cell.
    goto(app, "portfolio")
    holders = _expander(app, "Advanced settings")
    assert any(e.get_by_key("portfolio:cell") is not None for e in _keys(holders))


def _keys(expanders):
    class _Finder:
        def __init__(self, expander):
            self.expander = expander

        def get_by_key(self, key):
            for kind in ("number_input", "radio"):
                for widget in getattr(self.expander, kind):
                    if widget.key == key:
                        return widget
            return None

    return [_Finder(e) for e in expanders]


def _outside(app, label: str) -> list:
    inside = {id(w) for e in app.main.expander if e.label == label
              for w in [*e.number_input, *e.radio]}
    return [w for w in [*app.main.number_input, *app.main.radio] if id(w) not in inside]


# --------------------------------------------------------------------------- 7. portfolio
def _portfolio_app(tmp_path, monkeypatch, lang: str):
    from tests.test_batch_page import _results

    app = start_app(tmp_path, monkeypatch, lang=lang)
    app.session_state["portfolio:results"] = _results(tmp_path)
    goto(app, "portfolio")
    assert_clean(app)
    return app


def test_the_portfolio_table_and_map_are_readable(tmp_path, monkeypatch):
    app = _portfolio_app(tmp_path, monkeypatch, "zh")
    table = app.dataframe[0]
    frame = table.value
    assert list(frame["厂址"]) == ["Alpha", "Beta", "Gamma", "Delta"]
    assert list(frame["省份"]) == ["浙江", "江苏", "广东", "广东"]
    assert list(frame["状态"]) == ["已规划", "已规划", "失败", "已规划"]
    # Money in 万元 with the unit in the header: Beta's NPV 3.4 million yuan = 340 万元.
    # The terms of the results page and the proposal (自发自用比例, 净现值（税后）).
    assert frame["净现值（税后）[万元]"].iloc[1] == pytest.approx(340.0)
    assert frame["自发自用比例 [%]"].iloc[0] == pytest.approx(90.0)  # percent
    config = json.loads(table.proto.columns)
    assert config["净现值（税后）[万元]"]["type_config"]["format"] == "%,.2f"
    assert config["年用电量 [MWh]"]["type_config"]["format"] == "%,.1f"
    assert config["自发自用比例 [%]"]["type_config"]["format"] == "%,.1f"
    frames = list(chart_frames(find_chart(app, "projection")).values())
    names = {n for frame in frames if "name" in frame for n in frame["name"]}
    assert names == {"Alpha", "Beta", "Delta"}  # the planned sites, by name
    assert not any(frame.astype(str).apply(lambda c: c.str.contains(".json")).any().any()
                   for frame in frames)


# --------------------------------------------------------------------------- 8. Chinese
def test_the_chinese_site_load_and_portfolio_pages_have_no_latin_words(tmp_path, monkeypatch):
    from tests.test_language import _page_texts, latin_words

    app = _portfolio_app(tmp_path, monkeypatch, "zh")
    found = {}
    for page in ("portfolio", "site", "load"):
        goto(app, page)
        assert not app.exception
        found[page] = collections.Counter(w for text in _page_texts(app)
                                          for w in latin_words(text))
    app.radio(key="in:load.kind").set_value("meter_file").run()  # the prompt, the expander
    found["load, meter file"] = collections.Counter(
        w for text in _page_texts(app) for w in latin_words(text))
    assert any("上传电表导出数据" in shown(i.value) for i in app.info)
    app.file_uploader(key="meter_upload").set_value(("电表.csv", _meter_csv(), "text/csv"))
    app.run()  # the quality report, the analysis and recommendations of a meter file
    assert_clean(app)
    found["load, meter file read"] = collections.Counter(
        w for text in _page_texts(app) for w in latin_words(text)
        if w != "csv")  # the extension of the user's own file name (电表.csv)
    # The sites' own names (the user's data: Alpha, Beta...) are not the page's words; the
    # failed site's error is shown in Chinese.
    theirs = {"Alpha", "Beta", "Gamma", "Delta"}
    found["portfolio"] = collections.Counter(
        {w: n for w, n in found["portfolio"].items() if w not in theirs})
    assert not any(found.values()), found


def test_a_bad_sites_file_is_explained_in_chinese(tmp_path, monkeypatch):
    """Each row's problem of an uploaded sites file is shown in the reader's language (the
    user's own names and values aside)."""
    from tests.test_language import latin_words

    app = start_app(tmp_path, monkeypatch, lang="zh")
    goto(app, "portfolio")
    sites = ("name,lat,lon,roof_area_m2,annual_kwh\n"
             "甲厂,30.2,120.1,abc,1000000\n"
             "乙厂,,,5000,\n").encode()
    app.file_uploader(key="portfolio:file").set_value(("sites.csv", sites, "text/csv"))
    app.run()
    assert not app.exception
    shown_text = " ".join(e.value for e in app.error).replace("\\", "")  # markdown escapes
    assert "本页的示例厂址清单文件" in shown_text  # where the columns are described (not a README)
    assert "厂址清单文件有错误" in shown_text or "有误" in shown_text, shown_text
    assert "abc" in shown_text and "甲厂" in shown_text
    theirs = shown_text
    for column in ("roof_area_m2", "annual_kwh", "kwh_01", "kwh_12", "meter_file", "sites.csv",
                   "abc", "lat", "lon", "city"):  # the file's own columns, name and value
        theirs = theirs.replace(column, " ")
    assert not latin_words(theirs), (latin_words(theirs), shown_text)


def test_every_choice_box_has_a_placeholder_in_the_readers_language(tmp_path, monkeypatch):
    """A select box whose value is empty shows its placeholder; without one Streamlit shows
    "Choose an option" in English whatever the reader's language (seen on the carbon page,
    whose grid factor follows the site by default)."""
    from tests.test_app_support import flat
    from tests.test_language import PAGES, latin_words

    app = start_app(tmp_path, monkeypatch, lang="zh")
    seen = 0
    for page in PAGES:
        goto(app, page)
        for element in flat(app._tree):
            if getattr(element, "type", "") in ("selectbox", "multiselect"):
                seen += 1
                placeholder = element.proto.placeholder
                assert placeholder and not latin_words(placeholder), (page, element.label)
    assert seen >= 10


def test_the_uploader_style_draws_the_readers_words_only_in_chinese():
    from pvplanner.app.shell import uploader_style
    from pvplanner.app.uploads import MAX_UPLOAD_MB
    from pvplanner.display.messages import translate

    assert uploader_style("en") == ""
    style = uploader_style("zh")
    assert f'content: "{translate("common.upload.button", "zh")}"' in style
    assert f"不超过 {MAX_UPLOAD_MB} MB" in style and style.count("font-size: 0;") == 2
    # The logo's uploader takes 2 MB: its hint says so (it said the shared 50 MB).
    logo_rule = next(line for line in style.splitlines() if ".st-key-logo_upload" in line)
    assert "不超过 2 MB" in logo_rule and MAX_UPLOAD_MB != 2


def test_the_demo_opens_with_its_own_names_in_the_readers_language(tmp_path, monkeypatch):
    """A Chinese reader's demo inputs read Chinese (scenario, plant and roof names); the
    places it is planned on, and so its plan, are the demo's."""
    zh = start_app(tmp_path, monkeypatch, lang="zh")
    assert zh.text_input(key="in:name").value == "演示：杭州印染厂"
    document = zh.session_state["doc"]
    assert document["site"]["name"] == "杭州萧山印染厂（演示）"
    assert [p["name"] for p in document["roof_planes"]][0] == "染色车间（南坡，彩钢瓦）"
    assert document["site"]["province"] == "Zhejiang"
    assert metric(zh, "光伏装机", sidebar=True) == "3,041.8 kWp"
    goto(zh, "proposal")  # the customer is still the demo's: the prompt says so
    assert any("杭州萧山印染厂" in w.value for w in zh.warning)


def test_the_carbon_page_checks_a_credit_scheme_where_the_plan_does(tmp_path, monkeypatch):
    """A scheme limited to another province (Wuhan's, Hubei) is said not to credit the demo
    (Zhejiang) on the carbon page, as the plan finds: the site's own province is used when
    the carbon inputs name none."""
    app = start_app(tmp_path, monkeypatch)
    app.session_state["doc"]["carbon"].update(
        {"certificates": "none", "credit_scheme_ids": ["wuhan-carbon-inclusion"],
         "credit_price_per_tco2": 40.0})
    goto(app, "carbon")
    assert not app.exception
    warned = " ".join(w.value for w in app.warning)
    assert "Hubei" in warned and "Zhejiang" in warned
