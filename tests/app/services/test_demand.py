"""Sales and inventory facts: replace-not-add for a re-sent period, locations, lineage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.services.demand import apply_planning_schedule, apply_product_activity
from app.store.models import ForecastBucket, InventorySnapshot, Location, SalesFact
from schemas.documents import (
    InventoryLineDoc,
    PartyRef,
    PlanningScheduleDoc,
    ProductActivityDoc,
    ProductRef,
    SalesLineDoc,
    ScheduleBucketDoc,
    ScheduleLineDoc,
)

GTIN = "00012345678905"
STORE_1 = PartyRef(role="location", scheme="ZZ", value="S001", location_code="S001")
STORE_2 = PartyRef(role="location", scheme="ZZ", value="S002", location_code="S002")


def report(qty1: int, qty2: int) -> ProductActivityDoc:
    period = {"period_start": date(2026, 11, 9), "period_end": date(2026, 11, 15)}
    return ProductActivityDoc(
        period_start=period["period_start"], period_end=period["period_end"],
        sales=(
            SalesLineDoc(location=STORE_1, product=ProductRef(gtin=GTIN), measure="sold",
                         quantity=Decimal(qty1), uom="EA", raw_qualifier="ZA:QS",
                         segment_number=7, **period),
            SalesLineDoc(location=STORE_2, product=ProductRef(gtin=GTIN), measure="sold",
                         quantity=Decimal(qty2), uom="EA", raw_qualifier="ZA:QS",
                         segment_number=7, **period),
        ),
        inventory=(InventoryLineDoc(location=STORE_1, product=ProductRef(gtin=GTIN),
                                    as_of=date(2026, 11, 15), on_hand=Decimal(40),
                                    on_order=Decimal(12), uom="EA",
                                    raw_qualifier="ZA:QA,ZA:QP"),),
    )



def test_resent_report_replaces_the_period_instead_of_adding(session, context, northwind):
    apply_product_activity(session, report(5, 7), context(northwind))
    apply_product_activity(session, report(6, 7), context(northwind))
    rows = session.execute(
        select(Location.code, SalesFact.quantity, SalesFact.raw_qualifier,
               SalesFact.segment_number)
        .join(Location, Location.id == SalesFact.location_id).order_by(Location.code)).all()
    assert rows == [("S001", Decimal(6), "ZA:QS", 7), ("S002", Decimal(7), "ZA:QS", 7)]
    assert session.scalar(select(func.count()).select_from(InventorySnapshot)) == 1
    snapshot = session.scalars(select(InventorySnapshot)).one()
    assert (snapshot.on_hand, snapshot.on_order) == (Decimal(40), Decimal(12))


def test_stores_are_locations_of_the_reporter(session, context, northwind):
    apply_product_activity(session, report(1, 1), context(northwind))
    owners = set(session.scalars(select(Location.partner_id)).all())
    assert owners == {northwind.id}


def test_a_new_schedule_replaces_the_earlier_buckets(session, context, northwind, acme):
    def schedule(qty: int) -> PlanningScheduleDoc:
        return PlanningScheduleDoc(schedule_number="S1", lines=(ScheduleLineDoc(
            product=ProductRef(gtin=GTIN), uom="EA", buckets=(
                ScheduleBucketDoc(start=date(2026, 12, 7), end=date(2026, 12, 13),
                                  quantity=Decimal(qty), commitment="firm"),
                ScheduleBucketDoc(start=date(2026, 12, 14), end=date(2026, 12, 20),
                                  quantity=Decimal(qty * 2), commitment="planning"),
            )),))

    apply_planning_schedule(session, schedule(10), context(northwind, acme))
    apply_planning_schedule(session, schedule(20), context(northwind, acme))
    buckets = session.execute(select(ForecastBucket.quantity, ForecastBucket.commitment)
                              .order_by(ForecastBucket.period_start)).all()
    assert buckets == [(Decimal(20), "firm"), (Decimal(40), "planning")]
