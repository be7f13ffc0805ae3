"""The outstanding report: what each student still owes, by class, and for how long."""

from datetime import date

from sqlalchemy import update

from tests.factories import make_school, make_student, make_user
from tuition.models import Invoice
from tuition.plans import create_plan, issue_plan
from tuition.reports import outstanding


def test_the_report_lists_what_is_still_due_by_class_and_days_overdue_from_the_day_given(
    session,
):
    school = make_school(session)
    staff = make_user(session, "school_admin", school_id=school.id)[0]
    for code, name, folded, klass in (
        ("B1", "Trần Văn Bảo", "tran van bao", "6A2"),
        ("A2", "Lê Thị Bích", "le thi bich", "6A1"),
        ("A1", "Đỗ Văn An", "do van an", "6A1"),
    ):
        make_student(
            session, school, student_code=code, full_name=name, name_folded=folded, class_name=klass
        )
    plan = create_plan(
        session,
        school=school,
        details={
            "name": "Học kỳ I",
            "school_year": "2025-2026",
            "due_date": date(2025, 10, 15),
            "classes": ["6A1", "6A2"],
            "lines": [{"item": "Học phí", "kind": "tuition", "amount": 1_000_000}],
        },
    )
    issue_plan(session, actor=staff, plan_id=plan.id)
    session.execute(  # A2 paid in part, B1 in full
        update(Invoice)
        .where(Invoice.student.has(student_code="A2"))
        .values(paid_amount=400_000, status="partially_paid")
    )
    session.execute(
        update(Invoice)
        .where(Invoice.student.has(student_code="B1"))
        .values(paid_amount=1_000_000, status="paid")
    )
    session.expire_all()

    rows = outstanding(session, school=school, today=date(2025, 10, 20))
    assert [(r["class_name"], r["student_code"], r["balance"]) for r in rows] == [
        ("6A1", "A1", 1_000_000),  # by class, then name: Đỗ before Lê
        ("6A1", "A2", 600_000),
    ]
    assert {r["days_overdue"] for r in rows} == {5}
    assert outstanding(session, school=school, today=date(2025, 10, 1))[0]["days_overdue"] == 0
