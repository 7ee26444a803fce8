"""What the tariff decided, in the reader's language: the notes of a market contract typed
from a bill and of a multiplied agency price name the tariff and its price components by
their names, never by their ids (``line_loss``, ``zhejiang_2026_large_industry@...``)."""

from __future__ import annotations

import datetime as dt
import re

from pvplanner.display.messages import render
from pvplanner.scenario.model import TariffChoice
from pvplanner.tariff.resolve import resolve_tariff

PRESET = "zhejiang_2026_large_industry"
START = dt.date(2026, 9, 1)
ALL_PERIODS = {"sharp": 1.2, "peak": 0.9, "flat": 0.6, "valley": 0.3, "deep_valley": 0.2}
IDS = re.compile(r"[a-z]+_[a-z0-9_]+|@\d{4}")


def _notes(**choice) -> list:
    resolved = resolve_tariff(TariffChoice.model_validate(choice), on_date=START)
    return [note for note in resolved.notes if getattr(note, "key", "").startswith(
        "notes.tariff.")]


def _by_key(notes: list, key: str):
    return next(note for note in notes if note.key == f"notes.tariff.{key}")


def test_a_contract_without_network_charges_says_what_was_added_in_words():
    notes = _notes(preset=PRESET, buyer="market", bill={
        "month": "2026-09", "prices_per_kwh": ALL_PERIODS, "includes_network_charges": False,
        "hours": ["valley"] * 8 + ["peak"] * 14 + ["valley"] * 2})
    added, included = _by_key(notes, "network_added"), _by_key(notes, "included_parts")
    zh = render(added, "zh")
    assert re.fullmatch(r"合同电价已加上输配电等费用：每 kWh \d\.\d{4}，另加电能量价格 \d+\.\d{2}% 的线损"
                        r"（“浙江大工业分时电价（2026年规则，1-10千伏两部制）”，\d{4}-\d{2}-\d{2} 版）", zh), zh
    assert "系统运行费用" in render(included, "zh") and "上网环节线损费用" in render(included, "zh")
    english = render(included, "en")
    assert "On-grid line loss (线损), System operation charge (系统运行费)" in english, english
    for note in (added, included):
        for lang in ("en", "zh"):
            assert not IDS.search(render(note, lang)), render(note, lang)


def test_a_contract_without_its_hours_uses_the_presets_and_says_so():
    notes = _notes(preset=PRESET, buyer="market", bill={
        "month": "2026-09", "prices_per_kwh": ALL_PERIODS})
    hours = _by_key(notes, "contract_hours_missing")
    # MARKET_TOU_END: direct market users follow their own periods from 2026-03-01 (1656号)
    assert render(hours, "zh") == (
        "未填写合同约定的分时时段：采用“浙江大工业分时电价（2026年规则，1-10千伏两部制）”的政府分时"
        "时段；直接参与市场交易的用户自 2026-03-01 起按合同约定的时段执行")
    assert "tariff.bill.hours" not in render(hours, "en") and not IDS.search(render(hours, "en"))


def test_a_multiplied_agency_price_names_what_the_purchase_row_includes():
    notes = _notes(preset=PRESET, agency_price_multiplier=1.5)
    note = _by_key(notes, "agency_multiplier")
    assert render(note, "zh") == ("代理购电价格按 1.5 倍计入购电价格一行，该行在来源中已包含"
                                  "上网环节线损费用、系统运行费用")
    assert render(note, "en") == (
        "the agency purchase price times 1.5 is applied to the purchase price row, which the "
        "source gives together with On-grid line loss (线损), System operation charge (系统运行费)")
