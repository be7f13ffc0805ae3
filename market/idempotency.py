"""Idempotency-Key: the same key and request replay the first answer; another request is 409.

The key is claimed in the request's own transaction, so it is stored exactly when the request's
writes are, and a failed request (≥ 400) leaves no key behind: it may simply be retried. Nothing
is replayed before the caller is authenticated: a revoked token gets 401, not the stored answer."""

import hashlib
from datetime import datetime

from flask import Flask, g, request
from sqlalchemy import String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from market.auth import current_user
from market.db import Base, BigId, get_session, utcnow
from market.errors import Conflict, ValidationFailed

HEADER = "Idempotency-Key"
METHODS = ("POST", "PATCH")


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(100))
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _fingerprint() -> tuple[str, str]:
    scope = hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1")):
        digest.update(part.encode() + b"\0")
    if request.mimetype == "multipart/form-data":
        # Each client picks its own multipart boundary: compare what was sent, not the bytes.
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"{name}={value}".encode() + b"\0")
        for name, upload in sorted(request.files.items(multi=True), key=lambda i: i[0]):
            digest.update(f"{name}:{upload.filename}".encode() + b"\0" + upload.read())
            upload.seek(0)
    else:
        digest.update(request.get_data(cache=True))
    return scope, digest.hexdigest()


def _replay(row: IdempotencyKey, request_hash: str):
    if row.request_hash != request_hash:
        raise Conflict(
            f"This {HEADER} was used for a different request.",
            errors={HEADER: ["already used for a different request"]},
        )
    response = Flask.response_class(
        row.response_body, status=row.status_code, content_type=row.content_type
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim():
    key = request.headers.get(HEADER)
    if key is None or request.method not in METHODS:
        return None
    if not (0 < len(key) <= 255 and key.isascii() and key.isprintable()):
        raise ValidationFailed.on(HEADER, "1 to 255 printable ASCII characters")
    current_user()  # raises Unauthorized for a revoked, unknown or malformed credential
    scope, request_hash = _fingerprint()
    session = get_session()
    lookup = select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    row = session.execute(lookup).scalar_one_or_none()
    if row is not None:
        return _replay(row, request_hash)
    try:
        with session.begin_nested():
            row = IdempotencyKey(scope=scope, key=key, request_hash=request_hash)
            session.add(row)
    except IntegrityError:
        # Another request with this key committed while we looked: answer as it did.
        return _replay(session.execute(lookup).scalar_one(), request_hash)
    g.idempotency_row = row
    return None


def _remember(response):
    row = g.pop("idempotency_row", None)
    if row is not None and response.status_code < 400:
        row.status_code = response.status_code
        row.content_type = response.content_type
        row.response_body = response.get_data(as_text=True)
    return response


def init_app(app: Flask) -> None:
    """Claim keys before the view runs and store the answer before the request commits."""
    app.before_request(_claim)
    app.after_request(_remember)
