"""/stall/events for real, on PostgreSQL with threads: the listener hears each commit, a screen
gets every transfer of its stall once, in id order, even when twenty land at the same instant;
a screen that lost the line and comes back with Last-Event-ID gets exactly what it missed."""

import http.client
import json
import queue
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from market.auth import SESSION_KEY
from market.db import get_db
from market.users import start_session
from payments import live
from tests.browser import live_server
from tests.factories import generic_notification, make_market, make_provider, make_user, make_vendor

SECRET = "s3cret-s3cret-s3cret"
WAIT = 10  # seconds an expected event may take at most (it takes milliseconds)


@pytest.fixture
def served(make_app, live_database):
    """A served app on a database whose writes commit; the stall, a neighbour, the phone."""
    app = make_app(DATABASE_URL=live_database, LIVE_HEARTBEAT_SECONDS=1)
    with app.app_context(), get_db().session_scope() as session:
        make_provider(session)
        market = make_market(session)
        vendor, neighbour = (make_vendor(session, market, status="active") for _ in range(2))
        user = make_user(session, "vendor", vendor_id=vendor.id, market_id=market.id)[0]
        manager = make_user(session, "market_manager", market_id=make_market(session).id)[0]
        cookies = {
            "vendor": cookie_of(app, start_session(session, user=user)),
            "stranger": cookie_of(app, start_session(session, user=manager)),
        }
        accounts = {"vendor": vendor.account_number, "neighbour": neighbour.account_number}
    with live_server(app) as base:
        yield base, cookies, accounts
        live.hub_of_app(app).close()


def cookie_of(app, key: str) -> str:
    """The session cookie a browser signed in with key would send."""
    return "session=" + app.session_interface.get_signing_serializer(app).dumps({SESSION_KEY: key})


class Screen:
    """A phone holding /stall/events open: the events it got, as they came."""

    def __init__(self, base: str, cookie: str, last_event_id: int | None = None):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"Cookie": cookie, "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", "/stall/events", headers=headers)
        self.socket = self.connection.sock
        self.response = self.connection.getresponse()
        self.events: queue.Queue = queue.Queue()
        if self.response.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        fields: dict = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if not line:
                    if "event" in fields:
                        self.events.put(
                            (fields["event"], int(fields["id"]), json.loads(fields["data"]))
                        )
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(": ")
                    fields[name] = value
        except (OSError, ValueError, http.client.HTTPException):
            return  # the line was cut

    def take(self, n: int) -> list:
        """The next n events (fails after WAIT seconds without one)."""
        return [self.events.get(timeout=WAIT) for _ in range(n)]

    def nothing_more(self, seconds: float = 1.5) -> bool:
        """True when no event comes within seconds."""
        try:
            self.events.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def cut(self) -> None:
        """Lose the line, as a phone going through a tunnel."""
        self.socket.shutdown(2)
        self.socket.close()


def notify(base: str, account: str, txn: str, amount: int) -> int:
    """A signed notification, answered 200; the payment's id."""
    body, headers = generic_notification(SECRET, txn=txn, amount=amount, account=account)
    request = urllib.request.Request(
        f"{base}/api/v1/notifications/vqr-generic", data=body, headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 200
        return json.loads(answer.read())["payment_id"]


def test_each_transfer_reaches_the_open_screen_once_and_a_neighbours_never(served):
    base, cookies, accounts = served
    screen = Screen(base, cookies["vendor"])
    assert screen.response.status == 200
    assert screen.response.getheader("Content-Type").startswith("text/event-stream")
    neighbour = notify(base, accounts["neighbour"], "FT-N", 99000)
    mine = notify(base, accounts["vendor"], "FT-1", 60000)
    (event, event_id, data) = screen.take(1)[0]
    assert (event, event_id, data["amount"]) == ("payment", mine, 60000)
    assert data["spoken"] == "Đã nhận sáu mươi nghìn đồng"
    assert neighbour != event_id and screen.nothing_more()


def test_twenty_at_once_arrive_once_each_in_id_order(served):
    base, cookies, accounts = served
    screen = Screen(base, cookies["vendor"])
    with ThreadPoolExecutor(20) as pool:
        ids = list(
            pool.map(
                lambda n: notify(base, accounts["vendor"], f"FT-BURST-{n}", 1000 + n), range(20)
            )
        )
    got = [event_id for _, event_id, _ in screen.take(20)]
    assert got == sorted(ids) and screen.nothing_more()


def test_a_screen_that_lost_the_line_gets_exactly_the_missed_ones(served):
    base, cookies, accounts = served
    screen = Screen(base, cookies["vendor"])
    first = notify(base, accounts["vendor"], "FT-A", 10000)
    assert screen.take(1)[0][1] == first
    screen.cut()
    missed = [notify(base, accounts["vendor"], f"FT-{t}", 20000) for t in ("B", "C")]
    back = Screen(base, cookies["vendor"], last_event_id=first)
    assert [event_id for _, event_id, _ in back.take(2)] == missed
    later = notify(base, accounts["vendor"], "FT-D", 30000)
    assert back.take(1)[0][1] == later and back.nothing_more()


def test_a_market_manager_cannot_open_a_stream(served):
    base, cookies, _ = served
    assert Screen(base, cookies["stranger"]).response.status == 403
