"""What the load page says about saving measures and the monitor page about the generation
file, in the reader's language: measures and their parameters by name, sources without data
paths, the meter reader's notes and unit in words (AppTest, both languages)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pvplanner.display.messages import translate
from pvplanner.load.measures import measure_catalogue
from tests._monitor_files import csv_bytes, expected_kw
from tests.test_app_support import assert_clean, goto, shown, start_app
from tests.test_language import latin_words, leaks

#: Ids of the measures' parameters, none of which a reader should see.
PARAMETER_IDS = re.compile(r"cut_kw|end_use_share|saving_fraction|shift_fraction")


def _load_page(tmp_path, monkeypatch, lang: str, measures: list[dict]):
    """The load page of the demo with these saving measures chosen."""
    app = start_app(tmp_path, monkeypatch, lang=lang)
    app.session_state["doc"]["measures"] = measures
    goto(app, "load")
    assert_clean(app)
    return app


def _captions(app) -> list[str]:
    return [shown(caption.value) for caption in app.caption]


# --------------------------------------------------------------------------- load page
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_measure_the_load_data_cannot_size_is_named_in_the_readers_words(
        tmp_path, monkeypatch, lang):
    # The demo's round-the-clock plant has no off-hours baseload to switch off, so the
    # load data give no figure for "power switched off" and the measure is left out.
    app = _load_page(tmp_path, monkeypatch, lang, [{"id": "offhours_baseload"}])
    measure = measure_catalogue()["offhours_baseload"]
    name = measure.name_zh if lang == "zh" else measure.name_en
    parameter = translate("report.measure_params.cut_kw", lang)
    notes = [c for c in _captions(app) if c.startswith(f"ℹ️ {name}")]
    assert notes, _captions(app)
    for note in notes:
        assert not PARAMETER_IDS.search(note), note
        assert parameter in note, note
    if lang == "zh":
        assert notes[0] == ("ℹ️ 非工作时间关停空转设备：负荷数据未显示可节省的量（关停功率未知），"
                            "在方案中给出关停功率之前不计入")
        assert not latin_words(notes[0]), notes[0]
    else:
        assert "(unknown: power switched off)" in notes[0]


def test_the_plans_english_note_names_the_parameter_not_its_id():
    """The warnings of a plan (JSON, logs) carry the same words as the page."""
    import pvplanner
    from pvplanner.pipeline import prepare

    document = pvplanner.demo_scenario().model_dump(mode="json")
    document["measures"] = [{"id": "offhours_baseload"}]
    notes = [n for n in prepare(pvplanner.parse_scenario(document)).load_notes
             if getattr(n, "key", "") == "load.measures.notes.no_data_figure"]
    assert len(notes) == 1
    assert str(notes[0]).startswith("Switch off idle equipment outside working hours: ")
    assert "power switched off" in str(notes[0]) and not PARAMETER_IDS.search(str(notes[0]))


def test_every_measure_parameter_has_a_name_in_both_languages():
    """The note names a missing parameter by ``report.measure_params.*``: each one has it."""
    from pvplanner.display.messages import catalogue
    from pvplanner.load.measures import OVERRIDABLE

    for parameters in OVERRIDABLE.values():
        for parameter in parameters:
            entry = catalogue().get(f"report.measure_params.{parameter}")
            assert entry is not None and set(entry) == {"en", "zh"}, parameter


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_measure_sources_on_the_load_page_cite_without_paths_or_ids(tmp_path, monkeypatch, lang):
    app = _load_page(tmp_path, monkeypatch, lang,
                     [{"id": "offhours_baseload", "cut_kw": 50.0}, {"id": "valley_shift"}])
    # "Source:" / "来源：", the caption's start
    head = re.split(r"[(（]", translate("load.measures.source", lang, source="",
                                        status=""))[0].strip()
    sources = [c for c in _captions(app) if c.startswith(head)]
    assert len(sources) == 2, _captions(app)
    for source in sources:
        assert not leaks(source), (source, leaks(source))
        assert not PARAMETER_IDS.search(source), source
        if lang == "zh":
            assert not latin_words(source), source
    if lang == "zh":
        assert measure_catalogue()["offhours_baseload"].source_zh in sources[0]
    else:
        assert "“power switched off” = off-hours baseload" in sources[0]
        assert "load analytics' shift recommendation, an engineering judgement" in sources[1]


# --------------------------------------------------------------------------- monitor page
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_generation_files_report_reads_in_the_readers_language(tmp_path, monkeypatch, lang):
    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "monitor")
    # June only, with UTC offsets on the timestamps: the reader converts them (and says
    # so); that the other months have no data is the typical year's concern, not the
    # monitor's, which reads the file on its own dates.
    index = pd.date_range("2025-06-01", "2025-06-30 23:00", freq="h")
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%dT%H:%M+08:00"),
                          "发电功率(kW)": expected_kw(index) * 0.93})
    app.file_uploader(key="monitor_generation").set_value(
        ("逆变器导出.csv", csv_bytes(frame, "gbk"), "text/csv"))
    app.run()
    assert_clean(app)
    title = translate("monitor.sections.quality", lang)
    report = next(e for e in app.expander if e.label == title)
    lines = [shown(c.value) for c in report.caption]
    assert len(lines) == 2, lines
    offsets, unit = lines
    if lang == "zh":
        assert offsets == "时间戳带有 UTC 时差：已换算为场地的标准时间（UTC+8）"
        assert unit == ("逆变器导出.csv：每 60 分钟一个读数，数值为功率 [kW]"
                        "（表头“发电功率(kW)”注明单位为 kW）")
        for line in lines:
            assert not latin_words(line.replace("逆变器导出.csv", "").replace("UTC", "")), line
    else:
        assert offsets == ("the timestamps carry UTC offsets: converted to the site's "
                           "standard time (UTC+8)")
        assert unit == ("逆变器导出.csv: a reading every 60 min, values as power [kW] "
                        "(header '发电功率(kW)' gives the unit kW)")
    assert not re.search(r"\bkw\b", unit), unit  # the unit's id
