"""Signed links a parent's lookup hands out: each names one record for one purpose, expires,
and cannot be made or altered without the application's secret."""

import pytest

from tuition.links import LIFETIMES, RECEIPT, STATUS, LinkRefused, Links

LINKS = Links("a-secret-of-this-app")


def altered(token: str) -> str:
    # A middle character of the signature: the last base64 one may carry only padding bits.
    return token[:-5] + ("x" if token[-5] != "x" else "y") + token[-4:]


def test_a_token_reads_back_the_record_it_was_made_for():
    assert LINKS.read(RECEIPT, LINKS.make(RECEIPT, 42)) == 42
    assert LINKS.read(STATUS, LINKS.make(STATUS, 7)) == 7


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "42",
        LINKS.make(STATUS, 42),  # another purpose
        Links("another-app").make(RECEIPT, 42),  # another secret
        altered(LINKS.make(RECEIPT, 42)),  # its signature changed
        Links("a-secret-of-this-app")._signer(RECEIPT).dumps("42"),  # not a record number
    ],
)
def test_anything_else_is_refused_as_invalid(token):
    with pytest.raises(LinkRefused) as refused:
        LINKS.read(RECEIPT, token)
    assert not refused.value.expired


def test_a_token_past_its_lifetime_is_refused_as_expired(time_machine):
    time_machine.move_to("2026-11-29 10:00:00+00:00", tick=False)
    token = LINKS.make(STATUS, 5)
    time_machine.shift(LIFETIMES[STATUS] - 1)
    assert LINKS.read(STATUS, token) == 5
    time_machine.shift(2)
    with pytest.raises(LinkRefused) as refused:
        LINKS.read(STATUS, token)
    assert refused.value.expired
