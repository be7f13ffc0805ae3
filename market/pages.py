"""Staff pages: log in with a password, log out, a home page."""

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for

from market.auth import SESSION_KEY, current_user
from market.db import get_db, get_session
from market.ratelimit import count_attempt, forgive
from market.users import authenticate, end_session, start_session

bp = Blueprint("pages", __name__, template_folder="templates")
LOGIN_WINDOW = 15 * 60
MAX_PER_USERNAME = 10  # wrong passwords for one username in 15 minutes
MAX_PER_CLIENT = 30  # wrong passwords from one address in 15 minutes
WRONG = "Sai tên đăng nhập hoặc mật khẩu."
TOO_MANY = "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau 15 phút."


def csrf_token() -> str:
    """The session's anti-forgery token for forms."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _check_csrf() -> None:
    sent = request.form.get("csrf", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(400, "The form expired; reload the page and try again.")


def _safe_next(target: str | None) -> str:
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/"):
        return url_for("pages.home")
    return target


@bp.get("/")
def home():
    """The landing page."""
    return render_template("home.html", user=current_user())


def _attempt_login(username: str, password: str):
    """The user, or the error to show with its status."""
    attempt = count_attempt(
        {
            f"login:user:{username.casefold()}": MAX_PER_USERNAME,
            f"login:client:{request.remote_addr}": MAX_PER_CLIENT,
        },
        seconds=LOGIN_WINDOW,
    )
    if attempt is None:
        return None, TOO_MANY, 429
    # Its own session: the request's stays unused, so no request holds two pooled connections.
    with get_db().session_scope() as db_session:
        user = authenticate(db_session, username=username, password=password)
    if user is None:
        return None, WRONG, 401
    forgive(attempt)  # only wrong passwords count towards the limit
    return user, None, 200


def _end_this_session() -> None:
    if isinstance(session.get(SESSION_KEY), str):
        end_session(get_session(), key=session[SESSION_KEY])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The staff login form."""
    error, status = None, 200
    if request.method == "POST":
        _check_csrf()
        username = request.form.get("username", "")[:80]
        password = request.form.get("password", "")[:200]
        user, error, status = _attempt_login(username, password)
        if user is not None:
            _end_this_session()  # a new sign-in never leaves the old key alive
            session.clear()
            session[SESSION_KEY] = start_session(get_session(), user=user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error, csrf=csrf_token()), status


@bp.post("/logout")
def logout():
    """End the staff session, on the server too: its cookie no longer signs anyone in."""
    _check_csrf()
    _end_this_session()
    session.clear()
    return redirect(url_for("pages.login"))


def init_app(app: Flask) -> None:
    """Register the pages and their template helpers."""
    app.register_blueprint(bp)
    app.jinja_env.globals["csrf_token"] = csrf_token
