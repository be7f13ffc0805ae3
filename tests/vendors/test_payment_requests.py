"""One-off QR codes with the amount and a reference filled in."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from market.clock import VIETNAM
from payments.ledger.models import Payment
from payments.qr.models import PaymentRequest
from payments.qr.reference import find_references, is_valid_reference
from payments.qr.vietqr import parse
from tests.factories import (
    bearer,
    generic_notification,
    make_market,
    make_provider,
    make_user,
    make_vendor,
)


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


SECRET = "s3cret-s3cret-s3cret"
SALE = datetime(2026, 11, 20, 9, 0, tzinfo=VIETNAM)  # when the vendor charges the amount


def transfer(client, vendor, *, txn, amount, description, occurred_at):
    """A provider's notification of a transfer to the vendor's account; the payment made."""
    body, headers = generic_notification(
        SECRET,
        txn=txn,
        amount=amount,
        account=vendor.account_number,
        bank_bin=vendor.bank_bin,
        description=description,
        occurred_at=occurred_at.isoformat(),
    )
    response = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["payment_id"]


@pytest.fixture
def at_the_stall(session, time_machine, vendor):
    """A provider, and the clock at SALE."""
    make_provider(session)
    time_machine.move_to(SALE)


def test_a_transfer_quoting_an_expired_request_goes_to_the_vendor_with_a_note(
    client, session, vendor, headers, at_the_stall, time_machine
):
    request = create(client, vendor, headers, amount=50000, expires_in=600).json
    time_machine.move_to(SALE + timedelta(minutes=30))
    payment_id = transfer(
        client,
        vendor,
        txn="FT-LATE",
        amount=50000,
        description=f"{request['reference']} tien rau",
        occurred_at=SALE + timedelta(minutes=11),
    )
    payment = session.get(Payment, payment_id)
    assert (payment.payee_type, payment.payee_id) == ("vendor", vendor.id)
    assert (payment.match_status, payment.matched_by, payment.target_id) == (
        "matched",
        "account",
        None,
    )
    assert f"reference {request['reference']} expired at 20/11/2026 09:10" in payment.match_note
    shown = client.get(f"/api/v1/payment-requests/{request['reference']}", headers=headers).json
    assert (shown["status"], shown["paid_amount"]) == ("expired", 0)


def test_a_transfer_made_before_expiry_pays_the_request_even_if_notified_after(
    client, session, vendor, headers, at_the_stall, time_machine
):
    request = create(client, vendor, headers, amount=50000, expires_in=600).json
    time_machine.move_to(SALE + timedelta(minutes=30))  # the bank's notification was slow
    payment_id = transfer(
        client,
        vendor,
        txn="FT-SLOW",
        amount=50000,
        description=request["reference"],
        occurred_at=SALE + timedelta(minutes=9),
    )
    assert session.get(Payment, payment_id).target_reference == request["reference"]
    shown = client.get(f"/api/v1/payment-requests/{request['reference']}", headers=headers).json
    assert (shown["status"], shown["paid_amount"]) == ("paid", 50000)


def test_a_paid_request_is_not_paid_again_and_the_second_transfer_goes_to_the_vendor(
    client, session, vendor, headers, at_the_stall
):
    request = create(client, vendor, headers, amount=50000).json
    first, second = (
        transfer(
            client,
            vendor,
            txn=txn,
            amount=50000,
            description=f"{request['reference']} tien hang",
            occurred_at=SALE + timedelta(minutes=1),
        )
        for txn in ("FT-1", "FT-2")
    )
    assert session.get(Payment, first).target_reference == request["reference"]
    again = session.get(Payment, second)
    assert (again.payee_id, again.matched_by, again.target_id) == (vendor.id, "account", None)
    assert f"reference {request['reference']} is already paid" in again.match_note
    shown = client.get(f"/api/v1/payment-requests/{request['reference']}", headers=headers).json
    assert (shown["status"], shown["paid_amount"]) == ("paid", 50000)
    stored = session.scalars(select(PaymentRequest)).one()
    assert (stored.status, stored.paid_amount) == ("paid", 50000)


def test_a_paid_request_cannot_be_given_an_unmatched_payment(
    client, session, vendor, headers, at_the_stall
):
    request = create(client, vendor, headers, amount=50000).json
    transfer(
        client,
        vendor,
        txn="FT-1",
        amount=50000,
        description=request["reference"],
        occurred_at=SALE,
    )
    body, sig = generic_notification(
        SECRET, txn="FT-X", amount=50000, account="55555555", occurred_at=SALE.isoformat()
    )
    stray = client.post("/api/v1/notifications/vqr-generic", data=body, headers=sig).json
    admin = bearer(make_user(session, "admin")[1])
    refused = client.post(
        f"/api/v1/payments/{stray['payment_id']}/assign",
        headers=admin,
        json={"reference": request["reference"]},
    )
    assert refused.status_code == 409 and refused.json["errors"] == {"reference": ["already paid"]}


def test_the_api_answers_a_requests_real_status_to_those_who_may_see_it(
    client, session, vendor, headers, at_the_stall, time_machine
):
    request = create(client, vendor, headers, amount=50000, expires_in=600).json
    assert (request["status"], request["paid_amount"]) == ("open", 0)
    path = f"/api/v1/payment-requests/{request['reference']}"
    shown = client.get(path.lower(), headers=headers).json
    assert {k: shown[k] for k in request if k != "status"} == {
        k: request[k] for k in request if k != "status"
    }
    assert shown["status"] == "open"
    time_machine.move_to(SALE + timedelta(minutes=11))
    assert client.get(path, headers=headers).json["status"] == "expired"
    other = make_vendor(session, make_market(session), status="active")
    stranger = bearer(
        make_user(session, "vendor", vendor_id=other.id, market_id=other.market_id)[1]
    )
    assert client.get(path, headers=stranger).status_code == 404
    assert client.get(path, headers=bearer(make_user(session, "bank_staff")[1])).status_code == 403
    assert client.get(path).status_code == 401
    assert client.get("/api/v1/payment-requests/CHNOPE00000", headers=headers).status_code == 404
