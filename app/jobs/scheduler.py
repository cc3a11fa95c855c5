"""The scheduler process: APScheduler 3, every job registered here explicitly.

Each job has an id, runs at most once at a time in this process (`max_instances=1`), skips
missed runs instead of piling them up (`coalesce=True`), and takes a database lock so several
scheduler processes never run the same job at once.
"""

from __future__ import annotations

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.jobs.runner import JobFunction, run_job
from app.services import customers
from app.services.clock import today
from app.services.feed_watch import watch_feeds
from app.services.inbox import scan_inbox
from app.services.outbound import sweep_acknowledgements
from app.services.promise_sweep import sweep_promises
from app.services.replenishment_watch import watch_replenishment
from app.services.webhooks import deliver_due
from app.settings import Settings
from app.store import partition
from app.store.db import session_scope
from app.store.types import utcnow


def inbox_job(sessions: sessionmaker[Session], settings: Settings) -> dict:
    return scan_inbox(sessions, settings, settings.inbox_settle_seconds).as_dict()


def customer_scores_job(sessions: sessionmaker[Session], settings: Settings) -> dict:
    with session_scope(sessions) as session:
        return customers.compute_scores(session, settings, today()).model_dump()


def follow_up_job(sessions: sessionmaker[Session], settings: Settings) -> dict:
    """Customers with no contact (document or case) for `followup_days` days."""
    with session_scope(sessions) as session:
        due = customers.follow_ups(session, today(), settings.followup_days)
    return {"days": settings.followup_days, "due": due}


def webhooks_job(sessions: sessionmaker[Session], settings: Settings) -> dict:
    """Post the webhook deliveries that are due; no transaction is open during a POST."""
    return deliver_due(sessions, settings)


def promise_sweep_job(sessions: sessionmaker[Session], settings: Settings) -> dict:
    """Order lines that turned at risk or late since the last sweep (alerts)."""
    with session_scope(sessions) as session:
        return sweep_promises(session, today(), utcnow())


def replenishment_watch_job(sessions: sessionmaker[Session], settings: Settings) -> dict:
    """Signals that turned reorder or critical since the last run (alerts)."""
    with session_scope(sessions) as session:
        return watch_replenishment(session, settings, today(), utcnow())


def feed_watch_job(sessions: sessionmaker[Session], settings: Settings) -> dict:
    """Sales-report feeds that stopped arriving on their usual rhythm (alerts)."""
    with session_scope(sessions) as session:
        return watch_feeds(session, utcnow())


def ack_watch_job(sessions: sessionmaker[Session], settings: Settings) -> dict:
    """Interchanges sent whose 997/999/CONTRL is past due become overdue (alerts)."""
    with session_scope(sessions) as session:
        return sweep_acknowledgements(session, utcnow())


def sales_partitions_job(sessions: sessionmaker[Session], settings: Settings) -> dict:
    """PostgreSQL: the monthly partitions of sales facts made ahead of need, and facts that
    landed in the DEFAULT partition moved into a partition of their month."""
    return partition.maintain_sales_partitions(sessions, today()).as_dict()


def jobs(settings: Settings) -> dict[str, tuple[JobFunction, IntervalTrigger]]:
    """Job id -> (function, trigger)."""
    return {
        "inbox": (inbox_job, IntervalTrigger(seconds=settings.inbox_interval_seconds)),
        "customer-scores": (customer_scores_job,
                            IntervalTrigger(hours=settings.customer_scores_interval_hours)),
        "follow-up": (follow_up_job, IntervalTrigger(hours=24)),
        "promise-sweep": (promise_sweep_job,
                          IntervalTrigger(minutes=settings.promise_sweep_interval_minutes)),
        "replenishment-watch": (replenishment_watch_job, IntervalTrigger(
            hours=settings.replenishment_watch_interval_hours)),
        "feed-watch": (feed_watch_job,
                       IntervalTrigger(hours=settings.feed_watch_interval_hours)),
        "ack-watch": (ack_watch_job,
                      IntervalTrigger(minutes=settings.ack_watch_interval_minutes)),
        "sales-partitions": (sales_partitions_job, IntervalTrigger(hours=6)),
        "webhooks": (webhooks_job, IntervalTrigger(seconds=settings.webhook_interval_seconds)),
    }


def build_scheduler(engine: Engine, sessions: sessionmaker[Session],
                    settings: Settings) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    for job_id, (function, trigger) in jobs(settings).items():
        scheduler.add_job(run_job, trigger, args=(engine, sessions, settings, job_id, function),
                          id=job_id, name=job_id, max_instances=1, coalesce=True,
                          replace_existing=True)
    return scheduler
