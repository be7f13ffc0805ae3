"""gunicorn's settings for this project (it reads ./gunicorn.conf.py by default)."""

import os
import sys

# Vendors' phones keep /stall/events open for minutes: each open screen holds a worker thread,
# so the workers are threaded (gthread) with room for every screen and, beside them, the
# threads that take the banks' notifications. An idle screen costs a sleeping thread, no CPU.
# The command line (-w, -k, --threads) or WEB_CONCURRENCY / GUNICORN_THREADS still choose.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1000))
worker_connections = threads + 200


def on_starting(server) -> None:
    """Refuse unsafe settings once, in the master, before any worker starts: one line and exit
    status 3 (workers that all refused at once can trip gunicorn into a traceback)."""
    from market.config import startup_refusal

    refusal = startup_refusal()
    if refusal:
        print(f"refusing to start: {refusal}", file=sys.stderr)
        sys.exit(3)


def post_worker_init(worker) -> None:
    """On a graceful stop, end the worker's open /stall/events streams at once (the phones
    reconnect to another worker) instead of holding the stop for graceful_timeout."""
    import signal

    stop_worker = signal.getsignal(signal.SIGTERM)

    def stop(signum, frame) -> None:
        hub = getattr(worker.wsgi, "extensions", {}).get("payments_live")
        if hub is not None:
            hub.close()
        stop_worker(signum, frame)

    signal.signal(signal.SIGTERM, stop)
