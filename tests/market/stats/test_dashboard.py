"""The dashboard in a real browser: tiles agree with the API, in Vietnamese formats."""

import random

import pytest

from market.db import get_db
from market.migrate import upgrade
from market.money import format_money_short, format_number
from market.users import create_user, issue_token
from tests.browser import live_server, phone_page, screenshot

PERIOD = "from=2026-10-01&to=2026-10-31"


@pytest.fixture
def served(make_app, tmp_path):
    from demo.seed import seed

    url = f"sqlite:///{tmp_path / 'dash.db'}"
    upgrade(url)
    app = make_app(DATABASE_URL=url)
    with app.app_context(), get_db().session_scope() as session:
        seed(session, vendors_per_market=10)
        user = create_user(
            session, username="nganhang.tinh", role="bank_staff", password="mat-khau-dai-1"
        )
        token = issue_token(session, user=user)
    random.seed(1)
    with live_server(app) as base:
        yield app, base, token


def test_bank_staff_see_tiles_that_match_the_api(served):
    app, base, token = served
    api = (
        app.test_client()
        .get(f"/api/v1/stats/adoption?{PERIOD}", headers={"Authorization": f"Bearer {token}"})
        .json["totals"]
    )
    assert api["transactions"] > 0
    with phone_page() as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{base}/dashboard?{PERIOD}")
        page.wait_for_url("**/login**")
        page.fill("#username", "nganhang.tinh")
        page.fill("#password", "mat-khau-dai-1")
        page.click("button[type=submit]")
        page.wait_for_selector(".tile")

        def tile(metric):
            return page.locator(f'.tile[data-metric="{metric}"] .figure').inner_text()

        assert tile("transactions") == format_number(api["transactions"])
        assert tile("registered_points") == format_number(api["registered_points"])
        assert tile("active_points") == format_number(api["active_points"])
        assert tile("value") == format_money_short(api["value"])
        assert tile("distinct_payers") == format_number(api["distinct_payers"])
        assert "%" in page.locator('.tile[data-metric="transactions"] .growth').inner_text()
        assert page.locator("svg.chart rect.bar").count() >= 1
        assert "Thu học phí" in page.locator("main").inner_text()
        screenshot(page, "dashboard")
