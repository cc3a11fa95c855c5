"""Is the service ready: does the database answer, and is its schema at the latest
migration?"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.store.migrate import current_revision, head_revision


def check_ready(sessions: sessionmaker[Session]) -> str | None:
    """None when ready, else what is wrong."""
    try:
        with sessions() as session:
            current = current_revision(session.connection())
    except SQLAlchemyError as exc:
        return f"database unreachable: {type(exc).__name__}"
    head = head_revision()
    if current != head:
        return f"database schema at {current}, migrations at {head}: run edihub migrate"
    return None
