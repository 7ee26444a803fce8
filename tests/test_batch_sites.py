"""Validation of batch sites files (pvplanner.batch.sites): no planning here, fast."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pvplanner.batch.rows import MONTH_COLUMNS
from pvplanner.batch.run import parse_sites, read_sites, slugify, weather_cell
from pvplanner.errors import PlannerInputError
from weather.climatology import find_city
from weather.datafiles import data_path


def _csv(tmp_path: Path, text: str, name: str = "sites.csv") -> Path:
    path = tmp_path / name
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


def test_example_file_is_valid():
    jobs = read_sites(data_path("batch", "example_sites.csv"))
    assert len(jobs) == 8
    assert [job.row for job in jobs] == list(range(2, 10))
    assert len({job.slug for job in jobs}) == 8
    by_name = {job.name: job for job in jobs}
    # A city without coordinates is placed at the table's coordinates for that city.
    shaoxing = find_city("Shaoxing")
    assert by_name["Shaoxing weaving mill"].latitude == shaoxing.lat
    assert by_name["Shaoxing weaving mill"].scenario["site"]["province"] == "Zhejiang"
    # planes as JSON: two planes, default names filled in only where missing
    planes = by_name["Jiaxing paper mill"].scenario["roof_planes"]
    assert [p["name"] for p in planes] == ["North hall", "Warehouse"]
    # dotted overrides reach the scenario, typed by the model: the validated number and
    # boolean, not the cell's text (these asserted "3300", "0" and "true": the site JSON then
    # stored the sites file's raw text as its scenario)
    shaoxing_finance = by_name["Shaoxing weaving mill"].scenario["finance"]
    assert shaoxing_finance["pv_capex_per_kwp"] == 3300.0
    assert by_name["Jiaxing paper mill"].scenario["constraints"]["export_limit_kw"] == 0.0
    assert by_name["Wuxi machining"].scenario["battery"]["allowed"] is True
    # a Chinese city name resolves, and the carbon inputs get the English name
    suzhou = by_name["苏州电子装配厂"]
    assert suzhou.scenario["carbon"]["site_city"] == "Suzhou"
    assert suzhou.province == "Jiangsu"
    monthly = by_name["Xiaoshan dyeing works"].scenario["load"]
    assert monthly["kind"] == "bills" and len(monthly["monthly_kwh"]) == 12
    assert monthly["monthly_kwh"][1] == 330000.0


def test_several_bad_rows_are_reported_at_once_with_row_numbers(tmp_path):
    path = _csv(tmp_path, """
name,lat,lon,city,roof_area_m2,annual_kwh,template,tariff,finance.pv_capex_per_kwp
Good,30.2,120.2,,5000,1000000,two_shift,,
Foo,95,120,,5000,1000000,,,
Bar,30,120,,,1000000,,,
Baz,,,Atlantis,5000,1000000,,,
good,30,120,,5000,1000000,,,

Qux,30,120,,5000,,twoshift,zhejiang_2026_general,
Neg,30,200,,5000,1000000,,,-5
Cap,30,120,,5000,1000000,,,-5
""")
    with pytest.raises(PlannerInputError) as caught:
        read_sites(path)
    message = str(caught.value)
    assert "7 bad rows" in message
    lines = message.splitlines()[1:]
    assert [re.match(r"\s*row (\d+)", line).group(1) for line in lines] == [
        "3", "4", "5", "6", "8", "9", "10"]
    assert "row 3 (name 'Foo'): lat 95 is outside -90..90" in message
    assert "row 4 (name 'Bar'): no roof" in message
    assert "row 5 (name 'Baz'): city 'Atlantis' is not in the climatology table" in message
    assert "row 6 (name 'good'): the name repeats row 2" in message
    # one row with three problems lists all three (the blank row 7 is skipped, not an error)
    qux = next(line for line in lines if "row 8" in line)
    assert "template 'twoshift' is unknown; did you mean two_shift" in qux
    assert "no load" in qux and "tariff 'zhejiang_2026_general' is not a preset" in qux
    assert "row 9 (name 'Neg'): lon 200 is outside -180..180" in message
    # errors found by the scenario model name the field
    assert "row 10 (name 'Cap'): finance.pv_capex_per_kwp" in message


def test_header_problems(tmp_path):
    path = _csv(tmp_path, """
name,lat,lon,anual_kwh,finance.capex_per_kwp,site.latitude,finance,kwh_01
A,1,2,3,4,5,6,7
""")
    with pytest.raises(PlannerInputError) as caught:
        read_sites(path)
    message = str(caught.value)
    assert "unknown column 'anual_kwh' (did you mean annual_kwh?)" in message
    assert "finance has no field 'capex_per_kwp'; did you mean pv_capex_per_kwp" in message
    assert "'site.latitude' is set by the column lat" in message
    assert "unknown column 'finance'" in message
    with pytest.raises(PlannerInputError, match="a 'name' column is required"):
        parse_sites("lat,lon\n1,2\n")
    with pytest.raises(PlannerInputError, match="no site rows"):
        parse_sites("name,lat,lon\n")
    with pytest.raises(PlannerInputError, match="is empty"):
        parse_sites(b"")
    with pytest.raises(PlannerInputError, match="does not exist"):
        read_sites(tmp_path / "missing.csv")


def test_row_level_rules():
    head = "name,lat,lon,roof_area_m2,planes,annual_kwh," + ",".join(MONTH_COLUMNS) + \
        ",meter_file,battery.allowed\n"
    months = ",".join(["1000"] * 12)
    empty_months = "," * 11
    rows = [
        f"TwoLoads,30,120,100,,5000,{months},,",                       # row 2
        f"SomeMonths,30,120,100,,,1000,2000{',' * 10},,",               # row 3
        f"BothRoofs,30,120,100,\"[{{\"\"area_m2\"\": 5}}]\",5000,{empty_months},,",  # row 4
        f"BadJson,30,120,,\"[{{area}}]\",5000,{empty_months},,",        # row 5
        f"RelMeter,30,120,100,,,{empty_months},meter.csv,",             # row 6
        f"BadBool,30,120,100,,5000,{empty_months},,perhaps",            # row 7
        f"OnlyLat,30,,100,,5000,{empty_months},,",                      # row 8
    ]
    with pytest.raises(PlannerInputError) as caught:
        parse_sites(head + "\n".join(rows) + "\n")
    message = str(caught.value)
    assert "row 2 (name 'TwoLoads'): give one load only, not annual_kwh and kwh_01..kwh_12" in message
    assert "row 3 (name 'SomeMonths'): monthly load needs all of kwh_01..kwh_12; empty: kwh_03" in message
    assert "row 4 (name 'BothRoofs'): give roof_area_m2 or planes, not both" in message
    assert "row 5 (name 'BadJson'): planes is not valid JSON" in message
    assert "row 6 (name 'RelMeter'): meter_file 'meter.csv' is a relative path" in message
    assert ("row 7 (name 'BadBool'): battery.allowed: must be yes or no (true/false) (got "
            "'perhaps')") in message
    assert "row 8 (name 'OnlyLat'): give both lat and lon" in message


def test_meter_file_relative_to_the_sites_file(tmp_path):
    (tmp_path / "meters").mkdir()
    (tmp_path / "meters" / "a.csv").write_text("time,kw\n", encoding="utf-8")
    path = _csv(tmp_path, "name,city,roof_area_m2,meter_file\nA,Hangzhou,100,meters/a.csv\n"
                "B,Hangzhou,100,meters/b.csv\n")
    with pytest.raises(PlannerInputError, match=r"row 3 \(name 'B'\): meter_file 'meters/b.csv' "
                                                r"does not exist"):
        read_sites(path)
    path.write_text("name,city,roof_area_m2,meter_file\nA,Hangzhou,100,meters/a.csv\n",
                    encoding="utf-8")
    (job,) = read_sites(path)
    assert job.scenario["load"] == {
        "kind": "meter_file", "template": "three_shift_continuous",
        "meter_file": str((tmp_path / "meters" / "a.csv").resolve())}
    # the hash follows the meter file's content, not its path
    first = job.input_hash
    (tmp_path / "meters" / "a.csv").write_text("time,kw\n2026-01-01 00:00,1\n", encoding="utf-8")
    assert read_sites(path)[0].input_hash != first


def test_weather_cells_share_the_first_sites_point():
    text = """name,lat,lon,roof_area_m2,annual_kwh,weather.seed
A,30.20,120.20,100,1000,
B,30.30,120.22,100,1000,
C,30.40,120.20,100,1000,
D,30.21,120.19,100,1000,3
"""
    jobs = parse_sites(text, cell_deg=0.25)
    # A and B round to (30.25, 120.25); C to (30.5, 120.25); D has another seed.
    assert weather_cell(30.20, 120.20, 0.25) == weather_cell(30.30, 120.22, 0.25) == (30.25, 120.25)
    assert jobs[0].cell == jobs[1].cell != jobs[2].cell
    assert jobs[3].cell != jobs[0].cell
    assert jobs[1].scenario["site"]["latitude"] == 30.20
    assert jobs[1].scenario["site"]["longitude"] == 120.20
    assert (jobs[1].latitude, jobs[1].longitude) == (30.30, 120.22)
    assert jobs[2].scenario["site"]["latitude"] == 30.40
    exact = parse_sites(text, cell_deg=0)
    assert exact[1].scenario["site"]["latitude"] == 30.30
    assert exact[1].input_hash != jobs[1].input_hash


def test_hash_is_stable_and_sensitive():
    text = "name,lat,lon,roof_area_m2,annual_kwh\nA,30.2,120.2,100,1000\n"
    first, again = parse_sites(text)[0], parse_sites(text)[0]
    assert first.input_hash == again.input_hash
    assert len(first.input_hash) == 64
    changed = parse_sites(text.replace("1000", "1001"))[0]
    assert changed.input_hash != first.input_hash


def test_slugs():
    assert slugify("Foo Bar #2") == "foo-bar-2-" + slugify("Foo Bar #2").rsplit("-", 1)[1]
    assert slugify("foo bar") == "foo-bar"
    chinese = slugify("苏州电子装配厂")
    assert re.fullmatch(r"site-[0-9a-f]{8}", chinese)
    assert chinese != slugify("杭州印染厂")
    jobs = parse_sites("name,city,roof_area_m2,annual_kwh\na b,Hangzhou,1,1\na-b,Hangzhou,1,1\n")
    assert jobs[0].slug != jobs[1].slug


def test_semicolon_and_gb18030(tmp_path):
    text = "name;city;roof_area_m2;annual_kwh\n杭州印染厂;杭州;5000;1000000\n"
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gb18030"))
    (job,) = read_sites(path)
    assert job.name == "杭州印染厂"
    assert job.scenario["site"]["province"] == "Zhejiang"


def test_scenario_is_json_and_complete():
    (job,) = parse_sites("name,city,roof_area_m2,annual_kwh,tariff\nA,Dongguan,100,1000,"
                         "guangdong_2021_general_ci\n")
    from pvplanner.scenario.model import parse_scenario

    scenario = parse_scenario(json.loads(json.dumps(job.scenario)))
    assert scenario.tariff.preset == "guangdong_2021_general_ci"
    assert scenario.site.province == "Guangdong"
    assert scenario.load.kind == "annual" and scenario.load.annual_kwh == 1000
    assert scenario.roof_planes[0].area_m2 == 100


def test_an_empty_sites_file_is_named_by_its_file_alone(tmp_path):
    # "sites file empty.csv 是空文件" mixed English into Chinese: the file's name says it.
    from pvplanner.display.messages import render

    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(PlannerInputError) as caught:
        read_sites(empty)
    zh = render(caught.value.message, "zh")
    assert "empty.csv" in zh and "sites file" not in zh and "空文件" in zh, zh


def test_a_sites_file_with_a_quote_never_closed_is_told_in_words(tmp_path):
    """A quote opened and never closed swallows the rest of the file into one cell past the
    CSV reader's limit: the reader's words say so, not Python's "field larger than field
    limit (131072)"."""
    from pvplanner.display.messages import render

    path = tmp_path / "sites.csv"
    path.write_text('name,city\n"Plant A,Hangzhou\n' + "x" * 140_000 + "\n", encoding="utf-8")
    with pytest.raises(PlannerInputError) as caught:
        read_sites(path)
    en, zh = render(caught.value.message, "en"), render(caught.value.message, "zh")
    assert "more than 131,072 characters (a quote that is never closed?)" in en, en
    assert "超过 131,072 个字符（可能有未闭合的引号）" in zh and "field limit" not in zh, zh


def test_long_cells_are_refused_by_place_without_echoing_them(tmp_path):
    """A cell of 50,000 characters was echoed whole into the row's message (130 kB of error
    text for three such cells): the file is refused naming each cell's row and column (its
    header, or its number where the header cell is the long one), never its text."""
    from pvplanner.batch.sites import MAX_SITE_CELL_CHARS
    from pvplanner.display.messages import render

    long = "9" * 50_000
    path = _csv(tmp_path, f"name,lat,lon\nPlant A,{long},120.2\nPlant B,30.1,120.3\n"
                          f"{'N' * (MAX_SITE_CELL_CHARS + 1)},30.2,120.4\n")
    with pytest.raises(PlannerInputError) as caught:
        read_sites(path)
    en, zh = render(caught.value.message, "en"), render(caught.value.message, "zh")
    assert "2 cells hold more than 500 characters" in en, en
    assert "(row 2, column lat; row 4, column name)" in en, en
    assert "第 2 行 lat 列；第 4 行 name 列" in zh, zh
    assert len(en) < 400 and len(zh) < 400 and "999" not in en + zh and "NNN" not in en + zh
    # A cell of exactly the limit is a value like any other (here: a site's note).
    fine = _csv(tmp_path, "name,city,roof_area_m2,annual_kwh,notes\n"
                          f"Plant A,Hangzhou,5000,2000000,{'n' * MAX_SITE_CELL_CHARS}\n",
                name="fine.csv")
    assert len(read_sites(fine)) == 1
    # The header's own long cell is named by its number.
    head = _csv(tmp_path, f"name,city,{'y' * 40_000}\nPlant A,Hangzhou,1\n", name="head.csv")
    with pytest.raises(PlannerInputError) as caught:
        read_sites(head)
    zh = render(caught.value.message, "zh")
    assert "一个单元格超过 500 个字符" in zh and "（第 1 行第 3 列）" in zh and "yyy" not in zh, zh
