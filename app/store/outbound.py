"""Interchanges the hub sent, and the acknowledgements that answer them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.store.models import OutboundInterchange

WAITING = ("sent", "overdue")


def add(session: Session, record: OutboundInterchange) -> OutboundInterchange:
    session.add(record)
    session.flush()
    return record


def supersede_waiting(session: Session, *, partner_id: int, standard: str, type_: str,
                      sender: str) -> int:
    """Mark the still unanswered (`sent`) interchanges of this kind from `sender` to the
    partner `superseded`; how many."""
    result = session.execute(
        update(OutboundInterchange)
        .where(OutboundInterchange.partner_id == partner_id,
               OutboundInterchange.standard == standard, OutboundInterchange.type == type_,
               OutboundInterchange.sender == sender, OutboundInterchange.status == "sent")
        .values(status="superseded")
        .execution_options(synchronize_session=False))
    return result.rowcount


def find_answered(session: Session, *, partner_id: int, standard: str,
                  group_control: str | None = None,
                  interchange_control: str | None = None) -> OutboundInterchange | None:
    """The latest interchange sent to `partner_id` with that group (X12) or interchange
    (EDIFACT) control number."""
    query = select(OutboundInterchange).where(OutboundInterchange.partner_id == partner_id,
                                              OutboundInterchange.standard == standard)
    if group_control is not None:
        query = query.where(OutboundInterchange.group_control == group_control)
    if interchange_control is not None:
        query = query.where(OutboundInterchange.interchange_control == interchange_control)
    return session.scalar(query.order_by(OutboundInterchange.sent_at.desc(),
                                         OutboundInterchange.id.desc()).limit(1))


def list_past_due(session: Session, now: datetime) -> list[OutboundInterchange]:
    """Sent interchanges whose acknowledgement was due before `now` and has not come."""
    return list(session.scalars(
        select(OutboundInterchange)
        .where(OutboundInterchange.status == "sent", OutboundInterchange.due_at < now)
        .order_by(OutboundInterchange.due_at, OutboundInterchange.id)))

