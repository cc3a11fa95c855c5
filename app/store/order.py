"""Queries for orders, their lines and history."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.store.models import Order, OrderLine, OrderRevision, Promise, Shipment, ShipmentLine


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


def delete_lines(session: Session, lines: list[OrderLine]) -> None:
    for line in lines:
        session.delete(line)
    session.flush()


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
