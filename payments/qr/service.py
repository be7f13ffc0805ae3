"""The QR use cases: static codes for an account, dynamic payment requests, decoding."""

from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from market.db import utcnow
from market.errors import Conflict, NotFound, ValidationFailed
from market.money import format_vnd
from market.text import like_pattern, qr_ascii
from market.users import User
from payments.domains import Choice, Payee, Target, payee_condition
from payments.qr import vietqr
from payments.qr.models import PaymentRequest
from payments.qr.reference import new_reference

PURPOSE_LIMIT = vietqr.SUB_FIELD_LIMIT
DEFAULT_EXPIRY = timedelta(minutes=15)


def static_payload(*, bank_bin: str, account_number: str) -> str:
    """The static VietQR (point of initiation 11) a placard carries for an account."""
    return vietqr.build(bank_bin=bank_bin, account_number=account_number)


def dynamic_payload(
    *,
    bank_bin: str,
    account_number: str,
    amount: int,
    reference: str,
    description: str | None = None,
) -> str:
    """A dynamic VietQR with the amount, and the reference first in the purpose (banks copy
    the purpose into the transfer description, which is how the payment is matched)."""
    purpose = qr_ascii(f"{reference} {description or ''}", limit=PURPOSE_LIMIT)
    try:
        return vietqr.build(
            bank_bin=bank_bin, account_number=account_number, amount=amount, purpose=purpose
        )
    except vietqr.VietQRError as exc:
        field = "amount" if exc.reason == "amount_format" else "payload"
        raise ValidationFailed.on(field, exc.message) from exc


def _free_reference(session: Session, prefix: str) -> str:
    """A new reference no payment request holds yet (a clash is one in billions: a few tries)."""
    for _attempt in range(5):
        reference = new_reference(prefix)
        taken = session.execute(
            select(PaymentRequest.id).where(PaymentRequest.reference == reference)
        ).first()
        if not taken:
            break
    return reference


def create_payment_request(
    session: Session,
    *,
    payee_type: str,
    payee_id: int,
    bank_bin: str,
    account_number: str,
    amount: int,
    description: str | None,
    prefix: str,
    expires_in: timedelta = DEFAULT_EXPIRY,
    created_by: int | None = None,
    now: datetime | None = None,
) -> PaymentRequest:
    """A one-off QR for amount, payable to the payee's account from now until it expires."""
    now = now or utcnow()
    reference = _free_reference(session, prefix)
    payload = dynamic_payload(
        bank_bin=bank_bin,
        account_number=account_number,
        amount=amount,
        reference=reference,
        description=description,
    )
    request = PaymentRequest(
        reference=reference,
        payee_type=payee_type,
        payee_id=payee_id,
        bank_bin=bank_bin,
        account_number=account_number,
        amount=amount,
        description=description,
        payload=payload,
        expires_at=now + expires_in,
        created_at=now,
        created_by=created_by,
    )
    session.add(request)
    session.flush()
    return with_status(request, now=now)


def with_status(request: PaymentRequest, *, now: datetime) -> PaymentRequest:
    """Set status_label, the status as it stands at now (expired once past its expiry)."""
    request.status_label = request.status_at(now)
    return request


def get_payment_request(
    session: Session, reference: str, *, actor: User | None = None, now: datetime | None = None
) -> PaymentRequest:
    """The payment request with this reference (one of the actor's payees' when an actor is
    given) with its status at now, or 404."""
    stmt = select(PaymentRequest).where(PaymentRequest.reference == reference.upper())
    if actor is not None:
        stmt = stmt.where(
            payee_condition(session, actor, PaymentRequest.payee_type, PaymentRequest.payee_id)
        )
    found = session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no payment request {reference}")
    return with_status(found, now=now or utcnow())


def decode(payload: str) -> dict:
    """The fields of a VietQR payload, or a 422 that says exactly what is wrong."""
    try:
        return vietqr.parse(payload).to_dict()
    except vietqr.VietQRError as exc:
        raise ValidationFailed(
            exc.message, errors={"payload": [exc.message]}, reason=exc.reason
        ) from exc


def find_payment_request(session: Session, reference: str) -> Target | None:
    """The payment request with this reference as a target, or None. The request stays
    locked until the transaction ends: of two transfers quoting it at once, the second sees
    what the first paid (a request is paid once)."""
    found = session.execute(
        select(PaymentRequest)
        .where(PaymentRequest.reference == reference)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None:
        return None
    return Target(
        "payment_request",
        found.id,
        found.reference,
        Payee(found.payee_type, found.payee_id),
        found.bank_bin,
        found.account_number,
        expires_at=found.expires_at,
        paid=found.status == "paid",
    )


def apply_to_payment_request(
    session: Session, request_id: int, amount: int, _payment_id: int
) -> None:
    """Count amount (negative for a reversal) on the request in one statement, so that
    simultaneous payments are all counted."""
    paid = PaymentRequest.paid_amount + amount
    session.execute(
        update(PaymentRequest)
        .where(PaymentRequest.id == request_id)
        .values(
            paid_amount=paid,
            status=case(
                (paid >= PaymentRequest.amount, "paid"),
                (PaymentRequest.status == "paid", "open"),
                else_=PaymentRequest.status,
            ),
        )
    )


def assign_payment_request(session: Session, _actor: User, value: str) -> tuple[Payee, Target]:
    """An unmatched transfer given to a payment request by its reference."""
    target = find_payment_request(session, value.strip().upper())
    if target is None:
        raise NotFound(f"no payment request {value}")
    if target.paid:  # a person may still decide a late transfer pays an expired one
        raise Conflict(
            f"payment request {target.reference} is already paid",
            errors={"reference": ["already paid"]},
        )
    return target.payee, target


def search_payment_requests(session: Session, actor: User, text: str, limit: int) -> list[Choice]:
    """Unpaid payment requests of the actor's payees whose reference starts with text."""
    code = text.strip().upper()
    if len(code) < 3 or not code.startswith("CH"):
        return []
    found = session.scalars(
        select(PaymentRequest)
        .where(
            PaymentRequest.reference.like(like_pattern(code)[1:], escape="\\"),
            PaymentRequest.status.in_(("open", "expired")),
            payee_condition(session, actor, PaymentRequest.payee_type, PaymentRequest.payee_id),
        )
        .order_by(PaymentRequest.id.desc())
        .limit(limit)
    )
    return [
        Choice(r.reference, f"{r.reference} · {format_vnd(r.amount)}", r.description or "")
        for r in found
    ]
