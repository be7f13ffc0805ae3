"""Casso webhooks v2: HMAC-SHA512 over the body with its keys sorted, written as Casso's
samples write it: Node's JSON.stringify (text as is), or Python's json.dumps and PHP's
json_encode (non-ASCII text as \\uXXXX escapes; PHP also writes '/' as '\\/')."""

import hashlib
import json
import math
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
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
    signed_header,
)
from payments.ingest.providers.fields import (
    account,
    amount,
    bank_reference,
    known_bin,
    load_object,
    optional_account,
    optional_text,
    required,
    text,
    transaction_id,
    vietnam_time,
)
from payments.ingest.providers.statements import (
    statement,
)

SIGNATURE_HEADER = "X-Casso-Signature"
TOLERANCE_SECONDS = 300
COLUMNS = (
    "id",
    "reference",
    "description",
    "amount",
    "transactionDateTime",
    "accountNumber",
    "bankName",
    "bankAbbreviation",
    "virtualAccountNumber",
    "counterAccountName",
    "counterAccountNumber",
    "counterAccountBankId",
    "counterAccountBankName",
)
REQUIRED_COLUMNS = ("id", "amount", "transactionDateTime", "accountNumber")
_SURROGATE = re.compile("[\ud800-\udfff]")
_OUTGOING = re.compile(r"-\s*[0-9]+")


def canonical_json(value: Any, *, escaped: bool = False) -> str:
    """JSON.stringify of value with object keys sorted at every level, as Casso signs it;
    escaped, with every character beyond ASCII written as a \\uXXXX escape."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return _js_number(value)
    string = _escaped_string if escaped else _js_string
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(item, escaped=escaped) for item in value) + "]"
    if isinstance(value, dict):
        members = (
            f"{string(key)}:{canonical_json(value[key], escaped=escaped)}"
            for key in _js_order(value)
        )
        return "{" + ",".join(members) + "}"
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def signed_forms(value: Any) -> list[str]:
    """Each text of value that one of Casso's official samples signs (most often one)."""
    escaped = canonical_json(value, escaped=True)
    # PHP's json_encode also escapes '/', which may appear only inside strings.
    forms = [canonical_json(value), escaped, escaped.replace("/", "\\/")]
    return list(dict.fromkeys(forms))


def _exact(value: Any) -> bool:
    # Node reads 2**53 + 1 as 2**53, so both would carry one signature while we read them apart.
    if isinstance(value, dict):
        return all(_exact(item) for item in value.values())
    if isinstance(value, list):
        return all(_exact(item) for item in value)
    return not isinstance(value, int) or abs(value) <= 2**53


def _js_order(obj: dict[str, Any]) -> list[str]:
    # Array.prototype.sort compares UTF-16 code units; then JSON.stringify walks the sorted
    # object in property order, which puts array-index keys ("0", "7", "10") first, numerically.
    keys = sorted(obj, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
    indexes = sorted((key for key in keys if _is_array_index(key)), key=int)
    return indexes + [key for key in keys if not _is_array_index(key)]


def _is_array_index(key: str) -> bool:
    return (
        key.isascii()
        and key.isdigit()
        and len(key) <= 10
        and (key == "0" or not key.startswith("0"))
        and int(key) < 2**32 - 1
    )


def _js_string(value: str) -> str:
    # Python and JSON.stringify escape the same characters the same way (lower-case \u00xx),
    # except lone surrogates, which only JSON.stringify escapes.
    dumped = json.dumps(value, ensure_ascii=False)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


def _escaped_string(value: str) -> str:
    # Python's json.dumps and PHP's json_encode: lower-case \uXXXX for everything beyond
    # ASCII (a pair of escapes beyond the BMP), and for DEL and the control characters.
    return json.dumps(value, ensure_ascii=True)


def _js_number(value: int | float) -> str:
    # JSON.parse reads every number as a double and Number#toString writes it back
    # (100000.0 -> "100000", 1e21 -> "1e+21", 1e-7 -> "1e-7"), which Python's repr does not.
    if isinstance(value, int):
        if abs(value) <= 2**53:
            return str(value)
        try:
            value = float(value)
        except OverflowError:
            return "null"
    if not math.isfinite(value):
        return "null"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    point = len(digit_tuple) + int(exponent)
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    count = len(digits)
    if count <= point <= 21:
        return sign + digits + "0" * (point - count)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    power = point - 1
    mantissa = digits if count == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"


def read_transfer(record: Mapping[str, Any], prefix: str = "") -> Transfer | None:
    """The credit a Casso transaction describes; None when the amount is negative (money out)."""
    raw_amount = required(record, "amount", prefix + "amount")
    if (isinstance(raw_amount, int) and not isinstance(raw_amount, bool) and raw_amount < 0) or (
        isinstance(raw_amount, str) and _OUTGOING.fullmatch(raw_amount.strip())
    ):
        return None
    # As with SePay: a virtual account is the number our QR code carried, so it names the payee.
    virtual = record.get("virtualAccountNumber")
    if virtual is not None and text(virtual, prefix + "virtualAccountNumber"):
        credit_account = account(virtual, prefix + "virtualAccountNumber")
    else:
        number = required(record, "accountNumber", prefix + "accountNumber")
        credit_account = account(number, prefix + "accountNumber")
    return Transfer(
        provider_txn_id=transaction_id(required(record, "id", prefix + "id"), prefix + "id"),
        amount=amount(raw_amount, prefix + "amount"),
        credit_account=credit_account,
        credit_bin=known_bin(record.get("bankAbbreviation"), record.get("bankName")),
        description=text(record.get("description"), prefix + "description"),
        occurred_at=vietnam_time(
            required(record, "transactionDateTime", prefix + "transactionDateTime"),
            prefix + "transactionDateTime",
        ),
        debit_bin=known_bin(
            record.get("counterAccountBankId"), record.get("counterAccountBankName")
        ),
        debit_account=optional_account(
            record.get("counterAccountNumber"), prefix + "counterAccountNumber"
        ),
        debit_name=optional_text(record.get("counterAccountName"), prefix + "counterAccountName"),
        bank_reference=bank_reference(record.get("reference"), prefix + "reference"),
    )


def _reports_error(error: Any) -> bool:
    # 0 (or its absence) is Casso's "no error"; "0" and null are read the same way rather
    # than lose a transfer over how a zero was written.
    if error is None or (isinstance(error, str) and error.strip() == "0"):
        return False
    return isinstance(error, bool) or error != 0


class CassoAdapter:
    """Verify, parse and answer Casso webhooks (version 2)."""

    name = "casso"

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
        """Check X-Casso-Signature: t=<unix ms>,v1=<hex HMAC-SHA512 of "<t>.<sorted JSON>">
        (signed only: api_key and hmac_only change nothing)."""
        key = require_secret(secret)
        header = lower_headers(headers).get(SIGNATURE_HEADER.lower())
        stamp, signatures = signed_header(header, SIGNATURE_HEADER, max_digits=16)
        try:
            data = load_object(body)
        except PayloadError as error:
            # The signature covers the parsed body: what does not parse cannot be authenticated.
            raise SignatureError("body is not a JSON object, so it cannot be verified") from error
        if not _exact(data):
            raise SignatureError("body holds an integer beyond 2**53, which cannot be verified")
        expected = [
            hmac_hex(key, f"{stamp}.{form}".encode(), hashlib.sha512) for form in signed_forms(data)
        ]
        if not any(same_digest(e, signature) for e in expected for signature in signatures):
            raise SignatureError("signature does not match")
        check_fresh(int(stamp) / 1000, now, TOLERANCE_SECONDS)

    def parse(self, body: bytes) -> list[Transfer]:
        """The credit a webhook carries, or [] for an outgoing transaction or a body that
        reports an error (acknowledged all the same: Casso retries whatever is not a 2xx)."""
        envelope = load_object(body)
        if _reports_error(envelope.get("error")):
            return []
        data = envelope.get("data")
        if not isinstance(data, dict):
            raise PayloadError("data", "must be a JSON object")
        transfer = read_transfer(data, "data.")
        return [] if transfer is None else [transfer]

    def answer(self, results: list[dict]) -> tuple[int, dict]:
        """Casso counts a delivery as done on 200; we answer {"success": true}."""
        return 200, {"success": True}

    def parse_statement(self, data: bytes) -> list[StatementLine]:
        """A CSV of Casso transactions with the webhook's data field names as header."""
        return statement(data, COLUMNS, REQUIRED_COLUMNS, read_transfer)
