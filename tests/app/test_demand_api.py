"""Sell-through, the change feed and inventory through the API, hand-computed.

Northwind reports weekly for product A (GTIN 00012345678905) at store S1:
  week 11-02..11-08 sold 10 | 11-09..11-15 sold 14, returned 2 | 11-16..11-22 sold 8 |
  11-23..11-29 sold 12
snapshots at S1: 11-08 on hand 50 | 11-15 on hand 40, received 4 | 11-22 on hand 60,
  received 30 | 11-29 on hand 45, received 0

Weekly rows, from 11-09 to 11-29:
  11-09: sold 14, returned 2, received 4, begin 50, end 40,
         rate 14/(50+4) = 0.2593, trailing 28d to 11-15 = 10+14 = 24 -> 6/wk -> wos 40/6 = 6.6667
  11-16: sold 8, received 30, begin 40, end 60, rate 8/70 = 0.1143,
         trailing to 11-22 = 10+14+8 = 32 -> 8/wk -> wos 7.5
  11-23: sold 12, received 0, begin 60, end 45, rate 12/60 = 0.2,
         trailing to 11-29 = 44 -> 11/wk -> wos 45/11 = 4.0909
Month of November (11-01..11-30): sold 44, returned 2, received 4+30+0 = 34, begin unknown
  (no snapshot before 11-01) -> rate null, end 45, trailing 11-03..11-30 = 14+8+12 = 34
  -> 8.5/wk -> wos 45/8.5 = 5.2941
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app import metrics
from app.services.demand import apply_product_activity
from schemas.documents import (
    InventoryLineDoc,
    PartyRef,
    ProductActivityDoc,
    ProductRef,
    SalesLineDoc,
)
from tests.app.services.conftest import context  # noqa: F401  (fixture)

D = Decimal
GTIN = "00012345678905"
S1 = PartyRef(role="location", scheme="ZZ", value="S1", location_code="S1")
ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")


def week(start: date, sold: int, returned: int = 0, snapshot=None) -> ProductActivityDoc:
    end = start + timedelta(days=6)
    sales = [SalesLineDoc(location=S1, product=ProductRef(gtin=GTIN), measure="sold",
                          quantity=D(sold), uom="EA", period_start=start, period_end=end,
                          raw_qualifier="ZA:QS")]
    if returned:
        sales.append(SalesLineDoc(location=S1, product=ProductRef(gtin=GTIN),
                                  measure="returned", quantity=D(returned), uom="EA",
                                  period_start=start, period_end=end, raw_qualifier="ZA:QU"))
    inventory = ()
    if snapshot is not None:
        on_hand, received = snapshot
        inventory = (InventoryLineDoc(location=S1, product=ProductRef(gtin=GTIN), as_of=end,
                                      on_hand=D(on_hand),
                                      received=None if received is None else D(received),
                                      uom="EA", raw_qualifier="ZA:QA"),)
    return ProductActivityDoc(period_start=start, period_end=end, parties=(ACME,),
                              sales=tuple(sales), inventory=inventory)


@pytest.fixture
def auth(session, context, make_partner):  # noqa: F811
    northwind, nw = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    _, acme = make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS"])
    _, other = make_partner("Globex", "manufacturer", ["ZZ:GLOBEX"])
    _, bolt = make_partner("Bolt", "distributor", ["ZZ:BOLT"])
    for doc in (week(date(2026, 11, 2), 10, snapshot=(50, None)),
                week(date(2026, 11, 9), 14, 2, snapshot=(40, 4)),
                week(date(2026, 11, 16), 8, snapshot=(60, 30)),
                week(date(2026, 11, 23), 12, snapshot=(45, 0))):
        apply_product_activity(session, doc, context(northwind))
    session.commit()
    return {name: {"Authorization": f"Bearer {key}"} for name, key in
            (("northwind", nw), ("acme", acme), ("globex", other), ("bolt", bolt))}


def test_weekly_sell_through_matches_the_hand_computed_rows(client, auth):
    body = client.get("/v1/sell-through?gtin=00012345678905&from=2026-11-09&to=2026-11-29"
                      "&granularity=week", headers=auth["northwind"]).json()
    rows = [(r["period_start"], D(r["units_sold"]), D(r["units_returned"]),
             D(r["units_received"]), D(r["on_hand_begin"]), D(r["on_hand_end"]),
             D(r["sell_through_rate"]), D(r["weeks_of_supply"])) for r in body["items"]]
    assert rows == [
        ("2026-11-09", D(14), D(2), D(4), D(50), D(40), D("0.2593"), D("6.6667")),
        ("2026-11-16", D(8), D(0), D(30), D(40), D(60), D("0.1143"), D("7.5000")),
        ("2026-11-23", D(12), D(0), D(0), D(60), D(45), D("0.2000"), D("4.0909")),
    ]
    assert D(body["totals"]["units_sold"]) == D(34)
    assert D(body["totals"]["units_received"]) == D(34)


def test_monthly_sell_through_has_no_rate_without_a_beginning_stock(client, auth):
    [row] = client.get("/v1/sell-through?gtin=00012345678905&from=2026-11-01&to=2026-11-30"
                       "&granularity=month", headers=auth["acme"]).json()["items"]
    assert (row["period_start"], row["period_end"]) == ("2026-11-01", "2026-11-30")
    assert D(row["units_sold"]) == D(44) and D(row["units_received"]) == D(34)
    assert row["on_hand_begin"] is None and row["sell_through_rate"] is None
    assert D(row["weeks_of_supply"]) == D("5.2941")


def test_csv_when_asked(client, auth):
    response = client.get("/v1/sell-through?from=2026-11-09&to=2026-11-15",
                          headers={**auth["northwind"], "Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    header, row = response.text.strip().splitlines()
    assert header.startswith("product_id,gtin,location_id,location_code,period_start")
    assert ",00012345678905," in row and ",S1,2026-11-09,2026-11-15,14.0000," in row


def test_scope_other_partners_see_nothing(client, auth):
    for who in ("bolt", "globex"):
        body = client.get("/v1/sell-through?from=2026-11-01&to=2026-11-30",
                          headers=auth[who]).json()
        assert body["items"] == [], who
        assert client.get("/v1/inventory", headers=auth[who]).json()["items"] == []
        assert client.get("/v1/sell-through/changes", headers=auth[who]).json()["items"] == []


def test_bad_parameters_are_422_problems(client, auth):
    bad_gtin = client.get("/v1/sell-through?gtin=12345", headers=auth["acme"])
    assert bad_gtin.status_code == 422 and bad_gtin.json()["location"] == {"parameter": "gtin"}
    reversed_window = client.get("/v1/sell-through?from=2026-11-30&to=2026-11-01",
                                 headers=auth["acme"])
    assert reversed_window.status_code == 422
    assert client.get("/v1/sell-through?granularity=year",
                      headers=auth["acme"]).status_code == 422


def test_inventory_is_the_latest_snapshot(client, auth):
    [item] = client.get("/v1/inventory", headers=auth["acme"]).json()["items"]
    assert (item["as_of"], D(item["on_hand"])) == ("2026-11-29", D(45))


def test_a_window_starting_mid_week_covers_whole_weeks(client, auth):
    # 11-11 is a Wednesday: the week of 11-09 is shown whole, with its 14 units sold
    rows = client.get("/v1/sell-through?from=2026-11-11&to=2026-11-18&granularity=week",
                      headers=auth["northwind"]).json()["items"]
    assert [(r["period_start"], D(r["units_sold"])) for r in rows] == [
        ("2026-11-09", D(14)), ("2026-11-16", D(8))]


def test_answers_carry_their_request_id_and_are_timed_under_their_route(client, auth):
    def count(status: str) -> float:
        return metrics.REGISTRY.get_sample_value("edihub_http_request_seconds_count", {
            "method": "GET", "route": "/v1/sell-through", "status": status}) or 0.0

    ok_before, bad_before = count("200"), count("422")
    ok = client.get("/v1/sell-through?from=2026-11-09&to=2026-11-15",
                    headers={**auth["northwind"], "X-Request-ID": "poller-7"})
    bad = client.get("/v1/sell-through?granularity=year", headers=auth["acme"])
    assert ok.status_code == 200 and ok.headers["x-request-id"] == "poller-7"
    assert bad.status_code == 422 and len(bad.headers["x-request-id"]) == 32
    assert (count("200"), count("422")) == (ok_before + 1, bad_before + 1)
