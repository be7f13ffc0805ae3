"""A provider's notification: verified, parsed, and each transfer recorded exactly once."""

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from market.errors import NotFound, Unauthorized, ValidationFailed
from payments.ingest import hotpath
from payments.ingest.models import Notification, Provider, ProviderConfig
from payments.ingest.providers import get_adapter
from payments.ingest.providers.base import PayloadError, SignatureError
from payments.ingest.record import record_transfer

log = logging.getLogger(__name__)


def receive_notification(
    session: Callable[[], Session],
    *,
    provider_name: str,
    headers,
    body: bytes,
    now: datetime,
    payer_key: bytes,
    cache_seconds: float = 0,
    direct: Callable[[], AbstractContextManager] | None = None,
) -> tuple[int, dict]:
    """Verify, parse and record one provider notification; (HTTP status, provider's answer).

    With `direct` (PostgreSQL: Database.direct), transfers without a reference code take the
    hot path; everything else is recorded through the session, which `session()` opens only
    when it is needed."""
    provider = provider_config(session, provider_name, cache_seconds)
    adapter = get_adapter(provider.format)
    try:
        adapter.verify(
            secret=provider.secret,
            api_key=provider.api_key,
            hmac_only=provider.hmac_only,
            headers=headers,
            body=body,
            now=now,
        )
    except SignatureError as exc:
        log.warning("refused notification for %s: %s", provider.name, exc.reason)
        raise Unauthorized(f"Notification refused: {exc.reason}.") from exc
    try:
        transfers = adapter.parse(body)
    except PayloadError as exc:
        log.warning("malformed notification for %s: %s", provider.name, exc.field)
        raise ValidationFailed.on(exc.field, exc.message) from exc
    raw = body.decode("utf-8", errors="replace")
    if direct is not None and hotpath.applies_to(transfers):
        with direct() as connection:
            results = hotpath.record(
                connection,
                provider=provider,
                transfers=transfers,
                payer_key=payer_key,
                raw_body=raw,
            )
        return adapter.answer(results)
    results = []
    for transfer in transfers:
        status, payment_id = record_transfer(
            session(),
            provider=provider,
            transfer=transfer,
            source="notification",
            payer_key=payer_key,
            raw_body=raw,
        )
        results.append({"status": status, "payment_id": payment_id})
    if not transfers:
        session().execute(
            insert(Notification), [{"provider_id": provider.id, "body": raw, "outcome": "ignored"}]
        )
    return adapter.answer(results)


def active_provider(session: Session, name: str) -> Provider:
    """The active provider called name, or 404."""
    provider = session.execute(
        select(Provider).where(Provider.name == name, Provider.active.is_(True))
    ).scalar_one_or_none()
    if provider is None:
        raise NotFound(f"no provider {name!r}")
    return provider


_configs: dict[str, tuple[float, ProviderConfig]] = {}


def provider_config(session: Callable[[], Session], name: str, max_age: float) -> ProviderConfig:
    """The active provider's configuration, read (with the session session() opens) at most
    every max_age seconds per process (a deactivated provider or a rotated secret takes
    effect within max_age)."""
    cached = _configs.get(name)
    if cached and max_age > 0 and time.monotonic() - cached[0] < max_age:
        return cached[1]
    p = active_provider(session(), name)
    config = ProviderConfig(
        p.id, p.name, p.format, p.secret, p.fee_fixed, p.fee_bps, p.api_key, p.hmac_only
    )
    _configs[name] = (time.monotonic(), config)
    return config
