"""Payment receipts ("Biên lai thu tiền"): one A5 portrait page drawn with ReportLab.

Pure: it knows receipts, not invoices; callers hand it a Receipt with every text to print."""

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from market.amount_words import amount_in_words
from market.fonts import PDF_NAMES, register_pdf_fonts
from market.money import format_vnd
from payments.qr.placard import GREEN, INK, MUTED, PT_PER_MM, TINT

PAGE_W, PAGE_H = A5[0] / mm, A5[1] / mm
MARGIN = 10.0
INNER = PAGE_W - 2 * MARGIN
LABEL_W = 24.0  # the label column of the student details
FONTS = PDF_NAMES
METHODS = {"transfer": "Chuyển khoản", "cash": "Tiền mặt"}
ROW_MAX, ROW_MIN = 5.5, 3.6  # table row heights in mm: roomy, and the least still legible
RED = "#b3261e"
STAMP = "ĐÃ HỦY"
STAMP_SIZE, STAMP_ANGLE = 18.0, 30.0  # mm, degrees: across the middle of the page


@dataclass(frozen=True)
class Receipt:
    number: str  # e.g. "2025-2026/000123" (the caller numbers them)
    school_name: str
    school_address: str | None
    student_name: str
    student_code: str
    class_name: str
    invoice_reference: str
    plan_name: str  # e.g. "Học kỳ I năm học 2025–2026"
    lines: list[tuple[str, int]]  # (item, amount due) of the invoice, for context
    amount: int  # this payment
    method: str  # "transfer" | "cash"
    paid_at: str  # already formatted, Vietnam time: "26/11/2026 14:05"
    payer_note: str | None  # e.g. masked account "•••• 4321" or "Tiền mặt – Nguyễn Văn A"
    balance_after: int  # what remains due after this payment (negative = credit/overpaid)
    cashier: str | None
    cancelled_at: str | None = None  # the payment was reversed: when, as "27/11/2026 08:30"
    cancel_reason: str | None = None


def _width(text: str, weight: str, size: float) -> float:
    register_pdf_fonts()
    return pdfmetrics.stringWidth(text, FONTS[weight], size * PT_PER_MM) / PT_PER_MM


def _ellipsize(text: str, weight: str, size: float, width: float) -> str:
    if _width(text, weight, size) <= width:
        return text
    while text and _width(text + "…", weight, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, weight: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and _width(candidate, weight, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line]


def fit(text: str, weight: str, size: float, width: float, max_lines: int = 1) -> tuple:
    """(lines, size) fitting text to width: shrink, wrap, shrink more, then cut with …."""
    text = " ".join(text.split())
    smallest, floor = size * 0.85, size * 0.65
    while size > smallest and _width(text, weight, size) > width:
        size -= 0.1
    lines = _wrap(text, weight, size, width)
    while size > floor and (
        len(lines) > max_lines or any(_width(ln, weight, size) > width for ln in lines)
    ):
        size -= 0.1
        lines = _wrap(text, weight, size, width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [_ellipsize(ln, weight, size, width) for ln in lines], size


def _text(x: float, y: float, text: str, weight: str, size: float, colour: str = INK, at="l"):
    return ("text", x, y, text, weight, size, colour, at)


def _field(shapes: list, y: float, label: str, value: str, weight="regular", box=None) -> float:
    """A "label: value" row, value wrapped to two lines at most, in box (x, width, label
    width: the full line by default); returns the next baseline."""
    x, width, label_w = box or (MARGIN, INNER, LABEL_W)
    lines, size = fit(value, weight, 3.4, width - label_w, max_lines=2)
    shapes.append(_text(x, y, label, "regular", 3.1, MUTED))
    for line in lines:
        shapes.append(_text(x + label_w, y, line, weight, size, INK))
        y += size * 1.3
    return y + 1.2


def _pair(shapes: list, y: float, left: tuple[str, str], right: tuple[str, str]) -> float:
    """Two short fields side by side; the right one's value follows its label closely."""
    half = INNER / 2
    right_box = (MARGIN + half + 4, half - 4, _width(right[0], "regular", 3.1) + 2)
    after_left = _field(shapes, y, *left, box=(MARGIN, half, LABEL_W))
    return max(after_left, _field(shapes, y, *right, box=right_box))


def _cancellation(shapes: list, r: Receipt, y: float) -> float:
    """When and why the receipt was cancelled, in red below its number; the last baseline."""
    note = f"Biên lai đã hủy lúc {r.cancelled_at}" + (
        f" – Lý do: {r.cancel_reason}" if r.cancel_reason else ""
    )
    lines, size = fit(note, "bold", 3.4, INNER, max_lines=2)
    for line in lines:
        y += size * 1.3 if line is not lines[0] else 5.0
        shapes.append(_text(PAGE_W / 2, y, line, "bold", size, RED, "c"))
    return y


def _head(r: Receipt) -> tuple[list, float]:
    shapes: list = []
    y = MARGIN + 4.2
    lines, size = fit(r.school_name, "bold", 4.2, INNER, max_lines=2)
    for line in lines:
        shapes.append(_text(MARGIN, y, line, "bold", size, GREEN))
        y += 4.8
    if r.school_address:
        lines, size = fit(r.school_address, "regular", 3.1, INNER, max_lines=2)
        for line in lines:
            shapes.append(_text(MARGIN, y - 0.6, line, "regular", size, MUTED))
            y += size * 1.25
    shapes.append(("line", MARGIN, y, PAGE_W - MARGIN, y, 0.4, GREEN))
    y += 9.0
    shapes.append(_text(PAGE_W / 2, y, "BIÊN LAI THU TIỀN", "bold", 6.5, GREEN, "c"))
    y += 5.5
    (number,), size = fit(f"Số: {r.number}", "regular", 3.6, INNER)
    shapes.append(_text(PAGE_W / 2, y, number, "regular", size, INK, "c"))
    if r.cancelled_at:
        y = _cancellation(shapes, r, y)
    y += 7.5
    y = _field(shapes, y, "Học sinh:", r.student_name, "bold")
    y = _pair(shapes, y, ("Mã học sinh:", r.student_code), ("Lớp:", r.class_name))
    y = _field(shapes, y, "Khoản thu:", r.plan_name)
    y = _field(shapes, y, "Hóa đơn:", r.invoice_reference)
    return shapes, y + 1.0


def _table(r: Receipt, top: float, bottom: float) -> tuple[list, float]:
    """The invoice lines between top and bottom; rows shrink to fit, and past the least
    legible height the last ones are summed into one "… khoản khác" row."""
    rows = [(str(i), item, format_vnd(due)) for i, (item, due) in enumerate(r.lines, start=1)]
    room = bottom - top - 2 * ROW_MAX  # less the header and total rows
    if rows and room / len(rows) < ROW_MIN:
        keep = max(int(room // ROW_MIN) - 1, 0)
        rest = r.lines[keep:]
        rows = [
            *rows[:keep],
            ("", f"… và {len(rest)} khoản khác", format_vnd(sum(a for _, a in rest))),
        ]
    row_h = max(min(ROW_MAX, room / max(len(rows), 1)), ROW_MIN)
    size = min(3.2, row_h * 0.6)
    x_item, x_amount = MARGIN + 10, PAGE_W - MARGIN - 1.5
    item_w = x_amount - x_item - 30

    def row(y: float, cells: tuple, weight: str, height: float, text_size: float) -> list:
        base = y + height * 0.7
        number, item, amount = cells
        item = _ellipsize(item, weight, text_size, item_w)
        return [
            _text(MARGIN + 5, base, number, weight, text_size, INK, "c"),
            _text(x_item, base, item, weight, text_size, INK),
            _text(x_amount, base, amount, weight, text_size, INK, "r"),
        ]

    shapes: list = [("rect", MARGIN, top, INNER, ROW_MAX, TINT)]
    shapes += row(top, ("STT", "Nội dung", "Số tiền"), "bold", ROW_MAX, 3.1)
    y = top + ROW_MAX
    for cells in rows:
        shapes += row(y, cells, "regular", row_h, size)
        y += row_h
        shapes.append(("line", MARGIN, y, PAGE_W - MARGIN, y, 0.15, MUTED))
    total = ("", "Tổng phải nộp", format_vnd(sum(a for _, a in r.lines)))
    shapes += row(y, total, "bold", ROW_MAX, 3.2)
    y += ROW_MAX
    shapes.append(("line", MARGIN, y, PAGE_W - MARGIN, y, 0.4, GREEN))
    return shapes, y


def _foot(r: Receipt, y: float) -> tuple[list, float]:
    shapes: list = []
    y += 8.0
    amount, size = fit(f"Số tiền: {format_vnd(r.amount)}", "bold", 6.0, INNER)
    shapes.append(_text(MARGIN, y, amount[0], "bold", size, GREEN))
    y += 5.0
    words, size = fit(f"Bằng chữ: {amount_in_words(r.amount)}", "italic", 3.5, INNER, 2)
    for line in words:
        shapes.append(_text(MARGIN, y, line, "italic", size, INK))
        y += size * 1.3
    y += 2.5
    y = _pair(shapes, y, ("Hình thức:", METHODS[r.method]), ("Thời gian:", r.paid_at))
    if r.payer_note:
        y = _field(shapes, y, "Ghi chú:", r.payer_note)
    label = "Nộp thừa:" if r.balance_after < 0 else "Còn phải nộp:"
    y = _field(shapes, y, label, format_vnd(abs(r.balance_after)), "bold")
    y += 4.0
    for x, title, name in (
        (PAGE_W / 4, "Người nộp tiền", None),
        (PAGE_W * 3 / 4, "Người thu tiền", r.cashier),
    ):
        shapes.append(_text(x, y, title, "bold", 3.4, INK, "c"))
        shapes.append(_text(x, y + 4.0, "(Ký, ghi rõ họ tên)", "italic", 2.8, MUTED, "c"))
        if name:
            text, size = fit(name, "regular", 3.4, PAGE_W / 2 - 2 * MARGIN)
            shapes.append(_text(x, y + 20.0, text[0], "regular", size, INK, "c"))
    return shapes, y + 21.0


def _stamp() -> tuple:
    """The cancellation mark: STAMP in a frame, turned across the middle of the page."""
    width = _width(STAMP, "bold", STAMP_SIZE) + STAMP_SIZE * 0.6
    return ("stamp", PAGE_W / 2, PAGE_H / 2, width, STAMP_SIZE * 1.3, STAMP_ANGLE, STAMP, RED)


def layout(receipt: Receipt) -> list[tuple]:
    """The receipt as text, line, rect and stamp shapes in mm from the page's top left."""
    # ('text', x, baseline, text, weight, size, colour, anchor l/c/r),
    # ('line', x1, y1, x2, y2, width, colour), ('rect', x, y, w, h, colour),
    # ('stamp', centre x, centre y, w, h, degrees anticlockwise, text, colour)
    if receipt.method not in METHODS:
        raise ValueError(f"unknown payment method {receipt.method!r}")
    head, y = _head(receipt)
    foot_height = _foot(receipt, 0.0)[1]
    table, y = _table(receipt, y, PAGE_H - MARGIN - foot_height)
    stamp = [_stamp()] if receipt.cancelled_at else []
    return [*head, *table, *_foot(receipt, y)[0], *stamp]


def _draw_stamp(canvas: Canvas, shape: tuple) -> None:
    _, cx, cy, w, h, angle, text, colour = shape
    canvas.saveState()
    canvas.translate(cx * mm, (PAGE_H - cy) * mm)
    canvas.rotate(angle)
    canvas.setFillColor(colour)
    canvas.setStrokeColor(colour)
    canvas.setFillAlpha(0.45)
    canvas.setStrokeAlpha(0.6)
    canvas.setLineWidth(1.2 * mm)
    canvas.roundRect(-w / 2 * mm, -h / 2 * mm, w * mm, h * mm, 2 * mm, stroke=1, fill=0)
    canvas.setFont(FONTS["bold"], STAMP_SIZE * PT_PER_MM)
    canvas.drawCentredString(0, -STAMP_SIZE * 0.35 * mm, text)
    canvas.restoreState()


def render_receipt(receipt: Receipt) -> bytes:
    """The receipt as a one-page A5 portrait PDF."""
    shapes = layout(receipt)
    register_pdf_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5, pageCompression=1, invariant=1)
    canvas.setTitle(f"Biên lai {receipt.number}")
    canvas.setAuthor(receipt.school_name)
    for shape in shapes:
        kind = shape[0]
        if kind == "text":
            _, x, y, text, weight, size, colour, anchor = shape
            canvas.setFillColor(colour)
            canvas.setFont(FONTS[weight], size * PT_PER_MM)
            draw = {"l": canvas.drawString, "c": canvas.drawCentredString}.get(
                anchor, canvas.drawRightString
            )
            draw(x * mm, (PAGE_H - y) * mm, text)
        elif kind == "stamp":
            _draw_stamp(canvas, shape)
        elif kind == "line":
            _, x1, y1, x2, y2, width, colour = shape
            canvas.setStrokeColor(colour)
            canvas.setLineWidth(width * PT_PER_MM)
            canvas.line(x1 * mm, (PAGE_H - y1) * mm, x2 * mm, (PAGE_H - y2) * mm)
        else:
            _, x, y, w, h, colour = shape
            canvas.setFillColor(colour)
            canvas.rect(x * mm, (PAGE_H - y - h) * mm, w * mm, h * mm, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
