"""A vendor's phone signs in without a password: the market board makes a one-time link (a QR
on a card), the phone confirms it and stays signed in for 90 days as a device the board sees
and can sign out. Suspending or closing the vendor signs every device out. Never commits."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from market import audit
from market.db import utcnow
from market.errors import AppError, NotFound
from market.users import LoginSession, User, create_user, hash_token, start_device
from vendors.devices import end_devices
from vendors.models import LoginLink, Vendor
from vendors.service import MANAGERS, get_vendor

LINK_LIFETIME = timedelta(hours=24)
DEVICE_LIFETIME = timedelta(days=90)
SIGNS_IN = ("active",)  # only an active vendor's phone may sign in


class LinkRefused(AppError):
    """The link was used already, has expired, or its vendor may not sign in."""

    status, code, title = 410, "link-refused", "Sign-in link refused"


@dataclass(frozen=True)
class NewLink:
    """A link just made: its token in clear is shown once, never stored."""

    token: str
    expires_at: datetime
    vendor: Vendor


def create_login_link(session: Session, *, actor: User, vendor_id: int) -> NewLink:
    """A one-time sign-in link for an active vendor's phone, valid LINK_LIFETIME (board only)."""
    if actor.role not in MANAGERS:
        raise NotFound(f"no vendor {vendor_id}")
    vendor = get_vendor(session, actor=actor, vendor_id=vendor_id)
    if vendor.status not in SIGNS_IN:
        raise LinkRefused(
            f"a {vendor.status} vendor cannot sign in", errors={"status": ["not active"]}
        )
    token, now = secrets.token_urlsafe(24), utcnow()
    link = LoginLink(
        vendor_id=vendor.id,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + LINK_LIFETIME,
        created_by=actor.id,
    )
    session.add(link)
    session.flush()
    audit.record(
        session, actor_id=actor.id, entity="vendor", entity_id=vendor.id, action="login_link"
    )
    return NewLink(token=token, expires_at=link.expires_at, vendor=vendor)


def link_vendor(session: Session, *, token: str) -> Vendor:
    """The vendor an unused, unexpired link signs in (read only: a preview robot's GET spends
    nothing), or LinkRefused."""
    link = session.execute(
        select(LoginLink).where(LoginLink.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise LinkRefused("the link was used already or has expired")
    vendor = session.get(Vendor, link.vendor_id)
    if vendor.status not in SIGNS_IN:
        raise LinkRefused(f"a {vendor.status} vendor cannot sign in")
    return vendor


def use_login_link(session: Session, *, token: str, user_agent: str) -> str:
    """Spend the link (once, even under two clicks at once) and sign the phone in as its
    vendor's device; the device's key in clear, for the cookie."""
    vendor = link_vendor(session, token=token)
    now = utcnow()
    spent = session.execute(
        update(LoginLink)
        .where(
            LoginLink.token_hash == hash_token(token),
            LoginLink.used_at.is_(None),
            LoginLink.expires_at > now,
        )
        .values(used_at=now)
    ).rowcount
    if spent != 1:
        raise LinkRefused("the link was used already or has expired")
    key, device = start_device(
        session, user=_phone_user(session, vendor), lifetime=DEVICE_LIFETIME, user_agent=user_agent
    )
    session.execute(
        update(LoginLink)
        .where(LoginLink.token_hash == hash_token(token))
        .values(session_id=device.id)
    )
    return key


def _phone_user(session: Session, vendor: Vendor) -> User:
    """The account a vendor's phones sign in as: made on the first link used."""
    username = f"stall:{vendor.id}"
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        user = create_user(
            session,
            username=username,
            role="vendor",
            vendor_id=vendor.id,
            market_id=vendor.market_id,
        )
    user.active = True
    return user


def _devices_of(vendor_id: int):
    return (
        select(LoginSession)
        .join(User, User.id == LoginSession.user_id)
        .where(
            User.vendor_id == vendor_id,
            User.role == "vendor",
            LoginSession.ended_at.is_(None),
            or_(LoginSession.expires_at.is_(None), LoginSession.expires_at > utcnow()),
        )
    )


def vendor_devices(session: Session, *, actor: User, vendor_id: int) -> list[LoginSession]:
    """The devices signed in as a vendor the board member may see, last seen first."""
    if actor.role not in MANAGERS:
        raise NotFound(f"no vendor {vendor_id}")
    vendor = get_vendor(session, actor=actor, vendor_id=vendor_id)
    found = session.scalars(_devices_of(vendor.id)).all()
    return sorted(found, key=lambda d: d.last_seen_at or d.created_at, reverse=True)


def sign_out_device(session: Session, *, actor: User, vendor_id: int, device_id: int) -> None:
    """End one device of a vendor (idempotent); 404 for a device not the vendor's."""
    devices = vendor_devices(session, actor=actor, vendor_id=vendor_id)
    if not any(d.id == device_id for d in devices):
        ended = session.get(LoginSession, device_id)
        if ended is None or ended.ended_at is None:
            raise NotFound(f"no device {device_id}")
        return
    end_devices(session, vendor_id=vendor_id, device_id=device_id)
    audit.record(
        session,
        actor_id=actor.id,
        entity="vendor",
        entity_id=vendor_id,
        action="sign_out_device",
        changes={"device": [device_id, None]},
    )


# (pattern, name) in order: the first that matches the User-Agent names the browser.
BROWSERS = (
    (r"Zalo", "Zalo"),
    (r"FBAN|FBAV|FB_IAB|Messenger", "Messenger"),
    (r"SamsungBrowser", "Samsung Internet"),
    (r"CocCoc|coc_coc", "Cốc Cốc"),
    (r"EdgA?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"Firefox/|FxiOS", "Firefox"),
    (r"Chrome/|CriOS", "Chrome"),
    (r"Safari/", "Safari"),
)
SYSTEMS = ((r"iPhone|iPad|iOS", "iPhone"), (r"Android", "Android"), (r"Windows", "Windows"))


def browser_of(user_agent: str | None) -> str:
    """'Chrome trên Android' from a User-Agent header, as the board reads it."""
    agent = user_agent or ""
    browser = next((n for p, n in BROWSERS if re.search(p, agent)), "Trình duyệt không rõ")
    system = next((n for p, n in SYSTEMS if re.search(p, agent)), None)
    return f"{browser} trên {system}" if system else browser
