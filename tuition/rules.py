"""School-fee rules as pure code: student rows, school years, exemptions, invoice status."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from market import identity
from market.text import clean, fold

STUDENT_FIELDS = (
    "student_code",
    "full_name",
    "class",
    "date_of_birth",
    "guardian_name",
    "guardian_phone",
)
STUDENT_REQUIRED = ("student_code", "full_name", "class", "guardian_name", "guardian_phone")
STUDENT_HEADERS = {
    "student_code": ("Mã học sinh", "Mã HS", "Mã số học sinh"),
    "full_name": ("Họ và tên", "Họ tên", "Họ tên học sinh", "Tên học sinh"),
    "class": ("Lớp", "class_name"),
    "date_of_birth": ("Ngày sinh",),
    "guardian_name": ("Phụ huynh", "Họ tên phụ huynh", "Tên phụ huynh", "Cha/mẹ"),
    "guardian_phone": ("SĐT phụ huynh", "Số điện thoại phụ huynh", "Điện thoại phụ huynh"),
}
_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,19}")
_CLASS = re.compile(r"[0-9A-Z][0-9A-Z._/-]{0,9}")
_YEAR = re.compile(r"(\d{4})\s*[-–/]\s*(\d{4})")


def normalize_student_code(value: Any) -> str:
    """A student code: upper case letters, digits, '.', '_' or '-', up to 20."""
    text = clean(None if value is None else str(value)).upper().replace(" ", "")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]  # a spreadsheet made the code a number
    if not text:
        raise identity.InvalidValue("student code is required")
    if not _CODE.fullmatch(text):
        raise identity.InvalidValue("a student code has up to 20 letters, digits, '.', '_', '-'")
    return text


def normalize_class(value: Any) -> str:
    """A class name such as 6A1 or 10/2, upper case, without spaces."""
    text = fold(None if value is None else str(value)).upper().replace(" ", "")
    text = re.sub(r"^LOP", "", text)
    if not text:
        raise identity.InvalidValue("class is required")
    if not _CLASS.fullmatch(text):
        raise identity.InvalidValue("a class has up to 10 letters, digits, '/', '.', '-'")
    return text


def parse_birth_date(value: Any) -> date | None:
    """A date of birth from 'dd/mm/yyyy', 'yyyy-mm-dd' or a spreadsheet date; None if empty."""
    text = clean(None if value is None else str(value))
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            born = datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
        if not date(1990, 1, 1) <= born <= date.today():
            raise identity.InvalidValue("date of birth is out of range")
        return born
    raise identity.InvalidValue("a date of birth is written dd/mm/yyyy")


def normalize_student(raw: dict[str, Any]) -> tuple[dict, dict]:
    """(normalised values, {field: message}) for one student row."""
    steps = {
        "student_code": normalize_student_code,
        "full_name": identity.normalize_full_name,
        "class": normalize_class,
        "date_of_birth": parse_birth_date,
        "guardian_name": identity.normalize_full_name,
        "guardian_phone": identity.normalize_phone,
    }
    values, errors = {}, {}
    for name, step in steps.items():
        try:
            values[name] = step(raw.get(name))
        except identity.InvalidValue as exc:
            errors[name] = str(exc)
    if "full_name" in values:
        values["name_folded"] = fold(values["full_name"])
    if "class" in values:
        values["class_name"] = values.pop("class")
    return values, errors


def normalize_school_year(value: str) -> str:
    """'2025-2026' from '2025–2026' or '2025/2026'; the years must follow each other."""
    found = _YEAR.fullmatch(clean(value))
    if not found or int(found.group(2)) != int(found.group(1)) + 1:
        raise identity.InvalidValue("a school year is written 2025-2026")
    return f"{found.group(1)}-{found.group(2)}"


@dataclass(frozen=True)
class Reduction:
    percent: int | None
    amount: int | None
    kinds: tuple[str, ...] | None
    valid_from: date | None = None
    valid_to: date | None = None

    def applies(self, kind: str, on: date) -> bool:
        """True when this reduction covers a line of kind on the day on."""
        in_time = (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )
        return in_time and (self.kinds is None or kind in self.kinds)


def _split(pot: int, weights: list[int]) -> list[int]:
    """pot shared in proportion to weights, in whole đồng, largest remainders first."""
    total = sum(weights)
    if not total:
        return [0] * len(weights)
    shares = [pot * w // total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(pot * weights[i] % total), i))
    for i in order[: pot - sum(shares)]:
        shares[i] += 1
    return shares


def invoice_lines(
    lines: list[tuple[str, str, int]], reductions: list[Reduction], on: date
) -> list[dict]:
    """Each plan line with its discount and amount due. The highest percent applies (policies
    do not add up), then fixed amounts spread over the lines they cover; every figure is whole
    đồng and the lines always add up to the invoice total."""
    out = []
    for item, kind, base in lines:
        percent = max(
            (r.percent for r in reductions if r.percent and r.applies(kind, on)), default=0
        )
        discount = (base * percent + 50) // 100
        out.append({"item": item, "kind": kind, "base_amount": base, "discount_amount": discount})
    for reduction in (r for r in reductions if r.amount):
        covered = [i for i, line in enumerate(out) if reduction.applies(line["kind"], on)]
        room = [out[i]["base_amount"] - out[i]["discount_amount"] for i in covered]
        for i, share in zip(covered, _split(min(reduction.amount, sum(room)), room), strict=True):
            out[i]["discount_amount"] += share
    for line in out:
        line["amount"] = line["base_amount"] - line["discount_amount"]
    return out


def invoice_status_rule(total: Any, paid: Any) -> tuple[list[tuple[Any, str]], str]:
    """The status of an invoice of total with paid counted on it: (condition, status) pairs,
    the first that holds wins, and the status when none does. Written only with operators
    that Python numbers and SQL expressions share, so that the status computed here and the
    one the database writes when a payment lands are one rule."""
    return [
        ((paid <= 0) & (total == 0), "paid"),  # nothing was due
        (paid <= 0, "open"),
        (paid < total, "partially_paid"),
        (paid == total, "paid"),
    ], "overpaid"


def invoice_status(total: int, paid: int) -> str:
    """open, partially_paid, paid or overpaid for an invoice's total and what was paid."""
    whens, otherwise = invoice_status_rule(total, paid)
    return next((status for holds, status in whens if holds), otherwise)
