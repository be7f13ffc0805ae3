"""Seed a Vĩnh Long demo: markets, 300+ vendors imported the way a market board would."""

import csv
import io
import random
from datetime import date
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from market.markets.models import Market
from market.markets.service import create_market
from market.text import qr_ascii
from market.users import User, create_user
from vendors.importer import import_vendors

# Ward codes are placeholders for the demo; names follow the 2025 two-level scheme.
MARKETS = [
    ("CHO-VINHLONG", "Chợ Vĩnh Long", "29001", "Phường Thanh Đức", "Thành phố Vĩnh Long"),
    ("CHO-LONGHO", "Chợ Long Hồ", "29002", "Xã Long Hồ", "Huyện Long Hồ"),
    ("CHO-BINHMINH", "Chợ Bình Minh", "29003", "Phường Bình Minh", "Thị xã Bình Minh"),
    ("CHO-BENTRE", "Chợ Bến Tre", "29004", "Phường An Hội", "Thành phố Bến Tre"),
    ("CHO-TRAVINH", "Chợ Trà Vinh", "29005", "Phường Trà Vinh", "Thành phố Trà Vinh"),
]
FAMILY = "Nguyễn Trần Lê Phạm Huỳnh Võ Phan Trương Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = ["Thị", "Văn", "Thị Kim", "Thị Ngọc", "Hoàng", "Minh", "Thanh", "Quốc", "Thị Thu"]
GIVEN = "Hạnh Lan Hoa Mai Tuyết Nguyệt Phượng Bích Thảo Loan Dũng Hải Tâm Cường Khoa Trí".split()
GOODS = ["Rau củ", "Trái cây", "Cá tươi", "Thịt heo", "Gạo", "Tạp hóa", "Quần áo", "Bánh kẹo"]
BANKS = ["VCB", "970415", "Agribank", "BIDV", "MB", "Sacombank", "Viettel Money", "TCB"]
DEMO_ADMIN = ("admin", "cho40-demo-2026")
# One staff account of each other role, with the admin's password, so that every screen can be
# tried as its own user: (username, role, the market or school code it is bound to).
DEMO_STAFF = [
    ("quanly.vinhlong", "market_manager", "CHO-VINHLONG"),
    ("ketoan.lequydon", "school_admin", "THCS-LEQUYDON"),
    ("canbo.nganhang", "bank_staff", None),
]
# The parent of HS001 in each demo school: the README's walk-through of /pay uses this phone,
# and that student's invoices are left unpaid.
PARENT_PHONE = "0912345678"


def generated_roster(code: str, count: int, rng: random.Random) -> bytes:
    """A roster CSV with Vietnamese headers, as a market board would keep it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Sạp", "Họ và tên", "SĐT", "Số CCCD", "Ngành hàng", "Ngân hàng", "STK"])
    for n in range(1, count + 1):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"0{rng.choice('3789')}{rng.randrange(10**8):08d}"
        cccd = f"0{rng.choice(['83', '84', '86', '94'])}{rng.randrange(10**9):09d}"
        writer.writerow(
            [
                f"{'ABCD'[n % 4]}-{n:03d}",
                name,
                phone,
                cccd,
                rng.choice(GOODS),
                rng.choice(BANKS),
                f"{rng.randrange(10**11, 10**13)}",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


def seed(session: Session, *, vendors_per_market: int = 40) -> dict:
    """Create the demo province; running it again changes nothing."""
    admin = session.execute(select(User).where(User.username == DEMO_ADMIN[0])).scalar_one_or_none()
    if admin is None:
        admin = create_user(session, username=DEMO_ADMIN[0], role="admin", password=DEMO_ADMIN[1])
    rng = random.Random(2026)
    summary = {}
    for code, name, ward_code, ward_name, district in MARKETS:
        market = session.execute(select(Market).where(Market.code == code)).scalar_one_or_none()
        if market is None:
            market = create_market(
                session,
                code=code,
                name=name,
                ward_code=ward_code,
                ward_name=ward_name,
                legacy_district=district,
            )
        if code == "CHO-VINHLONG":
            roster = resources.files("demo").joinpath("vendors_cho_vinh_long.csv").read_bytes()
        else:
            roster = generated_roster(code, vendors_per_market, rng)
        result = import_vendors(
            session, actor=admin, market=market, data=roster, filename="roster.csv", activate=True
        )
        summary[code] = {
            "created": result.created,
            "rows": result.rows,
            "errors": len(result.errors),
        }
    summary["schools"] = seed_schools(session, admin, rng)
    summary["staff"] = seed_staff(session)
    from demo.payments import seed_fees, seed_payments

    summary["payments"] = seed_payments(session, admin, rng)
    if summary["payments"]:
        summary["fees_paid"] = seed_fees(session, admin, rng)
    return summary


def seed_staff(session: Session) -> list[str]:
    """The demo's market manager, school accountant and bank staff (see DEMO_STAFF)."""
    from tuition.models import School

    created = []
    for username, role, code in DEMO_STAFF:
        if session.execute(select(User.id).where(User.username == username)).first():
            continue
        bound = {}
        if role == "market_manager":
            bound["market_id"] = session.scalar(select(Market.id).where(Market.code == code))
        if role == "school_admin":
            bound["school_id"] = session.scalar(select(School.id).where(School.code == code))
        create_user(session, username=username, role=role, password=DEMO_ADMIN[1], **bound)
        created.append(username)
    return created


SCHOOLS = [
    (
        "THCS-LEQUYDON",
        "Trường THCS Lê Quý Đôn",
        "public",
        "29001",
        "Thành phố Vĩnh Long",
        "970436",
        "0011004455667",
        [("Tiền ăn bán trú", "meals", 750_000), ("Bảo hiểm y tế học sinh", "insurance", 884_520)],
    ),
    (
        "THPT-NGUYENTRAI",
        "Trường THPT tư thục Nguyễn Trãi",
        "private",
        "29004",
        "Thành phố Bến Tre",
        "970415",
        "102030405060",
        [("Học phí", "tuition", 3_500_000), ("Tiền ăn bán trú", "meals", 900_000)],
    ),
]


def seed_schools(session: Session, admin: User, rng: random.Random) -> dict:
    """Two schools of the province with classes, a fee plan each, invoices issued."""
    from tuition.plans import issue_plan
    from tuition.schools import import_students

    summary = {}
    for code, name, kind, ward, district, bank, account, lines in SCHOOLS:
        school = _school(session, code, name, kind, ward, district, bank, account)
        import_students(session, actor=admin, school=school, data=_class_list(rng))
        plan = _first_plan(session, school, lines)
        summary[code] = issue_plan(session, actor=admin, plan_id=plan.id)
    return summary


def _school(session: Session, code, name, kind, ward, district, bank, account):
    from tuition.models import School

    school = session.execute(select(School).where(School.code == code)).scalar_one_or_none()
    if school is None:
        school = School(
            code=code,
            name=name,
            type=kind,
            ward_code=ward,
            legacy_district=district,
            bank_bin=bank,
            account_number=account,
            account_name=qr_ascii(name, limit=70),
        )
        session.add(school)
        session.flush()
    return school


def _class_list(rng: random.Random) -> bytes:
    """40 students in eight classes, as a school's CSV; HS001's guardian is the README's."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Mã học sinh", "Họ và tên", "Lớp", "Phụ huynh", "SĐT phụ huynh"])
    for n in range(1, 41):
        writer.writerow(
            [
                f"HS{n:03d}",
                f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                f"{6 + n % 4}A{1 + n % 2}",
                f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}",
                PARENT_PHONE if n == 1 else f"09{rng.randrange(10**8):08d}",
            ]
        )
    return out.getvalue().encode()


def _first_plan(session: Session, school, lines: list):
    from tuition.models import FeePlan
    from tuition.plans import create_plan

    plan = session.execute(select(FeePlan).where(FeePlan.school_id == school.id)).scalar()
    if plan is None:
        classes = sorted({f"{6 + n % 4}A{1 + n % 2}" for n in range(1, 41)})
        plan = create_plan(
            session,
            school=school,
            details={
                "name": "Học kỳ I năm học 2026–2027",
                "school_year": "2026-2027",
                "term": "HK1",
                "due_date": date(2026, 12, 15),
                "classes": classes,
                "lines": [{"item": i, "kind": k, "amount": a} for i, k, a in lines],
            },
        )
    return plan
