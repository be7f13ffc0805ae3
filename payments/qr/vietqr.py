"""VietQR codec: the NAPAS profile of the EMVCo merchant-presented QR, standard library only.
The EMVCo layer it stands on (TLV, CRC) is `payments.qr.emv`."""

import re
from dataclasses import dataclass, field
from typing import Any

from market.money import MAX_AMOUNT
from payments.qr.emv import (
    ADDITIONAL_DATA_NAMES,
    MAX_PAYLOAD_LENGTH,
    VIETQR_GUID,
    VietQRError,
    check_emv,
    crc16_ccitt_false,
    describe,
    find_account_tag,
    parse_emv,
    split,
    tlv,
    vnd_amount,
)

__all__ = ["VietQR", "VietQRError", "build", "build_from", "crc16_ccitt_false", "parse"]
__all__ += ["is_napas_conformant", "parse_emv", "MAX_PAYLOAD_LENGTH", "ADDITIONAL_DATA_NAMES"]

SERVICE_CODES = ("QRIBFTTA", "QRIBFTTC")
SUB_FIELD_LIMIT = 25
# VietQR fields that sit at the root as text, with the NAPAS length limit the builder enforces.
_ROOT_TEXTS = {"mcc": ("52", 4), "merchant_name": ("59", 25), "merchant_city": ("60", 15)}
_ROOT_TEXTS["postal_code"] = ("61", 10)
# Root tags build_from() writes from named fields; it carries every other root tag through.
_BUILT_TAGS = {"00", "01", "38", "52", "53", "54", "58", "59", "60", "61", "62", "63"}
_API_FIELDS = ("point_of_initiation", "bank_bin", "account_number", "service_code", "amount")
_API_FIELDS += ("currency", "country", "merchant_name", "merchant_city", "bill_number")
_API_FIELDS += ("reference_label", "terminal_label", "purpose", "crc")
_MANDATORY = {"01": "point of initiation", "53": "currency", "58": "country"}
_BIN = re.compile(r"[0-9]{6}")
# NAPAS's consumer account is "ans": MB virtual accounts and TPBank aliases hold lower-case
# letters, which a payer's app reads as they are.
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")


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
        return describe(self.tags)


def parse(payload: str) -> VietQR:
    """Decode a VietQR payload strictly; raise VietQRError naming the first defect found."""
    tags, nested = check_emv(payload)
    merchant, beneficiary = _vietqr_account(tags, nested)
    raw_amount = tags.get("54")
    extra = nested.get("62", {})
    return VietQR(
        tags["01"],
        beneficiary["00"],
        beneficiary["01"],
        merchant["02"],
        _checked_amount(raw_amount),
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


def _vietqr_account(tags: dict, nested: dict) -> tuple[dict[str, str], dict[str, str]]:
    """The merchant account template (tag 38) and its beneficiary, checked against the NAPAS
    profile with the root's mandatory tags."""
    vietqr = nested.get("38", {}).get("00") == VIETQR_GUID
    account_tag = "38" if vietqr else find_account_tag(tags)
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
    return merchant, beneficiary


def _checked_amount(raw_amount: str | None) -> int | None:
    """Tag 54 as a whole number of đồng, or None when absent; VietQRError when malformed."""
    amount = None if raw_amount is None else vnd_amount(raw_amount)
    if raw_amount is not None and amount is None:
        why = f"VND amounts are digits for 1 to {MAX_AMOUNT}, optionally ending in '.'"
        if re.fullmatch(r"[0-9]+\.[0-9]+", raw_amount):
            why = "VND has no decimals"
        raise VietQRError("amount_format", f"amount {raw_amount!r} is refused: {why}")
    return amount


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
    for tag, value in split(qr.tags.get("62", ""), "tag 62", "nested_length").items():
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
        kept = vnd_amount(qr.amount_text or "") == qr.amount
        amount_text = qr.amount_text if kept else str(qr.amount)
    if (qr.currency, qr.country) != ("704", "VN"):
        raise VietQRError("structure_semantic", "VietQR carries currency 704 (VND), country VN")
    account = tlv("00", qr.bank_bin) + tlv("01", qr.account_number)
    merchant = tlv("00", VIETQR_GUID) + tlv("01", account) + tlv("02", qr.service_code)
    root = {"00": "01", "01": qr.point_of_initiation, "38": merchant, "53": "704", "58": "VN"}
    root["54"] = amount_text
    for name, (tag, limit) in _ROOT_TEXTS.items():
        root[tag] = _text(getattr(qr, name), name, limit)
    additional = split(qr.tags.get("62", ""), "tag 62", "nested_length")
    for tag in additional.keys() | ADDITIONAL_DATA_NAMES.keys():
        name = ADDITIONAL_DATA_NAMES.get(tag, f"tag 62 sub-tag {tag}")
        additional[tag] = _text(getattr(qr, name, additional.get(tag)), name, SUB_FIELD_LIMIT)
    root["62"] = "".join(tlv(tag, v) for tag, v in sorted(additional.items()) if v) or None
    for tag in qr.tags.keys() - _BUILT_TAGS:
        root[tag] = _text(qr.tags[tag], f"tag {tag}", 99)
    if root["62"] and len(root["62"]) > 99:  # a TLV length has two digits
        found = f"additional data (tag 62) would be {len(root['62'])} characters"
        raise VietQRError("field_length", f"{found}; at most 99, shorten its fields")
    body = "".join(tlv(tag, v) for tag, v in sorted(root.items()) if v is not None) + "6304"
    if len(body) + 4 > MAX_PAYLOAD_LENGTH:
        raise VietQRError("payload_length", f"payload would be {len(body) + 4} characters")
    return body + f"{crc16_ccitt_false(body.encode()):04X}"
