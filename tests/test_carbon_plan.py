"""Carbon per Chinese rules in a plan: the factor follows the site, the avoided CO2 and the
certificates are split, the assumptions and the proposal say so (issue 13 item 6)."""

import math

import pytest

import pvplanner
from pvplanner.pipeline import prepare
from pvplanner.report.content import build_proposal


@pytest.fixture(scope="module")
def demo():
    return pvplanner.demo_scenario()


@pytest.fixture(scope="module")
def demo_result(demo):
    return pvplanner.plan(demo, with_npv_curve=False)


def _moved(scenario, **site):
    return scenario.model_copy(update={"site": scenario.site.model_copy(update=site)})


def test_demo_uses_zhejiangs_2023_provincial_factor(demo, demo_result):
    assert demo.carbon.location_factor_id is None  # the demo names no factor
    c = demo_result.carbon
    assert c.emission_factor_tco2_per_mwh == 0.4974
    assert c.emission_factor_basis == "province"
    row = demo_result.assumption("carbon.location_factor")
    assert row.value == 0.4974 and row.status == "official" and row.date == "2023"
    assert row.source.startswith("province default") and "Zhejiang" in row.source


def test_moving_the_demo_to_suzhou_gives_jiangsus_factor(demo):
    suzhou = pvplanner.plan(_moved(demo, province="Jiangsu", city="Suzhou"),
                            with_npv_curve=False)
    c = suzhou.carbon
    assert c.emission_factor_tco2_per_mwh == 0.5827
    assert suzhou.assumption("carbon.location_factor").value == 0.5827
    assert "Jiangsu" in suzhou.assumption("carbon.location_factor").source
    e = suzhou.energy
    assert c.avoided_tco2_year1 == pytest.approx(
        (e.self_consumed_kwh + e.exported_kwh) / 1000 * 0.5827, rel=1e-9)


def test_a_named_factor_and_an_unknown_province(demo):
    named = demo.model_copy(update={"carbon": demo.carbon.model_copy(
        update={"location_factor_id": "cn-national-2023-average"})})
    assert prepare(_moved(named, province="Jiangsu")).emission_factor.factor_tco2_per_mwh \
        == 0.5306
    assert prepare(_preset(_moved(demo, province="Atlantis"))).emission_factor.id == \
        "cn-national-2023-average"


def _preset(scenario, preset="zhejiang_2026_large_industry"):
    """The scenario with its tariff named (not the site province's)."""
    return scenario.model_copy(update={
        "tariff": scenario.tariff.model_copy(update={"preset": preset})})


@pytest.mark.parametrize("province", ["浙江省", "浙江", "Zhejiang Province", " zhejiang "])
def test_a_province_written_as_users_write_it_gets_its_own_factor(demo, province):
    """"浙江省" had fallen back to the national factor (0.5306) while the tariff, which reads
    province names through the same table, was Zhejiang's."""
    prepared = prepare(_moved(demo, province=province))
    assert prepared.emission_factor.id == "cn-zhejiang-2023-average"
    assert prepared.tariff.region == "Zhejiang"


def test_a_site_without_a_province_counts_co2_with_the_province_its_tariff_follows(demo):
    """A site in Hangzhou given by its coordinates: the tariff is Zhejiang's (nearest city),
    so is the emission factor, and one note says both."""
    prepared = prepare(_moved(demo, province=None, city=None))
    assert prepared.tariff.region == "Zhejiang"
    assert prepared.emission_factor.id == "cn-zhejiang-2023-average"
    placed = [n for n in prepared.tariff_notes
              if getattr(n, "key", "") == "notes.tariff.province_from_city"]
    assert len(placed) == 1 and "tariff and grid emission factor are used" in placed[0]
    # A named tariff: the factor alone follows the nearest city, with a note of its own.
    prepared = prepare(_preset(_moved(demo, province=None, city=None)))
    assert prepared.emission_factor.id == "cn-zhejiang-2023-average"
    assert [n.key for n in prepared.load_notes
            if getattr(n, "key", "").startswith("notes.carbon.location")] == \
        ["notes.carbon.location.province_from_city"]
    # Outside China nothing is placed: the national default of the table, as before.
    abroad = prepare(_preset(_moved(demo, province=None, city=None, country="DE")))
    assert abroad.emission_factor.id == "cn-national-2023-average"


def test_avoided_co2_split_adds_up_and_only_self_consumed_lowers_scope2(demo_result):
    c, e = demo_result.carbon, demo_result.energy
    f = c.emission_factor_tco2_per_mwh
    assert c.avoided_tco2_self_consumed_year1 + c.avoided_tco2_exported_year1 == \
        pytest.approx(c.avoided_tco2_year1, rel=1e-12)
    assert c.avoided_tco2_self_consumed_year1 == pytest.approx(
        e.self_consumed_kwh / 1000 * f, rel=1e-9)
    assert c.avoided_tco2_exported_year1 == pytest.approx(e.exported_kwh / 1000 * f, rel=1e-9)
    assert c.location_scope2_lowered_by == "self_consumed"
    if demo_result.battery.energy_kwh == 0:
        # Without a battery, the location-based Scope 2 falls by exactly the self-consumed
        # part: exported power does not lower it.
        assert c.scope2["location_reduction_tco2"] == pytest.approx(
            c.avoided_tco2_self_consumed_year1, rel=1e-9)
    data = demo_result.to_dict()["carbon"]
    for key in ("avoided_tco2_year1", "avoided_tco2_self_consumed_year1",
                "avoided_tco2_exported_year1", "certificates_year1",
                "certificates_tradable_year1", "certificates_non_tradable_year1"):
        assert key in data, key


def test_certificates_split_adds_up(demo_result):
    c, e = demo_result.carbon, demo_result.energy
    assert c.certificates_tradable_year1 + c.certificates_non_tradable_year1 == \
        c.certificates_year1
    assert c.certificates_non_tradable_year1 == math.floor(e.self_consumed_kwh / 1000 + 1e-9)
    assert c.certificates_tradable_year1 == math.floor(e.exported_kwh / 1000 + 1e-9)
    ledger = demo_result.carbon_ledger
    assert (ledger["certificates_issued"] == ledger["certificates_tradable"]
            + ledger["certificates_non_tradable"]).all()


def test_exports_under_a_mechanism_contract_earn_no_certificate(demo):
    from pvplanner.tariff.model import ExportPolicy

    policy = ExportPolicy(kind="market", price_per_kwh=0.25, mechanism_price_per_kwh=0.35,
                          mechanism_share=0.8, mechanism_years=10)
    tariff = demo.tariff.model_copy(update={"export": policy})
    result = pvplanner.plan(demo.model_copy(update={"tariff": tariff}), with_npv_curve=False)
    ledger, e = result.carbon_ledger, result.energy
    assert ledger.loc[1, "mechanism_mwh"] == pytest.approx(0.8 * e.exported_kwh / 1000)
    assert (ledger.loc[11:, "mechanism_mwh"] == 0).all()  # the contract ran 10 years
    assert result.carbon.certificates_tradable_year1 == math.floor(
        0.2 * e.exported_kwh / 1000 + 1e-9)
    assert result.carbon.certificates_non_tradable_year1 == math.floor(
        e.self_consumed_kwh / 1000 + 1e-9)


def test_lifetime_figure_declines_with_the_derived_rate(demo, demo_result):
    row = demo_result.assumption("carbon.grid_factor_decline_percent_per_year")
    assert row.value == 2.38 and row.status == "derived" and "0.5568" in row.source
    ledger, flow = demo_result.carbon_ledger, demo_result.cash_flow
    ratio = ledger.loc[2, "avoided_tco2"] / ledger.loc[1, "avoided_tco2"]
    degradation = flow.loc[2, "degradation_factor"] / flow.loc[1, "degradation_factor"]
    assert ratio == pytest.approx(degradation * (1 - 0.0238), rel=1e-9)
    # The user's 0 is kept and stated as the user's.
    constant = demo.model_copy(update={"carbon": demo.carbon.model_copy(
        update={"grid_factor_decline_percent_per_year": 0.0})})
    flat = pvplanner.plan(constant, with_npv_curve=False)
    row = flat.assumption("carbon.grid_factor_decline_percent_per_year")
    assert row.value == 0.0 and row.status == "user"
    assert flat.carbon.avoided_tco2_lifetime > demo_result.carbon.avoided_tco2_lifetime


@pytest.mark.parametrize("lang, words", [
    ("en", ("does not lower the company's location-based Scope 2", "non-tradable",
            "Province default")),
    ("zh", ("不降低企业基于位置的范围二排放", "不可交易绿证", "按厂址所在省份取最新省级数据",
            "省级电网平均排放因子")),
])
def test_proposal_states_the_split_but_no_other_plant(demo_result, lang, words):
    """The carbon section states how the customer's own avoided CO2 splits; the platform's
    reference plant (2.21 GWh, 1,500 t, implying 0.68 tCO2/MWh) is not the customer's and
    stays out of its proposal (Result.carbon.reference_plant keeps it for analysts)."""
    section = build_proposal(demo_result, lang).section("carbon")
    text = "\n".join(str(getattr(block, "text", "")) for block in section.blocks)
    for word in words:
        assert word in text, word
    assert "0.68 tCO2/MWh" not in text and demo_result.carbon.reference_plant


def test_a_credit_scheme_is_checked_against_the_sites_own_province():
    """The plan checks a credit scheme's area against the site (the demo is in Zhejiang): the
    Wuhan scheme earns nothing there, though the scenario's carbon inputs name no province."""
    import pvplanner
    from pvplanner.scenario.model import demo_scenario

    scenario = demo_scenario()
    assert scenario.carbon.site_province is None and scenario.site.province
    scenario = scenario.model_copy(update={"carbon": scenario.carbon.model_copy(update={
        "certificates": "none", "credit_scheme_ids": ["wuhan-carbon-inclusion"],
        "credit_price_per_tco2": 40.0})})
    result = pvplanner.plan(scenario, with_npv_curve=False)
    assert result.carbon.credits_tco2_year1 == 0
    assert "Hubei" in str(result.carbon_ledger["credit_status"].iloc[0])


def test_a_certificate_without_a_reference_price_is_said_not_crashed_on(demo):
    """I-REC (no new devices in China since 2024-09-13) has no price in the table: keeping
    its certificates needs none, selling them asks for the override; the plan's record of
    its inputs had failed on float('') (an internal error in the app and the CLI)."""
    from pvplanner.display.messages import render
    from pvplanner.errors import PlannerInputError

    def with_irec(mode):
        return demo.model_copy(update={"carbon": demo.carbon.model_copy(
            update={"certificate_price_id": "irec-china", "certificates": mode})})

    kept = pvplanner.plan(with_irec("retain"), with_npv_curve=False, with_sensitivity=False)
    row = kept.assumption("carbon.certificate_price")
    assert (row.value, row.value_zh) == ("none", "无参考价格")
    assert "2024-09-13" in row.source
    with pytest.raises(PlannerInputError) as info:
        pvplanner.plan(with_irec("sell"), with_npv_curve=False, with_sensitivity=False)
    assert info.value.field == "carbon.certificate_price_per_mwh"
    assert render(info.value.message, "en").endswith("set the certificate price override")
    assert render(info.value.message, "zh").endswith("自定义绿证价格")


def test_the_ledger_states_no_certificate_price_where_none_are_sold(demo_result):
    """Kept certificates have no sale price: the ledger said 0 beside the assumptions'
    reference price of 5.15 per certificate."""
    ledger = demo_result.carbon_ledger
    kept = ledger["certificates_sold"] == 0
    assert kept.all() and ledger.loc[kept, "certificate_price"].isna().all()
    assert (ledger["certificate_revenue"] == 0).all()


def test_coordinates_next_to_a_city_of_another_province_are_pointed_out(demo):
    """Hangzhou's coordinates with the province Guangdong planned Guangdong's tariff and
    factor without a word (NPV 11.85 M against 4.53 M); the plan now says where the
    coordinates are and what the province given decides."""
    from pvplanner.display.messages import render

    prepared = prepare(_moved(demo, province="Guangdong", city=None))
    assert prepared.tariff.region == "Guangdong"  # the province given still decides
    said = [n for n in prepared.tariff_notes
            if getattr(n, "key", "") == "notes.tariff.province_elsewhere"]
    assert [render(n, "zh") for n in said] == [
        "厂址坐标距杭州（浙江）仅 10 公里，但填写的省份为广东：电价和电网排放因子按广东取值；请核对省份或坐标"]
    # The demo itself (Hangzhou, Zhejiang, however the province is written): no note.
    for province in ("Zhejiang", "浙江省"):
        notes = prepare(_moved(demo, province=province, city=None)).tariff_notes
        assert not [n for n in notes if getattr(n, "key", "") == "notes.tariff.province_elsewhere"]
