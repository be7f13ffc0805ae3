"""Reconciliation: every statement line and every unmatched ledger entry lands in one bucket."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from payments.ingest.providers import get_adapter
from payments.ingest.providers.base import StatementLine, Transfer
from payments.reconciliation.rules import (
    BUCKETS,
    Finding,
    LedgerEntry,
    reconcile,
    statement_period,
    summary,
)

DATA = Path(__file__).resolve().parents[1] / "data"
START = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)


def line(number: int, txn_id: str, amount: int, minutes: int = 0) -> StatementLine:
    transfer = Transfer(
        provider_txn_id=txn_id,
        amount=amount,
        credit_account="0123456789",
        credit_bin="970436",
        description=f"giao dich {txn_id}",
        occurred_at=START + timedelta(minutes=minutes),
    )
    return StatementLine(number, transfer)


def entry(payment_id: int, txn_id: str, amount: int, minutes: int = 0) -> LedgerEntry:
    return LedgerEntry(payment_id, txn_id, amount, START + timedelta(minutes=minutes))


def test_one_line_of_every_bucket_and_the_summary():
    lines = [
        line(2, "T1", 100000),
        line(3, "T2", 50000),
        line(4, "T3", 70000),
        line(5, "T1", 100000),
    ]
    ledger = [entry(11, "T1", 100000), entry(13, "T3", 75000), entry(14, "T4", 20000)]
    findings = reconcile(lines, ledger)
    assert findings == [
        Finding("matched", "T1", 2, 100000, 100000, 11, lines[0].transfer),
        Finding("missing_in_ledger", "T2", 3, 50000, None, None, lines[1].transfer),
        Finding("amount_mismatch", "T3", 4, 70000, 75000, 13, lines[2].transfer),
        Finding("duplicate", "T1", 5, 100000, 100000, 11, lines[3].transfer),
        Finding("missing_in_statement", "T4", None, None, 20000, 14, None),
    ]
    assert summary(findings) == {
        "matched": 1,
        "missing_in_ledger": 1,
        "missing_in_statement": 1,
        "amount_mismatch": 1,
        "duplicate": 1,
        "matched_other_provider": 0,
    }


def test_first_occurrence_is_judged_and_repeats_are_duplicates():
    lines = [line(2, "T9", 5000), line(3, "T9", 5000), line(4, "T9", 6000)]
    buckets = [finding.bucket for finding in reconcile(lines, [])]
    assert buckets == ["missing_in_ledger", "duplicate", "duplicate"]


def test_statement_lines_in_file_order_then_missing_by_time():
    lines = [line(7, "B", 1, minutes=30), line(3, "A", 1, minutes=5)]
    ledger = [
        entry(3, "LATE", 9, minutes=50),
        entry(1, "A", 1),
        entry(2, "EARLY", 9, minutes=-10),
        entry(4, "TIE", 9, minutes=50),
    ]
    findings = reconcile(lines, ledger)
    assert [(f.provider_txn_id, f.statement_line) for f in findings] == [
        ("B", 7),
        ("A", 3),
        ("EARLY", None),
        ("LATE", None),
        ("TIE", None),
    ]


def test_a_second_ledger_entry_for_one_transaction_is_reported():
    findings = reconcile([line(2, "A", 1)], [entry(1, "A", 1), entry(2, "A", 1, minutes=1)])
    assert [(f.bucket, f.payment_id) for f in findings] == [
        ("matched", 1),
        ("missing_in_statement", 2),
    ]


def test_empty_statement():
    assert reconcile([], []) == []
    assert statement_period([]) is None
    assert summary([]) == dict.fromkeys(BUCKETS, 0)
    findings = reconcile([], [entry(1, "A", 10)])
    assert [f.bucket for f in findings] == ["missing_in_statement"]


def test_statement_period_spans_earliest_to_latest():
    lines = [line(2, "A", 1, minutes=20), line(3, "B", 1, minutes=-5), line(4, "C", 1)]
    assert statement_period(lines) == (START - timedelta(minutes=5), START + timedelta(minutes=20))


def test_a_parsed_statement_reconciles():
    lines = get_adapter("sepay").parse_statement((DATA / "statement_sepay.csv").read_bytes())
    ledger = [entry(1, "92704", 2277000, minutes=0)]
    counts = summary(reconcile(lines, ledger))
    assert counts == {**dict.fromkeys(BUCKETS, 0), "matched": 1, "missing_in_ledger": 1}
