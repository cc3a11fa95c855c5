"""The four watch jobs, called directly, on a real store per backend (jobs commit): promise
sweep, replenishment watch, missing feeds, unanswered acknowledgements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app.jobs.runner import run_job
from app.jobs.scheduler import (
    ack_watch_job,
    build_scheduler,
    feed_watch_job,
    promise_sweep_job,
    replenishment_watch_job,
)
from app.services.ingest import Upload, ingest_upload
from app.services.outbound import record_sent
from app.services.partners import register_partner
from app.settings import Settings
from app.store.db import make_engine, make_session_factory, session_scope
from app.store.models import Alert, JobRun, OutboundInterchange, Partner

GOLDEN = Path(__file__).parents[2] / "samples" / "golden" / "x12"
ORDER = (GOLDEN / "850-northwind-original.edi").read_bytes()  # 3 lines, due 12-01 / 12-04
REPORT = (GOLDEN / "852-northwind-weekly-sdq.edi").read_bytes()  # ISA13 000002401


@pytest.fixture
def hub(fresh_store_url, tmp_path):
    settings = Settings(database_url=fresh_store_url, inbox_dir=tmp_path / "inbox")
    engine = make_engine(fresh_store_url)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        register_partner(session, name="Northwind", role="distributor",
                         identifiers=["ZZ:NORTHWIND", "GLN:0614141000012"], with_key=False)
        register_partner(session, name="Acme Foods", role="manufacturer",
                         identifiers=["ZZ:ACMEFOODS"], with_key=False)
    yield engine, sessions, settings
    engine.dispose()


def ingest(sessions, settings, content: bytes, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        ingest_upload(sessions, Upload(content=content, source="cli"), settings)


def alerts(sessions) -> list[tuple[str, str]]:
    with session_scope(sessions) as session:
        return [(a.kind, a.status) for a in session.scalars(select(Alert).order_by(Alert.id))]


def test_the_scheduler_registers_the_four_watches(hub):
    engine, sessions, settings = hub
    jobs = {job.id: job for job in build_scheduler(engine, sessions, settings).get_jobs()}
    watches = ("promise-sweep", "replenishment-watch", "feed-watch", "ack-watch")
    assert set(watches) <= set(jobs)
    assert all((jobs[w].max_instances, jobs[w].coalesce) == (1, True) for w in watches)
    assert jobs["ack-watch"].trigger.interval == timedelta(
        minutes=settings.ack_watch_interval_minutes)


def test_promise_sweep_job_flags_lines_that_passed_their_date_once(hub):
    engine, sessions, settings = hub
    ingest(sessions, settings, ORDER, datetime(2026, 11, 20, 9, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 25, 6, tzinfo=UTC), tick=False):
        early = promise_sweep_job(sessions, settings)
    assert (early["lines"], early["late"], early["raised"]) == (3, 0, 0)
    with time_machine.travel(datetime(2026, 12, 10, 6, tzinfo=UTC), tick=False):
        assert run_job(engine, sessions, settings, "promise-sweep", promise_sweep_job) == "ok"
        again = promise_sweep_job(sessions, settings)
    assert (again["late"], again["raised"]) == (3, 0)
    assert alerts(sessions) == [("promise_late", "open")] * 3
    with session_scope(sessions) as session:
        run = session.scalars(select(JobRun)).one()
        assert (run.job_id, run.detail["late"], run.detail["raised"]) == ("promise-sweep", 3, 3)


def test_replenishment_watch_job_alerts_each_signal_turning_once(hub):
    _, sessions, settings = hub
    ingest(sessions, settings, REPORT, datetime(2026, 11, 22, 6, tzinfo=UTC))
    # With a lead time longer than any stock lasts, every store with stock is critical; with
    # the default 7 days the same stock is plenty.
    slow = settings.model_copy(update={"replenishment_lead_time_days": 1000})
    with time_machine.travel(datetime(2026, 11, 23, 6, tzinfo=UTC), tick=False):
        first = replenishment_watch_job(sessions, slow)
        second = replenishment_watch_job(sessions, slow)
        relaxed = replenishment_watch_job(sessions, settings)
    assert first["critical"] > 0
    assert (first["raised"], first["reorder"]) == (first["critical"], 0)
    assert (second["raised"], second["changed"]) == (0, 0)
    assert (relaxed["critical"], relaxed["raised"], relaxed["resolved"]) == (
        0, 0, first["critical"])
    assert alerts(sessions) == [("replenishment_critical", "resolved")] * first["critical"]


def test_feed_watch_job_alerts_when_a_weekly_852_stops(hub):
    _, sessions, settings = hub
    first = datetime(2026, 11, 2, 6, tzinfo=UTC)
    for week in range(4):  # the same report, resent weekly under a new control number
        control = f"{2401 + week:09d}"
        ingest(sessions, settings, REPORT.replace(b"000002401", control.encode()),
               first + timedelta(days=7 * week))
    last = first + timedelta(days=21)
    with time_machine.travel(last + timedelta(days=8), tick=False):
        assert feed_watch_job(sessions, settings)["missing"] == 0
    with time_machine.travel(last + timedelta(days=10), tick=False):
        late = feed_watch_job(sessions, settings)
    assert (late["feeds"], late["missing"], late["raised"]) == (1, 1, 1)
    with session_scope(sessions) as session:
        alert = session.scalars(select(Alert)).one()
        northwind = session.scalars(select(Partner).where(Partner.name == "Northwind")).one()
        assert (alert.kind, alert.subject) == ("feed_missing", f"feed:{northwind.id}:852")


def test_ack_watch_job_marks_what_is_past_the_window_overdue(hub):
    _, sessions, settings = hub
    sent = datetime(2026, 12, 1, 12, tzinfo=UTC)
    with session_scope(sessions) as session:
        northwind = session.scalars(select(Partner).where(Partner.name == "Northwind")).one()
        northwind.ack_window_hours = 4
        record_sent(session, receiver=northwind, standard="x12", message_type="850",
                    document_number="VMI-1", sender_id="ZZ:ACMEFOODS",
                    receiver_id="ZZ:NORTHWIND", interchange_control=7, group_control=7,
                    content="ISA...", sent_at=sent)
    with time_machine.travel(sent + timedelta(hours=3), tick=False):
        assert ack_watch_job(sessions, settings) == {"overdue": 0, "raised": 0}
    with time_machine.travel(sent + timedelta(hours=5), tick=False):
        assert ack_watch_job(sessions, settings) == {"overdue": 1, "raised": 1}
        assert ack_watch_job(sessions, settings) == {"overdue": 0, "raised": 0}
    with session_scope(sessions) as session:
        assert session.scalars(select(OutboundInterchange.status)).all() == ["overdue"]
    assert alerts(sessions) == [("ack_overdue", "open")]
