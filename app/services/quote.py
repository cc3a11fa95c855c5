"""Available-to-promise: when can a supplier promise a quantity from a location?

ATP(d) = available now - open allocations + scheduled receipts expected by d, where
available is the location's latest inventory snapshot (available, else on hand), open
allocations are the units the location's owner still owes on open order lines for the
product, and scheduled receipts are ship notices to the location by expected delivery
(estimated delivery, else ship date + the sender's transit days, default 2).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from app.errors import InvalidParameter, NotFound
from app.security import Caller
from app.services.sell_through import resolve_product
from app.store import order as order_store
from app.store import partner as partner_store
from app.store import sales as sales_store
from schemas.api import PartialOffer, QuoteRead, QuoteRequest, ScheduledReceipt

DEFAULT_TRANSIT_DAYS = 2


def quote_promise(session: Session, caller: Caller, request: QuoteRequest,
                  today: date) -> QuoteRead:
    product_id = resolve_product(session, request.product_id, request.gtin)
    if product_id is None:
        raise InvalidParameter("name the product by product_id or gtin",
                               location={"parameter": "product_id"})
    location = partner_store.get_location_by_id(session, request.location_id)
    if location is None or (not caller.is_ops and location.partner_id != caller.partner_id):
        raise NotFound(f"location {request.location_id} does not exist")
    # the caller's own location (or ops): its stock is readable whoever reported it
    [snapshot] = sales_store.latest_snapshots(
        session, sales_store.DemandScope(), product_id=product_id, location_id=location.id,
        reporter_id=None, include_test=False, after=None, limit=1) or [None]
    available = Decimal(0)
    if snapshot is not None:
        available = snapshot.available if snapshot.available is not None else (
            snapshot.on_hand or Decimal(0))
    allocated = order_store.open_allocations(session, seller_id=location.partner_id,
                                             product_id=product_id)
    receipts: dict[date, Decimal] = defaultdict(Decimal)
    for shipped, estimated, quantity in order_store.inbound_shipments(
            session, location_id=location.id, product_id=product_id):
        eta = estimated or (shipped + timedelta(days=DEFAULT_TRANSIT_DAYS) if shipped else None)
        if eta is not None and eta >= today:
            receipts[eta] += quantity
    schedule = sorted(receipts.items())

    def atp(day: date) -> Decimal:
        return available - allocated + sum((q for d, q in schedule if d <= day), Decimal(0))

    need = request.quantity
    earliest = None
    for day in [today, *[d for d, _ in schedule]]:
        if atp(day) >= need:
            earliest = day
            break
    promised = None if earliest is None else max(earliest, request.requested_date)
    partial = None
    by_requested = max(atp(max(request.requested_date, today)), Decimal(0))
    if request.allow_partial and (promised is None or promised > request.requested_date) \
            and by_requested > 0:
        partial = PartialOffer(quantity=min(by_requested, need),
                               date=max(request.requested_date, today))
    return QuoteRead(
        product_id=product_id, location_id=location.id, quantity=need,
        requested_date=request.requested_date, available_now=available,
        open_allocations=allocated,
        scheduled_receipts=[ScheduledReceipt(date=d, quantity=q) for d, q in schedule],
        can_promise_in_full=promised is not None and promised <= request.requested_date,
        promised_date=promised, partial=partial,
    )
