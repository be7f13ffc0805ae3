"""Why a payment matched or did not, as a person reads it: the ledger's match notes (written
in English for API clients and logs) in Vietnamese sentences, from one table. Pure, no Flask."""

import re

PAYEE_WORDS = {"vendor": "tiểu thương", "school": "trường học"}
ASSIGNED = re.compile(r"assigned by (?P<user>[^:]+)(?:: (?P<reason>.*))?", re.S)

# (what a note says, what a person reads): the first pattern matching a whole part wins.
SENTENCES: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), sentence)
    for pattern, sentence in (
        (
            r"no payee holds account (?P<account>\S+)",
            "Không có ai đăng ký nhận tiền vào tài khoản {account}.",
        ),
        (
            r"(?P<count>\d+) payees hold account (?P<account>\S+)",
            "Có {count} người nhận cùng đăng ký tài khoản {account}: cần chọn đúng người.",
        ),
        (
            r"account (?P<account>\S+) belongs to (?P<payee>\w+) (?P<id>\d+)",
            "Tài khoản {account} là của một {payee}.",
        ),
        (
            r"no reference to what is paid",
            "Nội dung chuyển khoản không có mã khoản thu nên chưa biết tiền nộp cho khoản nào.",
        ),
        (
            r"memo virtual account (?P<account>\S+)",
            "Tiền chuyển vào tài khoản định danh {account}.",
        ),
        (
            r"reference (?P<reference>\S+) found in the description",
            "Nội dung chuyển khoản có mã {reference}.",
        ),
        (
            r"reference (?P<reference>\S+) is unknown",
            "Mã {reference} trong nội dung chuyển khoản không có trong hệ thống.",
        ),
        (
            r"reference (?P<reference>\S+) belongs to another account",
            "Mã {reference} thuộc một tài khoản khác, không phải tài khoản nhận tiền.",
        ),
        (
            r"reference (?P<reference>\S+) expired at (?P<when>.+) \(Vietnam time\)",
            "Mã {reference} đã hết hạn lúc {when}.",
        ),
        (
            r"reference (?P<reference>\S+) is already paid",
            "Mã {reference} đã được thanh toán trước đó.",
        ),
        (r"invoice (?P<reference>\S+) is void", "Hóa đơn {reference} đã bị hủy."),
    )
)
UNKNOWN = "Hệ thống không tự khớp được giao dịch này."


def _sentence(part: str) -> str:
    for pattern, sentence in SENTENCES:
        found = pattern.fullmatch(part)
        if found:
            values = found.groupdict()
            if "payee" in values:
                values["payee"] = PAYEE_WORDS.get(values["payee"], values["payee"])
            return sentence.format(**values)
    return UNKNOWN


def explain(note: str | None) -> list[str]:
    """The Vietnamese sentences saying why a payment matched or did not, one per part of its
    note; a person's assignment is one part, its reason given word for word."""
    note = (note or "").strip()
    if not note:
        return []
    assigned = ASSIGNED.fullmatch(note)
    if assigned:
        said = f"Cán bộ {assigned['user']} đã gán giao dịch này bằng tay."
        return [said + (f" Lý do: {assigned['reason']}" if assigned["reason"] else "")]
    sentences = [_sentence(part.strip()) for part in note.split(";") if part.strip()]
    return list(dict.fromkeys(sentences))  # the same sentence once
