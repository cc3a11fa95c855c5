"""Demand for manufacturers: sell-through, the change feed for pollers, inventory."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import MAX_ID, CallerDep, IdQuery, SessionDep, SettingsDep
from app.errors import InvalidApiKey, InvalidParameter, problem_responses
from app.services.clock import today
from app.services.sell_through import (
    RowsPage,
    inventory,
    sales_changes,
    sell_through,
)
from schemas.api import InventoryRead, Page, SalesFactRead, SellThroughPage, SellThroughRow

router = APIRouter(prefix="/v1", tags=["demand"])

SCOPE_HELP = ("Ops see all; a distributor sees what it reported; a manufacturer sees its own "
              "products.")


@router.get(
    "/sell-through", response_model=SellThroughPage,
    summary="Sell-through per product x location x period (JSON, or CSV with Accept: text/csv)",
    description=(
        "A sales fact counts in the period containing its own period start. units_sold, "
        "units_returned, units_received; on_hand_begin / on_hand_end from inventory snapshots; "
        "sell_through_rate = units_sold / (on_hand_begin + units_received) (null when unknown "
        "or zero); weeks_of_supply = on_hand_end / average weekly units sold over the trailing "
        "4 weeks. Pages by series (product x location). " + SCOPE_HELP),
    responses={200: {"content": {"text/csv": {}}},
               **problem_responses(InvalidApiKey, InvalidParameter)},
)
def read_sell_through(
    request: Request, session: SessionDep, caller: CallerDep, settings: SettingsDep,
    product: Annotated[int | None, Query(
        ge=1, le=MAX_ID, description="Product id")] = None,
    gtin: Annotated[str | None, Query(description="Product GTIN (8-14 digits)")] = None,
    location: Annotated[int | None, Query(
        ge=1, le=MAX_ID, description="Location id")] = None,
    reporter: Annotated[int | None, Query(
        ge=1, le=MAX_ID, description="Reporting partner id")] = None,
    window_from: Annotated[date | None, Query(alias="from")] = None,
    window_to: Annotated[date | None, Query(alias="to")] = None,
    granularity: Annotated[str, Query(pattern="^(day|week|month)$")] = "week",
    include_test: bool = False,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, description="Series per page")] = 100,
):
    page = sell_through(session, caller, product_id=product, gtin=gtin, location_id=location,
                        reporter_id=reporter, start=window_from, end=window_to, today=today(),
                        granularity=granularity, include_test=include_test, cursor=cursor,
                        limit=min(limit, settings.page_size_max))
    if "text/csv" in request.headers.get("accept", ""):
        return _csv(page)
    # already shaped as SellThroughPage: returning a Response skips validating 2,000 rows
    return Response(page.to_json(), media_type="application/json")


def _csv(page: RowsPage) -> Response:
    out = io.StringIO()
    fields = list(SellThroughRow.model_fields)
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in page.items:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    headers = {"X-Next-Cursor": page.next_cursor} if page.next_cursor else {}
    return Response(out.getvalue(), media_type="text/csv", headers=headers)


@router.get(
    "/sell-through/changes", response_model=Page[SalesFactRead],
    summary="Sales facts that arrived after the cursor, oldest first",
    description=(
        "Store `next_cursor` and pass it back as `cursor`: a poller never misses or repeats a "
        "fact, even when uploads commit concurrently. A re-sent report replaces its period's "
        "figure with a NEW fact (new id); upsert by (reporter, location, product, period, "
        "measure). Send the ETag back as If-None-Match: 304 when nothing is new. " + SCOPE_HELP),
    responses={304: {"description": "Nothing new since the cursor"},
               **problem_responses(InvalidApiKey, InvalidParameter)},
)
def read_changes(
    request: Request, session: SessionDep, caller: CallerDep, settings: SettingsDep,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 500,
    include_test: bool = False,
):
    page = sales_changes(session, caller, cursor=cursor, include_test=include_test,
                         limit=min(limit, settings.page_size_max))
    etag = f'"{page.next_cursor}"'
    if not page.items and request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    # already shaped as Page[SalesFactRead]: returning a Response skips validating 500 facts
    return Response(page.to_json(), media_type="application/json", headers={"ETag": etag})


@router.get(
    "/inventory", response_model=Page[InventoryRead],
    summary="Latest inventory snapshot per product x location",
    description="On hand, available, on order and in transit as of the snapshot date. "
                + SCOPE_HELP,
    responses=problem_responses(InvalidApiKey, InvalidParameter),
)
def read_inventory(
    session: SessionDep, caller: CallerDep, settings: SettingsDep,
    product: IdQuery = None, gtin: str | None = None, location: IdQuery = None,
    reporter: IdQuery = None, include_test: bool = False, cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 100,
) -> Page[InventoryRead]:
    return inventory(session, caller, product_id=product, gtin=gtin, location_id=location,
                     reporter_id=reporter, include_test=include_test, cursor=cursor,
                     limit=min(limit, settings.page_size_max))
