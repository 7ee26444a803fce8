"""Where the app shows an invalid scenario's error and how it names the field, in both
languages (pvplanner.app.widgets.place_problems, pvplanner.app.field_names).

At the field's own input the error needs no naming; away from it (on another page, or on its
page without a place for it) it names the field by its label and a roof plane by its row,
counts the other problems, and names the field's page only when that is another page. A
scenario key (``load.annual_kwh``, ``roof_planes[1].tilt_deg``) never reaches the reader.
"""

from __future__ import annotations

import json
import re

import pytest

from pvplanner.app.widgets import drawn_page, page_of
from tests.test_app_support import flat, goto, position, shown, start_app

#: A scenario key as the command line names a field: ``battery.min_power_kw``,
#: ``roof_planes[1].tilt_deg``.
_KEY = re.compile(r"[a-z_]+(?:\[\d+\])?\.[a-z_]+")

_TITLE = {"en": "Please check this input:", "zh": "请检查此项输入："}
_ON_PAGE = {"en": "This input is on the page “{page}”.", "zh": "该输入位于“{page}”页面。"}
_PAGES = {"site": {"en": "Site and roof", "zh": "场地与屋顶"},
          "load": {"en": "Load", "zh": "用电负荷"},
          "tariff": {"en": "Tariff and costs", "zh": "电价与成本"}}


def errors(app) -> list[str]:
    """The error boxes' texts as the reader sees them, none of them naming a scenario key."""
    assert not app.exception, [e.value for e in app.exception]
    texts = [shown(e.value) for e in app.error]
    for text in texts:
        assert not _KEY.search(text), text
    return texts


def on_page(lang: str, page: str) -> str:
    return _ON_PAGE[lang].format(page=_PAGES[page][lang])


def test_a_field_s_page_is_the_page_of_its_section():
    assert page_of("load.annual_kwh") == "load"
    assert page_of("annual_kwh") == "load"  # raised without its section
    assert page_of("roof_planes[1].tilt_deg") == "site"
    assert page_of("measures[0].capex") == "load"
    assert page_of("upload.weather") is None and page_of(None) is None
    # The page drawn is the one page all its inputs are on (uploads are on none).
    assert drawn_page(["load.kind", "upload.meter", "measures[0].capex"]) == "load"
    assert drawn_page(["name", "site.latitude", "roof_planes", "upload.weather"]) == "site"
    assert drawn_page([]) is None  # the results draw no input
    # The proposal asks for the customer's name (a site input) among its own: not the site.
    assert drawn_page(["site.name", "proposal.preparer", "upload.logo"]) is None


# --------------------------------------------------------------------------- defect 1
_TILT = {
    "en": "invalid scenario: roof plane 1, Roof tilt: must be at most 90.0 (got 95); "
          "other inputs that need attention: 1",
    "zh": "方案输入有误：“第 1 个屋面的屋面倾角”应不大于 90.0（当前为 95）；另有 1 处输入有误",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_roof_planes_wrong_on_another_page_are_named_by_row_and_counted(
        tmp_path, monkeypatch, lang):
    app = start_app(tmp_path, monkeypatch, lang=lang)
    for plane in app.session_state["doc"]["roof_planes"][:2]:
        plane["tilt_deg"] = 95
    goto(app, "results")
    # The scenario's message lists the second plane by its key (for the command line); the
    # app names the first by its row and label and counts the other.
    assert errors(app) == [f"**{_TITLE[lang]}** {_TILT[lang]}  \n{on_page(lang, 'site')}"]
    # On the site page the same error is under the roof table, without the page's name.
    goto(app, "site")
    assert errors(app) == [f"**{_TITLE[lang]}** {_TILT[lang]}"]

_ANNUAL = {
    "en": "invalid scenario: Annual consumption [kWh]: the yearly consumption (kWh) is needed "
          "when the load comes from a yearly total",
    "zh": "方案输入有误：按年用电量录入负荷时，需要填写年用电量",
}
_MIN_POWER = {
    "en": "invalid scenario: Min power [kW]: the battery's smallest power (kW) exceeds its "
          "largest",
    "zh": "方案输入有误：储能最小功率大于最大功率，请调整",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_missing_yearly_total_is_named_by_its_label_on_the_results(
        tmp_path, monkeypatch, lang):
    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "load")
    app.radio(key="in:load.kind").set_value("annual").run()
    goto(app, "results")
    assert errors(app) == [f"**{_TITLE[lang]}** {_ANNUAL[lang]}  \n{on_page(lang, 'load')}"]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", ["results", "carbon"])
def test_a_battery_rule_is_named_by_its_label_on_the_output_pages(
        tmp_path, monkeypatch, lang, page):
    app = start_app(tmp_path, monkeypatch, lang=lang)
    battery = app.session_state["doc"]["battery"]
    battery.update(allowed=True, min_power_kw=500.0, max_power_kw=100.0)
    goto(app, page)
    assert errors(app) == [
        f"**{_TITLE[lang]}** {_MIN_POWER[lang]}  \n{on_page(lang, 'tariff')}"]


_METER = {
    "en": "invalid scenario: Meter data file: a meter data file is needed when the load comes "
          "from meter data",
    "zh": "方案输入有误：按电表数据录入负荷时，需要上传电表文件",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_opened_file_s_missing_meter_file_is_named_on_the_compare_page(
        tmp_path, monkeypatch, lang):
    from pvplanner.scenario.model import demo_scenario

    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "compare")
    outside = tmp_path / "meter.csv"
    outside.write_text("time,kw\n2024-01-01 00:00,1\n")
    scenario = demo_scenario().model_dump(mode="json")
    scenario["load"].update(kind="meter_file", meter_file=str(outside))
    app.file_uploader(key="scenario_upload").set_value(
        ("plant.json", json.dumps(scenario).encode(), "application/json"))
    app.run()
    assert errors(app) == [f"**{_TITLE[lang]}** {_METER[lang]}  \n{on_page(lang, 'load')}"]


_MONTHLY = {
    "en": "invalid scenario: Monthly consumption [kWh]: has fewer entries than the minimum of 12",
    "zh": "方案输入有误：“逐月用电量 [kWh]”至少需要 12 项",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_error_without_its_input_on_its_own_page_does_not_send_the_reader_there(
        tmp_path, monkeypatch, lang):
    # An opened file's bills with 11 months while the load is a yearly total: the load page
    # shows no bills table, so the error is at the top of the page, the field named, the page
    # not (the reader is on it); elsewhere the page is named.
    app = start_app(tmp_path, monkeypatch, lang=lang)
    load = app.session_state["doc"]["load"]
    load.update(kind="annual", annual_kwh=2_000_000.0, monthly_kwh=[100_000.0] * 11)
    goto(app, "load")
    assert errors(app) == [f"**{_TITLE[lang]}** {_MONTHLY[lang]}"]
    goto(app, "results")
    assert errors(app) == [f"**{_TITLE[lang]}** {_MONTHLY[lang]}  \n{on_page(lang, 'load')}"]


# --------------------------------------------------------------------------- defect 2
_WEATHER = {
    "en": "invalid scenario: a weather file is needed when the weather comes from a file",
    "zh": "方案输入有误：气象数据来源为“上传的文件”时，需要上传气象文件",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_missing_weather_file_is_shown_at_the_weather_upload(tmp_path, monkeypatch, lang):
    app = start_app(tmp_path, monkeypatch, lang=lang)
    app.selectbox(key="in:weather.source").set_value("file").run()
    # At the upload the file is given: no field to name, no page to go to.
    assert errors(app) == [f"**{_TITLE[lang]}** {_WEATHER[lang]}"]
    elements = flat(app.main)
    upload = position(elements, "file_uploader", lambda e: e.key == "weather_upload")
    error = position(elements, "error", lambda e: _WEATHER[lang] in shown(e.value))
    assert upload < error
    # Right under the upload: only the (empty) places of other errors in between.
    assert all(getattr(e, "type", None) == "empty" for e in elements[upload + 1:error]), \
        [getattr(e, "type", None) for e in elements[upload + 1:error]]
    # On another page the field is named by its label, with its page.
    goto(app, "results")
    named = {"en": _WEATHER["en"].replace("scenario: ", "scenario: Weather file: "),
             "zh": _WEATHER["zh"]}[lang]
    assert errors(app) == [f"**{_TITLE[lang]}** {named}  \n{on_page(lang, 'site')}"]
