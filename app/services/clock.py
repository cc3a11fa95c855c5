"""Today, in UTC: the one place the services read the date (tests freeze it)."""

from __future__ import annotations

from datetime import date

from app.store.types import utcnow


def today() -> date:
    return utcnow().date()
