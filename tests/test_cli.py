"""The command-line contract of DESIGN.md: JSON keys, exit statuses, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from pvplanner.cli import main
from pvplanner.scenario.model import demo_scenario, save_scenario
from weather.datafiles import data_path

PVLIB_DATA = Path(pvlib.__file__).parent / "data"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run the installed command as a user would (a fresh process, offline)."""
    return subprocess.run(
        [sys.executable, "-m", "pvplanner.cli", *args],
        capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "PVPLANNER_OFFLINE": "1"},
    )


def test_simulate_offline_json_contract():
    # The acceptance command.
    done = run_cli("simulate", "--lat", "30.27", "--lon", "120.16", "--source", "synthetic",
                   "--tilt", "20", "--azimuth", "180", "--capacity-kwp", "100", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["capacity_kwp"] == 100
    assert len(data["monthly_ac_kwh"]) == 12
    assert sum(data["monthly_ac_kwh"]) == pytest.approx(data["annual_ac_kwh"], rel=1e-9)
    assert data["specific_yield_kwh_per_kwp"] == pytest.approx(data["annual_ac_kwh"] / 100)
    # Hangzhou, 20 deg south: the reference gives ~950-990 kWh/kWp (CSWD weather, pvlib).
    assert 900 < data["specific_yield_kwh_per_kwp"] < 1050
    assert data["weather"]["source"] == "synthetic"


def test_simulate_on_a_weather_file_with_options(capsys):
    status = main(["simulate", "--weather", str(PVLIB_DATA / "723170TYA.CSV"), "--tilt", "30",
                   "--azimuth", "180", "--capacity-kwp", "10", "--dc-ac-ratio", "1.3",
                   "--losses-percent", "10", "--json"])
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert data["losses_percent"] == pytest.approx(10.0, abs=1e-6)
    assert data["dc_ac_ratio"] == 1.3
    # Greensboro TMY3 at 30 deg: PVWatts v8 gives ~1,330-1,360 kWh/kWp at 14 % losses;
    # with 10 % losses it is about 4-5 % higher.
    assert 1300 < data["specific_yield_kwh_per_kwp"] < 1500


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--lat", "95", "--lon", "120", "--source", "synthetic"], "--lat 95"),
        (["--lat", "30", "--lon", "200", "--source", "synthetic"], "--lon 200"),
        (["--lat", "30", "--lon", "120", "--source", "synthetic", "--tilt", "120"], "tilt"),
        (["--lat", "30", "--lon", "120", "--source", "synthetic", "--capacity-kwp", "-5"],
         "capacity"),
        (["--lat", "30", "--lon", "120", "--source", "synthetic", "--losses-percent", "150"],
         "losses"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, fragment, capsys):
    full = ["simulate", "--tilt", "20", "--azimuth", "180", "--capacity-kwp", "100"]
    # later options override earlier ones in argparse
    status = main([*full, *args])
    captured = capsys.readouterr()
    assert status == 2
    assert fragment in captured.err.lower()
    assert "Traceback" not in captured.err


def test_weather_file_with_gaps_or_missing_columns_exits_2(tmp_path, capsys):
    gappy = tmp_path / "gappy.csv"
    lines = ["# latitude=30.27, longitude=120.16", "time,ghi,temp_air"]
    hours = pd.date_range("2026-01-01", periods=8760, freq="h")
    for stamp in hours[:3000].append(hours[5000:]):  # 2,000 hours (23 %) missing
        ghi = max(0.0, 800 * np.sin(np.pi * (stamp.hour - 6) / 12))
        lines.append(f"{stamp:%Y-%m-%dT%H:%M},{ghi:.1f},15")
    gappy.write_text("\n".join(lines), encoding="utf-8")
    status = main(["simulate", "--weather", str(gappy), "--tilt", "20", "--azimuth", "180",
                   "--capacity-kwp", "10"])
    err = capsys.readouterr().err
    assert status == 2
    assert "missing" in err and "Traceback" not in err

    no_ghi = tmp_path / "no_ghi.csv"
    no_ghi.write_text("time,temp_air\n2026-01-01T00:00,5\n", encoding="utf-8")
    status = main(["simulate", "--weather", str(no_ghi), "--tilt", "20", "--azimuth", "180",
                   "--capacity-kwp", "10"])
    err = capsys.readouterr().err
    assert status == 2 and "ghi" in err


def test_weather_command_writes_a_year(tmp_path, capsys):
    out = tmp_path / "hz.csv"
    assert main(["weather", "--lat", "30.27", "--lon", "120.16", "--source", "synthetic",
                 "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# latitude=30.27, longitude=120.16")
    assert len(lines) == 8760 + 3  # location and units comments, header, 8760 hours
    # the file it writes is read back by the simulate command (a round trip)
    assert main(["simulate", "--weather", str(out), "--tilt", "20", "--azimuth", "180",
                 "--capacity-kwp", "1", "--json"]) == 0


def test_demo_and_plan_print_one_json_object(tmp_path):
    done = run_cli("demo", "--json")
    assert done.returncode == 0, done.stderr
    demo = json.loads(done.stdout)  # fails if anything else is printed on stdout
    assert demo["pv"]["capacity_kwp"] > 0
    path = save_scenario(demo_scenario(), tmp_path / "s.toml")
    out = tmp_path / "r.json"
    assert main(["plan", str(path), "--json", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["finance"]["npv"] == pytest.approx(
        demo["finance"]["npv"], rel=1e-9
    )


def test_plan_bad_scenario_exits_2(tmp_path, capsys):
    data = demo_scenario().model_dump(mode="json")
    data["site"]["latitude"] = -100
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["plan", str(path)]) == 2
    assert "site.latitude" in capsys.readouterr().err


def test_schema_prints_json(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "roof_planes" in schema["properties"]


def test_load_inspect_reads_a_chinese_meter_export(tmp_path, capsys):
    # A year of 15-minute readings as a GBK CSV with Chinese headers, as Chinese meters export.
    index = pd.date_range("2025-01-01", periods=35040, freq="15min")
    day_shift = (index.hour >= 8) & (index.hour < 20)
    kw = np.where(day_shift, 700.0, 400.0)
    frame = pd.DataFrame({"时间": index.strftime("%Y/%m/%d %H:%M"), "有功功率(kW)": kw})
    path = tmp_path / "meter.csv"
    frame.to_csv(path, index=False, encoding="gbk")
    assert main(["load", "inspect", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # 365 days x (12 h x 700 + 12 h x 400) kWh = 4,818,000 kWh (hand calculation)
    assert report["load"]["annual_kwh"] == pytest.approx(4_818_000, rel=1e-9)
    assert report["quality"]["encoding"] in ("gbk", "gb18030")
    assert report["recommendations"], "a peak-heavy day shift should trigger a recommendation"
    assert main(["load", "inspect", str(tmp_path / "missing.csv")]) == 2
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01binary\xff" * 50)
    assert main(["load", "inspect", str(junk)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_load_inspect_takes_time_zone_and_tariff_from_the_site(tmp_path, capsys):
    """With --scenario the time axis and the tariff are the site's, not UTC+8 and a preset;
    with --lat/--lon the time zone is the place's (Xinjiang's Urumqi keeps Beijing time, so a
    place in Kazakhstan is used: UTC+5)."""
    index = pd.date_range("2025-01-01", periods=8760, freq="h")
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "kW": 500.0})
    path = tmp_path / "meter.csv"
    frame.to_csv(path, index=False)
    scenario = data_path("demo", "hangzhou_dyeing.toml")
    assert main(["load", "inspect", str(path), "--scenario", str(scenario), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["utc_offset_hours"] == {"value": 8.0, "from": "the scenario's site"}
    assert report["tariff"]["from"] == "the scenario"
    assert "large industry" in report["tariff"]["name"]
    assert main(["load", "inspect", str(path), "--lat", "43.25", "--lon", "76.95",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["utc_offset_hours"]["value"] == 5.0
    assert main(["load", "inspect", str(path), "--lat", "43.25"]) == 2


def test_load_inspect_names_a_registers_unit_in_words(tmp_path, capsys, monkeypatch):
    """A cumulative register's unit is said as the app says it, not by its id."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    index = pd.date_range("2025-01-01", periods=35040, freq="15min")
    register = 12_345 + np.cumsum(np.full(35040, 100.0))
    frame = pd.DataFrame({"时间": index.strftime("%Y/%m/%d %H:%M"),
                          "正向有功示数(kWh)": register})
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False, encoding="gbk")
    assert main(["load", "inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "meter register reading [kWh]" in out and "kwh_cumulative" not in out


def test_load_inspect_prices_peak_shaving_at_the_sites_demand_rate(tmp_path, capsys):
    """With the scenario's two-part tariff the analytics carry its demand rate, as the app's
    load page does (the CLI left it null, so peak shaving had no price); a tariff billed on
    the transformer's capacity has no rate on the peak."""
    from pvplanner.pipeline import scenario_tariff
    from pvplanner.scenario.model import load_scenario

    index = pd.date_range("2025-01-01", periods=8760, freq="h")
    kw = np.where((index.hour >= 9) & (index.hour < 11), 900.0, 500.0)
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "kW": kw})
    path = tmp_path / "meter.csv"
    frame.to_csv(path, index=False)
    scenario_path = data_path("demo", "hangzhou_dyeing.toml")
    tariff = scenario_tariff(load_scenario(scenario_path))
    assert tariff.basic_charge_basis == "max_demand" and tariff.demand_charges
    assert main(["load", "inspect", str(path), "--scenario", str(scenario_path),
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    rate = report["analytics"]["demand_charge_per_kw_month"]
    assert rate == pytest.approx(tariff.demand_charges[0].rate_per_kw_month) and rate > 0
    by_capacity = tariff.model_copy(update={"basic_charge_basis": "capacity"})
    assert by_capacity.peak_demand_rate_per_kw_month is None
