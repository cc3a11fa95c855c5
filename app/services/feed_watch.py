"""The missing-feed watch: partners that send sales reports on a rhythm, and have stopped.

Per partner x sales-report type (X12 852, EDIFACT SLSRPT) the cadence is learned from the days
its accepted, non-test reports were received: the median gap between the last `REPORTS`
distinct receive days, once there are at least `MIN_REPORTS` of them. A feed is missing when
the time since its last report exceeds cadence + grace, grace = max(2 days, 25% of the
cadence): a weekly feed (cadence 7 days) is missing after 9 days, a daily one after 3, a
monthly one (30 days) after 37.5. A feed turning missing raises a `feed_missing` alert (once);
the next report (the feed is no longer late) resolves it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from statistics import median

from sqlalchemy.orm import Session

from app.services import alerts
from app.store import partner as partner_store
from app.store import watch as watch_store

WATCH = "feed"
KIND = "feed_missing"
REPORT_TYPES = {"852": "X12 852", "SLSRPT": "EDIFACT SLSRPT"}
REPORTS = 8
MIN_REPORTS = 3
MIN_GRACE = timedelta(days=2)
GRACE_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Feed:
    partner_id: int
    type: str
    last: datetime
    reports: int
    cadence: timedelta | None  # None: fewer than MIN_REPORTS report days

    @property
    def allowed(self) -> timedelta | None:
        """How long after the last report the feed counts as missing."""
        if self.cadence is None:
            return None
        return self.cadence + max(MIN_GRACE, self.cadence * GRACE_SHARE)

    def missing(self, now: datetime) -> bool:
        allowed = self.allowed
        return allowed is not None and now - self.last > allowed


def learn_feeds(session: Session) -> list[Feed]:
    """Every partner x report type with its last report and learned cadence."""
    receipts: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    # Several messages (one per store) often arrive together: read enough to find REPORTS days.
    for partner_id, kind, received in watch_store.report_receipts(
            session, tuple(REPORT_TYPES), per_feed=REPORTS * 20):
        receipts[(partner_id, kind)].append(received)
    feeds = []
    for (partner_id, kind), times in sorted(receipts.items()):
        days: list[date] = sorted({t.date() for t in times}, reverse=True)[:REPORTS]
        cadence = None
        if len(days) >= MIN_REPORTS:
            cadence = timedelta(days=median(
                (newer - older).days for newer, older in pairwise(days)))
        feeds.append(Feed(partner_id, kind, max(times), len(days), cadence))
    return feeds


def watch_feeds(session: Session, now: datetime) -> dict:
    """Alert on feeds that turned missing, resolve those that came back. Returns counts."""
    known = watch_store.states_of(session, WATCH)
    counts = {"feeds": 0, "learning": 0, "missing": 0, "raised": 0, "resolved": 0}
    for feed in learn_feeds(session):
        counts["feeds"] += 1
        if feed.cadence is None:
            counts["learning"] += 1
        state = "missing" if feed.missing(now) else "ok"
        counts["missing"] += state == "missing"
        subject = f"feed:{feed.partner_id}:{feed.type}"
        seen = known.get(subject)
        if seen is not None and seen.state == state:
            continue
        if state == "missing":
            counts["raised"] += _raise(session, feed, subject, now)
        elif seen is not None:
            counts["resolved"] += alerts.resolve_alerts(session, kind=KIND, subject=subject)
        watch_store.set_state(session, known, WATCH, subject, state, now)
    return counts


def _raise(session: Session, feed: Feed, subject: str, now: datetime) -> bool:
    partner = partner_store.get_by_id(session, feed.partner_id)
    silent = (now - feed.last).total_seconds() / 86400
    cadence = feed.cadence.total_seconds() / 86400 if feed.cadence else None
    alert = alerts.raise_alert(
        session, kind=KIND, subject=subject, partner_id=feed.partner_id, severity="warning",
        title=f"{partner.name if partner else feed.partner_id}: no {REPORT_TYPES[feed.type]} "
              f"sales report for {silent:.1f} days (usually every {cadence:g} days)",
        details={"partner_id": feed.partner_id, "message_type": feed.type,
                 "last_received_at": feed.last.isoformat(), "days_silent": round(silent, 2),
                 "cadence_days": cadence, "reports_learned_from": feed.reports,
                 "allowed_days": feed.allowed.total_seconds() / 86400})
    return alert is not None
