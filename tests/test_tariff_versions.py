"""Tariff presets as dated, versioned component tables (pvplanner.tariff.versions / build).

Expected figures come from the references, not from the code:
/work/shared/reference/china-pv-policy-2026.md (§4.2 1077号 tables, §4.3 monthly tables, §5 TOU
rules) and tariff-audit-2026-12.md (the audit of data/ these tests guard).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from pvplanner.errors import TariffError
from pvplanner.holidays import day_types
from pvplanner.tariff import (
    TariffOptions,
    list_tariff_presets,
    load_tariff_preset,
    preset_versions,
    price_parts,
    price_series,
    resolve_tariff,
    select_tariff_version,
    tariff_periods,
)
from pvplanner.tariff import versions as versions_module
from weather.datafiles import data_path
from weather.timeaxis import typical_year_index

STATUSES = {"official", "secondary", "unverified"}
PRESETS = sorted(p.stem for p in data_path("tariffs").glob("*.toml"))


@pytest.fixture(scope="module")
def hourly():
    return typical_year_index(8, 60)


def _price(tariff, period: str) -> float:
    prices = price_series(tariff, typical_year_index(8, 60))
    return float(prices.loc[prices["period"] == period, "import_price_per_kwh"].iloc[0])


# --------------------------------------------------------------------------- data check


def _rows(data: dict) -> list[tuple[str, dict]]:
    rows = [(name, data[name]) for name in ("eligibility", "hours", "ratios", "floating")]
    for name in ("overrides", "ratio_variants", "components", "basic_charges"):
        rows += [(f"{name}[{i}]", row) for i, row in enumerate(data.get(name, []))]
    return rows


@pytest.mark.parametrize("preset_id", PRESETS)
def test_every_row_has_source_date_validity_and_status(preset_id):
    data = tomllib.loads(data_path("tariffs", f"{preset_id}.toml").read_text(encoding="utf-8"))
    # No price outside the component table (the old flat 'prices' block is gone).
    assert {"prices", "demand_charges", "capacity_charge", "seasons"}.isdisjoint(data)
    rows = _rows(data)
    assert any(name.startswith("components") for name, _ in rows)
    for name, row in rows:
        where = f"{preset_id}: {name}"
        assert isinstance(row.get("source"), str) and row["source"].strip(), where
        assert isinstance(row.get("date"), dt.date), where
        assert isinstance(row.get("valid_from"), dt.date), where
        if "valid_until" in row:
            assert isinstance(row["valid_until"], dt.date), where
            assert row["valid_until"] >= row["valid_from"], where
        assert row.get("status") in STATUSES, where
        if row["status"] == "unverified":
            assert len(row.get("unverified_reason", "").strip()) > 10, where
    # Every value of the table is a row of its own: each component or charge has one number.
    for name, row in rows:
        if name.startswith(("components", "basic_charges")):
            numbers = [k for k in ("value_per_kwh", "rate_of_purchase", "value") if k in row]
            assert len(numbers) == 1, f"{preset_id}: {name}"


@pytest.mark.parametrize("preset_id", PRESETS)
def test_versions_cover_the_preset_life_without_gaps(preset_id):
    versions = preset_versions(preset_id)
    assert versions[0].effective_from == versions[0].preset.effective_from
    for before, after in zip(versions, versions[1:], strict=False):
        assert after.effective_from == before.effective_until + dt.timedelta(days=1)
    assert versions[-1].effective_until == versions[-1].preset.effective_until
    for version in versions:
        assert version.status in STATUSES
        assert version.sources and all(version.sources)
        # The weakest row decides; an unverified version says why.
        assert (version.status == "unverified") == bool(version.unverified)


def test_list_describes_the_latest_version():
    table = list_tariff_presets().set_index("id")
    assert table.loc["zhejiang_2026_large_industry", "version"] == "2026-08-01"
    assert table.loc["zhejiang_2024_large_industry", "effective_until"] == "2026-06-30"
    assert table.loc["zhejiang_2026_large_industry", "tariff_form"] == "two_part"
    assert table.loc["zhejiang_2026_large_industry", "flat_per_kwh"] == pytest.approx(0.67944)


# --------------------------------------------------------------------------- price levels


def test_zhejiang_2026_flat_price_is_the_sum_of_its_components():
    version = select_tariff_version("zhejiang_2026_large_industry", dt.date(2026, 9, 1))
    parts = price_parts(version)
    # Reference §4.2 / §4.3: floating base about 0.5252 (2025-11 components), T&D 1-10 kV
    # two-part 0.1250 (1077号), government funds 0.02924.
    assert parts.components == pytest.approx(
        {"purchase": 0.5252, "transmission": 0.1250, "funds": 0.02924})
    assert parts.flat_per_kwh == pytest.approx(sum(parts.components.values()), rel=1e-12)
    tariff = load_tariff_preset("zhejiang_2026_large_industry", dt.date(2026, 9, 1))
    assert _price(tariff, "flat") == pytest.approx(0.5252 + 0.1250 + 0.02924, rel=1e-12)
    # The audit: about 0.680 from State Grid's components (was 0.62).
    assert _price(tariff, "flat") == pytest.approx(0.680, abs=0.002)
    # 112号: only energy + line loss + system operation float; T&D and funds are fixed.
    assert tariff.prices.fixed_part_per_kwh == pytest.approx(0.1250 + 0.02924)
    assert _price(tariff, "valley") == pytest.approx(0.15424 + 0.4 * 0.5252)
    assert _price(tariff, "sharp") == pytest.approx(0.15424 + 2.05 * 0.5252)


def test_jiangsu_only_the_purchase_price_floats_october_2026_table():
    tariff = load_tariff_preset("jiangsu_2025_large_industry", dt.date(2026, 10, 15))
    assert tariff.version == "2026-10-01"
    assert tariff.prices.floating_part_per_kwh == pytest.approx(0.3958)
    # State Grid Jiangsu, October 2026, two-part 1-10 kV (reference §4.3).
    assert _price(tariff, "flat") == pytest.approx(0.6400, abs=1e-4)
    assert _price(tariff, "valley") == pytest.approx(0.3828, abs=1e-4)
    assert _price(tariff, "peak") == pytest.approx(0.9566, abs=1e-4)


def test_guangdong_funds_do_not_float_shantou_september_2026_table():
    options = TariffOptions(zone="east_west_wings")
    tariff = load_tariff_preset("guangdong_2021_large_industry", dt.date(2026, 9, 15),
                                options=options)
    assert tariff.prices.fixed_part_per_kwh == pytest.approx(0.0277)  # funds only
    # CSG table, Shantou price zone, September 2026, two-part 1-10 kV (reference §4.3).
    expected = {"valley": 0.2635, "flat": 0.6483, "peak": 1.0827, "sharp": 1.3465}
    for period, price in expected.items():
        assert _price(tariff, period) == pytest.approx(price, abs=5e-5), period
    # The Pearl River Delta zone adds 0.0237 instead of -0.0580 to the floating part.
    delta = load_tariff_preset("guangdong_2021_large_industry", dt.date(2026, 9, 15))
    assert _price(delta, "flat") - _price(tariff, "flat") == pytest.approx(0.0237 + 0.0580)
    with pytest.raises(TariffError, match="pearl_river_delta") as info:
        load_tariff_preset("guangdong_2021_large_industry", options=TariffOptions(zone="xx"))
    assert info.value.field == "tariff.zone"


def test_zhejiang_2024_floats_the_whole_price():
    tariff = load_tariff_preset("zhejiang_2024_large_industry")
    assert tariff.prices.fixed_part_per_kwh == 0.0
    assert _price(tariff, "peak") / _price(tariff, "flat") == pytest.approx(1.65)
    assert _price(tariff, "valley") / _price(tariff, "flat") == pytest.approx(0.38)


def test_agency_price_multiplier_scales_the_purchase_price():
    base = select_tariff_version("jiangsu_2025_large_industry", dt.date(2026, 10, 15))
    normal, high = price_parts(base), price_parts(base, agency_price_multiplier=1.5)
    assert high.components["purchase"] == pytest.approx(1.5 * 0.3958)
    # The line loss is a rate of the purchase price; T&D and funds do not change.
    assert high.components["line_loss"] == pytest.approx(0.0283 * 1.5 * 0.3958)
    assert high.flat_per_kwh - normal.flat_per_kwh == pytest.approx(0.5 * 0.3958 * 1.0283)


# --------------------------------------------------------------------------- versions


def test_demand_charge_switches_on_2026_08_01():
    july = select_tariff_version("zhejiang_2026_large_industry", dt.date(2026, 7, 31))
    august = select_tariff_version("zhejiang_2026_large_industry", dt.date(2026, 8, 1))
    assert (july.version, august.version) == ("2026-07-01", "2026-08-01")
    assert july.effective_until == dt.date(2026, 7, 31)
    # 1077号 from 2026-08-01: Zhejiang 47.2 / 29.5 at 1-10 kV.
    assert august.basic_charge("demand").value == 47.2
    assert august.basic_charge("capacity").value == 29.5
    assert "1077" in august.basic_charge("demand").source
    assert august.basic_charge("demand").status == "secondary"
    # Before, the third-period value was not found: a stand-in that says so.
    assert july.basic_charge("demand").status == "unverified"
    assert "third" in july.basic_charge("demand").unverified_reason
    for province, demand, capacity in (("jiangsu", 51.2, 32.0), ("guangdong", 36.1, 22.6)):
        preset = {"jiangsu": "jiangsu_2025_large_industry",
                  "guangdong": "guangdong_2021_large_industry"}[province]
        new = select_tariff_version(preset, dt.date(2026, 8, 1))
        old = select_tariff_version(preset, dt.date(2026, 7, 31))
        assert new.version == "2026-08-01" and old.effective_until == dt.date(2026, 7, 31)
        assert (new.basic_charge("demand").value, new.basic_charge("capacity").value) == (
            demand, capacity)
        assert "1077" in new.basic_charge("demand").source
        assert "1077" not in old.basic_charge("demand").source.split("standing in")[-1]
    # Guangdong's third-period charge was found (Huizhou, February 2026).
    guangdong = select_tariff_version("guangdong_2021_large_industry", dt.date(2026, 2, 1))
    assert guangdong.basic_charge("demand").status == "secondary"
    assert "Huizhou" in guangdong.basic_charge("demand").source


def test_demand_charge_window_rate_follows_the_plan_date(hourly):
    for day, version in ((dt.date(2026, 7, 15), "2025-06-01"), (dt.date(2026, 8, 1), "2026-08-01")):
        tariff = load_tariff_preset("jiangsu_2025_large_industry", day)
        assert tariff.version == version
        assert tariff.demand_charges[0].status == (
            "unverified" if version == "2025-06-01" else "secondary")
        assert tariff.demand_charges[0].rate_per_kw_month == 51.2


def test_an_expired_preset_hands_over_to_its_successor():
    chosen = select_tariff_version("zhejiang_2024_large_industry", dt.date(2027, 1, 1))
    assert chosen.id == "zhejiang_2026_large_industry@2026-08-01"
    assert "not in force" in chosen.notes[0]
    back = select_tariff_version("zhejiang_2026_large_industry", dt.date(2025, 5, 1))
    assert back.preset_id == "zhejiang_2024_large_industry" and back.notes
    own = select_tariff_version("zhejiang_2024_large_industry", dt.date(2025, 5, 1))
    assert own.preset_id == "zhejiang_2024_large_industry" and not own.notes
    early = select_tariff_version("guangdong_2021_general_ci", dt.date(2020, 1, 1))
    assert early.version == "2021-10-01" and "no version" in early.notes[0]
    # load_tariff_preset names the successor it used.
    assert load_tariff_preset("zhejiang_2024_general_ci", dt.date(2026, 9, 1)).id == (
        "zhejiang_2026_general_ci")


def test_a_version_can_be_pinned():
    pinned = select_tariff_version("zhejiang_2026_large_industry", dt.date(2030, 1, 1),
                                   version="2026-07-01")
    assert pinned.version == "2026-07-01"
    with pytest.raises(TariffError, match="2026-07-01, 2026-08-01") as info:
        select_tariff_version("zhejiang_2026_large_industry", version="2026-09-01")
    assert info.value.field == "tariff.version"


# --------------------------------------------------------------------------- calendars


def test_jiangsu_general_ci_holiday_hour_is_not_deep_valley(hourly):
    national_day = "2026-10-01 11:00"  # a valley hour 10-14 on a statutory holiday
    general = tariff_periods(load_tariff_preset("jiangsu_2025_general_ci"), hourly)
    assert general.loc[national_day] == "valley"
    assert "deep_valley" not in set(general) and "sharp" not in set(general)
    large = tariff_periods(load_tariff_preset("jiangsu_2025_large_industry"), hourly)
    assert large.loc[national_day] == "deep_valley"
    cases = {
        TariffOptions(transformer_kva=400, industrial=True): "deep_valley",
        TariffOptions(transformer_kva=400, industrial=False): "valley",  # commercial
        TariffOptions(transformer_kva=200, industrial=True): "valley",  # below 315 kVA
    }
    for options, expected in cases.items():
        tariff = load_tariff_preset("jiangsu_2025_general_ci", options=options)
        assert tariff_periods(tariff, hourly).loc[national_day] == expected, options
    # A two-part user of 200 kVA has neither the sharp nor the deep valley.
    small = load_tariff_preset("jiangsu_2025_large_industry",
                               options=TariffOptions(transformer_kva=200))
    assert "sharp" not in set(tariff_periods(small, hourly))


def test_jiangsu_single_part_below_100_kva_peak_plus_60_percent():
    small = load_tariff_preset("jiangsu_2025_general_ci",
                               options=TariffOptions(transformer_kva=80))
    fixed, floating = small.prices.fixed_part_per_kwh, small.prices.floating_part_per_kwh
    assert _price(small, "peak") == pytest.approx(fixed + 1.6 * floating)
    big = load_tariff_preset("jiangsu_2025_general_ci")
    assert _price(big, "peak") == pytest.approx(fixed + 1.7 * floating)


def test_zhejiang_2024_holiday_deep_valley_10_to_14(hourly):
    periods = tariff_periods(load_tariff_preset("zhejiang_2024_large_industry"), hourly)
    days = day_types(hourly).groupby(hourly.normalize())["holiday_name"].first()
    festivals = days[days.isin(["Spring Festival", "Labour Day", "National Day"])].index
    deep = periods[periods == "deep_valley"]
    assert len(festivals) >= 15
    assert set(deep.index.normalize()) == set(festivals)
    assert len(deep) == 4 * len(festivals)
    assert set(deep.index.hour) == {10, 11, 12, 13}


def test_guangdong_hot_day_critical_peak_on_the_users_dates(hourly):
    hot = (dt.date(2026, 6, 10), dt.date(2026, 10, 3))
    tariff = load_tariff_preset("guangdong_2021_general_ci",
                                options=TariffOptions(critical_peak_dates=hot))
    periods = tariff_periods(tariff, hourly)
    for day in ("2026-06-10", "2026-10-03"):
        assert periods.loc[day][periods.loc[day] == "sharp"].index.hour.tolist() == [11, 15, 16]
    assert "sharp" not in set(periods.loc["2026-06-11"])
    plain = tariff_periods(load_tariff_preset("guangdong_2021_general_ci"), hourly)
    assert "sharp" not in set(plain.loc["2026-06-10"])
    assert plain.loc["2026-08-05 11:00"] == "sharp"  # July-September anyway
    resolved = resolve_tariff(SimpleNamespace(preset="guangdong_2021_general_ci", custom=None,
                                              bill=None))
    told = [note for note in resolved.notes
            if getattr(note, "key", "") == "notes.tariff.override_not_applied"]
    assert [note.params["why"].key for note in told] == ["notes.tariff.override_no_dates"]
    assert "hot-day critical peak" in str(told[0])


def test_eligibility_by_transformer_size():
    with pytest.raises(TariffError, match="100 kVA") as info:
        load_tariff_preset("zhejiang_2026_large_industry",
                           options=TariffOptions(transformer_kva=80))
    assert info.value.field == "tariff.transformer_kva"
    big = resolve_tariff(SimpleNamespace(preset="zhejiang_2026_general_ci", custom=None,
                                         bill=None, transformer_kva=500))
    assert any("two-part" in note for note in big.notes)
    capacity = load_tariff_preset("zhejiang_2026_large_industry", options=TariffOptions(
        transformer_kva=800, basic_charge_basis="capacity"))
    assert capacity.basic_charge_basis == "capacity"
    assert capacity.capacity_charge.contracted_kva == 800
    with pytest.raises(TariffError, match="transformer_kva"):
        load_tariff_preset("zhejiang_2026_large_industry",
                           options=TariffOptions(basic_charge_basis="capacity"))


# --------------------------------------------------------------------------- the record


def test_resolved_tariff_states_version_components_and_status():
    choice = SimpleNamespace(preset="zhejiang_2026_large_industry", custom=None, bill=None)
    resolved = resolve_tariff(choice, dt.date(2027, 1, 1))
    assert resolved.tariff.version == "2026-08-01" and resolved.origin == "preset"
    rows = {row["item"]: row for row in resolved.assumption_rows()}
    version = rows["tariff.version"]
    assert version["value"] == "zhejiang_2026_large_industry@2026-08-01"
    assert version["date"] == "2026-08-01/" and version["status"] == "unverified"
    assert version["value_zh"].startswith("浙江大工业")
    assert rows["tariff.component.transmission"]["value"] == 0.1250
    assert rows["tariff.component.transmission"]["status"] == "secondary"
    assert "unverified:" in rows["tariff.component.purchase"]["source"]
    assert rows["tariff.flat_per_kwh"]["value"] == pytest.approx(0.67944)
    assert rows["tariff.demand_charge"]["value"] == 47.2
    assert {row["category"] for row in rows.values()} == {"tariff"}
    assert all(set(row) == {"category", "item", "value", "unit", "source", "date", "status",
                            "value_zh"} for row in rows.values())


def test_the_demo_plans_on_zhejiang_2026_large_industry_from_2026_08_01():
    from pvplanner.pipeline import scenario_tariff
    from pvplanner.scenario.model import demo_scenario

    tariff = scenario_tariff(demo_scenario())
    assert (tariff.id, tariff.version) == ("zhejiang_2026_large_industry", "2026-08-01")
    assert tariff.demand_charges[0].rate_per_kw_month == 47.2


# --------------------------------------------------------------------------- broken files


@pytest.fixture
def preset_dir(tmp_path, monkeypatch):
    def clear():
        for fn in (versions_module.preset_ids, versions_module.preset_file,
                   versions_module.preset_versions):
            fn.cache_clear()

    monkeypatch.setattr(versions_module, "_preset_dir", lambda: tmp_path)
    clear()
    yield tmp_path
    monkeypatch.undo()
    clear()


def _write(folder, text: str, preset_id: str = "zhejiang_2026_large_industry"):
    (folder / f"{preset_id}.toml").write_text(text, encoding="utf-8")


def _original() -> str:
    return data_path("tariffs", "zhejiang_2026_large_industry.toml").read_text(encoding="utf-8")


def test_an_unverified_row_without_a_reason_is_refused(preset_dir):
    lines = _original().splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("unverified_reason"))
    _write(preset_dir, "".join(lines[:first] + lines[first + 1:]))
    with pytest.raises(TariffError, match="unverified_reason") as info:
        select_tariff_version("zhejiang_2026_large_industry")
    assert "zhejiang_2026_large_industry.toml" in str(info.value)


def test_a_preset_broken_by_an_edit_is_named_as_a_data_file(preset_dir):
    """A preset file broken by an edit, saved in another encoding or replaced by a folder:
    named data/tariffs/<id>.toml (never the server's path), what is wrong in words."""
    from pvplanner.display.messages import render

    _write(preset_dir, _original().replace('status = "secondary"', 'status = secondary', 1))
    with pytest.raises(TariffError) as info:
        preset_versions("zhejiang_2026_large_industry")
    zh = render(info.value.message, "zh")
    assert zh.startswith("data/tariffs/zhejiang_2026_large_industry.toml 不是有效的 TOML 文件：第 ")
    assert "此处应为一个值" in zh and str(preset_dir) not in zh, zh
    versions_module.preset_file.cache_clear()
    versions_module.preset_versions.cache_clear()
    (preset_dir / "zhejiang_2026_large_industry.toml").write_bytes("名 = 1".encode("gbk"))
    with pytest.raises(TariffError) as info:
        preset_versions("zhejiang_2026_large_industry")
    assert "is not UTF-8 text" in render(info.value.message, "en")


def test_a_day_without_a_component_is_refused(preset_dir):
    # End the fourth-period T&D row in 2027: from 2028 no transmission row holds.
    text = _original().replace(
        'valid_from = 2026-08-01\nstatus = "secondary"\n\n[[components]]\nkey = "funds"',
        'valid_from = 2026-08-01\nvalid_until = 2027-12-31\nstatus = "secondary"\n\n'
        '[[components]]\nkey = "funds"', 1)
    assert text != _original()
    _write(preset_dir, text)
    with pytest.raises(TariffError, match=r"2028-01-01/.*transmission"):
        preset_versions("zhejiang_2026_large_industry")


def test_two_rows_of_one_component_on_a_day_are_refused(preset_dir):
    text = _original().replace("valid_until = 2026-07-31\n", "", 1)  # T&D rows overlap
    _write(preset_dir, text)
    with pytest.raises(TariffError, match="transmission"):
        preset_versions("zhejiang_2026_large_industry")


def test_unknown_preset_lists_the_valid_ids():
    with pytest.raises(TariffError, match="zhejiang_2026_large_industry") as info:
        select_tariff_version("zhejiang_2099")
    assert info.value.field == "tariff.preset"


def test_every_preset_prices_a_year(hourly):
    for preset_id in PRESETS:
        prices = price_series(load_tariff_preset(preset_id), hourly)
        assert np.isfinite(prices["import_price_per_kwh"]).all(), preset_id
        assert (prices["import_price_per_kwh"] > 0.1).all(), preset_id
        assert isinstance(prices.index, pd.DatetimeIndex)
