"""Hold a provider's statement against the ledger; keep each run; bring in what we missed."""

import dataclasses
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from market.errors import Conflict, Forbidden, NotFound, ValidationFailed
from market.exports import Column
from market.users import User
from payments.ingest.models import Provider
from payments.ingest.providers import get_adapter
from payments.ingest.providers.base import PayloadError, Transfer
from payments.ingest.record import record_transfer
from payments.ingest.service import active_provider
from payments.ledger.models import Payment
from payments.reconciliation.models import Reconciliation, ReconciliationLine
from payments.reconciliation.rules import (
    BUCKETS,
    LedgerEntry,
    reconcile,
    statement_period,
    summary,
    transfer_key,
)


def _transfer_json(transfer: Transfer | None) -> dict | None:
    if transfer is None:
        return None
    values = dataclasses.asdict(transfer)
    values["occurred_at"] = transfer.occurred_at.isoformat()
    return values


def _transfer_from(values: dict) -> Transfer:
    return Transfer(**(values | {"occurred_at": datetime.fromisoformat(values["occurred_at"])}))


def _admin(actor: User) -> None:
    if actor.role != "admin":
        raise Forbidden("Only an admin reconciles provider statements.")


def run_reconciliation(
    session: Session, *, actor: User, provider_name: str, data: bytes, filename: str | None
) -> tuple[Reconciliation, dict[str, int]]:
    """Reconcile a statement file; the run and every finding are kept."""
    _admin(actor)
    provider = active_provider(session, provider_name)
    try:
        lines = get_adapter(provider.format).parse_statement(data)
    except PayloadError as exc:
        raise ValidationFailed.on("file", f"{exc.field}: {exc.message}") from exc
    period = statement_period(lines)
    ledger = _ledger(session, provider.id, lines, period) if period else []
    findings = reconcile(lines, ledger, _recorded_elsewhere(session, provider.id, lines, ledger))
    run = Reconciliation(
        provider_id=provider.id,
        filename=(filename or "")[:200] or None,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        created_by=actor.id,
    )
    session.add(run)
    session.flush()
    if findings:
        session.execute(
            insert(ReconciliationLine),
            [
                {
                    "reconciliation_id": run.id,
                    "bucket": f.bucket,
                    "provider_txn_id": f.provider_txn_id,
                    "statement_line": f.statement_line,
                    "statement_amount": f.statement_amount,
                    "ledger_amount": f.ledger_amount,
                    "payment_id": f.payment_id,
                    "transfer": _transfer_json(f.transfer),
                }
                for f in findings
            ],
        )
    return run, summary(findings)


_ENTRY = (Payment.id, Payment.provider_txn_id, Payment.amount, Payment.occurred_at)


def _ledger(session: Session, provider_id: int, lines: list, period: tuple) -> list[LedgerEntry]:
    """The provider's payments in the statement's period, and those its lines name."""
    mine = (Payment.provider_id == provider_id, Payment.kind == "payment")
    between = (Payment.occurred_at >= period[0], Payment.occurred_at <= period[1])
    ledger = [LedgerEntry(*row) for row in session.execute(select(*_ENTRY).where(*mine, *between))]
    # A statement line may name a payment recorded outside the period's bounds (clock skew).
    known = {e.provider_txn_id for e in ledger}
    wanted = [
        ln.transfer.provider_txn_id for ln in lines if ln.transfer.provider_txn_id not in known
    ]
    for chunk in range(0, len(wanted), 500):
        named = Payment.provider_txn_id.in_(wanted[chunk : chunk + 500])
        ledger += [
            LedgerEntry(*row) for row in session.execute(select(*_ENTRY).where(*mine, named))
        ]
    return ledger


def _recorded_elsewhere(
    session: Session, provider_id: int, lines: list, ledger: list[LedgerEntry]
) -> dict[tuple[str, str], LedgerEntry]:
    """The payments other providers recorded for transfers of lines this provider's ledger
    lacks, by (credit account, bank reference)."""
    known = {e.provider_txn_id for e in ledger}
    keys = {
        key
        for ln in lines
        if ln.transfer.provider_txn_id not in known and (key := transfer_key(ln.transfer))
    }
    references = sorted({reference for _, reference in keys})
    found: dict[tuple[str, str], LedgerEntry] = {}
    for chunk in range(0, len(references), 500):
        rows = session.execute(
            select(*_ENTRY, Payment.credit_account, Payment.bank_reference).where(
                Payment.provider_id != provider_id,
                Payment.kind == "payment",
                Payment.bank_reference.in_(references[chunk : chunk + 500]),
            )
        )
        for *entry, account, reference in rows:
            if (account, reference) in keys:
                found[(account, reference)] = LedgerEntry(*entry)
    return found


def get_run(session: Session, *, actor: User, run_id: int) -> tuple[Reconciliation, list]:
    """A kept reconciliation run and its findings."""
    _admin(actor)
    run = session.get(Reconciliation, run_id)
    if run is None:
        raise NotFound(f"no reconciliation {run_id}")
    lines = list(
        session.execute(
            select(ReconciliationLine)
            .where(ReconciliationLine.reconciliation_id == run.id)
            .order_by(ReconciliationLine.id)
        ).scalars()
    )
    return run, lines


LINE_COLUMNS = [
    Column("bucket", "bucket"),
    Column("provider_txn_id", "provider_txn_id"),
    Column("statement_line", "statement_line", "int"),
    Column("statement_amount", "statement_amount", "money"),
    Column("ledger_amount", "ledger_amount", "money"),
    Column("payment_id", "payment_id", "int"),
]


def bucket_names(counts: dict[str, int]) -> dict[str, int]:
    """Bucket counts under the contract's names (duplicate → duplicates)."""
    return {("duplicates" if k == "duplicate" else k): v for k, v in counts.items()}


def import_missing(session: Session, *, actor: User, run_id: int, payer_key: bytes) -> list[dict]:
    """Record the statement's lines the ledger missed, through the exactly-once ingest path."""
    run, lines = get_run(session, actor=actor, run_id=run_id)
    provider = session.get(Provider, run.provider_id)
    if provider is None or not provider.active:
        raise Conflict("the provider of this statement is no longer active")
    results = []
    for line in lines:
        if line.bucket == "missing_in_ledger" and line.transfer:
            status, payment_id = record_transfer(
                session,
                provider=provider,
                transfer=_transfer_from(line.transfer),
                source="statement",
                payer_key=payer_key,
            )
            results.append(
                {
                    "provider_txn_id": line.provider_txn_id,
                    "status": status,
                    "payment_id": payment_id,
                }
            )
    return results


def described(run: Reconciliation, counts: dict[str, int], lines: list | None = None) -> dict:
    """A run as the API answers it: its file and period, the count in each bucket, and the
    findings when given."""
    found = {"lines": lines} if lines is not None else {}
    return {
        "id": run.id,
        "filename": run.filename,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "created_at": run.created_at,
        **found,
        **bucket_names(counts),
    }


def run_with_findings(session: Session, *, actor: User, run_id: int) -> dict:
    """A kept run with every finding, as the API answers it."""
    run, lines = get_run(session, actor=actor, run_id=run_id)
    counts = dict.fromkeys(BUCKETS, 0)
    for line in lines:
        counts[line.bucket] += 1
    return described(run, counts, lines)


def statement_providers(session: Session) -> list[Provider]:
    """The active providers whose statements may be reconciled, by name."""
    return list(
        session.scalars(select(Provider).where(Provider.active.is_(True)).order_by(Provider.name))
    )


def list_runs(session: Session, *, actor: User, limit: int = 20) -> list[dict]:
    """The latest runs, newest first, each with its provider's name and its bucket counts."""
    _admin(actor)
    runs = session.execute(
        select(Reconciliation, Provider.name)
        .join(Provider, Provider.id == Reconciliation.provider_id)
        .order_by(Reconciliation.id.desc())
        .limit(limit)
    ).all()
    counts = session.execute(
        select(ReconciliationLine.reconciliation_id, ReconciliationLine.bucket, func.count())
        .where(ReconciliationLine.reconciliation_id.in_([run.id for run, _ in runs]))
        .group_by(ReconciliationLine.reconciliation_id, ReconciliationLine.bucket)
    ).all()
    found = {run.id: dict.fromkeys(BUCKETS, 0) for run, _ in runs}
    for run_id, bucket, count in counts:
        found[run_id][bucket] = count
    return [described(run, found[run.id]) | {"provider": name} for run, name in runs]
