"""A stored file's raw text as numbered segments, each with the issues located in it.

Issues carry the byte offset of the problem in the file (and the segment number within its
message); an issue is shown beside the segment whose bytes contain its offset. X12 takes its
segment terminator from the ISA header, EDIFACT from UNA (or the default `'`, honouring the
release character); XML is shown line by line and its issues by line number.

Only the start of the file that is shown is read, so a file of any size costs the page what
its first segments cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from schemas.api import IssueRead

MAX_SEGMENTS = 2000  # a page stays light; the whole file is one download away
MAX_SHOWN_BYTES = 4 * 1024 * 1024  # nor more than this of a file of a few huge segments
_PIECE = 64 * 1024
_BLANKS = b" \t\r\n\x00"
_TAG = re.compile(r"[A-Za-z0-9]{2,3}")


@dataclass(slots=True)
class RawSegment:
    index: int  # 1-based position in the file
    offset: int
    text: str
    number: int | None = None  # position within its message (ST / UNH = 1)
    issues: list[IssueRead] = field(default_factory=list)


@dataclass(slots=True)
class RawView:
    segments: list[RawSegment]
    unplaced: list[IssueRead]  # issues without a position in the shown text
    truncated: bool


def _spans(content: bytes, terminator: int, release: int | None) -> list[tuple[int, int]]:
    spans, start, i, n = [], 0, 0, len(content)
    while i < n:
        byte = content[i]
        if release is not None and byte == release:
            i += 2
            continue
        if byte == terminator:
            spans.append((start, i + 1))
            start = i + 1
        i += 1
    if start < n and content[start:].strip(_BLANKS):
        spans.append((start, n))
    return spans


def _delimiters(content: bytes) -> tuple[int, int | None] | None:
    """(segment terminator, release character) of an X12 or EDIFACT file."""
    head = content.lstrip(b"\xef\xbb\xbf").lstrip(_BLANKS)
    skipped = len(content) - len(head)
    if head.startswith(b"ISA") and len(content) > skipped + 105:
        return content[skipped + 105], None
    if head.startswith(b"UNA") and len(head) >= 9:
        return head[8], head[6] if head[6:7] != b" " else None
    if head.startswith(b"UNB"):
        return ord("'"), ord("?")
    return None


def _read_shown(stream: BinaryIO, start: bytes,
                enough: Callable[[bytes], bool]) -> tuple[bytes, bool]:
    """`start` and what follows it in the stream until it holds `enough`, the stream ends
    or MAX_SHOWN_BYTES are read; with whether the stream goes on after that."""
    content = start
    while not enough(content):
        if len(content) >= MAX_SHOWN_BYTES:
            return content, bool(stream.read(1))
        piece = stream.read(min(max(len(content), _PIECE), MAX_SHOWN_BYTES - len(content)))
        if not piece:
            return content, False
        content += piece
    return content, True


def split_raw(stream: BinaryIO, issues: list[IssueRead]) -> RawView:
    """The start of a file (read from `stream`, as far as it is shown) as segments, each
    with the issues located in it."""
    head = stream.read(_PIECE)
    delimiters = _delimiters(head)
    if delimiters is None:  # XML or unreadable: line by line
        content, more = _read_shown(stream, head, lambda shown: len(
            shown.decode("utf-8", errors="replace").splitlines()) > MAX_SEGMENTS + 1)
        return _by_line(content, issues, more)

    def enough(shown: bytes) -> bool:
        """Over MAX_SEGMENTS + 1 spans, so the one after the last shown is complete
        (terminators are counted first, sparing a split after every read)."""
        return (shown.count(delimiters[0]) > MAX_SEGMENTS
                and len(_spans(shown, *delimiters)) > MAX_SEGMENTS + 1)

    content, more = _read_shown(stream, head, enough)
    spans = _spans(content, *delimiters)
    segments: list[RawSegment] = []
    number: int | None = None
    for index, (start, end) in enumerate(spans[:MAX_SEGMENTS], start=1):
        text = content[start:end].decode("utf-8", errors="replace").strip()
        found = _TAG.match(text)
        tag = found.group(0).upper() if found else ""
        if tag in ("ST", "UNH"):
            number = 1
        elif number is not None:
            number += 1
        segments.append(RawSegment(index=index, offset=start, text=text, number=number))
        if tag in ("SE", "UNT"):
            number = None
    shown_end = spans[MAX_SEGMENTS][0] if len(spans) > MAX_SEGMENTS else (
        len(content) if more else None)
    unplaced: list[IssueRead] = []
    for issue in issues:
        offset = issue.location.get("offset")
        target = _containing(segments, offset) if isinstance(offset, int) else None
        if target is None or (shown_end is not None and offset >= shown_end):
            unplaced.append(issue)
        else:
            target.issues.append(issue)
    return RawView(segments, unplaced, more or len(spans) > MAX_SEGMENTS)


def _containing(segments: list[RawSegment], offset: int) -> RawSegment | None:
    found = None
    for segment in segments:
        if segment.offset > offset:
            break
        found = segment
    return found


def _by_line(content: bytes, issues: list[IssueRead], more: bool) -> RawView:
    lines = content.decode("utf-8", errors="replace").splitlines()
    segments, offset = [], 0
    for index, line in enumerate(lines[:MAX_SEGMENTS], start=1):
        segments.append(RawSegment(index=index, offset=offset, text=line))
        offset += len(line.encode()) + 1
    unplaced = []
    for issue in issues:
        line = issue.location.get("line")
        offset = issue.location.get("offset")
        if isinstance(line, int) and 1 <= line <= len(segments):
            segments[line - 1].issues.append(issue)
        elif (isinstance(offset, int) and not (more and offset >= len(content))
              and (target := _containing(segments, offset))):
            target.issues.append(issue)
        else:
            unplaced.append(issue)
    return RawView(segments, unplaced, more or len(lines) > MAX_SEGMENTS)
