"""NAPAS banks and wallets: resolve a BIN, short name or alias to the 6-digit BIN."""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from market.text import fold


@dataclass(frozen=True)
class Bank:
    bin: str
    code: str
    short_name: str
    name: str
    kind: str


class UnknownBank(ValueError):
    """No bank, or more than one, answers to the name given."""


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(name))


@cache
def _directory() -> tuple[dict[str, Bank], dict[str, str | None]]:
    raw = json.loads(resources.files("market.data").joinpath("napas_bins.json").read_text("utf-8"))
    by_bin: dict[str, Bank] = {}
    names: dict[str, set[str]] = {}
    preferred: dict[str, set[str]] = {}
    for item in raw["banks"]:
        bank = Bank(
            item["bin"],
            item.get("code") or "",
            item.get("short_name") or "",
            item.get("name_vi") or "",
            item.get("type") or "bank",
        )
        by_bin[bank.bin] = bank
        labels = [bank.code, bank.short_name, bank.name, *item.get("aliases", [])]
        for label in filter(None, labels):
            names.setdefault(_key(label), set()).add(bank.bin)
            if item.get("vietqr_io"):
                preferred.setdefault(_key(label), set()).add(bank.bin)
    # A label shared by several BINs resolves to the one VietQR lists, or to nothing.
    aliases: dict[str, str | None] = {}
    for label, bins in names.items():
        choice = bins if len(bins) == 1 else preferred.get(label, set())
        aliases[label] = next(iter(choice)) if len(choice) == 1 else None
    return by_bin, aliases


def bank_by_bin(bin_: str) -> Bank | None:
    """The bank with this BIN, or None."""
    return _directory()[0].get(bin_)


def resolve_bank(value: str | int | None) -> Bank:
    """The bank named by a BIN, a code, a short name or an alias ('VCB', 'Viettel Money')."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise UnknownBank("bank is required")
    by_bin, aliases = _directory()
    digits = text[:-2] if text.endswith(".0") else text
    if digits.isdigit():
        if digits in by_bin:
            return by_bin[digits]
        raise UnknownBank(f"{digits} is not a NAPAS BIN")
    key = _key(text)
    if key not in aliases:
        key = _key(re.sub(r"(?i)^\s*ng[aâ]n\s+h[aà]ng\s+", "", fold(text)))
    if key in aliases and aliases[key] is None:
        raise UnknownBank(f"{text!r} names more than one bank; give its 6-digit BIN")
    if aliases.get(key):
        return by_bin[aliases[key]]
    raise UnknownBank(f"unknown bank {text!r}; give its 6-digit BIN or short name")


def all_banks() -> list[Bank]:
    """Every bank and wallet in the NAPAS list, by BIN."""
    return sorted(_directory()[0].values(), key=lambda b: b.bin)
