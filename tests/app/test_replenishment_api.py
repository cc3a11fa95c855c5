"""Replenishment signals, parameters, VMI EDI, ATP quote and forecasts — hand-computed.

Today is 2026-12-01; the window is the 28 days 11-03..11-30. Northwind's store S1 reports:
- product A (GTIN 00012345678905): weekly facts 14, 14, 21, 7 units -> daily 2,2,3,1 per week
  avg = 56 / 28 = 2.0; deviations 0 (14 days), +1 (7), -1 (7): variance 14/28 = 0.5,
  std = 0.707107; z(0.95) = 1.644854; safety = 1.644854 * 0.707107 * sqrt(7) = 3.077224;
  reorder point = 2 * 7 + 3.077224 = 17.077224; stock: on hand 12, available 10, on order 5
  -> position 15; days of cover 12 / 2 = 6 < lead 7 -> critical;
  suggested = 17.077224 + 2 * 7 - 15 = 16.077 -> 17 (pack 1)
- product B (GTIN 04006381333931): one fact of 28 over the window -> 1/day, std 0; parameters
  lead 3, pack 6; reorder point 3; stock 20 available 20 -> cover 20, position 20 > 3 -> ok;
  suggested max(0, 3 + 7 - 20) = 0
- product C (GTIN 05012345678900): sales, no stock reported -> unknown
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

import edi
from app.services.demand import apply_product_activity
from app.services.orders import apply_order
from app.services.partners import register_partner
from app.services.shipments import apply_ship_notice
from schemas.documents import (
    InventoryLineDoc,
    OrderDoc,
    OrderLineDoc,
    PartyRef,
    ProductActivityDoc,
    ProductRef,
    SalesLineDoc,
    ShipmentLineDoc,
    ShipNoticeDoc,
)
from tests.app.services.conftest import context  # noqa: F401  (fixture)

D = Decimal
A, B, C = "00012345678905", "04006381333931", "05012345678900"
S1 = PartyRef(role="location", scheme="ZZ", value="S1", location_code="S1")
ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")


def sold(gtin: str, start: date, days: int, qty: int) -> SalesLineDoc:
    return SalesLineDoc(location=S1, product=ProductRef(gtin=gtin), measure="sold",
                        quantity=D(qty), uom="EA", period_start=start,
                        period_end=start + timedelta(days=days - 1), raw_qualifier="ZA:QS")


def stock(gtin: str, on_hand: int, available: int, on_order: int = 0) -> InventoryLineDoc:
    return InventoryLineDoc(location=S1, product=ProductRef(gtin=gtin), as_of=date(2026, 11, 30),
                            on_hand=D(on_hand), available=D(available), on_order=D(on_order),
                            uom="EA", raw_qualifier="ZA:OH")


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def world(session, context, make_partner, frozen):  # noqa: F811
    northwind, nw = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    acme, ac = make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS"])
    _, ops = make_partner("Ops", "ops", [])
    weeks = [date(2026, 11, 3) + timedelta(days=7 * i) for i in range(4)]
    apply_product_activity(session, ProductActivityDoc(
        parties=(ACME,),
        sales=(*(sold(A, w, 7, q) for w, q in zip(weeks, (14, 14, 21, 7), strict=True)),
               sold(B, date(2026, 11, 3), 28, 28), sold(C, date(2026, 11, 24), 7, 7)),
        inventory=(stock(A, 12, 10, 5), stock(B, 20, 20))), context(northwind))
    session.commit()
    auth = {k: {"Authorization": f"Bearer {v}"} for k, v in
            (("northwind", nw), ("acme", ac), ("ops", ops))}
    return {"auth": auth, "northwind": northwind, "acme": acme}


def signals_by_gtin(client, session, headers, query=""):
    from app.store.models import Product
    gtins = {p.id: p.gtin for p in session.query(Product)}
    items = client.get(f"/v1/replenishment/signals{query}", headers=headers).json()["items"]
    return {gtins[s["product_id"]]: s for s in items}


def test_signals_match_the_hand_computed_values(client, session, world):
    got = signals_by_gtin(client, session, world["auth"]["acme"])
    a = got[A]
    assert a["avg_daily_demand"] == 2.0
    assert a["demand_std"] == pytest.approx(0.707107, abs=1e-4)
    assert a["z"] == pytest.approx(1.644854, abs=1e-4)
    assert a["safety_stock"] == pytest.approx(3.077224, abs=1e-3)
    assert a["reorder_point"] == pytest.approx(17.077224, abs=1e-3)
    assert a["inventory_position"] == 15.0
    assert a["days_of_cover"] == 6.0
    assert (a["suggested_qty"], a["urgency"]) == (17.0, "critical")
    assert (a["window_start"], a["window_end"]) == ("2026-11-03", "2026-11-30")
    assert got[C]["urgency"] == "unknown" and got[C]["suggested_qty"] is None


def test_parameters_change_the_signal_and_only_ops_may_set_them(client, session, world):
    from app.store.models import Location, Product
    b = session.query(Product).filter_by(gtin=B).one()
    s1 = session.query(Location).filter_by(code="S1").one()
    body = {"product_id": b.id, "location_id": s1.id, "lead_time_days": 3, "pack_multiple": 6}
    denied = client.put("/v1/replenishment/parameters", json=body,
                        headers=world["auth"]["northwind"])
    assert denied.status_code == 403
    assert client.put("/v1/replenishment/parameters", json=body,
                      headers=world["auth"]["ops"]).status_code == 204
    signal = signals_by_gtin(client, session, world["auth"]["ops"])[B]
    assert (signal["lead_time_days"], signal["pack_multiple"]) == (3, 6.0)
    assert (signal["reorder_point"], signal["days_of_cover"]) == (3.0, 20.0)
    assert (signal["suggested_qty"], signal["urgency"]) == (0.0, "ok")


def test_filter_by_urgency(client, session, world):
    got = signals_by_gtin(client, session, world["auth"]["ops"], "?urgency=critical")
    assert list(got) == [A]
    assert client.get("/v1/replenishment/signals?urgency=panic",
                      headers=world["auth"]["ops"]).status_code == 422


@pytest.mark.parametrize("fmt", ["x12-850", "x12-830", "edifact-orders", "edifact-delfor"])
def test_signals_as_edi_read_back_cleanly(client, session, world, fmt):
    response = client.get(f"/v1/replenishment/signals.edi?format={fmt}",
                          headers=world["auth"]["acme"])
    assert response.status_code == 200
    parsed = edi.parse(response.content)
    assert parsed.all_issues() == []
    [interchange] = parsed.interchanges
    assert interchange.envelope.sender.strip() == "ACMEFOODS"
    assert interchange.envelope.receiver.strip() == "NORTHWIND"
    [message] = interchange.messages
    assert message.type == {"x12-850": "850", "x12-830": "830", "edifact-orders": "ORDERS",
                            "edifact-delfor": "DELFOR"}[fmt]
    if fmt == "x12-850":
        [po1] = [s for s in message.segments if s.tag == "PO1"]
        assert (po1.value(2), po1.value(3)) == ("17", "EA")
        assert A in po1.raw or A[2:] in po1.raw


def test_quote_available_to_promise(client, session, context, world):  # noqa: F811
    northwind, acme = world["northwind"], world["acme"]
    dc = PartyRef(role="location", scheme="ZZ", value="ACME-DC", location_code="ACME-DC")
    apply_product_activity(session, ProductActivityDoc(inventory=(InventoryLineDoc(
        location=dc, product=ProductRef(gtin=A), as_of=date(2026, 11, 30), on_hand=D(120),
        available=D(100), uom="EA", raw_qualifier="QTY:17"),)), context(acme))
    apply_order(session, OrderDoc(po_number="PO-9", purpose="original", parties=(ACME,),
                                  lines=(OrderLineDoc(line_number="1", product=ProductRef(gtin=A),
                                                      quantity=D(30), uom="EA"),
                                         OrderLineDoc(line_number="2", product=ProductRef(gtin=A),
                                                      quantity=D(15), uom="EA"))),
                context(northwind, acme))
    apply_ship_notice(session, ShipNoticeDoc(
        shipment_number="S-1", shipped_on=date(2026, 11, 28), parties=(
            PartyRef(role="buyer", scheme="ZZ", value="NORTHWIND"),),
        lines=(ShipmentLineDoc(po_number="PO-9", line_number="1", product=ProductRef(gtin=A),
                               quantity_shipped=D(10), uom="EA"),)), context(acme, northwind))
    # an inbound delivery of 50 to Acme's DC, expected 12-05
    oatmill = register_partner(session, name="Oat Mill", role="supplier",
                               identifiers=["ZZ:OATMILL"]).partner
    apply_ship_notice(session, ShipNoticeDoc(
        shipment_number="IN-1", shipped_on=date(2026, 12, 1),
        estimated_delivery=date(2026, 12, 5),
        parties=(PartyRef(role="buyer", scheme="ZZ", value="ACMEFOODS"),
                 PartyRef(role="ship_to", scheme="ZZ", value="ACME-DC",
                          location_code="ACME-DC")),
        lines=(ShipmentLineDoc(product=ProductRef(gtin=A), quantity_shipped=D(50), uom="EA"),)),
        context(oatmill, acme))
    session.commit()
    from app.store.models import Location
    location_id = session.query(Location).filter_by(code="ACME-DC").one().id
    acme_auth = world["auth"]["acme"]

    def ask(qty: int) -> dict:
        return client.post("/v1/promises/quote", headers=acme_auth, json={
            "gtin": A, "location_id": location_id, "quantity": qty,
            "requested_date": "2026-12-03"}).json()

    # available 100, owed 20 + 15 = 35 -> ATP today 65; +50 on 12-05 -> 115
    fits = ask(60)
    assert (D(fits["available_now"]), D(fits["open_allocations"])) == (D(100), D(35))
    assert (fits["can_promise_in_full"], fits["promised_date"], fits["partial"]) == (
        True, "2026-12-03", None)
    later = ask(90)
    assert (later["can_promise_in_full"], later["promised_date"]) == (False, "2026-12-05")
    assert (D(later["partial"]["quantity"]), later["partial"]["date"]) == (D(65), "2026-12-03")
    never = ask(200)
    assert never["promised_date"] is None and D(never["partial"]["quantity"]) == D(65)
    other = client.post("/v1/promises/quote", headers=world["auth"]["northwind"], json={
        "gtin": A, "location_id": location_id, "quantity": 1, "requested_date": "2026-12-03"})
    assert other.status_code == 404  # not its location


def test_forecasts_per_series_with_backtest(client, session, world):
    items = client.get("/v1/forecasts?horizon_days=7&history_days=28",
                       headers=world["auth"]["acme"]).json()["items"]
    from app.store.models import Product
    gtins = {p.id: p.gtin for p in session.query(Product)}
    by = {gtins[i["product_id"]]: i for i in items}
    b = by[B]  # 1 unit every day: smooth, SES with a flat level of 1
    assert (b["classification"], b["method"]) == ("smooth", "ses")
    assert b["daily_rate"] == pytest.approx(1.0)
    assert len(b["forecast"]) == 7 and b["forecast"][0]["date"] == "2026-12-01"
    assert b["backtest_days"] == 27 and b["backtest_mae"] == pytest.approx(0.0)
    c = by[C]  # 7 units over the last 7 of 28 days, 1/day: ADI 28/7 = 4 -> intermittent
    assert c["classification"] == "intermittent" and c["method"] == "croston_sba"


def test_parameters_out_of_range_are_refused(client, session, world):
    from app.store.models import Location, Product
    b = session.query(Product).filter_by(gtin=B).one()
    s1 = session.query(Location).filter_by(code="S1").one()
    for bad in ({"service_level": "0.99999"}, {"service_level": "1"}, {"pack_multiple": "1e20"},
                {"lead_time_days": 10_000}):
        response = client.put("/v1/replenishment/parameters", headers=world["auth"]["ops"],
                              json={"product_id": b.id, "location_id": s1.id, **bad})
        assert response.status_code == 422, bad


def test_an_unknown_large_location_or_product_id_is_an_empty_page(client, world):
    for query in ("location=20922789888001&product=922", "product=9223372036854775807"):
        got = client.get(f"/v1/replenishment/signals?{query}&include_test=true",
                         headers=world["auth"]["ops"])
        assert got.status_code == 200, got.text
        assert got.json()["items"] == []
