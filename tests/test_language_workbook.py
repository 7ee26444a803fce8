"""The proposal's workbook reads in the reader's language (issue 14: a salesperson sends the
demo's Chinese PDF, XLSX and HTML unchanged).

Every string cell a reader sees in a Chinese workbook has no Latin word outside the
allow-list of :mod:`tests.test_language` and no id, path or hash; what programs need (the
field names of the data sheets, the field paths and stored values of the Inputs sheet, the
codes of the time-of-use periods) is still in the workbook, in rows and columns that are
really hidden, and reads back with pandas. The English workbook has no Chinese outside
names; the Chinese HTML has no Latin word either.
"""

from __future__ import annotations

import collections
import html as html_module
import io
import re
import typing

import openpyxl
import pandas as pd
import pydantic
import pytest

import pvplanner
from pvplanner.report import render_html, render_xlsx
from pvplanner.report.input_rows import field_label
from pvplanner.report.text import Texts
from pvplanner.report.xlsx import HEADER_ROWS, INPUT_COLUMNS, INPUT_KEYS, PERIOD_CODE, sheet_names
from pvplanner.scenario.model import Scenario, demo_scenario, parse_scenario
from tests.test_language import chinese_leaks, latin_words, leaks

#: Data sheets: labels in row 1, the Result's field names in a hidden row 2.
DATA_SHEETS = ("Hourly results", "Monthly", "Cash flow", "Carbon")


# --------------------------------------------------------------------------- plans
@pytest.fixture(scope="module")
def demo():
    return pvplanner.plan(demo_scenario(), with_npv_curve=False)


@pytest.fixture(scope="module")
def emc():
    document = demo_scenario().model_dump(mode="json")
    document["finance"]["ownership"] = "emc"
    document["battery"]["allowed"] = True  # the battery's inputs and ledger columns too
    return pvplanner.plan(parse_scenario(document), with_npv_curve=False)


@pytest.fixture(scope="module")
def measured():
    """Saving measures and a product footprint: the optional sheet."""
    document = demo_scenario().model_dump(mode="json")
    document["measures"] = [{"id": "hvac_control", "end_use_share": 0.2},
                            {"id": "compressed_air_leaks"}, {"id": "valley_shift"}]
    document["production"] = {"unit": "吨", "monthly_units": [400.0] * 6 + [600.0] * 6}
    return pvplanner.plan(parse_scenario(document), with_npv_curve=False)


def _book(result, lang: str) -> openpyxl.Workbook:
    # Not read-only: the row and column dimensions say what is hidden.
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(result, lang)))


@pytest.fixture(scope="module")
def demo_books(demo):
    return {lang: _book(demo, lang) for lang in ("zh", "en")}


# --------------------------------------------------------------------------- cells
def hidden_rows(sheet) -> set[int]:
    return {row for row, dim in sheet.row_dimensions.items() if dim.hidden}


def hidden_columns(sheet) -> set[int]:
    out: set[int] = set()
    for dim in sheet.column_dimensions.values():
        if dim.hidden:
            out.update(range(dim.min, dim.max + 1))
    return out


def visible_strings(sheet) -> list[tuple[str, str]]:
    """(cell, text) of every string cell of a sheet outside its hidden rows and columns."""
    rows, columns = hidden_rows(sheet), hidden_columns(sheet)
    return [(cell.coordinate, cell.value) for line in sheet.iter_rows() for cell in line
            if isinstance(cell.value, str) and cell.row not in rows
            and cell.column not in columns]


def latin_in(book) -> dict[str, collections.Counter]:
    """Latin words outside the allow-list in the visible cells, by sheet (empty sheets left
    out) — with the texts that hold them, for the failure message."""
    found = {}
    for sheet in book.worksheets:
        words = collections.Counter(word for _, text in visible_strings(sheet)
                                    for word in latin_words(text))
        if words:
            found[sheet.title] = words
    return found


def leaks_in(book) -> list[tuple[str, str, dict]]:
    return [(sheet.title, where, leaks(text)) for sheet in book.worksheets
            for where, text in visible_strings(sheet) if leaks(text)]


def _check_hidden_parts(book, lang: str) -> None:
    """What programs read is there and really hidden: row 2 of the data sheets, the two last
    columns of the Inputs sheet, the hourly sheet's period codes."""
    names = sheet_names(lang)
    for name in DATA_SHEETS:
        sheet = book[names[name]]
        assert hidden_rows(sheet) >= {2}, name
        assert 1 not in hidden_rows(sheet) and 3 not in hidden_rows(sheet), name
        keys = [cell.value for cell in sheet[2]]
        assert keys[0] in ("time", "month", "year") and all(
            isinstance(k, str) and re.fullmatch(r"[a-z0-9_]+", k) for k in keys), (name, keys)
        assert sheet["A1"].comment is not None  # the note saying row 2 is there, hidden
    inputs = book[names["Inputs"]]
    assert hidden_columns(inputs) >= {INPUT_COLUMNS + 1, INPUT_COLUMNS + 2}
    assert not hidden_columns(inputs) & {1, 2, 3}
    header = [cell.value for cell in inputs[1]]
    assert tuple(header[INPUT_COLUMNS:INPUT_COLUMNS + 2]) == INPUT_KEYS
    hourly = book[names["Hourly results"]]
    keys = [cell.value for cell in hourly[2]]
    code = keys.index(PERIOD_CODE) + 1
    assert code in hidden_columns(hourly) and keys.index("period") + 1 not in hidden_columns(hourly)


# --------------------------------------------------------------------------- the demo
def test_the_chinese_workbook_of_the_demo_reads_chinese(demo_books):
    book = demo_books["zh"]
    assert latin_in(book) == {}
    assert leaks_in(book) == []
    _check_hidden_parts(book, "zh")


def test_the_chinese_workbook_names_periods_fields_and_choices_in_chinese(demo, demo_books):
    book, names = demo_books["zh"], sheet_names("zh")
    hourly = book[names["Hourly results"]]
    keys = [cell.value for cell in hourly[2]]
    period, code = keys.index("period"), keys.index(PERIOD_CODE)
    pairs = {(row[period], row[code]) for row in hourly.iter_rows(min_row=HEADER_ROWS + 1,
                                                                  values_only=True)}
    t = Texts("zh")
    # Each code beside its Chinese name, the names of the proposal's catalogue.
    assert pairs == {(t(f"tou_period.{c}"), c) for c in set(demo.hourly["period"])}
    assert {"低谷", "高峰", "平段", "尖峰", "深谷"} == {name for name, _ in pairs}
    inputs = {row[INPUT_COLUMNS]: row[:3] for row in
              book[names["Inputs"]].iter_rows(min_row=2, values_only=True)}
    assert inputs["finance.discount_rate"] == ("财务参数", "折现率", 0.06)
    assert inputs["roof_planes[0].tilt_deg"][:2] == ("屋顶分区 1", "屋面倾角")
    assert inputs["constraints.objective"][2] == "净现值最大"
    assert inputs["finance.ownership"][2] == "业主自投"
    assert inputs["roof_planes[0].mounting"][2] == "平铺"
    assert inputs["pv.spectral_correction"][2] == "是"
    # An id of a data table is shown by the name of what it points to.
    assert inputs["carbon.residual_factor_id"][2].startswith("全国 2023年")


def test_the_english_workbook_has_no_chinese_outside_names(demo_books):
    book, names = demo_books["en"], sheet_names("en")
    assumptions = book[names["Assumptions"]]
    source = [cell.value for cell in assumptions[1]].index("Source") + 1
    found = []
    for sheet in book.worksheets:
        for where, text in visible_strings(sheet):
            # Sources cite Chinese documents and publications by their names.
            if sheet is assumptions and openpyxl.utils.cell.coordinate_to_tuple(where)[1] \
                    == source:
                continue
            if chinese_leaks(text):
                found.append((sheet.title, where, text))
    assert found == []
    assert leaks_in(book) == []
    _check_hidden_parts(book, "en")
    inputs = {row[INPUT_COLUMNS]: row[2] for row in
              book[names["Inputs"]].iter_rows(min_row=2, values_only=True)}
    assert inputs["site.province"] == "Zhejiang" and inputs["finance.ownership"] == "owner-financed"


def test_the_chinese_html_of_the_demo_reads_chinese(demo):
    page = render_html(demo, "zh")
    text = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", text))
    assert collections.Counter(latin_words(text)) == collections.Counter()
    assert leaks(text) == {}
    assert "杭州萧山印染厂" in text


# --------------------------------------------------------------------------- programs
def test_the_hidden_field_names_read_back_with_pandas(demo):
    data = render_xlsx(demo, "zh")
    monthly = pd.read_excel(io.BytesIO(data), sheet_name=sheet_names("zh")["Monthly"],
                            header=1, index_col=0)
    assert monthly.index.name == "month" and len(monthly) == 12
    assert monthly["pv_kwh"].sum() == pytest.approx(demo.pv.annual_generation_kwh, rel=1e-9)
    assert monthly["bill_savings"].sum() == pytest.approx(demo.bills.savings_annual, rel=1e-9)
    both = pd.read_excel(io.BytesIO(data), sheet_name=sheet_names("zh")["Cash flow"],
                         header=[0, 1], index_col=0)
    labels, keys = zip(*both.columns, strict=True)
    assert list(keys) == [str(c) for c in demo.cash_flow.columns]
    assert labels[0] == Texts("zh")(f"columns.{keys[0]}") + " (元)"  # a money column
    column = keys.index("net_cash_flow_project")
    assert both.iloc[:, column].to_numpy() == pytest.approx(
        demo.cash_flow["net_cash_flow_project"].to_numpy())
    inputs = pd.read_excel(io.BytesIO(data), sheet_name=sheet_names("zh")["Inputs"],
                           usecols="D:E", index_col=0)["value"]
    assert inputs["finance.discount_rate"] == pytest.approx(0.06)
    assert inputs["roof_planes[2].mounting"] == "east_west"
    assert inputs["carbon.residual_factor_id"] == demo.inputs["carbon"]["residual_factor_id"]


# --------------------------------------------------------------------------- other plans
def test_an_emc_workbook_in_chinese_reads_chinese(emc):
    book = _book(emc, "zh")
    assert latin_in(book) == {}
    assert leaks_in(book) == []
    _check_hidden_parts(book, "zh")
    inputs = {row[INPUT_COLUMNS]: row[2] for row in
              book[sheet_names("zh")["Inputs"]].iter_rows(min_row=2, values_only=True)}
    assert inputs["finance.ownership"] == "合同能源管理（EMC）"


def test_a_workbook_with_measures_and_a_footprint_reads_chinese(measured):
    book = _book(measured, "zh")
    names = sheet_names("zh", optional=True)
    assert book.sheetnames[-1] == names["Measures and footprint"]
    assert latin_in(book) == {}
    assert leaks_in(book) == []
    _check_hidden_parts(book, "zh")
    sheet = book.worksheets[-1]
    # The measures' and the footprint's field-name rows are there for programs, hidden.
    keyed = [row[0].row for row in sheet.iter_rows()
             if row[0].value in ("name", "stage", "month")]
    assert len(keyed) == 3 and set(keyed) <= hidden_rows(sheet)
    inputs = {row[INPUT_COLUMNS]: row[:3] for row in
              book[sheet_names("zh")["Inputs"]].iter_rows(min_row=2, values_only=True)}
    assert inputs["measures[0].id"][:2] == ("节能措施 1", "措施")
    assert inputs["measures[0].id"][2] == measured.measures[0].name_zh
    assert inputs["production.unit"][2] == "吨"


# --------------------------------------------------------------------------- every field
def _leaf_fields(model: type[pydantic.BaseModel], prefix: str = "",
                 seen: frozenset = frozenset()) -> list[str]:
    """Every leaf field of the scenario model, as a path without list positions."""
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        inner = [a for a in _models(info.annotation) if a not in seen]
        if path == "tariff.custom":  # one structure on the Inputs sheet, not its fields
            out.append(path)
        elif _is_mapping(info.annotation):  # one row per key: a time-of-use period
            out.append(f"{path}.peak")
        elif inner:
            for sub in inner:
                out += _leaf_fields(sub, path, seen | {sub})
        else:
            out.append(path)
    return out


def _is_mapping(annotation) -> bool:
    return typing.get_origin(annotation) is dict or any(
        typing.get_origin(a) is dict for a in typing.get_args(annotation))


def _models(annotation) -> list[type[pydantic.BaseModel]]:
    found = [m for a in typing.get_args(annotation) for m in _models(a)]
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        found.append(annotation)
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_of_the_scenario_has_a_label(lang):
    fields = _leaf_fields(Scenario)
    assert len(fields) > 150 and "finance.discount_rate" in fields
    missing = [f for f in fields if not field_label(f, lang)]
    assert missing == []
    if lang == "zh":
        latin = {f: field_label(f, lang) for f in fields if latin_words(field_label(f, lang))}
        assert latin == {}


def test_a_workbook_with_carbon_credits_reads_chinese():
    """A plan claiming credits under two schemes (one open to the site, one elsewhere): the
    Carbon sheet names the schemes and says why each credits or not, in Chinese, no ids."""
    document = demo_scenario().model_dump(mode="json")
    document["carbon"].update({"certificates": "none", "credit_price_per_tco2": 40.0,
                               "credit_scheme_ids": ["guangdong-carbon-inclusion"]})
    result = pvplanner.plan(parse_scenario(document), with_npv_curve=False)
    assert "Guangdong" in result.carbon_ledger["credit_status"].iloc[0]  # the English note
    book = _book(result, "zh")
    assert latin_in(book) == {}
    assert leaks_in(book) == []
    carbon = [value for _, value in visible_strings(book[sheet_names("zh")["Carbon"]])]
    assert any("广东碳普惠" in value and "浙江" in value for value in carbon), carbon
    english = _book(result, "en")
    assert not any("guangdong-carbon-inclusion" in value for _, value in
                   visible_strings(english[sheet_names("en")["Carbon"]]))



def test_no_server_path_of_an_uploaded_file_is_in_the_workbook_even_hidden(demo):
    """A plan whose weather and meter came from uploads: the Inputs sheet says a file was
    uploaded and holds no trace of where the server keeps it, in visible or hidden cells."""
    import copy
    import dataclasses

    secret = "/srv/pvplanner/uploads/meter/0123456789abcdef0123.csv"
    inputs = copy.deepcopy(demo.inputs)
    inputs["load"]["meter_file"] = secret
    inputs["weather"]["file"] = secret.replace("meter", "weather")
    book = _book(dataclasses.replace(demo, inputs=inputs), "zh")
    cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
             for v in row if v is not None]
    assert not any("/srv/" in c or "0123456789abcdef" in c for c in cells)
    assert any(c == "已上传的文件" for c in cells)
