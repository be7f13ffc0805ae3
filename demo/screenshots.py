"""The README's pictures, taken from a running demo as its users see it (the demo's own
accounts, phone or office PC): `python -m demo.screenshots --url http://127.0.0.1:8000 --token T`
(T: the admin token `make demo` prints) writes docs/screenshots/*.png. Needs Debian's chromium."""

import argparse
import json
import urllib.request
from pathlib import Path

from demo.seed import DEMO_ADMIN
from tests.browser import CHROMIUM

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# (file, who signs in, the page, viewport): what each user does most
SHOTS = [
    ("market-desktop", "quanly.vinhlong", "/markets/CHO-VINHLONG", DESKTOP),
    ("market-search-phone", "quanly.vinhlong", "/markets/CHO-VINHLONG?q=nguyen+thi", PHONE),
    ("placards-desktop", "quanly.vinhlong", "/markets/CHO-VINHLONG/placards", DESKTOP),
    ("unmatched-desktop", "admin", "/payments/unmatched", DESKTOP),
    ("settlements-desktop", "admin", "/settlements", DESKTOP),
    ("dashboard-desktop", "canbo.nganhang", "/dashboard", DESKTOP),
    ("dashboard-phone", "canbo.nganhang", "/dashboard", PHONE),
    ("school-desktop", "ketoan.lequydon", "/schools/THCS-LEQUYDON", DESKTOP),
    ("invoices-desktop", "ketoan.lequydon", "/invoices?status=unpaid", DESKTOP),
]


def _sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_ADMIN[1])
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def _vendor_link(url: str, token: str, vendor_id: int) -> str:
    request = urllib.request.Request(
        f"{url}/api/v1/vendors/{vendor_id}/login-links",
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["url"]


def _shoot(browser, viewport: dict, name: str, steps) -> None:
    context = browser.new_context(viewport=viewport, locale="vi-VN", device_scale_factor=1)
    page = context.new_page()
    steps(page)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
    context.close()
    print(OUT / f"{name}.png")


def take(url: str, token: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        _shoot(browser, DESKTOP, "home-desktop", lambda page: page.goto(url))
        for name, user, path, viewport in SHOTS:

            def steps(page, user=user, path=path):
                _sign_in(page, url, user)
                page.goto(f"{url}{path}")

            _shoot(browser, viewport, name, steps)

        def parent(page):
            page.goto(f"{url}/pay")
            page.fill("#school", "THCS-LEQUYDON")
            page.fill("#student", "HS001")
            page.fill("#phone", "5678")
            page.click("form button[type=submit]")

        _shoot(browser, PHONE, "pay-phone", parent)

        def vendor(page):
            page.goto(_vendor_link(url, token, 1))
            page.click("form button[type=submit]")
            page.wait_for_url("**/stall")

        _shoot(browser, PHONE, "stall-phone", vendor)
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True, help="the admin token make demo prints")
    arguments = parser.parse_args()
    take(arguments.url.rstrip("/"), arguments.token)
