"""The roster import every domain shares: rows checked one by one, reported by sheet row, and a
preview that reports exactly what the import then does."""

from dataclasses import asdict

import pytest
from sqlalchemy import func, select

from market.audit import AuditEntry
from market.errors import ValidationFailed
from market.roster.service import ImportResult, Roster, RowRefused, import_roster, plan_rows
from tests.factories import make_market, make_school, make_user, make_vendor
from tuition.models import Student
from tuition.schools import StudentRoster
from vendors.importer import VendorRoster
from vendors.models import Vendor


class Shelf(Roster):
    """A roster of books by code, held in memory: the rules of the shared import alone."""

    entity, key, key_label = "book", "code", "book code"
    aliases, required = {"code": ("Mã sách",), "title": ("Tên sách",)}, ("code", "title")

    def normalize(self, raw):
        values, errors = {"code": raw["code"].strip().upper(), "title": raw["title"].strip()}, {}
        if not values["title"]:
            errors["title"] = "title is required"
        return values, errors

    def existing(self, session):
        return {}

    def changes(self, record, values):
        if record["owner"] != "library":
            raise RowRefused("code", f"book {record['code']} is lent out")
        return (
            {"title": [record["title"], values["title"]]}
            if record["title"] != values["title"]
            else {}
        )

    def create(self, session, rows):
        return {}


def plan(rows, existing=None):
    result = ImportResult()
    made = plan_rows(result, Shelf(), enumerate(rows, start=2), existing or {})
    return result, made


def test_a_line_written_twice_counts_once_and_then_as_unchanged():
    result, made = plan(
        [{"code": "b1", "title": "Truyện Kiều"}, {"code": "B1", "title": "Truyện Kiều"}]
    )
    assert (result.rows, result.created, result.unchanged, result.errors) == (2, 1, 1, [])
    assert made.creates == [{"code": "B1", "title": "Truyện Kiều"}]


def test_a_key_repeated_with_other_details_is_an_error_on_the_later_row():
    result, made = plan(
        [{"code": "B1", "title": "Truyện Kiều"}, {"code": "b1", "title": "Lục Vân Tiên"}]
    )
    assert result.errors == [
        {"row": 3, "field": "code", "message": "book code B1 is already on row 2"}
    ]
    assert result.created == 1 and len(made.creates) == 1


def test_every_bad_row_is_reported_by_its_sheet_row_and_the_good_ones_still_go_through():
    rows = [
        {"code": "B1", "title": ""},
        {"code": "B2", "title": "Chí Phèo"},
        {"code": "B3", "title": " "},
    ]
    result, made = plan(rows)
    assert [(e["row"], e["field"]) for e in result.errors] == [(2, "title"), (4, "title")]
    assert (result.rows, result.created) == (3, 1)


def test_a_row_its_record_refuses_is_reported_and_an_unchanged_one_counted():
    existing = {
        "B1": {"code": "B1", "title": "Chí Phèo", "owner": "reader"},
        "B2": {"code": "B2", "title": "Chí Phèo", "owner": "library"},
        "B3": {"code": "B3", "title": "Cũ", "owner": "library"},
    }
    rows = [{"code": c, "title": "Chí Phèo"} for c in ("B1", "B2", "B3")]
    result, made = plan(rows, existing)
    assert result.errors == [{"row": 2, "field": "code", "message": "book B1 is lent out"}]
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert made.updates == [(existing["B3"], {"title": ["Cũ", "Chí Phèo"]})]


def test_a_file_without_a_required_column_names_it_with_its_vietnamese_header(session):
    actor = make_user(session, "admin")[0]
    with pytest.raises(ValidationFailed) as refused:
        import_roster(session, roster=Shelf(), actor=actor, data=b"code\nB1\n")
    assert refused.value.errors == {"file": ["missing columns: title (Tên sách)"]}


VENDORS = (
    "Sạp,Họ và tên,SĐT,Ngân hàng,STK\n"
    "A-001,Lê Thị Mai,0987654321,VCB,123456\n"  # a new phone: an update
    "A-002,Phạm Văn Tư,0912000002,VCB,223456\n"  # as it is: unchanged
    "A-003,Trần Văn Ba,0912000003,VCB,323456\n"  # new
    "A-003,Trần Văn Ba,0912000003,VCB,323456\n"  # the same line again
    "A-004,Ngô Văn Năm,12345,VCB,423456\n"  # a bad phone
    "A-005,Đỗ Văn Sáu,0912000005,VCB,523456\n"  # held by another person
)
STUDENTS = (
    "Mã HS,Họ tên,Lớp,Ngày sinh,Phụ huynh,SĐT phụ huynh\n"
    "HS1,Nguyễn Văn An,6A2,01/09/2013,Nguyễn Văn Bình,0912345678\n"  # moved class: an update
    "HS2,Trần Thị Bích,6A1,,Trần Văn Cường,0987654321\n"  # as it is: unchanged
    "HS3,Lê Văn Cả,6A1,15/03/2013,Lê Văn Dũng,0903111222\n"  # new
    "HS3,Lê Thị Cúc,6A1,,Lê Văn Dũng,0903111222\n"  # another child with the same code
    "HS4,Phan Văn Đức,6A1,,,0903111223\n"  # no guardian
)


def vendor_world(session):
    market = make_market(session)
    actor = make_user(session, "market_manager", market_id=market.id)[0]
    raw = {"bank": "VCB", "market": market, "national_id": None, "category": None}
    make_vendor(
        session,
        stall="A-001",
        full_name="Lê Thị Mai",
        phone="0912000001",
        account_number="123456",
        **raw,
    )
    make_vendor(
        session,
        stall="A-002",
        full_name="Phạm Văn Tư",
        phone="0912000002",
        account_number="223456",
        **raw,
    )
    make_vendor(
        session,
        stall="A-005",
        full_name="Võ Thị Bảy",
        phone="0912000009",
        account_number="923456",
        **raw,
    )
    return actor, VendorRoster(market), VENDORS, Vendor, (6, 1, 1, 2)


def student_world(session):
    school = make_school(session)
    actor = make_user(session, "school_admin", school_id=school.id)[0]
    for code, name, guardian, phone in (
        ("HS1", "Nguyễn Văn An", "Nguyễn Văn Bình", "0912345678"),
        ("HS2", "Trần Thị Bích", "Trần Văn Cường", "0987654321"),
    ):
        session.add(
            Student(
                school_id=school.id,
                student_code=code,
                full_name=name,
                name_folded=name.lower(),
                class_name="6A1",
                date_of_birth=None if code == "HS2" else __import__("datetime").date(2013, 9, 1),
                guardian_name=guardian,
                guardian_phone=phone,
            )
        )
    session.flush()
    return actor, StudentRoster(school), STUDENTS, Student, (5, 1, 1, 1)


def snapshot(session, model) -> tuple:
    rows = session.execute(select(model)).scalars()
    audited = session.scalar(select(func.count()).select_from(AuditEntry))
    return sorted(
        str(sorted((k, str(v)) for k, v in vars(r).items() if not k.startswith("_"))) for r in rows
    ), audited


@pytest.mark.parametrize("world", [vendor_world, student_world], ids=["vendors", "students"])
def test_the_preview_reports_exactly_what_the_import_then_does(session, world):
    actor, roster, text, model, counts = world(session)
    before = snapshot(session, model)

    preview = import_roster(session, roster=roster, actor=actor, data=text.encode(), dry_run=True)
    session.expire_all()
    assert snapshot(session, model) == before, "a preview writes nothing"

    done = import_roster(session, roster=roster, actor=actor, data=text.encode())
    assert preview.dry_run and not done.dry_run
    assert asdict(preview) | {"dry_run": None} == asdict(done) | {"dry_run": None}
    assert (done.rows, done.created, done.updated, done.unchanged) == counts
    assert len(done.errors) == 2
    session.expire_all()
    created = session.scalar(select(func.count()).select_from(model)) - len(before[0])
    assert created == done.created
    audited = session.scalar(select(func.count()).select_from(AuditEntry)) - before[1]
    assert audited == done.created + done.updated


def test_each_imported_student_is_in_the_audit_log_with_what_the_import_set(session):
    actor, roster, text, *_ = student_world(session)
    import_roster(session, roster=roster, actor=actor, data=text.encode())
    entries = {
        (e.entity_id, e.action): e.changes
        for e in session.scalars(select(AuditEntry).where(AuditEntry.entity == "student"))
    }
    new = session.scalars(select(Student).where(Student.student_code == "HS3")).one()
    moved = session.scalars(select(Student).where(Student.student_code == "HS1")).one()
    assert entries[(new.id, "import")]["date_of_birth"] == [None, "2013-03-15"]
    assert "name_folded" not in entries[(new.id, "import")]
    assert entries[(moved.id, "import")] == {"class_name": ["6A1", "6A2"]}
