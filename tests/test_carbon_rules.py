"""Carbon per Chinese rules (issue 13 item 6), each against the reference figures.

References: ``china-pv-policy-2026.md`` sections 6-7 and ``tariff-audit-2026-12.md``
(MEE/NBS 公告2025年第47号 provincial factors, GEC rules of 国能发新能规〔2024〕67号 and
发改价格〔2025〕136号, the 2021-2023 trend of the national factor, the reference plant).
"""

import numpy as np
import pytest

from pvplanner.carbon import (
    CarbonInputs,
    carbon_ledger,
    certificate_split,
    closest_factors,
    factor_decline_rate,
    grid_factor_decline,
    implied_factor_tco2_per_mwh,
    location_factor_for,
    reference_plant_comparison,
)
from pvplanner.errors import PlannerInputError


# --------------------------------------------------------------------------- default factor
@pytest.mark.parametrize("province, value", [
    ("Zhejiang", 0.4974), ("Jiangsu", 0.5827), ("Guangdong", 0.4419),  # 47号, 2023, official
    ("江苏", 0.5827), ("zhejiang", 0.4974),
])
def test_site_province_picks_its_latest_provincial_average(province, value):
    choice = location_factor_for(province)
    assert choice.factor.factor_tco2_per_mwh == value
    assert choice.factor.data_year == 2023 and choice.factor.status == "official"
    assert choice.basis == "province"
    assert choice.reason.startswith("province default")


def test_without_a_known_province_the_national_average_is_used():
    for province in (None, "", "  ", "Atlantis"):
        choice = location_factor_for(province)
        assert choice.basis == "national"
        assert choice.factor.id == "cn-national-2023-average"
        assert choice.factor.factor_tco2_per_mwh == 0.5306
        assert choice.reason.startswith("national default")
    assert "'Atlantis'" in location_factor_for("Atlantis").reason


def test_a_province_without_its_own_factor_gets_its_grid_region():
    # Tibet has no provincial row; its MEE grid region is the Southwest (2023: 0.2472).
    choice = location_factor_for("Tibet")
    assert choice.basis == "region"
    assert choice.factor.id == "cn-southwest-2023-average"
    assert choice.factor.factor_tco2_per_mwh == 0.2472
    # Inner Mongolia is split west/east in the grid table but has one provincial factor.
    assert location_factor_for("Inner Mongolia").factor.id == "cn-inner-mongolia-2022-average"


def test_a_named_factor_is_kept():
    choice = location_factor_for("Jiangsu", "cn-national-2023-average")
    assert choice.basis == "named" and choice.factor.factor_tco2_per_mwh == 0.5306
    with pytest.raises(PlannerInputError, match="unknown emission factor") as err:
        location_factor_for("Jiangsu", "cn-jiangsu-2030-average")
    assert err.value.field == "carbon.location_factor_id"
    assert CarbonInputs().location_factor_id is None  # the default follows the site


# --------------------------------------------------------------------------- declining factor
def test_decline_rate_is_derived_from_the_national_averages():
    # Reference: 0.5568 (2021) -> 0.5306 (2023), "about 2.4 %/yr".
    by_hand = 1.0 - (0.5306 / 0.5568) ** 0.5
    rate = factor_decline_rate("cn-national-2021-average", "cn-national-2023-average")
    assert rate == pytest.approx(by_hand, abs=1e-12)
    assert rate == pytest.approx(0.0238, abs=5e-5)
    default = grid_factor_decline()
    assert default["value"] == pytest.approx(2.38, abs=1e-12)
    assert default["status"] == "derived"
    assert "0.5568" in default["source"] and "0.5306" in default["source"]
    assert CarbonInputs().grid_factor_decline_percent_per_year == default["value"]
    # The user may keep the factor constant.
    assert CarbonInputs(grid_factor_decline_percent_per_year=0).grid_factor_decline_rate == 0
    with pytest.raises(PlannerInputError, match="same region"):
        factor_decline_rate("cn-national-2021-average", "cn-east-2023-average")
    with pytest.raises(PlannerInputError, match="later data year"):
        factor_decline_rate("cn-national-2023-average", "cn-national-2021-average")


# --------------------------------------------------------------------------- certificates
def test_self_consumed_earn_non_tradable_exported_tradable_mechanism_none():
    sc = [1200.4, 1200.4]
    ex = [500.9, 500.9]
    split = certificate_split(sc, ex)
    # Whole certificates with carry-over: 1200.4 -> 1200, 2400.8 -> 2400; 500.9 -> 500, 1001.8
    # -> 1001.
    assert split["non_tradable"].tolist() == [1200, 1200]
    assert split["tradable"].tolist() == [500, 501]
    # 300 MWh of the exports settled under the 136号 mechanism earn no certificate.
    mech = certificate_split(sc, ex, [300.0, 300.0])
    assert mech["tradable"].tolist() == [200, 201]
    assert mech["non_tradable"].tolist() == [1200, 1200]
    with pytest.raises(PlannerInputError, match="mechanism"):
        certificate_split(sc, ex, [600.0, 0.0])


def test_ledger_sells_only_tradable_certificates():
    inputs = CarbonInputs(certificates="sell", certificate_price_id="gec-2025-12-vintage-2025")
    kw = dict(generation_kwh=1_701_300, self_consumed_kwh=1_200_400, exported_kwh=500_900,
              years=2, capacity_kw=1800)
    led = carbon_ledger(inputs, **kw)
    total = led["certificates_tradable"] + led["certificates_non_tradable"]
    assert (led["certificates_issued"] == total).all()
    assert led["certificates_sold"].tolist() == led["certificates_tradable"].tolist()
    # 500 tradable certificates x 5.15 CNY (Dec 2025, 2025 vintage) = 2,575 CNY.
    assert led["certificate_revenue"].iloc[0] == pytest.approx(500 * 5.15)
    # Mechanism volume: fewer tradable certificates, less revenue, nothing else changes.
    mech = carbon_ledger(inputs, mechanism_exported_kwh=300_000, **kw)
    assert mech["mechanism_mwh"].tolist() == pytest.approx([300.0, 300.0])
    assert mech["certificates_tradable"].tolist() == [200, 201]
    assert mech["certificate_revenue"].iloc[0] == pytest.approx(200 * 5.15)
    assert (mech["certificates_non_tradable"] == led["certificates_non_tradable"]).all()
    # A 2-year contract on the same share: the third year's exports earn tradable ones again.
    three = carbon_ledger(inputs, mechanism_exported_kwh=300_000, mechanism_years=2,
                          **{**kw, "years": 3})
    assert three["mechanism_mwh"].tolist() == pytest.approx([300.0, 300.0, 0.0])
    # Tradable MWh cumulative 200.9, 401.8, 902.7 -> 200, 401, 902 -> 200, 201, 501.
    assert three["certificates_tradable"].tolist() == [200, 201, 501]
    # Retaining keeps all of them for the site, selling none.
    kept = carbon_ledger(inputs.model_copy(update={"certificates": "retain"}), **kw)
    assert kept["certificate_revenue"].sum() == 0
    assert kept["scope2_claimed_mwh"].tolist() == total.tolist()
    assert np.all(led["scope2_claimed_mwh"] == 0)


# --------------------------------------------------------------------------- reference plant
def test_reference_plant_implies_068_and_the_east_china_combined_margin():
    # 1,500 t / 2,210 MWh = 0.679 tCO2/MWh.
    assert implied_factor_tco2_per_mwh(1500.0, 2210.0) == pytest.approx(0.679, abs=5e-4)
    assert implied_factor_tco2_per_mwh(1500.0, 2210.0) == pytest.approx(1500 / 2210, rel=1e-15)
    # No average factor for Zhejiang or East China gives it; the East China solar combined
    # margin (0.75 x 0.7921 + 0.25 x 0.3870 = 0.6908, 2019 table) is the closest.
    nearest = closest_factors(1500 / 2210, "Zhejiang", 3)
    assert nearest[0].id == "cn-east-2019-cm-solar"
    assert all(f.kind != "location_average" for f in nearest[:1])
    ref = reference_plant_comparison(0.4974)
    assert ref is not None
    assert ref["generation_mwh"] == 2210 and ref["avoided_tco2"] == 1500
    assert ref["closest_factor"]["kind"] == "combined_margin"
    assert ref["closest_avoided_tco2"] == pytest.approx(1527, abs=0.5)  # audit: 1,527 t
    assert ref["plan_factor_avoided_tco2"] == pytest.approx(1099, abs=0.5)  # Zhejiang 2023
    national = reference_plant_comparison(0.5306)
    assert national is not None
    assert national["plan_factor_avoided_tco2"] == pytest.approx(1173, abs=0.5)
    with pytest.raises(PlannerInputError, match="generation"):
        implied_factor_tco2_per_mwh(1500.0, 0.0)


def test_the_reference_plant_is_compared_only_for_a_site_in_its_province():
    """A plant quoted in Zhejiang (its figure, its factors) is for a Zhejiang reader only:
    a Guangdong or foreign site's plan carries no comparison (nor its proposal)."""
    assert reference_plant_comparison(0.4974, site_province="浙江省") is not None
    assert reference_plant_comparison(0.4974, site_province="Zhejiang") is not None
    assert reference_plant_comparison(0.4, site_province="Guangdong") is None
    assert reference_plant_comparison(0.4, site_province="") is None


def test_no_proposal_has_a_reference_plant_paragraph():
    """The reference plant is the platform's, not the customer's: Result.carbon keeps its
    comparison (Zhejiang's) for analysts, no proposal states it."""
    import copy

    import pvplanner
    from pvplanner.report.content import build_proposal
    from pvplanner.scenario.model import demo_scenario

    data = copy.deepcopy(demo_scenario().model_dump(mode="json"))
    data["site"].update(province="Guangdong", city="Guangzhou", latitude=23.13,
                        longitude=113.26)
    data["tariff"]["preset"] = None
    result = pvplanner.plan(data, with_npv_curve=False, with_sensitivity=False)
    assert result.carbon.reference_plant is None
    text = repr(build_proposal(result, "en"))
    assert "reference plant" not in text.lower()
    home = pvplanner.plan(demo_scenario(), with_npv_curve=False, with_sensitivity=False)
    assert home.carbon.reference_plant is not None  # Zhejiang's, in the Result
    assert "reference plant" not in repr(build_proposal(home, "en")).lower()
