"""997 / 999 functional acknowledgements and TA1 interchange acknowledgements.

Built from the issues the reader recorded (no second parse): interchange-scope issues give
TA105, group-scope issues AK905, transaction-scope issues AK502-AK506 / IK502-IK506,
segment-scope issues AK304 / IK304 and element-scope issues AK403 / IK403. The envelope
mirrors the inbound one: sender and receiver (with qualifiers) swapped, same ISA12 version,
same delimiters. Messages must have been retained (`edi.parse`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from edi.documents import PartyId
from edi.model import Delimiters, Group, Interchange, Issue, Message, Scope, Severity
from edi.x12.writer import format_segment, isa_segment

__all__ = ["needs_ta1", "write_functional_ack", "write_ta1"]

VERSION_999 = "005010X231A1"
_MAX_CODES = 5  # AK502-AK506 / AK905-AK909
_MAX_BAD_VALUE = 99  # AK404 / IK404

SegmentLike = list[str | list[str]]


def _delimiters(interchange: Interchange, version: str) -> Delimiters:
    d = interchange.delimiters or Delimiters(element="*", segment="~", component=">")
    if version >= "00501" and not d.repetition:
        used = {d.element, d.segment, d.component}
        rep = next(c for c in "^{}|!" if c not in used)
        d = Delimiters(element=d.element, segment=d.segment, component=d.component,
                       repetition=rep)
    return d


def _version(interchange: Interchange) -> str:
    v = interchange.envelope.version
    return v if len(v) == 5 and v.isdigit() else "00401"


def _isa(interchange: Interchange, control: int, created: datetime, d: Delimiters,
         version: str) -> str:
    env = interchange.envelope
    return isa_segment(
        sender=PartyId(env.receiver, env.receiver_qualifier),
        receiver=PartyId(env.sender, env.sender_qualifier),
        control=control, version=version, created=created, d=d, test=env.test,
    )


def _join(lines: list[str], d: Delimiters) -> str:
    return d.segment.join(lines) + d.segment


def _codes(issues: list[Issue], scope: Scope) -> list[str]:
    out: list[str] = []
    for issue in issues:
        if (issue.scope is scope and issue.severity is Severity.ERROR
                and issue.code not in out):
            out.append(issue.code)
    return out


def needs_ta1(interchange: Interchange) -> bool:
    """True when the sender asked for one (ISA14 = 1) or the interchange has an error."""
    return interchange.envelope.ack_requested or any(
        i.scope is Scope.INTERCHANGE and i.severity is Severity.ERROR
        for i in interchange.issues
    )


def write_ta1(interchange: Interchange, *, interchange_control: int,
              created: datetime) -> str:
    """ISA + TA1 + IEA (IEA01 = 0): TA104 A/E/R, TA105 the first interchange issue code."""
    version = _version(interchange)
    d = _delimiters(interchange, version)
    env = interchange.envelope
    issues = [i for i in interchange.issues if i.scope is Scope.INTERCHANGE]
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        status, note = "R", errors[0].code
    elif issues:
        status, note = "E", issues[0].code
    else:
        status, note = "A", "000"
    lines = [
        _isa(interchange, interchange_control, created, d, version),
        format_segment(["TA1", env.control_number, env.date, env.time, status, note], d),
        format_segment(["IEA", "0", f"{interchange_control:09d}"], d),
    ]
    return _join(lines, d)


def _bad_value(msg: Message, issue: Issue) -> str:
    loc = issue.location
    number = loc.segment_number
    if number is None or loc.element is None or not 0 < number <= len(msg.segments):
        return ""
    seg = msg.segments[number - 1]
    if seg.number != number:
        seg = next((s for s in msg.segments if s.number == number), seg)
    return seg.value(loc.element, loc.component or 1, loc.repetition or 1)[:_MAX_BAD_VALUE]


def _transaction(msg: Message, kind: str) -> tuple[list[SegmentLike], bool]:
    """AK2 ... AK5 (or the 999 IK segments) for one transaction set; True if accepted."""
    seg3, seg4, seg5 = ("IK3", "IK4", "IK5") if kind == "999" else ("AK3", "AK4", "AK5")
    st = msg.segments[0] if msg.segments and msg.segments[0].tag == "ST" else None
    ak2: list[str] = ["AK2", msg.type, msg.control_number]
    if kind == "999" and st is not None and st.value(3):
        ak2.append(st.value(3))
    out: list[SegmentLike] = [ak2]
    by_segment: dict[int, list[Issue]] = {}
    for issue in msg.issues:
        if issue.scope in (Scope.SEGMENT, Scope.ELEMENT) and issue.location.segment_number:
            by_segment.setdefault(issue.location.segment_number, []).append(issue)
    for number in sorted(by_segment):
        issues = by_segment[number]
        tag = issues[0].location.segment_tag or ""
        seg_codes = [i.code for i in issues if i.scope is Scope.SEGMENT]
        code = seg_codes[0] if seg_codes else "8"
        out.append([seg3, tag, str(number), "", code])
        for issue in issues:
            if issue.scope is not Scope.ELEMENT or issue.location.element is None:
                continue
            loc = issue.location
            position: list[str] = [str(loc.element)]
            if loc.component is not None or loc.repetition is not None:
                position.append(str(loc.component or ""))
            if loc.repetition is not None:
                position.append(str(loc.repetition))
            out.append([seg4, position, "", issue.code, _bad_value(msg, issue)])
    errors = [i for i in msg.issues if i.severity is Severity.ERROR]
    codes = _codes(msg.issues, Scope.TRANSACTION)
    if any(i.scope in (Scope.SEGMENT, Scope.ELEMENT) for i in errors) and "5" not in codes:
        codes.append("5")
    if errors:
        status = "R"
    elif msg.issues:
        status = "E"
    else:
        status = "A"
    out.append([seg5, status, *codes[:_MAX_CODES]])
    return out, status != "R"


def _group(group: Group, kind: str) -> list[SegmentLike]:
    genv = group.envelope
    ak1: SegmentLike = ["AK1", genv.functional_id, genv.control_number]
    if kind == "999":
        ak1.append(genv.version)
    body: list[SegmentLike] = [ak1]
    accepted = 0
    any_noted = False
    for msg in group.messages:
        segs, ok = _transaction(msg, kind)
        body.extend(segs)
        accepted += ok
        any_noted = any_noted or bool(msg.issues)
    received = len(group.messages)
    trailer = genv.trailer
    declared = trailer.value(1) if trailer is not None else ""
    included = int(declared) if declared.isdigit() else received
    codes = _codes(genv.issues, Scope.GROUP)
    if codes or (received and not accepted):
        status = "R"
    elif accepted < received:
        status = "P"
    elif any_noted or genv.issues:
        status = "E"
    else:
        status = "A"
    body.append(["AK9", status, str(included), str(received), str(accepted),
                 *codes[:_MAX_CODES]])
    return body


def write_functional_ack(
    interchange: Interchange,
    *,
    kind: Literal["997", "999"],
    interchange_control: int,
    group_control: int,
    created: datetime,
) -> str:
    """A 997 or 999 interchange acknowledging every functional group of `interchange`."""
    if kind not in ("997", "999"):
        raise ValueError(f"kind must be '997' or '999', not {kind!r}")
    version = _version(interchange)
    d = _delimiters(interchange, version)
    env = interchange.envelope
    groups = [g for g in interchange.groups if g.envelope.header is not None]
    first = groups[0].envelope if groups else None
    if kind == "999":
        gs08 = VERSION_999
    else:
        inbound = first.version[:6] if first is not None else ""
        gs08 = inbound if len(inbound) == 6 and inbound.isdigit() else "004010"
    lines = [
        _isa(interchange, interchange_control, created, d, version),
        format_segment(
            ["GS", "FA", (first.receiver if first else "") or env.receiver,
             (first.sender if first else "") or env.sender, created.strftime("%Y%m%d"),
             created.strftime("%H%M"), str(group_control), "X", gs08],
            d,
        ),
    ]
    for k, group in enumerate(groups, start=1):
        control = f"{k:04d}"
        st: SegmentLike = ["ST", kind, control]
        if kind == "999":
            st.append(VERSION_999)
        body = _group(group, kind)
        lines.append(format_segment(st, d))
        lines.extend(format_segment(seg, d) for seg in body)
        lines.append(format_segment(["SE", str(len(body) + 2), control], d))
    lines.append(format_segment(["GE", str(len(groups)), str(group_control)], d))
    lines.append(format_segment(["IEA", "1", f"{interchange_control:09d}"], d))
    return _join(lines, d)
