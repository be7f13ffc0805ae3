"""VietQR codec: the NAPAS profile of the EMVCo merchant-presented QR, standard library only."""

import binascii
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

from market.money import MAX_AMOUNT

VIETQR_GUID = "A000000727"
SERVICE_CODES = ("QRIBFTTA", "QRIBFTTC")
MAX_PAYLOAD_LENGTH = 512
SUB_FIELD_LIMIT = 25

_SUB_FIELDS = ("bill_number", "mobile_number", "store_label", "loyalty_number", "reference_label")
_SUB_FIELDS += ("customer_label", "terminal_label", "purpose", "consumer_data_request")
ADDITIONAL_DATA_NAMES = {f"{n:02d}": name for n, name in enumerate(_SUB_FIELDS, start=1)}
_ROOT_NAMES = {"52": "mcc", "53": "currency", "54": "amount", "55": "tip_or_convenience_indicator"}
_ROOT_NAMES |= {"56": "convenience_fee_fixed", "57": "convenience_fee_percent", "58": "country"}
_ROOT_NAMES |= {"59": "merchant_name", "60": "merchant_city", "61": "postal_code"}
_LANGUAGE_NAMES = {"00": "language", "01": "merchant_name", "02": "merchant_city"}
# VietQR fields that sit at the root as text, with the NAPAS length limit the builder enforces.
_ROOT_TEXTS = {"mcc": ("52", 4), "merchant_name": ("59", 25), "merchant_city": ("60", 15)}
_ROOT_TEXTS["postal_code"] = ("61", 10)
_ACCOUNT_TAGS = {f"{n:02d}" for n in range(2, 52)}
_TEMPLATE_TAGS = {f"{n:02d}" for n in range(26, 52)} | {"62", "64"}
# Root tags build_from() writes from named fields; it carries every other root tag through.
_BUILT_TAGS = {"00", "01", "38", "52", "53", "54", "58", "59", "60", "61", "62", "63"}
_API_FIELDS = ("point_of_initiation", "bank_bin", "account_number", "service_code", "amount")
_API_FIELDS += ("currency", "country", "merchant_name", "merchant_city", "bill_number")
_API_FIELDS += ("reference_label", "terminal_label", "purpose", "crc")
_MANDATORY = {"01": "point of initiation", "53": "currency", "58": "country"}
_TAG_AND_LENGTH = re.compile(r"[0-9]{4}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_BIN = re.compile(r"[0-9]{6}")
# NAPAS's consumer account is "ans": MB virtual accounts and TPBank aliases hold lower-case
# letters, which a payer's app reads as they are.
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_VND_AMOUNT = re.compile(r"[0-9]{1,13}\.?")  # VND has exponent 0: "50000." is legal, "50000.00" not


class VietQRError(ValueError):
    """Input VietQR refuses: `reason` is a machine code, `message` says what is wrong."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(slots=True)  # not frozen: a frozen init costs ~6 µs of a ~30 µs parse
class VietQR:
    """One VietQR payload's fields; `tags`, `tag_order` and `amount_text` keep them as written."""

    point_of_initiation: str
    bank_bin: str
    account_number: str
    service_code: str = "QRIBFTTA"
    amount: int | None = None
    currency: str = "704"
    country: str = "VN"
    merchant_name: str | None = None
    merchant_city: str | None = None
    postal_code: str | None = None
    bill_number: str | None = None
    mobile_number: str | None = None
    store_label: str | None = None
    loyalty_number: str | None = None
    reference_label: str | None = None
    customer_label: str | None = None
    terminal_label: str | None = None
    purpose: str | None = None
    mcc: str | None = None
    crc: str | None = None
    amount_text: str | None = None
    tags: dict[str, str] = field(default_factory=dict, hash=False)
    tag_order: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Answer shape of `/qr/decode`."""
        return {"valid": True} | {name: getattr(self, name) for name in _API_FIELDS}

    def emv_fields(self) -> dict[str, Any]:
        """Generic EMVCo description of the raw tags, the same shape as `parse_emv`."""
        return _describe(self.tags)


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR."""
    return binascii.crc_hqx(data, 0xFFFF)  # the same CRC, computed in C


_TWO_DIGITS = {f"{n:02d}": n for n in range(100)}  # one dict lookup checks and converts


def _split(text: str, where: str | None, reason: str) -> dict[str, str]:
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


def _check_emv(payload: object) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Check the layer every EMVCo merchant QR shares: text, TLV, tags 00 and 63, the CRC."""
    if not isinstance(payload, str):
        raise VietQRError("not_text", f"payload must be text, not {type(payload).__name__}")
    if not 0 < len(payload) <= MAX_PAYLOAD_LENGTH:
        found = f"payload has {len(payload)} characters"
        raise VietQRError("payload_length", f"{found}; a QR holds 1 to {MAX_PAYLOAD_LENGTH}")
    if not payload.isprintable():
        at, char = next((i, c) for i, c in enumerate(payload) if not c.isprintable())
        raise VietQRError("not_text", f"payload has non-printable U+{ord(char):04X} at {at}")
    tags = _split(payload, None, "root_length")
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
        if tag in _TEMPLATE_TAGS:
            sub = nested[tag] = _split(value, f"tag {tag}", "nested_length")
            if sub.get("00") == VIETQR_GUID:
                where = f"tag {tag} sub-tag 01"
                nested[f"{tag}.01"] = _split(sub.get("01", ""), where, "nested_length")
    return tags, nested


def _account_tag(tags: dict[str, str]) -> str | None:
    if "38" in tags and _split(tags["38"], "tag 38", "nested_length").get("00") == VIETQR_GUID:
        return "38"
    return next((tag for tag in tags if tag in _ACCOUNT_TAGS), None)


def _named(value: str | None, names: dict[str, str]) -> dict[str, str] | None:
    if value is None:
        return None
    return {names.get(tag, tag): text for tag, text in _split(value, None, "nested_length").items()}


def _describe(tags: dict[str, str]) -> dict[str, Any]:
    account_tag = _account_tag(tags)
    account: dict[str, Any] | None = None
    if account_tag is not None and account_tag not in _TEMPLATE_TAGS:
        account = {"tag": account_tag, "value": tags[account_tag]}
    elif account_tag is not None:
        sub = _split(tags[account_tag], None, "nested_length")
        account = {"tag": account_tag, "guid": sub.get("00")}
        if sub.get("00") == VIETQR_GUID:
            beneficiary = _split(sub.get("01", ""), None, "nested_length")
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
    return _describe(_check_emv(payload)[0])


def _amount(text: str) -> int | None:
    if _VND_AMOUNT.fullmatch(text) and len(text) <= 13 and int(text.rstrip(".")) >= 1:
        return int(text.rstrip("."))
    return None


def parse(payload: str) -> VietQR:
    """Decode a VietQR payload strictly; raise VietQRError naming the first defect found."""
    tags, nested = _check_emv(payload)
    account_tag = "38" if nested.get("38", {}).get("00") == VIETQR_GUID else _account_tag(tags)
    if account_tag is None:
        raise VietQRError("missing_mandatory", "no merchant account tag (02-51); VietQR uses 38")
    merchant = nested.get(account_tag, {})
    if account_tag != "38" or merchant.get("00") != VIETQR_GUID:
        found = f"merchant account is tag {account_tag}, GUID {merchant.get('00', 'none')}"
        raise VietQRError("unsupported_scheme", f"{found}; VietQR is tag 38, GUID {VIETQR_GUID}")
    if not _MANDATORY.keys() <= tags.keys():
        tag, name = next((t, n) for t, n in _MANDATORY.items() if t not in tags)
        raise VietQRError("missing_mandatory", f"tag {tag} ({name}) is missing")
    if tags["01"] not in ("11", "12"):
        found = f"point of initiation {tags['01']!r}"
        raise VietQRError("point_of_initiation", f"{found} is not 11 (static) or 12 (dynamic)")
    beneficiary = nested["38.01"]
    if merchant.keys() != {"00", "01", "02"} or beneficiary.keys() != {"00", "01"}:
        found = f"tag 38 holds {'/'.join(merchant)} and its 01 holds {'/'.join(beneficiary)}"
        raise VietQRError("structure_semantic", f"{found}, not 00/01/02 and 00 (BIN)/01 (account)")
    _check_account(beneficiary["00"], beneficiary["01"], merchant["02"])
    if tags["53"] != "704" or tags["58"] != "VN":
        found = f"currency {tags['53']} and country {tags['58']}"
        raise VietQRError("structure_semantic", f"{found}; VietQR needs 704 (VND) and VN")
    raw_amount = tags.get("54")
    amount = None if raw_amount is None else _amount(raw_amount)
    if raw_amount is not None and amount is None:
        why = f"VND amounts are digits for 1 to {MAX_AMOUNT}, optionally ending in '.'"
        if re.fullmatch(r"[0-9]+\.[0-9]+", raw_amount):
            why = "VND has no decimals"
        raise VietQRError("amount_format", f"amount {raw_amount!r} is refused: {why}")
    extra = nested.get("62", {})
    return VietQR(
        tags["01"],
        beneficiary["00"],
        beneficiary["01"],
        merchant["02"],
        amount,
        merchant_name=tags.get("59"),
        merchant_city=tags.get("60"),
        mcc=tags.get("52"),
        postal_code=tags.get("61"),
        bill_number=extra.get("01"),
        mobile_number=extra.get("02"),
        store_label=extra.get("03"),
        loyalty_number=extra.get("04"),
        reference_label=extra.get("05"),
        customer_label=extra.get("06"),
        terminal_label=extra.get("07"),
        purpose=extra.get("08"),
        crc=tags["63"],
        amount_text=raw_amount,
        tags=tags,
        tag_order=tuple(tags),
    )


def _check_account(bank_bin: object, account: object, service_code: object) -> None:
    if not isinstance(bank_bin, str) or not _BIN.fullmatch(bank_bin):
        raise VietQRError("bin_format", f"bank BIN {bank_bin!r} is not 6 digits")
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        raise VietQRError("account_format", f"account {account!r} is not 1-19 letters or digits")
    if service_code not in SERVICE_CODES:
        raise VietQRError("service_code", f"service {service_code!r} is not QRIBFTTA/QRIBFTTC")


def is_napas_conformant(qr: VietQR) -> list[str]:
    """List the NAPAS limits a parsed payload breaks; an empty list means it conforms."""
    findings = []
    if qr.crc is not None and qr.crc != qr.crc.upper():
        findings.append("CRC written in lower-case hex")
    for tag, name, limit in (("59", "merchant name", 25), ("60", "merchant city", 15)):
        if len(qr.tags.get(tag, "")) > limit:
            findings.append(f"{tag} {name} is {len(qr.tags[tag])} chars (max {limit})")
    for tag, value in _split(qr.tags.get("62", ""), "tag 62", "nested_length").items():
        if len(value) > SUB_FIELD_LIMIT:
            name = ADDITIONAL_DATA_NAMES.get(tag, f"sub-tag {tag}").replace("_", " ")
            findings.append(f"62 {name} is {len(value)} chars (max {SUB_FIELD_LIMIT})")
    for tag in ("59", "60", "62"):
        if not qr.tags.get(tag, "").isascii():
            findings.append(f"non-ASCII characters in tag {tag} (format ans)")
    return findings


def _text(value: object, label: str, limit: int) -> str | None:
    """One text field for the builder; empty means absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise VietQRError("not_text", f"{label} must be text, not {type(value).__name__}")
    bad = next((char for char in value if not " " <= char <= "~"), None)
    if bad is not None:
        found = f"{label} contains {bad!r} (U+{ord(bad):04X})"
        raise VietQRError("non_ascii", f"{found}; QR text is printable ASCII, fold it first")
    if len(value) > limit:
        raise VietQRError("field_length", f"{label} is {len(value)} characters; at most {limit}")
    return value


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def build(
    *,
    bank_bin: str,
    account_number: str,
    service_code: str = "QRIBFTTA",
    amount: int | None = None,
    bill_number: str | None = None,
    reference_label: str | None = None,
    terminal_label: str | None = None,
    purpose: str | None = None,
    merchant_name: str | None = None,
    merchant_city: str | None = None,
    store_label: str | None = None,
    mobile_number: str | None = None,
    customer_label: str | None = None,
    point_of_initiation: str | None = None,
) -> str:
    """Build a NAPAS-conforming VietQR payload, refusing any input that would break the profile."""
    if point_of_initiation is None:
        dynamic = amount is not None or bool(bill_number) or bool(reference_label)
        point_of_initiation = "12" if dynamic else "11"
    qr = VietQR(
        point_of_initiation=point_of_initiation,
        bank_bin=bank_bin,
        account_number=account_number,
        service_code=service_code,
        amount=amount,
        merchant_name=merchant_name,
        merchant_city=merchant_city,
        bill_number=bill_number,
        mobile_number=mobile_number,
        store_label=store_label,
        reference_label=reference_label,
        customer_label=customer_label,
        terminal_label=terminal_label,
        purpose=purpose,
    )
    return build_from(qr)


def build_from(qr: VietQR) -> str:
    """Build a conforming payload from parsed or hand-made fields, keeping unmodelled tags."""
    if qr.point_of_initiation not in ("11", "12"):
        found = f"point of initiation {qr.point_of_initiation!r}"
        raise VietQRError("point_of_initiation", f"{found} is not 11 (static) or 12 (dynamic)")
    _check_account(qr.bank_bin, qr.account_number, qr.service_code)
    amount_text = None
    if qr.amount is not None:
        if type(qr.amount) is not int or not 1 <= qr.amount <= MAX_AMOUNT:
            found = f"amount {qr.amount!r} is not a whole number of dong"
            raise VietQRError("amount_format", f"{found} from 1 to {MAX_AMOUNT:_}")
        # A parsed "50000." is legal NAPAS; keep it so a rebuild reproduces the input.
        kept = _amount(qr.amount_text or "") == qr.amount
        amount_text = qr.amount_text if kept else str(qr.amount)
    if (qr.currency, qr.country) != ("704", "VN"):
        raise VietQRError("structure_semantic", "VietQR carries currency 704 (VND), country VN")
    account = _tlv("00", qr.bank_bin) + _tlv("01", qr.account_number)
    merchant = _tlv("00", VIETQR_GUID) + _tlv("01", account) + _tlv("02", qr.service_code)
    root = {"00": "01", "01": qr.point_of_initiation, "38": merchant, "53": "704", "58": "VN"}
    root["54"] = amount_text
    for name, (tag, limit) in _ROOT_TEXTS.items():
        root[tag] = _text(getattr(qr, name), name, limit)
    additional = _split(qr.tags.get("62", ""), "tag 62", "nested_length")
    for tag in additional.keys() | ADDITIONAL_DATA_NAMES.keys():
        name = ADDITIONAL_DATA_NAMES.get(tag, f"tag 62 sub-tag {tag}")
        additional[tag] = _text(getattr(qr, name, additional.get(tag)), name, SUB_FIELD_LIMIT)
    root["62"] = "".join(_tlv(tag, v) for tag, v in sorted(additional.items()) if v) or None
    for tag in qr.tags.keys() - _BUILT_TAGS:
        root[tag] = _text(qr.tags[tag], f"tag {tag}", 99)
    if root["62"] and len(root["62"]) > 99:  # a TLV length has two digits
        found = f"additional data (tag 62) would be {len(root['62'])} characters"
        raise VietQRError("field_length", f"{found}; at most 99, shorten its fields")
    body = "".join(_tlv(tag, v) for tag, v in sorted(root.items()) if v is not None) + "6304"
    if len(body) + 4 > MAX_PAYLOAD_LENGTH:
        raise VietQRError("payload_length", f"payload would be {len(body) + 4} characters")
    return body + f"{crc16_ccitt_false(body.encode()):04X}"
