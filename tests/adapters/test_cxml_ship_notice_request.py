"""cXML ShipNoticeRequest mapping rules: header, carrier, portions and items, located errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.cxml_ship_notice_request import map_message

# ShipNoticeHeader is on line 12.
PROLOG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="1700000000.3@acmefoods.example" timestamp="2026-11-25T16:00:00+00:00">
<Header>
<From><Credential domain="DUNS"><Identity>987654321</Identity></Credential></From>
<To><Credential domain="NetworkID"><Identity>NORTHWIND</Identity></Credential></To>
<Sender><Credential domain="DUNS"><Identity>987654321</Identity></Credential>
<UserAgent>test</UserAgent></Sender>
</Header>
<Request>
<ShipNoticeRequest>
"""
HEADER = """<ShipNoticeHeader shipmentID="ASN-1" noticeDate="2026-11-25" {attrs}>
<Contact role="shipTo" addressID="DC-RENO"><Name xml:lang="en">Reno DC</Name></Contact>
</ShipNoticeHeader>
<ShipControl><CarrierIdentifier domain="companyName">Fast Freight</CarrierIdentifier>
<CarrierIdentifier domain="SCAC">FAFR</CarrierIdentifier>
<ShipmentIdentifier>1Z999</ShipmentIdentifier></ShipControl>
"""
PORTION = """<ShipNoticePortion>
<OrderReference orderID="PO-1"><DocumentReference payloadID="x"/></OrderReference>
<ShipNoticeItem lineNumber="1" quantity="6"><ItemID><SupplierPartID>AC-1</SupplierPartID>
</ItemID><ShipNoticeItemDetail><Description xml:lang="en">Oat bar</Description>
</ShipNoticeItemDetail><UnitOfMeasure>CS</UnitOfMeasure>
<OrderedQuantity quantity="10"><UnitOfMeasure>CS</UnitOfMeasure></OrderedQuantity></ShipNoticeItem>
<ShipNoticeItem lineNumber="2" quantity="3"><UnitOfMeasure>EA</UnitOfMeasure></ShipNoticeItem>
</ShipNoticePortion>
"""
EPILOG = "</ShipNoticeRequest></Request></cXML>"
DATES = 'shipmentDate="2026-11-25T15:00:00-08:00" deliveryDate="2026-11-27"'


def message(body: str) -> edi.Message:
    [msg] = edi.parse((PROLOG + body + EPILOG).encode()).messages
    assert msg.type == "cxml:ShipNoticeRequest" and msg.accepted, msg.issues
    return msg


def test_header_control_and_parties() -> None:
    [doc] = map_message(message(HEADER.format(attrs=DATES) + PORTION)).documents
    assert (doc.shipment_number, doc.purpose, doc.shipped_on, doc.estimated_delivery) == (
        "ASN-1", "original", date(2026, 11, 25), date(2026, 11, 27))
    assert (doc.carrier, doc.bill_of_lading) == ("FAFR", "1Z999")
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("DUNS", "987654321")
    assert (doc.party("buyer").scheme, doc.party("buyer").value) == ("ZZ", "NORTHWIND")
    ship_to = doc.party("ship_to")
    assert (ship_to.value, ship_to.location_code, ship_to.name) == ("DC-RENO", "DC-RENO",
                                                                    "Reno DC")
    assert doc.segment_number == 12


def test_items_become_lines_of_their_portions_order() -> None:
    [doc] = map_message(message(HEADER.format(attrs=DATES) + PORTION)).documents
    first, second = doc.lines
    assert (first.po_number, first.line_number, first.quantity_shipped, first.uom,
            first.quantity_ordered) == ("PO-1", "1", Decimal(6), "CS", Decimal(10))
    assert (first.product.vendor_part, first.product.description) == ("AC-1", "Oat bar")
    assert (second.line_number, second.quantity_shipped, second.uom,
            second.quantity_ordered) == ("2", Decimal(3), "EA", None)
    assert (first.segment_number, first.raw_qualifier) == (20, "ShipNoticeItem")


def test_two_portions_carry_two_orders() -> None:
    other = PORTION.replace("PO-1", "PO-2")
    [doc] = map_message(message(HEADER.format(attrs=DATES) + PORTION + other)).documents
    assert [line.po_number for line in doc.lines] == ["PO-1", "PO-1", "PO-2", "PO-2"]


def test_operations_map_to_purposes_and_delete_needs_no_items() -> None:
    for operation, purpose in (("new", "original"), ("update", "replace")):
        [doc] = map_message(message(
            HEADER.format(attrs=f'operation="{operation}"') + PORTION)).documents
        assert doc.purpose == purpose
    [doc] = map_message(message(HEADER.format(attrs='operation="delete"'))).documents
    assert (doc.purpose, doc.lines) == ("cancel", ())


def test_missing_shipment_id_is_missing_element_at_the_header() -> None:
    body = HEADER.format(attrs=DATES).replace('shipmentID="ASN-1" ', "") + PORTION
    with pytest.raises(MappingError) as caught:
        map_message(message(body))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 12, "ShipNoticeHeader/@shipmentID")


def test_missing_order_id_is_missing_element_at_order_reference() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(attrs=DATES)
                            + PORTION.replace(' orderID="PO-1"', "")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 19, "OrderReference/@orderID")


def test_bad_quantity_is_invalid_value_at_its_item() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(attrs=DATES)
                            + PORTION.replace('quantity="3"', 'quantity="-"')))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 24, "ShipNoticeItem/@quantity")


def test_bad_shipment_date_is_invalid_value_at_the_header() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(attrs='shipmentDate="25/11/2026"') + PORTION))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 12, "ShipNoticeHeader/@shipmentDate")


def test_unknown_operation_is_invalid_value() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(attrs='operation="merge"') + PORTION))
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == (
        "invalid-value", "ShipNoticeHeader/@operation")


def test_ship_notice_without_items_is_rejected() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(attrs=DATES)))
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == (
        "missing-element", "ShipNoticeRequest/ShipNoticePortion")
