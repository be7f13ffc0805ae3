"""Vietnamese text rules: NFC, white space, accent folding, ASCII for QR payloads."""

import re
import unicodedata
from itertools import chain

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x20-\x7e]")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold_table() -> dict[int, str]:
    # Every precomposed Latin letter (Vietnamese uses Latin-1, Latin Extended and the
    # U+1EA0.. block) mapped to its base letter once, so folding is one str.translate.
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        base = _strip_marks(chr(code))
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


_FOLD = _fold_table()


def clean(value: str | None) -> str:
    """NFC-normalised text with white space collapsed and trimmed ('' for None)."""
    if value is None:
        return ""
    text = str(value)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not text.isprintable():  # tabs, newlines, no-break spaces, control characters
        text = _SPACES.sub(" ", _CONTROL.sub("", text))
    elif "  " in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def fold(value: str | None) -> str:
    """Lower-case text without diacritics (đ → d) for accent-insensitive search."""
    text = clean(value).translate(_FOLD)
    if not text.isascii():
        text = _strip_marks(text).translate(_FOLD)
    return text.casefold()


def qr_ascii(value: str | None, limit: int | None = None) -> str:
    """Upper-case ASCII without diacritics, as banks show a name in a QR payload."""
    text = fold(value).upper()
    if not text.isascii() or not text.isprintable():
        text = _SPACES.sub(" ", _NON_ASCII.sub(" ", text)).strip()
    return text[:limit].rstrip() if limit else text


def has_control_characters(value: str) -> bool:
    """True when value holds characters that have no place in a name or label."""
    return bool(_CONTROL.search(value))


def like_pattern(term: str) -> str:
    """A LIKE pattern matching term anywhere, with LIKE's wildcards escaped (escape '\\')."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
