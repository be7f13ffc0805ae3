"""A roster file kept between its preview and its confirmation: the confirmation imports the
very bytes that were previewed, whichever process serves it (they live in the database)."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from market.db import Base, BigId, utcnow
from market.errors import NotFound
from market.users import User

KEPT_FOR = timedelta(hours=2)  # a preview older than this is uploaded again


class RosterUpload(Base):
    __tablename__ = "roster_uploads"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scope: Mapped[str] = mapped_column(String(60))  # what it is a roster of: "school:12"
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def keep_upload(session: Session, *, actor: User, scope: str, data: bytes, filename: str) -> str:
    """Keep a file for its confirmation; its token. Files kept too long are dropped."""
    session.execute(delete(RosterUpload).where(RosterUpload.created_at < utcnow() - KEPT_FOR))
    token = secrets.token_urlsafe(32)
    session.add(
        RosterUpload(token=token, user_id=actor.id, scope=scope, filename=filename[:200], data=data)
    )
    session.flush()
    return token


def kept_upload(session: Session, *, actor: User, scope: str, token: str) -> RosterUpload:
    """The file actor kept for scope under token (404 when gone, someone else's, or old)."""
    upload = session.scalars(
        select(RosterUpload).where(
            RosterUpload.token == token[:43],
            RosterUpload.user_id == actor.id,
            RosterUpload.scope == scope,
            RosterUpload.created_at >= utcnow() - KEPT_FOR,
        )
    ).one_or_none()
    if upload is None:
        raise NotFound("the uploaded file is no longer kept; upload it again")
    return upload


def drop_upload(session: Session, upload: RosterUpload) -> None:
    """Forget a file once it is imported."""
    session.delete(upload)
    session.flush()
