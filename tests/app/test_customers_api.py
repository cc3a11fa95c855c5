"""The customer view on a hand-computed scenario. Today is 2026-12-01; the value window is
the 365 days 2025-12-02..2026-12-01; the base currency is EUR and 1 USD = 0.5 EUR.

Customers of Acme (all orders at one line, value = quantity x price):
- C1 Northwind: 1000 EUR on the 1st of each month Feb..Nov 2026 (10 orders) -> 10000
- C2 Bolt: 4000 USD = 2000 EUR on 09-01, 10-01, 11-15 (3 orders) -> 6000
- C3 Cobalt: 1000 EUR on 2025-06-01, 07-01, 08-01 -> 0 in the window
- C4 Dapper: 500 EUR on 2026-11-20 (its first order) -> 500
ABC (total 16500; cumulative share before each): C1 0 -> A, C2 0.6061 -> A, C4 0.9697 -> C,
  C3 no revenue -> C
RFM over the active C1, C2, C4 (score = 1 + 5 x worse // 3):
  recency days 30 / 16 / 11 -> 1 / 2 / 4; frequency 10 / 3 / 1 -> 4 / 2 / 1;
  monetary 10000 / 6000 / 500 -> 4 / 2 / 1
  segments: C4 first order 11 days ago -> new; C1 R1 F4 -> at_risk (R<=2, F>=3);
  C2 R2 F2 -> hibernating
Tiers: C1 10000 and 10 orders -> silver; C2 6000 but 3 orders -> bronze; C4 -> bronze;
  C3 no orders in 12 months -> prospect
Churn: C3 last order 2025-08-01, 487 days -> lost; gaps 30, 31 -> median 30.5; 487 > 61 ->
  overdue. C1: gaps 28,31,30,31,30,31,31,30,31 -> median 31, 30 days since last -> not overdue;
  last 90 days 2000 vs prior 90 days 3000 -> 2000 >= 1800 -> not declining.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from app.services.orders import apply_order
from schemas.documents import OrderDoc, OrderLineDoc, PartyRef, ProductRef
from tests.app.services.conftest import context  # noqa: F401  (fixture)

D = Decimal
ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def world(client, session, context, make_partner):  # noqa: F811
    keys, ids = {}, {}
    for name, role, ident in (("Hub Ops", "ops", None), ("Acme Foods", "manufacturer", "ACMEFOODS"),
                              ("Globex", "manufacturer", "GLOBEX"),
                              ("Northwind", "distributor", "NORTHWIND"),
                              ("Bolt", "distributor", "BOLT"), ("Cobalt", "distributor", "COBALT"),
                              ("Dapper", "distributor", "DAPPER")):
        partner, key = make_partner(name, role, [f"ZZ:{ident}"] if ident else [])
        keys[name], ids[name] = {"Authorization": f"Bearer {key}"}, partner
    acme = ids["Acme Foods"]

    def order(buyer: str, day: date, value: int, currency: str = "EUR") -> None:
        n = f"{buyer[:2]}-{day.isoformat()}"
        apply_order(session, OrderDoc(po_number=n, purpose="original", order_date=day,
                                      currency=currency, parties=(ACME,), lines=(OrderLineDoc(
                                          line_number="1", product=ProductRef(vendor_part="P1"),
                                          quantity=D(1), uom="EA", unit_price=D(value)),)),
                    context(ids[buyer], acme))

    for month in range(2, 12):
        order("Northwind", date(2026, month, 1), 1000)
    for day in (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 15)):
        order("Bolt", day, 4000, "USD")
    for day in (date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 1)):
        order("Cobalt", day, 1000)
    order("Dapper", date(2026, 11, 20), 500)
    session.commit()
    ops = keys["Hub Ops"]
    assert client.put("/v1/exchange-rates", headers=ops, json={"rates": [
        {"currency": "USD", "rate": "0.5", "valid_from": "2026-01-01"}]}).status_code == 204
    run = client.post("/v1/customers/scores", headers=ops)
    assert run.status_code == 200, run.text
    return keys, ids


def by_name(items: list[dict]) -> dict[str, dict]:
    return {c["name"]: c for c in items}


def test_value_abc_segments_and_tiers(client, world):
    keys, _ = world
    items = client.get("/v1/customers", headers=keys["Hub Ops"]).json()["items"]
    assert [c["name"] for c in items][:4] == ["Northwind", "Bolt", "Dapper", "Cobalt"]
    got = {c["name"]: (D(c["revenue"]), c["abc_class"], c["segment"], c["tier"])
           for c in items}
    assert got == {
        "Northwind": (D(10000), "A", "at_risk", "silver"),
        "Bolt": (D(6000), "A", "hibernating", "bronze"),
        "Dapper": (D(500), "C", "new", "bronze"),
        "Cobalt": (D(0), "C", None, "prospect"),
    }
    assert round(float(by_name(items)["Bolt"]["share"]), 4) == 0.3636


def test_churn_flags_and_bgnbd(client, world):
    keys, ids = world
    risk = client.get("/v1/customers/churn-risk", headers=keys["Hub Ops"]).json()
    by_id = {r["customer_id"]: r for r in risk}
    cobalt = by_id[ids["Cobalt"].id]
    assert sorted(cobalt["flags"]) == ["lost", "overdue"]
    assert (cobalt["median_gap_days"], cobalt["days_since_last"]) == (30.5, 487)
    northwind = by_id[ids["Northwind"].id]
    assert northwind["flags"] == []
    assert (northwind["median_gap_days"], northwind["days_since_last"]) == (31.0, 30)
    assert risk[0]["customer_id"] == ids["Cobalt"].id  # most flags first
    assert set(cobalt["model"]) == {"r", "alpha", "a", "b"}
    assert float(cobalt["p_alive"]) < float(northwind["p_alive"])
    flagged = client.get("/v1/customers/churn-risk?flagged=true",
                         headers=keys["Hub Ops"]).json()
    assert [r["customer_id"] for r in flagged] == [ids["Cobalt"].id]


def test_segments_list_members(client, world):
    keys, ids = world
    segments = {s["segment"]: s["members"] for s in
                client.get("/v1/customers/segments", headers=keys["Hub Ops"]).json()}
    assert segments["new"] == [ids["Dapper"].id]
    assert segments["inactive"] == [ids["Cobalt"].id]


def test_tier_changes_are_recorded_with_reason(client, session, context, world):  # noqa: F811
    keys, ids = world
    detail = client.get(f"/v1/customers/{ids['Bolt'].id}", headers=keys["Hub Ops"]).json()
    assert [(t["from_tier"], t["to_tier"]) for t in detail["tier_history"]] == [(None, "bronze")]
    # one more order brings Bolt to 4 orders and 8000 EUR: silver
    apply_order(session, OrderDoc(po_number="BO-extra", purpose="original",
                                  order_date=date(2026, 11, 30), currency="EUR", parties=(ACME,),
                                  lines=(OrderLineDoc(line_number="1",
                                                      product=ProductRef(vendor_part="P1"),
                                                      quantity=D(1), uom="EA",
                                                      unit_price=D(2000)),)),
                context(ids["Bolt"], ids["Acme Foods"]))
    session.commit()
    client.post("/v1/customers/scores", headers=keys["Hub Ops"])
    detail = client.get(f"/v1/customers/{ids['Bolt'].id}", headers=keys["Hub Ops"]).json()
    history = detail["tier_history"]
    assert [(t["from_tier"], t["to_tier"]) for t in history] == [(None, "bronze"),
                                                                ("bronze", "silver")]
    assert history[-1]["reason"] == "12-month revenue 8000.00 >= 5000 and 4 orders >= 4"
    assert detail["last_order"] == "2026-11-30"
    assert detail["score_inputs"]["tier"]["orders_12m"] == 4


def test_timeline_newest_first_with_cases_and_paging(client, world):
    keys, ids = world
    nw = ids["Northwind"].id
    case = client.post(f"/v1/customers/{nw}/cases", headers=keys["Hub Ops"], json={
        "subject": "Late delivery of oats", "category": "complaint", "owner": "ana",
        "status": "resolved", "resolution": "Reshipped from the Reno DC"})
    assert case.status_code == 201
    first = client.get(f"/v1/customers/{nw}/timeline?limit=3", headers=keys["Hub Ops"]).json()
    assert first["items"][0]["kind"] == "case"  # logged today: newest
    assert [i["kind"] for i in first["items"][1:]] == ["order", "order"]
    assert first["items"][1]["at"].startswith("2026-11-01")
    seen = [(i["kind"], i["id"]) for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"/v1/customers/{nw}/timeline?limit=3&cursor={cursor}",
                          headers=keys["Hub Ops"]).json()
        seen += [(i["kind"], i["id"]) for i in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 11  # 10 orders + the case, each once


def test_case_search_finds_the_answer_given_before(client, world):
    keys, ids = world
    client.post(f"/v1/customers/{ids['Northwind'].id}/cases", headers=keys["Hub Ops"], json={
        "subject": "Late delivery of oats", "category": "complaint", "status": "resolved",
        "resolution": "Reshipped from the Reno DC"})
    client.post(f"/v1/customers/{ids['Bolt'].id}/cases", headers=keys["Hub Ops"], json={
        "subject": "Question about pallets", "category": "question"})
    found = client.get("/v1/cases?q=reno oats", headers=keys["Hub Ops"]).json()["items"]
    assert [c["subject"] for c in found] == ["Late delivery of oats"]
    assert client.get("/v1/cases?q=paris", headers=keys["Hub Ops"]).json()["items"] == []
    # Bolt finds only its own cases
    own = client.get("/v1/cases", headers=keys["Bolt"]).json()["items"]
    assert [c["subject"] for c in own] == ["Question about pallets"]


def test_scope_distributor_itself_manufacturer_its_buyers(client, world):
    keys, ids = world
    assert [c["name"] for c in client.get("/v1/customers",
                                          headers=keys["Bolt"]).json()["items"]] == ["Bolt"]
    assert len(client.get("/v1/customers", headers=keys["Acme Foods"]).json()["items"]) == 4
    assert client.get("/v1/customers", headers=keys["Globex"]).json()["items"] == []
    assert client.get(f"/v1/customers/{ids['Northwind'].id}",
                      headers=keys["Bolt"]).status_code == 404
    assert client.get(f"/v1/customers/{ids['Northwind'].id}/timeline",
                      headers=keys["Globex"]).status_code == 404
    assert client.post("/v1/customers/scores", headers=keys["Acme Foods"]).status_code == 403
    assert client.put("/v1/exchange-rates", headers=keys["Bolt"], json={"rates": [
        {"currency": "USD", "rate": "1", "valid_from": "2026-01-01"}]}).status_code == 403


def test_timeline_pages_through_entries_that_share_a_timestamp(client, world):
    keys, ids = world
    dapper = ids["Dapper"].id
    for n in range(5):  # the clock is frozen: all five cases share one timestamp
        client.post(f"/v1/customers/{dapper}/cases", headers=keys["Hub Ops"],
                    json={"subject": f"call {n}", "category": "call"})
    seen, cursor = [], None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = client.get(f"/v1/customers/{dapper}/timeline{query}",
                          headers=keys["Hub Ops"]).json()
        seen += [(i["kind"], i["id"]) for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 6  # five cases and the one order


def test_absurd_rates_are_refused(client, world):
    keys, _ = world
    for rate in ("1.7976931348623155e+308", "0", "-1"):
        response = client.put("/v1/exchange-rates", headers=keys["Hub Ops"], json={"rates": [
            {"currency": "USD", "rate": rate, "valid_from": "2026-01-01"}]})
        assert response.status_code == 422, rate
