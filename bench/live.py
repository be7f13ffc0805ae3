"""1,000 vendors' phones holding /stall/events open under gunicorn (PostgreSQL) while the
banks' notifications arrive: how soon each transfer reaches its phone, and what the open
screens cost the notification rate, in the same run.

    python bench/live.py [--screens 1000] [--seconds 10] [--connections 16] [--probes 10]
                         [--workers N] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

It builds a fresh database (cho40_bench_live, dropped first) with the demo province and as
many active vendors as screens (each with a signed-in phone), registers a generic provider
and starts gunicorn as the README does (`gunicorn wsgi:app`, ./gunicorn.conf.py). Then:

Three runs (--runs) against one server. wrk (apt-get install wrk) sends signed notifications
for --seconds (the vendors' real accounts, unique transaction ids) without screens; then each
run opens --screens phones' /stall/events (one per vendor, all held open), sends
notifications again for --seconds while a probe sends --probes notifications a second to
vendors whose phone is open and times, in this one client process, the notification's 200
answer to the event on that phone; closes the screens and sends notifications without them
again. A run's rate with the screens is held against the mean of the rates without them just
before and just after it (the machine's speed drifts).

Targets (issue 14): p95 under 1 s; the rate with the screens open at least 80 % of the rate
without. Every event is checked to reach its phone once.
"""

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.ingest import LUA, ROOT, SECRET, run, settle, wrk  # noqa: E402

DATABASE = "cho40_bench_live"
LOG = Path(tempfile.gettempdir()) / "bench-live-gunicorn.log"


def fresh_database(server: str) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    return make_url(server).set(database=DATABASE).render_as_string(False)


def sign_all(phones, count: int, path: Path, tag: str) -> None:
    """count signed notifications, in turn to each phone's vendor, one a line for wrk."""
    with path.open("w") as out:
        for n in range(count):
            _, account, bank_bin, _ = phones[n % len(phones)]
            body, signature = signed(account, bank_bin, f"{tag}-{n}", 1000 + n)
            out.write(f"{signature}\t{body.decode()}\n")


def add_phones(url: str, screens: int) -> list[tuple[int, str, str, str]]:
    """Top the province up to `screens` active vendors, sign a phone in for each; (vendor
    id, account, bank, session cookie) of each."""
    from market import create_app
    from market.auth import SESSION_KEY
    from market.db import get_db
    from market.users import User, create_user, start_session
    from vendors.models import Vendor

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PAYER_HASH_KEY": "bench"})
    serializer = app.session_interface.get_signing_serializer(app)
    with app.app_context(), get_db().session_scope() as session:
        vendors = session.query(Vendor).filter_by(status="active").order_by(Vendor.id).all()
        market_id = vendors[0].market_id
        for n in range(len(vendors), screens):
            vendor = Vendor(
                market_id=market_id,
                stall=f"B-{n:04d}",
                full_name="Nguyễn Văn Bền",
                name_folded="nguyen van ben",
                phone=f"09{n:08d}",
                bank_bin="970436",
                account_number=f"77{n:08d}",
                account_name="NGUYEN VAN BEN",
                status="active",
            )
            session.add(vendor)
            vendors.append(vendor)
        session.flush()
        phones = []
        for vendor in vendors[:screens]:
            name = f"stall:{vendor.id}"
            user = session.query(User).filter_by(username=name).one_or_none() or create_user(
                session, username=name, role="vendor", vendor_id=vendor.id
            )
            cookie = serializer.dumps({SESSION_KEY: start_session(session, user=user)})
            phones.append((vendor.id, vendor.account_number, vendor.bank_bin, cookie))
    app.extensions["db"].engine.dispose()
    return phones


def signed(account: str, bank_bin: str, txn: str, amount: int) -> tuple[bytes, str]:
    """A generic notification's body and X-Signature."""
    body = json.dumps(
        {
            "transaction_id": txn,
            "amount": amount,
            "credit_bin": bank_bin,
            "credit_account": account,
            "description": "probe",
            "occurred_at": "2026-11-26T10:00:00+07:00",
        }
    ).encode()
    t = int(time.time()) + 30  # still fresh when wrk sends it
    mac = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={t},v1={mac}"


class Phones:
    """The open screens: when each event reached its phone, and how often."""

    def __init__(self):
        self.seen: dict[int, float] = {}  # payment id -> first arrival
        self.twice = 0
        self.open = 0
        self.refused: dict[str, int] = {}  # what a phone met instead of its stream, how often
        self.tasks: list[asyncio.Task] = []

    async def hold(self, port: int, cookie: str, ready: asyncio.Event) -> None:
        """One phone: its line held open; refused or cut, it tries again a second later,
        as EventSource does."""
        counted = [False]
        while True:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                self.refused["connect"] = self.refused.get("connect", 0) + 1
                await asyncio.sleep(1)
                continue
            try:
                writer.write(
                    f"GET /stall/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream"
                    f"\r\nCookie: session={cookie}\r\n\r\n".encode()
                )
                await writer.drain()
                status = await reader.readline()
                if b" 200 " in status:
                    await self.read(reader, ready, counted)
                else:
                    said = status.strip().decode() or "closed"
                    self.refused[said] = self.refused.get(said, 0) + 1
            except (OSError, asyncio.IncompleteReadError):
                self.refused["cut"] = self.refused.get("cut", 0) + 1
            finally:
                writer.close()  # a phone put away: the server sees the line closed
            await asyncio.sleep(1)

    async def read(self, reader, ready: asyncio.Event, counted: list) -> None:
        while line := await reader.readline():
            if line.startswith(b"retry:") and not counted[0]:
                counted[0], self.open = True, self.open + 1
                if self.open >= self.expected:
                    ready.set()
            elif line.startswith(b"id: "):
                payment_id = int(line[4:])
                if payment_id in self.seen:
                    self.twice += 1
                else:
                    self.seen[payment_id] = time.monotonic()

    async def open_all(self, port: int, cookies: list[str]) -> None:
        self.expected, ready = len(cookies), asyncio.Event()
        for cookie in cookies:
            self.tasks.append(asyncio.create_task(self.hold(port, cookie, ready)))
            await asyncio.sleep(0.005)  # phones come online over five seconds, not at once
        try:
            await asyncio.wait_for(ready.wait(), 300)
        except TimeoutError:
            sys.exit(f"only {self.open} screens opened; refused: {self.refused}")


async def post(port: int, body: bytes, signature: str) -> tuple[float, int]:
    """Send one notification; when its 200 arrived, and the payment's id."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /api/v1/notifications/bench HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nX-Signature: " + signature.encode() + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    await writer.drain()
    status = await reader.readline()
    answered = time.monotonic()
    answer = await reader.read()
    writer.close()
    if b" 200 " not in status:
        raise RuntimeError(f"notification refused: {status!r}")
    return answered, json.loads(answer.split(b"\r\n\r\n", 1)[1])["payment_id"]


async def probe(port: int, phones, per_second: float, stop: asyncio.Event, acks: dict) -> None:
    """Notifications at about per_second to vendors with a phone; when each 200 arrived."""
    n = 0
    while not stop.is_set():
        _, account, bank_bin, _ = random.choice(phones)
        n += 1
        body, signature = signed(account, bank_bin, f"PROBE-{time.time_ns()}-{n}", 5000 + n)
        answered, payment_id = await post(port, body, signature)
        acks[payment_id] = answered
        await asyncio.sleep(1 / per_second)


class Load:
    """wrk sending signed notifications (each time new ones) for --seconds."""

    def __init__(self, args, base: str, phones, script: Path, tmp: Path):
        self.args, self.base, self.phones, self.script, self.tmp = args, base, phones, script, tmp
        self.n = 0

    async def rate(self, acks: dict | None = None) -> dict:
        """wrk's rate over --seconds; the probe sends its notifications meanwhile (in every
        phase alike, so that both rates carry its load), their 200s timed into acks."""
        self.n += 1
        signed_file = self.tmp / f"load-{self.n}.txt"
        sign_all(self.phones, 3000 * self.args.seconds, signed_file, f"L{self.n}-{time.time_ns()}")
        cmd = ["-s", str(self.script), "--", str(signed_file), "2"]
        url = f"{self.base}/api/v1/notifications/bench"
        stop = asyncio.Event()
        port = int(self.base.rsplit(":", 1)[1])
        prober = asyncio.create_task(
            probe(port, self.phones, self.args.probes, stop, {} if acks is None else acks)
        )
        result = await asyncio.to_thread(wrk, url, self.args.seconds, self.args.connections, cmd)
        stop.set()
        await prober
        return result


async def with_screens(args, load: Load, run_no: int) -> dict:
    """The screens open, the rate and the probe's latencies, the screens closed again."""
    port = int(load.base.rsplit(":", 1)[1])
    step(f"run {run_no}: {len(load.phones)} screens")
    screens = Phones()
    await screens.open_all(port, [cookie for *_, cookie in load.phones])
    listening = await asyncio.to_thread(listeners, args.url)
    await asyncio.sleep(3)  # the server's part of opening them is over
    acks: dict[int, float] = {}
    step(f"run {run_no}: notifications with screens")
    rate = await load.rate(acks)
    await asyncio.sleep(2)  # the last probes' events
    latencies = [max(0.0, screens.seen[p] - t) for p, t in acks.items() if p in screens.seen]
    for task in screens.tasks:
        task.cancel()
    await asyncio.sleep(16)  # the server notices the closed screens (at its next heartbeat)
    return {
        "with": rate,
        "open": screens.open,
        "listeners": listening,
        "latencies": latencies,
        "probes": len(acks),
        "missing": len(acks) - len(latencies),
        "events": len(screens.seen),
        "twice": screens.twice,
        "refused": screens.refused,
    }


async def measure_all(args, base: str, phones, script: Path, tmp: Path) -> list[dict]:
    """Runs alternate with and without screens; each run's rate with the screens is held
    against the rates without them just before and just after (the machine's speed drifts)."""
    load = Load(args, base, phones, script, tmp)
    step("warming up (not counted)")
    await load.rate()
    step("notifications without screens")
    before = await load.rate()
    results = []
    for run_no in range(1, args.runs + 1):
        result = await with_screens(args, load, run_no)
        step(f"run {run_no}: notifications without screens")
        after = await load.rate()
        result["without"] = {
            "rate": (before["rate"] + after["rate"]) / 2,
            "errors": before["errors"] + after["errors"],
            "around": (before["rate"], after["rate"]),
        }
        p95 = percentile(result["latencies"], 95) * 1000
        step(
            f"run {run_no}: {before['rate']:,.0f} and {after['rate']:,.0f} /s without, "
            f"{result['with']['rate']:,.0f} /s with, p95 {p95:.0f} ms"
        )
        results.append(result)
        before = after
    return results


def percentile(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def listeners(url: str) -> int:
    """How many connections LISTEN for payments (one per gunicorn worker)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
        ).scalar()
    engine.dispose()
    return found


def step(what: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {what}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--probes", type=float, default=10, help="probe notifications a second")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed to drive the load: apt-get install wrk")
    url = make_url(args.pg).set(database=DATABASE).render_as_string(False)
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": "bench", "PAYER_HASH_KEY": "bench"}
    if args.reuse:  # the schema may have moved on since
        run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env)
    else:
        build(args.pg, env)
    step("phones")
    phones = add_phones(url, args.screens)
    settle(url)
    base = f"http://127.0.0.1:{args.port}"
    workers = ["--workers", str(args.workers)] if args.workers else []
    command = [sys.executable, "-m", "gunicorn", *workers, "-b", f"127.0.0.1:{args.port}"]
    server = subprocess.Popen(
        [*command, "wsgi:app"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=LOG.open("w"),
    )
    try:
        step(f"gunicorn (its log: {LOG})")
        wait_until_up(base)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "ingest.lua"
            script.write_text(LUA)
            args.url = url
            results = asyncio.run(measure_all(args, base, phones, script, Path(tmp)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)
    report(args, results)


def build(server: str, env: dict) -> None:
    """A fresh database with the demo province and the bench provider."""
    step("database")
    fresh_database(server)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    run([*flask, "db", "upgrade"], env)
    run([*flask, "demo", "seed"], env)
    run([*flask, "providers", "add", "bench", "--format", "generic", "--secret", SECRET], env)


def wait_until_up(base: str) -> None:
    import urllib.error
    import urllib.request

    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/api/v1/health", timeout=1)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    sys.exit(f"the server at {base} did not come up (see {LOG})")


def report(args, results: list[dict]) -> None:
    print(
        f"gunicorn (gunicorn.conf.py{f', {args.workers} workers' if args.workers else ''}); "
        f"wrk: 2 threads, {args.connections} connections, {args.seconds} s each; "
        f"probe: {args.probes:g} notifications/s"
    )
    print(
        "run | screens open | listeners | no screens (before, after) | screens open | ratio | "
        "200->event p50 | p95 | max | probes (lost) | events (twice)"
    )
    for n, r in enumerate(results, 1):
        late = r["latencies"]
        without, with_ = r["without"]["rate"], r["with"]["rate"]
        errors = r["without"]["errors"] + r["with"]["errors"]
        around = ", ".join(f"{rate:,.0f}" for rate in r["without"]["around"])
        print(
            f"{n} | {r['open']:,} | {r['listeners']} | {without:,.0f} /s ({around}) | "
            f"{with_:,.0f} /s | "
            f"{with_ / without:.0%} | {percentile(late, 50) * 1000:.0f} ms | "
            f"{percentile(late, 95) * 1000:.0f} ms | {max(late, default=0) * 1000:.0f} ms | "
            f"{r['probes']} ({r['missing']}) | {r['events']:,} ({r['twice']})"
            + (f" | {errors} not 2xx" if errors else "")
            + (f" | screens refused or cut: {r['refused']}" if r["refused"] else "")
        )
    print("targets: ratio >= 80 %, p95 < 1 s")


if __name__ == "__main__":
    main()
