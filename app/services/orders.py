"""Apply purchase orders to the store: create, replace/change (keeping history), cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.services import parties
from app.store import order as order_store
from app.store.models import Interaction, Order, OrderLine, OrderRevision, Partner
from app.store.types import utcnow
from schemas.documents import OrderDoc


@dataclass(frozen=True, slots=True)
class FactContext:
    """Where facts come from: the stored message, its sender and whether it is test data."""

    message_id: int
    sender: Partner
    test: bool
    received_at: datetime


def apply_order(session, doc: OrderDoc, ctx: FactContext) -> Order:
    buyer_ref = doc.party("buyer")
    buyer = (parties.resolve_party(session, buyer_ref, default_role="distributor")
             if buyer_ref is not None else ctx.sender)
    seller_ref = doc.party("seller")
    seller = (parties.resolve_party(session, seller_ref, default_role="manufacturer")
              if seller_ref is not None else None)
    ship_to_ref = doc.party("ship_to")
    ship_to = parties.resolve_location(session, ship_to_ref, buyer) if ship_to_ref else None

    order = order_store.get_by_po(session, buyer.id, doc.po_number, ctx.test)
    if order is None:
        order = order_store.add(session, Order(
            buyer_id=buyer.id, po_number=doc.po_number, purpose=doc.purpose, test=ctx.test,
            message_id=ctx.message_id, segment_number=doc.segment_number, revision=1,
            status="cancelled" if doc.purpose == "cancel" else "open",
        ))
    else:
        order.revision += 1
        order.purpose = doc.purpose
        order.message_id = ctx.message_id
        order.segment_number = doc.segment_number
        order.updated_at = utcnow()
        if doc.purpose == "cancel":
            order.status = "cancelled"
            for line in order.lines:
                line.status = "cancelled"
        else:
            order.status = "open"
    if doc.purpose != "cancel":
        order.seller_id = seller.id if seller else order.seller_id
        order.ship_to_id = ship_to.id if ship_to else order.ship_to_id
        order.order_date = doc.order_date or order.order_date
        order.currency = doc.currency or order.currency
        order.requested_delivery = doc.requested_delivery
        order.requested_ship = doc.requested_ship
        _apply_lines(session, order, doc, ctx, buyer)
    order_store.add_revision(session, OrderRevision(
        order_id=order.id, revision=order.revision, purpose=doc.purpose,
        message_id=ctx.message_id, snapshot=doc.model_dump(mode="json"),
    ))
    suffix = f" ({doc.purpose})" if doc.purpose != "original" else ""
    session.add(Interaction(
        partner_id=buyer.id, kind="order", occurred_at=ctx.received_at,
        reference=f"PO {doc.po_number}{suffix}",
        amount=doc.total, currency=doc.currency, message_id=ctx.message_id, test=ctx.test,
    ))
    session.flush()
    return order


def _apply_lines(session, order: Order, doc: OrderDoc, ctx: FactContext, buyer: Partner) -> None:
    """Replace/change semantics: lines named in the document are set as sent; for a replace,
    lines the document no longer names are cancelled (kept, for the history)."""
    existing = {line.line_number: line for line in order.lines}
    named = set()
    for ld in doc.lines:
        named.add(ld.line_number)
        product = parties.resolve_product(session, ld.product, buyer)
        values = dict(
            product_id=product.id if product else None,
            quantity=ld.quantity, uom=ld.uom, base_quantity=ld.base_quantity,
            pack_size=ld.pack_size, unit_price=ld.unit_price, currency=doc.currency,
            requested_delivery=ld.requested_delivery or doc.requested_delivery,
            requested_ship=ld.requested_ship or doc.requested_ship,
            description=ld.product.description, status="open",
            message_id=ctx.message_id, segment_number=ld.segment_number,
            raw_qualifier=ld.raw_qualifier, test=ctx.test,
        )
        line = existing.get(ld.line_number)
        if line is None:
            order.lines.append(OrderLine(line_number=ld.line_number, **values))
        else:
            for key, value in values.items():
                setattr(line, key, value)
    if doc.purpose == "replace":
        for number, line in existing.items():
            if number not in named:
                line.status = "cancelled"
    session.flush()
