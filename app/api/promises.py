"""Delivery promises: the lines ops care about, and on-time / in-full metrics."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import CallerDep, IdQuery, SessionDep, SettingsDep
from app.errors import InvalidApiKey, InvalidParameter, NotFound, problem_responses
from app.services.clock import today
from app.services.promises import list_promise_lines, summarise_promises
from app.services.quote import quote_promise
from schemas.api import (
    STATUS_HELP,
    Page,
    PromiseLineRead,
    PromiseSummary,
    QuoteRead,
    QuoteRequest,
)

router = APIRouter(prefix="/v1/promises", tags=["promises"])


@router.get("", response_model=Page[PromiseLineRead],
            summary="Order lines with their delivery status, late and at-risk first",
            description=STATUS_HELP,
            responses=problem_responses(InvalidApiKey, InvalidParameter))
def read_promises(
    session: SessionDep, caller: CallerDep, settings: SettingsDep,
    status: Annotated[list[str] | None, Query(description="Repeat to select several")] = None,
    partner: IdQuery = None,
    due_from: date | None = None,
    due_to: date | None = None,
    include_test: bool = False,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 100,
) -> Page[PromiseLineRead]:
    return list_promise_lines(session, caller, today=today(), status=status,
                              partner_id=partner, due_from=due_from, due_to=due_to,
                              include_test=include_test, cursor=cursor,
                              limit=min(limit, settings.page_size_max))


@router.get("/summary", response_model=PromiseSummary,
            summary="Line counts by status and on-time / in-full metrics",
            responses=problem_responses(InvalidApiKey, InvalidParameter))
def read_summary(
    session: SessionDep, caller: CallerDep,
    partner: IdQuery = None,
    window_from: Annotated[date | None, Query(alias="from")] = None,
    window_to: Annotated[date | None, Query(alias="to")] = None,
    include_test: bool = False,
) -> PromiseSummary:
    return summarise_promises(session, caller, today=today(), partner_id=partner,
                              window_from=window_from, window_to=window_to,
                              include_test=include_test)


@router.post(
    "/quote", response_model=QuoteRead,
    summary="Available-to-promise date for a requested quantity",
    description="ATP(d) = available now (latest snapshot at the location) - open allocations "
                "(units the location's owner still owes on open order lines) + scheduled "
                "receipts (ship notices to the location) expected by d. Answers the earliest "
                "date the full quantity can be promised, and a partial offer when allowed.",
    responses=problem_responses(InvalidApiKey, InvalidParameter, NotFound),
)
def quote(request: QuoteRequest, session: SessionDep, caller: CallerDep) -> QuoteRead:
    return quote_promise(session, caller, request, today())
