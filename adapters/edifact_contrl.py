"""EDIFACT CONTRL (syntax and service report) -> `FunctionalAckDoc`.

A partner's answer to an interchange the hub sent: UCI names it (0020 its UNB control
reference) with the action taken (0083) and, when rejected, the 0085 error code; UCF reports
functional groups and UCM each message (0062 its UNH reference, S009 its type, 0083, 0085).
Action codes: 7 acknowledged (lower levels too unless reported rejected), 4 rejected, 8
interchange received (acknowledgement or rejection to follow); the older 1 / 5 acknowledged,
2 acknowledged with errors reported, 3 some of the next level rejected, 6 rejected. A UCI 7
with a group or message reported rejected is partially accepted. UCS/UCD detail is not kept.
"""

from __future__ import annotations

from adapters.common import Mapped
from adapters.edifact_common import code_from, edifact_missing_segment, first, missing
from edi.model import Message, Segment
from schemas.documents import AcknowledgedMessageDoc, FunctionalAckDoc

UCI_0020_REFERENCE = 1
UCI_0083_ACTION = 4
UCI_0085_ERROR = 5
UCF_0083_ACTION = 4
UCM_0062_REFERENCE = 1
UCM_S009 = 2
UCM_0083_ACTION = 3
UCM_0085_ERROR = 4

ACTIONS = {"1": "accepted", "5": "accepted", "7": "accepted", "2": "accepted_with_errors",
           "3": "partially_accepted", "4": "rejected", "6": "rejected", "8": "received"}


def _action(seg: Segment, position: int) -> str:
    code = seg.value(position).strip()
    if not code:
        raise missing(seg, position, "action code (0083) is missing")
    return code_from(ACTIONS, seg, position, code, "action code (0083)")


def _codes(seg: Segment, position: int) -> tuple[str, ...]:
    code = seg.value(position).strip()
    return (code,) if code else ()


def map_message(message: Message) -> Mapped:
    uci = first(message, "UCI")
    if uci is None:
        raise edifact_missing_segment("UCI", message.segments[0],
                                      "UCI (interchange response) is missing")
    reference = uci.value(UCI_0020_REFERENCE).strip()
    if not reference:
        raise missing(uci, UCI_0020_REFERENCE, "interchange control reference is missing")
    status = _action(uci, UCI_0083_ACTION)
    lower_rejected = False
    messages: list[AcknowledgedMessageDoc] = []
    for seg in message.body():
        if seg.tag == "UCF":
            lower_rejected |= _action(seg, UCF_0083_ACTION) == "rejected"
        elif seg.tag == "UCM":
            control = seg.value(UCM_0062_REFERENCE).strip()
            if not control:
                raise missing(seg, UCM_0062_REFERENCE, "message reference number is missing")
            item = AcknowledgedMessageDoc(
                type=seg.value(UCM_S009, 1).strip() or None, control_number=control,
                status=_action(seg, UCM_0083_ACTION), codes=_codes(seg, UCM_0085_ERROR),
                segment_number=seg.number)
            lower_rejected |= item.status == "rejected"
            messages.append(item)
    if status == "accepted" and lower_rejected:
        status = "partially_accepted"
    return Mapped(documents=[FunctionalAckDoc(
        ack_type="CONTRL", interchange_control=reference, status=status,
        codes=_codes(uci, UCI_0085_ERROR), messages=tuple(messages),
        segment_number=uci.number)])
