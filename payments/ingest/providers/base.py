"""What every provider adapter produces, and the checks they share (money, time, HMAC, CSV)."""

import csv
import hashlib
import hmac
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from market.banks import UnknownBank, resolve_bank
from market.clock import VIETNAM
from market.money import MAX_AMOUNT
from market.text import clean
from payments.ingest import limits

# A provider's statement of one day is far below this; a file above it is refused before it
# is read further, so that no upload can hold a worker for long.
MAX_STATEMENT_LINES = 200_000
# Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset needs no tzdata.
_ACCOUNT = re.compile(rf"[0-9A-Z]{{1,{limits.ACCOUNT}}}")
# JSON may escape half of a UTF-16 pair ("\ud800"), which no database can store.
_SURROGATE = re.compile("[\ud800-\udfff]")


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


def load_object(body: bytes, field: str = "body") -> dict[str, Any]:
    """The JSON object a request body holds; PayloadError when it is anything else."""
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise PayloadError(field, "is not valid UTF-8 JSON") from error
    if not isinstance(data, dict):
        raise PayloadError(field, "must be a JSON object")
    return data


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def amount(value: Any, field: str) -> int:
    """A whole number of đồng between 1 and MAX_AMOUNT, from a JSON integer or digit string."""
    if isinstance(value, str):
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit()):
            raise PayloadError(field, "must be a whole number of đồng")
        digits = digits.lstrip("0") or "0"
        value = int(digits) if len(digits) <= 14 else MAX_AMOUNT + 1
    # bool is an int subclass and a float is never money, even 100000.0.
    elif isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(field, "must be a whole number of đồng")
    if value <= 0:
        raise PayloadError(field, "must be greater than 0")
    if value > MAX_AMOUNT:
        raise PayloadError(field, f"must be at most {MAX_AMOUNT}")
    return value


def required(record: Mapping[str, Any], key: str, field: str) -> Any:
    """The value under key; PayloadError when it is absent, null or blank."""
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise PayloadError(field, "is required")
    return value


def transaction_id(value: Any, field: str) -> str:
    """A provider's transaction id as text; refused when longer than the ledger keeps."""
    ident = optional_identifier(value, field, limits.TRANSACTION_ID)
    if ident is None:
        raise PayloadError(field, "is required")
    return ident


def bank_reference(value: Any, field: str) -> str | None:
    """The bank's own reference of a transfer, or None; refused when longer than kept."""
    return optional_identifier(value, field, limits.BANK_REFERENCE)


def optional_identifier(value: Any, field: str, limit: int) -> str | None:
    """An identifier as text, or None when absent or blank; never cut: cut, two could meet."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PayloadError(field, "must be a string or an integer")
    ident = clean(str(value))
    if _SURROGATE.search(ident):
        raise PayloadError(field, "must be valid Unicode text")
    if len(ident) > limit:
        raise PayloadError(field, f"must be at most {limit} characters")
    return ident or None


def text(value: Any, field: str) -> str:
    """NFC text with white space collapsed ('' for null); a lone surrogate becomes U+FFFD."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PayloadError(field, "must be a string")
    cleaned = clean(value)
    return cleaned if cleaned.isascii() else _SURROGATE.sub("\ufffd", cleaned)


def optional_text(value: Any, field: str) -> str | None:
    """Cleaned text, or None when absent or blank."""
    return text(value, field) or None


def account(value: Any, field: str) -> str:
    """A credited account as the bank knows it: letters in upper case (banks read them
    case-insensitively, providers write them either way), spaces removed, 1-19 letters or
    digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise PayloadError(field, "must be a string (leading zeros matter)")
    number = text(value, field).replace(" ", "").upper()
    if not _ACCOUNT.fullmatch(number):
        raise PayloadError(field, f"must be 1-{limits.ACCOUNT} letters or digits")
    return number


def optional_account(value: Any, field: str) -> str | None:
    """A payer's account as given (upper case, no spaces), or None; never refused."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    number = text(value, field).replace(" ", "").upper()
    return number or None


def known_bin(*values: Any) -> str | None:
    """The BIN of the first value that names a known bank, or None."""
    for value in values:
        if isinstance(value, str | int) and not isinstance(value, bool):
            try:
                return resolve_bank(value).bin
            except UnknownBank:
                continue
    return None


def aware_time(value: Any, field: str) -> datetime:
    """An ISO 8601 time with an offset, in UTC; PayloadError for a naive one."""
    moment = _parse_time(value, field)
    if moment.tzinfo is None:
        raise PayloadError(field, "must carry a UTC offset")
    return moment.astimezone(UTC)


def vietnam_time(value: Any, field: str) -> datetime:
    """A time in UTC; one without an offset is Vietnam local time."""
    moment = _parse_time(value, field)
    return (moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)).astimezone(UTC)


def _parse_time(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise PayloadError(field, "must be a date-time string")
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        pass
    # Bank statements exported from spreadsheets write Vietnamese day-first dates.
    for layout in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(value.strip(), layout)
        except ValueError:
            continue
    raise PayloadError(field, "is not an ISO 8601 date-time")


def csv_records(
    data: bytes, columns: tuple[str, ...], required_columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for each non-blank CSV row, keyed by the canonical column names given."""
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    except UnicodeDecodeError as error:
        raise PayloadError("file", "is not UTF-8 text") from error
    canonical = {name.lower(): name for name in columns}
    try:
        names = [canonical.get(cell.strip().lower(), cell.strip()) for cell in next(reader, [])]
        for column in required_columns:
            if column not in names:
                raise PayloadError(column, "line 1: column is missing from the header")
        end = reader.line_num
        for row in reader:
            start, end = end + 1, reader.line_num
            if end > MAX_STATEMENT_LINES:
                most = f"{MAX_STATEMENT_LINES:,}"
                raise PayloadError("file", f"a statement has at most {most} lines; split it by day")
            if not any(cell.strip() for cell in row):
                continue
            if any(cell.strip() for cell in row[len(names) :]):
                raise PayloadError("file", f"line {start}: more cells than the header has")
            yield start, dict(zip(names, row + [""] * (len(names) - len(row)), strict=False))
    except csv.Error as error:
        raise PayloadError("file", f"line {reader.line_num}: {error}") from error


def statement(
    data: bytes,
    columns: tuple[str, ...],
    required_columns: tuple[str, ...],
    read: Callable[[Mapping[str, Any], str], Transfer | None],
) -> list[StatementLine]:
    """Every credited transfer of a CSV statement; a bad row names its field and line."""
    lines: list[StatementLine] = []
    for number, row in csv_records(data, columns, required_columns):
        try:
            transfer = read(row, "")
        except PayloadError as error:
            raise PayloadError(error.field, f"line {number}: {error.message}") from error
        if transfer is not None:
            lines.append(StatementLine(number, transfer))
    return lines
