"""Demand views built on the daily series: replenishment signals (JSON and EDI for VMI),
their parameters, and per-series forecasts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.errors import InvalidParameter, NotFound
from app.security import Caller
from app.services import forecasting, replenishment
from app.services.paging import cursor_pair, encode_cursor
from app.services.sell_through import demand_scope
from app.settings import Settings
from app.store import partner as partner_store
from app.store import product as product_store
from app.store import sales as sales_store
from app.store.models import InventorySnapshot
from schemas.api import ForecastRead, Page, ParametersUpdate, SignalRead

URGENCIES = ("critical", "reorder", "ok", "unknown")


def _stock(snapshot: InventorySnapshot | None) -> replenishment.Stock:
    if snapshot is None:
        return replenishment.Stock(None, None, None, None, None)
    return replenishment.Stock(snapshot.as_of, snapshot.on_hand, snapshot.available,
                               snapshot.on_order, snapshot.in_transit)


def list_signals(session: Session, caller: Caller, settings: Settings, *, today: date,
                 location_id: int | None, product_id: int | None, urgency: str | None,
                 include_test: bool, cursor: str | None, limit: int) -> Page[SignalRead]:
    if urgency is not None and urgency not in URGENCIES:
        raise InvalidParameter(f"urgency must be one of {', '.join(URGENCIES)}",
                               location={"parameter": "urgency"})
    scope = demand_scope(caller)
    longest = settings.replenishment_window_days
    start, end = replenishment.window(today, max(longest, 90))
    facts = replenishment.group_facts(sales_store.sold_overlapping(
        session, scope, product_id=product_id, location_id=location_id, start=start, end=end,
        include_test=include_test))
    snapshots = {(s.product_id, s.location_id): s for s in sales_store.latest_snapshots(
        session, scope, product_id=product_id, location_id=location_id, reporter_id=None,
        include_test=include_test, after=None, limit=1_000_000)}
    pairs = sorted(set(facts) | set(snapshots))
    after = cursor_pair(cursor, "after")
    if after is not None:
        pairs = [p for p in pairs if p > after]
    stored = sales_store.parameters_of(session, set(pairs))
    packs = product_store.pack_sizes_of(session, {p for p, _ in pairs})
    items: list[SignalRead] = []
    last = None
    for pair in pairs:
        params = replenishment.parameters_for(settings, stored.get(pair), packs.get(pair[0]))
        w_start, w_end = replenishment.window(today, params.window_days)
        demand = replenishment.daily_series(facts.get(pair, []), w_start, w_end)
        signal = replenishment.compute_signal(demand, _stock(snapshots.get(pair)), params,
                                              w_start, w_end)
        last = pair
        if urgency is None or signal.urgency == urgency:
            snap = snapshots.get(pair)
            items.append(SignalRead(
                product_id=pair[0], location_id=pair[1],
                on_hand=snap.on_hand if snap else None,
                available=snap.available if snap else None,
                on_order=snap.on_order if snap else None,
                in_transit=snap.in_transit if snap else None,
                stock_as_of=snap.as_of if snap else None,
                **_signal_fields(signal)))
            if len(items) == limit:
                break
    more = last is not None and last != pairs[-1]
    return Page[SignalRead](items=items,
                            next_cursor=encode_cursor({"after": list(last)}) if more else None)


def _signal_fields(signal: replenishment.Signal) -> dict:
    return {name: getattr(signal, name) for name in replenishment.Signal.__slots__}


def set_parameters(session: Session, update: ParametersUpdate) -> None:
    if product_store.get_by_id(session, update.product_id) is None:
        raise NotFound(f"product {update.product_id} does not exist")
    if partner_store.get_location_by_id(session, update.location_id) is None:
        raise NotFound(f"location {update.location_id} does not exist")
    values = update.model_dump(exclude={"product_id", "location_id"}, exclude_unset=True)
    sales_store.upsert_parameters(session, product_id=update.product_id,
                                  location_id=update.location_id, values=values)


def list_forecasts(session: Session, caller: Caller, *, today: date, product_id: int | None,
                   location_id: int | None, horizon_days: int, history_days: int,
                   include_test: bool, cursor: str | None, limit: int) -> Page[ForecastRead]:
    """A daily forecast per product x location series, with its method and backtest."""
    start, end = replenishment.window(today, history_days)
    facts = replenishment.group_facts(sales_store.sold_overlapping(
        session, demand_scope(caller), product_id=product_id, location_id=location_id,
        start=start, end=end, include_test=include_test))
    pairs = sorted(facts)
    after = cursor_pair(cursor, "after")
    if after is not None:
        pairs = [p for p in pairs if p > after]
    page, more = pairs[:limit], len(pairs) > limit
    items = []
    for pair in page:
        series = replenishment.daily_series(facts[pair], start, end)
        result = forecasting.forecast_series(series, horizon_days)
        items.append(ForecastRead(
            product_id=pair[0], location_id=pair[1], history_start=start, history_end=end,
            classification=result.kind, adi=result.adi, cv2=result.cv2, method=result.method,
            daily_rate=result.daily_rate,
            forecast=[{"date": today + timedelta(days=i), "quantity": q}
                      for i, q in enumerate(result.daily)],
            backtest_method=result.backtest_method, backtest_days=result.backtest_days,
            backtest_mae=result.backtest_mae, backtest_bias=result.backtest_bias,
        ))
    return Page[ForecastRead](
        items=items, next_cursor=encode_cursor({"after": list(page[-1])}) if more else None)
