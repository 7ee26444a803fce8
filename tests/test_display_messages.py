"""The one message catalogue of app and proposal (pvplanner.display.messages)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from pvplanner.display.messages import LANGUAGES, Texts, catalogue, translate
from pvplanner.errors import PlannerInputError
from pvplanner.report.text import Texts as ReportTexts

REPORT_DIR = Path(__file__).resolve().parents[1] / "pvplanner" / "report"


def test_every_message_has_english_and_chinese_with_the_same_placeholders():
    fields = string.Formatter()
    messages = catalogue()
    assert any(k.startswith("report.") for k in messages)  # the proposal's texts are in it
    assert any(k.startswith("site.") for k in messages)  # and the app's
    for key, entry in messages.items():
        assert set(entry) == set(LANGUAGES), key
        en, zh = entry["en"], entry["zh"]
        assert type(en) is type(zh), key
        if isinstance(en, list):
            assert len(en) == len(zh) and all(s.strip() for s in [*en, *zh]), key
            continue
        assert en.strip() and zh.strip(), key
        names = {lang: {name for _, name, _, _ in fields.parse(text) if name}
                 for lang, text in entry.items()}
        if key.endswith("axis_wan") or key.endswith("axis.wan"):  # "万元" names the currency
            names["en"].discard("currency")
        assert names["en"] == names["zh"], (key, names)
    # Chinese texts are translations, not copies of the English (a few codes like "PDF" and
    # units like "kWh" are the same in both languages).
    texts = {k: v["zh"] for k, v in messages.items() if isinstance(v["zh"], str)}
    chinese = [k for k, v in texts.items() if re.search(r"[\u4e00-\u9fff]", v)]
    assert len(chinese) >= 0.98 * len(texts), sorted(set(texts) - set(chinese))


def _report_keys_in_code() -> set[str]:
    """Literal keys the proposal's code looks up (``t("...")``, ``texts.raw("...")``...)."""
    call = re.compile(r"(?<![\w.])(?:c\.|self\.)?(?:t|texts)(?:\.raw|\.get)?\(\s*\"([a-z_0-9.]+)\"")
    keys = set()
    for path in REPORT_DIR.glob("*.py"):
        keys.update(call.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_message_the_proposal_uses_exists():
    keys = _report_keys_in_code()
    assert len(keys) > 100  # the scan found the proposal's calls (a broken regex finds none)
    missing = sorted(k for k in keys if f"report.{k}" not in catalogue())
    assert not missing, missing


def test_one_loader_serves_app_and_proposal():
    for lang in LANGUAGES:
        report = ReportTexts(lang)
        assert report("sections.summary") == translate("report.sections.summary", lang)
        assert report("doc.page", page=1, pages=2) == Texts(lang, "report")(
            "doc.page", page=1, pages=2)
        assert len(report.raw("month.short")) == 12
        assert report.na == translate("numbers.not_available", lang)
        assert report.table["sections.summary"] == report("sections.summary")
    with pytest.raises(KeyError):
        ReportTexts("en")("no.such.key")
    assert ReportTexts("en").get("no.such.key") == "key"
    with pytest.raises(PlannerInputError, match="unknown report language 'fr'"):
        ReportTexts("fr")
    assert translate("no.such.key", "zh") == "no.such.key"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_app_points_at_one_place_for_the_solver_time_limit(lang):
    """The Results page's note and its caption under an unproven optimum name the input by
    the labels the app shows it under (page, section, expander)."""
    page, section, advanced = (translate(key, lang) for key in (
        "common.pages.tariff", "tariff.goals.title", "common.advanced"))
    place = (f"“{page}”页“{section}”下的“{advanced}”" if lang == "zh"
             else f"{page} page, {section}, {advanced}")
    values = {"gap": "¥1", "share": "1%"}
    assert place in translate("notes.solver.not_optimal", lang, **values)
    assert place in translate("results.solver_gap", lang, **values)
