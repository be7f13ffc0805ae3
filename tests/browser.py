"""Headless Chromium (Debian's /usr/bin/chromium) through Playwright, a live server, and the
checks every screen gets: axe-core finds no serious or critical violation, a screenshot lands
in build/screenshots/."""

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
DESKTOP = {"width": 1366, "height": 768}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
SCALES = {"phone": 2, "desktop": 1}  # a phone's dense screen; an office PC's plain one
BLOCKING = ("serious", "critical")  # axe-core impacts that fail a test


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
def browser_page(viewport: dict, scale: float = 2):
    """A Playwright page of the given viewport, in Debian's headless Chromium, Vietnamese."""
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
            context = browser.new_context(
                viewport=viewport, locale="vi-VN", device_scale_factor=scale
            )
            yield context.new_page()
        finally:
            browser.close()


@contextmanager
def screen_page(width: str):
    """A page of one of WIDTHS: "phone" (390 px) or "desktop" (1366 px)."""
    with browser_page(WIDTHS[width], scale=SCALES[width]) as page:
        yield page


@contextmanager
def phone_page():
    """A page the size of a phone screen (390 px)."""
    with screen_page("phone") as page:
        yield page


@contextmanager
def desktop_page():
    """A page the size of an office PC's screen (1366 px)."""
    with screen_page("desktop") as page:
        yield page


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under build/screenshots and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page) -> None:
    """Run axe-core (bundled with axe-playwright-python: no network) on the page as it is;
    fail on any serious or critical violation, naming the rule and the elements."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    report = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in blocking
    ]
    assert not blocking, f"{page.url}\n" + "\n".join(report)


def no_sideways_scroll(page) -> bool:
    """True when the page fits its viewport's width (nothing to scroll sideways on a phone)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def check_screen(page, name: str) -> Path:
    """What every screen must pass: accessible, no sideways scrolling; then its screenshot."""
    assert no_sideways_scroll(page), f"{name}: the page scrolls sideways"
    assert_accessible(page)
    return screenshot(page, name)
