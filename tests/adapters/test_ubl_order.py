"""UBL Order mapping rules: exact values, errors with code and location (line, element)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import edi
from adapters import MappingError
from adapters.ubl_order import map_message

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "xml"

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:UBLVersionID>2.1</cbc:UBLVersionID>
"""
PARTIES = """<cac:BuyerCustomerParty><cac:Party>
<cbc:EndpointID schemeID="0088">0614141000012</cbc:EndpointID>
<cac:PartyName><cbc:Name>Northwind</cbc:Name></cac:PartyName></cac:Party></cac:BuyerCustomerParty>
<cac:SellerSupplierParty><cac:Party>
<cbc:EndpointID schemeID="GLN">0614141000005</cbc:EndpointID></cac:Party></cac:SellerSupplierParty>
"""
LINE = """<cac:OrderLine><cac:LineItem>
<cbc:ID>1</cbc:ID>
<cbc:Quantity unitCode="C62">12</cbc:Quantity>
<cac:Price><cbc:PriceAmount currencyID="EUR">2.40</cbc:PriceAmount></cac:Price>
<cac:Item><cbc:Name>Oat bar</cbc:Name>
<cac:StandardItemIdentification><cbc:ID schemeID="0160">05012345678900</cbc:ID>
</cac:StandardItemIdentification></cac:Item>
</cac:LineItem></cac:OrderLine>
"""


def message(body: str) -> edi.Message:
    [msg] = edi.parse((HEAD + body + "</Order>").encode()).messages
    assert msg.type == "ubl:Order", msg.type
    return msg


def order(header: str = "<cbc:ID>PO-7</cbc:ID>\n<cbc:IssueDate>2026-11-20</cbc:IssueDate>\n",
          line: str = LINE) -> edi.Message:
    return message(header + "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>\n"
                   + PARTIES + line)


def test_corpus_ubl_20_international_order() -> None:
    path = CORPUS / "ph-ubl__UBL-Order-2.0-Example-International.xml"
    [msg] = edi.parse(path.read_bytes()).messages
    mapped = map_message(msg)
    [doc] = mapped.documents
    assert mapped.issues == []
    assert (doc.po_number, doc.purpose, doc.order_date, doc.currency) == (
        "AEG012345", "original", date(2005, 6, 20), "USD")
    buyer, seller = doc.party("buyer"), doc.party("seller")
    assert (buyer.scheme, buyer.value, buyer.name) == ("ZZ", "XFB01", "IYT Corporation")
    assert (seller.scheme, seller.value, seller.name) == ("ZZ", "CO001", "Consortial")
    assert doc.party("ship_to") is None  # only DeliveryTerms/DeliveryLocation (an incoterm place)
    assert doc.requested_delivery == date(2005, 6, 29)
    [line] = doc.lines
    assert (line.line_number, line.quantity, line.uom, line.unit_price) == (
        "1", Decimal(100), "KGM", Decimal("10.00"))
    assert (line.product.buyer_part, line.product.vendor_part, line.product.description) == (
        "6578489", "17589683", "Beeswax")
    assert (doc.segment_number, line.segment_number) == (6, 140)


def test_gln_parties_gtin_and_delivery_location() -> None:
    delivery = ("<cac:Delivery><cac:DeliveryLocation><cbc:ID schemeID=\"0088\">0614141000036"
                "</cbc:ID><cbc:Name>Reno DC</cbc:Name></cac:DeliveryLocation>"
                "<cac:RequestedDeliveryPeriod><cbc:StartDate>2026-12-01</cbc:StartDate>"
                "</cac:RequestedDeliveryPeriod></cac:Delivery>\n")
    msg = message("<cbc:ID>PO-7</cbc:ID><cbc:IssueDate>2026-11-20</cbc:IssueDate>"
                  "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>"
                  + PARTIES + delivery + LINE)
    [doc] = map_message(msg).documents
    assert (doc.party("buyer").scheme, doc.party("buyer").value) == ("GLN", "0614141000012")
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("GLN", "0614141000005")
    ship_to = doc.party("ship_to")
    assert (ship_to.scheme, ship_to.value, ship_to.name) == ("GLN", "0614141000036", "Reno DC")
    assert (doc.currency, doc.requested_delivery) == ("EUR", date(2026, 12, 1))
    [line] = doc.lines
    assert (line.product.gtin, line.product.description, line.uom, line.unit_price) == (
        "05012345678900", "Oat bar", "C62", Decimal("2.40"))
    assert line.base_quantity == Decimal(12)


def test_missing_order_id_is_missing_element_at_the_root() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(order("<cbc:IssueDate>2026-11-20</cbc:IssueDate>\n"))
    issue = caught.value.issue
    assert (issue.code, issue.scope.value, issue.location.line, issue.location.segment_tag) == (
        "missing-element", "element", 4, "Order/cbc:ID")  # the root start tag ends on line 4


def test_impossible_issue_date_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(order("<cbc:ID>PO-7</cbc:ID>\n<cbc:IssueDate>2026-13-01</cbc:IssueDate>\n"))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 7, "cbc:IssueDate")


def test_non_numeric_quantity_is_invalid_value_at_cbc_quantity() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(order(line=LINE.replace(">12<", ">twelve<")))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag) == ("invalid-value", "cbc:Quantity")
    assert issue.location.line == 16


def test_line_without_quantity_is_missing_element_at_its_line_item() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(order(line=LINE.replace('<cbc:Quantity unitCode="C62">12</cbc:Quantity>',
                                            "")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 14, "cac:LineItem/cbc:Quantity")


def test_gtin_with_a_wrong_check_digit_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(order(line=LINE.replace("05012345678900", "05012345678901")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 19, "cbc:ID")


def test_gln_with_a_wrong_check_digit_falls_back_with_a_warning() -> None:
    msg = message("<cbc:ID>PO-7</cbc:ID>" + PARTIES.replace("0614141000012", "0614141000013")
                  + LINE)
    mapped = map_message(msg)
    [warning] = mapped.issues
    assert (warning.severity.value, warning.location.segment_tag) == ("warning", "cbc:EndpointID")
    assert mapped.documents[0].party("buyer") is None  # no other identifier to fall back on
    assert mapped.documents[0].currency == "EUR"  # from the first currencyID


def test_order_without_lines_is_rejected() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(order(line=""))
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == (
        "missing-element", "Order/cac:OrderLine")
