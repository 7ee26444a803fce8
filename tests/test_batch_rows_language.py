"""A bad row of a sites file reads in the reader's language (pvplanner.batch.rows, .sites).

Each case reads a small sites CSV the way the command line (``read_sites``) or the app
(``parse_sites`` with the user's upload folder) does, and checks the one error both ways:
``str(exc)`` is the English it always was, and ``render(exc, "zh")`` is Chinese throughout,
the user's own column names, values and file names, identifiers and units aside.
"""

from __future__ import annotations

import csv
import io
import pickle
import re
from pathlib import Path

import pytest

from pvplanner.batch.rows import MONTH_COLUMNS, SITE_COLUMNS, RowError, check_dotted
from pvplanner.batch.sites import MAX_REPORTED_ERRORS, parse_sites, read_sites
from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.scenario.model import Scenario

_CJK = re.compile(r"[\u4e00-\u9fff]")

#: Words a Chinese message may keep: formats and units, and the file the frame points to.
_KEPT_WORDS = frozenset({"JSON", "CSV", "kWh", "toml", "csv", "md"})
_KEPT_TEXTS = ("data/batch/README.md", "cities.csv")

#: A run of Latin letters (with the characters identifiers and names use between them).
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.'’-]*")

#: A number as Python writes it (``1e+07``, ``-0.5``).
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w])")

#: The scenario's own field names, listed when a column names none of them.
_FIELDS = frozenset(Scenario.model_fields)

_HEAD = "name,lat,lon,city,roof_area_m2,annual_kwh"


def _user_texts(content: str) -> set[str]:
    """Every header name (and each part of a dotted one) and cell value of a sites file: the
    user's own words."""
    records = list(csv.reader(io.StringIO(content)))
    texts = {part for column in records[0] for part in column.strip().split(".")}
    for record in records:
        texts.update(cell.strip() for cell in record)
    return texts - {""}


def _english_left(chinese: str, user: set[str]) -> list[str]:
    """The Latin words of ``chinese`` that are neither the user's own (columns, values, file
    names), nor identifiers (``two_shift``, ``finance.discount_rate``, ``kwh_01``), nor the
    planner's column names, nor formats and units: a word of English prose left untranslated.
    """
    text = chinese
    for kept in sorted(user | set(_KEPT_TEXTS), key=len, reverse=True):
        # whole words only: the user's 'zhejiang_2026_general' is not half of a listed id
        text = re.sub(rf"(?<![A-Za-z0-9_.]){re.escape(kept)}(?![A-Za-z0-9_])", " ", text)
    text = _NUMBER.sub(" ", text)
    left = []
    for word in _WORD.findall(text):
        word = word.strip(".'’-")
        if not word or word in _KEPT_WORDS or word in SITE_COLUMNS or word in _FIELDS:
            continue
        if "_" in word or "." in word or any(c.isdigit() for c in word):
            continue  # an identifier: a column, a field, a template or tariff id
        left.append(word)
    return left


def _sites(tmp_path: Path, content: str) -> PlannerInputError:
    """The error of reading ``content`` as a sites file from disk (the command line's way)."""
    path = tmp_path / "sites.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PlannerInputError) as caught:
        read_sites(path)
    return caught.value


def _check(error: PlannerInputError, content: str, *english: str) -> str:
    """Both languages of one sites-file error; returns the Chinese."""
    text = str(error)
    for fragment in english:
        assert fragment in text, text
    chinese = render(error, "zh")
    assert _CJK.search(chinese), chinese
    # the sites file's own name: its path on the command line, its upload name in the app
    named = re.sub(r"\S*sites\.csv", " ", chinese)
    left = _english_left(named, _user_texts(content))
    assert not left, f"English words {left} in:\n{chinese}"
    assert "; " not in chinese  # problems are joined the Chinese way
    return chinese


# --------------------------------------------------------------------------- the checker


def test_the_checker_finds_english_prose_and_keeps_the_users_words():
    user = {"Foo", "twoshift"}
    assert _english_left("第 2 行（名称 'Foo'）：负荷模板 'twoshift' 不存在", user) == []
    assert _english_left("可选：two_shift、finance.discount_rate、kwh_01..kwh_12（JSON）",
                         user) == []
    assert _english_left("第 2 行（名称 'Foo'）：lat 95 is outside -90..90", user) == [
        "is", "outside"]


# --------------------------------------------------------------------------- one problem each


def test_a_cell_that_is_not_a_number(tmp_path):
    content = f"{_HEAD}\nFoo,abc,120,,5000,1000000\n"
    chinese = _check(_sites(tmp_path, content), content,
                     "row 2 (name 'Foo'): lat 'abc' is not a number")
    assert "第 2 行（名称“Foo”）：lat 列的值“abc”不是数字" in chinese


def test_a_number_out_of_range(tmp_path):
    content = f"{_HEAD}\nFoo,95,120,,5000,1000000\nBar,30,120,,-5,1000000\n"
    chinese = _check(_sites(tmp_path, content), content,
                     "2 bad rows", "row 2 (name 'Foo'): lat 95 is outside -90..90",
                     "row 3 (name 'Bar'): roof_area_m2 -5 must be above 0 (and at most 10,000,000)")
    assert "lat 为 95，超出 -90..90 的范围" in chinese
    assert "roof_area_m2 为 -5，应大于 0（且不超过 10,000,000）" in chinese
    assert "\n  第 3 行（名称“Bar”）" in chinese  # one row a line


def test_no_location(tmp_path):
    content = f"{_HEAD}\nFoo,,,,5000,1000000\n"
    chinese = _check(_sites(tmp_path, content), content,
                     "row 2 (name 'Foo'): no location: give lat and lon, or a city from the "
                     "climatology table")
    assert "缺少厂址位置" in chinese


def test_a_city_not_in_the_table_suggests_cities_in_chinese(tmp_path):
    content = f"{_HEAD}\nFoo,,,Hangzou,5000,1000000\nBar,,,Atlantis,5000,1000000\n"
    chinese = _check(_sites(tmp_path, content), content,
                     "row 2 (name 'Foo'): city 'Hangzou' is not in the climatology table; did "
                     "you mean Hangzhou",
                     "row 3 (name 'Bar'): city 'Atlantis' is not in the climatology table")
    assert "是否为 杭州" in chinese
    assert "可选城市：北京、" in chinese


def test_planes_that_are_not_json(tmp_path):
    content = ("name,lat,lon,planes,annual_kwh\n"
               'Foo,30,120,"[{area: 5}]",1000000\n'
               'Bar,30,120,"{""area_m2"": 5}",1000000\n')
    chinese = _check(_sites(tmp_path, content), content,
                     "row 2 (name 'Foo'): planes is not valid JSON at character 3: a name in "
                     "double quotes is expected here (a comma after the last item, or a name "
                     "without quotes); e.g. [{\"area_m2\": 5000, \"tilt_deg\": 5}]",
                     "row 3 (name 'Bar'): planes must be a non-empty JSON list of objects")
    assert "planes 不是有效的 JSON：第 3 个字符处，此处应为带双引号的名称" in chinese


def test_two_loads_and_a_monthly_load_with_gaps(tmp_path):
    head = f"{_HEAD}," + ",".join(MONTH_COLUMNS)
    months = ",".join(["1000"] * 12)
    gaps = "1000,2000" + "," * 10
    content = f"{head}\nTwo,30,120,,5000,1000000,{months}\nGaps,30,120,,5000,,{gaps}\n"
    chinese = _check(_sites(tmp_path, content), content,
                     "row 2 (name 'Two'): give one load only, not annual_kwh and kwh_01..kwh_12",
                     "row 3 (name 'Gaps'): monthly load needs all of kwh_01..kwh_12; empty: "
                     "kwh_03, kwh_04")
    assert "不能同时填写 annual_kwh 和 kwh_01..kwh_12" in chinese
    assert "未填写：kwh_03、kwh_04" in chinese


def test_an_unknown_template_and_an_unknown_tariff(tmp_path):
    content = (f"{_HEAD},template,tariff\n"
               "Foo,30,120,,5000,1000000,twoshift,\n"
               "Bar,30,120,,5000,1000000,,zhejiang_2026_general\n")
    chinese = _check(_sites(tmp_path, content), content,
                     "row 2 (name 'Foo'): template 'twoshift' is unknown; did you mean two_shift",
                     "row 3 (name 'Bar'): tariff 'zhejiang_2026_general' is not a preset; did "
                     "you mean zhejiang_2026_general_ci")
    assert "负荷模板 'twoshift' 不存在；是否为 two_shift" in chinese
    assert "电价方案 'zhejiang_2026_general' 不是内置电价方案" in chinese


def test_a_scenario_validation_error_keeps_its_own_message_and_names_the_column(tmp_path):
    content = (f"{_HEAD},finance.discount_rate,battery.allowed\n"
               "Foo,30,120,,5000,1000000,-0.5,\n"
               "Bar,30,120,,5000,1000000,,perhaps\n")
    error = _sites(tmp_path, content)
    chinese = _check(error, content,
                     "row 2 (name 'Foo'): finance.discount_rate: must be at least 0.0 (got "
                     "'-0.5')",
                     "row 3 (name 'Bar'): battery.allowed: must be yes or no (true/false) (got "
                     "'perhaps')")
    assert "invalid scenario" not in str(error)
    # the column is named in Chinese too: a sites file has no input to show the message at
    assert "第 2 行（名称“Foo”）：finance.discount_rate 列：应不小于" in chinese
    assert "battery.allowed 列：应为“是”或“否”" in chinese


def test_a_repeated_name(tmp_path):
    content = f"{_HEAD}\nFoo,30,120,,5000,1000000\nfoo,30,120,,5000,1000000\n"
    chinese = _check(_sites(tmp_path, content), content,
                     "1 bad row ", "row 3 (name 'foo'): the name repeats row 2; names must be "
                     "unique")
    assert "名称与第 2 行重复" in chinese


def test_a_name_repeating_a_bad_row_is_reported_with_it(tmp_path):
    # The first row is bad too: both rows are reported at once, not the repeat after a fix.
    content = (f"{_HEAD}\n杭州印染厂,,,杭州,-5,1000000\n杭州印染厂,,,杭州,5000,1000000\n"
               "Foo,,,杭州,5000,1000000\nfoo,,,杭州,-1,1000000\n")
    chinese = _check(_sites(tmp_path, content), content,
                     "3 bad rows", "row 2 (name '杭州印染厂'): roof_area_m2 -5 must be above 0",
                     "row 3 (name '杭州印染厂'): the name repeats row 2; names must be unique",
                     "row 5 (name 'foo'): roof_area_m2 -1 must be above 0 (and at most 10,000,000); "
                     "the name repeats row 4; names must be unique")
    assert "第 3 行（名称“杭州印染厂”）：名称与第 2 行重复" in chinese
    # a row that is bad and repeats a name: both its problems on its one line
    assert "第 5 行（名称“foo”）：" in chinese and "；名称与第 4 行重复" in chinese
    assert "第 4 行" not in chinese.replace("与第 4 行", "")  # row 4 itself is good


def test_unknown_and_reserved_dotted_columns(tmp_path):
    content = (f"{_HEAD},finance.capex_per_kwp,site.latitude,load.kind,x.y\n"
               "Foo,30,120,,5000,1000000,1,2,3,4\n")
    chinese = _check(_sites(tmp_path, content), content,
                     "column 'finance.capex_per_kwp': finance has no field 'capex_per_kwp'; did "
                     "you mean pv_capex_per_kwp",
                     "column 'site.latitude' is set by the column lat",
                     "column 'load.kind' is set by the column annual_kwh, kwh_01..kwh_12 or "
                     "meter_file",
                     "column 'x.y': the scenario has no field 'x'; fields are")
    assert "finance 中没有字段 'capex_per_kwp'" in chinese
    assert "它由 annual_kwh、kwh_01..kwh_12 或 meter_file 列给出" in chinese
    assert "方案中没有字段 'x'" in chinese


def test_several_problems_of_one_row(tmp_path):
    content = (f"{_HEAD},template,tariff\n"
               "Foo,30,abc,,,,twoshift,zhejiang_2026_general\n")
    chinese = _check(_sites(tmp_path, content), content,
                     "row 2 (name 'Foo'): lon 'abc' is not a number; no roof: give roof_area_m2 "
                     "(one plane) or planes (a JSON list); template 'twoshift' is unknown",
                     "; no load: give annual_kwh, kwh_01..kwh_12 or meter_file; tariff "
                     "'zhejiang_2026_general' is not a preset")
    line = chinese.splitlines()[1]
    assert line.count("；") >= 4, line
    assert "缺少屋面" in line and "缺少负荷" in line


def test_a_bad_json_value_and_too_many_cells(tmp_path):
    content = (f"{_HEAD},finance.pv_capex_per_kwp\n"
               "Foo,30,120,,5000,1000000,\"[1,\"\n"
               "Bar,30,120,,5000,1000000,3000,extra\n")
    chinese = _check(_sites(tmp_path, content), content,
                     "row 2 (name 'Foo'): finance.pv_capex_per_kwp: value '[1,' is not valid "
                     "JSON (Expecting value)",
                     "row 3 (name 'Bar'): has 8 cells but the header has 7 columns")
    assert "finance.pv_capex_per_kwp 列：值 '[1,' 不是有效的 JSON" in chinese
    assert "有 8 个单元格，但表头只有 7 列" in chinese


def test_files_the_app_user_did_not_upload(tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    content = (f"{_HEAD},meter_file\n"
               "Foo,30,120,,5000,,meter.csv\n"
               "Bar,30,120,,5000,,../secret.csv\n")
    with pytest.raises(PlannerInputError) as caught:
        parse_sites(content.encode(), origin="sites.csv", folder=uploads, files_root=uploads)
    chinese = _check(caught.value, content,
                     "row 2 (name 'Foo'): meter_file 'meter.csv' was not uploaded; upload the "
                     "file with the sites file and give its bare name",
                     "row 3 (name 'Bar'): meter_file '../secret.csv' is not among the uploaded "
                     "files")
    assert "meter_file 列的文件 'meter.csv' 尚未上传" in chinese
    assert str(uploads) not in chinese and str(uploads) not in str(caught.value)


def test_a_long_report_stays_in_one_language(tmp_path):
    rows = "".join(f"Site {i},95,120,,5000,1000000\n" for i in range(MAX_REPORTED_ERRORS + 10))
    content = f"{_HEAD}\n{rows}"
    error = _sites(tmp_path, content)
    chinese = _check(error, content, f"{MAX_REPORTED_ERRORS + 10} bad rows",
                     "\n  ... and 10 more bad rows")
    assert len(chinese.splitlines()) == MAX_REPORTED_ERRORS + 2
    assert chinese.endswith("……另有 10 行有误")
    assert pickle.loads(pickle.dumps(error.message)) == error.message  # the app caches it


# --------------------------------------------------------------------------- the pieces


def test_a_row_error_carries_its_message():
    message = Message.of("errors.batch.row.name_empty", "name is empty; every site needs a name")
    error = RowError(message)
    assert str(error) == "name is empty; every site needs a name"
    assert error.message.key == "errors.batch.row.name_empty"
    assert pickle.loads(pickle.dumps(error)).message.key == "errors.batch.row.name_empty"


def test_check_dotted_answers_with_a_keyed_message():
    assert check_dotted("finance.discount_rate") is None
    why = check_dotted("schema_version")
    assert isinstance(why, Message) and why.key == "errors.batch.row.set_by_base"
    assert why == "column 'schema_version' cannot be set from a sites file: the base " \
                  "scenario sets it"
    assert _CJK.search(render(why, "zh"))
