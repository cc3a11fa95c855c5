"""The ops dashboard under /ui/: server-rendered pages (Jinja2) over the existing services.

Plain HTML that reads without JavaScript; charts are inline SVG drawn here. Sign-in turns an
ops API key into a session cookie (`app.web.session`); every POST form carries the session's
CSRF token. Like the API routers, the pages parse, call services and render; no SQL here.
Every list is one bounded page with a cursor link to the next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from app.deps import MAX_ID, IdPath, SessionDep, SessionsDep, SettingsDep
from app.errors import HubError, InvalidParameter, NotFound
from app.services import alerts, customers, partners
from app.services.clock import today
from app.services.jobs import list_job_runs
from app.services.order_view import get_order
from app.services.promise_status import STATUSES
from app.services.promises import list_promise_lines, summarise_promises
from app.services.sell_through import inventory, sell_through
from app.services.signals import list_signals
from app.services.uploads import (
    describe_upload,
    get_acknowledgement,
    get_visible_file,
    list_uploads,
    open_stored,
    reprocess_upload,
    stored_bytes,
)
from app.web import charts
from app.web.segments import split_raw
from app.web.session import (
    CSRF_FIELD,
    SignInRequired,
    UiSession,
    check_csrf,
    check_ops_key,
    check_origin,
    current_session,
    end_session,
    start_session,
)
from schemas.alert import ALERT_KINDS, ALERT_STATUSES
from schemas.api import Page, SellThroughPage, SignalRead

HERE = Path(__file__).parent
PAGE = 50  # rows per page of every list
DEMAND_WEEKS = 26
templates = Jinja2Templates(directory=str(HERE / "templates"))
# no script runs on these pages, no other site may frame them or receive their forms
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


class _PageRoute(APIRoute):
    """Pages answer errors as HTML: no session -> the sign-in form; a HubError -> an error
    page with its status (the API keeps its problem documents)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = request.url.path
                if request.url.query:
                    target += "?" + request.url.query
                if request.method != "GET":
                    target = "/ui/"
                return RedirectResponse("/ui/login?" + urlencode({"next": target}),
                                        status_code=303)
            except HubError as exc:
                return _error_page(request, exc.status, exc.title, exc.detail)
            except RequestValidationError as exc:
                detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: "
                                   f"{e.get('msg')}" for e in exc.errors())
                return _error_page(request, 422, "Invalid request", detail)

        return route


def _error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "detail": detail, "status": status,
                                "ui": None, "nav": None},
        status_code=status, headers={"Cache-Control": "no-store",
                                     "Content-Security-Policy": CSP})


router = APIRouter(prefix="/ui", route_class=_PageRoute, include_in_schema=False)
UiDep = Annotated[UiSession, Depends(current_session)]


def _render(request: Request, ui: UiSession | None, template: str, nav: str,
            **context: Any) -> HTMLResponse:
    context.update(ui=ui, nav=nav, csrf_field=CSRF_FIELD,
                   notice=request.query_params.get("notice"))
    response = templates.TemplateResponse(request, template, context)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CSP
    return response


def _query(request: Request, **changes: Any) -> str:
    """This page's query string with some parameters replaced (None drops one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None]
    return "?" + urlencode(params) if params else ""


# --- sign-in ------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _render(request, None, "login.html", "login", next=_safe_next(next), message=None)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, api_key: Annotated[str, Form(max_length=200)] = "",
          next: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    check_origin(request)
    try:
        caller, prefix = check_ops_key(request, api_key)
    except HubError as exc:
        response = _render(request, None, "login.html", "login", next=_safe_next(next),
                           message=exc.detail)
        response.status_code = exc.status
        return response
    response = RedirectResponse(_safe_next(next) or "/ui/", status_code=303)
    start_session(request, response, caller, prefix)
    return response


def _safe_next(target: str | None) -> str | None:
    """Only a path of this dashboard: never an open redirect."""
    if target and target.startswith("/ui/") and not target.startswith("//") \
            and "\\" not in target:
        return target
    return None


@router.post("/logout")
def logout(request: Request, ui: UiDep,
           csrf_token: Annotated[str | None, Form(max_length=200)] = None) -> Response:
    check_csrf(request, ui, csrf_token)
    response = RedirectResponse("/ui/login", status_code=303)
    end_session(request, response, ui)
    return response


@router.get("/static/ui.css")
def stylesheet() -> Response:
    return Response((HERE / "static" / "ui.css").read_text(), media_type="text/css",
                    headers={"Cache-Control": "max-age=3600"})


# --- overview -----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, ui: UiDep, session: SessionDep) -> HTMLResponse:
    summary = summarise_promises(session, ui.caller, today=today(), partner_id=None,
                                 window_from=None, window_to=None, include_test=False)
    recent = list_uploads(session, ui.caller, status=None, partner_id=None, message_type=None,
                          received_from=None, received_to=None, cursor=None, limit=10)
    flagged = customers.churn_risk(session, ui.caller, only_flagged=True)
    runs = list_job_runs(session, job_id=None, cursor=None, limit=5)
    open_alerts = alerts.list_alerts(session, caller=ui.caller, status="open", kind=None,
                                     partner_id=None, cursor=None, limit=PAGE).items
    return _render(request, ui, "overview.html", "overview", summary=summary,
                   recent=recent.items, flagged=flagged, runs=runs.items,
                   open_alerts=open_alerts, names=partners.partner_names(session))


# --- promises -----------------------------------------------------------------------------


@router.get("/promises", response_class=HTMLResponse)
def promises(request: Request, ui: UiDep, session: SessionDep,
             status: Annotated[list[str] | None, Query()] = None,
             partner: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
             due_from: date | None = None, due_to: date | None = None,
             cursor: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    status = [s for s in status or [] if s]
    page = list_promise_lines(session, ui.caller, today=today(), status=status or None,
                              partner_id=partner, due_from=due_from, due_to=due_to,
                              include_test=False, cursor=cursor, limit=PAGE)
    return _render(request, ui, "promises.html", "promises", page=page, statuses=STATUSES,
                   selected=set(status), partner_id=partner, due_from=due_from, due_to=due_to,
                   names=partners.partner_names(session),
                   next_href=_query(request, cursor=page.next_cursor)
                   if page.next_cursor else None)


@router.get("/promises/{order_id}/{line_id}", response_class=HTMLResponse)
def promise_line(request: Request, order_id: IdPath, line_id: IdPath, ui: UiDep,
                 session: SessionDep) -> HTMLResponse:
    order = get_order(session, order_id, ui.caller, today())
    line = next((ln for ln in order.lines if ln.id == line_id), None)
    if line is None:
        raise NotFound(f"order {order_id} has no line {line_id}")
    return _render(request, ui, "promise_line.html", "promises", order=order, line=line,
                   names=partners.partner_names(session))


# --- messages -----------------------------------------------------------------------------

FILE_STATUSES = ("received", "processed", "partially_accepted", "rejected", "failed",
                 "duplicate")


@router.get("/messages", response_class=HTMLResponse)
def messages(request: Request, ui: UiDep, session: SessionDep,
             status: Annotated[str | None, Query(max_length=40)] = None,
             cursor: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    if status and status not in FILE_STATUSES:
        raise InvalidParameter(f"status must be one of {', '.join(FILE_STATUSES)}")
    page = list_uploads(session, ui.caller, status=status or None, partner_id=None,
                        message_type=None, received_from=None, received_to=None,
                        cursor=cursor, limit=PAGE)
    return _render(request, ui, "messages.html", "messages", page=page,
                   statuses=FILE_STATUSES, status=status,
                   names=partners.partner_names(session),
                   next_href=_query(request, cursor=page.next_cursor)
                   if page.next_cursor else None)


@router.get("/messages/{file_id}", response_class=HTMLResponse)
def message(request: Request, file_id: IdPath, ui: UiDep, session: SessionDep
            ) -> HTMLResponse:
    upload = describe_upload(session, file_id, ui.caller)
    stored = get_visible_file(session, upload.duplicate_of or file_id, ui.caller)
    issues = upload.issues + [i for ic in upload.interchanges for i in ic.issues] + [
        i for ic in upload.interchanges for m in ic.messages for i in m.issues]
    raw = split_raw(open_stored(session, stored), issues)
    return _render(request, ui, "message.html", "messages", upload=upload, raw=raw,
                   filename=stored.filename, source=stored.source, issue_count=len(issues),
                   names=partners.partner_names(session))


@router.get("/messages/{file_id}/raw")
def message_raw(file_id: IdPath, ui: UiDep, session: SessionDep) -> StreamingResponse:
    stored = get_visible_file(session, file_id, ui.caller)
    name = f"upload-{file_id}.{_extension(stored.standard)}"
    return StreamingResponse(stored_bytes(session, stored),
                             media_type="application/octet-stream",
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "X-Content-SHA256": stored.sha256,
                                      "Content-Length": str(stored.size)})


@router.get("/messages/{file_id}/ack")
def message_ack(file_id: IdPath, ui: UiDep, session: SessionDep,
                kind: Annotated[str | None, Query(pattern="^(997|999|TA1|CONTRL)$")] = None
                ) -> Response:
    ack = get_acknowledgement(session, file_id, ui.caller, kind)
    extension = "edi" if ack.kind == "CONTRL" else "x12"
    name = f"upload-{file_id}-{ack.kind}.{extension}"
    return Response(ack.content, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _extension(standard: str | None) -> str:
    return {"x12": "x12", "edifact": "edi", "xml": "xml"}.get(standard or "", "bin")


@router.post("/messages/{file_id}/reprocess")
def message_reprocess(request: Request, file_id: IdPath, ui: UiDep, settings: SettingsDep,
                      sessions: SessionsDep,
                      csrf_token: Annotated[str | None, Form(max_length=200)] = None
                      ) -> Response:
    check_csrf(request, ui, csrf_token)
    upload = reprocess_upload(sessions, file_id, ui.caller, settings)
    notice = f"Reprocessed: the upload is {upload.status}"
    return RedirectResponse(f"/ui/messages/{file_id}?" + urlencode({"notice": notice}),
                            status_code=303)


# --- demand -------------------------------------------------------------------------------


@router.get("/demand", response_class=HTMLResponse)
def demand(request: Request, ui: UiDep, session: SessionDep, settings: SettingsDep,
           location: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
           product: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
           urgency: Annotated[str | None, Query(max_length=20)] = None,
           cursor: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    """One location at a time (a big store has hundreds of thousands of series): its
    signals, and for the chosen product the weekly sell-through and stock as charts."""
    day = today()
    places = partners.location_choices(session, limit=2000)  # the picker; locations are few
    if location is None:
        stocked = inventory(session, ui.caller, product_id=None, gtin=None, location_id=None,
                            reporter_id=None, include_test=False, cursor=None, limit=1).items
        location = stocked[0].location_id if stocked else (places[0][0] if places else None)
    signals = Page[SignalRead](items=[])
    if location is not None:
        signals = list_signals(session, ui.caller, settings, today=day, location_id=location,
                               product_id=None, urgency=urgency or None, include_test=False,
                               cursor=cursor, limit=PAGE)
    if product is None and signals.items:
        product = min(signals.items, key=lambda s: (_URGENCY.get(s.urgency, 9),
                                                    s.product_id)).product_id
    signal, rows, sales_chart, stock_chart = None, [], None, None
    if product is not None and location is not None:
        chosen = list_signals(session, ui.caller, settings, today=day, location_id=location,
                              product_id=product, urgency=None, include_test=False,
                              cursor=None, limit=1)
        signal = chosen.items[0] if chosen.items else None
        history = sell_through(session, ui.caller, product_id=product, gtin=None,
                               location_id=location, reporter_id=None,
                               start=day - timedelta(weeks=DEMAND_WEEKS), end=day, today=day,
                               granularity="week", include_test=False, cursor=None, limit=1)
        # the service may hand back plain rows (its fast JSON path): read them as the schema
        rows = SellThroughPage.model_validate(getattr(history, "body", history)).items
        sales_chart, stock_chart = _demand_charts(rows, signal)
    gtins = partners.product_gtins(session, {s.product_id for s in signals.items}
                                   | ({product} if product else set()))
    return _render(request, ui, "demand.html", "demand", signals=signals, signal=signal,
                   gtins=gtins, places=places, place=dict(places).get(location),
                   rows=rows, product=product, location=location, urgency=urgency,
                   urgencies=_URGENCY, sales_chart=sales_chart, stock_chart=stock_chart,
                   next_href=_query(request, cursor=signals.next_cursor)
                   if signals.next_cursor else None)


_URGENCY = {"critical": 0, "reorder": 1, "ok": 2, "unknown": 3}


def _f(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _weeks(rows) -> list:
    """Every week from the first reported one to the last, gaps as None: a time axis."""
    by_week = {r.period_start: r for r in rows}
    weeks, week = [], min(by_week)
    while week <= max(by_week):
        weeks.append((week, by_week.get(week)))
        week += timedelta(weeks=1)
    return weeks


def _demand_charts(rows, signal):
    if not rows:
        return None, None
    weeks = _weeks(rows)
    labels = [week.strftime("%d %b") for week, _ in weeks]

    def values(field: str) -> list[float | None]:
        return [_f(getattr(r, field)) if r is not None else None for _, r in weeks]

    sales = charts.Chart(
        title="Units sold and received per week", labels=labels,
        series=[charts.Series("sold", values("units_sold"), "s-sold", bars=True),
                charts.Series("received", values("units_received"), "s-received", bars=True),
                charts.Series("returned", [v or None for v in values("units_returned")],
                              "s-returned")])
    levels = []
    if signal is not None:
        levels = [("reorder point", signal.reorder_point, "l-reorder"),
                  ("safety stock", signal.safety_stock, "l-safety")]
    stock = charts.Chart(
        title="On hand at the end of each week", labels=labels,
        series=[charts.Series("on hand", values("on_hand_end"), "s-onhand")], levels=levels)
    return charts.render(sales), charts.render(stock)


# --- customers ----------------------------------------------------------------------------


@router.get("/customers", response_class=HTMLResponse)
def customer_list(request: Request, ui: UiDep, session: SessionDep,
                  q: Annotated[str | None, Query(max_length=100)] = None,
                  cursor: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    items, next_cursor = customers.list_customers(session, ui.caller, q=q or None,
                                                  sort="value", cursor=cursor, limit=PAGE)
    return _render(request, ui, "customers.html", "customers", items=items, q=q,
                   next_href=_query(request, cursor=next_cursor) if next_cursor else None)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer(request: Request, customer_id: IdPath, ui: UiDep, session: SessionDep,
             cursor: Annotated[str | None, Query(max_length=400)] = None) -> HTMLResponse:
    detail = customers.get_customer(session, ui.caller, customer_id, today())
    entries, next_cursor = customers.timeline(session, ui.caller, customer_id, cursor=cursor,
                                              limit=PAGE)
    cases = [e for e in entries if e.kind == "case"]
    return _render(request, ui, "customer.html", "customers", customer=detail,
                   entries=entries, cases=cases,
                   next_href=_query(request, cursor=next_cursor) if next_cursor else None)


# --- jobs and alerts ----------------------------------------------------------------------


@router.get("/jobs", response_class=HTMLResponse)
def jobs(request: Request, ui: UiDep, session: SessionDep,
         job: Annotated[str | None, Query(max_length=100)] = None,
         cursor: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    page = list_job_runs(session, job_id=job or None, cursor=cursor, limit=PAGE)
    return _render(request, ui, "jobs.html", "jobs", page=page, job=job,
                   interval=request.app.state.settings.inbox_interval_seconds,
                   next_href=_query(request, cursor=page.next_cursor)
                   if page.next_cursor else None)


@router.get("/alerts", response_class=HTMLResponse)
def alert_list(request: Request, ui: UiDep, session: SessionDep,
               status: Annotated[str | None, Query(max_length=40)] = None,
               kind: Annotated[str | None, Query(max_length=40)] = None,
               cursor: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    page = alerts.list_alerts(session, caller=ui.caller, status=status or None,
                              kind=kind or None, partner_id=None, cursor=cursor, limit=PAGE)
    return _render(request, ui, "alerts.html", "alerts", page=page, status=status, kind=kind,
                   statuses=ALERT_STATUSES, kinds=ALERT_KINDS,
                   names=partners.partner_names(session),
                   next_href=_query(request, cursor=page.next_cursor)
                   if page.next_cursor else None)


@router.post("/alerts/{alert_id}/acknowledge")
def alert_acknowledge(request: Request, alert_id: IdPath, ui: UiDep, session: SessionDep,
                      csrf_token: Annotated[str | None, Form(max_length=200)] = None
                      ) -> Response:
    check_csrf(request, ui, csrf_token)
    alert = alerts.acknowledge_alert(session, alert_id, ui.caller)
    notice = f"Alert {alert.id} acknowledged"
    return RedirectResponse("/ui/alerts?" + urlencode({"notice": notice}), status_code=303)
