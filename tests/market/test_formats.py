"""Money, numbers, percents, dates and times as Vietnamese readers write them, in templates
too; times in Asia/Ho_Chi_Minh."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from market import formats


def test_money_numbers_and_percents_the_vietnamese_way():
    assert formats.format_vnd(50000) == "50.000 ₫"
    assert formats.format_number(1816) == "1.816"
    assert formats.format_ratio(0.4275) == "42,75%"


def test_dates_and_times_are_shown_in_vietnam_time():
    late_evening_utc = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    assert formats.format_datetime(late_evening_utc) == "30/11/2026 00:30"
    assert formats.format_date(late_evening_utc) == "30/11/2026"
    assert formats.format_time(late_evening_utc) == "00:30"
    assert formats.format_date(date(2026, 11, 29)) == "29/11/2026"
    # A naive time is the database's UTC; another offset is converted, not relabelled.
    assert formats.format_datetime(datetime(2026, 11, 29, 1, 5)) == "29/11/2026 08:05"
    tokyo = timezone(timedelta(hours=9))
    assert formats.format_time(datetime(2026, 11, 29, 10, 0, tzinfo=tokyo)) == "08:00"
    assert formats.format_datetime(None) == "—"


def test_templates_have_the_same_formats_and_words(app):
    template = app.jinja_env.from_string(
        "{{ 50000|vnd }} · {{ 1816|number }} · {{ 0.4275|percent }} · {{ day|date }} · "
        "{{ moment|datetime }} · {{ none|vnd }} · {{ 'suspended'|word('vendor') }}"
    )
    rendered = template.render(day=date(2026, 11, 29), moment=datetime(2026, 11, 29, 3, tzinfo=UTC))
    assert rendered == "50.000 ₫ · 1.816 · 42,75% · 29/11/2026 · 29/11/2026 10:00 · — · Tạm ngưng"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("29/11/2026", date(2026, 11, 29)),
        (" 1/2/2026 ", date(2026, 2, 1)),
        ("29-11-2026", date(2026, 11, 29)),
        ("2026-11-29", date(2026, 11, 29)),
        ("31/02/2026", None),
        ("20/11/26", None),
        ("hôm qua", None),
        ("", None),
        (None, None),
        ("9" * 30, None),
    ],
)
def test_a_day_is_read_as_vietnamese_readers_type_it(typed, day):
    assert formats.parse_date(typed) == day
