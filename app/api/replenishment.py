"""Replenishment signals (JSON and EDI for VMI), their parameters, and forecasts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.deps import CallerDep, IdQuery, OpsDep, SessionDep, SettingsDep
from app.errors import (
    InvalidApiKey,
    InvalidParameter,
    NotFound,
    ScopeDenied,
    problem_responses,
)
from app.services.clock import today
from app.services.signals import list_forecasts, set_parameters, signal_rows
from app.services.vmi import FORMATS, signals_as_edi
from schemas.api import SIGNAL_HELP, ForecastRead, Page, ParametersUpdate, SignalRead

router = APIRouter(prefix="/v1", tags=["replenishment"])


@router.get("/replenishment/signals", response_model=Page[SignalRead],
            summary="Replenishment signals per product x location", description=SIGNAL_HELP,
            responses=problem_responses(InvalidApiKey, InvalidParameter))
def read_signals(
    session: SessionDep, caller: CallerDep, settings: SettingsDep,
    location: IdQuery = None, product: IdQuery = None,
    urgency: Annotated[str | None, Query(description="critical | reorder | ok | unknown")] = None,
    include_test: bool = False, cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 500,
) -> Response:
    page = signal_rows(session, caller, settings, today=today(), location_id=location,
                       product_id=product, urgency=urgency, include_test=include_test,
                       cursor=cursor, limit=min(limit, settings.page_size_max))
    # already shaped as Page[SignalRead]: returning a Response skips validating every signal
    return Response(page.to_json(), media_type="application/json")


@router.get(
    "/replenishment/signals.edi", response_class=Response,
    summary="The same signals as EDI for VMI",
    description="format x12-850 / edifact-orders: a purchase order per location owner with the "
                "suggested quantities (> 0); x12-830 / edifact-delfor: a planning schedule with "
                "the suggested quantity firm within the lead time and the average weekly demand "
                "as planning for the next 4 weeks. Envelopes carry the caller's identifier as "
                "sender and the location owner's as receiver, with the hub's control numbers.",
    responses={200: {"content": {"application/edi-x12": {}, "application/edifact": {}}},
               **problem_responses(InvalidApiKey, InvalidParameter)},
)
def read_signals_edi(
    session: SessionDep, caller: CallerDep, settings: SettingsDep,
    format: Annotated[str, Query(pattern="^(x12-850|x12-830|edifact-orders|edifact-delfor)$",
                                 description=" | ".join(FORMATS))] = "x12-850",
    location: IdQuery = None, product: IdQuery = None,
    urgency: str | None = None,
) -> Response:
    text, media = signals_as_edi(session, caller, settings, fmt=format, today=today(),
                                 location_id=location, product_id=product, urgency=urgency)
    return Response(text, media_type=media)


@router.put("/replenishment/parameters", status_code=204, response_class=Response,
            summary="Set replenishment parameters for a product at a location (ops)",
            responses=problem_responses(InvalidApiKey, ScopeDenied, NotFound))
def put_parameters(update: ParametersUpdate, session: SessionDep, caller: OpsDep) -> Response:
    set_parameters(session, update)
    return Response(status_code=204)


@router.get(
    "/forecasts", response_model=Page[ForecastRead],
    summary="Daily demand forecast per product x location, with its backtest",
    description="Method chosen per series from its demand pattern: simple exponential smoothing "
                "for smooth (and erratic) demand, Croston-SBA for intermittent, TSB for lumpy; "
                "classification by ADI (1.32) and CV2 (0.49). The backtest error (MAE and bias "
                "of one-step-ahead forecasts over the last 4 weeks, no look-ahead) is returned "
                "beside each forecast.",
    responses=problem_responses(InvalidApiKey, InvalidParameter),
)
def read_forecasts(
    session: SessionDep, caller: CallerDep, settings: SettingsDep,
    product: IdQuery = None, location: IdQuery = None,
    horizon_days: Annotated[int, Query(ge=1, le=365)] = 28,
    history_days: Annotated[int, Query(ge=7, le=730)] = 180,
    include_test: bool = False, cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 50,
) -> Page[ForecastRead]:
    return list_forecasts(session, caller, today=today(), product_id=product,
                          location_id=location, horizon_days=horizon_days,
                          history_days=history_days, include_test=include_test, cursor=cursor,
                          limit=min(limit, settings.page_size_max))
