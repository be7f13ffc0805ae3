"""Latency of a market's page on PostgreSQL: a market of 1,000 vendors, its page and a search
answer as a signed-in market manager's browser asks for them, beside the trivial endpoint
(/api/v1/health) timed the same way in the same run.

    python bench/market_page.py [--vendors 1000] [--requests 300]
                                [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

The database cho40_bench_board is dropped and created again; the vendors go in through the
roster import. The three kinds of request take turns, so a slow moment of the machine falls
on all of them alike. Target: the page and the search under 100 ms p95.
"""

import argparse
import csv
import io
import logging
import random
import statistics
import sys
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
from vendors.importer import import_vendors  # noqa: E402

HTML = {"Accept": "text/html"}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Thị", "Văn", "Ngọc", "Minh", "Thanh", "Quốc", "Hữu", "Thu"]
GIVEN = ["Hoa", "Lan", "Mai", "Tâm", "Hải", "Nam", "Hùng", "Yến", "Phúc", "Nguyệt", "Bình"]
GOODS = ["Rau củ", "Cá tươi", "Thịt heo", "Trái cây", "Tạp hóa", "Gạo", "Bánh kẹo", "Gia vị"]
BANKS = ["VCB", "970415", "Agribank", "BIDV", "MB", "Sacombank", "TCB", "ACB"]


def roster(count: int) -> bytes:
    """count vendors with Vietnamese names (about one in ninety a Nguyễn Thị Hoa)."""
    rng = random.Random(12)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Sạp", "Họ và tên", "Số điện thoại", "Ngành hàng", "Ngân hàng", "Số TK"])
    for n in range(count):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"09{rng.randrange(10**8):08d}"
        account = f"{rng.randrange(10**11, 10**13)}"
        row = [f"{'ABCDEFGH'[n % 8]}-{n:04d}", name, phone, rng.choice(GOODS)]
        writer.writerow(row + [rng.choice(BANKS), account])
    return out.getvalue().encode()


def fresh(server: str) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS cho40_bench_board WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE cho40_bench_board"))
    admin.dispose()
    return make_url(server).set(database="cho40_bench_board").render_as_string(False)


def seed(app, count: int) -> str:
    """The market with count vendors (half of them active); a login session of its manager."""
    with app.app_context(), get_db().session_scope() as session:
        market = create_market(session, code="CHO-BENCH", name="Chợ Bến Tre")
        manager = create_user(session, username="bql", role="market_manager", market_id=market.id)
        result = import_vendors(
            session, actor=manager, market=market, data=roster(count), filename="ds.csv"
        )
        assert result.created == count and not result.errors, result
        session.execute(
            text("UPDATE vendors SET status = 'active', activated_at = now() WHERE id % 2 = 0")
        )
        return start_session(session, user=manager)


def measure(app, cookie: str, paths: dict[str, str], requests: int) -> dict[str, list[float]]:
    """Milliseconds of each request, the kinds taking turns; every answer must be a 200."""
    client = app.test_client()
    with client.session_transaction() as session:
        session[SESSION_KEY] = cookie
    times: dict[str, list[float]] = {name: [] for name in paths}
    for round_ in range(requests + 10):
        for name, path in paths.items():
            started = time.perf_counter()
            response = client.get(path, headers=HTML)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if round_ >= 10:  # the first rounds warm caches and the connection pool
                times[name].append(elapsed)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(len(ordered) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    url = fresh(args.pg)
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PAYER_HASH_KEY": "bench"})
    logging.getLogger("market.request").setLevel(logging.WARNING)  # a line per request: noise
    cookie = seed(app, args.vendors)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    paths = {
        "trivial /api/v1/health": "/api/v1/health",
        "market page": "/markets/CHO-BENCH",
        "search 'nguyen thi hoa'": "/markets/CHO-BENCH?q=nguyen+thi+hoa",
        "search + status + goods": "/markets/CHO-BENCH?q=tran&status=active&goods=G%E1%BA%A1o",
    }
    times = measure(app, cookie, paths, args.requests)
    print(f"{args.vendors:,} vendors, {args.requests} requests of each kind, PostgreSQL")
    trivial = p95(times["trivial /api/v1/health"])
    for name, values in times.items():
        ratio = p95(values) / trivial
        print(
            f"{name:<26} p50 {statistics.median(values):6.2f} ms   p95 {p95(values):6.2f} ms"
            f"   ({ratio:4.1f}× trivial)"
        )
    app.extensions["db"].engine.dispose()


if __name__ == "__main__":
    main()
