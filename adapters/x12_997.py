"""X12 997 Functional Acknowledgment and 999 Implementation Acknowledgment (004010, 005010)
-> `FunctionalAckDoc`.

A partner's answer to a functional group the hub sent: AK1 names the group (AK101 functional
id, AK102 its GS06 control number); each AK2 loop one transaction set (AK201 type, AK202 its
ST02 control number) closed by AK5 (997) or IK5 (999) with the set's status and up to five
codes; AK9 the group's status (A accepted, E accepted with errors, P partially accepted, R /
M / W / X rejected) and up to five codes. AK3/AK4 and IK3/IK4 segment and element notes are
the partner's detail and are not kept.
"""

from __future__ import annotations

from adapters.common import (
    X12_INVALID_CODE_VALUE,
    Mapped,
    element_error,
    missing_segment,
    required,
)
from adapters.x12_common import beginning, first
from edi.model import Message, Segment
from schemas.documents import AcknowledgedMessageDoc, FunctionalAckDoc

AK101_FUNCTIONAL_ID = 1
AK102_GROUP_CONTROL = 2
AK201_SET_TYPE = 1
AK202_SET_CONTROL = 2
AK501_STATUS = 1  # IK501 too
AK502_FIRST_CODE = 2
AK506_LAST_CODE = 6
AK901_STATUS = 1
AK905_FIRST_CODE = 5
AK909_LAST_CODE = 9

# AK501 / IK501 (717) and AK901 (715) acknowledgment codes.
SET_STATUSES = {"A": "accepted", "E": "accepted_with_errors", "M": "rejected",
                "R": "rejected", "W": "rejected", "X": "rejected"}
GROUP_STATUSES = {**SET_STATUSES, "P": "partially_accepted"}


def _codes(seg: Segment, first_position: int, last_position: int) -> tuple[str, ...]:
    return tuple(code for position in range(first_position, last_position + 1)
                 if (code := seg.value(position).strip()))


def _status(seg: Segment, position: int, table: dict[str, str]) -> str:
    code = required(seg, position, "acknowledgment code")
    status = table.get(code)
    if status is None:
        raise element_error(seg, position, X12_INVALID_CODE_VALUE,
                            f"acknowledgment code {code!r} is not one of {sorted(table)}")
    return status


def map_message(message: Message) -> Mapped:
    ak1 = beginning(message, "AK1", "functional group response header")
    closing = "IK5" if message.type == "999" else "AK5"
    sets: list[AcknowledgedMessageDoc] = []
    current: Segment | None = None
    for seg in message.body():
        if seg.tag == "AK2":
            if current is not None:
                raise missing_segment(closing, current, f"{closing} closing the AK2 of set "
                                      f"{current.value(AK202_SET_CONTROL)} is missing")
            current = seg
        elif seg.tag == closing and current is not None:
            sets.append(AcknowledgedMessageDoc(
                type=current.value(AK201_SET_TYPE).strip() or None,
                control_number=required(current, AK202_SET_CONTROL,
                                        "transaction set control number"),
                status=_status(seg, AK501_STATUS, SET_STATUSES),
                codes=_codes(seg, AK502_FIRST_CODE, AK506_LAST_CODE),
                segment_number=current.number))
            current = None
    if current is not None:
        raise missing_segment(closing, current, f"{closing} closing the AK2 of set "
                              f"{current.value(AK202_SET_CONTROL)} is missing")
    ak9 = first(message.body(), "AK9")
    if ak9 is None:
        raise missing_segment("AK9", message.segments[-1],
                              "AK9 (functional group response trailer) is missing")
    return Mapped(documents=[FunctionalAckDoc(
        ack_type="999" if message.type == "999" else "997",
        functional_id=ak1.value(AK101_FUNCTIONAL_ID).strip() or None,
        group_control=required(ak1, AK102_GROUP_CONTROL, "group control number"),
        status=_status(ak9, AK901_STATUS, GROUP_STATUSES),
        codes=_codes(ak9, AK905_FIRST_CODE, AK909_LAST_CODE),
        messages=tuple(sets), segment_number=ak1.number)])
