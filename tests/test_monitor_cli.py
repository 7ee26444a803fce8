"""``pvplanner monitor``: the DESIGN.md keys of --json, the XLSX report, and exit 2 with the
problem named for a file it cannot use."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pvplanner.cli import main
from tests._monitor_files import csv_bytes, expected_kw


@pytest.fixture
def scenario_file(tmp_path):
    import pvplanner

    path = tmp_path / "demo.json"
    path.write_text(pvplanner.demo_scenario().model_dump_json(), encoding="utf-8")
    return path


def test_monitor_json_has_the_design_keys(scenario_file, tmp_path, capsys):
    index = pd.date_range("2025-09-01", "2025-09-30 23:45", freq="15min")
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"),
                          "发电功率(kW)": np.round(expected_kw(index) * 0.9, 3)})
    generation = tmp_path / "inverter.csv"
    generation.write_bytes(csv_bytes(frame, "gbk"))
    xlsx = tmp_path / "report.xlsx"
    code = main(["monitor", str(scenario_file), "--generation", str(generation), "--json",
                 "--xlsx", str(xlsx), "--lang", "en"])
    out = capsys.readouterr()
    assert code == 0, out.err
    report = json.loads(out.out)
    for key in ("expected_kwh", "actual_kwh", "performance_index",
                "performance_index_excluding_outages", "outages", "avoided_tco2",
                "certificates", "monthly"):
        assert key in report, key
    assert report["performance_index"] == pytest.approx(0.9, abs=0.005)
    assert report["monthly"][0]["period"] == "2025-09"
    assert {"expected_kwh", "actual_kwh", "avoided_tco2", "certificates_tradable",
            "plan_avoided_tco2"} <= set(report["monthly"][0])
    assert xlsx.stat().st_size > 0


@pytest.mark.parametrize("content, needle", [
    (b"time,kw\nyesterday,lots\n", "broken.csv"),
    (b"", "broken.csv"),
])
def test_a_bad_generation_file_exits_2_naming_it(scenario_file, tmp_path, capsys, content,
                                                  needle):
    bad = tmp_path / "broken.csv"
    bad.write_bytes(content)
    code = main(["monitor", str(scenario_file), "--generation", str(bad), "--json"])
    out = capsys.readouterr()
    assert code == 2
    assert needle in out.err and "Traceback" not in out.err
    assert out.out == ""


def test_a_missing_file_exits_2(scenario_file, tmp_path, capsys):
    code = main(["monitor", str(scenario_file), "--generation", str(tmp_path / "none.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "--generation" in err and "none.csv" in err
