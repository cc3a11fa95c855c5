"""The promise sweep: lines turn at_risk and late as days pass, each change alerts once, and a
shipment or delivery resolves the alert."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine
from sqlalchemy import select

from app.services.clock import today
from app.services.orders import apply_order, apply_order_response
from app.services.promise_sweep import sweep_promises
from app.services.shipments import apply_ship_notice
from app.store.models import Alert, WatchState
from app.store.types import utcnow
from schemas.documents import (
    OrderDoc,
    OrderLineDoc,
    OrderResponseDoc,
    OrderResponseLineDoc,
    PartyRef,
    ProductRef,
    ShipmentLineDoc,
    ShipNoticeDoc,
)

ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")
NORTHWIND = PartyRef(role="buyer", scheme="ZZ", value="NORTHWIND")
PROMISED = date(2026, 12, 10)  # day D; the supplier's lane has the default 2 transit days


def sweep(session, day: date) -> dict:
    with time_machine.travel(datetime(day.year, day.month, day.day, 6, tzinfo=UTC), tick=False):
        return sweep_promises(session, today(), utcnow())


def alerts(session) -> list[tuple[str, str, str]]:
    return [(a.kind, a.subject, a.status) for a in
            session.scalars(select(Alert).order_by(Alert.id))]


def confirmed_line(session, context, northwind, acme) -> int:
    order = apply_order(session, OrderDoc(
        po_number="PO-77", purpose="original", order_date=date(2026, 11, 20), parties=(ACME,),
        lines=(OrderLineDoc(line_number="1", product=ProductRef(gtin="00012345678905"),
                            quantity=Decimal(10), uom="EA",
                            requested_delivery=PROMISED),)), context(northwind, acme))
    apply_order_response(session, OrderResponseDoc(
        po_number="PO-77", status="accepted", parties=(NORTHWIND,),
        lines=(OrderResponseLineDoc(line_number="1", status="accepted", quantity=Decimal(10),
                                    uom="EA", promised_delivery=PROMISED),)),
        context(acme, northwind))
    return order.lines[0].id


def test_a_line_turns_at_risk_in_the_transit_window_then_late_after_its_day(
        session, context, northwind, acme):
    line_id = confirmed_line(session, context, northwind, acme)
    subject = f"order_line:{line_id}"
    first = sweep(session, date(2026, 12, 7))
    assert (first["lines"], first["at_risk"], first["late"], first["raised"]) == (1, 0, 0, 0)
    assert alerts(session) == []

    at_risk = sweep(session, date(2026, 12, 8))  # D - 2 transit days, no ship notice
    assert (at_risk["at_risk"], at_risk["raised"], at_risk["resolved"]) == (1, 1, 0)
    assert alerts(session) == [("promise_at_risk", subject, "open")]
    alert = session.scalars(select(Alert)).one()
    assert alert.partner_id == acme.id and alert.severity == "warning"
    assert (alert.details["po_number"], alert.details["line_number"],
            alert.details["promised_delivery"]) == ("PO-77", "1", "2026-12-10")

    again = sweep(session, date(2026, 12, 9))  # still at risk: nothing new
    assert (again["at_risk"], again["changed"], again["raised"]) == (1, 0, 0)

    late = sweep(session, date(2026, 12, 11))  # the day after D
    assert (late["late"], late["raised"], late["resolved"]) == (1, 1, 1)
    assert alerts(session) == [("promise_at_risk", subject, "resolved"),
                               ("promise_late", subject, "open")]
    state = session.scalars(select(WatchState).where(WatchState.subject == subject)).one()
    assert (state.watch, state.state) == ("promise", "late")


def test_a_shipment_clears_an_at_risk_line(session, context, northwind, acme):
    line_id = confirmed_line(session, context, northwind, acme)
    sweep(session, date(2026, 12, 8))
    apply_ship_notice(session, ShipNoticeDoc(
        shipment_number="ASN-9", shipped_on=date(2026, 12, 8),
        estimated_delivery=date(2026, 12, 9), parties=(NORTHWIND,),
        lines=(ShipmentLineDoc(po_number="PO-77", line_number="1",
                               quantity_shipped=Decimal(10), uom="EA"),)),
        context(acme, northwind))
    cleared = sweep(session, date(2026, 12, 8))
    assert (cleared["at_risk"], cleared["resolved"], cleared["raised"]) == (0, 1, 0)
    assert alerts(session) == [("promise_at_risk", f"order_line:{line_id}", "resolved")]
    delivered = sweep(session, date(2026, 12, 12))  # delivered on time: no alert at all
    assert (delivered["late"], delivered["raised"]) == (0, 0)


def test_a_late_line_delivered_resolves_its_alert(session, context, northwind, acme):
    line_id = confirmed_line(session, context, northwind, acme)
    sweep(session, date(2026, 12, 12))  # straight to late (first sweep after D)
    assert alerts(session) == [("promise_late", f"order_line:{line_id}", "open")]
    apply_ship_notice(session, ShipNoticeDoc(
        shipment_number="ASN-10", shipped_on=date(2026, 12, 12),
        estimated_delivery=date(2026, 12, 13), parties=(NORTHWIND,),
        lines=(ShipmentLineDoc(po_number="PO-77", line_number="1",
                               quantity_shipped=Decimal(10), uom="EA"),)),
        context(acme, northwind))
    swept = sweep(session, date(2026, 12, 14))  # delivered late: the condition is over
    assert (swept["late"], swept["resolved"]) == (0, 1)
    assert alerts(session) == [("promise_late", f"order_line:{line_id}", "resolved")]
