"""Plans under 国能发新能规〔2025〕7号 and province-aware defaults (issue 13 items 4 and 5):
the category caps the design, a large C&I plant without a continuous spot market exports
nothing, a general C&I plan keeps the province's minimum self-consumption share, the site's
province picks the tariff, and a tariff of another province is flagged."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import pvplanner
from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError
from pvplanner.pipeline import scenario_tariff_decision
from pvplanner.scenario.model import demo_scenario, parse_scenario

SUZHOU = {"province": "Jiangsu", "city": "Suzhou", "latitude": 31.30, "longitude": 120.62}
#: A small one-shift factory: most of a full roof's output would be exported.
SMALL_LOAD = {"template": "one_day_shift", "monthly_kwh": [30000.0] * 12}
#: Exports paid well enough that the optimizer fills the roof unless a rule stops it.
PAID_EXPORT = {"kind": "constant", "price_per_kwh": 0.5, "source": "test"}


@pytest.fixture(scope="module")
def demo_doc() -> dict[str, Any]:
    return demo_scenario().model_dump(mode="json")


def _scenario(doc: dict[str, Any], **sections: dict[str, Any]):
    data = copy.deepcopy(doc)
    for name, values in sections.items():
        if values is None:
            data.pop(name, None)
        else:
            data[name] = {**(data.get(name) or {}), **values}
    return parse_scenario(data)


# --------------------------------------------------------------------------- item 5
def test_the_demo_follows_its_province_and_stays_on_zhejiang_large_industry(demo_doc):
    assert demo_doc["tariff"]["preset"] is None  # the demo names no preset
    decision = scenario_tariff_decision(demo_scenario())
    assert decision.resolved.tariff.id == "zhejiang_2026_large_industry"
    assert decision.pick.basis == "peak" and decision.pick.basis_value > 315
    assert decision.resolved.version.version == "2026-08-01"  # in force on 2026-10-01


def test_moving_the_demo_to_suzhou_gives_jiangsus_tariff_and_factor(demo_doc):
    moved = _scenario(demo_doc, site=SUZHOU)  # nothing else touched
    result = pvplanner.plan(moved, with_npv_curve=False)
    preset = result.assumption("tariff.preset")
    assert preset.value.startswith("Jiangsu large industry")
    choice = result.assumption("tariff.preset_choice")
    assert choice.value == "province_default" and "site province Jiangsu" in choice.source
    assert result.carbon.emission_factor_tco2_per_mwh == pytest.approx(0.5827)
    assert result.assumption("export.province").value == "Jiangsu"
    assert not any("is Zhejiang's" in w for w in result.warnings)


def test_a_tariff_of_another_province_than_the_site_is_warned(demo_doc):
    moved = _scenario(demo_doc, site=SUZHOU,
                      tariff={"preset": "zhejiang_2026_large_industry"})
    result = pvplanner.plan(moved, with_npv_curve=False)
    warning = [w for w in result.warnings if "is Zhejiang's but the site is in Jiangsu" in w]
    assert warning and "choose “Follow the site's province” as the tariff" in warning[0]
    assert "tariff.preset" not in warning[0]
    # ... and in the reader's language: the note carries its catalogue key.
    note = next(n for n in result.notes if n.key == "notes.tariff.other_province")
    assert "属于浙江，而厂址位于江苏" in render(note, "zh")
    assert result.assumption("tariff.preset_choice").value == "named"


def test_a_scenario_without_a_tariff_plans_on_the_provinces_preset_for_its_size(demo_doc):
    big = _scenario(demo_doc, tariff=None)
    assert scenario_tariff_decision(big).resolved.tariff.id == "zhejiang_2026_large_industry"
    small = _scenario(demo_doc, tariff=None, load=SMALL_LOAD)
    decision = scenario_tariff_decision(small)
    assert decision.resolved.tariff.id == "zhejiang_2026_general_ci"
    assert decision.pick.basis == "peak" and decision.pick.basis_value < 315
    # The transformer, when given, decides; "auto" means the same as no preset.
    sized = _scenario(demo_doc, tariff={"preset": "auto", "transformer_kva": 250})
    assert scenario_tariff_decision(sized).resolved.tariff.id == "zhejiang_2026_general_ci"
    in_jiangsu = _scenario(demo_doc, tariff=None, load=SMALL_LOAD, site=SUZHOU)
    result = pvplanner.plan(in_jiangsu, with_npv_curve=False)
    assert result.assumption("tariff.preset").value.startswith("Jiangsu general C&I")
    assert "peak load" in result.assumption("tariff.preset_choice").source


def test_a_site_without_a_province_follows_the_nearest_citys_and_says_so(demo_doc):
    data = copy.deepcopy(demo_doc)
    data["site"]["province"] = None  # Hangzhou's coordinates only
    decision = scenario_tariff_decision(parse_scenario(data))
    assert decision.resolved.tariff.id == "zhejiang_2026_large_industry"
    note = next(n for n in decision.notes if n.key == "notes.tariff.province_from_city")
    assert "Hangzhou" in note and "enter the site's province" in note
    assert "site.province" not in note
    assert "nearest city" in decision.pick.rule


def test_a_province_without_presets_asks_for_a_tariff(demo_doc):
    with pytest.raises(PlannerInputError, match="'Shandong' has no tariff preset") as info:
        pvplanner.plan(_scenario(demo_doc, site={"province": "Shandong"}))
    assert info.value.field == "tariff.preset"


# --------------------------------------------------------------------------- item 4
def test_a_general_ci_plan_respects_the_provinces_minimum_self_consumption(demo_doc):
    common = {"tariff": {"preset": "zhejiang_2026_general_ci", "export": PAID_EXPORT},
              "load": SMALL_LOAD}
    # Zhejiang has no known minimum: the optimizer fills the roof and exports most of it.
    free = pvplanner.plan(_scenario(demo_doc, **common), with_npv_curve=False)
    assert free.energy.self_consumption_ratio < 0.3
    assert free.assumption("project.min_self_consumption_share").value == "unknown"
    # Liaoning: exports at most 50 % of generation (2025-11-10).
    held = pvplanner.plan(_scenario(demo_doc, site={"province": "Liaoning"}, **common),
                          with_npv_curve=False)
    assert held.energy.self_consumption_ratio >= 0.5 - 1e-6
    assert held.pv.capacity_kwp < 0.5 * free.pv.capacity_kwp
    share = held.assumption("project.min_self_consumption_share")
    assert share.value == 0.5 and share.status == "secondary" and "Liaoning" in share.source
    assert held.assumption("project.category").value == "general_ci"
    assert held.assumption("project.connection_mode").value == "surplus_export"


def test_a_large_ci_plant_without_a_continuous_spot_market_exports_nothing(demo_doc):
    scenario = _scenario(demo_doc, site=SUZHOU, project={"grid_voltage_kv": 35})
    result = pvplanner.plan(scenario, with_npv_curve=False)
    assert result.pv.capacity_kwp > 0
    assert result.energy.exported_kwh == pytest.approx(0.0, abs=1e-6)
    assert result.bills.export_revenue_annual == pytest.approx(0.0, abs=1e-6)
    assert result.assumption("project.category").value == "large_ci"
    mode = result.assumption("project.connection_mode")
    assert mode.value == "self_use" and "spot market" in mode.source
    assert result.assumption("export.rule").value == "zero_export"
    assert result.assumption("project.spot_market_continuous").value is False
    assert any("full self-use" in w for w in result.warnings)
    # Asking for surplus export there is refused, naming the rule.
    with pytest.raises(PlannerInputError, match="国能发新能规〔2025〕7号") as info:
        pvplanner.plan(_scenario(demo_doc, site=SUZHOU, project={
            "grid_voltage_kv": 35, "connection_mode": "surplus_export"}))
    assert info.value.field == "project.connection_mode"


def test_a_7_mw_plant_at_10_kv_is_refused_naming_the_rule(demo_doc):
    scenario = _scenario(demo_doc, project={"grid_voltage_kv": 10},
                         constraints={"min_total_kwp": 7000.0})
    with pytest.raises(PlannerInputError) as info:
        pvplanner.plan(scenario)
    assert "not general C&I" in str(info.value) and "国能发新能规〔2025〕7号 Art. 4" in str(info.value)
    assert info.value.field == "constraints.min_total_kwp"


def test_the_category_caps_the_design_and_the_plan_says_so(demo_doc):
    planes = copy.deepcopy(demo_doc["roof_planes"])
    planes[0]["area_m2"] = 40000.0  # the roof now takes about 7.9 MWp
    data = copy.deepcopy(demo_doc)
    data["roof_planes"] = planes
    data["tariff"] = {**data["tariff"], "export": PAID_EXPORT}
    data["project"] = {"grid_voltage_kv": 10}
    result = pvplanner.plan(parse_scenario(data), with_npv_curve=False)
    assert result.pv.max_capacity_kwp > 7000
    assert result.pv.capacity_kwp == pytest.approx(6000.0, rel=1e-6)
    assert result.assumption("project.capacity_limit_kwp").value == 6000.0
    assert result.assumption("project.capacity_limit_binding").value is True
    note = [w for w in result.warnings if "held at 6,000 kWp" in w]
    assert note and "35 kV" in note[0]
