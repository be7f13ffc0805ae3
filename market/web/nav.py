"""The menu: one table of every screen (label, path, who may open it). A link shows when the
signed-in role may open it and the app serves its path, so a new screen appears in the menu
and on the start page as soon as its route exists."""

from dataclasses import dataclass, replace

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from market.users import User

GUEST = "guest"  # not signed in


@dataclass(frozen=True)
class Link:
    label: str
    path: str  # "{market}" / "{school}": the signed-in user's market or school code
    roles: tuple[str, ...]
    hint: str = ""  # one line under the link on the start page


NAV: tuple[Link, ...] = (
    Link("Tổng quan", "/", ("admin",), "Mọi việc của ban điều hành chương trình"),
    Link("Chợ", "/markets", ("admin",), "Danh sách chợ, tiểu thương, nhập danh sách, in mã QR"),
    Link(
        "Chợ của tôi",
        "/markets/{market}",
        ("market_manager",),
        "Tiểu thương của chợ: tìm, duyệt, tạm ngưng, in mã QR",
    ),
    Link("Trường học", "/schools", ("admin",), "Danh sách trường, thêm trường mới"),
    Link(
        "Trường của tôi",
        "/schools/{school}",
        ("school_admin",),
        "Lớp, học sinh, nhập danh sách, khoản thu",
    ),
    Link(
        "Khoản thu",
        "/invoices",
        ("admin", "school_admin"),
        "Hóa đơn theo lớp và trạng thái, thu tiền mặt, biên lai",
    ),
    Link(
        "Chưa khớp",
        "/payments/unmatched",
        ("admin", "market_manager", "school_admin"),
        "Tiền đã vào nhưng chưa rõ của ai: gán cho tiểu thương hoặc hóa đơn",
    ),
    Link(
        "Quyết toán",
        "/settlements",
        ("admin", "market_manager", "school_admin"),
        "Tổng tiền từng ngày, chốt sổ, tải CSV",
    ),
    Link("Đối soát", "/reconciliations", ("admin",), "Đối chiếu sao kê của ngân hàng, ví điện tử"),
    Link("Số liệu", "/dashboard", ("admin", "bank_staff"), "Mức độ phổ biến thanh toán QR"),
    Link("Người dùng", "/users", ("admin",), "Tài khoản cán bộ: tạo, đặt lại mật khẩu, khóa"),
    Link("Sạp của tôi", "/stall", ("vendor",), "Tiền vào hôm nay, tạo mã QR có số tiền"),
    Link("Nộp tiền cho trường", "/pay", (GUEST,), "Phụ huynh tra cứu và nộp các khoản thu của con"),
    Link("Đăng nhập", "/login", (GUEST,), "Dành cho cán bộ chợ, nhà trường, ngân hàng"),
)

# Where each role lands after signing in (when the app serves that page yet; else "/").
START = {
    "admin": "/",
    "market_manager": "/markets/{market}",
    "school_admin": "/schools/{school}",
    "bank_staff": "/dashboard",
    "vendor": "/stall",
}


def served(path: str) -> bool:
    """True when a GET of path reaches a view of this app."""
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return True


def may_open(user: User | None, path: str) -> bool:
    """True when user may open the page at path: the app serves it and its view's page()
    roles include user's role (a record outside the user's scope still gets the 403 page)."""
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(path, method="GET")
    except (HTTPException, RequestRedirect):
        return False
    roles = getattr(current_app.view_functions.get(endpoint), "page_roles", None)
    return user is not None and roles is not None and user.role in roles


def _fill(path: str, codes: dict[str, str]) -> str | None:
    try:
        return path.format(**codes)
    except KeyError:
        return None  # the user is bound to no such record


def links_for(user: User | None, codes: dict[str, str]) -> list[Link]:
    """The menu of user (None: a visitor), with the user's codes filled in."""
    role = user.role if user is not None else GUEST
    found = []
    for link in NAV:
        path = _fill(link.path, codes) if role in link.roles else None
        if path is not None and served(path):
            found.append(replace(link, path=path))
    return found


def start_path(user: User, codes: dict[str, str]) -> str:
    """Where user starts: the role's own page when the app serves it, else the overview."""
    path = _fill(START[user.role], codes)
    return path if path is not None and served(path) else "/"


def current_link(links: list[Link], path: str) -> Link | None:
    """The menu entry the page at path belongs to (the longest matching prefix)."""
    matching = [
        link
        for link in links
        if path == link.path or (link.path != "/" and path.startswith(link.path.rstrip("/") + "/"))
    ]
    return max(matching, key=lambda link: len(link.path), default=None)
