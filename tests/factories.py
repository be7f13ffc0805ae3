"""Factories: plain functions that flush and never commit."""

import itertools

from market.markets.models import Market
from market.users import create_user, issue_token
from vendors.models import Vendor
from vendors.rules import normalize_vendor

_seq = itertools.count(1)


def make_market(session, **overrides) -> Market:
    """A market with a unique code."""
    n = next(_seq)
    values = {
        "code": f"CHO-T{n}",
        "name": f"Chợ Thử {n}",
        "ward_code": "29001",
        "legacy_district": "Thành phố Vĩnh Long",
    } | overrides
    market = Market(**values)
    session.add(market)
    session.flush()
    return market


def make_vendor(session, market: Market | None = None, **overrides) -> Vendor:
    """A vendor with valid details, pending unless status is given."""
    n = next(_seq)
    raw = {
        "stall": f"A-{n:03d}",
        "full_name": "Nguyễn Thị Hoa",
        "phone": f"09{n:08d}",
        "national_id": f"0860{n:08d}",
        "category": "Rau củ",
        "bank": "970436",
        "account_number": f"{1000000000 + n}",
    }
    raw.update({k: v for k, v in overrides.items() if k in raw or k == "account_name"})
    values, errors = normalize_vendor(raw)
    assert not errors, errors
    vendor = Vendor(
        market=market or make_market(session), status=overrides.get("status", "pending"), **values
    )
    session.add(vendor)
    session.flush()
    return vendor


def make_user(session, role: str, **scope) -> tuple:
    """(user, bearer token) for role, bound to the scope given (market_id, vendor_id...)."""
    user = create_user(session, username=f"{role}-{next(_seq)}", role=role, **scope)
    return user, issue_token(session, user=user)


def bearer(token: str) -> dict:
    """The Authorization header for token."""
    return {"Authorization": f"Bearer {token}"}
