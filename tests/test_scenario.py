import json
import re

import pytest

from pvplanner.errors import PlannerInputError
from pvplanner.scenario.model import (
    SCHEMA_VERSION,
    demo_scenario,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_from_text,
    scenario_json_schema,
)


def test_demo_round_trips_through_json_and_toml(tmp_path):
    demo = demo_scenario()
    for suffix in (".json", ".toml"):
        path = save_scenario(demo, tmp_path / f"demo{suffix}")
        assert load_scenario(path) == demo


def test_errors_name_the_field():
    data = demo_scenario().model_dump(mode="json")
    data["site"]["latitude"] = 123.0
    data["roof_planes"][1]["tilt_deg"] = 120
    with pytest.raises(PlannerInputError) as caught:
        parse_scenario(data)
    message = str(caught.value)
    assert "site.latitude" in message and "roof_planes[1].tilt_deg" in message
    assert caught.value.field == "site.latitude"


def test_negative_area_and_unknown_field_are_rejected():
    data = demo_scenario().model_dump(mode="json")
    data["roof_planes"][0]["area_m2"] = -5
    with pytest.raises(PlannerInputError, match=r"roof_planes\[0\]\.area_m2"):
        parse_scenario(data)
    data = demo_scenario().model_dump(mode="json")
    data["site"]["lattitude"] = 30
    with pytest.raises(PlannerInputError, match="lattitude"):
        parse_scenario(data)


def test_bills_need_twelve_months_and_duplicate_planes_fail():
    data = demo_scenario().model_dump(mode="json")
    data["load"]["monthly_kwh"] = [1.0] * 11
    with pytest.raises(PlannerInputError, match="load.monthly_kwh"):
        parse_scenario(data)
    data = demo_scenario().model_dump(mode="json")
    data["roof_planes"][1]["name"] = data["roof_planes"][0]["name"]
    with pytest.raises(PlannerInputError, match="unique"):
        parse_scenario(data)


def test_newer_schema_version_is_refused(tmp_path):
    data = demo_scenario().model_dump(mode="json")
    data["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(PlannerInputError, match="upgrade pvplanner"):
        parse_scenario(data)


@pytest.mark.parametrize("version", ["1", -3, 0, True, 1.5, None])
def test_schema_version_is_a_positive_whole_number(version):
    data = demo_scenario().model_dump(mode="json")
    data["schema_version"] = version
    with pytest.raises(PlannerInputError, match="whole number") as caught:
        parse_scenario(data)
    assert caught.value.field == "schema_version"
    assert "newer" not in str(caught.value)


def test_nesting_deeper_than_a_scenario_needs_is_refused():
    for text, fmt in (("[" * 50_000 + "]" * 50_000, "json"),
                      ("a = " + "[" * 50_000 + "]" * 50_000, "toml"),
                      ('{"a": ' + "[" * 40 + "]" * 40 + "}", "json")):
        with pytest.raises(PlannerInputError, match="more than 32 levels"):
            scenario_from_text(text, fmt=fmt, origin="s")
    deep: dict = {}
    node = deep
    for _ in range(40):
        node["x"] = {}
        node = node["x"]
    data = demo_scenario().model_dump(mode="json") | {"site": deep}
    with pytest.raises(PlannerInputError, match="more than 32 levels"):
        parse_scenario(data)
    # A real scenario is far from the limit.
    assert parse_scenario(scenario_from_text(json.dumps(
        demo_scenario().model_dump(mode="json")))).name


def test_bad_files_give_clear_messages(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(PlannerInputError, match="not valid JSON"):
        load_scenario(bad)
    with pytest.raises(PlannerInputError, match="does not exist"):
        load_scenario(tmp_path / "missing.toml")
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PlannerInputError):
        load_scenario(binary)


def test_schema_is_valid_json_with_the_top_level_sections():
    schema = scenario_json_schema()
    json.dumps(schema)
    for key in ("site", "roof_planes", "load", "tariff", "finance", "carbon", "constraints"):
        assert key in schema["properties"]


def test_a_negative_bill_is_said_in_plain_numbers():
    """A negative month's bill: the error gives its range in plain numbers (it said
    “0 至 1e9 kWh”) in both languages."""
    from pvplanner.display.messages import render
    from pvplanner.errors import PlannerInputError
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["load"] = {"kind": "bills", "template": "two_shift",
                        "monthly_kwh": [500000.0, -5.0, *[500000.0] * 10]}
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    detail = info.value.params["detail"]
    assert "第 2 月的用电量超出 0 至 10 亿 kWh 的范围（不能为负）" in render(detail, "zh")
    assert "1e9" not in render(detail, "zh") and "1e9" not in render(detail, "en")


def test_true_or_false_where_a_number_belongs_is_refused_naming_the_field():
    """JSON's ``true`` in a number field was read as 1 (a roof of 1 m2, planned without a
    word); it is refused like any other text there, every such field named, while the
    switches that are true/false (``battery.allowed``...) keep reading them."""
    from pvplanner.display.messages import render

    data = demo_scenario().model_dump(mode="json")
    data["roof_planes"][0]["area_m2"] = True
    data["finance"]["discount_rate"] = False
    with pytest.raises(PlannerInputError) as caught:
        parse_scenario(data)
    assert caught.value.field == "roof_planes[0].area_m2"
    assert render(caught.value.message, "en") == (
        "invalid scenario: roof_planes[0].area_m2: must be a number (got 'true'); "
        "finance.discount_rate: must be a number (got 'false')")
    assert render(caught.value.message, "zh").startswith("方案输入有误：应为数字（当前为“true”）")
    # Switches stay switches, in JSON as in the model.
    data = demo_scenario().model_dump(mode="json")
    switches = [key for key, value in data["battery"].items() if isinstance(value, bool)]
    assert switches  # the demo's battery has true/false settings
    assert parse_scenario(data) == demo_scenario()


@pytest.mark.parametrize(("text", "english", "chinese"), [
    ('{"name": "a" "site": {}}', "at line 1, column 14: a comma (,) is missing",
     "第 1 行第 14 列，两项之间缺少逗号"),
    ('{"name": "abc', "at line 1, column 10: a text in quotes is not closed",
     "第 1 行第 10 列，引号中的文字没有结束"),
    ('{"name": ' + "9" * 5000 + "}", "holds a number of thousands of digits",
     "长达数千位的数字"),
])
def test_a_broken_scenario_file_is_told_in_the_readers_words(text, english, chinese):
    # Python's parser says "Expecting ',' delimiter", "Unterminated string starting at" or
    # "Exceeds the limit (4300 digits)" (the last was an internal error): none of it shows.
    from pvplanner.display.messages import render
    from pvplanner.scenario.model import scenario_from_text

    with pytest.raises(PlannerInputError) as caught:
        scenario_from_text(text, origin="plant.json")
    en, zh = render(caught.value.message, "en"), render(caught.value.message, "zh")
    assert english in en and chinese in zh, (en, zh)
    for shown in (en, zh):
        assert not re.search(r"Expecting|Unterminated|Exceeds|delimiter|digits\)", shown)
