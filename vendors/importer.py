"""A market's vendor roster: its columns, its rows, how a row creates or updates a vendor.

The import itself (reading, checking, reporting, auditing, dry runs) is `market.roster`."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from market import audit
from market.db import bulk_insert, utcnow
from market.markets.models import Market
from market.markets.service import check_market_access
from market.roster.preview import Preview, confirm_import, preview_import
from market.roster.service import ImportResult, Roster, RowRefused, import_roster
from market.text import fold
from market.users import User
from vendors.models import Vendor
from vendors.rules import HEADER_ALIASES, REQUIRED, normalize_vendor


class VendorRoster(Roster):
    """The vendors of one market, by stall; with activate, imported vendors become active."""

    entity, key, key_label = "vendor", "stall", "stall"
    aliases, required, not_audited = HEADER_ALIASES, REQUIRED, ("name_folded",)

    def __init__(self, market: Market, *, activate: bool = False):
        self.market, self.activate = market, activate

    def normalize(self, raw: dict[str, str]) -> tuple[dict, dict]:
        """A vendor's values and errors (`vendors.rules`)."""
        return normalize_vendor(raw)

    def existing(self, session: Session) -> dict[str, Vendor]:
        """The market's vendors that hold a stall (every one but the closed)."""
        return {v.stall: v for v in session.execute(self._open()).scalars()}

    def changes(self, record: Vendor, values: dict) -> dict[str, list]:
        """The row's changes to the vendor at its stall, refused when another person holds it."""
        if record.name_folded != values["name_folded"]:
            raise RowRefused(
                "stall", f"stall {record.stall} is held by another vendor (id {record.id})"
            )
        changes = audit.diff(record.details(), {k: values[k] for k in record.details()})
        if self.activate and record.status == "pending":
            changes["status"] = ["pending", "active"]
        return changes

    def create(self, session: Session, rows: list[dict]) -> dict[str, int]:
        """Insert the new vendors at once; their ids by stall."""
        now, status = utcnow(), "active" if self.activate else "pending"
        common = {
            "market_id": self.market.id,
            "status": status,
            "status_reason": None,
            "created_at": now,
            "updated_at": now,
            "activated_at": now if self.activate else None,
            "closed_at": None,
        }
        bulk_insert(session, Vendor.__table__, [values | common for values in rows])
        return dict(session.execute(self._open().with_only_columns(Vendor.stall, Vendor.id)).all())

    def update(self, record: Vendor, changes: dict[str, list]) -> None:
        """Apply the changes; a first activation is dated."""
        super().update(record, changes)
        if "full_name" in changes:
            record.name_folded = fold(record.full_name)
        if "status" in changes and record.activated_at is None:
            record.activated_at = utcnow()

    def _open(self):
        return select(Vendor).where(Vendor.market_id == self.market.id, Vendor.status != "closed")


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
    return import_roster(
        session,
        actor=actor,
        roster=VendorRoster(market, activate=activate),
        data=data,
        filename=filename,
        dry_run=dry_run,
    )


def _scope(market: Market) -> str:
    return f"vendors:{market.code}"


def preview_vendor_import(
    session: Session, *, actor: User, market: Market, data: bytes, filename: str = ""
) -> Preview:
    """What importing the file would do, with and without activating; the file is kept for
    `confirm_vendor_import`."""
    check_market_access(actor, market, write=True)
    variants = {"plain": VendorRoster(market), "activate": VendorRoster(market, activate=True)}
    return preview_import(
        session, actor=actor, scope=_scope(market), variants=variants, data=data, filename=filename
    )


def confirm_vendor_import(
    session: Session, *, actor: User, market: Market, key: str, activate: bool = False
) -> ImportResult:
    """Import the file a preview kept under key, exactly as that preview said."""
    check_market_access(actor, market, write=True)
    return confirm_import(
        session,
        actor=actor,
        scope=_scope(market),
        roster=VendorRoster(market, activate=activate),
        variant="activate" if activate else "plain",
        key=key,
    )
