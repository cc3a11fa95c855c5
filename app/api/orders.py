"""Orders: each with its lines, promise versions and shipments."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import CallerDep, SessionDep
from app.errors import InvalidApiKey, NotFound, problem_responses
from app.services.order_view import get_order
from schemas.api import OrderRead

router = APIRouter(prefix="/v1/orders", tags=["orders"])


@router.get("/{order_id}", response_model=OrderRead, summary="One order with its lines",
            responses=problem_responses(NotFound, InvalidApiKey))
def read_order(order_id: int, session: SessionDep, caller: CallerDep) -> OrderRead:
    return get_order(session, order_id, caller)
