"""A known history, every metric and growth figure checked exactly."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from market.stats.periods import business_today
from payments.ingest.providers.base import Transfer
from payments.ingest.record import record_transfer
from payments.ledger.cash import record_cash
from payments.ledger.reversal import reverse
from payments.rollups.service import agrees
from tests.factories import bearer, make_market, make_provider, make_school, make_user, make_vendor

A, B = "CHO-A", "CHO-B"


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00+07:00").astimezone(UTC)


@pytest.fixture
def history(session):
    """Vendors joining over two years; payments on known days; a reversal; fees in cash and QR."""
    provider = make_provider(session)
    wallet = make_provider(session, name="viettel", format="generic")
    ma = make_market(session, code=A, ward_code="29001", legacy_district="TP Vĩnh Long")
    mb = make_market(session, code=B, ward_code="29002", legacy_district="Huyện Long Hồ")
    joined = {
        "v1": ("2024-03-01", ma),
        "v2": ("2024-06-01", ma),
        "v3": ("2025-04-01", mb),
        "v4": ("2025-10-20", mb),
    }
    vendors = {}
    for name, (day, market) in joined.items():
        v = make_vendor(session, market, status="active", category="Rau củ")
        v.activated_at = v.created_at = at(day)
        vendors[name] = v
    closed = make_vendor(session, ma, status="closed")
    closed.activated_at, closed.closed_at = at("2024-01-01"), at("2025-06-30")
    session.flush()
    admin = make_user(session, "admin")[0]
    n = iter(range(1, 1000))

    def pay(vendor, day, amount, payer, via=provider, bank="970422"):
        transfer = Transfer(
            provider_txn_id=f"T{next(n)}",
            amount=amount,
            credit_account=vendor.account_number,
            credit_bin=vendor.bank_bin,
            description="tien hang",
            occurred_at=at(day),
            debit_bin=bank,
            debit_account=payer,
        )
        return record_transfer(
            session, provider=via, transfer=transfer, source="notification", payer_key=b"k"
        )[1]

    # November 2024: 2 transactions, 1 payer
    pay(vendors["v1"], "2024-11-03", 50_000, "P1")
    pay(vendors["v2"], "2024-11-20", 30_000, "P1")
    # November 2025: 4 transactions (one reversed: does not count), 3 payers, two banks
    pay(vendors["v1"], "2025-11-02", 40_000, "P1")
    pay(vendors["v3"], "2025-11-15", 60_000, "P2", bank="971005", via=wallet)
    wrong = pay(vendors["v4"], "2025-11-16", 900_000, "P9")
    pay(vendors["v4"], "2025-11-30", 20_000, "P3")
    reverse(session, actor=admin, payment_id=wrong, reason="nhầm")
    return vendors, admin


def get(client, session, **query):
    headers = bearer(make_user(session, "bank_staff")[1])
    response = client.get("/api/v1/stats/adoption", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_every_headline_figure_of_a_month_against_a_year_earlier(client, session, history):
    report = get(client, session, **{"from": "2025-11-01", "to": "2025-11-30"})
    assert report["totals"] == {
        "transactions": 3,
        "value": 120_000,
        "average_ticket": 40_000,
        "registered_points": 4,
        "active_points": 3,
        "active_share": 0.75,
        "distinct_payers": 3,
        "banks_seen": 2,
    }
    assert report["previous_year"] == {
        "transactions": 2,
        "value": 80_000,
        "average_ticket": 40_000,
        "registered_points": 3,
        "active_points": 2,
        "active_share": round(2 / 3, 4),
        "distinct_payers": 1,
        "banks_seen": 1,
    }
    growth = report["growth"]["previous_year"]
    assert growth["transactions"] == {"ratio": 0.5, "label": "+50,00%"}
    assert growth["value"]["label"] == "+50,00%"
    assert growth["distinct_payers"] == {"ratio": 2.0, "label": "+200,00%"}
    assert growth["average_ticket"]["label"] == "±0,00%"
    # October 2025 had nothing: growth over the previous period is "new"
    assert report["growth"]["previous_period"]["transactions"] == {"ratio": None, "label": "mới"}


def test_rows_by_market_and_month(client, session, history):
    rows = get(client, session, **{"from": "2025-11-01", "to": "2025-11-30", "group_by": "market"})[
        "rows"
    ]
    by = {r["key"]: r for r in rows}
    assert (by[A]["transactions"], by[A]["value"], by[A]["registered_points"]) == (1, 40_000, 2)
    assert (by[B]["transactions"], by[B]["value"], by[B]["active_points"]) == (2, 80_000, 2)
    assert by[A]["previous_year"] == {"transactions": 2, "value": 80_000}
    assert by[B]["growth"]["transactions"]["label"] == "mới"
    months = get(
        client, session, **{"from": "2025-10-01", "to": "2025-11-30", "group_by": "month"}
    )["rows"]
    assert [(r["key"], r["transactions"]) for r in months] == [("2025-11-01", 3)]
    days = get(client, session, **{"from": "2025-11-14", "to": "2025-11-16", "group_by": "day"})[
        "rows"
    ]
    assert [(r["key"], r["transactions"]) for r in days] == [("2025-11-15", 1)]
    providers = get(
        client, session, **{"from": "2025-11-01", "to": "2025-11-30", "group_by": "provider"}
    )["rows"]
    assert {r["key"]: r["transactions"] for r in providers} == {"vqr-generic": 2, "viettel": 1}


def test_filters_and_the_onboarding_funnel(client, session, history):
    report = get(
        client, session, **{"from": "2025-11-01", "to": "2025-11-30", "market": B, "funnel": "true"}
    )
    assert report["totals"]["transactions"] == 2 and report["totals"]["registered_points"] == 2
    assert report["totals"]["distinct_payers"] is None  # payers are not counted per market
    # the funnel counts the vendors who registered within the period: none in November
    assert report["funnel"] == dict.fromkeys(
        ("registered", "placard_printed", "first_payment", "active"), 0
    )
    autumn = get(
        client, session, **{"from": "2025-10-01", "to": "2025-11-30", "market": B, "funnel": "true"}
    )
    # v4 joined on 20 October and was paid on 30 November (its 16 November payment reversed)
    assert autumn["funnel"] == {
        "registered": 1,
        "placard_printed": 0,
        "first_payment": 1,
        "active": 1,
    }


def test_tuition_billed_collected_and_cashless_share(client, session, history):
    from payments.qr.reference import new_reference
    from tuition.invoices import _target, school_payee
    from tuition.models import FeePlan, Invoice, Student

    vendors, admin = history
    school = make_school(session, code="THCS-X")
    plan = FeePlan(
        school_id=school.id,
        name="HK1",
        school_year="2025-2026",
        due_date=date(2025, 11, 15),
        classes=["6A"],
    )
    session.add(plan)
    session.flush()
    invoices = []
    for n in range(4):
        student = Student(
            school_id=school.id,
            student_code=f"S{n}",
            full_name="Học Sinh",
            name_folded="hoc sinh",
            class_name="6A",
            guardian_name="Phụ Huynh",
            guardian_phone="0912345678",
        )
        session.add(student)
        session.flush()
        invoice = Invoice(
            reference=new_reference("HP"),
            school_id=school.id,
            student_id=student.id,
            plan_id=plan.id,
            total_amount=1_000_000,
            paid_amount=0,
            status="open",
            due_date=date(2025, 11, 15),
        )
        session.add(invoice)
        invoices.append(invoice)
    session.flush()
    record_cash(
        session,
        actor=admin,
        payee=school_payee(school.id),
        target=_target(session, invoices[0]),
        amount=1_000_000,
    )
    transfer = Transfer(
        provider_txn_id="FEE1",
        amount=600_000,
        credit_account=school.account_number,
        credit_bin=school.bank_bin,
        description=f"{invoices[1].reference} hoc phi",
        occurred_at=at("2025-11-10"),
    )
    from sqlalchemy import select

    from payments.ingest.models import Provider

    provider = session.scalars(select(Provider)).first()
    record_transfer(
        session, provider=provider, transfer=transfer, source="notification", payer_key=b"k"
    )
    headers = bearer(make_user(session, "bank_staff")[1])
    today = business_today().isoformat()  # the cash was received today, Vietnam time
    rows = client.get(f"/api/v1/stats/tuition?from=2025-11-01&to={today}", headers=headers).json[
        "rows"
    ]
    (row,) = [r for r in rows if r["school"] == "THCS-X"]
    assert (row["billed"], row["collected"], row["outstanding"]) == (
        4_000_000,
        1_600_000,
        2_400_000,
    )
    assert row["collection_rate"] == 0.4
    assert row["cashless_share"] == round(600_000 / 1_600_000, 4)


def test_the_maintained_rollups_agree_with_a_rebuild(session, history):
    assert agrees(session)


def test_someone_who_pays_a_stall_and_a_school_counts_once_as_a_payer(client, session, history):
    from sqlalchemy import select

    from payments.ingest.models import Provider

    school = make_school(session, code="THCS-P")
    transfer = Transfer(
        provider_txn_id="SCHOOL-P1",
        amount=700_000,
        credit_account=school.account_number,
        credit_bin=school.bank_bin,
        description="nop tien an",
        occurred_at=at("2025-11-05"),
        debit_bin="970422",
        debit_account="P1",  # who also paid stall v1 this month
    )
    provider = session.scalars(select(Provider).where(Provider.name == "vqr-generic")).one()
    record_transfer(
        session, provider=provider, transfer=transfer, source="notification", payer_key=b"k"
    )
    month = {"from": "2025-11-01", "to": "2025-11-30"}
    assert get(client, session, **month)["totals"]["distinct_payers"] == 3
    by_market = get(client, session, **month, group_by="market")["totals"]
    assert by_market["distinct_payers"] == 3
    year = {"from": "2025-01-01", "to": "2025-12-31"}
    assert get(client, session, **year)["totals"]["distinct_payers"] == 3
    # where a kind of payee is asked for, its own payers
    assert get(client, session, **month, payee_type="vendor")["totals"]["distinct_payers"] == 3
    assert get(client, session, **month, payee_type="school")["totals"]["distinct_payers"] == 1
    assert agrees(session)


def test_a_period_longer_than_a_year_overlaps_its_year_earlier_and_both_count_it(
    client, session, history
):
    # November 2024 lies in the period and in the same period a year earlier
    report = get(client, session, **{"from": "2024-11-01", "to": "2025-11-30"})
    assert (report["totals"]["transactions"], report["totals"]["value"]) == (5, 200_000)
    earlier = report["previous_year"]
    assert (earlier["transactions"], earlier["value"]) == (2, 80_000)
    by_month = get(
        client, session, **{"from": "2024-11-01", "to": "2025-11-30", "group_by": "month"}
    )
    rows = {r["key"]: r for r in by_month["rows"]}
    assert rows["2025-11-01"]["previous_year"] == {"transactions": 2, "value": 80_000}
    assert rows["2024-11-01"]["transactions"] == 2


def test_a_report_is_prepared_once_and_answers_for_each_period_asked(
    client, session, history, is_postgres
):
    """The report's statement is built once per shape and, on PostgreSQL, prepared once per
    connection: periods of one shape (a whole month) asked in turn share it, and each gets
    its own figures, also after PostgreSQL keeps one plan for it (after five runs)."""
    periods = [("2025-11-01", "2025-11-30"), ("2024-11-01", "2024-11-30")] * 4
    reports = [get(client, session, **{"from": a, "to": b}) for a, b in periods]
    assert all(r == reports[i % 2] for i, r in enumerate(reports))
    assert reports[0]["totals"]["transactions"] == 3 and reports[1]["totals"]["transactions"] == 2
    if is_postgres:
        prepared = session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars()
        assert len([s for s in prepared if "'now'" in s]) == 1
