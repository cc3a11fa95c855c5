"""Queries for invoices."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.store.models import Invoice


def get_by_number(session: Session, seller_id: int, invoice_number: str,
                  test: bool) -> Invoice | None:
    return session.scalar(
        select(Invoice)
        .where(Invoice.seller_id == seller_id, Invoice.invoice_number == invoice_number,
               Invoice.test == test)
        .options(selectinload(Invoice.lines))
    )


def add(session: Session, invoice: Invoice) -> Invoice:
    session.add(invoice)
    session.flush()
    return invoice
