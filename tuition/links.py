"""Signed, expiring links a parent's lookup hands out: the receipt of a payment and the live
status of an invoice, opened without an account. A token names one record, is signed with the
application's secret for one purpose, and expires; no one can make or alter one."""

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

RECEIPT = "pay-receipt"
STATUS = "pay-status"
LIFETIMES = {RECEIPT: 24 * 3600, STATUS: 2 * 3600}  # seconds a token stays good


class LinkRefused(Exception):
    """A token that is forged, altered, for another purpose, or expired (expired says so)."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class Links:
    """Makes and reads the tokens of one application (its secret key)."""

    secret: str

    def _signer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=purpose)

    def make(self, purpose: str, record_id: int) -> str:
        """A token for the record of purpose (RECEIPT: a receipt id, STATUS: an invoice id)."""
        return self._signer(purpose).dumps(record_id)

    def read(self, purpose: str, token: str | None) -> int:
        """The record id a token of purpose names; LinkRefused when it is not good."""
        signer = self._signer(purpose)
        try:
            value = signer.loads(token or "", max_age=LIFETIMES[purpose])
        except SignatureExpired as late:
            raise LinkRefused(expired=True) from late
        except BadSignature as forged:
            raise LinkRefused(expired=False) from forged
        if not isinstance(value, int) or isinstance(value, bool):
            raise LinkRefused(expired=False)
        return value
