"""Streaming X12 reader: bytes -> interchanges, groups, transaction sets and located issues.

The stream is read in 1 MiB chunks, decoded as latin-1 (so a character offset is a byte
offset) and split on the segment terminator of the current interchange; each segment becomes
one `Segment` whose elements are split lazily. Tags are found for a whole chunk at once
(`edi.tagscan`). The body segments between two envelope
segments share one `Span`, from which a segment's byte offset is summed when it is asked
for; ST and SE take a short path when nothing about them is unusual. Delimiters come
from each ISA (element separator at byte 3, ISA16 component separator, terminator after
it, ISA11 repetition separator from 00501); a UTF-8 encoded terminator (e.g. an ellipsis)
is taken whole. Blanks and line breaks before a segment tag are skipped.

Envelope rules are reported as `Issue` values with the code of their acknowledgement:

- `Scope.INTERCHANGE` (TA105): `001` IEA02 != ISA13, `004` bad terminator, `005`-`008` bad
  sender/receiver qualifier or id, `010`-`013` bad ISA01-ISA04, `014`/`015` bad ISA09/ISA10,
  `016` ISA11 not `U` before 00501, `017` bad ISA12, `018` bad ISA13, `019` bad ISA14,
  `020` bad ISA15, `021` IEA01 != number of groups, `022` segment or text outside its
  envelope, `023` missing IEA (error) or unterminated last segment (warning), `024` ISA not
  fixed width, bad GS content (GS01-GS08) or the segment limit hit, `025` ISA13 repeated in
  the input (warning), `027` bad component separator.
- `Scope.GROUP` (AK905): `2` GS08 version not usable, `3` missing GE, `4` GE02 != GS06,
  `5` GE01 != number of transaction sets, `6` GS06 not 1-9 digits, `19` GS06 repeated.
- `Scope.TRANSACTION` (AK5/IK5): `2` missing SE, `3` SE02 != ST02, `4` SE01 != segment count,
  `6` bad ST01, `7` bad ST02, `23` ST02 repeated in the group.
- `Scope.SEGMENT` (AK304/IK304): `1` unrecognised segment id (not 2-3 upper-case alphanumerics).
- `Scope.ELEMENT` (AK403/IK403): `1` ST01/ST02 missing, `4`/`5` ST02 too short/long.

Only an unreadable stream raises `UnreadableStream`: no ISA at all (`no-interchange`), a
first ISA whose 16 elements cannot be found (`bad-isa`; a later one is an issue and skipped),
or more than `Limits.max_segment_bytes` without a terminator (`segment-too-long`). When an
interchange exceeds `Limits.max_segments_per_interchange` segments, a `024` error is recorded
on it, the open transaction set is dropped, and its remaining segments are skipped up to its
IEA; the next interchange is read normally.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from edi.errors import UnreadableStream
from edi.limits import Limits
from edi.model import (
    Delimiters,
    Envelope,
    Group,
    Interchange,
    Issue,
    Location,
    Message,
    ParseResult,
    Scope,
    Segment,
    Severity,
    Span,
    Standard,
)
from edi.tagscan import HEAD, RELOOKUP_GAP, RELOOKUP_WINDOW, TagTable

__all__ = ["ISA_LENGTH", "X12Reader", "valid_date", "valid_time"]

CHUNK_SIZE = 1 << 20
ISA_LENGTH = 106  # ISA segment including its terminator
# Positions of the 16 element separators in a fixed-width ISA (ISA01 starts at 4).
ISA_SEPARATORS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
# TA105 code for a wrong ISA element (by position), used for width and value errors.
ISA_ELEMENT_CODES = (
    "010", "011", "012", "013", "005", "006", "007", "008",
    "014", "015", "016", "017", "018", "019", "020", "027",
)
_ENVELOPE_TAGS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1", "ISB", "ISE"})
_BLANKS = " \t\r\n\x00"
_BOM = "\xef\xbb\xbf"  # UTF-8 BOM read as latin-1
_MAX_STRAY_ISSUES = 100
_MAX_CACHED_TAGS = 4096
_TABLE_MIN_PIECES = 64  # below this, numpy's fixed cost outweighs the per-segment saving
# Control numbers remembered for the uniqueness checks (GS06 per interchange, ST02 per group);
# past this many the check stops, so memory stays bounded on huge groups.
_MAX_TRACKED_CONTROLS = 100_000


def _separator(buf: str, term: str, eof: bool) -> str:
    """The terminator plus the line break that always follows it in `buf`, if one does.

    Splitting on `~\\n` instead of `~` spares a strip per segment in the common layout.
    The counts come from numpy for a one-character terminator (`str.count` costs about
    four instructions a byte, a tenth of reading a file of 33-byte segments).
    """
    if term == "\n":
        codes = _codes(buf)
        lf = np.flatnonzero(codes == 10)
        crlf = len(lf) and lf[0] > 0 and bool((codes[lf - 1] == 13).all())
        return "\r\n" if crlf else term
    i = buf.find(term)
    if i < 0:
        return term
    after = buf[i + len(term): i + len(term) + 2]
    for suffix in ("\r\n", "\n"):
        if after.startswith(suffix):
            sep = term + suffix
            held = not eof and buf.endswith(term)  # may be split later
            if len(term) > 1:
                return sep if buf.count(term) - held == buf.count(sep) else term
            codes = _codes(buf + "\0\0")
            at = np.flatnonzero(codes[:-2] == ord(term))
            followed = codes[at + 1] == ord(suffix[0])
            if len(suffix) > 1:
                followed &= codes[at + 2] == ord(suffix[1])
            return sep if len(at) - held == np.count_nonzero(followed) else term
    return term


def _codes(text: str) -> np.ndarray:
    """The characters of latin-1 `text` as bytes."""
    return np.frombuffer(text.encode("latin-1"), dtype=np.uint8)


_SCAN_ISA = 512  # characters to look at when the ISA is not fixed width


def valid_date(text: str) -> bool:
    """CCYYMMDD or YYMMDD, a real calendar date."""
    if not text.isdigit() or len(text) not in (6, 8):
        return False
    if len(text) == 6:
        text = "20" + text
    try:
        _dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return True


def valid_time(text: str) -> bool:
    """HHMM, HHMMSS or HHMMSSd..d (up to 8 digits), a real time of day."""
    if not text.isdigit() or len(text) not in (4, 6, 7, 8):
        return False
    hh, mm = int(text[:2]), int(text[2:4])
    ss = int(text[4:6]) if len(text) >= 6 else 0
    return hh < 24 and mm < 60 and ss < 60


class _Resync(Exception):
    """Internal: an ISA with other delimiters starts here; re-read it from the raw text."""


class X12Reader:
    """Iterate over the transaction sets of an X12 stream; `result` holds the envelopes.

    `retain=True` keeps every message in `result.interchanges[*].groups[*].messages`;
    with `retain=False` only the envelopes (and their issues) are kept, so memory stays
    bounded by the largest transaction set.
    """

    def __init__(
        self,
        stream: BinaryIO,
        limits: Limits | None = None,
        *,
        retain: bool = False,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self._stream = stream
        self._limits = limits or Limits()
        self._retain = retain
        self._chunk_size = max(chunk_size, 256)
        self.result = ParseResult(Standard.X12)
        self._delims: Delimiters | None = None
        self._ic: Interchange | None = None
        self._group: Group | None = None
        self._msg: Message | None = None
        self._segs: list[Segment] | None = None
        self._num = 0
        self._count = 0
        self._ready: list[Message] = []
        self._ic_index = 0
        self._group_st = 0
        self._group_st02: set[str] = set()
        self._ic_gs06: set[str] = set()
        self._isa13_seen: set[str] = set()
        self._stray = 0
        self._in_gap = False
        self._tags: dict[str, str] = {}
        self._table = TagTable()
        self._ws = _BLANKS
        self._skipping = False

    # ------------------------------------------------------------------ iteration

    def __iter__(self) -> Iterator[Message]:
        return self._run()

    def _read(self) -> str:
        data = self._stream.read(self._chunk_size)
        if not data:
            return ""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise UnreadableStream("not-binary", "the X12 reader needs a binary stream")
        return bytes(data).decode("latin-1")

    def _run(self) -> Iterator[Message]:
        buf = ""
        base = 0
        eof = False
        first = True
        while True:
            while not eof and len(buf) < _SCAN_ISA:
                chunk = self._read()
                if chunk:
                    buf += chunk
                else:
                    eof = True
            if first:
                first = False
                if buf.startswith(_BOM):
                    buf, base = buf[len(_BOM):], base + len(_BOM)
            stripped = buf.lstrip(_BLANKS)
            base += len(buf) - len(stripped)
            buf = stripped
            if not buf:
                if eof:
                    break
                continue
            if not buf.startswith("ISA"):
                j = buf.find("ISA")
                if j < 0 and not eof:
                    keep = 2
                    self._gap(base, buf[:20])
                    base += len(buf) - keep
                    buf = buf[-keep:]
                    continue
                self._gap(base, buf[:20])
                if j < 0:
                    break
                buf, base = buf[j:], base + j
                continue
            header = self._read_isa(buf, base)
            if header is None:
                buf, base = buf[3:], base + 3
                continue
            consumed = header
            buf, base = buf[consumed:], base + consumed
            buf, base, eof = yield from self._body(buf, base, eof)
        self._finish(base)
        yield from self._drain()
        if not self.result.interchanges:
            raise UnreadableStream(
                "no-interchange", "no X12 interchange (ISA) could be read", Location(offset=0)
            )

    def _drain(self) -> Iterator[Message]:
        ready = self._ready
        if ready:
            items = list(ready)
            ready.clear()
            yield from items

    def _gap(self, offset: int, sample: str) -> None:
        """Text outside any interchange: one issue per gap."""
        if self._in_gap:
            return
        self._in_gap = True
        self.result.issues.append(
            Issue(
                "022", Severity.ERROR, Scope.INTERCHANGE, Location(offset=offset),
                f"text outside any interchange, expected ISA: {sample!r}",
            )
        )

    def _body(self, buf: str, base: int, eof: bool):
        """Split on the terminator and hand out segments until EOF or a resync point.

        The hot path looks the tags of the whole chunk up at once (`TagTable`: segment
        prefix -> known tag; a dictionary look-up per segment for small chunks) and builds
        one `Segment` per segment in C; anything unusual (leading blanks, envelope segments, an
        unknown tag, the segment limit) takes `_slow`.
        """
        d = self._delims
        if d is None:  # pragma: no cover - _read_isa always sets the delimiters first
            return buf, base, eof
        term = d.segment
        max_bytes = self._limits.max_segment_bytes
        limit = self._limits.max_segments_per_interchange
        ready = self._ready
        many = Segment.many
        st_lead, se_lead = "ST" + d.element, "SE" + d.element
        accumulate = itertools.accumulate
        head = HEAD
        while True:
            if not eof:
                chunk = self._read()
                if chunk:
                    buf += chunk
                else:
                    eof = True
            sep = _separator(buf, term, eof)
            sl = len(sep)
            parts = buf.split(sep)
            unterminated = -1
            if eof:
                tail = parts.pop()
                if tail.strip(_BLANKS):
                    parts.append(tail)
                    unterminated = base + len(buf) - len(tail)
                tail = ""
            else:
                tail = parts.pop()
                if len(tail) > max_bytes:
                    raise UnreadableStream(
                        "segment-too-long",
                        f"no segment terminator {term!r} within {max_bytes} bytes",
                        Location(offset=base + len(buf) - len(tail)),
                    )
            # Known body segments come in runs between envelope segments; each run is
            # turned into Segments by `Segment.many` (no per-segment Python code) sharing one
            # `Span`, which works their byte offsets out if they are asked for. Offsets are
            # only summed here up to the start of each run and each envelope segment.
            cache = self._tags
            offsets = None
            if sep == "\n" and "\r" in buf:  # mixed LF / CRLF with a newline terminator
                offsets = list(accumulate(map(sl.__add__, map(len, parts)), initial=base))
                parts = [p.rstrip("\r") for p in parts]
            heads = None
            if len(parts) >= _TABLE_MIN_PIECES:
                heads = self._table.heads(buf, sep, len(parts))
            look_up = self._table.look_up
            tags, misses = look_up(cache, parts, heads)
            extend, num, cap = self._extender()
            n = len(parts)
            i = relook_at = 0
            at, at_offset = 0, base  # the offset of parts[at]
            while i < n:
                j = misses.find(1, i)
                if j < 0:
                    j = n
                if j > i and extend is not None:
                    room = min(j, i + max(cap - num, 0))
                    if room > i:
                        raws = parts[i:room]
                        if offsets is None:
                            at_offset += sum(map(len, parts[at:i])) + sl * (i - at)
                            at = i
                            span = Span(d, at_offset, num + 1, raws, sl)
                        else:
                            span = Span(d, offsets[i], num + 1, None, 0, offsets[i:room])
                        extend(many(tags[i:room], raws, span))
                        num += room - i
                        i = room
                        continue
                    j = i + 1  # over the limit: let _slow skip it
                elif j == i and (learnt := cache.get(head(parts[i]))) is not None:
                    # a tag learnt after this chunk was looked up (see tagscan.RELOOKUP_GAP)
                    if i >= relook_at:
                        relook_at = i + RELOOKUP_GAP
                        end = min(n, i + RELOOKUP_WINDOW)
                        tags[i:end], misses[i:end] = look_up(cache, parts, heads, i, end)
                    tags[i] = learnt
                    misses[i] = 0
                    continue
                stop = max(j, i + 1)
                for k in range(i, stop):
                    self._num = num
                    if offsets is None:
                        at_offset += sum(map(len, parts[at:k])) + sl * (k - at)
                        at = k
                        offset = at_offset
                    else:
                        offset = offsets[k]
                    part = parts[k]
                    lead = part[:3]
                    # the two segments of every transaction set take a short path when
                    # nothing about them is unusual (see _st / _se)
                    room = not self._skipping and self._count + num < limit
                    if lead == st_lead and room and self._group is not None:
                        self._st(part, offset)
                    elif lead == se_lead and room and self._msg is not None:
                        self._se(part, offset)
                        extend, num, cap = None, 0, 0
                        batch = ready.copy()
                        ready.clear()
                        yield from batch
                        continue
                    else:
                        try:
                            self._slow(part, offset)
                        except _Resync:
                            return buf[offset - base:], offset, eof
                    extend, num, cap = self._extender()
                    d = self._delims or d
                    if cache is not self._tags:  # new element separator: look tags up again
                        st_lead, se_lead = "ST" + d.element, "SE" + d.element
                        cache = self._tags
                        tags[k + 1:], misses[k + 1:] = look_up(cache, parts, heads, k + 1)
                    if ready:
                        batch = ready.copy()
                        ready.clear()
                        yield from batch
                i = stop
            self._num = num
            if unterminated >= 0:
                self._note_unterminated(unterminated)
            base += len(buf) - len(tail)
            buf = tail
            if eof:
                return "", base, True

    def _st(self, s: str, offset: int) -> None:
        """An ST inside a group: the same as `_slow` -> `_envelope` -> `_on_st`, shorter."""
        d = self._delims
        ic, group = self._ic, self._group
        if self._msg is not None:
            self._close_message(offset)
        if d is None or ic is None or group is None:  # pragma: no cover - checked by caller
            return
        self._ic_index += 1
        self._group_st += 1
        seg = Segment((s[:2], s, Span(d, offset), 1))
        fields = s.split(d.element)
        kind = fields[1] if len(fields) > 1 else ""
        control = fields[2] if len(fields) > 2 else ""
        env = group.envelope
        msg = Message(Standard.X12, kind, control, env.version, [seg], [], offset,
                      ic.envelope, env, None, self._ic_index)
        self._msg, self._segs, self._num = msg, msg.segments, 1
        if self._retain:
            group.messages.append(msg)
        seen = self._group_st02
        if not (len(kind) == 3 and kind.isdigit() and 4 <= len(control) <= 9) or (
            control in seen
        ):
            self._check_st(seg, kind, control)
        if len(seen) < _MAX_TRACKED_CONTROLS:
            seen.add(control)

    def _se(self, s: str, offset: int) -> None:
        """An SE closing the open transaction set (`_slow` -> `_envelope` -> `_on_se`)."""
        msg, d = self._msg, self._delims
        if msg is None or d is None:  # pragma: no cover - checked by caller
            return
        number = self._num + 1
        seg = Segment((s[:2], s, Span(d, offset), number))
        msg.segments.append(seg)
        fields = s.split(d.element)
        count = fields[1] if len(fields) > 1 else ""
        control = fields[2] if len(fields) > 2 else ""
        self._num = number
        if count != str(number) or control != msg.control_number:
            self._check_se(msg, seg, count, control)
        self._ready.append(msg)
        self._count += number
        self._msg, self._segs, self._num = None, None, 0

    def _extender(self):
        """(extend the open message, its segment count, how many it may hold in all)."""
        segs = self._segs
        if segs is None or self._skipping:
            return None, self._num, 0
        return segs.extend, self._num, self._limits.max_segments_per_interchange - self._count

    def _slow(self, part: str, offset: int) -> None:
        d = self._delims
        if d is None:  # pragma: no cover
            return
        ws = self._ws
        s = part.lstrip(ws)
        offset += len(part) - len(s)
        if d.segment == "\n":
            s = s.rstrip("\r")
        if not s:
            return
        i = s.find(d.element)
        tag = s[:i] if i >= 0 else s
        if tag != "ISA" and (self._ic is None or s.startswith("ISA")):
            raise _Resync  # text between interchanges, or an ISA with other delimiters
        full = self._count + self._num >= self._limits.max_segments_per_interchange
        if (self._skipping or full) and tag not in ("ISA", "IEA"):
            self._skip(offset)
            return
        if tag in _ENVELOPE_TAGS:
            self._envelope(tag, s, offset)
            return
        good = 2 <= len(tag) <= 3 and tag.isalnum() and tag.upper() == tag
        if good and s is part and len(self._tags) < _MAX_CACHED_TAGS:
            self._tags[s[:4]] = tag
        if self._segs is None:
            self._count += 1
            self._stray_segment(Segment.at(tag, s, d, offset))
            return
        self._num += 1
        seg = Segment.at(tag, s, d, offset, self._num)
        self._segs.append(seg)
        if not good:
            self._add_msg_issue(
                "1", Scope.SEGMENT, seg.location(), f"unrecognised segment id {tag[:10]!r}"
            )

    def _skip(self, offset: int) -> None:
        if self._skipping:
            return
        self._skipping = True
        limit = self._limits.max_segments_per_interchange
        if self._ic is not None:
            self._ic.envelope.issues.append(
                Issue("024", Severity.ERROR, Scope.INTERCHANGE, Location(offset=offset),
                      f"more than {limit} segments in one interchange; the rest of it "
                      "is skipped")
            )
        if self._msg is not None and self._group is not None:
            messages = self._group.messages
            if messages and messages[-1] is self._msg:
                messages.pop()
        self._msg, self._segs, self._num = None, None, 0

    def _note_unterminated(self, offset: int) -> None:
        issue = Issue(
            "023", Severity.WARNING, Scope.INTERCHANGE, Location(offset=offset),
            "the last segment has no segment terminator",
        )
        if self._ic is not None:
            self._ic.envelope.issues.append(issue)
        elif self.result.interchanges:
            self.result.interchanges[-1].envelope.issues.append(issue)
        else:
            self.result.issues.append(issue)

    # ------------------------------------------------------------------ ISA

    def _read_isa(self, buf: str, base: int) -> int | None:
        """Open an interchange from the ISA at buf[0]; return the characters it used."""
        e = buf[3] if len(buf) > 3 else ""
        issues: list[Issue] = []
        loc = Location(offset=base, segment_tag="ISA")
        fixed = len(buf) >= ISA_LENGTH and e and all(buf[p] == e for p in ISA_SEPARATORS)
        if fixed:
            comp_at = 104
        else:
            pos = 3
            found = 0
            while e and found < 16:
                nxt = buf.find(e, pos, _SCAN_ISA)
                if nxt < 0:
                    break
                found += 1
                pos = nxt + 1
            if found < 16 or pos + 1 >= len(buf):
                return self._bad_isa(base, "the ISA segment does not hold 16 elements")
            comp_at = pos
            issues.append(
                Issue("024", Severity.ERROR, Scope.INTERCHANGE, loc,
                      "the ISA segment is not 106 characters with fixed-width elements")
            )
        comp = buf[comp_at]
        term_at = comp_at + 1
        term = buf[term_at]
        lead = ord(term)
        if 0xC2 <= lead <= 0xF4:  # a UTF-8 encoded terminator such as an ellipsis
            extra = 1 if lead < 0xE0 else 2 if lead < 0xF0 else 3
            follow = buf[term_at + 1: term_at + 1 + extra]
            if len(follow) == extra and all(0x80 <= ord(c) <= 0xBF for c in follow):
                term += follow
        raw = buf[:term_at]
        if fixed:
            values = [buf[a + 1:b] for a, b in itertools.pairwise(ISA_SEPARATORS)]
        else:
            values = raw[4:comp_at - 1].split(e)
        values.append(comp)
        if e == term[0] or e in term or e.isalnum():
            return self._bad_isa(base, f"unusable element separator {e!r}")
        version = values[11]
        rep: str | None = None
        if version.isdigit() and version >= "00501":
            rep = values[10]
            if rep in (e, comp) or rep in term or rep.isalnum() or rep == " ":
                issues.append(
                    Issue("024", Severity.ERROR, Scope.INTERCHANGE, Location(
                        offset=base, segment_tag="ISA", element=11),
                        f"invalid repetition separator {rep!r}")
                )
                rep = None
        if comp == e or comp in term or comp.isalnum():
            issues.append(
                Issue("027", Severity.ERROR, Scope.INTERCHANGE,
                      Location(offset=base, segment_tag="ISA", element=16),
                      f"invalid component element separator {comp!r}")
            )
        if term.isalnum():
            issues.append(
                Issue("004", Severity.ERROR, Scope.INTERCHANGE, loc,
                      f"invalid segment terminator {term!r}")
            )
        delims = Delimiters(element=e, segment=term, component=comp, repetition=rep)
        isa = Segment.build("ISA", [((v,),) for v in values], delims, base, 0, raw)
        self._open_interchange(isa, values, delims, base, issues, fixed_width=bool(fixed))
        self._in_gap = False
        return term_at + len(term)

    def _bad_isa(self, offset: int, why: str) -> None:
        if not self.result.interchanges:
            raise UnreadableStream("bad-isa", why, Location(offset=offset, segment_tag="ISA"))
        self.result.issues.append(
            Issue("022", Severity.ERROR, Scope.INTERCHANGE,
                  Location(offset=offset, segment_tag="ISA"), why)
        )
        return None

    def _open_interchange(
        self, isa: Segment, values: list[str], delims: Delimiters, offset: int,
        issues: list[Issue], *, fixed_width: bool,
    ) -> None:
        if self._ic is not None:
            self._close_interchange(offset, missing=True)
        env = Envelope(
            control_number=values[12],
            sender=values[5].strip(),
            sender_qualifier=values[4].strip(),
            receiver=values[7].strip(),
            receiver_qualifier=values[6].strip(),
            version=values[11],
            date=values[8],
            time=values[9],
            test=values[14] == "T",
            ack_requested=values[13] == "1",
            header=isa,
            offset=offset,
        )
        env.issues.extend(issues)
        self._check_isa(env, values, offset, fixed_width)
        if values[12] in self._isa13_seen:
            env.issues.append(
                Issue("025", Severity.WARNING, Scope.INTERCHANGE,
                      Location(offset=offset, segment_tag="ISA", element=13),
                      f"interchange control number {values[12]} already used in this input")
            )
        self._isa13_seen.add(values[12])
        ic = Interchange(Standard.X12, env, delims, offset=offset)
        self.result.interchanges.append(ic)
        self._ic = ic
        if self._delims is None or self._delims.element != delims.element:
            self._tags = {}
        self._delims = delims
        self._ws = "".join(c for c in _BLANKS if c not in delims.segment)
        self._skipping = False
        self._ic_index = 0
        self._ic_gs06 = set()
        self._count = 1
        self._stray = 0
        self._in_gap = False

    def _check_isa(self, env: Envelope, v: list[str], offset: int, fixed_width: bool) -> None:
        def bad(position: int, why: str, code: str | None = None) -> None:
            env.issues.append(
                Issue(code or ISA_ELEMENT_CODES[position - 1], Severity.ERROR,
                      Scope.INTERCHANGE,
                      Location(offset=offset, segment_tag="ISA", element=position), why)
            )

        if not fixed_width:
            for k, width in enumerate(ISA_WIDTHS[:15]):
                if len(v[k]) != width:
                    bad(k + 1, f"ISA{k + 1:02d} must be {width} characters, got {len(v[k])}")
        if v[0] not in ("00", "01", "02", "03", "04", "05", "06"):
            bad(1, f"invalid authorization information qualifier {v[0]!r}")
        if v[2] not in ("00", "01"):
            bad(3, f"invalid security information qualifier {v[2]!r}")
        for pos, what in ((5, "sender"), (7, "receiver")):
            qual, ident = v[pos - 1].strip(), v[pos].strip()
            if len(qual) != 2 or not qual.isalnum():
                bad(pos, f"invalid interchange id qualifier for {what} {v[pos - 1]!r}")
            if not ident:
                bad(pos + 1, f"interchange {what} id is blank")
        if not valid_date(v[8]) or len(v[8]) != 6:
            bad(9, f"invalid interchange date {v[8]!r} (YYMMDD)")
        if not valid_time(v[9]) or len(v[9]) != 4:
            bad(10, f"invalid interchange time {v[9]!r} (HHMM)")
        if not (v[11].isdigit() and len(v[11]) == 5):
            bad(12, f"invalid interchange control version {v[11]!r}")
        elif v[11] < "00501" and v[10] != "U":
            bad(11, f"ISA11 must be the standards identifier U before 00501, got {v[10]!r}")
        if not (v[12].isdigit() and len(v[12]) == 9):
            bad(13, f"invalid interchange control number {v[12]!r} (9 digits)")
        if v[13] not in ("0", "1"):
            bad(14, f"invalid acknowledgment requested {v[13]!r} (0 or 1)")
        if v[14] not in ("P", "T", "I"):
            bad(15, f"invalid test indicator {v[14]!r} (P, T or I)")

    def _close_interchange(self, offset: int, *, missing: bool, iea: Segment | None = None):
        ic = self._ic
        if ic is None:
            return
        self._close_message(offset)
        self._close_group(offset, missing=True)
        env = ic.envelope
        if missing:
            env.issues.append(
                Issue("023", Severity.ERROR, Scope.INTERCHANGE, Location(offset=offset),
                      f"interchange {env.control_number} has no IEA trailer")
            )
        elif iea is not None:
            env.trailer = iea
            count, control = iea.value(1), iea.value(2)
            groups = len(ic.groups)
            if count != str(groups) and not (
                count.isdecimal() and int(count) == groups
            ):
                env.issues.append(
                    Issue("021", Severity.ERROR, Scope.INTERCHANGE, iea.location(element=1),
                          f"IEA01 is {count!r} but the interchange holds {groups} groups")
                )
            if control != env.control_number:
                env.issues.append(
                    Issue("001", Severity.ERROR, Scope.INTERCHANGE, iea.location(element=2),
                          f"IEA02 {control!r} does not match ISA13 {env.control_number!r}")
                )
        self._ic = None
        self._group = None
        self._skipping = False

    # ------------------------------------------------------------------ envelope segments

    def _envelope(self, tag: str, s: str, offset: int) -> None:
        d = self._delims
        if d is None:  # pragma: no cover - only called once an ISA has been read
            return
        if tag == "ISA":
            if len(s) == ISA_LENGTH - 1 and all(s[p] == s[3] for p in ISA_SEPARATORS) and (
                len(d.segment) == 1
            ):
                self._read_isa(s + d.segment, offset)
                return
            raise _Resync
        if tag == "ST":
            number = 1 if self._ic is not None else 0
        elif tag in ("SE", "TA1", "ISB", "ISE"):
            number = self._num + 1 if self._msg is not None else 0
        else:
            number = 0
        seg = Segment.at(tag, s, d, offset, number)
        if tag not in ("ST", "SE"):
            self._count += 1
        if tag == "ST":
            self._on_st(seg)
        elif tag == "SE":
            self._on_se(seg)
        elif tag == "GS":
            self._on_gs(seg)
        elif tag == "GE":
            self._on_ge(seg)
        elif tag == "IEA":
            if self._ic is None:
                self._stray_segment(seg)
                return
            self._close_interchange(offset, missing=False, iea=seg)
        elif self._ic is None:
            self._stray_segment(seg)
        elif tag == "TA1":
            if self._msg is not None:
                self._add_to_message(seg)
                return
            self._ic.envelope.extra.setdefault("ta1", []).append(seg)
        else:  # ISB / ISE interchange service segments
            if self._msg is not None:
                self._add_to_message(seg)
                return
            self._ic.envelope.extra.setdefault("services", []).append(seg)

    def _add_to_message(self, seg: Segment) -> None:
        self._num += 1
        if self._segs is not None:
            self._segs.append(seg)

    def _stray_segment(self, seg: Segment) -> None:
        if self._ic is None:
            self._gap(seg.offset, seg.raw[:20])
            return
        self._stray += 1
        if self._stray > _MAX_STRAY_ISSUES:
            return
        where = "a transaction set (ST/SE)" if self._group is not None else "a group (GS/GE)"
        self._ic.envelope.issues.append(
            Issue("022", Severity.ERROR, Scope.INTERCHANGE, seg.location(),
                  f"segment {seg.tag} outside {where}")
        )

    def _add_msg_issue(self, code: str, scope: Scope, loc: Location, text: str,
                       severity: Severity = Severity.ERROR) -> None:
        if self._msg is not None:
            self._msg.issues.append(Issue(code, severity, scope, loc, text))

    def _on_gs(self, seg: Segment) -> None:
        ic = self._ic
        if ic is None:
            self._stray_segment(seg)
            return
        self._close_message(seg.offset)
        if self._group is not None:
            self._close_group(seg.offset, missing=True)
        env = Envelope(
            control_number=seg.value(6),
            sender=seg.value(2),
            receiver=seg.value(3),
            version=seg.value(8),
            date=seg.value(4),
            time=seg.value(5),
            test=ic.envelope.test,
            ack_requested=ic.envelope.ack_requested,
            functional_id=seg.value(1),
            header=seg,
            offset=seg.offset,
        )
        group = Group(env)
        ic.groups.append(group)
        self._group = group
        self._group_st = 0
        self._group_st02 = set()
        self._check_gs(seg, env, ic.envelope)

    def _check_gs(self, seg: Segment, env: Envelope, ic_env: Envelope) -> None:
        def bad(position: int, why: str) -> None:
            ic_env.issues.append(
                Issue("024", Severity.ERROR, Scope.INTERCHANGE, seg.location(element=position),
                      why)
            )

        for position in range(1, 9):
            if not seg.value(position):
                bad(position, f"mandatory element GS{position:02d} is missing")
        fid = env.functional_id
        if fid and (len(fid) != 2 or not fid.isalnum()):
            bad(1, f"invalid functional identifier code {fid!r}")
        for position in (2, 3):
            value = seg.value(position)
            if value and not 2 <= len(value) <= 15:
                bad(position, f"GS{position:02d} must be 2 to 15 characters")
        if env.date and not valid_date(env.date):
            bad(4, f"invalid group date {env.date!r} (CCYYMMDD)")
        if env.time and not valid_time(env.time):
            bad(5, f"invalid group time {env.time!r} (HHMM[SS[d..]])")
        agency = seg.value(7)
        if agency and agency not in ("X", "T"):
            bad(7, f"invalid responsible agency code {agency!r} (X or T)")
        control = env.control_number
        if control and not (control.isdigit() and len(control) <= 9):
            env.issues.append(
                Issue("6", Severity.ERROR, Scope.GROUP, seg.location(element=6),
                      f"group control number {control!r} is not 1 to 9 digits")
            )
        elif control in self._ic_gs06:
            env.issues.append(
                Issue("19", Severity.ERROR, Scope.GROUP, seg.location(element=6),
                      f"group control number {control} is not unique within the interchange")
            )
        if len(self._ic_gs06) < _MAX_TRACKED_CONTROLS:
            self._ic_gs06.add(control)
        version = env.version
        if version and not (len(version) >= 6 and version[:6].isdigit()):
            env.issues.append(
                Issue("2", Severity.ERROR, Scope.GROUP, seg.location(element=8),
                      f"functional group version {version!r} is not supported")
            )

    def _on_ge(self, seg: Segment) -> None:
        if self._group is None:
            self._stray_segment(seg)
            return
        self._close_message(seg.offset)
        env = self._group.envelope
        env.trailer = seg
        count, control = seg.value(1), seg.value(2)
        n = self._group_st
        if not (count.isdecimal() and int(count) == n):
            env.issues.append(
                Issue("5", Severity.ERROR, Scope.GROUP, seg.location(element=1),
                      f"GE01 is {count!r} but the group holds {n} transaction sets")
            )
        if control != env.control_number:
            env.issues.append(
                Issue("4", Severity.ERROR, Scope.GROUP, seg.location(element=2),
                      f"GE02 {control!r} does not match GS06 {env.control_number!r}")
            )
        self._group = None

    def _close_group(self, offset: int, *, missing: bool) -> None:
        if self._group is None:
            return
        env = self._group.envelope
        if missing and env.header is not None:  # an implicit group (ST without GS) has none
            env.issues.append(
                Issue("3", Severity.ERROR, Scope.GROUP, Location(offset=offset),
                      f"functional group {env.control_number} has no GE trailer")
            )
        self._group = None

    def _on_st(self, seg: Segment) -> None:
        ic = self._ic
        if ic is None:
            self._stray_segment(seg)
            return
        self._close_message(seg.offset)
        if self._group is None:  # reported where it was read, before it is numbered
            self._stray_segment(Segment.at(seg.tag, seg.raw, seg.delimiters, seg.offset))
            group = Group(Envelope(offset=seg.offset))
            ic.groups.append(group)
            self._group = group
            self._group_st = 0
            self._group_st02 = set()
        group = self._group
        self._ic_index += 1
        self._group_st += 1
        fields = seg.raw.split(seg.delimiters.element)
        msg = Message(
            standard=Standard.X12,
            type=fields[1] if len(fields) > 1 else "",
            control_number=fields[2] if len(fields) > 2 else "",
            version=group.envelope.version,
            segments=[seg],
            offset=seg.offset,
            interchange=ic.envelope,
            group=group.envelope,
            index=self._ic_index,
        )
        self._msg, self._segs, self._num = msg, msg.segments, 1
        if self._retain:
            group.messages.append(msg)
        self._check_st(seg, msg.type, msg.control_number)
        if len(self._group_st02) < _MAX_TRACKED_CONTROLS:
            self._group_st02.add(msg.control_number)

    def _check_st(self, seg: Segment, kind: str, control: str) -> None:
        if not kind:
            self._add_msg_issue("1", Scope.ELEMENT, seg.location(element=1),
                                "mandatory element ST01 is missing")
            self._add_msg_issue("6", Scope.TRANSACTION, seg.location(element=1),
                                "missing transaction set identifier")
        elif not (kind.isdigit() and len(kind) == 3):
            self._add_msg_issue("6", Scope.TRANSACTION, seg.location(element=1),
                                f"invalid transaction set identifier {kind!r}")
        if not control:
            self._add_msg_issue("1", Scope.ELEMENT, seg.location(element=2),
                                "mandatory element ST02 is missing")
            self._add_msg_issue("7", Scope.TRANSACTION, seg.location(element=2),
                                "missing transaction set control number")
        elif not 4 <= len(control) <= 9:
            code = "4" if len(control) < 4 else "5"
            self._add_msg_issue(code, Scope.ELEMENT, seg.location(element=2),
                                f"ST02 {control!r} must be 4 to 9 characters")
            self._add_msg_issue("7", Scope.TRANSACTION, seg.location(element=2),
                                f"invalid transaction set control number {control!r}")
        elif control in self._group_st02:
            self._add_msg_issue("23", Scope.TRANSACTION, seg.location(element=2),
                                f"transaction set control number {control} is not unique "
                                "within the group")

    def _on_se(self, seg: Segment) -> None:
        msg = self._msg
        if msg is None:
            self._stray_segment(seg)
            return
        self._num += 1
        msg.segments.append(seg)
        fields = seg.raw.split(seg.delimiters.element)
        count = fields[1] if len(fields) > 1 else ""
        control = fields[2] if len(fields) > 2 else ""
        self._check_se(msg, seg, count, control)
        self._ready.append(msg)
        self._count += self._num
        self._msg, self._segs, self._num = None, None, 0

    def _check_se(self, msg: Message, seg: Segment, count: str, control: str) -> None:
        if not (count.isdecimal() and int(count) == self._num):
            msg.issues.append(
                Issue("4", Severity.ERROR, Scope.TRANSACTION, seg.location(element=1),
                      f"SE01 is {count!r} but the transaction set has {self._num} segments")
            )
        if control != msg.control_number:
            msg.issues.append(
                Issue("3", Severity.ERROR, Scope.TRANSACTION, seg.location(element=2),
                      f"SE02 {control!r} does not match ST02 {msg.control_number!r}")
            )

    def _close_message(self, offset: int) -> None:
        msg = self._msg
        if msg is None:
            return
        msg.issues.append(
            Issue("2", Severity.ERROR, Scope.TRANSACTION, Location(offset=offset),
                  f"transaction set {msg.control_number} has no SE trailer")
        )
        self._ready.append(msg)
        self._count += self._num
        self._msg, self._segs, self._num = None, None, 0

    def _finish(self, offset: int) -> None:
        if self._ic is not None:
            self._close_interchange(offset, missing=True)
