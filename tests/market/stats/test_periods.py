from datetime import date

from market.stats.periods import (
    growth_label,
    last_whole_month,
    previous_period,
    previous_year,
    segments,
    shift_year,
    whole_period,
)


def test_growth_is_worded_the_vietnamese_way_and_never_divides_by_zero():
    assert growth_label(1816, 1272) == "+42,77%"
    assert growth_label(95, 100) == "−5,00%"
    assert growth_label(100, 100) == "±0,00%"
    assert growth_label(7, 0) == "mới"
    assert growth_label(0, 0) == "—"


def test_comparison_periods():
    assert previous_year(date(2024, 2, 1), date(2024, 2, 29)) == (
        date(2023, 2, 1),
        date(2023, 2, 28),
    )
    assert shift_year(date(2025, 3, 1)) == date(2024, 3, 1)
    assert previous_period(date(2026, 11, 1), date(2026, 11, 30)) == (
        date(2026, 10, 2),
        date(2026, 10, 31),
    )
    assert last_whole_month(date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_a_period_splits_into_whole_months_and_edge_days():
    months, days = segments(date(2026, 1, 15), date(2026, 4, 10))
    assert months == [date(2026, 2, 1), date(2026, 3, 1)]
    assert days == [(date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 4, 1), date(2026, 4, 10))]
    assert whole_period(date(2026, 2, 1), date(2026, 2, 28)) == "M2026-02"
    assert whole_period(date(2025, 1, 1), date(2025, 12, 31)) == "Y2025"
    assert whole_period(date(2025, 1, 1), date(2025, 12, 30)) is None
