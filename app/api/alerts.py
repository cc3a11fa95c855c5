"""Alerts: what needs a person's attention, and acknowledging it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import CallerDep, IdPath, IdQuery, SessionDep, SettingsDep
from app.errors import Conflict, InvalidApiKey, InvalidParameter, NotFound, problem_responses
from app.services import alerts
from schemas.alert import ALERT_KINDS, AlertRead
from schemas.api import Page

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])
SCOPE = "Ops see every alert; a partner only the alerts that concern it."


@router.get("", response_model=Page[AlertRead], summary="Alerts, newest first",
            description="By default the open and acknowledged ones; repeat `status` for "
                        "several. Kinds: " + ", ".join(ALERT_KINDS) + ". " + SCOPE,
            responses=problem_responses(InvalidApiKey, InvalidParameter))
def read_alerts(
    session: SessionDep, caller: CallerDep, settings: SettingsDep,
    status: Annotated[list[str] | None, Query()] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    partner: IdQuery = None,
    cursor: str | None = None, limit: Annotated[int, Query(ge=1)] = 100,
) -> Page[AlertRead]:
    return alerts.list_alerts(session, caller=caller, status=status, kind=kind,
                              partner_id=partner, cursor=cursor,
                              limit=min(limit, settings.page_size_max))


@router.post("/{alert_id}/ack", response_model=AlertRead, summary="Acknowledge an alert",
             description="It stays listed as `acknowledged` until its condition clears. "
                         + SCOPE,
             responses=problem_responses(InvalidApiKey, NotFound, Conflict))
def acknowledge(alert_id: IdPath, session: SessionDep, caller: CallerDep) -> AlertRead:
    return alerts.acknowledge_alert(session, alert_id, caller)
