"""Users, roles and API tokens (stored hashed), and the use cases that create them."""

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CheckConstraint, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from market.db import Base, BigId, utcnow
from market.errors import Conflict, ValidationFailed

ROLES = ("admin", "market_manager", "vendor", "school_admin", "bank_staff")
TOKEN_PREFIX = "cho40_"
_hasher = PasswordHasher()


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    market_id: Mapped[int | None] = mapped_column(ForeignKey("markets.id"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    def check_password(self, password: str) -> bool:
        """True when password matches the stored hash."""
        if not self.password_hash:
            return False
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


def hash_token(token: str) -> str:
    """The stored form of an API token (tokens carry 256 random bits, so SHA-256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    row = session.execute(
        select(User)
        .join(ApiToken)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    return row if row is not None and row.active else None


def issue_token(session: Session, *, user: User, label: str | None = None) -> str:
    """Create a new API token for user and return it in clear (shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=hash_token(token), label=label))
    session.flush()
    return token


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    market_id: int | None = None,
    vendor_id: int | None = None,
    school_id: int | None = None,
    password: str | None = None,
) -> User:
    """Create a user whose role is bound to the one record it may act on."""
    if role not in ROLES:
        raise ValidationFailed.on("role", f"must be one of {', '.join(ROLES)}")
    required = {"market_manager": market_id, "vendor": vendor_id, "school_admin": school_id}
    if role in required and required[role] is None:
        raise ValidationFailed.on("role", f"a {role} must be bound to its record")
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"user {username!r} exists", errors={"username": ["already taken"]})
    user = User(
        username=username, role=role, market_id=market_id, vendor_id=vendor_id, school_id=school_id
    )
    if password:
        set_password(user, password)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Store an Argon2id hash of password."""
    if len(password) < 10:
        raise ValidationFailed.on("password", "at least 10 characters")
    user.password_hash = _hasher.hash(password)


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this username and password, or None."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        _hasher.hash(password)  # same cost whether or not the user exists
        return None
    return user if user.active and user.check_password(password) else None
