"""Sell-through by product x location x period, the change feed for pollers, and inventory.

Definitions (also in the OpenAPI descriptions):
- A sales fact counts in the period (day, ISO week from Monday, calendar month) that contains
  its own period start; a weekly 852 is one fact. The window is widened to whole periods.
- `units_sold` / `units_returned`: sales facts of that measure; `units_received`: facts of
  measure `received`, else the `received` figures of the period's inventory snapshots.
- `on_hand_end`: on hand of the latest snapshot on or before the period end;
  `on_hand_begin`: of the latest snapshot before the period start.
- `sell_through_rate` = units_sold / (on_hand_begin + units_received); null when the
  denominator is unknown or zero.
- `weeks_of_supply` = on_hand_end / (units sold in the 28 days ending at the period end / 4);
  null when either is unknown or nothing sold.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from adapters.common import normalise_gtin
from app.errors import InvalidParameter
from app.security import Caller, Role
from app.services.paging import cursor_pair, encode_cursor
from app.store import partner as partner_store
from app.store import product as product_store
from app.store import sales as sales_store
from app.store.models import InventorySnapshot
from app.store.sales import DemandScope
from schemas.api import (
    InventoryRead,
    Page,
    SalesFactRead,
    SellThroughPage,
    SellThroughRow,
    SellThroughTotals,
)

GRANULARITIES = ("day", "week", "month")
TRAILING_DAYS = 28
ZERO = Decimal(0)


def demand_scope(caller: Caller) -> DemandScope:
    if caller.role is Role.DISTRIBUTOR:
        return DemandScope(reporter_id=caller.partner_id)
    if caller.role is Role.MANUFACTURER:
        return DemandScope(manufacturer_id=caller.partner_id)
    return DemandScope()


def bucket_of(day: date, granularity: str) -> tuple[date, date]:
    if granularity == "day":
        return day, day
    if granularity == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


@dataclass(slots=True)
class _Bucket:
    sold: Decimal = ZERO
    returned: Decimal = ZERO
    received: Decimal | None = None


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (numerator / denominator).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def resolve_product(session: Session, product_id: int | None, gtin: str | None) -> int | None:
    if gtin is None:
        return product_id
    normalised = normalise_gtin(gtin)
    if normalised is None:
        raise InvalidParameter(f"gtin {gtin!r} is not a GTIN with a valid check digit",
                               location={"parameter": "gtin"})
    product = product_store.get_by_gtin(session, normalised)
    return product.id if product else -1  # an unknown GTIN matches nothing


def sell_through(session: Session, caller: Caller, *, product_id: int | None,
                 gtin: str | None, location_id: int | None, reporter_id: int | None,
                 start: date | None, end: date | None, today: date, granularity: str,
                 include_test: bool, cursor: str | None, limit: int) -> SellThroughPage:
    """The default window is the 28 days ending today, widened to whole periods."""
    end = end or today
    start = start or end - timedelta(days=TRAILING_DAYS - 1)
    product_id = resolve_product(session, product_id, gtin)
    if granularity not in GRANULARITIES:
        raise InvalidParameter(f"granularity must be one of {', '.join(GRANULARITIES)}",
                               location={"parameter": "granularity"})
    if start > end:
        raise InvalidParameter("'from' is after 'to'", location={"parameter": "from"})
    # whole periods only: a window that starts mid-week (or mid-month) would show a first
    # period with stock figures but without the sales reported for its first days
    start = bucket_of(start, granularity)[0]
    end = bucket_of(end, granularity)[1]
    scope = demand_scope(caller)
    after = cursor_pair(cursor, "after")
    series = sales_store.list_series(
        session, scope, product_id=product_id, location_id=location_id,
        reporter_id=reporter_id, start=start, end=end, after=after, limit=limit + 1,
        include_test=include_test)
    more, series = len(series) > limit, series[:limit]
    history_start = start - timedelta(days=TRAILING_DAYS)
    daily: dict[tuple[int, int], dict[date, dict[str, Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Decimal)))
    for product, location, period_start, measure, quantity in sales_store.sales_totals(
            session, scope, series, history_start, end, reporter_id, include_test):
        daily[(product, location)][period_start][measure] += quantity
    snapshots: dict[tuple[int, int], list[InventorySnapshot]] = defaultdict(list)
    for snap in sales_store.snapshots_of(session, scope, series, end, reporter_id,
                                         include_test):
        snapshots[(snap.product_id, snap.location_id)].append(snap)
    names = _names(session, series)
    rows: list[SellThroughRow] = []
    for key in series:
        rows.extend(_series_rows(key, daily[key], snapshots[key], start, end, granularity,
                                 names))
    totals = SellThroughTotals(
        units_sold=sum((r.units_sold for r in rows), ZERO),
        units_returned=sum((r.units_returned for r in rows), ZERO),
        units_received=sum((r.units_received or ZERO for r in rows), ZERO),
        series=len(series), rows=len(rows))
    return SellThroughPage(
        items=rows, totals=totals,
        next_cursor=encode_cursor({"after": list(series[-1])}) if more and series else None)


def _names(session: Session, series: list[tuple[int, int]]) -> dict:
    products = {p for p, _ in series}
    locations = {loc for _, loc in series}
    return {"gtin": product_store.gtins_of(session, products),
            "location": partner_store.location_codes_of(session, locations)}


def _series_rows(key: tuple[int, int], days: dict[date, dict[str, Decimal]],
                 snaps: list[InventorySnapshot], start: date, end: date, granularity: str,
                 names: dict) -> list[SellThroughRow]:
    buckets: dict[tuple[date, date], _Bucket] = {}
    for day, measures in days.items():
        if start <= day <= end:
            bucket = buckets.setdefault(bucket_of(day, granularity), _Bucket())
            bucket.sold += measures.get("sold", ZERO)
            bucket.returned += measures.get("returned", ZERO)
            if "received" in measures:
                bucket.received = (bucket.received or ZERO) + measures["received"]
    for snap in snaps:
        if start <= snap.as_of <= end:
            buckets.setdefault(bucket_of(snap.as_of, granularity), _Bucket())
    rows = []
    for (b_start, b_end), bucket in sorted(buckets.items()):
        received = bucket.received
        if received is None:
            figures = [s.received for s in snaps
                       if b_start <= s.as_of <= b_end and s.received is not None]
            received = sum(figures, ZERO) if figures else None
        end_snap = next((s for s in reversed(snaps) if s.as_of <= b_end), None)
        begin_snap = next((s for s in reversed(snaps) if s.as_of < b_start), None)
        on_hand_end = end_snap.on_hand if end_snap else None
        on_hand_begin = begin_snap.on_hand if begin_snap else None
        denominator = (on_hand_begin + (received or ZERO)) if on_hand_begin is not None else None
        trailing_from = b_end - timedelta(days=TRAILING_DAYS - 1)
        trailing = sum((m.get("sold", ZERO) for d, m in days.items()
                        if trailing_from <= d <= b_end), ZERO)
        weekly = trailing / 4
        rows.append(SellThroughRow(
            product_id=key[0], gtin=names["gtin"].get(key[0]), location_id=key[1],
            location_code=names["location"].get(key[1]), period_start=b_start,
            period_end=b_end, units_sold=bucket.sold, units_returned=bucket.returned,
            units_received=received, on_hand_begin=on_hand_begin, on_hand_end=on_hand_end,
            sell_through_rate=_ratio(bucket.sold, denominator),
            weeks_of_supply=_ratio(on_hand_end, weekly if weekly else None),
        ))
    return rows


def sales_changes(session: Session, caller: Caller, *, cursor: str | None, limit: int,
                  include_test: bool) -> Page[SalesFactRead]:
    position = cursor_pair(cursor, "after") or (0, 0)
    facts = sales_store.feed(session, demand_scope(caller), after=position, limit=limit,
                             include_test=include_test)
    items = [SalesFactRead.model_validate(f) for f in facts]
    last = [facts[-1].tx_id or 0, facts[-1].id] if facts else list(position)
    return Page[SalesFactRead](items=items, next_cursor=encode_cursor({"after": last}))


def inventory(session: Session, caller: Caller, *, product_id: int | None,
              gtin: str | None, location_id: int | None, reporter_id: int | None,
              include_test: bool, cursor: str | None, limit: int) -> Page[InventoryRead]:
    after = cursor_pair(cursor, "after")
    product_id = resolve_product(session, product_id, gtin)
    snaps = sales_store.latest_snapshots(
        session, demand_scope(caller), product_id=product_id, location_id=location_id,
        reporter_id=reporter_id, include_test=include_test, after=after, limit=limit + 1)
    seen, unique = set(), []
    for snap in snaps:  # two reporters' snapshots of one series: keep the newest row
        if (snap.product_id, snap.location_id) not in seen:
            seen.add((snap.product_id, snap.location_id))
            unique.append(snap)
    more, page = len(unique) > limit, unique[:limit]
    return Page[InventoryRead](
        items=[InventoryRead.model_validate(s) for s in page],
        next_cursor=(encode_cursor({"after": [page[-1].product_id, page[-1].location_id]})
                     if more and page else None))
