"""The site's province picks the tariff preset for the customer's size, and a tariff of
another province is named as such (issue 13 item 5)."""

from __future__ import annotations

import datetime as dt

import pytest

from pvplanner.errors import PlannerInputError
from pvplanner.tariff.province import (
    default_preset,
    other_province_note,
    province_name,
    same_province,
)
from pvplanner.tariff.versions import preset_file

DAY = dt.date(2026, 10, 1)


@pytest.mark.parametrize("province", ["Zhejiang", "Jiangsu", "Guangdong"])
def test_the_size_threshold_is_the_presets_two_part_threshold(province):
    large = default_preset(province, DAY, transformer_kva=315)
    small = default_preset(province, DAY, transformer_kva=314)
    assert large.customer_class == "large_industry" and small.customer_class == "general_ci"
    assert preset_file(large.preset_id).region == province == preset_file(small.preset_id).region
    # 315 kVA is data (发改价格〔2023〕526号 in the preset's eligibility row), not a literal.
    assert large.threshold_kva == preset_file(large.preset_id).eligibility.two_part_from_kva
    assert "315 kVA" in large.rule and "526号" in large.rule


def test_without_a_transformer_the_voltage_then_the_peak_decide():
    by_voltage = default_preset("Jiangsu", DAY, voltage_kv=35, peak_load_kw=50)
    assert by_voltage.customer_class == "large_industry" and by_voltage.basis == "voltage"
    by_peak = default_preset("Jiangsu", DAY, voltage_kv=10, peak_load_kw=900)
    assert by_peak.customer_class == "large_industry" and by_peak.basis == "peak"
    assert "peak load 900 kW" in by_peak.rule
    assert default_preset("Jiangsu", DAY, peak_load_kw=200).customer_class == "general_ci"
    unknown = default_preset("Jiangsu", DAY)
    assert unknown.customer_class == "general_ci" and unknown.basis == "none"
    # The transformer, when given, wins over the peak.
    assert default_preset("Jiangsu", DAY, transformer_kva=200,
                          peak_load_kw=900).customer_class == "general_ci"


def test_the_preset_in_force_on_the_start_date_is_chosen():
    assert default_preset("Zhejiang", DAY, transformer_kva=2000).preset_id == (
        "zhejiang_2026_large_industry")
    assert default_preset("Zhejiang", dt.date(2025, 3, 1), transformer_kva=2000).preset_id == (
        "zhejiang_2024_large_industry")


def test_a_province_without_presets_is_named_with_the_ones_that_have_them():
    with pytest.raises(PlannerInputError) as info:
        default_preset("Shandong", DAY)
    assert info.value.field == "tariff.preset"
    assert "'Shandong' has no tariff preset" in str(info.value)
    assert "Guangdong, Jiangsu, Zhejiang" in str(info.value)
    # in words, not the scenario's keys (the app's reader has no tariff.preset to edit; the
    # command line names the field)
    assert "tariff.preset" not in str(info.value) and "tariff.bill" not in str(info.value)
    with pytest.raises(PlannerInputError, match="the site's province is not given") as info:
        default_preset(None, DAY)
    assert info.value.field == "tariff.preset" and "site.province" not in str(info.value)


def test_province_names_in_english_or_chinese():
    assert province_name("江苏省") == province_name("jiangsu") == "Jiangsu"
    assert default_preset("浙江", DAY).province == "Zhejiang"
    assert same_province("内蒙古", "Inner Mongolia")
    assert not same_province("Jiangsu", "Zhejiang")


def test_a_tariff_of_another_province_is_named():
    note = other_province_note("zhejiang_2026_large_industry", "Zhejiang", "Jiangsu")
    assert "Zhejiang's" in note and "Jiangsu" in note and "Follow the site's province" in note
    assert other_province_note("zhejiang_2026_large_industry", "Zhejiang", "浙江省") is None
    assert other_province_note("custom", "", "Jiangsu") is None
    assert other_province_note("x", "Zhejiang", None) is None


@pytest.mark.parametrize("written", ["Jiangsu", "江苏", "江苏省", "jiangsu province", " JIANGSU "])
def test_every_table_finds_a_province_however_it_is_written(written):
    """The coal benchmark, the market price, the export benchmark row and the province's
    project rules are looked up through one name rule (pvplanner.tariff.province_names)."""
    from pvplanner.tariff.category import province_rule
    from pvplanner.tariff.coal import coal_benchmark_price, export_price_table
    from pvplanner.tariff.export import _benchmark_row
    from pvplanner.tariff.market import default_market_price

    table = export_price_table()
    assert coal_benchmark_price(written) == float(
        table.loc[table["province"] == "Jiangsu", "price_per_kwh"].iloc[0])
    assert _benchmark_row(written)["province"] == "Jiangsu"
    assert default_market_price(written)["province"] == "Jiangsu"
    assert province_rule(written, "spot_market_continuous", None).province == "Jiangsu"
