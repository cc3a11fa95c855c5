"""Replenishment signals per product x location, and the daily demand series behind them.

Definitions (also in the OpenAPI descriptions):
- Daily demand: units sold per day over the trailing window (default 28 days, ending
  yesterday); a fact covering several days is spread evenly over them.
- `avg_daily_demand` = mean of the daily series; `demand_std` = its standard deviation
  (population, over the window's days).
- `safety_stock` = z * demand_std * sqrt(lead_time_days), z the normal quantile of the cycle
  service level (default 0.95 -> 1.6449).
- `reorder_point` = avg_daily_demand * lead_time_days + safety_stock.
- `inventory_position` = available + on order + in transit - backorders, from the latest
  inventory snapshot (available falls back to on hand; the hub receives no backorder figure
  per location, so backorders are 0 and reported as such).
- `days_of_cover` = on hand / avg_daily_demand.
- `suggested_qty` = max(0, reorder_point + avg_daily_demand * review_days -
  inventory_position), rounded up to the pack multiple (parameter, else the product's pack
  size, else 1).
- `urgency`: `critical` when days_of_cover < lead_time_days, `reorder` when
  inventory_position <= reorder_point, else `ok`; `unknown` (and no suggested quantity) when
  the location never reported its stock.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from scipy.stats import norm

from app.settings import Settings


@dataclass(frozen=True, slots=True)
class Parameters:
    lead_time_days: int
    review_days: int
    service_level: float
    pack_multiple: Decimal
    window_days: int


@dataclass(frozen=True, slots=True)
class Stock:
    as_of: date | None
    on_hand: Decimal | None
    available: Decimal | None
    on_order: Decimal | None
    in_transit: Decimal | None


@dataclass(frozen=True, slots=True)
class Signal:
    avg_daily_demand: float
    demand_std: float
    lead_time_days: int
    review_days: int
    service_level: float
    z: float
    safety_stock: float
    reorder_point: float
    inventory_position: float | None
    backorders: float
    days_of_cover: float | None
    suggested_qty: float | None
    pack_multiple: float
    urgency: str
    window_start: date
    window_end: date


@lru_cache(maxsize=64)
def z_score(service_level: float) -> float:
    """The normal quantile of a cycle service level (0.95 -> 1.6449); computed once per
    level, not once per product."""
    return float(norm.ppf(service_level))


def parameters_for(settings: Settings, stored=None, product_pack: Decimal | None = None
                   ) -> Parameters:
    """Stored per-series parameters over the settings' defaults."""

    def pick(name: str, default):
        value = getattr(stored, name, None) if stored is not None else None
        return default if value is None else value

    pack = pick("pack_multiple", None) or product_pack or Decimal(1)
    return Parameters(
        lead_time_days=int(pick("lead_time_days", settings.replenishment_lead_time_days)),
        review_days=int(pick("review_days", settings.replenishment_review_days)),
        service_level=float(pick("service_level", settings.replenishment_service_level)),
        pack_multiple=Decimal(pack),
        window_days=int(pick("window_days", settings.replenishment_window_days)),
    )


def daily_series(facts: Iterable[tuple[date, date, Decimal]], start: date,
                 end: date) -> list[float]:
    """Units per day from `start` to `end` (inclusive); a fact spanning n days adds 1/n of
    its quantity to each of its days inside the window."""
    facts = list(facts)
    return spread_daily([(first - start).days for first, _, _ in facts],
                        [(last - first).days + 1 for first, last, _ in facts],
                        [quantity for _, _, quantity in facts],
                        skip=0, days=(end - start).days + 1)


def spread_daily(firsts: Sequence[int], spans: Sequence[int],
                 quantities: Sequence[Decimal | float], *, skip: int, days: int) -> list[float]:
    """`daily_series` of facts given as columns of day numbers, as the store hands them out
    per series: each fact's first day counted from an origin, its length in days and its
    quantity; the series is the `days` days from `skip` days after the origin on."""
    series = [0.0] * max(days, 0)
    for first, span, quantity in zip(firsts, spans, quantities, strict=True):
        first -= skip
        if span == 1:  # most facts are daily: float(q) / 1 is float(q)
            if 0 <= first < days:
                series[first] += float(quantity)
        elif span > 0:
            share = float(quantity) / span
            for offset in range(max(first, 0), min(first + span, days)):
                series[offset] += share
    return series


def compute_signal(demand: list[float], stock: Stock, params: Parameters,
                   window_start: date, window_end: date) -> Signal:
    return Signal(*signal_values(demand, stock, params, window_start, window_end))


def signal_values(demand: list[float], stock: Stock, params: Parameters,
                  window_start: date, window_end: date) -> tuple:
    """A `Signal`'s values in the order of its fields (`SIGNAL_FIELDS`): what a page of 500
    signals is built from without one frozen object per signal."""
    n = len(demand)
    avg = sum(demand) / n if n else 0.0
    std = math.sqrt(sum([(x - avg) ** 2 for x in demand]) / n) if n else 0.0
    lead = params.lead_time_days
    z = z_score(params.service_level)
    safety = z * std * math.sqrt(lead)
    rop = avg * lead + safety
    available = stock.available if stock.available is not None else stock.on_hand
    backorders = 0.0
    position = None
    if available is not None:
        position = (float(available) + float(stock.on_order or 0)
                    + float(stock.in_transit or 0) - backorders)
    cover = float(stock.on_hand) / avg if stock.on_hand is not None and avg > 0 else None
    pack = float(params.pack_multiple) or 1.0
    suggested = None
    if position is not None:
        raw_need = rop + avg * params.review_days - position
        suggested = math.ceil(raw_need / pack - 1e-9) * pack if raw_need > 0 else 0.0
    if position is None:
        urgency = "unknown"  # no inventory figure: nothing to compare the reorder point with
    elif cover is not None and cover < lead:
        urgency = "critical"
    elif avg > 0 and position <= rop:
        urgency = "reorder"
    else:
        urgency = "ok"
    return (round(avg, 4), round(std, 4), lead, params.review_days, params.service_level,
            round(z, 4), round(safety, 4), round(rop, 4),
            None if position is None else round(position, 4), backorders,
            None if cover is None else round(cover, 4), suggested, pack, urgency,
            window_start, window_end)


SIGNAL_FIELDS = Signal.__slots__


def window(today: date, days: int) -> tuple[date, date]:
    """The trailing window: `days` whole days ending yesterday."""
    end = today - timedelta(days=1)
    return end - timedelta(days=days - 1), end


def group_facts(rows) -> dict[tuple[int, int], list[tuple[date, date, Decimal]]]:
    grouped: dict[tuple[int, int], list[tuple[date, date, Decimal]]] = defaultdict(list)
    for product_id, location_id, first, last, quantity in rows:
        grouped[(product_id, location_id)].append((first, last, quantity))
    return grouped
