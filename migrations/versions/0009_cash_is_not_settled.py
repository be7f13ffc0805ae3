"""cash is not settled: take cash payments and their reversals out of the settlement queue

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 15:00:00

Reversing a cash payment used to queue a negative amount for a provider settlement that never
carried the cash. Only transfers are settled; a reversal of cash still waiting in the queue
is taken out of it (settlements already closed never change).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM unsettled_payments"
        " WHERE payment_id IN (SELECT id FROM payments WHERE method = 'cash')"
    )


def downgrade() -> None:
    # Nothing to put back: the queued cash was never to be settled.
    pass
