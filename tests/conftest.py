"""Shared fixtures.

Every database test runs on SQLite and on PostgreSQL: `db_engine` is parametrised over the
backends, each migrated once per session with Alembic (never create_all); each test runs in a
transaction that is rolled back (commits inside the code under test become savepoints).

PostgreSQL is taken from EDIHUB_TEST_POSTGRES_URL (default: the local server, user postgres);
a fresh database is created for the run and dropped after it. Set EDIHUB_TEST_BACKENDS=sqlite
to run only SQLite; when PostgreSQL is unreachable the PostgreSQL half fails under CI and is
skipped (with the reason) elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# The application is imported inside the fixtures that need it, so the pure tests of
# edi/ and adapters/ never import the web or database layers.

SAMPLES = Path(__file__).parent / "samples"
CORPUS = SAMPLES / "corpus"
BACKENDS = [b.strip() for b in os.environ.get("EDIHUB_TEST_BACKENDS", "sqlite,postgresql")
            .split(",") if b.strip()]
POSTGRES_ADMIN_URL = os.environ.get(
    "EDIHUB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _create_postgres_database() -> tuple[str, Engine]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"edihub_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name)
    return url.render_as_string(hide_password=False), admin


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """A new, empty, migrated database of `backend`; dropped afterwards (PostgreSQL)."""
    from app.store.migrate import upgrade

    admin = None
    if backend == "sqlite":
        url = f"sqlite:///{directory / f'edihub-{uuid.uuid4().hex[:8]}.db'}"
    elif backend == "postgresql":
        try:
            url, admin = _create_postgres_database()
        except Exception as exc:  # the server is down or unreachable
            message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is unreachable: {exc}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
    else:
        raise pytest.UsageError(f"unknown backend {backend!r} in EDIHUB_TEST_BACKENDS")
    upgrade(url)
    try:
        yield url
    finally:
        if admin is not None:
            name = make_url(url).database
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def db_engine(request, tmp_path_factory) -> Iterator[Engine]:
    from app.store.db import make_engine

    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def fresh_store_url(request, tmp_path) -> Iterator[str]:
    """For code that commits for real (CLI, servers): its own empty store per test."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sessions(db_engine: Engine) -> Iterator[sessionmaker[Session]]:
    connection = db_engine.connect()
    outer = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                           expire_on_commit=False)
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    s = sessions()
    yield s
    s.close()


@pytest.fixture
def settings(db_engine: Engine, tmp_path: Path):
    from app.settings import Settings

    return Settings(
        database_url=db_engine.url.render_as_string(hide_password=False),
        inbox_dir=tmp_path / "inbox",
        rate_limit_per_minute=0,  # tests/app/test_rate_limit.py turns it on where it is tested
    )


@pytest.fixture
def app(settings, sessions: sessionmaker[Session]):
    from app.main import create_app

    return create_app(settings, sessions=sessions)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files (expected outputs) from the current code")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def make_partner(session: Session):
    """Register a partner with an API key: make_partner(name, role, ids) -> (partner, key)."""
    from app.services.partners import register_partner

    def make(name: str, role: str, ids: list[str]):
        registered = register_partner(session, name=name, role=role, identifiers=ids)
        session.commit()
        return registered.partner, registered.api_key

    return make
