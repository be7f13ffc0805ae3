"""Reading the fields of a provider's notification or statement line: money, identifiers,
accounts, banks, text and times, each refused (PayloadError naming the field) or cut by rule."""

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from market.banks import UnknownBank, resolve_bank
from market.clock import VIETNAM
from market.money import MAX_AMOUNT
from market.text import clean
from payments.ingest import limits
from payments.ingest.providers.base import PayloadError

_ACCOUNT = re.compile(rf"[0-9A-Z]{{1,{limits.ACCOUNT}}}")
# JSON may escape half of a UTF-16 pair ("\ud800"), which no database can store.
_SURROGATE = re.compile("[\ud800-\udfff]")


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
