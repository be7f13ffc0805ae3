"""Import a market's vendor roster: every bad row reported, valid rows written in one go."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from market import audit
from market.db import bulk_insert, utcnow
from market.errors import PayloadTooLarge, ValidationFailed
from market.markets.models import Market
from market.markets.service import check_market_access
from market.spreadsheet import (
    BadSpreadsheet,
    SpreadsheetTooLarge,
    map_columns,
    read_table,
    records,
)
from market.text import fold
from market.users import User
from vendors.models import Vendor
from vendors.rules import HEADER_ALIASES, REQUIRED, normalize_vendor


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[dict] = field(default_factory=list)

    def fail(self, row: int, field_name: str, message: str) -> None:
        """Report one problem on one row."""
        self.errors.append({"row": row, "field": field_name, "message": message})


def _columns(table) -> dict[str, int]:
    columns = map_columns(table.headers, HEADER_ALIASES)
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        names = ", ".join(f"{f} ({HEADER_ALIASES[f][0]})" for f in missing)
        raise ValidationFailed.on("file", f"missing columns: {names}")
    return columns


def _plan(result: ImportResult, table, columns, existing: dict[str, Vendor], activate: bool):
    """Decide per row: create, update, unchanged or error. Nothing is written here."""
    seen: dict[str, tuple[int, dict]] = {}
    creates: list[dict] = []
    updates: list[tuple[Vendor, dict]] = []
    for row, raw in records(table, columns):
        result.rows += 1
        values, errors = normalize_vendor(raw)
        for name, message in errors.items():
            result.fail(row, name, message)
        if errors:
            continue
        stall = values["stall"]
        if stall in seen:
            first_row, first = seen[stall]
            if first == values:
                result.unchanged += 1
            else:
                result.fail(
                    row, "stall", f"stall {stall} is already on row {first_row} for another person"
                )
            continue
        seen[stall] = (row, values)
        vendor = existing.get(stall)
        if vendor is None:
            creates.append(values | {"status": "active" if activate else "pending"})
            continue
        if vendor.name_folded != values["name_folded"]:
            result.fail(row, "stall", f"stall {stall} is held by another vendor (id {vendor.id})")
            continue
        changes = audit.diff(vendor.details(), {k: values[k] for k in vendor.details()})
        if activate and vendor.status == "pending":
            changes["status"] = ["pending", "active"]
        if changes:
            updates.append((vendor, changes))
        else:
            result.unchanged += 1
    result.created, result.updated = len(creates), len(updates)
    return creates, updates


def import_vendors(
    session: Session,
    *,
    actor: User,
    market: Market,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
    activate: bool = False,
) -> ImportResult:
    """Import a CSV/XLSX roster into market; idempotent; with dry_run nothing is written."""
    check_market_access(actor, market, write=True)
    try:
        table = read_table(data, filename)
    except SpreadsheetTooLarge as exc:
        raise PayloadTooLarge(str(exc), errors={"file": [str(exc)]}) from exc
    except BadSpreadsheet as exc:
        raise ValidationFailed.on("file", str(exc)) from exc
    columns = _columns(table)
    existing = {
        v.stall: v
        for v in session.execute(
            select(Vendor).where(Vendor.market_id == market.id, Vendor.status != "closed")
        ).scalars()
    }
    result = ImportResult(dry_run=dry_run)
    creates, updates = _plan(result, table, columns, existing, activate)
    if not dry_run:
        _write(session, actor, market, creates, updates)
    return result


def _write(
    session: Session,
    actor: User,
    market: Market,
    creates: list[dict],
    updates: list[tuple[Vendor, dict]],
) -> None:
    now = utcnow()
    bulk_insert(
        session,
        Vendor.__table__,
        [
            dict(
                c,
                market_id=market.id,
                created_at=now,
                updated_at=now,
                status_reason=None,
                activated_at=now if c["status"] == "active" else None,
                closed_at=None,
            )
            for c in creates
        ],
    )
    ids = (
        dict(
            session.execute(
                select(Vendor.stall, Vendor.id).where(
                    Vendor.market_id == market.id, Vendor.status != "closed"
                )
            ).all()
        )
        if creates
        else {}
    )
    entries = [
        {
            "actor_id": actor.id,
            "entity": "vendor",
            "entity_id": ids[c["stall"]],
            "action": "import",
            "changes": audit.diff({}, _details(c)),
        }
        for c in creates
    ]
    for vendor, changes in updates:
        for key, (_old, new) in changes.items():
            setattr(vendor, key, new)
        if "full_name" in changes:
            vendor.name_folded = fold(vendor.full_name)
        if "status" in changes and vendor.activated_at is None:
            vendor.activated_at = now
        entries.append(
            {
                "actor_id": actor.id,
                "entity": "vendor",
                "entity_id": vendor.id,
                "action": "import",
                "changes": changes,
            }
        )
    session.flush()
    audit.record_many(session, entries)


def _details(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in ("name_folded", "status")}
