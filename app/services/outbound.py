"""Interchanges the hub sends and the acknowledgements that answer them.

Every interchange the hub emits (the VMI 850/830/ORDERS/DELFOR of `vmi.py`) is recorded with
its control numbers and when its acknowledgement is due: sent + the receiving partner's
`ack_window_hours`. An inbound 997/999 is matched by the partner that sent it (the receiver
of the interchange it answers) and its AK1 group control number; a CONTRL by that partner and
its UCI interchange reference. A group or interchange accepted, accepted with errors or
partially accepted makes the record `accepted`, a rejected one `rejected`; a CONTRL that only
says the interchange was received (action 8) leaves it waiting. The acknowledgement watch
turns what is still `sent` past its due time `overdue` and raises an `ack_overdue` alert; an
acknowledgement arriving after that still settles the record and resolves the alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from adapters.common import is_digits
from app.services import alerts
from app.services.parties import FactContext
from app.store import outbound as outbound_store
from app.store.models import OutboundInterchange, Partner
from schemas.documents import FunctionalAckDoc

ACK_OVERDUE = "ack_overdue"


def _number(control: str | int | None) -> str | None:
    """Control numbers compare as numbers: `000000042` (ISA13) is `42` (GS06, UCI 0020)."""
    if control is None:
        return None
    text = str(control).strip()
    return str(int(text)) if is_digits(text) else text


def subject_of(record: OutboundInterchange) -> str:
    return f"outbound:{record.id}"


def record_sent(session: Session, *, receiver: Partner, standard: str, message_type: str,
                document_number: str | None, sender_id: str, receiver_id: str,
                interchange_control: int | str, group_control: int | str | None, content: str,
                sent_at: datetime) -> OutboundInterchange:
    """Remember an interchange the hub sent, due to be acknowledged within the receiving
    partner's window.

    A newer copy of the same kind of document from the same sender to the same partner
    supersedes the ones still waiting (`signals.edi` writes a fresh interchange on every
    fetch, and the caller passes on the newest): only that one is waited for, so fetching
    twice never leaves a copy to go overdue."""
    outbound_store.supersede_waiting(session, partner_id=receiver.id, standard=standard,
                                     type_=message_type, sender=sender_id)
    return outbound_store.add(session, OutboundInterchange(
        partner_id=receiver.id, standard=standard, type=message_type,
        document_number=document_number, sender=sender_id, receiver=receiver_id,
        interchange_control=_number(interchange_control), group_control=_number(group_control),
        content=content, sent_at=sent_at,
        due_at=sent_at + timedelta(hours=receiver.ack_window_hours), status="sent"))


def apply_functional_ack(session: Session, doc: FunctionalAckDoc,
                         ctx: FactContext) -> OutboundInterchange | None:
    """Settle the interchange an inbound 997/999/CONTRL answers; None when the hub has no
    record of sending it."""
    if doc.ack_type == "CONTRL":
        record = outbound_store.find_answered(
            session, partner_id=ctx.sender.id, standard="edifact",
            interchange_control=_number(doc.interchange_control))
    else:
        record = outbound_store.find_answered(
            session, partner_id=ctx.sender.id, standard="x12",
            group_control=_number(doc.group_control))
    if record is None:
        return None
    record.ack_status = doc.status
    record.ack_message_id = ctx.message_id
    if doc.status != "received":
        record.status = "rejected" if doc.status == "rejected" else "accepted"
        record.acknowledged_at = ctx.received_at
        alerts.resolve_alerts(session, kind=ACK_OVERDUE, subject=subject_of(record))
    session.flush()
    return record


def sweep_acknowledgements(session: Session, now: datetime) -> dict:
    """Mark interchanges whose acknowledgement is past due `overdue` and raise an alert each."""
    overdue = outbound_store.list_past_due(session, now)
    raised = 0
    for record in overdue:
        record.status = "overdue"
        hours = round((now - record.sent_at).total_seconds() / 3600, 1)
        alert = alerts.raise_alert(
            session, kind=ACK_OVERDUE, subject=subject_of(record),
            partner_id=record.partner_id, severity="warning",
            title=f"No acknowledgement of {record.type} {record.document_number or ''} "
                  f"(interchange {record.interchange_control}) after {hours} hours".replace(
                      "  ", " "),
            details={"outbound_id": record.id, "standard": record.standard,
                     "type": record.type, "document_number": record.document_number,
                     "receiver": record.receiver,
                     "interchange_control": record.interchange_control,
                     "group_control": record.group_control,
                     "sent_at": record.sent_at.isoformat(),
                     "due_at": record.due_at.isoformat()})
        raised += alert is not None
    session.flush()
    return {"overdue": len(overdue), "raised": raised}
