"""Read orders: a page of them, or one with its lines, every promise version, the shipped
quantities and each line's delivery status as of today."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from app.errors import NotFound
from app.security import Caller
from app.services.paging import cursor_int, encode_cursor
from app.services.promises import thread_lines
from app.store import order as order_store
from app.store import product as product_store
from schemas.api import (
    OrderLineRead,
    OrderRead,
    OrderSummaryRead,
    Page,
    PromiseRead,
    ShipmentLineRead,
)


def _viewer(caller: Caller) -> int | None:
    return None if caller.is_ops else caller.partner_id


def list_orders(session: Session, caller: Caller, *, partner_id: int | None,
                include_test: bool, cursor: str | None, limit: int) -> Page[OrderSummaryRead]:
    after = cursor_int(cursor, "before_id")
    orders = order_store.list_orders(session, viewer_id=_viewer(caller), partner_id=partner_id,
                                     after_id=after, limit=limit + 1, include_test=include_test)
    items = [OrderSummaryRead.model_validate(o).model_copy(update={"line_count": len(o.lines)})
             for o in orders[:limit]]
    more = len(orders) > limit
    return Page[OrderSummaryRead](
        items=items,
        next_cursor=encode_cursor({"before_id": items[-1].id}) if more and items else None)


def get_order(session: Session, order_id: int, caller: Caller, today: date) -> OrderRead:
    order = order_store.get_visible(session, order_id, _viewer(caller))
    if order is None:
        raise NotFound(f"order {order_id} does not exist")
    threaded = {t.line.id: t for t in thread_lines(
        session, [(line, order) for line in order.lines], today)}
    shipments = defaultdict(list)
    for s in order_store.list_shipment_lines_of_lines(session, list(threaded)):
        shipments[s.order_line_id].append(ShipmentLineRead.model_validate(s))
    lines = []
    for line in order.lines:
        t = threaded[line.id]
        product = product_store.get_by_id(session, line.product_id) if line.product_id else None
        lines.append(OrderLineRead.model_validate(line).model_copy(update={
            "gtin": product.gtin if product else None,
            "promises": [PromiseRead.model_validate(p) for p in t.promises],
            "shipments": shipments[line.id],
            "delivery_status": t.status.status, "delay_days": t.status.delay_days,
            "promised_delivery": t.status.promised_delivery,
            "expected_delivery": t.status.expected_delivery,
            "shipped_quantity": t.status.shipped_quantity,
        }))
    return OrderRead.model_validate(order).model_copy(update={"lines": lines})
