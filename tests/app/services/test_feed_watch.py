"""The missing-feed watch: the cadence is learned from the receive days of a partner's
accepted sales reports; a weekly feed silent for more than 9 days alerts once, and the next
report resolves the alert."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.services.feed_watch import learn_feeds, watch_feeds
from app.store.models import Alert, Interchange, Message, StoredFile

_numbers = itertools.count(1)
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def received(session, partner, when: datetime, *, kind: str = "852", messages: int = 1,
             status: str = "accepted", test: bool = False) -> None:
    """A file received at `when` holding `messages` sales reports from `partner`."""
    n = next(_numbers)
    file = StoredFile(sha256=f"{n:064x}", size=1, source="upload",
                      received_at=when, status="processed")
    session.add(file)
    session.flush()
    interchange = Interchange(file_id=file.id, position=1, standard="x12", sender="S",
                              receiver="R", control_number=f"feed-{n}", status="accepted",
                              partner_id=partner.id, test=test)
    session.add(interchange)
    session.flush()
    session.add_all(Message(interchange_id=interchange.id, position=i, type=kind,
                            control_number=str(i), status=status)
                    for i in range(1, messages + 1))
    session.flush()


def weekly(session, partner, weeks: int, **kw) -> None:
    for week in range(weeks):
        received(session, partner, MONDAY + timedelta(days=7 * week), **kw)


def alerts(session) -> list[tuple[str, str, str]]:
    return [(a.kind, a.subject, a.status)
            for a in session.scalars(select(Alert).order_by(Alert.id))]


def test_a_weekly_feed_alerts_after_nine_days_and_resolves_when_a_report_arrives(
        session, northwind):
    weekly(session, northwind, 4, messages=2)  # two stores a week, received together
    [feed] = learn_feeds(session)
    assert (feed.type, feed.reports, feed.cadence, feed.allowed) == (
        "852", 4, timedelta(days=7), timedelta(days=9))
    last = MONDAY + timedelta(days=21)
    quiet = watch_feeds(session, last + timedelta(days=9))  # exactly 9 days: not yet
    assert (quiet["missing"], quiet["raised"]) == (0, 0)

    missing = watch_feeds(session, last + timedelta(days=9, hours=1))
    assert (missing["missing"], missing["raised"]) == (1, 1)
    subject = f"feed:{northwind.id}:852"
    assert alerts(session) == [("feed_missing", subject, "open")]
    alert = session.scalars(select(Alert)).one()
    assert (alert.partner_id, alert.details["cadence_days"], alert.details["allowed_days"]) == (
        northwind.id, 7, 9)
    assert watch_feeds(session, last + timedelta(days=12))["raised"] == 0  # once

    received(session, northwind, last + timedelta(days=13))
    back = watch_feeds(session, last + timedelta(days=13, hours=2))
    assert (back["missing"], back["resolved"]) == (0, 1)
    assert alerts(session) == [("feed_missing", subject, "resolved")]


def test_fewer_than_three_reports_teach_no_cadence_and_never_alert(session, northwind):
    weekly(session, northwind, 2)
    [feed] = learn_feeds(session)
    assert (feed.reports, feed.cadence) == (2, None)
    counts = watch_feeds(session, MONDAY + timedelta(days=200))
    assert (counts["learning"], counts["missing"], counts["raised"]) == (1, 0, 0)


def test_each_report_type_is_its_own_feed_and_rejected_or_test_reports_do_not_count(
        session, northwind, acme):
    weekly(session, northwind, 4)
    weekly(session, northwind, 4, kind="SLSRPT")
    received(session, northwind, MONDAY + timedelta(days=30), kind="SLSRPT",
             status="rejected")
    received(session, northwind, MONDAY + timedelta(days=30), test=True)
    weekly(session, acme, 4, kind="850")  # not a sales report
    feeds = {(f.partner_id, f.type): f for f in learn_feeds(session)}
    assert sorted(feeds) == [(northwind.id, "852"), (northwind.id, "SLSRPT")]
    assert {f.last for f in feeds.values()} == {MONDAY + timedelta(days=21)}
    counts = watch_feeds(session, MONDAY + timedelta(days=31))
    assert (counts["feeds"], counts["raised"]) == (2, 2)


def test_a_monthly_feed_gets_a_quarter_of_its_cadence_as_grace(session, northwind):
    for month in range(4):
        received(session, northwind, MONDAY + timedelta(days=30 * month))
    [feed] = learn_feeds(session)
    assert (feed.cadence, feed.allowed) == (timedelta(days=30), timedelta(days=37.5))
