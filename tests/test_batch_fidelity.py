"""A batch row shows the single plan's figures: what a batch skips for speed (the NPV curve,
the tornado) is only what its table does not show, and the site JSON says it was skipped."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pvplanner.batch.run import read_sites
from pvplanner.batch.task import RESULT_COLUMNS, plan_group, table_row
from pvplanner.pipeline import plan

# A PV-only site and a site with a battery planned on typical days (``--aggregate``).
SITES = """name,lat,lon,roof_area_m2,tilt_deg,azimuth_deg,annual_kwh,template,tariff,battery.allowed
PV only,30.20,120.20,3000,5,180,900000,three_shift_continuous,zhejiang_2026_general_ci,false
With battery,31.30,120.60,2500,10,170,1500000,two_shift,jiangsu_2025_large_industry,true
"""
AGGREGATE_DAYS = 24


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> list[tuple[dict, dict, object]]:
    """Each site's task, its batch JSON and its single plan (curve and tornado included)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PVPLANNER_OFFLINE", "1")
        path = Path(tmp_path_factory.mktemp("fidelity")) / "sites.csv"
        path.write_text(SITES, encoding="utf-8")
        tasks = [job.to_task() for job in read_sites(path)]
        out = []
        for task in tasks:
            task["aggregate_days"] = AGGREGATE_DAYS
            (record,) = plan_group([task])
            assert record["status"] == "ok", record
            single = plan(task["scenario"], aggregate_days=AGGREGATE_DAYS)
            out.append((task, json.loads(record["payload"]), single))
    return out


def test_the_sites_cover_pv_only_and_a_battery(planned):
    allowed = [single.inputs["battery"]["allowed"] for _, _, single in planned]
    assert sorted(allowed) == [False, True]
    # the battery site builds one, so the battery columns are really compared
    assert any(single.battery.energy_kwh > 0 for _, _, single in planned)


def test_every_table_figure_equals_the_single_plan(planned):
    for task, document, single in planned:
        batch_row = table_row(task, document)
        single_row = table_row(task, json.loads(json.dumps(single.to_dict())))
        for column in RESULT_COLUMNS:
            mine, theirs = batch_row[column], single_row[column]
            assert mine is not None or theirs is None, (task["name"], column)
            if isinstance(theirs, float) and isinstance(mine, float):
                assert mine == theirs or (math.isnan(mine) and math.isnan(theirs)), (
                    task["name"], column, mine, theirs)
            else:
                assert mine == theirs, (task["name"], column, mine, theirs)


def test_the_batch_json_names_what_it_skipped(planned):
    for _, document, single in planned:
        assert sorted(document["not_computed"]) == ["npv_curve", "sensitivity"]
        # the single plan computed both, and its JSON says nothing was skipped
        assert single.not_computed == ()
        assert single.to_dict()["not_computed"] == []
        assert len(single.sensitivity) == 5 and len(single.npv_curve) > 0


def test_a_plan_without_the_tornado_leaves_it_empty_not_zero(planned):
    task, _, single = planned[0]
    quick = plan(task["scenario"], with_npv_curve=False, with_sensitivity=False)
    assert quick.sensitivity.empty
    assert quick.not_computed == ("sensitivity", "npv_curve")
    assert quick.finance.npv == single.finance.npv
    # the tornado's base case is the plan's NPV: what was skipped is not a figure of the row
    assert single.sensitivity["base_result"].iloc[0] == pytest.approx(single.finance.npv)
    again = type(quick).from_dict(quick.to_dict(tables=True))
    assert again.not_computed == quick.not_computed and again.sensitivity.empty


def test_an_unproven_site_shows_its_gap_in_the_table(planned):
    """A site whose search stopped before proving its optimum (exports paid above a valley
    price, a battery) carries the NPV it may leave, as the single plan's Result does."""
    task, document, _ = planned[1]
    assert table_row(task, document)["solver.optimality_gap"] == 0.0
    unproven = json.loads(json.dumps(document))
    unproven["solver"].update(status="feasible", optimality_gap=102_832.4)
    row = table_row(task, unproven)
    assert (row["solver.status"], row["solver.optimality_gap"]) == ("feasible", 102_832.4)
