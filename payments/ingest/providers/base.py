"""What every provider adapter produces (transfers, statement lines), the errors it raises,
and the signature checks the adapters share. Reading a body's fields is `fields`, reading a
statement file is `statements`."""

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Transfer:
    """One credited transfer as every provider's notification or statement line is normalised."""

    provider_txn_id: str
    amount: int
    credit_account: str
    credit_bin: str | None
    description: str
    occurred_at: datetime
    debit_bin: str | None = None
    debit_account: str | None = None
    debit_name: str | None = None
    # The bank's own reference of the transfer (the same whichever provider reports it).
    bank_reference: str | None = None
    # A SePay memo virtual account ("TKP" code): the transfer credited credit_account.
    memo_account: str | None = None


@dataclass(frozen=True)
class StatementLine:
    """A transfer read from a statement file, with the line it starts on (header = 1)."""

    line: int
    transfer: Transfer


class SignatureError(Exception):
    """The request is not authentic: answered 401 and stored nowhere."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PayloadError(Exception):
    """The request is authentic but malformed: answered 422 naming the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Adapter(Protocol):
    """How one provider authenticates, formats and wants answered its notifications."""

    name: str

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
        """Raise SignatureError unless the request comes from the provider and is fresh.

        A provider that also authenticates by a key (SePay) takes api_key (None: the secret
        is the key) and refuses any key with hmac_only; the others sign only, and ignore both."""
        ...

    def parse(self, body: bytes) -> list[Transfer]:
        """The credited transfers a notification carries ([] when it is not a credit)."""
        ...

    def answer(self, results: list[dict]) -> tuple[int, dict]:
        """The HTTP status and JSON body the provider expects once the transfers are stored."""
        ...

    def parse_statement(self, data: bytes) -> list[StatementLine]:
        """The credited transfers of a statement file, each with its line number."""
        ...


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers keyed by lower-case name, whatever mapping the caller passed."""
    return {str(name).lower(): str(value) for name, value in headers.items()}


def require_secret(secret: str) -> bytes:
    """The secret as bytes; an empty one would make every forged request look authentic."""
    if not secret:
        raise SignatureError("no secret is configured for this provider")
    return secret.encode("utf-8")


def same_digest(expected_hex: str, given_hex: str) -> bool:
    """Constant-time comparison of two hex digests, case-insensitive, any text accepted."""
    # compare_digest refuses non-ASCII str, and header values may hold anything: compare bytes.
    given = given_hex.strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected_hex.encode("ascii"), given)


def hmac_hex(key: bytes, message: bytes, digest: Callable = hashlib.sha256) -> str:
    """Lower-case hex HMAC of message under key."""
    return hmac.new(key, message, digest).hexdigest()


def unix_time(value: str, what: str, max_digits: int = 13) -> str:
    """A Unix timestamp as the ASCII digits given; SignatureError otherwise."""
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= max_digits):
        raise SignatureError(f"{what} is not a Unix timestamp")
    return value


def signed_header(value: str | None, name: str, max_digits: int = 13) -> tuple[str, list[str]]:
    """The timestamp (as sent) and the v1 signatures of a 't=<time>,v1=<hex>' header."""
    if not value:
        raise SignatureError(f"missing {name} header")
    fields = [part.strip().partition("=") for part in value.split(",")]
    stamps = [item for key, _, item in fields if key == "t"]
    signatures = [item for key, _, item in fields if key == "v1"]
    if len(stamps) != 1 or not signatures or not all(sep for _, sep, _ in fields):
        raise SignatureError(f"malformed {name} header")
    return unix_time(stamps[0], f"{name} t", max_digits), signatures


def check_fresh(stamp: float, now: datetime, tolerance: float = 300) -> None:
    """Refuse a timestamp (Unix seconds) more than tolerance seconds from now, either way."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    drift = now.timestamp() - stamp
    if drift > tolerance:
        raise SignatureError("timestamp is too old")
    if drift < -tolerance:
        raise SignatureError("timestamp is in the future")
