"""The schema comes only from the Alembic chain, and it matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.store.migrate import alembic_config
from app.store.models import Base


def test_autogenerate_finds_no_difference(db_engine) -> None:
    with db_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
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
