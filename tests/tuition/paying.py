"""A school that bills a student, and the provider's notification of a parent's transfer:
what the parents' page tests stand on."""

from datetime import date

from sqlalchemy import select

from tests.factories import generic_notification, make_school, make_student, make_user
from tuition.invoices import transfer_text
from tuition.models import Invoice
from tuition.plans import add_exemption, create_plan, issue_plan

SECRET = "s3cret-s3cret-s3cret"
TUITION = [("Học phí", "tuition", 1_500_000), ("Tiền ăn bán trú", "meals", 700_000)]
NO_TUITION = [("Tiền ăn bán trú", "meals", 750_000), ("Bảo hiểm y tế", "insurance", 884_520)]


def school_of(session, lines, *, exemption=None, due="2026-12-15", school=None):
    """School THCS-LQD, its student HS001 (phone …5678) and one issued plan of lines; the
    student's invoice of that plan."""
    if school is None:
        school = make_school(
            session,
            code="THCS-LQD",
            name="Trường THCS Lê Quý Đôn",
            bank_bin="970436",
            account_number="0011004455667",
            account_name="TRUONG THCS LE QUY DON",
        )
        student = make_student(session, school, student_code="HS001")
        if exemption:
            add_exemption(session, student=student, details=exemption)
    plan = create_plan(
        session,
        school=school,
        details={
            "name": f"Đợt thu hạn {due}",
            "school_year": "2026-2027",
            "due_date": date.fromisoformat(due),
            "classes": ["6A1"],
            "lines": [{"item": i, "kind": k, "amount": a} for i, k, a in lines],
        },
    )
    issue_plan(session, actor=make_user(session, "admin")[0], plan_id=plan.id)
    return session.scalars(select(Invoice).where(Invoice.plan_id == plan.id)).one()


def transfer(client, invoice, amount=None, txn="FT-PAY-1"):
    """The provider's signed notification of a transfer quoting the invoice's transfer text."""
    school = invoice.plan.school
    body, headers = generic_notification(
        SECRET,
        txn=txn,
        amount=amount or invoice.balance,
        account=school.account_number,
        bank_bin=school.bank_bin,
        description=f"MBVCB.3278907687.{transfer_text(invoice)}",
    )
    answer = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer
