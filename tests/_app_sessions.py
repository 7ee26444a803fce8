"""Many concurrent users on one local app server, each in its own browser page.

``streamlit run streamlit_app.py`` serves on 127.0.0.1; Debian's Chromium, driven by
Playwright's async API, opens one page per simulated user. Each page holds its own websocket,
so its own Streamlit session (Streamlit keys sessions by connection, not by cookie; the pages
share one browser context so that Chromium compiles the app's JavaScript once, which opens
ten pages in about half the time of ten contexts). Each session

1. opens the app and waits for the demo's headline figures,
2. names its scenario ``Plant <token>`` (the token is unique to the session),
3. uploads its own meter file ``meter-<token>.csv`` (an hourly year at a level of its own),
   and checks the annual consumption the Load page reports,
4. then sets a new PV capacity limit and waits for the sidebar's PV capacity to show it
   (each limit binds: it is far below what the load could use), again and again until the
   window closes: ``seconds`` after the last session reached that page, so that every
   session is planning during the whole window; the time from pressing Enter to the new figure is one
   plan's latency,
5. at the end checks its Load page again (its file, its consumption).

Every page text a session reads is searched for the other sessions' tokens (their scenario
names and file names), every capacity and consumption figure it sees is traced to the session
whose inputs would give it, and the server's resident memory is sampled throughout.

The capacity limits of session ``i`` lie in ``[100 + 15 i, 115 + 15 i)`` kWp and its meter
level is ``300 + 25 i`` kW, so any figure identifies the session it belongs to.

Used by ``tests/test_app_sessions.py`` (a few sessions, about half a minute) and
``benchmarks/bench_app_load.py`` (20 sessions, two minutes).
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-dev-shm-usage",
                 # every page is a user at work, none a background tab to slow down
                 "--disable-background-timer-throttling",
                 "--disable-backgrounding-occluded-windows", "--disable-renderer-backgrounding"]
#: Longest wait for one step of a session (a page, an upload, a plan) on a loaded server [s].
STEP_TIMEOUT_S = 240.0
#: How long the server keeps a closed session's state (Streamlit's default is 120 s); short, so
#: that the memory after the sessions left shows whether their state was released.
SESSION_TTL_S = 5
#: Seconds between memory samples of the server process.
RSS_PERIOD_S = 0.5
_HOURS = 8760
_POLL_S = 0.25


def missing() -> str | None:
    """Why the browser sessions cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install -y chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    return None


# --------------------------------------------------------------------------- the server
@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def app_server(folder: Path, *, start_timeout_s: float = 90.0) -> Iterator[Server]:
    """``streamlit run streamlit_app.py`` on 127.0.0.1 with its store and uploads in
    ``folder``, offline; stopped on exit."""
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = dict(os.environ, PVPLANNER_OFFLINE="1",
               PVPLANNER_STORE_URL=f"sqlite:///{folder / 'store.sqlite'}",
               PVPLANNER_UPLOAD_DIR=str(folder / "uploads"),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log_path = folder / "streamlit.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1",
             "--server.disconnectedSessionTTL", str(SESSION_TTL_S)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start:\n"
                                   + log_path.read_text(errors="replace")[-4000:])
            time.sleep(0.3)
        yield Server(url, process.pid, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def rss_mb(pid: int) -> float:
    """Resident memory of a process [MB]."""
    import psutil  # installed with distributed (a dependency of pvplanner)

    return psutil.Process(pid).memory_info().rss / 1e6


# --------------------------------------------------------------------------- one session's inputs
def level_kw(index: int) -> float:
    """Mean load of session ``index``'s meter file [kW]."""
    return 300.0 + 25.0 * index


def annual_text(index: int) -> str:
    """The annual consumption the app shows for session ``index``'s meter file (a sine over
    whole days averages out: the mean level times 8,760 h)."""
    return f"{level_kw(index) * _HOURS / 1e6:,.2f} GWh"


def cap_kwp(index: int, step: int) -> float:
    """The ``step``-th PV capacity limit of session ``index`` [kWp], one decimal."""
    return 100.0 + 15.0 * index + 0.1 * (1 + step % 149)


def cap_owner(capacity_kwp: float) -> int:
    """The session whose limits include ``capacity_kwp``."""
    return int((capacity_kwp - 100.0) // 15.0)


def meter_csv(index: int) -> bytes:
    """A year of hourly kW readings (timestamp, value), as an energy-management export."""
    import numpy as np
    import pandas as pd

    stamps = pd.date_range("2025-01-01", periods=_HOURS, freq="h")
    kw = level_kw(index) + 200.0 * np.sin(np.arange(_HOURS) / 24 * 2 * np.pi)
    frame = pd.DataFrame({"时间": stamps.strftime("%Y-%m-%d %H:%M"), "有功功率(kW)": kw.round(3)})
    return frame.to_csv(index=False).encode("utf-8")


def _kwp(text: str) -> float | None:
    match = re.fullmatch(r"([\d,]+\.\d) kWp", text.strip())
    return float(match.group(1).replace(",", "")) if match else None


# --------------------------------------------------------------------------- sessions
@dataclass
class SessionLog:
    """What one session did and saw."""

    index: int
    token: str
    latencies_s: list[float] = field(default_factory=list)
    #: When each of those plans arrived (``time.monotonic()``).
    arrivals: list[float] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    uploaded: bool = False
    upload_retries: int = 0
    #: Seconds each stage of the session took (open, name, upload, plans, final check).
    stages_s: dict[str, float] = field(default_factory=dict)
    checked_at_end: bool = False


class _Session:
    def __init__(self, page, log: SessionLog, tokens: list[str]) -> None:
        self.page, self.log, self.sessions = page, log, len(tokens)
        self.ready = False
        self.others = [token for token in tokens if token != log.token]
        sidebar = page.locator('[data-testid="stSidebar"]')
        self.capacity = (sidebar.locator('[data-testid="stMetric"]').filter(has_text="PV capacity")
                         .locator('[data-testid="stMetricValue"]'))

    async def scan(self, where: str) -> str:
        """The page's text; other sessions' tokens in it are leaks."""
        body = await self.page.locator("body").inner_text()
        for token in self.others:
            if token in body:
                self.log.leaks.append(f"{where}: session {self.log.index} sees {token}")
        return body

    async def wait_until(self, where: str, check) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT_S
        while not await check():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{where}: nothing after {STEP_TIMEOUT_S:.0f} s")
            await asyncio.sleep(_POLL_S)

    async def idle(self) -> None:
        """Wait until the app's script run ends (the "Running" indicator goes away), as a
        person waits for the page to settle before the next click."""
        await self.page.locator('[data-testid="stStatusWidget"]').wait_for(
            state="hidden", timeout=STEP_TIMEOUT_S * 1000)

    async def nav(self, title: str) -> None:
        await self.idle()
        await self.page.locator('[data-testid="stSidebarNav"]').get_by_text(
            title, exact=True).click()
        await self.page.get_by_role("heading", name=title).first.wait_for(
            timeout=STEP_TIMEOUT_S * 1000)

    async def capacity_is(self, wanted: float) -> bool:
        try:
            shown = _kwp(await self.capacity.inner_text(timeout=5000))
        except Exception:  # noqa: BLE001 - the metric is being redrawn: look again
            return False
        # Sizes outside every session's limits are this session's unlimited plans.
        owner = cap_owner(shown) if shown is not None else self.log.index
        if owner != self.log.index and 0 <= owner < self.sessions:
            self.log.leaks.append(
                f"session {self.log.index} shows {shown} kWp, a limit of session {owner}")
        return shown == wanted

    async def upload(self, name: str, data: bytes) -> None:
        """Choose a file in the meter uploader; choose it again if the widget did not take it
        (an input event lost while the page was redrawn; a person would pick it again)."""
        widget = self.page.locator('[data-testid="stFileUploader"]')
        for attempt in range(3):
            await self.idle()
            chooser = widget.locator('input[type="file"]')
            await chooser.wait_for(state="attached", timeout=STEP_TIMEOUT_S * 1000)
            await chooser.set_input_files(files=[{"name": name, "mimeType": "text/csv",
                                                  "buffer": data}])
            try:  # the file's entry shows its size (its name may be shortened)
                await widget.filter(has_text=re.compile(r"\d\s?[kKM]B")).wait_for(timeout=30_000)
                return
            except Exception:  # noqa: BLE001 - not taken: choose again
                self.log.upload_retries = attempt + 1
        raise TimeoutError(f"the uploader never took {name}")

    async def check_load_page(self, where: str, *, navigate: bool) -> None:
        """The Load page shows this session's file and consumption (and nothing of others)."""
        if navigate:
            await self.nav("Load")
        own_file = f"meter-{self.log.token}.csv"
        await self.page.get_by_text(own_file).first.wait_for(timeout=STEP_TIMEOUT_S * 1000)
        annual = (self.page.locator('[data-testid="stMetric"]')
                  .filter(has_text="Annual consumption").locator('[data-testid="stMetricValue"]'))
        wanted = annual_text(self.log.index)

        async def shows_own() -> bool:
            try:
                shown = (await annual.first.inner_text(timeout=5000)).strip()
            except Exception:  # noqa: BLE001 - being redrawn
                return False
            for other in range(self.sessions):
                if other != self.log.index and shown == annual_text(other):
                    self.log.leaks.append(f"{where}: session {self.log.index} shows the "
                                          f"consumption of session {other} ({shown})")
            return shown == wanted

        await self.wait_until(f"{where} consumption {wanted}", shows_own)
        await self.scan(where)

    def stage(self, name: str) -> None:
        now = time.monotonic()
        self.log.stages_s[name] = now - self._stage_start
        self._stage_start = now

    async def run(self, url: str, window: Window) -> None:
        page, log = self.page, self.log
        self._stage_start = time.monotonic()
        await page.goto(f"{url}/?lang=en", timeout=STEP_TIMEOUT_S * 1000)
        await self.capacity.wait_for(timeout=STEP_TIMEOUT_S * 1000)
        self.stage("open")

        name = f"Plant {log.token}"
        field_ = page.get_by_label("Scenario name")
        await self.idle()
        await field_.fill(name)
        await field_.press("Enter")
        await page.locator('[data-testid="stSidebar"]').get_by_text(name).wait_for(
            timeout=STEP_TIMEOUT_S * 1000)
        await self.scan("after naming")
        self.stage("name")

        await self.nav("Load")
        await self.idle()
        await page.get_by_text("Meter export file").click()
        await page.get_by_text("Upload the meter export below").wait_for(
            timeout=STEP_TIMEOUT_S * 1000)
        await self.idle()
        await self.upload(f"meter-{log.token}.csv", meter_csv(log.index))
        # Stay on the page while the upload is read: leaving it at once would drop the file
        # (the uploader still shows it, but the app never reads it).
        await self.check_load_page("after upload", navigate=False)
        log.uploaded = True
        self.stage("upload")

        await self.nav("Tariff and costs")
        limit = page.get_by_label("Max PV capacity [kWp]")
        await limit.wait_for()
        await self.idle()
        self.stage("to the tariff page")
        self.ready = True
        window.ready()
        step = 0
        while True:
            wanted = cap_kwp(log.index, step)
            await self.idle()
            await limit.fill(f"{wanted:.1f}")
            start = time.monotonic()
            await limit.press("Enter")
            await self.wait_until(f"plan with {wanted} kWp",
                                  lambda wanted=wanted: self.capacity_is(wanted))
            log.arrivals.append(time.monotonic())
            log.latencies_s.append(log.arrivals[-1] - start)
            await self.scan(f"plan {step}")
            step += 1
            if window.closed():
                break
        self.stage("plans")
        await self.check_load_page("at the end", navigate=True)
        log.checked_at_end = True
        self.stage("final check")


class Window:
    """The measuring window: it opens when every session has finished steps 1-3 and is on the
    page of step 4 (or failed), and closes ``seconds`` later."""

    def __init__(self, sessions: int, seconds: float) -> None:
        self.waiting, self.seconds = sessions, seconds
        self.opened: float | None = None

    def ready(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.opened = time.monotonic()

    def closed(self) -> bool:
        return self.opened is not None and time.monotonic() >= self.opened + self.seconds


async def _drive(context, url: str, log: SessionLog, tokens: list[str], window: Window,
                 start_delay_s: float, folder: Path) -> None:
    await asyncio.sleep(start_delay_s)
    page = session = None
    try:
        page = await context.new_page()
        session = _Session(page, log, tokens)
        await session.run(url, window)
    except Exception as problem:  # noqa: BLE001 - a failed session is reported, not raised
        log.errors.append(f"{type(problem).__name__}: {str(problem)[:500]}")
        if session is None or not session.ready:
            window.ready()  # the others need not wait for this one
        if page is not None:
            await _record_failure(page, log, folder)
    finally:
        if page is not None:
            await page.close()


async def _record_failure(page, log: SessionLog, folder: Path) -> None:
    """Screenshot and page text of a failed session (with any developer details opened)."""
    try:
        for details in await page.get_by_text("Details for developers").all():
            await details.click(timeout=5000)
        shot = folder / f"session-{log.index:02d}-failed.png"
        await page.screenshot(path=str(shot), full_page=True)
        text = folder / f"session-{log.index:02d}-failed.txt"
        text.write_text(await page.locator("body").inner_text(timeout=5000), encoding="utf-8")
        log.errors.append(f"see {shot} and {text}")
    except Exception:  # noqa: BLE001 - the page may be gone
        pass


async def _sample(pid: int, samples: list[tuple[float, float]], stop: asyncio.Event) -> None:
    start = time.monotonic()
    while not stop.is_set():
        samples.append((time.monotonic() - start, rss_mb(pid)))
        try:
            await asyncio.wait_for(stop.wait(), RSS_PERIOD_S)
        except TimeoutError:
            pass


async def _run(server: Server, sessions: int, seconds: float, settle_s: float,
               folder: Path) -> dict:
    from playwright.async_api import async_playwright

    tokens = [f"Q{index:02d}x{secrets.token_hex(2)}" for index in range(sessions)]
    logs = [SessionLog(index, token) for index, token in enumerate(tokens)]
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 1400},
                                                locale="en-US")
            context.set_default_timeout(STEP_TIMEOUT_S * 1000)
            # A first visit imports everything and plans the demo (not measured).
            page = await context.new_page()
            await page.goto(f"{server.url}/?lang=en")
            await _Session(page, SessionLog(-1, "warm-up"), []).capacity.wait_for()
            await page.close()
            await asyncio.sleep(SESSION_TTL_S + 1)
            rss_start = rss_mb(server.pid)
            sampler = asyncio.create_task(_sample(server.pid, samples, stop))
            started = time.monotonic()
            window = Window(sessions, seconds)
            await asyncio.gather(*[
                _drive(context, server.url, log, tokens, window, 0.3 * log.index, folder)
                for log in logs])
            elapsed = time.monotonic() - started
            setup = (window.opened or time.monotonic()) - started
        finally:
            await browser.close()
        await asyncio.sleep(settle_s)  # closed sessions' state is dropped after the TTL
        stop.set()
        await sampler
    rss_end = rss_mb(server.pid)
    latencies = sorted(value for log in logs for value in log.latencies_s)
    opened = window.opened if window.opened is not None else float("inf")
    in_window = [[latency for latency, at in zip(log.latencies_s, log.arrivals, strict=True)
                  if opened <= at <= opened + seconds] for log in logs]
    window_latencies = sorted(value for values in in_window for value in values)
    return {
        "sessions": sessions,
        "seconds": elapsed,
        "setup_seconds": setup,
        "window_seconds": seconds,
        "plans": len(latencies),
        "plans_per_session_min": min(len(log.latencies_s) for log in logs),
        "latency_p50_s": _quantile(latencies, 0.5),
        "latency_p95_s": _quantile(latencies, 0.95),
        "latency_max_s": _quantile(latencies, 1.0),
        "window_plans": len(window_latencies),
        "window_plans_per_session_min": min(len(values) for values in in_window),
        "window_latency_p50_s": _quantile(window_latencies, 0.5),
        "window_latency_p95_s": _quantile(window_latencies, 0.95),
        "rss_start_mb": rss_start,
        "rss_peak_mb": max([rss_start, *(value for _, value in samples)]),
        "rss_end_mb": rss_end,
        "rss_samples": samples,
        "leaks": [leak for log in logs for leak in log.leaks],
        "errors": {log.index: log.errors for log in logs if log.errors},
        "uploaded": sum(log.uploaded for log in logs),
        "upload_retries": sum(log.upload_retries for log in logs),
        "checked_at_end": sum(log.checked_at_end for log in logs),
        "logs": logs,
    }


def _quantile(ordered: list[float], share: float) -> float | None:
    """The ``share`` quantile of sorted values (the median interpolated, others nearest
    rank), None for no values."""
    if not ordered:
        return None
    if share == 0.5:
        return statistics.median(ordered)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def run_sessions(folder: Path, sessions: int, seconds: float, *,
                 settle_s: float = SESSION_TTL_S + 10) -> dict:
    """Start a server in ``folder``, run ``sessions`` users for ``seconds``, return figures.

    Returns
    -------
    dict
        ``sessions``, ``seconds`` (until the last session finished), ``setup_seconds`` (until
        every session had opened, named, uploaded and reached the tariff page: the window
        opens), ``window_seconds``,
        ``plans`` (plans every session saw completed, window and before),
        ``window_plans``, ``window_plans_per_session_min``, ``window_latency_p50_s`` and
        ``window_latency_p95_s`` (plans that arrived inside the window), ``plans_per_session_min``, ``latency_p50_s``,
        ``latency_p95_s``, ``latency_max_s`` (input change to new figure), ``rss_start_mb``
        (after a warm-up visit), ``rss_peak_mb``, ``rss_end_mb`` (``settle_s`` after the
        sessions closed), ``rss_samples`` ([(s, MB)]), ``leaks`` (list of texts),
        ``errors`` ({session: [texts]}), ``uploaded`` and ``checked_at_end`` (sessions that
        got that far), ``logs``.
    """
    with app_server(folder) as server:
        return asyncio.run(_run(server, sessions, seconds, settle_s, folder))
