"""Uploaded rosters kept between a preview and its confirmation: by sha256, per user and
roster, for an hour."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from market.errors import NotFound
from market.roster.uploads import RosterUpload, find_upload, keep_upload
from tests.factories import make_user


def test_an_upload_is_found_by_its_key_only_by_its_user_and_for_its_roster(session):
    owner, other = make_user(session, "admin")[0], make_user(session, "admin")[0]
    kept = keep_upload(
        session, user=owner, scope="vendors:A", data=b"x", filename="a.csv", preview={}
    )
    assert find_upload(session, user=owner, scope="vendors:A", key=kept.sha256) is kept
    for user, scope in ((other, "vendors:A"), (owner, "vendors:B")):
        with pytest.raises(NotFound):
            find_upload(session, user=user, scope=scope, key=kept.sha256)


def test_the_same_bytes_again_renew_the_upload_and_expired_ones_are_dropped(session):
    user = make_user(session, "admin")[0]
    first = keep_upload(session, user=user, scope="s", data=b"x", filename="a.csv", preview={})
    stale = keep_upload(session, user=user, scope="s", data=b"y", filename="b.csv", preview={})
    stale.expires_at -= timedelta(hours=2)
    session.flush()
    with pytest.raises(NotFound):
        find_upload(session, user=user, scope="s", key=stale.sha256)
    again = keep_upload(
        session, user=user, scope="s", data=b"x", filename="c.csv", preview={"n": 1}
    )
    assert again is first and (again.filename, again.preview) == ("c.csv", {"n": 1})
    assert session.scalar(select(func.count()).select_from(RosterUpload)) == 1
