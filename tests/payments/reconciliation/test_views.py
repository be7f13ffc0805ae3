"""A provider statement held against the ledger, over HTTP: every bucket, export, import."""

import io

import pytest
from sqlalchemy import func, select

from payments.ledger.models import Payment
from tests.factories import (
    bearer,
    generic_notification,
    make_market,
    make_provider,
    make_user,
    make_vendor,
)

SECRET = "s3cret-s3cret-s3cret"
HEADER = "transaction_id,amount,credit_bin,credit_account,description,occurred_at\n"


@pytest.fixture
def world(session):
    make_provider(session)
    vendor = make_vendor(session, make_market(session), status="active")
    return vendor, bearer(make_user(session, "admin")[1])


def pay(client, txn, amount, account, when):
    body, headers = generic_notification(
        SECRET, txn=txn, amount=amount, account=account, occurred_at=when
    )
    assert (
        client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers).status_code
        == 200
    )


def upload(client, admin, text, provider="vqr-generic"):
    return client.post(
        "/api/v1/reconciliations",
        headers=admin,
        data={"provider": provider, "file": (io.BytesIO(text.encode()), "s.csv")},
        content_type="multipart/form-data",
    )


def test_a_statement_with_one_line_of_every_bucket(client, session, world):
    vendor, admin = world
    acc = vendor.account_number
    pay(client, "M1", 1000, acc, "2026-11-20T08:00:00+07:00")  # matched
    pay(client, "D1", 2000, acc, "2026-11-20T09:00:00+07:00")  # amount differs
    pay(client, "S1", 3000, acc, "2026-11-20T10:00:00+07:00")  # missing in statement
    pay(client, "X1", 4000, acc, "2026-11-20T11:00:00+07:00")  # duplicated in the statement
    statement = (
        HEADER
        + "\n".join(
            [
                f"M1,1000,970436,{acc},tien hang,2026-11-20T08:00:00+07:00",
                f"D1,2500,970436,{acc},tien hang,2026-11-20T09:00:00+07:00",
                f"L1,5000,970436,{acc},tien hang ca,2026-11-20T10:30:00+07:00",
                f"X1,4000,970436,{acc},tien hang,2026-11-20T11:00:00+07:00",
                f"X1,4000,970436,{acc},tien hang,2026-11-20T11:00:00+07:00",
            ]
        )
        + "\n"
    )
    response = upload(client, admin, statement)
    assert response.status_code == 201, response.json
    counts = {
        k: response.json[k]
        for k in (
            "matched",
            "missing_in_ledger",
            "missing_in_statement",
            "amount_mismatch",
            "duplicates",
        )
    }
    assert counts == {
        "matched": 2,
        "missing_in_ledger": 1,
        "missing_in_statement": 1,
        "amount_mismatch": 1,
        "duplicates": 1,
    }
    run = response.json["id"]
    kept = client.get(f"/api/v1/reconciliations/{run}", headers=admin).json
    assert {(line["provider_txn_id"], line["bucket"]) for line in kept["lines"]} == {
        ("M1", "matched"),
        ("D1", "amount_mismatch"),
        ("L1", "missing_in_ledger"),
        ("X1", "matched"),
        ("X1", "duplicate"),
        ("S1", "missing_in_statement"),
    }
    csv = client.get(f"/api/v1/reconciliations/{run}?format=csv", headers=admin)
    assert csv.mimetype == "text/csv" and "L1" in csv.get_data(as_text=True)

    imported = client.post(f"/api/v1/reconciliations/{run}/import-missing", headers=admin).json
    assert [(r["provider_txn_id"], r["status"]) for r in imported["results"]] == [
        ("L1", "recorded")
    ]
    payment = session.scalars(select(Payment).where(Payment.provider_txn_id == "L1")).one()
    assert (payment.source, payment.payee_id, payment.amount) == ("statement", vendor.id, 5000)
    again = client.post(f"/api/v1/reconciliations/{run}/import-missing", headers=admin).json
    assert again["results"][0]["status"] == "duplicate"
    assert session.scalar(select(func.count()).select_from(Payment)) == 5


@pytest.mark.parametrize("text", ["not,a,statement\n1,2,3\n", "\x00\x01binary"])
def test_unreadable_statements_are_422_and_keep_nothing(client, session, world, text):
    _, admin = world
    response = upload(client, admin, text)
    assert response.status_code == 422 and "file" in response.json["errors"]


def test_only_admins_reconcile(client, session, world):
    vendor, _ = world
    manager = bearer(make_user(session, "market_manager", market_id=vendor.market_id)[1])
    assert upload(client, manager, HEADER).status_code == 403
    admin = bearer(make_user(session, "admin")[1])
    assert upload(client, admin, HEADER, provider="nobody").status_code == 404


def test_a_9_mb_statement_of_4_5_million_lines_is_refused_at_once(client, session, world):
    import time

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from payments.reconciliation.models import Reconciliation

    _, admin = world
    data = (HEADER + "\n" * 4_500_000).encode()
    # Encoded here, in memory: the test client would spool a large body to a temporary file
    # that it never closes.
    boundary, body = encode_multipart(
        {"provider": "vqr-generic", "file": FileStorage(io.BytesIO(data), "s.csv")}
    )
    started = time.perf_counter()
    response = client.post(
        "/api/v1/reconciliations",
        headers=admin,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 422 and "split it by day" in response.json["errors"]["file"][0]
    assert time.perf_counter() - started < 5
    assert session.scalar(select(func.count()).select_from(Reconciliation)) == 0
