"""A bad row of a sites file is told in the terms of the sites file (pvplanner.batch.columns,
.rows, .task): the column the user wrote, never the scenario's field key; templates and tariff
presets by their names with the id to write; no template file offered where the app takes
none; an unknown province refused before planning; a tariff to choose asked for in the tariff
column.

Both readers are checked: the command line's operator (``read_sites``, column names as the
header has them) and the app's user (``parse_sites`` with the upload folder, and the
portfolio page itself: each column with its meaning in the reader's language).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pvplanner.batch.columns import field_source
from pvplanner.batch.sites import parse_sites
from pvplanner.display.messages import catalogue, render
from pvplanner.errors import PlannerInputError
from tests.test_batch_rows_language import _check as _check_words
from tests.test_batch_rows_language import _sites as _cli

#: Words a Chinese message keeps besides the user's cells: a choice's id without an
#: underscore, the values and keys typed inside the planes JSON, a province's English name
#: given as a value to write.
_IDS = ("flush", "x", "tilt", "Zhejiang")


def _check(error: PlannerInputError, content: str, *english: str) -> str:
    """Both languages of one sites-file error (:func:`tests.test_batch_rows_language._check`,
    the ids and JSON keys above counted as the user's words); returns the Chinese."""
    return _check_words(error, content + "\n" + ",".join(_IDS), *english)

_HEAD = "name,lat,lon,province,roof_area_m2,tilt_deg,mounting,planes,annual_kwh,template,tariff"

#: Scenario field keys a sites file's user never typed.
_FIELD_KEYS = re.compile(r"roof_planes|site\.latitude|load\.(template|kind)|tariff\.preset")


def _app(tmp_path: Path, content: str) -> PlannerInputError:
    """The error the app gets for ``content`` uploaded (files confined to the uploads)."""
    uploads = tmp_path / "uploads"
    folder = uploads / "batch" / "abc" / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    with pytest.raises(PlannerInputError) as caught:
        parse_sites(content.encode(), origin="sites.csv", folder=folder, files_root=uploads)
    return caught.value


def _row(*, name: str = "A", roof: str = "5000", tilt: str = "", mounting: str = "",
         planes: str = "", template: str = "", tariff: str = "", province: str = "Zhejiang",
         annual: str = "1000000", extra: str = "") -> str:
    planes = f'"{planes}"' if planes else ""
    return (f"{name},30.2,120.1,{province},{roof},{tilt},{mounting},{planes},{annual},"
            f"{template},{tariff}{extra}")


def _file(*rows: str, head: str = _HEAD) -> str:
    return head + "\n" + "\n".join(rows) + "\n"


# --------------------------------------------------------------------------- field -> column


def test_a_field_is_traced_back_to_the_column_that_set_it():
    single = {"name": "A", "lat": "30", "lon": "120", "roof_area_m2": "5000", "tilt_deg": "",
              "mounting": "x", "kwh_01": "1", "finance.discount_rate": "8"}
    assert field_source("roof_planes[0].mounting", single).column == "mounting"
    assert field_source("roof_planes[0].area_m2", single).column == "roof_area_m2"
    assert field_source("roof_planes[0].tilt_deg", single).column is None  # the default
    assert field_source("site.latitude", single).column == "lat"
    assert field_source("load.monthly_kwh[2]", single).column == "kwh_03"
    assert field_source("finance.discount_rate", single).column == "finance.discount_rate"
    assert field_source("finance.pv_capex_per_kwp", single).column is None  # the base's
    several = {"name": "A", "city": "Hangzhou", "planes": "[...]", "tariff.bill": "{...}"}
    second = field_source("roof_planes[1].tilt_deg", several)
    assert (second.column, second.plane, second.key) == ("planes", 2, "tilt_deg")
    assert field_source("site.latitude", several).column == "city"
    inner = field_source("tariff.bill.prices_per_kwh.peak", several)
    assert (inner.column, inner.key) == ("tariff.bill", "prices_per_kwh.peak")


# --------------------------------------------------------------------------- the command line


def test_a_bad_mounting_names_the_mounting_column_not_the_scenario_field(tmp_path):
    content = _file(_row(mounting="upright"))
    error = _cli(tmp_path, content)
    chinese = _check(error, content, "row 2 (name 'A'): mounting: must be one of 'flush', "
                     "'tilted_rows' or 'east_west' (got 'upright')")
    assert "第 2 行（名称“A”）：mounting 列：应为以下之一" in chinese
    for text in (str(error), chinese):
        assert not _FIELD_KEYS.search(text), text


def test_problems_inside_the_planes_column_name_the_plane_and_its_key(tmp_path):
    planes = ('[{""area_m2"": 100}, {""area_m2"": 100, ""tilt_deg"": 95, ""mounting"": ""x""}, '
              '{""area_m2"": -1, ""tilt"": 3}]')
    content = _file(_row(roof="", planes=planes))
    error = _cli(tmp_path, content)
    chinese = _check(error, content,
                     "planes, plane 2, mounting: must be one of",
                     "; planes, plane 2, tilt_deg: must be at most 90.0 (got 95)",
                     "; planes, plane 3, area_m2: must be greater than 0.0 (got -1)",
                     "; planes, plane 3: 'tilt' is not a key of a roof plane; did you mean "
                     "tilt_deg?")
    assert "planes 列第 2 个屋面的 tilt_deg：应不大于 90.0（当前为 95）" in chinese
    assert "planes 列第 3 个屋面：'tilt' 不是屋面的字段；是否为 tilt_deg？" in chinese
    for text in (str(error), chinese):
        assert not _FIELD_KEYS.search(text) and "a field of a scenario" not in text, text


def test_a_roof_plane_rule_names_the_column_of_its_field(tmp_path):
    content = _file(_row(tilt="30", mounting="tilted_rows"))
    chinese = _check(_cli(tmp_path, content), content,
                     "row 2 (name 'A'): tilt_deg: South racks stand on flat roofs")
    assert "tilt_deg 列：朝南支架只能安装在平屋面上" in chinese


def test_a_field_no_column_set_is_said_to_come_from_the_starting_settings(tmp_path):
    content = _file(_row(extra=",min_cost_for_co2"), head=_HEAD + ",constraints.objective")
    error = _cli(tmp_path, content)
    # the command line names the dotted column that would set it
    chinese = _check(error, content,
                     "row 2 (name 'A'): constraints.co2_reduction_target_tco2, which the sites "
                     "file does not set (it comes from the settings every site starts from): a "
                     "CO2 reduction target (tCO2) is needed")
    assert "constraints.co2_reduction_target_tco2（厂址清单文件未设置此项，取自各厂址的基础设置）" in chinese


def test_an_unknown_template_is_offered_by_name_with_the_id_to_write(tmp_path):
    content = _file(_row(template="two_shifts"), _row(name="B", template="两班"))
    error = _cli(tmp_path, content)
    chinese = _check(error, content,
                     "row 2 (name 'A'): template 'two_shifts' is unknown; did you mean "
                     "two_shift (Two shifts)",
                     "write one of the templates: cold_storage (Cold storage), office_commercial "
                     "(Office and commercial), ",
                     "(or the path of a template .toml file)")
    assert "是否为 two_shift（两班生产）" in chinese
    # a Chinese name typed into the cell finds its id
    assert "第 3 行（名称“B”）：负荷模板 '两班' 不存在；是否为 two_shift（两班生产）" in chinese
    assert "load_templates" not in str(error) + chinese


def test_an_unknown_tariff_is_offered_by_name_with_the_id_to_write(tmp_path):
    content = _file(_row(tariff="zhejiang_2026_general"), _row(name="B", tariff="xyz"))
    error = _cli(tmp_path, content)
    chinese = _check(error, content,
                     "row 2 (name 'A'): tariff 'zhejiang_2026_general' is not a preset; did you "
                     "mean zhejiang_2026_general_ci (Zhejiang general C&I time-of-use, 2026 rules",
                     "the presets are guangdong_2021_general_ci, ",
                     "row 3 (name 'B'): tariff 'xyz' is not a preset; write one of the presets: "
                     "guangdong_2021_general_ci (Guangdong general C&I time-of-use")
    assert "zhejiang_2026_general_ci（浙江一般工商业分时电价（2026年规则" in chinese


def test_an_unknown_province_is_refused_before_planning(tmp_path):
    content = _file(_row(province="Atlantis"), _row(name="B", province="Zhejang"),
                    _row(name="C", province="浙江省"))
    error = _cli(tmp_path, content)
    chinese = _check(error, content,
                     "2 bad rows",
                     "row 2 (name 'A'): province 'Atlantis' is not a province of China; write "
                     "its name in English or Chinese",
                     "row 3 (name 'B'): province 'Zhejang' is not a province of China; did you "
                     "mean Zhejiang? ")
    assert "省份 'Zhejang' 不是中国的省级行政区；是否为 浙江？" in chinese
    # outside China a province is the user's own word
    from pvplanner.scenario.model import demo_scenario

    abroad = demo_scenario().model_copy(deep=True)
    abroad.site.country = "DE"
    jobs = parse_sites(_file(_row(province="Bavaria", tariff="zhejiang_2026_general_ci")),
                       base=abroad)
    assert jobs[0].province == "Bavaria"


def test_a_province_without_a_preset_asks_for_the_tariff_column():
    import datetime as dt

    from pvplanner.batch.task import failure
    from pvplanner.tariff.province import default_preset

    task = {"row": 2, "slug": "a", "input_hash": "x"}
    for province, english, chinese in (
            ("Gansu", "the site's province Gansu has no tariff preset (presets exist for "
             "Guangdong, Jiangsu, Zhejiang); write one in the tariff column",
             "厂址所在省份甘肃暂无内置电价表（现有：广东、江苏、浙江）：请在 tariff 列中填写一个电价方案"),
            (None, "fill the province column or write a preset in the tariff column",
             "请填写 province 列，或在 tariff 列中填写一个电价方案")):
        with pytest.raises(PlannerInputError) as caught:
            default_preset(province, dt.date(2026, 1, 1))
        record = failure(task, caught.value)
        assert english in record["error_message"], record
        assert chinese in record["error_message_zh"], record
        assert "time-of-use prices of a bill" not in record["error_message"]


# --------------------------------------------------------------------------- the app


def test_the_app_names_each_column_with_its_meaning(tmp_path):
    planes = '[{""area_m2"": 100, ""tilt_deg"": 95}]'
    content = _file(_row(mounting="upright"), _row(name="B", roof="", planes=planes),
                    _row(name="C", extra=",min_cost_for_co2"),
                    head=_HEAD + ",constraints.objective")
    error = _app(tmp_path, content)
    chinese = _check(error, content,
                     "row 2 (name 'A'): mounting (Mounting): must be one of 'flush' (Flush), "
                     "'tilted_rows' (South racks), 'east_west' (East-west racks) (got 'upright')",
                     "row 3 (name 'B'): planes, plane 1, tilt_deg (Roof tilt): must be at most",
                     "row 4 (name 'C'): CO2 reduction target per year [tCO2], which the sites "
                     "file does not set")
    assert "mounting 列（安装方式）：应为以下之一：'flush'（平铺）、'tilted_rows'（朝南支架）" in chinese
    assert "planes 列第 1 个屋面的 tilt_deg（屋面倾角）：应不大于 90.0" in chinese
    assert "年减排目标 [tCO2]（厂址清单文件未设置此项" in chinese
    for text in (str(error), chinese):
        assert not _FIELD_KEYS.search(text) and "constraints." not in text, text


def test_the_app_offers_templates_by_name_and_no_template_file(tmp_path):
    content = _file(_row(template="two_shifts"),
                    _row(name="B", template="data/load_templates/two_shift.toml"))
    error = _app(tmp_path, content)
    chinese = _check(error, content,
                     "row 2 (name 'A'): template 'two_shifts' is unknown; did you mean two_shift "
                     "(Two shifts)",
                     "row 3 (name 'B'): template 'data/load_templates/two_shift.toml': a template "
                     "file cannot be used here; write one of the templates: cold_storage (Cold "
                     "storage)")
    assert "三班连续生产" in chinese and "此处不能使用负荷模板文件" in chinese
    first = [line for line in str(error).splitlines() if "row 2" in line][0]
    assert ".toml" not in first and "path" not in first
    assert ".toml 文件的路径" not in chinese


def test_the_app_confines_every_file_column_to_the_uploads(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    content = _file(_row(extra=f",{secret}"), head=_HEAD + ",proposal.logo_file")
    error = _app(tmp_path, content)
    assert ("row 2 (name 'A'): proposal.logo_file " in str(error)
            and "is not among the uploaded files" in str(error)), str(error)
    assert str(tmp_path / "uploads") not in str(error) + render(error, "zh")


def test_every_new_message_is_in_both_languages():
    messages = catalogue()
    keys = [key for key in messages if key.startswith(("portfolio.rows.", "portfolio.failure."))]
    assert len(keys) >= 20
    for key in keys:
        assert messages[key].get("en") and messages[key].get("zh"), key


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_portfolio_page_speaks_of_columns_names_and_uploads(tmp_path, monkeypatch, lang):
    from tests.test_app_support import goto, shown, start_app

    at = goto(start_app(tmp_path, monkeypatch, lang=lang), "portfolio")
    content = _file(_row(mounting="upright"), _row(name="B", template="twoshift"),
                    _row(name="C", tariff="zhejiang_2026"), _row(name="D", province="Atlantis"),
                    _row(name="E", annual="", extra=",/etc/passwd"), head=_HEAD + ",meter_file")
    at.file_uploader(key="portfolio:file").set_value(("sites.csv", content.encode(),
                                                      "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    text = shown(at.error[0].value)
    if lang == "zh":
        for fragment in ("mounting 列（安装方式）：应为以下之一：'flush'（平铺）",
                         "是否为 two_shift（两班生产）", "zhejiang_2026_general_ci（浙江一般工商业",
                         "省份 'Atlantis' 不是中国的省级行政区",
                         "meter_file 列的文件 '/etc/passwd' 不在已上传的文件中"):
            assert fragment in text, text
    else:
        for fragment in ("mounting (Mounting): must be one of 'flush' (Flush)",
                         "did you mean two_shift (Two shifts)",
                         "zhejiang_2026_general_ci (Zhejiang general C&I",
                         "province 'Atlantis' is not a province of China",
                         "meter_file '/etc/passwd' is not among the uploaded files"):
            assert fragment in text, text
    assert not _FIELD_KEYS.search(text), text
    assert "load_templates" not in text and ".toml" not in text, text
    assert str(tmp_path) not in text, text
