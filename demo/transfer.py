"""A transfer as the demo's bank would report it: a signed notification sent to the running
service, so that a payment can be walked through without a real bank."""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from market.errors import NotFound
from payments.ingest.models import Provider
from payments.qr.models import PaymentRequest

DEMO_PROVIDER = "demo-bank"


@dataclass(frozen=True)
class Credit:
    """Where a simulated transfer goes, and what its description says."""

    bank_bin: str
    account_number: str
    description: str


def credit_for(session: Session, *, reference: str | None, vendor_id: int | None) -> Credit:
    """The account a reference (an invoice or a payment request) or a vendor is paid into."""
    from tuition.invoices import transfer_text
    from tuition.models import Invoice, School
    from vendors.models import Vendor

    if vendor_id is not None:
        vendor = session.get(Vendor, vendor_id)
        if vendor is None:
            raise NotFound(f"no vendor {vendor_id}")
        return Credit(vendor.bank_bin, vendor.account_number, "thanh toan tien hang")
    code = (reference or "").strip().upper()
    invoice = session.scalar(select(Invoice).where(Invoice.reference == code))
    if invoice is not None:
        school = session.get(School, invoice.school_id)
        # As a bank app passes the QR's transfer text on, behind its own prefix.
        return Credit(school.bank_bin, school.account_number, f"MBVCB.{transfer_text(invoice)}")
    request = session.scalar(select(PaymentRequest).where(PaymentRequest.reference == code))
    if request is not None:
        return Credit(request.bank_bin, request.account_number, f"{code} chuyen tien")
    raise NotFound(f"no invoice or payment request {code}")


def notification(secret: str, credit: Credit, amount: int, now: datetime) -> tuple[bytes, dict]:
    """(body, headers) of a generic notification of credit, signed with secret."""
    stamp = int(now.timestamp())
    body = json.dumps(
        {
            "transaction_id": f"DEMO-{time.time_ns()}",
            "amount": amount,
            "credit_bin": credit.bank_bin,
            "credit_account": credit.account_number,
            "description": credit.description,
            "occurred_at": now.isoformat(),
            "debit_bin": "970415",
            "debit_account": "0011223344",
            "debit_name": "NGUYEN VAN KHACH",
        }
    ).encode()
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Signature": f"t={stamp},v1={mac}"}


def demo_secret(session: Session) -> str:
    """The demo bank's shared secret (the seed made the provider)."""
    provider = session.scalar(select(Provider).where(Provider.name == DEMO_PROVIDER))
    if provider is None:
        raise NotFound("no demo bank: run `flask --app wsgi demo seed` first")
    return provider.secret


def send(url: str, body: bytes, headers: dict) -> tuple[int, str]:
    """POST the notification to the running service: (status, answer)."""
    request = urllib.request.Request(
        f"{url.rstrip('/')}/api/v1/notifications/{DEMO_PROVIDER}", body, headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
