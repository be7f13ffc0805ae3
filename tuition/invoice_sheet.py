"""Payment notices ("Thông báo nộp tiền") for a class's parents: one A5 page per invoice with
its lines, what is due, and the VietQR to scan. Drawn with ReportLab; the QR is one path of
whole-module rectangles, so it decodes exactly.

Pure: it knows notices, not invoices; callers hand over every text to print."""

import io
from dataclasses import dataclass

import qrcode
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from market.fonts import PDF_NAMES, register_pdf_fonts
from market.money import format_vnd
from payments.qr.image import ERROR_CORRECTION, QUIET_ZONE
from payments.qr.placard import GREEN, INK, MUTED, PT_PER_MM, TINT, dark_runs
from tuition.receipt import fit

PAGE_W, PAGE_H = A5[0] / mm, A5[1] / mm
MARGIN = 10.0
INNER = PAGE_W - 2 * MARGIN
QR_SIZE = 58.0  # mm, quiet zone included: scans from a phone held at arm's length
ROW = 5.2
MAX_ROWS = 9  # lines listed; the rest are summed into one row
NOTICE_MASK = 2  # vertical stripes every third column: no large blocks on a payment code


@dataclass(frozen=True)
class Notice:
    school_name: str
    student_name: str
    student_code: str
    class_name: str
    plan_name: str
    reference: str
    due_date: str  # already formatted: "15/10/2026"
    lines: list[tuple[str, int, int]]  # (item, discount, amount due)
    total: int
    paid: int
    balance: int
    payload: str  # the VietQR
    bank: str  # "Vietcombank (VCB)"
    account_number: str
    account_name: str
    transfer_text: str


def _text(c: Canvas, x: float, y: float, text: str, weight: str, size: float, colour=INK, at="l"):
    c.setFillColor(colour)
    c.setFont(PDF_NAMES[weight], size * PT_PER_MM)
    draw = {"l": c.drawString, "c": c.drawCentredString, "r": c.drawRightString}[at]
    draw(x * mm, (PAGE_H - y) * mm, text)


def _fitted(c: Canvas, x, y, text, weight, size, width, colour=INK, at="l", lines=1) -> float:
    found, size = fit(text, weight, size, width, max_lines=lines)
    for line in found:
        _text(c, x, y, line, weight, size, colour, at)
        y += size * 1.3
    return y


def notice_matrix(payload: str) -> list[list[bool]]:
    """The QR's modules with one fixed mask: a class's notices are drawn in one request, and
    trying the eight masks for the best costs ~35 ms a code in pure Python. Any mask decodes;
    the choice only evens out dark and light areas, which a 58 mm print does not need."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECTION, border=QUIET_ZONE, mask_pattern=NOTICE_MASK
    )
    code.add_data(payload.encode("utf-8"), optimize=0)
    code.make(fit=True)
    return code.get_matrix()


def _qr(c: Canvas, payload: str, left: float, top: float, size: float) -> None:
    matrix = notice_matrix(payload)
    n = len(matrix)
    c.saveState()
    c.setFillColor("#000000")
    c.translate(left * mm, (PAGE_H - top - size) * mm)
    c.scale(size / n * mm, size / n * mm)
    c.addLiteral("".join(f"{col} {n - r - 1} {run} 1 re\n" for r, col, run in dark_runs(matrix)))
    c.addLiteral("f")
    c.restoreState()


def _head(c: Canvas, n: Notice) -> float:
    y = _fitted(c, MARGIN, MARGIN + 4.5, n.school_name, "bold", 4.2, INNER, GREEN, lines=2)
    c.setStrokeColor(GREEN)
    c.setLineWidth(0.4 * PT_PER_MM)
    c.line(MARGIN * mm, (PAGE_H - y) * mm, (PAGE_W - MARGIN) * mm, (PAGE_H - y) * mm)
    _text(c, PAGE_W / 2, y + 8, "THÔNG BÁO NỘP TIỀN", "bold", 6.0, GREEN, "c")
    y = _fitted(c, PAGE_W / 2, y + 13.5, n.plan_name, "regular", 3.6, INNER, at="c")
    y += 2
    for label, value in (
        ("Học sinh:", f"{n.student_name} – Lớp {n.class_name}"),
        ("Mã học sinh:", n.student_code),
        ("Hạn nộp:", n.due_date),
    ):
        _text(c, MARGIN, y, label, "regular", 3.2, MUTED)
        y = _fitted(c, MARGIN + 26, y, value, "bold", 3.5, INNER - 26) + 0.8
    return y + 1


def _lines(c: Canvas, n: Notice, y: float) -> float:
    rows = [(item, discount, due) for item, discount, due in n.lines]
    if len(rows) > MAX_ROWS:
        rest = rows[MAX_ROWS - 1 :]
        summed = (f"… và {len(rest)} khoản khác", sum(r[1] for r in rest), sum(r[2] for r in rest))
        rows = [*rows[: MAX_ROWS - 1], summed]
    c.setFillColor(TINT)
    c.rect(MARGIN * mm, (PAGE_H - y - ROW) * mm, INNER * mm, ROW * mm, stroke=0, fill=1)
    right = PAGE_W - MARGIN - 1.5
    for x, text, at in ((MARGIN + 1.5, "Khoản thu", "l"), (right - 30, "Miễn giảm", "r")):
        _text(c, x, y + ROW * 0.7, text, "bold", 3.0, INK, at)
    _text(c, right, y + ROW * 0.7, "Phải nộp", "bold", 3.0, INK, "r")
    y += ROW
    for item, discount, due in rows:
        _fitted(c, MARGIN + 1.5, y + ROW * 0.7, item, "regular", 3.2, INNER - 62)
        if discount:
            _text(
                c, right - 30, y + ROW * 0.7, f"−{format_vnd(discount)}", "regular", 3.2, MUTED, "r"
            )
        _text(c, right, y + ROW * 0.7, format_vnd(due), "regular", 3.2, INK, "r")
        y += ROW
    c.setStrokeColor(MUTED)
    c.setLineWidth(0.15 * PT_PER_MM)
    c.line(MARGIN * mm, (PAGE_H - y) * mm, (PAGE_W - MARGIN) * mm, (PAGE_H - y) * mm)
    totals = [("Tổng phải nộp", n.total)]
    if n.paid:
        totals += [("Đã nộp", n.paid), ("Còn phải nộp", n.balance)]
    for label, value in totals:
        y += ROW
        _text(c, MARGIN + 1.5, y - ROW * 0.3, label, "bold", 3.3)
        _text(c, right, y - ROW * 0.3, format_vnd(value), "bold", 3.3, INK, "r")
    return y + 3


def _pay_box(c: Canvas, n: Notice, y: float) -> None:
    top = max(y, PAGE_H - MARGIN - QR_SIZE - 14)
    _qr(c, n.payload, MARGIN, top, QR_SIZE)
    x, width = MARGIN + QR_SIZE + 4, INNER - QR_SIZE - 4
    ty = top + 6
    ty = _fitted(c, x, ty, f"Số tiền: {format_vnd(n.balance)}", "bold", 5.0, width, GREEN)
    for label, value in (
        ("Ngân hàng", n.bank),
        ("Số tài khoản", n.account_number),
        ("Chủ tài khoản", n.account_name),
        ("Nội dung chuyển khoản", n.transfer_text),
    ):
        _text(c, x, ty + 1.5, label, "regular", 2.9, MUTED)
        ty = _fitted(c, x, ty + 5.5, value, "bold", 3.5, width, lines=2) + 0.5
    note = (
        "Quét mã bằng ứng dụng ngân hàng hoặc ví điện tử; giữ nguyên nội dung chuyển khoản "
        f"(bắt đầu bằng {n.reference}) để nhà trường nhận đúng khoản của học sinh."
    )
    _fitted(c, MARGIN, top + QR_SIZE + 4.5, note, "italic", 3.0, INNER, MUTED, lines=3)


def render_notices(notices: list[Notice]) -> bytes:
    """The notices as one A5 portrait PDF, a page each."""
    register_pdf_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A5, pageCompression=1, invariant=1)
    c.setTitle("Thông báo nộp tiền")
    for notice in notices:
        y = _lines(c, notice, _head(c, notice))
        _pay_box(c, notice, y)
        c.showPage()
    if not notices:
        _text(c, PAGE_W / 2, PAGE_H / 2, "Không có hóa đơn nào cần nộp.", "regular", 4, INK, "c")
        c.showPage()
    c.save()
    return buffer.getvalue()
