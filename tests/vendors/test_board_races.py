"""Two confirmations of one previewed roster (a double click, a second tab), raced on
PostgreSQL with real threads: one imports, the other is told the file is gone; never a 500,
never a vendor twice."""

import io
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from market.auth import SESSION_KEY
from market.db import get_db
from market.users import create_user, start_session
from tests.factories import make_market
from tests.pages import FORM_TOKEN, HTML
from vendors.models import Vendor

ROSTER = (Path(__file__).resolve().parent.parent / "data" / "fixtures").joinpath(
    "vendors_cho_vinh_long.csv"
)


def browser(app, cookie: str):
    client = app.test_client()
    with client.session_transaction() as session:
        session[SESSION_KEY], session["csrf"] = cookie, FORM_TOKEN
    return client


def test_a_double_confirmation_imports_once(make_app, live_database):
    app = make_app(DATABASE_URL=live_database)
    with app.app_context(), get_db().session_scope() as session:
        market = make_market(session, code="CHO-RACE")
        manager = create_user(session, username="bql", role="market_manager", market_id=market.id)
        cookie = start_session(session, user=manager)
    form = {"csrf": FORM_TOKEN, "file": (io.BytesIO(ROSTER.read_bytes()), "ds.csv")}
    preview = browser(app, cookie).post("/markets/CHO-RACE/import", headers=HTML, data=form)
    key = preview.get_data(as_text=True).split('name="key" value="')[1][:64]

    engine = create_engine(live_database)
    with engine.connect() as holder:  # both confirmations queue behind this lock
        holder.execute(text("SELECT id FROM roster_uploads FOR UPDATE"))
        with ThreadPoolExecutor(2) as pool:
            sent = {"csrf": FORM_TOKEN, "key": key, "activate": "1"}
            answers = [
                pool.submit(
                    browser(app, cookie).post,
                    "/markets/CHO-RACE/import/confirm",
                    headers=HTML,
                    data=sent,
                )
                for _ in range(2)
            ]
            time.sleep(1.0)
            holder.rollback()
            statuses = sorted(answer.result().status_code for answer in answers)
    with engine.connect() as conn:
        vendors = conn.scalar(select(func.count()).select_from(Vendor.__table__))
    engine.dispose()
    assert statuses == [302, 404]
    assert vendors == 188
