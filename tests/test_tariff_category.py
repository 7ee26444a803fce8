"""Project category and grid-connection mode (国能发新能规〔2025〕7号) against the reference
(shared reference china-pv-policy-2026 §1.1-1.3), and the data tables behind them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError
from pvplanner.tariff.category import category_for, project_rules, province_rule
from weather.datafiles import data_path

DAY = dt.date(2026, 10, 1)


# --------------------------------------------------------------------------- categories
def test_a_7_mw_plant_at_10_kv_is_not_general_ci_and_the_message_names_the_rule():
    with pytest.raises(PlannerInputError) as info:
        category_for(10, 7000, on_date=DAY)
    message = str(info.value)
    assert "not general C&I" in message
    assert "国能发新能规〔2025〕7号 Art. 4" in message and "6 MW" in message
    # ... and says how to fix it: smaller, or a 35 kV connection (large C&I).
    assert "at most 6,000 kWp" in message and "35 kV" in message
    # The reference's own example: 10 kV / 8 MW is not general C&I either.
    with pytest.raises(PlannerInputError, match="not general C&I"):
        category_for(10, 8000, on_date=DAY)


def test_the_refusal_reads_in_chinese_too():
    from pvplanner.display.messages import render

    with pytest.raises(PlannerInputError) as info:
        category_for(10, 7000, on_date=DAY)
    zh = render(info.value, "zh")
    assert "不属于一般工商业分布式光伏" in zh and "国能发新能规〔2025〕7号第四条" in zh
    assert "6 兆瓦" in zh and "35 千伏" in zh


def test_the_limits_are_inclusive_and_follow_the_voltage():
    assert category_for(10, 6000, on_date=DAY).category == "general_ci"  # 不超过 6 MW
    assert category_for(20, 6000, on_date=DAY).category == "general_ci"  # 10 kV (20 kV)
    assert category_for(0.4, on_date=DAY).category == "general_ci"
    assert category_for(35, 20000, on_date=DAY).id == "large_ci_35kv"
    assert category_for(110, 50000, on_date=DAY).id == "large_ci_110kv"
    assert category_for(66, on_date=DAY).id == "large_ci_110kv"
    with pytest.raises(PlannerInputError, match="not large C&I"):
        category_for(35, 20001, on_date=DAY)
    with pytest.raises(PlannerInputError, match="not large C&I"):
        category_for(110, 50001, on_date=DAY)
    # No voltage given: general C&I (10 kV (20 kV) or below) is assumed, and checked.
    assert category_for(None, 6000, on_date=DAY).category == "general_ci"


def test_voltages_no_distributed_category_uses_are_refused():
    with pytest.raises(PlannerInputError, match="centralized PV") as info:
        category_for(220, on_date=DAY)
    assert info.value.field == "project.grid_voltage_kv"
    with pytest.raises(PlannerInputError, match="not a connection voltage") as info:
        category_for(25, on_date=DAY)
    assert info.value.field == "project.grid_voltage_kv"


def test_a_minimum_capacity_above_the_category_is_refused_before_planning():
    with pytest.raises(PlannerInputError, match="not general C&I") as info:
        project_rules(province="Zhejiang", voltage_kv=10, min_total_kwp=7000, on_date=DAY)
    assert info.value.field == "constraints.min_total_kwp"


def test_the_capacity_limit_is_the_categorys():
    assert project_rules(province="Zhejiang", voltage_kv=10,
                         on_date=DAY).capacity_limit_kwp == 6000.0
    assert project_rules(province="Zhejiang", voltage_kv=110,
                         on_date=DAY).capacity_limit_kwp == 50000.0


# --------------------------------------------------------------------------- modes
def test_full_export_is_not_open_to_ci():
    for voltage in (10, 35):
        with pytest.raises(PlannerInputError, match="full export: ") as info:
            project_rules(province="Guangdong", voltage_kv=voltage, mode="full_export",
                          on_date=DAY)
        assert info.value.field == "project.connection_mode"
        assert "国能发新能规〔2025〕7号" in str(info.value)
        assert "connection_mode" not in str(info.value)  # the field by its options' names
        assert "全额上网" in render(info.value.message, "zh")


def test_large_ci_without_a_continuous_spot_market_is_planned_as_full_self_use():
    # Jiangsu: long-period spot trials, not known as continuous operation (data row).
    rules = project_rules(province="Jiangsu", voltage_kv=35, on_date=DAY)
    assert rules.category.category == "large_ci"
    assert rules.mode == "self_use" and not rules.export_allowed
    assert any("full self-use" in note and "spot market" in note for note in rules.notes)
    assert rules.spot_market.status == "unverified" and rules.spot_market.reason


def test_large_ci_asking_to_export_without_a_spot_market_is_refused_naming_the_rule():
    with pytest.raises(PlannerInputError, match="spot market runs continuously") as info:
        project_rules(province="Jiangsu", voltage_kv=35, mode="surplus_export", on_date=DAY)
    assert info.value.field == "project.connection_mode"
    assert "国能发新能规〔2025〕7号" in str(info.value)
    # An export rule in the tariff asks for exports too.
    with pytest.raises(PlannerInputError) as info:
        project_rules(province="Jiangsu", voltage_kv=110, export_requested=True, on_date=DAY)
    assert info.value.field == "tariff.export"


def test_large_ci_exports_where_the_spot_market_runs_continuously():
    guangdong = project_rules(province="广东", voltage_kv=35, on_date=DAY)
    assert guangdong.mode == "surplus_export" and guangdong.spot_market_continuous
    assert guangdong.spot_market.status == "secondary"
    # The user knows better than the table: the scenario's answer wins, both ways.
    jiangsu = project_rules(province="Jiangsu", voltage_kv=35, spot_market_continuous=True,
                            on_date=DAY)
    assert jiangsu.mode == "surplus_export" and jiangsu.spot_market_source == "user"
    no = project_rules(province="Guangdong", voltage_kv=35, spot_market_continuous=False,
                       on_date=DAY)
    assert no.mode == "self_use"


def test_self_use_with_an_export_rule_is_a_contradiction():
    with pytest.raises(PlannerInputError, match="exports nothing") as info:
        project_rules(province="Zhejiang", voltage_kv=10, mode="self_use",
                      export_requested=True, on_date=DAY)
    assert info.value.field == "project.connection_mode"
    # Said with the options' names as the Tariff page shows them, no keys or ids, no
    # Chinese in the English.
    english = str(info.value)
    assert "“full self-use (no export)”" in english and "“self-use, surplus exported”" in english
    assert "tariff.export" not in english and "'self_use'" not in english
    assert "全部自发自用" not in english and "全部自发自用" in render(info.value.message, "zh")


def test_zero_export_means_self_use():
    rules = project_rules(province="Zhejiang", voltage_kv=10, export_forced_off=True,
                          on_date=DAY)
    assert rules.mode == "self_use" and rules.min_self_consumption_share is None


# --------------------------------------------------------------------------- minimum share
def test_the_provinces_minimum_share_applies_to_general_ci_surplus_export():
    rules = project_rules(province="Liaoning", voltage_kv=10, on_date=DAY)
    assert rules.min_self_consumption_share == 0.5
    assert rules.share_status == "secondary" and "Liaoning" in rules.share_source
    # The larger of the province's and the user's.
    assert project_rules(province="Liaoning", voltage_kv=10, user_min_share=0.7,
                         on_date=DAY).min_self_consumption_share == 0.7
    assert project_rules(province="Liaoning", voltage_kv=10, user_min_share=0.3,
                         on_date=DAY).min_self_consumption_share == 0.5
    # 7号 sets no share for large C&I.
    assert project_rules(province="Shandong", voltage_kv=35,
                         on_date=DAY).min_self_consumption_share is None


def test_an_unknown_provincial_share_is_not_invented():
    """Zhejiang, Jiangsu, Guangdong: no value was found (reference §1.3)."""
    for province in ("Zhejiang", "Jiangsu", "Guangdong"):
        rules = project_rules(province=province, voltage_kv=10, on_date=DAY)
        assert rules.min_self_consumption_share is None
        assert not rules.province_share.known and rules.province_share.reason
        with_user = project_rules(province=province, voltage_kv=10, user_min_share=0.6,
                                  on_date=DAY)
        assert with_user.min_self_consumption_share == 0.6 and with_user.share_status == "user"
    assert province_rule("Atlantis", "min_self_consumption_share").province == "*"


def test_before_7hao_no_category_applies():
    rules = project_rules(province="Zhejiang", voltage_kv=10, min_total_kwp=9000,
                          on_date=dt.date(2024, 6, 1))
    assert rules.category is None and rules.capacity_limit_kwp == float("inf")
    assert any("not in force" in note for note in rules.notes)


# --------------------------------------------------------------------------- data
_STATUSES = {"official", "secondary", "unverified"}


@pytest.mark.parametrize("name", ["pv_categories.csv", "pv_province_rules.csv"])
def test_every_row_has_source_date_validity_and_status(name):
    table = pd.read_csv(data_path(name), dtype=str, keep_default_na=False)
    assert len(table) > 0
    for i, row in table.iterrows():
        where = f"{name} row {i + 2}"
        assert row["source"].strip(), where
        dt.date.fromisoformat(row["date"])
        start = dt.date.fromisoformat(row["valid_from"])
        if row["valid_until"]:
            assert dt.date.fromisoformat(row["valid_until"]) >= start, where
        assert row["status"] in _STATUSES, where
        if row["status"] == "unverified":
            assert row["reason"].strip(), f"{where}: unverified without a reason"
        if "value" in row and not row["value"]:
            assert row["status"] == "unverified" and row["reason"].strip(), (
                f"{where}: an unknown value must say why")
        if "capacity_basis_status" in row:
            assert row["capacity_basis_status"] in _STATUSES, where
            assert row["capacity_basis_status"] != "unverified" or row["capacity_basis_reason"]


def test_every_province_rule_has_a_fallback_row():
    table = pd.read_csv(data_path("pv_province_rules.csv"), dtype=str, keep_default_na=False)
    for rule in table["rule"].unique():
        assert ((table["rule"] == rule) & (table["province"] == "*")).sum() == 1, rule
    assert not table.duplicated(["province", "rule", "valid_from"]).any()
    shares = pd.to_numeric(table.loc[table["rule"] == "min_self_consumption_share", "value"])
    assert shares.dropna().between(0, 1).all()
