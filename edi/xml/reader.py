"""The XML reader: one document in, one Message (cXML, UBL 2.x or any other XML) out.

The whole stream is read (at most `Limits.xml_max_bytes`), the prolog is checked against the
DOCTYPE policy (`edi.xml.prolog`), then lxml parses it with entity resolution, DTD loading,
DTD validation, network access and huge trees all off. The depth limit is checked on the tree.

Raises `UnreadableStream` (and nothing else) with one of these codes, located by line/column:
`empty`, `too-large`, `not-well-formed`, `forbidden-dtd`, `forbidden-entity`, `too-deep`.
Business-level problems of a well-formed document are `Issue` values instead (see
`edi.xml.cxml` and `edi.xml.ubl`: `missing-sender`, `missing-receiver`,
`missing-control-number`, `missing-payload`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from edi.errors import UnreadableStream
from edi.limits import Limits
from edi.model import Envelope, Group, Interchange, Location, Message, ParseResult, Standard
from edi.xml.cxml import is_cxml, read_cxml
from edi.xml.facts import DocumentFacts
from edi.xml.prolog import (
    FORBIDDEN_DTD,
    FORBIDDEN_ENTITY,
    Prolog,
    check_prolog,
    decode_prolog,
)
from edi.xml.ubl import read_ubl, ubl_type

EMPTY = "empty"
TOO_LARGE = "too-large"
TOO_DEEP = "too-deep"
NOT_WELL_FORMED = "not-well-formed"

_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20
_XML_WS = b" \t\r\n"
# libxml2 appends the position to its messages; the Location carries it instead.
_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+\s*$")


class XmlReader:
    """Iterate for the document's one Message; `result` holds the interchange afterwards.

    The XML document is the interchange: one implicit group, one message. With `retain`
    the message is also kept in `result.interchanges[0].groups[0].messages`.
    """

    def __init__(self, stream: BinaryIO, limits: Limits | None = None, retain: bool = True):
        self._stream = stream
        self._limits = limits or Limits()
        self._retain = retain
        self._message: Message | None = None
        self.result = ParseResult(standard=Standard.XML)

    def __iter__(self) -> Iterator[Message]:
        if self._message is None:
            self._message = self._read()
        yield self._message

    def _read(self) -> Message:
        data = read_limited(self._stream, self._limits.xml_max_bytes)
        root, prolog = parse_safely(data, self._limits)
        facts = describe(root)
        if prolog.system_id:
            facts.extra["doctype_system_id"] = prolog.system_id
        facts.extra["root"] = root.tag
        interchange_envelope = _envelope(facts)
        interchange_envelope.issues.extend(facts.interchange_issues)
        group_envelope = _envelope(facts)
        message = Message(
            standard=Standard.XML,
            type=facts.type,
            control_number=facts.control_number,
            version=facts.version,
            issues=list(facts.message_issues),
            offset=prolog.root_offset or 0,
            interchange=interchange_envelope,
            group=group_envelope,
            document=root,
            index=1,
        )
        group = Group(envelope=group_envelope, messages=[message] if self._retain else [])
        self.result.interchanges.append(
            Interchange(standard=Standard.XML, envelope=interchange_envelope, groups=[group])
        )
        return message


def read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    """All of `stream`, or UnreadableStream `too-large` as soon as it passes `max_bytes`."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(_CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise UnreadableStream(
                TOO_LARGE,
                f"XML input is larger than the limit of {max_bytes} bytes",
                Location(offset=max_bytes),
            )
    return b"".join(chunks)


def parse_safely(data: bytes, limits: Limits) -> tuple[etree._Element, Prolog]:
    """Parse one XML document under the DOCTYPE policy and the depth limit."""
    bom = _BOM if data.startswith(_BOM) else b""
    body = _declaration_first(data[len(bom):])
    if not body.strip(_XML_WS):
        raise UnreadableStream(EMPTY, "the XML input is empty or blank", Location(offset=0))
    prolog = check_prolog(decode_prolog(body, base=len(bom)))
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )
    try:
        root = etree.fromstring(bom + body, parser)
    except etree.XMLSyntaxError as exc:
        raise _unreadable(exc) from None
    _refuse_entities(root, parser)
    _refuse_unchecked_dtd(root, prolog)
    _check_depth(root, limits.xml_max_depth)
    return root, prolog


def describe(root: etree._Element) -> DocumentFacts:
    """The document type and header facts, by the root's namespace and name."""
    if is_cxml(root):
        return read_cxml(root)
    name = ubl_type(root)
    if name is not None:
        return read_ubl(root, name)
    facts = DocumentFacts(type=f"xml:{root.tag}")
    namespace = etree.QName(root).namespace
    if namespace:
        facts.extra["namespace"] = namespace
    return facts


def _declaration_first(body: bytes) -> bytes:
    """Move blank lines that precede an XML declaration to just after it.

    The declaration must open the document, but uploads often start with a blank line.
    Moving the blanks (not dropping them) keeps every later line and byte offset unchanged.
    """
    stripped = body.lstrip(_XML_WS)
    if len(stripped) == len(body) or not stripped.startswith(b"<?xml"):
        return body
    if stripped[5:6] not in (b" ", b"\t", b"\r", b"\n", b"?"):
        return body
    end = stripped.find(b"?>")
    if end < 0:
        return body
    return stripped[: end + 2] + body[: len(body) - len(stripped)] + stripped[end + 2 :]


def _unreadable(exc: etree.XMLSyntaxError) -> UnreadableStream:
    message = _POSITION_SUFFIX.sub("", exc.msg or str(exc)).strip()
    line, column = exc.position if exc.position else (exc.lineno, None)
    location = Location(line=line or None, column=column or None)
    lowered = message.lower()
    if "excessive depth" in lowered:
        code = TOO_DEEP
    elif "amplification" in lowered or ("entity" in lowered and "loop" in lowered):
        code = FORBIDDEN_ENTITY
    elif "huge" in lowered:
        code = TOO_LARGE
    else:
        code = NOT_WELL_FORMED
    return UnreadableStream(code, f"XML is not well-formed: {message}", location)


def _refuse_entities(root: etree._Element, parser: etree.XMLParser) -> None:
    """Refuse entity references lxml kept unexpanded (an undeclared `&name;` in a cXML file).

    libxml2 keeps them as empty references when a DOCTYPE names an external subset, so the
    text would silently lose them. The DOCTYPE policy already refused entity declarations;
    the internal-subset check here is a second line for encodings the prolog walk skipped.
    """
    for entry in parser.error_log:
        if entry.type_name == "WAR_UNDECLARED_ENTITY":
            raise UnreadableStream(
                FORBIDDEN_ENTITY,
                f"{entry.message.strip()}: entity references are not accepted",
                Location(line=entry.line or None, column=entry.column or None),
            )
    reference = next(root.iter(etree.Entity), None)
    if reference is not None:
        raise UnreadableStream(
            FORBIDDEN_ENTITY,
            f"entity reference {reference.text} is not accepted",
            Location(line=reference.sourceline),
        )
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnreadableStream(
            FORBIDDEN_ENTITY, "entity declarations are not accepted", Location(line=1)
        )


def _refuse_unchecked_dtd(root: etree._Element, prolog: Prolog) -> None:
    """A DOCTYPE lxml saw but the prolog walk did not (an encoding it cannot read)."""
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    unchecked_external = (docinfo.system_url or docinfo.public_id) and (
        docinfo.public_id or docinfo.system_url != prolog.system_id
    )
    if unchecked_external or (dtd is not None and any(True for _ in dtd.iterelements())):
        raise UnreadableStream(
            FORBIDDEN_DTD, "DTD declarations are not accepted", Location(line=1)
        )


def _check_depth(root: etree._Element, max_depth: int) -> None:
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > max_depth:
                raise UnreadableStream(
                    TOO_DEEP,
                    f"XML nesting is deeper than the limit of {max_depth} elements",
                    Location(line=element.sourceline),
                )
        else:
            depth -= 1


def _envelope(facts: DocumentFacts) -> Envelope:
    return Envelope(
        control_number=facts.control_number,
        sender=facts.sender,
        sender_qualifier=facts.sender_qualifier,
        receiver=facts.receiver,
        receiver_qualifier=facts.receiver_qualifier,
        version=facts.version,
        date=facts.date,
        time=facts.time,
        test=facts.test,
        extra=dict(facts.extra),
    )
