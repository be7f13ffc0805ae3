"""A vendor's audit log in Vietnamese sentences: who did what, from which value to which.

Pure: it reads audit entries and the names of their actors, no Flask, no database."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from market.banks import bank_by_bin
from market.identity import mask
from market.words import word

FIELDS = {  # the vendor's fields as the board names them
    "stall": "sạp",
    "full_name": "họ và tên",
    "phone": "số điện thoại",
    "national_id": "số CCCD",
    "category": "ngành hàng",
    "bank_bin": "ngân hàng",
    "account_number": "số tài khoản",
    "account_name": "tên chủ tài khoản",
    "status": "trạng thái",
}
DONE = {  # action → what the actor did
    "create": "Đăng ký tiểu thương",
    "import": "Nhập từ file danh sách",
    "update": "Sửa thông tin",
    "activate": "Kích hoạt",
    "suspend": "Tạm ngưng bán hàng",
    "close": "Cho ngừng kinh doanh",
}
SYSTEM = "Hệ thống"  # an entry without an actor (a script, the demo)


@dataclass(frozen=True)
class Line:
    at: datetime
    who: str
    what: str  # the action in a few words
    sentence: str  # the whole of it, for a person to read


def shown(field: str, value: Any) -> str:
    """A field's value as a person reads it: banks by name, national IDs masked, statuses
    in words."""
    if value in (None, ""):
        return "(trống)"
    if field == "bank_bin":
        bank = bank_by_bin(str(value))
        return bank.short_name if bank else str(value)
    if field == "national_id":
        return mask(str(value), 3)
    if field == "status":
        return word("vendor", value)
    return str(value)


def _change(field: str, old: Any, new: Any) -> str:
    label = FIELDS.get(field, field)
    if old in (None, ""):
        return f"{label}: {shown(field, new)}"
    return f"{label} từ {shown(field, old)} thành {shown(field, new)}"


def describe(action: str, changes: dict, reason: str | None, who: str) -> str:
    """The sentence of one audit entry: "hoa.nt đã tạm ngưng bán hàng (Đang hoạt động →
    Tạm ngưng). Lý do: Nợ phí."."""
    done = DONE.get(action, action).lower()
    parts = [_change(f, *pair) for f, pair in changes.items() if f != "status"]
    sentence = f"{who} đã {done}"
    if "status" in changes:
        old, new = changes["status"]
        sentence += f" ({shown('status', old)} → {shown('status', new)})"
    if parts:
        sentence += ": " + "; ".join(parts)
    sentence += "."
    if reason:
        sentence += f" Lý do: {reason.rstrip('.')}."
    return sentence


def lines(entries: list, names: dict[int, str]) -> list[Line]:
    """The entries (audit records, oldest first) as lines, newest first."""
    found = []
    for entry in reversed(entries):
        who = names.get(entry.actor_id, SYSTEM) if entry.actor_id else SYSTEM
        what = DONE.get(entry.action, entry.action)
        sentence = describe(entry.action, entry.changes or {}, entry.reason, who)
        found.append(Line(at=entry.at, who=who, what=what, sentence=sentence))
    return found
