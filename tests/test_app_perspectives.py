"""Issue 14 in the app (AppTest): each party's money under EMC and lease on the results
page and in the compare table, the NPV's sensitivity and P50/P90, a binding battery limit,
the carbon page's reduction, the sidebar after a save-as, and the proposal page's seller
inputs, logo and demo-customer prompt."""

from __future__ import annotations

import copy
import dataclasses
import io

import pytest
from PIL import Image

from pvplanner.app.fmt import Fmt
from pvplanner.errors import PlannerInputError
from pvplanner.pipeline import plan
from pvplanner.result import BatterySummary
from pvplanner.scenario.model import demo_scenario
from tests.test_app_support import assert_clean, chart_frames, find_chart, goto, metric, start_app


@pytest.fixture
def app(tmp_path, monkeypatch):
    return start_app(tmp_path, monkeypatch)


def _ownership(app, ownership: str) -> None:
    doc = copy.deepcopy(app.session_state["doc"])
    doc["finance"]["ownership"] = ownership
    app.session_state["doc"] = doc
    app.run()


@pytest.fixture(scope="module")
def emc_result():
    scenario = demo_scenario()
    return plan(scenario.model_copy(update={"finance": scenario.finance.model_copy(
        update={"ownership": "emc"})}), with_npv_curve=False)


def test_results_page_separates_the_company_and_the_investor(app, emc_result):
    goto(app, "results")
    _ownership(app, "emc")
    assert_clean(app)
    f, fin = Fmt("en", "CNY"), emc_result.finance
    assert metric(app, "Company's net saving, year 1 (before tax)") == \
        f.money_compact(fin.host_savings_year1)
    assert metric(app, "Investor's NPV (after tax)") == f.money_compact(fin.npv)
    assert metric(app, "Investor's IRR (after tax)") == f.percent(fin.investor_irr)
    assert metric(app, "Company's investment") == "none"
    assert metric(app, "Present worth of the savings (before tax)") == \
        f.money_compact(fin.host_npv)
    labels = [m.label for m in app.main.metric]
    assert "Bill savings, year 1" not in labels  # the self-investor's figure is not shown
    assert any("The company (host)" in m.value for m in app.markdown)
    assert any("The investor" in m.value for m in app.markdown)


def test_results_page_shows_the_tornado_and_p90(app):
    goto(app, "results")
    assert_clean(app)
    result = plan(demo_scenario())
    frames = chart_frames(find_chart(app, "input higher"))
    bars = next(df for df in frames.values() if "npv" in df.columns and "side" in df.columns)
    assert len(bars) == 2 * len(result.sensitivity)
    assert bars["base"].iloc[0] == pytest.approx(result.finance.npv, rel=1e-9)
    f = Fmt("en", "CNY")
    assert metric(app, "P90 generation (9 years in 10)") == f.energy(
        result.pv.p90_annual_generation_kwh)
    assert metric(app, "Year-to-year variability (1σ)") == "4.5%"


def test_a_binding_battery_limit_is_said(app, monkeypatch):
    import pvplanner.app.state as state

    real = state.result

    def held():
        result = real()
        return None if result is None else dataclasses.replace(result, battery=BatterySummary(
            energy_kwh=500.0, power_kw=250.0, annual_discharge_kwh=1e5, max_energy_kwh=500.0,
            max_power_kw=2500.0))

    monkeypatch.setattr(state, "result", held)
    goto(app, "results")
    assert not app.exception
    assert any("largest size allowed (500 kWh)" in w.value for w in app.warning)


def test_compare_table_names_each_figures_party(app, tmp_path):
    goto(app, "compare")
    app.text_input(key="save_name").set_value("Own").run()
    app.button(key="save_new").click().run()
    _ownership(app, "emc")
    goto(app, "compare")
    assert_clean(app)
    table = app.dataframe[-1].value
    rows = {row.iloc[0]: row.iloc[1:].tolist() for _, row in table.iterrows()}
    current = rows["Company's net saving, year 1 (before tax)"]
    assert any("(company)" in str(v) for v in rows["Net present value (after tax)"]) or \
        any("(investor)" in str(v) for v in rows["Net present value (after tax)"])
    emc = plan({**app.session_state["doc"]})
    f = Fmt("en", "CNY")
    assert f.money(emc.finance.host_savings_year1) in current
    assert any(f"{f.percent(emc.finance.irr)} (investor)" == v
               for v in rows["IRR (after tax unless marked)"])
    assert "Company's investment" in rows


def test_carbon_reduction_is_a_positive_figure_with_a_down_arrow(app):
    goto(app, "carbon")
    assert_clean(app)
    scope2 = [m for m in app.main.metric if m.label.startswith("Scope 2 after PV")]
    assert scope2 and all(m.delta.endswith("less") and not m.delta.startswith("-")
                          for m in scope2)


def test_sidebar_names_the_scenario_saved_as(app):
    goto(app, "compare")
    app.text_input(key="save_name").set_value("Plan B for the board").run()
    app.button(key="save_new").click().run()
    assert_clean(app)
    sidebar = " ".join(c.value for c in app.sidebar.caption)
    assert "Plan B for the board" in sidebar


def test_proposal_page_asks_for_the_customer_and_keeps_the_seller(app):
    goto(app, "proposal")
    assert_clean(app)
    assert any("still the demo's" in w.value for w in app.warning)
    app.text_input(key="in:site.name").set_value("Zhejiang Example Textiles").run()
    assert not any("still the demo's" in w.value for w in app.warning)
    app.text_input(key="in:proposal.seller_company").set_value("Sunny Solar Ltd").run()
    app.text_area(key="in:proposal.cover_note").set_value("Dear customer,\n<b>as typed</b>").run()
    assert_clean(app)
    doc = app.session_state["doc"]
    assert doc["site"]["name"] == "Zhejiang Example Textiles"
    assert doc["proposal"]["seller_company"] == "Sunny Solar Ltd"
    assert doc["proposal"]["cover_note"] == "Dear customer,\n<b>as typed</b>"
    app.text_input(key="in:proposal.seller_company").set_value("x" * 130).run()
    # Over the limit: the widget caps what is typed at 120 characters.
    assert len(app.session_state["doc"]["proposal"]["seller_company"]) <= 120


def test_logo_upload_is_checked_and_kept_in_the_upload_folder(tmp_path, monkeypatch):
    from pvplanner.app.uploads import save_logo

    monkeypatch.setenv("PVPLANNER_UPLOAD_DIR", str(tmp_path / "uploads"))
    png = io.BytesIO()
    Image.new("RGB", (1200, 300), "navy").save(png, format="PNG")
    path = save_logo(png.getvalue(), "Our logo.png")
    assert path.parent == tmp_path / "uploads" / "logo" and path.suffix == ".png"
    assert max(Image.open(path).size) <= 720
    with pytest.raises(PlannerInputError, match="not a PNG or JPEG") as error:
        save_logo(b"MZ\x90\x00 not an image", "logo.png")
    assert error.value.field == "upload.logo"
    with pytest.raises(PlannerInputError, match="more than the"):
        save_logo(b"\x89PNG" + b"\0" * 3_000_000, "logo.png")
    with pytest.raises(PlannerInputError, match="not accepted"):
        save_logo(png.getvalue(), "logo.svg")


def test_a_lease_shows_no_company_payback_and_the_lessors_irr_basis(app):
    """Under a lease the company invests nothing: the headline paybacks are the lessor's (it
    showed the company's 0.0 years beside "Company's investment: none"), and the lessor's
    IRR is explained before tax, as its label says."""
    goto(app, "results")
    _ownership(app, "lease")
    assert_clean(app)
    labels = [m.label for m in app.main.metric]
    assert "Payback (before tax)" not in labels and "Payback (after tax)" not in labels
    assert "Lessor's payback (before tax)" in labels
    irr = next(m for m in app.main.metric if m.label == "Lessor's IRR (before tax)")
    assert "before income tax" in (irr.proto.help or "")
    assert not any(m.value == "0.0 years" for m in app.main.metric)
