"""Fee plans, exemptions and issuing invoices (idempotently)."""

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from market import audit
from market.db import utcnow
from market.errors import NotFound, ValidationFailed
from market.identity import InvalidValue
from market.users import User
from payments.qr.reference import new_reference
from tuition.bulk import insert_rows
from tuition.models import Exemption, FeePlan, FeePlanLine, Invoice, InvoiceLine, School, Student
from tuition.previews import reductions_of
from tuition.rules import invoice_lines, invoice_status, normalize_school_year

INVOICE_PREFIX = "HP"  # học phí: every collection a school makes


def _check_classes(session: Session, school: School, classes: list[str]) -> list[str]:
    known = set(
        session.execute(
            select(Student.class_name).where(Student.school_id == school.id).distinct()
        ).scalars()
    )
    unknown = sorted(set(classes) - known)
    if unknown:
        raise ValidationFailed.on("classes", f"no student is in class {', '.join(unknown)}")
    return sorted(set(classes))


def _plan_values(session: Session, school: School, details: dict) -> dict:
    values = dict(details)
    if "school_year" in values:
        try:
            values["school_year"] = normalize_school_year(values["school_year"])
        except InvalidValue as exc:
            raise ValidationFailed.on("school_year", str(exc)) from exc
    if "classes" in values:
        values["classes"] = _check_classes(session, school, values["classes"])
    return values


def create_plan(session: Session, *, school: School, details: dict) -> FeePlan:
    """A collection round: its lines, the classes it applies to, its due date."""
    values = _plan_values(session, school, details)
    lines = values.pop("lines")
    plan = FeePlan(school_id=school.id, **values)
    plan.lines = [FeePlanLine(position=i, **line) for i, line in enumerate(lines)]
    session.add(plan)
    session.flush()
    return plan


def get_plan(session: Session, *, actor: User, plan_id: int, lock: bool = False) -> FeePlan:
    """A plan of a school the actor may act on (404 otherwise); with lock, locked until the
    transaction ends, so that issuing it is done by one request at a time."""
    plan = session.get(FeePlan, plan_id)
    if plan is None or not (
        actor.role == "admin"
        or (actor.role == "school_admin" and actor.school_id == plan.school_id)
    ):
        raise NotFound(f"no fee plan {plan_id}")
    if lock:
        session.execute(select(FeePlan.id).where(FeePlan.id == plan_id).with_for_update())
    return plan


def update_plan(session: Session, *, actor: User, plan_id: int, changes: dict) -> FeePlan:
    """Change a plan. Invoices already issued keep their amounts: applying the change to them
    is an explicit reissue."""
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    values = _plan_values(session, plan.school, changes)
    if "lines" in values:
        plan.lines = [FeePlanLine(position=i, **line) for i, line in enumerate(values.pop("lines"))]
    for key, value in values.items():
        setattr(plan, key, value)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        entity="fee_plan",
        entity_id=plan.id,
        action="update",
        changes={k: [None, str(v)] for k, v in changes.items()},
    )
    return plan


def add_exemption(session: Session, *, student: Student, details: dict) -> Exemption:
    """A reduction for a student (applies to invoices issued from now on)."""
    exemption = Exemption(student_id=student.id, **details)
    session.add(exemption)
    session.flush()
    return exemption


def _references(session: Session, count: int) -> list[str]:
    while True:
        fresh = {new_reference(INVOICE_PREFIX) for _ in range(count)}
        taken = set(
            session.execute(select(Invoice.reference).where(Invoice.reference.in_(fresh))).scalars()
        )
        if len(fresh) == count and not taken:
            return sorted(fresh)


def _issue(session: Session, plan: FeePlan, students: list[Student]) -> int:
    """Write the invoices and their lines in two bulk statements (a school's 2,000 invoices
    would take seconds as ORM objects)."""
    reductions = reductions_of(session, [s.id for s in students])
    base = [(line.item, line.kind, line.amount) for line in plan.lines]
    rows, lines_of, now = [], {}, utcnow()
    for student, reference in zip(students, _references(session, len(students)), strict=True):
        lines = invoice_lines(base, reductions.get(student.id, []), plan.due_date)
        total = sum(line["amount"] for line in lines)
        lines_of[student.id] = lines
        rows.append(
            {
                "reference": reference,
                "school_id": plan.school_id,
                "student_id": student.id,
                "plan_id": plan.id,
                "total_amount": total,
                "paid_amount": 0,
                "status": invoice_status(total, 0),
                "due_date": plan.due_date,
                "issued_at": now,
            }
        )
    written = insert_rows(session, Invoice, rows, returning=(Invoice.id, Invoice.student_id))
    insert_rows(
        session,
        InvoiceLine,
        [line | {"invoice_id": i} for i, student_id in written for line in lines_of[student_id]],
    )
    return len(rows)


def issue_plan(session: Session, *, actor: User, plan_id: int) -> dict:
    """One invoice per student of the plan's classes; issuing again creates nothing new (nor
    does issuing it twice at the same instant: the second waits, then finds the first's)."""
    plan = get_plan(session, actor=actor, plan_id=plan_id, lock=True)
    students = list(
        session.execute(
            select(Student)
            .where(Student.school_id == plan.school_id, Student.class_name.in_(plan.classes))
            .order_by(Student.class_name, Student.student_code)
        ).scalars()
    )
    have = set(
        session.execute(
            select(Invoice.student_id).where(Invoice.plan_id == plan.id, Invoice.status != "void")
        ).scalars()
    )
    todo = [s for s in students if s.id not in have]
    return {
        "issued": _issue(session, plan, todo) if todo else 0,
        "skipped": len(students) - len(todo),
    }


def reissue_plan(session: Session, *, actor: User, plan_id: int, reason: str) -> dict:
    """Apply a changed plan to its issued invoices: unpaid ones are voided and issued again;
    those already (partly) paid are kept and listed for a person to settle. The void is one
    conditional statement: a payment landing at the same instant keeps its invoice."""
    plan = get_plan(session, actor=actor, plan_id=plan_id, lock=True)
    unpaid = list(
        session.execute(
            update(Invoice)
            .where(Invoice.plan_id == plan.id, Invoice.status != "void", Invoice.paid_amount == 0)
            .values(status="void", voided_at=utcnow(), void_reason=f"reissued: {reason}"[:300])
            .returning(Invoice.id),
            execution_options={"synchronize_session": False},
        ).scalars()
    )
    session.expire_all()
    kept = list(
        session.execute(
            select(Invoice.reference).where(
                Invoice.plan_id == plan.id, Invoice.status != "void", Invoice.paid_amount > 0
            )
        ).scalars()
    )
    issued = issue_plan(session, actor=actor, plan_id=plan_id)["issued"]
    audit.record(
        session,
        actor_id=actor.id,
        entity="fee_plan",
        entity_id=plan.id,
        action="reissue",
        reason=reason,
        changes={"voided": [None, len(unpaid)], "issued": [None, issued]},
    )
    return {"voided": len(unpaid), "issued": issued, "kept_with_payments": sorted(kept)}


def list_plans(session: Session, *, school: School) -> list[tuple[FeePlan, dict[str, int]]]:
    """The school's plans, newest first, each with its invoices counted by status."""
    plans = list(
        session.scalars(
            select(FeePlan).where(FeePlan.school_id == school.id).order_by(FeePlan.id.desc())
        )
    )
    counts: dict[int, dict[str, int]] = {p.id: {} for p in plans}
    rows = session.execute(
        select(Invoice.plan_id, Invoice.status, func.count())
        .where(Invoice.school_id == school.id)
        .group_by(Invoice.plan_id, Invoice.status)
    )
    for plan_id, status, n in rows:
        counts.setdefault(plan_id, {})[status] = n
    return [(p, counts[p.id]) for p in plans]
