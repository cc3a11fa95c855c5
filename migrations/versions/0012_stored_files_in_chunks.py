"""Stored files in chunks: the raw bytes move from `stored_files.content` to
`stored_file_chunks`, so an upload is written and read back one chunk at a time.

The column is dropped and added with plain `ALTER TABLE` rather than a SQLite batch (which
copies the table and drops the old one): with foreign keys on, dropping `stored_files`
would cascade to every interchange and chunk. A downgrade on SQLite therefore leaves
`content` nullable (SQLite cannot add NOT NULL to an existing column without that copy).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 06:52:52.197294
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK_BYTES = 1024 * 1024

files = sa.table(
    "stored_files", sa.column("id", sa.BigInteger()), sa.column("content", sa.LargeBinary())
)
chunks = sa.table(
    "stored_file_chunks",
    sa.column("file_id", sa.BigInteger()),
    sa.column("start", sa.BigInteger()),
    sa.column("data", sa.LargeBinary()),
)


def upgrade() -> None:
    op.create_table(
        "stored_file_chunks",
        sa.Column("file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("start", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_stored_file_chunks_file_id_stored_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("file_id", "start", name=op.f("pk_stored_file_chunks")),
    )
    _content_to_chunks(op.get_bind())
    op.execute("ALTER TABLE stored_files DROP COLUMN content")


def downgrade() -> None:
    op.add_column("stored_files", sa.Column("content", sa.LargeBinary(), nullable=True))
    _chunks_to_content(op.get_bind())
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("stored_files", "content", nullable=False)
    op.drop_table("stored_file_chunks")


def _content_to_chunks(bind) -> None:
    """Each file's bytes as chunks, one file in memory at a time."""
    for file_id in bind.scalars(sa.select(files.c.id).order_by(files.c.id)).all():
        content = bind.scalar(sa.select(files.c.content).where(files.c.id == file_id))
        for start in range(0, len(content), CHUNK_BYTES):
            bind.execute(
                chunks.insert().values(
                    file_id=file_id, start=start, data=content[start : start + CHUNK_BYTES]
                )
            )


def _chunks_to_content(bind) -> None:
    for file_id in bind.scalars(sa.select(files.c.id).order_by(files.c.id)).all():
        pieces = bind.scalars(
            sa.select(chunks.c.data).where(chunks.c.file_id == file_id).order_by(chunks.c.start)
        )
        bind.execute(files.update().where(files.c.id == file_id).values(content=b"".join(pieces)))
