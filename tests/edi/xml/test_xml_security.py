"""Hostile XML: entity bombs, external entities, DTDs, depth and size limits, and no network."""

from __future__ import annotations

import io
import time
import urllib.request
from pathlib import Path

import pytest

from edi.errors import UnreadableStream
from edi.limits import Limits
from edi.model import Message
from edi.xml import reader as xml_reader
from edi.xml.prolog import Prolog
from edi.xml.reader import XmlReader


def read(data: bytes, limits: Limits | None = None) -> Message:
    return next(iter(XmlReader(io.BytesIO(data), limits or Limits())))


def refused(data: bytes, limits: Limits | None = None) -> UnreadableStream:
    started = time.perf_counter()
    with pytest.raises(UnreadableStream) as caught:
        read(data, limits)
    assert time.perf_counter() - started < 1.0
    return caught.value


CXML_BODY = (
    b"<cXML payloadID=\"p1\" timestamp=\"2024-01-02T03:04:05+00:00\">\n"
    b"  <Header>\n"
    b"    <From><Credential domain=\"NetworkID\"><Identity>AN01</Identity></Credential></From>\n"
    b"    <To><Credential domain=\"NetworkID\"><Identity>AN02</Identity></Credential></To>\n"
    b"  </Header>\n"
    b"  <Request><OrderRequest/></Request>\n"
    b"</cXML>\n"
)


def billion_laughs() -> bytes:
    lines = [b'<?xml version="1.0"?>', b"<!DOCTYPE lolz [", b'  <!ENTITY lol "lol">']
    previous = b"lol"
    for level in range(1, 10):
        lines.append(b'  <!ENTITY lol%d "%s">' % (level, b"&%s;" % previous * 10))
        previous = b"lol%d" % level
    lines += [b"]>", b"<lolz>&lol9;</lolz>"]
    return b"\n".join(lines)


def test_billion_laughs_is_refused_at_the_first_entity_declaration() -> None:
    error = refused(billion_laughs())

    assert error.code == "forbidden-entity"
    assert (error.location.line, error.location.column) == (3, 3)


def test_quadratic_blowup_is_refused_fast() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE kaboom [\n<!ENTITY a "'
        + b"a" * 100_000
        + b'">\n]>\n<kaboom>'
        + b"&a;" * 100_000
        + b"</kaboom>"
    )

    error = refused(data)

    assert error.code == "forbidden-entity"
    assert error.location.line == 3


def test_external_file_entity_is_refused_and_its_content_never_appears(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE cXML [\n  <!ENTITY xxe SYSTEM "'
        + secret.as_uri().encode()
        + b'">\n]>\n<cXML payloadID="&xxe;">&xxe;</cXML>'
    )

    error = refused(data)

    assert error.code == "forbidden-entity"
    assert error.location.line == 3
    assert "TOP-SECRET-CONTENT" not in str(error)


def test_external_http_entity_is_refused_without_a_request(recording_server) -> None:
    data = (
        b'<!DOCTYPE cXML [\n<!ENTITY xxe SYSTEM "'
        + recording_server.base_url.encode()
        + b'/entity">\n]>\n<cXML>&xxe;</cXML>'
    )

    error = refused(data)

    assert error.code == "forbidden-entity"
    assert error.location.line == 2
    assert recording_server.requests == []


def test_parameter_entity_is_refused_without_a_request(recording_server) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE cXML [\n  <!ELEMENT cXML ANY>\n'
        b'  <!ENTITY % remote SYSTEM "'
        + recording_server.base_url.encode()
        + b'/evil.dtd">\n  %remote;\n]>\n<cXML/>'
    )

    error = refused(data)

    assert error.code == "forbidden-entity"
    assert error.location.line == 4
    assert "parameter entity" in error.message
    assert recording_server.requests == []


def test_bare_parameter_entity_reference_is_refused() -> None:
    error = refused(b"<!DOCTYPE cXML [\n %pe;\n]>\n<cXML/>")

    assert error.code == "forbidden-entity"
    assert error.location.line == 2


def test_external_dtd_subset_other_than_the_cxml_dtd_is_refused(recording_server) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Order SYSTEM "'
        + recording_server.base_url.encode()
        + b'/order.dtd">\n<Order/>'
    )

    error = refused(data)

    assert error.code == "forbidden-dtd"
    assert error.location.line == 2
    assert recording_server.requests == []


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE cXML SYSTEM "file:///etc/passwd">',
        b'<!DOCTYPE cXML SYSTEM "cXML.dtd">',
        b'<!DOCTYPE cXML PUBLIC "-//Evil//DTD//EN" "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">',
        b'<!DOCTYPE Invoice SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">',
    ],
)
def test_external_dtd_subset_variants_are_refused(doctype: bytes) -> None:
    error = refused(b'<?xml version="1.0"?>\n' + doctype + b"\n<cXML/>")

    assert error.code == "forbidden-dtd"
    assert error.location.line == 2


def test_internal_subset_without_entities_is_refused_as_a_dtd() -> None:
    error = refused(b"<?xml version='1.0'?>\n<!DOCTYPE cXML [\n<!ELEMENT cXML ANY>\n]>\n<cXML/>")

    assert error.code == "forbidden-dtd"
    assert (error.location.line, error.location.column) == (2, 1)


def test_cxml_doctype_line_parses_and_fetches_nothing(recording_server) -> None:
    dtd_url = recording_server.base_url + "/schemas/cXML/1.2.014/cXML.dtd"
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML SYSTEM "'
        + dtd_url.encode()
        + b'">\n'
        + CXML_BODY
    )

    message = read(data)

    assert message.type == "cxml:OrderRequest"
    assert message.interchange.extra["doctype_system_id"] == dtd_url
    assert recording_server.requests == []
    # the server does record a real fetch, so the assertion above can fail
    with urllib.request.urlopen(dtd_url, timeout=5) as response:
        assert b"FETCHED-FROM-NETWORK" in response.read()
    assert recording_server.requests == ["/schemas/cXML/1.2.014/cXML.dtd"]


def test_real_cxml_doctype_line_parses_offline() -> None:
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE cXML SYSTEM "http://xml.cXML.org/schemas/cXML/1.2.014/cXML.dtd">\n'
        + CXML_BODY
    )

    message = read(data)

    assert message.type == "cxml:OrderRequest"
    assert message.control_number == "p1"


def test_entity_from_the_never_loaded_dtd_is_refused_not_dropped(recording_server) -> None:
    dtd_url = recording_server.base_url + "/schemas/cXML/1.2.014/cXML.dtd"
    data = (
        b'<!DOCTYPE cXML SYSTEM "' + dtd_url.encode() + b'">\n'
        b'<cXML payloadID="p1">\n<Request>&leak;</Request>\n</cXML>'
    )

    error = refused(data)

    assert error.code == "forbidden-entity"
    assert error.location.line == 3
    assert recording_server.requests == []


def test_entity_reference_in_an_attribute_is_refused() -> None:
    data = (
        b'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">\n'
        b'<cXML payloadID="&leak;"/>'
    )

    error = refused(data)

    assert error.code == "forbidden-entity"
    assert error.location.line == 2


def test_undeclared_entity_without_doctype_is_not_well_formed() -> None:
    error = refused(b"<cXML>\n<x>&nbsp;</x>\n</cXML>")

    assert error.code == "not-well-formed"
    assert error.location.line == 2


def test_doctype_without_subsets_is_accepted() -> None:
    message = read(b"<!DOCTYPE gridTradeItems>\n<gridTradeItems/>")

    assert message.type == "xml:gridTradeItems"


def test_doctype_text_inside_comments_and_cdata_is_only_text() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!-- <!DOCTYPE x [<!ENTITY a "b">]> -->\n'
        b"<note><![CDATA[<!ENTITY a SYSTEM 'file:///etc/passwd'> &a;]]></note>"
    )

    message = read(data)

    assert message.document.text == "<!ENTITY a SYSTEM 'file:///etc/passwd'> &a;"


def test_utf16_document_with_entity_declaration_is_refused() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE a [\n<!ENTITY e "x">\n]>\n<a>&e;</a>'

    error = refused(text.encode("utf-16"))

    assert error.code == "forbidden-entity"
    assert error.location.line == 3


def test_utf16_document_without_dtd_parses() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<cXML payloadID="é-1"/>'

    message = read(text.encode("utf-16"))

    assert message.control_number == "é-1"


@pytest.mark.parametrize(
    ("name", "data_factory"),
    [
        ("billion laughs", billion_laughs),
        (
            "file entity",
            lambda: b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
        ),
    ],
)
def test_parser_itself_never_expands_entities(name, data_factory, monkeypatch) -> None:
    """Second line of defence: with the prolog policy switched off, lxml still refuses."""
    monkeypatch.setattr(xml_reader, "check_prolog", lambda source: Prolog())

    error = refused(data_factory())

    assert error.code == "forbidden-entity", name
    assert "root:" not in str(error)  # no line of /etc/passwd leaks into the message


def test_parser_itself_never_fetches_a_parameter_entity(recording_server, monkeypatch) -> None:
    monkeypatch.setattr(xml_reader, "check_prolog", lambda source: Prolog())
    data = (
        b'<!DOCTYPE a [<!ENTITY % remote SYSTEM "'
        + recording_server.base_url.encode()
        + b'/evil.dtd"> %remote;]><a>&leak;</a>'
    )

    with pytest.raises(UnreadableStream):
        read(data)

    assert recording_server.requests == []


def nested(depth: int) -> bytes:
    return b"<a>\n" * depth + b"</a>" * depth


def test_depth_at_the_limit_parses() -> None:
    message = read(nested(5), Limits(xml_max_depth=5))

    assert message.type == "xml:a"


def test_depth_over_the_limit_is_refused_at_the_first_too_deep_element() -> None:
    error = refused(nested(6), Limits(xml_max_depth=5))

    assert error.code == "too-deep"
    assert error.location.line == 6


def test_default_depth_limit_is_enforced() -> None:
    error = refused(nested(Limits().xml_max_depth + 1))

    assert error.code == "too-deep"
    assert error.location.line == Limits().xml_max_depth + 1


def test_depth_beyond_the_parser_ceiling_is_too_deep() -> None:
    error = refused(nested(100_000), Limits(xml_max_depth=10_000))

    assert error.code == "too-deep"


def test_size_at_the_limit_parses() -> None:
    data = b"<a>" + b"x" * 93 + b"</a>"
    assert len(data) == 100

    assert read(data, Limits(xml_max_bytes=100)).type == "xml:a"


def test_size_over_the_limit_is_refused() -> None:
    data = b"<a>" + b"x" * 94 + b"</a>"

    error = refused(data, Limits(xml_max_bytes=100))

    assert error.code == "too-large"
    assert error.location.offset == 100


class EndlessStream(io.RawIOBase):
    """An input that never ends; counts what was read."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.served == 0:
            head = b"<a>"
            buffer[: len(head)] = head
            self.served = len(head)
            return len(head)
        n = len(buffer)
        buffer[:n] = b"x" * n
        self.served += n
        return n


def test_size_limit_stops_reading_an_endless_stream() -> None:
    stream = EndlessStream()

    with pytest.raises(UnreadableStream) as caught:
        list(XmlReader(stream, Limits(xml_max_bytes=10_000)))

    assert caught.value.code == "too-large"
    assert stream.served <= 10_001


@pytest.mark.parametrize("data", [b"", b"   \n\t "])
def test_empty_input_is_refused(data: bytes) -> None:
    assert refused(data).code == "empty"


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE Order SYSTEM "file:///etc/passwd">\n<Order/>',
        b"<!DOCTYPE Order [<!ELEMENT Order ANY>]>\n<Order/>",
        b'<!DOCTYPE cXML PUBLIC "-//x//y" "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">'
        b"\n<cXML/>",
    ],
)
def test_parser_result_is_checked_for_dtds_the_prolog_walk_missed(data, monkeypatch) -> None:
    monkeypatch.setattr(xml_reader, "check_prolog", lambda source: Prolog())

    assert refused(data).code == "forbidden-dtd"


def test_utf16_cxml_with_its_doctype_line_parses() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">\n'
        '<cXML payloadID="u16"><Request><OrderRequest/></Request></cXML>'
    )

    message = read(text.encode("utf-16"))

    assert (message.type, message.control_number) == ("cxml:OrderRequest", "u16")
