"""A batch's results for a reader (pvplanner.batch.readable): headers in the reader's
language with units, rounded values, words instead of codes, no ids; and the typical-days
marker of the results table (pvplanner.batch.task, .output). No site is planned here: the
results are a small hand-made table shaped like the one run_batch writes."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from pvplanner.batch.output import portfolio_summary, results_frame
from pvplanner.batch.readable import (
    readable_csv,
    readable_summary,
    readable_table,
    readable_xlsx,
)
from pvplanner.batch.task import TABLE_COLUMNS, table_row, typical_days
from pvplanner.display.names import template_name
from pvplanner.tariff.versions import preset_file
from weather.datafiles import data_path

HASH = "ab" * 32
NOISY_LOAD = 2999999.9999999986  # what the planner returns for an input of 3,000,000 kWh
EVIL = '=HYPERLINK("http://evil.example/x","click")'


def _results() -> pd.DataFrame:
    """Three sites: one exact, one on 96 typical days, one failed; ids everywhere."""
    rows = []
    specs = [
        ("杭州印染厂", "杭州", "Zhejiang", "ok", None, "site-ac590c67"),
        ("Dongguan electronics", "Dongguan", "Guangdong", "ok", 96, "dongguan-electronics"),
        (EVIL, "Dongguan", "Guangdong", "failed", None, "site-0badc0de"),
    ]
    for row, (name, city, province, status, days, slug) in enumerate(specs, start=2):
        record = dict.fromkeys(TABLE_COLUMNS)
        record.update({
            "row": row, "name": name, "slug": slug, "status": status, "city": city,
            "province": province, "latitude": 30.123456, "longitude": 120.654321,
            "weather_latitude": 30.1, "weather_longitude": 120.7,
            "template": "two_shift", "tariff": "zhejiang_2026_general_ci", "notes": EVIL,
            "input_hash": HASH, "typical_days": days,
        })
        if status == "failed":
            record.update(error_type="LoadFileError", error_message="meter file unreadable",
                          error_message_zh="电表文件无法读取")
        else:
            record.update({
                "pv.capacity_kwp": 1234.56, "pv.max_capacity_kwp": 2000.0,
                "pv.annual_generation_kwh": 1234567.89, "energy.load_kwh": NOISY_LOAD,
                "energy.self_consumption_ratio": 0.917243, "finance.irr": 0.132903,
                "finance.npv": 3762247.0216726577, "finance.capex": 5078700.0,
                "bills.savings_annual": 998748.53, "bills.currency": "CNY",
                "finance.payback_years": 6.978162, "finance.lcoe_per_kwh": 0.2941372,
                "carbon.avoided_tco2_year1": 893.544223, "carbon.certificates_year1": 1795.0,
                "solver.status": "optimal", "solver.optimality_gap": -0.0001,
                "weather.source": "synthetic",
            })
        rows.append(record)
    return results_frame(rows)


def _cells(frame: pd.DataFrame) -> list[str]:
    """Every header and every cell a reader sees (a missing number shows as an empty cell)."""
    return [str(v) for v in frame.to_numpy().ravel() if not pd.isna(v)] + [
        str(c) for c in frame.columns]


def _no_ids(texts: list[str], lang: str = "zh") -> None:
    """No id, hash, class name or code reaches the reader (nor English words a Chinese
    reader would not read)."""
    joined = "\n".join(texts)
    codes = ("synthetic", "optimal") if lang == "zh" else ()
    for leaked in (HASH, "site-ac590c67", "dongguan-electronics", "LoadFileError",
                   "zhejiang_2026_general_ci", "two_shift", "pv.capacity_kwp", "finance.npv",
                   "input_hash", "slug", *codes):
        assert leaked not in joined, leaked
    if lang == "zh":  # places in Chinese (the site's own name aside)
        assert {"Zhejiang", "Guangdong", "Dongguan"}.isdisjoint(texts)
    assert not re.search(r"\b[0-9a-f]{16,}\b", joined)
    assert {"ok", "CNY", "nan"}.isdisjoint(texts)
    if lang == "zh":
        assert "failed" not in texts


def test_a_chinese_reader_gets_chinese_headers_with_units_and_words():
    table = readable_table(_results(), "zh")
    _no_ids(_cells(table))
    assert list(table["状态"]) == ["已规划", "已规划", "失败"]
    assert list(table["省份"]) == ["浙江", "广东", "广东"]
    assert list(table["城市"]) == ["杭州", "东莞", "东莞"]
    assert list(table["失败原因"]) == ["", "", "电表文件无法读取"]
    # ids in words: the tariff and template by their names, solver and weather too
    assert set(table["电价"]) == {preset_file("zhejiang_2026_general_ci").name_zh}
    assert set(table["负荷模板"]) == {template_name("two_shift", "zh")}
    assert list(table["优化求解"])[:2] == ["最优", "最优"]
    assert list(table["气象数据"])[:2] == ["由气候数据合成（离线）"] * 2
    # units in the headers, values in them, rounded: no float noise, no -0
    assert table["年用电量 [MWh]"].iloc[0] == 3000.0
    assert table["首年发电量 [MWh]"].iloc[0] == 1234.6
    assert table["净现值（税后）[万元]"].iloc[0] == 376.22
    assert table["总投资 [万元]"].iloc[0] == 507.87
    assert table["自发自用比例 [%]"].iloc[0] == 91.7
    assert table["内部收益率（税后）[%]"].iloc[0] == 13.3
    assert table["静态回收期（税后）[年]"].iloc[0] == 7.0
    assert table["光伏度电成本 [元/kWh]"].iloc[0] == 0.294
    assert table["首年绿证 [张]"].iloc[0] == 1795
    gap = table["其他方案净现值可能高出的上限 [万元]"].iloc[0]
    assert gap == 0 and str(gap) == "0.0"  # -0.00001 万元 rounds to 0, not -0
    assert table["纬度 [°N]"].iloc[0] == 30.1235
    assert pd.isna(table["光伏容量 [kWp]"].iloc[2])  # a failed site has no figures


def test_an_english_reader_gets_thousands_of_the_currency():
    table = readable_table(_results(), "en")
    _no_ids(_cells(table), "en")
    assert list(table["Status"]) == ["planned", "planned", "failed"]
    assert table["NPV (after tax) [thousand CNY]"].iloc[0] == 3762.2
    assert table["Annual load [MWh]"].iloc[0] == 3000.0
    assert list(table["Why it failed"])[2] == "meter file unreadable"


def test_each_planned_site_says_whether_it_is_approximate():
    zh = readable_table(_results(), "zh")
    assert list(zh["计算方式"]) == ["全年逐时", "96 个典型日（近似值）", ""]
    en = readable_table(_results(), "en")
    assert list(en["Planned on"]) == ["the exact year (hourly)",
                                      "96 typical days (approximate)", ""]


def test_the_results_table_marks_typical_days_from_the_plans_note():
    note = {"key": "notes.plan.typical_days", "params": {"days": 48}}
    task = {"row": 2, "name": "A", "slug": "a", "latitude": 30.0, "longitude": 120.0,
            "input_hash": HASH, "aggregate_days": 48}
    assert table_row(task, {"notes": [note]})["typical_days"] == 48
    # asked for typical days but planned on the exact year (no battery): no mark
    assert table_row(task, {"notes": []})["typical_days"] is None
    assert typical_days({}) is None
    frame = _results()
    assert str(frame["typical_days"].dtype) == "Int64"
    csv = frame.to_csv(index=False)
    assert ",96\n" in csv or csv.splitlines()[2].endswith(",96")
    assert portfolio_summary(frame)["typical_days_sites"] == 1


def test_the_summary_reads_in_the_readers_language_with_units():
    frame = _results()
    summary = readable_summary(portfolio_summary(frame), "zh")
    assert list(summary.columns) == ["项目", "数值", "单位"]
    rows = {figure: (value, unit) for figure, value, unit in summary.itertuples(index=False)}
    assert rows["厂址总数"] == (3, "个")
    assert rows["已规划厂址"] == (2, "个")
    assert rows["规划失败的厂址"] == (1, "个")
    assert rows["按典型日规划的厂址（近似值）"] == (1, "个")
    assert rows["年总用电量"] == (6000.0, "MWh")
    assert rows["净现值合计（税后）"] == (752.45, "万元")
    assert rows["光伏发电量占用电量的比例"] == (41.2, "%")  # 2 x 1234.6 / 6000 MWh
    _no_ids(_cells(summary))
    exact = readable_summary(portfolio_summary(frame.assign(typical_days=pd.NA)), "en")
    assert "Sites planned on typical days (approximate)" not in set(exact["Figure"])


def test_the_csv_download_opens_in_excel_and_keeps_text_text():
    data = readable_csv(_results(), "zh")
    assert data.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert table.columns[0] == "行号" and "净现值（税后）[万元]" in table.columns
    assert table["厂址"].iloc[2] == "'" + EVIL  # a formula-like name stays text
    assert table["备注"].iloc[0] == "'" + EVIL
    assert table["年用电量 [MWh]"].iloc[0] == 3000.0
    text = data.decode("utf-8-sig")
    assert "2999.99" not in text and ",-0" not in text
    _no_ids(_cells(table))


def test_the_workbook_download_is_the_readers_with_number_formats():
    frame = _results()
    book = openpyxl.load_workbook(io.BytesIO(readable_xlsx(frame, portfolio_summary(frame),
                                                           "zh")))
    assert book.sheetnames == ["组合汇总", "厂址结果", "规划失败的厂址"]
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if cell.value is not None:
                    texts.append(str(cell.value))
    _no_ids(texts)
    sites = book["厂址结果"]
    header = [c.value for c in sites[1]]
    npv = header.index("净现值（税后）[万元]") + 1
    assert sites.cell(2, npv).value == 376.22
    assert sites.cell(2, npv).number_format == "#,##0.00"
    assert sites.cell(2, header.index("年用电量 [MWh]") + 1).value == 3000
    assert sites.cell(4, header.index("厂址") + 1).value == EVIL  # a string cell, as typed
    failed = list(book["规划失败的厂址"].iter_rows(values_only=True))
    assert failed == [("行号", "厂址", "失败原因"), (4, EVIL, "电表文件无法读取")]
    summary = {row[0]: row[1:] for row in book["组合汇总"].iter_rows(min_row=2,
                                                                      values_only=True)}
    assert summary["净现值合计（税后）"] == (752.45, "万元")
    english = openpyxl.load_workbook(io.BytesIO(readable_xlsx(frame, portfolio_summary(frame),
                                                              "en")))
    assert english.sheetnames == ["Portfolio", "Sites", "Failed sites"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_table_without_the_marker_does_not_guess(lang):
    # results of an older version have no typical_days column: how they were planned is
    # not known, so no column claims they are exact
    table = readable_table(_results().drop(columns="typical_days"), lang)
    assert not {"计算方式", "Planned on"} & set(table.columns)


def test_the_shipped_examples_site_names_read_chinese_and_a_users_as_typed():
    # The portfolio example ships English names (data/batch/example_sites.csv); a Chinese
    # reader sees them in Chinese, like the demo's, and a user's own name unchanged.
    results = _results()
    zh = readable_table(results, "zh", columns=("name",))
    en = readable_table(results, "en", columns=("name",))
    assert list(zh.iloc[:, 0]) == ["杭州印染厂", "东莞电子厂", EVIL]
    assert list(en.iloc[:, 0]) == ["杭州印染厂", "Dongguan electronics", EVIL]
    names = pd.read_csv(data_path("batch", "example_sites.csv"))["name"].tolist()
    shown = readable_table(pd.DataFrame({"name": names}), "zh", columns=("name",)).iloc[:, 0]
    assert all(re.search(r"[\u4e00-\u9fff]", str(v)) for v in shown), list(shown)
