"""The app in a real browser: ``streamlit run`` on 127.0.0.1 driven by Debian's Chromium
through Playwright. Opens the demo, changes an input, sees the KPI update, switches to
Chinese and saves screenshots to ``tests/artifacts/`` (git-ignored).

Needs ``/usr/bin/chromium`` (``apt-get install chromium``) and the ``playwright`` package
(test extras); skipped with the reason otherwise. Run alone with ``pytest -m browser``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
# A cold server imports pvlib, pandas and the solver and plans the demo on the first visit.
LOAD_TIMEOUT_MS = 120_000


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    reason = _missing()
    if reason:
        pytest.skip(reason)
    port = _free_port()
    env = dict(os.environ,
               PVPLANNER_OFFLINE="1",
               PVPLANNER_STORE_URL=f"sqlite:///{tmp_path / 'store.sqlite'}",
               PVPLANNER_UPLOAD_DIR=str(tmp_path / "uploads"),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log = (tmp_path / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("streamlit did not start:\n"
                            + (tmp_path / "streamlit.log").read_text(errors="replace"))
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _sidebar_metric(page, label: str):
    return (page.locator('[data-testid="stSidebar"] [data-testid="stMetric"]')
            .filter(has_text=label).locator('[data-testid="stMetricValue"]'))


def _wait_for_change(locator, old: str, timeout_s: float = 60.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = locator.inner_text().strip()
        if text and text != old:
            return text
        time.sleep(0.2)
    raise AssertionError(f"the value stayed {old!r}")


def test_demo_input_change_language_switch_and_screenshots(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1800}, locale="en-US")
            page.goto(f"{server}/tariff?lang=en", timeout=LOAD_TIMEOUT_MS)
            npv = _sidebar_metric(page, "Net present value")
            npv.wait_for(timeout=LOAD_TIMEOUT_MS)
            capacity = _sidebar_metric(page, "PV capacity")
            assert capacity.inner_text().strip() == "3,041.8 kWp"
            npv_before = npv.inner_text().strip()
            assert npv_before.startswith("CNY ")
            page.screenshot(path=str(ARTIFACTS / "app_tariff_en.png"))

            # Change an input: cap the PV at 1 MW; the plan reruns and the KPIs follow.
            limit = page.get_by_label("Max PV capacity [kWp]")
            limit.fill("1000")
            limit.press("Enter")
            npv_after = _wait_for_change(npv, npv_before)
            assert npv_after.startswith("CNY ")
            assert _wait_for_change(capacity, "3,041.8 kWp") == "1,000.0 kWp"

            # Switch to Chinese: labels, money format and navigation follow.
            page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
            page.get_by_role("heading", name="电价与成本").first.wait_for(timeout=60_000)
            npv_zh = _sidebar_metric(page, "净现值")
            npv_zh.wait_for(timeout=60_000)
            assert npv_zh.inner_text().strip().startswith("¥")
            # The user's change survives the language switch.
            assert _sidebar_metric(page, "光伏装机").inner_text().strip() == "1,000.0 kWp"
            page.screenshot(path=str(ARTIFACTS / "app_tariff_zh.png"))

            page.locator('[data-testid="stSidebarNav"]').get_by_text("测算结果").click()
            page.get_by_role("heading", name="测算结果").first.wait_for(timeout=60_000)
            page.locator('[data-testid="stMetric"]').filter(has_text="内部收益率").first.wait_for()
            page.wait_for_timeout(1500)  # let the charts draw
            page.screenshot(path=str(ARTIFACTS / "app_results_zh.png"), full_page=True)
            body = page.locator("body").inner_text()
            assert "Traceback" not in body

            # A browser set to Chinese opens in Chinese without being asked (st.context.locale).
            chinese = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            chinese.goto(server, timeout=LOAD_TIMEOUT_MS)
            chinese.get_by_role("heading", name="场地与屋顶").first.wait_for(timeout=60_000)
        finally:
            browser.close()
    for name in ("app_tariff_en.png", "app_tariff_zh.png", "app_results_zh.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


def test_the_file_uploader_reads_chinese_in_chinese(server):
    """Streamlit writes its uploader's button and hint in English whatever the page's
    language; on a Chinese page the app's words are drawn in their place (and the English,
    kept for the layout, takes no room)."""
    from playwright.sync_api import sync_playwright

    from pvplanner.app.uploads import MAX_UPLOAD_MB
    from pvplanner.display.messages import translate

    drawn = """(selector) => {
        const el = document.querySelector(selector);
        return [getComputedStyle(el, '::after').content, getComputedStyle(el).fontSize];
    }"""
    button = ('[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] '
              '[data-testid="stMarkdownContainer"] p')
    hint = '[data-testid="stFileUploaderDropzoneInstructions"] span'
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for lang in ("zh", "en"):
                page = browser.new_page(viewport={"width": 1280, "height": 1200})
                page.goto(f"{server}/monitor?lang={lang}", timeout=LOAD_TIMEOUT_MS)
                page.wait_for_selector(hint, timeout=LOAD_TIMEOUT_MS)
                words_button, size_button = page.evaluate(drawn, button)
                words_hint, size_hint = page.evaluate(drawn, hint)
                if lang == "zh":
                    assert words_button == f'"{translate("common.upload.button", "zh")}"'
                    assert words_hint == '"{}"'.format(
                        translate("common.upload.hint", "zh", mb=MAX_UPLOAD_MB))
                    assert size_button == size_hint == "0px"  # the English takes no room
                else:  # Streamlit's own English, untouched
                    assert words_button in ("none", "normal") and size_button != "0px"
                page.close()
        finally:
            browser.close()
