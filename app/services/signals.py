"""Demand views built on the daily series: replenishment signals (JSON and EDI for VMI),
their parameters, and per-series forecasts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.errors import InvalidParameter, NotFound
from app.security import Caller
from app.services import forecasting, replenishment
from app.services.paging import cursor_pair, encode_cursor
from app.services.sell_through import RowsPage, demand_scope
from app.settings import Settings
from app.store import partner as partner_store
from app.store import product as product_store
from app.store import sales as sales_store
from schemas.api import ForecastRead, Page, ParametersUpdate, SignalRead

URGENCIES = ("critical", "reorder", "ok", "unknown")


def list_signals(session: Session, caller: Caller, settings: Settings, *, today: date,
                 location_id: int | None, product_id: int | None, urgency: str | None,
                 include_test: bool, cursor: str | None,
                 limit: int | None) -> Page[SignalRead]:
    """`signal_rows` as models (for the EDI writers, the dashboard and the watch job)."""
    return Page[SignalRead].model_validate(signal_rows(
        session, caller, settings, today=today, location_id=location_id,
        product_id=product_id, urgency=urgency, include_test=include_test, cursor=cursor,
        limit=limit).body)


def signal_rows(session: Session, caller: Caller, settings: Settings, *, today: date,
                location_id: int | None, product_id: int | None, urgency: str | None,
                include_test: bool, cursor: str | None, limit: int | None) -> RowsPage:
    """One page of signals, shaped as `Page[SignalRead]`; `limit=None`: all of them in one
    pass (every page reads the facts of the whole scope, so paging through everything would
    read them once per page)."""
    if urgency is not None and urgency not in URGENCIES:
        raise InvalidParameter(f"urgency must be one of {', '.join(URGENCIES)}",
                               location={"parameter": "urgency"})
    scope = demand_scope(caller)
    longest = settings.replenishment_window_days
    start, end = replenishment.window(today, max(longest, 90))
    sold = {(row[0], row[1]): row[2:] for row in sales_store.sold_by_series(
        session, scope, product_id=product_id, location_id=location_id, start=start, end=end,
        include_test=include_test)}
    # the newest snapshot per series (of two reporters' on the same day, the last row wins)
    snapshots = {(s[0], s[1]): s for s in sales_store.latest_stock(
        session, scope, product_id=product_id, location_id=location_id,
        include_test=include_test)}
    pairs = sorted(set(sold) | set(snapshots))
    after = cursor_pair(cursor, "after")
    if after is not None:
        pairs = [p for p in pairs if p > after]
    stored = sales_store.parameters_of(session, set(pairs))
    packs = sales_store.pack_sizes(session, {p for p, _ in pairs})
    defaults: dict = {}  # parameters and window of a series with none stored, by pack size
    windows: dict[int, tuple[date, date]] = {}
    no_facts = ((), (), ())
    no_stock = replenishment.Stock(None, None, None, None, None)
    items: list[dict[str, Any]] = []
    last = None
    for pair in pairs:
        own = stored.get(pair)
        if own is None:
            pack = packs.get(pair[0])
            params = defaults.get(pack)
            if params is None:
                params = defaults[pack] = replenishment.parameters_for(settings, None, pack)
        else:
            params = replenishment.parameters_for(settings, own, packs.get(pair[0]))
        window = windows.get(params.window_days)
        if window is None:
            window = windows[params.window_days] = replenishment.window(
                today, params.window_days)
        demand = replenishment.spread_daily(
            *sold.get(pair, no_facts), skip=(window[0] - start).days,
            days=(window[1] - window[0]).days + 1)
        snap = snapshots.get(pair)
        stock = no_stock if snap is None else replenishment.Stock(*snap[2:])
        values = replenishment.signal_values(demand, stock, params, *window)
        last = pair
        if urgency is None or values[_URGENCY] == urgency:
            item = {"product_id": pair[0], "location_id": pair[1], "on_hand": stock.on_hand,
                    "available": stock.available, "on_order": stock.on_order,
                    "in_transit": stock.in_transit, "stock_as_of": stock.as_of}
            item.update(zip(replenishment.SIGNAL_FIELDS, values, strict=True))
            items.append(item)
            if len(items) == limit:
                break
    more = last is not None and last != pairs[-1]
    return RowsPage({"items": items,
                     "next_cursor": encode_cursor({"after": list(last)}) if more else None})


_URGENCY = replenishment.SIGNAL_FIELDS.index("urgency")


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
