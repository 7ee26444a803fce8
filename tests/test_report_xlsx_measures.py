"""The proposal workbook's sheet of saving measures and product footprint (issue 17, item 4):
named in the reader's language, each measure's figures as the plan computed them, the
combined plan, the footprint per unit for the year and by month with its factor, and user
text (the unit of product) written as text, never as a formula."""

from __future__ import annotations

import io

import openpyxl
import pytest

import pvplanner
from pvplanner.load.measures import measure_text
from pvplanner.report import render_xlsx
from pvplanner.report.xlsx import SHEETS, sheet_names
from pvplanner.scenario.model import demo_scenario, parse_scenario
from tests.test_language import latin_words

UNIT = "=SUM(A1:A9)"


@pytest.fixture(scope="module")
def planned():
    document = demo_scenario().model_dump(mode="json")
    document["measures"] = [{"id": "hvac_control", "end_use_share": 0.2},
                            {"id": "compressed_air_leaks"}, {"id": "valley_shift"}]
    document["production"] = {"unit": UNIT, "monthly_units": [400.0] * 6 + [600.0] * 6}
    return pvplanner.plan(parse_scenario(document), with_npv_curve=False)


@pytest.fixture(scope="module")
def books(planned):
    return {lang: openpyxl.load_workbook(io.BytesIO(render_xlsx(planned, lang)))
            for lang in ("zh", "en")}


def _rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_sheet_is_named_in_the_readers_language(books):
    zh, en = books["zh"], books["en"]
    assert zh.sheetnames == [*(sheet_names("zh")[s] for s in SHEETS), "节能措施与碳足迹"]
    assert en.sheetnames[-1] == "Measures and footprint"
    assert not latin_words(zh.sheetnames[-1])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_measure_has_the_plans_figures_and_its_source(planned, books, lang):
    rows = _rows(books[lang].worksheets[-1])
    keys = rows[2]  # labels, then the Result's field names
    assert keys[:3] == ["name", "effect", "kwh_saved_per_year"]
    body = rows[3:3 + len(planned.measures)]
    for m, line in zip(planned.measures, body, strict=True):
        record = dict(zip(keys, line, strict=False))
        assert record["name"] == (m.name_zh if lang == "zh" else m.name_en)
        for field in ("kwh_saved_per_year", "kwh_shifted_per_year", "bill_savings_per_year",
                      "capex", "tco2_avoided_per_year", "life_years"):
            assert record[field] == pytest.approx(getattr(m, field), rel=1e-12), field
        if lang == "zh":
            assert record["source"] == measure_text(m.id, "source", "zh")
            assert not latin_words(record["cost_source"]), record["cost_source"]
        else:
            assert record["source"].startswith(m.source[:20])
    combined = planned.measures_combined
    total = next(line for line in rows if line[0] in ("年电费", "Electricity bill per year"))
    assert total[1:4] == pytest.approx([combined.bill_baseline_annual,
                                        combined.bill_after_measures_annual,
                                        combined.bill_with_measures_and_system_annual])


def test_the_footprint_per_unit_for_the_year_and_by_month(planned, books):
    sheet = books["en"].worksheets[-1]
    rows = _rows(sheet)
    factor = next(line for line in rows if line[0] == "Electricity carbon-footprint factor")
    assert factor[1] == pytest.approx(0.5777) and factor[2] == "kgCO2e/kWh"
    start = next(i for i, line in enumerate(rows) if line[0] == "stage")
    stages = planned.footprint.stages
    for stage, line in zip(stages, rows[start + 1:start + 1 + len(stages)], strict=True):
        record = dict(zip(rows[start], line, strict=False))
        assert record["kwh_per_unit"] == pytest.approx(stage["kwh_per_unit"], rel=1e-12)
        assert record["units"] == 6000.0
    # By month: January's 400 units, by hand from the Result's own monthly figures.
    first = next(i for i, line in enumerate(rows) if line[0] == "month")
    january = dict(zip(rows[first], rows[first + 1], strict=False))
    assert january["month"] == 1 and january["units"] == 400.0
    month = next(r for r in planned.footprint.monthly if r["month"] == 1
                 and r["stage"] == "baseline")
    assert january["kwh_per_unit"] == pytest.approx(month["load_kwh"] / 400.0, rel=1e-12)


def test_user_text_is_never_a_formula(books):
    for book in books.values():
        sheet = book.worksheets[-1]
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert any(UNIT in str(c.value) and c.data_type == "s" for c in cells)


def test_a_plan_without_measures_or_production_has_no_such_sheet():
    result = pvplanner.plan(demo_scenario(), with_npv_curve=False)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "en")), read_only=True)
    assert book.sheetnames == list(SHEETS)
