"""cXML ProductActivityMessage mapping rules: inventory figures per product and place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.cxml_product_activity_message import map_message

# ProductActivityHeader is on line 12, the first ProductActivityDetails on line 13.
PROLOG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="1700000000.5@boltretail.example" timestamp="2026-11-22T06:00:00+00:00">
<Header>
<From><Credential domain="NetworkID"><Identity>BOLTRETAIL</Identity></Credential></From>
<To><Credential domain="GLN"><Identity>0614141000005</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>BOLTRETAIL</Identity></Credential>
<UserAgent>test</UserAgent></Sender>
</Header>
<Message>
<ProductActivityMessage>
"""
HEADER = '<ProductActivityHeader messageID="PAM-1" creationDate="2026-11-22T06:00:00Z"/>\n'
DETAILS = """<ProductActivityDetails>
<ItemID><SupplierPartID>AC-1</SupplierPartID><BuyerPartID>B-77</BuyerPartID></ItemID>
<Description xml:lang="en">Oat bar</Description>
<Contact role="locationTo" addressID="STORE-12"><Name xml:lang="en">Store 12</Name></Contact>
<Inventory>
<UnrestrictedUseQuantity quantity="40"><UnitOfMeasure>EA</UnitOfMeasure></UnrestrictedUseQuantity>
<StockInTransferQuantity quantity="12"><UnitOfMeasure>EA</UnitOfMeasure></StockInTransferQuantity>
</Inventory>
</ProductActivityDetails>
"""
EPILOG = "</ProductActivityMessage></Message></cXML>"


def message(body: str) -> edi.Message:
    [msg] = edi.parse((PROLOG + body + EPILOG).encode()).messages
    assert msg.type == "cxml:ProductActivityMessage" and msg.accepted, msg.issues
    return msg


def test_inventory_figures_for_a_product_at_a_store() -> None:
    mapped = map_message(message(HEADER + DETAILS))
    [doc] = mapped.documents
    assert mapped.issues == []
    assert (doc.report_number, doc.report_date, doc.sales) == ("PAM-1", date(2026, 11, 22), ())
    assert (doc.party("reporter").scheme, doc.party("reporter").value) == ("ZZ", "BOLTRETAIL")
    [line] = doc.inventory
    assert (line.on_hand, line.available, line.in_transit, line.on_order, line.uom) == (
        Decimal(40), Decimal(40), Decimal(12), None, "EA")
    assert (line.as_of, line.raw_qualifier, line.segment_number) == (
        date(2026, 11, 22), "UnrestrictedUse,StockInTransfer", 13)
    assert (line.product.vendor_part, line.product.buyer_part, line.product.description) == (
        "AC-1", "B-77", "Oat bar")
    assert (line.location.role, line.location.value, line.location.location_code,
            line.location.name) == ("location", "STORE-12", "STORE-12", "Store 12")


def test_stock_on_hand_wins_over_unrestricted_use_for_on_hand() -> None:
    details = DETAILS.replace(
        "</Inventory>",
        '<StockOnHandQuantity quantity="55"><UnitOfMeasure>EA</UnitOfMeasure>'
        '</StockOnHandQuantity><OrderQuantity quantity="100"><UnitOfMeasure>EA'
        "</UnitOfMeasure></OrderQuantity></Inventory>")
    [doc] = map_message(message(HEADER + details)).documents
    [line] = doc.inventory
    assert (line.on_hand, line.available, line.on_order) == (Decimal(55), Decimal(40),
                                                              Decimal(100))


def test_location_by_gln_id_reference() -> None:
    details = DETAILS.replace(
        '<Contact role="locationTo" addressID="STORE-12"><Name xml:lang="en">Store 12</Name>',
        '<Contact role="locationTo"><Name xml:lang="en">Store 12</Name>'
        '<IdReference domain="GLN" identifier="0614141000036"/>')
    [doc] = map_message(message(HEADER + details)).documents
    location = doc.inventory[0].location
    assert (location.scheme, location.value, location.location_code) == (
        "GLN", "0614141000036", None)


def test_details_without_inventory_are_a_warning() -> None:
    details = ("<ProductActivityDetails><ItemID><SupplierPartID>AC-1</SupplierPartID>"
               "</ItemID></ProductActivityDetails>\n")
    mapped = map_message(message(HEADER + details))
    [warning] = mapped.issues
    assert (warning.code, warning.severity.value, warning.location.line,
            warning.location.segment_tag) == ("not-mapped", "warning", 13,
                                              "ProductActivityDetails")
    assert mapped.documents[0].inventory == ()


def test_bad_quantity_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER + DETAILS.replace('"12"', '"a dozen"')))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 19, "StockInTransferQuantity/@quantity")


def test_bad_creation_date_is_invalid_value_at_the_header() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.replace("2026-11-22T06:00:00Z", "yesterday") + DETAILS))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 12, "ProductActivityHeader/@creationDate")


def test_inventory_without_creation_date_is_missing_element() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message('<ProductActivityHeader messageID="PAM-1"/>\n' + DETAILS))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 12, "ProductActivityHeader/@creationDate")
