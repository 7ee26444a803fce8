"""The newest plan's NPV curve drawn in the background (pvplanner.app.curve_ahead)."""

from __future__ import annotations

import threading

import pytest

from pvplanner.app.curve_ahead import CurveAhead
from pvplanner.pipeline import CurveStopped


class _Pending:
    """A stand-in for pvplanner.pipeline.PendingCurve: ``fill`` asks ``stop`` before each
    of ``points`` points, waiting at the first until ``go`` is set."""

    def __init__(self, points: int = 3, fails: bool = False) -> None:
        self.points, self.fails = points, fails
        self.filled = False
        self.started, self.go = threading.Event(), threading.Event()
        self.drawn = 0

    def fill(self, *, stop=None):
        self.started.set()
        assert self.go.wait(30)
        if self.fails:
            raise RuntimeError("boom")
        for _ in range(self.points):
            if stop is not None and stop():
                raise CurveStopped("stopped")
            self.drawn += 1
        self.filled = True


def test_the_newest_plans_curve_is_drawn():
    ahead = CurveAhead()
    pending = _Pending()
    pending.go.set()
    ahead.submit(pending, ahead.plan_started())
    assert ahead.idle(30)
    assert pending.filled and pending.drawn == 3


def test_a_curve_whose_plan_is_no_longer_the_newest_is_not_drawn():
    ahead = CurveAhead()
    old = ahead.plan_started()
    ahead.plan_started()  # a newer plan started meanwhile (any session)
    pending = _Pending()
    pending.go.set()
    ahead.submit(pending, old)
    assert ahead.idle(30)
    assert not pending.started.is_set() and not pending.filled


@pytest.mark.parametrize("awaited", [False, True])
def test_a_drawing_stops_when_a_newer_plan_starts_unless_a_page_waits_for_it(awaited):
    ahead = CurveAhead()
    pending = _Pending()
    ahead.submit(pending, ahead.plan_started())
    assert pending.started.wait(30)
    ahead.plan_started()
    if awaited:
        with ahead.wanted(pending):
            pending.go.set()
            assert ahead.idle(30)
    else:
        pending.go.set()
        assert ahead.idle(30)
    assert pending.filled == awaited
    assert pending.drawn == (3 if awaited else 0)


def test_a_failed_drawing_is_logged_and_the_next_one_is_drawn(caplog):
    ahead = CurveAhead()
    broken = _Pending(fails=True)
    broken.go.set()
    with caplog.at_level("INFO", logger="pvplanner.app"):
        ahead.submit(broken, ahead.plan_started())
        assert ahead.idle(30)
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)
    pending = _Pending()
    pending.go.set()
    ahead.submit(pending, ahead.plan_started())
    assert ahead.idle(30)
    assert pending.filled


def test_disabled_or_filled_curves_are_not_submitted():
    ahead = CurveAhead()
    pending = _Pending()
    pending.filled = True
    ahead.submit(pending, ahead.plan_started())
    ahead.enabled = False
    other = _Pending()
    ahead.submit(other, ahead.plan_started())
    assert ahead.idle(1)
    assert not pending.started.is_set() and not other.started.is_set()
