"""Product carbon footprint, electricity part (issue 17): kWh and kgCO2 per unit by hand,
the life-cycle footprint factor kept apart from the Scope 2 factors, and the plan's
``footprint`` before and after measures and PV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pvplanner
from pvplanner.carbon import load_emission_factors
from pvplanner.carbon.footprint import (
    StageEnergy,
    footprint_factor,
    footprint_factors,
    product_footprint,
)
from pvplanner.errors import PlannerInputError
from pvplanner.result import Result
from pvplanner.scenario.model import demo_scenario, parse_scenario

FACTOR = footprint_factor("cn-national-2024-footprint")
ZHEJIANG_2023 = 0.4974  # tCO2/MWh, Scope 2 location-based
RESIDUAL_2023 = 0.5942  # a residual-mix figure for the test (tCO2/MWh)


def _stages() -> dict[str, StageEnergy]:
    twelve = np.ones(12)
    return {
        "baseline": StageEnergy.grid_only(50_000.0 * twelve),
        "system": StageEnergy(load_kwh=50_000.0 * twelve, grid_kwh=30_000.0 * twelve,
                              self_consumed_kwh=20_000.0 * twelve,
                              exported_kwh=5_000.0 * twelve),
    }


def _footprint(certificates: str, units=(100.0,) * 12):
    return product_footprint(list(units), "t", _stages(), factor=FACTOR,
                             location_tco2_per_mwh=ZHEJIANG_2023,
                             residual_tco2_per_mwh=RESIDUAL_2023, certificates=certificates)


def test_the_2024_footprint_factor_is_a_life_cycle_figure_kept_apart():
    assert FACTOR.factor_kgco2e_per_kwh == 0.5777
    assert FACTOR.data_year == 2024 and FACTOR.published == "2025-10-23"
    assert FACTOR.status in ("official", "secondary") and "MEE" in FACTOR.source
    assert footprint_factor().id == FACTOR.id  # the latest is the default
    table = footprint_factors()
    assert set(table["basis"]) == {"life_cycle"}
    assert table["status"].isin(["official", "secondary", "unverified"]).all()
    assert (table.loc[table["status"] == "unverified", "note"].str.len() > 0).all()
    # Not a Scope 2 factor: it is not among the grid emission factors.
    scope2 = load_emission_factors()
    assert not set(table["id"]) & set(scope2["id"])
    assert not np.isclose(scope2["factor_tco2_per_mwh"].astype(float), 0.5777).any()


def test_per_unit_figures_by_hand():
    summary = _footprint("retain")
    baseline, system = summary.stages
    assert summary.annual_units == 1200.0 and summary.unit == "t"
    assert baseline["stage"] == "baseline" and system["stage"] == "system"
    # Baseline: 600,000 kWh / 1,200 t = 500 kWh/t, all from the grid.
    assert baseline["kwh_per_unit"] == pytest.approx(500.0)
    assert baseline["footprint_location_kgco2e_per_unit"] == pytest.approx(500.0 * 0.5777)
    assert baseline["scope2_location_kgco2_per_unit"] == pytest.approx(500.0 * 0.4974)
    assert baseline["scope2_market_kgco2_per_unit"] == pytest.approx(500.0 * 0.5942)
    # With PV: 360,000 kWh bought = 300 kWh/t; the product still uses 500 kWh/t.
    assert system["kwh_per_unit"] == pytest.approx(500.0)
    assert system["grid_kwh_per_unit"] == pytest.approx(300.0)
    assert system["footprint_location_kgco2e_per_unit"] == pytest.approx(300.0 * 0.5777)
    assert system["scope2_location_kgco2_per_unit"] == pytest.approx(300.0 * 0.4974)
    # Retained certificates of the 60,000 exported kWh cover as much of the purchases:
    # (360,000 - 60,000) kWh / 1,200 t = 250 kWh/t at each family's market factor.
    assert system["footprint_market_kgco2e_per_unit"] == pytest.approx(250.0 * 0.5777)
    assert system["scope2_market_kgco2_per_unit"] == pytest.approx(250.0 * 0.5942)


def test_sold_certificates_leave_the_self_consumed_pv_at_the_market_factor():
    system = _footprint("sell").stages[1]
    # (360,000 bought + 240,000 self-consumed) / 1,200 t = 500 kWh/t at the market factor.
    assert system["footprint_market_kgco2e_per_unit"] == pytest.approx(500.0 * 0.5777)
    assert system["scope2_market_kgco2_per_unit"] == pytest.approx(500.0 * 0.5942)
    # Location-based figures do not depend on certificates.
    assert system["footprint_location_kgco2e_per_unit"] == pytest.approx(300.0 * 0.5777)


def test_monthly_per_unit_and_a_month_without_production():
    units = [100.0] * 12
    units[1] = 0.0  # February: shut for the Spring Festival
    units[6] = 50.0
    summary = _footprint("none", units)
    monthly = pd.DataFrame(summary.monthly)
    base = monthly[monthly["stage"] == "baseline"].set_index("month")
    assert base.loc[1, "kwh_per_unit"] == pytest.approx(500.0)
    assert base.loc[7, "kwh_per_unit"] == pytest.approx(1000.0)
    assert base.loc[2, "kwh_per_unit"] is None or np.isnan(base.loc[2, "kwh_per_unit"])
    # The year divides the year's kWh by the year's units, not a mean of months.
    assert summary.stages[0]["kwh_per_unit"] == pytest.approx(600_000.0 / 1050.0)


def test_bad_production_is_named():
    with pytest.raises(PlannerInputError, match="12") as short:
        product_footprint([1.0] * 11, "t", _stages(), factor=FACTOR,
                          location_tco2_per_mwh=0.5, residual_tco2_per_mwh=0.6,
                          certificates="none")
    assert short.value.field == "production.monthly_units"
    with pytest.raises(PlannerInputError, match="known ids"):
        footprint_factor("cn-2099-footprint")
    data = demo_scenario().model_dump(mode="json")
    data["production"] = {"unit": "t", "monthly_units": [5.0] * 11 + [-1.0]}
    with pytest.raises(PlannerInputError, match="production.monthly_units"):
        parse_scenario(data)


def test_the_plan_reports_the_footprint_before_and_after_measures_and_pv():
    data = demo_scenario().model_dump(mode="json")
    data["measures"] = [{"id": "compressed_air_leaks", "end_use_share": 0.2}]
    data["production"] = {"unit": "t", "monthly_units": [400.0] * 6 + [600.0] * 6}
    result = pvplanner.plan(parse_scenario(data), with_npv_curve=False)
    fp = result.footprint
    assert fp is not None and fp.annual_units == 6000.0
    stages = {row["stage"]: row for row in fp.stages}
    assert list(stages) == ["baseline", "measures", "system"]
    combined = result.measures_combined
    assert stages["baseline"]["kwh_per_unit"] == pytest.approx(
        combined.load_baseline_kwh / 6000.0, rel=1e-9)
    assert stages["measures"]["kwh_per_unit"] == pytest.approx(
        combined.load_after_measures_kwh / 6000.0, rel=1e-9)
    assert stages["measures"]["kwh_per_unit"] < stages["baseline"]["kwh_per_unit"]
    assert stages["system"]["grid_kwh_per_unit"] == pytest.approx(
        result.energy.imported_kwh / 6000.0, rel=1e-6)
    # The Scope 2 figures per unit are the plan's Scope 2 divided by the units.
    scope2 = result.carbon.scope2
    assert stages["system"]["scope2_location_kgco2_per_unit"] * 6000.0 / 1000.0 == \
        pytest.approx(scope2["location_after_tco2"], rel=1e-6)
    assert stages["system"]["scope2_market_kgco2_per_unit"] * 6000.0 / 1000.0 == \
        pytest.approx(scope2["market_after_tco2"], rel=1e-6)
    assert stages["system"]["footprint_location_kgco2e_per_unit"] == pytest.approx(
        stages["system"]["grid_kwh_per_unit"] * 0.5777, rel=1e-9)
    again = Result.from_dict(result.to_dict())
    assert again.footprint == fp and again.measures == result.measures
    assert result.to_dict()["footprint"]["factor_kgco2e_per_kwh"] == 0.5777


def test_the_proposal_has_the_measures_section_and_the_footprint_table():
    from pvplanner.report.content import build_proposal

    data = demo_scenario().model_dump(mode="json")
    data["measures"] = [{"id": "led_lighting"}]
    data["production"] = {"unit": "件", "monthly_units": [20_000.0] * 12}
    result = pvplanner.plan(parse_scenario(data), with_npv_curve=False)
    for lang, title, unit in (("zh", "节能措施", "千克二氧化碳当量/件"),
                              ("en", "Saving measures", "kgCO2e/件")):
        proposal = build_proposal(result, lang)
        keys = [s.key for s in proposal.sections]
        assert keys.index("measures") == keys.index("carbon") - 1
        section = proposal.section("measures")
        assert section.title == title
        table = section.blocks[1]
        assert table.rows[0][1] == f"{result.measures[0].kwh_saved_per_year:,.0f}"
        carbon = proposal.section("carbon")
        footprint = [b for b in carbon.blocks if getattr(b, "header", None)
                     and unit in " ".join(b.header)]
        assert len(footprint) == 1 and len(footprint[0].rows) == 3
        assert "0.5777" in footprint[0].note
    plain = pvplanner.plan(demo_scenario(), with_npv_curve=False)
    assert "measures" not in [s.key for s in build_proposal(plain, "en").sections]
    assert plain.measures == [] and plain.measures_combined is None and plain.footprint is None
