"""New orders of an interchange are written together (`ingest._write_new_orders`); the store
must end up exactly as when every message is written alone (`ingest._write_message`, the
per-message path): every table, every value, ids compared by their order.

Each scenario ingests the same files twice in one rolled-back transaction, once batched and
once one by one, at the same frozen instant, and compares the two stores."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app import metrics
from app.services import ingest
from app.services.ingest import Upload, ingest_upload
from app.store import bulk
from app.store.models import (
    Base,
    EdiIssue,
    Message,
    Order,
    Promise,
    SalesFact,
    ShipmentLine,
)

GOLDEN = Path(__file__).parents[2] / "samples" / "golden" / "x12"
FROZEN = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
UPCS = ["012345678905", "040063813339", "036000291452", "012000161155"]


@pytest.fixture
def partners(make_partner):
    make_partner("Northwind Distribution", "distributor", ["ZZ:NORTHWIND", "GLN:0614141000012"])
    make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS"])


def order(po: str, purpose: str = "00", lines: int = 3, *, first_quantity: str = "10",
          seller: str | None = "N1*SE*Acme Foods*ZZ*ACMEFOODS") -> list[str]:
    """An 850 body: lines name a product by UPC and vendor part, the first by description."""
    segments = [f"BEG*{purpose}*SA*{po}**20261120", "CUR*BY*USD", "DTM*002*20261201",
                "N1*ST*Northwind DC Reno*92*DC-RENO", *([seller] if seller else [])]
    for line in range(1, lines + 1):
        quantity = first_quantity if line == 1 else str(line * 6)
        segments.append(f"PO1*{line}*{quantity}*EA*2.{line}5**UP*{UPCS[line % len(UPCS)]}"
                        f"*VN*ACM-{po[-2:]}{line}")
        if line == 1:
            segments.append("PID*F****Rolled Oats 500 g")
    return [*segments, f"CTT*{lines}"]


def interchange(control: int, bodies: list[list[str]]) -> bytes:
    isa = (f"ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      *261120*1200"
           f"*U*00401*{control:09d}*0*P*>")
    segments = [isa, f"GS*PO*NORTHWIND*ACMEFOODS*20261120*1200*{control}*X*004010"]
    for n, body in enumerate(bodies, start=1):
        segments += [f"ST*850*{n:04d}", *body, f"SE*{len(body) + 2}*{n:04d}"]
    segments += [f"GE*{len(bodies)}*{control}", f"IEA*1*{control:09d}"]
    return ("~\n".join(segments) + "~\n").encode()


def dump(connection) -> dict[str, list[tuple]]:
    """Every row of every table, ids replaced by their rank in their table (a savepoint
    rolled back on PostgreSQL leaves gaps in the sequences), foreign keys likewise."""
    tables = Base.metadata.sorted_tables
    rows = {t.name: connection.execute(select(t).order_by(*t.primary_key.columns)).all()
            for t in tables}
    rank = {t.name: {row.id: n for n, row in enumerate(rows[t.name])}
            for t in tables if "id" in t.c}
    dumped = {}
    for table in tables:
        targets = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        if "id" in table.c:
            targets["id"] = table.name
        dumped[table.name] = [
            tuple(rank[targets[c]].get(v) if c in targets and v is not None else v
                  for c, v in row._mapping.items())
            for row in rows[table.name]]
    return dumped


def one_by_one(session, file, row, batch, sender, receiver):
    return [ingest._write_message(session, file, row, prepared, sender, receiver)
            for prepared in batch]


def ingest_both_ways(sessions, settings, monkeypatch, files: list[bytes]) -> dict:
    """Ingest `files` batched and then one message at a time; assert both stores and the
    fact rows counted are equal, and return how many orders each batch wrote together."""
    batched_sizes: list[int] = []
    write_together = ingest.apply_new_orders

    def spy(session, placed):
        batched_sizes.append(len(placed))
        return write_together(session, placed)

    monkeypatch.setattr(ingest, "apply_new_orders", spy)
    batched, batched_rows = _ingest(sessions, settings, files)
    monkeypatch.setattr(ingest, "_write_new_orders", one_by_one)
    alone, alone_rows = _ingest(sessions, settings, files)
    assert batched_rows == alone_rows
    for table in alone:
        assert batched[table] == alone[table], table
    return {"sizes": batched_sizes, "store": batched}


def _ingest(sessions, settings, files: list[bytes]) -> tuple[dict, float]:
    connection = sessions.kw["bind"]
    savepoint = connection.begin_nested()
    counted = metrics.ROWS_WRITTEN.labels("order")._value.get()
    try:
        with time_machine.travel(FROZEN, tick=False):
            for content in files:
                ingest_upload(sessions, Upload(source="cli", content=content), settings)
        return dump(connection), metrics.ROWS_WRITTEN.labels("order")._value.get() - counted
    finally:
        savepoint.rollback()


def statuses(store: dict, table, column: str) -> list:
    index = list(table.__table__.c.keys()).index(column)
    return [row[index] for row in store[table.__tablename__]]


def test_new_orders_are_written_together_as_they_would_be_alone(
        sessions, settings, partners, monkeypatch):
    file = interchange(1, [order("PO-01"), order("PO-02", lines=5, seller=None),
                           order("PO-03", "06"), order("PO-04", lines=1)])
    found = ingest_both_ways(sessions, settings, monkeypatch, [file])
    assert found["sizes"] == [4]
    assert statuses(found["store"], Message, "status") == ["accepted"] * 4
    assert len(found["store"]["order_lines"]) == 12


def test_a_long_interchange_is_written_in_batches_of_bounded_size(
        sessions, settings, partners, monkeypatch):
    monkeypatch.setattr(ingest, "BATCH_MESSAGES", 2)
    file = interchange(7, [order(f"PO-5{n}") for n in range(5)])
    assert ingest_both_ways(sessions, settings, monkeypatch, [file])["sizes"] == [2, 2, 1]


def test_a_po_repeated_in_the_interchange_is_written_alone_after_the_batch(
        sessions, settings, partners, monkeypatch):
    file = interchange(2, [order("PO-11"), order("PO-12"), order("PO-11", "00", lines=2),
                           order("PO-13"), order("PO-12", "04", lines=1)])
    found = ingest_both_ways(sessions, settings, monkeypatch, [file])
    assert found["sizes"] == [2, 1]
    assert statuses(found["store"], Order, "revision") == [2, 2, 1]


def test_replace_and_cancel_of_stored_orders_are_written_alone_in_their_place(
        sessions, settings, partners, monkeypatch):
    first = interchange(3, [order("PO-21"), order("PO-22")])
    second = interchange(4, [order("PO-23"), order("PO-21", "05", lines=2), order("PO-24"),
                             order("PO-22", "01", lines=0), order("PO-25")])
    found = ingest_both_ways(sessions, settings, monkeypatch, [first, second])
    assert found["sizes"] == [2, 1, 1, 1]
    assert statuses(found["store"], Order, "status") == [
        "open", "cancelled", "open", "open", "open"]


def test_an_order_a_promise_and_a_ship_notice_waited_for_gets_them_linked(
        sessions, settings, partners, monkeypatch):
    promise = (GOLDEN / "855-acme-accept-with-changes.edi").read_bytes()
    ship_notice = (GOLDEN / "856-acme-pick-and-pack.edi").read_bytes()
    orders = interchange(5, [order("PO-31"), order("PO-4500012345"), order("PO-32"),
                             order("PO-4500012399", lines=1)])
    found = ingest_both_ways(sessions, settings, monkeypatch, [promise, ship_notice, orders])
    assert found["sizes"] == [1, 1]
    store = found["store"]
    assert None not in statuses(store, Promise, "order_line_id")
    assert None not in statuses(store, ShipmentLine, "order_line_id")


def test_a_message_the_store_refuses_is_rejected_alone_with_the_reason(
        sessions, settings, partners, monkeypatch):
    too_long = "PO-" + "9" * 80  # orders.po_number is VARCHAR(80): PostgreSQL refuses it
    file = interchange(6, [order("PO-41"), order("PO-42", first_quantity="1000000000000000"),
                           order(too_long), order("PO-43"), order("PO-44", lines=0)])
    found = ingest_both_ways(sessions, settings, monkeypatch, [file])
    assert found["sizes"] == [4]  # tried together, then written again one by one
    store = found["store"]
    message_status = statuses(store, Message, "status")
    assert message_status[1] == "rejected"  # 10^15 does not fit NUMERIC(18, 4) anywhere
    assert message_status[4] == "rejected"  # no PO1: refused by the mapping
    assert message_status[0] == message_status[3] == "accepted"
    texts = [text for text, message in zip(statuses(store, EdiIssue, "text"),
                                           statuses(store, EdiIssue, "message_id"),
                                           strict=True) if message == 1]
    assert len(texts) == 1 and "the 850 0002 could not be stored" in texts[0]


def test_ids_are_never_allocated_for_a_table_sqlite_numbers_with_autoincrement(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL allocates every id from the table's sequence")
    with pytest.raises(ValueError, match="AUTOINCREMENT"):
        bulk.insert_rows_with_ids(session, SalesFact.__table__, [{"quantity": 1}])
