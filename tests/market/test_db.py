"""The database layer: times are UTC and aware both ways, a naive time cannot be stored, and a
duplicate insert is told apart from a new row."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from market.audit import AuditEntry
from market.db import insert_or_ignore
from market.markets.models import Market

HANOI = timezone(timedelta(hours=7))


def entry(at: datetime) -> AuditEntry:
    return AuditEntry(at=at, entity="market", entity_id=1, action="test", changes={})


def test_a_time_given_in_vietnam_is_read_back_as_the_same_instant_in_utc(session):
    session.add(entry(datetime(2025, 11, 20, 8, 30, tzinfo=HANOI)))
    session.flush()
    session.expire_all()
    at = session.scalars(select(AuditEntry.at).where(AuditEntry.action == "test")).one()
    assert at == datetime(2025, 11, 20, 1, 30, tzinfo=UTC)
    assert at.utcoffset() == timedelta(0)


def test_a_naive_time_is_refused_before_it_reaches_the_database(session):
    session.add(entry(datetime(2025, 11, 20, 8, 30)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_insert_or_ignore_gives_the_new_id_once_and_none_for_a_duplicate(session):
    values = {"code": "CHO-DUP", "name": "Chợ", "created_at": datetime.now(UTC)}
    first = insert_or_ignore(session, Market.__table__, values, ["code"])
    again = insert_or_ignore(session, Market.__table__, values | {"name": "Khác"}, ["code"])
    assert isinstance(first, int) and again is None
    assert session.scalars(select(Market.name).where(Market.code == "CHO-DUP")).all() == ["Chợ"]
