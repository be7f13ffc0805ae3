"""Periods and comparisons for statistics: pure date arithmetic, growth and its wording."""

from datetime import UTC, date, datetime, time, timedelta

from market.clock import VIETNAM
from market.money import format_ratio


def shift_year(day: date, years: int = -1) -> date:
    """The same calendar day in another year (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def previous_year(start: date, end: date) -> tuple[date, date]:
    """The same period a year earlier."""
    return shift_year(start), shift_year(end)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def month_start(day: date) -> date:
    """The first day of day's month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the following month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def segments(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """(whole months inside [start, end], the leftover day ranges at its edges)."""
    months, days = [], []
    cursor = start
    while cursor <= end:
        following = next_month(cursor)
        last = following - timedelta(days=1)
        if cursor.day == 1 and last <= end:
            months.append(cursor)
        else:
            days.append((cursor, min(last, end)))
        cursor = following
    return months, days


def end_of(day: date) -> datetime:
    """The UTC instant a business day ends."""
    return datetime.combine(day + timedelta(days=1), time(0), VIETNAM).astimezone(UTC)


def growth(current: float, previous: float) -> float | None:
    """Relative change, or None when there is nothing to compare with."""
    if not previous:
        return None
    return (current - previous) / previous


def growth_label(current: float, previous: float) -> str:
    """'+42,75%', '−5,00%', 'mới' (new, from nothing) or '—' (nothing either time)."""
    change = growth(current, previous)
    if change is None:
        return "mới" if current else "—"
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return sign + format_ratio(abs(change))


def whole_period(start: date, end: date) -> str | None:
    """'M2026-11' or 'Y2026' when [start, end] is exactly a calendar month or year."""
    if start.day == 1 and end == next_month(start) - timedelta(days=1):
        return f"M{start:%Y-%m}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"Y{start:%Y}"
    return None


def business_today() -> date:
    """Today in Asia/Ho_Chi_Minh."""
    return datetime.now(VIETNAM).date()


def last_whole_month(today: date) -> tuple[date, date]:
    """The calendar month before today's: what a monthly report covers."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end
