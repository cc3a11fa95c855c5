"""Dashboard sign-in: an ops API key becomes a signed session cookie.

The cookie holds the key's public lookup prefix and id, a per-session CSRF token and when it
was issued, signed with HMAC-SHA256 (`Settings.session_secret`, else a random secret made
once per app). It never holds the key itself. Every request re-reads the key from the
database, so a revoked key (or one whose role is no longer ops) is out at once, and so is a
session signed out: signing out records the moment on the key (`ui_signed_out_at`), which
ends every dashboard session of that key issued before it, copied cookies included.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from app.errors import HubError, InvalidApiKey, ScopeDenied
from app.security import Caller, Role, matches, split_key
from app.store import partner as partner_store
from app.store.db import session_scope
from app.store.types import utcnow

COOKIE = "edihub_ui"
CSRF_FIELD = "csrf_token"


class SignInRequired(HubError):
    """No valid dashboard session: pages answer with a redirect to the sign-in form."""

    status, code, title = 401, "sign-in-required", "Sign in required"


class CsrfRefused(HubError):
    status, code, title = 403, "csrf-refused", "The form is stale or came from another site"


@dataclass(frozen=True, slots=True)
class UiSession:
    caller: Caller
    csrf: str


def _secret(request: Request) -> bytes:
    app = request.app
    configured = app.state.settings.session_secret
    if configured is not None:
        return configured.get_secret_value().encode()
    secret = getattr(app.state, "ui_session_secret", None)
    if secret is None:  # one per app, kept for its lifetime
        secret = app.state.ui_session_secret = secrets.token_bytes(32)
    return secret


def _sign(secret: bytes, body: bytes) -> str:
    digest = hmac.new(secret, body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _encode(request: Request, payload: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    body = body.rstrip(b"=")  # a cookie value without '=' needs no quoting
    return f"{body.decode()}.{_sign(_secret(request), body)}"


def _decode(request: Request, value: str) -> dict | None:
    body, _, signature = value.partition(".")
    if not body or not signature:
        return None
    if not hmac.compare_digest(_sign(_secret(request), body.encode()), signature):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def check_ops_key(request: Request, token: str) -> tuple[Caller, str]:
    """The caller of an ops key typed into the sign-in form, and the key's lookup prefix;
    raises for any other key."""
    token = token.strip()
    prefix = split_key(token)
    with session_scope(request.app.state.sessions) as session:
        key = partner_store.get_api_key(session, prefix) if prefix else None
        if key is None or key.revoked_at is not None or not matches(token, key.key_hash):
            raise InvalidApiKey("the API key is unknown or revoked")
        if key.role != Role.OPS:
            raise ScopeDenied("the dashboard is for ops keys; this key is a "
                              f"{key.role} key")
        return Caller(partner_id=key.partner_id, partner_slug=key.partner.slug,
                      role=Role.OPS, key_id=key.id), key.prefix


def start_session(request: Request, response: Response, caller: Caller, prefix: str) -> None:
    """Set the session cookie for a freshly checked ops key."""
    payload = {"k": caller.key_id, "p": prefix, "c": secrets.token_urlsafe(24),
               "t": round(time.time(), 6)}
    hours = request.app.state.settings.session_hours
    response.set_cookie(COOKIE, _encode(request, payload), max_age=hours * 3600,
                        path="/ui", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def end_session(request: Request, response: Response, ui: UiSession) -> None:
    """Sign out: the cookie is deleted, and every session of the key issued until now ends
    on the server too (a copy of the cookie is worth nothing from here on)."""
    with session_scope(request.app.state.sessions) as session:
        partner_store.end_ui_sessions(session, ui.caller.key_id, utcnow())
    response.delete_cookie(COOKIE, path="/ui", httponly=True, samesite="lax")


def current_session(request: Request) -> UiSession:
    """The signed-in ops caller; SignInRequired when there is none (or no longer)."""
    payload = _decode(request, request.cookies.get(COOKIE, ""))
    if payload is None:
        raise SignInRequired("sign in with an ops API key")
    hours = request.app.state.settings.session_hours
    issued, prefix, key_id, csrf = (payload.get("t"), payload.get("p"), payload.get("k"),
                                    payload.get("c"))
    if (not isinstance(issued, int | float) or isinstance(issued, bool)
            or not isinstance(prefix, str)
            or not isinstance(key_id, int) or not isinstance(csrf, str)
            or time.time() - issued > hours * 3600):
        raise SignInRequired("the sign-in has expired")
    with session_scope(request.app.state.sessions) as session:
        key = partner_store.get_api_key(session, prefix)
        if (key is None or key.id != key_id or key.revoked_at is not None
                or key.role != Role.OPS):
            raise SignInRequired("the key of this sign-in was revoked")
        if key.ui_signed_out_at is not None and issued <= key.ui_signed_out_at.timestamp():
            raise SignInRequired("this sign-in has ended (signed out)")
        caller = Caller(partner_id=key.partner_id, partner_slug=key.partner.slug,
                        role=Role.OPS, key_id=key.id)
    return UiSession(caller, csrf)


def check_csrf(request: Request, ui: UiSession, submitted: str | None) -> None:
    """A state-changing form must carry the session's token and come from this site."""
    check_origin(request)
    if not submitted or not hmac.compare_digest(submitted.encode(), ui.csrf.encode()):
        raise CsrfRefused("the form's security token is missing or stale; reload the page")


def check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != _own_origin(request):
        raise CsrfRefused("the form was posted from another site")


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"
