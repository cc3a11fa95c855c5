"""Queries for sales facts, inventory snapshots and forecast buckets."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.store.models import ForecastBucket, InventorySnapshot, SalesFact


def replace_sales_fact(session: Session, fact: SalesFact) -> None:
    """A re-sent report for the same reporter, location, product, period and measure replaces
    the earlier figure instead of adding to it."""
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
