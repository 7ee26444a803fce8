"""Bill-style tariff entry and market buyers (pvplanner.tariff.entry / resolve, TariffChoice).

The monthly bills are counted by hand from the printed prices and the Zhejiang 2026 hours
(浙发改价格〔2026〕112号, reference china-pv-policy-2026.md §5.1), not from the code.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from types import SimpleNamespace

import numpy as np
import pytest
from pydantic import ValidationError

from pvplanner.errors import PlannerInputError, TariffError
from pvplanner.scenario.model import (
    TariffChoice,
    demo_scenario,
    parse_scenario,
    scenario_to_toml,
)
from pvplanner.tariff import BillTariff, compute_bill, resolve_tariff, tariff_periods
from weather.timeaxis import typical_year_index

PRINTED = {"sharp": 1.20, "peak": 1.10, "flat": 0.68, "valley": 0.36, "deep_valley": 0.26}


@pytest.fixture(scope="module")
def hourly():
    return typical_year_index(8, 60)


def _choice(**fields) -> TariffChoice:
    return TariffChoice(**{"preset": "zhejiang_2026_large_industry", **fields})


def _load(index) -> np.ndarray:
    """100 kW all day plus 200 kW from 08:00 to 12:00."""
    return np.where((index.hour >= 8) & (index.hour < 12), 300.0, 100.0)


def test_agency_bill_reproduces_a_hand_computed_monthly_bill(hourly):
    bill = BillTariff(month="2026-11", prices_per_kwh=PRINTED, demand_per_kw_month=47.2)
    resolved = resolve_tariff(_choice(bill=bill), dt.date(2026, 11, 1))
    assert resolved.origin == "bill" and resolved.tariff.status == "user"
    result = compute_bill(resolved.tariff, hourly, _load(hourly))
    monthly = result.monthly
    # November (spring/autumn, no holiday), per day: peak 16-23 (7 h), flat 7-11, 14-16, 23-24
    # (7 h), valley 0-7, 11-14 (10 h). 100 kW base: 100 x (7 x 1.10 + 7 x 0.68 + 10 x 0.36)
    # = 1,606; 200 kW extra 8-12: 200 x (3 x 0.68 + 1 x 0.36) = 480. 30 days: 62,580.
    assert monthly.loc[11, "energy"] == pytest.approx(30 * (1606 + 480), rel=1e-12)
    # Maximum demand 300 kW x 47.2 CNY/kW-month = 14,160.
    assert monthly.loc[11, "demand"] == pytest.approx(14160.0, rel=1e-12)
    assert monthly.loc[11, "total"] == pytest.approx(76740.0, rel=1e-12)
    # October: National Day 1-3 October have valley 7-9 and deep valley 9-15 (days 4-7 are
    # ordinary). Base: valley 9 h, deep 6 h, flat 2 h, peak 7 h = 100 x 13.86 = 1,386; extra:
    # 8-9 valley + 9-12 deep = 200 x (0.36 + 3 x 0.26) = 228. 28 x 2,086 + 3 x 1,614 = 63,250.
    assert monthly.loc[10, "energy"] == pytest.approx(63250.0, rel=1e-12)
    assert monthly.loc[10, "total"] == pytest.approx(63250.0 + 14160.0, rel=1e-12)


def test_a_period_of_the_schedule_without_a_printed_price_is_named(hourly):
    prices = {k: v for k, v in PRINTED.items() if k != "deep_valley"}
    with pytest.raises(TariffError, match="deep_valley") as info:
        resolve_tariff(_choice(bill=BillTariff(month="2026-11", prices_per_kwh=prices)))
    assert info.value.field == "tariff.bill.prices_per_kwh"
    assert "深谷" in str(info.value)


def test_basic_charges_not_on_the_bill_come_from_the_preset_version():
    bill = BillTariff(month="2026-11", prices_per_kwh=PRINTED)
    resolved = resolve_tariff(_choice(bill=bill), dt.date(2026, 11, 1))
    assert resolved.tariff.demand_charges[0].rate_per_kw_month == 47.2
    assert any("demand charge" in note for note in resolved.notes)
    rows = {row["item"]: row for row in resolved.assumption_rows()}
    assert rows["tariff.bill.flat"]["value"] == 0.68 and rows["tariff.bill.flat"]["status"] == "user"


def test_market_buyer_uses_the_contracts_hours_and_prices(hourly):
    hours = ["valley"] * 8 + ["flat"] * 9 + ["peak"] * 5 + ["flat"] * 2
    bill = BillTariff(month="2026-11", prices_per_kwh={"peak": 0.95, "flat": 0.62,
                                                       "valley": 0.33}, hours=hours)
    choice = _choice(preset="jiangsu_2025_large_industry", buyer="market", bill=bill)
    resolved = resolve_tariff(choice, dt.date(2026, 11, 1))
    periods = tariff_periods(resolved.tariff, hourly)
    # The contract's periods every day, holidays included: no government deep valley.
    assert periods.loc["2026-10-01"].tolist() == hours
    assert periods.loc["2026-07-15"].tolist() == hours
    bill_kwh = compute_bill(resolved.tariff, hourly, np.full(len(hourly), 10.0))
    day = 10 * (8 * 0.33 + 11 * 0.62 + 5 * 0.95)
    assert bill_kwh.component("energy") == pytest.approx(365 * day, rel=1e-12)


def test_market_prices_without_network_charges_get_the_presets_added():
    bill = BillTariff(month="2026-11", prices_per_kwh={"peak": 0.55, "flat": 0.40,
                                                       "valley": 0.25},
                      hours=["flat"] * 24, includes_network_charges=False)
    choice = _choice(preset="jiangsu_2025_large_industry", buyer="market", bill=bill)
    resolved = resolve_tariff(choice, dt.date(2026, 11, 1))
    # Jiangsu from 2026-10-01: line loss 2.83 % of the energy price, system operation 0.0738,
    # T&D 1-10 kV two-part 0.1298, funds 0.0294 (reference §4.2, §4.3).
    flat = resolved.tariff.prices.per_kwh["flat"]
    assert flat == pytest.approx(0.40 * 1.0283 + 0.0738 + 0.1298 + 0.0294, rel=1e-12)
    zhejiang = resolve_tariff(_choice(buyer="market", bill=bill), dt.date(2026, 11, 1))
    assert zhejiang.tariff.prices.per_kwh["flat"] == pytest.approx(0.40 + 0.1250 + 0.02924)
    assert any("not added" in note for note in zhejiang.notes)


def test_market_buyer_without_contract_hours_keeps_the_presets_and_says_so(hourly):
    bill = BillTariff(month="2026-11", prices_per_kwh=PRINTED)
    resolved = resolve_tariff(_choice(buyer="market", bill=bill), dt.date(2026, 11, 1))
    assert any("2026-03-01" in note for note in resolved.notes)
    assert tariff_periods(resolved.tariff, hourly).loc["2026-10-02 10:00"] == "deep_valley"


def test_a_market_buyer_needs_the_contract():
    with pytest.raises(ValidationError, match="retail contract's prices") as refused:
        TariffChoice(preset="zhejiang_2026_large_industry", buyer="market")
    # the rule names the input to fill (the scenario's error says tariff.bill)
    assert refused.value.errors()[0]["ctx"]["error"].field == "bill"
    loose = SimpleNamespace(preset="zhejiang_2026_large_industry", custom=None, bill=None,
                            buyer="market")
    with pytest.raises(TariffError) as info:
        resolve_tariff(loose)
    assert info.value.field == "tariff.bill"
    with pytest.raises(TariffError, match="hours") as info:
        resolve_tariff(SimpleNamespace(preset=None, custom=None, buyer="market",
                                       bill=BillTariff(month="2026-11",
                                                       prices_per_kwh={"flat": 0.6})))
    assert info.value.field == "tariff.preset"


def test_agency_multiplier_applies_to_presets_not_to_printed_prices():
    plain = resolve_tariff(_choice(), dt.date(2026, 9, 1)).tariff
    high = resolve_tariff(_choice(agency_price_multiplier=1.5), dt.date(2026, 9, 1)).tariff
    assert high.prices.floating_part_per_kwh == pytest.approx(
        1.5 * plain.prices.floating_part_per_kwh)
    assert high.prices.fixed_part_per_kwh == pytest.approx(plain.prices.fixed_part_per_kwh)
    bill = BillTariff(month="2026-11", prices_per_kwh=PRINTED)
    typed = resolve_tariff(_choice(agency_price_multiplier=1.5, bill=bill))
    assert typed.tariff.prices.per_kwh == PRINTED
    assert any("not applied" in note for note in typed.notes)


def test_bill_entry_is_checked_field_by_field():
    with pytest.raises(ValidationError, match="shoulder"):
        BillTariff(month="2026-11", prices_per_kwh={"shoulder": 0.5})
    with pytest.raises(ValidationError, match="month"):
        BillTariff(month="2026-13", prices_per_kwh={"flat": 0.5})
    with pytest.raises(ValidationError, match="24, 48 or 96"):
        BillTariff(month="2026-11", prices_per_kwh={"flat": 0.5}, hours=["flat"] * 23)
    with pytest.raises(ValidationError, match="greater than or equal"):
        BillTariff(month="2026-11", prices_per_kwh={"flat": -0.5})


def test_a_scenario_file_with_a_bill_round_trips_and_plans():
    from pvplanner.pipeline import scenario_tariff

    doc = demo_scenario().model_dump(mode="json")
    doc["tariff"]["bill"] = {"month": "2026-11", "prices_per_kwh": PRINTED,
                             "demand_per_kw_month": 47.2, "source": "bill of 2026-11"}
    doc["tariff"]["transformer_kva"] = 5000
    scenario = parse_scenario(doc)
    again = parse_scenario(tomllib.loads(scenario_to_toml(scenario)))
    assert again.tariff == scenario.tariff
    tariff = scenario_tariff(scenario)
    assert tariff.prices.per_kwh == PRINTED and tariff.status == "user"
    assert tariff.demand_charges[0].rate_per_kw_month == 47.2
    with pytest.raises(PlannerInputError, match="tariff.bill"):
        parse_scenario(doc | {"tariff": doc["tariff"] | {"buyer": "market", "bill": None}})


def test_the_pipeline_plans_on_bill_typed_prices():
    from pvplanner import plan

    doc = demo_scenario().model_dump(mode="json")
    flat = {"flat": 0.70, "peak": 0.70, "valley": 0.70, "sharp": 0.70, "deep_valley": 0.70}
    doc["tariff"]["bill"] = {"month": "2026-11", "prices_per_kwh": flat,
                             "demand_per_kw_month": 0.0}
    result = plan(parse_scenario(doc), with_npv_curve=False)
    assert np.allclose(result.hourly["import_price_per_kwh"], 0.70)
    load_kwh = result.energy.load_kwh
    assert result.bills.baseline_annual == pytest.approx(0.70 * load_kwh, rel=1e-9)


def test_an_override_left_out_is_told_in_the_readers_language():
    """A sharp-hour rule a small user does not get is noted in Chinese for a Chinese reader
    (it read "summer sharp 尖峰 (...) not applied: only for users of 315 kVA and above" in a
    Chinese proposal), and every override of every preset has its Chinese label."""
    import re

    from pvplanner.display.messages import render
    from pvplanner.tariff import TariffOptions, build_tariff
    from pvplanner.tariff.versions import preset_ids, preset_versions

    for preset in preset_ids():
        for version in preset_versions(preset):
            for rule in version.preset.overrides:
                assert rule.label_zh and not re.search(r"[A-Za-z]{3,}", rule.label_zh.replace("kVA", "")), \
                    (preset, rule.label)
    version = preset_versions("jiangsu_2025_general_ci")[-1]
    _, notes = build_tariff(version, TariffOptions(transformer_kva=250, industrial=True))
    left_out = [note for note in notes if getattr(note, "key", "")
                == "notes.tariff.override_not_applied"]
    assert len(left_out) == 3, notes
    chinese = [render(note, "zh") for note in left_out]
    assert "未计入夏季尖峰（7—8月；315 kVA 及以上工业用户）：仅适用于变压器容量 315 kVA 及以上的用户" \
        in chinese, chinese
    assert all(not re.search(r"[A-Za-z]{3,}", text.replace("kVA", "")) for text in chinese)
    assert "summer sharp 尖峰 (Jul-Aug; industrial users >= 315 kVA) not applied: only for " \
        "users of 315 kVA and above" in [str(note) for note in left_out]
