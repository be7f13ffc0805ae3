"""Issue a fee plan for 2,000 students, and print a class's 45 payment notices, through the
HTTP endpoints; three runs each, with the figures they are held against.

    python bench/tuition.py                        # SQLite, and PostgreSQL if reachable
    python bench/tuition.py --students 4000 --pg postgresql+psycopg://postgres@127.0.0.1/x

Each database is fresh (a temporary SQLite file; on PostgreSQL a database named
cho40_bench_tuition, dropped and created again). Targets: issuing 2,000 invoices under 3 s on
PostgreSQL; the 45 notices' PDF under 3 s. Every run issues a new plan; the notices are drawn
for the first plan's invoices, one page per student of the class.
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, make_url, text  # noqa: E402

from market import create_app  # noqa: E402
from market.db import get_db  # noqa: E402
from market.migrate import upgrade  # noqa: E402
from market.text import fold  # noqa: E402
from market.users import create_user, issue_token  # noqa: E402
from tuition.models import Exemption, School, Student  # noqa: E402
from tuition.receipt import Receipt, render_receipt  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CLASS_SIZE = 45
NAMES = ["Nguyễn Thị Hòa", "Trần Văn Bảo", "Lê Thị Cúc", "Phạm Minh Đức", "Hoàng Ngọc Ánh"]
LINES = [
    {"item": "Học phí", "kind": "tuition", "amount": 1_200_000},
    {"item": "Tiền ăn bán trú", "kind": "meals", "amount": 750_000},
    {"item": "Bảo hiểm y tế", "kind": "insurance", "amount": 884_520},
    {"item": "Nước uống", "kind": "service", "amount": 60_000},
]


def fresh_postgres(url: str) -> str | None:
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS cho40_bench_tuition WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE cho40_bench_tuition"))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {exc}".splitlines()[0])
        return None
    return make_url(url).set(database="cho40_bench_tuition").render_as_string(hide_password=False)


def seed(session, students: int) -> tuple[list[str], str]:
    """A school of students in classes of 45, one in ten with 50 % off tuition; the classes
    and an accountant's token."""
    school = School(
        code="THCS-BENCH",
        name="Trường THCS Lê Quý Đôn",
        type="public",
        bank_bin="970436",
        account_number="0123456789",
        account_name="TRUONG THCS LE QUY DON",
    )
    session.add(school)
    session.flush()
    rng = random.Random(7)
    rows = []
    for n in range(students):
        name = f"{rng.choice(NAMES)} {n}"
        rows.append(
            {
                "school_id": school.id,
                "student_code": f"HS{n:05d}",
                "full_name": name,
                "name_folded": fold(name),
                "class_name": f"{6 + n // CLASS_SIZE % 4}A{n // (CLASS_SIZE * 4) + 1}",
                "guardian_name": "Nguyễn Văn Bình",
                "guardian_phone": "0912345678",
            }
        )
    session.execute(insert(Student), rows)
    ids = session.scalars(text("SELECT id FROM students ORDER BY id")).all()
    session.execute(
        insert(Exemption),
        [
            {"student_id": i, "percent": 50, "kinds": ["tuition"], "reason": "Hộ nghèo"}
            for i in ids[::10]
        ],
    )
    classes = sorted({row["class_name"] for row in rows})
    user = create_user(session, username="ketoan", role="school_admin", school_id=school.id)
    return classes, issue_token(session, user=user)


def issue_once(client, headers: dict, classes: list[str], n: int) -> tuple[float, int]:
    plan = {
        "name": f"Đợt {n}",
        "school_year": "2026-2027",
        "due_date": "2026-10-15",
        "classes": classes,
        "lines": LINES,
    }
    created = client.post("/api/v1/schools/THCS-BENCH/fee-plans", json=plan, headers=headers)
    started = time.perf_counter()
    answer = client.post(f"/api/v1/fee-plans/{created.json['id']}/issue", headers=headers)
    return time.perf_counter() - started, answer.json["issued"]


def notices_once(client, headers: dict, class_name: str) -> tuple[float, int]:
    started = time.perf_counter()
    answer = client.get(
        f"/api/v1/schools/THCS-BENCH/invoices.pdf?class={class_name}", headers=headers
    )
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    return time.perf_counter() - started, answer.data.count(b"/Type /Page\n")


def receipt_once() -> float:
    """The baseline: one A5 receipt, the PDF this house already draws."""
    started = time.perf_counter()
    render_receipt(
        Receipt(
            number="2026-2027/000001",
            school_name="Trường THCS Lê Quý Đôn",
            school_address=None,
            student_name="Nguyễn Thị Hòa",
            student_code="HS00001",
            class_name="6A1",
            invoice_reference="HPABCDEFGH",
            plan_name="Đợt 1",
            lines=[(line["item"], line["amount"]) for line in LINES],
            amount=500_000,
            method="cash",
            paid_at="15/10/2026 09:30",
            payer_note=None,
            balance_after=0,
            cashier=None,
        )
    )
    return time.perf_counter() - started


def run(name: str, url: str, students: int) -> None:
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PAYER_HASH_KEY": "bench"})
    with app.app_context(), get_db().session_scope() as session:
        classes, token = seed(session, students)
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    issued = [issue_once(client, headers, classes, 1)]
    for n in range(1, 4):  # the notices of the first plan, before the next ones are issued
        seconds, pages = notices_once(client, headers, classes[0])
        baseline = receipt_once()
        print(
            f"{name:<11} run {n}: the notices of class {classes[0]}, {pages} A5 pages: "
            f"{seconds:.2f} s (baseline, one receipt: {baseline * 1000:.0f} ms)"
        )
    issued += [issue_once(client, headers, classes, n) for n in (2, 3)]
    for n, (seconds, count) in enumerate(issued, start=1):
        print(f"{name:<11} run {n}: issue a plan for {count:,} students: {seconds:.2f} s")
    app.extensions["db"].engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2_000)
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL ('' to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/bench.db")]
        pg = fresh_postgres(args.pg) if args.pg else None
        if pg:
            targets.append(("PostgreSQL", pg))
        for name, url in targets:
            run(name, url, args.students)


if __name__ == "__main__":
    main()
