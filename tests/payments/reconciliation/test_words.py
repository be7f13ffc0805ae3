"""What is wrong with a statement file, in Vietnamese, naming the line and the column."""

import pytest

from payments.reconciliation.words import say_statement_error


@pytest.mark.parametrize(
    ("message", "said"),
    [
        (
            "transaction_id: line 1: column is missing from the header",
            "Dòng tiêu đề (dòng 1) thiếu cột “transaction_id”.",
        ),
        (
            "amount: line 7: must be a whole number of đồng",
            "Dòng 7, cột “amount”: phải là số tiền nguyên (đồng), không dấu chấm, dấu phẩy.",
        ),
        (
            "amount: line 3: must be at most 9999999999999",
            "Dòng 3, cột “amount”: quá lớn hoặc quá dài.",
        ),
        (
            "occurred_at: line 2: must carry a UTC offset",
            "Dòng 2, cột “occurred_at”: thời gian phải ghi kèm múi giờ, ví dụ "
            "2026-11-20T08:00:00+07:00.",
        ),
        (
            "credit_account: line 4: must be 1-19 letters or digits",
            "Dòng 4, cột “credit_account”: số tài khoản chỉ gồm chữ và số, không quá 19 ký tự.",
        ),
        (
            "file: is not UTF-8 text",
            "Tệp không phải CSV mã UTF-8: hãy lưu lại dưới dạng “CSV UTF-8”.",
        ),
        ("file: line 9: more cells than the header has", "Dòng 9 có nhiều ô hơn dòng tiêu đề."),
        (
            "file: line 5: new-line character seen in unquoted field",
            "Dòng 5: tệp CSV sai định dạng.",
        ),
        ("data.x: something new", "Cột “data.x”: giá trị không hợp lệ."),
        (
            "no shape at all",
            "Tệp sao kê không đọc được: hãy kiểm tra đó là tệp CSV tải từ đơn vị cung cấp.",
        ),
    ],
)
def test_each_reader_message_reads_as_a_vietnamese_sentence(message, said):
    assert say_statement_error(message) == said
