"""Run one job: take its lock, record the run, call the service, record how it ended.

This is a job's boundary, as a request is an API call's: the service below it gets the
session factory and commits through `session_scope`; nothing below commits by itself.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import metrics
from app.settings import Settings
from app.store import job as job_store
from app.store.db import session_scope
from app.store.types import utcnow

log = logging.getLogger("edihub.jobs")
JobFunction = Callable[[sessionmaker[Session], Settings], dict]


def run_job(engine: Engine, sessions: sessionmaker[Session], settings: Settings, job_id: str,
            job: JobFunction) -> str:
    """'ok' | 'failed' | 'skipped' (another scheduler holds the job)."""
    outcome = _run(engine, sessions, settings, job_id, job)
    metrics.JOB_RUNS.labels(job_id, outcome).inc()
    return outcome


def _run(engine: Engine, sessions: sessionmaker[Session], settings: Settings, job_id: str,
         job: JobFunction) -> str:
    owner = f"{socket.gethostname()}:{id(job)}"
    ttl = timedelta(seconds=settings.job_lock_ttl_seconds)
    with job_store.job_lock(engine, job_id, owner, ttl) as held:
        if not held:
            log.info("job %s is running elsewhere; skipped", job_id)
            return "skipped"
        with session_scope(sessions) as session:
            run_id = job_store.start_run(session, job_id, socket.gethostname()).id
        try:
            detail = job(sessions, settings)
        except Exception as exc:  # recorded, logged, and the scheduler keeps going
            log.exception("job %s failed", job_id)
            with session_scope(sessions) as session:
                job_store.finish_run(session, run_id, outcome="failed",
                                     error=f"{type(exc).__name__}: {exc}"[:2000], detail=None,
                                     when=utcnow())
            return "failed"
        with session_scope(sessions) as session:
            job_store.finish_run(session, run_id, outcome="ok", error=None, detail=detail,
                                 when=utcnow())
        return "ok"
