"""A real headless Chromium (the Debian `chromium` package, driven by Playwright; no `playwright install`)
on the portal served by uvicorn on a free port — the services behind it as in the other portal tests.
Screenshots of the key pages go to `artifacts/screenshots/` (CI keeps that folder)."""

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

REPO = Path(__file__).resolve().parents[4]
SCREENSHOTS = Path(os.environ.get("LINLI_SCREENSHOTS", REPO / "artifacts" / "screenshots"))
CHROMIUM = os.environ.get("LINLI_CHROMIUM", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def portal_url(portal) -> Iterator[str]:
    """The portal app behind a real HTTP server, as a browser reaches it."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(portal, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the portal server stopped before it started"
        assert time.monotonic() < deadline, "the portal server did not start in 30 s"
        time.sleep(0.05)
    yield f"http://localhost:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_browser(chromium, portal_url) -> Iterator[Callable[..., object]]:
    """`open_browser(phone=False)` → a new page (its own cookies) on the portal; Chinese unless told."""
    contexts = []

    def start(phone: bool = False, locale: str = "zh-CN") -> object:
        context = chromium.new_context(
            base_url=portal_url,
            viewport=PHONE if phone else DESK,
            locale=locale,
            timezone_id="Asia/Shanghai",
            is_mobile=phone,
            has_touch=phone,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield start
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot() -> Callable[[object, str], Path]:
    """`screenshot(page, "committee-dashboard")` → artifacts/screenshots/committee-dashboard.png"""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
