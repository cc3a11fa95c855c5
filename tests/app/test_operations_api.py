"""Operations: readiness, metrics, request ids, and the record of job runs."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app import metrics
from app.main import create_app
from app.settings import Settings

SAMPLE = Path(__file__).parents[1] / "samples" / "golden" / "x12" / "850-northwind-original.edi"


def test_readyz_when_migrated(client):
    assert client.get("/readyz").json() == {"status": "ok"}


def test_readyz_is_503_when_the_schema_is_not_migrated(tmp_path):
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/empty.db"))) as c:
        response = c.get("/readyz")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "run edihub migrate" in response.json()["status"]


def test_every_response_carries_a_request_id(client):
    fresh = client.get("/healthz")
    assert len(fresh.headers["x-request-id"]) == 32
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    odd = client.get("/healthz", headers={"X-Request-ID": "no spaces\\allowed"})
    assert odd.headers["x-request-id"] != "no spaces\\allowed"


def test_metrics_count_uploads_messages_and_requests(client, make_partner):
    _, key = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    labels = {"standard": "x12", "status": "accepted", "type": "850"}
    before = metrics.REGISTRY.get_sample_value("edihub_messages_total", labels) or 0
    client.post("/v1/interchanges", content=SAMPLE.read_bytes(),
                headers={"Authorization": f"Bearer {key}"})
    text = client.get("/metrics").text
    assert 'edihub_uploads_total{source="upload",standard="x12",status="processed"}' in text
    assert 'edihub_messages_total{standard="x12",status="accepted",type="850"}' in text
    sent = SAMPLE.read_bytes().count(b"ST*850*")
    assert metrics.REGISTRY.get_sample_value("edihub_messages_total", labels) == before + sent
    assert 'edihub_rows_written_total{kind="order"}' in text
    assert "edihub_ingest_seconds_bucket" in text
    assert 'edihub_http_request_seconds_count{method="POST",route="/v1/interchanges"' in text


def test_keys_never_reach_the_logs(client, make_partner, caplog):
    _, key = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    with caplog.at_level("INFO", logger="edihub"):
        client.get("/v1/orders", headers={"Authorization": f"Bearer {key}"})
        client.get("/v1/orders", headers={"Authorization": "Bearer edh_bad_key"})
    assert caplog.records  # the access log ran
    assert all(key not in r.getMessage() and "edh_bad_key" not in r.getMessage()
               for r in caplog.records)


def test_job_runs_are_listed_to_ops_only(client, make_partner, session):
    from datetime import UTC, datetime

    from app.store.models import JobRun

    session.add(JobRun(job_id="inbox", started_at=datetime(2026, 11, 20, tzinfo=UTC),
                       finished_at=datetime(2026, 11, 20, 0, 1, tzinfo=UTC), outcome="ok",
                       detail={"ingested": []}))
    session.commit()
    _, ops = make_partner("Ops", "ops", [])
    _, dist = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    [run] = client.get("/v1/jobs", headers={"Authorization": f"Bearer {ops}"}).json()["items"]
    assert (run["job_id"], run["outcome"]) == ("inbox", "ok")
    assert client.get("/v1/jobs", headers={"Authorization": f"Bearer {dist}"}).status_code == 403


def test_an_unreachable_database_is_a_503_with_retry_after(tmp_path):
    # a PostgreSQL URL nothing listens on: every query fails to connect
    settings = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:1/none")
    with TestClient(create_app(settings)) as c:
        response = c.get("/v1/orders", headers={"Authorization": "Bearer edh_000000000000_x"})
        ready = c.get("/readyz")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["code"] == "store-unavailable"
    assert ready.status_code == 503 and ready.json()["status"].startswith("database unreachable")


def test_concurrent_writers_on_sqlite_wait_their_turn(fresh_store_url):
    """Two threads each read, then write, many times: with deferred transactions SQLite
    refuses one of them at once ("database is locked"); writers must queue instead."""
    import threading

    from app.services.partners import register_partner
    from app.store.db import make_engine, make_session_factory, session_scope
    from app.store.models import Partner

    engine = make_engine(fresh_store_url)
    sessions = make_session_factory(engine)
    errors = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with session_scope(sessions) as session:
                    session.query(Partner).count()  # read first ...
                    register_partner(session, name=f"p{n}-{i}", role="distributor",
                                     identifiers=[], with_key=False)  # ... then write
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with session_scope(sessions) as session:
        assert session.query(Partner).count() == 60
    engine.dispose()
    assert errors == []


def test_tampered_cursors_are_422_on_every_list_never_500(client, make_partner):
    from app.services.paging import encode_cursor

    partner, _ = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    _, ops = make_partner("Ops", "ops", [])
    bad = [encode_cursor(c) for c in (
        {"offset": "x"}, {"offset": -1}, {"before_id": "x"}, {"before_id": 2**70},
        {"after": ["a", "b"]}, {"after": [1]}, {"after": [2**70, 1]},
        {"key": ["x", 1, "y"]}, {"key": ["2026-01-01T00:00:00", "order", "z"]}, {"same": "x"},
    )] + ["%%%", "bm90IGpzb24"]
    lists = ["/v1/orders", "/v1/promises", "/v1/sell-through", "/v1/sell-through/changes",
             "/v1/inventory", "/v1/forecasts", "/v1/replenishment/signals", "/v1/customers",
             f"/v1/customers/{partner.id}/timeline", "/v1/cases", "/v1/jobs",
             "/v1/interchanges"]
    for url in lists:
        for cursor in bad:
            response = client.get(url, params={"cursor": cursor},
                                  headers={"Authorization": f"Bearer {ops}"})
            assert response.status_code in (200, 422), (url, cursor, response.text)
            if response.status_code == 422:
                assert response.headers["content-type"] == "application/problem+json"
