"""The pages everyone starts from: the start page, sign in and out, one's own password."""

from flask import Flask, g, redirect, render_template, request, session, url_for

from market import people
from market.auth import SESSION_KEY
from market.db import get_db, get_session
from market.errors import ValidationFailed
from market.ratelimit import count_attempt, forgive
from market.users import authenticate, end_session, start_session
from market.web import STAFF, PageBlueprint, page, start_path_of
from market.web import init_app as init_web
from market.web.access import safe_next, viewer
from market.web.nav import NAV
from market.words import say_errors

bp = PageBlueprint("pages", __name__, template_folder="templates")
LOGIN_WINDOW = 15 * 60
MAX_PER_USERNAME = 10  # wrong passwords for one username in 15 minutes
MAX_PER_CLIENT = 30  # wrong passwords from one address in 15 minutes
WRONG = "Sai tên đăng nhập hoặc mật khẩu."
TOO_MANY = "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau 30 phút."
FIELDS = {"current": "current_password", "new": "new_password", "again": "new_password_again"}


@bp.get("/")
def home():
    """Signed in: the role's start page; otherwise what the service is."""
    user = viewer()
    if user is None and g.get("first_password_user") is not None:
        return redirect(url_for("pages.password"))
    if user is not None and (start := start_path_of(user)) != "/":
        return redirect(start)
    return render_template("home.html", nav=NAV)


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


def _after_sign_in(user) -> str:
    wanted = safe_next(request.args.get("next"))
    if user.must_change_password:
        return url_for("pages.password", next=wanted)
    return wanted or start_path_of(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The staff login form (its form token is checked like every page's)."""
    error, status = None, 200
    if request.method == "GET" and viewer() is None and g.get("first_password_user"):
        # Signed in with a first password: the one page to go to is the new password's.
        return redirect(url_for("pages.password", next=safe_next(request.args.get("next"))))
    if request.method == "POST":
        username = request.form.get("username", "")[:80]
        password = request.form.get("password", "")[:200]
        user, error, status = _attempt_login(username, password)
        if user is not None:
            _end_this_session()  # a new sign-in never leaves the old key alive
            session.clear()
            session[SESSION_KEY] = start_session(get_session(), user=user)
            return redirect(_after_sign_in(user))
    return render_template("login.html", error=error), status


@bp.post("/logout")
def logout():
    """End the staff session, on the server too: its cookie no longer signs anyone in."""
    _end_this_session()
    session.clear()
    return redirect(url_for("pages.login"))


@bp.route("/password", methods=["GET", "POST"])
@page(*STAFF, first_password=True)
def password():
    """Change one's own password; a first password must be changed here before anything."""
    user, errors = g.user, {}
    if request.method == "POST":
        form = {k: request.form.get(field, "")[:200] for k, field in FIELDS.items()}
        try:
            key = people.change_own_password(get_session(), user=user, **form)
        except ValidationFailed as error:
            errors = say_errors(error.errors)
        else:
            session[SESSION_KEY] = key  # this browser stays signed in; the others are not
            return redirect(safe_next(request.args.get("next")) or start_path_of(user))
    first = user.must_change_password
    return render_template("password.html", errors=errors, first=first), 422 if errors else 200


def init_app(app: Flask) -> None:
    """Register the pages and the web foundation they stand on."""
    init_web(app)
    app.register_blueprint(bp)
