"""What the dashboard shows, worked out from its URL and a report: the period, the months the
charts cover, the tiles and their trends. Pure: no app, no database."""

from datetime import date

import pytest

from market.stats.overview import chart_months, period, tiles

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, (date(2026, 2, 1), date(2026, 2, 28))),  # the last whole month
        ({"from": "2025-11-01", "to": "2025-11-30"}, (date(2025, 11, 1), date(2025, 11, 30))),
        ({"from": "2025-11-30", "to": "2025-11-01"}, (date(2025, 11, 1), date(2025, 11, 30))),
        ({"from": "hôm qua", "to": "2026-02-15"}, (date(2026, 2, 1), date(2026, 2, 15))),
    ],
)
def test_the_period_comes_from_the_url_in_order_with_last_month_for_what_is_missing(
    query, expected
):
    assert period(query, TODAY) == expected


def test_a_short_period_is_charted_over_the_year_up_to_it_and_a_long_one_as_it_is():
    short = chart_months(date(2025, 11, 1), date(2025, 11, 30))
    assert (short[0], short[-1], len(short)) == (date(2024, 12, 1), date(2025, 11, 1), 12)
    long = chart_months(date(2024, 3, 15), date(2025, 6, 30))
    assert (long[0], long[-1], len(long)) == (date(2024, 3, 1), date(2025, 6, 1), 16)


def report(payers, growth):
    totals = {
        "registered_points": 1816,
        "active_points": 908,
        "active_share": 0.5,
        "transactions": 12345,
        "value": 1_250_000_000,
        "distinct_payers": payers,
        "average_ticket": 101_255,
    }
    return {"totals": totals, "growth": {"previous_year": growth}}


def test_tiles_show_vietnamese_figures_and_which_way_each_went():
    growth = {
        "registered_points": {"ratio": 0.4275, "label": "+42,75%"},
        "transactions": {"ratio": -0.05, "label": "−5,00%"},
        "value": {"ratio": None, "label": "mới"},
    }
    shown = {t["key"]: t for t in tiles(report(1816, growth))}
    assert list(shown) == [
        "registered_points",
        "active_points",
        "transactions",
        "value",
        "distinct_payers",
        "average_ticket",
    ]
    assert (shown["registered_points"]["value"], shown["registered_points"]["trend"]) == (
        "1.816",
        "up",
    )
    assert shown["registered_points"]["growth"] == "+42,75%"
    assert shown["active_points"]["note"] == "50,00% số điểm"
    assert shown["transactions"]["trend"] == "down"
    assert (shown["value"]["trend"], shown["value"]["growth"]) == ("flat", "mới")
    assert shown["average_ticket"]["growth"] == "—"  # nothing to compare with


def test_distinct_payers_of_a_partial_period_are_not_guessed():
    tile = next(t for t in tiles(report(None, {})) if t["key"] == "distinct_payers")
    assert (tile["value"], tile["note"]) == ("—", "theo tháng hoặc năm trọn vẹn")
