"""The school accountant's screens for students: the school (classes, search), importing a
class list (upload → preview → confirm), a student's page with its exemptions. Same services
as the API."""

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from market.auth import caller
from market.clock import business_date_of
from market.db import get_session, utcnow
from market.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from market.fields import decode_cursor
from market.web import PageBlueprint, page
from tuition import page_forms, plans, schools, students
from tuition.page_words import say, say_errors, say_row
from tuition.previews import student_effect

bp = PageBlueprint("school_pages", __name__, template_folder="templates")
SCHOOL_STAFF = ("admin", "school_admin")
bp.add_app_template_global(say_row, "say_row")


def after_cursor() -> int | None:
    try:
        return decode_cursor(request.args["after"]) if request.args.get("after") else None
    except ValidationError:
        return None  # a spoiled link starts from the first page


@bp.get("/schools/<code>")
@page(*SCHOOL_STAFF)
def school(code: str):
    """Classes with their counts; students found by name or code, in a class."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    query = {
        "q": request.args.get("q", "")[:100],
        "class_name": students.class_filter(request.args.get("class", "")[:20]) or "",
    }
    found = students.list_students(session, school=school, after=after_cursor(), **query)
    classes = students.class_counts(session, school=school)
    shown = {"school": school, "found": found, "query": query, "classes": classes}
    return render_template("school/school.html", **shown)


@bp.get("/schools/<code>/students/import")
@page(*SCHOOL_STAFF)
def import_form(code: str):
    """Choose a class list to check."""
    school = schools.get_school(get_session(), actor=caller(), code=code)
    return render_template("school/import.html", school=school, errors={})


@bp.post("/schools/<code>/students/import")
@page(*SCHOOL_STAFF)
def preview_import(code: str):
    """Check the class list and show what importing it would do, row by row."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    upload = request.files.get("file")
    data, name = (upload.read(), upload.filename or "") if upload else (b"", "")
    try:
        preview = schools.preview_students(
            session, actor=caller(), school=school, data=data, filename=name
        )
    except (ValidationFailed, PayloadTooLarge) as error:
        errors = say_errors(error.errors) or {"file": [error.detail]}
        return render_template("school/import.html", school=school, errors=errors), 422
    return render_template("school/preview.html", school=school, preview=preview)


@bp.post("/schools/<code>/students/import/confirm")
@page(*SCHOOL_STAFF)
def confirm_import(code: str):
    """Import the very file previewed."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    token = request.form.get("upload", "")
    try:
        result = schools.confirm_students(session, actor=caller(), school=school, token=token)
    except NotFound as error:
        errors = say_errors({"file": [error.detail]})
        return render_template("school/import.html", school=school, errors=errors), 410
    flash(page_forms.import_summary(result), "ok")
    return redirect(url_for("school_pages.school", code=school.code))


def _student_page(student, errors: dict, form: dict, status: int = 200, problem: str = ""):
    session = get_session()
    shown = {
        "problem": problem,
        "today": business_date_of(utcnow()),
        "file": students.student_file(session, student=student),
        "effect": student_effect(session, student=student),
        "errors": errors,
        "form": form,
        "kinds": page_forms.LINE_KINDS,
    }
    return render_template("school/student.html", **shown), status


@bp.get("/students/<int:student_id>")
@page(*SCHOOL_STAFF)
def student(student_id: int):
    """A student: details, exemptions (add, end), invoices and what a reissue would change."""
    found = schools.get_student(get_session(), actor=caller(), student_id=student_id)
    return _student_page(found, {}, {})


@bp.post("/students/<int:student_id>/exemptions")
@page(*SCHOOL_STAFF)
def add_exemption(student_id: int):
    """Add an exemption; the page then shows which invoices a reissue would change."""
    session = get_session()
    found = schools.get_student(session, actor=caller(), student_id=student_id)
    form, details, errors = page_forms.exemption(request.form)
    if errors:
        return _student_page(found, errors, form, 422)
    plans.add_exemption(session, student=found, details=details)
    flash("Đã thêm miễn giảm. Xem bên dưới các hóa đơn sẽ thay đổi khi phát hành lại.", "ok")
    return redirect(url_for("school_pages.student", student_id=found.id) + "#effect")


@bp.post("/students/<int:student_id>/exemptions/<int:exemption_id>/end")
@page(*SCHOOL_STAFF)
def end_exemption(student_id: int, exemption_id: int):
    """End an exemption today: it covers nothing due after today."""
    session = get_session()
    found = schools.get_student(session, actor=caller(), student_id=student_id)
    try:
        students.end_exemption(
            session,
            actor=caller(),
            student=found,
            exemption_id=exemption_id,
            on=business_date_of(utcnow()),
        )
    except Conflict as error:
        return _student_page(found, {}, {}, 409, problem=say(error.detail))
    flash("Đã kết thúc miễn giảm từ hôm nay.", "ok")
    return redirect(url_for("school_pages.student", student_id=found.id) + "#effect")
