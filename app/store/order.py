"""Queries for orders, their lines and history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Select, String, bindparam, func, insert, or_, select, union
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, selectinload

from app.store import bulk
from app.store.models import (
    Interaction,
    Order,
    OrderLine,
    OrderRevision,
    Partner,
    Promise,
    Shipment,
    ShipmentLine,
)
from app.store.types import utcnow


def get_by_po(session: Session, buyer_id: int, po_number: str, test: bool) -> Order | None:
    return session.scalar(
        select(Order)
        .where(Order.buyer_id == buyer_id, Order.po_number == po_number, Order.test == test)
        .options(selectinload(Order.lines))
    )


def get_visible(session: Session, order_id: int, partner_id: int | None) -> Order | None:
    """An order by id; when `partner_id` is given, only if that partner is its buyer or
    seller (another partner's order is indistinguishable from a missing one)."""
    query = select(Order).where(Order.id == order_id).options(selectinload(Order.lines))
    if partner_id is not None:
        query = query.where(or_(Order.buyer_id == partner_id, Order.seller_id == partner_id))
    return session.scalar(query)


def add(session: Session, order: Order) -> Order:
    session.add(order)
    session.flush()
    return order


def add_lines(session: Session, order: Order, rows: list[dict]) -> None:
    """Insert the lines of an order (dicts of `OrderLine` columns without the order) in one
    executemany; `order.lines` is loaded afresh when next read."""
    if rows:
        session.flush()  # the order, products and the message the lines point to
        now = utcnow()
        session.execute(insert(OrderLine.__table__),
                        [{**row, "order_id": order.id, "created_at": now} for row in rows])
    session.expire(order, ["lines"])


def add_rows(session: Session, rows: list[dict]) -> list[int]:
    """New orders (dicts of `Order` columns) in bulk; returns their ids, in order."""
    return bulk.insert_rows_with_ids(session, Order.__table__, rows)


def add_line_rows(session: Session, rows: list[dict]) -> None:
    """The lines of new orders (dicts of `OrderLine` columns) in bulk."""
    bulk.insert_rows(session, OrderLine.__table__, rows)


def add_revision_rows(session: Session, rows: list[dict]) -> None:
    """Revisions (dicts of `OrderRevision` columns) in bulk."""
    bulk.insert_rows(session, OrderRevision.__table__, rows)


def add_interaction_rows(session: Session, rows: list[dict]) -> None:
    """Timeline entries (dicts of `Interaction` columns) in bulk."""
    bulk.insert_rows(session, Interaction.__table__, rows)


def list_po_numbers_with_history(session: Session, buyer_id: int, po_numbers: list[str],
                                 test: bool) -> set[str]:
    """Which of a buyer's PO numbers the store already knows: an order, or a promise or
    shipped line waiting for the order to arrive."""
    found: set[str] = set()
    if session.get_bind().dialect.name == "postgresql":
        for start in range(0, len(po_numbers), 500):
            found.update(session.scalars(_PO_NUMBERS_WITH_HISTORY, {
                "po_numbers": po_numbers[start:start + 500], "buyer_id": buyer_id,
                "test": test}))
        return found
    for start in range(0, len(po_numbers), 500):
        chunk = po_numbers[start:start + 500]
        found.update(session.scalars(union(
            select(Order.po_number).where(
                Order.buyer_id == buyer_id, Order.po_number.in_(chunk), Order.test == test),
            select(Promise.po_number).where(
                Promise.buyer_id == buyer_id, Promise.po_number.in_(chunk),
                Promise.order_line_id.is_(None), Promise.test == test),
            select(ShipmentLine.po_number).join(Shipment).where(
                Shipment.buyer_id == buyer_id, ShipmentLine.po_number.in_(chunk),
                ShipmentLine.order_line_id.is_(None), ShipmentLine.test == test),
        )))
    return found


def _po_numbers_with_history() -> Select:
    """`list_po_numbers_with_history` on PostgreSQL: each PO number of an array looked up on
    its own, by index. A PO number `IN` list is planned as a scan of all the buyer's orders
    when their statistics are missing or stale, as they are while one transaction writes
    thousands of orders (an ingest): each batch then reads every order written before it."""
    wanted = func.unnest(bindparam("po_numbers", type_=ARRAY(String))).table_valued(
        "po_number").render_derived(name="wanted")
    po_number, buyer_id, test = wanted.c.po_number, bindparam("buyer_id"), bindparam("test")
    # Scalar subqueries with LIMIT, not EXISTS: PostgreSQL turns EXISTS into a join, which
    # the same missing statistics plan as a scan again.
    order = select(Order.id).where(Order.buyer_id == buyer_id, Order.po_number == po_number,
                                   Order.test == test).limit(1)
    promise = select(Promise.id).where(
        Promise.buyer_id == buyer_id, Promise.po_number == po_number,
        Promise.order_line_id.is_(None), Promise.test == test).limit(1)
    shipped = select(ShipmentLine.id).join(Shipment).where(
        Shipment.buyer_id == buyer_id, ShipmentLine.po_number == po_number,
        ShipmentLine.order_line_id.is_(None), ShipmentLine.test == test).limit(1)
    return select(po_number).where(or_(*(query.scalar_subquery().is_not(None)
                                         for query in (order, promise, shipped))))


_PO_NUMBERS_WITH_HISTORY = _po_numbers_with_history()


def add_revision(session: Session, revision: OrderRevision) -> None:
    session.add(revision)
    session.flush()


def list_promises_of_lines(session: Session, line_ids: list[int]) -> list[Promise]:
    if not line_ids:
        return []
    return list(session.scalars(
        select(Promise).where(Promise.order_line_id.in_(line_ids))
        .order_by(Promise.order_line_id, Promise.version)
    ))


def list_shipment_lines_of_lines(session: Session, line_ids: list[int]) -> list[ShipmentLine]:
    if not line_ids:
        return []
    return list(session.scalars(
        select(ShipmentLine).where(ShipmentLine.order_line_id.in_(line_ids))
        .order_by(ShipmentLine.id)
    ))


def next_promise_version(session: Session, *, order_line_id: int | None, buyer_id: int | None,
                         po_number: str, line_number: str | None) -> int:
    """The version the next promise for a line gets: 1 + the highest so far."""
    query = select(func.max(Promise.version))
    if order_line_id is not None:
        query = query.where(Promise.order_line_id == order_line_id)
    else:
        query = query.where(Promise.buyer_id == buyer_id, Promise.po_number == po_number,
                            Promise.line_number == line_number)
    return (session.scalar(query) or 0) + 1


def list_unlinked_promises(session: Session, buyer_id: int, po_number: str,
                           test: bool) -> list[Promise]:
    return list(session.scalars(
        select(Promise).where(Promise.buyer_id == buyer_id, Promise.po_number == po_number,
                              Promise.order_line_id.is_(None), Promise.test == test)
        .order_by(Promise.id)
    ))


def list_unlinked_shipment_lines(session: Session, buyer_id: int, po_number: str,
                                 test: bool) -> list[ShipmentLine]:
    return list(session.scalars(
        select(ShipmentLine).join(Shipment)
        .where(Shipment.buyer_id == buyer_id, ShipmentLine.po_number == po_number,
               ShipmentLine.order_line_id.is_(None), ShipmentLine.test == test)
        .order_by(ShipmentLine.id)
    ))


def add_promise(session: Session, promise: Promise) -> Promise:
    session.add(promise)
    session.flush()
    return promise


def _visible(query, viewer_id: int | None):
    """Either party of an order may see it; ops (viewer None) sees all."""
    if viewer_id is None:
        return query
    return query.where(or_(Order.buyer_id == viewer_id, Order.seller_id == viewer_id))


def list_orders(session: Session, *, viewer_id: int | None, partner_id: int | None,
                after_id: int | None, limit: int, include_test: bool) -> list[Order]:
    query = _visible(select(Order), viewer_id)
    if partner_id is not None:
        query = query.where(or_(Order.buyer_id == partner_id, Order.seller_id == partner_id))
    if not include_test:
        query = query.where(Order.test.is_(False))
    if after_id is not None:
        query = query.where(Order.id < after_id)
    return list(session.scalars(query.order_by(Order.id.desc()).limit(limit)
                                .options(selectinload(Order.lines))))


def list_lines(session: Session, *, viewer_id: int | None, partner_id: int | None,
               include_test: bool, order_id: int | None = None
               ) -> list[tuple[OrderLine, Order]]:
    query = _visible(select(OrderLine, Order).join(Order, Order.id == OrderLine.order_id),
                     viewer_id)
    if partner_id is not None:
        query = query.where(or_(Order.buyer_id == partner_id, Order.seller_id == partner_id))
    if order_id is not None:
        query = query.where(Order.id == order_id)
    if not include_test:
        query = query.where(Order.test.is_(False))
    return [(line, order) for line, order in
            session.execute(query.order_by(Order.id, OrderLine.id))]


def list_shipped_of_lines(session: Session, line_ids: list[int]
                          ) -> list[tuple[ShipmentLine, Shipment]]:
    if not line_ids:
        return []
    rows = []
    for start in range(0, len(line_ids), 500):
        chunk = line_ids[start:start + 500]
        rows.extend(session.execute(
            select(ShipmentLine, Shipment).join(Shipment)
            .where(ShipmentLine.order_line_id.in_(chunk)).order_by(ShipmentLine.id)))
    return [(line, shipment) for line, shipment in rows]


def list_promises_of_line_ids(session: Session, line_ids: list[int]) -> list[Promise]:
    rows: list[Promise] = []
    for start in range(0, len(line_ids), 500):
        rows.extend(list_promises_of_lines(session, line_ids[start:start + 500]))
    return rows


def transit_days_of(session: Session, partner_ids: set[int]) -> dict[int, int]:
    if not partner_ids:
        return {}
    return dict(session.execute(
        select(Partner.id, Partner.lane_transit_days).where(Partner.id.in_(partner_ids))).all())


def open_allocations(session: Session, *, seller_id: int, product_id: int) -> Decimal:
    """Units of a product the seller still owes on open order lines (ordered - shipped)."""
    lines = select(OrderLine.id, OrderLine.quantity).join(Order).where(
        Order.seller_id == seller_id, Order.status == "open", Order.test.is_(False),
        OrderLine.product_id == product_id, OrderLine.status == "open")
    rows = session.execute(lines).all()
    if not rows:
        return Decimal(0)
    shipped = dict(session.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity_shipped))
        .where(ShipmentLine.order_line_id.in_([r.id for r in rows]))
        .group_by(ShipmentLine.order_line_id)).all())
    return sum((max(r.quantity - shipped.get(r.id, Decimal(0)), Decimal(0)) for r in rows),
               Decimal(0))


def inbound_shipments(session: Session, *, location_id: int, product_id: int
                      ) -> list[tuple[date | None, date | None, Decimal]]:
    """(shipped on, estimated delivery, quantity) of ship notices to a location."""
    return [(s, e, q) for s, e, q in session.execute(
        select(Shipment.shipped_at, Shipment.estimated_delivery, ShipmentLine.quantity_shipped)
        .join(Shipment).where(Shipment.ship_to_id == location_id, Shipment.test.is_(False),
                              ShipmentLine.product_id == product_id))]
