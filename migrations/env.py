"""Alembic environment: the URL comes from the caller's Config (see app.store.migrate)."""

from __future__ import annotations

from alembic import context

from app.store.db import make_engine
from app.store.models import Base
from app.store.partition import is_partition_table

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        user_module_prefix="app.store.types.",
        # the monthly partitions of sales_facts are made at run time, not by the models
        include_name=lambda name, type_, parents: type_ != "table"
        or not is_partition_table(name),
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
