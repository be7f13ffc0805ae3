"""Payments as they land, for screens that stay open (a vendor's phone): Server-Sent Events.

Every matched payment notifies the channel at commit (payments/ledger/write.py), the payment
itself in the notice. One listener per process hands each notice to the streams of its payee,
which send it on without reading the database. A stream reads the database (`id > last`)
only when it starts and when the listener may have missed notices (it was reconnecting), so a
stream resumed after `Last-Event-ID` gets exactly the missed payments, and a live one every
new payment, none twice: a payee's payments commit, and are notified, in id order. On
PostgreSQL the listener is one LISTEN connection; on SQLite it reads the new payments once a
second and has the streams read them."""

import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

import psycopg
from sqlalchemy import func, make_url, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from market.banks import bank_by_bin
from market.db import Database
from payments.ledger.models import Payment
from payments.ledger.write import LIVE_CHANNEL

log = logging.getLogger(__name__)
Key = tuple[str, int]  # (payee_type, payee_id)
BATCH = 100
POLL_SECONDS = 1.0
LISTEN_TIMEOUT = 5.0  # how often the listener looks up from waiting (to notice a fork or stop)


def last_payment_id(session: Session, key: Key) -> int:
    """The id of the payee's latest payment (0 without one): where a new screen starts."""
    stmt = select(func.max(Payment.id)).where(
        Payment.payee_type == key[0], Payment.payee_id == key[1]
    )
    return session.scalar(stmt) or 0


EVENT_COLUMNS = (
    Payment.kind,
    Payment.id,
    Payment.amount,
    Payment.occurred_at,
    Payment.payer_bin,
    Payment.payer_account_masked,
    Payment.description,
    Payment.target_reference,
    Payment.reverses_id,
)


def events_after(session: Session, key: Key, after: int, limit: int = BATCH) -> list[dict]:
    """The payee's credited payments and reversals with an id above after, oldest first."""
    rows = session.execute(
        select(*EVENT_COLUMNS)
        .where(
            Payment.id > after,
            Payment.payee_type == key[0],
            Payment.payee_id == key[1],
            Payment.match_status == "matched",
        )
        .order_by(Payment.id)
        .limit(limit)
    )
    return [event_of(row) for row in rows]


def event_of(payment) -> dict:
    """What a screen is told of a payment (`kind` names the event, the rest is its data)."""
    occurred = payment.occurred_at
    return {
        "kind": payment.kind,
        "payment_id": payment.id,
        "amount": payment.amount,
        "occurred_at": occurred if isinstance(occurred, str) else occurred.isoformat(),
        "payer_bank": bank_name(payment.payer_bin),
        "payer": payment.payer_account_masked,
        "description": payment.description,
        "reference": payment.target_reference,
        "reverses_id": payment.reverses_id,
    }


def bank_name(bin_: str | None) -> str | None:
    """A bank's short name from its BIN (None when unknown)."""
    bank = bank_by_bin(bin_) if bin_ else None
    return bank.short_name if bank else None


def event_of_notice(body: dict) -> dict:
    """The event of a notice's payment (its fields: payments.ledger.write.NOTICE_FIELDS)."""
    payer_bin = body.pop("payer_bin", None)
    return body | {"payer_bank": bank_name(payer_bin)}


class Inbox:
    """What the listener left for one stream: payments to send, or a call to read again."""

    def __init__(self):
        self.ready = threading.Event()
        self.events: deque[dict] = deque()
        self.reread = True  # a stream reads the database first

    def push(self, event: dict | None) -> None:
        """Hand over a payment (None: read the database again, something may be missing)."""
        if event is None:
            self.reread = True
        else:
            self.events.append(event)
        self.ready.set()


def sse(event: dict, extra: Callable[[dict], dict] | None = None) -> str:
    """One event in the text/event-stream format: its name, its id, its JSON data."""
    data = {k: v for k, v in event.items() if k != "kind"} | (extra(event) if extra else {})
    return f"event: {event['kind']}\nid: {event['payment_id']}\ndata: {json.dumps(data)}\n\n"


class LiveHub:
    """The streams of one process, by payee, and the one listener that feeds them."""

    def __init__(self, db: Database):
        self.db = db
        self._streams: dict[Key, set[Inbox]] = {}
        self._lock = threading.Lock()
        self._pid: int | None = None  # the process whose listener runs (gunicorn forks)
        self.stopped = threading.Event()

    def subscribe(self, key: Key) -> Inbox:
        """An inbox for the payments of key, from now on."""
        inbox = Inbox()
        with self._lock:
            self._streams.setdefault(key, set()).add(inbox)
            self._start()
        return inbox

    def unsubscribe(self, key: Key, inbox: Inbox) -> None:
        """Forget a stream that ended."""
        with self._lock:
            inboxes = self._streams.get(key, set())
            inboxes.discard(inbox)
            if not inboxes:
                self._streams.pop(key, None)

    def close(self) -> None:
        """Stop the listener and end every stream (the browsers will reconnect elsewhere)."""
        self.stopped.set()
        self.wake(None)

    def watched(self, key: Key) -> bool:
        """True when a stream of this process waits for key's payments."""
        return key in self._streams

    def wake(self, key: Key | None, event: dict | None = None) -> None:
        """Hand event to key's streams, or have them read again (key None: every stream)."""
        with self._lock:
            groups = list(self._streams.values()) if key is None else [self._streams.get(key, ())]
            inboxes = [inbox for group in groups for inbox in group]
        for inbox in inboxes:
            inbox.push(event)

    def _start(self) -> None:
        # Bound to one outer transaction (tests) nothing commits: streams read on their own.
        if self._pid == os.getpid() or self.db.bound:
            return
        self._pid = os.getpid()
        target = self._listen if self.db.engine.dialect.name == "postgresql" else self._poll
        threading.Thread(target=target, name="payments-live", daemon=True).start()

    def _listen(self) -> None:
        url = make_url(self.db.url).set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        while not self.stopped.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {LIVE_CHANNEL}")
                    self.wake(None)  # whatever landed while nobody listened
                    while not self.stopped.is_set():
                        for notice in connection.notifies(timeout=LISTEN_TIMEOUT):
                            self._notified(notice.payload)
            except psycopg.Error:
                log.exception("payments live listener lost its connection; retrying")
                self.stopped.wait(1.0)

    def _notified(self, payload: str) -> None:
        holder, _, body = payload.partition(" ")
        payee_type, _, payee_id = holder.partition(":")
        if not payee_id.isdigit() or not self.watched((payee_type, int(payee_id))):
            return  # nobody here watches this payee: not even read
        try:
            event = event_of_notice(json.loads(body))
        except (ValueError, TypeError, AttributeError):
            log.warning("unreadable payments notice %r", payload)
            event = None  # the streams read it from the database
        self.wake((payee_type, int(payee_id)), event)

    def _poll(self) -> None:
        last = None
        while not self.stopped.wait(0 if last is None else POLL_SECONDS):
            try:
                with self.db.session_scope() as session:
                    if last is None:
                        last = session.scalar(select(func.max(Payment.id))) or 0
                        self.wake(None)  # whatever landed before the poll began
                        continue
                    rows = session.execute(
                        select(Payment.id, Payment.payee_type, Payment.payee_id)
                        .where(Payment.id > last, Payment.payee_id.is_not(None))
                        .order_by(Payment.id)
                    ).all()
            except SQLAlchemyError:  # a poller outlives a failed read
                log.exception("payments live poller failed; retrying")
                continue
            for row in rows:
                last = max(last, row.id)
                self.wake((row.payee_type, row.payee_id))


def stream(
    hub: LiveHub,
    key: Key,
    after: int,
    *,
    heartbeat: float,
    lifetime: float,
    extra: Callable[[dict], dict] | None = None,
) -> Iterator[str]:
    """The text/event-stream of key's payments after the id after: each as it lands, a
    comment every heartbeat seconds, ended after lifetime seconds (the browser reconnects
    with Last-Event-ID)."""
    inbox = hub.subscribe(key)
    deadline = time.monotonic() + lifetime
    try:
        yield "retry: 2000\n\n"
        while True:
            inbox.ready.clear()
            events = []
            if inbox.reread:
                inbox.reread = False
                with hub.db.session_scope() as session:
                    events = events_after(session, key, after)
                inbox.reread = len(events) == BATCH  # more to read
            while inbox.events:
                events.append(inbox.events.popleft())
            for event in events:
                if event["payment_id"] > after:  # what was read may come pushed too
                    after = event["payment_id"]
                    yield sse(event, extra)
            left = deadline - time.monotonic()
            if left <= 0 or hub.stopped.is_set():
                return
            if not inbox.reread and not inbox.ready.wait(min(heartbeat, left)):
                yield ": still here\n\n"
    finally:
        hub.unsubscribe(key, inbox)


def hub_of_app(app) -> LiveHub:
    """The application's live hub, made on first use."""
    hub = app.extensions.get("payments_live")
    if hub is None:
        hub = app.extensions.setdefault("payments_live", LiveHub(app.extensions["db"]))
    return hub
