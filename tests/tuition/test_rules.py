"""School-fee rules as pure code, without an app or a database: student rows, school years,
discounts that add up in whole đồng, and an invoice's status."""

from datetime import date

import pytest

from market.identity import InvalidValue
from tuition.rules import (
    Reduction,
    invoice_lines,
    invoice_status,
    normalize_class,
    normalize_school_year,
    normalize_student,
    normalize_student_code,
)


def test_lines_always_add_up_to_the_total_in_whole_dong():
    lines = [("Học phí", "tuition", 1_000_001), ("Ăn", "meals", 333_333), ("BHYT", "insurance", 7)]
    reductions = [
        Reduction(70, None, ("tuition",)),
        Reduction(50, None, ("tuition",)),
        Reduction(None, 100_000, None),
    ]
    out = invoice_lines(lines, reductions, on=date(2025, 10, 1))
    assert out[0]["discount_amount"] >= (1_000_001 * 70 + 50) // 100  # the higher percent wins
    assert sum(x["discount_amount"] for x in out) == (1_000_001 * 70 + 50) // 100 + 100_000
    assert all(x["amount"] == x["base_amount"] - x["discount_amount"] >= 0 for x in out)
    assert invoice_status(0, 0) == "paid" and invoice_status(10, 11) == "overpaid"


def test_a_reduction_outside_its_dates_or_kinds_takes_nothing_off():
    lines = [("Học phí", "tuition", 1_000_000), ("Ăn", "meals", 500_000)]
    later = Reduction(50, None, None, valid_from=date(2026, 1, 1))
    meals_only = Reduction(None, 200_000, ("meals",))
    out = invoice_lines(lines, [later, meals_only], on=date(2025, 10, 1))
    assert [(x["item"], x["amount"]) for x in out] == [("Học phí", 1_000_000), ("Ăn", 300_000)]


def test_a_fixed_reduction_larger_than_the_lines_leaves_them_at_zero_not_below():
    out = invoice_lines(
        [("Ăn", "meals", 300_000)], [Reduction(None, 900_000, None)], date(2025, 9, 1)
    )
    assert out[0]["amount"] == 0 and out[0]["discount_amount"] == 300_000


@pytest.mark.parametrize(
    ("total", "paid", "status"),
    [
        (500, 0, "open"),
        (500, -100, "open"),  # a reversal took back more than was left
        (500, 1, "partially_paid"),
        (500, 499, "partially_paid"),
        (500, 500, "paid"),
        (500, 501, "overpaid"),
        (0, 0, "paid"),  # an exemption covered everything
        (0, 1, "overpaid"),
    ],
)
def test_an_invoice_status_follows_what_was_paid_on_it(total, paid, status):
    assert invoice_status(total, paid) == status


@pytest.mark.parametrize(
    ("raw", "code"), [(" hs 001 ", "HS001"), ("12345.0", "12345"), ("a.b_c-1", "A.B_C-1")]
)
def test_student_codes_are_upper_case_without_spaces(raw, code):
    assert normalize_student_code(raw) == code


@pytest.mark.parametrize(("raw", "name"), [("6a1", "6A1"), ("Lớp 10/2", "10/2"), (" 9 A ", "9A")])
def test_class_names_are_written_one_way(raw, name):
    assert normalize_class(raw) == name


@pytest.mark.parametrize("raw", ["2025–2026", "2025/2026", " 2025 - 2026 "])
def test_school_years_are_written_2025_2026(raw):
    assert normalize_school_year(raw) == "2025-2026"


@pytest.mark.parametrize("raw", ["2025-2027", "2025", "năm nay"])
def test_a_school_year_that_is_not_two_following_years_is_refused(raw):
    with pytest.raises(InvalidValue):
        normalize_school_year(raw)


def test_a_student_row_is_normalised_and_each_bad_cell_named():
    values, errors = normalize_student(
        {
            "student_code": "hs1",
            "full_name": "  Nguyễn   Văn An ",
            "class": "lớp 6a1",
            "date_of_birth": "01/09/2013",
            "guardian_name": "Nguyễn Văn Bình",
            "guardian_phone": "0912 345 678",
        }
    )
    assert errors == {}
    assert values == {
        "student_code": "HS1",
        "full_name": "Nguyễn Văn An",
        "name_folded": "nguyen van an",
        "class_name": "6A1",
        "date_of_birth": date(2013, 9, 1),
        "guardian_name": "Nguyễn Văn Bình",
        "guardian_phone": "0912345678",
    }
    _, errors = normalize_student({"student_code": "HS2", "full_name": "An", "class": "6A1"})
    assert set(errors) == {"guardian_name", "guardian_phone"}
