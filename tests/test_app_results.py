"""Pages 4, 5 and 7 (results, carbon assets, proposal) under AppTest: the figures and charts
shown are the Result's, and they follow the inputs."""

from __future__ import annotations

import pytest

from pvplanner.app.fmt import Fmt
from pvplanner.pipeline import plan
from pvplanner.scenario.model import demo_scenario
from tests.test_app_support import (
    assert_clean,
    chart_frames,
    find_chart,
    flat,
    goto,
    metric,
    number,
    shown,
    start_app,
)


@pytest.fixture(scope="module")
def demo_result():
    """The demo's Result computed here, independently of the app."""
    return plan(demo_scenario())


@pytest.fixture
def app(tmp_path, monkeypatch):
    return start_app(tmp_path, monkeypatch)


def test_results_kpis_are_the_results_figures(app, demo_result):
    goto(app, "results")
    assert_clean(app)
    f = Fmt("en", "CNY")
    r = demo_result
    # As the sidebar and the Compare page give it (one decimal: 3,041.8 kWp, not 3,042).
    assert metric(app, "PV capacity") == f.kwp(r.pv.capacity_kwp)
    assert metric(app, "PV capacity") == metric(app, "PV capacity", sidebar=True)
    assert metric(app, "Generation, year 1") == f.energy(r.pv.annual_generation_kwh)
    assert metric(app, "Self-consumption") == f.percent(r.energy.self_consumption_ratio)
    assert metric(app, "Load met by PV") == f.percent(r.energy.self_sufficiency_ratio)
    assert metric(app, "Net present value") == f.money_compact(r.finance.npv)
    assert metric(app, "Investment") == f.money_compact(r.finance.capex)
    assert metric(app, "IRR (after tax)") == f.percent(r.finance.irr)
    assert metric(app, "Payback (before tax)") == f.years(r.finance.payback_years_pre_tax)
    assert metric(app, "Payback (after tax)") == f.years(r.finance.payback_years)
    assert metric(app, "CO₂ avoided, year 1") == f.tco2(r.carbon.avoided_tco2_year1, 0)


def test_npv_curve_marks_the_chosen_size(app, demo_result):
    goto(app, "results")
    frames = chart_frames(find_chart(app, "capacity_kwp"))
    curve = next(df for df in frames.values() if len(df) > 5)
    optimum = next(df for df in frames.values() if "label" in df.columns)
    assert len(curve) == int(demo_result.npv_curve["feasible"].sum())
    assert curve["npv"].max() == pytest.approx(demo_result.npv_curve["npv"].max())
    assert optimum["capacity_kwp"].iloc[0] == pytest.approx(demo_result.pv.capacity_kwp)
    assert optimum["label"].iloc[0] == "chosen design"
    # One NPV: the chosen design's point is the reported (cash-flow) NPV.
    assert optimum["npv"].iloc[0] == pytest.approx(demo_result.finance.npv, rel=1e-9)


def test_the_curve_is_drawn_only_where_it_is_shown(tmp_path, monkeypatch, demo_result):
    """Every page shows the plan's figures as soon as the optimum is known; the NPV curve
    (with a battery as costly as the sizing) is drawn when the Results page shows it, if
    the background has not drawn it already (switched off here)."""
    from pvplanner.app.curve_ahead import AHEAD
    from pvplanner.app.state import _plan_shared

    monkeypatch.setattr(AHEAD, "enabled", False)
    _plan_shared.clear()  # plans are shared between sessions: another test drew this one
    app = start_app(tmp_path, monkeypatch)
    pending = app.session_state["_plan_memo"][1]  # the first page planned the demo
    assert not pending.filled and pending.result.npv_curve.empty
    assert pending.result.finance.npv == pytest.approx(demo_result.finance.npv, rel=1e-9)
    goto(app, "load")
    assert not app.session_state["_plan_memo"][1].filled
    goto(app, "results")
    assert_clean(app)
    assert app.session_state["_plan_memo"][1].filled
    curve = app.session_state["_plan_memo"][1].result.npv_curve
    assert curve["npv"].tolist() == pytest.approx(demo_result.npv_curve["npv"].tolist())


def test_the_newest_plans_curve_is_drawn_in_the_background(tmp_path, monkeypatch,
                                                           demo_result):
    """After the first page's plan the curve is drawn in the background, without a visit
    to the Results page, which then shows that curve (plan()'s) without drawing it."""
    from pvplanner.app.curve_ahead import AHEAD
    from pvplanner.app.state import _plan_shared
    from pvplanner.pipeline import PendingCurve

    _plan_shared.clear()
    app = start_app(tmp_path, monkeypatch)
    pending = app.session_state["_plan_memo"][1]
    assert AHEAD.idle(120)
    assert pending.filled
    drawn: list[object] = []
    real = PendingCurve.fill
    monkeypatch.setattr(PendingCurve, "fill",
                        lambda self, **kw: drawn.append(self) or real(self, **kw))
    goto(app, "results")
    assert_clean(app)
    assert drawn == []  # the page found it drawn
    curve = app.session_state["_plan_memo"][1].result.npv_curve
    assert curve["npv"].tolist() == pytest.approx(demo_result.npv_curve["npv"].tolist())
    frames = chart_frames(find_chart(app, "capacity_kwp"))
    assert max(len(df) for df in frames.values()) == int(curve["feasible"].sum())


def test_a_curve_that_fails_leaves_the_page_and_says_so(tmp_path, monkeypatch, caplog):
    """A failure while drawing the curve (after the page is on screen) is a message with a
    log reference, no traceback or exception text; the rest of the page stays."""
    from pvplanner.app.state import _plan_shared
    from pvplanner.pipeline import PendingCurve

    def broken(self, **_):
        raise RuntimeError("curve boom /srv/secret.py")

    _plan_shared.clear()
    monkeypatch.setattr(PendingCurve, "fill", broken)  # in the background too
    app = start_app(tmp_path, monkeypatch)
    with caplog.at_level("ERROR", logger="pvplanner.app"):
        goto(app, "results")
    assert not app.exception
    assert len(app.error) == 1
    message = app.error[0].value
    assert "boom" not in message and "RuntimeError" not in message and "/srv" not in message
    assert any("curve boom" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert metric(app, "PV capacity")  # the figures are still there
    assert find_chart(app, "step-after")  # and the charts after the curve's place
    _plan_shared.clear()  # the next test plans the demo afresh


def test_typical_day_follows_the_month(app, demo_result):
    from pvplanner.report.tables import typical_day

    goto(app, "results")
    pv_flows = {"PV → load", "PV → battery", "PV → grid (export)"}
    supply = {"PV → load", "Battery → load", "Grid → load"}

    def flows_by_hour(names: set[str]) -> list[float]:
        # the day's chart is the one drawn in steps (labels mark interval starts)
        frames = chart_frames(find_chart(app, "step-after"))
        area = next(df for df in frames.values() if set(df.get("flow", [])) & pv_flows)
        chosen = area.loc[area["flow"].isin(names) & (area["hour"] < 24)]
        return chosen.groupby("hour")["kw"].sum().tolist()

    # July's representative day: a real day (the one closest to the month's daily means of
    # PV and load), not an average of the month's days.
    day = typical_day(demo_result, 7)
    july = flows_by_hour(pv_flows)
    assert july == pytest.approx(day["pv_kw"].tolist())
    # the stack balances: what supplies the load is the load, hour by hour
    assert flows_by_hour(supply) == pytest.approx(day["load_kw"].tolist())
    assert any(day.attrs["date"].strftime("%-d July") in c.value for c in app.caption)
    app.select_slider(key="results_month").set_value(1).run()
    january = flows_by_hour(pv_flows)
    assert max(january) < max(july)  # less sun in January in Hangzhou


def test_cash_flow_chart_is_the_cash_flow_table(app, demo_result):
    goto(app, "results")
    frames = chart_frames(find_chart(app, "cumulative"))
    data = next(df for df in frames.values() if "cumulative" in df.columns)
    table = demo_result.cash_flow
    assert data["net"].tolist() == pytest.approx(table["net_cash_flow_project"].tolist())
    assert data["cumulative"].tolist() == pytest.approx(table["cumulative_project"].tolist())


def test_results_change_when_an_input_changes(app):
    goto(app, "results")
    npv_before = number(metric(app, "Net present value"))
    goto(app, "tariff")
    app.number_input(key="in:finance.pv_capex_per_kwp").set_value(4500).run()
    goto(app, "results")
    assert_clean(app)
    assert number(metric(app, "Net present value")) < npv_before


def test_a_plan_without_pv_says_why_at_the_top_of_the_results(app):
    """At CNY 12,000 per kWp no PV pays: the Results page says so, with the price at which
    it would, above the figures (not folded away in the notes)."""
    goto(app, "tariff")
    app.number_input(key="in:finance.pv_capex_per_kwp").set_value(12000).run()
    goto(app, "results")
    assert_clean(app)
    said = [w.value for w in app.warning if w.value.startswith("no PV is planned")]
    assert len(said) == 1 and "per kWp" in said[0]


# --------------------------------------------------------------------------- carbon
def test_carbon_page_shows_the_ledger_scope2_and_the_double_counting_rule(app, demo_result):
    goto(app, "carbon")
    assert_clean(app)
    f = Fmt("en", "CNY")
    c = demo_result.carbon
    assert metric(app, "CO₂ avoided, year 1") == f.tco2(c.avoided_tco2_year1, 0)
    assert metric(app, "Certificates, year 1") == f.number(c.certificates_year1)
    assert any("No double counting" in i.value for i in app.info)
    ledger = [d for d in app.dataframe if len(d.value) == len(demo_result.carbon_ledger)]
    assert ledger, "the ledger table has one row per year"
    scope2 = chart_frames(find_chart(app, "tco2"))
    bars = next(iter(scope2.values()))
    assert bars["tco2"].max() == pytest.approx(c.scope2["market_before_tco2"])


def test_selling_certificates_earns_revenue(app):
    goto(app, "carbon")
    assert metric(app, "Certificate revenue, year 1") == "CNY 0"
    app.radio(key="in:carbon.certificates").set_value("sell").run()
    assert_clean(app)
    scenario = demo_scenario()
    scenario = scenario.model_copy(update={
        "carbon": scenario.carbon.model_copy(update={"certificates": "sell"})})
    expected = plan(scenario).carbon.certificate_revenue_year1
    assert expected > 0  # 2,845 GECs at the latest GEC price in data/carbon_assets.csv
    assert metric(app, "Certificate revenue, year 1") == Fmt("en").money(expected)


def test_the_factor_follows_the_sites_province_unless_one_is_chosen(app):
    goto(app, "carbon")
    box = app.selectbox(key="in:carbon.location_factor_id")
    assert box.value is None  # the default: follow the site
    assert "Follow the site's province" in box.options[0] and "Zhejiang" in box.options[0]
    before = number(metric(app, "CO₂ avoided, year 1"))
    box.set_value("cn-national-2023-average").run()
    assert_clean(app)
    doc = app.session_state["doc"]
    assert doc["carbon"]["location_factor_id"] == "cn-national-2023-average"
    # Zhejiang's factor (0.4974 tCO2/MWh, 2023) is below the national 0.5306 (2023).
    assert number(metric(app, "CO₂ avoided, year 1")) > before


# --------------------------------------------------------------------------- proposal
def test_proposal_exports_a_workbook(app):
    from pvplanner.app.page_proposal import renderers

    if renderers()["xlsx"] is None:
        pytest.skip("pvplanner.report.render_xlsx is not available in this installation")
    goto(app, "proposal")
    assert_clean(app)
    app.button(key="prepare_xlsx").click().run()
    assert_clean(app)
    download = app.get("download_button")
    assert download, "the prepared workbook is offered for download"
    assert any("Download XLSX" in d.proto.label for d in download)


def test_a_failing_export_is_shown_not_raised(app, monkeypatch):
    import pvplanner.app.page_proposal as page

    def broken(scenario, result, lang="en"):
        raise RuntimeError("font missing")

    monkeypatch.setattr(page, "renderers",
                        lambda: {"pdf": broken, "html": None, "xlsx": None})
    goto(app, "proposal")
    app.button(key="prepare_pdf").click().run()
    assert not app.exception
    assert len(app.error) == 1 and "Your inputs are safe" in app.error[0].value
    monkeypatch.setattr(page, "renderers", lambda: {"pdf": None, "html": None, "xlsx": None})
    app.run()
    assert any("not available" in w.value for w in app.warning)


def test_an_unproven_optimum_is_told_once_with_its_currency(tmp_path, monkeypatch):
    """The note of an unproven optimum names the gap in money and where the solver's time
    limit is; the page does not say it a second time in other words."""
    import dataclasses

    import pvplanner.pipeline as pipeline
    from pvplanner.app.state import _plan_shared
    from pvplanner.assemble import _solver_note

    original = pipeline.plan_curve_later

    def unproven(*args, **kwargs):
        result, pending = original(*args, **kwargs)
        note = _solver_note("not proven optimal within the time limit: a design up to 102,832 "
                            "better in NPV (0.97%) may exist; raise the time limit")
        solver = dataclasses.replace(result.solver, status="feasible", optimality_gap=102_832.4)
        pending.result = dataclasses.replace(result, solver=solver,
                                             warnings=[*result.warnings, note])
        return pending.result, pending

    _plan_shared.clear()
    monkeypatch.setattr(pipeline, "plan_curve_later", unproven)
    app = goto(start_app(tmp_path, monkeypatch, lang="zh"), "results")
    texts = [shown(e.value) for e in flat(app.main) if isinstance(getattr(e, "value", None), str)]
    told = [text for text in texts if "102,832" in text]
    assert told == ["- 在求解时间上限内未能证明最优：可能存在净现值高出至多 ¥102,832（0.97%）的方案；"
                    "可在“电价与成本”页“优化目标与约束”下的“高级设置”中延长求解时间上限"], told
    _plan_shared.clear()  # the next test plans the demo afresh


def _with_battery(tmp_path, monkeypatch, page: str):
    """The app in Chinese on the demo with a battery allowed, opened at ``page``."""
    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["battery"]["allowed"] = True
    app.run()
    goto(app, page)
    assert_clean(app)
    return app


def _table_rows(app, *labels: str) -> dict:
    """First column -> second of the page's table holding any of ``labels`` in its first."""
    frames = [frame.value for frame in app.dataframe]
    table = next(f for f in frames if set(labels) & set(f.iloc[:, 0].tolist()))
    return dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))


def test_a_demand_charge_raised_by_the_battery_reads_as_an_increase(tmp_path, monkeypatch):
    """With a battery the demo's grid charging raises its months' maximum demand: the bills
    table says the demand charge went up, by a positive sum, not a negative saving."""
    app = _with_battery(tmp_path, monkeypatch, "results")
    rows = _table_rows(app, "需量电费增加", "需量电费节省")
    assert "需量电费节省" not in rows, rows
    assert number(rows["需量电费增加"]) > 0 and "-" not in rows["需量电费增加"], rows


def test_the_carbon_page_says_what_the_battery_losses_take_from_scope2(tmp_path, monkeypatch):
    """With a battery charging from the grid, the carbon page's caption gives the fall of
    location-based Scope 2 its own figures show (before less after), not the CO2 of the PV
    used on site."""
    app = _with_battery(tmp_path, monkeypatch, "carbon")
    captions = [shown(c.value) for c in app.caption]
    said = [c for c in captions if "储能的充放电损耗" in c]
    assert len(said) == 1, captions
    cut = number(said[0].split("范围二排放减少")[1].split("，")[0])
    metrics = {m.label: m for m in app.metric}
    location = next(m for label, m in metrics.items() if "基于位置" in label)
    assert cut == pytest.approx(number(location.delta), abs=1.0), (said, location.delta)


def test_the_energy_table_adds_up_with_a_battery(tmp_path, monkeypatch):
    """With a battery, PV used on site plus purchases exceed the use by the battery's
    losses: the results page's energy table has them as a row, so its figures add up."""
    app = _with_battery(tmp_path, monkeypatch, "results")
    rows = {k: number(v) for k, v in _table_rows(app, "储能充放电损耗").items()}
    assert rows["储能充放电损耗"] > 0
    balance = rows["光伏自用电量"] + rows["电网购电量"] - rows["储能充放电损耗"]
    assert balance == pytest.approx(rows["年用电量"], rel=2e-3), rows


def test_a_transformer_too_small_is_said_at_the_top_of_the_results(tmp_path, monkeypatch):
    """A 250 kVA transformer under the demo's 1,062 kW load: the results page says so at its
    top, in Chinese, not only among the notes at its foot."""
    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["tariff"]["transformer_kva"] = 250.0
    app.run()
    goto(app, "results")
    assert not app.exception
    said = [shown(w.value) for w in app.main.warning]
    assert any(text.startswith("负荷峰值") and "超过变压器容量 250 kVA" in text
               for text in said), said


def test_a_battery_allowed_but_not_chosen_is_not_told_to_be_enabled(tmp_path, monkeypatch):
    """A battery allowed with a largest power of 0 builds none: the page says the best design
    has none, not to enable the battery that is enabled."""
    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["battery"].update(allowed=True, max_power_kw=0.0)
    app.run()
    goto(app, "results")
    said = [shown(i.value) for i in app.main.info]
    assert any(text.startswith("已允许配置储能，但最优方案不含储能") for text in said), said
    assert not any("启用储能" in text for text in said), said


def _untitled_tooltips(spec) -> list[str]:
    """Fields of the tooltips in a Vega-Lite spec that show their field name as a title."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "tooltip" and isinstance(value, list):
                found += [str(item.get("field")) if isinstance(item, dict) else str(item)
                          for item in value if not isinstance(item, dict) or "title" not in item]
            else:
                found += _untitled_tooltips(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _untitled_tooltips(value)
    return found


def test_chart_hovers_name_their_figures_in_the_readers_language(tmp_path, monkeypatch):
    """Every chart's hover label is titled (in Chinese, or empty where the mark's own label
    says it): none shows an internal field name such as year, hour, kw or value; money axes
    say 元, not CNY, and emissions a year tCO₂/年."""
    import json

    from tests.test_app_support import charts

    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["battery"]["allowed"] = True
    app.run()
    seen = 0
    for page in ("load", "tariff", "results", "carbon"):
        goto(app, page)
        assert not app.exception
        for spec in charts(app):
            seen += 1
            assert not _untitled_tooltips(spec), (page, _untitled_tooltips(spec))
            assert "CNY" not in json.dumps(spec, ensure_ascii=False), page  # 元 in Chinese
            assert "tCO₂/a" not in json.dumps(spec, ensure_ascii=False), page
    assert seen >= 8


def test_the_carbon_revenue_chart_counts_in_yuan(tmp_path, monkeypatch):
    """Certificates sold: the yearly revenue chart's axis is 元 in Chinese (it said CNY)."""
    import json

    from tests.test_app_support import charts

    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.session_state["doc"]["carbon"]["certificates"] = "sell"
    app.run()
    goto(app, "carbon")
    assert not app.exception
    specs = [json.dumps(spec, ensure_ascii=False) for spec in charts(app)]
    revenue = [s for s in specs if "绿证收入" in s]
    assert revenue and all('"元"' in s and "CNY" not in s for s in revenue), revenue[:1]


def test_east_west_racks_face_both_ways_as_in_the_proposal(app, demo_result):
    """The planes table gave an east-west rack the roof's azimuth (10° / 180°) where the
    proposal gives its modules' faces (90°/270°)."""
    goto(app, "results")
    assert_clean(app)
    table = next(d.value for d in app.dataframe if "Tilt / azimuth" in d.value.columns)
    racks = [p for p in demo_result.pv.planes if p.mounting == "east_west"]
    assert racks, "the demo has an east-west rack"
    shown_faces = dict(zip(table.iloc[:, 0], table["Tilt / azimuth"], strict=True))
    for plane in racks:
        faces = f"{(plane.azimuth_deg - 90) % 360:g}°/{(plane.azimuth_deg + 90) % 360:g}°"
        assert shown_faces[plane.name] == f"{plane.tilt_deg:g}° / {faces}"
    flush = next(p for p in demo_result.pv.planes if p.mounting == "flush")
    assert shown_faces[flush.name] == f"{flush.tilt_deg:g}° / {flush.azimuth_deg:g}°"
