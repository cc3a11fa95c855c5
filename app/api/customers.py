"""Customers: value, segments, tiers, churn warnings, timeline and the service log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.deps import CallerDep, IdPath, OpsDep, SessionDep, SettingsDep
from app.errors import InvalidApiKey, InvalidParameter, NotFound, ScopeDenied, problem_responses
from app.services import customers
from app.services.clock import today
from schemas.customer import (
    CaseCreate,
    CasePage,
    CaseRead,
    ChurnRead,
    CustomerDetail,
    CustomerPage,
    ExchangeRatesPut,
    ScoreRun,
    SegmentRead,
    TimelinePage,
)

router = APIRouter(prefix="/v1", tags=["customers"])
SCOPE = ("Ops see every customer; a manufacturer sees the partners that buy from it; a "
         "distributor sees itself.")


@router.get("/customers", response_model=CustomerPage, summary="Customers, by value",
            description="Search by name or identifier; `sort=value` lists the customers that "
                        "bring most of the business first, with their ABC class. " + SCOPE,
            responses=problem_responses(InvalidApiKey, InvalidParameter))
def read_customers(
    session: SessionDep, caller: CallerDep, settings: SettingsDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[str, Query(pattern="^(value|id)$")] = "value",
    cursor: str | None = None, limit: Annotated[int, Query(ge=1)] = 100,
) -> CustomerPage:
    items, next_cursor = customers.list_customers(
        session, caller, q=q, sort=sort, cursor=cursor, limit=min(limit, settings.page_size_max))
    return CustomerPage(items=items, next_cursor=next_cursor)


@router.get("/customers/segments", response_model=list[SegmentRead],
            summary="RFM segments with their members", description=SCOPE,
            responses=problem_responses(InvalidApiKey))
def read_segments(session: SessionDep, caller: CallerDep) -> list[SegmentRead]:
    return customers.segments(session, caller)


@router.get("/customers/churn-risk", response_model=list[ChurnRead],
            summary="Churn early warning: flags and BG/NBD probability alive",
            description="Most flags and lowest p_alive first. " + SCOPE,
            responses=problem_responses(InvalidApiKey))
def read_churn(session: SessionDep, caller: CallerDep, flagged: bool = False) -> list[ChurnRead]:
    return customers.churn_risk(session, caller, only_flagged=flagged)


@router.post("/customers/scores", response_model=ScoreRun,
             summary="Recompute value, segments, tiers and churn flags now (ops)",
             responses=problem_responses(InvalidApiKey, ScopeDenied))
def recompute(session: SessionDep, caller: OpsDep, settings: SettingsDep,
              basis: Annotated[str, Query(pattern="^(orders|invoices)$")] = "orders"
              ) -> ScoreRun:
    return customers.compute_scores(session, settings, today(), basis)


@router.get("/customers/{customer_id}", response_model=CustomerDetail,
            summary="One customer whole", description=SCOPE,
            responses=problem_responses(InvalidApiKey, NotFound))
def read_customer(customer_id: IdPath, session: SessionDep, caller: CallerDep) -> CustomerDetail:
    return customers.get_customer(session, caller, customer_id, today())


@router.get("/customers/{customer_id}/timeline", response_model=TimelinePage,
            summary="Every interaction, newest first",
            description="Orders, promises, shipments, sales and inventory reports, invoices, "
                        "forecasts, acknowledgements, rejected files and cases.",
            responses=problem_responses(InvalidApiKey, NotFound, InvalidParameter))
def read_timeline(customer_id: IdPath, session: SessionDep, caller: CallerDep,
                  settings: SettingsDep, cursor: str | None = None,
                  limit: Annotated[int, Query(ge=1)] = 50) -> TimelinePage:
    items, next_cursor = customers.timeline(session, caller, customer_id, cursor=cursor,
                                            limit=min(limit, settings.page_size_max))
    return TimelinePage(items=items, next_cursor=next_cursor)


@router.post("/customers/{customer_id}/cases", response_model=CaseRead, status_code=201,
             summary="Log a complaint, question, return, visit or call",
             responses=problem_responses(InvalidApiKey, NotFound))
def create_case(customer_id: IdPath, body: CaseCreate, session: SessionDep,
                caller: CallerDep) -> CaseRead:
    return customers.add_case(session, caller, customer_id, body)


@router.get("/cases", response_model=CasePage,
            summary="Search the service log (subjects and resolutions)",
            description="Every word of `q` must appear; newest first. " + SCOPE,
            responses=problem_responses(InvalidApiKey, InvalidParameter))
def find_cases(session: SessionDep, caller: CallerDep, settings: SettingsDep,
               q: Annotated[str | None, Query(max_length=200)] = None,
               cursor: str | None = None, limit: Annotated[int, Query(ge=1)] = 50) -> CasePage:
    items, next_cursor = customers.search_cases(session, caller, q=q, cursor=cursor,
                                                limit=min(limit, settings.page_size_max))
    return CasePage(items=items, next_cursor=next_cursor)


@router.put("/exchange-rates", status_code=204, response_class=Response,
            summary="Set exchange rates into the base currency (ops)",
            responses=problem_responses(InvalidApiKey, ScopeDenied, InvalidParameter))
def put_rates(body: ExchangeRatesPut, session: SessionDep, caller: OpsDep,
              settings: SettingsDep) -> Response:
    customers.put_exchange_rates(session, settings, body.rates)
    return Response(status_code=204)
