"""How long each text from a provider may be, read off the column that keeps it.

What exactly-once depends on (a transaction id, the bank's reference, the credited account)
is refused when longer than its column: cut, two transfers could become one. What only
describes (the description, the payer's name) is cut to its column. Either way the rule
decides, never the database."""

from payments.ledger.models import Payment
from payments.reconciliation.models import ReconciliationLine


def length_of(column) -> int:
    """The number of characters a String column holds."""
    return column.property.columns[0].type.length


# A statement line keeps the transaction id too: the narrower of the two columns rules.
TRANSACTION_ID = min(
    length_of(Payment.provider_txn_id), length_of(ReconciliationLine.provider_txn_id)
)
BANK_REFERENCE = length_of(Payment.bank_reference)
ACCOUNT = length_of(Payment.credit_account)
DESCRIPTION = length_of(Payment.description)
PAYER_NAME = length_of(Payment.payer_name)


def cut(text: str | None, limit: int) -> str | None:
    """text cut to limit characters, without the space the cut may leave at its end."""
    if text is None or len(text) <= limit:
        return text
    return text[:limit].rstrip()
