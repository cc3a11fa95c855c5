"""The uploads API around `POST /v1/interchanges`: the list with its filters and cursor, who
may see which upload, multipart and Idempotency-Key, the acknowledgement, and reprocessing
the stored bytes."""

from __future__ import annotations

import hashlib
import io
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from app.services.ingest import Upload, receive_file
from app.store import interchange as ic_store
from app.store.db import session_scope
from app.store.models import (
    Acknowledgement,
    EdiIssue,
    Interchange,
    Message,
    Order,
    OrderLine,
    StoredFile,
)

X12 = Path(__file__).parents[1] / "samples" / "golden" / "x12"
PO = (X12 / "850-northwind-original.edi").read_bytes()
INVENTORY = (X12 / "846-northwind-warehouse.edi").read_bytes()
FORECAST = (X12 / "830-northwind-weekly-forecast.edi").read_bytes()
JUNK = b"hello, this is not EDI"
PROBLEM = "application/problem+json"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def northwind(make_partner):
    partner, key = make_partner("Northwind Distribution", "distributor",
                                ["ZZ:NORTHWIND", "GLN:0614141000012"])
    return partner, bearer(key)


@pytest.fixture
def acme(make_partner):
    partner, key = make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS"])
    return partner, bearer(key)


@pytest.fixture
def bolt(make_partner):
    partner, key = make_partner("Bolt Retail", "distributor", ["ZZ:BOLT"])
    return partner, bearer(key)


@pytest.fixture
def ops(make_partner):
    _, key = make_partner("Hub Operations", "ops", [])
    return bearer(key)


def upload(client, headers, body: bytes, content_type="application/edi-x12", **extra):
    return client.post("/v1/interchanges", content=body,
                       headers={**headers, "Content-Type": content_type, **extra})


def upload_id(client, headers, body: bytes) -> int:
    response = upload(client, headers, body)
    assert response.status_code in (201, 422), response.text
    body = response.json()
    return body["id"] if response.status_code == 201 else body["upload"]["id"]


def listed(client, headers, **params) -> list[int]:
    response = client.get("/v1/interchanges", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def store_snapshot(session) -> dict:
    session.expire_all()
    return {
        "orders": count(session, Order), "order_lines": count(session, OrderLine),
        "interchanges": count(session, Interchange), "messages": count(session, Message),
        "acknowledgements": count(session, Acknowledgement),
        "issues": list(session.scalars(select(EdiIssue.id).order_by(EdiIssue.id))),
        "files": list(session.execute(
            select(StoredFile.id, StoredFile.status, StoredFile.standard,
                   StoredFile.duplicate_of_id, StoredFile.error).order_by(StoredFile.id))),
    }


def store_crashed_upload(sessions, uploader_id: int, body: bytes) -> int:
    """The bytes were stored and committed, then the process died before parsing them."""
    with session_scope(sessions) as s:
        return receive_file(s, Upload(content=body, source="upload",
                                      uploader_id=uploader_id, uploader_is_ops=False)).id


# --- the list -----------------------------------------------------------------------------


def test_list_shows_own_uploads_newest_first_with_counts(client, northwind):
    _, headers = northwind
    po = upload_id(client, headers, PO)
    inventory = upload_id(client, headers, INVENTORY)
    response = client.get("/v1/interchanges", headers=headers)
    assert response.status_code == 200
    page = response.json()
    assert [item["id"] for item in page["items"]] == [inventory, po]
    assert page["next_cursor"] is None
    item = page["items"][1]
    assert (item["standard"], item["status"], item["size"], item["source"]) == (
        "x12", "processed", len(PO), "upload")
    assert (item["interchange_count"], item["message_count"], item["duplicate_of"]) == (1, 1, None)
    assert item["filename"] is None
    assert len(item["sha256"]) == 64


def test_list_filters_by_status(client, northwind):
    _, headers = northwind
    po = upload_id(client, headers, PO)
    junk = upload_id(client, headers, JUNK)
    assert listed(client, headers, status="failed") == [junk]
    assert listed(client, headers, status="processed") == [po]
    assert listed(client, headers, status="duplicate") == []


def test_list_rejects_an_unknown_status(client, northwind):
    _, headers = northwind
    response = client.get("/v1/interchanges", headers=headers, params={"status": "lost"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


def test_list_filters_by_message_type(client, northwind):
    _, headers = northwind
    po = upload_id(client, headers, PO)
    forecast = upload_id(client, headers, FORECAST)
    assert listed(client, headers, type="850") == [po]
    assert listed(client, headers, type="830") == [forecast]
    assert listed(client, headers, type="ORDERS") == []


def test_list_filters_by_received_window(client, northwind):
    _, headers = northwind
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=UTC), tick=False):
        po = upload_id(client, headers, PO)
    with time_machine.travel(datetime(2026, 11, 22, 10, tzinfo=UTC), tick=False):
        forecast = upload_id(client, headers, FORECAST)
    assert listed(client, headers, received_from="2026-11-21T00:00:00Z") == [forecast]
    assert listed(client, headers, received_to="2026-11-21T00:00:00Z") == [po]
    assert listed(client, headers, received_from="2026-11-20T10:00:00+00:00",
                  received_to="2026-11-22T10:00:00+00:00") == [po]  # to is exclusive


def test_list_refuses_a_window_without_time_zone(client, northwind):
    _, headers = northwind
    response = client.get("/v1/interchanges", headers=headers,
                          params={"received_from": "2026-11-21T00:00:00"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["location"] == {"parameter": "received_from"}


def test_ops_list_filters_by_uploader(client, northwind, bolt, ops):
    northwind_partner, northwind_headers = northwind
    bolt_partner, bolt_headers = bolt
    po = upload_id(client, northwind_headers, PO)
    junk = upload_id(client, bolt_headers, JUNK)
    assert listed(client, ops) == [junk, po]
    assert listed(client, ops, partner=northwind_partner.id) == [po]
    assert listed(client, ops, partner=bolt_partner.id) == [junk]


def test_list_pages_with_a_cursor(client, northwind):
    _, headers = northwind
    ids = [upload_id(client, headers, body) for body in (PO, INVENTORY, FORECAST)]
    first = client.get("/v1/interchanges", headers=headers, params={"limit": 2}).json()
    assert [item["id"] for item in first["items"]] == [ids[2], ids[1]]
    assert first["next_cursor"]
    second = client.get("/v1/interchanges", headers=headers,
                        params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [item["id"] for item in second["items"]] == [ids[0]]
    assert second["next_cursor"] is None


def test_list_refuses_a_cursor_it_did_not_hand_out(client, northwind):
    _, headers = northwind
    response = client.get("/v1/interchanges", headers=headers, params={"cursor": "!!nope"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid-parameter"


# --- who sees what ------------------------------------------------------------------------


def assert_invisible(client, headers, file_id: int) -> None:
    for path in ("", "/raw", "/ack"):
        response = client.get(f"/v1/interchanges/{file_id}{path}", headers=headers)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "not-found"


def test_distributor_sees_none_of_another_partners_uploads(client, northwind, bolt):
    northwind_partner, northwind_headers = northwind
    _, bolt_headers = bolt
    po = upload_id(client, northwind_headers, PO)
    assert listed(client, bolt_headers) == []
    assert listed(client, bolt_headers, partner=northwind_partner.id) == []
    assert listed(client, bolt_headers, type="850") == []
    assert_invisible(client, bolt_headers, po)
    assert client.get(f"/v1/interchanges/{po}/ack", headers=northwind_headers).status_code == 200


def test_manufacturer_sees_none_of_the_uploads_addressed_to_it(client, northwind, acme):
    _, northwind_headers = northwind
    _, acme_headers = acme
    po = upload_id(client, northwind_headers, PO)  # ACMEFOODS is its receiver
    assert listed(client, acme_headers) == []
    assert_invisible(client, acme_headers, po)


def test_ack_of_a_kind_that_was_not_sent_is_404(client, northwind):
    _, headers = northwind
    po = upload_id(client, headers, PO)  # ISA14 = 0: no TA1 requested
    response = client.get(f"/v1/interchanges/{po}/ack", headers=headers, params={"kind": "TA1"})
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    ack = client.get(f"/v1/interchanges/{po}/ack", headers=headers)
    assert ack.headers["x-acknowledgement-kind"] == "997"
    assert ack.text.startswith("ISA*")


# --- multipart and Idempotency-Key --------------------------------------------------------


def shape(body: dict) -> dict:
    """What an upload became, without what differs between two uploads of the same file."""
    return {
        "standard": body["standard"], "status": body["status"],
        "duplicate": body["duplicate"], "sha256": body["sha256"], "size": body["size"],
        "interchanges": [
            (ic["control_number"], ic["sender"], ic["receiver"], ic["status"],
             [(m["type"], m["control_number"], m["status"]) for m in ic["messages"]])
            for ic in body["interchanges"]],
        "acknowledgements": [(a["kind"], a["status"]) for a in body["acknowledgements"]],
    }


EXPECTED_PO = {
    "standard": "x12", "status": "processed", "duplicate": False, "size": len(PO),
    "interchanges": [("000000101", "NORTHWIND", "ACMEFOODS", "accepted",
                      [("850", "0001", "accepted")])],
    "acknowledgements": [("997", "accepted")],
}


@pytest.mark.parametrize("transport", ["raw", "multipart"])
def test_multipart_upload_gives_the_same_result_as_a_raw_one(client, northwind, session,
                                                             transport):
    _, headers = northwind
    if transport == "raw":
        response = upload(client, headers, PO)
    else:
        response = client.post("/v1/interchanges", headers=headers,
                               files={"file": ("po.edi", PO, "application/edi-x12")})
    assert response.status_code == 201, response.text
    body = response.json()
    assert shape(body) == {**EXPECTED_PO, "sha256": body["sha256"]}
    assert client.get(f"/v1/interchanges/{body['id']}/raw", headers=headers).content == PO
    assert count(session, Order) == 1 and count(session, OrderLine) == 3
    [item] = client.get("/v1/interchanges", headers=headers).json()["items"]
    assert item["filename"] == ("po.edi" if transport == "multipart" else None)


@pytest.mark.parametrize("transport", ["raw", "multipart"])
def test_raw_streams_back_the_exact_bytes_of_a_large_binary_upload(client, northwind, transport):
    _, headers = northwind
    sent = b"\x00\xff" + random.Random(8).randbytes(2 * 1024 * 1024 + 77)  # three chunks
    if transport == "raw":
        response = upload(client, headers, sent, "application/octet-stream")
    else:
        response = client.post("/v1/interchanges", headers=headers, files={
            "file": ("blob.bin", sent, "application/octet-stream")})
    assert response.status_code == 422  # not EDI, but kept
    upload_id = response.json()["upload"]["id"]
    raw = client.get(f"/v1/interchanges/{upload_id}/raw", headers=headers)
    assert raw.status_code == 200 and raw.content == sent
    assert raw.headers["content-type"] == "application/octet-stream"
    assert raw.headers["content-length"] == str(len(sent))
    assert raw.headers["x-content-sha256"] == hashlib.sha256(sent).hexdigest()


def test_an_upload_from_a_file_is_stored_as_the_same_bytes_would_be(session):
    whole = receive_file(session, Upload(content=PO, source="cli"))
    streamed = receive_file(session, Upload(file=io.BytesIO(PO), source="cli"))
    assert (streamed.sha256, streamed.size) == (whole.sha256, whole.size) == (
        hashlib.sha256(PO).hexdigest(), len(PO))
    assert ic_store.open_content(session, streamed).read() == PO


@pytest.mark.parametrize("given", [{}, {"content": PO, "file": io.BytesIO(PO)}])
def test_an_upload_takes_its_bytes_one_way_only(given):
    with pytest.raises(ValueError, match="either content or file"):
        Upload(source="cli", **given)


def test_same_idempotency_key_twice_answers_the_first_upload(client, northwind, session):
    _, headers = northwind
    first = upload(client, headers, PO, **{"Idempotency-Key": "po-4500012345"})
    second = upload(client, headers, PO, **{"Idempotency-Key": "po-4500012345"})
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["duplicate"] is False
    assert count(session, StoredFile) == 1
    assert count(session, Order) == 1


def test_a_reused_idempotency_key_with_other_bytes_is_409_and_the_bytes_are_kept(
        client, northwind, session):
    _, headers = northwind
    first = upload(client, headers, PO, **{"Idempotency-Key": "k-9"})
    other_bytes = PO.replace(b"PO-4500012345", b"PO-4500099999")
    clash = upload(client, headers, other_bytes, **{"Idempotency-Key": "k-9"})
    assert clash.status_code == 409
    assert clash.headers["content-type"] == "application/problem+json"
    problem = clash.json()
    assert problem["code"] == "idempotency-key-reused"
    assert problem["original_upload_id"] == first.json()["id"]
    kept = client.get(f"/v1/interchanges/{problem['upload_id']}/raw", headers=headers)
    assert kept.content == other_bytes  # nothing the partner sent is lost
    assert count(session, Order) == 1  # and nothing of it was processed


def test_idempotency_keys_of_two_partners_do_not_meet(client, northwind, bolt, session):
    _, northwind_headers = northwind
    _, bolt_headers = bolt
    first = upload(client, northwind_headers, PO, **{"Idempotency-Key": "k-1"})
    other = upload(client, bolt_headers, JUNK, "application/octet-stream",
                   **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    assert other.status_code == 422  # bolt's own file, processed on its own
    assert other.json()["upload"]["id"] != first.json()["id"]
    assert count(session, StoredFile) == 2


# --- reprocess ----------------------------------------------------------------------------


def reprocess(client, headers, file_id: int):
    return client.post(f"/v1/interchanges/{file_id}/reprocess", headers=headers)


def test_reprocess_processes_a_file_stored_before_a_crash(client, northwind, ops, sessions,
                                                           session):
    partner, headers = northwind
    file_id = store_crashed_upload(sessions, partner.id, PO)
    assert listed(client, headers, status="received") == [file_id]
    assert count(session, Order) == 0
    response = reprocess(client, ops, file_id)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == file_id
    assert shape(body) == {**EXPECTED_PO, "sha256": body["sha256"]}
    assert count(session, Order) == 1 and count(session, OrderLine) == 3
    assert listed(client, headers, status="processed") == [file_id]


def test_reprocessing_a_processed_file_twice_changes_nothing(client, northwind, ops, session):
    _, headers = northwind
    file_id = upload_id(client, headers, PO)
    before = store_snapshot(session)
    assert before["orders"] == 1 and before["order_lines"] == 3
    for _ in range(2):
        response = reprocess(client, ops, file_id)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "processed"
        assert response.json()["duplicate"] is False
        assert store_snapshot(session) == before


def test_reprocess_keeps_a_repeated_interchange_a_duplicate_warned_once(client, northwind, ops,
                                                                         session):
    _, headers = northwind
    first = upload(client, headers, PO + PO)
    assert first.status_code == 201, first.text
    before = store_snapshot(session)
    assert before["interchanges"] == 1
    again = reprocess(client, ops, first.json()["id"])
    assert again.status_code == 200
    assert shape(again.json()) == shape(first.json())
    assert [i["code"] for i in again.json()["issues"]] == ["duplicate-interchange"]
    assert store_snapshot(session) == before


def test_reprocess_of_an_unreadable_file_keeps_one_issue(client, northwind, ops, session):
    _, headers = northwind
    file_id = upload_id(client, headers, JUNK)
    before = store_snapshot(session)
    for _ in range(2):
        response = reprocess(client, ops, file_id)
        assert response.status_code == 200
        assert response.json()["status"] == "failed"
        assert len(response.json()["issues"]) == 1
    assert store_snapshot(session) == before


def test_reprocess_finds_a_later_upload_of_the_same_bytes(client, northwind, ops, sessions,
                                                          session):
    partner, headers = northwind
    crashed = store_crashed_upload(sessions, partner.id, PO)
    later = upload_id(client, headers, PO)  # the partner sent it again; that one went through
    response = reprocess(client, ops, crashed)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["duplicate_of"]) == ("duplicate", later)
    assert count(session, Order) == 1
    assert reprocess(client, ops, later).json()["status"] == "processed"
    assert reprocess(client, ops, crashed).json()["duplicate_of"] == later


def test_reprocess_checks_the_sender_against_the_uploader(client, bolt, ops, sessions,
                                                          session):
    partner, _ = bolt
    file_id = store_crashed_upload(sessions, partner.id, PO)  # Northwind's 850 sent by Bolt
    response = reprocess(client, ops, file_id)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "rejected"
    assert [i["code"] for i in body["interchanges"][0]["issues"]] == ["sender-not-uploader"]
    assert count(session, Order) == 0
    before = store_snapshot(session)
    assert reprocess(client, ops, file_id).json()["status"] == "rejected"
    assert store_snapshot(session) == before


def test_reprocess_needs_an_ops_key(client, northwind, session):
    _, headers = northwind
    file_id = upload_id(client, headers, PO)
    response = reprocess(client, headers, file_id)
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "forbidden"


def test_reprocess_of_an_unknown_upload_is_404(client, ops):
    response = reprocess(client, ops, 987654)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "not-found"
