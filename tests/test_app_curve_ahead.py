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


def test_close_stops_the_drawing_before_its_next_point_and_waits_for_it():
    ahead = CurveAhead()
    pending = _Pending(points=3)
    ahead.submit(pending, ahead.plan_started())
    assert pending.started.wait(30)
    closer = threading.Thread(target=ahead.close)
    closer.start()
    pending.go.set()
    closer.join(30)
    assert not closer.is_alive()
    assert not pending.filled and pending.drawn == 0
    later = _Pending()
    later.go.set()
    ahead.submit(later, ahead.plan_started())  # closed: nothing more is drawn
    assert not later.started.wait(0.5)


def test_a_process_that_ends_while_a_curve_is_drawn_exits_cleanly(tmp_path):
    """HiGHS aborts the process (std::terminate) if a thread is inside it at exit: the
    drawing is stopped and waited for when the process ends."""
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "ends.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
        "from benchmarks.bench_app import battery_variant\n"
        "from pvplanner.app.curve_ahead import AHEAD\n"
        "from pvplanner.pipeline import plan_curve_later\n"
        "number = AHEAD.plan_started()\n"
        "result, pending = plan_curve_later(battery_variant('battery'))\n"
        "AHEAD.submit(pending, number)\n"
        "time.sleep(0.3)  # the curve's first points are being solved\n"
        "print('leaving', pending.filled)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, env={**__import__("os").environ,
                                            "PVPLANNER_OFFLINE": "1"})
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "leaving False" in done.stdout
