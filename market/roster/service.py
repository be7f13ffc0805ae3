"""Import a roster: every bad row reported by its sheet row, valid rows written in one go.

A domain describes its roster (a `Roster`): the columns and their aliases, how a row is
normalised, the records that exist, what a row changes on one, how new records are written.
Reading the file, mapping the headers, checking every row, counting and auditing are done
here, once. A dry run walks the very same path and stops before the writes, so a preview
reports exactly what the import would do."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from market import audit
from market.errors import PayloadTooLarge, ValidationFailed
from market.spreadsheet import (
    BadSpreadsheet,
    SpreadsheetTooLarge,
    Table,
    map_columns,
    read_table,
    records,
)
from market.users import User


class RowRefused(Exception):
    """A row that is valid alone but cannot apply to the record it names."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field, self.message = field_name, message


class Roster(ABC):
    """What one kind of roster is; an instance holds what one import is about (a market...)."""

    entity: ClassVar[str]  # the audit log's name for a record
    key: ClassVar[str]  # the normalised field naming a row's record, unique in the roster
    key_label: ClassVar[str]  # how a person calls that field in a message
    aliases: ClassVar[Mapping[str, tuple[str, ...]]]  # field → headers people write
    required: ClassVar[tuple[str, ...]]  # the columns a file must have
    not_audited: ClassVar[tuple[str, ...]] = ()  # derived fields kept out of the audit log

    @abstractmethod
    def normalize(self, raw: dict[str, str]) -> tuple[dict, dict]:
        """(normalised values, {field: message}) for one row's cells."""

    @abstractmethod
    def existing(self, session: Session) -> Mapping[str, Any]:
        """The records a row may update, by key."""

    @abstractmethod
    def changes(self, record: Any, values: dict) -> dict[str, list]:
        """{field: [old, new]} that values make on record; RowRefused when they may not."""

    @abstractmethod
    def create(self, session: Session, rows: list[dict]) -> dict[str, int]:
        """Write new records from rows' values; their ids by key."""

    def update(self, record: Any, changes: dict[str, list]) -> None:
        """Apply changes to record."""
        for name, (_old, new) in changes.items():
            setattr(record, name, new)


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


@dataclass
class Plan:
    """What an import writes: values of new records, and changes of existing ones."""

    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[Any, dict]] = field(default_factory=list)


def import_roster(
    session: Session,
    *,
    roster: Roster,
    actor: User,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Import a CSV/XLSX roster; idempotent; with dry_run the same report, nothing written."""
    table = _read(data, filename)
    columns = _columns(table, roster)
    result = ImportResult(dry_run=dry_run)
    plan = plan_rows(result, roster, records(table, columns), roster.existing(session))
    if not dry_run:
        _write(session, actor, roster, plan)
    return result


def _read(data: bytes, filename: str) -> Table:
    try:
        return read_table(data, filename)
    except SpreadsheetTooLarge as exc:
        raise PayloadTooLarge(str(exc), errors={"file": [str(exc)]}) from exc
    except BadSpreadsheet as exc:
        raise ValidationFailed.on("file", str(exc)) from exc


def _columns(table: Table, roster: Roster) -> dict[str, int]:
    columns = map_columns(table.headers, dict(roster.aliases))
    missing = [f for f in roster.required if f not in columns]
    if missing:
        names = ", ".join(f"{f} ({roster.aliases[f][0]})" for f in missing)
        raise ValidationFailed.on("file", f"missing columns: {names}")
    return columns


def plan_rows(result: ImportResult, roster: Roster, rows, existing: Mapping[str, Any]) -> Plan:
    """Decide per (sheet row, cells): create, update, unchanged or error; counted in result.
    Nothing is written here."""
    plan, seen = Plan(), {}
    for row, raw in rows:
        result.rows += 1
        values, errors = roster.normalize(raw)
        for name, message in errors.items():
            result.fail(row, name, message)
        if errors:
            continue
        key = values[roster.key]
        if key in seen:
            _repeated(result, roster, row, key, seen[key], values)
            continue
        seen[key] = (row, values)
        try:
            _decide(result, plan, roster, existing.get(key), values)
        except RowRefused as refused:
            result.fail(row, refused.field, refused.message)
    result.created, result.updated = len(plan.creates), len(plan.updates)
    return plan


def _repeated(result: ImportResult, roster: Roster, row: int, key: str, first, values) -> None:
    # The same line twice is harmless; the same key with other details is two records at once.
    first_row, first_values = first
    if first_values == values:
        result.unchanged += 1
    else:
        message = f"{roster.key_label} {key} is already on row {first_row}"
        result.fail(row, roster.key, message)


def _decide(result: ImportResult, plan: Plan, roster: Roster, record, values: dict) -> None:
    if record is None:
        plan.creates.append(values)
        return
    changes = roster.changes(record, values)
    if changes:
        plan.updates.append((record, changes))
    else:
        result.unchanged += 1


def _write(session: Session, actor: User, roster: Roster, plan: Plan) -> None:
    ids = roster.create(session, plan.creates) if plan.creates else {}
    entries = [
        _entry(actor, roster, ids[values[roster.key]], audit.diff({}, _audited(roster, values)))
        for values in plan.creates
    ]
    for record, changes in plan.updates:
        roster.update(record, changes)
        entries.append(_entry(actor, roster, record.id, changes))
    session.flush()
    audit.record_many(session, entries)


def _audited(roster: Roster, values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in roster.not_audited}


def _entry(actor: User, roster: Roster, entity_id: int, changes: dict) -> dict:
    return {
        "actor_id": actor.id,
        "entity": roster.entity,
        "entity_id": entity_id,
        "action": "import",
        "changes": {k: [_json(old), _json(new)] for k, (old, new) in changes.items()},
    }


def _json(value: Any) -> Any:
    # The audit log is JSON: a date (a birthday) is kept as its ISO text.
    return value.isoformat() if isinstance(value, date) else value
