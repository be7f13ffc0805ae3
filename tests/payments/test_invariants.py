"""The ledger's invariants under any sequence of deliveries, forgeries, reversals, assignments
and closes (a Hypothesis state machine on the real database)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from market.errors import AppError, Unauthorized
from payments import ledger
from payments.models import Payment, Settlement, SettlementItem, UnsettledPayment
from payments.notifications import receive_notification
from payments.settlement import close_business_day
from tests.factories import generic_notification, make_market, make_provider, make_user, make_vendor

SECRET = "s3cret-s3cret-s3cret"
FIRST_DAY = date(2026, 10, 1)
LATER = datetime(2027, 1, 1, tzinfo=UTC)


class Ledger(RuleBasedStateMachine):
    def __init__(self, session):
        super().__init__()
        self.session = session
        self.savepoint = session.begin_nested()
        make_provider(session)
        market = make_market(session)
        self.accounts = [
            make_vendor(session, market, status="active").account_number for _ in range(3)
        ] + ["77777777"]  # the last belongs to nobody
        self.admin = make_user(session, "admin")[0]
        self.seen: dict[str, int] = {}
        self.snapshots: dict[int, tuple] = {}
        self.closed_days: set[date] = set()

    def teardown(self):
        self.savepoint.rollback()

    def _deliver(self, txn, account, day, amount, secret=SECRET):
        moment = datetime.combine(FIRST_DAY + timedelta(days=day), datetime.min.time())
        body, headers = generic_notification(
            secret,
            txn=txn,
            amount=amount,
            account=account,
            occurred_at=moment.isoformat() + "+07:00",
        )
        return receive_notification(
            lambda: self.session,
            provider_name="vqr-generic",
            headers=headers,
            body=body,
            now=datetime.now(UTC),
            payer_key=b"k",
        )

    @rule(
        txn=st.integers(0, 25),
        who=st.integers(0, 3),
        day=st.integers(0, 4),
        amount=st.integers(1, 10**9),
    )
    def deliver(self, txn, who, day, amount):
        status, answer = self._deliver(f"T{txn}", self.accounts[who], day, amount)
        assert status == 200
        key = f"T{txn}"
        if key in self.seen:
            assert answer == {"status": "duplicate", "payment_id": self.seen[key]}
        else:
            assert answer["status"] == "recorded"
            self.seen[key] = answer["payment_id"]

    @rule(txn=st.integers(100, 110), amount=st.integers(1, 10**6))
    def forge(self, txn, amount):
        before = self.session.scalar(select(func.count()).select_from(Payment))
        with pytest.raises(Unauthorized):
            self._deliver(f"T{txn}", self.accounts[0], 0, amount, secret="not-the-secret-at-all")
        assert self.session.scalar(select(func.count()).select_from(Payment)) == before

    @rule(pick=st.integers(0, 10**6))
    def reverse(self, pick):
        ids = sorted(self.seen.values())
        if ids:
            try:
                ledger.reverse(
                    self.session, actor=self.admin, payment_id=ids[pick % len(ids)], reason="test"
                )
            except AppError as error:
                assert error.status == 409  # already reversed

    @rule(pick=st.integers(0, 10**6))
    def assign(self, pick):
        reversed_ids = select(Payment.reverses_id).where(Payment.reverses_id.is_not(None))
        unmatched = sorted(
            self.session.scalars(
                select(Payment.id).where(
                    Payment.match_status == "unmatched",
                    Payment.kind == "payment",
                    Payment.id.not_in(reversed_ids),  # a reversed payment is refused (409)
                )
            )
        )
        if unmatched:
            vendor = self.session.scalars(
                select(Payment.payee_id).where(Payment.payee_type == "vendor")
            ).first()
            if vendor:
                ledger.assign(
                    self.session,
                    actor=self.admin,
                    field="vendor_id",
                    payment_id=unmatched[pick % len(unmatched)],
                    value=str(vendor),
                )

    @rule(day=st.integers(0, 6))
    def close(self, day):
        business_date = FIRST_DAY + timedelta(days=day)
        first_time = business_date not in self.closed_days
        closed = close_business_day(
            self.session, business_date=business_date, actor=None, now=LATER
        )
        self.closed_days.add(business_date)
        for s in closed:
            self.snapshots.setdefault(s.id, self._row(s))
        if first_time:  # the day's sweep leaves no matched payment of it or before waiting
            assert not self.session.scalars(
                select(UnsettledPayment).where(UnsettledPayment.business_date <= business_date)
            ).first()

    def _row(self, s):
        return (
            s.payee_type,
            s.payee_id,
            s.business_date,
            s.payment_count,
            s.gross_amount,
            s.fee_amount,
            s.net_amount,
            s.adjustment_count,
            s.adjustment_amount,
        )

    @invariant()
    def each_transfer_is_in_the_ledger_once(self):
        count = self.session.scalar(
            select(func.count()).select_from(Payment).where(Payment.kind == "payment")
        )
        assert count == len(self.seen)

    @invariant()
    def settlements_add_up_to_exactly_their_payments(self):
        for s in self.session.scalars(select(Settlement)):
            rows = self.session.execute(
                select(Payment.kind, Payment.amount)
                .join(SettlementItem, SettlementItem.payment_id == Payment.id)
                .where(SettlementItem.settlement_id == s.id)
            ).all()
            gross = sum(-a if k == "reversal" else a for k, a in rows)
            assert (s.payment_count, s.gross_amount) == (len(rows), gross)

    @invariant()
    def no_payment_is_settled_twice_or_left_waiting_after_its_day(self):
        items = self.session.scalar(select(func.count()).select_from(SettlementItem))
        distinct = self.session.scalar(select(func.count(func.distinct(SettlementItem.payment_id))))
        assert items == distinct
        waiting = set(self.session.scalars(select(UnsettledPayment.payment_id)))
        settled = set(self.session.scalars(select(SettlementItem.payment_id)))
        assert not waiting & settled

    @invariant()
    def closed_settlements_never_change(self):
        for sid, row in self.snapshots.items():
            assert self._row(self.session.get(Settlement, sid)) == row


def test_ledger_invariants_hold(session):
    run_state_machine_as_test(
        lambda: Ledger(session),
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
