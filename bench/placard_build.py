"""The placards of a market of 1,000 vendors: how long the page shows progress, and what the
same PDF costs as one request (the form without JavaScript), in the same run.

    python bench/placard_build.py                 # SQLite file, 1,000 vendors, 2 a page
    python bench/placard_build.py --vendors 300 --pg postgresql+psycopg://postgres@127.0.0.1/x

Prints: the build's answer time (the 202 the page gets), the time until the first progress,
the time until done, the progress values seen polling every second (as the page does), and
the one-request PDF's time. Each QR costs ~15 ms of pure Python (mask choice): the cache of
QR matrices is emptied before each part, so neither profits from the other.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from market import create_app  # noqa: E402
from market.auth import SESSION_KEY  # noqa: E402
from market.db import get_db  # noqa: E402
from market.markets.service import create_market  # noqa: E402
from market.migrate import upgrade  # noqa: E402
from market.users import create_user, start_session  # noqa: E402
from payments.qr.image import _matrix  # noqa: E402
from vendors.models import Vendor  # noqa: E402
from vendors.rules import normalize_vendor  # noqa: E402

FORM = "bench-form-token"
NAMES = ["Nguyễn Thị Hoa", "Trần Văn Bảy", "Lê Thị Ngọc Tuyết", "Phạm Văn Tám", "Đinh Thị Mai"]


def fresh_pg(url: str) -> str:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "cho40_bench_placards" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "cho40_bench_placards"'))
    admin.dispose()
    return make_url(url).set(database="cho40_bench_placards").render_as_string(False)


def seeded_browser(app, vendors: int):
    """A market of vendors active vendors and its manager's signed-in test client."""
    with app.app_context(), get_db().session_scope() as session:
        market = create_market(session, code="CHO-BENCH", name="Chợ Đo Tốc Độ")
        for n in range(vendors):
            raw = {
                "stall": f"A-{n:04d}",
                "full_name": NAMES[n % len(NAMES)],
                "phone": f"09{n:08d}",
                "bank": "VCB",
                "account_number": f"{1000000000 + n}",
            }
            values, errors = normalize_vendor(raw)
            assert not errors, errors
            session.add(Vendor(market=market, status="active", **values))
        user = create_user(session, username="bql.bench", role="market_manager", market_id=1)
        key = start_session(session, user=user)
    browser = app.test_client()
    with browser.session_transaction() as cookie:
        cookie[SESSION_KEY], cookie["csrf"] = key, FORM
    return browser


def run(url: str, vendors: int, per_page: int, folder: Path) -> None:
    upgrade(url)
    config = {"SECRET_KEY": "bench", "DATABASE_URL": url, "PLACARD_FOLDER": str(folder)}
    app = create_app(config | {"ENV": "development", "PLACARD_BUILD_IN_THREAD": True})
    browser = seeded_browser(app, vendors)
    form = {"csrf": FORM, "per_page": str(per_page), "which": "all"}

    _matrix.cache_clear()
    start = time.perf_counter()
    answer = browser.post("/markets/CHO-BENCH/placards/builds", data=form)
    answered = time.perf_counter() - start
    build = answer.json
    answer.close()  # as the server does: the thread starts now
    seen, first, drawn = [], None, None
    while build["status"] == "running":
        time.sleep(1.0)  # as the page polls
        build = browser.get(build["progress"]).json
        seen.append(build["done"])
        if first is None and build["done"]:
            first = time.perf_counter() - start
        if drawn is None and build["done"] == build["total"]:
            drawn = time.perf_counter() - start
    done = time.perf_counter() - start
    size = len(browser.get(build["download"]).data)

    _matrix.cache_clear()
    start = time.perf_counter()
    whole = browser.post("/markets/CHO-BENCH/placards", data=form)
    at_once = time.perf_counter() - start
    print(f"{make_url(url).get_backend_name()}: {vendors} vendors, {per_page} a page")
    print(f"  build: answered in {answered * 1000:.0f} ms, first progress after {first:.1f} s,")
    print(f"         all drawn after {drawn:.1f} s, {build['status']} after {done:.1f} s")
    print(f"         ({size / 1e6:.1f} MB), {len(seen)} polls")
    print(f"         progress seen: {seen[:3]} … {seen[-3:]}")
    print(f"  one request (no JavaScript): {at_once:.1f} s ({len(whole.data) / 1e6:.1f} MB)")
    app.extensions["db"].engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=1000)
    parser.add_argument("--per-page", type=int, default=2, choices=(1, 2, 4))
    parser.add_argument("--pg", help="a PostgreSQL URL (a database of its own is made beside it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_pg(args.pg) if args.pg else f"sqlite:///{Path(tmp) / 'bench.db'}"
        run(url, args.vendors, args.per_page, Path(tmp) / "placards")


if __name__ == "__main__":
    main()
