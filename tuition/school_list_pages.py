"""Schools (/schools): an admin's list of the schools and the form that registers one with
the account its fees are paid into. The same services as the API."""

from flask import flash, redirect, render_template, request, url_for

from market.auth import caller
from market.banks import all_banks, bank_by_bin
from market.db import get_session
from market.errors import Conflict, ValidationFailed
from market.roster.messages import explain
from market.web import PageBlueprint, page
from market.web.forms import form_errors, load_form
from market.words import UNKNOWN_MESSAGE, say
from tuition import schools
from tuition.models import SCHOOL_TYPES
from tuition.schemas import SchoolCreateSchema

bp = PageBlueprint("school_list", __name__, template_folder="templates")
FIELDS = tuple(SchoolCreateSchema().fields)


def _errors(error) -> dict[str, list[str]]:
    # The bank and account rules speak as the roster import does: the same sentences.
    raw = error.errors or {}
    said = form_errors(error)
    for field, messages in raw.items():
        if field in ("bank", "account_number"):
            said[field] = [explain(m) if say(m) == UNKNOWN_MESSAGE else say(m) for m in messages]
    return said


def _render(form: dict, errors: dict, status: int = 200):
    shown = render_template(
        "school_list/list.html",
        schools=schools.list_schools(get_session(), actor=caller()),
        types=SCHOOL_TYPES,
        banks=[(b.bin, f"{b.short_name} – {b.name}") for b in sorted(all_banks(), key=_by_name)],
        bank_name=lambda bin_: getattr(bank_by_bin(bin_), "short_name", bin_),
        form=form,
        errors=errors,
    )
    return shown, status


def _by_name(bank) -> str:
    return bank.short_name.lower()


@bp.get("/schools")
@page("admin")
def school_list():
    """Every school; the form for a new one."""
    return _render({}, {})


@bp.post("/schools")
@page("admin")
def create_school():
    """Register a school (the form's errors in Vietnamese beside their fields)."""
    form = {k: request.form.get(k, "")[:300] for k in FIELDS}
    try:
        details = load_form(SchoolCreateSchema(), form)
        school = schools.create_school(get_session(), actor=caller(), details=details)
    except (ValidationFailed, Conflict) as error:
        return _render(form, _errors(error), error.status)
    flash(f"Đã thêm {school.name} ({school.code}).", "ok")
    return redirect(url_for("school_list.school_list"))
