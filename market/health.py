"""Liveness and readiness for load balancers."""

from flask import Blueprint, Flask, jsonify
from sqlalchemy import text

from market.db import get_session

bp = Blueprint("health", __name__)


@bp.get("/api/v1/health")
def health():
    """The process answers (no database work: cheap enough to poll every second)."""
    return jsonify(status="ok")


@bp.get("/api/v1/health/ready")
def ready():
    """The database answers too."""
    get_session().execute(text("SELECT 1"))
    return jsonify(status="ok", database="ok")


def init_app(app: Flask) -> None:
    """Register the health endpoints."""
    app.register_blueprint(bp)
