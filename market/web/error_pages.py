"""The site's error pages: what a browser shows instead of problem+json, in Vietnamese."""

import logging

from flask import g, redirect, render_template, request, url_for
from markupsafe import escape

from market.web.access import came_from, sign_in_first

log = logging.getLogger(__name__)

# status or problem code → (heading, what happened and what to do)
MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Trang không hiểu yêu cầu vừa gửi. Hãy quay lại và thử lại."),
    "form-expired": (
        "Biểu mẫu đã hết hạn",
        "Trang này đã mở quá lâu, hoặc bạn vừa đăng nhập lại. Hãy tải lại trang rồi gửi lại: "
        "những gì vừa nhập chưa được lưu.",
    ),
    403: (
        "Không có quyền truy cập",
        "Tài khoản của bạn không được mở trang này. Nếu bạn cần dùng, hãy liên hệ quản trị viên.",
    ),
    404: (
        "Không tìm thấy trang",
        "Địa chỉ này không có hoặc không còn nữa. Hãy kiểm tra lại đường dẫn, hoặc về trang chủ.",
    ),
    405: (
        "Thao tác không được hỗ trợ",
        "Trang này không nhận thao tác vừa gửi. Hãy mở trang từ đường dẫn trên trang web.",
    ),
    409: (
        "Không thực hiện được",
        "Thao tác này không còn phù hợp với dữ liệu hiện có. Hãy tải lại trang để xem mới nhất.",
    ),
    413: (
        "Tệp quá lớn",
        "Tệp tải lên lớn hơn mức hệ thống nhận. Hãy chia nhỏ tệp rồi tải lên lại.",
    ),
    422: ("Dữ liệu không hợp lệ", "Một số thông tin chưa đúng. Hãy quay lại, sửa và gửi lại."),
    429: (
        "Thao tác quá nhiều lần",
        "Bạn đã thử quá nhiều lần trong thời gian ngắn. Vui lòng đợi vài phút rồi thử lại.",
    ),
    500: (
        "Đã có lỗi xảy ra",
        "Hệ thống gặp sự cố ngoài ý muốn; thao tác vừa rồi chưa được thực hiện. Vui lòng thử "
        "lại sau ít phút. Nếu vẫn lỗi, hãy báo mã tra cứu bên dưới cho quản trị viên.",
    ),
    503: (
        "Hệ thống đang tạm ngừng",
        "Hệ thống đang được bảo trì hoặc nâng cấp. Vui lòng thử lại sau ít phút.",
    ),
}
KEPT_HEADERS = ("allow", "retry-after")


def _words(status: int, code: str) -> tuple[str, str]:
    if code in MESSAGES:
        return MESSAGES[code]
    return MESSAGES.get(status) or MESSAGES[500 if status >= 500 else 400]


def _bare(status: int, heading: str, text: str) -> str:
    # When the layout itself cannot be drawn (the database is down...), a page without it.
    return (
        f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>{escape(heading)}</title>'
        f"<h1>{escape(heading)}</h1><p>{escape(text)}</p><p>Mã lỗi {status}.</p></html>"
    )


def render_error_page(status: int, code: str, headers: list):
    """The error page for status (401: the way to sign in)."""
    if status == 401:
        return sign_in_first() if request.method == "GET" else redirect(url_for("pages.login"))
    heading, text = _words(status, code)
    back = came_from()
    context = {"status": status, "heading": heading, "text": text, "code": code, "back": back}
    # A 500 may come from the database: the layout must not ask it who is signed in.
    g.quiet_layout = status >= 500
    try:
        body = render_template("error.html", **context)
    except Exception:  # the error page must answer whatever broke the layout; logged
        log.exception("the error page could not be drawn")
        body = _bare(status, heading, text)
    kept = [(k, v) for k, v in headers if k.lower() in KEPT_HEADERS]
    return body, status, kept + [("Cache-Control", "no-store")]
