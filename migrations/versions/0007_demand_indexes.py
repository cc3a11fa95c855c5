"""an index for the demand of one location over a window

Replenishment signals (and forecasts) for one location select the facts that overlap a
trailing window: `location_id = ? AND period_end >= window start AND period_start <= window
end`. The foreign-key index on `location_id` alone reads the location's whole history and
filters it; `(location_id, period_end)` stops at the window start. With 300 days of history
at one location of the bench store (bench/api.py) the query went from 2,520 buffers / 36 ms
to 95 buffers / 6.6 ms; `(location_id, period_start)` was not used at all (the window bounds
`period_start` only from above).

Revision ID: 0007
Revises: 0006

(Written as 0005 after 0004; by the time it landed 0005_jobs had taken revision "0005" and
0006_customers followed it, so this one follows 0006 under an id of its own.)
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sales_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sales_facts_location_period_end", ["location_id", "period_end"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sales_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_sales_facts_location_period_end")
