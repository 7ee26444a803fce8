"""How far a batch run is, shown on stderr in the operator's language.

:func:`reporter` gives the function :func:`pvplanner.batch.run.run_jobs` calls with
``(done, failed)`` after each group of sites and ``None`` at the end: a tqdm bar when tqdm is
installed, else one line redrawn at most twice a second, or the caller's own callable. The
words come from ``cli.batch`` (``data/i18n/cli.toml``).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import Any

from pvplanner.display.messages import Texts
from pvplanner.display.numbers import NumberFormat

__all__ = ["Progress", "reporter"]

#: ``True`` (a display on stderr), ``False`` (none), or a callable given
#: ``(done, total, failed)`` after each group.
Progress = bool | Callable[[int, int, int], None]


def reporter(progress: Progress, total: int, lang: str = "en") -> Callable[[Any], None]:
    """A function called with ``(done, failed)`` after each group, and ``None`` at the end.

    Parameters
    ----------
    progress : bool or callable
        As :data:`Progress`.
    total : int
        Sites to plan.
    lang : {"en", "zh"}
        The language of the display.
    """
    if callable(progress):
        def call(state: Any) -> None:
            if state is not None:
                progress(state[0], total, state[1])
        return call
    if not progress:
        return lambda state: None
    try:
        from tqdm import tqdm
    except ImportError:
        return _StderrLine(total, lang)
    t = Texts(lang, "cli.batch")
    bar = tqdm(total=total, unit=t("unit"), desc=t("title"), file=sys.stderr)
    seen = [0]

    def update(state: Any) -> None:
        if state is None:
            bar.close()
            return
        bar.update(state[0] - seen[0])
        bar.set_postfix({t("failed"): state[1]})
        seen[0] = state[0]
    return update


class _StderrLine:
    """A one-line progress display without dependencies (redrawn at most twice a second)."""

    def __init__(self, total: int, lang: str) -> None:
        self.total, self.start, self.last = total, time.perf_counter(), 0.0
        self.t, self.f = Texts(lang, "cli.batch"), NumberFormat(lang)
        self.drawn = False

    def __call__(self, state: Any) -> None:
        now = time.perf_counter()
        if state is None:  # the end (also of an interrupted run): end the line drawn
            if self.drawn:
                sys.stderr.write("\n")
                sys.stderr.flush()
                self.drawn = False
            return
        done, failed = state
        if now - self.last < 0.5 and done < self.total:
            return
        self.last = now
        rate = done / (now - self.start) if now > self.start else 0.0
        left = (self.total - done) / rate if rate > 0 else math.nan
        f = self.f
        eta = self.t("left", seconds=f.number(left)) if math.isfinite(left) else ""
        sys.stderr.write("\r" + self.t(
            "line", done=f.number(done), total=f.number(self.total),
            share=f.percent(done / self.total, 0), rate=f.number(rate, 1),
            failed=f.number(failed), left=eta) + "   ")
        sys.stderr.flush()
        self.drawn = True
