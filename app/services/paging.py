"""Opaque cursors for list endpoints: base64 of a small JSON position."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from app.errors import InvalidParameter


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidParameter("the cursor is not one this API handed out",
                               location={"parameter": "cursor"}) from exc
    if not isinstance(position, dict):
        raise InvalidParameter("the cursor is not one this API handed out",
                               location={"parameter": "cursor"})
    return position


def _bad_cursor() -> InvalidParameter:
    return InvalidParameter("the cursor is not one this API handed out",
                            location={"parameter": "cursor"})


def cursor_int(cursor: str | None, key: str, default: int | None = None) -> int | None:
    """An integer field of a cursor (an offset, the last id), checked."""
    value = decode_cursor(cursor).get(key, default)
    if value is None or value == default:
        return value
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise _bad_cursor()
    return value


def cursor_pair(cursor: str | None, key: str) -> tuple[int, int] | None:
    """A (product, location)-like pair of ids from a cursor, checked."""
    value = decode_cursor(cursor).get(key)
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**63
                    for v in value)):
        raise _bad_cursor()
    return value[0], value[1]
