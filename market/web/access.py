"""Who may open a page: the page() decorator, the form token every page blueprint checks on
writes, and where each role starts."""

import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, request, session, url_for

from market.auth import SAFE_METHODS, SESSION_KEY, current_user
from market.errors import AppError, Forbidden, FormExpired
from market.users import User

STAFF = ("admin", "market_manager", "school_admin", "bank_staff")  # those who sign in by password


def csrf_token() -> str:
    """The session's anti-forgery token for forms."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _form_token_sent() -> bool:
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token", "")
    return bool(sent) and secrets.compare_digest(sent, session.get("csrf", ""))


def check_form_token() -> None:
    """Every write to a page must carry the form token of this browser's session. A page
    that needs sign-in, reached without a login cookie or with a bearer token, has nothing
    a forger could ride on: the page decorator then sends the browser to sign in."""
    if request.method in SAFE_METHODS:
        return
    if _form_token_sent():
        g.form_checked = True  # the login cookie may now count for this write
        return
    view = current_app.view_functions.get(request.endpoint)
    guarded = getattr(view, "page_roles", None) is not None
    if guarded and ("Authorization" in request.headers or SESSION_KEY not in session):
        return
    raise FormExpired("The form expired; reload the page and try again.")


class PageBlueprint(Blueprint):
    """A blueprint of HTML pages: writes to it are refused without the form token."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(check_form_token)


def safe_next(target: str | None) -> str | None:
    """target when it is a path on this site, else None (no open redirect)."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    return target.removesuffix("?")  # "/dashboard?" (an empty query) is "/dashboard"


def came_from() -> str | None:
    """The page of this site the browser came from (the Referer, same origin only)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def _here() -> str | None:
    """Where to come back after signing in: this page, or for a write the page of its form."""
    if request.method in SAFE_METHODS:
        return request.full_path.rstrip("?")
    return came_from()


def sign_in_first():
    """A redirect to the login page, or to the new password page for a first password."""
    if g.get("first_password_user") is not None:
        return redirect(url_for("pages.password", next=_here()))
    return redirect(url_for("pages.login", next=_here()))


def page(*roles: str, first_password: bool = False) -> Callable:
    """Open the view to signed-in users of roles (every role when none is given); others get
    the 403 page, strangers the login page. first_password: a user who must still replace a
    first password may open it too."""
    allowed = roles or ("admin", "market_manager", "vendor", "school_admin", "bank_staff")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None and first_password:
                user = g.user = g.get("first_password_user")
            if user is None:
                return sign_in_first()
            if user.role not in allowed:
                raise Forbidden(f"The role {user.role} may not open this page.")
            return view(*args, **kwargs)

        wrapper.page_roles = frozenset(allowed)
        return wrapper

    return decorator


def viewer() -> User | None:
    """The signed-in user as the layout shows it; never raises (error pages use it too)."""
    if "user" in g:
        return g.user
    try:
        return current_user()
    except AppError:
        return None
