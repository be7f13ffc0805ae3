"""Stall placards: one layout in millimetres, drawn to PNG (Pillow) or PDF (ReportLab).

Pure: it knows placards, not vendors; callers hand it a Placard with every text to print."""

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from market.fonts import PDF_NAMES, font_path, register_pdf_fonts
from payments.qr.image import qr_matrix

HEADER = "Chợ 4.0 – Thanh toán không dùng tiền mặt"
INSTRUCTION = (
    "Quét mã bằng ứng dụng ngân hàng hoặc Viettel Money – kiểm tra tên người nhận trước khi chuyển"
)
BASE_W, BASE_H = 105.0, 148.0  # the design is drawn for A6 and scaled
GREEN, INK, MUTED, TINT, WHITE = "#0b6e4f", "#1d2a24", "#4a5a52", "#e6f2ec", "#ffffff"
PT_PER_MM = 72 / 25.4
rl_config.useA85 = 0  # binary streams: smaller files, no slow pure-Python ASCII85 pass


@dataclass(frozen=True)
class Placard:
    payload: str
    market_name: str
    vendor_name: str
    stall: str
    category: str | None
    bank_name: str
    masked_account: str
    account_name: str
    serial: str
    printed_on: str  # dd/mm/yyyy, Vietnam time


def text_width(text: str, weight: str, size_mm: float) -> float:
    """Width in mm of text set in the placard font at size_mm."""
    register_pdf_fonts()
    return pdfmetrics.stringWidth(text, PDF_NAMES[weight], size_mm * PT_PER_MM) / PT_PER_MM


def _fit(text: str, weight: str, size: float, width: float, smallest: float) -> list[tuple]:
    """Lines of text (with their size) that fit width: shrink first, then wrap on words."""
    while size > smallest and text_width(text, weight, size) > width:
        size -= 0.25
    if text_width(text, weight, size) <= width:
        return [(text, size)]
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and text_width(candidate, weight, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [(ln, size) for ln in [*lines, line]]


def layout(p: Placard, width: float) -> list[tuple]:
    """Shapes in mm from the placard's top left: ('rect', x, y, w, h, colour),
    ('text', x_centre, baseline, text, weight, size, colour), ('qr', x, y, size, matrix)."""
    u = width / BASE_W
    inner = width - 12 * u
    shapes: list[tuple] = [
        ("rect", 0, 0, width, BASE_H * u, WHITE),
        ("rect", 0, 0, width, 15 * u, GREEN),
    ]
    mid = width / 2
    for text, size in _fit(HEADER, "bold", 4.6 * u, inner, 3.2 * u):
        shapes.append(("text", mid, 9.6 * u, text, "bold", size, WHITE))
    for text, size in _fit(p.market_name, "bold", 5 * u, inner, 3.5 * u)[:1]:
        shapes.append(("text", mid, 22 * u, text, "bold", size, GREEN))
    qr_size = 70 * u
    shapes.append(("qr", (width - qr_size) / 2, 25 * u, qr_size, qr_matrix(p.payload)))
    y = 102 * u
    for text, size in _fit(p.vendor_name, "bold", 6.5 * u, inner, 4 * u)[:2]:
        shapes.append(("text", mid, y, text, "bold", size, INK))
        y += size * 1.1
    details = [
        f"Sạp {p.stall}" + (f" · {p.category}" if p.category else ""),
        f"{p.bank_name} · STK {p.masked_account}",
        f"Chủ tài khoản: {p.account_name}",
    ]
    for line in details:
        y += 5 * u
        text, size = _fit(line, "regular", 4.1 * u, inner, 2.8 * u)[0]
        shapes.append(("text", mid, y, text, "regular", size, INK))
    box_top = y + 2.5 * u
    lines = _fit(INSTRUCTION, "bold", 3.4 * u, inner - 4 * u, 3.4 * u)
    shapes.append(("rect", 4 * u, box_top, width - 8 * u, (len(lines) * 4.4 + 2.6) * u, TINT))
    for i, (text, size) in enumerate(lines):
        shapes.append(("text", mid, box_top + (4.4 * (i + 1)) * u, text, "bold", size, GREEN))
    footer = f"Số placard {p.serial} · In ngày {p.printed_on}"
    shapes.append(("text", mid, BASE_H * u - 3.5 * u, footer, "regular", 2.8 * u, MUTED))
    return shapes


def height_for(width: float) -> float:
    """The placard's height for a width (the A6 proportions)."""
    return BASE_H * width / BASE_W


@cache
def _pil_font(weight: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(weight), px)


def render_png(p: Placard, px_per_mm: float = 12.0) -> bytes:
    """The placard as a PNG (A6 proportions; 12 px/mm is about 300 dpi)."""
    width = BASE_W
    image = Image.new("RGB", (round(width * px_per_mm), round(height_for(width) * px_per_mm)))
    draw = ImageDraw.Draw(image)
    for shape in layout(p, width):
        kind = shape[0]
        if kind == "rect":
            _, x, y, w, h, colour = shape
            draw.rectangle(
                [x * px_per_mm, y * px_per_mm, (x + w) * px_per_mm, (y + h) * px_per_mm],
                fill=colour,
            )
        elif kind == "text":
            _, x, y, text, weight, size, colour = shape
            font = _pil_font(weight, round(size * px_per_mm))
            draw.text((x * px_per_mm, y * px_per_mm), text, font=font, fill=colour, anchor="ms")
        else:
            _, x, y, size, matrix = shape
            module = int(size * px_per_mm // len(matrix))
            left = round(x * px_per_mm + (size * px_per_mm - module * len(matrix)) / 2)
            top = round(y * px_per_mm + (size * px_per_mm - module * len(matrix)) / 2)
            for r, c, run in dark_runs(matrix):
                draw.rectangle(
                    [
                        left + c * module,
                        top + r * module,
                        left + (c + run) * module - 1,
                        top + (r + 1) * module - 1,
                    ],
                    fill="#000000",
                )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _draw_pdf(canvas: Canvas, p: Placard, left: float, top: float, width: float) -> None:
    """Draw a placard with its top-left corner at (left, top) mm from the page's top left."""
    register_pdf_fonts()
    page_h = canvas._pagesize[1] / mm

    def y_of(y: float) -> float:
        return (page_h - top - y) * mm

    for shape in layout(p, width):
        kind = shape[0]
        if kind == "rect":
            _, x, y, w, h, colour = shape
            canvas.setFillColor(colour)
            canvas.rect((left + x) * mm, y_of(y + h), w * mm, h * mm, stroke=0, fill=1)
        elif kind == "text":
            _, x, y, text, weight, size, colour = shape
            canvas.setFillColor(colour)
            canvas.setFont(PDF_NAMES[weight], size * PT_PER_MM)
            canvas.drawCentredString((left + x) * mm, y_of(y), text)
        else:
            _, x, y, size, matrix = shape
            module = size / len(matrix)
            # One path of whole-module rectangles in module units: exact and compact.
            canvas.saveState()
            canvas.setFillColor("#000000")
            canvas.translate((left + x) * mm, y_of(y + size))
            canvas.scale(module * mm, module * mm)
            n = len(matrix)
            canvas.addLiteral(
                "".join(f"{c} {n - r - 1} {run} 1 re\n" for r, c, run in dark_runs(matrix)) + "f"
            )
            canvas.restoreState()


def dark_runs(matrix: Sequence[Sequence[bool]]) -> Iterator[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                yield r, start, c - start
            else:
                c += 1


def _cut_marks(canvas: Canvas, left: float, top: float, w: float, h: float) -> None:
    page_h = canvas._pagesize[1] / mm
    canvas.setStrokeColor("#000000")
    canvas.setLineWidth(0.25)
    tick, gap = 4.0, 1.0
    for cx, dx in ((left, -1), (left + w, 1)):
        for cy, dy in ((top, -1), (top + h, 1)):
            canvas.line(
                cx * mm,
                (page_h - cy - dy * gap) * mm,
                cx * mm,
                (page_h - cy - dy * (gap + tick)) * mm,
            )
            canvas.line(
                (cx + dx * gap) * mm,
                (page_h - cy) * mm,
                (cx + dx * (gap + tick)) * mm,
                (page_h - cy) * mm,
            )


LAYOUTS = {  # placards per A4 page → (page size, columns, rows)
    1: (A4, 1, 1),
    2: (landscape(A4), 2, 1),
    4: (A4, 2, 2),
}


def render_pdf(
    placards: list[Placard], per_page: int = 2, progress: Callable[[int], None] | None = None
) -> bytes:
    """Placards on A4 pages, per_page (1, 2 or 4) to a page, each framed by cut marks;
    progress(n) is told after each placard drawn (a big market takes a while)."""
    page, columns, rows = LAYOUTS[per_page]
    page_w, page_h = page[0] / mm, page[1] / mm
    margin, gutter = 12.0, 12.0
    cell_w = (page_w - 2 * margin - (columns - 1) * gutter) / columns
    cell_h = (page_h - 2 * margin - (rows - 1) * gutter) / rows
    width = min(cell_w, cell_h * BASE_W / BASE_H)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page, pageCompression=1)
    canvas.setTitle("Placard Chợ 4.0")
    for index, placard in enumerate(placards):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        col, row = slot % columns, slot // columns
        left = margin + col * (cell_w + gutter) + (cell_w - width) / 2
        top = margin + row * (cell_h + gutter) + (cell_h - height_for(width)) / 2
        _draw_pdf(canvas, placard, left, top, width)
        _cut_marks(canvas, left, top, width, height_for(width))
        if progress is not None:
            progress(index + 1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
