"""Read the record of scheduled job runs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.services.paging import cursor_int, encode_cursor
from app.store import job as job_store
from schemas.api import JobRunRead, Page


def list_job_runs(session: Session, *, job_id: str | None, cursor: str | None,
                  limit: int) -> Page[JobRunRead]:
    before = cursor_int(cursor, "before_id")
    runs = job_store.list_runs(session, job_id=job_id, before_id=before, limit=limit + 1)
    page = runs[:limit]
    return Page[JobRunRead](
        items=[JobRunRead.model_validate(r) for r in page],
        next_cursor=encode_cursor({"before_id": page[-1].id}) if len(runs) > limit else None)
