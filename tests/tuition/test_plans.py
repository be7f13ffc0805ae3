"""Fee plans issued as invoices: one per student of the plan's classes, exemptions taken off
line by line, issuing again creates nothing, a changed plan reaches invoices only when
reissued."""

from datetime import date

from sqlalchemy import select

from tests.factories import make_school, make_student, make_user
from tuition.models import Invoice
from tuition.plans import add_exemption, create_plan, issue_plan, reissue_plan, update_plan

LINES = [
    {"item": "Học phí", "kind": "tuition", "amount": 1_000_000},
    {"item": "Tiền ăn", "kind": "meals", "amount": 600_000},
]


def plan_for(session, school, classes=("6A1",)):
    details = {
        "name": "Học kỳ I",
        "school_year": "2025–2026",
        "due_date": date(2025, 10, 15),
        "classes": list(classes),
        "lines": LINES,
    }
    return create_plan(session, school=school, details=details)


def totals(session, plan) -> dict[str, tuple[str, int]]:
    invoices = session.scalars(select(Invoice).where(Invoice.plan_id == plan.id))
    return {i.student.student_code: (i.status, i.total_amount) for i in invoices}


def test_each_student_of_the_plans_classes_gets_one_invoice_with_exemptions_taken_off(session):
    school = make_school(session)
    staff = make_user(session, "school_admin", school_id=school.id)[0]
    poor = make_student(session, school, student_code="A1")
    make_student(session, school, student_code="A2")
    make_student(session, school, student_code="B1", class_name="7A1")
    add_exemption(
        session, student=poor, details={"percent": 50, "kinds": ["tuition"], "reason": "Hộ nghèo"}
    )
    plan = plan_for(session, school)
    assert plan.school_year == "2025-2026"
    assert issue_plan(session, actor=staff, plan_id=plan.id) == {"issued": 2, "skipped": 0}
    assert totals(session, plan) == {"A1": ("open", 1_100_000), "A2": ("open", 1_600_000)}
    assert issue_plan(session, actor=staff, plan_id=plan.id) == {"issued": 0, "skipped": 2}


def test_a_changed_plan_reaches_unpaid_invoices_only_when_reissued(session):
    school = make_school(session)
    staff = make_user(session, "school_admin", school_id=school.id)[0]
    make_student(session, school, student_code="A1")
    plan = plan_for(session, school)
    issue_plan(session, actor=staff, plan_id=plan.id)
    cheaper = [LINES[0]]
    update_plan(session, actor=staff, plan_id=plan.id, changes={"lines": cheaper})
    assert totals(session, plan) == {"A1": ("open", 1_600_000)}
    again = reissue_plan(session, actor=staff, plan_id=plan.id, reason="Bỏ tiền ăn")
    assert (again["voided"], again["issued"]) == (1, 1)
    live = session.scalars(
        select(Invoice.total_amount).where(Invoice.plan_id == plan.id, Invoice.status != "void")
    ).all()
    assert live == [1_000_000]
