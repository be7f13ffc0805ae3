"""Provider adapters: each verifies, parses and answers one provider's notifications."""

from payments.ingest.providers.base import (
    Adapter,
    PayloadError,
    SignatureError,
    StatementLine,
    Transfer,
)
from payments.ingest.providers.casso import CassoAdapter
from payments.ingest.providers.generic import GenericAdapter
from payments.ingest.providers.sepay import SePayAdapter

ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter for adapter in (GenericAdapter(), SePayAdapter(), CassoAdapter())
}


def get_adapter(name: str) -> Adapter:
    """The adapter for a provider format; ValueError for a format we do not know."""
    try:
        return ADAPTERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown provider format {name!r}; expected one of {', '.join(ADAPTERS)}"
        ) from None


__all__ = [
    "ADAPTERS",
    "Adapter",
    "PayloadError",
    "SignatureError",
    "StatementLine",
    "Transfer",
    "get_adapter",
]
