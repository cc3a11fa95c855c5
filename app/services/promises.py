"""Delivery promises: each order line threaded through request -> promise -> shipment, its
status as of today, the lines ops should look at first, and on-time / in-full metrics."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.errors import InvalidParameter
from app.security import Caller
from app.services.paging import cursor_int, encode_cursor
from app.services.promise_status import (
    STATUSES,
    LineFacts,
    LineStatus,
    PromiseFact,
    ShipmentFact,
    line_status,
)
from app.store import order as order_store
from app.store.models import Order, OrderLine, Promise
from schemas.api import Page, PromiseLineRead, PromiseSummary

# The order the promises list is sorted in: what needs attention first.
ATTENTION = {"late": 0, "at_risk": 1, "backordered": 2, "rejected": 3, "confirmed_changed": 4,
             "requested": 5, "confirmed": 6, "shipped": 7, "delivered_short": 8,
             "delivered_late": 9, "delivered_on_time": 10, "cancelled": 11}


@dataclass(frozen=True, slots=True)
class ThreadedLine:
    line: OrderLine
    order: Order
    promises: list[Promise]
    status: LineStatus


def thread_lines(session: Session, rows: list[tuple[OrderLine, Order]],
                 today: date) -> list[ThreadedLine]:
    """Attach promise versions and shipments to each line and compute its status."""
    line_ids = [line.id for line, _ in rows]
    promises: dict[int, list[Promise]] = defaultdict(list)
    for p in order_store.list_promises_of_line_ids(session, line_ids):
        promises[p.order_line_id].append(p)
    shipped: dict[int, list[ShipmentFact]] = defaultdict(list)
    for sl, shipment in order_store.list_shipped_of_lines(session, line_ids):
        shipped[sl.order_line_id].append(ShipmentFact(
            quantity=sl.quantity_shipped, shipped_on=shipment.shipped_at,
            estimated_delivery=shipment.estimated_delivery))
    transit = order_store.transit_days_of(
        session, {order.seller_id for _, order in rows if order.seller_id})
    threaded = []
    for line, order in rows:
        facts = LineFacts(
            ordered_quantity=line.quantity, requested_delivery=line.requested_delivery,
            cancelled=line.status == "cancelled" or order.status == "cancelled",
            transit_days=transit.get(order.seller_id, 2),
            promises=tuple(PromiseFact(p.version, p.status, p.quantity, p.promised_ship,
                                       p.promised_delivery) for p in promises[line.id]),
            shipments=tuple(shipped[line.id]),
        )
        threaded.append(ThreadedLine(line, order, promises[line.id], line_status(facts, today)))
    return threaded


def _read(t: ThreadedLine) -> PromiseLineRead:
    s = t.status
    return PromiseLineRead(
        order_id=t.order.id, po_number=t.order.po_number, buyer_id=t.order.buyer_id,
        seller_id=t.order.seller_id, line_id=t.line.id, line_number=t.line.line_number,
        product_id=t.line.product_id, ordered_quantity=t.line.quantity, uom=t.line.uom,
        requested_delivery=t.line.requested_delivery, promised_delivery=s.promised_delivery,
        first_promised_delivery=s.first_promised_delivery,
        expected_delivery=s.expected_delivery, shipped_quantity=s.shipped_quantity,
        promise_versions=len({p.version for p in t.promises}), status=s.status,
        delay_days=s.delay_days, reasons=list(s.reasons),
    )


def _due(t: ThreadedLine) -> date | None:
    return t.status.promised_delivery or t.line.requested_delivery


def list_promise_lines(session: Session, caller: Caller, *, today: date,
                       status: list[str] | None, partner_id: int | None,
                       due_from: date | None, due_to: date | None, include_test: bool,
                       cursor: str | None, limit: int) -> Page[PromiseLineRead]:
    unknown = sorted(set(status or ()) - set(STATUSES))
    if unknown:
        raise InvalidParameter(f"unknown status {', '.join(unknown)}; one of "
                               f"{', '.join(STATUSES)}", location={"parameter": "status"})
    rows = order_store.list_lines(session, viewer_id=None if caller.is_ops else caller.partner_id,
                                  partner_id=partner_id, include_test=include_test)
    threaded = thread_lines(session, rows, today)
    selected = [
        t for t in threaded
        if (not status or t.status.status in status)
        and (due_from is None or ((d := _due(t)) is not None and d >= due_from))
        and (due_to is None or ((d := _due(t)) is not None and d <= due_to))
    ]
    selected.sort(key=lambda t: (ATTENTION[t.status.status], _due(t) or date.max, t.line.id))
    start = cursor_int(cursor, "offset", 0)
    page = selected[start:start + limit]
    more = start + limit < len(selected)
    return Page[PromiseLineRead](
        items=[_read(t) for t in page],
        next_cursor=encode_cursor({"offset": start + limit}) if more else None)


def summarise_promises(session: Session, caller: Caller, *, today: date,
                       partner_id: int | None, window_from: date | None,
                       window_to: date | None, include_test: bool) -> PromiseSummary:
    """Metrics over the lines due in the window (promised delivery, else requested)."""
    rows = order_store.list_lines(session, viewer_id=None if caller.is_ops else caller.partner_id,
                                  partner_id=partner_id, include_test=include_test)
    threaded = [t for t in thread_lines(session, rows, today)
                if (window_from is None or ((d := _due(t)) and d >= window_from))
                and (window_to is None or ((d := _due(t)) and d <= window_to))]
    counts = Counter(t.status.status for t in threaded)
    due = [t for t in threaded if t.status.status != "cancelled" and _due(t) is not None
           and _due(t) <= today]
    on_time = [t for t in due if t.status.expected_delivery is not None
               and t.status.expected_delivery <= _due(t)]
    in_full = [t for t in due if t.status.shipped_quantity >= t.line.quantity]
    otif = [t for t in on_time if t.status.shipped_quantity >= t.line.quantity]
    ordered_units = sum((t.line.quantity for t in due), Decimal(0))
    filled_units = sum((min(t.status.shipped_quantity, t.line.quantity) for t in due),
                       Decimal(0))
    delivered = [t for t in threaded if t.status.status.startswith("delivered_")]
    accurate = [t for t in delivered if t.status.first_promised_delivery is not None
                and t.status.expected_delivery is not None
                and t.status.expected_delivery <= t.status.first_promised_delivery]
    latencies = []
    for t in threaded:
        if t.promises:
            first = min(p.created_at for p in t.promises)
            latencies.append((first - t.order.created_at).total_seconds() / 3600)

    def rate(part: list, whole: list) -> float | None:
        return round(len(part) / len(whole), 4) if whole else None

    return PromiseSummary(
        lines=len(threaded), lines_due=len(due),
        counts={s: counts.get(s, 0) for s in STATUSES},
        on_time_rate=rate(on_time, due), in_full_rate=rate(in_full, due),
        otif_rate=rate(otif, due),
        unit_fill_rate=round(float(filled_units / ordered_units), 4) if ordered_units else None,
        promise_accuracy=rate(accurate, delivered),
        avg_ack_latency_hours=round(sum(latencies) / len(latencies), 2) if latencies else None,
        window_from=window_from, window_to=window_to, as_of=today,
    )
