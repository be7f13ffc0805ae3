"""Placards render with Vietnamese text and a QR that decodes to the exact payload."""

import io

import pypdfium2
import zxingcpp
from PIL import Image

from payments.qr.placard import Placard, render_pdf, render_png
from payments.qr.vietqr import build


def placard(n: int = 0, name: str = "Trương Thị Ngọc Nguyệt") -> Placard:
    return Placard(
        payload=build(bank_bin="970403", account_number=f"5537193159{n:04d}"),
        market_name="Chợ Vĩnh Long",
        vendor_name=name,
        stall=f"B-{n:03d}",
        category="Gia vị",
        bank_name="Sacombank",
        masked_account="•••• 6485",
        account_name="TRUONG THI NGOC NGUYET",
        serial=f"PLSERIAL{n:02d}",
        printed_on="26/11/2026",
    )


def pdf_pages(data: bytes) -> list[tuple[list[str], str]]:
    """(decoded QR texts, extracted text) of each page, rendered at 150 dpi."""
    document = pypdfium2.PdfDocument(data)
    pages = []
    for page in document:
        image = page.render(scale=150 / 72).to_pil()
        texts = page.get_textpage().get_text_range()
        pages.append(([r.text for r in zxingcpp.read_barcodes(image)], texts))
        page.close()
    document.close()
    return pages


def test_png_placard_decodes_to_its_payload():
    p = placard()
    image = Image.open(io.BytesIO(render_png(p)))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [p.payload]
    assert image.width > 1000  # ~300 dpi for A6


def test_pdf_carries_the_vietnamese_text_and_every_placard_decodes_in_order():
    placards = [placard(n) for n in range(5)]
    pages = pdf_pages(render_pdf(placards, per_page=2))
    assert len(pages) == 3
    found = [texts for codes, _ in pages for texts in codes]
    assert sorted(found) == sorted(p.payload for p in placards)
    first_page_text = pages[0][1]
    for text in (
        "Trương Thị Ngọc Nguyệt",
        "Chợ 4.0 – Thanh toán không dùng tiền mặt",
        "Sạp B-000",
        "Chủ tài khoản: TRUONG THI NGOC NGUYET",
        "PLSERIAL00",
        "kiểm tra tên người nhận",
    ):
        assert text in first_page_text.replace("\r\n", " ").replace("\n", " ")


def test_four_to_a_page_still_decode():
    placards = [placard(n) for n in range(4)]
    ((codes, _),) = pdf_pages(render_pdf(placards, per_page=4))
    assert sorted(codes) == sorted(p.payload for p in placards)


def test_a_long_name_is_shrunk_or_wrapped_not_cut():
    long_name = "Nguyễn Thị Ngọc Phương Thảo Hoàng Lan Anh Bích Diễm Kiều Trinh"
    ((_, text),) = pdf_pages(render_pdf([placard(name=long_name)], per_page=1))
    flat = " ".join(text.split())
    assert all(word in flat for word in long_name.split())
