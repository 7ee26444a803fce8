"""Batch runs on Dask (pvplanner.batch.run): outputs, failures, resume, worker-count invariance,
the portfolio summary and the CLI.

The Dask runs use ``LocalCluster(processes=False)``: the workers are threads of the test
process, which starts in well under a second, where worker processes would each spend
seconds importing pvlib. The task code and the result handling are the same; the real
multi-process path is exercised by the slow CLI test at the end.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pvplanner.batch.run import IN_PROCESS, portfolio_summary, read_sites, run_batch
from pvplanner.batch.task import RESULT_COLUMNS, TABLE_COLUMNS
from pvplanner.cli import main

distributed = pytest.importorskip("distributed")

# Six sites: five plan normally (two share a weather cell), one has a meter file that
# exists but is not a meter export, so it fails while planning (not while validating).
SITES = """name,lat,lon,city,roof_area_m2,tilt_deg,azimuth_deg,annual_kwh,meter_file,template,tariff,finance.pv_capex_per_kwp,constraints.export_limit_kw
Hangzhou A,30.20,120.20,,3000,5,180,900000,,three_shift_continuous,zhejiang_2026_general_ci,,
Hangzhou B,30.30,120.22,,1500,5,170,600000,,one_day_shift,zhejiang_2026_general_ci,3000,
Suzhou C,,,Suzhou,2500,,,1500000,,two_shift,jiangsu_2025_general_ci,,0
Broken meter D,31.00,121.00,,2000,,,,junk_meter.csv,two_shift,,,
Dongguan E,,,东莞,4000,3,180,2500000,,one_day_shift,guangdong_2021_general_ci,,
Ningbo F,29.88,121.55,,1000,10,200,400000,,cold_storage,zhejiang_2026_general_ci,,
"""


@pytest.fixture(scope="module")
def sites_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch_sites")
    (folder / "junk_meter.csv").write_text("this is not a meter export\n", encoding="utf-8")
    path = folder / "sites.csv"
    path.write_text(SITES, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def offline():
    """Offline for the module-scoped runs (they start before the autouse fixture)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PVPLANNER_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def two_workers(sites_file, tmp_path_factory, offline):
    """One run of the six sites on a 2-worker LocalCluster."""
    out = tmp_path_factory.mktemp("batch_two") / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        summary = run_batch(sites_file, out, client=client, progress=False)
    return out, summary


@pytest.fixture(scope="module")
def one_worker(sites_file, tmp_path_factory, offline):
    out = tmp_path_factory.mktemp("batch_one") / "out"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        summary = run_batch(sites_file, out, client=client, progress=False)
    return out, summary


def test_run_writes_every_output(two_workers, sites_file):
    out, summary = two_workers
    assert summary["sites"] == 6 and summary["planned"] == 6 and summary["resumed"] == 0
    assert summary["ok"] == 5 and summary["failed"] == 1
    assert summary["workers"] == 2
    for name in ("results.csv", "results.parquet", "results.xlsx", "summary.json"):
        assert (out / name).is_file(), name
    table = pd.read_csv(out / "results.csv")
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert list(table["row"]) == [2, 3, 4, 5, 6, 7]
    parquet = pd.read_parquet(out / "results.parquet")
    assert list(parquet["name"]) == list(table["name"])
    np.testing.assert_allclose(parquet["pv.capacity_kwp"].to_numpy(dtype=float),
                               table["pv.capacity_kwp"].to_numpy(dtype=float), rtol=0,
                               equal_nan=True)
    sheets = pd.read_excel(out / "results.xlsx", sheet_name=None)
    assert set(sheets) == {"portfolio", "sites", "failed"}
    assert len(sheets["sites"]) == 6
    assert list(sheets["failed"]["name"]) == ["Broken meter D"]
    stored = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert stored["portfolio"] == summary["portfolio"]

    jobs = {job.name: job for job in read_sites(sites_file)}
    ok = table.loc[table["status"] == "ok"]
    assert sorted(p.name for p in (out / "sites").glob("*.json")) == sorted(
        f"{jobs[name].slug}.json" for name in ok["name"])
    for _, row in ok.iterrows():
        document = json.loads((out / "sites" / f"{row['slug']}.json").read_text("utf-8"))
        # the site JSON is Result.to_dict() (the plan --json keys) plus the batch block
        for key in ("pv", "battery", "energy", "bills", "finance", "carbon", "solver"):
            assert key in document
        assert document["batch"]["input_hash"] == jobs[row["name"]].input_hash
        assert document["batch"]["row"] == row["row"]
        # the table row holds the JSON's figures (exactly: both come from one JSON text)
        for column in RESULT_COLUMNS:
            section, key = column.split(".")
            value = document[section][key]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert row[column] == pytest.approx(value, rel=0, abs=0), column
            else:
                assert str(row[column]) == str(value), column
        assert row["pv.capacity_kwp"] > 0


def test_sites_in_one_cell_share_the_weather_point(two_workers):
    out, _ = two_workers
    table = pd.read_csv(out / "results.csv").set_index("name")
    # A (30.20, 120.20) and B (30.30, 120.22) round to the cell (30.25, 120.25): both are
    # planned at A's coordinates, and B keeps its own in the table.
    assert table.loc["Hangzhou B", "weather_latitude"] == 30.20
    assert table.loc["Hangzhou B", "weather_longitude"] == 120.20
    assert table.loc["Hangzhou B", "latitude"] == 30.30
    assert table.loc["Suzhou C", "weather_latitude"] == table.loc["Suzhou C", "latitude"]


def test_failing_site_is_recorded_and_others_go_on(two_workers):
    out, summary = two_workers
    table = pd.read_csv(out / "results.csv", keep_default_na=False)
    failed = table.loc[table["status"] == "failed"]
    assert list(failed["name"]) == ["Broken meter D"]
    assert failed["error_type"].iloc[0] == "LoadFileError"
    assert "junk_meter.csv" in failed["error_message"].iloc[0]
    # the same in Chinese for the Portfolio page and the reader of the table
    chinese = failed["error_message_zh"].iloc[0]
    assert "junk_meter.csv" in chinese and re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert failed["pv.capacity_kwp"].iloc[0] == ""
    assert (table.loc[table["status"] == "ok", "error_message"] == "").all()
    assert (table.loc[table["status"] == "ok", "error_message_zh"] == "").all()


def test_one_and_two_workers_give_identical_tables(one_worker, two_workers):
    (out1, summary1), (out2, summary2) = one_worker, two_workers
    assert summary1["workers"] == 1
    assert (out1 / "results.csv").read_bytes() == (out2 / "results.csv").read_bytes()
    pd.testing.assert_frame_equal(pd.read_parquet(out1 / "results.parquet"),
                                  pd.read_parquet(out2 / "results.parquet"))
    assert summary1["portfolio"] == summary2["portfolio"]


def test_batch_result_equals_a_direct_plan(two_workers, sites_file):
    from pvplanner.pipeline import plan

    out, _ = two_workers
    job = next(job for job in read_sites(sites_file) if job.name == "Suzhou C")
    direct = plan(job.scenario).to_dict()
    document = json.loads((out / "sites" / f"{job.slug}.json").read_text("utf-8"))
    # same scenario, same deterministic synthetic weather: identical figures
    assert document["pv"]["capacity_kwp"] == direct["pv"]["capacity_kwp"]
    assert document["finance"]["npv"] == direct["finance"]["npv"]
    assert document["carbon"]["avoided_tco2_year1"] == direct["carbon"]["avoided_tco2_year1"]


def test_resume_skips_done_sites(two_workers, sites_file, tmp_path):
    import shutil

    out_src, _ = two_workers
    out = tmp_path / "out"
    shutil.copytree(out_src, out)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "sites").glob("*.json")}
    calls = []
    summary = run_batch(sites_file, out, scheduler=IN_PROCESS,
                        progress=lambda done, total, failed: calls.append((done, total, failed)))
    assert calls == [(1, 1, 1)]  # (done, total, failed) after each group: one site left
    # the five done sites are reused; the failed one is tried again (and fails again)
    assert summary["resumed"] == 5 and summary["planned"] == 1
    assert summary["ok"] == 5 and summary["failed"] == 1
    after = {p.name: p.stat().st_mtime_ns for p in (out / "sites").glob("*.json")}
    assert after == before
    assert (out / "results.csv").read_bytes() == (out_src / "results.csv").read_bytes()

    # change one site's load: only that site (and the failed one) is planned again
    edited = tmp_path / "sites.csv"
    edited.write_text(SITES.replace("Ningbo F,29.88,121.55,,1000,10,200,400000",
                                    "Ningbo F,29.88,121.55,,1000,10,200,450000"),
                      encoding="utf-8")
    shutil.copy(sites_file.parent / "junk_meter.csv", tmp_path / "junk_meter.csv")
    summary = run_batch(edited, out, scheduler=IN_PROCESS, progress=False)
    assert summary["resumed"] == 4 and summary["planned"] == 2
    after_edit = {p.name: p.stat().st_mtime_ns for p in (out / "sites").glob("*.json")}
    changed = {name for name in after_edit if after_edit[name] != before[name]}
    assert changed == {"ningbo-f.json"}
    table = pd.read_csv(out / "results.csv").set_index("name")
    assert table.loc["Ningbo F", "energy.load_kwh"] == pytest.approx(450000, rel=1e-6)


def test_weather_is_fetched_once_per_cell(tmp_path):
    from pvplanner.pv import site_weather

    path = tmp_path / "cells.csv"
    # Two sites in the cell (30.25, 120.25) with different roofs and loads, one elsewhere.
    path.write_text(
        "name,lat,lon,roof_area_m2,annual_kwh\n"
        "A,30.20,120.20,1000,300000\nB,30.33,120.17,800,250000\n"
        "D,23.02,113.75,900,400000\n", encoding="utf-8")
    site_weather._place.cache_clear()
    summary = run_batch(path, tmp_path / "out", scheduler=IN_PROCESS, progress=False)
    assert summary["ok"] == 3
    assert site_weather._place.cache_info().misses == 2  # two cells, three sites


def test_portfolio_summary_by_hand(two_workers):
    out, summary = two_workers
    table = pd.read_csv(out / "results.csv")
    ok = table.loc[table["status"] == "ok"]
    got = portfolio_summary(table)
    assert got == summary["portfolio"]
    assert (got["sites"], got["ok"], got["failed"]) == (6, 5, 1)
    assert got["total_kwp"] == pytest.approx(sum(ok["pv.capacity_kwp"]), rel=1e-12)
    assert got["total_generation_kwh"] == pytest.approx(sum(ok["pv.annual_generation_kwh"]),
                                                        rel=1e-12)
    assert got["total_avoided_tco2_year1"] == pytest.approx(
        sum(ok["carbon.avoided_tco2_year1"]), rel=1e-12)
    # five NPVs sorted v0..v4: the median is v2, p25 is v1 and p75 is v3 exactly (positions
    # (n-1)p = 1, 2, 3); p10 sits 0.4 of the way from v0 to v1, p90 0.6 from v3 to v4.
    v = sorted(ok["finance.npv"])
    assert got["npv"]["p50"] == pytest.approx(v[2], rel=1e-12)
    assert got["npv"]["p25"] == pytest.approx(v[1], rel=1e-12)
    assert got["npv"]["p75"] == pytest.approx(v[3], rel=1e-12)
    assert got["npv"]["p10"] == pytest.approx(v[0] + 0.4 * (v[1] - v[0]), rel=1e-12)
    assert got["npv"]["p90"] == pytest.approx(v[3] + 0.6 * (v[4] - v[3]), rel=1e-12)
    assert got["npv"]["min"] == v[0] and got["npv"]["max"] == v[4]
    assert got["currency"] == "CNY"


def test_portfolio_summary_of_a_small_table():
    table = pd.DataFrame({
        "status": ["ok", "ok", "failed", "ok", "ok"],
        "pv.capacity_kwp": [100.0, 250.0, None, 50.0, 0.0],
        "pv.annual_generation_kwh": [100e3, 260e3, None, 40e3, 0.0],
        "energy.load_kwh": [400e3, 400e3, None, 100e3, 100e3],
        "energy.self_sufficiency_ratio": [0.25, 0.5, None, 0.3, 0.0],
        "carbon.avoided_tco2_year1": [58.0, 150.8, None, 23.2, 0.0],
        "finance.npv": [-100.0, 300.0, None, 100.0, 0.0],
        "finance.capex": [300e3, 700e3, None, 150e3, 0.0],
        "bills.savings_annual": [50e3, 120e3, None, 20e3, 0.0],
        "bills.currency": ["CNY", "CNY", "", "CNY", "CNY"],
    })
    got = portfolio_summary(table)
    assert (got["sites"], got["ok"], got["failed"]) == (5, 4, 1)
    assert got["total_kwp"] == 400.0
    assert got["total_generation_kwh"] == 400e3
    assert got["total_avoided_tco2_year1"] == pytest.approx(232.0)
    assert got["total_npv"] == 300.0
    # NPVs sorted -100, 0, 100, 300: median between 0 and 100 -> 50; p25 at position 0.75
    # -> -100 + 0.75 * 100 = -25; p90 at 2.7 -> 100 + 0.7 * 200 = 240
    assert got["npv"]["p50"] == pytest.approx(50.0)
    assert got["npv"]["p25"] == pytest.approx(-25.0)
    assert got["npv"]["p90"] == pytest.approx(240.0)
    assert got["npv"]["mean"] == pytest.approx(75.0)
    assert got["positive_npv_sites"] == 2
    assert got["renewable_share"] == pytest.approx(400e3 / 1e6)
    # PV met 100 + 200 + 30 + 0 MWh of the 1,000 MWh the planned sites use.
    assert got["self_sufficiency"] == pytest.approx(330e3 / 1e6)
    empty = portfolio_summary(table.assign(status="failed"))
    assert empty["ok"] == 0 and empty["total_kwp"] is None and empty["npv"] is None


def test_cli_bad_sites_file_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("name,lat,lon,roof_area_m2,annual_kwh\nFoo,95,120,100,1000\n"
                    "Bar,30,120,,1000\n", encoding="utf-8")
    status = main(["batch", str(path), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert status == 2
    assert "row 2 (name 'Foo'): lat 95 is outside -90..90" in captured.err
    assert "row 3 (name 'Bar'): no roof" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert not (tmp_path / "out").exists()
    assert main(["batch", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")]) == 2
    assert main(["batch", str(path), "--out", str(tmp_path / "o"), "--workers", "0"]) == 2


@pytest.mark.slow
def test_cli_runs_on_local_worker_processes(tmp_path, capfd):
    path = tmp_path / "sites.csv"
    path.write_text("name,city,roof_area_m2,annual_kwh\nA,Hangzhou,1000,300000\n"
                    "B,Guangzhou,1500,600000\nC,Nanjing,800,200000\n", encoding="utf-8")
    status = main(["batch", str(path), "--out", str(tmp_path / "out"), "--workers", "2",
                   "--json"])
    captured = capfd.readouterr()
    assert status == 0, captured.err
    summary = json.loads(captured.out)  # with --json, stdout is exactly one JSON object
    assert summary["ok"] == 3 and summary["workers"] == 2
    assert summary["scheduler"] == "local (2 processes)"


@pytest.mark.parametrize(("lang", "first", "last"), [
    ("en", "1/4 sites (25%)", "4/4 sites (100%)"),
    ("zh", "1/4 个厂址（25%）", "4/4 个厂址（100%）"),
])
def test_stderr_progress_line(capsys, lang, first, last):
    from pvplanner.batch.progress import _StderrLine

    line = _StderrLine(4, lang)
    line((1, 0))
    line((2, 0))  # within half a second of the last redraw: skipped
    line((4, 1))  # the last one is always drawn
    line(None)
    err = capsys.readouterr().err
    assert first in err and "2/4" not in err
    assert last in err and ("1 failed" if lang == "en" else "失败 1 个") in err
    assert err.endswith("\n")


def test_table_row_has_no_payback_where_nothing_was_invested():
    """A subsidy paying the whole investment: results.csv/xlsx leave the payback empty (the
    app's table shows n/a), as the proposal does, never 0.0 years."""
    from pvplanner.batch.task import table_row

    task = {"row": 2, "name": "Plant", "slug": "plant", "latitude": 30.2, "longitude": 120.2,
            "input_hash": "x"}
    paid = {"finance": {"capex": 1.2e6, "payback_years": 0.0, "npv": 5e5}}
    assert table_row(task, paid)["finance.payback_years"] is None
    owned = {"finance": {"capex": 1.2e6, "payback_years": 6.4, "npv": 5e5}}
    assert table_row(task, owned)["finance.payback_years"] == 6.4
