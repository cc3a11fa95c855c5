"""Queries for orders, their lines and history."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.store.models import Order, OrderLine, OrderRevision, Promise, ShipmentLine


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
