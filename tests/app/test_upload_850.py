"""The one real path end to end: POST an X12 850 -> raw bytes stored -> parsed -> mapped ->
order and lines in the store -> GET /v1/orders/{id}; and the bad input around it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.store import interchange as ic_store
from app.store.models import Interaction, Order, StoredFile

SAMPLE = Path(__file__).parents[1] / "samples" / "golden" / "x12" / "850-northwind-original.edi"
PROBLEM = "application/problem+json"


@pytest.fixture
def northwind(make_partner):
    partner, key = make_partner("Northwind Distribution", "distributor",
                                ["ZZ:NORTHWIND", "GLN:0614141000012"])
    return partner, {"Authorization": f"Bearer {key}"}


@pytest.fixture
def acme(make_partner):
    partner, key = make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS"])
    return partner, {"Authorization": f"Bearer {key}"}


def upload(client, headers, body: bytes, content_type="application/edi-x12"):
    return client.post("/v1/interchanges", content=body,
                       headers={**headers, "Content-Type": content_type})


def test_850_upload_creates_order_with_lines(client, northwind, acme):
    _, headers = northwind
    response = upload(client, headers, SAMPLE.read_bytes())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["standard"] == "x12"
    assert body["status"] == "processed"
    assert body["duplicate"] is False
    [interchange] = body["interchanges"]
    assert (interchange["control_number"], interchange["sender"], interchange["receiver"]) == (
        "000000101", "NORTHWIND", "ACMEFOODS")
    [message] = interchange["messages"]
    assert (message["type"], message["control_number"], message["status"]) == (
        "850", "0001", "accepted")
    assert body["acknowledgement"]["kind"] == "997"

    orders = client.get("/v1/orders/1", headers=headers)
    order_id = _only_order_id(client, headers)
    order = client.get(f"/v1/orders/{order_id}", headers=headers).json()
    assert orders.status_code in (200, 404)
    assert order["po_number"] == "PO-4500012345"
    assert order["order_date"] == "2026-11-20"
    assert order["currency"] == "USD"
    assert order["requested_delivery"] == "2026-12-01"
    assert order["status"] == "open"
    lines = {ln["line_number"]: ln for ln in order["lines"]}
    assert sorted(lines) == ["1", "2", "3"]
    assert lines["1"]["gtin"] == "00012345678905"
    assert Decimal(lines["1"]["quantity"]) == Decimal("10")
    assert lines["1"]["uom"] == "CA"
    assert Decimal(lines["1"]["pack_size"]) == Decimal("12")
    assert Decimal(lines["1"]["base_quantity"]) == Decimal("120")
    assert Decimal(lines["1"]["unit_price"]) == Decimal("24.50")
    assert lines["1"]["requested_delivery"] == "2026-12-01"  # header DTM*002
    assert lines["2"]["gtin"] == "04006381333931"
    assert Decimal(lines["2"]["base_quantity"]) == Decimal("36")
    assert lines["2"]["requested_delivery"] == "2026-12-04"  # line DTM*002 wins
    assert lines["3"]["gtin"] is None and lines["3"]["description"] is None
    assert lines["1"]["segment_number"] == 9  # lineage: PO1 is segment 9 of the 850


def _only_order_id(client, headers) -> int:
    app = client.app
    with app.state.sessions() as session:
        return session.scalar(select(Order.id).where(Order.po_number == "PO-4500012345"))


def test_upload_stores_the_exact_bytes_first(client, northwind, session):
    _, headers = northwind
    body = SAMPLE.read_bytes()
    upload_id = upload(client, headers, body).json()["id"]
    raw = client.get(f"/v1/interchanges/{upload_id}/raw", headers=headers)
    assert raw.status_code == 200
    assert raw.content == body


def test_order_adds_a_customer_interaction_with_its_value(client, northwind, session):
    partner, headers = northwind
    upload(client, headers, SAMPLE.read_bytes())
    interaction = session.scalars(select(Interaction).where(
        Interaction.partner_id == partner.id)).one()
    assert interaction.kind == "order"
    # 10 x 24.50 + 36 x 2.15 + 5 x 18.00
    assert interaction.amount == Decimal("412.4000")
    assert interaction.currency == "USD"


def test_same_bytes_twice_is_a_duplicate(client, northwind, session):
    _, headers = northwind
    first = upload(client, headers, SAMPLE.read_bytes())
    second = upload(client, headers, SAMPLE.read_bytes())
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert second.json()["duplicate_of"] == first.json()["id"]
    assert session.scalar(select(func.count()).select_from(Order)) == 1
    # both uploads keep their bytes
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 2


def test_same_interchange_with_other_bytes_is_a_duplicate(client, northwind, session):
    _, headers = northwind
    upload(client, headers, SAMPLE.read_bytes())
    resent = SAMPLE.read_bytes().replace(b"~\n", b"~\r\n")  # same ISA13, different bytes
    response = upload(client, headers, resent)
    assert response.status_code == 200
    assert response.json()["duplicate"] is True
    assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_empty_body_is_400_problem(client, northwind):
    _, headers = northwind
    response = upload(client, headers, b"")
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "empty-upload"


def test_non_edi_body_is_422_naming_the_problem_and_is_kept(client, northwind, session):
    _, headers = northwind
    response = upload(client, headers, b"hello, this is not EDI", "application/octet-stream")
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "unreadable-input"
    assert "not EDI" in problem["detail"]
    assert problem["location"] == {"offset": 0}
    stored = session.scalars(select(StoredFile)).one()
    assert stored.status == "failed"
    assert ic_store.open_content(session, stored).read() == b"hello, this is not EDI"


def test_truncated_850_is_422_naming_where_and_is_kept(client, northwind, session):
    _, headers = northwind
    body = SAMPLE.read_bytes()
    truncated = body[: body.index(b"PO1*2")]
    response = upload(client, headers, truncated)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "interchange-rejected"
    assert problem["location"]  # names the place
    assert problem["upload"]["status"] == "rejected"
    assert session.scalar(select(func.count()).select_from(Order)) == 0
    stored = session.scalars(select(StoredFile)).one()
    assert ic_store.open_content(session, stored).read() == truncated


def test_upload_over_the_limit_is_413(client, northwind):
    _, headers = northwind
    big = b"ISA" + b"x" * (20 * 1024 * 1024)
    response = upload(client, headers, big)
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "upload-too-large"


def test_unknown_key_is_401_problem(client):
    response = upload(client, {"Authorization": "Bearer edh_000000000000_nope"},
                      SAMPLE.read_bytes())
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "invalid-api-key"


def test_missing_key_is_401_problem(client):
    response = client.get("/v1/orders/1")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_distributor_cannot_upload_in_another_partners_name(client, make_partner, session):
    _, key = make_partner("Bolt Retail", "distributor", ["ZZ:BOLT"])
    response = upload(client, {"Authorization": f"Bearer {key}"}, SAMPLE.read_bytes())
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "sender-not-uploader"
    assert problem["upload"]["interchanges"][0]["status"] == "rejected"
    assert session.scalar(select(func.count()).select_from(Order)) == 0
    assert session.scalars(select(StoredFile)).one().size == len(SAMPLE.read_bytes())


def test_another_partner_cannot_see_the_order(client, northwind, make_partner):
    _, headers = northwind
    upload(client, headers, SAMPLE.read_bytes())
    order_id = _only_order_id(client, headers)
    _, other_key = make_partner("Bolt Retail", "distributor", ["ZZ:BOLT"])
    response = client.get(f"/v1/orders/{order_id}",
                          headers={"Authorization": f"Bearer {other_key}"})
    assert response.status_code == 404
    assert client.get(f"/v1/orders/{order_id}", headers=headers).status_code == 200


def test_seller_named_in_the_order_can_see_it(client, northwind, acme):
    _, headers = northwind
    upload(client, headers, SAMPLE.read_bytes())
    order_id = _only_order_id(client, headers)
    _, acme_headers = acme
    assert client.get(f"/v1/orders/{order_id}", headers=acme_headers).status_code == 200
