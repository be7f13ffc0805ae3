"""One set of Vietnamese words for every status, role and refusal a person reads."""

import pytest

from market import words
from market.users import ROLES
from payments.qr.models import REQUEST_STATUSES
from tuition.models import INVOICE_STATUSES, SCHOOL_TYPES
from vendors.rules import STATUSES as VENDOR_STATUSES

EVERY_STATUS = {
    "vendor": VENDOR_STATUSES,
    "payment": ("matched", "unmatched", "reversed"),
    "invoice": INVOICE_STATUSES,
    "payment_request": REQUEST_STATUSES,
    "role": ROLES,
    "school_type": SCHOOL_TYPES,
}


@pytest.mark.parametrize(("kind", "values"), EVERY_STATUS.items())
def test_every_status_the_models_know_has_its_own_vietnamese_word(kind, values):
    said = [words.word(kind, value) for value in values]
    assert all(word != value for word, value in zip(said, values, strict=True)), said
    assert len(set(said)) == len(said), f"two {kind} statuses read the same: {said}"
    assert set(words.WORDS[kind]) == set(values), "a word for a status that does not exist"


def test_the_words_people_read_for_vendors_and_invoices():
    assert words.word("vendor", "active") == "Đang hoạt động"
    assert words.word("invoice", "partially_paid") == "Nộp một phần"
    assert words.word("role", "school_admin") == "Kế toán nhà trường"
    assert words.word("payment", None) == "—"
    assert words.word("payment", "something-new") == "something-new"  # shown, not hidden


def test_a_service_message_without_a_translation_never_reaches_a_page_in_english():
    assert words.say("at least 10 characters") == "Mật khẩu cần ít nhất 10 ký tự."
    assert words.say("some English only a developer reads") == words.UNKNOWN_MESSAGE
    assert words.say_errors({"username": ["already taken"], "x": "odd"}) == {
        "username": ["Tên đăng nhập này đã có người dùng."],
        "x": [words.UNKNOWN_MESSAGE],
    }
