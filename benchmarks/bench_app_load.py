"""Load on the app: 20 concurrent browser sessions on one local Streamlit server.

Run ``python benchmarks/bench_app_load.py [--sessions 20] [--seconds 120]`` (needs
``/usr/bin/chromium`` and the ``playwright`` package; no network: the server runs with
``PVPLANNER_OFFLINE=1``). Each session, in its own Chromium context, opens the app, names its
scenario, uploads its own meter file, then re-plans with a new PV capacity limit again and
again; the window of ``--seconds`` opens once every session is on the page where it does
that, so all of them plan during the whole window. The driver is ``tests/_app_sessions.py`` (see its docstring for what
is checked); ``tests/test_app_sessions.py`` runs a short version as a test.

Prints: sessions, plans completed (in the window and in all; all sessions, and the fewest of
one session), the latency from pressing Enter to the new figure (p50, p95), the server's
resident memory (after a
warm-up visit, peak, at each quarter of the window, and after the sessions left and the
server's session TTL passed) and the cross-session leaks found. Exits 1 if a session failed
or a leak was found, else 0. Chromium runs on the same two cores as the server, so the
latencies include the browsers' share of the CPU.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests._app_sessions import missing, run_sessions  # noqa: E402 - after the path


def _rss_in_window(figures: dict) -> list[tuple[str, float]]:
    """Peak resident memory in each quarter of the window [MB]."""
    start, length = figures["setup_seconds"], figures["window_seconds"]
    marks = []
    for quarter in range(4):
        low, high = start + length * quarter / 4, start + length * (quarter + 1) / 4
        inside = [mb for at, mb in figures["rss_samples"] if low <= at < high]
        if inside:
            marks.append((f"{25 * (quarter + 1)}%", max(inside)))
    return marks


def _print(figures: dict, logs: list) -> None:
    print(f"sessions                    {figures['sessions']}")
    print(f"set-up (open, name, upload, to the tariff page) {figures['setup_seconds']:.0f} s "
          "until all were ready")
    print(f"window                      {figures['window_seconds']:.0f} s, "
          f"run {figures['seconds']:.0f} s in all")
    print(f"plans completed in window   {figures['window_plans']} "
          f"(fewest in one session: {figures['window_plans_per_session_min']})")
    if figures["window_plans"]:
        print(f"plan latency in window      p50 {figures['window_latency_p50_s']:.1f} s, "
              f"p95 {figures['window_latency_p95_s']:.1f} s")
    print(f"plans completed in all      {figures['plans']} "
          f"(fewest in one session: {figures['plans_per_session_min']})")
    if figures["plans"]:
        print(f"plan latency in all         p50 {figures['latency_p50_s']:.1f} s, "
              f"p95 {figures['latency_p95_s']:.1f} s, max {figures['latency_max_s']:.1f} s")
    print(f"server RSS start / peak / end {figures['rss_start_mb']:.0f} / "
          f"{figures['rss_peak_mb']:.0f} / {figures['rss_end_mb']:.0f} MB")
    quarters = ", ".join(f"{mark} {mb:.0f}" for mark, mb in _rss_in_window(figures))
    print(f"server RSS peak per quarter of the window: {quarters} MB")
    print(f"uploads read / final checks {figures['uploaded']} / "
          f"{figures['checked_at_end']} (upload retries {figures['upload_retries']})")
    print(f"cross-session leaks found   {len(figures['leaks'])}")
    for leak in figures["leaks"][:20]:
        print(f"  {leak}")
    for index, errors in figures["errors"].items():
        print(f"  session {index} failed: {' | '.join(errors)}")
    for log in logs:
        stages = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in log.stages_s.items())
        print(f"  session {log.index:2d}: {len(log.latencies_s)} plans; {stages}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    reason = missing()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="bench-app-load-"))
    figures = run_sessions(folder, args.sessions, args.seconds)
    logs = figures.pop("logs")
    _print(figures, logs)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
    if figures["errors"] or figures["leaks"]:
        print(f"screenshots and the server log are kept in {folder}")
        return 1
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
