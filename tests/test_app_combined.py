"""The combined plan on the Results page (issue 17, item 3): the bill today, after the saving
measures and after measures + PV (+ battery), with each part's savings, investment, simple
payback and CO2, checked against hand sums of the Result's own tables. The block is drawn by
AppTest.from_function (the lead calls it from the Results page)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pvplanner.app.combined_plan import combined_parts
from pvplanner.scenario.model import demo_scenario, parse_scenario
from tests.test_app_support import number


@pytest.fixture(scope="module")
def planned():
    import pvplanner

    document = demo_scenario().model_dump(mode="json")
    document["measures"] = [{"id": "hvac_control", "end_use_share": 0.2},
                            {"id": "valley_shift"}]
    return pvplanner.plan(parse_scenario(document), with_npv_curve=False)


def _hand(result) -> dict[str, float]:
    """The plan's bills and savings summed by hand from its own tables."""
    after_measures = float(result.bill_baseline_monthly["total"].sum())  # PV sized after them
    with_all = float(result.bill_with_system_monthly["total"].sum())
    measures = sum(m.bill_savings_per_year for m in result.measures)
    return {"today": after_measures + measures, "after_measures": after_measures,
            "with_all": with_all, "measures": measures, "system": after_measures - with_all,
            "capex_measures": sum(m.capex for m in result.measures),
            "capex_system": result.finance.capex,
            "tco2_measures": sum(m.tco2_avoided_per_year for m in result.measures),
            "tco2_system": result.carbon.avoided_tco2_year1}


def test_the_parts_add_up_to_the_whole_plan_by_hand(planned):
    hand = _hand(planned)
    measures, system, total = combined_parts(planned)
    money = 1e-6  # currency: the same sums in another order
    assert measures.savings == pytest.approx(hand["measures"], abs=money)
    assert system.savings == pytest.approx(hand["system"], abs=money)
    # The combined bill = today's - the measures' savings - the PV's savings.
    assert total.bill_after == pytest.approx(
        hand["today"] - hand["measures"] - hand["system"], abs=money)
    assert total.bill_after == pytest.approx(hand["with_all"], abs=money)
    assert measures.bill_after == pytest.approx(hand["after_measures"], abs=money)
    assert total.savings == pytest.approx(measures.savings + system.savings, abs=money)
    assert total.capex == pytest.approx(hand["capex_measures"] + hand["capex_system"], abs=money)
    assert system.payback_years == pytest.approx(hand["capex_system"] / hand["system"],
                                                 rel=1e-9)
    assert total.payback_years == pytest.approx(
        (hand["capex_measures"] + hand["capex_system"]) / (hand["measures"] + hand["system"]),
        rel=1e-9)
    assert total.tco2 == pytest.approx(hand["tco2_measures"] + hand["tco2_system"], rel=1e-9)
    assert 0 < measures.savings < total.savings


def test_no_measures_no_combined_plan():
    class Plain:
        measures_combined = None

    assert combined_parts(Plain()) == []


def _block():
    import streamlit as st

    from pvplanner.app.combined_plan import combined_plan_block

    combined_plan_block(st.session_state["result"], st.session_state["lang"])


@pytest.mark.parametrize("lang, labels", [
    ("en", ("Bill today", "Bill after the measures", "Bill after measures and PV",
            "The whole plan", "Bill savings [CNY/yr]", "Simple payback [years]")),
    ("zh", ("当前年电费", "节能后年电费", "节能与光伏后年电费", "整体方案",
            "年电费节省 [元/年]", "简单回收期 [年]")),
])
def test_the_block_shows_the_three_bills_and_each_part(planned, lang, labels):
    app = AppTest.from_function(_block, default_timeout=30)
    app.session_state["result"] = planned
    app.session_state["lang"] = lang
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    hand = _hand(planned)
    today, after_measures, after_all, whole, savings, payback = labels
    shown = {m.label: number(m.value) for m in app.metric}
    # Shown in whole currency units: half a unit of rounding.
    assert shown[today] == pytest.approx(hand["today"], abs=0.5)
    assert shown[after_measures] == pytest.approx(hand["after_measures"], abs=0.5)
    assert shown[after_all] == pytest.approx(hand["with_all"], abs=0.5)
    table = app.dataframe[0].value
    assert len(table) == 3
    row = table.iloc[2]
    assert row.iloc[0] == whole
    assert number(row[savings]) == pytest.approx(hand["measures"] + hand["system"], abs=0.5)
    assert number(row[payback]) == pytest.approx(
        (hand["capex_measures"] + hand["capex_system"]) / (hand["measures"] + hand["system"]),
        abs=0.05)


def test_the_results_page_of_the_app_shows_the_combined_plan(tmp_path, monkeypatch):
    """In the app itself: a scenario with saving measures shows the combined plan on the
    Results page (and the demo without measures does not)."""
    from tests.test_app_support import assert_clean, goto, start_app

    at = start_app(tmp_path, monkeypatch)
    goto(at, "results")
    assert_clean(at)
    assert "Bill after the measures" not in {m.label for m in at.metric}
    at.session_state["doc"]["measures"] = [{"id": "hvac_control", "end_use_share": 0.2}]
    at.run()
    assert_clean(at)
    shown = {m.label: number(m.value) for m in at.metric}
    assert "Bill after the measures" in shown
    assert shown["Bill today"] > shown["Bill after the measures"] > shown[
        "Bill after measures and PV"] > 0
