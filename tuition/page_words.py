"""What the school's services say, as an accountant reads it on a page: each message of a
service or of a class list's row in Vietnamese, saying how to put it right. Pure, no Flask."""

import re

from market import words

STUDENT_COLUMNS = {
    "student_code": "Mã học sinh",
    "full_name": "Họ và tên",
    "class": "Lớp",
    "date_of_birth": "Ngày sinh",
    "guardian_name": "Phụ huynh",
    "guardian_phone": "SĐT phụ huynh",
}
NAME_OF = {"full_name": "họ và tên học sinh", "guardian_name": "họ và tên phụ huynh"}

MESSAGES = {
    "student code is required": "Điền mã học sinh.",
    "a student code has up to 20 letters, digits, '.', '_', '-'": (
        "Ghi mã học sinh bằng tối đa 20 chữ cái không dấu, chữ số hoặc dấu . _ -."
    ),
    "class is required": "Điền lớp của học sinh, ví dụ 6A1.",
    "a class has up to 10 letters, digits, '/', '.', '-'": (
        "Ghi lớp bằng tối đa 10 chữ cái, chữ số hoặc dấu / . -, ví dụ 6A1 hoặc 10/2."
    ),
    "date of birth is out of range": "Ngày sinh không hợp lý: kiểm tra lại năm sinh.",
    "a date of birth is written dd/mm/yyyy": (
        "Ghi ngày sinh theo dạng ngày/tháng/năm, ví dụ 05/09/2013, hoặc để trống."
    ),
    "phone number is required": "Điền số điện thoại của phụ huynh.",
    "phone number may hold only digits, spaces, dots, dashes, brackets": (
        "Số điện thoại chỉ gồm chữ số (được có dấu cách, dấu chấm, gạch ngang): xóa chữ cái."
    ),
    "not a Vietnamese mobile number (10 digits starting 03, 05, 07, 08, 09)": (
        "Ghi số di động 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09, ví dụ 0912 345 678."
    ),
    "the file is empty": "Tệp không có dữ liệu: chọn đúng tệp danh sách lớp.",
    "a school year is written 2025-2026": "Ghi năm học dạng 2025-2026 (hai năm liền nhau).",
    "Give a percent or an amount, not both.": "Chọn giảm theo phần trăm hoặc theo số tiền.",
    "Ends before it starts.": "Ngày kết thúc phải sau ngày bắt đầu.",
    "Not a valid integer.": "Nhập số bằng chữ số, ví dụ 500.000.",
    "Not a valid date.": "Chọn một ngày, ví dụ 15/10/2026.",
    "Shorter than minimum length 1.": "Chọn ít nhất một mục.",
    "the exemption has already ended": "Miễn giảm này đã kết thúc rồi.",
    "the exemption starts after that day": "Miễn giảm này chưa bắt đầu: không thể kết thúc.",
    "an invoice with payments cannot be voided; reverse the payments first": (
        "Hóa đơn đã có tiền nộp nên không hủy được; hãy hủy từng khoản đã nộp trước."
    ),
    "the uploaded file is no longer kept; upload it again": (
        "Tệp đã tải lên không còn được giữ: hãy tải tệp lên lại."
    ),
}
PATTERNS = [
    (
        r"student code (\S+) is already on row (\d+)",
        "Mã học sinh {0} đã có ở dòng {1} với thông tin khác: sửa mã hoặc xóa một trong hai dòng.",
    ),
    (r"no student is in class (.+)", "Chưa có học sinh nào ở lớp {0}: nhập danh sách lớp trước."),
    (
        r"missing columns: .*",
        "Tệp thiếu cột bắt buộc. Dòng đầu của bảng phải có các cột: Mã học "
        "sinh, Họ và tên, Lớp, Phụ huynh, SĐT phụ huynh.",
    ),
    (r"invoice (\S+) is already void", "Hóa đơn {0} đã hủy rồi."),
    (r"invoice (\S+) is void", "Hóa đơn {0} đã hủy: không thu được nữa."),
    (
        r"Must be greater than or equal to (\d+) and less than or equal to (\d+)\.",
        "Nhập một số từ {0} đến {1}.",
    ),
    (r"Must be one of: .*", "Chọn một trong các giá trị có sẵn."),
    (r"Longer than maximum length (\d+)\.", "Viết ngắn lại, tối đa {0} ký tự."),
    (
        r".*(CSV|XLSX|xlsx|\.xls|workbook|binary file|UTF-8).*",
        "Không đọc được tệp: lưu bảng dưới dạng Excel (.xlsx) hoặc CSV UTF-8 rồi tải lên lại.",
    ),
]


def say(message: str) -> str:
    """A service's message in Vietnamese, with how to fix it."""
    if message in MESSAGES:
        return MESSAGES[message]
    for pattern, sentence in PATTERNS:
        found = re.fullmatch(pattern, message)
        if found:
            return sentence.format(*found.groups())
    return words.say(message)


def say_row(field: str, message: str) -> str:
    """A class list row's problem in one field, as a sentence saying what to write instead."""
    name = NAME_OF.get(field, "")
    if message == "name is required":
        return f"Điền {name}."
    if message == "a name has 2 to 100 characters":
        return f"Ghi {name} từ 2 đến 100 ký tự."
    found = re.fullmatch(r"a name cannot contain (.+)", message)
    if found:
        return f"Xóa ký tự {found.group(1)} khỏi {name}."
    return say(message)


def say_errors(errors: dict | None) -> dict[str, list[str]]:
    """{field: [messages]} of a refusal, in Vietnamese; nested fields joined by '-'."""
    said: dict[str, list[str]] = {}
    for field, messages in (errors or {}).items():
        if isinstance(messages, dict):
            for inner, found in say_errors(messages).items():
                said[f"{field}-{inner}"] = found
        else:
            items = messages if isinstance(messages, list) else [messages]
            said[str(field)] = [say(str(m)) for m in items]
    return said


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA': a column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
