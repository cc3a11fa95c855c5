"""Pure EDI syntax: bytes in -> interchanges, groups, messages, located segments and issues.

Nothing here touches a database or the web framework; only `edi.edifact` may import pydifact
and only `edi.xml` may import lxml.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

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
    Standard,
)

__all__ = [
    "Delimiters",
    "Envelope",
    "Group",
    "Interchange",
    "Issue",
    "Limits",
    "Location",
    "Message",
    "ParseResult",
    "Scope",
    "Segment",
    "Severity",
    "Standard",
    "UnreadableStream",
    "detect",
    "iter_messages",
    "parse",
]

_BOM = b"\xef\xbb\xbf"
_SNIFF = 4096


def detect(head: bytes) -> Standard:
    """The standard of a stream from its first non-blank bytes (a UTF-8 BOM is skipped)."""
    text = head[len(_BOM):] if head.startswith(_BOM) else head
    stripped = text.lstrip(b" \t\r\n\x00")
    if not stripped:
        raise UnreadableStream("empty", "the input is empty or blank", Location(offset=0))
    offset = len(head) - len(stripped)
    if stripped.startswith(b"ISA"):
        return Standard.X12
    if stripped.startswith((b"UNA", b"UNB")):
        return Standard.EDIFACT
    if stripped.startswith(b"<"):
        return Standard.XML
    raise UnreadableStream(
        "not-edi",
        "not EDI: expected ISA (X12), UNA/UNB (EDIFACT) or '<' (XML) at the start, "
        f"found {stripped[:12]!r}",
        Location(offset=offset),
    )


def _reader(stream: BinaryIO, limits: Limits, retain: bool):
    head = stream.read(_SNIFF)
    standard = detect(head)
    # Readers are imported on first use so an X12-only caller never loads lxml or pydifact.
    rest = _Rejoined(head, stream)
    if standard is Standard.X12:
        from edi.x12.reader import X12Reader

        return X12Reader(rest, limits, retain=retain)
    if standard is Standard.EDIFACT:
        from edi.edifact.reader import EdifactReader

        return EdifactReader(rest, limits, retain=retain)
    from edi.xml.reader import XmlReader

    return XmlReader(rest, limits, retain=retain)


def iter_messages(stream: BinaryIO, limits: Limits | None = None) -> Iterator[Message]:
    """Yield one message at a time in bounded memory.

    Each message points to its interchange and group envelopes; trailer checks of those
    envelopes are added to their `issues` once the trailer has been read.
    """
    reader = _reader(stream, limits or Limits(), retain=False)
    yield from reader


def parse(data: bytes, limits: Limits | None = None) -> ParseResult:
    """Read a whole input into interchanges -> groups -> messages."""
    reader = _reader(io.BytesIO(data), limits or Limits(), retain=True)
    for _ in reader:
        pass
    return reader.result


class _Rejoined(io.RawIOBase):
    """A binary stream that first replays the bytes already read for detection."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        chunk = self._rest.read(len(buffer))
        n = len(chunk)
        buffer[:n] = chunk
        return n
