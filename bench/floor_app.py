"""The application plus one route that is not part of it: the cheapest correct way to take a
notification (verify the signature, parse the body, commit one row holding it), so that
`bench/ingest.py --floor` can show how fast any ingest could be on this stack and machine."""

from datetime import UTC, datetime

from flask import jsonify, request

from market import create_app
from market.db import get_db
from payments.ingest.providers import get_adapter

app = create_app()
SECRET = "bench-secret-bench-secret"  # the secret bench/ingest.py signs with
_INSERT = (
    "INSERT INTO notifications (provider_id, received_at, body, outcome)"
    " SELECT id, now(), %s, 'ignored' FROM providers WHERE name = 'bench'"
)


@app.post("/bench/floor")
def floor():
    """Verify, parse, and durably store the raw body: no matching, no payment, no rollups."""
    adapter, body = get_adapter("generic"), request.get_data(cache=True)
    adapter.verify(secret=SECRET, headers=request.headers, body=body, now=datetime.now(UTC))
    adapter.parse(body)
    with get_db().direct() as connection:
        connection.execute(_INSERT, (body.decode(),), prepare=True)
    return jsonify(status="stored")
