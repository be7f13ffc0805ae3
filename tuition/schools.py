"""Schools and their students: register a school, import the class lists (its roster)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from market import audit
from market.banks import UnknownBank, resolve_bank
from market.errors import Conflict, Forbidden, NotFound, ValidationFailed
from market.identity import InvalidValue, normalize_account_number
from market.roster.service import ImportResult, Roster, import_roster
from market.roster.uploads import find_upload, forget_upload, keep_upload
from market.spreadsheet import map_columns, read_table
from market.text import fold, qr_ascii
from market.users import User
from payments.domains import Choice
from tuition.models import School, Student
from tuition.page_words import column_letter
from tuition.rules import STUDENT_HEADERS, STUDENT_REQUIRED, normalize_student

STAFF = ("admin", "school_admin")
STUDENT_COLUMNS = (
    "full_name",
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


class StudentRoster(Roster):
    """The students of one school, by student code."""

    entity, key, key_label = "student", "student_code", "student code"
    aliases, required, not_audited = STUDENT_HEADERS, STUDENT_REQUIRED, ("name_folded",)

    def __init__(self, school: School):
        self.school = school

    def normalize(self, raw: dict[str, str]) -> tuple[dict, dict]:
        """A student's values and errors (`tuition.rules`)."""
        return normalize_student(raw)

    def existing(self, session: Session) -> dict[str, Student]:
        """The school's students."""
        stmt = select(Student).where(Student.school_id == self.school.id)
        return {s.student_code: s for s in session.execute(stmt).scalars()}

    def changes(self, record: Student, values: dict) -> dict[str, list]:
        """What the row changes on the student with its code."""
        return audit.diff(
            {k: getattr(record, k) for k in STUDENT_COLUMNS},
            {k: values[k] for k in STUDENT_COLUMNS},
        )

    def create(self, session: Session, rows: list[dict]) -> dict[str, int]:
        """Add the new students; their ids by student code."""
        students = [Student(school_id=self.school.id, **values) for values in rows]
        session.add_all(students)
        session.flush()
        return {s.student_code: s.id for s in students}

    def update(self, record: Student, changes: dict[str, list]) -> None:
        """Apply the changes; the folded name follows the name."""
        super().update(record, changes)
        if "full_name" in changes:
            record.name_folded = fold(record.full_name)


def import_students(
    session: Session,
    *,
    actor: User,
    school: School,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Import a class list (CSV/XLSX); every bad row reported; re-importing changes nothing."""
    return import_roster(
        session,
        actor=actor,
        roster=StudentRoster(school),
        data=data,
        filename=filename,
        dry_run=dry_run,
    )


@dataclass
class Preview:
    """A class list checked and kept: what confirming it would do, its row problems, and
    the file's columns ({field: (letter, header as written)})."""

    token: str
    filename: str
    result: ImportResult
    columns: dict[str, tuple[str, str]]


def _columns(data: bytes, filename: str) -> dict[str, tuple[str, str]]:
    headers = read_table(data, filename).headers
    found = map_columns(headers, dict(STUDENT_HEADERS))
    return {field: (column_letter(i), headers[i]) for field, i in found.items()}


def preview_students(
    session: Session, *, actor: User, school: School, data: bytes, filename: str
) -> Preview:
    """Check a class list without importing it, and keep it for its confirmation."""
    result = import_students(
        session, actor=actor, school=school, data=data, filename=filename, dry_run=True
    )
    scope = f"school:{school.id}"
    upload = keep_upload(session, user=actor, scope=scope, data=data, filename=filename, preview={})
    return Preview(upload.sha256, filename, result, _columns(data, filename))


def confirm_students(session: Session, *, actor: User, school: School, token: str) -> ImportResult:
    """Import the class list kept under token: the very file previewed."""
    upload = find_upload(session, user=actor, scope=f"school:{school.id}", key=token)
    result = import_students(
        session, actor=actor, school=school, data=upload.data, filename=upload.filename
    )
    forget_upload(session, upload)
    return result


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


def name_schools(session: Session, ids: list[int]) -> dict[int, Choice]:
    """Schools by id as a person recognises them, for the payment screens."""
    schools = session.scalars(select(School).where(School.id.in_(ids)))
    return {school.id: Choice(str(school.id), school.name, school.code) for school in schools}
