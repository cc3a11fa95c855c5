"""UBL OrderResponseSimple / OrderResponse mapping rules, with located errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import edi
from adapters import MappingError
from adapters.ubl_order_response import map_message

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "xml"
NS = ('xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
      'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"')


def document(kind: str, body: str) -> edi.Message:
    text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{kind} xmlns="urn:oasis:names:'
            f'specification:ubl:schema:xsd:{kind}-2" {NS}>\n{body}</{kind}>')
    [msg] = edi.parse(text.encode()).messages
    assert msg.type == f"ubl:{kind}"
    return msg


PARTIES = ("<cac:SellerSupplierParty><cac:Party><cbc:EndpointID schemeID=\"0088\">"
           "0614141000005</cbc:EndpointID></cac:Party></cac:SellerSupplierParty>\n"
           "<cac:BuyerCustomerParty><cac:Party><cbc:EndpointID schemeID=\"0088\">"
           "0614141000012</cbc:EndpointID></cac:Party></cac:BuyerCustomerParty>\n")
RESPONSE_HEAD = """<cbc:ID>R-9</cbc:ID>
<cbc:IssueDate>2026-11-21</cbc:IssueDate>
{code}<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
<cac:OrderReference><cbc:ID>PO-7</cbc:ID></cac:OrderReference>
""" + PARTIES
LINES = """<cac:OrderLine><cac:LineItem>
<cbc:ID>1</cbc:ID>
<cbc:LineStatusCode>5</cbc:LineStatusCode>
<cbc:Quantity unitCode="C62">12</cbc:Quantity>
<cac:Delivery><cac:PromisedDeliveryPeriod><cbc:StartDate>2026-12-01</cbc:StartDate>\
</cac:PromisedDeliveryPeriod></cac:Delivery>
<cac:Price><cbc:PriceAmount currencyID="EUR">2.40</cbc:PriceAmount></cac:Price>
<cac:Item><cac:SellersItemIdentification><cbc:ID>AC-1</cbc:ID></cac:SellersItemIdentification>\
</cac:Item>
</cac:LineItem></cac:OrderLine>
<cac:OrderLine><cac:LineItem>
<cbc:ID>2</cbc:ID>
<cbc:LineStatusCode>3</cbc:LineStatusCode>
<cbc:Quantity unitCode="C62">5</cbc:Quantity>
<cac:Item><cac:StandardItemIdentification><cbc:ID schemeID="0160">00614141000036</cbc:ID>\
</cac:StandardItemIdentification></cac:Item>
</cac:LineItem><cac:OrderLineReference><cbc:LineID>20</cbc:LineID></cac:OrderLineReference>\
</cac:OrderLine>
"""


def response(code: str = "<cbc:OrderResponseCode>CA</cbc:OrderResponseCode>\n",
             lines: str = LINES) -> edi.Message:
    return document("OrderResponse", RESPONSE_HEAD.format(code=code) + lines)


def test_corpus_order_response_simple_accepts_the_order() -> None:
    path = CORPUS / "ph-ubl__UBL-OrderResponseSimple-2.1-Example.xml"
    [msg] = edi.parse(path.read_bytes()).messages
    mapped = map_message(msg)
    [doc] = mapped.documents
    assert (doc.po_number, doc.response_number, doc.response_date, doc.status,
            doc.raw_status, doc.lines) == ("34", "7", date(2010, 1, 21), "accepted", "true", ())
    seller, buyer = doc.party("seller"), doc.party("buyer")
    # Both EndpointIDs claim GLN but fail the check digit: warned, and the next id is used.
    assert (seller.scheme, seller.value, seller.name) == (
        "ZZ", "SellerPartyID123", "Moderna Produkter AB")
    assert (buyer.scheme, buyer.value, buyer.name) == (
        "GLN", "7300070011115", "Johnssons byggvaror")
    assert [(i.severity.value, i.location.line, i.location.segment_tag)
            for i in mapped.issues] == [("warning", 15, "cbc:EndpointID"),
                                        ("warning", 26, "cbc:EndpointID")]


def test_simple_false_is_a_rejection() -> None:
    msg = document("OrderResponseSimple",
                   "<cbc:ID>R-1</cbc:ID><cbc:IssueDate>2026-11-21</cbc:IssueDate>\n"
                   "<cbc:AcceptedIndicator>false</cbc:AcceptedIndicator>\n"
                   "<cbc:RejectionNote>Discontinued</cbc:RejectionNote>\n"
                   "<cac:OrderReference><cbc:ID>PO-7</cbc:ID></cac:OrderReference>\n" + PARTIES)
    [doc] = map_message(msg).documents
    assert (doc.status, doc.raw_status, doc.po_number) == ("rejected", "false", "PO-7")
    assert doc.party("seller").value == "0614141000005"


def test_simple_with_a_bad_indicator_is_invalid_value() -> None:
    msg = document("OrderResponseSimple",
                   "<cbc:ID>R-1</cbc:ID>\n<cbc:AcceptedIndicator>yes</cbc:AcceptedIndicator>\n"
                   "<cac:OrderReference><cbc:ID>PO-7</cbc:ID></cac:OrderReference>\n" + PARTIES)
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 4, "cbc:AcceptedIndicator")


def test_simple_without_indicator_is_missing_element() -> None:
    msg = document("OrderResponseSimple", "<cbc:ID>R-1</cbc:ID>\n"
                   "<cac:OrderReference><cbc:ID>PO-7</cbc:ID></cac:OrderReference>\n")
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == (
        "missing-element", "OrderResponseSimple/cbc:AcceptedIndicator")


def test_order_response_lines_carry_status_quantity_and_promised_date() -> None:
    [doc] = map_message(response()).documents
    assert (doc.status, doc.raw_status, doc.currency) == ("changed", "CA", "EUR")
    first, second = doc.lines
    assert (first.line_number, first.status, first.raw_status, first.quantity, first.uom) == (
        "1", "accepted", "5", Decimal(12), "C62")
    assert (first.promised_delivery, first.unit_price, first.product.vendor_part) == (
        date(2026, 12, 1), Decimal("2.40"), "AC-1")
    assert first.raw_qualifier == "LineStatusCode:5"
    assert (second.line_number, second.status, second.quantity, second.product.gtin) == (
        "20", "changed", Decimal(5), "00614141000036")


def test_order_response_codes_map_to_statuses() -> None:
    for code, status in (("AP", "accepted"), ("RE", "rejected"), ("CA", "changed"),
                         ("AB", "accepted")):
        [doc] = map_message(response(
            f"<cbc:OrderResponseCode>{code}</cbc:OrderResponseCode>\n")).documents
        assert doc.status == status


def test_ubl_20_response_without_code_takes_its_status_from_the_lines() -> None:
    [doc] = map_message(response(code="")).documents
    assert (doc.status, doc.raw_status) == ("changed", None)
    only_accepted = LINES.split("<cac:OrderLine>")[1]
    [doc] = map_message(response(code="", lines="<cac:OrderLine>" + only_accepted)).documents
    assert doc.status == "accepted"
    cancelled = only_accepted.replace(">5<", ">Cancelled<")
    [doc] = map_message(response(code="", lines="<cac:OrderLine>" + cancelled)).documents
    assert (doc.status, doc.lines[0].status) == ("rejected", "rejected")


def test_missing_order_reference_is_missing_element_at_the_root() -> None:
    msg = document("OrderResponse", "<cbc:ID>R-9</cbc:ID>\n" + PARTIES + LINES)
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 2, "OrderResponse/cac:OrderReference/cbc:ID")


def test_unknown_line_status_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(response(lines=LINES.replace(">5<", ">99<")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 12, "cbc:LineStatusCode")


def test_bad_promised_date_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(response(lines=LINES.replace("2026-12-01", "01.12.2026")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 14, "cbc:StartDate")


def test_bad_quantity_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(response(lines=LINES.replace(">12<", ">1,2<")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 13, "cbc:Quantity")
