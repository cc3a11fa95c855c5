"""Queries for shipments (ship notices)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import Shipment


def get_by_number(session: Session, supplier_id: int | None, shipment_number: str,
                  test: bool) -> Shipment | None:
    return session.scalar(
        select(Shipment).where(Shipment.supplier_id == supplier_id,
                               Shipment.shipment_number == shipment_number,
                               Shipment.test == test)
    )


def add(session: Session, shipment: Shipment) -> Shipment:
    session.add(shipment)
    session.flush()
    return shipment


def delete(session: Session, shipment: Shipment) -> None:
    session.delete(shipment)
    session.flush()
