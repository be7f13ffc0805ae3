"""The market board's roster import, through the HTTP endpoint."""

import io
import json
import unicodedata

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from market.audit import AuditEntry
from tests.conftest import DATA
from tests.factories import bearer, make_market, make_user, make_vendor
from vendors.models import Vendor

ROSTER = DATA / "fixtures" / "vendors_cho_vinh_long.csv"
EXPECTED = json.loads((DATA / "fixtures" / "vendors_cho_vinh_long.expected.json").read_text())


@pytest.fixture
def market(session):
    return make_market(session, code="CHO-VINHLONG")


@pytest.fixture
def token(session, market):
    return make_user(session, "market_manager", market_id=market.id)[1]


def upload(client, token, data: bytes, name="roster.csv", code="CHO-VINHLONG", **query):
    qs = "&".join(f"{k}={str(v).lower()}" for k, v in query.items())
    return client.post(
        f"/api/v1/markets/{code}/vendors/import?{qs}",
        headers=bearer(token),
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def count_vendors(session, market):
    return session.scalar(
        select(func.count()).select_from(Vendor).where(Vendor.market_id == market.id)
    )


def test_the_shared_roster_imports_with_exactly_the_expected_outcome(
    client, session, market, token
):
    response = upload(client, token, ROSTER.read_bytes())
    assert response.status_code == 200, response.json
    body = response.json
    valid = [e for e in EXPECTED if e["valid"]]
    assert body["rows"] == len(EXPECTED)
    assert body["created"] == len(valid)
    assert (body["updated"], body["unchanged"]) == (0, 0)
    reported = {}
    for error in body["errors"]:
        reported.setdefault(error["row"], set()).add(error["field"])
    assert reported == {e["sheet_row"]: {e["error_field"]} for e in EXPECTED if not e["valid"]}

    vendors = {
        v.stall: v for v in session.scalars(select(Vendor).where(Vendor.market_id == market.id))
    }
    assert len(vendors) == len(valid)
    for e in valid:
        v = vendors[e["stall"]]
        got = (v.full_name, v.phone, v.national_id, v.bank_bin, v.account_number, v.account_name)
        want = (
            e["full_name"],
            e["phone"],
            e["national_id"],
            e["bank"],
            e["account_number"],
            e["account_name"],
        )
        assert got == want, e["sheet_row"]
        assert v.status == "pending"
    assert unicodedata.is_normalized("NFC", "".join(v.full_name for v in vendors.values()))


def test_importing_the_same_file_again_creates_nothing(client, session, market, token):
    first = upload(client, token, ROSTER.read_bytes()).json
    again = upload(client, token, ROSTER.read_bytes()).json
    assert again["created"] == 0 and again["updated"] == 0
    assert again["unchanged"] == first["created"]
    assert again["errors"] == first["errors"]
    assert count_vendors(session, market) == first["created"]


def test_a_dry_run_reports_the_same_and_writes_nothing(client, session, market, token):
    dry = upload(client, token, ROSTER.read_bytes(), dry_run=True).json
    assert dry["dry_run"] is True and dry["created"] == sum(e["valid"] for e in EXPECTED)
    assert count_vendors(session, market) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_activate_makes_new_vendors_active_and_every_creation_is_audited(
    client, session, market, token
):
    body = upload(client, token, ROSTER.read_bytes(), activate=True).json
    statuses = set(session.scalars(select(Vendor.status).where(Vendor.market_id == market.id)))
    assert statuses == {"active"}
    audited = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.entity == "vendor", AuditEntry.action == "import")
    )
    assert audited == body["created"]


def test_a_changed_row_updates_the_vendor_and_logs_old_and_new(client, session, market, token):
    csv = "Sạp,Họ và tên,SĐT,Ngân hàng,STK\nA-001,Lê Thị Mai,0912345678,VCB,123456\n"
    assert upload(client, token, csv.encode()).json["created"] == 1
    changed = csv.replace("0912345678", "0987654321")
    body = upload(client, token, changed.encode()).json
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 1, 0)
    vendor = session.scalars(select(Vendor).where(Vendor.stall == "A-001")).one()
    session.refresh(vendor)
    assert vendor.phone == "0987654321"
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == vendor.id).order_by(AuditEntry.id.desc())
    ).first()
    assert entry.changes == {"phone": ["0912345678", "0987654321"]}


def test_a_stall_held_by_another_person_in_the_database_is_an_error(client, session, market, token):
    make_vendor(session, market, stall="A-001", full_name="Phạm Văn Tư")
    csv = "Sạp,Họ và tên,SĐT,Ngân hàng,STK\na-001,Lê Thị Mai,0912345678,VCB,123456\n"
    body = upload(client, token, csv.encode()).json
    assert body["created"] == 0
    assert body["errors"] == [{"row": 2, "field": "stall", "message": body["errors"][0]["message"]}]


def test_xlsx_with_numbers_for_phone_and_cccd_imports_with_leading_zeros(
    client, session, market, token
):
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["Sạp", "Họ tên", "Số điện thoại", "CCCD", "Ngân hàng", "Số tài khoản", "Chủ tài khoản"]
    )
    sheet.append(["B-001", "Trần Ngọc Hạnh", 912345678, 83402752223, 970436, 1234567890, None])
    sheet.append(["B-002", "Võ Quốc Hải", 84773416538, 86249000970.0, "VCB", "0011001234", None])
    buffer = io.BytesIO()
    book.save(buffer)
    body = upload(client, token, buffer.getvalue(), name="roster.xlsx").json
    assert body["errors"] == [] and body["created"] == 2
    vendors = {v.stall: v for v in session.scalars(select(Vendor))}
    assert (vendors["B-001"].phone, vendors["B-001"].national_id) == ("0912345678", "083402752223")
    assert (vendors["B-002"].phone, vendors["B-002"].national_id) == ("0773416538", "086249000970")
    assert vendors["B-001"].account_name == "TRAN NGOC HANH"


def test_semicolon_csv_without_bom_and_english_headers(client, session, market, token):
    csv = "stall;full_name;phone;bank;account_number\nC-9;Ngô Mỹ Ánh;0856693036;TCB;27520973\n"
    body = upload(client, token, csv.encode()).json
    assert body["created"] == 1 and body["errors"] == []


def test_an_account_with_lower_case_letters_is_imported_as_written(client, session, market, token):
    # MB virtual accounts and TPBank aliases carry lower-case letters; the QR must hold them.
    csv = "Sạp,Họ và tên,SĐT,Ngân hàng,STK\nA-1,Nguyễn Thị Hoa,0912345678,MB,VQR mb0a1b2c\n"
    assert upload(client, token, csv.encode()).json["created"] == 1
    vendor = session.scalars(select(Vendor).where(Vendor.market_id == market.id)).one()
    assert vendor.account_number == "VQRmb0a1b2c"
    again = upload(client, token, csv.replace("VQR mb0a1b2c", "VQRmb0a1b2c").encode()).json
    assert (again["created"], again["unchanged"]) == (0, 1)


def test_nfd_names_are_stored_nfc_and_found_by_search(client, session, market, token):
    csv = "Sạp,Họ và tên,SĐT,Ngân hàng,STK\nA-1,Nguyễn Thị Hoa,0912345678,VCB,123\n"
    assert upload(client, token, unicodedata.normalize("NFD", csv).encode()).json["created"] == 1
    found = client.get("/api/v1/vendors?q=nguyen thi hoa", headers=bearer(token)).json["items"]
    assert [v["full_name"] for v in found] == ["Nguyễn Thị Hoa"]


@pytest.mark.parametrize(
    ("data", "name", "field_message"),
    [
        (b"Name,Email\nA,b@c\n", "roster.csv", "missing columns"),
        (bytes(range(256)) * 40, "roster.csv", "binary"),
        (b"\xff\xd8\xff\xe0" + b"\x10" * 5000, "photo.csv", "UTF-8"),
        (b"", "roster.csv", "empty"),
        (b"not a workbook", "roster.xlsx", "not an Excel"),
        (b"PK\x03\x04garbage", "roster.xlsx", "cannot be opened"),
    ],
)
def test_unreadable_files_are_refused_on_the_file_field(
    client, session, market, token, data, name, field_message
):
    response = upload(client, token, data, name=name)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field_message in response.json["errors"]["file"][0]
    assert count_vendors(session, market) == 0


def test_a_20_mb_upload_is_refused_with_413(client, session, market, token):
    # A raw multipart body: the test client would otherwise spool 20 MB to a temporary file.
    body = (
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + b"a" * (20 * 1024 * 1024) + b"\r\n--xyz--\r\n"
    )
    response = client.post(
        "/api/v1/markets/CHO-VINHLONG/vendors/import",
        headers=bearer(token),
        data=body,
        content_type="multipart/form-data; boundary=xyz",
    )
    assert response.status_code == 413
    assert response.json["status"] == 413
    assert count_vendors(session, market) == 0


def test_a_request_without_a_file_names_the_file_field(client, market, token):
    response = client.post(
        "/api/v1/markets/CHO-VINHLONG/vendors/import",
        headers=bearer(token),
        data={},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "file" in response.json["errors"]


def test_import_into_an_unknown_market_is_404(client, token):
    assert upload(client, token, ROSTER.read_bytes(), code="CHO-NONE").status_code == 404


def test_a_failure_while_writing_leaves_nothing_half_written(
    client, session, market, token, monkeypatch
):
    def disk_full(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("market.audit.record_many", disk_full)
    response = upload(client, token, ROSTER.read_bytes())
    assert response.status_code == 500
    assert "disk full" not in response.get_data(as_text=True)
    assert count_vendors(session, market) == 0
