"""Who is calling: bearer tokens for the API, a login session for staff pages, and the client's
address behind the trusted proxies."""

from collections.abc import Callable
from functools import wraps

from flask import Flask, g, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from market.db import get_session
from market.errors import Forbidden, Unauthorized
from market.users import User, user_for_session, user_for_token

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SESSION_KEY = "login"  # the login session's key inside the signed cookie


def session_user() -> User | None:
    """The user this browser's login cookie signs in, first password or not."""
    if "session_user" not in g:
        key = session.get(SESSION_KEY)
        g.session_user = user_for_session(get_session(), key) if isinstance(key, str) else None
    return g.session_user


def current_user() -> User | None:
    """The caller: a bearer token wins; a login cookie counts for reads, and for writes whose
    form token a page blueprint has checked (g.form_checked). A cookie whose user must still
    replace a first password signs nobody in (g.first_password_user says who it was)."""
    if "user" in g:
        return g.user
    user = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Use 'Authorization: Bearer <token>'.")
        user = user_for_token(get_session(), token.strip())
        if user is None:
            raise Unauthorized("The token is unknown or revoked.")
    elif request.method in SAFE_METHODS or g.get("form_checked"):
        user = session_user()
        if user is not None and user.must_change_password:
            g.first_password_user, user = user, None
    g.user = user
    return user


def require(*roles: str) -> Callable:
    """Allow the view only to callers holding one of roles (401 without a caller)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                raise Unauthorized("This endpoint needs a bearer token.")
            if user.role not in roles:
                raise Forbidden(f"The role {user.role} may not do this.")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def caller() -> User:
    """The authenticated caller of a view guarded by require()."""
    return g.user


class SessionCookie(SecureCookieSessionInterface):
    """The signed session cookie, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured so, or when this request (as the proxy saw it) is HTTPS."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Trust TRUSTED_PROXIES proxies for the client's address and scheme; the session cookie."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.session_interface = SessionCookie()
