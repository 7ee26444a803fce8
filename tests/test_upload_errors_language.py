"""Every error a user can get from an upload reads in the reader's language (issue 14).

Each refusal (a file too large, empty, of another extension, in an unknown encoding, a bad
logo, a bad weather file, a bad scenario or store-import file) is triggered through the
function the app calls, and shown in both languages the way the app shows it
(:func:`pvplanner.app.state.problem_from_exception`, then
:func:`pvplanner.display.messages.render`): the Chinese has no English word outside the
allow-list of ``tests/test_language.py`` (the user's own file name aside) and keeps the
facts (file name, sizes, line); the English is the exception's own text, unchanged. The
weather errors' keys are checked against the code that raises them, and one refusal goes
through the real upload path of the app in Chinese.
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest

from pvplanner.display.messages import catalogue, render
from pvplanner.errors import PlannerInputError
from tests.test_language import latin_words

ROOT = Path(__file__).resolve().parents[1]

#: Latin words these messages may show a Chinese reader beyond tests/test_language.py's
#: allow-list: the encodings a file must be saved in (as Chinese software names them), the
#: TMY2 file extension among the accepted weather files, Excel (a workbook is called so
#: in Chinese too), and TOML's own words true and false, which the file must contain as
#: written (布尔值 alone would not tell the reader what to type).
EXTRA_ALLOWED = frozenset({"UTF", "GB18030", "TM2", "Excel", "true", "false"})


def _shown(exc: BaseException, lang: str) -> str:
    """The error as the app shows it in ``lang``."""
    from pvplanner.app.state import problem_from_exception

    return render(problem_from_exception(exc).message, lang)


def _foreign_words(text: str, *names: str) -> list[str]:
    """Latin words of a Chinese text outside the allow-lists, the user's file names aside."""
    for name in names:
        text = text.replace(name, " ")
    return [word for word in latin_words(text) if word not in EXTRA_ALLOWED]


def _assert_both(exc: BaseException, *facts: str, names: tuple[str, ...] = ()) -> str:
    """The English is the exception's text; the Chinese is Chinese, with ``facts``."""
    english, chinese = _shown(exc, "en"), _shown(exc, "zh")
    assert english == str(exc)
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert not _foreign_words(chinese, *names), (chinese, _foreign_words(chinese, *names))
    for fact in facts:
        assert fact in chinese, (fact, chinese)
    return chinese


# --------------------------------------------------------------------------- size, empty
def test_a_file_over_the_limit_names_its_size_and_the_limit_in_both_languages():
    from pvplanner.app.uploads import check_upload

    with pytest.raises(PlannerInputError) as caught:
        check_upload(b"x" * 2_400_000, "表计数据.csv", "meter", max_mb=1)
    assert str(caught.value).startswith(
        "表计数据.csv is 2.4 MB, more than the 1.0 MB limit: export fewer days")
    chinese = _assert_both(caught.value, "表计数据.csv", "2.4 MB", "1.0 MB",
                           names=("表计数据.csv",))
    assert "365" in chinese  # the advice is translated too, with its figures


def test_a_size_under_a_megabyte_has_no_english_unit_in_chinese():
    from pvplanner.guard.files import check_size

    with pytest.raises(PlannerInputError) as caught:
        check_size(812_400, "logo.png", 500_000, advice="no advice the catalogue knows")
    assert "812 kB" in str(caught.value) and "500 kB" in str(caught.value)
    chinese = _shown(caught.value, "zh")
    assert "0.81 MB" in chinese and "0.50 MB" in chinese


@pytest.mark.parametrize("kind", ["meter", "weather", "scenario", "store", "logo"])
def test_an_empty_upload_is_refused_in_both_languages(kind):
    from pvplanner.app.uploads import check_upload

    with pytest.raises(PlannerInputError) as caught:
        check_upload(b"", f"empty.{'png' if kind == 'logo' else 'json'}", kind)
    assert str(caught.value) == f"empty.{'png' if kind == 'logo' else 'json'} is empty"
    _assert_both(caught.value, "empty.", names=("empty.png", "empty.json"))


def test_a_file_of_blank_lines_is_empty_in_both_languages():
    from pvplanner.guard.files import TOO_LARGE_ADVICE, read_limited

    with pytest.raises(PlannerInputError) as caught:
        read_limited(b" \r\n\n", filename="blank.csv", advice=TOO_LARGE_ADVICE["meter"])
    assert "export the file again" in str(caught.value)
    _assert_both(caught.value, "blank.csv", names=("blank.csv",))


# --------------------------------------------------------------------------- extensions
@pytest.mark.parametrize("kind", ["meter", "weather", "scenario", "store", "logo"])
def test_an_extension_not_accepted_lists_the_accepted_ones_in_both_languages(kind):
    from pvplanner.app.uploads import EXTENSIONS, check_upload

    with pytest.raises(PlannerInputError) as caught:
        check_upload(b"MZ\x90\x00", "setup.exe", kind)
    accepted = ", ".join("." + e for e in EXTENSIONS[kind])
    assert str(caught.value) == f"setup.exe: .exe files are not accepted here; use {accepted}"
    chinese = _assert_both(caught.value, "setup.exe", names=("setup.exe", ".exe"))
    for extension in EXTENSIONS[kind]:
        assert extension.upper() in chinese.upper()


def test_a_logo_of_another_extension_is_refused_in_chinese():
    from pvplanner.app.uploads import save_logo

    with pytest.raises(PlannerInputError) as caught:
        save_logo(b"GIF89a", "标志.gif")
    assert caught.value.field == "upload.logo"
    _assert_both(caught.value, "标志.gif", "PNG", names=("标志.gif", ".gif"))


# --------------------------------------------------------------------------- encodings
def test_a_file_in_no_known_encoding_names_the_line_in_both_languages():
    from pvplanner.guard.files import decode_text

    raw = "时间,功率\n".encode() + b"2025-01-01 00:15,\xff\xff\n"
    byte = raw.index(b"\xff")
    with pytest.raises(PlannerInputError) as caught:
        decode_text(raw, "meter.csv")
    assert str(caught.value).startswith(
        f"meter.csv: line 2 (byte {byte}) is neither UTF-8 nor GBK/GB18030 text")
    _assert_both(caught.value, "meter.csv", "第 2 行", f"第 {byte} 字节", "UTF-8",
                 names=("meter.csv",))


def test_the_meter_readers_advice_is_translated_too():
    from pvplanner.load.meter.reader import read_meter_file

    raw = "时间,功率\n".encode() + b"2025-01-01 00:15,\xff\xff\n"
    with pytest.raises(PlannerInputError) as caught:
        read_meter_file(raw, filename="meter.csv")
    assert str(caught.value).endswith("save the file as CSV (UTF-8) or XLSX")
    _assert_both(caught.value, "meter.csv", "XLSX", names=("meter.csv",))


@pytest.mark.parametrize(("values", "english", "facts"), [
    ([-450.0, -520.0, -610.0, -380.0], "are negative (e.g. row 2: -450 kW)", ("为负", "第 2 行")),
    ([9.5e8, 8.1e8, 7.7e8, 9.9e8], "the largest is 9.9e+08 kW (row 5)",
     ("9.9e+08 kW", "第 5 行")),
])
def test_meter_values_that_leave_too_little_data_say_why_in_both_languages(values, english,
                                                                           facts):
    """Why most readings were dropped (negative, absurd, none): said in the reader's
    language with the file, the column and an example row."""
    import pandas as pd

    from pvplanner.load.meter.reader import read_meter_file

    index = pd.date_range("2025-01-01", periods=96 * 40, freq="15min")
    column = [values[i % len(values)] for i in range(len(index))]
    text = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), "kW": column}).to_csv(
        index=False)
    with pytest.raises(PlannerInputError) as caught:
        read_meter_file(text.encode(), filename="meter.csv", units="kw")
    assert english in str(caught.value), str(caught.value)
    _assert_both(caught.value, "meter.csv", *facts, names=("meter.csv", "9.9e+08"))


# --------------------------------------------------------------------------- logo
def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "english"), [
    (b"%PDF-1.7 not an image", "is not a PNG or JPEG image"),
    (_png(400, 200)[:120], "could not be read as an image (damaged?)"),
])
def test_a_bad_logo_is_refused_in_both_languages(data, english):
    from pvplanner.app.uploads import save_logo

    with pytest.raises(PlannerInputError) as caught:
        save_logo(data, "公司标志.png")
    assert english in str(caught.value)
    assert caught.value.field == "upload.logo"
    _assert_both(caught.value, "公司标志.png", "PNG", names=("公司标志.png",))


# --------------------------------------------------------------------------- weather
@pytest.mark.parametrize(("data", "name", "key", "facts"), [
    (b"this is not a weather file\n1,2,3\n", "气象.epw", "errors.weather.file.unreadable",
     ("EPW",)),
    (b"PK\x03\x04 zipped", "气象.csv", "errors.weather.file.zip", ("CSV",)),
    (b"", "气象.csv", "errors.weather.file.empty", ()),
    (b"just some text\nwithout a header we know\n", "气象.txt", "errors.weather.file.not_weather",
     ("EPW", "TMY2", "PVGIS")),
    (b"time,ghi,temp_air\n2023-01-01 00:00,0,5\n2023-01-01 01:00,0,5\n", "气象.csv",
     "errors.weather.validate.missing_share", ("8758", "8760", "10%")),
])
def test_a_bad_weather_file_is_refused_in_both_languages(data, name, key, facts):
    from pvplanner.app.state import problem_from_exception
    from weather.errors import WeatherInputError
    from weather.readers import read_weather_file

    with pytest.raises(WeatherInputError) as caught:
        read_weather_file(data, filename=name, latitude=30.2, longitude=120.2)
    assert problem_from_exception(caught.value).message.key == key
    # "ghi" is a column name of the user's file, quoted as it is.
    _assert_both(caught.value, name, *facts, names=(name, "“ghi”"))


def test_a_weather_file_with_text_in_numbers_names_line_and_cell_in_chinese():
    from weather.errors import WeatherInputError
    from weather.readers import read_weather_file

    data = (b"# latitude=30.2, longitude=120.2\ntime,ghi,temp_air\n2023-01-01 00:00,0,5\n"
            b"2023-01-01 01:00,n/a?,5\n")
    with pytest.raises(WeatherInputError) as caught:
        read_weather_file(data, filename="site.csv")
    chinese = _shown(caught.value, "zh")
    assert "第 4 行" in chinese and "“ghi”" in chinese and "n/a?" in chinese
    assert _shown(caught.value, "en") == str(caught.value)
    assert "line 4, column 'ghi'" in str(caught.value)


def test_a_site_over_the_sea_is_refused_by_pvgis_in_both_languages(requests_mock):
    import json

    from weather.errors import WeatherInputError
    from weather.pvgis import PVGIS_TMY_URL, fetch_pvgis_tmy

    body = json.loads((ROOT / "tests" / "data" / "weather_http" / "pvgis_error_sea.json")
                      .read_text(encoding="utf-8"))
    requests_mock.get(PVGIS_TMY_URL, status_code=400, json=body)
    with pytest.raises(WeatherInputError) as caught:
        fetch_pvgis_tmy(31.0, 123.5, sleep=lambda seconds: None)
    assert "Location over the sea" in str(caught.value)
    chinese = _assert_both(caught.value, "31.0", "123.5", "合成气象数据")
    assert "sea" not in chinese


def _weather_templates() -> dict[str, str]:
    """``{key: English template}`` of every keyed error (and keyed part of one) that
    ``weather/`` raises, read from the code."""
    found = {}
    for path in sorted((ROOT / "weather").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and len(node.args) >= 2
                    and all(isinstance(a, ast.Constant) for a in node.args[:2])):
                continue
            function = node.func
            error = (isinstance(function, ast.Attribute) and function.attr == "of"
                     and isinstance(function.value, ast.Name)
                     and function.value.id == "WeatherInputError")
            part = isinstance(function, ast.Name) and function.id == "message_part"
            if error or part:
                found[node.args[0].value] = node.args[1].value
    return found


def test_every_keyed_weather_error_has_its_code_english_in_the_catalogue():
    from weather.readers import _EXPECTED

    templates = _weather_templates()
    assert len(templates) > 40  # the scan found the raises (a broken scan finds none)
    messages = catalogue()
    missing = sorted(k for k in templates if f"errors.weather.{k}" not in messages)
    assert not missing, missing
    changed = {k: (messages[f"errors.weather.{k}"]["en"], t) for k, t in templates.items()
               if messages[f"errors.weather.{k}"]["en"] != t}
    assert not changed, changed
    for kind, text in _EXPECTED.items():
        assert messages[f"errors.weather.format.{kind}"]["en"] == text, kind


def test_no_weather_reader_raises_an_unkeyed_error():
    for name in ("readers.py", "validate.py"):
        code = (ROOT / "weather" / name).read_text(encoding="utf-8")
        assert "WeatherInputError(" not in code.replace("class WeatherInputError(", ""), name


# --------------------------------------------------------------------------- scenarios
@pytest.mark.parametrize(("text", "fmt", "facts", "english"), [
    ('{"site": {"latitude": 30.2,}}', "json", ("第 1 行",),
     "方案.json is not valid JSON at line 1, column 28: a name in double quotes is expected "
     "here"),
    ("[site]\nlatitude = = 30\n", "toml", ("第 2 行", "第 12 列"),
     "is not valid TOML at line 2, column 12: a value is expected here"),
    ("[site\n", "toml", (), "is not valid TOML"),
    ("[" * 5000 + "]" * 5000, "json", ("32",), "nests tables or lists more than 32 levels"),
])
def test_a_scenario_file_that_does_not_parse_is_refused_in_both_languages(
        text, fmt, facts, english):
    from pvplanner.scenario.model import scenario_from_text

    origin = f"方案.{fmt}"
    with pytest.raises(PlannerInputError) as caught:
        scenario_from_text(text, fmt=fmt, origin=origin)
    assert english in str(caught.value)
    _assert_both(caught.value, origin, *facts, names=(origin,))


@pytest.mark.parametrize(("version", "facts"), [(99, ("99",)), ("2", ('"2"',))])
def test_a_scenario_of_an_unknown_schema_version_is_refused_in_both_languages(version, facts):
    from pvplanner.scenario.model import SCHEMA_VERSION, demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["schema_version"] = version
    with pytest.raises(PlannerInputError) as caught:
        parse_scenario(document)
    # In words for the app's reader (the command line names the key, the error's field).
    assert "the scenario file's format version" in str(caught.value)
    assert str(SCHEMA_VERSION) in str(caught.value) and caught.value.field == "schema_version"
    chinese = _shown(caught.value, "zh")
    # "pvplanner" is the product's name, allowed in Chinese.
    assert not _foreign_words(chinese), chinese
    for fact in facts:
        assert fact in chinese


@pytest.mark.parametrize(("text", "english"), [
    ('{"format": "pvplanner-scenarios", "version": 1, "scenarios": [', "not valid JSON at "
     "line 1"),
    ('{"format": "something else"}', "not a pvplanner scenario export"),
    ('{"format": "pvplanner-scenarios", "version": 99, "scenarios": []}',
     "newer than the version"),
    ('{"format": "pvplanner-scenarios", "version": 1}', 'has no "scenarios" list'),
    ('{"format": "pvplanner-scenarios", "version": 1, "scenarios": [{"name": "  "}]}',
     "scenario 1 of the import file: the scenario name is empty"),
    ('{"format": "pvplanner-scenarios", "version": 1, "scenarios": ' + "[" * 200 + "]" * 200
     + "}", "levels deep"),
])
def test_a_bad_store_import_is_refused_in_both_languages(text, english):
    from pvplanner.store.codec import parse_envelope

    with pytest.raises(PlannerInputError) as caught:
        parse_envelope(text)
    assert english in str(caught.value)
    chinese = _shown(caught.value, "zh")
    assert re.search(r"[\u4e00-\u9fff]", chinese)
    assert _shown(caught.value, "en") == str(caught.value)
    # The envelope's own marker (format name) may be quoted; nothing else in English.
    assert not _foreign_words(chinese.replace("pvplanner-scenarios", " ")
                              .replace("something else", " ")), chinese


# --------------------------------------------------------------------------- in the app
def test_a_bad_weather_upload_reads_chinese_under_the_uploader(tmp_path, monkeypatch):
    from tests.test_app_support import shown, start_app

    app = start_app(tmp_path, monkeypatch, lang="zh")
    app.file_uploader(key="weather_upload").set_value(
        ("站点气象.epw", b"this is not a weather file\n1,2,3\n", "text/plain"))
    app.run()
    assert not app.exception
    assert len(app.error) == 1
    text = shown(app.error[0].value)
    assert "气象文件“站点气象.epw”无法按 EPW 文件" in text
    assert not _foreign_words(text, "站点气象.epw"), text
    assert app.session_state["doc"]["weather"]["source"] == "synthetic"  # unchanged


def test_a_bad_scenario_upload_reads_chinese_under_the_uploader(tmp_path, monkeypatch):
    from tests.test_app_support import goto, shown, start_app

    app = goto(start_app(tmp_path, monkeypatch, lang="zh"), "compare")
    app.file_uploader(key="scenario_upload").set_value(
        ("方案.toml", b"[site\n", "application/toml"))
    app.run()
    assert not app.exception
    texts = [shown(e.value) for e in app.error]
    assert any("方案.toml 不是有效的 TOML 文件" in t for t in texts), texts
    assert all(not _foreign_words(t, "方案.toml") for t in texts), texts


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "方案输入有误：“第 2 个屋面的屋面倾角”应不大于 90.0（当前为 200）"),
    ("en", "invalid scenario: roof plane 2, Roof tilt: must be at most 90.0 (got 200)"),
])
def test_a_scenario_upload_with_a_bad_value_names_its_field(tmp_path, monkeypatch, lang,
                                                             expected):
    """Under the uploader no input stands for the field: the Chinese names it as the input
    pages do (a roof plane by its row), the English by its key in the file."""
    import json

    from pvplanner.scenario.model import demo_scenario
    from tests.test_app_support import goto, shown, start_app

    document = demo_scenario().model_dump(mode="json")
    document["roof_planes"][1]["tilt_deg"] = 200
    app = goto(start_app(tmp_path, monkeypatch, lang=lang), "compare")
    app.file_uploader(key="scenario_upload").set_value(
        ("厂房.json", json.dumps(document).encode("utf-8"), "application/json"))
    app.run()
    assert not app.exception
    texts = [shown(e.value) for e in app.error]
    assert len(texts) == 1 and texts[0].endswith(expected), texts
    if lang == "zh":
        assert all(not _foreign_words(t) for t in texts), texts


def test_an_import_naming_a_file_outside_the_uploads_is_refused_in_both_languages(tmp_path):
    import json

    from pvplanner.scenario.model import demo_scenario
    from pvplanner.store.repository import ScenarioStore

    document = demo_scenario().model_dump(mode="json")
    document["load"]["meter_file"] = "/etc/passwd"
    text = json.dumps({"format": "pvplanner-scenarios", "version": 1,
                       "scenarios": [{"name": "厂房一", "scenario": document}]})
    with pytest.raises(PlannerInputError) as caught:
        ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite'}").import_json(
            text, files_root=tmp_path / "uploads")
    assert "scenario 1 of the import file ('厂房一') names a file that is not among your " \
           "uploaded files (meter file)" in str(caught.value)
    chinese = _assert_both(caught.value, "导入文件中的第 1 个方案", "厂房一", "电表数据文件")
    assert "/etc/passwd" not in chinese


def test_a_path_outside_the_upload_folder_names_the_field_in_chinese(tmp_path):
    from pvplanner.guard.paths import confined_path

    with pytest.raises(PlannerInputError) as caught:
        confined_path("../../etc/passwd", tmp_path, what="weather.file")
    assert str(caught.value).startswith("weather file '../../etc/passwd' is not among your "
                                        "uploaded files")
    _assert_both(caught.value, "气象文件", names=("../../etc/passwd",))


def test_a_field_without_a_name_is_given_by_its_key_alone():
    """Where the input pages have no name for a field (a key the scenario does not know),
    the file's key is given as it is, without a row put in front of it."""
    from pvplanner.app.page_compare import _at_field
    from pvplanner.messages import error_message
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["roof_planes"][0]["bogus"] = 1
    with pytest.raises(PlannerInputError) as caught:
        parse_scenario(document)
    chinese = render(_at_field(caught.value, error_message(caught.value)), "zh")
    assert chinese.startswith("方案输入有误：“roof_planes[0].bogus”"), chinese
    assert "屋面的roof" not in chinese
