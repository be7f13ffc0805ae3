"""Our own notification format: one transfer per JSON body, signed like Stripe's webhooks."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from market.banks import UnknownBank, resolve_bank
from payments.ingest.providers.base import (
    PayloadError,
    SignatureError,
    StatementLine,
    Transfer,
    check_fresh,
    hmac_hex,
    lower_headers,
    require_secret,
    same_digest,
    signed_header,
)
from payments.ingest.providers.fields import (
    account,
    amount,
    aware_time,
    bank_reference,
    load_object,
    optional_account,
    optional_text,
    required,
    text,
    transaction_id,
)
from payments.ingest.providers.statements import (
    statement,
)

SIGNATURE_HEADER = "X-Signature"
TOLERANCE_SECONDS = 300
COLUMNS = (
    "transaction_id",
    "amount",
    "credit_bin",
    "credit_account",
    "description",
    "occurred_at",
    "debit_bin",
    "debit_account",
    "debit_name",
    "bank_reference",
)
REQUIRED_COLUMNS = COLUMNS[:6]


def bank_bin(value: Any, field: str) -> str:
    """The 6-digit BIN of a bank given by BIN, code or name; PayloadError when unknown."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PayloadError(field, "must be a bank BIN or short name")
    try:
        return resolve_bank(value).bin
    except UnknownBank as error:
        raise PayloadError(field, str(error)) from error


def read_transfer(record: Mapping[str, Any], prefix: str = "") -> Transfer:
    """The transfer a generic body or statement row describes."""

    def value(key: str) -> Any:
        return required(record, key, prefix + key)

    debit_bin = record.get("debit_bin")
    if isinstance(debit_bin, str) and not debit_bin.strip():
        debit_bin = None
    return Transfer(
        provider_txn_id=transaction_id(value("transaction_id"), prefix + "transaction_id"),
        amount=amount(value("amount"), prefix + "amount"),
        credit_account=account(value("credit_account"), prefix + "credit_account"),
        credit_bin=bank_bin(value("credit_bin"), prefix + "credit_bin"),
        description=text(record.get("description"), prefix + "description"),
        occurred_at=aware_time(value("occurred_at"), prefix + "occurred_at"),
        debit_bin=None if debit_bin is None else bank_bin(debit_bin, prefix + "debit_bin"),
        debit_account=optional_account(record.get("debit_account"), prefix + "debit_account"),
        debit_name=optional_text(record.get("debit_name"), prefix + "debit_name"),
        bank_reference=bank_reference(record.get("bank_reference"), prefix + "bank_reference"),
    )


class GenericAdapter:
    """Verify, parse and answer notifications in the generic format."""

    name = "generic"

    def verify(
        self,
        *,
        secret: str,
        headers: Mapping[str, str],
        body: bytes,
        now: datetime,
        api_key: str | None = None,
        hmac_only: bool = False,
    ) -> None:
        """Check X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
        (signed only: api_key and hmac_only change nothing)."""
        key = require_secret(secret)
        header = lower_headers(headers).get(SIGNATURE_HEADER.lower())
        stamp, signatures = signed_header(header, SIGNATURE_HEADER)
        expected = hmac_hex(key, stamp.encode() + b"." + body)
        # Any v1 may match, so that a sender rotating its secret can sign with both for a while.
        if not any(same_digest(expected, signature) for signature in signatures):
            raise SignatureError("signature does not match")
        check_fresh(int(stamp), now, TOLERANCE_SECONDS)

    def parse(self, body: bytes) -> list[Transfer]:
        """The one transfer a generic notification carries."""
        return [read_transfer(load_object(body))]

    def answer(self, results: list[dict]) -> tuple[int, dict]:
        """200 with the status and payment id of the one transfer."""
        if len(results) != 1:
            raise ValueError("a generic notification carries exactly one transfer")
        return 200, {"status": results[0]["status"], "payment_id": results[0]["payment_id"]}

    def parse_statement(self, data: bytes) -> list[StatementLine]:
        """A CSV whose header holds the body's field names."""
        return statement(data, COLUMNS, REQUIRED_COLUMNS, read_transfer)
