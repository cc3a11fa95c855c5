"""Build and store the acknowledgement the standard asks for, from the issues already found
(no second parse): X12 997 (004010) or 999 (005010) per group and TA1 when asked for or
rejected; EDIFACT CONTRL. Acknowledgements are never acknowledged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

import edi
from app.store import interchange as ic_store
from app.store.models import Acknowledgement, Interchange
from edi.edifact.contrl import write_contrl
from edi.x12.ack import needs_ta1, write_functional_ack, write_ta1

ACK_TYPES = {"997", "999", "TA1", "CONTRL"}


def acknowledge(session: Session, file_id: int, row: Interchange,
                interchange: edi.Interchange, now: datetime) -> list[Acknowledgement]:
    messages = interchange.messages
    if messages and all(m.type in ACK_TYPES for m in messages):
        return []
    partner_key = f"{row.standard}:{row.sender_qualifier or ''}:{row.sender}"
    status = {"accepted": "accepted", "partially_accepted": "accepted_with_errors"}.get(
        row.status, "rejected")
    written: list[tuple[str, str, int]] = []
    if interchange.standard is edi.Standard.X12:
        if needs_ta1(interchange):
            control = ic_store.next_control_number(session, partner_key, "interchange")
            written.append(("TA1", write_ta1(interchange, interchange_control=control,
                                             created=now), control))
        envelope_rejected = any(i.severity is edi.Severity.ERROR
                                for i in interchange.envelope.issues)
        if interchange.groups and not envelope_rejected:
            versions = [g.envelope.version for g in interchange.groups]
            kind = "999" if any(v.startswith("005010") for v in versions) else "997"
            control = ic_store.next_control_number(session, partner_key, "interchange")
            group_control = ic_store.next_control_number(session, partner_key, "group")
            written.append((kind, write_functional_ack(
                interchange, kind=kind, interchange_control=control,
                group_control=group_control, created=now), control))
    elif interchange.standard is edi.Standard.EDIFACT:
        control = ic_store.next_control_number(session, partner_key, "interchange")
        written.append(("CONTRL", write_contrl(interchange, control_reference=control,
                                               created=now), control))
    acks = [
        Acknowledgement(file_id=file_id, interchange_id=row.id, partner_id=row.partner_id,
                        direction="outbound", kind=kind, control_number=str(control),
                        content=content, status=status)
        for kind, content, control in written
    ]
    session.add_all(acks)
    session.flush()
    return acks
