"""The settlement screens: business days with their totals, closing a day (admin), a day's
settlements, a settlement's payments, and their CSV (the same services as the API)."""

from datetime import date, datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for

from market.auth import caller
from market.db import get_session, utcnow
from market.errors import Conflict, NotFound
from market.formats import format_date, format_datetime, format_number, format_vnd, parse_date
from market.web import PageBlueprint, page
from payments.domains import hub_of
from payments.ledger.screens import payee_choice
from payments.ledger.service import READERS
from payments.settlement import days as business_days
from payments.settlement import service as settlement
from payments.settlement.views import csv_response

bp = PageBlueprint("settlement_pages", __name__, template_folder="../templates")
VIEWERS = tuple(role for role in READERS if role != "vendor")  # a vendor has /stall
NOT_A_DAY = "Nhập một ngày có thật theo dạng ngày/tháng/năm, ví dụ 20/11/2026."
DAY_LIMIT = 500  # settlements of a day on one page: one per payee paid that day


def _grace() -> timedelta:
    return timedelta(minutes=current_app.config["SETTLEMENT_GRACE_MINUTES"])


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _days_page(errors: dict | None = None, status: int = 200, chosen: str = ""):
    before = _day(request.args.get("before"))
    found = business_days.business_days(
        get_session(), actor=caller(), now=utcnow(), grace=_grace(), before=before
    )
    suggested = chosen or (format_date(found.open[-1].business_date) if found.open else "")
    shown = {"days": found, "errors": errors or {}, "chosen": suggested, "grace": _grace()}
    return render_template("payments/settlements.html", **shown), status


@bp.get("/settlements")
@page(*VIEWERS)
def days():
    """Open days and closed days with their totals; the admin closes a day here."""
    return _days_page()


def refusal(error: Conflict, day: date) -> str:
    """Why a day cannot be closed yet, in Vietnamese."""
    if "open_day" in error.extra:
        first = format_date(date.fromisoformat(error.extra["open_day"]))
        return (
            f"Chưa chốt được ngày {format_date(day)}: ngày {first} trước đó còn giao dịch chưa "
            f"chốt. Các ngày được chốt theo thứ tự, hãy chốt ngày {first} trước."
        )
    opens_at = datetime.fromisoformat(error.extra["opens_at"])
    wait = format_number(int(_grace().total_seconds() // 60))
    return (
        f"Chưa chốt được ngày {format_date(day)}: ngày này và {wait} phút chờ giao dịch đến "
        f"muộn chưa qua. Có thể chốt từ {format_datetime(opens_at)}."
    )


@bp.post("/settlements/close")
@page("admin")
def close():
    """Close a business day into settlements; too early or out of order is refused."""
    chosen = request.form.get("business_date", "")[:20]
    day = parse_date(chosen)
    if day is None:
        return _days_page({"business_date": [NOT_A_DAY]}, 422, chosen)
    try:
        made = settlement.close_business_day(
            get_session(), business_date=day, actor=caller(), now=utcnow(), grace=_grace()
        )
    except Conflict as error:
        return _days_page({"business_date": [refusal(error, day)]}, 409, chosen)
    total = format_vnd(sum(s.gross_amount for s in made))
    flash(f"Đã chốt ngày {format_date(day)}: {len(made)} khoản quyết toán, {total}.", "ok")
    return redirect(url_for(".day", day=day.isoformat()))


def _settlements_of(day: str) -> tuple[date, list]:
    business_date = _day(day)
    if business_date is None:
        raise NotFound(f"no business day {day}")
    session = get_session()
    found = settlement.list_settlements(
        session, actor=caller(), business_date=business_date, limit=DAY_LIMIT
    )
    return business_date, found.items


@bp.get("/settlements/days/<day>")
@page(*VIEWERS)
def day(day: str):
    """A day's settlements, one per payee."""
    business_date, found = _settlements_of(day)
    session = get_session()
    named = hub_of(session).name_payees(session, [(s.payee_type, s.payee_id) for s in found])
    rows = [(s, payee_choice(named, s.payee_type, s.payee_id)) for s in found]
    closed = settlement.last_closed_day(session)
    is_closed = closed is not None and business_date <= closed
    shown = {"business_date": business_date, "rows": rows, "closed": is_closed}
    return render_template("payments/settlement_day.html", **shown)


@bp.get("/settlements/days/<day>.csv")
@page(*VIEWERS)
def day_csv(day: str):
    """A day's settlements as a spreadsheet."""
    business_date, found = _settlements_of(day)
    name = f"settlements-{business_date.isoformat()}.csv"
    return csv_response(found, settlement.SETTLEMENT_COLUMNS, name)


@bp.get("/settlements/<int:settlement_id>")
@page(*VIEWERS)
def detail(settlement_id: int):
    """One settlement and the exact payments it covers."""
    session = get_session()
    found = settlement.get_settlement(session, actor=caller(), settlement_id=settlement_id)
    named = hub_of(session).name_payees(session, [(found.payee_type, found.payee_id)])
    payee = payee_choice(named, found.payee_type, found.payee_id)
    payments = settlement.settled_payments(session, found)
    shown = {"settlement": found, "payee": payee, "payments": payments}
    return render_template("payments/settlement.html", **shown)


@bp.get("/settlements/<int:settlement_id>.csv")
@page(*VIEWERS)
def detail_csv(settlement_id: int):
    """The payments a settlement covers, as a spreadsheet."""
    session = get_session()
    found = settlement.get_settlement(session, actor=caller(), settlement_id=settlement_id)
    rows = settlement.settled_payments(session, found)
    return csv_response(rows, settlement.PAYMENT_COLUMNS, f"settlement-{settlement_id}.csv")
