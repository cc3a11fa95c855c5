"""The replenishment watch: every signal recomputed (all locations x products, page by page,
as `GET /v1/replenishment/signals` computes them), compared with the urgency the last run saw.

A signal that turns `reorder` raises a `replenishment_reorder` alert, one that turns
`critical` (days of cover below the lead time) a `replenishment_critical` alert, each once per
change (a signal moving between the two closes the other one's alert); a signal that turns
`ok` resolves both. `unknown` (no stock reported) changes no alert. The alert names the
partner that owns the location.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from app.security import Caller, Role
from app.services import alerts
from app.services.signals import list_signals
from app.settings import Settings
from app.store import partner as partner_store
from app.store import product as product_store
from app.store import watch as watch_store
from schemas.api import SignalRead

WATCH = "replenishment"
KINDS = {"reorder": "replenishment_reorder", "critical": "replenishment_critical"}
SEVERITIES = {"reorder": "warning", "critical": "critical"}
# The watch sees every signal, as ops does; it is no API caller (no partner, no key).
WATCHER = Caller(partner_id=0, partner_slug="replenishment-watch", role=Role.OPS, key_id=0)


def _raise(session: Session, signal: SignalRead, subject: str, previous: str | None) -> bool:
    location = partner_store.get_location_by_id(session, signal.location_id)
    product = product_store.get_by_id(session, signal.product_id)
    name = (product.gtin or product.description) if product else None
    alert = alerts.raise_alert(
        session, kind=KINDS[signal.urgency], subject=subject,
        partner_id=location.partner_id if location else None,
        severity=SEVERITIES[signal.urgency],
        title=f"{name or f'product {signal.product_id}'} at "
              f"{location.code if location else signal.location_id}: {signal.urgency}, "
              f"suggested {signal.suggested_qty or 0:g}",
        details={"product_id": signal.product_id, "gtin": product.gtin if product else None,
                 "location_id": signal.location_id,
                 "location_code": location.code if location else None,
                 "urgency": signal.urgency, "previous_urgency": previous,
                 "inventory_position": signal.inventory_position,
                 "reorder_point": signal.reorder_point,
                 "days_of_cover": signal.days_of_cover,
                 "lead_time_days": signal.lead_time_days,
                 "suggested_qty": signal.suggested_qty})
    return alert is not None


def watch_replenishment(session: Session, settings: Settings, today: date,
                        now: datetime) -> dict:
    """Recompute every signal as of `today`; alert when one turns reorder or critical, resolve
    when it turns ok. Returns counts."""
    known = watch_store.states_of(session, WATCH)
    counts = {"signals": 0, "reorder": 0, "critical": 0, "changed": 0, "raised": 0,
              "resolved": 0}
    signals = list_signals(session, WATCHER, settings, today=today, location_id=None,
                           product_id=None, urgency=None, include_test=False,
                           cursor=None, limit=None).items  # one pass over the facts
    for signal in signals:
        counts["signals"] += 1
        urgency = signal.urgency
        if urgency in KINDS:
            counts[urgency] += 1
        subject = f"signal:{signal.location_id}:{signal.product_id}"
        seen = known.get(subject)
        previous = seen.state if seen else None
        if previous == urgency:
            continue
        counts["changed"] += 1
        if urgency != "unknown":
            for other, kind in KINDS.items():
                if other != urgency:
                    counts["resolved"] += alerts.resolve_alerts(session, kind=kind,
                                                                subject=subject)
        if urgency in KINDS:
            counts["raised"] += _raise(session, signal, subject, previous)
        watch_store.set_state(session, known, WATCH, subject, urgency, now)
    return counts
