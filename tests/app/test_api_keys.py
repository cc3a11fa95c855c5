"""API keys: stored hashed, refused at once when revoked (through the store or the CLI, no
cache outliving the revocation), last use written at most once a minute, never logged."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import app as cli
from app.main import create_app
from app.security import split_key
from app.settings import Settings
from app.store import partner as partner_store
from app.store.db import make_engine, make_session_factory, session_scope
from app.store.models import ApiKey
from app.store.types import utcnow

SAMPLE = Path(__file__).parents[1] / "samples" / "golden" / "x12" / "850-northwind-original.edi"
runner = CliRunner()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_keys_are_stored_as_their_sha256_only(session, make_partner):
    _, key = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    row = session.scalars(select(ApiKey)).one()
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert row.prefix == split_key(key) and row.prefix in key
    secret = key.split("_", 2)[2]
    stored = [str(getattr(row, c.key)) for c in ApiKey.__table__.columns]
    assert not any(secret in value or key in value for value in stored)


def test_a_key_revoked_in_the_store_is_refused_on_the_next_request(client, session,
                                                                   make_partner):
    _, key = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    assert client.get("/v1/orders", headers=bearer(key)).status_code == 200  # used just now
    partner_store.revoke_api_key(session, split_key(key), utcnow())
    session.commit()
    refused = client.get("/v1/orders", headers=bearer(key))
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid-api-key"
    assert refused.headers["www-authenticate"] == "Bearer"


def test_revoking_one_key_leaves_the_others_working(client, session, make_partner):
    _, a = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    _, b = make_partner("Bolt Retail", "distributor", ["ZZ:BOLTRETAIL"])
    partner_store.revoke_api_key(session, split_key(a), utcnow())
    session.commit()
    assert client.get("/v1/orders", headers=bearer(a)).status_code == 401
    assert client.get("/v1/orders", headers=bearer(b)).status_code == 200


def test_a_key_revoked_with_the_cli_stops_a_running_server_at_once(fresh_store_url):
    added = runner.invoke(cli, ["partner", "add", "--name", "Northwind", "--role",
                                "distributor", "--id", "ZZ:NORTHWIND",
                                "--database-url", fresh_store_url])
    assert added.exit_code == 0, added.output
    key = added.output.strip().splitlines()[-1]
    with TestClient(create_app(Settings(database_url=fresh_store_url))) as client:
        for _ in range(3):  # warm: the key has been checked and used a moment ago
            assert client.get("/v1/orders", headers=bearer(key)).status_code == 200
        revoked = runner.invoke(cli, ["key", "revoke", split_key(key),
                                      "--database-url", fresh_store_url])
        assert revoked.exit_code == 0, revoked.output
        assert "northwind" in revoked.output and key not in revoked.output
        assert client.get("/v1/orders", headers=bearer(key)).status_code == 401
        upload = client.post("/v1/interchanges", content=SAMPLE.read_bytes(),
                             headers=bearer(key))
        assert upload.status_code == 401


def test_the_cli_takes_the_whole_key_and_refuses_an_unknown_one(fresh_store_url):
    engine = make_engine(fresh_store_url)
    from app.services.partners import register_partner

    with session_scope(make_session_factory(engine)) as session:
        key = register_partner(session, name="Acme", role="manufacturer",
                               identifiers=[]).api_key
    result = runner.invoke(cli, ["key", "revoke", key, "--database-url", fresh_store_url])
    assert result.exit_code == 0, result.output
    assert key not in result.output and split_key(key) in result.output
    with session_scope(make_session_factory(engine)) as session:
        assert partner_store.get_api_key(session, split_key(key)).revoked_at is not None
    engine.dispose()
    unknown = runner.invoke(cli, ["key", "revoke", "000000000000",
                                  "--database-url", fresh_store_url])
    assert unknown.exit_code == 2
    assert "no API key" in unknown.output


def test_uploads_run_their_own_transactions_after_the_key_check(fresh_store_url):
    """On a real SQLite file a request transaction held through an upload would lock out
    the upload's own writes: the key check must end it (with and without a last-use write)."""
    engine = make_engine(fresh_store_url)
    from app.services.partners import register_partner

    with session_scope(make_session_factory(engine)) as session:
        key = register_partner(session, name="Northwind", role="distributor",
                               identifiers=["ZZ:NORTHWIND"]).api_key
    engine.dispose()
    body = SAMPLE.read_bytes()
    with TestClient(create_app(Settings(database_url=fresh_store_url))) as client:
        first = client.post("/v1/interchanges", content=body, headers=bearer(key))
        assert first.status_code == 201, first.text  # the key's first use: written
        second = body.replace(b"000000101", b"000000102")
        again = client.post("/v1/interchanges", content=second, headers=bearer(key))
        assert again.status_code == 201, again.text  # used a moment ago: not written


def test_last_use_is_written_at_most_once_a_minute(client, session, make_partner):
    _, key = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    start = datetime(2026, 11, 24, 12, tzinfo=UTC)

    def last_used() -> datetime | None:
        session.expire_all()
        return partner_store.get_api_key(session, split_key(key)).last_used_at

    assert last_used() is None
    for seconds, expected in ((0, 0), (30, 0), (59, 0), (61, 61), (100, 61), (200, 200)):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            assert client.get("/v1/orders", headers=bearer(key)).status_code == 200
        assert last_used() == start + timedelta(seconds=expected), seconds


def test_keys_never_reach_the_logs_even_when_refused(settings, sessions, make_partner,
                                                     session, caplog):
    _, key = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    _, gone = make_partner("Bolt Retail", "distributor", ["ZZ:BOLTRETAIL"])
    partner_store.revoke_api_key(session, split_key(gone), utcnow())
    session.commit()
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 1,
                                                 "rate_limit_burst": 1}), sessions=sessions)
    with caplog.at_level(logging.DEBUG), TestClient(app) as client:
        assert client.get("/v1/orders", headers=bearer(key)).status_code == 200
        assert client.get("/v1/orders", headers=bearer(key)).status_code == 429
        assert client.get("/v1/orders", headers=bearer(gone)).status_code == 401
        client.post("/v1/interchanges", content=b"ISA*garbage", headers=bearer(key))
    assert any(r.name == "edihub.access" and "429" in r.getMessage() for r in caplog.records)
    for secret in (key, gone, key.split("_", 2)[2], gone.split("_", 2)[2]):
        assert not any(secret in record.getMessage() for record in caplog.records)
