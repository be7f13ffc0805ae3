"""Users, roles and API tokens (stored hashed), and the use cases that create them."""

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CheckConstraint, ForeignKey, String, or_, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from market import audit
from market.db import Base, BigId, utcnow
from market.errors import Conflict, NotFound, ValidationFailed
from market.pagination import Page, paginate

ROLES = ("admin", "market_manager", "vendor", "school_admin", "bank_staff")
TOKEN_PREFIX = "cho40_"
MIN_PASSWORD = 10
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
    # A password an admin handed over: the next sign-in must replace it before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
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


class LoginSession(Base):
    """A signed-in browser: the cookie carries a random key whose hash is stored here, so a
    session can be ended on the server (logout, new password, deactivation)."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # A device (a vendor's phone signed in by a link): it lapses at expires_at, and the board
    # sees its browser and when it was last seen. Staff sessions leave these empty.
    expires_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(String(300))


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
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed.on("password", f"at least {MIN_PASSWORD} characters")
    user.password_hash = _hasher.hash(password)


def change_password(session: Session, *, user: User, password: str) -> None:
    """Set a new password and end every session signed in with the old one."""
    set_password(user, password)
    user.must_change_password = False
    end_sessions(session, user=user)


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this username and password, or None."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        _hasher.hash(password)  # same cost whether or not the user exists
        return None
    return user if user.active and user.check_password(password) else None


def start_session(session: Session, *, user: User) -> str:
    """Record a signed-in browser for user; the key (in clear) goes into its cookie."""
    key = secrets.token_urlsafe(32)
    session.add(LoginSession(user_id=user.id, key_hash=hash_token(key)))
    session.flush()
    return key


def start_device(session: Session, *, user: User, lifetime: timedelta, user_agent: str) -> tuple:
    """Record a signed-in device of user for lifetime: (its key in clear, the session row)."""
    key, now = secrets.token_urlsafe(32), utcnow()
    device = LoginSession(
        user_id=user.id,
        key_hash=hash_token(key),
        expires_at=now + lifetime,
        last_seen_at=now,
        user_agent=user_agent[:300] or None,
    )
    session.add(device)
    session.flush()
    return key, device


SEEN_EVERY = timedelta(minutes=5)  # a device's last_seen_at is written at most this often


def user_for_session(session: Session, key: str) -> User | None:
    """The active user of an unended, unexpired login session, or None (a device is marked
    seen now and then)."""
    now = utcnow()
    row = session.execute(
        select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.key_hash == hash_token(key),
            LoginSession.ended_at.is_(None),
            or_(LoginSession.expires_at.is_(None), LoginSession.expires_at > now),
        )
    ).one_or_none()
    if row is None or not row.User.active:
        return None
    device = row.LoginSession
    if device.expires_at is not None and (device.last_seen_at or now) <= now - SEEN_EVERY:
        device.last_seen_at = now
    return row.User


def end_session(session: Session, *, key: str) -> None:
    """End the login session whose cookie holds key (logout)."""
    session.execute(
        update(LoginSession)
        .where(LoginSession.key_hash == hash_token(key), LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_sessions(session: Session, *, user: User) -> None:
    """End every login session of user."""
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def get_user(session: Session, *, user_id: int | None = None, username: str | None = None) -> User:
    """The user with this id or username, or 404."""
    where = User.id == user_id if username is None else User.username == username
    user = session.execute(select(User).where(where)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user {username if username is not None else user_id}")
    return user


def deactivate_user(session: Session, *, actor: User | None, user: User) -> User:
    """Refuse user from now on: every token revoked, every session ended (idempotent)."""
    if actor is not None and actor.id == user.id:
        raise Conflict("You cannot deactivate yourself; ask another admin.")
    now = utcnow()
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    end_sessions(session, user=user)
    if user.active or revoked:
        audit.record(
            session,
            actor_id=actor.id if actor else None,
            entity="user",
            entity_id=user.id,
            action="deactivate",
            changes={"active": [user.active, False], "revoked_tokens": [0, revoked]},
        )
    user.active = False
    session.flush()
    return user


def revoke_token(session: Session, *, actor: User | None, token_id: int) -> ApiToken:
    """Revoke one API token (idempotent); a caller other than an admin only its own, else 404."""
    token = session.get(ApiToken, token_id)
    visible = actor is None or actor.role == "admin" or (token and token.user_id == actor.id)
    if token is None or not visible:
        raise NotFound(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            actor_id=actor.id if actor else None,
            entity="api_token",
            entity_id=token.id,
            action="revoke",
            changes={"revoked": [False, True]},
        )
        session.flush()
    return token


def tokens_of(session: Session, *, user: User) -> list[ApiToken]:
    """The API tokens of user, oldest first (their hashes never leave the database)."""
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )


def list_users(session: Session, *, limit: int, after: int | None) -> Page:
    """Every user, by id."""
    return paginate(session, select(User), User.id, limit=limit, after=after)
