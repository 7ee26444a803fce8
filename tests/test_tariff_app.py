"""Tariff inputs of page 3 under AppTest: the preset version shown, prices typed from a bill,
a market contract's hours, the user's transformer size and the 1.5x agency price."""

from __future__ import annotations

import pytest

from tests.test_app_support import assert_clean, goto, metric, number, start_app


@pytest.fixture
def app(tmp_path, monkeypatch):
    application = start_app(tmp_path, monkeypatch)
    goto(application, "tariff")
    return application


def _npv(app) -> float:
    return number(metric(app, "Net present value", sidebar=True))


def _tariff_doc(app) -> dict:
    return app.session_state["doc"]["tariff"]


def test_the_version_in_force_is_stated(app):
    captions = " ".join(c.value for c in app.caption)
    assert "Version in force from 2026-08-01 until replaced" in captions
    assert "0.679" in captions  # flat price of the Zhejiang 2026 large-industry version


def test_bill_prices_replace_the_presets_and_change_the_plan(app):
    npv_before = _npv(app)
    app.toggle(key="bill_prices").set_value(True).run()
    assert_clean(app)
    bill = _tariff_doc(app)["bill"]
    # Pre-filled with the version's prices: flat 0.6794 (rounded to 0.1 fen) and 47.2.
    assert bill["prices_per_kwh"]["flat"] == pytest.approx(0.6794)
    assert bill["demand_per_kw_month"] == 47.2
    assert _npv(app) == pytest.approx(npv_before, rel=0.01)
    for period in ("sharp", "peak", "flat", "valley", "deep_valley"):
        app.number_input(key=f"in:tariff.bill.prices_per_kwh.{period}").set_value(0.9).run()
    assert_clean(app)
    assert _tariff_doc(app)["bill"]["prices_per_kwh"]["valley"] == 0.9
    # Dearer grid power everywhere makes the PV worth more.
    assert _npv(app) > npv_before * 1.1
    app.toggle(key="bill_prices").set_value(False).run()
    assert _tariff_doc(app)["bill"] is None
    assert _npv(app) == pytest.approx(npv_before, rel=1e-9)


def test_a_market_buyer_enters_the_contracts_hours(app):
    app.radio(key="in:tariff.buyer").set_value("market").run()
    assert_clean(app)
    assert _tariff_doc(app)["buyer"] == "market"
    assert _tariff_doc(app)["bill"] is not None  # a contract needs prices: pre-filled
    app.text_input(key="in:tariff.bill.hours").set_value(
        "valley*8, flat*9, peak*5, flat*2").run()
    assert_clean(app)
    hours = _tariff_doc(app)["bill"]["hours"]
    assert len(hours) == 24 and hours[8] == "flat" and hours[17] == "peak"
    app.text_input(key="in:tariff.bill.hours").set_value("valley*8, flat*9").run()
    assert any("24 hours" in e.value for e in app.error)
    assert len(_tariff_doc(app)["bill"]["hours"]) == 24  # the bad entry was not stored


def test_a_two_part_tariff_refuses_a_small_transformer(app):
    # Name the two-part preset: the demo's tariff follows its province, where 80 kVA would
    # pick the general C&I tariff instead (tests/test_tariff_province.py).
    app.selectbox(key="in:tariff.preset").set_value("zhejiang_2026_large_industry").run()
    app.number_input(key="in:tariff.transformer_kva").set_value(80).run()
    assert not app.exception
    assert any("100 kVA" in e.value for e in app.error)
    app.number_input(key="in:tariff.transformer_kva").set_value(1250).run()
    assert_clean(app)
    assert _tariff_doc(app)["transformer_kva"] == 1250


def test_the_1_5x_agency_price_raises_the_savings(app):
    npv_before = _npv(app)
    app.checkbox(key="in:tariff.agency_1_5x").check().run()
    assert_clean(app)
    assert _tariff_doc(app)["agency_price_multiplier"] == 1.5
    assert _npv(app) > npv_before
