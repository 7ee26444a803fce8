"""The app's frame under AppTest: opens on the demo, every page renders without an error,
language switch, and no traceback ever reaches the user."""

from __future__ import annotations

import pytest

from tests.test_app_support import assert_clean, goto, metric, number, shown, start_app

PAGES = {
    "site": "Site and roof",
    "load": "Electricity load",
    "tariff": "Tariff and costs",
    "results": "Results",
    "carbon": "Carbon assets",
    "compare": "Compare scenarios",
    "proposal": "Customer proposal",
}


@pytest.fixture
def app(tmp_path, monkeypatch):
    return start_app(tmp_path, monkeypatch)


def test_opens_on_the_demo_with_its_headline_figures(app):
    assert app.title[0].value == "Site and roof"
    assert app.text_input(key="in:name").value == "Demo: Hangzhou dyeing factory"
    assert app.number_input(key="in:site.latitude").value == pytest.approx(30.18)
    # The sidebar shows the demo's plan: the whole roof (4 planes, 3,041.8 kWp by the
    # plane_max_kwp rule: 9000*.75*.95*.22 + 6000*.75*.95*.22 + 594 + 96.525) pays off.
    assert metric(app, "PV capacity", sidebar=True) == "3,041.8 kWp"
    assert number(metric(app, "Net present value", sidebar=True)) > 0
    assert metric(app, "Payback (after tax)", sidebar=True).endswith("years")


def test_every_page_renders_its_title_and_charts_without_errors(app):
    min_charts = {"site": 1, "load": 4, "tariff": 2, "results": 5, "carbon": 2}
    for page, title in PAGES.items():
        goto(app, page)
        assert_clean(app)
        assert app.title[0].value == title
        assert len(app.get("vega_lite_chart")) >= min_charts.get(page, 0), page


def test_language_switch_shows_chinese_labels_and_numbers(app):
    app.sidebar.segmented_control(key="lang").set_value("zh").run()
    assert_clean(app)
    assert app.title[0].value == "场地与屋顶"
    assert app.number_input(key="in:site.latitude").label == "纬度 [°N]"
    # Money in Chinese: yuan sign and 万 (ten thousands).
    npv = metric(app, "净现值", sidebar=True)
    assert npv.startswith("¥") and npv.endswith("万")
    goto(app, "results")
    assert app.title[0].value == "测算结果"
    assert metric(app, "自发自用比例").endswith("%")
    app.sidebar.segmented_control(key="lang").set_value("en").run()
    assert app.title[0].value == "Results"


def test_chinese_browser_opens_in_chinese(tmp_path, monkeypatch):
    app = start_app(tmp_path, monkeypatch, lang="zh")
    assert app.title[0].value == "场地与屋顶"
    assert app.session_state["lang"] == "zh"


def test_a_failing_page_shows_a_reference_and_logs_the_traceback(app, monkeypatch, caplog):
    """An internal error shows a translated message with a log reference: no exception
    text, no traceback, no server path; the server log holds the traceback."""
    import re

    import pvplanner.app.page_results as page

    def broken() -> None:
        raise KeyError("boom /srv/pvplanner/secret.py")

    monkeypatch.setattr(page, "render", broken)
    with caplog.at_level("ERROR", logger="pvplanner.app"):
        goto(app, "results")
    assert not app.exception
    assert len(app.error) == 1
    message = shown(app.error[0].value)
    assert "Your inputs are safe" in message
    assert "boom" not in message and "KeyError" not in message and "/srv" not in message
    assert not app.expander and not app.code  # no "details for developers"
    reference = re.search(r"reference ([0-9a-f]{8})", message).group(1)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info and "boom" in str(logged[0].exc_info[1])
    # The rest of the app still works.
    goto(app, "site")
    assert_clean(app)


def test_next_buttons_walk_through_the_flow(app):
    app.button(key="next:load").click().run()
    assert app.title[0].value == "Electricity load"
    app.button(key="next:tariff").click().run()
    assert app.title[0].value == "Tariff and costs"
    app.button(key="next:results").click().run()
    assert app.title[0].value == "Results"
