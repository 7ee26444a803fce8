"""Bills (pvplanner.tariff.compute_bill) against hand sums and REopt's published test cases.

REopt cases: NREL REopt.jl v0.56.4 test/scenarios, Apache-2.0 (tests/data/reopt/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pvplanner.errors import TariffError
from pvplanner.tariff import (
    COMPONENTS,
    compute_bill,
    demand_charge_windows,
    flat_tariff,
    load_tariff_preset,
    parse_tariff,
    tariff_from_urdb,
)
from weather.timeaxis import typical_year_index

REOPT = Path(__file__).parent / "data" / "reopt"


@pytest.fixture(scope="module")
def hourly():
    return typical_year_index(8, 60)


@pytest.fixture(scope="module")
def quarter():
    return typical_year_index(8, 15)


def _reopt(name: str) -> dict:
    return json.loads((REOPT / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- China presets


def _zhejiang_2026_hand_bill(prices: dict[str, float], load_kw: float) -> dict[str, float]:
    """Hand count of a constant load over 2026 under the Zhejiang 2026 hours.

    Summer/winter months Jan, Jul, Aug, Dec have 124 days, the other months 241. Daily hours:
    summer sharp 4, peak 3, flat 7, valley 10; spring/autumn peak 7, flat 7, valley 10. On
    the nine holiday days (15-17 Feb, 1-3 May, 1-3 Oct, all spring/autumn) 07-09 is valley
    and 09-15 deep valley: flat 7-11 and 14-15 lose 5 h, valley 11-14 loses 3 h and gains 2.
    """
    hours = {
        "sharp": 124 * 4,
        "peak": 124 * 3 + 241 * 7,
        "flat": 124 * 7 + 241 * 7 - 9 * 5,
        "valley": 124 * 10 + 241 * 10 - 9 * 1,
        "deep_valley": 9 * 6,
    }
    assert sum(hours.values()) == 8760
    return {p: h * load_kw * prices[p] for p, h in hours.items()} | {
        f"kwh_{p}": h * load_kw for p, h in hours.items()
    }


@pytest.mark.parametrize("resolution", ["hourly", "quarter"])
def test_flat_100kw_bill_equals_hand_sum(resolution, request):
    index = request.getfixturevalue(resolution)
    tariff = load_tariff_preset("zhejiang_2026_large_industry")
    # Price levels of the 2026-08-01 version: T&D 0.1250 + funds 0.02924 fixed, 0.5252
    # (purchase with line loss and system operation) floating x ratio (ratios 2.05 / 1.85 /
    # 1 / 0.4 / 0.2 of 浙发改价格〔2026〕112号).
    prices = {
        p: 0.1250 + 0.02924 + 0.5252 * r
        for p, r in {
            "sharp": 2.05,
            "peak": 1.85,
            "flat": 1.0,
            "valley": 0.4,
            "deep_valley": 0.2,
        }.items()
    }
    hand = _zhejiang_2026_hand_bill(prices, 100.0)
    bill = compute_bill(tariff, index, np.full(len(index), 100.0))
    annual = bill.annual
    for period in prices:
        assert annual[f"kwh_{period}"] == pytest.approx(hand[f"kwh_{period}"], rel=1e-12)
        assert annual[f"cost_{period}"] == pytest.approx(hand[period], rel=1e-12)
    energy = sum(hand[p] for p in prices)
    assert annual["energy"] == pytest.approx(energy, rel=1e-12)
    # Maximum demand 100 kW x 47.2 CNY/kW-month (发改价格〔2026〕1077号) x 12 months.
    assert annual["demand"] == pytest.approx(100 * 47.2 * 12, rel=1e-12)
    assert bill.total == pytest.approx(energy + 56640.0, rel=1e-12)
    assert annual["import_kwh"] == pytest.approx(876000.0)
    assert annual["max_demand_kw"] == 100.0


def test_capacity_basis_and_fixed_charge(hourly):
    data = load_tariff_preset("zhejiang_2026_large_industry").model_dump()
    data.update(basic_charge_basis="capacity", fixed_monthly_charge=50.0)
    data["capacity_charge"]["contracted_kva"] = 500.0
    bill = compute_bill(parse_tariff(data), hourly, np.full(8760, 100.0))
    assert bill.component("capacity") == pytest.approx(29.5 * 500 * 12)
    assert bill.component("demand") == 0.0
    assert bill.component("fixed") == pytest.approx(600.0)


def test_export_credit_at_coal_benchmark_and_zero_export(hourly):
    tariff = load_tariff_preset("jiangsu_2025_general_ci")
    export = np.zeros(8760)
    export[(hourly.hour >= 10) & (hourly.hour < 14)] = 20.0  # 4 h x 20 kW a day
    bill = compute_bill(tariff, hourly, np.full(8760, 50.0), export)
    # 365 d x 80 kWh x 0.3910 CNY/kWh (Jiangsu coal benchmark, 发改价格规〔2019〕1658号).
    assert bill.component("export_credit") == pytest.approx(-365 * 80 * 0.3910, rel=1e-12)
    assert bill.component("export_kwh") == pytest.approx(365 * 80)
    data = tariff.model_dump()
    data["export"] = {"kind": "zero_export"}
    zero = compute_bill(parse_tariff(data), hourly, np.full(8760, 50.0), export)
    assert zero.component("export_credit") == 0.0
    assert zero.notes and "zero_export" in zero.notes[0]
    assert not parse_tariff(data).allows_export


def test_hourly_and_quarter_hour_bills_agree_for_constant_load(hourly, quarter):
    # Jiangsu's 19:30 boundary splits hourly steps; for a load constant within each hour the
    # split must give the same bill as 15-minute data.
    tariff = load_tariff_preset("jiangsu_2025_large_industry")
    a = compute_bill(tariff, hourly, np.full(len(hourly), 80.0))
    b = compute_bill(tariff, quarter, np.full(len(quarter), 80.0))
    assert a.total == pytest.approx(b.total, rel=1e-12)
    assert a.annual["kwh_sharp"] == pytest.approx(b.annual["kwh_sharp"], rel=1e-12)
    # July + August sharp: 62 days x 3 h, December + January: 62 days x 2 h, at 80 kW.
    assert b.annual["kwh_sharp"] == pytest.approx((62 * 3 + 62 * 2) * 80.0)


def test_net_metering_monthly_and_annual(hourly):
    january = hourly.month == 1
    february = hourly.month == 2
    imp = np.where(january, 5.0, 0.0) + np.where(february, 10.0, 0.0)
    exp = np.where(january, 10.0, 0.0)
    results = {}
    for netting in ("monthly", "annual"):
        tariff = flat_tariff(0.2, export={"kind": "net_metering", "netting": netting})
        results[netting] = compute_bill(tariff, hourly, imp, exp)
    # January: credit 744 h x 10 kW x 0.2 = 1488 against energy 744 h x 5 kW x 0.2 = 744.
    # Monthly netting forfeits the other 744; annual netting carries it to February
    # (energy 672 h x 10 kW x 0.2 = 1344).
    assert results["monthly"].component("net_metering") == pytest.approx(-744.0)
    assert results["annual"].component("net_metering") == pytest.approx(-1488.0)
    assert results["annual"].monthly.loc[2, "net_metering"] == pytest.approx(-744.0)
    assert results["annual"].total == pytest.approx(744.0 + 1344.0 - 1488.0)


def test_bill_frame_and_dict(hourly):
    bill = compute_bill(
        load_tariff_preset("guangdong_2021_large_industry"), hourly, np.full(8760, 10.0)
    )
    frame = bill.to_frame()
    assert frame.index[-1] == "year" and len(frame) == 13
    assert frame.loc["year", "total"] == pytest.approx(bill.total)
    assert frame.loc["year", "total"] == pytest.approx(frame.loc["year", list(COMPONENTS)].sum())
    as_dict = json.loads(json.dumps(bill.to_dict()))
    assert as_dict["currency"] == "CNY" and len(as_dict["monthly"]) == 12
    assert as_dict["total"] == pytest.approx(bill.total)


def test_demand_windows_reproduce_bill_demand(hourly):
    tariff = load_tariff_preset("jiangsu_2025_large_industry")
    rng = np.random.default_rng(1)
    load = rng.uniform(20, 120, 8760)
    bill = compute_bill(tariff, hourly, load)
    from_windows = sum(
        rate * load[mask].max() for mask, rate, _ in demand_charge_windows(tariff, hourly)
    )
    assert from_windows == pytest.approx(bill.component("demand"), rel=1e-12)


def test_bad_power_inputs(hourly):
    tariff = load_tariff_preset("zhejiang_2026_general_ci")
    with pytest.raises(TariffError, match="8759 values"):
        compute_bill(tariff, hourly, np.ones(8759))
    bad = np.ones(8760)
    bad[10] = -1.0
    with pytest.raises(TariffError, match=r"grid_import_kw\[10\]"):
        compute_bill(tariff, hourly, bad)
    bad[10] = np.nan
    with pytest.raises(TariffError, match="finite"):
        compute_bill(tariff, hourly, np.ones(8760), bad)


# --------------------------------------------------------------------------- REopt cases


def _flat_load(annual_kwh: float) -> np.ndarray:
    return np.full(8760, annual_kwh / 8760.0)


def test_reopt_no_techs(hourly):
    rate = _reopt("no_techs.json")["ElectricTariff"]
    tariff = flat_tariff(
        rate["blended_annual_energy_rate"],
        demand_rate_per_kw_month=rate["blended_annual_demand_rate"],
        currency="USD",
    )
    bill = compute_bill(tariff, hourly, _flat_load(10000.0))
    # REopt asserts year-one energy cost 1,000.0 and demand cost 136.99 (rounded to cents).
    assert bill.component("energy") == pytest.approx(1000.0, abs=1e-9)
    assert bill.component("demand") == pytest.approx(136.99, abs=0.005)


def test_reopt_coincident_peak(hourly):
    rate = _reopt("coincident_peak.json")["ElectricTariff"]
    windows = [
        {"hours_of_year": steps, "rate_per_kw": charge, "label": f"cp {i}"}
        for i, (steps, charge) in enumerate(
            zip(
                rate["coincident_peak_load_active_time_steps"],
                rate["coincident_peak_load_charge_per_kw"],
                strict=True,
            )
        )
    ]
    data = flat_tariff(rate["blended_annual_energy_rate"], currency="USD").model_dump()
    data["coincident_peaks"] = windows
    tariff = parse_tariff(data)
    bill = compute_bill(tariff, hourly, _flat_load(8760.0))
    # REopt: year-one coincident-peak cost 15.0 (1 kW x 10 + 1 kW x 5).
    assert bill.component("coincident_peak") == pytest.approx(15.0, abs=1e-9)
    assert bill.component("energy") == pytest.approx(8760.0, abs=1e-6)
    labels = [label for _, _, label in demand_charge_windows(tariff, hourly)]
    assert labels == ["cp 0", "cp 1"]


def test_reopt_tiered_energy_demand_bill_and_lcc(hourly):
    from pvplanner.finance import pwf_escalated

    tariff = tariff_from_urdb(
        _reopt("tiered_energy_demand.json")["ElectricTariff"]["urdb_response"]
    )
    bill = compute_bill(tariff, hourly, _flat_load(876000.0))
    # Hand: 100 kW never exceeds 74,400 kWh/month (a 31-day month is exactly 74,400), so all
    # energy is at 0.1 -> 87,600; demand 100 kW at 10 $/kW x 12 -> 12,000.
    assert bill.component("energy") == pytest.approx(87600.0, rel=1e-12)
    assert bill.component("demand") == pytest.approx(12000.0, rel=1e-12)
    # REopt: LCC = annual bill x pwf_e(25, 0.0166, 0.0624) x (1 - 0.26) = 1,092,312.44. Its
    # figure is a MILP objective (solver tolerances): ours, 1,092,312.08, agrees to 3.3e-7, so
    # the tolerance is 1e-6 relative.
    lcc = bill.total * pwf_escalated(25, 0.0166, 0.0624) * (1 - 0.26)
    assert lcc == pytest.approx(1_092_312.44, rel=1e-6)


def test_urdb_tiers_bite_above_first_block(hourly):
    tariff = tariff_from_urdb(
        _reopt("tiered_energy_demand.json")["ElectricTariff"]["urdb_response"]
    )
    bill = compute_bill(tariff, hourly, np.full(8760, 200.0))
    jan = bill.monthly.loc[1]
    # 744 h x 200 kW = 148,800 kWh: 74,400 at 0.1 + 74,400 at 0.05; demand 100 at 10 + 100 at 5.
    assert jan["energy"] == pytest.approx(74400 * 0.1 + 74400 * 0.05)
    assert jan["energy_tier_adjustment"] == pytest.approx(-74400 * 0.05)
    assert jan["demand"] == pytest.approx(100 * 10 + 100 * 5)


def test_urdb_time_of_use_mapping(hourly):
    summer_day = [0] * 16 + [1] * 5 + [0] * 3  # period 1 = on-peak 16-21
    urdb = {
        "label": "test_tou",
        "name": "Test TOU",
        "energyratestructure": [[{"rate": 0.10}], [{"rate": 0.25, "adj": 0.05}]],
        "energyweekdayschedule": [summer_day if 6 <= m <= 9 else [0] * 24 for m in range(1, 13)],
        "energyweekendschedule": [[0] * 24] * 12,
        "demandratestructure": [[{"rate": 0.0}], [{"rate": 12.0}]],
        "demandweekdayschedule": [summer_day if 6 <= m <= 9 else [0] * 24 for m in range(1, 13)],
        "demandweekendschedule": [[0] * 24] * 12,
        "fixedmonthlycharge": 20.0,
    }
    tariff = tariff_from_urdb(urdb)
    assert tariff.prices.per_kwh == {"valley": 0.10, "peak": 0.30}
    load = np.where(hourly.hour == 17, 50.0, 10.0)
    load[(hourly.month == 7) & (hourly.day == 4) & (hourly.hour == 3)] = 90.0  # Saturday night
    bill = compute_bill(tariff, hourly, load)
    # Weekday 16-21 in Jun-Sep is peak: 5 h on each workday of those months.
    workdays = int(
        (
            (hourly.month >= 6)
            & (hourly.month <= 9)
            & (hourly.day_of_week < 5)
            & (hourly.hour == 16)
        ).sum()
    )
    assert bill.annual["kwh_peak"] == pytest.approx(workdays * (4 * 10 + 50))
    # The peak-period demand charge sees 50 kW (the 90 kW night spike is off-peak) in 4 months.
    assert bill.component("demand") == pytest.approx(4 * 12.0 * 50.0)
    assert bill.component("fixed") == pytest.approx(240.0)


def test_urdb_unsupported_structures():
    base = {"energyweekdayschedule": [[0] * 24] * 12, "energyweekendschedule": [[0] * 24] * 12}
    with pytest.raises(TariffError, match="at most 5"):
        tariff_from_urdb(base | {"energyratestructure": [[{"rate": 0.1 * i}] for i in range(6)]})
    mismatched = [
        [{"rate": 0.1, "max": 100}, {"rate": 0.2}],
        [{"rate": 0.3, "max": 50}, {"rate": 0.4}],
    ]
    with pytest.raises(TariffError, match="tiers"):
        tariff_from_urdb(base | {"energyratestructure": mismatched})
    with pytest.raises(TariffError, match="unit"):
        tariff_from_urdb(base | {"energyratestructure": [[{"rate": 0.1, "unit": "kWh daily"}]]})
    with pytest.raises(TariffError, match="12 months"):
        tariff_from_urdb(
            {"energyratestructure": [[{"rate": 0.1}]], "energyweekdayschedule": [[0] * 24] * 11}
        )
