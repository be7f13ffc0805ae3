"""Business days: times are UTC in the database, a business day is a calendar day in Vietnam."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def business_date_of(moment: datetime) -> date:
    """The business day (Asia/Ho_Chi_Minh) a moment falls on."""
    return moment.astimezone(VIETNAM).date()
