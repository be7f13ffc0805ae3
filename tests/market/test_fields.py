"""The fields every schema shares: text stored clean, money as whole đồng only, ids within
BIGINT, cursors only as this service issued them."""

import pytest
from marshmallow import Schema, ValidationError

from market.fields import MAX_ID, Id, Money, Text, decode_cursor, encode_cursor


class Sample(Schema):
    name = Text(required=True, max_length=10)
    note = Text(max_length=10)
    amount = Money()
    id = Id()


def test_text_is_stored_nfc_with_white_space_collapsed():
    loaded = Sample().load({"name": "  Nguye\u0302\u0303n\t  Hoa ", "note": ""})
    assert loaded == {"name": "Nguyễn Hoa", "note": ""}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "   "}, "name"),  # blank where required
        ({"name": "Hoa\x07"}, "name"),  # a control character
        ({"name": "x" * 11}, "name"),
        ({"name": "Hoa", "amount": 12.5}, "amount"),  # never rounded down to 12
        ({"name": "Hoa", "amount": "100"}, "amount"),
        ({"name": "Hoa", "amount": 0}, "amount"),
        ({"name": "Hoa", "amount": 10**13}, "amount"),  # more than VietQR can carry
        ({"name": "Hoa", "id": MAX_ID + 1}, "id"),
    ],
)
def test_bad_values_are_refused_on_their_field(body, field):
    with pytest.raises(ValidationError) as refused:
        Sample().load(body)
    assert set(refused.value.messages) == {field}


def test_the_largest_amount_and_id_are_accepted():
    loaded = Sample().load({"name": "Hoa", "amount": 9_999_999_999_999, "id": MAX_ID})
    assert (loaded["amount"], loaded["id"]) == (9_999_999_999_999, MAX_ID)


def test_a_cursor_round_trips_and_a_made_up_one_is_refused():
    assert decode_cursor(encode_cursor(123)) == 123
    for forged in ("abc", encode_cursor(1)[:-2] + "!!", "eyJiZWZvcmUiOiAxfQ"):
        with pytest.raises(ValidationError):
            decode_cursor(forged)
