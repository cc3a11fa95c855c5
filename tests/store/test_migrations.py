"""The schema comes only from the Alembic chain, and it matches the models exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import column, func, insert, inspect, select, table, text
from sqlalchemy.orm import Session

from app.store import interchange as ic_store
from app.store import partition
from app.store.db import make_engine
from app.store.interchange import CHUNK_BYTES
from app.store.migrate import alembic_config
from app.store.models import Base, SalesFact, StoredFile, StoredFileChunk


def _not_a_partition(name, type_, parent_names) -> bool:
    """The monthly partitions of sales facts are made at run time, not listed in the models."""
    return type_ != "table" or not partition.is_partition_table(name)


def test_autogenerate_finds_no_difference(db_engine) -> None:
    with db_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _not_a_partition})
        assert compare_metadata(context, Base.metadata) == []


def test_database_is_at_the_single_head(db_engine) -> None:
    script = ScriptDirectory.from_config(alembic_config(str(db_engine.url)))
    heads = script.get_heads()
    assert len(heads) == 1, f"the migration chain must have one head, found {heads}"
    with db_engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == heads[0]


def test_every_model_table_exists(db_engine) -> None:
    tables = set(inspect(db_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_0012_moves_stored_bytes_into_chunks_and_back(fresh_store_url) -> None:
    """Files stored before 0012 read back the same from chunks, and again after a downgrade."""
    cfg = alembic_config(fresh_store_url)
    command.downgrade(cfg, "0011")
    contents = [b"ISA*00*", b"\x00" * CHUNK_BYTES, bytes(range(256)) * 9_000]  # 1 to 3 chunks
    files = table("stored_files", column("id"), column("sha256"), column("size"),
                  column("content"), column("received_at"), column("source"),
                  column("status"))
    engine = make_engine(fresh_store_url)
    try:
        with engine.begin() as conn:
            for content in contents:
                conn.execute(files.insert().values(
                    sha256="0" * 64, size=len(content), content=content, source="cli",
                    status="processed", received_at=datetime(2026, 11, 23, tzinfo=UTC)))
        command.upgrade(cfg, "0012")
        with Session(engine) as session:
            stored = session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
            assert [ic_store.open_content(session, f).read() for f in stored] == contents
            assert session.scalar(select(func.count()).select_from(StoredFileChunk)) == 1 + 1 + 3
        command.downgrade(cfg, "0011")
        with engine.connect() as conn:
            assert list(conn.scalars(select(files.c.content).order_by(files.c.id))) == contents
            assert "stored_file_chunks" not in inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_0013_partitions_sales_facts_by_month_and_back(fresh_store_url) -> None:
    """Facts stored before 0013 keep their ids and columns in their months' partitions, the
    id sequence goes on after them; a downgrade puts them back in one plain table."""
    from tests.store.test_sales_partitions import fact, world

    cfg = alembic_config(fresh_store_url)
    command.downgrade(cfg, "0012")
    engine = make_engine(fresh_store_url)
    postgresql = engine.dialect.name == "postgresql"
    columns = "id, period_start, quantity, tx_id, message_id"
    try:
        with Session(engine) as session, session.begin():
            w = world(session)
            rows = [dict(fact(w, date(2024, 1, day), day), reporter_id=w["reporter"],
                         test=False, tx_id=700 + day, created_at=datetime(2024, 3, 1, tzinfo=UTC))
                    for day in (5, 31)]
            rows.append(dict(rows[0], period_start=date(2024, 2, 1), period_end=date(2024, 2, 1),
                             quantity=Decimal(2)))
            session.execute(insert(SalesFact.__table__), rows)
        with engine.connect() as conn:
            before = conn.execute(text(f"SELECT {columns} FROM sales_facts ORDER BY id")).all()
        assert len(before) == 3

        command.upgrade(cfg, "0013")
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT {columns} FROM sales_facts ORDER BY id")
                                ).all() == before
            if postgresql:
                assert conn.execute(text(
                    "SELECT tableoid::regclass::text FROM sales_facts ORDER BY id")).scalars(
                ).all() == ["sales_facts_2024_01", "sales_facts_2024_01", "sales_facts_2024_02"]
                assert conn.scalar(text("SELECT count(*) FROM sales_facts_default")) == 0
                assert conn.scalar(text(
                    "SELECT nextval(pg_get_serial_sequence('sales_facts', 'id'))")
                ) > before[-1].id

        command.downgrade(cfg, "0012")
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT {columns} FROM sales_facts ORDER BY id")
                                ).all() == before
            assert "sales_facts_2024_01" not in inspect(conn).get_table_names()
            assert inspect(conn).get_pk_constraint("sales_facts")["constrained_columns"] == ["id"]
            if postgresql:
                assert conn.scalar(text(
                    "SELECT relkind FROM pg_class WHERE relname = 'sales_facts'")) == "r"
                assert conn.scalar(text(  # after the one the upgrade's check took
                    "SELECT nextval(pg_get_serial_sequence('sales_facts', 'id'))")
                ) > before[-1].id + 1
    finally:
        engine.dispose()
