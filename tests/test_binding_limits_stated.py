"""The limits a plan says held its sizes (``Result.solver.binding_limits``) are the ones that
did: relaxed, each lets the design grow. An export limit that curtails PV where the PV is at
its size limits costs energy and is said so, not as a limit on the size. The app, the
proposal and the ``plan`` command's summary state every one of them, with its figure.

Figures of the demo (Hangzhou dyeing factory, 2026-12 planning data): roofs 3,041.8 kWp.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pvplanner.display.limit_lines import held_lines, stated_limit
from pvplanner.display.names import name as reader_name
from pvplanner.display.terminal import plan_summary
from pvplanner.pipeline import plan
from pvplanner.report.content import build_proposal
from pvplanner.report.model import Paragraph
from pvplanner.scenario.model import demo_scenario, parse_scenario
from solver.api import optimize
from tests._solver_cases import random_problem

FULL_ROOFS = tuple(f"roof:{plane}" for plane in (
    "Dyeing workshop (south, colour steel)", "Finishing workshop (north, colour steel)",
    "Warehouse (concrete, east-west racks)", "Office block (concrete, south rows)"))


def _plan(roof_scale: float = 1.0, **changes):
    """The demo planned with ``section__field=value`` changes and its roofs scaled."""
    data = demo_scenario().model_dump(mode="json")
    for plane in data["roof_planes"]:
        plane["area_m2"] *= roof_scale
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        target = data
        for key in path:
            target = target[key]
        target[last] = value
    return plan(parse_scenario(data), with_npv_curve=False, with_sensitivity=False)


def _summary_text(result, lang: str) -> str:
    """The proposal's summary paragraphs, one text."""
    section = build_proposal(result, lang).section("summary")
    return "\n".join(b.text for b in section.blocks if isinstance(b, Paragraph))


# ----------------------------------------------------------------------------- solver
def test_the_solver_names_an_export_limit_that_holds_no_size_as_curtailing_only():
    rng = np.random.default_rng(5)
    p = random_problem(rng, n_steps=96, n_planes=2, battery=False, export_limit_kw=0.0)
    cheap = replace(p.costs, pv_capex_per_kwp=1e-6)
    full = replace(p, costs=cheap, plane_max_kwp=np.array([150.0, 100.0]))
    res = optimize(full)
    assert res.kwp_per_plane == pytest.approx([150.0, 100.0])
    assert res.dispatch.curtailed.sum() == pytest.approx(670.6, abs=0.1)
    assert res.binding == ("plane_max_kwp:plane_1", "plane_max_kwp:plane_2")
    assert res.curtailing == ("export_limit_kw",)
    # Relaxed, the export limit changes no size; the roofs do.
    assert optimize(replace(full, export_limit_kw=np.inf)).total_kwp == pytest.approx(250.0)
    assert optimize(replace(full, plane_max_kwp=np.array([2e3, 3e3]))).total_kwp > 300.0
    # With roof to spare the export limit is what stops the PV.
    ample = replace(full, plane_max_kwp=np.array([2e3, 3e3]), export_price_per_kwh=0.5
                    * p.import_price_per_kwh)
    capped = optimize(ample)
    assert capped.binding == ("export_limit_kw",) and capped.curtailing == ("export_limit_kw",)
    assert optimize(replace(ample, export_limit_kw=np.inf)).total_kwp > capped.total_kwp + 100


# ----------------------------------------------------------------------- size limits
@pytest.fixture(scope="module")
def demo():
    return _plan()


def test_full_roofs_hold_the_demo_and_a_larger_roof_takes_more(demo):
    assert demo.pv.capacity_kwp == pytest.approx(3041.8, abs=0.1)
    assert demo.solver.binding_limits == FULL_ROOFS
    assert _plan(2.0).pv.capacity_kwp == pytest.approx(3908.5, abs=0.5)


def test_a_budget_holds_the_design_and_without_it_the_design_grows():
    held = _plan(constraints__capital_budget=3_000_000)
    assert held.finance.capex == pytest.approx(3_000_000, rel=1e-6)
    assert "constraints.capital_budget" in held.solver.binding_limits
    assert held.pv.capacity_kwp == pytest.approx(1111.1, abs=0.5)
    assert _plan(constraints__capital_budget=None).pv.capacity_kwp > held.pv.capacity_kwp + 1900


@pytest.fixture(scope="module")
def battery_2000():
    return _plan(battery__allowed=True, battery__max_energy_kwh=2000.0)


@pytest.mark.parametrize("lang, given, default", [
    ("en", "battery energy limit (2,000 kWh, as set for this plan)", "by default"),
    ("zh", "储能容量上限（2,000 kWh，本方案设定）", "默认"),
])
def test_a_battery_energy_limit_the_user_set_is_said_with_the_users_figure(
        battery_2000, lang, given, default):
    assert battery_2000.battery.energy_kwh == pytest.approx(2000.0, rel=1e-6)
    assert battery_2000.solver.binding_limits == (*FULL_ROOFS, "battery.max_energy_kwh")
    line, = held_lines(battery_2000, lang, lambda plane: reader_name(plane, lang))
    assert given in line and default not in line
    assert given in _summary_text(battery_2000, lang)  # the proposal's battery box


def test_a_larger_battery_energy_limit_gives_a_larger_battery(battery_2000):
    larger = _plan(battery__allowed=True, battery__max_energy_kwh=4000.0)
    assert larger.battery.energy_kwh == pytest.approx(4000.0, rel=1e-6)
    assert larger.battery.energy_kwh > battery_2000.battery.energy_kwh + 1900


# --------------------------------------------------------------------- export limits
def test_zero_export_with_roof_to_spare_sets_the_pv_size_and_says_so():
    capped = _plan(3.0, constraints__export_limit_kw=0.0)
    # The user's export limit, named as such (it was the tariff's export rule).
    assert capped.solver.binding_limits == ("constraints.export_limit_kw",)
    assert capped.pv.capacity_kwp == pytest.approx(2131.7, abs=0.5)
    assert capped.energy.curtailed_kwh == pytest.approx(252_326, rel=1e-3)
    line, = held_lines(capped, "en")
    assert line.startswith("Held at a limit: zero export (export limit 0 kW), which curtails "
                           "252,3")
    assert "stops the PV at 2,131.7 kWp, short of the 9,125.3 kWp the roofs take" in line
    zh, = held_lines(capped, "zh")
    assert "不允许上网（上网功率上限 0 kW），每年弃光 252,3" in zh and "光伏因此止于 2,131.7 kWp" in zh
    # Relaxed, the PV grows: the export limit held it.
    assert _plan(3.0).pv.capacity_kwp == pytest.approx(4176.5, abs=0.5)


def test_a_tariff_without_export_and_a_users_export_limit_are_told_apart():
    tariff = _plan(3.0, tariff__export={"kind": "zero_export"})
    assert tariff.solver.binding_limits == ("tariff.export",)
    assert held_lines(tariff, "en")[0].startswith("Held at a limit: the no-export rule, which")
    limited = _plan(3.0, constraints__export_limit_kw=100.0)
    assert limited.solver.binding_limits == ("constraints.export_limit_kw",)
    assert stated_limit("constraints.export_limit_kw", limited, "en") == \
        "the export limit of 100 kW"
    assert stated_limit("constraints.export_limit_kw", limited, "zh") == "上网功率上限 100 kW"


@pytest.fixture(scope="module")
def zero_export_battery():
    return _plan(constraints__export_limit_kw=0.0, battery__allowed=True)


def test_zero_export_on_full_roofs_curtails_but_holds_no_size(zero_export_battery):
    r = zero_export_battery
    assert r.pv.capacity_kwp == pytest.approx(3041.8, abs=0.1)
    assert r.battery.energy_kwh == pytest.approx(6192, abs=2)
    assert r.solver.binding_limits == (*FULL_ROOFS, "curtailing.constraints.export_limit_kw")
    # Allowed to export, the design keeps its PV and its battery does not grow: the export
    # limit held no size.
    free = _plan(battery__allowed=True)
    assert free.pv.capacity_kwp == pytest.approx(r.pv.capacity_kwp, rel=1e-6)
    assert free.battery.energy_kwh <= r.battery.energy_kwh


@pytest.mark.parametrize("lang, size_words, energy_words", [
    ("en", "Held at a limit: roof", "PV curtailed by zero export (export limit 0 kW): 50,28"),
    ("zh", "方案已触及上限：屋顶", "因不允许上网（上网功率上限 0 kW）每年弃光 50,28"),
])
def test_zero_export_on_full_roofs_is_said_to_cost_energy_not_size(
        zero_export_battery, lang, size_words, energy_words):
    r = zero_export_battery
    held, curtailed = held_lines(r, lang, lambda plane: reader_name(plane, lang))
    assert held.startswith(size_words)
    assert "export" not in held and "上网" not in held
    assert curtailed.startswith(energy_words)
    assert curtailed in _summary_text(r, lang)  # the proposal says it too


# ------------------------------------------------------------------------- C-rate
@pytest.fixture(scope="module")
def c_rate():
    return _plan(battery__allowed=True, battery__max_c_rate=0.1)


def test_a_c_rate_limit_holds_the_battery_power(c_rate):
    assert c_rate.battery.power_kw == pytest.approx(0.1 * c_rate.battery.energy_kwh, rel=1e-6)
    assert c_rate.battery.energy_kwh == pytest.approx(7622, abs=2)
    assert "battery.max_c_rate" in c_rate.solver.binding_limits
    assert _plan(battery__allowed=True, battery__max_c_rate=0.5).battery.power_kw > 1400.0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_proposal_states_every_limit_the_results_page_names(c_rate, lang):
    said = _summary_text(c_rate, lang)
    for key in c_rate.solver.binding_limits:
        assert stated_limit(key, c_rate, lang, lambda plane: reader_name(plane, lang)) in said
    assert ("0.1 kW per kWh: 762 kW for 7,622 kWh" if lang == "en"
            else "每 kWh 至多 0.1 kW：7,622 kWh 配 762 kW") in said
    # The customer's text gives no advice to change the inputs.
    for advice in ("Raise", "plan again", "loosen", "提高", "重新计算", "放宽"):
        assert advice not in said


# ------------------------------------------------------------------------------ CLI
@pytest.mark.parametrize("lang, line", [
    ("en", "  Held at a limit: roof “Dyeing workshop (south, colour steel)” full; "),
    ("zh", "  方案已触及上限：屋顶“染色车间（南坡，彩钢瓦）”已铺满；"),
])
def test_the_plan_summary_says_what_held_the_design(demo, lang, line):
    lines = plan_summary(demo, lang).splitlines()
    assert any(text.startswith(line) for text in lines)
    assert not any("roof:" in text for text in lines)


# ----------------------------------------------------------------------------- floors
@pytest.fixture(scope="module")
def battery_floor():
    """The demo with a battery of at least 8,000 kWh: the economics alone build 6,150 kWh."""
    return _plan(battery__allowed=True, battery__min_energy_kwh=8000.0)


@pytest.mark.parametrize("lang, line, box", [
    ("en", "Held at a minimum: battery minimum energy (8,000 kWh, as set for this plan). "
           "There the minimum, not the economics, set the size;",
     "The battery's size is held at a minimum, not by the economics: battery minimum energy "
     "(8,000 kWh, as set for this plan). A smaller battery may pay more."),
    ("zh", "方案处于下限：储能容量下限（8,000 kWh，本方案设定）。这部分规模由下限而非经济性决定；",
     "储能规模处于下限，而非由经济性决定：储能容量下限（8,000 kWh，本方案设定）。更小的储能可能更划算。"),
])
def test_a_battery_held_up_by_its_minimum_is_said_to_be(battery_floor, lang, line, box):
    """A battery at the minimum energy the user set was reported as an economic optimum (a
    floor was not a limit): it is named as holding the size up, apart from the upper limits
    ("a larger design"), and the proposal's battery box says a smaller one may pay more."""
    assert battery_floor.battery.energy_kwh == pytest.approx(8000.0, rel=1e-6)
    assert battery_floor.solver.binding_limits == (*FULL_ROOFS, "battery.min_energy_kwh")
    lines = held_lines(battery_floor, lang, lambda plane: reader_name(plane, lang))
    assert len(lines) == 2 and lines[1].startswith(line)
    assert box in _summary_text(battery_floor, lang)
    # Relaxed, the battery shrinks: the floor held it.
    free = _plan(battery__allowed=True)
    assert free.battery.energy_kwh < 7000.0
    assert not any("min_" in key for key in free.solver.binding_limits)


def test_a_pv_floor_above_the_export_limits_size_holds_the_pv_and_the_limit_only_curtails():
    """Zero export on roofs three times larger stops the PV at 2,131.7 kWp; a floor of
    2,500 kWp holds it there instead, and zero export only costs energy."""
    held = _plan(3.0, constraints__export_limit_kw=0.0, constraints__min_total_kwp=2500.0)
    assert held.pv.capacity_kwp == pytest.approx(2500.0, rel=1e-6)
    assert held.solver.binding_limits == ("constraints.min_total_kwp",
                                          "curtailing.constraints.export_limit_kw")
    en = held_lines(held, "en")
    assert en[0] == ("Held at a minimum: minimum total PV capacity (2,500.0 kWp, as set for this "
                     "plan). There the minimum, not the economics, set the size; lower it to "
                     "see whether a smaller design pays more.")
    assert en[1].startswith("PV curtailed by zero export (export limit 0 kW): ")
    # Below the economic size a floor holds nothing.
    low = _plan(3.0, constraints__export_limit_kw=0.0, constraints__min_total_kwp=1000.0)
    assert low.pv.capacity_kwp == pytest.approx(2131.7, abs=0.5)
    assert low.solver.binding_limits == ("constraints.export_limit_kw",)


# ------------------------------------------------------------------------------ units
@pytest.mark.parametrize("lang, words", [
    ("en", "times smaller than the 2,845,"),
    ("zh", "分之一：请核对用电量的单位是否为 kWh"),
])
def test_a_load_typed_in_mwh_is_told_to_check_its_unit(lang, words):
    """The demo's bills typed in MWh (520 ... 650 a month: 6,750 kWh a year under 3,042 kWp
    of roof) were planned as a tiny site without a word; the plan now says the load is
    hundreds of times smaller than the roofs' yield and asks for kWh. The demo itself, in
    kWh, gets no such note."""
    from pvplanner.display.messages import render

    mwh = [v / 1000.0 for v in demo_scenario().load.monthly_kwh]
    result = _plan(load__monthly_kwh=mwh)
    notes = [w for w in result.warnings if getattr(w, "key", "") == "notes.plan.load_small_for_roof"]
    assert len(notes) == 1
    potential = float(notes[0].params["potential"])
    assert notes[0].params["load"] == pytest.approx(sum(mwh), rel=1e-6)
    # 3,041.8 kWp at ~935 kWh per kWp against a year of 6,750 kWh: about 420 times.
    assert 400 < potential / sum(mwh) < 450
    assert words in render(notes[0], lang)
    demo = _plan()
    assert not [w for w in demo.warnings if getattr(w, "key", "") ==
                "notes.plan.load_small_for_roof"]
