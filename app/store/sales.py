"""Queries for sales facts, inventory snapshots and forecast buckets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import BigInteger, and_, cast, delete, func, literal, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.store.models import (
    ForecastBucket,
    InventorySnapshot,
    Product,
    ReplenishmentParameters,
    SalesFact,
)


def current_tx_id(session: Session) -> int | None:
    """PostgreSQL: this transaction's id (64-bit, never wraps); SQLite: None."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    if "tx_id" not in session.info:
        session.info["tx_id"] = session.scalar(text("SELECT pg_current_xact_id()::text::bigint"))
    return session.info["tx_id"]


def replace_sales_fact(session: Session, fact: SalesFact) -> None:
    """A re-sent report for the same reporter, location, product, period and measure replaces
    the earlier figure instead of adding to it."""
    fact.tx_id = current_tx_id(session)
    session.execute(delete(SalesFact).where(
        SalesFact.reporter_id == fact.reporter_id,
        SalesFact.location_id == fact.location_id,
        SalesFact.product_id == fact.product_id,
        SalesFact.period_start == fact.period_start,
        SalesFact.period_end == fact.period_end,
        SalesFact.measure == fact.measure,
        SalesFact.test == fact.test,
    ))
    session.add(fact)


def replace_inventory_snapshot(session: Session, snapshot: InventorySnapshot) -> None:
    session.execute(delete(InventorySnapshot).where(
        InventorySnapshot.reporter_id == snapshot.reporter_id,
        InventorySnapshot.location_id == snapshot.location_id,
        InventorySnapshot.product_id == snapshot.product_id,
        InventorySnapshot.as_of == snapshot.as_of,
        InventorySnapshot.test == snapshot.test,
    ))
    session.add(snapshot)


def clear_forecast(session: Session, *, partner_id: int, product_id: int,
                   location_id: int | None, start_from: date, test: bool) -> None:
    """A new schedule replaces the partner's earlier buckets for the same series from its
    first bucket on."""
    session.execute(delete(ForecastBucket).where(
        ForecastBucket.partner_id == partner_id,
        ForecastBucket.product_id == product_id,
        ForecastBucket.location_id.is_(None) if location_id is None
        else ForecastBucket.location_id == location_id,
        ForecastBucket.period_start >= start_from,
        ForecastBucket.test == test,
    ))


@dataclass(frozen=True, slots=True)
class DemandScope:
    """Whose demand a caller may read: ops (both None) everything; a distributor what it
    reported; a manufacturer its own products."""

    reporter_id: int | None = None
    manufacturer_id: int | None = None


def _scoped(query, model, scope: DemandScope):
    if scope.reporter_id is not None:
        query = query.where(model.reporter_id == scope.reporter_id)
    if scope.manufacturer_id is not None:
        query = query.where(model.product_id.in_(
            select(Product.id).where(Product.manufacturer_id == scope.manufacturer_id)))
    return query


def list_series(session: Session, scope: DemandScope, *, product_id: int | None,
                location_id: int | None, reporter_id: int | None, start: date, end: date,
                after: tuple[int, int] | None, limit: int,
                include_test: bool) -> list[tuple[int, int]]:
    """(product, location) pairs with sales in the window, in order, one page."""
    query = _filtered(select(SalesFact.product_id, SalesFact.location_id).distinct(), scope,
                      product_id=product_id, location_id=location_id, reporter_id=reporter_id,
                      include_test=include_test)
    query = query.where(SalesFact.period_start >= start, SalesFact.period_start <= end)
    if after is not None:
        query = query.where(tuple_(SalesFact.product_id, SalesFact.location_id) > after)
    query = query.order_by(SalesFact.product_id, SalesFact.location_id).limit(limit)
    return [(p, loc) for p, loc in session.execute(query)]


def _filtered(query, scope: DemandScope, *, product_id, location_id, reporter_id,
              include_test: bool, model=SalesFact):
    query = _scoped(query, model, scope)
    if product_id is not None:
        query = query.where(model.product_id == product_id)
    if location_id is not None:
        query = query.where(model.location_id == location_id)
    if reporter_id is not None:
        query = query.where(model.reporter_id == reporter_id)
    if not include_test:
        query = query.where(model.test.is_(False))
    return query


def _in_series(session: Session, query, model, series: list[tuple[int, int]]):
    """Only rows of the given (product, location) pairs.

    PostgreSQL: a join to the pairs passed as two arrays (`unnest`), so the statement's text
    does not grow with the page: it is planned in well under a millisecond and each pair is one
    probe of the (product_id, location_id, ...) index. An OR of one AND per pair, for a page of
    200 series, took ~25 ms to plan and ~25 ms more in Python to build (see bench/README.md).
    SQLite: a row-value IN list.
    """
    pairs = list(dict.fromkeys(series))  # a join must not repeat a row for a repeated pair
    if session.get_bind().dialect.name != "postgresql":
        return query.where(tuple_(model.product_id, model.location_id).in_(pairs))
    wanted = func.unnest(
        cast(literal([p for p, _ in pairs], ARRAY(BigInteger)), ARRAY(BigInteger)),
        cast(literal([loc for _, loc in pairs], ARRAY(BigInteger)), ARRAY(BigInteger)),
    ).table_valued("product_id", "location_id").render_derived(name="wanted")
    return query.join(wanted, and_(model.product_id == wanted.c.product_id,
                                   model.location_id == wanted.c.location_id))


def sales_totals(session: Session, scope: DemandScope, series: list[tuple[int, int]],
                 start: date, end: date, reporter_id: int | None, include_test: bool):
    """Rows (product, location, period_start, measure, quantity) summed per fact period."""
    if not series:
        return []
    query = _filtered(
        select(SalesFact.product_id, SalesFact.location_id, SalesFact.period_start,
               SalesFact.measure, func.sum(SalesFact.quantity)),
        scope, product_id=None, location_id=None, reporter_id=reporter_id,
        include_test=include_test)
    query = (_in_series(session, query, SalesFact, series)
             .where(SalesFact.period_start >= start, SalesFact.period_start <= end)
             .group_by(SalesFact.product_id, SalesFact.location_id, SalesFact.period_start,
                       SalesFact.measure))
    return list(session.execute(query))


def snapshots_of(session: Session, scope: DemandScope, series: list[tuple[int, int]],
                 until: date, reporter_id: int | None,
                 include_test: bool) -> list[InventorySnapshot]:
    if not series:
        return []
    query = _filtered(select(InventorySnapshot), scope, product_id=None, location_id=None,
                      reporter_id=reporter_id, include_test=include_test,
                      model=InventorySnapshot)
    query = (_in_series(session, query, InventorySnapshot, series)
             .where(InventorySnapshot.as_of <= until).order_by(InventorySnapshot.as_of))
    return list(session.scalars(query))


def latest_snapshots(session: Session, scope: DemandScope, *, product_id: int | None,
                     location_id: int | None, reporter_id: int | None, include_test: bool,
                     after: tuple[int, int] | None, limit: int) -> list[InventorySnapshot]:
    """The newest snapshot per (product, location), one page in (product, location) order."""
    latest = _filtered(
        select(InventorySnapshot.product_id, InventorySnapshot.location_id,
               func.max(InventorySnapshot.as_of).label("as_of")),
        scope, product_id=product_id, location_id=location_id, reporter_id=reporter_id,
        include_test=include_test, model=InventorySnapshot,
    ).group_by(InventorySnapshot.product_id, InventorySnapshot.location_id).subquery()
    query = select(InventorySnapshot).join(latest, and_(
        InventorySnapshot.product_id == latest.c.product_id,
        InventorySnapshot.location_id == latest.c.location_id,
        InventorySnapshot.as_of == latest.c.as_of))
    if not include_test:
        query = query.where(InventorySnapshot.test.is_(False))
    if reporter_id is not None:
        query = query.where(InventorySnapshot.reporter_id == reporter_id)
    # Implied by the join, repeated so PostgreSQL narrows the outer side by index too instead
    # of scanning every snapshot (one location with 30 days of history: 50 ms -> 12 ms).
    if product_id is not None:
        query = query.where(InventorySnapshot.product_id == product_id)
    if location_id is not None:
        query = query.where(InventorySnapshot.location_id == location_id)
    if after is not None:
        query = query.where(tuple_(InventorySnapshot.product_id,
                                   InventorySnapshot.location_id) > after)
    query = query.order_by(InventorySnapshot.product_id, InventorySnapshot.location_id,
                           InventorySnapshot.id.desc()).limit(limit)
    return list(session.scalars(query))


def feed(session: Session, scope: DemandScope, *, after: tuple[int, int], limit: int,
         include_test: bool) -> list[SalesFact]:
    """Sales facts that arrived after the cursor, oldest first.

    PostgreSQL: facts are ordered by (transaction id, id) and only those of transactions older
    than every transaction still running are handed out, so a fact committed late by a
    long-running upload can never land behind a cursor a poller already holds. SQLite writes
    one transaction at a time, so the row id is already in commit order.
    """
    query = _scoped(select(SalesFact), SalesFact, scope)
    if not include_test:
        query = query.where(SalesFact.test.is_(False))
    if session.get_bind().dialect.name == "postgresql":
        horizon = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        query = (query.where(tuple_(SalesFact.tx_id, SalesFact.id) > after,
                             SalesFact.tx_id < horizon)
                 .order_by(SalesFact.tx_id, SalesFact.id))
    else:
        query = query.where(SalesFact.id > after[1]).order_by(SalesFact.id)
    return list(session.scalars(query.limit(limit)))


def sold_overlapping(session: Session, scope: DemandScope, *, product_id: int | None,
                     location_id: int | None, start: date, end: date, include_test: bool):
    """Rows (product, location, period_start, period_end, units sold) of facts that overlap
    the window."""
    query = _filtered(
        select(SalesFact.product_id, SalesFact.location_id, SalesFact.period_start,
               SalesFact.period_end, func.sum(SalesFact.quantity)),
        scope, product_id=product_id, location_id=location_id, reporter_id=None,
        include_test=include_test)
    query = (query.where(SalesFact.measure == "sold", SalesFact.period_end >= start,
                         SalesFact.period_start <= end)
             .group_by(SalesFact.product_id, SalesFact.location_id, SalesFact.period_start,
                       SalesFact.period_end))
    return list(session.execute(query))


def parameters_of(session: Session, pairs: set[tuple[int, int]]) -> dict:
    if not pairs:
        return {}
    products = {p for p, _ in pairs}
    rows = session.scalars(select(ReplenishmentParameters).where(
        ReplenishmentParameters.product_id.in_(products)))
    return {(r.product_id, r.location_id): r for r in rows
            if (r.product_id, r.location_id) in pairs}


def upsert_parameters(session: Session, *, product_id: int, location_id: int,
                      values: dict) -> None:
    row = session.scalar(select(ReplenishmentParameters).where(
        ReplenishmentParameters.product_id == product_id,
        ReplenishmentParameters.location_id == location_id))
    if row is None:
        row = ReplenishmentParameters(product_id=product_id, location_id=location_id)
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
