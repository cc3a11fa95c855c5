"""Who may see what (DESIGN.md section 6), endpoint by endpoint.

Northwind (distributor A) sends an 850 to Acme (manufacturer M) and a weekly 852 naming Acme
as vendor. Bolt (distributor B) and Globex (manufacturer N, no products) are bystanders.
- ops sees everything;
- A sees what it sent and what concerns its own orders and locations;
- M sees the orders it sells and demand for its own products, not A's raw files;
- B and N see nothing of it, and A's objects are 404 to them, never 403;
- no key, a malformed key and a revoked key are 401 everywhere.

`ROUTES` classifies every /v1 route of the app (a new route fails the test until it is
classified): for each, what each caller gets, in the order the calls are made (writes that
change state are tried by the callers that must be refused first).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app.main import create_app
from app.security import split_key
from app.services.alerts import raise_alert
from app.store import partner as partner_store
from app.store.models import Location, Order, Partner, Product
from app.store.types import utcnow

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
    _, gone = make_partner("Former Partner", "distributor", ["ZZ:FORMER"])
    partner_store.revoke_api_key(session, split_key(gone), utcnow())
    session.commit()
    auth["none"] = {}
    auth["bad"] = {"Authorization": "Bearer edh_000000000000_not-a-key"}
    auth["revoked"] = {"Authorization": f"Bearer {gone}"}
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


# --- every /v1 route x every caller --------------------------------------------------------

DENIED = ("none", "bad", "revoked")
EVERYONE = {"ops": 200, "A": 200, "B": 200, "M": 200}
OPS_ONLY = {"B": 403, "M": 403, "A": 403}
A_AND_M = {"B": 404, "N": 404, "ops": 200, "A": 200, "M": 200}  # A's, sold by M
A_ONLY = {"B": 404, "M": 404, "N": 404, "ops": 200, "A": 200}  # A's own


def ordered(expected: dict[str, int], ok: int | None = None) -> dict[str, int]:
    return {who: (ok if ok and code < 300 else code) for who, code in expected.items()}


# (method, path) -> (url with {ids}, request kwargs, {caller: status} in call order)
A_850 = (GOLDEN / "850-northwind-original.edi").read_bytes()
ROUTES: dict[tuple[str, str], tuple[str, dict, dict[str, int]]] = {
    ("POST", "/v1/interchanges"): (  # a new interchange from A: only A or ops may send it
        "/v1/interchanges", {"content": "850"}, {"B": 403, "M": 403, "N": 403, "A": 201,
                                                 "ops": 201}),
    ("GET", "/v1/interchanges"): ("/v1/interchanges", {}, EVERYONE),
    ("GET", "/v1/interchanges/{upload_id}"): ("/v1/interchanges/{upload}", {}, A_ONLY),
    ("GET", "/v1/interchanges/{upload_id}/raw"): ("/v1/interchanges/{upload}/raw", {}, A_ONLY),
    ("GET", "/v1/interchanges/{upload_id}/ack"): ("/v1/interchanges/{upload}/ack", {}, A_ONLY),
    ("POST", "/v1/interchanges/{upload_id}/reprocess"): (
        "/v1/interchanges/{upload}/reprocess", {}, {**OPS_ONLY, "ops": 200}),
    ("GET", "/v1/orders"): ("/v1/orders", {}, EVERYONE),
    ("GET", "/v1/orders/{order_id}"): ("/v1/orders/{order}", {}, A_AND_M),
    ("GET", "/v1/promises"): ("/v1/promises", {}, EVERYONE),
    ("GET", "/v1/promises/summary"): ("/v1/promises/summary", {}, EVERYONE),
    ("POST", "/v1/promises/quote"): ("/v1/promises/quote", {"json": {
        "gtin": "00012345678905", "location_id": "{store}", "quantity": 1,
        "requested_date": "2026-12-01"}}, A_ONLY),  # A's store
    ("GET", "/v1/sell-through"): ("/v1/sell-through", {}, EVERYONE),
    ("GET", "/v1/sell-through/changes"): ("/v1/sell-through/changes", {}, EVERYONE),
    ("GET", "/v1/inventory"): ("/v1/inventory", {}, EVERYONE),
    ("GET", "/v1/forecasts"): ("/v1/forecasts", {}, EVERYONE),
    ("GET", "/v1/replenishment/signals"): ("/v1/replenishment/signals", {}, EVERYONE),
    ("GET", "/v1/replenishment/signals.edi"): ("/v1/replenishment/signals.edi", {}, EVERYONE),
    ("PUT", "/v1/replenishment/parameters"): ("/v1/replenishment/parameters", {"json": {
        "product_id": "{product}", "location_id": "{store}", "lead_time_days": 3}},
        {**OPS_ONLY, "ops": 204}),
    ("GET", "/v1/customers"): ("/v1/customers", {}, EVERYONE),
    ("GET", "/v1/customers/segments"): ("/v1/customers/segments", {}, EVERYONE),
    ("GET", "/v1/customers/churn-risk"): ("/v1/customers/churn-risk", {}, EVERYONE),
    ("POST", "/v1/customers/scores"): ("/v1/customers/scores", {}, {**OPS_ONLY, "ops": 200}),
    ("GET", "/v1/customers/{customer_id}"): ("/v1/customers/{customer}", {}, A_AND_M),
    ("GET", "/v1/customers/{customer_id}/timeline"): (
        "/v1/customers/{customer}/timeline", {}, A_AND_M),
    ("POST", "/v1/customers/{customer_id}/cases"): (  # A itself, its supplier M, ops
        "/v1/customers/{customer}/cases", {"json": {"category": "call", "subject": "hello"}},
        ordered(A_AND_M, 201)),
    ("GET", "/v1/cases"): ("/v1/cases", {}, EVERYONE),
    ("PUT", "/v1/exchange-rates"): ("/v1/exchange-rates", {"json": {"rates": [
        {"currency": "USD", "rate": "0.9", "valid_from": "2026-01-01"}]}},
        {**OPS_ONLY, "ops": 204}),
    ("GET", "/v1/jobs"): ("/v1/jobs", {}, {**OPS_ONLY, "ops": 200}),
    ("GET", "/v1/alerts"): ("/v1/alerts", {}, EVERYONE),
    ("POST", "/v1/alerts/{alert_id}/ack"): ("/v1/alerts/{alert}/ack", {}, A_ONLY),
    ("POST", "/v1/webhooks"): ("/v1/webhooks", {"json": {
        "url": "https://hooks.example/edihub", "events": ["alert.*"]}},
        ordered(EVERYONE, 201)),  # each partner its own
    ("GET", "/v1/webhooks"): ("/v1/webhooks", {}, EVERYONE),
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): (
        "/v1/webhooks/{webhook}/deliveries", {}, A_ONLY),
    ("DELETE", "/v1/webhooks/{webhook_id}"): (  # A's webhook: A deletes it, then it is gone
        "/v1/webhooks/{webhook}", {}, {"B": 404, "M": 404, "N": 404, "A": 204, "ops": 404}),
}


def v1_routes(app) -> set[tuple[str, str]]:
    from fastapi.routing import iter_route_contexts  # routers included in routers too

    return {(method, route.path) for route in iter_route_contexts(app.routes)
            if route.path.startswith("/v1") for method in route.methods or ()}


def test_every_v1_route_is_classified(settings):
    routes = v1_routes(create_app(settings))
    assert routes - ROUTES.keys() == set(), "classify these routes in ROUTES"
    assert ROUTES.keys() - routes == set(), "these routes are gone: remove them from ROUTES"


@pytest.fixture
def ids(client, world, session):
    auth, uploads, order_id, store = world
    customer = session.scalar(select(Partner.id).where(Partner.slug == "northwind-distribution"))
    product = session.scalar(select(Product.id).order_by(Product.id))
    alert = raise_alert(session, kind="promise_late", subject="order:test", partner_id=customer,
                        severity="warning", title="late", details={})
    session.commit()
    webhook = client.post("/v1/webhooks", headers=auth["A"], json={
        "url": "https://hooks.example/northwind", "events": ["*"]})
    assert webhook.status_code == 201, webhook.text
    return {"upload": uploads["850"], "order": order_id, "store": store,
            "customer": customer, "product": product, "alert": alert.id,
            "webhook": webhook.json()["id"]}


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("route", sorted(ROUTES), ids=" ".join)
def test_each_route_answers_each_caller_as_classified(client, world, ids, route):
    auth = world[0]
    template, kwargs, expected = ROUTES[route]
    url = template.format(**ids)
    kwargs = _fill(kwargs, ids)
    seen = {}
    for n, who in enumerate((*DENIED, *expected)):
        if kwargs.get("content") == "850":  # a new interchange of A's for each caller
            sent = {"content": A_850.replace(b"000000101", b"%09d" % (700 + n))}
        else:
            sent = kwargs
        response = client.request(route[0], url, headers=auth[who], **sent)
        seen[who] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json", (who, url)
    assert seen == {**dict.fromkeys(DENIED, 401), **expected}, route


def test_a_revoked_key_is_refused_even_right_after_it_was_used(client, session, make_partner):
    _, key = make_partner("Northwind Distribution", "distributor", ["ZZ:NORTHWIND"])
    auth = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/orders", headers=auth).status_code == 200
    partner_store.revoke_api_key(session, split_key(key), utcnow())
    session.commit()
    for method, url in (("GET", "/v1/orders"), ("GET", "/v1/interchanges"),
                        ("POST", "/v1/interchanges")):
        assert client.request(method, url, headers=auth).status_code == 401, url


def test_alerts_and_webhooks_show_each_partner_only_its_own(client, world, ids):
    auth = world[0]
    alerts = {who: [a["id"] for a in client.get("/v1/alerts", headers=auth[who]).json()["items"]]
              for who in ("ops", "A", "B", "M")}
    assert alerts == {"ops": [ids["alert"]], "A": [ids["alert"]], "B": [], "M": []}
    hooks = {who: [h["id"] for h in client.get("/v1/webhooks", headers=auth[who]).json()]
             for who in ("ops", "A", "B", "M")}
    assert hooks == {"ops": [ids["webhook"]], "A": [ids["webhook"]], "B": [], "M": []}


def test_customers_a_manufacturer_sees_are_its_buyers(client, world, ids):
    auth = world[0]
    seen = {who: {c["id"] for c in client.get("/v1/customers", headers=auth[who]).json()["items"]}
            for who in ("ops", "A", "B", "M", "N")}
    assert ids["customer"] in seen["ops"]
    assert seen["A"] == {ids["customer"]}  # a distributor sees itself
    assert ids["customer"] in seen["M"] and seen["M"] <= seen["ops"]
    assert ids["customer"] not in seen["B"] | seen["N"]


def test_a_file_refused_to_another_partner_does_not_shadow_the_senders_own(client, world):
    auth = world[0]
    body = A_850.replace(b"000000101", b"000000555")
    assert client.post("/v1/interchanges", content=body, headers=auth["B"]).status_code == 403
    assert client.post("/v1/interchanges", content=body, headers=auth["M"]).status_code == 403
    own = client.post("/v1/interchanges", content=body, headers=auth["A"])
    assert own.status_code == 201
    assert own.json()["duplicate"] is False
    assert own.json()["status"] == "processed"


def test_another_partner_resending_an_accepted_interchange_is_refused_not_told_it_exists(
        client, world):
    auth = world[0]
    body = A_850.replace(b"000000101", b"000000556")
    assert client.post("/v1/interchanges", content=body, headers=auth["A"]).status_code == 201
    refused = client.post("/v1/interchanges", content=body, headers=auth["B"])
    assert refused.status_code == 403
    assert "received before" not in refused.text
    assert client.post("/v1/interchanges", content=body, headers=auth["A"]).json()[
        "duplicate"] is True
