"""Signed notifications per second, sustained, against the app under gunicorn on PostgreSQL,
and in the same run the rate of a trivial JSON endpoint of the same app, for the ratio.

    python bench/ingest.py [--seconds 10] [--workers 3] [--connections 16] [--floor]
                           [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

It builds a fresh database (cho40_bench_ingest_<port>, dropped first) with the demo province,
registers a generic provider, starts gunicorn, signs one notification per transfer in advance
(unique transaction ids, the vendors' real accounts) and drives the load with wrk (Debian:
apt-get install wrk), which cycles through them. It then checks that the ledger holds exactly
as many payments as notifications were answered 200. Targets on a 2-core machine: ingest ≥ 40 %
of the trivial endpoint's rate and ≥ 1,000 notifications/s.

--floor serves bench/floor_app.py instead (the same application plus one extra route) and
also drives that route: verify, parse and commit the raw body, nothing else. It is the most
any ingest could reach on this stack and machine.

--rounds N splits the notifications' and the floor's time into N turns each, taken in
alternation (ingest, floor, ingest, ...), each turn going on through the signed notifications
where that route's last one stopped: on a machine shared with other work, both routes then
see the same moments of load. Rates are over all turns; a p99 is the median of the turns'.
"""

import argparse
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
BANKS = ROOT / "market" / "data" / "napas_bins.json"
SECRET = "bench-secret-bench-secret"
LUA = """
local counter = 0
setup = function(thread) thread:set("id", counter); counter = counter + 1 end
local sigs, bodies, n, i = {}, {}, 0, 0
init = function(args)
  for line in io.lines(args[1]) do
    local sig, body = line:match("^([^\\t]+)\\t(.*)$")
    n = n + 1; sigs[n] = sig; bodies[n] = body
  end
  stride = tonumber(args[2])
  offset = tonumber(args[3] or "0")
end
request = function()
  local k = (offset + id + i * stride) % n + 1
  i = i + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
                                  ["X-Signature"] = sigs[k]}, bodies[k])
end
"""


def run(cmd: list[str], env: dict | None = None) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, env=env).stdout


def fresh_database(server: str, name: str) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(False)


def settle(url: str) -> None:
    """Let the seeded database settle before any load: fresh planner statistics and a
    checkpoint, so that neither route measured pays for the seed's aftermath."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
        conn.execute(text("CHECKPOINT"))
    engine.dispose()


def wrk(url: str, seconds: int, connections: int, script: list[str]) -> dict:
    out = run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *script[:2],
            url,
            *script[2:],
        ]
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return {
        "rate": rate,
        "total": total,
        "errors": int(errors.group(1)) if errors else 0,
        "p99_ms": float(p99.group(1)) * scale,
    }


def turns(url: str, routes: dict, seconds: int, rounds: int, connections: int) -> dict:
    """Drive each route (name: wrk script arguments) for seconds in all, in rounds turns taken
    in alternation, each turn starting past the lines the route's last turn used (and those
    in flight at its stop); the totals, and each route's median p99 over its turns."""
    slice_ = max(1, seconds // rounds)
    done = {name: [] for name in routes}
    offsets = dict.fromkeys(routes, 0)
    for _ in range(rounds):
        for name, (path, script) in routes.items():
            result = wrk(url + path, slice_, connections, [*script, str(offsets[name])])
            # wrk's two threads take alternate lines, one perhaps further than the other
            offsets[name] += 2 * result["total"] + connections
            done[name].append(result)
    return {
        name: {
            "rate": sum(r["total"] for r in results) / (slice_ * rounds),
            "total": sum(r["total"] for r in results),
            "errors": sum(r["errors"] for r in results),
            "p99_ms": sorted(r["p99_ms"] for r in results)[len(results) // 2],
        }
        for name, results in done.items()
    }


def sign_all(url: str, count: int, path: Path) -> None:
    engine = create_engine(url)
    with engine.connect() as conn:
        accounts = conn.execute(
            text("SELECT bank_bin, account_number FROM vendors WHERE status = 'active'")
        ).all()
    engine.dispose()
    payer_banks = [bank["bin"] for bank in json.loads(BANKS.read_text())["banks"]][:30]
    t = int(time.time()) + 30
    with path.open("w") as out:
        for n in range(count):
            bank_bin, account = accounts[n % len(accounts)]
            # A payer pays from one of 30 banks; one in three payments is a payer's first.
            payer = n % (count // 3 + 1)
            body = json.dumps(
                {
                    "transaction_id": f"BENCH-{t}-{n}",
                    "amount": 1000 + n,
                    "credit_bin": bank_bin,
                    "credit_account": account,
                    "description": f"tien hang {n}",
                    "occurred_at": "2026-11-26T10:00:00+07:00",
                    "debit_bin": payer_banks[payer % len(payer_banks)],
                    "debit_account": f"{payer:012d}",
                    "debit_name": "NGUYEN VAN A",
                }
            )
            mac = hmac.new(SECRET.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
            out.write(f"t={t},v1={mac}\t{body}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--floor", action="store_true", help="also time the cheapest ingest")
    parser.add_argument("--rounds", type=int, default=1, help="alternate ingest and floor")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed to drive the load: apt-get install wrk")
    # One database per port, so that two benchmarks on one server do not drop each other's.
    url = fresh_database(args.pg, f"cho40_bench_ingest_{args.port}")
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": "bench", "PAYER_HASH_KEY": "bench"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    run([*flask, "db", "upgrade"], env)
    run([*flask, "demo", "seed"], env)
    run([*flask, "providers", "add", "bench", "--format", "generic", "--secret", SECRET], env)
    settle(url)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            # Single-threaded sync workers, as printed, whatever gunicorn.conf.py chooses for
            # the screens (its threads would turn even "sync" into gthread).
            "--worker-class",
            "sync",
            "--threads",
            "1",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "bench.floor_app:app" if args.floor else "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=1)
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            signed, script = Path(tmp) / "signed.txt", Path(tmp) / "ingest.lua"
            sign_all(url, 3000 * args.seconds * (2 if args.rounds > 1 else 1), signed)
            script.write_text(LUA)
            trivial = wrk(f"{base}/api/v1/health", args.seconds, args.connections, [])
            drive = ["-s", str(script), "--", str(signed), "2"]
            routes = {"ingest": ("/api/v1/notifications/bench", drive)}
            if args.floor:
                routes["floor"] = ("/bench/floor", drive)
            measured = turns(base, routes, args.seconds, args.rounds, args.connections)
            ingest, floor = measured["ingest"], measured.get("floor")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    engine = create_engine(url)
    with engine.connect() as conn:
        payments = conn.execute(
            text(
                "SELECT count(*) FROM payments JOIN providers ON providers.id = provider_id"
                " WHERE providers.name = 'bench'"
            )
        ).scalar()
    engine.dispose()
    answered = ingest["total"] - ingest["errors"]
    in_flight = payments - answered  # sent before wrk stopped, answered after it stopped looking
    exact = 0 <= in_flight <= args.connections * args.rounds
    print(
        f"gunicorn: {args.workers} sync workers; wrk: 2 threads, {args.connections} "
        f"connections, {args.seconds} s each"
        + (f", in {args.rounds} alternating turns" if args.rounds > 1 else "")
    )
    print(f"trivial JSON endpoint:  {trivial['rate']:8,.0f} req/s   p99 {trivial['p99_ms']:.1f} ms")
    print(
        f"signed notifications:   {ingest['rate']:8,.0f} /s      p99 {ingest['p99_ms']:.1f} ms "
        f"({ingest['errors']} not 2xx)"
    )
    print(f"ratio ingest/trivial:   {ingest['rate'] / trivial['rate']:8.0%}")
    if floor:
        print(
            f"floor (verify, parse, commit the body): {floor['rate']:,.0f} /s, "
            f"p99 {floor['p99_ms']:.1f} ms, {floor['rate'] / trivial['rate']:.0%} of trivial "
            f"({floor['errors']} not 2xx)"
        )
        print(
            f"ingest against the floor: {ingest['rate'] / floor['rate']:.0%} of its rate, "
            f"p99 {ingest['p99_ms'] / floor['p99_ms']:.2f} times its p99"
        )
    print(
        f"payments in the ledger: {payments:8,} for {answered:,} notifications answered 200 "
        f"and {in_flight} in flight at the stop ({'consistent' if exact else 'INCONSISTENT'})"
    )


if __name__ == "__main__":
    main()
