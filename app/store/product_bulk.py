"""Products and their cross-references many at a time: found in one query, added in one
insert, for resolving the lines of many documents at once
(`app.services.parties.resolve_products`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store import bulk
from app.store.models import Product, ProductIdentifier
from app.store.types import utcnow

# Keys per IN list: well below SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 500


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def list_by_gtins(session: Session, gtins: Iterable[str]) -> dict[str, Product]:
    """The products that have these GTINs, by GTIN (a GTIN names one product)."""
    found: dict[str, Product] = {}
    for chunk in _chunks(gtins):
        for product in session.scalars(select(Product).where(Product.gtin.in_(chunk))):
            found[product.gtin] = product
    return found


def list_by_references(session: Session, values: Iterable[str]
                       ) -> dict[tuple[str, str, int | None], Product]:
    """The products cross-referenced by any of these values (whatever the scheme or partner),
    by (scheme, value, partner id); where one key names several products, the first
    referenced."""
    found: dict[tuple[str, str, int | None], Product] = {}
    for chunk in _chunks(values):
        rows = session.execute(
            select(ProductIdentifier.scheme, ProductIdentifier.value,
                   ProductIdentifier.partner_id, Product)
            .join(Product, Product.id == ProductIdentifier.product_id)
            .where(ProductIdentifier.value.in_(chunk)).order_by(ProductIdentifier.id))
        for scheme, value, partner_id, product in rows:
            found.setdefault((scheme, value, partner_id), product)
    return found


def add_all(session: Session, products: list[Product]) -> list[Product]:
    """Insert new products (transient instances, every column set but id and created_at)
    in bulk; returns them as loaded back, persistent in the session, in the same order."""
    if not products:
        return []
    now = utcnow()
    columns = [c.key for c in Product.__table__.c if c.key not in ("id", "created_at")]
    ids = bulk.insert_rows_with_ids(session, Product.__table__, [
        {**{c: getattr(product, c) for c in columns}, "created_at": now}
        for product in products])
    loaded: dict[int, Product] = {}
    for start in range(0, len(ids), CHUNK):
        loaded.update((p.id, p) for p in session.scalars(
            select(Product).where(Product.id.in_(ids[start:start + CHUNK]))))
    return [loaded[id_] for id_ in ids]


def add_references(session: Session, rows: list[dict]) -> None:
    """Cross-references (dicts of `ProductIdentifier` columns) in bulk."""
    bulk.insert_rows(session, ProductIdentifier.__table__, rows)
