"""VietQR speed: payloads built and parsed per second, placards rendered per second, and the
time to build a 220-vendor market's placard PDF through the HTTP endpoint.

    python bench/qr.py [--vendors 220] [--seconds 2]

Targets on a 2-core machine: parse ≥ 50,000 payloads/s; the 220-vendor PDF in under 5 s.
"""

import argparse
import io
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from market import create_app  # noqa: E402
from market.banks import all_banks  # noqa: E402
from market.db import get_db  # noqa: E402
from market.migrate import upgrade  # noqa: E402
from market.users import create_user, issue_token  # noqa: E402
from payments.qr import image as qrimage  # noqa: E402
from payments.qr.placard import Placard, render_png  # noqa: E402
from payments.qr.vietqr import build, parse  # noqa: E402


def rate(fn, items, seconds: float) -> float:
    """Calls of fn per second over items, repeated for about `seconds`."""
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for item in items:
            fn(item)
        done += len(items)
    return done / (time.perf_counter() - started)


def _specs() -> list[dict]:
    banks = [b.bin for b in all_banks()]
    return [
        dict(
            bank_bin=banks[n % len(banks)],
            account_number=f"{10**11 + n * 7919}",
            amount=(n * 1000 or None),
            purpose=f"CH{n:05d}XY TIEN HANG",
        )
        for n in range(1000)
    ]


def payload_rates(seconds: float) -> tuple[float, float]:
    """(built per second, parsed per second) in this one process."""
    specs = _specs()
    payloads = [build(**s) for s in specs]
    return rate(lambda s: build(**s), specs, seconds), rate(parse, payloads, seconds)


def payload_rates_all_cores(seconds: float) -> tuple[float, float, int]:
    """The same in one process per core, summed: what a server with that many workers does."""
    workers = os.cpu_count() or 1
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(payload_rates, [seconds] * workers)
    return sum(r[0] for r in results), sum(r[1] for r in results), workers


def placard_rate(count: int) -> float:
    placards = [
        Placard(
            payload=build(bank_bin="970403", account_number=f"{10**12 + n}"),
            market_name="Chợ Vĩnh Long",
            vendor_name="Trương Thị Ngọc Nguyệt",
            stall=f"B-{n:03d}",
            category="Gia vị",
            bank_name="Sacombank",
            masked_account="•••• 6485",
            account_name="TRUONG THI NGOC NGUYET",
            serial="PC23456789",
            printed_on="26/11/2026",
        )
        for n in range(count)
    ]
    started = time.perf_counter()
    for placard in placards:
        render_png(placard)
    return count / (time.perf_counter() - started)


def market_pdf_seconds(vendors: int) -> tuple[float, int]:
    from demo.seed import generated_roster
    from market.markets.service import create_market
    from vendors.importer import import_vendors

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PAYER_HASH_KEY": "bench"})
        with app.app_context(), get_db().session_scope() as session:
            admin = create_user(session, username="bench", role="admin")
            token = issue_token(session, user=admin)
            market = create_market(session, code="CHO-BENCH", name="Chợ Vĩnh Long")
            import random

            roster = generated_roster("CHO-BENCH", vendors, random.Random(1))
            import_vendors(session, actor=admin, market=market, data=roster, activate=True)
        qrimage._matrix.cache_clear()  # cold: every QR is encoded anew
        started = time.perf_counter()
        response = app.test_client().get(
            "/api/v1/markets/CHO-BENCH/placards.pdf", headers={"Authorization": f"Bearer {token}"}
        )
        elapsed = time.perf_counter() - started
        app.extensions["db"].engine.dispose()
    assert response.status_code == 200, response.get_json()
    return elapsed, len(io.BytesIO(response.data).getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=220)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    built, parsed = payload_rates(args.seconds)
    print(f"payloads built:   {built:10,.0f} /s on one core")
    print(f"payloads parsed:  {parsed:10,.0f} /s on one core")
    built, parsed, cores = payload_rates_all_cores(args.seconds)
    print(f"payloads built:   {built:10,.0f} /s on {cores} cores")
    print(f"payloads parsed:  {parsed:10,.0f} /s on {cores} cores")
    qrimage._matrix.cache_clear()
    print(f"placards (PNG):   {placard_rate(20):10,.1f} /s")
    seconds, size = market_pdf_seconds(args.vendors)
    print(f"market PDF, {args.vendors} vendors: {seconds:.2f} s ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
