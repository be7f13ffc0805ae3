"""Fee plans on pages: a school's collection rounds, a new one, issuing it, and after a
change, what a reissue would void and leave to settle before reissuing with a reason."""

from flask import flash, redirect, render_template, request, url_for

from market.auth import caller
from market.db import get_session
from market.errors import ValidationFailed
from market.web import PageBlueprint, page
from tuition import page_forms, plans, schools, students
from tuition.page_words import say_errors
from tuition.previews import reissue_preview

bp = PageBlueprint("plan_pages", __name__, template_folder="templates")
SCHOOL_STAFF = ("admin", "school_admin")


@bp.get("/schools/<code>/fee-plans")
@page(*SCHOOL_STAFF)
def plans_list(code: str):
    """The school's collection rounds with their invoices counted by status."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    found = plans.list_plans(session, school=school)
    return render_template("school/plans.html", school=school, found=found)


def _form_page(school, form: dict, errors: dict, plan=None, status: int = 200):
    classes = students.class_counts(get_session(), school=school)
    shown = {"school": school, "form": form, "errors": errors, "plan": plan, "classes": classes}
    return render_template("school/plan_form.html", kinds=page_forms.LINE_KINDS, **shown), status


@bp.get("/schools/<code>/fee-plans/new")
@page(*SCHOOL_STAFF)
def new_plan(code: str):
    """The form of a new collection round."""
    school = schools.get_school(get_session(), actor=caller(), code=code)
    return _form_page(school, page_forms.plan_form(), {})


def _read(school):
    classes = [name for name, _ in students.class_counts(get_session(), school=school)]
    return page_forms.plan(request.form, classes)


@bp.post("/schools/<code>/fee-plans")
@page(*SCHOOL_STAFF)
def create_plan(code: str):
    """Create the round; it is issued from its own page."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    form, details, errors = _read(school)
    try:
        created = None if errors else plans.create_plan(session, school=school, details=details)
    except ValidationFailed as error:
        errors = say_errors(error.errors)
    if errors:
        return _form_page(school, form, errors, status=422)
    flash("Đã tạo đợt thu. Kiểm tra lại rồi bấm “Phát hành hóa đơn”.", "ok")
    return redirect(url_for("plan_pages.plan", plan_id=created.id))


@bp.get("/fee-plans/<int:plan_id>")
@page(*SCHOOL_STAFF)
def plan(plan_id: int):
    """A round: lines, classes, invoices; issue it; what a reissue would do."""
    session = get_session()
    found = plans.get_plan(session, actor=caller(), plan_id=plan_id)
    preview = reissue_preview(session, plan=found)
    return render_template("school/plan.html", plan=found, preview=preview, errors={})


@bp.get("/fee-plans/<int:plan_id>/edit")
@page(*SCHOOL_STAFF)
def edit_plan(plan_id: int):
    """The round's form, filled in."""
    found = plans.get_plan(get_session(), actor=caller(), plan_id=plan_id)
    return _form_page(found.school, page_forms.plan_form(found), {}, plan=found)


@bp.post("/fee-plans/<int:plan_id>")
@page(*SCHOOL_STAFF)
def update_plan(plan_id: int):
    """Change the round; invoices keep their amounts until it is reissued."""
    session = get_session()
    found = plans.get_plan(session, actor=caller(), plan_id=plan_id)
    form, details, errors = _read(found.school)
    try:
        if not errors:
            plans.update_plan(session, actor=caller(), plan_id=plan_id, changes=details)
    except ValidationFailed as error:
        errors = say_errors(error.errors)
    if errors:
        return _form_page(found.school, form, errors, plan=found, status=422)
    flash("Đã lưu thay đổi. Hóa đơn đã phát hành giữ số tiền cũ cho đến khi phát hành lại.", "ok")
    return redirect(url_for("plan_pages.plan", plan_id=plan_id) + "#reissue")


@bp.post("/fee-plans/<int:plan_id>/issue")
@page(*SCHOOL_STAFF)
def issue(plan_id: int):
    """One invoice for each student of the round's classes who has none yet."""
    done = plans.issue_plan(get_session(), actor=caller(), plan_id=plan_id)
    flash(f"Đã phát hành {done['issued']} hóa đơn ({done['skipped']} học sinh đã có).", "ok")
    return redirect(url_for("plan_pages.plan", plan_id=plan_id))


@bp.post("/fee-plans/<int:plan_id>/reissue")
@page(*SCHOOL_STAFF)
def reissue(plan_id: int):
    """Void the unpaid invoices and issue them again with the round as it is now."""
    session = get_session()
    reason = " ".join(request.form.get("reason", "").split())[:300]
    if not reason:
        found = plans.get_plan(session, actor=caller(), plan_id=plan_id)
        errors = {"reason": ["Ghi lý do phát hành lại, ví dụ: Sửa tiền ăn theo thông báo mới."]}
        preview = reissue_preview(session, plan=found)
        shown = render_template("school/plan.html", plan=found, preview=preview, errors=errors)
        return shown, 422
    done = plans.reissue_plan(session, actor=caller(), plan_id=plan_id, reason=reason)
    kept = len(done["kept_with_payments"])
    flash(
        f"Đã hủy {done['voided']} hóa đơn chưa nộp và phát hành {done['issued']} hóa đơn mới; "
        f"{kept} hóa đơn đã có tiền nộp được giữ để xử lý riêng.",
        "ok",
    )
    return redirect(url_for("plan_pages.plan", plan_id=plan_id))
