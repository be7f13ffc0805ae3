"""Killing the server in the middle of a burst loses and doubles nothing: the provider retries
whatever was not acknowledged, and every transfer ends up recorded exactly once."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from queue import Empty, Queue

from sqlalchemy import func, select

from market.db import get_db
from payments.ingest.models import Notification
from payments.ledger.models import Payment
from tests.factories import generic_notification, make_market, make_provider, make_vendor

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-s3cret-s3cret"
TRANSFERS = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "durability-test",
        "PAYER_HASH_KEY": "durability-test",
    }
    with log.open("ab") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/markets", timeout=1)
        except urllib.error.HTTPError:
            return process  # 401: it is up
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"gunicorn did not start: {log.read_text()[-2000:]}")


def deliver(port: int, body: bytes, headers: dict) -> dict | None:
    """The provider's answer, or None when the delivery was not acknowledged."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/notifications/vqr-generic",
        data=body,
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read()) if response.status == 200 else None
    except (OSError, ValueError, http.client.HTTPException):
        # Refused, reset, or cut off mid-answer (IncompleteRead) by the kill: not acknowledged.
        return None


def test_a_killed_server_and_a_retrying_provider_record_every_transfer_once(
    make_app, live_database, tmp_path
):
    app = make_app(DATABASE_URL=live_database)
    with app.app_context(), get_db().session_scope() as session:
        make_provider(session)
        account = make_vendor(session, make_market(session), status="active").account_number

    # A provider signs each notification again when it retries (a fresh timestamp).
    def signed(n):
        return generic_notification(SECRET, txn=f"BURST-{n}", amount=1000 + n, account=account)

    port, log = free_port(), tmp_path / "gunicorn.log"
    server = start_server(live_database, port, log)
    acked: dict[int, dict] = {}
    pending: Queue = Queue()
    for n in range(TRANSFERS):
        pending.put(n)

    def sender():
        while True:
            try:
                n = pending.get_nowait()
            except Empty:
                return
            answer = deliver(port, *signed(n))
            if answer is not None:
                acked[n] = answer

    threads = [threading.Thread(target=sender) for _ in range(8)]
    for thread in threads:
        thread.start()
    while len(acked) < TRANSFERS // 4:
        time.sleep(0.005)
    os.killpg(server.pid, signal.SIGKILL)  # mid-burst: master and workers, no goodbye
    server.wait()
    for thread in threads:
        thread.join()
    assert 0 < len(acked) < TRANSFERS, "the kill must land in the middle of the burst"

    server = start_server(live_database, port, log)
    try:
        for n in range(TRANSFERS):  # retry the unacknowledged; repeat the acknowledged too
            answer = None
            for _attempt in range(5):
                answer = deliver(port, *signed(n))
                if answer is not None:
                    break
            assert answer is not None, f"transfer {n} never acknowledged"
            if n in acked:
                assert answer == {"status": "duplicate", "payment_id": acked[n]["payment_id"]}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    with app.app_context(), get_db().session_scope() as session:
        payments = session.execute(select(Payment.provider_txn_id, Payment.amount)).all()
        assert sorted(payments) == sorted((f"BURST-{n}", 1000 + n) for n in range(TRANSFERS))
        assert session.scalar(select(func.count()).select_from(Notification)) == TRANSFERS
