"""A request id on every request, its log lines and its response."""

import logging
import re
import time
import uuid

from flask import Flask, g, request

log = logging.getLogger("market.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SLOW_MS = 1000


class RequestIdFilter(logging.Filter):
    """Adds request_id to every log record ('-' outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context

        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def init_app(app: Flask) -> None:
    """Tag requests with an id (the caller's X-Request-ID when sane) and log each one."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger("market")
    if not any(isinstance(f, RequestIdFilter) for h in root.handlers for f in h.filters):
        root.addHandler(handler)
        root.setLevel(logging.INFO)

    @app.before_request
    def _start():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        # Errors and slow requests are worth a line; a fast success is only traced on DEBUG
        # (a proxy keeps access logs), which saves a noticeable share of a small request.
        level = logging.INFO if response.status_code >= 400 or elapsed > SLOW_MS else logging.DEBUG
        if log.isEnabledFor(level):
            log.log(
                level,
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                elapsed,
            )
        return response
