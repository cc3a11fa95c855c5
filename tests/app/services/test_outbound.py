"""Interchanges the hub sends and their acknowledgements, end to end: fetching signals.edi
records each interchange sent; the partner's 997/999/CONTRL uploaded for it settles it; one
left unanswered past the partner's window becomes overdue with an alert."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

import edi
from app.services.demand import apply_product_activity
from app.services.outbound import sweep_acknowledgements
from app.store.models import Alert, OutboundInterchange
from app.store.types import utcnow
from schemas.documents import (
    InventoryLineDoc,
    PartyRef,
    ProductActivityDoc,
    ProductRef,
    SalesLineDoc,
)

A = "00012345678905"
S1 = PartyRef(role="location", scheme="ZZ", value="S1", location_code="S1")
ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")
SENT = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture
def chain(session, context, make_partner):
    """Northwind's store S1 runs low on Acme's product A (a critical signal, 17 to order)."""
    with time_machine.travel(SENT, tick=False):
        northwind, nw = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
        _, ac = make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS"])
        weeks = [date(2026, 11, 3) + timedelta(days=7 * i) for i in range(4)]
        apply_product_activity(session, ProductActivityDoc(
            parties=(ACME,),
            sales=tuple(SalesLineDoc(location=S1, product=ProductRef(gtin=A), measure="sold",
                                     quantity=Decimal(q), uom="EA", period_start=w,
                                     period_end=w + timedelta(days=6), raw_qualifier="ZA:QS")
                        for w, q in zip(weeks, (14, 14, 21, 7), strict=True)),
            inventory=(InventoryLineDoc(location=S1, product=ProductRef(gtin=A),
                                        as_of=date(2026, 11, 30), on_hand=Decimal(12),
                                        available=Decimal(10), uom="EA",
                                        raw_qualifier="ZA:OH"),)), context(northwind))
        session.commit()
    return {"northwind": northwind, "nw": {"Authorization": f"Bearer {nw}"},
            "acme": {"Authorization": f"Bearer {ac}"}}


def fetch(client, chain, fmt: str) -> edi.Interchange:
    with time_machine.travel(SENT, tick=False):
        response = client.get(f"/v1/replenishment/signals.edi?format={fmt}",
                              headers=chain["acme"])
    assert response.status_code == 200, response.text
    [interchange] = edi.parse(response.content).interchanges
    return interchange


def upload(client, chain, text: str, when: datetime) -> dict:
    with time_machine.travel(when, tick=False):
        response = client.post("/v1/interchanges", content=text.encode(),
                               headers={**chain["nw"], "Content-Type": "application/edi-x12"})
    assert response.status_code == 201, response.text
    return response.json()


def x12_997(group_control: str, status: str = "A", control: int = 501) -> str:
    accepted = "1" if status == "A" else "0"
    return ("ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      "
            f"*261201*1300*U*00401*{control:09d}*0*P*>~GS*FA*NORTHWIND*ACMEFOODS*20261201*1300"
            f"*{control}*X*004010~ST*997*0001~AK1*PO*{group_control}~AK2*850*0001~"
            f"AK5*{status}~AK9*{status}*1*1*{accepted}~SE*6*0001~GE*1*{control}~"
            f"IEA*1*{control:09d}~")


def records(session) -> list[OutboundInterchange]:
    session.expire_all()
    return list(session.scalars(select(OutboundInterchange).order_by(OutboundInterchange.id)))


def test_signals_edi_records_the_interchange_and_a_997_accepts_it(client, session, chain):
    sent = fetch(client, chain, "x12-850")
    [record] = records(session)
    assert (record.partner_id, record.standard, record.type, record.status) == (
        chain["northwind"].id, "x12", "850", "sent")
    assert record.interchange_control == str(int(sent.envelope.control_number))
    assert record.group_control == sent.groups[0].envelope.control_number
    assert (record.sent_at, record.due_at) == (SENT, SENT + timedelta(hours=24))
    assert record.receiver == "ZZ:NORTHWIND" and record.sender == "ZZ:ACMEFOODS"

    body = upload(client, chain, x12_997(record.group_control), SENT + timedelta(hours=1))
    [message] = body["interchanges"][0]["messages"]
    assert (message["type"], message["status"]) == ("997", "accepted")
    [record] = records(session)
    assert (record.status, record.ack_status, record.acknowledged_at) == (
        "accepted", "accepted", SENT + timedelta(hours=1))
    assert record.ack_message_id is not None
    # an accepted interchange never becomes overdue
    assert sweep_acknowledgements(session, SENT + timedelta(days=3)) == {"overdue": 0,
                                                                         "raised": 0}


def test_an_unanswered_interchange_becomes_overdue_after_the_window(client, session, chain):
    fetch(client, chain, "x12-850")
    [first] = records(session)

    with time_machine.travel(SENT + timedelta(hours=23, minutes=59), tick=False):
        assert sweep_acknowledgements(session, utcnow())["overdue"] == 0  # within the window
    with time_machine.travel(SENT + timedelta(hours=24, minutes=1), tick=False):
        assert sweep_acknowledgements(session, utcnow()) == {"overdue": 1, "raised": 1}
    assert [r.status for r in records(session)] == ["overdue"]
    alert = session.scalars(select(Alert)).one()
    assert (alert.kind, alert.subject, alert.partner_id, alert.status) == (
        "ack_overdue", f"outbound:{first.id}", chain["northwind"].id, "open")
    assert alert.details["group_control"] == first.group_control

    # a late 997 that rejects it still settles it, and closes the alert
    upload(client, chain, x12_997(first.group_control, "R", 502), SENT + timedelta(days=2))
    first = records(session)[0]
    assert (first.status, first.ack_status) == ("rejected", "rejected")
    session.refresh(alert)
    assert alert.status == "resolved"


def test_a_newer_fetch_supersedes_the_copy_still_waiting(client, session, chain):
    fetch(client, chain, "x12-850")
    answered = fetch(client, chain, "x12-850")  # fetched again: the newer copy is passed on
    first, second = records(session)
    assert (first.status, second.status) == ("superseded", "sent")
    assert answered.groups[0].envelope.control_number == second.group_control
    upload(client, chain, x12_997(second.group_control), SENT + timedelta(hours=2))

    with time_machine.travel(SENT + timedelta(days=2), tick=False):
        assert sweep_acknowledgements(session, utcnow()) == {"overdue": 0, "raised": 0}
    assert [r.status for r in records(session)] == ["superseded", "accepted"]
    assert session.scalars(select(Alert)).all() == []


def test_a_contrl_settles_an_edifact_interchange_by_its_reference(client, session, chain):
    sent = fetch(client, chain, "edifact-orders")
    [record] = records(session)
    assert (record.standard, record.type) == ("edifact", "ORDERS")
    reference = sent.envelope.control_number
    contrl = ("UNA:+.? 'UNB+UNOC:3+NORTHWIND:ZZZ+ACMEFOODS:ZZZ+261201:1300+900'"
              "UNH+1+CONTRL:D:3:UN'UCI+{ref}+ACMEFOODS:ZZZ+NORTHWIND:ZZZ+{action}'"
              "UNT+3+1'UNZ+1+900'")
    upload(client, chain, contrl.format(ref=reference, action="8"), SENT + timedelta(hours=1))
    [record] = records(session)
    assert (record.status, record.ack_status) == ("sent", "received")  # not an answer yet
    upload(client, chain, contrl.format(ref=reference, action="7").replace("+900'", "+901'"),
           SENT + timedelta(hours=2))
    [record] = records(session)
    assert (record.status, record.ack_status) == ("accepted", "accepted")


def test_an_acknowledgement_of_something_never_sent_changes_nothing(client, session, chain):
    fetch(client, chain, "x12-850")
    body = upload(client, chain, x12_997("98765"), SENT + timedelta(hours=1))
    assert body["interchanges"][0]["messages"][0]["status"] == "accepted"
    assert [r.status for r in records(session)] == ["sent"]
