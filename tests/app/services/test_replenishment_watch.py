"""The replenishment watch: an alert when a signal turns critical or reorder (not on every
run), the other one closed when it moves between them, both resolved when it turns ok.

Today is 2026-12-01. Store S1 sold product A 14, 14, 21, 7 units in the four weeks before
(2 a day): lead time 7 days, reorder point 17.08. On hand 12 covers 6 days < 7: critical; 16
covers 8 days but the position 16 <= 17.08: reorder; 40: ok. Product C has sales and no stock
reported: unknown, never alerted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from app.services.clock import today
from app.services.demand import apply_product_activity
from app.services.replenishment_watch import watch_replenishment
from app.store.models import Alert, Location
from app.store.types import utcnow
from schemas.documents import (
    InventoryLineDoc,
    PartyRef,
    ProductActivityDoc,
    ProductRef,
    SalesLineDoc,
)

A, C = "00012345678905", "05012345678900"
S1 = PartyRef(role="location", scheme="ZZ", value="S1", location_code="S1")
ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")


def sold(gtin: str, start: date, qty: int) -> SalesLineDoc:
    return SalesLineDoc(location=S1, product=ProductRef(gtin=gtin), measure="sold",
                        quantity=Decimal(qty), uom="EA", period_start=start,
                        period_end=start + timedelta(days=6), raw_qualifier="ZA:QS")


def report_stock(session, context, northwind, on_hand: int) -> None:
    apply_product_activity(session, ProductActivityDoc(parties=(ACME,), inventory=(
        InventoryLineDoc(location=S1, product=ProductRef(gtin=A), as_of=date(2026, 11, 30),
                         on_hand=Decimal(on_hand), available=Decimal(on_hand), uom="EA",
                         raw_qualifier="ZA:OH"),)), context(northwind))


@pytest.fixture
def store(session, context, northwind, acme):
    weeks = [date(2026, 11, 3) + timedelta(days=7 * i) for i in range(4)]
    apply_product_activity(session, ProductActivityDoc(parties=(ACME,), sales=(
        *(sold(A, w, q) for w, q in zip(weeks, (14, 14, 21, 7), strict=True)),
        sold(C, weeks[-1], 7))), context(northwind))
    report_stock(session, context, northwind, 12)


def watch(session, settings) -> dict:
    with time_machine.travel(datetime(2026, 12, 1, 5, tzinfo=UTC), tick=False):
        return watch_replenishment(session, settings, today(), utcnow())


def alerts(session) -> list[tuple[str, str]]:
    return [(a.kind, a.status) for a in session.scalars(select(Alert).order_by(Alert.id))]


def test_signals_alert_when_they_turn_and_resolve_when_ok(session, settings, context,
                                                          northwind, store):
    first = watch(session, settings)
    assert (first["signals"], first["critical"], first["reorder"], first["raised"]) == (
        2, 1, 0, 1)
    [alert] = session.scalars(select(Alert)).all()
    location = session.scalars(select(Location).where(Location.code == "S1")).one()
    assert (alert.kind, alert.subject, alert.partner_id, alert.severity) == (
        "replenishment_critical", f"signal:{location.id}:{alert.details['product_id']}",
        northwind.id, "critical")
    assert (alert.details["gtin"], alert.details["suggested_qty"]) == (A, 20.0)

    assert watch(session, settings)["raised"] == 0  # still critical: not every run

    report_stock(session, context, northwind, 16)
    turned = watch(session, settings)
    assert (turned["reorder"], turned["raised"], turned["resolved"]) == (1, 1, 1)
    assert alerts(session) == [("replenishment_critical", "resolved"),
                               ("replenishment_reorder", "open")]

    report_stock(session, context, northwind, 40)
    ok = watch(session, settings)
    assert (ok["critical"], ok["reorder"], ok["raised"], ok["resolved"]) == (0, 0, 0, 1)
    assert alerts(session) == [("replenishment_critical", "resolved"),
                               ("replenishment_reorder", "resolved")]


def test_every_page_of_signals_is_watched(session, settings, store):
    small = settings.model_copy(update={"page_size_max": 1})
    assert watch(session, small)["signals"] == 2
