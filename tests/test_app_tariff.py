"""Page 3 (tariff and costs) under AppTest: capacity limit, price edits, export rule, finance,
ownership, currency and battery change the plan; contradicting limits are shown in place."""

from __future__ import annotations

import pytest

from tests.test_app_support import (
    assert_clean,
    find_chart,
    flat,
    goto,
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


# --------------------------------------------------------------------------- tariff and costs
def test_capacity_limit_changes_the_npv(app):
    goto(app, "tariff")
    npv_full = _sidebar_npv(app)
    app.number_input(key="in:constraints.max_total_kwp").set_value(1000).run()
    assert_clean(app)
    assert metric(app, "PV capacity", sidebar=True) == "1,000.0 kWp"
    npv_small = _sidebar_npv(app)
    # The demo's NPV curve rises up to the roof limit, so a third of the roof earns less.
    assert npv_small < 0.6 * npv_full


def test_tariff_price_edit_changes_the_npv(app):
    goto(app, "tariff")
    npv_before = _sidebar_npv(app)
    app.toggle(key="edit_prices").set_value(True).run()
    assert app.session_state["doc"]["tariff"]["custom"]["prices"]["floating_part_per_kwh"] == 0.5252
    floating = app.number_input(key="in:tariff.custom.prices.floating_part_per_kwh")
    floating.set_value(0.70).run()
    assert_clean(app)
    # Dearer grid power makes every self-consumed PV kWh worth more.
    assert _sidebar_npv(app) > npv_before * 1.1
    app.toggle(key="edit_prices").set_value(False).run()
    assert app.session_state["doc"]["tariff"]["custom"] is None
    assert _sidebar_npv(app) == pytest.approx(npv_before, rel=1e-9)


def test_zero_export_sizes_for_self_consumption(app):
    goto(app, "tariff")
    app.radio(key="in:tariff.export.kind").set_value("zero_export").run()
    assert_clean(app)
    assert app.session_state["doc"]["tariff"]["export"]["kind"] == "zero_export"
    # Without export the roof-limit design is no longer worth it: less capacity.
    assert number(metric(app, "PV capacity", sidebar=True)) < 3041.7


def test_contradicting_limits_are_shown_next_to_the_limit(app):
    goto(app, "tariff")
    app.number_input(key="in:constraints.max_total_kwp").set_value(1000).run()
    app.number_input(key="in:constraints.min_total_kwp").set_value(2000).run()
    assert not app.exception
    assert len(app.error) == 1
    # At its own input the error needs no field name, and shows no scenario key.
    assert shown(app.error[0].value).endswith(
        "invalid scenario: the smallest total PV capacity (kWp) exceeds the largest")
    elements = flat(app.main)
    error = position(elements, "error", lambda e: "smallest total PV" in shown(e.value))
    field = position(elements, "number_input", lambda e: e.key == "in:constraints.min_total_kwp")
    assert error == field + 1  # right under the input
    assert app.sidebar.warning


def test_finance_inputs_are_shown_in_percent(app):
    goto(app, "tariff")
    discount = app.number_input(key="in:finance.discount_rate")
    assert discount.value == pytest.approx(6.0)  # stored as 0.06, shown in percent
    npv_before = _sidebar_npv(app)
    discount.set_value(10.0).run()
    assert app.session_state["doc"]["finance"]["discount_rate"] == pytest.approx(0.10)
    assert _sidebar_npv(app) < npv_before


def test_emc_ownership_shows_the_investor_and_host_figures(app):
    goto(app, "tariff")
    app.radio(key="in:finance.ownership").set_value("emc").run()
    assert_clean(app)
    assert app.number_input(key="in:finance.emc_discount_percent").value >= 0
    goto(app, "results")
    assert_clean(app)
    assert metric(app, "Investor's IRR (after tax)").endswith("%")
    assert number(metric(app, "Savings over the 20-year contract (before tax)")) > 0


def test_currency_is_configurable(app):
    goto(app, "tariff")
    app.text_input(key="in:currency").set_value("usd").run()
    # A preset's prices are in CNY: relabelling them USD is refused, at the currency.
    assert app.session_state["doc"]["currency"] == "USD"
    assert app.number_input(key="in:finance.pv_capex_per_kwp").label == "PV cost [USD/kWp]"
    shown = " ".join(e.value for e in app.error).replace("\\", "")
    assert "is priced in CNY but the scenario's amounts are in USD" in shown, shown
    # Prices typed on the page are in the scenario's currency: the plan runs in USD.
    app.toggle(key="edit_prices").set_value(True).run()
    assert app.session_state["doc"]["tariff"]["custom"]["currency"] == "USD"
    assert_clean(app)
    assert metric(app, "Net present value", sidebar=True).startswith("USD ")


@pytest.mark.slow  # a battery plan solves 21 dispatch LPs for the NPV curve (~20 s)
def test_battery_option_adds_a_battery_and_its_state_of_charge(app):
    goto(app, "tariff")
    app.toggle(key="in:battery.allowed").set_value(True).run()
    assert_clean(app)
    assert app.number_input(key="in:battery.max_energy_kwh").value is None  # a day of load
    goto(app, "results")
    assert_clean(app)
    assert metric(app, "Battery energy").endswith(" kWh") and number(metric(app, "Battery energy")) > 0
    assert metric(app, "Battery power").endswith(" kW")
    soc = find_chart(app, "soc_kwh")
    assert soc is not None


def test_a_start_date_out_of_range_leaves_the_field_empty(tmp_path, monkeypatch):
    """An opened scenario starting in 1990 shows the tariff page with the date field empty
    and the check's message under it, not the internal-error box (the date widget refused a
    value below its minimum), and the document keeps the user's date."""
    from tests.test_app_support import goto, start_app

    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["start_date"] = "1990-01-01"
    app.run()
    goto(app, "tariff")
    assert not app.exception, [e.value for e in app.exception]
    shown = " ".join(str(e.value) for e in app.error)
    assert "显示出错" not in shown, shown
    dates = [d for d in app.date_input if d.key == "in:start_date"]
    assert dates and dates[0].value is None
    assert app.session_state["doc"]["start_date"] == "1990-01-01"


def test_an_unknown_option_from_a_file_is_shown_as_the_file_has_it(tmp_path, monkeypatch):
    """An opened scenario with objective "bogus": the select box shows “bogus”（不是可选项）
    and no caption names a catalogue key (they showed tariff.goals.objectives.bogus)."""
    from tests.test_app_support import goto, start_app

    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["constraints"]["objective"] = "bogus"
    app.run()
    goto(app, "tariff")
    assert not app.exception
    box = next(b for b in app.selectbox if b.key == "in:constraints.objective")
    shown = [box.format_func(option) for option in box.options] if hasattr(
        box, "format_func") else list(box.options)
    assert "“bogus”（不是可选项）" in shown, shown
    texts = " ".join(str(e.value) for e in [*app.caption, *app.markdown])
    assert "tariff.goals" not in texts


def test_a_number_out_of_range_from_a_file_is_not_moved_to_the_bound(tmp_path, monkeypatch):
    """An opened scenario with an analysis period of 0 years: the box is empty with its
    error, and the scenario keeps the 0 (the box moved it to 1 and the plan used 1)."""
    from tests.test_app_support import goto, start_app

    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["finance"]["analysis_years"] = 0
    app.run()
    goto(app, "tariff")
    app.run()
    assert not app.exception
    assert app.session_state["doc"]["finance"]["analysis_years"] == 0
    box = next(b for b in app.number_input if b.key == "in:finance.analysis_years")
    assert box.value is None


def test_a_per_cent_inputs_limit_is_said_in_per_cent(tmp_path, monkeypatch):
    """A battery charge efficiency of 0 from an opened file: the error under the per-cent box
    gives its limit and value in per cent (it said “应大于 0.5（当前为 0）” under 充电效率 [%])."""
    from tests.test_app_support import goto, start_app

    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["battery"].update(allowed=True, charge_efficiency=0.0)
    app.run()
    goto(app, "tariff")
    assert not app.exception
    errors = [str(e.value).replace("\\\\", "") for e in app.error]
    assert any("应大于 50%（当前为 0%）" in text for text in errors), errors
    assert not any("0.5（当前为 0）" in text for text in errors), errors
