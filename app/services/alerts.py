"""Alerts: raised by the sweeps when a condition needs a person (a late promise, a missing
feed, a reorder point crossed), deduplicated by kind and subject, acknowledged by people and
resolved when the condition clears. Raising one queues a webhook delivery for every
subscribed webhook allowed to see it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app import metrics
from app.errors import Conflict, InvalidParameter, NotFound
from app.security import Caller
from app.services.paging import cursor_int, encode_cursor
from app.store import alert as alert_store
from app.store import webhook as webhook_store
from app.store.models import Alert
from app.store.types import utcnow
from schemas.alert import ALERT_STATUSES, AlertRead, alert_event, subscribes
from schemas.api import Page


def raise_alert(session: Session, *, kind: str, subject: str, partner_id: int | None,
                severity: str, title: str, details: dict) -> Alert | None:
    """A new open alert, or None when one of this kind and subject is still open or
    acknowledged (a sweep that finds the same condition again raises nothing)."""
    if alert_store.get_active(session, kind, subject) is not None:
        return None
    now = utcnow()
    alert = alert_store.add(session, kind=kind, subject=subject, partner_id=partner_id,
                            severity=severity, title=title[:200], details=details, when=now)
    metrics.ALERTS_RAISED.labels(kind).inc()
    event = alert_event(kind)
    payload = {"event": event, "alert": AlertRead.model_validate(alert).model_dump(mode="json")}
    for webhook in webhook_store.listeners(session, partner_id):
        if subscribes(webhook.events, event):
            webhook_store.add_delivery(session, webhook_id=webhook.id, event=event,
                                       payload=payload, when=now)
    return alert


def resolve_alerts(session: Session, *, kind: str, subject: str) -> int:
    """Close the open or acknowledged alerts of this kind and subject (their condition
    cleared); how many were closed."""
    count = alert_store.resolve(session, kind=kind, subject=subject, when=utcnow())
    session.flush()
    return count


def _visible(alert: Alert | None, caller: Caller) -> bool:
    return alert is not None and (caller.is_ops or alert.partner_id == caller.partner_id)


def list_alerts(session: Session, *, caller: Caller, status: str | Sequence[str] | None,
                kind: str | None, partner_id: int | None, cursor: str | None,
                limit: int) -> Page[AlertRead]:
    """Newest first; by default the open and acknowledged ones. Ops see every alert, a
    partner only the alerts that concern it."""
    statuses = [status] if isinstance(status, str) else list(status or alert_store.ACTIVE)
    for value in statuses:
        if value not in ALERT_STATUSES:
            raise InvalidParameter(f"status {value!r} is not one of {', '.join(ALERT_STATUSES)}",
                                   location={"parameter": "status"})
    before = cursor_int(cursor, "before_id")
    rows = alert_store.list_alerts(
        session, visible_to=None if caller.is_ops else caller.partner_id, statuses=statuses,
        kind=kind, partner_id=partner_id, before_id=before, limit=limit + 1)
    page = rows[:limit]
    return Page[AlertRead](
        items=[AlertRead.model_validate(a) for a in page],
        next_cursor=encode_cursor({"before_id": page[-1].id}) if len(rows) > limit else None)


def acknowledge_alert(session: Session, alert_id: int, caller: Caller) -> AlertRead:
    """Someone has seen it. Acknowledging twice keeps the first acknowledgement; a resolved
    alert cannot be acknowledged (409)."""
    alert = alert_store.get(session, alert_id)
    if not _visible(alert, caller):
        raise NotFound(f"no alert {alert_id}")
    if alert.status == "resolved":
        raise Conflict(f"alert {alert_id} is already resolved")
    if alert.status == "open":
        alert.status = "acknowledged"
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by_partner_id = caller.partner_id
        alert.acknowledged_by_key_id = caller.key_id
        session.flush()
    return AlertRead.model_validate(alert)
