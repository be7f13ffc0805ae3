"""Names, phone numbers, national IDs (CCCD), stalls and account numbers as rosters write
them: the rules every domain applies to a person's details."""

import re
import unicodedata
from typing import Any

from market.text import clean

_PHONE_JUNK = re.compile(r"[\s.\-()/]")
_ID_JUNK = re.compile(r"[\s.\-]")
_STALL_SEPARATORS = re.compile(r"\s*([-/.])\s*")
MOBILE = re.compile(r"0[35789]\d{8}")
ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
STALL = re.compile(r"[0-9A-Z][0-9A-Z./-]{0,19}")
NAME_PUNCTUATION = frozenset(" '.-")

# Province codes that open a 12-digit CCCD (Circular 59/2021/TT-BCA, annex I): the first three
# digits say where the citizen was registered at birth.
CCCD_PROVINCES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 "
    "034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 "
    "067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)


class InvalidValue(ValueError):
    """A value that cannot be normalised; the message says why, in words for the user."""


def normalize_full_name(value: Any) -> str:
    """A person's name: NFC, single spaces, letters and ' . - only, 2–100 characters."""
    text = clean(value if value is None else str(value))
    if not text:
        raise InvalidValue("name is required")
    if len(text) < 2 or len(text) > 100:
        raise InvalidValue("a name has 2 to 100 characters")
    for ch in text:
        if ch not in NAME_PUNCTUATION and not unicodedata.category(ch).startswith(("L", "M")):
            raise InvalidValue(f"a name cannot contain {ch!r}")
    return text


def _digits_of_spreadsheet_number(text: str) -> str:
    # A spreadsheet that turned the cell into a number may hand back "912345678.0".
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def normalize_phone(value: str | int | None) -> str:
    """A mobile number as 10 digits 0[35789]xxxxxxxx from the many ways people write it."""
    text = _digits_of_spreadsheet_number(clean(str(value) if value is not None else ""))
    text = _PHONE_JUNK.sub("", text)
    if not text:
        raise InvalidValue("phone number is required")
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    elif len(text) == 9 and text[0] in "35789":
        text = "0" + text  # a spreadsheet dropped the leading zero
    if not text.isdigit():
        raise InvalidValue("phone number may hold only digits, spaces, dots, dashes, brackets")
    if not MOBILE.fullmatch(text):
        raise InvalidValue("not a Vietnamese mobile number (10 digits starting 03, 05, 07, 08, 09)")
    return text


def normalize_national_id(value: str | int | None) -> str | None:
    """A 12-digit CCCD, or None when absent; refuses old 9-digit CMND numbers."""
    text = _digits_of_spreadsheet_number(clean(str(value) if value is not None else ""))
    text = _ID_JUNK.sub("", text)
    if not text:
        return None
    if not text.isdigit():
        raise InvalidValue("national ID may hold only digits")
    if len(text) == 11:
        text = "0" + text  # a spreadsheet dropped the leading zero
    if len(text) == 9:
        raise InvalidValue("9-digit CMND numbers are no longer accepted; give the 12-digit CCCD")
    if len(text) != 12:
        raise InvalidValue("a CCCD has 12 digits")
    if text[:3] not in CCCD_PROVINCES:
        raise InvalidValue(f"a CCCD cannot start with province code {text[:3]}")
    return text


def normalize_account_number(value: str | int | None) -> str:
    """An account number of 1–19 letters or digits, spaces and dashes removed, letters kept
    in the case given (a virtual account's letters go into its QR as the bank wrote them)."""
    text = _digits_of_spreadsheet_number(clean(str(value) if value is not None else ""))
    text = _ID_JUNK.sub("", text)
    if not text:
        raise InvalidValue("account number is required")
    if not ACCOUNT.fullmatch(text):
        raise InvalidValue("an account number has 1 to 19 letters or digits")
    return text


def normalize_stall(value: str | int | None) -> str:
    """A stall label, upper case, without spaces around its separators ('b - 056' → 'B-056')."""
    text = clean(str(value) if value is not None else "").upper()
    text = _STALL_SEPARATORS.sub(r"\1", text).replace(" ", "-")
    if not text:
        raise InvalidValue("stall is required")
    if not STALL.fullmatch(text):
        raise InvalidValue("a stall has up to 20 letters, digits, '-', '/' or '.'")
    return text


def mask(value: str | None, visible: int = 4) -> str | None:
    """value with all but its last `visible` characters replaced by '•'."""
    if not value:
        return value
    return "•" * max(len(value) - visible, 0) + value[-visible:]
