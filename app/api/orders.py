"""Orders: each with its lines, promise versions, shipments and delivery status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import MAX_ID, CallerDep, IdPath, SessionDep, SettingsDep
from app.errors import InvalidApiKey, InvalidParameter, NotFound, problem_responses
from app.services.clock import today
from app.services.order_view import get_order, list_orders
from schemas.api import OrderRead, OrderSummaryRead, Page

router = APIRouter(prefix="/v1/orders", tags=["orders"])


@router.get("", response_model=Page[OrderSummaryRead], summary="Orders, newest first",
            description="Ops see every order; a partner sees the orders it buys or sells.",
            responses=problem_responses(InvalidApiKey, InvalidParameter))
def read_orders(
    session: SessionDep, caller: CallerDep, settings: SettingsDep,
    partner: Annotated[int | None, Query(
        ge=1, le=MAX_ID, description="Buyer or seller partner id")] = None,
    include_test: Annotated[bool, Query(description="Include test interchanges' data")] = False,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 50,
) -> Page[OrderSummaryRead]:
    return list_orders(session, caller, partner_id=partner, include_test=include_test,
                       cursor=cursor, limit=min(limit, settings.page_size_max))


@router.get("/{order_id}", response_model=OrderRead, summary="One order with its lines",
            description="Each line carries its promise versions, shipments, delivery status "
                        "and delay_days as of today.",
            responses=problem_responses(NotFound, InvalidApiKey))
def read_order(order_id: IdPath, session: SessionDep, caller: CallerDep) -> OrderRead:
    return get_order(session, order_id, caller, today())
