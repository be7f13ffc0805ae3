"""Numbers, money, dates and times as Vietnamese readers write them; pure, no Flask.

Money and numbers come from market.money; dates and times are shown in Asia/Ho_Chi_Minh."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from market.money import format_number, format_ratio, format_vnd

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DASH = "—"  # what a table shows for a value that is not known

__all__ = [
    "format_date",
    "format_datetime",
    "format_number",
    "format_ratio",
    "format_time",
    "format_vnd",
    "in_vietnam",
    "parse_date",
]


def in_vietnam(moment: datetime) -> datetime:
    """moment in Vietnam time; a naive datetime is taken as UTC (how the database keeps it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM)


def format_date(day: date | datetime | None) -> str:
    """29/11/2026; a datetime gives its date in Vietnam."""
    if day is None:
        return DASH
    if isinstance(day, datetime):
        day = in_vietnam(day)
    return f"{day:%d/%m/%Y}"


def parse_date(text: str | None) -> date | None:
    """A day as a Vietnamese reader types it (29/11/2026, 29-11-2026, 1/2/2026) or as a
    form's hidden field sends it (2026-11-29); None when it is no real day."""
    text = (text or "").strip()[:20]
    try:
        if "/" in text or (len(text.split("-")[0]) <= 2 and "-" in text):
            day, month, year = (int(part) for part in text.replace("-", "/").split("/"))
            return date(year, month, day) if year >= 1000 else None
        return date.fromisoformat(text)
    except ValueError:
        return None


def format_datetime(moment: datetime | None) -> str:
    """29/11/2026 14:05, in Vietnam time."""
    return DASH if moment is None else f"{in_vietnam(moment):%d/%m/%Y %H:%M}"


def format_time(moment: datetime | None) -> str:
    """14:05, in Vietnam time."""
    return DASH if moment is None else f"{in_vietnam(moment):%H:%M}"
