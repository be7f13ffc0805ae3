"""SePay bank-transfer webhooks: an API key or an HMAC-SHA256 signature, one transaction a call."""

import hmac
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

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
    unix_time,
)
from payments.ingest.providers.fields import (
    account,
    amount,
    bank_reference,
    known_bin,
    load_object,
    required,
    text,
    transaction_id,
    vietnam_time,
)
from payments.ingest.providers.statements import (
    statement,
)

TOLERANCE_SECONDS = 300
COLUMNS = (
    "id",
    "gateway",
    "transactionDate",
    "accountNumber",
    "subAccount",
    "code",
    "content",
    "transferType",
    "transferAmount",
    "accumulated",
    "referenceCode",
    "description",
)
REQUIRED_COLUMNS = ("id", "transactionDate", "accountNumber", "transferType", "transferAmount")
# A memo virtual account ("TKP", tài khoản phụ) is a code of a few characters that the payer
# writes after "TKP" in the description of a transfer to the main account; an official one is
# an account number of its own. Both come in subAccount.
_MEMO = re.compile(r"(?:TKP)?([0-9A-Z]{1,3})")


def memo_code(sub_account: str) -> str | None:
    """The code of a memo virtual account, or None when sub_account is an account number."""
    found = _MEMO.fullmatch(sub_account.replace(" ", "").upper())
    return found[1] if found else None


def read_transfer(record: Mapping[str, Any], prefix: str = "") -> Transfer | None:
    """The credit a SePay webhook body or statement row describes; None for money going out."""
    direction = required(record, "transferType", prefix + "transferType")
    if not isinstance(direction, str):
        raise PayloadError(prefix + "transferType", "must be a string")
    if direction.strip().lower() != "in":
        return None
    # An official virtual account is the account the payer paid (accountNumber is the real
    # one behind it); a memo one only labels a transfer that credited accountNumber.
    sub_account = text(record.get("subAccount"), prefix + "subAccount")
    memo = memo_code(sub_account) if sub_account else None
    if sub_account and memo is None:
        credit_account = account(sub_account, prefix + "subAccount")
    else:
        credit_account = account(
            required(record, "accountNumber", prefix + "accountNumber"), prefix + "accountNumber"
        )
    content = text(record.get("content"), prefix + "content")
    return Transfer(
        provider_txn_id=transaction_id(required(record, "id", prefix + "id"), prefix + "id"),
        amount=amount(
            required(record, "transferAmount", prefix + "transferAmount"),
            prefix + "transferAmount",
        ),
        credit_account=credit_account,
        credit_bin=known_bin(record.get("gateway")),
        description=content or text(record.get("description"), prefix + "description"),
        occurred_at=vietnam_time(
            required(record, "transactionDate", prefix + "transactionDate"),
            prefix + "transactionDate",
        ),
        bank_reference=bank_reference(record.get("referenceCode"), prefix + "referenceCode"),
        memo_account=memo,
    )


def _key_matches(authorization: str, key: bytes) -> bool:
    scheme, _, token = authorization.strip().partition(" ")
    given = token.strip().encode("utf-8", "replace")
    return scheme.lower() == "apikey" and hmac.compare_digest(given, key)


class SePayAdapter:
    """Verify, parse and answer SePay webhooks."""

    name = "sepay"

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
        """Accept 'Authorization: Apikey <key>' (api_key, else the secret; never with
        hmac_only) or a fresh X-SePay-Signature HMAC made with the secret."""
        key = require_secret(secret)
        lowered = lower_headers(headers)
        authorization = lowered.get("authorization")
        signature = lowered.get("x-sepay-signature")
        if authorization is None and signature is None:
            raise SignatureError("missing Authorization or X-SePay-Signature header")
        if authorization is not None:
            expected = None if hmac_only else (api_key or secret)
            if expected is not None and _key_matches(authorization, expected.encode("utf-8")):
                return
            if signature is None:
                refused = "API keys are refused, requests must be signed"
                raise SignatureError(refused if hmac_only else "API key does not match")
        self._verify_signature(key, lowered, body, now)

    def _verify_signature(
        self, key: bytes, headers: dict[str, str], body: bytes, now: datetime
    ) -> None:
        algorithm, sep, digest = headers.get("x-sepay-signature", "").strip().partition("=")
        if not sep or algorithm.lower() != "sha256" or not digest:
            raise SignatureError("malformed X-SePay-Signature header")
        stamp_header = headers.get("x-sepay-timestamp")
        if stamp_header is None:
            raise SignatureError("missing X-SePay-Timestamp header")
        stamp = unix_time(stamp_header, "X-SePay-Timestamp")
        if not same_digest(hmac_hex(key, stamp.encode() + b"." + body), digest):
            raise SignatureError("signature does not match")
        check_fresh(int(stamp), now, TOLERANCE_SECONDS)

    def parse(self, body: bytes) -> list[Transfer]:
        """The credit a webhook carries, or [] when money went out."""
        transfer = read_transfer(load_object(body))
        return [] if transfer is None else [transfer]

    def answer(self, results: list[dict]) -> tuple[int, dict]:
        """SePay counts a delivery as done on 200 with {"success": true}."""
        return 200, {"success": True}

    def parse_statement(self, data: bytes) -> list[StatementLine]:
        """A CSV with the webhook's field names as header; only 'in' rows are transfers."""
        return statement(data, COLUMNS, REQUIRED_COLUMNS, read_transfer)
