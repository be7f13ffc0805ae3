"""One-off QR codes with the amount and a reference filled in."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from payments.models import PaymentRequest
from payments.reference import find_references, is_valid_reference
from payments.vietqr import parse
from tests.factories import bearer, make_market, make_user, make_vendor


@pytest.fixture
def vendor(session):
    return make_vendor(session, make_market(session), status="active", bank="MB")


@pytest.fixture
def headers(session, vendor):
    return bearer(make_user(session, "vendor", vendor_id=vendor.id, market_id=vendor.market_id)[1])


def create(client, vendor, headers, **body):
    return client.post(f"/api/v1/vendors/{vendor.id}/payment-requests", json=body, headers=headers)


def test_a_payment_request_is_a_dynamic_qr_with_amount_and_reference(client, vendor, headers):
    response = create(client, vendor, headers, amount=150000, description="Rau củ quả")
    assert response.status_code == 201, response.json
    body = response.json
    assert is_valid_reference(body["reference"]) and body["reference"].startswith("CH")
    parsed = parse(body["payload"])
    assert parsed.point_of_initiation == "12" and parsed.amount == 150000
    assert (parsed.bank_bin, parsed.account_number) == ("970422", vendor.account_number)
    assert parsed.purpose == f"{body['reference']} RAU CU QUA"
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)
    # what a bank makes of the purpose still leads back to the request
    mangled = f"MBVCB.3278907687.{parsed.purpose.lower().replace(' ', '')}.CT tu 0011"
    assert find_references(mangled, prefixes=["CH"]) == [body["reference"]]


def test_its_qr_image_is_public_and_decodes(client, vendor, headers):
    body = create(client, vendor, headers, amount=20000).json
    image = client.get(body["qr_png"])
    assert image.status_code == 200 and image.mimetype == "image/png"
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    assert code.text == body["payload"]
    svg = client.get(body["qr_png"].replace(".png", ".svg"))
    assert svg.mimetype == "image/svg+xml"
    assert client.get("/api/v1/payment-requests/CHNOPE00000/qr.png").status_code == 404


def test_a_long_or_accented_description_never_breaks_the_25_character_limit(
    client, vendor, headers
):
    body = create(
        client,
        vendor,
        headers,
        amount=5000,
        description="Thanh toán tiền hàng khô và gia vị tháng mười một",
    ).json
    purpose = parse(body["payload"]).purpose
    assert len(purpose) <= 25 and purpose.isascii()
    assert purpose.startswith(body["reference"])


def test_expiry_can_be_chosen_within_limits(client, vendor, headers):
    body = create(client, vendor, headers, amount=5000, expires_in=3600).json
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=1)
    assert create(client, vendor, headers, amount=5000, expires_in=10).status_code == 422


@pytest.mark.parametrize("amount", [0, -5000, 10**13, 12.5, "50000", True, None, 1e3])
def test_bad_amounts_are_422_and_write_nothing(client, session, vendor, headers, amount):
    response = create(client, vendor, headers, amount=amount)
    assert response.status_code == 422
    assert "amount" in response.json["errors"]
    assert session.scalar(select(func.count()).select_from(PaymentRequest)) == 0


def test_the_largest_vietqr_amount_is_accepted(client, vendor, headers):
    body = create(client, vendor, headers, amount=9_999_999_999_999).json
    assert parse(body["payload"]).amount == 9_999_999_999_999


def test_unknown_fields_and_other_vendors_are_refused(client, session, vendor, headers):
    assert create(client, vendor, headers, amount=1000, tip=5).status_code == 422
    other = make_vendor(session, make_market(session), status="active")
    assert create(client, other, headers, amount=1000).status_code == 404
    bank = bearer(make_user(session, "bank_staff")[1])
    assert create(client, vendor, bank, amount=1000).status_code == 403
