"""Promise status and metrics through the API, on a small hand-computed scenario.

Today is 2026-12-10. Northwind orders PO-1 from Acme (4 lines, 10 EA each):
- line 1: promised 12-05 (v1), shipped 10 on 12-03, ETA 12-04   -> delivered_on_time
- line 2: promised 12-06 (v1) then 12-08 (v2), shipped 10 on 12-07, ETA 12-09
                                                                  -> delivered_late
- line 3: promised 12-08 (v1), shipped 6 on 12-05, ETA 12-07     -> delivered_short
- line 4: promised 12-09 (v1), nothing shipped                    -> late (1 day)
Lines due (due date <= today): all 4.
on_time: lines whose expected delivery <= due date: 1 (12-04 <= 12-05), 3 (12-07 <= 12-08)
  -> 2/4 = 0.5;  in_full: shipped >= ordered: 1, 2 -> 0.5;  otif: line 1 -> 0.25
unit_fill: (10 + 10 + 6 + 0) / 40 = 0.65
promise accuracy: delivered = 1, 2, 3; by FIRST promise: 1 (12-04<=12-05), 3 (12-07<=12-08);
  line 2: 12-09 > 12-06 -> 2/3 = 0.6667
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from app.services.orders import apply_order, apply_order_response
from app.services.shipments import apply_ship_notice
from schemas.documents import (
    OrderDoc,
    OrderLineDoc,
    OrderResponseDoc,
    OrderResponseLineDoc,
    PartyRef,
    ProductRef,
    ShipmentLineDoc,
    ShipNoticeDoc,
)
from tests.app.services.conftest import context  # noqa: F401  (fixture)

D = Decimal
ACME = PartyRef(role="seller", scheme="ZZ", value="ACMEFOODS")
NORTHWIND = PartyRef(role="buyer", scheme="ZZ", value="NORTHWIND")


@pytest.fixture
def scenario(session, context, make_partner):  # noqa: F811
    northwind, nw_key = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    acme, acme_key = make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS"])
    _, bolt_key = make_partner("Bolt", "distributor", ["ZZ:BOLT"])
    _, ops_key = make_partner("Ops", "ops", [])
    order = apply_order(session, OrderDoc(
        po_number="PO-1", purpose="original", parties=(ACME,),
        lines=tuple(OrderLineDoc(line_number=str(n), product=ProductRef(vendor_part=f"P{n}"),
                                 quantity=D(10), uom="EA", requested_delivery=date(2026, 12, 5))
                    for n in range(1, 5))), context(northwind, acme))

    def respond(version_lines):
        apply_order_response(session, OrderResponseDoc(
            po_number="PO-1", status="accepted", parties=(NORTHWIND,),
            lines=tuple(OrderResponseLineDoc(line_number=n, status=s, quantity=D(10), uom="EA",
                                             promised_delivery=d)
                        for n, s, d in version_lines)), context(acme, northwind))

    respond([("1", "accepted", date(2026, 12, 5)), ("2", "accepted", date(2026, 12, 6)),
             ("3", "accepted", date(2026, 12, 8)), ("4", "accepted", date(2026, 12, 9))])
    respond([("2", "changed", date(2026, 12, 8))])

    def ship(number, line, qty, shipped, eta):
        apply_ship_notice(session, ShipNoticeDoc(
            shipment_number=number, shipped_on=shipped, estimated_delivery=eta,
            parties=(NORTHWIND,), lines=(ShipmentLineDoc(
                po_number="PO-1", line_number=line, quantity_shipped=D(qty), uom="EA"),)),
            context(acme, northwind))

    ship("S1", "1", 10, date(2026, 12, 3), date(2026, 12, 4))
    ship("S2", "2", 10, date(2026, 12, 7), date(2026, 12, 9))
    ship("S3", "3", 6, date(2026, 12, 5), date(2026, 12, 7))
    session.commit()
    auth = {name: {"Authorization": f"Bearer {key}"} for name, key in
            (("northwind", nw_key), ("acme", acme_key), ("bolt", bolt_key), ("ops", ops_key))}
    return order, auth


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 12, 10, 12, 0, tzinfo=UTC), tick=False):
        yield


def test_order_lines_carry_their_status(client, scenario, frozen):
    order, auth = scenario
    body = client.get(f"/v1/orders/{order.id}", headers=auth["northwind"]).json()
    by_line = {ln["line_number"]: ln for ln in body["lines"]}
    assert {n: ln["delivery_status"] for n, ln in by_line.items()} == {
        "1": "delivered_on_time", "2": "delivered_late", "3": "delivered_short", "4": "late"}
    assert [p["version"] for p in by_line["2"]["promises"]] == [1, 2]
    assert by_line["4"]["delay_days"] == 1
    assert by_line["2"]["delay_days"] == 4  # ETA 12-09 vs requested 12-05


def test_promises_list_puts_late_lines_first(client, scenario, frozen):
    _, auth = scenario
    items = client.get("/v1/promises", headers=auth["ops"]).json()["items"]
    assert [i["status"] for i in items] == [
        "late", "delivered_short", "delivered_late", "delivered_on_time"]


def test_promises_filter_by_status(client, scenario, frozen):
    _, auth = scenario
    items = client.get("/v1/promises?status=late&status=delivered_short",
                       headers=auth["acme"]).json()["items"]
    assert sorted(i["line_number"] for i in items) == ["3", "4"]


def test_unknown_status_is_a_422_problem(client, scenario, frozen):
    _, auth = scenario
    response = client.get("/v1/promises?status=lost", headers=auth["ops"])
    assert response.status_code == 422
    assert response.json()["location"] == {"parameter": "status"}


def test_summary_metrics_match_the_hand_computed_ones(client, scenario, frozen):
    _, auth = scenario
    summary = client.get("/v1/promises/summary", headers=auth["ops"]).json()
    assert summary["lines_due"] == 4
    assert summary["on_time_rate"] == 0.5
    assert summary["in_full_rate"] == 0.5
    assert summary["otif_rate"] == 0.25
    assert summary["unit_fill_rate"] == 0.65
    assert summary["promise_accuracy"] == 0.6667
    assert summary["counts"]["late"] == 1 and summary["counts"]["delivered_late"] == 1


def test_summary_window_selects_by_due_date(client, scenario, frozen):
    _, auth = scenario
    summary = client.get("/v1/promises/summary?from=2026-12-08&to=2026-12-09",
                         headers=auth["ops"]).json()
    assert summary["lines"] == 3  # due 12-08 (lines 2, 3) and 12-09 (line 4)


def test_other_distributor_sees_nothing_and_gets_404_for_the_order(client, scenario, frozen):
    order, auth = scenario
    assert client.get("/v1/promises", headers=auth["bolt"]).json()["items"] == []
    assert client.get(f"/v1/orders/{order.id}", headers=auth["bolt"]).status_code == 404
    assert client.get("/v1/orders", headers=auth["bolt"]).json()["items"] == []


def test_orders_page_with_cursor(client, scenario, frozen):
    _, auth = scenario
    first = client.get("/v1/orders?limit=1", headers=auth["northwind"]).json()
    assert [o["po_number"] for o in first["items"]] == ["PO-1"]
    assert first["next_cursor"] is None
    bad = client.get("/v1/orders?cursor=%%%", headers=auth["northwind"])
    assert bad.status_code == 422
