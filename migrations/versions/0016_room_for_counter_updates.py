"""room on each page of the rollup tables for their counters' updates

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 18:30:00

Every payment updates a row of each rollup table in place. PostgreSQL writes the new version
of a row on the same page, without touching any index (a HOT update), only when the page has
room for it; full pages sent each update to a new page with a new entry in the primary key,
so the tables and their keys grew with every payment and each write searched an ever longer
list of dead entries (on the ingest benchmark the payer counts' upsert became the dearest
part of a write). A fill factor leaves that room: the payer counts and bank counts, a few
hundred rows each updated many times a second, keep most of each page free; the daily and
monthly totals half. It applies to pages written from now on (`flask stats rebuild` or a
`VACUUM FULL` of these tables applies it to the rows already there). SQLite has no such
setting: nothing to do there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL = {"payer_counts": 10, "bank_months": 25, "rollup_days": 50, "rollup_months": 50}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, percent in FILL.items():
        op.execute(f"ALTER TABLE {table} SET (fillfactor = {percent})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in FILL:
        op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
