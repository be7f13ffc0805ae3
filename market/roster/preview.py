"""A roster import in two steps, as pages do it: preview an upload (the file is kept), then
confirm it by its key. The confirmation imports the kept bytes and must come out exactly as
the preview said, or nothing is written (the roster changed in between)."""

from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from market.errors import Conflict
from market.roster.service import ImportResult, Roster, _columns, _read, import_roster, plan_rows
from market.roster.uploads import find_upload, forget_upload, keep_upload
from market.spreadsheet import records
from market.users import User


@dataclass
class Preview:
    key: str  # the kept upload's sha256: what the confirmation names
    filename: str
    results: dict[str, ImportResult]  # by variant ("plain", "activate"...)
    columns: dict[str, tuple[str, str]]  # field → (column letter, header as in the file)


def column_letter(index: int) -> str:
    """A spreadsheet's name of the 0-based column index: A, B, ... Z, AA, AB..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def summary(result: ImportResult) -> dict[str, int]:
    """What a preview and its import must agree on."""
    counts = asdict(result)
    return {k: counts[k] for k in ("rows", "created", "updated", "unchanged")} | {
        "errors": len(result.errors)
    }


def preview_import(
    session: Session,
    *,
    actor: User,
    scope: str,
    variants: dict[str, Roster],
    data: bytes,
    filename: str,
) -> Preview:
    """Dry-run the file for each variant of the roster and keep it for the confirmation."""
    table = _read(data, filename)
    columns = _columns(table, next(iter(variants.values())))
    results = {}
    for name, roster in variants.items():
        results[name] = result = ImportResult(dry_run=True)
        plan_rows(result, roster, records(table, columns), roster.existing(session))
    shown = {name: summary(result) for name, result in results.items()}
    upload = keep_upload(
        session, user=actor, scope=scope, data=data, filename=filename, preview=shown
    )
    where = {f: (column_letter(i), table.headers[i]) for f, i in columns.items()}
    return Preview(upload.sha256, upload.filename, results, where)


def confirm_import(
    session: Session, *, actor: User, scope: str, roster: Roster, variant: str, key: str
) -> ImportResult:
    """Import the kept upload named key as its preview's variant said; Conflict (and the
    request rolls back) when the outcome differs from what the preview showed."""
    upload = find_upload(session, user=actor, scope=scope, key=key)
    result = import_roster(
        session, roster=roster, actor=actor, data=upload.data, filename=upload.filename
    )
    if summary(result) != upload.preview.get(variant):
        raise Conflict("the roster changed since the preview; look at the new preview")
    forget_upload(session, upload)
    return result
