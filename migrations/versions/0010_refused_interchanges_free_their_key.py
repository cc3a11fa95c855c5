"""Refused interchanges free their key: the unique interchange key becomes a partial unique
index over interchanges that were not rejected, so a refused upload (another partner's
sender, a broken envelope) cannot make the real interchange a duplicate later.

Downgrade fails if the store already holds a rejected and an accepted interchange with
the same key.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 05:13:29.339735
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interchanges", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_interchanges_standard_sender_receiver_control_number"), type_="unique"
        )
        batch_op.create_index(
            "uq_interchanges_key",
            ["standard", "sender", "receiver", "control_number"],
            unique=True,
            sqlite_where=sa.text("status != 'rejected'"),
            postgresql_where=sa.text("status != 'rejected'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("interchanges", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_interchanges_key",
            sqlite_where=sa.text("status != 'rejected'"),
            postgresql_where=sa.text("status != 'rejected'"),
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_interchanges_standard_sender_receiver_control_number"),
            ["standard", "sender", "receiver", "control_number"],
        )
