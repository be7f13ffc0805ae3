"""Forms of the school's pages read into what the services take: amounts written the
Vietnamese way ("500.000"), blank rows of a plan's lines left out, the schema's refusals in
Vietnamese beside their fields. Pure, no Flask."""

import re
from collections.abc import Mapping

from marshmallow import ValidationError

from market.roster.service import ImportResult
from market.words import word
from tuition.models import LINE_KINDS as KINDS
from tuition.page_words import say_errors
from tuition.schemas import ExemptionCreateSchema, FeePlanCreateSchema

LINE_KINDS = [(kind, word("line_kind", kind)) for kind in KINDS]
LINE_ROWS = 6  # empty line rows a plan's form offers
EXEMPTION_FIELDS = ("mode", "percent", "amount", "reason", "legal_basis", "valid_from", "valid_to")
PLAN_FIELDS = ("name", "school_year", "term", "due_date")


def amount(text: str) -> int | str:
    """'500.000', '500 000 ₫' or '500000' → 500000; anything else is left for the schema."""
    digits = re.sub(r"[\s.,₫]|đ$|đồng$|d$", "", text.strip().lower())
    return int(digits) if digits.isdigit() and len(digits) < 16 else text


def _load(schema, data: dict) -> tuple[dict, dict]:
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return {}, say_errors(error.messages)


def exemption(form: Mapping) -> tuple[dict, dict, dict]:
    """(what the form said, the exemption's details, errors by field)."""
    said = {k: form.get(k, "").strip()[:300] for k in EXEMPTION_FIELDS}
    said["kinds"] = [k for k in form.getlist("kinds") if k][:10] if hasattr(form, "getlist") else []
    data = {k: said[k] for k in ("reason", "legal_basis", "valid_from", "valid_to") if said[k]}
    if said["mode"] == "amount":
        data["amount"] = amount(said["amount"])
    else:
        data["percent"] = amount(said["percent"].rstrip("%"))
    if said["kinds"]:
        data["kinds"] = said["kinds"]
    if said["mode"] not in ("percent", "amount"):
        return said, {}, {"mode": ["Chọn giảm theo phần trăm hoặc theo số tiền."]}
    details, errors = _load(ExemptionCreateSchema(), data)
    for key in [k for k in errors if k.startswith("kinds-")]:
        errors["kinds"] = errors.pop(key)
    if said["mode"] == "amount" and not said["amount"]:
        errors["amount"] = ["Nhập số tiền được giảm, ví dụ 200.000."]
    elif said["mode"] == "percent" and not said["percent"]:
        errors["percent"] = ["Nhập phần trăm được giảm, ví dụ 50."]
    return said, details, errors


def plan(form: Mapping, classes_known: list[str]) -> tuple[dict, dict, dict]:
    """(what the form said, the plan's details, errors by field: lines as line-<row>-<field>)."""
    said = {k: form.get(k, "").strip()[:200] for k in PLAN_FIELDS}
    said["classes"] = [c for c in form.getlist("classes") if c in classes_known]
    rows = [
        {k: form.get(f"line-{i}-{k}", "").strip()[:200] for k in ("item", "kind", "amount")}
        for i in range(50)
        if f"line-{i}-item" in form
    ]
    said["lines"] = rows
    used = [i for i, row in enumerate(rows) if row["item"] or row["amount"]]
    data = {k: said[k] for k in PLAN_FIELDS if said[k]}
    data["classes"] = said["classes"]
    data["lines"] = [rows[i] | {"amount": amount(rows[i]["amount"])} for i in used]
    details, errors = _load(FeePlanCreateSchema(), data)
    for key in [k for k in errors if k.startswith("lines-")]:
        _, position, field = key.split("-", 2)
        errors[f"line-{used[int(position)]}-{field}"] = errors.pop(key)
    if "lines" in errors or not used:
        errors["line-0-item"] = ["Thêm ít nhất một khoản thu có tên và số tiền."]
        errors.pop("lines", None)
    if "classes" in errors or not said["classes"]:
        errors["classes"] = ["Chọn ít nhất một lớp."]
    return said, details, errors


def plan_form(plan_record=None) -> dict:
    """The plan's form filled with plan_record (a new plan's form when None)."""
    if plan_record is None:
        empty = {"item": "", "kind": "tuition", "amount": ""}
        return {"lines": [dict(empty) for _ in range(LINE_ROWS)], "classes": []}
    lines = [
        {"item": ln.item, "kind": ln.kind, "amount": f"{ln.amount:,}".replace(",", ".")}
        for ln in plan_record.lines
    ]
    empty = {"item": "", "kind": "tuition", "amount": ""}
    lines += [dict(empty) for _ in range(max(LINE_ROWS - len(lines), 2))]
    return {
        "name": plan_record.name,
        "school_year": plan_record.school_year,
        "term": plan_record.term or "",
        "due_date": plan_record.due_date.isoformat(),
        "classes": list(plan_record.classes),
        "lines": lines,
    }


def import_summary(result: ImportResult) -> str:
    """One sentence: what an import did."""
    text = (
        f"Đã nhập danh sách: {result.created} học sinh mới, {result.updated} cập nhật, "
        f"{result.unchanged} không đổi."
    )
    if result.errors:
        rows = len({e["row"] for e in result.errors})
        text += f" Bỏ qua {rows} dòng có lỗi."
    return text
