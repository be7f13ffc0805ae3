"""Roster files kept between a preview and its confirmation: the confirmed import reads the
very bytes the preview read, named by their sha256 and the person who uploaded them, so
uploading the file again (changed or not) cannot make the two disagree. Kept an hour."""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from market.db import Base, BigId, utcnow
from market.errors import NotFound
from market.users import User

KEPT_FOR = timedelta(hours=1)


class RosterUpload(Base):
    """One uploaded roster file of one user, for one roster (scope), with its preview."""

    __tablename__ = "roster_uploads"
    __table_args__ = (UniqueConstraint("user_id", "scope", "sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(60))  # what it imports into: "vendors:CHO-A"
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    preview: Mapped[dict] = mapped_column(JSON, default=dict)  # what the person was shown
    expires_at: Mapped[datetime] = mapped_column(index=True)


def keep_upload(
    session: Session, *, user: User, scope: str, data: bytes, filename: str, preview: dict
) -> RosterUpload:
    """Keep data for user's confirmation (the same bytes again: the same record, renewed);
    expired uploads of everyone are dropped on the way."""
    session.execute(delete(RosterUpload).where(RosterUpload.expires_at < utcnow()))
    digest = hashlib.sha256(data).hexdigest()
    upload = session.execute(
        select(RosterUpload).where(
            RosterUpload.user_id == user.id,
            RosterUpload.scope == scope,
            RosterUpload.sha256 == digest,
        )
    ).scalar_one_or_none()
    if upload is None:
        upload = RosterUpload(user_id=user.id, scope=scope, sha256=digest, data=data)
        session.add(upload)
    upload.filename, upload.preview = filename[:200], preview
    upload.expires_at = utcnow() + KEPT_FOR
    session.flush()
    return upload


def find_upload(session: Session, *, user: User, scope: str, key: str) -> RosterUpload:
    """user's kept upload with sha256 key for scope; 404 once expired or for anyone else.
    Locked until the import ends: a second confirmation (a double click, another tab) waits,
    then finds it gone."""
    upload = session.execute(
        select(RosterUpload)
        .where(
            RosterUpload.user_id == user.id,
            RosterUpload.scope == scope,
            RosterUpload.sha256 == key[:64],
            RosterUpload.expires_at >= utcnow(),
        )
        .with_for_update()
    ).scalar_one_or_none()
    if upload is None:
        raise NotFound("the uploaded file is no longer kept; upload it again")
    return upload


def forget_upload(session: Session, upload: RosterUpload) -> None:
    """Drop an upload once imported."""
    session.delete(upload)
    session.flush()
