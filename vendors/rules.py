"""How a vendor's details are normalised and checked: pure, shared by the API and imports."""

import re
from typing import Any

from market import identity
from market.banks import UnknownBank, resolve_bank
from market.text import clean, fold, has_control_characters, qr_ascii

FIELDS = (
    "stall",
    "full_name",
    "phone",
    "national_id",
    "category",
    "bank",
    "account_number",
    "account_name",
)
REQUIRED = ("stall", "full_name", "phone", "bank", "account_number")
HEADER_ALIASES = {
    "stall": ("Sạp", "Ki-ốt", "Kiốt", "Ki ốt", "Quầy", "Số sạp", "Mã sạp"),
    "full_name": ("Họ và tên", "Họ tên", "Tên tiểu thương", "Name"),
    "phone": ("Số điện thoại", "SĐT", "Điện thoại", "Phone number"),
    "national_id": ("CCCD", "Số CCCD", "Căn cước", "Căn cước công dân"),
    "category": ("Ngành hàng", "Mặt hàng", "Loại hàng"),
    "bank": ("Ngân hàng", "Bank BIN", "BIN"),
    "account_number": ("Số tài khoản", "STK", "Số TK", "Account"),
    "account_name": ("Tên chủ tài khoản", "Chủ tài khoản", "Tên tài khoản"),
}
STATUSES = ("pending", "active", "suspended", "closed")
TRANSITIONS = {
    "pending": {"active", "closed"},
    "active": {"suspended", "closed"},
    "suspended": {"active", "closed"},
    "closed": set(),
}
ACTIONS = {"activate": "active", "suspend": "suspended", "close": "closed"}  # action → status
REASON_NEEDED = ("suspended", "closed")  # the audit log says why a vendor stopped selling


def normalize_account_name(value: Any, full_name: str | None) -> str:
    """The holder's name as the bank shows it: ASCII upper case; the vendor's name if empty."""
    text = qr_ascii(clean(value if value is None else str(value)))
    if not text:
        if not full_name:
            raise identity.InvalidValue("account name is required")
        text = qr_ascii(full_name)
    if len(text) > 70 or has_control_characters(text):
        raise identity.InvalidValue("an account name has at most 70 characters")
    if not all(ch.isalnum() or ch in " .-'&," for ch in text):
        raise identity.InvalidValue("an account name holds letters, digits and . - ' & ,")
    return text


def normalize_category(value: Any) -> str | None:
    """A goods category, or None."""
    text = clean(value if value is None else str(value))
    if len(text) > 60:
        raise identity.InvalidValue("a category has at most 60 characters")
    return text or None


def _bank_bin(value: Any) -> str:
    try:
        return resolve_bank(value).bin
    except UnknownBank as exc:
        raise identity.InvalidValue(str(exc)) from exc


def normalize_vendor(raw: dict[str, Any], *, partial: bool = False) -> tuple[dict, dict]:
    """(normalised values, {field: message}) for a vendor's raw details.

    With partial=True only the fields present are checked (an update)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    steps = {
        "stall": identity.normalize_stall,
        "full_name": identity.normalize_full_name,
        "phone": identity.normalize_phone,
        "national_id": identity.normalize_national_id,
        "category": normalize_category,
        "bank": _bank_bin,
        "account_number": identity.normalize_account_number,
    }
    for field, step in steps.items():
        if partial and field not in raw:
            continue
        try:
            values["bank_bin" if field == "bank" else field] = step(raw.get(field))
        except identity.InvalidValue as exc:
            errors[field] = str(exc)
    if not partial or "account_name" in raw:
        try:
            values["account_name"] = normalize_account_name(
                raw.get("account_name"), values.get("full_name") or raw.get("full_name")
            )
        except identity.InvalidValue as exc:
            errors["account_name"] = str(exc)
    if "full_name" in values:
        values["name_folded"] = fold(values["full_name"])
    return values, errors


def can_move(current: str, target: str) -> bool:
    """True when a vendor in status current may move to target."""
    return target in TRANSITIONS.get(current, set())


def allowed_actions(current: str) -> list[str]:
    """The status actions a vendor in status current may take next, in ACTIONS order."""
    return [action for action, target in ACTIONS.items() if can_move(current, target)]


def needs_reason(target: str) -> bool:
    """True when moving a vendor to target must say why."""
    return target in REASON_NEEDED


def stall_order(stall: str, name_folded: str) -> tuple:
    """How a market's list orders its vendors: by stall in natural order (A-2 before A-10),
    then by name."""
    parts = re.split(r"(\d+)", stall.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name_folded
