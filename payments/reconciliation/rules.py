"""Hold a provider statement against the payments we recorded: one bucket per line."""

from dataclasses import dataclass
from datetime import datetime

from payments.ingest.providers.base import StatementLine, Transfer

MATCHED = "matched"
MISSING_IN_LEDGER = "missing_in_ledger"
MISSING_IN_STATEMENT = "missing_in_statement"
AMOUNT_MISMATCH = "amount_mismatch"
DUPLICATE = "duplicate"
# In the ledger through another provider that reported the same bank transfer (the same bank
# reference to the same account): nothing is missing, and nothing is to import.
MATCHED_OTHER_PROVIDER = "matched_other_provider"
BUCKETS = (
    MATCHED,
    MISSING_IN_LEDGER,
    MISSING_IN_STATEMENT,
    AMOUNT_MISMATCH,
    DUPLICATE,
    MATCHED_OTHER_PROVIDER,
)


@dataclass(frozen=True)
class LedgerEntry:
    """A payment we recorded from the provider, as reconciliation needs it."""

    payment_id: int
    provider_txn_id: str
    amount: int
    occurred_at: datetime


@dataclass(frozen=True)
class Finding:
    """One statement line or ledger entry and the bucket it falls in."""

    bucket: str
    provider_txn_id: str
    statement_line: int | None
    statement_amount: int | None
    ledger_amount: int | None
    payment_id: int | None
    transfer: Transfer | None


def transfer_key(transfer: Transfer) -> tuple[str, str] | None:
    """What names a bank transfer whichever provider reports it: (credit account, bank
    reference), or None when the provider gives no reference."""
    if transfer.bank_reference is None:
        return None
    return transfer.credit_account, transfer.bank_reference


def reconcile(
    lines: list[StatementLine],
    ledger: list[LedgerEntry],
    elsewhere: dict[tuple[str, str], LedgerEntry] | None = None,
) -> list[Finding]:
    """Statement lines in file order, then ledger entries the statement lacks, by time.

    elsewhere: the payments other providers recorded, by transfer_key."""
    recorded: dict[str, LedgerEntry] = {}
    for entry in ledger:
        recorded.setdefault(entry.provider_txn_id, entry)
    findings: list[Finding] = []
    seen: set[str] = set()
    for line in lines:
        txn_id = line.transfer.provider_txn_id
        bucket, entry = _bucket(line, recorded.get(txn_id), elsewhere or {}, txn_id in seen)
        seen.add(txn_id)
        findings.append(
            Finding(
                bucket=bucket,
                provider_txn_id=txn_id,
                statement_line=line.line,
                statement_amount=line.transfer.amount,
                ledger_amount=entry.amount if entry else None,
                payment_id=entry.payment_id if entry else None,
                transfer=line.transfer,
            )
        )
    return findings + _missing_in_statement(ledger, recorded, seen)


def _bucket(
    line: StatementLine, entry: LedgerEntry | None, elsewhere: dict, repeated: bool
) -> tuple[str, LedgerEntry | None]:
    """The bucket of one statement line, and the ledger entry it was held against."""
    if repeated:
        return DUPLICATE, entry
    if entry is None and (other := elsewhere.get(transfer_key(line.transfer))) is not None:
        same = other.amount == line.transfer.amount
        return (MATCHED_OTHER_PROVIDER if same else AMOUNT_MISMATCH), other
    if entry is None:
        return MISSING_IN_LEDGER, None
    return (MATCHED if entry.amount == line.transfer.amount else AMOUNT_MISMATCH), entry


def _missing_in_statement(
    ledger: list[LedgerEntry], recorded: dict[str, LedgerEntry], seen: set[str]
) -> list[Finding]:
    """Ledger entries no statement line took, by time. A second ledger entry for one
    transaction id (the database forbids it) is not matched by the statement line the first
    one took, so it is reported rather than silently dropped."""
    absent = [
        entry
        for entry in ledger
        if entry.provider_txn_id not in seen or recorded[entry.provider_txn_id] is not entry
    ]
    absent.sort(key=lambda entry: (entry.occurred_at, entry.payment_id))
    return [
        Finding(
            bucket=MISSING_IN_STATEMENT,
            provider_txn_id=entry.provider_txn_id,
            statement_line=None,
            statement_amount=None,
            ledger_amount=entry.amount,
            payment_id=entry.payment_id,
            transfer=None,
        )
        for entry in absent
    ]


def statement_period(lines: list[StatementLine]) -> tuple[datetime, datetime] | None:
    """The earliest and latest transfer times of a statement, or None when it is empty."""
    if not lines:
        return None
    times = [line.transfer.occurred_at for line in lines]
    return min(times), max(times)


def summary(findings: list[Finding]) -> dict[str, int]:
    """How many findings fall in each bucket, every bucket present."""
    counts = dict.fromkeys(BUCKETS, 0)
    for finding in findings:
        counts[finding.bucket] += 1
    return counts
