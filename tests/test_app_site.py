"""Page 1 (site and roof) under AppTest: city search, roof table, weather uploads; mistakes
appear next to the input that caused them."""

from __future__ import annotations

import pytest

from tests.test_app_support import (
    assert_clean,
    flat,
    metric,
    number,
    position,
    shown,
    start_app,
)


@pytest.fixture
def app(tmp_path, monkeypatch):
    return start_app(tmp_path, monkeypatch)


def _sidebar_npv(app) -> float:
    return number(metric(app, "Net present value", sidebar=True))


# --------------------------------------------------------------------------- site and roof
def test_city_search_moves_the_site_and_changes_the_plan(app):
    npv_hangzhou = _sidebar_npv(app)
    app.selectbox(key="city_search").set_value("Beijing").run()
    assert_clean(app)
    # Beijing's table coordinates (data/climatology/cities.csv: 39.8 N, 116.47 E).
    assert app.number_input(key="in:site.latitude").value == pytest.approx(39.8)
    assert app.number_input(key="in:site.longitude").value == pytest.approx(116.47)
    doc = app.session_state["doc"]
    assert doc["site"]["province"] == "Beijing" and doc["site"]["city"] == "Beijing"
    # Beijing has ~1,401 kWh/m2 of yearly irradiation against Hangzhou's ~1,160 (cities.csv),
    # so the same roof earns more there.
    assert _sidebar_npv(app) > npv_hangzhou * 1.05


def test_roof_table_edit_changes_capacity_and_shows_computed_limit(app):
    editor = app.data_editor[0]
    assert editor.value["computed_kwp"].round(3).tolist() == [1410.75, 940.5, 594.0, 96.525]
    # Halve the south workshop: 4500 m2 * 0.75 usable * 0.95 coverage * 220 W/m2 = 705.4 kWp.
    app.session_state["ed:roof_planes:0"] = {
        "edited_rows": {0: {"area_m2": 4500.0}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert_clean(app)
    assert app.data_editor[0].value["computed_kwp"].iloc[0] == pytest.approx(705.375)
    assert metric(app, "PV capacity", sidebar=True) == "2,336.4 kWp"  # 3041.775 - 705.375


def test_a_roof_mistake_is_shown_under_the_roof_table(app):
    # East-west racks on a 30 degree roof: the plane model refuses it (racks need flat roofs).
    app.session_state["ed:roof_planes:0"] = {
        "edited_rows": {2: {"tilt_deg": 30.0}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception
    assert len(app.error) == 1
    # Under the whole table the plane is named by its row and the field by its label.
    assert "invalid scenario: roof plane 3, Roof tilt: " in shown(app.error[0].value)
    assert "roof_planes[2]" not in shown(app.error[0].value)
    assert "flat roofs" in app.error[0].value
    elements = flat(app.main)
    error = position(elements, "error", lambda e: "Roof tilt" in shown(e.value))
    roof = position(elements, "subheader", lambda e: e.value == "Roof planes")
    weather = position(elements, "subheader", lambda e: e.value == "Weather")
    assert roof < error < weather
    # No plan for an invalid scenario: the sidebar says so instead of showing stale figures.
    assert not app.sidebar.metric
    assert app.sidebar.warning
    # The user fixes it and everything comes back.
    app.session_state["ed:roof_planes:1"] = {
        "edited_rows": {2: {"tilt_deg": 0.0}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert_clean(app)
    assert metric(app, "PV capacity", sidebar=True) == "3,041.8 kWp"


def test_weather_file_upload_switches_the_source(app, tmp_path):
    from weather.synthetic import synthetic_weather_for_place

    frame, _ = synthetic_weather_for_place(30.18, 120.26, seed=3)
    text = frame.to_csv(index_label="time")
    content = ("# latitude=30.18 longitude=120.26 utc_offset=8\n" + text).encode()
    app.file_uploader(key="weather_upload").set_value(("hangzhou.csv", content, "text/csv"))
    app.run()
    assert not app.exception
    doc = app.session_state["doc"]
    if app.error:  # the reader refused the file: the message is under the uploader
        elements = flat(app.main)
        error = position(elements, "error", lambda e: True)
        weather = position(elements, "subheader", lambda e: e.value == "Weather")
        assert error > weather
        pytest.fail(app.error[0].value)
    assert doc["weather"]["source"] == "file"
    # The scenario names the upload relative to the user's upload folder (no server
    # folder: a downloaded scenario showed it) and keeps the name the user gave it.
    stored = doc["weather"]["file"]
    assert stored.startswith("weather/") and not stored.startswith("/")
    assert [p for p in (tmp_path / "uploads").rglob(stored.split("/")[-1]) if p.is_file()]
    assert doc["weather"]["file_name"] == "hangzhou.csv"
    assert "uploaded file" in " ".join(m.value for m in app.markdown)


def test_an_unreadable_weather_file_is_refused_next_to_the_uploader(app):
    app.file_uploader(key="weather_upload").set_value(
        ("weather.epw", b"this is not a weather file\n1,2,3\n", "text/plain"))
    app.run()
    assert not app.exception
    assert len(app.error) == 1
    elements = flat(app.main)
    error = position(elements, "error", lambda e: True)
    weather = position(elements, "subheader", lambda e: e.value == "Weather")
    assert error > weather
    assert app.session_state["doc"]["weather"]["source"] == "synthetic"  # unchanged


def test_typed_coordinates_offer_the_nearest_citys_province(app):
    from weather.climatology import find_city

    guangzhou = find_city("Guangzhou")
    app.number_input(key="in:site.latitude").set_value(guangzhou.lat + 0.05).run()
    app.number_input(key="in:site.longitude").set_value(guangzhou.lon - 0.05).run()
    assert_clean(app)
    # The province still says Zhejiang: the app offers Guangdong's (export price, factor).
    assert app.session_state["doc"]["site"]["province"] == "Zhejiang"
    assert any("Guangzhou" in c.value for c in app.caption)
    npv_zhejiang_province = number(metric(app, "Net present value", sidebar=True))
    app.button(key="use_nearest_province").click().run()
    assert_clean(app)
    assert app.session_state["doc"]["site"]["province"] == "Guangdong"
    assert app.session_state["doc"]["carbon"]["site_province"] == "Guangdong"
    # Guangdong's coal benchmark export price (data/export_prices.csv) differs from
    # Zhejiang's, so the plan changes.
    assert number(metric(app, "Net present value", sidebar=True)) != npv_zhejiang_province


def test_coordinates_no_station_can_stand_for_are_warned_of_at_the_coordinates(app):
    """Cape Town's coordinates: the nearest station of the climatology table is in the other
    hemisphere, so offline weather would be refused at planning; the Site page says so under
    the coordinates, in the refusal's own words, while the weather source may make it."""
    app.number_input(key="in:site.latitude").set_value(-33.9).run()
    app.number_input(key="in:site.longitude").set_value(18.4).run()
    said = [w.value for w in app.warning if "Offline weather cannot be made" in w.value]
    assert len(said) == 1 and "other hemisphere" in said[0]
    # Back in Hangzhou: no such warning.
    app.number_input(key="in:site.latitude").set_value(30.18).run()
    app.number_input(key="in:site.longitude").set_value(120.26).run()
    assert not [w for w in app.warning if "Offline weather cannot be made" in w.value]


def test_the_sites_province_and_city_read_in_chinese_and_stay_stored(tmp_path, monkeypatch):
    """The demo's province and city show as 浙江 and 杭州 on the Chinese site page (they read
    Zhejiang and Hangzhou), and the scenario keeps its stored names until the user types."""
    from tests.test_app_support import goto, start_app

    app = start_app(tmp_path, monkeypatch, lang="zh")
    goto(app, "site")
    boxes = {box.label: box.value for box in app.text_input}
    province = next(v for k, v in boxes.items() if k.startswith("省份"))
    assert province == "浙江" and boxes.get("城市") == "杭州", boxes
    doc = app.session_state["doc"]["site"]
    assert (doc["province"], doc["city"]) == ("Zhejiang", "Hangzhou")
    app.run()
    doc = app.session_state["doc"]["site"]
    assert (doc["province"], doc["city"]) == ("Zhejiang", "Hangzhou")


def test_a_roof_planes_error_under_the_roof_table_names_its_row(tmp_path, monkeypatch):
    """A tilt of 200 on the second roof plane: the error under the roof table names the row
    and the column (it read only “应不大于 90.0（当前为 200）” under a table of four roofs)."""
    from tests.test_app_support import goto, start_app

    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["roof_planes"][1]["tilt_deg"] = 200
    app.run()
    goto(app, "site")
    assert not app.exception
    errors = [str(e.value).replace("\\", "") for e in app.error]  # markdown escapes
    assert any("“第 2 个屋面的屋面倾角”应不大于 90.0（当前为 200）" in text for text in errors), errors
