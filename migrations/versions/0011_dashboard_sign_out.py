"""Dashboard sign-out ends the session on the server: `api_keys.ui_signed_out_at`, before which
every dashboard session of the key is over.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 05:36:41.732492
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.store.types


revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ui_signed_out_at", app.store.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_column("ui_signed_out_at")
