"""Streaming EDIFACT reader: bytes -> interchanges, groups, messages of located segments.

How the input is read
---------------------
* The binary stream is read in chunks and decoded as latin-1, so one character is one byte and
  every index is a byte offset. Values of interchanges whose character set (UNB S001 0001) is
  not ISO 8859-1 are re-decoded per segment, and only for segments that hold non-ASCII bytes.
  Bytes that are not valid in the declared set give an issue with code 21 (the value is then
  decoded leniently: UTF-8 if it is valid UTF-8, else latin-1 / replacement characters).
* Segments are found with `str.split` on the terminator. The release character only costs
  something where `release + terminator` occurs: a terminator preceded by an odd run of release
  characters is data (`?'`), an even run is not (`??'`).
* Line breaks: when the terminator is not itself CR or LF, CR and LF are never data. Line
  breaks and blanks after a terminator are skipped, and CR/LF inside a segment (hard-wrapped
  transmissions, fixed-width lines, a line break inside a value) are removed from the segment
  text. Segment offsets are the byte offsets of the first character of the tag in the input.
  The common layout "terminator + one line break" is split on both at once.
* Speed: in a clean ASCII window the tags of all pieces are looked up at once among the
  four-character prefixes of body segments already read (`edi.tagscan.TagTable`, per element
  separator), and each run of known segments between two pieces that need a look of their
  own (service segments, new or odd tags, blanks) is turned into segments by C-level
  iteration (`Segment.many`, one shared `Span` per run, so byte offsets are only summed when
  asked for). Windows with line breaks inside segments or with non-ASCII bytes take a
  per-segment loop, which reads the same (the tests compare the two).
* Each UNA / UNB starts a new set of service characters; a file may hold several interchanges
  with different UNA strings.
* Elements are split lazily by `edi.model.Segment`.

Problems are `Issue` values with CONTRL 0085 codes (see `edi.edifact.syntax`); only a stream that
cannot be read on (no UNB at the start, unusable UNA, a segment over `Limits.max_segment_bytes`,
read error) raises `UnreadableStream`. An interchange over `Limits.max_segments_per_interchange`
segments gets a code 18 error, its open message is dropped and the rest of it is skipped up to
its UNZ; the next interchange is read normally (as in the X12 reader).

With `retain=False` messages are yielded and not kept; `result.interchanges` keeps one
`Interchange` per interchange with its groups but without their messages, so memory is bounded
by one message plus the envelope headers.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from itertools import accumulate, repeat
from operator import add
from typing import BinaryIO

import numpy as np

from edi.edifact import syntax as sx
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
from edi.tagscan import RELOOKUP_GAP, RELOOKUP_WINDOW, TagTable

CHUNK_SIZE = 1 << 20
_FIRST_WINDOW = 1 << 16
_SERVICE = frozenset({"UNA", "UNB", "UNG", "UNE", "UNZ", "UNH", "UNT"})
_BOM = "\xef\xbb\xbf"
_MAX_RESULT_ISSUES = 1000
_BLANKS = " \t\r\n\x00"
_BATCH_MIN_PIECES = 1  # a clean window of at least this many pieces is read by runs
_TABLE_MIN_PIECES = 64  # below this, numpy's fixed cost outweighs the per-segment saving
_MAX_KNOWN_TAGS = 4096

ERROR = Severity.ERROR
WARNING = Severity.WARNING


def _split(text: str, term: str, rel: str | None) -> list[str]:
    """Split on unreleased terminators: `?'` is data, `??'` is a literal `?` + terminator."""
    if not rel or (rel + term) not in text:
        return text.split(term)
    pair = rel + term
    cuts: list[int] = []
    i = text.find(pair)
    while i >= 0:
        j = i
        while j > 0 and text[j - 1] == rel:
            j -= 1
        if (i - j) % 2 == 0:  # odd run of release characters: the terminator is data
            cuts.append(i + 1)
        i = text.find(pair, i + 1)
    if not cuts:
        return text.split(term)
    pieces: list[str] = []
    start = 0
    carry: str | None = None
    for cut in cuts:
        region = text[start:cut].split(term)
        if carry is not None:
            region[0] = carry + term + region[0]
        carry = region.pop()
        pieces.extend(region)
        start = cut + len(term)
    region = text[start:].split(term)
    if carry is not None:
        region[0] = carry + term + region[0]
    pieces.extend(region)
    return pieces


def position_in_segment(raw: str, index: int, d: Delimiters) -> tuple[int, int, int]:
    """(element, component, repetition) of character `index` of a segment's raw text."""
    element, component, repetition = 0, 1, 1
    i = 0
    while i < index and i < len(raw):
        ch = raw[i]
        if ch == d.release:
            i += 2
            continue
        if ch == d.element:
            element, component, repetition = element + 1, 1, 1
        elif ch == d.component:
            component += 1
        elif d.repetition and ch == d.repetition:
            repetition, component = repetition + 1, 1
        i += 1
    return element, component, repetition


def _valid_date(value: str) -> str | None:
    """None when `value` is YYMMDD or CCYYMMDD, else the 0085 code."""
    if not value.isdigit() or not value.isascii():
        return sx.INVALID_CHARACTER_TYPE
    if len(value) not in (6, 8):
        return sx.TOO_SHORT if len(value) < 6 else sx.TOO_LONG
    year = int(value[:-4]) + (2000 if len(value) == 6 else 0)
    try:
        _dt.date(year, int(value[-4:-2]), int(value[-2:]))
    except ValueError:
        return sx.INVALID_VALUE
    return None


def _valid_time(value: str) -> str | None:
    if not value.isdigit() or not value.isascii():
        return sx.INVALID_CHARACTER_TYPE
    if len(value) not in (4, 6):
        return sx.TOO_SHORT if len(value) < 4 else sx.TOO_LONG
    if int(value[:2]) > 23 or int(value[2:4]) > 59 or (len(value) == 6 and int(value[4:]) > 59):
        return sx.INVALID_VALUE
    return None


class EdifactReader:
    """Iterate to get `Message` objects; afterwards `result` holds the interchanges and issues."""

    # Slots: attribute reads and writes at C speed (and more than 30 attributes would
    # otherwise leave every instance a dictionary of its own).
    __slots__ = (
        "_check_charset",
        "_chunk_size",
        "_codec",
        "_d",
        "_eof",
        "_explicit_groups",
        "_group",
        "_group_messages",
        "_ic",
        "_ic_groups",
        "_ic_messages",
        "_ic_refs",
        "_ic_seen",
        "_ic_segments",
        "_implicit",
        "_known",
        "_last_offset",
        "_limits",
        "_msg",
        "_msg_refs",
        "_need_more",
        "_number",
        "_out",
        "_outside_reported",
        "_pending",
        "_rel",
        "_retain",
        "_segs",
        "_skipping",
        "_stream",
        "_table",
        "_term",
        "result",
    )

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
        self._chunk_size = max(16, chunk_size)
        self.result = ParseResult(Standard.EDIFACT)
        # split state: the terminator / release the current text is split with
        d = sx.delimiters_from_una(sx.DEFAULT_UNA)
        self._d = d
        self._term = d.segment
        self._rel = d.release
        self._pending: tuple[str, Segment | None] | None = None  # UNA chars + UNA segment
        self._need_more = False
        self._eof = False
        # envelope state
        self._ic: Interchange | None = None
        self._ic_seen = 0
        self._ic_refs: set[str] = set()
        self._ic_messages = 0
        self._ic_groups = 0
        self._ic_segments = 0
        self._msg_refs: set[str] = set()
        self._implicit: Group | None = None
        self._group: Group | None = None  # explicit UNG group
        self._group_messages = 0
        self._explicit_groups = False
        self._msg: Message | None = None
        self._segs: list[Segment] | None = None
        self._number = 0
        self._out: list[Message] = []
        self._codec = "latin-1"
        self._check_charset = False
        self._outside_reported = False
        self._last_offset = 0
        self._skipping = False  # the interchange went over the segment limit
        # tags of body segments by their first four characters, per element separator
        self._known: dict[str, dict[str, str]] = {}
        self._table = TagTable()

    # ------------------------------------------------------------------ reading loop

    def __iter__(self) -> Iterator[Message]:
        return self._run()

    def _read(self) -> str:
        try:
            data = self._stream.read(self._chunk_size)
        except (OSError, ValueError) as exc:
            raise UnreadableStream(
                "read-failed", f"the stream cannot be read: {exc}",
                Location(offset=self._last_offset),
            ) from exc
        if not data:
            self._eof = True
            return ""
        return data.decode("latin-1")

    def _run(self) -> Iterator[Message]:
        text = self._read()
        base = 0
        # skip a BOM and leading blanks; the first segment must be UNA or UNB
        start = 0
        if text.startswith(_BOM):
            start = 3
        while True:
            stripped = text[start:].lstrip(" \t\r\n\x00")
            start = len(text) - len(stripped)
            if len(stripped) >= 3 or self._eof:
                break
            text += self._read()
        if text[start:start + 3] not in ("UNA", "UNB"):
            raise UnreadableStream(
                "not-edifact",
                f"an EDIFACT interchange starts with UNA or UNB, found {text[start:start + 12]!r}",
                Location(offset=start),
            )
        pos = start
        window = _FIRST_WINDOW
        max_seg = self._limits.max_segment_bytes
        Seg = Segment
        service = _SERVICE
        while True:
            # ---- one window of text: split it into segments
            term, rel = self._term, self._rel
            end = min(len(text), pos + window)
            avail = text[pos:end]
            sep = term
            # blanks before a segment are dropped lazily (where a tag does not parse);
            # line breaks need a look at the whole window
            dirty = "\n" in avail or "\r" in avail
            if dirty and term not in "\r\n":
                sep = self._line_separator(avail, term, rel)
                dirty = sep == term
            tl = len(sep)
            pieces = _split(avail, sep, rel)
            last_complete = self._eof and end == len(text)
            if not last_complete:
                pieces.pop()  # incomplete (or empty) remainder, carried on
            unterminated = False
            if last_complete and pieces:
                if pieces[-1].strip(" \t\r\n\x00"):
                    unterminated = True
                else:
                    pieces.pop()  # blanks after the last terminator
            lens = list(map(len, pieces))
            if lens and max(lens) > max_seg:
                self._too_long(base + pos)
            nonascii = not avail.isascii()
            check = self._check_charset and nonascii
            slow = dirty or check
            d = self._d
            es = d.element
            segs = self._segs
            number = self._number
            resplit = None
            bad = None
            offsets = accumulate(map(add, lens, repeat(tl)), initial=base + pos)
            if not dirty and not nonascii and len(pieces) >= _BATCH_MIN_PIECES:
                # Clean ASCII window: the tags of all its pieces are looked up at once among
                # the prefixes already seen (`TagTable`), and each run of known body segments
                # between two pieces that need a look of their own (service segments, new or
                # odd tags, blanks) becomes Segments by C-level iteration (`Segment.many`),
                # sharing one `Span`; offsets are summed only up to each run and each piece
                # looked at.
                known = self._known.setdefault(es, {})
                count = len(pieces)
                heads = None
                if count >= _TABLE_MIN_PIECES:
                    heads = TagTable.heads_at(avail, lens, tl)
                look_up = self._table.look_up
                tags, misses = look_up(known, pieces, heads)
                done, done_off = 0, base + pos  # the offset of pieces[done]
                a = relook_at = 0
                while a < count:
                    i = misses.find(1, a)
                    if i < 0:
                        i = count
                    if i > a:
                        done_off += sum(lens[done:a]) + tl * (a - done)
                        done = a
                        if segs is None:
                            for k in range(a, i):
                                self._outside(tags[k], pieces[k], done_off)
                                done_off += lens[k] + tl
                                done = k + 1
                        else:
                            raws = pieces[a:i]
                            span = Span(d, done_off, number + 1, raws, tl)
                            segs.extend(Seg.many(tags[a:i], raws, span))
                            number += i - a
                    if i == count:
                        break
                    p = pieces[i]
                    learnt = known.get(p[:4])
                    if learnt is not None:
                        # a tag learnt after this window was looked up (see RELOOKUP_GAP)
                        if i >= relook_at:
                            relook_at = i + RELOOKUP_GAP
                            stop = min(count, i + RELOOKUP_WINDOW)
                            tags[i:stop], misses[i:stop] = look_up(known, pieces, heads, i, stop)
                        tags[i] = learnt
                        misses[i] = 0
                        a = i
                        continue
                    done_off += sum(lens[done:i]) + tl * (i - done)
                    done = i
                    off = done_off
                    a = i + 1
                    if p[3:4] == es:
                        tag = p[:3]
                    else:
                        if p and p[0] in _BLANKS:
                            p, at = self._clean(p, off - base, term)
                            off = base + at
                        tag = self._tag(p, d)
                        if tag is None:
                            continue
                    if tag not in service:
                        if (p is pieces[i] and p[3:4] == es and tag.isalnum()
                                and len(known) < _MAX_KNOWN_TAGS):
                            known[p[:4]] = tag  # the next pieces so tagged go by the table
                        if segs is None:
                            self._outside(tag, p, off)
                        else:
                            number += 1
                            segs.append(Seg((tag, p, Span(d, off), number)))
                        continue
                    self._number = number
                    if tag == "UNT" and not self._skipping:
                        self._unt(p, off)
                    elif tag == "UNH" and not self._skipping:
                        self._unh(p, off)
                    else:  # (skips UNH/UNT in an interchange over the segment limit)
                        resplit = self._service(tag, p, off, off - base, text)
                    out = self._out
                    if out:
                        self._out = []
                        yield from out
                    segs = self._segs
                    number = self._number
                    if resplit is not None:
                        break
                    d = self._d
                    if d.element != es and a < count:
                        # new element separator: split again
                        resplit = done_off + lens[i] + tl - base
                        break
            else:
                for p, off in zip(pieces, offsets, strict=False):
                    if slow:
                        if dirty:
                            p, at = self._clean(p, off - base, term)
                            if not p:
                                continue
                            off = base + at
                        bad = None
                        if check and not p.isascii():
                            p, bad = self._redecode(p, d)
                    if p[3:4] == es:
                        tag = p[:3]
                    else:
                        if p and p[0] in _BLANKS:
                            p, at = self._clean(p, off - base, term)
                            off = base + at
                        tag = self._tag(p, d)
                        if tag is None:
                            continue
                    if tag in service:
                        self._number = number
                        resplit = self._service(tag, p, off, off - base, text)
                        if bad is not None:
                            self._char_issue(tag, off, bad, 0)
                        out = self._out
                        if out:
                            self._out = []
                            yield from out
                        d = self._d
                        es = d.element
                        segs = self._segs
                        number = self._number
                        check = self._check_charset and nonascii
                        slow = dirty or check
                        if resplit is not None:
                            break
                        continue
                    if segs is None:
                        self._outside(tag, p, off)
                        continue
                    number += 1
                    segs.append(Seg((tag, p, Span(d, off), number)))
                    if bad is not None:
                        self._char_issue(tag, off, bad, number)
            if resplit is None:
                idx = min(pos + sum(lens) + tl * len(pieces), end)
                if unterminated:
                    self._ic_issue(sx.MISSING, None, "segment terminator missing at end of input",
                                   severity=WARNING, offset=base + end)
            self._number = number
            if number > self._limits.max_segments_per_interchange:
                self._reject_interchange(base + pos)
            if resplit is not None:
                pos = resplit
                window = _FIRST_WINDOW
                if not self._need_more:
                    continue
                self._need_more = False
                idx = pos
            elif last_complete:
                break
            # ---- carry the incomplete remainder; read more when the window reached the end
            if end < len(text) and resplit is None:
                # no complete segment in the window: widen it to the end of the text
                window = min(window * 2, self._chunk_size) if idx > pos else len(text) - pos + 1
                pos = idx
                continue
            if len(text) - idx > max_seg:
                self._too_long(base + idx)
            text = text[idx:]
            base += idx
            self._last_offset = base
            pos = 0
            more = self._read()
            text += more
            window = max(window, min(len(text) + 1, self._chunk_size * 2))
        self._finish(base + len(text))
        while self._out:
            yield self._out.pop(0)

    @staticmethod
    def _line_separator(avail: str, term: str, rel: str | None) -> str:
        """`term + line break` when every terminator is followed by the same line break and
        there are no other line breaks or blanks to drop, else `term` (the general path)."""
        nl = "\r\n" if "\r" in avail else "\n"
        cand = term + nl
        if len(term) != 1:  # pragma: no cover - a UNA terminator is one character
            return term
        # counted with numpy: a Python `str.count` per character costs ~4 instructions a byte
        codes = np.frombuffer(avail.encode("latin-1"), dtype=np.uint8)
        t = ord(term)
        lf = np.flatnonzero(codes == 10)
        n = len(lf)
        if not n:
            return term
        if nl == "\n":
            if lf[0] < 1 or not (codes[lf - 1] == t).all():
                return term
        elif (
            lf[0] < 2
            or not ((codes[lf - 1] == 13) & (codes[lf - 2] == t)).all()
            or np.count_nonzero(codes == 13) != n
        ):
            return term
        # A UNA at the start of a line whose terminator is directly followed by UNB: the
        # split on `term + nl` keeps them in one piece and the UNA handler re-splits there.
        extra = 0
        i = avail.find("UNA")
        while i >= 0:
            if (
                (i == 0 or avail[i - 1] == "\n")
                and avail[i + 8:i + 9] == term
                and avail[i + 9:i + 10] not in ("\n", "\r", "")
            ):
                extra += 1
            i = avail.find("UNA", i + 3)
        terms = np.flatnonzero(codes == t)
        loose = len(terms) - n - avail.endswith(term) - extra
        if loose == 0:
            return cand
        if rel and len(rel) == 1:
            released = np.count_nonzero(codes[terms[terms > 0] - 1] == ord(rel))
            if loose == released:
                return cand
        return term

    def _clean(self, p: str, at: int, term: str) -> tuple[str, int]:
        """Drop blanks / line breaks before a segment and CR/LF inside it."""
        q = p.lstrip(" \t\r\n\x00") if term not in " \t\r\n" else p.lstrip(" \t\x00")
        at += len(p) - len(q)
        if term not in "\r\n":
            if "\n" in q or "\r" in q:
                q = q.replace("\r", "").replace("\n", "")
        elif term == "\n" and q.endswith("\r"):
            q = q[:-1]
        return q, at

    def _tag(self, p: str, d: Delimiters) -> str | None:
        if not p:
            return None
        if p[:3] in ("UNA", "UNB") and not p[3:4].isalnum():
            return p[:3]
        i = p.find(d.element)
        tag = p if i < 0 else p[:i]
        j = tag.find(d.component)
        return tag if j < 0 else tag[:j]

    def _reject_interchange(self, offset: int) -> None:
        """Over `Limits.max_segments_per_interchange`: as the X12 reader does, an error on the
        interchange, the open message dropped and the rest of the interchange skipped up to
        its UNZ (or the next UNA / UNB); the next interchange is read normally."""
        self._ic_issue(sx.UNSPECIFIED, None,
                       f"more than {self._limits.max_segments_per_interchange} segments in one "
                       "interchange; the rest of it is skipped", offset=offset)
        self._msg = None
        self._segs = None
        self._number = 0
        self._skipping = True

    def _too_long(self, offset: int) -> None:
        raise UnreadableStream(
            "segment-too-large",
            f"a segment is longer than {self._limits.max_segment_bytes} bytes",
            Location(offset=offset),
        )

    # ------------------------------------------------------------------ characters

    def _redecode(self, p: str, d: Delimiters) -> tuple[str, tuple[int, int, int, int] | None]:
        """Decode a segment's bytes with the interchange's character set.

        Returns the text and, when a byte is invalid in that set, (index, element, component,
        repetition) of the first invalid character.
        """
        raw = p.encode("latin-1")
        codec = self._codec
        bad_at: int | None = None
        if codec == "ascii":
            bad_at = next(i for i, ch in enumerate(p) if ord(ch) > 0x7F)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = p
        else:
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                bad_at = exc.start
                text = raw.decode(codec, "replace")
        if bad_at is None:
            return text, None
        return text, (bad_at, *position_in_segment(p, bad_at, d))

    def _char_issue(self, tag: str, offset: int, bad: tuple[int, int, int, int], number: int):
        index, element, component, repetition = bad
        charset = self._ic.envelope.extra.get("syntax_identifier", "") if self._ic else ""
        loc = Location(
            offset=offset,
            segment_number=number or None,
            segment_tag=tag,
            element=element or None,
            component=component if element else None,
            repetition=repetition if element and repetition > 1 else None,
        )
        msg = (
            f"invalid character for character set {charset} at byte {offset + index}"
        )
        if self._msg is not None and (number or tag in ("UNH", "UNT")):
            scope = Scope.ELEMENT if number and tag not in ("UNH", "UNT") else Scope.TRANSACTION
            self._msg.issues.append(Issue(sx.INVALID_CHARACTER, ERROR, scope, loc, msg))
        elif self._group is not None and tag in ("UNG", "UNE"):
            self._group.envelope.issues.append(
                Issue(sx.INVALID_CHARACTER, ERROR, Scope.GROUP, loc, msg)
            )
        elif self._ic is not None:
            self._ic.envelope.issues.append(
                Issue(sx.INVALID_CHARACTER, ERROR, Scope.INTERCHANGE, loc, msg)
            )
        else:
            self._result_issue(Issue(sx.INVALID_CHARACTER, ERROR, Scope.INTERCHANGE, loc, msg))

    # ------------------------------------------------------------------ issues helpers

    def _result_issue(self, issue: Issue) -> None:
        if len(self.result.issues) < _MAX_RESULT_ISSUES:
            self.result.issues.append(issue)

    def _ic_issue(self, code: str, seg: Segment | None, message: str, element=None,
                  component=None, severity: Severity = ERROR, tag: str | None = None,
                  offset: int | None = None) -> None:
        loc = self._loc(seg, element, component, tag, offset)
        issue = Issue(code, severity, Scope.INTERCHANGE, loc, message)
        if self._ic is not None:
            if len(self._ic.envelope.issues) < _MAX_RESULT_ISSUES:
                self._ic.envelope.issues.append(issue)
        else:
            self._result_issue(issue)

    def _group_issue(self, group: Group, code: str, seg: Segment | None, message: str,
                     element=None, component=None, severity: Severity = ERROR,
                     tag: str | None = None, offset: int | None = None) -> None:
        loc = self._loc(seg, element, component, tag, offset)
        group.envelope.issues.append(Issue(code, severity, Scope.GROUP, loc, message))

    def _msg_issue(self, msg: Message, code: str, seg: Segment | None, message: str,
                   element=None, component=None, severity: Severity = ERROR,
                   tag: str | None = None, offset: int | None = None,
                   number: int | None = None) -> None:
        loc = self._loc(seg, element, component, tag, offset, number)
        msg.issues.append(Issue(code, severity, Scope.TRANSACTION, loc, message))

    @staticmethod
    def _loc(seg: Segment | None, element=None, component=None, tag=None, offset=None,
             number=None) -> Location:
        if seg is not None:
            return seg.location(element, component)
        return Location(offset=offset, segment_number=number, segment_tag=tag,
                        element=element, component=component)

    # ------------------------------------------------------------------ service segments

    def _service(self, tag: str, p: str, offset: int, at: int, text: str) -> int | None:
        if self._skipping and tag not in ("UNA", "UNB", "UNZ"):
            return None
        if tag == "UNH":
            self._unh(p, offset)
        elif tag == "UNT":
            self._unt(p, offset)
        elif tag == "UNA":
            return self._una(p, offset, at, text)
        elif tag == "UNB":
            return self._unb(p, offset, at)
        elif tag == "UNG":
            self._ung(p, offset)
        elif tag == "UNE":
            self._une(p, offset)
        else:
            self._unz(p, offset)
        return None

    def _una(self, p: str, offset: int, at: int, text: str) -> int | None:
        if len(text) - at < 9 and not self._eof:
            self._need_more = True
            return at
        una = text[at:at + 9]
        if self._ic is not None:
            self._close_interchange(offset, "UNA")
        chars = una[3:9]
        if len(chars) < 6:
            if self._ic_seen == 0:
                raise UnreadableStream("bad-una", "the UNA service string is truncated",
                                       Location(offset=offset, segment_tag="UNA"))
            self._ic_issue(sx.MISSING, None, "truncated UNA service string", tag="UNA",
                           offset=offset)
            return None
        comp, elem, _dec, rel, _rep, term = chars
        needed = [comp, elem, term] + ([rel] if rel not in (" ", "\x00") else [])
        if len(set(needed)) != len(needed) or any(c.isalnum() for c in needed):
            raise UnreadableStream(
                "bad-una",
                f"the UNA service characters {chars!r} are not distinct non-alphanumeric "
                "characters",
                Location(offset=offset, segment_tag="UNA"),
            )
        d = sx.delimiters_from_una(chars)
        seg = Segment.at("UNA", una[:8], d, offset, 0)
        self._pending = (chars, seg)
        new_rel = d.release
        if term == self._term and new_rel == self._rel:
            if len(p) == 8 and text[at + 8:at + 9] == term:
                return None
            if p[8:9] == term and len(p) > 9:
                # split on `term + line break` while the UNA is directly followed by the next
                # segment: the rest of the piece is that segment (see _line_separator)
                rest = p[9:]
                tag = self._tag(rest, d) or ""
                if tag in _SERVICE:
                    return self._service(tag, rest, offset + 9, at + 9, text)
                self._outside(tag, rest, offset + 9)
                return None
        self._term, self._rel = term, new_rel
        return at + 9

    def _unb(self, p: str, offset: int, at: int) -> int | None:
        if self._ic is not None:
            self._close_interchange(offset, "UNB")
        if self._pending is not None:
            chars, una_seg = self._pending
        else:
            chars = sx.CONTROL_UNA if p[3:4] == "\x1d" else sx.DEFAULT_UNA
            una_seg = None
        probe = sx.delimiters_from_una(chars, "3")
        if probe.segment != self._term or probe.release != self._rel:
            self._term, self._rel = probe.segment, probe.release
            self._pending = (chars, una_seg)
            return at
        self._pending = None
        self._outside_reported = False
        head = Segment.at("UNB", p, probe, offset, 0)
        syntax_id = head.value(1, 1)
        version = head.value(1, 2)
        d = sx.delimiters_from_una(chars, version if version in sx.SYNTAX_VERSIONS else "3")
        self._d = d
        seg = Segment.at("UNB", p, d, offset, 0)
        env = Envelope(
            control_number=head.value(5),
            sender=head.value(2, 1),
            sender_qualifier=head.value(2, 2),
            receiver=head.value(3, 1),
            receiver_qualifier=head.value(3, 2),
            version=f"{syntax_id}:{version}" if version else syntax_id,
            date=head.value(4, 1),
            time=head.value(4, 2),
            test=head.value(11) == "1",
            ack_requested=head.value(9) == "1",
            header=seg,
            offset=offset,
        )
        codec = sx.CHARSETS.get(syntax_id)
        env.extra["charset"] = codec or "latin-1"
        env.extra["syntax_identifier"] = syntax_id
        env.extra["syntax_version"] = version
        if una_seg is not None:
            env.extra["una"] = una_seg.raw + chars[5]
        ic = Interchange(Standard.EDIFACT, env, d, offset=offset)
        self._ic = ic
        self._ic_seen += 1
        self.result.interchanges.append(ic)
        self._ic_messages = self._ic_groups = self._ic_segments = 0
        self._msg_refs = set()
        self._implicit = None
        self._group = None
        self._explicit_groups = False
        self._codec = codec or "latin-1"
        self._check_charset = self._codec != "latin-1"
        self._check_unb(seg, head, syntax_id, version, codec)
        return None

    def _check_unb(self, seg: Segment, head: Segment, syntax_id: str, version: str,
                   codec: str | None) -> None:
        env = self._ic.envelope  # type: ignore[union-attr]
        for element, component, name in (
            (1, 1, "syntax identifier (S001 0001)"),
            (1, 2, "syntax version (S001 0002)"),
            (2, 1, "interchange sender (S002 0004)"),
            (3, 1, "interchange recipient (S003 0010)"),
            (4, 1, "date of preparation (S004 0017)"),
            (4, 2, "time of preparation (S004 0019)"),
            (5, 1, "interchange control reference (0020)"),
        ):
            if not head.value(element, component):
                self._ic_issue(sx.MISSING, seg, f"UNB {name} is missing", element, component)
        if syntax_id and codec is None:
            self._ic_issue(sx.SYNTAX_NOT_SUPPORTED, seg,
                           f"syntax identifier {syntax_id!r} is not supported; values are read "
                           "as ISO 8859-1", 1, 1, WARNING)
        if version and version not in sx.SYNTAX_VERSIONS:
            self._ic_issue(sx.SYNTAX_NOT_SUPPORTED, seg,
                           f"syntax version {version!r} is not supported", 1, 2)
        if env.date and (code := _valid_date(env.date)):
            self._ic_issue(code, seg, f"UNB date {env.date!r} is not YYMMDD or CCYYMMDD", 4, 1)
        if env.time and (code := _valid_time(env.time)):
            self._ic_issue(code, seg, f"UNB time {env.time!r} is not HHMM", 4, 2)
        ref = env.control_number
        if len(ref) > 14:
            self._ic_issue(sx.TOO_LONG, seg, "UNB 0020 is longer than 14 characters", 5)
        if ref and ref in self._ic_refs:
            self._ic_issue(sx.DUPLICATE, seg,
                           f"interchange control reference {ref!r} already seen in this input",
                           5, severity=WARNING)
        if len(self._ic_refs) < 100_000:
            self._ic_refs.add(ref)
        if head.value(11) not in ("", "1"):
            self._ic_issue(sx.INVALID_VALUE, seg, "UNB test indicator (0035) must be 1", 11)
        if head.value(9) not in ("", "1"):
            self._ic_issue(sx.INVALID_VALUE, seg,
                           "UNB acknowledgement request (0031) must be 1", 9)
        if len(head.elements) > 11:
            self._ic_issue(sx.TOO_MANY_CONSTITUENTS, seg, "UNB has more than 11 elements", 12)

    def _ung(self, p: str, offset: int) -> None:
        seg = Segment.at("UNG", p, self._d, offset, 0)
        if self._ic is None:
            self._outside("UNG", p, offset)
            return
        if self._msg is not None:
            self._missing_unt(offset)
        if self._group is not None:
            self._close_group(offset, "UNG")
        if self._implicit is not None:
            self._ic_issue(sx.GROUPS_AND_MESSAGES_MIXED, seg,
                           "functional groups and messages outside groups are mixed")
        self._explicit_groups = True
        env = Envelope(
            control_number=seg.value(5),
            sender=seg.value(2, 1),
            sender_qualifier=seg.value(2, 2),
            receiver=seg.value(3, 1),
            receiver_qualifier=seg.value(3, 2),
            version=":".join(c for c in seg.components(7) if c),
            date=seg.value(4, 1),
            time=seg.value(4, 2),
            functional_id=seg.value(1),
            header=seg,
            offset=offset,
        )
        env.extra["agency"] = seg.value(6)
        group = Group(env)
        self._group = group
        self._group_messages = 0
        self._ic_groups += 1
        self._ic.groups.append(group)
        if not env.functional_id:
            self._group_issue(group, sx.MISSING, seg, "UNG 0038 (group identification) missing", 1)
        if not env.control_number:
            self._group_issue(group, sx.MISSING, seg, "UNG 0048 (group reference) missing", 5)
        elif len(env.control_number) > 14:
            self._group_issue(group, sx.TOO_LONG, seg, "UNG 0048 is longer than 14 characters", 5)
        if env.date and (code := _valid_date(env.date)):
            self._group_issue(group, code, seg, f"UNG date {env.date!r} is invalid", 4, 1)
        if env.time and (code := _valid_time(env.time)):
            self._group_issue(group, code, seg, f"UNG time {env.time!r} is invalid", 4, 2)

    def _une(self, p: str, offset: int) -> None:
        seg = Segment.at("UNE", p, self._d, offset, 0)
        if self._ic is None:
            self._outside("UNE", p, offset)
            return
        if self._msg is not None:
            self._missing_unt(offset)
        group = self._group
        if group is None:
            self._ic_issue(sx.NOT_SUPPORTED_IN_POSITION, seg, "UNE without a UNG")
            return
        group.envelope.trailer = seg
        self._check_trailer(seg, group.envelope.control_number, self._group_messages,
                            "UNE", "messages", lambda *a, **k: self._group_issue(group, *a, **k))
        self._group = None

    def _check_trailer(self, seg: Segment, ref: str, count: int, tag: str, what: str,
                       report) -> None:
        declared = seg.value(1)
        if not declared:
            report(sx.MISSING, seg, f"{tag} control count is missing", 1)
        elif not declared.isdecimal():
            report(sx.INVALID_CHARACTER_TYPE, seg, f"{tag} control count {declared!r} is not "
                   "numeric", 1)
        elif int(declared) != count:
            report(sx.CONTROL_COUNT, seg,
                   f"{tag} counts {int(declared)} {what}, {count} received", 1)
        trailer_ref = seg.value(2)
        if not trailer_ref:
            report(sx.MISSING, seg, f"{tag} reference is missing", 2)
        elif trailer_ref != ref:
            report(sx.REFERENCES_DO_NOT_MATCH, seg,
                   f"{tag} reference {trailer_ref!r} does not match header reference {ref!r}", 2)
        if count == 0:
            report(sx.LOWER_LEVEL_EMPTY, seg, f"no {what} between header and {tag}")

    def _unz(self, p: str, offset: int) -> None:
        seg = Segment.at("UNZ", p, self._d, offset, 0)
        ic = self._ic
        if ic is None:
            self._outside("UNZ", p, offset)
            return
        if self._msg is not None:
            self._missing_unt(offset)
        if self._group is not None:
            self._close_group(offset, "UNZ")
        ic.envelope.trailer = seg
        if self._explicit_groups:
            count, what = self._ic_groups, "groups"
        else:
            count, what = self._ic_messages, "messages"
        self._check_trailer(seg, ic.envelope.control_number, count, "UNZ", what,
                            self._ic_issue)
        self._ic = None
        self._implicit = None
        self._skipping = False

    def _close_group(self, offset: int, seen: str) -> None:
        group = self._group
        if group is None:
            return
        self._group_issue(group, sx.MISSING, None, f"UNE missing before {seen}", tag="UNE",
                          offset=offset)
        self._group = None

    def _close_interchange(self, offset: int, seen: str) -> None:
        if self._msg is not None:
            self._missing_unt(offset)
        if self._group is not None:
            self._close_group(offset, seen)
        self._ic_issue(sx.MISSING, None, f"UNZ missing before {seen}"
                       if seen != "EOF" else "UNZ missing at end of input",
                       tag="UNZ", offset=offset)
        self._ic = None
        self._implicit = None
        self._skipping = False

    def _current_group(self) -> Group:
        if self._group is not None:
            return self._group
        if self._implicit is None:
            self._implicit = Group(Envelope())
            self._ic.groups.append(self._implicit)  # type: ignore[union-attr]
        return self._implicit

    def _unh(self, p: str, offset: int) -> None:
        ic = self._ic
        if ic is None:
            self._outside("UNH", p, offset)
            return
        if self._msg is not None:
            self._missing_unt(offset)
        d = self._d
        seg = Segment.at("UNH", p, d, offset, 1)
        if (d.release and d.release in p) or (d.repetition and d.repetition in p):
            els = seg.elements
            ref = els[0][0][0] if els else ""
            s009 = els[1][0] if len(els) > 1 else ()
            n_elements = len(els)
        else:
            parts = p.split(d.element)
            n_elements = len(parts) - 1
            ref = parts[1].split(d.component, 1)[0] if n_elements else ""
            s009 = parts[2].split(d.component) if n_elements > 1 else ()
        end = len(s009)
        while end > 1 and not s009[end - 1]:
            end -= 1
        if self._explicit_groups and self._group is None:
            self._ic_issue(sx.GROUPS_AND_MESSAGES_MIXED, seg,
                           "message outside a functional group in an interchange with groups")
        group = self._group
        if group is not None:
            self._group_messages += 1
        else:
            group = self._current_group()
        self._ic_messages += 1
        msg = Message(
            Standard.EDIFACT,
            s009[0] if s009 else "",
            ref,
            ":".join(s009[1:end]),
            [seg],
            [],
            offset,
            ic.envelope,
            group.envelope,
            None,
            self._ic_messages,
        )
        self._msg = msg
        self._segs = msg.segments
        self._number = 1
        refs = self._msg_refs
        if not ref or len(ref) > 14 or ref in refs:
            self._check_message_ref(msg, seg, ref)
        elif len(refs) < 100_000:
            refs.add(ref)
        if end < 4 or not all(s009[:4]) or n_elements > 7:
            self._check_unh(msg, seg)

    def _check_message_ref(self, msg: Message, seg: Segment, ref: str) -> None:
        if not ref:
            self._msg_issue(msg, sx.MISSING, seg, "UNH message reference (0062) is missing", 1)
        elif len(ref) > 14:
            self._msg_issue(msg, sx.TOO_LONG, seg, "UNH 0062 is longer than 14 characters", 1)
        else:
            self._msg_issue(msg, sx.DUPLICATE, seg,
                            f"message reference {ref!r} already used in this interchange", 1,
                            severity=WARNING)

    def _check_unh(self, msg: Message, seg: Segment) -> None:
        for component, name in ((1, "0065 message type"), (2, "0052 version"),
                                (3, "0054 release"), (4, "0051 controlling agency")):
            if not seg.value(2, component):
                self._msg_issue(msg, sx.MISSING, seg, f"UNH S009 {name} is missing", 2,
                                component)
        if len(seg.elements) > 7:
            self._msg_issue(msg, sx.TOO_MANY_CONSTITUENTS, seg, "UNH has more than 7 elements",
                            8)

    def _unt(self, p: str, offset: int) -> None:
        msg = self._msg
        if msg is None:
            seg = Segment.at("UNT", p, self._d, offset, 0)
            if self._ic is None:
                self._outside("UNT", p, offset)
            else:
                self._ic_issue(sx.NOT_SUPPORTED_IN_POSITION, seg, "UNT without a UNH")
            return
        number = self._number + 1
        seg = Segment.at("UNT", p, self._d, offset, number)
        msg.segments.append(seg)
        d = self._d
        if (d.release and d.release in p) or (d.repetition and d.repetition in p):
            els = seg.elements
            declared = els[0][0][0] if els else ""
            ref = els[1][0][0] if len(els) > 1 else ""
        else:
            parts = p.split(d.element)
            declared = parts[1] if len(parts) > 1 else ""
            ref = parts[2] if len(parts) > 2 else ""
            if d.component in declared or d.component in ref:
                declared, ref = seg.value(1), seg.value(2)
        if declared.isdecimal() and int(declared) == number and ref == msg.control_number:
            self._end_message(number)
            return
        if not declared:
            self._msg_issue(msg, sx.MISSING, seg, "UNT segment count (0074) is missing", 1)
        elif not declared.isdecimal():
            self._msg_issue(msg, sx.INVALID_CHARACTER_TYPE, seg,
                            f"UNT segment count {declared!r} is not numeric", 1)
        elif int(declared) != number:
            self._msg_issue(msg, sx.CONTROL_COUNT, seg,
                            f"UNT counts {int(declared)} segments, {number} received", 1)
        if not ref:
            self._msg_issue(msg, sx.MISSING, seg, "UNT message reference (0062) is missing", 2)
        elif ref != msg.control_number:
            self._msg_issue(msg, sx.REFERENCES_DO_NOT_MATCH, seg,
                            f"UNT reference {ref!r} does not match UNH reference "
                            f"{msg.control_number!r}", 2)
        self._end_message(number)

    def _missing_unt(self, offset: int) -> None:
        msg = self._msg
        if msg is None:
            return
        self._msg_issue(msg, sx.MISSING, None, "UNT missing: message not terminated",
                        tag="UNT", offset=offset, number=self._number + 1)
        self._end_message(self._number)

    def _end_message(self, number: int) -> None:
        msg = self._msg
        if msg is None:
            return
        self._ic_segments += number
        if self._ic_segments > self._limits.max_segments_per_interchange:
            self._reject_interchange(msg.offset)
            return
        if self._retain:
            group = self._group if self._group is not None else self._implicit
            if group is not None:
                group.messages.append(msg)
        self._out.append(msg)
        self._msg = None
        self._segs = None
        self._number = 0

    def _outside(self, tag: str, p: str, offset: int) -> None:
        if self._skipping:
            return
        if self._ic is None:
            if not self._outside_reported:
                self._outside_reported = True
                self._result_issue(Issue(
                    sx.OUTSIDE_MESSAGE, ERROR, Scope.INTERCHANGE,
                    Location(offset=offset, segment_tag=tag),
                    f"segment {tag} outside any interchange (skipped up to the next UNB)",
                ))
            return
        seg = Segment.at(tag, p, self._d, offset, 0)
        self._ic_issue(sx.OUTSIDE_MESSAGE, seg, f"segment {tag} outside a message (UNH..UNT)")

    def _finish(self, offset: int) -> None:
        if self._ic is not None:
            self._close_interchange(offset, "EOF")
        elif self._pending is not None and self._pending[1] is not None:
            self._result_issue(Issue(sx.MISSING, ERROR, Scope.INTERCHANGE,
                                     Location(offset=offset, segment_tag="UNB"),
                                     "UNA not followed by UNB"))
