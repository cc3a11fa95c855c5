"""The DOCTYPE policy, checked on the raw prolog before lxml sees a byte of the document.

lxml runs with entity resolution, DTD loading and network access off; this module adds an
explicit, located refusal of everything a DTD could be abused for, so an entity bomb or an
external entity never reaches the parser at all:

- an internal subset declaring entities (general or parameter) or referencing a parameter
  entity -> `forbidden-entity`, located at the declaration (billion laughs, quadratic blowup,
  external entities, out-of-band parameter entities);
- any other internal subset -> `forbidden-dtd`;
- an external DTD subset -> `forbidden-dtd`, with one exception: the plain cXML line
  `<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">` that every cXML
  file carries. It is kept as a label (its version) and never fetched.

A DOCTYPE with neither subset (`<!DOCTYPE Order>`) is harmless and accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edi.errors import UnreadableStream
from edi.model import Location

FORBIDDEN_DTD = "forbidden-dtd"
FORBIDDEN_ENTITY = "forbidden-entity"

_WS = " \t\r\n"
_NAME = re.compile(r"[^\s\[\]>\"'%]+")
# A markup declaration in an internal subset, quoted literals honoured.
_DECLARATION = re.compile(r"<!(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
# The only external subset accepted: an http(s) URL to a .dtd, on a DOCTYPE named cXML.
_CXML_DTD = re.compile(r"https?://[^\s\"'<>]+\.dtd", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Prolog:
    """What the prolog declared, and where the root element starts."""

    doctype: str | None = None  # the DOCTYPE name, when there is one
    system_id: str | None = None  # the SYSTEM literal of an accepted cXML DOCTYPE
    root_offset: int | None = None  # byte offset of the root start tag, when known


class _Text:
    """The decoded prolog text with a way to turn a position into a Location."""

    __slots__ = ("base", "byte_offsets", "text")

    def __init__(self, text: str, base: int, byte_offsets: bool) -> None:
        self.text = text
        self.base = base  # bytes before `text` (a UTF-8 byte order mark)
        self.byte_offsets = byte_offsets  # True when a position in `text` is a byte position

    def location(self, pos: int) -> Location:
        line = self.text.count("\n", 0, pos) + 1
        column = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        offset = pos + self.base if self.byte_offsets else None
        return Location(offset=offset, line=line, column=column)

    def offset(self, pos: int) -> int | None:
        return pos + self.base if self.byte_offsets else None


def decode_prolog(data: bytes, base: int = 0) -> _Text:
    """Decode enough of `data` (no UTF-8 BOM) to read the prolog's ASCII markup.

    UTF-16 and UTF-32 are decoded; everything else is read as Latin-1, which keeps every
    ASCII-compatible encoding's markup intact and makes positions byte offsets.
    """
    for marks, codec in (
        ((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "utf-32"),
        ((b"\xff\xfe", b"\xfe\xff"), "utf-16"),
        ((b"<\x00\x00\x00",), "utf-32-le"),
        ((b"\x00\x00\x00<",), "utf-32-be"),
        ((b"<\x00",), "utf-16-le"),
        ((b"\x00<",), "utf-16-be"),
    ):
        if data.startswith(marks):
            usable = len(data) - len(data) % (4 if "32" in codec else 2)
            return _Text(data[:usable].decode(codec, errors="replace"), base, False)
    return _Text(data.decode("latin-1"), base, True)


def check_prolog(source: _Text) -> Prolog:
    """Walk the prolog up to the root start tag; raise on a DOCTYPE the policy refuses.

    Anything the walk does not understand is left for lxml to report as not well-formed.
    """
    text = source.text
    pos = 1 if text.startswith("\ufeff") else 0
    doctype: str | None = None
    system_id: str | None = None
    while True:
        pos = _skip_ws(text, pos)
        if text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            if end < 0:
                break
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                break
            pos = end + 3
        elif text.startswith("<!DOCTYPE", pos):
            doctype, system_id, pos = _doctype(source, pos)
        elif text.startswith("<", pos) and not text.startswith("<!", pos):
            return Prolog(doctype, system_id, source.offset(pos))
        else:
            break
    return Prolog(doctype, system_id, None)


def _skip_ws(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in _WS:
        pos += 1
    return pos


def _doctype(source: _Text, start: int) -> tuple[str, str | None, int]:
    text = source.text
    pos = _skip_ws(text, start + len("<!DOCTYPE"))
    name_match = _NAME.match(text, pos)
    if name_match is None:
        raise _refuse(FORBIDDEN_DTD, "malformed DOCTYPE declaration", source, start)
    name = name_match.group()
    pos = _skip_ws(text, name_match.end())
    system_id: str | None = None
    public_id: str | None = None
    if text.startswith("SYSTEM", pos):
        system_id, pos = _literal(source, _skip_ws(text, pos + 6), start)
    elif text.startswith("PUBLIC", pos):
        public_id, pos = _literal(source, _skip_ws(text, pos + 6), start)
        system_id, pos = _literal(source, _skip_ws(text, pos), start)
    pos = _skip_ws(text, pos)
    if text.startswith("[", pos):
        _refuse_internal_subset(source, pos + 1, start)
    if not text.startswith(">", pos):
        raise _refuse(FORBIDDEN_DTD, "malformed DOCTYPE declaration", source, start)
    has_external = system_id is not None or public_id is not None
    is_cxml_dtd = name == "cXML" and public_id is None and _CXML_DTD.fullmatch(system_id or "")
    if has_external and not is_cxml_dtd:
        shown = system_id if system_id is not None else public_id
        raise _refuse(
            FORBIDDEN_DTD,
            f"external DTD subset {shown!r} is not accepted; only the cXML DTD "
            "reference is (and it is never fetched)",
            source,
            start,
        )
    return name, system_id, pos + 1


def _literal(source: _Text, pos: int, start: int) -> tuple[str, int]:
    text = source.text
    quote = text[pos : pos + 1]
    end = text.find(quote, pos + 1) if quote in ("'", '"') else -1
    if end < 0:
        raise _refuse(FORBIDDEN_DTD, "malformed DOCTYPE external identifier", source, start)
    return text[pos + 1 : end], _skip_ws(text, end + 1)


def _refuse_internal_subset(source: _Text, pos: int, start: int) -> None:
    """Always raises: entity declarations by name and line, anything else as a DTD."""
    text = source.text
    n = len(text)
    while pos < n:
        pos = _skip_ws(text, pos)
        if text.startswith("<!ENTITY", pos):
            after = _skip_ws(text, pos + len("<!ENTITY"))
            kind = "parameter entity" if text.startswith("%", after) else "entity"
            raise _refuse(
                FORBIDDEN_ENTITY,
                f"{kind} declarations are not accepted (entities are never expanded)",
                source,
                pos,
            )
        if text.startswith("%", pos):
            raise _refuse(
                FORBIDDEN_ENTITY, "parameter entity references are not accepted", source, pos
            )
        if text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                break
            pos = end + 3
        elif text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            if end < 0:
                break
            pos = end + 2
        elif (declaration := _DECLARATION.match(text, pos)) is not None:
            pos = declaration.end()
        else:
            break
    raise _refuse(FORBIDDEN_DTD, "internal DTD subsets are not accepted", source, start)


def _refuse(code: str, message: str, source: _Text, pos: int) -> UnreadableStream:
    return UnreadableStream(code, message, source.location(pos))
