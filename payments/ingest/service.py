"""A provider's notification: verified, parsed, and each transfer recorded exactly once."""

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from market.errors import NotFound, Unauthorized, ValidationFailed
from payments.domains import Hub, hub_of
from payments.ingest.matching import needs_lookup
from payments.ingest.models import Notification, Provider, ProviderConfig
from payments.ingest.providers import get_adapter
from payments.ingest.providers.base import PayloadError, SignatureError, Transfer
from payments.ingest.record import record_plain, record_transfer

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
    hub: Hub | None = None,
) -> tuple[int, dict]:
    """Verify, parse and record one provider notification; (HTTP status, provider's answer).

    With `direct` (PostgreSQL: Database.direct), transfers that need nothing looked up are
    written on a pooled driver connection without a session; the rest through the session,
    which `session()` opens only when it is needed. hub: the application's, else the
    session's."""
    hub = hub or hub_of(session())
    provider = provider_config(session, hub, provider_name, cache_seconds)
    adapter = get_adapter(provider.format)
    transfers = _verified(adapter, provider, headers, body, now)
    raw = body.decode("utf-8", errors="replace")
    given = {"provider": provider, "payer_key": payer_key, "raw_body": raw}
    if direct is not None and transfers and not any(needs_lookup(hub, t) for t in transfers):
        with direct() as connection:
            together = connection.transaction() if len(transfers) > 1 else nullcontext()
            with together:
                results = [record_plain(connection, hub, transfer=t, **given) for t in transfers]
        return adapter.answer([_result(*r) for r in results])
    results = [
        record_transfer(session(), transfer=t, source="notification", **given) for t in transfers
    ]
    if not transfers:
        session().execute(
            insert(Notification), [{"provider_id": provider.id, "body": raw, "outcome": "ignored"}]
        )
    return adapter.answer([_result(*r) for r in results])


def _result(status: str, payment_id: int) -> dict:
    return {"status": status, "payment_id": payment_id}


def _verified(adapter, provider: ProviderConfig, headers, body, now) -> list[Transfer]:
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
        return adapter.parse(body)
    except PayloadError as exc:
        log.warning("malformed notification for %s: %s", provider.name, exc.field)
        raise ValidationFailed.on(exc.field, exc.message) from exc


def active_provider(session: Session, name: str) -> Provider:
    """The active provider called name, or 404."""
    provider = session.execute(
        select(Provider).where(Provider.name == name, Provider.active.is_(True))
    ).scalar_one_or_none()
    if provider is None:
        raise NotFound(f"no provider {name!r}")
    return provider


def provider_config(
    session: Callable[[], Session], hub: Hub, name: str, max_age: float
) -> ProviderConfig:
    """The active provider's configuration, read (with the session session() opens) at most
    every max_age seconds per process (a deactivated provider or a rotated secret takes
    effect within max_age)."""
    cached = hub.provider_configs.get(name)
    if cached and max_age > 0 and time.monotonic() - cached[0] < max_age:
        return cached[1]
    p = active_provider(session(), name)
    config = ProviderConfig(
        p.id, p.name, p.format, p.secret, p.fee_fixed, p.fee_bps, p.api_key, p.hmac_only
    )
    hub.provider_configs[name] = (time.monotonic(), config)
    return config
