"""FastAPI dependencies: settings, the request's session (one transaction), the caller."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidApiKey, MissingApiKey, ScopeDenied
from app.security import Caller, Role, matches, split_key
from app.settings import Settings
from app.store import partner as partner_store
from app.store.db import session_scope
from app.store.types import utcnow

KEY_TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is coarse: no write per request


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit on success, roll back on error."""
    with session_scope(request.app.state.sessions) as session:
        yield session


def get_caller(request: Request) -> Caller:
    """Check the API key in a short transaction of its own, so no request transaction is
    held open (with a write on it) while an upload runs its own transactions."""
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
    with session_scope(request.app.state.sessions) as session:
        key = partner_store.get_api_key(session, prefix) if prefix else None
        if key is None or key.revoked_at is not None or not matches(token, key.key_hash):
            raise InvalidApiKey("the API key is unknown or revoked",
                                headers={"WWW-Authenticate": "Bearer"})
        now = utcnow()
        if key.last_used_at is None or now - key.last_used_at > KEY_TOUCH_INTERVAL:
            partner_store.touch_api_key(key, now)
        return Caller(partner_id=key.partner_id, partner_slug=key.partner.slug,
                      role=Role(key.role), key_id=key.id)


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
