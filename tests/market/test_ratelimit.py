"""Attempt counting: a key refuses once its limit is reached in this window and the one before;
a refused attempt counts nothing; an attempt given back does not count."""

from datetime import UTC, datetime, timedelta

from market.ratelimit import count_attempt, forgive

WINDOW = 15 * 60
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a window boundary


def take(key="k", limit=3, now=T0, **others):
    return count_attempt({key: limit, **others}, seconds=WINDOW, now=now)


def test_a_key_refuses_after_its_limit_until_the_window_after_next(app, session):
    with app.app_context():
        assert all(take(now=T0 + timedelta(minutes=m)) for m in range(3))
        assert take(now=T0 + timedelta(minutes=14)) is None
        assert take(now=T0 + timedelta(minutes=20)) is None  # the previous window still counts
        assert take(now=T0 + timedelta(minutes=30)) is not None


def test_refused_attempts_do_not_prolong_the_lock(app, session):
    with app.app_context():
        for _ in range(3):
            take()
        for _ in range(50):
            assert take(now=T0 + timedelta(minutes=5)) is None
        assert take(now=T0 + timedelta(minutes=30)) is not None


def test_an_attempt_given_back_does_not_count(app, session):
    with app.app_context():
        for _ in range(10):
            forgive(take())
        assert all(take() for _ in range(3))
        assert take() is None


def test_every_key_must_have_room_and_a_refusal_counts_on_none(app, session):
    with app.app_context():
        for n in range(2):
            assert take(key=f"student-{n}", limit=5, client=2)
        assert take(key="student-9", limit=5, client=2) is None
        for _ in range(5):
            assert take(key="student-9", limit=5) is not None  # nothing was counted on it


def test_a_key_longer_than_the_column_is_counted_not_a_500(app, session):
    long_key = "login:client:" + "9" * 500
    with app.app_context():
        assert take(key=long_key, limit=2) and take(key=long_key, limit=2)
        assert take(key=long_key, limit=2) is None
        assert take(key=long_key[:-1] + "8", limit=2) is not None  # another key still


def test_prune_forgets_old_windows_and_keeps_the_ones_a_limit_still_reads(app, session):
    from sqlalchemy import select

    from market.db import get_db
    from market.ratelimit import RateLimitHit, prune

    with app.app_context():
        take(key="old", now=T0 - timedelta(days=3))
        take(key="recent", now=T0 - timedelta(minutes=15))
        take(key="now", now=T0)
        with get_db().session_scope() as db_session:
            assert prune(db_session, now=T0) == 1
        with get_db().session_scope() as db_session:
            left = set(db_session.scalars(select(RateLimitHit.key)))
        assert left == {"recent", "now"}
        assert take(key="recent", limit=1, now=T0) is None  # the window before still counts


def test_the_prune_command_reports_what_it_removed(app, session):
    with app.app_context():
        take(key="ancient", now=T0 - timedelta(days=400))
    result = app.test_cli_runner().invoke(args=["limits", "prune"])
    assert result.exit_code == 0 and "1 old attempt counts removed" in result.output
