"""Job runs and job locks.

A job runs on one scheduler at a time: PostgreSQL gives each job a session-level advisory
lock held on its own connection for the run (released by the server if the process dies);
SQLite has no such thing, so a row per job is taken by an atomic conditional update with an
expiry that covers a crashed holder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.orm import Session

from app.store.models import JobLock, JobRun
from app.store.types import utcnow


def _advisory_key(job_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"edihub:{job_id}".encode()).digest()[:8], "big",
                          signed=True)


@contextmanager
def job_lock(engine: Engine, job_id: str, owner: str, ttl: timedelta) -> Iterator[bool]:
    """Yields True when this process holds the job's lock for the duration of the block."""
    if engine.dialect.name == "postgresql":
        key = _advisory_key(job_id)
        # A connection of its own, outside the job's transactions, holds the session-level
        # lock for the run (its commits end only its own statements, never the job's work).
        with engine.connect() as conn:
            held = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}))
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        return
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(insert(JobLock).prefix_with("OR IGNORE").values(job_id=job_id))
        taken = conn.execute(
            update(JobLock)
            .where(JobLock.job_id == job_id,
                   (JobLock.locked_until.is_(None)) | (JobLock.locked_until < now))
            .values(owner=owner, locked_until=now + ttl)
        ).rowcount == 1
    try:
        yield taken
    finally:
        if taken:
            with engine.begin() as conn:
                conn.execute(update(JobLock).where(JobLock.job_id == job_id,
                                                   JobLock.owner == owner)
                             .values(owner=None, locked_until=None))


def start_run(session: Session, job_id: str, host: str) -> JobRun:
    run = JobRun(job_id=job_id, started_at=utcnow(), outcome="running", host=host)
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run_id: int, *, outcome: str, error: str | None,
               detail: dict | None, when: datetime) -> None:
    session.execute(update(JobRun).where(JobRun.id == run_id).values(
        outcome=outcome, error=error, detail=detail, finished_at=when))


def list_runs(session: Session, *, job_id: str | None, before_id: int | None,
              limit: int) -> list[JobRun]:
    query = select(JobRun)
    if job_id:
        query = query.where(JobRun.job_id == job_id)
    if before_id is not None:
        query = query.where(JobRun.id < before_id)
    return list(session.scalars(query.order_by(JobRun.id.desc()).limit(limit)))
