"""Receipts render to one A5 page carrying every Vietnamese text and amount they promise."""

import math
from dataclasses import replace

import pypdfium2
import pytest
from reportlab.pdfbase import pdfmetrics

from payments.qr.placard import PT_PER_MM
from tuition.receipt import (
    FONTS,
    PAGE_H,
    PAGE_W,
    Receipt,
    layout,
    render_receipt,
)

LONG_NAME = "Nguyễn Thị Ngọc Phương Thảo Hoàng Lan Anh Bích Diễm Kiều Trinh"


def receipt(**changes) -> Receipt:
    base = Receipt(
        number="2025-2026/000123",
        school_name="Trường THCS Nguyễn Trãi",
        school_address="12 Lê Lợi, Phường 1, TP Vĩnh Long",
        student_name="Trương Thị Ngọc Nguyệt",
        student_code="HS000123",
        class_name="6A1",
        invoice_reference="HP25I-000123",
        plan_name="Học kỳ I năm học 2025–2026",
        lines=[("Học phí", 1_200_000), ("Bảo hiểm y tế", 0), ("Tiền ăn bán trú", 750_000)],
        amount=50_000,
        method="transfer",
        paid_at="26/11/2026 14:05",
        payer_note="•••• 4321",
        balance_after=1_900_000,
        cashier="Lê Văn Tám",
    )
    return replace(base, **changes)


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, white space collapsed."""
    document = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(" ".join(textpage.get_text_range().split()))
            textpage.close()
            width, height = page.get_size()
            assert (round(width / PT_PER_MM), round(height / PT_PER_MM)) == (148, 210)  # A5
            page.close()
        return pages
    finally:
        document.close()


def long_receipt(lines: int) -> Receipt:
    return receipt(
        school_name="Trường Trung học cơ sở Nguyễn Thị Minh Khai – Phân hiệu Long Hồ, "
        "huyện Long Hồ, tỉnh Vĩnh Long",
        school_address="Số 123 đường Phạm Thái Bường, Phường 4, Thành phố Vĩnh Long, "
        "tỉnh Vĩnh Long – điện thoại 0270 3822 123 – thư điện tử thcs.ntmk@vinhlong.edu.vn",
        student_name=LONG_NAME,
        plan_name="Học kỳ I năm học 2025–2026 – các khoản thu theo thỏa thuận với phụ huynh "
        "và khoản thu hộ, chi hộ của Ban đại diện cha mẹ học sinh",
        lines=[
            (f"Khoản thu số {i} – tiền ăn bán trú và dịch vụ tháng {i}", i * 1000)
            for i in range(1, lines + 1)
        ],
        payer_note="Tiền mặt – " + LONG_NAME,
        cashier="Tôn Nữ Thị Huyền Trân Phan Thanh Giản",
    )


def test_a_receipt_carries_its_number_names_amounts_and_words():
    (text,) = pdf_text(render_receipt(receipt()))
    for expected in (
        "BIÊN LAI THU TIỀN",
        "Số: 2025-2026/000123",
        "Trường THCS Nguyễn Trãi",
        "12 Lê Lợi, Phường 1, TP Vĩnh Long",
        "Trương Thị Ngọc Nguyệt",
        "HS000123",
        "6A1",
        "HP25I-000123",
        "Học kỳ I năm học 2025–2026",
        "Học phí 1.200.000 ₫",
        "Bảo hiểm y tế 0 ₫",
        "Tiền ăn bán trú 750.000 ₫",
        "Tổng phải nộp 1.950.000 ₫",
        "Số tiền: 50.000 ₫",
        "Bằng chữ: Năm mươi nghìn đồng",
        "Chuyển khoản",
        "26/11/2026 14:05",
        "•••• 4321",
        "Còn phải nộp: 1.900.000 ₫",
        "Người nộp tiền",
        "Người thu tiền",
        "Lê Văn Tám",
    ):
        assert expected in text
    assert "Nộp thừa" not in text


def test_an_overpayment_shows_the_credit_not_a_negative_balance():
    (text,) = pdf_text(render_receipt(receipt(amount=2_000_000, balance_after=-50_000)))
    assert "Nộp thừa: 50.000 ₫" in text
    assert "Còn phải nộp" not in text and "-50.000" not in text
    assert "Bằng chữ: Hai triệu đồng" in text


def test_a_cash_payment_without_note_or_cashier():
    paid = receipt(method="cash", payer_note=None, cashier=None, school_address=None)
    paid = replace(paid, amount=1_205_000, balance_after=0)
    (text,) = pdf_text(render_receipt(paid))
    assert "Tiền mặt" in text and "Chuyển khoản" not in text
    assert "Bằng chữ: Một triệu hai trăm linh năm nghìn đồng" in text
    assert "Còn phải nộp: 0 ₫" in text
    assert "Ghi chú" not in text


def test_twelve_lines_and_long_names_fit_one_page_in_full():
    (text,) = pdf_text(render_receipt(long_receipt(12)))
    for i in range(1, 13):
        assert f"Khoản thu số {i} – tiền ăn bán trú và dịch vụ tháng {i} {i}.000 ₫" in text
    assert "Tổng phải nộp 78.000 ₫" in text
    assert LONG_NAME in text
    assert "Tôn Nữ Thị Huyền Trân Phan Thanh Giản" in text
    assert "…" not in text


def test_too_many_lines_are_summed_into_one_row_on_the_same_page():
    (text,) = pdf_text(render_receipt(long_receipt(60)))
    assert "khoản khác" in text
    assert "Tổng phải nộp 1.830.000 ₫" in text  # the total still counts every line
    assert "Người thu tiền" in text


def test_a_cancelled_receipt_says_so_visibly_with_when_and_why():
    cancelled = receipt(cancelled_at="27/11/2026 08:30", cancel_reason="Chuyển nhầm học sinh")
    (text,) = pdf_text(render_receipt(cancelled))
    assert "ĐÃ HỦY" in text
    assert "Biên lai đã hủy lúc 27/11/2026 08:30 – Lý do: Chuyển nhầm học sinh" in text
    assert "Số: 2025-2026/000123" in text and "Số tiền: 50.000 ₫" in text
    (stamp,) = [s for s in layout(cancelled) if s[0] == "stamp"]
    assert stamp[6] == "ĐÃ HỦY" and stamp[5] != 0  # turned across the page, like a stamp
    (plain,) = pdf_text(render_receipt(receipt()))
    assert "HỦY" not in plain.upper() and not [s for s in layout(receipt()) if s[0] == "stamp"]


def extent(shape: tuple) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in mm of a laid-out shape."""
    kind = shape[0]
    if kind == "text":
        _, x, y, text, weight, size, _, anchor = shape
        width = pdfmetrics.stringWidth(text, FONTS[weight], size * PT_PER_MM) / PT_PER_MM
        left = {"l": x, "c": x - width / 2, "r": x - width}[anchor]
        return left, y - size, left + width, y
    if kind == "line":
        _, x1, y1, x2, y2, *_ = shape
        return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)
    if kind == "stamp":  # its frame, turned about its centre
        _, cx, cy, w, h, angle, *_ = shape
        a = math.radians(angle)
        half_w = (w * math.cos(a) + h * math.sin(a)) / 2
        half_h = (w * math.sin(a) + h * math.cos(a)) / 2
        return cx - half_w, cy - half_h, cx + half_w, cy + half_h
    _, x, y, w, h, _ = shape
    return x, y, x + w, y + h


@pytest.mark.parametrize("cancelled", [False, True])
@pytest.mark.parametrize("lines", [0, 1, 12, 25, 60])
def test_everything_is_drawn_inside_the_page_margins(lines, cancelled):
    document = long_receipt(lines)
    if cancelled:
        document = replace(document, cancelled_at="27/11/2026 08:30", cancel_reason=LONG_NAME * 3)
    for shape in layout(document):
        left, top, right, bottom = extent(shape)
        assert left >= 9.9 and right <= PAGE_W - 9.9, shape
        assert top >= 9.9 and bottom <= PAGE_H - 9.9, shape


def test_shapes_do_not_run_into_each_other_vertically():
    texts = sorted(
        (s for s in layout(long_receipt(12)) if s[0] == "text" and s[-1] == "l"),
        key=lambda s: (s[2], s[1]),
    )
    columns: dict[float, float] = {}
    for _, x, y, _, _, size, *_ in texts:
        if x in columns:
            assert y - size * 0.9 >= columns[x] - 0.01  # each line below the one above it
        columns[x] = y


@pytest.mark.parametrize("bad", [{"method": "cheque"}, {"amount": -1}, {"amount": 12.5}])
def test_a_receipt_that_cannot_be_printed_is_refused(bad):
    with pytest.raises(ValueError):
        render_receipt(receipt(**bad))
