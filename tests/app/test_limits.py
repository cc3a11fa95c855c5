"""Limits from the settings, each through the HTTP API: upload bytes, segments per
interchange, XML depth and size, page size. (The request rate: test_rate_limit.py.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.main import create_app
from app.store.models import JobRun, StoredFile

GOLDEN = Path(__file__).parents[1] / "samples" / "golden"
X12_850 = GOLDEN / "x12" / "850-northwind-original.edi"
EDIFACT_ORDERS = GOLDEN / "edifact" / "orders-d96a-northwind-cases-and-eaches.edi"
CXML = GOLDEN / "xml" / "cxml-order-request-bolt-update-minimal.xml"
PROBLEM = "application/problem+json"


@pytest.fixture
def ops(make_partner):
    _, key = make_partner("Hub Operations", "ops", [])
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def limited(settings, sessions):
    """A client for an app built with some settings changed."""
    clients = []

    def make(**changes) -> TestClient:
        app = create_app(settings.model_copy(update=changes), sessions=sessions)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def upload(client, headers, path: Path, content=None):
    return client.post("/v1/interchanges", content=content or path.read_bytes(),
                       headers={**headers, "Content-Type": "application/octet-stream"})


def assert_stored_exactly(client, headers, problem, sent: bytes) -> None:
    raw = client.get(f"/v1/interchanges/{problem['upload']['id']}/raw", headers=headers)
    assert raw.status_code == 200 and raw.content == sent


# --- upload bytes -------------------------------------------------------------------------


@pytest.mark.parametrize("multipart", [False, True])
def test_an_upload_over_max_upload_bytes_is_413_and_nothing_is_stored(limited, ops, session,
                                                                     multipart):
    client = limited(max_upload_bytes=500)
    body = X12_850.read_bytes()  # 632 bytes
    assert len(body) > 500
    if multipart:
        response = client.post("/v1/interchanges", headers=ops,
                               files={"file": ("po.edi", body, "application/edi-x12")})
    else:
        response = upload(client, ops, X12_850)
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "upload-too-large"
    assert "500 bytes" in response.json()["detail"]
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert limited(max_upload_bytes=632).post(
        "/v1/interchanges", content=body, headers=ops).status_code == 201  # at the limit: in


def test_a_body_sent_without_its_length_is_refused_as_it_passes_the_limit(limited, ops,
                                                                           session):
    client = limited(max_upload_bytes=500)
    body = X12_850.read_bytes()
    pieces = iter([body[:400], body[400:]])  # chunked: no Content-Length to refuse it by
    response = client.post("/v1/interchanges", content=pieces, headers=ops)
    assert response.status_code == 413
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0


# --- segments per interchange -------------------------------------------------------------


def test_an_x12_interchange_over_the_segment_limit_is_422_naming_it(limited, ops):
    client = limited(max_segments_per_interchange=6)
    sent = X12_850.read_bytes()
    response = upload(client, ops, X12_850)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "interchange-rejected"
    assert problem["detail"].startswith("interchange 000000101: ")
    assert "more than 6 segments" in problem["detail"]
    assert problem["location"]["offset"] > 0  # where the interchange went over
    [interchange] = problem["upload"]["interchanges"]
    assert (interchange["control_number"], interchange["status"]) == ("000000101", "rejected")
    assert any(issue["code"] == "024" for issue in interchange["issues"])
    assert problem["upload"]["acknowledgement"]["kind"] == "TA1"  # told, negatively
    assert_stored_exactly(client, ops, problem, sent)  # the raw bytes are kept
    # sent again (other bytes, the same interchange number) under the default limit, it is
    # taken: the rejected copy holds no interchange key
    again = sent.rstrip(b"\r\n") + b"\n\n"
    assert again != sent
    assert upload(limited(), ops, X12_850, again).status_code == 201


def test_an_edifact_interchange_over_the_segment_limit_is_422_with_its_place(limited, ops):
    client = limited(max_segments_per_interchange=6)
    sent = EDIFACT_ORDERS.read_bytes()
    response = upload(client, ops, EDIFACT_ORDERS)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "interchange-rejected"  # that interchange, as in X12
    assert "more than 6 segments" in problem["detail"]
    assert problem["location"]["offset"] > 0  # where the interchange went over
    [interchange] = problem["upload"]["interchanges"]
    assert interchange["status"] == "rejected"
    assert problem["detail"].startswith(f"interchange {interchange['control_number']}: ")
    assert problem["upload"]["acknowledgement"]["kind"] == "CONTRL"  # told, negatively
    assert_stored_exactly(client, ops, problem, sent)
    # sent again (other bytes, the same interchange reference) under the default limit, it
    # is taken: the rejected copy holds no interchange key
    again = sent.rstrip(b"\r\n") + b"\n\n"
    assert again != sent
    assert upload(limited(), ops, EDIFACT_ORDERS, again).status_code == 201


# --- XML ----------------------------------------------------------------------------------


def test_xml_deeper_than_xml_max_depth_is_422_with_the_line(limited, ops):
    client = limited(xml_max_depth=4)
    response = upload(client, ops, CXML)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "unreadable-input"
    assert "deeper than the limit of 4" in problem["detail"]
    assert problem["location"]["line"] > 1
    assert problem["upload"]["status"] == "failed"
    assert_stored_exactly(client, ops, problem, CXML.read_bytes())


def test_xml_larger_than_xml_max_bytes_is_422(limited, ops):
    client = limited(xml_max_bytes=300)
    response = upload(client, ops, CXML)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "unreadable-input"
    assert "larger than the limit of 300 bytes" in problem["detail"]
    assert problem["location"] == {"offset": 300}
    assert_stored_exactly(client, ops, problem, CXML.read_bytes())


def test_xml_within_the_limits_is_taken(limited, ops):
    size = len(CXML.read_bytes())
    response = upload(limited(xml_max_bytes=size, xml_max_depth=8), ops, CXML)
    assert response.status_code == 201, response.text


# --- page size ----------------------------------------------------------------------------

QUERY = {"/v1/sell-through": "from=2026-11-01&to=2026-11-30",
         "/v1/forecasts": "history_days=60"}


@pytest.fixture
def busy(client, ops, session):
    """Enough of everything that each list has more than one item."""
    for path in ["x12/850-northwind-original.edi", "x12/850-bolt-005010.edi",
                 "x12/852-northwind-weekly-sdq.edi", "x12/852-bolt-005010-store.edi",
                 "x12/846-northwind-warehouse.edi", "x12/855-acme-accept-with-changes.edi",
                 "x12/867-northwind-resale-qty-lin.edi"]:
        response = upload(client, ops, GOLDEN / path)
        assert response.status_code in (200, 201), (path, response.text)
    customers = client.get("/v1/customers", headers=ops).json()["items"]
    assert len(customers) > 1
    buyer = customers[0]["id"]
    for subject in ("late pallet", "wrong label"):
        assert client.post(f"/v1/customers/{buyer}/cases", headers=ops, json={
            "category": "complaint", "subject": subject}).status_code == 201
    for hour in (1, 2):
        session.add(JobRun(job_id="inbox", started_at=datetime(2026, 11, 20, hour, tzinfo=UTC),
                           finished_at=datetime(2026, 11, 20, hour, 1, tzinfo=UTC),
                           outcome="ok", detail={}))
    session.commit()
    return buyer


# lists this world leaves empty: the change feed only sees committed facts; alerts and
# webhook deliveries are made by jobs (their paging is tested with them)
NOTHING_HERE = {"/v1/sell-through/changes", "/v1/alerts", "/v1/webhooks/{webhook_id}/deliveries"}


def page_units(template: str, items: list[dict]) -> int:
    """What `limit` counts: items, or series (product x location) for sell-through."""
    if template == "/v1/sell-through":
        return len({(item["product_id"], item["location_id"]) for item in items})
    return len(items)


def list_routes(app) -> list[str]:
    """Every GET in the API that pages with `limit`."""
    paths = []
    for path, operations in app.openapi()["paths"].items():
        get = operations.get("get")
        if get and any(p["name"] == "limit" for p in get.get("parameters", [])):
            paths.append(path)
    return paths


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 11, 24, 12, tzinfo=UTC), tick=False):
        yield


def test_every_list_clamps_limit_to_page_size_max(app, client, limited, ops, busy):
    buyer = busy
    small = limited(page_size_max=1)
    paths = list_routes(app)
    assert len(paths) >= 10
    several = []
    for template in paths:
        if template in NOTHING_HERE and "{" in template:
            continue
        path = template.replace("{customer_id}", str(buyer))
        query = QUERY.get(template, "")
        everything = client.get(f"{path}?{query}&limit=1000", headers=ops)
        assert everything.status_code == 200, (template, everything.text)
        total = page_units(template, everything.json()["items"])
        response = small.get(f"{path}?{query}&limit=1000", headers=ops)
        assert response.status_code == 200, (template, response.text)
        page = response.json()
        assert page_units(template, page["items"]) == min(total, 1), template  # clamped
        if total > 1:
            several.append(template)
            assert page["next_cursor"], template  # the rest is a page away
    assert set(paths) - set(several) <= NOTHING_HERE, set(paths) - set(several)


def test_a_limit_below_one_is_422_on_every_list(app, client, ops):
    for template in list_routes(app):
        path = re.sub(r"\{[a-z_]+\}", "1", template)
        response = client.get(f"{path}?limit=0", headers=ops)
        assert response.status_code == 422, template
        assert response.json()["code"] == "invalid-request"
