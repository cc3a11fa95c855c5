"""The promise sweep: every order line's delivery status as of today, compared with the status
the last sweep saw, so lines that slip are flagged as time passes, not only when a document
arrives.

A line that turns `at_risk` (no ship notice within the transit days of its promised delivery,
or an ETA after it) raises a `promise_at_risk` alert, one that turns `late` (promised, else
requested, delivery passed without a shipment) a `promise_late` alert, each once per change;
a line that leaves either status (shipped, delivered, re-promised, cancelled) resolves its
alert. The alert names the seller of the order (else its buyer). Test orders are not swept.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from app.services import alerts
from app.services.promises import ThreadedLine, thread_lines
from app.store import order as order_store
from app.store import watch as watch_store

WATCH = "promise"
# status -> (alert kind, severity)
FLAGGED = {"at_risk": ("promise_at_risk", "warning"), "late": ("promise_late", "critical")}
TITLES = {"at_risk": "is at risk", "late": "is late"}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _raise(session: Session, t: ThreadedLine, subject: str) -> bool:
    status = t.status
    kind, severity = FLAGGED[status.status]
    alert = alerts.raise_alert(
        session, kind=kind, subject=subject,
        partner_id=t.order.seller_id or t.order.buyer_id, severity=severity,
        title=f"PO {t.order.po_number} line {t.line.line_number} {TITLES[status.status]}",
        details={"order_id": t.order.id, "po_number": t.order.po_number,
                 "line_id": t.line.id, "line_number": t.line.line_number,
                 "buyer_id": t.order.buyer_id, "seller_id": t.order.seller_id,
                 "status": status.status,
                 "requested_delivery": _iso(t.line.requested_delivery),
                 "promised_delivery": _iso(status.promised_delivery),
                 "expected_delivery": _iso(status.expected_delivery),
                 "delay_days": status.delay_days, "reasons": list(status.reasons)})
    return alert is not None


def sweep_promises(session: Session, today: date, now: datetime) -> dict:
    """Compute every line's status as of `today`; alert on changes into at_risk / late and
    resolve the alerts of lines that left them. Returns counts."""
    rows = order_store.list_lines(session, viewer_id=None, partner_id=None,
                                  include_test=False)
    known = watch_store.states_of(session, WATCH)
    counts = {"lines": len(rows), "at_risk": 0, "late": 0, "changed": 0, "raised": 0,
              "resolved": 0}
    for t in thread_lines(session, rows, today):
        status = t.status.status
        if status in FLAGGED:
            counts[status] += 1
        subject = f"order_line:{t.line.id}"
        seen = known.get(subject)
        previous = seen.state if seen else None
        if previous == status:
            continue
        counts["changed"] += 1
        if previous in FLAGGED:
            counts["resolved"] += alerts.resolve_alerts(session, kind=FLAGGED[previous][0],
                                                        subject=subject)
        if status in FLAGGED:
            counts["raised"] += _raise(session, t, subject)
        watch_store.set_state(session, known, WATCH, subject, status, now)
    return counts
