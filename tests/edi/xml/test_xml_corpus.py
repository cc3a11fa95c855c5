"""Every XML file of the public sample corpus, read off its actual values.

See tests/samples/corpus/README.md for each file's source and licence.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from edi.errors import UnreadableStream
from edi.limits import Limits
from edi.model import Message
from edi.xml.reader import XmlReader

CORPUS = Path(__file__).parents[2] / "samples" / "corpus" / "xml"
OAGIS = "{http://www.openapplications.org/oagis/10}"


def read(name: str) -> Message:
    with (CORPUS / name).open("rb") as stream:
        reader = XmlReader(stream, Limits())
        [message] = list(reader)
    return message


# file -> (type, control number, version, (sender qualifier, sender),
#          (receiver qualifier, receiver), date, test)
EXPECTED = {
    "cxml-php__QuoteMessage.xml": (
        "cxml:QuoteMessage", "0c30050@supplierorg.com", "",
        ("NetworkId", "AN00000123"), ("NetworkId", "AN00000456"),
        "2021-01-08T23:00:06-08:00", False,
    ),
    "cxml-php__StatusUpdateRequest.xml": (
        "cxml:StatusUpdateRequest", "0c30050@supplierorg.com", "",
        ("NetworkId", "AN00000123"), ("NetworkId", "AN00000456"),
        "2021-01-08T23:00:06-08:00", False,
    ),
    "cxml-ruby__document_node_with_unknown_attribute.xml": (
        "cxml:Response", "test-id", "", ("", ""), ("", ""),
        "2020-09-10T20:32:26+00:00", False,
    ),
    "cxml-ruby__invoice_taxes_at_line.xml": (
        "cxml:InvoiceDetailRequest", "1240598937@devtrunk.coupahost.com", "1.0",
        ("DUNS", "supplierid"), ("DUNS", "buyerid"), "2009-05-04T01:24:51-07:00", False,
    ),
    "cxml-ruby__order_request.xml": (
        "cxml:OrderRequest", "1585687161.003309@stg1565utl2.int.coupahost.com", "",
        ("NetworkID", "kasdflkjasdf"), ("alksjflkasjdfasdf", "development@officeluv.com"),
        "2020-03-31T21:39:21+01:00", False,
    ),
    "cxml-ruby__response_status_400.xml": (
        "cxml:Response", "1352382581000.process.454701738@domain.com", "1.2.020",
        ("", ""), ("", ""), "2012-11-08T01:49:41-05:00", False,
    ),
    "grid-gdsn__gdsn_product.xml": (
        "xml:gridTradeItems", "", "", ("", ""), ("", ""), "", False,
    ),
    "grid-gdsn__gdsn_product_invalid.xml": (
        "xml:gridTradeItems", "", "", ("", ""), ("", ""), "", False,
    ),
    "oagis10_1__AcknowledgePurchaseOrder.xml": (
        f"xml:{OAGIS}AcknowledgePurchaseOrder", "", "", ("", ""), ("", ""), "", False,
    ),
    "oagis10_1__NotifyShipment.xml": (
        f"xml:{OAGIS}NotifyShipment", "", "", ("", ""), ("", ""), "", False,
    ),
    "oagis10_1__ProcessPurchaseOrder.xml": (
        f"xml:{OAGIS}ProcessPurchaseOrder", "", "", ("", ""), ("", ""), "", False,
    ),
    "ph-ubl__ERR-10_BII04_minimal_VAT_invoice_example_01.xml": (
        "ubl:Invoice", "TOSL108", "2.0", ("VAT", "NO12345"), ("VAT", "BE12345"),
        "2009-12-15", False,
    ),
    "ph-ubl__UBL-Invoice-2.0-Example-NS1.xml": (
        "ubl:Invoice", "A00095678", "2.0", ("VAT", "175 269 2355"), ("UK VAT", "12356478"),
        "2005-06-21", False,
    ),
    "ph-ubl__UBL-Invoice-2.0-Example-NS4.xml": (
        "ubl:Invoice", "A00095678", "2.0", ("VAT", "175 269 2355"), ("UK VAT", "12356478"),
        "2005-06-21", False,
    ),
    "ph-ubl__UBL-Order-2.0-Example-International.xml": (
        "ubl:Order", "AEG012345", "2.0",
        ("CustomerAssignedAccountID", "XFB01"), ("CustomerAssignedAccountID", "CO001"),
        "2005-06-20", False,
    ),
    "ph-ubl__UBL-OrderResponseSimple-2.1-Example.xml": (
        "ubl:OrderResponseSimple", "7", "2.1", ("GLN", "7302347231111"),
        ("GLN", "7300072311115"), "2010-01-21", False,
    ),
    "ph-ubl__UBL-ReceiptAdvice-2.0-Example.xml": (
        "ubl:ReceiptAdvice", "658398", "2.0", ("UK VAT", "12356478"),
        ("VAT", "175 269 2355"), "2005-06-21", False,
    ),
}


def test_every_corpus_xml_file_is_covered() -> None:
    names = {p.name for p in CORPUS.glob("*.xml")}

    assert names == set(EXPECTED) | {"grid-gdsn__gdsn_product_poorly_formed.xml"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_reads_to_its_actual_values(name: str) -> None:
    type_, control, version, sender, receiver, date, test = EXPECTED[name]

    message = read(name)
    envelope = message.interchange

    assert message.type == type_
    assert message.control_number == control
    assert message.version == version
    assert envelope.control_number == control
    assert (envelope.sender_qualifier, envelope.sender) == sender
    assert (envelope.receiver_qualifier, envelope.receiver) == receiver
    assert envelope.date == date
    assert envelope.test is test
    assert envelope.issues == []
    assert message.issues == []


def test_poorly_formed_gdsn_file_is_unreadable_at_line_125() -> None:
    with pytest.raises(UnreadableStream) as caught:
        read("grid-gdsn__gdsn_product_poorly_formed.xml")

    assert caught.value.code == "not-well-formed"
    assert (caught.value.location.line, caught.value.location.column) == (125, 22)
    assert "tag mismatch" in caught.value.message


@pytest.mark.parametrize(
    "name", ["ph-ubl__UBL-Invoice-2.0-Example-NS1.xml", "ph-ubl__UBL-Invoice-2.0-Example-NS4.xml"]
)
def test_unusual_ubl_prefixes_are_an_invoice(name: str) -> None:
    message = read(name)

    assert message.type == "ubl:Invoice"
    assert message.document.prefix == "Bob"


def test_cxml_doctype_is_kept_as_a_label() -> None:
    envelope = read("cxml-ruby__order_request.xml").interchange

    assert envelope.extra["doctype_system_id"] == (
        "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd"
    )


def test_order_request_keeps_the_document_for_the_adapters() -> None:
    message = read("cxml-ruby__order_request.xml")

    order_ids = message.document.xpath("Request/OrderRequest/OrderRequestHeader/@orderID")
    assert order_ids == ["3309"]
    assert len(message.document.findall("Request/OrderRequest/ItemOut")) == 2


def test_order_response_simple_dates_include_issue_time() -> None:
    envelope = read("ph-ubl__UBL-OrderResponseSimple-2.1-Example.xml").interchange

    assert (envelope.date, envelope.time) == ("2010-01-21", "12:30:00")
    assert envelope.extra["sender_id_source"] == "EndpointID"


def test_corpus_file_read_through_a_bytes_stream_matches_the_file_stream() -> None:
    data = (CORPUS / "cxml-php__QuoteMessage.xml").read_bytes()

    [message] = list(XmlReader(io.BytesIO(data), Limits()))

    assert message.offset == data.index(b"<cXML")
