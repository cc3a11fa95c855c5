"""What the watch jobs remember per subject, and the receipts the missing-feed watch learns
from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.models import Interchange, Message, StoredFile, WatchState

ACCEPTED = ("accepted", "accepted_with_errors")


def states_of(session: Session, watch: str) -> dict[str, WatchState]:
    """Subject -> the state the watch saw last."""
    return {s.subject: s for s in session.scalars(
        select(WatchState).where(WatchState.watch == watch))}


def set_state(session: Session, known: dict[str, WatchState], watch: str, subject: str,
              state: str, when: datetime) -> None:
    """Record a subject's new state (`known` is what `states_of` returned; kept up to date)."""
    row = known.get(subject)
    if row is None:
        row = WatchState(watch=watch, subject=subject, state=state, changed_at=when)
        session.add(row)
        known[subject] = row
    else:
        row.state, row.changed_at = state, when
    session.flush()


def report_receipts(session: Session, types: tuple[str, ...], per_feed: int
                    ) -> list[tuple[int, str, datetime]]:
    """(partner, message type, received at) of the latest `per_feed` accepted, non-test
    messages of `types` per partner x type, newest first."""
    ranked = (
        select(Interchange.partner_id.label("partner_id"), Message.type.label("type"),
               StoredFile.received_at.label("received_at"),
               func.row_number().over(
                   partition_by=(Interchange.partner_id, Message.type),
                   order_by=(StoredFile.received_at.desc(), Message.id.desc()),
               ).label("rank"))
        .join(Interchange, Interchange.id == Message.interchange_id)
        .join(StoredFile, StoredFile.id == Interchange.file_id)
        .where(Message.type.in_(types), Message.status.in_(ACCEPTED),
               Interchange.partner_id.is_not(None), Interchange.test.is_(False))
        .subquery())
    rows = session.execute(
        select(ranked.c.partner_id, ranked.c.type, ranked.c.received_at)
        .where(ranked.c.rank <= per_feed)
        .order_by(ranked.c.partner_id, ranked.c.type, ranked.c.received_at.desc()))
    return [(p, t, r) for p, t, r in rows]
