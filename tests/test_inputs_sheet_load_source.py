"""The workbook's Inputs sheet says which load fields the plan did not read: a plan on a
meter file listed the industry template (行业模板：三班连续生产) as if it had shaped the load."""

from __future__ import annotations

import copy
import dataclasses

import pytest

import pvplanner
from pvplanner.report.input_rows import input_rows
from pvplanner.report.text import Texts
from pvplanner.scenario.model import demo_scenario


@pytest.fixture(scope="module")
def demo():
    return pvplanner.plan(demo_scenario(), with_npv_curve=False, with_sensitivity=False)


def _rows(result, lang: str) -> dict[str, object]:
    return {row.path: row for row in input_rows(result, Texts(lang))}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bills_plan_shows_its_template_and_bills(demo, lang):
    rows = _rows(demo, lang)
    unused = Texts(lang)("input_fields.unused_for_load_source")
    assert rows["load.template"].shown != unused  # the template shapes the bills
    assert rows["load.monthly_kwh"].shown != unused
    assert rows["load.meter_units"].shown == unused  # a meter file's setting, not read


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", "未使用：负荷取自其他来源（见“负荷来源”）"),
    ("en", "not used: the load comes from another source (see Load source)")])
def test_a_meter_plan_says_the_template_and_bills_were_not_used(demo, lang, words):
    inputs = copy.deepcopy(demo.inputs)
    inputs["load"].update(kind="meter_file", meter_file="/srv/uploads/meter/a.csv",
                          meter_file_name="电表2025.csv")
    rows = _rows(dataclasses.replace(demo, inputs=inputs), lang)
    assert rows["load.template"].shown == words
    assert rows["load.template"].stored == "three_shift_continuous"  # kept for programs
    assert rows["load.monthly_kwh"].shown == words
    assert rows["load.meter_file_name"].shown == "电表2025.csv"
    assert rows["load.meter_units"].shown != words
