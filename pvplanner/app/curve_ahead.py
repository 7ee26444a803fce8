"""The newest plan's NPV curve, drawn in the background before a page asks for it.

With a battery the NPV-versus-capacity curve costs about as much as the sizing (a re-solve
of the year-long LP at each of its points: 1.3 s for the demo, about 20 s for a year of
15-minute readings). Every page shows a plan's figures as soon as its optimum is known
(:func:`pvplanner.app.state.result`); :data:`AHEAD` then draws that plan's curve on one
background thread (HiGHS releases the GIL), so that the Results page usually finds it
drawn instead of drawing it under a spinner.

Only the newest plan's curve is drawn: when a newer plan starts (in any session, as they
share the machine) the drawing under way stops before its next point and is dropped
(:meth:`pvplanner.pipeline.PendingCurve.fill` with ``stop``), unless a page is waiting for
that very curve (:meth:`CurveAhead.wanted`). A drawing that fails is dropped too: the page
that shows the curve draws it again and reports the failure there. When the process ends,
the drawing under way stops before its next point and is waited for (:meth:`CurveAhead.close`):
a thread still inside HiGHS at exit aborts the process.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pvplanner.pipeline import PendingCurve

__all__ = ["AHEAD", "CurveAhead"]

LOG = logging.getLogger("pvplanner.app")


class CurveAhead:
    """One background thread drawing the curve of the newest plan.

    Attributes
    ----------
    enabled : bool
        Whether :meth:`submit` draws anything (True).
    """

    def __init__(self) -> None:
        self.enabled = True
        self._cond = threading.Condition()
        self._plans_started = 0
        self._next: tuple[PendingCurve, int] | None = None
        self._busy = False
        self._thread: threading.Thread | None = None
        self._closing = False
        self._wanted: weakref.WeakSet[PendingCurve] = weakref.WeakSet()

    def plan_started(self) -> int:
        """Note that a plan starts (any drawing under way for an older one stops);
        returns the plan's number, for :meth:`submit`."""
        with self._cond:
            self._plans_started += 1
            return self._plans_started

    def submit(self, pending: PendingCurve, number: int) -> None:
        """Draw the curve of plan ``number`` (from :meth:`plan_started`) in the background,
        unless a newer plan has started by the time the thread gets to it."""
        if not self.enabled or pending.filled:
            return
        with self._cond:
            if self._closing:
                return
            self._next = (pending, number)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pvplanner-curve-ahead",
                                                daemon=True)
                self._thread.start()
                atexit.register(self.close)
            self._cond.notify_all()

    def close(self, timeout_s: float = 300.0) -> None:
        """Draw nothing more: the drawing under way stops before its next point, and this
        waits for it (at most ``timeout_s`` [s]; one point of a 15-minute year takes a few
        seconds). Registered to run when the process ends."""
        with self._cond:
            self._closing = True
            self._next = None
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)

    @contextmanager
    def wanted(self, pending: PendingCurve) -> Iterator[None]:
        """While inside, a page waits for ``pending``'s curve: a drawing of it under way
        goes on even when a newer plan starts."""
        with self._cond:
            self._wanted.add(pending)
        try:
            yield
        finally:
            with self._cond:
                self._wanted.discard(pending)

    def idle(self, timeout_s: float) -> bool:
        """Wait until nothing is queued or being drawn; False after ``timeout_s`` [s]."""
        with self._cond:
            return self._cond.wait_for(lambda: self._next is None and not self._busy,
                                       timeout=timeout_s)

    def _stale(self, pending: PendingCurve, number: int) -> bool:
        """Whether the process is ending, or a newer plan has started and no page waits for
        this curve."""
        with self._cond:
            return self._closing or (number != self._plans_started
                                     and pending not in self._wanted)

    def _draw(self, pending: PendingCurve, number: int) -> None:
        """Fill ``pending``'s curve, stopping when it goes stale."""
        if not self._stale(pending, number):
            pending.fill(stop=lambda: self._stale(pending, number))

    def _run(self) -> None:
        from pvplanner.pipeline import CurveStopped

        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._next is not None or self._closing)
                if self._closing:
                    return
                assert self._next is not None
                (pending, number), self._next = self._next, None
                self._busy = True
            try:
                self._draw(pending, number)
            except CurveStopped:
                pass
            except Exception:  # the page showing the curve draws it again, and reports
                LOG.info("NPV curve drawn ahead failed; the Results page will retry",
                         exc_info=True)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


#: The app's one background drawer.
AHEAD = CurveAhead()
