"""The transfer text of a school payment names what is charged, in the room the bank leaves."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuition.words import KIND_WORDS, transfer_words


@pytest.mark.parametrize(
    ("kinds", "room", "said"),
    [
        (["tuition", "meals"], 14, "HOC PHI"),  # both do not fit: the first charged one
        (["meals", "insurance"], 14, "TIEN AN BH"),  # a public school: its short words
        (["meals", "meals", "insurance"], 20, "TIEN AN BAO HIEM"),  # room for the full words
        (["insurance"], 14, "BAO HIEM"),
        (["service", "other"], 14, "DICH VU KHAC"),
        ([], 14, "KHOAN THU"),  # nothing charged by name
        (["unknown"], 14, "KHOAN THU"),
    ],
)
def test_the_transfer_text_names_what_is_charged_within_its_room(kinds, room, said):
    assert transfer_words(kinds, room) == said


@given(st.lists(st.sampled_from(sorted(KIND_WORDS)), max_size=6), st.integers(9, 30))
def test_the_transfer_words_always_fit_and_say_hoc_phi_only_for_tuition(kinds, room):
    said = transfer_words(kinds, room)
    assert len(said) <= room and said.isascii() and said == said.upper()
    assert ("HOC PHI" in said) <= ("tuition" in kinds)
