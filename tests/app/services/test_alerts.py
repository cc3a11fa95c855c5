"""Alerts: one per kind and subject until resolved, scoped to the partner they concern, and a
webhook delivery queued for each subscribed webhook allowed to see them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import Conflict, InvalidParameter, NotFound
from app.security import Caller, Role, split_key
from app.services.alerts import acknowledge_alert, list_alerts, raise_alert, resolve_alerts
from app.services.webhooks import register_webhook
from app.store import partner as partner_store
from app.store.models import WebhookDelivery
from schemas.alert import WebhookCreate


@pytest.fixture
def callers(make_partner, session):
    """ops, Northwind (A) and Bolt (B) as service callers."""
    out = {}
    for name, role, label in (("Hub Operations", "ops", "ops"),
                              ("Northwind Distribution", "distributor", "A"),
                              ("Bolt Retail", "distributor", "B")):
        partner, key = make_partner(name, role, [])
        api_key = partner_store.get_api_key(session, split_key(key))
        out[label] = Caller(partner_id=partner.id, partner_slug=partner.slug,
                            role=Role(api_key.role), key_id=api_key.id)
    return out


def late(session, partner_id, subject="order_line:42", kind="promise_late"):
    return raise_alert(session, kind=kind, subject=subject, partner_id=partner_id,
                       severity="warning", title="Line 42 is late",
                       details={"order_line_id": 42, "days_late": 3})


def test_raising_the_same_condition_twice_gives_one_alert(session, callers):
    first = late(session, callers["A"].partner_id)
    assert first is not None and first.status == "open" and first.raised_at is not None
    assert late(session, callers["A"].partner_id) is None
    assert [a.id for a in list_alerts(session, caller=callers["ops"], status=None, kind=None,
                                      partner_id=None, cursor=None, limit=50).items] == [
        first.id]


def test_an_acknowledged_alert_still_blocks_a_duplicate(session, callers):
    alert = late(session, callers["A"].partner_id)
    acknowledge_alert(session, alert.id, callers["A"])
    assert late(session, callers["A"].partner_id) is None


def test_another_kind_or_subject_is_another_alert(session, callers):
    a = late(session, callers["A"].partner_id)
    b = late(session, callers["A"].partner_id, subject="order_line:43")
    c = late(session, callers["A"].partner_id, kind="promise_at_risk")
    assert None not in (a, b, c) and len({a.id, b.id, c.id}) == 3


def test_resolving_closes_open_and_acknowledged_alerts_and_allows_a_new_one(session, callers):
    alert = late(session, callers["A"].partner_id)
    acknowledge_alert(session, alert.id, callers["A"])
    assert resolve_alerts(session, kind="promise_late", subject="order_line:42") == 1
    assert alert.status == "resolved" and alert.resolved_at is not None
    assert resolve_alerts(session, kind="promise_late", subject="order_line:42") == 0
    again = late(session, callers["A"].partner_id)
    assert again is not None and again.id != alert.id
    resolved = list_alerts(session, caller=callers["ops"], status="resolved", kind=None,
                           partner_id=None, cursor=None, limit=50)
    assert [a.id for a in resolved.items] == [alert.id]


def test_resolving_touches_only_its_kind_and_subject(session, callers):
    keep = late(session, callers["A"].partner_id, subject="order_line:7")
    late(session, callers["A"].partner_id)
    assert resolve_alerts(session, kind="promise_late", subject="order_line:42") == 1
    assert resolve_alerts(session, kind="promise_at_risk", subject="order_line:7") == 0
    assert keep.status == "open"


def test_partners_see_only_their_own_alerts_and_ops_see_all(session, callers):
    mine = late(session, callers["A"].partner_id, subject="order_line:1")
    theirs = late(session, callers["B"].partner_id, subject="order_line:2")
    hub = raise_alert(session, kind="feed_missing", subject="feed:hub", partner_id=None,
                      severity="critical", title="No feed", details={})

    def ids(caller, **kw):
        page = list_alerts(session, caller=caller, status=kw.get("status"),
                           kind=kw.get("kind"), partner_id=kw.get("partner_id"), cursor=None,
                           limit=50)
        return [a.id for a in page.items]

    assert ids(callers["ops"]) == [hub.id, theirs.id, mine.id]
    assert ids(callers["A"]) == [mine.id]
    assert ids(callers["A"], partner_id=callers["B"].partner_id) == []
    assert ids(callers["ops"], partner_id=callers["B"].partner_id) == [theirs.id]
    assert ids(callers["ops"], kind="feed_missing") == [hub.id]
    for caller in ("A", "B"):
        with pytest.raises(NotFound):
            acknowledge_alert(session, hub.id, callers[caller])
    with pytest.raises(NotFound):
        acknowledge_alert(session, theirs.id, callers["A"])


def test_acknowledging_records_who_and_keeps_the_first(session, callers):
    alert = late(session, callers["A"].partner_id)
    read = acknowledge_alert(session, alert.id, callers["ops"])
    assert read.status == "acknowledged" and read.acknowledged_at is not None
    assert read.acknowledged_by_partner_id == callers["ops"].partner_id
    assert alert.acknowledged_by_key_id == callers["ops"].key_id
    again = acknowledge_alert(session, alert.id, callers["A"])
    assert again.acknowledged_by_partner_id == callers["ops"].partner_id
    assert again.acknowledged_at == read.acknowledged_at


def test_a_resolved_alert_cannot_be_acknowledged(session, callers):
    alert = late(session, callers["A"].partner_id)
    resolve_alerts(session, kind="promise_late", subject="order_line:42")
    with pytest.raises(Conflict):
        acknowledge_alert(session, alert.id, callers["A"])


def test_the_list_pages_with_a_cursor(session, callers):
    raised = [late(session, None, subject=f"order_line:{n}").id for n in range(5)]
    seen, cursor = [], None
    while True:
        page = list_alerts(session, caller=callers["ops"], status=None, kind=None,
                           partner_id=None, cursor=cursor, limit=2)
        seen += [a.id for a in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == raised[::-1]


def test_an_unknown_status_is_refused(session, callers):
    with pytest.raises(InvalidParameter):
        list_alerts(session, caller=callers["ops"], status=["open", "closed"], kind=None,
                    partner_id=None, cursor=None, limit=10)


def test_deliveries_go_to_subscribed_webhooks_allowed_to_see_the_alert(session, callers):
    def hook(caller, events):
        return register_webhook(session, callers[caller],
                                WebhookCreate(url="http://127.0.0.1:9/hook", events=events)).id

    ops_all = hook("ops", ["*"])
    ops_other = hook("ops", ["alert.feed_missing"])
    a_late = hook("A", ["alert.promise_late"])
    a_family = hook("A", ["alert.*"])
    b_all = hook("B", ["*"])
    alert = late(session, callers["A"].partner_id)
    deliveries = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [d.webhook_id for d in deliveries] == [ops_all, a_late, a_family]
    assert {d.event for d in deliveries} == {"alert.promise_late"}
    assert all(d.status == "pending" and d.attempts == 0 and d.next_attempt_at is not None
               for d in deliveries)
    payload = deliveries[0].payload
    assert payload["event"] == "alert.promise_late"
    assert payload["alert"]["id"] == alert.id
    assert payload["alert"]["details"] == {"order_line_id": 42, "days_late": 3}
    assert ops_other and b_all  # registered, and heard nothing
    late(session, callers["A"].partner_id)  # the duplicate queues nothing
    assert len(session.scalars(select(WebhookDelivery)).all()) == 3
