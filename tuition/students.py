"""A school's students as its accountant finds them: classes, search, one student's file."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from market import audit
from market.errors import Conflict, NotFound
from market.pagination import Page, paginate
from market.text import fold, like_pattern
from market.users import User
from tuition.models import Exemption, Invoice, School, Student
from tuition.rules import normalize_class

OPEN = ("open", "partially_paid")


def class_counts(session: Session, *, school: School) -> list[tuple[str, int]]:
    """(class, number of students) of the school, by class name."""
    rows = session.execute(
        select(Student.class_name, func.count())
        .where(Student.school_id == school.id)
        .group_by(Student.class_name)
        .order_by(Student.class_name)
    )
    return [(name, count) for name, count in rows]


def class_filter(value: str | None) -> str | None:
    """A class as typed in a filter ('lớp 6a1'), as stored ('6A1'); None when blank."""
    try:
        return normalize_class(value) if value and value.strip() else None
    except ValueError:
        return value.strip().upper()  # a class no student is in: finds nobody


def list_students(
    session: Session,
    *,
    school: School,
    class_name: str | None = None,
    q: str | None = None,
    limit: int = 50,
    after: int | None = None,
) -> Page:
    """The school's students, in a class, whose name (accent-insensitive) or code holds q."""
    stmt = select(Student).where(Student.school_id == school.id)
    if class_filter(class_name):
        stmt = stmt.where(Student.class_name == class_filter(class_name))
    if q and q.strip():
        term = like_pattern(fold(q))
        stmt = stmt.where(
            or_(
                Student.name_folded.like(term, escape="\\"),
                func.lower(Student.student_code).like(term, escape="\\"),
            )
        )
    return paginate(session, stmt, Student.id, limit=limit, after=after)


@dataclass
class StudentFile:
    """A student with exemptions and invoices, as the student's page shows them."""

    student: Student
    exemptions: list[Exemption]
    invoices: list[Invoice]


def student_file(session: Session, *, student: Student) -> StudentFile:
    """The student's exemptions (newest first) and invoices (latest first)."""
    exemptions = session.scalars(
        select(Exemption).where(Exemption.student_id == student.id).order_by(Exemption.id.desc())
    )
    invoices = session.scalars(
        select(Invoice).where(Invoice.student_id == student.id).order_by(Invoice.id.desc())
    )
    return StudentFile(student, list(exemptions), list(invoices))


def end_exemption(
    session: Session, *, actor: User, student: Student, exemption_id: int, on: date
) -> Exemption:
    """End a student's exemption: it covers nothing due after the day on."""
    exemption = session.get(Exemption, exemption_id)
    if exemption is None or exemption.student_id != student.id:
        raise NotFound(f"no exemption {exemption_id}")
    if exemption.valid_to is not None and exemption.valid_to <= on:
        raise Conflict("the exemption has already ended")
    if exemption.valid_from is not None and on < exemption.valid_from:
        raise Conflict("the exemption starts after that day")
    audit.record(
        session,
        actor_id=actor.id,
        entity="exemption",
        entity_id=exemption.id,
        action="end",
        changes={"valid_to": [_iso(exemption.valid_to), on.isoformat()]},
    )
    exemption.valid_to = on
    session.flush()
    return exemption


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
