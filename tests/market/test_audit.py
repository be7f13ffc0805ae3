"""The audit log: each change recorded with its old and new value, read back oldest first."""

from market import audit
from tests.factories import make_market, make_user, make_vendor


def test_a_diff_keeps_only_the_fields_whose_value_changed():
    old = {"phone": "0912345678", "stall": "A-1", "category": None}
    new = {"phone": "0987654321", "stall": "A-1", "category": "Rau"}
    assert audit.diff(old, new) == {
        "phone": ["0912345678", "0987654321"],
        "category": [None, "Rau"],
    }
    assert audit.diff({}, {"stall": "A-1"}) == {"stall": [None, "A-1"]}


def test_entries_written_one_by_one_or_at_once_come_back_in_order(session):
    actor = make_user(session, "admin")[0]
    vendor = make_vendor(session, make_market(session))
    audit.record(
        session,
        actor_id=actor.id,
        entity="vendor",
        entity_id=vendor.id,
        action="suspend",
        changes={"status": ["active", "suspended"]},
        reason="Nợ phí chợ",
    )
    session.flush()
    audit.record_many(
        session,
        [
            {
                "actor_id": None,
                "entity": "vendor",
                "entity_id": vendor.id,
                "action": "import",
                "changes": {"phone": ["1", "2"]},
            },
            {
                "actor_id": None,
                "entity": "vendor",
                "entity_id": vendor.id + 1,
                "action": "import",
                "changes": {},
            },
        ],
    )
    history = audit.history(session, entity="vendor", entity_id=vendor.id)
    assert [(e.action, e.changes, e.reason) for e in history] == [
        ("suspend", {"status": ["active", "suspended"]}, "Nợ phí chợ"),
        ("import", {"phone": ["1", "2"]}, None),
    ]
    assert history[0].actor_id == actor.id and history[0].at.tzinfo is not None
