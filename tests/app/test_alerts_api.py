"""The alerts and webhooks endpoints: scope (404 across partners), validation, ack, paging."""

from __future__ import annotations

import pytest

from app.services.alerts import raise_alert, resolve_alerts


@pytest.fixture
def world(client, make_partner, session):
    """ops, Northwind (A) and Bolt (B); one alert for A, one for B, one for the hub."""
    auth, ids = {}, {}
    for label, name, role in (("ops", "Hub Operations", "ops"),
                              ("A", "Northwind Distribution", "distributor"),
                              ("B", "Bolt Retail", "distributor")):
        partner, key = make_partner(name, role, [])
        auth[label], ids[label] = {"Authorization": f"Bearer {key}"}, partner.id
    alerts = {
        "A": raise_alert(session, kind="promise_late", subject="order_line:1",
                         partner_id=ids["A"], severity="warning", title="Line 1 late",
                         details={"days_late": 2}).id,
        "B": raise_alert(session, kind="replenishment_critical", subject="signal:5:9",
                         partner_id=ids["B"], severity="critical", title="Store 9 runs out",
                         details={}).id,
        "hub": raise_alert(session, kind="feed_missing", subject="feed:acme",
                           partner_id=None, severity="warning", title="No feed", details={}).id,
    }
    session.commit()
    return auth, ids, alerts


def ids_of(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_alerts_are_listed_newest_first_to_ops_and_their_own_to_partners(client, world):
    auth, ids, alerts = world
    assert ids_of(client.get("/v1/alerts", headers=auth["ops"])) == [
        alerts["hub"], alerts["B"], alerts["A"]]
    assert ids_of(client.get("/v1/alerts", headers=auth["A"])) == [alerts["A"]]
    assert ids_of(client.get("/v1/alerts", headers=auth["B"])) == [alerts["B"]]
    item = client.get("/v1/alerts", headers=auth["A"]).json()["items"][0]
    assert item["kind"] == "promise_late" and item["status"] == "open"
    assert item["partner_id"] == ids["A"] and item["details"] == {"days_late": 2}


def test_alerts_filter_by_kind_partner_and_status(client, world, session):
    auth, ids, alerts = world
    get = lambda q, who="ops": ids_of(client.get(f"/v1/alerts?{q}", headers=auth[who]))  # noqa: E731
    assert get("kind=feed_missing") == [alerts["hub"]]
    assert get(f"partner={ids['B']}") == [alerts["B"]]
    assert get(f"partner={ids['B']}", who="A") == []
    resolve_alerts(session, kind="promise_late", subject="order_line:1")
    session.commit()
    assert alerts["A"] not in get("")
    assert get("status=resolved") == [alerts["A"]]
    assert get("status=resolved&status=open") == [alerts["hub"], alerts["B"], alerts["A"]]
    bad = client.get("/v1/alerts?status=closed", headers=auth["ops"])
    assert bad.status_code == 422 and bad.json()["code"] == "invalid-parameter"


def test_alerts_page_with_a_cursor(client, world):
    auth, _, alerts = world
    first = client.get("/v1/alerts?limit=2", headers=auth["ops"]).json()
    assert [i["id"] for i in first["items"]] == [alerts["hub"], alerts["B"]]
    rest = client.get(f"/v1/alerts?limit=2&cursor={first['next_cursor']}",
                      headers=auth["ops"]).json()
    assert [i["id"] for i in rest["items"]] == [alerts["A"]] and rest["next_cursor"] is None


def test_acknowledging_an_alert(client, world):
    auth, ids, alerts = world
    response = client.post(f"/v1/alerts/{alerts['A']}/ack", headers=auth["A"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "acknowledged" and body["acknowledged_by_partner_id"] == ids["A"]
    listed = client.get("/v1/alerts?status=acknowledged", headers=auth["A"]).json()["items"]
    assert [i["id"] for i in listed] == [alerts["A"]]


def test_other_partners_alerts_are_404_and_a_resolved_one_is_409(client, world, session):
    auth, _, alerts = world
    for who, alert in (("A", "B"), ("B", "A"), ("A", "hub")):
        response = client.post(f"/v1/alerts/{alerts[alert]}/ack", headers=auth[who])
        assert response.status_code == 404, (who, alert)
        assert response.headers["content-type"] == "application/problem+json"
    assert client.post("/v1/alerts/999999/ack", headers=auth["ops"]).status_code == 404
    resolve_alerts(session, kind="promise_late", subject="order_line:1")
    session.commit()
    response = client.post(f"/v1/alerts/{alerts['A']}/ack", headers=auth["A"])
    assert response.status_code == 409 and response.json()["code"] == "conflict"


def test_alerts_need_a_key(client, world):
    assert client.get("/v1/alerts").status_code == 401
    assert client.post("/v1/alerts/1/ack").status_code == 401


def create(client, auth, url="https://hooks.example.com/edihub", events=("*",)):
    return client.post("/v1/webhooks", json={"url": url, "events": list(events)}, headers=auth)


def test_registering_a_webhook_answers_with_the_secret_once(client, world):
    auth, ids, _ = world
    response = create(client, auth["A"], events=["alert.promise_late", "alert.feed_missing"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 30
    assert body["partner_id"] == ids["A"] and body["active"] is True
    assert body["events"] == ["alert.feed_missing", "alert.promise_late"]
    [listed] = client.get("/v1/webhooks", headers=auth["A"]).json()
    assert listed["id"] == body["id"] and "secret" not in listed


def test_partners_see_only_their_own_webhooks(client, world):
    auth, _, _ = world
    a = create(client, auth["A"]).json()["id"]
    b = create(client, auth["B"]).json()["id"]
    o = create(client, auth["ops"]).json()["id"]
    ids = lambda who: [w["id"] for w in client.get("/v1/webhooks", headers=auth[who]).json()]  # noqa: E731
    assert ids("A") == [a] and ids("B") == [b] and ids("ops") == [a, b, o]
    for path in (f"/v1/webhooks/{b}/deliveries",):
        assert client.get(path, headers=auth["A"]).status_code == 404
    assert client.delete(f"/v1/webhooks/{b}", headers=auth["A"]).status_code == 404
    assert client.delete(f"/v1/webhooks/{o}", headers=auth["B"]).status_code == 404
    assert ids("B") == [b]


@pytest.mark.parametrize("url", [
    "ftp://example.com/hook", "file:///etc/passwd", "javascript:alert(1)", "example.com/hook",
    "http://", "https://user:pw@example.com/", "http://exa mple.com/", "http://example.com:99999/",
])
def test_a_webhook_url_must_be_http_or_https(client, world, url):
    auth, _, _ = world
    response = create(client, auth["A"], url=url)
    assert response.status_code == 422, (url, response.text)
    assert "url" in response.json()["detail"]


@pytest.mark.parametrize("events", [[], ["alert.nonsense"], ["order.created"], ["ALERT.*"],
                                    ["alert."], ["*", 5]])
def test_webhook_events_must_be_known(client, world, events):
    auth, _, _ = world
    response = create(client, auth["A"], events=events)
    assert response.status_code == 422, (events, response.text)
    assert "events" in response.json()["detail"]


def test_deleting_a_webhook_stops_it_and_gives_up_its_pending_deliveries(client, world,
                                                                          session):
    auth, ids, _ = world
    hook = create(client, auth["A"], events=["alert.promise_late"]).json()["id"]
    raise_alert(session, kind="promise_late", subject="order_line:2", partner_id=ids["A"],
                severity="warning", title="Line 2 late", details={})
    session.commit()
    [pending] = client.get(f"/v1/webhooks/{hook}/deliveries",
                           headers=auth["A"]).json()["items"]
    assert (pending["status"], pending["attempt_log"]) == ("pending", [])
    assert client.delete(f"/v1/webhooks/{hook}", headers=auth["A"]).status_code == 204
    assert client.get("/v1/webhooks", headers=auth["A"]).json() == []
    assert client.get(f"/v1/webhooks/{hook}/deliveries", headers=auth["A"]).status_code == 404
    assert client.delete(f"/v1/webhooks/{hook}", headers=auth["A"]).status_code == 404
    from app.store.models import WebhookDelivery

    session.expire_all()
    assert session.get(WebhookDelivery, pending["id"]).status == "failed"


def test_deliveries_list_each_alert_a_webhook_may_see(client, world, session):
    auth, ids, alerts = world
    hook_a = create(client, auth["A"]).json()["id"]
    hook_ops = create(client, auth["ops"], events=["alert.*"]).json()["id"]
    raise_alert(session, kind="ack_overdue", subject="interchange:7", partner_id=ids["A"],
                severity="info", title="No 997 yet", details={})
    raise_alert(session, kind="ack_overdue", subject="interchange:8", partner_id=ids["B"],
                severity="info", title="No 997 yet", details={})
    session.commit()
    mine = client.get(f"/v1/webhooks/{hook_a}/deliveries", headers=auth["A"]).json()["items"]
    assert [d["payload"]["alert"]["subject"] for d in mine] == ["interchange:7"]
    assert mine[0]["event"] == "alert.ack_overdue" and mine[0]["attempts"] == 0
    everything = client.get(f"/v1/webhooks/{hook_ops}/deliveries?limit=1",
                            headers=auth["ops"]).json()
    assert [d["payload"]["alert"]["subject"] for d in everything["items"]] == ["interchange:8"]
    assert everything["next_cursor"] is not None
    assert alerts  # the fixture's alerts were raised before the webhooks: nothing queued
