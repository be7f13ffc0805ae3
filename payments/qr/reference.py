"""Reference codes for invoices and payment requests: short, typo-proof, findable in bank text."""

import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Protocol

# No 0/O and no 1/I/L: people copy these codes off paper and screens into banking apps.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX_LENGTH = 2
BODY_LENGTH = 7
CODE_LENGTH = PREFIX_LENGTH + BODY_LENGTH + 1
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_PREFIX_LETTERS = frozenset(char for char in ALPHABET if char.isalpha())
# 31 symbols, a prime modulus: with weights 1..10 (distinct, non-zero and below 31) a wrong
# character or two swapped different characters always change the weighted sum.
_MODULUS = len(ALPHABET)


class Chooser(Protocol):
    """A source of random picks: the `secrets` module, or a seeded `random.Random` in tests."""

    def choice(self, seq: Sequence[str], /) -> str:
        """Pick one element of `seq`."""
        ...


def _weighted_sum(chars: str) -> int:
    return sum(weight * _VALUES[char] for weight, char in enumerate(chars, start=1))


def _check_character(payload: str) -> str:
    # Solve weighted_sum(payload + check) = 0 (mod 31); the check character has the last weight.
    weight = len(payload) + 1
    value = -_weighted_sum(payload) * pow(weight, -1, _MODULUS) % _MODULUS
    return ALPHABET[value]


def _valid_prefix(prefix: object) -> bool:
    return (
        isinstance(prefix, str) and len(prefix) == PREFIX_LENGTH and set(prefix) <= _PREFIX_LETTERS
    )


def _checked_prefix(prefix: object) -> str:
    if not _valid_prefix(prefix):
        raise ValueError(
            f"reference prefix {prefix!r} must be {PREFIX_LENGTH} upper-case letters other than "
            "I, L and O"
        )
    return str(prefix)


def new_reference(prefix: str, rng: Chooser = secrets) -> str:
    """A random code like HP7KQ2M9XC; random, not unique: storage keeps a unique key and retries."""
    prefix = _checked_prefix(prefix)
    body = "".join(rng.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return prefix + body + _check_character(prefix + body)


def is_valid_reference(code: str) -> bool:
    """Whether `code` is exactly a well-formed reference code whose check character matches."""
    return (
        isinstance(code, str)
        and len(code) == CODE_LENGTH
        and _valid_prefix(code[:PREFIX_LENGTH])
        and all(char in _VALUES for char in code)
        and _weighted_sum(code) % _MODULUS == 0
    )


_NOT_LETTER_OR_DIGIT = re.compile("[^A-Z0-9]+")


def _letters_and_digits(text: str) -> str:
    # Banks upper-case, strip accents and add or drop spaces, dots and dashes anywhere, even
    # inside a code, so codes are searched for in the bare run of letters and digits (ASCII:
    # what an accent leaves once decomposed; a plain ASCII text, most of them, has none).
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return _NOT_LETTER_OR_DIGIT.sub("", text.upper())


def find_references(description: str, prefixes: Iterable[str] | None = None) -> list[str]:
    """Valid codes in a noisy transfer description, unique, in order; `prefixes` cuts noise."""
    wanted = None if prefixes is None else {_checked_prefix(prefix) for prefix in prefixes}
    text = _letters_and_digits(description)
    found: list[str] = []
    for start in range(len(text) - CODE_LENGTH + 1):
        window = text[start : start + CODE_LENGTH]
        if wanted is not None and window[:PREFIX_LENGTH] not in wanted:
            continue
        if is_valid_reference(window) and window not in found:
            found.append(window)
    return found
