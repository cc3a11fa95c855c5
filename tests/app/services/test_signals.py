"""Signals built from plain rows: on random reports (multi-day facts, series without stock,
stored parameters with their own window and pack, products with a pack size), each signal is
`compute_signal` over the series' facts and latest stock read straight from the reports, on
both databases; the JSON is byte for byte what `Page[SignalRead]` writes, and the models the
EDI writers get hold the same values."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from pydantic import TypeAdapter
from stdnum import ean

from app.security import Caller, Role
from app.services import replenishment
from app.services.demand import apply_product_activity
from app.services.signals import list_signals, set_parameters, signal_rows
from app.store import sales as sales_store
from app.store.models import Location, Product, ReplenishmentParameters
from app.store.sales import DemandScope
from schemas.api import Page, ParametersUpdate, SignalRead
from schemas.documents import (
    InventoryLineDoc,
    PartyRef,
    ProductActivityDoc,
    ProductRef,
    SalesLineDoc,
)

D = Decimal
TODAY = date(2026, 12, 1)
ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")
PAGE = TypeAdapter(Page[SignalRead])
STORES = {f"S{s}": PartyRef(role="location", scheme="ZZ", value=f"S{s}", location_code=f"S{s}")
          for s in range(3)}


def gtin(i: int) -> str:
    body = f"0501234{i:06d}"
    return body + ean.calc_check_digit(body)


@pytest.fixture
def world(session, context, northwind, settings):
    """6 products x 3 stores over 120 days; returns the facts, the newest stock and ids."""
    rng = random.Random(11)
    facts, stock = [], {}
    sales, inventory = [], []
    for p in range(6):
        for s in range(3):
            if (p + s) % 5 == 4:
                continue  # no sales at all: only a snapshot, or nothing
            for day in range(120):
                start = TODAY - timedelta(days=120 - day)
                span = rng.choice([1, 1, 1, 1, 7, 3]) if rng.random() < 0.5 else 0
                if span:
                    q = D(rng.randint(0, 40)) / (4 if rng.random() < 0.2 else 1)
                    facts.append((gtin(p), f"S{s}", start, start + timedelta(days=span - 1), q))
                    sales.append(SalesLineDoc(
                        location=STORES[f"S{s}"], product=ProductRef(gtin=gtin(p)),
                        measure="sold", quantity=q, uom="EA", period_start=start,
                        period_end=start + timedelta(days=span - 1), raw_qualifier="ZA:QS"))
        for s in range(3):
            if (p * 3 + s) % 4 == 3:
                continue  # never reported its stock: urgency unknown
            for as_of in (TODAY - timedelta(days=9), TODAY - timedelta(days=2)):
                figures = [D(rng.randint(0, 90)) for _ in range(4)]
                stock[(gtin(p), f"S{s}")] = (as_of, *figures)
                inventory.append(InventoryLineDoc(
                    location=STORES[f"S{s}"], product=ProductRef(gtin=gtin(p)), as_of=as_of,
                    on_hand=figures[0], available=figures[1], on_order=figures[2],
                    in_transit=figures[3], uom="EA", raw_qualifier="ZA:QA"))
    apply_product_activity(session, ProductActivityDoc(
        parties=(ACME,), sales=tuple(sales), inventory=tuple(inventory)), context(northwind))
    session.flush()
    products = {p.gtin: p for p in session.query(Product)}
    locations = {loc.code: loc.id for loc in session.query(Location)}
    products[gtin(1)].pack_size = D(12)
    products[gtin(2)].pack_size = D(6)
    session.flush()
    stored = {(gtin(0), "S1"): {"window_days": 60, "lead_time_days": 3},
              (gtin(2), "S0"): {"pack_multiple": D(5), "service_level": D("0.99")},
              (gtin(3), "S2"): {"window_days": 14, "review_days": 1}}
    for (g, store), values in stored.items():
        set_parameters(session, ParametersUpdate(product_id=products[g].id,
                                                 location_id=locations[store], **values))
    return facts, stock, {g: p.id for g, p in products.items()}, locations


def expected(session, settings, world, *, location=None) -> list[dict]:
    facts, stock, products, locations = world
    stored = {(r.product_id, r.location_id): r for r in session.query(ReplenishmentParameters)}
    packs = {p.id: p.pack_size for p in session.query(Product)}
    pairs = sorted({(products[g], locations[s]) for g, s, *_ in facts}
                   | {(products[g], locations[s]) for g, s in stock})
    fetched = replenishment.window(TODAY, 90)
    out = []
    for pair in pairs:
        if location is not None and pair[1] != location:
            continue
        params = replenishment.parameters_for(settings, stored.get(pair), packs[pair[0]])
        window = replenishment.window(TODAY, params.window_days)
        mine = sorted((a, b, q) for g, s, a, b, q in facts
                      if (products[g], locations[s]) == pair
                      and b >= fetched[0] and a <= fetched[1])
        snap = next((v for (g, s), v in stock.items() if (products[g], locations[s]) == pair),
                    None)
        held = replenishment.Stock(*snap) if snap else replenishment.Stock(*[None] * 5)
        signal = replenishment.compute_signal(
            replenishment.daily_series(mine, *window), held, params, *window)
        out.append({"product_id": pair[0], "location_id": pair[1], "on_hand": held.on_hand,
                    "available": held.available, "on_order": held.on_order,
                    "in_transit": held.in_transit, "stock_as_of": held.as_of,
                    **{k: getattr(signal, k) for k in replenishment.Signal.__slots__}})
    return out


def signals(session, settings, **kwargs):
    args = dict(today=TODAY, location_id=None, product_id=None, urgency=None,
                include_test=False, cursor=None, limit=500)
    return signal_rows(session, Caller(1, "ops", Role.OPS, 1), settings, **{**args, **kwargs})


def test_every_signal_is_compute_signal_over_its_series(session, settings, world):
    page = signals(session, settings)
    want = expected(session, settings, world)
    assert len(want) >= 15 and page.next_cursor is None
    assert {s["urgency"] for s in want} >= {"unknown", "critical", "ok"}
    assert {s["window_start"] for s in want} == {TODAY - timedelta(days=d) for d in (28, 60, 14)}
    assert page.items == want
    assert page.to_json() == PAGE.dump_json(Page[SignalRead].model_validate(page.body))


def test_one_location_and_the_pages_of_a_filter(session, settings, world):
    s1 = world[3]["S1"]
    assert signals(session, settings, location_id=s1).items == expected(
        session, settings, world, location=s1)
    want = [s for s in expected(session, settings, world) if s["urgency"] == "critical"]
    got, cursor = [], None
    while True:
        page = signals(session, settings, urgency="critical", limit=2, cursor=cursor)
        got += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert got == want and len(want) >= 3


def test_the_models_for_the_edi_writers_hold_the_same_signals(session, settings, world):
    page = list_signals(session, Caller(1, "ops", Role.OPS, 1), settings, today=TODAY,
                        location_id=None, product_id=None, urgency=None, include_test=False,
                        cursor=None, limit=500)
    assert [s.model_dump() for s in page.items] == expected(session, settings, world)


def test_the_http_body_is_what_the_schema_writes(client, session, settings, world,
                                                 make_partner):
    _, key = make_partner("Ops", "ops", [])
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False):
        response = client.get("/v1/replenishment/signals",
                              headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = Page[SignalRead].model_validate_json(response.content)
    assert [s.model_dump() for s in body.items] == expected(session, settings, world)
    assert response.content == PAGE.dump_json(body)


def test_the_store_lists_each_series_facts_as_the_rows_of_sold_overlapping(session, world):
    start, end = replenishment.window(TODAY, 90)
    kwargs = dict(product_id=None, location_id=None, start=start, end=end, include_test=False)
    listed = {(p, loc): sorted(zip(firsts, spans, units, strict=True))
              for p, loc, firsts, spans, units in sales_store.sold_by_series(
                  session, DemandScope(), **kwargs)}
    want: dict = {}
    for p, loc, first, last, units in sales_store.sold_overlapping(session, DemandScope(),
                                                                 **kwargs):
        want.setdefault((p, loc), []).append(((first - start).days, (last - first).days + 1,
                                              units))
    assert len(listed) >= 15 and listed == {key: sorted(v) for key, v in want.items()}
    assert {span for lists in listed.values() for _, span, _ in lists} == {1, 3, 7}


def spread_by_definition(facts, start: date, end: date) -> list[float]:
    """Day by day: each day of the window gets the share of every fact that covers it."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    series = [0.0] * len(days)
    for first, last, quantity in facts:
        for i, day in enumerate(days):
            if first <= day <= last:
                series[i] += float(quantity) / ((last - first).days + 1)
    return series


@pytest.mark.parametrize("seed", range(12))
def test_daily_demand_spreads_each_fact_evenly_over_its_days_in_the_window(seed):
    rng = random.Random(seed)
    start, end = date(2026, 10, 1), date(2026, 10, 28)
    facts = []
    for _ in range(rng.randint(0, 40)):
        first = start + timedelta(days=rng.randint(-12, 35))
        length = rng.choice([0, 0, 0, 1, 2, 6, 13, -1])  # -1: a fact that ends before it starts
        facts.append((first, first + timedelta(days=length), D(rng.randint(0, 9999)) / 100))
    want = spread_by_definition(facts, start, end)
    assert replenishment.daily_series(facts, start, end) == want
    origin = start - timedelta(days=62)  # the store counts days from the fetched window's start
    assert replenishment.spread_daily(
        [(first - origin).days for first, _, _ in facts],
        [(last - first).days + 1 for first, last, _ in facts],
        [float(q) for _, _, q in facts], skip=62, days=28) == want


def test_each_location_gets_its_own_signals_one_after_the_other(session, settings, world):
    for store in ("S0", "S1", "S2", "S0"):
        location = world[3][store]
        assert signals(session, settings, location_id=location).items == expected(
            session, settings, world, location=location), store
