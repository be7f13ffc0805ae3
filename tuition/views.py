"""Schools, students, fee plans and exemptions over HTTP."""

from flask_smorest import Blueprint

from market.auth import caller, require
from market.clock import business_date_of
from market.db import get_session, utcnow
from market.roster.schemas import ImportFileSchema, ImportQuerySchema, ImportResultSchema
from tuition import plans, schools, students
from tuition.schemas import (
    ExemptionCreateSchema,
    ExemptionEndSchema,
    ExemptionSchema,
    FeePlanCreateSchema,
    FeePlanSchema,
    FeePlanUpdateSchema,
    IssueResultSchema,
    ReissueResultSchema,
    ReissueSchema,
    SchoolCreateSchema,
    SchoolSchema,
    StudentDetailSchema,
    StudentPageSchema,
    StudentQuerySchema,
)

blp = Blueprint("schools", __name__, url_prefix="/api/v1", description="Schools and fees")


@blp.post("/schools")
@require("admin")
@blp.arguments(SchoolCreateSchema)
@blp.response(201, SchoolSchema)
def create_school(body):
    """Register a school and the account its fees are paid into (admin)."""
    return schools.create_school(get_session(), actor=caller(), details=body)


@blp.get("/schools")
@require("admin", "school_admin", "bank_staff")
@blp.response(200, SchoolSchema(many=True))
def list_schools():
    """Schools the caller may see."""
    return schools.list_schools(get_session(), actor=caller())


@blp.post("/schools/<code>/students/import")
@require(*schools.STAFF)
@blp.arguments(ImportQuerySchema, location="query")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(200, ImportResultSchema)
def import_students(query, upload, code):
    """Import a class list (CSV/XLSX, Vietnamese or English headers)."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    return schools.import_students(session, actor=caller(), school=school, **upload, **query)


@blp.get("/schools/<code>/students")
@require(*schools.STAFF)
@blp.arguments(StudentQuerySchema, location="query")
@blp.response(200, StudentPageSchema)
def list_students(query, code):
    """A school's students: `class` filters, `q` finds a name (without accents) or a code."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    after = query.pop("cursor")
    return students.list_students(session, school=school, after=after, **query)


@blp.get("/students/<int:student_id>")
@require(*schools.STAFF)
@blp.response(200, StudentDetailSchema)
def get_student(student_id):
    """One student, with the guardian's phone and the exemptions."""
    return schools.get_student(get_session(), actor=caller(), student_id=student_id)


@blp.post("/schools/<code>/fee-plans")
@require(*schools.STAFF)
@blp.arguments(FeePlanCreateSchema)
@blp.response(201, FeePlanSchema)
def create_plan(body, code):
    """A collection round: lines by kind, the classes, the due date."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    return plans.create_plan(session, school=school, details=body)


@blp.get("/fee-plans/<int:plan_id>")
@require(*schools.STAFF)
@blp.response(200, FeePlanSchema)
def get_plan(plan_id):
    """One fee plan."""
    return plans.get_plan(get_session(), actor=caller(), plan_id=plan_id)


@blp.patch("/fee-plans/<int:plan_id>")
@require(*schools.STAFF)
@blp.arguments(FeePlanUpdateSchema(partial=True))
@blp.response(200, FeePlanSchema)
def update_plan(body, plan_id):
    """Change a plan; issued invoices keep their amounts until the plan is reissued."""
    return plans.update_plan(get_session(), actor=caller(), plan_id=plan_id, changes=body)


@blp.post("/fee-plans/<int:plan_id>/issue")
@require(*schools.STAFF)
@blp.response(200, IssueResultSchema)
def issue_plan(plan_id):
    """One invoice per student of the plan's classes: {issued, skipped} (idempotent)."""
    return plans.issue_plan(get_session(), actor=caller(), plan_id=plan_id)


@blp.post("/fee-plans/<int:plan_id>/reissue")
@require(*schools.STAFF)
@blp.arguments(ReissueSchema)
@blp.response(200, ReissueResultSchema)
def reissue_plan(body, plan_id):
    """Apply a changed plan: unpaid invoices are voided and issued again."""
    return plans.reissue_plan(get_session(), actor=caller(), plan_id=plan_id, reason=body["reason"])


@blp.post("/students/<int:student_id>/exemptions")
@require(*schools.STAFF)
@blp.arguments(ExemptionCreateSchema)
@blp.response(201, ExemptionSchema)
def add_exemption(body, student_id):
    """A reduction (percent or amount) for some kinds of line, with its reason."""
    session = get_session()
    student = schools.get_student(session, actor=caller(), student_id=student_id)
    return plans.add_exemption(session, student=student, details=body)


@blp.post("/students/<int:student_id>/exemptions/<int:exemption_id>/end")
@require(*schools.STAFF)
@blp.arguments(ExemptionEndSchema)
@blp.response(200, ExemptionSchema)
def end_exemption(body, student_id, exemption_id):
    """End an exemption: it covers nothing due after the day given (today by default)."""
    session = get_session()
    student = schools.get_student(session, actor=caller(), student_id=student_id)
    on = body.get("on") or business_date_of(utcnow())
    return students.end_exemption(
        session, actor=caller(), student=student, exemption_id=exemption_id, on=on
    )
