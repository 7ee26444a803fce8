"""pvplanner.monitor on files made from the plan's own expectation: a known underperformance
and outage are found to within a percent; curtailment, gaps, load split, carbon account,
degradation trend, measured weather and the XLSX report."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from pvplanner.errors import PlannerInputError
from pvplanner.monitor import monitor, write_monitor_xlsx
from tests._monitor_files import csv_bytes, demo_plan, expected_kw, sunniest_days

PI = 0.93


@pytest.fixture(scope="module")
def plan():
    return demo_plan()


@pytest.fixture(scope="module")
def outage_case(plan):
    """A year of 15-minute kW readings at 93 % of the plan with 3 sunny June days at zero."""
    index = pd.date_range("2025-01-01", "2025-12-31 23:45", freq="15min")
    kw = expected_kw(index) * PI
    days = sunniest_days(index, kw, "2025-06", 3)
    down = index.normalize().isin(days)
    lost = float(kw[down].sum() / 4)
    kw[down] = 0.0
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"),
                          "有功功率(kW)": np.round(kw, 3)})
    scenario, result = plan
    found = monitor(scenario, generation=csv_bytes(frame, "gbk"),
                    generation_filename="逆变器.csv", result=result)
    return found, days, lost, kw


def test_underperformance_and_outage_are_found_within_a_percent(outage_case):
    found, days, lost, kw = outage_case
    assert found.performance_index_excluding_outages == pytest.approx(PI, abs=0.01)
    assert len(found.outages) == 1
    assert found.outages[0].days == [str(d.date()) for d in days]
    assert found.outages[0].lost_kwh == pytest.approx(lost, rel=0.01)
    assert found.actual_kwh == pytest.approx(kw.sum() / 4, rel=1e-4)
    # overall index: the outage drags it below 0.93 by exactly its share
    assert found.performance_index == pytest.approx(
        PI * found.actual_kwh / (found.actual_kwh + lost), rel=1e-3)
    assert not found.curtailment and not found.data_gaps
    june = found.monthly.loc["2025-06"]
    assert june["outage_lost_kwh"] == pytest.approx(lost, rel=0.01)
    assert found.monthly.drop(index="2025-06")["outage_lost_kwh"].sum() == 0
    assert found.daily.loc[[str(d.date()) for d in days], "outage"].all()
    assert found.daily["outage"].sum() == 3


def test_json_has_the_design_keys(outage_case):
    report = outage_case[0].to_dict()
    for key in ("expected_kwh", "actual_kwh", "performance_index",
                "performance_index_excluding_outages", "outages", "avoided_tco2",
                "certificates", "monthly"):
        assert key in report, key
    assert set(report["outages"][0]) >= {"start", "end", "lost_kwh"}
    assert len(report["monthly"]) == 12
    assert report["monthly"][0]["period"] == "2025-01"


def test_carbon_account_follows_the_carbon_module(outage_case, plan):
    from pvplanner.carbon import certificate_split, location_factor_for

    found = outage_case[0]
    scenario, result = plan
    factor = location_factor_for(scenario.site.province, None).factor.factor_tco2_per_mwh
    months = found.monthly
    # every metered kWh displaces grid power at the site's factor (year 1: no decline)
    assert found.avoided_tco2 == pytest.approx(found.actual_kwh / 1000 * factor, rel=1e-6)
    # without a load file, the plan's self-consumption ratio splits the generation
    ratio = result.energy.self_consumption_ratio
    assert found.self_consumption_basis == "plan_ratio"
    assert months["self_consumed_kwh"].sum() == pytest.approx(found.actual_kwh * ratio)
    split = certificate_split(months["self_consumed_kwh"] / 1000, months["exported_kwh"] / 1000)
    assert months["certificates_tradable"].tolist() == split["tradable"].tolist()
    assert found.certificates == int(split["tradable"].sum() + split["non_tradable"].sum())
    # whole certificates of each kind: at most one short of the metered MWh
    assert int(found.actual_kwh / 1000) - 1 <= found.certificates <= int(found.actual_kwh / 1000)
    # the plan's side for the same months
    assert months["plan_avoided_tco2"].sum() > found.avoided_tco2


def test_a_cumulative_register_in_gbk_with_chinese_headers_is_read(plan):
    index = pd.date_range("2025-03-01", "2025-04-30 23:45", freq="15min")
    kw = expected_kw(index) * 0.95
    frame = pd.DataFrame({"采集时间": index.strftime("%Y/%m/%d %H:%M"),
                          "总发电量(kWh)": np.round(50_000 + np.cumsum(kw / 4), 2)})
    scenario, result = plan
    found = monitor(scenario, generation=csv_bytes(frame, "gbk"), generation_filename="g.csv",
                    result=result)
    assert found.quality["generation"]["units"] == "kwh_cumulative"
    assert found.quality["generation"]["encoding"].lower() in ("gbk", "gb18030")
    assert found.performance_index == pytest.approx(0.95, abs=0.005)
    assert not found.outages


def test_kwh_per_interval_export_and_blank_hours_are_gaps_not_outages(plan):
    index = pd.date_range("2025-05-01", "2025-05-31 23:00", freq="h")
    kwh = expected_kw(index) * PI
    day = sunniest_days(index, kwh, "2025-05", 1)
    blank = index.normalize().isin(day)
    frame = pd.DataFrame({"日期时间": index.strftime("%Y-%m-%d %H:%M"),
                          "发电量(kWh)": np.where(blank, np.nan, np.round(kwh, 3))})
    scenario, result = plan
    found = monitor(scenario, generation=csv_bytes(frame), result=result)
    assert not found.outages
    assert [g.days for g in found.data_gaps] == [[str(day[0].date())]]
    assert found.performance_index == pytest.approx(PI, abs=0.002)
    assert found.monthly.loc["2025-05", "coverage_percent"] < 100


def test_curtailment_is_found_on_capped_days(plan):
    index = pd.date_range("2025-07-01", "2025-07-31 23:00", freq="h")
    kw = expected_kw(index) * PI
    days = sunniest_days(index, kw, "2025-07", 2)
    cap = 0.6 * kw.max()
    on = index.normalize().isin(days)
    capped = np.where(on, np.minimum(kw, cap), kw)
    truth = float((kw - capped).sum())
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "power (kW)": capped})
    scenario, result = plan
    found = monitor(scenario, generation=csv_bytes(frame), result=result)
    assert not found.outages
    assert found.curtailment
    found_days = {d for event in found.curtailment for d in event.days}
    assert found_days == {str(d.date()) for d in days}
    lost = sum(e.lost_kwh for e in found.curtailment)
    assert lost == pytest.approx(truth, rel=0.02)


def test_site_load_splits_self_consumed_and_exported_hour_by_hour(plan):
    index = pd.date_range("2025-04-01", "2025-04-30 23:00", freq="h")
    gen = expected_kw(index) * PI
    load = np.full(len(index), 800.0)
    scenario, result = plan
    found = monitor(
        scenario, result=result,
        generation=csv_bytes(pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"),
                                           "发电功率(kW)": gen})),
        load=csv_bytes(pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"),
                                     "有功功率(kW)": load})))
    assert found.self_consumption_basis == "load_file"
    month = found.monthly.loc["2025-04"]
    assert month["exported_kwh"] == pytest.approx(np.maximum(gen - 800, 0).sum(), rel=1e-6)
    assert month["self_consumed_kwh"] == pytest.approx(np.minimum(gen, 800).sum(), rel=1e-6)
    assert month["load_kwh"] == pytest.approx(800 * len(index))
    assert month["grid_import_kwh"] == pytest.approx((800 - np.minimum(gen, 800)).sum())
    assert month["scope2_location_after_tco2"] < month["scope2_location_before_tco2"]


def test_two_years_give_the_degradation_trend(plan):
    index = pd.date_range("2025-01-01", "2026-12-31 23:00", freq="h")
    kw = expected_kw(index) * PI * np.where(index.year == 2026, 0.98, 1.0)
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "kW": kw})
    scenario, result = plan
    found = monitor(scenario.model_copy(update={"start_date": None}),
                    generation=csv_bytes(frame), result=result)
    trend = found.degradation
    assert trend is not None and trend.pairs >= 300
    assert trend.rate_percent_per_year == pytest.approx(-2.0, abs=0.05)
    assert trend.low_percent_per_year <= trend.rate_percent_per_year <= \
        trend.high_percent_per_year


def test_planned_degradation_is_part_of_the_expectation(plan):
    """The demo starts on 2026-10-01: October 2027 is its second operating year."""
    scenario, result = plan
    index = pd.date_range("2027-10-01", "2027-10-31 23:00", freq="h")
    kw = expected_kw(index) * PI
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "kW": kw})
    found = monitor(scenario, generation=csv_bytes(frame), result=result)
    factor = 1 - scenario.pv.degradation_first_year_percent / 100
    assert found.performance_index == pytest.approx(PI / factor, rel=1e-6)


def test_a_weather_file_of_the_same_weather_gives_the_same_expectation(plan, tmp_path):
    from pvplanner.pv import load_weather

    scenario, result = plan
    weather, _ = load_weather(scenario.site.latitude, scenario.site.longitude,
                              source="synthetic", seed=scenario.weather.seed)
    path = tmp_path / "measured.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f"# latitude={scenario.site.latitude}, longitude={scenario.site.longitude}"
                     ", utc_offset=8\n")
        weather.tz_localize(None).to_csv(handle, index_label="time")
    index = pd.date_range("2026-06-01", "2026-06-30 23:00", freq="h")
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"),
                          "kW": expected_kw(index) * PI})
    found = monitor(scenario, generation=csv_bytes(frame), weather=path, result=result)
    assert found.basis == "measured_weather" and found.weather["kind"] == "weather_file"
    assert found.performance_index == pytest.approx(PI, rel=1e-3)


def test_an_irradiance_export_gives_a_weather_corrected_expectation(plan):
    from pvplanner.pv import load_weather

    scenario, result = plan
    weather, _ = load_weather(scenario.site.latitude, scenario.site.longitude,
                              source="synthetic", seed=scenario.weather.seed)
    index = pd.date_range("2026-06-01", "2026-06-30 23:00", freq="h")
    ghi = weather["ghi"].to_numpy()[np.arange(len(index)) + 151 * 24]
    irradiance = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), "辐照度(W/m2)": ghi})
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"),
                          "kW": expected_kw(index) * PI})
    found = monitor(scenario, generation=csv_bytes(frame), result=result,
                    weather=csv_bytes(irradiance, "gbk"), weather_filename="辐照.csv")
    assert found.weather["kind"] == "irradiance"
    # the same GHI, split again into direct and diffuse by Erbs: within a few percent
    assert found.performance_index == pytest.approx(PI, rel=0.04)


def test_all_zero_generation_is_one_long_outage(plan):
    index = pd.date_range("2025-08-01", "2025-08-10 23:00", freq="h")
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "kW": 0.0})
    scenario, result = plan
    found = monitor(scenario, generation=csv_bytes(frame), result=result)
    assert found.performance_index == 0.0
    assert len(found.outages) == 1 and len(found.outages[0].days) == 10
    # no running hour to learn the plant's index from: the plan's expectation is what is lost
    assert found.outages[0].lost_kwh == pytest.approx(found.expected_kwh)


def test_a_bad_file_names_its_problem(plan):
    scenario, result = plan
    with pytest.raises(PlannerInputError, match="g.csv"):
        monitor(scenario, generation=b"time,kw\nyesterday,lots\n", generation_filename="g.csv",
                result=result)


@pytest.mark.parametrize("lang, sheet", [("zh", "摘要"), ("en", "Summary")])
def test_monthly_report_workbook(outage_case, lang, sheet):
    import openpyxl

    found = outage_case[0]
    found.scenario_name = "=HYPERLINK(\"http://x.example\")"
    data = write_monitor_xlsx(found, lang=lang)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == sheet and len(book.sheetnames) == 4
    cells = [c for row in book[sheet].iter_rows() for c in row if c.value is not None]
    name = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert name and all(c.data_type == "s" for c in name)  # a string, never a formula
    months = book[book.sheetnames[1]]
    assert months.max_row == 13
