"""Queries for webhooks, their deliveries and the attempts of each delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.store.models import Webhook, WebhookAttempt, WebhookDelivery


def add(session: Session, *, partner_id: int, url: str, events: list[str], secret: str,
        all_partners: bool) -> Webhook:
    webhook = Webhook(partner_id=partner_id, url=url, events=events, secret=secret,
                      all_partners=all_partners, active=True)
    session.add(webhook)
    session.flush()
    return webhook


def get_active(session: Session, webhook_id: int) -> Webhook | None:
    return session.scalar(select(Webhook).where(Webhook.id == webhook_id, Webhook.active))


def list_active(session: Session, *, owner: int | None) -> list[Webhook]:
    """Active webhooks, oldest first; `owner`: only that partner's (None: all)."""
    query = select(Webhook).where(Webhook.active)
    if owner is not None:
        query = query.where(Webhook.partner_id == owner)
    return list(session.scalars(query.order_by(Webhook.id)))


def listeners(session: Session, partner_id: int | None) -> list[Webhook]:
    """Active webhooks allowed to hear about `partner_id`: ops webhooks and that partner's."""
    allowed = Webhook.all_partners
    if partner_id is not None:
        allowed = or_(allowed, Webhook.partner_id == partner_id)
    return list(session.scalars(select(Webhook).where(Webhook.active, allowed)
                                .order_by(Webhook.id)))


def deactivate(session: Session, webhook: Webhook) -> None:
    """Stop a webhook; what it still had pending is given up."""
    webhook.active = False
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.status == "pending")
        .values(status="failed", next_attempt_at=None, last_error="webhook deleted")
        .execution_options(synchronize_session=False)
    )
    session.flush()


def add_delivery(session: Session, *, webhook_id: int, event: str, payload: dict,
                 when: datetime) -> WebhookDelivery:
    delivery = WebhookDelivery(webhook_id=webhook_id, event=event, payload=payload,
                               status="pending", attempts=0, next_attempt_at=when)
    session.add(delivery)
    session.flush()
    return delivery


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """What one POST needs, read before the HTTP call so no transaction stays open."""

    id: int
    webhook_id: int
    url: str
    secret: str
    event: str
    payload: dict
    attempts: int


def claim_due(session: Session, *, now: datetime, lease_until: datetime,
              limit: int) -> list[DueDelivery]:
    """Pending deliveries of active webhooks due by `now`, oldest first; each is pushed to
    `lease_until` so a crash mid-POST retries it then instead of losing it."""
    rows = session.execute(
        select(WebhookDelivery, Webhook.url, Webhook.secret)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.status == "pending", Webhook.active,
               WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    ).all()
    due = []
    for delivery, url, secret in rows:
        delivery.next_attempt_at = lease_until
        due.append(DueDelivery(id=delivery.id, webhook_id=delivery.webhook_id, url=url,
                               secret=secret, event=delivery.event, payload=delivery.payload,
                               attempts=delivery.attempts))
    session.flush()
    return due


def get_delivery(session: Session, delivery_id: int) -> WebhookDelivery | None:
    return session.get(WebhookDelivery, delivery_id)


def add_attempt(session: Session, *, delivery_id: int, at: datetime, http_status: int | None,
                error: str | None, duration_ms: int) -> WebhookAttempt:
    attempt = WebhookAttempt(delivery_id=delivery_id, at=at, http_status=http_status,
                             error=error, duration_ms=duration_ms)
    session.add(attempt)
    session.flush()
    return attempt


def list_deliveries(session: Session, *, webhook_id: int, before_id: int | None,
                    limit: int) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if before_id is not None:
        query = query.where(WebhookDelivery.id < before_id)
    return list(session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)))


def attempts_of(session: Session, delivery_ids: list[int]) -> dict[int, list[WebhookAttempt]]:
    """Attempts per delivery, oldest first."""
    out: dict[int, list[WebhookAttempt]] = {i: [] for i in delivery_ids}
    if not delivery_ids:
        return out
    for attempt in session.scalars(select(WebhookAttempt)
                                   .where(WebhookAttempt.delivery_id.in_(delivery_ids))
                                   .order_by(WebhookAttempt.id)):
        out[attempt.delivery_id].append(attempt)
    return out
