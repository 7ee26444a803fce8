"""Emission factors, avoided emissions, Scope 2, certificates and credits: hand-checked."""

import json

import numpy as np
import pandas as pd
import pytest

from pvplanner.carbon.accounting import (
    CarbonInputs,
    avoided_emissions,
    carbon_asset,
    carbon_ledger,
    combined_margin,
    credit_eligibility,
    double_counting_check,
    emission_factor,
    factor_id_for_province,
    grid_factor_path,
    load_carbon_assets,
    load_emission_factors,
    province_grid_region,
    scope2,
)
from pvplanner.errors import PlannerInputError
from pvplanner.finance import (
    FinanceInputs,
    Year1Savings,
    capex_breakdown,
    cash_flow_table,
    metrics,
)

HANGZHOU_1MW_KWH = 970_000.0  # 1,000 kWp x 970 kWh/kWp (reference: Hangzhou 950-990)


def test_avoided_emissions_national_2023_by_hand():
    f = emission_factor("cn-national-2023-average").factor_tco2_per_mwh
    assert f == 0.5306
    # 2.21 GWh x 0.5306 tCO2/MWh = 1,172.626 t (self-consumed 2.0 GWh -> 1,061.2 t).
    t = avoided_emissions(2_000_000, 210_000, f, 1)
    assert t.loc[1, "total_tco2"] == pytest.approx(1172.626, abs=1e-9)
    assert t.loc[1, "self_consumed_tco2"] == pytest.approx(1061.2, abs=1e-9)
    assert t.loc[1, "exported_tco2"] == pytest.approx(111.426, abs=1e-9)


def test_avoided_emissions_decline_and_degradation():
    t = avoided_emissions(1_000_000, 0, 0.5306, 3, degradation_factors=[1.0, 0.99, 0.986],
                          decline_rate=0.02)
    # Year 3: 0.5306 x 0.98^2 = 0.50958824 tCO2/MWh on 986 MWh = 502.4540 t.
    assert t.loc[3, "factor_tco2_per_mwh"] == pytest.approx(0.50958824, abs=1e-10)
    assert t.loc[3, "total_tco2"] == pytest.approx(986 * 0.50958824, abs=1e-9)
    assert grid_factor_path(0.5, 2, 0.1).tolist() == pytest.approx([0.5, 0.45])


def test_one_megawatt_in_hangzhou():
    # Zhejiang's own latest factor (2023: 0.4974, 公告2025年第47号) and the East China 2023
    # average (0.5500).
    assert factor_id_for_province("Zhejiang") == "cn-zhejiang-2023-average"
    assert factor_id_for_province("浙江", prefer="regional") == "cn-east-2023-average"
    prov = emission_factor(factor_id_for_province("Zhejiang")).factor_tco2_per_mwh
    reg = emission_factor("cn-east-2023-average").factor_tco2_per_mwh
    # 970 MWh x 0.4974 = 482.478 t; x 0.5500 = 533.5 t.
    assert avoided_emissions(HANGZHOU_1MW_KWH, 0, prov, 1)["total_tco2"].iloc[0] == \
        pytest.approx(482.478, abs=1e-9)
    assert avoided_emissions(HANGZHOU_1MW_KWH, 0, reg, 1)["total_tco2"].iloc[0] == \
        pytest.approx(533.5, abs=1e-9)
    # Shanghai's carbon-inclusion scheme does not take a Hangzhou (Zhejiang) site.
    ci = CarbonInputs(certificates="none", credit_scheme_ids=["shanghai-carbon-inclusion"],
                      credit_price_per_tco2=50.0, site_province="Zhejiang", site_city="Hangzhou")
    led = carbon_ledger(ci, generation_kwh=HANGZHOU_1MW_KWH, self_consumed_kwh=800_000,
                        exported_kwh=170_000, years=2, capacity_kw=1000)
    assert led["credits_tco2"].sum() == 0 and led["credit_revenue"].sum() == 0
    assert "for province Shanghai, site is in Zhejiang" in led["credit_status"].iloc[0]


def test_shanghai_carbon_inclusion_capacity_limit_and_credits():
    ci = CarbonInputs(certificates="none", credit_scheme_ids=["shanghai-carbon-inclusion"],
                      credit_price_per_tco2=50.0, site_province="Shanghai")
    led = carbon_ledger(ci, generation_kwh=970_500, self_consumed_kwh=800_000,
                        exported_kwh=170_500, years=3, capacity_kw=1000.0)
    # <= 1 MW is eligible: 970.5 MWh x 0.42 = 407.61 t; x 50 CNY/t = 20,380.5 CNY per year.
    assert led["credits_tco2"].tolist() == pytest.approx([407.61] * 3)
    assert led["credit_revenue"].tolist() == pytest.approx([20_380.5] * 3)
    assert "factor 0.42 tCO2/MWh (Shanghai, 2024)" in led["credit_status"].iloc[0]
    assert "cn-shanghai" not in led["credit_status"].iloc[0]  # names, never ids
    big = carbon_ledger(ci, generation_kwh=970_500, self_consumed_kwh=800_000,
                        exported_kwh=170_500, years=3, capacity_kw=1000.5)
    assert big["credits_tco2"].sum() == 0
    assert "exceeds" in big["credit_status"].iloc[0]


def test_scheme_eligibility_rules():
    wuhan = carbon_asset("wuhan-carbon-inclusion")
    assert credit_eligibility(wuhan, 6000.0)[0] is False  # "< 6 MW" is strict
    ok, reason = credit_eligibility(wuhan, 5999.0)
    assert ok and "not checked" in reason
    assert credit_eligibility(wuhan, 100.0, site_province="Hubei", site_city="Wuhan") == \
        (True, "eligible")
    ok, reason = credit_eligibility(carbon_asset("ccer"), 500.0)
    assert not ok and "methodologies" in reason
    assert credit_eligibility(carbon_asset("gec-2025-08"), 500.0)[0] is False
    assert credit_eligibility(carbon_asset("verra-vcs"), 500.0)[0] is False


def test_cdm_scheme_needs_combined_margin_and_crediting_period():
    base = dict(certificates="none", credit_scheme_ids=["cdm-ams-i-d"], credit_price_per_tco2=2.0)
    with pytest.raises(PlannerInputError, match="combined margin") as err:
        carbon_ledger(CarbonInputs(**base), generation_kwh=1e6, self_consumed_kwh=8e5,
                      exported_kwh=2e5, years=10, capacity_kw=800)
    assert err.value.field == "carbon.credit_factor_id"
    led = carbon_ledger(CarbonInputs(**base, credit_factor_id="ifi-2021-cm-vietnam"),
                        generation_kwh=1e6, self_consumed_kwh=8e5, exported_kwh=2e5,
                        years=10, capacity_kw=800)
    # 1,000 MWh x 0.493 = 493 t in years 1-7 (7-year crediting period), none after.
    assert led["credits_tco2"].tolist() == pytest.approx([493.0] * 7 + [0.0] * 3)
    assert "outside crediting period" in led["credit_status"].iloc[8]


def test_certificates_whole_units_with_carry_over():
    ci = CarbonInputs(certificates="sell", certificate_price_id="gec-2025-10-vintage-2025")
    led = carbon_ledger(ci, generation_kwh=2_210_400, self_consumed_kwh=1_800_700,
                        exported_kwh=409_700, years=3, capacity_kw=2300)
    # Self-consumed (non-tradable) cumulative 1800.7, 3601.4, 5402.1 -> 1800, 1801, 1801;
    # exported (tradable) cumulative 409.7, 819.4, 1229.1 -> 409, 410, 410.
    assert led["certificates_non_tradable"].tolist() == [1800, 1801, 1801]
    assert led["certificates_tradable"].tolist() == [409, 410, 410]
    assert led["certificates_issued"].tolist() == [2209, 2211, 2211]
    # "sell" sells the tradable ones only: 409 x 5.22 CNY = 2,134.98 CNY.
    assert led["certificates_sold"].tolist() == [409, 410, 410]
    assert led["certificate_revenue"].iloc[0] == pytest.approx(2_134.98)
    assert led["scope2_claimed_mwh"].sum() == 0
    part = carbon_ledger(ci.model_copy(update={"certificates": "retain_self_consumed"}),
                         generation_kwh=2_210_400, self_consumed_kwh=1_800_700,
                         exported_kwh=409_700, years=3, capacity_kw=2300)
    # Self-consumed cumulative 1800.7, 3601.4, 5402.1 -> retained 1800, 1801, 1801.
    assert part["certificates_retained"].tolist() == [1800, 1801, 1801]
    assert part["certificates_sold"].tolist() == [409, 410, 410]
    assert part["certificate_revenue"].iloc[1] == pytest.approx(410 * 5.22)
    kept = carbon_ledger(ci.model_copy(update={"certificates": "retain"}),
                         generation_kwh=2_210_400, self_consumed_kwh=1_800_700,
                         exported_kwh=409_700, years=1, capacity_kw=2300)
    assert kept["certificate_revenue"].iloc[0] == 0
    assert kept["scope2_claimed_mwh"].iloc[0] == 1800 + 409


def test_double_counting_is_refused():
    # Selling (tradable) GECs of exported MWh and crediting the same MWh under a scheme.
    sell = CarbonInputs(certificates="sell", credit_scheme_ids=["shanghai-carbon-inclusion"],
                        credit_price_per_tco2=50.0)
    with pytest.raises(PlannerInputError, match="double counting in year 1") as err:
        carbon_ledger(sell, generation_kwh=900_000, self_consumed_kwh=500_000,
                      exported_kwh=400_000, years=1, capacity_kw=900)
    assert err.value.field == "carbon.certificates"
    # Two schemes on the same MWh.
    two = CarbonInputs(certificates="none", credit_price_per_tco2=50.0,
                       credit_scheme_ids=["shanghai-carbon-inclusion",
                                          "guangdong-carbon-inclusion"])
    with pytest.raises(PlannerInputError, match=r"Guangdong carbon inclusion \(PHCER\)") as err:
        carbon_ledger(two, generation_kwh=900_000, self_consumed_kwh=900_000, exported_kwh=0,
                      years=1, capacity_kw=900)
    assert "guangdong-carbon-inclusion" not in str(err.value)  # names, never ids
    # Sold certificates also counted in market-based Scope 2.
    with pytest.raises(PlannerInputError, match="1,800.0 MWh of claims"):
        double_counting_check([900.0], {"gec sold": [900.0], "scope 2 claim": [900.0]})
    double_counting_check([900.0], {"gec sold": [100.0], "scope 2 claim": [800.0]})


def test_scope2_by_hand():
    kw = dict(location_factor=0.5306, residual_factor=0.6096, exported_kwh=300_000)
    args = (3_000_000, 2_000_000, 1_000_000)  # load, grid import, self-consumed PV [kWh]
    kept = scope2(*args, certificates="retain", **kw)
    assert kept.location_before_tco2 == pytest.approx(1591.8)  # 3,000 MWh x 0.5306
    assert kept.location_after_tco2 == pytest.approx(1061.2)   # 2,000 MWh x 0.5306
    assert kept.market_before_tco2 == pytest.approx(1828.8)    # 3,000 MWh x 0.6096
    # Exported certificates (300 MWh) cover purchases: 1,700 MWh x 0.6096 = 1,036.32.
    assert kept.market_after_tco2 == pytest.approx(1036.32)
    assert scope2(*args, certificates="retain_self_consumed", **kw).market_after_tco2 == \
        pytest.approx(1219.2)
    sold = scope2(*args, certificates="sell", **kw)
    assert sold.market_after_tco2 == pytest.approx(1828.8)  # no claim on the PV
    assert sold.location_after_tco2 == pytest.approx(1061.2)
    assert "cannot claim" in sold.note
    json.dumps(sold.to_dict(), allow_nan=False)
    with pytest.raises(PlannerInputError, match="certificates"):
        scope2(*args, certificates="keep", **kw)


def test_emission_factor_table_integrity():
    t = load_emission_factors()
    assert t["id"].is_unique
    assert set(t["status"]) <= {"official", "secondary", "unverified"}
    assert (t["source"].str.len() > 0).all()
    assert set(t["kind"]) <= {"location_average", "residual_mix", "fossil", "combined_margin",
                              "operating_margin", "build_margin", "scheme_baseline"}
    assert (t["factor_tco2_per_mwh"].between(0, 1.5)).all()
    # Combined margin rows = TOOL07 0.75 OM + 0.25 BM of the same region (to 1e-6).
    for cm in t[t["id"].str.endswith("-2019-cm-solar")].itertuples():
        stem = cm.id.removesuffix("-cm-solar")
        om = emission_factor(stem + "-om").factor_tco2_per_mwh
        bm = emission_factor(stem + "-bm").factor_tco2_per_mwh
        assert cm.factor_tco2_per_mwh == pytest.approx(combined_margin(om, bm), abs=1e-6)
    # Reference hand value: East China 0.75 x 0.7921 + 0.25 x 0.3870 = 0.6908.
    assert emission_factor("cn-east-2019-cm-solar").factor_tco2_per_mwh == \
        pytest.approx(0.6908, abs=5e-5)
    assert combined_margin(0.7921, 0.3870, 0.5) == pytest.approx(0.58955)
    ember = t[t["id"].str.startswith("ember-")]
    assert (ember["licence"] == "CC BY-SA 4.0").all() and len(ember) == 21
    assert emission_factor("ember-2024-china").factor_tco2_per_mwh == pytest.approx(0.5575)
    # Residual mix above the average, fossil above both, for every MEE year.
    for year in (2021, 2022, 2023):
        a, r, f = (emission_factor(f"cn-national-{year}-{k}").factor_tco2_per_mwh
                   for k in ("average", "residual", "fossil"))
        assert a < r < f
    # Every province with a factor maps to a grid region (both series where defined).
    for name in t.loc[t["region_type"] == "provincial", "region"].unique():
        if name == "Inner Mongolia":
            continue  # split west / east in the grid table
        assert province_grid_region(name) in {"north", "northeast", "east", "central",
                                              "northwest", "south", "southwest"}
    assert province_grid_region("Sichuan", "cdm") == "central"
    assert province_grid_region("Sichuan") == "southwest"


def test_carbon_assets_table_integrity():
    a = load_carbon_assets()
    assert a["id"].is_unique
    assert set(a["status"]) <= {"official", "secondary", "unverified"}
    assert (a["source"].str.len() > 0).all()
    assert set(a["available_for_distributed_pv"]) <= {"yes", "no", "conditional"}
    assert carbon_asset("ccer")["available_for_distributed_pv"] == "no"
    gec = a[a["scheme"] == "GEC"]
    assert (gec["price_date"].str.len() > 0).all()
    assert float(carbon_asset("gec-2025-10-vintage-2025")["price"]) == 5.22


def test_lookup_errors_name_the_field():
    with pytest.raises(PlannerInputError, match="unknown emission factor") as err:
        emission_factor("cn-zhejiang-2030-average")
    assert err.value.field == "carbon.location_factor_id"
    with pytest.raises(PlannerInputError, match="ambiguous"):
        province_grid_region("Inner Mongolia")
    with pytest.raises(PlannerInputError, match="not a known province"):
        province_grid_region("Atlantis")
    with pytest.raises(PlannerInputError, match="set the credit price override") as err:
        carbon_ledger(CarbonInputs(certificates="none",
                                   credit_scheme_ids=["shanghai-carbon-inclusion"]),
                      generation_kwh=1e5, self_consumed_kwh=1e5, exported_kwh=0, years=1,
                      capacity_kw=100)
    assert err.value.field == "carbon.credit_price_per_tco2"


def test_ledger_revenue_flows_into_cash_flow_table():
    # Certificate revenue adds its after-tax present worth to the NPV: the 210 tradable
    # certificates of 210.4 exported MWh at 5.15 CNY (Dec 2025, 2025 vintage):
    # 210 x 5.15 x (1 - 0.25) / 1.06 in a 1-year analysis = 765.21 CNY.
    ci = CarbonInputs(certificates="sell", certificate_price_id="gec-2025-12-vintage-2025")
    led = carbon_ledger(ci, generation_kwh=2_210_400, self_consumed_kwh=2_000_000,
                        exported_kwh=210_400, years=1, capacity_kw=2300)
    fin = FinanceInputs(analysis_years=1, depreciation_years=1)
    y1 = Year1Savings(energy_savings=1e6, export_revenue=0, demand_savings=0,
                      self_consumed_kwh=2e6, exported_kwh=210_400, generation_kwh=2_210_400)
    cb = capex_breakdown(fin, 2300)
    kwargs = dict(capex_breakdown=cb, year1_savings=y1, degradation_factors=[1.0])
    with_certs = cash_flow_table(fin, certificate_revenue_by_year=led["certificate_revenue"],
                                 **kwargs)
    without = cash_flow_table(fin, **kwargs)
    gain = metrics(with_certs, 0.06).npv - metrics(without, 0.06).npv
    assert gain == pytest.approx(210 * 5.15 * 0.75 / 1.06, rel=1e-12)
    assert gain == pytest.approx(765.21, abs=0.01)
    assert isinstance(led, pd.DataFrame) and np.all(led.index == [1])
