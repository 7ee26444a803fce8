"""Saving measures and the product footprint in the proposal (issue 17, item 5): a Chinese
reader reads the measures' names, sources and the footprint in Chinese (no Latin word outside
the allow-list of tests/test_language.py), an English reader in English; every catalogue
measure has its Chinese source, note and cost source."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

import pvplanner
from pvplanner.display.sources import citation
from pvplanner.load.measures import measure_catalogue, measure_text
from pvplanner.report import render_pdf
from pvplanner.report.measures import measure_source
from pvplanner.scenario.model import demo_scenario, parse_scenario
from tests.test_language import latin_words, leaks

ALL = ("hvac_control", "compressed_air_leaks", "compressed_air_pressure", "led_lighting",
       "motor_vfd", "valley_shift")


@pytest.fixture(scope="module")
def planned():
    document = demo_scenario().model_dump(mode="json")
    document["measures"] = [{"id": m} for m in ALL] + [{"id": "offhours_baseload",
                                                       "cut_kw": 30.0}]
    document["production"] = {"unit": "t", "monthly_units": [500.0] * 12}
    return pvplanner.plan(parse_scenario(document), with_npv_curve=False)


@pytest.fixture(scope="module")
def texts(planned):
    return {lang: "\n".join(page.extract_text() for page in PdfReader(
        io.BytesIO(render_pdf(planned, lang))).pages) for lang in ("zh", "en")}


def _flat(text: str) -> str:
    """The text without line breaks (a long source wraps over lines)."""
    return text.replace("\n", "")


def test_every_catalogue_measure_reads_in_chinese():
    for measure in measure_catalogue().values():
        for text in (measure.name_zh, measure.source_zh, measure.note_zh,
                     measure.cost_source_zh):
            assert text and not latin_words(text), (measure.id, text)


def test_the_chinese_proposal_names_and_sources_its_measures_in_chinese(planned, texts):
    zh = texts["zh"]
    assert not latin_words(zh), sorted(set(latin_words(zh)))
    assert not leaks(zh) and not leaks(texts["en"])
    flat = _flat(zh)
    for m in planned.measures:
        assert f"• {m.name_zh}：{measure_text(m.id, 'source', 'zh')[:30]}" in flat, m.id
    assert "千克二氧化碳当量" in zh  # the footprint's unit in words


def test_the_english_proposal_names_and_sources_its_measures_in_english(planned, texts):
    flat = _flat(texts["en"])
    for m in planned.measures:
        # The source as cited: the catalogue's fields by their labels (cut_kw ->
        # “power switched off”), its bookkeeping (data paths) left out.
        cited = citation(measure_text(m.id, "source", "en"), "en")
        assert f"• {m.name_en}: {cited[:25]}" in flat, m.id
    assert "空调" not in texts["en"] and "kgCO2e" in texts["en"]
    assert "cut_kw" not in flat and "data/load_templates" not in flat


def test_a_source_the_catalogue_does_not_hold_is_cited(planned):
    measure = planned.measures[0]
    assert measure_source(measure, "zh") == measure_text(measure.id, "source", "zh")

    class Changed:
        id = measure.id
        source = "user input"
        status = "user"

    assert measure_source(Changed(), "zh") == "方案输入"
    assert measure_source(Changed(), "en") == "user input"
