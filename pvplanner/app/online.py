"""Whether the map can show OpenStreetMap tiles: a short, cached check that never blocks a page.

The site page draws its map on OpenStreetMap's tiles when they can be reached and as a dot
map of coordinates otherwise. The answer comes from a background check (one small HTTPS
request with a short timeout, at most once per :data:`RECHECK_S`); until the first check has
answered, and whenever ``$PVPLANNER_OFFLINE`` is set, the map is offline. The server asks on
behalf of its users: a server without internet access usually serves users without it too.

Tests replace :data:`probe` (or call :func:`set_answer`); with ``$PVPLANNER_OFFLINE`` set,
nothing here opens a connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from weather.source import offline_mode

#: The tile fetched to decide (zoom 0: the whole world, a few kB).
PROBE_URL = "https://tile.openstreetmap.org/0/0/0.png"
#: Longest wait of the check [s] (in its own thread: the page never waits).
PROBE_TIMEOUT_S = 2.0
#: Age after which the answer is checked again [s].
RECHECK_S = 600.0
#: Who asks (the tile servers' usage policy asks for an identifying User-Agent).
USER_AGENT = "pvplanner (rooftop PV planner; map tile availability check)"


def _fetch_probe() -> bool:
    """True when the tile server answers the probe with an image."""
    import requests

    try:
        answer = requests.get(PROBE_URL, timeout=PROBE_TIMEOUT_S,
                              headers={"User-Agent": USER_AGENT})
    except requests.RequestException:
        return False
    return answer.status_code == 200 and answer.headers.get(
        "content-type", "").startswith("image/")


#: The check itself; tests replace it.
probe: Callable[[], bool] = _fetch_probe

_lock = threading.Lock()
_answer: dict[str, float | bool | None] = {"online": None, "at": None, "running": False}


def set_answer(online: bool | None, at: float | None = None) -> None:
    """Set the remembered answer (``None`` forgets it: the next call checks again)."""
    with _lock:
        _answer["online"] = online
        _answer["at"] = time.monotonic() if at is None and online is not None else at
        _answer["running"] = False


def _run_probe() -> None:
    try:
        found = bool(probe())
    except Exception:  # noqa: BLE001 - any failure of the check means offline
        found = False
    set_answer(found)


def tiles_online(*, wait_s: float = 0.0) -> bool:
    """True when OpenStreetMap tiles were reachable at the last check.

    Starts a check in a background thread when there is no answer or it is older than
    :data:`RECHECK_S`, and returns the answer known now (False before the first check
    ends, unless ``wait_s`` > 0 lets the caller wait that long for it).
    """
    if offline_mode():
        return False
    with _lock:
        known, at, running = _answer["online"], _answer["at"], _answer["running"]
        stale = at is None or time.monotonic() - float(at) > RECHECK_S
        start = stale and not running
        if start:
            _answer["running"] = True
    if start:
        worker = threading.Thread(target=_run_probe, name="pvplanner-tile-check", daemon=True)
        worker.start()
        if wait_s > 0:
            worker.join(wait_s)
            with _lock:
                known = _answer["online"]
    return bool(known)


__all__ = ["PROBE_URL", "probe", "set_answer", "tiles_online"]
