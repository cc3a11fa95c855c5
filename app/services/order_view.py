"""Read an order with its lines, every promise version and the shipped quantities."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from app.errors import NotFound
from app.security import Caller
from app.store import order as order_store
from app.store.models import Product
from schemas.api import OrderLineRead, OrderRead, PromiseRead, ShipmentLineRead


def get_order(session: Session, order_id: int, caller: Caller) -> OrderRead:
    order = order_store.get_visible(session, order_id,
                                    None if caller.is_ops else caller.partner_id)
    if order is None:
        raise NotFound(f"order {order_id} does not exist")
    line_ids = [line.id for line in order.lines]
    promises = defaultdict(list)
    for p in order_store.list_promises_of_lines(session, line_ids):
        promises[p.order_line_id].append(PromiseRead.model_validate(p))
    shipments = defaultdict(list)
    for s in order_store.list_shipment_lines_of_lines(session, line_ids):
        shipments[s.order_line_id].append(ShipmentLineRead.model_validate(s))
    lines = []
    for line in order.lines:
        product = session.get(Product, line.product_id) if line.product_id else None
        read = OrderLineRead.model_validate(line)
        lines.append(read.model_copy(update={
            "gtin": product.gtin if product else None,
            "promises": promises[line.id], "shipments": shipments[line.id],
        }))
    read = OrderRead.model_validate(order)
    return read.model_copy(update={"lines": lines})
