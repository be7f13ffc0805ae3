"""The parents' page: right details show open invoices with a QR; wrong ones show nothing
and count against a limit; checked in a real browser at phone width."""

import io
import re

import pytest
import zxingcpp
from PIL import Image

from market.db import get_db
from market.migrate import upgrade
from payments.qr.vietqr import parse
from tests.browser import live_server, phone_page, screenshot
from tests.factories import make_school, make_user

ROSTER = (
    "Mã học sinh,Họ và tên,Lớp,Phụ huynh,SĐT phụ huynh\n"
    "HS001,Nguyễn Văn An,6A1,Nguyễn Văn Bình,0912345678\n"
)
PLAN = {
    "name": "Học kỳ I 2025–2026",
    "school_year": "2025-2026",
    "due_date": "2025-10-15",
    "classes": ["6A1"],
    "lines": [
        {"item": "Học phí", "kind": "tuition", "amount": 1500000},
        {"item": "Tiền ăn", "kind": "meals", "amount": 700000},
    ],
}


def make_staff(session) -> dict:
    school = make_school(session, code="THCS-LQD", name="Trường THCS Lê Quý Đôn")
    return {"Authorization": "Bearer " + make_user(session, "school_admin", school_id=school.id)[1]}


def prepare(client, session, staff=None) -> str:
    """A school with one student and one issued plan; the invoice reference."""
    staff = staff or make_staff(session)
    client.post(
        "/api/v1/schools/THCS-LQD/students/import",
        headers=staff,
        data={"file": (io.BytesIO(ROSTER.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    plan = client.post("/api/v1/schools/THCS-LQD/fee-plans", headers=staff, json=PLAN).json
    client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=staff)
    return client.get("/api/v1/invoices", headers=staff).json["items"][0]["reference"]


def ask(client, phone, student="HS001"):
    return client.post("/pay", data={"school": "thcs-lqd", "student": student, "phone": phone})


def test_right_details_show_the_open_invoice_and_a_qr_that_pays_it(client, session):
    reference = prepare(client, session)
    page = ask(client, "5678")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2.200.000 ₫" in html and reference in html
    assert "Nguyễn Văn An" not in html and "0912345678" not in html  # nothing else shown
    src = re.search(r'<img class="qr" src="([^"]+)"', html).group(1)
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(client.get(src).data)))
    decoded = parse(code.text)
    assert decoded.amount == 2200000 and decoded.purpose.startswith(reference)


def test_a_wrong_digit_reveals_nothing_and_counts_against_the_limit(client, session):
    prepare(client, session)
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


@pytest.fixture
def served(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'pay.db'}"
    upgrade(url)
    app = make_app(DATABASE_URL=url)
    client = app.test_client()
    with app.app_context(), get_db().session_scope() as session:
        staff = make_staff(session)
    reference = prepare(client, None, staff)
    with live_server(app) as base:
        yield base, reference


def test_a_parent_finds_the_invoice_and_its_qr_on_a_phone(served):
    base, reference = served
    with phone_page() as page:
        page.goto(f"{base}/pay")
        assert page.locator("h1").inner_text() == "Nộp tiền cho nhà trường"
        page.fill("#school", "THCS-LQD")
        page.fill("#student", "HS001")
        page.fill("#phone", "5678")
        page.click("button[type=submit]")
        page.wait_for_selector("img.qr")
        assert "2.200.000 ₫" in page.locator(".invoice .amount").inner_text()
        assert reference in page.locator(".invoice").inner_text()
        # the image must actually load: wait for it rather than race it (polled from here,
        # since the page's content policy forbids the eval a page-side wait would use)
        loaded = "img => img.complete && img.naturalWidth > 0"
        for _ in range(100):
            if page.locator("img.qr").evaluate(loaded):
                break
            page.wait_for_timeout(100)
        assert page.locator("img.qr").evaluate(loaded)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "pay-invoice")
