"""Webhooks: register where events are posted, and see every delivery and its attempts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.deps import CallerDep, IdPath, SessionDep, SettingsDep
from app.errors import InvalidApiKey, InvalidParameter, NotFound, problem_responses
from app.services import webhooks
from schemas.alert import WebhookCreate, WebhookCreated, WebhookDeliveryRead, WebhookRead
from schemas.api import Page

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
SIGNING = (
    "Each delivery is a POST of JSON with `X-Edihub-Event`, `X-Edihub-Delivery` (the same on "
    "retries), `X-Edihub-Timestamp` (Unix seconds) and `X-Edihub-Signature: sha256=<hex>`, "
    "the HMAC-SHA256 keyed with the webhook's secret of `<timestamp>.<raw body>`. Non-2xx "
    "answers and errors are retried with exponential backoff.")


@router.post("", response_model=WebhookCreated, status_code=201,
             summary="Register a webhook (the secret is shown once)",
             description="A webhook registered with an ops key receives every alert; a "
                         "partner's only the alerts that concern it. " + SIGNING,
             responses=problem_responses(InvalidApiKey))
def create_webhook(body: WebhookCreate, session: SessionDep,
                   caller: CallerDep) -> WebhookCreated:
    return webhooks.register_webhook(session, caller, body)


@router.get("", response_model=list[WebhookRead], summary="Active webhooks",
            description="Ops see every webhook; a partner its own.",
            responses=problem_responses(InvalidApiKey))
def read_webhooks(session: SessionDep, caller: CallerDep) -> list[WebhookRead]:
    return webhooks.list_webhooks(session, caller)


@router.delete("/{webhook_id}", status_code=204, response_class=Response,
               summary="Delete a webhook (pending deliveries are given up)",
               responses=problem_responses(InvalidApiKey, NotFound))
def delete_webhook(webhook_id: IdPath, session: SessionDep, caller: CallerDep) -> Response:
    webhooks.delete_webhook(session, caller, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=Page[WebhookDeliveryRead],
            summary="Deliveries of a webhook, newest first, with every attempt",
            responses=problem_responses(InvalidApiKey, NotFound, InvalidParameter))
def read_deliveries(webhook_id: IdPath, session: SessionDep, caller: CallerDep,
                    settings: SettingsDep, cursor: str | None = None,
                    limit: Annotated[int, Query(ge=1)] = 50) -> Page[WebhookDeliveryRead]:
    return webhooks.list_deliveries(session, caller, webhook_id, cursor=cursor,
                                    limit=min(limit, settings.page_size_max))
