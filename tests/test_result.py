"""The Result as the one record of a plan: assumptions state what the plan actually used,
the proposal states the same, and the record survives a trip through JSON."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

import pvplanner
from pvplanner.report.content import build_proposal
from pvplanner.result import Result
from pvplanner.tariff.coal import coal_benchmark_price
from pvplanner.tariff.market import default_market_price
from pvplanner.tariff.model import ExportPolicy

KEYS = {"category", "item", "value", "unit", "source", "date", "status"}


@pytest.fixture(scope="module")
def demo():
    return pvplanner.demo_scenario()


@pytest.fixture(scope="module")
def demo_result(demo):
    return pvplanner.plan(demo, with_npv_curve=False)


def _assumption_rows(result: Result, lang: str) -> dict[str, list[str]]:
    proposal = build_proposal(result, lang)
    table = next(b for b in proposal.section("assumptions").blocks if getattr(b, "rows", None))
    return {row[1]: row for row in table.rows}


def test_every_assumption_has_the_design_keys_and_a_status(demo_result):
    rows = demo_result.to_dict()["assumptions"]
    assert len(rows) >= 60
    for row in rows:
        assert KEYS <= set(row), row
        assert row["status"] in {"official", "secondary", "unverified", "user", "derived",
                                 "model"}, row
        assert row["status"] == "user" or row["source"], row
    items = [row["item"] for row in rows]
    single = [i for i in items if not i.startswith("tariff.demand_charge.")]  # one per tier
    assert len(single) == len(set(single))
    for needed in ("tariff.preset", "tariff.effective_date", "export.rule",
                   "export.price_per_kwh", "carbon.location_factor", "carbon.residual_factor",
                   "finance.discount_rate", "finance.pv_capex_per_kwp", "pv.dc_ac_ratio",
                   "pv.losses.total_percent", "weather.dataset", "load.annual_kwh"):
        assert needed in items, needed


def test_assumed_prices_are_the_prices_the_plan_used(demo_result):
    hourly = demo_result.hourly
    used_export = demo_result.assumption("export.price_per_kwh").value
    assert np.allclose(hourly["export_price_per_kwh"], used_export)
    for period, prices in hourly.groupby("period")["import_price_per_kwh"]:
        row = demo_result.assumption(f"tariff.price.{period}")
        assert row is not None, period
        if isinstance(row.value, float):
            assert prices.min() == pytest.approx(row.value) == prices.max()
    factor = demo_result.assumption("carbon.location_factor").value
    assert factor == demo_result.carbon.emission_factor_tco2_per_mwh
    load = demo_result.assumption("load.annual_kwh").value
    assert load == pytest.approx(demo_result.energy.load_kwh)


def test_zero_export_plan_states_no_export_price(demo):
    constraints = demo.constraints.model_copy(update={"export_limit_kw": 0.0})
    result = pvplanner.plan(demo.model_copy(update={"constraints": constraints}),
                            with_npv_curve=False)
    assert result.energy.exported_kwh == pytest.approx(0.0, abs=1e-6)
    assert result.assumption("export.rule").value == "zero_export"
    assert result.assumption("export.price_per_kwh").value == 0.0
    assert np.all(result.hourly["export_price_per_kwh"] == 0.0)
    en = _assumption_rows(result, "en")
    assert en["Export rule"][2] == "no export (anti-backflow)"
    assert en["Export price applied"][2].startswith("0.0000")
    proposal = build_proposal(result, "en")
    table = next(b for b in proposal.section("assumptions").blocks if getattr(b, "rows", None))
    export_rows, inside = [], False
    for row in table.rows:  # the category is written on the first row of its group
        inside = row[0] == "Export" or (inside and not row[0])
        if inside:
            export_rows.append(row)
    text = " ".join(" ".join(row) for row in export_rows)
    assert len(export_rows) >= 3 and "0.4153" not in text and "coal" not in text.lower()
    zh = _assumption_rows(result, "zh")
    assert zh["余电上网规则"][2] == "不上网（防逆流）"


def test_a_jiangsu_site_on_a_zhejiang_tariff_states_the_jiangsu_export_price(demo):
    """A stock project (commissioned before 2025-06-01) sells at the benchmark of the
    province the plant is in, not the tariff's."""
    site = demo.site.model_copy(update={"province": "Jiangsu", "city": "Suzhou",
                                        "latitude": 31.30, "longitude": 120.62})
    # The demo's tariff follows its province: name Zhejiang's to keep it after the move.
    tariff = demo.tariff.model_copy(update={"preset": "zhejiang_2026_large_industry"})
    moved = demo.model_copy(update={"site": site, "tariff": tariff,
                                    "start_date": dt.date(2025, 3, 1)})
    assert "zhejiang" in (moved.tariff.preset or "")
    result = pvplanner.plan(moved, with_npv_curve=False)
    jiangsu = coal_benchmark_price("Jiangsu")
    assert jiangsu != coal_benchmark_price("Zhejiang")
    assert np.allclose(result.hourly["export_price_per_kwh"], jiangsu)
    assert result.assumption("export.price_per_kwh").value == jiangsu
    assert result.assumption("export.province").value == "Jiangsu"
    en = _assumption_rows(result, "en")
    assert en["Export price applied"][2].startswith(f"{jiangsu:.4f}")
    assert _assumption_rows(result, "zh")["余电上网电价所属省份"][2] == "江苏"


def test_a_project_from_june_2025_sells_exports_at_the_market_price(demo_result):
    """The demo starts in October 2026: its exports follow 136号, not the coal benchmark."""
    assert demo_result.inputs["start_date"] == "2026-10-01"
    rule = demo_result.assumption("export.rule")
    market = default_market_price("Zhejiang")
    assert rule.value == "market"
    assert rule.status == market["status"] == "unverified"
    assert "Unverified because" in rule.source  # the reason travels with the figure
    price = demo_result.assumption("export.price_per_kwh").value
    assert price == market["price_per_kwh"] != coal_benchmark_price("Zhejiang")
    assert np.allclose(demo_result.hourly["export_price_per_kwh"], price)
    en = _assumption_rows(demo_result, "en")
    assert en["Export rule"][2] == "market price under NDRC Document No. 136 (2025)"


def test_a_mechanism_contract_raises_exports_while_it_runs(demo):
    """CfD on 80 % of exports at 0.35 against a 0.25 market for 10 years: 0.33 per kWh in
    year 1 (0.25 + 0.8 x 0.10); after year 10 the export revenue falls back to the market."""
    tariff = demo.tariff.model_copy(update={"export": ExportPolicy(
        kind="market", price_per_kwh=0.25, mechanism_price_per_kwh=0.35,
        mechanism_share=0.8, mechanism_years=10, source="auction result", status="official")})
    result = pvplanner.plan(demo.model_copy(update={"tariff": tariff}), with_npv_curve=False)
    assert np.allclose(result.hourly["export_price_per_kwh"], 0.33)
    assert result.assumption("export.price_per_kwh").value == pytest.approx(0.33)
    cash = result.cash_flow
    per_kwh = cash["export_revenue"] / cash["exported_kwh"].where(cash["exported_kwh"] > 0)
    assert per_kwh.loc[1] == pytest.approx(0.33, rel=1e-9)
    assert per_kwh.loc[10] == pytest.approx(0.33, rel=1e-9)  # no export escalation here
    assert per_kwh.loc[11] == pytest.approx(0.25, rel=1e-9)


def test_a_changed_default_is_the_users(demo):
    finance = demo.finance.model_copy(update={"discount_rate": 0.081})
    result = pvplanner.plan(demo.model_copy(update={"finance": finance}), with_npv_curve=False)
    row = result.assumption("finance.discount_rate")
    assert (row.value, row.status, row.source) == (0.081, "user", "user input")
    default = pvplanner.plan(demo, with_npv_curve=False).assumption("finance.discount_rate")
    assert default.status in {"official", "secondary", "unverified"} and default.date


def test_result_round_trips_through_json(demo_result):
    data = json.loads(json.dumps(demo_result.to_dict(tables=True)))
    again = Result.from_dict(data)
    assert again.to_dict() == demo_result.to_dict()
    assert again.assumptions == demo_result.assumptions
    assert again.site == demo_result.site
    assert list(again.monthly.index) == list(range(1, 13))
    assert again.monthly["load_kwh"].sum() == pytest.approx(demo_result.energy.load_kwh)
    assert again.cash_flow.index.name == "year"
    assert again.inputs == demo_result.inputs
    # The proposal built from the stored record states the same figures.
    first = build_proposal(demo_result, "zh")
    second = build_proposal(again, "zh")
    assert first.section("assumptions").blocks[1].rows == second.section(
        "assumptions").blocks[1].rows


def test_from_dict_accepts_an_older_document_without_the_new_keys(demo_result):
    data = demo_result.to_dict()
    for key in ("assumptions", "site"):
        data.pop(key)
    again = Result.from_dict(data)
    assert again.assumptions == [] and again.site is None
    assert again.finance.npv == demo_result.finance.npv
