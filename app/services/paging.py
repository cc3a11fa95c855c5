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
