"""XML through the `edi` facade (`edi.parse`, `edi.iter_messages`), plus property tests."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import edi
from edi.errors import UnreadableStream
from edi.limits import Limits
from edi.model import Standard

ORDER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">\n'
    b'<cXML payloadID="po-42@buyer" timestamp="2024-05-06T07:08:09Z">\n'
    b'<Header><From><Credential domain="DUNS"><Identity>111</Identity></Credential></From>'
    b'<To><Credential domain="DUNS"><Identity>222</Identity></Credential></To></Header>\n'
    b'<Request deploymentMode="test"><OrderRequest/></Request>\n'
    b"</cXML>\n"
)


def test_parse_returns_the_xml_message() -> None:
    result = edi.parse(ORDER)

    assert result.standard is Standard.XML
    [message] = result.messages
    assert message.type == "cxml:OrderRequest"
    assert message.control_number == "po-42@buyer"
    assert result.interchanges[0].envelope.test is True
    assert result.all_issues() == []


def test_iter_messages_yields_the_xml_message() -> None:
    [message] = list(edi.iter_messages(io.BytesIO(ORDER)))

    assert message.type == "cxml:OrderRequest"
    assert message.interchange.sender == "111"
    assert message.interchange.receiver == "222"


def test_facade_accepts_bom_and_blank_lines_before_the_declaration() -> None:
    result = edi.parse(b"\xef\xbb\xbf\r\n\n" + ORDER)

    assert result.messages[0].type == "cxml:OrderRequest"


def test_facade_passes_limits_to_the_xml_reader() -> None:
    with pytest.raises(UnreadableStream) as caught:
        edi.parse(ORDER, Limits(xml_max_bytes=64))

    assert caught.value.code == "too-large"


def test_facade_raises_located_unreadable_stream_for_broken_xml() -> None:
    with pytest.raises(UnreadableStream) as caught:
        list(edi.iter_messages(io.BytesIO(b"<a>\n<b>\n</a>")))

    assert caught.value.code == "not-well-formed"
    assert caught.value.location.line == 3


def test_facade_refuses_an_entity_bomb() -> None:
    data = b'<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]>\n<a>&x;&x;</a>'

    with pytest.raises(UnreadableStream) as caught:
        edi.parse(data)

    assert (caught.value.code, caught.value.location.line) == ("forbidden-entity", 1)


_XML_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None)
@given(payload_id=_XML_TEXT, identity=_XML_TEXT, domain=_XML_TEXT)
def test_cxml_header_values_round_trip(payload_id: str, identity: str, domain: str) -> None:
    data = (
        f"<?xml version='1.0' encoding='UTF-8'?>\n<cXML payloadID={quoteattr(payload_id)}>"
        f"<Header><From><Credential domain={quoteattr(domain)}>"
        f"<Identity>{escape(identity)}</Identity></Credential></From>"
        "<To><Credential domain='DUNS'><Identity>R</Identity></Credential></To></Header>"
        "<Request><OrderRequest/></Request></cXML>"
    ).encode()

    [message] = edi.parse(data).messages

    assert message.control_number == payload_id.strip()
    assert message.interchange.sender == identity.strip()
    assert message.interchange.sender_qualifier == domain.strip()


@settings(max_examples=300, deadline=None)
@given(tail=st.binary(max_size=300))
def test_any_input_gives_a_message_or_unreadable_stream(tail: bytes) -> None:
    try:
        result = edi.parse(b"<" + tail)
    except UnreadableStream as error:
        assert error.code in {
            "not-well-formed", "forbidden-dtd", "forbidden-entity", "too-deep", "empty",
        }
    else:
        assert len(result.messages) == 1
