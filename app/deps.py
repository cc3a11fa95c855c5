"""FastAPI dependencies: settings, the request's session (one transaction), the caller
(API key and rate limit)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidApiKey, MissingApiKey, RateLimited, ScopeDenied
from app.ratelimit import RateLimiter
from app.security import Caller, Role, matches, split_key
from app.settings import Settings
from app.store import partner as partner_store
from app.store.db import session_scope
from app.store.types import utcnow

KEY_TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is coarse: no write per request


# `async def` for what neither blocks nor waits: FastAPI runs a plain `def` dependency in its
# thread pool, one hand-over to a worker thread and back per call and request.
async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit on success, roll back on error."""
    with session_scope(request.app.state.sessions) as session:
        yield session


def get_caller(request: Request,
               session: Annotated[Session, Depends(get_session)]) -> Caller:
    """Who is calling: the API key checked in the request's own transaction (one query, no
    cache, so a revoked key is refused at once), then the key's rate limit.

    `last_used_at` is written at most once a minute per key, and then committed at once, so
    no request holds a write through its endpoint. Endpoints that run their own transactions
    (they take the session factory: uploads, reprocessing) get the transaction ended after
    the check, so it holds no connection or SQLite lock while they run."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise MissingApiKey("send your API key as 'Authorization: Bearer <key>'",
                            headers={"WWW-Authenticate": "Bearer"})
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidApiKey("the Authorization header must be 'Bearer <key>'",
                            headers={"WWW-Authenticate": "Bearer"})
    token = token.strip()
    prefix = split_key(token)
    key = partner_store.get_key_check(session, prefix) if prefix else None
    if key is None or key.revoked_at is not None or not matches(token, key.key_hash):
        raise InvalidApiKey("the API key is unknown or revoked",
                            headers={"WWW-Authenticate": "Bearer"})
    wait = rate_limiter_of(request.app).take(key.id)
    if wait is not None:
        raise RateLimited(f"too many requests for this API key; try again in {wait} s",
                          headers={"Retry-After": str(wait)})
    now = utcnow()
    touch = key.last_used_at is None or now - key.last_used_at > KEY_TOUCH_INTERVAL
    if touch:
        partner_store.touch_api_key_id(session, key.id, now)
    if touch or _runs_own_transactions(request):
        session.commit()
    return Caller(partner_id=key.partner_id, partner_slug=key.partner_slug,
                  role=Role(key.role), key_id=key.id)


_LIMITER_LOCK = threading.Lock()


def rate_limiter_of(app: Any) -> RateLimiter:
    """The app's rate limiter (one per process), made from its settings on first use."""
    limiter = getattr(app.state, "rate_limiter", None)
    if limiter is None:
        with _LIMITER_LOCK:
            limiter = getattr(app.state, "rate_limiter", None)
            if limiter is None:
                settings: Settings = app.state.settings
                limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
                app.state.rate_limiter = limiter
    return limiter


def _runs_own_transactions(request: Request) -> bool:
    """Whether the matched route takes the session factory (`get_sessions`)."""
    pending = [getattr(request.scope.get("route"), "dependant", None)]
    while pending:
        dependant = pending.pop()
        if dependant is None:
            continue
        if dependant.call is get_sessions:
            return True
        pending.extend(dependant.dependencies)
    return False


def require_ops(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    if not caller.is_ops:
        raise ScopeDenied("this operation needs an ops key")
    return caller


SessionDep = Annotated[Session, Depends(get_session)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CallerDep = Annotated[Caller, Depends(get_caller)]
OpsDep = Annotated[Caller, Depends(require_ops)]


# Ids are positive 64-bit integers; anything else is a 422 naming the parameter (a larger
# number would otherwise overflow the database driver).
MAX_ID = 2**63 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
