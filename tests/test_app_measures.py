"""Issue 17 in the app (AppTest): saving measures chosen on the load page with their savings,
and the product footprint entered and shown on the carbon page."""

from __future__ import annotations

import pytest

from tests.test_app_support import assert_clean, goto, metric, number, start_app


@pytest.fixture
def app(tmp_path, monkeypatch):
    return start_app(tmp_path, monkeypatch)


def test_measures_are_chosen_on_the_load_page_and_their_savings_shown(app):
    goto(app, "load")
    app.multiselect(key="in:measures").set_value(["hvac_control", "valley_shift"]).run()
    assert_clean(app)
    assert [m["id"] for m in app.session_state["doc"]["measures"]] == [
        "hvac_control", "valley_shift"]
    saved = number(metric(app, "Energy saved per year"))
    # The demo's 6.75 GWh at the catalogue's 15 % HVAC share and 10 % saving.
    assert saved == pytest.approx(6_750_000 * 0.15 * 0.10 / 1e3, rel=0.01)  # shown in MWh
    app.number_input(key="in:measures[0].end_use_share").set_value(30.0).run()
    assert_clean(app)
    assert app.session_state["doc"]["measures"][0]["end_use_share"] == pytest.approx(0.30)
    assert number(metric(app, "Energy saved per year")) == pytest.approx(2 * saved, rel=0.01)
    table = app.dataframe[-1].value
    assert list(table["Measure"]) == ["HVAC controls: schedules, set-points and re-tuning",
                                      "Shift flexible load from peak to valley hours"]


def test_the_footprint_per_unit_is_entered_and_shown_on_the_carbon_page(app):
    goto(app, "carbon")
    assert_clean(app)
    app.toggle(key="in:production").set_value(True).run()
    assert app.session_state["doc"].get("production") is None  # no output entered yet
    app.session_state["ed:production:0"] = {
        "edited_rows": {m: {"units": 500.0} for m in range(12)}, "added_rows": [],
        "deleted_rows": []}
    app.run()
    assert_clean(app)
    production = app.session_state["doc"]["production"]
    assert production["monthly_units"] == [500.0] * 12 and production["unit"] == "t"
    table = next(d.value for d in app.dataframe if "Stage" in d.value.columns)
    assert list(table["Stage"]) == ["Today", "With measures, PV and battery"]
    # 6.75 GWh over 6,000 t.
    assert number(table["kWh per t"].iloc[0]) == pytest.approx(1125.0, rel=1e-3)
    monthly = next(d.value for d in app.dataframe if "Today" in d.value.columns)
    assert len(monthly) == 12
