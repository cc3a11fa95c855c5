"""The scheduler's jobs, called directly, on a real store per backend (jobs commit)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app.jobs.runner import run_job
from app.jobs.scheduler import (
    build_scheduler,
    customer_scores_job,
    follow_up_job,
    inbox_job,
    sales_partitions_job,
)
from app.services.partners import register_partner
from app.settings import Settings
from app.store import interchange as ic_store
from app.store import job as job_store
from app.store import partition
from app.store.db import make_engine, make_session_factory, session_scope
from app.store.models import CustomerScore, JobRun, Order, StoredFile

SAMPLE = Path(__file__).parents[2] / "samples" / "golden" / "x12" / "850-northwind-original.edi"


@pytest.fixture
def hub(fresh_store_url, tmp_path):
    settings = Settings(database_url=fresh_store_url, inbox_dir=tmp_path / "inbox",
                        inbox_settle_seconds=2)
    engine = make_engine(fresh_store_url)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        register_partner(session, name="Northwind", role="distributor",
                         identifiers=["ZZ:NORTHWIND"], with_key=False)
    yield engine, sessions, settings
    engine.dispose()


def drop(settings: Settings, folder: str, name: str, content: bytes, age: float = 60) -> Path:
    path = Path(settings.inbox_dir) / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def test_inbox_ingests_like_an_upload_and_archives_with_the_reason(hub):
    _, sessions, settings = hub
    drop(settings, "northwind", "po.edi", SAMPLE.read_bytes())
    report = inbox_job(sessions, settings)
    assert report == {"ingested": ["northwind/po.edi"], "failed": [], "waiting": []}
    archived = list((Path(settings.inbox_dir) / "northwind" / "archive").iterdir())
    assert sorted(p.name.split("-", 1)[1] for p in archived) == ["po.edi", "po.edi.reason.txt"]
    reason = next(p for p in archived if p.name.endswith(".reason.txt")).read_text()
    assert "processed" in reason
    with session_scope(sessions) as session:
        assert session.scalar(select(Order.po_number)) == "PO-4500012345"
        assert session.scalar(select(StoredFile.source)) == "inbox"


def test_a_file_still_being_written_waits_for_the_next_run(hub):
    _, sessions, settings = hub
    path = drop(settings, "northwind", "po.edi", SAMPLE.read_bytes(), age=0)
    assert inbox_job(sessions, settings)["waiting"] == ["northwind/po.edi"]
    assert path.exists()


def test_bad_files_and_unknown_folders_go_to_error_with_the_reason(hub):
    _, sessions, settings = hub
    drop(settings, "northwind", "junk.txt", b"hello, not EDI")
    drop(settings, "nobody", "po.edi", SAMPLE.read_bytes())
    report = inbox_job(sessions, settings)
    assert sorted(report["failed"]) == ["nobody/po.edi", "northwind/junk.txt"]
    reasons = {p.parent.parent.name: p.read_text() for p in
               Path(settings.inbox_dir).glob("*/error/*.reason.txt")}
    assert "failed" in reasons["northwind"] and "not EDI" in reasons["northwind"]
    assert "slug" in reasons["nobody"]
    with session_scope(sessions) as session:  # the bad bytes are kept all the same
        stored = session.scalars(select(StoredFile)).one()
        assert ic_store.open_content(session, stored).read() == b"hello, not EDI"


def test_a_job_held_elsewhere_is_skipped_and_not_run_twice(hub):
    engine, sessions, settings = hub
    calls = []

    def job(sessions_, settings_):
        calls.append(1)
        return {"done": True}

    with job_store.job_lock(engine, "demo", "other-scheduler", timedelta(minutes=5)) as held:
        assert held
        assert run_job(engine, sessions, settings, "demo", job) == "skipped"
    assert run_job(engine, sessions, settings, "demo", job) == "ok"
    assert calls == [1]
    with session_scope(sessions) as session:
        [run] = session.scalars(select(JobRun)).all()
        assert (run.job_id, run.outcome, run.detail) == ("demo", "ok", {"done": True})
        assert run.finished_at >= run.started_at


def test_a_failing_job_is_recorded_with_its_error(hub):
    engine, sessions, settings = hub

    def job(sessions_, settings_):
        raise RuntimeError("disk full")

    assert run_job(engine, sessions, settings, "demo", job) == "failed"
    with session_scope(sessions) as session:
        run = session.scalars(select(JobRun)).one()
        assert (run.outcome, run.error) == ("failed", "RuntimeError: disk full")
    assert run_job(engine, sessions, settings, "demo", lambda s, t: {}) == "ok"  # lock freed


def test_scheduler_registers_each_job_once_with_its_id(hub):
    engine, sessions, settings = hub
    scheduler = build_scheduler(engine, sessions, settings)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"customer-scores", "follow-up", "inbox", "webhooks"} <= set(jobs)
    assert all((j.max_instances, j.coalesce) == (1, True) for j in jobs.values())


def test_customer_jobs_score_and_list_follow_ups(hub):
    engine, sessions, settings = hub
    drop(settings, "northwind", "po.edi", SAMPLE.read_bytes())
    inbox_job(sessions, settings)
    assert run_job(engine, sessions, settings, "customer-scores",
                   customer_scores_job) == "ok"
    with session_scope(sessions) as session:
        [score] = session.scalars(select(CustomerScore)).all()
        assert score.tier in ("bronze", "prospect")
    # the 850 is dated 2026-11-20; far enough after it, Northwind is due a follow-up
    with time_machine.travel(datetime(2027, 6, 1, tzinfo=UTC), tick=False):
        due = follow_up_job(sessions, settings)["due"]
    assert [d["customer_id"] for d in due] == [score.partner_id]


def test_an_empty_file_goes_to_error_with_the_reason(hub):
    _, sessions, settings = hub
    drop(settings, "northwind", "blank.edi", b"  \n")
    assert inbox_job(sessions, settings)["failed"] == ["northwind/blank.edi"]
    [reason] = Path(settings.inbox_dir).glob("northwind/error/*.reason.txt")
    assert "empty" in reason.read_text()


def test_sales_partitions_job_makes_the_coming_months_partitions(hub):
    engine, sessions, settings = hub
    with time_machine.travel(datetime(2031, 6, 15, tzinfo=UTC), tick=False):
        assert run_job(engine, sessions, settings, "sales-partitions",
                       sales_partitions_job) == "ok"
        again = sales_partitions_job(sessions, settings)
    with session_scope(sessions) as session:
        run = session.scalars(select(JobRun).where(JobRun.job_id == "sales-partitions")).one()
        if engine.dialect.name != "postgresql":  # SQLite keeps one table
            assert run.detail == {"created": [], "moved": 0, "waiting": []}
            return
        runway = partition.runway(datetime(2031, 6, 15).date())
        assert run.detail["created"] == [m.isoformat() for m in runway]
        assert set(runway) <= partition.partition_months(session.connection())
    assert again == {"created": [], "moved": 0, "waiting": []}  # nothing left to make
