"""The one representation of parsed EDI, shared by the X12, EDIFACT and XML readers.

A file holds interchanges; an interchange holds functional groups (X12 GS/GE, EDIFACT UNG/UNE,
or one implicit group when the syntax has none); a group holds messages (X12 transaction sets,
EDIFACT messages, one XML document). A message is a list of segments; a segment is a tag plus
elements; an element is repetitions x components.

Problems are values (`Issue`), each with the code an acknowledgement needs and a full
`Location`, so a 997/999/TA1/CONTRL writer never has to parse again. Only an unreadable
stream raises (`edi.errors.UnreadableStream`).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import accumulate, repeat
from typing import Any


class Standard(StrEnum):
    X12 = "x12"
    EDIFACT = "edifact"
    XML = "xml"


class Severity(StrEnum):
    ERROR = "error"  # the acknowledgement rejects the enclosing unit
    WARNING = "warning"  # accepted, but noted (e.g. a control number that skipped)


class Scope(StrEnum):
    """Which acknowledgement structure reports an issue, and so which code list `code` is from.

    X12: interchange -> TA1 I-code (TA105), group -> AK9/AK905 code, transaction -> AK5/IK5 code,
    segment -> AK3/IK3 code (AK304), element -> AK4/IK4 code (AK403).
    EDIFACT: every scope uses CONTRL data element 0085 (UCI, UCM, UCS, UCD).
    XML: `code` is a short reason (`not-well-formed`, `forbidden-dtd`, ...).
    """

    INTERCHANGE = "interchange"
    GROUP = "group"
    TRANSACTION = "transaction"
    SEGMENT = "segment"
    ELEMENT = "element"


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is. Numbers are 1-based; `offset` is a byte offset in the input."""

    offset: int | None = None
    segment_number: int | None = None  # position within the message (ST/UNH = 1)
    segment_tag: str | None = None
    element: int | None = None
    component: int | None = None
    repetition: int | None = None
    line: int | None = None  # XML only
    column: int | None = None  # XML only

    def describe(self) -> str:
        parts: list[str] = []
        if self.segment_tag is not None:
            parts.append(f"segment {self.segment_tag}")
        if self.segment_number is not None:
            parts.append(f"#{self.segment_number}")
        if self.element is not None:
            ref = f"element {self.element:02d}"
            if self.component is not None:
                ref += f"-{self.component}"
            if self.repetition is not None and self.repetition > 1:
                ref += f" (repetition {self.repetition})"
            parts.append(ref)
        if self.line is not None:
            parts.append(f"line {self.line}" + (f":{self.column}" if self.column else ""))
        if self.offset is not None:
            parts.append(f"byte {self.offset}")
        return ", ".join(parts) if parts else "start of input"

    def as_dict(self) -> dict[str, int | str]:
        return {k: v for k in self.__slots__ if (v := getattr(self, k)) is not None}


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: Severity
    scope: Scope
    location: Location
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "scope": self.scope.value,
            "location": self.location.as_dict(),
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str
    segment: str
    component: str
    repetition: str | None = None
    release: str | None = None  # EDIFACT only
    decimal: str = "."


class Span:
    """Where a run of consecutive segments was read: their delimiters and byte offsets.

    A reader hands one `Span` to every segment of a run (the body segments between two
    envelope segments of one chunk), so a segment stores no offset of its own: `raws` are
    the run's segment texts in input order, each followed by `gap` separator characters,
    and segment number `first` starts at `offset`. The offsets of the run are summed once,
    on the first request. A span of one segment (`raws` None) is simply `offset`.
    """

    __slots__ = ("_offsets", "delimiters", "first", "gap", "offset", "raws")

    def __init__(
        self, delimiters: Delimiters, offset: int = 0, first: int = 0,
        raws: list[str] | None = None, gap: int = 0, offsets: list[int] | None = None,
    ) -> None:
        self.delimiters = delimiters
        self.offset = offset
        self.first = first
        self.raws = raws
        self.gap = gap
        self._offsets = offsets  # given when the raws are not the input text (CR removed)

    def offset_of(self, number: int) -> int:
        """The byte offset of the segment numbered `number` in this span."""
        offsets = self._offsets
        if offsets is None:
            if self.raws is None:
                return self.offset
            offsets = self._offsets = list(
                accumulate(map(self.gap.__add__, map(len, self.raws)), initial=self.offset)
            )
        return offsets[number - self.first]


class _SplitOnce:
    """`Segment.elements`: split on first access, then read from the segment's `__dict__`.

    A descriptor without `__set__` is consulted only when the instance dict has no entry of
    its name, so after the first access the split elements are an ordinary attribute.
    """

    def __get__(self, seg: Segment | None, owner: type | None = None) -> Any:
        if seg is None:
            return self
        elements = seg.__dict__["elements"] = _split_elements(seg.raw, seg.span.delimiters)
        return elements


# The fields' C accessors, taken from a namedtuple: they read a position of any tuple.
_Fields = namedtuple("_Fields", ("tag", "raw", "span", "number"))


class Segment(tuple):
    """One segment: tag, elements (repetitions x components), and where it was read.

    Fields: `tag`, `raw` (the segment text without its terminator, tag included), `span`
    (the `Span` it was read in, shared by a run of segments) and `number` (its 1-based
    position within its message; envelope segments: 0). Underneath, a segment is the tuple
    `(tag, raw, span, number)`, and the class has no `__new__` of its own, so that a reader
    builds a run of them by calling the class from C (`Segment.many`: `map` over `zip`, no
    Python frame per segment). Make one with `Segment.of(tag, raw, span, number)`. Compare
    segments with `==` (tag and elements), not as tuples.

    Elements are split from `raw` lazily, on first access; the byte offset comes from the
    `Span` on request. Element positions are 1-based as in the standards (`BEG03` is
    `seg.value(3)`); the tag is not an element.
    """

    tag = _Fields.tag
    raw = _Fields.raw
    span = _Fields.span
    number = _Fields.number
    elements = _SplitOnce()

    @classmethod
    def of(cls, tag: str, raw: str, span: Span, number: int = 0) -> Segment:
        return cls((tag, raw, span, number))

    @classmethod
    def many(cls, tags: list[str], raws: list[str], span: Span) -> Iterator[Segment]:
        """The segments of a run: `raws[k]`, tagged `tags[k]`, is segment `span.first + k`."""
        first = span.first
        return map(cls, zip(tags, raws, repeat(span), range(first, first + len(raws))))

    @classmethod
    def at(
        cls, tag: str, raw: str, delimiters: Delimiters, offset: int, number: int = 0
    ) -> Segment:
        """One segment read alone, at byte `offset`."""
        return cls((tag, raw, Span(delimiters, offset), number))

    @classmethod
    def build(
        cls,
        tag: str,
        elements: list[tuple[tuple[str, ...], ...]] | tuple[tuple[tuple[str, ...], ...], ...],
        delimiters: Delimiters,
        offset: int = 0,
        number: int = 0,
        raw: str | None = None,
    ) -> Segment:
        seg = cls((tag, tag if raw is None else raw, Span(delimiters, offset), number))
        seg.__dict__["elements"] = tuple(elements)
        return seg

    @property
    def delimiters(self) -> Delimiters:
        return self.span.delimiters

    @property
    def offset(self) -> int:
        """Byte offset of the first character of the tag in the input."""
        return self.span.offset_of(self.number)

    def __len__(self) -> int:
        return len(self.elements)

    def value(self, position: int, component: int = 1, repetition: int = 1) -> str:
        """The text at `position` (1-based), or "" when absent."""
        elements = self.elements
        if position < 1 or position > len(elements):
            return ""
        reps = elements[position - 1]
        if repetition > len(reps):
            return ""
        comps = reps[repetition - 1]
        if component > len(comps):
            return ""
        return comps[component - 1]

    def components(self, position: int, repetition: int = 1) -> tuple[str, ...]:
        elements = self.elements
        if position < 1 or position > len(elements):
            return ()
        reps = elements[position - 1]
        return reps[repetition - 1] if repetition <= len(reps) else ()

    def repetitions(self, position: int) -> tuple[tuple[str, ...], ...]:
        elements = self.elements
        if position < 1 or position > len(elements):
            return ()
        return elements[position - 1]

    def location(
        self, element: int | None = None, component: int | None = None,
        repetition: int | None = None,
    ) -> Location:
        return Location(
            offset=self.offset,
            segment_number=self.number or None,
            segment_tag=self.tag,
            element=element,
            component=component,
            repetition=repetition,
        )

    def __repr__(self) -> str:
        return f"Segment({self.raw!r} @ {self.offset})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return self.tag == other.tag and _trimmed(self.elements) == _trimmed(other.elements)

    def __ne__(self, other: object) -> bool:  # tuple's own `!=` would compare the fields
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((self.tag, _trimmed(self.elements)))


def _trimmed(elements: tuple) -> tuple:
    """Elements without trailing empties, so `A*1*` equals `A*1`."""
    end = len(elements)
    while end and all(all(c == "" for c in rep) for rep in elements[end - 1]):
        end -= 1
    return elements[:end]


def _split_elements(raw: str, d: Delimiters) -> tuple[tuple[tuple[str, ...], ...], ...]:
    release = d.release
    if release and release in raw:
        return _split_released(raw, d)
    parts = raw.split(d.element)[1:]
    rep_sep, comp_sep = d.repetition, d.component
    if not (rep_sep and rep_sep in raw) and comp_sep:
        # the common case, one repetition per element, built with C-level iteration only:
        # `zip(x)` makes the 1-tuples, so each element is `((value,),)` or `((c1, c2),)`
        if comp_sep not in raw:
            return tuple(zip(zip(parts)))
        return tuple(zip(map(tuple, map(str.split, parts, repeat(comp_sep)))))
    out = []
    for part in parts:
        reps = part.split(rep_sep) if rep_sep and rep_sep in part else (part,)
        out.append(tuple(tuple(r.split(comp_sep)) if comp_sep in r else (r,) for r in reps))
    return tuple(out)


def _split_released(raw: str, d: Delimiters) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Split honouring the release character: `?+` is a literal `+`, `??` a literal `?`.

    Fast path: every released service character is swapped for a private-use placeholder,
    the text is split with `str.split`, and the placeholders are swapped back. Pairs are
    replaced `??` first, which gives the same left-to-right pairing as a scan. A release
    character before an ordinary character (or at the end), or placeholder characters in the
    input, take the character-by-character path below.
    """
    release = d.release
    specials = [d.element, d.component, d.segment]
    if d.repetition:
        specials.append(d.repetition)
    placeholders = "\ue000\ue001\ue002\ue003\ue004"
    if release and not any(ph in raw for ph in placeholders):
        text = raw.replace(release + release, placeholders[0])
        for k, ch in enumerate(specials, 1):
            text = text.replace(release + ch, placeholders[k])
        if release not in text:
            back = {ord(placeholders[0]): release}
            back.update({ord(placeholders[k]): ch for k, ch in enumerate(specials, 1)})
            rep_sep, comp_sep = d.repetition, d.component
            fast: list[tuple[tuple[str, ...], ...]] = []
            for part in text.split(d.element)[1:]:
                reps = part.split(rep_sep) if rep_sep and rep_sep in part else (part,)
                fast.append(tuple(tuple(c.translate(back) for c in r.split(comp_sep))
                                  for r in reps))
            return tuple(fast)
    release = d.release
    elements: list[tuple[tuple[str, ...], ...]] = []
    reps: list[tuple[str, ...]] = []
    comps: list[str] = []
    buf: list[str] = []
    i, n = 0, len(raw)
    # skip the tag
    while i < n and raw[i] != d.element:
        if raw[i] == release:
            i += 1
        i += 1
    i += 1
    started = i <= n
    while i < n:
        ch = raw[i]
        if ch == release and i + 1 < n:
            buf.append(raw[i + 1])
            i += 2
            continue
        if ch == d.component:
            comps.append("".join(buf))
            buf = []
        elif d.repetition and ch == d.repetition:
            comps.append("".join(buf))
            reps.append(tuple(comps))
            comps, buf = [], []
        elif ch == d.element:
            comps.append("".join(buf))
            reps.append(tuple(comps))
            elements.append(tuple(reps))
            reps, comps, buf = [], [], []
        else:
            buf.append(ch)
        i += 1
    if started:
        comps.append("".join(buf))
        reps.append(tuple(comps))
        elements.append(tuple(reps))
    return tuple(elements)


@dataclass(slots=True)
class Envelope:
    """Header facts of an interchange or group, filled in by the reader.

    Trailer checks (counts, control numbers) are appended to `issues` when the trailer is
    read, which in streaming mode is after the last message of the unit has been yielded.
    """

    control_number: str = ""
    sender: str = ""  # qualifier:id for X12 (`ZZ:ACME`), id:qualifier order kept as sent
    sender_qualifier: str = ""
    receiver: str = ""
    receiver_qualifier: str = ""
    version: str = ""  # ISA12 / GS08 / UNB syntax version / UNG message version
    date: str = ""
    time: str = ""
    test: bool = False
    ack_requested: bool = False  # ISA14 = 1, UNB 0031 = 1
    functional_id: str = ""  # GS01 (PO, IN, SH, ...) / UNG 0038
    header: Segment | None = None
    trailer: Segment | None = None
    offset: int = 0
    issues: list[Issue] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Message:
    """One transaction set (X12), message (EDIFACT) or document (XML)."""

    standard: Standard
    type: str  # "850", "ORDERS", "cxml:OrderRequest", "ubl:Order"
    control_number: str
    version: str  # GS08 (`004010`), UNH S009 joined (`D:96A:UN:EAN008`), XML version attr
    segments: list[Segment] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    offset: int = 0
    interchange: Envelope | None = None
    group: Envelope | None = None
    document: Any = None  # XML: the lxml root element; None for X12/EDIFACT
    index: int = 0  # 1-based position of the message within its interchange

    @property
    def accepted(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)

    def body(self) -> list[Segment]:
        """The segments between the header (ST/UNH) and the trailer (SE/UNT)."""
        segs = self.segments
        if segs and segs[0].tag in ("ST", "UNH"):
            segs = segs[1:]
        if segs and segs[-1].tag in ("SE", "UNT"):
            segs = segs[:-1]
        return segs


@dataclass(slots=True)
class Group:
    envelope: Envelope
    messages: list[Message] = field(default_factory=list)


@dataclass(slots=True)
class Interchange:
    standard: Standard
    envelope: Envelope
    delimiters: Delimiters | None = None
    groups: list[Group] = field(default_factory=list)
    offset: int = 0

    @property
    def messages(self) -> list[Message]:
        return [m for g in self.groups for m in g.messages]

    @property
    def issues(self) -> list[Issue]:
        """Interchange-level and group-level issues (message issues live on messages)."""
        found = list(self.envelope.issues)
        for g in self.groups:
            found.extend(g.envelope.issues)
        return found


@dataclass(slots=True)
class ParseResult:
    standard: Standard
    interchanges: list[Interchange] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # problems outside any interchange

    @property
    def messages(self) -> list[Message]:
        return [m for i in self.interchanges for m in i.messages]

    def all_issues(self) -> list[Issue]:
        found = list(self.issues)
        for ic in self.interchanges:
            found.extend(ic.issues)
            for m in ic.messages:
                found.extend(m.issues)
        return found
