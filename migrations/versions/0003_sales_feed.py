"""sales facts remember their writing transaction, for the change feed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sales_facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tx_id", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_sales_facts_feed", ["tx_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sales_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_sales_facts_feed")
        batch_op.drop_column("tx_id")
