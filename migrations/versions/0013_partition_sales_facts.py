"""Sales facts partitioned by month on PostgreSQL.

`sales_facts` becomes `PARTITION BY RANGE (period_start)`: a partition per calendar month
(`sales_facts_2024_01`) for every month that has facts and for the runway (last month to three
months ahead, as `app.store.partition.runway`), and a DEFAULT partition for any other month.
The primary key becomes (id, period_start), since a unique key must include the partition key;
the rows keep their ids and tx_ids, and the id sequence is kept (ids keep increasing). The
indexes are created on the partitioned table, so every partition has them. Nothing refers to
`sales_facts.id` (no foreign key, no ON CONFLICT target).

The table is converted by copying: the old one is renamed, the new one created, the rows
inserted (routed to their partitions), the sequence handed over, the old table dropped, in the
migration's one transaction (ACCESS EXCLUSIVE on the facts for as long as the copy takes).
The downgrade copies back into one plain table; partitions detached meanwhile
(`detached_sales_facts_*`) are left as they are. SQLite: nothing changes (no partitioning;
the id stays the AUTOINCREMENT key, unique by itself).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 10:40:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEYS = [  # (column, referred table, ON DELETE)
    ("location_id", "locations", None),
    ("message_id", "messages", "CASCADE"),
    ("product_id", "products", None),
    ("reporter_id", "partners", None),
]
INDEXES = {
    "ix_sales_facts_location_id": ["location_id"],
    "ix_sales_facts_message_id": ["message_id"],
    "ix_sales_facts_product_id": ["product_id"],
    "ix_sales_facts_reporter_id": ["reporter_id"],
    "ix_sales_facts_reporter_period": ["reporter_id", "period_start"],
    "ix_sales_facts_series": ["product_id", "location_id", "period_start"],
    "ix_sales_facts_feed": ["tx_id", "id"],
    "ix_sales_facts_location_period_end": ["location_id", "period_end"],
}
COLUMNS = (
    "id, reporter_id, location_id, product_id, period_start, period_end, measure, quantity, "
    "uom, amount, currency, created_at, message_id, segment_number, raw_qualifier, test, tx_id"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside("sales_facts_unpartitioned")
    op.execute(
        "CREATE TABLE sales_facts (LIKE sales_facts_unpartitioned INCLUDING DEFAULTS) "
        "PARTITION BY RANGE (period_start)"
    )
    _keys_and_indexes(["id", "period_start"])
    op.execute("CREATE TABLE sales_facts_default PARTITION OF sales_facts DEFAULT")
    bind = op.get_bind()
    present = bind.scalars(
        sa.text(
            "SELECT DISTINCT date_trunc('month', period_start)::date FROM sales_facts_unpartitioned"
        )
    )
    for month in sorted({*present, *_runway(datetime.now(UTC).date())}):
        following = _add_months(month, 1)
        op.execute(
            f"CREATE TABLE sales_facts_{month:%Y_%m} PARTITION OF sales_facts "
            f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}')"
        )
    _move_rows_from("sales_facts_unpartitioned")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside("sales_facts_partitioned")
    op.execute("CREATE TABLE sales_facts (LIKE sales_facts_partitioned INCLUDING DEFAULTS)")
    _keys_and_indexes(["id"])
    _move_rows_from("sales_facts_partitioned")  # its partitions go with it


def _set_aside(name: str) -> None:
    """Rename the current table and free the names of its primary key and indexes."""
    op.execute(f"ALTER TABLE sales_facts RENAME TO {name}")
    op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT pk_sales_facts TO pk_{name}")
    for index in INDEXES:
        op.execute(f"DROP INDEX {index}")


def _keys_and_indexes(primary_key: list[str]) -> None:
    op.create_primary_key("pk_sales_facts", "sales_facts", primary_key)
    for column, referred, ondelete in FOREIGN_KEYS:
        op.create_foreign_key(
            f"fk_sales_facts_{column}_{referred}",
            "sales_facts",
            referred,
            [column],
            ["id"],
            ondelete=ondelete,
        )
    for index, columns in INDEXES.items():
        op.create_index(index, "sales_facts", columns, unique=False)


def _move_rows_from(old: str) -> None:
    """Every row into the new table as it was, then the id sequence to the new table."""
    op.execute(f"INSERT INTO sales_facts ({COLUMNS}) SELECT {COLUMNS} FROM {old}")
    op.execute("ALTER SEQUENCE sales_facts_id_seq OWNED BY sales_facts.id")
    op.execute(f"DROP TABLE {old}")


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _runway(today: date) -> list[date]:
    this = today.replace(day=1)
    return [_add_months(this, n) for n in range(-1, 4)]
