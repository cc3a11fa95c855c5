"""Sell-through built from plain rows: on random reports, every figure equals the definitions
(computed here straight from the reports, exponent included), on both databases, and the JSON
is byte for byte what the `SellThroughPage` schema writes."""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from pydantic import TypeAdapter
from sqlalchemy import select, update
from stdnum import ean

from app.security import Caller, Role
from app.services.demand import apply_product_activity
from app.services.sell_through import sales_changes, sell_through
from app.store.models import Location, Product, SalesFact
from schemas.api import Page, SalesFactRead, SellThroughPage
from schemas.documents import (
    InventoryLineDoc,
    PartyRef,
    ProductActivityDoc,
    ProductRef,
    SalesLineDoc,
)

D = Decimal
ZERO = D(0)
Q = D("0.0001")
FIRST = date(2026, 9, 1)
ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")
PAGE = TypeAdapter(SellThroughPage)
FEED_PAGE = TypeAdapter(Page[SalesFactRead])


def gtin(i: int) -> str:
    body = f"0401234{i:06d}"
    return body + ean.calc_check_digit(body)


def random_reports(rng: random.Random):
    """3 products x 3 stores over ~3 months: daily and weekly facts of the three measures
    (some series only returns, some never reported), snapshots with and without `received`."""
    facts, snaps = [], []  # (gtin, store, start, end, measure, quantity) / (gtin, store, ...)
    for p in range(3):
        for s in range(3):
            if (p, s) == (2, 2):
                continue  # a series that never reported
            for day in range(0, 90):
                start = FIRST + timedelta(days=day)
                roll = rng.random()
                if roll < 0.35:
                    facts.append((gtin(p), f"S{s}", start, start, "sold", rng.randint(0, 30)))
                elif roll < 0.40 and day % 7 == 0:  # a weekly figure, next to the daily ones
                    facts.append((gtin(p), f"S{s}", start, start + timedelta(days=6), "sold",
                                  rng.randint(0, 90)))
                if rng.random() < 0.08:
                    facts.append((gtin(p), f"S{s}", start, start, "returned", rng.randint(1, 4)))
                if rng.random() < 0.05:
                    facts.append((gtin(p), f"S{s}", start, start, "received",
                                  rng.randint(5, 60)))
                if rng.random() < 0.12:
                    received = rng.choice([None, rng.randint(0, 40)])
                    snaps.append((gtin(p), f"S{s}", start, rng.randint(0, 150), received))
    return facts, snaps


def load(session, context, northwind, facts, snaps) -> None:
    location = {f"S{s}": PartyRef(role="location", scheme="ZZ", value=f"S{s}",
                                  location_code=f"S{s}") for s in range(3)}
    sales = tuple(SalesLineDoc(location=location[store], product=ProductRef(gtin=g),
                               measure=measure, quantity=D(q), uom="EA", period_start=start,
                               period_end=end, raw_qualifier="ZA:QS")
                  for g, store, start, end, measure, q in facts)
    inventory = tuple(InventoryLineDoc(location=location[store], product=ProductRef(gtin=g),
                                       as_of=as_of, on_hand=D(on_hand),
                                       received=None if received is None else D(received),
                                       uom="EA", raw_qualifier="ZA:QA")
                      for g, store, as_of, on_hand, received in snaps)
    apply_product_activity(session, ProductActivityDoc(parties=(ACME,), sales=sales,
                                                       inventory=inventory), context(northwind))
    session.flush()


def period(day: date, granularity: str) -> tuple[date, date]:
    if granularity == "day":
        return day, day
    if granularity == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def ratio(numerator, denominator):
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (numerator / denominator).quantize(Q, rounding=ROUND_HALF_UP)


def expected_rows(facts, snaps, start: date, end: date, granularity: str, ids) -> list[tuple]:
    """The definitions of app/services/sell_through.py, one series and period at a time."""
    start, end = period(start, granularity)[0], period(end, granularity)[1]
    stored = [(g, s, a, b, m, D(q).quantize(Q)) for g, s, a, b, m, q in facts]
    series = sorted({(ids[g], ids[s]) for g, s, a, _, _, _ in stored if start <= a <= end})
    gtins = {v: k for k, v in ids.items() if not k.startswith("S")}
    codes = {v: k for k, v in ids.items() if k.startswith("S")}
    rows = []
    for product, location in series:
        mine = [f for f in stored if (ids[f[0]], ids[f[1]]) == (product, location)]
        stock = sorted((x for x in snaps if (ids[x[0]], ids[x[1]]) == (product, location)
                        and x[2] <= end), key=lambda x: x[2])
        periods = ({period(f[2], granularity) for f in mine if start <= f[2] <= end}
                   | {period(x[2], granularity) for x in stock if start <= x[2] <= end})
        for first, last in sorted(periods):
            inside = [f for f in mine if first <= f[2] <= last]
            sold = sum((f[5] for f in inside if f[4] == "sold"), ZERO)
            returned = sum((f[5] for f in inside if f[4] == "returned"), ZERO)
            got = [f[5] for f in inside if f[4] == "received"]
            figures = [D(x[4]).quantize(Q) for x in stock
                       if first <= x[2] <= last and x[4] is not None]
            received = (sum(got, ZERO) if got else sum(figures, ZERO) if figures else None)
            ends = [D(x[3]).quantize(Q) for x in stock if x[2] <= last]
            begins = [D(x[3]).quantize(Q) for x in stock if x[2] < first]
            on_hand_end = ends[-1] if ends else None
            on_hand_begin = begins[-1] if begins else None
            trailing = sum((f[5] for f in mine if f[4] == "sold"
                            and last - timedelta(days=27) <= f[2] <= last), ZERO)
            rows.append(tuple(None if v is None else str(v) for v in (
                product, gtins[product], location, codes[location], first, last, sold,
                returned, received, on_hand_begin, on_hand_end,
                ratio(sold, None if on_hand_begin is None else on_hand_begin + (received or 0)),
                ratio(on_hand_end, trailing / 4 if trailing else None))))
    return rows


@pytest.fixture
def reports(session, context, northwind):
    facts, snaps = random_reports(random.Random(7))
    load(session, context, northwind, facts, snaps)
    ids = {p.gtin: p.id for p in session.query(Product)}
    ids |= {loc.code: loc.id for loc in session.query(Location)}
    return facts, snaps, ids


@pytest.mark.parametrize(("granularity", "start", "end"), [
    ("day", date(2026, 10, 1), date(2026, 10, 20)),
    ("week", date(2026, 9, 10), date(2026, 11, 4)),
    ("month", date(2026, 9, 15), date(2026, 11, 30)),
])
def test_every_row_follows_the_definitions(session, reports, granularity, start, end):
    facts, snaps, ids = reports
    page = sell_through(session, Caller(1, "ops", Role.OPS, 1), product_id=None, gtin=None,
                        location_id=None, reporter_id=None, start=start, end=end,
                        today=date(2026, 12, 1), granularity=granularity, include_test=False,
                        cursor=None, limit=500)
    got = [tuple(None if v is None else str(v) for v in row.values()) for row in page.items]
    want = expected_rows(facts, snaps, start, end, granularity, ids)
    assert len(want) >= 24 and any(r[11] for r in want) and any(r[12] for r in want)
    assert got == want
    totals = page.body["totals"]
    assert totals["rows"] == len(want) and totals["series"] == len({r[:4] for r in want})
    assert totals["units_sold"] == sum((D(r[6]) for r in want), ZERO)
    assert totals["units_received"] == sum((D(r[8] or 0) for r in want), ZERO)
    # the bytes the schema itself would write (what FastAPI wrote from the model before)
    assert page.to_json() == PAGE.dump_json(SellThroughPage.model_validate(page.body))


def test_pages_of_series_join_up_to_the_whole(session, reports):
    caller, whole, rows, cursor = Caller(1, "ops", Role.OPS, 1), None, [], None
    kwargs = dict(product_id=None, gtin=None, location_id=None, reporter_id=None,
                  start=date(2026, 10, 1), end=date(2026, 10, 31), today=date(2026, 12, 1),
                  granularity="week", include_test=False, limit=3)
    whole = sell_through(session, caller, cursor=None, **{**kwargs, "limit": 500}).items
    while True:
        page = sell_through(session, caller, cursor=cursor, **kwargs)
        rows += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert rows == whole and len({(r["product_id"], r["location_id"]) for r in rows}) == 8


def test_the_http_body_is_what_the_schema_writes(client, session, reports, make_partner):
    _, key = make_partner("Ops", "ops", [])
    response = client.get("/v1/sell-through?from=2026-10-05&to=2026-10-25&granularity=week",
                          headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = SellThroughPage.model_validate_json(response.content)
    assert len(body.items) == 8 * 3
    assert response.content == PAGE.dump_json(body)


def test_the_change_feed_is_what_the_schema_writes_of_the_stored_facts(session, reports):
    # as if an earlier transaction had written them: PostgreSQL's feed hands out only facts of
    # finished transactions, and this test's own never finishes
    session.execute(update(SalesFact).values(tx_id=1))
    page = sales_changes(session, Caller(1, "ops", Role.OPS, 1), cursor=None, limit=40,
                         include_test=False)
    stored = session.scalars(select(SalesFact).order_by(SalesFact.tx_id, SalesFact.id)
                             .limit(40)).all()
    assert len(page.items) == 40
    assert page.items == [SalesFactRead.model_validate(f).model_dump() for f in stored]
    assert page.to_json() == FEED_PAGE.dump_json(Page[SalesFactRead].model_validate(page.body))
