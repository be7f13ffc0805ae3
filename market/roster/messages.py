"""What an import says about a file or a row, as a Vietnamese sentence that says how to fix
it: one table for every message the roster import gives (`market.spreadsheet`,
`market.identity`, `market.banks`, the rosters' rules). Pure, no Flask."""

import re

from market.words import UNKNOWN_MESSAGE

# (the service's message as a pattern, the sentence; {0}, {1}... are the pattern's groups)
SENTENCES: tuple[tuple[str, str], ...] = (
    # the file
    (r"choose a file", "Chọn tệp danh sách (CSV hoặc Excel .xlsx) trước khi bấm Xem trước."),
    (
        r"not a CSV or XLSX file",
        "Chỉ nhận tệp CSV hoặc Excel .xlsx. Trong Excel, chọn Lưu thành “CSV UTF-8” hoặc “.xlsx”.",
    ),
    (r"too large", "Tệp quá lớn (tối đa 10 MB). Hãy chép riêng trang danh sách sang một tệp mới."),
    (
        r"the upload expired",
        "Tệp đã tải lên không còn được giữ (quá 1 giờ hoặc đã nhập). Hãy tải tệp lên lại.",
    ),
    (
        r"the roster changed since the preview",
        "Danh sách của chợ đã thay đổi từ lúc xem trước, nên chưa nhập gì. Hãy tải tệp lên "
        "lại để xem bản xem trước mới.",
    ),
    (
        r"the file is empty",
        "Tệp trống. Hãy chọn tệp danh sách có dòng tiêu đề và các dòng tiểu thương.",
    ),
    (
        r"the first sheet is empty",
        "Trang tính đầu tiên của tệp trống. Hãy để danh sách ở trang đầu tiên.",
    ),
    (
        r"this is a binary file, not a CSV.*",
        "Tệp này không phải CSV hay Excel. Trong Excel, chọn Lưu thành “CSV UTF-8” hoặc "
        "“.xlsx” rồi tải lên lại.",
    ),
    (
        r"the file is not UTF-8 text.*",
        "Tệp CSV không ở dạng UTF-8. Trong Excel, chọn Lưu thành “CSV UTF-8” rồi tải lên lại.",
    ),
    (
        r"the CSV is malformed: .*",
        "Tệp CSV bị lỗi định dạng (dấu ngoặc kép không đóng). Hãy lưu lại từ Excel rồi tải "
        "lên lại.",
    ),
    (
        r"a line is longer than .*",
        "Có dòng quá dài, tệp này không phải danh sách. Hãy kiểm tra lại tệp.",
    ),
    (
        r"a roster has at most ([\d,]+) rows.*",
        "Danh sách dài quá {0} dòng. Hãy chia thành nhiều tệp nhỏ hơn.",
    ),
    (
        r"the sheet goes on past row ([\d,]+).*",
        "Trang tính còn dữ liệu sau dòng {0}. Hãy xóa các dòng thừa bên dưới hoặc chia tệp.",
    ),
    (
        r"the workbook holds more than .*",
        "Tệp Excel quá phức tạp. Hãy chép riêng trang danh sách sang một tệp mới.",
    ),
    (
        r"the workbook unpacks to more than .*",
        "Tệp Excel quá lớn. Hãy chép riêng trang danh sách sang một tệp mới.",
    ),
    (
        r"the XLSX file cannot be opened.*",
        "Không mở được tệp Excel. Hãy mở bằng Excel, lưu lại thành .xlsx rồi tải lên lại.",
    ),
    (
        r"old \.xls files are not read.*",
        "Tệp .xls đời cũ không đọc được. Hãy lưu lại thành .xlsx hoặc “CSV UTF-8”.",
    ),
    (
        r"the file is named \.xlsx but is not .*",
        "Tệp có đuôi .xlsx nhưng không phải tệp Excel. Hãy lưu lại từ Excel.",
    ),
    (
        r"missing columns: (.*)",
        "Tệp thiếu cột bắt buộc: {0}. Hãy thêm cột đó vào dòng tiêu đề (dòng 1).",
    ),
    # a row
    (
        r"stall (\S+) is already on row (\d+)",
        "Sạp {0} đã có ở dòng {1} với thông tin khác. Mỗi sạp chỉ ghi một dòng: xóa hoặc sửa "
        "một trong hai dòng.",
    ),
    (
        r"student code (\S+) is already on row (\d+)",
        "Mã học sinh {0} đã có ở dòng {1} với thông tin khác. Xóa hoặc sửa một trong hai dòng.",
    ),
    (
        r"stall (\S+) is held by another vendor \(id (\d+)\)",
        "Sạp {0} đang thuộc một tiểu thương khác (mã số {1}). Kiểm tra lại số sạp, hoặc cho "
        "người cũ ngừng kinh doanh trước.",
    ),
    (r"stall is required", "Điền số sạp, ví dụ A-012."),
    (r"a stall has up to 20 .*", "Số sạp gồm tối đa 20 chữ, số và các dấu - / . (ví dụ A-012)."),
    (r"name is required", "Điền họ và tên."),
    (r"a name has 2 to 100 characters", "Họ và tên dài từ 2 đến 100 ký tự."),
    (
        r"a name cannot contain (.*)",
        "Họ và tên không được chứa ký tự {0}; chỉ ghi chữ và khoảng trắng.",
    ),
    (r"phone number is required", "Điền số điện thoại di động."),
    (
        r"phone number may hold only .*",
        "Số điện thoại chỉ gồm chữ số (có thể có khoảng trắng, dấu chấm, gạch ngang).",
    ),
    (
        r"not a Vietnamese mobile number.*",
        "Số điện thoại phải là số di động 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09.",
    ),
    (r"national ID may hold only digits", "Số CCCD chỉ gồm chữ số."),
    (
        r"9-digit CMND numbers .*",
        "CMND 9 số không còn dùng được. Hãy ghi số CCCD 12 chữ số, hoặc để trống.",
    ),
    (r"a CCCD has 12 digits", "Số CCCD phải có đúng 12 chữ số, hoặc để trống."),
    (
        r"a CCCD cannot start with province code (\d+)",
        "Số CCCD không thể bắt đầu bằng mã tỉnh {0}. Kiểm tra lại số trên thẻ.",
    ),
    (r"bank is required", "Điền ngân hàng: tên viết tắt (ví dụ VCB, Agribank) hoặc mã BIN 6 số."),
    (
        r"(\d+) is not a NAPAS BIN",
        "Mã {0} không phải mã BIN ngân hàng. Ghi tên viết tắt của ngân hàng hoặc mã BIN 6 số đúng.",
    ),
    (
        r"'(.*)' names more than one bank.*",
        "Tên “{0}” có thể chỉ nhiều ngân hàng. Ghi mã BIN 6 số của ngân hàng.",
    ),
    (
        r"unknown bank '(.*)'.*",
        "Không nhận ra ngân hàng “{0}”. Ghi tên viết tắt (ví dụ VCB, BIDV) hoặc mã BIN 6 số.",
    ),
    (r"account number is required", "Điền số tài khoản nhận tiền."),
    (r"an account number has 1 to 19 .*", "Số tài khoản gồm 1 đến 19 chữ hoặc số, không dấu cách."),
    (r"account name is required", "Điền tên chủ tài khoản."),
    (r"an account name has at most 70 .*", "Tên chủ tài khoản dài tối đa 70 ký tự."),
    (r"an account name holds letters.*", "Tên chủ tài khoản chỉ gồm chữ, số và các dấu . - ' & ,"),
    (r"a category has at most 60 .*", "Ngành hàng dài tối đa 60 ký tự."),
)
_COMPILED = tuple((re.compile(pattern), sentence) for pattern, sentence in SENTENCES)


def explain(message: str) -> str:
    """The Vietnamese sentence for an import's message (a general one when none is known)."""
    for pattern, sentence in _COMPILED:
        found = pattern.fullmatch(message)
        if found:
            return sentence.format(*(_named(group) for group in found.groups()))
    return UNKNOWN_MESSAGE


def _named(text: str) -> str:
    # "stall (Sạp), full_name (Họ và tên)": the columns by the names people write
    names = re.findall(r"\w+ \(([^)]*)\)", text)
    return ", ".join(names) if names else text
