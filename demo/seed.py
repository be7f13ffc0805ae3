"""Seed a Vĩnh Long demo: markets, 300+ vendors imported the way a market board would."""

import csv
import io
import random
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from market.markets.models import Market
from market.markets.service import create_market
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
    return summary
