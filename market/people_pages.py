"""People (/users): an admin's screens for the staff accounts. The same services as the API."""

from flask import flash, redirect, render_template, request, url_for

from market import people
from market.auth import caller
from market.db import get_session
from market.errors import Conflict, ValidationFailed
from market.users import deactivate_user
from market.web import PageBlueprint, page
from market.web.forms import form_errors

bp = PageBlueprint("people", __name__)
FORM_FIELDS = ("username", "role", "market", "school")
NO_STORE = {"Cache-Control": "no-store"}  # a page showing a password stays out of caches


def _choices() -> dict:
    session = get_session()
    return {kind: people.choices(session, kind) for kind in ("market", "school")}


@bp.get("/users")
@page("admin")
def staff_list():
    """Staff accounts: search by username as you type, filter by role."""
    query = {"q": request.args.get("q", "")[:80], "role": request.args.get("role") or None}
    found = people.find_staff(get_session(), **query, after=request.args.get("after") or None)
    return render_template("people/list.html", found=found, query=query, roles=people.STAFF_ROLES)


@bp.get("/users/new")
@page("admin")
def new_staff():
    """The form for a new staff account."""
    form = {"role": request.args.get("role", "")}
    return render_template("people/new.html", form=form, errors={}, **_choices())


@bp.post("/users")
@page("admin")
def create_staff():
    """Create the account; its first password is shown once."""
    form = {k: request.form.get(k, "")[:80] for k in FORM_FIELDS}
    try:
        user, password = people.create_staff(get_session(), actor=caller(), **form)
    except (ValidationFailed, Conflict) as error:
        errors = form_errors(error)
        return render_template("people/new.html", form=form, errors=errors, **_choices()), 422
    shown = render_template("people/password.html", user=user, password=password, created=True)
    return shown, 200, NO_STORE


@bp.get("/users/<int:user_id>")
@page("admin")
def staff_detail(user_id: int):
    """One account: who, bound to what, last sign-in; reset its password, deactivate it."""
    row = people.get_staff(get_session(), user_id=user_id)
    return render_template("people/detail.html", row=row, errors={})


@bp.post("/users/<int:user_id>/password-reset")
@page("admin")
def reset_password(user_id: int):
    """A new first password for the account (shown once); its sessions end."""
    session = get_session()
    row = people.get_staff(session, user_id=user_id)
    try:
        password = people.reset_password(session, actor=caller(), user=row.user)
    except Conflict as error:
        return render_template("people/detail.html", row=row, errors=form_errors(error)), 409
    return render_template("people/password.html", user=row.user, password=password), 200, NO_STORE


@bp.post("/users/<int:user_id>/deactivate")
@page("admin")
def deactivate(user_id: int):
    """Lock the account: its sessions end and its API tokens are revoked."""
    session = get_session()
    row = people.get_staff(session, user_id=user_id)
    try:
        deactivate_user(session, actor=caller(), user=row.user)
    except Conflict as error:
        return render_template("people/detail.html", row=row, errors=form_errors(error)), 409
    flash(f"Đã khóa tài khoản {row.user.username}.", "ok")
    return redirect(url_for("people.staff_detail", user_id=user_id))
