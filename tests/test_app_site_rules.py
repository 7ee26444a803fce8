"""The app under AppTest: the tariff follows the site's province (a move switches it and says
so), a tariff of another province is warned, the preset follows the customer's size, and the
grid connection (国能发新能规〔2025〕7号) shows what it implies."""

from __future__ import annotations

import pytest

from tests.test_app_support import assert_clean, goto, metric, number, start_app


@pytest.fixture
def app(tmp_path, monkeypatch):
    return start_app(tmp_path, monkeypatch)


def _tariff_doc(app) -> dict:
    return app.session_state["doc"]["tariff"]


def _infos(app) -> str:
    return " ".join(i.value for i in app.info)


def _warnings(app) -> str:
    return " ".join(w.value for w in app.warning)


def test_moving_the_site_to_suzhou_switches_the_tariff_and_says_so(app):
    npv_hangzhou = number(metric(app, "Net present value", sidebar=True))
    app.selectbox(key="city_search").set_value("Suzhou").run()
    assert_clean(app)
    assert app.session_state["doc"]["site"]["province"] == "Jiangsu"
    assert "the tariff follows it (Jiangsu large industry" in _infos(app)
    assert _tariff_doc(app)["preset"] is None  # still following the province
    assert number(metric(app, "Net present value", sidebar=True)) != npv_hangzhou
    goto(app, "tariff")
    assert_clean(app)
    box = app.selectbox(key="in:tariff.preset")
    assert box.value is None and "Jiangsu large industry" in box.format_func(None)
    # Jiangsu's version in force on 2026-10-01: its flat price 0.64 (State Grid Jiangsu table).
    assert any("0.640" in c.value for c in app.caption)
    assert "is Zhejiang's" not in _warnings(app)


def test_a_move_to_a_province_without_a_tariff_keeps_the_old_one_and_warns(app):
    app.selectbox(key="city_search").set_value("Beijing").run()
    assert_clean(app)
    assert "No built-in tariff for Beijing" in _infos(app)
    assert _tariff_doc(app)["preset"] == "zhejiang_2026_large_industry"
    goto(app, "tariff")
    assert "This tariff is Zhejiang's but the site is in Beijing" in _warnings(app)


def test_a_named_tariff_of_another_province_is_warned_until_it_follows_the_site(app):
    goto(app, "tariff")
    app.selectbox(key="in:tariff.preset").set_value("jiangsu_2025_large_industry").run()
    assert_clean(app)
    assert "This tariff is Jiangsu's but the site is in Zhejiang" in _warnings(app)
    app.selectbox(key="in:tariff.preset").set_value(None).run()
    assert_clean(app)
    assert "but the site is in" not in _warnings(app)
    # A named preset of another province also follows the site when the site moves.
    app.selectbox(key="in:tariff.preset").set_value("guangdong_2021_large_industry").run()
    goto(app, "site")
    app.selectbox(key="city_search").set_value("Nanjing").run()
    assert_clean(app)
    assert _tariff_doc(app)["preset"] is None
    assert "the tariff follows it" in _infos(app)


def test_the_provinces_preset_follows_the_customers_size(app):
    goto(app, "tariff")
    captions = " ".join(c.value for c in app.caption)
    assert "the load's peak" in captions and "large industry" in captions
    app.number_input(key="in:tariff.transformer_kva").set_value(80).run()
    assert_clean(app)  # a small user: the general C&I (single-part) tariff, no refusal
    captions = " ".join(c.value for c in app.caption)
    assert "the transformer (80 kVA) is below the 315 kVA threshold" in captions
    box = app.selectbox(key="in:tariff.preset")
    assert "Zhejiang general C&I" in box.format_func(None)


def test_the_grid_connection_sets_the_category_and_its_limits(app):
    goto(app, "tariff")
    captions = " ".join(c.value for c in app.caption)
    assert "General C&I distributed PV · up to 6,000 kWp" in captions
    app.selectbox(key="in:project.grid_voltage_kv").set_value(35.0).run()
    assert_clean(app)
    captions = " ".join(c.value for c in app.caption)
    # Zhejiang's spot market runs continuously (data row): large C&I may export its surplus.
    assert "Large C&I distributed PV · up to 20,000 kWp · self-use, surplus exported" in captions
    app.selectbox(key="in:project.spot_market_continuous").set_value(False).run()
    assert_clean(app)
    assert "the plan is full self-use" in _infos(app)
    assert app.session_state["doc"]["project"]["spot_market_continuous"] is False
    # Asking for surplus export there is refused next to the mode, naming the rule.
    app.selectbox(key="in:project.connection_mode").set_value("surplus_export").run()
    assert any("国能发新能规〔2025〕7号" in e.value for e in app.error)
