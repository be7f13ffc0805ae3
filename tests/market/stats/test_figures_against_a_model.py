"""The adoption figures, read through the statistics API, equal a plain Python model computed
from the list of payments the test made (not from the rollups, nor from a rebuild of them):
transactions, value, distinct payers by month and year, payer banks, by month and by market,
with payers who pay both a stall and a school."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from market.stats.periods import VIETNAM, next_month, previous_year, shift_year
from payments.ingest.providers.base import Transfer
from payments.ingest.record import record_transfer
from payments.ledger.reversal import reverse
from payments.qr.reference import new_reference
from tests.factories import bearer, make_market, make_provider, make_school, make_user, make_vendor
from tuition.models import FeePlan, Invoice, Student

FIRST_MONTH = date(2025, 1, 1)
MONTHS = 15  # January 2025 to March 2026
PAYEES = ("CHO-MA", "CHO-MA", "CHO-MB", None)  # two stalls in one market, one in another, a school
BANKS = (None, "970422", "971005", "970436")


@dataclass(frozen=True)
class Paid:
    payee: int  # index in PAYEES
    payer: str | None
    bank: str | None
    day: date
    amount: int


payments = st.lists(
    st.builds(
        Paid,
        payee=st.integers(0, len(PAYEES) - 1),
        payer=st.sampled_from([None, "P1", "P2", "P3"]),
        bank=st.sampled_from(BANKS),
        day=st.builds(
            lambda month, day: _month(month).replace(day=day),
            st.integers(0, MONTHS - 1),
            st.integers(1, 28),
        ),
        amount=st.integers(1, 10**8),
    ),
    min_size=1,
    max_size=14,
)


def _month(n: int) -> date:
    day = FIRST_MONTH
    for _ in range(n):
        day = next_month(day)
    return day


class Model:
    """The figures, from the payments that still stand."""

    def __init__(self, live: list[Paid]):
        self.live = live

    def within(self, start: date, end: date, kind: str | None = None) -> list[Paid]:
        return [
            p
            for p in self.live
            if start <= p.day <= end and (kind is None or (kind == "school") == (p.payee == 3))
        ]

    def flows(self, start: date, end: date) -> tuple[int, int]:
        found = self.within(start, end)
        return len(found), sum(p.amount for p in found)

    def payers(self, start: date, end: date, kind: str | None = None) -> int:
        # an account is a bank's: the same number at another bank is someone else
        return len({(p.bank, p.payer) for p in self.within(start, end, kind) if p.payer})

    def banks(self, start: date, end: date) -> int:
        return len({p.bank for p in self.within(start.replace(day=1), end) if p.bank})

    def by(self, start: date, end: date, key) -> dict:
        rows: dict = defaultdict(lambda: (0, 0))
        for p in self.within(start, end):
            count, value = rows[key(p)]
            rows[key(p)] = (count + 1, value + p.amount)
        return dict(rows)


def _invoice(session, school) -> str:
    plan = FeePlan(
        school_id=school.id,
        name="HK",
        school_year="2025-2026",
        due_date=date(2025, 12, 31),
        classes=["6A"],
    )
    student = Student(
        school_id=school.id,
        student_code="S1",
        full_name="Học Sinh",
        name_folded="hoc sinh",
        class_name="6A",
        guardian_name="Phụ Huynh",
        guardian_phone="0912345678",
    )
    session.add_all([plan, student])
    session.flush()
    invoice = Invoice(
        reference=new_reference("HP"),
        school_id=school.id,
        student_id=student.id,
        plan_id=plan.id,
        total_amount=10**12,
        paid_amount=0,
        status="open",
        due_date=plan.due_date,
    )
    session.add(invoice)
    session.flush()
    return invoice.reference


def _record(session, provider, accounts, reference, n: int, paid: Paid) -> int:
    moment = datetime.combine(paid.day, datetime.min.time(), VIETNAM) + timedelta(hours=9)
    transfer = Transfer(
        provider_txn_id=f"T{n}",
        amount=paid.amount,
        credit_account=accounts[paid.payee],
        credit_bin=None,
        description=f"{reference} hoc phi" if paid.payee == 3 else "tien hang",
        occurred_at=moment.astimezone(UTC),
        debit_bin=paid.bank,
        debit_account=paid.payer,
    )
    return record_transfer(
        session, provider=provider, transfer=transfer, source="notification", payer_key=b"k"
    )[1]


def _both_kinds_of_payee() -> list[Paid]:
    return [
        Paid(0, "P1", "970422", date(2025, 11, 3), 50_000),
        Paid(3, "P1", "970422", date(2025, 11, 20), 700_000),
        Paid(2, "P2", "971005", date(2025, 11, 21), 20_000),
    ]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(made=payments, reversed_picks=st.sets(st.integers(0, 13), max_size=4))
@example(made=_both_kinds_of_payee(), reversed_picks=set())
@example(made=_both_kinds_of_payee(), reversed_picks={1})
def test_adoption_figures_equal_a_model_of_the_payments_made(client, session, made, reversed_picks):
    savepoint = session.begin_nested()
    try:
        provider = make_provider(session, name="model-bank")
        markets = {code: make_market(session, code=code) for code in ("CHO-MA", "CHO-MB")}
        vendors = [make_vendor(session, markets[code], status="active") for code in PAYEES[:3]]
        school = make_school(session)
        accounts = [v.account_number for v in vendors] + [school.account_number]
        reference = _invoice(session, school)
        admin = make_user(session, "admin")[0]
        ids = [
            _record(session, provider, accounts, reference, n, paid) for n, paid in enumerate(made)
        ]
        gone = {n for n in reversed_picks if n < len(ids)}
        for n in gone:
            reverse(session, actor=admin, payment_id=ids[n], reason="nhầm")
        model = Model([p for n, p in enumerate(made) if n not in gone])
        _check(client, bearer(make_user(session, "bank_staff")[1]), model, made)
    finally:
        savepoint.rollback()


def _get(client, headers, start: date, end: date, **query) -> dict:
    query |= {"from": start.isoformat(), "to": end.isoformat()}
    response = client.get("/api/v1/stats/adoption", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def _check(client, headers, model: Model, made: list[Paid]) -> None:
    for month in sorted({p.day.replace(day=1) for p in made}):
        end = next_month(month) - timedelta(days=1)
        totals = _get(client, headers, month, end)["totals"]
        assert (totals["transactions"], totals["value"]) == model.flows(month, end)
        assert totals["distinct_payers"] == model.payers(month, end)
        assert totals["banks_seen"] == model.banks(month, end)
        for kind in ("vendor", "school"):
            by_kind = _get(client, headers, month, end, payee_type=kind)["totals"]
            assert by_kind["distinct_payers"] == model.payers(month, end, kind)
        by_market = _get(client, headers, month, end, group_by="market")
        assert by_market["totals"]["distinct_payers"] == model.payers(month, end)
        rows = {r["key"]: (r["transactions"], r["value"]) for r in by_market["rows"]}
        expected = model.by(month, end, lambda p: PAYEES[p.payee])
        assert {k: v for k, v in rows.items() if v != (0, 0)} == expected
    for year in (2025, 2026):
        start, end = date(year, 1, 1), date(year, 12, 31)
        report = _get(client, headers, start, end, group_by="month")
        assert report["totals"]["distinct_payers"] == model.payers(start, end)
        assert report["totals"]["banks_seen"] == model.banks(start, end)
        assert report["previous_year"]["distinct_payers"] == model.payers(
            *previous_year(start, end)
        )
        rows = {r["key"]: r for r in report["rows"]}
        expected = model.by(start, end, lambda p: p.day.replace(day=1).isoformat())
        assert {k: (r["transactions"], r["value"]) for k, r in rows.items()} == expected
        for key, row in rows.items():
            month = date.fromisoformat(key)
            a_year_earlier = shift_year(month)
            before = model.flows(a_year_earlier, next_month(a_year_earlier) - timedelta(days=1))
            assert (row["previous_year"]["transactions"], row["previous_year"]["value"]) == before
    # a period of odd edges: whole months inside, days at both ends
    start, end = date(2025, 3, 10), date(2026, 2, 20)
    totals = _get(client, headers, start, end)["totals"]
    assert (totals["transactions"], totals["value"]) == model.flows(start, end)
    assert totals["distinct_payers"] is None  # counted by whole month or year only
