"""Schools and their class lists: who may register and read a school, and the student import
(the shared roster path with the students' own columns and rules)."""

import io

import pytest
from sqlalchemy import func, select

from market.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.factories import bearer, make_school, make_student, make_user
from tuition.models import Student
from tuition.schools import create_school, get_school, get_student, import_students

ROSTER = (
    "Mã HS,Họ tên,Lớp,Phụ huynh,SĐT phụ huynh\n"
    "A1,Nguyễn Văn An,6A1,Nguyễn Văn Bình,0912345678\n"
    "A2,Trần Thị Bích,6A1,Trần Văn Cường,0987654321\n"
)
DETAILS = {"code": "THCS-MOI", "name": "Trường THCS Mới", "type": "public", "bank": "VCB"}


@pytest.fixture
def world(client, session):
    school = make_school(session, code="THCS-A")
    staff = bearer(make_user(session, "school_admin", school_id=school.id)[1])
    client.post(
        "/api/v1/schools/THCS-A/students/import",
        headers=staff,
        data={"file": (io.BytesIO(ROSTER.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    return school, staff


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_a_duplicate_student_code_in_a_file_is_reported_on_its_row(client, session, world):
    _, staff = world
    roster = ROSTER + "a1,Lê Văn Cả,6A2,Lê Văn Dũng,0903111222\n"
    body = client.post(
        "/api/v1/schools/THCS-A/students/import",
        headers=staff,
        data={"file": (io.BytesIO(roster.encode()), "r.csv")},
        content_type="multipart/form-data",
    ).json
    assert body["errors"] == [
        {"row": 4, "field": "student_code", "message": "student code A1 is already on row 2"}
    ]
    assert count(session, Student) == 2


def test_a_class_list_imported_again_changes_nothing_and_a_moved_student_is_updated(session):
    school = make_school(session)
    actor = make_user(session, "school_admin", school_id=school.id)[0]
    first = import_students(session, actor=actor, school=school, data=ROSTER.encode())
    again = import_students(session, actor=actor, school=school, data=ROSTER.encode())
    moved = import_students(
        session,
        actor=actor,
        school=school,
        data=ROSTER.replace("A2,Trần Thị Bích,6A1", "A2,Trần Thị Bích,6A2").encode(),
    )
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert (moved.updated, moved.unchanged) == (1, 1)
    student = session.scalars(select(Student).where(Student.student_code == "A2")).one()
    assert student.class_name == "6A2"


def test_a_class_list_without_the_guardians_phone_column_is_refused_naming_it(session):
    school = make_school(session)
    actor = make_user(session, "school_admin", school_id=school.id)[0]
    without_phone = "Mã HS,Họ tên,Lớp,Phụ huynh\nA1,Nguyễn Văn An,6A1,Nguyễn Văn Bình\n"
    with pytest.raises(ValidationFailed) as refused:
        import_students(session, actor=actor, school=school, data=without_phone.encode())
    assert "guardian_phone (SĐT phụ huynh)" in refused.value.errors["file"][0]
    assert count(session, Student) == 0


def test_only_an_admin_registers_a_school_and_its_code_is_unique(session):
    admin = make_user(session, "admin")[0]
    school = create_school(session, actor=admin, details=DETAILS | {"account_number": "0011 0012"})
    assert (school.bank_bin, school.account_number) == ("970436", "00110012")
    assert school.account_name == "TRUONG THCS MOI"
    with pytest.raises(Conflict):
        create_school(session, actor=admin, details=DETAILS | {"account_number": "1"})
    staff = make_user(session, "school_admin", school_id=school.id)[0]
    with pytest.raises(Forbidden):
        create_school(session, actor=staff, details=DETAILS | {"code": "X", "account_number": "1"})


@pytest.mark.parametrize(
    ("field", "value"), [("bank", "NGAN HANG LA"), ("account_number", "12 34 5678 9012 3456 7890")]
)
def test_a_school_with_an_unknown_bank_or_a_bad_account_is_refused_on_that_field(
    session, field, value
):
    admin = make_user(session, "admin")[0]
    with pytest.raises(ValidationFailed) as refused:
        create_school(session, actor=admin, details=DETAILS | {"account_number": "1", field: value})
    assert set(refused.value.errors) == {field}


def test_a_school_admin_reaches_its_own_school_and_students_only(session):
    own, other = make_school(session), make_school(session)
    staff = make_user(session, "school_admin", school_id=own.id)[0]
    mine, theirs = make_student(session, own), make_student(session, other)
    assert get_school(session, actor=staff, code=own.code.lower()) == own
    with pytest.raises(Forbidden):
        get_school(session, actor=staff, code=other.code)
    with pytest.raises(NotFound):
        get_school(session, actor=staff, code="KHONG-CO")
    assert get_student(session, actor=staff, student_id=mine.id) == mine
    with pytest.raises(NotFound):  # another school's student is not even said to exist
        get_student(session, actor=staff, student_id=theirs.id)
