"""What is wrong with a statement file, as the person uploading it reads it: the reader's
English messages ("amount: line 3: must be greater than 0") in Vietnamese. Pure, no Flask."""

import re

MESSAGE = re.compile(r"(?P<field>[\w.]+): (?:line (?P<line>\d+): )?(?P<problem>.*)", re.S)

# (the start of what the reader says, how to fix it): the first that fits wins.
PROBLEMS: tuple[tuple[str, str], ...] = (
    ("is required", "chưa có giá trị, cần điền"),
    ("must be a whole number of đồng", "phải là số tiền nguyên (đồng), không dấu chấm, dấu phẩy"),
    ("must be greater than 0", "phải lớn hơn 0"),
    ("must be at most", "quá lớn hoặc quá dài"),
    ("must carry a UTC offset", "thời gian phải ghi kèm múi giờ, ví dụ 2026-11-20T08:00:00+07:00"),
    ("is not an ISO 8601 date-time", "không phải ngày giờ, ví dụ 20/11/2026 08:00"),
    ("must be a date-time string", "không phải ngày giờ, ví dụ 20/11/2026 08:00"),
    ("must be a bank BIN or short name", "không phải mã BIN hay tên viết tắt của một ngân hàng"),
    ("must be 1-", "số tài khoản chỉ gồm chữ và số, không quá 19 ký tự"),
    ("must be valid Unicode text", "có ký tự không đọc được"),
    ("must be a string", "không phải chữ"),
)
FILE_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("is not UTF-8 text", "Tệp không phải CSV mã UTF-8: hãy lưu lại dưới dạng “CSV UTF-8”."),
    ("a statement has at most", "Tệp sao kê quá dài: hãy tách theo từng ngày rồi tải lên."),
    ("more cells than the header has", "Dòng {line} có nhiều ô hơn dòng tiêu đề."),
)


def _first(problem: str, table: tuple[tuple[str, str], ...]) -> str | None:
    return next((said for start, said in table if problem.startswith(start)), None)


def say_statement_error(message: str) -> str:
    """A statement reader's message as a Vietnamese sentence naming the line and column."""
    found = MESSAGE.fullmatch(message.strip())
    if found is None:
        return "Tệp sao kê không đọc được: hãy kiểm tra đó là tệp CSV tải từ đơn vị cung cấp."
    field, line, problem = found["field"], found["line"], found["problem"]
    if problem.startswith("column is missing"):
        return f"Dòng tiêu đề (dòng 1) thiếu cột “{field}”."
    if field == "file":
        said = _first(problem, FILE_PROBLEMS)
        if said:
            return said.format(line=line)
        return f"Dòng {line}: tệp CSV sai định dạng." if line else "Tệp CSV sai định dạng."
    said = _first(problem, PROBLEMS) or "giá trị không hợp lệ"
    where = f"Dòng {line}, cột “{field}”" if line else f"Cột “{field}”"
    return f"{where}: {said}."
