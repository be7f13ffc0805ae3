"""Provider notifications in, over HTTP."""

from flask import current_app, jsonify, request
from flask_smorest import Blueprint

from market.db import get_db, get_session, utcnow
from payments.ingest.schemas import NOTIFICATION_DOC
from payments.ingest.service import receive_notification

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/v1", description="Provider notifications"
)


def payer_key() -> bytes:
    """The key that turns payer accounts into stable, non-reversible hashes."""
    return (current_app.config.get("PAYER_HASH_KEY") or current_app.config["SECRET_KEY"]).encode()


def _lane() -> dict:
    """What a notification is recorded with: the application's hub, the payer key, the
    provider cache, and on PostgreSQL the driver connections of the fast lane."""
    db = get_db()
    return {
        "hub": current_app.extensions["payments"],
        "payer_key": payer_key(),
        "cache_seconds": current_app.config["PROVIDER_CACHE_SECONDS"],
        "direct": db.direct if db.engine.dialect.name == "postgresql" else None,
    }


@blp.route("/notifications/<provider>", methods=["POST"])
@blp.doc(**NOTIFICATION_DOC)
def notify(provider):
    """Record a credited transfer exactly once; answers in the provider's own format."""
    status, body = receive_notification(
        get_session,
        provider_name=provider,
        headers=request.headers,
        body=request.get_data(cache=True),
        now=utcnow(),
        **_lane(),
    )
    return jsonify(body), status
