"""CONTRL (syntax and service report) for an inbound EDIFACT interchange.

The reply mirrors the inbound envelope: UNB sender and recipient swapped, the same syntax
identifier and version. The report level follows the issues the reader attached:

* UCI: inbound 0020, S002, S003, action 0083 (7 acknowledged, 4 rejected, 8 received only),
  and for interchange-level errors the 0085 code, the service segment tag and the element.
* UCF per explicit functional group (UNG..UNE), with the same action/code rule.
* UCM per message: 0062, S009, action, and for UNH/UNT errors the code, tag and element;
  followed by UCS (segment position, 0085) and UCD (0085, element:component) for segment- and
  element-level issues.
"""

from __future__ import annotations

from datetime import datetime

from edi.edifact.syntax import DEFAULT_UNA, Element, delimiters_from_una, segment_text, una_string
from edi.model import Group, Interchange, Issue, Message, Scope, Severity

ACKNOWLEDGED = "7"
REJECTED = "4"
RECEIVED = "8"


def _errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity is Severity.ERROR]


def _position(issue: Issue) -> list[str]:
    loc = issue.location
    if loc.element is None:
        return []
    return [str(loc.element), str(loc.component) if loc.component else ""]


def _level(issues: list[Issue]) -> list[Element]:
    """Action, code, tag and element position for a UCI/UCF/UCM from its own issues."""
    errors = _errors(issues)
    if not errors:
        return [ACKNOWLEDGED]
    first = errors[0]
    out: list[Element] = [REJECTED, first.code]
    if first.location.segment_tag:
        out.append(first.location.segment_tag)
        position = _position(first)
        if position:
            out.append(position)
    return out


def _message_version(msg: Message) -> list[str]:
    return [msg.type, *msg.version.split(":")] if msg.version else [msg.type]


def write_contrl(
    interchange: Interchange,
    *,
    control_reference: int,
    created: datetime,
    received_only: bool = False,
) -> str:
    """A CONTRL interchange answering `interchange`.

    With `received_only` the UCI says 8 (interchange received) and no lower level is reported.
    The interchange must have been read with its messages (`edi.parse`, retain=True); encode the
    text with the inbound character set (`interchange.envelope.extra["charset"]`).
    """
    env = interchange.envelope
    syntax_id, _, syntax_version = env.version.partition(":")
    syntax_id = syntax_id or "UNOC"
    syntax_version = syntax_version or "3"
    d = delimiters_from_una(DEFAULT_UNA, syntax_version)
    date_text = created.strftime("%Y%m%d" if syntax_version >= "4" else "%y%m%d")
    ref = str(control_reference)
    message_version = ["4", "1", "UN"] if syntax_version >= "4" else ["D", "3", "UN"]

    body: list[str] = []

    def add(tag: str, *elements: Element) -> None:
        body.append(segment_text(tag, list(elements), d))

    sender = [env.sender, env.sender_qualifier]
    receiver = [env.receiver, env.receiver_qualifier]
    interchange_issues = [i for i in env.issues if i.scope is Scope.INTERCHANGE]

    if received_only:
        add("UCI", env.control_number, sender, receiver, RECEIVED)
    else:
        level = _level(interchange_issues)
        add("UCI", env.control_number, sender, receiver, *level)
        for group in interchange.groups:
            if group.envelope.header is not None:
                _group(add, group)
            for msg in group.messages:
                _message(add, msg)

    header = segment_text("UNH", [ref, ["CONTRL", *message_version]], d)
    out = [
        una_string(d),
        segment_text(
            "UNB",
            [
                [syntax_id, syntax_version],
                receiver,
                sender,
                [date_text, created.strftime("%H%M")],
                ref,
            ],
            d,
        ),
        header,
        *body,
        segment_text("UNT", [str(len(body) + 2), ref], d),
        segment_text("UNZ", ["1", ref], d),
    ]
    return "".join(out)


def _group(add, group: Group) -> None:
    genv = group.envelope
    add(
        "UCF",
        genv.control_number,
        [genv.sender, genv.sender_qualifier],
        [genv.receiver, genv.receiver_qualifier],
        *_level(genv.issues),
    )


def _message(add, msg: Message) -> None:
    own = [i for i in msg.issues if i.scope is Scope.TRANSACTION]
    detail = [i for i in msg.issues if i.scope in (Scope.SEGMENT, Scope.ELEMENT)]
    level = _level(own)
    if level == [ACKNOWLEDGED] and _errors(detail):
        level = [REJECTED]
    add("UCM", msg.control_number, _message_version(msg), *level)
    # UCS per erroneous segment position, UCD per erroneous element in it
    by_segment: dict[int, list[Issue]] = {}
    for issue in _errors(detail):
        number = issue.location.segment_number or 0
        by_segment.setdefault(number, []).append(issue)
    for number in sorted(by_segment):
        issues = by_segment[number]
        segment_level = [i for i in issues if i.scope is Scope.SEGMENT or
                         i.location.element is None]
        add("UCS", str(number), segment_level[0].code if segment_level else "")
        for issue in issues:
            if issue in segment_level:
                continue
            add("UCD", issue.code, _position(issue))
