"""A vendor's QR and placards over HTTP: every code decodes back to that vendor's account."""

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from payments.qr.vietqr import parse
from tests.factories import bearer, make_market, make_school, make_user, make_vendor
from tests.payments.qr.test_placard import pdf_pages
from vendors.models import PlacardPrint


@pytest.fixture
def market(session):
    return make_market(session, name="Chợ Vĩnh Long")


@pytest.fixture
def headers(session, market):
    return bearer(make_user(session, "market_manager", market_id=market.id)[1])


def test_the_static_qr_holds_the_vendors_account(client, session, market, headers):
    vendor = make_vendor(session, market, status="active", bank="VCB")
    body = client.get(f"/api/v1/vendors/{vendor.id}/qr", headers=headers).json
    assert body["point_of_initiation"] == "11"
    parsed = parse(body["payload"])
    assert (parsed.bank_bin, parsed.account_number) == ("970436", vendor.account_number)
    assert parsed.amount is None and parsed.service_code == "QRIBFTTA"
    assert body["account_name"] == vendor.account_name


def test_the_png_placard_decodes_to_the_vendors_payload(client, session, market, headers):
    vendor = make_vendor(session, market, status="active")
    response = client.get(f"/api/v1/vendors/{vendor.id}/placard.png", headers=headers)
    assert response.status_code == 200 and response.mimetype == "image/png"
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)))
    parsed = parse(code.text)
    assert (parsed.bank_bin, parsed.account_number) == (vendor.bank_bin, vendor.account_number)
    printed = session.scalars(select(PlacardPrint).where(PlacardPrint.vendor_id == vendor.id))
    assert [p.payload for p in printed] == [code.text]


def test_a_vendor_prints_its_own_one_page_pdf(client, session, market):
    vendor = make_vendor(session, market, status="active", full_name="Đinh Thị Ngọc Tuyết")
    token = make_user(session, "vendor", vendor_id=vendor.id, market_id=market.id)[1]
    response = client.get(f"/api/v1/vendors/{vendor.id}/placard.pdf", headers=bearer(token))
    assert response.mimetype == "application/pdf"
    ((codes, text),) = pdf_pages(response.data)
    assert parse(codes[0]).account_number == vendor.account_number
    assert "Đinh Thị Ngọc Tuyết" in text and "Chợ Vĩnh Long" in text
    serial = session.scalars(select(PlacardPrint.serial)).one()
    assert serial in text


def test_the_market_pdf_holds_every_active_vendor_by_stall(client, session, market, headers):
    stalls = ["C-002", "A-010", "B-001", "A-002", "D-100"]
    vendors = {s: make_vendor(session, market, stall=s, status="active") for s in stalls}
    make_vendor(session, market, stall="Z-999")  # pending: no placard
    suspended = make_vendor(session, market, stall="Z-998", status="suspended")
    response = client.get(f"/api/v1/markets/{market.code}/placards.pdf?per_page=2", headers=headers)
    assert response.status_code == 200
    pages = pdf_pages(response.data)
    assert len(pages) == 3
    accounts = [parse(code).account_number for codes, _ in pages for code in codes]
    assert sorted(accounts) == sorted(v.account_number for v in vendors.values())
    assert suspended.account_number not in accounts
    order = [s for codes, text in pages for s in sorted(stalls) if f"Sạp {s}" in text]
    assert order == sorted(stalls)
    assert session.scalar(select(func.count()).select_from(PlacardPrint)) == 5


@pytest.mark.parametrize("status", ["pending", "suspended", "closed"])
def test_only_active_vendors_get_placards_or_codes(client, session, market, headers, status):
    vendor = make_vendor(session, market, status=status)
    for path in ("qr", "placard.png", "placard.pdf"):
        response = client.get(f"/api/v1/vendors/{vendor.id}/{path}", headers=headers)
        assert response.status_code == 409, path
        assert response.json["type"] == "/problems/vendor-not-active"
    response = client.post(
        f"/api/v1/vendors/{vendor.id}/payment-requests", headers=headers, json={"amount": 50000}
    )
    assert response.status_code == 409
    assert session.scalar(select(func.count()).select_from(PlacardPrint)) == 0


def test_a_market_without_active_vendors_has_no_placards(client, market, headers):
    assert (
        client.get(f"/api/v1/markets/{market.code}/placards.pdf", headers=headers).status_code
        == 404
    )


@pytest.mark.parametrize("per_page", ["3", "0", "x"])
def test_bad_layouts_are_422(client, session, market, headers, per_page):
    make_vendor(session, market, status="active")
    response = client.get(
        f"/api/v1/markets/{market.code}/placards.pdf?per_page={per_page}", headers=headers
    )
    assert response.status_code == 422 and "per_page" in response.json["errors"]


def test_other_markets_and_other_roles_get_no_placards(client, session, market):
    other = make_market(session)
    stranger = make_vendor(session, other, status="active")
    manager = bearer(make_user(session, "market_manager", market_id=market.id)[1])
    assert (
        client.get(f"/api/v1/vendors/{stranger.id}/placard.png", headers=manager).status_code == 404
    )
    assert (
        client.get(f"/api/v1/markets/{other.code}/placards.pdf", headers=manager).status_code == 403
    )
    for role, scope in (
        ("bank_staff", {}),
        ("school_admin", {"school_id": make_school(session).id}),
    ):
        token = bearer(make_user(session, role, **scope)[1])
        assert client.get(f"/api/v1/vendors/{stranger.id}/qr", headers=token).status_code == 403
        assert (
            client.get(f"/api/v1/markets/{other.code}/placards.pdf", headers=token).status_code
            == 403
        )
    own_vendor = make_vendor(session, market, status="active")
    vendor_token = bearer(
        make_user(session, "vendor", vendor_id=own_vendor.id, market_id=market.id)[1]
    )
    assert (
        client.get(f"/api/v1/markets/{market.code}/placards.pdf", headers=vendor_token).status_code
        == 403
    )
    assert client.get(f"/api/v1/vendors/{stranger.id}/qr", headers=vendor_token).status_code == 404
    assert client.get(f"/api/v1/vendors/{stranger.id}/qr").status_code == 401
