"""cXML OrderRequest mapping rules: exact values, errors with code and location (line, element)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import edi
from adapters import MappingError
from adapters.cxml_order_request import map_message

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "xml"

# The payload starts on line 12 of the document built below.
PROLOG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="1700000000.1@northwind.example" timestamp="2026-11-20T12:00:00+00:00">
<Header>
<From><Credential domain="DUNS"><Identity>123456789</Identity></Credential></From>
<To><Credential domain="NetworkID"><Identity>AN01000000001</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>NORTHWIND</Identity>
<SharedSecret>s</SharedSecret></Credential><UserAgent>test</UserAgent></Sender>
</Header>
<Request deploymentMode="test">
<OrderRequest>
"""
EPILOG = "</OrderRequest></Request></cXML>"


def message(body: str) -> edi.Message:
    [msg] = edi.parse((PROLOG + body + EPILOG).encode()).messages
    assert msg.type == "cxml:OrderRequest" and msg.accepted, msg.issues
    return msg


ITEM = ('<ItemOut quantity="2" lineNumber="1"><ItemID><SupplierPartID>AC-1</SupplierPartID>'
        '</ItemID><ItemDetail><UnitPrice><Money currency="USD">3.50</Money></UnitPrice>'
        '<Description xml:lang="en">Oat bar</Description><UnitOfMeasure>CS</UnitOfMeasure>'
        '</ItemDetail></ItemOut>')


def header(attributes: str = 'orderID="PO-1" orderDate="2026-11-20T09:30:00-05:00"') -> str:
    return f"<OrderRequestHeader {attributes}></OrderRequestHeader>\n"


def test_corpus_coupa_order_request_maps_header_parties_and_lines() -> None:
    [msg] = edi.parse((CORPUS / "cxml-ruby__order_request.xml").read_bytes()).messages
    mapped = map_message(msg)
    [doc] = mapped.documents
    assert mapped.issues == []  # Total 91.71 = 1 x 8.1 + 9 x 9.29
    assert (doc.po_number, doc.purpose, doc.order_date, doc.currency) == (
        "3309", "original", date(2020, 3, 31), "USD")
    assert (doc.party("buyer").scheme, doc.party("buyer").value) == ("ZZ", "kasdflkjasdf")
    assert doc.party("seller").value == "development@officeluv.com"
    ship_to = doc.party("ship_to")
    assert (ship_to.value, ship_to.location_code, ship_to.name) == ("21444", "21444", "Network")
    assert doc.party("bill_to").value == "21444"
    first, second = doc.lines
    assert (first.line_number, first.quantity, first.uom, first.unit_price) == (
        "1", Decimal("1"), "EA", Decimal("8.1"))
    assert first.product.vendor_part == "product:1861"
    assert first.product.description == "Yogurt Whips, Key Lime Pie, 4oz Cup"
    assert (second.line_number, second.quantity, second.unit_price) == (
        "2", Decimal("9"), Decimal("9.29"))
    assert second.product.vendor_part == "product:4884"
    assert (doc.segment_number, first.segment_number, second.segment_number) == (25, 67, 93)
    assert doc.total == Decimal("91.71")


def test_order_types_map_to_purposes() -> None:
    for kind, purpose in (("new", "original"), ("update", "replace"), ("delete", "cancel")):
        [doc] = map_message(message(
            header(f'orderID="PO-1" orderDate="2026-11-20" type="{kind}"') + ITEM)).documents
        assert doc.purpose == purpose


def test_delete_needs_no_lines() -> None:
    [doc] = map_message(message(header('orderID="PO-1" type="delete"'))).documents
    assert (doc.purpose, doc.lines) == ("cancel", ())


def test_unknown_order_type_is_invalid_value_at_the_header() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(header('orderID="PO-1" type="replace"') + ITEM))
    issue = caught.value.issue
    assert (issue.code, issue.scope.value) == ("invalid-value", "element")
    assert (issue.location.line, issue.location.segment_tag) == (12, "OrderRequestHeader/@type")


def test_missing_order_id_is_missing_element_at_the_header() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(header('orderDate="2026-11-20"') + ITEM))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 12, "OrderRequestHeader/@orderID")


def test_impossible_order_date_is_invalid_value() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(header('orderID="PO-1" orderDate="2026-02-30T10:00:00Z"') + ITEM))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 12, "OrderRequestHeader/@orderDate")


def test_non_numeric_quantity_is_invalid_value_at_its_item() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(header() + ITEM.replace('quantity="2"', 'quantity="two"')))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 13, "ItemOut/@quantity")


def test_missing_quantity_is_missing_element() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(header() + ITEM.replace('quantity="2" ', "")))
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == (
        "missing-element", "ItemOut/@quantity")


def test_order_without_items_is_rejected() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(header()))
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == (
        "missing-element", "OrderRequest/ItemOut")


def test_line_values_and_buyer_credential() -> None:
    [doc] = map_message(message(header() + ITEM.replace(
        'lineNumber="1"', 'lineNumber="10" requestedDeliveryDate="2026-12-01"'))).documents
    [line] = doc.lines
    assert (line.line_number, line.quantity, line.uom, line.unit_price) == (
        "10", Decimal(2), "CS", Decimal("3.50"))
    assert line.requested_delivery == date(2026, 12, 1)
    assert (line.product.vendor_part, line.product.description) == ("AC-1", "Oat bar")
    assert (doc.party("buyer").scheme, doc.party("buyer").value) == ("DUNS", "123456789")
    assert doc.currency == "USD"  # no Total: from the first unit price


def test_gtin_extrinsic_is_taken_when_it_validates() -> None:
    item = ITEM.replace("</ItemDetail>",
                        '<Extrinsic name="GTIN">4006381333931</Extrinsic></ItemDetail>')
    [doc] = map_message(message(header() + item)).documents
    assert doc.lines[0].product.gtin == "04006381333931"


def test_gtin_with_a_wrong_check_digit_is_a_located_warning_and_left_out() -> None:
    item = ITEM.replace("</ItemDetail>",
                        '<Extrinsic name="GTIN">4006381333932</Extrinsic></ItemDetail>')
    mapped = map_message(message(header() + item))
    [warning] = mapped.issues
    assert (warning.code, warning.severity.value, warning.location.line,
            warning.location.segment_tag) == ("invalid-value", "warning", 13, "Extrinsic")
    assert mapped.documents[0].lines[0].product.gtin is None


def test_total_that_disagrees_with_the_lines_is_a_warning() -> None:
    body = ('<OrderRequestHeader orderID="PO-1" orderDate="2026-11-20">'
            '<Total><Money currency="USD">9.00</Money></Total></OrderRequestHeader>\n' + ITEM)
    mapped = map_message(message(body))
    [warning] = mapped.issues
    assert (warning.severity.value, warning.location.segment_tag) == ("warning", "Money")
    assert mapped.documents[0].total == Decimal("7.00")
