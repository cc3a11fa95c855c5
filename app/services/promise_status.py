"""The status of an order line, computed from its documents and today's date.

Pure: it takes the facts of one line (what was ordered, every promise version, what shipped)
and returns its status with the dates that explain it. Definitions:

- A *ship* promise (X12 ACK 068/079, no delivery date) becomes a delivery promise by adding the
  lane transit days of the supplier (configurable per partner, default 2).
- The *promised delivery* of a line is the latest promise version's delivery date; the *first
  promised delivery* is version 1's (used for promise accuracy).
- A shipment's *expected delivery* is its estimated delivery (856 DTM 017 / DESADV DTM+17),
  else its ship date plus the transit days. A line counts as delivered once every shipment's
  expected delivery is on or before today (the hub sees ship notices, not receipts).
- Statuses, first match wins: `cancelled`; `rejected` (latest version rejects every part);
  delivered lines: `delivered_short` (shipped < ordered), `delivered_late` (expected delivery
  after the promised one), `delivered_on_time`; lines shipped and still under way: `at_risk`
  when the expected delivery is after the promised one, else `shipped`; lines not shipped:
  `late` (promised delivery before today), `at_risk` (no ship notice and the promised
  delivery is within the transit days), `backordered`, `confirmed_changed` (the supplier
  changed quantity or date, or said it changed), `confirmed`; no promise at all: `late` if the
  requested delivery passed, else `requested`.
- `delay_days`: days between the requested delivery and the promised (or, once shipped, the
  expected) delivery; for a late line, days past the promised delivery. Positive = later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

STATUSES = (
    "requested", "confirmed", "confirmed_changed", "backordered", "rejected", "shipped",
    "at_risk", "late", "delivered_on_time", "delivered_late", "delivered_short", "cancelled",
)
OPEN_STATUSES = ("requested", "confirmed", "confirmed_changed", "backordered", "shipped",
                 "at_risk", "late")


@dataclass(frozen=True, slots=True)
class PromiseFact:
    version: int
    status: str  # accepted | changed | backordered | rejected
    quantity: Decimal | None
    promised_ship: date | None
    promised_delivery: date | None


@dataclass(frozen=True, slots=True)
class ShipmentFact:
    quantity: Decimal
    shipped_on: date | None
    estimated_delivery: date | None


@dataclass(frozen=True, slots=True)
class LineFacts:
    ordered_quantity: Decimal
    requested_delivery: date | None
    cancelled: bool = False
    transit_days: int = 2
    promises: tuple[PromiseFact, ...] = ()
    shipments: tuple[ShipmentFact, ...] = ()


@dataclass(frozen=True, slots=True)
class LineStatus:
    status: str
    promised_delivery: date | None
    first_promised_delivery: date | None
    expected_delivery: date | None
    shipped_quantity: Decimal
    delay_days: int | None
    reasons: tuple[str, ...] = field(default=())


def _delivery(p: PromiseFact, transit: int) -> date | None:
    if p.promised_delivery is not None:
        return p.promised_delivery
    if p.promised_ship is not None:
        return p.promised_ship + timedelta(days=transit)
    return None


def _version_delivery(rows: list[PromiseFact], transit: int) -> date | None:
    dates = [d for p in rows if p.status != "rejected" and (d := _delivery(p, transit))]
    return max(dates) if dates else None


def _days(later: date | None, earlier: date | None) -> int | None:
    return (later - earlier).days if later and earlier else None


def line_status(facts: LineFacts, today: date) -> LineStatus:
    transit = facts.transit_days
    versions: dict[int, list[PromiseFact]] = {}
    for p in facts.promises:
        versions.setdefault(p.version, []).append(p)
    latest = versions[max(versions)] if versions else []
    first = versions[min(versions)] if versions else []
    promised = _version_delivery(latest, transit)
    first_promised = _version_delivery(first, transit)
    shipped = sum((s.quantity for s in facts.shipments), Decimal(0))
    expected_dates = [s.estimated_delivery or (s.shipped_on + timedelta(days=transit))
                      for s in facts.shipments if s.estimated_delivery or s.shipped_on]
    expected = max(expected_dates) if expected_dates else None
    target = promised or facts.requested_delivery

    def result(status: str, delay: int | None, *reasons: str) -> LineStatus:
        return LineStatus(status, promised, first_promised, expected, shipped, delay,
                          tuple(reasons))

    if facts.cancelled:
        return result("cancelled", None)
    if latest and all(p.status == "rejected" for p in latest) and shipped == 0:
        return result("rejected", None)
    if shipped > 0:
        delay = _days(expected, facts.requested_delivery)
        short = shipped < facts.ordered_quantity
        arrived = expected is not None and expected <= today
        if arrived:
            if short:
                return result("delivered_short", delay, "short")
            if target is not None and expected > target:
                return result("delivered_late", delay)
            return result("delivered_on_time", delay)
        if target is not None and expected is not None and expected > target:
            return result("at_risk", delay, "eta after promised delivery",
                          *(("short",) if short else ()))
        return result("shipped", delay, *(("short",) if short else ()))
    if not latest:
        if facts.requested_delivery is not None and facts.requested_delivery < today:
            return result("late", _days(today, facts.requested_delivery), "no promise")
        return result("requested", None)
    if promised is not None and promised < today:
        return result("late", _days(today, promised))
    delay = _days(promised, facts.requested_delivery)
    if promised is not None and today >= promised - timedelta(days=transit):
        return result("at_risk", delay, "no ship notice within the transit days")
    if any(p.status == "backordered" for p in latest) and not any(
            p.status in ("accepted", "changed") for p in latest):
        return result("backordered", delay)
    promised_qty = sum((p.quantity for p in latest
                        if p.quantity is not None and p.status != "rejected"), Decimal(0))
    changed = (
        any(p.status in ("changed", "backordered") for p in latest)
        or (promised_qty and promised_qty != facts.ordered_quantity)
        or (promised is not None and facts.requested_delivery is not None
            and promised > facts.requested_delivery)
    )
    return result("confirmed_changed" if changed else "confirmed", delay)
