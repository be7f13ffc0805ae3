"""Rollups maintained payment by payment agree exactly with a rebuild from the ledger (and
the figures they give, with a model of the payments: tests/market/stats)."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from market.errors import AppError
from payments.ingest.providers.base import Transfer
from payments.ingest.record import record_transfer
from payments.ledger.assignment import assign
from payments.ledger.reversal import reverse
from payments.rollups.service import agrees
from tests.factories import make_market, make_provider, make_school, make_user, make_vendor

START = datetime(2025, 12, 20, 10, tzinfo=UTC)

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("pay"),
            st.integers(0, 4),
            st.integers(0, 45),
            st.integers(1, 10**7),
            st.sampled_from([None, "A", "B", "C"]),
            st.sampled_from([None, "970422", "971005"]),
        ),
        st.tuples(st.just("reverse"), st.integers(0, 10**6)),
        st.tuples(st.just("assign"), st.integers(0, 10**6)),
    ),
    min_size=1,
    max_size=15,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_rebuild_agrees_after_any_payments_reversals_and_late_matches(session, ops):
    savepoint = session.begin_nested()
    try:
        provider = make_provider(session, name=f"p{id(ops)}")
        market = make_market(session)
        accounts = [
            make_vendor(session, market, status="active").account_number for _ in range(3)
        ] + [
            make_school(session).account_number,  # its payers may pay a stall too
            "55555555",  # nobody's, assigned later
        ]
        admin = make_user(session, "admin")[0]
        ids = []
        for n, op in enumerate(ops):
            if op[0] == "pay":
                _, who, day, amount, payer, bank = op
                transfer = Transfer(
                    provider_txn_id=f"T{n}",
                    amount=amount,
                    credit_account=accounts[who],
                    credit_bin=None,
                    description="x",
                    debit_bin=bank,
                    occurred_at=START + timedelta(days=day),
                    debit_account=payer,
                )
                ids.append(
                    record_transfer(
                        session,
                        provider=provider,
                        transfer=transfer,
                        source="statement",
                        payer_key=b"k",
                    )[1]
                )
            elif ids:
                target = ids[op[1] % len(ids)]
                try:
                    if op[0] == "reverse":
                        reverse(session, actor=admin, payment_id=target, reason="x")
                    else:
                        assign(
                            session,
                            actor=admin,
                            payment_id=target,
                            field="vendor_id",
                            value=str(make_vendor(session, market, status="active").id),
                        )
                except AppError as error:
                    assert error.status == 409
        assert agrees(session)
    finally:
        savepoint.rollback()
