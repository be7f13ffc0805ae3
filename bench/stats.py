"""Latency of /stats/adoption at scale: 10 million payments over two years and 300 payees in
PostgreSQL, rollups rebuilt, then p50/p95 of a year by month and a year by market.

    python bench/stats.py [--payments 10000000] [--requests 60] [--reuse]
                          [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

The database cho40_bench_stats is dropped and created again; payments go in with COPY (with
the payments table's secondary indexes dropped: statistics never read them). --reuse keeps a
database an earlier run loaded (migrated to the current schema), to time the queries again.
Target on a 2-core machine: p95 under 50 ms.
"""

import argparse
import hashlib
import io
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from market import create_app  # noqa: E402
from market.db import get_db  # noqa: E402
from market.migrate import upgrade  # noqa: E402
from market.users import create_user, issue_token  # noqa: E402

DAYS = 730
PAYEES = 300
COLUMNS = (
    "kind",
    "method",
    "source",
    "provider_id",
    "provider_txn_id",
    "amount",
    "fee_amount",
    "occurred_at",
    "business_date",
    "received_at",
    "payer_bin",
    "payer_hash",
    "payee_type",
    "payee_id",
    "match_status",
)
BANKS = ["970436", "970415", "970405", "970418", "970422", "970403", "971005", "970407"]


def fresh(server: str) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS cho40_bench_stats WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE cho40_bench_stats"))
    admin.dispose()
    return make_url(server).set(database="cho40_bench_stats").render_as_string(False)


def seed_payees(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO providers (id, name, format, secret, fee_fixed, fee_bps, "
                "active, created_at) VALUES (1, 'bank', 'generic', 'x', 0, 0, true, "
                "now()), (2, 'wallet', 'generic', 'y', 0, 0, true, now())"
            )
        )
        for m in range(6):
            conn.execute(
                text(
                    "INSERT INTO markets (id, code, name, ward_code, legacy_district, created_at) "
                    "VALUES (:i, :c, :n, :w, :d, now())"
                ),
                {
                    "i": m + 1,
                    "c": f"CHO-{m + 1}",
                    "n": f"Chợ {m + 1}",
                    "w": f"2900{m}",
                    "d": f"Huyện {m % 3}",
                },
            )
        start = datetime.now(UTC) - timedelta(days=DAYS)
        conn.execute(
            text(
                "INSERT INTO vendors (id, market_id, stall, full_name, name_folded, phone, "
                "bank_bin, account_number, account_name, status, category, created_at, updated_at, "
                "activated_at) SELECT g, 1 + g % 6, 'S-' || g, 'Tiểu thương ' || g, 'tieu thuong', "
                "'0912345678', '970436', '1000' || g, 'TIEU THUONG', 'active', 'Rau củ', :s, :s, "
                ":s + (g % 400) * interval '1 day' FROM generate_series(1, :n) g"
            ),
            {"s": start, "n": PAYEES},
        )
    engine.dispose()


def load_payments(url: str, count: int) -> float:
    """COPY count payments; returns seconds."""
    engine = create_engine(url)
    rng = random.Random(42)
    payers = [hashlib.sha256(str(n).encode()).hexdigest()[:32] for n in range(200_000)]
    first = date.today() - timedelta(days=DAYS)
    started = time.perf_counter()
    with engine.begin() as conn:
        for name in (
            "ix_payments_payee_day",
            "ix_payments_business_date",
            "ix_payments_unmatched",
            "ix_payments_target",
        ):
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        raw = conn.connection.driver_connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY payments ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            buffer = io.StringIO()
            for n in range(count):
                day = first + timedelta(days=int(DAYS * (n / count) ** 0.8))  # growing use
                stamp = f"{day.isoformat()} 03:{n % 60:02d}:00+00"
                buffer.write(
                    f"payment\ttransfer\tnotification\t{1 + n % 2}\tB{n}\t"
                    f"{rng.choice((15, 20, 30, 50, 80, 120)) * 1000}\t0\t{stamp}\t"
                    f"{day.isoformat()}\t{stamp}\t{BANKS[n % 8]}\t{payers[rng.randrange(200_000)]}"
                    f"\tvendor\t{1 + rng.randrange(PAYEES)}\tmatched\n"
                )
                if n % 50_000 == 49_999:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
    engine.dispose()
    return time.perf_counter() - started


def measure(app, token: str, path: str, requests: int) -> tuple[float, float]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    client.get(path, headers=headers)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_json()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--reuse", action="store_true", help="time the queries again only")
    args = parser.parse_args()
    if args.reuse:
        url = make_url(args.pg).set(database="cho40_bench_stats").render_as_string(False)
        upgrade(url)
    else:
        url = fresh(args.pg)
        upgrade(url)
        seed_payees(url)
        seconds = load_payments(url, args.payments)
        print(f"loaded {args.payments:,} payments in {seconds:.0f} s")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PAYER_HASH_KEY": "bench"})
    started = time.perf_counter()
    with app.app_context(), get_db().session_scope() as session:
        from payments.rollups.service import rebuild

        if not args.reuse:
            rebuild(session)
        token = issue_token(
            session, user=create_user(session, username=f"bank-{time.time_ns()}", role="bank_staff")
        )
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
        sizes = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM rollup_days),"
                " (SELECT count(*) FROM rollup_months)"
            )
        ).one()
    engine.dispose()
    print(
        f"{sizes[0]:,} payments; rollups {'rebuilt' if not args.reuse else 'kept'} "
        f"in {time.perf_counter() - started:.0f} s ({sizes[1]:,} day rows, {sizes[2]:,} month rows)"
    )
    year_end = date.today().replace(day=1) - timedelta(days=1)
    year_start = year_end.replace(day=1) - timedelta(days=330)
    year_start = year_start.replace(day=1)
    for group in ("month", "market"):
        path = f"/api/v1/stats/adoption?from={year_start}&to={year_end}&group_by={group}"
        p50, p95 = measure(app, token, path, args.requests)
        print(f"/stats/adoption a year by {group:<6}: p50 {p50:5.1f} ms   p95 {p95:5.1f} ms")
    app.extensions["db"].engine.dispose()


if __name__ == "__main__":
    main()
