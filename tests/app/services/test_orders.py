"""Orders and promises in the store: versions, history, cancel, late linking, test data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.services.orders import apply_order, apply_order_response
from app.store.models import Interaction, OrderRevision, Promise
from schemas.documents import (
    OrderDoc,
    OrderLineDoc,
    OrderResponseDoc,
    OrderResponseLineDoc,
    PartyRef,
    ProductRef,
)

GTIN_A, GTIN_B = "00012345678905", "04006381333931"
ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")
NORTHWIND = PartyRef(role="buyer", scheme="ZZ", value="NORTHWIND")


def order(purpose="original", lines=((GTIN_A, "1", 10), (GTIN_B, "2", 5))) -> OrderDoc:
    return OrderDoc(
        po_number="PO-1", purpose=purpose, order_date=date(2026, 11, 20), currency="USD",
        parties=(ACME,), requested_delivery=date(2026, 12, 1),
        lines=tuple(OrderLineDoc(line_number=n, product=ProductRef(gtin=g),
                                 quantity=Decimal(q), uom="EA", unit_price=Decimal("2.00"))
                    for g, n, q in lines),
    )


def response(status, lines, po="PO-1") -> OrderResponseDoc:
    return OrderResponseDoc(po_number=po, status=status, parties=(NORTHWIND,), lines=tuple(
        OrderResponseLineDoc(line_number=n, status=s, quantity=Decimal(q), uom="EA",
                             promised_delivery=d) for n, s, q, d in lines))


def test_replace_updates_lines_cancels_dropped_ones_and_keeps_history(
        session, context, northwind, acme):
    apply_order(session, order(), context(northwind, acme))
    replaced = apply_order(session, order("replace", ((GTIN_A, "1", 12),)),
                           context(northwind, acme))
    lines = {ln.line_number: ln for ln in replaced.lines}
    assert lines["1"].quantity == Decimal(12) and lines["1"].status == "open"
    assert lines["2"].status == "cancelled"
    assert replaced.revision == 2 and replaced.purpose == "replace"
    revisions = session.scalars(select(OrderRevision).order_by(OrderRevision.revision)).all()
    assert [(r.revision, r.purpose) for r in revisions] == [(1, "original"), (2, "replace")]
    assert revisions[0].snapshot["lines"][0]["quantity"] == "10"


def test_cancel_cancels_the_order_and_its_lines(session, context, northwind, acme):
    apply_order(session, order(), context(northwind, acme))
    cancelled = apply_order(session, order("cancel", ()), context(northwind, acme))
    assert cancelled.status == "cancelled"
    assert {ln.status for ln in cancelled.lines} == {"cancelled"}


def test_each_response_adds_a_promise_version_per_line(session, context, northwind, acme):
    placed = apply_order(session, order(), context(northwind, acme))
    apply_order_response(session, response("accepted", [
        ("1", "accepted", 10, date(2026, 12, 1)), ("2", "accepted", 5, date(2026, 12, 1))]),
        context(acme, northwind))
    apply_order_response(session, response("changed", [
        ("2", "changed", 3, date(2026, 12, 5)), ("2", "backordered", 2, date(2026, 12, 20))]),
        context(acme, northwind))
    line2 = next(ln for ln in placed.lines if ln.line_number == "2")
    promises = session.scalars(select(Promise).where(Promise.order_line_id == line2.id)
                               .order_by(Promise.version, Promise.id)).all()
    assert [(p.version, p.status, p.quantity) for p in promises] == [
        (1, "accepted", Decimal(5)), (2, "changed", Decimal(3)),
        (2, "backordered", Decimal(2))]


def test_promise_before_its_order_is_linked_when_the_order_arrives(
        session, context, northwind, acme):
    apply_order_response(session, response("accepted", [("1", "accepted", 10, None)]),
                         context(acme, northwind))
    waiting = session.scalars(select(Promise)).one()
    assert waiting.order_line_id is None and waiting.po_number == "PO-1"
    placed = apply_order(session, order(), context(northwind, acme))
    session.refresh(waiting)
    line1 = next(ln for ln in placed.lines if ln.line_number == "1")
    assert waiting.order_line_id == line1.id


def test_whole_order_rejection_speaks_for_every_line(session, context, northwind, acme):
    apply_order(session, order(), context(northwind, acme))
    apply_order_response(session, OrderResponseDoc(po_number="PO-1", status="rejected",
                                                   parties=(NORTHWIND,)),
                         context(acme, northwind))
    statuses = session.scalars(select(Promise.status)).all()
    assert sorted(statuses) == ["rejected", "rejected"]


def test_test_orders_are_kept_apart_from_production(session, context, northwind, acme):
    production = apply_order(session, order(), context(northwind, acme))
    test = apply_order(session, order(), context(northwind, acme, test=True))
    assert production.id != test.id
    assert (production.test, test.test) == (False, True)
    assert production.revision == 1


def test_order_is_an_interaction_of_the_buyer_with_its_value(session, context, northwind, acme):
    apply_order(session, order(), context(northwind, acme))
    interaction = session.scalars(select(Interaction)).one()
    assert (interaction.partner_id, interaction.kind) == (northwind.id, "order")
    assert interaction.amount == Decimal("30.0000")  # (10 + 5) x 2.00


def test_products_sold_by_a_manufacturer_are_claimed_by_it(session, context, northwind, acme):
    placed = apply_order(session, order(), context(northwind, acme))
    from app.store.models import Product
    products = session.scalars(select(Product).where(
        Product.id.in_([ln.product_id for ln in placed.lines]))).all()
    assert {p.manufacturer_id for p in products} == {acme.id}
