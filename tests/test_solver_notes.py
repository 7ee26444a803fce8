"""An unproven optimum told to each reader (pvplanner.display.solver_notes): the app's user
is pointed at the input, the command's operator at the scenario field, a proposal's
customer only told the gap; the gap is the Result's, in its currency, for the sizing and
for the year-1 dispatch alike."""

from __future__ import annotations

import dataclasses

import pytest

from pvplanner.assemble import _solver_note
from pvplanner.display.messages import render
from pvplanner.display.solver_notes import for_reader
from pvplanner.messages import Message
from pvplanner.pipeline import plan
from pvplanner.scenario.model import demo_scenario

ENGLISH = ("not proven optimal within the time limit: a design up to 102,832 better in NPV "
           "(0.97%) may exist; raise the time limit")


@pytest.fixture(scope="module")
def unproven():
    result = plan(demo_scenario(), with_npv_curve=False, with_sensitivity=False)
    solver = dataclasses.replace(result.solver, status="feasible", optimality_gap=102_832.4,
                                 year1_dispatch_gap=5_120.0)
    return dataclasses.replace(result, solver=solver)


@pytest.mark.parametrize(("reader", "lang", "expected"), [
    ("app", "zh", "在求解时间上限内未能证明最优：可能存在净现值高出至多 ¥102,832（0.97%）的方案；"
                  "可在“电价与成本”页“优化目标与约束”下的“高级设置”中延长求解时间上限"),
    ("app", "en", "not proven optimal within the time limit: a design up to CNY 102,832 better "
                  "in NPV (0.97%) may exist; raise the solver time limit (Tariff and costs "
                  "page, Goal and limits, Advanced settings)"),
    ("cli", "zh", "在求解时间上限内未能证明最优：可能存在净现值高出至多 ¥102,832（0.97%）的方案；"
                  "可在方案文件中调大 constraints.solver_time_limit_s（求解时间上限，秒）"),
    ("proposal", "zh", "优化计算在求解时间上限内未能证明本方案最优：其他方案的净现值最多可能高出 "
                       "¥102,832（0.97%）"),
    ("proposal", "en", "the optimisation did not prove this design the best within its time "
                       "limit: another design's NPV could be up to CNY 102,832 (0.97%) higher"),
])
def test_each_reader_reads_the_sizings_gap_in_money(unproven, reader, lang, expected):
    note = _solver_note(ENGLISH)
    assert render(for_reader(note, unproven, reader), lang) == expected
    # a Result read back from the store holds its notes as dicts: the same text
    stored = note.to_dict()
    assert render(for_reader(stored, unproven, reader), lang) == expected


@pytest.mark.parametrize(("reader", "lang", "expected"), [
    ("proposal", "zh", "首年运行模拟：优化计算在求解时间上限内未能证明本方案最优：其他方案的净现值"
                       "最多可能高出 ¥5,120（0.97%）"),
    ("cli", "en", "Year-1 dispatch: not proven optimal within the time limit: a design up to CNY "
                  "5,120 better in NPV (0.97%) may exist; raise constraints.solver_time_limit_s "
                  "in the scenario file"),
])
def test_the_year1_dispatchs_note_is_told_the_same_way_with_its_own_gap(unproven, reader, lang,
                                                                       expected):
    note = _solver_note(ENGLISH, year1=True)
    assert note.key == "notes.solver.year1"
    assert render(for_reader(note, unproven, reader), lang) == expected


def test_other_notes_are_left_as_they_are(unproven):
    note = Message.of("notes.solver.fallback", "HiGHS failed ({reason}); solved with CBC",
                      reason="x")
    assert for_reader(note, unproven, "proposal") is note
    year1 = _solver_note("HiGHS failed (x); solved with CBC", year1=True)
    assert for_reader(year1, unproven, "cli") is year1
