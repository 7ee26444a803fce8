"""Errors a user of the app meets say what to do in words, in both languages: no Python
argument (``value_column=``, ``units=``, ``sheet=``), no scenario key (``schema_version``,
``carbon.credit_factor_id``) and no internal id (an emission factor's
``cn-zhejiang-2023-average``).

The app's reader picks no column of a meter file and types no argument: the reader takes the
kW or kWh column it finds beside the time column, so a wrong column is mended in the file (the
time column and the consumption column only), and a unit at the "Values in the file are"
choice. The command line names the field's key itself where its operator needs it.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest

from pvplanner.display.messages import catalogue, render
from pvplanner.errors import LoadFileError, PlannerInputError
from pvplanner.load.meter import read_meter_file
from tests.test_app_support import goto, shown, start_app

#: A Python argument or keyword in a text: ``value_column=``, ``units='kw'``, ``sheet=``.
ARGUMENT = re.compile(r"\b[a-z][a-z_]*[a-z]\s?=")

#: Meter-reader errors raised only for a Python caller's own arguments (the app and the
#: command line never pass them): they name the argument the caller typed.
PYTHON_ONLY = frozenset({
    "errors.meter.timestamp_pair", "errors.meter.dates_no_time", "errors.meter.timezone",
    "errors.meter.series_choice", "errors.meter.units_choice", "errors.meter.label_choice",
    "errors.meter.utc_offset",
})


def _both(error: BaseException | str) -> dict[str, str]:
    """The error in both languages; its English is the code's own text (``str``)."""
    texts = {lang: render(error, lang) for lang in ("en", "zh")}
    assert texts["en"] == str(error)
    return texts


def _no_argument(texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        assert not ARGUMENT.search(text), (lang, text)
        for word in ("value_column", "timestamp_column", "units=", "sheet="):
            assert word not in text, (lang, text)


# --------------------------------------------------------------------------- meter files
def test_no_meter_error_the_app_can_meet_names_an_argument():
    """Every meter-reader text but those of a Python caller's own arguments is in words."""
    checked = 0
    for key, texts in catalogue().items():
        if key.startswith("errors.meter.") and key not in PYTHON_ONLY:
            _no_argument({lang: str(texts[lang]) for lang in ("en", "zh")})
            checked += 1
    assert checked > 40


def _meter_csv(values, *, header: str = "有功功率(kW)", days: int = 60) -> bytes:
    index = pd.date_range("2025-03-01", periods=days * 24, freq="h")
    column = np.broadcast_to(np.asarray(values, dtype=float), (len(index),))
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), header: column})
    return frame.to_csv(index=False).encode("utf-8")


def _lines(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


_HOURS = pd.date_range("2025-03-01", periods=60 * 24, freq="h")

#: (key, file, reader options, what the English says to do, what the Chinese says).
_METER_CASES = [
    ("all_zero", _meter_csv(0.0), {}, "export only the time column and that one",
     "请只导出时间列和该列"),
    ("register_still", _meter_csv(12345.6, header="正向有功示数(kWh)"),
     {"units": "kwh_cumulative"}, "export only the time column and that one",
     "请只导出时间列和该列"),
    ("negative_values", _meter_csv(-np.linspace(80, 120, 60 * 24)), {},
     "export the import (consumption) column instead, keeping only the time column",
     "只保留时间列和该数据列"),
    ("register_falls", _meter_csv(500_000 - np.arange(60 * 24) * 100.0,
                                  header="电能表示数(kWh)"),
     {"units": "kwh_cumulative"}, "set the values' unit to kW or kWh", "请把数值的单位选为 kW 或 kWh"),
    ("absurd_values", _meter_csv(1e300), {}, "export in kW or kWh, or name the unit in the "
     "column's header", "在列标题中注明单位"),
    ("no_value_column", _lines(["日期,小时,备注"] + [f"{t:%Y-%m-%d},{t.hour},abc"
                                                  for t in _HOURS]), {},
     "export the file with a column of the kW or kWh readings", "请导出含 kW 或 kWh 读数列的文件"),
    ("no_timestamp_column", _lines(["时间,有功功率(kW)", "2025-01-01 00:00,5"]
                                   + [f"x{k},5" for k in range(500)]), {},
     "export the file with such a time column", "请导出含这样的时间列的文件"),
    # A column named by the command line's --irradiance-column (or a Python caller).
    ("value_is_timestamp", _meter_csv(5.0), {"value_column": "时间"},
     "the column named for the readings, '时间', is also the timestamp column", "指定的数值列"),
    ("no_such_column", _meter_csv(5.0), {"value_column": "ghi"},
     "no column named 'ghi' for the readings", "（数值列）"),
    ("column_position", _meter_csv(5.0), {"value_column": 7},
     "column position 7 for the readings is outside the 2 columns", "数值列的位置 7"),
]


@pytest.mark.parametrize(("key", "raw", "options", "english", "chinese"), _METER_CASES,
                         ids=[case[0] for case in _METER_CASES])
def test_a_meter_file_error_says_what_to_do_in_words(key, raw, options, english, chinese):
    with pytest.raises(LoadFileError) as caught:
        read_meter_file(raw, filename="meter.csv", **options)
    assert caught.value.message.key == f"errors.meter.{key}"
    texts = _both(caught.value)
    _no_argument(texts)
    assert english in texts["en"] and english in str(caught.value), texts["en"]
    assert chinese in texts["zh"], texts["zh"]


def test_a_meter_column_without_numbers_says_to_export_the_readings():
    from pvplanner.load.meter.clean import why_too_little

    message = why_too_little("meter.csv", "有功功率(kW)", "kw", np.full(48, np.nan),
                             np.arange(2, 50), {"negative": 0, "absurd": 0}, [], 0.0, {})
    assert message is not None and message.key == "errors.meter.no_numbers"
    texts = _both(message)
    _no_argument(texts)
    assert "keeping only the time column and the column of readings" in texts["en"]
    assert "只保留时间列和读数列" in texts["zh"]


def test_a_workbook_whose_first_sheet_has_no_data_says_where_to_put_it():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本文件为电表导出数据"])
    data = book.create_sheet("负荷")
    data.append(["时间", "功率 (kW)"])
    for t in pd.date_range("2025-05-01", periods=24 * 30, freq="h"):
        data.append([t.to_pydatetime(), 80.0])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(LoadFileError) as caught:
        read_meter_file(buffer.getvalue(), filename="meter.xlsx")
    texts = _both(caught.value)
    _no_argument(texts)
    assert "move the meter data to the workbook's first sheet" in texts["en"]
    assert "请将电表数据放在工作簿的第一个工作表中" in texts["zh"]


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "export only the time column and that one"), ("zh", "请只导出时间列和该列")])
def test_the_load_page_says_how_to_mend_an_all_zero_meter_file(tmp_path, monkeypatch, lang,
                                                               words):
    """Under the uploader: what to do in the reader's words, no argument of the reader."""
    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "load")
    app.radio(key="in:load.kind").set_value("meter_file").run()
    app.file_uploader(key="meter_upload").set_value(
        ("zero.csv", _meter_csv(0.0), "text/csv"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    errors = [shown(e.value) for e in app.error]
    assert any("zero.csv" in text and words in text for text in errors), errors
    _no_argument({lang: "\n".join(errors)})


# --------------------------------------------------------------------------- scenario files
@pytest.mark.parametrize("version", [99, "2", 0])
def test_a_scenario_files_format_version_is_named_in_words(version):
    from pvplanner.scenario.model import SCHEMA_VERSION, demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["schema_version"] = version
    with pytest.raises(PlannerInputError) as caught:
        parse_scenario(document)
    assert caught.value.field == "schema_version"  # the command line names it
    texts = _both(caught.value)
    assert texts["en"].startswith("the scenario file's format version ")
    assert texts["zh"].startswith("方案文件的格式版本")
    for lang, text in texts.items():
        assert "schema_version" not in text and str(SCHEMA_VERSION) in text, (lang, text)


# --------------------------------------------------------------------------- carbon
def _cdm_at(province: str, **inputs):
    from pvplanner.carbon.accounting import CarbonInputs, carbon_ledger

    chosen = CarbonInputs(certificates="none", credit_scheme_ids=["cdm-ams-i-d"],
                          credit_price_per_tco2=2.0, site_province=province, **inputs)
    return carbon_ledger(chosen, generation_kwh=1e6, self_consumed_kwh=8e5, exported_kwh=2e5,
                         years=10, capacity_kw=800)


def test_a_credit_scheme_needing_another_kind_of_factor_names_it_and_the_input():
    with pytest.raises(PlannerInputError) as caught:
        _cdm_at("Zhejiang")
    assert caught.value.key == "errors.carbon.scheme_factor_kind"
    assert caught.value.field == "carbon.credit_factor_id"  # the command line names it
    texts = _both(caught.value)
    assert texts["en"] == ("CDM AMS-I.D needs a combined margin emission factor, but the "
                           "factor used is Zhejiang 2023, grid average: set “Emission factor "
                           "of the credits” to a combined margin factor")
    assert "浙江 2023年电网平均排放因子" in texts["zh"]
    assert "请将“碳减排量排放因子”选为组合边际排放因子" in texts["zh"]
    for lang, text in texts.items():
        assert "cn-" not in text and "credit_factor_id" not in text, (lang, text)
        assert "combined_margin" not in text and "'" not in text, (lang, text)


def test_double_counting_names_the_certificates_choice_as_the_page_does():
    from pvplanner.carbon.accounting import double_counting_check

    with pytest.raises(PlannerInputError) as caught:
        double_counting_check([900.0], {"certificates sold": [900.0], "credits": [900.0]})
    assert caught.value.field == "carbon.certificates"
    texts = _both(caught.value)
    assert ("set “Green certificates (GEC) of the PV output” to “Not registered”"
            in texts["en"])
    assert "请将“光伏发电的绿证 (GEC)”设为“不申领绿证”" in texts["zh"]
    for lang, text in texts.items():
        assert "carbon.certificates" not in text and "'none'" not in text, (lang, text)


@pytest.mark.parametrize(("lang", "label", "said"), [
    ("en", "Emission factor of the credits", "set “Emission factor of the credits” to a "
     "combined margin factor"),
    ("zh", "碳减排量排放因子", "请将“碳减排量排放因子”选为组合边际排放因子"),
])
def test_the_carbon_page_has_the_credit_factor_the_error_names(tmp_path, monkeypatch, lang,
                                                               label, said):
    """A CDM scheme on a site whose grid factor is an average: the error is shown at the
    credit factor's own input, and choosing a combined margin there mends it."""
    app = start_app(tmp_path, monkeypatch, lang=lang)
    carbon = app.session_state["doc"]["carbon"]
    carbon.update(certificates="none", credit_scheme_ids=["cdm-ams-i-d"],
                  credit_price_per_tco2=50.0)
    app.run()
    goto(app, "carbon")
    assert not app.exception, [e.value for e in app.exception]
    box = app.selectbox(key="in:carbon.credit_factor_id")
    assert box.label == label
    errors = [shown(e.value) for e in app.error]
    assert any(said in text for text in errors), errors
    assert not any("cn-zhejiang" in text or "credit_factor_id" in text for text in errors)
    assert all("cn-" not in str(option) for option in box.options)
    box.set_value("cn-east-2019-cm-solar").run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert app.session_state["doc"]["carbon"]["credit_factor_id"] == "cn-east-2019-cm-solar"


@pytest.mark.parametrize("raise_it, app_key", [
    (lambda: __import__("pvplanner.carbon.tables", fromlist=["x"]).carbon_asset("nope-scheme"),
     "carbon.asset_unknown"),
    (lambda: __import__("pvplanner.carbon.factors", fromlist=["x"]).emission_factor("nope-f"),
     "carbon.factor_unknown"),
    (lambda: __import__("pvplanner.carbon.footprint", fromlist=["x"]).footprint_factor("nope"),
     "carbon.footprint_factor_unknown"),
    (lambda: __import__("pvplanner.load.measures", fromlist=["x"]).resolve_measure("nope"),
     "load.measure_unknown"),
    (lambda: __import__("pvplanner.tariff.versions", fromlist=["x"]).preset_file("nope"),
     "tariff.tariff.preset_unknown"),
])
def test_unknown_ids_of_an_opened_scenario_in_the_apps_words(raise_it, app_key):
    """An opened scenario's unknown factor, scheme, footprint factor or measure: the command
    line lists the ids to write (no data file's path); the app says where to choose again,
    without the list of internal ids."""
    from pvplanner.app.state import problem_from_exception

    with pytest.raises(PlannerInputError) as caught:
        raise_it()
    cli_text = str(caught.value)
    assert any(words in cli_text for words in ("known ids", "choose one of", "e.g.",
                                               "valid ids"))
    assert ".csv" not in cli_text and ".toml" not in cli_text and "data/" not in cli_text
    problem = problem_from_exception(caught.value)
    assert problem.message.key == app_key
    for lang in ("en", "zh"):
        shown = render(problem.message, lang)
        assert "nope" in shown  # the reader sees which entry of the file is unknown
        assert "gec-2025" not in shown and "cn-" not in shown and "data/" not in shown
        assert "known ids" not in shown and "zhejiang_2026" not in shown
