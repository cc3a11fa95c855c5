"""Webhooks: where partners and ops want events posted, and the delivery of those events.

A delivery is a POST of the event's JSON body with these headers:

- `X-Edihub-Event`: the event, e.g. `alert.promise_late`;
- `X-Edihub-Delivery`: the delivery id (the same on every retry: use it to drop repeats);
- `X-Edihub-Timestamp`: when this attempt was sent, in Unix seconds;
- `X-Edihub-Signature`: `sha256=` + the hex HMAC-SHA256, keyed with the webhook's secret, of
  the timestamp, a dot and the raw body bytes (`f"{timestamp}.".encode() + body`).

A receiver recomputes the signature over the bytes it received, compares it in constant time,
and refuses timestamps far from its clock (replays). Any 2xx answer delivers; anything else
(another status, a redirect, a timeout, a refused connection) is retried with exponential
backoff (`webhook_backoff_base_seconds`, doubling, at most `webhook_backoff_max_seconds`)
until `webhook_max_attempts`, then the delivery is `failed`. Every attempt is recorded.

No database transaction is open during a POST: due deliveries are claimed in one short
transaction, posted, and each outcome is written in a transaction of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from app import metrics
from app.errors import NotFound
from app.security import Caller
from app.services.paging import cursor_int, encode_cursor
from app.settings import Settings
from app.store import webhook as webhook_store
from app.store.db import session_scope
from app.store.models import Webhook
from app.store.types import utcnow
from schemas.alert import (
    WebhookAttemptRead,
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryRead,
    WebhookRead,
)
from schemas.api import Page

SECRET_PREFIX = "whsec_"
USER_AGENT = "edihub-webhooks/1"


def register_webhook(session: Session, caller: Caller, body: WebhookCreate) -> WebhookCreated:
    """A new webhook owned by the caller's partner; the answer carries the secret, once.
    A webhook registered with an ops key hears about every partner's alerts."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    webhook = webhook_store.add(session, partner_id=caller.partner_id, url=body.url,
                                events=body.events, secret=secret, all_partners=caller.is_ops)
    return WebhookCreated.model_validate(webhook)


def list_webhooks(session: Session, caller: Caller) -> list[WebhookRead]:
    """Ops see every active webhook; a partner its own."""
    owner = None if caller.is_ops else caller.partner_id
    return [WebhookRead.model_validate(w) for w in webhook_store.list_active(session,
                                                                            owner=owner)]


def _visible_webhook(session: Session, caller: Caller, webhook_id: int) -> Webhook:
    webhook = webhook_store.get_active(session, webhook_id)
    if webhook is None or not (caller.is_ops or webhook.partner_id == caller.partner_id):
        raise NotFound(f"no webhook {webhook_id}")
    return webhook


def delete_webhook(session: Session, caller: Caller, webhook_id: int) -> None:
    """Stop the webhook; its pending deliveries are given up, its history kept."""
    webhook_store.deactivate(session, _visible_webhook(session, caller, webhook_id))


def list_deliveries(session: Session, caller: Caller, webhook_id: int, *, cursor: str | None,
                    limit: int) -> Page[WebhookDeliveryRead]:
    """The webhook's deliveries, newest first, each with its attempts."""
    webhook = _visible_webhook(session, caller, webhook_id)
    before = cursor_int(cursor, "before_id")
    rows = webhook_store.list_deliveries(session, webhook_id=webhook.id, before_id=before,
                                         limit=limit + 1)
    page = rows[:limit]
    attempts = webhook_store.attempts_of(session, [d.id for d in page])
    items = [
        WebhookDeliveryRead(
            id=d.id, event=d.event, payload=d.payload, status=d.status, attempts=d.attempts,
            next_attempt_at=d.next_attempt_at, last_error=d.last_error,
            delivered_at=d.delivered_at, created_at=d.created_at,
            attempt_log=[WebhookAttemptRead.model_validate(a) for a in attempts[d.id]])
        for d in page
    ]
    return Page[WebhookDeliveryRead](
        items=items,
        next_cursor=encode_cursor({"before_id": page[-1].id}) if len(rows) > limit else None)


# --- delivery --------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Edihub-Signature` value for a body sent at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2 x base, 4 x base ... capped."""
    seconds = settings.webhook_backoff_base_seconds * 2 ** min(attempts - 1, 40)
    return timedelta(seconds=min(seconds, settings.webhook_backoff_max_seconds))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: not followed (it would turn the POST
    into a GET, or send the body somewhere the owner did not register)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict[str, str],
          timeout: float) -> tuple[int | None, str | None]:
    """(HTTP status, error): status None when there was no HTTP answer."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65536)
            return response.status, None
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        # no usable HTTP answer (refused, timed out, not HTTP at all): an attempt that
        # failed, retried like any other
        reason = getattr(exc, "reason", exc)
        return None, f"{type(exc).__name__}: {reason}"[:500]


def deliver_due(sessions: sessionmaker[Session], settings: Settings, *,
                clock: Callable[[], datetime] = utcnow) -> dict:
    """Post the deliveries that are due (one batch); what became of them."""
    now = clock()
    lease = timedelta(seconds=settings.webhook_timeout_seconds * settings.webhook_batch_size
                      + 60)
    with session_scope(sessions) as session:
        due = webhook_store.claim_due(session, now=now, lease_until=now + lease,
                                      limit=settings.webhook_batch_size)
    report = {"delivered": 0, "retry": 0, "failed": 0}
    for delivery in due:
        body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
        sent_at = clock()
        timestamp = str(int(sent_at.timestamp()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Edihub-Event": delivery.event,
            "X-Edihub-Delivery": str(delivery.id),
            "X-Edihub-Timestamp": timestamp,
            "X-Edihub-Signature": sign(delivery.secret, timestamp, body),
        }
        started = time.perf_counter()
        status, error = _post(delivery.url, body, headers, settings.webhook_timeout_seconds)
        duration_ms = round((time.perf_counter() - started) * 1000)
        outcome = _record(sessions, settings, delivery.id, at=sent_at, http_status=status,
                          error=error, duration_ms=duration_ms)
        if outcome:
            report[outcome] += 1
            metrics.WEBHOOK_DELIVERIES.labels(outcome).inc()
    return report


def _record(sessions: sessionmaker[Session], settings: Settings, delivery_id: int, *,
            at: datetime, http_status: int | None, error: str | None,
            duration_ms: int) -> str | None:
    """Write one attempt and move the delivery on: delivered, retry later, or failed."""
    with session_scope(sessions) as session:
        webhook_store.add_attempt(session, delivery_id=delivery_id, at=at,
                                  http_status=http_status, error=error,
                                  duration_ms=duration_ms)
        delivery = webhook_store.get_delivery(session, delivery_id)
        if delivery is None or delivery.status != "pending":
            return None  # the webhook was deleted while this attempt ran
        delivery.attempts += 1
        if http_status is not None and 200 <= http_status < 300:
            delivery.status, delivery.delivered_at = "delivered", at
            delivery.next_attempt_at, delivery.last_error = None, None
            return "delivered"
        delivery.last_error = error
        if delivery.attempts >= settings.webhook_max_attempts:
            delivery.status, delivery.next_attempt_at = "failed", None
            return "failed"
        delivery.next_attempt_at = at + backoff(settings, delivery.attempts)
        return "retry"
