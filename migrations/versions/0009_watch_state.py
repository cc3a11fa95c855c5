"""watch state and outbound interchanges

What the watch jobs remember per subject (an order line's last swept promise status, a
signal's last urgency, a sales feed's freshness), so they alert when a state changes rather
than on every run; and every interchange the hub sends (VMI 850/830/ORDERS/DELFOR), with its
control numbers, when its acknowledgement is due and what the 997/999/CONTRL said.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.store.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "watch_states",
        sa.Column("id", ID, nullable=False),
        sa.Column("watch", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("changed_at", app.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_states")),
        sa.UniqueConstraint("watch", "subject", name=op.f("uq_watch_states_watch_subject")),
    )
    op.create_table(
        "outbound_interchanges",
        sa.Column("id", ID, nullable=False),
        sa.Column("partner_id", ID, nullable=False),
        sa.Column("standard", sa.String(length=10), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("document_number", sa.String(length=80), nullable=True),
        sa.Column("sender", sa.String(length=255), nullable=False),
        sa.Column("receiver", sa.String(length=255), nullable=False),
        sa.Column("interchange_control", sa.String(length=35), nullable=False),
        sa.Column("group_control", sa.String(length=35), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sent_at", app.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", app.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("ack_status", sa.String(length=24), nullable=True),
        sa.Column("acknowledged_at", app.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ack_message_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["ack_message_id"],
            ["messages.id"],
            name=op.f("fk_outbound_interchanges_ack_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_outbound_interchanges_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_interchanges")),
    )
    with op.batch_alter_table("outbound_interchanges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbound_interchanges_ack_message_id"), ["ack_message_id"], unique=False
        )
        batch_op.create_index(
            "ix_outbound_interchanges_match",
            ["partner_id", "standard", "interchange_control"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_outbound_interchanges_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            "ix_outbound_interchanges_status_due", ["status", "due_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound_interchanges", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_interchanges_status_due")
        batch_op.drop_index(batch_op.f("ix_outbound_interchanges_partner_id"))
        batch_op.drop_index("ix_outbound_interchanges_match")
        batch_op.drop_index(batch_op.f("ix_outbound_interchanges_ack_message_id"))
    op.drop_table("outbound_interchanges")
    op.drop_table("watch_states")
