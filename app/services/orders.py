"""Orders and promises: create, replace/change (keeping history), cancel; every promise a new
version per line; promises and ship notices that came before their order are linked when it
arrives."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from app.services import parties
from app.services.parties import FactContext
from app.store import order as order_store
from app.store.models import (
    Interaction,
    Order,
    OrderLine,
    OrderRevision,
    Partner,
    Product,
    Promise,
)
from app.store.types import utcnow
from schemas.documents import OrderDoc, OrderResponseDoc, OrderResponseLineDoc


def apply_order(session, doc: OrderDoc, ctx: FactContext) -> Order:
    buyer = ctx.sender
    seller = parties.counterparty(session, doc.party("seller"), ctx, role="manufacturer")
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
        order.status = "cancelled" if doc.purpose == "cancel" else "open"
        if doc.purpose == "cancel":
            for line in order.lines:
                line.status = "cancelled"
    if doc.purpose != "cancel":
        order.seller_id = seller.id if seller else order.seller_id
        order.ship_to_id = ship_to.id if ship_to else order.ship_to_id
        order.order_date = doc.order_date or order.order_date
        order.currency = doc.currency or order.currency
        order.requested_delivery = doc.requested_delivery
        order.requested_ship = doc.requested_ship
        _apply_lines(session, order, doc, ctx, buyer, seller)
    order_store.add_revision(session, OrderRevision(
        order_id=order.id, revision=order.revision, purpose=doc.purpose,
        message_id=ctx.message_id, snapshot=doc.model_dump(mode="json"),
    ))
    _link_waiting_documents(session, order, buyer)
    session.add(Interaction(**_order_interaction(doc, ctx)))
    session.flush()
    return order


def apply_new_orders(session, placed: list[tuple[OrderDoc, FactContext]]) -> None:
    """`apply_order` for many orders of one buyer at once, writing what it would write with
    one statement per table. Only for orders it would create: none cancels, no two share a
    PO number, and the store knows none of their PO numbers (`po_numbers_with_history`: no
    order, and no promise or ship notice waiting for it)."""
    if not placed:
        return
    buyer = placed[0][1].sender
    products = parties.resolve_products(
        session, [ld.product for doc, _ in placed for ld in doc.lines], buyer)
    sellers_by_party: dict = {}  # resolving a named seller again finds what the first found
    sellers, orders = [], []
    now = utcnow()
    for doc, ctx in placed:
        seller_ref = doc.party("seller")
        if seller_ref not in sellers_by_party:
            sellers_by_party[seller_ref] = parties.counterparty(session, seller_ref, ctx,
                                                                role="manufacturer")
        seller = sellers_by_party[seller_ref]
        ship_to_ref = doc.party("ship_to")
        ship_to = parties.resolve_location(session, ship_to_ref, buyer) if ship_to_ref else None
        sellers.append(seller)
        orders.append(dict(
            buyer_id=buyer.id, po_number=doc.po_number, purpose=doc.purpose, test=ctx.test,
            message_id=ctx.message_id, segment_number=doc.segment_number, revision=1,
            status="open", seller_id=seller.id if seller else None,
            ship_to_id=ship_to.id if ship_to else None, order_date=doc.order_date,
            currency=doc.currency, requested_delivery=doc.requested_delivery,
            requested_ship=doc.requested_ship, created_at=now, updated_at=now,
        ))
    order_ids = order_store.add_rows(session, orders)
    lines = []
    for order_id, (doc, ctx), seller in zip(order_ids, placed, sellers, strict=True):
        for ld in doc.lines:
            product = products[ld.product]
            parties.claim_product(product, seller)
            lines.append(dict(order_id=order_id, line_number=ld.line_number, created_at=now,
                              **_line_row(ld, doc, ctx, product)))
    order_store.add_line_rows(session, lines)
    order_store.add_revision_rows(session, [
        dict(order_id=order_id, revision=1, purpose=doc.purpose, message_id=ctx.message_id,
             snapshot=doc.model_dump(mode="json"), created_at=now)
        for order_id, (doc, ctx) in zip(order_ids, placed, strict=True)])
    order_store.add_interaction_rows(session, [
        dict(_order_interaction(doc, ctx), created_at=now) for doc, ctx in placed])


def po_numbers_with_history(session, buyer: Partner, po_numbers: list[str],
                            test: bool) -> set[str]:
    """The PO numbers `apply_new_orders` must leave to `apply_order`: orders the store holds,
    or that a promise or ship notice is waiting for."""
    return order_store.list_po_numbers_with_history(session, buyer.id, po_numbers, test)


def _order_interaction(doc: OrderDoc, ctx: FactContext) -> dict:
    """The order on its buyer's timeline (`Interaction` columns)."""
    suffix = f" ({doc.purpose})" if doc.purpose != "original" else ""
    return dict(
        partner_id=ctx.sender.id, kind="order", occurred_at=ctx.when(doc.order_date),
        reference=f"PO {doc.po_number}{suffix}", amount=doc.total, currency=doc.currency,
        message_id=ctx.message_id, test=ctx.test,
    )


def _apply_lines(session, order: Order, doc: OrderDoc, ctx: FactContext, buyer: Partner,
                 seller: Partner | None) -> None:
    """Lines named in the document are set as sent; a replace cancels the lines it no longer
    names (kept, for the history)."""
    existing = {line.line_number: line for line in order.lines}
    if not existing:  # a new order: its lines are written in one statement
        _add_lines(session, order, doc, ctx, buyer, seller)
        return
    named = set()
    for ld in doc.lines:
        named.add(ld.line_number)
        values = _line_values(session, ld, doc, ctx, buyer, seller)
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


def _add_lines(session, order: Order, doc: OrderDoc, ctx: FactContext, buyer: Partner,
               seller: Partner | None) -> None:
    """The lines of an order that has none yet, in bulk, with the values `_apply_lines`
    gives them (a line number sent twice is refused by the store, as it was line by line)."""
    rows = [dict(line_number=ld.line_number, **_line_values(session, ld, doc, ctx, buyer, seller))
            for ld in doc.lines]
    order_store.add_lines(session, order, rows)


def _line_values(session, ld, doc: OrderDoc, ctx: FactContext, buyer: Partner,
                 seller: Partner | None) -> dict:
    """What an order line holds as the document sends it (its product resolved and claimed
    by the seller)."""
    product = parties.resolve_product(session, ld.product, buyer)
    parties.claim_product(product, seller)
    return _line_row(ld, doc, ctx, product)


def _line_row(ld, doc: OrderDoc, ctx: FactContext, product: Product | None) -> dict:
    """The columns of an order line as the document sends it, its product resolved."""
    return dict(
        product_id=product.id if product else None,
        quantity=ld.quantity, uom=ld.uom, base_quantity=ld.base_quantity,
        pack_size=ld.pack_size, unit_price=ld.unit_price, currency=doc.currency,
        requested_delivery=ld.requested_delivery or doc.requested_delivery,
        requested_ship=ld.requested_ship or doc.requested_ship,
        description=ld.product.description, status="open",
        message_id=ctx.message_id, segment_number=ld.segment_number,
        raw_qualifier=ld.raw_qualifier, test=ctx.test,
    )


def _link_waiting_documents(session, order: Order, buyer: Partner) -> None:
    """Promises and shipped lines that arrived before the order point to its lines now."""
    promises = order_store.list_unlinked_promises(session, buyer.id, order.po_number,
                                                  order.test)
    shipped_lines = order_store.list_unlinked_shipment_lines(session, buyer.id,
                                                             order.po_number, order.test)
    if not promises and not shipped_lines:
        return  # the usual case: nothing waited, and the lines need not be loaded
    by_number = {line.line_number: line for line in order.lines}
    by_product = {line.product_id: line for line in order.lines if line.product_id}
    for promise in promises:
        line = by_number.get(promise.line_number or "")
        if line is not None:
            promise.order_line_id = line.id
    for shipped in shipped_lines:
        line = by_number.get(shipped.line_number or "") or by_product.get(shipped.product_id)
        if line is not None:
            shipped.order_line_id = line.id
    session.flush()


def match_line(order: Order | None, line_number: str | None,
               product_id: int | None) -> OrderLine | None:
    if order is None:
        return None
    if line_number:
        for line in order.lines:
            if line.line_number == line_number:
                return line
    if product_id is not None:
        for line in order.lines:
            if line.product_id == product_id:
                return line
    return None


def apply_order_response(session, doc: OrderResponseDoc, ctx: FactContext) -> list[Promise]:
    """Each response adds a new promise version for every line it speaks of; a response
    without lines (accept or reject the whole order) speaks of every line of the order."""
    seller = ctx.sender
    buyer = parties.counterparty(session, doc.party("buyer"), ctx, role="distributor")
    buyer_id = buyer.id if buyer else None
    order = (order_store.get_by_po(session, buyer_id, doc.po_number, ctx.test)
             if buyer_id is not None else None)
    line_docs: list[OrderResponseLineDoc] = list(doc.lines)
    if not line_docs:
        line_docs = _whole_order_lines(doc, order)
    grouped: dict[tuple, list[OrderResponseLineDoc]] = defaultdict(list)
    for ld in line_docs:
        product = parties.resolve_product(session, ld.product, seller)
        parties.claim_product(product, seller)
        line = match_line(order, ld.line_number, product.id if product else None)
        grouped[(line.id if line else None, ld.line_number)].append(ld)
    promises = []
    for (line_id, line_number), docs in grouped.items():
        version = order_store.next_promise_version(
            session, order_line_id=line_id, buyer_id=buyer_id, po_number=doc.po_number,
            line_number=line_number)  # one new version per line, shared by its split parts
        for ld in docs:
            promises.append(order_store.add_promise(session, Promise(
                order_line_id=line_id, supplier_id=seller.id, buyer_id=buyer_id,
                po_number=doc.po_number, line_number=ld.line_number, version=version,
                status=ld.status, quantity=ld.quantity, uom=ld.uom,
                promised_ship=ld.promised_ship, promised_delivery=ld.promised_delivery,
                unit_price=ld.unit_price, message_id=ctx.message_id,
                segment_number=ld.segment_number, raw_qualifier=ld.raw_qualifier or
                doc.raw_status, test=ctx.test,
            )))
    value = sum((p.quantity * p.unit_price for p in promises
                 if p.quantity is not None and p.unit_price is not None), Decimal(0))
    session.add(Interaction(  # on the customer's timeline: the buyer the promise is for
        partner_id=buyer_id or ctx.sender.id, kind="promise",
        occurred_at=ctx.when(doc.response_date),
        reference=f"PO {doc.po_number} {doc.status}", amount=value or None,
        currency=doc.currency, message_id=ctx.message_id, test=ctx.test,
    ))
    session.flush()
    return promises


def _whole_order_lines(doc: OrderResponseDoc, order: Order | None) -> list[OrderResponseLineDoc]:
    status = "rejected" if doc.status == "rejected" else "accepted"
    if order is None or not order.lines:
        return [OrderResponseLineDoc(line_number=None, status=status, raw_status=doc.raw_status,
                                     segment_number=doc.segment_number)]
    return [
        OrderResponseLineDoc(
            line_number=line.line_number, status=status, raw_status=doc.raw_status,
            quantity=None if status == "rejected" else line.quantity,
            ordered_quantity=line.quantity, uom=line.uom,
            promised_delivery=None if status == "rejected" else line.requested_delivery,
            segment_number=doc.segment_number,
        )
        for line in order.lines if line.status != "cancelled"
    ]
