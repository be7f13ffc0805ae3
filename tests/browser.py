"""Headless Chromium (Debian's /usr/bin/chromium) through Playwright, and a live server."""

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
PHONE = {"width": 390, "height": 844}


def require_chromium() -> None:
    """Skip without Chromium on a developer machine; CI (.ci/run installs it) must have it."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run installs the Debian package")
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")


@contextmanager
def live_server(app):
    """Serve app on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def phone_page():
    """A Playwright page the size of a phone screen, in Debian's headless Chromium."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=2)
            yield context.new_page()
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under build/screenshots and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
