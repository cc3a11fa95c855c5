"""Queries for products and their cross-references."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import Product, ProductIdentifier


def get_by_gtin(session: Session, gtin: str) -> Product | None:
    return session.scalar(select(Product).where(Product.gtin == gtin))


def get_by_reference(session: Session, scheme: str, value: str,
                     partner_id: int | None) -> Product | None:
    return session.scalar(
        select(Product)
        .join(ProductIdentifier)
        .where(
            ProductIdentifier.scheme == scheme,
            ProductIdentifier.value == value,
            ProductIdentifier.partner_id == partner_id,
        )
    )


def add(session: Session, *, gtin: str | None, description: str | None,
        needs_review: bool) -> Product:
    product = Product(gtin=gtin, description=description, needs_review=needs_review)
    session.add(product)
    session.flush()
    return product


def add_reference(session: Session, product: Product, scheme: str, value: str,
                  partner_id: int | None) -> None:
    if get_by_reference(session, scheme, value, partner_id) is None:
        session.add(ProductIdentifier(product_id=product.id, scheme=scheme, value=value,
                                      partner_id=partner_id))
        session.flush()


def get_by_id(session: Session, product_id: int) -> Product | None:
    return session.get(Product, product_id)


def gtins_of(session: Session, product_ids: set[int]) -> dict[int, str | None]:
    if not product_ids:
        return {}
    return dict(session.execute(
        select(Product.id, Product.gtin).where(Product.id.in_(product_ids))).all())
