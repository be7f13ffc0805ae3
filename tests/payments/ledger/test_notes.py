"""Why a payment matched or not, in Vietnamese: every note the ledger writes has a sentence."""

from payments.ledger.notes import UNKNOWN, explain


def test_each_note_the_matching_writes_reads_as_a_vietnamese_sentence():
    assert explain("no payee holds account 0123456789") == [
        "Không có ai đăng ký nhận tiền vào tài khoản 0123456789."
    ]
    assert explain("2 payees hold account 0123456789") == [
        "Có 2 người nhận cùng đăng ký tài khoản 0123456789: cần chọn đúng người."
    ]
    assert explain("account 0123 belongs to school 4; no reference to what is paid") == [
        "Tài khoản 0123 là của một trường học.",
        "Nội dung chuyển khoản không có mã khoản thu nên chưa biết tiền nộp cho khoản nào.",
    ]
    assert explain(
        "reference CHAB12CD34 expired at 20/11/2026 09:45 (Vietnam time); "
        "no payee holds account 0123"
    )[0] == ("Mã CHAB12CD34 đã hết hạn lúc 20/11/2026 09:45.")
    assert explain("reference HPX is unknown; reference HPY is already paid") == [
        "Mã HPX trong nội dung chuyển khoản không có trong hệ thống.",
        "Mã HPY đã được thanh toán trước đó.",
    ]
    assert explain("invoice HP123 is void") == ["Hóa đơn HP123 đã bị hủy."]
    assert explain("memo virtual account VQR1 ; reference CH1 belongs to another account") == [
        "Tiền chuyển vào tài khoản định danh VQR1.",
        "Mã CH1 thuộc một tài khoản khác, không phải tài khoản nhận tiền.",
    ]


def test_a_persons_assignment_keeps_its_reason_word_for_word():
    assert explain("assigned by banbql: khách chuyển nhầm; đã gọi điện") == [
        "Cán bộ banbql đã gán giao dịch này bằng tay. Lý do: khách chuyển nhầm; đã gọi điện"
    ]
    assert explain("assigned by hoa.nt") == ["Cán bộ hoa.nt đã gán giao dịch này bằng tay."]


def test_a_note_without_a_sentence_is_never_shown_in_english():
    assert explain("something new the matcher says") == [UNKNOWN]
    assert explain(None) == [] and explain("  ") == []
