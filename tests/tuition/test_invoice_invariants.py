"""School invoices under any sequence of issues, transfers, cash, reversals, voids, reissues
and assignments, held against a plain Python model (a Hypothesis state machine on the real
database, transfers through the real ingest path)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from market.errors import AppError
from payments.ingest.service import receive_notification
from payments.ledger.assignment import assign
from payments.ledger.models import Payment
from payments.ledger.reversal import reverse
from tests.factories import generic_notification, make_provider, make_school, make_user
from tuition import invoices, plans
from tuition.models import Invoice, Receipt, Student

SECRET = "s3cret-s3cret-s3cret"
YEARS = ("2025-2026", "2026-2027")  # one plan each: receipts are numbered per school year
STUDENTS = 3


def expected_status(total: int, paid: int) -> str:
    if paid <= 0:
        return "paid" if total == 0 else "open"
    if paid < total:
        return "partially_paid"
    return "paid" if paid == total else "overpaid"


@dataclass
class Bill:
    plan: int
    student: int
    total: int
    paid: int = 0
    void: bool = False

    @property
    def status(self) -> str:
        return "void" if self.void else expected_status(self.total, self.paid)


@dataclass
class Money:
    amount: int
    invoice: str | None  # None: unmatched, waiting for a person
    year: str | None = None
    number: int | None = None  # its receipt's
    reversed: bool = False
    void_reference: str | None = None  # the void invoice a transfer named


class Invoices(RuleBasedStateMachine):
    def __init__(self, session):
        super().__init__()
        self.session = session
        self.savepoint = session.begin_nested()
        make_provider(session)
        self.school = make_school(session)
        self.admin = make_user(session, "admin")[0]
        for n in range(STUDENTS):
            session.add(
                Student(
                    school_id=self.school.id,
                    student_code=f"S{n}",
                    full_name="Học Sinh",
                    name_folded="hoc sinh",
                    class_name="6A",
                    guardian_name="Phụ Huynh",
                    guardian_phone="0912345678",
                )
            )
        self.plans = [
            plans.create_plan(
                session,
                school=self.school,
                details={
                    "name": f"Đợt {year}",
                    "school_year": year,
                    "due_date": date(2026, 1, 15),
                    "classes": ["6A"],
                    "lines": [{"item": "Tiền ăn", "kind": "meals", "amount": 500_000}],
                },
            ).id
            for year in YEARS
        ]
        self.totals = dict.fromkeys(self.plans, 500_000)  # what the plan charges now
        self.bills: dict[str, Bill] = {}
        self.money: dict[int, Money] = {}
        self.numbers = dict.fromkeys(YEARS, 0)
        self.txn = 0

    def teardown(self):
        self.savepoint.rollback()
        # Rows loaded again after their first object was collected are not "new" to the
        # savepoint and would outlive it in the identity map; the next run reuses their ids.
        self.session.expunge_all()

    def _attempt(self, call):
        """Run a service call like a request: all or nothing; the error, or None."""
        try:
            with self.session.begin_nested():
                return call(), None
        except AppError as error:
            return None, error

    def _pick(self, refs, pick: int):
        refs = sorted(refs)
        return refs[pick % len(refs)] if refs else None

    def _live(self, plan: int) -> dict[int, str]:
        return {b.student: r for r, b in self.bills.items() if b.plan == plan and not b.void}

    def _learn_new_invoices(self, plan: int) -> int:
        fresh = self.session.execute(
            select(Invoice.reference, Invoice.student_id).where(
                Invoice.plan_id == plan, Invoice.status != "void"
            )
        ).all()
        new = [(r, s) for r, s in fresh if r not in self.bills]
        for reference, student in new:
            self.bills[reference] = Bill(plan, student, self.totals[plan])
        return len(new)

    def _paid(self, payment_id: int, reference: str, amount: int) -> None:
        bill = self.bills[reference]
        bill.paid += amount
        year = YEARS[self.plans.index(bill.plan)]
        self.numbers[year] += 1
        self.money[payment_id] = Money(amount, reference, year, self.numbers[year])

    @rule(which=st.integers(0, 1))
    def issue(self, which):
        plan = self.plans[which]
        missing = STUDENTS - len(self._live(plan))
        answer, error = self._attempt(
            lambda: plans.issue_plan(self.session, actor=self.admin, plan_id=plan)
        )
        assert error is None
        assert answer == {"issued": missing, "skipped": STUDENTS - missing}
        assert self._learn_new_invoices(plan) == missing

    @rule(which=st.integers(0, 1), amount=st.integers(1, 900_000))
    def change_plan(self, which, amount):
        plan = self.plans[which]
        lines = [{"item": "Tiền ăn", "kind": "meals", "amount": amount}]
        plans.update_plan(self.session, actor=self.admin, plan_id=plan, changes={"lines": lines})
        self.totals[plan] = amount

    @rule(which=st.integers(0, 1))
    def reissue(self, which):
        plan = self.plans[which]
        unpaid = [r for r in self._live(plan).values() if self.bills[r].paid == 0]
        kept = sorted(r for r in self._live(plan).values() if self.bills[r].paid != 0)
        answer, error = self._attempt(
            lambda: plans.reissue_plan(self.session, actor=self.admin, plan_id=plan, reason="x")
        )
        assert error is None
        for reference in unpaid:
            self.bills[reference].void = True
        issued = self._learn_new_invoices(plan)
        assert issued == STUDENTS - len(kept)
        assert answer == {"voided": len(unpaid), "issued": issued, "kept_with_payments": kept}

    @rule(pick=st.integers(0, 10**6), amount=st.integers(1, 600_000), lower=st.booleans())
    def pay_by_transfer(self, pick, amount, lower):
        reference = self._pick(self.bills, pick)
        if reference is None:
            return
        self.txn += 1
        said = reference.lower() if lower else reference
        body, headers = generic_notification(
            SECRET,
            txn=f"FT{self.txn}",
            amount=amount,
            account=self.school.account_number,
            description=f"MBVCB.{self.txn}.{said} hoc phi",
        )
        status, answer = receive_notification(
            lambda: self.session,
            provider_name="vqr-generic",
            headers=headers,
            body=body,
            now=datetime.now(UTC),
            payer_key=b"k",
        )
        assert (status, answer["status"]) == (200, "recorded")
        if self.bills[reference].void:
            self.money[answer["payment_id"]] = Money(amount, None, void_reference=reference)
        else:
            self._paid(answer["payment_id"], reference, amount)

    @rule(pick=st.integers(0, 10**6), amount=st.integers(1, 600_000))
    def pay_cash(self, pick, amount):
        reference = self._pick(self.bills, pick)
        if reference is None:
            return
        payment, error = self._attempt(
            lambda: invoices.record_cash(
                self.session, actor=self.admin, reference=reference, amount=amount
            )
        )
        if self.bills[reference].void:
            assert error is not None and error.status == 409
        else:
            assert error is None
            self._paid(payment.id, reference, amount)

    @rule(pick=st.integers(0, 10**6))
    def reverse(self, pick):
        payment_id = self._pick(self.money, pick)
        if payment_id is None:
            return
        _, error = self._attempt(
            lambda: reverse(self.session, actor=self.admin, payment_id=payment_id, reason="nhầm")
        )
        money = self.money[payment_id]
        if money.reversed:
            assert error is not None and error.status == 409
            return
        assert error is None
        money.reversed = True
        if money.invoice is not None:
            self.bills[money.invoice].paid -= money.amount

    @rule(pick=st.integers(0, 10**6))
    def void(self, pick):
        reference = self._pick(self.bills, pick)
        if reference is None:
            return
        bill = self.bills[reference]
        _, error = self._attempt(
            lambda: invoices.void_invoice(
                self.session, actor=self.admin, reference=reference, reason="hủy"
            )
        )
        if bill.void or bill.paid != 0:
            assert error is not None and error.status == 409
        else:
            assert error is None
            bill.void = True

    @rule(payment_pick=st.integers(0, 10**6), invoice_pick=st.integers(0, 10**6))
    def assign(self, payment_pick, invoice_pick):
        waiting = [i for i, m in self.money.items() if m.invoice is None and not m.reversed]
        payment_id = self._pick(waiting, payment_pick)
        reference = self._pick(self.bills, invoice_pick)
        if payment_id is None or reference is None:
            return
        _, error = self._attempt(
            lambda: assign(
                self.session,
                actor=self.admin,
                payment_id=payment_id,
                field="invoice_reference",
                value=reference,
            )
        )
        if self.bills[reference].void:
            assert error is not None and error.status == 409
        else:
            assert error is None
            self._paid(payment_id, reference, self.money[payment_id].amount)

    @invariant()
    def each_invoice_is_as_the_model_says(self):
        rows = self.session.execute(
            select(Invoice.reference, Invoice.paid_amount, Invoice.status, Invoice.total_amount)
            .where(Invoice.school_id == self.school.id)
            .execution_options(populate_existing=True)
        ).all()
        assert len(rows) == len(self.bills)
        for reference, paid, status, total in rows:
            bill = self.bills[reference]
            live_paid = sum(
                m.amount for m in self.money.values() if m.invoice == reference and not m.reversed
            )
            assert (paid, status, total) == (bill.paid, bill.status, bill.total)
            assert paid == live_paid  # what stands of the payments made on it
            assert total - paid == bill.total - bill.paid  # the balance

    @invariant()
    def no_money_on_a_void_invoice_and_one_live_invoice_per_student(self):
        for bill in self.bills.values():
            if bill.void:
                assert bill.paid == 0
        live = [(b.plan, b.student) for b in self.bills.values() if not b.void]
        assert len(live) == len(set(live))

    @invariant()
    def receipts_are_gapless_per_year_and_cancelled_ones_keep_their_number(self):
        rows = self.session.execute(
            select(
                Receipt.payment_id,
                Receipt.school_year,
                Receipt.number,
                Receipt.amount,
                Receipt.cancelled_at,
            ).where(Receipt.school_id == self.school.id)
        ).all()
        for year in YEARS:
            numbers = sorted(n for _, y, n, _, _ in rows if y == year)
            assert numbers == list(range(1, self.numbers[year] + 1))
        expected = {
            pid: (m.year, m.number, m.amount, m.reversed)
            for pid, m in self.money.items()
            if m.number is not None
        }
        assert {
            pid: (year, number, amount, cancelled is not None)
            for pid, year, number, amount, cancelled in rows
        } == expected

    @invariant()
    def a_transfer_for_a_void_invoice_waits_unmatched_saying_why(self):
        for payment_id, money in self.money.items():
            if money.invoice is None:
                status, target, note = self.session.execute(
                    select(Payment.match_status, Payment.target_id, Payment.match_note).where(
                        Payment.id == payment_id
                    )
                ).one()
                assert (status, target) == ("unmatched", None)
                assert f"invoice {money.void_reference} is void" in note


def test_invoice_invariants_hold(session):
    run_state_machine_as_test(
        lambda: Invoices(session),
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
