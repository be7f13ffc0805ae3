"""Import 10,000 generated vendors through the HTTP endpoint and print how long it takes.

    python bench/import_vendors.py                       # SQLite, and PostgreSQL if reachable
    python bench/import_vendors.py --rows 20000 --pg postgresql+psycopg://postgres@127.0.0.1/x

Each run uses a fresh database (a temporary SQLite file; on PostgreSQL a database named
cho40_bench that is dropped and created again). Target: under 3 s for 10,000 rows.
"""

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from market import create_app  # noqa: E402
from market.db import get_db  # noqa: E402
from market.markets.service import create_market  # noqa: E402
from market.migrate import upgrade  # noqa: E402
from market.users import create_user, issue_token  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BANKS = ["VCB", "970415", "Agribank", "BIDV", "MB", "Sacombank", "Viettel Money", "TCB"]


def roster(rows: int) -> bytes:
    """A roster with Vietnamese headers and the formats people type."""
    rng = random.Random(7)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Sạp",
            "Họ và tên",
            "Số điện thoại",
            "Số CCCD",
            "Ngành hàng",
            "Ngân hàng",
            "Số tài khoản",
            "Tên chủ tài khoản",
        ]
    )
    for n in range(rows):
        phone = f"09{rng.randrange(10**8):08d}"
        writer.writerow(
            [
                f"{'ABCDEFGH'[n % 8]}-{n:05d}",
                f"Nguyễn  Thị Hoa {chr(65 + n % 26)}",
                f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}",
                f"0{rng.choice(['83', '84', '86'])}{rng.randrange(10**9):09d}",
                "Rau củ",
                rng.choice(BANKS),
                f"{rng.randrange(10**11, 10**13)}",
                "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


def fresh_postgres(url: str) -> str | None:
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS cho40_bench WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE cho40_bench"))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {exc}".splitlines()[0])
        return None
    return make_url(url).set(database="cho40_bench").render_as_string(hide_password=False)


def run(url: str, data: bytes) -> tuple[float, dict]:
    """Seconds for one import of data into a fresh market, and the import's answer."""
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PAYER_HASH_KEY": "bench"})
    with app.app_context(), get_db().session_scope() as session:
        user = create_user(session, username="bench", role="admin")
        token = issue_token(session, user=user)
        create_market(session, code="CHO-BENCH", name="Chợ Bench")
    client = app.test_client()
    started = time.perf_counter()
    response = client.post(
        "/api/v1/markets/CHO-BENCH/vendors/import",
        headers={"Authorization": f"Bearer {token}"},
        data={"file": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data",
    )
    elapsed = time.perf_counter() - started
    app.extensions["db"].engine.dispose()
    return elapsed, response.get_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL ('' to skip)")
    args = parser.parse_args()
    data = roster(args.rows)
    print(f"roster: {args.rows:,} rows, {len(data) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/bench.db")]
        pg = fresh_postgres(args.pg) if args.pg else None
        if pg:
            targets.append(("PostgreSQL", pg))
        for name, url in targets:
            seconds, body = run(url, data)
            assert body["created"] == args.rows and not body["errors"], body.get("errors", [])[:3]
            print(
                f"{name:<11} import of {args.rows:,} rows: {seconds:.2f} s "
                f"({args.rows / seconds:,.0f} rows/s)"
            )


if __name__ == "__main__":
    main()
