"""The parents' page: right details show the school's account, each invoice's lines with its
exemption, a QR that pays it and texts to copy; paid invoices with receipts behind signed,
expiring links; a status a page polls. Wrong details show nothing and count against a limit."""

import io
import re
from datetime import UTC, datetime, timedelta

import zxingcpp
from PIL import Image
from sqlalchemy import select

from payments.qr.vietqr import parse
from tests.factories import make_provider
from tests.pages import text_of
from tests.tuition.paying import NO_TUITION, SECRET, TUITION, school_of, transfer
from tuition import parents
from tuition.invoices import transfer_text
from tuition.links import STATUS, Links
from tuition.models import Receipt


def ask(client, phone="5678", student="HS001"):
    return client.post("/pay", data={"school": "thcs-lqd", "student": student, "phone": phone})


def status_url(html: str, reference: str) -> str:
    found = re.search(rf'id="invoice-{reference}"[^>]*data-status-url="([^"]+)"', html, re.S)
    return found.group(1).replace("&amp;", "&")


def receipt_links(html: str) -> list[str]:
    return [
        u.replace("&amp;", "&") for u in re.findall(r'href="(/pay/receipt\.pdf\?t=[^"]+)"', html)
    ]


def test_the_result_names_school_and_holder_and_lists_lines_with_the_exemption(client, session):
    exemption = {"percent": 50, "kinds": ["meals"], "reason": "Hộ cận nghèo"}
    invoice = school_of(session, TUITION, exemption=exemption)
    page = ask(client)
    assert page.status_code == 200
    text, html = text_of(page), page.get_data(as_text=True)
    assert "Trường THCS Lê Quý Đôn" in text and "TRUONG THCS LE QUY DON" in text
    assert "Vietcombank" in text and "0011004455667" in text
    assert "Học phí 1.500.000 ₫" in text
    assert "Tiền ăn bán trú 700.000 ₫, miễn giảm 350.000 ₫ 350.000 ₫" in text
    assert "Tổng cộng (đã trừ miễn giảm 350.000 ₫) 1.850.000 ₫" in text
    assert "Hộ cận nghèo" not in text and "Nguyễn Văn An" not in text  # nothing private
    # The amount copies as digits; the transfer text is the QR's purpose, reference first.
    assert f'id="amount-{invoice.reference}" data-copy-value="1850000"' in html
    shown = re.search(rf'id="text-{invoice.reference}">([^<]+)<', html).group(1)
    assert shown == f"{invoice.reference} HOC PHI"
    src = re.search(r'<img class="qr" src="([^"]+)"', html).group(1)
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(client.get(src).data)))
    assert (parse(code.text).amount, parse(code.text).purpose) == (1_850_000, shown)


def test_a_school_without_tuition_never_says_hoc_phi(client, session):
    invoice = school_of(session, NO_TUITION)
    page = ask(client)
    main = re.search(r"<main.*</main>", page.get_data(as_text=True), re.S).group(0)
    assert f"{invoice.reference} TIEN AN BH" in main
    assert "hoc phi" not in main.lower() and "học phí" not in main.lower()
    qr = client.get(f"/pay/qr/{invoice.reference}.png").data
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr)))
    assert parse(code.text).purpose == f"{invoice.reference} TIEN AN BH"


def test_a_tuition_line_fully_exempted_is_not_named_in_the_transfer_text(client, session):
    exemption = {"percent": 100, "kinds": ["tuition"], "reason": "Miễn học phí theo Nghị định"}
    invoice = school_of(session, TUITION, exemption=exemption)
    assert transfer_text(invoice) == f"{invoice.reference} TIEN AN"
    assert f"{invoice.reference} TIEN AN<" in ask(client).get_data(as_text=True)


def test_the_qr_saves_as_a_file_with_a_telling_name(client, session):
    invoice = school_of(session, NO_TUITION)
    html = ask(client).get_data(as_text=True)
    name = f"ma-qr-thcs-lqd-{invoice.reference.lower()}.png"
    assert f'download="{name}"' in html
    saved = client.get(f"/pay/qr/{invoice.reference}.png?save=1")
    assert saved.mimetype == "image/png"
    assert saved.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "Content-Disposition" not in client.get(f"/pay/qr/{invoice.reference}.png").headers


def test_a_paid_invoice_shows_as_paid_with_a_receipt_that_opens(client, session):
    make_provider(session, secret=SECRET)
    paid = school_of(session, NO_TUITION, due="2026-09-15")
    school_of(session, NO_TUITION, due="2026-12-15", school=paid.plan.school)
    transfer(client, paid)
    page = ask(client)
    text, html = text_of(page), page.get_data(as_text=True)
    assert "1 khoản cần nộp" in text
    assert "Nhà trường đã nhận 1.634.520 ₫ · Đã nộp đủ" in text
    assert f'id="text-{paid.reference}"' not in html  # nothing more to transfer for it
    (link,) = receipt_links(html)
    assert "Biên lai số 2026-2027/000001 (PDF)" in text
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == 'inline; filename="bien-lai-2026-2027-000001.pdf"'


def test_receipt_links_that_are_forged_altered_or_expired_are_refused(
    client, session, time_machine
):
    make_provider(session, secret=SECRET)
    invoice = school_of(session, NO_TUITION)
    transfer(client, invoice)
    (link,) = receipt_links(ask(client).get_data(as_text=True))
    token = link.split("t=")[1]
    changed = token[:-5] + ("x" if token[-5] != "x" else "y") + token[-4:]  # its signature
    altered = client.get(f"/pay/receipt.pdf?t={changed}")
    assert altered.status_code == 404 and "Liên kết này không đúng" in text_of(altered)
    assert client.get("/pay/receipt.pdf").status_code == 404
    # A token made for the status of an invoice never opens a receipt, whatever its number.
    receipt_id = session.scalars(select(Receipt.id)).one()
    other_purpose = Links("test-secret").make(STATUS, receipt_id)
    assert client.get(f"/pay/receipt.pdf?t={other_purpose}").status_code == 404
    assert client.get(link).status_code == 200
    time_machine.move_to(datetime.now(UTC) + timedelta(hours=25))
    late = client.get(link)
    assert late.status_code == 410 and "Liên kết này đã hết hạn" in text_of(late)


def test_the_status_turns_paid_once_the_notification_lands(client, session):
    make_provider(session, secret=SECRET)
    invoice = school_of(session, NO_TUITION)
    url = status_url(ask(client).get_data(as_text=True), invoice.reference)
    before = client.get(url)
    assert before.status_code == 200 and before.json["status"] == "open"
    assert (before.json["settled"], before.json["receipts"]) == (False, [])
    transfer(client, invoice, amount=634_520, txn="FT-PART")
    part = client.get(url).json
    assert part["message"] == "Nhà trường đã nhận 634.520 ₫, còn phải nộp 1.000.000 ₫"
    transfer(client, invoice, amount=1_000_000, txn="FT-REST")
    after = client.get(url).json
    assert after["settled"] and after["message"] == "Nhà trường đã nhận 1.634.520 ₫ · Đã nộp đủ"
    assert [r["label"] for r in after["receipts"]] == ["2026-2027/000001", "2026-2027/000002"]
    assert all(client.get(r["url"]).data.startswith(b"%PDF") for r in after["receipts"])


def test_a_status_link_forged_expired_or_asked_too_often_is_refused(
    client, session, monkeypatch, time_machine
):
    invoice = school_of(session, NO_TUITION)
    url = status_url(ask(client).get_data(as_text=True), invoice.reference)
    assert client.get(url.replace("t=", "t=x")).status_code == 404
    assert client.get("/pay/status").status_code == 404
    # Another invoice's number under a receipt's purpose is no status token either.
    receipt_purpose = Links("test-secret").make("pay-receipt", invoice.id)
    assert client.get(f"/pay/status?t={receipt_purpose}").status_code == 404
    monkeypatch.setattr(parents, "MAX_STATUS_PER_CLIENT", 6)
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # after the three refused above: six in all
    time_machine.move_to(datetime.now(UTC) + timedelta(hours=3))
    assert client.get(url).status_code == 410


def test_wrong_details_reveal_nothing_and_count_against_the_limit(client, session):
    school_of(session, NO_TUITION)
    wrong = ask(client, "5679")
    unknown = ask(client, "5678", student="HS999")
    assert wrong.status_code == unknown.status_code == 404
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong) == strip(unknown)  # the same answer, whatever was wrong
    for _ in range(4):  # with the wrong digit above: five failures on this student
        ask(client, "0000")
    blocked = ask(client, "5678")  # even the right digits now wait
    assert blocked.status_code == 429 and "15 phút" in blocked.get_data(as_text=True)
    assert ask(client, "5678", student="HS999").status_code == 404  # other students still work


def test_a_visitor_finds_the_parents_page_from_home(client):
    assert 'href="/pay"' in client.get("/").get_data(as_text=True)


def test_without_javascript_every_value_is_on_the_page_and_no_dead_copy_button(client, session):
    invoice = school_of(session, NO_TUITION)
    html = ask(client).get_data(as_text=True)
    buttons = re.findall(r"<button [^>]*data-copy=[^>]*>", html)
    assert len(buttons) == 4 and all(b.endswith(" hidden>") for b in buttons)  # copy.js shows them
    for value in ("Vietcombank", "0011004455667", "1.634.520 ₫", f"{invoice.reference} TIEN AN BH"):
        assert re.search(rf'class="value" id="[\w-]+"[^>]*>{re.escape(value)}<', html), value
