"""The ledger's invariants under any sequence of deliveries, forgeries, cash, payment requests,
reversals, assignments and closes in any order (a Hypothesis state machine on the real
database), held against a plain Python model of who is owed what, and on which day."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from market.clock import VIETNAM
from market.errors import AppError, Conflict, Unauthorized
from payments.domains import Payee
from payments.ingest.service import receive_notification
from payments.ledger.assignment import assign
from payments.ledger.cash import record_cash
from payments.ledger.models import Payment
from payments.ledger.reversal import reverse
from payments.qr import service as qr
from payments.qr.models import PaymentRequest
from payments.settlement.models import Settlement, SettlementItem, UnsettledPayment
from payments.settlement.service import close_business_day
from tests.factories import generic_notification, make_market, make_provider, make_user, make_vendor

SECRET = "s3cret-s3cret-s3cret"
FIRST_DAY = date(2026, 10, 1)
SIGNED_AT = datetime(2026, 12, 1, tzinfo=UTC)  # every notification is signed and checked then
CLOSE_AT = datetime(2027, 1, 1, tzinfo=UTC)  # every day's grace period is over
FEE_FIXED, FEE_BPS = 120, 35
days = st.integers(0, 6)
hours = st.integers(0, 23)
amounts = st.integers(1, 10**7)


def fee(amount: int) -> int:
    """The provider's price list: 120 đồng plus 0.35 %, to the nearest đồng (half up)."""
    share = (Decimal(amount) * FEE_BPS / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return FEE_FIXED + int(share)


def at(day: int, hour: int) -> datetime:
    """A moment of the day-th business day (Vietnam time)."""
    return datetime.combine(FIRST_DAY + timedelta(days=day), time(hour), VIETNAM)


@dataclass
class Entry:
    """What the model knows of one ledger record (amount and fee signed: a reversal's are
    negative)."""

    day: date
    amount: int
    fee: int
    payee: int | None
    method: str = "transfer"
    kind: str = "payment"
    request: str | None = None  # the reference of the payment request it paid
    queued: bool = False  # handed to settlement
    late: bool = False  # handed to settlement when its day was already closed
    settled_on: date | None = None
    reversed: bool = False


@dataclass
class Request:
    reference: str
    vendor: int
    amount: int
    created_at: datetime
    expires_at: datetime
    paid: int = 0
    status: str = "open"

    def status_at(self, moment: datetime) -> str:
        if self.status == "paid":
            return "paid"
        return "expired" if moment >= self.expires_at else "open"


class Ledger(RuleBasedStateMachine):
    def __init__(self, session):
        super().__init__()
        self.session = session
        self.savepoint = session.begin_nested()
        make_provider(session, fee_fixed=FEE_FIXED, fee_bps=FEE_BPS)
        market = make_market(session)
        self.vendors = [make_vendor(session, market, status="active") for _ in range(3)]
        self.accounts = [v.account_number for v in self.vendors] + ["77777777"]  # nobody's
        self.admin = make_user(session, "admin")[0]
        self.seen: dict[str, int] = {}
        self.entries: dict[int, Entry] = {}
        self.requests: list[Request] = []
        self.last_closed: date | None = None
        self.closed: dict[date, dict] = {}  # the settlements each close made, by payee
        self.snapshots: dict[int, tuple] = {}

    def teardown(self):
        self.savepoint.rollback()

    def _hand_to_settlement(self, entry: Entry) -> None:
        entry.queued = True
        entry.late = self.last_closed is not None and entry.day <= self.last_closed

    def _deliver(self, txn, account, moment, amount, description, secret=SECRET):
        body, headers = generic_notification(
            secret,
            txn=txn,
            amount=amount,
            account=account,
            description=description,
            occurred_at=moment.isoformat(),
            t=int(SIGNED_AT.timestamp()),
        )
        return receive_notification(
            lambda: self.session,
            provider_name="vqr-generic",
            headers=headers,
            body=body,
            now=SIGNED_AT,
            payer_key=b"k",
        )

    @rule(
        txn=st.integers(0, 25),
        who=st.integers(0, 3),
        day=days,
        hour=hours,
        amount=amounts,
        quote=st.none() | st.integers(0, 10**6),
    )
    def deliver(self, txn, who, day, hour, amount, quote):
        request = None
        if quote is not None and self.requests:
            request = self.requests[quote % len(self.requests)]
        self._transfer(f"T{txn}", who, at(day, hour), amount, request)

    @rule(
        txn=st.integers(200, 215),
        pick=st.integers(0, 10**6),
        after=st.sampled_from([timedelta(minutes=5), timedelta(hours=4), timedelta(hours=29)]),
        share=st.sampled_from([1, 2, 3]),
    )
    def pay_a_request(self, txn, pick, after, share):
        """A payer scans a request's QR, some time later, for half, all or more of it."""
        if self.requests:
            request = self.requests[pick % len(self.requests)]
            amount = max(1, request.amount * share // 2)
            when = request.created_at + after
            self._transfer(f"T{txn}", request.vendor, when, amount, request)

    def _transfer(self, txn: str, who: int, moment: datetime, amount: int, request) -> None:
        description = f"{request.reference} tien hang" if request else "chuyen tien"
        status, answer = self._deliver(txn, self.accounts[who], moment, amount, description)
        assert status == 200
        if txn in self.seen:
            assert answer == {"status": "duplicate", "payment_id": self.seen[txn]}
            return
        assert answer["status"] == "recorded"
        pid = self.seen[txn] = answer["payment_id"]
        payee = self.vendors[who].id if who < 3 else None
        entry = Entry(moment.astimezone(VIETNAM).date(), amount, fee(amount), payee)
        if (
            request
            and request.vendor == who
            and request.status != "paid"
            and moment < request.expires_at
        ):
            entry.request = request.reference
            request.paid += amount
            request.status = "paid" if request.paid >= request.amount else request.status
        if payee is not None:
            self._hand_to_settlement(entry)
        self.entries[pid] = entry
        stored = self.session.execute(
            select(Payment.payee_id, Payment.target_reference, Payment.fee_amount).where(
                Payment.id == pid
            )
        ).one()
        assert tuple(stored) == (payee, entry.request, entry.fee)

    @rule(txn=st.integers(100, 110), amount=amounts)
    def forge(self, txn, amount):
        before = self.session.scalar(select(func.count()).select_from(Payment))
        with pytest.raises(Unauthorized):
            self._deliver(f"T{txn}", self.accounts[0], at(0, 9), amount, "x", secret="forged" * 4)
        assert self.session.scalar(select(func.count()).select_from(Payment)) == before

    @rule(who=st.integers(0, 2), day=days, amount=amounts)
    def receive_cash(self, who, day, amount):
        vendor = self.vendors[who]
        payment = record_cash(
            self.session,
            actor=self.admin,
            payee=Payee("vendor", vendor.id),
            target=None,
            amount=amount,
            now=at(day, 10),
        )
        self.entries[payment.id] = Entry(at(day, 10).date(), amount, 0, vendor.id, "cash")

    @rule(who=st.integers(0, 2), day=days, valid_hours=st.sampled_from([1, 5, 30]), amount=amounts)
    def ask_for_payment(self, who, day, valid_hours, amount):
        vendor, created = self.vendors[who], at(day, 8)
        request = qr.create_payment_request(
            self.session,
            payee_type="vendor",
            payee_id=vendor.id,
            bank_bin=vendor.bank_bin,
            account_number=vendor.account_number,
            amount=amount,
            description=None,
            prefix="CH",
            expires_in=timedelta(hours=valid_hours),
            now=created,
        )
        expires_at = created + timedelta(hours=valid_hours)
        self.requests.append(Request(request.reference, who, amount, created, expires_at))

    @rule(pick=st.integers(0, 10**6), day=days, hour=hours)
    def look_at_a_request(self, pick, day, hour):
        if self.requests:
            request = self.requests[pick % len(self.requests)]
            shown = qr.get_payment_request(self.session, request.reference, now=at(day, hour))
            assert (shown.status_label, shown.paid_amount) == (
                request.status_at(at(day, hour)),
                request.paid,
            )

    @rule(pick=st.integers(0, 10**6), day=days, hour=hours)
    def reverse(self, pick, day, hour):
        ids = sorted(pid for pid, e in self.entries.items() if e.kind == "payment")
        if not ids:
            return
        pid = ids[pick % len(ids)]
        entry = self.entries[pid]
        when = at(max(day, (entry.day - FIRST_DAY).days), hour)
        try:
            reversal = reverse(
                self.session, actor=self.admin, payment_id=pid, reason="test", now=when
            )
        except AppError as error:
            assert error.status == 409 and entry.reversed
            return
        assert not entry.reversed
        entry.reversed = True
        taken_back = Entry(
            when.date(), -entry.amount, -entry.fee, entry.payee, entry.method, "reversal"
        )
        if entry.payee is not None and entry.method == "transfer":
            self._hand_to_settlement(taken_back)
        self.entries[reversal.id] = taken_back
        if entry.request:
            request = next(r for r in self.requests if r.reference == entry.request)
            request.paid -= entry.amount
            if request.paid >= request.amount:
                request.status = "paid"
            elif request.status == "paid":
                request.status = "open"

    @rule(pick=st.integers(0, 10**6), who=st.integers(0, 2))
    def assign(self, pick, who):
        ids = sorted(pid for pid, e in self.entries.items() if e.kind == "payment")
        if not ids:
            return
        pid = ids[pick % len(ids)]
        entry, vendor = self.entries[pid], self.vendors[who]
        try:
            assign(
                self.session,
                actor=self.admin,
                field="vendor_id",
                payment_id=pid,
                value=str(vendor.id),
            )
        except AppError as error:
            assert error.status == 409 and (entry.payee is not None or entry.reversed)
            return
        assert entry.payee is None and not entry.reversed
        entry.payee = vendor.id
        self._hand_to_settlement(entry)

    def _oldest_open_day_before(self, day: date) -> date | None:
        return min(
            (
                e.day
                for e in self.entries.values()
                if e.queued and e.settled_on is None and e.day < day
                if self.last_closed is None or e.day > self.last_closed
            ),
            default=None,
        )

    @rule(day=days)
    def close(self, day):
        business_date = FIRST_DAY + timedelta(days=day)
        already = self.last_closed is not None and business_date <= self.last_closed
        waiting = None if already else self._oldest_open_day_before(business_date)
        try:
            closed = close_business_day(
                self.session, business_date=business_date, actor=None, now=CLOSE_AT
            )
        except Conflict as error:
            assert waiting is not None and error.extra["open_day"] == waiting.isoformat()
            return
        assert waiting is None
        if not already:
            self.closed[business_date] = self._settle(business_date)
            self.last_closed = business_date
        got = {s.payee_id: self._row(s)[3:] for s in closed}
        assert got == self.closed.get(business_date, {})
        for s in closed:
            self.snapshots.setdefault(s.id, self._row(s))

    def _settle(self, business_date: date) -> dict:
        """What the model says closing business_date settles, per payee: count, gross, fees,
        net, and the adjustments (payments of days closed before they arrived)."""
        per_payee: dict[int, list[Entry]] = {}
        for e in self.entries.values():
            if e.queued and e.settled_on is None and e.day <= business_date:
                e.settled_on = business_date
                per_payee.setdefault(e.payee, []).append(e)
        return {payee: _totals(entries, business_date) for payee, entries in per_payee.items()}

    def _row(self, s):
        return (
            s.payee_type,
            s.business_date,
            s.closed_at,
            s.payment_count,
            s.gross_amount,
            s.fee_amount,
            s.net_amount,
            s.adjustment_count,
            s.adjustment_amount,
        )

    def _settled_on(self) -> dict[int, tuple[int, date]]:
        rows = self.session.execute(
            select(SettlementItem.payment_id, Settlement.id, Settlement.business_date).join(
                Settlement, Settlement.id == SettlementItem.settlement_id
            )
        )
        return {pid: (sid, day) for pid, sid, day in rows}

    @invariant()
    def each_transfer_is_in_the_ledger_once(self):
        count = self.session.scalar(
            select(func.count())
            .select_from(Payment)
            .where(Payment.kind == "payment", Payment.method == "transfer")
        )
        assert count == len(self.seen)

    @invariant()
    def only_matched_transfers_wait_for_settlement_and_until_their_close(self):
        waiting = set(self.session.scalars(select(UnsettledPayment.payment_id)))
        assert waiting == {
            pid for pid, e in self.entries.items() if e.queued and e.settled_on is None
        }

    @invariant()
    def a_payment_is_settled_on_its_own_day_unless_that_day_closed_before_it_arrived(self):
        settled = self._settled_on()
        assert {pid: day for pid, (_, day) in settled.items()} == {
            pid: e.settled_on for pid, e in self.entries.items() if e.settled_on
        }
        for pid, (_, day) in settled.items():
            entry = self.entries[pid]
            assert day > entry.day if entry.late else day == entry.day

    @invariant()
    def settlements_add_up_to_the_models_amounts_fees_and_net(self):
        by_settlement: dict[int, list[Entry]] = {}
        for pid, (sid, _) in self._settled_on().items():
            by_settlement.setdefault(sid, []).append(self.entries[pid])
        for s in self.session.execute(select(Settlement)).scalars():
            row = self.session.execute(
                select(*[getattr(Settlement, c) for c in TOTALS]).where(Settlement.id == s.id)
            ).one()
            assert tuple(row) == _totals(by_settlement[s.id], s.business_date)

    @invariant()
    def payment_requests_are_paid_once_and_only_before_they_expire(self):
        stored = dict(
            (r, (paid, status))
            for r, paid, status in self.session.execute(
                select(PaymentRequest.reference, PaymentRequest.paid_amount, PaymentRequest.status)
            )
        )
        assert stored == {r.reference: (r.paid, r.status) for r in self.requests}

    @invariant()
    def closed_settlements_never_change(self):
        for sid, row in self.snapshots.items():
            current = self.session.execute(
                select(Settlement)
                .where(Settlement.id == sid)
                .execution_options(populate_existing=True)
            ).scalar_one()
            assert self._row(current) == row


TOTALS = (
    "payment_count",
    "gross_amount",
    "fee_amount",
    "net_amount",
    "adjustment_count",
    "adjustment_amount",
)


def _totals(entries: list[Entry], business_date: date) -> tuple:
    gross = sum(e.amount for e in entries)
    fees = sum(e.fee for e in entries)
    late = [e for e in entries if e.day < business_date]
    return (len(entries), gross, fees, gross - fees, len(late), sum(e.amount for e in late))


def test_ledger_invariants_hold(session):
    run_state_machine_as_test(
        lambda: Ledger(session),
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
