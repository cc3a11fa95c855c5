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
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from pydantic_core import to_json
from sqlalchemy.orm import Session

from adapters.common import normalise_gtin
from app.errors import InvalidParameter
from app.security import Caller, Role
from app.services.paging import cursor_pair, encode_cursor
from app.store import product as product_store
from app.store import sales as sales_store
from app.store.sales import DemandScope
from schemas.api import InventoryRead, Page, SalesFactRead

GRANULARITIES = ("day", "week", "month")
TRAILING_DAYS = 28
TRAILING_SPAN = timedelta(days=TRAILING_DAYS - 1)  # a trailing window's first day to its last
ZERO = Decimal(0)
RATIO_QUANTUM = Decimal("0.0001")  # ratios are rounded to 4 places
_SERIES = itemgetter(0, 1)  # (product, location) of a row


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
    return (numerator / denominator).quantize(RATIO_QUANTUM, rounding=ROUND_HALF_UP)


def resolve_product(session: Session, product_id: int | None, gtin: str | None) -> int | None:
    if gtin is None:
        return product_id
    normalised = normalise_gtin(gtin)
    if normalised is None:
        raise InvalidParameter(f"gtin {gtin!r} is not a GTIN with a valid check digit",
                               location={"parameter": "gtin"})
    product = product_store.get_by_gtin(session, normalised)
    return product.id if product else -1  # an unknown GTIN matches nothing


@dataclass(frozen=True, slots=True)
class RowsPage:
    """A page built from plain dicts with exactly the field names, order and value types of
    its API schema (`SellThroughPage`, `Page[SignalRead]`, `Page[SalesFactRead]`), so it is
    rendered to JSON in one call with pydantic-core's serializer, byte for byte what the
    schema would write, without one pydantic model per row (2,000 rows of sell-through cost
    ~25 ms as models)."""

    body: dict[str, Any]

    @property
    def items(self) -> list[dict[str, Any]]:
        return self.body["items"]

    @property
    def next_cursor(self) -> str | None:
        return self.body["next_cursor"]

    def to_json(self) -> bytes:
        return to_json(self.body, inf_nan_mode="null")  # as pydantic models (ser_json_inf_nan)


def sell_through(session: Session, caller: Caller, *, product_id: int | None,
                 gtin: str | None, location_id: int | None, reporter_id: int | None,
                 start: date | None, end: date | None, today: date, granularity: str,
                 include_test: bool, cursor: str | None, limit: int) -> RowsPage:
    """The default window is the 28 days ending today, widened to whole periods. The page is
    shaped as `SellThroughPage`."""
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
    named = sales_store.list_series(
        session, scope, product_id=product_id, location_id=location_id,
        reporter_id=reporter_id, start=start, end=end, after=after, limit=limit + 1,
        include_test=include_test)
    more, named = len(named) > limit, named[:limit]
    series = [(product, location) for product, location, _, _ in named]
    history_start = start - timedelta(days=TRAILING_DAYS)
    facts = {key: list(rows) for key, rows in groupby(sales_store.sales_totals(
        session, scope, series, history_start, end, reporter_id, include_test), key=_SERIES)}
    snapshots: dict[tuple[int, int], list] = {}
    for snap in sales_store.snapshots_of(session, scope, series, end, reporter_id,
                                         include_test):
        snapshots.setdefault((snap[0], snap[1]), []).append(snap)
    buckets = _Buckets(granularity)
    rows: list[dict[str, Any]] = []
    for named_series in named:
        key = named_series[:2]
        _series_rows(rows, named_series, facts.get(key, ()), snapshots.get(key, []), start, end,
                     buckets)
    sold = returned = received = ZERO
    for row in rows:
        sold += row["units_sold"]
        returned += row["units_returned"]
        received += row["units_received"] or ZERO
    return RowsPage({
        "items": rows,
        "totals": {"units_sold": sold, "units_returned": returned, "units_received": received,
                   "series": len(series), "rows": len(rows)},
        "next_cursor": (encode_cursor({"after": list(series[-1])}) if more and series
                        else None),
    })


class _Buckets(dict):
    """bucket_of(day) for one granularity, remembered: every series of a page asks for the
    same few days."""

    def __init__(self, granularity: str) -> None:
        super().__init__()
        self.granularity = granularity

    def __missing__(self, day: date) -> tuple[date, date]:
        bucket = self[day] = bucket_of(day, self.granularity)
        return bucket


def _series_rows(rows: list[dict[str, Any]], named_series: tuple[int, int, str | None, str],
                 facts: Iterable[tuple], snaps: list, start: date, end: date,
                 bucket_for: _Buckets) -> None:
    """Append the rows of one series (product, location, GTIN, location code; see the
    module's definitions), in period order, from its daily totals by measure
    (`sales_totals`, oldest first) and its snapshots."""
    periods: dict[tuple[date, date], _Bucket] = {}
    # units sold by day, oldest first, and their running totals: any trailing window's sum
    # is the difference of two of them (Decimal sums are exact, so it is the same number)
    sold_on: list[date] = []
    running = [ZERO]
    for _, _, day, measure, quantity in facts:
        if measure == "sold":
            sold_on.append(day)
            running.append(running[-1] + quantity)
        if start <= day <= end:
            period = bucket_for[day]
            bucket = periods.get(period)
            if bucket is None:
                bucket = periods[period] = _Bucket()
            if measure == "sold":
                bucket.sold += quantity
            elif measure == "returned":
                bucket.returned += quantity
            elif measure == "received":
                bucket.received = (bucket.received or ZERO) + quantity
    as_of = [s[2] for s in snaps]  # oldest first
    for day in as_of:
        if start <= day <= end and bucket_for[day] not in periods:
            periods[bucket_for[day]] = _Bucket()
    product_id, location_id, gtin, code = named_series
    for (b_start, b_end), bucket in sorted(periods.items()):
        first = bisect_left(as_of, b_start)  # snapshots before the period
        upto = bisect_right(as_of, b_end)  # snapshots on or before its end
        received = bucket.received
        if received is None:
            figures = [s[4] for s in snaps[first:upto] if s[4] is not None]
            received = sum(figures, ZERO) if figures else None
        trailing = (running[bisect_right(sold_on, b_end)]
                    - running[bisect_left(sold_on, b_end - TRAILING_SPAN)])
        on_hand_end = snaps[upto - 1][3] if upto else None
        on_hand_begin = snaps[first - 1][3] if first else None
        denominator = (on_hand_begin + (received or ZERO)) if on_hand_begin is not None else None
        weekly = trailing / 4
        rows.append({
            "product_id": product_id, "gtin": gtin, "location_id": location_id,
            "location_code": code, "period_start": b_start, "period_end": b_end,
            "units_sold": bucket.sold, "units_returned": bucket.returned,
            "units_received": received, "on_hand_begin": on_hand_begin,
            "on_hand_end": on_hand_end, "sell_through_rate": _ratio(bucket.sold, denominator),
            "weeks_of_supply": _ratio(on_hand_end, weekly if weekly else None),
        })


def sales_changes(session: Session, caller: Caller, *, cursor: str | None, limit: int,
                  include_test: bool) -> RowsPage:
    """One page of the change feed, shaped as `Page[SalesFactRead]`."""
    position = cursor_pair(cursor, "after") or (0, 0)
    facts = sales_store.feed(session, demand_scope(caller), after=position, limit=limit,
                             include_test=include_test)
    items = [{name: fact._mapping[name] for name in _FACT_FIELDS} for fact in facts]
    last = [facts[-1].tx_id or 0, facts[-1].id] if facts else list(position)
    return RowsPage({"items": items, "next_cursor": encode_cursor({"after": last})})


_FACT_FIELDS = tuple(SalesFactRead.model_fields)


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
