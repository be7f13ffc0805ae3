"""The live hub of a process: a notice reaches the streams of its payee only, with the
payment in it; an unreadable one has them read the database instead."""

import json

from payments.live import LiveHub, sse


def notice(payee: str, **fields) -> str:
    payment = {
        "payment_id": 9,
        "kind": "payment",
        "amount": 60000,
        "occurred_at": "2026-11-20T02:30:00+00:00",
        "payer_bin": "970422",
        "payer": "•••• 6789",
        "description": "tien rau",
        "reference": None,
        "reverses_id": None,
    } | fields
    return f"{payee} {json.dumps(payment)}"


def test_a_notice_goes_to_its_payees_streams_only(app, session):
    hub = LiveHub(app.extensions["db"])  # bound to the test's transaction: no listener runs
    mine, other = hub.subscribe(("vendor", 5)), hub.subscribe(("vendor", 6))
    mine.reread = other.reread = False  # as after their first read
    hub._notified(notice("vendor:5"))
    hub._notified(notice("school:5", payment_id=10))
    assert not other.ready.is_set() and not other.events
    assert mine.ready.is_set() and list(mine.events) == [
        {
            "payment_id": 9,
            "kind": "payment",
            "amount": 60000,
            "occurred_at": "2026-11-20T02:30:00+00:00",
            "payer_bank": "MBBank",
            "payer": "•••• 6789",
            "description": "tien rau",
            "reference": None,
            "reverses_id": None,
        }
    ]
    event = sse(mine.events[0], lambda e: {"spoken": "Đã nhận sáu mươi nghìn đồng"})
    assert event.startswith("event: payment\nid: 9\ndata: {") and event.endswith("}\n\n")
    assert json.loads(event.split("data: ", 1)[1])["spoken"] == "Đã nhận sáu mươi nghìn đồng"


def test_an_unreadable_notice_has_the_streams_read_the_database(app, session):
    hub = LiveHub(app.extensions["db"])
    inbox = hub.subscribe(("vendor", 5))
    inbox.reread = False
    hub._notified("vendor:5 {not json")
    hub._notified("garbage")
    assert inbox.reread and not inbox.events
    hub.unsubscribe(("vendor", 5), inbox)
    assert not hub.watched(("vendor", 5))
