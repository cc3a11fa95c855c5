"""Who may see what (DESIGN.md section 6), endpoint by endpoint.

Northwind (distributor A) sends an 850 to Acme (manufacturer M) and a weekly 852 naming Acme
as vendor. Bolt (distributor B) and Globex (manufacturer N, no products) are bystanders.
- ops sees everything;
- A sees what it sent and what concerns its own orders and locations;
- M sees the orders it sells and demand for its own products, not A's raw files;
- B and N see nothing of it, and A's objects are 404 to them, never 403.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app.store.models import Location, Order

GOLDEN = Path(__file__).parents[1] / "samples" / "golden" / "x12"
ROLES = ("ops", "A", "B", "M", "N")


@pytest.fixture
def world(client, make_partner, session):
    keys = {}
    _, keys["ops"] = make_partner("Hub Operations", "ops", [])
    _, keys["A"] = make_partner("Northwind Distribution", "distributor",
                                ["ZZ:NORTHWIND", "GLN:0614141000012"])
    _, keys["B"] = make_partner("Bolt Retail", "distributor", ["ZZ:BOLTRETAIL"])
    _, keys["M"] = make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS"])
    _, keys["N"] = make_partner("Globex", "manufacturer", ["ZZ:GLOBEX"])
    auth = {role: {"Authorization": f"Bearer {key}"} for role, key in keys.items()}
    uploads = {}
    for name in ("850-northwind-original.edi", "852-northwind-weekly-sdq.edi"):
        response = client.post("/v1/interchanges", content=(GOLDEN / name).read_bytes(),
                               headers=auth["A"])
        assert response.status_code == 201, response.text
        uploads[name[:3]] = response.json()["id"]
    order_id = session.scalar(select(Order.id))
    store = session.scalar(select(Location.id).where(Location.code == "STORE-014"))
    return auth, uploads, order_id, store


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 11, 24, 12, tzinfo=UTC), tick=False):
        yield


def status(client, auth, role, method, url, **kw) -> int:
    return client.request(method, url, headers=auth[role], **kw).status_code


def count(client, auth, role, url) -> int:
    response = client.get(url, headers=auth[role])
    assert response.status_code == 200, (role, url, response.text)
    return len(response.json()["items"])


def test_objects_of_a_are_404_to_everyone_else(client, world):
    auth, uploads, order_id, _ = world
    urls = [f"/v1/orders/{order_id}"] + [
        f"/v1/interchanges/{uploads['850']}{suffix}" for suffix in ("", "/raw", "/ack")]
    for url in urls:
        seen = {role: status(client, auth, role, "GET", url) for role in ROLES}
        expected_m = 200 if url.startswith("/v1/orders") else 404  # M sells it; not its file
        assert seen == {"ops": 200, "A": 200, "B": 404, "M": expected_m, "N": 404}, url


@pytest.mark.parametrize("url", [
    "/v1/orders",
    "/v1/promises",
    "/v1/sell-through?from=2026-11-01&to=2026-11-30",
    "/v1/inventory",
    "/v1/forecasts?history_days=60",
    "/v1/replenishment/signals",
])
def test_lists_show_exactly_what_each_role_may_see(client, world, url):
    # (the change feed's scope is tested in test_sales_feed.py: it needs committed data)
    auth = world[0]
    seen = {role: count(client, auth, role, url) for role in ROLES}
    assert seen["ops"] > 0
    assert seen["A"] == seen["ops"] and seen["M"] == seen["ops"]
    assert seen["B"] == 0 and seen["N"] == 0


def test_promise_summary_counts_only_visible_lines(client, world):
    auth = world[0]
    lines = {role: client.get("/v1/promises/summary", headers=auth[role]).json()["lines"]
             for role in ROLES}
    assert lines == {"ops": 3, "A": 3, "B": 0, "M": 3, "N": 0}


def test_write_endpoints_refuse_non_ops(client, world):
    auth, _, _, store = world
    body = {"product_id": 1, "location_id": store, "lead_time_days": 3}
    seen = {role: status(client, auth, role, "PUT", "/v1/replenishment/parameters", json=body)
            for role in ROLES}
    assert {r: s for r, s in seen.items() if r != "ops"} == {"A": 403, "B": 403, "M": 403,
                                                             "N": 403}


def test_quote_only_from_a_location_the_caller_owns(client, world):
    auth, _, _, store = world  # STORE-014 belongs to Northwind (A)
    body = {"gtin": "00012345678905", "location_id": store, "quantity": 1,
            "requested_date": "2026-12-01"}
    seen = {role: status(client, auth, role, "POST", "/v1/promises/quote", json=body)
            for role in ROLES}
    assert seen == {"ops": 200, "A": 200, "B": 404, "M": 404, "N": 404}
