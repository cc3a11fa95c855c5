"""API payloads of alerts and webhooks."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

ALERT_KINDS = (
    "promise_at_risk",
    "promise_late",
    "replenishment_reorder",
    "replenishment_critical",
    "feed_missing",
    "ack_overdue",
)
ALERT_STATUSES = ("open", "acknowledged", "resolved")
EVENT_HELP = ("`alert.<kind>` (kinds: " + ", ".join(ALERT_KINDS) + "), `alert.*` for every "
              "alert, or `*` for every event")
_EVENT = re.compile(r"\*|alert\.\*|alert\.[a-z][a-z0-9_]{0,39}")


def alert_event(kind: str) -> str:
    return f"alert.{kind}"


def subscribes(events: list[str], event: str) -> bool:
    """Whether a webhook with `events` receives `event`."""
    family = event.split(".", 1)[0]
    return "*" in events or event in events or f"{family}.*" in events


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class AlertRead(_Read):
    id: int
    kind: str = Field(description=", ".join(ALERT_KINDS))
    severity: str = Field(description="info | warning | critical")
    partner_id: int | None = Field(description="The partner the alert concerns (null: the hub)")
    subject: str = Field(description="What the alert is about, e.g. `order_line:42`; one open "
                                     "or acknowledged alert per kind and subject")
    title: str
    details: dict[str, Any]
    status: str = Field(description="open | acknowledged | resolved (the condition cleared)")
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by_partner_id: int | None
    resolved_at: datetime | None


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description="http or https URL the hub POSTs events to")
    events: list[str] = Field(min_length=1, max_length=20, description=EVENT_HELP)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            parts = urlsplit(value)
            host = parts.hostname
            parts.port  # noqa: B018 - raises on a port that is not a number or out of range
        except ValueError as exc:
            raise ValueError(f"not a URL: {exc}") from exc
        if parts.scheme not in ("http", "https"):
            raise ValueError("the URL must be http or https")
        if not host or any(c.isspace() for c in value) or parts.username or parts.password:
            raise ValueError("the URL needs a host and no credentials or spaces")
        return value

    @field_validator("events")
    @classmethod
    def _known_events(cls, value: list[str]) -> list[str]:
        for event in value:
            if not _EVENT.fullmatch(event):
                raise ValueError(f"unknown event {event!r}: use {EVENT_HELP}")
            kind = event.removeprefix("alert.")
            if event.startswith("alert.") and kind != "*" and kind not in ALERT_KINDS:
                raise ValueError(f"unknown alert kind {kind!r}: one of {', '.join(ALERT_KINDS)}")
        return sorted(set(value))


class WebhookRead(_Read):
    id: int
    partner_id: int = Field(description="The owner: ops webhooks receive every alert, a "
                                        "partner's only the alerts that concern it")
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="Shown once. Each delivery carries `X-Edihub-Timestamp` "
                                    "(Unix seconds) and `X-Edihub-Signature: sha256=<hex>`, "
                                    "the HMAC-SHA256 with this secret of "
                                    "`<timestamp>.<raw body>`")


class WebhookAttemptRead(_Read):
    at: datetime
    http_status: int | None = Field(description="The receiver's HTTP status (null: no answer)")
    error: str | None
    duration_ms: int


class WebhookDeliveryRead(_Read):
    id: int
    event: str
    payload: dict[str, Any]
    status: str = Field(description="pending | delivered | failed (gave up after the last "
                                    "attempt)")
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    attempt_log: list[WebhookAttemptRead] = Field(description="Every attempt, oldest first")
