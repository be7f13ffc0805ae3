"""The Vietnamese words people read for statuses, roles and errors: one set, shared by pages and
exports (a status code never reaches a person untranslated). Pure, no Flask."""

WORDS: dict[str, dict[str, str]] = {
    "vendor": {
        "pending": "Chờ kích hoạt",
        "active": "Đang hoạt động",
        "suspended": "Tạm ngưng",
        "closed": "Ngừng kinh doanh",
    },
    "payment": {
        "matched": "Đã khớp",
        "unmatched": "Chưa khớp",
        "reversed": "Đã hủy",
    },
    "payment_kind": {"payment": "Giao dịch", "reversal": "Bút toán hủy"},
    "payment_method": {"transfer": "Chuyển khoản", "cash": "Tiền mặt"},
    "invoice": {
        "open": "Chưa nộp",
        "partially_paid": "Nộp một phần",
        "paid": "Đã nộp đủ",
        "overpaid": "Nộp thừa",
        "void": "Đã hủy",
    },
    "payment_request": {
        "open": "Chờ thanh toán",
        "paid": "Đã thanh toán",
        "expired": "Hết hạn",
        "cancelled": "Đã hủy",
    },
    "receipt": {"issued": "Đã lập", "cancelled": "Đã hủy"},
    "line_kind": {
        "tuition": "Học phí",
        "meals": "Tiền ăn",
        "insurance": "Bảo hiểm",
        "service": "Dịch vụ",
        "other": "Khoản khác",
    },
    "role": {
        "admin": "Quản trị viên",
        "market_manager": "Ban quản lý chợ",
        "vendor": "Tiểu thương",
        "school_admin": "Kế toán nhà trường",
        "bank_staff": "Cán bộ ngân hàng",
    },
    "school_type": {"public": "Công lập", "private": "Ngoài công lập"},
    "account": {"active": "Đang dùng", "inactive": "Đã khóa"},
    "payee": {"vendor": "Tiểu thương", "school": "Trường học"},
    "assign_to": {
        "vendor_id": "Tiểu thương",
        "reference": "Yêu cầu thanh toán (mã CH…)",
        "invoice_reference": "Khoản thu của học sinh (mã HP…)",
    },
    "day": {"closed": "Đã chốt", "open": "Chờ chốt", "early": "Chưa hết giờ chờ"},
    "bucket": {
        "matched": "Khớp",
        "missing_in_ledger": "Có trong sao kê, thiếu trong sổ",
        "missing_in_statement": "Có trong sổ, thiếu trong sao kê",
        "amount_mismatch": "Lệch số tiền",
        "duplicate": "Trùng lặp trong sao kê",
        "matched_other_provider": "Đã ghi qua đơn vị khác",
    },
}

# What a service says in English (for API clients), as a person reads it on a page.
MESSAGES: dict[str, str] = {
    "at least 10 characters": "Mật khẩu cần ít nhất 10 ký tự.",
    "already taken": "Tên đăng nhập này đã có người dùng.",
    "Missing data for required field.": "Cần điền mục này.",
    "Must not be blank.": "Cần điền mục này.",
    "this kind of assignment is not available": "Không gán được cho loại này.",
    "belongs to another payee than the credited account": (
        "Tiền đã vào tài khoản của người khác: chỉ gán được cho chủ tài khoản nhận tiền."
    ),
    "a school payment needs what it pays for": (
        "Tiền nộp cho trường cần gán cho một hóa đơn học phí cụ thể."
    ),
    "status is matched": "Giao dịch này đã được gán hoặc đã khớp rồi.",
    "reversed": "Giao dịch này đã bị hủy, không gán được.",
    "already paid": "Yêu cầu thanh toán này đã được trả trước đó.",
    "not a vendor": "Không có tiểu thương này.",
    "choose where it goes": "Chọn nơi nhận trong danh sách tìm được.",
    "not a username": "Chỉ dùng chữ không dấu, số và . _ - (3 đến 80 ký tự).",
    "choose a role": "Chọn vai trò.",
    "choose the market": "Chọn chợ mà tài khoản quản lý.",
    "choose the school": "Chọn trường mà tài khoản phụ trách.",
    "no such market": "Không có chợ này.",
    "no such school": "Không có trường này.",
    "wrong password": "Mật khẩu hiện tại không đúng.",
    "the same as the current one": "Mật khẩu mới phải khác mật khẩu hiện tại.",
    "does not match": "Hai lần nhập mật khẩu mới không giống nhau.",
    "Change your own password on the password page.": (
        "Mật khẩu của chính bạn được đổi ở trang Đổi mật khẩu."
    ),
    "The account is deactivated.": "Tài khoản này đã bị khóa.",
    "You cannot deactivate yourself; ask another admin.": (
        "Bạn không thể tự khóa tài khoản của mình; hãy nhờ một quản trị viên khác."
    ),
    "2–30 of A-Z, 0-9 and '-'.": "Mã gồm 2 đến 30 chữ in hoa không dấu, chữ số hoặc dấu -.",
    "5 digits.": "Ghi đúng 5 chữ số.",
    "already exists": "Mã này đã có; chọn mã khác.",
    "Must be one of: public, private.": "Chọn một loại trường.",
    "choose an action": "Chọn một thao tác: kích hoạt, tạm ngưng hoặc ngừng kinh doanh.",
    "a reason is required": "Hãy ghi lý do: lý do được lưu vào lịch sử của tiểu thương.",
    "at most 500 characters": "Lý do dài quá 500 ký tự; hãy viết ngắn lại.",
    "not allowed from the current status": (
        "Trạng thái hiện tại của tiểu thương không cho phép thao tác này."
    ),
    "stall already taken": "Sạp này đang có một tiểu thương khác.",
    "choose 1, 2 or 4 a page": "Chọn 1, 2 hoặc 4 placard một trang.",
    "choose new or all vendors": "Chọn in cho tiểu thương chưa in, hay cho tất cả.",
    "no vendor to print": (
        "Không có tiểu thương nào để in: chợ chưa có tiểu thương đang hoạt động, hoặc ai cũng "
        "đã có placard (chọn “Tất cả tiểu thương đang hoạt động” để in lại)."
    ),
}
UNKNOWN_MESSAGE = "Giá trị này không hợp lệ."


def word(kind: str, value: str | None) -> str:
    """The Vietnamese word for value of kind ('vendor', 'invoice', 'role'...); unknown values
    are shown as they are rather than hidden."""
    if value is None:
        return "—"
    return WORDS[kind].get(value, value)


def say(message: str) -> str:
    """A service's message in Vietnamese; one without a translation becomes a general one,
    never English on a page."""
    return MESSAGES.get(message, UNKNOWN_MESSAGE)


def say_errors(errors: dict | None) -> dict[str, list[str]]:
    """{field: [messages]} of a ValidationFailed, in Vietnamese."""
    return {
        field: [say(m) for m in (messages if isinstance(messages, list) else [messages])]
        for field, messages in (errors or {}).items()
    }
