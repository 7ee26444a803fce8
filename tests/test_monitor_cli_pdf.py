"""``pvplanner monitor --pdf``: the monthly report written as PDF beside the JSON."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from pypdf import PdfReader

from pvplanner.cli import main
from tests._monitor_files import csv_bytes, expected_kw


def test_monitor_writes_the_pdf_report(tmp_path, capsys):
    import pvplanner

    scenario = tmp_path / "demo.json"
    scenario.write_text(pvplanner.demo_scenario().model_dump_json(), encoding="utf-8")
    index = pd.date_range("2025-09-01", "2025-09-30 23:00", freq="h")
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"),
                          "发电功率(kW)": np.round(expected_kw(index) * 0.9, 3)})
    generation = tmp_path / "inverter.csv"
    generation.write_bytes(csv_bytes(frame, "gbk"))
    pdf = tmp_path / "月报.pdf"
    code = main(["monitor", str(scenario), "--generation", str(generation), "--pdf", str(pdf),
                 "--lang", "zh"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert f"wrote {pdf}" in out.err
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "光伏电站运行监测报告" in text and "2025-09" in text


def test_a_pdf_into_a_folder_exits_2_before_any_work(tmp_path, capsys):
    import pvplanner

    scenario = tmp_path / "demo.json"
    scenario.write_text(pvplanner.demo_scenario().model_dump_json(), encoding="utf-8")
    generation = tmp_path / "g.csv"
    generation.write_text("time,kW\n2025-09-01 10:00,5\n", encoding="utf-8")
    assert main(["monitor", str(scenario), "--generation", str(generation),
                 "--pdf", str(tmp_path)]) == 2
    assert "--pdf" in capsys.readouterr().err
