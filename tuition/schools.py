"""Schools and their students: register a school, import the class lists."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from market import audit
from market.banks import UnknownBank, resolve_bank
from market.errors import Conflict, Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from market.identity import InvalidValue, normalize_account_number
from market.spreadsheet import (
    BadSpreadsheet,
    SpreadsheetTooLarge,
    map_columns,
    read_table,
    records,
)
from market.text import qr_ascii
from market.users import User
from tuition.models import School, Student
from tuition.rules import STUDENT_HEADERS, STUDENT_REQUIRED, normalize_student

STAFF = ("admin", "school_admin")
STUDENT_COLUMNS = (
    "full_name",
    "name_folded",
    "class_name",
    "date_of_birth",
    "guardian_name",
    "guardian_phone",
)


def create_school(session: Session, *, actor: User, details: dict) -> School:
    """Register a school with the account its fees are paid into."""
    if actor.role != "admin":
        raise Forbidden("Only an admin registers schools.")
    if session.execute(select(School.id).where(School.code == details["code"])).first():
        raise Conflict(f"school {details['code']} exists", errors={"code": ["already exists"]})
    values = dict(details)
    try:
        values["bank_bin"] = resolve_bank(values.pop("bank")).bin
    except UnknownBank as exc:
        raise ValidationFailed.on("bank", str(exc)) from exc
    try:
        values["account_number"] = normalize_account_number(values["account_number"])
    except InvalidValue as exc:
        raise ValidationFailed.on("account_number", str(exc)) from exc
    values["account_name"] = qr_ascii(values.get("account_name") or values["name"], limit=70)
    school = School(**values)
    session.add(school)
    session.flush()
    return school


def get_school(session: Session, *, actor: User, code: str) -> School:
    """A school the actor may act on: admins any, a school admin its own (403 otherwise)."""
    school = session.execute(select(School).where(School.code == code.upper())).scalar_one_or_none()
    if school is None:
        raise NotFound(f"no school {code}")
    if actor.role == "admin" or (actor.role == "school_admin" and actor.school_id == school.id):
        return school
    raise Forbidden("This school is not yours.")


def list_schools(session: Session, *, actor: User) -> list[School]:
    """Schools the actor may see."""
    stmt = select(School).order_by(School.code)
    if actor.role == "school_admin":
        stmt = stmt.where(School.id == actor.school_id)
    return list(session.execute(stmt).scalars())


@dataclass
class StudentImport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[dict] = field(default_factory=list)


def import_students(
    session: Session,
    *,
    actor: User,
    school: School,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
) -> StudentImport:
    """Import a class list (CSV/XLSX); every bad row reported; re-importing changes nothing."""
    try:
        table = read_table(data, filename)
    except SpreadsheetTooLarge as exc:
        raise PayloadTooLarge(str(exc), errors={"file": [str(exc)]}) from exc
    except BadSpreadsheet as exc:
        raise ValidationFailed.on("file", str(exc)) from exc
    columns = map_columns(table.headers, STUDENT_HEADERS)
    missing = [f for f in STUDENT_REQUIRED if f not in columns]
    if missing:
        names = ", ".join(f"{f} ({STUDENT_HEADERS[f][0]})" for f in missing)
        raise ValidationFailed.on("file", f"missing columns: {names}")
    existing = {
        s.student_code: s
        for s in session.execute(select(Student).where(Student.school_id == school.id)).scalars()
    }
    result, seen = StudentImport(dry_run=dry_run), {}
    for row, raw in records(table, columns):
        result.rows += 1
        values, errors = normalize_student(raw)
        for name, message in errors.items():
            result.errors.append({"row": row, "field": name, "message": message})
        if errors:
            continue
        code = values.pop("student_code")
        if code in seen:
            result.errors.append(
                {
                    "row": row,
                    "field": "student_code",
                    "message": f"student code {code} is already on row {seen[code]}",
                }
            )
            continue
        seen[code] = row
        _apply(session, actor, school, existing.get(code), code, values, result, dry_run)
    if not dry_run:
        session.flush()
    return result


def _apply(session, actor, school, student, code, values, result, dry_run) -> None:
    if student is None:
        result.created += 1
        if not dry_run:
            session.add(Student(school_id=school.id, student_code=code, **values))
        return
    changes = audit.diff({k: getattr(student, k) for k in STUDENT_COLUMNS}, values)
    if not changes:
        result.unchanged += 1
        return
    result.updated += 1
    if not dry_run:
        for key, (_old, new) in changes.items():
            setattr(student, key, new)
        audit.record(
            session,
            actor_id=actor.id,
            entity="student",
            entity_id=student.id,
            action="import",
            changes={k: [str(a), str(b)] for k, (a, b) in changes.items()},
        )


def get_student(session: Session, *, actor: User, student_id: int) -> Student:
    """A student of a school the actor may act on (404 otherwise)."""
    student = session.get(Student, student_id)
    if student is None or not (
        actor.role == "admin"
        or (actor.role == "school_admin" and actor.school_id == student.school_id)
    ):
        raise NotFound(f"no student {student_id}")
    return student


def school_scope(session: Session, code: str) -> dict:
    """The user columns binding a school admin to its school (for `users create`)."""
    school = session.execute(select(School).where(School.code == code.upper())).scalar_one_or_none()
    if school is None:
        raise NotFound(f"no school {code}")
    return {"school_id": school.id}
