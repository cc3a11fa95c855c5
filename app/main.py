"""`create_app(settings)`: the FastAPI application. The engine is made in the lifespan."""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import URL, Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import logs, metrics
from app.api import (
    alerts,
    customers,
    demand,
    health,
    interchanges,
    jobs,
    orders,
    promises,
    replenishment,
    webhooks,
)
from app.errors import PROBLEM_JSON, HubError, StoreUnavailable
from app.settings import Settings, get_settings
from app.store.db import make_engine, make_session_factory
from app.web import dashboard

log = logging.getLogger("edihub")
access = logging.getLogger("edihub.access")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def create_app(settings: Settings | None = None, *,
               sessions: sessionmaker[Session] | None = None) -> FastAPI:
    """Build the app. `sessions` lets tests bind the app to a connection they roll back."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if sessions is not None:
            app.state.sessions = sessions
            yield
            return
        engine = make_engine(settings.database_url, echo=settings.echo_sql)
        app.state.engine = engine
        app.state.sessions = make_session_factory(engine)
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="edihub",
        version="0.1.0",
        summary="Supply-chain EDI hub: X12, EDIFACT and XML in; orders, promises, "
                "sell-through, replenishment and customers out.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    logs.configure(settings.log_json)
    app.add_middleware(RequestContext)
    _install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(interchanges.router)
    app.include_router(orders.router)
    app.include_router(promises.router)
    app.include_router(demand.router)
    app.include_router(replenishment.router)
    app.include_router(customers.router)
    app.include_router(jobs.router)
    app.include_router(alerts.router)
    app.include_router(webhooks.router)
    app.include_router(dashboard.router)
    return app


class RequestContext:
    """A request id on every response (`X-Request-ID`, taken from the caller when it sends
    a sane one) and every log line, an access log line and the latency histogram.

    Plain ASGI rather than `@app.middleware("http")`: Starlette's `BaseHTTPMiddleware` runs
    the rest of the app in a task of its own and streams the response through a memory
    channel, a fixed cost on every request; this only wraps `send`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = logs.REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            path = getattr(scope.get("route"), "path", "unmatched")
            method, url_path = scope["method"], URL(scope=scope).path
            metrics.HTTP_SECONDS.labels(method, path, str(status)).observe(elapsed)
            access.info("%s %s %s %.1fms", method, url_path, status, elapsed * 1000,
                        extra={"method": method, "path": url_path, "status": status,
                               "duration_ms": round(elapsed * 1000, 1)})
            logs.REQUEST_ID.reset(token)


def _problem(status: int, body: dict, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def hub_error(request: Request, exc: HubError):
        return _problem(exc.status, exc.problem(str(request.url.path)), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [
            {"location": ".".join(str(p) for p in err.get("loc", ())), "message": err.get("msg")}
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors)
        return _problem(422, {
            "type": "https://edihub.dev/problems/invalid-request", "title": "Invalid request",
            "status": 422, "detail": detail, "code": "invalid-request",
            "instance": str(request.url.path), "errors": errors,
        })

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _problem(exc.status_code, {
            "type": "about:blank", "title": str(exc.detail), "status": exc.status_code,
            "detail": str(exc.detail), "instance": str(request.url.path),
        }, getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    async def store_unavailable(request: Request, exc: OperationalError):
        # the database is down, unreachable or too busy: nothing was half-written (the
        # transaction rolled back), so the caller can simply try again
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path,
                    str(exc.orig).splitlines()[0] if exc.orig else exc)
        error = StoreUnavailable("the database is unavailable; try again shortly",
                                 headers={"Retry-After": "5"})
        return _problem(error.status, error.problem(str(request.url.path)), error.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _problem(500, {
            "type": "https://edihub.dev/problems/internal-error", "title": "Internal error",
            "status": 500, "detail": "the server failed to handle this request; it is logged",
            "instance": str(request.url.path),
        })
