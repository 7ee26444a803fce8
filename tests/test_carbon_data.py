"""The carbon data tables: every row has a source, a date or year and a status, and the
figures the references give are the figures in data/."""

import pytest

from pvplanner.carbon import (
    carbon_asset,
    carbon_defaults,
    emission_factor,
    load_carbon_assets,
    load_emission_factors,
)

STATUSES = {"official", "secondary", "unverified"}


def test_every_emission_factor_row_has_source_year_and_status():
    table = load_emission_factors()
    for row in table.itertuples():
        assert row.source.strip(), row.id
        assert row.data_year is not None and 1990 < int(row.data_year) < 2100, row.id
        assert row.status in STATUSES, row.id
        if row.status == "unverified":
            assert row.note.strip(), f"{row.id}: an unverified row says what to verify"


def test_every_asset_row_has_source_date_and_status():
    assets = load_carbon_assets()
    for row in assets.to_dict(orient="records"):
        assert row["source"].strip(), row["id"]
        assert row["status"] in STATUSES, row["id"]
        dated = row["price_date"].strip() or row["source_date"].strip()
        # A row without any date must be unverified and say why.
        assert dated or (row["status"] == "unverified" and "not found" in row["note"]), \
            row["id"]
        if row["price"].strip():
            assert row["price_date"].strip(), f"{row['id']}: a price needs its date"


@pytest.mark.parametrize("factor_id, value", [
    ("cn-zhejiang-2023-average", 0.4974),
    ("cn-jiangsu-2023-average", 0.5827),
    ("cn-guangdong-2023-average", 0.4419),
    ("cn-national-2023-average", 0.5306),
])
def test_2023_factors_of_announcement_47_are_official(factor_id, value):
    factor = emission_factor(factor_id)
    assert factor.factor_tco2_per_mwh == value
    assert factor.status == "official"
    assert factor.data_year == 2023
    assert "公告2025年第47号" in factor.source


@pytest.mark.parametrize("asset_id, price, month", [
    ("gec-2025-04", 2.31, "2025-04"),
    ("gec-2025-09", 4.99, "2025-09"),
    ("gec-2025-11-vintage-2024", 4.28, "2025-11"),
    ("gec-2025-11-vintage-2025", 5.16, "2025-11"),
    ("gec-2025-12-vintage-2024", 1.12, "2025-12"),
    ("gec-2025-12-vintage-2025", 5.15, "2025-12"),
])
def test_gec_prices_of_2025_from_the_nea_releases(asset_id, price, month):
    row = carbon_asset(asset_id)
    assert float(row["price"]) == price
    assert row["price_date"] == month
    assert "NEA monthly GEC release" in row["source"]
    assert row["status"] == "official"


def test_defaults_cite_the_certificate_rules_and_the_latest_price():
    defaults = carbon_defaults()
    kinds = defaults["certificate_kinds"]
    assert (kinds["self_consumed"], kinds["exported"], kinds["mechanism"]) == (
        "non_tradable", "tradable", "none")
    assert "67号" in kinds["source"] and "136号" in kinds["source"]
    assert defaults["certificate_price_id"]["value"] == "gec-2025-12-vintage-2025"
    for name, entry in defaults.items():
        assert entry.get("source"), name
        assert entry.get("status") in STATUSES | {"derived", "model"}, name
        assert entry.get("year") or entry.get("date"), name
        # A modelling choice reads as one (模型设定), never as a secondary source.
        assert (entry.get("status") == "model") == entry["source"].startswith(
            "Modelling choice"), name
    assert defaults["certificates"]["status"] == "model"
