"""What a customer's accountant reads in the proposal: scenario fields by their labels, not
their keys; public code names cited as written; Chinese document numbers named in English
words; each tariff row cited with what supports it; no "Prepared by n/a"; plurals in words."""

from __future__ import annotations

import copy
import csv
import io
import re
import string
import tomllib
from pathlib import Path

import pytest

import pvplanner
from pvplanner.assumptions import AS_TARIFF, VERSION_DAY, _class_rule, battery_limit_rows
from pvplanner.display import field_labels
from pvplanner.display.messages import catalogue, render
from pvplanner.display.sources import KEPT_WORDS, citation
from pvplanner.messages import Message, bilingual
from pvplanner.report import input_rows
from pvplanner.report.content import build_proposal
from pvplanner.scenario.model import demo_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

#: A scenario field's key as it would read in a sentence (``project.grid_voltage_kv``).
FIELD_KEY = re.compile(r"\b(?:site|tariff|project|constraints|carbon|battery|pv|roof_planes?"
                       r"|finance|load|weather|proposal|production|measures|design)"
                       r"\.[a-z_]+(?:\.[a-z_]+)*\b")
#: The words a key becomes when its dots and underscores are spaced out.
KEY_AS_WORDS = re.compile(r"\b(?:project grid voltage kv|constraints min self consumption|"
                          r"tariff transformer kva|carbon credit|site province is)\b")
#: Public code a citation quotes exactly (NREL's SSC, pvlib).
PUBLIC_CODE = ("cmod_pvwattsv8", "inv_eff", "pvlib.location.lookup_altitude",
               "pvlib.irradiance.get_extra_radiation")
#: A Chinese document number used as an English word: ``7号``, ``136号`` without the
#: issuer and year that make it a citation (国能发新能规〔2025〕7号).
BARE_NUMBER = re.compile(r"(?<![〕\d])\d+号")


def latin_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in KEPT_WORDS]


@pytest.fixture(scope="module")
def planned():
    """The demo connected at 10 kV (given, so the voltage row is the user's)."""
    data = copy.deepcopy(demo_scenario().model_dump(mode="json"))
    data["project"] = {**(data.get("project") or {}), "grid_voltage_kv": 10.0}
    return pvplanner.plan(parse_scenario(data), with_npv_curve=False)


@pytest.fixture(scope="module")
def demo():
    return pvplanner.plan(demo_scenario(), with_npv_curve=False)


def _assumption_table(result, lang: str) -> dict[str, list[str]]:
    proposal = build_proposal(result, lang)
    table = next(b for b in proposal.section("assumptions").blocks if getattr(b, "rows", None))
    return {row[1]: row for row in table.rows}


# --------------------------------------------------------------------------- 1 field labels
def test_field_labels_live_in_display_and_the_report_keeps_its_names():
    assert input_rows.field_label is field_labels.field_label
    assert input_rows.APP_LABELS is field_labels.APP_LABELS
    assert input_rows.field_of is field_labels.field_of
    assert field_labels.field_label("project.grid_voltage_kv", "en") == "Grid connection voltage"
    assert field_labels.field_label("project.grid_voltage_kv", "zh") == "并网电压等级"
    # display/ is shared by app, report and CLI: it imports neither.
    source = (ROOT / "pvplanner/display/field_labels.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import) pvplanner\.(report|app)\b", source, re.MULTILINE)


@pytest.mark.parametrize(("recorded", "label"), [
    ("not given in the scenario (project.grid_voltage_kv); most plants connect at 10 kV",
     "“Grid connection voltage”"),
    ("two-part billing starts at 315 kVA; give tariff.transformer_kva to decide by the "
     "transformer", "“Transformer capacity”"),
    ("rules not found; give constraints.min_self_consumption_ratio if the grid company asks",
     "“Min self-consumption”"),
    ("location factor used unless carbon.credit_factor_id is set",
     "“Emission factor of the credits”"),
    ("As capex_subsidy_fraction: no central per-kWh subsidy", "“Investment subsidy”"),
])
def test_a_scenario_field_in_a_citation_reads_as_its_label(recorded, label):
    english = citation(recorded, "en")
    assert label in english, english
    assert not FIELD_KEY.search(english) and "_" not in english, english
    assert not KEY_AS_WORDS.search(english), english
    assert not latin_words(citation(recorded, "zh", "unverified"))


def test_public_code_names_are_cited_as_written_and_other_identifiers_as_words():
    for recorded in ("NREL PVWatts v8 default nominal inverter efficiency "
                     "(SSC cmod_pvwattsv8 inv_eff)",
                     "pvlib's global altitude grid at the site (pvlib.location.lookup_altitude)",
                     "Gueymard (2004); pvlib.irradiance.get_extra_radiation default",
                     "SSC lib_pv_incidence_modifier.h (n_arc, used by PVWatts v8)"):
        assert citation(recorded, "en") == recorded
    assert citation("'carry_forward' = a stand-alone company", "en") == \
        "'carry forward' = a stand-alone company"


def _data_texts() -> list[tuple[str, str, str]]:
    """(where, text, status) of every citation or note a reader may see from the data files
    whose field keys this change words."""
    out = []
    with (DATA / "pv_province_rules.csv").open(encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle), start=2):
            out += [(f"pv_province_rules.csv:{i}:{k}", row[k], row["status"])
                    for k in ("source", "reason") if row[k]]
    with (DATA / "carbon_assets.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out += [(f"carbon_assets.csv:{row['id']}:{k}", row[k], row["status"])
                    for k in ("source", "note") if row[k]]
    for name in ("battery_defaults.toml", "pv_defaults.toml"):
        table = tomllib.loads((DATA / name).read_text(encoding="utf-8"))
        stack = [table]
        while stack:
            node = stack.pop()
            if "source" in node and isinstance(node["source"], str):
                out.append((name, node["source"], str(node.get("status", ""))))
            stack += [v for v in node.values() if isinstance(v, dict)]
    return out


def test_the_data_cite_fields_by_label_and_documents_by_their_full_number():
    for where, text, status in _data_texts():
        english = citation(text, "en")
        if "note" not in where.rsplit(":", 1)[-1]:
            assert not FIELD_KEY.search(english), (where, english)
        else:  # notes are shown as written (a closed credit scheme's), not as citations
            assert not FIELD_KEY.search(text), (where, text)
        for code in re.findall(r"\b[a-z]\w*_\w*\b", english):  # SSC's FIXED_ROOF as quoted
            assert any(code in public for public in PUBLIC_CODE) or code in (
                "lib_pv_incidence_modifier", "n_arc", "lib_cec6par", "air_mass_modifier",
                "noct_sam", "close_mount_glass_glass", "open_rack_glass_glass"), (where, code)
        assert not BARE_NUMBER.search(text), (where, text)
        assert not latin_words(citation(text, "zh", status)), (where, text)
    zhejiang = next(text for where, text, _ in _data_texts()
                    if where.startswith("pv_province_rules.csv:2:reason"))
    assert "enter the share as “Min self-consumption” if the grid company" in \
        citation(zhejiang, "en")


def test_the_plans_own_sources_name_no_field_keys(planned):
    for row in planned.assumptions:  # as the English reader sees each
        english = citation(row.source, "en", row.status)
        assert not FIELD_KEY.search(english), (row.item, english)
        assert "Result." not in row.source, (row.item, row.source)
    chosen = citation(planned.assumption("tariff.preset_choice").source, "en")
    assert "give “Transformer capacity” to decide" in chosen, chosen
    category = planned.assumption("project.category")
    assert category.source.startswith(
        "connected at 10 kV, the grid connection voltage the scenario gives")
    assert citation(category.source, "zh", category.status).startswith("按方案填写的并网电压等级")


def test_the_default_battery_limit_names_its_floor_and_rule_in_words():
    demo = demo_scenario()
    demo = demo.model_copy(update={"battery": demo.battery.model_copy(
        update={"allowed": True, "max_energy_kwh": None})})
    floor = float(demo.battery.min_energy_kwh)
    limit, binding = battery_limit_rows(demo, floor + 5_000.0, 365.0, ("battery.max_energy_kwh",))
    assert "day(s)" not in limit.source and "battery's minimum energy of" in limit.source
    assert not FIELD_KEY.search(limit.source) and "Result." not in binding.source


# --------------------------------------------------------------------------- 2 notes
_ZHEJIANG, _JIANGSU = bilingual("Zhejiang", "浙江"), bilingual("Jiangsu", "江苏")
_NOTES = {
    "notes.tariff.zone_ignored": {"zone": "A", "preset": bilingual("Guangdong", "广东")},
    "notes.tariff.other_province": {"tariff": bilingual("Zhejiang large industry", "浙江大工业"),
                                    "region": _ZHEJIANG, "site": _JIANGSU},
    "notes.tariff.province_from_city": {"city": bilingual("Hangzhou", "杭州"), "km": 10.0,
                                        "province": _ZHEJIANG},
    "notes.carbon.location.province_from_city": {"city": bilingual("Hangzhou", "杭州"),
                                                 "km": 10.0, "province": _ZHEJIANG},
    "notes.project.self_use_forced": {"rule": "国能发新能规〔2025〕7号",
                                      "category": bilingual("large C&I", "大型工商业"),
                                      "province": _JIANGSU,
                                      "spot": bilingual("not running", "未连续运行")},
    "notes.project.spot_user_no": {},
    "notes.project.capacity_held_more": {"rule": "国能发新能规〔2025〕7号",
                                         "category": bilingual("general C&I", "一般工商业"),
                                         "voltage": "10 kV", "cap": 6000.0, "roof": 9000.0,
                                         "other": bilingual("connect higher", "提高电压")},
    "notes.meter.label.set": {"mode": bilingual("start", "起点")},
    "notes.meter.units.set": {"mode": bilingual("kW", "平均功率（kW）")},
    "notes.meter.units.assumed_kw": {"header": "h", "interval": 15, "total": 1.0,
                                     "per_year": 2.0},
}


@pytest.mark.parametrize("key", sorted(_NOTES))
def test_a_note_names_fields_in_words_in_both_languages(key):
    entry = catalogue()[key]
    fields = string.Formatter()
    names = [{n for _, n, _, _ in fields.parse(entry[lang]) if n} for lang in ("en", "zh")]
    assert names[0] == names[1]
    note = Message.of(key, entry["en"], **_NOTES[key])
    english = render(note, "en")
    assert not FIELD_KEY.search(english) and "=" not in english, english
    assert not re.search(r"\b\w+_\w+\b", english), english
    assert not latin_words(render(note, "zh")), render(note, "zh")


def test_the_notes_point_to_the_apps_own_labels():
    shown = render(Message.of("notes.project.self_use_forced", "", **_NOTES[
        "notes.project.self_use_forced"]), "en")
    assert "“Spot market runs continuously” to yes" in shown
    other = render(Message.of("notes.tariff.other_province", "", **_NOTES[
        "notes.tariff.other_province"]), "en")
    assert "“Follow the site's province”" in other
    assert catalogue()["tariff.tariff.auto_none"]["en"] == "Follow the site's province"


# --------------------------------------------------------------------------- 3 document numbers
def test_english_report_texts_name_documents_in_english_words():
    en = tomllib.loads((DATA / "report/en.toml").read_text(encoding="utf-8"))
    stack, texts = [en], []
    while stack:
        node = stack.pop()
        for value in node.values():
            if isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, str):
                texts.append(value)
    bare = [t for t in texts if BARE_NUMBER.search(t)]
    assert not bare, bare
    assert en["assumptions"]["cat_project"] == "Grid connection under NEA rules No. 7 (2025)"
    assert "NDRC Document No. 136 (2025)" in en["assumption_values"]["market"]
    assert "NDRC Document No. 136 (2025)" in en["carbon"]["certificate_kinds"]


def test_the_english_proposal_names_7_and_136_in_words(demo):
    rows = _assumption_table(demo, "en")
    assert rows["Export rule"][2] == "market price under NDRC Document No. 136 (2025)"
    categories = {row[0] for row in rows.values() if row[0]}
    assert "Grid connection under NEA rules No. 7 (2025)" in categories
    carbon = build_proposal(demo, "en").section("carbon")
    text = " ".join(str(getattr(b, "text", "")) for b in carbon.blocks)
    assert "136号" not in text and "NDRC Document No. 136 (2025)" in text


# --------------------------------------------------------------------------- 4 tariff rows
def test_the_tariff_rows_cite_what_supports_each(demo):
    tariff = demo.assumption("tariff.preset")
    assert tariff.source.count(" | ") >= 5  # the tariff row keeps every source
    effective = demo.assumption("tariff.effective_date")
    assert effective.source == VERSION_DAY
    assert citation(effective.source, "zh", effective.status) == "上述电价版本的起始执行日期"
    customer = demo.assumption("tariff.customer_class")
    assert " | " not in customer.source and "526号" in customer.source
    assert customer.source in tariff.source.split(" | ")
    assert citation(customer.source, "zh", customer.status).startswith("发改价格〔2023〕526号")
    assert _class_rule("a utility's rate sheet | its notes") == AS_TARIFF
    assert citation(AS_TARIFF, "zh") == "同上述电价"
    rows = _assumption_table(demo, "en")
    assert rows["Tariff in force from"][3] == VERSION_DAY  # the date is the value: not again
    assert " | " not in rows["Customer class"][3]


# --------------------------------------------------------------------------- 5 the cover
@pytest.mark.parametrize(("lang", "label"), [("en", "Prepared by"), ("zh", "编制")])
def test_the_cover_names_a_preparer_only_when_there_is_one(demo, lang, label):
    nobody = build_proposal(demo, lang)
    assert label not in [row[0] for row in nobody.cover_rows]
    named = build_proposal(demo, lang, preparer="Li Lei")
    assert (label, "Li Lei") in named.cover_rows


def test_the_workbook_cover_has_no_empty_preparer(demo):
    import openpyxl

    from pvplanner.report import render_xlsx

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(demo, "en")), read_only=True)
    first = book.worksheets[0]
    labels = [row[0] for row in first.iter_rows(min_row=1, max_row=12, values_only=True)]
    assert "Prepared by" not in labels and "n/a" not in [
        row[1] for row in first.iter_rows(min_row=1, max_row=12, values_only=True)]


# --------------------------------------------------------------------------- 6 plurals
@pytest.mark.parametrize(("down", "up"), [(1, 1), (2, 3), (0, 0)])
def test_the_spring_festival_note_reads_in_proper_english(down, up):
    note = Message.of("notes.load.spring_festival", "", start="2026-02-12", end="2026-02-28",
                      percent=10.0, down=down, up=up)
    english = render(note, "en")
    assert "(s)" not in english and not re.search(r"\b1 days\b", english), english
    assert f"ramp-down days before it: {down}" in english
    assert f"分别用 {down} 天和 {up} 天" in render(note, "zh")


def test_the_battery_rule_has_no_bracketed_plural():
    assert "(s)" not in catalogue()["report.assumption_sources.battery_limit"]["en"]


def test_the_years_energy_row_says_where_it_comes_from():
    """The demo's yearly use is the sum of its 12 bills: said so (status derived), in whole
    kWh, in both languages; a typed total is the user's input."""
    import copy

    import pvplanner
    from pvplanner.report.content import build_proposal
    from pvplanner.scenario.model import demo_scenario

    result = pvplanner.plan(demo_scenario(), with_npv_curve=False, with_sensitivity=False)
    row = result.assumption("load.annual_kwh")
    assert (row.source, row.status) == ("sum of the monthly bills entered", "derived")
    english = repr(build_proposal(result, "en"))
    assert "6,750,000 kWh" in english and "6,750,000.0 kWh" not in english
    assert "按方案填写的各月电费单电量合计" in repr(build_proposal(result, "zh"))
    data = copy.deepcopy(demo_scenario().model_dump(mode="json"))
    data["load"].update(kind="annual", annual_kwh=5_000_000, monthly_kwh=None)
    typed = pvplanner.plan(data, with_npv_curve=False, with_sensitivity=False)
    assert typed.assumption("load.annual_kwh").status == "user"


def test_every_finance_input_has_a_name_in_both_proposals():
    # The annual lease payment was shown as "lease_payment_per_year" in both languages.
    import tomllib

    from pvplanner.finance.inputs import FinanceInputs
    from weather.datafiles import data_path

    for lang in ("en", "zh"):
        with open(data_path("report", f"{lang}.toml"), "rb") as handle:
            names = tomllib.load(handle)["finance_fields"]
        assert [field for field in FinanceInputs.model_fields if field not in names] == [], lang


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_proposal_says_which_limits_held_the_design_as_the_results_page_does(lang):
    # Issue 16, item 3: capped sizes are reported in the proposal too (the battery's own
    # limits have their paragraph; the roof, the budget and the export limit had none).
    from pvplanner.display.limit_lines import held_lines
    from pvplanner.display.names import name as reader_name
    from pvplanner.pipeline import plan
    from pvplanner.report.model import Paragraph

    document = demo_scenario().model_dump(mode="json")
    document["constraints"]["capital_budget"] = 4_000_000.0
    result = plan(parse_scenario(document), with_npv_curve=False)
    assert "constraints.capital_budget" in result.solver.binding_limits
    proposal = build_proposal(result, lang)
    summary = next(s for s in proposal.sections if s.key == "summary")
    said = [b.text for b in summary.blocks if isinstance(b, Paragraph)]
    (line,) = held_lines(result, lang, lambda p: reader_name(p, lang), for_customer=True)
    assert line in said
    assert ("投资预算" if lang == "zh" else "capital budget") in line
    # The app's advice to loosen a limit and plan again is the planner's, not the customer's.
    assert not any(("放宽" if lang == "zh" else "loosen") in text for text in said)


@pytest.mark.parametrize("lang, battery_word", [("zh", "储能"), ("en", "battery")])
def test_a_plan_without_a_battery_describes_no_battery_in_its_day_chart(demo, lang,
                                                                      battery_word):
    assert demo.battery.energy_kwh == 0
    figures = [b for b in build_proposal(demo, lang).section("energy").blocks
               if getattr(b, "key", "") == "typical_day"]
    assert figures and battery_word not in figures[0].caption.lower()
