"""gunicorn's settings for this project (it reads ./gunicorn.conf.py by default)."""

import sys


def on_starting(server) -> None:
    """Refuse unsafe settings once, in the master, before any worker starts: one line and exit
    status 3 (workers that all refused at once can trip gunicorn into a traceback)."""
    from market.config import startup_refusal

    refusal = startup_refusal()
    if refusal:
        print(f"refusing to start: {refusal}", file=sys.stderr)
        sys.exit(3)
