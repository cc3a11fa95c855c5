"""UBL DespatchAdvice mapping rules: shipment facts, lines per order line, located errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.ubl_despatch_advice import map_message

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<DespatchAdvice xmlns="urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2" \
xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" \
xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
"""
HEADER = """<cbc:ID>DA-1</cbc:ID>
<cbc:IssueDate>2026-11-25</cbc:IssueDate>
<cac:OrderReference><cbc:ID>PO-7</cbc:ID></cac:OrderReference>
<cac:DespatchSupplierParty><cac:Party><cbc:EndpointID schemeID="0088">0614141000005\
</cbc:EndpointID></cac:Party></cac:DespatchSupplierParty>
<cac:DeliveryCustomerParty><cac:Party><cbc:EndpointID schemeID="0088">0614141000036\
</cbc:EndpointID><cac:PartyName><cbc:Name>Reno DC</cbc:Name></cac:PartyName></cac:Party>\
</cac:DeliveryCustomerParty>
"""
SHIPMENT = """<cac:Shipment><cbc:ID>1</cbc:ID><cac:Delivery>
<cac:EstimatedDeliveryPeriod><cbc:StartDate>2026-11-28</cbc:StartDate>\
</cac:EstimatedDeliveryPeriod>
<cac:CarrierParty><cac:PartyName><cbc:Name>Fast Freight</cbc:Name></cac:PartyName>\
</cac:CarrierParty>
<cac:Despatch><cbc:ActualDespatchDate>2026-11-24</cbc:ActualDespatchDate></cac:Despatch>
</cac:Delivery></cac:Shipment>
"""
LINE = """<cac:DespatchLine>
<cbc:ID>1</cbc:ID>
<cbc:DeliveredQuantity unitCode="C62">6</cbc:DeliveredQuantity>
<cbc:OutstandingQuantity unitCode="C62">4</cbc:OutstandingQuantity>
<cac:OrderLineReference><cbc:LineID>1</cbc:LineID></cac:OrderLineReference>
<cac:Item><cbc:Name>Oat bar</cbc:Name><cac:SellersItemIdentification><cbc:ID>AC-1</cbc:ID>\
</cac:SellersItemIdentification><cac:StandardItemIdentification><cbc:ID>4006381333931\
</cbc:ID></cac:StandardItemIdentification></cac:Item>
</cac:DespatchLine>
"""


def message(body: str) -> edi.Message:
    [msg] = edi.parse((HEAD + body + "</DespatchAdvice>").encode()).messages
    assert msg.type == "ubl:DespatchAdvice"
    return msg


def test_shipment_facts_and_parties() -> None:
    mapped = map_message(message(HEADER + SHIPMENT + LINE))
    [doc] = mapped.documents
    assert mapped.issues == []
    assert (doc.shipment_number, doc.purpose, doc.shipped_on, doc.estimated_delivery,
            doc.carrier) == ("DA-1", "original", date(2026, 11, 24), date(2026, 11, 28),
                             "Fast Freight")
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("GLN", "0614141000005")
    ship_to = doc.party("ship_to")
    assert (ship_to.scheme, ship_to.value, ship_to.name) == ("GLN", "0614141000036", "Reno DC")


def test_lines_ship_their_order_lines() -> None:
    [doc] = map_message(message(HEADER + SHIPMENT + LINE)).documents
    [line] = doc.lines
    assert (line.po_number, line.line_number, line.quantity_shipped, line.uom,
            line.quantity_ordered) == ("PO-7", "1", Decimal(6), "C62", None)
    assert (line.product.gtin, line.product.vendor_part, line.product.description) == (
        "04006381333931", "AC-1", "Oat bar")
    assert (line.segment_number, line.raw_qualifier) == (13, "DespatchLine")


def test_line_order_reference_wins_over_the_header_one() -> None:
    line = LINE.replace("<cbc:LineID>1</cbc:LineID>",
                        "<cbc:LineID>3</cbc:LineID><cac:OrderReference><cbc:ID>PO-8</cbc:ID>"
                        "</cac:OrderReference>")
    [doc] = map_message(message(HEADER + line)).documents
    assert (doc.lines[0].po_number, doc.lines[0].line_number) == ("PO-8", "3")


def test_without_shipment_the_issue_date_is_the_ship_date() -> None:
    [doc] = map_message(message(HEADER + LINE)).documents
    assert (doc.shipped_on, doc.estimated_delivery, doc.carrier) == (
        date(2026, 11, 25), None, None)


def test_missing_id_is_missing_element_at_the_root() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.replace("<cbc:ID>DA-1</cbc:ID>\n", "") + LINE))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 2, "DespatchAdvice/cbc:ID")


def test_bad_delivered_quantity_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER + SHIPMENT + LINE.replace(">6<", ">six<")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 15, "cbc:DeliveredQuantity")


def test_missing_delivered_quantity_is_missing_element_at_the_line() -> None:
    line = LINE.replace('<cbc:DeliveredQuantity unitCode="C62">6</cbc:DeliveredQuantity>', "")
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER + SHIPMENT + line))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 13, "cac:DespatchLine/cbc:DeliveredQuantity")


def test_bad_despatch_date_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER + SHIPMENT.replace("2026-11-24", "2026-11-31") + LINE))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 11, "cbc:ActualDespatchDate")


def test_gtin_with_a_wrong_check_digit_is_invalid_value() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER + LINE.replace("4006381333931", "4006381333932")))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag) == ("invalid-value", "cbc:ID")


def test_despatch_advice_without_lines_is_rejected() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER))
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == (
        "missing-element", "DespatchAdvice/cac:DespatchLine")
