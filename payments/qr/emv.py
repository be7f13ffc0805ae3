"""The EMVCo merchant-presented QR layer every VietQR shares: TLV fields, tags 00 and 63, the
CRC, and a generic description of any such payload. Standard library only."""

import binascii
import re
from typing import Any, NoReturn

from market.money import MAX_AMOUNT

VIETQR_GUID = "A000000727"
MAX_PAYLOAD_LENGTH = 512

_SUB_FIELDS = ("bill_number", "mobile_number", "store_label", "loyalty_number", "reference_label")
_SUB_FIELDS += ("customer_label", "terminal_label", "purpose", "consumer_data_request")
ADDITIONAL_DATA_NAMES = {f"{n:02d}": name for n, name in enumerate(_SUB_FIELDS, start=1)}
_ROOT_NAMES = {"52": "mcc", "53": "currency", "54": "amount", "55": "tip_or_convenience_indicator"}
_ROOT_NAMES |= {"56": "convenience_fee_fixed", "57": "convenience_fee_percent", "58": "country"}
_ROOT_NAMES |= {"59": "merchant_name", "60": "merchant_city", "61": "postal_code"}
_LANGUAGE_NAMES = {"00": "language", "01": "merchant_name", "02": "merchant_city"}
ACCOUNT_TAGS = {f"{n:02d}" for n in range(2, 52)}
TEMPLATE_TAGS = {f"{n:02d}" for n in range(26, 52)} | {"62", "64"}
_TAG_AND_LENGTH = re.compile(r"[0-9]{4}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_VND_AMOUNT = re.compile(r"[0-9]{1,13}\.?")  # VND has exponent 0: "50000." is legal, "50000.00" not


class VietQRError(ValueError):
    """Input VietQR refuses: `reason` is a machine code, `message` says what is wrong."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR."""
    return binascii.crc_hqx(data, 0xFFFF)  # the same CRC, computed in C


_TWO_DIGITS = {f"{n:02d}": n for n in range(100)}  # one dict lookup checks and converts


def split(text: str, where: str | None, reason: str) -> dict[str, str]:
    """Split one TLV level; `where` names the enclosing field, None at the root."""
    fields: dict[str, str] = {}
    pos, end = 0, len(text)
    digits = _TWO_DIGITS
    while pos < end:
        tag, size = text[pos : pos + 2], digits.get(text[pos + 2 : pos + 4])
        start = pos + 4
        if not size or tag not in digits or tag in fields or start + size > end:
            _tlv_error(text, pos, fields, where, reason)
        pos = start + size
        fields[tag] = text[start:pos]
    return fields


def _tlv_error(text: str, pos: int, fields: dict, where: str | None, reason: str) -> NoReturn:
    """Raise the error that explains why the TLV at pos does not parse."""
    head, after = text[pos : pos + 4], f" after tag {list(fields)[-1]}" if fields else ""
    if not _TAG_AND_LENGTH.fullmatch(head):
        place = f"{where or 'the payload'} has {text[pos : pos + 8]!r} at character {pos}{after}"
        short = len(head) < 4
        problem = "the lengths do not add up" if short else "expected a 2-digit tag and length"
        raise VietQRError(reason, f"{place}: {problem}")
    tag, size, left = head[:2], int(head[2:]), len(text) - pos - 4
    label = f"{where} sub-tag {tag}" if where else f"tag {tag}"
    if size == 0:
        raise VietQRError("zero_length_field", f"{label} has length 00; lengths run 01-99")
    if size > left:
        overrun = f"{label}{after} declares length {size}"
        raise VietQRError(reason, f"{overrun} but only {left} characters remain")
    raise VietQRError("structure_semantic", f"{label} appears twice")


def check_emv(payload: object) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Check the layer every EMVCo merchant QR shares: text, TLV, tags 00 and 63, the CRC."""
    if not isinstance(payload, str):
        raise VietQRError("not_text", f"payload must be text, not {type(payload).__name__}")
    if not 0 < len(payload) <= MAX_PAYLOAD_LENGTH:
        found = f"payload has {len(payload)} characters"
        raise VietQRError("payload_length", f"{found}; a QR holds 1 to {MAX_PAYLOAD_LENGTH}")
    if not payload.isprintable():
        at, char = next((i, c) for i, c in enumerate(payload) if not c.isprintable())
        raise VietQRError("not_text", f"payload has non-printable U+{ord(char):04X} at {at}")
    tags = split(payload, None, "root_length")
    first, last = next(iter(tags)), next(reversed(tags))
    if first != "00" or tags["00"] != "01":
        found = f"tag {first} = {tags[first]!r}"
        raise VietQRError("payload_format_indicator", f"payload opens with {found}, not 00 = '01'")
    if "63" not in tags:
        raise VietQRError("missing_crc", "tag 63 (CRC) is missing")
    if last != "63":
        raise VietQRError("crc_tag", f"tag 63 (CRC) must be last, but tag {last} ends the payload")
    crc = tags["63"]
    if len(crc) != 4:
        raise VietQRError("crc_tag", f"tag 63 (CRC) has length {len(crc):02d}; it must be 04")
    if not _HEX4.fullmatch(crc):
        raise VietQRError("crc_not_hex", f"CRC {crc!r} is not 4 hexadecimal digits")
    computed = f"{crc16_ccitt_false(payload[:-4].encode()):04X}"
    if crc.upper() != computed:
        raise VietQRError("crc_mismatch", f"CRC is {crc} but the payload computes to {computed}")
    nested: dict[str, dict[str, str]] = {}  # each template split once, "38.01" included
    for tag, value in tags.items():
        if tag in TEMPLATE_TAGS:
            sub = nested[tag] = split(value, f"tag {tag}", "nested_length")
            if sub.get("00") == VIETQR_GUID:
                where = f"tag {tag} sub-tag 01"
                nested[f"{tag}.01"] = split(sub.get("01", ""), where, "nested_length")
    return tags, nested


def find_account_tag(tags: dict[str, str]) -> str | None:
    if "38" in tags and split(tags["38"], "tag 38", "nested_length").get("00") == VIETQR_GUID:
        return "38"
    return next((tag for tag in tags if tag in ACCOUNT_TAGS), None)


def _named(value: str | None, names: dict[str, str]) -> dict[str, str] | None:
    if value is None:
        return None
    return {names.get(tag, tag): text for tag, text in split(value, None, "nested_length").items()}


def describe(tags: dict[str, str]) -> dict[str, Any]:
    account_tag = find_account_tag(tags)
    account: dict[str, Any] | None = None
    if account_tag is not None and account_tag not in TEMPLATE_TAGS:
        account = {"tag": account_tag, "value": tags[account_tag]}
    elif account_tag is not None:
        sub = split(tags[account_tag], None, "nested_length")
        account = {"tag": account_tag, "guid": sub.get("00")}
        if sub.get("00") == VIETQR_GUID:
            beneficiary = split(sub.get("01", ""), None, "nested_length")
            account |= {"bank_bin": beneficiary.get("00"), "account": beneficiary.get("01")}
            account["service_code"] = sub.get("02")
        else:
            account["fields"] = {tag: value for tag, value in sub.items() if tag != "00"}
    known = {"00", "01", "62", "63", "64", account_tag, *_ROOT_NAMES}
    return {name: tags.get(tag) for tag, name in _ROOT_NAMES.items()} | {
        "payload_format_indicator": tags.get("00"),
        "point_of_initiation": tags.get("01"),
        "merchant_account": account,
        "additional_data": _named(tags.get("62"), ADDITIONAL_DATA_NAMES),
        "language_template": _named(tags.get("64"), _LANGUAGE_NAMES),
        "other_tags": {tag: value for tag, value in tags.items() if tag not in known} or None,
        "crc": tags.get("63"),
        "tag_order": list(tags),
    }


def parse_emv(payload: str) -> dict[str, Any]:
    """Check the EMVCo TLV and CRC layer of any merchant-presented QR and describe its fields."""
    return describe(check_emv(payload)[0])


def vnd_amount(text: str) -> int | None:
    """A VND amount as written in tag 54 (1 to MAX_AMOUNT, digits, optionally ending in '.')."""
    if _VND_AMOUNT.fullmatch(text) and len(text) <= 13 and 1 <= int(text.rstrip(".")) <= MAX_AMOUNT:
        return int(text.rstrip("."))
    return None


def tlv(tag: str, value: str) -> str:
    """One field: its tag, its length in two digits, its value."""
    return f"{tag}{len(value):02d}{value}"
